//! One construction path for every handler kind: a handler described in
//! the file format (class and the class's own keys) is built as a
//! configuration file would build it; errors name the key.

use std::fs;
use std::sync::Arc;
use std::time::Duration;

use femto_core::config::handler_from_json;
use femto_core::{FemtoHandler, FemtoLevel, FemtoLogRecord, HandlerOptions};
use rstest::{fixture, rstest};

#[fixture]
fn dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary directory")
}

fn write_one(handler: &Arc<FemtoHandler>, message: &str) {
    let record = FemtoLogRecord::new("spec".into(), FemtoLevel::WARNING, message);
    handler.handle(Arc::new(record));
    assert!(handler.flush(Duration::from_secs(5)));
}

#[rstest]
fn a_file_handler_is_built_from_its_description(dir: tempfile::TempDir) {
    let path = dir.path().join("out.log");
    let json = format!(r#"{{"class": "file", "path": {:?}, "mode": "w"}}"#, path);
    let options = HandlerOptions {
        name: Some("described".into()),
        level: FemtoLevel::INFO,
        ..HandlerOptions::default()
    };
    let handler = handler_from_json(&json, options).expect("a valid description");
    assert_eq!(
        (handler.name(), handler.level()),
        ("described", FemtoLevel::INFO)
    );
    write_one(&handler, "hello");
    assert_eq!(fs::read_to_string(&path).expect("the file"), "hello\n");
    handler.close(Duration::from_secs(5));
}

#[rstest]
#[case::unknown_class(r#"{"class": "carrier_pigeon"}"#, "class")]
#[case::key_of_another_class(r#"{"class": "stream", "max_bytes": 5}"#, "max_bytes")]
#[case::missing_path(r#"{"class": "rotating_file", "max_bytes": 5}"#, "path")]
#[case::bad_when(
    r#"{"class": "timed_rotating_file", "path": "x.log", "when": "fortnight"}"#,
    "when"
)]
#[case::common_key(r#"{"class": "stream", "level": "INFO"}"#, "level")]
#[case::formatter_by_name(r#"{"class": "stream", "formatter": "plain"}"#, "formatter")]
fn a_bad_description_names_the_key(#[case] json: &str, #[case] key: &str) {
    let error = handler_from_json(json, HandlerOptions::default()).expect_err("refused");
    assert_eq!(error.path, key, "{error}");
}

#[rstest]
fn json_syntax_errors_say_so() {
    let error = handler_from_json("{", HandlerOptions::default()).expect_err("refused");
    assert!(error.problem.starts_with("JSON syntax"), "{error}");
}
