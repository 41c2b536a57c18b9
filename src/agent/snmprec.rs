//! snmpsim's `.snmprec` data format: one `OID|TAG|VALUE` line per object, so recorded devices
//! can be served. Tags: 2 INTEGER, 4 OCTET STRING, 5 NULL, 6 OID, 64 IpAddress, 65 Counter32,
//! 66 Gauge32, 67 TimeTicks, 68 Opaque, 70 Counter64, and 128/129/130 for the exceptions. A tag
//! followed by `x` (`4x`) carries its value in hex. snmpsim's variation modules (`4:numeric`)
//! are not supported and are reported as errors.

use std::borrow::Cow;
use std::fmt::Write as _;

use crate::oid::Oid;
use crate::pdu::Value;

use super::Store;

/// A line that is not valid `.snmprec`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct SnmprecError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub reason: String,
}

/// Parses `.snmprec` text into a store. Blank lines and lines starting with `#` are skipped.
///
/// # Errors
/// The first bad line, with its number.
pub fn parse(text: &str) -> Result<Store, SnmprecError> {
    let mut store = Store::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let err = |reason: String| SnmprecError {
            line: i + 1,
            reason,
        };
        let mut parts = line.splitn(3, '|');
        let (Some(oid), Some(tag), Some(value)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(err("expected OID|TAG|VALUE".into()));
        };
        let oid: Oid = oid
            .trim()
            .parse()
            .map_err(|e| err(format!("bad OID: {e}")))?;
        let (tag, hex) = match tag.strip_suffix('x') {
            Some(t) => (t, true),
            None => (tag, false),
        };
        let bytes = |v: &str| -> Result<Vec<u8>, SnmprecError> {
            if hex {
                decode_hex(v).ok_or_else(|| err(format!("bad hex value {v:?}")))
            } else {
                Ok(v.as_bytes().to_vec())
            }
        };
        let num = |v: &str| -> Result<u64, SnmprecError> {
            v.trim()
                .parse::<u64>()
                .map_err(|_| err(format!("bad number {v:?}")))
        };
        let u32_ = |v: &str| -> Result<u32, SnmprecError> {
            u32::try_from(num(v)?).map_err(|_| err(format!("{v} is out of range")))
        };
        let value = match tag {
            "2" => Value::Integer(
                value
                    .trim()
                    .parse()
                    .map_err(|_| err(format!("bad integer {value:?}")))?,
            ),
            "4" => Value::OctetString(Cow::Owned(bytes(value)?)),
            "5" => Value::Null,
            "6" => Value::ObjectId(
                value
                    .trim()
                    .parse()
                    .map_err(|e| err(format!("bad OID value: {e}")))?,
            ),
            "64" => {
                let b = if hex {
                    bytes(value)?
                } else {
                    value
                        .trim()
                        .parse::<std::net::Ipv4Addr>()
                        .map_err(|_| err(format!("bad IpAddress {value:?}")))?
                        .octets()
                        .to_vec()
                };
                let a: [u8; 4] = b
                    .try_into()
                    .map_err(|_| err("IpAddress needs 4 bytes".into()))?;
                Value::IpAddress(a)
            }
            "65" => Value::Counter32(u32_(value)?),
            "66" => Value::Gauge32(u32_(value)?),
            "67" => Value::TimeTicks(u32_(value)?),
            "68" => Value::Opaque(Cow::Owned(bytes(value)?)),
            "70" => Value::Counter64(num(value)?),
            "128" => Value::NoSuchObject,
            "129" => Value::NoSuchInstance,
            "130" => Value::EndOfMibView,
            t if t.contains(':') => {
                return Err(err(format!(
                    "snmpsim variation modules are not supported (tag {t})"
                )));
            }
            t => return Err(err(format!("unknown tag {t:?}"))),
        };
        store.insert(oid, value);
    }
    Ok(store)
}

