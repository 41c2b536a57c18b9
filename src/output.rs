//! Outputs: where the poller's [`Event`]s go. Any number at once, each a [`Sink`].
//!
//! # Entry points
//! - [`start`]`(&settings) -> Result<Outputs, Error>`: opens every `[outputs.NAME]` (files,
//!   standard output, HTTP listeners). Run it inside an actix `System` when a Prometheus output
//!   is configured.
//! - [`Outputs::publish`] (called by the poller), [`Outputs::prometheus_addrs`] (the bound
//!   endpoints, for port 0), [`Outputs::channel`] (an in-process receiver, for tests and
//!   embedding), [`Outputs::shutdown`] (flush files, stop servers).
//!
//! # Kinds
//! - `json`: JSON lines, one object per sample ([`json`]), to standard output or a file.
//! - `influx`: InfluxDB line protocol ([`influx`]), to standard output or a file.
//! - `prometheus`: an HTTP exposition endpoint ([`prometheus`]), loopback by default.
//!
//! Text outputs are written by their own thread behind a bounded queue ([`writer`]): a slow
//! disk drops events (counted) rather than slowing the poller.

pub mod influx;
pub mod json;
pub mod prometheus;
pub mod writer;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use actix_web::dev::ServerHandle;
use tokio::sync::mpsc;

use crate::config::{OutputSettings, Settings};
use crate::format::format_value;
use crate::mib;
use crate::oid::Oid;
use crate::pdu::Value;
use crate::report::Event;

/// An output could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be opened.
    #[error("output {output}: cannot open {}: {source}", path.display())]
    Open {
        /// The output's name.
        output: String,
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// An HTTP address could not be bound.
    #[error(
        "output {output}: cannot listen on {listen}: {source} (change the address: \
         --set outputs.{output}.listen=127.0.0.1:PORT)"
    )]
    Bind {
        /// The output's name.
        output: String,
        /// The address.
        listen: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// A writer thread could not start.
    #[error("output {output}: cannot start its thread: {source}")]
    Thread {
        /// The output's name.
        output: String,
        /// Why.
        source: std::io::Error,
    },
}

impl Error {
    /// A short stable label for this kind of error.
    #[must_use]
    pub fn label(&self) -> &'static str {
        match self {
            Self::Open { .. } => "open",
            Self::Bind { .. } => "bind",
            Self::Thread { .. } => "thread",
        }
    }
}

/// Something that takes the poller's events. `publish` must not block.
pub trait Sink: Send + Sync + 'static {
    /// Takes one event.
    fn publish(&self, event: &Event);

    /// Takes several events at once (the poller hands over what a few milliseconds gathered):
    /// one hand-over for all. By default, one [`Sink::publish`] each.
    fn publish_batch(&self, events: Vec<Event>) {
        for e in &events {
            self.publish(e);
        }
    }

    /// Events dropped so far (a full queue).
    fn dropped(&self) -> u64 {
        0
    }

    /// Opens its file again (SIGHUP, after logrotate); nothing for other outputs.
    fn reopen(&self) {}

    /// Flushes and stops (may block briefly).
    fn close(&self) {}
}

/// More metrics for the Prometheus endpoints, from outside the poller: the console's security
/// counters, the text outputs' own counters. Appended to every scrape.
pub trait MetricsSource: Send + Sync + 'static {
    /// Appends complete metric families (text format 0.0.4) to `out`.
    fn render(&self, out: &mut String);
}

/// The text outputs' counters as metrics: `snmpact_output_dropped_total{output}` (queue
/// full), `snmpact_output_write_errors_total{output}`, `snmpact_output_lost_total{output}`
/// (lines given up after failed writes), `snmpact_output_reopens_total{output}`.
struct TextOutputMetrics(Vec<(String, Arc<writer::SinkCounters>)>);

impl MetricsSource for TextOutputMetrics {
    fn render(&self, out: &mut String) {
        use std::fmt::Write as _;
        use std::sync::atomic::Ordering::Relaxed;
        type Get = fn(&writer::SinkCounters) -> u64;
        let families: [(&str, &str, Get); 4] = [
            (
                "snmpact_output_dropped_total",
                "Events dropped by a text output (queue full).",
                |c| c.dropped.load(Relaxed),
            ),
            (
                "snmpact_output_write_errors_total",
                "Failed writes of a text output.",
                |c| c.write_errors.load(Relaxed),
            ),
            (
                "snmpact_output_lost_total",
                "Events a text output gave up after failed writes.",
                |c| c.lost.load(Relaxed),
            ),
            (
                "snmpact_output_reopens_total",
                "Times a text output opened its file again.",
                |c| c.reopens.load(Relaxed),
            ),
        ];
        for (name, help, get) in families {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter");
            for (output, c) in &self.0 {
                let _ = writeln!(out, "{name}{{output=\"{output}\"}} {}", get(c));
            }
        }
    }
}

