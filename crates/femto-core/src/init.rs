//! Getting started in one call: [`init`] sets up a console handler on the
//! root logger and the levels of a directive string (`info,app.db=debug`)
//! read from `FEMTO_LOG` or, failing that, `RUST_LOG`, as `env_logger`
//! does. A configuration file ([`crate::config`]) remains the full path.
//!
//! ```no_run
//! femto_core::init().expect("logging set up");
//! femto_core::info!(user = 42; "started");
//! ```

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::{
    FemtoFormatter, FemtoHandler, FemtoLevel, FemtoLogRecord, FormatStyle, HandlerBuildError,
    HandlerOptions, Manager, StreamTarget, TemplateFormatter,
};

/// The environment variables [`init`] reads, first found wins.
pub const DIRECTIVE_VARIABLES: [&str; 2] = ["FEMTO_LOG", "RUST_LOG"];

/// The console format: time, level, logger, message (then key-values).
pub const CONSOLE_FORMAT: &str = "%(asctime)s %(levelname)-8s %(name)s: %(message)s";

/// Why [`init`] set nothing up.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error("logging was set up already (init runs once per process)")]
    /// [`init`] ran before.
    AlreadyInitialized,
    #[error("{variable}: {error}")]
    /// A directive does not parse.
    Directive {
        /// The variable the directives came from (or "directives").
        variable: String,
        /// What is wrong with it.
        error: DirectiveError,
    },
    #[error("cannot open the console handler: {0}")]
    /// The console handler could not start.
    Handler(#[from] HandlerBuildError),
}

/// A directive string that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad directive {directive:?}: {reason}")]
pub struct DirectiveError {
    /// The directive, as written.
    pub directive: String,
    /// What is wrong with it.
    pub reason: String,
}

/// One directive: a level for a logger (`None`: the root).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// A dotted logger name; module paths (`app::db`) are turned into one.
    pub logger: Option<String>,
    /// The level it sets.
    pub level: FemtoLevel,
}

/// The level `off` stands for: above every level, so nothing is logged.
pub const OFF: FemtoLevel = FemtoLevel(u32::MAX);

/// Parses `env_logger`-style directives: comma-separated `level`,
/// `logger=level` or `logger` (everything from that logger). Levels are
/// the engine's names (`trace` … `critical`, `warn`, `off`) or numbers.
///
/// ```
/// use femto_core::init::parse_directives;
/// use femto_core::FemtoLevel;
///
/// let directives = parse_directives("info,app::db=debug").unwrap();
/// assert_eq!(directives[1].logger.as_deref(), Some("app.db"));
/// assert_eq!(directives[1].level, FemtoLevel::DEBUG);
/// assert!(parse_directives("app=loud").is_err());
/// ```
pub fn parse_directives(text: &str) -> Result<Vec<Directive>, DirectiveError> {
    let mut directives = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let bad = |reason: String| DirectiveError {
            directive: part.to_owned(),
            reason,
        };
        let (logger, level) = match part.split_once('=') {
            Some((logger, level)) => (Some(logger.trim()), Some(level.trim())),
            None if parse_level(part).is_some() => (None, Some(part)),
            None => (Some(part), None),
        };
        let level = match level {
            // Everything: the lowest level that is not NOTSET ("inherit").
            None => FemtoLevel(1),
            Some(text) => {
                parse_level(text).ok_or_else(|| bad(format!("{text:?} is not a level")))?
            }
        };
        let logger = match logger {
            None => None,
            Some("") => return Err(bad("no logger name before '='".into())),
            Some(name) => {
                let dotted = name.replace("::", ".");
                crate::manager::validate_name(&dotted).map_err(|e| bad(e.to_string()))?;
                Some(dotted)
            }
        };
        directives.push(Directive { logger, level });
    }
    Ok(directives)
}

fn parse_level(text: &str) -> Option<FemtoLevel> {
    if text.eq_ignore_ascii_case("off") {
        return Some(OFF);
    }
    text.parse().ok()
}

static INITIALIZED: AtomicBool = AtomicBool::new(false);

