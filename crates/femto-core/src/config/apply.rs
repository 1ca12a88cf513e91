//! Checking, building and applying a [`ConfigBuilder`]: everything that
//! can fail happens before the registry changes, and the change itself is
//! one registry transaction.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use crate::builder::BuildError;
use crate::filter::{FemtoFilter, LevelFilter, NameFilter};
use crate::formatter::{FemtoFormatter, FormatError, JsonFormatter, TemplateFormatter};
use crate::handler::{
    FemtoHandler, HandlerBuildError, HandlerOptions, HttpSetupError, SocketSetupError,
};
use crate::level::FemtoLevel;
use crate::logger::FemtoLogger;
use crate::manager::{validate_name, Manager, ROOT_NAME};
use crate::net::tls::TlsSetupError;

use super::error::key_path;
use super::spec::{ConfigBuilder, FilterBuilder, FormatterBuilder, HandlerKind, HandlerSpec};
use super::ConfigError;

/// How long applying a configuration waits for each replaced handler to
/// write what it holds.
const DRAIN_WAIT: Duration = Duration::from_secs(30);

/// A built configuration, ready to swap in.
pub(super) struct Built {
    /// Every handler of this configuration, and whether it made it (and
    /// so the next configuration closes it).
    handlers: Vec<(Arc<FemtoHandler>, bool)>,
    loggers: Vec<(String, LoggerPlan)>,
    disable_existing: bool,
}

struct LoggerPlan {
    level: FemtoLevel,
    propagate: bool,
    handlers: Vec<Arc<FemtoHandler>>,
    filters: Vec<Arc<dyn FemtoFilter>>,
}

/// Checks names, references, formats and schedules; opens nothing.
pub(super) fn validate(config: &ConfigBuilder) -> Result<(), ConfigError> {
    for (id, formatter) in &config.formatters {
        make_formatter(id, formatter)?;
    }
    for (id, filter) in &config.filters {
        make_filter(id, filter)?;
    }
    for (id, spec) in &config.handlers {
        check_handler(config, id, spec)?;
    }
    for (name, logger) in loggers(config) {
        if name != ROOT_NAME {
            validate_name(name).map_err(|e| ConfigError::at(logger_path(name, ""), e.reason))?;
        }
        for (i, id) in logger.handlers.iter().enumerate() {
            if !config.handlers.contains_key(id) {
                let path = logger_path(name, &format!("handlers[{i}]"));
                return Err(ConfigError::at(path, format!("no handler named {id:?}")));
            }
        }
        check_filter_refs(config, &logger_path(name, "filters"), &logger.filters)?;
    }
    Ok(())
}

/// Validates, then makes every formatter, filter and handler. Handlers
/// made before an error are dropped, which closes them.
pub(super) fn build(config: &ConfigBuilder) -> Result<Built, ConfigError> {
    validate(config)?;
    let mut formatters = BTreeMap::new();
    for (id, formatter) in &config.formatters {
        formatters.insert(id.as_str(), make_formatter(id, formatter)?);
    }
    let mut filters = BTreeMap::new();
    for (id, filter) in &config.filters {
        filters.insert(id.as_str(), make_filter(id, filter)?);
    }
    let pick_filters = |ids: &[String]| -> Vec<Arc<dyn FemtoFilter>> {
        ids.iter()
            .filter_map(|id| filters.get(id.as_str()).cloned())
            .collect()
    };
    let mut handlers = BTreeMap::new();
    let mut made = Vec::new();
    for (id, spec) in &config.handlers {
        let formatter = spec
            .formatter
            .as_deref()
            .and_then(|f| formatters.get(f).cloned());
        let confined;
        let spec = match &config.confined_to {
            Some(root) => {
                confined = super::confine::confine(id, spec, root)?;
                &confined
            }
            None => spec,
        };
        let handler = make_handler(id, spec, formatter)?;
        made.push((
            Arc::clone(&handler),
            !matches!(spec.kind, HandlerKind::Built(_)),
        ));
        for filter in pick_filters(&spec.filters) {
            handler.add_filter(filter);
        }
        handlers.insert(id.as_str(), handler);
    }
    let loggers = loggers(config)
        .map(|(name, logger)| {
            let plan = LoggerPlan {
                level: logger.level.unwrap_or(if name == ROOT_NAME {
                    FemtoLevel::WARNING
                } else {
                    FemtoLevel::NOTSET
                }),
                propagate: logger.propagate.unwrap_or(true),
                handlers: logger
                    .handlers
                    .iter()
                    .filter_map(|id| handlers.get(id.as_str()).cloned())
                    .collect(),
                filters: pick_filters(&logger.filters),
            };
            (name.to_owned(), plan)
        })
        .collect();
    Ok(Built {
        handlers: made,
        loggers,
        disable_existing: config.disable_existing_loggers,
    })
}

