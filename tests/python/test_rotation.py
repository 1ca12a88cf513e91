"""RotatingFileHandler: the roadmap's size rules through the Python API."""

from __future__ import annotations

import logging as _stdlib
import logging.handlers as _stdlib_handlers
import os

import femtologging as logging
import pytest
from femtologging import handlers


@pytest.fixture
def rotating(tmp_path, request):
    made = []

    def make(
        max_bytes: int, backup_count: int, **kwargs: object
    ) -> tuple[logging.Logger, handlers.RotatingFileHandler]:
        handler = handlers.RotatingFileHandler(
            tmp_path / "app.log", maxBytes=max_bytes, backupCount=backup_count, **kwargs
        )
        log = logging.getLogger(f"rotation.{request.node.name}".replace("[", "_").replace("]", "_"))
        log.propagate = False
        log.setLevel(logging.INFO)
        log.addHandler(handler)
        made.append((log, handler))
        return log, handler

    yield make
    for log, handler in made:
        log.removeHandler(handler)
        handler.close()


def files(tmp_path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(tmp_path.iterdir())}


@pytest.mark.parametrize(
    ("messages", "expected"),
    [
        (["123456789"], {"app.log": "123456789\n"}),  # exactly max_bytes: fits
        (["12345", "123"], {"app.log": "12345\n123\n"}),  # 6 + 4 = exactly max_bytes
        (["12345", "1234"], {"app.log": "1234\n", "app.log.1": "12345\n"}),  # one byte over
    ],
)
def test_exactly_max_bytes_fits_and_one_byte_over_rolls(rotating, tmp_path, messages, expected):
    log, handler = rotating(10, 3)
    for message in messages:
        log.info(message)
    handler.flush()
    assert files(tmp_path) == expected


def test_the_cascade_keeps_the_newest_backups_in_order(rotating, tmp_path):
    log, handler = rotating(4, 3)
    for text in ("r1", "r2", "r3", "r4", "r5"):
        log.info(text)
    handler.flush()
    assert files(tmp_path) == {"app.log": "r5\n", "app.log.1": "r4\n", "app.log.2": "r3\n", "app.log.3": "r2\n"}


def test_multibyte_records_rotate_by_bytes(rotating, tmp_path):
    log, handler = rotating(10, 2)
    log.info("ééé")  # 7 bytes with the newline, 4 characters
    log.info("éé")  # 5 more bytes: 12 > 10
    handler.flush()
    assert files(tmp_path) == {"app.log": "éé\n", "app.log.1": "ééé\n"}


def test_a_record_larger_than_max_bytes_is_written_whole(rotating, tmp_path):
    log, handler = rotating(5, 2)
    log.info("0123456789")
    log.info("ab")
    handler.flush()
    assert files(tmp_path) == {"app.log": "ab\n", "app.log.1": "0123456789\n"}


def test_backup_count_zero_truncates(rotating, tmp_path):
    log, handler = rotating(10, 0)
    for text in ("aaaa", "bbbb", "cccc"):
        log.info(text)
    handler.flush()
    assert files(tmp_path) == {"app.log": "cccc\n"}


def test_lowering_backup_count_prunes_at_the_next_rollover(rotating, tmp_path):
    log, handler = rotating(3, 4)
    for text in "abcde":
        log.info(text)
    handler.flush()
    assert sorted(files(tmp_path)) == ["app.log", "app.log.1", "app.log.2", "app.log.3", "app.log.4"]
    handler.backupCount = 1
    assert handler.backupCount == 1
    log.info("f")
    handler.flush()
    assert files(tmp_path) == {"app.log": "f\n", "app.log.1": "e\n"}


def test_delay_do_rollover_and_the_roadmap_name(tmp_path):
    path = tmp_path / "late.log"
    handler = logging.FemtoRotatingFileHandler(path, max_bytes=0, backup_count=1, delay=True)
    assert isinstance(handler, handlers.RotatingFileHandler)
    assert handler.maxBytes == 0 and handler.backupCount == 1
    handler.flush()
    assert not path.exists()
    log = logging.getLogger("rotation.late")
    log.propagate = False
    log.addHandler(handler)
    log.warning("one")
    handler.doRollover()
    log.warning("two")
    log.removeHandler(handler)
    handler.close()
    assert files(tmp_path) == {"late.log": "two\n", "late.log.1": "one\n"}


