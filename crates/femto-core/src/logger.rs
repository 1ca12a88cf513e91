//! Loggers: a name, a level, and a cached snapshot of the filters and
//! handlers a record goes to. Logging is one atomic load and a compare
//! when disabled; when enabled, the record is built once and handed
//! straight to each handler's queue (no per-logger thread).

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Weak};

use arc_swap::ArcSwap;

use crate::calls::Held;
use crate::filter::FemtoFilter;
use crate::handler::{passes, same_filter, CompactRecord, Enqueued, FemtoHandler};
use crate::intern::Text;
use crate::level::FemtoLevel;
use crate::manager::{Manager, Shared};
use crate::record::{FemtoLogRecord, SourceLocation};

thread_local! {
    /// The buffer [`FemtoLogger::log_args`] formats into, kept per thread
    /// (a call that logs while formatting finds it taken and uses its own).
    static MESSAGE_BUFFER: Cell<String> = const { Cell::new(String::new()) };
}

/// A larger message buffer is freed rather than kept.
const MAX_KEPT_BUFFER: usize = 4096;

/// What the hot path reads: the logger's own filters and the handlers of
/// the logger and its ancestors (while `propagate` holds).
#[derive(Default)]
pub(crate) struct Dispatch {
    pub(crate) filters: Vec<Arc<dyn FemtoFilter>>,
    pub(crate) handlers: Vec<Arc<FemtoHandler>>,
    /// See [`FemtoLogger::only_caller_side`]: worked out once here (a
    /// handler's `caller_side` never changes), not on every call.
    only_caller_side: bool,
}

impl Dispatch {
    pub(crate) fn new(
        filters: Vec<Arc<dyn FemtoFilter>>,
        handlers: Vec<Arc<FemtoHandler>>,
    ) -> Self {
        let only_caller_side = filters.is_empty()
            && !handlers.is_empty()
            && handlers.iter().all(|handler| handler.caller_side());
        Dispatch {
            filters,
            handlers,
            only_caller_side,
        }
    }
}

/// A logger's routing loaded once (see [`FemtoLogger::route`]); the call
/// counts as under way until it is dropped (see `calls`).
pub struct Route<'a> {
    logger: &'a FemtoLogger,
    dispatch: Held,
}

impl Route<'_> {
    /// Whether any filter or handler on the way reads the source location
    /// (or there is no handler, and the last resort might).
    pub fn needs_location(&self) -> bool {
        let dispatch = &self.dispatch;
        dispatch.handlers.is_empty()
            || dispatch.filters.iter().any(|f| f.needs_location())
            || dispatch.handlers.iter().any(|h| h.needs_location())
    }

    /// As [`FemtoLogger::dispatch_shared`], along this route.
    pub fn dispatch(self, record: Arc<FemtoLogRecord>) -> LogOutcome {
        self.logger.dispatch_along(&self.dispatch, record)
    }

    /// Logs `message` at `level` from `location`, made now on this thread:
    /// what `dispatch(logger.record(level, message, ..location))` does.
    ///
    /// A common call (no logger filters, a short message, interned names)
    /// builds no record: its compact form is copied straight into each
    /// handler's queue (see `handler::compact`). A handler with filters
    /// gets a record made from it.
    pub fn dispatch_message(
        self,
        level: FemtoLevel,
        message: &str,
        location: SourceLocation,
    ) -> LogOutcome {
        let dispatch = &self.dispatch;
        let compact = if dispatch.filters.is_empty() && !dispatch.handlers.is_empty() {
            CompactRecord::of_call(&self.logger.name, level, message, &location)
        } else {
            None
        };
        let Some(compact) = compact else {
            let record = self
                .logger
                .record(level, message, |record| record.location = location);
            return self.dispatch(record);
        };
        let mut outcome = LogOutcome::Queued;
        let mut whole: Option<Arc<FemtoLogRecord>> = None;
        for (handler, queue) in dispatch.handlers.iter().zip(dispatch.queues()) {
            let enqueued = handler
                .handle_compact(&compact, queue, dispatch)
                .unwrap_or_else(|| {
                    let record = whole.get_or_insert_with(|| compact.whole_record());
                    handler.handle_kept(Arc::clone(record), queue, dispatch)
                });
            if enqueued == Enqueued::Dropped {
                outcome = LogOutcome::Dropped;
            }
        }
        outcome
    }
}

