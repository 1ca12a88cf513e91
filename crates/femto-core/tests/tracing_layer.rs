//! `tracing` on the engine: events become records (target as logger name,
//! fields as key-values, the message field as the message), span fields
//! reach the events inside, and the layer composes with an `EnvFilter`
//! and a fmt layer in one registry.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::{capture, pairs};
use femto_core::tracing_layer::{engine_level, tracing_level, FemtoLayer};
use femto_core::FemtoLevel;
use rstest::rstest;
use tracing::Level;
use tracing_subscriber::layer::SubscriberExt;

#[rstest]
fn events_become_records_with_their_spans_fields() {
    let (_logger, handler, captured) = capture("svc.http", FemtoLevel::DEBUG);
    let subscriber = tracing_subscriber::registry().with(FemtoLayer);
    tracing::subscriber::with_default(subscriber, || {
        let request = tracing::info_span!("request", id = 7, path = "/users");
        let _in_request = request.enter();
        let step = tracing::debug_span!("step", name = "auth");
        let _in_step = step.enter();
        tracing::warn!(target: "svc::http", user = "ann", elapsed_ms = 12, "slow {}", "query");
        tracing::trace!(target: "svc::http", "below the logger's level");
    });
    let seen = captured.seen(&handler);
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].logger, "svc.http");
    assert_eq!(seen[0].level, FemtoLevel::WARNING);
    assert_eq!(seen[0].message, "slow query");
    assert_eq!(
        seen[0].key_values,
        pairs(&[
            ("id", "7"),
            ("path", "/users"),
            ("name", "auth"),
            ("user", "ann"),
            ("elapsed_ms", "12"),
        ])
    );
    assert!(seen[0]
        .file
        .as_deref()
        .unwrap()
        .ends_with("tracing_layer.rs"));
    assert_eq!(seen[0].module.as_deref(), Some("tracing_layer"));
}

/// A `MakeWriter` for the fmt layer that keeps its output.
#[derive(Clone, Default)]
struct Kept(Arc<Mutex<Vec<u8>>>);

impl Write for Kept {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[rstest]
fn it_composes_with_an_env_filter_and_a_fmt_layer() {
    let (_logger, handler, captured) = capture("svc.jobs", FemtoLevel::DEBUG);
    let kept = Kept::default();
    let writer = kept.clone();
    let subscriber = tracing_subscriber::registry()
        .with(tracing_subscriber::EnvFilter::new("info"))
        .with(FemtoLayer)
        .with(
            tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .with_writer(move || writer.clone()),
        );
    tracing::subscriber::with_default(subscriber, || {
        tracing::info!(target: "svc::jobs", job = 1, "started");
        tracing::debug!(target: "svc::jobs", "filtered out by the EnvFilter");
    });
    let seen = captured.seen(&handler);
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].message, "started");
    assert_eq!(seen[0].key_values, pairs(&[("job", "1")]));
    let text = String::from_utf8(kept.0.lock().unwrap().clone()).unwrap();
    assert!(text.contains("started") && text.contains("job=1"), "{text}");
    assert!(!text.contains("filtered out"), "{text}");
}

#[rstest]
#[case(Level::TRACE, FemtoLevel::TRACE)]
#[case(Level::DEBUG, FemtoLevel::DEBUG)]
#[case(Level::INFO, FemtoLevel::INFO)]
#[case(Level::WARN, FemtoLevel::WARNING)]
#[case(Level::ERROR, FemtoLevel::ERROR)]
fn levels_map_both_ways(#[case] tracing: Level, #[case] engine: FemtoLevel) {
    assert_eq!(engine_level(tracing), engine);
    assert_eq!(tracing_level(engine), tracing);
}

#[rstest]
fn engine_levels_between_tracing_levels_map_to_the_one_below() {
    assert_eq!(tracing_level(FemtoLevel::CRITICAL), Level::ERROR);
    assert_eq!(tracing_level(FemtoLevel(25)), Level::INFO);
    assert_eq!(tracing_level(FemtoLevel(1)), Level::TRACE);
}
