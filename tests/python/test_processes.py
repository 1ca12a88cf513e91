"""Whole programs: exit without shutdown, fork, many threads."""

from __future__ import annotations

import sys

import pytest


def test_exit_without_shutdown_keeps_every_record(run_script, tmp_path):
    result = run_script(
        """
        import sys
        import femtologging as logging
        logging.basicConfig(filename=sys.argv[1], format="%(message)s", level=logging.INFO)
        log = logging.getLogger("exit")
        for i in range(50_000):
            log.info("record %d", i)
        """,
        str(tmp_path / "out.log"),
    )
    assert result.returncode == 0, result.stderr
    lines = (tmp_path / "out.log").read_text().splitlines()
    assert lines == [f"record {i}" for i in range(50_000)]


@pytest.mark.skipif(sys.platform != "linux", reason="fork")
def test_forked_child_logs_while_threads_log(run_script, tmp_path):
    result = run_script(
        """
        import os, sys, threading
        import femtologging as logging
        logging.basicConfig(filename=sys.argv[1], format="%(process)d %(message)s", level=logging.INFO)
        log = logging.getLogger("fork")
        stop = threading.Event()
        def spin(n):
            i = 0
            while not stop.is_set():
                log.info("parent %d %d", n, i)
                i += 1
        threads = [threading.Thread(target=spin, args=(n,)) for n in range(2)]
        for t in threads:
            t.start()
        children = []
        for _ in range(5):
            pid = os.fork()
            if pid == 0:
                for i in range(100):
                    log.info("child %d", i)
                sys.exit(0)  # a normal exit: the exit hooks drain the child's handler
            children.append(pid)
        for pid in children:
            _, status = os.waitpid(pid, 0)
            assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
        stop.set()
        for t in threads:
            t.join()
        print(" ".join(map(str, children)))
        """,
        str(tmp_path / "fork.log"),
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    children = result.stdout.split()
    lines = (tmp_path / "fork.log").read_text().splitlines()
    for pid in children:
        assert sum(1 for line in lines if line.startswith(f"{pid} child ")) == 100
    parent_lines = [line for line in lines if " parent " in line]
    assert len(parent_lines) == len(set(parent_lines)), "a parent record was written twice"


def test_a_fork_while_another_thread_holds_the_module_and_a_handler_lock(run_script, tmp_path):
    """stdlib's guarantee (bpo-6721): a child forked while another thread
    holds ``_acquireLock()`` and a handler's lock finds both free."""
    result = run_script(
        """
        import os, sys, threading
        import femtologging as logging
        handler = logging.FileHandler(sys.argv[1])
        handler.setFormatter(logging.Formatter("%(process)d %(message)s"))
        log = logging.getLogger("fork.locks")
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        assert handler in logging._at_fork_reinit_lock_weakset
        held, forked = threading.Event(), threading.Event()
        def hold():
            with handler.lock:
                logging._acquireLock()
                try:
                    held.set()
                    forked.wait(0.5)
                finally:
                    logging._releaseLock()
        holder = threading.Thread(target=hold)
        holder.start()
        held.wait()
        pid = os.fork()
        if pid == 0:
            logging.getLogger("fork.locks.child").addHandler(logging.NullHandler())
            handler.acquire()
            handler.release()
            log.info("child")
            sys.exit(0)
        forked.set()
        holder.join()
        _, status = os.waitpid(pid, 0)
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
        log.info("parent")
        print(pid, os.getpid())
        """,
        str(tmp_path / "locks.log"),
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    child, parent = result.stdout.split()
    lines = (tmp_path / "locks.log").read_text().splitlines()
    assert sorted(lines) == sorted([f"{child} child", f"{parent} parent"])


def test_eight_threads_exact_count(tmp_path):
    import threading

    import femtologging as logging

    path = tmp_path / "threads.log"
    log = logging.getLogger("threads.exact")
    log.setLevel(logging.INFO)
    log.propagate = False
    handler = logging.FileHandler(path)
    handler.setFormatter(logging.Formatter("%(message)s"))
    log.addHandler(handler)
    per_thread = 50_000

    def work(n):
        for i in range(per_thread):
            log.info("%d %d", n, i)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
        assert not t.is_alive()
    handler.close()
    log.removeHandler(handler)
    lines = path.read_text().splitlines()
    assert len(lines) == 8 * per_thread
    assert len(set(lines)) == 8 * per_thread


def test_small_block_queue_with_a_python_handler_does_not_deadlock(tmp_path):
    """Two threads, a file handler with a tiny `block` queue and a Python
    (callback) handler that needs the GIL: everything finishes."""
    import io
    import threading

    import femtologging as logging

    log = logging.getLogger("deadlock.regression")
    log.setLevel(logging.INFO)
    log.propagate = False
    file_handler = logging.FileHandler(tmp_path / "d.log", capacity=2)
    python_handler = logging.StreamHandler(io.StringIO(), capacity=2)
    log.addHandler(file_handler)
    log.addHandler(python_handler)

    def work():
        for i in range(5_000):
            log.info("x %d", i)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
        assert not t.is_alive(), "deadlock"
    for handler in (file_handler, python_handler):
        handler.close()
        log.removeHandler(handler)
    assert len((tmp_path / "d.log").read_text().splitlines()) == 10_000
    assert len(python_handler.stream.getvalue().splitlines()) == 10_000


MULTIPROCESSING = """
import multiprocessing as mp, sys
import femtologging as logging

method, path, workers, records = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
log = logging.getLogger("mp")
handler = logging.FileHandler(path)
handler.setFormatter(logging.Formatter("%(process)d %(message)s"))
log.addHandler(handler)
log.propagate = False

def work(n):
    for i in range(records):
        log.warning("worker %d record %d", n, i)

if __name__ == "__main__":
    context = mp.get_context(method)
    processes = [context.Process(target=work, args=(n,)) for n in range(workers)]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    print(sum(process.exitcode for process in processes))
"""


@pytest.mark.parametrize("method", ["fork", "forkserver", "spawn"])
def test_multiprocessing_workers_lose_nothing(run_script, tmp_path, method):
    # fork and forkserver workers end with os._exit: femtologging drains its
    # handlers from multiprocessing's own finalizers first (issue 22).
    out = tmp_path / "mp.log"
    result = run_script(MULTIPROCESSING, method, str(out), "8", "2000", timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "0"
    lines = out.read_text(encoding="utf-8").splitlines()
    expected = {f"worker {n} record {i}" for n in range(8) for i in range(2000)}
    assert len(lines) == len(expected)
    assert {line.split(" ", 1)[1] for line in lines} == expected


FORKS = """
import os, sys, threading, time
import femtologging as logging

kind, path, children = sys.argv[1], sys.argv[2], int(sys.argv[3])
log = logging.getLogger("forks")
log.propagate = False
if kind == "file":
    handler = logging.FileHandler(path, mode="w")
else:  # a Python stream: a pipe a thread of this process reads into `path`
    read_end, write_end = os.pipe()
    copy = open(path, "wb")

    def reader():
        with os.fdopen(read_end, "rb") as pipe:
            while chunk := pipe.read(65536):
                copy.write(chunk)
        copy.close()

    class LineStream:
        # Like a buffered file: a lock held while writing (a child that
        # copied it held would hang) and a buffer (a child that copied it
        # full would write its parent's lines again). Each line goes out in
        # one write, so parent and child lines never split each other.
        def __init__(self, fd):
            self.fd, self.lock, self.buffer = fd, threading.Lock(), []

        def write(self, text):
            with self.lock:
                self.buffer.extend(text.splitlines(keepends=True))
            return len(text)

        def flush(self):
            with self.lock:
                for line in self.buffer:
                    os.write(self.fd, line.encode())
                self.buffer.clear()

        def close(self):
            self.flush()
            os.close(self.fd)

    reading = threading.Thread(target=reader)
    reading.start()
    handler = logging.StreamHandler(LineStream(write_end))
handler.setFormatter(logging.Formatter("%(process)d %(message)s"))
log.addHandler(handler)
stop = False
sent = [0] * 4

def spin(n):
    while not stop:
        log.warning("parent %d %d", n, sent[n])
        sent[n] += 1

threads = [threading.Thread(target=spin, args=(n,)) for n in range(4)]
for thread in threads:
    thread.start()
hung = 0
pids = []
for i in range(children):
    pid = os.fork()
    if pid == 0:
        log.warning("child %d", i)
        handler.flush()
        os._exit(0)
    pids.append(pid)
for pid in pids:
    for _ in range(500):
        if os.waitpid(pid, os.WNOHANG)[0]:
            break
        time.sleep(0.01)
    else:
        hung += 1
        os.kill(pid, 9)
        os.waitpid(pid, 0)
stop = True
for thread in threads:
    thread.join()
handler.close()
if kind != "file":
    handler.stream.close()
    reading.join()
print(sum(sent), hung)
"""


@pytest.mark.parametrize("kind", ["file", "pipe"])
def test_200_forks_while_4_threads_log(run_script, tmp_path, kind):
    # Each child logs one record, flushes and calls os._exit(0): every
    # child's record arrives, no child hangs, and no parent record is
    # written twice (a child never writes what its parent had queued or
    # collected) -- issue 22.
    out = tmp_path / "forks.log"
    result = run_script(FORKS, kind, str(out), "200", timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]
    sent, hung = map(int, result.stdout.split())
    assert hung == 0
    lines = out.read_text(encoding="utf-8", errors="replace").splitlines()
    parent = [line.split(" ", 1)[1] for line in lines if " parent " in line]
    assert len(parent) == sent
    assert len(set(parent)) == sent
    assert sorted(line.split(" ", 1)[1] for line in lines if " child " in line) == sorted(
        f"child {i}" for i in range(200)
    )


POOL = """
import multiprocessing as mp, sys, time
if sys.argv[3] == "at-start":
    import femtologging as logging

method, path = sys.argv[1], sys.argv[2]

def work(n):
    import femtologging as logging

    log = logging.getLogger("pool")
    if not log.handlers:
        log.addHandler(logging.FileHandler(path))  # the worker writes: records queue
        log.propagate = False
    for i in range(2000):
        log.warning("task %d record %d", n, i)

if __name__ == "__main__":
    with mp.get_context(method).Pool(4) as pool:  # leaving it terminates the workers
        pool.map(work, range(8))
"""


@pytest.mark.parametrize("method", ["fork", "forkserver", "spawn"])
@pytest.mark.parametrize("imported", ["at-start", "in-task"])
def test_pool_workers_ended_by_sigterm_lose_nothing(run_script, tmp_path, method, imported):
    # Pool.terminate (leaving the `with` block) sends SIGTERM: a worker
    # whose SIGTERM does the default drains its handlers first (issue 22),
    # whether it imported femtologging before multiprocessing's start-up
    # hooks ran or inside its task.
    out = tmp_path / "pool.log"
    out.touch()
    result = run_script(POOL, method, str(out), imported, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    lines = out.read_text(encoding="utf-8").splitlines()
    assert sorted(lines) == sorted(f"task {n} record {i}" for n in range(8) for i in range(2000))