/// What became of one logging call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogOutcome {
    /// Below the logger's effective level: nothing was built.
    Disabled,
    /// Rejected by one of the logger's filters.
    Filtered,
    /// Handed to every handler that wanted it.
    Queued,
    /// At least one handler dropped it (queue full or closed).
    Dropped,
}

/// A named logger from a [`Manager`]. Thread-safe; configuration changes
/// take effect at once for every thread.
///
/// `repr(C)` with `threshold` first and `marker` second: a binding holding
/// a pointer to the logger may read the threshold in place, without a call
/// (the C macros do), so a disabled call costs one load and a compare; and
/// it may check that a pointer it is given points at a logger.
#[repr(C)]
pub struct FemtoLogger {
    /// Effective level folded with `disable` and `disabled`: the only value
    /// the disabled-call path reads. Stays the first field (see above).
    threshold: AtomicU32,
    /// Always [`FemtoLogger::MARKER`]. Stays the second field (see above).
    marker: u32,
    name: Text,
    parent: Option<Arc<FemtoLogger>>,
    effective: AtomicU32,
    level: AtomicU32,
    propagate: AtomicBool,
    disabled: AtomicBool,
    dispatch: ArcSwap<Dispatch>,
    /// The published dispatch's `only_caller_side`, kept beside it: the
    /// Python binding asks on every call, and a relaxed load costs nothing
    /// where loading the snapshot takes two atomic read-modify-writes.
    only_caller_side: AtomicBool,
    manager: Weak<Shared>,
    /// See [`FemtoLogger::id`].
    id: u64,
}

impl std::fmt::Debug for FemtoLogger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FemtoLogger")
            .field("name", &self.name)
            .field("level", &self.level())
            .field("effective_level", &self.effective_level())
            .field("propagate", &self.propagate())
            .finish_non_exhaustive()
    }
}

/// Bindings read the threshold in place (see [`FemtoLogger`]).
const _: () = assert!(std::mem::offset_of!(FemtoLogger, threshold) == 0);

impl FemtoLogger {
    /// The value of every logger's second 32-bit word, after its threshold:
    /// how a binding tells a logger's memory from its other objects'.
    pub const MARKER: u32 = 0xFE70_4C47;

    pub(crate) fn new(name: Text, parent: Option<Arc<FemtoLogger>>, manager: Weak<Shared>) -> Self {
        FemtoLogger {
            name,
            parent,
            threshold: AtomicU32::new(0),
            marker: Self::MARKER,
            effective: AtomicU32::new(0),
            level: AtomicU32::new(0),
            propagate: AtomicBool::new(true),
            disabled: AtomicBool::new(false),
            dispatch: ArcSwap::from_pointee(Dispatch::default()),
            only_caller_side: AtomicBool::new(false),
            manager,
            id: {
                static NEXT_ID: AtomicU64 = AtomicU64::new(1);
                NEXT_ID.fetch_add(1, Ordering::Relaxed)
            },
        }
    }

    /// The dotted name (`root` for the root logger).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The parent logger (`None` for the root).
    pub fn parent(&self) -> Option<&Arc<FemtoLogger>> {
        self.parent.as_ref()
    }

    /// The logger's own level (NOTSET: inherit).
    pub fn level(&self) -> FemtoLevel {
        FemtoLevel(self.level.load(Ordering::Relaxed))
    }

    /// The level that applies: the nearest level set on this logger or an
    /// ancestor.
    pub fn effective_level(&self) -> FemtoLevel {
        FemtoLevel(self.effective.load(Ordering::Relaxed))
    }

    /// The lowest level this logger passes on (its effective level, raised
    /// by `disable`; `u32::MAX` when disabled).
    pub(crate) fn threshold(&self) -> u32 {
        self.threshold.load(Ordering::Acquire)
    }

    /// Whether a record at `level` would be built and dispatched.
    #[inline]
    pub fn is_enabled_for(&self, level: FemtoLevel) -> bool {
        level.value() >= self.threshold.load(Ordering::Relaxed)
    }

    /// Whether records go on to the parent's handlers.
    pub fn propagate(&self) -> bool {
        self.propagate.load(Ordering::Relaxed)
    }

    /// stdlib `Logger.disabled`.
    pub fn disabled(&self) -> bool {
        self.disabled.load(Ordering::Relaxed)
    }

    pub(crate) fn store_level(&self, level: FemtoLevel) {
        self.level.store(level.value(), Ordering::Relaxed);
    }

    pub(crate) fn store_propagate(&self, propagate: bool) {
        self.propagate.store(propagate, Ordering::Relaxed);
    }

