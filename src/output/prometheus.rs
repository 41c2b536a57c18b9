//! The Prometheus exposition endpoint: the latest value of every polled object, and snmpact's
//! own health, as text format 0.0.4 on `GET /metrics` (actix-web, loopback by default).
//!
//! - One metric per polled object: `snmp_<object>` (the MIB name, `snmp_ifHCInOctets`) with
//!   labels `agent`, `poll_job` and `index` (the instance arcs, `2`); its rate, where computed, as
//!   `snmp_<object>_per_second`. Counters are `counter`, Gauge32/TimeTicks/INTEGER `gauge`; text
//!   values become `snmp_<object>_info{...,value="text"} 1`. Exceptions give nothing.
//! - Each cycle replaces the series of its (job, agent); a cycle that failed entirely removes
//!   them (no stale values) and sets `snmpact_agent_up{poll_job,agent}` to 0.
//! - Health: `snmpact_requests_total`, `snmpact_retransmissions_total`,
//!   `snmpact_responses_total`, `snmpact_timeouts_total`, `snmpact_dropped_total{reason}`,
//!   `snmpact_requests_in_flight`, `snmpact_cycles_total{poll_job,result}`,
//!   `snmpact_cycles_skipped_total{poll_job,reason}`, `snmpact_cycles_missed_total{poll_job}`,
//!   `snmpact_cycles_late_total{poll_job}`, `snmpact_cycle_lag_seconds{poll_job}` (last start lag),
//!   `snmpact_cycle_lag_max_seconds{poll_job}`, `snmpact_cycle_duration_max_seconds{poll_job}`,
//!   `snmpact_poll_errors_total{poll_job,agent,error}`, `snmpact_agent_up{poll_job,agent}`.
//!
//! - Cluster (`[cluster]`): every series above also has the label `poller_instance` (the
//!   instance that polled), and the health adds `snmpact_cluster_degraded` (1 while Redis is
//!   unreachable), `snmpact_cluster_health{state}`, `snmpact_cluster_epoch`,
//!   `snmpact_cluster_members`, `snmpact_cluster_agents{member}` (agents each member owns),
//!   `snmpact_cluster_unowned_agents`, `snmpact_cluster_config_mismatch` (members with another
//!   configuration), and the counters `snmpact_cluster_heartbeats_total`,
//!   `snmpact_cluster_heartbeat_failures_total`, `snmpact_cluster_redis_commands_total`,
//!   `snmpact_cluster_epoch_changes_total`, `snmpact_cluster_garbled_total`,
//!   `snmpact_cluster_rates_handed_over_total`, `snmpact_cluster_rates_taken_over_total`,
//!   `snmpact_cluster_duplicates_total`.
//!
//! The label is `poll_job`, not `job`: Prometheus sets `job` itself (the scrape job), and would
//! rename ours to `exported_job`. For the same reason the cluster instance is
//! `poller_instance`, not `instance` (Prometheus's own label: the scraped endpoint).
//!
//! The state ([`PromState`]) is pure: [`PromState::apply`] and [`PromState::render`] are
//! unit-tested without a server.
//!
//! Scrapes never hold up the poller ([`PromSink`]): `publish` only queues the event (a short
//! lock of its own); the scrape applies what is queued and renders, on the HTTP worker's
//! thread. Scrapes that arrive within [`RENDER_REUSE`] of a render share its text, so 50
//! clients at once cost one render, and one copy of it in memory.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use actix_web::dev::ServerHandle;
use actix_web::{App, HttpResponse, HttpServer, web};

use super::{Error, MetricsSource, Sink, object_and_labels, text_of};
use crate::dispatcher::DropReason;
use crate::pdu::Value;
use crate::report::{CycleReport, Event, Health};

/// Content type of the text exposition format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";
/// Scrapes within this long of a render get its text instead of a new one.
pub const RENDER_REUSE: std::time::Duration = std::time::Duration::from_millis(100);
/// Events queued by `publish` before it applies them itself (when no scrape is rendering).
const MAX_QUEUED: usize = 4096;
/// Seconds the HTTP server waits for scrapes in progress when stopped.
const SHUTDOWN_TIMEOUT_SECS: u64 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Counter,
    Gauge,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Self::Counter => "counter",
            Self::Gauge => "gauge",
        }
    }
}

