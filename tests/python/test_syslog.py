"""SysLogHandler: femtologging's (sent by the worker) against the standard
library's, byte for byte, over UDP, TCP and a Unix socket; RFC 5424 mode."""

from __future__ import annotations

import logging as stdlib
import logging.handlers as stdlib_handlers
import re
import socket
from pathlib import Path

import femtologging
import femtologging.handlers
import pytest


class Listener:
    """Receives what a syslog handler sends: datagrams, or one stream."""

    def __init__(self, family: int, kind: int, address: object) -> None:
        self.sock = socket.socket(family, kind)
        self.sock.bind(address)
        self.sock.settimeout(10)
        self.kind = kind
        if kind == socket.SOCK_STREAM:
            self.sock.listen()
        self.address = self.sock.getsockname()

    def messages(self, count: int, separator: bytes = b"\0") -> list[bytes]:
        if self.kind == socket.SOCK_DGRAM:
            return [self.sock.recv(65536) for _ in range(count)]
        connection, _ = self.sock.accept()
        connection.settimeout(10)
        data = b""
        with connection:
            while data.count(separator) < count:
                chunk = connection.recv(65536)
                assert chunk, "closed early"
                data += chunk
        return [part + separator for part in data.split(separator)[:count]]


def log_three(handler: stdlib.Handler, name: str) -> None:
    logger = femtologging.getLogger(name)
    logger.propagate = False
    logger.setLevel(femtologging.DEBUG)
    logger.addHandler(handler)
    handler.setFormatter(femtologging.Formatter("%(levelname)s %(message)s"))
    logger.debug("plain")
    logger.warning("with %s", "args")
    logger.critical("last")
    handler.flush()
    logger.removeHandler(handler)


@pytest.mark.parametrize("transport", ["udp", "tcp", "unix"])
def test_the_same_bytes_as_the_standard_library(transport, tmp_path: Path):
    def listener(tag: str) -> Listener:
        if transport == "unix":
            return Listener(socket.AF_UNIX, socket.SOCK_DGRAM, str(tmp_path / f"{tag}.sock"))
        kind = socket.SOCK_STREAM if transport == "tcp" else socket.SOCK_DGRAM
        return Listener(socket.AF_INET, kind, ("127.0.0.1", 0))

    theirs, ours = listener("theirs"), listener("ours")
    socktype = socket.SOCK_STREAM if transport == "tcp" else None
    options = {"facility": "local3"} if transport != "unix" else {}
    their_handler = stdlib_handlers.SysLogHandler(theirs.address, socktype=socktype, **options)
    our_handler = femtologging.handlers.SysLogHandler(ours.address, socktype=socktype, **options)
    assert not our_handler._is_python_handler()  # the worker formats and sends
    for handler in (their_handler, our_handler):
        handler.ident = "app: "
    log_three(their_handler, "syslog.theirs")
    log_three(our_handler, "syslog.ours")
    expected, got = theirs.messages(3), ours.messages(3)
    their_handler.close()
    our_handler.close()
    assert got == expected
    assert got[1] == (b"<156>" if transport != "unix" else b"<12>") + b"app: WARNING with args\x00"


def test_rfc5424_with_structured_data():
    listener = Listener(socket.AF_INET, socket.SOCK_STREAM, ("127.0.0.1", 0))
    handler = femtologging.handlers.FemtoSysLogHandler(listener.address, facility="local0", socktype=socket.SOCK_STREAM)
    handler.ident = "billing"
    logger = femtologging.getLogger("syslog.rfc5424")
    logger.propagate = False
    logger.addHandler(handler)
    logger.error("charge failed", extra={"order": "A-17", "note": 'say "hi"]'})
    handler.close()
    connection, _ = listener.sock.accept()
    with connection:
        data = connection.recv(65536)
    length, message = data.split(b" ", 1)
    assert int(length) == len(message)
    pattern = (
        rb"<131>1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z \S+ billing \d+ - "
        rb'\[femto@32473 order="A-17" note="say \\"hi\\"\\]"\] charge failed'
    )
    assert re.fullmatch(pattern, message), message


def test_a_subclass_that_changes_a_step_runs_the_standard_librarys_code():
    listener = Listener(socket.AF_INET, socket.SOCK_DGRAM, ("127.0.0.1", 0))

    class Louder(femtologging.handlers.SysLogHandler):
        def mapPriority(self, levelName):  # noqa: N802, N803 (stdlib names)
            return "alert"

    handler = Louder(listener.address)
    assert handler._is_python_handler()
    logger = femtologging.getLogger("syslog.louder")
    logger.propagate = False
    logger.setLevel(femtologging.INFO)
    logger.addHandler(handler)
    logger.info("x")
    assert listener.messages(1) == [b"<9>x\x00"]
    handler.close()
