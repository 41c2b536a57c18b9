//! The configuration as written: serde structs that mirror the TOML file section by section.
//!
//! Every struct denies unknown fields, so a misspelt key is an error (hickory:
//! `test_reject_unknown_fields`). Every field is optional, so that each layer (one file, the
//! environment, the command line) deserializes on its own and its errors name that layer;
//! required keys, ranges and cross references are checked afterwards in
//! [`settings`](super::settings). Values stay as written (durations and OIDs are text here).

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::console::ConsoleConfig;

/// The whole file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    /// `[console]`: the telnet console (its own struct, with its own defaults and checks).
    pub console: Option<ConsoleConfig>,
    /// `[engine]`: dispatchers and sockets.
    pub engine: Option<Engine>,
    /// `[defaults]`: session defaults every agent starts from.
    pub defaults: Option<Session>,
    /// `[poller]`: the poller's own knobs.
    pub poller: Option<Poller>,
    /// `[simulator]`: simulated agents served in-process.
    pub simulator: Option<Simulator>,
    /// `[agents.NAME]`.
    #[serde(default)]
    pub agents: BTreeMap<String, Agent>,
    /// `[groups]`: `NAME = ["agent-or-group", ...]`.
    #[serde(default)]
    pub groups: BTreeMap<String, Vec<String>>,
    /// `[jobs.NAME]`.
    #[serde(default)]
    pub jobs: BTreeMap<String, Job>,
    /// `[outputs.NAME]`.
    #[serde(default)]
    pub outputs: BTreeMap<String, Output>,
}

/// `[engine]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Engine {
    /// Dispatchers (threads); 0 = one per core.
    pub shards: Option<usize>,
    /// Local IPv4 address of the sockets (`0.0.0.0:0`).
    pub bind: Option<String>,
    /// Local IPv6 address of the sockets (`[::]:0`).
    pub bind6: Option<String>,
}

/// `[defaults]`: the session settings of every agent.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Session {
    /// `"1"` or `"2c"`.
    pub version: Option<String>,
    /// The community string (a secret).
    pub community: Option<String>,
    /// The name of an environment variable holding the community string.
    pub community_env: Option<String>,
    /// Wait for an answer (`"1s"`).
    pub timeout: Option<String>,
    /// Retransmissions after the first.
    pub retries: Option<u32>,
    /// `"fixed"` or `"doubling"`.
    pub backoff: Option<String>,
    /// Most OIDs in one request.
    pub max_oids: Option<usize>,
    /// max-repetitions of GETBULK walks.
    pub max_repetitions: Option<u32>,
    /// Most requests in flight to one agent.
    pub max_in_flight: Option<usize>,
}

/// `[poller]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Poller {
    /// Longest wait before a dead agent is tried again (`"5m"`).
    pub max_backoff: Option<String>,
    /// How often the health metrics are refreshed (`"10s"`).
    pub health_interval: Option<String>,
}

/// `[simulator]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Simulator {
    /// `[simulator.agents.NAME]`.
    #[serde(default)]
    pub agents: BTreeMap<String, SimAgent>,
}

/// `[simulator.agents.NAME]`: one simulated agent.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimAgent {
    /// Where it listens (`127.0.0.1:0`: any free loopback port).
    pub listen: Option<String>,
    /// Its data, a `.snmprec` file (relative to the file that names it).
    pub data: Option<String>,
    /// The community it answers.
    pub community: Option<String>,
}

/// `[agents.NAME]`: one agent (session settings override `[defaults]`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Agent {
    /// `host`, `host:port`, `[v6]:port`, `udp:host:port`.
    pub address: Option<String>,
    /// The simulated agent (a `[simulator.agents]` name) to poll instead of an address.
    pub simulator: Option<String>,
    /// Groups this agent belongs to (besides those in `[groups]`).
    pub groups: Option<Vec<String>>,
    /// See [`Session::version`].
    pub version: Option<String>,
    /// See [`Session::community`].
    pub community: Option<String>,
    /// See [`Session::community_env`].
    pub community_env: Option<String>,
    /// See [`Session::timeout`].
    pub timeout: Option<String>,
    /// See [`Session::retries`].
    pub retries: Option<u32>,
    /// See [`Session::backoff`].
    pub backoff: Option<String>,
    /// See [`Session::max_oids`].
    pub max_oids: Option<usize>,
    /// See [`Session::max_repetitions`].
    pub max_repetitions: Option<u32>,
    /// See [`Session::max_in_flight`].
    pub max_in_flight: Option<usize>,
}

/// `[jobs.NAME]`: what to poll, from which agents, how often.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Job {
    /// Agent names, group names, or `"*"` for every agent.
    pub agents: Option<Vec<String>>,
    /// Time between two polls of one agent (`"10s"`).
    pub interval: Option<String>,
    /// Scalar OIDs, fetched with GET (`"sysUpTime.0"`).
    pub scalars: Option<Vec<String>>,
    /// Subtrees to walk (`"ifHCInOctets"`).
    pub walks: Option<Vec<String>>,
    /// Conceptual tables to walk (`"ifXTable"`).
    pub tables: Option<Vec<String>>,
    /// Counter objects (prefixes) whose samples also get a rate per second.
    pub rates: Option<Vec<String>>,
    /// Outputs (names) that get this job's samples; none listed: every output.
    pub outputs: Option<Vec<String>>,
    /// `false` keeps the job defined but not polled.
    pub enabled: Option<bool>,
}

/// `[outputs.NAME]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Output {
    /// `"json"`, `"influx"` or `"prometheus"`.
    pub kind: Option<String>,
    /// json, influx: `"-"` (standard output, the default) or a file path (appended to).
    pub path: Option<String>,
    /// prometheus: the HTTP listening address (`127.0.0.1:9464`).
    pub listen: Option<String>,
}
