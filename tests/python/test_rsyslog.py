"""femtologging's syslog handlers against a real rsyslog (Debian's package,
installed by ``make test``), started here with its own configuration on
loopback ports, a Unix socket and a temporary directory: every record
arrives once, with the right facility, severity, host, app name and
structured data, over UDP, TCP and the Unix socket."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import femtologging
import femtologging.handlers
import pytest

RSYSLOGD = shutil.which("rsyslogd") or "/usr/sbin/rsyslogd"
FIELDS = "%syslogfacility%|%syslogseverity%|%hostname%|%app-name%|%structured-data%|%msg%"


def free_port(kind: int) -> int:
    with socket.socket(socket.AF_INET, kind) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Rsyslog:
    """rsyslogd with its own configuration; with ``tls`` (a certificate and
    its key) its TCP input speaks TLS (RFC 5425, GnuTLS driver)."""

    def __init__(self, directory: Path, tls: tuple[Path, Path] | None = None) -> None:
        self.directory = directory
        self.udp_port = free_port(socket.SOCK_DGRAM)
        self.tcp_port = free_port(socket.SOCK_STREAM)
        self.unix_path = str(directory / "log.sock")
        self.output = directory / "received.log"
        config = directory / "rsyslog.conf"
        tls_global = tls_module = ""
        if tls is not None:
            cert, key = tls
            tls_global = (
                f'DefaultNetstreamDriverCAFile="{cert}" DefaultNetstreamDriverCertFile="{cert}" '
                f'DefaultNetstreamDriverKeyFile="{key}"'
            )
            tls_module = 'StreamDriver.Name="gtls" StreamDriver.Mode="1" StreamDriver.AuthMode="anon"'
        config.write_text(
            f"""
            global(workDirectory="{directory}" {tls_global})
            module(load="imudp")
            module(load="imtcp" AddtlFrameDelimiter="0" {tls_module})
            module(load="imuxsock" SysSock.Use="off")
            input(type="imudp" address="127.0.0.1" port="{self.udp_port}" rcvbufSize="8m")
            input(type="imtcp" address="127.0.0.1" port="{self.tcp_port}")
            input(type="imuxsock" Socket="{self.unix_path}" UseSpecialParser="off" ParseHostname="on")
            template(name="fields" type="string" string="{FIELDS}\\n")
            *.* action(type="omfile" file="{self.output}" template="fields")
            """,
            encoding="utf-8",
        )
        self.process = subprocess.Popen(
            [RSYSLOGD, "-n", "-f", str(config), "-i", str(directory / "rsyslogd.pid")],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 10
        while not os.path.exists(self.unix_path) or not self._listening():
            assert self.process.poll() is None, self.process.stdout.read()  # type: ignore[union-attr]
            assert time.monotonic() < deadline, "rsyslogd did not start"
            time.sleep(0.05)

    def _listening(self) -> bool:
        try:
            socket.create_connection(("127.0.0.1", self.tcp_port), timeout=1).close()
            return True
        except OSError:
            return False

    def lines(self, count: int) -> list[str]:
        """Waits (bounded) for ``count`` lines that came from the tests."""
        deadline = time.monotonic() + 15
        while True:
            text = self.output.read_text(encoding="utf-8") if self.output.exists() else ""
            lines = [line for line in text.splitlines() if "femto-test" in line]
            if len(lines) >= count or time.monotonic() > deadline:
                time.sleep(0.3)  # anything more (a duplicate) shows now
                text = self.output.read_text(encoding="utf-8") if self.output.exists() else ""
                return [line for line in text.splitlines() if "femto-test" in line]
            time.sleep(0.05)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def rsyslog(tmp_path: Path) -> Iterator[Rsyslog]:
    server = Rsyslog(tmp_path)
    yield server
    server.stop()


def send(handler: femtologging.Handler, name: str, count: int) -> None:
    logger = femtologging.getLogger(name)
    logger.propagate = False
    logger.setLevel(femtologging.DEBUG)
    logger.addHandler(handler)
    for i in range(count):
        level = (femtologging.INFO, femtologging.WARNING, femtologging.ERROR)[i % 3]
        logger.log(level, "femto-test %s %d", name, i, extra={"seq": str(i)})
    handler.close()
    logger.removeHandler(handler)


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, made with the openssl tool."""
    cert, key = directory / "rsyslog.pem", directory / "rsyslog.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=rsyslog",
         "-addext", "subjectAltName=IP:127.0.0.1", "-addext", "basicConstraints=critical,CA:FALSE"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


