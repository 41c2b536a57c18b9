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
//! - The poller's rate hook ([`handover`] has the format): [`Cluster::store_rate`] after each
//!   cycle of a pair it polls, [`Cluster::fetch_rates`] for the pairs it adopts at an epoch
//!   change, [`Cluster::awaiting_rates`] before publishing the first sample of an adopted agent
//!   (the read states come back as [`SeedRates`]).
//!
//! # Design
//! - [`membership`] is the pure core (rendezvous hashing, epochs, pinned sites, the transition
//!   window, fencing, duplicate marking), with wall-clock milliseconds passed in; see its doc
//!   for the rules.
//! - `actor` talks to Redis: one Lua script per heartbeat refreshes this instance's key (TTL),
//!   reads the member set and each member's record (O(members), never O(agents)), repairs keys
//!   of the wrong type, and bumps the epoch when the live set changed, atomically, so every
//!   instance reads the same epoch. Redis down: degraded mode (see [`membership`]); Redis
//!   back, even empty: the next heartbeat rebuilds the keys.
//! - Rate state is data-plane traffic, apart from the heartbeat: the owner of each pair stores
//!   it after every cycle, written once per heartbeat in pipelines on a connection of its own;
//!   a new owner reads it (one pipelined `MGET` per batch) before its first sample. See
//!   [`handover`].
//! - Redis is reached by URL (`redis://`, `rediss://` with TLS through rustls and an optional
//!   CA file, `redis+unix://`) or through Redis Sentinel (`sentinels`, `master_name`): each
//!   new connection asks the sentinels for the current master, so a failover is a few failed
//!   heartbeats (degraded mode) and a reconnection.
//!
//! # Keys (prefix `name`, default `snmpact`)
//! `NAME:members` (set of ids), `NAME:member:ID` (JSON record, expires after `ttl - heartbeat`),
//! `NAME:epoch` (hash: `epoch`, `since`, `view`, `prev`), `NAME:rate:JOB:AGENT` (string:
//! [`handover`] value, expires after [`RATE_TTL_FACTOR`] ttls or three intervals, the longer).

mod actor;
pub mod handover;
pub mod membership;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use actix::prelude::*;
use serde::Serialize;

pub use actor::{EpochChanged, FetchRates, Leave, SeedRates};
pub use handover::RateState;
pub use membership::{Decision, Identity, Member, Snapshot, View};

