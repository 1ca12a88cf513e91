//! Process-wide set-up and tear-down: fork hooks, the exit hook, the OS
//! thread identity, flush/shutdown, and the error hook.

use std::ffi::{c_char, c_void};
use std::sync::{Arc, Once};

use femto_abi::{
    femto_error_fn, femto_status, femto_wait_begin_fn, femto_wait_end_fn, femto_wait_poll_fn,
    FEMTO_ERROR_CALLBACK, FEMTO_ERROR_CONFIG, FEMTO_ERROR_IO, FEMTO_ERROR_PANIC,
};
use femto_core::context::{self, ThreadIdentity};
use femto_core::error_hook::{self, HandlerErrorKind};

use crate::handler::{duration_ms, timed};
use crate::status::{boundary, boundary_or, Status};
use crate::user_data::InHost;

static INIT: Once = Once::new();

/// Installs the fork hooks, the exit hook, the thread identity provider and
/// the workers' signal mask once per process. Called by every constructor
/// and `femto_logger_get`.
pub(crate) fn ensure_initialized() {
    INIT.call_once(|| {
        context::set_thread_identity_provider(os_thread_identity);
        femto_core::handler::set_worker_start_hook(block_async_signals);
        // SAFETY: registering plain `extern "C"` functions that never unwind.
        unsafe {
            libc::pthread_atfork(Some(fork_prepare), Some(fork_parent), Some(fork_child));
        }
        // A program that exits normally without `femto_shutdown` loses
        // nothing, unless a sink is stuck (see `femto_exit_drain`).
        femto_core::exit::drain_at_process_exit();
    });
}

/// A worker thread takes no asynchronous signal: the kernel delivers a
/// process-directed one to a thread that does not block it, a host thread
/// (see `femto_core::handler::WorkerStartHook`). Signals raised by a fault
/// in the thread itself stay deliverable.
fn block_async_signals() {
    const FAULTS: [libc::c_int; 6] = [
        libc::SIGSEGV,
        libc::SIGBUS,
        libc::SIGFPE,
        libc::SIGILL,
        libc::SIGTRAP,
        libc::SIGSYS,
    ];
    // SAFETY: `set` is a local sigset_t initialised by `sigfillset` before
    // any other use; `pthread_sigmask` changes only the calling thread's
    // mask and accepts a NULL old set.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigfillset(&mut set);
        for fault in FAULTS {
            libc::sigdelset(&mut set, fault);
        }
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
    }
}

extern "C" fn fork_prepare() {
    let _ = std::panic::catch_unwind(|| {
        femto_core::fork::prepare();
        crate::interned::lock_for_fork();
    });
}

extern "C" fn fork_parent() {
    let _ = std::panic::catch_unwind(|| {
        crate::interned::unlock_after_fork();
        femto_core::fork::after_fork_parent();
    });
}

extern "C" fn fork_child() {
    let _ = std::panic::catch_unwind(|| {
        crate::interned::unlock_after_fork();
        femto_core::fork::after_fork_child();
    });
}

/// `pthread_self()` and the pthread name, as Python's `threading` reports
/// them; the process's main thread is "MainThread" as in Python.
fn os_thread_identity() -> ThreadIdentity {
    // SAFETY: `pthread_self` and `getpid`/`gettid` have no preconditions.
    let (id, is_main) = unsafe {
        (
            libc::pthread_self() as u64,
            libc::gettid() == libc::getpid(),
        )
    };
    if is_main {
        return ThreadIdentity {
            id,
            name: "MainThread".into(),
        };
    }
    if let Some(name) = std::thread::current().name() {
        return ThreadIdentity {
            id,
            name: femto_core::intern::text(name),
        };
    }
    let mut buffer = [0u8; 64];
    // SAFETY: the buffer is writable for its length; glibc NUL-terminates.
    let rc = unsafe {
        libc::pthread_getname_np(
            libc::pthread_self(),
            buffer.as_mut_ptr().cast(),
            buffer.len(),
        )
    };
    let len = buffer.iter().position(|&b| b == 0).unwrap_or(0);
    let name = match (rc, std::str::from_utf8(&buffer[..len])) {
        (0, Ok(name)) if !name.is_empty() => name.to_owned(),
        _ => format!("Thread-{id}"),
    };
    ThreadIdentity {
        id,
        name: femto_core::intern::text(&name),
    }
}

/// Flushes every handler: returns once everything queued before the call
/// is written, or `FEMTO_STATUS_TIMEOUT` after `timeout_ms`. Thread-safe.
#[no_mangle]
pub extern "C" fn femto_flush_all(timeout_ms: u64) -> femto_status {
    boundary(|| timed(femto_core::flush_all(duration_ms(timeout_ms))))
}

