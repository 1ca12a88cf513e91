//! The configuration file format, shared by every binding: TOML or JSON
//! text deserialized (serde) into a plain model, then checked and turned
//! into a [`ConfigBuilder`]. Errors carry the key path
//! (`handlers.file.max_bytes: invalid type: string "big", expected u64`).
//!
//! ```toml
//! version = 1
//!
//! [formatters.plain]
//! format = "%(asctime)s %(levelname)s %(name)s: %(message)s"
//!
//! [handlers.file]
//! class = "rotating_file"        # or logging.handlers.RotatingFileHandler
//! path = "app.log"
//! max_bytes = 1048576
//! backup_count = 3
//! formatter = "plain"
//!
//! [root]
//! level = "INFO"
//! handlers = ["file"]
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

use crate::builder::{
    FileHandlerBuilder, RotatingFileHandlerBuilder, StreamHandlerBuilder,
    TimedRotatingFileHandlerBuilder,
};
use crate::formatter::FormatStyle;
use crate::handler::{FemtoHandler, HandlerOptions, OverflowPolicy};
use crate::level::FemtoLevel;

use super::error::key_path;
use super::spec::{
    ConfigBuilder, FilterBuilder, FormatterBuilder, HandlerKind, HandlerSpec, LoggerBuilder,
};
use super::ConfigError;

/// The only file format version so far.
const VERSION: u32 = 1;

impl ConfigBuilder {
    /// Reads a configuration from TOML text.
    pub fn from_toml(text: &str) -> Result<ConfigBuilder, ConfigError> {
        let value: toml::Value = toml::from_str(text).map_err(|e| toml_syntax(text, &e))?;
        from_model(deserialize(value)?)
    }

    /// Reads a configuration from JSON text.
    pub fn from_json(text: &str) -> Result<ConfigBuilder, ConfigError> {
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| ConfigError::whole(format!("JSON syntax: {e}")))?;
        from_model(deserialize(value)?)
    }

    /// Reads a `.toml` or `.json` file.
    pub fn from_path(path: impl AsRef<Path>) -> Result<ConfigBuilder, ConfigError> {
        let path = path.as_ref();
        let read = || {
            std::fs::read_to_string(path).map_err(|e| {
                ConfigError::whole(format!("cannot read {}: {e}", path.display())).io()
            })
        };
        match path.extension().and_then(|e| e.to_str()) {
            Some("toml") => ConfigBuilder::from_toml(&read()?),
            Some("json") => ConfigBuilder::from_json(&read()?),
            _ => Err(ConfigError::whole(format!(
                "{}: unknown configuration format (expected a .toml or .json file)",
                path.display()
            ))),
        }
    }
}

fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(value: D) -> Result<T, ConfigError>
where
    D::Error: fmt::Display,
{
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        // toml appends "\nin `table`": the path already says where.
        let problem = e.inner().to_string();
        let problem = problem.split("\nin `").next().unwrap_or_default();
        ConfigError::at(path, problem.trim_end())
    })
}

/// A TOML syntax error on one line: where, then what.
fn toml_syntax(text: &str, error: &toml::de::Error) -> ConfigError {
    let place = error.span().map(|span| {
        let before = &text[..span.start.min(text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
        format!(" at line {line}, column {column}")
    });
    ConfigError::whole(format!(
        "TOML syntax{}: {}",
        place.unwrap_or_default(),
        error.message().trim_end()
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileModel {
    version: Option<u32>,
    #[serde(default)]
    disable_existing_loggers: bool,
    #[serde(default)]
    formatters: BTreeMap<String, FormatterModel>,
    #[serde(default)]
    filters: BTreeMap<String, FilterModel>,
    #[serde(default)]
    handlers: BTreeMap<String, HandlerModel>,
    root: Option<LoggerModel>,
    #[serde(default)]
    loggers: BTreeMap<String, LoggerModel>,
}

#[derive(Deserialize, Default, PartialEq)]
#[serde(rename_all = "lowercase")]
enum FormatterKind {
    #[default]
    Template,
    Json,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FormatterModel {
    #[serde(default)]
    kind: FormatterKind,
    format: Option<String>,
    datefmt: Option<String>,
    style: Option<String>,
    #[serde(default)]
    utc: bool,
    #[serde(default)]
    escape_controls: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FilterModel {
    name: Option<String>,
    min_level: Option<Level>,
    max_level: Option<Level>,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
enum HandlerClass {
    #[serde(
        rename = "stream",
        alias = "StreamHandler",
        alias = "logging.StreamHandler"
    )]
    Stream,
    #[serde(rename = "file", alias = "FileHandler", alias = "logging.FileHandler")]
    File,
    #[serde(
        rename = "watched_file",
        alias = "WatchedFileHandler",
        alias = "logging.handlers.WatchedFileHandler"
    )]
    WatchedFile,
    #[serde(
        rename = "rotating_file",
        alias = "RotatingFileHandler",
        alias = "logging.handlers.RotatingFileHandler"
    )]
    RotatingFile,
    #[serde(
        rename = "timed_rotating_file",
        alias = "TimedRotatingFileHandler",
        alias = "logging.handlers.TimedRotatingFileHandler"
    )]
    TimedRotatingFile,
}

