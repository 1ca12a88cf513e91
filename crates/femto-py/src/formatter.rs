//! Formatters: the engine's template and JSON formatters (a Python
//! `Formatter` subclass becomes a callback formatter, in `hooks`).

use femto_abi::{femto_formatter_options, Versioned};
use pyo3::prelude::*;

use crate::api::api;
use crate::cast::EngineFormatter;

/// `datefmt` as pointer and length (NULL for `None`).
fn optional(text: Option<&str>) -> (*const std::ffi::c_char, usize) {
    text.map_or((std::ptr::null(), 0), |t| (t.as_ptr().cast(), t.len()))
}

#[pyfunction]
#[pyo3(signature = (style, fmt, datefmt=None, escape_controls=false))]
fn formatter_new(
    py: Python<'_>,
    style: i32,
    fmt: &str,
    datefmt: Option<&str>,
    escape_controls: bool,
) -> PyResult<EngineFormatter> {
    let mut out = std::ptr::null_mut();
    let (date_ptr, date_len) = optional(datefmt);
    let options = femto_formatter_options {
        escape_controls,
        ..femto_formatter_options::defaults()
    };
    let status = (api().formatter_new_ex)(
        style,
        fmt.as_ptr().cast(),
        fmt.len(),
        date_ptr,
        date_len,
        &options,
        &mut out,
    );
    EngineFormatter::made(py, status, out)
}

#[pyfunction]
#[pyo3(signature = (datefmt=None, utc=false))]
fn formatter_new_json(
    py: Python<'_>,
    datefmt: Option<&str>,
    utc: bool,
) -> PyResult<EngineFormatter> {
    let mut out = std::ptr::null_mut();
    let (date_ptr, date_len) = optional(datefmt);
    let options = femto_formatter_options {
        utc,
        ..femto_formatter_options::defaults()
    };
    let status = (api().formatter_new_json_ex)(date_ptr, date_len, &options, &mut out);
    EngineFormatter::made(py, status, out)
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<EngineFormatter>()?;
    m.add_class::<crate::cast::EngineFilter>()?;
    m.add_function(wrap_pyfunction!(formatter_new, m)?)?;
    m.add_function(wrap_pyfunction!(formatter_new_json, m)?)?;
    m.add_function(wrap_pyfunction!(crate::hooks::formatter_new_callback, m)?)?;
    m.add_function(wrap_pyfunction!(crate::hooks::filter_new_callback, m)?)
}
