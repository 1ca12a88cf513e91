//! Logging calls run with the GIL held. When a full queue makes one wait,
//! the engine calls these hooks (`femto_set_wait_hooks`) so the thread
//! releases the GIL for the wait: the worker draining that queue may need
//! the GIL (a Python stream, a Python handler), and other Python threads
//! keep running.
//!
//! The hooks run on any thread that waits, so a thread marks the engine
//! calls it makes holding the GIL ([`HoldingGil`]); other threads (a C
//! extension's pthreads) are left alone.
//!
//! While it waits, the thread takes the GIL back every 20 ms to run
//! Python's signal handlers (`poll`): a `KeyboardInterrupt` (or any
//! exception a handler raises) ends the wait, the record is dropped and
//! counted, and the logging call raises it ([`crate::status::check`]).

use std::cell::Cell;
use std::ffi::c_void;

use pyo3::ffi;
use pyo3::{PyResult, Python};

thread_local! {
    static HOLDING: Cell<bool> = const { Cell::new(false) };
}

/// Marks an engine call made with the GIL held, for its duration.
pub struct HoldingGil {
    previous: bool,
}

impl HoldingGil {
    /// `_py` proves the GIL is held.
    pub fn mark(_py: Python<'_>) -> HoldingGil {
        HoldingGil {
            previous: HOLDING.with(|held| held.replace(true)),
        }
    }
}

impl Drop for HoldingGil {
    fn drop(&mut self) {
        HOLDING.with(|held| held.set(self.previous));
    }
}

unsafe extern "C-unwind" fn release(_user_data: *mut c_void) -> *mut c_void {
    if !HOLDING.with(|held| held.replace(false)) {
        return std::ptr::null_mut();
    }
    // SAFETY: this thread holds the GIL (it marked the call); the saved
    // thread state comes back in `reacquire`, on this thread.
    unsafe { ffi::PyEval_SaveThread().cast() }
}

unsafe extern "C-unwind" fn reacquire(_user_data: *mut c_void, token: *mut c_void) {
    if !token.is_null() {
        // SAFETY: `token` is the thread state `release` saved on this thread.
        unsafe { ffi::PyEval_RestoreThread(token.cast()) };
        HOLDING.with(|held| held.set(true));
    }
}

unsafe extern "C-unwind" fn poll(_user_data: *mut c_void, token: *mut *mut c_void) -> bool {
    // SAFETY: `token` points at the thread state `release` saved on this
    // thread (NULL: this thread did not hold the GIL, nothing to run).
    let saved = unsafe { *token };
    if saved.is_null() {
        return false;
    }
    // SAFETY: as in `reacquire`, then released again as in `release`; an
    // exception a signal handler raised stays set on the thread state.
    unsafe {
        ffi::PyEval_RestoreThread(saved.cast());
        let raised = ffi::PyErr_CheckSignals() != 0;
        *token = ffi::PyEval_SaveThread().cast();
        raised
    }
}

/// Installs the hooks (once, at import).
pub fn release_while_waiting() -> PyResult<()> {
    let status = (crate::api::api().set_wait_hooks_ex)(
        Some(release),
        Some(reacquire),
        Some(poll),
        std::ptr::null_mut(),
    );
    if status == femto_abi::FEMTO_STATUS_OK {
        Ok(())
    } else {
        Err(pyo3::exceptions::PyImportError::new_err(
            "femtologging: cannot install the engine's wait hooks",
        ))
    }
}
