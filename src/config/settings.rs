//! [`Settings`]: the configuration checked and resolved, ready for the engine, the poller and
//! the outputs. Built from [`super::raw::Raw`] by `Settings::from_raw` (crate-private); every error
//! names the key and where its value came from.
//!
//! Resolved here: durations (`"10s"`, [`parse_duration`]), SNMP versions, OIDs (through
//! [`mib::resolve`]), each agent's [`SessionConfig`] (built-in defaults, then `[defaults]`,
//! then the agent's own keys), community strings named by `community_env`, groups (nested
//! groups expanded, cycles refused), job selectors (every name must be an agent, a group or
//! `*`), output references, simulator data files (parsed now, so a bad line is a load error),
//! simulated agents' SNMPv3 users (read by the same code as agents' users).

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use super::{Error, Origins, raw};
use crate::agent::usm::{AgentEngine, DEFAULT_BOOTS, default_engine_id};
use crate::agent::{Responder, Store, snmprec};
use crate::command::{MAX_ENGINE_ID_LEN, MIN_ENGINE_ID_LEN, UserOptionError, UserOptions};
use crate::console::ConsoleConfig;
use crate::dispatcher::Binding;
use crate::engine::{EngineConfig, split_target};
use crate::mib::{self, NodeKind};
use crate::notification::listener::ListenerConfig;
use crate::notification::{RateLimit, ReceiverConfig};
use crate::oid::Oid;
use crate::pdu::Version;
use crate::session::{Backoff, Community, SessionConfig};
use crate::usm::{KeyCache, KeySource, Secret, SecurityLevel, User, UserError};
use crate::v3::MAX_BOOTS;

/// Default Prometheus endpoint address (loopback).
pub const DEFAULT_PROMETHEUS: &str = "127.0.0.1:9464";
/// Default simulated agent address: any free loopback port.
pub const DEFAULT_SIMULATOR_LISTEN: &str = "127.0.0.1:0";
/// Default community of simulated agents.
pub const DEFAULT_SIMULATOR_COMMUNITY: &str = "public";
/// Default longest wait before a dead agent is polled again.
pub const DEFAULT_MAX_BACKOFF: Duration = Duration::from_secs(300);
/// Default refresh of the health metrics.
pub const DEFAULT_HEALTH_INTERVAL: Duration = Duration::from_secs(10);
/// Shortest poll interval accepted.
pub const MIN_INTERVAL: Duration = Duration::from_millis(10);
/// The job selector that matches every agent.
pub const ALL_AGENTS: &str = "*";

/// Everything snmpact needs to run, checked.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where the layers came from, in order (files, variables, flags).
    pub sources: Vec<String>,
    /// The telnet console (`[console]`, the console's own [`ConsoleConfig`]).
    pub console: ConsoleConfig,
    /// Dispatchers and sockets.
    pub engine: EngineConfig,
    /// Session settings of an agent that sets none (`[defaults]` over the built-in ones); also
    /// what agents added at run time start from.
    pub defaults: SessionConfig,
    /// The poller's own knobs.
    pub poller: PollerSettings,
    /// Simulated agents to serve in-process, by name.
    pub simulator: BTreeMap<String, SimAgentSettings>,
    /// Agents by name.
    pub agents: BTreeMap<String, AgentSettings>,
    /// Groups by name: the agents in each, nested groups expanded, sorted.
    pub groups: BTreeMap<String, Vec<String>>,
    /// Poll jobs by name.
    pub jobs: BTreeMap<String, JobSettings>,
    /// Outputs by name.
    pub outputs: BTreeMap<String, OutputSettings>,
    /// `[mibs]`: what to load, when the file says (else `-M`/`-m`, `MIBDIRS`/`MIBS`).
    pub mibs: Option<mib::LoadSpec>,
    /// The notification receiver (`[traps]`), when configured.
    pub traps: Option<TrapSettings>,
    /// `[cluster]`, when this instance is one of several sharing the agents.
    pub cluster: Option<crate::cluster::ClusterSettings>,
}

/// `[traps]`: the notification receiver's listener and where its notifications go.
#[derive(Debug, Clone)]
pub struct TrapSettings {
    /// Addresses, communities, users, limits.
    pub listener: ListenerConfig,
    /// Outputs that get the notifications; empty: every output.
    pub outputs: Vec<String>,
}

/// The default `[traps]` listening address: loopback, above the privileged ports.
pub const DEFAULT_TRAPS_LISTEN: &str = "127.0.0.1:1162";

/// `[traps]` checked: addresses, communities (and `communities_env`), the SNMPv3 users (read as
/// a simulated agent's, [`sim_v3`]), sender engine ids, limits, outputs.
fn traps_settings(
    at: &At<'_, '_>,
    mut t: raw::Traps,
    env: &[(String, String)],
    outputs: &BTreeMap<String, OutputSettings>,
) -> Result<TrapSettings, Error> {
    let k = |key: &'static str| ["traps", key];
    let mut listen = Vec::new();
    let given = t.listen.as_ref().map_or_else(
        || vec![DEFAULT_TRAPS_LISTEN.to_owned()],
        raw::OneOrMany::to_vec,
    );
    for a in &given {
        listen.push(at.addr(&k("listen"), Some(a), "")?);
    }
    if listen.is_empty() {
        return Err(at.err(&k("listen"), "no address: give at least one IP:PORT"));
    }
    let mut communities: Vec<Vec<u8>> = t
        .communities
        .iter()
        .flatten()
        .map(|c| c.expose().as_bytes().to_vec())
        .collect();
    for var in t.communities_env.iter().flatten() {
        communities.push(
            env_var(at, &k("communities_env"), env, var)?
                .as_bytes()
                .to_vec(),
        );
    }
    let sim = raw::SimAgent {
        engine_id: t.engine_id.clone(),
        engine_boots: t.engine_boots,
        v3_users: t.v3_users.take(),
        ..raw::SimAgent::default()
    };
    let v3 = sim_v3(at, &["traps"], &sim, env)?;
    let mut sender_engine_ids = Vec::new();
    for id in t.sender_engine_ids.iter().flatten() {
        sender_engine_ids.push(engine_id(at, &k("sender_engine_ids"), id)?);
    }
    if !sender_engine_ids.is_empty() && v3.is_none() {
        return Err(at.err(&k("sender_engine_ids"), "SNMPv3 senders without v3_users"));
    }
    let dedup_window = at
        .duration(&k("dedup_window"), t.dedup_window.as_ref())?
        .unwrap_or(crate::notification::DEFAULT_DEDUP_WINDOW);
    let trap_outputs = t.outputs.clone().unwrap_or_default();
    for o in &trap_outputs {
        if !outputs.contains_key(o) {
            return Err(at.err(&k("outputs"), format!("no output named {o:?}")));
        }
    }
    let (engine_id, engine_boots, users) = match v3 {
        Some(v) => (v.engine_id, v.engine_boots, v.users),
        None => (None, DEFAULT_BOOTS, Vec::new()),
    };
    Ok(TrapSettings {
        listener: ListenerConfig {
            listen,
            receiver: ReceiverConfig {
                communities,
                users,
                engine_id,
                engine_boots,
                sender_engine_ids,
                dedup_window,
                rate_limit: t.rate_limit.filter(|r| *r > 0).map(|r| RateLimit {
                    per_second: r,
                    burst: r,
                }),
            },
            batch: crate::notification::listener::DEFAULT_BATCH,
        },
        outputs: trap_outputs,
    })
}

