//! Python formatters, filters and clocks the engine calls: a `Formatter`
//! subclass with its own `format()` (on the handler's worker thread), a
//! filter on a native handler (on the logging thread), and a timed rotating
//! handler's clock (on its worker thread). Each call takes the GIL and
//! hands Python a `femtologging.LogRecord` (see `record`).
//!
//! The Python callables report their own exceptions (stdlib's
//! "--- Logging error ---"), so a failure here is counted by the engine but
//! not reported a second time.

use std::ffi::c_void;

use pyo3::prelude::*;

use femto_abi::{
    femto_clock_now_fn, femto_clock_offset_fn, femto_destroy_fn, femto_record, femto_text,
};

use crate::api::api;
use crate::cast::{EngineFilter, EngineFormatter};
use crate::record::LogRecord;
use crate::record_fields::RecordFields;

/// The skip code that tells the engine the failure was reported already.
const REPORTED_FAILURE: i32 = -1;

fn callable<'a>(user_data: *mut c_void) -> &'a Py<PyAny> {
    // SAFETY: `user_data` is the `Py<PyAny>` boxed by the constructor below,
    // alive until `destroy` runs after the last call.
    unsafe { &*(user_data as *const Py<PyAny>) }
}

/// Copies the view and calls `user_data(record)` with the GIL held.
///
/// # Safety
/// `record` must be the engine's valid view for the current callback.
unsafe fn call_with_record<R>(
    user_data: *mut c_void,
    record: *const femto_record,
    use_result: impl FnOnce(Python<'_>, PyResult<Py<PyAny>>) -> R,
) -> R {
    // SAFETY: per this function's contract.
    let fields = unsafe { RecordFields::copy(&*record) };
    Python::attach(|py| {
        let result = LogRecord::from_engine(py, fields)
            .and_then(|record| callable(user_data).call1(py, (record,)));
        use_result(py, result)
    })
}

unsafe extern "C-unwind" fn format(
    user_data: *mut c_void,
    record: *const femto_record,
    out: *mut femto_text,
) -> i32 {
    // SAFETY: the engine passes a valid view for the duration of the call.
    unsafe {
        call_with_record(user_data, record, |py, result| {
            // `None` means: the formatter failed and said so already.
            match result.and_then(|text| text.extract::<Option<String>>(py)) {
                Ok(Some(text)) => (api().text_append)(out, text.as_ptr().cast(), text.len()),
                Ok(None) => REPORTED_FAILURE,
                Err(error) => {
                    error.print(py);
                    REPORTED_FAILURE
                }
            }
        })
    }
}

unsafe extern "C-unwind" fn filter(user_data: *mut c_void, record: *const femto_record) -> bool {
    // SAFETY: the engine passes a valid view for the duration of the call.
    unsafe {
        call_with_record(user_data, record, |py, result| {
            match result.and_then(|keep| keep.bind(py).is_truthy()) {
                Ok(keep) => keep,
                Err(error) => {
                    error.print(py);
                    false
                }
            }
        })
    }
}

unsafe extern "C-unwind" fn destroy(user_data: *mut c_void) {
    // SAFETY: called once, after the last call.
    let callable = unsafe { Box::from_raw(user_data as *mut Py<PyAny>) };
    // Dropping a `Py` without the GIL defers the decref to PyO3's pool.
    drop(callable);
}

fn boxed(callable: Py<PyAny>) -> *mut c_void {
    Box::into_raw(Box::new(callable)) as *mut c_void
}

/// A formatter whose text is `format(record)` (a `str`, or `None` after
/// reporting a failure: the record is then skipped). Runs on the worker
/// threads of the handlers using it, with the GIL.
#[pyfunction]
pub fn formatter_new_callback(
    py: Python<'_>,
    format_record: Py<PyAny>,
) -> PyResult<EngineFormatter> {
    let mut out = std::ptr::null_mut();
    // The engine owns the box from here on, and destroys it even on failure.
    let status =
        (api().formatter_new_callback)(Some(format), boxed(format_record), Some(destroy), &mut out);
    EngineFormatter::made(py, status, out)
}

/// A filter passing the records for which `keep(record)` is true. Runs on
/// the logging thread, with the GIL.
#[pyfunction]
pub fn filter_new_callback(py: Python<'_>, keep: Py<PyAny>) -> PyResult<EngineFilter> {
    let mut out = std::ptr::null_mut();
    let status = (api().filter_new_callback)(Some(filter), boxed(keep), Some(destroy), &mut out);
    EngineFilter::made(py, status, out)
}

/// A Python clock for a timed rotating handler: `clock.now()` (seconds
/// since the epoch) and `clock.utc_offset(at)` (seconds east of UTC), called
/// on the worker thread with the GIL. A failing call is printed and the
/// system's answer used instead.
pub(crate) fn clock_callbacks(
    clock: Py<PyAny>,
) -> (
    femto_clock_now_fn,
    femto_clock_offset_fn,
    *mut c_void,
    femto_destroy_fn,
) {
    (
        Some(clock_now),
        Some(clock_utc_offset),
        boxed(clock),
        Some(destroy),
    )
}

unsafe extern "C-unwind" fn clock_now(user_data: *mut c_void) -> i64 {
    Python::attach(|py| {
        match callable(user_data)
            .call_method0(py, "now")
            .and_then(|t| t.extract::<i64>(py))
        {
            Ok(now) => now,
            Err(error) => {
                error.print(py);
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs() as i64)
            }
        }
    })
}

unsafe extern "C-unwind" fn clock_utc_offset(user_data: *mut c_void, at: i64) -> i32 {
    Python::attach(|py| {
        match callable(user_data)
            .call_method1(py, "utc_offset", (at,))
            .and_then(|o| o.extract::<i32>(py))
        {
            Ok(offset) => offset,
            Err(error) => {
                error.print(py);
                0
            }
        }
    })
}
