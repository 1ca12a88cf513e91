#!/usr/bin/env python3
"""Runs the native benchmark programs side by side and prints one table.

    compare.py BUILD_DIR [--rust BIN] [--records N] [--repeats R] [--markdown FILE]

The C programs (femtologging, spdlog, a snprintf+write floor) come from
BUILD_DIR; with ``--rust``, the Rust program (femto-core, tracing with
tracing-appender, a write!+write floor) adds its workloads and the memory
measurement.

Each configuration runs R times, interleaved (femtologging, spdlog sync,
spdlog async, floor, then again) so that machine noise hits every peer
alike; the table shows the minimum and median of each, in nanoseconds per
record, and femtologging's ratio to each peer. A run that hangs is killed
after a timeout and reported, never waited on forever.
"""

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile

TIMEOUT_S = 120


def run(command):
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        return None, f"timed out after {TIMEOUT_S}s"
    if done.returncode != 0:
        return None, f"exit {done.returncode}: {done.stderr.strip()[:200]}"
    fields = dict(part.split("=") for part in done.stdout.split())
    records = int(fields["records"])
    return (int(fields["total_ns"]) / records, float(fields["producer_ns"])), None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("build")
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--disabled-calls", type=int, default=200_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--markdown")
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
    for title, peers in workloads:
        samples = {name: [] for name in peers}
        failures = {}
        for _ in range(args.repeats):
            for name, command in peers.items():
                if name in failures:
                    continue
                result, error = run(command)
                if error:
                    failures[name] = error
                else:
                    samples[name].append(result)
        rows.append((title, samples, failures))

    lines = [
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}; "
        f"{args.repeats} interleaved runs per peer; ns per record (total = first call until the "
        f"file is complete and the logger shut down; producer = the logging call alone).",
        "",
        "| workload | peer | total min | total median | producer min | producer median "
        "| femtologging total / peer (min) |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for title, samples, failures in rows:
        ours = samples.get("femtologging") or []
        our_best = min((s[0] for s in ours), default=None)
        for name, values in samples.items():
            if name in failures:
                lines.append(f"| {title} | {name} | failed: {failures[name]} | | | | |")
                continue
            totals = [v[0] for v in values]
            producers = [v[1] for v in values]
            ratio = "" if name == "femtologging" or our_best is None else f"{our_best / min(totals):.2f}x"
            lines.append(
                f"| {title} | {name} | {min(totals):.1f} | {statistics.median(totals):.1f} | "
                f"{min(producers):.1f} | {statistics.median(producers):.1f} | {ratio} |"
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
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as out:
            out.write(table + "\n")
    return 0 if not any(f for _, _, f in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
