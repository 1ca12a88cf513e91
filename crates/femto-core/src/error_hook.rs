//! Where handler failures go. A logging failure must never reach the code
//! that logged, so workers report here instead: by default a rate-limited
//! line on stderr, or a hook the application installs.

use std::io::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use arc_swap::ArcSwapOption;

/// What went wrong inside a handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandlerErrorKind {
    /// Writing, flushing or opening the sink failed.
    Io,
    /// A formatter, filter, sink or callback panicked (caught).
    Panic,
    /// A host-language callback returned an error status.
    Callback,
    /// A configuration change could not retire what it replaced (see
    /// `Manager::set_logger_states`); `handler` is "configuration".
    Config,
}

/// One handler failure, as passed to the error hook.
#[derive(Debug, Clone)]
pub struct HandlerError<'a> {
    /// The handler's name.
    pub handler: &'a str,
    /// What failed.
    pub kind: HandlerErrorKind,
    /// The error's text.
    pub message: &'a str,
}

/// An error hook. Called on the handler's worker thread (or the logging
/// thread for a filter); it must not log through the handler that failed.
pub type ErrorHook = dyn Fn(&HandlerError<'_>) + Send + Sync;

static HOOK: ArcSwapOption<Box<ErrorHook>> = ArcSwapOption::const_empty();

/// Whether the default reporter writes to stderr (Python's
/// `logging.raiseExceptions`); failures are counted either way.
static DEFAULT_OUTPUT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);

/// Turns the default stderr reporter's output off (`false`) or back on.
pub fn set_default_output(enabled: bool) {
    DEFAULT_OUTPUT.store(enabled, Ordering::Relaxed);
}

/// The error a sink returns for a failure it has reported itself (a host
/// callback that printed its own traceback): the worker counts it and does
/// not report it a second time.
#[derive(Debug, Clone, Copy)]
pub struct AlreadyReported;

impl std::fmt::Display for AlreadyReported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the sink reported the failure itself")
    }
}

impl std::error::Error for AlreadyReported {}

impl AlreadyReported {
    /// Whether `error` is this marker.
    pub fn is(error: &std::io::Error) -> bool {
        error
            .get_ref()
            .is_some_and(|inner| inner.is::<AlreadyReported>())
    }
}

/// Installs `hook`, or restores the default stderr reporter with `None`.
pub fn set_error_hook(hook: Option<Box<ErrorHook>>) {
    HOOK.store(hook.map(Arc::new));
}

/// Reports a failure through the installed hook.
pub fn report(error: &HandlerError<'_>) {
    match HOOK.load().as_deref() {
        Some(hook) => {
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| hook(error)));
        }
        None => default_report(error),
    }
}

/// Lets one report through per window and counts the ones held back.
struct RateLimit {
    window_ms: u64,
    /// When the last report went through (ms since `start`, plus one window
    /// so that the first report always passes).
    last_ms: AtomicU64,
    suppressed: AtomicU64,
}

impl RateLimit {
    const fn new(window: Duration) -> Self {
        RateLimit {
            window_ms: window.as_millis() as u64,
            last_ms: AtomicU64::new(0),
            suppressed: AtomicU64::new(0),
        }
    }

    /// At `now_ms`: `Some(held back since the last report)` if a report may
    /// go out now, `None` if this one is held back.
    fn admit(&self, now_ms: u64) -> Option<u64> {
        let now_ms = now_ms + self.window_ms;
        let last = self.last_ms.load(Ordering::Relaxed);
        let passes = now_ms.saturating_sub(last) >= self.window_ms
            && self
                .last_ms
                .compare_exchange(last, now_ms, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok();
        if passes {
            Some(self.suppressed.swap(0, Ordering::Relaxed))
        } else {
            self.suppressed.fetch_add(1, Ordering::Relaxed);
            None
        }
    }
}

/// At most one line a second; the next line says how many were held back.
fn default_report(error: &HandlerError<'_>) {
    if !DEFAULT_OUTPUT.load(Ordering::Relaxed) {
        return;
    }
    static START: std::sync::LazyLock<Instant> = std::sync::LazyLock::new(Instant::now);
    static LIMIT: RateLimit = RateLimit::new(Duration::from_secs(1));
    let Some(suppressed) = LIMIT.admit(START.elapsed().as_millis() as u64) else {
        return;
    };
    let mut line = format!(
        "femtologging: handler {:?}: {:?} error: {}",
        error.handler, error.kind, error.message
    );
    if suppressed > 0 {
        line.push_str(&format!(" ({suppressed} earlier errors not shown)"));
    }
    line.push('\n');
    // A private duplicate of fd 2: `io::stderr()`'s lock could be held by
    // a thread that does not exist in a forked child.
    use std::os::fd::AsFd;
    if let Ok(fd) = std::io::stderr().as_fd().try_clone_to_owned() {
        let _ = std::fs::File::from(fd).write_all(line.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    fn one_report_per_window_and_a_count_of_the_rest() {
        let limit = RateLimit::new(Duration::from_secs(1));
        assert_eq!(limit.admit(0), Some(0), "the first report passes");
        assert_eq!(limit.admit(10), None);
        assert_eq!(limit.admit(999), None);
        assert_eq!(limit.admit(1_000), Some(2), "two were held back");
        assert_eq!(limit.admit(1_500), None);
        assert_eq!(limit.admit(5_000), Some(1));
    }
}

#[cfg(test)]
mod already_reported_tests {
    use super::AlreadyReported;

    #[test]
    fn the_marker_is_recognised_through_io_error() {
        assert!(AlreadyReported::is(&std::io::Error::other(AlreadyReported)));
        assert!(!AlreadyReported::is(&std::io::Error::other("other")));
    }
}
