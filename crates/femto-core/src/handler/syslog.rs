//! The syslog handler: the socket handler's transport (UDP, TCP, TLS, Unix
//! sockets; backoff; counted losses) carrying syslog messages made from
//! the formatted text, in the standard library's layout or RFC 5424
//! (docs/syslog.md).

use std::path::PathBuf;
use std::sync::Arc;

use serde_json::{json, Map, Value};

use super::network::{read_tls, write_tls};
use super::socket::{SocketHandlerBuilder, WireFormat};
use super::{FemtoHandler, HandlerOptions};
use crate::builder::{BuildError, CommonOptions, HandlerBuilder};
use crate::config::{ConfigError, HandlerClass, Keys};
use crate::net::syslog::{hostname, SyslogFormat};
use crate::net::TlsOptions;

/// Facility names as the standard library's `SysLogHandler.facility_names`.
const FACILITIES: [(&str, u8); 22] = [
    ("kern", 0),
    ("user", 1),
    ("mail", 2),
    ("daemon", 3),
    ("auth", 4),
    ("syslog", 5),
    ("lpr", 6),
    ("news", 7),
    ("uucp", 8),
    ("cron", 9),
    ("authpriv", 10),
    ("ftp", 11),
    ("ntp", 12),
    ("security", 13),
    ("console", 14),
    ("local0", 16),
    ("local1", 17),
    ("local2", 18),
    ("local3", 19),
    ("local4", 20),
    ("local5", 21),
    ("local6", 22),
];

/// Builds a syslog handler.
#[derive(Debug, Clone)]
pub struct SyslogHandlerBuilder {
    /// Host and port (UDP or TCP); the standard library's default is
    /// `localhost:514` over UDP.
    pub address: Option<(String, u16)>,
    /// A Unix socket (`/dev/log`), datagrams unless `stream`.
    pub path: Option<PathBuf>,
    /// TCP (or a Unix stream socket) instead of datagrams.
    pub stream: bool,
    /// TLS over TCP (RFC 5425).
    pub tls: Option<TlsOptions>,
    /// The facility number (`user` = 1 by default).
    pub facility: u8,
    /// Put before each message (the standard library's `ident`); RFC
    /// 5424's APP-NAME.
    pub ident: String,
    /// The standard library's `append_nul` (its layout only).
    pub append_nul: bool,
    /// RFC 5424 messages (octet-counted on a stream) instead of the
    /// standard library's.
    pub rfc5424: bool,
    /// The options every handler has.
    pub common: CommonOptions,
}

impl Default for SyslogHandlerBuilder {
    fn default() -> Self {
        SyslogHandlerBuilder {
            address: None,
            path: None,
            stream: false,
            tls: None,
            facility: 1,
            ident: String::new(),
            append_nul: true,
            rfc5424: false,
            common: CommonOptions::default(),
        }
    }
}

impl SyslogHandlerBuilder {
    /// To a host and port, UDP unless [`Self::stream`].
    pub fn udp(host: impl Into<String>, port: u16) -> Self {
        SyslogHandlerBuilder {
            address: Some((host.into(), port)),
            ..SyslogHandlerBuilder::default()
        }
    }

    /// To a Unix socket such as `/dev/log`.
    pub fn unix(path: impl Into<PathBuf>) -> Self {
        SyslogHandlerBuilder {
            path: Some(path.into()),
            ..SyslogHandlerBuilder::default()
        }
    }

    /// A stream (TCP, or a Unix stream socket) instead of datagrams.
    pub fn stream(mut self, stream: bool) -> Self {
        self.stream = stream;
        self
    }

    /// RFC 5424 messages.
    pub fn rfc5424(mut self, on: bool) -> Self {
        self.rfc5424 = on;
        self
    }

    /// The facility number.
    pub fn facility(mut self, facility: u8) -> Self {
        self.facility = facility;
        self
    }

    /// The ident (RFC 5424's APP-NAME).
    pub fn ident(mut self, ident: impl Into<String>) -> Self {
        self.ident = ident.into();
        self
    }

    /// The socket handler that carries the messages.
    pub fn socket(&self) -> SocketHandlerBuilder {
        let (tcp, unix) = match (&self.address, &self.path) {
            (None, None) => (Some(("localhost".to_owned(), 514)), None),
            (address, path) => (address.clone(), path.clone()),
        };
        let format = SyslogFormat {
            facility: self.facility,
            ident: self.ident.clone(),
            rfc5424: self.rfc5424,
            append_nul: self.append_nul && !self.rfc5424,
            octet_counting: self.rfc5424 && self.stream,
            hostname: hostname(),
        };
        SocketHandlerBuilder {
            tcp,
            unix,
            tls: self.tls.clone(),
            datagram: !self.stream,
            wire: WireFormat::Syslog(Box::new(format)),
            // As the standard library's handler: a syslog server that is
            // down never makes a logging call wait.
            wait_for_receiver: false,
            common: self.common.clone(),
            ..SocketHandlerBuilder::default()
        }
    }
}

