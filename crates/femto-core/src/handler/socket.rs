//! The socket handler: records as MessagePack frames (see
//! [`crate::net::frame`]) to a receiver over TCP, TLS or a Unix socket.
//!
//! The sink never sleeps on the worker except where the handler's
//! overflow policy says producers wait: connecting is lazy, a lost
//! connection is retried under [`Backoff`], and frames wait in a bounded
//! buffer meanwhile (the worker comes back for them when the next attempt
//! is due, see [`Sink::retry_at`]). A frame cut off by a lost connection is
//! sent again whole on the next one; a receiver that stops by closing its
//! side first loses nothing. What is dropped (an oversized record, a full
//! buffer, an outage past its deadline, a close while unreachable) is
//! counted in the handler's `dropped` counter.

use std::collections::VecDeque;
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};

use super::network::{
    as_millis, millis, read_backoff, read_tls, warn_in_log, write_backoff, write_tls, Losses,
    TLS_KEYS,
};
use super::options::OverflowPolicy;
use super::sink::{Sink, SinkFactory};
use super::{FemtoHandler, HandlerOptions};
use crate::builder::{BuildError, CommonOptions, HandlerBuilder};
use crate::config::{ConfigError, HandlerClass, Keys};
use crate::level::FemtoLevel;
use crate::net::backoff::{Backoff, Retry};
use crate::net::frame::{self, FrameError, DEFAULT_MAX_FRAME};
use crate::net::syslog::{self, SyslogFormat};
use crate::net::tls::{TlsOptions, TlsSetupError};
use crate::net::transport::{Connection, Endpoint, Transport};
use crate::record::FemtoLogRecord;

/// Default time allowed to connect (TLS handshake included).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default time a write may stall before the connection counts as lost.
pub const DEFAULT_WRITE_TIMEOUT: Duration = Duration::from_secs(5);
/// Default bytes of frames held while the receiver is unreachable.
pub const DEFAULT_MAX_BUFFERED: usize = 4 << 20;

/// How records are laid out on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum WireFormat {
    /// MessagePack maps, schema version 1 (docs/socket.md).
    #[default]
    MessagePack,
    /// The standard library's pickled `LogRecord` dicts
    /// (`logging.handlers.SocketHandler`'s receivers read them).
    Pickle,
    /// Syslog messages made from the formatted text (docs/syslog.md).
    Syslog(Box<SyslogFormat>),
}

impl WireFormat {
    fn encode(
        &self,
        record: &FemtoLogRecord,
        text: &str,
        limit: usize,
        out: &mut Vec<u8>,
    ) -> Result<(), FrameError> {
        match self {
            WireFormat::MessagePack => frame::encode(record, limit, out),
            WireFormat::Pickle => crate::net::pickle::encode(record, limit, out),
            WireFormat::Syslog(format) => syslog::encode(format, record, text, limit, out),
        }
    }

    /// Whether messages are made from the formatter's text.
    fn uses_text(&self) -> bool {
        matches!(self, WireFormat::Syslog(_))
    }

    fn name(&self) -> &'static str {
        match self {
            WireFormat::MessagePack => "msgpack",
            WireFormat::Pickle => "pickle",
            WireFormat::Syslog(_) => "syslog",
        }
    }
}

