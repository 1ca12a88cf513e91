"""The regression guard behind ``make bench-check``: a reduced benchmark run
(about a minute) whose femtologging rows are compared, as ratios to the
peers measured in the same run, with the ratios committed in
``bench/baseline.json``. Fails when a row is more than ``--tolerance``
(1.5) times its committed ratio.

    python bench/check.py BUILD_DIR [--update]

Ratios, not times: the machines are noisy and differ, and a ratio to a
peer run interleaved beside it cancels most of that. Run it before and
after a change to a hot path; ``--update`` records the current ratios
after an intended change (commit the file with the change).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
BASELINE = HERE / "baseline.json"

# (driver arguments, the peers each femtologging row is compared with)
NATIVE = ["--records", "300000", "--disabled-calls", "20000000", "--repeats", "5", "--only", "1 thread", "disabled"]
NATIVE_PEERS = ("spdlog sync", "floor (snprintf+write)")
PYTHON = ["--repeats", "5", "--only", "disabled", "stringio", "stringio_args", "file", "log_record", "format_no_date"]
PYTHON_PEERS = ("picologging", "stdlib")


def measure(command: list[str]) -> list[dict]:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run([*command, "--json", out.name], check=True, stdout=subprocess.DEVNULL)
        return json.loads(Path(out.name).read_text(encoding="utf-8"))


def ratios(rows: list[dict], peers: tuple[str, ...]) -> dict[str, float]:
    """``{"workload / peer": femtologging's median over the peer's}``."""
    by_workload: dict[str, dict[str, float]] = {}
    for row in rows:
        by_workload.setdefault(row["workload"], {})[row["peer"]] = row["median"]
    found = {}
    for workload, medians in by_workload.items():
        ours = medians.get("femtologging")
        for peer in peers:
            if ours is not None and medians.get(peer):
                found[f"{workload} / {peer}"] = ours / medians[peer]
    return found


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("build", help="where bench/c/run.sh built the C programs")
    parser.add_argument("--update", action="store_true", help="record the current ratios as the baseline")
    parser.add_argument("--tolerance", type=float, default=1.5)
    args = parser.parse_args()
    python = sys.executable
    current = ratios(measure([python, str(HERE / "c" / "compare.py"), args.build, *NATIVE]), NATIVE_PEERS)
    current |= ratios(measure([python, str(HERE / "python" / "compare.py"), *PYTHON]), PYTHON_PEERS)
    if args.update:
        BASELINE.write_text(json.dumps(current, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {len(current)} ratios to {BASELINE}")
        return 0
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    failed = []
    print("| row | committed ratio | now | now / committed |\n|---|---:|---:|---:|")
    for row, committed in sorted(baseline.items()):
        now = current.get(row)
        if now is None:
            failed.append(f"{row}: not measured")
            print(f"| {row} | {committed:.3f} | missing | |")
            continue
        change = now / committed
        print(f"| {row} | {committed:.3f} | {now:.3f} | {change:.2f}x |")
        if change > args.tolerance:
            failed.append(f"{row}: {now:.3f} against {committed:.3f} committed ({change:.2f}x)")
    if failed:
        print(f"\nbench-check FAILED (a row above {args.tolerance}x its committed ratio):", file=sys.stderr)
        for line in failed:
            print(f"  {line}", file=sys.stderr)
        return 1
    print(f"\nbench-check passed: every row within {args.tolerance}x its committed ratio")
    return 0


if __name__ == "__main__":
    sys.exit(main())