impl HandlerClass {
    fn name(self) -> &'static str {
        match self {
            HandlerClass::Stream => "stream",
            HandlerClass::File => "file",
            HandlerClass::WatchedFile => "watched_file",
            HandlerClass::RotatingFile => "rotating_file",
            HandlerClass::TimedRotatingFile => "timed_rotating_file",
        }
    }

    /// The class-specific keys it accepts.
    fn accepts(self, key: &str) -> bool {
        let keys: &[&str] = match self {
            HandlerClass::Stream => &["stream"],
            HandlerClass::File => &["path", "mode", "delay", "watch"],
            HandlerClass::WatchedFile => &["path", "mode", "delay"],
            HandlerClass::RotatingFile => &["path", "mode", "delay", "max_bytes", "backup_count"],
            HandlerClass::TimedRotatingFile => &[
                "path",
                "delay",
                "when",
                "interval",
                "utc",
                "at_time",
                "backup_count",
            ],
        };
        keys.contains(&key)
    }
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum Overflow {
    Block,
    Drop,
    Timeout,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HandlerModel {
    class: HandlerClass,
    level: Option<Level>,
    formatter: Option<String>,
    #[serde(default)]
    filters: Vec<String>,
    capacity: Option<usize>,
    overflow: Option<Overflow>,
    timeout_ms: Option<u64>,
    stream: Option<String>,
    #[serde(alias = "filename")]
    path: Option<PathBuf>,
    mode: Option<String>,
    delay: Option<bool>,
    watch: Option<bool>,
    #[serde(alias = "maxBytes")]
    max_bytes: Option<u64>,
    #[serde(alias = "backupCount")]
    backup_count: Option<u32>,
    when: Option<String>,
    interval: Option<u32>,
    utc: Option<bool>,
    at_time: Option<String>,
}

impl HandlerModel {
    /// The class-specific keys that are set.
    fn given(&self) -> impl Iterator<Item = &'static str> {
        [
            ("stream", self.stream.is_some()),
            ("path", self.path.is_some()),
            ("mode", self.mode.is_some()),
            ("delay", self.delay.is_some()),
            ("watch", self.watch.is_some()),
            ("max_bytes", self.max_bytes.is_some()),
            ("backup_count", self.backup_count.is_some()),
            ("when", self.when.is_some()),
            ("interval", self.interval.is_some()),
            ("utc", self.utc.is_some()),
            ("at_time", self.at_time.is_some()),
        ]
        .into_iter()
        .filter_map(|(key, set)| set.then_some(key))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LoggerModel {
    level: Option<Level>,
    propagate: Option<bool>,
    #[serde(default)]
    handlers: Vec<String>,
    #[serde(default)]
    filters: Vec<String>,
}

/// A level by name (`"INFO"`, a registered custom name) or number.
struct Level(FemtoLevel);

impl<'de> Deserialize<'de> for Level {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct LevelVisitor;
        impl Visitor<'_> for LevelVisitor {
            type Value = Level;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a level name such as \"INFO\" or a number")
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<Level, E> {
                FemtoLevel::parse(text).map(Level).map_err(E::custom)
            }

            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Level, E> {
                u32::try_from(n)
                    .map(|n| Level(FemtoLevel(n)))
                    .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(n), &self))
            }

            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Level, E> {
                u32::try_from(n)
                    .map(|n| Level(FemtoLevel(n)))
                    .map_err(|_| E::invalid_value(de::Unexpected::Signed(n), &self))
            }
        }
        deserializer.deserialize_any(LevelVisitor)
    }
}

