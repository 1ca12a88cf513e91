"""One benchmark workload in a fresh interpreter; prints the seconds it
took and the CPU seconds the process used meanwhile (every thread: the
logging threads and femtologging's native workers).

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

Elapsed = tuple[float, float]


def clock() -> Elapsed:
    return time.perf_counter(), time.process_time()


def since(start: Elapsed) -> Elapsed:
    """Wall and CPU seconds since ``start`` (a ``clock()``)."""
    return time.perf_counter() - start[0], time.process_time() - start[1]


def load(implementation: str):  # noqa: ANN201
    return importlib.import_module("logging" if implementation == "stdlib" else implementation)


def quiet_logger(logging, name: str):  # noqa: ANN001, ANN201
    logger = logging.getLogger(name)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger


def disabled(logging, n: int, tmp: str) -> Elapsed:  # noqa: ANN001, ARG001
    logger = quiet_logger(logging, "bench.disabled")
    start = clock()
    for i in range(n):
        logger.debug("disabled %s", i)
    return since(start)


def _to_stringio(logging, n: int, with_args: bool) -> Elapsed:  # noqa: ANN001
    logger = quiet_logger(logging, "bench.stringio")
    handler = logging.StreamHandler(io.StringIO())
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    logger.addHandler(handler)
    start = clock()
    if with_args:
        for i in range(n):
            logger.info("record %d of %s", i, "bench")
    else:
        for _ in range(n):
            logger.info("a plain message")
    handler.flush()
    return since(start)


def stringio(logging, n: int, tmp: str) -> Elapsed:  # noqa: ANN001, ARG001
    return _to_stringio(logging, n, False)


def stringio_args(logging, n: int, tmp: str) -> Elapsed:  # noqa: ANN001, ARG001
    return _to_stringio(logging, n, True)


def _file_handler(logging, tmp: str):  # noqa: ANN001, ANN202
    handler = logging.FileHandler(os.path.join(tmp, "bench.log"), mode="w")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    return handler


def file(logging, n: int, tmp: str) -> Elapsed:  # noqa: ANN001
    logger = quiet_logger(logging, "bench.file")
    start = clock()
    handler = _file_handler(logging, tmp)
    logger.addHandler(handler)
    for i in range(n):
        logger.info("record %d", i)
    handler.close()
    return since(start)


def rotating_file(logging, n: int, tmp: str) -> Elapsed:  # noqa: ANN001
    handlers = _handlers_module(logging)
    logger = quiet_logger(logging, "bench.rotating")
    start = clock()
    handler = handlers.RotatingFileHandler(os.path.join(tmp, "bench.log"), maxBytes=1 << 20, backupCount=5)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    logger.addHandler(handler)
    for i in range(n):
        logger.info("record %d", i)
    handler.close()
    return since(start)


def file_4_threads(logging, n: int, tmp: str) -> Elapsed:  # noqa: ANN001
    logger = quiet_logger(logging, "bench.threads")
    start = clock()
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
    return since(start)


def exception(logging, n: int, tmp: str) -> Elapsed:  # noqa: ANN001, ARG001
    logger = quiet_logger(logging, "bench.exception")
    handler = logging.StreamHandler(io.StringIO())
    logger.addHandler(handler)
    start = clock()
    for _ in range(n):
        try:
            raise ValueError("boom")
        except ValueError:
            logger.exception("failed")
    handler.flush()
    return since(start)


def log_record(logging, n: int, tmp: str) -> Elapsed:  # noqa: ANN001, ARG001
    make = logging.LogRecord
    start = clock()
    for i in range(n):
        make("bench.record", logging.INFO, "/srv/app/module.py", 42, "record %d", (i,), None)
    return since(start)


def _format(logging, n: int, fmt: str) -> Elapsed:  # noqa: ANN001
    formatter = logging.Formatter(fmt)
    record = logging.LogRecord("bench.format", logging.INFO, "/srv/app/module.py", 42, "record %d", (7,), None)
    start = clock()
    for _ in range(n):
        formatter.format(record)
    return since(start)


def format_no_date(logging, n: int, tmp: str) -> Elapsed:  # noqa: ANN001, ARG001
    return _format(logging, n, "%(levelname)s %(name)s %(module)s:%(lineno)d %(message)s")


def format_date(logging, n: int, tmp: str) -> Elapsed:  # noqa: ANN001, ARG001
    return _format(logging, n, "%(asctime)s %(levelname)s %(name)s %(message)s")


def _handlers_module(logging):  # noqa: ANN001, ANN202
    return importlib.import_module(logging.__name__ + ".handlers")


def queue_handler(logging, n: int, tmp: str) -> Elapsed:  # noqa: ANN001, ARG001
    import queue

    handlers = _handlers_module(logging)
    logger = quiet_logger(logging, "bench.queue")
    target = logging.StreamHandler(io.StringIO())
    target.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    records: queue.Queue = queue.Queue()
    listener = handlers.QueueListener(records, target)
    queue_handler = handlers.QueueHandler(records)
    logger.addHandler(queue_handler)
    start = clock()
    listener.start()
    for i in range(n):
        logger.info("record %d", i)
    listener.stop()
    target.flush()
    return since(start)


def memory_handler(logging, n: int, tmp: str) -> Elapsed:  # noqa: ANN001, ARG001
    handlers = _handlers_module(logging)
    logger = quiet_logger(logging, "bench.memory")
    target = logging.StreamHandler(io.StringIO())
    target.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    memory = handlers.MemoryHandler(1000, target=target)
    logger.addHandler(memory)
    start = clock()
    for i in range(n):
        logger.info("record %d", i)
    memory.close()
    target.flush()
    return since(start)


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
    wall, cpu = WORKLOADS[workload](load(implementation), count, tmp)
    print(f"{wall:.6f} {cpu:.6f}")
