//! Where a network handler connects, and the connection it gets: TCP
//! (IPv4 or IPv6, optionally with TLS) or a Unix domain socket. Connecting
//! and writing are bounded by their own timeouts.

use std::fmt;
use std::io::{self, Read, Write};
use std::mem::MaybeUninit;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream, ToSocketAddrs, UdpSocket};
use std::os::unix::net::{UnixDatagram, UnixStream};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use rustls::{ClientConfig, ClientConnection, StreamOwned};
use socket2::{Domain, SockAddr, SockRef, Socket, Type};

use super::tls::{TlsOptions, TlsSetupError};

/// Where to connect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    /// TCP to a host name or an IPv4/IPv6 literal (`"::1"` or `"[::1]"`).
    Tcp {
        /// The host.
        host: String,
        /// The port.
        port: u16,
        /// TLS over the connection, if set.
        tls: Option<TlsOptions>,
    },
    /// UDP to a host and port: one datagram per frame, nothing to
    /// connect to and no delivery report.
    Udp {
        /// The host.
        host: String,
        /// The port.
        port: u16,
    },
    /// A Unix domain datagram socket (such as `/dev/log`): one datagram
    /// per frame.
    UnixDatagram {
        /// The socket's path.
        path: PathBuf,
    },
    /// A Unix domain stream socket.
    Unix {
        /// The socket's path.
        path: PathBuf,
    },
}

impl fmt::Display for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Transport::Tcp { host, port, tls } => {
                let scheme = if tls.is_some() { "tls" } else { "tcp" };
                if host.contains(':') && !host.starts_with('[') {
                    write!(f, "{scheme}://[{host}]:{port}")
                } else {
                    write!(f, "{scheme}://{host}:{port}")
                }
            }
            Transport::Udp { host, port } if host.contains(':') && !host.starts_with('[') => {
                write!(f, "udp://[{host}]:{port}")
            }
            Transport::Udp { host, port } => write!(f, "udp://{host}:{port}"),
            Transport::Unix { path } => write!(f, "unix:{}", path.display()),
            Transport::UnixDatagram { path } => write!(f, "unixgram:{}", path.display()),
        }
    }
}

/// A transport ready to connect: its TLS settings loaded once.
pub(crate) struct Endpoint {
    transport: Transport,
    tls: Option<Arc<ClientConfig>>,
}

impl Endpoint {
    /// Loads the TLS settings (files are read here, not at each connect).
    pub(crate) fn new(transport: Transport) -> Result<Self, TlsSetupError> {
        let tls = match &transport {
            Transport::Tcp {
                host,
                tls: Some(options),
                ..
            } => {
                options.server_name(host)?;
                Some(options.client_config()?)
            }
            _ => None,
        };
        Ok(Endpoint { transport, tls })
    }

    pub(crate) fn transport(&self) -> &Transport {
        &self.transport
    }

    /// Connects within `connect_timeout` (TLS handshake included); writes
    /// on the connection give up after `write_timeout`.
    pub(crate) fn connect(
        &self,
        connect_timeout: Duration,
        write_timeout: Duration,
    ) -> io::Result<Connection> {
        match &self.transport {
            Transport::Tcp { host, port, tls } => {
                let stream = connect_tcp(host, *port, connect_timeout)?;
                stream.set_nodelay(true)?;
                let connection = match (&self.tls, tls) {
                    (Some(config), Some(options)) => Connection::Tls(Box::new(handshake(
                        config,
                        options,
                        host,
                        stream,
                        connect_timeout,
                    )?)),
                    _ => Connection::Tcp(stream),
                };
                connection.set_write_timeout(write_timeout)?;
                Ok(connection)
            }
            Transport::Udp { host, port } => Ok(Connection::Udp(connect_udp(host, *port)?)),
            Transport::UnixDatagram { path } => {
                let socket = UnixDatagram::unbound()?;
                socket.connect(path)?;
                socket.set_write_timeout(Some(write_timeout))?;
                Ok(Connection::UnixDatagram(socket))
            }
            Transport::Unix { path } => {
                let socket = Socket::new(Domain::UNIX, Type::STREAM, None)?;
                socket.connect_timeout(&SockAddr::unix(path)?, connect_timeout)?;
                let stream = UnixStream::from(socket);
                stream.set_write_timeout(Some(write_timeout))?;
                Ok(Connection::Unix(stream))
            }
        }
    }
}

