//! The logging macros: the logger by module path, by `target:` or by
//! handle; key-values before `;`; arguments evaluated only when enabled.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};

use std::sync::Arc;

use common::{capture, capture_formatted, pairs};
use femto_core::{
    debug, info, trace, warn, FemtoFormatter, FemtoLevel, FormatStyle, HandlerOptions,
    JsonFormatter, LogOutcome, TemplateFormatter,
};
use rstest::rstest;

mod app {
    pub mod db {
        pub fn connect() -> femto_core::LogOutcome {
            femto_core::info!("connected to {}", "db-1")
        }
    }
}

#[rstest]
fn a_call_without_a_logger_logs_to_its_module_path_dotted() {
    let (_logger, handler, captured) = capture("macros.app.db", FemtoLevel::INFO);
    assert_eq!(app::db::connect(), LogOutcome::Queued);
    let seen = captured.seen(&handler);
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].logger, "macros.app.db");
    assert_eq!(seen[0].message, "connected to db-1");
    assert_eq!(seen[0].module.as_deref(), Some("macros::app::db"));
    assert!(seen[0].file.as_deref().unwrap().ends_with("macros.rs"));
    assert!(seen[0].line > 0);
}

#[rstest]
fn target_names_the_logger_and_key_values_come_before_the_semicolon() {
    let (_logger, handler, captured) = capture("macros.target", FemtoLevel::DEBUG);
    let peer = ("10.0.0.1", 5432);
    debug!(target: "macros.target", user = 42, peer:? = peer; "login from {}", "ann");
    debug!(target: "macros.target", "no key-values");
    let seen = captured.seen(&handler);
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].message, "login from ann");
    assert_eq!(
        seen[0].key_values,
        pairs(&[("user", "42"), ("peer", "(\"10.0.0.1\", 5432)")])
    );
    assert_eq!(seen[1].message, "no key-values");
    assert!(seen[1].key_values.is_empty());
}

#[rstest]
fn a_handle_still_names_the_logger() {
    let (logger, handler, captured) = capture("macros.handle", FemtoLevel::INFO);
    warn!(logger, "by handle {}", 1);
    warn!(logger, code = 7; "by handle with key-values");
    let seen = captured.seen(&handler);
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].message, "by handle 1");
    assert_eq!(seen[1].key_values, pairs(&[("code", "7")]));
}

#[rstest]
fn nothing_is_evaluated_below_the_level() {
    let (_logger, handler, captured) = capture("macros.disabled", FemtoLevel::INFO);
    let evaluated = AtomicUsize::new(0);
    let count = || evaluated.fetch_add(1, Ordering::SeqCst);
    let outcome = trace!(target: "macros.disabled", value = count(); "{}", count());
    assert_eq!(outcome, LogOutcome::Disabled);
    assert_eq!(evaluated.load(Ordering::SeqCst), 0);
    info!(target: "macros.disabled", value = count(); "{}", count());
    assert_eq!(evaluated.load(Ordering::SeqCst), 2);
    assert_eq!(captured.seen(&handler).len(), 1);
}

// Each case has its own logger: the cases run in parallel, and a shared
// logger would hand each record to both cases' handlers.
#[rstest]
#[case::template(
    "macros.formatted.template",
    Arc::new(TemplateFormatter::new("%(message)s user=%(user)s", FormatStyle::Percent, None).unwrap()),
    "login user=42"
)]
#[case::json(
    "macros.formatted.json",
    Arc::new(JsonFormatter::new(None, false).unwrap()),
    "\"user\":\"42\""
)]
fn key_values_reach_the_formatters(
    #[case] logger: &str,
    #[case] formatter: Arc<dyn FemtoFormatter>,
    #[case] expected: &str,
) {
    let options = HandlerOptions {
        formatter,
        ..HandlerOptions::default()
    };
    let (handle, handler, captured) = capture_formatted(logger, FemtoLevel::INFO, options);
    info!(handle, user = 42; "login");
    let seen = captured.seen(&handler);
    assert_eq!(seen.len(), 1);
    assert!(seen[0].text.contains(expected), "{}", seen[0].text);
}

/// A value whose `Display` logs: the inner call formats into a buffer of
/// its own while the outer one holds the thread's, and both arrive whole,
/// the inner one first (it is dispatched first). A message too long for
/// the compact form arrives whole too.
#[rstest]
fn a_message_that_logs_while_it_is_formatted_loses_nothing() {
    struct Chatty;
    impl std::fmt::Display for Chatty {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            info!(target: "macros.reentrant", "inner {}", 1);
            f.write_str("chatty")
        }
    }
    let (_logger, handler, captured) = capture("macros.reentrant", FemtoLevel::INFO);
    info!(target: "macros.reentrant", "outer {}", Chatty);
    let long = "z".repeat(500);
    info!(target: "macros.reentrant", "long {long}");
    let seen = captured.seen(&handler);
    let messages: Vec<&str> = seen.iter().map(|r| r.message.as_str()).collect();
    assert_eq!(
        messages,
        ["inner 1", "outer chatty", &format!("long {long}")]
    );
}
