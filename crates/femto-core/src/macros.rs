//! The logging macros: `info!("connected to {}", db)` and its siblings.
//!
//! A call names its logger in one of three ways:
//! - nothing: the logger of the calling module (`app::db` logs to `app.db`,
//!   so the module tree is the logger tree);
//! - `target: "app.db"`: the logger of that name (a string literal);
//! - a logger handle first, `info!(logger, "...")`.
//!
//! Key-values come before the message, separated by `;`, as in the `log`
//! crate (which Rust users already know, and which keeps them apart from
//! the format arguments): `info!(user = id, peer:? = addr; "login")`.
//! `key = value` uses `Display`, `key:? = value` uses `Debug`.
//!
//! The logger is looked up once per call site. Arguments, key-values and
//! the message are evaluated only when the level is enabled, and calls
//! below [`STATIC_MIN_LEVEL`](crate::STATIC_MIN_LEVEL) (Cargo features
//! `min_level_*`) compile to nothing. Each macro returns the
//! [`LogOutcome`](crate::LogOutcome).

use std::io::Write;
use std::sync::{Arc, OnceLock};

use crate::{FemtoLogger, Manager};

/// The logger of one macro call site, looked up in the global manager on
/// the call site's first enabled-or-not call and kept.
pub struct CallSiteLogger {
    name: &'static str,
    logger: OnceLock<Arc<FemtoLogger>>,
}

impl CallSiteLogger {
    /// The logger called `name`: a dotted logger name or a module path
    /// (`::` becomes `.`).
    pub const fn new(name: &'static str) -> Self {
        CallSiteLogger {
            name,
            logger: OnceLock::new(),
        }
    }

    /// The logger, from the global manager.
    pub fn get(&self) -> &FemtoLogger {
        self.logger.get_or_init(|| logger_named(self.name))
    }
}

/// The global manager's logger for a module path or logger name; the root
/// logger, said once on stderr, for a name the manager refuses.
pub fn logger_named(name: &str) -> Arc<FemtoLogger> {
    let dotted = name.replace("::", ".");
    let manager = Manager::global();
    manager.get_logger(&dotted).unwrap_or_else(|error| {
        let _ = writeln!(
            std::io::stderr(),
            "femtologging: {error}; the call site logs to the root logger"
        );
        manager.root()
    })
}

/// Logs at `$level`: the macros below with the level first.
///
/// ```
/// let level = femto_core::FemtoLevel::WARNING;
/// femto_core::femto_log!(level, target: "app.db", "slow query: {} ms", 250);
/// ```
#[macro_export]
macro_rules! femto_log {
    ($level:expr, target: $target:literal, $($rest:tt)+) => {{
        static LOGGER: $crate::macros::CallSiteLogger = $crate::macros::CallSiteLogger::new($target);
        $crate::__femto_event!(LOGGER.get(), $level, $($rest)+)
    }};
    ($level:expr, $message:literal $($rest:tt)*) => {{
        static LOGGER: $crate::macros::CallSiteLogger =
            $crate::macros::CallSiteLogger::new(::std::module_path!());
        $crate::__femto_event!(LOGGER.get(), $level, $message $($rest)*)
    }};
    ($level:expr, $key:ident $(:$debug:tt)? = $($rest:tt)+) => {{
        static LOGGER: $crate::macros::CallSiteLogger =
            $crate::macros::CallSiteLogger::new(::std::module_path!());
        $crate::__femto_event!(LOGGER.get(), $level, $key $(:$debug)? = $($rest)+)
    }};
    ($level:expr, $logger:expr, $($rest:tt)+) => {
        $crate::__femto_event!(&$logger, $level, $($rest)+)
    };
}

