"""HTTP handlers, sending from the engine's worker thread (docs/http.md):
``HTTPHandler``, the standard library's drop-in (one form-encoded record
per request, GET or POST), and ``FemtoHTTPHandler``, batches of JSON for
log collectors. The logging call only queues the record; the worker
sends, retries and counts what it drops."""

from __future__ import annotations

import json
import logging as stdlib
import logging.handlers as _stdlib_handlers
import os
from typing import Any

from ._backend import engine
from ._handler import Handler, _emit_to_engine, _level_name, _native
from ._levels import NOTSET
from ._socket import _millis, _RemadeOnChange, tls_keys

#: Steps of the standard library's ``HTTPHandler`` a subclass may change;
#: with either (or ``emit``) overridden, its code sends, on the thread that
#: logs.
_HTTP_HOOKS = ("mapLogRecord", "getConnection")

_PAYLOADS = ("ndjson", "json_array", "form")


class HTTPHandler(_RemadeOnChange):
    """``logging.handlers.HTTPHandler``: each record's attributes
    form-encoded (``urllib.parse.urlencode(record.__dict__)``), in the query
    string of a GET or the body of a POST, with Basic ``credentials``, to
    ``host`` (``"name:port"``) and ``url``. ``msg`` carries the message with
    its arguments merged, so ``args`` is always ``()``.

    The worker thread sends; a server that is slow or down never makes a
    logging call wait (the worker retries 5xx answers and lost connections
    with backoff and holds up to 4 MiB meanwhile). Changing ``method``,
    ``host``, ``url``, ``secure`` or ``credentials`` applies to the records
    that follow. An ``ssl.SSLContext`` (``context``), or a subclass
    overriding ``emit``, ``mapLogRecord`` or ``getConnection``, runs the
    standard library's code instead, on the thread that logs.
    """

    _made_from = ("host", "url", "method", "secure", "credentials")
    # The standard library's steps, for subclasses that change one.
    mapLogRecord = _stdlib_handlers.HTTPHandler.mapLogRecord  # noqa: N815 (stdlib names)
    getConnection = _stdlib_handlers.HTTPHandler.getConnection  # noqa: N815

    def __init__(
        self,
        host: str,
        url: str,
        method: str = "GET",
        secure: bool = False,
        credentials: tuple[str, str] | None = None,
        context: Any = None,
    ) -> None:
        method = method.upper()
        if method not in ("GET", "POST"):
            raise ValueError("method must be GET or POST")
        if not secure and context is not None:
            raise ValueError("context parameter only makes sense with secure=True")
        self.host = host
        self.url = url
        self.method = method
        self.secure = secure
        self.credentials = credentials
        self.context = context
        Handler.__init__(self)
        if self._handle and self._caller_side:
            return  # the standard library's code sends (see the class's doc)
        self._open(self._engine_new, 0, "block", 0)

    def _description(self) -> str:
        path = self.url if self.url.startswith("/") else f"/{self.url}"
        description: dict[str, Any] = {
            "class": "http",
            "url": f"{'https' if self.secure else 'http'}://{self.host}{path}",
            "method": self.method,
            "payload": "form",
            "wait_for_receiver": False,
        }
        if self.credentials:
            user, password = self.credentials
            description.update(username=str(user), password=str(password))
        return json.dumps(description)

    def _engine_new(self, *args: Any) -> object:
        return engine.handler_new(self._description(), *args)

    def _is_python_handler(self) -> bool:
        cls = type(self)
        overridden = any(getattr(cls, hook) is not getattr(HTTPHandler, hook) for hook in _HTTP_HOOKS)
        # An ``ssl.SSLContext`` is Python's: the standard library's code uses it.
        return overridden or self.context is not None or super()._is_python_handler()

    @_native
    def emit(self, record: stdlib.LogRecord) -> None:
        """Queues the record for the worker, or (for a subclass that changes
        a step, or a ``context``) sends it with the standard library's code."""
        if not self._caller_side:
            _emit_to_engine(self, record)
            return
        _stdlib_handlers.HTTPHandler.emit(self, record)  # type: ignore[arg-type]


