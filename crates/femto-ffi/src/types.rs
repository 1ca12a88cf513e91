//! Plain data shared with C: borrowed strings, key-values, and the casts
//! between opaque handles and the Rust objects behind them.

use std::borrow::Cow;
use std::ffi::c_char;

use femto_abi::{femto_kv, femto_str, Versioned};
use femto_core::intern::Text;

use crate::status::{fail, Outcome, Status};

/// The longest string argument accepted (1 GiB): longer is a caller's
/// bug (a negative length cast to `size_t`), not a log message.
pub(crate) const MAX_TEXT_LEN: usize = 1 << 30;

/// Borrows `len` bytes at `ptr`; `what` names the argument in the error.
/// NULL with length 0 is the empty string.
///
/// The lifetime is the caller's to choose and the bytes are only valid
/// during the export's call: copy or intern before storing (never let the
/// result become a `Text`, whose borrowed form is `'static`).
fn bytes<'a>(ptr: *const c_char, len: usize, what: &str) -> Result<&'a [u8], Status> {
    if ptr.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(fail(
                Status::NullArgument,
                format!("argument `{what}` is NULL with a length of {len}"),
            ))
        };
    }
    if len > MAX_TEXT_LEN {
        return Err(fail(
            Status::InvalidArgument,
            format!("argument `{what}` is {len} bytes long; at most {MAX_TEXT_LEN} are accepted"),
        ));
    }
    // SAFETY: the caller promises `ptr` points to `len` readable bytes that
    // stay valid for this call (documented on every export taking them).
    Ok(unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) })
}

fn not_utf8(what: &str, error: std::str::Utf8Error) -> Status {
    fail(
        Status::InvalidArgument,
        format!("argument `{what}` is not UTF-8: {error}"),
    )
}

/// Borrows `len` bytes at `ptr` as UTF-8 (same lifetime rule as `bytes`).
///
/// Most text is ASCII, which a word-at-a-time check confirms in a fraction
/// of a full UTF-8 validation (every logging call's message goes through
/// here).
pub(crate) fn text<'a>(ptr: *const c_char, len: usize, what: &str) -> Result<&'a str, Status> {
    let bytes = bytes(ptr, len, what)?;
    if bytes.is_ascii() {
        // SAFETY: ASCII bytes are valid UTF-8.
        return Ok(unsafe { std::str::from_utf8_unchecked(bytes) });
    }
    std::str::from_utf8(bytes).map_err(|e| not_utf8(what, e))
}

/// `INVALID_ARGUMENT` for an integer that is none of an enum's values.
pub(crate) fn unknown_value(what: &str, enum_name: &str, value: i32) -> Status {
    fail(
        Status::InvalidArgument,
        format!("argument `{what}` is {value}, which is not a `{enum_name}` value"),
    )
}

/// `INVALID_ARGUMENT` explained by `error`.
pub(crate) fn invalid(error: impl std::fmt::Display) -> Status {
    fail(Status::InvalidArgument, error.to_string())
}

/// Like [`text`] for a [`femto_str`]; `None` when absent (`{NULL, 0}`);
/// NULL with a length is `NULL_ARGUMENT`.
#[inline]
pub(crate) fn optional<'a>(s: femto_str, what: &str) -> Result<Option<&'a str>, Status> {
    if s.ptr.is_null() && s.len == 0 {
        return Ok(None);
    }
    text(s.ptr, s.len, what).map(Some)
}

/// Interned record text for `len` bytes at `ptr` (see `intern::cached`):
/// no allocation when the same string was seen before.
pub(crate) fn interned(ptr: *const c_char, len: usize, what: &str) -> Result<Text, Status> {
    femto_core::intern::cached(bytes(ptr, len, what)?).map_err(|e| not_utf8(what, e))
}

/// Like [`interned`] for an optional [`femto_str`].
pub(crate) fn optional_interned(s: femto_str, what: &str) -> Result<Option<Text>, Status> {
    if s.ptr.is_null() && s.len == 0 {
        return Ok(None);
    }
    interned(s.ptr, s.len, what).map(Some)
}

