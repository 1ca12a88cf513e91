//! What the HTTP handler needs around its client (ureq): the target URL
//! taken apart with its secrets kept out of every message, the standard
//! library's form encoding of a record, `Retry-After`, and a ureq
//! connector over the network handlers' own transport, so that TLS is set
//! up exactly as the socket handler's.

use std::fmt;
use std::io::{self, Read, Write};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, LazyBuffers, NextTimeout, Transport as UreqTransport,
};

use super::transport::{Connection, Endpoint};
use crate::record::FemtoLogRecord;

/// Shown in place of a secret.
pub const REDACTED: &str = "***";

/// Query parameters whose values are secrets.
const SECRET_PARAMETERS: [&str; 3] = ["token", "access_token", "api_key"];

/// Why a URL cannot be a target.
#[derive(Debug, thiserror::Error)]
pub enum UrlError {
    /// Not a URL at all.
    #[error("not a URL: {0}")]
    Syntax(String),
    /// Neither `http` nor `https`.
    #[error("the scheme must be http or https")]
    Scheme,
    /// No host.
    #[error("the URL names no host")]
    NoHost,
}

/// Where the handler sends: an `http` or `https` URL, its user info (Basic
/// credentials) taken out.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpTarget {
    /// `https`.
    pub https: bool,
    /// The host as written (an IPv6 literal keeps its brackets).
    pub host: String,
    /// The port (80 or 443 unless given).
    pub port: u16,
    /// The path and query (at least `/`).
    pub path_and_query: String,
    /// User name and password from the URL's user info.
    pub user_info: Option<(String, String)>,
}

impl HttpTarget {
    /// Takes `url` apart.
    pub fn parse(url: &str) -> Result<Self, UrlError> {
        let uri: ureq::http::Uri = url.parse().map_err(|e: ureq::http::uri::InvalidUri| {
            // The parser's message never quotes the URL, which may hold secrets.
            UrlError::Syntax(e.to_string())
        })?;
        let https = match uri.scheme_str() {
            Some("http") => false,
            Some("https") => true,
            _ => return Err(UrlError::Scheme),
        };
        let authority = uri.authority().ok_or(UrlError::NoHost)?;
        let (user_info, host_port) = match authority.as_str().rsplit_once('@') {
            Some((info, rest)) => {
                let (user, password) = info.split_once(':').unwrap_or((info, ""));
                (Some((percent_decode(user), percent_decode(password))), rest)
            }
            None => (None, authority.as_str()),
        };
        let host = match host_port.rsplit_once(':') {
            Some((host, port)) if !port.contains(']') => host,
            _ => host_port,
        };
        if host.is_empty() {
            return Err(UrlError::NoHost);
        }
        let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
        let path_and_query = uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
        Ok(HttpTarget {
            https,
            host: host.to_owned(),
            port,
            path_and_query: if path_and_query.is_empty() {
                "/".into()
            } else {
                path_and_query
            },
            user_info,
        })
    }

    /// The URL requests go to, without user info.
    pub fn request_url(&self) -> String {
        let scheme = if self.https { "https" } else { "http" };
        format!(
            "{scheme}://{}:{}{}",
            self.host, self.port, self.path_and_query
        )
    }

    /// The secrets the URL holds: the password and secret query values.
    pub fn secrets(&self) -> Vec<String> {
        let mut secrets = Vec::new();
        if let Some((_, password)) = &self.user_info {
            secrets.push(password.clone());
        }
        for (name, value) in self.query_pairs() {
            if is_secret_parameter(name) {
                secrets.push(value.to_owned());
                secrets.push(percent_decode(value));
            }
        }
        secrets.retain(|secret| !secret.is_empty());
        secrets
    }

    fn query_pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        let query = self
            .path_and_query
            .split_once('?')
            .map_or("", |(_, query)| query);
        query
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
    }
}

fn is_secret_parameter(name: &str) -> bool {
    SECRET_PARAMETERS
        .iter()
        .any(|secret| name.eq_ignore_ascii_case(secret))
}

/// The URL with its password and secret query values shown as `***`.
impl fmt::Display for HttpTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.https { "https://" } else { "http://" })?;
        if let Some((user, _)) = &self.user_info {
            write!(f, "{}:{REDACTED}@", form_encode_str(user))?;
        }
        write!(f, "{}:{}", self.host, self.port)?;
        let (path, query) = self
            .path_and_query
            .split_once('?')
            .unwrap_or((&self.path_and_query, ""));
        f.write_str(path)?;
        let pairs = query.split('&').filter(|pair| !pair.is_empty());
        for (index, pair) in pairs.enumerate() {
            f.write_str(if index == 0 { "?" } else { "&" })?;
            match pair.split_once('=') {
                Some((name, _)) if is_secret_parameter(name) => write!(f, "{name}={REDACTED}")?,
                _ => f.write_str(pair)?,
            }
        }
        Ok(())
    }
}

impl fmt::Debug for HttpTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HttpTarget({self})")
    }
}

