"""What every benchmark driver reports about a row's repeated runs.

A row is one program (a peer) on one workload, run R times, interleaved
with its peers. Each run gives the time per record and the CPU time per
record (every thread of the process: the logging threads and the engine's
workers together). The tables quote the median; the minimum shows what
the machine allows, and the spread (interquartile range over the median)
shows how much the runs disagree: a bimodal row has a wide spread.
"""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Samples:
    """Per-record times of one peer on one workload, one entry per run."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    producer: list[float] = field(default_factory=list)
    producer_cpu: list[float] = field(default_factory=list)

    def add(self, wall: float, cpu: float, producer: float | None = None, producer_cpu: float | None = None) -> None:
        self.wall.append(wall)
        self.cpu.append(cpu)
        if producer is not None:
            self.producer.append(producer)
        if producer_cpu is not None:
            self.producer_cpu.append(producer_cpu)

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    @property
    def minimum(self) -> float:
        return min(self.wall)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu)

    @property
    def producer_median(self) -> float | None:
        return statistics.median(self.producer) if self.producer else None

    @property
    def producer_cpu_median(self) -> float | None:
        """The logging thread's own CPU per call (the C programs report it)."""
        return statistics.median(self.producer_cpu) if self.producer_cpu else None

    @property
    def spread(self) -> float:
        """Interquartile range over the median (0 for fewer than 4 runs)."""
        if len(self.wall) < 4:
            return 0.0
        low, _, high = statistics.quantiles(self.wall, n=4, method="inclusive")
        return (high - low) / self.median


def percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def ratio(ours: Samples | None, theirs: Samples | None, *, cpu: bool = False) -> str:
    """femtologging's median over the peer's, as ``0.42x`` ('' if missing)."""
    if ours is None or theirs is None or not ours.wall or not theirs.wall:
        return ""
    if cpu:
        return f"{ours.cpu_median / theirs.cpu_median:.2f}x"
    return f"{ours.median / theirs.median:.2f}x"


def write_json(path: str | Path, rows: list[dict]) -> None:
    """Writes rows of ``{"workload", "peer", "median", "cpu", ...}`` for
    ``bench/check.py``."""
    Path(path).write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")


def row_json(workload: str, peer: str, samples: Samples) -> dict:
    return {
        "workload": workload,
        "peer": peer,
        "median": samples.median,
        "min": samples.minimum,
        "spread": samples.spread,
        "cpu": samples.cpu_median,
    }
