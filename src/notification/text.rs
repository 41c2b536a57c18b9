//! A [`Notification`] as text: `snmptrapd`'s default log lines ([`write_text`]) and one JSON
//! object ([`write_json`]). Pure.
//!
//! # Text: net-snmp 5.9.3 `snmptrapd -f -Lo -n` (checked byte for byte in
//! `tests/integration/traps.rs`)
//! ```text
//! 2024-05-01 12:00:00 UDP: [127.0.0.1]:40000->[127.0.0.1]:1162 [UDP: [127.0.0.1]:40000->[127.0.0.1]:1162]:
//! .1.3.6.1.2.1.1.3.0 = Timeticks: (123) 0:00:01.23<TAB>.1.3.6.1.6.3.1.1.4.1.0 = OID: .1.3.6.1.6.3.1.1.5.3
//! 2024-05-01 12:00:00 192.0.2.5 [192.0.2.5] (via UDP: [127.0.0.1]:40001->[127.0.0.1]:1162) TRAP, SNMP v1, community public
//! <TAB>.1.3.6.1.4.1.8072 Link Down Trap (0) Uptime: 0:00:45.67
//! <TAB>.1.3.6.1.2.1.2.2.1.1.2 = INTEGER: 2
//! ```
//! - SNMPv2c, SNMPv3 and informs: the date, the transport twice (`UDP: [SRC]:PORT->[DST]:PORT`
//!   for IPv4, `UDP/IPv6: [SRC]:PORT` for IPv6), a colon; then every varbind, separated by
//!   tabs, on the next line (a value holding a newline spans lines, as in snmptrapd).
//! - SNMPv1: the agent-addr twice, the transport, the community; then a tab, the enterprise,
//!   the generic trap's name (`Cold Start`, `Warm Start`, `Link Down`, `Link Up`,
//!   `Authentication Failure`, `EGP Neighbor Loss`, `Enterprise Specific`), the specific
//!   number and the time-stamp; then the Trap-PDU's own varbinds, each after a tab.
//! - Varbinds print as `snmpget` prints them ([`crate::format`]), with names or `-On`.
//!
//! Where we differ: snmptrapd without `-n` looks the source address up in the DNS
//! (`localhost`); we never do, as `-n`. The date is UTC (snmptrapd prints local time; they
//! agree on a machine in UTC).
//!
//! # JSON
//! One object per notification:
//! ```text
//! {"time": "2024-05-01T12:00:00.123Z", "source": "127.0.0.1", "port": 40000,
//!  "version": "2c", "kind": "trap", "community": "public", "request_id": 7,
//!  "trap_oid": "1.3.6.1.6.3.1.1.5.3", "trap_name": "IF-MIB::linkDown", "uptime": 123,
//!  "varbinds": [{"oid": ..., "name": ..., "type": ..., "value": ...}, ...]}
//! ```
//! SNMPv3 has `user`, `engine_id` (hex) and `level` instead of `community`; a v1 trap adds
//! `"v1": {"enterprise", "agent_addr", "generic", "specific"}`. `varbinds` are the v2 form (all
//! of them), each as [`crate::format::varbind_json`] makes it. Missing `trap_oid` or `uptime`
//! are `null`.

use std::cell::RefCell;
use std::fmt::Write as _;
use std::net::SocketAddr;

use serde_json::{Map, Value as Json};

use crate::format::{TextOptions, format_value_with, varbind_json, write_varbind};
use crate::mib;
use crate::output::json::rfc3339;
use crate::pdu::Value;

use super::json::JsonWriter;
use super::{Notification, Security};

/// net-snmp's names of the generic traps (`trap_description`, snmplib/mib.c).
#[must_use]
pub fn generic_trap_name(generic: i32) -> &'static str {
    match generic {
        0 => "Cold Start",
        1 => "Warm Start",
        2 => "Link Down",
        3 => "Link Up",
        4 => "Authentication Failure",
        5 => "EGP Neighbor Loss",
        6 => "Enterprise Specific",
        _ => "Unknown Type",
    }
}

/// net-snmp's transport string of a datagram from `source` to `local`.
#[must_use]
pub fn transport(source: SocketAddr, local: SocketAddr) -> String {
    match (source, local) {
        (SocketAddr::V4(s), SocketAddr::V4(l)) => {
            format!("UDP: [{}]:{}->[{}]:{}", s.ip(), s.port(), l.ip(), l.port())
        }
        (SocketAddr::V4(s), SocketAddr::V6(_)) => format!("UDP: [{}]:{}", s.ip(), s.port()),
        (SocketAddr::V6(s), _) => format!("UDP/IPv6: [{}]:{}", s.ip(), s.port()),
    }
}

