//! Logger handles and the logging calls.

use std::cell::OnceCell;
use std::ffi::c_char;
use std::sync::Arc;

use femto_abi::{
    femto_filter, femto_handler, femto_log_args, femto_logger, femto_logger_state, femto_status,
    femto_str,
};
use femto_core::context::ThreadIdentity;
use femto_core::intern::Text;
use femto_core::record::RecordFields;
use femto_core::{FemtoLogRecord, FemtoLogger, LogOutcome, LoggerState, Manager, SourceLocation};

use crate::cast::{borrow_logger, handle, logger, to_c};
use crate::filter::FilterBox;

use crate::level::level;
use crate::lifecycle::ensure_initialized;
use crate::status::{boundary, boundary_or, fail, require, Outcome, Status};
use crate::types::{array, invalid, key_values, optional, optional_interned, put, sized, text};

/// The logger behind `logger`, or `None` for NULL or another kind (for
/// the exports that answer a plain `bool` or string).
fn logger_or_none<'a>(logger: *const femto_logger) -> Option<&'a FemtoLogger> {
    // SAFETY: the export's contract: NULL or a pointer from this library;
    // `borrow_logger` checks both.
    unsafe { borrow_logger(logger, "logger") }.ok()
}

/// Finds or creates the logger `name`/`name_len` (dotted, UTF-8; "" or
/// "root" is the root logger) and its parents. Invalid names (empty
/// segment, leading or trailing dot) fail with `INVALID_ARGUMENT`.
/// Thread-safe.
#[no_mangle]
pub extern "C" fn femto_logger_get(
    name: *const c_char,
    name_len: usize,
    out: *mut *const femto_logger,
) -> femto_status {
    boundary(|| {
        require!(out);
        ensure_initialized();
        let name = text(name, name_len, "name")?;
        let logger = Manager::global().get_logger(name).map_err(invalid)?;
        put(out, Arc::as_ptr(&logger).cast::<femto_logger>());
        Ok(Status::Ok)
    })
}

/// Whether a record at `level` would be logged. One atomic load; returns
/// false for NULL. The `FEMTO_INFO` … macros make the same check inline
/// (`femto_logger_enabled_`) before formatting. Thread-safe.
#[no_mangle]
pub extern "C" fn femto_logger_is_enabled_for(logger: *const femto_logger, level: i32) -> bool {
    boundary_or(false, || {
        level >= 0
            && logger_or_none(logger)
                .is_some_and(|logger| logger.is_enabled_for(femto_core::FemtoLevel(level as u32)))
    })
}

/// Sets the logger's level (0 = NOTSET: inherit from the parent). Takes
/// effect at once in every thread.
#[no_mangle]
pub extern "C" fn femto_logger_set_level(
    logger: *const femto_logger,
    level_value: i32,
) -> femto_status {
    boundary(|| {
        logger!(logger).set_level(level(level_value)?);
        Ok(Status::Ok)
    })
}

fn write_level(out: *mut i32, value: femto_core::FemtoLevel) -> Outcome {
    let value = i32::try_from(value.value())
        .map_err(|_| fail(Status::InvalidState, "level out of range"))?;
    put(out, value);
    Ok(Status::Ok)
}

/// The logger's own level (0 if NOTSET). Thread-safe.
#[no_mangle]
pub extern "C" fn femto_logger_get_level(
    logger: *const femto_logger,
    out_level: *mut i32,
) -> femto_status {
    boundary(|| {
        let logger = logger!(logger);
        require!(out_level);
        write_level(out_level, logger.level())
    })
}

/// The level in force: the nearest level set on the logger or an ancestor.
/// Thread-safe.
#[no_mangle]
pub extern "C" fn femto_logger_get_effective_level(
    logger: *const femto_logger,
    out_level: *mut i32,
) -> femto_status {
    boundary(|| {
        let logger = logger!(logger);
        require!(out_level);
        write_level(out_level, logger.effective_level())
    })
}

