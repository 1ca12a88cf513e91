"""Code written against the standard library's logging, as programs write it."""

from __future__ import annotations

import logging
import logging.config
import logging.handlers
import sys
from typing import Any


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.user = "ann"
        return True


class ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class JsonishFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return f"{record.levelname}:{record.getMessage()}"

    def formatException(self, ei: Any) -> str:  # noqa: N802
        return "exc"


class Adapter(logging.LoggerAdapter[logging.Logger]):
    def process(self, msg: Any, kwargs: Any) -> tuple[Any, Any]:
        return f"[{self.extra}] {msg}", kwargs


def configure(level: int | str = logging.INFO) -> logging.Logger:
    logging.basicConfig(level=level, format="%(asctime)s %(message)s", stream=sys.stderr)
    log = logging.getLogger("app")
    handler: logging.Handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonishFormatter())
    handler.addFilter(ContextFilter())
    log.addHandler(handler)
    log.addHandler(ListHandler())
    file_handler = logging.handlers.RotatingFileHandler("app.log", maxBytes=1000, backupCount=3)
    file_handler.setLevel(logging.WARNING)
    log.addHandler(file_handler)
    timed = logging.handlers.TimedRotatingFileHandler("t.log", when="midnight", backupCount=2)
    log.addHandler(timed)
    memory = logging.handlers.MemoryHandler(100, flushLevel=logging.ERROR, target=file_handler)
    log.addHandler(memory)
    log.setLevel(logging.DEBUG)
    log.propagate = False
    return log


def use(log: logging.Logger) -> None:
    log.debug("x %s", 1)
    log.info("y", extra={"user": "bob"}, stacklevel=2)
    log.warning("z", exc_info=True)
    log.error("e", stack_info=True)
    log.critical("c")
    log.log(logging.INFO, "l")
    try:
        raise ValueError("boom")
    except ValueError:
        log.exception("failed")
    child = log.getChild("db")
    assert child.parent is log
    enabled: bool = log.isEnabledFor(logging.DEBUG)
    effective: int = log.getEffectiveLevel()
    name: str = logging.getLevelName(logging.INFO)
    level = logging.getLevelName("INFO")
    handlers: list[logging.Handler] = log.handlers
    record = logging.makeLogRecord({"msg": "m"})
    msg: str = record.getMessage()
    adapter = Adapter(log, {"request": 1})
    adapter.info("adapted")
    logging.getLogger().manager.loggerDict.keys()
    logging.disable(logging.CRITICAL)
    logging.disable()
    logging.captureWarnings(True)
    logging.addLevelName(25, "NOTICE")
    factory = logging.getLogRecordFactory()
    logging.setLogRecordFactory(factory)
    logging.config.dictConfig({"version": 1})
    fmt = logging.Formatter("%(message)s", datefmt="%H", style="%")
    text: str = fmt.format(record)
    logging.shutdown()
    print(enabled, effective, name, level, handlers, msg, text)


def mistakes(log: logging.Logger) -> None:
    """Errors mypy reports against the standard library; femtologging's
    typing must report the same ones, on the same lines."""
    log.setLevel([10])
    log.info()
    count: int = log.handlers  # noqa: F841 (a deliberate type error)
    logging.getLevelName(logging.INFO) + 1
    logging.basicConfig(level=object())
    log.addHandler("stderr")


if __name__ == "__main__":
    use(configure())
