//! [`varbind_json`]: one varbind as a JSON object for scripts. The schema is in the
//! [module doc](super).

use serde_json::{Map, Number, Value as Json};

use crate::mib;
use crate::pdu::{Value, VarBind};

use super::hex;
use super::opaque::{OpaqueValue, decode_opaque};

/// A varbind as JSON: `{"oid", "name", "type", "value"}` plus `hex`, `exception`, `opaque` or
/// `tag` where they apply (see the [module doc](super)).
///
/// ```
/// use snmpact::format::varbind_json;
/// use snmpact::pdu::{Value, VarBind};
/// let vb = VarBind::new("1.3.6.1.2.1.2.2.1.6.2".parse().unwrap(),
///                       Value::OctetString(vec![0x00, 0x1a, 0x2b].into()));
/// assert_eq!(varbind_json(&vb), serde_json::json!({
///     "oid": "1.3.6.1.2.1.2.2.1.6.2", "name": "IF-MIB::ifPhysAddress.2",
///     "type": "OCTET STRING", "value": "001a2b", "hex": "001a2b"}));
/// ```
#[must_use]
pub fn varbind_json(vb: &VarBind<'_>) -> Json {
    let mut m = Map::new();
    m.insert("oid".into(), Json::String(vb.oid.to_string()));
    m.insert("name".into(), Json::String(mib::format_name(&vb.oid)));
    m.insert("type".into(), Json::String(vb.value.type_name().into()));
    let value = match &vb.value {
        Value::Integer(i) => Json::from(*i),
        Value::Counter32(n) | Value::Gauge32(n) | Value::TimeTicks(n) => Json::from(*n),
        Value::Counter64(n) => Json::from(*n),
        Value::OctetString(s) => {
            let hex = hex(s);
            let value = match std::str::from_utf8(s) {
                Ok(text) if is_plain_text(text) => Json::String(text.into()),
                _ => Json::String(hex.clone()),
            };
            m.insert("hex".into(), Json::String(hex));
            value
        }
        Value::ObjectId(o) => Json::String(o.to_string()),
        Value::IpAddress(a) => Json::String(std::net::Ipv4Addr::from(*a).to_string()),
        Value::Null => Json::Null,
        Value::NoSuchObject | Value::NoSuchInstance | Value::EndOfMibView => {
            m.insert(
                "exception".into(),
                Json::String(vb.value.type_name().into()),
            );
            Json::Null
        }
        Value::Opaque(raw) => {
            let hex = hex(raw);
            let value = match decode_opaque(raw) {
                Some(nested) => {
                    m.insert("opaque".into(), Json::String(nested.kind().into()));
                    match nested {
                        OpaqueValue::Float(f) => float(f64::from(f)),
                        OpaqueValue::Double(d) => float(d),
                        OpaqueValue::Counter64(n) | OpaqueValue::UInt64(n) => Json::from(n),
                        OpaqueValue::Int64(n) => Json::from(n),
                    }
                }
                None => Json::String(hex.clone()),
            };
            m.insert("hex".into(), Json::String(hex));
            value
        }
        Value::Other { tag, raw } => {
            let hex = hex(raw);
            m.insert("tag".into(), Json::from(*tag));
            m.insert("hex".into(), Json::String(hex.clone()));
            Json::String(hex)
        }
    };
    m.insert("value".into(), value);
    Json::Object(m)
}

