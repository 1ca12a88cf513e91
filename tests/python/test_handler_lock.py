"""``Handler.lock`` behaves as stdlib's ``RLock``: reentrant, owned by one
thread, usable by ``threading.Condition``, and honoured by the loggers'
fast path (a record waits while another thread holds the lock)."""

from __future__ import annotations

import io
import threading
import time

import femtologging
import pytest


@pytest.fixture
def lock():
    return femtologging.StreamHandler(io.StringIO()).lock


def test_it_is_reentrant_and_owned_by_one_thread(lock):
    assert lock.acquire()
    assert lock.acquire()
    assert lock._is_owned()
    other: list[bool] = []
    thread = threading.Thread(target=lambda: other.append(lock.acquire(blocking=False)))
    thread.start()
    thread.join()
    assert other == [False]
    lock.release()
    lock.release()
    assert not lock._is_owned()
    with pytest.raises(RuntimeError):
        lock.release()


def test_a_timeout_gives_up_and_bad_arguments_are_refused(lock):
    held = threading.Event()
    done = threading.Event()

    def hold() -> None:
        with lock:
            held.set()
            done.wait(10)

    thread = threading.Thread(target=hold)
    thread.start()
    held.wait(10)
    start = time.monotonic()
    assert lock.acquire(timeout=0.05) is False
    assert 0.04 <= time.monotonic() - start < 5
    done.set()
    thread.join()
    assert lock.acquire(timeout=5) is True
    lock.release()
    with pytest.raises(ValueError):
        lock.acquire(False, 1)
    with pytest.raises(ValueError):
        lock.acquire(timeout=-2)
    with pytest.raises(ValueError):
        lock.acquire(timeout=float("nan"))
    with pytest.raises(OverflowError):
        lock.acquire(timeout=1e300)
    assert not lock._is_owned()


def test_a_condition_waits_on_it(lock):
    condition = threading.Condition(lock)
    ready: list[int] = []

    def producer() -> None:
        with condition:
            ready.append(1)
            condition.notify()

    with condition:
        with lock:  # held twice: wait() must release both holds
            thread = threading.Thread(target=producer)
            thread.start()
            assert condition.wait_for(lambda: ready, timeout=10)
        assert lock._is_owned()
    thread.join()
    assert not lock._is_owned()


def test_threads_under_it_exclude_each_other_exactly(lock):
    counter = [0]

    def work() -> None:
        for _ in range(2000):
            with lock:
                value = counter[0]
                time.sleep(0)  # gives the GIL away while holding the lock
                counter[0] = value + 1

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert counter[0] == 8000


@pytest.fixture
def to_stream(request):
    """A logger of its own writing its messages to a StringIO (or to the
    stream class a test gives as the fixture's parameter)."""
    stream = getattr(request, "param", io.StringIO)()
    handler = femtologging.StreamHandler(stream)
    handler.setFormatter(femtologging.Formatter("%(message)s"))
    logger = femtologging.getLogger(f"lock.{request.node.name}")
    logger.propagate = False
    logger.addHandler(handler)
    logger.setLevel(femtologging.INFO)
    yield logger, handler, stream
    logger.removeHandler(handler)


def test_a_record_waits_while_another_thread_holds_the_lock(to_stream):
    logger, handler, stream = to_stream
    logged = threading.Event()

    def log() -> None:
        logger.info("from the thread")
        logged.set()

    with handler.lock:
        thread = threading.Thread(target=log)
        thread.start()
        assert not logged.wait(0.2)
        stream.write("under the lock\n")
    thread.join(10)
    assert logged.is_set()
    assert stream.getvalue() == "under the lock\nfrom the thread\n"


def test_many_threads_logging_to_one_stream_lose_nothing(to_stream):
    logger, handler, stream = to_stream

    def work(n: int) -> None:
        for i in range(2000):
            logger.info("%d %d", n, i)
            if i % 100 == 0:
                with handler.lock:  # Python code under the lock too
                    time.sleep(0)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 8000
    assert sorted(lines) == sorted(f"{n} {i}" for n in range(4) for i in range(2000))


class HalvesStream(io.StringIO):
    """Writes each line in two halves, giving the GIL away between them:
    two writers not excluded by the handler's lock interleave halves."""

    def write(self, text: str) -> int:
        middle = len(text) // 2
        super().write(text[:middle])
        time.sleep(0)
        return super().write(text[middle:])


@pytest.mark.parametrize("to_stream", [HalvesStream], indirect=True)
def test_writers_that_give_the_gil_away_under_the_lock_never_interleave(to_stream):
    """While one thread writes (the GIL given away mid-line), the others
    wait for the lock and take it without the GIL; a thread holding the
    GIL takes it in passing only when nobody waits."""
    logger, _handler, stream = to_stream

    def work(n: int) -> None:
        for i in range(500):
            logger.info("thread %d line %d", n, i)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    lines = stream.getvalue().splitlines()
    assert sorted(lines) == sorted(f"thread {n} line {i}" for n in range(4) for i in range(500))


def test_a_forked_child_starts_with_the_lock_free(run_script):
    result = run_script(
        """
        import os, threading
        import femtologging as logging
        handler = logging.StreamHandler()
        held = threading.Event()
        done = threading.Event()
        def hold():
            with handler.lock:
                held.set()
                done.wait(10)
        threading.Thread(target=hold, daemon=True).start()
        held.wait(10)
        pid = os.fork()
        if pid == 0:
            ok = handler.lock.acquire(timeout=5)
            os._exit(0 if ok else 3)
        done.set()
        _, status = os.waitpid(pid, 0)
        print(os.waitstatus_to_exitcode(status))
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "0"
