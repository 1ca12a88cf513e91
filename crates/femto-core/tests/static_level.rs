//! The `min_level_*` Cargo features remove macro calls below a level at
//! compile time. `make test` runs this file with `--features min_level_warning`
//! as well as without.

use femto_core::{FemtoLevel, LogOutcome, Manager, STATIC_MIN_LEVEL};
use rstest::rstest;

#[rstest]
fn macros_below_the_static_minimum_do_nothing() {
    let manager = Manager::new();
    manager.set_last_resort(false);
    let logger = manager.get_logger("static.level").unwrap();
    logger.set_level(FemtoLevel::TRACE);
    let mut evaluated = 0;
    let mut argument = || {
        evaluated += 1;
        evaluated
    };
    let outcome = femto_core::info!(logger, "value {}", argument());
    if cfg!(feature = "min_level_warning") {
        assert_eq!(STATIC_MIN_LEVEL, FemtoLevel::WARNING);
        assert_eq!(outcome, LogOutcome::Disabled);
        assert_eq!(
            evaluated, 0,
            "arguments of a removed call are never evaluated"
        );
    } else {
        assert_eq!(STATIC_MIN_LEVEL, FemtoLevel::NOTSET);
        assert_eq!(outcome, LogOutcome::Queued);
        assert_eq!(evaluated, 1);
    }
    assert_eq!(femto_core::error!(logger, "kept"), LogOutcome::Queued);
}
