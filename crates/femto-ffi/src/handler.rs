//! Handler handles: stream, file and callback handlers, each with its own
//! queue and worker thread.

use std::ffi::c_char;
use std::sync::Arc;
use std::time::Duration;

use femto_abi::{
    femto_file_options, femto_filter, femto_formatter, femto_handler, femto_handler_options,
    femto_handler_stats, femto_rotation_options, femto_status, femto_stream,
    femto_timed_rotation_options, FEMTO_OVERFLOW_BLOCK, FEMTO_OVERFLOW_DROP,
    FEMTO_OVERFLOW_TIMEOUT, FEMTO_STREAM_STDERR, FEMTO_STREAM_STDOUT,
};
use femto_core::{
    FemtoHandler, FileMode, FileSinkFactory, HandlerOptions, OverflowPolicy,
    RotatingFileSinkFactory, Rotation, StreamTarget, TimedRotatingFileSinkFactory, TimedRotation,
    When,
};

use crate::cast::{free, handle, to_c, Castable};
use crate::filter::FilterBox;
use crate::formatter::FormatterBox;
use crate::level::level;
use crate::lifecycle::ensure_initialized;
use crate::status::{boundary, boundary_or, fail, require, Outcome, Status};
use crate::types::{invalid, put, read_sized, text, text_out, unknown_value, write_sized};

impl Castable for femto_handler {
    type RustType = Arc<FemtoHandler>;
    const KIND: u32 = 0xFE70_4844;
    const NAME: &'static str = "femto_handler";
}

/// The largest `flush_delay_us` accepted (one second).
const MAX_FLUSH_DELAY_US: u32 = 1_000_000;

/// Whether the options say the write callback reads the text alone.
pub(crate) fn text_only(options: *const femto_handler_options) -> Result<bool, Status> {
    let raw = read_sized(options)?;
    Ok(raw.text_only)
}

/// Converts the C options into engine options.
pub(crate) fn handler_options(
    options: *const femto_handler_options,
) -> Result<HandlerOptions, Status> {
    let raw = read_sized(options)?;
    let overflow = match raw.overflow {
        FEMTO_OVERFLOW_BLOCK => OverflowPolicy::Block,
        FEMTO_OVERFLOW_DROP => OverflowPolicy::Drop,
        FEMTO_OVERFLOW_TIMEOUT => {
            OverflowPolicy::Timeout(Duration::from_millis(u64::from(raw.timeout_ms)))
        }
        other => return Err(unknown_value("options.overflow", "femto_overflow", other)),
    };
    let mut result = HandlerOptions {
        overflow,
        level: level(raw.level)?,
        name: crate::types::optional(raw.name, "options.name")?.map(str::to_owned),
        caller_side: raw.caller_side,
        flush_delay: Duration::from_micros(u64::from(raw.flush_delay_us)),
        ..HandlerOptions::default()
    };
    if raw.flush_delay_us > MAX_FLUSH_DELAY_US {
        return Err(fail(
            Status::InvalidArgument,
            format!(
                "options.flush_delay_us is {}; at most {MAX_FLUSH_DELAY_US}",
                raw.flush_delay_us
            ),
        ));
    }
    if raw.capacity > 0 {
        result.capacity = raw.capacity as usize;
    }
    if !raw.formatter.is_null() {
        let formatter: &FormatterBox = handle!(raw.formatter, "options.formatter");
        result.formatter = Arc::clone(formatter);
    }
    Ok(result)
}

pub(crate) fn publish(
    handler: Result<Arc<FemtoHandler>, femto_core::HandlerBuildError>,
    out: *mut *mut femto_handler,
) -> Outcome {
    use femto_core::HandlerBuildError::{CapacityTooLarge, ZeroCapacity};
    let handler = handler.map_err(|e| match e {
        ZeroCapacity | CapacityTooLarge(_) => invalid(e),
        _ => fail(Status::Io, e.to_string()),
    })?;
    put(out, to_c::<femto_handler>(handler));
    Ok(Status::Ok)
}

