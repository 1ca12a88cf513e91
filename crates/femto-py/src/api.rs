//! The library's function table: how this module reaches the engine, the
//! check that the loaded library speaks our ABI, and the capsule that
//! hands the same table to C extensions.

use std::ffi::{c_void, CStr};

use femto_abi::{femto_api, FEMTO_ABI_VERSION};
use pyo3::exceptions::PyImportError;
use pyo3::prelude::*;

unsafe extern "C" {
    /// The library's function table (static, never NULL).
    fn femto_api_get() -> *const femto_api;
}

/// The name C extensions pass to `PyCapsule_Import`.
const CAPSULE_NAME: &CStr = c"femtologging._femtologging._C_API";

/// The loaded library's function table.
pub(crate) fn api() -> &'static femto_api {
    // SAFETY: `femto_api_get` returns a pointer to a static, immutable table
    // that lives as long as the library, which stays loaded while this
    // module is; `check_abi` refused a library whose table differs.
    unsafe { &*femto_api_get() }
}

/// Refuses to load against a library whose ABI differs from ours.
pub(crate) fn check_abi() -> PyResult<()> {
    let table = api();
    if table.abi_version != FEMTO_ABI_VERSION || table.size < std::mem::size_of::<femto_api>() {
        return Err(PyImportError::new_err(format!(
            "libfemtologging ABI {} (table of {} bytes) does not match this extension (ABI {}, {} bytes); \
             reinstall femtologging",
            table.abi_version,
            table.size,
            FEMTO_ABI_VERSION,
            std::mem::size_of::<femto_api>()
        )));
    }
    Ok(())
}

/// Publishes the table as `_C_API` for C extensions (numpy-style).
pub(crate) fn publish_capsule(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let table = std::ptr::from_ref(api()).cast_mut().cast::<c_void>();
    // SAFETY: the pointer is the library's static table (never freed, so no
    // destructor); the name is a static C string, as the capsule requires.
    let capsule = unsafe { pyo3::ffi::PyCapsule_New(table, CAPSULE_NAME.as_ptr(), None) };
    // SAFETY: `PyCapsule_New` returns a new reference or NULL with an error set.
    let capsule = unsafe { Bound::from_owned_ptr_or_err(m.py(), capsule)? };
    m.add("_C_API", capsule)?;
    m.add("ABI_VERSION", FEMTO_ABI_VERSION)
}
