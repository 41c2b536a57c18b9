//! JSON lines: one object per sample, per failed request and per skipped cycle. Pure.
//!
//! - A sample: the varbind's JSON form ([`crate::format::varbind_json`]: `oid`, `name`, `type`,
//!   `value`, plus `hex`/`exception` where they apply) with `time` (RFC 3339, UTC,
//!   milliseconds), `job`, `agent`, and `rate` (per second) where computed, `restarted: true`
//!   on the first cycle after an agent restart.
//!   With `enums = "label"`, an INTEGER of an enumerated object also has `value_label` (its
//!   label in the loaded MIBs: `"up"`), after `value`.
//! - A failed request: `time`, `job`, `agent`, `oid`, `name`, `error` (a stable label such as
//!   `timeout`) and `message`.
//! - A skipped cycle: `time`, `job`, `agent`, `skipped` (`overrun`, `backoff`, `not_ready`).
//! - A notification (`[traps]`): [`crate::notification::text::write_json`]'s object.
//! - In a cluster (`[cluster]`), every line also has `instance` (the instance that polled), and
//!   lines of a cycle polled while the instance could not vouch for its ownership (Redis
//!   unreachable) have `duplicate: true`: another instance may have polled the same cycle.

//!
//! [`JsonWriter`] writes the common samples (integers, counters, gauges, time ticks) with a
//! hand-written writer into the caller's buffer, keys in the same (sorted) order and the same
//! bytes as the general path through `serde_json`, which the other values take. Each OID's
//! `name` and `oid` are rendered once and kept ([`NAME_CACHE`] OIDs at most).

use std::fmt::Write as _;
use std::time::{SystemTime, UNIX_EPOCH};

use rustc_hash::FxHashMap;
use serde_json::{Map, Value as Json};

use crate::format::varbind_json;
use crate::mib;
use crate::oid::Oid;
use crate::pdu::Value;
use crate::report::{CycleReport, Event, Sample, Skipped};

/// OIDs whose rendered `"name":...,"oid":...` are kept; past it the cache starts over.
pub const NAME_CACHE: usize = 65_536;

/// Appends the lines of `event` (each ending in `\n`) to `out` (no cache kept: a writer
/// thread uses one [`JsonWriter`] for its life).
pub fn write_event(out: &mut String, event: &Event) {
    JsonWriter::default().write_event(out, event);
}

/// A JSON-lines formatter that keeps each OID's rendered name.
#[derive(Debug, Default)]
pub struct JsonWriter {
    /// (The OIDs come from the configured jobs, not from the network alone; Fx hashing.)
    names: FxHashMap<Oid, Box<str>>,
    /// INTEGER enumerations also get `value_label` (`enums = "label"`).
    enum_labels: bool,
}

impl JsonWriter {
    /// A writer whose INTEGER samples of enumerated objects also carry `value_label` (the
    /// enumeration's label in the loaded MIBs, `"up"`) when `enum_labels`.
    #[must_use]
    pub fn new(enum_labels: bool) -> Self {
        Self {
            names: FxHashMap::default(),
            enum_labels,
        }
    }

    /// Appends the lines of `event` (each ending in `\n`) to `out`.
    pub fn write_event(&mut self, out: &mut String, event: &Event) {
        match event {
            Event::Cycle(r) => self.write_cycle(out, r),
            Event::Skipped(s) => write_skipped(out, s),
            Event::Notification(n) => crate::notification::text::write_json(out, n),
            Event::Removed { .. } | Event::Health(_) => {}
        }
    }

