//! The other end of the socket handler: listens on TCP, TLS or a Unix
//! socket, decodes each frame and hands the record on — by default to the
//! logger of the same name in this process, so the receiving program's
//! own configuration (a file, the console) writes it.
//!
//! Stopping is graceful: the receiver stops accepting, closes its sending
//! side of every connection (a FIN, which senders take as "reconnect"),
//! and reads what is still in flight until each sender closes or a grace
//! period ends. A socket handler that restarts against it loses nothing.

use std::io::{self, Read};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig, ServerConnection, StreamOwned};

use super::frame::{self, Frame, DEFAULT_MAX_FRAME};
use crate::record::FemtoLogRecord;
use crate::sync::lock;

/// Where a receiver listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listen {
    /// TCP on an address (port 0: any free port, see [`Receiver::local_addr`]).
    Tcp(SocketAddr),
    /// TLS over TCP with this certificate chain and key (PEM files).
    Tls {
        /// The address.
        address: SocketAddr,
        /// The server's certificate chain.
        cert_file: PathBuf,
        /// Its private key.
        key_file: PathBuf,
        /// Require a client certificate signed by one of these roots (PEM).
        client_ca_file: Option<PathBuf>,
    },
    /// A Unix domain socket (a stale socket file is replaced).
    Unix(PathBuf),
}

/// A receiver described in JSON, as bindings and the command line give it:
/// `{"tcp": "127.0.0.1:9020"}`, `{"unix": "/run/app.sock"}` or
/// `{"tls": "[::1]:9020", "cert_file": "server.pem", "key_file":
/// "server.key"}` (and `"client_ca_file"` to require client
/// certificates), with an optional `"max_frame_bytes"`.
pub fn describe_listen(json: &str) -> Result<(Listen, usize), String> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Description {
        tcp: Option<String>,
        unix: Option<PathBuf>,
        tls: Option<String>,
        cert_file: Option<PathBuf>,
        key_file: Option<PathBuf>,
        client_ca_file: Option<PathBuf>,
        max_frame_bytes: Option<usize>,
    }
    let d: Description = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let address = |text: &str| -> Result<SocketAddr, String> {
        std::net::ToSocketAddrs::to_socket_addrs(text)
            .map_err(|e| format!("{text:?}: {e}"))?
            .next()
            .ok_or_else(|| format!("{text:?} has no address"))
    };
    if d.tls.is_none() && d.client_ca_file.is_some() {
        return Err("client_ca_file goes with tls".into());
    }
    let listen = match (d.tcp, d.unix, d.tls, d.cert_file, d.key_file) {
        (Some(tcp), None, None, None, None) => Listen::Tcp(address(&tcp)?),
        (None, Some(path), None, None, None) => Listen::Unix(path),
        (None, None, Some(tls), Some(cert_file), Some(key_file)) => Listen::Tls {
            address: address(&tls)?,
            cert_file,
            key_file,
            client_ca_file: d.client_ca_file,
        },
        (None, None, Some(_), _, _) => return Err("tls needs cert_file and key_file".into()),
        _ => {
            return Err(
                "give exactly one of tcp, unix or tls (cert_file and key_file go with tls)".into(),
            )
        }
    };
    let max_frame = d.max_frame_bytes.unwrap_or(DEFAULT_MAX_FRAME);
    if max_frame == 0 {
        return Err("max_frame_bytes must be above zero".into());
    }
    Ok((listen, max_frame))
}

/// What a receiver does with each record.
pub type Deliver = Arc<dyn Fn(FemtoLogRecord) + Send + Sync>;

/// Hands each record to the logger of its name in the global registry
/// (its level is not checked again: the sender did that).
pub fn to_loggers() -> Deliver {
    Arc::new(|record: FemtoLogRecord| {
        if let Ok(logger) = crate::Manager::global().get_logger(&record.logger) {
            logger.dispatch(record);
        }
    })
}

/// Counters of a receiver.
#[derive(Debug, Default)]
struct Counters {
    records: AtomicU64,
    bad_frames: AtomicU64,
    connections: AtomicU64,
}

/// A snapshot of a receiver's counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReceiverStats {
    /// Records decoded and delivered.
    pub records: u64,
    /// Frames skipped: over the size limit, undecodable, or cut off.
    pub bad_frames: u64,
    /// Connections accepted.
    pub connections: u64,
}

/// A running receiver. Dropping it stops it (see [`Receiver::stop`]).
pub struct Receiver {
    local: Local,
    shared: Arc<Shared>,
    acceptor: Option<JoinHandle<()>>,
}

#[derive(Debug, Clone)]
enum Local {
    Tcp(SocketAddr),
    Unix(PathBuf),
}

struct Shared {
    stopping: AtomicBool,
    counters: Counters,
    /// Live connections: a handle to close their sending side at stop,
    /// and their reader threads.
    connections: Mutex<Vec<(Peer, JoinHandle<()>)>>,
    deliver: Deliver,
    max_frame: usize,
}