/// Whether records also go to the ancestors' handlers (default true).
/// Thread-safe.
#[no_mangle]
pub extern "C" fn femto_logger_set_propagate(
    logger: *const femto_logger,
    propagate: bool,
) -> femto_status {
    boundary(|| {
        logger!(logger).set_propagate(propagate);
        Ok(Status::Ok)
    })
}

/// Whether records from `logger` must carry the call's source location:
/// a handler it reaches prints it (its format names `%(pathname)s`,
/// `%(filename)s`, `%(module)s`, `%(lineno)d` or `%(funcName)s`), a
/// filter or a callback may read it, or no handler is reached. A binding
/// that pays to find its caller can skip that when this is false; the
/// `FEMTO_*` macros' location costs nothing and `femto_logger_log_at`
/// checks for itself. False for NULL. Thread-safe.
#[no_mangle]
pub extern "C" fn femto_logger_needs_location(logger: *const femto_logger) -> bool {
    boundary_or(false, || {
        logger_or_none(logger).is_some_and(FemtoLogger::needs_location)
    })
}

/// Whether a record from `logger` that its caller has already handed to
/// the caller-side handlers (`femto_handler_options.caller_side`) has
/// nowhere else to go: every handler it reaches is caller-side and the
/// logger has no filters. The caller can then skip
/// `femto_logger_log_ex` altogether. False for NULL. Thread-safe.
#[no_mangle]
pub extern "C" fn femto_logger_only_caller_side(logger: *const femto_logger) -> bool {
    boundary_or(false, || {
        logger_or_none(logger).is_some_and(FemtoLogger::only_caller_side)
    })
}

/// Turns the logger off entirely (`true`) or back on, whatever its level
/// (Python's `Logger.disabled`). Thread-safe; takes effect at once.
#[no_mangle]
pub extern "C" fn femto_logger_set_disabled(
    logger: *const femto_logger,
    disabled: bool,
) -> femto_status {
    boundary(|| {
        logger!(logger).set_disabled(disabled);
        Ok(Status::Ok)
    })
}

/// The most loggers one `femto_loggers_set` call may change.
const MAX_LOGGER_STATES: usize = 1 << 20;
/// The most handlers one logger may be given in one call.
const MAX_HANDLERS: usize = 1 << 16;

/// Sets the level, `propagate`, `disabled` flag and handlers of
/// `count` loggers (`states`, borrowed for the call) as one change: a
/// record logged meanwhile sees every one of them as before or every one
/// as now, never a mix. On return no logging call can reach a handler
/// that was taken off, so it can be closed without losing a record.
/// Nothing changes if any entry is invalid. Thread-safe.
#[no_mangle]
pub extern "C" fn femto_loggers_set(
    states: *const femto_logger_state,
    count: usize,
) -> femto_status {
    boundary(|| {
        let states = array(states, count, "states", MAX_LOGGER_STATES)?;
        let mut changes = Vec::with_capacity(states.len());
        for state in states {
            let name = logger!(state.logger, "states.logger").name();
            let handlers = handler_list(state.handlers, state.handler_count, "states.handlers")?;
            changes.push(LoggerState {
                logger: Manager::global().get_logger(name).map_err(invalid)?,
                level: level(state.level)?,
                propagate: state.propagate,
                disabled: state.disabled,
                handlers,
            });
        }
        Manager::global().set_logger_states(changes);
        Ok(Status::Ok)
    })
}

/// The engine handlers behind `count` handles at `handlers` (`what` names
/// the argument in errors).
fn handler_list(
    handlers: *const *const femto_handler,
    count: usize,
    what: &str,
) -> Result<Vec<Arc<femto_core::FemtoHandler>>, Status> {
    let handles = array(handlers, count, what, MAX_HANDLERS)?;
    let mut list = Vec::with_capacity(handles.len());
    for &handler in handles {
        let handler: &Arc<_> = handle!(handler, what);
        list.push(Arc::clone(handler));
    }
    Ok(list)
}

