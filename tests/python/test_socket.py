"""FemtoSocketHandler to the receiver that ships with it
(``python -m femtologging.receiver``), on loopback and Unix sockets:
round trips, IPv6, fork, configuration, refusals and secrets."""

from __future__ import annotations

import logging as stdlib
import logging.handlers as stdlib_handlers
import os
import pickle
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import femtologging
import femtologging.config
import femtologging.handlers
import pytest
from femtologging import FemtoValueError
from femtologging._backend import engine
from femtologging.handlers import FemtoSocketHandler
from femtologging.receiver import Receiver

FORMAT = "%(name)s|%(levelname)s|%(process)d|%(message)s"


class ReceiverProcess:
    """``python -m femtologging.receiver`` writing the records it receives
    to a file."""

    def __init__(self, tmp_path: Path, *where: str) -> None:
        self.log = tmp_path / f"received-{time.monotonic_ns()}.log"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "femtologging.receiver", *where, "--file", str(self.log), "--format", FORMAT],
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.process.stderr is not None
        banner = self.process.stderr.readline()
        assert "listening on" in banner, banner
        self.port = int(banner.rsplit(" ", 1)[1]) if "port" in banner else 0

    def stop(self) -> str:
        """Stops it (SIGTERM, as a service manager would); returns its report."""
        self.process.send_signal(signal.SIGTERM)
        _, err = self.process.communicate(timeout=30)
        assert self.process.returncode == 0, err
        return err

    def lines(self) -> list[str]:
        return self.log.read_text(encoding="utf-8").splitlines()


@pytest.fixture
def tcp_receiver(tmp_path: Path) -> Iterator[ReceiverProcess]:
    receiver = ReceiverProcess(tmp_path, "--tcp", "127.0.0.1:0")
    yield receiver
    if receiver.process.poll() is None:
        receiver.process.kill()


@pytest.fixture
def sender() -> Iterator[femtologging.Logger]:
    logger = femtologging.getLogger("net.sender")
    logger.setLevel(femtologging.INFO)
    logger.propagate = False
    logger.disabled = False  # an earlier dictConfig may have disabled it
    yield logger
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()


def send(logger: femtologging.Logger, handler: FemtoSocketHandler, count: int) -> None:
    logger.addHandler(handler)
    for i in range(count):
        logger.info("record %d", i)
    handler.flush()


def expected(count: int, name: str = "net.sender") -> list[str]:
    return [f"{name}|INFO|{os.getpid()}|record {i}" for i in range(count)]


def test_records_arrive_over_tcp_in_order(tcp_receiver, sender):
    handler = FemtoSocketHandler("127.0.0.1", tcp_receiver.port)
    send(sender, handler, 2_000)
    assert engine.handler_stats(handler._handle) == (2_000, 0, 0)
    handler.close()
    report = tcp_receiver.stop()
    assert "2000 records, 0 bad frames" in report
    assert tcp_receiver.lines() == expected(2_000)


def test_ipv6_and_unix_sockets(tmp_path, sender):
    v6 = ReceiverProcess(tmp_path, "--tcp", "[::1]:0")
    unix = ReceiverProcess(tmp_path, "--unix", str(tmp_path / "r.sock"))
    try:
        to_v6 = FemtoSocketHandler("::1", v6.port)
        to_unix = FemtoSocketHandler(path=tmp_path / "r.sock")
        sender.addHandler(to_v6)
        send(sender, to_unix, 300)
        to_v6.close()
        to_unix.close()
    finally:
        v6.stop()
        unix.stop()
    assert v6.lines() == expected(300)
    assert unix.lines() == expected(300)


def test_exceptions_and_key_values_travel(tcp_receiver, sender, tmp_path):
    handler = FemtoSocketHandler("127.0.0.1", tcp_receiver.port)
    sender.addHandler(handler)
    try:
        raise KeyError("gone")
    except KeyError:
        sender.exception("lookup failed", extra={"user": "ann"})
    handler.close()
    tcp_receiver.stop()
    text = tcp_receiver.log.read_text(encoding="utf-8")
    assert f"net.sender|ERROR|{os.getpid()}|lookup failed\nTraceback (most recent call last):" in text
    assert "KeyError: 'gone'" in text