/// Writes one object as a `.snmprec` line (text values in hex when they are not plain
/// printable ASCII, so every byte survives). `None` for values the format cannot hold.
#[must_use]
pub fn line(oid: &Oid, value: &Value<'_>) -> Option<String> {
    let mut s = oid.to_string();
    s.push('|');
    let hex = |s: &mut String, tag: &str, b: &[u8]| {
        let _ = write!(s, "{tag}x|");
        for x in b {
            let _ = write!(s, "{x:02x}");
        }
    };
    match value {
        Value::Integer(v) => {
            let _ = write!(s, "2|{v}");
        }
        Value::OctetString(b) => {
            if b.iter().all(|&c| (0x20..0x7f).contains(&c) && c != b'|') && !b.is_empty() {
                let _ = write!(s, "4|{}", String::from_utf8_lossy(b));
            } else if b.is_empty() {
                s.push_str("4|");
            } else {
                hex(&mut s, "4", b);
            }
        }
        Value::Null => s.push_str("5|"),
        Value::ObjectId(o) => {
            let _ = write!(s, "6|{o}");
        }
        Value::IpAddress(a) => {
            let _ = write!(s, "64|{}", std::net::Ipv4Addr::from(*a));
        }
        Value::Counter32(v) => {
            let _ = write!(s, "65|{v}");
        }
        Value::Gauge32(v) => {
            let _ = write!(s, "66|{v}");
        }
        Value::TimeTicks(v) => {
            let _ = write!(s, "67|{v}");
        }
        Value::Opaque(b) => hex(&mut s, "68", b),
        Value::Counter64(v) => {
            let _ = write!(s, "70|{v}");
        }
        Value::NoSuchObject | Value::NoSuchInstance | Value::EndOfMibView | Value::Other { .. } => {
            return None;
        }
    }
    Some(s)
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    let s = s.trim();
    if s.len() % 2 != 0 {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| s.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect()
}

/// The demo device served as the embedded default agent `demo` (`etc/demo.snmprec`).
pub const DEMO: &str = include_str!("../../etc/demo.snmprec");

/// The demo device's store.
///
/// # Panics
/// Never: `etc/demo.snmprec` is checked by a unit test.
#[must_use]
pub fn demo() -> Store {
    parse(DEMO).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_tag_and_round_trips_through_line() {
        let text = "# comment\n\n1.3.6.1.2.1.1.1.0|4|hello world\n1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.8072\n1.3.6.1.2.1.2.2.1.6.2|4x|0050569a0001\n1.3.6.1.2.1.4.20.1.1.127.0.0.1|64|127.0.0.1\n1.3.6.1.2.1.2.2.1.10.1|65|4294967295\n1.3.6.1.2.1.2.2.1.5.1|66|10\n1.3.6.1.2.1.1.3.0|67|42\n1.3.6.1.4.1.1.0|68x|9f7800\n1.3.6.1.2.1.31.1.1.1.6.1|70|18446744073709551615\n1.3.6.1.2.1.1.7.0|2|-5\n1.3.6.1.4.1.2.0|5|\n";
        let s = parse(text).unwrap();
        assert_eq!(s.len(), 11);
        assert_eq!(
            s.get(&"1.3.6.1.2.1.2.2.1.6.2".parse().unwrap()),
            Some(&Value::OctetString(Cow::Owned(vec![
                0, 0x50, 0x56, 0x9a, 0, 1
            ])))
        );
        assert_eq!(
            s.get(&"1.3.6.1.2.1.1.7.0".parse().unwrap()),
            Some(&Value::Integer(-5))
        );
        let again: String = s
            .iter()
            .filter_map(|(o, v)| line(o, v))
            .map(|l| l + "\n")
            .collect();
        assert_eq!(parse(&again).unwrap(), s);
    }

    #[test]
    fn bad_lines_name_their_number() {
        assert_eq!(parse("1.3.6.1|2|1\nnonsense\n").unwrap_err().line, 2);
        assert_eq!(parse("1.3.6.1|65|-1\n").unwrap_err().line, 1);
        assert_eq!(
            parse("1.3.6.1|4x|abc\n").unwrap_err().reason,
            "bad hex value \"abc\""
        );
        assert!(
            parse("1.3.6.1|4:numeric|x\n")
                .unwrap_err()
                .reason
                .contains("variation")
        );
        assert!(
            parse("1.3.6.1|99|x\n")
                .unwrap_err()
                .reason
                .contains("unknown tag")
        );
    }

    #[test]
    fn demo_data_parses() {
        let s = parse(DEMO).unwrap();
        assert!(s.len() > 100);
        assert!(matches!(
            s.get(&"1.3.6.1.2.1.1.5.0".parse().unwrap()),
            Some(Value::OctetString(_))
        ));
    }
}
