//! The HTTP handler against a server on loopback that the tests script:
//! the standard library's form payload by GET and POST, JSON batches and
//! their limits, `Retry-After`, retries of 5xx and of reset connections,
//! 4xx not retried, TLS acceptance and refusals, secrets kept out of what
//! the handler reports, and configuration.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use femto_core::builder::HandlerBuilder;
use femto_core::config::{ConfigBuilder, HandlerClass};
use femto_core::handler::{HttpHandlerBuilder, HttpMethod, HttpPayload};
use femto_core::net::{Backoff, TlsOptions};
use femto_core::{FemtoHandler, FemtoLevel, FemtoLogRecord, SourceLocation};
use rstest::rstest;

#[path = "common/pki.rs"]
mod pki;
use pki::{pki, Pki};

/// A request as the server read it.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    at: Instant,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8(self.body.clone()).unwrap()
    }

    /// The form fields of a POST body or a GET query.
    fn form(&self) -> Vec<(String, String)> {
        let encoded = if self.method == "GET" {
            self.target.split_once('?').unwrap().1.to_owned()
        } else {
            self.text()
        };
        encoded
            .split('&')
            .map(|pair| {
                let (k, v) = pair.split_once('=').unwrap();
                (decode(k), decode(v))
            })
            .collect()
    }

    fn field(&self, name: &str) -> String {
        self.form()
            .into_iter()
            .find(|(k, _)| k == name)
            .unwrap_or_else(|| panic!("no {name} in {:?}", self.form()))
            .1
    }
}

fn decode(text: &str) -> String {
    let bytes = text.replace('+', " ").into_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// How the server answers one request.
#[derive(Clone)]
enum Reply {
    Status(u16, &'static [(&'static str, &'static str)]),
    /// Reads the request, then resets the connection unanswered.
    Reset,
}

/// A scripted HTTP/1.1 server: answers in the script's order, then 200.
struct Server {
    port: u16,
    seen: Arc<Mutex<Vec<Seen>>>,
    stop: Arc<AtomicBool>,
}

impl Server {
    fn start(script: Vec<Reply>, tls: Option<&Pki>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let script = Arc::new(Mutex::new(VecDeque::from(script)));
        let tls = tls.map(server_config);
        let (seen2, stop2) = (Arc::clone(&seen), Arc::clone(&stop));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop2.load(Ordering::Acquire) {
                    return;
                }
                let Ok(stream) = stream else { continue };
                let (seen, script, tls) = (Arc::clone(&seen2), Arc::clone(&script), tls.clone());
                std::thread::spawn(move || {
                    let _ = serve(stream, tls, &seen, &script);
                });
            }
        });
        Server { port, seen, stop }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn serve(
    tcp: TcpStream,
    tls: Option<Arc<rustls::ServerConfig>>,
    seen: &Mutex<Vec<Seen>>,
    script: &Mutex<VecDeque<Reply>>,
) -> std::io::Result<()> {
    tcp.set_read_timeout(Some(Duration::from_secs(10)))?;
    let raw = tcp.try_clone()?;
    let stream: Box<dyn ReadWrite> = match tls {
        Some(config) => {
            let connection =
                rustls::ServerConnection::new(config).map_err(std::io::Error::other)?;
            Box::new(rustls::StreamOwned::new(connection, tcp))
        }
        None => Box::new(tcp),
    };
    let mut reader = BufReader::new(stream);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let mut parts = line.split_whitespace();
        let (method, target) = (
            parts.next().unwrap_or("").to_owned(),
            parts.next().unwrap_or("").to_owned(),
        );
        let mut headers = Vec::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line)?;
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            let (name, value) = line.split_once(':').unwrap();
            headers.push((name.to_owned(), value.trim().to_owned()));
        }
        let length = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
            .map_or(0, |(_, v)| v.parse().unwrap());
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        seen.lock().unwrap().push(Seen {
            method,
            target,
            headers,
            body,
            at: Instant::now(),
        });
        let reply = script
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or(Reply::Status(200, &[]));
        match reply {
            Reply::Status(status, headers) => {
                let mut answer = format!("HTTP/1.1 {status} Scripted\r\nContent-Length: 2\r\n");
                for (name, value) in headers {
                    answer.push_str(&format!("{name}: {value}\r\n"));
                }
                answer.push_str("\r\nok");
                reader.get_mut().write_all(answer.as_bytes())?;
                reader.get_mut().flush()?;
            }
            Reply::Reset => {
                socket2::SockRef::from(&raw).set_linger(Some(Duration::ZERO))?;
                return Ok(());
            }
        }
    }
}