SEVERITY = {0: "6", 1: "4", 2: "3"}
HOST = socket.gethostname()


@pytest.mark.parametrize("transport", ["udp", "tcp", "unix"])
@pytest.mark.parametrize("rfc5424", [False, True], ids=["stdlib", "rfc5424"])
def test_every_record_arrives_once_with_its_fields(rsyslog, transport, rfc5424):
    address: object = rsyslog.unix_path
    socktype = None
    if transport == "udp":
        address = ("127.0.0.1", rsyslog.udp_port)
    elif transport == "tcp":
        address, socktype = ("127.0.0.1", rsyslog.tcp_port), socket.SOCK_STREAM
    cls = femtologging.handlers.FemtoSysLogHandler if rfc5424 else femtologging.handlers.SysLogHandler
    handler = cls(address, facility="local4", socktype=socktype)
    handler.ident = "femtoapp" if rfc5424 else "femtoapp: "
    name = f"{transport}.{'rfc5424' if rfc5424 else 'stdlib'}"
    send(handler, name, 300)
    lines = rsyslog.lines(300)
    assert len(lines) == 300, lines[:5]
    for i, line in enumerate(lines):
        facility, severity, host, app, structured, message = line.split("|", 5)
        assert (facility, severity, app) == ("20", SEVERITY[i % 3], "femtoapp"), line
        assert message.strip() == f"femto-test {name} {i}", line
        if rfc5424:
            assert host == HOST, line
            assert structured == f'[femto@32473 seq="{i}"]', line
        else:
            assert structured == "-", line


def test_rfc5425_tls_delivers_every_record_once(tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    server = Rsyslog(tmp_path, tls=(cert, key))
    try:
        handler = femtologging.handlers.FemtoSysLogHandler(
            ("127.0.0.1", server.tcp_port), facility="local4", socktype=socket.SOCK_STREAM, tls=True, ca_file=cert
        )
        handler.ident = "femtoapp"
        send(handler, "tls.rfc5424", 300)
        lines = server.lines(300)
    finally:
        server.stop()
    assert len(lines) == 300, lines[:5]
    for i, line in enumerate(lines):
        facility, severity, host, app, structured, message = line.split("|", 5)
        assert (facility, severity, host, app) == ("20", SEVERITY[i % 3], HOST, "femtoapp"), line
        assert structured == f'[femto@32473 seq="{i}"]' and message.strip() == f"femto-test tls.rfc5424 {i}", line


def test_rfc5425_refuses_a_certificate_it_does_not_trust(tmp_path: Path) -> None:
    from femtologging._backend import engine

    cert, key = self_signed(tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    untrusted, _ = self_signed(other)
    server = Rsyslog(tmp_path, tls=(cert, key))
    try:
        handler = femtologging.handlers.FemtoSysLogHandler(
            ("127.0.0.1", server.tcp_port), socktype=socket.SOCK_STREAM, tls=True, ca_file=untrusted
        )
        logger = femtologging.getLogger("tls.refused")
        logger.propagate = False
        logger.addHandler(handler)
        for i in range(5):
            logger.error("femto-test refused %d", i)
        handler.flush()
        logger.removeHandler(handler)
        handler.close()
        written, dropped, errors = engine.handler_stats(handler._handle)
        assert (written, dropped) == (0, 5) and errors >= 1
        assert server.lines(0) == []
    finally:
        server.stop()