/// An in-process sink: every event into an unbounded channel.
struct ChannelSink(mpsc::UnboundedSender<Event>);

impl Sink for ChannelSink {
    fn publish(&self, event: &Event) {
        let _ = self.0.send(event.clone());
    }
}

/// The running outputs, by name. Cheap to clone (the sinks are shared).
#[derive(Clone, Default)]
pub struct Outputs {
    sinks: Vec<(String, Arc<dyn Sink>)>,
    servers: Vec<ServerHandle>,
    prometheus: Vec<(String, SocketAddr)>,
    /// The Prometheus sinks, to hand them more metrics ([`Outputs::add_metrics`]).
    proms: Vec<prometheus::PromSink>,
}

impl std::fmt::Debug for Outputs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outputs")
            .field("sinks", &self.names())
            .field("prometheus", &self.prometheus)
            .finish_non_exhaustive()
    }
}

impl Outputs {
    /// No outputs.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// With `sink` added under `name`.
    #[must_use]
    pub fn with(mut self, name: &str, sink: Arc<dyn Sink>) -> Self {
        self.sinks.push((name.to_owned(), sink));
        self
    }

    /// With a channel output named `name` added; the receiver gets every event.
    #[must_use]
    pub fn channel(self, name: &str) -> (Self, mpsc::UnboundedReceiver<Event>) {
        let (tx, rx) = mpsc::unbounded_channel();
        (self.with(name, Arc::new(ChannelSink(tx))), rx)
    }

    /// The outputs' names, in order.
    #[must_use]
    pub fn names(&self) -> Vec<String> {
        self.sinks.iter().map(|(n, _)| n.clone()).collect()
    }

    /// The Prometheus endpoints actually bound: (output name, address).
    #[must_use]
    pub fn prometheus_addrs(&self) -> &[(String, SocketAddr)] {
        &self.prometheus
    }

    /// Events dropped by all outputs (full queues).
    #[must_use]
    pub fn dropped(&self) -> u64 {
        self.sinks.iter().map(|(_, s)| s.dropped()).sum()
    }

    /// Adds `source`'s metrics to every Prometheus endpoint's scrapes.
    pub fn add_metrics(&self, source: &Arc<dyn MetricsSource>) {
        for p in &self.proms {
            p.add_metrics(source.clone());
        }
    }

    /// Opens the file outputs again (SIGHUP after logrotate). Returns at once; each writer
    /// reopens before its next write.
    pub fn reopen(&self) {
        for (_, s) in &self.sinks {
            s.reopen();
        }
    }

    /// Hands `event` to the outputs named in `only`, or to all when `only` is empty. Health
    /// and removal events go to every output.
    pub fn publish(&self, event: &Event, only: &[String]) {
        let everyone = only.is_empty() || matches!(event, Event::Health(_) | Event::Removed { .. });
        for (name, sink) in &self.sinks {
            if everyone || only.iter().any(|o| o == name) {
                sink.publish(event);
            }
        }
    }

    /// Hands a batch of events to the outputs: each event goes where [`Outputs::publish`] would
    /// send it (its `only` list), and each output gets its share in one
    /// [`Sink::publish_batch`].
    pub fn publish_batch(&self, events: &[(Event, Arc<[String]>)]) {
        if events.is_empty() {
            return;
        }
        for (name, sink) in &self.sinks {
            let share: Vec<Event> = events
                .iter()
                .filter(|(event, only)| {
                    only.is_empty()
                        || matches!(event, Event::Health(_) | Event::Removed { .. })
                        || only.iter().any(|o| o == name)
                })
                .map(|(event, _)| event.clone())
                .collect();
            if !share.is_empty() {
                sink.publish_batch(share);
            }
        }
    }

    /// Flushes the text outputs and stops the HTTP servers.
    pub async fn shutdown(&self) {
        for h in &self.servers {
            h.stop(true).await;
        }
        let sinks: Vec<Arc<dyn Sink>> = self.sinks.iter().map(|(_, s)| s.clone()).collect();
        let _ = actix_rt::task::spawn_blocking(move || {
            for s in sinks {
                s.close();
            }
        })
        .await;
    }
}