/// Text a script can take as is: no control characters but tab, CR and LF.
fn is_plain_text(s: &str) -> bool {
    !s.chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

fn float(x: f64) -> Json {
    Number::from_f64(x).map_or(Json::Null, Json::Number)
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use serde_json::json;

    use super::*;

    fn j(oid: &str, value: Value<'static>) -> Json {
        varbind_json(&VarBind::new(oid.parse().unwrap(), value))
    }

    #[test]
    fn numbers() {
        assert_eq!(
            j("1.3.6.1.2.1.1.7.0", Value::Integer(-72)),
            json!({"oid": "1.3.6.1.2.1.1.7.0", "name": "SNMPv2-MIB::sysServices.0",
                   "type": "INTEGER", "value": -72})
        );
        assert_eq!(
            j("1.3.6.1.2.1.1.3.0", Value::TimeTicks(u32::MAX))["value"],
            json!(4_294_967_295u32)
        );
        assert_eq!(
            j("1.3.6.1.2.1.2.2.1.10.1", Value::Counter32(5))["type"],
            "Counter32"
        );
        assert_eq!(j("1.3.6.1.2.1.2.2.1.5.1", Value::Gauge32(0))["value"], 0);
        let c64 = j("1.3.6.1.2.1.31.1.1.1.6.1", Value::Counter64(u64::MAX));
        assert_eq!(c64["value"], json!(u64::MAX));
        assert_eq!(c64["type"], "Counter64");
        // A script reading it back gets every digit.
        assert!(c64.to_string().contains("\"value\":18446744073709551615"));
    }

    #[test]
    fn octet_strings() {
        let s = j(
            "1.3.6.1.2.1.1.1.0",
            Value::OctetString(Cow::Borrowed(b"Linux \"q\"\n")),
        );
        assert_eq!(
            s,
            json!({"oid": "1.3.6.1.2.1.1.1.0", "name": "SNMPv2-MIB::sysDescr.0",
                   "type": "OCTET STRING", "value": "Linux \"q\"\n",
                   "hex": "4c696e7578202271220a"})
        );
        let e = j("1.3.6.1.2.1.1.1.0", Value::OctetString(Cow::Borrowed(b"")));
        assert_eq!((&e["value"], &e["hex"]), (&json!(""), &json!("")));
        // UTF-8 text stays text (net-snmp's text form would print it as hex).
        let u = j(
            "1.3.6.1.2.1.1.6.0",
            Value::OctetString(Cow::Borrowed("Z\u{fc}rich".as_bytes())),
        );
        assert_eq!(
            (&u["value"], &u["hex"]),
            (&json!("Z\u{fc}rich"), &json!("5ac3bc72696368"))
        );
        for binary in [&b"abc\x00"[..], b"\xff\xfe", b"\x7f", b"\x1b[0m"] {
            let b = j(
                "1.3.6.1.2.1.1.6.0",
                Value::OctetString(Cow::Borrowed(binary)),
            );
            assert_eq!(b["value"], b["hex"], "{binary:02x?}");
        }
    }

    #[test]
    fn oids_addresses_nulls_exceptions() {
        let o = j(
            "1.3.6.1.2.1.1.2.0",
            Value::ObjectId("1.3.6.1.4.1.8072.3.2.10".parse().unwrap()),
        );
        assert_eq!(o["value"], "1.3.6.1.4.1.8072.3.2.10");
        assert_eq!(o["type"], "OBJECT IDENTIFIER");
        let a = j(
            "1.3.6.1.2.1.4.20.1.1.127.0.0.1",
            Value::IpAddress([127, 0, 0, 1]),
        );
        assert_eq!(
            (&a["value"], &a["type"]),
            (&json!("127.0.0.1"), &json!("IpAddress"))
        );
        let n = j("1.3.6.1.2.1.1.1.0", Value::Null);
        assert_eq!(n["value"], Json::Null);
        assert!(n.get("exception").is_none());
        for (v, name) in [
            (Value::NoSuchObject, "noSuchObject"),
            (Value::NoSuchInstance, "noSuchInstance"),
            (Value::EndOfMibView, "endOfMibView"),
        ] {
            let e = j("1.3.6.1.2.1.1.1.0", v);
            assert_eq!(e["value"], Json::Null);
            assert_eq!(e["exception"], name);
            assert_eq!(e["type"], name);
        }
    }

    #[test]
    fn opaques_and_unknown_tags() {
        let op = |b: &'static [u8]| j("1.3.6.1.4.1.2021.10.1.6.1", Value::Opaque(Cow::Borrowed(b)));
        assert_eq!(
            op(&[0x9f, 0x78, 4, 0x3f, 0xc0, 0, 0]),
            json!({"oid": "1.3.6.1.4.1.2021.10.1.6.1", "name": mib::format_name(&"1.3.6.1.4.1.2021.10.1.6.1".parse().unwrap()),
                   "type": "Opaque", "opaque": "Float", "value": 1.5, "hex": "9f78043fc00000"})
        );
        assert_eq!(op(&[0x9f, 0x78, 4, 0x7f, 0xc0, 0, 0])["value"], Json::Null);
        let d = op(&[0x9f, 0x79, 8, 0xc0, 0x02, 0, 0, 0, 0, 0, 0]);
        assert_eq!(
            (&d["value"], &d["opaque"]),
            (&json!(-2.25), &json!("Double"))
        );
        assert_eq!(op(&[0x9f, 0x7a, 1, 0xff])["value"], -1);
        assert_eq!(op(&[0x9f, 0x76, 1, 5])["opaque"], "Counter64");
        let plain = op(&[1, 2, 3]);
        assert_eq!(
            (&plain["value"], &plain["hex"]),
            (&json!("010203"), &json!("010203"))
        );
        assert!(plain.get("opaque").is_none());
        let u = j(
            "1.3.6.1.2.1.1.1.0",
            Value::Other {
                tag: 0x48,
                raw: Cow::Borrowed(&[0x05]),
            },
        );
        assert_eq!(
            u,
            json!({"oid": "1.3.6.1.2.1.1.1.0", "name": "SNMPv2-MIB::sysDescr.0",
                   "type": "unknown", "tag": 72, "value": "05", "hex": "05"})
        );
    }
}
