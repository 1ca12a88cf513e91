//! The logger registry. Configuration lives here under one lock; every
//! change recomputes each logger's cached threshold and handler list, so
//! the logging hot path reads two atomics and never walks the tree.

use arc_swap::ArcSwapOption;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use crate::filter::FemtoFilter;
use crate::handler::{FemtoHandler, HandlerOptions, StreamTarget};
use crate::intern::Text;
use crate::level::FemtoLevel;
use crate::logger::{Dispatch, FemtoLogger};
use crate::sync::lock;

/// An invalid logger name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid logger name {name:?}: {reason}")]
pub struct LoggerNameError {
    /// The name refused.
    pub name: String,
    /// Why.
    pub reason: &'static str,
}

/// The configuration of one logger, owned by the registry.
pub(crate) struct Entry {
    pub(crate) logger: Arc<FemtoLogger>,
    pub(crate) handlers: Vec<Arc<FemtoHandler>>,
    pub(crate) filters: Vec<Arc<dyn FemtoFilter>>,
}

pub(crate) struct State {
    pub(crate) loggers: HashMap<Arc<str>, Entry>,
    /// stdlib `logging.disable`: records at or below this level are off.
    disable: u32,
    /// The handlers the last applied [`crate::config`] attached: the next
    /// one detaches them all, and closes those it made (`true`).
    pub(crate) config_handlers: Vec<(Arc<FemtoHandler>, bool)>,
}

pub(crate) struct Shared {
    state: Mutex<State>,
    root: Arc<FemtoLogger>,
    last_resort_enabled: AtomicBool,
    /// The default last resort, made on first use. Not a `OnceLock`: a
    /// `fork` while another thread is making it would leave the child's
    /// lock "in progress" for ever; here a child just makes its own.
    last_resort: ArcSwapOption<FemtoHandler>,
    /// Making the default last resort failed (stderr could not be
    /// duplicated): do not try again for every record.
    last_resort_failed: AtomicBool,
    /// A handler that replaces the default (Python's `logging.lastResort = h`).
    last_resort_handler: ArcSwapOption<FemtoHandler>,
    /// The lowest threshold of any logger (see [`Manager::most_verbose_level`]).
    most_verbose: AtomicU32,
}

/// One logger's whole configuration, for [`Manager::set_logger_states`].
#[derive(Debug, Clone)]
pub struct LoggerState {
    /// The logger.
    pub logger: Arc<FemtoLogger>,
    /// Its own level (NOTSET: its parent's).
    pub level: FemtoLevel,
    /// Whether records go on to the parent's handlers.
    pub propagate: bool,
    /// Whether it is off.
    pub disabled: bool,
    /// Its own handlers.
    pub handlers: Vec<Arc<FemtoHandler>>,
}

/// A logger registry. Cheap to clone (shared). Most programs use
/// [`Manager::global`]; tests may make their own.
#[derive(Clone)]
pub struct Manager {
    shared: Arc<Shared>,
}

static GLOBAL: OnceLock<Manager> = OnceLock::new();

/// Called after every change to the global manager's levels.
static LEVEL_WATCHER: OnceLock<fn()> = OnceLock::new();

/// Has `watcher` called after every change to the global manager's
/// levels (it reads [`Manager::most_verbose_level`] then). One watcher per
/// process; returns whether this one was installed.
pub fn watch_levels(watcher: fn()) -> bool {
    LEVEL_WATCHER.set(watcher).is_ok()
}

/// The name the root logger reports.
pub const ROOT_NAME: &str = "root";

impl Default for Manager {
    fn default() -> Self {
        Self::new()
    }
}

