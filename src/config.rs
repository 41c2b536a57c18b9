//! Configuration: TOML files, then environment variables, then command-line overrides, checked and
//! resolved into [`Settings`].
//!
//! - [`raw`]: serde structs mirroring the file, `deny_unknown_fields`, every field optional.
//! - [`settings`]: the validated result: durations, OIDs resolved with [`crate::mib::resolve`],
//!   agents with their [`crate::SessionConfig`] (and SNMPv3 [`crate::usm::User`], checked with
//!   [`crate::usm::User::validate`]), groups expanded, secrets read from the environment.
//!
//! Entry point: [`load`] (`load(&paths, &overrides)`), or [`load_with_env`] with an explicit
//! environment (tests). The documented default is `etc/snmpact.toml`.
//!
//! # Layers
//! 1. Each file in the order given; later files override earlier ones key by key (tables merge,
//!    arrays are replaced).
//! 2. Environment variables `SNMPACT_SECTION__KEY[__KEY...]`: `__` separates the levels and names
//!    are lower-cased, so `SNMPACT_DEFAULTS__TIMEOUT=2s` sets `defaults.timeout` and
//!    `SNMPACT_AGENTS__CORE1__COMMUNITY=s3cret` sets `agents.core1.community`. Variables that
//!    start with `SNMPACT_` but have no `__` (`SNMPACT_LOG`, secrets named by `community_env`)
//!    are not configuration keys and are ignored here.
//! 3. Command-line overrides `KEY=VALUE` (`--set jobs.demo.interval=5s`), `KEY` dotted.
//!
//! Values from layers 2 and 3 are read as TOML values when they parse as one (`5`, `true`,
//! `["a", "b"]`) and as plain strings otherwise (`2s`, `public`).
//!
//! # Errors
//! Every error names where the value came from (the file path, `environment variable NAME` or
//! `command line (--set KEY=...)`) and the key (`jobs.demo.interval`): unknown keys, wrong types,
//! bad durations, OIDs that do not resolve, references to agents, groups or outputs that do not
//! exist, missing secrets (naming the variable, never a value), SNMPv3 users that miss a key
//! their level needs (naming the agent, or the simulated agent and its `v3_users[i]` entry).
//!
//! # SNMPv3
//! `version = "3"` with the keys below, in `[defaults]`, `[groups.NAME]` or `[agents.NAME]`;
//! layers go built-in, `[defaults]`, the agent's group (one at most that sets session keys), the
//! agent's own table, key by key. A later layer's secret replaces an earlier one's, whatever its
//! kind. SNMPv3 keys in a table whose version is not 3 are an error (except in `[defaults]`,
//! shared with v1/v2c agents). Each secret has three spellings, one per table at most:
//! `auth_password = "..."`, `auth_password_env = "VARIABLE"` (the pass phrase from the
//! environment), `auth_key_env = "VARIABLE"` (the key already localized for the agent's engine,
//! in hex, as net-snmp's `-3k`); the same with `priv_`. Without `security_level` the level is the
//! highest the secrets given allow (net-snmp's command line defaults to noAuthNoPriv; a file that
//! names a privacy pass phrase means to use it).
//!
//! # Schema (see `etc/snmpact.toml` for a commented example)
//! ```toml
//! [console]
//! listen = "127.0.0.1:2323"
//! [engine]                  # shards = 0 (one per core), bind = "0.0.0.0:0", bind6 = "[::]:0",
//!                           # adhoc_idle = "5m" (console sessions made for an address; "0s": kept)
//! [defaults]                # every agent starts from these (then its group's, then its own)
//! version = "2c"            # "1", "2c" or "3"
//! community = "public"      # or community_env = "VARIABLE" (the secret stays out of the file)
//! timeout = "1s"
//! retries = 2
//! backoff = "fixed"         # or "doubling"
//! max_oids = 60
//! max_repetitions = 10
//! max_in_flight = 10        # requests in flight per agent
//! [poller]
//! max_backoff = "5m"        # longest wait before a dead agent is tried again
//! health_interval = "10s"   # refresh of snmpact's own metrics
//! [simulator.agents.demo]   # a simulated agent served in-process
//! listen = "127.0.0.1:0"    # port 0: any free port
//! data = "demo.snmprec"     # relative to this file; none: the built-in demo device
//! community = "public"
//! engine_id = "80001f880401020304"  # SNMPv3, with v3_users: hex; default 80001f8804 +
//! engine_boots = 1          # "snmpact-PORT"
//! [[simulator.agents.demo.v3_users]]  # one table per USM user the agent answers: the user
//! user = "demo"             # keys of [agents.NAME] below (security_level: the highest allowed)
//! auth_protocol = "SHA-256"
//! auth_password_env = "DEMO_AUTH"  # or auth_password, or auth_key_env (needs engine_id)
//! priv_protocol = "AES"
//! priv_password_env = "DEMO_PRIV"
//! [agents.demo]
//! simulator = "demo"        # or address = "host:port"; any [defaults] key overrides here
//! groups = ["lab"]
//! [agents.r1]               # SNMPv3 (any of these keys also in [defaults] or [groups.NAME])
//! address = "127.0.0.1:1161"
//! version = "3"
//! user = "alice"            # the USM user name (net-snmp -u)
//! security_level = "authPriv"  # noAuthNoPriv | authNoPriv | authPriv; default: the highest
//!                           # the secrets given allow
//! auth_protocol = "SHA-256" # MD5 (default) | SHA | SHA-224 | SHA-256 | SHA-384 | SHA-512
//! auth_password_env = "R1_AUTH"  # or auth_password = "...", or auth_key_env (localized, hex)
//! priv_protocol = "AES"     # DES (default) | AES | AES-192 | AES-256 | AES-192-C | AES-256-C
//! priv_password_env = "R1_PRIV"  # or priv_password = "...", or priv_key_env (localized, hex)
//! context = ""              # contextName (-n)
//! context_engine_id = "80001f8880..."  # hex (-E); default: the agent's engine id
//! security_engine_id = "80001f8880..." # hex (-e); default: discovered
//! [groups]
//! core = ["r1", "r2", "lab"]  # agents or other groups
//! [groups.edge]             # or a table: members, and session keys for them (an agent takes
//! members = ["r3", "r4"]    # them from one group at most)
//! version = "3"
//! user = "monitor"
//! [jobs.interfaces]
//! agents = ["core"]         # agent names, group names, or "*"
//! interval = "10s"
//! scalars = ["sysUpTime.0"]
//! walks = ["ifHCInOctets"]
//! tables = ["ifXTable"]
//! rates = ["ifHCInOctets"]  # counters (prefixes) that also get a rate per second
//! outputs = ["stdout"]      # none: every output
//! [outputs.stdout]
//! kind = "json"             # "json", "influx" (path = "-" or a file) or "prometheus" (listen)
//! ```

