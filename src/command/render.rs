//! What [`super::exec::execute`] yields ([`Event`]) and how each event is printed in each
//! [`OutputFormat`]. Pure: lines go back as strings, without line ends.
//!
//! - `text` and `numeric`: net-snmp's forms (`snmpget`, `snmpget -On`), through
//!   [`crate::format`]. A tag (a command number) prefixes each line as `[N] `.
//! - `json`: one object per line; a tag is a `"cmd": N` member. Varbinds are
//!   [`crate::format::varbind_json`]; errors `{"error": "…"}`; notes `{"info": "…"}`.
//!
//! A varbind's text can hold a newline (net-snmp prints strings raw); it stays inside its line
//! here, and whoever writes it to a terminal turns it into that terminal's line end.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::time::Duration;

use serde_json::{Map, Value as Json, json};

use super::OutputFormat;
use crate::cli::args::TableFlags;
use crate::dispatcher::{Counters, DispatcherStats, DropReason};
use crate::format::{TextOptions, varbind_json, write_varbind};
use crate::mib;
use crate::oid::Oid;
use crate::pdu::{VarBind, Version};
use crate::session::TableRows;
use crate::usm::{AuthProtocol, PrivProtocol, SecurityLevel, User};

/// One piece of an answer, in the order it arrived.
#[derive(Debug, Clone)]
pub enum Event {
    /// The cluster as this instance sees it (`cluster`).
    Cluster(Box<crate::cluster::ClusterStatus>),
    /// The cluster health line of `stats`.
    ClusterHealth(Box<crate::cluster::ClusterStatus>),
    /// A varbind of a get/next/bulk/set answer, or one row of a walk.
    VarBind(VarBind<'static>),
    /// A whole table (`table`).
    Table(TableRows),
    /// One registered agent (`agents`).
    Agent(AgentInfo),
    /// The engine's counters (`stats`).
    Stats(Box<DispatcherStats>),
    /// A note: `agent demo added`, `no rows under …`.
    Info(String),
    /// A notification received (`traps`).
    Notification(Box<crate::notification::Notification>),
}

/// A registered agent as `agents` shows it. There is no community here, on purpose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentInfo {
    /// Its name.
    pub name: String,
    /// The target as given.
    pub target: String,
    /// The address it resolved to.
    pub address: SocketAddr,
    /// 1, 2c or 3.
    pub version: Version,
    /// Wait for an answer.
    pub timeout: Duration,
    /// Retries.
    pub retries: u32,
    /// The SNMPv3 user (version 3): its name, level and protocols, never a key.
    pub user: Option<UserInfo>,
}

/// What `agents` shows of an SNMPv3 user: no pass phrase, no key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserInfo {
    /// The user name.
    pub name: String,
    /// The security level.
    pub level: SecurityLevel,
    /// The authentication protocol (shown from authNoPriv up).
    pub auth_protocol: AuthProtocol,
    /// The privacy protocol (shown at authPriv).
    pub priv_protocol: PrivProtocol,
}

impl From<&User> for UserInfo {
    fn from(u: &User) -> Self {
        Self {
            name: u.name.clone(),
            level: u.level,
            auth_protocol: u.auth_protocol,
            priv_protocol: u.priv_protocol,
        }
    }
}

/// The lines `event` prints as in `format`, each tagged with `tag` when there is one.
///
/// ```
/// use snmpact::command::{render::{render, Event}, OutputFormat};
/// use snmpact::pdu::{Value, VarBind};
/// let vb = VarBind::new("1.3.6.1.2.1.1.7.0".parse().unwrap(), Value::Integer(72));
/// let e = Event::VarBind(vb);
/// assert_eq!(render(&e, OutputFormat::Text, None), ["SNMPv2-MIB::sysServices.0 = INTEGER: 72"]);
/// assert_eq!(render(&e, OutputFormat::Numeric, Some(3)), ["[3] .1.3.6.1.2.1.1.7.0 = INTEGER: 72"]);
/// assert_eq!(render(&e, OutputFormat::Json, Some(3))[0],
///     r#"{"cmd":3,"name":"SNMPv2-MIB::sysServices.0","oid":"1.3.6.1.2.1.1.7.0","type":"INTEGER","value":72}"#);
/// ```
#[must_use]
pub fn render(event: &Event, format: OutputFormat, tag: Option<u64>) -> Vec<String> {
    match format {
        OutputFormat::Json => json_lines(event)
            .into_iter()
            .map(|j| json_line(j, tag))
            .collect(),
        OutputFormat::Text | OutputFormat::Numeric => {
            let mut lines = text_lines(event, format == OutputFormat::Numeric);
            if let Some(n) = tag {
                for l in &mut lines {
                    l.insert_str(0, &format!("[{n}] "));
                }
            }
            lines
        }
    }
}

