//! Logging calls under way, and each thread's copy of the routing it uses.
//!
//! A logger's routing ([`Dispatch`]) is replaced whole by a configuration
//! change, which then waits for the calls that began under the old one, so
//! that a handler taken off can be closed without losing their records.
//! Loading the routing with arc-swap made that possible at two locked
//! instructions a call (taking a debt slot and paying it back), and a
//! locked instruction waits for the record's stores into the queue to
//! drain: with the same load taken out of the C benchmark's loop, a
//! million records took 149 ms instead of 183 (docs/benchmarks.md).
//!
//! Instead each thread keeps the snapshots it used, tagged with the epoch
//! they are current for, and for the length of a call a mark with the
//! epoch the call began in. A change publishes, bumps the epoch and waits
//! until no thread's mark is older. Either the change sees a call's mark,
//! and waits for it, or the call sees the new epoch, and loads the new
//! snapshot: the mark must be visible before the call reads the epoch.
//! That takes a full barrier between the two, which the call need not pay
//! itself: the change asks the kernel to run one on every thread of the
//! process (`membarrier`, private expedited; a change is rare), so a call
//! stores its mark with a plain store. Where `membarrier` is missing
//! (an old kernel, valgrind, a seccomp filter), a call marks itself with
//! one locked instruction instead.
//!
//! Another thread's copies stay until its next call after a change, or
//! its end: they keep the handlers of replaced snapshots alive, never in
//! use (a handler taken off a logger and dropped without being closed
//! closes then, or at shutdown; its records are written meanwhile). The
//! thread that made the change lets its own go at once.

use std::cell::{Cell, RefCell};
use std::ops::Deref;
use std::rc::Rc;
use std::sync::atomic::{compiler_fence, AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Once, PoisonError};
use std::time::{Duration, Instant};

use rustix::thread::{membarrier, MembarrierCommand};

use crate::logger::{Dispatch, FemtoLogger};

/// Bumped after every configuration change has published.
static EPOCH: AtomicU64 = AtomicU64::new(1);

/// Every live thread's mark: 0 between calls, else the epoch its current
/// outermost call began in.
static MARKS: Mutex<Vec<Arc<AtomicU64>>> = Mutex::new(Vec::new());

/// Calls made by a thread whose thread-locals are already gone (it is
/// ending): counted together, and waited for together.
static UNMARKED: AtomicUsize = AtomicUsize::new(0);

/// Whether calls may mark themselves with a plain store: set once the
/// process is registered for private expedited `membarrier`, before which
/// every call uses a locked instruction.
static ASYMMETRIC: AtomicBool = AtomicBool::new(false);

/// Registers the process for private expedited `membarrier` (once; again
/// in a forked child) and says whether calls may use plain stores.
fn asymmetric_barriers() -> bool {
    static REGISTERED: Once = Once::new();
    REGISTERED.call_once(register);
    ASYMMETRIC.load(Ordering::SeqCst)
}

fn register() {
    let registered = membarrier(MembarrierCommand::RegisterPrivateExpedited).is_ok();
    ASYMMETRIC.store(registered, Ordering::SeqCst);
}

/// The most loggers' snapshots a thread keeps; one more evicts the oldest.
const KEPT: usize = 16;

fn marks() -> MutexGuard<'static, Vec<Arc<AtomicU64>>> {
    MARKS.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A thread's mark and how deep in logging calls it is (a filter or a
/// formatter may log from inside a call).
struct ThreadMark {
    mark: Arc<AtomicU64>,
    depth: Cell<u32>,
}

impl ThreadMark {
    /// Enters a call: marks the thread with the epoch (the outermost call
    /// only; an inner one is covered by it) and returns the epoch now.
    #[inline]
    fn enter(&self) -> u64 {
        let depth = self.depth.get();
        self.depth.set(depth.saturating_add(1));
        if depth == 0 {
            let epoch = EPOCH.load(Ordering::Relaxed);
            if ASYMMETRIC.load(Ordering::Relaxed) {
                // Ordered before the epoch's load by the barrier a change
                // runs on this thread (see the module comment).
                self.mark.store(epoch, Ordering::Relaxed);
                compiler_fence(Ordering::SeqCst);
            } else {
                self.mark.swap(epoch, Ordering::SeqCst);
            }
        }
        EPOCH.load(Ordering::SeqCst)
    }

    #[inline]
    fn leave(&self) {
        let depth = self.depth.get().saturating_sub(1);
        self.depth.set(depth);
        if depth == 0 {
            self.mark.store(0, Ordering::Release);
        }
    }
}

/// A snapshot a thread keeps, shared with its calls through an `Rc`: a
/// call takes it with a plain increment, where cloning the `Arc` is a
/// locked one.
struct Kept(Arc<Dispatch>);

/// One thread's mark and kept snapshots, by logger id.
struct ThreadCalls {
    thread: Rc<ThreadMark>,
    epoch: Cell<u64>,
    kept: RefCell<Vec<(u64, Rc<Kept>)>>,
}

impl ThreadCalls {
    fn new() -> Self {
        let mark = Arc::new(AtomicU64::new(0));
        marks().push(Arc::clone(&mark));
        ThreadCalls {
            thread: Rc::new(ThreadMark {
                mark,
                depth: Cell::new(0),
            }),
            epoch: Cell::new(0),
            kept: RefCell::new(Vec::new()),
        }
    }

