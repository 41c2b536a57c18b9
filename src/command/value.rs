//! SET values: `snmpset`'s TYPE letters and how each reads its VALUE (net-snmp 5.9
//! `snmp_add_var` in `snmplib/mib.c`, `netsnmp_hex_to_binary` and `snmp_decimal_to_binary` in
//! `snmplib/tools.c`). Pure.
//!
//! | TYPE | Value | VALUE |
//! |---|---|---|
//! | `i` | INTEGER | decimal, -2147483648..=2147483647 |
//! | `u` | Gauge32 (Unsigned32) | decimal, 0..=4294967295 |
//! | `c` | Counter32 | decimal, 0..=4294967295 |
//! | `C` | Counter64 (ours; net-snmp's tools have it too) | decimal, 0..=18446744073709551615 |
//! | `t` | TimeTicks | hundredths of a second, 0..=4294967295 |
//! | `a` | IpAddress | dotted quad |
//! | `o` | OBJECT IDENTIFIER | numeric or a MIB name |
//! | `s` | OCTET STRING | the text, as UTF-8 bytes |
//! | `x` | OCTET STRING | hex pairs, optional `0x` first, blanks between pairs allowed |
//! | `d` | OCTET STRING | decimal bytes 0..=255 separated by blanks or dots |
//! | `b` | OCTET STRING (BITS) | bit numbers separated by blanks or commas; bit 0 is the top bit of the first byte |
//! | `n` | NULL | ignored (but present, as `snmpset` wants it) |
//!
//! Not supported: `=` (it needs the object's MIB syntax, which the compiled-in table does not
//! carry) and the Opaque letters `U I F D`.

use std::borrow::Cow;
use std::net::Ipv4Addr;

use crate::mib::{self, MibError};
use crate::pdu::Value;

use super::clip;

/// Highest bit number `b` accepts (the value then has 512 bytes).
pub const MAX_BIT: u32 = 4095;

/// Why a SET TYPE and VALUE do not make a value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SetValueError {
    /// A TYPE that is not one of the letters.
    #[error("unknown type '{0}' (one of: i u c C t a o s x d b n)")]
    UnknownType(String),
    /// A VALUE that does not fit the TYPE.
    #[error("bad value '{value}' for type {ty}: expected {expected}")]
    BadValue {
        /// The TYPE letter.
        ty: char,
        /// The VALUE as typed.
        value: String,
        /// What the type takes.
        expected: &'static str,
    },
    /// An `o` VALUE that does not resolve.
    #[error("type o: {0}")]
    Oid(MibError),
}

/// The value that `snmpset`'s TYPE letter and VALUE stand for.
///
/// ```
/// use snmpact::command::parse_set_value;
/// use snmpact::pdu::Value;
/// assert_eq!(parse_set_value("u", "42").unwrap(), Value::Gauge32(42));
/// assert_eq!(parse_set_value("x", "0x00 1a2B").unwrap(), Value::OctetString(vec![0, 0x1a, 0x2b].into()));
/// assert!(parse_set_value("i", "2147483648").is_err());
/// ```
///
/// # Errors
/// [`SetValueError`]: an unknown letter, a value out of range or malformed, an OID that does
/// not resolve.
pub fn parse_set_value(ty: &str, value: &str) -> Result<Value<'static>, SetValueError> {
    let mut letters = ty.chars();
    let (Some(letter), None) = (letters.next(), letters.next()) else {
        return Err(SetValueError::UnknownType(clip(ty)));
    };
    let bad = |expected| SetValueError::BadValue {
        ty: letter,
        value: clip(value),
        expected,
    };
    Ok(match letter {
        'i' => Value::Integer(
            value
                .parse()
                .map_err(|_| bad("an integer from -2147483648 to 2147483647"))?,
        ),
        'u' => Value::Gauge32(u32_of(value).ok_or_else(|| bad(U32))?),
        'c' => Value::Counter32(u32_of(value).ok_or_else(|| bad(U32))?),
        't' => Value::TimeTicks(u32_of(value).ok_or_else(|| bad(U32))?),
        'C' => Value::Counter64(
            digits(value)
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| bad("a number from 0 to 18446744073709551615"))?,
        ),
        'a' => Value::IpAddress(
            value
                .parse::<Ipv4Addr>()
                .map_err(|_| bad("an IPv4 address like 127.0.0.1"))?
                .octets(),
        ),
        'o' => Value::ObjectId(mib::resolve(value).map_err(SetValueError::Oid)?),
        's' => Value::OctetString(Cow::Owned(value.as_bytes().to_vec())),
        'x' => Value::OctetString(Cow::Owned(
            hex(value).ok_or_else(|| bad("pairs of hex digits, like 0a1B or 0a 1b"))?,
        )),
        'd' => Value::OctetString(Cow::Owned(decimal(value).ok_or_else(|| {
            bad("bytes 0 to 255 separated by blanks or dots, like 127.0.0.1")
        })?)),
        'b' => Value::OctetString(Cow::Owned(
            bits(value).ok_or_else(|| bad("bit numbers 0 to 4095 separated by commas"))?,
        )),
        'n' => Value::Null,
        _ => return Err(SetValueError::UnknownType(clip(ty))),
    })
}

const U32: &str = "a number from 0 to 4294967295";

/// Only ASCII digits (Rust's `parse` would also take a leading `+`).
fn digits(s: &str) -> Option<&str> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then_some(s)
}

fn u32_of(s: &str) -> Option<u32> {
    digits(s)?.parse().ok()
}

