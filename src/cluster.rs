//! The poller cluster: several snmpact instances share the agents of one configuration,
//! coordinated through Redis, with failover and without polling an agent twice per cycle.
//!
//! # Entry points
//! - [`Cluster::start`]`(settings, config_hash)`: starts the member actor (inside an actix
//!   `System`); give the handle to the engine ([`crate::engine::Engine::set_cluster`]) before
//!   the poller starts, and the poller asks it, for each cycle, whether this instance polls
//!   that agent.
//! - [`Cluster::status`] (the console's `cluster` and `stats`, the Prometheus cluster metrics),
//!   [`Cluster::leave`] (at shutdown: hands the rate state over and leaves at once).
//!
//! # Design
//! - [`membership`] is the pure core (rendezvous hashing, epochs, pinned sites, the transition
//!   window, fencing, duplicate marking), with wall-clock milliseconds passed in; see its doc
//!   for the rules.
//! - `actor` talks to Redis: one Lua script per heartbeat refreshes this instance's key (TTL),
//!   reads the member set and each member's record (O(members), never O(agents)), repairs keys
//!   of the wrong type, and bumps the epoch when the live set changed, atomically, so every
//!   instance reads the same epoch. Rate state of moved agents is written and read per agent
//!   only when agents move. Redis down: degraded mode (see [`membership`]); Redis back, even
//!   empty: the next heartbeat rebuilds the keys.
//!
//! # Keys (prefix `name`, default `snmpact`)
//! `NAME:members` (set of ids), `NAME:member:ID` (JSON record, expires after `ttl - heartbeat`),
//! `NAME:epoch` (hash: `epoch`, `since`, `view`, `prev`), `NAME:rate:AGENT` (hash: job -> JSON
//! rate state, expires after [`RATE_TTL_FACTOR`] ttls).

mod actor;
pub mod membership;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use actix::prelude::*;
use serde::{Deserialize, Serialize};

pub use actor::{EpochChanged, FetchRates, Leave, PutRates, SeedRates};
pub use membership::{Decision, Identity, Member, Snapshot, View};

/// Rate hand-over keys live this many TTLs.
pub const RATE_TTL_FACTOR: u32 = 20;
/// Default key prefix.
pub const DEFAULT_NAME: &str = "snmpact";
/// Default heartbeat.
pub const DEFAULT_HEARTBEAT: Duration = Duration::from_secs(1);
/// Default TTL (a member silent this long is gone).
pub const DEFAULT_TTL: Duration = Duration::from_secs(5);
/// The TTL is at least this many heartbeats.
pub const MIN_TTL_HEARTBEATS: u32 = 3;
/// The transition window, in heartbeats.
pub const WINDOW_HEARTBEATS: u32 = 2;

/// `[cluster]`, checked.
#[derive(Clone, PartialEq, Eq)]
pub struct ClusterSettings {
    /// The Redis URL (`redis://127.0.0.1:6379`, `redis+unix:///run/redis.sock`).
    pub redis: String,
    /// The Redis password (from `password_env`), never shown.
    pub password: Option<String>,
    /// Key prefix.
    pub name: String,
    /// This instance's id.
    pub instance: String,
    /// This instance's site (pinned agents).
    pub site: Option<String>,
    /// Agent group -> site.
    pub pins: BTreeMap<String, String>,
    /// Heartbeat period.
    pub heartbeat: Duration,
    /// A member silent this long is gone.
    pub ttl: Duration,
}

impl std::fmt::Debug for ClusterSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClusterSettings")
            .field("redis", &self.redis)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("name", &self.name)
            .field("instance", &self.instance)
            .field("site", &self.site)
            .field("pins", &self.pins)
            .field("heartbeat", &self.heartbeat)
            .field("ttl", &self.ttl)
            .finish()
    }
}

impl ClusterSettings {
    /// The transition window: [`WINDOW_HEARTBEATS`] heartbeats.
    #[must_use]
    pub fn window(&self) -> Duration {
        self.heartbeat * WINDOW_HEARTBEATS
    }

    /// How long a member key lives after its last heartbeat: `ttl - heartbeat`, so a member
    /// that died is seen gone by the others within `ttl`.
    #[must_use]
    pub fn key_ttl(&self) -> Duration {
        self.ttl.saturating_sub(self.heartbeat)
    }
}

/// The default instance id: host name and pid.
#[must_use]
pub fn default_instance() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_owned());
    format!("{host}-{}", std::process::id())
}

/// Milliseconds since the Unix epoch, local clock.
#[must_use]
pub fn wall_ms(t: SystemTime) -> u64 {
    u64::try_from(t.duration_since(UNIX_EPOCH).unwrap_or_default().as_millis()).unwrap_or(u64::MAX)
}

