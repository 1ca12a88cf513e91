//! Handlers: each owns a bounded queue and a consumer thread. The caller's
//! thread checks the level and filters, then enqueues the record (by value
//! when it is a common one, see the `compact` module; else shared); the
//! worker formats and writes (see the `worker` module).

// A queue message carries a common record by value (see `compact`), so a
// send that fails gives back a large message: that is the point, not a
// mistake to box away.
#![allow(clippy::result_large_err)]

mod compact;
mod http;
pub(crate) mod live;
mod network;
mod options;
mod room;
mod rotating;
mod sink;
mod socket;
mod syslog;
mod timed;
mod watched;
mod worker;
mod write_through;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use arc_swap::{ArcSwap, ArcSwapOption};
use crossbeam_channel::{Sender, TrySendError};

pub(crate) use compact::CompactRecord;
pub use http::{
    HttpAuth, HttpHandlerBuilder, HttpMethod, HttpPayload, HttpSetupError, DEFAULT_BATCH_AGE,
    DEFAULT_BATCH_BYTES, DEFAULT_BATCH_RECORDS, DEFAULT_HTTP_CONNECT_TIMEOUT,
    DEFAULT_HTTP_MAX_BUFFERED, DEFAULT_HTTP_TIMEOUT,
};
pub use options::{
    HandlerBuildError, HandlerOptions, OverflowPolicy, DEFAULT_CAPACITY, MAX_CAPACITY,
};
pub use rotating::{RotatingFileSinkFactory, Rotation};
pub use sink::{
    FdSink, FileMode, FileSinkFactory, Sink, SinkFactory, StreamSinkFactory, StreamTarget,
};
pub use socket::{
    SocketHandlerBuilder, SocketSetupError, WireFormat, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_BUFFERED, DEFAULT_WRITE_TIMEOUT,
};
pub use syslog::SyslogHandlerBuilder;
pub use timed::{
    Clock, SystemClock, TimedRotatingFileSinkFactory, TimedRotation, TimedRotationError, When,
    WhenError,
};
pub use worker::{set_worker_start_hook, WorkerStartHook};
use worker::{Message, WorkerHandle};
pub(crate) use write_through::enabled_in;
pub use write_through::{set_write_through, write_through, WRITE_THROUGH_ENV};

use crate::calls::{Held, Window};
use crate::error_hook::{self, HandlerError, HandlerErrorKind};
use crate::filter::FemtoFilter;
use crate::formatter::FemtoFormatter;
use crate::level::FemtoLevel;
use crate::record::FemtoLogRecord;
use crate::sync::lock;

/// Counters of one handler, read with [`FemtoHandler::stats`].
#[derive(Debug, Default)]
pub(crate) struct Counters {
    written: AtomicU64,
    dropped: AtomicU64,
    errors: AtomicU64,
    drops_reported: AtomicU64,
}

/// A snapshot of a handler's counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HandlerStats {
    /// Records the sink accepted.
    pub written: u64,
    /// Records lost to a full queue (`drop`/`timeout`) or a closed handler.
    pub dropped: u64,
    /// Failures inside the handler (I/O errors, caught panics, callback errors).
    pub errors: u64,
}

/// What happened to one record at one handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enqueued {
    /// The handler's queue took the record.
    Queued,
    /// Below the handler's level or rejected by one of its filters.
    Filtered,
    /// Queue full (under `drop` or `timeout`), or the handler is closed.
    Dropped,
}

/// What the worker shares with the handler.
pub(crate) struct HandlerCore {
    name: String,
    formatter: ArcSwap<Arc<dyn FemtoFormatter>>,
    stats: Counters,
    /// Producers waiting for room in a full queue.
    room: room::RoomWaiters,
    /// See [`HandlerOptions::flush_delay`].
    flush_delay: std::time::Duration,
    /// The records the queue holds at most (see [`Pipe::try_send`]).
    capacity: usize,
    /// Set when someone waits for the worker (a flush, a close): it stops
    /// letting records gather (see `worker::Worker::gather`).
    urgent: AtomicBool,
    /// Set when the handler closes: the worker ends once the queue is
    /// empty and no call that may still send to it is under way (a
    /// thread's copy of the queue keeps it connected; see `calls`).
    retirement: Mutex<Option<crate::calls::Retirement>>,
}

