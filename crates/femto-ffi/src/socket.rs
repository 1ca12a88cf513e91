//! The socket handler and its receiver from C (docs/socket.md).

use std::ffi::c_char;
use std::sync::Mutex;
use std::time::Duration;

use femto_abi::{
    femto_handler, femto_handler_options, femto_receiver, femto_receiver_stats,
    femto_socket_options, femto_status,
};
use femto_core::builder::{BuildError, HandlerBuilder};
use femto_core::handler::{SocketHandlerBuilder, SocketSetupError};
use femto_core::net::receiver::{self, Receiver};
use femto_core::net::tls::TlsSetupError;
use femto_core::net::{Backoff, TlsOptions};
use femto_core::HandlerBuildError;

use crate::cast::{free, handle, to_c, Castable};
use crate::handler::handler_options;
use crate::lifecycle::ensure_initialized;
use crate::status::{boundary, boundary_or, fail, require, Status};
use crate::types::{invalid, optional, put, read_sized, text, write_sized};

impl Castable for femto_receiver {
    type RustType = Mutex<Receiver>;
    const KIND: u32 = 0xFE70_5243;
    const NAME: &'static str = "femto_receiver";
}

fn lock(receiver: &Mutex<Receiver>) -> std::sync::MutexGuard<'_, Receiver> {
    receiver
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// `value` milliseconds, or `default` for 0.
fn millis_or(value: u64, default: Duration) -> Duration {
    if value == 0 {
        default
    } else {
        Duration::from_millis(value)
    }
}

/// `value` bytes, or `default` for 0.
fn bytes_or(value: u64, default: usize) -> usize {
    if value == 0 {
        default
    } else {
        usize::try_from(value).unwrap_or(usize::MAX)
    }
}

/// The builder `raw` describes (not yet checked).
fn builder(raw: &femto_socket_options) -> Result<SocketHandlerBuilder, Status> {
    let path = |s, what| optional(s, what).map(|s| s.map(std::path::PathBuf::from));
    let defaults = SocketHandlerBuilder::default();
    let tls = if raw.tls {
        Some(TlsOptions {
            ca_file: path(raw.ca_file, "options.ca_file")?,
            cert_file: path(raw.cert_file, "options.cert_file")?,
            key_file: path(raw.key_file, "options.key_file")?,
            server_name: optional(raw.server_name, "options.server_name")?.map(str::to_owned),
            insecure: raw.insecure,
        })
    } else {
        None
    };
    let backoff = Backoff {
        base: millis_or(raw.backoff_base_ms, defaults.backoff.base),
        cap: millis_or(raw.backoff_cap_ms, defaults.backoff.cap),
        reset_after: millis_or(raw.backoff_reset_ms, defaults.backoff.reset_after),
        deadline: millis_or(raw.retry_deadline_ms, defaults.backoff.deadline),
    };
    Ok(SocketHandlerBuilder {
        tcp: optional(raw.host, "options.host")?.map(|host| (host.to_owned(), raw.port)),
        unix: path(raw.unix_path, "options.unix_path")?,
        tls,
        connect_timeout: millis_or(raw.connect_timeout_ms, defaults.connect_timeout),
        write_timeout: millis_or(raw.write_timeout_ms, defaults.write_timeout),
        max_frame: bytes_or(raw.max_frame_bytes, defaults.max_frame),
        max_buffered: bytes_or(raw.max_buffered_bytes, defaults.max_buffered),
        backoff,
        ..defaults
    })
}

