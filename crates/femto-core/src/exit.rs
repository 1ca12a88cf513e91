//! Bounded exit: the drain at process exit writes everything it can, but a
//! stuck sink (a pipe nobody reads, a hung network file system) cannot hold
//! the process for more than a limit.
//!
//! The limit is on *lack of progress*: once exit has begun, every wait in
//! the engine (a full queue, a flush, a close, the final drain) gives up
//! when no sink call has returned for [`exit_limit`] (5 s by default,
//! `FEMTOLOGGING_EXIT_TIMEOUT` in seconds, or [`set_exit_limit`]). A slow
//! sink that keeps returning is waited for; one call that takes longer than
//! the limit counts as stuck: it is abandoned, and the records still queued
//! for it are counted and reported once on stderr.

use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, Once, OnceLock};
use std::time::{Duration, Instant};

/// The limit when neither the environment nor [`set_exit_limit`] says.
pub const DEFAULT_EXIT_LIMIT: Duration = Duration::from_secs(5);

/// Milliseconds; `u64::MAX` until read from the environment or set.
static LIMIT_MS: AtomicU64 = AtomicU64::new(u64::MAX);
static EXITING: AtomicBool = AtomicBool::new(false);
/// Nanoseconds after [`base`] of the last batch any worker wrote.
static LAST_PROGRESS_NS: AtomicU64 = AtomicU64::new(0);
static ABANDONED: AtomicU64 = AtomicU64::new(0);
static REPORTED: AtomicBool = AtomicBool::new(false);

fn base() -> Instant {
    static BASE: OnceLock<Instant> = OnceLock::new();
    *BASE.get_or_init(Instant::now)
}

fn now_ns() -> u64 {
    u64::try_from(base().elapsed().as_nanos()).unwrap_or(u64::MAX)
}

/// Sets how long exit waits without progress before abandoning what is
/// left (see the module docs).
pub fn set_exit_limit(limit: Duration) {
    let ms = u64::try_from(limit.as_millis()).unwrap_or(u64::MAX - 1);
    LIMIT_MS.store(ms.min(u64::MAX - 1), Ordering::Relaxed);
}

/// How long exit waits without progress (see the module docs).
pub fn exit_limit() -> Duration {
    let mut ms = LIMIT_MS.load(Ordering::Relaxed);
    if ms == u64::MAX {
        ms = limit_from_env();
        let _ = LIMIT_MS.compare_exchange(u64::MAX, ms, Ordering::Relaxed, Ordering::Relaxed);
        ms = LIMIT_MS.load(Ordering::Relaxed);
    }
    Duration::from_millis(ms)
}

fn limit_from_env() -> u64 {
    let default = DEFAULT_EXIT_LIMIT.as_millis() as u64;
    let Ok(text) = std::env::var("FEMTOLOGGING_EXIT_TIMEOUT") else {
        return default;
    };
    match text.trim().parse::<f64>() {
        Ok(seconds) if seconds.is_finite() && seconds >= 0.0 => (seconds * 1000.0).min(1e15) as u64,
        _ => {
            let _ = writeln!(
                std::io::stderr(),
                "femtologging: FEMTOLOGGING_EXIT_TIMEOUT={text:?} is not a number of seconds; using {} s",
                DEFAULT_EXIT_LIMIT.as_secs()
            );
            default
        }
    }
}

/// Registers the exit drain ([`crate::drain_at_exit`]) with the C
/// library's `atexit`, once per process: a program that returns from
/// `main`, calls `std::process::exit` or panics in `main` has every record
/// it logged written, with no call it could forget. The engine registers
/// it when its first handler starts.
pub fn drain_at_process_exit() {
    static REGISTERED: Once = Once::new();
    REGISTERED.call_once(register_exit_drain);
}

/// The engine's one `unsafe` call: Rust's standard library has no way to
/// run code at `exit`.
#[allow(unsafe_code)]
fn register_exit_drain() {
    // SAFETY: `atexit` only stores the pointer; `run_exit_drain` is a plain
    // `extern "C"` function of this crate that never unwinds into C.
    let status = unsafe { libc::atexit(run_exit_drain) };
    if status != 0 {
        let _ = writeln!(
            std::io::stderr(),
            "femtologging: cannot register the exit drain; call femto_core::shutdown before exit"
        );
    }
}

extern "C" fn run_exit_drain() {
    let _ = std::panic::catch_unwind(crate::drain_at_exit);
}

