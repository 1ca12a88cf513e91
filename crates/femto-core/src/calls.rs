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
//! (an old kernel, valgrind, a seccomp filter) or refused
//! (`FEMTOLOGGING_NO_MEMBARRIER`), a call marks itself with one locked
//! instruction instead.
//!
//! A snapshot comes with the thread's copy of each handler's queue, for
//! the same reason: loading the queue with arc-swap cost two more locked
//! instructions a call. So a copy may hold a closed handler's queue
//! connected, and a worker cannot learn from the disconnection that no
//! record will come. Instead a thread says which handler's queue it is
//! sending to (a [`Window`], from before it checks that the queue is open
//! until the record is in or given up), and a closing handler marks its
//! queue closed and hands its worker a [`Retirement`]: the worker ends
//! once, after a barrier, no thread sends to the queue and the queue is
//! empty. Either the barrier comes after a sender opened its window, and
//! the worker sees the window, or before, and the sender sees the queue
//! closed: the marks' protocol again, so a window costs plain stores. A
//! close waits only for sends to its own queue, never for calls that are
//! elsewhere (in a filter, or waiting for room in another queue).
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

use crate::handler::{enabled_in, KeptQueue};
use crate::logger::{Dispatch, FemtoLogger};

/// Bumped after every configuration change has published, and by every
/// handler that closes.
static EPOCH: AtomicU64 = AtomicU64::new(1);

/// Every live thread's state.
static MARKS: Mutex<Vec<Arc<ThreadState>>> = Mutex::new(Vec::new());

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

/// Set to `1` (or `true`, `on`, `yes`) to keep the engine from using
/// `membarrier`. Calls then open their windows with a locked instruction,
/// and closing a handler or changing the configuration sends no
/// interrupt to the CPUs running the process's other threads (for cores
/// kept free of them). Read at the first close or configuration change,
/// and again in a forked child.
const NO_MEMBARRIER_ENV: &str = "FEMTOLOGGING_NO_MEMBARRIER";

/// Whether logging calls rely on `membarrier` (false where it is missing
/// or refused by `FEMTOLOGGING_NO_MEMBARRIER`, and a call pays one locked
/// instruction instead). Registers the process on first use.
pub fn uses_membarrier() -> bool {
    asymmetric_barriers()
}

fn register() {
    let refused = enabled_in(std::env::var(NO_MEMBARRIER_ENV).ok().as_deref());
    let registered = !refused && membarrier(MembarrierCommand::RegisterPrivateExpedited).is_ok();
    ASYMMETRIC.store(registered, Ordering::SeqCst);
}

/// Runs a barrier on every thread of the process, so that what each has
/// stored is seen by the caller's next loads, and what the caller stored
/// by theirs. `false` if it could not (calls then mark themselves with
/// locked instructions from now on).
fn barrier_on_every_thread() -> bool {
    if asymmetric_barriers() && membarrier(MembarrierCommand::PrivateExpedited).is_err() {
        // Not expected once registered.
        ASYMMETRIC.store(false, Ordering::SeqCst);
        return false;
    }
    true
}

/// The most loggers' snapshots a thread keeps; one more evicts the oldest.
const KEPT: usize = 16;

fn marks() -> MutexGuard<'static, Vec<Arc<ThreadState>>> {
    MARKS.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What other threads read of one thread's calls.
#[derive(Default)]
struct ThreadState {
    /// 0 between calls, else the epoch its current outermost call began
    /// in.
    began: AtomicU64,
    /// The handler whose queue the thread is sending to (see [`Window`]),
    /// else 0.
    sending_to: AtomicU64,
}

/// Stores `value` into this thread's `mark` before the thread's next
/// loads, as seen by a thread that looks after a barrier (see the module
/// comment): with a plain store where the other side runs the barrier,
/// else with a locked instruction.
#[inline]
fn publish(mark: &AtomicU64, value: u64) {
    if ASYMMETRIC.load(Ordering::Relaxed) {
        mark.store(value, Ordering::Release);
        compiler_fence(Ordering::SeqCst);
    } else {
        mark.swap(value, Ordering::SeqCst);
    }
}