enum Peer {
    Tcp(TcpStream),
    Unix(UnixStream),
}

impl Peer {
    fn shutdown(&self, how: Shutdown) {
        let _ = match self {
            Peer::Tcp(s) => s.shutdown(how),
            Peer::Unix(s) => s.shutdown(how),
        };
    }
}

/// How often the accept loop checks for a stop.
const ACCEPT_POLL: Duration = Duration::from_millis(20);
/// How long a stop waits for senders to close before cutting them off.
pub const STOP_GRACE: Duration = Duration::from_secs(2);

impl Receiver {
    /// Starts listening; each record goes to `deliver`, on the
    /// connection's own thread.
    pub fn start(listen: Listen, deliver: Deliver) -> io::Result<Receiver> {
        Self::start_with_limit(listen, deliver, DEFAULT_MAX_FRAME)
    }

    /// As [`Receiver::start`], skipping payloads over `max_frame` bytes.
    pub fn start_with_limit(
        listen: Listen,
        deliver: Deliver,
        max_frame: usize,
    ) -> io::Result<Receiver> {
        let shared = Arc::new(Shared {
            stopping: AtomicBool::new(false),
            counters: Counters::default(),
            connections: Mutex::new(Vec::new()),
            deliver,
            max_frame,
        });
        let (local, acceptor): (Local, Acceptor) = match listen {
            Listen::Tcp(address) => {
                let listener = TcpListener::bind(address)?;
                listener.set_nonblocking(true)?;
                (
                    Local::Tcp(listener.local_addr()?),
                    Box::new(move || accept_tcp(&listener, None)),
                )
            }
            Listen::Tls {
                address,
                cert_file,
                key_file,
                client_ca_file,
            } => {
                let config = server_config(&cert_file, &key_file, client_ca_file.as_deref())?;
                let listener = TcpListener::bind(address)?;
                listener.set_nonblocking(true)?;
                (
                    Local::Tcp(listener.local_addr()?),
                    Box::new(move || accept_tcp(&listener, Some(&config))),
                )
            }
            Listen::Unix(path) => {
                if std::fs::symlink_metadata(&path)
                    .is_ok_and(|m| std::os::unix::fs::FileTypeExt::is_socket(&m.file_type()))
                {
                    std::fs::remove_file(&path)?;
                }
                let listener = UnixListener::bind(&path)?;
                listener.set_nonblocking(true)?;
                (
                    Local::Unix(path),
                    Box::new(move || match listener.accept() {
                        Ok((stream, _)) => {
                            stream.set_nonblocking(false)?;
                            Ok(Some(Accepted {
                                peer: Peer::Unix(stream.try_clone()?),
                                reader: Box::new(stream),
                            }))
                        }
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(None),
                        Err(e) => Err(e),
                    }),
                )
            }
        };
        let accepting = Arc::clone(&shared);
        let acceptor = std::thread::Builder::new()
            .name("femto-receiver".into())
            .spawn(move || accept_loop(&accepting, acceptor))?;
        Ok(Receiver {
            local,
            shared,
            acceptor: Some(acceptor),
        })
    }

    /// The TCP address listened on (the port chosen for port 0).
    pub fn local_addr(&self) -> Option<SocketAddr> {
        match &self.local {
            Local::Tcp(address) => Some(*address),
            Local::Unix(_) => None,
        }
    }

    /// Whether [`Receiver::stop_in_place`] has run.
    pub fn is_stopped(&self) -> bool {
        self.acceptor.is_none()
    }

    /// As [`Receiver::stop`], keeping the receiver to read its counters.
    /// A second call does nothing.
    pub fn stop_in_place(&mut self, grace: Duration) {
        if self.acceptor.is_some() {
            self.stop_now(grace);
        }
    }

    /// The counters so far.
    pub fn stats(&self) -> ReceiverStats {
        let counters = &self.shared.counters;
        ReceiverStats {
            records: counters.records.load(Ordering::Acquire),
            bad_frames: counters.bad_frames.load(Ordering::Acquire),
            connections: counters.connections.load(Ordering::Acquire),
        }
    }

    /// Stops gracefully (see the module's documentation) within `grace`
    /// plus a little; returns the final counters.
    pub fn stop(mut self, grace: Duration) -> ReceiverStats {
        self.stop_now(grace);
        self.stats()
    }

    fn stop_now(&mut self, grace: Duration) {
        self.shared.stopping.store(true, Ordering::Release);
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
        let connections = std::mem::take(&mut *lock(&self.shared.connections));
        for (peer, _) in &connections {
            peer.shutdown(Shutdown::Write);
        }
        let deadline = Instant::now() + grace;
        for (peer, reader) in connections {
            while !reader.is_finished() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(5));
            }
            peer.shutdown(Shutdown::Both);
            let _ = reader.join();
        }
        if let Local::Unix(path) = &self.local {
            let _ = std::fs::remove_file(path);
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        if self.acceptor.is_some() {
            self.stop_now(STOP_GRACE);
        }
    }
}