/// `[poller]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollerSettings {
    /// Longest wait before a dead agent is polled again.
    pub max_backoff: Duration,
    /// How often the health metrics (engine counters, cycle lag) are refreshed.
    pub health_interval: Duration,
}

impl Default for PollerSettings {
    fn default() -> Self {
        Self {
            max_backoff: DEFAULT_MAX_BACKOFF,
            health_interval: DEFAULT_HEALTH_INTERVAL,
        }
    }
}

/// One simulated agent to serve.
#[derive(Debug, Clone)]
pub struct SimAgentSettings {
    /// Its name (an agent with `simulator = NAME` polls it).
    pub name: String,
    /// Where it listens; port 0 is any free port.
    pub listen: SocketAddr,
    /// The data file, when one was given (else the built-in demo device).
    pub data: Option<PathBuf>,
    /// Its data, parsed.
    pub store: Store,
    /// The community it answers.
    pub community: String,
    /// Its SNMPv3 engine and users (`None`: v1 and v2c only).
    pub v3: Option<SimV3Settings>,
}

/// The SNMPv3 side of a simulated agent. `Debug` shows user names, never a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimV3Settings {
    /// Its engine id; `None`: [`default_engine_id`] of the port it gets.
    pub engine_id: Option<Vec<u8>>,
    /// snmpEngineBoots.
    pub engine_boots: u32,
    /// The users it answers (at least one), each at the highest level it may use.
    pub users: Vec<User>,
}

impl SimAgentSettings {
    /// The responder that serves it (for [`crate::agent::server::spawn_many`]), v1 and v2c;
    /// [`Self::v3_engine`] gives its SNMPv3 engine once its port is known.
    #[must_use]
    pub fn responder(&self) -> Responder {
        Responder::new(self.store.clone(), &self.community)
    }

    /// Its SNMPv3 engine once it listens on `bound` (the default engine id names the port),
    /// the users' keys made through `cache`; `None` without SNMPv3 users. The engine's clock
    /// starts now.
    ///
    /// # Errors
    /// A key that cannot be made (checked at load already, so not expected).
    pub fn v3_engine(
        &self,
        bound: SocketAddr,
        cache: &mut KeyCache,
    ) -> Result<Option<AgentEngine>, UserError> {
        let Some(v3) = &self.v3 else { return Ok(None) };
        let id = v3
            .engine_id
            .clone()
            .unwrap_or_else(|| default_engine_id(bound.port()));
        AgentEngine::new(id, v3.engine_boots, &v3.users, cache).map(Some)
    }
}

/// Where an agent is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `host:port` (as [`crate::engine::split_target`] reads it).
    Address(String),
    /// A simulated agent by name, not started yet: [`Settings::bind_simulator`] turns it into
    /// an address once it listens.
    Simulator(String),
}

/// One agent.
#[derive(Debug, Clone)]
pub struct AgentSettings {
    /// Its name (the engine's session name).
    pub name: String,
    /// Where it is.
    pub target: Target,
    /// Version, community, timeouts and limits.
    pub session: SessionConfig,
    /// Every group it belongs to, nested groups included, sorted.
    pub groups: Vec<String>,
}

/// One poll job.
#[derive(Debug, Clone, PartialEq)]
pub struct JobSettings {
    /// Its name.
    pub name: String,
    /// Selectors: agent names, group names, or `*` (see [`selects`]).
    pub agents: Vec<String>,
    /// Time between two polls of one agent.
    pub interval: Duration,
    /// GET these.
    pub scalars: Vec<Oid>,
    /// Walk these subtrees.
    pub walks: Vec<Oid>,
    /// Walk these tables.
    pub tables: Vec<Oid>,
    /// Counters under these prefixes also get a rate.
    pub rates: Vec<Oid>,
    /// Outputs that get the samples; empty: all.
    pub outputs: Vec<String>,
    /// False: defined but not polled.
    pub enabled: bool,
}

impl JobSettings {
    /// True when samples of `oid` get a rate.
    #[must_use]
    pub fn wants_rate(&self, oid: &Oid) -> bool {
        self.rates.iter().any(|p| oid.starts_with(p))
    }
}

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
    },
    /// InfluxDB line protocol.
    Influx {
        /// Where.
        dest: Destination,
    },
    /// A Prometheus exposition endpoint (`GET /metrics`).
    Prometheus {
        /// The HTTP listening address.
        listen: SocketAddr,
    },
}

