//! stdlib-style format strings (`%`, `{` and `$` styles) compiled once into
//! a list of literal and field parts.

use std::str::FromStr;

use super::spec::{Spec, SpecError, Value};
use super::time::{DateFormat, DateFormatError};
use super::FemtoFormatter;
use crate::level::LevelName;
use crate::record::{filename_of, module_of, FemtoLogRecord, RecordFields};

/// Which placeholder syntax a format string uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FormatStyle {
    /// `%(name)s`
    #[default]
    Percent,
    /// `{name}`
    Brace,
    /// `$name` / `${name}`
    Dollar,
}

impl FromStr for FormatStyle {
    type Err = FormatError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "%" => Ok(FormatStyle::Percent),
            "{" => Ok(FormatStyle::Brace),
            "$" => Ok(FormatStyle::Dollar),
            other => Err(FormatError::UnknownStyle(other.to_owned())),
        }
    }
}

/// A record attribute a format string can name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    /// `%(name)s`: the logger's name.
    Name,
    /// `%(levelname)s`.
    LevelName,
    /// `%(levelno)s`.
    LevelNo,
    /// `%(message)s`.
    Message,
    /// `%(asctime)s`: the time, as `datefmt` says.
    Asctime,
    /// `%(msecs)d`: the milliseconds of the time.
    Msecs,
    /// `%(created)f`: seconds since the epoch.
    Created,
    /// `%(relativeCreated)d`: milliseconds since the engine started.
    RelativeCreated,
    /// `%(thread)d`: the thread's identifier.
    Thread,
    /// `%(threadName)s`.
    ThreadName,
    /// `%(process)d`.
    Process,
    /// `%(pathname)s`: the source file's path.
    Pathname,
    /// `%(filename)s`: the source file's name.
    Filename,
    /// `%(module)s`.
    Module,
    /// `%(lineno)d`.
    Lineno,
    /// `%(funcName)s`.
    FuncName,
    /// `%(exc_text)s`: the exception's text.
    ExcText,
    /// `%(stack_info)s`.
    StackInfo,
    /// Any other name: looked up among the record's key-values.
    KeyValue(Box<str>),
}