    fn write_cycle(&mut self, out: &mut String, r: &CycleReport) {
        let mut head = String::with_capacity(64);
        let mut time = String::new();
        for s in &r.samples {
            if !fast(&s.varbind.value) {
                write_sample_general(out, r, s);
                continue;
            }
            if head.is_empty() {
                head.push_str("{\"agent\":");
                push_json_str(&mut head, &r.agent);
                if r.duplicate {
                    head.push_str(",\"duplicate\":true");
                }
                if let Some(i) = &r.instance {
                    head.push_str(",\"instance\":");
                    push_json_str(&mut head, i);
                }
                head.push_str(",\"job\":");
                push_json_str(&mut head, &r.job);
                head.push(',');
                time.push_str(",\"time\":\"");
                time.push_str(&rfc3339(r.time));
                time.push('"');
            }
            out.push_str(&head);
            out.push_str(self.name_of(&s.varbind.oid));
            // Not finite: left out, as serde_json does. Its digits are ryu's, but its exponent
            // has a sign (`1e+21`): such rare rates take its own path.
            if let Some(rate) = s.rate.filter(|r| r.is_finite()) {
                let mut digits = ryu::Buffer::new();
                let text = digits.format_finite(rate);
                if text.contains('e') {
                    if let Some(n) = serde_json::Number::from_f64(rate) {
                        let _ = write!(out, ",\"rate\":{n}");
                    }
                } else {
                    out.push_str(",\"rate\":");
                    out.push_str(text);
                }
            }
            if r.restarted {
                out.push_str(",\"restarted\":true");
            }
            out.push_str(&time);
            out.push_str(",\"type\":\"");
            out.push_str(s.varbind.value.type_name());
            out.push_str("\",\"value\":");
            let mut digits = itoa::Buffer::new();
            out.push_str(match &s.varbind.value {
                Value::Integer(i) => digits.format(*i),
                Value::Counter32(n) | Value::Gauge32(n) | Value::TimeTicks(n) => digits.format(*n),
                Value::Counter64(n) => digits.format(*n),
                _ => "",
            });
            if self.enum_labels
                && let Value::Integer(i) = &s.varbind.value
                && let Some(label) = mib::enum_label(&s.varbind.oid, i64::from(*i))
            {
                out.push_str(",\"value_label\":");
                push_json_str(out, &label);
            }
            out.push_str("}\n");
        }
        write_errors(out, r);
    }

    /// `"name":"IF-MIB::ifInOctets.1","oid":"1.3.6.1.2.1.2.2.1.10.1"`, rendered once.
    fn name_of(&mut self, oid: &Oid) -> &str {
        if !self.names.contains_key(oid) {
            if self.names.len() >= NAME_CACHE {
                self.names.clear();
            }
            let mut f = String::with_capacity(64);
            f.push_str("\"name\":");
            push_json_str(&mut f, &mib::format_name(oid));
            f.push_str(",\"oid\":\"");
            f.push_str(&oid.to_string());
            f.push('"');
            self.names.insert(oid.clone(), f.into_boxed_str());
        }
        self.names.get(oid).map_or("", |f| f)
    }
}

/// Values the hand-written path writes: a number and nothing else.
fn fast(v: &Value<'_>) -> bool {
    matches!(
        v,
        Value::Integer(_)
            | Value::Counter32(_)
            | Value::Gauge32(_)
            | Value::TimeTicks(_)
            | Value::Counter64(_)
    )
}

/// `s` as a JSON string, escaped as `serde_json` escapes it.
fn push_json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn head(time: SystemTime, job: &str, agent: &str, instance: Option<&str>) -> Map<String, Json> {
    let mut m = Map::new();
    m.insert("time".into(), Json::String(rfc3339(time)));
    m.insert("job".into(), Json::String(job.to_owned()));
    m.insert("agent".into(), Json::String(agent.to_owned()));
    if let Some(i) = instance {
        m.insert("instance".into(), Json::String(i.to_owned()));
    }
    m
}

fn push(out: &mut String, m: Map<String, Json>) {
    out.push_str(&Json::Object(m).to_string());
    out.push('\n');
}

fn cycle_head(r: &CycleReport) -> Map<String, Json> {
    let mut base = head(r.time, &r.job, &r.agent, r.instance.as_deref());
    if r.duplicate {
        base.insert("duplicate".into(), Json::Bool(true));
    }
    base
}

