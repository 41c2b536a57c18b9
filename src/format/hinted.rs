//! The value half of net-snmp's text form when the MIB knows the object: enumeration labels,
//! BITS names, DISPLAY-HINTs for integers and octet strings, UNITS, and "Wrong Type" for a
//! value whose type is not the object's. Follows the `printomat` functions of net-snmp 5.9's
//! `snmplib/mib.c` (`sprint_realloc_integer`, `_octet_string`, `_bitstring`, `_gauge`,
//! `_counter`, `_timeticks`, `_counter64`, `_ipaddress`, `_object_identifier`,
//! `sprint_realloc_hinted_integer`). Without a known object, [`super::text`] prints by type.

use std::fmt::Write as _;

use crate::mib::tree::{Syntax, SyntaxKind};
use crate::oid::push_u32;
use crate::pdu::Value;

use super::text::{self, is_display_text, push_hex_text_lines};
use super::{StringFormat, TextOptions};

/// Appends the text of `v` for an object of `syntax` under `opts`.
pub(super) fn push_value(out: &mut String, v: &Value<'_>, syntax: &Syntax, opts: &TextOptions) {
    if matches!(
        v,
        Value::NoSuchObject | Value::NoSuchInstance | Value::EndOfMibView
    ) {
        return text::push_value(out, v, opts);
    }
    let Some(kind) = syntax.kind else {
        return text::push_value(out, v, opts);
    };
    let units = syntax.units.as_deref().filter(|_| !opts.no_units);
    let quick = opts.quick;
    let prefix = |out: &mut String, p: &str| {
        if !quick {
            out.push_str(p);
        }
    };
    match (kind, v) {
        (SyntaxKind::Integer, Value::Integer(i)) => {
            let label = syntax
                .enums
                .iter()
                .find(|(e, _)| *e == i64::from(*i))
                .map(|(_, l)| &**l);
            prefix(out, "INTEGER: ");
            match label {
                Some(l) if !opts.numeric_enums => {
                    out.push_str(l);
                    if !quick {
                        let _ = write!(out, "({i})");
                    }
                }
                _ => match syntax.hint.as_deref() {
                    Some(h) => push_hinted_integer(out, i64::from(*i), false, h),
                    None => {
                        let _ = write!(out, "{i}");
                    }
                },
            }
        }
        (SyntaxKind::OctetString, Value::OctetString(s)) => match syntax.hint.as_deref() {
            Some(h) => {
                prefix(out, "STRING: ");
                push_hinted_octets(out, s, h);
            }
            None => text::push_octet_string(out, s, opts),
        },
        (SyntaxKind::Bits, Value::OctetString(s)) => {
            if quick {
                out.push('"');
                push_hex_text_lines(out, s, opts.hex_text);
                out.push('"');
            } else {
                out.push_str("BITS: ");
                push_hex_text_lines(out, s, opts.hex_text);
                for (i, &b) in s.iter().enumerate() {
                    for bit in 0..8 {
                        if b & (0x80 >> bit) != 0 {
                            let n = i * 8 + bit;
                            let label = syntax
                                .enums
                                .iter()
                                .find(|(e, _)| usize::try_from(*e).ok() == Some(n))
                                .map(|(_, l)| &**l);
                            match label {
                                Some(l) if !opts.numeric_enums => {
                                    let _ = write!(out, "{l}({n}) ");
                                }
                                _ => {
                                    let _ = write!(out, "{n} ");
                                }
                            }
                        }
                    }
                }
            }
            // No units for BITS in net-snmp.
            return;
        }
        (SyntaxKind::Gauge32 | SyntaxKind::Unsigned32, Value::Gauge32(n)) => {
            prefix(out, "Gauge32: ");
            match syntax.hint.as_deref() {
                Some(h) => push_hinted_integer(out, i64::from(*n), true, h),
                None => push_u32(out, *n),
            }
        }
        (SyntaxKind::Counter32, Value::Counter32(n)) => {
            prefix(out, "Counter32: ");
            push_u32(out, *n);
        }
        (SyntaxKind::Counter64, Value::Counter64(_))
        | (SyntaxKind::IpAddress, Value::IpAddress(_))
        | (SyntaxKind::ObjectId, Value::ObjectId(_)) => text::push_value(out, v, opts),
        (SyntaxKind::TimeTicks, Value::TimeTicks(_)) => {
            text::push_value(out, v, opts);
            if opts.numeric_timeticks {
                return;
            }
        }
        (SyntaxKind::Opaque | SyntaxKind::Other, _) => return text::push_value(out, v, opts),
        (kind, _) => {
            if !opts.quick_equals {
                out.push_str(wrong_type(kind));
            }
            return text::push_value(out, v, opts);
        }
    }
    if let Some(u) = units {
        out.push(' ');
        out.push_str(u);
    }
}

