//! Enumerations (32-bit integers on the wire) and the sized option and
//! output structs. Every sized struct starts with its own `size` and only
//! ever grows at the end, so code built against an older header keeps
//! working (see [`Versioned`]).

use core::ffi::c_void;
use core::mem::{offset_of, size_of};

use crate::{
    femto_clock_now_fn, femto_clock_offset_fn, femto_destroy_fn, femto_formatter, femto_str,
    Versioned,
};

/// What a producer does when the handler's queue is full: one of the
/// `FEMTO_OVERFLOW_*` values (a 32-bit integer on the wire; any other
/// value is refused with `FEMTO_STATUS_INVALID_ARGUMENT`).
pub type femto_overflow = i32;

/// Wait for room: nothing is lost (the default).
pub const FEMTO_OVERFLOW_BLOCK: femto_overflow = 0;
/// Drop the record and count it.
pub const FEMTO_OVERFLOW_DROP: femto_overflow = 1;
/// Wait up to `timeout_ms`, then drop and count.
pub const FEMTO_OVERFLOW_TIMEOUT: femto_overflow = 2;

/// Which standard stream a stream handler writes to: one of the
/// `FEMTO_STREAM_*` values (a 32-bit integer on the wire; any other value
/// is refused with `FEMTO_STATUS_INVALID_ARGUMENT`).
pub type femto_stream = i32;

/// Standard output (file descriptor 1).
pub const FEMTO_STREAM_STDOUT: femto_stream = 1;
/// Standard error (file descriptor 2).
pub const FEMTO_STREAM_STDERR: femto_stream = 2;

/// The placeholder syntax of a format string: one of the
/// `FEMTO_FORMAT_STYLE_*` values (a 32-bit integer on the wire; any other
/// value is refused with `FEMTO_STATUS_INVALID_ARGUMENT`).
pub type femto_format_style = i32;

/// `%(name)s` (stdlib's default).
pub const FEMTO_FORMAT_STYLE_PERCENT: femto_format_style = 0;
/// `{name}`
pub const FEMTO_FORMAT_STYLE_BRACE: femto_format_style = 1;
/// `$name` / `${name}`
pub const FEMTO_FORMAT_STYLE_DOLLAR: femto_format_style = 2;

/// Options shared by every handler constructor. Initialise with
/// `FEMTO_HANDLER_OPTIONS_INIT` (or set `size = sizeof(femto_handler_options)`
/// and zero the rest): zero fields mean the defaults. Fields are only ever
/// appended, so code built against an older header keeps working.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct femto_handler_options {
    /// `sizeof(femto_handler_options)` as the caller compiled it.
    pub size: usize,
    /// Queue capacity in records; 0 means the default (16384); at most
    /// 16777216. A queue of up to 16384 records is allocated when the
    /// handler starts (about 256 bytes a record); a larger one grows as
    /// records arrive.
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
    pub name: femto_str,
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

impl Versioned for femto_handler_options {
    const FIRST_SIZE: usize = offset_of!(femto_handler_options, text_only);

    /// The defaults, at this version's size.
    fn defaults() -> femto_handler_options {
        femto_handler_options {
            size: size_of::<femto_handler_options>(),
            capacity: 0,
            overflow: FEMTO_OVERFLOW_BLOCK,
            timeout_ms: 0,
            level: 0,
            formatter: core::ptr::null(),
            name: femto_str::absent(),
            text_only: false,
            caller_side: false,
            flush_delay_us: 0,
        }
    }
}

/// File options for `femto_file_handler_new_ex`. Initialise with
/// `FEMTO_FILE_OPTIONS_INIT` (or set `size = sizeof(femto_file_options)`
/// and zero the rest). Fields are only ever appended.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
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

impl Versioned for femto_file_options {
    const FIRST_SIZE: usize = size_of::<femto_file_options>();

    /// The defaults (append, open now), at this version's size.
    fn defaults() -> femto_file_options {
        femto_file_options {
            size: size_of::<femto_file_options>(),
            truncate: false,
            delay: false,
            watch: false,
        }
    }
}

/// Rotation options for `femto_rotating_file_handler_new`. Initialise with
/// `FEMTO_ROTATION_OPTIONS_INIT` (or set `size = sizeof(femto_rotation_options)`
/// and zero the rest). Fields are only ever appended.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
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

impl Versioned for femto_rotation_options {
    const FIRST_SIZE: usize = size_of::<femto_rotation_options>();

    /// The defaults (never rotate), at this version's size.
    fn defaults() -> femto_rotation_options {
        femto_rotation_options {
            size: size_of::<femto_rotation_options>(),
            max_bytes: 0,
            backup_count: 0,
            truncate: false,
            delay: false,
        }
    }
}

/// Schedule options for `femto_timed_rotating_file_handler_new`.
/// Initialise with `FEMTO_TIMED_ROTATION_OPTIONS_INIT` (or set
/// `size = sizeof(femto_timed_rotation_options)` and zero the rest).
/// Fields are only ever appended.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct femto_timed_rotation_options {
    /// `sizeof(femto_timed_rotation_options)` as the caller compiled it.
    pub size: usize,
    /// Python's `when`: "S", "M", "H", "D", "MIDNIGHT" or "W0" … "W6"
    /// (Monday = 0), any case; `{NULL, 0}` means "H".
    pub when: femto_str,
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
    pub clock_user_data: *mut c_void,
    pub clock_destroy: femto_destroy_fn,
}

impl Versioned for femto_timed_rotation_options {
    const FIRST_SIZE: usize = size_of::<femto_timed_rotation_options>();