/// Replaces the logger's own handlers with the `count` handlers at
/// `handlers` (borrowed for the call; NULL when 0), in one step: a record
/// meets the old set or the new one, never both or neither, and on return
/// no logging call can reach a handler taken off. Its level, `propagate`
/// and `disabled` flag stay as they are. Nothing changes if a handle is
/// invalid. Thread-safe.
#[no_mangle]
pub extern "C" fn femto_logger_set_handlers(
    logger: *const femto_logger,
    handlers: *const *const femto_handler,
    count: usize,
) -> femto_status {
    boundary(|| {
        let logger = logger!(logger);
        let handlers = handler_list(handlers, count, "handlers")?;
        drop(logger.set_handlers(handlers));
        Ok(Status::Ok)
    })
}

/// Turns off every record at or below `level` in every logger (Python's
/// `logging.disable`); `FEMTO_LEVEL_NOTSET` turns them back on. Thread-safe.
#[no_mangle]
pub extern "C" fn femto_disable(level_value: i32) -> femto_status {
    boundary(|| {
        Manager::global().disable(level(level_value)?);
        Ok(Status::Ok)
    })
}

/// Chooses where records go that reach no handler (Python's
/// `logging.lastResort`): `handler` (the engine takes its own reference),
/// or nowhere with NULL. The default is a stderr handler at WARNING.
/// Thread-safe.
#[no_mangle]
pub extern "C" fn femto_set_last_resort(handler: *const femto_handler) -> femto_status {
    boundary(|| {
        ensure_initialized();
        let manager = Manager::global();
        if handler.is_null() {
            manager.set_last_resort(false);
            manager.set_last_resort_handler(None);
        } else {
            let handler: &Arc<_> = handle!(handler);
            manager.set_last_resort_handler(Some(Arc::clone(handler)));
            manager.set_last_resort(true);
        }
        Ok(Status::Ok)
    })
}

/// Attaches a handler (the logger takes its own reference; attaching the
/// same handler twice has no effect). Thread-safe.
#[no_mangle]
pub extern "C" fn femto_logger_add_handler(
    logger: *const femto_logger,
    handler: *const femto_handler,
) -> femto_status {
    boundary(|| {
        let logger = logger!(logger);
        logger.add_handler(Arc::clone(handle!(handler)));
        Ok(Status::Ok)
    })
}

/// Detaches a handler; `INVALID_ARGUMENT` if it was not attached.
/// Thread-safe.
#[no_mangle]
pub extern "C" fn femto_logger_remove_handler(
    logger: *const femto_logger,
    handler: *const femto_handler,
) -> femto_status {
    boundary(|| {
        let logger = logger!(logger);
        if logger.remove_handler(handle!(handler)) {
            Ok(Status::Ok)
        } else {
            Err(fail(
                Status::InvalidArgument,
                "handler is not attached to this logger",
            ))
        }
    })
}

/// Detaches every handler of this logger. Thread-safe.
#[no_mangle]
pub extern "C" fn femto_logger_clear_handlers(logger: *const femto_logger) -> femto_status {
    boundary(|| {
        logger!(logger).clear_handlers();
        Ok(Status::Ok)
    })
}

/// Adds a filter run on the logging thread for records made by this logger
/// (the logger takes its own reference). Thread-safe.
#[no_mangle]
pub extern "C" fn femto_logger_add_filter(
    logger: *const femto_logger,
    filter: *const femto_filter,
) -> femto_status {
    boundary(|| {
        let logger = logger!(logger);
        let filter: &FilterBox = handle!(filter);
        logger.add_filter(Arc::clone(filter));
        Ok(Status::Ok)
    })
}

/// Removes a filter; `INVALID_ARGUMENT` if it was not attached. Thread-safe.
#[no_mangle]
pub extern "C" fn femto_logger_remove_filter(
    logger: *const femto_logger,
    filter: *const femto_filter,
) -> femto_status {
    boundary(|| {
        let logger = logger!(logger);
        if logger.remove_filter(handle!(filter)) {
            Ok(Status::Ok)
        } else {
            Err(fail(
                Status::InvalidArgument,
                "filter is not attached to this logger",
            ))
        }
    })
}

