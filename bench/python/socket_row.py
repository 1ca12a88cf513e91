"""Socket benchmark: the standard library's SocketHandler against
femtologging's socket handlers and its FileHandler, side by side.

    python bench/python/socket_row.py [--repeats R] [--records N] [--libdir DIR] [--markdown FILE]

With ``--libdir`` (where libfemtologging.so is), the same runs from C
(bench/c/socket_bench.c, compiled here) join the table.

Each run is a fresh interpreter that logs N records through one handler and
closes it; the time counts until ``close()`` returns, when every record has
been handed to the kernel (or written to the file). The receiver is the same
for every socket peer: a separate process that reads and discards bytes, so
only the sending side is compared. Runs are interleaved; the table gives
the minimum and the median microseconds per record, the CPU time per record
of the sending process (user + system, every thread), and each peer's
median over the standard library's.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from samples import Samples, percent  # noqa: E402

PEERS = {
    "stdlib_tcp": "stdlib SocketHandler, TCP (pickles)",
    "femto_stdlib_tcp": "femtologging SocketHandler, TCP (pickles)",
    "femto_tcp": "FemtoSocketHandler, TCP (MessagePack)",
    "stdlib_unix": "stdlib SocketHandler, Unix socket (pickles)",
    "femto_unix": "FemtoSocketHandler, Unix socket (MessagePack)",
    "femto_file": "femtologging FileHandler (for scale)",
}
C_PEERS = {
    "c_tcp": "C, femto_socket_handler_new, TCP",
    "c_unix": "C, femto_socket_handler_new, Unix socket",
    "c_file": "C, file handler (for scale)",
}
ROOT = Path(__file__).resolve().parents[2]


def compile_c(libdir: str, out: str) -> str:
    binary = os.path.join(out, "socket_bench")
    libdir = os.path.abspath(libdir)
    subprocess.run(
        [
            "cc",
            "-std=c11",
            "-D_GNU_SOURCE",
            "-O2",
            "-Wall",
            "-Wextra",
            "-Werror",
            f"-I{ROOT / 'include'}",
            str(ROOT / "bench/c/socket_bench.c"),
            f"-L{libdir}",
            f"-Wl,-rpath,{libdir}",
            "-lfemtologging",
            "-lpthread",
            "-o",
            binary,
        ],
        check=True,
    )
    return binary


def drain(kind: str, where: str) -> None:
    """The receiver: accepts connections and discards what they send."""
    if kind == "tcp":
        server = socket.create_server(("127.0.0.1", 0))
        print(server.getsockname()[1], flush=True)
    else:
        server = socket.socket(socket.AF_UNIX)
        server.bind(where)
        server.listen()
        print(0, flush=True)

    def read(connection: socket.socket) -> None:
        with connection:
            while connection.recv(1 << 20):
                pass

    while True:
        connection, _ = server.accept()
        threading.Thread(target=read, args=(connection,), daemon=True).start()


def send(peer: str, records: int, port: int, path: str, tmp: str) -> None:
    """One run: log ``records`` records and close; prints seconds and CPU seconds."""
    if peer.startswith("stdlib"):
        import logging
        import logging.handlers

        handler: logging.Handler = (
            logging.handlers.SocketHandler("127.0.0.1", port)
            if peer == "stdlib_tcp"
            else logging.handlers.SocketHandler(path, None)
        )
        logger = logging.getLogger("bench")
    else:
        import femtologging as logging
        import femtologging.handlers

        if peer == "femto_stdlib_tcp":
            handler = femtologging.handlers.SocketHandler("127.0.0.1", port)
        elif peer == "femto_tcp":
            handler = femtologging.handlers.FemtoSocketHandler("127.0.0.1", port)
        elif peer == "femto_unix":
            handler = femtologging.handlers.FemtoSocketHandler(path=path)
        else:
            handler = logging.FileHandler(os.path.join(tmp, "bench.log"))
        logger = logging.getLogger("bench")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    cpu0, start = time.process_time(), time.perf_counter()
    for i in range(records):
        logger.info("request %d served in %d ms", i, 12)
    handler.close()
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu0
    print(elapsed, cpu)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--markdown")
    parser.add_argument("--libdir")
    args = parser.parse_args()
    peers = dict(PEERS, **(C_PEERS if args.libdir else {}))
    with tempfile.TemporaryDirectory() as tmp:
        c_binary = compile_c(args.libdir, tmp) if args.libdir else ""
        path = os.path.join(tmp, "drain.sock")
        drains = [
            subprocess.Popen([sys.executable, __file__, "--drain", kind, path], stdout=subprocess.PIPE, text=True)
            for kind in ("tcp", "unix")
        ]
        try:
            port = int(drains[0].stdout.readline())  # type: ignore[union-attr]
            drains[1].stdout.readline()  # type: ignore[union-attr]
            wall: dict[str, list[float]] = {peer: [] for peer in peers}
            cpu: dict[str, list[float]] = {peer: [] for peer in peers}
            for _ in range(args.repeats):
                for peer in peers:
                    if peer.startswith("c_"):
                        target = os.path.join(tmp, "c.log") if peer == "c_file" else path
                        command = [c_binary, str(args.records), peer[2:], str(port), target]
                    else:
                        command = [sys.executable, __file__, "--send", peer, str(args.records), str(port), path, tmp]
                    done = subprocess.run(
                        command,
                        capture_output=True,
                        text=True,
                        timeout=300,
                        check=True,
                    )
                    seconds, cpu_seconds = map(float, done.stdout.split())
                    wall[peer].append(seconds / args.records * 1e6)
                    cpu[peer].append(cpu_seconds / args.records * 1e6)
        finally:
            for process in drains:
                process.kill()
    baseline = statistics.median(wall["stdlib_tcp"])
    unix_baseline = statistics.median(wall["stdlib_unix"])
    lines = [
        f"Python {sys.version.split()[0]}; {args.records:,} records per run, {args.repeats} interleaved runs, "
        "each in a fresh interpreter; microseconds per record until close() returns.",
        "",
        "| handler | min | median | spread | records/s (median) | CPU per record, median "
        "| median / stdlib's (same transport) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for peer, title in peers.items():
        median = statistics.median(wall[peer])
        versus = unix_baseline if "unix" in peer else baseline
        lines.append(
            f"| {title} | {min(wall[peer]):.3f} | {median:.3f} | {percent(Samples(wall[peer]).spread)} "
            f"| {1e6 / median:,.0f} "
            f"| {statistics.median(cpu[peer]):.3f} | {median / versus:.2f}x |"
        )
    table = "\n".join(lines)
    print(table)
    if args.markdown:
        Path(args.markdown).write_text(table + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--drain":
        drain(sys.argv[2], sys.argv[3])
    elif len(sys.argv) > 1 and sys.argv[1] == "--send":
        send(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6])
    else:
        sys.exit(main())
