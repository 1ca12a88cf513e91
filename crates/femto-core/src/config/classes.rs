//! Handler classes: the kinds of handler that configuration files, the C
//! ABI (`femto_handler_new`) and the Python bindings make by name.
//!
//! A kind is one type implementing [`HandlerClass`] (its builder, usually
//! beside its sink) and one line in [`CLASSES`]: reading its keys, writing
//! them back, confinement and checks all go through the trait, so nothing
//! else in the configuration model names a kind.

use std::any::Any;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde_json::{json, Map, Value};

use crate::builder::{
    BuildError, CommonOptions, FileHandlerBuilder, HandlerBuilder, RotatingFileHandlerBuilder,
    StreamHandlerBuilder, TimedRotatingFileHandlerBuilder,
};
use crate::handler::{
    FemtoHandler, HandlerOptions, SocketHandlerBuilder, StreamTarget, TimedRotation, When,
};

use super::ConfigError;

/// The file a handler writes, for confinement: its path, and its "empty
/// it first" flag where it has one.
pub struct FileTarget<'a> {
    /// The path, which confinement may rewrite.
    pub path: &'a mut PathBuf,
    /// The "empty it first" flag, which confinement may clear.
    pub truncate: Option<&'a mut bool>,
}

/// A kind of handler made by class name.
pub trait HandlerClass: HandlerBuilder + Clone + fmt::Debug + Send + Sync + 'static {
    /// Its name in files and descriptions (`"rotating_file"`).
    const CLASS: &'static str;
    /// Its own keys, aliases included (the common ones are read for it).
    const KEYS: &'static [&'static str];

    /// Reads its keys (only its own are present).
    fn from_keys(keys: &Keys<'_>) -> Result<Self, ConfigError>;

    /// Writes its keys back, every default spelled out.
    fn to_keys(&self, keys: &mut Map<String, Value>);

    /// The file it writes, if it writes one.
    fn file(&mut self) -> Option<FileTarget<'_>> {
        None
    }

    /// Checks beyond the keys' types; `path` names a key in errors.
    fn check(&self, _path: &dyn Fn(&str) -> String) -> Result<(), ConfigError> {
        Ok(())
    }
}

/// A class's keys as a file or description gives them; errors name the key
/// through `path`.
pub struct Keys<'a> {
    /// The keys and their values.
    pub values: &'a Map<String, Value>,
    /// The full path of a key, for error messages.
    pub path: &'a dyn Fn(&str) -> String,
}

impl Keys<'_> {
    /// The value of `key` (or of the first of `aliases` given), read as `T`.
    pub fn get<T: DeserializeOwned>(
        &self,
        key: &str,
        aliases: &[&str],
    ) -> Result<Option<T>, ConfigError> {
        let Some((name, value)) = std::iter::once(key)
            .chain(aliases.iter().copied())
            .find_map(|name| self.values.get(name).map(|value| (name, value)))
        else {
            return Ok(None);
        };
        T::deserialize(value)
            .map(Some)
            .map_err(|e| ConfigError::at((self.path)(name), e.to_string()))
    }

    /// `path`, which a file-writing class requires.
    pub fn path(&self) -> Result<PathBuf, ConfigError> {
        self.get("path", &["filename"])?
            .ok_or_else(|| ConfigError::at((self.path)("path"), "missing (the file to write)"))
    }

    /// `mode`: `"a"` (append, the default) or `"w"` (truncate).
    pub fn truncate(&self) -> Result<bool, ConfigError> {
        match self.get::<String>("mode", &[])?.as_deref() {
            None | Some("a") => Ok(false),
            Some("w") => Ok(true),
            Some(other) => Err(ConfigError::at(
                (self.path)("mode"),
                format!("{other:?} is not \"a\" (append) or \"w\" (truncate)"),
            )),
        }
    }
}

/// `"a"` or `"w"`, as files spell a truncate flag.
fn mode(truncate: bool) -> &'static str {
    if truncate {
        "w"
    } else {
        "a"
    }
}