fn from_model(model: FileModel) -> Result<ConfigBuilder, ConfigError> {
    if let Some(version) = model.version.filter(|v| *v != VERSION) {
        return Err(ConfigError::at(
            "version",
            format!("unsupported version {version} (this library reads version {VERSION})"),
        ));
    }
    let mut config = ConfigBuilder::new().disable_existing_loggers(model.disable_existing_loggers);
    for (id, f) in model.formatters {
        let formatter = formatter(&id, f)?;
        config = config.formatter(id, formatter);
    }
    for (id, f) in model.filters {
        let filter = match (f.name, f.min_level, f.max_level) {
            (Some(name), None, None) => FilterBuilder::name(name),
            (None, min, max) if min.is_some() || max.is_some() => FilterBuilder::levels(
                min.map_or(FemtoLevel::NOTSET, |l| l.0),
                max.map_or(FemtoLevel(u32::MAX), |l| l.0),
            ),
            _ => {
                return Err(ConfigError::at(
                    key_path("filters", &id, ""),
                    "give either name, or min_level and/or max_level",
                ))
            }
        };
        config = config.filter(id, filter);
    }
    for (id, h) in model.handlers {
        let spec = handler(&id, h)?;
        config = config.handler(id, spec);
    }
    if let Some(root) = model.root {
        config = config.root(logger(root));
    }
    for (name, l) in model.loggers {
        config = config.logger(name, logger(l));
    }
    config.validate()?;
    Ok(config)
}

fn formatter(id: &str, f: FormatterModel) -> Result<FormatterBuilder, ConfigError> {
    let path = |key| key_path("formatters", id, key);
    let mut built = match f.kind {
        FormatterKind::Json => {
            if f.format.is_some() || f.style.is_some() {
                let key = if f.format.is_some() {
                    "format"
                } else {
                    "style"
                };
                return Err(ConfigError::at(path(key), "a json formatter takes none"));
            }
            FormatterBuilder::json()
        }
        FormatterKind::Template => {
            let style = match f.style.as_deref() {
                None => FormatStyle::Percent,
                Some(style) => style
                    .parse()
                    .map_err(|e| ConfigError::at(path("style"), e))?,
            };
            FormatterBuilder::new(f.format.unwrap_or_else(|| "%(message)s".into()))
                .style(style)
                .escape_controls(f.escape_controls)
        }
    };
    if let Some(datefmt) = f.datefmt {
        built = built.datefmt(datefmt);
    }
    Ok(built.utc(f.utc))
}

fn handler(id: &str, h: HandlerModel) -> Result<HandlerSpec, ConfigError> {
    let path = |key: &str| key_path("handlers", id, key);
    let mut kind = handler_kind(&h, &path)?;
    let overflow = match (h.overflow, h.timeout_ms) {
        (None | Some(Overflow::Block), None) => OverflowPolicy::Block,
        (Some(Overflow::Drop), None) => OverflowPolicy::Drop,
        (Some(Overflow::Timeout), Some(ms)) => OverflowPolicy::Timeout(Duration::from_millis(ms)),
        (Some(Overflow::Timeout), None) => {
            return Err(ConfigError::at(
                path("timeout_ms"),
                "missing (overflow = \"timeout\" needs it)",
            ))
        }
        (_, Some(_)) => {
            return Err(ConfigError::at(
                path("timeout_ms"),
                "only with overflow = \"timeout\"",
            ))
        }
    };
    if let Some(common) = kind.common_mut() {
        common.level = h.level.as_ref().map_or(FemtoLevel::NOTSET, |l| l.0);
        common.capacity = h.capacity;
        common.overflow = overflow;
        common.name = Some(id.to_owned());
    }
    Ok(HandlerSpec {
        kind,
        formatter: h.formatter,
        filters: h.filters,
    })
}