impl HandlerBuilder for SyslogHandlerBuilder {
    fn common(&mut self) -> &mut CommonOptions {
        &mut self.common
    }

    fn common_options(&self) -> &CommonOptions {
        &self.common
    }

    fn build_with(&self, options: HandlerOptions) -> Result<Arc<FemtoHandler>, BuildError> {
        self.socket().build_with(options)
    }
}

/// A facility given as a number or a name (`"local0"`).
fn facility(keys: &Keys<'_>) -> Result<u8, ConfigError> {
    let Some(value) = keys.get::<Value>("facility", &[])? else {
        return Ok(1);
    };
    let found = match &value {
        Value::Number(n) => n
            .as_u64()
            .and_then(|n| u8::try_from(n).ok())
            .filter(|n| *n < 24),
        Value::String(name) => FACILITIES
            .iter()
            .find(|(known, _)| known.eq_ignore_ascii_case(name))
            .map(|(_, n)| *n),
        _ => None,
    };
    found.ok_or_else(|| {
        ConfigError::at(
            (keys.path)("facility"),
            format!("{value} is not a facility (0-23, or a name such as \"local0\")"),
        )
    })
}

impl HandlerClass for SyslogHandlerBuilder {
    const CLASS: &'static str = "syslog";
    const KEYS: &'static [&'static str] = &[
        "host",
        "port",
        "path",
        "socktype",
        "facility",
        "ident",
        "append_nul",
        "format",
        "tls",
        "ca_file",
        "cert_file",
        "key_file",
        "server_name",
        "insecure",
    ];

    fn from_keys(keys: &Keys<'_>) -> Result<Self, ConfigError> {
        let host = keys.get::<String>("host", &[])?;
        let port = keys.get::<u16>("port", &[])?;
        let address = match (host, port) {
            (None, None) => None,
            (host, port) => Some((
                host.unwrap_or_else(|| "localhost".into()),
                port.unwrap_or(514),
            )),
        };
        let stream = match keys.get::<String>("socktype", &[])?.as_deref() {
            None | Some("udp") | Some("dgram") => false,
            Some("tcp") | Some("stream") => true,
            Some(other) => {
                return Err(ConfigError::at(
                    (keys.path)("socktype"),
                    format!("{other:?} is not \"udp\" or \"tcp\""),
                ))
            }
        };
        let rfc5424 = match keys.get::<String>("format", &[])?.as_deref() {
            None | Some("stdlib") => false,
            Some("rfc5424") => true,
            Some(other) => {
                return Err(ConfigError::at(
                    (keys.path)("format"),
                    format!("{other:?} is not \"stdlib\" or \"rfc5424\""),
                ))
            }
        };
        let tls = if keys.get("tls", &[])?.unwrap_or(false) {
            Some(read_tls(keys)?)
        } else {
            None
        };
        Ok(SyslogHandlerBuilder {
            address,
            path: keys.get("path", &[])?,
            stream,
            tls,
            facility: facility(keys)?,
            ident: keys.get("ident", &[])?.unwrap_or_default(),
            append_nul: keys.get("append_nul", &[])?.unwrap_or(true),
            rfc5424,
            common: CommonOptions::default(),
        })
    }

    fn to_keys(&self, keys: &mut Map<String, Value>) {
        if let Some((host, port)) = &self.address {
            keys.insert("host".into(), json!(host));
            keys.insert("port".into(), json!(port));
        }
        if let Some(path) = &self.path {
            keys.insert("path".into(), json!(path.to_str()));
        }
        keys.insert(
            "socktype".into(),
            json!(if self.stream { "tcp" } else { "udp" }),
        );
        keys.insert("facility".into(), json!(self.facility));
        keys.insert("ident".into(), json!(self.ident));
        keys.insert("append_nul".into(), json!(self.append_nul));
        keys.insert(
            "format".into(),
            json!(if self.rfc5424 { "rfc5424" } else { "stdlib" }),
        );
        keys.insert("tls".into(), json!(self.tls.is_some()));
        if let Some(tls) = &self.tls {
            write_tls(tls, keys);
        }
    }

    fn check(&self, path: &dyn Fn(&str) -> String) -> Result<(), ConfigError> {
        self.socket()
            .validate()
            .map(drop)
            .map_err(|e| ConfigError::at(path(e.option()), e))
    }
}
