#!/usr/bin/env python3
"""Runs the native benchmark programs side by side and prints one table.

    compare.py BUILD_DIR [--rust BIN] [--records N] [--repeats R] [--markdown FILE]

The C programs (femtologging, spdlog, a snprintf+write floor) come from
BUILD_DIR; with ``--rust``, the Rust program (femto-core, tracing with
tracing-appender, a write!+write floor) adds its workloads and the memory
measurement.

Each configuration runs R times, interleaved (femtologging, spdlog sync,
spdlog async, floor, then again) so that machine noise hits every peer
alike; the table shows, in nanoseconds per record, the minimum, median and
spread of the time, the median CPU time (every thread of the process, from
the kernel's accounting of the finished child) and of the logging call
alone, and femtologging's medians over each peer's. A run that hangs is
killed after a timeout and reported, never waited on forever.
"""

import argparse
import os
import platform
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from samples import Samples, percent, ratio, row_json, write_json  # noqa: E402

TIMEOUT_S = 120


def children_cpu_s():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(command):
    """One run: (ns per record, CPU ns per record, producer ns per call,
    producer CPU ns per call or None)."""
    cpu_before = children_cpu_s()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        return None, f"timed out after {TIMEOUT_S}s"
    cpu = children_cpu_s() - cpu_before
    if done.returncode != 0:
        return None, f"exit {done.returncode}: {done.stderr.strip()[:200]}"
    fields = dict(part.split("=") for part in done.stdout.split())
    records = int(fields["records"])
    producer_cpu = float(fields["producer_cpu_ns"]) if "producer_cpu_ns" in fields else None
    return (int(fields["total_ns"]) / records, cpu * 1e9 / records, float(fields["producer_ns"]), producer_cpu), None


def core_to_core(build):
    """ns for a cache line to cross between two cores now (None with one
    core, or when the probe is missing or fails)."""
    probe = os.path.join(build, "core_to_core")
    if (os.cpu_count() or 1) < 2 or not os.path.exists(probe):
        return None
    try:
        done = subprocess.run([probe], capture_output=True, text=True, timeout=30, check=True)
    except (subprocess.SubprocessError, OSError):
        return None
    return float(done.stdout.split("=")[1])