/// Why a socket handler's settings cannot make a handler.
#[derive(Debug, thiserror::Error)]
pub enum SocketSetupError {
    /// Neither a TCP host and port nor a Unix path.
    #[error("give a host and port, or a Unix socket path")]
    NoTransport,
    /// Both a TCP host and a Unix path.
    #[error("give a host and port or a Unix socket path, not both")]
    BothTransports,
    /// TLS asked for on a Unix socket or over UDP.
    #[error("TLS runs over TCP only, not over a Unix socket or UDP")]
    TlsOnUnix,
    /// Datagrams asked for on a Unix socket path.
    #[error("datagrams go to a host and port, not a Unix socket path")]
    DatagramOnUnix,
    /// A timeout or size of zero.
    #[error("{0} must be above zero")]
    Zero(&'static str),
    /// The backoff numbers make no schedule.
    #[error("{0}")]
    Backoff(String),
    /// The TLS settings could not be loaded.
    #[error("tls: {0}")]
    Tls(#[from] TlsSetupError),
}

impl SocketSetupError {
    /// The option at fault.
    pub fn option(&self) -> &'static str {
        match self {
            SocketSetupError::NoTransport | SocketSetupError::BothTransports => "transport",
            SocketSetupError::TlsOnUnix | SocketSetupError::Tls(_) => "tls",
            SocketSetupError::DatagramOnUnix => "datagram",
            SocketSetupError::Zero(option) => option,
            SocketSetupError::Backoff(_) => "backoff",
        }
    }
}

/// Builds a socket handler.
///
/// ```no_run
/// use femto_core::builder::HandlerBuilder;
/// use femto_core::handler::SocketHandlerBuilder;
///
/// let handler = SocketHandlerBuilder::tcp("logs.internal", 9020).build().unwrap();
/// femto_core::Manager::global().root().add_handler(handler);
/// ```
#[derive(Debug, Clone)]
pub struct SocketHandlerBuilder {
    /// TCP host and port.
    pub tcp: Option<(String, u16)>,
    /// Unix socket path.
    pub unix: Option<PathBuf>,
    /// TLS over TCP.
    pub tls: Option<TlsOptions>,
    /// UDP instead of TCP: one datagram per record.
    pub datagram: bool,
    /// The layout of each record on the wire.
    pub wire: WireFormat,
    /// Under the `block` policy, whether a full buffer waits for an
    /// unreachable receiver (so that logging calls wait, up to the retry
    /// deadline) rather than dropping. The standard library's drop-ins say
    /// no: its handlers never make a call wait for a receiver that is down.
    pub wait_for_receiver: bool,
    /// See [`DEFAULT_CONNECT_TIMEOUT`].
    pub connect_timeout: Duration,
    /// See [`DEFAULT_WRITE_TIMEOUT`].
    pub write_timeout: Duration,
    /// The largest payload sent; a larger record is dropped and counted.
    pub max_frame: usize,
    /// Bytes of frames held while the receiver is unreachable.
    pub max_buffered: usize,
    /// When to reconnect.
    pub backoff: Backoff,
    /// The options every handler has.
    pub common: CommonOptions,
}

impl Default for SocketHandlerBuilder {
    fn default() -> Self {
        SocketHandlerBuilder {
            tcp: None,
            unix: None,
            tls: None,
            datagram: false,
            wire: WireFormat::MessagePack,
            wait_for_receiver: true,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            write_timeout: DEFAULT_WRITE_TIMEOUT,
            max_frame: DEFAULT_MAX_FRAME,
            max_buffered: DEFAULT_MAX_BUFFERED,
            backoff: Backoff::default(),
            common: CommonOptions::default(),
        }
    }
}

impl SocketHandlerBuilder {
    /// To a TCP host (a name, or an IPv4 or IPv6 literal) and port.
    pub fn tcp(host: impl Into<String>, port: u16) -> Self {
        SocketHandlerBuilder::default().with_tcp(host, port)
    }

    /// To a Unix domain socket.
    pub fn unix(path: impl Into<PathBuf>) -> Self {
        SocketHandlerBuilder::default().with_unix(path)
    }

    /// Sets the TCP host and port.
    pub fn with_tcp(mut self, host: impl Into<String>, port: u16) -> Self {
        self.tcp = Some((host.into(), port));
        self
    }

    /// Sets the Unix socket path.
    pub fn with_unix(mut self, path: impl Into<PathBuf>) -> Self {
        self.unix = Some(path.into());
        self
    }

    /// To a UDP host and port: one datagram per record.
    pub fn udp(host: impl Into<String>, port: u16) -> Self {
        SocketHandlerBuilder {
            datagram: true,
            ..SocketHandlerBuilder::tcp(host, port)
        }
    }

    /// As the standard library's `SocketHandler`: pickles on the wire,
    /// a receiver that is down never makes a call wait (see
    /// [`Self::wait_for_receiver`]), and (unless set otherwise) retries
    /// from 1 s up to 30 s, its `retryStart` and `retryMax`.
    pub fn stdlib(self) -> Self {
        let roadmap = Backoff::default();
        let mut backoff = self.backoff;
        if backoff.base == roadmap.base {
            backoff.base = Duration::from_secs(1);
        }
        if backoff.cap == roadmap.cap {
            backoff.cap = Duration::from_secs(30);
        }
        SocketHandlerBuilder {
            wire: WireFormat::Pickle,
            wait_for_receiver: false,
            backoff,
            ..self
        }
    }