/// net-snmp's "Wrong Type" prefix for an object of `kind`.
fn wrong_type(kind: SyntaxKind) -> &'static str {
    match kind {
        SyntaxKind::Integer => "Wrong Type (should be INTEGER): ",
        SyntaxKind::OctetString => "Wrong Type (should be OCTET STRING): ",
        SyntaxKind::Bits => "Wrong Type (should be BITS): ",
        SyntaxKind::Gauge32 | SyntaxKind::Unsigned32 => {
            "Wrong Type (should be Gauge32 or Unsigned32): "
        }
        SyntaxKind::Counter32 => "Wrong Type (should be Counter32): ",
        SyntaxKind::Counter64 => "Wrong Type (should be Counter64): ",
        SyntaxKind::IpAddress => "Wrong Type (should be IpAddress): ",
        SyntaxKind::ObjectId => "Wrong Type (should be OBJECT IDENTIFIER): ",
        SyntaxKind::TimeTicks => "Wrong Type (should be Timeticks): ",
        SyntaxKind::NetworkAddress => "Wrong Type (should be NetworkAddress): ",
        SyntaxKind::Opaque | SyntaxKind::Other => "",
    }
}

/// `sprint_realloc_hinted_integer`: `d`, `d-N` (N decimals, no leading zero: `.05`), `x`, `o`
/// and `b` (32 binary digits). `unsigned` values print with `%lu`.
pub(crate) fn push_hinted_integer(out: &mut String, val: i64, unsigned: bool, hint: &str) {
    let bytes = hint.as_bytes();
    match bytes.first() {
        Some(b'd') => {
            let shift = if bytes.get(1) == Some(&b'-') {
                atoi(&hint[2..]).max(0)
            } else {
                0
            };
            let negative = val < 0 && !unsigned;
            let mut digits = val.unsigned_abs().to_string();
            let shift = usize::try_from(shift).unwrap_or(0);
            if shift != 0 {
                let len = digits.len();
                if shift <= len {
                    digits.insert(len - shift, '.');
                } else if shift < 255 {
                    let mut s = String::with_capacity(shift + 1);
                    s.push('.');
                    s.extend(std::iter::repeat_n('0', shift - len));
                    s.push_str(&digits);
                    digits = s;
                }
            }
            if negative {
                out.push('-');
            }
            out.push_str(&digits);
        }
        Some(b'x') => {
            let _ = write!(out, "{:x}", val);
        }
        Some(b'o') => {
            let _ = write!(out, "{:o}", val);
        }
        Some(b'b') => {
            for bit in (0..32).rev() {
                out.push(if (val >> bit) & 1 == 1 { '1' } else { '0' });
            }
        }
        _ => {
            let _ = write!(out, "{val}");
        }
    }
}

/// C's `atoi`: leading digits, 0 when none.
fn atoi(s: &str) -> i64 {
    let digits: String = s.chars().take_while(char::is_ascii_digit).take(9).collect();
    digits.parse().unwrap_or(0)
}

