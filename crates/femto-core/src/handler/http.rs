//! The HTTP handler: records to a web server on the worker thread, with
//! ureq over the network handlers' own TCP and TLS ([`crate::net::http`]).
//!
//! Two payloads: the standard library's (`HTTPHandler`: each record's
//! attributes form-encoded, one request per record, GET or POST) and
//! batches of JSON for log collectors (newline-delimited or an array, one
//! POST per batch; a batch goes when it holds `batch_records` records or
//! `batch_bytes` bytes, or `batch_age` after its first record, or at
//! `flush()`). Requests that fail are retried under the socket handler's
//! [`Backoff`]: 429 and 503 after their `Retry-After`, other 5xx and
//! connection failures with backoff, until the retry deadline; other 4xx
//! are not retried. Delivery is at least once: a request whose answer was
//! lost is sent again. What is dropped is counted (docs/http.md).

use std::collections::VecDeque;
use std::fmt;
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use base64::prelude::{Engine as _, BASE64_STANDARD};
use serde_json::{json, Map, Value};
use ureq::http::{HeaderName, HeaderValue, Method, Request};

use super::network::{
    as_millis, millis, read_backoff, read_tls, warn_in_log, write_backoff, write_tls, Losses,
    TLS_KEYS,
};
use super::options::OverflowPolicy;
use super::sink::{Sink, SinkFactory};
use super::{FemtoHandler, HandlerOptions};
use crate::builder::{BuildError, CommonOptions, HandlerBuilder};
use crate::config::{ConfigError, HandlerClass, Keys};
use crate::formatter::JsonFormatter;
use crate::net::backoff::{Backoff, Retry};
use crate::net::http::{self, EndpointConnector, HttpTarget, UrlError, REDACTED};
use crate::net::tls::{TlsOptions, TlsSetupError};
use crate::net::transport::{Endpoint, Transport};
use crate::record::FemtoLogRecord;

/// Default time allowed to connect (TLS handshake included).
pub const DEFAULT_HTTP_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default time one request may take, answer included.
pub const DEFAULT_HTTP_TIMEOUT: Duration = Duration::from_secs(10);
/// Default records in one JSON batch.
pub const DEFAULT_BATCH_RECORDS: usize = 1000;
/// Default bytes in one JSON batch.
pub const DEFAULT_BATCH_BYTES: usize = 1 << 20;
/// Default age of a JSON batch's first record when the batch goes.
pub const DEFAULT_BATCH_AGE: Duration = Duration::from_secs(1);
/// Default bytes of requests held while the server is unreachable.
pub const DEFAULT_HTTP_MAX_BUFFERED: usize = 4 << 20;
/// Most bytes of an answer read (the rest is left unread).
const MAX_ANSWER: u64 = 64 << 10;

/// The request method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HttpMethod {
    /// The record in the query string (the standard library's default).
    Get,
    /// The record or batch in the body.
    #[default]
    Post,
}

/// What a request carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HttpPayload {
    /// The standard library's: one record per request, its attributes
    /// form-encoded (`application/x-www-form-urlencoded`).
    Form,
    /// A batch per request, one JSON object per line
    /// (`application/x-ndjson`).
    #[default]
    JsonLines,
    /// A batch per request as a JSON array (`application/json`).
    JsonArray,
}

impl HttpPayload {
    fn name(self) -> &'static str {
        match self {
            HttpPayload::Form => "form",
            HttpPayload::JsonLines => "ndjson",
            HttpPayload::JsonArray => "json_array",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            HttpPayload::Form => "application/x-www-form-urlencoded",
            HttpPayload::JsonLines => "application/x-ndjson",
            HttpPayload::JsonArray => "application/json",
        }
    }

    fn batched(self) -> bool {
        self != HttpPayload::Form
    }
}

/// Credentials sent with every request.
#[derive(Clone, PartialEq, Eq)]
pub enum HttpAuth {
    /// `Authorization: Basic` with a user name and password.
    Basic {
        /// The user name.
        user: String,
        /// The password.
        password: String,
    },
    /// `Authorization: Bearer` with a token.
    Bearer(String),
}

impl fmt::Debug for HttpAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HttpAuth::Basic { user, .. } => write!(f, "Basic({user}:{REDACTED})"),
            HttpAuth::Bearer(_) => write!(f, "Bearer({REDACTED})"),
        }
    }
}