impl Manager {
    /// A new registry with a root logger at WARNING (stdlib's default).
    pub fn new() -> Manager {
        let _ = crate::context::start_ns();
        let shared = Arc::new_cyclic(|weak| {
            let root = Arc::new(FemtoLogger::new(
                Text::Borrowed(ROOT_NAME),
                None,
                weak.clone(),
            ));
            root.store_level(FemtoLevel::WARNING);
            let mut loggers = HashMap::new();
            loggers.insert(
                Arc::from(ROOT_NAME),
                Entry {
                    logger: Arc::clone(&root),
                    handlers: Vec::new(),
                    filters: Vec::new(),
                },
            );
            Shared {
                state: Mutex::new(State {
                    loggers,
                    disable: 0,
                    config_handlers: Vec::new(),
                }),
                root,
                last_resort_enabled: AtomicBool::new(true),
                last_resort: ArcSwapOption::empty(),
                last_resort_failed: AtomicBool::new(false),
                last_resort_handler: ArcSwapOption::empty(),
                most_verbose: AtomicU32::new(0),
            }
        });
        let manager = Manager { shared };
        manager.configure(|_| ());
        manager
    }

    /// The process-wide registry used by the C and Python bindings.
    pub fn global() -> &'static Manager {
        GLOBAL.get_or_init(Manager::new)
    }

    /// The root logger.
    pub fn root(&self) -> Arc<FemtoLogger> {
        Arc::clone(&self.shared.root)
    }

    /// Returns the logger called `name`, creating it and its dotted parents
    /// on first use. `""` and `"root"` name the root logger.
    pub fn get_logger(&self, name: &str) -> Result<Arc<FemtoLogger>, LoggerNameError> {
        if name.is_empty() || name == ROOT_NAME {
            return Ok(self.root());
        }
        validate_name(name)?;
        if let Some(entry) = lock(&self.shared.state).loggers.get(name) {
            return Ok(Arc::clone(&entry.logger));
        }
        // New loggers have no level, handlers or filters of their own, so
        // only they need their caches computed.
        let mut state = lock(&self.shared.state);
        let mut parent = Arc::clone(&self.shared.root);
        for (end, _) in name.match_indices('.').chain([(name.len(), "")]) {
            let prefix = &name[..end];
            if let Some(entry) = state.loggers.get(prefix) {
                parent = Arc::clone(&entry.logger);
                continue;
            }
            let key: Arc<str> = prefix.into();
            let weak = Arc::downgrade(&self.shared);
            let logger = Arc::new(FemtoLogger::new(
                crate::intern::text(&key),
                Some(parent),
                weak,
            ));
            state.loggers.insert(
                key,
                Entry {
                    logger: Arc::clone(&logger),
                    handlers: Vec::new(),
                    filters: Vec::new(),
                },
            );
            // A new logger: no call can hold its first snapshot yet.
            let _ = rebuild_one(&state, &logger);
            parent = logger;
        }
        Ok(parent)
    }

    /// Every logger, root first, then by name.
    pub fn loggers(&self) -> Vec<Arc<FemtoLogger>> {
        let state = lock(&self.shared.state);
        let mut loggers: Vec<_> = state
            .loggers
            .values()
            .map(|e| Arc::clone(&e.logger))
            .collect();
        loggers.sort_by(|a, b| {
            (a.parent().is_some(), a.name()).cmp(&(b.parent().is_some(), b.name()))
        });
        loggers
    }

    /// stdlib `logging.disable(level)`: turns off every record at or below
    /// `level` in every logger; `NOTSET` turns them back on.
    pub fn disable(&self, level: FemtoLevel) {
        self.configure(|state| state.disable = level.value());
    }

    /// Whether records that reach no handler go to a stderr handler at
    /// WARNING (stdlib's `lastResort`). On by default.
    pub fn set_last_resort(&self, enabled: bool) {
        self.shared
            .last_resort_enabled
            .store(enabled, Ordering::Relaxed);
    }

    /// Replaces the default last-resort handler with `handler`; `None`
    /// goes back to the default. [`Manager::set_last_resort`] still turns
    /// the last resort on or off.
    pub fn set_last_resort_handler(&self, handler: Option<Arc<FemtoHandler>>) {
        self.shared.last_resort_handler.store(handler);
    }

    /// Sets the level, `propagate`, `disabled` and handlers of several
    /// loggers as one change: a record logged meanwhile sees all of them
    /// as they were or all as they are now. On return no logging call can
    /// reach a handler that was taken off, so it can be closed at once.
    /// Loggers of another registry are left alone.
    pub fn set_logger_states(&self, states: Vec<LoggerState>) {
        self.configure(|state| {
            for change in states {
                let Some(entry) = state.loggers.get_mut(change.logger.name()) else {
                    continue;
                };
                if !Arc::ptr_eq(&entry.logger, &change.logger) {
                    continue;
                }
                entry.logger.store_level(change.level);
                entry.logger.store_propagate(change.propagate);
                entry.logger.store_disabled(change.disabled);
                entry.handlers = change.handlers;
            }
        });
    }

    /// Applies a configuration change and refreshes every logger's cache,
    /// under the registry lock; then waits (without the lock) until logging
    /// calls that started under the old configuration have finished, so a
    /// handler taken off a logger can be closed without losing a record
    /// still on its way to it.
    pub(crate) fn configure<R>(&self, change: impl FnOnce(&mut State) -> R) -> R {
        let (result, retired) = {
            let mut state = lock(&self.shared.state);
            let result = change(&mut state);
            let retired = rebuild(&state);
            let most_verbose = state.loggers.values().map(|e| e.logger.threshold());
            let most_verbose = most_verbose.min().unwrap_or(u32::MAX);
            self.shared
                .most_verbose
                .store(most_verbose, Ordering::Release);
            (result, retired)
        };
        wait_for_calls_under_way(retired);
        if GLOBAL
            .get()
            .is_some_and(|global| Arc::ptr_eq(&global.shared, &self.shared))
        {
            if let Some(watcher) = LEVEL_WATCHER.get() {
                watcher();
            }
        }
        result
    }

    /// The most verbose level any logger is enabled for (new loggers
    /// inherit a parent's, so they never lower it): a facade such as
    /// `log` skips calls below it without asking a logger.
    pub fn most_verbose_level(&self) -> FemtoLevel {
        FemtoLevel(self.shared.most_verbose.load(Ordering::Acquire))
    }

    /// Reads the configuration under the registry lock, changing nothing.
    pub(crate) fn read<R>(&self, look: impl FnOnce(&State) -> R) -> R {
        look(&lock(&self.shared.state))
    }

    pub(crate) fn from_shared(shared: Arc<Shared>) -> Manager {
        Manager { shared }
    }

    pub(crate) fn last_resort(&self) -> Option<Arc<FemtoHandler>> {
        if !self.shared.last_resort_enabled.load(Ordering::Relaxed) {
            return None;
        }
        if let Some(handler) = self.shared.last_resort_handler.load_full() {
            return Some(handler);
        }
        if let Some(handler) = self.shared.last_resort.load_full() {
            return Some(handler);
        }
        if self.shared.last_resort_failed.load(Ordering::Relaxed) {
            return None;
        }
        let options = HandlerOptions {
            name: Some("lastResort".into()),
            level: FemtoLevel::WARNING,
            ..HandlerOptions::default()
        };
        let Ok(fresh) = FemtoHandler::stream(StreamTarget::Stderr, options) else {
            self.shared
                .last_resort_failed
                .store(true, Ordering::Relaxed);
            return None;
        };
        // Two threads may both make one: the first stored wins, the other
        // is dropped (which closes it).
        let previous = self
            .shared
            .last_resort
            .compare_and_swap(&None::<Arc<FemtoHandler>>, Some(Arc::clone(&fresh)));
        match &*previous {
            Some(existing) => Some(Arc::clone(existing)),
            None => Some(fresh),
        }
    }

    /// Held across `fork` so no configuration change is half done.
    pub(crate) fn lock_global_for_fork() -> Option<MutexGuard<'static, State>> {
        GLOBAL.get().map(|m| lock(&m.shared.state))
    }
}

