"""Python benchmark: stdlib logging, picologging and femtologging side by
side, each run in a fresh interpreter, interleaved, repeated.

    python bench/python/compare.py [--repeats R] [--markdown FILE] [--json FILE]

Prints, in microseconds per call, each peer's median time with its spread
(interquartile range over the median) and its median CPU time (every
thread of the process), then femtologging's medians over each peer's. A
peer that hangs is killed after a timeout and reported; a peer that is
not installed is reported as missing.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from samples import Samples, percent, ratio, row_json, write_json  # noqa: E402

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


def run(peer: str, workload: str, count: int) -> tuple[tuple[float, float] | None, str | None]:
    """One run: (µs per call, CPU µs per call), or why there is none."""
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
    wall, cpu = (float(part) for part in done.stdout.split())
    return (wall / count * 1e6, cpu / count * 1e6), None


def cell(samples: dict[str, Samples], errors: dict[str, str], peer: str) -> str:
    """``median (spread) · CPU median`` for one peer, or why there is none."""
    if peer not in samples:
        return "not installed"
    if peer in errors:
        return errors[peer]
    values = samples[peer]
    return f"{values.median:.3f} ({percent(values.spread)}) · {values.cpu_median:.3f}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--markdown")
    parser.add_argument("--json", help="also write the rows as JSON (for bench/check.py)")
    parser.add_argument("--only", nargs="*", choices=sorted(WORKLOADS), help="run just these workloads")
    args = parser.parse_args()
    peers = [p for p in PEERS if p == "stdlib" or importlib.util.find_spec(p) is not None]
    lines = [
        f"Python {sys.version.split()[0]}; {args.repeats} interleaved runs per peer, each in a fresh interpreter; "
        "microseconds per call: median time (spread = interquartile range / median) · median CPU time "
        "(every thread of the process); ratios are femtologging's medians over the peer's, time and CPU.",
        "",
        "| workload | stdlib | picologging | femtologging | femto / stdlib | femto / picologging "
        "| CPU: femto / stdlib | CPU: femto / picologging |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    results = []
    for workload, (title, count) in WORKLOADS.items():
        if args.only and workload not in args.only:
            continue
        samples: dict[str, Samples] = {p: Samples() for p in peers}
        errors: dict[str, str] = {}
        for _ in range(args.repeats):
            for peer in peers:
                if peer in errors:
                    continue
                value, error = run(peer, workload, count)
                if error:
                    errors[peer] = error
                else:
                    samples[peer].add(*value)
        results += [row_json(workload, peer, values) for peer, values in samples.items() if peer not in errors]
        ours = None if "femtologging" in errors else samples.get("femtologging")
        others = [None if peer in errors else samples.get(peer) for peer in ("stdlib", "picologging")]
        cells = [cell(samples, errors, peer) for peer in PEERS]
        ratios = [ratio(ours, theirs) for theirs in others] + [ratio(ours, theirs, cpu=True) for theirs in others]
        lines.append(f"| {title} | " + " | ".join(cells + ratios) + " |")
    table = "\n".join(lines)
    print(table)
    if args.markdown:
        Path(args.markdown).write_text(table + "\n", encoding="utf-8")
    if args.json:
        write_json(args.json, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