class FemtoHTTPHandler(Handler):
    """Sends records to an HTTP collector from the worker thread: batches of
    JSON (``payload="ndjson"``, one object per line, or ``"json_array"``),
    one POST per batch, a batch going when it holds ``batch_max_records``
    records or ``batch_max_bytes`` bytes, ``batch_max_age`` seconds after
    its first record, or at ``flush()``; or the standard library's form
    (``payload="form"``, one request per record, GET or POST).

    ``https`` URLs check the certificate and host name against the system's
    roots or ``ca_file``. Credentials: user info in the URL, ``credentials``
    (Basic) or ``bearer_token``; none of them, no ``token`` query parameter
    and no secret header appears in ``repr``, errors or warnings. 429 and
    503 are retried after their ``Retry-After``, other 5xx and lost
    connections with backoff, until ``retry_deadline``; other 4xx are
    dropped and counted. Delivery is at least once (docs/http.md).

    Each record in a JSON batch is the formatter's text: the engine's
    ``JsonFormatter`` unless another is set. Times are in seconds.
    """

    def __init__(
        self,
        url: str,
        *,
        method: str = "POST",
        payload: str = "ndjson",
        headers: dict[str, str] | None = None,
        credentials: tuple[str, str] | None = None,
        bearer_token: str | None = None,
        ca_file: str | os.PathLike[str] | None = None,
        cert_file: str | os.PathLike[str] | None = None,
        key_file: str | os.PathLike[str] | None = None,
        server_name: str | None = None,
        insecure: bool = False,
        connect_timeout: float = 5.0,
        timeout: float = 10.0,
        batch_max_records: int = 1000,
        batch_max_bytes: int = 1 << 20,
        batch_max_age: float = 1.0,
        max_buffered_bytes: int = 4 << 20,
        backoff_base: float = 0.1,
        backoff_cap: float = 10.0,
        backoff_reset: float = 30.0,
        retry_deadline: float = 120.0,
        level: int | str = NOTSET,
        capacity: int = 0,
        overflow: str = "block",
        timeout_ms: int = 0,
    ) -> None:
        Handler.__init__(self, level)
        if payload not in _PAYLOADS:
            raise ValueError(f"payload must be one of {', '.join(_PAYLOADS)}, not {payload!r}")
        description: dict[str, Any] = {
            "class": "http",
            "url": url,
            "method": method.upper(),
            "payload": payload,
            "headers": dict(headers or {}),
            "batch_max_records": batch_max_records,
            "batch_max_bytes": batch_max_bytes,
            "max_buffered_bytes": max_buffered_bytes,
        }
        if credentials is not None:
            user, password = credentials
            description.update(username=str(user), password=str(password))
        if bearer_token is not None:
            description["bearer_token"] = bearer_token
        # The URL's scheme says whether TLS is on; these only set it up.
        tls = tls_keys(True, ca_file, cert_file, key_file, server_name, insecure)
        if ca_file or cert_file or key_file or server_name or insecure:
            description.update({key: value for key, value in tls.items() if key != "tls"})
        seconds = {
            "connect_timeout_ms": ("connect_timeout", connect_timeout),
            "request_timeout_ms": ("timeout", timeout),
            "batch_max_age_ms": ("batch_max_age", batch_max_age),
            "backoff_base_ms": ("backoff_base", backoff_base),
            "backoff_cap_ms": ("backoff_cap", backoff_cap),
            "backoff_reset_ms": ("backoff_reset", backoff_reset),
            "retry_deadline_ms": ("retry_deadline", retry_deadline),
        }
        for key, (option, value) in seconds.items():
            description[key] = _millis(option, value)
        text = json.dumps(description)
        self._open(lambda *args: engine.handler_new(text, *args), capacity, overflow, timeout_ms)
        #: The URL with its secrets shown as ``***``.
        self.address: str = engine.handler_name(self._handle).removeprefix("http ")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.address} ({_level_name(self.level)})>"
