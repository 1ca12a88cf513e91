//! The function table: every export behind one pointer, for consumers that
//! cannot link the library (Python C extensions take it from the capsule
//! `femtologging._femtologging._C_API`). Append-only: new functions go at
//! the end, and `size` tells a consumer which ones the loaded library has.

use std::ffi::{c_char, c_void};

use crate::callback_handler::{femto_flush_fn, femto_write_fn};
use crate::config::femto_config;
use crate::filter::{femto_destroy_fn, femto_filter, femto_filter_fn};
use crate::formatter::{femto_format_fn, femto_format_style, femto_formatter, femto_text};
use crate::handler::{
    femto_file_options, femto_handler, femto_handler_options, femto_handler_stats,
    femto_rotation_options, femto_stream, femto_timed_rotation_options,
};
use crate::lifecycle::{
    femto_error_fn, femto_wait_begin_fn, femto_wait_end_fn, femto_wait_poll_fn,
};
use crate::logger::{femto_log_args, femto_logger, femto_logger_state};
use crate::status::femto_status;
use crate::types::femto_str;

/// Every function of the C API. Check `abi_version == FEMTO_ABI_VERSION`
/// and that `size` covers the last field you use before calling through
/// it. Immutable and static: thread-safe.
#[repr(C)]
#[allow(non_camel_case_types)]
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
        u32,
        *const c_char,
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
    pub config_add_handler:
        extern "C" fn(*mut femto_config, femto_str, *const femto_handler) -> femto_status,
    pub config_set_logger: extern "C" fn(
        *mut femto_config,
        femto_str,
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
        *const crate::formatter::femto_formatter_options,
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
}

static API: femto_api = femto_api {
    size: std::mem::size_of::<femto_api>(),
    abi_version: crate::version::FEMTO_ABI_VERSION,
    version: crate::version::femto_version,
    abi_version_fn: crate::version::femto_abi_version,
    last_error: crate::status::femto_last_error,
    status_message: crate::status::femto_status_message,
    level_from_name: crate::level::femto_level_from_name,
    level_name: crate::level::femto_level_name,
    add_level_name: crate::level::femto_add_level_name,
    logger_get: crate::logger::femto_logger_get,
    logger_name: crate::logger::femto_logger_name,
    logger_is_enabled_for: crate::logger::femto_logger_is_enabled_for,
    logger_set_level: crate::logger::femto_logger_set_level,
    logger_get_level: crate::logger::femto_logger_get_level,
    logger_get_effective_level: crate::logger::femto_logger_get_effective_level,
    logger_set_propagate: crate::logger::femto_logger_set_propagate,
    logger_add_handler: crate::logger::femto_logger_add_handler,
    logger_remove_handler: crate::logger::femto_logger_remove_handler,
    logger_clear_handlers: crate::logger::femto_logger_clear_handlers,
    logger_add_filter: crate::logger::femto_logger_add_filter,
    logger_remove_filter: crate::logger::femto_logger_remove_filter,
    logger_log: crate::logger::femto_logger_log,
    logger_log_at: crate::logger::femto_logger_log_at,
    logger_log_ex: crate::logger::femto_logger_log_ex,
    formatter_new: crate::formatter::femto_formatter_new,
    formatter_new_json: crate::formatter::femto_formatter_new_json,
    formatter_free: crate::formatter::femto_formatter_free,
    filter_new_level: crate::filter::femto_filter_new_level,
    filter_new_name: crate::filter::femto_filter_new_name,
    filter_new_callback: crate::filter::femto_filter_new_callback,
    filter_free: crate::filter::femto_filter_free,
    stream_handler_new: crate::handler::femto_stream_handler_new,
    file_handler_new: crate::handler::femto_file_handler_new,
    callback_handler_new: crate::callback_handler::femto_callback_handler_new,
    handler_free: crate::handler::femto_handler_free,
    handler_flush: crate::handler::femto_handler_flush,
    handler_close: crate::handler::femto_handler_close,
    handler_set_level: crate::handler::femto_handler_set_level,
    handler_set_formatter: crate::handler::femto_handler_set_formatter,
    handler_add_filter: crate::handler::femto_handler_add_filter,
    handler_remove_filter: crate::handler::femto_handler_remove_filter,
    handler_stats_get: crate::handler::femto_handler_stats_get,
    flush_all: crate::lifecycle::femto_flush_all,
    shutdown: crate::lifecycle::femto_shutdown,
    set_error_hook: crate::lifecycle::femto_set_error_hook,
    null_handler_new: crate::handler::femto_null_handler_new,
    logger_set_disabled: crate::logger::femto_logger_set_disabled,
    disable: crate::logger::femto_disable,
    handler_log_ex: crate::logger::femto_handler_log_ex,
    file_handler_new_ex: crate::handler::femto_file_handler_new_ex,
    formatter_new_callback: crate::formatter::femto_formatter_new_callback,
    text_append: crate::formatter::femto_text_append,
    set_last_resort: crate::logger::femto_set_last_resort,
    set_wait_hooks: crate::lifecycle::femto_set_wait_hooks,
    rotating_file_handler_new: crate::handler::femto_rotating_file_handler_new,
    handler_set_rotation: crate::handler::femto_handler_set_rotation,
    handler_roll_over: crate::handler::femto_handler_roll_over,
    timed_rotating_file_handler_new: crate::handler::femto_timed_rotating_file_handler_new,
    handler_set_backup_count: crate::handler::femto_handler_set_backup_count,
    config_new: crate::config::femto_config_new,
    config_from_toml: crate::config::femto_config_from_toml,
    config_from_json: crate::config::femto_config_from_json,
    config_from_file: crate::config::femto_config_from_file,
    config_add_handler: crate::config::femto_config_add_handler,
    config_set_logger: crate::config::femto_config_set_logger,
    config_apply: crate::config::femto_config_apply,
    config_to_json: crate::config::femto_config_to_json,
    config_free: crate::config::femto_config_free,
    configure_toml: crate::config::femto_configure_toml,
    configure_json: crate::config::femto_configure_json,
    configure_file: crate::config::femto_configure_file,
    loggers_set: crate::logger::femto_loggers_set,
    logger_needs_location: crate::logger::femto_logger_needs_location,
    logger_only_caller_side: crate::logger::femto_logger_only_caller_side,
    set_wait_hooks_ex: crate::lifecycle::femto_set_wait_hooks_ex,
    exit_drain: crate::lifecycle::femto_exit_drain,
    exit_begin: crate::lifecycle::femto_exit_begin,
    set_exit_timeout: crate::lifecycle::femto_set_exit_timeout,
    exit_abandoned: crate::lifecycle::femto_exit_abandoned,
    fork_quiesce: crate::lifecycle::femto_fork_quiesce,
    set_error_output: crate::lifecycle::femto_set_error_output,
    formatter_new_ex: crate::formatter::femto_formatter_new_ex,
    config_confine_files: crate::config::femto_config_confine_files,
    confine_file: crate::config::femto_confine_file,
};

/// The library's function table (static; never NULL). Thread-safe.
#[no_mangle]
pub extern "C" fn femto_api_get() -> *const femto_api {
    &API
}