    /// How records are laid out on the wire.
    pub fn wire(mut self, wire: WireFormat) -> Self {
        self.wire = wire;
        self
    }

    /// TLS over the TCP connection.
    pub fn tls(mut self, options: TlsOptions) -> Self {
        self.tls = Some(options);
        self
    }

    /// Time allowed to connect, TLS handshake included.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time a write may stall before the connection counts as lost.
    pub fn write_timeout(mut self, timeout: Duration) -> Self {
        self.write_timeout = timeout;
        self
    }

    /// The largest payload sent.
    pub fn max_frame(mut self, bytes: usize) -> Self {
        self.max_frame = bytes;
        self
    }

    /// Bytes held while the receiver is unreachable.
    pub fn max_buffered(mut self, bytes: usize) -> Self {
        self.max_buffered = bytes;
        self
    }

    /// The reconnection policy.
    pub fn backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    /// The transport these settings name, checked.
    pub fn transport(&self) -> Result<Transport, SocketSetupError> {
        match (&self.tcp, &self.unix) {
            (None, None) => Err(SocketSetupError::NoTransport),
            (Some(_), Some(_)) => Err(SocketSetupError::BothTransports),
            (None, Some(_)) if self.tls.is_some() => Err(SocketSetupError::TlsOnUnix),
            (None, Some(path)) if self.datagram && self.wire.uses_text() => {
                Ok(Transport::UnixDatagram { path: path.clone() })
            }
            (None, Some(_)) if self.datagram => Err(SocketSetupError::DatagramOnUnix),
            (Some(_), None) if self.datagram && self.tls.is_some() => {
                Err(SocketSetupError::TlsOnUnix)
            }
            (Some((host, port)), None) if self.datagram => Ok(Transport::Udp {
                host: host.clone(),
                port: *port,
            }),
            (Some((host, port)), None) => Ok(Transport::Tcp {
                host: host.clone(),
                port: *port,
                tls: self.tls.clone(),
            }),
            (None, Some(path)) => Ok(Transport::Unix { path: path.clone() }),
        }
    }

    /// Checks every setting; loads nothing.
    pub fn validate(&self) -> Result<Transport, SocketSetupError> {
        let transport = self.transport()?;
        for (value, option) in [
            (self.connect_timeout.is_zero(), "connect_timeout"),
            (self.write_timeout.is_zero(), "write_timeout"),
            (self.max_frame == 0, "max_frame"),
            (self.max_buffered == 0, "max_buffered"),
        ] {
            if value {
                return Err(SocketSetupError::Zero(option));
            }
        }
        self.backoff.validate().map_err(SocketSetupError::Backoff)?;
        Ok(transport)
    }
}

impl HandlerBuilder for SocketHandlerBuilder {
    fn common(&mut self) -> &mut CommonOptions {
        &mut self.common
    }

    fn common_options(&self) -> &CommonOptions {
        &self.common
    }

    fn build_with(&self, options: HandlerOptions) -> Result<Arc<FemtoHandler>, BuildError> {
        let transport = self.validate()?;
        let insecure = matches!(&self.tls, Some(tls) if tls.insecure);
        let factory = SocketSinkFactory {
            endpoint: Arc::new(Endpoint::new(transport).map_err(SocketSetupError::from)?),
            settings: Settings {
                connect_timeout: self.connect_timeout,
                write_timeout: self.write_timeout,
                max_frame: self.max_frame,
                max_buffered: self.max_buffered,
                backoff: self.backoff,
                wire: self.wire.clone(),
                wait_when_full: self.wait_for_receiver
                    && matches!(options.overflow, OverflowPolicy::Block),
            },
            cancelled: Arc::default(),
        };
        let described = factory.describe();
        let handler = FemtoHandler::new(Box::new(factory), options)?;
        if insecure {
            warn_in_log(&format!(
                "socket handler {described}: TLS certificate and host name checks are off (insecure)"
            ));
        }
        Ok(handler)
    }
}

impl HandlerClass for SocketHandlerBuilder {
    const CLASS: &'static str = "socket";
    const KEYS: &'static [&'static str] = &[
        "host",
        "port",
        "path",
        "datagram",
        "wire",
        "wait_for_receiver",
        "tls",
        "ca_file",
        "cert_file",
        "key_file",
        "server_name",
        "insecure",
        "connect_timeout_ms",
        "write_timeout_ms",
        "max_frame_bytes",
        "max_buffered_bytes",
        "backoff_base_ms",
        "backoff_cap_ms",
        "backoff_reset_ms",
        "retry_deadline_ms",
    ];