impl Built {
    /// Swaps the configuration in as one registry change, then drains and
    /// closes the handlers the previous configuration made.
    pub(super) fn init(self, manager: &Manager) -> Result<(), ConfigError> {
        let mut targets: Vec<(Arc<FemtoLogger>, LoggerPlan)> = Vec::new();
        for (name, plan) in self.loggers {
            let logger = manager
                .get_logger(&name)
                .map_err(|e| ConfigError::at(logger_path(&name, ""), e.reason))?;
            targets.push((logger, plan));
        }
        let configured: Vec<String> = targets
            .iter()
            .map(|(logger, _)| logger.name().to_owned())
            .collect();
        let kept: Vec<_> = self.handlers.iter().map(|(h, _)| Arc::clone(h)).collect();
        let replaced = manager.configure(|state| {
            let old = std::mem::replace(&mut state.config_handlers, self.handlers);
            for entry in state.loggers.values_mut() {
                entry
                    .handlers
                    .retain(|h| !old.iter().any(|(o, _)| Arc::ptr_eq(o, h)));
            }
            for (logger, plan) in targets {
                if let Some(entry) = state.loggers.get_mut(logger.name()) {
                    entry.handlers = plan.handlers;
                    entry.filters = plan.filters;
                    logger.store_level(plan.level);
                    logger.store_propagate(plan.propagate);
                    logger.store_disabled(false);
                }
            }
            if self.disable_existing {
                for entry in state.loggers.values_mut() {
                    let name = entry.logger.name();
                    if name == ROOT_NAME || configured.iter().any(|c| c == name) {
                        continue;
                    }
                    if configured.iter().any(|c| is_child(name, c)) {
                        // stdlib resets the children of a configured logger.
                        entry.handlers.clear();
                        entry.logger.store_level(FemtoLevel::NOTSET);
                        entry.logger.store_propagate(true);
                    } else {
                        entry.logger.store_disabled(true);
                    }
                }
            }
            old
        });
        // No logging call can reach the replaced handlers any more.
        for (handler, _) in replaced
            .iter()
            .filter(|(h, made)| *made && !contains(&kept, h))
        {
            handler.close(DRAIN_WAIT);
        }
        Ok(())
    }
}

fn contains(handlers: &[Arc<FemtoHandler>], handler: &Arc<FemtoHandler>) -> bool {
    handlers.iter().any(|h| Arc::ptr_eq(h, handler))
}

fn is_child(name: &str, parent: &str) -> bool {
    parent != ROOT_NAME
        && name.len() > parent.len()
        && name.starts_with(parent)
        && name.as_bytes()[parent.len()] == b'.'
}

/// The root (as `"root"`) and the named loggers.
fn loggers(
    config: &ConfigBuilder,
) -> impl Iterator<Item = (&str, &super::spec::LoggerBuilder)> + '_ {
    config
        .root
        .iter()
        .map(|root| (ROOT_NAME, root))
        .chain(config.loggers.iter().map(|(n, l)| (n.as_str(), l)))
}

/// `root.level` for the root logger, `loggers.app.level` for others.
fn logger_path(name: &str, key: &str) -> String {
    match (name == ROOT_NAME, key.is_empty()) {
        (true, true) => "root".to_owned(),
        (true, false) => format!("root.{key}"),
        (false, _) => key_path("loggers", name, key),
    }
}

fn check_filter_refs(
    config: &ConfigBuilder,
    path: &str,
    ids: &[String],
) -> Result<(), ConfigError> {
    for (i, id) in ids.iter().enumerate() {
        if !config.filters.contains_key(id) {
            return Err(ConfigError::at(
                format!("{path}[{i}]"),
                format!("no filter named {id:?}"),
            ));
        }
    }
    Ok(())
}