/// A handler sending each record as a MessagePack frame to a receiver over
/// TCP, TLS or a Unix socket (docs/socket.md), on its worker thread; it
/// connects at the first record and reconnects with backoff. Bad options
/// (no transport or two, TLS on a Unix socket, an unusable PEM file) fail
/// with `INVALID_ARGUMENT`, an unreadable TLS file with `IO`; nothing is
/// connected here. On success `*out` holds a new reference. Thread-safe.
#[no_mangle]
pub extern "C" fn femto_socket_handler_new(
    socket: *const femto_socket_options,
    options: *const femto_handler_options,
    out: *mut *mut femto_handler,
) -> femto_status {
    boundary(|| {
        require!(socket, out);
        ensure_initialized();
        let builder = builder(&read_sized(socket)?)?;
        let handler = builder
            .build_with(handler_options(options)?)
            .map_err(|e| match e {
                BuildError::Socket(SocketSetupError::Tls(TlsSetupError::File { .. }))
                | BuildError::Handler(
                    HandlerBuildError::Open { .. } | HandlerBuildError::Spawn(_),
                ) => fail(Status::Io, e.to_string()),
                _ => invalid(e),
            })?;
        put(out, to_c::<femto_handler>(handler));
        Ok(Status::Ok)
    })
}

/// Starts a receiver described in JSON: `{"tcp": "127.0.0.1:9020"}`,
/// `{"unix": "/run/app.sock"}` or `{"tls": "[::1]:9020", "cert_file":
/// "server.pem", "key_file": "server.key"}`, optionally with
/// `"max_frame_bytes"`. Port 0 picks a free port (`femto_receiver_port`).
/// Each record goes to the logger of its name in this process, whose
/// handlers write it. A bad description is `INVALID_ARGUMENT`; an address
/// in use or an unreadable certificate is `IO`. Thread-safe.
#[no_mangle]
pub extern "C" fn femto_receiver_new(
    description: *const c_char,
    description_len: usize,
    out: *mut *mut femto_receiver,
) -> femto_status {
    boundary(|| {
        require!(description, out);
        ensure_initialized();
        let description = text(description, description_len, "description")?;
        let (listen, max_frame) = receiver::describe_listen(description).map_err(invalid)?;
        let receiver = Receiver::start_with_limit(listen, receiver::to_loggers(), max_frame)
            .map_err(|e| fail(Status::Io, e.to_string()))?;
        put(out, to_c::<femto_receiver>(Mutex::new(receiver)));
        Ok(Status::Ok)
    })
}

/// Writes the TCP port a receiver listens on (0 for a Unix socket).
/// Thread-safe.
#[no_mangle]
pub extern "C" fn femto_receiver_port(
    receiver: *const femto_receiver,
    out: *mut u16,
) -> femto_status {
    boundary(|| {
        require!(out);
        let receiver: &Mutex<Receiver> = handle!(receiver);
        let port = lock(receiver).local_addr().map_or(0, |a| a.port());
        put(out, port);
        Ok(Status::Ok)
    })
}

/// Writes a receiver's counters (set `out->size` first). Thread-safe.
#[no_mangle]
pub extern "C" fn femto_receiver_stats_get(
    receiver: *const femto_receiver,
    out: *mut femto_receiver_stats,
) -> femto_status {
    boundary(|| {
        require!(out);
        let receiver: &Mutex<Receiver> = handle!(receiver);
        let stats = lock(receiver).stats();
        write_sized(
            out,
            femto_receiver_stats {
                records: stats.records,
                bad_frames: stats.bad_frames,
                connections: stats.connections,
                ..femto_receiver_stats::default()
            },
        )?;
        Ok(Status::Ok)
    })
}

/// Stops a receiver gracefully: no new connections; each sender is told
/// to reconnect and what it already sent is read, for up to `grace_ms`.
/// Its counters stay readable; stopping twice does nothing. Thread-safe.
#[no_mangle]
pub extern "C" fn femto_receiver_stop(
    receiver: *const femto_receiver,
    grace_ms: u64,
) -> femto_status {
    boundary(|| {
        let receiver: &Mutex<Receiver> = handle!(receiver);
        lock(receiver).stop_in_place(Duration::from_millis(grace_ms));
        Ok(Status::Ok)
    })
}

/// Stops (with a 2 s grace, if still running) and frees a receiver.
/// `NULL` is a no-op.
#[no_mangle]
pub extern "C" fn femto_receiver_free(receiver: *mut femto_receiver) {
    boundary_or((), || {
        // SAFETY: the caller passes NULL or a receiver it has not freed yet.
        unsafe { free(receiver) }
    })
}