@pytest.mark.skipif(sys.platform != "linux", reason="fork")
def test_a_forked_child_makes_its_own_connection(tcp_receiver, sender):
    handler = FemtoSocketHandler("127.0.0.1", tcp_receiver.port)
    send(sender, handler, 100)  # connected before the fork
    pid = os.fork()
    if pid == 0:
        status = 0
        try:
            for i in range(500):
                sender.info("child %d", i)
            handler.flush()
        except BaseException:
            status = 1
        os._exit(status)
    for i in range(500):
        sender.info("parent %d", i)
    _, status = os.waitpid(pid, 0)
    assert status == 0
    handler.close()
    report = tcp_receiver.stop()
    assert "1100 records, 0 bad frames, 2 connections" in report
    lines = tcp_receiver.lines()
    child = [line for line in lines if line.endswith(tuple(f"child {i}" for i in range(500)))]
    assert [line.rsplit("|", 1)[1] for line in child] == [f"child {i}" for i in range(500)]
    assert all(f"|{pid}|" in line for line in child)
    assert sum(f"|{os.getpid()}|" in line for line in lines) == 600


def test_dict_config_and_a_toml_file_make_socket_handlers(tcp_receiver, tmp_path):
    femtologging.config.dictConfig(
        {
            "version": 1,
            "handlers": {
                "net": {
                    "class": "femtologging.handlers.FemtoSocketHandler",
                    "host": "127.0.0.1",
                    "port": tcp_receiver.port,
                    "connect_timeout": 1.5,
                }
            },
            "loggers": {"net.dict": {"handlers": ["net"], "level": "INFO", "propagate": False}},
        }
    )
    femtologging.getLogger("net.dict").info("from dictConfig")
    config = tmp_path / "logging.toml"
    config.write_text(
        f"""
        [handlers.net]
        class = "socket"
        host = "127.0.0.1"
        port = {tcp_receiver.port}
        [loggers."net.toml"]
        level = "INFO"
        handlers = ["net"]
        propagate = false
        """,
        encoding="utf-8",
    )
    femtologging.config.load_file(config)
    femtologging.getLogger("net.toml").info("from a TOML file")
    femtologging.flush()
    femtologging.config.dictConfig({"version": 1, "incremental": False})
    tcp_receiver.stop()
    lines = tcp_receiver.lines()
    assert f"net.dict|INFO|{os.getpid()}|from dictConfig" in lines
    assert f"net.toml|INFO|{os.getpid()}|from a TOML file" in lines


@pytest.mark.parametrize(
    ("options", "error", "text"),
    [
        ({}, FemtoValueError, "transport"),
        ({"host": "h", "port": 1, "path": "/tmp/x.sock"}, FemtoValueError, "transport"),
        ({"path": "/tmp/x.sock", "tls": True}, FemtoValueError, "TLS"),
        ({"host": "h", "port": 1, "ca_file": "ca.pem"}, ValueError, "tls=True"),
        ({"host": "h", "port": 1, "write_timeout": 0}, ValueError, "write_timeout"),
        ({"host": "h", "port": 1, "tls": True, "ca_file": "/nonexistent/ca.pem"}, OSError, "ca_file"),
    ],
)
def test_bad_options_raise_named_errors(options, error, text):
    with pytest.raises(error, match=text):
        FemtoSocketHandler(**options)


def test_secrets_stay_out_of_errors_and_repr(tmp_path):
    key = tmp_path / "client.key"
    key.write_text("-----BEGIN PRIVATE KEY-----\nhunter2\n-----END PRIVATE KEY-----\n", encoding="utf-8")
    cert = tmp_path / "client.pem"
    cert.write_text("not a certificate hunter2", encoding="utf-8")
    with pytest.raises(femtologging.FemtoError) as caught:
        FemtoSocketHandler("127.0.0.1", 1, tls=True, cert_file=cert, key_file=key, insecure=True)
    assert "hunter2" not in str(caught.value)
    handler = FemtoSocketHandler("127.0.0.1", 9, tls=True, server_name="logs.test", insecure=True)
    assert repr(handler) == "<FemtoSocketHandler tls://127.0.0.1:9 (NOTSET)>"
    handler.close()


