//! Property tests of the configuration loaders: whatever the text, loading
//! returns a configuration or an error, never a panic.
//!
//! `make test` runs the default 256 cases of each property; a longer run:
//! `PROPTEST_CASES=200000 cargo test -p femto-core --release --test config_fuzz`.

use femto_core::config::ConfigBuilder;
use proptest::prelude::*;
use serde_json::{Map, Value};

/// Words the loader knows, so that random documents reach deep into it.
const WORDS: &[&str] = &[
    "version",
    "disable_existing_loggers",
    "formatters",
    "filters",
    "handlers",
    "root",
    "loggers",
    "class",
    "level",
    "formatter",
    "format",
    "datefmt",
    "style",
    "utc",
    "kind",
    "json",
    "template",
    "name",
    "min_level",
    "max_level",
    "capacity",
    "overflow",
    "block",
    "drop",
    "timeout",
    "timeout_ms",
    "stream",
    "stdout",
    "stderr",
    "path",
    "filename",
    "mode",
    "a",
    "w",
    "delay",
    "watch",
    "max_bytes",
    "maxBytes",
    "backup_count",
    "when",
    "interval",
    "at_time",
    "propagate",
    "file",
    "rotating_file",
    "timed_rotating_file",
    "watched_file",
    "logging.StreamHandler",
    "INFO",
    "DEBUG",
    "warn",
    "LOUD",
    "midnight",
    "W6",
    "W7",
    "S",
    "H",
    "12:30",
    "25:61:61",
    "%(message)s",
    "%(asctime)s %(levelname)s",
    "{message}",
    "$message",
    "%(bad",
    "%",
    "{",
    "$",
    "%Y-%m-%d",
    "app",
    "app.db",
    "a..b",
    ".x",
    "",
];

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(WORDS).prop_map(str::to_owned),
        prop::collection::vec(any::<char>(), 0..12).prop_map(String::from_iter),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (0u64..100_000).prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        word().prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((word(), inner), 0..6)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

const SAMPLE: &str = r#"
version = 1
disable_existing_loggers = false
[formatters.plain]
format = "%(levelname)s %(name)s: %(message)s"
datefmt = "%H:%M:%S"
[filters.db]
name = "app.db"
[handlers.console]
class = "stream"
stream = "stdout"
level = "INFO"
formatter = "plain"
filters = ["db"]
[handlers.timed]
class = "timed_rotating_file"
path = "t.log"
when = "midnight"
at_time = "01:02:03"
[root]
level = "WARNING"
handlers = ["console"]
[loggers."app.db"]
level = 10
propagate = false
"#;

proptest! {
    #[test]
    fn any_json_document_loads_or_errs(value in json_value()) {
        if let Ok(config) = ConfigBuilder::from_json(&value.to_string()) {
            prop_assert!(config.validate().is_ok());
        }
    }

    #[test]
    fn any_text_loads_or_errs_as_toml_and_json(chars in prop::collection::vec(any::<char>(), 0..200)) {
        let text = String::from_iter(chars);
        let _ = ConfigBuilder::from_toml(&text);
        let _ = ConfigBuilder::from_json(&text);
    }

    #[test]
    fn a_mangled_sample_loads_or_errs(
        edits in prop::collection::vec((any::<prop::sample::Index>(), word()), 1..6),
    ) {
        let mut text = SAMPLE.to_owned();
        for (at, insert) in edits {
            let mut position = at.index(text.len() + 1);
            while !text.is_char_boundary(position) {
                position -= 1;
            }
            let end = (position + insert.len().min(4)).min(text.len());
            let end = (end..=text.len()).find(|&e| text.is_char_boundary(e)).unwrap_or(text.len());
            text.replace_range(position..end, &insert);
        }
        if let Ok(config) = ConfigBuilder::from_toml(&text) {
            prop_assert!(config.validate().is_ok());
        }
    }
}

#[test]
fn the_sample_itself_loads() {
    ConfigBuilder::from_toml(SAMPLE).unwrap();
}
