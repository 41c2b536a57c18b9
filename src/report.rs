//! What the poller tells the outputs: [`Event`]s holding cycle reports (samples and failures),
//! skipped cycles, removals and health snapshots. Plain data, shared behind `Arc` between the
//! poller and every output.
//!
//! A neutral module below both (issue 12): the poller produces these and imports
//! [`crate::output`] to hand them over; the outputs consume them and never import the poller.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use serde::Serialize;

use crate::dispatcher::DispatcherStats;
use crate::oid::Oid;
use crate::pdu::VarBind;
use crate::session::SnmpError;

/// One polled value.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// The OID and its value (exceptions such as noSuchObject included: they are data).
    pub varbind: VarBind<'static>,
    /// Change per second, for counters the job asked rates of, from the second cycle on.
    pub rate: Option<f64>,
}

/// One request of a cycle that failed.
#[derive(Debug, Clone)]
pub struct PollError {
    /// The request's first OID (a scalar) or root (a walk or table).
    pub oid: Oid,
    /// Why.
    pub error: SnmpError,
}

/// One finished cycle: one job's requests to one agent.
#[derive(Debug, Clone)]
pub struct CycleReport {
    /// The job.
    pub job: Arc<str>,
    /// The agent.
    pub agent: Arc<str>,
    /// The slot the cycle was scheduled for (slots are exactly one interval apart).
    pub slot: Instant,
    /// Wall-clock time the cycle ended (the samples' timestamp).
    pub time: SystemTime,
    /// How late the cycle started after its slot.
    pub lag: Duration,
    /// From the first request to the last answer.
    pub duration: Duration,
    /// The values, in request order (scalars, then walks, then tables).
    pub samples: Vec<Sample>,
    /// The requests that failed.
    pub errors: Vec<PollError>,
    /// The agent restarted since the previous cycle (sysUpTime went back): no rates this time.
    pub restarted: bool,
    /// The cluster instance that polled it (`[cluster]` only).
    pub instance: Option<Arc<str>>,
    /// Polled while this instance could not vouch for its ownership (Redis unreachable for a
    /// transition window or more): another instance may have polled the same cycle.
    pub duplicate: bool,
}

impl CycleReport {
    /// True when every request failed.
    #[must_use]
    pub fn failed(&self) -> bool {
        self.samples.is_empty() && !self.errors.is_empty()
    }
}

/// Why a cycle did not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// The previous cycle of the same job and agent was still running.
    Overrun,
    /// The agent is dead and backing off.
    Backoff,
    /// The agent has no session yet (being created, or its address did not resolve).
    NotReady,
}

impl SkipReason {
    /// Stable label.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Overrun => "overrun",
            Self::Backoff => "backoff",
            Self::NotReady => "not_ready",
        }
    }
}

/// A cycle that was skipped.
#[derive(Debug, Clone)]
pub struct Skipped {
    /// The job.
    pub job: Arc<str>,
    /// The agent.
    pub agent: Arc<str>,
    /// Wall-clock time of the decision.
    pub time: SystemTime,
    /// Why.
    pub reason: SkipReason,
    /// The cluster instance (`[cluster]` only).
    pub instance: Option<Arc<str>>,
}

/// Counters of one job.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct JobStats {
    /// Interval in seconds.
    pub interval_seconds: f64,
    /// Agents the job polls now.
    pub agents: usize,
    /// Cycles started.
    pub started: u64,
    /// Cycles finished with every request answered.
    pub ok: u64,
    /// Cycles finished with some requests failed.
    pub partial: u64,
    /// Cycles where every request failed.
    pub failed: u64,
    /// Failed requests by error label (`timeout`, `agent_error`, ...).
    pub errors: BTreeMap<String, u64>,
    /// Skipped cycles by reason.
    pub skipped: BTreeMap<SkipReason, u64>,
    /// Slots lost to a stall of the poller itself (each fired once, not once per slot).
    pub missed: u64,
    /// Cycles that started more than a tenth of the interval late or ended after their next slot.
    pub late: u64,
    /// Agent restarts seen (sysUpTime went back).
    pub restarts: u64,
    /// Start lag of the last cycle, seconds.
    pub last_lag_seconds: f64,
    /// Largest start lag since the poller started, seconds.
    pub max_lag_seconds: f64,
    /// Longest cycle since the poller started, seconds.
    pub max_duration_seconds: f64,
}

/// The poller's counters (the console's `stats`, the health metrics).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PollerStats {
    /// Per job.
    pub jobs: BTreeMap<String, JobStats>,
    /// Agents known.
    pub agents: usize,
    /// Agents whose last cycle failed entirely, sorted.
    pub agents_down: Vec<String>,
    /// Cycles running now.
    pub running: usize,
}

