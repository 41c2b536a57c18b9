//! The configuration as written: serde structs that mirror the TOML file section by section.
//!
//! Every struct denies unknown fields, so a misspelt key is an error (hickory:
//! `test_reject_unknown_fields`). Every field is optional, so that each layer (one file, the
//! environment, the command line) deserializes on its own and its errors name that layer;
//! required keys, ranges and cross references are checked afterwards in
//! [`settings`](super::settings). Values stay as written (durations and OIDs are text here).
//!
//! The session keys are the same in `[defaults]`, `[agents.NAME]` and `[groups.NAME]`: one
//! macro (`with_session_keys`) writes them into the three structs. Secrets (community strings,
//! pass phrases) are [`SecretText`], whose `Debug` shows nothing.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

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
    /// `[mibs]`: MIB directories and modules to load.
    pub mibs: Option<Mibs>,
    /// `[agents.NAME]`.
    #[serde(default)]
    pub agents: BTreeMap<String, Agent>,
    /// `[groups]`: `NAME = ["agent-or-group", ...]`, or `[groups.NAME]` with `members` and
    /// session keys.
    #[serde(default)]
    pub groups: BTreeMap<String, GroupDef>,
    /// `[jobs.NAME]`.
    #[serde(default)]
    pub jobs: BTreeMap<String, Job>,
    /// `[outputs.NAME]`.
    #[serde(default)]
    pub outputs: BTreeMap<String, Output>,
    /// `[traps]`: the notification receiver.
    pub traps: Option<Traps>,
    /// `[cluster]`: several instances share the agents through Redis.
    pub cluster: Option<Cluster>,
}

/// A string, or a list of them.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    /// One.
    One(String),
    /// Several.
    Many(Vec<String>),
}

impl OneOrMany {
    /// The strings.
    #[must_use]
    pub fn to_vec(&self) -> Vec<String> {
        match self {
            Self::One(s) => vec![s.clone()],
            Self::Many(v) => v.clone(),
        }
    }
}

/// `[traps]`: where and what the notification receiver accepts (snmptrapd's role).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Traps {
    /// Listening addresses (`"127.0.0.1:1162"`, `["127.0.0.1:1162", "[::1]:1162"]`; port 162
    /// needs privileges). One address may be a plain string (`--set traps.listen=IP:PORT`).
    pub listen: Option<OneOrMany>,
    /// Accepted v1/v2c communities (secrets).
    pub communities: Option<Vec<SecretText>>,
    /// Environment variables each holding an accepted community.
    pub communities_env: Option<Vec<String>>,
    /// SNMPv3: this receiver's engine id, in hex (informs; default `80001f8804` +
    /// `snmpact-PORT`).
    pub engine_id: Option<String>,
    /// SNMPv3: its snmpEngineBoots (default 1).
    pub engine_boots: Option<u32>,
    /// SNMPv3: engine ids of the senders whose traps are accepted, in hex.
    pub sender_engine_ids: Option<Vec<String>>,
    /// SNMPv3: the users (`[[traps.v3_users]]`, the user keys of a simulated agent's).
    pub v3_users: Option<Vec<SimUser>>,
    /// Most notifications a second per source address (0 or absent: no limit).
    pub rate_limit: Option<u32>,
    /// How long a delivered inform is remembered to recognise retransmissions (`"30s"`).
    pub dedup_window: Option<String>,
    /// Outputs (names) that get the notifications; none listed: every output.
    pub outputs: Option<Vec<String>>,
}

/// `[mibs]`: as net-snmp's `-M` and `-m`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mibs {
    /// Directories searched for MIB files (default: net-snmp's, then `etc/mibs`).
    pub dirs: Option<Vec<String>>,
    /// Modules to load, or `["ALL"]` (default: none, only the compiled-in table).
    pub modules: Option<Vec<String>>,
    /// The compiled MIB cache: a directory, or `"off"` (default: `$XDG_CACHE_HOME/snmpact`).
    pub cache: Option<String>,
}