/// Accepts the next connection, if one is waiting (never blocks).
type Acceptor = Box<dyn FnMut() -> io::Result<Option<Accepted>> + Send>;

/// A connection just accepted.
struct Accepted {
    peer: Peer,
    reader: Box<dyn Read + Send>,
}

fn accept_tcp(
    listener: &TcpListener,
    tls: Option<&Arc<ServerConfig>>,
) -> io::Result<Option<Accepted>> {
    let (stream, _) = match listener.accept() {
        Ok(accepted) => accepted,
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(None),
        Err(e) => return Err(e),
    };
    stream.set_nonblocking(false)?;
    let peer = Peer::Tcp(stream.try_clone()?);
    let reader: Box<dyn Read + Send> = match tls {
        Some(config) => {
            let connection = ServerConnection::new(Arc::clone(config)).map_err(io::Error::other)?;
            Box::new(StreamOwned::new(connection, stream))
        }
        None => Box::new(stream),
    };
    Ok(Some(Accepted { peer, reader }))
}

fn accept_loop(shared: &Arc<Shared>, mut accept: Acceptor) {
    while !shared.stopping.load(Ordering::Acquire) {
        match accept() {
            Ok(Some(accepted)) => serve(shared, accepted),
            // Nothing waiting; or a failed accept (a TLS setup, a peer gone
            // already), which ends that connection only.
            Ok(None) | Err(_) => std::thread::sleep(ACCEPT_POLL),
        }
    }
    // Connections the kernel completed meanwhile are served too: their
    // senders have written already, and closing the listener would reset
    // them, losing it.
    while let Ok(Some(accepted)) = accept() {
        serve(shared, accepted);
    }
}

/// Reads an accepted connection on its own thread.
fn serve(shared: &Arc<Shared>, Accepted { peer, mut reader }: Accepted) {
    shared.counters.connections.fetch_add(1, Ordering::AcqRel);
    let reading = Arc::clone(shared);
    let spawned = std::thread::Builder::new()
        .name("femto-receiver-conn".into())
        .spawn(move || read_records(&reading, &mut *reader));
    let mut connections = lock(&shared.connections);
    connections.retain(|(_, reader)| !reader.is_finished());
    if let Ok(reader) = spawned {
        connections.push((peer, reader));
    }
}

/// Reads frames until the sender closes.
fn read_records(shared: &Shared, mut stream: &mut dyn Read) {
    let mut payload = Vec::new();
    let counters = &shared.counters;
    loop {
        match frame::read_frame(&mut stream, shared.max_frame, &mut payload) {
            Ok(Frame::Payload) => match frame::decode(&payload) {
                Ok(record) => {
                    (shared.deliver)(record.into_record());
                    counters.records.fetch_add(1, Ordering::AcqRel);
                }
                Err(_) => {
                    counters.bad_frames.fetch_add(1, Ordering::AcqRel);
                }
            },
            Ok(Frame::Skipped(_)) => {
                counters.bad_frames.fetch_add(1, Ordering::AcqRel);
            }
            Ok(Frame::End) => return,
            Err(e) => {
                if e.kind() == io::ErrorKind::UnexpectedEof {
                    counters.bad_frames.fetch_add(1, Ordering::AcqRel);
                }
                return;
            }
        }
    }
}

/// The certificates of a PEM file.
fn pem_certificates(path: &Path) -> io::Result<Vec<CertificateDer<'static>>> {
    CertificateDer::pem_file_iter(path)
        .and_then(|items| items.collect::<Result<Vec<_>, _>>())
        .map_err(|e| io::Error::other(format!("{path:?}: {e}")))
}

/// The server side of TLS, from PEM files; with `client_ca_file`, clients
/// must present a certificate signed by one of its roots.
fn server_config(
    cert_file: &Path,
    key_file: &Path,
    client_ca_file: Option<&Path>,
) -> io::Result<Arc<ServerConfig>> {
    let provider = super::tls::crypto_provider();
    let key = PrivateKeyDer::from_pem_file(key_file)
        .map_err(|e| io::Error::other(format!("{key_file:?}: {e}")))?;
    let builder = ServerConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .map_err(io::Error::other)?;
    let builder = match client_ca_file {
        None => builder.with_no_client_auth(),
        Some(path) => {
            let mut roots = RootCertStore::empty();
            roots.add_parsable_certificates(pem_certificates(path)?);
            let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .map_err(|e| io::Error::other(format!("{path:?}: {e}")))?;
            builder.with_client_cert_verifier(verifier)
        }
    };
    let config = builder
        .with_single_cert(pem_certificates(cert_file)?, key)
        .map_err(io::Error::other)?;
    Ok(Arc::new(config))
}