impl JobStats {
    /// Adds `other`'s counters (the same job in another poller worker): counts summed, the
    /// largest lags and duration kept.
    pub fn merge(&mut self, other: &JobStats) {
        self.interval_seconds = self.interval_seconds.max(other.interval_seconds);
        self.agents += other.agents;
        self.started += other.started;
        self.ok += other.ok;
        self.partial += other.partial;
        self.failed += other.failed;
        for (k, v) in &other.errors {
            *self.errors.entry(k.clone()).or_default() += v;
        }
        for (k, v) in &other.skipped {
            *self.skipped.entry(*k).or_default() += v;
        }
        self.missed += other.missed;
        self.late += other.late;
        self.restarts += other.restarts;
        self.last_lag_seconds = self.last_lag_seconds.max(other.last_lag_seconds);
        self.max_lag_seconds = self.max_lag_seconds.max(other.max_lag_seconds);
        self.max_duration_seconds = self.max_duration_seconds.max(other.max_duration_seconds);
    }
}

impl PollerStats {
    /// Adds `other`'s counters (another poller worker's, whose agents are disjoint from this
    /// one's): per-job counters merged ([`JobStats::merge`]), agents and running cycles summed,
    /// the agents down joined and sorted.
    pub fn merge(&mut self, other: &PollerStats) {
        for (job, st) in &other.jobs {
            self.jobs.entry(job.clone()).or_default().merge(st);
        }
        self.agents += other.agents;
        self.running += other.running;
        self.agents_down.extend(other.agents_down.iter().cloned());
        self.agents_down.sort();
    }
}

/// A health snapshot: the engine's and the poller's counters.
#[derive(Debug, Clone, Default)]
pub struct Health {
    /// Requests, retransmissions, timeouts, drops, in flight.
    pub engine: DispatcherStats,
    /// Cycles, skips, lag.
    pub poller: PollerStats,
    /// The cluster's state (`[cluster]` only).
    pub cluster: Option<crate::cluster::ClusterStatus>,
}

/// What the poller publishes.
#[derive(Debug, Clone)]
pub enum Event {
    /// A cycle ended (samples and failures).
    Cycle(Arc<CycleReport>),
    /// A cycle was skipped.
    Skipped(Arc<Skipped>),
    /// A job stopped polling an agent (agent or job removed): its series should go.
    Removed {
        /// The job.
        job: Arc<str>,
        /// The agent.
        agent: Arc<str>,
    },
    /// Fresh health counters.
    Health(Arc<Health>),
    /// A notification received by the `[traps]` listener (not from the poller; it shares the
    /// outputs).
    Notification(Arc<crate::notification::Notification>),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_workers_stats_merge_into_one() {
        let mut a = PollerStats {
            agents: 2,
            running: 1,
            agents_down: vec!["b".into(), "d".into()],
            ..PollerStats::default()
        };
        let mut ja = JobStats {
            interval_seconds: 10.0,
            agents: 2,
            started: 5,
            ok: 4,
            failed: 1,
            max_lag_seconds: 0.5,
            last_lag_seconds: 0.1,
            ..JobStats::default()
        };
        ja.errors.insert("timeout".into(), 3);
        ja.skipped.insert(SkipReason::Backoff, 2);
        a.jobs.insert("j".into(), ja);
        let mut b = PollerStats {
            agents: 3,
            running: 2,
            agents_down: vec!["c".into()],
            ..PollerStats::default()
        };
        let mut jb = JobStats {
            interval_seconds: 10.0,
            agents: 3,
            started: 7,
            ok: 6,
            partial: 1,
            max_lag_seconds: 0.25,
            last_lag_seconds: 0.3,
            max_duration_seconds: 1.5,
            ..JobStats::default()
        };
        jb.errors.insert("timeout".into(), 1);
        jb.errors.insert("agent_error".into(), 1);
        jb.skipped.insert(SkipReason::Overrun, 1);
        b.jobs.insert("j".into(), jb.clone());
        b.jobs.insert("k".into(), jb);
        a.merge(&b);
        assert_eq!((a.agents, a.running), (5, 3));
        assert_eq!(a.agents_down, ["b", "c", "d"]);
        let j = &a.jobs["j"];
        assert_eq!(
            (j.agents, j.started, j.ok, j.partial, j.failed),
            (5, 12, 10, 1, 1)
        );
        assert_eq!(j.errors["timeout"], 4);
        assert_eq!(j.errors["agent_error"], 1);
        assert_eq!(j.skipped[&SkipReason::Backoff], 2);
        assert_eq!(j.skipped[&SkipReason::Overrun], 1);
        assert_eq!(
            (
                j.max_lag_seconds,
                j.last_lag_seconds,
                j.max_duration_seconds
            ),
            (0.5, 0.3, 1.5)
        );
        assert_eq!(j.interval_seconds, 10.0);
        assert_eq!(
            a.jobs["k"].agents, 3,
            "a job only the other worker had is kept"
        );
    }
}
