//! The configuration model: named formatters, filters and handlers, and
//! the loggers that use them by name. Plain values; nothing is opened
//! until [`ConfigBuilder::build_and_init`].

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::builder::{BuildError, CommonOptions};
use crate::formatter::FormatStyle;
use crate::handler::{FemtoHandler, HandlerOptions};
use crate::level::FemtoLevel;
use crate::manager::Manager;

use super::classes::{DynClass, HandlerClass};
use super::ConfigError;

/// A named formatter: a stdlib-style template, or JSON lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormatterBuilder {
    /// A format string.
    Template {
        /// The format string.
        format: String,
        /// How it names fields.
        style: FormatStyle,
        /// The `asctime` format.
        datefmt: Option<String>,
        /// `asctime` in UTC rather than local time.
        utc: bool,
        /// See [`crate::TemplateFormatter::escaping_controls`].
        escape_controls: bool,
    },
    /// One JSON object per record.
    Json {
        /// The format of `asctime`; `None`: the standard library's default.
        datefmt: Option<String>,
        /// Times in UTC rather than local time.
        utc: bool,
    },
}

impl FormatterBuilder {
    /// A `%`-style template such as `"%(levelname)s %(message)s"`.
    pub fn new(format: impl Into<String>) -> Self {
        FormatterBuilder::Template {
            format: format.into(),
            style: FormatStyle::Percent,
            datefmt: None,
            utc: false,
            escape_controls: false,
        }
    }

    /// One JSON object per record.
    pub fn json() -> Self {
        FormatterBuilder::Json {
            datefmt: None,
            utc: false,
        }
    }

    /// The template's placeholder syntax (no effect on JSON).
    pub fn style(mut self, new_style: FormatStyle) -> Self {
        if let FormatterBuilder::Template { style, .. } = &mut self {
            *style = new_style;
        }
        self
    }

    /// A `strftime` pattern for `asctime`.
    pub fn datefmt(mut self, pattern: impl Into<String>) -> Self {
        match &mut self {
            FormatterBuilder::Template { datefmt, .. } | FormatterBuilder::Json { datefmt, .. } => {
                *datefmt = Some(pattern.into())
            }
        }
        self
    }

    /// Control characters in the values escaped (templates; JSON always
    /// escapes them): see [`crate::TemplateFormatter::escaping_controls`].
    pub fn escape_controls(mut self, on: bool) -> Self {
        if let FormatterBuilder::Template {
            escape_controls, ..
        } = &mut self
        {
            *escape_controls = on;
        }
        self
    }

    /// `asctime` in UTC instead of local time.
    pub fn utc(mut self, in_utc: bool) -> Self {
        match &mut self {
            FormatterBuilder::Template { utc, .. } | FormatterBuilder::Json { utc, .. } => {
                *utc = in_utc
            }
        }
        self
    }
}

/// A named filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterBuilder {
    /// stdlib `logging.Filter(name)`: the logger `name` and its children.
    Name(String),
    /// Records whose level lies in `min..=max`.
    Levels {
        /// The lowest level passed.
        min: FemtoLevel,
        /// The highest level passed.
        max: FemtoLevel,
    },
}

impl FilterBuilder {
    /// A filter passing the records of logger `name` and its children.
    pub fn name(name: impl Into<String>) -> Self {
        FilterBuilder::Name(name.into())
    }

    /// A filter passing records from `min` to `max`, both included.
    pub fn levels(min: FemtoLevel, max: FemtoLevel) -> Self {
        FilterBuilder::Levels { min, max }
    }
}

/// Which handler a [`HandlerSpec`] makes.
#[derive(Debug)]
pub enum HandlerKind {
    /// A handler of one of the [classes](super::classes) a name makes,
    /// by its builder.
    Class(Box<dyn DynClass>),
    /// A handler made elsewhere (a callback handler from C, say). The
    /// configuration attaches it but does not own it: a later
    /// configuration detaches it without closing it.
    Built(Arc<FemtoHandler>),
}