/// Marks the start of exit: from now on waits give up after the limit
/// without progress. Idempotent.
pub fn begin_exit() {
    if !EXITING.swap(true, Ordering::AcqRel) {
        exit_limit();
        note_progress();
    }
}

/// Whether exit has begun.
pub fn exiting() -> bool {
    EXITING.load(Ordering::Acquire)
}

/// A worker wrote a batch (cheap unless exiting).
pub(crate) fn note_progress() {
    if exiting() {
        LAST_PROGRESS_NS.store(now_ns(), Ordering::Release);
    }
}

/// Whether exit has begun and nothing was written for the limit: every
/// wait gives up.
pub(crate) fn gave_up() -> bool {
    if !exiting() {
        return false;
    }
    let idle = now_ns().saturating_sub(LAST_PROGRESS_NS.load(Ordering::Acquire));
    Duration::from_nanos(idle) >= exit_limit()
}

/// Waits in slices of at most `slice` while `ready` is false, until
/// `deadline` or until exit gives up. Returns whether `ready` came true.
pub(crate) fn wait_until(
    deadline: Instant,
    slice: Duration,
    mut ready: impl FnMut(Duration) -> bool,
) -> bool {
    loop {
        let now = Instant::now();
        let Some(left) = deadline
            .checked_duration_since(now)
            .filter(|left| !left.is_zero())
        else {
            return ready(Duration::ZERO);
        };
        if ready(left.min(slice)) {
            return true;
        }
        if gave_up() {
            return false;
        }
    }
}

/// Counts records abandoned at exit (reported by [`report_abandoned`]).
pub(crate) fn count_abandoned(records: u64) {
    ABANDONED.fetch_add(records, Ordering::AcqRel);
}

/// Records abandoned at exit so far.
pub fn abandoned() -> u64 {
    ABANDONED.load(Ordering::Acquire)
}

/// Says once on stderr how many records exit abandoned, if any.
pub(crate) fn report_abandoned(handlers: &[String]) {
    let count = abandoned();
    if count == 0 && handlers.is_empty() {
        return;
    }
    if REPORTED.swap(true, Ordering::AcqRel) {
        return;
    }
    let _ = writeln!(
        std::io::stderr(),
        "femtologging: exit gave up after {:.1} s without progress on handler(s) {}: {count} queued \
         record(s) not written, and whatever those sinks held unflushed",
        exit_limit().as_secs_f64(),
        handlers.join(", ")
    );
}

/// Handlers, by name, that were sent records during exit after they had
/// closed, with how many (reported by [`report_after_close`]).
static AFTER_CLOSE: Mutex<Vec<(String, u64)>> = Mutex::new(Vec::new());

/// A record reached `handler` during exit after it had closed (an
/// `atexit` function of the host that runs after the host closed its
/// handlers): it is not written, and exit says so.
pub(crate) fn count_after_close(handler: &str) {
    let mut late = AFTER_CLOSE.lock().unwrap_or_else(|e| e.into_inner());
    match late.iter_mut().find(|(name, _)| name == handler) {
        Some((_, count)) => *count += 1,
        None => late.push((handler.to_owned(), 1)),
    }
}

/// Says once on stderr how many records reached closed handlers during
/// exit, if any.
pub(crate) fn report_after_close() {
    let late = std::mem::take(&mut *AFTER_CLOSE.lock().unwrap_or_else(|e| e.into_inner()));
    if late.is_empty() {
        return;
    }
    let count: u64 = late.iter().map(|(_, count)| count).sum();
    let names: Vec<String> = late.iter().map(|(name, _)| format!("{name:?}")).collect();
    let _ = writeln!(
        std::io::stderr(),
        "femtologging: {count} record(s) logged during exit after their handler(s) {} had closed \
         were not written",
        names.join(", ")
    );
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;

    #[rstest]
    fn wait_until_returns_when_ready_or_at_the_deadline() {
        let mut calls = 0;
        assert!(wait_until(
            Instant::now() + Duration::from_secs(5),
            Duration::from_millis(1),
            |_| {
                calls += 1;
                calls == 3
            }
        ));
        let start = Instant::now();
        assert!(!wait_until(
            start + Duration::from_millis(20),
            Duration::from_millis(5),
            |slice| {
                std::thread::sleep(slice);
                false
            }
        ));
        assert!(start.elapsed() >= Duration::from_millis(20));
    }
}
