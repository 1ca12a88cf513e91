//! Per-process and per-thread facts stamped on every record, cached so the
//! hot path makes no system call: the process id (refreshed after `fork`),
//! the calling thread's id and name, and the engine's start time.

use std::cell::OnceCell;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{LazyLock, OnceLock};

use crate::intern::{self, Text};

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
    static THREAD: OnceCell<ThreadIdentity> = const { OnceCell::new() };
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

/// The calling thread's identity, computed once per thread (a copy of
/// the kept one: three words when its name is interned, as it is unless
/// the intern table is full).
#[inline]
pub fn current_thread() -> ThreadIdentity {
    THREAD
        .try_with(|slot| {
            slot.get_or_init(|| PROVIDER.get().map_or_else(default_identity, |p| p()))
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

/// Wall-clock nanoseconds since the Unix epoch (0 before it).
///
/// Read with `clock_gettime` (the vDSO, no system call) through rustix:
/// `SystemTime::now().duration_since(UNIX_EPOCH)` took about 90
/// instructions more for its checked subtraction and `Duration`, on every
/// record.
#[inline]
pub fn now_ns() -> u64 {
    let now = rustix::time::clock_gettime(rustix::time::ClockId::Realtime);
    match (u64::try_from(now.tv_sec), u64::try_from(now.tv_nsec)) {
        (Ok(seconds), Ok(nanoseconds)) => seconds
            .saturating_mul(1_000_000_000)
            .saturating_add(nanoseconds),
        _ => 0,
    }
}

/// When the engine started, for `relativeCreated`.
pub fn start_ns() -> u64 {
    *START_NS
}
