//! The value half of net-snmp's text form: one function per type, following
//! `sprint_realloc_by_type` in net-snmp 5.9's `snmplib/mib.c` with no MIB hints.

use std::fmt::Write as _;

use crate::oid::{Oid, push_u32};
use crate::pdu::Value;

use super::TextOptions;
use super::opaque::{OpaqueValue, decode_opaque};

/// Bytes per line of a hex string (net-snmp's `NETSNMP_DS_LIB_HEX_OUTPUT_LENGTH` default).
const HEX_LINE_BYTES: usize = 16;

/// UInteger32 (APPLICATION 7), which the codec keeps raw.
const TAG_UINTEGER32: u32 = 0x47;
/// NsapAddress (APPLICATION 5), which the codec keeps raw.
const TAG_NSAP: u32 = 0x45;
/// BIT STRING (UNIVERSAL 3), which the codec keeps raw.
const TAG_BIT_STRING: u32 = 0x03;

const NO_SUCH_OBJECT: &str = "No Such Object available on this agent at this OID";
const NO_SUCH_INSTANCE: &str = "No Such Instance currently exists at this OID";
const END_OF_MIB_VIEW: &str =
    "No more variables left in this MIB View (It is past the end of the MIB tree)";

/// Appends `.1.3.6…`.
pub(super) fn push_dotted(out: &mut String, oid: &Oid) {
    for &arc in oid.arcs() {
        out.push('.');
        push_u32(out, arc);
    }
}

/// Appends the text of `v` under `opts`.
pub(super) fn push_value(out: &mut String, v: &Value<'_>, opts: &TextOptions) {
    let quick = opts.quick;
    let prefix = |out: &mut String, p: &str| {
        if !quick {
            out.push_str(p);
        }
    };
    match v {
        Value::Integer(i) => {
            prefix(out, "INTEGER: ");
            let _ = write!(out, "{i}");
        }
        Value::OctetString(s) => push_octet_string(out, s, opts),
        Value::Null => out.push_str("NULL"),
        Value::ObjectId(o) => {
            prefix(out, "OID: ");
            opts.oid_style.push(out, o);
        }
        Value::IpAddress([a, b, c, d]) => {
            prefix(out, "IpAddress: ");
            let _ = write!(out, "{a}.{b}.{c}.{d}");
        }
        Value::Counter32(n) => {
            prefix(out, "Counter32: ");
            push_u32(out, *n);
        }
        Value::Gauge32(n) => {
            prefix(out, "Gauge32: ");
            push_u32(out, *n);
        }
        Value::TimeTicks(t) => push_timeticks(out, *t, opts),
        Value::Opaque(raw) => push_opaque(out, raw, quick),
        Value::Counter64(n) => {
            prefix(out, "Counter64: ");
            let _ = write!(out, "{n}");
        }
        Value::NoSuchObject => out.push_str(NO_SUCH_OBJECT),
        Value::NoSuchInstance => out.push_str(NO_SUCH_INSTANCE),
        Value::EndOfMibView => out.push_str(END_OF_MIB_VIEW),
        Value::Other { tag, raw } => push_other(out, *tag, raw, quick),
    }
}

/// True when net-snmp prints these bytes as `STRING` rather than `Hex-STRING`: each is C
/// `isprint` or `isspace` in the C locale.
#[must_use]
pub(super) fn is_display_text(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .all(|&b| (0x20..=0x7e).contains(&b) || (0x09..=0x0d).contains(&b))
}

pub(super) fn push_octet_string(out: &mut String, s: &[u8], opts: &TextOptions) {
    let quick = opts.quick;
    if s.is_empty() {
        out.push_str("\"\"");
    } else if !super::hinted::string_is_hex(s, opts.strings) {
        if !quick {
            out.push_str("STRING: ");
        }
        out.push('"');
        for &b in s {
            if b == b'"' || b == b'\\' {
                out.push('\\');
            }
            out.push(char::from(b));
        }
        out.push('"');
    } else if quick {
        out.push('"');
        push_hex_text_lines(out, s, opts.hex_text);
        out.push('"');
    } else {
        out.push_str("Hex-STRING: ");
        push_hex_text_lines(out, s, opts.hex_text);
    }
}