/// net-snmp's `netsnmp_hex_to_binary` with blanks as delimiters: an optional `0x`, then pairs.
fn hex(s: &str) -> Option<Vec<u8>> {
    let s = s
        .strip_prefix("0x")
        .or_else(|| s.strip_prefix("0X"))
        .unwrap_or(s);
    let mut out = Vec::with_capacity(s.len() / 2);
    let mut b = s.bytes().peekable();
    while let Some(c) = b.next() {
        if c.is_ascii_whitespace() {
            continue;
        }
        let hi = hex_digit(c)?;
        let lo = hex_digit(b.next()?)?;
        out.push(hi << 4 | lo);
    }
    Some(out)
}

fn hex_digit(c: u8) -> Option<u8> {
    char::from(c)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

/// net-snmp's `snmp_decimal_to_binary`: numbers 0..=255 separated by blanks or dots.
fn decimal(s: &str) -> Option<Vec<u8>> {
    s.split(|c: char| c.is_ascii_whitespace() || c == '.')
        .filter(|p| !p.is_empty())
        .map(|p| digits(p)?.parse::<u8>().ok())
        .collect()
}

/// BITS: the named bit numbers set, bit 0 being the top bit of the first byte (RFC 2578 §7.1.4).
fn bits(s: &str) -> Option<Vec<u8>> {
    let mut out: Vec<u8> = Vec::new();
    for p in s
        .split(|c: char| c.is_ascii_whitespace() || c == ',')
        .filter(|p| !p.is_empty())
    {
        let bit: u32 = digits(p)?.parse().ok().filter(|b| *b <= MAX_BIT)?;
        let byte = usize::try_from(bit / 8).ok()?;
        if out.len() <= byte {
            out.resize(byte + 1, 0);
        }
        out[byte] |= 0x80 >> (bit % 8);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(ty: &str, v: &str) -> Value<'static> {
        parse_set_value(ty, v).unwrap_or_else(|e| panic!("{ty} {v}: {e}"))
    }

    fn os(b: &[u8]) -> Value<'static> {
        Value::OctetString(Cow::Owned(b.to_vec()))
    }

    #[test]
    fn every_letter_makes_its_type() {
        assert_eq!(ok("i", "-5"), Value::Integer(-5));
        assert_eq!(ok("i", "2147483647"), Value::Integer(i32::MAX));
        assert_eq!(ok("i", "-2147483648"), Value::Integer(i32::MIN));
        assert_eq!(ok("u", "4294967295"), Value::Gauge32(u32::MAX));
        assert_eq!(ok("c", "7"), Value::Counter32(7));
        assert_eq!(ok("C", "18446744073709551615"), Value::Counter64(u64::MAX));
        assert_eq!(ok("t", "8640000"), Value::TimeTicks(8_640_000));
        assert_eq!(ok("a", "127.0.0.1"), Value::IpAddress([127, 0, 0, 1]));
        assert_eq!(
            ok("o", "sysDescr.0"),
            Value::ObjectId("1.3.6.1.2.1.1.1.0".parse().unwrap())
        );
        assert_eq!(ok("s", "a b"), os(b"a b"));
        assert_eq!(ok("s", ""), os(b""));
        assert_eq!(ok("x", "0A1b"), os(&[0x0a, 0x1b]));
        assert_eq!(ok("x", "0x00 1A 2b"), os(&[0, 0x1a, 0x2b]));
        assert_eq!(ok("x", ""), os(b""));
        assert_eq!(ok("d", "127.0.0.1"), os(&[127, 0, 0, 1]));
        assert_eq!(ok("d", "1 2  255"), os(&[1, 2, 255]));
        assert_eq!(ok("b", "0"), os(&[0x80]));
        assert_eq!(ok("b", "0,7 9"), os(&[0x81, 0x40]));
        assert_eq!(ok("n", "whatever"), Value::Null);
    }

    #[test]
    fn bad_values_say_what_the_type_takes() {
        let cases = [
            ("i", "2147483648"),
            ("i", "1.5"),
            ("i", ""),
            ("u", "-1"),
            ("u", "+1"),
            ("u", "4294967296"),
            ("c", "x"),
            ("t", " 1"),
            ("C", "18446744073709551616"),
            ("a", "1.2.3"),
            ("a", "::1"),
            ("x", "abc"),
            ("x", "0g"),
            ("x", "a b"),
            ("d", "256"),
            ("d", "1,2"),
            ("b", "4096"),
            ("b", "x"),
        ];
        for (ty, v) in cases {
            match parse_set_value(ty, v) {
                Err(SetValueError::BadValue { ty: t, .. }) => {
                    assert_eq!(t.to_string(), ty, "{ty} {v}");
                }
                other => panic!("{ty} {v:?}: {other:?}"),
            }
        }
        assert_eq!(
            parse_set_value("i", "x").unwrap_err().to_string(),
            "bad value 'x' for type i: expected an integer from -2147483648 to 2147483647"
        );
    }

    #[test]
    fn unknown_types_and_oids() {
        for ty in ["q", "", "ii", "=", "F"] {
            assert!(
                matches!(parse_set_value(ty, "1"), Err(SetValueError::UnknownType(_))),
                "{ty}"
            );
        }
        assert_eq!(
            parse_set_value("q", "1").unwrap_err().to_string(),
            "unknown type 'q' (one of: i u c C t a o s x d b n)"
        );
        assert!(matches!(
            parse_set_value("o", "sysDescrr"),
            Err(SetValueError::Oid(MibError::UnknownName { .. }))
        ));
    }
}
