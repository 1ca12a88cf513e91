//! `femtologging._femtologging`: the native backend of the Python package.
//!
//! It holds no engine of its own: it links `libfemtologging.so` (the wheel
//! ships exactly one copy, beside this module) and calls it through the
//! library's function table, which it also publishes as the capsule
//! `femtologging._femtologging._C_API` so that C extensions log into the
//! same pipeline. The ABI's types come from `femto-abi`, the crate the
//! library and its header are made from. Engine objects reach Python only
//! inside the owning classes of `cast`; the pure-Python layer
//! (`femtologging/__init__.py`) wraps them.
//!
//! The modules follow femto-ffi's: `api`, `cast`, `status`, `types`,
//! `logger`, `handler`, `formatter`, `config`, `lifecycle`, `callback`,
//! `record`; then what only Python needs (the fast path's helpers).

mod api;
mod attached;
mod callback;
mod cast;
mod config;
mod dispatch;
mod formatter;
mod gil;
mod handler;
mod handler_lock;
mod handler_method;
mod hooks;
mod lifecycle;
mod log;
mod logger;
mod logger_config;
mod methods;
mod percent;
mod plain_queue;
mod python_call;
mod receiver;
mod record;
mod record_fields;
mod status;
mod template;
mod types;

use pyo3::prelude::*;

#[pymodule]
fn _femtologging(m: &Bound<'_, PyModule>) -> PyResult<()> {
    api::check_abi()?;
    api::publish_capsule(m)?;
    cast::register(m)?;
    lifecycle::register(m)?;
    logger_config::register(m)?;
    log::register(m)?;
    handler::register(m)?;
    formatter::register(m)?;
    config::register(m)?;
    receiver::register(m)?;
    logger::prepare(m.py())?;
    m.add_class::<logger::NativeLogger>()?;
    m.add_class::<handler_lock::HandlerLock>()?;
    m.add_function(wrap_pyfunction!(dispatch::caller_side_changed, m)?)?;
    m.add_class::<record::LogRecord>()?;
    m.add_class::<template::RecordTemplate>()?;
    m.add_function(wrap_pyfunction!(record::record_setup, m)?)?;
    m.add_function(wrap_pyfunction!(record::record_after_fork, m)?)?;
    m.add_function(wrap_pyfunction!(record::record_options, m)?)?;
    logger::install_native_level_methods(m.py())?;
    m.add_function(wrap_pyfunction!(logger::install_level_methods, m)?)?;
    m.add_function(wrap_pyfunction!(template::install_format_method, m)?)?;
    m.add_function(wrap_pyfunction!(handler_method::install_handle_method, m)?)
}