/// A handler class behind a pointer: what [`super::HandlerKind`] holds.
pub trait DynClass: fmt::Debug + Send + Sync {
    /// The class name ([`HandlerClass::CLASS`]).
    fn class(&self) -> &'static str;
    /// The common options.
    fn common(&self) -> &CommonOptions;
    /// The common options, to change.
    fn common_mut(&mut self) -> &mut CommonOptions;
    /// Builds the handler with `options`.
    fn build_with(&self, options: HandlerOptions) -> Result<Arc<FemtoHandler>, BuildError>;
    /// Writes the class's keys back ([`HandlerClass::to_keys`]).
    fn to_keys(&self, keys: &mut Map<String, Value>);
    /// The file it writes, if any ([`HandlerClass::file`]).
    fn file(&mut self) -> Option<FileTarget<'_>>;
    /// Checks beyond the keys' types ([`HandlerClass::check`]).
    fn check(&self, path: &dyn Fn(&str) -> String) -> Result<(), ConfigError>;
    /// A boxed copy.
    fn clone_box(&self) -> Box<dyn DynClass>;
    /// The concrete class, for downcasting.
    fn as_any(&self) -> &dyn Any;
}

impl<T: HandlerClass> DynClass for T {
    fn class(&self) -> &'static str {
        T::CLASS
    }

    fn common(&self) -> &CommonOptions {
        self.common_options()
    }

    fn common_mut(&mut self) -> &mut CommonOptions {
        HandlerBuilder::common(self)
    }

    fn build_with(&self, options: HandlerOptions) -> Result<Arc<FemtoHandler>, BuildError> {
        HandlerBuilder::build_with(self, options)
    }

    fn to_keys(&self, keys: &mut Map<String, Value>) {
        HandlerClass::to_keys(self, keys);
    }

    fn file(&mut self) -> Option<FileTarget<'_>> {
        HandlerClass::file(self)
    }

    fn check(&self, path: &dyn Fn(&str) -> String) -> Result<(), ConfigError> {
        HandlerClass::check(self, path)
    }

    fn clone_box(&self) -> Box<dyn DynClass> {
        Box::new(self.clone())
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// One class a name makes.
pub struct ClassEntry {
    /// The class name.
    pub class: &'static str,
    /// Other names for it (Python's class names).
    pub aliases: &'static [&'static str],
    /// The class's own keys.
    pub keys: &'static [&'static str],
    /// Reads the class from its keys.
    pub read: fn(&Keys<'_>) -> Result<Box<dyn DynClass>, ConfigError>,
}

impl ClassEntry {
    fn of<T: HandlerClass>(aliases: &'static [&'static str]) -> ClassEntry {
        ClassEntry {
            class: T::CLASS,
            aliases,
            keys: T::KEYS,
            read: |keys| Ok(Box::new(T::from_keys(keys)?)),
        }
    }
}

