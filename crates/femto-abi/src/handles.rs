//! The opaque handle types. C sees only pointers to them; what is behind a
//! pointer is the library's business (`femto-ffi`'s cast layer).

/// A logger. Loggers live as long as the process: there is nothing to
/// free, and the pointer from `femto_logger_get` stays valid (also in a
/// forked child). Thread-safe: log and reconfigure from any thread.
pub struct femto_logger {
    _private: [u8; 0],
}

/// A handler: a queue and a worker thread that formats and writes.
/// Thread-safe: log to it, flush and reconfigure it from any thread.
/// Loggers hold their own references; release yours with `femto_handler_free`.
pub struct femto_handler {
    _private: [u8; 0],
}

/// An immutable formatter. Thread-safe: share it freely. Release your
/// reference with `femto_formatter_free`; handlers keep their own.
pub struct femto_formatter {
    _private: [u8; 0],
}

/// An immutable filter. Thread-safe: attach it to any number of loggers
/// and handlers. Release your reference with `femto_filter_free`.
pub struct femto_filter {
    _private: [u8; 0],
}

/// A configuration being put together: formatters, filters, handlers and
/// loggers by name (see `docs/c-api.md` for the file format). Not
/// thread-safe: use it from one thread at a time. Nothing takes effect
/// until `femto_config_apply`. Free it with `femto_config_free`.
pub struct femto_config {
    _private: [u8; 0],
}

/// The buffer a `femto_format_fn` appends a record's text to (with
/// `femto_text_append`). Valid only during the callback.
pub struct femto_text {
    _private: [u8; 0],
}

/// A receiver of the socket handler's frames: a listening socket and its
/// threads, handing each record to the logger of its name in this process.
/// Thread-safe. Stop it with `femto_receiver_stop`, free it with
/// `femto_receiver_free`.
pub struct femto_receiver {
    _private: [u8; 0],
}