/// How long a configuration change waits for calls under way (a call
/// blocked on a full queue keeps its snapshot until there is room).
const RETIRE_WAIT: Duration = Duration::from_secs(2);

/// Waits until no logging call that began before the change is under way
/// (see `calls`), then lets the retired snapshots go (threads may keep
/// copies, unused). A thread that changes the configuration from inside a
/// logging call (a filter callback) waits out the limit. Calls still under
/// way then are reported (see [`report_calls_under_way`]), never ignored.
fn wait_for_calls_under_way(retired: Vec<Arc<Dispatch>>) {
    let still = crate::calls::wait_for_calls_before_now(RETIRE_WAIT);
    drop(retired);
    if still > 0 {
        report_calls_under_way(still);
    }
}

/// Says, through the error hook, that a configuration change could not
/// retire what it replaced: a logging call that began before it (blocked
/// on a full queue, or the caller itself from inside a filter) may still
/// hand its record to a handler the change took off. Such a handler,
/// once closed, counts the record as dropped.
fn report_calls_under_way(threads: usize) {
    crate::error_hook::report(&crate::error_hook::HandlerError {
        handler: "configuration",
        kind: crate::error_hook::HandlerErrorKind::Config,
        message: &format!(
            "{threads} thread(s) still had logging calls under way {} s after a configuration \
             change; they may reach handlers the change took off (counted as dropped there once \
             closed)",
            RETIRE_WAIT.as_secs()
        ),
    });
}

