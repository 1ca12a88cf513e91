//! The process-wide list of handlers, for `shutdown`, `flush_all` and the
//! fork hooks. One lock guards every handler's start and close, so that a
//! `fork` never sees a handler half started or half closed.

use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};

use super::worker::WorkerHandle;
use super::{FemtoHandler, HandlerBuildError};
use crate::sync::lock;

#[derive(Default)]
pub(crate) struct Live {
    handlers: Vec<Weak<FemtoHandler>>,
    /// Workers of dropped or timed-out handlers, still draining.
    orphans: Vec<WorkerHandle>,
}

static LIVE: Mutex<Live> = Mutex::new(Live {
    handlers: Vec::new(),
    orphans: Vec::new(),
});

/// Starts `handler` and records it, under the lock.
pub(crate) fn register(
    handler: &Arc<FemtoHandler>,
    start: impl FnOnce(&FemtoHandler) -> Result<(), HandlerBuildError>,
) -> Result<(), HandlerBuildError> {
    crate::exit::drain_at_process_exit();
    let mut live = lock(&LIVE);
    start(handler)?;
    live.handlers.retain(|h| h.strong_count() > 0);
    live.handlers.push(Arc::downgrade(handler));
    Ok(())
}

/// Runs `f` with the lock held. `f` must not drop a handler.
pub(crate) fn with_lock<R>(f: impl FnOnce() -> R) -> R {
    let _live = lock(&LIVE);
    f()
}

/// Keeps a worker that is still draining, so `shutdown` can wait for it.
pub(crate) fn adopt_orphan(worker: WorkerHandle) {
    lock(&LIVE).orphans.push(worker);
}

fn live_handlers(live: &Live) -> Vec<Arc<FemtoHandler>> {
    live.handlers.iter().filter_map(Weak::upgrade).collect()
}

/// Flushes every open handler. Returns `false` if any timed out.
pub fn flush_all(timeout: Duration) -> bool {
    let deadline = crate::sync::deadline_after(timeout);
    let handlers = live_handlers(&lock(&LIVE));
    // Flush every handler even after one timed out.
    let mut all_flushed = true;
    for handler in &handlers {
        all_flushed &= handler.flush(deadline.saturating_duration_since(Instant::now()));
    }
    all_flushed
}

/// Closes every handler: stops accepting records, drains every queue into
/// its sink and joins every worker (in parallel), within `timeout`.
/// Returns `false` if some worker had not finished by then. Records logged
/// afterwards are counted as dropped.
pub fn shutdown(timeout: Duration) -> bool {
    let deadline = crate::sync::deadline_after(timeout);
    let (handlers, mut workers) = {
        let mut live = lock(&LIVE);
        let handlers = live_handlers(&live);
        let mut workers: Vec<WorkerHandle> = live.orphans.drain(..).collect();
        workers.extend(handlers.iter().filter_map(|h| h.begin_close()));
        (handlers, workers)
    };
    drop(handlers);
    let mut all_finished = true;
    let mut unfinished = Vec::new();
    for mut worker in workers.drain(..) {
        if !worker.wait(deadline) {
            all_finished = false;
            unfinished.push(worker);
        }
    }
    if crate::exit::exiting() && !unfinished.is_empty() {
        let names: Vec<String> = unfinished
            .iter()
            .map(|w| format!("{:?}", w.name()))
            .collect();
        crate::exit::count_abandoned(unfinished.iter().map(WorkerHandle::left_behind).sum());
        crate::exit::report_abandoned(&names);
    }
    lock(&LIVE).orphans.extend(unfinished);
    all_finished
}

/// The drain at process exit: begins exit (see [`crate::exit`]), then
/// closes every handler, waiting as long as records are being written and
/// giving up after the exit limit without progress. Returns whether every
/// handler finished.
pub fn drain_at_exit() -> bool {
    crate::exit::begin_exit();
    let finished = shutdown(Duration::MAX);
    crate::exit::report_after_close();
    finished
}

/// Taken by the `fork` prepare hook and held across `fork`.
pub(crate) fn lock_for_fork() -> MutexGuard<'static, Live> {
    lock(&LIVE)
}

/// In a forked child: forget the parent's workers and queues, and give
/// every open handler a fresh queue, sink and worker thread.
pub(crate) fn restart_in_child(live: &mut Live) -> Vec<Arc<FemtoHandler>> {
    for orphan in live.orphans.drain(..) {
        orphan.abandon();
    }
    let handlers = live_handlers(live);
    for handler in handlers.iter().filter(|h| h.is_open()) {
        if let Err(e) = handler.start(true) {
            handler.abandon_after_fork();
            crate::error_hook::report(&crate::error_hook::HandlerError {
                handler: handler.name(),
                kind: crate::error_hook::HandlerErrorKind::Io,
                message: &format!("cannot restart after fork: {e}"),
            });
        }
    }
    handlers
}