/// One series of one (job, agent).
#[derive(Debug, Clone, PartialEq)]
struct Series {
    metric: String,
    kind: Kind,
    /// The index labels: one per INDEX object of the row when the MIB knows it, else `index`.
    index: Vec<(String, String)>,
    /// One more label: an `_info` series' `value`, or an enumeration's label named for its
    /// object (`enums = "label"`).
    extra: Option<(String, String)>,
    value: f64,
}

#[derive(Debug, Default, Clone)]
struct AgentSeries {
    series: Vec<Series>,
    up: bool,
    /// The cluster instance that polled it.
    instance: Option<Arc<str>>,
}

/// Everything the endpoint shows, updated from [`Event`]s.
#[derive(Debug, Default, Clone)]
pub struct PromState {
    /// How polled objects become series.
    options: SeriesOptions,
    /// (job, agent) -> its latest series.
    agents: HashMap<(Arc<str>, Arc<str>), AgentSeries>,
    /// (job, agent, error label) -> failed requests.
    errors: HashMap<(Arc<str>, Arc<str>, &'static str), u64>,
    /// The latest health snapshot.
    health: Option<Arc<Health>>,
    /// (source address, trap name) -> notifications received (`[traps]`), at most
    /// [`MAX_NOTIFICATION_SERIES`] series; the rest count under source `other`.
    notifications: HashMap<(String, String), u64>,
}

/// How polled objects become series (`[outputs.NAME]` of kind prometheus).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeriesOptions {
    /// Prefix of the metric names: `snmp_` (the default) or, empty, the bare object name as
    /// snmp_exporter writes it (`ifHCInOctets`).
    pub prefix: String,
    /// INTEGER enumerations also get a label named for the object, valued with the
    /// enumeration's label (`ifOperStatus="up"`), beside the number.
    pub enum_labels: bool,
}

impl Default for SeriesOptions {
    fn default() -> Self {
        Self {
            prefix: crate::config::settings::DEFAULT_METRIC_PREFIX.to_owned(),
            enum_labels: false,
        }
    }
}

/// Most (source, trap) series of `snmpact_notifications_total`: a sender cannot grow the
/// endpoint without bound.
pub const MAX_NOTIFICATION_SERIES: usize = 10_000;

/// `name` made a valid metric name part: `[a-zA-Z0-9_:]`, others become `_`.
fn sanitize(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == ':' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn escape_label(out: &mut String, v: &str) {
    for c in v.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
}

fn labels(out: &mut String, pairs: &[(&str, &str)]) {
    out.push('{');
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(k);
        out.push_str("=\"");
        escape_label(out, v);
        out.push('"');
    }
    out.push('}');
}

#[allow(clippy::cast_precision_loss)] // Prometheus values are floats
fn as_f64(n: u64) -> f64 {
    n as f64
}

fn series_of(r: &CycleReport, options: &SeriesOptions) -> Vec<Series> {
    let mut out = Vec::with_capacity(r.samples.len() * 2);
    for s in &r.samples {
        let (object, index) = object_and_labels(&s.varbind.oid);
        let index: Vec<(String, String)> =
            index.into_iter().map(|(k, v)| (sanitize(&k), v)).collect();
        let name = sanitize(&object);
        let metric = format!("{}{name}", options.prefix);
        let (kind, value, extra) = match &s.varbind.value {
            Value::Counter32(n) => (Kind::Counter, f64::from(*n), None),
            Value::Counter64(n) => (Kind::Counter, as_f64(*n), None),
            Value::Gauge32(n) | Value::TimeTicks(n) => (Kind::Gauge, f64::from(*n), None),
            Value::Integer(i) => {
                let label = options
                    .enum_labels
                    .then(|| crate::mib::enum_label(&s.varbind.oid, i64::from(*i)))
                    .flatten()
                    .map(|l| (name.clone(), l.into_string()));
                (Kind::Gauge, f64::from(*i), label)
            }
            Value::NoSuchObject | Value::NoSuchInstance | Value::EndOfMibView | Value::Null => {
                continue;
            }
            other => (Kind::Gauge, 1.0, Some(("value".to_owned(), text_of(other)))),
        };
        if let Some(rate) = s.rate {
            out.push(Series {
                metric: format!("{metric}_per_second"),
                kind: Kind::Gauge,
                index: index.clone(),
                extra: None,
                value: rate,
            });
        }
        let is_info = !matches!(
            s.varbind.value,
            Value::Counter32(_)
                | Value::Counter64(_)
                | Value::Gauge32(_)
                | Value::TimeTicks(_)
                | Value::Integer(_)
        );
        let metric = if is_info {
            format!("{metric}_info")
        } else {
            metric
        };
        out.push(Series {
            metric,
            kind,
            index,
            extra,
            value,
        });
    }
    out
}

