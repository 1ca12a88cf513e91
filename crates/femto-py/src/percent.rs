//! `msg % args` for the common case, in Rust: `%s` of a `str` or an `int`,
//! `%d`/`%i` of an `int`, and `%%`. Python's `%` builds a tuple, a
//! formatter and a result string; this writes straight into the buffer the
//! engine copies. Anything else (flags, widths, other conversions, other
//! argument types, a mismatched count) returns `None`, and Python formats
//! it, so the output is always what `msg % args` gives.

use std::borrow::Borrow;
use std::cell::Cell;
use std::ops::Deref;

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyInt, PyString};

thread_local! {
    /// The buffer of the thread's last message, kept for its next one.
    static SPARE: Cell<String> = const { Cell::new(String::new()) };
}

/// A formatted message; its buffer goes back to the thread's spare when
/// dropped, so formatting one allocates nothing in the steady state.
pub(crate) struct Formatted(String);

impl Deref for Formatted {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl Drop for Formatted {
    fn drop(&mut self) {
        let mut buffer = std::mem::take(&mut self.0);
        if buffer.capacity() <= MAX_SPARE {
            buffer.clear();
            // A thread that is exiting has no spare to keep.
            let _ = SPARE.try_with(|spare| spare.set(buffer));
        }
    }
}

/// A larger buffer is freed rather than kept.
const MAX_SPARE: usize = 4096;

impl Formatted {
    /// An empty buffer: the thread's spare when it has one.
    pub(crate) fn spare() -> Self {
        Formatted(SPARE.try_with(Cell::take).unwrap_or_default())
    }

    /// The text being written.
    pub(crate) fn text(&mut self) -> &mut String {
        &mut self.0
    }
}

/// Formats `msg % args`, or `None` to let Python do it. `args` is a slice
/// or a tuple's items, read in order (no list of them is made).
pub(crate) fn format<'py, A>(msg: &str, args: A) -> Option<Formatted>
where
    A: ExactSizeIterator,
    A::Item: Borrow<Bound<'py, PyAny>>,
{
    let mut out = Formatted::spare();
    write_into(&mut out.0, msg, args)?;
    Some(out)
}

fn write_into<'py, A>(out: &mut String, msg: &str, mut args: A) -> Option<()>
where
    A: ExactSizeIterator,
    A::Item: Borrow<Bound<'py, PyAny>>,
{
    out.reserve(msg.len() + 16 * args.len());
    let next = &mut args;
    // A byte scan: messages are short, and a search per `%` costs more
    // than the loop (a `%` is ASCII, so `msg` splits at char boundaries).
    let bytes = msg.as_bytes();
    let (mut start, mut at) = (0, 0);
    while at < bytes.len() {
        if bytes[at] != b'%' {
            at += 1;
            continue;
        }
        out.push_str(&msg[start..at]);
        match bytes.get(at + 1)? {
            b'%' => out.push('%'),
            b's' => push_str_or_int(out, next.next()?.borrow())?,
            b'd' | b'i' => push_int(out, next.next()?.borrow())?,
            _ => return None,
        }
        at += 2;
        start = at;
    }
    if next.next().is_some() {
        return None; // Python raises "not all arguments converted"
    }
    out.push_str(&msg[start..]);
    Some(())
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
    push_decimal(out, value);
    Some(())
}

/// `value` in decimal, without `core::fmt` (a fifth of this module's
/// time) and without a push per digit: `itoa`, two digits a step.
pub(crate) fn push_decimal(out: &mut String, value: i64) {
    out.push_str(itoa::Buffer::new().format(value));
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    #[rstest]
    #[case(0)]
    #[case(7)]
    #[case(-7)]
    #[case(10)]
    #[case(1_234_567_890)]
    #[case(i64::MAX)]
    #[case(i64::MIN)]
    fn decimals_read_as_rust_prints_them(#[case] value: i64) {
        let mut out = String::from("n=");
        super::push_decimal(&mut out, value);
        assert_eq!(out, format!("n={value}"));
    }
}