impl Clone for HandlerKind {
    fn clone(&self) -> Self {
        match self {
            HandlerKind::Class(class) => HandlerKind::Class(class.clone_box()),
            HandlerKind::Built(handler) => HandlerKind::Built(Arc::clone(handler)),
        }
    }
}

impl HandlerKind {
    /// The options every built-here handler has.
    pub fn common(&self) -> Option<&CommonOptions> {
        match self {
            HandlerKind::Class(class) => Some(class.common()),
            HandlerKind::Built(_) => None,
        }
    }

    /// The common options of the handler's class, to change.
    pub fn common_mut(&mut self) -> Option<&mut CommonOptions> {
        match self {
            HandlerKind::Class(class) => Some(class.common_mut()),
            HandlerKind::Built(_) => None,
        }
    }

    /// The builder, if this is a handler of class `T`.
    pub fn builder<T: HandlerClass>(&self) -> Option<&T> {
        match self {
            HandlerKind::Class(class) => class.as_any().downcast_ref(),
            HandlerKind::Built(_) => None,
        }
    }

    /// Builds the handler with `options` in place of the builder's common
    /// ones (a [`HandlerKind::Built`] handler is returned as it is).
    pub fn build_with(&self, options: HandlerOptions) -> Result<Arc<FemtoHandler>, BuildError> {
        match self {
            HandlerKind::Class(class) => class.build_with(options),
            HandlerKind::Built(handler) => Ok(Arc::clone(handler)),
        }
    }
}

impl<T: HandlerClass> From<T> for HandlerKind {
    fn from(builder: T) -> Self {
        HandlerKind::Class(Box::new(builder))
    }
}

impl From<Arc<FemtoHandler>> for HandlerKind {
    fn from(handler: Arc<FemtoHandler>) -> Self {
        HandlerKind::Built(handler)
    }
}

/// A named handler: what to build, and the formatter and filters it uses
/// by name. A named formatter replaces the builder's own `format`.
#[derive(Debug, Clone)]
pub struct HandlerSpec {
    /// The handler's class and its own options.
    pub kind: HandlerKind,
    /// The id of its formatter, if not the default.
    pub formatter: Option<String>,
    /// The ids of its filters.
    pub filters: Vec<String>,
}

impl HandlerSpec {
    /// A handler of `kind`, with the default formatter and no filters.
    pub fn new(kind: impl Into<HandlerKind>) -> Self {
        HandlerSpec {
            kind: kind.into(),
            formatter: None,
            filters: Vec::new(),
        }
    }

    /// Uses the formatter of id `id`.
    pub fn formatter(mut self, id: impl Into<String>) -> Self {
        self.formatter = Some(id.into());
        self
    }

    /// Adds the filter of id `id`.
    pub fn filter(mut self, id: impl Into<String>) -> Self {
        self.filters.push(id.into());
        self
    }
}

impl<K: Into<HandlerKind>> From<K> for HandlerSpec {
    fn from(kind: K) -> Self {
        HandlerSpec::new(kind)
    }
}

/// A logger's whole configuration. A logger named in a configuration gets
/// exactly this: unset fields take their defaults (level NOTSET, or
/// WARNING for the root; `propagate` true; no handlers, no filters).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoggerBuilder {
    /// The logger's level; `None` leaves it as it is.
    pub level: Option<FemtoLevel>,
    /// Whether records go on to the parent's handlers; `None` leaves it.
    pub propagate: Option<bool>,
    /// The ids of its handlers.
    pub handlers: Vec<String>,
    /// The ids of its filters.
    pub filters: Vec<String>,
}

impl LoggerBuilder {
    /// A logger with nothing set.
    pub fn new() -> Self {
        LoggerBuilder::default()
    }

    /// Sets the level.
    pub fn level(mut self, level: FemtoLevel) -> Self {
        self.level = Some(level);
        self
    }

    /// Sets `propagate`.
    pub fn propagate(mut self, propagate: bool) -> Self {
        self.propagate = Some(propagate);
        self
    }

