//! Poller workers: one [`Poller`] per engine shard, each on its shard's arbiter, polling the
//! agents whose sessions run there, so a cycle's requests and answers never cross threads.
//!
//! - [`Share`]: which worker polls an agent. An agent whose target is a literal address goes to
//!   the worker of the shard [`crate::engine::shard_of`] gives that address (where the engine
//!   runs its session); one given by host name (resolved later, by the engine) goes to worker 0.
//!   The choice is made once per agent name, by whichever worker sees the name first, and kept
//!   for the life of the process (a later change of target does not move the agent): one
//!   worker owns each agent's session, so two workers never race on one name in the engine's
//!   registry (reload, replacement and removal stay one worker's business).
//! - [`Pollers`]: the group the service drives. Every message goes to every worker, and each
//!   takes only its share of the agents; every worker runs every job. Answers are merged
//!   ([`ReloadSummary::merge`], [`PollerStats::merge`]). Worker 0 publishes the health events,
//!   with every worker's counters.
//! - With a cluster (`[cluster]`) or one shard there is one worker, which polls every agent:
//!   the cluster hands its epochs and rate state to one recipient.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use actix::prelude::*;
use dashmap::DashMap;

use super::actor::Poller;
use super::messages::{ExportRates, GetStats, Reload, ReloadSummary, Shutdown};
use crate::cluster::RateState;
use crate::config::{Settings, Target};
use crate::engine::{Engine, shard_of, split_target};
use crate::output::Outputs;
use crate::report::PollerStats;

/// Which agents one worker polls: worker `index` of `workers`. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Share {
    index: usize,
    workers: usize,
    /// The worker chosen for each agent name (by a hash of the name: two names that collide
    /// share a worker, which costs only a thread crossing), shared by all workers.
    owners: Arc<DashMap<u64, u32>>,
}

impl Share {
    /// The only worker: polls every agent.
    #[must_use]
    pub fn whole() -> Self {
        Self {
            index: 0,
            workers: 1,
            owners: Arc::default(),
        }
    }

    /// The shares of `workers` workers, in worker order, sharing one table of choices.
    #[must_use]
    pub fn split(workers: usize) -> Vec<Self> {
        let owners = Arc::new(DashMap::new());
        (0..workers.max(1))
            .map(|index| Self {
                index,
                workers: workers.max(1),
                owners: owners.clone(),
            })
            .collect()
    }

    /// This worker's index.
    #[must_use]
    pub fn index(&self) -> usize {
        self.index
    }

    /// Whether this worker polls the agent `name` at `target` (chosen on the first call for
    /// the name, by any worker, and kept).
    #[must_use]
    pub fn owns(&self, name: &str, target: &Target) -> bool {
        if self.workers <= 1 {
            return true;
        }
        let owner = *self
            .owners
            .entry(name_hash(name))
            .or_insert_with(|| u32::try_from(home(target, self.workers)).unwrap_or(0));
        owner as usize == self.index
    }

    /// The worker that polls `name`, if any worker took it.
    #[cfg(test)]
    fn owner_of(&self, name: &str) -> Option<usize> {
        if self.workers <= 1 {
            return Some(0);
        }
        self.owners.get(&name_hash(name)).map(|o| *o as usize)
    }
}

/// The key of `name` in the table of choices (the same in every worker of the process).
fn name_hash(name: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(name)
}

/// The worker for an agent first seen at `target`: its address's shard for a literal address,
/// worker 0 for a host name (or a simulated agent not bound yet).
#[must_use]
pub fn home(target: &Target, workers: usize) -> usize {
    let Target::Address(t) = target else {
        return 0;
    };
    match split_target(t) {
        Ok((host, port)) => host
            .parse::<IpAddr>()
            .map_or(0, |ip| shard_of(&SocketAddr::new(ip, port), workers)),
        Err(_) => 0,
    }
}

/// The running poller: one worker per engine shard (one with a cluster). Cheap to clone.
#[derive(Clone)]
pub struct Pollers {
    workers: Vec<Addr<Poller>>,
}

impl Pollers {
    /// Starts the workers, worker `i` on shard `i`'s arbiter, with the agents and jobs of
    /// `settings`, taking sessions from `engine` and publishing to `outputs`. Must run inside
    /// an actix `System`, on the engine's first shard's arbiter (where worker 0 runs).
    #[must_use]
    pub fn start(engine: &Engine, settings: &Settings, outputs: &Outputs) -> Self {
        let n = if engine.cluster().is_some() {
            1
        } else {
            engine.shards().max(1)
        };
        let shares = Share::split(n);
        let mut others = Vec::with_capacity(n - 1);
        for share in shares.iter().skip(1) {
            let arbiter = engine
                .shard_arbiter(share.index())
                .unwrap_or_else(Arbiter::current);
            let (e, s, o, sh) = (
                engine.clone(),
                settings.clone(),
                outputs.clone(),
                share.clone(),
            );
            others.push(Poller::start_in_arbiter(&arbiter, move |_| {
                Poller::worker(e, &s, o, sh, Vec::new())
            }));
        }
        let first = Poller::worker(
            engine.clone(),
            settings,
            outputs.clone(),
            shares[0].clone(),
            others.clone(),
        )
        .start();
        let mut workers = vec![first];
        workers.extend(others);
        Self { workers }
    }

