//! Severity levels on the stdlib `logging` scale, with custom named levels.
//!
//! Levels are plain numbers (as in Python) so that custom levels slot in
//! between the standard ones; names are looked up in a small registry that
//! custom levels extend.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{LazyLock, RwLock};

/// A severity level. Larger numbers are more severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct FemtoLevel(pub u32);

impl FemtoLevel {
    /// "Not set": a logger at NOTSET inherits its nearest ancestor's level.
    pub const NOTSET: FemtoLevel = FemtoLevel(0);
    /// TRACE (5), below DEBUG: not one of Python's levels; femtologging names it.
    pub const TRACE: FemtoLevel = FemtoLevel(5);
    /// Python's `logging.DEBUG` (10).
    pub const DEBUG: FemtoLevel = FemtoLevel(10);
    /// Python's `logging.INFO` (20).
    pub const INFO: FemtoLevel = FemtoLevel(20);
    /// Python's `logging.WARNING` (30).
    pub const WARNING: FemtoLevel = FemtoLevel(30);
    /// Python's `logging.ERROR` (40).
    pub const ERROR: FemtoLevel = FemtoLevel(40);
    /// Python's `logging.CRITICAL` (50).
    pub const CRITICAL: FemtoLevel = FemtoLevel(50);

    /// The numeric value.
    pub const fn value(self) -> u32 {
        self.0
    }

    /// The level's name: a standard name, a registered custom name, or
    /// `"Level N"` as stdlib prints unknown levels.
    pub fn name(self) -> LevelName {
        let standard = standard_name(self);
        if let Some(name) = standard.filter(|_| !STANDARD_RENAMED.load(Ordering::Relaxed)) {
            return LevelName::Static(name);
        }
        let unnamed = standard.map_or(LevelName::Unnamed(self.0), LevelName::Static);
        match custom_names().read() {
            Ok(names) => names
                .by_level
                .get(&self.0)
                .map_or(unnamed, |name| LevelName::Static(name)),
            Err(_) => unnamed,
        }
    }

    /// Parses a level name case-insensitively (`WARN` is an alias of
    /// `WARNING`) or a decimal number.
    pub fn parse(text: &str) -> Result<FemtoLevel, LevelParseError> {
        text.parse()
    }
}

/// The lowest level the logging macros compile in, chosen with the Cargo
/// features `min_level_debug` … `min_level_critical` and `min_level_off`
/// (the highest enabled wins); TRACE, i.e. everything, by default.
pub const STATIC_MIN_LEVEL: FemtoLevel = if cfg!(feature = "min_level_off") {
    FemtoLevel(u32::MAX)
} else if cfg!(feature = "min_level_critical") {
    FemtoLevel::CRITICAL
} else if cfg!(feature = "min_level_error") {
    FemtoLevel::ERROR
} else if cfg!(feature = "min_level_warning") {
    FemtoLevel::WARNING
} else if cfg!(feature = "min_level_info") {
    FemtoLevel::INFO
} else if cfg!(feature = "min_level_debug") {
    FemtoLevel::DEBUG
} else {
    FemtoLevel::NOTSET
};

/// A level's display name without allocating for known levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LevelName {
    /// A standard or registered name.
    Static(&'static str),
    /// No name: shown as `Level N`.
    Unnamed(u32),
}

impl fmt::Display for LevelName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LevelName::Static(name) => f.pad(name),
            LevelName::Unnamed(n) => f.pad(&format!("Level {n}")),
        }
    }
}

impl fmt::Display for FemtoLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.name().fmt(f)
    }
}

/// Raised for a level name that is neither standard, registered nor numeric.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown level name {name:?} (expected TRACE, DEBUG, INFO, WARNING, ERROR, CRITICAL, NOTSET, a registered custom level, or a number)")]
pub struct LevelParseError {
    /// The text that is no level.
    pub name: String,
}

impl FromStr for FemtoLevel {
    type Err = LevelParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let trimmed = text.trim();
        if let Ok(number) = trimmed.parse::<u32>() {
            return Ok(FemtoLevel(number));
        }
        let upper = trimmed.to_ascii_uppercase();
        let standard = match upper.as_str() {
            "NOTSET" => Some(FemtoLevel::NOTSET),
            "TRACE" => Some(FemtoLevel::TRACE),
            "DEBUG" => Some(FemtoLevel::DEBUG),
            "INFO" => Some(FemtoLevel::INFO),
            "WARNING" | "WARN" => Some(FemtoLevel::WARNING),
            "ERROR" => Some(FemtoLevel::ERROR),
            "CRITICAL" | "FATAL" => Some(FemtoLevel::CRITICAL),
            _ => None,
        };
        if let Some(level) = standard {
            return Ok(level);
        }
        let names = custom_names().read().map_err(|_| LevelParseError {
            name: text.to_owned(),
        })?;
        names
            .by_name
            .get(&upper)
            .copied()
            .map(FemtoLevel)
            .ok_or_else(|| LevelParseError {
                name: text.to_owned(),
            })
    }
}

