//! Lets a host runtime step aside while a producer waits for room in a full
//! queue. Python's binding calls the engine holding the GIL; a handler's
//! worker may need the GIL to drain (a Python stream or handler), so the
//! producer must release it before it waits and take it back afterwards.

use std::sync::Arc;

use arc_swap::ArcSwapOption;

/// Called on the producing thread around a wait for queue space.
pub trait WaitHook: Send + Sync {
    /// Runs before the thread waits; returns a token for `after_wait`.
    fn before_wait(&self) -> usize;
    /// Runs when the wait is over (the record was queued, dropped or timed
    /// out), on the same thread, with the token from `before_wait`.
    fn after_wait(&self, token: usize);

    /// Called about every [`POLL_INTERVAL`] while the thread waits, with
    /// the token (which it may replace): `true` abandons the wait, and the
    /// record is dropped and counted. A host runs its signal handlers here
    /// (Python's `KeyboardInterrupt`).
    fn interrupted(&self, token: &mut usize) -> bool {
        let _ = token;
        false
    }
}

static HOOK: ArcSwapOption<Box<dyn WaitHook>> = ArcSwapOption::const_empty();

/// Installs `hook`, or removes it with `None`.
pub fn set_wait_hook(hook: Option<Box<dyn WaitHook>>) {
    HOOK.store(hook.map(Arc::new));
}

/// Runs the hook's `before_wait` now and its `after_wait` when dropped.
pub(crate) struct Waiting {
    hook: Option<(Arc<Box<dyn WaitHook>>, usize)>,
}

/// How often a waiting thread asks the hook whether to give up.
pub const POLL_INTERVAL: std::time::Duration = std::time::Duration::from_millis(20);

impl Waiting {
    /// Whether the host asks this wait to end now (see
    /// [`WaitHook::interrupted`]).
    pub(crate) fn interrupted(&mut self) -> bool {
        match &mut self.hook {
            Some((hook, token)) => hook.interrupted(token),
            None => false,
        }
    }

    pub(crate) fn begin() -> Waiting {
        let hook = HOOK.load_full().map(|hook| {
            let token = hook.before_wait();
            (hook, token)
        });
        Waiting { hook }
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        if let Some((hook, token)) = self.hook.take() {
            hook.after_wait(token);
        }
    }
}
