//! The signatures of the callbacks C code gives the library, and the
//! threads they are called on.

use core::ffi::{c_char, c_void};

use crate::{femto_record, femto_text};

/// Releases user data when the last reference to a callback object goes.
/// Called once, on whichever thread drops the last reference.
pub type femto_destroy_fn = Option<unsafe extern "C-unwind" fn(user_data: *mut c_void)>;

/// Decides whether a record passes: return true to keep it.
///
/// Called on the logging thread, possibly from many threads at once: it
/// must be thread-safe and must not log. A Rust callback that panics
/// rejects the record; the panic is reported to the error hook.
pub type femto_filter_fn = Option<
    unsafe extern "C-unwind" fn(user_data: *mut c_void, record: *const femto_record) -> bool,
>;

/// Receives one formatted record: `text`/`text_len` is the formatter's
/// output (no line terminator). Return 0 on success; any other value is
/// counted as an error of the handler, and a positive one is also reported
/// to the error hook (return a negative value for a failure the callback
/// has reported itself).
///
/// Called on the handler's worker thread, one record at a time (never
/// concurrently for one handler). It must not log to the same handler.
pub type femto_write_fn = Option<
    unsafe extern "C-unwind" fn(
        user_data: *mut c_void,
        record: *const femto_record,
        text: *const c_char,
        text_len: usize,
    ) -> i32,
>;

/// Called once per batch after the writes; return 0 on success (other
/// values as for `femto_write_fn`).
/// Same thread rules as `femto_write_fn`.
pub type femto_flush_fn = Option<unsafe extern "C-unwind" fn(user_data: *mut c_void) -> i32>;

/// Renders one record: append its text (no line terminator) to `out` with
/// `femto_text_append`. Return 0 on success; any other value skips the
/// record, which counts as an error of the handler. A positive value is
/// also reported to the error hook; a negative one is not (for callbacks
/// that reported the failure themselves).
///
/// Called on the worker threads of the handlers using the formatter, which
/// may be several at once: it must be thread-safe and must not log to
/// those handlers.
pub type femto_format_fn = Option<
    unsafe extern "C-unwind" fn(
        user_data: *mut c_void,
        record: *const femto_record,
        out: *mut femto_text,
    ) -> i32,
>;

/// Kinds of handler failure passed to an error hook.
pub const FEMTO_ERROR_IO: i32 = 1;
pub const FEMTO_ERROR_PANIC: i32 = 2;
pub const FEMTO_ERROR_CALLBACK: i32 = 3;
/// A configuration change could not retire the handlers it took off within
/// 2 s (a logging call under way was blocked); the handler name is
/// "configuration".
pub const FEMTO_ERROR_CONFIG: i32 = 4;

/// Receives a handler failure: the handler's name, a `FEMTO_ERROR_*` kind
/// and a message (UTF-8, not NUL-terminated, valid during the call).
///
/// Called on the failing handler's worker thread (or a logging thread for
/// a filter), possibly from several threads at once: it must be
/// thread-safe, and must not log to the handler that failed.
pub type femto_error_fn = Option<
    unsafe extern "C-unwind" fn(
        user_data: *mut c_void,
        handler: *const c_char,
        handler_len: usize,
        kind: i32,
        message: *const c_char,
        message_len: usize,
    ),
>;

/// Runs on a logging thread before it waits for room in a full queue (the
/// `block` and `timeout` overflow policies); returns a token for the
/// matching `femto_wait_end_fn`. A host runtime uses the pair to release a
/// lock its handlers' workers need while the thread waits (Python's
/// binding releases the GIL). Must not log.
pub type femto_wait_begin_fn =
    Option<unsafe extern "C-unwind" fn(user_data: *mut c_void) -> *mut c_void>;

/// Runs on the same thread when the wait is over, with the token.
pub type femto_wait_end_fn =
    Option<unsafe extern "C-unwind" fn(user_data: *mut c_void, token: *mut c_void)>;

/// Runs on a waiting logging thread about every 20 ms, with a pointer to
/// the token `femto_wait_begin_fn` returned (the hook may replace it):
/// returning true abandons the wait, so the record is dropped (counted) and
/// the logging call returns `FEMTO_STATUS_DROPPED`. A host runtime runs its
/// signal handlers here, so Ctrl-C reaches a program whose logging thread
/// waits on a stuck sink. Must not log.
pub type femto_wait_poll_fn =
    Option<unsafe extern "C-unwind" fn(user_data: *mut c_void, token: *mut *mut c_void) -> bool>;

/// Seconds since the Unix epoch, for `femto_timed_rotation_options`.
pub type femto_clock_now_fn = Option<unsafe extern "C-unwind" fn(user_data: *mut c_void) -> i64>;

/// The local offset from UTC (seconds east) at instant `at`.
pub type femto_clock_offset_fn =
    Option<unsafe extern "C-unwind" fn(user_data: *mut c_void, at: i64) -> i32>;
