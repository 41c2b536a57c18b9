//! The engine facade: starts dispatchers (one per arbiter, each with its own socket), creates one
//! session per agent on the arbiter its address hashes to ([`shard_of`]: FNV-1a over the address's
//! octets and port, so one agent lands on the same shard in every run), and keeps the registry (a `DashMap`)
//! from agent name to session address, so every request to an agent reuses its session.
//!
//! Sessions a command made for itself ([`Engine::adhoc_session`]: the console's `get TARGET`,
//! `TARGET#HASH`) are evicted once idle for [`DEFAULT_ADHOC_IDLE`] (see
//! [`Engine::set_adhoc_idle`]), with the per-agent counters and SNMPv3 engine records they
//! leave, so a long-running service does not grow with every address ever typed.
//!
//! A registered session is a dormant record until it is used ([`SessionHandle`]): its actor
//! starts on the first message and retires after [`DEFAULT_SESSION_IDLE`] without work (see
//! [`Engine::set_session_idle`]), so an idle session costs a few hundred bytes, not an actor.
//! A session's first actor retires as soon as its work is done: a session used once costs its
//! record right after, not an actor for the idle time.
//!
//! Callers that send many requests can run next to their sessions ([`Engine::arbiter_of`],
//! [`Engine::spawn_near`]): a request then never crosses threads.
//!
//! ```no_run
//! use snmpact::engine::{Engine, EngineConfig};
//! use snmpact::session::{Get, SessionConfig};
//! #[actix::main]
//! async fn main() {
//!     let engine = Engine::start(EngineConfig::default());
//!     let s = engine.session("demo", "127.0.0.1:1161", SessionConfig::default()).await.unwrap();
//!     let vbs = s.send(Get(vec!["1.3.6.1.2.1.1.1.0".parse().unwrap()])).await.unwrap();
//!     println!("{vbs:?}");
//!     engine.shutdown().await;
//! }
//! ```

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use actix::prelude::*;
use dashmap::DashMap;

use crate::dispatcher::{Binding, Dispatcher, DispatcherStats, ForgetAgent, GetStats, Shutdown};
use crate::session::{self, SessionConfig, SnmpError};

mod handle;

pub use handle::SessionHandle;

/// The SNMP agent port.
pub const DEFAULT_PORT: u16 = 161;
/// How long an ad-hoc session may stay idle before it is evicted (see [`Engine::set_adhoc_idle`]).
pub const DEFAULT_ADHOC_IDLE: Duration = Duration::from_secs(300);
/// How long a session's actor may stay idle before it retires to its dormant record (see
/// [`Engine::set_session_idle`]).
pub const DEFAULT_SESSION_IDLE: Duration = Duration::from_secs(10);
/// Shortest period of the eviction sweep (it runs every quarter of the idle timeout).
const MIN_SWEEP: Duration = Duration::from_secs(1);

/// How the engine is laid out.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Dispatchers (threads) to run; 0 means one per core.
    pub shards: usize,
    /// Local addresses the sockets bind to.
    pub binding: Binding,
    /// Idle time after which an ad-hoc session is evicted (zero: never); see
    /// [`Engine::set_adhoc_idle`].
    pub adhoc_idle: Duration,
    /// Idle time after which a session's actor retires (zero: never); see
    /// [`Engine::set_session_idle`].
    pub session_idle: Duration,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            shards: 0,
            binding: Binding::default(),
            adhoc_idle: DEFAULT_ADHOC_IDLE,
            session_idle: DEFAULT_SESSION_IDLE,
        }
    }
}

struct Shard {
    arbiter: ArbiterHandle,
    dispatcher: Addr<Dispatcher>,
}

/// A registered session.
#[derive(Debug, Clone)]
pub struct SessionEntry {
    /// The session.
    pub session: SessionHandle,
    /// The agent's resolved address.
    pub agent: SocketAddr,
    /// The target as given (`host:port`).
    pub target: String,
    /// Its configuration (the same `Arc` the session holds).
    pub config: Arc<SessionConfig>,
    /// Made by a command for itself ([`Engine::adhoc_session`]): evicted when idle.
    pub adhoc: bool,
}

