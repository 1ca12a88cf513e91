//! Handler builders: the roadmap's programmatic configuration. A builder is
//! a plain value (clone it, keep it, build it again); `build` validates
//! everything before anything is opened, and errors name the option at
//! fault.
//!
//! ```
//! use femto_core::builder::{HandlerBuilder, RotatingFileHandlerBuilder};
//!
//! let dir = tempfile::tempdir().unwrap();
//! let handler = RotatingFileHandlerBuilder::new(dir.path().join("app.log"))
//!     .max_bytes(1 << 20)
//!     .backup_count(5)
//!     .format("%(asctime)s %(levelname)s %(message)s")
//!     .build()
//!     .unwrap();
//! assert_eq!(handler.rotation().unwrap().backup_count(), 5);
//! ```

use std::path::PathBuf;
use std::sync::Arc;

use crate::formatter::{FormatError, FormatStyle, TemplateFormatter};
use crate::handler::{
    FemtoHandler, FileMode, FileSinkFactory, HandlerBuildError, HandlerOptions, OverflowPolicy,
    RotatingFileSinkFactory, Rotation, StreamTarget, TimedRotatingFileSinkFactory, TimedRotation,
    TimedRotationError, When, WhenError,
};
use crate::level::FemtoLevel;

/// Why a builder could not build its handler.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("format: {0}")]
    /// A format string that does not parse.
    Format(#[from] FormatError),
    #[error("path: must not be empty")]
    /// A file handler without a path.
    EmptyPath,
    #[error("when: {0}")]
    /// A `when` the timed handler does not know.
    When(#[from] WhenError),
    #[error("schedule: {0}")]
    /// A rotation schedule that cannot run (a zero interval, a bad time of day).
    Schedule(#[from] TimedRotationError),
    #[error("{}: {}", .0.option(), .0)]
    /// A socket handler's settings that cannot work.
    Socket(#[from] crate::handler::SocketSetupError),
    #[error("{}: {}", .0.option(), .0)]
    /// An HTTP handler's settings that cannot work.
    Http(#[from] crate::handler::HttpSetupError),
    #[error(transparent)]
    /// The handler could not start (its file, its worker thread).
    Handler(#[from] HandlerBuildError),
}

impl BuildError {
    /// The builder option at fault, if one is.
    pub fn option(&self) -> Option<&'static str> {
        match self {
            BuildError::Format(_) => Some("format"),
            BuildError::EmptyPath => Some("path"),
            BuildError::When(_) => Some("when"),
            BuildError::Socket(e) => Some(e.option()),
            BuildError::Http(e) => Some(e.option()),
            BuildError::Schedule(_) | BuildError::Handler(_) => None,
        }
    }
}

/// Options every handler has.
#[derive(Debug, Clone, Default)]
pub struct CommonOptions {
    /// Records below this level are ignored by the handler.
    pub level: FemtoLevel,
    /// A Python-logging format; `None` writes `%(message)s`.
    pub format: Option<String>,
    /// How `format` names fields (`%`, `{}` or `$`).
    pub style: FormatStyle,
    /// The `asctime` format (`strftime`); `None`: `2026-12-05 11:40:00,123`.
    pub datefmt: Option<String>,
    /// Queue length in records; `None` is the default (16,384).
    pub capacity: Option<usize>,
    /// What a call does when the queue is full.
    pub overflow: OverflowPolicy,
    /// The handler's name, in errors and the worker thread's name.
    pub name: Option<String>,
}

impl CommonOptions {
    /// The engine's handler options these describe (compiling the format).
    pub fn handler_options(&self) -> Result<HandlerOptions, BuildError> {
        let mut options = HandlerOptions {
            level: self.level,
            overflow: self.overflow,
            name: self.name.clone(),
            ..HandlerOptions::default()
        };
        if let Some(capacity) = self.capacity {
            options.capacity = capacity;
        }
        if let Some(format) = &self.format {
            options.formatter = Arc::new(TemplateFormatter::new(
                format,
                self.style,
                self.datefmt.as_deref(),
            )?);
        }
        Ok(options)
    }
}

/// The setters every handler builder has.
pub trait HandlerBuilder: Sized {
    /// The common options, to change.
    fn common(&mut self) -> &mut CommonOptions;

    /// The common options.
    fn common_options(&self) -> &CommonOptions;

    /// Builds the handler with `options` in place of the common ones (a
    /// configuration passes its shared formatter this way).
    fn build_with(&self, options: HandlerOptions) -> Result<Arc<FemtoHandler>, BuildError>;

    /// Builds the handler (opening its file, starting its worker).
    fn build(&self) -> Result<Arc<FemtoHandler>, BuildError> {
        self.build_with(self.common_options().handler_options()?)
    }

    /// Sets the handler's level.
    fn level(mut self, level: FemtoLevel) -> Self {
        self.common().level = level;
        self
    }

    /// A `%`-style format, such as `"%(asctime)s %(levelname)s %(message)s"`.
    fn format(mut self, format: impl Into<String>) -> Self {
        self.common().format = Some(format.into());
        self
    }

    /// The placeholder syntax of [`HandlerBuilder::format`].
    fn style(mut self, style: FormatStyle) -> Self {
        self.common().style = style;
        self
    }

    /// A `strftime` pattern for `asctime`.
    fn datefmt(mut self, datefmt: impl Into<String>) -> Self {
        self.common().datefmt = Some(datefmt.into());
        self
    }

    /// Sets the queue length in records.
    fn capacity(mut self, records: usize) -> Self {
        self.common().capacity = Some(records);
        self
    }

    /// Sets what a call does when the queue is full.
    fn overflow(mut self, policy: OverflowPolicy) -> Self {
        self.common().overflow = policy;
        self
    }

    /// Names the handler.
    fn name(mut self, name: impl Into<String>) -> Self {
        self.common().name = Some(name.into());
        self
    }
}

fn non_empty(path: &PathBuf) -> Result<&PathBuf, BuildError> {
    if path.as_os_str().is_empty() {
        Err(BuildError::EmptyPath)
    } else {
        Ok(path)
    }
}

/// Standard output or standard error.
#[derive(Debug, Clone)]
pub struct StreamHandlerBuilder {
    /// Standard output or standard error.
    pub target: StreamTarget,
    /// The options every handler has.
    pub common: CommonOptions,
}

impl StreamHandlerBuilder {
    /// A handler writing to standard error.
    pub fn stderr() -> Self {
        StreamHandlerBuilder {
            target: StreamTarget::Stderr,
            common: CommonOptions::default(),
        }
    }

    /// A handler writing to standard output.
    pub fn stdout() -> Self {
        StreamHandlerBuilder {
            target: StreamTarget::Stdout,
            common: CommonOptions::default(),
        }
    }
}

impl HandlerBuilder for StreamHandlerBuilder {
    fn common(&mut self) -> &mut CommonOptions {
        &mut self.common
    }

    fn common_options(&self) -> &CommonOptions {
        &self.common
    }

    fn build_with(&self, options: HandlerOptions) -> Result<Arc<FemtoHandler>, BuildError> {
        Ok(FemtoHandler::stream(self.target, options)?)
    }
}

/// A file (Python's `FileHandler`, and `WatchedFileHandler` with `watch`).
#[derive(Debug, Clone)]
pub struct FileHandlerBuilder {
    /// The file written.
    pub path: PathBuf,
    /// Empty the file when the handler opens it (mode `w`), rather than append.
    pub truncate: bool,
    /// Create the file at the first record, not when the handler is built.
    pub delay: bool,
    /// Reopen the file when it is moved or removed (log rotation by another program).
    pub watch: bool,
    /// The options every handler has.
    pub common: CommonOptions,
}

impl FileHandlerBuilder {
    /// A handler appending to `path`.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        FileHandlerBuilder {
            path: path.into(),
            truncate: false,
            delay: false,
            watch: false,
            common: CommonOptions::default(),
        }
    }

    /// Empty the file first (mode `"w"`) instead of appending.
    pub fn truncate(mut self, truncate: bool) -> Self {
        self.truncate = truncate;
        self
    }

    /// Create the file at the first record.
    pub fn delay(mut self, delay: bool) -> Self {
        self.delay = delay;
        self
    }

    /// Reopen the file when it is moved or removed (logrotate).
    pub fn watch(mut self, watch: bool) -> Self {
        self.watch = watch;
        self
    }
}

fn mode(truncate: bool) -> FileMode {
    if truncate {
        FileMode::Truncate
    } else {
        FileMode::Append
    }
}

impl HandlerBuilder for FileHandlerBuilder {
    fn common(&mut self) -> &mut CommonOptions {
        &mut self.common
    }

    fn common_options(&self) -> &CommonOptions {
        &self.common
    }

    fn build_with(&self, options: HandlerOptions) -> Result<Arc<FemtoHandler>, BuildError> {
        let factory = FileSinkFactory {
            delay: self.delay,
            watch: self.watch,
            ..FileSinkFactory::new(non_empty(&self.path)?, mode(self.truncate))
        };
        Ok(FemtoHandler::new(Box::new(factory), options)?)
    }
}

/// A file rotated by size (Python's `RotatingFileHandler`).
#[derive(Debug, Clone)]
pub struct RotatingFileHandlerBuilder {
    /// The file written; backups are `path.1`, `path.2`, ...
    pub path: PathBuf,
    /// Roll over before a record would take the file past this size (0: never).
    pub max_bytes: u64,
    /// How many backups to keep.
    pub backup_count: u32,
    /// Empty the file when the handler opens it (mode `w`), rather than append.
    pub truncate: bool,
    /// Create the file at the first record, not when the handler is built.
    pub delay: bool,
    /// The options every handler has.
    pub common: CommonOptions,
}

impl RotatingFileHandlerBuilder {
    /// A handler writing to `path`, not rotating until `max_bytes` is set.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        RotatingFileHandlerBuilder {
            path: path.into(),
            max_bytes: 0,
            backup_count: 0,
            truncate: false,
            delay: false,
            common: CommonOptions::default(),
        }
    }

    /// Roll over before a record would take the file past this many bytes
    /// (0: never).
    pub fn max_bytes(mut self, max_bytes: u64) -> Self {
        self.max_bytes = max_bytes;
        self
    }

    /// Backups kept as `<path>.1` … (0: the file is emptied at rollover).
    pub fn backup_count(mut self, backup_count: u32) -> Self {
        self.backup_count = backup_count;
        self
    }

    /// Empties the file when the handler opens it.
    pub fn truncate(mut self, truncate: bool) -> Self {
        self.truncate = truncate;
        self
    }

    /// Creates the file at the first record.
    pub fn delay(mut self, delay: bool) -> Self {
        self.delay = delay;
        self
    }
}