fn outcome(result: LogOutcome) -> Outcome {
    Ok(match result {
        LogOutcome::Dropped => Status::Dropped,
        LogOutcome::Disabled | LogOutcome::Filtered | LogOutcome::Queued => Status::Ok,
    })
}

/// Logs `message`/`message_len` (UTF-8, copied) at `level`. Returns
/// `FEMTO_STATUS_OK` also when the level is disabled or a filter rejected
/// the record, and `FEMTO_STATUS_DROPPED` when a handler dropped it.
/// Thread-safe; never blocks on I/O (only on a full `block` queue).
#[no_mangle]
pub extern "C" fn femto_logger_log(
    logger: *const femto_logger,
    level_value: i32,
    message: *const c_char,
    message_len: usize,
) -> femto_status {
    boundary(|| {
        let logger = logger!(logger);
        let level = level(level_value)?;
        if !logger.is_enabled_for(level) {
            return Ok(Status::Ok);
        }
        let message = text(message, message_len, "message")?;
        outcome(logger.dispatch_shared(logger.record(level, message, |_| {})))
    })
}

/// As `femto_logger_log`, with the source location: `file`/`file_len` and
/// `function`/`function_len` (UTF-8; NULL with length 0 if unknown). The
/// `FEMTO_*` macros pass `__FILE__` and `__func__` with their lengths from
/// `sizeof`. Thread-safe.
#[no_mangle]
pub extern "C" fn femto_logger_log_at(
    logger: *const femto_logger,
    level_value: i32,
    message: *const c_char,
    message_len: usize,
    file: *const c_char,
    file_len: usize,
    line: u32,
    function: *const c_char,
    function_len: usize,
) -> femto_status {
    boundary(|| {
        let logger = logger!(logger);
        let level = level(level_value)?;
        if !logger.is_enabled_for(level) {
            return Ok(Status::Ok);
        }
        let message = text(message, message_len, "message")?;
        let route = logger.route();
        // Nothing a handler prints or reads needs the location: skip it.
        let location = if route.needs_location() {
            SourceLocation {
                file: optional_interned(femto_str::new(file, file_len), "file")?,
                line,
                function: optional_interned(femto_str::new(function, function_len), "function")?,
                module: None,
            }
        } else {
            SourceLocation::default()
        };
        outcome(route.dispatch_message(level, message, location))
    })
}

/// Validates and copies everything `args` carries, then builds the record.
pub(crate) fn build_record(
    logger: &FemtoLogger,
    args: &femto_log_args,
    level: femto_core::FemtoLevel,
) -> Result<Arc<FemtoLogRecord>, Status> {
    Ok(CallFields::of(logger, args, level)?.into_record())
}

/// Record text for `text` (already checked): interned, as the other texts
/// of the C API are.
fn interned(text: &str) -> Text {
    femto_core::intern::cached(text.as_bytes()).unwrap_or_else(|_| Text::Owned(text.to_owned()))
}

/// The record `args` describes, its texts checked and read in place: what
/// a template formatter formats without a record being built (no pooled
/// record, no interning of its texts), and what [`build_record`] builds
/// one from. It keeps `args` itself, not a copy of its fields: a call
/// formats a few of them and the rest need not move.
pub(crate) struct CallFields<'a> {
    logger: &'a FemtoLogger,
    level: femto_core::FemtoLevel,
    /// Every text of `args` was checked by [`CallFields::of`] (each
    /// pointer valid for its length, the bytes UTF-8): the accessors read
    /// them without checking again.
    args: &'a femto_log_args,
    /// What `args` leaves out, read when a format first prints it: the
    /// time of the call and the calling thread.
    now_ns: OnceCell<u64>,
    current_thread: OnceCell<ThreadIdentity>,
}