/// The octet-string half of `sprint_realloc_octet_string` with a DISPLAY-HINT (RFC 2579 §3.1
/// as net-snmp reads it).
pub(crate) fn push_hinted_octets(out: &mut String, s: &[u8], hint: &str) {
    let h = hint.as_bytes();
    let mut hp = 0usize;
    let mut cp = 0usize;
    let mut width = 1usize;
    let mut code = b'd';
    let mut separ: u8 = 0;
    let mut term: u8 = 0;
    let at = |i: usize| h.get(i).copied().unwrap_or(0);
    while cp < s.len() {
        let mut repeat = 1usize;
        if at(hp) != 0 {
            if at(hp) == b'*' {
                repeat = usize::from(s[cp]);
                cp += 1;
                hp += 1;
            }
            width = 0;
            while at(hp).is_ascii_digit() {
                width = width
                    .saturating_mul(10)
                    .saturating_add(usize::from(at(hp) - b'0'));
                hp += 1;
            }
            code = at(hp);
            hp += 1;
            let sep_ok = |ch: u8| {
                ch != 0
                    && ch != b'*'
                    && !ch.is_ascii_digit()
                    && (width != 0 || (ch != b'x' && ch != b'd' && ch != b'o'))
            };
            if sep_ok(at(hp)) {
                separ = at(hp);
                hp += 1;
            } else {
                separ = 0;
            }
            if sep_ok(at(hp)) {
                term = at(hp);
                hp += 1;
            } else {
                term = 0;
            }
        }
        if width == 0 {
            let is_last = at(hp) == 0;
            while repeat > 0 && separ != 0 {
                repeat -= 1;
                if is_last && repeat == 0 {
                    break;
                }
                out.push(char::from(separ));
            }
            if term != 0 && !is_last {
                out.push(char::from(term));
            }
            if is_last {
                break;
            }
            continue;
        }
        while repeat > 0 && cp < s.len() {
            let mut value: u64 = 0;
            if code != b'a' && code != b't' {
                let mut x = 0;
                while x < width && cp < s.len() {
                    value = value.wrapping_mul(256).wrapping_add(u64::from(s[cp]));
                    cp += 1;
                    x += 1;
                }
            }
            match code {
                b'x' => {
                    if value < 16 && width == 1 && separ == 0 && at(hp) == 0 {
                        let _ = write!(out, "0{value:x}");
                    } else {
                        let _ = write!(out, "{value:x}");
                    }
                }
                b'd' => {
                    let _ = write!(out, "{value}");
                }
                b'o' => {
                    let _ = write!(out, "{value:o}");
                }
                b'a' | b't' => {
                    let cnt = width.min(s.len() - cp);
                    let chunk = &s[cp..cp + cnt];
                    if chunk.contains(&0) {
                        push_ascii(out, chunk);
                    } else {
                        // net-snmp copies the bytes; invalid UTF-8 is shown replaced.
                        out.push_str(&String::from_utf8_lossy(chunk));
                    }
                    cp += cnt;
                }
                _ => {
                    // A bad hint: net-snmp says so and prints the string without it.
                    out.push_str("(Bad hint ignored: ");
                    out.push_str(hint);
                    out.push_str(") ");
                    return text::push_octet_string(out, s, &TextOptions::default());
                }
            }
            if cp < s.len() && separ != 0 {
                out.push(char::from(separ));
            }
            repeat -= 1;
        }
        if term != 0 && cp < s.len() {
            out.push(char::from(term));
        }
    }
}

/// `sprint_realloc_asciistring`: printable and space characters as they are (`"` and `\`
/// escaped), anything else as `.`.
fn push_ascii(out: &mut String, s: &[u8]) {
    for &b in s {
        if is_display_text(&[b]) {
            if b == b'\\' || b == b'"' {
                out.push('\\');
            }
            out.push(char::from(b));
        } else {
            out.push('.');
        }
    }
}

/// The string format of `-Ox`/`-Oa` for values printed without a hint.
pub(super) fn string_is_hex(s: &[u8], format: StringFormat) -> bool {
    match format {
        StringFormat::Guess => !is_display_text(s),
        StringFormat::Hex => true,
        StringFormat::Ascii => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn octets(s: &[u8], hint: &str) -> String {
        let mut out = String::new();
        push_hinted_octets(&mut out, s, hint);
        out
    }

    fn int(v: i64, hint: &str) -> String {
        let mut out = String::new();
        push_hinted_integer(&mut out, v, false, hint);
        out
    }

    // Expected strings: snmpwalk 5.9.3 on tests/data/mibs/fixture (see tests/integration/mibs.rs).
    #[test]
    fn octet_hints() {
        assert_eq!(
            octets(&[0, 0x1b, 0x21, 0x3a, 0x4f, 0x5c], "1x:"),
            "0:1b:21:3a:4f:5c"
        );
        assert_eq!(
            octets(
                &[0x07, 0xea, 12, 3, 18, 0, 0, 0, b'+', 0, 0],
                "2d-1d-1d,1d:1d:1d.1d,1a1d:1d"
            ),
            "2026-12-3,18:0:0.0,+0:0"
        );
        assert_eq!(octets(&[192, 0, 2, 1], "1d.1d.1d.1d"), "192.0.2.1");
        assert_eq!(octets(b"router one", "255a"), "router one");
        assert_eq!(octets(b"hi\0\n", "255a"), "hi.\n");
        assert_eq!(octets(&[0xab, 0x01], "1x"), "ab01");
        assert_eq!(octets(&[], "1x:"), "");
    }

    #[test]
    fn integer_hints() {
        assert_eq!(int(-2150, "d-2"), "-21.50");
        assert_eq!(int(5, "d-2"), ".05");
        assert_eq!(int(50, "d-2"), ".50");
        assert_eq!(int(12345, "d-3"), "12.345");
        assert_eq!(int(255, "x"), "ff");
        assert_eq!(int(8, "o"), "10");
        assert_eq!(int(5, "b"), "00000000000000000000000000000101");
        assert_eq!(int(7, "d"), "7");
    }
}