    pub(crate) fn store_disabled(&self, disabled: bool) {
        self.disabled.store(disabled, Ordering::Relaxed);
    }

    /// Installs a new snapshot; returns the one it replaces, which calls
    /// already under way may still be using.
    pub(crate) fn publish(
        &self,
        threshold: FemtoLevel,
        effective: FemtoLevel,
        dispatch: Dispatch,
    ) -> Arc<Dispatch> {
        self.only_caller_side
            .store(dispatch.only_caller_side, Ordering::Relaxed);
        let retired = self.dispatch.swap(Arc::new(dispatch));
        self.effective.store(effective.value(), Ordering::Relaxed);
        self.threshold.store(threshold.value(), Ordering::Release);
        retired
    }

    fn configure(&self, change: impl FnOnce(&mut crate::manager::Entry)) {
        if let Some(shared) = self.manager.upgrade() {
            Manager::from_shared(shared).configure(|state| {
                if let Some(entry) = state.loggers.get_mut(&*self.name) {
                    change(entry);
                }
            });
        }
    }

    /// Sets the level; NOTSET makes the logger inherit its parent's.
    pub fn set_level(&self, level: FemtoLevel) {
        self.configure(|entry| entry.logger.store_level(level));
    }

    /// Sets whether records go on to the parent's handlers.
    pub fn set_propagate(&self, propagate: bool) {
        self.configure(|entry| entry.logger.store_propagate(propagate));
    }

    /// Turns the logger off (or on again) whatever its level.
    pub fn set_disabled(&self, disabled: bool) {
        self.configure(|entry| entry.logger.store_disabled(disabled));
    }

    /// Attaches a handler (the same handler may serve many loggers).
    pub fn add_handler(&self, handler: Arc<FemtoHandler>) {
        self.configure(|entry| {
            if !entry.handlers.iter().any(|h| Arc::ptr_eq(h, &handler)) {
                entry.handlers.push(handler);
            }
        });
    }

    /// Detaches a handler; returns whether it was attached. On return no
    /// logging call can still reach it: close it, or drop it (a thread
    /// that logged through this logger before keeps a copy of its routing
    /// until its next call, so a dropped handler closes then, or at
    /// shutdown; a handler you close closes at once).
    pub fn remove_handler(&self, handler: &Arc<FemtoHandler>) -> bool {
        let mut removed = false;
        self.configure(|entry| {
            let before = entry.handlers.len();
            entry.handlers.retain(|h| !Arc::ptr_eq(h, handler));
            removed = entry.handlers.len() != before;
        });
        removed
    }

    /// Replaces this logger's handlers in one step: a record sees either
    /// the old set or the new one, never both or neither. Returns the old
    /// set once no logging call under way can still reach it, so its
    /// handlers can be closed without losing a record.
    pub fn set_handlers(&self, handlers: Vec<Arc<FemtoHandler>>) -> Vec<Arc<FemtoHandler>> {
        let mut old = Vec::new();
        self.configure(|entry| old = std::mem::replace(&mut entry.handlers, handlers));
        old
    }

    /// Detaches every handler of this logger.
    pub fn clear_handlers(&self) {
        self.configure(|entry| entry.handlers.clear());
    }

    /// This logger's own handlers.
    pub fn handlers(&self) -> Vec<Arc<FemtoHandler>> {
        self.manager
            .upgrade()
            .and_then(|shared| {
                Manager::from_shared(shared).read(|state| {
                    state
                        .loggers
                        .get(&*self.name)
                        .map(|entry| entry.handlers.clone())
                })
            })
            .unwrap_or_default()
    }

    /// Whether a record from this logger must carry the call's location:
    /// a handler it reaches, or one of its filters, reads it (see
    /// [`FemtoHandler::needs_location`]). True when no handler is reached
    /// (the last resort may be anything). Bindings check it before they
    /// capture a caller's file, line and function.
    pub fn needs_location(&self) -> bool {
        self.route().needs_location()
    }

