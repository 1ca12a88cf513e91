//! Host-language user data handed to callbacks, with its destructor.
//!
//! The rule, stated in the header: a function that takes `user_data` and
//! `destroy` owns them from the moment it is called. `destroy(user_data)`
//! runs exactly once: after the last callback, or before the function
//! returns if it fails. So the caller never frees on failure.

use std::ffi::c_void;

use femto_abi::femto_destroy_fn;

pub(crate) struct UserData {
    pub(crate) ptr: *mut c_void,
    destroy: femto_destroy_fn,
}

// SAFETY: the header requires user data to be usable from any thread the
// callbacks may run on; the engine only passes the pointer back.
unsafe impl Send for UserData {}
// SAFETY: as above; the engine never dereferences it.
unsafe impl Sync for UserData {}

impl UserData {
    /// Takes ownership of `ptr` (see the module docs).
    pub(crate) fn adopt(ptr: *mut c_void, destroy: femto_destroy_fn) -> Self {
        UserData { ptr, destroy }
    }
}

impl Drop for UserData {
    fn drop(&mut self) {
        if let Some(destroy) = self.destroy {
            let ptr = self.ptr;
            // SAFETY: runs once, after the last callback (or on failure).
            let _ = std::panic::catch_unwind(|| unsafe { destroy(ptr) });
        }
    }
}
