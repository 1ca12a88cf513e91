//! The one place where opaque C handles become Rust objects.
//!
//! Each C handle type names the Rust value behind it and a kind tag
//! ([`Castable`]). Handles are boxed with an 8-byte head whose second word
//! is the tag, and a logger's memory carries [`FemtoLogger::MARKER`] in the
//! same place, so a handle passed to a function for another kind (a handler
//! where a formatter belongs) is refused with `INVALID_ARGUMENT` instead of
//! being misread. A dangling or made-up pointer cannot be detected; the
//! header documents every pointer's lifetime.

use femto_abi::{
    femto_config, femto_filter, femto_formatter, femto_handler, femto_receiver, femto_text,
};
use femto_core::FemtoLogger;

use crate::status::{fail, Status};

/// The head of every handle's memory: a word the kind may use (a logger
/// keeps its threshold there) and the kind tag.
#[repr(C)]
struct Head {
    reserved: u32,
    kind: u32,
}

/// A handle as C holds it: the head, then the value.
#[repr(C)]
struct Boxed<T> {
    head: Head,
    value: T,
}

/// Ties an opaque C handle type to the Rust value a handle owns.
pub(crate) trait Castable {
    /// What the handle owns (an `Arc` of the engine object, a builder…).
    type RustType;
    /// The tag in the second word of the handle's memory.
    const KIND: u32;
    /// The C type's name, for error messages.
    const NAME: &'static str;
}

/// The name of the kind tagged `kind`, for error messages.
fn kind_name(kind: u32) -> &'static str {
    match kind {
        FemtoLogger::MARKER => "femto_logger",
        femto_handler::KIND => femto_handler::NAME,
        femto_formatter::KIND => femto_formatter::NAME,
        femto_filter::KIND => femto_filter::NAME,
        femto_config::KIND => femto_config::NAME,
        femto_text::KIND => femto_text::NAME,
        femto_receiver::KIND => femto_receiver::NAME,
        _ => "something else",
    }
}

fn wrong_kind(what: &str, expected: &str, kind: u32) -> Status {
    fail(
        Status::InvalidArgument,
        format!(
            "argument `{what}` is not a {expected} (it points at a {})",
            kind_name(kind)
        ),
    )
}

fn null(what: &str) -> Status {
    fail(Status::NullArgument, format!("argument `{what}` is NULL"))
}

/// The kind tag of the memory at `ptr`.
///
/// # Safety
/// `ptr` is non-NULL and points at a live object made by this library (a
/// handle or a logger): all of them begin with a [`Head`]-shaped 8 bytes.
unsafe fn kind_at<C>(ptr: *const C) -> u32 {
    // SAFETY: per the function's contract the second 32-bit word is readable.
    unsafe { ptr.cast::<u32>().add(1).read() }
}

/// Hands `value` to C as a new handle of type `C`; free it with [`free`].
pub(crate) fn to_c<C: Castable>(value: C::RustType) -> *mut C {
    let boxed = Boxed {
        head: Head {
            reserved: 0,
            kind: C::KIND,
        },
        value,
    };
    Box::into_raw(Box::new(boxed)).cast()
}

/// Runs `body` with a handle of type `C` to `value` that lives on the stack
/// for the call only (a callback's output buffer).
pub(crate) fn with_stack_handle<C: Castable, R>(
    value: C::RustType,
    body: impl FnOnce(*mut C) -> R,
) -> R {
    let mut boxed = Boxed {
        head: Head {
            reserved: 0,
            kind: C::KIND,
        },
        value,
    };
    body((&raw mut boxed).cast())
}

/// Borrows the value behind a handle, refusing NULL and other kinds.
///
/// # Safety
/// `ptr` is NULL or a live pointer made by this library (from [`to_c`] or a
/// logger), not freed before the borrow ends.
pub(crate) unsafe fn borrow<'a, C: Castable>(
    ptr: *const C,
    what: &str,
) -> Result<&'a C::RustType, Status> {
    if ptr.is_null() {
        return Err(null(what));
    }
    // SAFETY: non-NULL and made by this library (the caller's promise).
    let kind = unsafe { kind_at(ptr) };
    if kind != C::KIND {
        return Err(wrong_kind(what, C::NAME, kind));
    }
    // SAFETY: the tag says `ptr` came from `to_c::<C>`, so it is a live
    // `Boxed<C::RustType>`.
    Ok(unsafe { &(*ptr.cast::<Boxed<C::RustType>>()).value })
}

/// Borrows the value behind a handle for changing it (builders, which the
/// header documents as one-thread-at-a-time).
///
/// # Safety
/// As for [`borrow`], and no other borrow of the handle is live.
pub(crate) unsafe fn borrow_mut<'a, C: Castable>(
    ptr: *mut C,
    what: &str,
) -> Result<&'a mut C::RustType, Status> {
    // SAFETY: the caller's promise, passed on; checks NULL and the kind.
    unsafe { borrow::<C>(ptr, what) }?;
    // SAFETY: checked above to be a live `Boxed<C::RustType>`; exclusive
    // per the caller's promise.
    Ok(unsafe { &mut (*ptr.cast::<Boxed<C::RustType>>()).value })
}

