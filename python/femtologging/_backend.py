"""Chooses the engine binding: the native extension (PyO3, the default) or
the cffi fallback. ``FEMTOLOGGING_BACKEND=native|cffi`` forces one; without
it, cffi is used only when the extension cannot be imported.

The wheel always carries the extension, so ``cffi`` is an optional
dependency (``pip install 'femtologging[cffi]'``): asking for the fallback
without it is a clear ``ImportError``.
"""

from __future__ import annotations

import atexit
import os
from types import ModuleType


def _load() -> tuple[ModuleType, str]:
    requested = os.environ.get("FEMTOLOGGING_BACKEND", "").strip().lower()
    if requested not in ("", "native", "cffi"):
        raise ImportError(f"FEMTOLOGGING_BACKEND={requested!r}: expected 'native' or 'cffi'")
    if requested != "cffi":
        try:
            from . import _femtologging

            _femtologging.install_wait_hooks()
            return _femtologging, "native"
        except ImportError:
            if requested == "native":
                raise
    try:
        from . import _cffi_backend
    except ModuleNotFoundError as missing:
        if missing.name != "cffi":
            raise
        raise ImportError(
            "femtologging: the cffi backend needs the cffi package: pip install 'femtologging[cffi]'"
        ) from missing

    _cffi_backend.install_wait_hooks()
    return _cffi_backend, "cffi"


engine, BACKEND = _load()
# Registered before the package's own exit functions, so it runs after them:
# once they have written what Python handlers hold, no Python callback runs.
atexit.register(engine.host_exit_at_exit)