    /// `logger`'s snapshot as of `epoch`: the kept one, or loaded and kept.
    fn snapshot(&self, logger: &FemtoLogger, epoch: u64) -> Rc<Kept> {
        if self.epoch.get() != epoch {
            // Released after the borrow ends: dropping a snapshot may drop
            // a handler, whose closing may log.
            let stale = std::mem::take(&mut *self.kept.borrow_mut());
            self.epoch.set(epoch);
            drop(stale);
        }
        let id = logger.id();
        let found = self
            .kept
            .borrow()
            .iter()
            .find(|(kept_id, _)| *kept_id == id)
            .map(|(_, snapshot)| Rc::clone(snapshot));
        if let Some(snapshot) = found {
            return snapshot;
        }
        let fresh = Rc::new(Kept(logger.current_dispatch()));
        let evicted = {
            let mut kept = self.kept.borrow_mut();
            let evicted = (kept.len() >= KEPT).then(|| kept.remove(0));
            kept.push((id, Rc::clone(&fresh)));
            evicted
        };
        drop(evicted);
        fresh
    }
}

impl Drop for ThreadCalls {
    fn drop(&mut self) {
        let mark = &self.thread.mark;
        marks().retain(|other| !Arc::ptr_eq(other, mark));
    }
}

thread_local! {
    static CALLS: ThreadCalls = ThreadCalls::new();
}

/// Whose call a [`Held`] routing belongs to.
enum Call {
    Marked(Rc<ThreadMark>),
    /// Counted in [`UNMARKED`].
    Unmarked,
}

/// A logger's routing, held for one call: the call counts as under way
/// (see the module comment) until this is dropped. Stays on its thread.
pub(crate) struct Held {
    dispatch: Rc<Kept>,
    call: Call,
}

impl Deref for Held {
    type Target = Dispatch;

    fn deref(&self) -> &Dispatch {
        &self.dispatch.0
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        match &self.call {
            Call::Marked(thread) => thread.leave(),
            Call::Unmarked => {
                UNMARKED.fetch_sub(1, Ordering::Release);
            }
        }
    }
}

/// `logger`'s routing for a call starting now.
#[inline]
pub(crate) fn hold(logger: &FemtoLogger) -> Held {
    CALLS
        .try_with(|calls| {
            let epoch = calls.thread.enter();
            Held {
                dispatch: calls.snapshot(logger, epoch),
                call: Call::Marked(Rc::clone(&calls.thread)),
            }
        })
        .unwrap_or_else(|_| {
            UNMARKED.fetch_add(1, Ordering::SeqCst);
            Held {
                dispatch: Rc::new(Kept(logger.current_dispatch())),
                call: Call::Unmarked,
            }
        })
}

/// After a configuration change has published its snapshots: waits, up
/// to `limit`, until no logging call that began before is under way.
/// Returns how many still were.
pub(crate) fn wait_for_calls_before_now(limit: Duration) -> usize {
    let asymmetric = asymmetric_barriers();
    let epoch = EPOCH.fetch_add(1, Ordering::SeqCst) + 1;
    let still = if asymmetric && membarrier(MembarrierCommand::PrivateExpedited).is_err() {
        // Not expected once registered. Calls that marked themselves with
        // a plain store may not be seen: wait for every marked call.
        ASYMMETRIC.store(false, Ordering::SeqCst);
        wait_until_no_call(|_| true, limit)
    } else {
        wait_until_no_call(|began| began < epoch, limit)
    };
    // Dropped after the borrow ends (see `ThreadCalls::snapshot`).
    let own = CALLS
        .try_with(|calls| std::mem::take(&mut *calls.kept.borrow_mut()))
        .unwrap_or_default();
    drop(own);
    still
}

/// Waits, up to `limit`, until no thread is in a call whose starting epoch
/// `counts`; returns how many still were.
fn wait_until_no_call(counts: impl Fn(u64) -> bool, limit: Duration) -> usize {
    let marks = marks().clone();
    let under_way = || {
        let marked = marks
            .iter()
            .filter(|mark| {
                let began = mark.load(Ordering::SeqCst);
                began != 0 && counts(began)
            })
            .count();
        marked + UNMARKED.load(Ordering::SeqCst)
    };
    let deadline = Instant::now() + limit;
    let mut pause = Duration::from_micros(10);
    loop {
        let still = under_way();
        if still == 0 || Instant::now() >= deadline {
            return still;
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(1));
    }
}

/// Held across `fork` (see [`crate::fork`]): no thread is registering.
pub(crate) struct ForkGuard(MutexGuard<'static, Vec<Arc<AtomicU64>>>);

pub(crate) fn lock_for_fork() -> ForkGuard {
    // Registered first: the child finds its own mark without registering
    // (which would take the lock held here).
    let _ = CALLS.try_with(|_| ());
    ForkGuard(marks())
}

/// In the child: the other threads do not exist there, nor their calls.
pub(crate) fn reset_in_child(mut guard: ForkGuard) {
    let own = CALLS.try_with(|calls| Arc::clone(&calls.thread.mark)).ok();
    guard
        .0
        .retain(|mark| own.as_ref().is_some_and(|own| Arc::ptr_eq(own, mark)));
    UNMARKED.store(0, Ordering::SeqCst);
    drop(guard);
    // The child is a new process for `membarrier`: registered again.
    register();
}
