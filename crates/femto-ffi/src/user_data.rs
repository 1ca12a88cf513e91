//! Host-language user data handed to callbacks, with its destructor.
//!
//! The rule, stated in the header: a function that takes `user_data` and
//! `destroy` owns them from the moment it is called. `destroy(user_data)`
//! runs exactly once: after the last callback, or before the function
//! returns if it fails. So the caller never frees on failure.

use std::ffi::c_void;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use femto_abi::femto_destroy_fn;

/// Set by `femto_host_exit`: the host runtime is going away, so none of
/// its callbacks may run any more.
static HOST_GONE: AtomicBool = AtomicBool::new(false);
/// Host callbacks under way.
static IN_HOST: AtomicUsize = AtomicUsize::new(0);

/// A host callback under way; `None` from [`InHost::enter`] once the host
/// has gone, and the callback must be skipped.
pub(crate) struct InHost(());

impl InHost {
    pub(crate) fn enter() -> Option<InHost> {
        IN_HOST.fetch_add(1, Ordering::SeqCst);
        if HOST_GONE.load(Ordering::SeqCst) {
            IN_HOST.fetch_sub(1, Ordering::SeqCst);
            return None;
        }
        Some(InHost(()))
    }
}

impl Drop for InHost {
    fn drop(&mut self) {
        IN_HOST.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Marks the host gone, then waits up to `timeout` for the callbacks under
/// way to return; whether they all did.
pub(crate) fn host_exit(timeout: Duration) -> bool {
    HOST_GONE.store(true, Ordering::SeqCst);
    let deadline = Instant::now() + timeout;
    while IN_HOST.load(Ordering::SeqCst) != 0 {
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    true
}

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

    /// Runs host code with the user data, or answers `gone` without
    /// running it once the host has gone (`femto_host_exit`).
    pub(crate) fn call<R>(&self, gone: R, callback: impl FnOnce(*mut c_void) -> R) -> R {
        match InHost::enter() {
            Some(_in_host) => callback(self.ptr),
            None => gone,
        }
    }
}

impl Drop for UserData {
    fn drop(&mut self) {
        if let Some(destroy) = self.destroy {
            let ptr = self.ptr;
            // Once the host has gone, its data is left to the process's end.
            // SAFETY: runs once, after the last callback (or on failure).
            self.call((), |_| {
                let _ = std::panic::catch_unwind(|| unsafe { destroy(ptr) });
            });
        }
    }
}
