"""Python benchmark: stdlib logging, picologging and femtologging side by
side, each run in a fresh interpreter, interleaved, repeated.

    python bench/python/compare.py [--repeats R] [--markdown FILE]

Prints minimum and median microseconds per call, and femtologging's ratio
to each peer (by minimum). A peer that hangs is killed after a timeout and
reported; a peer that is not installed is reported as missing.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
TIMEOUT_S = 120
PEERS = ("stdlib", "picologging", "femtologging")
WORKLOADS = {
    "disabled": ("disabled call", 1_000_000),
    "stringio": ("enabled call to StreamHandler(StringIO)", 100_000),
    "stringio_args": ("... with %-args", 100_000),
    "file": ("FileHandler, 100,000 records incl. close", 100_000),
    "rotating_file": ("RotatingFileHandler 1 MiB x 5, 100,000 records incl. close", 100_000),
    "file_4_threads": ("4 threads x 25,000 into one FileHandler", 100_000),
    "exception": ("logger.exception", 20_000),
    "log_record": ("LogRecord creation", 200_000),
    "format_no_date": ("Formatter.format, no date", 200_000),
    "format_date": ("Formatter.format with asctime", 200_000),
    "queue_handler": ("QueueHandler + QueueListener to StringIO", 50_000),
    "memory_handler": ("MemoryHandler(1000) to StringIO", 100_000),
}


def run(peer: str, workload: str, count: int) -> tuple[float | None, str | None]:
    with tempfile.TemporaryDirectory() as tmp:
        try:
            done = subprocess.run(
                [sys.executable, str(HERE / "workloads.py"), peer, workload, str(count), tmp],
                capture_output=True,
                text=True,
                timeout=TIMEOUT_S,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return None, f"hung (killed after {TIMEOUT_S}s)"
    if done.returncode != 0:
        return None, done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"
    return float(done.stdout) / count * 1e6, None


def cell(samples: dict[str, list[float]], errors: dict[str, str], peer: str) -> str:
    """``min / median`` for one peer, or why there is none."""
    if peer not in samples:
        return "not installed"
    if peer in errors:
        return errors[peer]
    return f"{min(samples[peer]):.3f} / {statistics.median(samples[peer]):.3f}"


def ratio(samples: dict[str, list[float]], peer: str) -> str:
    """femtologging's minimum over the peer's minimum."""
    ours, theirs = samples.get("femtologging"), samples.get(peer)
    if not ours or not theirs:
        return ""
    return f"{min(ours) / min(theirs):.2f}x"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--markdown")
    parser.add_argument("--only", nargs="*", choices=sorted(WORKLOADS), help="run just these workloads")
    args = parser.parse_args()
    peers = [p for p in PEERS if p == "stdlib" or importlib.util.find_spec(p) is not None]
    lines = [
        f"Python {sys.version.split()[0]}; {args.repeats} interleaved runs per peer, each in a fresh interpreter; "
        "microseconds per call (min / median).",
        "",
        "| workload | stdlib | picologging | femtologging | femto / stdlib | femto / picologging |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for workload, (title, count) in WORKLOADS.items():
        if args.only and workload not in args.only:
            continue
        samples: dict[str, list[float]] = {p: [] for p in peers}
        errors: dict[str, str] = {}
        for _ in range(args.repeats):
            for peer in peers:
                if peer in errors:
                    continue
                value, error = run(peer, workload, count)
                if error:
                    errors[peer] = error
                else:
                    samples[peer].append(value)

        cells = [cell(samples, errors, peer) for peer in PEERS]
        ratios = [ratio(samples, peer) for peer in ("stdlib", "picologging")]
        lines.append(f"| {title} | " + " | ".join(cells + ratios) + " |")
    table = "\n".join(lines)
    print(table)
    if args.markdown:
        Path(args.markdown).write_text(table + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