/// One sample through `serde_json` (values the hand-written path does not take).
fn write_sample_general(out: &mut String, r: &CycleReport, s: &Sample) {
    let mut m = cycle_head(r);
    if let Json::Object(vb) = varbind_json(&s.varbind) {
        m.extend(vb);
    }
    if let Some(rate) = s.rate.and_then(serde_json::Number::from_f64) {
        m.insert("rate".into(), Json::Number(rate));
    }
    if r.restarted {
        m.insert("restarted".into(), Json::Bool(true));
    }
    push(out, m);
}

fn write_errors(out: &mut String, r: &CycleReport) {
    if r.errors.is_empty() {
        return;
    }
    let base = cycle_head(r);
    for e in &r.errors {
        let mut m = base.clone();
        m.insert("oid".into(), Json::String(e.oid.to_string()));
        m.insert("name".into(), Json::String(mib::format_name(&e.oid)));
        m.insert("error".into(), Json::String(e.error.label().into()));
        m.insert("message".into(), Json::String(e.error.to_string()));
        push(out, m);
    }
}

fn write_skipped(out: &mut String, s: &Skipped) {
    let mut m = head(s.time, &s.job, &s.agent, s.instance.as_deref());
    m.insert("skipped".into(), Json::String(s.reason.label().into()));
    push(out, m);
}

/// `time` as RFC 3339 in UTC with milliseconds: `2024-05-01T12:00:00.123Z`.
#[must_use]
pub fn rfc3339(time: SystemTime) -> String {
    let d = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs();
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    let (y, mo, da) = civil_from_days(days);
    format!(
        "{y:04}-{mo:02}-{da:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        d.subsec_millis()
    )
}