impl PromState {
    /// An empty state whose polled series follow `options`.
    #[must_use]
    pub fn with_options(options: SeriesOptions) -> Self {
        Self {
            options,
            ..Self::default()
        }
    }

    /// Takes in one event.
    pub fn apply(&mut self, event: &Event) {
        match event {
            Event::Cycle(r) => {
                let key = (r.job.clone(), r.agent.clone());
                for e in &r.errors {
                    *self
                        .errors
                        .entry((r.job.clone(), r.agent.clone(), e.error.label()))
                        .or_default() += 1;
                }
                let entry = self.agents.entry(key).or_default();
                entry.instance.clone_from(&r.instance);
                if r.failed() {
                    entry.series.clear();
                    entry.up = false;
                } else {
                    entry.series = series_of(r, &self.options);
                    entry.up = true;
                }
            }
            Event::Removed { job, agent } => {
                let key = (job.clone(), agent.clone());
                self.agents.remove(&key);
                self.errors.retain(|(j, a, _), _| !(j == job && a == agent));
            }
            Event::Health(h) => self.health = Some(h.clone()),
            Event::Notification(n) => {
                let trap = n
                    .trap_oid
                    .as_ref()
                    .map_or_else(|| "unknown".to_owned(), crate::mib::format_name);
                let mut key = (n.source.ip().to_string(), trap);
                if self.notifications.len() >= MAX_NOTIFICATION_SERIES
                    && !self.notifications.contains_key(&key)
                {
                    key.0 = "other".to_owned();
                }
                *self.notifications.entry(key).or_default() += 1;
            }
            Event::Skipped(_) => {}
        }
    }

    /// The exposition text.
    #[must_use]
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(256 + self.agents.len() * 512);
        // Group every metric's lines together, as the format requires.
        let mut families: BTreeMap<&str, (Kind, Vec<String>)> = BTreeMap::new();
        let mut keys: Vec<&(Arc<str>, Arc<str>)> = self.agents.keys().collect();
        keys.sort();
        for key in &keys {
            let (job, agent) = key;
            for s in &self.agents[*key].series {
                let mut line = String::with_capacity(96);
                line.push_str(&s.metric);
                let mut pairs: Vec<(&str, &str)> = vec![("agent", agent), ("poll_job", job)];
                for (k, v) in &s.index {
                    pairs.push((k, v));
                }
                if let Some(i) = &self.agents[*key].instance {
                    pairs.push(("poller_instance", i));
                }
                if let Some((k, v)) = &s.extra {
                    pairs.push((k, v));
                }
                labels(&mut line, &pairs);
                let _ = write!(line, " {}", s.value);
                families
                    .entry(s.metric.as_str())
                    .or_insert_with(|| (s.kind, Vec::new()))
                    .1
                    .push(line);
            }
        }
        for (metric, (kind, lines)) in &families {
            let _ = writeln!(out, "# TYPE {metric} {}", kind.name());
            for l in lines {
                out.push_str(l);
                out.push('\n');
            }
        }