impl Field {
    fn from_name(name: &str) -> Field {
        match name {
            "name" => Field::Name,
            "levelname" => Field::LevelName,
            "levelno" => Field::LevelNo,
            "message" => Field::Message,
            "asctime" => Field::Asctime,
            "msecs" => Field::Msecs,
            "created" => Field::Created,
            "relativeCreated" => Field::RelativeCreated,
            "thread" => Field::Thread,
            "threadName" => Field::ThreadName,
            "process" => Field::Process,
            "pathname" => Field::Pathname,
            "filename" => Field::Filename,
            "module" => Field::Module,
            "lineno" => Field::Lineno,
            "funcName" => Field::FuncName,
            "exc_text" => Field::ExcText,
            "stack_info" => Field::StackInfo,
            other => Field::KeyValue(other.into()),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Literal(String),
    /// A field, its spec, and whether the spec prints a text field as it
    /// is (`Spec::is_plain`, decided once here rather than per record).
    Field(Field, Spec, bool),
}

impl Part {
    fn field(field: Field, spec: Spec) -> Part {
        let plain = spec.is_plain();
        Part::Field(field, spec, plain)
    }
}

/// A format string that cannot be compiled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    #[error("unknown format style {0:?} (expected '%', '{{' or '$')")]
    /// A style other than `%`, `{` and `$`.
    UnknownStyle(String),
    #[error("format string {format:?}: {reason} at byte {position}")]
    /// The format string does not parse.
    Syntax {
        /// The format string.
        format: String,
        /// Where it stops parsing (a byte offset).
        position: usize,
        /// Why.
        reason: &'static str,
    },
    #[error(transparent)]
    /// A field's format spec does not parse.
    Spec(#[from] SpecError),
    #[error(transparent)]
    /// The `datefmt` does not parse.
    Date(#[from] DateFormatError),
}

/// A compiled stdlib-style formatter. Like stdlib's `Formatter.format`, a
/// record's exception and stack text follow the formatted line.
#[derive(Debug)]
pub struct TemplateFormatter {
    parts: Vec<Part>,
    date: DateFormat,
    /// See [`TemplateFormatter::escaping_controls`].
    escape_controls: bool,
}

impl TemplateFormatter {
    /// Compiles `format` in `style`; `datefmt` is a `strftime` pattern for
    /// `asctime` (stdlib's `YYYY-MM-DD HH:MM:SS,mmm` when `None`).
    pub fn new(
        format: &str,
        style: FormatStyle,
        datefmt: Option<&str>,
    ) -> Result<Self, FormatError> {
        Self::with_utc(format, style, datefmt, false)
    }

    /// As [`TemplateFormatter::new`], with `asctime` in UTC when `utc`.
    pub fn with_utc(
        format: &str,
        style: FormatStyle,
        datefmt: Option<&str>,
        utc: bool,
    ) -> Result<Self, FormatError> {
        let parts = match style {
            FormatStyle::Percent => parse_percent(format)?,
            FormatStyle::Brace => parse_brace(format)?,
            FormatStyle::Dollar => parse_dollar(format)?,
        };
        Ok(TemplateFormatter {
            parts,
            date: DateFormat::new(datefmt, utc)?,
            escape_controls: false,
        })
    }

    /// With `on`, control characters in the values put into the format
    /// (the message, logger and thread names, key-values …) are written as
    /// escapes (`\n`, `\r`, `\x1b`, `\u0085`), so that a message cannot
    /// forge a log line or drive a terminal. The format's own text, and
    /// exception and stack text, are written as they are.
    pub fn escaping_controls(mut self, on: bool) -> Self {
        self.escape_controls = on;
        self
    }

    fn write_field<R: RecordFields + ?Sized>(
        &self,
        field: &Field,
        spec: &Spec,
        rec: &R,
        out: &mut String,
    ) {
        let value = match field {
            Field::Name => Value::Str(rec.logger()),
            Field::LevelName => match rec.level().name() {
                LevelName::Static(name) => Value::Str(name),
                unnamed => {
                    spec.render(Value::Str(&unnamed.to_string()), out);
                    return;
                }
            },
            Field::LevelNo => Value::Int(i64::from(rec.level().value())),
            Field::Message => Value::Str(rec.message()),
            Field::Asctime if spec.is_plain() => {
                self.date.write(rec.created_ns(), out);
                return;
            }
            Field::Asctime => {
                let mut text = String::new();
                self.date.write(rec.created_ns(), &mut text);
                spec.render(Value::Str(&text), out);
                return;
            }
            Field::Msecs => Value::Float(rec.msecs()),
            Field::Created => Value::Float(rec.created_secs()),
            Field::RelativeCreated => Value::Float(rec.relative_created_ms()),
            Field::Thread => Value::Int(rec.thread_id() as i64),
            Field::ThreadName => Value::Str(rec.thread_name()),
            Field::Process => Value::Int(i64::from(rec.process_id())),
            Field::Pathname => Value::Str(rec.file().unwrap_or("")),
            Field::Filename => Value::Str(filename_of(rec.file())),
            Field::Module => Value::Str(module_of(rec.file(), rec.module())),
            Field::Lineno => Value::Int(i64::from(rec.line())),
            Field::FuncName => Value::Str(rec.function().unwrap_or("")),
            Field::ExcText => Value::Str(rec.exception().unwrap_or("")),
            Field::StackInfo => Value::Str(rec.stack().unwrap_or("")),
            Field::KeyValue(key) => Value::Str(rec.key_value(key).unwrap_or("")),
        };
        spec.render(value, out);
    }

    /// Appends the text of `record`: what [`FemtoFormatter::format`] does,
    /// for anything with a record's fields (see [`RecordFields`]), so that
    /// a record need not be built only to be formatted.
    pub fn format_fields<R: RecordFields + ?Sized>(&self, record: &R, out: &mut String) {
        for part in &self.parts {
            match part {
                Part::Literal(text) => out.push_str(text),
                Part::Field(field, spec, _) if self.escape_controls => {
                    let start = out.len();
                    self.write_field(field, spec, record, out);
                    escape_controls_from(out, start);
                }
                Part::Field(field, spec, plain) => match plain_text(field, *plain, record) {
                    Some(text) => out.push_str(text),
                    None => self.write_field(field, spec, record, out),
                },
            }
        }
        for extra in [record.exception(), record.stack()].into_iter().flatten() {
            if !out.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(extra);
        }
    }
}

/// The text of a text field printed as it is (`%(name)s`, `%(message)s`
/// …, no width, precision or `repr`), or `None` for any other: the common
/// fields go straight into the line, without the general rendering.
#[inline]
fn plain_text<'r, R: RecordFields + ?Sized>(
    field: &Field,
    plain: bool,
    rec: &'r R,
) -> Option<&'r str> {
    if !plain {
        return None;
    }
    Some(match field {
        Field::Name => rec.logger(),
        Field::LevelName => match rec.level().name() {
            LevelName::Static(name) => name,
            _ => return None,
        },
        Field::Message => rec.message(),
        Field::ThreadName => rec.thread_name(),
        Field::Pathname => rec.file().unwrap_or(""),
        Field::Filename => filename_of(rec.file()),
        Field::Module => module_of(rec.file(), rec.module()),
        Field::FuncName => rec.function().unwrap_or(""),
        _ => return None,
    })
}

impl FemtoFormatter for TemplateFormatter {
    fn needs_location(&self) -> bool {
        self.parts.iter().any(|part| {
            matches!(
                part,
                Part::Field(
                    Field::Pathname
                        | Field::Filename
                        | Field::Module
                        | Field::Lineno
                        | Field::FuncName,
                    _,
                    _
                )
            )
        })
    }

