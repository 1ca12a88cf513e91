//! The consumer thread of one handler: drain the queue in batches, format
//! each record into a reused buffer, hand it to the sink, flush once per
//! batch, then answer the flush requests that batch contained.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::Ordering;
use std::sync::{Arc, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender, TryRecvError};

use super::compact::CompactRecord;
use super::sink::Sink;
use super::HandlerCore;
use crate::error_hook::{self, HandlerError, HandlerErrorKind};
use crate::formatter::{FemtoFormatter, FormatFailed};
use crate::level::FemtoLevel;
use crate::record::FemtoLogRecord;
use crate::record_pool::Recycler;

/// What travels through a handler's queue.
// A compact record is the common message and is meant to travel by value,
// in the queue's slot (see `compact`): boxing it would undo that.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Message {
    /// A common record, by value.
    Compact(CompactRecord),
    /// Any other record, shared with the other handlers it went to.
    Record(Arc<FemtoLogRecord>),
    /// Answered once every message queued before it has reached the sink.
    Flush(Sender<()>),
    /// Applies to the records queued after it (stdlib's `setFormatter`
    /// affects only later records).
    SetFormatter(Arc<dyn FemtoFormatter>),
    /// Starts a new file after the records queued before it.
    RollOver,
    /// Wakes a worker that waits for the queue: its handler closed (see
    /// `Worker::retired`).
    Wake,
}

/// Most messages handled between two sink flushes.
const MAX_BATCH: usize = 4096;
/// How long drops may go unreported while the queue stays busy.
const DROP_REPORT_INTERVAL: Duration = Duration::from_secs(5);

/// A running worker: its thread and a channel that closes when it ends.
pub(crate) struct WorkerHandle {
    thread: Option<JoinHandle<()>>,
    done: Receiver<()>,
    /// The handler's counters and name, for the exit report.
    core: Arc<HandlerCore>,
    /// Records queued and written when the handler closed (see
    /// [`WorkerHandle::left_behind`]).
    at_close: Option<(usize, u64)>,
}

impl WorkerHandle {
    /// The worker thread, to unpark it when there is work it should not
    /// wait for (a flush request, a close).
    pub(crate) fn thread(&self) -> Option<std::thread::Thread> {
        self.thread.as_ref().map(|t| t.thread().clone())
    }

    /// Waits until the worker has drained its queue and ended, or until
    /// `deadline`. Returns whether it ended.
    /// Once exit has begun, gives up when no handler makes progress (see
    /// [`crate::exit`]).
    pub(crate) fn wait(&mut self, deadline: Instant) -> bool {
        let ended = crate::exit::wait_until(deadline, EXIT_CHECK, |slice| {
            !matches!(
                self.done.recv_timeout(slice),
                Err(RecvTimeoutError::Timeout)
            )
        });
        if ended {
            if let Some(thread) = self.thread.take() {
                let _ = thread.join();
            }
        }
        ended
    }

    /// Notes, as the handler closes, how many records its queue holds.
    pub(crate) fn mark_close(&mut self, queued: usize) {
        let written = self.core.stats.written.load(Ordering::Acquire);
        self.at_close = Some((queued, written));
    }

    /// Records queued at close that the worker has not written since (what
    /// exit abandons when it gives up on this worker).
    pub(crate) fn left_behind(&self) -> u64 {
        let Some((queued, written_then)) = self.at_close else {
            return 0;
        };
        let written_since = self.core.stats.written.load(Ordering::Acquire) - written_then;
        (queued as u64).saturating_sub(written_since)
    }

    /// The handler's name.
    pub(crate) fn name(&self) -> &str {
        &self.core.name
    }

    /// Forgets a worker that does not exist in this (forked) process.
    pub(crate) fn abandon(self) {
        std::mem::forget(self);
    }
}