impl HandlerCore {
    /// Tells this handler from the others while it lives (see
    /// [`crate::calls::Window`]).
    fn id(&self) -> u64 {
        std::ptr::from_ref(self) as usize as u64
    }
}

/// Queues up to this many records are crossbeam's array channel, whose
/// slots are allocated when the handler starts (fastest); larger ones its
/// list channel, which grows as records arrive and is held to the
/// capacity by [`Pipe::try_send`], so a huge capacity costs memory only
/// when it is used.
const ALLOCATED_UP_FRONT: usize = 1 << 14;

/// The producer side of a running handler; replaced wholesale after `fork`.
struct Pipe {
    queue: Sender<Message>,
    /// The records the queue holds at most.
    capacity: usize,
    /// The worker, unparked for flush and close (see `worker::next_message`).
    worker: Option<std::thread::Thread>,
    /// Where the worker learns that someone waits for it.
    core: Arc<HandlerCore>,
    /// Set when the handler closes: a thread's copy of the queue (see
    /// [`KeptQueue`]) may still be at hand, and must not be sent to.
    retired: AtomicBool,
}

/// A thread's copy of a handler's queue, kept with its copy of a logger's
/// routing (see `calls`): a call sends through it without loading the
/// queue (which costs two locked instructions). Used only inside a call.
pub(crate) struct KeptQueue(Option<Arc<Pipe>>);

/// The factory of a null handler: never opened.
struct NullFactory;

impl SinkFactory for NullFactory {
    fn open(&self, _reopen: bool) -> std::io::Result<Box<dyn Sink>> {
        Err(std::io::Error::other("a null handler has no sink"))
    }

    fn describe(&self) -> String {
        "null".into()
    }
}

impl Pipe {
    /// Queues `message` if the queue holds fewer than `capacity` records.
    #[inline(always)]
    fn try_send(&self, message: Message) -> Result<(), TrySendError<Message>> {
        self.try_send_made(|| message)
    }

    /// As [`Pipe::try_send`] for the message `make` builds, built where the
    /// channel's call takes it: a compact message is a few hundred bytes,
    /// and building it first and then moving it copied them twice more a
    /// record (callgrind).
    #[inline(always)]
    fn try_send_made(&self, make: impl FnOnce() -> Message) -> Result<(), TrySendError<Message>> {
        if self.queue.capacity().is_none() && self.queue.len() >= self.capacity {
            return Err(TrySendError::Full(make()));
        }
        self.queue.try_send(make())
    }

    /// Whether the queue still takes records (a kept copy may be of a
    /// handler closed since: see [`KeptQueue`]).
    #[inline(always)]
    fn open(&self) -> bool {
        !self.retired.load(Ordering::SeqCst)
    }

    fn unpark_worker(&self) {
        self.core.urgent.store(true, Ordering::Release);
        if let Some(worker) = &self.worker {
            worker.unpark();
        }
    }
}

impl Drop for Pipe {
    /// The last producer is gone: disconnect the queue, then wake the
    /// worker, so that it drains and ends now. A worker parked until a
    /// flush falls due (`HandlerOptions::flush_delay`) would otherwise
    /// sleep through the disconnect, and a close or the exit drain would
    /// wait for the delay.
    fn drop(&mut self) {
        let (disconnected, _) = crossbeam_channel::bounded(0);
        drop(std::mem::replace(&mut self.queue, disconnected));
        self.unpark_worker();
    }
}