def test_the_receiver_class_hands_records_to_loggers_here(run_script, tmp_path):
    """A Receiver in this process; the sender in another."""
    received = tmp_path / "here.log"
    handler = femtologging.FileHandler(received)
    handler.setFormatter(femtologging.Formatter(FORMAT))
    logger = femtologging.getLogger("net.remote")
    logger.addHandler(handler)
    logger.propagate = False
    with Receiver("127.0.0.1:0") as receiver:
        result = run_script(
            """
            import sys
            import femtologging as logging
            from femtologging.handlers import FemtoSocketHandler
            log = logging.getLogger("net.remote")
            log.addHandler(FemtoSocketHandler("127.0.0.1", int(sys.argv[1])))
            log.setLevel("INFO")
            for i in range(1000):
                log.info("remote %d", i)
            """,
            str(receiver.port),
        )
        assert result.returncode == 0, result.stderr
        deadline = time.monotonic() + 10
        while receiver.stats().records < 1000 and time.monotonic() < deadline:
            time.sleep(0.01)
    stats = receiver.stats()
    assert stats.records == 1000 and stats.bad_frames == 0 and stats.connections == 1
    handler.flush()
    lines = received.read_text(encoding="utf-8").splitlines()
    assert [line.rsplit("|", 1)[1] for line in lines] == [f"remote {i}" for i in range(1000)]
    logger.removeHandler(handler)
    handler.close()


class PickleReceiver:
    """A receiver written for the standard library's socket handlers: reads
    length-prefixed pickles (TCP) or datagrams (UDP) and makes records."""

    def __init__(self, datagram: bool = False) -> None:
        kind = socket.SOCK_DGRAM if datagram else socket.SOCK_STREAM
        self.sock = socket.socket(socket.AF_INET, kind)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(10)
        if not datagram:
            self.sock.listen()
        self.port = self.sock.getsockname()[1]
        self.datagram = datagram

    def records(self, count: int) -> list[stdlib.LogRecord]:
        if self.datagram:
            return [self._record(self.sock.recv(65536)[4:]) for _ in range(count)]
        connection, _ = self.sock.accept()
        connection.settimeout(10)
        data = b""
        with connection:
            while len(self._split(data)) < count:
                chunk = connection.recv(65536)
                assert chunk, "the sender closed early"
                data += chunk
        return [self._record(payload) for payload in self._split(data)]

    @staticmethod
    def _split(data: bytes) -> list[bytes]:
        payloads = []
        while len(data) >= 4:
            (size,) = struct.unpack(">L", data[:4])
            if len(data) < 4 + size:
                break
            payloads.append(data[4 : 4 + size])
            data = data[4 + size :]
        return payloads

    @staticmethod
    def _record(payload: bytes) -> stdlib.LogRecord:
        return stdlib.makeLogRecord(pickle.loads(payload))


def _log_three(handler: stdlib.Handler, logger_name: str) -> None:
    logger = femtologging.getLogger(logger_name)
    logger.propagate = False
    logger.setLevel(femtologging.DEBUG)
    logger.addHandler(handler)
    logger.debug("plain")
    logger.warning("with %s and %d", "args", 3, extra={"user": "ann"})
    try:
        raise ValueError("bad")
    except ValueError:
        logger.exception("failed")
    handler.flush()


SAME = ("name", "msg", "args", "levelname", "levelno", "pathname", "filename", "module", "funcName", "process")


@pytest.mark.parametrize("datagram", [False, True], ids=["SocketHandler", "DatagramHandler"])
def test_the_standard_librarys_receivers_read_ours_as_theirs(datagram):
    """The standard library's handler and ours, to the same kind of receiver:
    the records it makes agree in every attribute a receiver reads."""
    theirs, ours = PickleReceiver(datagram), PickleReceiver(datagram)
    stdlib_class = stdlib_handlers.DatagramHandler if datagram else stdlib_handlers.SocketHandler
    our_class = femtologging.handlers.DatagramHandler if datagram else femtologging.handlers.SocketHandler
    their_handler = stdlib_class("127.0.0.1", theirs.port)
    our_handler = our_class("127.0.0.1", ours.port)
    assert not our_handler._is_python_handler()  # the worker pickles and sends
    _log_three(their_handler, "net.theirs")
    _log_three(our_handler, "net.ours")
    expected, got = theirs.records(3), ours.records(3)
    their_handler.close()
    our_handler.close()
    for want, have in zip(expected, got, strict=True):
        for attribute in SAME:
            want_value = getattr(want, attribute)
            if attribute == "name":
                want_value = want_value.replace("theirs", "ours")
            if attribute == "msg":
                want_value = want.getMessage()
            assert getattr(have, attribute) == want_value, attribute
        assert have.getMessage() == want.getMessage()
        assert have.lineno == want.lineno
        assert abs(have.created - want.created) < 5
        assert (have.exc_text is None) == (want.exc_text is None)
    assert got[1].user == "ann" == expected[1].user
    assert got[2].exc_text.endswith("ValueError: bad")


