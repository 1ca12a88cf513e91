//! Records carry the call's location only when something reads it: the
//! handlers and filters say so, and loggers sum it up for the bindings.

use std::sync::Arc;

use femto_core::{
    DefaultFormatter, FemtoFilter, FemtoFormatter, FemtoHandler, FemtoLogRecord, FormatStyle,
    HandlerOptions, JsonFormatter, LevelFilter, Manager, NameFilter, StreamTarget,
    TemplateFormatter,
};
use rstest::rstest;

fn template(format: &str) -> Arc<dyn FemtoFormatter> {
    Arc::new(TemplateFormatter::new(format, FormatStyle::Percent, None).unwrap())
}

#[rstest]
#[case("%(asctime)s %(levelname)s %(name)s: %(message)s", false)]
#[case("%(threadName)s %(process)d %(created)f %(message)s", false)]
#[case("%(pathname)s %(message)s", true)]
#[case("%(filename)s %(message)s", true)]
#[case("%(module)s %(message)s", true)]
#[case("%(lineno)d %(message)s", true)]
#[case("%(funcName)s %(message)s", true)]
fn a_template_needs_the_location_when_it_prints_it(#[case] format: &str, #[case] needs: bool) {
    assert_eq!(template(format).needs_location(), needs, "{format}");
}

#[rstest]
fn formatters_and_filters_say_whether_they_read_the_location() {
    assert!(!DefaultFormatter.needs_location());
    assert!(JsonFormatter::default().needs_location());
    let closure = |_: &FemtoLogRecord, _: &mut String| {};
    assert!(closure.needs_location(), "unknown code: assume it reads");
    assert!(!LevelFilter::at_least(femto_core::FemtoLevel::INFO).needs_location());
    assert!(!NameFilter::new("a").needs_location());
    let filter = |_: &FemtoLogRecord| true;
    assert!(FemtoFilter::needs_location(&filter));
}

#[rstest]
fn handlers_and_loggers_follow_their_formatters_and_filters() {
    let manager = Manager::new();
    manager.set_last_resort(false);
    let logger = manager.get_logger("location").unwrap();
    assert!(
        logger.needs_location(),
        "no handler: the last resort may be anything"
    );
    let options = HandlerOptions {
        formatter: template("%(levelname)s %(message)s"),
        ..HandlerOptions::default()
    };
    let handler = FemtoHandler::stream(StreamTarget::Stderr, options).unwrap();
    logger.add_handler(handler.clone());
    assert!(!handler.needs_location() && !logger.needs_location());

    handler.add_filter(Arc::new(LevelFilter::at_least(
        femto_core::FemtoLevel::INFO,
    )));
    assert!(!logger.needs_location());
    let reads: Arc<dyn FemtoFilter> = Arc::new(|_: &FemtoLogRecord| true);
    handler.add_filter(reads.clone());
    assert!(logger.needs_location(), "a filter that may read it");
    handler.remove_filter(&reads);
    assert!(!logger.needs_location());

    handler.set_formatter(template("%(filename)s:%(lineno)d %(message)s"));
    assert!(logger.needs_location(), "a format that prints it");
    handler.set_formatter(Arc::new(DefaultFormatter));
    assert!(!logger.needs_location());

    let child = manager.get_logger("location.child").unwrap();
    assert!(!child.needs_location(), "propagates to the same handler");
    child.add_filter(reads);
    assert!(child.needs_location(), "its own filter may read it");
    assert!(handler.close(std::time::Duration::from_secs(10)));
}