    fn from_keys(keys: &Keys<'_>) -> Result<Self, ConfigError> {
        let defaults = SocketHandlerBuilder::default();
        let backoff = read_backoff(keys)?;
        let host = keys.get::<String>("host", &[])?;
        let port = keys.get::<u16>("port", &[])?;
        let tcp = match (host, port) {
            (Some(host), Some(port)) => Some((host, port)),
            (None, None) => None,
            (Some(_), None) => {
                return Err(ConfigError::at(
                    (keys.path)("port"),
                    "missing (host needs a port)",
                ))
            }
            (None, Some(_)) => {
                return Err(ConfigError::at(
                    (keys.path)("host"),
                    "missing (port needs a host)",
                ))
            }
        };
        let tls = if keys.get("tls", &[])?.unwrap_or(false) {
            Some(read_tls(keys)?)
        } else {
            if let Some(key) = TLS_KEYS.iter().find(|key| keys.values.contains_key(**key)) {
                return Err(ConfigError::at((keys.path)(key), "needs tls = true"));
            }
            None
        };
        let wire = match keys.get::<String>("wire", &[])?.as_deref() {
            None | Some("msgpack") => WireFormat::MessagePack,
            Some("pickle") => WireFormat::Pickle,
            Some(other) => {
                return Err(ConfigError::at(
                    (keys.path)("wire"),
                    format!("{other:?} is not \"msgpack\" or \"pickle\""),
                ))
            }
        };
        Ok(SocketHandlerBuilder {
            tcp,
            unix: keys.get("path", &[])?,
            tls,
            datagram: keys.get("datagram", &[])?.unwrap_or(false),
            wait_for_receiver: keys.get("wait_for_receiver", &[])?.unwrap_or(true),
            wire,
            connect_timeout: millis(keys, "connect_timeout_ms", defaults.connect_timeout)?,
            write_timeout: millis(keys, "write_timeout_ms", defaults.write_timeout)?,
            max_frame: keys
                .get("max_frame_bytes", &[])?
                .unwrap_or(defaults.max_frame),
            max_buffered: keys
                .get("max_buffered_bytes", &[])?
                .unwrap_or(defaults.max_buffered),
            backoff,
            common: CommonOptions::default(),
        })
    }

    fn to_keys(&self, keys: &mut Map<String, Value>) {
        if let Some((host, port)) = &self.tcp {
            keys.insert("host".into(), json!(host));
            keys.insert("port".into(), json!(port));
        }
        if let Some(path) = &self.unix {
            keys.insert("path".into(), json!(path.to_str()));
        }
        keys.insert("datagram".into(), json!(self.datagram));
        keys.insert("wire".into(), json!(self.wire.name()));
        keys.insert("wait_for_receiver".into(), json!(self.wait_for_receiver));
        keys.insert("tls".into(), json!(self.tls.is_some()));
        if let Some(tls) = &self.tls {
            write_tls(tls, keys);
        }
        let entries = [
            ("connect_timeout_ms", as_millis(self.connect_timeout)),
            ("write_timeout_ms", as_millis(self.write_timeout)),
            ("max_frame_bytes", self.max_frame as u64),
            ("max_buffered_bytes", self.max_buffered as u64),
        ];
        for (key, value) in entries {
            keys.insert(key.into(), json!(value));
        }
        write_backoff(&self.backoff, keys);
    }

    fn check(&self, path: &dyn Fn(&str) -> String) -> Result<(), ConfigError> {
        self.validate()
            .map(drop)
            .map_err(|e| ConfigError::at(path(e.option()), e))
    }
}

