"""Signals (issue 22): Ctrl-C reaches a thread that waits for room in a
full queue, and signal handlers that log at a high rate neither hang nor
lose a record silently. Each case runs in its own interpreter with a
timeout, so a hang fails the test."""

from __future__ import annotations

import re
from pathlib import Path

INTERRUPT = """
import os, signal, sys, threading, time
import femtologging as logging

read_end, write_end = os.pipe()  # never read: the handler's writes block
handler = logging.FileHandler(f"/proc/self/fd/{write_end}")  # the worker writes it
log = logging.getLogger("interrupted")
log.propagate = False
log.addHandler(handler)
sent = []

def interrupt():
    time.sleep(1.0)  # by now the queue is full and the loop below waits
    sent.append(time.monotonic())
    os.kill(os.getpid(), signal.SIGINT)

threading.Thread(target=interrupt, daemon=True).start()
try:
    for _ in range(10**8):
        log.warning("x" * 100)
except KeyboardInterrupt:
    print(f"{time.monotonic() - sent[0]:.6f} {handler.get_dropped()}", flush=True)
    os._exit(0)
os._exit(1)
"""


def test_ctrl_c_reaches_a_thread_waiting_for_room(run_script):
    result = run_script(INTERRUPT, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    delay, dropped = result.stdout.split()
    assert float(delay) < 1.0  # measured: a few ms (the poll runs every 20 ms)
    assert int(dropped) == 1  # the record whose wait was interrupted, counted


ALARM = """
import signal, sys, time
import femtologging as logging

log = logging.getLogger("alarm")
log.propagate = False
handler = logging.FileHandler(sys.argv[1], mode="w")
log.addHandler(handler)
fired = 0

def on_alarm(signum, frame):
    global fired
    fired += 1
    log.warning("alarm %d", fired)

signal.signal(signal.SIGALRM, on_alarm)
signal.setitimer(signal.ITIMER_REAL, 0.0005, 0.0005)  # from the cold start on
end = time.monotonic() + 1.0
sent = 0
while time.monotonic() < end:
    log.warning("main %d", sent)
    sent += 1
signal.setitimer(signal.ITIMER_REAL, 0, 0)
handler.flush()
print(sent, fired, logging.nested_dropped(), handler.get_dropped())
"""


def test_signal_handlers_that_log_fast_lose_nothing_silently(run_script, tmp_path):
    out = tmp_path / "alarm.log"
    result = run_script(ALARM, str(out), timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    sent, fired, nested_dropped, dropped = map(int, result.stdout.split())
    lines = out.read_text(encoding="utf-8").splitlines()
    assert dropped == 0
    assert sum(line.startswith("main") for line in lines) == sent
    assert sum(line.startswith("alarm") for line in lines) + nested_dropped == fired
    assert fired > 100


def test_the_cffi_backend_parses_every_c_type_it_names_at_import():
    # cffi's parser lock is not re-entrant: a type parsed for the first time
    # inside a logging call deadlocks a signal handler that logs.
    from femtologging import _cffi_backend

    source = Path(_cffi_backend.__file__).read_text(encoding="utf-8")
    named = set(re.findall(r'ffi\.(?:new|cast|typeof|sizeof)\("([^"]+)"', source))
    assert named <= set(_cffi_backend.CDECLS), named - set(_cffi_backend.CDECLS)


def test_engine_threads_leave_asynchronous_signals_to_the_program(tmp_path):
    # The kernel delivers a process-directed signal to any thread that does
    # not block it; one landing on a handler's worker would not wake
    # Python's main thread where it waits (a pool worker killed by
    # Pool.terminate hung in a lock). Faults stay deliverable.
    import signal

    import femtologging as logging

    handler = logging.FileHandler(str(tmp_path / "out.log"))
    logging.getLogger("signals.mask").addHandler(handler)
    logging.getLogger("signals.mask").warning("start the worker")
    handler.flush()
    masks = {}
    for task in Path("/proc/self/task").iterdir():
        name = (task / "comm").read_text().strip()
        status = (task / "status").read_text()
        blocked = int(re.search(r"^SigBlk:\s*([0-9a-f]+)", status, re.M).group(1), 16)
        masks[name] = blocked
    workers = {name: mask for name, mask in masks.items() if name.startswith("femto-")}
    assert workers, masks
    for name, mask in workers.items():
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGALRM, signal.SIGCHLD):
            assert mask & (1 << (sig - 1)), (name, sig)
        for sig in (signal.SIGSEGV, signal.SIGBUS, signal.SIGFPE):
            assert not mask & (1 << (sig - 1)), (name, sig)
    handler.close()
    logging.getLogger("signals.mask").removeHandler(handler)