/// A handler writing to standard output or standard error. `options` may
/// be NULL for the defaults. On success `*out` holds a new reference.
/// Thread-safe.
#[no_mangle]
pub extern "C" fn femto_stream_handler_new(
    stream: femto_stream,
    options: *const femto_handler_options,
    out: *mut *mut femto_handler,
) -> femto_status {
    boundary(|| {
        require!(out);
        ensure_initialized();
        let target = match stream {
            FEMTO_STREAM_STDOUT => StreamTarget::Stdout,
            FEMTO_STREAM_STDERR => StreamTarget::Stderr,
            other => return Err(unknown_value("stream", "femto_stream", other)),
        };
        publish(FemtoHandler::stream(target, handler_options(options)?), out)
    })
}

/// A handler appending to (or, with `truncate`, first emptying) the file at
/// `path`/`path_len` (UTF-8, copied). Fails with `FEMTO_STATUS_IO` if the
/// file cannot be opened. Thread-safe.
#[no_mangle]
pub extern "C" fn femto_file_handler_new(
    path: *const c_char,
    path_len: usize,
    truncate: bool,
    options: *const femto_handler_options,
    out: *mut *mut femto_handler,
) -> femto_status {
    boundary(|| {
        require!(path, out);
        ensure_initialized();
        let path = file_path(path, path_len)?;
        let mode = if truncate {
            FileMode::Truncate
        } else {
            FileMode::Append
        };
        publish(
            FemtoHandler::file(path, mode, handler_options(options)?),
            out,
        )
    })
}

/// As `femto_file_handler_new`, with file options (`file` may be NULL for
/// the defaults: append, open now). Thread-safe.
#[no_mangle]
pub extern "C" fn femto_file_handler_new_ex(
    path: *const c_char,
    path_len: usize,
    file: *const femto_file_options,
    options: *const femto_handler_options,
    out: *mut *mut femto_handler,
) -> femto_status {
    boundary(|| {
        require!(path, out);
        ensure_initialized();
        let file = read_sized(file)?;
        let path = file_path(path, path_len)?;
        let factory = FileSinkFactory {
            mode: if file.truncate {
                FileMode::Truncate
            } else {
                FileMode::Append
            },
            delay: file.delay,
            watch: file.watch,
            ..FileSinkFactory::new(path, FileMode::Append)
        };
        publish(
            FemtoHandler::new(Box::new(factory), handler_options(options)?),
            out,
        )
    })
}

/// A handler writing to the file at `path`/`path_len` (UTF-8, copied) that
/// rolls over by size, on its worker thread: before a record would take the
/// file past `max_bytes`, `<path>.<n>` become `<path>.<n+1>` (highest first,
/// those beyond `backup_count` removed), `<path>` becomes `<path>.1`, and a
/// fresh `<path>` is started. A record larger than `max_bytes` is written
/// whole into a fresh file. If the fresh file cannot be created, the
/// handler keeps writing to the old one, reports the error to the error
/// hook and tries again at the next rollover. Names never leave the base
/// file's directory and links among them are moved, never followed.
/// `rotation` NULL means never rotate. Thread-safe.
#[no_mangle]
pub extern "C" fn femto_rotating_file_handler_new(
    path: *const c_char,
    path_len: usize,
    rotation: *const femto_rotation_options,
    options: *const femto_handler_options,
    out: *mut *mut femto_handler,
) -> femto_status {
    boundary(|| {
        require!(path, out);
        ensure_initialized();
        let rotation = read_sized(rotation)?;
        let path = file_path(path, path_len)?;
        let mode = if rotation.truncate {
            FileMode::Truncate
        } else {
            FileMode::Append
        };
        let factory = RotatingFileSinkFactory {
            delay: rotation.delay,
            ..RotatingFileSinkFactory::new(
                path,
                mode,
                Rotation::new(rotation.max_bytes, rotation.backup_count),
            )
        };
        publish(
            FemtoHandler::new(Box::new(factory), handler_options(options)?),
            out,
        )
    })
}

struct CallbackClock {
    now: unsafe extern "C-unwind" fn(*mut std::ffi::c_void) -> i64,
    offset: unsafe extern "C-unwind" fn(*mut std::ffi::c_void, i64) -> i32,
    user_data: crate::user_data::UserData,
}