impl HttpAuth {
    fn header_value(&self) -> String {
        match self {
            HttpAuth::Basic { user, password } => {
                let pair = format!("{user}:{password}");
                format!("Basic {}", BASE64_STANDARD.encode(pair))
            }
            HttpAuth::Bearer(token) => format!("Bearer {token}"),
        }
    }
}

/// Whether a header's value is a secret: credentials, tokens and keys.
fn secret_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.ends_with("authorization")
        || name == "cookie"
        || name.contains("token")
        || name.contains("secret")
        || name.contains("api-key")
        || name.contains("apikey")
}

/// Why an HTTP handler's settings cannot make a handler.
#[derive(Debug, thiserror::Error)]
pub enum HttpSetupError {
    /// The URL cannot be used.
    #[error("{0}")]
    Url(#[from] UrlError),
    /// JSON batches go in a body.
    #[error("JSON payloads need method POST")]
    JsonWithGet,
    /// TLS settings for a plain `http` URL.
    #[error("TLS settings need an https URL")]
    TlsOnHttp,
    /// Credentials twice.
    #[error("give credentials once: in the URL, as Basic or Bearer credentials, or as an Authorization header")]
    TwoCredentials,
    /// A header name or value HTTP does not allow.
    #[error("header {0:?} is not a valid HTTP header")]
    Header(String),
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

impl HttpSetupError {
    /// The option at fault.
    pub fn option(&self) -> &'static str {
        match self {
            HttpSetupError::Url(_) => "url",
            HttpSetupError::JsonWithGet => "method",
            HttpSetupError::TlsOnHttp | HttpSetupError::Tls(_) => "tls",
            HttpSetupError::TwoCredentials => "credentials",
            HttpSetupError::Header(_) => "headers",
            HttpSetupError::Zero(option) => option,
            HttpSetupError::Backoff(_) => "backoff",
        }
    }
}

/// Builds an HTTP handler.
///
/// ```no_run
/// use femto_core::builder::HandlerBuilder;
/// use femto_core::handler::{HttpHandlerBuilder, HttpPayload};
///
/// let handler = HttpHandlerBuilder::new("https://collector.internal/v1/logs")
///     .payload(HttpPayload::JsonLines)
///     .bearer("token from the environment")
///     .build()
///     .unwrap();
/// femto_core::Manager::global().root().add_handler(handler);
/// ```
#[derive(Clone)]
pub struct HttpHandlerBuilder {
    /// An `http` or `https` URL; user info in it is sent as Basic
    /// credentials.
    pub url: String,
    /// GET or POST.
    pub method: HttpMethod,
    /// What each request carries.
    pub payload: HttpPayload,
    /// Headers sent with every request.
    pub headers: Vec<(String, String)>,
    /// Credentials sent with every request.
    pub auth: Option<HttpAuth>,
    /// TLS settings for an `https` URL (`None`: the system's roots).
    pub tls: Option<TlsOptions>,
    /// See [`DEFAULT_HTTP_CONNECT_TIMEOUT`].
    pub connect_timeout: Duration,
    /// See [`DEFAULT_HTTP_TIMEOUT`].
    pub timeout: Duration,
    /// See [`DEFAULT_BATCH_RECORDS`].
    pub batch_records: usize,
    /// See [`DEFAULT_BATCH_BYTES`]; a larger record is dropped and counted.
    pub batch_bytes: usize,
    /// See [`DEFAULT_BATCH_AGE`].
    pub batch_age: Duration,
    /// See [`DEFAULT_HTTP_MAX_BUFFERED`].
    pub max_buffered: usize,
    /// Under the `block` policy, whether a full buffer waits for an
    /// unreachable server (so that logging calls wait, up to the retry
    /// deadline) rather than dropping.
    pub wait_for_receiver: bool,
    /// When to retry.
    pub backoff: Backoff,
    /// The options every handler has.
    pub common: CommonOptions,
}

impl fmt::Debug for HttpHandlerBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let url = HttpTarget::parse(&self.url).map_or_else(|_| REDACTED.into(), |t| t.to_string());
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, value)| {
                let value = if secret_header(name) { REDACTED } else { value };
                (name.as_str(), value)
            })
            .collect();
        f.debug_struct("HttpHandlerBuilder")
            .field("url", &url)
            .field("method", &self.method)
            .field("payload", &self.payload)
            .field("headers", &headers)
            .field("auth", &self.auth)
            .field("tls", &self.tls)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl HttpHandlerBuilder {
    /// To `url`: batches of JSON lines, by POST.
    pub fn new(url: impl Into<String>) -> Self {
        HttpHandlerBuilder {
            url: url.into(),
            method: HttpMethod::Post,
            payload: HttpPayload::JsonLines,
            headers: Vec::new(),
            auth: None,
            tls: None,
            connect_timeout: DEFAULT_HTTP_CONNECT_TIMEOUT,
            timeout: DEFAULT_HTTP_TIMEOUT,
            batch_records: DEFAULT_BATCH_RECORDS,
            batch_bytes: DEFAULT_BATCH_BYTES,
            batch_age: DEFAULT_BATCH_AGE,
            max_buffered: DEFAULT_HTTP_MAX_BUFFERED,
            wait_for_receiver: true,
            backoff: Backoff::default(),
            common: CommonOptions::default(),
        }
    }

    /// GET or POST.
    pub fn method(mut self, method: HttpMethod) -> Self {
        self.method = method;
        self
    }

    /// What each request carries.
    pub fn payload(mut self, payload: HttpPayload) -> Self {
        self.payload = payload;
        self
    }

    /// Adds a header sent with every request.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Basic credentials.
    pub fn basic(mut self, user: impl Into<String>, password: impl Into<String>) -> Self {
        self.auth = Some(HttpAuth::Basic {
            user: user.into(),
            password: password.into(),
        });
        self
    }

    /// A bearer token.
    pub fn bearer(mut self, token: impl Into<String>) -> Self {
        self.auth = Some(HttpAuth::Bearer(token.into()));
        self
    }

    /// TLS settings for an `https` URL.
    pub fn tls(mut self, options: TlsOptions) -> Self {
        self.tls = Some(options);
        self
    }

    /// Time allowed to connect, TLS handshake included.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time one request may take, answer included.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// A JSON batch's limits: records, bytes, and the age of its first
    /// record.
    pub fn batch(mut self, records: usize, bytes: usize, age: Duration) -> Self {
        self.batch_records = records;
        self.batch_bytes = bytes;
        self.batch_age = age;
        self
    }

    /// Bytes of requests held while the server is unreachable.
    pub fn max_buffered(mut self, bytes: usize) -> Self {
        self.max_buffered = bytes;
        self
    }

    /// The retry policy.
    pub fn backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    /// Checks every setting; loads nothing. Returns the target.
    pub fn validate(&self) -> Result<HttpTarget, HttpSetupError> {
        let target = HttpTarget::parse(&self.url)?;
        if self.payload.batched() && self.method == HttpMethod::Get {
            return Err(HttpSetupError::JsonWithGet);
        }
        if self.tls.is_some() && !target.https {
            return Err(HttpSetupError::TlsOnHttp);
        }
        let header_auth = self
            .headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("authorization"));
        let credentials = usize::from(target.user_info.is_some())
            + usize::from(self.auth.is_some())
            + usize::from(header_auth);
        if credentials > 1 {
            return Err(HttpSetupError::TwoCredentials);
        }
        for (name, value) in &self.headers {
            if HeaderName::try_from(name.as_str()).is_err()
                || HeaderValue::try_from(value.as_str()).is_err()
            {
                return Err(HttpSetupError::Header(name.clone()));
            }
        }
        for (value, option) in [
            (self.connect_timeout.is_zero(), "connect_timeout"),
            (self.timeout.is_zero(), "timeout"),
            (self.batch_records == 0, "batch_records"),
            (self.batch_bytes == 0, "batch_bytes"),
            (self.batch_age.is_zero(), "batch_age"),
            (self.max_buffered == 0, "max_buffered"),
        ] {
            if value {
                return Err(HttpSetupError::Zero(option));
            }
        }
        self.backoff.validate().map_err(HttpSetupError::Backoff)?;
        Ok(target)
    }

    /// The headers every request carries, credentials included, and the
    /// secrets among them and in the URL.
    fn request_headers(&self, target: &HttpTarget) -> (Vec<(String, String)>, Vec<String>) {
        let mut secrets = target.secrets();
        let mut headers = Vec::new();
        if self.method == HttpMethod::Post {
            headers.push(("Content-Type".into(), self.payload.content_type().into()));
        }
        let auth = self.auth.clone().or_else(|| {
            target
                .user_info
                .clone()
                .map(|(user, password)| HttpAuth::Basic { user, password })
        });
        if let Some(auth) = auth {
            let value = auth.header_value();
            match &auth {
                HttpAuth::Basic { password, .. } => secrets.push(password.clone()),
                HttpAuth::Bearer(token) => secrets.push(token.clone()),
            }
            secrets.push(value.clone());
            headers.push(("Authorization".into(), value));
        }
        for (name, value) in &self.headers {
            if secret_header(name) {
                secrets.push(value.clone());
            }
            headers.push((name.clone(), value.clone()));
        }
        secrets.retain(|secret| !secret.is_empty());
        (headers, secrets)
    }
}