/// `YYYY-MM-DD HH:MM:SS` in UTC.
fn date(n: &Notification) -> String {
    let t = rfc3339(n.received);
    let (day, time) = t.split_once('T').unwrap_or((&t, ""));
    format!("{day} {}", time.get(..8).unwrap_or(time))
}

/// Appends `n` as snmptrapd logs it (see the module doc), with its final newline.
pub fn write_text(out: &mut String, n: &Notification, opts: &TextOptions) {
    let via = transport(n.source, n.local);
    let _ = write!(out, "{} ", date(n));
    match (&n.v1, &n.security) {
        (Some(v1), Security::Community(c)) => {
            let _ = write!(
                out,
                "{a} [{a}] (via {via}) TRAP, SNMP v1, community {}\n\t",
                String::from_utf8_lossy(c),
                a = v1.agent_addr,
            );
            let enterprise = format_value_with(&Value::ObjectId(v1.enterprise.clone()), opts);
            out.push_str(enterprise.strip_prefix("OID: ").unwrap_or(&enterprise));
            let uptime = format_value_with(
                &Value::TimeTicks(v1.time_stamp),
                &TextOptions {
                    numeric_timeticks: false,
                    quick: false,
                    ..*opts
                },
            );
            let uptime = uptime.split_once(") ").map_or(uptime.as_str(), |(_, u)| u);
            let _ = writeln!(
                out,
                " {} Trap ({}) Uptime: {uptime}",
                generic_trap_name(v1.generic),
                v1.specific
            );
            for vb in n.payload() {
                out.push('\t');
                write_varbind(out, vb, opts);
            }
            out.push('\n');
        }
        _ => {
            let _ = writeln!(out, "{via} [{via}]:");
            for (i, vb) in n.varbinds.iter().enumerate() {
                if i > 0 {
                    out.push('\t');
                }
                write_varbind(out, vb, opts);
            }
            out.push('\n');
        }
    }
}

/// `n` as a JSON object (see the module doc).
#[must_use]
pub fn to_json(n: &Notification) -> Json {
    let mut m = Map::new();
    m.insert("time".into(), Json::String(rfc3339(n.received)));
    m.insert("source".into(), Json::String(n.source.ip().to_string()));
    m.insert("port".into(), Json::from(n.source.port()));
    m.insert("version".into(), Json::String(n.version.as_str().into()));
    m.insert("kind".into(), Json::String(n.kind.as_str().into()));
    match &n.security {
        Security::Community(c) => {
            m.insert(
                "community".into(),
                Json::String(String::from_utf8_lossy(c).into_owned()),
            );
        }
        Security::User {
            name,
            engine_id,
            level,
        } => {
            m.insert("user".into(), Json::String(name.clone()));
            m.insert(
                "engine_id".into(),
                Json::String(crate::format::hex(engine_id)),
            );
            m.insert("level".into(), Json::String(level.to_string()));
        }
    }
    m.insert(
        "request_id".into(),
        n.request_id.map_or(Json::Null, Json::from),
    );
    match &n.trap_oid {
        Some(o) => {
            m.insert("trap_oid".into(), Json::String(o.to_string()));
            m.insert("trap_name".into(), Json::String(mib::format_name(o)));
        }
        None => {
            m.insert("trap_oid".into(), Json::Null);
            m.insert("trap_name".into(), Json::Null);
        }
    }
    m.insert("uptime".into(), n.uptime.map_or(Json::Null, Json::from));
    m.insert(
        "varbinds".into(),
        Json::Array(n.varbinds.iter().map(varbind_json).collect()),
    );
    if let Some(v1) = &n.v1 {
        let mut t = Map::new();
        t.insert("enterprise".into(), Json::String(v1.enterprise.to_string()));
        t.insert("agent_addr".into(), Json::String(v1.agent_addr.to_string()));
        t.insert("generic".into(), Json::from(v1.generic));
        t.insert("specific".into(), Json::from(v1.specific));
        m.insert("v1".into(), Json::Object(t));
    }
    Json::Object(m)
}

/// Appends `n` as one JSON line (with its newline): [`to_json`]'s object as `serde_json`
/// prints it, written by this thread's [`JsonWriter`] (no `serde_json::Value` built).
pub fn write_json(out: &mut String, n: &Notification) {
    thread_local! {
        static WRITER: RefCell<JsonWriter> = RefCell::new(JsonWriter::new());
    }
    WRITER.with(|w| match w.try_borrow_mut() {
        Ok(mut w) => w.write(out, n),
        // Re-entered (cannot happen: writing calls no output): a writer of its own.
        Err(_) => JsonWriter::new().write(out, n),
    });
}