impl femto_core::Clock for CallbackClock {
    fn now(&self) -> i64 {
        // Once the host has gone, the system clock.
        let system = femto_core::SystemClock.now();
        // SAFETY: valid callbacks and user data per the options' contract.
        self.user_data
            .call(system, |user_data| unsafe { (self.now)(user_data) })
    }

    fn utc_offset(&self, at: i64) -> i32 {
        let system = femto_core::SystemClock.utc_offset(at);
        // SAFETY: as above.
        self.user_data
            .call(system, |user_data| unsafe { (self.offset)(user_data, at) })
    }
}

/// A handler writing to the file at `path`/`path_len` that rolls over on a
/// schedule, as Python's `TimedRotatingFileHandler` (same schedule, same
/// backup names `<path>.<%Y-%m-%d_%H-%M-%S …>`), on its worker thread. A
/// backup name that exists already is never overwritten (`.1`, `.2` … is
/// appended), and `backup_count` removes only this handler's own oldest
/// backups. Bad options fail with `INVALID_ARGUMENT`. Thread-safe.
#[no_mangle]
pub extern "C" fn femto_timed_rotating_file_handler_new(
    path: *const c_char,
    path_len: usize,
    schedule: *const femto_timed_rotation_options,
    options: *const femto_handler_options,
    out: *mut *mut femto_handler,
) -> femto_status {
    // The clock's user data is owned from here on (destroyed on failure).
    let raw = if schedule.is_null() {
        None
    } else {
        // SAFETY: a non-NULL options pointer is readable for its `size`;
        // read_sized below validates the size before any other field is used.
        read_sized(schedule).ok()
    };
    let clock_data =
        raw.map(|r| crate::user_data::UserData::adopt(r.clock_user_data, r.clock_destroy));
    boundary(move || {
        require!(path, out);
        ensure_initialized();
        let schedule = read_sized(schedule)?;
        let path = file_path(path, path_len)?;
        let when = crate::types::optional(schedule.when, "when")?.unwrap_or("H");
        let when = When::parse(when).map_err(invalid)?;
        let at_time = schedule.has_at_time.then_some((
            schedule.at_hour,
            schedule.at_minute,
            schedule.at_second,
        ));
        let rotation = TimedRotation::new(
            when,
            schedule.interval.max(1),
            schedule.utc,
            at_time,
            schedule.backup_count,
        )
        .map_err(invalid)?;
        let mut factory = TimedRotatingFileSinkFactory {
            delay: schedule.delay,
            ..TimedRotatingFileSinkFactory::new(path, rotation)
        };
        match (schedule.clock_now, schedule.clock_utc_offset, clock_data) {
            (None, None, _) => {}
            (Some(now), Some(offset), Some(user_data)) => {
                factory.clock = Arc::new(CallbackClock {
                    now,
                    offset,
                    user_data,
                });
            }
            _ => {
                return Err(fail(
                    Status::NullArgument,
                    "`clock_now` and `clock_utc_offset` must both be set, or both NULL",
                ))
            }
        }
        publish(
            FemtoHandler::new(Box::new(factory), handler_options(options)?),
            out,
        )
    })
}

/// Changes how many backups a rotating handler (by size or by time) keeps;
/// a lower count prunes at the next rollover. `INVALID_ARGUMENT` for other
/// handlers. Thread-safe.
#[no_mangle]
pub extern "C" fn femto_handler_set_backup_count(
    handler: *const femto_handler,
    backup_count: u32,
) -> femto_status {
    boundary(|| {
        let handler = handle!(handler);
        if let Some(rotation) = handler.rotation() {
            rotation.set_backup_count(backup_count);
        } else if let Some(schedule) = handler.timed_rotation() {
            schedule.set_backup_count(backup_count);
        } else {
            return Err(fail(
                Status::InvalidArgument,
                "the handler is not a rotating file handler",
            ));
        }
        Ok(Status::Ok)
    })
}

fn rotation_of(handler: &FemtoHandler) -> Result<Arc<Rotation>, Status> {
    handler.rotation().ok_or_else(|| {
        fail(
            Status::InvalidArgument,
            "the handler is not a rotating file handler",
        )
    })
}