/// One event: checks the level, then makes and dispatches the record.
#[doc(hidden)]
#[macro_export]
macro_rules! __femto_event {
    ($logger:expr, $level:expr, $($key:ident $(:$debug:tt)? = $value:expr),+ ; $($message:tt)+) => {
        $crate::__femto_event!(@record $logger, $level, [$($key $(:$debug)? = $value),+], $($message)+)
    };
    ($logger:expr, $level:expr, $($message:tt)+) => {
        $crate::__femto_event!(@record $logger, $level, [], $($message)+)
    };
    (@record $logger:expr, $level:expr, [], $($message:tt)+) => {
        $crate::__femto_event!(@enabled $logger, $level, logger, level, {
            logger.log_args(level, ::std::format_args!($($message)+), $crate::__femto_event!(@location))
        })
    };
    (@record $logger:expr, $level:expr, [$($key:ident $(:$debug:tt)? = $value:expr),*], $($message:tt)+) => {
        $crate::__femto_event!(@enabled $logger, $level, logger, level, {
            let record = logger.record_args(level, ::std::format_args!($($message)+), |record| {
                record.location = $crate::__femto_event!(@location);
                $(record.key_values.push((
                    ::std::stringify!($key).into(),
                    $crate::__femto_value!($($debug)? $value).into(),
                ));)*
            });
            logger.dispatch_shared(record)
        })
    };
    // Runs `$body` with `$logger_var` and `$level_var` bound when the level
    // is enabled, at compile time and on the logger.
    (@enabled $logger:expr, $level:expr, $logger_var:ident, $level_var:ident, $body:block) => {{
        let $level_var: $crate::FemtoLevel = $level;
        if $level_var < $crate::STATIC_MIN_LEVEL {
            $crate::LogOutcome::Disabled
        } else {
            let $logger_var: &$crate::FemtoLogger = $logger;
            if $logger_var.is_enabled_for($level_var) $body else { $crate::LogOutcome::Disabled }
        }
    }};
    // The call's source location (`file!` and `line!` name the call site).
    (@location) => {
        $crate::SourceLocation {
            file: Some(::std::borrow::Cow::Borrowed(::std::file!())),
            line: ::std::line!(),
            function: None,
            module: Some(::std::borrow::Cow::Borrowed(::std::module_path!())),
        }
    };
}

/// A key-value's text: `Display`, or `Debug` after `:?`.
#[doc(hidden)]
#[macro_export]
macro_rules! __femto_value {
    (? $value:expr) => {
        ::std::format!("{:?}", $value)
    };
    ($value:expr) => {
        ::std::string::ToString::to_string(&$value)
    };
}

/// `femto_log!` at TRACE.
#[macro_export]
macro_rules! trace {
    ($($arg:tt)+) => { $crate::femto_log!($crate::FemtoLevel::TRACE, $($arg)+) };
}
/// `femto_log!` at DEBUG.
#[macro_export]
macro_rules! debug {
    ($($arg:tt)+) => { $crate::femto_log!($crate::FemtoLevel::DEBUG, $($arg)+) };
}
/// `femto_log!` at INFO.
///
/// ```
/// use femto_core::{info, LogOutcome, Manager};
///
/// let logger = Manager::global().get_logger("app.db").unwrap();
/// info!("by module path: {}", 1); // the logger of this module
/// info!(target: "app.db", user = 42, peer:? = ("10.0.0.1", 5432); "login");
/// let outcome = info!(logger, "by handle");
/// assert!(matches!(outcome, LogOutcome::Queued | LogOutcome::Disabled));
/// ```
#[macro_export]
macro_rules! info {
    ($($arg:tt)+) => { $crate::femto_log!($crate::FemtoLevel::INFO, $($arg)+) };
}
/// `femto_log!` at WARNING.
#[macro_export]
macro_rules! warn {
    ($($arg:tt)+) => { $crate::femto_log!($crate::FemtoLevel::WARNING, $($arg)+) };
}
/// `femto_log!` at ERROR.
#[macro_export]
macro_rules! error {
    ($($arg:tt)+) => { $crate::femto_log!($crate::FemtoLevel::ERROR, $($arg)+) };
}
/// `femto_log!` at CRITICAL.
#[macro_export]
macro_rules! critical {
    ($($arg:tt)+) => { $crate::femto_log!($crate::FemtoLevel::CRITICAL, $($arg)+) };
}