    /// Where this logger's records go as of now, loaded once for a call
    /// that asks [`Route::needs_location`] and then dispatches (the call
    /// counts as under way for configuration changes until it is dropped).
    pub fn route(&self) -> Route<'_> {
        Route {
            logger: self,
            dispatch: crate::calls::hold(self),
        }
    }

    /// The routing as published now (a thread keeps a copy: see `calls`).
    pub(crate) fn current_dispatch(&self) -> Arc<Dispatch> {
        self.dispatch.load_full()
    }

    /// Tells this logger from every other one made in the process, even
    /// one later made at the same address.
    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    /// Whether a record from this logger would reach any handler (stdlib
    /// `hasHandlers`).
    pub fn has_handlers(&self) -> bool {
        !self.dispatch.load().handlers.is_empty()
    }

    /// Adds a filter; records it refuses go nowhere.
    pub fn add_filter(&self, filter: Arc<dyn FemtoFilter>) {
        self.configure(|entry| entry.filters.push(filter));
    }

    /// Removes `filter` (by identity); returns whether it was attached.
    pub fn remove_filter(&self, filter: &Arc<dyn FemtoFilter>) -> bool {
        let mut removed = false;
        self.configure(|entry| {
            let before = entry.filters.len();
            entry.filters.retain(|f| !same_filter(f, filter));
            removed = entry.filters.len() != before;
        });
        removed
    }

    /// Logs `message` at `level` if enabled.
    pub fn log(&self, level: FemtoLevel, message: &str) -> LogOutcome {
        if !self.is_enabled_for(level) {
            return LogOutcome::Disabled;
        }
        self.route()
            .dispatch_message(level, message, SourceLocation::default())
    }

    /// Logs the message `args` make, from `location`; the caller has
    /// checked [`FemtoLogger::is_enabled_for`] (what the `info!` …
    /// macros use for an event without key-values). The text is written
    /// into a buffer the thread keeps, so a call allocates nothing.
    pub fn log_args(
        &self,
        level: FemtoLevel,
        args: std::fmt::Arguments<'_>,
        location: SourceLocation,
    ) -> LogOutcome {
        if let Some(text) = args.as_str() {
            return self.route().dispatch_message(level, text, location);
        }
        let mut buffer = MESSAGE_BUFFER.try_with(Cell::take).unwrap_or_default();
        buffer.clear();
        // Writing to a String fails only if a Display impl does.
        let _ = std::fmt::Write::write_fmt(&mut buffer, args);
        let outcome = self.route().dispatch_message(level, &buffer, location);
        if buffer.capacity() <= MAX_KEPT_BUFFER {
            // A thread that is exiting keeps nothing.
            let _ = MESSAGE_BUFFER.try_with(|kept| kept.set(buffer));
        }
        outcome
    }

    /// Runs the logger's filters and hands `record` to every handler. The
    /// caller has checked [`FemtoLogger::is_enabled_for`].
    pub fn dispatch(&self, record: FemtoLogRecord) -> LogOutcome {
        self.dispatch_shared(Arc::new(record))
    }

    /// As [`FemtoLogger::dispatch`] for a record made by
    /// [`FemtoLogger::record`] (the fast path: no allocation).
    pub fn dispatch_shared(&self, record: Arc<FemtoLogRecord>) -> LogOutcome {
        self.route().dispatch(record)
    }

    fn dispatch_along(&self, dispatch: &Held, record: Arc<FemtoLogRecord>) -> LogOutcome {
        if !dispatch.filters.is_empty() && !passes(&dispatch.filters, &record, &self.name) {
            return LogOutcome::Filtered;
        }
        let mut targets = dispatch.handlers.iter().zip(dispatch.queues());
        let Some((last, last_queue)) = targets.next_back() else {
            return self.last_resort(record, false);
        };
        let mut outcome = LogOutcome::Queued;
        for (handler, queue) in targets {
            if handler.handle_kept(Arc::clone(&record), queue, dispatch) == Enqueued::Dropped {
                outcome = LogOutcome::Dropped;
            }
        }
        // The last handler takes our reference, so the worker that drops
        // the record last can recycle it.
        if last.handle_kept(record, last_queue, dispatch) == Enqueued::Dropped {
            outcome = LogOutcome::Dropped;
        }
        outcome
    }

    /// Whether a record from this logger has nowhere to go once its
    /// binding has run the caller-side handlers: every handler it reaches
    /// is one of those, and the logger has no filters. The binding then
    /// need not build the record at all.
    pub fn only_caller_side(&self) -> bool {
        self.only_caller_side.load(Ordering::Relaxed)
    }

    /// As [`FemtoLogger::dispatch_shared`] for a record the binding that
    /// logged it has already handed to the caller-side handlers it reaches
    /// (see [`HandlerOptions::caller_side`]): those are skipped, and count
    /// as handlers found (no last resort); a caller-side last resort is the
    /// binding's to run too.
    ///
    /// [`HandlerOptions::caller_side`]: crate::HandlerOptions::caller_side
    pub fn dispatch_caller_side_done(&self, record: Arc<FemtoLogRecord>) -> LogOutcome {
        let dispatch = crate::calls::hold(self);
        if !dispatch.filters.is_empty() && !passes(&dispatch.filters, &record, &self.name) {
            return LogOutcome::Filtered;
        }
        if dispatch.handlers.is_empty() {
            return self.last_resort(record, true);
        }
        let mut outcome = LogOutcome::Queued;
        let mut targets = dispatch
            .handlers
            .iter()
            .zip(dispatch.queues())
            .filter(|(handler, _)| !handler.caller_side())
            .peekable();
        let mut record = Some(record);
        while let Some((handler, queue)) = targets.next() {
            // The last target takes our reference (see `dispatch_shared`).
            let shared = if targets.peek().is_some() {
                record.clone()
            } else {
                record.take()
            };
            let dropped = shared.is_some_and(|shared| {
                handler.handle_kept(shared, queue, &dispatch) == Enqueued::Dropped
            });
            if dropped {
                outcome = LogOutcome::Dropped;
            }
        }
        outcome
    }

    /// A record from this logger (recycled when possible), completed by
    /// `fill`, for [`FemtoLogger::dispatch_shared`].
    pub fn record(
        &self,
        level: FemtoLevel,
        message: &str,
        fill: impl FnOnce(&mut FemtoLogRecord),
    ) -> Arc<FemtoLogRecord> {
        crate::record_pool::make(self.name.clone(), level, message, fill)
    }

    /// As [`FemtoLogger::record`], stamped `created_ns` (the time the
    /// caller took; `0`: now): one clock read a call for hosts that need
    /// the time themselves.
    pub fn record_at(
        &self,
        level: FemtoLevel,
        message: &str,
        created_ns: u64,
        fill: impl FnOnce(&mut FemtoLogRecord),
    ) -> Arc<FemtoLogRecord> {
        crate::record_pool::make_at(
            self.name.clone(),
            level,
            created_ns,
            |buffer| buffer.push_str(message),
            fill,
        )
    }

    /// As [`FemtoLogger::record`], formatting `args` straight into the
    /// record (what the `info!` … macros use: no `String` per call).
    pub fn record_args(
        &self,
        level: FemtoLevel,
        args: std::fmt::Arguments<'_>,
        fill: impl FnOnce(&mut FemtoLogRecord),
    ) -> Arc<FemtoLogRecord> {
        crate::record_pool::make_with(
            self.name.clone(),
            level,
            |buffer| {
                // Writing to a String fails only if a Display impl does.
                let _ = std::fmt::Write::write_fmt(buffer, args);
            },
            fill,
        )
    }

    /// Hands a record that reached no handler to the last resort; not when
    /// `caller_side_done` and the last resort is caller-side: the binding
    /// ran it on the calling thread (Python's `lastResort`, which writes to
    /// `sys.stderr` as it is at the call).
    fn last_resort(&self, record: Arc<FemtoLogRecord>, caller_side_done: bool) -> LogOutcome {
        let handler = self
            .manager
            .upgrade()
            .and_then(|shared| Manager::from_shared(shared).last_resort())
            .filter(|handler| !(caller_side_done && handler.caller_side()));
        match handler.map(|h| h.handle(record)) {
            Some(Enqueued::Dropped) => LogOutcome::Dropped,
            _ => LogOutcome::Queued,
        }
    }

    /// Logs `message` at TRACE.
    pub fn trace(&self, message: &str) -> LogOutcome {
        self.log(FemtoLevel::TRACE, message)
    }
    /// Logs `message` at DEBUG.
    pub fn debug(&self, message: &str) -> LogOutcome {
        self.log(FemtoLevel::DEBUG, message)
    }
    /// Logs `message` at INFO.
    pub fn info(&self, message: &str) -> LogOutcome {
        self.log(FemtoLevel::INFO, message)
    }
    /// Logs `message` at WARNING.
    pub fn warning(&self, message: &str) -> LogOutcome {
        self.log(FemtoLevel::WARNING, message)
    }
    /// Logs `message` at ERROR.
    pub fn error(&self, message: &str) -> LogOutcome {
        self.log(FemtoLevel::ERROR, message)
    }
    /// Logs `message` at CRITICAL.
    pub fn critical(&self, message: &str) -> LogOutcome {
        self.log(FemtoLevel::CRITICAL, message)
    }
}
