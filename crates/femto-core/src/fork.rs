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
use std::sync::MutexGuard;

use crate::handler::live::{self, Live};
use crate::manager::{Manager, State};

struct ForkGuards {
    // Field order is release order: the reverse of the order taken.
    _level_names: Option<crate::level::ForkGuard>,
    _interned: crate::intern::ForkGuard,
    live: MutexGuard<'static, Live>,
    _registry: Option<MutexGuard<'static, State>>,
}

thread_local! {
    static HELD: RefCell<Option<ForkGuards>> = const { RefCell::new(None) };
}

/// Before `fork`: take every engine lock a logging call can need, in the
/// order the rest of the engine takes them (registry, handlers, interned
/// strings, level names).
pub fn prepare() {
    let registry = Manager::lock_global_for_fork();
    let live = live::lock_for_fork();
    let interned = crate::intern::lock_for_fork();
    let level_names = crate::level::lock_for_fork();
    let _ = HELD.try_with(|held| {
        *held.borrow_mut() = Some(ForkGuards {
            _level_names: level_names,
            _interned: interned,
            live,
            _registry: registry,
        })
    });
}

/// After `fork`, in the parent: release the locks.
pub fn after_fork_parent() {
    let _ = HELD.try_with(|held| held.borrow_mut().take());
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
        drop(guards);
        drop(restarted);
    }
}