def test_the_roadmap_names(tmp_path):
    timed = logging.FemtoTimedRotatingFileHandler(tmp_path / "t.log", when="midnight", backup_count=2)
    watched = logging.FemtoWatchedFileHandler(tmp_path / "w.log")
    assert isinstance(timed, handlers.TimedRotatingFileHandler) and timed.backupCount == 2
    assert isinstance(watched, handlers.WatchedFileHandler)
    timed.close()
    watched.close()


def test_should_rollover_predicts_the_worker(rotating, tmp_path):
    log, handler = rotating(10, 1)
    log.info("12345")
    handler.flush()
    assert not handler.shouldRollover(logging.makeLogRecord({"msg": "123"}))  # 6 + 4 = 10: fits
    assert handler.shouldRollover(logging.makeLogRecord({"msg": "1234"}))  # 6 + 5 > 10


def test_refuses_negative_sizes(tmp_path):
    with pytest.raises(ValueError, match="negative"):
        handlers.RotatingFileHandler(tmp_path / "x.log", maxBytes=-1)
    assert not os.path.exists(tmp_path / "x.log")


@pytest.mark.parametrize("kind", ["size", "time", "watched"])
def test_other_encodings_are_written_by_the_stdlib_handler_on_the_worker(tmp_path, kind):
    path = tmp_path / "latin.log"
    if kind == "size":
        handler = handlers.RotatingFileHandler(path, maxBytes=12, backupCount=1, encoding="latin-1", errors="replace")
    elif kind == "time":
        handler = handlers.TimedRotatingFileHandler(path, when="s", backupCount=1, encoding="latin-1", errors="replace")
    else:
        handler = handlers.WatchedFileHandler(path, encoding="latin-1", errors="replace")
    log = logging.getLogger(f"rotation.latin.{kind}")
    log.propagate = False
    log.addHandler(handler)
    log.warning("café ☃")
    if kind != "watched":
        handler.doRollover()
    log.warning("naïve")
    log.removeHandler(handler)
    handler.close()
    if kind == "watched":
        assert path.read_bytes() == b"caf\xe9 ?\nna\xefve\n"
        return
    assert path.read_bytes() == b"na\xefve\n"
    if kind == "size":
        assert (tmp_path / "latin.log.1").read_bytes() == b"caf\xe9 ?\n"
    elif kind == "time":
        assert [p.read_bytes() for p in tmp_path.iterdir() if p.name != "latin.log"] == [b"caf\xe9 ?\n"]


def test_timed_do_rollover_names_the_backup_as_stdlib(tmp_path):
    import re

    path = tmp_path / "timed.log"
    handler = handlers.TimedRotatingFileHandler(path, when="s", backupCount=2)
    assert handler.suffix == "%Y-%m-%d_%H-%M-%S"
    log = logging.getLogger("rotation.timed")
    log.propagate = False
    log.addHandler(handler)
    for round_ in range(4):
        log.warning("round %d", round_)
        handler.doRollover()
    log.warning("last")
    log.removeHandler(handler)
    handler.close()
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names[0] == "timed.log"
    backups = names[1:]
    assert len(backups) == 2  # backupCount keeps the newest two
    assert all(re.fullmatch(r"timed\.log\.\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d(\.\d+)?", name) for name in backups), backups
    assert path.read_text() == "last\n"
    kept = "".join(sorted((tmp_path / name).read_text() for name in backups))
    assert kept == "round 2\nround 3\n"


@pytest.mark.parametrize(
    ("when", "message"),
    [("fortnight", "Invalid rollover interval"), ("W7", "day for weekly rollover"), ("W", "day for weekly rollover")],
)
def test_timed_refuses_what_stdlib_refuses(tmp_path, when, message):
    with pytest.raises(ValueError, match=message):
        handlers.TimedRotatingFileHandler(tmp_path / "x.log", when=when)


def test_timed_at_time_and_utc_are_accepted(tmp_path):
    import datetime

    handler = handlers.TimedRotatingFileHandler(
        tmp_path / "x.log", when="midnight", utc=True, atTime=datetime.time(3, 30), backupCount=3
    )
    handler.backupCount = 1
    assert handler.backupCount == 1 and handler.when == "MIDNIGHT"
    handler.close()


