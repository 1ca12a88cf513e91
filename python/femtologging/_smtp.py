"""``SMTPHandler``: the standard library's mail for each record, sent from
the handler's worker thread so that a logging call never waits for a mail
server."""

from __future__ import annotations

import logging as stdlib
import logging.handlers as _stdlib_handlers
from typing import Any

from ._backend import engine
from ._handler import Handler, _emit_to_engine, _native, _worker


class SMTPHandler(Handler):
    """``logging.handlers.SMTPHandler``: one mail per record (``From``,
    ``To``, ``Subject`` from ``getSubject``, ``Date``, the formatted record
    as the body), with optional ``credentials`` and STARTTLS (``secure``),
    made and sent by the standard library's code (smtplib), but on the
    handler's worker thread: the logging call only queues the record. The
    worker takes the GIL for each batch it sends; ``getSubject`` and the
    formatter run there. A subclass overriding ``emit`` sends on the thread
    that logs, as in the standard library."""

    getSubject = _stdlib_handlers.SMTPHandler.getSubject  # noqa: N815 (stdlib name)

    def __init__(
        self,
        mailhost: str | tuple[str, int],
        fromaddr: str,
        toaddrs: str | list[str],
        subject: str,
        credentials: tuple[str, str] | None = None,
        secure: tuple[Any, ...] | None = None,
        timeout: float = 5.0,
    ) -> None:
        # The standard library's attributes, which its ``emit`` reads.
        if isinstance(mailhost, (list, tuple)):
            self.mailhost, self.mailport = mailhost
        else:
            self.mailhost, self.mailport = mailhost, None
        if isinstance(credentials, (list, tuple)):
            self.username, self.password = credentials
        else:
            self.username = None
        self.fromaddr = fromaddr
        self.toaddrs = [toaddrs] if isinstance(toaddrs, str) else toaddrs
        self.subject = subject
        self.secure = secure
        self.timeout = timeout
        Handler.__init__(self)
        if self._handle:
            return  # a subclass with its own emit: sent on the thread that logs
        self._open(self._engine_new, 0, "block", 0)

    def _engine_new(self, level: int, formatter: object, capacity: int, overflow: int, timeout_ms: int) -> object:
        # No terminator: the worker hands this handler the records themselves.
        return engine.callback_handler_new(self._send_batch, None, level, formatter, capacity, overflow, timeout_ms)

    @_native
    def emit(self, record: stdlib.LogRecord) -> None:
        """Queues the record for the worker (which mails it)."""
        if not self._caller_side:
            _emit_to_engine(self, record)
            return
        _stdlib_handlers.SMTPHandler.emit(self, record)  # type: ignore[arg-type]

    def _send_batch(self, batch: list[stdlib.LogRecord] | None) -> None:
        """On the worker: one mail per record, by the standard library's
        code (which reports a failure through ``handleError``)."""
        if batch is None:
            return
        _worker.handler = self
        try:
            for record in batch:
                _stdlib_handlers.SMTPHandler.emit(self, record)  # type: ignore[arg-type]
        finally:
            _worker.handler = None
