//! The function table: every export behind one pointer, for consumers that
//! cannot link the library (Python C extensions take it from the capsule
//! `femtologging._femtologging._C_API`; the Python extension itself calls
//! the library through it). Append-only: new functions go at the end, and
//! `size` tells a consumer which ones the loaded library has.

use core::ffi::{c_char, c_void};

use crate::*;

/// Every function of the C API. Check `abi_version == FEMTO_ABI_VERSION`
/// and that `size` covers the last field you use before calling through
/// it. Immutable and static: thread-safe.
#[repr(C)]
pub struct femto_api {
    /// `sizeof(femto_api)` of the loaded library.
    pub size: usize,
    pub abi_version: u32,
    pub version: extern "C" fn() -> *const c_char,
    pub abi_version_fn: extern "C" fn() -> u32,
    pub last_error: extern "C" fn() -> *const c_char,
    pub status_message: extern "C" fn(femto_status) -> *const c_char,
    pub level_from_name: extern "C" fn(*const c_char, usize, *mut i32) -> femto_status,
    pub level_name: extern "C" fn(i32, *mut *const c_char, *mut usize) -> femto_status,
    pub add_level_name: extern "C" fn(i32, *const c_char, usize) -> femto_status,
    pub logger_get: extern "C" fn(*const c_char, usize, *mut *const femto_logger) -> femto_status,
    pub logger_name: extern "C" fn(*const femto_logger) -> *const c_char,
    pub logger_is_enabled_for: extern "C" fn(*const femto_logger, i32) -> bool,
    pub logger_set_level: extern "C" fn(*const femto_logger, i32) -> femto_status,
    pub logger_get_level: extern "C" fn(*const femto_logger, *mut i32) -> femto_status,
    pub logger_get_effective_level: extern "C" fn(*const femto_logger, *mut i32) -> femto_status,
    pub logger_set_propagate: extern "C" fn(*const femto_logger, bool) -> femto_status,
    pub logger_add_handler:
        extern "C" fn(*const femto_logger, *const femto_handler) -> femto_status,
    pub logger_remove_handler:
        extern "C" fn(*const femto_logger, *const femto_handler) -> femto_status,
    pub logger_clear_handlers: extern "C" fn(*const femto_logger) -> femto_status,
    pub logger_add_filter: extern "C" fn(*const femto_logger, *const femto_filter) -> femto_status,
    pub logger_remove_filter:
        extern "C" fn(*const femto_logger, *const femto_filter) -> femto_status,
    pub logger_log: extern "C" fn(*const femto_logger, i32, *const c_char, usize) -> femto_status,
    pub logger_log_at: extern "C" fn(
        *const femto_logger,
        i32,
        *const c_char,
        usize,
        *const c_char,
        usize,
        u32,
        *const c_char,
        usize,
    ) -> femto_status,
    pub logger_log_ex: extern "C" fn(*const femto_logger, *const femto_log_args) -> femto_status,
    pub formatter_new: extern "C" fn(
        femto_format_style,
        *const c_char,
        usize,
        *const c_char,
        usize,
        *mut *mut femto_formatter,
    ) -> femto_status,
    pub formatter_new_json:
        extern "C" fn(*const c_char, usize, *mut *mut femto_formatter) -> femto_status,
    pub formatter_free: extern "C" fn(*mut femto_formatter),
    pub filter_new_level: extern "C" fn(i32, i32, *mut *mut femto_filter) -> femto_status,
    pub filter_new_name:
        extern "C" fn(*const c_char, usize, *mut *mut femto_filter) -> femto_status,
    pub filter_new_callback: extern "C" fn(
        femto_filter_fn,
        *mut c_void,
        femto_destroy_fn,
        *mut *mut femto_filter,
    ) -> femto_status,
    pub filter_free: extern "C" fn(*mut femto_filter),
    pub stream_handler_new: extern "C" fn(
        femto_stream,
        *const femto_handler_options,
        *mut *mut femto_handler,
    ) -> femto_status,
    pub file_handler_new: extern "C" fn(
        *const c_char,
        usize,
        bool,
        *const femto_handler_options,
        *mut *mut femto_handler,
    ) -> femto_status,
    pub callback_handler_new: extern "C" fn(
        femto_write_fn,
        femto_flush_fn,
        *mut c_void,
        femto_destroy_fn,
        *const femto_handler_options,
        *mut *mut femto_handler,
    ) -> femto_status,
    pub handler_free: extern "C" fn(*mut femto_handler),
    pub handler_flush: extern "C" fn(*const femto_handler, u64) -> femto_status,
    pub handler_close: extern "C" fn(*const femto_handler, u64) -> femto_status,
    pub handler_set_level: extern "C" fn(*const femto_handler, i32) -> femto_status,
    pub handler_set_formatter:
        extern "C" fn(*const femto_handler, *const femto_formatter) -> femto_status,
    pub handler_add_filter:
        extern "C" fn(*const femto_handler, *const femto_filter) -> femto_status,
    pub handler_remove_filter:
        extern "C" fn(*const femto_handler, *const femto_filter) -> femto_status,
    pub handler_stats_get:
        extern "C" fn(*const femto_handler, *mut femto_handler_stats) -> femto_status,
    pub flush_all: extern "C" fn(u64) -> femto_status,
    pub shutdown: extern "C" fn(u64) -> femto_status,
    pub set_error_hook: extern "C" fn(femto_error_fn, *mut c_void) -> femto_status,
    pub null_handler_new: extern "C" fn(*mut *mut femto_handler) -> femto_status,
    pub logger_set_disabled: extern "C" fn(*const femto_logger, bool) -> femto_status,
    pub disable: extern "C" fn(i32) -> femto_status,
    pub handler_log_ex: extern "C" fn(
        *const femto_handler,
        *const femto_logger,
        *const femto_log_args,
    ) -> femto_status,
    pub file_handler_new_ex: extern "C" fn(
        *const c_char,
        usize,
        *const femto_file_options,
        *const femto_handler_options,
        *mut *mut femto_handler,
    ) -> femto_status,
    pub formatter_new_callback: extern "C" fn(
        femto_format_fn,
        *mut c_void,
        femto_destroy_fn,
        *mut *mut femto_formatter,
    ) -> femto_status,
    pub text_append: extern "C" fn(*mut femto_text, *const c_char, usize) -> femto_status,
    pub set_last_resort: extern "C" fn(*const femto_handler) -> femto_status,
    pub set_wait_hooks:
        extern "C" fn(femto_wait_begin_fn, femto_wait_end_fn, *mut c_void) -> femto_status,
    pub rotating_file_handler_new: extern "C" fn(
        *const c_char,
        usize,
        *const femto_rotation_options,
        *const femto_handler_options,
        *mut *mut femto_handler,
    ) -> femto_status,
    pub handler_set_rotation: extern "C" fn(*const femto_handler, u64, u32) -> femto_status,
    pub handler_roll_over: extern "C" fn(*const femto_handler) -> femto_status,
    pub timed_rotating_file_handler_new: extern "C" fn(
        *const c_char,
        usize,
        *const femto_timed_rotation_options,
        *const femto_handler_options,
        *mut *mut femto_handler,
    ) -> femto_status,
    pub handler_set_backup_count: extern "C" fn(*const femto_handler, u32) -> femto_status,
    pub config_new: extern "C" fn(*mut *mut femto_config) -> femto_status,
    pub config_from_toml:
        extern "C" fn(*const c_char, usize, *mut *mut femto_config) -> femto_status,
    pub config_from_json:
        extern "C" fn(*const c_char, usize, *mut *mut femto_config) -> femto_status,
    pub config_from_file:
        extern "C" fn(*const c_char, usize, *mut *mut femto_config) -> femto_status,
    pub config_add_handler: extern "C" fn(
        *mut femto_config,
        *const c_char,
        usize,
        *const femto_handler,
    ) -> femto_status,
    pub config_set_logger: extern "C" fn(
        *mut femto_config,
        *const c_char,
        usize,
        i32,
        bool,
        *const femto_str,
        usize,
    ) -> femto_status,
    pub config_apply: extern "C" fn(*const femto_config) -> femto_status,
    pub config_to_json:
        extern "C" fn(*const femto_config, *mut c_char, usize, *mut usize) -> femto_status,
    pub config_free: extern "C" fn(*mut femto_config),
    pub configure_toml: extern "C" fn(*const c_char, usize) -> femto_status,
    pub configure_json: extern "C" fn(*const c_char, usize) -> femto_status,
    pub configure_file: extern "C" fn(*const c_char, usize) -> femto_status,
    pub loggers_set: extern "C" fn(*const femto_logger_state, usize) -> femto_status,
    pub logger_needs_location: extern "C" fn(*const femto_logger) -> bool,
    pub logger_only_caller_side: extern "C" fn(*const femto_logger) -> bool,
    pub set_wait_hooks_ex: extern "C" fn(
        femto_wait_begin_fn,
        femto_wait_end_fn,
        femto_wait_poll_fn,
        *mut c_void,
    ) -> femto_status,
    pub exit_drain: extern "C" fn() -> femto_status,
    pub exit_begin: extern "C" fn(),
    pub set_exit_timeout: extern "C" fn(u64) -> femto_status,
    pub exit_abandoned: extern "C" fn() -> u64,
    pub fork_quiesce: extern "C" fn(u64) -> femto_status,
    pub set_error_output: extern "C" fn(bool),
    pub formatter_new_ex: extern "C" fn(
        femto_format_style,
        *const c_char,
        usize,
        *const c_char,
        usize,
        *const femto_formatter_options,
        *mut *mut femto_formatter,
    ) -> femto_status,
    pub config_confine_files:
        extern "C" fn(*mut femto_config, *const c_char, usize) -> femto_status,
    pub confine_file: extern "C" fn(
        *const c_char,
        usize,
        *const c_char,
        usize,
        *mut c_char,
        usize,
        *mut usize,
    ) -> femto_status,
    pub logger_get_propagate: extern "C" fn(*const femto_logger, *mut bool) -> femto_status,
    pub logger_get_disabled: extern "C" fn(*const femto_logger, *mut bool) -> femto_status,
    pub logger_handlers: extern "C" fn(
        *const femto_logger,
        *mut *mut femto_handler,
        usize,
        *mut usize,
    ) -> femto_status,
    pub loggers_get: extern "C" fn(*mut *const femto_logger, usize, *mut usize) -> femto_status,
    pub handler_id: extern "C" fn(*const femto_handler, *mut u64) -> femto_status,
    pub handler_get_level: extern "C" fn(*const femto_handler, *mut i32) -> femto_status,
    pub handler_name:
        extern "C" fn(*const femto_handler, *mut c_char, usize, *mut usize) -> femto_status,
    pub handler_new: extern "C" fn(
        *const c_char,
        usize,
        *const femto_handler_options,
        *mut *mut femto_handler,
    ) -> femto_status,
    pub formatter_new_json_ex: extern "C" fn(
        *const c_char,
        usize,
        *const femto_formatter_options,
        *mut *mut femto_formatter,
    ) -> femto_status,
    pub formatter_format: extern "C" fn(
        *const femto_formatter,
        *const femto_logger,
        *const femto_log_args,
        *mut c_char,
        usize,
        *mut usize,
    ) -> femto_status,
    pub handler_rollover_due:
        extern "C" fn(*const femto_handler, u64, u64, *mut bool) -> femto_status,
    pub host_exit: extern "C" fn(u64) -> femto_status,
    pub logger_set_handlers:
        extern "C" fn(*const femto_logger, *const *const femto_handler, usize) -> femto_status,
    pub set_write_through: extern "C" fn(bool),
    pub handler_rollover_times:
        extern "C" fn(*const femto_handler, i64, *mut i64, *mut i64) -> femto_status,
    pub handler_backups_to_delete:
        extern "C" fn(*const femto_handler, *mut c_char, usize, *mut usize) -> femto_status,
    pub socket_handler_new: extern "C" fn(
        *const femto_socket_options,
        *const femto_handler_options,
        *mut *mut femto_handler,
    ) -> femto_status,
    pub receiver_new: extern "C" fn(*const c_char, usize, *mut *mut femto_receiver) -> femto_status,
    pub receiver_port: extern "C" fn(*const femto_receiver, *mut u16) -> femto_status,
    pub receiver_stats_get:
        extern "C" fn(*const femto_receiver, *mut femto_receiver_stats) -> femto_status,
    pub receiver_stop: extern "C" fn(*const femto_receiver, u64) -> femto_status,
    pub receiver_free: extern "C" fn(*mut femto_receiver),
}