def test_a_subclass_that_changes_a_step_runs_the_standard_librarys_code():
    receiver = PickleReceiver()
    calls = []

    class Tagged(femtologging.handlers.SocketHandler):
        def makePickle(self, record):  # noqa: N802 (stdlib name)
            calls.append(threading.get_ident())
            record.tag = "mine"
            return super().makePickle(record)

    handler = Tagged("127.0.0.1", receiver.port)
    assert handler._is_python_handler()
    logger = femtologging.getLogger("net.tagged")
    logger.propagate = False
    logger.addHandler(handler)
    logger.warning("tagged")
    (record,) = receiver.records(1)
    handler.close()
    assert calls == [threading.get_ident()]  # on the thread that logs
    assert (record.getMessage(), record.tag) == ("tagged", "mine")


def test_the_builder_makes_a_socket_handler(tcp_receiver, tmp_path):
    from femtologging.builders import ConfigBuilder, LoggerBuilder, SocketHandlerBuilder

    builder = SocketHandlerBuilder.tcp("127.0.0.1", tcp_receiver.port).timeouts(1.0, 2.0).backoff(cap=1.0)
    handler = builder.level("WARNING").build()
    assert isinstance(handler, FemtoSocketHandler)
    assert handler.level == femtologging.WARNING
    handler.close()
    (
        ConfigBuilder()
        .handler("net", builder)
        .logger("net.built", LoggerBuilder().level("INFO").handlers(["net"]).propagate(False))
        .build_and_init()
    )
    logger = femtologging.getLogger("net.built")
    logger.info("dropped by the handler's level")
    logger.error("from a builder")
    femtologging.flush()
    femtologging.config.dictConfig({"version": 1, "incremental": False})
    tcp_receiver.stop()
    assert tcp_receiver.lines() == [f"net.built|ERROR|{os.getpid()}|from a builder"]
    with pytest.raises(FemtoValueError, match="TLS"):
        SocketHandlerBuilder.unix(tmp_path / "x.sock").tls(insecure=True).build()


def _self_signed(directory: Path, name: str, san: str) -> tuple[Path, Path]:
    """A self-signed certificate and its key, made with the openssl tool."""
    cert, key = directory / f"{name}.pem", directory / f"{name}.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", f"/CN={name}",
         "-addext", f"subjectAltName={san}", "-addext", "basicConstraints=critical,CA:FALSE"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def test_tls_to_the_receiver_program(tmp_path, sender):
    cert, key = _self_signed(tmp_path, "receiver", "IP:127.0.0.1")
    receiver = ReceiverProcess(tmp_path, "--tls", "127.0.0.1:0", "--cert", str(cert), "--key", str(key))
    try:
        trusted = FemtoSocketHandler("127.0.0.1", receiver.port, tls=True, ca_file=cert)
        send(sender, trusted, 200)
        stats = engine.handler_stats(trusted._handle)
        sender.removeHandler(trusted)
        trusted.close()
        other, _ = _self_signed(tmp_path, "other", "IP:127.0.0.1")
        untrusted = FemtoSocketHandler("127.0.0.1", receiver.port, tls=True, ca_file=other)
        sender.addHandler(untrusted)
        sender.info("never arrives")
        untrusted.flush()
        refused = engine.handler_stats(untrusted._handle)
        untrusted.close()
    finally:
        report = receiver.stop()
    assert stats == (200, 0, 0)
    assert refused[2] >= 1  # the handshake failed and was counted
    assert "200 records" in report
    assert receiver.lines() == expected(200)