fn standard_name(level: FemtoLevel) -> Option<&'static str> {
    Some(match level {
        FemtoLevel::NOTSET => "NOTSET",
        FemtoLevel::TRACE => "TRACE",
        FemtoLevel::DEBUG => "DEBUG",
        FemtoLevel::INFO => "INFO",
        FemtoLevel::WARNING => "WARNING",
        FemtoLevel::ERROR => "ERROR",
        FemtoLevel::CRITICAL => "CRITICAL",
        _ => return None,
    })
}

#[derive(Default)]
struct CustomNames {
    by_level: HashMap<u32, &'static str>,
    by_name: HashMap<String, u32>,
}

fn custom_names() -> &'static RwLock<CustomNames> {
    static NAMES: LazyLock<RwLock<CustomNames>> = LazyLock::new(Default::default);
    &NAMES
}

/// Error for a custom level name that cannot be registered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddLevelNameError {
    #[error("level name {0:?} is a number; names must not parse as numbers")]
    /// A name that is a number (it would read back as that level).
    Numeric(String),
    #[error("the level registry is unusable after a panic")]
    /// The table of names was poisoned by a panic.
    Poisoned,
}

/// The level-name registry's lock, held across `fork` (see `fork.rs`).
pub(crate) struct ForkGuard(#[allow(dead_code)] std::sync::RwLockWriteGuard<'static, CustomNames>);

pub(crate) fn lock_for_fork() -> Option<ForkGuard> {
    custom_names().write().ok().map(ForkGuard)
}

/// Whether `add_level_name` renamed a standard level (stdlib allows it:
/// `addLevelName(WARNING, "WARN")`); until then a standard level's name
/// needs no lookup.
static STANDARD_RENAMED: AtomicBool = AtomicBool::new(false);

/// Registers (or renames) a custom level, as stdlib `addLevelName` does.
///
/// Names are kept for the life of the process so that records and the C
/// API can hand out `&'static str` without copying; levels are few.
/// An empty name is shown as it is (stdlib allows it) but names no level
/// when a name is looked up.
pub fn add_level_name(level: FemtoLevel, name: &str) -> Result<(), AddLevelNameError> {
    let name = name.trim();
    if name.parse::<u32>().is_ok() {
        return Err(AddLevelNameError::Numeric(name.to_owned()));
    }
    let mut names = custom_names()
        .write()
        .map_err(|_| AddLevelNameError::Poisoned)?;
    let leaked: &'static str = match names.by_level.get(&level.0) {
        Some(existing) if *existing == name => return Ok(()),
        _ => Box::leak(name.to_owned().into_boxed_str()),
    };
    if let Some(old) = names.by_level.insert(level.0, leaked) {
        names.by_name.remove(&old.to_ascii_uppercase());
    }
    if !name.is_empty() {
        names.by_name.insert(name.to_ascii_uppercase(), level.0);
    }
    if standard_name(level).is_some() {
        STANDARD_RENAMED.store(true, Ordering::Relaxed);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("trace", 5)]
    #[case("DEBUG", 10)]
    #[case("Info", 20)]
    #[case("warn", 30)]
    #[case("WARNING", 30)]
    #[case("error", 40)]
    #[case("critical", 50)]
    #[case("notset", 0)]
    #[case(" 25 ", 25)]
    fn parses_names_case_insensitively(#[case] text: &str, #[case] expected: u32) {
        assert_eq!(FemtoLevel::parse(text), Ok(FemtoLevel(expected)));
    }

    #[rstest]
    fn unknown_name_is_a_clear_error() {
        let err = FemtoLevel::parse("LOUD").unwrap_err();
        assert!(err.to_string().contains("unknown level name \"LOUD\""));
    }

    #[rstest]
    fn custom_levels_have_names_both_ways() {
        add_level_name(FemtoLevel(25), "NOTICE").unwrap();
        assert_eq!(FemtoLevel(25).to_string(), "NOTICE");
        assert_eq!(FemtoLevel::parse("notice"), Ok(FemtoLevel(25)));
        add_level_name(FemtoLevel(25), "NOTE").unwrap();
        assert!(FemtoLevel::parse("NOTICE").is_err());
        assert_eq!(FemtoLevel(26).to_string(), "Level 26");
        assert_eq!(add_level_name(FemtoLevel(3), ""), Ok(()));
        assert_eq!(FemtoLevel(3).to_string(), "");
        assert_eq!("".parse::<FemtoLevel>().ok(), None);
        assert!(matches!(
            add_level_name(FemtoLevel(3), "12"),
            Err(AddLevelNameError::Numeric(_))
        ));
    }

    #[rstest]
    fn display_honours_width() {
        assert_eq!(format!("{:<8}|", FemtoLevel::INFO), "INFO    |");
    }
}
