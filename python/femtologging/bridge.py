"""Routes what third-party code logs through the standard library's
``logging`` into femtologging's loggers, handlers and worker threads.

    import femtologging
    from femtologging import bridge

    femtologging.basicConfig(filename="app.log", level=femtologging.INFO)
    bridge.install()            # stdlib records now reach femtologging's handlers

Each stdlib record goes to the femtologging logger of the same name, with its
message, level, timestamp, caller, thread, exception text and ``extra``, so
femtologging's levels, handlers and formatters apply to it. The standard
library's own levels still filter first (its root logger is at WARNING
unless configured): ``install(level=...)`` sets that root level too.
"""

from __future__ import annotations

import logging as _stdlib

from ._handler import log_stdlib_record


class BridgeHandler(_stdlib.Handler):
    """A standard-library handler that hands every record to femtologging."""

    def emit(self, record: _stdlib.LogRecord) -> None:
        try:
            log_stdlib_record(record)
        except Exception:
            self.handleError(record)


_installed: BridgeHandler | None = None


def install(level: int | None = None) -> BridgeHandler:
    """Attaches the bridge to the standard library's root logger (once);
    ``level`` also sets that root logger's level. Returns the handler."""
    global _installed
    if _installed is None:
        _installed = BridgeHandler()
        _stdlib.getLogger().addHandler(_installed)
    if level is not None:
        _stdlib.getLogger().setLevel(level)
    return _installed


def uninstall() -> None:
    """Detaches the bridge."""
    global _installed
    if _installed is not None:
        _stdlib.getLogger().removeHandler(_installed)
        _installed = None
