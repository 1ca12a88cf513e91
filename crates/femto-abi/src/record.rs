//! Records: the view callbacks receive, everything a caller can log, and
//! a logger's whole configuration.

use core::mem::{offset_of, size_of};

use crate::{femto_handler, femto_kv, femto_logger, femto_str, Versioned};

/// A record as callbacks see it. Every pointer in it (and the struct
/// itself) is valid only during the callback; copy what you keep. Strings
/// are UTF-8 and not NUL-terminated; absent strings are `{NULL, 0}`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct femto_record {
    /// `sizeof(femto_record)` of the library that made it; fields may be
    /// appended in later versions.
    pub size: usize,
    pub level: i32,
    pub logger: femto_str,
    pub message: femto_str,
    /// Wall-clock nanoseconds since the Unix epoch.
    pub created_ns: u64,
    pub thread_id: u64,
    pub thread_name: femto_str,
    pub process_id: u32,
    pub file: femto_str,
    pub line: u32,
    pub function: femto_str,
    pub module: femto_str,
    pub key_values: *const femto_kv,
    pub key_value_count: usize,
    pub exception: femto_str,
    pub stack: femto_str,
}

/// Everything a record can carry, for `femto_logger_log_ex`. Initialise
/// with `FEMTO_LOG_ARGS_INIT` (or set `size = sizeof(femto_log_args)` and
/// zero the rest). All strings are UTF-8, borrowed for the call and
/// copied; `{NULL, 0}` means absent. Fields are only ever appended.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct femto_log_args {
    pub size: usize,
    pub level: i32,
    pub message: femto_str,
    pub file: femto_str,
    pub line: u32,
    pub function: femto_str,
    /// Module name; derived from `file` when absent.
    pub module: femto_str,
    pub key_values: *const femto_kv,
    pub key_value_count: usize,
    /// Exception text (a traceback), printed after the message.
    pub exception: femto_str,
    /// Stack text, printed after the exception.
    pub stack: femto_str,
    /// Overrides the calling thread's name (for host languages); absent:
    /// the OS thread's name.
    pub thread_name: femto_str,
    /// Overrides the thread id; 0: the calling thread's `pthread_self()`.
    pub thread_id: u64,
    /// Overrides the timestamp (ns since the epoch); 0: now.
    pub created_ns: u64,
    /// The caller has already handed this record to the caller-side
    /// handlers it reaches (`femto_handler_options.caller_side`): the
    /// logger skips them, and returns `FEMTO_STATUS_FILTERED` if its
    /// filters reject the record, so the caller knows it was not logged.
    /// Appended after `created_ns`; false by default.
    pub caller_side_done: bool,
}

impl Versioned for femto_log_args {
    const FIRST_SIZE: usize = offset_of!(femto_log_args, caller_side_done);

    fn defaults() -> femto_log_args {
        femto_log_args::new(0, femto_str::absent())
    }
}

impl femto_log_args {
    /// A record at `level` with `message`, every other field absent (the
    /// library fills in time, thread and process), at this version's size.
    pub fn new(level: i32, message: femto_str) -> femto_log_args {
        femto_log_args {
            size: size_of::<femto_log_args>(),
            level,
            message,
            file: femto_str::absent(),
            line: 0,
            function: femto_str::absent(),
            module: femto_str::absent(),
            key_values: core::ptr::null(),
            key_value_count: 0,
            exception: femto_str::absent(),
            stack: femto_str::absent(),
            thread_name: femto_str::absent(),
            thread_id: 0,
            created_ns: 0,
            caller_side_done: false,
        }
    }
}

/// The whole configuration of one logger, for `femto_loggers_set`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct femto_logger_state {
    pub logger: *const femto_logger,
    pub level: i32,
    pub propagate: bool,
    pub disabled: bool,
    /// `handler_count` handlers (NULL when 0), borrowed for the call.
    pub handlers: *const *const femto_handler,
    pub handler_count: usize,
}
