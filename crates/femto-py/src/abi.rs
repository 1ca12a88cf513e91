//! The parts of `femtologging.h` this module uses, mirrored by hand (the
//! extension must not link the engine crates). Layouts are checked at import:
//! the library's table reports its own size and ABI version, and the test
//! suite compares every struct with cffi's reading of the generated cdef.

#![allow(non_camel_case_types, dead_code)]

use std::ffi::{c_char, c_void};

/// The ABI version this module was written against.
pub const ABI_VERSION: u32 = 1;

pub type Status = i32;
pub const STATUS_OK: Status = 0;
pub const STATUS_DROPPED: Status = 1;
pub const STATUS_TIMEOUT: Status = 2;
pub const STATUS_FILTERED: Status = 3;
pub const STATUS_BUFFER_TOO_SMALL: Status = 7007;

pub type Handle = *const c_void;

#[repr(C)]
#[derive(Clone, Copy)]
pub struct femto_str {
    pub ptr: *const c_char,
    pub len: usize,
}

impl femto_str {
    pub const ABSENT: femto_str = femto_str {
        ptr: std::ptr::null(),
        len: 0,
    };

    pub fn of(text: &str) -> femto_str {
        femto_str {
            ptr: text.as_ptr().cast(),
            len: text.len(),
        }
    }

