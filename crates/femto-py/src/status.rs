//! Statuses into Python exceptions, and text the library writes out.

use std::ffi::{c_char, CStr};

use femto_abi::{femto_status, FEMTO_STATUS_BUFFER_TOO_SMALL, FEMTO_STATUS_DROPPED};
use pyo3::prelude::*;

use crate::api::api;

/// A NUL-terminated string from the library, copied (`""` for NULL).
pub(crate) fn c_string(ptr: *const c_char) -> String {
    if ptr.is_null() {
        return String::new();
    }
    // SAFETY: the library returns NUL-terminated strings that stay valid
    // at least until the next failing call on this thread.
    unsafe { CStr::from_ptr(ptr) }
        .to_string_lossy()
        .into_owned()
}

/// Raises `femtologging.FemtoError` (defined in Python, shared with the cffi
/// backend) for an error status; passes `OK`, `DROPPED` and `TIMEOUT`.
pub(crate) fn check(py: Python<'_>, status: femto_status) -> PyResult<femto_status> {
    if status == FEMTO_STATUS_DROPPED {
        // A signal handler that ran while the call waited (crate::gil) may
        // have raised: the call raises it.
        if let Some(raised) = PyErr::take(py) {
            return Err(raised);
        }
    }
    if status < 7000 {
        return Ok(status);
    }
    let message = c_string((api().last_error)());
    let errors = py.import("femtologging._errors")?;
    let error = errors
        .getattr("error_for_status")?
        .call1((status, message))?;
    Err(PyErr::from_value(error))
}

/// The text a C function writes to a caller's buffer (`buffer`, `capacity`,
/// `out_len`), asked for again with a larger buffer on `BUFFER_TOO_SMALL`.
pub(crate) fn text_out(
    py: Python<'_>,
    write: impl FnMut(*mut c_char, usize, *mut usize) -> femto_status,
) -> PyResult<String> {
    let mut buffer = vec![0u8; 4096];
    let len = text_out_into(py, &mut buffer, write)?;
    buffer.truncate(len);
    String::from_utf8(buffer).map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
}

/// [`text_out`] into `buffer` (grown when too small, and kept, for callers
/// that reuse one): the text is `buffer[..len]`; returns `len`.
pub(crate) fn text_out_into(
    py: Python<'_>,
    buffer: &mut Vec<u8>,
    mut write: impl FnMut(*mut c_char, usize, *mut usize) -> femto_status,
) -> PyResult<usize> {
    let mut len = 0usize;
    let mut status = write(buffer.as_mut_ptr().cast(), buffer.len(), &mut len);
    if status == FEMTO_STATUS_BUFFER_TOO_SMALL {
        buffer.resize(len + 1, 0);
        status = write(buffer.as_mut_ptr().cast(), buffer.len(), &mut len);
    }
    check(py, status)?;
    Ok(len)
}