/// Recomputes every logger's threshold and dispatch snapshot; returns the
/// snapshots replaced.
fn rebuild(state: &State) -> Vec<Arc<Dispatch>> {
    state
        .loggers
        .values()
        .filter_map(|entry| rebuild_one(state, &entry.logger))
        .collect()
}

/// Recomputes one logger's threshold and dispatch snapshot.
fn rebuild_one(state: &State, logger: &Arc<FemtoLogger>) -> Option<Arc<Dispatch>> {
    {
        let entry = state.loggers.get(logger.name())?;
        let mut effective = FemtoLevel::NOTSET;
        let mut handlers = Vec::new();
        let mut collecting = true;
        let mut current = Some(logger);
        while let Some(node) = current {
            if effective == FemtoLevel::NOTSET {
                effective = node.level();
            }
            if collecting {
                if let Some(e) = state.loggers.get(node.name()) {
                    handlers.extend(e.handlers.iter().cloned());
                }
                collecting = node.propagate();
            }
            current = node.parent();
        }
        let threshold = if logger.disabled() {
            u32::MAX
        } else {
            effective.value().max(state.disable.saturating_add(1))
        };
        Some(logger.publish(
            FemtoLevel(threshold),
            effective,
            Dispatch::new(entry.filters.clone(), handlers),
        ))
    }
}

pub(crate) fn validate_name(name: &str) -> Result<(), LoggerNameError> {
    let reason = if name.starts_with('.') {
        Some("leading dot")
    } else if name.ends_with('.') {
        Some("trailing dot")
    } else if name.contains("..") {
        Some("empty segment")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(LoggerNameError {
            name: name.to_owned(),
            reason,
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod last_resort_tests {
    use super::*;

    #[test]
    fn threads_racing_for_the_default_last_resort_all_get_one_handler() {
        let manager = Manager::new();
        let barrier = std::sync::Barrier::new(8);
        let handlers: Vec<Arc<FemtoHandler>> = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..8)
                .map(|_| {
                    scope.spawn(|| {
                        barrier.wait();
                        manager.last_resort().expect("stderr can be duplicated")
                    })
                })
                .collect();
            workers.into_iter().map(|w| w.join().unwrap()).collect()
        });
        assert!(handlers.iter().all(|h| Arc::ptr_eq(h, &handlers[0])));
        assert!(!handlers[0].is_closed());
        manager.set_last_resort(false);
        assert!(manager.last_resort().is_none());
    }
}