impl<'a> CallFields<'a> {
    /// The fields of `args`, each text checked here (the same checks, in
    /// the same order, as a record built from them); the time and thread
    /// `args` leaves out are those of the call (as [`build_record`] fills
    /// them).
    pub(crate) fn of(
        logger: &'a FemtoLogger,
        args: &'a femto_log_args,
        level: femto_core::FemtoLevel,
    ) -> Result<Self, Status> {
        optional(args.message, "message")?;
        optional(args.file, "file")?;
        optional(args.function, "function")?;
        optional(args.module, "module")?;
        for kv in self::key_values(args.key_values, args.key_value_count)? {
            optional(kv.key, "key_values.key")?;
            optional(kv.value, "key_values.value")?;
        }
        optional(args.exception, "exception")?;
        optional(args.stack, "stack")?;
        optional(args.thread_name, "thread_name")?;
        Ok(CallFields {
            logger,
            level,
            args,
            now_ns: OnceCell::new(),
            current_thread: OnceCell::new(),
        })
    }

    /// One of `args`' texts; `None` when absent.
    fn text(&self, text: femto_str) -> Option<&'a str> {
        if text.ptr.is_null() {
            return None;
        }
        // SAFETY: `of` checked this text of `args` (a pointer valid for
        // its length during the call, whose bytes are UTF-8), and `args`
        // outlives `self`.
        Some(unsafe {
            std::str::from_utf8_unchecked(std::slice::from_raw_parts(
                text.ptr.cast::<u8>(),
                text.len,
            ))
        })
    }

    /// The key-values of `args`, absent keys and values as `""`.
    fn key_values(&self) -> impl DoubleEndedIterator<Item = (&'a str, &'a str)> + '_ {
        // `of` checked the array (no more than `MAX_KEY_VALUES`).
        let pairs = key_values(self.args.key_values, self.args.key_value_count).unwrap_or(&[]);
        pairs.iter().map(|kv| {
            (
                self.text(kv.key).unwrap_or(""),
                self.text(kv.value).unwrap_or(""),
            )
        })
    }

    /// The record: the pooled one of `logger`, its texts interned; the
    /// time and thread `args` leaves out are stamped as it is made.
    fn into_record(self) -> Arc<FemtoLogRecord> {
        let args = self.args;
        self.logger
            .record_at(self.level, self.message(), args.created_ns, |record| {
                record.location = SourceLocation {
                    file: self.file().map(interned),
                    line: args.line,
                    function: self.function().map(interned),
                    module: self.module().map(interned),
                };
                record
                    .key_values
                    .extend(self.key_values().map(|(k, v)| (k.into(), v.into())));
                record.exception = self.exception().map(str::to_owned);
                record.stack = self.stack().map(str::to_owned);
                if let Some(name) = self.text(args.thread_name) {
                    record.thread_name = interned(name);
                }
                if args.thread_id != 0 {
                    record.thread_id = args.thread_id;
                }
            })
    }

    fn current_thread(&self) -> &ThreadIdentity {
        self.current_thread
            .get_or_init(femto_core::context::current_thread)
    }
}

impl RecordFields for CallFields<'_> {
    fn logger(&self) -> &str {
        self.logger.name()
    }
    fn level(&self) -> femto_core::FemtoLevel {
        self.level
    }
    fn message(&self) -> &str {
        self.text(self.args.message).unwrap_or("")
    }
    fn created_ns(&self) -> u64 {
        match self.args.created_ns {
            0 => *self.now_ns.get_or_init(femto_core::context::now_ns),
            given => given,
        }
    }
    fn thread_id(&self) -> u64 {
        match self.args.thread_id {
            0 => self.current_thread().id,
            given => given,
        }
    }
    fn thread_name(&self) -> &str {
        match self.text(self.args.thread_name) {
            Some(name) => name,
            None => &self.current_thread().name,
        }
    }
    fn process_id(&self) -> u32 {
        femto_core::context::process_id()
    }
    fn file(&self) -> Option<&str> {
        self.text(self.args.file)
    }
    fn line(&self) -> u32 {
        self.args.line
    }
    fn function(&self) -> Option<&str> {
        self.text(self.args.function)
    }
    fn module(&self) -> Option<&str> {
        self.text(self.args.module)
    }
    fn key_value(&self, key: &str) -> Option<&str> {
        self.key_values()
            .rev()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v)
    }
    fn exception(&self) -> Option<&str> {
        self.text(self.args.exception)
    }
    fn stack(&self) -> Option<&str> {
        self.text(self.args.stack)
    }
}