        out.push_str(
            "# HELP snmpact_agent_up 1 when the agent's last cycle of the job got answers.\n",
        );
        out.push_str("# TYPE snmpact_agent_up gauge\n");
        for key in &keys {
            let a = &self.agents[*key];
            out.push_str("snmpact_agent_up");
            match &a.instance {
                Some(i) => labels(
                    &mut out,
                    &[
                        ("agent", &key.1),
                        ("poll_job", &key.0),
                        ("poller_instance", i),
                    ],
                ),
                None => labels(&mut out, &[("agent", &key.1), ("poll_job", &key.0)]),
            }
            let up = a.up;
            out.push_str(if up { " 1\n" } else { " 0\n" });
        }
        out.push_str("# HELP snmpact_poll_errors_total Failed poll requests by error.\n");
        out.push_str("# TYPE snmpact_poll_errors_total counter\n");
        let mut errors: Vec<_> = self.errors.iter().collect();
        errors.sort();
        for ((job, agent, label), n) in errors {
            out.push_str("snmpact_poll_errors_total");
            labels(
                &mut out,
                &[("agent", agent), ("error", label), ("poll_job", job)],
            );
            let _ = writeln!(out, " {n}");
        }
        if !self.notifications.is_empty() {
            out.push_str(
                "# HELP snmpact_notifications_total Traps and informs received, by source and trap.\n",
            );
            out.push_str("# TYPE snmpact_notifications_total counter\n");
            let mut rows: Vec<_> = self.notifications.iter().collect();
            rows.sort();
            for ((source, trap), n) in rows {
                out.push_str("snmpact_notifications_total");
                labels(&mut out, &[("source", source), ("trap", trap)]);
                let _ = writeln!(out, " {n}");
            }
        }
        if let Some(h) = &self.health {
            render_health(&mut out, h);
        }
        out
    }
}

fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

fn render_cluster(out: &mut String, c: &crate::cluster::ClusterStatus) {
    use crate::cluster::ClusterHealth;
    let me = [("poller_instance", c.instance.as_str())];
    family(
        out,
        "snmpact_cluster_degraded",
        "gauge",
        "1 while Redis is unreachable: polling what this instance owned, taking nothing new.",
    );
    out.push_str("snmpact_cluster_degraded");
    labels(out, &me);
    let _ = writeln!(out, " {}", u8::from(c.health == ClusterHealth::Degraded));
    family(
        out,
        "snmpact_cluster_health",
        "gauge",
        "1 for this instance's state.",
    );
    for h in [
        ClusterHealth::Joining,
        ClusterHealth::Healthy,
        ClusterHealth::Degraded,
    ] {
        out.push_str("snmpact_cluster_health");
        labels(out, &[me[0], ("state", h.label())]);
        let _ = writeln!(out, " {}", u8::from(c.health == h));
    }
    let gauges = [
        ("snmpact_cluster_epoch", "The membership epoch.", c.epoch),
        (
            "snmpact_cluster_members",
            "Live members.",
            u64::try_from(c.members.len()).unwrap_or(0),
        ),
        (
            "snmpact_cluster_unowned_agents",
            "Agents no live member may poll (pinned to a site without members).",
            u64::try_from(c.unowned).unwrap_or(0),
        ),
        (
            "snmpact_cluster_config_mismatch",
            "Members whose agents and jobs configuration differs from this instance's.",
            u64::try_from(c.config_mismatch.len()).unwrap_or(0),
        ),
    ];
    for (name, help, v) in gauges {
        family(out, name, "gauge", help);
        out.push_str(name);
        labels(out, &me);
        let _ = writeln!(out, " {v}");
    }
    family(
        out,
        "snmpact_cluster_agents",
        "gauge",
        "Agents each member owns, as this instance computes it.",
    );
    for m in &c.members {
        out.push_str("snmpact_cluster_agents");
        labels(out, &[("member", m.id.as_str()), me[0]]);
        let _ = writeln!(out, " {}", m.agents);
    }
    let counters = [
        (
            "snmpact_cluster_heartbeats_total",
            "Heartbeats that succeeded.",
            c.heartbeats,
        ),
        (
            "snmpact_cluster_heartbeat_failures_total",
            "Heartbeats that failed.",
            c.heartbeat_failures,
        ),
        (
            "snmpact_cluster_redis_commands_total",
            "Redis commands sent (a script counts one).",
            c.redis_commands,
        ),
        (
            "snmpact_cluster_epoch_changes_total",
            "Membership changes seen.",
            c.epoch_changes,
        ),
        (
            "snmpact_cluster_garbled_total",
            "Garbled Redis values met and keys of the wrong type rebuilt.",
            c.garbled,
        ),
        (
            "snmpact_cluster_rates_handed_over_total",
            "Rate states written for agents moving away.",
            c.rates_written,
        ),
        (
            "snmpact_cluster_rates_taken_over_total",
            "Rate states read for agents taken over.",
            c.rates_read,
        ),
        (
            "snmpact_cluster_duplicates_total",
            "Cycles polled while degraded (marked duplicate).",
            c.duplicates,
        ),
    ];
    for (name, help, v) in counters {
        family(out, name, "counter", help);
        out.push_str(name);
        labels(out, &me);
        let _ = writeln!(out, " {v}");
    }
}