impl HandlerBuilder for HttpHandlerBuilder {
    fn common(&mut self) -> &mut CommonOptions {
        &mut self.common
    }

    fn common_options(&self) -> &CommonOptions {
        &self.common
    }

    fn build_with(&self, mut options: HandlerOptions) -> Result<Arc<FemtoHandler>, BuildError> {
        let target = self.validate()?;
        let tls = match (&self.tls, target.https) {
            (Some(tls), _) => Some(tls.clone()),
            (None, true) => Some(TlsOptions::default()),
            (None, false) => None,
        };
        let insecure = matches!(&tls, Some(tls) if tls.insecure);
        let endpoint = Endpoint::new(Transport::Tcp {
            host: target.host.clone(),
            port: target.port,
            tls,
        })
        .map_err(HttpSetupError::from)?;
        if self.payload.batched() {
            // A batch goes at the latest `batch_age` after its first record.
            options.flush_delay = self.batch_age;
            if options.formatter.is_default() {
                let datefmt = self.common.datefmt.as_deref();
                let utc = false;
                options.formatter = Arc::new(
                    JsonFormatter::new(datefmt, utc)
                        .map_err(|e| BuildError::Format(crate::formatter::FormatError::from(e)))?,
                );
            }
        }
        let (headers, secrets) = self.request_headers(&target);
        let wait_when_full =
            self.wait_for_receiver && matches!(options.overflow, OverflowPolicy::Block);
        let factory = HttpSinkFactory {
            client: Arc::new(Client::new(
                endpoint,
                &target,
                self.method,
                headers,
                secrets,
                self.connect_timeout,
                self.timeout,
            )),
            settings: HttpSettings {
                payload: self.payload,
                batch_records: self.batch_records,
                batch_bytes: self.batch_bytes,
                max_buffered: self.max_buffered,
                backoff: self.backoff,
                wait_when_full,
            },
            cancelled: Arc::default(),
        };
        let handler = FemtoHandler::new(Box::new(factory), options)?;
        if insecure {
            warn_in_log(&format!(
                "HTTP handler {target}: TLS certificate and host name checks are off (insecure)"
            ));
        }
        Ok(handler)
    }
}