/// Replaces every secret in `text` with `***` (secrets shorter than three
/// characters are too likely to be ordinary text to be replaced; messages
/// made here never quote them anyway).
pub fn redact(text: &str, secrets: &[String]) -> String {
    let mut text = text.to_owned();
    for secret in secrets.iter().filter(|s| s.chars().count() >= 3) {
        if text.contains(secret.as_str()) {
            text = text.replace(secret.as_str(), REDACTED);
        }
    }
    text
}

/// `%XX` escapes decoded (user info as written in a URL).
fn percent_decode(text: &str) -> String {
    percent_decode_str(text).decode_utf8_lossy().into_owned()
}

/// What Python's `urllib.parse.quote_plus` escapes: every byte but
/// letters, digits and `_.-~` (space becomes `+`, see [`form_encode`]).
const QUOTE_PLUS: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'_')
    .remove(b'.')
    .remove(b'-')
    .remove(b'~')
    .remove(b' ');

/// Appends `text` as Python's `urllib.parse.quote_plus` writes it.
pub fn form_encode(text: &str, out: &mut String) {
    for piece in utf8_percent_encode(text, QUOTE_PLUS) {
        if piece.contains(' ') {
            out.push_str(&piece.replace(' ', "+"));
        } else {
            out.push_str(piece);
        }
    }
}

fn form_encode_str(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    form_encode(text, &mut out);
    out
}

/// A float as Python's `str()` writes it (`12.0`, not `12`).
fn python_float(value: f64) -> String {
    let text = value.to_string();
    if value.is_finite() && !text.contains(['.', 'e']) {
        text + ".0"
    } else {
        text
    }
}

/// Appends `record` as the standard library's `HTTPHandler` sends it:
/// `urllib.parse.urlencode(record.__dict__)`, with the attributes in the
/// order a `LogRecord` gets them. `msg` is the message with its arguments
/// merged, so `args` is the empty tuple, `()` (as the standard library
/// sends for a call without arguments); `extra` values follow as
/// attributes.
pub fn encode_form(record: &FemtoLogRecord, out: &mut String) {
    let location = &record.location;
    let none = "None";
    let level_name = record.level.name().to_string();
    let fields: [(&str, &str); 11] = [
        ("name", &record.logger),
        ("msg", &record.message),
        ("args", "()"),
        ("levelname", &level_name),
        ("levelno", &record.level.value().to_string()),
        (
            "pathname",
            location.file.as_deref().unwrap_or("(unknown file)"),
        ),
        ("filename", location.filename()),
        ("module", location.module()),
        ("exc_info", none),
        ("exc_text", record.exception.as_deref().unwrap_or(none)),
        ("stack_info", record.stack.as_deref().unwrap_or(none)),
    ];
    let more: [(&str, String); 9] = [
        ("lineno", location.line.to_string()),
        (
            "funcName",
            location.function.as_deref().unwrap_or(none).to_owned(),
        ),
        ("created", python_float(record.created_secs())),
        ("msecs", python_float(record.msecs())),
        (
            "relativeCreated",
            python_float(record.relative_created_ms()),
        ),
        ("thread", record.thread_id.to_string()),
        ("threadName", record.thread_name.to_string()),
        ("processName", "MainProcess".into()),
        ("process", record.process_id.to_string()),
    ];
    let pairs = fields
        .into_iter()
        .chain(more.iter().map(|(key, value)| (*key, value.as_str())))
        .chain(
            record
                .key_values
                .iter()
                .map(|(key, value)| (&**key, &**value)),
        );
    for (index, (key, value)) in pairs.enumerate() {
        if index > 0 {
            out.push('&');
        }
        form_encode(key, out);
        out.push('=');
        form_encode(value, out);
    }
}

/// A `Retry-After` value: seconds, or an HTTP date (RFC 9110), as the wait
/// from `now`. `None` when it is neither.
pub fn retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let at = SystemTime::UNIX_EPOCH
        + Duration::from_secs(u64::try_from(at.timestamp()).ok()?)
        + Duration::from_nanos(u64::from(at.timestamp_subsec_nanos()));
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// ureq's connections, made by the network handlers' [`Endpoint`] (TCP,
/// and TLS with the socket handler's setup and checks).
#[derive(Clone)]
pub(crate) struct EndpointConnector {
    pub(crate) endpoint: Arc<Endpoint>,
    /// Used when ureq sets no connect timeout.
    pub(crate) connect_timeout: Duration,
}

impl fmt::Debug for EndpointConnector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EndpointConnector").finish_non_exhaustive()
    }
}

impl Connector<()> for EndpointConnector {
    type Out = HttpConnection;

    fn connect(
        &self,
        details: &ConnectionDetails,
        _chained: Option<()>,
    ) -> Result<Option<HttpConnection>, ureq::Error> {
        let timeout = details
            .timeout
            .not_zero()
            .map_or(self.connect_timeout, |t| *t);
        let connection = self.endpoint.connect(timeout, timeout)?;
        let config = details.config;
        Ok(Some(HttpConnection {
            connection,
            buffers: LazyBuffers::new(config.input_buffer_size(), config.output_buffer_size()),
        }))
    }
}

