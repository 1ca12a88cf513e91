"""``fork`` and processes that end without running ``atexit``.

Before ``fork``, the handlers' workers finish the sink call they are in and
start no other until the fork is done (``engine.fork_quiesce``, with the GIL
released, since a worker writing to a Python stream needs it), and the
handlers that write Python objects on the logging thread are locked, so no
thread is inside one's ``emit``: the child then copies no stream whose
buffer lock was held, and nothing collected but not yet written is
written twice.

``multiprocessing``
workers started by ``fork`` or ``forkserver`` end with ``os._exit`` once
their target returns, and would take the records still queued in their
handlers with them.

multiprocessing runs its own finalizers there (``util._exit_function``), so
every worker process gets one that drains femtologging's handlers, after
all the others. A pool ends its workers with SIGTERM instead; a worker
whose SIGTERM does the default drains first, then ends the same way. It
is registered through ``util.register_after_fork``, which
multiprocessing runs at the start of every worker (after clearing the
finalizers the parent had), whichever imported first: femtologging or
multiprocessing. A worker that imports femtologging after those hooks ran
(a ``spawn`` worker runs none) is armed by the import.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable


class _Token:
    """What multiprocessing's after-fork registry keys on (held for ever)."""


_TOKEN = _Token()
_drain: Callable[[], None] | None = None


def arm(drain: Callable[[], None]) -> None:
    """Makes every multiprocessing worker started from now on run ``drain``
    when it ends. Called at import; again in every forked child."""
    global _drain
    _drain = drain
    _register()
    if _in_started_worker():
        _at_worker_start(_TOKEN)
    if hasattr(os, "register_at_fork"):
        os.register_at_fork(
            before=_before_fork, after_in_parent=_after_fork_in_parent, after_in_child=_after_fork_in_child
        )


#: How long a fork waits for sink calls under way (a stuck sink must not
#: hold it for ever).
FORK_QUIESCE_MS = 2000


#: The handlers whose locks the fork under way holds.
_held: list[object] = []


def _before_fork() -> None:
    from ._backend import engine
    from ._handler import hold_for_fork
    from ._logger import _lock

    # The module lock first, as stdlib takes it: no configuration change is
    # half done in the child. Then the workers: one may be waiting for a
    # handler's lock to write.
    _lock.acquire()
    engine.fork_quiesce(FORK_QUIESCE_MS)
    _held[:] = hold_for_fork()


def _after_fork_in_parent() -> None:
    from ._handler import release_after_fork
    from ._logger import _lock

    held, _held[:] = _held[:], []
    release_after_fork(held, in_child=False)  # type: ignore[arg-type]
    _lock.release()


def _after_fork_in_child() -> None:
    from ._backend import engine
    from ._handler import release_after_fork
    from ._logger import _lock

    _held.clear()
    _lock._at_fork_reinit()  # type: ignore[attr-defined]
    release_after_fork([], in_child=True)
    after = getattr(engine, "after_fork_in_child", None)
    if after is not None:
        after()
    _register()


def _register() -> None:
    util = sys.modules.get("multiprocessing.util")
    if util is not None:
        util.register_after_fork(_TOKEN, _at_worker_start)


def _in_started_worker() -> bool:
    """True where multiprocessing's start-up hooks will not run for a
    module imported now: in a worker that is already running (the hooks
    ran before the import), or in a ``spawn`` worker importing its main
    module (spawned workers run no hooks)."""
    process = sys.modules.get("multiprocessing.process")
    if process is None:
        return False
    return process.parent_process() is not None or getattr(process.current_process(), "_inheriting", False)


def _at_worker_start(_token: object) -> None:
    util = sys.modules["multiprocessing.util"]
    # Negative: after the finalizers of every priority >= 0, as atexit
    # would run femtologging's drain after the program's own functions.
    util.Finalize(None, _at_worker_end, exitpriority=-100)
    # A pool ends its workers with SIGTERM (Pool.terminate, and leaving a
    # `with Pool(...)` block): drain first, then end as SIGTERM would. Only
    # where nobody has chosen what SIGTERM does.
    if threading.current_thread() is threading.main_thread() and (signal.getsignal(signal.SIGTERM) is signal.SIG_DFL):
        signal.signal(signal.SIGTERM, _terminated)
        _watch_for_a_lost_sigterm()


#: Set once the worker's SIGTERM drain has begun (on whichever thread).
_terminating = threading.Event()


def _terminated(signum: int, _frame: object) -> None:
    if _terminating.is_set():
        return
    _terminating.set()
    try:
        _at_worker_end()
    finally:
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)


#: How long the watcher gives the main thread to start the drain itself.
LOST_SIGNAL_GRACE_S = 0.1


def _watch_for_a_lost_sigterm() -> None:
    """CPython runs a Python signal handler when its main thread next
    checks, and a worker that takes the signal just as it starts to wait
    for its next task (between ``sem_trywait`` and ``sem_wait``) never
    checks: it would wait for ever, and so would the pool ending it. The
    signal also writes its number to the wakeup descriptor; a thread
    reading that one drains and ends the worker when the main thread has
    not begun to within ``LOST_SIGNAL_GRACE_S``. Only where no one else
    uses the wakeup descriptor."""
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    previous = signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
    if previous != -1:
        signal.set_wakeup_fd(previous)
        os.close(read_end)
        os.close(write_end)
        return
    threading.Thread(target=_watch, args=(read_end,), name="femtologging-sigterm", daemon=True).start()


def _watch(read_end: int) -> None:
    while data := os.read(read_end, 64):
        if signal.SIGTERM in data and not _terminating.wait(LOST_SIGNAL_GRACE_S):
            _terminating.set()
            try:
                _at_worker_end()
            finally:
                # signal.signal() is the main thread's; the C call is anyone's.
                import ctypes

                ctypes.pythonapi.PyOS_setsig(signal.SIGTERM, ctypes.c_void_p(0))  # SIG_DFL
                os.kill(os.getpid(), signal.SIGTERM)
            return


def _at_worker_end() -> None:
    if _drain is not None:
        _drain()
