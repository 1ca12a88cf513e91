//! Width, alignment, precision and conversion of one formatted field, the
//! common model behind `%(name)-10s` and `{name:<10}`.

use std::fmt::Write as _;

/// A field's value before the spec is applied.
#[derive(Debug, Clone, Copy)]
pub enum Value<'a> {
    Str(&'a str),
    Int(i64),
    Float(f64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
    Center,
    /// Padding goes between the sign and the digits (`{:=}` and `%0`).
    AfterSign,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sign {
    #[default]
    Negative,
    Always,
    Space,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Conversion {
    /// The value's natural form (`{}` with no type).
    #[default]
    Natural,
    Str,
    Repr,
    Int,
    Float,
    Exp,
    Hex,
    HexUpper,
    Octal,
}

/// A compiled field spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    pub fill: char,
    pub align: Option<Align>,
    pub sign: Sign,
    pub zero: bool,
    pub width: usize,
    pub precision: Option<usize>,
    pub conversion: Conversion,
    /// `%`-style right-aligns every value by default; `{}` left-aligns text.
    pub percent_style: bool,
}

impl Default for Spec {
    fn default() -> Self {
        Spec {
            fill: ' ',
            align: None,
            sign: Sign::Negative,
            zero: false,
            width: 0,
            precision: None,
            conversion: Conversion::Natural,
            percent_style: false,
        }
    }
}

/// A malformed spec.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid format spec {spec:?}: {reason}")]
pub struct SpecError {
    pub spec: String,
    pub reason: &'static str,
}

impl Spec {
    /// Whether the spec changes nothing, so the value can be copied as is.
    pub fn is_plain(&self) -> bool {
        self.width == 0
            && self.precision.is_none()
            && self.sign == Sign::Negative
            && matches!(
                self.conversion,
                Conversion::Natural | Conversion::Str | Conversion::Int
            )
    }

    /// Parses the part of a `%` directive after the `)`: flags, width,
    /// precision and one conversion character. Returns the spec and the
    /// number of bytes consumed.
    pub fn parse_percent(text: &str) -> Result<(Spec, usize), SpecError> {
        let err = |reason| SpecError {
            spec: text.chars().take(12).collect(),
            reason,
        };
        let bytes = text.as_bytes();
        let mut spec = Spec {
            percent_style: true,
            ..Spec::default()
        };
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'-' => spec.align = Some(Align::Left),
                b'0' => spec.zero = true,
                b'+' => spec.sign = Sign::Always,
                b' ' if spec.sign != Sign::Always => spec.sign = Sign::Space,
                b' ' | b'#' => {}
                _ => break,
            }
            i += 1;
        }
        let (width, used) = parse_number(&text[i..]);
        spec.width = width.unwrap_or(0);
        i += used;
        if bytes.get(i) == Some(&b'.') {
            let (precision, used) = parse_number(&text[i + 1..]);
            spec.precision = Some(precision.unwrap_or(0));
            i += 1 + used;
        }
        let conversion = match bytes.get(i) {
            Some(b's') => Conversion::Str,
            Some(b'r') | Some(b'a') => Conversion::Repr,
            Some(b'd') | Some(b'i') | Some(b'u') => Conversion::Int,
            Some(b'f') | Some(b'F') | Some(b'g') | Some(b'G') => Conversion::Float,
            Some(b'e') | Some(b'E') => Conversion::Exp,
            Some(b'x') => Conversion::Hex,
            Some(b'X') => Conversion::HexUpper,
            Some(b'o') => Conversion::Octal,
            Some(_) => return Err(err("unsupported conversion character")),
            None => return Err(err("missing conversion character")),
        };
        spec.conversion = conversion;
        if spec.zero && spec.align != Some(Align::Left) && conversion != Conversion::Str {
            spec.fill = '0';
            spec.align = Some(Align::AfterSign);
        }
        Ok((spec, i + 1))
    }

    /// Parses a `str.format` spec: `[[fill]align][sign][#][0][width][,][.precision][type]`.
    pub fn parse_brace(text: &str) -> Result<Spec, SpecError> {
        let err = |reason| SpecError {
            spec: text.to_owned(),
            reason,
        };
        let mut spec = Spec::default();
        let chars: Vec<char> = text.chars().collect();
        let mut i = 0;
        let align_of = |c: char| match c {
            '<' => Some(Align::Left),
            '>' => Some(Align::Right),
            '^' => Some(Align::Center),
            '=' => Some(Align::AfterSign),
            _ => None,
        };
        if chars.len() >= 2 && align_of(chars[1]).is_some() {
            spec.fill = chars[0];
            spec.align = align_of(chars[1]);
            i = 2;
        } else if let Some(align) = chars.first().copied().and_then(align_of) {
            spec.align = Some(align);
            i = 1;
        }
        match chars.get(i) {
            Some('+') => {
                spec.sign = Sign::Always;
                i += 1;
            }
            Some(' ') => {
                spec.sign = Sign::Space;
                i += 1;
            }
            Some('-') => i += 1,
            _ => {}
        }
        if chars.get(i) == Some(&'#') {
            i += 1;
        }
        if chars.get(i) == Some(&'0') {
            spec.zero = true;
            if spec.align.is_none() {
                spec.fill = '0';
                spec.align = Some(Align::AfterSign);
            }
            i += 1;
        }
        let rest: String = chars[i..].iter().collect();
        let (width, used) = parse_number(&rest);
        spec.width = width.unwrap_or(0);
        let mut j = used;
        let rest_bytes = rest.as_bytes();
        if matches!(rest_bytes.get(j), Some(b',') | Some(b'_')) {
            j += 1;
        }
        if rest_bytes.get(j) == Some(&b'.') {
            let (precision, used) = parse_number(&rest[j + 1..]);
            if precision.is_none() {
                return Err(err("precision without digits"));
            }
            spec.precision = precision;
            j += 1 + used;
        }
        spec.conversion = match &rest[j..] {
            "" => Conversion::Natural,
            "s" => Conversion::Str,
            "d" | "n" => Conversion::Int,
            "f" | "F" | "g" | "G" | "%" => Conversion::Float,
            "e" | "E" => Conversion::Exp,
            "x" => Conversion::Hex,
            "X" => Conversion::HexUpper,
            "o" => Conversion::Octal,
            _ => return Err(err("unsupported format type")),
        };
        Ok(spec)
    }

    /// Renders `value` into `out` according to the spec.
    pub fn render(&self, value: Value<'_>, out: &mut String) {
        if self.is_plain() {
            if let Value::Str(s) = value {
                out.push_str(s);
                return;
            }
        }
        let mut body = String::new();
        let numeric = self.render_body(value, &mut body);
        self.pad(&body, numeric, out);
    }

    /// Writes the unpadded text; returns whether it is a number (for the
    /// default alignment and sign-aware padding).
    fn render_body(&self, value: Value<'_>, body: &mut String) -> bool {
        match (value, self.conversion) {
            (Value::Str(s), Conversion::Repr) => {
                body.push('\'');
                body.push_str(s);
                body.push('\'');
                false
            }
            (Value::Str(s), _) => {
                match self.precision {
                    Some(p) => body.extend(s.chars().take(p)),
                    None => body.push_str(s),
                }
                false
            }
            (Value::Int(n), Conversion::Float | Conversion::Exp) => {
                self.render_body(Value::Float(n as f64), body)
            }
            (Value::Int(n), conversion) => {
                self.push_sign(n < 0, body);
                let magnitude = n.unsigned_abs();
                let _ = match conversion {
                    Conversion::Hex => write!(body, "{magnitude:x}"),
                    Conversion::HexUpper => write!(body, "{magnitude:X}"),
                    Conversion::Octal => write!(body, "{magnitude:o}"),
                    _ => write!(body, "{magnitude}"),
                };
                conversion != Conversion::Str && conversion != Conversion::Repr
            }
            (
                Value::Float(x),
                Conversion::Int | Conversion::Hex | Conversion::HexUpper | Conversion::Octal,
            ) => self.render_body(Value::Int(x.trunc() as i64), body),
            (Value::Float(x), Conversion::Float) => {
                self.push_sign(x.is_sign_negative() && x != 0.0, body);
                let _ = write!(body, "{:.*}", self.precision.unwrap_or(6), x.abs());
                true
            }
            (Value::Float(x), Conversion::Exp) => {
                self.push_sign(x.is_sign_negative() && x != 0.0, body);
                push_python_exp(x.abs(), self.precision.unwrap_or(6), body);
                true
            }
            (Value::Float(x), conversion) => {
                self.push_sign(x.is_sign_negative() && x != 0.0, body);
                push_python_float(x.abs(), body);
                conversion == Conversion::Natural
            }
        }
    }

    fn push_sign(&self, negative: bool, body: &mut String) {
        match (negative, self.sign) {
            (true, _) => body.push('-'),
            (false, Sign::Always) => body.push('+'),
            (false, Sign::Space) => body.push(' '),
            (false, Sign::Negative) => {}
        }
    }

    fn pad(&self, body: &str, numeric: bool, out: &mut String) {
        let len = body.chars().count();
        if len >= self.width {
            out.push_str(body);
            return;
        }
        let padding = self.width - len;
        let align = self.align.unwrap_or(if numeric || self.percent_style {
            Align::Right
        } else {
            Align::Left
        });
        let fill = |out: &mut String, n: usize| out.extend(std::iter::repeat_n(self.fill, n));
        match align {
            Align::Left => {
                out.push_str(body);
                fill(out, padding);
            }
            Align::Right => {
                fill(out, padding);
                out.push_str(body);
            }
            Align::Center => {
                fill(out, padding / 2);
                out.push_str(body);
                fill(out, padding - padding / 2);
            }
            Align::AfterSign => {
                let sign_len = body
                    .chars()
                    .next()
                    .filter(|c| numeric && matches!(c, '-' | '+' | ' '))
                    .map_or(0, char::len_utf8);
                out.push_str(&body[..sign_len]);
                fill(out, padding);
                out.push_str(&body[sign_len..]);
            }
        }
    }
}