/// One connection as ureq's transport.
pub(crate) struct HttpConnection {
    connection: Connection,
    buffers: LazyBuffers,
}

impl fmt::Debug for HttpConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpConnection").finish_non_exhaustive()
    }
}

/// An I/O error, a timeout as ureq names it.
fn io_error(error: io::Error, timeout: &NextTimeout) -> ureq::Error {
    match error.kind() {
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => ureq::Error::Timeout(timeout.reason),
        _ => ureq::Error::Io(error),
    }
}

impl UreqTransport for HttpConnection {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        let timeout = timeout.for_write();
        if timeout.after.is_zero() {
            return Err(ureq::Error::Timeout(timeout.reason));
        }
        self.connection
            .set_write_timeout_to(timeout.not_zero().map(|t| *t))?;
        let output = &self.buffers.output()[..amount];
        self.connection
            .write_all(output)
            .and_then(|()| self.connection.flush())
            .map_err(|e| io_error(e, &timeout))
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        let timeout = timeout.for_read();
        if timeout.after.is_zero() {
            return Err(ureq::Error::Timeout(timeout.reason));
        }
        self.connection
            .set_read_timeout(timeout.not_zero().map(|t| *t))?;
        let input = self.buffers.input_append_buf();
        let amount = loop {
            match self.connection.read(input) {
                Ok(amount) => break amount,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(io_error(e, &timeout)),
            }
        };
        self.buffers.input_appended(amount);
        Ok(amount > 0)
    }

    fn is_open(&mut self) -> bool {
        matches!(self.connection.peer_closed(), Ok(false))
    }

    fn is_tls(&self) -> bool {
        self.connection.is_tls()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::level::FemtoLevel;
    use rstest::rstest;

    #[rstest]
    #[case("http://logs.example/ingest", false, "logs.example", 80, "/ingest")]
    #[case("https://logs.example", true, "logs.example", 443, "/")]
    #[case("http://[::1]:8080/a?b=c", false, "[::1]", 8080, "/a?b=c")]
    #[case("https://u:p@127.0.0.1:9/x", true, "127.0.0.1", 9, "/x")]
    fn urls_come_apart(
        #[case] url: &str,
        #[case] https: bool,
        #[case] host: &str,
        #[case] port: u16,
        #[case] path: &str,
    ) {
        let target = HttpTarget::parse(url).unwrap();
        assert_eq!(
            (
                target.https,
                &*target.host,
                target.port,
                &*target.path_and_query
            ),
            (https, host, port, path)
        );
    }

    #[rstest]
    #[case("ftp://logs.example/")]
    #[case("logs.example/ingest")]
    #[case("http://")]
    fn bad_urls_are_refused(#[case] url: &str) {
        assert!(HttpTarget::parse(url).is_err(), "{url}");
    }

    #[rstest]
    fn secrets_never_show() {
        let target =
            HttpTarget::parse("https://ann:hunter2@logs.example/in?token=s3cr3t&env=prod").unwrap();
        assert_eq!(
            target.user_info,
            Some(("ann".to_owned(), "hunter2".to_owned()))
        );
        let shown = target.to_string();
        assert_eq!(
            shown,
            "https://ann:***@logs.example:443/in?token=***&env=prod"
        );
        assert!(!format!("{target:?}").contains("hunter2"));
        let message = "refused https://ann:hunter2@logs.example/in?token=s3cr3t";
        let redacted = redact(message, &target.secrets());
        assert!(!redacted.contains("hunter2") && !redacted.contains("s3cr3t"));
        assert_eq!(
            target.request_url(),
            "https://logs.example:443/in?token=s3cr3t&env=prod"
        );
    }

    #[rstest]
    #[case("a b/c", "a+b%2Fc")]
    #[case("sp\u{e4}m", "sp%C3%A4m")]
    #[case("x_y.z-1~*", "x_y.z-1~%2A")]
    fn form_encoding_is_pythons_quote_plus(#[case] text: &str, #[case] encoded: &str) {
        assert_eq!(form_encode_str(text), encoded);
    }

    #[rstest]
    fn records_encode_as_the_standard_librarys_dict() {
        let record = FemtoLogRecord::new("http".into(), FemtoLevel::ERROR, "sp\u{e4}m")
            .with_key_value("user", "ann");
        let mut body = String::new();
        encode_form(&record, &mut body);
        assert!(
            body.starts_with("name=http&msg=sp%C3%A4m&args=%28%29&levelname=ERROR&levelno=40&"),
            "{body}"
        );
        assert!(body.contains("&processName=MainProcess&"), "{body}");
        assert!(body.ends_with("&user=ann"), "{body}");
    }

    #[rstest]
    #[case(12.0, "12.0")]
    #[case(0.5, "0.5")]
    #[case(1_733_420_000.25, "1733420000.25")]
    fn floats_print_as_python_does(#[case] value: f64, #[case] text: &str) {
        assert_eq!(python_float(value), text);
    }

    #[rstest]
    fn retry_after_reads_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_470);
        assert_eq!(retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(
            retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(retry_after("soon", now), None);
    }
}