/// Changes a rotating handler's `max_bytes` and `backup_count`. They apply
/// to the records its worker handles from now on, which may include some
/// queued earlier (`femto_handler_flush` first for an exact cut); a lower
/// count prunes at the next rollover. `INVALID_ARGUMENT` for other
/// handlers. Thread-safe.
#[no_mangle]
pub extern "C" fn femto_handler_set_rotation(
    handler: *const femto_handler,
    max_bytes: u64,
    backup_count: u32,
) -> femto_status {
    boundary(|| {
        let rotation = rotation_of(handle!(handler))?;
        rotation.set_max_bytes(max_bytes);
        rotation.set_backup_count(backup_count);
        Ok(Status::Ok)
    })
}

/// Whether a size-rotating handler rolls a file of `file_len` bytes over
/// before writing a record of `record_len` bytes (terminator included), by
/// the rule its worker applies, to `*out` (Python's `shouldRollover`).
/// `INVALID_ARGUMENT` for other handlers. Thread-safe.
#[no_mangle]
pub extern "C" fn femto_handler_rollover_due(
    handler: *const femto_handler,
    file_len: u64,
    record_len: u64,
    out: *mut bool,
) -> femto_status {
    boundary(|| {
        let rotation = rotation_of(handle!(handler))?;
        require!(out);
        put(out, rotation.due(file_len, record_len));
        Ok(Status::Ok)
    })
}

/// A time-rotating handler's schedule, as Python's handler shows it: the
/// first rollover after `current` (seconds since the epoch) to
/// `*computed` (Python's `computeRollover`), and the rollover its worker
/// will do next to `*next_at` (Python's `rolloverAt`; `INT64_MIN` until the
/// worker has opened the file). `INVALID_ARGUMENT` for other handlers.
/// Thread-safe.
#[no_mangle]
pub extern "C" fn femto_handler_rollover_times(
    handler: *const femto_handler,
    current: i64,
    computed: *mut i64,
    next_at: *mut i64,
) -> femto_status {
    boundary(|| {
        let handler: &Arc<FemtoHandler> = handle!(handler);
        require!(computed);
        require!(next_at);
        let (Some(rotation), Some(at)) =
            (handler.timed_rotation(), handler.compute_rollover(current))
        else {
            return Err(fail(
                Status::InvalidArgument,
                "the handler is not a timed rotating file handler",
            ));
        };
        put(computed, at);
        put(next_at, rotation.next_rollover_at().unwrap_or(i64::MIN));
        Ok(Status::Ok)
    })
}

/// The backups a time-rotating handler's worker removes at its next
/// rollover (beyond its `backup_count`, oldest first; none while it keeps
/// every backup), as a JSON array of paths (Python's `getFilesToDelete`),
/// written as for `femto_handler_name`. `INVALID_ARGUMENT` for other
/// handlers, `IO` if the directory cannot be read. Thread-safe.
#[no_mangle]
pub extern "C" fn femto_handler_backups_to_delete(
    handler: *const femto_handler,
    buffer: *mut c_char,
    capacity: usize,
    out_len: *mut usize,
) -> femto_status {
    boundary(|| {
        let handler: &Arc<FemtoHandler> = handle!(handler);
        require!(out_len);
        let Some(listed) = handler.backups_to_delete() else {
            return Err(fail(
                Status::InvalidArgument,
                "the handler is not a timed rotating file handler",
            ));
        };
        let paths = listed.map_err(|e| fail(Status::Io, e.to_string()))?;
        let paths: Vec<String> = paths
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        let json = serde_json::to_string(&paths).map_err(|e| fail(Status::Io, e.to_string()))?;
        text_out(&json, buffer, capacity, out_len)
    })
}

/// Rolls a rotating handler (by size or by time) over after the records
/// queued so far (Python's `doRollover()`); `femto_handler_flush` waits for
/// it. `INVALID_ARGUMENT` for other handlers, `INVALID_STATE` once closed.
/// Thread-safe.
#[no_mangle]
pub extern "C" fn femto_handler_roll_over(handler: *const femto_handler) -> femto_status {
    boundary(|| {
        let handler: &Arc<FemtoHandler> = handle!(handler);
        if handler.timed_rotation().is_none() {
            rotation_of(handler)?;
        }
        if handler.roll_over() {
            Ok(Status::Ok)
        } else {
            Err(fail(Status::InvalidState, "the handler is closed"))
        }
    })
}

