//! [`JsonWriter`]: the JSON line of a [`Notification`] written by hand into a reusable buffer,
//! byte for byte what `serde_json` makes of [`super::text::to_json`] (its keys sorted, no
//! spaces), without building a `serde_json::Value` tree per notification. Pure.
//!
//! What it keeps between lines, so the per-notification work is the writing itself:
//! - the names of OIDs ([`crate::mib::format_name`]) and their dotted forms: made once per
//!   OID while the MIB tree stays the same (a reloaded tree empties the cache), at most
//!   [`MAX_NAMES`] of them (the cache starts over beyond). Each place in a line (the trap
//!   OID, the n-th varbind's OID, the n-th varbind's OID value) also remembers the last OID
//!   it showed: a stream of the same kind of notification finds its names by comparing OIDs,
//!   without hashing them;
//! - the date and time to the second: one conversion per second of notifications.
//!
//! Varbinds of the rare kinds (Opaque, unknown tags) are written through
//! [`crate::format::varbind_json`]; every other value is written here. The schema is in
//! [`super::text`]'s module doc; `tests.rs` checks the equality on every kind of value and on
//! random ones (proptest).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::format::varbind_json;
use crate::mib::{self, MibTree, NameStyle};
use crate::oid::Oid;
use crate::output::json::rfc3339;
use crate::pdu::{Value, VarBind};

use super::{Notification, Security};

/// Most OID names remembered by one writer.
pub const MAX_NAMES: usize = 4096;
/// Places in a line that remember their last OID (see the module doc).
const PLACES: usize = 33;
/// No entry.
const NONE: usize = usize::MAX;

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Writes notifications as JSON lines (see the module doc). One per output, reused.
#[derive(Default)]
pub struct JsonWriter {
    /// OID -> its entry in `entries`.
    names: HashMap<Oid, usize>,
    /// Per OID: the OID, its name as a JSON string body (escaped) followed by its dotted
    /// form, and where the name ends; for the tree `tree`.
    entries: Vec<(Oid, Box<str>, usize)>,
    /// The entry each place of a line showed last (`NONE`: none yet).
    recent: Vec<usize>,
    /// The MIB tree the names were looked up in.
    tree: Option<Arc<MibTree>>,
    /// (seconds since the epoch, `"YYYY-MM-DDTHH:MM:SS.`) of the last date written.
    second: Option<(u64, String)>,
    /// Where a name is built before it is escaped.
    scratch: String,
}

impl std::fmt::Debug for JsonWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsonWriter")
            .field("names", &self.names.len())
            .finish_non_exhaustive()
    }
}

