//! Filters decide, on the caller's thread, whether a record goes on.

use crate::level::FemtoLevel;
use crate::record::FemtoLogRecord;

/// A filter. Runs on the logging thread, so it must be cheap and must not
/// block; it may be called from many threads at once.
pub trait FemtoFilter: Send + Sync {
    /// Whether `record` goes on.
    fn should_log(&self, record: &FemtoLogRecord) -> bool;

    /// Whether the filter reads where the call was made (see
    /// [`crate::FemtoFormatter::needs_location`]). True unless it knows better.
    fn needs_location(&self) -> bool {
        true
    }
}

/// Passes records whose level lies in `min..=max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LevelFilter {
    /// The lowest level passed.
    pub min: FemtoLevel,
    /// The highest level passed.
    pub max: FemtoLevel,
}

impl LevelFilter {
    /// Records at `min` or above.
    pub fn at_least(min: FemtoLevel) -> Self {
        LevelFilter {
            min,
            max: FemtoLevel(u32::MAX),
        }
    }

    /// Records at `max` or below (for example, keep errors off stdout).
    pub fn at_most(max: FemtoLevel) -> Self {
        LevelFilter {
            min: FemtoLevel::NOTSET,
            max,
        }
    }
}

impl FemtoFilter for LevelFilter {
    fn should_log(&self, record: &FemtoLogRecord) -> bool {
        (self.min..=self.max).contains(&record.level)
    }

    fn needs_location(&self) -> bool {
        false
    }
}

/// stdlib `logging.Filter(name)`: passes records of the logger `name` and
/// its descendants (`a.b` passes `a.b` and `a.b.c`, not `a.bc`); an empty
/// name passes everything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameFilter {
    name: Box<str>,
}

impl NameFilter {
    /// A filter passing the records of logger `name` and its children (`""`: all).
    pub fn new(name: &str) -> Self {
        NameFilter { name: name.into() }
    }

    /// The logger name it passes.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl FemtoFilter for NameFilter {
    fn should_log(&self, record: &FemtoLogRecord) -> bool {
        let logger: &str = &record.logger;
        let name: &str = &self.name;
        name.is_empty()
            || logger == name
            || (logger.starts_with(name) && logger.as_bytes().get(name.len()) == Some(&b'.'))
    }

    fn needs_location(&self) -> bool {
        false
    }
}

/// Any closure is a filter.
impl<F> FemtoFilter for F
where
    F: Fn(&FemtoLogRecord) -> bool + Send + Sync,
{
    fn should_log(&self, record: &FemtoLogRecord) -> bool {
        self(record)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn rec(logger: &str, level: FemtoLevel) -> FemtoLogRecord {
        FemtoLogRecord::new(logger.to_owned().into(), level, "m")
    }

    #[rstest]
    #[case("", "anything", true)]
    #[case("a.b", "a.b", true)]
    #[case("a.b", "a.b.c", true)]
    #[case("a.b", "a.bc", false)]
    #[case("a.b", "a", false)]
    #[case("a.b", "x.a.b", false)]
    fn name_filter_has_stdlib_semantics(
        #[case] name: &str,
        #[case] logger: &str,
        #[case] passes: bool,
    ) {
        assert_eq!(
            NameFilter::new(name).should_log(&rec(logger, FemtoLevel::INFO)),
            passes
        );
    }

    #[rstest]
    #[case(FemtoLevel::DEBUG, false)]
    #[case(FemtoLevel::INFO, true)]
    #[case(FemtoLevel::WARNING, true)]
    #[case(FemtoLevel::ERROR, false)]
    fn level_filter_is_inclusive(#[case] level: FemtoLevel, #[case] passes: bool) {
        let filter = LevelFilter {
            min: FemtoLevel::INFO,
            max: FemtoLevel::WARNING,
        };
        assert_eq!(filter.should_log(&rec("x", level)), passes);
    }

    #[rstest]
    fn closures_are_filters() {
        let only_db = |r: &FemtoLogRecord| r.message.contains('m');
        assert!(only_db.should_log(&rec("x", FemtoLevel::INFO)));
        assert!(LevelFilter::at_most(FemtoLevel::INFO).should_log(&rec("x", FemtoLevel::INFO)));
        assert!(!LevelFilter::at_least(FemtoLevel::ERROR).should_log(&rec("x", FemtoLevel::INFO)));
    }
}