/// A thread's state and how deep in logging calls it is (a filter or a
/// formatter may log from inside a call).
struct ThreadMark {
    state: Arc<ThreadState>,
    depth: Cell<u32>,
    /// Windows opened so far (see [`Window::reopened`]).
    windows: Cell<u64>,
}

impl ThreadMark {
    /// Enters a call: marks the thread with the epoch (the outermost call
    /// only; an inner one is covered by it) and returns the epoch now.
    #[inline]
    fn enter(&self) -> u64 {
        let depth = self.depth.get();
        self.depth.set(depth.saturating_add(1));
        if depth == 0 {
            publish(&self.state.began, EPOCH.load(Ordering::Relaxed));
        }
        EPOCH.load(Ordering::SeqCst)
    }

    #[inline]
    fn leave(&self) {
        let depth = self.depth.get().saturating_sub(1);
        self.depth.set(depth);
        if depth == 0 {
            self.state.began.store(0, Ordering::Release);
        }
    }
}

/// A snapshot a thread keeps, shared with its calls through an `Rc`: a
/// call takes it with a plain increment, where cloning the `Arc` is a
/// locked one. The queues first: dropped before the handlers they belong
/// to, so that a handler dropped with its snapshot finds its queue no
/// longer held.
struct Kept {
    queues: Vec<KeptQueue>,
    dispatch: Arc<Dispatch>,
}

impl Kept {
    fn of(dispatch: Arc<Dispatch>) -> Self {
        Kept {
            queues: dispatch.handlers.iter().map(|h| h.kept_queue()).collect(),
            dispatch,
        }
    }
}

/// One thread's state and kept snapshots, by logger id.
struct ThreadCalls {
    thread: Rc<ThreadMark>,
    epoch: Cell<u64>,
    kept: RefCell<Vec<(u64, Rc<Kept>)>>,
}

impl ThreadCalls {
    fn new() -> Self {
        let state = Arc::new(ThreadState::default());
        marks().push(Arc::clone(&state));
        ThreadCalls {
            thread: Rc::new(ThreadMark {
                state,
                depth: Cell::new(0),
                windows: Cell::new(0),
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
        let fresh = Rc::new(Kept::of(logger.current_dispatch()));
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
        let state = &self.thread.state;
        marks().retain(|other| !Arc::ptr_eq(other, state));
    }
}

thread_local! {
    static CALLS: ThreadCalls = ThreadCalls::new();
}

/// A logging call under way (see the module comment) until dropped: the
/// thread's mark, or (its thread-locals gone) counted in [`UNMARKED`].
/// Stays on its thread.
struct Call(Option<Rc<ThreadMark>>);

impl Drop for Call {
    fn drop(&mut self) {
        match &self.0 {
            Some(thread) => thread.leave(),
            None => {
                UNMARKED.fetch_sub(1, Ordering::Release);
            }
        }
    }
}

/// Counts a call whose thread can no longer mark it.
fn unmarked() -> Call {
    UNMARKED.fetch_add(1, Ordering::SeqCst);
    Call(None)
}

/// A logger's routing and this thread's copies of its handlers' queues,
/// held for one call: the call counts as under way (see the module
/// comment) until this is dropped.
pub(crate) struct Held {
    dispatch: Rc<Kept>,
    call: Call,
}

impl Held {
    /// The queues of [`Dispatch::handlers`], in the same order.
    pub(crate) fn queues(&self) -> &[KeptQueue] {
        &self.dispatch.queues
    }

    /// As [`window`], for this call's thread.
    #[inline]
    pub(crate) fn window(&self, handler: u64) -> Window {
        Window::open(self.call.0.clone(), handler)
    }
}

impl Deref for Held {
    type Target = Dispatch;

    fn deref(&self) -> &Dispatch {
        &self.dispatch.dispatch
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
                call: Call(Some(Rc::clone(&calls.thread))),
            }
        })
        .unwrap_or_else(|_| {
            let call = unmarked();
            Held {
                dispatch: Rc::new(Kept::of(logger.current_dispatch())),
                call,
            }
        })
}

/// Windows opened by threads whose thread-locals are gone (see
/// [`UNMARKED`]): every closing handler waits for them.
static UNMARKED_WINDOWS: AtomicUsize = AtomicUsize::new(0);

/// Says, until dropped, that this thread is sending to the queue of the
/// handler `handler` identifies: from before it checks that the queue is
/// open until its message is in (or given up). See [`Retirement`].
pub(crate) struct Window {
    thread: Option<Rc<ThreadMark>>,
    /// The window this one opened inside (a host's signal handler that
    /// logs while a send waits for room), restored after.
    outer: u64,
    /// [`ThreadMark::windows`] when this one last looked.
    seen: u64,
}

/// Opens a [`Window`] on this thread (a send outside a logging call: a
/// record handed straight to a handler, a flush's request).
#[inline]
pub(crate) fn window(handler: u64) -> Window {
    Window::open(
        CALLS.try_with(|calls| Rc::clone(&calls.thread)).ok(),
        handler,
    )
}

impl Window {
    #[inline]
    fn open(thread: Option<Rc<ThreadMark>>, handler: u64) -> Window {
        let Some(mark) = &thread else {
            UNMARKED_WINDOWS.fetch_add(1, Ordering::SeqCst);
            return Window {
                thread,
                outer: 0,
                seen: 0,
            };
        };
        let seen = mark.windows.get().wrapping_add(1);
        mark.windows.set(seen);
        let outer = mark.state.sending_to.load(Ordering::Relaxed);
        // Seen by a closing handler's worker before this thread reads
        // whether the queue is open.
        publish(&mark.state.sending_to, handler);
        Window {
            thread,
            outer,
            seen,
        }
    }