/// `[cluster]`, checked: a `redis://` URL, a TTL of at least three heartbeats, pins naming
/// groups.
fn cluster_settings(
    at: &At<'_, '_>,
    c: raw::Cluster,
    env: &[(String, String)],
    groups: &BTreeMap<String, Vec<String>>,
    agents: &BTreeMap<String, AgentSettings>,
) -> Result<crate::cluster::ClusterSettings, Error> {
    use crate::cluster::{
        DEFAULT_HEARTBEAT, DEFAULT_NAME, DEFAULT_TTL, MIN_TTL_HEARTBEATS, default_instance,
    };
    let redis = c.redis.ok_or_else(|| {
        at.err(
            &["cluster", "redis"],
            "needs the Redis URL (redis://HOST:PORT)",
        )
    })?;
    if redis.starts_with("rediss://") {
        return Err(at.err(
            &["cluster", "redis"],
            "TLS (rediss://) is not built into this snmpact; use redis:// (loopback or a tunnel)",
        ));
    }
    if !(redis.starts_with("redis://") || redis.starts_with("redis+unix://")) {
        return Err(at.err(&["cluster", "redis"], "a redis:// or redis+unix:// URL"));
    }
    let password = match &c.password_env {
        Some(var) => Some(
            env.iter()
                .find(|(k, _)| k == var)
                .map(|(_, v)| v.clone())
                .ok_or_else(|| {
                    at.err(
                        &["cluster", "password_env"],
                        format!("environment variable {var} is not set"),
                    )
                })?,
        ),
        None => None,
    };
    let heartbeat = at
        .duration(&["cluster", "heartbeat"], c.heartbeat.as_ref())?
        .unwrap_or(DEFAULT_HEARTBEAT);
    let ttl = at
        .duration(&["cluster", "ttl"], c.ttl.as_ref())?
        .unwrap_or(DEFAULT_TTL);
    if heartbeat < Duration::from_millis(50) {
        return Err(at.err(&["cluster", "heartbeat"], "at least 50ms"));
    }
    if ttl < heartbeat * MIN_TTL_HEARTBEATS {
        return Err(at.err(
            &["cluster", "ttl"],
            format!("at least {MIN_TTL_HEARTBEATS} heartbeats"),
        ));
    }
    let name = c.name.unwrap_or_else(|| DEFAULT_NAME.to_owned());
    let instance = c.instance.unwrap_or_else(default_instance);
    for (key, v) in [("name", &name), ("instance", &instance)] {
        if v.is_empty() || v.contains(|ch: char| ch.is_whitespace() || ch.is_control()) {
            return Err(at.err(&["cluster", key], "not empty, no spaces"));
        }
    }
    for g in c.pins.keys() {
        if !groups.contains_key(g) && !agents.values().any(|a| a.groups.contains(g)) {
            return Err(at.err(
                &["cluster", "pins", g.as_str()],
                format!("no group {g:?} in [groups]"),
            ));
        }
    }
    Ok(crate::cluster::ClusterSettings {
        redis,
        password,
        name,
        instance,
        site: c.site,
        pins: c.pins,
        heartbeat,
        ttl,
    })
}

/// True when `selectors` (a job's `agents`) pick the agent `agent` in `groups`.
#[must_use]
pub fn selects(selectors: &[String], agent: &str, groups: &[String]) -> bool {
    selectors
        .iter()
        .any(|s| s == ALL_AGENTS || s == agent || groups.iter().any(|g| g == s))
}

/// Parses a duration: a number (decimals allowed) and a unit, `ms`, `s`, `m` or `h`: `"500ms"`,
/// `"10s"`, `"1.5s"`, `"5m"`.
///
/// ```
/// use std::time::Duration;
/// use snmpact::config::parse_duration;
/// assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
/// assert!(parse_duration("10").is_err());
/// ```
///
/// # Errors
/// A message saying what is wrong.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let bad =
        || format!("bad duration {text:?}: write a number and a unit (ms, s, m, h), like \"10s\"");
    let n: f64 = num.parse().map_err(|_| bad())?;
    let scale = match unit.trim() {
        "ms" => 0.001,
        "s" => 1.0,
        "m" => 60.0,
        "h" => 3600.0,
        _ => return Err(bad()),
    };
    Duration::try_from_secs_f64(n * scale).map_err(|_| bad())
}

/// Parses `"1"`, `"v1"`, `"2c"`, `"v2c"`, `"2"`, `"3"`, `"v3"`.
fn parse_version(text: &str) -> Result<Version, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "1" | "v1" => Ok(Version::V1),
        "2c" | "v2c" | "2" => Ok(Version::V2c),
        "3" | "v3" => Ok(Version::V3),
        _ => Err(format!("bad version {text:?}: \"1\", \"2c\" or \"3\"")),
    }
}

/// Builds errors at one key.
struct At<'a, 'o> {
    origins: &'a Origins<'o>,
}

impl At<'_, '_> {
    fn err(&self, path: &[&str], message: impl Into<String>) -> Error {
        Error::Key {
            origin: self.origins.of(path),
            key: path.join("."),
            message: message.into(),
        }
    }

    fn duration(&self, path: &[&str], v: Option<&String>) -> Result<Option<Duration>, Error> {
        let Some(v) = v else { return Ok(None) };
        let d = parse_duration(v).map_err(|m| self.err(path, m))?;
        if d.is_zero() {
            return Err(self.err(path, "must be more than zero"));
        }
        Ok(Some(d))
    }

    fn addr(&self, path: &[&str], v: Option<&String>, default: &str) -> Result<SocketAddr, Error> {
        let text = v.map_or(default, String::as_str);
        text.parse()
            .map_err(|_| self.err(path, format!("bad address {text:?}: write IP:PORT")))
    }

    fn oids(&self, path: &[&str], v: Option<&Vec<String>>) -> Result<Vec<Oid>, Error> {
        let mut out = Vec::new();
        for (i, text) in v.into_iter().flatten().enumerate() {
            let oid = mib::resolve(text)
                .map_err(|e| self.err(path, format!("item {} ({text:?}): {e}", i + 1)))?;
            out.push(oid);
        }
        Ok(out)
    }

    /// The directory relative paths in the value at `path` are relative to.
    fn base_dir(&self, path: &[&str]) -> PathBuf {
        let origin = self.origins.of(path);
        let p = Path::new(&origin);
        if p.is_file() {
            p.parent().map(Path::to_path_buf).unwrap_or_default()
        } else {
            PathBuf::new()
        }
    }
}

/// The session keys shared by `[defaults]`, `[groups.NAME]` and `[agents.NAME]` (and, the
/// SNMPv3 user keys only, `[[simulator.agents.NAME.v3_users]]`).
#[derive(Default)]
struct SessionKeys<'r> {
    version: Option<&'r String>,
    community: Option<&'r raw::SecretText>,
    community_env: Option<&'r String>,
    timeout: Option<&'r String>,
    retries: Option<u32>,
    backoff: Option<&'r String>,
    max_oids: Option<usize>,
    max_repetitions: Option<u32>,
    max_in_flight: Option<usize>,
    user: Option<&'r String>,
    security_level: Option<&'r String>,
    auth_protocol: Option<&'r String>,
    auth_password: Option<&'r raw::SecretText>,
    auth_password_env: Option<&'r String>,
    auth_key_env: Option<&'r String>,
    priv_protocol: Option<&'r String>,
    priv_password: Option<&'r raw::SecretText>,
    priv_password_env: Option<&'r String>,
    priv_key_env: Option<&'r String>,
    context: Option<&'r String>,
    context_engine_id: Option<&'r String>,
    security_engine_id: Option<&'r String>,
}

