"""HTTP and syslog benchmark: the standard library's HTTPHandler and
SysLogHandler against femtologging's, side by side.

    python bench/python/network_row.py [--repeats R] [--records N] [--http-records M] [--markdown FILE]

Each run is a fresh interpreter that logs records through one handler and
closes it; the time counts until ``close()`` returns, when every record has
been sent (HTTP: answered). The servers are the same for every peer and run
in a separate process: an HTTP/1.1 collector (keep-alive, answers 200 at
once) and syslog drains over UDP and TCP that read and discard. Runs are
interleaved; the table gives the minimum and the median microseconds per
record, records per second, the sending process's CPU time per record (user
+ system, every thread), and each median over the standard library's for
the same transport.

The standard library's HTTPHandler makes one connection and one request per
record, so its runs log ``--http-records`` records (fewer); every HTTP row
logs that many. spdlog has no row here: its syslog sink writes only through
``syslog(3)`` to the local ``/dev/log``, not over UDP or TCP.
"""

from __future__ import annotations

import argparse
import http.server
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from samples import Samples, percent  # noqa: E402

#: Peer: (title, transport it is compared within).
PEERS = {
    "stdlib_http": ("stdlib HTTPHandler, POST (a request per record)", "http"),
    "femto_http_form": ("femtologging HTTPHandler, POST (a request per record)", "http"),
    "femto_http_ndjson": ("FemtoHTTPHandler, NDJSON batches", "http"),
    "stdlib_syslog_udp": ("stdlib SysLogHandler, UDP", "udp"),
    "femto_syslog_udp": ("femtologging SysLogHandler, UDP", "udp"),
    "stdlib_syslog_tcp": ("stdlib SysLogHandler, TCP", "tcp"),
    "femto_syslog_tcp": ("femtologging SysLogHandler, TCP", "tcp"),
    "femto_rfc5424_tcp": ("FemtoSysLogHandler (RFC 5424), TCP", "tcp"),
}


def serve() -> None:
    """The servers: prints the HTTP, UDP and TCP ports, then serves."""

    class Collect(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _answer(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_POST = _answer  # noqa: N815 (http.server's names)

        def log_message(self, *args: object) -> None:
            pass

    collector = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Collect)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    udp.bind(("127.0.0.1", 0))
    tcp = socket.create_server(("127.0.0.1", 0))
    print(collector.server_address[1], udp.getsockname()[1], tcp.getsockname()[1], flush=True)

    def read_udp() -> None:
        while True:
            udp.recv(65536)

    def read(connection: socket.socket) -> None:
        with connection:
            while connection.recv(1 << 20):
                pass

    def accept_tcp() -> None:
        while True:
            connection, _ = tcp.accept()
            threading.Thread(target=read, args=(connection,), daemon=True).start()

    threading.Thread(target=read_udp, daemon=True).start()
    threading.Thread(target=accept_tcp, daemon=True).start()
    collector.serve_forever()


def make_handler(peer: str, ports: list[int]) -> object:
    http_port, udp_port, tcp_port = ports
    host = f"127.0.0.1:{http_port}"
    if peer.startswith("stdlib"):
        import logging.handlers as handlers

        if peer == "stdlib_http":
            return handlers.HTTPHandler(host, "/bulk", method="POST")
        if peer == "stdlib_syslog_udp":
            return handlers.SysLogHandler(("127.0.0.1", udp_port))
        return handlers.SysLogHandler(("127.0.0.1", tcp_port), socktype=socket.SOCK_STREAM)
    import femtologging.handlers as handlers

    if peer == "femto_http_form":
        return handlers.HTTPHandler(host, "/bulk", method="POST")
    if peer == "femto_http_ndjson":
        return handlers.FemtoHTTPHandler(f"http://{host}/bulk")
    if peer == "femto_syslog_udp":
        return handlers.SysLogHandler(("127.0.0.1", udp_port))
    if peer == "femto_syslog_tcp":
        return handlers.SysLogHandler(("127.0.0.1", tcp_port), socktype=socket.SOCK_STREAM)
    return handlers.FemtoSysLogHandler(("127.0.0.1", tcp_port), socktype=socket.SOCK_STREAM)


def send(peer: str, records: int, ports: list[int]) -> None:
    """One run: log ``records`` records and close; prints seconds and CPU seconds."""
    if peer.startswith("stdlib"):
        import logging
    else:
        import femtologging as logging  # type: ignore[no-redef]
    handler = make_handler(peer, ports)
    logger = logging.getLogger("bench")
    logger.addHandler(handler)  # type: ignore[arg-type]
    logger.setLevel(logging.INFO)
    logger.propagate = False
    cpu0, start = time.process_time(), time.perf_counter()
    for i in range(records):
        logger.info("request %d served in %d ms", i, 12)
    handler.close()  # type: ignore[attr-defined]
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu0
    print(elapsed, cpu)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--http-records", type=int, default=2_000)
    parser.add_argument("--markdown")
    args = parser.parse_args()
    server = subprocess.Popen([sys.executable, __file__, "--serve"], stdout=subprocess.PIPE, text=True)
    try:
        ports = server.stdout.readline().split()  # type: ignore[union-attr]
        wall: dict[str, list[float]] = {peer: [] for peer in PEERS}
        cpu: dict[str, list[float]] = {peer: [] for peer in PEERS}
        for _ in range(args.repeats):
            for peer, (_title, transport) in PEERS.items():
                records = args.http_records if transport == "http" else args.records
                command = [sys.executable, __file__, "--send", peer, str(records), *ports]
                done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=True)
                seconds, cpu_seconds = map(float, done.stdout.split())
                wall[peer].append(seconds / records * 1e6)
                cpu[peer].append(cpu_seconds / records * 1e6)
    finally:
        server.kill()
    baselines = {transport: statistics.median(wall[f"stdlib_{name}"]) for transport, name in
                 (("http", "http"), ("udp", "syslog_udp"), ("tcp", "syslog_tcp"))}  # fmt: skip
    lines = [
        f"Python {sys.version.split()[0]}; {args.records:,} records per syslog run and {args.http_records:,} per "
        f"HTTP run, {args.repeats} interleaved runs, each in a fresh interpreter; microseconds per record "
        "until close() returns.",
        "",
        "| handler | min | median | spread | records/s (median) | CPU per record, median "
        "| median / stdlib's (same transport) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for peer, (title, transport) in PEERS.items():
        median = statistics.median(wall[peer])
        lines.append(
            f"| {title} | {min(wall[peer]):.2f} | {median:.2f} | {percent(Samples(wall[peer]).spread)} "
            f"| {1e6 / median:,.0f} "
            f"| {statistics.median(cpu[peer]):.2f} | {median / baselines[transport]:.3g}x |"
        )
    table = "\n".join(lines)
    print(table)
    if args.markdown:
        Path(args.markdown).write_text(table + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        serve()
    elif len(sys.argv) > 1 and sys.argv[1] == "--send":
        send(sys.argv[2], int(sys.argv[3]), [int(port) for port in sys.argv[4:7]])
    else:
        sys.exit(main())
