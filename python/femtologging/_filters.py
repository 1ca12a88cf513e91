"""Filters beyond stdlib's ``Filter(name)``."""

from __future__ import annotations

import logging as _stdlib

from ._levels import NOTSET, check_level


class Filter(_stdlib.Filter):
    """stdlib's ``Filter(name)``: passes the records of logger ``name`` and
    its children (all records for ``""``)."""


class BufferingFormatter(_stdlib.BufferingFormatter):
    """stdlib's ``BufferingFormatter``: formats a batch of records, with a
    header and a footer."""


class LevelFilter(Filter):
    """Passes records whose level lies in ``min_level..=max_level`` (for
    example, keep errors off a stdout handler with ``max_level=INFO``).
    Levels are numbers or names."""

    def __init__(self, min_level: int | str = NOTSET, max_level: int | str | None = None) -> None:
        super().__init__()
        self.min_level = check_level(min_level)
        self.max_level = check_level(max_level) if max_level is not None else 2**32 - 1
        if self.min_level > self.max_level:
            raise ValueError(f"min_level {self.min_level} is above max_level {self.max_level}")

    def filter(self, record: _stdlib.LogRecord) -> bool:
        return self.min_level <= record.levelno <= self.max_level