/// Tries each address of `host` in turn.
fn connect_tcp(host: &str, port: u16, timeout: Duration) -> io::Result<TcpStream> {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let mut last = None;
    for address in (bare, port).to_socket_addrs()? {
        match TcpStream::connect_timeout(&address, timeout) {
            Ok(stream) => return Ok(stream),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| {
        io::Error::new(io::ErrorKind::NotFound, format!("{host:?} has no address"))
    }))
}

/// A UDP socket aimed at the first address of `host`.
fn connect_udp(host: &str, port: u16) -> io::Result<UdpSocket> {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let address = (bare, port).to_socket_addrs()?.next().ok_or_else(|| {
        io::Error::new(io::ErrorKind::NotFound, format!("{host:?} has no address"))
    })?;
    let local: SocketAddr = if address.is_ipv6() {
        (Ipv6Addr::UNSPECIFIED, 0).into()
    } else {
        (Ipv4Addr::UNSPECIFIED, 0).into()
    };
    let socket = UdpSocket::bind(local)?;
    socket.connect(address)?;
    Ok(socket)
}

fn handshake(
    config: &Arc<ClientConfig>,
    options: &TlsOptions,
    host: &str,
    mut stream: TcpStream,
    timeout: Duration,
) -> io::Result<StreamOwned<ClientConnection, TcpStream>> {
    let name = options.server_name(host).map_err(io::Error::other)?;
    let mut connection =
        ClientConnection::new(Arc::clone(config), name).map_err(io::Error::other)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    while connection.is_handshaking() {
        connection
            .complete_io(&mut stream)
            .map_err(|e| io::Error::new(e.kind(), format!("TLS handshake failed: {e}")))?;
    }
    Ok(StreamOwned::new(connection, stream))
}

/// An open connection.
pub(crate) enum Connection {
    Tcp(TcpStream),
    Unix(UnixStream),
    Tls(Box<StreamOwned<ClientConnection, TcpStream>>),
    Udp(UdpSocket),
    UnixDatagram(UnixDatagram),
}

impl Connection {
    /// Whether each frame goes out as a datagram of its own.
    pub(crate) fn is_datagram(&self) -> bool {
        matches!(self, Connection::Udp(_) | Connection::UnixDatagram(_))
    }

    /// Bounds each later write (`None`: none).
    pub(crate) fn set_write_timeout_to(&self, timeout: Option<Duration>) -> io::Result<()> {
        match timeout {
            Some(timeout) => self.set_write_timeout(timeout),
            None => self.socket().set_write_timeout(None),
        }
    }