/// Sends requests to one target; every message it makes is redacted.
struct Client {
    agent: ureq::Agent,
    target: HttpTarget,
    url: String,
    method: HttpMethod,
    headers: Vec<(HeaderName, HeaderValue)>,
    secrets: Vec<String>,
}

/// What became of one request.
enum Outcome {
    /// 2xx (or any other answer that is not an error).
    Delivered,
    /// Try again, after `Retry-After` if the server gave one.
    Retry(String, Option<Duration>),
    /// Not to be retried: the records are dropped.
    Refused(String),
}

impl Client {
    fn new(
        endpoint: Endpoint,
        target: &HttpTarget,
        method: HttpMethod,
        headers: Vec<(String, String)>,
        secrets: Vec<String>,
        connect_timeout: Duration,
        timeout: Duration,
    ) -> Self {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_connect(Some(connect_timeout))
            .timeout_global(Some(timeout))
            .user_agent(concat!("femtologging/", env!("CARGO_PKG_VERSION")))
            .max_idle_connections_per_host(1)
            .build();
        let connector = EndpointConnector {
            endpoint: Arc::new(endpoint),
            connect_timeout,
        };
        let resolver = ureq::unversioned::resolver::DefaultResolver::default();
        let headers = headers
            .into_iter()
            .filter_map(|(name, value)| {
                // Checked by `validate`.
                Some((
                    HeaderName::try_from(name).ok()?,
                    HeaderValue::try_from(value).ok()?,
                ))
            })
            .collect();
        Client {
            agent: ureq::Agent::with_parts(config, connector, resolver),
            target: target.clone(),
            url: target.request_url(),
            method,
            headers,
            secrets,
        }
    }