/// Logs a record with every field `args` carries (location, key-values,
/// exception and stack text, thread and time overrides). Same results as
/// `femto_logger_log`. Thread-safe.
#[no_mangle]
pub extern "C" fn femto_logger_log_ex(
    logger: *const femto_logger,
    args: *const femto_log_args,
) -> femto_status {
    boundary(|| {
        let logger = logger!(logger);
        require!(args);
        let args = sized(args)?;
        let level = level(args.level)?;
        if !logger.is_enabled_for(level) {
            return Ok(Status::Ok);
        }
        if args.caller_side_done && logger.only_caller_side() {
            return Ok(Status::Ok);
        }
        let record = build_record(logger, &args, level)?;
        if !args.caller_side_done {
            return outcome(logger.dispatch_shared(record));
        }
        match logger.dispatch_caller_side_done(record) {
            LogOutcome::Filtered => Ok(Status::Filtered),
            other => outcome(other),
        }
    })
}

/// Hands one record straight to `handler`, bypassing loggers: the
/// handler's level and filters apply, the logger's level, filters and
/// other handlers do not. `logger` only names the record. Used to
/// re-emit records that were routed elsewhere first (Python's
/// `Handler.handle(record)`, queue listeners, memory handlers). Returns
/// `FEMTO_STATUS_OK` also when the handler's level or filters reject the
/// record, `FEMTO_STATUS_DROPPED` when its queue dropped it. Thread-safe.
#[no_mangle]
pub extern "C" fn femto_handler_log_ex(
    handler: *const femto_handler,
    logger: *const femto_logger,
    args: *const femto_log_args,
) -> femto_status {
    boundary(|| {
        let handler = handle!(handler);
        let logger = logger!(logger);
        require!(args);
        let args = sized(args)?;
        let level = level(args.level)?;
        let record = build_record(logger, &args, level)?;
        Ok(match handler.handle(record) {
            femto_core::Enqueued::Dropped => Status::Dropped,
            _ => Status::Ok,
        })
    })
}

/// The logger's name as a NUL-terminated string valid for the life of the
/// process ("root" for the root logger; "" for NULL). Thread-safe.
#[no_mangle]
pub extern "C" fn femto_logger_name(logger: *const femto_logger) -> *const c_char {
    boundary_or(c"".as_ptr(), || match logger_or_none(logger) {
        Some(logger) => crate::interned::with_nul(logger.name()).as_ptr().cast(),
        None => c"".as_ptr(),
    })
}

/// Writes `flag` to `out` for a logger getter.
fn get_flag(
    logger: *const femto_logger,
    out: *mut bool,
    read: fn(&FemtoLogger) -> bool,
) -> Outcome {
    let logger = logger!(logger);
    require!(out);
    put(out, read(logger));
    Ok(Status::Ok)
}

/// Whether the logger passes its records on to its ancestors' handlers,
/// to `*out`. Thread-safe.
#[no_mangle]
pub extern "C" fn femto_logger_get_propagate(
    logger: *const femto_logger,
    out: *mut bool,
) -> femto_status {
    boundary(|| get_flag(logger, out, FemtoLogger::propagate))
}

/// Whether the logger is disabled (`femto_logger_set_disabled`), to
/// `*out`. Thread-safe.
#[no_mangle]
pub extern "C" fn femto_logger_get_disabled(
    logger: *const femto_logger,
    out: *mut bool,
) -> femto_status {
    boundary(|| get_flag(logger, out, FemtoLogger::disabled))
}