    /// The workers, worker 0 first (each takes every poller message and keeps its share).
    #[must_use]
    pub fn workers(&self) -> &[Addr<Poller>] {
        &self.workers
    }

    /// Tells every worker of the console's `agent add` / `agent del` (through `engine`).
    pub fn watch_agents(&self, engine: &Engine) {
        for w in &self.workers {
            engine.watch_agents(w.clone().recipient());
        }
    }

    /// A new configuration, applied by every worker to its share; their summaries merged.
    ///
    /// # Errors
    /// A worker has stopped.
    pub async fn reload(&self, settings: Settings) -> Result<ReloadSummary, MailboxError> {
        let mut sum = ReloadSummary::default();
        for (i, w) in self.workers.iter().enumerate() {
            let part = w.send(Reload(settings.clone())).await?;
            if i == 0 {
                sum = part;
            } else {
                sum.merge(part);
            }
        }
        Ok(sum)
    }

    /// Every worker's counters, merged.
    ///
    /// # Errors
    /// A worker has stopped.
    pub async fn stats(&self) -> Result<PollerStats, MailboxError> {
        let mut all = PollerStats::default();
        for w in &self.workers {
            all.merge(&w.send(GetStats).await?);
        }
        Ok(all)
    }

    /// Cluster: the rate state of every pair polled here (one worker in a cluster).
    pub async fn export_rates(&self) -> Vec<(Arc<str>, Arc<str>, RateState)> {
        let mut all = Vec::new();
        for w in &self.workers {
            all.extend(w.send(ExportRates).await.unwrap_or_default());
        }
        all
    }

    /// Stops every worker (each hands its pending events to the outputs first).
    pub async fn shutdown(&self) {
        for w in &self.workers {
            let _ = w.send(Shutdown).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(t: &str) -> Target {
        Target::Address(t.into())
    }

    #[test]
    fn a_literal_address_goes_to_the_worker_of_its_shard_and_a_name_to_worker_0() {
        for port in 1000..1200u16 {
            let a = SocketAddr::from(([127, 0, 0, 1], port));
            assert_eq!(home(&addr(&a.to_string()), 2), shard_of(&a, 2));
            assert_eq!(home(&addr(&format!("udp:{a}")), 3), shard_of(&a, 3));
        }
        let v6: SocketAddr = "[::1]:1161".parse().unwrap();
        assert_eq!(home(&addr("[::1]:1161"), 5), shard_of(&v6, 5));
        assert_eq!(
            home(&addr("127.0.0.1"), 4),
            shard_of(&SocketAddr::from(([127, 0, 0, 1], 161)), 4),
            "the default port"
        );
        assert_eq!(home(&addr("localhost:1161"), 4), 0);
        assert_eq!(home(&Target::Simulator("demo".into()), 4), 0);
        assert_eq!(home(&addr("[::1"), 4), 0, "a bad target");
    }

    #[test]
    fn each_agent_has_exactly_one_worker_and_keeps_it_when_its_target_changes() {
        let shares = Share::split(2);
        let mut counts = [0; 2];
        for port in 2000..2100u16 {
            let name = format!("a{port}");
            let t = addr(&format!("127.0.0.1:{port}"));
            let owners: Vec<bool> = shares.iter().map(|s| s.owns(&name, &t)).collect();
            assert_eq!(owners.iter().filter(|o| **o).count(), 1, "{name}");
            let w = owners.iter().position(|o| *o).unwrap();
            counts[w] += 1;
            assert_eq!(shares[1].owner_of(&name), Some(w));
            // Moved to an address of the other shard: still the same worker.
            let moved = (2000..3000u16)
                .map(|p| addr(&format!("127.0.0.1:{p}")))
                .find(|t| home(t, 2) != w)
                .unwrap();
            assert!(shares[w].owns(&name, &moved));
            assert!(!shares[1 - w].owns(&name, &moved));
        }
        assert!(counts[0] > 20 && counts[1] > 20, "{counts:?}");
        assert_eq!(shares[0].owner_of("never-seen"), None);
        let whole = Share::whole();
        assert!(whole.owns("x", &addr("localhost:1")));
        assert_eq!(whole.owner_of("y"), Some(0));
    }
}