/// `From<&raw::X> for SessionKeys` for the structs `with_session_keys!` wrote.
macro_rules! session_keys_from {
    ($($raw:ty),*) => {$(
        impl<'r> From<&'r $raw> for SessionKeys<'r> {
            fn from(s: &'r $raw) -> Self {
                Self {
                    version: s.version.as_ref(),
                    community: s.community.as_ref(),
                    community_env: s.community_env.as_ref(),
                    timeout: s.timeout.as_ref(),
                    retries: s.retries,
                    backoff: s.backoff.as_ref(),
                    max_oids: s.max_oids,
                    max_repetitions: s.max_repetitions,
                    max_in_flight: s.max_in_flight,
                    user: s.user.as_ref(),
                    security_level: s.security_level.as_ref(),
                    auth_protocol: s.auth_protocol.as_ref(),
                    auth_password: s.auth_password.as_ref(),
                    auth_password_env: s.auth_password_env.as_ref(),
                    auth_key_env: s.auth_key_env.as_ref(),
                    priv_protocol: s.priv_protocol.as_ref(),
                    priv_password: s.priv_password.as_ref(),
                    priv_password_env: s.priv_password_env.as_ref(),
                    priv_key_env: s.priv_key_env.as_ref(),
                    context: s.context.as_ref(),
                    context_engine_id: s.context_engine_id.as_ref(),
                    security_engine_id: s.security_engine_id.as_ref(),
                }
            }
        }
    )*};
}

session_keys_from!(raw::Session, raw::Agent, raw::Group);

impl SessionKeys<'_> {
    /// The SNMPv3 keys given, by name (for errors).
    fn v3_keys(&self) -> Vec<&'static str> {
        [
            ("user", self.user.is_some()),
            ("security_level", self.security_level.is_some()),
            ("auth_protocol", self.auth_protocol.is_some()),
            ("auth_password", self.auth_password.is_some()),
            ("auth_password_env", self.auth_password_env.is_some()),
            ("auth_key_env", self.auth_key_env.is_some()),
            ("priv_protocol", self.priv_protocol.is_some()),
            ("priv_password", self.priv_password.is_some()),
            ("priv_password_env", self.priv_password_env.is_some()),
            ("priv_key_env", self.priv_key_env.is_some()),
            ("context", self.context.is_some()),
            ("context_engine_id", self.context_engine_id.is_some()),
            ("security_engine_id", self.security_engine_id.is_some()),
        ]
        .into_iter()
        .filter_map(|(k, given)| given.then_some(k))
        .collect()
    }

    /// True when no session key is given (a group that only lists members).
    fn is_empty(&self) -> bool {
        self.v3_keys().is_empty()
            && self.version.is_none()
            && self.community.is_none()
            && self.community_env.is_none()
            && self.timeout.is_none()
            && self.retries.is_none()
            && self.backoff.is_none()
            && self.max_oids.is_none()
            && self.max_repetitions.is_none()
            && self.max_in_flight.is_none()
    }
}

/// A session being built layer by layer (built-in, `[defaults]`, a group, the agent): its
/// settings, and the SNMPv3 keys so far, made into a user by [`finish_session`] once every
/// layer is in. `Debug` shows no secret.
#[derive(Debug, Clone, Default)]
struct Partial {
    cfg: SessionConfig,
    user: UserOptions,
}

/// The value of the environment variable `var`, or an error at `path` naming the variable
/// (never a value).
fn env_var<'e>(
    at: &At<'_, '_>,
    path: &[&str],
    env: &'e [(String, String)],
    var: &str,
) -> Result<&'e str, Error> {
    env.iter()
        .find(|(k, _)| k == var)
        .map(|(_, v)| v.as_str())
        .ok_or_else(|| at.err(path, format!("environment variable {var} is not set")))
}

