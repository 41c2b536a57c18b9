//! InfluxDB line protocol: one line per sample, per failed request and per skipped cycle. Pure.
//!
//! - A sample: measurement = the object's MIB name (`ifHCInOctets`; unknown OIDs use the
//!   longest known prefix), tags `agent`, `index` (the instance arcs after the object, `2`;
//!   absent when empty) and `job`, fields `value` (integers as `i`, Counter64 above 2^63-1 as
//!   `u`, text and OIDs as strings) and `rate` (float) where computed, timestamp in
//!   nanoseconds. Exceptions (noSuchObject...) and NULL have no value and give no line.
//! - A failed request: `snmpact_poll_error,agent=..,job=..,error=timeout oid="..",message=".."`.
//! - A skipped cycle: `snmpact_poll_skipped,agent=..,job=..,reason=overrun count=1i`.
//! - A notification (`[traps]`): `snmpact_notification` (source, version, kind, trap name) and
//!   one `snmpact_notification_varbind` line per varbind.
//!
//! Escaping per the line protocol: measurement `,` and space; tag keys and values `,`, `=` and
//! space; string fields `"` and `\`.

use std::fmt::Write as _;
use std::time::{SystemTime, UNIX_EPOCH};

use super::{object_and_index, text_of};
use crate::pdu::Value;
use crate::report::{CycleReport, Event, Skipped};

/// Appends the lines of `event` (each ending in `\n`) to `out`.
pub fn write_event(out: &mut String, event: &Event) {
    write_event_with(out, event, false);
}

/// [`write_event`], where with `enum_labels` an INTEGER of an enumerated object also gets the
/// string field `label` (its label in the loaded MIBs, `"up"`).
pub fn write_event_with(out: &mut String, event: &Event, enum_labels: bool) {
    match event {
        Event::Cycle(r) => write_cycle(out, r, enum_labels),
        Event::Skipped(s) => write_skipped(out, s),
        Event::Notification(n) => write_notification(out, n),
        Event::Removed { .. } | Event::Health(_) => {}
    }
}

/// `snmpact_notification,source=..,version=..,kind=..,trap=.. trap_oid="..",uptime=..i,
/// varbinds=..i,community|user=".." TIME`, then one `snmpact_notification_varbind` line per
/// varbind after sysUpTime.0 and snmpTrapOID.0 (tags `source`, `trap`, `name`, `index`; field
/// `value` as a sample's).
fn write_notification(out: &mut String, n: &crate::notification::Notification) {
    let trap = n
        .trap_oid
        .as_ref()
        .map_or_else(|| "unknown".to_owned(), crate::mib::format_name);
    let source = n.source.ip().to_string();
    let time = nanos(n.received);
    out.push_str("snmpact_notification");
    tag(out, "source", &source);
    tag(out, "version", n.version.as_str());
    tag(out, "kind", n.kind.as_str());
    tag(out, "trap", &trap);
    out.push_str(" trap_oid=");
    escape_string(
        out,
        &n.trap_oid
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
    );
    if let Some(u) = n.uptime {
        let _ = write!(out, ",uptime={u}i");
    }
    let _ = write!(out, ",varbinds={}i", n.varbinds.len());
    match &n.security {
        crate::notification::Security::Community(c) => {
            out.push_str(",community=");
            escape_string(out, &String::from_utf8_lossy(c));
        }
        crate::notification::Security::User { name, .. } => {
            out.push_str(",user=");
            escape_string(out, name);
        }
    }
    let _ = writeln!(out, " {time}");
    for vb in n.payload() {
        let mut fields = String::new();
        if !field_value(&mut fields, &vb.value) {
            continue;
        }
        let (object, index) = object_and_index(&vb.oid);
        out.push_str("snmpact_notification_varbind");
        tag(out, "source", &source);
        tag(out, "trap", &trap);
        tag(out, "name", &object);
        if !index.is_empty() {
            tag(out, "index", &index);
        }
        let _ = writeln!(out, " value={fields} {time}");
    }
}

fn nanos(t: SystemTime) -> u128 {
    t.duration_since(UNIX_EPOCH).unwrap_or_default().as_nanos()
}

fn escape_measurement(out: &mut String, s: &str) {
    for c in s.chars() {
        if matches!(c, ',' | ' ') {
            out.push('\\');
        }
        out.push(c);
    }
}

fn escape_tag(out: &mut String, s: &str) {
    for c in s.chars() {
        if matches!(c, ',' | '=' | ' ') {
            out.push('\\');
        }
        if c == '\n' {
            out.push(' ');
            continue;
        }
        out.push(c);
    }
}

fn escape_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        if matches!(c, '"' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
}

fn tag(out: &mut String, k: &str, v: &str) {
    out.push(',');
    out.push_str(k);
    out.push('=');
    escape_tag(out, v);
}

