//! Write-through mode, for test suites: while it is on, a logging call
//! returns only once each worker-side handler that took its record has
//! written it and flushed its sink, as the standard library's handlers
//! have. Off by default, since it makes every call wait for a worker.

use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

/// The environment variable that turns the mode on for a whole process
/// (`1`, `true`, `on` or `yes`), read once, at the first record.
pub const WRITE_THROUGH_ENV: &str = "FEMTOLOGGING_WRITE_THROUGH";

/// How long a logging call waits for its record to be written before it
/// returns anyway (a stuck sink must not hang the test that logged).
pub(crate) const WAIT_LIMIT: Duration = Duration::from_secs(10);

const UNREAD: u8 = 0;
const OFF: u8 = 1;
const ON: u8 = 2;

static MODE: AtomicU8 = AtomicU8::new(UNREAD);

/// Turns write-through on or off for the process (overrides the
/// environment). Thread-safe.
pub fn set_write_through(on: bool) {
    MODE.store(if on { ON } else { OFF }, Ordering::Release);
}

/// Whether write-through is on. Inlined: every queued record asks.
#[inline]
pub fn write_through() -> bool {
    match MODE.load(Ordering::Acquire) {
        ON => true,
        OFF => false,
        _ => read_environment(),
    }
}

/// The first answer of [`write_through`]: the environment's, unless
/// `set_write_through` came first.
#[cold]
fn read_environment() -> bool {
    let read = if enabled_in(std::env::var(WRITE_THROUGH_ENV).ok().as_deref()) {
        ON
    } else {
        OFF
    };
    // A concurrent `set_write_through` wins over the environment.
    let _ = MODE.compare_exchange(UNREAD, read, Ordering::AcqRel, Ordering::Acquire);
    MODE.load(Ordering::Acquire) == ON
}

/// Whether an environment variable's value turns its switch on.
pub(crate) fn enabled_in(value: Option<&str>) -> bool {
    value.is_some_and(|v| {
        matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "1" | "true" | "on" | "yes"
        )
    })
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::enabled_in;

    #[rstest]
    #[case(Some("1"), true)]
    #[case(Some(" ON "), true)]
    #[case(Some("yes"), true)]
    #[case(Some("0"), false)]
    #[case(Some(""), false)]
    #[case(None, false)]
    fn environment_values(#[case] value: Option<&str>, #[case] on: bool) {
        assert_eq!(enabled_in(value), on);
    }
}