fn render_health(out: &mut String, h: &Health) {
    if let Some(c) = &h.cluster {
        render_cluster(out, c);
    }
    let t = &h.engine.total;
    for (name, help, value) in [
        (
            "snmpact_requests_total",
            "SNMP requests sent (first transmissions).",
            t.sent,
        ),
        (
            "snmpact_retransmissions_total",
            "SNMP retransmissions.",
            t.retransmitted,
        ),
        (
            "snmpact_responses_total",
            "SNMP responses matched to a request.",
            t.received,
        ),
        (
            "snmpact_timeouts_total",
            "SNMP requests that timed out.",
            t.timed_out,
        ),
    ] {
        family(out, name, "counter", help);
        let _ = writeln!(out, "{name} {value}");
    }
    family(
        out,
        "snmpact_dropped_total",
        "counter",
        "Datagrams dropped, by reason.",
    );
    for r in DropReason::ALL {
        out.push_str("snmpact_dropped_total");
        labels(out, &[("reason", r.label())]);
        let _ = writeln!(out, " {}", t.dropped(r));
    }
    family(
        out,
        "snmpact_requests_in_flight",
        "gauge",
        "SNMP requests in flight.",
    );
    let _ = writeln!(out, "snmpact_requests_in_flight {}", t.in_flight);

    let jobs = &h.poller.jobs;
    family(
        out,
        "snmpact_cycles_total",
        "counter",
        "Poll cycles finished, by result.",
    );
    for (job, s) in jobs {
        for (result, n) in [("ok", s.ok), ("partial", s.partial), ("failed", s.failed)] {
            out.push_str("snmpact_cycles_total");
            labels(out, &[("poll_job", job), ("result", result)]);
            let _ = writeln!(out, " {n}");
        }
    }
    family(
        out,
        "snmpact_cycles_skipped_total",
        "counter",
        "Poll cycles skipped, by reason.",
    );
    for (job, s) in jobs {
        for (reason, n) in &s.skipped {
            out.push_str("snmpact_cycles_skipped_total");
            labels(out, &[("poll_job", job), ("reason", reason.label())]);
            let _ = writeln!(out, " {n}");
        }
    }
    for (name, kind, help, get) in [
        (
            "snmpact_cycles_missed_total",
            "counter",
            "Slots lost to a stall of the poller.",
            (|s| as_f64(s.missed)) as fn(&crate::report::JobStats) -> f64,
        ),
        (
            "snmpact_cycles_late_total",
            "counter",
            "Cycles that started late or ended after their next slot.",
            |s| as_f64(s.late),
        ),
        (
            "snmpact_cycle_lag_seconds",
            "gauge",
            "Start lag of the job's last cycle.",
            |s| s.last_lag_seconds,
        ),
        (
            "snmpact_cycle_lag_max_seconds",
            "gauge",
            "Largest start lag of the job's cycles.",
            |s| s.max_lag_seconds,
        ),
        (
            "snmpact_cycle_duration_max_seconds",
            "gauge",
            "Longest cycle of the job.",
            |s| s.max_duration_seconds,
        ),
    ] {
        family(out, name, kind, help);
        for (job, s) in jobs {
            out.push_str(name);
            labels(out, &[("poll_job", job)]);
            let _ = writeln!(out, " {}", get(s));
        }
    }
}

