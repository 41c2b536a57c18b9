//! `[poller]` and `[jobs.NAME]`: the poller's own knobs, and each job's selectors (agents,
//! groups or `*`), interval, OIDs (instances for scalars, tables for tables), rates and outputs.

use std::collections::BTreeMap;
use std::time::Duration;

use super::value::At;
use super::{ALL_AGENTS, AgentSettings, OutputSettings};
use crate::config::{Error, raw};
use crate::mib::{self, NodeKind};
use crate::oid::Oid;

/// Default longest wait before a dead agent is polled again.
pub const DEFAULT_MAX_BACKOFF: Duration = Duration::from_secs(300);

/// Default refresh of the health metrics.
pub const DEFAULT_HEALTH_INTERVAL: Duration = Duration::from_secs(10);

/// Default coarsest step of the poller's start grid (see [`PollerSettings::tick`]).
pub const DEFAULT_TICK: Duration = Duration::from_millis(100);

/// Finest step of the poller's start grid accepted.
pub const MIN_TICK: Duration = Duration::from_millis(1);

/// Shortest poll interval accepted.
pub const MIN_INTERVAL: Duration = Duration::from_millis(10);

/// `[poller]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollerSettings {
    /// Longest wait before a dead agent is polled again.
    pub max_backoff: Duration,
    /// How often the health metrics (engine counters, cycle lag) are refreshed.
    pub health_interval: Duration,
    /// The coarsest step of the start grid: the poller wakes once per step and starts every
    /// cycle whose slot fell in it, so cycles start up to one step late. The step is the
    /// shortest enabled job interval / 100 (1 % of it), at most this and at least 1 ms.
    pub tick: Duration,
}

impl Default for PollerSettings {
    fn default() -> Self {
        Self {
            max_backoff: DEFAULT_MAX_BACKOFF,
            health_interval: DEFAULT_HEALTH_INTERVAL,
            tick: DEFAULT_TICK,
        }
    }
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

/// True when `selectors` (a job's `agents`) pick the agent `agent` in `groups`.
#[must_use]
pub fn selects(selectors: &[String], agent: &str, groups: &[String]) -> bool {
    selectors
        .iter()
        .any(|s| s == ALL_AGENTS || s == agent || groups.iter().any(|g| g == s))
}

/// `[poller]` checked.
pub(super) fn poller_settings(at: &At<'_, '_>, p: raw::Poller) -> Result<PollerSettings, Error> {
    Ok(PollerSettings {
        max_backoff: at
            .duration(&["poller", "max_backoff"], p.max_backoff.as_ref())?
            .unwrap_or(DEFAULT_MAX_BACKOFF),
        health_interval: at
            .duration(&["poller", "health_interval"], p.health_interval.as_ref())?
            .unwrap_or(DEFAULT_HEALTH_INTERVAL),
        tick: at
            .duration(&["poller", "tick"], p.tick.as_ref())?
            .unwrap_or(DEFAULT_TICK)
            .max(MIN_TICK),
    })
}

/// `[jobs]` checked, by name: every selector names an agent or a group, every output exists.
pub(super) fn jobs(
    at: &At<'_, '_>,
    raw: &BTreeMap<String, raw::Job>,
    agents: &BTreeMap<String, std::sync::Arc<AgentSettings>>,
    groups: &BTreeMap<String, Vec<String>>,
    outputs: &BTreeMap<String, OutputSettings>,
) -> Result<BTreeMap<String, JobSettings>, Error> {
    let mut jobs = BTreeMap::new();
    for (name, j) in raw {
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
        let selectors = j
            .agents
            .clone()
            .ok_or_else(|| at.err(&k("agents"), "missing: agent names, group names or \"*\""))?;
        for s in &selectors {
            if s != ALL_AGENTS && !agents.contains_key(s) && !groups.contains_key(s) {
                return Err(at.err(
                    &k("agents"),
                    format!("{s:?} is neither an agent nor a group"),
                ));
            }
        }
        let scalars = at.oids(&k("scalars"), j.scalars.as_ref())?;
        let tree = mib::tree();
        for (i, oid) in scalars.iter().enumerate() {
            if let Some(entry) = tree.find_exact(oid.arcs()).and_then(|n| tree.node(n))
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
            if let Some(entry) = tree.find_exact(oid.arcs()).and_then(|n| tree.node(n))
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
    Ok(jobs)
}