    pub fn of_opt(text: Option<&str>) -> femto_str {
        text.map_or(femto_str::ABSENT, femto_str::of)
    }
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct femto_kv {
    pub key: femto_str,
    pub value: femto_str,
}

/// The read-only record view handed to callbacks.
#[repr(C)]
pub struct femto_record {
    pub size: usize,
    pub level: i32,
    pub logger: femto_str,
    pub message: femto_str,
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

impl femto_str {
    /// A copy of the text (`None` when absent).
    ///
    /// # Safety
    /// `ptr`/`len` must describe valid UTF-8 for the duration of the call.
    pub unsafe fn copy_text(self) -> Option<String> {
        if self.ptr.is_null() {
            return None;
        }
        // SAFETY: per the function's contract.
        let bytes = unsafe { std::slice::from_raw_parts(self.ptr.cast::<u8>(), self.len) };
        Some(String::from_utf8_lossy(bytes).into_owned())
    }
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct femto_log_args {
    pub size: usize,
    pub level: i32,
    pub message: femto_str,
    pub file: femto_str,
    pub line: u32,
    pub function: femto_str,
    pub module: femto_str,
    pub key_values: *const femto_kv,
    pub key_value_count: usize,
    pub exception: femto_str,
    pub stack: femto_str,
    pub thread_name: femto_str,
    pub thread_id: u64,
    pub created_ns: u64,
    pub caller_side_done: bool,
}

impl femto_log_args {
    /// A record at `level` with `message`; every other field absent (the
    /// engine fills in time, thread and process).
    pub fn new(level: i32, message: &str) -> Self {
        femto_log_args {
            size: std::mem::size_of::<femto_log_args>(),
            level,
            message: femto_str::of(message),
            file: femto_str::ABSENT,
            line: 0,
            function: femto_str::ABSENT,
            module: femto_str::ABSENT,
            key_values: std::ptr::null(),
            key_value_count: 0,
            exception: femto_str::ABSENT,
            stack: femto_str::ABSENT,
            thread_name: femto_str::ABSENT,
            thread_id: 0,
            created_ns: 0,
            caller_side_done: false,
        }
    }
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct femto_handler_options {
    pub size: usize,
    pub capacity: u32,
    pub overflow: i32,
    pub timeout_ms: u32,
    pub level: i32,
    pub formatter: Handle,
    pub name: femto_str,
    pub text_only: bool,
    pub caller_side: bool,
    pub flush_delay_us: u32,
}

#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct femto_handler_stats {
    pub size: usize,
    pub written: u64,
    pub dropped: u64,
    pub errors: u64,
}

type Fn0<R> = extern "C" fn() -> R;

/// `femto_write_fn`: one formatted record (the record view is unused here).
pub type WriteFn =
    Option<unsafe extern "C-unwind" fn(*mut c_void, *const c_void, *const c_char, usize) -> i32>;
/// `femto_flush_fn`.
pub type FlushFn = Option<unsafe extern "C-unwind" fn(*mut c_void) -> i32>;
/// `femto_destroy_fn`.
pub type DestroyFn = Option<unsafe extern "C-unwind" fn(*mut c_void)>;
/// `femto_filter_fn`: the record view, then whether the record passes.
pub type FilterFn = Option<unsafe extern "C-unwind" fn(*mut c_void, *const c_void) -> bool>;
/// `femto_format_fn`: the record view and the `femto_text` to append to.
pub type FormatFn =
    Option<unsafe extern "C-unwind" fn(*mut c_void, *const c_void, *mut c_void) -> i32>;

/// `femto_wait_begin_fn` / `femto_wait_end_fn`.
pub type WaitBeginFn = Option<unsafe extern "C-unwind" fn(*mut c_void) -> *mut c_void>;
pub type WaitEndFn = Option<unsafe extern "C-unwind" fn(*mut c_void, *mut c_void)>;
/// `femto_wait_poll_fn`.
pub type WaitPollFn = Option<unsafe extern "C-unwind" fn(*mut c_void, *mut *mut c_void) -> bool>;

#[repr(C)]
#[derive(Clone, Copy)]
pub struct femto_rotation_options {
    pub size: usize,
    pub max_bytes: u64,
    pub backup_count: u32,
    pub truncate: bool,
    pub delay: bool,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct femto_timed_rotation_options {
    pub size: usize,
    pub when: femto_str,
    pub interval: u32,
    pub utc: bool,
    pub has_at_time: bool,
    pub at_hour: u32,
    pub at_minute: u32,
    pub at_second: u32,
    pub backup_count: u32,
    pub delay: bool,
    pub clock_now: ClockNowFn,
    pub clock_utc_offset: ClockOffsetFn,
    pub clock_user_data: *mut c_void,
    pub clock_destroy: DestroyFn,
}

/// `femto_clock_now_fn` / `femto_clock_offset_fn`.
pub type ClockNowFn = Option<unsafe extern "C-unwind" fn(*mut c_void) -> i64>;
pub type ClockOffsetFn = Option<unsafe extern "C-unwind" fn(*mut c_void, i64) -> i32>;

#[repr(C)]
#[derive(Clone, Copy)]
pub struct femto_file_options {
    pub size: usize,
    pub truncate: bool,
    pub delay: bool,
    pub watch: bool,
}

/// `femto_api`, field for field (append-only in the library).
#[repr(C)]
pub struct femto_api {
    pub size: usize,
    pub abi_version: u32,
    pub version: Fn0<*const c_char>,
    pub abi_version_fn: Fn0<u32>,
    pub last_error: Fn0<*const c_char>,
    pub status_message: extern "C" fn(Status) -> *const c_char,
    pub level_from_name: extern "C" fn(*const c_char, usize, *mut i32) -> Status,
    pub level_name: extern "C" fn(i32, *mut *const c_char, *mut usize) -> Status,
    pub add_level_name: extern "C" fn(i32, *const c_char, usize) -> Status,
    pub logger_get: extern "C" fn(*const c_char, usize, *mut Handle) -> Status,
    pub logger_name: extern "C" fn(Handle) -> *const c_char,
    pub logger_is_enabled_for: extern "C" fn(Handle, i32) -> bool,
    pub logger_set_level: extern "C" fn(Handle, i32) -> Status,
    pub logger_get_level: extern "C" fn(Handle, *mut i32) -> Status,
    pub logger_get_effective_level: extern "C" fn(Handle, *mut i32) -> Status,
    pub logger_set_propagate: extern "C" fn(Handle, bool) -> Status,
    pub logger_add_handler: extern "C" fn(Handle, Handle) -> Status,
    pub logger_remove_handler: extern "C" fn(Handle, Handle) -> Status,
    pub logger_clear_handlers: extern "C" fn(Handle) -> Status,
    pub logger_add_filter: extern "C" fn(Handle, Handle) -> Status,
    pub logger_remove_filter: extern "C" fn(Handle, Handle) -> Status,
    pub logger_log: extern "C" fn(Handle, i32, *const c_char, usize) -> Status,
    pub logger_log_at: extern "C" fn(
        Handle,
        i32,
        *const c_char,
        usize,
        *const c_char,
        u32,
        *const c_char,
    ) -> Status,
    pub logger_log_ex: extern "C" fn(Handle, *const femto_log_args) -> Status,
    pub formatter_new:
        extern "C" fn(i32, *const c_char, usize, *const c_char, usize, *mut Handle) -> Status,
    pub formatter_new_json: extern "C" fn(*const c_char, usize, *mut Handle) -> Status,
    pub formatter_free: extern "C" fn(Handle),
    pub filter_new_level: extern "C" fn(i32, i32, *mut Handle) -> Status,
    pub filter_new_name: extern "C" fn(*const c_char, usize, *mut Handle) -> Status,
    pub filter_new_callback: extern "C" fn(FilterFn, *mut c_void, DestroyFn, *mut Handle) -> Status,
    pub filter_free: extern "C" fn(Handle),
    pub stream_handler_new: extern "C" fn(i32, *const femto_handler_options, *mut Handle) -> Status,
    pub file_handler_new: extern "C" fn(
        *const c_char,
        usize,
        bool,
        *const femto_handler_options,
        *mut Handle,
    ) -> Status,
    pub callback_handler_new: extern "C" fn(
        WriteFn,
        FlushFn,
        *mut c_void,
        DestroyFn,
        *const femto_handler_options,
        *mut Handle,
    ) -> Status,
    pub handler_free: extern "C" fn(Handle),
    pub handler_flush: extern "C" fn(Handle, u64) -> Status,
    pub handler_close: extern "C" fn(Handle, u64) -> Status,
    pub handler_set_level: extern "C" fn(Handle, i32) -> Status,
    pub handler_set_formatter: extern "C" fn(Handle, Handle) -> Status,
    pub handler_add_filter: extern "C" fn(Handle, Handle) -> Status,
    pub handler_remove_filter: extern "C" fn(Handle, Handle) -> Status,
    pub handler_stats_get: extern "C" fn(Handle, *mut femto_handler_stats) -> Status,
    pub flush_all: extern "C" fn(u64) -> Status,
    pub shutdown: extern "C" fn(u64) -> Status,
    pub set_error_hook: *const c_void,
    pub null_handler_new: extern "C" fn(*mut Handle) -> Status,
    pub logger_set_disabled: extern "C" fn(Handle, bool) -> Status,
    pub disable: extern "C" fn(i32) -> Status,
    pub handler_log_ex: extern "C" fn(Handle, Handle, *const femto_log_args) -> Status,
    pub file_handler_new_ex: extern "C" fn(
        *const c_char,
        usize,
        *const femto_file_options,
        *const femto_handler_options,
        *mut Handle,
    ) -> Status,
    pub formatter_new_callback:
        extern "C" fn(FormatFn, *mut c_void, DestroyFn, *mut Handle) -> Status,
    pub text_append: extern "C" fn(*mut c_void, *const c_char, usize) -> Status,
    pub set_last_resort: extern "C" fn(Handle) -> Status,
    pub set_wait_hooks: extern "C" fn(WaitBeginFn, WaitEndFn, *mut c_void) -> Status,
    pub rotating_file_handler_new: extern "C" fn(
        *const c_char,
        usize,
        *const femto_rotation_options,
        *const femto_handler_options,
        *mut Handle,
    ) -> Status,
    pub handler_set_rotation: extern "C" fn(Handle, u64, u32) -> Status,
    pub handler_roll_over: extern "C" fn(Handle) -> Status,
    pub timed_rotating_file_handler_new: extern "C" fn(
        *const c_char,
        usize,
        *const femto_timed_rotation_options,
        *const femto_handler_options,
        *mut Handle,
    ) -> Status,
    pub handler_set_backup_count: extern "C" fn(Handle, u32) -> Status,
    pub config_new: extern "C" fn(*mut Handle) -> Status,
    pub config_from_toml: extern "C" fn(*const c_char, usize, *mut Handle) -> Status,
    pub config_from_json: extern "C" fn(*const c_char, usize, *mut Handle) -> Status,
    pub config_from_file: extern "C" fn(*const c_char, usize, *mut Handle) -> Status,
    pub config_add_handler: extern "C" fn(Handle, femto_str, Handle) -> Status,
    pub config_set_logger:
        extern "C" fn(Handle, femto_str, i32, bool, *const femto_str, usize) -> Status,
    pub config_apply: extern "C" fn(Handle) -> Status,
    pub config_to_json: extern "C" fn(Handle, *mut c_char, usize, *mut usize) -> Status,
    pub config_free: extern "C" fn(Handle),
    pub configure_toml: extern "C" fn(*const c_char, usize) -> Status,
    pub configure_json: extern "C" fn(*const c_char, usize) -> Status,
    pub configure_file: extern "C" fn(*const c_char, usize) -> Status,
    pub loggers_set: extern "C" fn(*const femto_logger_state, usize) -> Status,
    pub logger_needs_location: extern "C" fn(Handle) -> bool,
    pub logger_only_caller_side: extern "C" fn(Handle) -> bool,
    pub set_wait_hooks_ex: extern "C" fn(WaitBeginFn, WaitEndFn, WaitPollFn, *mut c_void) -> Status,
    pub exit_drain: extern "C" fn() -> Status,
    pub exit_begin: extern "C" fn(),
    pub set_exit_timeout: extern "C" fn(u64) -> Status,
    pub exit_abandoned: extern "C" fn() -> u64,
    pub fork_quiesce: extern "C" fn(u64) -> Status,
    pub set_error_output: extern "C" fn(bool),
    pub formatter_new_ex: extern "C" fn(
        i32,
        *const c_char,
        usize,
        *const c_char,
        usize,
        *const femto_formatter_options,
        *mut Handle,
    ) -> Status,
    pub config_confine_files: extern "C" fn(Handle, *const c_char, usize) -> Status,
    pub confine_file: extern "C" fn(
        *const c_char,
        usize,
        *const c_char,
        usize,
        *mut c_char,
        usize,
        *mut usize,
    ) -> Status,
}

/// `femto_formatter_options`.
#[repr(C)]
pub struct femto_formatter_options {
    pub size: usize,
    pub escape_controls: bool,
    pub utc: bool,
}

/// `femto_logger_state`: one logger's whole configuration.
#[repr(C)]
#[allow(non_camel_case_types)]
pub struct femto_logger_state {
    pub logger: Handle,
    pub level: i32,
    pub propagate: bool,
    pub disabled: bool,
    pub handlers: *const Handle,
    pub handler_count: usize,
}

unsafe extern "C" {
    /// The library's function table (static, never NULL).
    pub fn femto_api_get() -> *const femto_api;
}