/// The line an error prints as: `[N] error: …` or `{"cmd": N, "error": "…"}`.
///
/// ```
/// use snmpact::command::{render::render_error, OutputFormat};
/// assert_eq!(render_error("no such agent", OutputFormat::Text, Some(4)), "[4] error: no such agent");
/// assert_eq!(render_error("x", OutputFormat::Json, None), r#"{"error":"x"}"#);
/// ```
#[must_use]
pub fn render_error(message: &str, format: OutputFormat, tag: Option<u64>) -> String {
    match format {
        OutputFormat::Json => json_line(json!({ "error": message }), tag),
        OutputFormat::Text | OutputFormat::Numeric => match tag {
            Some(n) => format!("[{n}] error: {message}"),
            None => format!("error: {message}"),
        },
    }
}

/// A note (`cancelled`, `output format: json`) as a line.
#[must_use]
pub fn render_info(message: &str, format: OutputFormat, tag: Option<u64>) -> String {
    render(&Event::Info(message.to_owned()), format, tag)
        .pop()
        .unwrap_or_default()
}

fn json_line(mut j: Json, tag: Option<u64>) -> String {
    if let (Some(n), Json::Object(m)) = (tag, &mut j) {
        // "cmd" first, so a reader sees whose line it is before the rest.
        let mut with = Map::new();
        with.insert("cmd".into(), Json::from(n));
        with.append(m);
        j = Json::Object(with);
    }
    j.to_string()
}

fn text_options(numeric: bool) -> TextOptions {
    if numeric {
        TextOptions::numeric()
    } else {
        TextOptions::default()
    }
}

fn text_lines(event: &Event, numeric: bool) -> Vec<String> {
    match event {
        Event::VarBind(vb) => {
            let mut s = String::new();
            write_varbind(&mut s, vb, &text_options(numeric));
            vec![s]
        }
        Event::Table(t) => table_text(t, numeric),
        Event::Agent(a) => {
            let mut s = format!("{}  {}", a.name, a.target);
            if a.target != a.address.to_string() {
                let _ = write!(s, " ({})", a.address);
            }
            let _ = write!(s, "  -v {}", a.version.as_str());
            if let Some(u) = &a.user {
                let _ = write!(s, " -u {} -l {}", u.name, u.level);
                if u.level.auth() {
                    let _ = write!(s, " -a {}", u.auth_protocol);
                }
                if u.level.privacy() {
                    let _ = write!(s, " -x {}", u.priv_protocol);
                }
            }
            let _ = write!(s, " -t {} -r {}", secs(a.timeout), a.retries);
            vec![s]
        }
        Event::Stats(st) => {
            let mut lines = vec![format!(
                "total: {}, backlog {}",
                counters_text(&st.total),
                st.backlog
            )];
            let mut per: Vec<_> = st.per_agent.iter().collect();
            per.sort_by_key(|(a, _)| **a);
            lines.extend(
                per.into_iter()
                    .map(|(a, c)| format!("{a}: {}", counters_text(c))),
            );
            lines
        }
        Event::Info(s) => vec![s.clone()],
        Event::Notification(n) => {
            let mut s = String::new();
            crate::notification::text::write_text(&mut s, n, &text_options(numeric));
            s.lines().map(str::to_owned).collect()
        }
        Event::Cluster(c) => cluster_text(c),
        Event::ClusterHealth(c) => vec![cluster_health_text(c)],
    }
}

fn cluster_health_text(c: &crate::cluster::ClusterStatus) -> String {
    let mut s = format!(
        "cluster: instance {} {}, epoch {}, {} member(s), heartbeats {} ok {} failed, redis commands {}, garbled {}, duplicates {}",
        c.instance,
        c.health.label().to_uppercase(),
        c.epoch,
        c.members.len(),
        c.heartbeats,
        c.heartbeat_failures,
        c.redis_commands,
        c.garbled,
        c.duplicates
    );
    if let Some(e) = &c.last_error {
        let _ = write!(s, ", last error: {e}");
    }
    s
}

fn cluster_text(c: &crate::cluster::ClusterStatus) -> Vec<String> {
    let mut lines = vec![cluster_health_text(c)];
    for m in &c.members {
        let me = if m.id == c.instance {
            " (this instance)"
        } else {
            ""
        };
        lines.push(format!(
            "  {}{me}: site {}, {} agent(s), config {}",
            m.id,
            m.site.as_deref().unwrap_or("-"),
            m.agents,
            if m.same_config { "same" } else { "DIFFERENT" }
        ));
    }
    if c.unowned > 0 {
        lines.push(format!(
            "  unowned: {} agent(s) pinned to a site without live members",
            c.unowned
        ));
    }
    if !c.config_mismatch.is_empty() {
        lines.push(format!(
            "  configuration differs on: {} (changes apply cluster-wide once every instance has the same)",
            c.config_mismatch.join(", ")
        ));
    }
    lines
}