/// The Prometheus output: the shared state, updated from the events [`Sink::publish`] queues.
#[derive(Default, Clone)]
pub struct PromSink {
    state: Arc<Mutex<PromState>>,
    /// Events not applied yet: `publish` only pushes here, so a render in progress (which
    /// holds `state`) never blocks the poller.
    queued: Arc<Mutex<Vec<Event>>>,
    /// The last render and when it was made, shared by scrapes within [`RENDER_REUSE`].
    last: Arc<Mutex<Option<(std::time::Instant, bytes::Bytes)>>>,
    /// Metrics from outside the poller (console, text outputs), appended to each scrape.
    extra: Arc<Mutex<Vec<Arc<dyn MetricsSource>>>>,
}

impl std::fmt::Debug for PromSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PromSink").finish_non_exhaustive()
    }
}

impl PromSink {
    /// A sink whose polled series follow `options`.
    #[must_use]
    pub fn with_options(options: SeriesOptions) -> Self {
        Self {
            state: Arc::new(Mutex::new(PromState::with_options(options))),
            ..Self::default()
        }
    }

    /// Applies the queued events to `state`.
    fn drain(&self, state: &mut PromState) {
        let events =
            std::mem::take(&mut *self.queued.lock().unwrap_or_else(PoisonError::into_inner));
        for e in &events {
            state.apply(e);
        }
    }

    /// The exposition text now (every event published so far applied).
    #[must_use]
    pub fn render(&self) -> String {
        let mut out = {
            let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
            self.drain(&mut state);
            state.render()
        };
        let extra = self
            .extra
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        for source in extra {
            source.render(&mut out);
        }
        out
    }

    /// Appends `source`'s metrics to every scrape from now on.
    pub fn add_metrics(&self, source: Arc<dyn MetricsSource>) {
        self.extra
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(source);
    }

    /// Serves `GET /metrics` on `listen` (one worker thread). Must run inside an actix `System`.
    /// Returns the bound addresses and the server's handle.
    ///
    /// # Errors
    /// [`Error::Bind`] when the address cannot be bound.
    pub fn serve(
        &self,
        name: &str,
        listen: SocketAddr,
    ) -> Result<(Vec<SocketAddr>, ServerHandle), Error> {
        let sink = self.clone();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(web::Data::new(sink.clone()))
                .route("/metrics", web::get().to(metrics))
        })
        .workers(1)
        .disable_signals()
        .shutdown_timeout(SHUTDOWN_TIMEOUT_SECS)
        .bind(listen)
        .map_err(|source| Error::Bind {
            output: name.to_owned(),
            listen,
            source,
        })?;
        let addrs = server.addrs();
        let server = server.run();
        let handle = server.handle();
        actix_rt::spawn(server);
        Ok((addrs, handle))
    }
}

impl PromSink {
    /// What a scrape gets: the last render when it is younger than [`RENDER_REUSE`], else a
    /// new one (the lock makes simultaneous scrapes wait for one render, then share it).
    fn scrape(&self) -> bytes::Bytes {
        let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((at, text)) = &*last
            && at.elapsed() < RENDER_REUSE
        {
            return text.clone();
        }
        let text = bytes::Bytes::from(self.render());
        *last = Some((std::time::Instant::now(), text.clone()));
        text
    }
}

async fn metrics(sink: web::Data<PromSink>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(CONTENT_TYPE)
        .body(sink.scrape())
}

impl Sink for PromSink {
    fn publish(&self, event: &Event) {
        self.publish_batch(vec![event.clone()]);
    }

    /// One short lock for the whole batch.
    fn publish_batch(&self, events: Vec<Event>) {
        let n = {
            let mut q = self.queued.lock().unwrap_or_else(PoisonError::into_inner);
            q.extend(events);
            q.len()
        };
        // Nobody scraping for a while: apply them here, unless a render holds the state (it
        // will apply them itself).
        if n >= MAX_QUEUED {
            match self.state.try_lock() {
                Ok(mut state) => self.drain(&mut state),
                Err(std::sync::TryLockError::Poisoned(p)) => self.drain(&mut p.into_inner()),
                Err(std::sync::TryLockError::WouldBlock) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests;