/// Builds one handler from its description in the file format, such as
/// `{"class": "rotating_file", "path": "app.log", "max_bytes": 1048576}`:
/// the one construction path of every engine handler kind, shared by
/// configuration files, the C ABI (`femto_handler_new`) and the Python
/// bindings. The description holds the class and the class's own keys;
/// `options` the common ones (level, queue, overflow, formatter, name).
/// Errors name the key (`path: missing (the file to write)`).
pub fn handler_from_json(
    json: &str,
    options: HandlerOptions,
) -> Result<Arc<FemtoHandler>, ConfigError> {
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| ConfigError::whole(format!("JSON syntax: {e}")))?;
    let h: HandlerModel = deserialize(value)?;
    let common = [
        ("level", h.level.is_some()),
        ("formatter", h.formatter.is_some()),
        ("filters", !h.filters.is_empty()),
        ("capacity", h.capacity.is_some()),
        ("overflow", h.overflow.is_some()),
        ("timeout_ms", h.timeout_ms.is_some()),
    ];
    if let Some((key, _)) = common.iter().find(|(_, given)| *given) {
        return Err(ConfigError::at(
            *key,
            "belongs in the handler's options, not its description",
        ));
    }
    let kind = handler_kind(&h, &|key: &str| key.to_owned())?;
    kind.build_with(options)
        .map_err(|e| super::apply::build_error_at(e.option().unwrap_or("").to_owned(), &e))
}

/// The handler kind `h` describes, checked; `path` names a key in errors.
fn handler_kind(
    h: &HandlerModel,
    path: &dyn Fn(&str) -> String,
) -> Result<HandlerKind, ConfigError> {
    if let Some(key) = h.given().find(|key| !h.class.accepts(key)) {
        return Err(ConfigError::at(
            path(key),
            format!("not an option of a {:?} handler", h.class.name()),
        ));
    }
    let file_path = || {
        h.path
            .clone()
            .ok_or_else(|| ConfigError::at(path("path"), "missing (the file to write)"))
    };
    let truncate = match h.mode.as_deref() {
        None | Some("a") => false,
        Some("w") => true,
        Some(other) => {
            return Err(ConfigError::at(
                path("mode"),
                format!("{other:?} is not \"a\" (append) or \"w\" (truncate)"),
            ))
        }
    };
    let delay = h.delay.unwrap_or(false);
    let kind: HandlerKind = match h.class {
        HandlerClass::Stream => match h.stream.as_deref() {
            None | Some("stderr") | Some("ext://sys.stderr") => StreamHandlerBuilder::stderr(),
            Some("stdout") | Some("ext://sys.stdout") => StreamHandlerBuilder::stdout(),
            Some(other) => {
                return Err(ConfigError::at(
                    path("stream"),
                    format!("{other:?} is not \"stdout\" or \"stderr\""),
                ))
            }
        }
        .into(),
        HandlerClass::File | HandlerClass::WatchedFile => FileHandlerBuilder::new(file_path()?)
            .truncate(truncate)
            .delay(delay)
            .watch(h.class == HandlerClass::WatchedFile || h.watch.unwrap_or(false))
            .into(),
        // As Python's RotatingFileHandler: with a size limit, "w" appends
        // too (a rollover never starts by emptying the file).
        HandlerClass::RotatingFile => RotatingFileHandlerBuilder::new(file_path()?)
            .truncate(truncate && h.max_bytes.unwrap_or(0) == 0)
            .delay(delay)
            .max_bytes(h.max_bytes.unwrap_or(0))
            .backup_count(h.backup_count.unwrap_or(0))
            .into(),
        HandlerClass::TimedRotatingFile => {
            let mut b = TimedRotatingFileHandlerBuilder::new(file_path()?)
                .delay(delay)
                .when(h.when.clone().unwrap_or_else(|| "H".into()))
                .interval(h.interval.unwrap_or(1))
                .utc(h.utc.unwrap_or(false))
                .backup_count(h.backup_count.unwrap_or(0));
            if let Some(at) = &h.at_time {
                let (hour, minute, second) = parse_time(at).ok_or_else(|| {
                    ConfigError::at(path("at_time"), format!("{at:?} is not HH:MM or HH:MM:SS"))
                })?;
                b = b.at_time(hour, minute, second);
            }
            b.into()
        }
    };
    Ok(kind)
}

/// `"HH:MM"` or `"HH:MM:SS"`; range checks come later, with the schedule.
fn parse_time(text: &str) -> Option<(u32, u32, u32)> {
    let mut parts = text.split(':').map(|p| p.parse::<u32>().ok());
    let hour = parts.next()??;
    let minute = parts.next()??;
    let second = parts.next().unwrap_or(Some(0))?;
    parts.next().is_none().then_some((hour, minute, second))
}

fn logger(l: LoggerModel) -> LoggerBuilder {
    LoggerBuilder {
        level: l.level.map(|l| l.0),
        propagate: l.propagate,
        handlers: l.handlers,
        filters: l.filters,
    }
}
