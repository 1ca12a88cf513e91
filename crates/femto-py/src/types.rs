//! Text across the boundary: Python strings into UTF-8 for the library,
//! the library's borrowed strings into owned ones.

use std::borrow::Cow;

use femto_abi::femto_str;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

/// The UTF-8 of a Python string. Lone surrogates (undecodable bytes kept by
/// `surrogateescape`, as in some file names) cannot be UTF-8: they become
/// backslash escapes, as stdlib's `basicConfig` files write them, instead
/// of failing the logging call.
pub(crate) fn utf8<'a>(text: &'a Bound<'_, PyString>) -> PyResult<Cow<'a, str>> {
    if let Ok(text) = text.to_str() {
        return Ok(Cow::Borrowed(text));
    }
    let bytes = text.call_method1("encode", ("utf-8", "backslashreplace"))?;
    Ok(Cow::Owned(
        String::from_utf8_lossy(bytes.cast::<PyBytes>()?.as_bytes()).into_owned(),
    ))
}

/// [`utf8`] of an optional string.
pub(crate) fn optional_utf8<'a>(
    text: &'a Option<Bound<'_, PyString>>,
) -> PyResult<Option<Cow<'a, str>>> {
    text.as_ref().map(|t| utf8(t)).transpose()
}

/// A copy of the text (`None` when absent).
///
/// # Safety
/// `text` describes bytes valid for the duration of the call.
pub(crate) unsafe fn copy_text(text: &femto_str) -> Option<String> {
    if text.ptr.is_null() {
        return None;
    }
    // SAFETY: per the function's contract.
    let bytes = unsafe { std::slice::from_raw_parts(text.ptr.cast::<u8>(), text.len) };
    Some(String::from_utf8_lossy(bytes).into_owned())
}
