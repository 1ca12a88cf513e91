//! A configuration written back in the file format, every default
//! spelled out: what bindings that build their own objects (Python's
//! handler classes) read after the engine has checked the file.

use serde_json::{json, Map, Value};

use crate::builder::CommonOptions;
use crate::formatter::FormatStyle;
use crate::handler::OverflowPolicy;
use crate::level::{FemtoLevel, LevelName};

use super::error::key_path;
use super::spec::{ConfigBuilder, FilterBuilder, FormatterBuilder, HandlerKind, LoggerBuilder};
use super::ConfigError;

impl ConfigBuilder {
    /// The configuration as JSON in the file format, with every default
    /// filled in; [`ConfigBuilder::from_json`] reads it back unchanged. A
    /// handler built elsewhere, or one with its own inline `format`, has
    /// no file form and is an error.
    pub fn to_json(&self) -> Result<String, ConfigError> {
        let mut handlers = Map::new();
        for (id, spec) in &self.handlers {
            let mut handler = handler(id, &spec.kind)?;
            handler.insert("formatter".into(), json!(spec.formatter));
            handler.insert("filters".into(), json!(spec.filters));
            handlers.insert(id.clone(), Value::Object(handler));
        }
        let formatters: Map<String, Value> = self
            .formatters
            .iter()
            .map(|(id, f)| (id.clone(), formatter(f)))
            .collect();
        let filters: Map<String, Value> = self
            .filters
            .iter()
            .map(|(id, f)| (id.clone(), filter(f)))
            .collect();
        let loggers: Map<String, Value> = self
            .loggers
            .iter()
            .map(|(name, l)| (name.clone(), logger(l, FemtoLevel::NOTSET)))
            .collect();
        let document = json!({
            "version": 1,
            "disable_existing_loggers": self.disable_existing_loggers,
            "formatters": formatters,
            "filters": filters,
            "handlers": handlers,
            "root": self.root.as_ref().map(|r| logger(r, FemtoLevel::WARNING)),
            "loggers": loggers,
        });
        Ok(document.to_string())
    }
}

/// A level by its standard or registered name, else by number (which
/// reads back whatever names are registered).
fn level(level: FemtoLevel) -> Value {
    match level.name() {
        LevelName::Static(name) => json!(name),
        LevelName::Unnamed(n) => json!(n),
    }
}

fn style(style: FormatStyle) -> &'static str {
    match style {
        FormatStyle::Percent => "%",
        FormatStyle::Brace => "{",
        FormatStyle::Dollar => "$",
    }
}

fn formatter(f: &FormatterBuilder) -> Value {
    match f {
        FormatterBuilder::Template {
            format,
            style: s,
            datefmt,
            utc,
            escape_controls,
        } => json!({"kind": "template", "format": format, "style": style(*s),
                    "datefmt": datefmt, "utc": utc, "escape_controls": escape_controls}),
        FormatterBuilder::Json { datefmt, utc } => {
            json!({"kind": "json", "datefmt": datefmt, "utc": utc})
        }
    }
}

fn filter(f: &FilterBuilder) -> Value {
    match f {
        FilterBuilder::Name(name) => json!({ "name": name }),
        FilterBuilder::Levels { min, max } => {
            json!({"min_level": level(*min), "max_level": level(*max)})
        }
    }
}

fn logger(l: &LoggerBuilder, default_level: FemtoLevel) -> Value {
    json!({
        "level": level(l.level.unwrap_or(default_level)),
        "propagate": l.propagate.unwrap_or(true),
        "handlers": l.handlers,
        "filters": l.filters,
    })
}

fn handler(id: &str, kind: &HandlerKind) -> Result<Map<String, Value>, ConfigError> {
    let HandlerKind::Class(class) = kind else {
        return Err(ConfigError::at(
            key_path("handlers", id, ""),
            "a handler built elsewhere has no file form",
        ));
    };
    let common = class.common();
    if common.format.is_some() {
        return Err(ConfigError::at(
            key_path("handlers", id, "format"),
            "an inline format has no file form (name a formatter instead)",
        ));
    }
    let mut fields = Map::new();
    fields.insert("class".into(), json!(class.class()));
    class.to_keys(&mut fields);
    if fields.get("path").is_some_and(Value::is_null) {
        return Err(ConfigError::at(
            key_path("handlers", id, "path"),
            "not valid UTF-8",
        ));
    }
    add_common(&mut fields, common);
    Ok(fields)
}

fn add_common(fields: &mut Map<String, Value>, common: &CommonOptions) {
    fields.insert("level".into(), level(common.level));
    if let Some(capacity) = common.capacity {
        fields.insert("capacity".into(), json!(capacity));
    }
    let (overflow, timeout_ms) = match common.overflow {
        OverflowPolicy::Block => ("block", None),
        OverflowPolicy::Drop => ("drop", None),
        OverflowPolicy::Timeout(t) => (
            "timeout",
            Some(u64::try_from(t.as_millis()).unwrap_or(u64::MAX)),
        ),
    };
    fields.insert("overflow".into(), json!(overflow));
    if let Some(ms) = timeout_ms {
        fields.insert("timeout_ms".into(), json!(ms));
    }
}