/// Frees a handle made by [`to_c`]. NULL is a no-op; a handle of another
/// kind is left alone (and said so in `femto_last_error()`).
///
/// # Safety
/// `ptr` is NULL or a live handle made by this library, freed only once.
pub(crate) unsafe fn free<C: Castable>(ptr: *mut C) {
    if ptr.is_null() {
        return;
    }
    // SAFETY: non-NULL and live (the caller's promise).
    let kind = unsafe { kind_at(ptr) };
    if kind != C::KIND {
        wrong_kind("handle", C::NAME, kind);
        return;
    }
    // SAFETY: made by `to_c::<C>` (the tag says so) and freed once.
    drop(unsafe { Box::from_raw(ptr.cast::<Boxed<C::RustType>>()) });
}

/// Borrows the logger behind a `femto_logger` pointer, refusing NULL and
/// other kinds.
///
/// # Safety
/// `ptr` is NULL or a live pointer made by this library. Loggers live as
/// long as the process.
pub(crate) unsafe fn borrow_logger<'a, L>(
    ptr: *const L,
    what: &str,
) -> Result<&'a FemtoLogger, Status> {
    if ptr.is_null() {
        return Err(null(what));
    }
    // SAFETY: non-NULL and made by this library (the caller's promise).
    let kind = unsafe { kind_at(ptr) };
    if kind != FemtoLogger::MARKER {
        return Err(wrong_kind(what, "femto_logger", kind));
    }
    // SAFETY: the marker says this is a `FemtoLogger`, which the global
    // registry keeps for the life of the process.
    Ok(unsafe { &*ptr.cast::<FemtoLogger>() })
}

/// Borrows the value behind the handle argument `$ptr` (checked for NULL
/// and kind), returning the failure status from the enclosing export.
macro_rules! handle {
    ($ptr:ident) => {{
        let ptr = $ptr;
        // SAFETY: every export documents that its handle arguments are NULL
        // or live handles from this library; `borrow` checks NULL and kind.
        unsafe { $crate::cast::borrow(ptr, stringify!($ptr)) }?
    }};
    ($ptr:expr, $what:expr) => {{
        let ptr = $ptr;
        // SAFETY: as above.
        unsafe { $crate::cast::borrow(ptr, $what) }?
    }};
}
pub(crate) use handle;

/// As [`handle!`] for a `femto_logger` argument.
macro_rules! logger {
    ($ptr:ident) => {{
        let ptr = $ptr;
        // SAFETY: every export documents that its logger arguments are NULL
        // or pointers from `femto_logger_get`; `borrow_logger` checks both.
        unsafe { $crate::cast::borrow_logger(ptr, stringify!($ptr)) }?
    }};
    ($ptr:expr, $what:expr) => {{
        let ptr = $ptr;
        // SAFETY: as above.
        unsafe { $crate::cast::borrow_logger(ptr, $what) }?
    }};
}
pub(crate) use logger;

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use rstest::rstest;

    use super::*;

    #[rstest]
    fn a_handle_is_refused_where_another_kind_belongs() {
        let handler = to_c::<femto_handler>(femto_core::FemtoHandler::null());
        // SAFETY: a live handle made just above.
        let as_formatter = unsafe { borrow::<femto_formatter>(handler.cast(), "formatter") };
        assert_eq!(as_formatter.err(), Some(Status::InvalidArgument));
        // SAFETY: as above.
        let as_logger = unsafe { borrow_logger(handler.cast_const(), "logger") };
        assert_eq!(as_logger.err(), Some(Status::InvalidArgument));
        // SAFETY: as above; freeing it as a filter leaves it alone.
        unsafe { free::<femto_filter>(handler.cast()) };
        // SAFETY: still live: the wrong-kind free did nothing.
        assert!(unsafe { borrow::<femto_handler>(handler, "handler") }.is_ok());
        // SAFETY: freed once, here.
        unsafe { free(handler) };
    }

    #[rstest]
    fn null_is_a_status() {
        // SAFETY: NULL is allowed.
        let result = unsafe { borrow::<femto_handler>(std::ptr::null(), "handler") };
        assert_eq!(result.err(), Some(Status::NullArgument));
        // SAFETY: NULL is a no-op.
        unsafe { free::<femto_handler>(std::ptr::null_mut()) };
    }

    #[rstest]
    fn a_logger_is_recognised() {
        let logger = femto_core::Manager::global()
            .get_logger("cast.test")
            .unwrap();
        // SAFETY: loggers of the global registry live for the process.
        let borrowed = unsafe { borrow_logger(Arc::as_ptr(&logger), "logger") }.unwrap();
        assert!(std::ptr::eq(borrowed, Arc::as_ptr(&logger)));
        // SAFETY: as above.
        let as_handler = unsafe { borrow::<femto_handler>(Arc::as_ptr(&logger).cast(), "h") };
        assert_eq!(as_handler.err(), Some(Status::InvalidArgument));
    }
}