/// The logger's own handlers (not its ancestors'), in the order records
/// reach them, as new references: writes them to `out` (an array of
/// `capacity`) and their number to `*out_count`. When `capacity` is too
/// small, writes only `*out_count` and returns `BUFFER_TOO_SMALL`: call
/// again with a larger array. Release each with `femto_handler_free`.
/// Compare handlers with `femto_handler_id`. Thread-safe (a snapshot).
#[no_mangle]
pub extern "C" fn femto_logger_handlers(
    logger: *const femto_logger,
    out: *mut *mut femto_handler,
    capacity: usize,
    out_count: *mut usize,
) -> femto_status {
    boundary(|| {
        let logger = logger!(logger);
        require!(out_count);
        let handlers = logger.handlers();
        let count = handlers.len();
        if count > capacity {
            put(out_count, count);
            return Err(fail(
                Status::BufferTooSmall,
                format!("the logger has {count} handlers"),
            ));
        }
        if count > 0 {
            require!(out);
        }
        for (index, handler) in handlers.into_iter().enumerate() {
            // SAFETY: `out` has `capacity` writable slots (the caller's
            // promise), and `index < count <= capacity`.
            unsafe { out.add(index).write(to_c::<femto_handler>(handler)) };
        }
        put(out_count, count);
        Ok(Status::Ok)
    })
}

/// Every logger in the registry, the root first, then by name: writes
/// them to `out` (an array of `capacity`) and their number to
/// `*out_count`; `BUFFER_TOO_SMALL` as for `femto_logger_handlers`.
/// Loggers live as long as the process: there is nothing to release.
/// Thread-safe (a snapshot).
#[no_mangle]
pub extern "C" fn femto_loggers_get(
    out: *mut *const femto_logger,
    capacity: usize,
    out_count: *mut usize,
) -> femto_status {
    boundary(|| {
        require!(out_count);
        ensure_initialized();
        let loggers = Manager::global().loggers();
        if loggers.len() > capacity {
            put(out_count, loggers.len());
            return Err(fail(
                Status::BufferTooSmall,
                format!("there are {} loggers", loggers.len()),
            ));
        }
        require!(out);
        put(out_count, loggers.len());
        for (index, logger) in loggers.iter().enumerate() {
            // SAFETY: as in `femto_logger_handlers`.
            unsafe {
                out.add(index)
                    .write(Arc::as_ptr(logger).cast::<femto_logger>())
            };
        }
        Ok(Status::Ok)
    })
}

#[cfg(test)]
mod tests {
    use femto_abi::{femto_kv, femto_str};
    use femto_core::{FemtoFormatter, FemtoLevel, FormatStyle, TemplateFormatter};
    use rstest::rstest;

    use super::*;

    /// Every field a template can print, and a key-value.
    const EVERY_FIELD: &str =
        "%(name)s|%(levelname)s|%(levelno)d|%(message)s|%(asctime)s|%(msecs)03d|\
        %(created)f|%(relativeCreated)d|%(thread)d|%(threadName)s|%(process)d|%(pathname)s|\
        %(filename)s|%(module)s|%(lineno)d|%(funcName)s|%(user)s|%(message)r|%(name)-12s|";

    /// The text of `args` formatted from the call's fields and from the
    /// record `build_record` makes of them.
    fn both_ways(template: &TemplateFormatter, args: &femto_log_args) -> (String, String) {
        let logger = Manager::global().get_logger("ffi.fields").unwrap();
        let level = FemtoLevel(args.level as u32);
        let mut from_fields = String::new();
        template.format_fields(
            &CallFields::of(&logger, args, level).unwrap(),
            &mut from_fields,
        );
        let mut from_record = String::new();
        template.format(
            &build_record(&logger, args, level).unwrap(),
            &mut from_record,
        );
        (from_fields, from_record)
    }