/// The most key-values one record may carry.
pub(crate) const MAX_KEY_VALUES: usize = 1 << 16;

/// Borrows `count` key-values at `ptr`.
#[inline]
pub(crate) fn key_values<'a>(ptr: *const femto_kv, count: usize) -> Result<&'a [femto_kv], Status> {
    array(ptr, count, "key_values", MAX_KEY_VALUES)
}

/// Borrows the caller's array of `count` entries at `ptr` (NULL allowed
/// when `count` is 0). Checked before anything is sized by `count`: NULL
/// with a count, or a count above `max`, is a status, never an attempt to
/// allocate or read that much.
pub(crate) fn array<'a, T>(
    ptr: *const T,
    count: usize,
    what: &str,
    max: usize,
) -> Result<&'a [T], Status> {
    if count == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(fail(
            Status::NullArgument,
            format!("argument `{what}` is NULL with a count of {count}"),
        ));
    }
    if count > max {
        return Err(fail(
            Status::InvalidArgument,
            format!("argument `{what}` has {count} entries; at most {max} are accepted"),
        ));
    }
    // SAFETY: the caller promises `count` valid entries for this call.
    Ok(unsafe { std::slice::from_raw_parts(ptr, count) })
}

/// Copies `text` and a NUL into the caller's `buffer` of `capacity`
/// bytes; `false` (nothing written) when it does not fit.
pub(crate) fn copy_out(text: &str, buffer: *mut c_char, capacity: usize) -> bool {
    if buffer.is_null() || capacity <= text.len() {
        return false;
    }
    // SAFETY: `buffer` has `capacity` writable bytes (the caller's
    // promise), more than the text and its NUL.
    let out = unsafe { std::slice::from_raw_parts_mut(buffer.cast::<u8>(), capacity) };
    out[..text.len()].copy_from_slice(text.as_bytes());
    out[text.len()] = 0;
    true
}

/// Reads a versioned options struct: the caller's `size` bytes over our
/// defaults, so that callers built against an older, shorter struct keep
/// working; NULL means the defaults.
pub(crate) fn read_sized<T: Versioned>(ptr: *const T) -> Result<T, Status> {
    sized(ptr).map(Cow::into_owned)
}

/// As [`read_sized`], without the copy when the caller's struct is ours
/// or newer (built against this header or a later one) and aligned: then
/// it is borrowed where it is. Every logging call's `femto_log_args`
/// comes through here.
pub(crate) fn sized<'a, T: Versioned>(ptr: *const T) -> Result<Cow<'a, T>, Status> {
    let minimum = T::FIRST_SIZE;
    if ptr.is_null() {
        return Ok(Cow::Owned(T::defaults()));
    }
    // SAFETY: every versioned struct starts with its `size: usize` field.
    let size = unsafe { ptr.cast::<usize>().read_unaligned() };
    if size >= std::mem::size_of::<T>() && ptr.is_aligned() {
        // SAFETY: the caller's struct has at least `size` readable bytes,
        // all of ours, at an aligned address, valid for the call; `T` is
        // plain `Copy` data.
        return Ok(Cow::Borrowed(unsafe { &*ptr }));
    }
    if size < minimum {
        return Err(fail(
            Status::StructTooSmall,
            format!(
                "options size {size} is below the minimum {minimum}; set `size = sizeof(struct)`"
            ),
        ));
    }
    let mut value = T::defaults();
    let copy = size.min(std::mem::size_of::<T>());
    // SAFETY: the caller's struct has at least `size` readable bytes, we copy
    // no more than our own struct holds, and `T` is plain `Copy` data.
    unsafe {
        std::ptr::copy_nonoverlapping(ptr.cast::<u8>(), (&raw mut value).cast::<u8>(), copy);
    }
    Ok(Cow::Owned(value))
}

