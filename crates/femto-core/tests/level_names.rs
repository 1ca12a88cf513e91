//! Renaming a standard level, as stdlib's `addLevelName(WARNING, "WARN")`
//! does, changes how records show it. Its own test binary: the level names
//! are process-wide.

use femto_core::level::add_level_name;
use femto_core::FemtoLevel;
use rstest::rstest;

#[rstest]
fn a_standard_level_can_be_renamed_and_named_back() {
    assert_eq!(FemtoLevel::WARNING.to_string(), "WARNING");
    add_level_name(FemtoLevel::WARNING, "WARN").unwrap();
    assert_eq!(FemtoLevel::WARNING.to_string(), "WARN");
    assert_eq!(FemtoLevel::ERROR.to_string(), "ERROR");
    add_level_name(FemtoLevel::INFO, "").unwrap();
    assert_eq!(FemtoLevel::INFO.to_string(), "");
    // The standard names still parse.
    assert_eq!("info".parse::<FemtoLevel>().unwrap(), FemtoLevel::INFO);
    add_level_name(FemtoLevel::WARNING, "WARNING").unwrap();
    add_level_name(FemtoLevel::INFO, "INFO").unwrap();
    assert_eq!(FemtoLevel::WARNING.to_string(), "WARNING");
    assert_eq!(FemtoLevel::INFO.to_string(), "INFO");
}