    #[rstest]
    #[case::every_field_given(true, None)]
    #[case::thread_of_the_call(false, None)]
    #[case::module_given(true, Some("app.disk"))]
    fn a_template_prints_the_call_s_fields_as_it_prints_its_record(
        #[case] thread_given: bool,
        #[case] module: Option<&str>,
        #[values(false, true)] escaping: bool,
    ) {
        let template = TemplateFormatter::new(EVERY_FIELD, FormatStyle::Percent, None)
            .unwrap()
            .escaping_controls(escaping);
        let kvs = [femto_kv {
            key: femto_str::of("user"),
            value: femto_str::of("ann\nbob"),
        }];
        let mut args = femto_log_args::new(
            FemtoLevel::WARNING.value() as i32,
            femto_str::of("disk\n91% full"),
        );
        args.file = femto_str::of("/srv/app/disk.py");
        args.line = 7;
        args.function = femto_str::of("check");
        args.module = module.map_or(femto_str::new(std::ptr::null(), 0), femto_str::of);
        args.key_values = kvs.as_ptr();
        args.key_value_count = kvs.len();
        args.exception = femto_str::of("Traceback (most recent call last):\n  boom");
        args.stack = femto_str::of("Stack (most recent call last):\n  here");
        args.created_ns = 1_700_000_000_123_456_789;
        if thread_given {
            args.thread_name = femto_str::of("worker-3");
            args.thread_id = 77;
        }
        let (from_fields, from_record) = both_ways(&template, &args);
        assert_eq!(from_fields, from_record);
        let thread = if thread_given {
            "|77|worker-3|".to_owned()
        } else {
            let current = femto_core::context::current_thread();
            format!("|{}|{}|", current.id, current.name)
        };
        assert!(from_fields.contains(&thread), "{from_fields}");
        assert!(from_fields.contains("|/srv/app/disk.py|disk.py|"));
    }

    #[rstest]
    fn the_time_left_out_is_the_time_of_the_call() {
        let logger = Manager::global().get_logger("ffi.fields").unwrap();
        let template = TemplateFormatter::new("%(created)f", FormatStyle::Percent, None).unwrap();
        let args = femto_log_args::new(20, femto_str::of("now"));
        let before = femto_core::context::now_ns() as f64 / 1e9;
        let fields = CallFields::of(&logger, &args, FemtoLevel::INFO).unwrap();
        let mut text = String::new();
        template.format_fields(&fields, &mut text);
        let after = femto_core::context::now_ns() as f64 / 1e9;
        let created: f64 = text.parse().unwrap();
        assert!(
            before - 1e-6 <= created && created <= after + 1e-6,
            "{before} {created} {after}"
        );
        // Read once: every field that prints the time prints the same one.
        assert_eq!(fields.created_ns(), fields.created_ns());
    }

    #[rstest]
    fn text_that_is_not_utf8_is_refused_as_when_a_record_is_built() {
        let last_error = || {
            // SAFETY: `femto_last_error` returns a NUL-terminated string,
            // valid until this thread's next failing call.
            unsafe { std::ffi::CStr::from_ptr(crate::status::femto_last_error()) }
                .to_string_lossy()
                .into_owned()
        };
        let logger = Manager::global().get_logger("ffi.fields").unwrap();
        let bad = [0xffu8, 0xfe];
        let mut args = femto_log_args::new(20, femto_str::of("fine"));
        // Two fields wrong: both ways name the same one.
        args.thread_name = femto_str::new(bad.as_ptr().cast(), bad.len());
        args.file = femto_str::new(bad.as_ptr().cast(), bad.len());
        let level = FemtoLevel::INFO;
        let from_fields = CallFields::of(&logger, &args, level).err();
        let fields_error = last_error();
        let from_record = build_record(&logger, &args, level).err();
        assert_eq!(from_fields, Some(Status::InvalidArgument));
        assert_eq!(from_fields, from_record);
        assert_eq!(fields_error, last_error());
        assert!(fields_error.contains("`file`"), "{fields_error}");
    }
}