    fn redact(&self, text: &str) -> String {
        http::redact(text, &self.secrets)
    }

    /// Sends one payload (a GET's goes in the query string).
    fn send(&self, payload: &[u8]) -> Outcome {
        let request = match self.method {
            HttpMethod::Post => Request::builder()
                .method(Method::POST)
                .uri(self.url.as_str()),
            HttpMethod::Get => {
                let separator = if self.url.contains('?') { '&' } else { '?' };
                let query = String::from_utf8_lossy(payload);
                Request::builder()
                    .method(Method::GET)
                    .uri(format!("{}{separator}{query}", self.url))
            }
        };
        let request = self.headers.iter().fold(request, |request, (name, value)| {
            request.header(name, value)
        });
        // A GET has no body at all (not an empty one).
        let answer = match self.method {
            HttpMethod::Post => request.body(payload).map(|r| self.agent.run(r)),
            HttpMethod::Get => request.body(()).map(|r| self.agent.run(r)),
        };
        let answer = match answer {
            Ok(answer) => answer,
            Err(e) => return Outcome::Refused(self.redact(&format!("bad request: {e}"))),
        };
        let mut response = match answer {
            Ok(response) => response,
            Err(e) => return Outcome::Retry(self.redact(&e.to_string()), None),
        };
        // Read the answer so that the connection can be used again.
        let _ = response
            .body_mut()
            .with_config()
            .limit(MAX_ANSWER)
            .read_to_vec();
        let status = response.status();
        if status.is_success() || status.is_informational() {
            return Outcome::Delivered;
        }
        let reason = format!("HTTP {status}");
        match status.as_u16() {
            429 | 503 => {
                let wait = response
                    .headers()
                    .get("retry-after")
                    .and_then(|value| value.to_str().ok())
                    .and_then(|value| http::retry_after(value, SystemTime::now()));
                Outcome::Retry(reason, wait)
            }
            500..=599 => Outcome::Retry(reason, None),
            _ => Outcome::Refused(reason),
        }
    }
}

/// The sink's settings.
#[derive(Debug, Clone)]
struct HttpSettings {
    payload: HttpPayload,
    batch_records: usize,
    batch_bytes: usize,
    max_buffered: usize,
    backoff: Backoff,
    /// Under the `block` policy, a full buffer waits for the server.
    wait_when_full: bool,
}

struct HttpSinkFactory {
    client: Arc<Client>,
    settings: HttpSettings,
    cancelled: Arc<AtomicBool>,
}

impl SinkFactory for HttpSinkFactory {
    fn open(&self, _reopen: bool) -> io::Result<Box<dyn Sink>> {
        Ok(Box::new(HttpSink {
            client: Arc::clone(&self.client),
            settings: self.settings.clone(),
            cancelled: Arc::clone(&self.cancelled),
            batch: Batch::default(),
            requests: VecDeque::new(),
            held_bytes: 0,
            retry: Retry::new(self.settings.backoff),
            losses: Losses::default(),
            failed_while_closing: false,
        }))
    }

    fn describe(&self) -> String {
        format!("http {}", self.client.target)
    }

    fn reads_location(&self) -> bool {
        // The form carries the location; a batch, the formatter's text.
        !self.settings.payload.batched()
    }

    fn wants_text(&self) -> bool {
        self.settings.payload.batched()
    }

    fn cancel(&self) {
        self.cancelled.store(true, Ordering::Release);
    }
}

/// One request's payload and the callers' records in it.
struct Pending {
    payload: Vec<u8>,
    records: u64,
}

/// The JSON batch being filled.
#[derive(Default)]
struct Batch {
    payload: Vec<u8>,
    records: u64,
    /// Records in it of the engine's own (not counted when lost).
    own: u64,
}

struct HttpSink {
    client: Arc<Client>,
    settings: HttpSettings,
    cancelled: Arc<AtomicBool>,
    batch: Batch,
    /// Requests ready to send, oldest first.
    requests: VecDeque<Pending>,
    /// Bytes of `requests` and `batch`.
    held_bytes: usize,
    retry: Retry,
    /// What was lost, and the warnings the worker is to report.
    losses: Losses,
    /// A request failed after the handler began closing.
    failed_while_closing: bool,
}

