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
}

/// One handler failure, as passed to the error hook.
#[derive(Debug, Clone)]
pub struct HandlerError<'a> {
    pub handler: &'a str,
    pub kind: HandlerErrorKind,
    pub message: &'a str,
}

/// An error hook. Called on the handler's worker thread (or the logging
/// thread for a filter); it must not log through the handler that failed.
pub type ErrorHook = dyn Fn(&HandlerError<'_>) + Send + Sync;

static HOOK: ArcSwapOption<Box<ErrorHook>> = ArcSwapOption::const_empty();

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

/// At most one line a second; the next line says how many were held back.
fn default_report(error: &HandlerError<'_>) {
    static START: std::sync::LazyLock<Instant> = std::sync::LazyLock::new(Instant::now);
    static LAST_MS: AtomicU64 = AtomicU64::new(0);
    static SUPPRESSED: AtomicU64 = AtomicU64::new(0);
    let now_ms = START.elapsed().as_millis() as u64 + 1_001;
    let last = LAST_MS.load(Ordering::Relaxed);
    let window = Duration::from_secs(1).as_millis() as u64;
    if now_ms.saturating_sub(last) < window
        || LAST_MS
            .compare_exchange(last, now_ms, Ordering::Relaxed, Ordering::Relaxed)
            .is_err()
    {
        SUPPRESSED.fetch_add(1, Ordering::Relaxed);
        return;
    }
    let suppressed = SUPPRESSED.swap(0, Ordering::Relaxed);
    let mut line = format!(
        "femtologging: handler {:?}: {:?} error: {}",
        error.handler, error.kind, error.message
    );
    if suppressed > 0 {
        line.push_str(&format!(" ({suppressed} earlier errors not shown)"));
    }
    line.push('\n');
    let _ = std::io::stderr().write_all(line.as_bytes());
}
