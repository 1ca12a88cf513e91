//! Handler handles: stream, file and callback handlers, each with its own
//! queue and worker thread.

use std::ffi::c_char;
use std::sync::Arc;
use std::time::Duration;

use femto_core::{
    FemtoHandler, FileMode, FileSinkFactory, HandlerOptions, OverflowPolicy,
    RotatingFileSinkFactory, Rotation, StreamTarget, TimedRotatingFileSinkFactory, TimedRotation,
    When,
};

use crate::cast::{free, handle, to_c, Castable};
use crate::filter::{femto_filter, FilterBox};
use crate::formatter::{femto_formatter, FormatterBox};
use crate::level::level;
use crate::lifecycle::ensure_initialized;
use crate::status::{boundary, boundary_or, fail, femto_status, require, Outcome, Status};
use crate::types::{invalid, put, read_sized, text, unknown_value, write_sized};

/// A handler: a queue and a worker thread that formats and writes.
/// Thread-safe: log to it, flush and reconfigure it from any thread.
/// Loggers hold their own references; release yours with `femto_handler_free`.
#[allow(non_camel_case_types)]
pub struct femto_handler {
    _private: [u8; 0],
}

impl Castable for femto_handler {
    type RustType = Arc<FemtoHandler>;
    const KIND: u32 = 0xFE70_4844;
    const NAME: &'static str = "femto_handler";
}

/// What a producer does when the handler's queue is full: one of the
/// `FEMTO_OVERFLOW_*` values (a 32-bit integer on the wire; any other
/// value is refused with `FEMTO_STATUS_INVALID_ARGUMENT`).
#[allow(non_camel_case_types)]
pub type femto_overflow = i32;

/// Wait for room: nothing is lost (the default).
pub const FEMTO_OVERFLOW_BLOCK: femto_overflow = 0;
/// Drop the record and count it.
pub const FEMTO_OVERFLOW_DROP: femto_overflow = 1;
/// Wait up to `timeout_ms`, then drop and count.
pub const FEMTO_OVERFLOW_TIMEOUT: femto_overflow = 2;

/// Options shared by every handler constructor. Initialise with
/// `FEMTO_HANDLER_OPTIONS_INIT` (or set `size = sizeof(femto_handler_options)`
/// and zero the rest): zero fields mean the defaults. Fields are only ever
/// appended, so code built against an older header keeps working.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
#[allow(non_camel_case_types)]
pub struct femto_handler_options {
    /// `sizeof(femto_handler_options)` as the caller compiled it.
    pub size: usize,
    /// Queue capacity in records; 0 means the default (16384); at most
    /// 16777216.
    pub capacity: u32,
    pub overflow: femto_overflow,
    /// Wait limit for `FEMTO_OVERFLOW_TIMEOUT`.
    pub timeout_ms: u32,
    /// Minimum level this handler passes; 0 (NOTSET) passes everything.
    pub level: i32,
    /// Formatter to use (borrowed: the handler takes its own reference);
    /// NULL means `%(message)s`.
    pub formatter: *const femto_formatter,
    /// Name for error messages and the worker thread (UTF-8, copied);
    /// `{NULL, 0}` means a description of the target.
    pub name: crate::types::femto_str,
    /// For `femto_callback_handler_new` only: the write callback uses the
    /// text alone, not the record's source location, so a logger whose
    /// handlers all say so need not capture it (`femto_logger_needs_location`).
    /// Appended after `name`; false by default.
    pub text_only: bool,
    /// The caller delivers its own records to this handler itself, on the
    /// logging thread (logged with `femto_log_args.caller_side_done`);
    /// loggers hand it every other record as usual. For host languages
    /// whose handlers run where the call is made (Python's `QueueHandler`).
    /// Appended after `text_only`; false by default.
    pub caller_side: bool,
    /// Microseconds the worker may leave written records unflushed, so a
    /// sink whose flush is costly (a callback that takes an interpreter
    /// lock) is flushed at most this often; 0 flushes after every batch.
    /// `femto_handler_flush` and close flush at once. At most 1000000.
    /// Appended after `caller_side`; 0 by default.
    pub flush_delay_us: u32,
}

/// The first published size of `femto_handler_options` (before `text_only`).
const HANDLER_OPTIONS_V1: usize = std::mem::offset_of!(femto_handler_options, text_only);

impl femto_handler_options {
    fn defaults() -> Self {
        femto_handler_options {
            size: HANDLER_OPTIONS_V1,
            capacity: 0,
            overflow: FEMTO_OVERFLOW_BLOCK,
            timeout_ms: 0,
            level: 0,
            formatter: std::ptr::null(),
            name: crate::types::femto_str::EMPTY,
            text_only: false,
            caller_side: false,
            flush_delay_us: 0,
        }
    }
}

