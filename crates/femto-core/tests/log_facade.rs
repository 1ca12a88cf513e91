//! The `log` facade on the engine: records keep target (as the logger
//! name), module path, file, line and key-values; `log`'s maximum level
//! follows the engine's levels. One test: the facade and its maximum
//! level are process-wide.

mod common;

use common::{capture, pairs};
use femto_core::{FemtoLevel, Manager};
use rstest::rstest;

#[rstest]
fn log_records_reach_the_engine_and_max_level_follows_it() {
    femto_core::log_facade::install().unwrap();
    assert!(
        femto_core::log_facade::install().is_err(),
        "installed twice"
    );
    let root = Manager::global().root();
    root.set_level(FemtoLevel::WARNING);
    assert_eq!(log::max_level(), log::LevelFilter::Warn);

    let (logger, handler, captured) = capture("app.db", FemtoLevel::DEBUG);
    assert_eq!(log::max_level(), log::LevelFilter::Debug);
    log::debug!(target: "app::db", user = 42, name = "ann"; "query took {} ms", 3);
    log::trace!(target: "app::db", "below the logger's level");
    let line = line!() - 2;
    let seen = captured.seen(&handler);
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].logger, "app.db");
    assert_eq!(seen[0].level, FemtoLevel::DEBUG);
    assert_eq!(seen[0].message, "query took 3 ms");
    assert_eq!(
        seen[0].key_values,
        pairs(&[("user", "42"), ("name", "ann")])
    );
    assert_eq!(seen[0].line, line);
    assert!(seen[0].file.as_deref().unwrap().ends_with("log_facade.rs"));
    assert_eq!(seen[0].module.as_deref(), Some("log_facade"));
    assert!(log::log_enabled!(target: "app::db", log::Level::Debug));
    assert!(!log::log_enabled!(target: "app::db", log::Level::Trace));

    logger.set_level(FemtoLevel::TRACE);
    assert_eq!(log::max_level(), log::LevelFilter::Trace);
    logger.set_level(FemtoLevel::ERROR);
    assert_eq!(
        log::max_level(),
        log::LevelFilter::Warn,
        "the root's WARNING"
    );
    Manager::global().disable(FemtoLevel::CRITICAL);
    assert_eq!(log::max_level(), log::LevelFilter::Off);
    Manager::global().disable(FemtoLevel::NOTSET);
    assert_eq!(log::max_level(), log::LevelFilter::Warn);
    log::logger().flush();
}