/// The sink's settings.
#[derive(Debug, Clone)]
struct Settings {
    connect_timeout: Duration,
    write_timeout: Duration,
    max_frame: usize,
    max_buffered: usize,
    backoff: Backoff,
    wire: WireFormat,
    /// Under the `block` policy, a full buffer waits for the receiver
    /// (up to the retry deadline) so that the queue fills and producers
    /// wait; otherwise the record is dropped and counted.
    wait_when_full: bool,
}

/// Opens socket sinks; connects nothing until the first frame.
struct SocketSinkFactory {
    endpoint: Arc<Endpoint>,
    settings: Settings,
    /// Set when the handler closes: a sink waiting for the receiver stops.
    cancelled: Arc<AtomicBool>,
}

impl SinkFactory for SocketSinkFactory {
    fn open(&self, _reopen: bool) -> io::Result<Box<dyn Sink>> {
        // After fork the child makes its own connection (lazily, like the
        // parent): the parent's socket stays the parent's.
        Ok(Box::new(SocketSink {
            endpoint: Arc::clone(&self.endpoint),
            settings: self.settings.clone(),
            cancelled: Arc::clone(&self.cancelled),
            connection: None,
            retry: Retry::new(self.settings.backoff),
            pending: Frames::default(),
            losses: Losses::default(),
            failed_while_closing: false,
        }))
    }

    fn describe(&self) -> String {
        format!("socket {}", self.endpoint.transport())
    }

    fn reads_location(&self) -> bool {
        // Its own fields carry the location; syslog's text, the formatter's.
        !self.settings.wire.uses_text()
    }

    fn wants_text(&self) -> bool {
        self.settings.wire.uses_text()
    }

    fn cancel(&self) {
        self.cancelled.store(true, Ordering::Release);
    }
}

/// Frames not yet fully sent: one buffer, and where each frame ends.
/// The buffer always starts at a frame boundary.
#[derive(Default)]
struct Frames {
    bytes: Vec<u8>,
    /// Each frame's end offset in `bytes`, and whether it holds a
    /// caller's record (the engine's own are not counted when lost).
    ends: VecDeque<(usize, bool)>,
    /// Bytes of `bytes` written on the current connection.
    sent: usize,
}

impl Frames {
    fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    fn size(&self) -> usize {
        self.bytes.len()
    }

    /// Appends `record`'s frame.
    fn push(
        &mut self,
        wire: &WireFormat,
        record: &FemtoLogRecord,
        text: &str,
        max_frame: usize,
        callers: bool,
    ) -> Result<(), FrameError> {
        wire.encode(record, text, max_frame, &mut self.bytes)?;
        self.ends.push_back((self.bytes.len(), callers));
        Ok(())
    }

    /// Puts a frame of the engine's own first (nothing may have been sent
    /// yet on this connection).
    fn push_front_own(&mut self, wire: &WireFormat, record: &FemtoLogRecord, max_frame: usize) {
        debug_assert_eq!(self.sent, 0);
        let mut frame = Vec::new();
        if wire
            .encode(record, &record.message, max_frame, &mut frame)
            .is_ok()
        {
            let size = frame.len();
            self.bytes.splice(0..0, frame);
            for (end, _) in &mut self.ends {
                *end += size;
            }
            self.ends.push_front((size, false));
        }
    }

    /// Removes the newest frame; returns whether it was a caller's.
    fn pop_back(&mut self) -> bool {
        let callers = self.ends.pop_back().is_some_and(|(_, callers)| callers);
        self.bytes
            .truncate(self.ends.back().map_or(0, |(end, _)| *end));
        callers
    }

    /// Forgets every frame; returns how many held callers' records.
    fn clear(&mut self) -> u64 {
        let count = self.ends.iter().filter(|(_, callers)| *callers).count() as u64;
        self.bytes.clear();
        self.ends.clear();
        self.sent = 0;
        count
    }

