//! Engine handles as Python objects. Python code never sees a pointer or
//! an address: each handle the library hands out is owned by one of these
//! objects, released when the object goes, and every function taking a
//! handle takes the object, so no number (stdlib's `Logger(name, level)`,
//! a stale copy) can reach the library as a handle.

use std::ptr::NonNull;
use std::sync::atomic::{AtomicBool, Ordering};

use femto_abi::{
    femto_filter, femto_formatter, femto_handler, femto_logger, femto_receiver, femto_status,
};
use pyo3::prelude::*;

use crate::api::api;
use crate::status::check;

/// Set when the interpreter's exit is under way (`host_exit_at_exit`, which
/// the package registers to run after its own exit functions): engine
/// objects are then left alone, since
/// releasing one may run a Python sink's destroy callback in an
/// interpreter that is going away (the library's exit hook drains the
/// handlers after it).
static EXITING: AtomicBool = AtomicBool::new(false);

/// The interpreter is exiting: engine objects are left alone from now on,
/// and the library runs no more Python callbacks (`femto_host_exit`; a
/// worker still writing to a Python stream would otherwise call into an
/// interpreter that has gone).
#[pyfunction]
fn host_exit_at_exit(py: Python<'_>) {
    EXITING.store(true, Ordering::Relaxed);
    // Callbacks under way need the GIL to finish.
    py.detach(|| (api().host_exit)(HOST_EXIT_WAIT_MS));
}

/// How long the exit waits for Python callbacks under way.
const HOST_EXIT_WAIT_MS: u64 = 2000;

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(host_exit_at_exit, m)?)
}

/// A Python class owning one reference to a library object of C type
/// `$c_type`, released with the table's `$free`.
macro_rules! owned_handle {
    ($(#[$doc:meta])* $name:ident, $c_type:ty, $free:ident) => {
        $(#[$doc])*
        #[pyclass(frozen, module = "femtologging._femtologging")]
        pub(crate) struct $name(NonNull<$c_type>);

        // SAFETY: the header declares these objects thread-safe.
        unsafe impl Send for $name {}
        // SAFETY: as above.
        unsafe impl Sync for $name {}

        impl $name {
            /// Owns the reference a constructor wrote to `out` with `status`.
            pub(crate) fn made(py: Python<'_>, status: femto_status, out: *mut $c_type) -> PyResult<Self> {
                check(py, status)?;
                NonNull::new(out).map($name).ok_or_else(|| {
                    pyo3::exceptions::PyRuntimeError::new_err("the library returned no handle")
                })
            }

            pub(crate) fn ptr(&self) -> *mut $c_type {
                self.0.as_ptr()
            }

            /// The handle of an optional object (NULL for `None`).
            #[allow(dead_code)] // not every kind is passed optionally
            pub(crate) fn ptr_or_null(handle: Option<&Self>) -> *const $c_type {
                handle.map_or(std::ptr::null(), |h| h.ptr().cast_const())
            }
        }

        impl Drop for $name {
            fn drop(&mut self) {
                if !EXITING.load(Ordering::Relaxed) {
                    (api().$free)(self.0.as_ptr());
                }
            }
        }
    };
}

owned_handle!(
    /// An engine handler (`femto_handler`).
    EngineHandler,
    femto_handler,
    handler_free
);
owned_handle!(
    /// An engine formatter (`femto_formatter`).
    EngineFormatter,
    femto_formatter,
    formatter_free
);
owned_handle!(
    /// An engine filter (`femto_filter`).
    EngineFilter,
    femto_filter,
    filter_free
);

owned_handle!(
    /// A receiver of socket handler frames (`femto_receiver`).
    EngineReceiver,
    femto_receiver,
    receiver_free
);

/// An engine logger (`femto_logger`): loggers live as long as the process,
/// so nothing is released. Equal when they are the same logger.
#[pyclass(frozen, eq, hash, module = "femtologging._femtologging")]
#[derive(PartialEq, Eq, Hash)]
pub(crate) struct EngineLogger(NonNull<femto_logger>);

// SAFETY: loggers are thread-safe (see the header).
unsafe impl Send for EngineLogger {}
// SAFETY: as above.
unsafe impl Sync for EngineLogger {}

impl EngineLogger {
    /// The engine's logger `name`.
    pub(crate) fn get(py: Python<'_>, name: &str) -> PyResult<Self> {
        let mut out: *const femto_logger = std::ptr::null();
        check(
            py,
            (api().logger_get)(name.as_ptr().cast(), name.len(), &mut out),
        )?;
        EngineLogger::from_library(out)
    }

    /// A logger pointer the library handed out.
    pub(crate) fn from_library(ptr: *const femto_logger) -> PyResult<Self> {
        NonNull::new(ptr.cast_mut())
            .map(EngineLogger)
            .ok_or_else(|| {
                pyo3::exceptions::PyRuntimeError::new_err("the library returned no logger")
            })
    }

    pub(crate) fn ptr(&self) -> *const femto_logger {
        self.0.as_ptr()
    }

    /// `femto_logger_is_enabled_for` without a call into the library: the
    /// documented head of every `femto_logger` (`femtologging_inline.h`)
    /// is its threshold, an atomic `u32` the engine keeps current, as the
    /// C macros read it.
    pub(crate) fn is_enabled_for(&self, level: i32) -> bool {
        // SAFETY: the pointer is a live logger (loggers are never freed),
        // whose first four bytes are an aligned atomic u32 (the ABI).
        let threshold = unsafe { &*self.0.as_ptr().cast::<std::sync::atomic::AtomicU32>() };
        level >= 0 && level as u32 >= threshold.load(std::sync::atomic::Ordering::Relaxed)
    }
}