/// A change a user made to the registry at run time (the console's `agent add` / `agent del`),
/// announced to watchers such as the poller so they can follow it.
#[derive(Debug, Clone, Message)]
#[rtype(result = "()")]
pub enum AgentChange {
    /// An agent was added or replaced.
    Added {
        /// Its name.
        name: String,
        /// Its target as given (`host:port`).
        target: String,
        /// Its session settings.
        config: SessionConfig,
    },
    /// An agent was removed.
    Removed {
        /// Its name.
        name: String,
    },
}

struct Inner {
    /// Who hears of [`AgentChange`]s.
    watchers: std::sync::Mutex<Vec<Recipient<AgentChange>>>,
    shards: Vec<Shard>,
    /// Arbiters this engine started (all shards but the first, which runs on the caller's).
    own_arbiters: std::sync::Mutex<Vec<Arbiter>>,
    /// Sessions by name (the key shares its allocation with the record's name).
    registry: DashMap<Arc<str>, SessionHandle>,
    /// SNMPv3 agent engines and keys, shared by all sessions.
    usm: Arc<session::UsmCache>,
    /// The service's notification listener, for the console's `traps` and `stats`.
    notifications: std::sync::Mutex<Option<Addr<crate::notification::listener::Listener>>>,
    /// The cluster membership, when `[cluster]` is configured (the poller and console ask it).
    cluster: std::sync::OnceLock<crate::cluster::Cluster>,
    /// Idle time after which ad-hoc sessions are evicted, in milliseconds (0: never).
    adhoc_idle_ms: AtomicU64,
    /// Idle time after which a session's actor retires, in milliseconds (0: never).
    session_idle_ms: AtomicU64,
    /// Wakes the retire sweep when an actor starts (it sleeps without a timer while none runs).
    activated: Arc<tokio::sync::Notify>,
}

impl Inner {
    /// The idle time after which a session's actor retires (zero: never).
    fn session_idle(&self) -> Duration {
        Duration::from_millis(self.session_idle_ms.load(Ordering::Relaxed))
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        // Ends the retire sweep if it is waiting for an activation.
        self.activated.notify_one();
    }
}

/// The engine: cheap to clone, shared by the console, batch runner and poller.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

impl Engine {
    /// Starts the dispatchers. Must run inside an actix `System` (e.g. under `#[actix::main]`).
    #[must_use]
    pub fn start(config: EngineConfig) -> Self {
        let n = if config.shards == 0 {
            std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
        } else {
            config.shards
        };
        let extra: Vec<Arbiter> = (1..n).map(|_| Arbiter::new()).collect();
        let binding = config.binding;
        let shards = std::iter::once(Arbiter::current())
            .chain(extra.iter().map(Arbiter::handle))
            .map(|arbiter| {
                let dispatcher =
                    Dispatcher::start_in_arbiter(&arbiter, move |_| Dispatcher::new(binding));
                Shard {
                    arbiter,
                    dispatcher,
                }
            })
            .collect();
        let engine = Self {
            inner: Arc::new(Inner {
                watchers: std::sync::Mutex::new(Vec::new()),
                shards,
                own_arbiters: std::sync::Mutex::new(extra),
                registry: DashMap::new(),
                usm: session::UsmCache::new(),
                notifications: std::sync::Mutex::new(None),
                cluster: std::sync::OnceLock::new(),
                adhoc_idle_ms: AtomicU64::new(millis(config.adhoc_idle)),
                session_idle_ms: AtomicU64::new(millis(config.session_idle)),
                activated: Arc::new(tokio::sync::Notify::new()),
            }),
        };
        engine.start_sweeper();
        engine.start_retire_sweep();
        engine
    }