impl JsonWriter {
    /// A writer with empty caches.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends `n` as one JSON line, with its newline.
    pub fn write(&mut self, out: &mut String, n: &Notification) {
        let tree = mib::tree();
        if !self.tree.as_ref().is_some_and(|t| Arc::ptr_eq(t, &tree)) {
            self.forget();
            self.tree = Some(tree);
        }
        out.push('{');
        match &n.security {
            Security::Community(c) => {
                out.push_str("\"community\":");
                string(out, &String::from_utf8_lossy(c));
                out.push(',');
            }
            Security::User { engine_id, .. } => {
                out.push_str("\"engine_id\":\"");
                hex(out, engine_id);
                out.push_str("\",");
            }
        }
        out.push_str("\"kind\":\"");
        out.push_str(n.kind.as_str());
        if let Security::User { level, .. } = &n.security {
            out.push_str("\",\"level\":\"");
            out.push_str(level.name());
        }
        out.push_str("\",\"port\":");
        push_u64(out, u64::from(n.source.port()));
        out.push_str(",\"request_id\":");
        match n.request_id {
            Some(id) => push_i64(out, i64::from(id)),
            None => out.push_str("null"),
        }
        out.push_str(",\"source\":\"");
        match n.source.ip() {
            IpAddr::V4(a) => ipv4(out, a),
            IpAddr::V6(a) => {
                let _ = write!(out, "{a}");
            }
        }
        out.push_str("\",\"time\":\"");
        self.time(out, n.received);
        out.push_str("\",\"trap_name\":");
        match &n.trap_oid {
            Some(o) => {
                let (name, dotted) = self.names(o, 0);
                out.push('"');
                out.push_str(name);
                out.push_str("\",\"trap_oid\":\"");
                out.push_str(dotted);
                out.push('"');
            }
            None => out.push_str("null,\"trap_oid\":null"),
        }
        out.push_str(",\"uptime\":");
        match n.uptime {
            Some(u) => push_u64(out, u64::from(u)),
            None => out.push_str("null"),
        }
        if let Security::User { name, .. } = &n.security {
            out.push_str(",\"user\":");
            string(out, name);
        }
        if let Some(v1) = &n.v1 {
            out.push_str(",\"v1\":{\"agent_addr\":\"");
            ipv4(out, v1.agent_addr);
            out.push_str("\",\"enterprise\":\"");
            oid(out, &v1.enterprise);
            out.push_str("\",\"generic\":");
            push_i64(out, i64::from(v1.generic));
            out.push_str(",\"specific\":");
            push_i64(out, i64::from(v1.specific));
            out.push('}');
        }
        out.push_str(",\"varbinds\":[");
        for (i, vb) in n.varbinds.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            self.varbind(out, vb, i);
        }
        out.push_str("],\"version\":\"");
        out.push_str(n.version.as_str());
        out.push_str("\"}\n");
    }

    /// One varbind object: keys in the order `exception`, `hex`, `name`, `oid`, `type`,
    /// `value` (those that apply).
    fn varbind(&mut self, out: &mut String, vb: &VarBind<'_>, i: usize) {
        let v = &vb.value;
        let text = match v {
            Value::Opaque(_) | Value::Other { .. } => {
                out.push_str(&varbind_json(vb).to_string());
                return;
            }
            Value::OctetString(s) => {
                out.push_str("{\"hex\":\"");
                hex(out, s);
                out.push_str("\",");
                match std::str::from_utf8(s) {
                    Ok(t) if is_plain_text(t) => Some(t),
                    _ => None,
                }
            }
            Value::NoSuchObject | Value::NoSuchInstance | Value::EndOfMibView => {
                out.push_str("{\"exception\":\"");
                out.push_str(v.type_name());
                out.push_str("\",");
                None
            }
            _ => {
                out.push('{');
                None
            }
        };
        let (name, dotted) = self.names(&vb.oid, 1 + 2 * i);
        out.push_str("\"name\":\"");
        out.push_str(name);
        out.push_str("\",\"oid\":\"");
        out.push_str(dotted);
        out.push_str("\",\"type\":\"");
        out.push_str(v.type_name());
        out.push_str("\",\"value\":");
        match v {
            Value::Integer(i) => push_i64(out, i64::from(*i)),
            Value::Counter32(n) | Value::Gauge32(n) | Value::TimeTicks(n) => {
                push_u64(out, u64::from(*n));
            }
            Value::Counter64(n) => push_u64(out, *n),
            Value::OctetString(s) => match text {
                Some(t) => string(out, t),
                None => {
                    out.push('"');
                    hex(out, s);
                    out.push('"');
                }
            },
            Value::ObjectId(o) => {
                out.push('"');
                let (_, dotted) = self.names(o, 2 + 2 * i);
                out.push_str(dotted);
                out.push('"');
            }
            Value::IpAddress(a) => {
                out.push('"');
                ipv4(out, Ipv4Addr::from(*a));
                out.push('"');
            }
            _ => out.push_str("null"),
        }
        out.push('}');
    }

    /// Empties the caches.
    fn forget(&mut self) {
        self.names.clear();
        self.entries.clear();
        self.recent.clear();
    }

    /// The name of `o` (escaped) and its dotted form, shown at `place` of a line: from what
    /// that place showed last, from the cache, or made once.
    fn names(&mut self, o: &Oid, place: usize) -> (&str, &str) {
        let last = self.recent.get(place).copied().unwrap_or(NONE);
        let k = if self.entries.get(last).is_some_and(|e| e.0 == *o) {
            last
        } else {
            let k = match self.names.get(o) {
                Some(&k) => k,
                None => self.make(o),
            };
            if place < PLACES {
                if self.recent.len() < PLACES {
                    self.recent.resize(PLACES, NONE);
                }
                self.recent[place] = k;
            }
            k
        };
        match self.entries.get(k) {
            Some((_, both, split)) => both.split_at(*split),
            None => ("", ""),
        }
    }

    /// Makes the entry of `o`; returns its index.
    fn make(&mut self, o: &Oid) -> usize {
        if self.entries.len() >= MAX_NAMES {
            self.forget();
        }
        self.scratch.clear();
        if let Some(tree) = &self.tree {
            tree.write_oid(&mut self.scratch, o.arcs(), NameStyle::Module, true);
        }
        let mut both = String::with_capacity(self.scratch.len() + 4 * o.arcs().len());
        escape(&mut both, &self.scratch);
        let split = both.len();
        oid(&mut both, o);
        let k = self.entries.len();
        self.entries.push((o.clone(), both.into_boxed_str(), split));
        self.names.insert(o.clone(), k);
        k
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ` in UTC, as [`rfc3339`] writes it.
    fn time(&mut self, out: &mut String, t: SystemTime) {
        let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
        let secs = d.as_secs();
        let prefix = match &mut self.second {
            Some((s, p)) if *s == secs => p,
            slot => {
                let mut p = rfc3339(UNIX_EPOCH + Duration::from_secs(secs));
                // Drop the "000Z" of the whole second.
                p.truncate(p.len().saturating_sub(4));
                &mut slot.insert((secs, p)).1
            }
        };
        out.push_str(prefix);
        let ms = d.subsec_millis();
        for digit in [ms / 100, ms / 10 % 10, ms % 10] {
            out.push(char::from_digit(digit, 10).unwrap_or('0'));
        }
        out.push('Z');
    }
}

/// Text a script can take as is: no control characters but tab, CR and LF (as
/// [`varbind_json`] decides).
fn is_plain_text(s: &str) -> bool {
    !s.chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

/// `s` as a JSON string, quotes included.
fn string(out: &mut String, s: &str) {
    out.push('"');
    escape(out, s);
    out.push('"');
}

/// `s` escaped as `serde_json` does: `\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`, and `\u00xx`
/// for the other control characters below 0x20; everything else as is.
fn escape(out: &mut String, s: &str) {
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let short = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if short.is_empty() {
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0f)]));
        } else {
            out.push_str(short);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
}

/// Lowercase hex digits, two per octet.
fn hex(out: &mut String, bytes: &[u8]) {
    out.reserve(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
}

/// An IPv4 address as `Display` writes it.
fn ipv4(out: &mut String, a: Ipv4Addr) {
    for (i, octet) in a.octets().into_iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        push_u64(out, u64::from(octet));
    }
}

/// Dotted arcs, no leading dot.
fn oid(out: &mut String, o: &Oid) {
    for (i, &arc) in o.arcs().iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        push_u64(out, u64::from(arc));
    }
}

/// `n` in decimal.
fn push_u64(out: &mut String, mut n: u64) {
    if n < 10 {
        out.push(char::from(b'0' + u8::try_from(n).unwrap_or(0)));
        return;
    }
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    while n > 0 {
        i -= 1;
        buf[i] = b'0' + u8::try_from(n % 10).unwrap_or(0);
        n /= 10;
    }
    for &d in &buf[i..] {
        out.push(char::from(d));
    }
}

fn push_i64(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    push_u64(out, n.unsigned_abs());
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;
    use std::net::SocketAddr;

    use proptest::prelude::*;

    use super::*;
    use crate::notification::text::to_json;
    use crate::notification::{Kind, TrapV1Info};
    use crate::pdu::Version;
    use crate::usm::SecurityLevel;

    fn o(s: &str) -> Oid {
        s.parse().unwrap()
    }

    fn base(varbinds: Vec<VarBind<'static>>) -> Notification {
        Notification {
            received: UNIX_EPOCH + Duration::from_millis(1_714_564_800_123),
            source: SocketAddr::from(([127, 0, 0, 1], 40000)),
            local: SocketAddr::from(([127, 0, 0, 1], 1162)),
            version: Version::V2c,
            kind: Kind::Trap,
            security: Security::Community(b"public"[..].into()),
            request_id: Some(7),
            trap_oid: Some(o("1.3.6.1.6.3.1.1.5.3")),
            uptime: Some(123),
            varbinds,
            v1: None,
        }
    }

    /// What `write_json` wrote before the writer: `serde_json` printing `to_json`.
    fn reference(n: &Notification) -> String {
        format!("{}\n", to_json(n))
    }

    fn ours(n: &Notification) -> String {
        let mut out = String::new();
        JsonWriter::new().write(&mut out, n);
        out
    }

    fn every_value() -> Vec<VarBind<'static>> {
        let vb = |s: &str, v| VarBind::new(o(s), v);
        vec![
            vb("1.3.6.1.2.1.1.3.0", Value::TimeTicks(123)),
            vb(
                "1.3.6.1.6.3.1.1.4.1.0",
                Value::ObjectId(o("1.3.6.1.6.3.1.1.5.3")),
            ),
            vb("1.3.6.1.2.1.2.2.1.1.2", Value::Integer(i32::MIN)),
            vb("1.3.6.1.2.1.2.2.1.1.3", Value::Integer(0)),
            vb(
                "1.3.6.1.2.1.2.2.1.2.2",
                Value::OctetString(Cow::Borrowed(b"Gi0/2 \"x\"\\\n\t\r")),
            ),
            vb(
                "1.3.6.1.2.1.1.6.0",
                Value::OctetString(Cow::Borrowed("Z\u{fc}rich".as_bytes())),
            ),
            vb(
                "1.3.6.1.2.1.1.6.0",
                Value::OctetString(Cow::Borrowed(b"a\x00\x7f\x1b")),
            ),
            vb(
                "1.3.6.1.2.1.1.6.0",
                Value::OctetString(Cow::Borrowed("\u{85}".as_bytes())),
            ),
            vb(
                "1.3.6.1.2.1.1.6.0",
                Value::OctetString(Cow::Borrowed(b"\xff\xfe")),
            ),
            vb("1.3.6.1.2.1.1.6.0", Value::OctetString(Cow::Borrowed(b""))),
            vb("1.3.6.1.2.1.2.2.1.10.1", Value::Counter32(u32::MAX)),
            vb("1.3.6.1.2.1.2.2.1.5.1", Value::Gauge32(0)),
            vb("1.3.6.1.2.1.31.1.1.1.6.1", Value::Counter64(u64::MAX)),
            vb(
                "1.3.6.1.2.1.4.20.1.1.127.0.0.1",
                Value::IpAddress([192, 0, 2, 5]),
            ),
            vb("1.3.6.1.2.1.1.1.0", Value::Null),
            vb("1.3.6.1.2.1.1.1.0", Value::NoSuchObject),
            vb("1.3.6.1.2.1.1.1.0", Value::NoSuchInstance),
            vb("1.3.6.1.2.1.1.1.0", Value::EndOfMibView),
            vb(
                "1.3.6.1.4.1.2021.10.1.6.1",
                Value::Opaque(Cow::Borrowed(&[0x9f, 0x78, 4, 0x3f, 0xc0, 0, 0])),
            ),
            vb(
                "1.3.6.1.4.1.2021.10.1.6.2",
                Value::Opaque(Cow::Borrowed(&[1, 2, 3])),
            ),
            vb(
                "1.3.6.1.2.1.1.1.0",
                Value::Other {
                    tag: 0x48,
                    raw: Cow::Borrowed(&[0x05]),
                },
            ),
            // Unknown to every MIB, and an index with a string in it.
            vb("1.3.6.1.99999.1.2", Value::Integer(1)),
            vb(
                "1.3.6.1.6.3.16.1.2.1.3.3.5.97.108.105.99.101",
                Value::Integer(1),
            ),
        ]
    }

    #[test]
    fn a_v2c_trap_is_the_line_serde_json_prints() {
        let n = base(every_value());
        assert_eq!(ours(&n), reference(&n));
        // The literal line, for the first varbinds.
        let short = base(every_value()[..3].to_vec());
        assert_eq!(
            ours(&short),
            "{\"community\":\"public\",\"kind\":\"trap\",\"port\":40000,\"request_id\":7,\
             \"source\":\"127.0.0.1\",\"time\":\"2024-05-01T12:00:00.123Z\",\
             \"trap_name\":\"IF-MIB::linkDown\",\"trap_oid\":\"1.3.6.1.6.3.1.1.5.3\",\"uptime\":123,\
             \"varbinds\":[{\"name\":\"SNMPv2-MIB::sysUpTime.0\",\"oid\":\"1.3.6.1.2.1.1.3.0\",\
             \"type\":\"TimeTicks\",\"value\":123},{\"name\":\"SNMPv2-MIB::snmpTrapOID.0\",\
             \"oid\":\"1.3.6.1.6.3.1.1.4.1.0\",\"type\":\"OBJECT IDENTIFIER\",\
             \"value\":\"1.3.6.1.6.3.1.1.5.3\"},{\"name\":\"IF-MIB::ifIndex.2\",\
             \"oid\":\"1.3.6.1.2.1.2.2.1.1.2\",\"type\":\"INTEGER\",\"value\":-2147483648}],\
             \"version\":\"2c\"}\n"
        );
    }

    #[test]
    fn v1_v3_informs_and_missing_fields_are_the_lines_serde_json_prints() {
        let mut v1 = base(every_value());
        v1.version = Version::V1;
        v1.request_id = None;
        v1.security = Security::Community(b"pu\"b\xfflic\x01"[..].into());
        v1.v1 = Some(TrapV1Info {
            enterprise: o("1.3.6.1.4.1.8072"),
            agent_addr: [192, 0, 2, 5].into(),
            generic: -1,
            specific: i32::MAX,
            time_stamp: 4567,
            count: 1,
        });
        assert_eq!(ours(&v1), reference(&v1));
        let mut v3 = base(every_value());
        v3.version = Version::V3;
        v3.kind = Kind::Inform;
        v3.security = Security::User {
            name: "al\"ice\u{7}".into(),
            engine_id: vec![0x80, 0, 0x1f, 0x88, 0xab],
            level: SecurityLevel::AuthPriv,
        };
        v3.source = "[::1]:5000".parse().unwrap();
        v3.trap_oid = None;
        v3.uptime = None;
        v3.request_id = Some(-5);
        v3.received = UNIX_EPOCH - Duration::from_secs(5);
        assert_eq!(ours(&v3), reference(&v3));
        v3.varbinds.clear();
        v3.received = UNIX_EPOCH + Duration::from_millis(253_402_300_799_999);
        assert_eq!(ours(&v3), reference(&v3));
    }

    #[test]
    fn caches_follow_the_time_and_stay_bounded() {
        let mut w = JsonWriter::new();
        let mut n = base(every_value()[..3].to_vec());
        for ms in [0, 999, 1000, 1001, 61_000, 86_400_000, 999] {
            n.received = UNIX_EPOCH + Duration::from_millis(1_714_564_800_000 + ms);
            let mut out = String::new();
            w.write(&mut out, &n);
            assert_eq!(out, reference(&n), "{ms}");
        }
        for i in 0..u32::try_from(MAX_NAMES).unwrap() + 10 {
            n.varbinds[2].oid = Oid::new(&[1, 3, 6, 1, 2, 1, 2, 2, 1, 1, i]).unwrap();
            let mut out = String::new();
            w.write(&mut out, &n);
            assert_eq!(out, reference(&n), "{i}");
        }
        assert!(w.names.len() <= MAX_NAMES && w.entries.len() <= MAX_NAMES);
        // Places that saw an OID now forgotten look it up again.
        for i in [5, 6, 5, 7, 6] {
            n.varbinds[2].oid = Oid::new(&[1, 3, 6, 1, 2, 1, 2, 2, 1, 1, i]).unwrap();
            n.varbinds[1].value =
                Value::ObjectId(Oid::new(&[1, 3, 6, 1, 6, 3, 1, 1, 5, i]).unwrap());
            let mut out = String::new();
            w.write(&mut out, &n);
            assert_eq!(out, reference(&n), "{i}");
        }
    }

    fn value() -> impl Strategy<Value = Value<'static>> {
        prop_oneof![
            any::<i32>().prop_map(Value::Integer),
            any::<u32>().prop_map(Value::Counter32),
            any::<u32>().prop_map(Value::Gauge32),
            any::<u32>().prop_map(Value::TimeTicks),
            any::<u64>().prop_map(Value::Counter64),
            any::<[u8; 4]>().prop_map(Value::IpAddress),
            proptest::collection::vec(any::<u8>(), 0..24)
                .prop_map(|b| Value::OctetString(Cow::Owned(b))),
            any::<String>().prop_map(|s| Value::OctetString(Cow::Owned(s.into_bytes()))),
            proptest::collection::vec(any::<u8>(), 0..12)
                .prop_map(|b| Value::Opaque(Cow::Owned(b))),
            Just(Value::Null),
            Just(Value::EndOfMibView),
            proptest::collection::vec(1u32..100_000, 2..12).prop_map(|mut a| {
                a[0] = 1;
                a[1] = 3;
                Value::ObjectId(Oid::new(&a).unwrap())
            }),
        ]
    }

    proptest! {
        #[test]
        fn any_notification_is_the_line_serde_json_prints(
            values in proptest::collection::vec(value(), 0..6),
            tails in proptest::collection::vec(proptest::collection::vec(0u32..300, 0..4), 6),
            community in proptest::collection::vec(any::<u8>(), 0..12),
            ms in any::<u64>(),
            id in any::<Option<i32>>(),
        ) {
            let varbinds = values
                .into_iter()
                .zip(tails)
                .map(|(v, tail)| {
                    let mut arcs = vec![1, 3, 6, 1, 2, 1, 2, 2, 1];
                    arcs.extend(tail);
                    VarBind::new(Oid::new(&arcs).unwrap(), v)
                })
                .collect();
            let mut n = base(varbinds);
            n.security = Security::Community(community.into());
            n.received = UNIX_EPOCH + Duration::from_millis(ms % 4_102_444_800_000);
            n.request_id = id;
            prop_assert_eq!(ours(&n), reference(&n));
        }
    }
}
