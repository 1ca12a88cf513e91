//! Where each field of each struct lies, as Rust lays it out, for the test
//! that compares it with the C header's layout (cffi's reading of the
//! generated declarations). The test also compares the field names, so a
//! field added to a struct but not here fails it.

use core::mem::{offset_of, size_of};

use crate::*;

/// One entry of [`layout`]: struct, field (`""` for the struct's size),
/// and offset (or size).
pub type LayoutEntry = (&'static str, &'static str, usize);

macro_rules! layout {
    ($($ty:ident { $($field:ident),* $(,)? })*) => {
        &[$(
            (stringify!($ty), "", size_of::<$ty>()),
            $((stringify!($ty), stringify!($field), offset_of!($ty, $field)),)*
        )*]
    };
}

/// Every struct's size and every field's offset.
pub fn layout() -> &'static [LayoutEntry] {
    layout! {
        femto_str { ptr, len }
        femto_kv { key, value }
        femto_record {
            size, level, logger, message, created_ns, thread_id, thread_name, process_id, file,
            line, function, module, key_values, key_value_count, exception, stack,
        }
        femto_log_args {
            size, level, message, file, line, function, module, key_values, key_value_count,
            exception, stack, thread_name, thread_id, created_ns, caller_side_done,
        }
        femto_logger_state { logger, level, propagate, disabled, handlers, handler_count }
        femto_handler_options {
            size, capacity, overflow, timeout_ms, level, formatter, name, text_only, caller_side,
            flush_delay_us,
        }
        femto_file_options { size, truncate, delay, watch }
        femto_rotation_options { size, max_bytes, backup_count, truncate, delay }
        femto_timed_rotation_options {
            size, when, interval, utc, has_at_time, at_hour, at_minute, at_second, backup_count,
            delay, clock_now, clock_utc_offset, clock_user_data, clock_destroy,
        }
        femto_formatter_options { size, escape_controls, utc }
        femto_handler_stats { size, written, dropped, errors }
        femto_socket_options {
            size, host, port, unix_path, tls, ca_file, cert_file, key_file, server_name, insecure,
            connect_timeout_ms, write_timeout_ms, max_frame_bytes, max_buffered_bytes,
            backoff_base_ms, backoff_cap_ms, backoff_reset_ms, retry_deadline_ms,
        }
        femto_receiver_stats { size, records, bad_frames, connections }
        femto_api {
            size, abi_version, version, abi_version_fn, last_error, status_message,
            level_from_name, level_name, add_level_name, logger_get, logger_name,
            logger_is_enabled_for, logger_set_level, logger_get_level, logger_get_effective_level,
            logger_set_propagate, logger_add_handler, logger_remove_handler,
            logger_clear_handlers, logger_add_filter, logger_remove_filter, logger_log,
            logger_log_at, logger_log_ex, formatter_new, formatter_new_json, formatter_free,
            filter_new_level, filter_new_name, filter_new_callback, filter_free,
            stream_handler_new, file_handler_new, callback_handler_new, handler_free,
            handler_flush, handler_close, handler_set_level, handler_set_formatter,
            handler_add_filter, handler_remove_filter, handler_stats_get, flush_all, shutdown,
            set_error_hook, null_handler_new, logger_set_disabled, disable, handler_log_ex,
            file_handler_new_ex, formatter_new_callback, text_append, set_last_resort,
            set_wait_hooks, rotating_file_handler_new, handler_set_rotation, handler_roll_over,
            timed_rotating_file_handler_new, handler_set_backup_count, config_new,
            config_from_toml, config_from_json, config_from_file, config_add_handler,
            config_set_logger, config_apply, config_to_json, config_free, configure_toml,
            configure_json, configure_file, loggers_set, logger_needs_location,
            logger_only_caller_side, set_wait_hooks_ex, exit_drain, exit_begin,
            set_exit_timeout, exit_abandoned, fork_quiesce, set_error_output, formatter_new_ex,
            config_confine_files, confine_file, logger_get_propagate, logger_get_disabled,
            logger_handlers, loggers_get, handler_id, handler_get_level, handler_name,
            handler_new, formatter_new_json_ex, formatter_format, handler_rollover_due,
            host_exit, logger_set_handlers, set_write_through, handler_rollover_times,
            handler_backups_to_delete, socket_handler_new, receiver_new, receiver_port,
            receiver_stats_get, receiver_stop, receiver_free,
        }
    }
}