    /// The retire sweep: every half of the session idle time, each running session actor is
    /// asked to retire if it has been idle that long (a task on this arbiter that ends with
    /// the engine). The actors keep no timer of their own for it, and while no actor runs the
    /// sweep arms no timer either: it waits for the next activation.
    fn start_retire_sweep(&self) {
        let weak = Arc::downgrade(&self.inner);
        let activated = self.inner.activated.clone();
        actix_rt::spawn(async move {
            loop {
                let idle = match weak.upgrade() {
                    Some(inner) => inner.session_idle(),
                    None => return,
                };
                if idle.is_zero() {
                    // Actors never retire: nothing to do until the idle time is set.
                    activated.notified().await;
                    continue;
                }
                tokio::time::sleep((idle / 2).max(Duration::from_millis(1))).await;
                let Some(inner) = weak.upgrade() else { return };
                if inner.session_idle().is_zero() {
                    continue;
                }
                let mut running = false;
                let now = handle::quiet_clock(Instant::now());
                let idle_ms = u64::try_from(idle.as_millis()).unwrap_or(u64::MAX);
                for e in &inner.registry {
                    running |= e.value().nudge(now, idle_ms);
                }
                drop(inner);
                if !running {
                    // A permit stored by an activation since the scan wakes this at once; the
                    // engine's drop wakes it too (then the upgrade above fails).
                    activated.notified().await;
                }
            }
        });
    }

    /// Evicts ad-hoc sessions idle for `idle` or more from now on (`Duration::ZERO`: never
    /// evict). The default is [`DEFAULT_ADHOC_IDLE`]; the sweep runs every quarter of it.
    pub fn set_adhoc_idle(&self, idle: Duration) {
        self.inner
            .adhoc_idle_ms
            .store(millis(idle), Ordering::Relaxed);
    }

    /// The idle time after which ad-hoc sessions are evicted (zero: never).
    #[must_use]
    pub fn adhoc_idle(&self) -> Duration {
        Duration::from_millis(self.inner.adhoc_idle_ms.load(Ordering::Relaxed))
    }

    /// Session actors started from now on retire to their dormant record once idle for
    /// `idle` (`Duration::ZERO`: never; they then run until removed). The default is
    /// [`DEFAULT_SESSION_IDLE`]. Shorter saves memory between bursts; each activation costs
    /// an actor start (a few microseconds).
    pub fn set_session_idle(&self, idle: Duration) {
        self.inner
            .session_idle_ms
            .store(millis(idle), Ordering::Relaxed);
        self.inner.activated.notify_one();
    }

    /// The idle time after which a session's actor retires (zero: never).
    #[must_use]
    pub fn session_idle(&self) -> Duration {
        self.inner.session_idle()
    }

    /// How many registered sessions have a running actor now.
    #[must_use]
    pub fn active_sessions(&self) -> usize {
        self.inner
            .registry
            .iter()
            .filter(|e| e.value().is_active())
            .count()
    }

    /// The eviction sweep: a task on this arbiter that ends with the engine (it holds only a
    /// weak reference).
    fn start_sweeper(&self) {
        let weak = Arc::downgrade(&self.inner);
        actix_rt::spawn(async move {
            loop {
                let period = match weak.upgrade() {
                    Some(inner) => {
                        let idle = inner.adhoc_idle_ms.load(Ordering::Relaxed);
                        Duration::from_millis(idle / 4).max(MIN_SWEEP)
                    }
                    None => return,
                };
                tokio::time::sleep(period).await;
                let Some(inner) = weak.upgrade() else { return };
                let engine = Engine { inner };
                let idle = engine.adhoc_idle();
                if !idle.is_zero() {
                    engine.evict_idle_adhoc(idle).await;
                }
            }
        });
    }

    /// Evicts every ad-hoc session that has been idle for at least `idle` (a busy one never):
    /// stops it, drops it from the registry, and forgets the per-agent counters and SNMPv3
    /// engine record of its agent unless another session still uses that address. Returns
    /// how many were evicted. The sweep calls it; tests and the console may call it directly.
    pub async fn evict_idle_adhoc(&self, idle: Duration) -> usize {
        let candidates: Vec<SessionHandle> = self
            .inner
            .registry
            .iter()
            .filter(|e| e.record().adhoc)
            .map(|e| e.value().clone())
            .collect();
        let now = Instant::now();
        let mut evicted = Vec::new();
        for handle in candidates {
            let Some(since) = handle.idle_since().await else {
                continue;
            };
            if now.saturating_duration_since(since) < idle {
                continue;
            }
            // Only if it is still the same session (not replaced meanwhile).
            if self
                .inner
                .registry
                .remove_if(handle.name(), |_, h| *h == handle)
                .is_some()
            {
                handle.close();
                evicted.push(handle.agent());
            }
        }
        let count = evicted.len();
        evicted.sort_unstable();
        evicted.dedup();
        for agent in evicted {
            if self.inner.registry.iter().any(|e| e.agent() == agent) {
                continue; // another session still talks to it
            }
            self.inner.usm.forget(agent);
            let shard = &self.inner.shards[shard_of(&agent, self.inner.shards.len())];
            let _ = shard.dispatcher.send(ForgetAgent(agent)).await;
        }
        count
    }