/// A handler. Share it with `Arc`; any number of loggers and threads may
/// use it at once. All methods are thread-safe.
pub struct FemtoHandler {
    core: Arc<HandlerCore>,
    level: AtomicU32,
    overflow: OverflowPolicy,
    capacity: usize,
    filters: ArcSwap<Vec<Arc<dyn FemtoFilter>>>,
    /// Lets the hot path skip loading `filters` when there are none.
    has_filters: AtomicBool,
    /// Whether the formatter, a filter or the sink reads the call's
    /// location (see [`FemtoHandler::needs_location`]).
    needs_location: AtomicBool,
    pipe: ArcSwapOption<Pipe>,
    /// A null handler: accepts and discards every record, with no thread.
    discards: bool,
    /// See [`HandlerOptions::caller_side`].
    caller_side: bool,
    worker: Mutex<Option<WorkerHandle>>,
    factory: Box<dyn SinkFactory>,
}

impl std::fmt::Debug for FemtoHandler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FemtoHandler")
            .field("name", &self.core.name)
            .field("target", &self.factory.describe())
            .finish_non_exhaustive()
    }
}

impl FemtoHandler {
    /// Opens the sink and starts the worker. Fails only here, never later.
    pub fn new(
        factory: Box<dyn SinkFactory>,
        options: HandlerOptions,
    ) -> Result<Arc<FemtoHandler>, HandlerBuildError> {
        match options.capacity {
            0 => return Err(HandlerBuildError::ZeroCapacity),
            n if n > MAX_CAPACITY => return Err(HandlerBuildError::CapacityTooLarge(n)),
            _ => {}
        }
        let handler = Arc::new(Self::unstarted(factory, options, false));
        live::register(&handler, |h| h.start(false))?;
        Ok(handler)
    }

    /// A handler writing to stdout or stderr.
    pub fn stream(
        target: StreamTarget,
        options: HandlerOptions,
    ) -> Result<Arc<FemtoHandler>, HandlerBuildError> {
        let factory = StreamSinkFactory {
            target,
            terminator: "\n".into(),
        };
        Self::new(Box::new(factory), options)
    }

    /// A handler writing to a file.
    pub fn file(
        path: impl AsRef<Path>,
        mode: FileMode,
        options: HandlerOptions,
    ) -> Result<Arc<FemtoHandler>, HandlerBuildError> {
        Self::new(Box::new(FileSinkFactory::new(path, mode)), options)
    }

    /// A handler writing to a file that rotates by size (see
    /// [`RotatingFileSinkFactory`]); keep `rotation` to change its settings
    /// later.
    pub fn rotating_file(
        path: impl AsRef<Path>,
        mode: FileMode,
        rotation: Arc<Rotation>,
        options: HandlerOptions,
    ) -> Result<Arc<FemtoHandler>, HandlerBuildError> {
        Self::new(
            Box::new(RotatingFileSinkFactory::new(path, mode, rotation)),
            options,
        )
    }

    /// The rotation settings, for a rotating file handler.
    pub fn rotation(&self) -> Option<Arc<Rotation>> {
        self.factory.rotation().cloned()
    }

    /// The schedule, for a timed rotating file handler.
    pub fn timed_rotation(&self) -> Option<Arc<TimedRotation>> {
        self.factory.timed_rotation().cloned()
    }

    /// For a timed rotating file handler, the first rollover after
    /// `current` by its schedule (Python's `computeRollover`).
    pub fn compute_rollover(&self, current: i64) -> Option<i64> {
        self.factory.compute_rollover(current)
    }

    /// For a timed rotating file handler, the backups its worker removes at
    /// the next rollover, oldest first (Python's `getFilesToDelete`).
    pub fn backups_to_delete(&self) -> Option<std::io::Result<Vec<std::path::PathBuf>>> {
        self.factory.backups_to_delete()
    }

    /// Starts a new file after the records queued so far (Python's
    /// `doRollover()`; use [`FemtoHandler::flush`] to wait for it). Returns
    /// `false` if the handler is closed; other handlers ignore it.
    pub fn roll_over(&self) -> bool {
        self.send_request(Message::RollOver)
    }

