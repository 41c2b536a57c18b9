//! The messages the [`super::Poller`] handles (run-time changes, stats, stop) and what a
//! [`Reload`] answers. A message lives beside the actor that handles it (STYLE.md §2).

use std::sync::Arc;

use actix::prelude::*;

use crate::cluster::RateState;
use crate::config::{AgentSettings, JobSettings, Settings};
use crate::output::Outputs;
use crate::report::PollerStats;

/// Adds an agent, or changes one (its in-flight cycles finish on the old session first). Sent
/// by the console (`agent add`) and by [`Reload`]. Jobs whose selectors match its name or
/// groups start polling it.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub struct AddAgent(pub AgentSettings);

/// Removes an agent: no new cycles; running ones finish and are published, then its session is
/// removed from the engine (when the poller created it). Answers whether it was known.
#[derive(Debug, Message)]
#[rtype(result = "bool")]
pub struct RemoveAgent(pub String);

/// Adds or replaces a job. Running cycles finish under the old definition.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub struct AddJob(pub JobSettings);

/// Removes a job; its running cycles finish and are published. Answers whether it was known.
#[derive(Debug, Message)]
#[rtype(result = "bool")]
pub struct RemoveJob(pub String);

/// A new configuration (SIGHUP): agents and jobs it has are added or updated, those an earlier
/// configuration had and it lacks are removed; those added at run time ([`AddAgent`],
/// [`AddJob`]) stay. Nothing restarts and no in-flight result is lost.
///
/// Call [`Settings::bind_simulator`] on the new settings for the simulated agents already
/// running (else their agents read as unreachable). `[poller]` applies at once; `[engine]` and
/// `[outputs]` do not: start new outputs with [`crate::output::start`] and send [`SetOutputs`].
#[derive(Debug, Message)]
#[rtype(result = "ReloadSummary")]
pub struct Reload(pub Settings);

/// What a [`Reload`] changed (names, sorted).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReloadSummary {
    /// Agents added.
    pub agents_added: Vec<String>,
    /// Agents whose address or session settings changed.
    pub agents_changed: Vec<String>,
    /// Agents removed.
    pub agents_removed: Vec<String>,
    /// Jobs added.
    pub jobs_added: Vec<String>,
    /// Jobs whose definition changed.
    pub jobs_changed: Vec<String>,
    /// Jobs removed.
    pub jobs_removed: Vec<String>,
}

impl ReloadSummary {
    /// Joins another poller worker's summary of the same reload: its agents (disjoint from
    /// this one's) are added; the jobs, which every worker runs, are the same and kept once.
    pub fn merge(&mut self, other: ReloadSummary) {
        for (mine, theirs) in [
            (&mut self.agents_added, other.agents_added),
            (&mut self.agents_changed, other.agents_changed),
            (&mut self.agents_removed, other.agents_removed),
        ] {
            mine.extend(theirs);
            mine.sort();
        }
    }
}

impl std::fmt::Display for ReloadSummary {
    /// One line: `agents added: b; jobs removed: j`, or `no change`.
    ///
    /// ```
    /// use snmpact::poller::ReloadSummary;
    /// let s = ReloadSummary { agents_added: vec!["b".into()], ..Default::default() };
    /// assert_eq!(s.to_string(), "agents added: b");
    /// assert_eq!(ReloadSummary::default().to_string(), "no change");
    /// ```
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = [
            ("agents added", &self.agents_added),
            ("agents changed", &self.agents_changed),
            ("agents removed", &self.agents_removed),
            ("jobs added", &self.jobs_added),
            ("jobs changed", &self.jobs_changed),
            ("jobs removed", &self.jobs_removed),
        ]
        .into_iter()
        .filter(|(_, names)| !names.is_empty())
        .map(|(what, names)| format!("{what}: {}", names.join(", ")))
        .collect();
        if parts.is_empty() {
            f.write_str("no change")
        } else {
            f.write_str(&parts.join("; "))
        }
    }
}

/// Replaces the outputs (after the caller restarted them for a new configuration).
#[derive(Message)]
#[rtype(result = "()")]
pub struct SetOutputs(pub Outputs);

/// Asks for the poller's counters.
#[derive(Debug, Message)]
#[rtype(result = "PollerStats")]
pub struct GetStats;

/// Stops the poller: no new cycles; answers still in flight are dropped.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub struct Shutdown;

/// Cluster: answers the rate state of every (agent, job) this instance polls, to hand over
/// when it leaves (sent by the service at shutdown).
#[derive(Debug, Message)]
#[rtype(result = "Vec<(Arc<str>, Arc<str>, RateState)>")]
pub struct ExportRates;
