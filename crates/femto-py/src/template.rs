//! `Formatter.format` for a native `LogRecord` and a `%`-style format, in
//! one call.
//!
//! stdlib's `format` runs five Python methods and builds `record.__dict__`
//! for `fmt % dict`. Here the format is compiled once into positional form
//! (`"%(levelname)s %(message)s"` -> `"%s %s"` and the attributes to read);
//! a call reads those attributes from the record's struct and applies
//! Python's own `%` to them, so every conversion, flag and width behaves
//! exactly as stdlib's. A record this cannot render exactly as stdlib would
//! (an exception or stack to append, a missing attribute, another record
//! class, a format changed after compiling) gets `None`, and the caller
//! runs stdlib's `format`.

use pyo3::prelude::*;
use std::sync::OnceLock;

use pyo3::types::{PyInt, PyString, PyTuple, PyType};
use pyo3::{ffi, intern};

use crate::methods::Arguments;
use crate::percent::Formatted;
use crate::record::{instance_dict, LogRecord, Slot};

/// One `%(key)…` of the format.
struct Key {
    name: Py<PyString>,
    slot: Slot,
}

/// A conversion Rust writes itself: `%s`, `%d` with an optional width,
/// left-justified with `-`, zero-padded with `0` (for `%d`).
#[derive(Debug, PartialEq)]
struct Simple {
    conversion: u8,
    width: usize,
    left: bool,
    zero: bool,
}

/// A piece of the rendered text, in order.
#[derive(Debug, PartialEq)]
enum Piece {
    Text(String),
    /// The value of `keys[index]`.
    Value(usize, Simple),
}

/// `spec` (flags and width before the conversion) as a `Simple`, when it is one.
fn simple(spec: &str, conversion: char) -> Option<Simple> {
    let conversion = match conversion {
        's' => b's',
        'd' | 'i' => b'd',
        _ => return None,
    };
    let digits = spec.trim_start_matches(['-', '0']);
    let flags = &spec[..spec.len() - digits.len()];
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None; // a precision or another flag
    }
    let left = flags.contains('-');
    let zero = flags.contains('0') && !left;
    if zero && conversion == b's' {
        return None;
    }
    let width = if digits.is_empty() {
        0
    } else {
        digits.parse().ok()?
    };
    Some(Simple {
        conversion,
        width,
        left,
        zero,
    })
}

#[pyclass(frozen, module = "femtologging._femtologging")]
pub struct RecordTemplate {
    /// The format compiled: renders only while the formatter still uses it.
    fmt: Py<PyString>,
    positional: Py<PyString>,
    keys: Vec<Key>,
    /// The format as Rust renders it, when every conversion is `Simple`.
    pieces: Option<Vec<Piece>>,
    /// stdlib's `usesTime`: the format contains `%(asctime)`.
    uses_time: bool,
}

/// What `compile` makes of a format.
#[derive(Debug)]
struct Compiled<'a> {
    positional: String,
    keys: Vec<&'a str>,
    pieces: Option<Vec<Piece>>,
}

/// `fmt` in positional form with its keys (and as `Piece`s when Rust can
/// render it), or `None` when it has anything but `%(key)` conversions and
/// `%%` (then stdlib renders it).
fn compile(fmt: &str) -> Option<Compiled<'_>> {
    let mut positional = String::with_capacity(fmt.len());
    let mut keys = Vec::new();
    let mut pieces = Some(Vec::new());
    let mut text = String::new();
    let mut rest = fmt;
    while let Some(at) = rest.find('%') {
        positional.push_str(&rest[..at]);
        text.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(tail) = after.strip_prefix('%') {
            positional.push_str("%%");
            text.push('%');
            rest = tail;
            continue;
        }
        let inner = after.strip_prefix('(')?;
        let close = inner.find(')')?;
        let key = &inner[..close];
        if key.is_empty() || !key.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return None;
        }
        let spec = &inner[close + 1..];
        let conversion_at = spec.find(|c: char| !(c.is_ascii_digit() || "#0+- .".contains(c)))?;
        let conversion = spec[conversion_at..].chars().next()?;
        if !"diouxXeEfFgGcrsa".contains(conversion) {
            return None;
        }
        positional.push('%');
        positional.push_str(&spec[..conversion_at]);
        positional.push(conversion);
        pieces = match (pieces, simple(&spec[..conversion_at], conversion)) {
            (Some(mut pieces), Some(simple)) => {
                if !text.is_empty() {
                    pieces.push(Piece::Text(std::mem::take(&mut text)));
                }
                pieces.push(Piece::Value(keys.len(), simple));
                Some(pieces)
            }
            _ => None,
        };
        keys.push(key);
        rest = &spec[conversion_at + conversion.len_utf8()..];
    }
    positional.push_str(rest);
    text.push_str(rest);
    if let Some(pieces) = pieces.as_mut() {
        if !text.is_empty() {
            pieces.push(Piece::Text(text));
        }
    }
    Some(Compiled {
        positional,
        keys,
        pieces,
    })
}