    /// The defaults (hourly, local time, keep every backup), at this
    /// version's size.
    fn defaults() -> femto_timed_rotation_options {
        femto_timed_rotation_options {
            size: size_of::<femto_timed_rotation_options>(),
            when: femto_str::absent(),
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
            clock_user_data: core::ptr::null_mut(),
            clock_destroy: None,
        }
    }
}

/// Options for `femto_formatter_new_ex`. Initialise with
/// `FEMTO_FORMATTER_OPTIONS_INIT` (or set `size =
/// sizeof(femto_formatter_options)` and zero the rest). Fields are only
/// ever appended.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct femto_formatter_options {
    /// `sizeof(femto_formatter_options)` as the caller compiled it.
    pub size: usize,
    /// Write control characters in the values put into the format (the
    /// message, names, key-values …) as escapes (`\n`, `\r`, `\x1b`,
    /// `\u0085`), so that a message cannot forge a log line or drive a
    /// terminal. The format's own text and exception and stack text are
    /// written as they are.
    pub escape_controls: bool,
    /// Render `asctime` in UTC instead of local time.
    pub utc: bool,
}

impl Versioned for femto_formatter_options {
    const FIRST_SIZE: usize = size_of::<femto_formatter_options>();

    /// The defaults, at this version's size.
    fn defaults() -> femto_formatter_options {
        femto_formatter_options {
            size: size_of::<femto_formatter_options>(),
            escape_controls: false,
            utc: false,
        }
    }
}

/// A handler's counters. Set `size = sizeof(femto_handler_stats)` before
/// the call; fields are only ever appended.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct femto_handler_stats {
    pub size: usize,
    /// Records the sink accepted.
    pub written: u64,
    /// Records lost: queue full under drop/timeout, or handler closed.
    pub dropped: u64,
    /// Failures inside the handler: I/O errors, callback errors, panics.
    pub errors: u64,
}

impl Versioned for femto_handler_stats {
    const FIRST_SIZE: usize = size_of::<femto_handler_stats>();

    /// Zero counters, at this version's size.
    fn defaults() -> femto_handler_stats {
        femto_handler_stats {
            size: size_of::<femto_handler_stats>(),
            ..Default::default()
        }
    }
}

/// Where and how `femto_socket_handler_new` sends records (docs/socket.md).
/// Initialise with `FEMTO_SOCKET_OPTIONS_INIT` (or set `size =
/// sizeof(femto_socket_options)` and zero the rest); zero fields take the
/// defaults. Fields are only ever appended.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct femto_socket_options {
    /// `sizeof(femto_socket_options)` as the caller compiled it.
    pub size: usize,
    /// TCP: a host name or an IPv4/IPv6 literal, with `port`. Give this
    /// or `unix_path`, not both.
    pub host: femto_str,
    pub port: u16,
    /// A Unix domain socket's path.
    pub unix_path: femto_str,
    /// TLS over TCP (refused with `unix_path`). Certificate and host name
    /// are checked against the system's roots, or `ca_file`'s.
    pub tls: bool,
    /// A PEM bundle of trusted roots.
    pub ca_file: femto_str,
    /// A PEM client certificate chain and its key, for servers that ask.
    pub cert_file: femto_str,
    pub key_file: femto_str,
    /// The name checked against the certificate and sent as SNI; absent:
    /// `host`.
    pub server_name: femto_str,
    /// Accept any certificate for any name (warned about once in the log).
    pub insecure: bool,
    /// Connecting, TLS handshake included (0: 5000).
    pub connect_timeout_ms: u64,
    /// A write stalled this long loses the connection (0: 5000).
    pub write_timeout_ms: u64,
    /// The largest payload; a larger record is dropped and counted (0: 1 MiB).
    pub max_frame_bytes: u64,
    /// Frames held while the receiver is unreachable (0: 4 MiB).
    pub max_buffered_bytes: u64,
    /// Reconnection: the first wait's ceiling (0: 100), the largest
    /// (0: 10000), the healthy spell that resets it (0: 30000), and the
    /// outage after which held records are dropped and an error reported
    /// (0: 120000).
    pub backoff_base_ms: u64,
    pub backoff_cap_ms: u64,
    pub backoff_reset_ms: u64,
    pub retry_deadline_ms: u64,
}

impl Versioned for femto_socket_options {
    const FIRST_SIZE: usize = size_of::<femto_socket_options>();

    /// Every field absent or zero (the defaults), at this version's size.
    fn defaults() -> femto_socket_options {
        femto_socket_options {
            size: size_of::<femto_socket_options>(),
            host: femto_str::absent(),
            port: 0,
            unix_path: femto_str::absent(),
            tls: false,
            ca_file: femto_str::absent(),
            cert_file: femto_str::absent(),
            key_file: femto_str::absent(),
            server_name: femto_str::absent(),
            insecure: false,
            connect_timeout_ms: 0,
            write_timeout_ms: 0,
            max_frame_bytes: 0,
            max_buffered_bytes: 0,
            backoff_base_ms: 0,
            backoff_cap_ms: 0,
            backoff_reset_ms: 0,
            retry_deadline_ms: 0,
        }
    }
}

/// A receiver's counters. Set `size = sizeof(femto_receiver_stats)` before
/// the call; fields are only ever appended.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct femto_receiver_stats {
    pub size: usize,
    /// Records decoded and handed to their loggers.
    pub records: u64,
    /// Frames skipped: over the size limit, undecodable, or cut off.
    pub bad_frames: u64,
    /// Connections accepted.
    pub connections: u64,
}

impl Versioned for femto_receiver_stats {
    const FIRST_SIZE: usize = size_of::<femto_receiver_stats>();

    /// Zero counters, at this version's size.
    fn defaults() -> femto_receiver_stats {
        femto_receiver_stats {
            size: size_of::<femto_receiver_stats>(),
            ..Default::default()
        }
    }
}