pub mod raw;
pub mod settings;

use std::fmt;
use std::path::{Path, PathBuf};

use config::{Map, Source, Value, ValueKind};
use serde::Deserialize;

pub use settings::{
    AgentSettings, DEFAULT_TICK, Destination, JobSettings, OutputSettings, PollerSettings,
    Settings, SimAgentSettings, SimV3Settings, Target, TrapSettings, parse_duration,
};

/// The documented default configuration file.
pub const DEFAULT_PATH: &str = "etc/snmpact.toml";
/// Prefix of the environment variables that set configuration keys.
pub const ENV_PREFIX: &str = "SNMPACT_";
/// Separator of levels in an environment variable name.
pub const ENV_SEPARATOR: &str = "__";

/// A configuration that cannot be used. Each names where the bad value came from.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read.
    #[error("{}: cannot read: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A file is not valid TOML: the message is the toml crate's, over several lines as it
    /// lays it out (the line and column, the line itself, a caret under the fault).
    #[error("{origin}: {message}")]
    Syntax {
        /// The file.
        origin: String,
        /// The parser's message.
        message: String,
    },
    /// A key that is unknown, of the wrong type, missing, or with a bad value.
    #[error("{origin}: {key}: {message}")]
    Key {
        /// Where the value came from: a file, `environment variable NAME`, `command line (...)`.
        origin: String,
        /// The dotted key (`jobs.demo.interval`).
        key: String,
        /// What is wrong.
        message: String,
    },
}

impl Error {
    /// A short stable label for this kind of error.
    #[must_use]
    pub fn label(&self) -> &'static str {
        match self {
            Self::Read { .. } => "read",
            Self::Syntax { .. } => "syntax",
            Self::Key { .. } => "key",
        }
    }
}

/// Loads `paths` (in order), then the process environment, then `overrides` (`(key, value)`
/// pairs from the command line), and checks the result.
///
/// # Errors
/// The first problem found, naming its file (or variable, or flag) and key.
pub fn load(paths: &[PathBuf], overrides: &[(String, String)]) -> Result<Settings, Error> {
    let env: Vec<(String, String)> = std::env::vars().collect();
    load_with_env(paths, &env, overrides)
}