thread_local! {
    /// Set on every handler's worker thread for its whole life.
    static ON_WORKER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether the calling thread is a handler's worker: a record logged here
/// (by a formatter, filter or callback the worker runs) must never wait
/// for room in a queue, since the queue it waits on may be its own, or
/// one whose worker waits on this one.
pub(crate) fn on_worker_thread() -> bool {
    ON_WORKER.with(std::cell::Cell::get)
}

/// `timeout`, or none at all on a handler's worker thread: a flush or
/// close called there must not wait, since the worker it would wait for
/// may be itself.
pub(crate) fn wait_limit(timeout: Duration) -> Duration {
    if on_worker_thread() {
        Duration::ZERO
    } else {
        timeout
    }
}

/// How often a wait re-checks whether exit gave up.
pub(crate) const EXIT_CHECK: Duration = Duration::from_millis(50);

/// Runs first on every worker thread. The C library installs one that
/// blocks asynchronous signals there: a process-directed signal (SIGTERM,
/// SIGINT) must land on a host thread that acts on it. Python, for one,
/// runs its signal handlers on the main thread only, and a main thread
/// blocked in a system call is woken only if the signal lands there.
pub type WorkerStartHook = fn();

static WORKER_START: OnceLock<WorkerStartHook> = OnceLock::new();

/// Installs the worker start hook. Only the first call takes effect;
/// returns whether this one did.
pub fn set_worker_start_hook(hook: WorkerStartHook) -> bool {
    WORKER_START.set(hook).is_ok()
}

/// Starts the worker thread for `core`, reading from `queue`.
pub(crate) fn spawn(
    core: Arc<HandlerCore>,
    queue: Receiver<Message>,
    sink: Box<dyn Sink>,
    formats: bool,
) -> std::io::Result<WorkerHandle> {
    let (done_tx, done_rx) = crossbeam_channel::bounded::<()>(0);
    let watched = Arc::clone(&core);
    let name = format!("femto-{}", core.name);
    let thread = std::thread::Builder::new().name(name).spawn(move || {
        let _done = done_tx;
        if let Some(hook) = WORKER_START.get() {
            hook();
        }
        ON_WORKER.with(|on| on.set(true));
        let formatter: Arc<dyn FemtoFormatter> = Arc::clone(&**core.formatter.load());
        Worker {
            core,
            formatter,
            sink,
            formats,
            text: String::with_capacity(512),
            acks: Vec::new(),
            first_unreported_drop: None,
            recycler: Recycler::default(),
            expanded: None,
            text_only_sink: true,
            flush_due: None,
        }
        .run(&queue);
    })?;
    Ok(WorkerHandle {
        thread: Some(thread),
        done: done_rx,
        core: watched,
        at_close: None,
    })
}

struct Worker {
    core: Arc<HandlerCore>,
    formatter: Arc<dyn FemtoFormatter>,
    sink: Box<dyn Sink>,
    /// Whether the sink takes formatted text ([`super::SinkFactory::wants_text`]).
    formats: bool,
    text: String,
    acks: Vec<Sender<()>>,
    first_unreported_drop: Option<Instant>,
    recycler: Recycler,
    /// The record compact records are expanded into, reused.
    expanded: Option<FemtoLogRecord>,
    /// Whether the sink may take a record's text alone
    /// ([`Sink::write_text`]): until it says otherwise.
    text_only_sink: bool,
    /// When the sink, holding records not yet flushed, is to be flushed
    /// (see [`HandlerOptions::flush_delay`](super::HandlerOptions::flush_delay)).
    flush_due: Option<Instant>,
}

impl Worker {
    fn run(mut self, queue: &Receiver<Message>) {
        while let Some(first) = self.next_message(queue) {
            self.gather(queue);
            // Held while the batch is formatted, written and flushed.
            let pass = crate::fork::sink_pass();
            let mut written = 0u64;
            // What is queued now, and no more: a worker that takes each
            // record the moment it arrives works on the cache lines the
            // logging thread is writing.
            let batch = (queue.len() + 1).min(MAX_BATCH);
            written += self.take(first);
            for _ in 1..batch {
                let received = queue.try_recv();
                // A compact record is read where it lies: moving it out of
                // the result would copy all of its bytes.
                if let Ok(Message::Compact(compact)) = &received {
                    written += self.take_compact(compact);
                    continue;
                }
                match received {
                    Ok(message) => written += self.take(message),
                    Err(_) => break,
                }
            }
            self.recycler.hand_over();
            self.core.room.wake_if_room(queue, self.core.capacity);
            self.report_drops(queue.is_empty());
            self.end_batch();
            drop(pass);
            self.core
                .stats
                .written
                .fetch_add(written, Ordering::Release);
            self.count_sink_drops();

            for ack in self.acks.drain(..) {
                let _ = ack.send(());
            }
        }
        let _pass = crate::fork::sink_pass();
        self.report_drops(true);
        self.flush_sink();
        self.count_sink_drops();
    }

    /// Acts on one message; returns how many records the sink took (0 or
    /// 1).
    ///
    /// Inlined, and a compact record borrowed where it lies: a message is
    /// a few hundred bytes (a compact record travels by value), and each
    /// move of it costs a copy of all of them.
    #[inline(always)]
    fn take(&mut self, message: Message) -> u64 {
        match message {
            Message::Compact(ref compact) => return self.take_compact(compact),
            Message::Record(record) => {
                let written = u64::from(self.emit(&record, false));
                self.recycler.put(record);
                return written;
            }
            Message::Flush(ack) => self.acks.push(ack),
            Message::SetFormatter(formatter) => self.formatter = formatter,
            Message::RollOver => self.roll_over(),
            Message::Wake => {}
        }
        0
    }

    /// Writes a compact record (see `compact`); returns how many records
    /// the sink took (0 or 1).
    #[inline(always)]
    fn take_compact(&mut self, compact: &CompactRecord) -> u64 {
        if self.formats && self.text_only_sink {
            if let Some(written) = self.emit_compact(compact) {
                return u64::from(written);
            }
        }
        let mut record = self
            .expanded
            .take()
            .unwrap_or_else(|| FemtoLogRecord::new("".into(), FemtoLevel::NOTSET, String::new()));
        compact.expand_into(&mut record);
        let written = u64::from(self.emit(&record, false));
        self.expanded = Some(record);
        written
    }

    /// Lets records gather before a batch: while fewer than [`GATHER`] (or
    /// half the queue) are queued, nobody waits for the worker (a flush, a
    /// close, a producer that found the queue full) and [`GATHER_WAIT`] has not
    /// passed, pause. Why: each record crosses from the logging thread's
    /// core to the worker's, and a worker running right behind the
    /// logging thread pulls every cache line while it is still being
    /// written (measured on the 2-core VM: 5-10% more CPU per record, and
    /// runs up to 1.5x slower when the cores are far apart).
    fn gather(&mut self, queue: &Receiver<Message>) {
        if self.core.urgent.swap(false, Ordering::AcqRel) {
            return;
        }
        // A small queue must not fill up (and its producers block or drop)
        // while the worker waits for more than it holds.
        let enough = GATHER.min(self.core.capacity / 2).max(1);
        let start = Instant::now();
        while queue.len() < enough
            && !self.core.urgent.load(Ordering::Acquire)
            && !self.core.room.has_waiters()
            && start.elapsed() < GATHER_WAIT
        {
            std::thread::park_timeout(GATHER_PAUSE);
        }
    }

    /// Flushes the sink after a batch, or (with a flush delay, and no
    /// `flush()` waiting) once the delay since the first unflushed batch
    /// has passed.
    fn end_batch(&mut self) {
        let delay = self.core.flush_delay;
        if !delay.is_zero() && self.acks.is_empty() {
            let now = Instant::now();
            if now < *self.flush_due.get_or_insert(now + delay) {
                return;
            }
        }
        self.flush_due = None;
        self.flush_sink();
    }

    /// Waits for the next message; `None` once every producer is gone and
    /// the queue is empty (`run` flushes then). Flushes the sink meanwhile
    /// when that falls due.
    ///
    /// A worker blocked in the channel must be woken by the next send (a
    /// futex call on the logging thread, about a microsecond), and a
    /// worker that grabs each record the moment it arrives shares the
    /// queue's cache lines with the producer (measured: slower than a busy
    /// sink). So the worker lets records gather for a few tens of
    /// microseconds, polling with growing pauses, and blocks only after a
    /// quiet spell of about 2 ms (and after any flush that is due).
    /// `flush` and `close` unpark it at once.
    ///
    /// A closed handler's queue may stay connected (see `calls`): the
    /// worker ends when it is empty and [`Worker::retired`] says no record
    /// can come, and polls meanwhile instead of blocking.
    fn next_message(&mut self, queue: &Receiver<Message>) -> Option<Message> {
        let mut pauses = IDLE_PAUSES.iter();
        loop {
            match queue.try_recv() {
                Ok(message) => return Some(message),
                Err(TryRecvError::Disconnected) => return None,
                Err(TryRecvError::Empty) => {}
            }
            let retired = self.retired();
            if retired == Some(true) {
                // Once no call can send, what the queue holds now is all
                // there will be.
                return queue.try_recv().ok();
            }
            let now = Instant::now();
            if self.flush_due.is_some_and(|due| due <= now) {
                self.flush_due = None;
                let _pass = crate::fork::sink_pass();
                self.flush_sink();
                continue;
            }
            let until_due = self.flush_due.map(|due| due - now);
            match (pauses.next(), until_due) {
                (Some(pause), until_due) => {
                    std::thread::park_timeout(until_due.map_or(*pause, |d| d.min(*pause)));
                }
                (None, Some(until_due)) => std::thread::park_timeout(until_due),
                (None, None) if retired.is_some() => std::thread::park_timeout(RETIRED_POLL),
                (None, None) => return queue.recv().ok(),
            }
        }
    }

    /// `None` while the handler is open; once it closed, whether every
    /// call that might still send to the queue has ended (see
    /// `calls::Retirement`).
    fn retired(&self) -> Option<bool> {
        let mut retirement = crate::sync::lock(&self.core.retirement);
        retirement
            .as_mut()
            .map(crate::calls::Retirement::calls_done)
    }

    /// Formats and writes a compact record as it lies, with no record
    /// built: for a template formatter and a sink that writes the text
    /// alone (a file). Returns whether the sink took it, or `None` when
    /// the record must be built (learnt once: the sink's
    /// [`Sink::write_text`] said so, and nothing was written).
    fn emit_compact(&mut self, compact: &CompactRecord) -> Option<bool> {
        let template = self.formatter.as_template()?;
        self.text.clear();
        let text = &mut self.text;
        let sink = &mut self.sink;
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            template.format_fields(compact, text);
            sink.write_text(text)
        }));
        let outcome = match outcome {
            Ok(None) => {
                self.text_only_sink = false;
                return None;
            }
            Ok(Some(written)) => Ok(written.map_err(io_failure)),
            Err(panic) => Err(panic),
        };
        Some(self.settle(outcome))
    }

    /// Formats and writes one record; returns whether the sink took it.
    /// `own`: a record of the engine's (a drop report), not a caller's.
    fn emit(&mut self, record: &FemtoLogRecord, own: bool) -> bool {
        self.text.clear();
        let formatter = &self.formatter;
        let text = &mut self.text;
        let sink = &mut self.sink;
        let formats = self.formats;
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            if formats {
                formatter
                    .try_format(record, text)
                    .map_err(|failed| match failed {
                        FormatFailed::Report(message) => {
                            Some((HandlerErrorKind::Callback, message))
                        }
                        FormatFailed::Reported => None,
                    })?;
            }
            let written = if own {
                sink.write_own(record, text)
            } else {
                sink.write(record, text)
            };
            written.map_err(io_failure)
        }));
        self.settle(outcome)
    }

    /// Counts and reports what became of one record the worker formatted
    /// and wrote: whether the sink took it.
    fn settle(
        &mut self,
        outcome: std::thread::Result<Result<(), Option<(HandlerErrorKind, String)>>>,
    ) -> bool {
        // Any outcome is progress: the sink returned (see crate::exit).
        crate::exit::note_progress();
        match outcome {
            Ok(Ok(())) => true,
            Ok(Err(Some((kind, message)))) => {
                self.fail(kind, &message);
                false
            }
            Ok(Err(None)) => {
                self.core.stats.errors.fetch_add(1, Ordering::Relaxed);
                false
            }
            Err(panic) => {
                self.fail(HandlerErrorKind::Panic, &panic_message(&panic));
                false
            }
        }
    }

    fn roll_over(&mut self) {
        match catch_unwind(AssertUnwindSafe(|| self.sink.roll_over())) {
            Ok(Ok(())) => self.report_warning(),
            Ok(Err(e)) => self.fail(HandlerErrorKind::Io, &e.to_string()),
            Err(panic) => self.fail(HandlerErrorKind::Panic, &panic_message(&panic)),
        }
    }

    /// Reports what the sink recovered from (the records were written).
    fn report_warning(&mut self) {
        if let Some(warning) = self.sink.take_warning() {
            self.fail(HandlerErrorKind::Io, &warning.to_string());
        }
    }

    fn flush_sink(&mut self) {
        self.report_warning();
        match catch_unwind(AssertUnwindSafe(|| self.sink.flush())) {
            Ok(Ok(())) => {}
            Ok(Err(e)) if error_hook::AlreadyReported::is(&e) => {
                self.core.stats.errors.fetch_add(1, Ordering::Relaxed);
            }
            Ok(Err(e)) => self.fail(HandlerErrorKind::Io, &e.to_string()),
            Err(panic) => self.fail(HandlerErrorKind::Panic, &panic_message(&panic)),
        }
        self.report_warning();
        // A sink holding undelivered records is flushed again when it asks.
        if let Some(at) = self.sink.retry_at() {
            self.flush_due = Some(self.flush_due.map_or(at, |due| due.min(at)));
        }
    }

    /// Moves the records the sink lost after accepting them from the
    /// `written` counter to `dropped` (after the batch's `written` is
    /// added).
    fn count_sink_drops(&mut self) {
        let lost = self.sink.take_dropped();
        if lost > 0 {
            let stats = &self.core.stats;
            stats.written.fetch_sub(lost, Ordering::AcqRel);
            stats.dropped.fetch_add(lost, Ordering::AcqRel);
            // Not a queue overflow: keep it out of the "dropped (queue
            // full)" report.
            stats.drops_reported.fetch_add(lost, Ordering::Relaxed);
        }
    }

    /// Writes one WARNING line saying how many records were dropped since
    /// the last such line, once the queue has drained (or after a while
    /// under sustained pressure).
    fn report_drops(&mut self, queue_idle: bool) {
        let stats = &self.core.stats;
        let dropped = stats.dropped.load(Ordering::Acquire);
        let reported = stats.drops_reported.load(Ordering::Relaxed);
        if dropped <= reported {
            return;
        }
        let since = *self.first_unreported_drop.get_or_insert_with(Instant::now);
        if !queue_idle && since.elapsed() < DROP_REPORT_INTERVAL {
            return;
        }
        self.first_unreported_drop = None;
        stats.drops_reported.store(dropped, Ordering::Relaxed);
        let message = format!(
            "{} records dropped by handler {:?} (queue full)",
            dropped - reported,
            self.core.name
        );
        let record = FemtoLogRecord::new("femtologging".into(), FemtoLevel::WARNING, message);
        self.emit(&record, true);
    }

    fn fail(&self, kind: HandlerErrorKind, message: &str) {
        self.core.stats.errors.fetch_add(1, Ordering::Relaxed);
        error_hook::report(&HandlerError {
            handler: &self.core.name,
            kind,
            message,
        });
    }
}