    /// The arbiter (thread) that runs the sessions of `agent` and their dispatcher. A caller
    /// spawned there ([`Engine::spawn_near`]) reaches its sessions without crossing threads.
    #[must_use]
    pub fn arbiter_of(&self, agent: &SocketAddr) -> ArbiterHandle {
        self.inner.shards[shard_of(agent, self.inner.shards.len())]
            .arbiter
            .clone()
    }

    /// The arbiter (thread) of shard `i` (`0..`[`Engine::shards`]): the sessions of the agents
    /// [`shard_of`] puts on shard `i` run there. `None` past the last shard.
    #[must_use]
    pub fn shard_arbiter(&self, i: usize) -> Option<ArbiterHandle> {
        self.inner.shards.get(i).map(|s| s.arbiter.clone())
    }

    /// Runs `fut` on the arbiter of `agent`'s sessions ([`Engine::arbiter_of`]); `false` when
    /// that arbiter has stopped.
    pub fn spawn_near(
        &self,
        agent: &SocketAddr,
        fut: impl Future<Output = ()> + Send + 'static,
    ) -> bool {
        self.arbiter_of(agent).spawn(fut)
    }

    /// Records the service's notification listener, so the console reaches it.
    pub fn set_notification_listener(&self, l: Addr<crate::notification::listener::Listener>) {
        *self
            .inner
            .notifications
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(l);
    }

    /// The service's notification listener, when one runs.
    #[must_use]
    pub fn notification_listener(&self) -> Option<Addr<crate::notification::listener::Listener>> {
        self.inner
            .notifications
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Makes this engine's poller and console part of `cluster` (once; later calls are
    /// ignored). Call it before the poller starts.
    pub fn set_cluster(&self, cluster: crate::cluster::Cluster) {
        let _ = self.inner.cluster.set(cluster);
    }

    /// The cluster membership, when there is one.
    #[must_use]
    pub fn cluster(&self) -> Option<&crate::cluster::Cluster> {
        self.inner.cluster.get()
    }

    /// The SNMPv3 engine and key cache all sessions share.
    #[must_use]
    pub fn usm_cache(&self) -> &Arc<session::UsmCache> {
        &self.inner.usm
    }

    /// Number of dispatchers.
    #[must_use]
    pub fn shards(&self) -> usize {
        self.inner.shards.len()
    }

    /// The session named `name`, created for `target` (`host`, `host:port`, `[v6]:port`,
    /// `udp:host:port`) if there is none; an existing session is returned as it is.
    ///
    /// # Errors
    /// [`SnmpError::Resolve`] when the host does not resolve.
    /// `config` may be an `Arc` shared by many sessions (one copy in memory for all).
    pub async fn session(
        &self,
        name: &str,
        target: &str,
        config: impl Into<Arc<SessionConfig>>,
    ) -> Result<SessionHandle, SnmpError> {
        self.existing_or_new(name, target, config.into(), false)
            .await
    }

    /// Like [`Engine::session`], for a session a command makes for itself (an address typed
    /// with no agent defined for it, or an agent with options of its own): it is evicted
    /// once idle (see [`Engine::set_adhoc_idle`]).
    ///
    /// # Errors
    /// [`SnmpError::Resolve`] when the host does not resolve.
    pub async fn adhoc_session(
        &self,
        name: &str,
        target: &str,
        config: impl Into<Arc<SessionConfig>>,
    ) -> Result<SessionHandle, SnmpError> {
        self.existing_or_new(name, target, config.into(), true)
            .await
    }

    /// The session named `name`, or a new one for `target` (ad-hoc or not).
    async fn existing_or_new(
        &self,
        name: &str,
        target: &str,
        config: Arc<SessionConfig>,
        adhoc: bool,
    ) -> Result<SessionHandle, SnmpError> {
        if let Some(e) = self.inner.registry.get(name) {
            return Ok(e.value().clone());
        }
        let agent = resolve(target).await?;
        Ok(self.insert(name, target, agent, config, adhoc))
    }

    /// Replaces (or creates) the session named `name`, stopping the old one.
    ///
    /// # Errors
    /// [`SnmpError::Resolve`] when the host does not resolve.
    pub async fn replace_session(
        &self,
        name: &str,
        target: &str,
        config: impl Into<Arc<SessionConfig>>,
    ) -> Result<SessionHandle, SnmpError> {
        let agent = resolve(target).await?;
        self.remove(name);
        Ok(self.insert(name, target, agent, config.into(), false))
    }

    fn insert(
        &self,
        name: &str,
        target: &str,
        agent: SocketAddr,
        config: Arc<SessionConfig>,
        adhoc: bool,
    ) -> SessionHandle {
        if let Some(e) = self.inner.registry.get(name) {
            return e.value().clone();
        }
        let name: Arc<str> = Arc::from(name);
        let weak = Arc::downgrade(&self.inner);
        self.inner
            .registry
            .entry(name.clone())
            .or_insert_with(|| SessionHandle::new(name, agent, target, config, adhoc, weak))
            .value()
            .clone()
    }

    /// The registered session named `name`.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<SessionEntry> {
        self.inner.registry.get(name).map(|e| {
            let r = e.value().record();
            SessionEntry {
                session: e.value().clone(),
                agent: r.agent,
                target: r.target.to_string(),
                config: r.config.clone(),
                adhoc: r.adhoc,
            }
        })
    }