/// Rate hand-over keys live this many TTLs (or three intervals of their job, the longer).
pub const RATE_TTL_FACTOR: u32 = 20;
/// A rate hand-over key lives at least this many intervals of its job.
pub const RATE_TTL_INTERVALS: u32 = 3;
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
    /// The Redis URL (`redis://127.0.0.1:6379`, `rediss://...`, `redis+unix:///run/redis.sock`);
    /// empty when `sentinels` name the master.
    pub redis: String,
    /// PEM file of the CA that signed the Redis server's certificate (`rediss://`); else the
    /// system's roots.
    pub ca_file: Option<PathBuf>,
    /// Redis Sentinel URLs (`redis://127.0.0.1:26379`): the master is asked of them.
    pub sentinels: Vec<String>,
    /// The master's name in Sentinel (`sentinel monitor NAME ...`).
    pub master_name: Option<String>,
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
            .field("ca_file", &self.ca_file)
            .field("sentinels", &self.sentinels)
            .field("master_name", &self.master_name)
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
    /// Rate-state values read and rejected (garbled, foreign, from the future); also counted
    /// in `garbled`.
    pub rates_rejected: u64,
    /// Redis commands of the rate hand-over (data plane: `SET`s and `MGET`s), apart from the
    /// heartbeat's; also counted in `redis_commands`.
    pub rate_commands: u64,
    /// Bytes of rate-state values written.
    pub rate_bytes: u64,
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
    /// Rate states waiting for the next flush.
    rates: Mutex<handover::RateBuffer>,
    /// Agents whose hand-over is being read: (fetch number, local wall ms after which to stop
    /// waiting).
    awaiting: Mutex<HashMap<Arc<str>, (u64, u64)>>,
    /// Numbers fetches, so an old fetch's end does not end a newer one's wait.
    fetches: std::sync::atomic::AtomicU64,
    /// `[cluster] ttl`: sets how long rate states live and how long a fetch may take.
    ttl: Duration,
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
            rates_rejected: 0,
            rate_commands: 0,
            rate_bytes: 0,
            duplicates: 0,
            last_error: None,
        };
        Self {
            shared: Arc::new(Shared {
                snapshot: RwLock::new(Arc::new(snapshot)),
                status: Mutex::new(status),
                poller: Mutex::new(None),
                seeds: Mutex::new(None),
                rates: Mutex::new(handover::RateBuffer::default()),
                awaiting: Mutex::new(HashMap::new()),
                fetches: std::sync::atomic::AtomicU64::new(0),
                ttl: settings.ttl,
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

    /// The poller's rate hook, after each cycle of a pair this instance polls: the pair's rate
    /// memory, written to Redis with the next flush (once per heartbeat, the latest state of
    /// each pair, pipelined). `interval` is the job's: the key outlives three of them.
    pub fn store_rate(
        &self,
        agent: &Arc<str>,
        job: &Arc<str>,
        interval: Duration,
        state: &RateState,
    ) {
        let ttl = (self.ttl() * RATE_TTL_FACTOR).max(interval * RATE_TTL_INTERVALS);
        let pending = handover::Pending {
            value: handover::encode(state),
            ttl_ms: u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1),
        };
        lock(&self.shared.rates).put(job.clone(), agent.clone(), pending);
    }

    fn ttl(&self) -> Duration {
        self.shared.ttl
    }

    /// The poller's rate hook, at an epoch change: reads the rate state of the (agent, job)
    /// pairs it adopts, at local wall time `at_ms` (one pipelined `MGET` per batch); it comes
    /// back to the attached poller as [`SeedRates`], and until then (or a timeout)
    /// [`Self::awaiting_rates`] is true for those agents.
    pub fn fetch_rates(&self, pairs: Vec<(Arc<str>, Arc<str>)>, at_ms: u64) {
        if pairs.is_empty() {
            return;
        }
        let Some(a) = self.actor() else {
            return;
        };
        let n = self
            .shared
            .fetches
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        // The actor gives up after a TTL; a third more for the reply to travel.
        let wait = u64::try_from((self.ttl() + self.ttl() / MIN_TTL_HEARTBEATS).as_millis())
            .unwrap_or(u64::MAX);
        let deadline = at_ms.max(wall_ms(SystemTime::now())).saturating_add(wait);
        {
            let mut w = lock(&self.shared.awaiting);
            for (agent, _) in &pairs {
                w.insert(agent.clone(), (n, deadline));
            }
        }
        a.do_send(FetchRates {
            pairs,
            at_ms,
            fetch: n,
        });
    }

    /// The poller's rate hook, before it publishes the first sample of an agent it adopted:
    /// true while that agent's hand-over is being read (the poller waits for [`SeedRates`]).
    #[must_use]
    pub fn awaiting_rates(&self, agent: &str) -> bool {
        let now = wall_ms(SystemTime::now());
        let mut w = lock(&self.shared.awaiting);
        match w.get(agent) {
            Some((_, deadline)) if *deadline >= now => true,
            Some(_) => {
                w.remove(agent);
                false
            }
            None => false,
        }
    }

    /// A fetch ended: its agents wait no more (unless a newer fetch asked for them).
    fn fetched(&self, fetch: u64, agents: &[Arc<str>]) {
        let mut w = lock(&self.shared.awaiting);
        for a in agents {
            if w.get(a).is_some_and(|(n, _)| *n == fetch) {
                w.remove(a);
            }
        }
    }

    /// Writes `rates` and leaves the cluster at once (shutdown), so the others take this
    /// instance's agents over without waiting for the TTL.
    pub async fn leave(&self, rates: Vec<(Arc<str>, Arc<str>, RateState)>) {
        // Poll nothing more: the others take the agents over as soon as this one is gone.
        let mut snap = (*self.snapshot()).clone();
        snap.view = None;
        self.set_snapshot(snap);
        for (agent, job, state) in &rates {
            self.store_rate(agent, job, Duration::ZERO, state);
        }
        if let Some(a) = self.actor() {
            let _ = a.send(Leave).await;
        }
    }
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
            ca_file: None,
            sentinels: Vec::new(),
            master_name: None,
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
