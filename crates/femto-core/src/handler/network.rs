//! What the network handlers (socket, syslog, HTTP) share besides the
//! transport in [`crate::net`]: their configuration keys for TLS, backoff
//! and durations, and the engine's own warnings.

use std::io;
use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};

use crate::config::{ConfigError, Keys};
use crate::level::FemtoLevel;
use crate::net::backoff::Backoff;
use crate::net::tls::TlsOptions;

/// Logs a WARNING from the engine itself (logger `femtologging`).
pub(super) fn warn_in_log(message: &str) {
    if let Ok(logger) = crate::Manager::global().get_logger("femtologging") {
        logger.log(FemtoLevel::WARNING, message);
    }
}

/// The duration in milliseconds under `key`, or `default`.
pub(super) fn millis(
    keys: &Keys<'_>,
    key: &str,
    default: Duration,
) -> Result<Duration, ConfigError> {
    Ok(keys
        .get::<u64>(key, &[])?
        .map_or(default, Duration::from_millis))
}

/// `duration` in whole milliseconds, as the keys hold it.
pub(super) fn as_millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// The TLS keys besides `tls` itself.
pub(super) const TLS_KEYS: [&str; 5] = [
    "ca_file",
    "cert_file",
    "key_file",
    "server_name",
    "insecure",
];

/// The TLS options in a description's keys.
pub(super) fn read_tls(keys: &Keys<'_>) -> Result<TlsOptions, ConfigError> {
    Ok(TlsOptions {
        ca_file: keys.get("ca_file", &[])?,
        cert_file: keys.get("cert_file", &[])?,
        key_file: keys.get("key_file", &[])?,
        server_name: keys.get("server_name", &[])?,
        insecure: keys.get("insecure", &[])?.unwrap_or(false),
    })
}

/// Writes `tls` back as [`read_tls`] reads it.
pub(super) fn write_tls(tls: &TlsOptions, keys: &mut Map<String, Value>) {
    let files = [
        ("ca_file", &tls.ca_file),
        ("cert_file", &tls.cert_file),
        ("key_file", &tls.key_file),
    ];
    for (key, file) in files {
        if let Some(file) = file {
            keys.insert(key.into(), json!(file.to_str()));
        }
    }
    if let Some(name) = &tls.server_name {
        keys.insert("server_name".into(), json!(name));
    }
    keys.insert("insecure".into(), json!(tls.insecure));
}

/// The retry policy in a description's keys (`backoff_base_ms`,
/// `backoff_cap_ms`, `backoff_reset_ms`, `retry_deadline_ms`), the
/// roadmap's numbers where absent.
pub(super) fn read_backoff(keys: &Keys<'_>) -> Result<Backoff, ConfigError> {
    let defaults = Backoff::default();
    Ok(Backoff {
        base: millis(keys, "backoff_base_ms", defaults.base)?,
        cap: millis(keys, "backoff_cap_ms", defaults.cap)?,
        reset_after: millis(keys, "backoff_reset_ms", defaults.reset_after)?,
        deadline: millis(keys, "retry_deadline_ms", defaults.deadline)?,
    })
}

/// Writes `backoff` back as [`read_backoff`] reads it.
pub(super) fn write_backoff(backoff: &Backoff, keys: &mut Map<String, Value>) {
    let entries = [
        ("backoff_base_ms", backoff.base),
        ("backoff_cap_ms", backoff.cap),
        ("backoff_reset_ms", backoff.reset_after),
        ("retry_deadline_ms", backoff.deadline),
    ];
    for (key, value) in entries {
        keys.insert(key.into(), json!(as_millis(value)));
    }
}

/// Least time between two warnings about the same outage.
const WARNING_INTERVAL: Duration = Duration::from_secs(30);

/// What a network sink has lost and has to say, for the worker to count
/// and report ([`super::Sink::take_dropped`], [`super::Sink::take_warning`]).
#[derive(Debug, Default)]
pub(super) struct Losses {
    /// Callers' records lost since the worker last asked.
    dropped: u64,
    /// Records lost during the current outage, told once it ends.
    in_outage: u64,
    warning: Option<io::Error>,
    last_warning: Option<Instant>,
}

impl Losses {
    /// `count` records lost for a reason of their own (too large, refused).
    pub(super) fn lost(&mut self, count: u64) {
        self.dropped += count;
    }

    /// `count` records lost because the other end could not be reached.
    pub(super) fn lost_in_outage(&mut self, count: u64) {
        self.dropped += count;
        self.in_outage += count;
    }

    /// Records lost in the current outage so far.
    pub(super) fn outage_losses(&self) -> u64 {
        self.in_outage
    }

    /// The records lost in the outage that just ended.
    pub(super) fn take_outage_losses(&mut self) -> u64 {
        std::mem::take(&mut self.in_outage)
    }

    /// Keeps `text` for the worker to report, at most one per
    /// [`WARNING_INTERVAL`] unless `always`.
    pub(super) fn warn(&mut self, text: String, always: bool) {
        let now = Instant::now();
        if !always
            && self
                .last_warning
                .is_some_and(|at| now - at < WARNING_INTERVAL)
        {
            return;
        }
        self.last_warning = Some(now);
        self.warning = Some(io::Error::other(text));
    }

    pub(super) fn take_warning(&mut self) -> Option<io::Error> {
        self.warning.take()
    }

    pub(super) fn take_dropped(&mut self) -> u64 {
        std::mem::take(&mut self.dropped)
    }
}