    /// Drops the frames fully sent, keeping a partly sent one.
    fn compact(&mut self) {
        let mut done = 0;
        while let Some(&(end, _)) = self.ends.front() {
            if end > self.sent {
                break;
            }
            done = end;
            self.ends.pop_front();
        }
        if done > 0 {
            self.bytes.drain(..done);
            self.sent -= done;
            for (end, _) in &mut self.ends {
                *end -= done;
            }
        }
    }
}

struct SocketSink {
    endpoint: Arc<Endpoint>,
    settings: Settings,
    cancelled: Arc<AtomicBool>,
    connection: Option<Connection>,
    retry: Retry,
    pending: Frames,
    /// What was lost, and the warnings the worker is to report.
    losses: Losses,
    /// A connection failed after the handler began closing.
    failed_while_closing: bool,
}

impl SocketSink {
    fn cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Acquire)
    }

    fn drop_records(&mut self, count: u64) {
        self.losses.lost_in_outage(count);
    }

    /// Keeps `message` for the worker to report (see [`Losses::warn`]).
    fn warn(&mut self, message: String, always: bool) {
        let text = format!("{}: {message}", self.endpoint.transport());
        self.losses.warn(text, always);
    }

    /// The connection was lost or could not be made.
    fn fail(&mut self, error: &io::Error) {
        self.failed_while_closing |= self.cancelled();
        if let Some(mut connection) = self.connection.take() {
            connection.close();
        }
        self.pending.sent = 0;
        let wait = self.retry.failed(Instant::now());
        self.warn(
            format!("{error}; retrying in {} ms", wait.as_millis()),
            false,
        );
    }

    /// Connects if there is none and an attempt is due.
    fn ensure_connected(&mut self, now: Instant, ignore_backoff: bool) -> bool {
        if let Some(connection) = &mut self.connection {
            match connection.peer_closed() {
                Ok(false) => return true,
                Ok(true) => {}
                Err(error) => {
                    self.fail(&error);
                    return false;
                }
            }
            // The receiver closed its side (it is stopping): it reads what
            // was sent; the rest goes on a new connection at once.
            self.connection = None;
            self.pending.sent = 0;
        } else if self.failed_while_closing || (!ignore_backoff && !self.retry.may_try(now)) {
            // Closing after a failure: no new connections (see `flush`).
            return false;
        }
        match self
            .endpoint
            .connect(self.settings.connect_timeout, self.settings.write_timeout)
        {
            Ok(connection) => {
                self.connection = Some(connection);
                let outage = self.retry.connected(Instant::now());
                if let Some(outage) = outage.filter(|_| self.losses.outage_losses() > 0) {
                    let lost = self.losses.take_outage_losses();
                    let message = format!(
                        "socket handler reached {} again after {} ms; {lost} records were dropped meanwhile",
                        self.endpoint.transport(),
                        outage.as_millis()
                    );
                    let record =
                        FemtoLogRecord::new("femtologging".into(), FemtoLevel::WARNING, message);
                    let (wire, limit) = (&self.settings.wire, self.settings.max_frame);
                    self.pending.push_front_own(wire, &record, limit);
                }
                true
            }
            Err(error) => {
                self.fail(&error);
                false
            }
        }
    }

    /// Sends what is pending if a connection can be had.
    fn send(&mut self, ignore_backoff: bool) {
        let now = Instant::now();
        if self.pending.is_empty() {
            return;
        }
        if self.connection.is_none() && self.retry.passed_deadline(now) {
            let lost = self.pending.clear();
            self.drop_records(lost);
            let deadline = self.settings.backoff.deadline.as_secs();
            self.warn(
                format!("unreachable for {deadline} s: {lost} records dropped; still retrying"),
                true,
            );
            return;
        }
        if !self.ensure_connected(now, ignore_backoff) {
            return;
        }
        let Some(connection) = self.connection.as_mut() else {
            return;
        };
        if connection.is_datagram() {
            self.send_datagrams();
            return;
        }
        let pending = &mut self.pending;
        // The socket's timeout bounds each call, and a receiver that reads
        // a trickle would keep each one short: the batch has its own bound.
        let deadline = Instant::now() + self.settings.write_timeout;
        let result = (|| {
            while pending.sent < pending.bytes.len() {
                if Instant::now() >= deadline {
                    return Err(io::ErrorKind::TimedOut.into());
                }
                match connection.write(&pending.bytes[pending.sent..]) {
                    Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                    Ok(n) => pending.sent += n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
            connection.flush()
        })();
        match result {
            Ok(()) => {
                self.pending.compact();
                self.retry.healthy(Instant::now());
            }
            Err(error) => {
                let error = match error.kind() {
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => io::Error::new(
                        io::ErrorKind::TimedOut,
                        format!(
                            "write timed out after {} ms",
                            self.settings.write_timeout.as_millis()
                        ),
                    ),
                    _ => error,
                };
                self.pending.compact();
                self.fail(&error);
            }
        }
    }

    /// Sends each pending frame as a datagram of its own. UDP reports no
    /// delivery; a frame the system refuses (too big for a datagram, a
    /// port reported unreachable) is dropped and counted.
    fn send_datagrams(&mut self) {
        let Some(connection) = self.connection.as_mut() else {
            return;
        };
        let mut start = 0;
        let mut lost = 0;
        let mut failure = None;
        for &(end, callers) in &self.pending.ends {
            if let Err(error) = connection.write(&self.pending.bytes[start..end]) {
                lost += u64::from(callers);
                failure = Some(error);
            }
            start = end;
        }
        self.pending.clear();
        self.losses.lost(lost);
        if let Some(error) = failure {
            self.warn(format!("{lost} datagrams not sent: {error}"), false);
        }
    }

    /// Gets the pending frames under `max_buffered`: sends, or waits for
    /// the receiver under the `block` policy. False if they still do not
    /// fit.
    fn make_room(&mut self) -> bool {
        let fits = |sink: &Self| sink.pending.size() <= sink.settings.max_buffered;
        self.send(false);
        while !fits(self)
            && self.settings.wait_when_full
            && !self.cancelled()
            && !self.retry.is_past_deadline()
        {
            let wait = self.retry.next_attempt().map_or(Duration::ZERO, |at| {
                at.saturating_duration_since(Instant::now())
            });
            // `close` unparks the worker, so a cancelled wait ends at once.
            std::thread::park_timeout(wait.min(Duration::from_millis(100)));
            self.send(false);
        }
        fits(self)
    }
}

impl SocketSink {
    /// Queues `record`'s frame, making room if the buffer is full.
    fn take(&mut self, record: &FemtoLogRecord, text: &str, callers: bool) {
        let (wire, limit) = (&self.settings.wire, self.settings.max_frame);
        if let Err(error) = self.pending.push(wire, record, text, limit, callers) {
            self.losses.lost(u64::from(callers));
            let logger = &*record.logger;
            self.warn(format!("record of {logger:?} dropped: {error}"), false);
            return;
        }
        // After `send` nothing is part-sent, so the newest frame can go.
        if self.pending.size() > self.settings.max_buffered && !self.make_room() {
            let lost = u64::from(self.pending.pop_back());
            self.drop_records(lost);
            self.warn("buffer full: records dropped".into(), false);
        }
    }
}

impl Sink for SocketSink {
    fn write(&mut self, record: &FemtoLogRecord, text: &str) -> io::Result<()> {
        self.take(record, text, true);
        Ok(())
    }

    fn write_own(&mut self, record: &FemtoLogRecord, text: &str) -> io::Result<()> {
        self.take(record, text, false);
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        let closing = self.cancelled();
        // Closing: one attempt past the backoff, unless a connection
        // already failed during the close (close stays within about one
        // write timeout).
        self.send(closing && !self.failed_while_closing);
        if closing && !self.pending.is_empty() && self.connection.is_none() {
            let lost = self.pending.clear();
            self.drop_records(lost);
            self.warn(
                format!("closed while unreachable: {lost} records dropped"),
                true,
            );
        }
        Ok(())
    }

    fn take_warning(&mut self) -> Option<io::Error> {
        self.losses.take_warning()
    }

    fn take_dropped(&mut self) -> u64 {
        self.losses.take_dropped()
    }

    fn retry_at(&self) -> Option<Instant> {
        if self.pending.is_empty() {
            None
        } else {
            self.retry.next_attempt()
        }
    }
}

impl Drop for SocketSink {
    fn drop(&mut self) {
        if let Some(connection) = &mut self.connection {
            connection.close();
        }
    }
}