/// Closes every handler: drains every queue and joins every worker thread
/// within `timeout_ms`. Records logged afterwards are counted as dropped.
/// Also runs automatically at normal process exit. Thread-safe.
#[no_mangle]
pub extern "C" fn femto_shutdown(timeout_ms: u64) -> femto_status {
    boundary(|| timed(femto_core::shutdown(duration_ms(timeout_ms))))
}

/// The drain at process exit, which the library also runs by itself from
/// `atexit`: closes every handler, waiting as long as records are being
/// written, and gives up once no handler has written anything for the exit
/// limit (`femto_set_exit_timeout`; 5 s by default, or
/// `FEMTOLOGGING_EXIT_TIMEOUT` seconds from the environment). What a stuck
/// handler still held is counted and reported once on stderr. From the
/// first call on, every wait in the library (a full queue, a flush, a
/// close) gives up the same way. `FEMTO_STATUS_TIMEOUT` if something was
/// abandoned. Thread-safe.
#[no_mangle]
pub extern "C" fn femto_exit_drain() -> femto_status {
    boundary(|| timed(femto_core::drain_at_exit()))
}

/// Begins exit without draining: from now on every wait in the library
/// gives up after the exit limit without progress (see
/// `femto_exit_drain`). For a host that closes its own handlers first.
/// Thread-safe.
#[no_mangle]
pub extern "C" fn femto_exit_begin() {
    boundary_or((), femto_core::exit::begin_exit);
}

/// Sets the exit limit: how long exit waits while no handler writes
/// anything (see `femto_exit_drain`). `UINT64_MAX` waits for ever.
/// Thread-safe.
#[no_mangle]
pub extern "C" fn femto_set_exit_timeout(timeout_ms: u64) -> femto_status {
    boundary(|| {
        femto_core::exit::set_exit_limit(duration_ms(timeout_ms));
        Ok(Status::Ok)
    })
}

/// For host runtimes at their exit (Python's binding calls it when the
/// interpreter's exit functions run): from now on none of the host's
/// callbacks runs — write and flush callbacks fail (the records are counted
/// as errors, not reported), filters reject, format callbacks skip the
/// record, clocks give the system's time, wait hooks are skipped (a waiting
/// logging thread gives up), and destroy callbacks are left to the
/// process's end. Waits up to `timeout_ms` for callbacks under way to
/// return: `FEMTO_STATUS_TIMEOUT` if some had not. Call it after flushing
/// what the host's handlers should still write. Thread-safe; cannot be
/// undone.
#[no_mangle]
pub extern "C" fn femto_host_exit(timeout_ms: u64) -> femto_status {
    boundary(|| {
        if crate::user_data::host_exit(duration_ms(timeout_ms)) {
            Ok(Status::Ok)
        } else {
            Ok(Status::Timeout)
        }
    })
}

/// Records abandoned at exit so far (see `femto_exit_drain`). Thread-safe.
#[no_mangle]
pub extern "C" fn femto_exit_abandoned() -> u64 {
    boundary_or(0, femto_core::exit::abandoned)
}

/// Before `fork`: stops handlers' workers from starting another sink call
/// and waits, up to `timeout_ms`, for those under way to end, so that the
/// child copies no lock held in the middle of a write. The library's own
/// `pthread_atfork` hook does this too, but waits only briefly: a host
/// whose sinks need a lock the forking thread holds (Python's GIL) calls
/// this first, without that lock. The workers resume after the fork.
/// `FEMTO_STATUS_TIMEOUT` if some call had not ended. Thread-safe.
#[no_mangle]
pub extern "C" fn femto_fork_quiesce(timeout_ms: u64) -> femto_status {
    boundary(|| timed(femto_core::fork::quiesce(duration_ms(timeout_ms))))
}

/// Turns the default error reporter's stderr output off (`false`) or back
/// on; failures are counted either way (`femto_handler_stats_get`). A hook
/// installed with `femto_set_error_hook` is called regardless. Python's
/// binding follows `logging.raiseExceptions` with it. Thread-safe.
#[no_mangle]
pub extern "C" fn femto_set_error_output(enabled: bool) {
    boundary_or((), || femto_core::error_hook::set_default_output(enabled));
}

/// Write-through mode, for test suites (`true`) or back to the default
/// (`false`): while on, a logging call returns only once every handler with
/// a worker that took its record has written it and flushed its sink (up
/// to 10 s each). The environment variable `FEMTOLOGGING_WRITE_THROUGH=1`
/// turns it on for a whole process. Thread-safe.
#[no_mangle]
pub extern "C" fn femto_set_write_through(enabled: bool) {
    boundary_or((), || femto_core::handler::set_write_through(enabled));
}

struct ErrorTarget {
    hook: unsafe extern "C-unwind" fn(*mut c_void, *const c_char, usize, i32, *const c_char, usize),
    user_data: *mut c_void,
}

// SAFETY: the header requires the hook and its user data to be thread-safe.
unsafe impl Send for ErrorTarget {}
// SAFETY: as above.
unsafe impl Sync for ErrorTarget {}

