//! Configuration files read by the engine's loader, and the confinement
//! rule for files an untrusted configuration names.

use femto_abi::femto_config;
use pyo3::prelude::*;

use crate::api::api;
use crate::status::{check, text_out};

/// Reads a configuration (`kind` 0: TOML text, 1: JSON text, 2: a file
/// path) with the engine's loader, which checks it, confines its files
/// below `confine_root` when given, and applies it (`femto_config_apply`).
#[pyfunction]
#[pyo3(signature = (source, kind, confine_root=None))]
fn config_apply(
    py: Python<'_>,
    source: &str,
    kind: u8,
    confine_root: Option<&str>,
) -> PyResult<()> {
    let read = match kind {
        0 => api().config_from_toml,
        1 => api().config_from_json,
        _ => api().config_from_file,
    };
    let mut config: *mut femto_config = std::ptr::null_mut();
    check(py, read(source.as_ptr().cast(), source.len(), &mut config))?;
    let mut status = match confine_root {
        Some(root) => (api().config_confine_files)(config, root.as_ptr().cast(), root.len()),
        None => femto_abi::FEMTO_STATUS_OK,
    };
    if status == femto_abi::FEMTO_STATUS_OK {
        // Retiring the old handlers waits for logging calls under way,
        // which may need the GIL.
        let address = config as usize;
        status = py.detach(move || (api().config_apply)(address as *const femto_config));
    }
    (api().config_free)(config);
    check(py, status).map(drop)
}

/// `femto_confine_file`: the resolved path of a file an untrusted
/// configuration names, created private; `FemtoValueError` with the reason
/// for a path the rules refuse.
#[pyfunction]
fn confine_file(py: Python<'_>, root: &str, path: &str) -> PyResult<String> {
    text_out(py, |buffer, capacity, len| {
        (api().confine_file)(
            root.as_ptr().cast(),
            root.len(),
            path.as_ptr().cast(),
            path.len(),
            buffer,
            capacity,
            len,
        )
    })
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(config_apply, m)?)?;
    m.add_function(wrap_pyfunction!(confine_file, m)?)
}