    /// Names of all registered sessions, sorted.
    #[must_use]
    pub fn names(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .inner
            .registry
            .iter()
            .map(|e| e.key().to_string())
            .collect();
        v.sort();
        v
    }

    /// Stops and forgets the session named `name`; its operations fail with ShuttingDown.
    pub fn remove(&self, name: &str) -> bool {
        match self.inner.registry.remove(name) {
            Some((_, h)) => {
                h.close();
                true
            }
            None => false,
        }
    }

    /// Tells `watcher` of every [`AgentChange`] announced from now on.
    pub fn watch_agents(&self, watcher: Recipient<AgentChange>) {
        self.inner
            .watchers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(watcher);
    }

    /// Announces a user's change to the watchers (those that are gone are forgotten).
    pub fn announce(&self, change: &AgentChange) {
        let mut w = self
            .inner
            .watchers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        w.retain(Recipient::connected);
        for r in w.iter() {
            r.do_send(change.clone());
        }
    }

    /// Counters of all dispatchers, merged.
    pub async fn stats(&self) -> DispatcherStats {
        let mut all = DispatcherStats::default();
        for s in &self.inner.shards {
            if let Ok(st) = s.dispatcher.send(GetStats).await {
                all.merge(&st);
            }
        }
        all
    }

    /// Graceful shutdown: in-flight requests fail with ShuttingDown, sessions stop, sockets
    /// close, the engine's own threads end. Nothing hangs.
    pub async fn shutdown(&self) {
        for e in self.inner.registry.iter() {
            e.value().close();
        }
        self.inner.registry.clear();
        for s in &self.inner.shards {
            let _ = s.dispatcher.send(Shutdown).await;
        }
        let arbiters = std::mem::take(
            &mut *self
                .inner
                .own_arbiters
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
        for a in arbiters {
            a.stop();
            let _ = actix_rt::task::spawn_blocking(move || a.join()).await;
        }
    }
}

/// A duration in whole milliseconds, saturated.
fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// The shard (index below `n`) whose arbiter runs the session of `agent`: FNV-1a over the
/// address (IPv4 as its IPv4-mapped IPv6 form) and the port in network order, modulo `n`. The
/// same agent gets the same shard in every run and every process with the same shard count.
#[must_use]
pub fn shard_of(agent: &SocketAddr, n: usize) -> usize {
    const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;
    if n <= 1 {
        return 0;
    }
    let ip = match agent.ip() {
        IpAddr::V4(v4) => v4.to_ipv6_mapped().octets(),
        IpAddr::V6(v6) => v6.octets(),
    };
    let h = ip
        .iter()
        .chain(agent.port().to_be_bytes().iter())
        .fold(FNV_OFFSET, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(FNV_PRIME)
        });
    usize::try_from(h % (n as u64)).unwrap_or(0)
}