/// [`load`] with an explicit environment instead of the process's: both the `SNMPACT_...` keys
/// and the variables named by `community_env` are looked up in `env`.
///
/// # Errors
/// As [`load`].
pub fn load_with_env(
    paths: &[PathBuf],
    env: &[(String, String)],
    overrides: &[(String, String)],
) -> Result<Settings, Error> {
    let mut layers = Vec::new();
    for path in paths {
        layers.push(file_layer(path)?);
    }
    let mut env_sorted: Vec<&(String, String)> = env.iter().collect();
    env_sorted.sort();
    for (name, value) in env_sorted {
        let Some(rest) = name.strip_prefix(ENV_PREFIX) else {
            continue;
        };
        if !rest.contains(ENV_SEPARATOR) {
            continue;
        }
        let path: Vec<String> = rest.split(ENV_SEPARATOR).map(str::to_lowercase).collect();
        layers.push(value_layer(
            format!("environment variable {name}"),
            &path,
            value,
        )?);
    }
    for (key, value) in overrides {
        let origin = format!("command line (--set {key}=...)");
        let path: Vec<String> = key.split('.').map(str::to_owned).collect();
        layers.push(value_layer(origin, &path, value)?);
    }
    // Each layer alone first, so that an unknown key or a wrong type names its own source.
    for layer in &layers {
        check_numbers(&layer.table, "", &layer.origin)?;
        let cfg = config::Config::builder()
            .add_source(layer.clone())
            .build()
            .map_err(|e| from_config(e, &layer.origin))?;
        raw::Raw::deserialize(cfg.cache).map_err(|e| from_config(e, &layer.origin))?;
    }
    let mut builder = config::Config::builder();
    for layer in &layers {
        builder = builder.add_source(layer.clone());
    }
    let merged = builder
        .build()
        .map_err(|e| from_config(e, "configuration"))?;
    let raw =
        raw::Raw::deserialize(merged.cache.clone()).map_err(|e| from_config(e, "configuration"))?;
    let sources = layers.iter().map(|l| l.origin.clone()).collect();
    Settings::from_raw(
        raw,
        &Origins {
            root: &merged.cache,
        },
        env,
        sources,
    )
}

/// One layer: a table of values, all from one origin.
#[derive(Debug, Clone)]
struct Layer {
    origin: String,
    table: Map<String, Value>,
}

impl Source for Layer {
    fn clone_into_box(&self) -> Box<dyn Source + Send + Sync> {
        Box::new(self.clone())
    }

    fn collect(&self) -> Result<Map<String, Value>, config::ConfigError> {
        Ok(self.table.clone())
    }
}

fn file_layer(path: &Path) -> Result<Layer, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_owned(),
        source,
    })?;
    let origin = path.display().to_string();
    let table: toml::Table = toml::from_str(&text).map_err(|e| Error::Syntax {
        origin: origin.clone(),
        message: e.to_string().trim_end().to_owned(),
    })?;
    let table = table
        .into_iter()
        .map(|(k, v)| (k, to_config(v, &origin)))
        .collect();
    Ok(Layer { origin, table })
}

/// A one-key layer: `path` = `text`, where `text` is read as a TOML value when it is one.
fn value_layer(origin: String, path: &[String], text: &str) -> Result<Layer, Error> {
    if path.iter().any(String::is_empty) {
        return Err(Error::Key {
            origin,
            key: path.join("."),
            message: "empty key segment".into(),
        });
    }
    let parsed = toml::from_str::<toml::Table>(&format!("v = {text}"))
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| toml::Value::String(text.to_owned()));
    let mut value = to_config(parsed, &origin);
    for key in path.iter().skip(1).rev() {
        let mut m = Map::new();
        m.insert(key.clone(), value);
        value = Value::new(Some(&origin), ValueKind::Table(m));
    }
    let mut table = Map::new();
    table.insert(path[0].clone(), value);
    Ok(Layer { origin, table })
}

fn to_config(v: toml::Value, origin: &String) -> Value {
    let kind = match v {
        toml::Value::String(s) => ValueKind::String(s),
        toml::Value::Integer(i) => ValueKind::I64(i),
        toml::Value::Float(f) => ValueKind::Float(f),
        toml::Value::Boolean(b) => ValueKind::Boolean(b),
        toml::Value::Datetime(d) => ValueKind::String(d.to_string()),
        toml::Value::Array(a) => {
            ValueKind::Array(a.into_iter().map(|v| to_config(v, origin)).collect())
        }
        toml::Value::Table(t) => ValueKind::Table(
            t.into_iter()
                .map(|(k, v)| (k, to_config(v, origin)))
                .collect(),
        ),
    };
    Value::new(Some(origin), kind)
}

/// Turns config-rs's error into ours, naming `origin` (the layer) and the key.
fn from_config(e: config::ConfigError, origin: &str) -> Error {
    use config::ConfigError as C;
    let (key, message) = match e {
        C::At { error, key, .. } => (key.unwrap_or_default(), inner_message(*error)),
        C::Type {
            unexpected,
            expected,
            key,
            ..
        } => (
            key.unwrap_or_default(),
            format!("invalid type: {unexpected}, expected {expected}"),
        ),
        C::NotFound(key) => (key, "missing".into()),
        C::FileParse { cause, .. } => {
            return Error::Syntax {
                origin: origin.to_owned(),
                message: cause.to_string(),
            };
        }
        other => (String::new(), other.to_string()),
    };
    let (key, message) = name_unknown_field(key, message);
    let message = numeric_message(&key, message);
    Error::Key {
        origin: origin.to_owned(),
        key: if key.is_empty() {
            "(top level)".into()
        } else {
            key
        },
        message,
    }
}

