"""pytest sees femtologging's records as it sees the standard library's
(registered as a ``pytest11`` entry point, so it loads wherever
femtologging is installed).

pytest attaches its handlers (``caplog``, ``--log-level``, live logging,
``--log-file``) to the standard library's root logger and sets levels on
the standard library's loggers. This plugin makes each of those steps
reach femtologging's logger of the same name too: its handlers run there
on the thread that logs, as any Python handler does in femtologging, and
``caplog.set_level``/``at_level`` set (and restore) both loggers' levels.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest

_patched = False


def pytest_configure(config: pytest.Config) -> None:  # noqa: ARG001 (pytest's signature)
    global _patched
    if _patched:
        return
    _patched = True
    from _pytest import logging as pytest_logging

    import femtologging
    from femtologging import bridge

    catching = pytest_logging.catching_logs
    enter, leave = catching.__enter__, catching.__exit__

    def __enter__(self: Any) -> Any:  # noqa: N807 (the method it wraps)
        handler = enter(self)
        root = femtologging.getLogger()
        with bridge.held():  # pytest's handler is not the program configuring logging
            root.addHandler(self.handler)
        if self.level is not None:
            # catching_logs has __slots__: its own level is kept by pytest.
            _saved_root_levels[id(self)] = root.level
            root.setLevel(min(root.level, self.level))
        return handler

    def __exit__(self: Any, *exc: Any) -> None:  # noqa: N807
        root = femtologging.getLogger()
        level = _saved_root_levels.pop(id(self), None)
        if level is not None:
            root.setLevel(level)
        root.removeHandler(self.handler)
        leave(self, *exc)

    catching.__enter__ = __enter__  # type: ignore[method-assign]
    catching.__exit__ = __exit__  # type: ignore[method-assign]

    fixture = pytest_logging.LogCaptureFixture
    set_level, at_level, finalize = fixture.set_level, fixture.at_level, fixture._finalize

    def set_level_too(self: Any, level: int | str, logger: str | None = None) -> None:
        ours = femtologging.getLogger(logger)
        _initial_levels(self).setdefault(logger, ours.level)
        ours.setLevel(level)
        set_level(self, level, logger)

    @contextlib.contextmanager
    def at_level_too(self: Any, level: int | str, logger: str | None = None) -> Iterator[None]:
        ours = femtologging.getLogger(logger)
        original = ours.level
        ours.setLevel(level)
        try:
            with at_level(self, level, logger):
                yield
        finally:
            ours.setLevel(original)

    def finalize_too(self: Any) -> None:
        for name, level in _initial_levels(self).items():
            femtologging.getLogger(name).setLevel(level)
        finalize(self)

    fixture.set_level = set_level_too  # type: ignore[method-assign]
    fixture.at_level = at_level_too  # type: ignore[method-assign, assignment]
    fixture._finalize = finalize_too  # type: ignore[method-assign]


#: The femtologging root level each active ``catching_logs`` replaced.
_saved_root_levels: dict[int, int] = {}


def _initial_levels(fixture: Any) -> dict[str | None, int]:
    """The femtologging levels a ``caplog`` changed, to restore at its end."""
    levels = fixture.__dict__.get("_femto_initial_levels")
    if levels is None:
        levels = fixture.__dict__["_femto_initial_levels"] = {}
    return levels  # type: ignore[no-any-return]