    fn format(&self, record: &FemtoLogRecord, out: &mut String) {
        self.format_fields(record, out);
    }

    fn as_template(&self) -> Option<&TemplateFormatter> {
        Some(self)
    }
}

/// Whether `c` is escaped by [`escape_controls_from`]: C0 controls but the
/// tab, DEL, and the C1 controls.
fn is_escaped_control(c: char) -> bool {
    (c.is_control() && c != '\t') || ('\u{80}'..='\u{9f}').contains(&c)
}

/// Rewrites `out[start..]` with its control characters escaped.
pub fn escape_controls_from(out: &mut String, start: usize) {
    if !out[start..].chars().any(is_escaped_control) {
        return;
    }
    let tail = out.split_off(start);
    for c in tail.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if is_escaped_control(c) && (c as u32) < 0x80 => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if is_escaped_control(c) => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
}

fn syntax(format: &str, position: usize, reason: &'static str) -> FormatError {
    FormatError::Syntax {
        format: format.to_owned(),
        position,
        reason,
    }
}

fn push_literal(parts: &mut Vec<Part>, text: &str) {
    if text.is_empty() {
        return;
    }
    if let Some(Part::Literal(last)) = parts.last_mut() {
        last.push_str(text);
    } else {
        parts.push(Part::Literal(text.to_owned()));
    }
}

fn parse_percent(format: &str) -> Result<Vec<Part>, FormatError> {
    let mut parts = Vec::new();
    let mut rest = format;
    while let Some(pct) = rest.find('%') {
        push_literal(&mut parts, &rest[..pct]);
        let after = &rest[pct + 1..];
        let position = format.len() - after.len() - 1;
        if let Some(tail) = after.strip_prefix('%') {
            push_literal(&mut parts, "%");
            rest = tail;
        } else if let Some(tail) = after.strip_prefix('(') {
            let close = tail
                .find(')')
                .ok_or_else(|| syntax(format, position, "unclosed '%('"))?;
            let field = Field::from_name(&tail[..close]);
            let (spec, used) = Spec::parse_percent(&tail[close + 1..])?;
            parts.push(Part::field(field, spec));
            rest = &tail[close + 1 + used..];
        } else {
            return Err(syntax(
                format,
                position,
                "'%' must be followed by '(name)' or '%'",
            ));
        }
    }
    push_literal(&mut parts, rest);
    Ok(parts)
}

fn parse_brace(format: &str) -> Result<Vec<Part>, FormatError> {
    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut chars = format.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '{' if chars.peek().map(|p| p.1) == Some('{') => {
                chars.next();
                literal.push('{');
            }
            '}' if chars.peek().map(|p| p.1) == Some('}') => {
                chars.next();
                literal.push('}');
            }
            '}' => return Err(syntax(format, i, "single '}'")),
            '{' => {
                let close = format[i..]
                    .find('}')
                    .ok_or_else(|| syntax(format, i, "unclosed '{'"))?;
                let body = &format[i + 1..i + close];
                let (name, spec_text) = body.split_once(':').unwrap_or((body, ""));
                let (name, conversion) = name.split_once('!').unwrap_or((name, ""));
                if name.is_empty() || name.contains('{') {
                    return Err(syntax(format, i, "a field needs a name"));
                }
                let mut spec = Spec::parse_brace(spec_text)?;
                if conversion == "r" {
                    spec.conversion = super::spec::Conversion::Repr;
                }
                push_literal(&mut parts, &literal);
                literal.clear();
                parts.push(Part::field(Field::from_name(name), spec));
                while chars.peek().is_some_and(|(j, _)| *j <= i + close) {
                    chars.next();
                }
            }
            other => literal.push(other),
        }
    }
    push_literal(&mut parts, &literal);
    Ok(parts)
}