fn check_handler(config: &ConfigBuilder, id: &str, spec: &HandlerSpec) -> Result<(), ConfigError> {
    if let Some(formatter) = &spec.formatter {
        let path = key_path("handlers", id, "formatter");
        if !config.formatters.contains_key(formatter) {
            return Err(ConfigError::at(
                path,
                format!("no formatter named {formatter:?}"),
            ));
        }
        if spec.kind.common().is_some_and(|c| c.format.is_some()) {
            return Err(ConfigError::at(path, "given together with format"));
        }
        if matches!(spec.kind, HandlerKind::Built(_)) {
            return Err(ConfigError::at(
                path,
                "a handler built elsewhere keeps its own",
            ));
        }
    }
    if matches!(spec.kind, HandlerKind::Built(_)) && !spec.filters.is_empty() {
        return Err(ConfigError::at(
            key_path("handlers", id, "filters"),
            "a handler built elsewhere keeps its own",
        ));
    }
    check_filter_refs(config, &key_path("handlers", id, "filters"), &spec.filters)?;
    if let Some(common) = spec.kind.common() {
        common
            .handler_options()
            .map_err(|e| handler_error(id, &e))?;
    }
    let HandlerKind::Class(class) = &spec.kind else {
        return Ok(());
    };
    class.check(&|key| key_path("handlers", id, key))?;
    let mut class = class.clone_box();
    if class
        .file()
        .is_some_and(|file| file.path.as_os_str().is_empty())
    {
        return Err(ConfigError::at(
            key_path("handlers", id, "path"),
            "must not be empty",
        ));
    }
    Ok(())
}

fn make_handler(
    id: &str,
    spec: &HandlerSpec,
    formatter: Option<Arc<dyn FemtoFormatter>>,
) -> Result<Arc<FemtoHandler>, ConfigError> {
    let built = match spec.kind.common() {
        Some(common) => common.handler_options().and_then(|mut options| {
            if let Some(formatter) = formatter {
                options.formatter = formatter;
            }
            spec.kind.build_with(options)
        }),
        None => spec.kind.build_with(HandlerOptions::default()),
    };
    built.map_err(|e| handler_error(id, &e))
}

fn handler_error(id: &str, error: &BuildError) -> ConfigError {
    build_error_at(
        key_path("handlers", id, error.option().unwrap_or("")),
        error,
    )
}

/// `error` as a configuration error at `path` (an I/O error when the
/// system, not the configuration, is at fault).
pub(super) fn build_error_at(path: String, error: &BuildError) -> ConfigError {
    let detail = match error {
        BuildError::Format(e) => e.to_string(),
        BuildError::EmptyPath => "must not be empty".to_owned(),
        BuildError::When(e) => e.to_string(),
        BuildError::Schedule(e) => e.to_string(),
        BuildError::Handler(e) => e.to_string(),
        BuildError::Socket(e) => e.to_string(),
        BuildError::Http(e) => e.to_string(),
    };
    let error_at = ConfigError::at(path, detail);
    match error {
        BuildError::Handler(HandlerBuildError::Open { .. } | HandlerBuildError::Spawn(_))
        | BuildError::Socket(SocketSetupError::Tls(TlsSetupError::File { .. }))
        | BuildError::Http(HttpSetupError::Tls(TlsSetupError::File { .. })) => error_at.io(),
        _ => error_at,
    }
}

fn make_formatter(
    id: &str,
    formatter: &FormatterBuilder,
) -> Result<Arc<dyn FemtoFormatter>, ConfigError> {
    match formatter {
        FormatterBuilder::Template {
            format,
            style,
            datefmt,
            utc,
            escape_controls,
        } => TemplateFormatter::with_utc(format, *style, datefmt.as_deref(), *utc)
            .map(|f| Arc::new(f.escaping_controls(*escape_controls)) as Arc<dyn FemtoFormatter>)
            .map_err(|e| {
                let key = if matches!(e, FormatError::Date(_)) {
                    "datefmt"
                } else {
                    "format"
                };
                ConfigError::at(key_path("formatters", id, key), e)
            }),
        FormatterBuilder::Json { datefmt, utc } => JsonFormatter::new(datefmt.as_deref(), *utc)
            .map(|f| Arc::new(f) as Arc<dyn FemtoFormatter>)
            .map_err(|e| ConfigError::at(key_path("formatters", id, "datefmt"), e)),
    }
}

fn make_filter(id: &str, filter: &FilterBuilder) -> Result<Arc<dyn FemtoFilter>, ConfigError> {
    match filter {
        FilterBuilder::Name(name) => Ok(Arc::new(NameFilter::new(name))),
        FilterBuilder::Levels { min, max } if min > max => Err(ConfigError::at(
            key_path("filters", id, ""),
            format!("min_level {min} is above max_level {max}"),
        )),
        FilterBuilder::Levels { min, max } => Ok(Arc::new(LevelFilter {
            min: *min,
            max: *max,
        })),
    }
}