/// Days since 1970-01-01 to (year, month, day), Howard Hinnant's `civil_from_days`.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    (
        y,
        u32::try_from(m).unwrap_or(1),
        u32::try_from(d).unwrap_or(1),
    )
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use super::*;
    use crate::pdu::{Value, VarBind};
    use crate::report::{PollError, Sample, SkipReason};
    use crate::session::SnmpError;

    #[test]
    fn rfc3339_known_instants() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
        let t = UNIX_EPOCH + Duration::from_millis(1_709_251_199_123); // leap year, Feb 29
        assert_eq!(rfc3339(t), "2024-02-29T23:59:59.123Z");
        let t = UNIX_EPOCH + Duration::from_secs(951_782_400); // 2000-02-29
        assert_eq!(rfc3339(t), "2000-02-29T00:00:00.000Z");
    }

    #[test]
    fn samples_errors_and_skips_are_lines() {
        let t = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let report = CycleReport {
            job: Arc::from("if"),
            agent: Arc::from("r1"),
            slot: Instant::now(),
            time: t,
            lag: Duration::ZERO,
            duration: Duration::ZERO,
            samples: vec![Sample {
                varbind: VarBind::new(
                    "1.3.6.1.2.1.31.1.1.1.6.2".parse().unwrap(),
                    Value::Counter64(1000),
                ),
                rate: Some(12.5),
            }],
            errors: vec![PollError {
                oid: "1.3.6.1.2.1.2.2".parse().unwrap(),
                error: SnmpError::Timeout {
                    retries: 1,
                    agent: "127.0.0.1:161".parse().unwrap(),
                },
            }],
            restarted: false,
            instance: None,
            duplicate: false,
        };
        let mut out = String::new();
        write_event(&mut out, &Event::Cycle(Arc::new(report)));
        write_event(
            &mut out,
            &Event::Skipped(Arc::new(Skipped {
                job: Arc::from("if"),
                agent: Arc::from("r1"),
                time: t,
                reason: SkipReason::Backoff,
                instance: None,
            })),
        );
        let lines: Vec<Json> = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(
            lines[0],
            serde_json::json!({"time": "2023-11-14T22:13:20.000Z", "job": "if", "agent": "r1",
                "oid": "1.3.6.1.2.1.31.1.1.1.6.2", "name": "IF-MIB::ifHCInOctets.2",
                "type": "Counter64", "value": 1000, "rate": 12.5})
        );
        assert_eq!(lines[1]["error"], "timeout");
        assert_eq!(lines[1]["name"], "IF-MIB::ifTable");
        assert_eq!(
            lines[1]["message"],
            "timeout after 1 retries to 127.0.0.1:161"
        );
        assert_eq!(lines[2]["skipped"], "backoff");
        assert_eq!(lines.len(), 3);
        assert!(lines.iter().all(|l| l.get("instance").is_none()));
    }

    #[test]
    fn cluster_lines_carry_the_instance_and_the_duplicate_mark() {
        let report = CycleReport {
            job: Arc::from("sys"),
            agent: Arc::from("r1"),
            slot: Instant::now(),
            time: UNIX_EPOCH,
            lag: Duration::ZERO,
            duration: Duration::ZERO,
            samples: vec![Sample {
                varbind: VarBind::new("1.3.6.1.2.1.1.3.0".parse().unwrap(), Value::TimeTicks(5)),
                rate: None,
            }],
            errors: Vec::new(),
            restarted: false,
            instance: Some(Arc::from("poller-2")),
            duplicate: true,
        };
        let mut out = String::new();
        write_event(&mut out, &Event::Cycle(Arc::new(report)));
        let line: Json = serde_json::from_str(out.trim()).unwrap();
        assert_eq!(line["instance"], "poller-2");
        assert_eq!(line["duplicate"], true);
    }

    #[test]
    fn the_hand_written_lines_are_the_bytes_serde_json_writes() {
        let oid = |s: &str| s.parse::<Oid>().unwrap();
        let values = [
            Value::Integer(-7),
            Value::Counter32(u32::MAX),
            Value::Gauge32(0),
            Value::TimeTicks(12_345),
            Value::Counter64(u64::MAX),
        ];
        let rate_sets = [
            [Some(0.5), None, Some(100.0), Some(f64::NAN), Some(1e21)],
            [
                Some(1e-7),
                Some(123_456.789),
                Some(0.1 + 0.2),
                Some(f64::INFINITY),
                Some(-3.25e300),
            ],
            [Some(1e16), Some(1e15), Some(5e-324), Some(0.0), Some(-0.0)],
        ];
        for ((duplicate, instance, restarted), rates) in [
            (false, None, false),
            (true, Some(Arc::from("p\"1\\\u{1}\n")), true),
            (false, None, false),
        ]
        .into_iter()
        .zip(rate_sets)
        {
            let report = CycleReport {
                job: Arc::from("j\té"),
                agent: Arc::from("a\"b"),
                slot: Instant::now(),
                time: UNIX_EPOCH + Duration::from_millis(1_700_000_000_123),
                lag: Duration::ZERO,
                duration: Duration::ZERO,
                samples: values
                    .iter()
                    .enumerate()
                    .map(|(i, v)| Sample {
                        varbind: VarBind::new(oid(&format!("1.3.6.1.2.1.2.2.1.10.{i}")), v.clone()),
                        rate: rates[i],
                    })
                    .collect(),
                errors: Vec::new(),
                restarted,
                instance,
                duplicate,
            };
            let mut fast = String::new();
            let mut w = JsonWriter::default();
            w.write_event(&mut fast, &Event::Cycle(Arc::new(report.clone())));
            // Twice: the second time the names come from the cache.
            let mut again = String::new();
            w.write_event(&mut again, &Event::Cycle(Arc::new(report.clone())));
            let mut general = String::new();
            for s in &report.samples {
                write_sample_general(&mut general, &report, s);
            }
            assert_eq!(fast, general);
            assert_eq!(again, general);
            assert_eq!(fast.lines().count(), 5);
        }
    }
}