    /// Whether another window opened on this thread since this one last
    /// asked (a send that waited ran a host's signal handler, which
    /// logged): meanwhile this thread did not say it was sending here, so
    /// the caller must check again that the queue is open.
    pub(crate) fn reopened(&mut self) -> bool {
        let Some(mark) = &self.thread else {
            return false;
        };
        let now = mark.windows.get();
        let reopened = now != self.seen;
        self.seen = now;
        reopened
    }
}

impl Drop for Window {
    #[inline]
    fn drop(&mut self) {
        match &self.thread {
            // Ordered after the send (which the worker must then see).
            Some(mark) if self.outer == 0 => mark.state.sending_to.store(0, Ordering::Release),
            Some(mark) => publish(&mark.state.sending_to, self.outer),
            None => {
                UNMARKED_WINDOWS.fetch_sub(1, Ordering::Release);
            }
        }
    }
}

/// A handler's queue, marked closed: no thread that finds it so sends to
/// it, but a thread may have checked before.
pub(crate) struct Retirement {
    handler: u64,
    /// Whether every thread has run a barrier since (see
    /// [`barrier_on_every_thread`]).
    fenced: bool,
    done: bool,
}

/// Takes the queue of the handler `handler` identifies out of use: call
/// after marking it closed. Cheap; the waiting is the worker's (see
/// [`Retirement::calls_done`]). Threads let their copies of it go at
/// their next call (a new epoch).
pub(crate) fn retire(handler: u64) -> Retirement {
    EPOCH.fetch_add(1, Ordering::SeqCst);
    Retirement {
        handler,
        fenced: false,
        done: false,
    }
}

impl Retirement {
    /// Whether no thread may still send to the retired queue. Does not
    /// wait; once true, stays true.
    pub(crate) fn calls_done(&mut self) -> bool {
        if self.done {
            return true;
        }
        if !self.fenced {
            // Without the barrier (where `membarrier` fails), windows
            // open with locked instructions: nothing to make up for.
            barrier_on_every_thread();
            self.fenced = true;
        }
        let handler = self.handler;
        let sending = marks()
            .iter()
            .any(|state| state.sending_to.load(Ordering::SeqCst) == handler);
        self.done = !sending && UNMARKED_WINDOWS.load(Ordering::SeqCst) == 0;
        self.done
    }
}

/// After a configuration change has published its snapshots: waits, up
/// to `limit`, until no logging call that began before is under way.
/// Returns how many still were.
pub(crate) fn wait_for_calls_before_now(limit: Duration) -> usize {
    let epoch = EPOCH.fetch_add(1, Ordering::SeqCst) + 1;
    let still = if barrier_on_every_thread() {
        wait_until_no_call(|began| began < epoch, limit)
    } else {
        // Calls that marked themselves with a plain store may not be seen:
        // wait for every marked call.
        wait_until_no_call(|_| true, limit)
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
            .filter(|state| {
                let began = state.began.load(Ordering::SeqCst);
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
pub(crate) struct ForkGuard(MutexGuard<'static, Vec<Arc<ThreadState>>>);

pub(crate) fn lock_for_fork() -> ForkGuard {
    // Registered first: the child finds its own state without registering
    // (which would take the lock held here).
    let _ = CALLS.try_with(|_| ());
    ForkGuard(marks())
}

/// In the child: the other threads do not exist there, nor their calls;
/// and this thread's copies hold the parent's queues (the handlers get
/// new ones): a new epoch makes its next call load them again.
pub(crate) fn reset_in_child(mut guard: ForkGuard) {
    let own = CALLS.try_with(|calls| Arc::clone(&calls.thread.state)).ok();
    guard
        .0
        .retain(|state| own.as_ref().is_some_and(|own| Arc::ptr_eq(own, state)));
    UNMARKED.store(0, Ordering::SeqCst);
    UNMARKED_WINDOWS.store(0, Ordering::SeqCst);
    EPOCH.fetch_add(1, Ordering::SeqCst);
    drop(guard);
    // The child is a new process for `membarrier`: registered again.
    register();
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::thread;

    use rstest::rstest;

    use super::*;

    /// Stand-ins for handlers: real ones are identified by their address,
    /// never this small.
    const CLOSING: u64 = 7;
    const OTHER: u64 = 8;

    /// Whether `retirement` is done within a second (another test's
    /// ending thread may hold an unmarked window for a moment).
    fn done_soon(retirement: &mut Retirement) -> bool {
        let deadline = Instant::now() + Duration::from_secs(1);
        while !retirement.calls_done() {
            if Instant::now() >= deadline {
                return false;
            }
            thread::sleep(Duration::from_millis(1));
        }
        true
    }

    #[rstest]
    fn a_retirement_waits_for_a_window_on_its_queue_and_no_other() {
        let (opened, window_open) = mpsc::channel();
        let (close, closing) = mpsc::channel::<()>();
        let sender = thread::spawn(move || {
            let window = window(CLOSING);
            opened.send(()).unwrap();
            closing.recv().unwrap();
            drop(window);
        });
        window_open.recv().unwrap();
        let mut retirement = retire(CLOSING);
        assert!(!retirement.calls_done(), "a window on the queue is open");
        assert!(!retirement.calls_done());
        assert!(done_soon(&mut retire(OTHER)), "not a window on that queue");
        close.send(()).unwrap();
        sender.join().unwrap();
        assert!(done_soon(&mut retirement));
    }

    #[rstest]
    fn a_window_opened_inside_another_is_noticed_and_the_outer_one_restored() {
        let mut outer = window(CLOSING);
        assert!(!outer.reopened());
        let inner = window(OTHER);
        assert!(!retire(OTHER).calls_done(), "the inner window is open");
        drop(inner);
        assert!(outer.reopened(), "another window opened meanwhile");
        assert!(!outer.reopened(), "noticed once");
        assert!(done_soon(&mut retire(OTHER)));
        assert!(
            !retire(CLOSING).calls_done(),
            "the outer window is open again"
        );
        drop(outer);
        assert!(done_soon(&mut retire(CLOSING)));
    }
}
