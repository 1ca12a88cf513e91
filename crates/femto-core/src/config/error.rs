//! The one error a configuration reports: where, and what is wrong.

use std::fmt;

/// A configuration that cannot be applied. `path` names the key at fault
/// in the file's own terms (`handlers.file.max_bytes`), empty when the
/// whole text is at fault (a syntax error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The key at fault (`handlers.file.max_bytes`), empty for the whole file.
    pub path: String,
    /// What is wrong with it.
    pub problem: String,
    /// The kind of problem.
    pub kind: ConfigErrorKind,
}

/// Whether the configuration or the system is at fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigErrorKind {
    /// The configuration is wrong (a bad value, a missing reference).
    Invalid,
    /// A file could not be read or opened, or a thread not started.
    Io,
}

impl ConfigError {
    pub(crate) fn at(path: impl Into<String>, problem: impl fmt::Display) -> ConfigError {
        ConfigError {
            path: path.into(),
            problem: problem.to_string(),
            kind: ConfigErrorKind::Invalid,
        }
    }

    pub(crate) fn io(mut self) -> ConfigError {
        self.kind = ConfigErrorKind::Io;
        self
    }

    pub(crate) fn whole(problem: impl fmt::Display) -> ConfigError {
        ConfigError::at("", problem)
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.problem)
        } else {
            write!(f, "{}: {}", self.path, self.problem)
        }
    }
}

impl std::error::Error for ConfigError {}

/// The path of a named section's key: `handlers.console.level`. A name
/// holding a dot is quoted, as TOML writes it.
pub(crate) fn key_path(section: &str, name: &str, key: &str) -> String {
    let name = if name.contains('.') || name.is_empty() {
        format!("{name:?}")
    } else {
        name.to_owned()
    };
    if key.is_empty() {
        format!("{section}.{name}")
    } else {
        format!("{section}.{name}.{key}")
    }
}
