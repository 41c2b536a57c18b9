//! `[outputs.NAME]`: JSON lines and Influx line protocol to stdout or a file, Prometheus on an
//! HTTP address (loopback unless the risk is accepted in writing).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;

use super::value::At;
use crate::config::{Error, raw};

/// Default Prometheus endpoint address (loopback).
pub const DEFAULT_PROMETHEUS: &str = "127.0.0.1:9464";

/// The default prefix of polled objects' Prometheus metric names.
pub const DEFAULT_METRIC_PREFIX: &str = "snmp_";

/// Where a text output writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// Standard output.
    Stdout,
    /// A file, appended to.
    File(PathBuf),
}

/// One output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputSettings {
    /// JSON lines, one object per sample.
    Json {
        /// Where.
        dest: Destination,
        /// `enums = "label"`: INTEGER enumerations also get `value_label` (`"up"`).
        enum_labels: bool,
    },
    /// InfluxDB line protocol.
    Influx {
        /// Where.
        dest: Destination,
        /// `enums = "label"`: INTEGER enumerations also get the string field `label`.
        enum_labels: bool,
    },
    /// A Prometheus exposition endpoint (`GET /metrics`).
    Prometheus {
        /// The HTTP listening address.
        listen: SocketAddr,
        /// The prefix of polled objects' metric names (`snmp_`; empty: the bare object name,
        /// as snmp_exporter names them).
        prefix: String,
        /// `enums = "label"`: INTEGER enumerations also get a label named for the object
        /// whose value is the enumeration's label (`ifOperStatus="up"`).
        enum_labels: bool,
    },
}

/// `[outputs]` checked, by name.
pub(super) fn outputs(
    at: &At<'_, '_>,
    raw: &BTreeMap<String, raw::Output>,
) -> Result<BTreeMap<String, OutputSettings>, Error> {
    let mut outputs = BTreeMap::new();
    for (name, o) in raw {
        let base = ["outputs", name.as_str()];
        let k = |key: &'static str| [base[0], base[1], key];
        let kind = o.kind.as_deref().ok_or_else(|| {
            at.err(
                &k("kind"),
                "missing: \"json\", \"influx\" or \"prometheus\"",
            )
        })?;
        let dest = || -> Result<Destination, Error> {
            match o.path.as_deref() {
                None | Some("-") => Ok(Destination::Stdout),
                Some("") => Err(at.err(&k("path"), "empty path (write \"-\" for stdout)")),
                Some(p) => Ok(Destination::File(at.base_dir(&k("path")).join(p))),
            }
        };
        let enum_labels = match o.enums.as_deref() {
            None | Some("number") => false,
            Some("label") => true,
            Some(other) => {
                return Err(at.err(
                    &k("enums"),
                    format!("bad value {other:?}: \"number\" or \"label\""),
                ));
            }
        };
        let out = match kind {
            "json" | "influx" => {
                if o.prefix.is_some() {
                    return Err(at.err(&k("prefix"), "only for kind = \"prometheus\""));
                }
                if o.listen.is_some() {
                    return Err(at.err(&k("listen"), "only for kind = \"prometheus\""));
                }
                if o.allow_unauthenticated.is_some() {
                    return Err(at.err(
                        &k("allow_unauthenticated"),
                        "only for kind = \"prometheus\"",
                    ));
                }
                if kind == "json" {
                    OutputSettings::Json {
                        dest: dest()?,
                        enum_labels,
                    }
                } else {
                    OutputSettings::Influx {
                        dest: dest()?,
                        enum_labels,
                    }
                }
            }
            "prometheus" => {
                if o.path.is_some() {
                    return Err(at.err(&k("path"), "not for kind = \"prometheus\" (use listen)"));
                }
                let listen = at.addr(&k("listen"), o.listen.as_ref(), DEFAULT_PROMETHEUS)?;
                if !listen.ip().is_loopback() && o.allow_unauthenticated != Some(true) {
                    return Err(at.err(
                        &k("listen"),
                        format!(
                            "{listen} is beyond loopback and the endpoint has no password; \
                             listen on 127.0.0.1, or set allow_unauthenticated = true to \
                             accept the risk"
                        ),
                    ));
                }
                let prefix = o
                    .prefix
                    .clone()
                    .unwrap_or_else(|| DEFAULT_METRIC_PREFIX.to_owned());
                let metric_chars = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == ':';
                if !prefix.chars().all(metric_chars)
                    || prefix.starts_with(|c: char| c.is_ascii_digit())
                {
                    return Err(at.err(
                        &k("prefix"),
                        format!("{prefix:?}: letters, digits, '_' and ':' (not a digit first)"),
                    ));
                }
                OutputSettings::Prometheus {
                    listen,
                    prefix,
                    enum_labels,
                }
            }
            other => {
                return Err(at.err(
                    &k("kind"),
                    format!(
                        "unknown output kind {other:?}: \"json\", \"influx\" or \"prometheus\""
                    ),
                ));
            }
        };
        outputs.insert(name.clone(), out);
    }
    Ok(outputs)
}