/// Health of this member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClusterHealth {
    /// No heartbeat has succeeded yet: polls nothing.
    Joining,
    /// Heartbeats succeed.
    Healthy,
    /// Redis unreachable: keeps polling what it owned, takes nothing new.
    Degraded,
}

impl ClusterHealth {
    /// Stable label.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Joining => "joining",
            Self::Healthy => "healthy",
            Self::Degraded => "degraded",
        }
    }
}

/// One member as the console shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberStatus {
    /// Instance id.
    pub id: String,
    /// Its site.
    pub site: Option<String>,
    /// Its configuration hash equals ours.
    pub same_config: bool,
    /// Agents it owns (as this instance computes it, at the latest epoch's cutover).
    pub agents: usize,
}

/// The cluster as this instance sees it (console `cluster`, `stats`, Prometheus).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClusterStatus {
    /// This instance's id.
    pub instance: String,
    /// The key prefix.
    pub name: String,
    /// Health.
    pub health: ClusterHealth,
    /// The latest epoch read.
    pub epoch: u64,
    /// Members, sorted by id.
    pub members: Vec<MemberStatus>,
    /// Agents no live member may poll (pinned to a site without members).
    pub unowned: usize,
    /// Heartbeats that succeeded.
    pub heartbeats: u64,
    /// Heartbeats that failed (Redis unreachable, or an unreadable reply).
    pub heartbeat_failures: u64,
    /// Redis commands sent (a script counts one).
    pub redis_commands: u64,
    /// Epoch changes seen.
    pub epoch_changes: u64,
    /// Garbled values met (member records, rate state, replies) and keys of the wrong type
    /// repaired.
    pub garbled: u64,
    /// Members whose configuration hash differs from ours.
    pub config_mismatch: Vec<String>,
    /// Our configuration hash.
    pub config_hash: String,
    /// Rate states handed over (written) and taken over (read).
    pub rates_written: u64,
    /// See `rates_written`.
    pub rates_read: u64,
    /// Cycles polled while degraded (marked duplicate).
    pub duplicates: u64,
    /// The last error, if the last heartbeat failed.
    pub last_error: Option<String>,
}

/// The state shared between the member actor, the poller and the console.
struct Shared {
    snapshot: RwLock<Arc<Snapshot>>,
    status: Mutex<ClusterStatus>,
    poller: Mutex<Option<Recipient<EpochChanged>>>,
    seeds: Mutex<Option<Recipient<SeedRates>>>,
    actor: Mutex<Option<Addr<actor::MemberActor>>>,
    /// The member actor's thread, kept alive with the handle.
    arbiter: Mutex<Option<Arbiter>>,
}