    /// Sets the handlers, by id.
    pub fn handlers<S: Into<String>>(mut self, ids: impl IntoIterator<Item = S>) -> Self {
        self.handlers.extend(ids.into_iter().map(Into::into));
        self
    }

    /// Sets the filters, by id.
    pub fn filters<S: Into<String>>(mut self, ids: impl IntoIterator<Item = S>) -> Self {
        self.filters.extend(ids.into_iter().map(Into::into));
        self
    }
}

/// A whole configuration. Sections are keyed by id; adding an id again
/// replaces the earlier entry.
#[derive(Debug, Clone, Default)]
pub struct ConfigBuilder {
    /// Formatters by id.
    pub formatters: BTreeMap<String, FormatterBuilder>,
    /// Filters by id.
    pub filters: BTreeMap<String, FilterBuilder>,
    /// Handlers by id.
    pub handlers: BTreeMap<String, HandlerSpec>,
    /// The root logger's configuration.
    pub root: Option<LoggerBuilder>,
    /// Other loggers' configuration, by dotted name.
    pub loggers: BTreeMap<String, LoggerBuilder>,
    /// Disable every existing logger the configuration does not name (nor
    /// a child of one), as stdlib's `dictConfig` does by default. Off by
    /// default here.
    pub disable_existing_loggers: bool,
    /// See [`ConfigBuilder::confine_files`].
    pub confined_to: Option<std::path::PathBuf>,
}

impl ConfigBuilder {
    /// An empty configuration.
    pub fn new() -> Self {
        ConfigBuilder::default()
    }

    /// Adds a formatter under `id`.
    pub fn formatter(mut self, id: impl Into<String>, formatter: FormatterBuilder) -> Self {
        self.formatters.insert(id.into(), formatter);
        self
    }

    /// Adds a filter under `id`.
    pub fn filter(mut self, id: impl Into<String>, filter: FilterBuilder) -> Self {
        self.filters.insert(id.into(), filter);
        self
    }

    /// Adds a handler under `id`.
    pub fn handler(mut self, id: impl Into<String>, handler: impl Into<HandlerSpec>) -> Self {
        self.handlers.insert(id.into(), handler.into());
        self
    }

    /// Configures the root logger.
    pub fn root(mut self, root: LoggerBuilder) -> Self {
        self.root = Some(root);
        self
    }

    /// Configures the logger `name` (`""` or `"root"` is the root logger).
    pub fn logger(mut self, name: impl Into<String>, logger: LoggerBuilder) -> Self {
        let name = name.into();
        if name.is_empty() || name == crate::manager::ROOT_NAME {
            self.root = Some(logger);
        } else {
            self.loggers.insert(name, logger);
        }
        self
    }

    /// Whether loggers the configuration does not name are disabled (stdlib's `disable_existing_loggers`).
    pub fn disable_existing_loggers(mut self, disable: bool) -> Self {
        self.disable_existing_loggers = disable;
        self
    }

    /// For a configuration from an untrusted source: its handlers may write
    /// only files below `root` (a relative path is taken from there; `..`,
    /// an absolute path outside it and a symbolic link on the way are
    /// refused), only appending to them (`truncate`/mode `"w"` is refused),
    /// and a file that does not exist yet is created with mode 0o640.
    /// Checked when the configuration is built; nothing in a configuration
    /// is code, so this is what an untrusted one needs.
    pub fn confine_files(mut self, root: impl Into<std::path::PathBuf>) -> Self {
        self.confined_to = Some(root.into());
        self
    }

    /// Checks every reference, name and format without opening anything.
    pub fn validate(&self) -> Result<(), ConfigError> {
        super::apply::validate(self)
    }

    /// Builds everything and applies it to the process-wide registry.
    pub fn build_and_init(&self) -> Result<(), ConfigError> {
        self.build_and_init_in(Manager::global())
    }

    /// Builds everything and applies it to `manager` in one step; on error
    /// the previous configuration stays.
    pub fn build_and_init_in(&self, manager: &Manager) -> Result<(), ConfigError> {
        super::apply::build(self)?.init(manager)
    }
}
