"""``fork`` and processes that end without running ``atexit``.

Before ``fork``, the handlers' workers finish the sink call they are in and
start no other until the fork is done (``engine.fork_quiesce``, with the GIL
released, since a worker writing to a Python stream needs it): the child
then copies no stream whose buffer lock a worker held, and nothing a
worker had collected but not yet handed to Python is written twice.

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
        os.register_at_fork(before=_before_fork, after_in_child=_after_fork_in_child)


#: How long a fork waits for sink calls under way (a stuck sink must not
#: hold it for ever).
FORK_QUIESCE_MS = 2000


def _before_fork() -> None:
    from ._backend import engine

    engine.fork_quiesce(FORK_QUIESCE_MS)


def _after_fork_in_child() -> None:
    from ._backend import engine

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


def _terminated(signum: int, _frame: object) -> None:
    try:
        _at_worker_end()
    finally:
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)


def _at_worker_end() -> None:
    if _drain is not None:
        _drain()