fn parse_dollar(format: &str) -> Result<Vec<Part>, FormatError> {
    let is_ident_start = |c: char| c == '_' || c.is_ascii_alphabetic();
    let is_ident = |c: char| c == '_' || c.is_ascii_alphanumeric();
    let mut parts = Vec::new();
    let mut rest = format;
    while let Some(dollar) = rest.find('$') {
        push_literal(&mut parts, &rest[..dollar]);
        let after = &rest[dollar + 1..];
        let position = format.len() - after.len() - 1;
        if let Some(tail) = after.strip_prefix('$') {
            push_literal(&mut parts, "$");
            rest = tail;
        } else if let Some(tail) = after.strip_prefix('{') {
            let close = tail
                .find('}')
                .ok_or_else(|| syntax(format, position, "unclosed '${'"))?;
            let name = &tail[..close];
            if !name.starts_with(is_ident_start) || !name.chars().all(is_ident) {
                return Err(syntax(format, position, "invalid placeholder name"));
            }
            parts.push(Part::field(Field::from_name(name), Spec::default()));
            rest = &tail[close + 1..];
        } else if after.starts_with(is_ident_start) {
            let end = after.find(|c: char| !is_ident(c)).unwrap_or(after.len());
            parts.push(Part::field(
                Field::from_name(&after[..end]),
                Spec::default(),
            ));
            rest = &after[end..];
        } else {
            return Err(syntax(format, position, "invalid placeholder"));
        }
    }
    push_literal(&mut parts, rest);
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::level::FemtoLevel;
    use crate::record::SourceLocation;
    use rstest::{fixture, rstest};

    #[fixture]
    fn record() -> FemtoLogRecord {
        let mut rec = FemtoLogRecord::new("app.db".into(), FemtoLevel::WARNING, "disk full")
            .with_location(SourceLocation {
                file: Some("/srv/app/db.py".into()),
                line: 42,
                function: Some("save".into()),
                module: None,
            })
            .with_key_value("user", "ann");
        rec.created_ns = 1_700_000_000_123_456_789;
        rec.thread_id = 7;
        rec.thread_name = "worker-1".into();
        rec.process_id = 99;
        rec
    }

    fn render(format: &str, style: FormatStyle, rec: &FemtoLogRecord) -> String {
        let f = TemplateFormatter::with_utc(format, style, None, true).unwrap();
        let mut out = String::new();
        f.format(rec, &mut out);
        out
    }

    #[rstest]
    #[case("%(levelname)s:%(name)s:%(message)s", "WARNING:app.db:disk full")]
    #[case("%(levelname)-8s|%(levelno)d", "WARNING |30")]
    #[case("%(asctime)s", "2023-11-14 22:13:20,123")]
    #[case("%(msecs)03d %(created)f", "123 1700000000.123457")]
    #[case("%(thread)d %(threadName)s %(process)d", "7 worker-1 99")]
    #[case("%(pathname)s %(filename)s %(module)s", "/srv/app/db.py db.py db")]
    #[case("%(lineno)d %(funcName)s", "42 save")]
    #[case("[%(user)s] 100%%", "[ann] 100%")]
    #[case("%(missing)s.", ".")]
    fn percent_style(record: FemtoLogRecord, #[case] format: &str, #[case] expected: &str) {
        assert_eq!(render(format, FormatStyle::Percent, &record), expected);
    }

    #[rstest]
    #[case("{levelname:<8}|{name}|{message}", "WARNING |app.db|disk full")]
    #[case("{lineno:05d} {{literal}}", "00042 {literal}")]
    #[case("{name!r}", "'app.db'")]
    #[case("{user:>5}", "  ann")]
    fn brace_style(record: FemtoLogRecord, #[case] format: &str, #[case] expected: &str) {
        assert_eq!(render(format, FormatStyle::Brace, &record), expected);
    }

    #[rstest]
    #[case("$levelname ${name}: $message $$5", "WARNING app.db: disk full $5")]
    fn dollar_style(record: FemtoLogRecord, #[case] format: &str, #[case] expected: &str) {
        assert_eq!(render(format, FormatStyle::Dollar, &record), expected);
    }

    #[rstest]
    #[case("%(name", FormatStyle::Percent)]
    #[case("%d", FormatStyle::Percent)]
    #[case("%(name)q", FormatStyle::Percent)]
    #[case("{name", FormatStyle::Brace)]
    #[case("name}", FormatStyle::Brace)]
    #[case("{}", FormatStyle::Brace)]
    #[case("${9x}", FormatStyle::Dollar)]
    #[case("$ x", FormatStyle::Dollar)]
    fn malformed_formats_are_rejected(#[case] format: &str, #[case] style: FormatStyle) {
        assert!(
            TemplateFormatter::new(format, style, None).is_err(),
            "{format}"
        );
    }

    #[rstest]
    fn exception_and_stack_follow_the_message(mut record: FemtoLogRecord) {
        record.exception = Some("Traceback: boom".into());
        record.stack = Some("Stack (most recent call last): here".into());
        assert_eq!(
            render("%(message)s", FormatStyle::Percent, &record),
            "disk full\nTraceback: boom\nStack (most recent call last): here"
        );
    }

    #[rstest]
    fn style_from_str() {
        assert_eq!("{".parse(), Ok(FormatStyle::Brace));
        assert!("?".parse::<FormatStyle>().is_err());
    }
}

#[cfg(test)]
mod escape_tests {
    use rstest::rstest;

    use super::*;
    use crate::level::FemtoLevel;

    #[rstest]
    #[case("plain", "plain")]
    #[case("forged\nINFO root: ok", "forged\\nINFO root: ok")]
    #[case("\r\x1b[31mred\x1b[0m\ttab", "\\r\\x1b[31mred\\x1b[0m\ttab")]
    #[case("c1 \u{85} \u{9b}", "c1 \\u0085 \\u009b")]
    #[case("del \u{7f}", "del \\x7f")]
    fn values_are_escaped_and_the_format_is_not(#[case] message: &str, #[case] expected: &str) {
        let formatter =
            TemplateFormatter::new("%(message)s|\t%(name)s", FormatStyle::Percent, None)
                .unwrap()
                .escaping_controls(true);
        let record = FemtoLogRecord::new("app\nforged".into(), FemtoLevel::INFO, message);
        let mut out = String::new();
        formatter.format(&record, &mut out);
        assert_eq!(out, format!("{expected}|\tapp\\nforged"));
    }
}
