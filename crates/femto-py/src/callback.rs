//! Python sinks: a handler whose worker thread hands each formatted record
//! to a Python callable (taking the GIL for the call), for streams such as
//! `io.StringIO` or a replaced `sys.stderr` that have no file descriptor.

use std::ffi::{c_char, c_void};

use pyo3::prelude::*;

/// The callable `sink(text)` writes one record; `sink(None)` flushes.
struct PySink(Py<PyAny>);

fn call(user_data: *mut c_void, text: Option<&str>) -> i32 {
    // SAFETY: `user_data` is the `PySink` boxed by `callback_handler_new`,
    // alive until `destroy` runs after the last call.
    let sink = unsafe { &*(user_data as *const PySink) };
    Python::attach(|py| match sink.0.call1(py, (text,)) {
        Ok(_) => 0,
        Err(error) => {
            error.print(py);
            1
        }
    })
}

unsafe extern "C-unwind" fn write(
    user_data: *mut c_void,
    _record: *const c_void,
    text: *const c_char,
    len: usize,
) -> i32 {
    // SAFETY: the engine passes `len` bytes of formatted UTF-8, valid for the call.
    let bytes = unsafe { std::slice::from_raw_parts(text.cast::<u8>(), len) };
    match std::str::from_utf8(bytes) {
        Ok(text) => call(user_data, Some(text)),
        Err(_) => 2,
    }
}

unsafe extern "C-unwind" fn flush(user_data: *mut c_void) -> i32 {
    call(user_data, None)
}

unsafe extern "C-unwind" fn destroy(user_data: *mut c_void) {
    // SAFETY: called once, after the last `write`/`flush`.
    let sink = unsafe { Box::from_raw(user_data as *mut PySink) };
    // Dropping a `Py` without the GIL defers the decref to PyO3's pool.
    drop(sink);
}

/// A handler whose worker calls `sink(text)` per record and `sink(None)`
/// per batch.
#[pyfunction]
#[pyo3(signature = (sink, level=0, formatter=0, capacity=0, overflow=0, timeout_ms=0))]
pub fn callback_handler_new(
    py: Python<'_>,
    sink: Py<PyAny>,
    level: i32,
    formatter: usize,
    capacity: u32,
    overflow: i32,
    timeout_ms: u32,
) -> PyResult<usize> {
    let options = crate::handler_options(level, formatter, capacity, overflow, timeout_ms);
    let user_data = Box::into_raw(Box::new(PySink(sink))) as *mut c_void;
    let mut out: crate::abi::Handle = std::ptr::null();
    // The engine owns `user_data` from here on, and destroys it even if
    // the call fails.
    let status = (crate::api().callback_handler_new)(
        Some(write),
        Some(flush),
        user_data,
        Some(destroy),
        &options,
        &mut out,
    );
    crate::check(py, status)?;
    Ok(out as usize)
}
