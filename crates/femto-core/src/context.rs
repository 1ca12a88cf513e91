//! Per-process and per-thread facts stamped on every record, cached so the
//! hot path makes no system call: the process id (refreshed after `fork`),
//! the calling thread's id and name, and the engine's start time.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{LazyLock, OnceLock};

use crate::intern::{self, Text};
use std::time::{SystemTime, UNIX_EPOCH};

/// The identity of the calling thread as records show it.
#[derive(Debug, Clone)]
pub struct ThreadIdentity {
    /// The thread's identifier, as the host reports it.
    pub id: u64,
    /// The thread's name.
    pub name: Text,
}

/// Tells the engine the OS identity of the calling thread. Bindings install
/// one that returns `pthread_self()` and the pthread name, so that records
/// agree with what Python's `threading.get_ident()` reports.
pub type ThreadIdentityProvider = fn() -> ThreadIdentity;

static PROVIDER: OnceLock<ThreadIdentityProvider> = OnceLock::new();
static PROCESS_ID: AtomicU32 = AtomicU32::new(0);
static START_NS: LazyLock<u64> = LazyLock::new(now_ns);

thread_local! {
    static THREAD: RefCell<Option<ThreadIdentity>> = const { RefCell::new(None) };
}

/// Installs the thread identity provider. Only the first call takes effect;
/// returns whether this one did.
pub fn set_thread_identity_provider(provider: ThreadIdentityProvider) -> bool {
    PROVIDER.set(provider).is_ok()
}

fn default_identity() -> ThreadIdentity {
    static NEXT_ID: AtomicU64 = AtomicU64::new(1);
    let current = std::thread::current();
    let name = match current.name() {
        Some("main") => Text::Borrowed("MainThread"),
        Some(name) => intern::text(name),
        None => Text::Borrowed("Thread"),
    };
    ThreadIdentity {
        id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
        name,
    }
}

/// The calling thread's identity, computed once per thread.
pub fn current_thread() -> ThreadIdentity {
    THREAD
        .try_with(|slot| {
            slot.borrow_mut()
                .get_or_insert_with(|| PROVIDER.get().map_or_else(default_identity, |p| p()))
                .clone()
        })
        .unwrap_or_else(|_| default_identity())
}

/// The process id, cached; `fork` hooks refresh it in the child.
pub fn process_id() -> u32 {
    match PROCESS_ID.load(Ordering::Relaxed) {
        0 => refresh_process_id(),
        pid => pid,
    }
}

/// Re-reads the process id (called in a forked child).
pub fn refresh_process_id() -> u32 {
    let pid = std::process::id();
    PROCESS_ID.store(pid, Ordering::Relaxed);
    pid
}

/// Wall-clock nanoseconds since the Unix epoch.
pub fn now_ns() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

/// When the engine started, for `relativeCreated`.
pub fn start_ns() -> u64 {
    *START_NS
}