/// The key source of one layer's `{what}_password`, `{what}_password_env`, `{what}_key_env`:
/// at most one may be given.
fn key_source<'p>(
    at: &At<'_, '_>,
    key: &dyn Fn(&'static str) -> Vec<&'p str>,
    env: &[(String, String)],
    what: &'static str,
    given: [(&'static str, Option<&str>); 3],
) -> Result<Option<KeySource>, Error> {
    let set: Vec<_> = given.iter().filter(|(_, v)| v.is_some()).collect();
    if set.len() > 1 {
        return Err(at.err(
            &key(set[1].0),
            format!("give one of {what}_password, {what}_password_env and {what}_key_env"),
        ));
    }
    let Some(&(name, Some(value))) = set.first().copied() else {
        return Ok(None);
    };
    let path = key(name);
    Ok(Some(match name {
        n if n.ends_with("_password") => KeySource::Password(Secret::from(value)),
        n if n.ends_with("_password_env") => {
            KeySource::Password(Secret::from(env_var(at, &path, env, value)?))
        }
        _ => {
            let hex = env_var(at, &path, env, value)?;
            KeySource::Localized(Secret::from_hex(hex).map_err(|_| {
                at.err(
                    &path,
                    format!("environment variable {value} is not a key in hex"),
                )
            })?)
        }
    }))
}

fn apply_session(
    at: &At<'_, '_>,
    base: &[&str],
    keys: &SessionKeys<'_>,
    env: &[(String, String)],
    mut partial: Partial,
) -> Result<Partial, Error> {
    let key = |k: &'static str| -> Vec<&str> {
        let mut p = base.to_vec();
        p.push(k);
        p
    };
    let cfg = &mut partial.cfg;
    if let Some(v) = keys.version {
        cfg.version = parse_version(v).map_err(|m| at.err(&key("version"), m))?;
    }
    if let Some(c) = keys.community {
        cfg.community = Community::from(c.expose());
    }
    if let Some(var) = keys.community_env {
        cfg.community = Community::from(env_var(at, &key("community_env"), env, var)?);
    }
    if let Some(d) = at.duration(&key("timeout"), keys.timeout)? {
        cfg.timeout = d;
    }
    if let Some(r) = keys.retries {
        cfg.retries = r;
    }
    if let Some(b) = keys.backoff {
        cfg.backoff = match b.as_str() {
            "fixed" => Backoff::Fixed,
            "doubling" => Backoff::Doubling,
            _ => {
                return Err(at.err(
                    &key("backoff"),
                    format!("bad backoff {b:?}: \"fixed\" or \"doubling\""),
                ));
            }
        };
    }
    let positive = |k: &'static str, v: usize| {
        if v == 0 {
            Err(at.err(&key(k), "must be at least 1"))
        } else {
            Ok(v)
        }
    };
    if let Some(n) = keys.max_oids {
        cfg.max_oids = positive("max_oids", n)?;
    }
    if let Some(n) = keys.max_repetitions {
        cfg.max_repetitions = u32::try_from(positive(
            "max_repetitions",
            usize::try_from(n).unwrap_or(usize::MAX),
        )?)
        .unwrap_or(u32::MAX);
    }
    if let Some(n) = keys.max_in_flight {
        cfg.max_in_flight = positive("max_in_flight", n)?;
    }

    let user = &mut partial.user;
    if let Some(name) = keys.user {
        user.name = Some(name.clone());
    }
    if let Some(l) = keys.security_level {
        user.level = Some(l.parse().map_err(|_| {
            at.err(
                &key("security_level"),
                format!(
                    "bad security level {l:?}: \"noAuthNoPriv\", \"authNoPriv\" or \"authPriv\""
                ),
            )
        })?);
    }
    if let Some(a) = keys.auth_protocol {
        user.auth_protocol = Some(a.parse().map_err(|_| {
            at.err(
                &key("auth_protocol"),
                format!(
                    "bad authentication protocol {a:?}: \"MD5\", \"SHA\", \"SHA-224\", \"SHA-256\", \"SHA-384\" or \"SHA-512\""
                ),
            )
        })?);
    }
    if let Some(x) = keys.priv_protocol {
        user.priv_protocol = Some(x.parse().map_err(|_| {
            at.err(
                &key("priv_protocol"),
                format!(
                    "bad privacy protocol {x:?}: \"DES\", \"AES\", \"AES-192\", \"AES-256\", \"AES-192-C\" or \"AES-256-C\""
                ),
            )
        })?);
    }
    let auth = key_source(
        at,
        &key,
        env,
        "auth",
        [
            (
                "auth_password",
                keys.auth_password.map(raw::SecretText::expose),
            ),
            (
                "auth_password_env",
                keys.auth_password_env.map(String::as_str),
            ),
            ("auth_key_env", keys.auth_key_env.map(String::as_str)),
        ],
    )?;
    if auth.is_some() {
        user.auth_key = auth;
    }
    let privacy = key_source(
        at,
        &key,
        env,
        "priv",
        [
            (
                "priv_password",
                keys.priv_password.map(raw::SecretText::expose),
            ),
            (
                "priv_password_env",
                keys.priv_password_env.map(String::as_str),
            ),
            ("priv_key_env", keys.priv_key_env.map(String::as_str)),
        ],
    )?;
    if privacy.is_some() {
        user.priv_key = privacy;
    }
    if let Some(c) = keys.context {
        user.context = Some(c.as_bytes().to_vec());
    }
    if let Some(id) = keys.context_engine_id {
        user.context_engine_id = Some(engine_id(at, &key("context_engine_id"), id)?);
    }
    if let Some(id) = keys.security_engine_id {
        user.security_engine_id = Some(engine_id(at, &key("security_engine_id"), id)?);
    }
    Ok(partial)
}

/// An engine id at `path`: 5 to 32 octets in hex.
fn engine_id(at: &At<'_, '_>, path: &[&str], text: &str) -> Result<Vec<u8>, Error> {
    crate::v3::parse_engine_id(text).ok_or_else(|| {
        at.err(
            path,
            format!(
                "bad engine id {text:?}: {MIN_ENGINE_ID_LEN} to {MAX_ENGINE_ID_LEN} octets in hex"
            ),
        )
    })
}

/// The SNMPv3 side of the simulated agent at `base` (`simulator.agents.NAME`): its engine and
/// users, each user read by the same code as an agent's ([`apply_session`], then
/// [`finish_session`]), so keys, secrets and errors are the same.
fn sim_v3(
    at: &At<'_, '_>,
    base: &[&str],
    s: &raw::SimAgent,
    env: &[(String, String)],
) -> Result<Option<SimV3Settings>, Error> {
    let key = |k: &str| -> Vec<String> {
        base.iter()
            .map(|s| (*s).to_owned())
            .chain([k.to_owned()])
            .collect()
    };
    let users_given = s.v3_users.as_ref().is_some_and(|u| !u.is_empty());
    let mut engine = None;
    if let Some(text) = &s.engine_id {
        let path = key("engine_id");
        engine = Some(engine_id(at, &refs(&path), text)?);
    }
    let engine_boots = s.engine_boots.unwrap_or(DEFAULT_BOOTS);
    if engine_boots >= MAX_BOOTS {
        return Err(at.err(
            &refs(&key("engine_boots")),
            format!("must be below {MAX_BOOTS} (there the engine accepts nothing authenticated)"),
        ));
    }
    if !users_given {
        for (k, given) in [
            ("engine_id", s.engine_id.is_some()),
            ("engine_boots", s.engine_boots.is_some()),
        ] {
            if given {
                return Err(at.err(&refs(&key(k)), "SNMPv3 engine without v3_users"));
            }
        }
        return Ok(None);
    }
    let mut users: Vec<User> = Vec::new();
    for (i, u) in s.v3_users.iter().flatten().enumerate() {
        let entry = key(&format!("v3_users[{i}]"));
        let path = refs(&entry);
        let err = |k: &str, message: String| {
            let mut p = path.clone();
            p.push(k);
            at.err(&p, message)
        };
        let name = match u.user.as_deref() {
            Some(n) if !n.is_empty() && n.len() <= crate::v3::MAX_USER_NAME => n,
            Some(_) => {
                return Err(err(
                    "user",
                    format!("1 to {} characters", crate::v3::MAX_USER_NAME),
                ));
            }
            None => return Err(err("user", "missing: the USM user name".into())),
        };
        if users.iter().any(|other| other.name == name) {
            return Err(err("user", format!("{name:?} is listed twice")));
        }
        let keys = SessionKeys {
            user: u.user.as_ref(),
            security_level: u.security_level.as_ref(),
            auth_protocol: u.auth_protocol.as_ref(),
            auth_password: u.auth_password.as_ref(),
            auth_password_env: u.auth_password_env.as_ref(),
            auth_key_env: u.auth_key_env.as_ref(),
            priv_protocol: u.priv_protocol.as_ref(),
            priv_password: u.priv_password.as_ref(),
            priv_password_env: u.priv_password_env.as_ref(),
            priv_key_env: u.priv_key_env.as_ref(),
            ..SessionKeys::default()
        };
        let start = Partial {
            cfg: SessionConfig {
                version: Version::V3,
                ..SessionConfig::default()
            },
            user: UserOptions::default(),
        };
        let partial = apply_session(at, &path, &keys, env, start)?;
        let session = finish_session(at, &path, partial, true)?;
        let Some(user) = session.user.as_deref().cloned() else {
            return Err(err("user", "missing: the USM user name".into()));
        };
        // A localized key is for one engine id: it needs `engine_id`, and is checked now.
        let localized = [
            ("auth_key_env", &user.auth_key),
            ("priv_key_env", &user.priv_key),
        ]
        .into_iter()
        .find(|(_, k)| matches!(k, Some(KeySource::Localized(_))));
        if let Some((k, _)) = localized {
            let Some(id) = &engine else {
                return Err(err(
                    k,
                    "a localized key is for one engine: give the agent's engine_id".into(),
                ));
            };
            user.keys(id, &mut KeyCache::new())
                .map_err(|e| at.err(&path, format!("SNMPv3 user {name:?}: {e}")))?;
        }
        users.push(user);
    }
    Ok(Some(SimV3Settings {
        engine_id: engine,
        engine_boots,
        users,
    }))
}

