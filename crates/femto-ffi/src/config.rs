//! Whole configurations from C: the engine's configuration model
//! (`femto_core::config`), read from TOML or JSON, extended with handlers
//! made in C, and applied in one step.

use std::ffi::c_char;

use femto_abi::{femto_config, femto_handler, femto_status, femto_str};
use femto_core::config::{ConfigBuilder, ConfigError, ConfigErrorKind, HandlerSpec, LoggerBuilder};

use crate::cast::{borrow_mut, free, handle, to_c, Castable};

use crate::level::level;
use crate::status::{boundary, boundary_or, fail, require, Outcome, Status};
use crate::types::{array, put, text, text_out};

impl Castable for femto_config {
    type RustType = ConfigBuilder;
    const KIND: u32 = 0xFE70_4346;
    const NAME: &'static str = "femto_config";
}

pub(crate) fn config_error(error: &ConfigError) -> Status {
    let status = match error.kind {
        ConfigErrorKind::Invalid => Status::InvalidArgument,
        ConfigErrorKind::Io => Status::Io,
    };
    fail(status, error.to_string())
}

fn publish(config: ConfigBuilder, out: *mut *mut femto_config) -> Outcome {
    put(out, to_c::<femto_config>(config));
    Ok(Status::Ok)
}

/// Changes a configuration with the by-value builder methods.
fn update(
    config: *mut femto_config,
    change: impl FnOnce(ConfigBuilder) -> ConfigBuilder,
) -> Result<(), Status> {
    // SAFETY: the caller passes NULL or a live configuration, which the
    // header documents as used from one thread at a time.
    let slot = unsafe { borrow_mut(config, "config") }?;
    *slot = change(std::mem::take(slot));
    Ok(())
}

/// Reads a configuration with `read` from the caller's UTF-8 text (or
/// path), reporting its errors as statuses.
fn read_config(
    ptr: *const c_char,
    len: usize,
    what: &str,
    read: fn(&str) -> Result<ConfigBuilder, ConfigError>,
) -> Result<ConfigBuilder, Status> {
    read(text(ptr, len, what)?).map_err(|e| config_error(&e))
}

/// Reads a configuration into `*out`.
fn load(
    ptr: *const c_char,
    len: usize,
    what: &str,
    out: *mut *mut femto_config,
    read: fn(&str) -> Result<ConfigBuilder, ConfigError>,
) -> Outcome {
    require!(out);
    publish(read_config(ptr, len, what, read)?, out)
}

/// An empty configuration: applied as it is, it detaches and closes the
/// handlers of the configuration applied before.
#[no_mangle]
pub extern "C" fn femto_config_new(out: *mut *mut femto_config) -> femto_status {
    boundary(|| {
        require!(out);
        publish(ConfigBuilder::new(), out)
    })
}

/// Reads a configuration from TOML text (`text`/`text_len`, UTF-8,
/// borrowed for the call). A bad one fails with `INVALID_ARGUMENT` and a
/// `femto_last_error()` naming the key, such as
/// `handlers.file.max_bytes: invalid type: string "big", expected u64`.
#[no_mangle]
pub extern "C" fn femto_config_from_toml(
    text_ptr: *const c_char,
    text_len: usize,
    out: *mut *mut femto_config,
) -> femto_status {
    boundary(|| load(text_ptr, text_len, "text", out, ConfigBuilder::from_toml))
}

/// As `femto_config_from_toml`, from JSON text.
#[no_mangle]
pub extern "C" fn femto_config_from_json(
    text_ptr: *const c_char,
    text_len: usize,
    out: *mut *mut femto_config,
) -> femto_status {
    boundary(|| load(text_ptr, text_len, "text", out, ConfigBuilder::from_json))
}

/// Reads a `.toml` or `.json` file (`path`/`path_len`, UTF-8). A file that
/// cannot be read fails with `IO`.
#[no_mangle]
pub extern "C" fn femto_config_from_file(
    path_ptr: *const c_char,
    path_len: usize,
    out: *mut *mut femto_config,
) -> femto_status {
    boundary(|| {
        load(path_ptr, path_len, "path", out, |p| {
            ConfigBuilder::from_path(p)
        })
    })
}

/// Adds `handler` (made with any `femto_*_handler_new`) under the name
/// `id`, for loggers to use; a handler of that name from the file is
/// replaced. The configuration takes its own reference. A later
/// configuration detaches this handler but, unlike the handlers the file
/// describes, does not close it.
#[no_mangle]
pub extern "C" fn femto_config_add_handler(
    config: *mut femto_config,
    id: *const c_char,
    id_len: usize,
    handler: *const femto_handler,
) -> femto_status {
    boundary(|| {
        let handler: &std::sync::Arc<_> = handle!(handler);
        let id = text(id, id_len, "id")?.to_owned();
        let spec = HandlerSpec::new(std::sync::Arc::clone(handler));
        update(config, |built| built.handler(id, spec))?;
        Ok(Status::Ok)
    })
}

/// Configures the logger `name` (`""` or `"root"`: the root logger),
/// replacing what the configuration said of it: its `level`, `propagate`,
/// and the handlers named in `handler_ids[0..handler_count]` (NULL when
/// the count is 0), which must be in the configuration when it is applied.
#[no_mangle]
pub extern "C" fn femto_config_set_logger(
    config: *mut femto_config,
    name: *const c_char,
    name_len: usize,
    level_value: i32,
    propagate: bool,
    handler_ids: *const femto_str,
    handler_count: usize,
) -> femto_status {
    boundary(|| {
        let name = text(name, name_len, "name")?.to_owned();
        let ids = array(handler_ids, handler_count, "handler_ids", 1 << 16)?;
        let mut handlers = Vec::with_capacity(ids.len());
        for id in ids {
            handlers.push(text(id.ptr, id.len, "handler_ids")?.to_owned());
        }
        let logger = LoggerBuilder::new()
            .level(level(level_value)?)
            .propagate(propagate)
            .handlers(handlers);
        update(config, |built| built.logger(name, logger))?;
        Ok(Status::Ok)
    })
}