    /// Bounds each later read (`None`: none).
    pub(crate) fn set_read_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        self.socket().set_read_timeout(timeout)
    }

    /// Whether the connection runs TLS.
    pub(crate) fn is_tls(&self) -> bool {
        matches!(self, Connection::Tls(_))
    }

    fn socket(&self) -> SockRef<'_> {
        match self {
            Connection::Tcp(stream) => SockRef::from(stream),
            Connection::Unix(stream) => SockRef::from(stream),
            Connection::Tls(tls) => SockRef::from(&tls.sock),
            Connection::Udp(socket) => SockRef::from(socket),
            Connection::UnixDatagram(socket) => SockRef::from(socket),
        }
    }

    fn set_write_timeout(&self, timeout: Duration) -> io::Result<()> {
        match self {
            Connection::Tcp(stream) => stream.set_write_timeout(Some(timeout)),
            Connection::Unix(stream) => stream.set_write_timeout(Some(timeout)),
            Connection::Tls(tls) => tls.sock.set_write_timeout(Some(timeout)),
            Connection::Udp(socket) => socket.set_write_timeout(Some(timeout)),
            Connection::UnixDatagram(socket) => socket.set_write_timeout(Some(timeout)),
        }
    }

    /// Whether the peer has closed its side (a receiver stopping sends
    /// its FIN, or a TLS `close_notify`, and then reads what is still in
    /// flight): the sender then stops writing here and reconnects, and
    /// nothing is lost. An error is the peer refusing this connection (a
    /// reset, a TLS alert). Anything else the peer sent is read and
    /// ignored. Never blocks.
    pub(crate) fn peer_closed(&mut self) -> io::Result<bool> {
        match self {
            Connection::Tcp(stream) => socket_closed(SockRef::from(&*stream)),
            Connection::Unix(stream) => socket_closed(SockRef::from(&*stream)),
            Connection::Tls(tls) => tls_closed(tls),
            Connection::Udp(_) | Connection::UnixDatagram(_) => Ok(false),
        }
    }

    /// Sends TLS `close_notify` (nothing for plain sockets).
    pub(crate) fn close(&mut self) {
        if let Connection::Tls(tls) = self {
            tls.conn.send_close_notify();
            let _ = tls.conn.complete_io(&mut tls.sock);
        }
    }
}

impl Read for Connection {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        match self {
            Connection::Tcp(stream) => stream.read(buffer),
            Connection::Unix(stream) => stream.read(buffer),
            Connection::Tls(tls) => tls.read(buffer),
            Connection::Udp(socket) => socket.recv(buffer),
            Connection::UnixDatagram(socket) => socket.recv(buffer),
        }
    }
}

impl Write for Connection {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        match self {
            Connection::Tcp(stream) => stream.write(bytes),
            Connection::Unix(stream) => stream.write(bytes),
            Connection::Tls(tls) => tls.write(bytes),
            Connection::Udp(socket) => socket.send(bytes),
            Connection::UnixDatagram(socket) => socket.send(bytes),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Connection::Tcp(stream) => stream.flush(),
            Connection::Unix(stream) => stream.flush(),
            Connection::Tls(tls) => tls.flush(),
            Connection::Udp(_) | Connection::UnixDatagram(_) => Ok(()),
        }
    }
}

/// Reads whatever is waiting without blocking: end of stream means closed.
fn socket_closed(socket: SockRef<'_>) -> io::Result<bool> {
    let mut scratch = [MaybeUninit::<u8>::uninit(); 512];
    loop {
        match socket.recv_with_flags(&mut scratch, libc::MSG_DONTWAIT) {
            Ok(0) => return Ok(true),
            Ok(_) => continue,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(false),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
}

fn tls_closed(tls: &mut StreamOwned<ClientConnection, TcpStream>) -> io::Result<bool> {
    tls.sock.set_nonblocking(true)?;
    let closed = loop {
        match tls.conn.read_tls(&mut tls.sock) {
            Ok(0) => break Ok(true),
            Ok(_) => {
                // An alert (a receiver refusing this client's certificate
                // after the handshake, as TLS 1.3 allows) is an error.
                if let Err(e) = tls.conn.process_new_packets() {
                    break Err(io::Error::other(format!("TLS: {e}")));
                }
                let mut scratch = [0u8; 512];
                match tls.conn.reader().read(&mut scratch) {
                    Ok(0) => break Ok(true),
                    Ok(_) => continue,
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                    Err(e) => break Err(e),
                }
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break Ok(false),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => break Err(e),
        }
    };
    tls.sock.set_nonblocking(false)?;
    closed
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case(Transport::Tcp { host: "::1".into(), port: 9020, tls: None }, "tcp://[::1]:9020")]
    #[case(Transport::Tcp { host: "logs.example".into(), port: 1, tls: Some(TlsOptions::default()) }, "tls://logs.example:1")]
    #[case(Transport::Unix { path: "/run/femto.sock".into() }, "unix:/run/femto.sock")]
    fn transports_describe_themselves(#[case] transport: Transport, #[case] text: &str) {
        assert_eq!(transport.to_string(), text);
    }
}
