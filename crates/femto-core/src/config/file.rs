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
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

use crate::formatter::FormatStyle;
use crate::handler::{FemtoHandler, HandlerOptions, OverflowPolicy};
use crate::level::FemtoLevel;

use super::classes;
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

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum Overflow {
    Block,
    Drop,
    Timeout,
}

/// A handler table: the common keys, then the class's own (checked
/// against the class, see [`super::classes`]).
#[derive(Deserialize)]
struct HandlerModel {
    class: String,
    level: Option<Level>,
    formatter: Option<String>,
    #[serde(default)]
    filters: Vec<String>,
    capacity: Option<usize>,
    overflow: Option<Overflow>,
    timeout_ms: Option<u64>,
    #[serde(flatten)]
    keys: serde_json::Map<String, serde_json::Value>,
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
    let Some(class) = classes::find(&h.class) else {
        let known: Vec<String> = classes::classes()
            .iter()
            .map(|entry| format!("`{}`", entry.class))
            .collect();
        return Err(ConfigError::at(
            path("class"),
            format!(
                "unknown variant `{}`, expected one of {}",
                h.class,
                known.join(", ")
            ),
        ));
    };
    if let Some(key) = h
        .keys
        .keys()
        .find(|key| !class.keys.contains(&key.as_str()))
    {
        let elsewhere = classes::classes()
            .iter()
            .any(|entry| entry.keys.contains(&key.as_str()));
        let problem = if elsewhere {
            format!("not an option of a {:?} handler", class.class)
        } else {
            format!("unknown field `{key}`")
        };
        return Err(ConfigError::at(path(key), problem));
    }
    let keys = classes::Keys {
        values: &h.keys,
        path,
    };
    Ok(HandlerKind::Class((class.read)(&keys)?))
}

fn logger(l: LoggerModel) -> LoggerBuilder {
    LoggerBuilder {
        level: l.level.map(|l| l.0),
        propagate: l.propagate,
        handlers: l.handlers,
        filters: l.filters,
    }
}