/// The largest `flush_delay_us` accepted (one second).
const MAX_FLUSH_DELAY_US: u32 = 1_000_000;

/// Whether the options say the write callback reads the text alone.
pub(crate) fn text_only(options: *const femto_handler_options) -> Result<bool, Status> {
    let raw = read_sized(
        options,
        femto_handler_options::defaults(),
        HANDLER_OPTIONS_V1,
    )?;
    Ok(raw.text_only)
}

/// Converts the C options into engine options.
pub(crate) fn handler_options(
    options: *const femto_handler_options,
) -> Result<HandlerOptions, Status> {
    let raw = read_sized(
        options,
        femto_handler_options::defaults(),
        HANDLER_OPTIONS_V1,
    )?;
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

/// Which standard stream a stream handler writes to: one of the
/// `FEMTO_STREAM_*` values (a 32-bit integer on the wire; any other value
/// is refused with `FEMTO_STATUS_INVALID_ARGUMENT`).
#[allow(non_camel_case_types)]
pub type femto_stream = i32;

/// Standard output (file descriptor 1).
pub const FEMTO_STREAM_STDOUT: femto_stream = 1;
/// Standard error (file descriptor 2).
pub const FEMTO_STREAM_STDERR: femto_stream = 2;

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

/// File options for `femto_file_handler_new_ex`. Initialise with
/// `FEMTO_FILE_OPTIONS_INIT` (or set `size = sizeof(femto_file_options)`
/// and zero the rest). Fields are only ever appended.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
#[allow(non_camel_case_types)]
pub struct femto_file_options {
    /// `sizeof(femto_file_options)` as the caller compiled it.
    pub size: usize,
    /// Empty the file first (Python's mode `"w"`) instead of appending.
    pub truncate: bool,
    /// Open the file at the first record, not now (Python's `delay=True`):
    /// no record, no file. Open errors then go to the error hook (and the
    /// open is retried at the next record) instead of failing here.
    pub delay: bool,
    /// Reopen the file when the path no longer names it, checked before
    /// each batch is written (Python's `WatchedFileHandler`, for logrotate).
    pub watch: bool,
}

const FILE_OPTIONS_V1: usize = std::mem::size_of::<femto_file_options>();

impl femto_file_options {
    fn defaults() -> Self {
        femto_file_options {
            size: FILE_OPTIONS_V1,
            truncate: false,
            delay: false,
            watch: false,
        }
    }
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
        let file = read_sized(file, femto_file_options::defaults(), FILE_OPTIONS_V1)?;
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

/// Rotation options for `femto_rotating_file_handler_new`. Initialise with
/// `FEMTO_ROTATION_OPTIONS_INIT` (or set `size = sizeof(femto_rotation_options)`
/// and zero the rest). Fields are only ever appended.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
#[allow(non_camel_case_types)]
pub struct femto_rotation_options {
    /// `sizeof(femto_rotation_options)` as the caller compiled it.
    pub size: usize,
    /// Roll over before a record would take the file past this many bytes
    /// (UTF-8, line terminator included); 0 never rolls over.
    pub max_bytes: u64,
    /// Backups kept as `<path>.1` … `<path>.<backup_count>`; 0 empties the
    /// file at each rollover and keeps none.
    pub backup_count: u32,
    /// Empty the file when the handler starts instead of appending.
    pub truncate: bool,
    /// Create the file at the first record, not now (Python's `delay`).
    pub delay: bool,
}

const ROTATION_OPTIONS_V1: usize = std::mem::size_of::<femto_rotation_options>();

impl femto_rotation_options {
    fn defaults() -> Self {
        femto_rotation_options {
            size: ROTATION_OPTIONS_V1,
            max_bytes: 0,
            backup_count: 0,
            truncate: false,
            delay: false,
        }
    }
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
        let rotation = read_sized(
            rotation,
            femto_rotation_options::defaults(),
            ROTATION_OPTIONS_V1,
        )?;
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

/// Schedule options for `femto_timed_rotating_file_handler_new`.
/// Initialise with `FEMTO_TIMED_ROTATION_OPTIONS_INIT` (or set
/// `size = sizeof(femto_timed_rotation_options)` and zero the rest).
/// Fields are only ever appended.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
#[allow(non_camel_case_types)]
pub struct femto_timed_rotation_options {
    /// `sizeof(femto_timed_rotation_options)` as the caller compiled it.
    pub size: usize,
    /// Python's `when`: "S", "M", "H", "D", "MIDNIGHT" or "W0" … "W6"
    /// (Monday = 0), any case; `{NULL, 0}` means "H".
    pub when: crate::types::femto_str,
    /// Multiplies `when`; 0 means 1.
    pub interval: u32,
    /// Schedule and name backups in UTC instead of local time.
    pub utc: bool,
    /// Roll over at `at_hour:at_minute:at_second` (MIDNIGHT and W* only).
    pub has_at_time: bool,
    pub at_hour: u32,
    pub at_minute: u32,
    pub at_second: u32,
    /// Backups kept (the newest); 0 keeps them all.
    pub backup_count: u32,
    /// Create the file at the first record, not now.
    pub delay: bool,
    /// A clock and time zone to use instead of the system's (simulations,
    /// tests): `clock_now` returns seconds since the epoch,
    /// `clock_utc_offset` the local offset from UTC in seconds east at an
    /// instant. Both NULL: the system clock and the local zone. Called on
    /// the worker thread. The call takes ownership of `clock_user_data`:
    /// `clock_destroy` (may be NULL) runs once when the handler is gone, or
    /// before the call returns if it fails.
    pub clock_now: femto_clock_now_fn,
    pub clock_utc_offset: femto_clock_offset_fn,
    pub clock_user_data: *mut std::ffi::c_void,
    pub clock_destroy: crate::filter::femto_destroy_fn,
}

/// Seconds since the Unix epoch, for `femto_timed_rotation_options`.
#[allow(non_camel_case_types)]
pub type femto_clock_now_fn =
    Option<unsafe extern "C-unwind" fn(user_data: *mut std::ffi::c_void) -> i64>;

/// The local offset from UTC (seconds east) at instant `at`.
#[allow(non_camel_case_types)]
pub type femto_clock_offset_fn =
    Option<unsafe extern "C-unwind" fn(user_data: *mut std::ffi::c_void, at: i64) -> i32>;

struct CallbackClock {
    now: unsafe extern "C-unwind" fn(*mut std::ffi::c_void) -> i64,
    offset: unsafe extern "C-unwind" fn(*mut std::ffi::c_void, i64) -> i32,
    user_data: crate::user_data::UserData,
}

impl femto_core::Clock for CallbackClock {
    fn now(&self) -> i64 {
        // SAFETY: valid callbacks and user data per the options' contract.
        unsafe { (self.now)(self.user_data.ptr) }
    }

    fn utc_offset(&self, at: i64) -> i32 {
        // SAFETY: as above.
        unsafe { (self.offset)(self.user_data.ptr, at) }
    }
}

const TIMED_OPTIONS_V1: usize = std::mem::size_of::<femto_timed_rotation_options>();

impl femto_timed_rotation_options {
    fn defaults() -> Self {
        femto_timed_rotation_options {
            size: TIMED_OPTIONS_V1,
            when: crate::types::femto_str::EMPTY,
            interval: 0,
            utc: false,
            has_at_time: false,
            at_hour: 0,
            at_minute: 0,
            at_second: 0,
            backup_count: 0,
            delay: false,
            clock_now: None,
            clock_utc_offset: None,
            clock_user_data: std::ptr::null_mut(),
            clock_destroy: None,
        }
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
        read_sized(
            schedule,
            femto_timed_rotation_options::defaults(),
            TIMED_OPTIONS_V1,
        )
        .ok()
    };
    let clock_data =
        raw.map(|r| crate::user_data::UserData::adopt(r.clock_user_data, r.clock_destroy));
    boundary(move || {
        require!(path, out);
        ensure_initialized();
        let schedule = read_sized(
            schedule,
            femto_timed_rotation_options::defaults(),
            TIMED_OPTIONS_V1,
        )?;
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
/// (`femto_shutdown` waits for it). `NULL` is a no-op. Thread-safe.
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

/// A handler's counters. Set `size = sizeof(femto_handler_stats)` before
/// the call; fields are only ever appended.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
#[allow(non_camel_case_types)]
pub struct femto_handler_stats {
    pub size: usize,
    /// Records the sink accepted.
    pub written: u64,
    /// Records lost: queue full under drop/timeout, or handler closed.
    pub dropped: u64,
    /// Failures inside the handler: I/O errors, callback errors, panics.
    pub errors: u64,
}

/// The first published size of `femto_handler_stats`.
const HANDLER_STATS_V1: usize = std::mem::size_of::<femto_handler_stats>();

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
        write_sized(out, stats, HANDLER_STATS_V1)?;
        Ok(Status::Ok)
    })
}