def core_to_core_line(transfers):
    """What the machine's cores did during the run (see core_to_core.c)."""
    if not transfers:
        return "Cache line between two cores: not measured."
    ordered = sorted(transfers)
    return (
        f"Cache line between two cores, probed before each round ({len(ordered)} probes): "
        f"min {ordered[0]:.0f} ns, median {ordered[len(ordered) // 2]:.0f} ns, max {ordered[-1]:.0f} ns."
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("build")
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--disabled-calls", type=int, default=200_000_000)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--markdown")
    parser.add_argument("--json", help="also write the rows as JSON (for bench/check.py)")
    parser.add_argument("--rust", help="the femto-rust-bench binary")
    parser.add_argument("--only", nargs="+", help="run only the workloads whose title contains one of these")
    args = parser.parse_args()
    build = args.build
    work = tempfile.mkdtemp(prefix="femto-bench-")
    path = os.path.join(work, "bench.log")
    n = str(args.records)

    workloads = []
    for threads in (1, 2):
        t = str(threads)
        workloads.append(
            (
                f"{n} records to a file, {threads} thread{'s' if threads > 1 else ''}",
                {
                    "femtologging": [f"{build}/femto_bench", "file", t, path, n],
                    "spdlog sync": [f"{build}/spdlog_bench", "sync", t, path, n],
                    "spdlog async": [f"{build}/spdlog_bench", "async", t, path, n],
                    "floor (snprintf+write)": [f"{build}/floor_bench", t, path, n],
                },
            )
        )
    calls = str(args.disabled_calls)
    workloads.append(
        (
            "disabled call (below the logger's level)",
            {
                "femtologging": [f"{build}/femto_bench", "disabled", calls],
                "spdlog sync": [f"{build}/spdlog_bench", "disabled", calls],
            },
        )
    )

    rust = args.rust
    if rust:
        for threads in (1, 2):
            t = str(threads)
            workloads.append(
                (
                    f"Rust: {n} records to a file, {threads} thread{'s' if threads > 1 else ''}",
                    {
                        "femtologging": [rust, "femto", t, path, n],
                        "tracing + tracing-appender": [rust, "tracing", t, path, n],
                        "floor (write!+write)": [rust, "floor", t, path, n],
                    },
                )
            )
        for threads in (1, 2):
            t = str(threads)
            plural = "s" if threads > 1 else ""
            workloads.append(
                (
                    f"Rust `log` facade: {n} records to a file, {threads} thread{plural}",
                    {
                        "femtologging": [rust, "log-femto", t, path, n],
                        "env_logger": [rust, "log-env-logger", t, path, n],
                    },
                )
            )
            workloads.append(
                (
                    f"Rust `tracing` layer: {n} records to a file, {threads} thread{plural}",
                    {
                        "femtologging": [rust, "tracing-femto", t, path, n],
                        "tracing + tracing-appender": [rust, "tracing", t, path, n],
                    },
                )
            )
        workloads.append(
            (
                "Rust: disabled call",
                {
                    "femtologging": [rust, "femto-disabled", calls],
                    "tracing": [rust, "tracing-disabled", calls],
                },
            )
        )

    if args.only:
        workloads = [(title, peers) for title, peers in workloads if any(word in title for word in args.only)]
    rows = []
    transfers = []
    for title, peers in workloads:
        samples = {name: Samples() for name in peers}
        failures = {}
        for _ in range(args.repeats):
            transfer = core_to_core(build)
            if transfer is not None:
                transfers.append(transfer)
            for name, command in peers.items():
                if name in failures:
                    continue
                result, error = run(command)
                if error:
                    failures[name] = error
                else:
                    samples[name].add(*result)
        rows.append((title, samples, failures))

    lines = [
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}; "
        f"{args.repeats} interleaved runs per peer; ns per record (time = first call until the "
        f"file is complete and the logger shut down; CPU = every thread of the process; "
        f"call = the logging call alone, and its CPU = the logging thread's own CPU time over "
        f"those calls (without the time asleep waiting for room in a queue; the C programs); "
        f"spread = interquartile range / median).",
        "",
        core_to_core_line(transfers),
        "",
        "| workload | peer | min | median | spread | CPU median | call median | call CPU median "
        "| femtologging / peer (median) | CPU: femtologging / peer |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    results = []
    for title, samples, failures in rows:
        ours = samples.get("femtologging")
        for name, values in samples.items():
            if name in failures:
                lines.append(f"| {title} | {name} | failed: {failures[name]} | | | | | | | |")
                continue
            results.append(row_json(title, name, values))
            theirs = None if name == "femtologging" else values
            call_cpu = values.producer_cpu_median
            lines.append(
                f"| {title} | {name} | {values.minimum:.1f} | {values.median:.1f} | {percent(values.spread)} | "
                f"{values.cpu_median:.1f} | {values.producer_median:.1f} | "
                f"{'' if call_cpu is None else f'{call_cpu:.1f}'} | "
                f"{ratio(ours, theirs)} | {ratio(ours, theirs, cpu=True)} |"
            )
    if rust and not args.only:
        done = subprocess.run([rust, "memory", "16384"], capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
        if done.returncode == 0:
            fields = dict(part.split("=") for part in done.stdout.split())
            lines += [
                "",
                f"Memory: {float(fields['bytes_per_record']):.0f} bytes of resident memory per queued record; "
                f"peak RSS {int(fields['peak_rss_bytes']) / 2**20:.1f} MiB with a full queue of "
                f"{int(fields['records']):,} records (Rust program, worker held up).",
            ]
        else:
            lines += ["", f"Memory: failed: {done.stderr.strip()[:200]}"]
    table = "\n".join(lines)
    print(table)
    if args.json:
        write_json(args.json, results)
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as out:
            out.write(table + "\n")
    return 0 if not any(f for _, _, f in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