/// Sets up logging for a program: a console handler (standard error,
/// [`CONSOLE_FORMAT`]) on the global manager's root logger, the root at
/// INFO, then the directives of `FEMTO_LOG` or `RUST_LOG` if set. With the
/// `log` feature, records of the `log` facade reach the engine too.
/// Nothing needs to be called at exit (see [`crate::exit`]).
pub fn init() -> Result<(), InitError> {
    for variable in DIRECTIVE_VARIABLES {
        if let Ok(text) = std::env::var(variable) {
            return init_from(variable, &text);
        }
    }
    init_from("directives", "")
}

/// As [`init`], with the directives given rather than read from the
/// environment.
///
/// ```
/// femto_core::init_with("warn,app.db=debug").unwrap();
/// femto_core::debug!(target: "app.db", "shown");
/// assert!(femto_core::init_with("info").is_err(), "once per process");
/// ```
pub fn init_with(directives: &str) -> Result<(), InitError> {
    init_from("directives", directives)
}

fn init_from(variable: &str, text: &str) -> Result<(), InitError> {
    let directives = parse_directives(text).map_err(|error| InitError::Directive {
        variable: variable.to_owned(),
        error,
    })?;
    if INITIALIZED.swap(true, Ordering::AcqRel) {
        return Err(InitError::AlreadyInitialized);
    }
    let manager = Manager::global();
    let options = HandlerOptions {
        name: Some("console".into()),
        formatter: Arc::new(ConsoleFormatter::new()),
        ..HandlerOptions::default()
    };
    let console = FemtoHandler::stream(StreamTarget::Stderr, options).inspect_err(|_| {
        INITIALIZED.store(false, Ordering::Release);
    })?;
    let root = manager.root();
    root.add_handler(console);
    root.set_level(FemtoLevel::INFO);
    for directive in directives {
        let logger = match &directive.logger {
            None => Arc::clone(&root),
            // The names were validated while parsing.
            Some(name) => manager
                .get_logger(name)
                .unwrap_or_else(|_| Arc::clone(&root)),
        };
        logger.set_level(directive.level);
    }
    #[cfg(feature = "log")]
    crate::log_facade::install_quietly();
    Ok(())
}

/// [`CONSOLE_FORMAT`], then the record's key-values as ` key=value`.
struct ConsoleFormatter(TemplateFormatter);

impl ConsoleFormatter {
    fn new() -> Self {
        // A constant format that parses.
        let template = TemplateFormatter::new(CONSOLE_FORMAT, FormatStyle::Percent, None);
        ConsoleFormatter(template.unwrap_or_else(|_| unreachable!("CONSOLE_FORMAT parses")))
    }
}

impl FemtoFormatter for ConsoleFormatter {
    fn format(&self, record: &FemtoLogRecord, out: &mut String) {
        self.0.format(record, out);
        for (key, value) in &record.key_values {
            out.push(' ');
            out.push_str(key);
            out.push('=');
            out.push_str(value);
        }
    }

    fn needs_location(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;

    #[rstest]
    #[case("", vec![])]
    #[case("info", vec![(None, FemtoLevel::INFO)])]
    #[case(" warn , app::db=debug,app.http=OFF", vec![
        (None, FemtoLevel::WARNING),
        (Some("app.db"), FemtoLevel::DEBUG),
        (Some("app.http"), OFF),
    ])]
    #[case("app.db", vec![(Some("app.db"), FemtoLevel(1))])]
    #[case("app=15", vec![(Some("app"), FemtoLevel(15))])]
    fn directives_parse(#[case] text: &str, #[case] expected: Vec<(Option<&str>, FemtoLevel)>) {
        let parsed: Vec<(Option<String>, FemtoLevel)> = parse_directives(text)
            .unwrap()
            .into_iter()
            .map(|d| (d.logger, d.level))
            .collect();
        let expected: Vec<(Option<String>, FemtoLevel)> = expected
            .into_iter()
            .map(|(logger, level)| (logger.map(str::to_owned), level))
            .collect();
        assert_eq!(parsed, expected);
    }

    #[rstest]
    #[case("app=loud", "\"loud\" is not a level")]
    #[case("a..b=info", "")]
    #[case("=info", "no logger name")]
    fn bad_directives_are_refused(#[case] text: &str, #[case] reason: &str) {
        let error = parse_directives(text).unwrap_err();
        assert_eq!(error.directive, text);
        assert!(error.reason.contains(reason), "{error}");
    }
}
