//! The one status enum of the C API, the thread-local last-error message,
//! and the boundary every export runs inside.

use std::cell::RefCell;
use std::ffi::{c_char, CString};

/// The statuses as a Rust enum, for matching inside the library. Every
/// value leaves the library as its `FEMTO_STATUS_*` integer.
use femto_abi::{
    femto_status, FEMTO_STATUS_BUFFER_TOO_SMALL, FEMTO_STATUS_DROPPED, FEMTO_STATUS_FILTERED,
    FEMTO_STATUS_INVALID_ARGUMENT, FEMTO_STATUS_INVALID_STATE, FEMTO_STATUS_IO,
    FEMTO_STATUS_NULL_ARGUMENT, FEMTO_STATUS_OK, FEMTO_STATUS_PANIC, FEMTO_STATUS_STRUCT_TOO_SMALL,
    FEMTO_STATUS_TIMEOUT,
};

#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    Ok = FEMTO_STATUS_OK,
    Dropped = FEMTO_STATUS_DROPPED,
    Timeout = FEMTO_STATUS_TIMEOUT,
    Filtered = FEMTO_STATUS_FILTERED,
    NullArgument = FEMTO_STATUS_NULL_ARGUMENT,
    InvalidArgument = FEMTO_STATUS_INVALID_ARGUMENT,
    InvalidState = FEMTO_STATUS_INVALID_STATE,
    Io = FEMTO_STATUS_IO,
    Panic = FEMTO_STATUS_PANIC,
    StructTooSmall = FEMTO_STATUS_STRUCT_TOO_SMALL,
    BufferTooSmall = FEMTO_STATUS_BUFFER_TOO_SMALL,
}

impl Status {
    /// Every status, for the checked conversion and the tests.
    pub(crate) const ALL: [Status; 11] = [
        Status::Ok,
        Status::Dropped,
        Status::Timeout,
        Status::Filtered,
        Status::NullArgument,
        Status::InvalidArgument,
        Status::InvalidState,
        Status::Io,
        Status::Panic,
        Status::StructTooSmall,
        Status::BufferTooSmall,
    ];

    /// The status a caller's integer names, if any.
    pub(crate) fn from_raw(value: femto_status) -> Option<Status> {
        Status::ALL
            .into_iter()
            .find(|status| *status as i32 == value)
    }

    fn message(self) -> &'static [u8] {
        match self {
            Status::Ok => b"ok\0",
            Status::Dropped => b"record dropped by at least one handler\0",
            Status::Timeout => b"timed out\0",
            Status::Filtered => b"rejected by the logger's filters\0",
            Status::NullArgument => b"a required argument was NULL\0",
            Status::InvalidArgument => b"invalid argument\0",
            Status::InvalidState => b"invalid state\0",
            Status::Io => b"I/O error\0",
            Status::Panic => b"internal panic (please report)\0",
            Status::StructTooSmall => b"options struct size too small\0",
            Status::BufferTooSmall => b"output buffer too small\0",
        }
    }
}

thread_local! {
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
}

/// Records `message` as this thread's last error and returns `status`.
pub(crate) fn fail(status: Status, message: impl Into<String>) -> Status {
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

/// A static, NUL-terminated description of `status` (never NULL): "unknown
/// status" for a value that is not a `FEMTO_STATUS_*`. Thread-safe.
#[no_mangle]
pub extern "C" fn femto_status_message(status: femto_status) -> *const c_char {
    let text = Status::from_raw(status).map_or(b"unknown status\0".as_slice(), Status::message);
    text.as_ptr().cast()
}

/// The body of an export: `Err` carries a failure status whose message
/// was already recorded with [`fail`].
pub(crate) type Outcome = Result<Status, Status>;

/// Runs `body` inside a panic boundary: a panic becomes
/// `FEMTO_STATUS_PANIC` with a message, never an abort or unwinding into C.
pub(crate) fn boundary(body: impl FnOnce() -> Outcome) -> femto_status {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)) {
        Ok(Ok(status) | Err(status)) => status as femto_status,
        Err(panic) => fail(Status::Panic, panic_text(&panic)) as femto_status,
    }
}

/// Like [`boundary`] for exports that return a value: `fallback` on panic.
pub(crate) fn boundary_or<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)).unwrap_or_else(|panic| {
        fail(Status::Panic, panic_text(&panic));
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
                    $crate::status::Status::NullArgument,
                    concat!("argument `", stringify!($ptr), "` is NULL"),
                ));
            }
        )+
    };
}
pub(crate) use require;

#[cfg(test)]
mod tests {
    use std::ffi::CStr;

    use rstest::rstest;

    use super::*;

    #[rstest]
    fn every_status_converts_back_and_has_a_message() {
        for status in Status::ALL {
            assert_eq!(Status::from_raw(status as femto_status), Some(status));
            // SAFETY: femto_status_message returns a static NUL-terminated string.
            let text = unsafe { CStr::from_ptr(femto_status_message(status as femto_status)) };
            assert_ne!(text.to_bytes(), b"unknown status");
        }
    }

    #[rstest]
    #[case(-1)]
    #[case(4)]
    #[case(7000)]
    #[case(7008)]
    #[case(i32::MAX)]
    #[case(i32::MIN)]
    fn an_unknown_status_has_a_message_too(#[case] value: femto_status) {
        assert_eq!(Status::from_raw(value), None);
        // SAFETY: as above.
        let text = unsafe { CStr::from_ptr(femto_status_message(value)) };
        assert_eq!(text.to_bytes(), b"unknown status");
    }
}
