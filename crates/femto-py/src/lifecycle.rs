//! The engine as a whole: flush and shutdown, the exit drain, fork,
//! error output, wait hooks, level names, and the versions.

use femto_abi::FEMTO_STATUS_OK;
use pyo3::prelude::*;

use crate::api::api;
use crate::status::{c_string, check};

/// The ABI version of the loaded library.
#[pyfunction]
fn abi_version() -> u32 {
    (api().abi_version_fn)()
}

/// The version of the loaded library.
#[pyfunction]
fn version() -> String {
    c_string((api().version)())
}

/// Every C struct's size and field offsets as this module lays them out
/// (`femto_abi::layout`), for the test comparing them with the header's.
#[pyfunction]
fn struct_layout() -> Vec<(&'static str, &'static str, usize)> {
    femto_abi::layout().to_vec()
}

#[pyfunction]
fn flush_all(py: Python<'_>, timeout_ms: u64) -> PyResult<bool> {
    let status = py.detach(|| (api().flush_all)(timeout_ms));
    Ok(check(py, status)? == FEMTO_STATUS_OK)
}

#[pyfunction]
fn shutdown(py: Python<'_>, timeout_ms: u64) -> PyResult<bool> {
    let status = py.detach(|| (api().shutdown)(timeout_ms));
    Ok(check(py, status)? == FEMTO_STATUS_OK)
}

/// The drain at exit (`femto_exit_drain`); `False` if something was
/// abandoned. The GIL is released while waiting.
#[pyfunction]
fn exit_drain(py: Python<'_>) -> PyResult<bool> {
    let status = py.detach(|| (api().exit_drain)());
    Ok(check(py, status)? == FEMTO_STATUS_OK)
}

/// Begins exit (`femto_exit_begin`): later waits give up without progress.
#[pyfunction]
fn exit_begin() {
    (api().exit_begin)();
}

#[pyfunction]
fn set_exit_timeout(py: Python<'_>, timeout_ms: u64) -> PyResult<()> {
    check(py, (api().set_exit_timeout)(timeout_ms)).map(drop)
}

/// Before `fork` (`femto_fork_quiesce`), with the GIL released: the
/// workers of Python sinks may need it to finish their call.
#[pyfunction]
fn fork_quiesce(py: Python<'_>, timeout_ms: u64) -> PyResult<bool> {
    let status = py.detach(|| (api().fork_quiesce)(timeout_ms));
    Ok(check(py, status)? == FEMTO_STATUS_OK)
}

/// Whether the engine's default error reporter writes to stderr
/// (`femto_set_error_output`; `raiseExceptions`).
#[pyfunction]
fn set_error_output(enabled: bool) {
    (api().set_error_output)(enabled);
}

/// Write-through mode for test suites (`femto_set_write_through`).
#[pyfunction]
fn set_write_through(enabled: bool) {
    (api().set_write_through)(enabled);
}

/// Makes this backend the one whose hooks run during waits (the engine has
/// one set per process: only the backend in use installs them).
#[pyfunction]
fn install_wait_hooks() -> PyResult<()> {
    crate::gil::release_while_waiting()
}

#[pyfunction]
fn add_level_name(py: Python<'_>, level: i32, name: &str) -> PyResult<()> {
    check(
        py,
        (api().add_level_name)(level, name.as_ptr().cast(), name.len()),
    )
    .map(drop)
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(abi_version, m)?)?;
    m.add_function(wrap_pyfunction!(version, m)?)?;
    m.add_function(wrap_pyfunction!(struct_layout, m)?)?;
    m.add_function(wrap_pyfunction!(flush_all, m)?)?;
    m.add_function(wrap_pyfunction!(shutdown, m)?)?;
    m.add_function(wrap_pyfunction!(exit_drain, m)?)?;
    m.add_function(wrap_pyfunction!(exit_begin, m)?)?;
    m.add_function(wrap_pyfunction!(set_exit_timeout, m)?)?;
    m.add_function(wrap_pyfunction!(fork_quiesce, m)?)?;
    m.add_function(wrap_pyfunction!(set_error_output, m)?)?;
    m.add_function(wrap_pyfunction!(set_write_through, m)?)?;
    m.add_function(wrap_pyfunction!(install_wait_hooks, m)?)?;
    m.add_function(wrap_pyfunction!(add_level_name, m)?)
}