/// Writes a versioned output struct to the caller's `out`, no more than the
/// caller's `size` bytes of it (the first field, read first), and sets
/// that `size` to the bytes written. `out` must be non-NULL.
pub(crate) fn write_sized<T: Versioned>(out: *mut T, value: T) -> Result<(), Status> {
    let minimum = T::FIRST_SIZE;
    // SAFETY: `out` is non-NULL and every versioned struct starts with its
    // `size: usize` field, which the caller set.
    let size = unsafe { out.cast::<usize>().read_unaligned() };
    if size < minimum {
        return Err(fail(
            Status::StructTooSmall,
            format!(
                "output size {size} is below the minimum {minimum}; set `size = sizeof(struct)`"
            ),
        ));
    }
    let copy = size.min(std::mem::size_of::<T>());
    // SAFETY: the caller's struct has at least `size` writable bytes and we
    // write no more than that, nor more than `value` holds; the `size`
    // field then records how much was written.
    unsafe {
        std::ptr::copy_nonoverlapping((&raw const value).cast::<u8>(), out.cast::<u8>(), copy);
        out.cast::<usize>().write_unaligned(copy);
    }
    Ok(())
}

/// Writes an out-parameter (checked non-NULL by the caller).
pub(crate) fn put<T>(out: *mut T, value: T) {
    // SAFETY: `out` is non-NULL and points to writable storage for a `T`.
    unsafe { out.write(value) }
}

/// Writes `text` and a NUL to the caller's `buffer` and its length to
/// `*out_len` (non-NULL); `BUFFER_TOO_SMALL`, with only the length
/// written, when it does not fit.
pub(crate) fn text_out(
    text: &str,
    buffer: *mut c_char,
    capacity: usize,
    out_len: *mut usize,
) -> Outcome {
    put(out_len, text.len());
    if !copy_out(text, buffer, capacity) {
        return Err(fail(
            Status::BufferTooSmall,
            format!("the buffer needs {} bytes", text.len() + 1),
        ));
    }
    Ok(Status::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;
    use femto_abi::femto_log_args;
    use rstest::rstest;

    fn args() -> femto_log_args {
        femto_log_args {
            line: 42,
            thread_id: 7,
            caller_side_done: true,
            ..femto_log_args::new(20, femto_str::absent())
        }
    }

    #[rstest]
    #[case::this_header(size_of::<femto_log_args>())]
    #[case::a_newer_header(size_of::<femto_log_args>() + 8)]
    fn a_struct_at_least_ours_is_borrowed_where_it_is(#[case] size: usize) {
        let given = femto_log_args { size, ..args() };
        let read = sized(&raw const given).expect("a valid size");
        assert!(matches!(read, Cow::Borrowed(at) if std::ptr::eq(at, &given)));
    }

    #[rstest]
    fn an_older_shorter_struct_is_read_over_the_defaults() {
        let given = femto_log_args {
            size: femto_log_args::FIRST_SIZE,
            ..args()
        };
        let read = sized(&raw const given).expect("the first published size");
        assert!(matches!(read, Cow::Owned(_)));
        assert_eq!((read.line, read.thread_id), (42, 7));
        assert!(
            !read.caller_side_done,
            "past the caller's size: the default"
        );
    }

    #[rstest]
    fn a_misaligned_struct_is_copied() {
        let given = args();
        let mut bytes = vec![0u8; size_of::<femto_log_args>() + 1];
        // SAFETY: `bytes` has room for the struct after its first byte.
        unsafe {
            std::ptr::copy_nonoverlapping(
                (&raw const given).cast::<u8>(),
                bytes.as_mut_ptr().add(1),
                size_of::<femto_log_args>(),
            );
        }
        let at = bytes[1..].as_ptr().cast::<femto_log_args>();
        assert!(!at.is_aligned());
        let read = sized(at).expect("a valid size");
        assert!(matches!(read, Cow::Owned(_)));
        assert_eq!((read.line, read.thread_id), (42, 7));
        assert!(read.caller_side_done);
    }

    #[rstest]
    fn below_the_first_size_is_refused_and_null_is_the_defaults() {
        let given = femto_log_args {
            size: femto_log_args::FIRST_SIZE - 1,
            ..args()
        };
        assert_eq!(sized(&raw const given).err(), Some(Status::StructTooSmall));
        let defaults = sized::<femto_log_args>(std::ptr::null()).expect("NULL");
        assert_eq!((defaults.line, defaults.level), (0, 0));
    }
}
