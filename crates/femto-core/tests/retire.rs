//! A configuration change that cannot retire what it replaced says so
//! (issue 15): here a filter reconfigures its own logger from inside the
//! logging call, which holds the old configuration until it returns.
//! (Its own test binary: it installs a process-wide error hook.)

use std::sync::{Arc, Mutex};

use femto_core::error_hook::{self, HandlerErrorKind};
use femto_core::{FemtoFilter, FemtoLevel, FemtoLogRecord, FemtoLogger, LoggerState, Manager};
use rstest::rstest;

struct Reconfigures {
    manager: Manager,
    logger: Mutex<Option<Arc<FemtoLogger>>>,
}

impl FemtoFilter for Reconfigures {
    fn should_log(&self, _record: &FemtoLogRecord) -> bool {
        if let Some(logger) = self.logger.lock().unwrap().take() {
            self.manager.set_logger_states(vec![LoggerState {
                logger,
                level: FemtoLevel::NOTSET,
                propagate: true,
                disabled: false,
                handlers: Vec::new(),
            }]);
        }
        true
    }
}

#[rstest]
fn a_change_made_inside_a_logging_call_is_reported() {
    let reports: Arc<Mutex<Vec<(String, HandlerErrorKind, String)>>> = Arc::default();
    let seen = Arc::clone(&reports);
    error_hook::set_error_hook(Some(Box::new(move |error| {
        seen.lock()
            .unwrap()
            .push((error.handler.into(), error.kind, error.message.into()));
    })));
    let manager = Manager::new();
    manager.set_last_resort(false);
    let logger = manager.get_logger("retire").unwrap();
    logger.add_filter(Arc::new(Reconfigures {
        manager: manager.clone(),
        logger: Mutex::new(Some(Arc::clone(&logger))),
    }));
    logger.error("changes its own configuration");
    let reports = reports.lock().unwrap();
    assert_eq!(reports.len(), 1, "{reports:?}");
    let (handler, kind, message) = &reports[0];
    assert_eq!(
        (handler.as_str(), *kind),
        ("configuration", HandlerErrorKind::Config)
    );
    assert!(
        message.contains("still had logging calls under way"),
        "{message}"
    );
}