impl HandlerBuilder for RotatingFileHandlerBuilder {
    fn common(&mut self) -> &mut CommonOptions {
        &mut self.common
    }

    fn common_options(&self) -> &CommonOptions {
        &self.common
    }

    fn build_with(&self, options: HandlerOptions) -> Result<Arc<FemtoHandler>, BuildError> {
        let factory = RotatingFileSinkFactory {
            delay: self.delay,
            ..RotatingFileSinkFactory::new(
                non_empty(&self.path)?,
                mode(self.truncate),
                Rotation::new(self.max_bytes, self.backup_count),
            )
        };
        Ok(FemtoHandler::new(Box::new(factory), options)?)
    }
}

/// A file rotated on a schedule (Python's `TimedRotatingFileHandler`).
#[derive(Debug, Clone)]
pub struct TimedRotatingFileHandlerBuilder {
    /// The file written; backups get a date suffix.
    pub path: PathBuf,
    /// Python's spelling: `S`, `M`, `H`, `D`, `MIDNIGHT`, `W0`…`W6`.
    pub when: String,
    /// How many `when` units between rollovers.
    pub interval: u32,
    /// Roll over by UTC rather than local time.
    pub utc: bool,
    /// The time of day (hour, minute, second) of daily and weekly rollovers.
    pub at_time: Option<(u32, u32, u32)>,
    /// How many backups to keep (0: all).
    pub backup_count: u32,
    /// Create the file at the first record, not when the handler is built.
    pub delay: bool,
    /// The options every handler has.
    pub common: CommonOptions,
}