/// Python's `repr(float)`: the shortest round-trip form, always with a
/// decimal point or an exponent.
fn push_python_float(x: f64, body: &mut String) {
    if !x.is_finite() {
        body.push_str(if x.is_nan() { "nan" } else { "inf" });
        return;
    }
    if x != 0.0 && !(1e-4..1e16).contains(&x) {
        let _ = write!(body, "{x:e}");
        fix_exponent(body);
        return;
    }
    let start = body.len();
    let _ = write!(body, "{x}");
    if !body[start..].contains('.') {
        body.push_str(".0");
    }
}

/// Python's `%e`: mantissa with `precision` digits and a signed exponent
/// of at least two digits.
fn push_python_exp(x: f64, precision: usize, body: &mut String) {
    let _ = write!(body, "{x:.precision$e}");
    fix_exponent(body);
}

fn fix_exponent(body: &mut String) {
    if let Some(e) = body.rfind('e') {
        let exponent: String = body[e + 1..].to_owned();
        body.truncate(e + 1);
        let (sign, digits) = match exponent.strip_prefix('-') {
            Some(d) => ('-', d.to_owned()),
            None => ('+', exponent),
        };
        body.push(sign);
        if digits.len() < 2 {
            body.push('0');
        }
        body.push_str(&digits);
    }
}