trait ReadWrite: Read + Write + Send {}
impl<T: Read + Write + Send> ReadWrite for T {}

fn record(n: usize) -> FemtoLogRecord {
    FemtoLogRecord::new("http.test".into(), FemtoLevel::ERROR, format!("record {n}"))
}

fn send(handler: &FemtoHandler, count: usize) {
    for n in 0..count {
        handler.handle(Arc::new(record(n)));
    }
}

fn close(handler: &FemtoHandler) {
    assert!(handler.close(Duration::from_secs(20)));
}

/// Retries soon, so that the tests stay quick.
fn quick_backoff() -> Backoff {
    Backoff {
        base: Duration::from_millis(20),
        cap: Duration::from_millis(100),
        ..Backoff::default()
    }
}

#[rstest]
#[case::post(HttpMethod::Post)]
#[case::get(HttpMethod::Get)]
fn the_form_payload_is_the_standard_librarys(#[case] method: HttpMethod) {
    let server = Server::start(vec![], None);
    let handler = HttpHandlerBuilder::new(server.url("/frob").replace("://", "://foo:bar@"))
        .method(method)
        .payload(HttpPayload::Form)
        .build()
        .unwrap();
    let location = SourceLocation {
        file: Some("/src/app/main.py".into()),
        line: 7,
        function: Some("test_output".into()),
        module: None,
    };
    let record = FemtoLogRecord::new("http".into(), FemtoLevel::ERROR, "sp\u{e4}m & eggs")
        .with_location(location)
        .with_key_value("user", "ann");
    handler.handle(Arc::new(record));
    close(&handler);
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    let request = &seen[0];
    let expected = if method == HttpMethod::Get {
        "GET"
    } else {
        "POST"
    };
    assert_eq!(request.method, expected);
    assert_eq!(request.target.split('?').next(), Some("/frob"));
    // As `HTTPHandler(credentials=("foo", "bar"))`.
    assert_eq!(request.header("authorization"), Some("Basic Zm9vOmJhcg=="));
    if method == HttpMethod::Post {
        assert_eq!(
            request.header("content-type"),
            Some("application/x-www-form-urlencoded")
        );
    }
    for (name, value) in [
        ("name", "http"),
        ("msg", "sp\u{e4}m & eggs"),
        ("args", "()"),
        ("levelname", "ERROR"),
        ("levelno", "40"),
        ("pathname", "/src/app/main.py"),
        ("filename", "main.py"),
        ("module", "main"),
        ("lineno", "7"),
        ("funcName", "test_output"),
        ("user", "ann"),
    ] {
        assert_eq!(request.field(name), value, "{name}");
    }
    assert_eq!(handler.stats().written, 1);
}

#[rstest]
#[case::lines(HttpPayload::JsonLines, "application/x-ndjson")]
#[case::array(HttpPayload::JsonArray, "application/json")]
fn json_batches_hold_at_most_batch_records(
    #[case] payload: HttpPayload,
    #[case] content_type: &str,
) {
    let server = Server::start(vec![], None);
    let handler = HttpHandlerBuilder::new(server.url("/bulk"))
        .payload(payload)
        .header("X-Env", "test")
        .batch(10, 1 << 20, Duration::from_secs(60))
        .build()
        .unwrap();
    send(&handler, 25);
    assert!(handler.flush(Duration::from_secs(10)));
    let seen = server.seen();
    let mut messages = Vec::new();
    for request in &seen {
        assert_eq!(request.header("content-type"), Some(content_type));
        assert_eq!(request.header("x-env"), Some("test"));
        let records: Vec<serde_json::Value> = match payload {
            HttpPayload::JsonArray => serde_json::from_slice(&request.body).unwrap(),
            _ => request
                .text()
                .lines()
                .map(|line| serde_json::from_str(line).unwrap())
                .collect(),
        };
        assert!(records.len() <= 10, "{}", records.len());
        messages.extend(
            records
                .iter()
                .map(|r| r["message"].as_str().unwrap().to_owned()),
        );
    }
    let expected: Vec<String> = (0..25).map(|n| format!("record {n}")).collect();
    assert_eq!(messages, expected);
    assert_eq!(seen.len(), 3, "10 + 10 + 5");
    close(&handler);
}

