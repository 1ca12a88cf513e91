#!/usr/bin/env python3
"""A/B of two builds of libfemtologging.so on the C file benchmark, in
interleaved pairs, with the core-to-core probe before each pair.

    bench/c/ab.py BUILD_DIR LIBDIR_A LIBDIR_B [--pairs N] [--threads T] [--records R]
                  [--bench-b FEMTO_BENCH]

BUILD_DIR holds femto_bench and core_to_core (bench/c/run.sh builds them);
each LIBDIR holds a libfemtologging.so, loaded through LD_LIBRARY_PATH
(the benchmark's run path is a RUNPATH, which that overrides). Prints the
median time and CPU per run for each build, over all pairs and split by
whether the probe found the two cores near (< 150 ns a crossing) or far
apart: a change to the queue or the worker shows its effect on both modes
(see docs/benchmarks.md, "What made a run slow"). `--bench-b` runs B with
another femto_bench, built against a changed include/ (the macros and
their formatting are compiled into the program, not the library).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

from compare import children_cpu_s, core_to_core

FAR_NS = 150.0


def one_run(program: Path, libdir: str, threads: int, records: int, log: Path) -> tuple[float, float]:
    """(ms until the file is complete, CPU ms) for one run."""
    before = children_cpu_s()
    done = subprocess.run(
        [str(program), "file", str(threads), str(log), str(records)],
        env={**os.environ, "LD_LIBRARY_PATH": libdir},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    fields = dict(part.split("=") for part in done.stdout.split())
    return int(fields["total_ns"]) / 1e6, (children_cpu_s() - before) * 1e3


def summary(runs: list[tuple[float, float, float]]) -> str:
    if not runs:
        return "no runs"
    wall = statistics.median(r[1] for r in runs)
    cpu = statistics.median(r[2] for r in runs)
    return f"{len(runs)} runs: median {wall:.0f} ms, CPU {cpu:.0f} ms, slowest {max(r[1] for r in runs):.0f} ms"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("build", type=Path)
    parser.add_argument("a")
    parser.add_argument("b")
    parser.add_argument("--pairs", type=int, default=20)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--bench-b", type=Path, help="B's femto_bench (default: BUILD_DIR's)")
    args = parser.parse_args()
    programs = {"A": args.build / "femto_bench", "B": args.bench_b or args.build / "femto_bench"}
    log = args.build / "ab.log"
    results: dict[str, list[tuple[float, float, float]]] = {"A": [], "B": []}
    for _ in range(args.pairs):
        transfer = core_to_core(str(args.build))
        if transfer is None:
            print("the core-to-core probe did not run (one core, or bench/c/run.sh not run)", file=sys.stderr)
            return 1
        for name, libdir in (("A", args.a), ("B", args.b)):
            wall, cpu = one_run(programs[name], libdir, args.threads, args.records, log)
            results[name].append((transfer, wall, cpu))
    for name, runs in results.items():
        print(f"{name} ({getattr(args, name.lower())})")
        print(f"  all:  {summary(runs)}")
        print(f"  near: {summary([r for r in runs if r[0] < FAR_NS])}")
        print(f"  far:  {summary([r for r in runs if r[0] >= FAR_NS])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