/// Confines the configuration's files, for one from an untrusted source
/// (see `femto_confine_file` for the rules): checked when it is applied.
/// `root`/`root_len` is a directory path (UTF-8, copied). Not thread-safe
/// (one thread at a time per configuration).
#[no_mangle]
pub extern "C" fn femto_config_confine_files(
    config: *mut femto_config,
    root: *const c_char,
    root_len: usize,
) -> femto_status {
    boundary(|| {
        let root = text(root, root_len, "root")?.to_owned();
        update(config, |built| built.confine_files(root))?;
        Ok(Status::Ok)
    })
}

/// The rules for a file an untrusted configuration names: `path` (UTF-8)
/// must stay below the directory `root` (a relative path is taken from
/// there) with no `..` component and no symbolic link on the way; the file
/// is created with mode 0o640 if it does not exist. On success writes the
/// resolved absolute path to `buffer` (`capacity` bytes, NUL-terminated)
/// and its length to `*out_len`; `BUFFER_TOO_SMALL` with `*out_len` set
/// when it does not fit; `INVALID_ARGUMENT` (the reason in
/// `femto_last_error()`) for a path the rules refuse. Thread-safe.
#[no_mangle]
pub extern "C" fn femto_confine_file(
    root: *const c_char,
    root_len: usize,
    path: *const c_char,
    path_len: usize,
    buffer: *mut c_char,
    capacity: usize,
    out_len: *mut usize,
) -> femto_status {
    boundary(|| {
        require!(out_len);
        let root = text(root, root_len, "root")?;
        let path = text(path, path_len, "path")?;
        let resolved = femto_core::config::confine_file(
            std::path::Path::new(root),
            std::path::Path::new(path),
        )
        .map_err(|reason| fail(Status::InvalidArgument, format!("path {path:?}: {reason}")))?;
        text_out(&resolved.to_string_lossy(), buffer, capacity, out_len)
    })
}

/// Checks the whole configuration, builds every handler, then applies it
/// to the process's loggers in one step: a record logged meanwhile sees
/// the old configuration or the new one, never a mix. The handlers the
/// previously applied configuration made are then drained and closed. On
/// failure nothing changes. The configuration stays yours to free (or to
/// apply again). Thread-safe with respect to logging.
#[no_mangle]
pub extern "C" fn femto_config_apply(config: *const femto_config) -> femto_status {
    boundary(|| {
        handle!(config)
            .build_and_init()
            .map_err(|e| config_error(&e))?;
        Ok(Status::Ok)
    })
}

/// Writes the configuration as JSON in the file format, with every
/// default filled in, to `buffer` (`capacity` bytes; NUL-terminated when it
/// fits) and its length, without the NUL, to `*out_len`. When `capacity`
/// is too small, writes nothing to `buffer` and returns `BUFFER_TOO_SMALL`
/// with `*out_len` set: call again with a larger buffer. Fails with
/// `INVALID_ARGUMENT` for a handler added with `femto_config_add_handler`,
/// which has no file form.
#[no_mangle]
pub extern "C" fn femto_config_to_json(
    config: *const femto_config,
    buffer: *mut c_char,
    capacity: usize,
    out_len: *mut usize,
) -> femto_status {
    boundary(|| {
        let config = handle!(config);
        require!(out_len);
        let json = config.to_json().map_err(|e| config_error(&e))?;
        text_out(&json, buffer, capacity, out_len)
    })
}

/// Frees a configuration (an applied one stays in effect). `NULL` is a
/// no-op.
#[no_mangle]
pub extern "C" fn femto_config_free(config: *mut femto_config) {
    boundary_or((), || {
        // SAFETY: the caller passes NULL or a configuration it has not
        // freed yet.
        unsafe { free(config) }
    })
}

fn configure(
    ptr: *const c_char,
    len: usize,
    what: &str,
    read: fn(&str) -> Result<ConfigBuilder, ConfigError>,
) -> Outcome {
    read_config(ptr, len, what, read)?
        .build_and_init()
        .map_err(|e| config_error(&e))?;
    Ok(Status::Ok)
}

/// Reads TOML text and applies it (`femto_config_from_toml`, then
/// `femto_config_apply`).
#[no_mangle]
pub extern "C" fn femto_configure_toml(text_ptr: *const c_char, text_len: usize) -> femto_status {
    boundary(|| configure(text_ptr, text_len, "text", ConfigBuilder::from_toml))
}

/// Reads JSON text and applies it.
#[no_mangle]
pub extern "C" fn femto_configure_json(text_ptr: *const c_char, text_len: usize) -> femto_status {
    boundary(|| configure(text_ptr, text_len, "text", ConfigBuilder::from_json))
}

/// Reads a `.toml` or `.json` file and applies it.
#[no_mangle]
pub extern "C" fn femto_configure_file(path_ptr: *const c_char, path_len: usize) -> femto_status {
    boundary(|| configure(path_ptr, path_len, "path", |p| ConfigBuilder::from_path(p)))
}
