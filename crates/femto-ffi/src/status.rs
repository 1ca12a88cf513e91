//! The one status enum of the C API, the thread-local last-error message,
//! and the boundary every export runs inside.

use std::cell::RefCell;
use std::ffi::{c_char, CString};

/// The result of every fallible call. The numbers never change: retired
/// values stay reserved. `FEMTO_STATUS_OK` (0) and the informational
/// `DROPPED` and `TIMEOUT` are successes of a kind; values from 7000 up are
/// errors, explained by `femto_last_error()`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum femto_status {
    /// The call did what was asked.
    Ok = 0,
    /// A record was accepted but at least one handler dropped it (its queue
    /// was full under the `drop`/`timeout` policy, or it was closed).
    Dropped = 1,
    /// `flush`, `close` or `shutdown` did not finish within the timeout.
    Timeout = 2,
    /// The logger's filters rejected the record. Returned only to a caller
    /// that asked for it (`femto_log_args.caller_side_done`); otherwise a
    /// filtered record is `FEMTO_STATUS_OK`.
    Filtered = 3,
    /// A required pointer argument was NULL.
    NullArgument = 7001,
    /// An argument was invalid: bad UTF-8, an unknown level name, a bad
    /// logger name or format string, an out-of-range option.
    InvalidArgument = 7002,
    /// The object cannot do this now (for example, it was already closed).
    InvalidState = 7003,
    /// A file or stream could not be opened, or a thread not started.
    Io = 7004,
    /// femtologging panicked; the call had no effect. Please report it.
    Panic = 7005,
    /// An options struct's `size` is smaller than the first version of it.
    StructTooSmall = 7006,
}

thread_local! {
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
}

/// Records `message` as this thread's last error and returns `status`.
pub(crate) fn fail(status: femto_status, message: impl Into<String>) -> femto_status {
    let mut text = message.into();
    text.retain(|c| c != '\0');
    let text = CString::new(text).unwrap_or_default();
    let _ = LAST_ERROR.try_with(|last| *last.borrow_mut() = text);
    status
}

/// The message of the last failed call on this thread, or "" if none has
/// failed. The pointer is valid until the next failing call on this
/// thread; copy it to keep it. Never NULL.
#[no_mangle]
pub extern "C" fn femto_last_error() -> *const c_char {
    static EMPTY: &[u8] = b"\0";
    LAST_ERROR
        .try_with(|last| last.borrow().as_ptr())
        .unwrap_or(EMPTY.as_ptr().cast())
}

/// A static, NUL-terminated description of `status` (never NULL).
#[no_mangle]
pub extern "C" fn femto_status_message(status: femto_status) -> *const c_char {
    let text: &'static [u8] = match status {
        femto_status::Ok => b"ok\0",
        femto_status::Dropped => b"record dropped by at least one handler\0",
        femto_status::Timeout => b"timed out\0",
        femto_status::Filtered => b"rejected by the logger's filters\0",
        femto_status::NullArgument => b"a required argument was NULL\0",
        femto_status::InvalidArgument => b"invalid argument\0",
        femto_status::InvalidState => b"invalid state\0",
        femto_status::Io => b"I/O error\0",
        femto_status::Panic => b"internal panic (please report)\0",
        femto_status::StructTooSmall => b"options struct size too small\0",
    };
    text.as_ptr().cast()
}

/// The body of an export: `Err` carries a failure status whose message
/// was already recorded with [`fail`].
pub(crate) type Outcome = Result<femto_status, femto_status>;

/// Runs `body` inside a panic boundary: a panic becomes
/// `FEMTO_STATUS_PANIC` with a message, never an abort or unwinding into C.
pub(crate) fn boundary(body: impl FnOnce() -> Outcome) -> femto_status {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)) {
        Ok(Ok(status) | Err(status)) => status,
        Err(panic) => fail(femto_status::Panic, panic_text(&panic)),
    }
}

/// Like [`boundary`] for exports that return a value: `fallback` on panic.
pub(crate) fn boundary_or<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)).unwrap_or_else(|panic| {
        fail(femto_status::Panic, panic_text(&panic));
        fallback
    })
}

fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    let detail = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    format!("internal panic: {detail}")
}

/// Returns early from an export with `NULL_ARGUMENT` when a pointer is NULL.
macro_rules! require {
    ($($ptr:ident),+) => {
        $(
            if $ptr.is_null() {
                return Err($crate::status::fail(
                    $crate::status::femto_status::NullArgument,
                    concat!("argument `", stringify!($ptr), "` is NULL"),
                ));
            }
        )+
    };
}
pub(crate) use require;