/// Starts every output of `settings`.
///
/// # Errors
/// The first output that cannot start (a file that cannot be opened, an address in use).
pub fn start(settings: &Settings) -> Result<Outputs, Error> {
    let mut outputs = Outputs::new();
    let mut text = Vec::new();
    for (name, o) in &settings.outputs {
        match o {
            OutputSettings::Json { dest, enum_labels } => {
                let mut w = json::JsonWriter::new(*enum_labels);
                let sink =
                    writer::TextSink::start(name, dest, move |out: &mut String, e: &Event| {
                        w.write_event(out, e);
                    })?;
                text.push((name.clone(), sink.counters()));
                outputs.sinks.push((name.clone(), Arc::new(sink)));
            }
            OutputSettings::Influx { dest, enum_labels } => {
                let enum_labels = *enum_labels;
                let sink =
                    writer::TextSink::start(name, dest, move |out: &mut String, e: &Event| {
                        influx::write_event_with(out, e, enum_labels);
                    })?;
                text.push((name.clone(), sink.counters()));
                outputs.sinks.push((name.clone(), Arc::new(sink)));
            }
            OutputSettings::Prometheus {
                listen,
                prefix,
                enum_labels,
            } => {
                let sink = prometheus::PromSink::with_options(prometheus::SeriesOptions {
                    prefix: prefix.clone(),
                    enum_labels: *enum_labels,
                });
                let (addrs, handle) = sink.serve(name, *listen)?;
                for a in addrs {
                    if a.ip().is_loopback() {
                        tracing::info!(output = %name, listen = %a, "prometheus endpoint");
                    } else {
                        tracing::warn!(
                            output = %name, listen = %a,
                            "prometheus endpoint beyond loopback, without a password \
                             (allow_unauthenticated = true): anyone who can reach it can read it"
                        );
                    }
                    outputs.prometheus.push((name.clone(), a));
                }
                outputs.servers.push(handle);
                outputs.proms.push(sink.clone());
                outputs.sinks.push((name.clone(), Arc::new(sink)));
            }
        }
    }
    let text: Arc<dyn MetricsSource> = Arc::new(TextOutputMetrics(text));
    outputs.add_metrics(&text);
    Ok(outputs)
}

/// The object's MIB name and the instance arcs after it, dotted (`ifHCInOctets`, `"2"`); for an
/// OID the table does not know, the longest known prefix's name.
#[must_use]
pub fn object_and_index(oid: &Oid) -> (String, String) {
    let tree = mib::tree();
    match tree.longest_prefix(oid.arcs()) {
        Some((i, known)) => {
            let rest = &oid.arcs()[known..];
            let name = tree.node(i).map_or("oid", |n| &n.name);
            let mut index = String::with_capacity(rest.len() * 3);
            for (i, arc) in rest.iter().enumerate() {
                if i > 0 {
                    index.push('.');
                }
                index.push_str(&arc.to_string());
            }
            (name.to_owned(), index)
        }
        None => ("oid".to_owned(), oid.to_string()),
    }
}

/// The object's MIB name and its index as labels, in the snmp_exporter convention: one label
/// per INDEX object of the row, named after it, with its decoded value (`ifIndex="2"`,
/// `fixUserName="bob"`), when the loaded MIB knows the row; else one `index` label with the
/// instance arcs (`index="2"`), as [`object_and_index`].
#[must_use]
pub fn object_and_labels(oid: &Oid) -> (String, Vec<(String, String)>) {
    let tree = mib::tree();
    if let Some((name, parts)) = tree.decode_instance(oid.arcs()) {
        let labels = parts
            .into_iter()
            .map(|(k, v)| {
                let v = match v.as_bytes() {
                    [b'"' | b'\'', .., b'"' | b'\''] if v.len() >= 2 => {
                        v[1..v.len() - 1].to_owned()
                    }
                    _ => v,
                };
                (k.to_owned(), v)
            })
            .collect();
        return (name.to_owned(), labels);
    }
    let (object, index) = object_and_index(oid);
    let labels = if index.is_empty() {
        Vec::new()
    } else {
        vec![("index".to_owned(), index)]
    };
    (object, labels)
}

/// A value as text for labels and string fields: plain text as is, anything else as net-snmp
/// prints it.
#[must_use]
pub fn text_of(v: &Value<'_>) -> String {
    if let Value::OctetString(b) = v
        && let Ok(s) = std::str::from_utf8(b)
        && !s.chars().any(char::is_control)
    {
        return s.to_owned();
    }
    format_value(v)
}