/// Writes `value` as `simple` says, or `None` when Python must (a `%d`
/// of something other than an `int`, a string Rust cannot read).
fn render_value(out: &mut String, value: &Bound<'_, PyAny>, simple: &Simple) -> Option<()> {
    let start = out.len();
    if value.is_exact_instance_of::<PyInt>() {
        let number: i64 = value.extract().ok()?;
        if simple.zero && number < 0 {
            return None;
        }
        crate::percent::push_decimal(out, number);
    } else if simple.conversion == b's' {
        if let Ok(text) = value.cast_exact::<PyString>() {
            out.push_str(text.to_str().ok()?);
        } else {
            out.push_str(value.str().ok()?.to_str().ok()?);
        }
    } else {
        return None;
    }
    if simple.width == 0 {
        return Some(());
    }
    let length = out[start..].chars().count();
    if length < simple.width {
        let pad = simple.width - length;
        if simple.left {
            out.extend(std::iter::repeat_n(' ', pad));
        } else {
            let fill = if simple.zero { '0' } else { ' ' };
            out.insert_str(start, &fill.to_string().repeat(pad));
        }
    }
    Some(())
}

/// What rendering the pieces came to.
enum Rendered {
    Text(Formatted),
    /// A key the record lacks: stdlib reports it.
    Missing,
    /// A value only Python's `%` renders exactly.
    NeedsPython,
}

/// The pieces rendered with `value_of(index)` (the value of the index-th
/// key, `None` when the record lacks it), into the thread's spare buffer:
/// no list of values and no new buffer per call.
fn render<'py>(
    pieces: &[Piece],
    mut value_of: impl FnMut(usize) -> PyResult<Option<Bound<'py, PyAny>>>,
) -> PyResult<Rendered> {
    let mut out = Formatted::spare();
    for piece in pieces {
        match piece {
            Piece::Text(text) => out.text().push_str(text),
            Piece::Value(index, simple) => {
                let Some(value) = value_of(*index)? else {
                    return Ok(Rendered::Missing);
                };
                if render_value(out.text(), &value, simple).is_none() {
                    return Ok(Rendered::NeedsPython);
                }
            }
        }
    }
    Ok(Rendered::Text(out))
}

#[pymethods]
impl RecordTemplate {
    /// The compiled `fmt`, or `None` for a format only stdlib renders.
    #[staticmethod]
    fn compile(fmt: &Bound<'_, PyString>) -> PyResult<Option<Self>> {
        let py = fmt.py();
        let text = fmt.to_str()?;
        let Some(compiled) = compile(text) else {
            return Ok(None);
        };
        Ok(Some(RecordTemplate {
            fmt: fmt.clone().unbind(),
            positional: PyString::new(py, &compiled.positional).unbind(),
            pieces: compiled.pieces,
            keys: compiled
                .keys
                .into_iter()
                .map(|key| Key {
                    name: PyString::intern(py, key).unbind(),
                    slot: LogRecord::slot(key),
                })
                .collect(),
            uses_time: text.contains("%(asctime)"),
        }))
    }

    /// `formatter.format(record)` as stdlib computes it, or `None` when
    /// only stdlib's own code can (see the module documentation).
    fn __call__<'py>(
        &self,
        formatter: &Bound<'py, PyAny>,
        record: &Bound<'py, PyAny>,
    ) -> PyResult<Option<Bound<'py, PyString>>> {
        self.render_record(formatter, record)
    }
}