#[rstest]
fn a_batch_goes_when_its_first_record_is_batch_age_old() {
    let server = Server::start(vec![], None);
    let handler = HttpHandlerBuilder::new(server.url("/bulk"))
        .payload(HttpPayload::JsonLines)
        .batch(1000, 1 << 20, Duration::from_millis(300))
        .build()
        .unwrap();
    let sent = Instant::now();
    send(&handler, 3);
    let deadline = Instant::now() + Duration::from_secs(5);
    while server.seen().is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    let age = seen[0].at - sent;
    assert!(
        age >= Duration::from_millis(250) && age < Duration::from_millis(1500),
        "{age:?}"
    );
    assert_eq!(seen[0].text().lines().count(), 3);
    close(&handler);
}

#[rstest]
fn a_record_larger_than_a_batch_is_dropped_and_counted() {
    let server = Server::start(vec![], None);
    let handler = HttpHandlerBuilder::new(server.url("/bulk"))
        .payload(HttpPayload::JsonLines)
        .batch(1000, 400, Duration::from_secs(60))
        .build()
        .unwrap();
    handler.handle(Arc::new(record(0)));
    handler.handle(Arc::new(FemtoLogRecord::new(
        "http.test".into(),
        FemtoLevel::ERROR,
        "x".repeat(1000),
    )));
    close(&handler);
    let stats = handler.stats();
    assert_eq!((stats.written, stats.dropped), (1, 1), "{stats:?}");
    assert_eq!(server.seen().len(), 1);
}

#[rstest]
#[case::too_many_requests(429)]
#[case::unavailable(503)]
fn retry_after_is_honoured(#[case] status: u16) {
    let server = Server::start(vec![Reply::Status(status, &[("Retry-After", "1")])], None);
    let handler = HttpHandlerBuilder::new(server.url("/bulk"))
        .payload(HttpPayload::JsonLines)
        .backoff(quick_backoff())
        .build()
        .unwrap();
    send(&handler, 5);
    assert!(handler.flush(Duration::from_secs(10)));
    let deadline = Instant::now() + Duration::from_secs(5);
    while server.seen().len() < 2 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    let waited = seen[1].at - seen[0].at;
    assert!(
        waited >= Duration::from_millis(900) && waited <= Duration::from_millis(1100),
        "waited {waited:?} for Retry-After: 1"
    );
    assert_eq!(seen[0].body, seen[1].body);
    close(&handler);
    let stats = handler.stats();
    assert_eq!((stats.written, stats.dropped), (5, 0), "{stats:?}");
}

#[rstest]
#[case::bad_request(400)]
#[case::unauthorized(401)]
#[case::not_found(404)]
fn client_errors_are_not_retried(#[case] status: u16) {
    let server = Server::start(vec![Reply::Status(status, &[])], None);
    let handler = HttpHandlerBuilder::new(server.url("/bulk"))
        .payload(HttpPayload::JsonLines)
        .backoff(quick_backoff())
        .build()
        .unwrap();
    send(&handler, 4);
    assert!(handler.flush(Duration::from_secs(10)));
    send(&handler, 2);
    close(&handler);
    let seen = server.seen();
    assert_eq!(seen.len(), 2, "the refused batch was not sent again");
    let stats = handler.stats();
    assert_eq!((stats.written, stats.dropped), (2, 4), "{stats:?}");
    assert!(stats.errors >= 1, "{stats:?}");
}