    /// Puts a request (not a record) in the queue, waiting for room
    /// whatever the overflow policy; `false` if the handler is closed.
    fn send_request(&self, request: Message) -> bool {
        // Opened before the queue is loaded (see `calls::Retirement`).
        let mut window = self.window();
        match self.pipe.load_full() {
            Some(pipe) => send_waiting(&pipe, &self.core.room, request, None, &mut window).is_ok(),
            None => false,
        }
    }

    /// Says that this thread sends to this handler's queue (see
    /// `calls::Window`).
    fn window(&self) -> crate::calls::Window {
        crate::calls::window(self.core.id())
    }

    /// A handler that discards every record without a queue or a thread
    /// (stdlib's `NullHandler`): attached to a logger, it counts as a
    /// handler, so records do not fall through to the last-resort handler.
    pub fn null() -> Arc<FemtoHandler> {
        let options = HandlerOptions {
            name: Some("null".into()),
            ..HandlerOptions::default()
        };
        Arc::new(Self::unstarted(Box::new(NullFactory), options, true))
    }

    /// The handler before its worker starts (a null handler never starts).
    fn unstarted(
        factory: Box<dyn SinkFactory>,
        options: HandlerOptions,
        discards: bool,
    ) -> FemtoHandler {
        let needs_location = options.formatter.needs_location() || factory.reads_location();
        FemtoHandler {
            core: Arc::new(HandlerCore {
                name: options.name.unwrap_or_else(|| factory.describe()),
                formatter: ArcSwap::from_pointee(options.formatter),
                stats: Counters::default(),
                room: room::RoomWaiters::default(),
                flush_delay: options.flush_delay,
                capacity: options.capacity,
                urgent: AtomicBool::new(false),
                retirement: Mutex::new(None),
            }),
            level: AtomicU32::new(options.level.value()),
            overflow: options.overflow,
            capacity: options.capacity,
            filters: ArcSwap::from_pointee(Vec::new()),
            has_filters: AtomicBool::new(false),
            needs_location: AtomicBool::new(needs_location),
            pipe: ArcSwapOption::empty(),
            discards,
            caller_side: options.caller_side,
            worker: Mutex::new(None),
            factory,
        }
    }

    /// Opens the sink and starts a worker. `reopen` after `fork`. Caller
    /// holds the live-handler lock.
    fn start(&self, reopen: bool) -> Result<(), HandlerBuildError> {
        let sink = self
            .factory
            .open(reopen)
            .map_err(|source| HandlerBuildError::Open {
                target: self.factory.describe(),
                source,
            })?;
        let (queue, receiver) = if self.capacity <= ALLOCATED_UP_FRONT {
            crossbeam_channel::bounded(self.capacity)
        } else {
            crossbeam_channel::unbounded()
        };
        let handle = worker::spawn(
            Arc::clone(&self.core),
            receiver,
            sink,
            self.factory.wants_text(),
        )
        .map_err(HandlerBuildError::Spawn)?;
        let worker = handle.thread();
        let old_worker = lock(&self.worker).replace(handle);
        let old_pipe = self.pipe.swap(Some(Arc::new(Pipe {
            queue,
            capacity: self.capacity,
            worker,
            core: Arc::clone(&self.core),
            retired: AtomicBool::new(false),
        })));
        if reopen {
            // The parent's queue and thread do not exist for us: touching
            // them could deadlock or write the parent's records twice.
            std::mem::forget(old_pipe);
            if let Some(old) = old_worker {
                old.abandon();
            }
        }
        Ok(())
    }

    /// The handler's name (used in error messages and its thread name).
    pub fn name(&self) -> &str {
        &self.core.name
    }

    /// The minimum level this handler passes (NOTSET passes everything).
    pub fn level(&self) -> FemtoLevel {
        FemtoLevel(self.level.load(Ordering::Relaxed))
    }

    /// Sets the handler's level: records below it are ignored.
    pub fn set_level(&self, level: FemtoLevel) {
        self.level.store(level.value(), Ordering::Relaxed);
    }