/// [`push_hex_lines`], each line followed by `  [text]` with `-OT` (net-snmp's
/// `_sprint_hexstring_line`: printable characters as they are, others as `.`).
pub(super) fn push_hex_text_lines(out: &mut String, bytes: &[u8], text: bool) {
    if !text {
        return push_hex_lines(out, bytes);
    }
    for (i, line) in bytes.chunks(HEX_LINE_BYTES).enumerate() {
        if i > 0 {
            out.push('\n');
        }
        push_hex_lines(out, line);
        out.push_str("  [");
        for &b in line {
            out.push(if (0x20..0x7f).contains(&b) {
                char::from(b)
            } else {
                '.'
            });
        }
        out.push(']');
    }
}

/// `XX ` per byte, upper case, a newline after every 16 bytes but the last.
pub(super) fn push_hex_lines(out: &mut String, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    out.reserve(bytes.len() * 3 + bytes.len() / HEX_LINE_BYTES);
    for (i, &b) in bytes.iter().enumerate() {
        if i > 0 && i % HEX_LINE_BYTES == 0 {
            out.push('\n');
        }
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
        out.push(' ');
    }
}

fn push_timeticks(out: &mut String, t: u32, opts: &TextOptions) {
    if opts.numeric_timeticks {
        push_u32(out, t);
        return;
    }
    if !opts.quick {
        out.push_str("Timeticks: (");
        push_u32(out, t);
        out.push_str(") ");
    }
    let centis = t % 100;
    let secs = t / 100;
    let days = secs / 86_400;
    let hours = secs % 86_400 / 3600;
    let minutes = secs % 3600 / 60;
    let seconds = secs % 60;
    let _ = if opts.quick {
        write!(out, "{days}:{hours}:{minutes:02}:{seconds:02}.{centis:02}")
    } else {
        match days {
            0 => write!(out, "{hours}:{minutes:02}:{seconds:02}.{centis:02}"),
            1 => write!(out, "1 day, {hours}:{minutes:02}:{seconds:02}.{centis:02}"),
            _ => write!(
                out,
                "{days} days, {hours}:{minutes:02}:{seconds:02}.{centis:02}"
            ),
        }
    };
}

fn push_opaque(out: &mut String, raw: &[u8], quick: bool) {
    let Some(nested) = decode_opaque(raw) else {
        if !quick {
            out.push_str("OPAQUE: ");
        }
        push_hex_lines(out, raw);
        return;
    };
    if !quick {
        out.push_str("Opaque: ");
        out.push_str(match nested {
            OpaqueValue::Float(_) | OpaqueValue::Double(_) => "Float: ",
            OpaqueValue::Counter64(_) => "Counter64: ",
            OpaqueValue::Int64(_) => "Int64: ",
            OpaqueValue::UInt64(_) => "UInt64: ",
        });
    }
    let _ = match nested {
        OpaqueValue::Float(f) => push_c_float(out, f64::from(f)),
        OpaqueValue::Double(d) => push_c_float(out, d),
        OpaqueValue::Counter64(n) | OpaqueValue::UInt64(n) => write!(out, "{n}"),
        OpaqueValue::Int64(n) => write!(out, "{n}"),
    };
}

/// C's `printf("%f", x)` as glibc prints it: six decimals, correctly rounded (Rust's `{:.6}`
/// rounds the same way), and `nan`, `-nan`, `inf`, `-inf`.
fn push_c_float(out: &mut String, x: f64) -> std::fmt::Result {
    if x.is_nan() {
        out.push_str(if x.is_sign_negative() { "-nan" } else { "nan" });
        Ok(())
    } else if x.is_infinite() {
        out.push_str(if x < 0.0 { "-inf" } else { "inf" });
        Ok(())
    } else {
        write!(out, "{x:.6}")
    }
}