#[rstest]
#[case::server_error(vec![Reply::Status(500, &[]), Reply::Status(502, &[])])]
#[case::connection_reset(vec![Reply::Reset, Reply::Reset])]
fn failures_are_retried_and_duplicates_stay_within_the_retries(#[case] script: Vec<Reply>) {
    let retried = script.len();
    let server = Server::start(script, None);
    let handler = HttpHandlerBuilder::new(server.url("/bulk"))
        .payload(HttpPayload::JsonLines)
        .batch(10, 1 << 20, Duration::from_millis(50))
        .backoff(quick_backoff())
        .build()
        .unwrap();
    send(&handler, 30);
    assert!(handler.flush(Duration::from_secs(10)));
    let deadline = Instant::now() + Duration::from_secs(10);
    let lines = |server: &Server| -> Vec<String> {
        server
            .seen()
            .iter()
            .flat_map(|r| r.text().lines().map(str::to_owned).collect::<Vec<_>>())
            .collect()
    };
    while lines(&server).len() < 30 + retried * 10 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    close(&handler);
    let lines = lines(&server);
    let mut distinct = lines.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 30, "every record arrived");
    let duplicates = lines.len() - distinct.len();
    assert!(
        duplicates <= retried * 10,
        "{duplicates} duplicates from {retried} retried batches"
    );
    let stats = handler.stats();
    assert_eq!((stats.written, stats.dropped), (30, 0), "{stats:?}");
}

#[rstest]
fn a_server_that_stays_down_costs_a_bounded_close_and_is_counted() {
    // Nothing listens on this port.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let handler = HttpHandlerBuilder::new(format!("http://127.0.0.1:{port}/bulk"))
        .payload(HttpPayload::JsonLines)
        .backoff(quick_backoff())
        .build()
        .unwrap();
    let started = Instant::now();
    send(&handler, 50);
    assert!(started.elapsed() < Duration::from_millis(500));
    close(&handler);
    assert!(started.elapsed() < Duration::from_secs(15));
    let stats = handler.stats();
    assert_eq!((stats.written, stats.dropped), (0, 50), "{stats:?}");
}

fn server_config(pki: &Pki) -> Arc<rustls::ServerConfig> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs = CertificateDer::pem_file_iter(&pki.cert)
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_file(&pki.key).unwrap();
    let config =
        rustls::ServerConfig::builder_with_provider(femto_core::net::tls::crypto_provider())
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .unwrap();
    Arc::new(config)
}

#[rstest]
fn https_with_a_trusted_certificate_delivers() {
    let pki = pki(&["localhost"], (4000, 1, 1));
    let server = Server::start(vec![], Some(&pki));
    let handler = HttpHandlerBuilder::new(format!("https://localhost:{}/in", server.port))
        .tls(TlsOptions {
            ca_file: Some(pki.ca.clone()),
            ..TlsOptions::default()
        })
        .payload(HttpPayload::JsonLines)
        .build()
        .unwrap();
    send(&handler, 20);
    close(&handler);
    let lines: usize = server.seen().iter().map(|r| r.text().lines().count()).sum();
    assert_eq!(lines, 20);
    assert_eq!(handler.stats().written, 20);
}

#[rstest]
#[case::untrusted(false)]
#[case::wrong_name(true)]
fn https_refuses_bad_certificates(#[case] wrong_name: bool) {
    let name = if wrong_name {
        "other.test"
    } else {
        "localhost"
    };
    let served = pki(&[name], (4000, 1, 1));
    let other = pki(&["localhost"], (4000, 1, 1));
    let trusted = if wrong_name { &served } else { &other }.ca.clone();
    let server = Server::start(vec![], Some(&served));
    let handler = HttpHandlerBuilder::new(format!("https://localhost:{}/in", server.port))
        .tls(TlsOptions {
            ca_file: Some(trusted),
            ..TlsOptions::default()
        })
        .payload(HttpPayload::JsonLines)
        .backoff(quick_backoff())
        .build()
        .unwrap();
    send(&handler, 5);
    close(&handler);
    assert!(server.seen().is_empty());
    let stats = handler.stats();
    assert_eq!((stats.written, stats.dropped), (0, 5), "{stats:?}");
    assert!(stats.errors >= 1);
}

