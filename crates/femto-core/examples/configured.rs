//! A Rust program configured by the TOML file it shares with C and Python
//! programs (`examples/config/logging.toml`):
//!
//! ```sh
//! cargo run -p femto-core --example configured -- examples/config/logging.toml
//! ```

use std::process::ExitCode;
use std::time::Duration;

use femto_core::config::ConfigBuilder;
use femto_core::{critical, debug, error, info, warn, Manager};

fn main() -> ExitCode {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "logging.toml".into());
    if let Err(e) = ConfigBuilder::from_path(&path).and_then(|c| c.build_and_init()) {
        eprintln!("configuration failed: {e}");
        return ExitCode::FAILURE;
    }
    let manager = Manager::global();
    let logger = |name: &str| manager.get_logger(name).expect("a valid logger name");
    let (app, db, http) = (logger("app"), logger("app.db"), logger("app.http"));
    info!(app, "service started on port {}", 8080);
    debug!(app, "not written: app is at INFO");
    debug!(db, "query took {} ms", 3);
    warn!(db, "slow query: {}", "SELECT 1");
    info!(http, "not written: app.http is at WARNING");
    error!(http, "request failed with status {}", 502);
    critical!(manager.root(), "disk almost full");
    if femto_core::shutdown(Duration::from_secs(5)) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
