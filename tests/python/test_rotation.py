"""RotatingFileHandler: the roadmap's size rules through the Python API."""

from __future__ import annotations

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


def test_should_rollover_predicts_the_worker(rotating, tmp_path):
    log, handler = rotating(10, 1)
    log.info("12345")
    handler.flush()
    assert not handler.shouldRollover(logging.makeLogRecord({"msg": "123"}))  # 6 + 4 = 10: fits
    assert handler.shouldRollover(logging.makeLogRecord({"msg": "1234"}))  # 6 + 5 > 10


def test_refuses_other_encodings_and_negative_sizes(tmp_path):
    with pytest.raises(ValueError, match="UTF-8"):
        handlers.RotatingFileHandler(tmp_path / "x.log", maxBytes=10, encoding="latin-1")
    with pytest.raises(ValueError, match="negative"):
        handlers.RotatingFileHandler(tmp_path / "x.log", maxBytes=-1)
    assert not os.path.exists(tmp_path / "x.log")