impl HttpSink {
    fn cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Acquire)
    }

    /// Keeps `message` for the worker to report, redacted (see
    /// [`Losses::warn`]).
    fn warn(&mut self, message: &str, always: bool) {
        let text = format!("{}: {message}", self.client.target);
        self.losses.warn(self.client.redact(&text), always);
    }

    fn drop_records(&mut self, count: u64) {
        self.losses.lost_in_outage(count);
    }

    /// Adds `text` (one formatted record) to the JSON batch, sealing it
    /// when full.
    fn add_to_batch(&mut self, text: &str, callers: bool) {
        let separator = usize::from(self.batch.records > 0);
        let closing = usize::from(self.settings.payload == HttpPayload::JsonArray) * 2;
        if text.len() + closing + 1 > self.settings.batch_bytes {
            self.losses.lost(u64::from(callers));
            self.warn(
                &format!(
                    "a record of {} bytes is larger than a batch ({} bytes): dropped",
                    text.len(),
                    self.settings.batch_bytes
                ),
                false,
            );
            return;
        }
        if self.batch.payload.len() + separator + text.len() + closing > self.settings.batch_bytes {
            self.seal_batch();
        }
        let payload = &mut self.batch.payload;
        let before = payload.len();
        match self.settings.payload {
            HttpPayload::JsonArray => {
                payload.push(if self.batch.records == 0 { b'[' } else { b',' });
                payload.extend_from_slice(text.as_bytes());
            }
            _ => {
                payload.extend_from_slice(text.as_bytes());
                payload.push(b'\n');
            }
        }
        self.held_bytes += payload.len() - before;
        self.batch.records += 1;
        self.batch.own += u64::from(!callers);
        if self.batch.records >= self.settings.batch_records as u64 {
            self.seal_batch();
        }
    }

    /// Makes the JSON batch a request.
    fn seal_batch(&mut self) {
        if self.batch.records == 0 {
            return;
        }
        let mut batch = std::mem::take(&mut self.batch);
        if self.settings.payload == HttpPayload::JsonArray {
            batch.payload.push(b']');
            self.held_bytes += 1;
        }
        self.requests.push_back(Pending {
            payload: batch.payload,
            records: batch.records - batch.own,
        });
    }

    /// Sends the ready requests in order while the server takes them.
    fn send(&mut self, ignore_backoff: bool) {
        while let Some(request) = self.requests.front() {
            let now = Instant::now();
            if self.retry.in_outage() && self.retry.passed_deadline(now) {
                let lost: u64 = self.requests.iter().map(|r| r.records).sum();
                self.requests.clear();
                self.held_bytes = self.batch.payload.len();
                self.drop_records(lost);
                let deadline = self.settings.backoff.deadline.as_secs();
                self.warn(
                    &format!("failing for {deadline} s: {lost} records dropped; still retrying"),
                    true,
                );
                return;
            }
            if self.retry.in_outage()
                && (self.failed_while_closing || (!ignore_backoff && !self.retry.may_try(now)))
            {
                return;
            }
            match self.client.send(&request.payload) {
                Outcome::Delivered => {
                    self.pop_request();
                    self.delivered();
                }
                Outcome::Refused(reason) => {
                    let records = self.pop_request();
                    self.losses.lost(records);
                    self.warn(
                        &format!("{reason}: {records} records dropped (not retried)"),
                        false,
                    );
                    self.delivered();
                }
                Outcome::Retry(reason, after) => {
                    self.failed_while_closing |= self.cancelled();
                    let now = Instant::now();
                    let wait = match after {
                        Some(wait) => {
                            self.retry.failed_until(now, wait);
                            wait
                        }
                        None => self.retry.failed(now),
                    };
                    self.warn(
                        &format!("{reason}; retrying in {} ms", wait.as_millis()),
                        false,
                    );
                    return;
                }
            }
        }
    }

    /// Removes the oldest request; returns its callers' records.
    fn pop_request(&mut self) -> u64 {
        let Some(request) = self.requests.pop_front() else {
            return 0;
        };
        self.held_bytes -= request.payload.len();
        request.records
    }

    /// The server took (or answered) a request.
    fn delivered(&mut self) {
        let now = Instant::now();
        if !self.retry.in_outage() {
            self.retry.healthy(now);
            return;
        }
        let outage = self.retry.connected(now).unwrap_or_default();
        let lost = self.losses.take_outage_losses();
        if lost > 0 {
            self.warn(
                &format!(
                    "reached again after {} ms; {lost} records were dropped meanwhile",
                    outage.as_millis()
                ),
                true,
            );
        }
    }

    /// Gets what is held under `max_buffered`: sends, or waits for the
    /// server under the `block` policy. False if it still does not fit.
    fn make_room(&mut self) -> bool {
        let fits = |sink: &Self| sink.held_bytes <= sink.settings.max_buffered;
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

    fn take(&mut self, record: &FemtoLogRecord, text: &str, callers: bool) {
        if self.settings.payload.batched() {
            self.add_to_batch(text, callers);
        } else {
            let mut payload = String::with_capacity(512);
            http::encode_form(record, &mut payload);
            self.held_bytes += payload.len();
            self.requests.push_back(Pending {
                payload: payload.into_bytes(),
                records: u64::from(callers),
            });
        }
        if self.held_bytes > self.settings.max_buffered {
            self.seal_batch();
            if !self.make_room() {
                // The oldest go first: the newest say most about now.
                let mut lost = 0;
                while self.held_bytes > self.settings.max_buffered && !self.requests.is_empty() {
                    lost += self.pop_request();
                }
                self.drop_records(lost);
                self.warn("buffer full: records dropped", false);
            }
        }
    }
}

