"""The receiving end of ``FemtoSocketHandler``: listens on TCP, TLS or a Unix
socket, decodes each frame and hands the record to the logger of the same
name in this process, whose handlers write it.

As a program::

    python -m femtologging.receiver --tcp 127.0.0.1:9020 --file received.log
    python -m femtologging.receiver --unix /run/app-logs.sock --config logging.toml
    python -m femtologging.receiver --tls 0.0.0.0:9021 --cert server.pem --key server.key

It runs until SIGINT or SIGTERM, then stops gracefully (senders reconnect
and lose nothing) and prints its counters. From Python, ``Receiver`` does
the same in the background of a program.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from typing import Any, NamedTuple

from ._backend import engine

__all__ = ["Receiver", "ReceiverStats", "main"]

#: The default wait for senders to close at a stop, in seconds.
STOP_GRACE = 2.0


class ReceiverStats(NamedTuple):
    """A receiver's counters."""

    records: int
    """Records decoded and handed to their loggers."""
    bad_frames: int
    """Frames skipped: over the size limit, undecodable or cut off."""
    connections: int
    """Connections accepted."""


class Receiver:
    """Listens for socket handler frames on native threads. Give exactly one
    of ``tcp`` (``"host:port"``; port 0 picks a free one, see ``port``),
    ``unix`` (a path) or ``tls`` (``"host:port"`` with ``cert_file`` and
    ``key_file``, and ``client_ca_file`` to require client certificates
    signed by its roots)."""

    def __init__(
        self,
        tcp: str | None = None,
        *,
        unix: str | os.PathLike[str] | None = None,
        tls: str | None = None,
        cert_file: str | os.PathLike[str] | None = None,
        key_file: str | os.PathLike[str] | None = None,
        client_ca_file: str | os.PathLike[str] | None = None,
        max_frame_bytes: int | None = None,
    ) -> None:
        description: dict[str, Any] = {}
        for key, value in (
            ("tcp", tcp),
            ("unix", unix),
            ("tls", tls),
            ("cert_file", cert_file),
            ("key_file", key_file),
            ("client_ca_file", client_ca_file),
        ):
            if value is not None:
                description[key] = os.fspath(value)
        if max_frame_bytes is not None:
            description["max_frame_bytes"] = max_frame_bytes
        self._handle: object = engine.receiver_new(json.dumps(description))
        self._stopped = False

    @property
    def port(self) -> int:
        """The TCP port listened on (0 for a Unix socket)."""
        return engine.receiver_port(self._handle)

    def stats(self) -> ReceiverStats:
        return ReceiverStats(*engine.receiver_stats(self._handle))

    def stop(self, grace: float = STOP_GRACE) -> ReceiverStats:
        """Stops accepting, asks each sender to reconnect elsewhere, and
        reads what they already sent for up to ``grace`` seconds."""
        if not self._stopped:
            self._stopped = True
            engine.receiver_stop(self._handle, max(0, round(grace * 1000)))
        return self.stats()

    def __enter__(self) -> Receiver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __del__(self) -> None:
        # Stopped here rather than by the engine handle's release, which
        # would wait for the connection threads while holding the GIL.
        if getattr(self, "_handle", None) is not None and not sys.is_finalizing():
            self.stop()


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m femtologging.receiver",
        description="Receive records from femtologging socket handlers and write them here.",
    )
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--tcp", metavar="HOST:PORT", help="listen on TCP")
    where.add_argument("--unix", metavar="PATH", help="listen on a Unix socket")
    where.add_argument("--tls", metavar="HOST:PORT", help="listen on TCP with TLS (needs --cert and --key)")
    parser.add_argument("--cert", metavar="PEM", help="the server's certificate chain (TLS)")
    parser.add_argument("--key", metavar="PEM", help="the server's private key (TLS)")
    parser.add_argument("--client-ca", metavar="PEM", help="require client certificates signed by these roots (TLS)")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--config", metavar="FILE", help="a femtologging TOML or JSON configuration")
    output.add_argument("--file", metavar="PATH", help="append the records to this file")
    parser.add_argument(
        "--format",
        default="%(asctime)s %(process)d %(threadName)s %(name)s %(levelname)s %(message)s",
        help="the line format without --config (default: %(default)s)",
    )
    parser.add_argument("--max-frame-bytes", type=int, default=None, help="skip larger frames (default 1 MiB)")
    options = parser.parse_args(argv)
    if options.tls and not (options.cert and options.key):
        parser.error("--tls needs --cert and --key")
    return options


def main(argv: list[str] | None = None) -> int:
    """Runs the receiver until SIGINT or SIGTERM."""
    import femtologging
    import femtologging.config

    options = _parse(argv)
    if options.config:
        femtologging.config.load_file(options.config)
    else:
        target = {"filename": options.file} if options.file else {"stream": sys.stderr}
        femtologging.basicConfig(level=femtologging.NOTSET, format=options.format, force=True, **target)
    receiver = Receiver(
        options.tcp,
        unix=options.unix,
        tls=options.tls,
        cert_file=options.cert,
        key_file=options.key,
        client_ca_file=options.client_ca,
        max_frame_bytes=options.max_frame_bytes,
    )
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    # Announced only once a stop request would be honoured.
    where = options.unix or f"port {receiver.port}"
    print(f"femtologging receiver listening on {where}", file=sys.stderr, flush=True)
    while not stop.wait(0.5):
        pass
    stats = receiver.stop()
    femtologging.shutdown()
    print(
        f"femtologging receiver stopped: {stats.records} records, {stats.bad_frames} bad frames, "
        f"{stats.connections} connections",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