/// Splits a target into host and port: `host`, `host:port`, `[v6]`, `[v6]:port`, bare IPv6,
/// with an optional net-snmp transport prefix `udp:` or `udp6:`.
///
/// # Errors
/// A message when the port is not a number.
pub fn split_target(target: &str) -> Result<(String, u16), String> {
    let t = target
        .strip_prefix("udp:")
        .or_else(|| target.strip_prefix("udp6:"))
        .unwrap_or(target);
    if let Some(rest) = t.strip_prefix('[') {
        let Some((host, after)) = rest.split_once(']') else {
            return Err(format!("missing ']' in '{target}'"));
        };
        let port = match after.strip_prefix(':') {
            Some(p) => p
                .parse()
                .map_err(|_| format!("bad port '{p}' in '{target}'"))?,
            None if after.is_empty() => DEFAULT_PORT,
            None => return Err(format!("unexpected '{after}' after ']' in '{target}'")),
        };
        return Ok((host.to_owned(), port));
    }
    if t.parse::<IpAddr>().is_ok() {
        return Ok((t.to_owned(), DEFAULT_PORT));
    }
    match t.rsplit_once(':') {
        Some((host, p)) => {
            let port = p
                .parse()
                .map_err(|_| format!("bad port '{p}' in '{target}'"))?;
            Ok((host.to_owned(), port))
        }
        None if t.is_empty() => Err("empty target".to_owned()),
        None => Ok((t.to_owned(), DEFAULT_PORT)),
    }
}

/// Resolves a target to one socket address (the first the resolver gives).
///
/// # Errors
/// [`SnmpError::Resolve`].
pub async fn resolve(target: &str) -> Result<SocketAddr, SnmpError> {
    let (host, port) = split_target(target).map_err(|reason| SnmpError::Resolve {
        host: target.to_owned(),
        reason,
    })?;
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, port));
    }
    let found = tokio::net::lookup_host((host.as_str(), port))
        .await
        .map(|mut a| a.next());
    match found {
        Ok(Some(a)) => Ok(a),
        Ok(None) => Err(SnmpError::Resolve {
            host,
            reason: "no address".to_owned(),
        }),
        Err(e) => Err(SnmpError::Resolve {
            host,
            reason: e.to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // See: issue 12 (placement was random: a new RandomState per call).
    #[test]
    fn shard_placement_is_deterministic_and_spreads() {
        let a: SocketAddr = "127.0.0.1:16100".parse().unwrap();
        assert_eq!(shard_of(&a, 1), 0);
        // FNV-1a of ::ffff:127.0.0.1 and port 16100, computed apart (Python): the same in every run.
        let first = shard_of(&a, 7);
        assert_eq!((first, shard_of(&a, 2)), (0, 1));
        for _ in 0..10 {
            assert_eq!(shard_of(&a, 7), first);
        }
        let mut counts = [0usize; 2];
        for port in 10_000..12_000u16 {
            counts[shard_of(&SocketAddr::from(([127, 0, 0, 1], port)), 2)] += 1;
        }
        assert!(counts.iter().all(|&c| c > 800), "uneven spread {counts:?}");
        let v6: SocketAddr = "[::ffff:127.0.0.1]:16100".parse().unwrap();
        assert_eq!(
            shard_of(&v6, 7),
            first,
            "IPv4 and its mapped form share a shard"
        );
    }

    #[test]
    fn targets_split_like_net_snmp() {
        let ok =
            |t: &str, h: &str, p: u16| assert_eq!(split_target(t), Ok((h.to_owned(), p)), "{t}");
        ok("127.0.0.1", "127.0.0.1", 161);
        ok("127.0.0.1:16100", "127.0.0.1", 16100);
        ok("localhost:1161", "localhost", 1161);
        ok("udp:127.0.0.1:1161", "127.0.0.1", 1161);
        ok("[::1]:1161", "::1", 1161);
        ok("[::1]", "::1", 161);
        ok("::1", "::1", 161);
        ok("udp6:[::1]:1161", "::1", 1161);
        assert!(split_target("127.0.0.1:x").is_err());
        assert!(split_target("[::1").is_err());
        assert!(split_target("").is_err());
    }
}
