//! Plain data shared with C: borrowed strings, key-values, and the casts
//! between opaque handles and the Rust objects behind them.

use std::ffi::{c_char, CStr};
use std::sync::Arc;

use femto_core::intern::Text;

use crate::status::{fail, femto_status};

/// A borrowed UTF-8 string: pointer and length in bytes, not necessarily
/// NUL-terminated. `{NULL, 0}` means "absent". The bytes only need to live
/// for the duration of the call they are passed to.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
#[allow(non_camel_case_types)]
pub struct femto_str {
    pub ptr: *const c_char,
    pub len: usize,
}

impl femto_str {
    pub(crate) const EMPTY: femto_str = femto_str {
        ptr: std::ptr::null(),
        len: 0,
    };

    pub(crate) fn from_rust(text: &str) -> femto_str {
        femto_str {
            ptr: text.as_ptr().cast(),
            len: text.len(),
        }
    }
}

/// A structured key-value pair attached to a record.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
#[allow(non_camel_case_types)]
pub struct femto_kv {
    pub key: femto_str,
    pub value: femto_str,
}

/// Borrows `len` bytes at `ptr`; `what` names the argument in the error.
/// NULL with length 0 is the empty string.
///
/// The lifetime is the caller's to choose and the bytes are only valid
/// during the export's call: copy or intern before storing (never let the
/// result become a `Text`, whose borrowed form is `'static`).
fn bytes<'a>(ptr: *const c_char, len: usize, what: &str) -> Result<&'a [u8], femto_status> {
    if ptr.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(fail(
                femto_status::NullArgument,
                format!("argument `{what}` is NULL"),
            ))
        };
    }
    // SAFETY: the caller promises `ptr` points to `len` readable bytes that
    // stay valid for this call (documented on every export taking them).
    Ok(unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) })
}

fn not_utf8(what: &str, error: std::str::Utf8Error) -> femto_status {
    fail(
        femto_status::InvalidArgument,
        format!("argument `{what}` is not UTF-8: {error}"),
    )
}

/// Borrows `len` bytes at `ptr` as UTF-8 (same lifetime rule as `bytes`).
pub(crate) fn text<'a>(
    ptr: *const c_char,
    len: usize,
    what: &str,
) -> Result<&'a str, femto_status> {
    std::str::from_utf8(bytes(ptr, len, what)?).map_err(|e| not_utf8(what, e))
}

/// `INVALID_ARGUMENT` explained by `error`.
pub(crate) fn invalid(error: impl std::fmt::Display) -> femto_status {
    fail(femto_status::InvalidArgument, error.to_string())
}

/// Like [`text`] for a [`femto_str`]; `None` when absent.
pub(crate) fn optional<'a>(s: femto_str, what: &str) -> Result<Option<&'a str>, femto_status> {
    if s.ptr.is_null() {
        return Ok(None);
    }
    text(s.ptr, s.len, what).map(Some)
}

/// Interned record text for `len` bytes at `ptr` (see `intern::cached`):
/// no allocation when the same string was seen before.
pub(crate) fn interned(ptr: *const c_char, len: usize, what: &str) -> Result<Text, femto_status> {
    femto_core::intern::cached(bytes(ptr, len, what)?).map_err(|e| not_utf8(what, e))
}

/// Like [`interned`] for an optional [`femto_str`].
pub(crate) fn optional_interned(s: femto_str, what: &str) -> Result<Option<Text>, femto_status> {
    if s.ptr.is_null() {
        return Ok(None);
    }
    interned(s.ptr, s.len, what).map(Some)
}

/// Like [`interned`] for an optional NUL-terminated string.
pub(crate) fn c_interned(ptr: *const c_char, what: &str) -> Result<Option<Text>, femto_status> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: the caller promises a NUL-terminated string valid for the call.
    let len = unsafe { CStr::from_ptr(ptr) }.count_bytes();
    interned(ptr, len, what).map(Some)
}

/// Borrows `count` key-values at `ptr`.
pub(crate) fn key_values<'a>(
    ptr: *const femto_kv,
    count: usize,
) -> Result<&'a [femto_kv], femto_status> {
    array(ptr, count, "key_values")
}

/// Borrows the caller's array of `count` entries at `ptr` (NULL allowed
/// when `count` is 0).
pub(crate) fn array<'a, T>(
    ptr: *const T,
    count: usize,
    what: &str,
) -> Result<&'a [T], femto_status> {
    if count == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(fail(
            femto_status::NullArgument,
            format!("argument `{what}` is NULL"),
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
/// working. `minimum` is the size of the first published version.
pub(crate) fn read_sized<T: Copy>(
    ptr: *const T,
    defaults: T,
    minimum: usize,
) -> Result<T, femto_status> {
    if ptr.is_null() {
        return Ok(defaults);
    }
    // SAFETY: every versioned struct starts with its `size: usize` field.
    let size = unsafe { ptr.cast::<usize>().read_unaligned() };
    if size < minimum {
        return Err(fail(
            femto_status::StructTooSmall,
            format!(
                "options size {size} is below the minimum {minimum}; set `size = sizeof(struct)`"
            ),
        ));
    }
    let mut value = defaults;
    let copy = size.min(std::mem::size_of::<T>());
    // SAFETY: the caller's struct has at least `size` readable bytes, we copy
    // no more than our own struct holds, and `T` is plain `Copy` data.
    unsafe {
        std::ptr::copy_nonoverlapping(ptr.cast::<u8>(), (&raw mut value).cast::<u8>(), copy);
    }
    Ok(value)
}

/// Hands an `Arc` to C as an opaque pointer (one strong reference).
pub(crate) fn arc_to_c<R, C>(arc: Arc<R>) -> *mut C {
    Arc::into_raw(arc).cast_mut().cast()
}

/// Borrows the object behind an opaque pointer made by [`arc_to_c`].
pub(crate) fn arc_ref<'a, R, C>(ptr: *const C) -> &'a R {
    // SAFETY: callers pass only pointers made by `arc_to_c::<R, C>` that
    // have not been released (checked non-NULL by the caller).
    unsafe { &*ptr.cast::<R>() }
}

/// A new strong reference to the object behind an opaque pointer.
pub(crate) fn arc_clone<R, C>(ptr: *const C) -> Arc<R> {
    // SAFETY: as for `arc_ref`; the count is incremented before `from_raw`
    // so the caller's reference stays valid.
    unsafe {
        Arc::increment_strong_count(ptr.cast::<R>());
        Arc::from_raw(ptr.cast::<R>())
    }
}

/// Releases the strong reference held by an opaque pointer.
pub(crate) fn arc_release<R, C>(ptr: *const C) {
    if !ptr.is_null() {
        // SAFETY: `ptr` came from `arc_to_c::<R, C>` and is released once.
        drop(unsafe { Arc::from_raw(ptr.cast::<R>()) });
    }
}

/// Writes an out-parameter (checked non-NULL by the caller).
pub(crate) fn put<T>(out: *mut T, value: T) {
    // SAFETY: `out` is non-NULL and points to writable storage for a `T`.
    unsafe { out.write(value) }
}