/// A handle on this instance's cluster membership. Cheap to clone.
#[derive(Clone)]
pub struct Cluster {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Cluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cluster")
            .field("instance", &self.me())
            .finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Cluster {
    /// Starts the member actor on an arbiter (thread) of its own, so no work of the poller
    /// (an epoch change is O(agents)) ever delays a heartbeat. Must run inside an actix
    /// `System`. `config_hash` identifies the agents and jobs configuration (published,
    /// compared).
    #[must_use]
    pub fn start(settings: ClusterSettings, config_hash: String) -> Self {
        let cluster = Self::detached(&settings, &config_hash);
        let arbiter = Arbiter::new();
        let c = cluster.clone();
        let addr = actor::MemberActor::start_in_arbiter(&arbiter.handle(), move |_| {
            actor::MemberActor::new(settings, config_hash, c)
        });
        *lock(&cluster.shared.actor) = Some(addr);
        *lock(&cluster.shared.arbiter) = Some(arbiter);
        cluster
    }

    /// A handle with no actor (tests of the poller's gate).
    fn detached(settings: &ClusterSettings, config_hash: &str) -> Self {
        let identity = Identity {
            me: Arc::from(settings.instance.as_str()),
            pins: settings.pins.clone(),
            window_ms: u64::try_from(settings.window().as_millis()).unwrap_or(u64::MAX),
        };
        let snapshot = Snapshot {
            identity,
            view: None,
            fresh_ms: 0,
        };
        let status = ClusterStatus {
            instance: settings.instance.clone(),
            name: settings.name.clone(),
            health: ClusterHealth::Joining,
            epoch: 0,
            members: Vec::new(),
            unowned: 0,
            heartbeats: 0,
            heartbeat_failures: 0,
            redis_commands: 0,
            epoch_changes: 0,
            garbled: 0,
            config_mismatch: Vec::new(),
            config_hash: config_hash.to_owned(),
            rates_written: 0,
            rates_read: 0,
            duplicates: 0,
            last_error: None,
        };
        Self {
            shared: Arc::new(Shared {
                snapshot: RwLock::new(Arc::new(snapshot)),
                status: Mutex::new(status),
                poller: Mutex::new(None),
                seeds: Mutex::new(None),
                actor: Mutex::new(None),
                arbiter: Mutex::new(None),
            }),
        }
    }

    /// This instance's id.
    #[must_use]
    pub fn me(&self) -> Arc<str> {
        self.snapshot().identity.me.clone()
    }

    /// The latest snapshot (cheap: an `Arc`).
    #[must_use]
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.shared
            .snapshot
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn set_snapshot(&self, s: Snapshot) {
        *self
            .shared
            .snapshot
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Arc::new(s);
    }

    /// The status, for the console and the metrics.
    #[must_use]
    pub fn status(&self) -> ClusterStatus {
        lock(&self.shared.status).clone()
    }

    fn update(&self, f: impl FnOnce(&mut ClusterStatus)) {
        f(&mut lock(&self.shared.status));
    }

    /// Records the agents each member owns (the poller computes it on each epoch change).
    pub fn set_agents_per_member(&self, counts: &BTreeMap<String, usize>) {
        self.update(|s| {
            for m in &mut s.members {
                m.agents = counts.get(&m.id).copied().unwrap_or(0);
            }
            s.unowned = counts.get("").copied().unwrap_or(0);
        });
    }

    /// A new configuration (SIGHUP): its hash is published from the next heartbeat on.
    pub fn set_config_hash(&self, hash: String) {
        self.update(|s| s.config_hash = hash);
    }

    /// Counts one cycle polled while degraded.
    pub fn count_duplicate(&self) {
        self.update(|s| s.duplicates += 1);
    }

    /// The poller to tell of epoch changes and to seed with handed-over rates.
    /// An epoch read before the poller attached is announced to it at once.
    pub fn attach(&self, epochs: Recipient<EpochChanged>, seeds: Recipient<SeedRates>) {
        *lock(&self.shared.seeds) = Some(seeds);
        let snap = self.snapshot();
        if snap.view.is_some() {
            epochs.do_send(EpochChanged(snap));
        }
        *lock(&self.shared.poller) = Some(epochs);
    }

    fn actor(&self) -> Option<Addr<actor::MemberActor>> {
        lock(&self.shared.actor).clone()
    }

    /// Stops the member actor's thread without leaving: heartbeats stop, and the others see
    /// this instance gone after the TTL (what a crash does; [`Self::leave`] first for a clean
    /// stop).
    pub fn stop(&self) {
        if let Some(a) = lock(&self.shared.arbiter).take() {
            a.stop();
        }
    }

    /// Hands rate state of agents this instance is giving up to Redis (fire and forget).
    pub fn put_rates(&self, rates: Vec<(Arc<str>, Arc<str>, RateState)>) {
        if rates.is_empty() {
            return;
        }
        if let Some(a) = self.actor() {
            a.do_send(PutRates(rates));
        }
    }

    /// Asks for the rate state of `agents` at local wall time `at_ms`; it comes back to the
    /// attached poller as [`SeedRates`].
    pub fn fetch_rates(&self, agents: Vec<Arc<str>>, at_ms: u64) {
        if agents.is_empty() {
            return;
        }
        if let Some(a) = self.actor() {
            a.do_send(FetchRates { agents, at_ms });
        }
    }

    /// Writes `rates` and leaves the cluster at once (shutdown), so the others take this
    /// instance's agents over without waiting for the TTL.
    pub async fn leave(&self, rates: Vec<(Arc<str>, Arc<str>, RateState)>) {
        // Poll nothing more: the others take the agents over as soon as this one is gone.
        let mut snap = (*self.snapshot()).clone();
        snap.view = None;
        self.set_snapshot(snap);
        if let Some(a) = self.actor() {
            let _ = a.send(Leave(rates)).await;
        }
    }
}

/// The rate memory of one (job, agent), as handed over through Redis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateState {
    /// Local wall clock of the sample, ms since the Unix epoch.
    pub at_ms: u64,
    /// The agent's `sysUpTime.0` in that sample.
    pub uptime: Option<u32>,
    /// (OID, 32 or 64, value) of each counter.
    pub counters: Vec<(String, u8, u64)>,
}

/// A hash of the agents and jobs of a configuration, as hex (published in Redis, compared).
#[must_use]
pub fn config_hash(text: &str) -> String {
    format!("{:016x}", membership::weight(text, "config"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_is_never_shown() {
        let s = ClusterSettings {
            redis: "redis://127.0.0.1:6379".into(),
            password: Some("hunter2".into()),
            name: "n".into(),
            instance: "i".into(),
            site: None,
            pins: BTreeMap::new(),
            heartbeat: DEFAULT_HEARTBEAT,
            ttl: DEFAULT_TTL,
        };
        assert!(!format!("{s:?}").contains("hunter2"));
        assert_eq!(s.window(), Duration::from_secs(2));
        assert_eq!(s.key_ttl(), Duration::from_secs(4));
        assert_eq!(config_hash("a").len(), 16);
        assert_ne!(config_hash("a"), config_hash("b"));
    }
}