/// Every class, by name: the one list a new kind of handler joins.
pub fn classes() -> &'static [ClassEntry] {
    static CLASSES: std::sync::OnceLock<Vec<ClassEntry>> = std::sync::OnceLock::new();
    CLASSES.get_or_init(|| {
        vec![
            ClassEntry::of::<StreamHandlerBuilder>(&["StreamHandler", "logging.StreamHandler"]),
            ClassEntry::of::<FileHandlerBuilder>(&["FileHandler", "logging.FileHandler"]),
            ClassEntry {
                class: "watched_file",
                aliases: &["WatchedFileHandler", "logging.handlers.WatchedFileHandler"],
                keys: &["path", "filename", "mode", "delay"],
                read: |keys| Ok(Box::new(FileHandlerBuilder::from_keys(keys)?.watch(true))),
            },
            ClassEntry::of::<RotatingFileHandlerBuilder>(&[
                "RotatingFileHandler",
                "logging.handlers.RotatingFileHandler",
            ]),
            ClassEntry::of::<TimedRotatingFileHandlerBuilder>(&[
                "TimedRotatingFileHandler",
                "logging.handlers.TimedRotatingFileHandler",
            ]),
            ClassEntry::of::<SocketHandlerBuilder>(&["FemtoSocketHandler"]),
            ClassEntry::of::<crate::handler::HttpHandlerBuilder>(&["FemtoHTTPHandler"]),
            ClassEntry::of::<crate::handler::SyslogHandlerBuilder>(&[
                "SysLogHandler",
                "logging.handlers.SysLogHandler",
            ]),
            ClassEntry {
                class: "stdlib_socket",
                aliases: &["SocketHandler", "logging.handlers.SocketHandler"],
                keys: SocketHandlerBuilder::KEYS,
                read: |keys| Ok(Box::new(SocketHandlerBuilder::from_keys(keys)?.stdlib())),
            },
            ClassEntry {
                class: "stdlib_datagram",
                aliases: &["DatagramHandler", "logging.handlers.DatagramHandler"],
                keys: SocketHandlerBuilder::KEYS,
                read: |keys| {
                    let builder = SocketHandlerBuilder::from_keys(keys)?.stdlib();
                    Ok(Box::new(SocketHandlerBuilder {
                        datagram: true,
                        ..builder
                    }))
                },
            },
        ]
    })
}

/// The class called `name` (or one of its aliases).
pub fn find(name: &str) -> Option<&'static ClassEntry> {
    classes()
        .iter()
        .find(|entry| entry.class == name || entry.aliases.contains(&name))
}

impl HandlerClass for StreamHandlerBuilder {
    const CLASS: &'static str = "stream";
    const KEYS: &'static [&'static str] = &["stream"];

    fn from_keys(keys: &Keys<'_>) -> Result<Self, ConfigError> {
        match keys.get::<String>("stream", &[])?.as_deref() {
            None | Some("stderr") | Some("ext://sys.stderr") => Ok(StreamHandlerBuilder::stderr()),
            Some("stdout") | Some("ext://sys.stdout") => Ok(StreamHandlerBuilder::stdout()),
            Some(other) => Err(ConfigError::at(
                (keys.path)("stream"),
                format!("{other:?} is not \"stdout\" or \"stderr\""),
            )),
        }
    }

    fn to_keys(&self, keys: &mut Map<String, Value>) {
        let stream = match self.target {
            StreamTarget::Stdout => "stdout",
            StreamTarget::Stderr => "stderr",
        };
        keys.insert("stream".into(), json!(stream));
    }
}

impl HandlerClass for FileHandlerBuilder {
    const CLASS: &'static str = "file";
    const KEYS: &'static [&'static str] = &["path", "filename", "mode", "delay", "watch"];

    fn from_keys(keys: &Keys<'_>) -> Result<Self, ConfigError> {
        Ok(FileHandlerBuilder::new(keys.path()?)
            .truncate(keys.truncate()?)
            .delay(keys.get("delay", &[])?.unwrap_or(false))
            .watch(keys.get("watch", &[])?.unwrap_or(false)))
    }

    fn to_keys(&self, keys: &mut Map<String, Value>) {
        keys.insert("path".into(), json!(self.path.to_str()));
        keys.insert("mode".into(), json!(mode(self.truncate)));
        keys.insert("delay".into(), json!(self.delay));
        keys.insert("watch".into(), json!(self.watch));
    }

    fn file(&mut self) -> Option<FileTarget<'_>> {
        Some(FileTarget {
            path: &mut self.path,
            truncate: Some(&mut self.truncate),
        })
    }
}