impl Sink for HttpSink {
    fn write(&mut self, record: &FemtoLogRecord, text: &str) -> io::Result<()> {
        self.take(record, text, true);
        Ok(())
    }

    fn write_own(&mut self, record: &FemtoLogRecord, text: &str) -> io::Result<()> {
        self.take(record, text, false);
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.seal_batch();
        let closing = self.cancelled();
        // Closing: one attempt past the backoff, unless a request already
        // failed during the close.
        self.send(closing && !self.failed_while_closing);
        if closing && !self.requests.is_empty() {
            let lost: u64 = self.requests.iter().map(|r| r.records).sum();
            self.requests.clear();
            self.held_bytes = 0;
            self.drop_records(lost);
            self.warn(
                &format!("closed while failing: {lost} records dropped"),
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
        if self.requests.is_empty() {
            None
        } else {
            self.retry.next_attempt()
        }
    }
}

impl HandlerClass for HttpHandlerBuilder {
    const CLASS: &'static str = "http";
    const KEYS: &'static [&'static str] = &[
        "url",
        "method",
        "payload",
        "headers",
        "username",
        "password",
        "bearer_token",
        "ca_file",
        "cert_file",
        "key_file",
        "server_name",
        "insecure",
        "connect_timeout_ms",
        "request_timeout_ms",
        "batch_max_records",
        "batch_max_bytes",
        "batch_max_age_ms",
        "max_buffered_bytes",
        "wait_for_receiver",
        "backoff_base_ms",
        "backoff_cap_ms",
        "backoff_reset_ms",
        "retry_deadline_ms",
    ];

    fn from_keys(keys: &Keys<'_>) -> Result<Self, ConfigError> {
        let url: String = keys
            .get("url", &[])?
            .ok_or_else(|| ConfigError::at((keys.path)("url"), "missing"))?;
        let defaults = HttpHandlerBuilder::new(url);
        let method = match keys.get::<String>("method", &[])?.as_deref() {
            None => defaults.method,
            Some(m) if m.eq_ignore_ascii_case("post") => HttpMethod::Post,
            Some(m) if m.eq_ignore_ascii_case("get") => HttpMethod::Get,
            Some(other) => {
                return Err(ConfigError::at(
                    (keys.path)("method"),
                    format!("{other:?} is not \"GET\" or \"POST\""),
                ))
            }
        };
        let payload = match keys.get::<String>("payload", &[])?.as_deref() {
            None | Some("ndjson") => HttpPayload::JsonLines,
            Some("form") => HttpPayload::Form,
            Some("json_array") => HttpPayload::JsonArray,
            Some(other) => {
                return Err(ConfigError::at(
                    (keys.path)("payload"),
                    format!("{other:?} is not \"form\", \"ndjson\" or \"json_array\""),
                ))
            }
        };
        let headers: std::collections::BTreeMap<String, String> =
            keys.get("headers", &[])?.unwrap_or_default();
        let username = keys.get::<String>("username", &[])?;
        let password = keys.get::<String>("password", &[])?;
        let bearer = keys.get::<String>("bearer_token", &[])?;
        let auth = match (username, password, bearer) {
            (None, None, None) => None,
            (Some(user), password, None) => Some(HttpAuth::Basic {
                user,
                password: password.unwrap_or_default(),
            }),
            (None, None, Some(token)) => Some(HttpAuth::Bearer(token)),
            (None, Some(_), _) => {
                return Err(ConfigError::at((keys.path)("password"), "needs username"))
            }
            (Some(_), _, Some(_)) => {
                return Err(ConfigError::at(
                    (keys.path)("bearer_token"),
                    "give username and password or bearer_token, not both",
                ))
            }
        };
        let tls = if TLS_KEYS.iter().any(|key| keys.values.contains_key(*key)) {
            Some(read_tls(keys)?)
        } else {
            None
        };
        let backoff = read_backoff(keys)?;
        Ok(HttpHandlerBuilder {
            method,
            payload,
            headers: headers.into_iter().collect(),
            auth,
            tls,
            connect_timeout: millis(keys, "connect_timeout_ms", defaults.connect_timeout)?,
            timeout: millis(keys, "request_timeout_ms", defaults.timeout)?,
            batch_records: keys
                .get("batch_max_records", &[])?
                .unwrap_or(defaults.batch_records),
            batch_bytes: keys
                .get("batch_max_bytes", &[])?
                .unwrap_or(defaults.batch_bytes),
            batch_age: millis(keys, "batch_max_age_ms", defaults.batch_age)?,
            max_buffered: keys
                .get("max_buffered_bytes", &[])?
                .unwrap_or(defaults.max_buffered),
            wait_for_receiver: keys.get("wait_for_receiver", &[])?.unwrap_or(true),
            backoff,
            ..defaults
        })
    }

    fn to_keys(&self, keys: &mut Map<String, Value>) {
        keys.insert("url".into(), json!(self.url));
        let method = match self.method {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
        };
        keys.insert("method".into(), json!(method));
        keys.insert("payload".into(), json!(self.payload.name()));
        let headers: Map<String, Value> = self
            .headers
            .iter()
            .map(|(name, value)| (name.clone(), json!(value)))
            .collect();
        keys.insert("headers".into(), Value::Object(headers));
        match &self.auth {
            Some(HttpAuth::Basic { user, password }) => {
                keys.insert("username".into(), json!(user));
                keys.insert("password".into(), json!(password));
            }
            Some(HttpAuth::Bearer(token)) => {
                keys.insert("bearer_token".into(), json!(token));
            }
            None => {}
        }
        if let Some(tls) = &self.tls {
            write_tls(tls, keys);
        }
        keys.insert("wait_for_receiver".into(), json!(self.wait_for_receiver));
        let entries = [
            ("connect_timeout_ms", as_millis(self.connect_timeout)),
            ("request_timeout_ms", as_millis(self.timeout)),
            ("batch_max_records", self.batch_records as u64),
            ("batch_max_bytes", self.batch_bytes as u64),
            ("batch_max_age_ms", as_millis(self.batch_age)),
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

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case(HttpHandlerBuilder::new("ftp://x/"), "url")]
    #[case(HttpHandlerBuilder::new("http://x/").method(HttpMethod::Get).payload(HttpPayload::JsonLines), "method")]
    #[case(HttpHandlerBuilder::new("http://x/").tls(TlsOptions::default()), "tls")]
    #[case(HttpHandlerBuilder::new("http://u:p@x/").bearer("t"), "credentials")]
    #[case(HttpHandlerBuilder::new("http://x/").header("bad name", "v"), "headers")]
    #[case(HttpHandlerBuilder::new("http://x/").timeout(Duration::ZERO), "timeout")]
    fn bad_settings_name_their_option(#[case] builder: HttpHandlerBuilder, #[case] option: &str) {
        assert_eq!(builder.validate().unwrap_err().option(), option);
    }

    #[rstest]
    fn debug_output_keeps_secrets_out() {
        let builder = HttpHandlerBuilder::new("https://ann:hunter2@x/in?token=s3cr3t")
            .header("X-Api-Key", "k3yk3y")
            .header("X-Env", "prod");
        let shown = format!("{builder:?}");
        for secret in ["hunter2", "s3cr3t", "k3yk3y"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(shown.contains("prod"), "{shown}");
        let bearer = format!(
            "{:?}",
            HttpHandlerBuilder::new("https://x/").bearer("t0k3n")
        );
        assert!(!bearer.contains("t0k3n"), "{bearer}");
    }
}