/// `&str`s of a path built from owned segments.
fn refs(path: &[String]) -> Vec<&str> {
    path.iter().map(String::as_str).collect()
}

/// Checks that SNMPv3 keys given in the table at `path` are used: the table's session must be
/// at version 3 (`version` given there or inherited).
fn check_v3_keys(
    at: &At<'_, '_>,
    path: &[&str],
    keys: &SessionKeys<'_>,
    partial: &Partial,
) -> Result<(), Error> {
    let given = keys.v3_keys();
    if partial.cfg.version != Version::V3
        && let Some(first) = given.first()
    {
        let mut p = path.to_vec();
        p.push(first);
        return Err(at.err(
            &p,
            format!(
                "an SNMPv3 key, but the version is {}: add version = \"3\"",
                partial.cfg.version.as_str()
            ),
        ));
    }
    Ok(())
}

/// The session of the table at `path` once every layer is in. At version 3 the user is made
/// and checked ([`User::validate`]); without `security_level` it is the highest the given
/// secrets allow. `require_user`: version 3 without `user` is an error (not for `[defaults]`,
/// whose agents may each name their own).
fn finish_session(
    at: &At<'_, '_>,
    path: &[&str],
    partial: Partial,
    require_user: bool,
) -> Result<SessionConfig, Error> {
    let Partial { mut cfg, mut user } = partial;
    if cfg.version != Version::V3 || (user.name.is_none() && !require_user) {
        cfg.user = None;
        return Ok(cfg);
    }
    if user.level.is_none() {
        user.level = Some(match (&user.auth_key, &user.priv_key) {
            (Some(_), Some(_)) => SecurityLevel::AuthPriv,
            (Some(_), None) => SecurityLevel::AuthNoPriv,
            _ => SecurityLevel::NoAuthNoPriv,
        });
    }
    let name = user.name.clone().unwrap_or_default();
    let built = user.build(None).map_err(|e| {
        let message = match e {
            UserOptionError::NoSecurityName => {
                "version 3 needs `user` (the SNMPv3 user name)".to_owned()
            }
            UserOptionError::User(UserError::MissingAuthKey(level)) => format!(
                "SNMPv3 user {name:?}: security level {level} needs auth_password, auth_password_env or auth_key_env"
            ),
            UserOptionError::User(UserError::MissingPrivKey) => format!(
                "SNMPv3 user {name:?}: security level authPriv needs priv_password, priv_password_env or priv_key_env"
            ),
            other => format!("SNMPv3 user {name:?}: {other}"),
        };
        at.err(path, message)
    })?;
    cfg.user = Some(Arc::new(built));
    Ok(cfg)
}