/// Routes handler failures to `hook(user_data, …)` instead of the default
/// (a rate-limited line on stderr). `hook` NULL restores the default.
/// `user_data` must stay valid until the hook is replaced. Thread-safe.
#[no_mangle]
pub extern "C" fn femto_set_error_hook(
    hook: femto_error_fn,
    user_data: *mut c_void,
) -> femto_status {
    boundary(|| {
        let Some(hook) = hook else {
            error_hook::set_error_hook(None);
            return Ok(Status::Ok);
        };
        let target = Arc::new(ErrorTarget { hook, user_data });
        error_hook::set_error_hook(Some(Box::new(move |error| {
            let kind = match error.kind {
                HandlerErrorKind::Io => FEMTO_ERROR_IO,
                HandlerErrorKind::Panic => FEMTO_ERROR_PANIC,
                HandlerErrorKind::Callback => FEMTO_ERROR_CALLBACK,
                HandlerErrorKind::Config => FEMTO_ERROR_CONFIG,
            };
            // Once the host has gone, its hook is not called.
            let Some(_in_host) = InHost::enter() else {
                return;
            };
            // SAFETY: valid hook and user data per the contract above; the
            // strings outlive the call.
            unsafe {
                (target.hook)(
                    target.user_data,
                    error.handler.as_ptr().cast(),
                    error.handler.len(),
                    kind,
                    error.message.as_ptr().cast(),
                    error.message.len(),
                );
            }
        })));
        Ok(Status::Ok)
    })
}

/// The token of a wait whose `begin` hook did not run (the host had gone).
const NO_BEGIN: usize = usize::MAX;

struct WaitTarget {
    begin: unsafe extern "C-unwind" fn(*mut c_void) -> *mut c_void,
    end: unsafe extern "C-unwind" fn(*mut c_void, *mut c_void),
    poll: femto_wait_poll_fn,
    user_data: *mut c_void,
}

// SAFETY: the header requires the hooks and their user data to be usable
// from any logging thread.
unsafe impl Send for WaitTarget {}
// SAFETY: as above.
unsafe impl Sync for WaitTarget {}

impl femto_core::wait_hook::WaitHook for WaitTarget {
    fn before_wait(&self) -> usize {
        // Once the host has gone, no hook runs (and no `end` is owed).
        let Some(_in_host) = InHost::enter() else {
            return NO_BEGIN;
        };
        // SAFETY: valid hook and user data per the contract of `femto_set_wait_hooks`.
        unsafe { (self.begin)(self.user_data) as usize }
    }

    fn after_wait(&self, token: usize) {
        // A wait whose `begin` ran always gets its `end` (a host thread
        // must get back what `begin` released), even after the host's exit.
        if token == NO_BEGIN {
            return;
        }
        // SAFETY: as above; `token` came from `begin` on this thread.
        unsafe { (self.end)(self.user_data, token as *mut c_void) }
    }

    fn interrupted(&self, token: &mut usize) -> bool {
        let Some(poll) = self.poll else {
            return false;
        };
        // Once the host has gone, waiting has no end to wait for.
        let Some(_in_host) = InHost::enter() else {
            return true;
        };
        let mut pointer = *token as *mut c_void;
        // SAFETY: as above; the hook may replace the token it is given.
        let give_up = unsafe { poll(self.user_data, &mut pointer) };
        *token = pointer as usize;
        give_up
    }
}

/// Installs hooks around every wait of a logging thread for queue space
/// (see `femto_wait_begin_fn`); both NULL removes them. `user_data` must
/// stay valid until the hooks are replaced. Thread-safe.
#[no_mangle]
pub extern "C" fn femto_set_wait_hooks(
    begin: femto_wait_begin_fn,
    end: femto_wait_end_fn,
    user_data: *mut c_void,
) -> femto_status {
    femto_set_wait_hooks_ex(begin, end, None, user_data)
}

/// As `femto_set_wait_hooks`, with a `poll` hook (may be NULL) asked about
/// every 20 ms during a wait whether to give up (see `femto_wait_poll_fn`).
/// Thread-safe.
#[no_mangle]
pub extern "C" fn femto_set_wait_hooks_ex(
    begin: femto_wait_begin_fn,
    end: femto_wait_end_fn,
    poll: femto_wait_poll_fn,
    user_data: *mut c_void,
) -> femto_status {
    boundary(|| match (begin, end) {
        (None, None) => {
            femto_core::wait_hook::set_wait_hook(None);
            Ok(Status::Ok)
        }
        (Some(begin), Some(end)) => {
            femto_core::wait_hook::set_wait_hook(Some(Box::new(WaitTarget {
                begin,
                end,
                poll,
                user_data,
            })));
            Ok(Status::Ok)
        }
        _ => Err(crate::status::fail(
            Status::NullArgument,
            "`begin` and `end` must both be set, or both NULL",
        )),
    })
}