@pytest.mark.parametrize("moved", [True, False])
def test_watched_file_handler_follows_its_path(tmp_path, moved):
    path = tmp_path / "watched.log"
    handler = handlers.WatchedFileHandler(path)
    log = logging.getLogger(f"rotation.watched.{moved}")
    log.propagate = False
    log.addHandler(handler)
    log.warning("before")
    handler.flush()
    if moved:
        os.rename(path, tmp_path / "watched.log.1")  # what logrotate does
    else:
        os.remove(path)
    log.warning("after")
    handler.reopenIfNeeded()
    log.removeHandler(handler)
    handler.close()
    assert path.read_text() == "after\n"
    if moved:
        assert (tmp_path / "watched.log.1").read_text() == "before\n"


def test_a_namer_and_rotator_set_on_an_attached_handler_take_over_in_order(rotating, tmp_path):
    """stdlib's hooks: once set, the standard library's handler writes and
    rotates the file, calling them; what the engine held is written first,
    nothing is lost, and the logger keeps sending records to the handler."""
    log, handler = rotating(max_bytes=40, backup_count=5)
    for i in range(3):
        log.info("engine %d", i)
    rotated: list[tuple[str, str]] = []

    def rotator(source: str, dest: str) -> None:
        rotated.append((os.path.basename(source), os.path.basename(dest)))
        os.rename(source, dest)

    handler.namer = lambda name: name + ".old"
    handler.rotator = rotator
    assert log.handlers == [handler]
    for i in range(3):
        log.info("stdlib %d", i)
    handler.flush()
    lines = [line for _, text in sorted(files(tmp_path).items()) for line in text.splitlines()]
    assert sorted(lines) == sorted([f"engine {i}" for i in range(3)] + [f"stdlib {i}" for i in range(3)])
    assert rotated and all(dest.endswith(".old") for _, dest in rotated), rotated
    assert all(name == "app.log" or name.endswith(".old") or name[-1].isdigit() for name in files(tmp_path))


def _compressing(base: type) -> type:
    """A subclass of ``base`` with the hooks as methods (test_logging's pattern)."""

    class Compressing(base):  # type: ignore[misc, valid-type]
        def namer(self, name: str) -> str:
            return name + ".z"

        def rotator(self, source: str, dest: str) -> None:
            os.rename(source, dest)

    return Compressing


@pytest.mark.parametrize("module", [handlers, _stdlib_handlers], ids=["femtologging", "stdlib"])
def test_hooks_defined_by_a_subclass_are_called_as_in_stdlib(tmp_path, module):
    """The same files as the standard library's handler makes (its rules
    apply once the hooks hand the file to it)."""
    log_module = logging if module is handlers else _stdlib
    handler = _compressing(module.RotatingFileHandler)(tmp_path / "app.log", maxBytes=10, backupCount=2)
    log = log_module.getLogger("rotation.subclass_hooks")
    log.propagate = False
    log.addHandler(handler)
    try:
        log.warning("first record")
        log.warning("second record")
    finally:
        log.removeHandler(handler)
        handler.close()
    assert files(tmp_path) == {"app.log": "second record\n", "app.log.1.z": "first record\n", "app.log.2.z": ""}


def test_setting_a_namer_while_threads_log_loses_nothing(tmp_path):
    """The hand-over to the standard library's handler while 4 threads
    log: every record is in the files exactly once."""
    import threading

    handler = handlers.RotatingFileHandler(tmp_path / "app.log", maxBytes=1 << 30, backupCount=1)
    log = logging.getLogger("rotation.handover_threads")
    log.propagate = False
    log.setLevel(logging.INFO)
    log.addHandler(handler)
    started = threading.Barrier(5)

    def produce(thread: int) -> None:
        started.wait()
        for i in range(5000):
            log.info("t%d r%d", thread, i)

    threads = [threading.Thread(target=produce, args=(t,)) for t in range(4)]
    for thread in threads:
        thread.start()
    started.wait()
    handler.namer = lambda name: name + ".old"
    for thread in threads:
        thread.join()
    log.removeHandler(handler)
    handler.close()
    lines = [line for text in files(tmp_path).values() for line in text.splitlines()]
    assert len(lines) == 20_000
    assert set(lines) == {f"t{t} r{i}" for t in range(4) for i in range(5000)}
