//! `msg % args` for the common case, in Rust: `%s` of a `str` or an `int`,
//! `%d`/`%i` of an `int`, and `%%`. Python's `%` builds a tuple, a
//! formatter and a result string; this writes straight into the buffer the
//! engine copies. Anything else (flags, widths, other conversions, other
//! argument types, a mismatched count) returns `None`, and Python formats
//! it, so the output is always what `msg % args` gives.

use std::fmt::Write;

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyInt, PyString};

/// Formats `msg % args` into a new string, or `None` to let Python do it.
pub(crate) fn format(msg: &str, args: &[Bound<'_, PyAny>]) -> Option<String> {
    let mut out = String::with_capacity(msg.len() + 16 * args.len());
    let mut rest = msg;
    let mut next = args.iter();
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        let spec = rest.as_bytes().get(at + 1)?;
        match spec {
            b'%' => out.push('%'),
            b's' => push_str_or_int(&mut out, next.next()?)?,
            b'd' | b'i' => push_int(&mut out, next.next()?)?,
            _ => return None,
        }
        rest = &rest[at + 2..];
    }
    if next.next().is_some() {
        return None; // Python raises "not all arguments converted"
    }
    out.push_str(rest);
    Some(out)
}

fn push_str_or_int(out: &mut String, arg: &Bound<'_, PyAny>) -> Option<()> {
    if arg.is_exact_instance_of::<PyString>() {
        // A lone surrogate cannot be UTF-8: Python handles that message.
        out.push_str(arg.cast::<PyString>().ok()?.to_str().ok()?);
        return Some(());
    }
    push_int(out, arg)
}

fn push_int(out: &mut String, arg: &Bound<'_, PyAny>) -> Option<()> {
    // Exactly `int`: `bool` and other subclasses format differently.
    if !arg.is_exact_instance_of::<PyInt>() {
        return None;
    }
    let mut overflow = 0;
    // SAFETY: `arg` is a live `int` and the GIL is held.
    let value = unsafe { ffi::PyLong_AsLongLongAndOverflow(arg.as_ptr(), &mut overflow) };
    if overflow != 0 || (value == -1 && PyErr::take(arg.py()).is_some()) {
        return None;
    }
    write!(out, "{value}").ok()
}
