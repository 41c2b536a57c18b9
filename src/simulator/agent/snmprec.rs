//! snmpsim's `.snmprec` data format: one `OID|TAG|VALUE` line per object, so recorded devices
//! can be served. Tags: 2 INTEGER, 4 OCTET STRING, 5 NULL, 6 OID, 64 IpAddress, 65 Counter32,
//! 66 Gauge32, 67 TimeTicks, 68 Opaque, 70 Counter64, and 128/129/130 for the exceptions. A tag
//! followed by `x` (`4x`) carries its value in hex.
//!
//! Of snmpsim's variation modules, the two found in its recorded devices (`snmpsim-data`) are
//! read: `TAG:writecache|value=V` serves `V` (SETs are kept in memory anyway), and
//! `TAG:numeric|rate=..,initial=..,min=..,max=..,deviation=..,wrap=1` serves a living value
//! that moves with time ([`super::numeric`]: counters that grow and wrap, a sysUpTime that
//! ticks, gauges that jitter). Any other module is reported as an error naming its line.

use std::borrow::Cow;
use std::fmt::Write as _;

use crate::oid::Oid;
use crate::pdu::Value;

use super::Store;
use super::numeric::Numeric;

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
    parse_bytes(text.as_bytes())
}

/// Parses `.snmprec` data that need not be UTF-8: snmpsim writes a printable string's bytes as
/// they are (Latin-1 text in some recorded devices), and an IpAddress it could not print as 4
/// raw bytes. OIDs, tags and numbers must be ASCII.
///
/// # Errors
/// The first bad line, with its number.
pub fn parse_bytes(data: &[u8]) -> Result<Store, SnmprecError> {
    let mut store = Store::new();
    for (i, raw) in data.split(|&b| b == b'\n').enumerate() {
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        if line.trim_ascii().is_empty() || line.starts_with(b"#") {
            continue;
        }
        let err = |reason: String| SnmprecError {
            line: i + 1,
            reason,
        };
        let mut parts = line.splitn(3, |&b| b == b'|');
        let (Some(oid), Some(tag), Some(value)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(err("expected OID|TAG|VALUE".into()));
        };
        let (Ok(oid), Ok(tag)) = (std::str::from_utf8(oid), std::str::from_utf8(tag)) else {
            return Err(err("the OID and the tag must be ASCII".into()));
        };
        let oid: Oid = oid
            .trim()
            .parse()
            .map_err(|e| err(format!("bad OID: {e}")))?;
        let (tag, module) = match tag.split_once(':') {
            Some((t, m)) => (t, Some(m)),
            None => (tag, None),
        };
        if module == Some("numeric") {
            let params = std::str::from_utf8(value)
                .map_err(|_| err("numeric: the keys must be ASCII".into()))?;
            let rule =
                Numeric::parse(tag, params, u64::try_from(i).unwrap_or_default()).map_err(err)?;
            store.insert_living(oid, rule);
            continue;
        }
        let value = match module {
            None => value,
            Some(m) => variation(m, value).map_err(err)?,
        };
        let (tag, hex) = match tag.strip_suffix('x') {
            Some(t) => (t, true),
            None => (tag, false),
        };
        let text = |v: &[u8]| -> Result<String, SnmprecError> {
            std::str::from_utf8(v)
                .map(|t| t.trim().to_owned())
                .map_err(|_| err(format!("tag {tag} needs an ASCII value")))
        };
        let bytes = |v: &[u8]| -> Result<Vec<u8>, SnmprecError> {
            if hex {
                let t = text(v)?;
                decode_hex(&t).ok_or_else(|| err(format!("bad hex value {t:?}")))
            } else {
                Ok(v.to_vec())
            }
        };
        let num = |v: &[u8]| -> Result<u64, SnmprecError> {
            let t = text(v)?;
            t.parse::<u64>()
                .map_err(|_| err(format!("bad number {t:?}")))
        };
        let u32_ = |v: &[u8]| -> Result<u32, SnmprecError> {
            let n = num(v)?;
            u32::try_from(n).map_err(|_| err(format!("{n} is out of range")))
        };
        let value = match tag {
            "2" => {
                let t = text(value)?;
                Value::Integer(t.parse().map_err(|_| err(format!("bad integer {t:?}")))?)
            }
            "4" => Value::OctetString(Cow::Owned(bytes(value)?)),
            "5" => Value::Null,
            "6" => Value::ObjectId(
                text(value)?
                    .parse()
                    .map_err(|e| err(format!("bad OID value: {e}")))?,
            ),
            "64" => {
                let b = if hex {
                    bytes(value)?
                } else if let Some(ip) = std::str::from_utf8(value)
                    .ok()
                    .and_then(|t| t.trim().parse::<std::net::Ipv4Addr>().ok())
                {
                    ip.octets().to_vec()
                } else if value.len() == 4 {
                    value.to_vec() // snmpsim's raw form of an address it could not print
                } else {
                    return Err(err(format!(
                        "bad IpAddress {:?}",
                        String::from_utf8_lossy(value)
                    )));
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
            t => return Err(err(format!("unknown tag {t:?}"))),
        };
        store.insert(oid, value);
    }
    Ok(store)
}

/// The static value of a `writecache` record: its `value=`.
fn variation<'a>(module: &str, params: &'a [u8]) -> Result<&'a [u8], String> {
    match module {
        // `value=` takes the rest of the line: a string may hold commas.
        "writecache" => Ok(params.strip_prefix(b"value=").unwrap_or(params)),
        m => Err(format!(
            "snmpsim variation module {m:?} is not supported (only writecache and numeric)"
        )),
    }
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
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| s.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect()
}