/// A log file's path: UTF-8, not empty.
fn file_path<'a>(path: *const c_char, path_len: usize) -> Result<&'a str, Status> {
    let path = text(path, path_len, "path")?;
    if path.is_empty() {
        return Err(fail(Status::InvalidArgument, "argument `path` is empty"));
    }
    Ok(path)
}

/// A handler that discards every record, with no queue and no thread
/// (Python's `NullHandler`): attached to a logger it counts as a handler,
/// so records do not fall through to the last-resort stderr handler.
/// Thread-safe.
#[no_mangle]
pub extern "C" fn femto_null_handler_new(out: *mut *mut femto_handler) -> femto_status {
    boundary(|| {
        require!(out);
        ensure_initialized();
        put(out, to_c::<femto_handler>(FemtoHandler::null()));
        Ok(Status::Ok)
    })
}

/// Releases the caller's reference; loggers keep theirs. When the last
/// reference goes, the queue is drained by the worker in the background
/// (`femto_shutdown` waits for it). A thread that logged to the handler
/// through a logger keeps a reference until its next logging call after
/// the handler was taken off that logger (or its end): close the handler
/// (`femto_handler_close`) to end it at once. `NULL` is a no-op.
/// Thread-safe.
#[no_mangle]
pub extern "C" fn femto_handler_free(handler: *mut femto_handler) {
    // SAFETY: the caller passes NULL or a handle it has not freed yet.
    boundary_or((), || unsafe { free(handler) });
}

pub(crate) fn duration_ms(timeout_ms: u64) -> Duration {
    if timeout_ms == u64::MAX {
        Duration::MAX
    } else {
        Duration::from_millis(timeout_ms)
    }
}

pub(crate) fn timed(finished: bool) -> Outcome {
    if finished {
        Ok(Status::Ok)
    } else {
        Err(fail(Status::Timeout, "timed out before the queue drained"))
    }
}

/// Waits until every record queued before this call is written and the
/// sink flushed. Returns `FEMTO_STATUS_TIMEOUT` if `timeout_ms` passed
/// first (`UINT64_MAX`: no limit). Thread-safe.
#[no_mangle]
pub extern "C" fn femto_handler_flush(
    handler: *const femto_handler,
    timeout_ms: u64,
) -> femto_status {
    boundary(|| timed(handle!(handler).flush(duration_ms(timeout_ms))))
}

/// Stops accepting records, drains the queue and joins the worker. Later
/// records to this handler are counted as dropped. Closing twice is
/// harmless. `FEMTO_STATUS_TIMEOUT` if the worker had not finished by
/// `timeout_ms` (it finishes in the background). Thread-safe.
#[no_mangle]
pub extern "C" fn femto_handler_close(
    handler: *const femto_handler,
    timeout_ms: u64,
) -> femto_status {
    boundary(|| timed(handle!(handler).close(duration_ms(timeout_ms))))
}

/// Sets the minimum level the handler passes (0 passes everything).
/// Thread-safe; takes effect at once.
#[no_mangle]
pub extern "C" fn femto_handler_set_level(
    handler: *const femto_handler,
    level_value: i32,
) -> femto_status {
    boundary(|| {
        let handler = handle!(handler);
        handler.set_level(level(level_value)?);
        Ok(Status::Ok)
    })
}

/// Replaces the formatter (the handler takes its own reference).
/// Thread-safe; records already being written may use the old one.
#[no_mangle]
pub extern "C" fn femto_handler_set_formatter(
    handler: *const femto_handler,
    formatter: *const femto_formatter,
) -> femto_status {
    boundary(|| {
        let handler = handle!(handler);
        let formatter: &FormatterBox = handle!(formatter);
        handler.set_formatter(Arc::clone(formatter));
        Ok(Status::Ok)
    })
}

/// Adds a filter, run on the logging thread before the record is queued
/// (the handler takes its own reference). Thread-safe.
#[no_mangle]
pub extern "C" fn femto_handler_add_filter(
    handler: *const femto_handler,
    filter: *const femto_filter,
) -> femto_status {
    boundary(|| {
        let handler = handle!(handler);
        let filter: &FilterBox = handle!(filter);
        handler.add_filter(Arc::clone(filter));
        Ok(Status::Ok)
    })
}