/// `[cluster]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cluster {
    /// The Redis URL (`redis://127.0.0.1:6379`, `rediss://` for TLS).
    pub redis: Option<String>,
    /// PEM file of the CA that signed the Redis server's certificate (`rediss://`).
    pub ca_file: Option<String>,
    /// Redis Sentinel URLs, instead of `redis`.
    pub sentinels: Option<Vec<String>>,
    /// The master's name in Sentinel.
    pub master_name: Option<String>,
    /// An environment variable holding the Redis password.
    pub password_env: Option<String>,
    /// The key prefix (`snmpact`): instances with the same prefix form one cluster.
    pub name: Option<String>,
    /// This instance's id (default: host name and pid).
    pub instance: Option<String>,
    /// This instance's site, for pinned agents.
    pub site: Option<String>,
    /// Heartbeat period (`"1s"`).
    pub heartbeat: Option<String>,
    /// A member silent this long is gone (`"5s"`).
    pub ttl: Option<String>,
    /// `[cluster.pins]`: agent group -> the site whose instances alone poll its agents.
    #[serde(default)]
    pub pins: BTreeMap<String, String>,
}

/// `[engine]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Engine {
    /// Dispatchers (threads); 0 = the service decides: one below 50,000 agents, one per core from there.
    pub shards: Option<usize>,
    /// Local IPv4 address of the sockets (`0.0.0.0:0`).
    pub bind: Option<String>,
    /// Local IPv6 address of the sockets (`[::]:0`).
    pub bind6: Option<String>,
    /// Idle time after which a session a console command made for an address is evicted
    /// (`"5m"`; `"0s"`: never).
    pub adhoc_idle: Option<String>,
    /// Idle time after which a session's actor retires to its dormant record (`"10s"`;
    /// `"0s"`: never).
    pub session_idle: Option<String>,
}

/// A secret as written (a community string, a pass phrase): `Debug` never shows it.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct SecretText(String);

impl SecretText {
    /// The secret (to make a key or a community from, never to print).
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<&str> for SecretText {
    fn from(s: &str) -> Self {
        Self(s.to_owned())
    }
}

impl fmt::Debug for SecretText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Writes `$name` with its own fields first, then every session key (`version`, `community`,
/// ..., the SNMPv3 keys), documented once here.
macro_rules! with_session_keys {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* pub $field:ident : $ty:ty, )*
        }
    ) => {
        with_user_keys! {
        $(#[$meta])*
        pub struct $name {
            $( $(#[$fmeta])* pub $field : $ty, )*
            /// `"1"`, `"2c"` or `"3"`.
            pub version: Option<String>,
            /// The community string (v1, v2c).
            pub community: Option<SecretText>,
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
            /// SNMPv3: the context name (`-n`).
            pub context: Option<String>,
            /// SNMPv3: the context engine id, in hex (`-E`).
            pub context_engine_id: Option<String>,
            /// SNMPv3: the agent's engine id, in hex, when known (`-e`; else discovered).
            pub security_engine_id: Option<String>,
        }
        }
    };
}

/// Writes `$name` with its own fields first, then the keys of one SNMPv3 user (`user`,
/// `security_level`, protocols, pass phrases and keys, each secret also from the environment),
/// documented once here: shared by the manager's sessions and the simulated agents' users.
macro_rules! with_user_keys {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* pub $field:ident : $ty:ty, )*
        }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $( $(#[$fmeta])* pub $field : $ty, )*
            /// SNMPv3: the USM user name (net-snmp `-u`).
            pub user: Option<String>,
            /// SNMPv3: `"noAuthNoPriv"`, `"authNoPriv"` or `"authPriv"` (`-l`).
            pub security_level: Option<String>,
            /// SNMPv3: `"MD5"`, `"SHA"`, `"SHA-224"`, `"SHA-256"`, `"SHA-384"`, `"SHA-512"` (`-a`).
            pub auth_protocol: Option<String>,
            /// SNMPv3: the authentication pass phrase (`-A`).
            pub auth_password: Option<SecretText>,
            /// SNMPv3: an environment variable holding the authentication pass phrase.
            pub auth_password_env: Option<String>,
            /// SNMPv3: an environment variable holding the authentication key localized for
            /// the agent's engine, in hex (`-3k`).
            pub auth_key_env: Option<String>,
            /// SNMPv3: `"DES"`, `"AES"`, `"AES-192"`, `"AES-256"`, `"AES-192-C"`, `"AES-256-C"`
            /// (`-x`).
            pub priv_protocol: Option<String>,
            /// SNMPv3: the privacy pass phrase (`-X`).
            pub priv_password: Option<SecretText>,
            /// SNMPv3: an environment variable holding the privacy pass phrase.
            pub priv_password_env: Option<String>,
            /// SNMPv3: an environment variable holding the localized privacy key, in hex
            /// (`-3K`).
            pub priv_key_env: Option<String>,
        }
    };
}

