//! [`Settings`]: the configuration checked and resolved, ready for the engine, the poller and
//! the outputs. Built from [`super::raw::Raw`] by `Settings::from_raw` (crate-private); every error
//! names the key and where its value came from.
//!
//! Resolved here: durations (`"10s"`, [`parse_duration`]), SNMP versions, OIDs (through
//! [`mib::resolve`]), each agent's [`SessionConfig`] (built-in defaults, then `[defaults]`,
//! then the agent's own keys), community strings named by `community_env`, groups (nested
//! groups expanded, cycles refused), job selectors (every name must be an agent, a group or
//! `*`), output references, simulator data files (parsed now, so a bad line is a load error).

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{Error, Origins, raw};
use crate::agent::{Responder, Store, snmprec};
use crate::console::ConsoleConfig;
use crate::dispatcher::Binding;
use crate::engine::{EngineConfig, split_target};
use crate::mib::{self, NodeKind};
use crate::oid::Oid;
use crate::pdu::Version;
use crate::session::{Backoff, Community, SessionConfig};

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
}

impl SimAgentSettings {
    /// The responder that serves it (for [`crate::agent::server::spawn_many`]).
    #[must_use]
    pub fn responder(&self) -> Responder {
        Responder::new(self.store.clone(), &self.community)
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

/// Parses `"1"`, `"v1"`, `"2c"`, `"v2c"`, `"2"`.
fn parse_version(text: &str) -> Result<Version, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "1" | "v1" => Ok(Version::V1),
        "2c" | "v2c" | "2" => Ok(Version::V2c),
        _ => Err(format!("bad version {text:?}: \"1\" or \"2c\"")),
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

/// The session keys shared by `[defaults]` and `[agents.NAME]`.
struct SessionKeys<'r> {
    version: Option<&'r String>,
    community: Option<&'r String>,
    community_env: Option<&'r String>,
    timeout: Option<&'r String>,
    retries: Option<u32>,
    backoff: Option<&'r String>,
    max_oids: Option<usize>,
    max_repetitions: Option<u32>,
    max_in_flight: Option<usize>,
}

impl<'r> From<&'r raw::Session> for SessionKeys<'r> {
    fn from(s: &'r raw::Session) -> Self {
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
        }
    }
}

impl<'r> From<&'r raw::Agent> for SessionKeys<'r> {
    fn from(s: &'r raw::Agent) -> Self {
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
        }
    }
}

fn apply_session(
    at: &At<'_, '_>,
    base: &[&str],
    keys: &SessionKeys<'_>,
    env: &[(String, String)],
    mut cfg: SessionConfig,
) -> Result<SessionConfig, Error> {
    let key = |k: &'static str| -> Vec<&str> {
        let mut p = base.to_vec();
        p.push(k);
        p
    };
    if let Some(v) = keys.version {
        cfg.version = parse_version(v).map_err(|m| at.err(&key("version"), m))?;
    }
    if let Some(c) = keys.community {
        cfg.community = Community::from(c.as_str());
    }
    if let Some(var) = keys.community_env {
        let value = env
            .iter()
            .find(|(k, _)| k == var)
            .map(|(_, v)| v)
            .ok_or_else(|| {
                at.err(
                    &key("community_env"),
                    format!("environment variable {var} is not set"),
                )
            })?;
        cfg.community = Community::from(value.as_str());
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
        let defaults = apply_session(
            &at,
            &["defaults"],
            &SessionKeys::from(&d),
            env,
            SessionConfig::default(),
        )?;

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
                },
            );
        }

        let mut agents = BTreeMap::new();
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
            let session = apply_session(&at, &base, &SessionKeys::from(a), env, defaults.clone())?;
            agents.insert(
                name.clone(),
                AgentSettings {
                    name: name.clone(),
                    target,
                    session,
                    groups: Vec::new(),
                },
            );
        }

        let groups = expand_groups(&at, &raw, &agents)?;
        for (g, members) in &groups {
            for m in members {
                if let Some(a) = agents.get_mut(m) {
                    a.groups.push(g.clone());
                }
            }
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
                    OutputSettings::Prometheus {
                        listen: at.addr(&k("listen"), o.listen.as_ref(), DEFAULT_PROMETHEUS)?,
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
            for (i, oid) in scalars.iter().enumerate() {
                if let Some((entry, [])) = mib::lookup_oid(oid)
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
                if let Some((entry, [])) = mib::lookup_oid(oid)
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
        })
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
fn expand_groups(
    at: &At<'_, '_>,
    raw: &raw::Raw,
    agents: &BTreeMap<String, AgentSettings>,
) -> Result<BTreeMap<String, Vec<String>>, Error> {
    let mut direct: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (g, members) in &raw.groups {
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

fn collect_members(
    at: &At<'_, '_>,
    direct: &BTreeMap<String, BTreeSet<String>>,
    agents: &BTreeMap<String, AgentSettings>,
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