impl TimedRotatingFileHandlerBuilder {
    /// A handler writing to `path`, rolling over every hour (`when` `"H"`).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        TimedRotatingFileHandlerBuilder {
            path: path.into(),
            when: "H".into(),
            interval: 1,
            utc: false,
            at_time: None,
            backup_count: 0,
            delay: false,
            common: CommonOptions::default(),
        }
    }

    /// Sets the schedule's unit, as Python's `when` (`"S"`, `"M"`, `"H"`, `"D"`, `"midnight"`, `"W0"` ... `"W6"`).
    pub fn when(mut self, when: impl Into<String>) -> Self {
        self.when = when.into();
        self
    }

    /// Sets how many units between rollovers.
    pub fn interval(mut self, interval: u32) -> Self {
        self.interval = interval;
        self
    }

    /// Rolls over by UTC rather than local time.
    pub fn utc(mut self, utc: bool) -> Self {
        self.utc = utc;
        self
    }

    /// `(hour, minute, second)` for `MIDNIGHT` and `W*`.
    pub fn at_time(mut self, hour: u32, minute: u32, second: u32) -> Self {
        self.at_time = Some((hour, minute, second));
        self
    }

    /// Sets how many backups to keep.
    pub fn backup_count(mut self, backup_count: u32) -> Self {
        self.backup_count = backup_count;
        self
    }

    /// Creates the file at the first record.
    pub fn delay(mut self, delay: bool) -> Self {
        self.delay = delay;
        self
    }
}

impl HandlerBuilder for TimedRotatingFileHandlerBuilder {
    fn common(&mut self) -> &mut CommonOptions {
        &mut self.common
    }

    fn common_options(&self) -> &CommonOptions {
        &self.common
    }

    fn build_with(&self, options: HandlerOptions) -> Result<Arc<FemtoHandler>, BuildError> {
        let schedule = TimedRotation::new(
            When::parse(&self.when)?,
            self.interval,
            self.utc,
            self.at_time,
            self.backup_count,
        )?;
        let factory = TimedRotatingFileSinkFactory {
            delay: self.delay,
            ..TimedRotatingFileSinkFactory::new(non_empty(&self.path)?, schedule)
        };
        Ok(FemtoHandler::new(Box::new(factory), options)?)
    }
}
