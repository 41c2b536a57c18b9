//! [`Settings`]: the configuration checked and resolved, ready for the engine, the poller and
//! the outputs. Built from [`super::raw::Raw`] by `Settings::from_raw` (crate-private); every error
//! names the key and where its value came from. Settings are data: the service builds the
//! simulated agents, sessions and outputs from them.
//!
//! One resolver per section, each in its own module: `value` reads one value at its key
//! (durations, addresses, OIDs through [`mib::resolve`], engine ids, environment variables);
//! `session` applies the session keys layer by layer (built-in, `[defaults]`, the agent's group,
//! the agent) into a [`SessionConfig`] with its SNMPv3 user; `agents` resolves targets and
//! groups (nested groups expanded, cycles refused); `simulator` the simulated agents (data files
//! parsed now, so a bad line is a load error; SNMPv3 users read by the same code as agents');
//! `outputs`, `poller` (`[poller]` and the jobs: every selector names an agent, a group or `*`),
//! `traps` and `cluster`.

mod agents;
mod cluster;
mod outputs;
mod poller;
mod session;
mod simulator;
mod traps;
mod value;

use std::collections::BTreeMap;
use std::net::SocketAddr;

use super::{Error, Origins, raw};
use crate::console::ConsoleConfig;
use crate::dispatcher::Binding;
use crate::engine::EngineConfig;
use crate::mib;
use crate::session::SessionConfig;

pub use agents::{AgentSettings, Target};
pub use outputs::{DEFAULT_METRIC_PREFIX, DEFAULT_PROMETHEUS, Destination, OutputSettings};
pub use poller::{
    DEFAULT_HEALTH_INTERVAL, DEFAULT_MAX_BACKOFF, DEFAULT_TICK, JobSettings, MIN_INTERVAL,
    MIN_TICK, PollerSettings, selects,
};
pub use simulator::{
    DEFAULT_SIMULATOR_COMMUNITY, DEFAULT_SIMULATOR_LISTEN, SimAgentSettings, SimV3Settings,
};
pub use traps::{DEFAULT_TRAPS_LISTEN, TrapSettings};
pub use value::parse_duration;

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
    pub agents: BTreeMap<String, std::sync::Arc<AgentSettings>>,
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
        let at = value::At { origins };
        let console = raw.console.take().unwrap_or_default();
        // MIBs first: job OIDs below may name objects of the modules loaded here.
        let mibs = raw.mibs.take().map(mibs_spec);
        if let Some(spec) = &mibs {
            mib::configure(spec.clone());
        }
        console
            .check()
            .map_err(|e| at.err(&["console", e.key()], e.to_string()))?;

        let engine = engine_settings(&at, raw.engine.take().unwrap_or_default())?;

        let d = raw.defaults.take().unwrap_or_default();
        let (base, defaults) = session::defaults(&at, &d, env)?;

        let poller = poller::poller_settings(&at, raw.poller.take().unwrap_or_default())?;

        let simulator = simulator::simulators(&at, raw.simulator.take().unwrap_or_default(), env)?;
        let (agents, groups) = agents::agents_and_groups(&at, &raw, &simulator, &base, env)?;
        let outputs = outputs::outputs(&at, &raw.outputs)?;
        let jobs = poller::jobs(&at, &raw.jobs, &agents, &groups, &outputs)?;

        let traps = match raw.traps.take() {
            Some(t) => Some(traps::traps_settings(&at, t, env, &outputs)?),
            None => None,
        };
        let cluster = match raw.cluster.take() {
            Some(c) => Some(cluster::cluster_settings(&at, c, env, &groups, &agents)?),
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
                std::sync::Arc::make_mut(a).target = Target::Address(addr.to_string());
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

/// `[mibs]`: what to load, over `MIBDIRS`/`MIBS` from the environment.
fn mibs_spec(m: raw::Mibs) -> mib::LoadSpec {
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
}

/// `[engine]`: shards and the local addresses of the IPv4 and IPv6 sockets.
fn engine_settings(at: &value::At<'_, '_>, e: raw::Engine) -> Result<EngineConfig, Error> {
    let default_binding = Binding::default();
    let adhoc_idle = match e.adhoc_idle.as_deref() {
        None => crate::engine::DEFAULT_ADHOC_IDLE,
        Some(t) => parse_duration(t).map_err(|m| at.err(&["engine", "adhoc_idle"], m))?,
    };
    let session_idle = match e.session_idle.as_deref() {
        None => crate::engine::DEFAULT_SESSION_IDLE,
        Some(t) => parse_duration(t).map_err(|m| at.err(&["engine", "session_idle"], m))?,
    };
    let engine = EngineConfig {
        adhoc_idle,
        session_idle,
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
    Ok(engine)
}
