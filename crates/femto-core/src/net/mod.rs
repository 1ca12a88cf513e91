//! What network handlers share: where to connect ([`transport`]), TLS
//! ([`tls`]), when to reconnect ([`backoff`]), the socket handler's wire
//! format ([`frame`]) and the receiver at the other end ([`receiver`]).

pub mod backoff;
pub mod frame;
pub mod http;
pub mod pickle;
pub mod receiver;
pub mod syslog;
pub mod tls;
pub mod transport;

pub use backoff::Backoff;
pub use tls::TlsOptions;
pub use transport::Transport;