    /// Replaces the formatter for records handled after this call; records
    /// already queued keep the formatter they were queued under. Waits for
    /// room in a full queue whatever the overflow policy: a configuration
    /// change is never dropped.
    pub fn set_formatter(&self, formatter: Arc<dyn FemtoFormatter>) {
        self.core.formatter.store(Arc::new(Arc::clone(&formatter)));
        live::with_lock(|| self.refresh_needs_location());
        self.send_request(Message::SetFormatter(formatter));
    }

    /// Adds a filter; records it refuses are ignored.
    pub fn add_filter(&self, filter: Arc<dyn FemtoFilter>) {
        self.change_filters(|filters| filters.push(filter));
    }

    /// Removes `filter` (compared by identity); returns whether it was there.
    pub fn remove_filter(&self, filter: &Arc<dyn FemtoFilter>) -> bool {
        let mut removed = false;
        self.change_filters(|filters| {
            let before = filters.len();
            filters.retain(|f| !same_filter(f, filter));
            removed = filters.len() != before;
        });
        removed
    }

    /// Whether a binding delivers its own callers' records to this handler
    /// (see [`HandlerOptions::caller_side`]).
    pub fn caller_side(&self) -> bool {
        self.caller_side
    }

    /// Whether records for this handler must carry the call's location
    /// (file, line, function, module): its formatter prints it, a filter
    /// or the sink reads it. Bindings skip capturing the location when no
    /// handler a logger reaches needs it. A record logged while the
    /// formatter is being replaced may miss it.
    pub fn needs_location(&self) -> bool {
        self.needs_location.load(Ordering::Relaxed)
    }

    /// Recomputes `needs_location` from the current formatter and filters
    /// (under the live-handler lock, so concurrent changes agree).
    fn refresh_needs_location(&self) {
        let needs = self.filters.load().iter().any(|f| f.needs_location())
            || self.core.formatter.load().needs_location()
            || self.factory.reads_location();
        self.needs_location.store(needs, Ordering::Relaxed);
    }

    /// Publishes a changed filter list (serialised by the live lock, so
    /// `has_filters` always matches the list).
    fn change_filters(&self, change: impl FnOnce(&mut Vec<Arc<dyn FemtoFilter>>)) {
        let replaced = live::with_lock(|| {
            let mut filters = Vec::clone(&self.filters.load());
            change(&mut filters);
            let any = !filters.is_empty();
            let replaced = self.filters.swap(Arc::new(filters));
            self.has_filters.store(any, Ordering::Release);
            self.refresh_needs_location();
            replaced
        });
        // Dropped outside the lock: a filter's destructor may call back in.
        drop(replaced);
    }

    /// What a call does when the queue is full.
    pub fn overflow_policy(&self) -> OverflowPolicy {
        self.overflow
    }

    /// The queue length in records.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The handler's counters.
    pub fn stats(&self) -> HandlerStats {
        let stats = &self.core.stats;
        HandlerStats {
            written: stats.written.load(Ordering::Acquire),
            dropped: stats.dropped.load(Ordering::Acquire),
            errors: stats.errors.load(Ordering::Relaxed),
        }
    }

    /// Whether the handler still accepts records.
    pub fn is_open(&self) -> bool {
        self.pipe.load().is_some()
    }

    /// Level check, filters, then enqueue under the overflow policy. Runs
    /// on the logging thread.
    pub fn handle(&self, record: Arc<FemtoLogRecord>) -> Enqueued {
        let Some(message) = self.accept(record) else {
            return Enqueued::Filtered;
        };
        // Opened before the queue is loaded (see `calls::Retirement`).
        let window = self.window();
        let pipe = self.pipe.load();
        self.send(pipe.as_deref(), || message, window)
    }

    /// The queue a thread keeps for this handler (see [`KeptQueue`]).
    pub(crate) fn kept_queue(&self) -> KeptQueue {
        KeptQueue(self.pipe.load_full())
    }

