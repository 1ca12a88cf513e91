//! `fork()` support. The bindings register these three functions with
//! `pthread_atfork` (Python: `os.register_at_fork`).
//!
//! `prepare` takes the registry and handler locks so that no configuration
//! change or handler start is half done when the process is copied. In the
//! child, each open handler gets a fresh queue, sink and worker thread; the
//! parent's queues (and the records in them, which the parent writes) are
//! left untouched, so the child never deadlocks on a lock held by a thread
//! that did not survive the fork and never writes a parent record twice.

use std::cell::RefCell;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use crate::handler::live::{self, Live};
use crate::manager::{Manager, State};

struct ForkGuards {
    // Field order is release order: the reverse of the order taken.
    calls: crate::calls::ForkGuard,
    _level_names: Option<crate::level::ForkGuard>,
    _interned: crate::intern::ForkGuard,
    live: MutexGuard<'static, Live>,
    _registry: Option<MutexGuard<'static, State>>,
    gate: MutexGuard<'static, GateState>,
}

/// Workers' sink calls, counted so that `fork` can happen between them.
///
/// A sink call may hold locks the child will need: a Python stream's
/// buffer lock, a binding's own batch, the GIL. A worker holds a
/// [`SinkPass`] while it formats and writes a batch and while it flushes;
/// before `fork`, [`quiesce`] stops new passes and waits (bounded) for the
/// current ones to end, so the child copies no lock held in the middle of a
/// write and no half-written stream buffer.
struct Gate {
    state: Mutex<GateState>,
    changed: Condvar,
}

struct GateState {
    active: usize,
    closed: bool,
}

static GATE: Gate = Gate {
    state: Mutex::new(GateState {
        active: 0,
        closed: false,
    }),
    changed: Condvar::new(),
};

/// How long `prepare` waits for sink calls under way: short, since the
/// forking thread may hold a lock they need (a host that has one quiesces
/// first, without it), and a stuck sink must not hold `fork` for ever.
const PREPARE_QUIESCE_LIMIT: Duration = Duration::from_millis(100);

fn gate() -> MutexGuard<'static, GateState> {
    GATE.state.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A worker's permission to call its sink (see [`Gate`]).
pub(crate) struct SinkPass(());

/// Waits while a `fork` is being prepared, then counts a sink call.
pub(crate) fn sink_pass() -> SinkPass {
    let mut state = gate();
    while state.closed {
        state = GATE
            .changed
            .wait(state)
            .unwrap_or_else(PoisonError::into_inner);
    }
    state.active += 1;
    SinkPass(())
}

impl Drop for SinkPass {
    fn drop(&mut self) {
        let mut state = gate();
        state.active = state.active.saturating_sub(1);
        // Only a fork being prepared waits for this (a wake-up is a
        // system call: not one per batch).
        let waited_for = state.closed;
        drop(state);
        if waited_for {
            GATE.changed.notify_all();
        }
    }
}

/// Stops new sink calls and waits, up to `limit`, for those under way to
/// end. Returns whether they all did. A host whose sink calls need a lock
/// the forking thread holds (Python's GIL) calls this before `fork` with
/// that lock released; `prepare` then finds nothing to wait for.
pub fn quiesce(limit: Duration) -> bool {
    let state = close_gate(gate(), limit);
    state.active == 0
}

fn close_gate(
    mut state: MutexGuard<'static, GateState>,
    limit: Duration,
) -> MutexGuard<'static, GateState> {
    state.closed = true;
    GATE.changed
        .wait_timeout_while(state, limit, |state| state.active > 0)
        .unwrap_or_else(PoisonError::into_inner)
        .0
}

fn open_gate(mut state: MutexGuard<'static, GateState>, fresh: bool) {
    state.closed = false;
    if fresh {
        state.active = 0; // the parent's workers do not exist here
    }
    drop(state);
    GATE.changed.notify_all();
}

thread_local! {
    static HELD: RefCell<Option<ForkGuards>> = const { RefCell::new(None) };
}

/// Before `fork`: take every engine lock a logging call can need, in the
/// order the rest of the engine takes them (registry, handlers, interned
/// strings, level names, the threads' call marks).
pub fn prepare() {
    let gate = close_gate(gate(), PREPARE_QUIESCE_LIMIT);
    let registry = Manager::lock_global_for_fork();
    let live = live::lock_for_fork();
    let interned = crate::intern::lock_for_fork();
    let level_names = crate::level::lock_for_fork();
    let calls = crate::calls::lock_for_fork();
    let _ = HELD.try_with(|held| {
        *held.borrow_mut() = Some(ForkGuards {
            calls,
            _level_names: level_names,
            _interned: interned,
            live,
            _registry: registry,
            gate,
        })
    });
}

/// After `fork`, in the parent: release the locks.
pub fn after_fork_parent() {
    let guards = HELD
        .try_with(|held| held.borrow_mut().take())
        .ok()
        .flatten();
    if let Some(guards) = guards {
        let ForkGuards { gate, .. } = guards;
        open_gate(gate, false);
    }
}

/// After `fork`, in the child: refresh the process id, restart every open
/// handler on fresh queues, then release the locks.
pub fn after_fork_child() {
    crate::context::refresh_process_id();
    crate::record_pool::reset_after_fork();
    let guards = HELD
        .try_with(|held| held.borrow_mut().take())
        .ok()
        .flatten();
    if let Some(mut guards) = guards {
        let restarted = live::restart_in_child(&mut guards.live);
        let ForkGuards { gate, calls, .. } = guards;
        crate::calls::reset_in_child(calls);
        open_gate(gate, true);
        drop(restarted);
    }
}
