//! The `log` facade on the engine (feature `log`): `log::info!` and the
//! rest, from the program or any dependency, become records of the logger
//! named by the target (`app::db` logs to `app.db`), with the module path,
//! file, line and key-values (`log`'s `kv`). `log`'s maximum level follows
//! the engine's: it is the most verbose level any logger is enabled for,
//! updated on every change, so calls nothing wants cost `log`'s own check.
//!
//! [`init`](crate::init()) installs it; [`install`] does it alone.
//!
//! ```
//! femto_core::log_facade::install().unwrap();
//! log::warn!(target: "app.db", user = 42; "slow query");
//! ```

use std::borrow::Cow;
use std::time::Duration;

use log::kv::{Key, Value, VisitSource};

use crate::{FemtoLevel, KeyValue, SourceLocation};

/// How long `log::logger().flush()` waits for the handlers.
const FLUSH_TIMEOUT: Duration = Duration::from_secs(30);

/// The `log::Log` implementation.
#[derive(Debug, Default, Clone, Copy)]
pub struct FemtoLog;

static FACADE: FemtoLog = FemtoLog;

/// Makes the engine `log`'s logger. Fails if the program set another one.
pub fn install() -> Result<(), log::SetLoggerError> {
    log::set_logger(&FACADE)?;
    crate::manager::watch_levels(follow_engine_levels);
    follow_engine_levels();
    Ok(())
}

/// [`install`] for [`crate::init`]: a program that set its own `log`
/// logger keeps it.
pub(crate) fn install_quietly() {
    let _ = install();
}

fn follow_engine_levels() {
    log::set_max_level(level_filter(crate::Manager::global().most_verbose_level()));
}

/// The engine's level of a `log` level.
pub fn engine_level(level: log::Level) -> FemtoLevel {
    match level {
        log::Level::Error => FemtoLevel::ERROR,
        log::Level::Warn => FemtoLevel::WARNING,
        log::Level::Info => FemtoLevel::INFO,
        log::Level::Debug => FemtoLevel::DEBUG,
        log::Level::Trace => FemtoLevel::TRACE,
    }
}

/// The most verbose `log` filter that lets through every `log` level the
/// engine would pass at `level`.
pub fn level_filter(level: FemtoLevel) -> log::LevelFilter {
    [
        log::Level::Trace,
        log::Level::Debug,
        log::Level::Info,
        log::Level::Warn,
        log::Level::Error,
    ]
    .into_iter()
    .find(|l| engine_level(*l) >= level)
    .map_or(log::LevelFilter::Off, |l| l.to_level_filter())
}

impl log::Log for FemtoLog {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        crate::target::logger_for_target(metadata.target())
            .is_enabled_for(engine_level(metadata.level()))
    }

    fn log(&self, record: &log::Record<'_>) {
        let logger = crate::target::logger_for_target(record.target());
        let level = engine_level(record.level());
        if !logger.is_enabled_for(level) {
            return;
        }
        let made = logger.record_args(level, *record.args(), |made| {
            made.location = SourceLocation {
                file: text(record.file_static(), record.file()),
                line: record.line().unwrap_or(0),
                function: None,
                module: text(record.module_path_static(), record.module_path()),
            };
            let _ = record
                .key_values()
                .visit(&mut KeyValues(&mut made.key_values));
        });
        logger.dispatch_shared(made);
    }

    fn flush(&self) {
        crate::flush_all(FLUSH_TIMEOUT);
    }
}

fn text(fixed: Option<&'static str>, passing: Option<&str>) -> Option<Cow<'static, str>> {
    fixed
        .map(Cow::Borrowed)
        .or_else(|| passing.map(|s| Cow::Owned(s.to_owned())))
}

struct KeyValues<'a>(&'a mut Vec<KeyValue>);

impl<'kvs> VisitSource<'kvs> for KeyValues<'_> {
    fn visit_pair(&mut self, key: Key<'kvs>, value: Value<'kvs>) -> Result<(), log::kv::Error> {
        self.0.push((key.as_str().into(), value.to_string().into()));
        Ok(())
    }
}