/// The whole-number keys and their largest value (their Rust type's).
const NUMERIC_KEYS: &[(&str, u64)] = &[
    ("shards", usize::MAX as u64),
    ("retries", u32::MAX as u64),
    ("max_oids", usize::MAX as u64),
    ("max_repetitions", u32::MAX as u64),
    ("max_in_flight", usize::MAX as u64),
    ("engine_boots", u32::MAX as u64),
    ("max_line", usize::MAX as u64),
    ("max_connections", usize::MAX as u64),
];

/// Whole-number keys out of their range: config-rs converts integers with `as`, so `-1` would
/// become a huge number (or wrap) instead of an error.
fn check_numbers(table: &Map<String, Value>, prefix: &str, origin: &str) -> Result<(), Error> {
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match &v.kind {
            ValueKind::Table(t) => check_numbers(t, &key, origin)?,
            // A float (`1.5`) would be truncated, a negative or too large number wrapped.
            ValueKind::I64(_) | ValueKind::Float(_) => {
                if let Some((_, max)) = NUMERIC_KEYS.iter().find(|(name, _)| name == k)
                    && !matches!(v.kind, ValueKind::I64(n) if u64::try_from(n).is_ok_and(|n| n <= *max))
                {
                    return Err(Error::Key {
                        origin: origin.to_owned(),
                        key,
                        message: format!("must be a whole number from 0 to {max}"),
                    });
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// serde's `invalid type: 64-bit integer -1, expected an unsigned ...` for a whole-number key
/// becomes `must be a whole number from 0 to N` (See: issue 15).
fn numeric_message(key: &str, message: String) -> String {
    let leaf = key.rsplit('.').next().unwrap_or(key);
    match NUMERIC_KEYS.iter().find(|(k, _)| *k == leaf) {
        Some((_, max))
            if message.starts_with("invalid type:") || message.starts_with("invalid value:") =>
        {
            format!("must be a whole number from 0 to {max}")
        }
        _ => message,
    }
}

fn inner_message(e: config::ConfigError) -> String {
    match e {
        config::ConfigError::Type {
            unexpected,
            expected,
            ..
        } => format!("invalid type: {unexpected}, expected {expected}"),
        config::ConfigError::At { error, .. } => inner_message(*error),
        other => other.to_string(),
    }
}

/// serde says "unknown field `x`, expected one of ..." at the parent's key: name the field's key.
fn name_unknown_field(key: String, message: String) -> (String, String) {
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return (key, message);
    };
    let Some((field, _)) = rest.split_once('`') else {
        return (key, message);
    };
    let full = if key.is_empty() {
        field.to_owned()
    } else {
        format!("{key}.{field}")
    };
    (full, message)
}

/// Where each merged value came from, for errors found after merging.
pub(crate) struct Origins<'a> {
    root: &'a Value,
}

impl Origins<'_> {
    /// The origin of the value at `path`, or of the first value under it (a table), or of the
    /// nearest parent that has one; `built-in default` when the key was never written.
    pub(crate) fn of(&self, path: &[&str]) -> String {
        let mut node = self.root;
        let mut best: Option<String> = None;
        for key in path {
            // `name[i]`: item i of the array `name` (`v3_users[0]`).
            let (name, index) = match key.strip_suffix(']').and_then(|k| k.split_once('[')) {
                Some((name, i)) => (name, i.parse::<usize>().ok()),
                None => (*key, None),
            };
            let found = match &node.kind {
                ValueKind::Table(m) => m.get(name).and_then(|v| match (index, &v.kind) {
                    (None, _) => Some(v),
                    (Some(i), ValueKind::Array(a)) => a.get(i),
                    (Some(_), _) => None,
                }),
                _ => None,
            };
            let Some(v) = found else { break };
            node = v;
            if let Some(o) = first_origin(v) {
                best = Some(o);
            }
        }
        best.unwrap_or_else(|| "built-in default".into())
    }
}

fn first_origin(v: &Value) -> Option<String> {
    if let Some(o) = v.origin() {
        return Some(o.to_owned());
    }
    match &v.kind {
        ValueKind::Table(m) => m.values().find_map(first_origin),
        ValueKind::Array(a) => a.iter().find_map(first_origin),
        _ => None,
    }
}

impl fmt::Debug for Origins<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Origins")
    }
}

#[cfg(test)]
mod tests;