fn push_other(out: &mut String, tag: u32, raw: &[u8], quick: bool) {
    match tag {
        TAG_UINTEGER32 => {
            if let Some(n) = decode_unsigned(raw, 4) {
                // 4 bytes at most after the pad, so it fits.
                let _ = write!(out, "{n}");
                return;
            }
        }
        TAG_NSAP => {
            out.push_str("Variable has bad type");
            return;
        }
        TAG_BIT_STRING if !raw.is_empty() => {
            if quick {
                out.push('"');
                push_hex_lines(out, raw);
                out.push('"');
            } else {
                out.push_str("BITS: ");
                push_hex_lines(out, raw);
                for (i, &b) in raw.iter().enumerate() {
                    for bit in 0..8 {
                        if b & (0x80 >> bit) != 0 {
                            let _ = write!(out, "{} ", i * 8 + bit);
                        }
                    }
                }
            }
            return;
        }
        _ => {}
    }
    if !quick {
        let _ = write!(out, "Unknown type {tag:#04x}: ");
    }
    push_hex_lines(out, raw);
}

/// An unsigned big-endian number of at most `size` bytes, plus one leading `0x00`, as net-snmp's
/// `asn_parse_unsigned_int` accepts it (a set top bit is not a sign).
pub(super) fn decode_unsigned(raw: &[u8], size: usize) -> Option<u64> {
    let digits = match raw {
        [] => return None,
        [0, rest @ ..] if raw.len() == size + 1 => rest,
        _ if raw.len() <= size => raw,
        _ => return None,
    };
    Some(
        digits
            .iter()
            .fold(0u64, |acc, &b| (acc << 8) | u64::from(b)),
    )
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::super::{OidStyle, format_value, format_value_with};
    use super::*;

    fn os(b: &'static [u8]) -> Value<'static> {
        Value::OctetString(Cow::Borrowed(b))
    }

    fn quick() -> TextOptions {
        TextOptions {
            oid_style: OidStyle::Numeric,
            quick: true,
            ..TextOptions::default()
        }
    }

    // Every expected string below was printed by snmpget 5.9.3 (`-On`, then `-On -Oq`) against
    // a loopback responder returning that value; tests/integration/format_interop.rs replays
    // them against the real tool.
    #[test]
    fn octet_strings() {
        let hex17 = "Hex-STRING: 00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F \n10 ";
        let cases: &[(&[u8], &str, &str)] = &[
            (b"", "\"\"", "\"\""),
            (b"hello", "STRING: \"hello\"", "\"hello\""),
            (b" ", "STRING: \" \"", "\" \""),
            (b"a\"b\\c", "STRING: \"a\\\"b\\\\c\"", "\"a\\\"b\\\\c\""),
            (
                b"line1\nline2",
                "STRING: \"line1\nline2\"",
                "\"line1\nline2\"",
            ),
            (
                b"tab\there\r\x0b\x0c",
                "STRING: \"tab\there\r\x0b\x0c\"",
                "\"tab\there\r\x0b\x0c\"",
            ),
            (b"~", "STRING: \"~\"", "\"~\""),
            // A trailing NUL is not forgiven.
            (b"abc\x00", "Hex-STRING: 61 62 63 00 ", "\"61 62 63 00 \""),
            (b"\x00", "Hex-STRING: 00 ", "\"00 \""),
            (b"\x7f", "Hex-STRING: 7F ", "\"7F \""),
            (b"a\x80", "Hex-STRING: 61 80 ", "\"61 80 \""),
            (b"\xff", "Hex-STRING: FF ", "\"FF \""),
            (b"\x1b[0m", "Hex-STRING: 1B 5B 30 6D ", "\"1B 5B 30 6D \""),
            // UTF-8 is not ASCII: net-snmp prints it as hex.
            (
                "h\u{e9}llo".as_bytes(),
                "Hex-STRING: 68 C3 A9 6C 6C 6F ",
                "\"68 C3 A9 6C 6C 6F \"",
            ),
            (
                b"\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f",
                "Hex-STRING: 00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F ",
                "\"00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F \"",
            ),
            (
                b"\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10",
                hex17,
                "\"00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F \n10 \"",
            ),
        ];
        for &(bytes, want, want_quick) in cases {
            assert_eq!(format_value(&os(bytes)), want, "{bytes:02x?}");
            assert_eq!(
                format_value_with(&os(bytes), &quick()),
                want_quick,
                "{bytes:02x?}"
            );
        }
    }

    #[test]
    fn hex_wraps_every_16_bytes() {
        let b: Vec<u8> = (0..=0x20).collect();
        let line =
            |from: u8| -> String { (from..from + 16).map(|i| format!("{i:02X} ")).collect() };
        let mut s = String::new();
        push_hex_lines(&mut s, &b[..32]);
        assert_eq!(s, format!("{}\n{}", line(0), line(16)));
        s.clear();
        push_hex_lines(&mut s, &b);
        assert_eq!(s, format!("{}\n{}\n20 ", line(0), line(16)));
        s.clear();
        push_hex_lines(&mut s, &[]);
        assert_eq!(s, "");
    }

    #[test]
    fn integers_and_counters() {
        let cases = [
            (Value::Integer(0), "INTEGER: 0", "0"),
            (Value::Integer(-1), "INTEGER: -1", "-1"),
            (
                Value::Integer(i32::MAX),
                "INTEGER: 2147483647",
                "2147483647",
            ),
            (
                Value::Integer(i32::MIN),
                "INTEGER: -2147483648",
                "-2147483648",
            ),
            (
                Value::Counter32(u32::MAX),
                "Counter32: 4294967295",
                "4294967295",
            ),
            (Value::Counter32(0), "Counter32: 0", "0"),
            (Value::Gauge32(0), "Gauge32: 0", "0"),
            (
                Value::Gauge32(u32::MAX),
                "Gauge32: 4294967295",
                "4294967295",
            ),
            (
                Value::Counter64(u64::MAX),
                "Counter64: 18446744073709551615",
                "18446744073709551615",
            ),
            (Value::Counter64(0), "Counter64: 0", "0"),
            (
                Value::IpAddress([127, 0, 0, 1]),
                "IpAddress: 127.0.0.1",
                "127.0.0.1",
            ),
            (
                Value::IpAddress([255, 255, 255, 255]),
                "IpAddress: 255.255.255.255",
                "255.255.255.255",
            ),
            (
                Value::IpAddress([0, 0, 0, 0]),
                "IpAddress: 0.0.0.0",
                "0.0.0.0",
            ),
            (Value::Null, "NULL", "NULL"),
        ];
        for (v, want, want_quick) in cases {
            assert_eq!(format_value(&v), want);
            assert_eq!(format_value_with(&v, &quick()), want_quick);
        }
    }

    #[test]
    fn object_identifiers() {
        let v = Value::ObjectId("1.3.6.1.4.1.8072.3.2.10".parse().unwrap());
        assert_eq!(format_value(&v), "OID: .1.3.6.1.4.1.8072.3.2.10");
        assert_eq!(format_value_with(&v, &quick()), ".1.3.6.1.4.1.8072.3.2.10");
        let v = Value::ObjectId("0.0".parse().unwrap());
        assert_eq!(format_value(&v), "OID: .0.0");
        let v = Value::ObjectId("2.4294967215.4294967295".parse().unwrap());
        assert_eq!(format_value(&v), "OID: .2.4294967215.4294967295");
    }

    #[test]
    fn timeticks() {
        let cases = [
            (0, "Timeticks: (0) 0:00:00.00", "0:0:00:00.00"),
            (99, "Timeticks: (99) 0:00:00.99", "0:0:00:00.99"),
            (100, "Timeticks: (100) 0:00:01.00", "0:0:00:01.00"),
            (13_867, "Timeticks: (13867) 0:02:18.67", "0:0:02:18.67"),
            (360_000, "Timeticks: (360000) 1:00:00.00", "0:1:00:00.00"),
            (
                8_639_999,
                "Timeticks: (8639999) 23:59:59.99",
                "0:23:59:59.99",
            ),
            (
                8_640_000,
                "Timeticks: (8640000) 1 day, 0:00:00.00",
                "1:0:00:00.00",
            ),
            (
                17_279_999,
                "Timeticks: (17279999) 1 day, 23:59:59.99",
                "1:23:59:59.99",
            ),
            (
                17_280_000,
                "Timeticks: (17280000) 2 days, 0:00:00.00",
                "2:0:00:00.00",
            ),
            (
                u32::MAX,
                "Timeticks: (4294967295) 497 days, 2:27:52.95",
                "497:2:27:52.95",
            ),
        ];
        let numeric = TextOptions {
            numeric_timeticks: true,
            ..TextOptions::numeric()
        };
        let both = TextOptions {
            numeric_timeticks: true,
            ..quick()
        };
        for (t, want, want_quick) in cases {
            let v = Value::TimeTicks(t);
            assert_eq!(format_value(&v), want);
            assert_eq!(format_value_with(&v, &quick()), want_quick);
            assert_eq!(format_value_with(&v, &numeric), t.to_string());
            assert_eq!(format_value_with(&v, &both), t.to_string());
        }
    }

    #[test]
    fn exceptions_ignore_quick() {
        for (v, want) in [
            (Value::NoSuchObject, NO_SUCH_OBJECT),
            (Value::NoSuchInstance, NO_SUCH_INSTANCE),
            (Value::EndOfMibView, END_OF_MIB_VIEW),
        ] {
            assert_eq!(format_value(&v), want);
            assert_eq!(format_value_with(&v, &quick()), want);
        }
        assert_eq!(
            END_OF_MIB_VIEW,
            "No more variables left in this MIB View (It is past the end of the MIB tree)"
        );
    }

    #[test]
    fn opaques() {
        let op = |b: &'static [u8]| Value::Opaque(Cow::Borrowed(b));
        let cases: &[(&[u8], &str, &str)] = &[
            (b"\x01\x02\x03", "OPAQUE: 01 02 03 ", "01 02 03 "),
            (b"", "OPAQUE: ", ""),
            (b"\x9f", "OPAQUE: 9F ", "9F "),
            (b"\x9f\x30\x01\x00", "OPAQUE: 9F 30 01 00 ", "9F 30 01 00 "),
            // A float of the wrong length: net-snmp drops the response; we print the bytes.
            (b"\x9f\x78\x01\x00", "OPAQUE: 9F 78 01 00 ", "9F 78 01 00 "),
            (
                b"\x9f\x78\x04\x3f\xc0\x00\x00",
                "Opaque: Float: 1.500000",
                "1.500000",
            ),
            (b"\x9f\x78\x04\x7f\xc0\x00\x00", "Opaque: Float: nan", "nan"),
            (
                b"\x9f\x78\x04\xff\xc0\x00\x00",
                "Opaque: Float: -nan",
                "-nan",
            ),
            (
                b"\x9f\x78\x04\xff\x80\x00\x00",
                "Opaque: Float: -inf",
                "-inf",
            ),
            (
                b"\x9f\x78\x04\x80\x00\x00\x00",
                "Opaque: Float: -0.000000",
                "-0.000000",
            ),
            (
                b"\x9f\x79\x08\xc0\x02\x00\x00\x00\x00\x00\x00",
                "Opaque: Float: -2.250000",
                "-2.250000",
            ),
            // 0.0078125 is a tie at six decimals: rounded to even, as glibc does.
            (
                b"\x9f\x79\x08\x3f\x80\x00\x00\x00\x00\x00\x00",
                "Opaque: Float: 0.007812",
                "0.007812",
            ),
            (b"\x9f\x76\x02\x01\x00", "Opaque: Counter64: 256", "256"),
            (b"\x9f\x76\x01\xff", "Opaque: Counter64: 255", "255"),
            (b"\x9f\x7a\x01\xff", "Opaque: Int64: -1", "-1"),
            (
                b"\x9f\x7a\x08\x80\x00\x00\x00\x00\x00\x00\x00",
                "Opaque: Int64: -9223372036854775808",
                "-9223372036854775808",
            ),
            (b"\x9f\x7b\x01\x05", "Opaque: UInt64: 5", "5"),
            (
                b"\x9f\x7b\x09\x00\xff\xff\xff\xff\xff\xff\xff\xff",
                "Opaque: UInt64: 18446744073709551615",
                "18446744073709551615",
            ),
        ];
        for &(bytes, want, want_quick) in cases {
            assert_eq!(format_value(&op(bytes)), want, "{bytes:02x?}");
            assert_eq!(
                format_value_with(&op(bytes), &quick()),
                want_quick,
                "{bytes:02x?}"
            );
        }
    }

    #[test]
    fn c_float_matches_printf() {
        let cases = [
            (0.0, "0.000000"),
            (1.0000005, "1.000001"),
            (2.5e-7, "0.000000"),
            (0.375488, "0.375488"),
            (1e20, "100000000000000000000.000000"),
            (-123.456789012, "-123.456789"),
            (f64::INFINITY, "inf"),
        ];
        for (x, want) in cases {
            let mut s = String::new();
            push_c_float(&mut s, x).unwrap();
            assert_eq!(s, want, "{x}");
        }
    }

    #[test]
    fn raw_tags() {
        let other = |tag: u32, raw: &'static [u8]| Value::Other {
            tag,
            raw: Cow::Borrowed(raw),
        };
        let cases: &[(u32, &[u8], &str, &str)] = &[
            (0x47, b"\x00\xff\xff\xff\xff", "4294967295", "4294967295"),
            (0x47, b"\xff", "255", "255"),
            (0x47, b"\x00", "0", "0"),
            (
                0x45,
                b"\x01\x02\x03",
                "Variable has bad type",
                "Variable has bad type",
            ),
            (0x03, b"\xa0", "BITS: A0 0 2 ", "\"A0 \""),
            (0x03, b"\x00\x01", "BITS: 00 01 15 ", "\"00 01 \""),
            // Malformed or unknown to net-snmp: our own form.
            (0x47, b"", "Unknown type 0x47: ", ""),
            (
                0x47,
                b"\x01\x00\x00\x00\x00",
                "Unknown type 0x47: 01 00 00 00 00 ",
                "01 00 00 00 00 ",
            ),
            (0x03, b"", "Unknown type 0x03: ", ""),
            (0x48, b"\x05", "Unknown type 0x48: 05 ", "05 "),
            (0x9f78, b"\x00", "Unknown type 0x9f78: 00 ", "00 "),
        ];
        for &(tag, raw, want, want_quick) in cases {
            assert_eq!(format_value(&other(tag, raw)), want, "{tag:#x} {raw:02x?}");
            assert_eq!(format_value_with(&other(tag, raw), &quick()), want_quick);
        }
    }

    #[test]
    fn display_text_boundaries() {
        for b in 0u8..=255 {
            let want = matches!(b, 0x09..=0x0d | 0x20..=0x7e);
            assert_eq!(is_display_text(&[b]), want, "{b:#04x}");
        }
        assert!(is_display_text(b""));
    }

    #[test]
    fn unsigned_decoding() {
        assert_eq!(
            decode_unsigned(b"\x00\xff\xff\xff\xff", 4),
            Some(u64::from(u32::MAX))
        );
        assert_eq!(
            decode_unsigned(b"\xff\xff\xff\xff", 4),
            Some(u64::from(u32::MAX))
        );
        assert_eq!(decode_unsigned(b"\x01\xff\xff\xff\xff", 4), None);
        assert_eq!(decode_unsigned(b"", 4), None);
        assert_eq!(decode_unsigned(b"\x00", 4), Some(0));
    }
}
