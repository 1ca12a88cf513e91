"""TimedRotatingFileHandler with a fake clock in a New York time zone:
stdlib's schedule and names across midnight and both daylight-saving
changes, no backup overwritten."""

from __future__ import annotations

import datetime
import re
import time

import femtologging as logging
import pytest
from femtologging import handlers

HOUR = 3600
#: New York in 2026: EDT from 2026-03-08 07:00 UTC to 2026-11-01 06:00 UTC.
SPRING = int(datetime.datetime(2026, 3, 8, 7, tzinfo=datetime.timezone.utc).timestamp())
AUTUMN = int(datetime.datetime(2026, 11, 1, 6, tzinfo=datetime.timezone.utc).timestamp())


class NewYorkClock:
    def __init__(self, now: int) -> None:
        self.now_value = now

    def now(self) -> int:
        return self.now_value

    def utc_offset(self, at: int) -> int:
        return -4 * HOUR if SPRING <= at < AUTUMN else -5 * HOUR


def ny(*fields: int) -> int:
    """A New York wall time (not in a repeated hour) as a UTC instant."""
    naive = datetime.datetime(*fields, tzinfo=datetime.timezone.utc).timestamp()
    guess = int(naive) + 5 * HOUR
    return int(naive) - NewYorkClock(0).utc_offset(guess)


@pytest.fixture
def timed(tmp_path, request):
    made = []

    def make(when: str, start: int, **kwargs: object):
        clock = NewYorkClock(start)
        handler = handlers.TimedRotatingFileHandler(tmp_path / "app.log", when=when, delay=True, clock=clock, **kwargs)
        log = logging.getLogger(f"timed.{request.node.name}".replace("[", "_").replace("]", "_"))
        log.propagate = False
        log.addHandler(handler)
        made.append((log, handler))

        def log_at(at: int, message: str) -> None:
            clock.now_value = at
            log.warning(message)
            handler.flush()

        return log_at

    yield make
    for log, handler in made:
        log.removeHandler(handler)
        handler.close()


def files(tmp_path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(tmp_path.iterdir())}


def test_midnight_across_the_autumn_change_waits_25_hours(timed, tmp_path):
    log_at = timed("midnight", ny(2026, 10, 31, 12, 0, 0))
    log_at(ny(2026, 10, 31, 12, 0, 0), "a")
    log_at(ny(2026, 11, 1, 0, 0, 0), "b")
    log_at(ny(2026, 11, 1, 23, 30, 0), "c")  # 24 hours after midnight: still Sunday
    log_at(ny(2026, 11, 2, 0, 0, 0), "d")
    assert files(tmp_path) == {"app.log": "d\n", "app.log.2026-10-31": "a\n", "app.log.2026-11-01": "b\nc\n"}


def test_midnight_across_the_spring_change_waits_23_hours(timed, tmp_path):
    log_at = timed("MIDNIGHT", ny(2026, 3, 7, 12, 0, 0))
    log_at(ny(2026, 3, 7, 12, 0, 0), "a")
    log_at(ny(2026, 3, 8, 0, 0, 0), "b")
    log_at(ny(2026, 3, 8, 23, 59, 59), "c")
    log_at(ny(2026, 3, 9, 0, 0, 0), "d")
    assert files(tmp_path) == {"app.log": "d\n", "app.log.2026-03-07": "a\n", "app.log.2026-03-08": "b\nc\n"}


def test_the_repeated_hour_overwrites_no_backup(timed, tmp_path):
    start = AUTUMN - 90 * 60  # 00:30 EDT on the day clocks go back
    log_at = timed("h", start)
    for hour in range(6):
        log_at(start + hour * HOUR + 1, f"record {hour}")
    found = files(tmp_path)
    assert len(found) == 6
    assert sum(text.count("\n") for text in found.values()) == 6
    assert all(re.fullmatch(r"app\.log(\.2026-11-01_\d\d(\.\d+)?)?", name) for name in found), found


def test_weekly_at_a_time_in_utc(timed, tmp_path):
    wednesday = int(datetime.datetime(2026, 6, 10, 9, tzinfo=datetime.timezone.utc).timestamp())
    monday_eight = int(datetime.datetime(2026, 6, 15, 8, tzinfo=datetime.timezone.utc).timestamp())
    log_at = timed("W0", wednesday, utc=True, atTime=datetime.time(8, 0))
    log_at(wednesday, "wednesday")
    log_at(monday_eight - 1, "monday early")
    log_at(monday_eight, "monday eight")
    assert files(tmp_path) == {"app.log": "monday eight\n", "app.log.2026-06-08": "wednesday\nmonday early\n"}


@pytest.mark.parametrize(
    ("when", "at_time", "current", "expected"),
    [
        ("S", None, 0, 1),
        ("H", None, 0.5, 3600.5),
        ("MIDNIGHT", None, 0, 86400),
        ("MIDNIGHT", datetime.time(12), 13 * 3600, 36 * 3600),
        ("W0", None, 0, 4 * 86400 + 86400),  # the epoch was a Thursday
    ],
)
def test_compute_rollover_is_the_engine_schedule(tmp_path, when, at_time, current, expected):
    handler = handlers.TimedRotatingFileHandler(tmp_path / "t.log", when=when, utc=True, atTime=at_time)
    try:
        assert handler.computeRollover(current) == expected
    finally:
        handler.close()


def test_rollover_at_and_should_rollover_follow_the_worker(tmp_path):
    clock = NewYorkClock(int(time.time()))  # the new file's time is the real one
    handler = handlers.TimedRotatingFileHandler(tmp_path / "t.log", when="H", clock=clock)
    record = logging.makeLogRecord({"msg": "x"})
    try:
        assert clock.now() < handler.rolloverAt <= clock.now() + 3600
        assert not handler.shouldRollover(record)
        clock.now_value += 3600
        assert handler.shouldRollover(record)
    finally:
        handler.close()
    devnull = handlers.TimedRotatingFileHandler("/dev/null", when="S")
    try:
        assert not devnull.shouldRollover(record)  # never a device (bpo-45401)
    finally:
        devnull.close()


def test_get_files_to_delete_names_the_oldest_backups_beyond_the_count(tmp_path):
    stamps = [f"2026-01-01_00-00-{second:02d}" for second in range(0, 50, 5)]
    for stamp in stamps:
        (tmp_path / f"app.log.{stamp}").write_text("")
    (tmp_path / "app.log.other").write_text("")  # not a backup of this schedule
    (tmp_path / "other.log.2026-01-01_00-00-00").write_text("")
    handler = handlers.TimedRotatingFileHandler(tmp_path / "app.log", when="S", interval=5, backupCount=7)
    try:
        assert handler.getFilesToDelete() == [str(tmp_path / f"app.log.{stamp}") for stamp in stamps[:3]]
        handler.backupCount = 0
        assert handler.getFilesToDelete() == []  # every backup kept
    finally:
        handler.close()