impl HandlerClass for RotatingFileHandlerBuilder {
    const CLASS: &'static str = "rotating_file";
    const KEYS: &'static [&'static str] = &[
        "path",
        "filename",
        "mode",
        "delay",
        "max_bytes",
        "maxBytes",
        "backup_count",
        "backupCount",
    ];

    fn from_keys(keys: &Keys<'_>) -> Result<Self, ConfigError> {
        let max_bytes = keys.get("max_bytes", &["maxBytes"])?.unwrap_or(0);
        // As Python's RotatingFileHandler: with a size limit, "w" appends
        // too (a rollover never starts by emptying the file).
        Ok(RotatingFileHandlerBuilder::new(keys.path()?)
            .truncate(keys.truncate()? && max_bytes == 0)
            .delay(keys.get("delay", &[])?.unwrap_or(false))
            .max_bytes(max_bytes)
            .backup_count(keys.get("backup_count", &["backupCount"])?.unwrap_or(0)))
    }

    fn to_keys(&self, keys: &mut Map<String, Value>) {
        keys.insert("path".into(), json!(self.path.to_str()));
        keys.insert("mode".into(), json!(mode(self.truncate)));
        keys.insert("delay".into(), json!(self.delay));
        keys.insert("max_bytes".into(), json!(self.max_bytes));
        keys.insert("backup_count".into(), json!(self.backup_count));
    }

    fn file(&mut self) -> Option<FileTarget<'_>> {
        Some(FileTarget {
            path: &mut self.path,
            truncate: Some(&mut self.truncate),
        })
    }
}

impl HandlerClass for TimedRotatingFileHandlerBuilder {
    const CLASS: &'static str = "timed_rotating_file";
    const KEYS: &'static [&'static str] = &[
        "path",
        "filename",
        "delay",
        "when",
        "interval",
        "utc",
        "at_time",
        "backup_count",
        "backupCount",
    ];

    fn from_keys(keys: &Keys<'_>) -> Result<Self, ConfigError> {
        let mut builder = TimedRotatingFileHandlerBuilder::new(keys.path()?)
            .delay(keys.get("delay", &[])?.unwrap_or(false))
            .when(keys.get("when", &[])?.unwrap_or_else(|| "H".to_owned()))
            .interval(keys.get("interval", &[])?.unwrap_or(1))
            .utc(keys.get("utc", &[])?.unwrap_or(false))
            .backup_count(keys.get("backup_count", &["backupCount"])?.unwrap_or(0));
        if let Some(at) = keys.get::<String>("at_time", &[])? {
            let (hour, minute, second) = parse_time(&at).ok_or_else(|| {
                ConfigError::at(
                    (keys.path)("at_time"),
                    format!("{at:?} is not HH:MM or HH:MM:SS"),
                )
            })?;
            builder = builder.at_time(hour, minute, second);
        }
        Ok(builder)
    }

    fn to_keys(&self, keys: &mut Map<String, Value>) {
        keys.insert("path".into(), json!(self.path.to_str()));
        keys.insert("delay".into(), json!(self.delay));
        keys.insert("when".into(), json!(self.when));
        keys.insert("interval".into(), json!(self.interval));
        keys.insert("utc".into(), json!(self.utc));
        keys.insert("backup_count".into(), json!(self.backup_count));
        if let Some((h, m, s)) = self.at_time {
            keys.insert("at_time".into(), json!(format!("{h:02}:{m:02}:{s:02}")));
        }
    }

    fn file(&mut self) -> Option<FileTarget<'_>> {
        Some(FileTarget {
            path: &mut self.path,
            truncate: None,
        })
    }

    fn check(&self, path: &dyn Fn(&str) -> String) -> Result<(), ConfigError> {
        let when = When::parse(&self.when).map_err(|e| ConfigError::at(path("when"), e))?;
        TimedRotation::new(
            when,
            self.interval,
            self.utc,
            self.at_time,
            self.backup_count,
        )
        .map_err(|e| ConfigError::at(path(""), e))?;
        Ok(())
    }
}

/// `"HH:MM"` or `"HH:MM:SS"`; range checks come later, with the schedule.
fn parse_time(text: &str) -> Option<(u32, u32, u32)> {
    let mut parts = text.split(':').map(|p| p.parse::<u32>().ok());
    let hour = parts.next()??;
    let minute = parts.next()??;
    let second = parts.next().unwrap_or(Some(0))?;
    parts.next().is_none().then_some((hour, minute, second))
}
