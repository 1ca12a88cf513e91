//! Loggers named by a facade's target (`log`'s and `tracing`'s): a module
//! path such as `app::db` names the logger `app.db`. Each thread keeps
//! the loggers it used, so a call costs a hash lookup, not the registry's
//! lock.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use crate::FemtoLogger;

/// Loggers a thread keeps at most; past that it starts afresh.
const PER_THREAD: usize = 1024;

thread_local! {
    static LOGGERS: RefCell<HashMap<Box<str>, Arc<FemtoLogger>>> = RefCell::new(HashMap::new());
}

/// The global manager's logger for `target`.
pub fn logger_for_target(target: &str) -> Arc<FemtoLogger> {
    let cached = LOGGERS
        .try_with(|loggers| loggers.borrow().get(target).cloned())
        .ok()
        .flatten();
    if let Some(logger) = cached {
        return logger;
    }
    let logger = crate::macros::logger_named(target);
    let _ = LOGGERS.try_with(|loggers| {
        let mut loggers = loggers.borrow_mut();
        if loggers.len() >= PER_THREAD {
            loggers.clear();
        }
        loggers.insert(target.into(), Arc::clone(&logger));
    });
    logger
}