    /// As [`FemtoHandler::handle`], inside `call`, through the thread's
    /// copy of the queue.
    pub(crate) fn handle_kept(
        &self,
        record: Arc<FemtoLogRecord>,
        queue: &KeptQueue,
        call: &Held,
    ) -> Enqueued {
        let Some(message) = self.accept(record) else {
            return Enqueued::Filtered;
        };
        self.send(queue.0.as_deref(), || message, call.window(self.core.id()))
    }

    /// The message for `record`, if it passes the level and the filters.
    fn accept(&self, record: Arc<FemtoLogRecord>) -> Option<Message> {
        if self.discards || record.level.value() < self.level.load(Ordering::Relaxed) {
            return None;
        }
        if self.has_filters.load(Ordering::Acquire)
            && !passes(&self.filters.load(), &record, &self.core.name)
        {
            return None;
        }
        Some(match CompactRecord::of(&record) {
            Some(compact) => {
                // The record stays on this thread, for its next call.
                crate::record_pool::keep_here(record);
                Message::Compact(compact)
            }
            None => Message::Record(record),
        })
    }

    /// Sends the message `make` builds to `pipe` (this handler's queue,
    /// loaded or kept after `window` opened) if it is open.
    #[inline(always)]
    fn send(
        &self,
        pipe: Option<&Pipe>,
        make: impl FnOnce() -> Message,
        window: Window,
    ) -> Enqueued {
        match pipe.filter(|pipe| pipe.open()) {
            Some(pipe) => self.enqueue(pipe, make, window),
            None => self.closed(),
        }
    }

    /// As [`FemtoHandler::handle`] for a call the logger carries in compact
    /// form (see [`crate::logger::Route::dispatch_message`]): no record is
    /// built. `None` when this handler must see a whole record (it has
    /// filters, which read one).
    pub(crate) fn handle_compact(
        &self,
        compact: &CompactRecord,
        queue: &KeptQueue,
        call: &Held,
    ) -> Option<Enqueued> {
        if self.discards || compact.level().value() < self.level.load(Ordering::Relaxed) {
            return Some(Enqueued::Filtered);
        }
        if self.has_filters.load(Ordering::Acquire) {
            return None;
        }
        let window = call.window(self.core.id());
        Some(self.send(queue.0.as_deref(), || Message::Compact(*compact), window))
    }

    /// A record reached a closed handler: counted as dropped.
    fn closed(&self) -> Enqueued {
        if crate::exit::exiting() {
            crate::exit::count_after_close(&self.core.name);
        }
        self.count_drop()
    }

    /// Puts the message `make` builds (a record) in the queue as the
    /// overflow policy says.
    ///
    /// Inlined, with the common case (room in the queue) tried first: a
    /// message is a few hundred bytes, and every call it is handed to
    /// copies all of them.
    #[inline(always)]
    fn enqueue(&self, pipe: &Pipe, make: impl FnOnce() -> Message, mut window: Window) -> Enqueued {
        let sent = match pipe.try_send_made(make) {
            Ok(()) => true,
            Err(TrySendError::Disconnected(_)) => false,
            Err(TrySendError::Full(message)) => self.send_to_full_queue(pipe, message, &mut window),
        };
        drop(window);
        if sent {
            if write_through() && !worker::on_worker_thread() {
                // The host (Python) steps aside: the worker may need it.
                let _waiting = crate::wait_hook::Waiting::begin();
                self.flush(write_through::WAIT_LIMIT);
            }
            Enqueued::Queued
        } else {
            self.count_drop()
        }
    }

    /// The overflow policy, for a queue that was full: whether `message`
    /// got in.
    #[inline(never)]
    fn send_to_full_queue(&self, pipe: &Pipe, message: Message, window: &mut Window) -> bool {
        // Logged from a worker (a formatter or callback that logs): waiting
        // could wait for itself. Take room if there is any, else drop and
        // count, whatever the policy.
        let policy = match self.overflow {
            OverflowPolicy::Drop => OverflowPolicy::Drop,
            _ if worker::on_worker_thread() => OverflowPolicy::Drop,
            waiting => waiting,
        };
        match policy {
            OverflowPolicy::Block => {
                send_waiting(pipe, &self.core.room, message, None, window).is_ok()
            }
            OverflowPolicy::Drop => false,
            OverflowPolicy::Timeout(limit) => send_waiting(
                pipe,
                &self.core.room,
                message,
                Some(crate::sync::deadline_after(limit)),
                window,
            )
            .is_ok(),
        }
    }