/// The `value` field of `v`, or `None` for values without one.
fn field_value(out: &mut String, v: &Value<'_>) -> bool {
    match v {
        Value::Integer(i) => {
            let _ = write!(out, "{i}i");
        }
        Value::Counter32(n) | Value::Gauge32(n) | Value::TimeTicks(n) => {
            let _ = write!(out, "{n}i");
        }
        Value::Counter64(n) => match i64::try_from(*n) {
            Ok(i) => {
                let _ = write!(out, "{i}i");
            }
            Err(_) => {
                let _ = write!(out, "{n}u");
            }
        },
        Value::Null | Value::NoSuchObject | Value::NoSuchInstance | Value::EndOfMibView => {
            return false;
        }
        Value::OctetString(_)
        | Value::ObjectId(_)
        | Value::IpAddress(_)
        | Value::Opaque(_)
        | Value::Other { .. } => escape_string(out, &text_of(v)),
    }
    true
}

fn write_cycle(out: &mut String, r: &CycleReport, enum_labels: bool) {
    let ts = nanos(r.time);
    for s in &r.samples {
        let start = out.len();
        let (object, index) = object_and_index(&s.varbind.oid);
        escape_measurement(out, &object);
        tag(out, "agent", &r.agent);
        if !index.is_empty() {
            tag(out, "index", &index);
        }
        if let Some(i) = &r.instance {
            tag(out, "instance", i);
        }
        tag(out, "job", &r.job);
        out.push_str(" value=");
        if !field_value(out, &s.varbind.value) {
            out.truncate(start);
            continue;
        }
        if let Some(rate) = s.rate {
            let _ = write!(out, ",rate={rate}");
        }
        if enum_labels
            && let Value::Integer(i) = &s.varbind.value
            && let Some(label) = crate::mib::enum_label(&s.varbind.oid, i64::from(*i))
        {
            out.push_str(",label=");
            escape_string(out, &label);
        }
        if r.duplicate {
            out.push_str(",duplicate=true");
        }
        let _ = writeln!(out, " {ts}");
    }
    for e in &r.errors {
        out.push_str("snmpact_poll_error");
        tag(out, "agent", &r.agent);
        tag(out, "error", e.error.label());
        if let Some(i) = &r.instance {
            tag(out, "instance", i);
        }
        tag(out, "job", &r.job);
        out.push_str(" oid=");
        escape_string(out, &e.oid.to_string());
        out.push_str(",message=");
        escape_string(out, &e.error.to_string());
        let _ = writeln!(out, " {ts}");
    }
}

fn write_skipped(out: &mut String, s: &Skipped) {
    out.push_str("snmpact_poll_skipped");
    tag(out, "agent", &s.agent);
    if let Some(i) = &s.instance {
        tag(out, "instance", i);
    }
    tag(out, "job", &s.job);
    tag(out, "reason", s.reason.label());
    let _ = writeln!(out, " count=1i {}", nanos(s.time));
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use super::*;
    use crate::pdu::VarBind;
    use crate::report::{PollError, Sample};
    use crate::session::SnmpError;

    fn sample(oid: &str, value: Value<'static>, rate: Option<f64>) -> Sample {
        Sample {
            varbind: VarBind::new(oid.parse().unwrap(), value),
            rate,
        }
    }

    #[test]
    fn samples_and_errors_as_line_protocol() {
        let report = CycleReport {
            job: Arc::from("if job"),
            agent: Arc::from("r1,a"),
            slot: Instant::now(),
            time: UNIX_EPOCH + Duration::from_secs(2),
            lag: Duration::ZERO,
            duration: Duration::ZERO,
            samples: vec![
                sample(
                    "1.3.6.1.2.1.31.1.1.1.6.2",
                    Value::Counter64(1000),
                    Some(2.5),
                ),
                sample("1.3.6.1.2.1.31.1.1.1.6.3", Value::Counter64(u64::MAX), None),
                sample(
                    "1.3.6.1.2.1.1.5.0",
                    Value::OctetString(Cow::Borrowed(b"say \"hi\"")),
                    None,
                ),
                sample("1.3.6.1.2.1.1.9.0", Value::NoSuchObject, None),
            ],
            errors: vec![PollError {
                oid: "1.3.6.1.2.1.2.2".parse().unwrap(),
                error: SnmpError::TooBig,
            }],
            restarted: false,
            instance: None,
            duplicate: false,
        };
        let mut out = String::new();
        write_event(&mut out, &Event::Cycle(Arc::new(report)));
        assert_eq!(
            out,
            "ifHCInOctets,agent=r1\\,a,index=2,job=if\\ job value=1000i,rate=2.5 2000000000\n\
             ifHCInOctets,agent=r1\\,a,index=3,job=if\\ job value=18446744073709551615u 2000000000\n\
             sysName,agent=r1\\,a,index=0,job=if\\ job value=\"say \\\"hi\\\"\" 2000000000\n\
             snmpact_poll_error,agent=r1\\,a,error=too_big,job=if\\ job oid=\"1.3.6.1.2.1.2.2\",\
             message=\"response too big even for a single varbind\" 2000000000\n"
        );
    }
}