impl RecordTemplate {
    /// `formatter.format(record)` as stdlib would print it, or `None` when
    /// only stdlib's code can (see the module's documentation).
    fn render_record<'py>(
        &self,
        formatter: &Bound<'py, PyAny>,
        record: &Bound<'py, PyAny>,
    ) -> PyResult<Option<Bound<'py, PyString>>> {
        let py = formatter.py();
        let Ok(record) = record.cast_exact::<LogRecord>() else {
            return Ok(None);
        };
        let fmt = formatter
            .getattr(intern!(py, "_style"))?
            .getattr(intern!(py, "_fmt"))?;
        let native = record.get();
        if !fmt.is(self.fmt.bind(py)) || native.has_appendix(py)? {
            return Ok(None);
        }
        let message = native.message_text(py)?;
        let _old = native
            .data_mut(py)?
            .set_message(message.into_any().unbind());
        if self.uses_time {
            let datefmt = formatter.getattr(intern!(py, "datefmt"))?;
            let asctime = formatter.call_method1(intern!(py, "formatTime"), (record, datefmt))?;
            let _old = native.data_mut(py)?.set_asctime(asctime.unbind());
        }
        // The record is borrowed per value, not across the rendering: a
        // value's `__str__` is Python code, free to set the record's fields.
        let value_of = |index: usize| -> PyResult<Option<Bound<'py, PyAny>>> {
            let Some(key) = self.keys.get(index) else {
                return Ok(None);
            };
            match key.slot {
                Slot::Extra => instance_dict(record)?.get_item(key.name.bind(py)),
                slot => Ok(native.data(py)?.value(py, slot)),
            }
        };
        if let Some(pieces) = self.pieces.as_deref() {
            match render(pieces, value_of)? {
                Rendered::Text(text) => return Ok(Some(PyString::new(py, &text))),
                Rendered::Missing => return Ok(None), // stdlib reports it
                Rendered::NeedsPython => {}
            }
        }
        let mut values = Vec::with_capacity(self.keys.len());
        for index in 0..self.keys.len() {
            match value_of(index)? {
                Some(value) => values.push(value),
                None => return Ok(None), // stdlib reports the missing attribute
            }
        }
        let values = PyTuple::new(py, values)?;
        // SAFETY: both arguments are live objects and the GIL is held; the
        // call returns a new reference or NULL with an error set.
        let text = unsafe { ffi::PyUnicode_Format(self.positional.as_ptr(), values.as_ptr()) };
        // SAFETY: as above.
        let text = unsafe { Bound::from_owned_ptr_or_err(py, text)? };
        Ok(Some(text.cast_into::<PyString>()?))
    }
}

/// stdlib's `logging.Formatter.format`: what `format` falls back to.
static STDLIB_FORMAT: OnceLock<Py<PyAny>> = OnceLock::new();

/// Makes `format` of `class` (`femtologging.Formatter`) a native method:
/// the compiled template (`_template`) renders a native record with no
/// Python frame in between; anything else goes to `fallback`, stdlib's
/// `Formatter.format`.
#[pyfunction]
pub fn install_format_method(class: &Bound<'_, PyType>, fallback: Py<PyAny>) -> PyResult<()> {
    let _ = STDLIB_FORMAT.set(fallback);
    crate::methods::install(
        class,
        c"format",
        crate::methods::native_method!(format_call),
        c"stdlib's `format`; a native record with a plain `%`-style format is rendered in one native call (same text).",
    )
}

/// The body of the native `format` method.
fn format_call<'py>(
    formatter: &Bound<'py, PyAny>,
    arguments: &Arguments<'_, 'py>,
) -> PyResult<Bound<'py, PyAny>> {
    let py = formatter.py();
    if let Some(record) = arguments.single() {
        let template = formatter.getattr(intern!(py, "_template"))?;
        if let Ok(template) = template.cast::<RecordTemplate>() {
            if let Some(text) = template.get().render_record(formatter, record)? {
                return Ok(text.into_any());
            }
        }
    }
    let fallback = STDLIB_FORMAT.get().ok_or_else(|| {
        pyo3::exceptions::PyRuntimeError::new_err("Formatter.format is not installed")
    })?;
    arguments.call_method(fallback.bind(py), formatter)
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::{compile, Piece, Simple};

    #[test]
    fn keys_become_positional() {
        let compiled = compile("%(asctime)s [%(levelname)-8s] %(lineno)04d %%").unwrap();
        assert_eq!(compiled.positional, "%s [%-8s] %04d %%");
        assert_eq!(compiled.keys, ["asctime", "levelname", "lineno"]);
    }

    #[test]
    fn simple_conversions_become_pieces() {
        let compiled = compile("%(levelname)-8s|%(lineno)04d %% end").unwrap();
        let pieces = compiled.pieces.unwrap();
        assert_eq!(
            pieces,
            [
                Piece::Value(
                    0,
                    Simple {
                        conversion: b's',
                        width: 8,
                        left: true,
                        zero: false
                    }
                ),
                Piece::Text("|".into()),
                Piece::Value(
                    1,
                    Simple {
                        conversion: b'd',
                        width: 4,
                        left: false,
                        zero: true
                    }
                ),
                Piece::Text(" % end".into()),
            ]
        );
    }

    #[rstest]
    #[case::float("%(created)f")]
    #[case::precision("%(name).3s")]
    #[case::sign("%(name)+d")]
    #[case::repr("%(name)r")]
    fn other_specs_are_rendered_by_python(#[case] fmt: &str) {
        assert!(compile(fmt).unwrap().pieces.is_none());
    }

    #[rstest]
    #[case::positional("%s")]
    #[case::star_width("%(name)*d")]
    #[case::no_conversion("%(name)")]
    #[case::odd_key("%(na-me)s")]
    fn other_conversions_are_left_to_stdlib(#[case] fmt: &str) {
        assert!(compile(fmt).is_none());
    }
}