    fn count_drop(&self) -> Enqueued {
        self.core.stats.dropped.fetch_add(1, Ordering::AcqRel);
        Enqueued::Dropped
    }

    /// Waits until every record enqueued before this call has reached the
    /// sink and the sink was flushed. Returns `false` on timeout. A closed
    /// handler has nothing pending and returns `true`.
    /// On a handler's worker thread (a callback flushing a handler) it
    /// does not wait: the worker it would wait for may be itself.
    pub fn flush(&self, timeout: Duration) -> bool {
        let deadline = crate::sync::deadline_after(worker::wait_limit(timeout));
        // Opened before the queue is loaded (see `calls::Retirement`).
        let window = self.window();
        let Some(pipe) = self.pipe.load_full() else {
            return true;
        };
        let (ack, done) = crossbeam_channel::bounded(1);
        // Both waits end at the deadline, or when exit gives up on a stuck
        // sink (see crate::exit).
        let mut pending = Some(Message::Flush(ack));
        let mut queued = false;
        crate::exit::wait_until(deadline, worker::EXIT_CHECK, |slice| {
            let Some(message) = pending.take() else {
                return true;
            };
            match pipe.queue.send_timeout(message, slice) {
                Ok(()) => {
                    queued = true;
                    true
                }
                Err(crossbeam_channel::SendTimeoutError::Timeout(back)) => {
                    pending = Some(back);
                    false
                }
                Err(crossbeam_channel::SendTimeoutError::Disconnected(_)) => true,
            }
        });
        pipe.unpark_worker();
        drop(pipe);
        drop(window);
        if !queued {
            return false;
        }
        let mut acked = false;
        crate::exit::wait_until(deadline, worker::EXIT_CHECK, |slice| {
            match done.recv_timeout(slice) {
                Ok(()) => acked = true,
                Err(crossbeam_channel::RecvTimeoutError::Timeout) => return false,
                Err(crossbeam_channel::RecvTimeoutError::Disconnected) => {}
            }
            true
        });
        acked
    }

    /// Whether [`FemtoHandler::close`] has begun (or a forked child could
    /// not reopen the sink): the handler takes no more records. A null
    /// handler is never closed.
    pub fn is_closed(&self) -> bool {
        !self.discards && self.pipe.load().is_none()
    }

    /// Stops accepting records, drains the queue into the sink and joins
    /// the worker. Returns `false` if the worker had not finished by the
    /// timeout (it finishes on its own later). Closing twice is harmless.
    /// On a handler's worker thread it does not wait (see [`Self::flush`]).
    pub fn close(&self, timeout: Duration) -> bool {
        let worker = live::with_lock(|| self.begin_close());
        match worker {
            Some(mut worker) => {
                let finished =
                    worker.wait(crate::sync::deadline_after(worker::wait_limit(timeout)));
                if !finished {
                    live::adopt_orphan(worker);
                }
                finished
            }
            None => true,
        }
    }

    /// In a forked child whose sink could not be reopened: leave the
    /// parent's queue and worker untouched and stop accepting records.
    fn abandon_after_fork(&self) {
        std::mem::forget(self.pipe.swap(None));
        if let Some(worker) = lock(&self.worker).take() {
            worker.abandon();
        }
    }

    /// Stops the queue taking records and takes the worker (live lock
    /// held). Threads may keep copies of the queue (see [`KeptQueue`]), so
    /// dropping ours need not disconnect it: the queue is marked retired,
    /// and the worker handed the [`crate::calls::Retirement`] to wait for
    /// and woken, in case it waits in the queue.
    fn begin_close(&self) -> Option<WorkerHandle> {
        let pipe = self.pipe.swap(None);
        let mut worker = lock(&self.worker).take();
        if let Some(pipe) = pipe {
            pipe.retired.store(true, Ordering::SeqCst);
            self.factory.cancel();
            *lock(&self.core.retirement) = Some(crate::calls::retire(self.core.id()));
            if let Some(worker) = worker.as_mut() {
                worker.mark_close(pipe.queue.len());
            }
            // A full queue has the worker's attention already.
            let _ = pipe.queue.try_send(Message::Wake);
            pipe.unpark_worker();
        }
        worker
    }
}