with_session_keys! {
    /// `[defaults]`: the session settings of every agent.
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Session {}
}

/// `[poller]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Poller {
    /// Longest wait before a dead agent is tried again (`"5m"`).
    pub max_backoff: Option<String>,
    /// How often the health metrics are refreshed (`"10s"`).
    pub health_interval: Option<String>,
    /// The coarsest step of the start grid (`"100ms"`).
    pub tick: Option<String>,
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
    /// SNMPv3: its engine id, in hex (default: `80001f8804` and `snmpact-PORT`, per port).
    pub engine_id: Option<String>,
    /// SNMPv3: its snmpEngineBoots (default 1).
    pub engine_boots: Option<u32>,
    /// SNMPv3: the USM users it answers (`[[simulator.agents.NAME.v3_users]]`); with any, the
    /// agent answers SNMPv3 as an authoritative engine.
    pub v3_users: Option<Vec<SimUser>>,
}

with_user_keys! {
    /// One USM user of a simulated agent: the SNMPv3 user keys of `[agents.NAME]`, same names and
    /// values (`security_level` is the highest level the user may use, lower ones are accepted;
    /// without it, the highest the secrets given allow; a localized key needs the agent's
    /// `engine_id`).
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct SimUser {}
}

with_session_keys! {
    /// `[agents.NAME]`: one agent (session settings override its group's and `[defaults]`).
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Agent {
        /// `host`, `host:port`, `[v6]:port`, `udp:host:port`.
        pub address: Option<String>,
        /// The simulated agent (a `[simulator.agents]` name) to poll instead of an address.
        pub simulator: Option<String>,
        /// Groups this agent belongs to (besides those in `[groups]`).
        pub groups: Option<Vec<String>>,
    }
}

with_session_keys! {
    /// `[groups.NAME]`: a group with session settings for its agents (over `[defaults]`, under
    /// each agent's own).
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Group {
        /// Agents or other groups.
        pub members: Option<Vec<String>>,
    }
}

/// One entry of `[groups]`: a list of members, or a table with `members` and session keys.
#[derive(Debug)]
pub enum GroupDef {
    /// `NAME = ["r1", "core"]`.
    Members(Vec<String>),
    /// `[groups.NAME]` (boxed: it is much larger than a list).
    Table(Box<Group>),
}

impl GroupDef {
    /// The agents and groups named as members.
    #[must_use]
    pub fn members(&self) -> &[String] {
        match self {
            Self::Members(m) => m,
            Self::Table(g) => g.members.as_deref().unwrap_or_default(),
        }
    }
}

impl<'de> Deserialize<'de> for GroupDef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = GroupDef;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of agent and group names, or a table with `members`")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<GroupDef, A::Error> {
                Vec::deserialize(SeqAccessDeserializer::new(seq)).map(GroupDef::Members)
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<GroupDef, A::Error> {
                Group::deserialize(MapAccessDeserializer::new(map))
                    .map(|g| GroupDef::Table(Box::new(g)))
            }
        }
        d.deserialize_any(V)
    }
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
    /// prometheus: listen beyond loopback anyway (the endpoint has no password); without it
    /// such a `listen` is refused.
    pub allow_unauthenticated: Option<bool>,
    /// prometheus: the prefix of the polled objects' metric names (`"snmp_"`, the default;
    /// `""` gives snmp_exporter's bare object names).
    pub prefix: Option<String>,
    /// `"number"` (the default) or `"label"`: INTEGER enumerations also carry their MIB label
    /// (JSON `value_label`, Influx field `label`, Prometheus label named for the object).
    pub enums: Option<String>,
}