/// The demo device served as the embedded default agent `demo` (`etc/demo.snmprec`).
pub const DEMO: &str = include_str!("../../../etc/demo.snmprec");

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
            parse("1.3.6.1|4:redis|key-spaces-id=1\n")
                .unwrap_err()
                .reason
                .contains("variation module \"redis\"")
        );
        assert!(
            parse("1.3.6.1|99|x\n")
                .unwrap_err()
                .reason
                .contains("unknown tag")
        );
    }

    #[test]
    fn writecache_and_numeric_start_from_their_initial_value() {
        // Lines as snmpsim-data's APC recordings have them.
        let s = parse(
            "1.3.6.1.4.1.318.1.1.4.4.2.1.4.1|4:writecache|value=ESX Server 1, PS 2\n\
             1.3.6.1.4.1.318.1.1.26.9.2.3.1.5.1|2:numeric|min=1,max=2,initial=2,wrap=1\n\
             1.3.6.1.4.1.318.1.1.26.9.2.3.1.5.2|67:numeric|min=7,max=9\n",
        )
        .unwrap();
        let v: Vec<&Value<'_>> = s.iter().map(|(_, v)| v).collect();
        assert_eq!(
            v,
            [
                &Value::OctetString(Cow::Borrowed(b"ESX Server 1, PS 2")),
                &Value::Integer(2),
                &Value::TimeTicks(7)
            ]
        );
    }

    #[test]
    fn latin1_strings_and_raw_addresses_as_snmpsim_writes_them() {
        // From snmpsim-data: a Latin-1 sysLocation, and an IpAddress written as 4 raw bytes.
        let s =
            parse_bytes(b"1.3.6.1.2.1.1.6.0|4|K\xf6ln\n1.3.6.1.2.1.4.20.1.1.1|64|hSh1\n").unwrap();
        let v: Vec<&Value<'_>> = s.iter().map(|(_, v)| v).collect();
        assert_eq!(
            v,
            [
                &Value::OctetString(Cow::Borrowed(b"K\xf6ln")),
                &Value::IpAddress(*b"hSh1")
            ]
        );
        assert_eq!(
            parse_bytes(b"1.3.6.1|64|abc\n").unwrap_err().reason,
            "bad IpAddress \"abc\""
        );
        assert!(
            parse_bytes(b"1.3.6.1|2|\xff\n")
                .unwrap_err()
                .reason
                .contains("ASCII")
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