impl Drop for FemtoHandler {
    /// The worker drains what is queued on its own; shutdown waits for it.
    fn drop(&mut self) {
        if let Some(worker) = live::with_lock(|| self.begin_close()) {
            live::adopt_orphan(worker);
        }
    }
}

/// Sends `message`, waiting while the queue is full (until `deadline`, if
/// given). Gives the message back if the worker is gone or time ran out.
///
/// The wait polls with growing sleeps (20 µs to 1 ms) instead of parking
/// in the channel: a parked producer must be woken by the worker for every
/// record the worker takes, and under sustained load that futex call per
/// record on both threads more than doubles the cost of logging (measured
/// with bench/c).
fn send_waiting(
    queue: &Pipe,
    room: &room::RoomWaiters,
    mut message: Message,
    deadline: Option<Instant>,
    window: &mut Window,
) -> Result<(), Message> {
    let mut pause = Duration::from_micros(20);
    // Set at the first full queue: the host may release its lock meanwhile,
    // and is asked now and then whether to give up (a signal arrived).
    let mut waiting: Option<crate::wait_hook::Waiting> = None;
    // Time waited since the last poll, summed from the pauses: reading
    // the clock on every round costs more than the wait itself.
    let mut since_poll = Duration::ZERO;
    loop {
        match queue.try_send(message) {
            Ok(()) => return Ok(()),
            Err(TrySendError::Disconnected(back)) => return Err(back),
            Err(TrySendError::Full(back)) => message = back,
        }
        let waiting = waiting.get_or_insert_with(crate::wait_hook::Waiting::begin);
        if since_poll >= crate::wait_hook::POLL_INTERVAL {
            since_poll = Duration::ZERO;
            if waiting.interrupted() || crate::exit::gave_up() {
                return Err(message);
            }
            // The host's signal handler logged meanwhile: this thread
            // stopped saying it sends here, and the handler may have
            // closed and its worker ended.
            if window.reopened() && !queue.open() {
                return Err(message);
            }
        }
        if let Some(deadline) = deadline {
            match deadline.checked_duration_since(Instant::now()) {
                Some(left) if !left.is_zero() => pause = pause.min(left),
                _ => return Err(message),
            }
        }
        let attempt = room.wait(
            pause,
            || queue.try_send(message),
            |result| matches!(result, Err(TrySendError::Full(_))),
        );
        match attempt {
            Ok(()) => return Ok(()),
            Err(TrySendError::Disconnected(back)) => return Err(back),
            Err(TrySendError::Full(back)) => message = back,
        }
        since_poll += pause;
        pause = (pause * 2).min(Duration::from_millis(1));
    }
}

/// Runs `filters` on `record`; a panicking filter rejects the record and is
/// reported, never propagated to the caller.
pub(crate) fn passes(
    filters: &[Arc<dyn FemtoFilter>],
    record: &FemtoLogRecord,
    owner: &str,
) -> bool {
    filters.iter().all(|filter| {
        catch_unwind(AssertUnwindSafe(|| filter.should_log(record))).unwrap_or_else(|panic| {
            error_hook::report(&HandlerError {
                handler: owner,
                kind: HandlerErrorKind::Panic,
                message: &worker::panic_message(&panic),
            });
            false
        })
    })
}

/// Whether two filter handles are the same object.
pub(crate) fn same_filter(a: &Arc<dyn FemtoFilter>, b: &Arc<dyn FemtoFilter>) -> bool {
    std::ptr::addr_eq(Arc::as_ptr(a), Arc::as_ptr(b))
}
