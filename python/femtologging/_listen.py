"""``logging.config.listen`` and ``stopListening``: a configuration server
on a TCP port. Each connection sends a 4-byte big-endian length and that
many bytes: a JSON ``dictConfig`` dictionary or an INI ``fileConfig``
text, applied to femtologging. ``verify`` sees the bytes first and may
change them or refuse them (by returning ``None``). As in the standard
library, whoever can reach the port can reconfigure logging (and an INI
text is evaluated as Python): bind it only where that is acceptable, and
give a ``verify`` that checks a signature."""

from __future__ import annotations

import io
import json
import select
import socketserver
import struct
import threading
import traceback
from collections.abc import Callable
from typing import Any

#: The standard library's default port.
DEFAULT_LOGGING_CONFIG_PORT = 9030

#: The server of the running listener, stopped by ``stopListening``.
_listener: _ConfigServer | None = None
_listener_lock = threading.Lock()


def _read_exactly(connection: Any, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = connection.recv(size - len(data))
        if not chunk:
            break
        data += chunk
    return data


def _apply(text: str) -> None:
    """A JSON dictionary goes to ``dictConfig``; anything else is read as an
    INI file for ``fileConfig``."""
    from .config import dictConfig, fileConfig  # late: config imports this module

    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict):
        dictConfig(parsed)
    else:
        fileConfig(io.StringIO(text))


class _ConfigRequest(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        server: _ConfigServer = self.server  # type: ignore[assignment]
        try:
            header = _read_exactly(self.connection, 4)
            if len(header) == 4:
                (size,) = struct.unpack(">L", header)
                payload: bytes | None = _read_exactly(self.connection, size)
                if server.verify is not None:
                    payload = server.verify(payload)
                if payload is not None:
                    _apply(payload.decode("utf-8"))
        except Exception:  # a bad configuration must not end the listener
            traceback.print_exc()
        finally:
            if server.ready is not None:
                server.ready.set()


class _ConfigServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, port: int, verify: Callable[[bytes], bytes | None] | None, ready: threading.Event) -> None:
        super().__init__(("localhost", port), _ConfigRequest)
        self.verify = verify
        self.ready: threading.Event | None = ready
        self.stopping = threading.Event()

    def serve_until_stopped(self) -> None:
        while not self.stopping.is_set():
            readable, _, _ = select.select([self.socket.fileno()], [], [], 0.5)
            if readable:
                self.handle_request()
        self.server_close()


class ConfigListener(threading.Thread):
    """The thread ``listen`` returns: ``start()`` it; ``ready`` is set once
    it listens (``port`` is then the bound port, also for port 0) and again
    after each configuration it applied."""

    def __init__(self, port: int, verify: Callable[[bytes], bytes | None] | None) -> None:
        super().__init__(name="femtologging-config-listener", daemon=True)
        self.port = port
        self.verify = verify
        self.ready = threading.Event()

    def run(self) -> None:
        global _listener
        server = _ConfigServer(self.port, self.verify, self.ready)
        if self.port == 0:
            self.port = server.server_address[1]
        with _listener_lock:
            _listener = server
        self.ready.set()
        server.serve_until_stopped()


def listen(
    port: int = DEFAULT_LOGGING_CONFIG_PORT, verify: Callable[[bytes], bytes | None] | None = None
) -> ConfigListener:
    """A not-yet-started thread serving configurations on ``port`` (see the
    module's doc); ``stopListening()`` ends it."""
    return ConfigListener(port, verify)


def stopListening() -> None:  # noqa: N802 (stdlib name)
    """Stops the running listener, if any (its thread ends within half a
    second)."""
    global _listener
    with _listener_lock:
        if _listener is not None:
            _listener.stopping.set()
            _listener = None