impl Settings {
    /// Checks and resolves `raw`. `origins` says where each value came from (for errors),
    /// `env` is where `community_env` variables are looked up, `sources` lists the layers.
    ///
    /// # Errors
    /// The first bad value, naming its key and origin.
    pub(crate) fn from_raw(
        mut raw: raw::Raw,
        origins: &Origins<'_>,
        env: &[(String, String)],
        sources: Vec<String>,
    ) -> Result<Self, Error> {
        let at = At { origins };
        let console = raw.console.take().unwrap_or_default();
        // MIBs first: job OIDs below may name objects of the modules loaded here.
        let mibs = raw.mibs.take().map(|m| {
            let mut spec = mib::LoadSpec::from_env();
            if let Some(dirs) = m.dirs {
                spec.dirs = dirs.into_iter().map(Into::into).collect();
            }
            if let Some(modules) = m.modules {
                spec.set_modules(&modules.join(":"));
                if modules.is_empty() {
                    spec.modules = mib::Modules::List(Vec::new());
                }
            }
            if let Some(cache) = m.cache {
                spec.cache = mib::CacheDir::parse(&cache);
            }
            spec
        });
        if let Some(spec) = &mibs {
            mib::configure(spec.clone());
        }
        console
            .check()
            .map_err(|e| at.err(&["console", e.key()], e.to_string()))?;

        let e = raw.engine.take().unwrap_or_default();
        let default_binding = Binding::default();
        let engine = EngineConfig {
            shards: e.shards.unwrap_or(0),
            binding: Binding {
                v4: match &e.bind {
                    Some(b) => at.addr(&["engine", "bind"], Some(b), "")?,
                    None => default_binding.v4,
                },
                v6: match &e.bind6 {
                    Some(b) => at.addr(&["engine", "bind6"], Some(b), "")?,
                    None => default_binding.v6,
                },
            },
        };
        if !engine.binding.v4.is_ipv4() {
            return Err(at.err(&["engine", "bind"], "needs an IPv4 address"));
        }
        if !engine.binding.v6.is_ipv6() {
            return Err(at.err(&["engine", "bind6"], "needs an IPv6 address"));
        }

        let d = raw.defaults.take().unwrap_or_default();
        let base = apply_session(
            &at,
            &["defaults"],
            &SessionKeys::from(&d),
            env,
            Partial::default(),
        )?;
        let defaults = finish_session(&at, &["defaults"], base.clone(), false)?;

        let p = raw.poller.take().unwrap_or_default();
        let poller = PollerSettings {
            max_backoff: at
                .duration(&["poller", "max_backoff"], p.max_backoff.as_ref())?
                .unwrap_or(DEFAULT_MAX_BACKOFF),
            health_interval: at
                .duration(&["poller", "health_interval"], p.health_interval.as_ref())?
                .unwrap_or(DEFAULT_HEALTH_INTERVAL),
        };

        let mut simulator = BTreeMap::new();
        for (name, s) in raw.simulator.take().unwrap_or_default().agents {
            let base = ["simulator", "agents", name.as_str()];
            let k = |key: &'static str| [base[0], base[1], base[2], key];
            let listen = at.addr(&k("listen"), s.listen.as_ref(), DEFAULT_SIMULATOR_LISTEN)?;
            let (data, store) = match &s.data {
                Some(file) => {
                    let path = at.base_dir(&k("data")).join(file);
                    let text = std::fs::read_to_string(&path).map_err(|e| {
                        at.err(&k("data"), format!("cannot read {}: {e}", path.display()))
                    })?;
                    let store = snmprec::parse(&text)
                        .map_err(|e| at.err(&k("data"), format!("{}: {e}", path.display())))?;
                    (Some(path), store)
                }
                None => (None, snmprec::demo()),
            };
            simulator.insert(
                name.clone(),
                SimAgentSettings {
                    name: name.clone(),
                    listen,
                    data,
                    store,
                    community: s
                        .community
                        .clone()
                        .unwrap_or_else(|| DEFAULT_SIMULATOR_COMMUNITY.to_owned()),
                    v3: sim_v3(&at, &base, &s, env)?,
                },
            );
        }

        let mut targets = BTreeMap::new();
        for (name, a) in &raw.agents {
            let base = ["agents", name.as_str()];
            let k = |key: &'static str| [base[0], base[1], key];
            if name.is_empty() || name == ALL_AGENTS || name.contains(char::is_whitespace) {
                return Err(at.err(&base, "an agent name is not empty, `*` or with spaces"));
            }
            let target = match (&a.address, &a.simulator) {
                (Some(_), Some(_)) => {
                    return Err(at.err(&k("simulator"), "give `address` or `simulator`, not both"));
                }
                (Some(addr), None) => {
                    split_target(addr).map_err(|m| at.err(&k("address"), m))?;
                    Target::Address(addr.clone())
                }
                (None, Some(sim)) => {
                    if !simulator.contains_key(sim) {
                        return Err(at.err(
                            &k("simulator"),
                            format!("no simulated agent {sim:?} in [simulator.agents]"),
                        ));
                    }
                    Target::Simulator(sim.clone())
                }
                (None, None) if simulator.contains_key(name) => Target::Simulator(name.clone()),
                (None, None) => {
                    return Err(at.err(&base, "needs `address` (or `simulator`)"));
                }
            };
            targets.insert(name.clone(), target);
        }

        let groups = expand_groups(&at, &raw, &targets)?;

        // Groups with session keys: each over [defaults]; an agent takes at most one's.
        let mut group_sessions: BTreeMap<&str, Partial> = BTreeMap::new();
        for (g, def) in &raw.groups {
            let raw::GroupDef::Table(table) = def else {
                continue;
            };
            let keys = SessionKeys::from(&**table);
            if keys.is_empty() {
                continue;
            }
            let path = ["groups", g.as_str()];
            let partial = apply_session(&at, &path, &keys, env, base.clone())?;
            check_v3_keys(&at, &path, &keys, &partial)?;
            group_sessions.insert(g.as_str(), partial);
        }

        let mut agents = BTreeMap::new();
        for (name, target) in targets {
            let a = &raw.agents[&name];
            let path = ["agents", name.as_str()];
            let member_of: Vec<String> = groups
                .iter()
                .filter(|(_, members)| members.contains(&name))
                .map(|(g, _)| g.clone())
                .collect();
            let with_keys: Vec<&str> = member_of
                .iter()
                .map(String::as_str)
                .filter(|g| group_sessions.contains_key(g))
                .collect();
            let start = match with_keys.as_slice() {
                [] => base.clone(),
                [g] => group_sessions[g].clone(),
                [g1, g2, ..] => {
                    return Err(at.err(
                        &path,
                        format!(
                            "in groups {g1:?} and {g2:?}, which both set session keys: an agent takes them from one group at most"
                        ),
                    ));
                }
            };
            let keys = SessionKeys::from(a);
            let partial = apply_session(&at, &path, &keys, env, start)?;
            check_v3_keys(&at, &path, &keys, &partial)?;
            let session = finish_session(&at, &path, partial, true)?;
            agents.insert(
                name.clone(),
                AgentSettings {
                    name,
                    target,
                    session,
                    groups: member_of,
                },
            );
        }

        let mut outputs = BTreeMap::new();
        for (name, o) in &raw.outputs {
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
            let out = match kind {
                "json" | "influx" => {
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
                        OutputSettings::Json { dest: dest()? }
                    } else {
                        OutputSettings::Influx { dest: dest()? }
                    }
                }
                "prometheus" => {
                    if o.path.is_some() {
                        return Err(
                            at.err(&k("path"), "not for kind = \"prometheus\" (use listen)")
                        );
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
                    OutputSettings::Prometheus { listen }
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

        let mut jobs = BTreeMap::new();
        for (name, j) in &raw.jobs {
            let base = ["jobs", name.as_str()];
            let k = |key: &'static str| [base[0], base[1], key];
            let interval = at
                .duration(&k("interval"), j.interval.as_ref())?
                .ok_or_else(|| at.err(&k("interval"), "missing (like \"10s\")"))?;
            if interval < MIN_INTERVAL {
                return Err(at.err(
                    &k("interval"),
                    format!("below the minimum {MIN_INTERVAL:?}"),
                ));
            }
            let selectors = j.agents.clone().ok_or_else(|| {
                at.err(&k("agents"), "missing: agent names, group names or \"*\"")
            })?;
            for s in &selectors {
                if s != ALL_AGENTS && !agents.contains_key(s) && !groups.contains_key(s) {
                    return Err(at.err(
                        &k("agents"),
                        format!("{s:?} is neither an agent nor a group"),
                    ));
                }
            }
            let scalars = at.oids(&k("scalars"), j.scalars.as_ref())?;
            let tree = mib::tree();
            for (i, oid) in scalars.iter().enumerate() {
                if let Some(entry) = tree.find_exact(oid.arcs()).and_then(|n| tree.node(n))
                    && matches!(entry.kind, NodeKind::Scalar | NodeKind::Column)
                {
                    return Err(at.err(
                        &k("scalars"),
                        format!(
                            "item {} names the object {}, not an instance: add the index (like {}.0)",
                            i + 1,
                            entry.name,
                            entry.name
                        ),
                    ));
                }
            }
            let walks = at.oids(&k("walks"), j.walks.as_ref())?;
            let tables = at.oids(&k("tables"), j.tables.as_ref())?;
            for (i, oid) in tables.iter().enumerate() {
                if let Some(entry) = tree.find_exact(oid.arcs()).and_then(|n| tree.node(n))
                    && !matches!(entry.kind, NodeKind::Table | NodeKind::Entry)
                {
                    return Err(at.err(
                        &k("tables"),
                        format!("item {} ({}) is not a table (use walks)", i + 1, entry.name),
                    ));
                }
            }
            let rates = at.oids(&k("rates"), j.rates.as_ref())?;
            let enabled = j.enabled.unwrap_or(true);
            if enabled && scalars.is_empty() && walks.is_empty() && tables.is_empty() {
                return Err(at.err(&base, "polls nothing: give scalars, walks or tables"));
            }
            let job_outputs = j.outputs.clone().unwrap_or_default();
            for o in &job_outputs {
                if !outputs.contains_key(o) {
                    return Err(at.err(&k("outputs"), format!("no output named {o:?}")));
                }
            }
            jobs.insert(
                name.clone(),
                JobSettings {
                    name: name.clone(),
                    agents: selectors,
                    interval,
                    scalars,
                    walks,
                    tables,
                    rates,
                    outputs: job_outputs,
                    enabled,
                },
            );
        }

        let traps = match raw.traps.take() {
            Some(t) => Some(traps_settings(&at, t, env, &outputs)?),
            None => None,
        };
        let cluster = match raw.cluster.take() {
            Some(c) => Some(cluster_settings(&at, c, env, &groups, &agents)?),
            None => None,
        };

        Ok(Self {
            sources,
            console,
            engine,
            defaults,
            poller,
            simulator,
            agents,
            groups,
            jobs,
            outputs,
            mibs,
            traps,
            cluster,
        })
    }

    /// A hash of the agents and jobs (as configured, before simulated agents are bound), which
    /// every member of a cluster publishes so a configuration mismatch shows.
    #[must_use]
    pub fn cluster_config_hash(&self) -> String {
        crate::cluster::config_hash(&format!("{:?}\n{:?}", self.agents, self.jobs))
    }

    /// Records that the simulated agent `name` listens on `addr`: agents that poll it get that
    /// address as their target. Returns how many agents it concerned.
    pub fn bind_simulator(&mut self, name: &str, addr: SocketAddr) -> usize {
        let mut n = 0;
        for a in self.agents.values_mut() {
            if a.target == Target::Simulator(name.to_owned()) {
                a.target = Target::Address(addr.to_string());
                n += 1;
            }
        }
        if let Some(s) = self.simulator.get_mut(name) {
            s.listen = addr;
        }
        n
    }

    /// The agents job `job` selects now, sorted.
    #[must_use]
    pub fn job_agents(&self, job: &JobSettings) -> Vec<String> {
        self.agents
            .values()
            .filter(|a| selects(&job.agents, &a.name, &a.groups))
            .map(|a| a.name.clone())
            .collect()
    }
}

/// Expands `[groups]` (members may be groups) plus each agent's own `groups` into agent lists.
fn expand_groups<V>(
    at: &At<'_, '_>,
    raw: &raw::Raw,
    agents: &BTreeMap<String, V>,
) -> Result<BTreeMap<String, Vec<String>>, Error> {
    let mut direct: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (g, def) in &raw.groups {
        let members = def.members();
        if agents.contains_key(g) {
            return Err(at.err(&["groups", g], "an agent has the same name"));
        }
        if g == ALL_AGENTS {
            return Err(at.err(&["groups", g], "`*` is reserved for every agent"));
        }
        direct
            .entry(g.clone())
            .or_default()
            .extend(members.iter().cloned());
    }
    for (name, a) in &raw.agents {
        for g in a.groups.iter().flatten() {
            if agents.contains_key(g) {
                return Err(at.err(
                    &["agents", name, "groups"],
                    format!("{g:?} is an agent, not a group"),
                ));
            }
            direct.entry(g.clone()).or_default().insert(name.clone());
        }
    }
    for (g, members) in &direct {
        for m in members {
            if !agents.contains_key(m) && !direct.contains_key(m) {
                return Err(at.err(
                    &["groups", g],
                    format!("{m:?} is neither an agent nor a group"),
                ));
            }
        }
    }
    let mut out = BTreeMap::new();
    for g in direct.keys() {
        let mut found = BTreeSet::new();
        let mut path = vec![g.clone()];
        collect_members(at, &direct, agents, g, &mut path, &mut found)?;
        out.insert(g.clone(), found.into_iter().collect());
    }
    Ok(out)
}

fn collect_members<V>(
    at: &At<'_, '_>,
    direct: &BTreeMap<String, BTreeSet<String>>,
    agents: &BTreeMap<String, V>,
    group: &str,
    path: &mut Vec<String>,
    found: &mut BTreeSet<String>,
) -> Result<(), Error> {
    for m in direct.get(group).into_iter().flatten() {
        if agents.contains_key(m) {
            found.insert(m.clone());
        } else if path.contains(m) {
            return Err(at.err(
                &["groups", &path[0]],
                format!("groups include each other: {} -> {m}", path.join(" -> ")),
            ));
        } else {
            path.push(m.clone());
            collect_members(at, direct, agents, m, path, found)?;
            path.pop();
        }
    }
    Ok(())
}