#[rstest]
fn secrets_stay_out_of_what_the_handler_reports() {
    let server = Server::start(vec![Reply::Status(400, &[])], None);
    let url = server
        .url("/in?token=tok3n-s3cret")
        .replace("://", "://ann:hunter2@");
    let handler = HttpHandlerBuilder::new(url)
        .payload(HttpPayload::JsonLines)
        .header("X-Api-Key", "k3y-s3cret")
        .name("secretive")
        .build()
        .unwrap();
    let reported = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = Arc::clone(&reported);
    femto_core::error_hook::set_error_hook(Some(Box::new(
        move |error: &femto_core::error_hook::HandlerError<'_>| {
            if error.handler.starts_with("secretive") {
                sink.lock().unwrap().push(error.message.to_owned());
            }
        },
    )));
    send(&handler, 1);
    close(&handler);
    // An Authorization header of the caller's, to a server that is down.
    let closed_port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let with_header = HttpHandlerBuilder::new(format!("http://127.0.0.1:{closed_port}/in"))
        .header("Authorization", "Bearer h3ader-s3cret")
        .backoff(quick_backoff())
        .name("secretive-header");
    let shown_builder = format!("{with_header:?}");
    let header_handler = with_header.build().unwrap();
    send(&header_handler, 1);
    close(&header_handler);
    assert!(!shown_builder.contains("h3ader-s3cret"), "{shown_builder}");
    femto_core::error_hook::set_error_hook(None);
    let reported = reported.lock().unwrap().clone();
    assert!(reported.len() >= 2, "{reported:?}");
    for text in reported.iter().chain([
        &handler.name().to_owned(),
        &format!(
            "{:?}",
            HttpHandlerBuilder::new("https://ann:hunter2@x/?token=tok3n-s3cret")
        ),
    ]) {
        for secret in [
            "hunter2",
            "tok3n-s3cret",
            "k3y-s3cret",
            "YW5uOmh1bnRlcjI=",
            "h3ader-s3cret",
        ] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
    }
    // The request itself carried them.
    let seen = server.seen();
    assert_eq!(
        seen[0].header("authorization"),
        Some("Basic YW5uOmh1bnRlcjI=")
    );
    assert_eq!(seen[0].header("x-api-key"), Some("k3y-s3cret"));
}

#[rstest]
fn an_http_handler_round_trips_through_a_configuration_file() {
    let server = Server::start(vec![], None);
    let text = format!(
        r#"
        [handlers.collector]
        class = "http"
        url = "{}"
        payload = "ndjson"
        bearer_token = "t0k3n"
        batch_max_records = 5
        headers = {{ "X-Env" = "prod" }}

        [root]
        level = "INFO"
        handlers = ["collector"]
        "#,
        server.url("/bulk")
    );
    let config = ConfigBuilder::from_toml(&text).unwrap();
    let json = config.to_json().unwrap();
    let again = ConfigBuilder::from_json(&json).unwrap();
    assert_eq!(again.to_json().unwrap(), json);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    // The class's own keys (the common ones are the handler options').
    let mut description = value["handlers"]["collector"].as_object().unwrap().clone();
    description.retain(|key, _| key == "class" || HttpHandlerBuilder::KEYS.contains(&key.as_str()));
    let description = serde_json::Value::Object(description).to_string();
    let handler = femto_core::config::handler_from_json(&description, Default::default()).unwrap();
    send(&handler, 12);
    close(&handler);
    let seen = server.seen();
    assert_eq!(seen.len(), 3);
    assert_eq!(seen[0].header("authorization"), Some("Bearer t0k3n"));
    assert_eq!(seen[0].header("x-env"), Some("prod"));
}

#[rstest]
#[case(r#"{"class": "http"}"#, "url")]
#[case(r#"{"class": "http", "url": "ftp://x/"}"#, "url")]
#[case(r#"{"class": "http", "url": "http://x/", "method": "PUT"}"#, "method")]
#[case(
    r#"{"class": "http", "url": "http://x/", "method": "GET", "payload": "ndjson"}"#,
    "method"
)]
#[case(
    r#"{"class": "http", "url": "http://x/", "payload": "xml"}"#,
    "payload"
)]
#[case(
    r#"{"class": "http", "url": "http://x/", "ca_file": "/ca.pem"}"#,
    "tls"
)]
#[case(
    r#"{"class": "http", "url": "http://x/", "password": "p"}"#,
    "password"
)]
fn bad_http_descriptions_name_the_key(#[case] description: &str, #[case] key: &str) {
    let error = femto_core::config::handler_from_json(description, Default::default())
        .err()
        .unwrap();
    assert!(error.path.ends_with(key), "{error:?}");
}
