"""One benchmark workload in a fresh interpreter; prints seconds.

    python workloads.py stdlib|picologging|femtologging WORKLOAD N TMPDIR

Each workload times the logging calls and whatever it takes for the output
to be complete (flush or close of the handlers), like a user would see it.
"""

from __future__ import annotations

import importlib
import io
import os
import sys
import threading
import time


def load(implementation: str):  # noqa: ANN201
    return importlib.import_module("logging" if implementation == "stdlib" else implementation)


def quiet_logger(logging, name: str):  # noqa: ANN001, ANN201
    logger = logging.getLogger(name)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger


def disabled(logging, n: int, tmp: str) -> float:  # noqa: ANN001, ARG001
    logger = quiet_logger(logging, "bench.disabled")
    start = time.perf_counter()
    for i in range(n):
        logger.debug("disabled %s", i)
    return time.perf_counter() - start


def _to_stringio(logging, n: int, with_args: bool) -> float:  # noqa: ANN001
    logger = quiet_logger(logging, "bench.stringio")
    handler = logging.StreamHandler(io.StringIO())
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    logger.addHandler(handler)
    start = time.perf_counter()
    if with_args:
        for i in range(n):
            logger.info("record %d of %s", i, "bench")
    else:
        for _ in range(n):
            logger.info("a plain message")
    handler.flush()
    return time.perf_counter() - start


def stringio(logging, n: int, tmp: str) -> float:  # noqa: ANN001, ARG001
    return _to_stringio(logging, n, False)


def stringio_args(logging, n: int, tmp: str) -> float:  # noqa: ANN001, ARG001
    return _to_stringio(logging, n, True)


def _file_handler(logging, tmp: str):  # noqa: ANN001, ANN202
    handler = logging.FileHandler(os.path.join(tmp, "bench.log"), mode="w")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    return handler


def file(logging, n: int, tmp: str) -> float:  # noqa: ANN001
    logger = quiet_logger(logging, "bench.file")
    start = time.perf_counter()
    handler = _file_handler(logging, tmp)
    logger.addHandler(handler)
    for i in range(n):
        logger.info("record %d", i)
    handler.close()
    return time.perf_counter() - start


def rotating_file(logging, n: int, tmp: str) -> float:  # noqa: ANN001
    handlers = _handlers_module(logging)
    logger = quiet_logger(logging, "bench.rotating")
    start = time.perf_counter()
    handler = handlers.RotatingFileHandler(os.path.join(tmp, "bench.log"), maxBytes=1 << 20, backupCount=5)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    logger.addHandler(handler)
    for i in range(n):
        logger.info("record %d", i)
    handler.close()
    return time.perf_counter() - start


def file_4_threads(logging, n: int, tmp: str) -> float:  # noqa: ANN001
    logger = quiet_logger(logging, "bench.threads")
    start = time.perf_counter()
    handler = _file_handler(logging, tmp)
    logger.addHandler(handler)

    def work() -> None:
        for i in range(n // 4):
            logger.info("record %d", i)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    handler.close()
    return time.perf_counter() - start


def exception(logging, n: int, tmp: str) -> float:  # noqa: ANN001, ARG001
    logger = quiet_logger(logging, "bench.exception")
    handler = logging.StreamHandler(io.StringIO())
    logger.addHandler(handler)
    start = time.perf_counter()
    for _ in range(n):
        try:
            raise ValueError("boom")
        except ValueError:
            logger.exception("failed")
    handler.flush()
    return time.perf_counter() - start


def log_record(logging, n: int, tmp: str) -> float:  # noqa: ANN001, ARG001
    make = logging.LogRecord
    start = time.perf_counter()
    for i in range(n):
        make("bench.record", logging.INFO, "/srv/app/module.py", 42, "record %d", (i,), None)
    return time.perf_counter() - start


def _format(logging, n: int, fmt: str) -> float:  # noqa: ANN001
    formatter = logging.Formatter(fmt)
    record = logging.LogRecord("bench.format", logging.INFO, "/srv/app/module.py", 42, "record %d", (7,), None)
    start = time.perf_counter()
    for _ in range(n):
        formatter.format(record)
    return time.perf_counter() - start


def format_no_date(logging, n: int, tmp: str) -> float:  # noqa: ANN001, ARG001
    return _format(logging, n, "%(levelname)s %(name)s %(module)s:%(lineno)d %(message)s")


def format_date(logging, n: int, tmp: str) -> float:  # noqa: ANN001, ARG001
    return _format(logging, n, "%(asctime)s %(levelname)s %(name)s %(message)s")


def _handlers_module(logging):  # noqa: ANN001, ANN202
    return importlib.import_module(logging.__name__ + ".handlers")


def queue_handler(logging, n: int, tmp: str) -> float:  # noqa: ANN001, ARG001
    import queue

    handlers = _handlers_module(logging)
    logger = quiet_logger(logging, "bench.queue")
    target = logging.StreamHandler(io.StringIO())
    target.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    records: queue.Queue = queue.Queue()
    listener = handlers.QueueListener(records, target)
    queue_handler = handlers.QueueHandler(records)
    logger.addHandler(queue_handler)
    start = time.perf_counter()
    listener.start()
    for i in range(n):
        logger.info("record %d", i)
    listener.stop()
    target.flush()
    return time.perf_counter() - start


def memory_handler(logging, n: int, tmp: str) -> float:  # noqa: ANN001, ARG001
    handlers = _handlers_module(logging)
    logger = quiet_logger(logging, "bench.memory")
    target = logging.StreamHandler(io.StringIO())
    target.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    memory = handlers.MemoryHandler(1000, target=target)
    logger.addHandler(memory)
    start = time.perf_counter()
    for i in range(n):
        logger.info("record %d", i)
    memory.close()
    target.flush()
    return time.perf_counter() - start


WORKLOADS = {
    f.__name__: f
    for f in (
        disabled,
        stringio,
        stringio_args,
        file,
        rotating_file,
        file_4_threads,
        exception,
        log_record,
        format_no_date,
        format_date,
        queue_handler,
        memory_handler,
    )
}

if __name__ == "__main__":
    implementation, workload, count, tmp = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    seconds = WORKLOADS[workload](load(implementation), count, tmp)
    print(f"{seconds:.6f}")