/// Removes a filter; `FEMTO_STATUS_INVALID_ARGUMENT` if it was not
/// attached. Thread-safe.
#[no_mangle]
pub extern "C" fn femto_handler_remove_filter(
    handler: *const femto_handler,
    filter: *const femto_filter,
) -> femto_status {
    boundary(|| {
        let handler = handle!(handler);
        if handler.remove_filter(handle!(filter)) {
            Ok(Status::Ok)
        } else {
            Err(fail(
                Status::InvalidArgument,
                "filter is not attached to this handler",
            ))
        }
    })
}

/// Reads the handler's counters into `*out`, writing no more than
/// `out->size` bytes (a caller built against a later, longer struct gets
/// the fields this library knows and its `size` set to how many bytes were
/// written). Thread-safe.
#[no_mangle]
pub extern "C" fn femto_handler_stats_get(
    handler: *const femto_handler,
    out: *mut femto_handler_stats,
) -> femto_status {
    boundary(|| {
        let handler = handle!(handler);
        require!(out);
        let stats = handler.stats();
        let stats = femto_handler_stats {
            size: 0,
            written: stats.written,
            dropped: stats.dropped,
            errors: stats.errors,
        };
        write_sized(out, stats)?;
        Ok(Status::Ok)
    })
}

/// A number that identifies the handler: equal for every reference to the
/// same handler (from its constructor, `femto_logger_handlers` …), and
/// never shared by two handlers that exist at the same time. Thread-safe.
#[no_mangle]
pub extern "C" fn femto_handler_id(handler: *const femto_handler, out: *mut u64) -> femto_status {
    boundary(|| {
        let handler = handle!(handler);
        require!(out);
        put(out, Arc::as_ptr(handler) as usize as u64);
        Ok(Status::Ok)
    })
}

/// The minimum level the handler passes, to `*out`. Thread-safe.
#[no_mangle]
pub extern "C" fn femto_handler_get_level(
    handler: *const femto_handler,
    out: *mut i32,
) -> femto_status {
    boundary(|| {
        let handler = handle!(handler);
        require!(out);
        put(
            out,
            i32::try_from(handler.level().value()).unwrap_or(i32::MAX),
        );
        Ok(Status::Ok)
    })
}

/// The handler's name (from its options, or a description of its target)
/// written as for `femto_config_to_json`: to `buffer` (`capacity` bytes,
/// NUL-terminated) and its length to `*out_len`, or `BUFFER_TOO_SMALL`
/// with only the length written. Thread-safe.
#[no_mangle]
pub extern "C" fn femto_handler_name(
    handler: *const femto_handler,
    buffer: *mut c_char,
    capacity: usize,
    out_len: *mut usize,
) -> femto_status {
    boundary(|| {
        let handler = handle!(handler);
        require!(out_len);
        text_out(handler.name(), buffer, capacity, out_len)
    })
}

/// A handler of any kind the configuration file format knows, described
/// as in a file's `[handlers.<id>]` table, in JSON: the class and the
/// class's own keys, such as `{"class": "rotating_file", "path":
/// "app.log", "max_bytes": 1048576, "backup_count": 3}` (classes and keys:
/// docs/configuration.md). The common options (level, formatter, queue,
/// name) come from `options` (NULL for the defaults), never from the
/// description. Every kind is built this way, by configuration files too.
/// A bad description is `FEMTO_STATUS_INVALID_ARGUMENT`, its message
/// naming the key; a file that cannot be opened is `FEMTO_STATUS_IO`. On
/// success `*out` holds a new reference. Thread-safe.
#[no_mangle]
pub extern "C" fn femto_handler_new(
    description: *const c_char,
    description_len: usize,
    options: *const femto_handler_options,
    out: *mut *mut femto_handler,
) -> femto_status {
    boundary(|| {
        require!(description, out);
        ensure_initialized();
        let description = text(description, description_len, "description")?;
        let handler = femto_core::config::handler_from_json(description, handler_options(options)?)
            .map_err(|e| crate::config::config_error(&e))?;
        put(out, to_c::<femto_handler>(handler));
        Ok(Status::Ok)
    })
}