fn counters_text(c: &Counters) -> String {
    let mut s = format!(
        "sent {}, retransmitted {}, received {}, timed out {}, in flight {}, dropped {}",
        c.sent,
        c.retransmitted,
        c.received,
        c.timed_out,
        c.in_flight,
        c.dropped_total()
    );
    let reasons: Vec<String> = DropReason::ALL
        .iter()
        .filter(|r| c.dropped(**r) > 0)
        .map(|r| format!("{} {}", r.label(), c.dropped(*r)))
        .collect();
    if !reasons.is_empty() {
        let _ = write!(s, " ({})", reasons.join(", "));
    }
    s
}

/// `1`, `0.5`, `1.25`: seconds without trailing zeros.
fn secs(d: Duration) -> String {
    let s = format!("{:.3}", d.as_secs_f64());
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// A column's heading: its MIB name when the table knows it, else its number.
fn column_name(entry: Option<&Oid>, col: u32, numeric: bool) -> String {
    if !numeric
        && let Some(entry) = entry
        && let Ok(oid) = entry.join(&[col])
    {
        let tree = mib::tree();
        if let Some(e) = tree.find_exact(oid.arcs()).and_then(|i| tree.node(i)) {
            return e.name.to_string();
        }
    }
    col.to_string()
}

fn index_text(index: &[u32]) -> String {
    let parts: Vec<String> = index.iter().map(u32::to_string).collect();
    parts.join(".")
}

/// `snmptable`'s layout, exactly as `snmpact table` prints it (`SNMP table: NAME`, a blank
/// line, the headings, one row a line, columns right-aligned, `?` where the agent has no value),
/// so the console and the tool never differ.
fn table_text(t: &TableRows, numeric: bool) -> Vec<String> {
    let Some(entry) = t.entry.as_ref() else {
        return Vec::new();
    };
    let arcs = entry.arcs();
    let table = arcs
        .len()
        .checked_sub(1)
        .and_then(|n| Oid::new(&arcs[..n]).ok())
        .unwrap_or_else(|| entry.clone());
    crate::cli::output::table_text(&table, t, TableFlags::default(), &text_options(numeric))
        .lines()
        .map(str::to_owned)
        .collect()
}

fn json_lines(event: &Event) -> Vec<Json> {
    match event {
        Event::VarBind(vb) => vec![varbind_json(vb)],
        Event::Table(t) => {
            let entry = t.entry.as_ref();
            t.rows
                .iter()
                .map(|row| {
                    let mut cells = Map::new();
                    for (col, cell) in t.columns.iter().zip(&row.cells) {
                        let value = match (cell, entry.and_then(|e| e.join(&[*col]).ok())) {
                            (Some(v), Some(oid)) => {
                                let vb = VarBind::new(oid, v.clone());
                                varbind_json(&vb)
                                    .get("value")
                                    .cloned()
                                    .unwrap_or(Json::Null)
                            }
                            _ => Json::Null,
                        };
                        cells.insert(column_name(entry, *col, false), value);
                    }
                    json!({
                        "table": entry.map(mib::format_name),
                        "index": index_text(&row.index),
                        "columns": cells,
                    })
                })
                .collect()
        }
        Event::Agent(a) => {
            let mut o = json!({
                "name": a.name,
                "target": a.target,
                "address": a.address.to_string(),
                "version": a.version.as_str(),
                "timeout": a.timeout.as_secs_f64(),
                "retries": a.retries,
            });
            if let (Some(u), Json::Object(m)) = (&a.user, &mut o) {
                m.insert("user".into(), json!(u.name));
                m.insert("security_level".into(), json!(u.level.name()));
                if u.level.auth() {
                    m.insert("auth_protocol".into(), json!(u.auth_protocol.name()));
                }
                if u.level.privacy() {
                    m.insert("priv_protocol".into(), json!(u.priv_protocol.name()));
                }
            }
            vec![o]
        }
        Event::Stats(st) => {
            let mut per = Map::new();
            let mut agents: Vec<_> = st.per_agent.iter().collect();
            agents.sort_by_key(|(a, _)| **a);
            for (a, c) in agents {
                per.insert(a.to_string(), counters_json(c));
            }
            vec![json!({
                "total": counters_json(&st.total),
                "backlog": st.backlog,
                "per_agent": per,
            })]
        }
        Event::Info(s) => vec![json!({ "info": s })],
        Event::Notification(n) => vec![crate::notification::text::to_json(n)],
        Event::Cluster(c) => {
            vec![json!({ "cluster": serde_json::to_value(c).unwrap_or_default() })]
        }
        Event::ClusterHealth(c) => vec![json!({ "cluster": {
            "instance": c.instance, "health": c.health.label(), "epoch": c.epoch,
            "members": c.members.len(), "heartbeats": c.heartbeats,
            "heartbeat_failures": c.heartbeat_failures, "redis_commands": c.redis_commands,
            "garbled": c.garbled, "duplicates": c.duplicates, "last_error": c.last_error,
        }})],
    }
}

fn counters_json(c: &Counters) -> Json {
    let mut dropped = Map::new();
    for r in DropReason::ALL {
        if c.dropped(r) > 0 {
            dropped.insert(r.label().into(), Json::from(c.dropped(r)));
        }
    }
    json!({
        "sent": c.sent,
        "retransmitted": c.retransmitted,
        "received": c.received,
        "timed_out": c.timed_out,
        "in_flight": c.in_flight,
        "dropped": dropped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdu::Value;
    use crate::session::TableRow;

    fn oid(s: &str) -> Oid {
        s.parse().unwrap()
    }

    #[test]
    fn tables_align_like_snmptable() {
        let t = TableRows {
            entry: Some(oid("1.3.6.1.2.1.2.2.1")),
            columns: vec![1, 2],
            rows: vec![
                TableRow {
                    index: vec![1],
                    cells: vec![
                        Some(Value::Integer(1)),
                        Some(Value::OctetString(b"lo"[..].into())),
                    ],
                },
                TableRow {
                    index: vec![10],
                    cells: vec![Some(Value::Integer(10)), None],
                },
            ],
        };
        let e = Event::Table(t);
        // The layout of `snmptable` and `snmpact table` (issue 17).
        assert_eq!(
            render(&e, OutputFormat::Text, None),
            [
                "SNMP table: IF-MIB::ifTable",
                "",
                " ifIndex ifDescr",
                "       1    \"lo\"",
                "      10       ?",
            ]
        );
        assert_eq!(
            render(&e, OutputFormat::Numeric, Some(2))[0],
            "[2] SNMP table: .1.3.6.1.2.1.2.2"
        );
        let j = render(&e, OutputFormat::Json, None);
        assert_eq!(
            j[0],
            r#"{"columns":{"ifDescr":"lo","ifIndex":1},"index":"1","table":"IF-MIB::ifEntry"}"#
        );
        assert_eq!(
            j[1],
            r#"{"columns":{"ifDescr":null,"ifIndex":10},"index":"10","table":"IF-MIB::ifEntry"}"#
        );
    }

    #[test]
    fn agents_never_show_a_community_and_stats_name_drops() {
        let a = AgentInfo {
            name: "demo".into(),
            target: "localhost:1161".into(),
            address: "127.0.0.1:1161".parse().unwrap(),
            version: Version::V2c,
            timeout: Duration::from_millis(1500),
            retries: 2,
            user: None,
        };
        assert_eq!(
            render(&Event::Agent(a.clone()), OutputFormat::Text, None),
            ["demo  localhost:1161 (127.0.0.1:1161)  -v 2c -t 1.5 -r 2"]
        );
        assert_eq!(
            render(&Event::Agent(a), OutputFormat::Json, None),
            [
                r#"{"address":"127.0.0.1:1161","name":"demo","retries":2,"target":"localhost:1161","timeout":1.5,"version":"2c"}"#
            ]
        );
        let mut st = DispatcherStats::default();
        st.total.sent = 3;
        st.total.dropped.insert(DropReason::Late, 1);
        let lines = render(&Event::Stats(Box::new(st)), OutputFormat::Text, None);
        assert_eq!(
            lines,
            [
                "total: sent 3, retransmitted 0, received 0, timed out 0, in flight 0, dropped 1 (late 1), backlog 0"
            ]
        );
    }

    #[test]
    fn errors_and_infos_carry_the_tag() {
        assert_eq!(
            render_error("boom", OutputFormat::Numeric, None),
            "error: boom"
        );
        assert_eq!(
            render_error("boom", OutputFormat::Json, Some(7)),
            r#"{"cmd":7,"error":"boom"}"#
        );
        assert_eq!(render_info("ok", OutputFormat::Text, Some(1)), "[1] ok");
        assert_eq!(
            render_info("ok", OutputFormat::Json, None),
            r#"{"info":"ok"}"#
        );
    }
}