/// Records worth a batch: below this, the worker lets more gather.
const GATHER: usize = 256;
/// The longest the worker lets records gather (the time a record may wait
/// before it is written, unless a flush asks for it).
const GATHER_WAIT: Duration = Duration::from_micros(200);
/// How often it looks meanwhile.
const GATHER_PAUSE: Duration = Duration::from_micros(50);

/// Pauses between polls of an empty queue before the worker blocks.
const IDLE_PAUSES: [Duration; 5] = [
    Duration::from_micros(50),
    Duration::from_micros(100),
    Duration::from_micros(200),
    Duration::from_micros(500),
    Duration::from_millis(1),
];

/// How often a closed handler's worker looks whether the calls it waits
/// for have ended.
const RETIRED_POLL: Duration = Duration::from_millis(1);

/// A sink's error as the worker reports it (`None`: the sink reported it
/// already; only counted).
fn io_failure(error: std::io::Error) -> Option<(HandlerErrorKind, String)> {
    (!error_hook::AlreadyReported::is(&error)).then(|| (HandlerErrorKind::Io, error.to_string()))
}

/// The text of a caught panic.
pub(crate) fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        format!("panic: {s}")
    } else if let Some(s) = panic.downcast_ref::<String>() {
        format!("panic: {s}")
    } else {
        "panic".to_owned()
    }
}
