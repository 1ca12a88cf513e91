//! `tracing` on the engine (feature `tracing`): [`FemtoLayer`] is a
//! `tracing_subscriber::Layer`. Each event becomes a record of the logger
//! named by its target (`app::db` logs to `app.db`): the `message` field
//! is the message, the other fields are key-values, and the fields of the
//! spans the event is in (outermost first) come before the event's own.
//! The layer filters nothing for the other layers of its registry (an
//! `EnvFilter`, a fmt layer): it checks the engine's level per event.
//!
//! ```
//! use tracing_subscriber::layer::SubscriberExt;
//!
//! let subscriber = tracing_subscriber::registry().with(femto_core::tracing_layer::FemtoLayer);
//! tracing::subscriber::with_default(subscriber, || {
//!     let span = tracing::info_span!("request", id = 7);
//!     let _inside = span.enter();
//!     tracing::warn!(user = "ann", "slow query");
//! });
//! ```

use std::fmt::{self, Write};

use tracing_core::field::{Field, Visit};
use tracing_core::span::{Attributes, Id, Record};
use tracing_core::{Event, Level, Subscriber};
use tracing_subscriber::layer::Context;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::Layer;

use crate::{FemtoLevel, KeyValue, SourceLocation};

/// The layer (see the module docs).
#[derive(Debug, Default, Clone, Copy)]
pub struct FemtoLayer;

/// The engine's level of a `tracing` level.
pub fn engine_level(level: Level) -> FemtoLevel {
    match level {
        Level::ERROR => FemtoLevel::ERROR,
        Level::WARN => FemtoLevel::WARNING,
        Level::INFO => FemtoLevel::INFO,
        Level::DEBUG => FemtoLevel::DEBUG,
        Level::TRACE => FemtoLevel::TRACE,
    }
}

/// The `tracing` level of an engine level: the most severe `tracing` level
/// at or below it (CRITICAL is ERROR; a level below TRACE is TRACE).
pub fn tracing_level(level: FemtoLevel) -> Level {
    [Level::ERROR, Level::WARN, Level::INFO, Level::DEBUG]
        .into_iter()
        .find(|l| engine_level(*l) <= level)
        .unwrap_or(Level::TRACE)
}

/// A span's fields, kept in its extensions for the events inside it.
struct SpanFields(Vec<KeyValue>);

impl<S> Layer<S> for FemtoLayer
where
    S: Subscriber + for<'span> LookupSpan<'span>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let mut fields = Fields::default();
        attrs.record(&mut fields);
        span.extensions_mut().insert(SpanFields(fields.key_values));
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let mut fields = Fields::default();
        values.record(&mut fields);
        let mut extensions = span.extensions_mut();
        match extensions.get_mut::<SpanFields>() {
            Some(kept) => kept.0.extend(fields.key_values),
            None => extensions.insert(SpanFields(fields.key_values)),
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let metadata = event.metadata();
        let logger = crate::target::logger_for_target(metadata.target());
        let level = engine_level(*metadata.level());
        if !logger.is_enabled_for(level) {
            return;
        }
        let made = logger.record_args(level, format_args!(""), |made| {
            made.location = SourceLocation {
                file: metadata.file().map(Into::into),
                line: metadata.line().unwrap_or(0),
                function: None,
                module: metadata.module_path().map(Into::into),
            };
            if let Some(scope) = ctx.event_scope(event) {
                for span in scope.from_root() {
                    if let Some(fields) = span.extensions().get::<SpanFields>() {
                        made.key_values.extend(fields.0.iter().cloned());
                    }
                }
            }
            let mut fields = Fields {
                message: std::mem::take(&mut made.message),
                key_values: std::mem::take(&mut made.key_values),
            };
            event.record(&mut fields);
            made.message = fields.message;
            made.key_values = fields.key_values;
        });
        logger.dispatch_shared(made);
    }
}

/// Collects an event's or a span's fields: `message` into the message,
/// the others as key-values.
#[derive(Default)]
struct Fields {
    message: String,
    key_values: Vec<KeyValue>,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            self.key_values.push((field.name().into(), value.into()));
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            self.key_values
                .push((field.name().into(), format!("{value:?}").into()));
        }
    }
}
