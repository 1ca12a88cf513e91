//! The socket handler's receiver (`femto_receiver_*`), for
//! `python -m femtologging.receiver` and tests.

use femto_abi::{femto_receiver, femto_receiver_stats, Versioned};
use pyo3::prelude::*;

use crate::api::api;
use crate::cast::EngineReceiver;
use crate::status::check;

/// Starts a receiver described in JSON (see `femto_receiver_new`).
#[pyfunction]
fn receiver_new(py: Python<'_>, description: &str) -> PyResult<EngineReceiver> {
    let mut out: *mut femto_receiver = std::ptr::null_mut();
    let status = (api().receiver_new)(description.as_ptr().cast(), description.len(), &mut out);
    EngineReceiver::made(py, status, out)
}

/// The TCP port listened on (0 for a Unix socket).
#[pyfunction]
fn receiver_port(py: Python<'_>, receiver: &EngineReceiver) -> PyResult<u16> {
    let mut port = 0;
    check(py, (api().receiver_port)(receiver.ptr(), &mut port))?;
    Ok(port)
}

/// Records delivered, frames skipped, connections accepted.
#[pyfunction]
fn receiver_stats(py: Python<'_>, receiver: &EngineReceiver) -> PyResult<(u64, u64, u64)> {
    let mut stats = femto_receiver_stats::defaults();
    check(py, (api().receiver_stats_get)(receiver.ptr(), &mut stats))?;
    Ok((stats.records, stats.bad_frames, stats.connections))
}

/// Stops gracefully within `grace_ms` (the GIL released: the records still
/// arriving may go to Python handlers).
#[pyfunction]
fn receiver_stop(py: Python<'_>, receiver: &EngineReceiver, grace_ms: u64) -> PyResult<()> {
    let address = receiver.ptr() as usize;
    let status =
        py.detach(move || (api().receiver_stop)(address as *const femto_receiver, grace_ms));
    check(py, status).map(drop)
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(receiver_new, m)?)?;
    m.add_function(wrap_pyfunction!(receiver_port, m)?)?;
    m.add_function(wrap_pyfunction!(receiver_stats, m)?)?;
    m.add_function(wrap_pyfunction!(receiver_stop, m)?)
}