fn parse_number(text: &str) -> (Option<usize>, usize) {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return (None, 0);
    }
    (text[..digits].parse().ok(), digits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn percent(spec: &str, value: Value<'_>) -> String {
        let (spec, used) = Spec::parse_percent(spec).unwrap();
        let mut out = String::new();
        spec.render(value, &mut out);
        assert!(used > 0);
        out
    }

    fn brace(spec: &str, value: Value<'_>) -> String {
        let mut out = String::new();
        Spec::parse_brace(spec).unwrap().render(value, &mut out);
        out
    }

    // Expected values are what CPython 3.11 prints for the same spec.
    #[rstest]
    #[case("s", Value::Str("ab"), "ab")]
    #[case("-8s", Value::Str("INFO"), "INFO    ")]
    #[case("8s", Value::Str("INFO"), "    INFO")]
    #[case(".2s", Value::Str("INFO"), "IN")]
    #[case("03d", Value::Float(7.9), "007")]
    #[case("5d", Value::Int(-42), "  -42")]
    #[case("05d", Value::Int(-42), "-0042")]
    #[case("+d", Value::Int(3), "+3")]
    #[case("f", Value::Float(1.5), "1.500000")]
    #[case(".3f", Value::Float(2.0), "2.000")]
    #[case("x", Value::Int(255), "ff")]
    #[case("r", Value::Str("a"), "'a'")]
    #[case("s", Value::Float(20.0), "20.0")]
    #[case("s", Value::Int(20), "20")]
    #[case("e", Value::Float(12345.678), "1.234568e+04")]
    fn percent_specs(#[case] spec: &str, #[case] value: Value<'_>, #[case] expected: &str) {
        assert_eq!(percent(spec, value), expected);
    }

    #[rstest]
    #[case("", Value::Str("x"), "x")]
    #[case("<6", Value::Str("x"), "x     ")]
    #[case(">6", Value::Str("x"), "     x")]
    #[case("^5", Value::Str("x"), "  x  ")]
    #[case("*^5", Value::Str("x"), "**x**")]
    #[case("6", Value::Str("x"), "x     ")]
    #[case("6", Value::Int(12), "    12")]
    #[case("06d", Value::Int(-12), "-00012")]
    #[case(".2f", Value::Float(1.23456), "1.23")]
    #[case("", Value::Float(0.5), "0.5")]
    #[case(".1", Value::Str("abc"), "a")]
    fn brace_specs(#[case] spec: &str, #[case] value: Value<'_>, #[case] expected: &str) {
        assert_eq!(brace(spec, value), expected);
    }

    #[rstest]
    #[case("")]
    #[case("-5")]
    #[case("q")]
    fn bad_percent_specs(#[case] spec: &str) {
        assert!(Spec::parse_percent(spec).is_err());
    }

    #[rstest]
    #[case("q")]
    #[case(".f")]
    fn bad_brace_specs(#[case] spec: &str) {
        assert!(Spec::parse_brace(spec).is_err());
    }

    #[rstest]
    fn float_repr_uses_exponent_for_large_values() {
        let mut out = String::new();
        push_python_float(1e16, &mut out);
        assert_eq!(out, "1e+16");
    }
}
