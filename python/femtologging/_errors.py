"""Exceptions raised for engine failures, shared by both backends."""

from __future__ import annotations


class FemtoError(Exception):
    """An engine call failed; ``status`` is the C API's status number."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message or f"femtologging error {status}")
        self.status = status


class FemtoValueError(FemtoError, ValueError):
    """An invalid argument: unknown level name, bad format string, bad logger name."""


class FemtoOSError(FemtoError, OSError):
    """A file could not be opened or a worker thread not started."""


_BY_STATUS: dict[int, type[FemtoError]] = {
    7001: FemtoValueError,  # NULL argument (a binding bug, reported as a value error)
    7002: FemtoValueError,
    7004: FemtoOSError,
}


def error_for_status(status: int, message: str) -> FemtoError:
    """The exception for a failing status (used by both backends)."""
    return _BY_STATUS.get(status, FemtoError)(status, message)
