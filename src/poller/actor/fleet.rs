//! The poller's agents and jobs: adding, changing and removing them (at run time or by a
//! reload), their sessions, and keeping the schedule in step with them.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use actix::prelude::*;

use super::super::cycle::JobSpec;
use super::super::messages::ReloadSummary;
use super::super::pairs::{Key, PairId};
use super::super::schedule::phase;
use super::{Poller, now, secs};
use crate::config::settings::selects;
use crate::config::{AgentSettings, JobSettings, Settings, Target};
use crate::engine::SessionHandle;
use crate::report::Event;
use crate::session::{SessionConfig, SnmpError};

/// Where an agent or job came from: a config `Reload` replaces only what the config gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Origin {
    Config,
    Runtime,
}

pub(super) struct JobEntry {
    pub(super) spec: Arc<JobSpec>,
    pub(super) origin: Origin,
}

/// State of one agent. Fields say why they exist.
pub(super) struct AgentState {
    /// Its settings (target, session config, groups), shared with the configuration.
    pub(super) settings: Arc<AgentSettings>,
    /// Where it came from, for a `Reload`.
    pub(super) origin: Origin,
    /// Its session, once created.
    pub(super) session: Option<SessionHandle>,
    /// Why there is no session (the address did not resolve, the simulator is not running).
    /// (Boxed: rarely set, and a state is kept for every polled agent.)
    pub(super) error: Option<Box<SnmpError>>,
    /// A session is being created.
    pub(super) creating: bool,
    /// Tells a session creation's result from a stale one.
    pub(super) generation: u64,
    /// The poller created (or replaced) the engine's session, so it removes it too.
    pub(super) owned: bool,
    /// New settings waiting for the running cycles to end.
    pub(super) pending: Option<Arc<AgentSettings>>,
    /// Being removed: waits for the running cycles to end.
    pub(super) removing: bool,
    /// Cycles running now, over every job.
    pub(super) running: usize,
    /// Its first session creation has ended (success or failure): only then is it scheduled,
    /// so a first slot never finds it without a session.
    pub(super) ready: bool,
}

pub(super) fn same_session(a: &SessionConfig, b: &SessionConfig) -> bool {
    a.version == b.version
        && a.community == b.community
        && a.timeout == b.timeout
        && a.retries == b.retries
        && a.backoff == b.backoff
        && a.max_oids == b.max_oids
        && a.max_repetitions == b.max_repetitions
        && a.non_repeaters == b.non_repeaters
        && a.max_in_flight == b.max_in_flight
        && a.user == b.user
}

impl Poller {
    // ---- agents -----------------------------------------------------------------------------

    pub(super) fn create_session(&mut self, name: Arc<str>, ctx: &mut Context<Self>) {
        self.next_generation += 1;
        let generation = self.next_generation;
        let wanted = self.wants_session(&name);
        let Some(a) = self.agents.get_mut(&name) else {
            return;
        };
        if !wanted {
            // Cluster: another instance polls it; its session opens when this one takes it.
            if !std::mem::replace(&mut a.ready, true) {
                self.schedule_agent(&name, ctx);
            }
            return;
        }
        let target = match &a.settings.target {
            Target::Address(t) => t.clone(),
            Target::Simulator(s) => {
                a.error = Some(Box::new(SnmpError::Resolve {
                    host: format!("simulator {s}"),
                    reason: "the simulated agent is not running".into(),
                }));
                if !std::mem::replace(&mut a.ready, true) {
                    self.schedule_agent(&name, ctx);
                }
                return;
            }
        };
        a.creating = true;
        a.generation = generation;
        let engine = self.engine.clone();
        let config = a.settings.session.clone();
        let n = name.clone();
        async move {
            match engine.get(&n) {
                Some(e) if e.target == target && same_session(&e.config, &config) => {
                    Ok((e.session, false))
                }
                Some(_) => engine
                    .replace_session(&n, &target, config)
                    .await
                    .map(|a| (a, true)),
                None => engine.session(&n, &target, config).await.map(|a| (a, true)),
            }
        }
        .into_actor(self)
        .map(move |result, act, ctx| {
            let Some(a) = act.agents.get_mut(&name) else {
                if let Ok((_, true)) = result {
                    act.engine.remove(&name);
                }
                return;
            };
            if a.generation != generation {
                return;
            }
            a.creating = false;
            let first = !std::mem::replace(&mut a.ready, true);
            match result {
                Ok((addr, owned)) => {
                    a.session = Some(addr);
                    a.owned |= owned;
                    a.error = None;
                }
                Err(e) => {
                    tracing::warn!(agent = %name, error = %e, "no session");
                    a.error = Some(Box::new(e));
                }
            }
            if first {
                act.schedule_agent(&name, ctx);
            }
        })
        .spawn(ctx);
    }

    /// Adds or changes an agent. Returns whether it was added (true) or changed (false), or
    /// `None` when nothing changed.
    pub(super) fn upsert_agent(
        &mut self,
        s: Arc<AgentSettings>,
        origin: Origin,
        ctx: &mut Context<Self>,
    ) -> Option<bool> {
        if !self.share.owns(&s.name, &s.target) {
            return None; // another worker's
        }
        let name: Arc<str> = Arc::from(s.name.as_str());
        match self.agents.get_mut(&name) {
            Some(a) => {
                a.origin = origin;
                let was_removing = std::mem::replace(&mut a.removing, false);
                let current = a.pending.as_deref().unwrap_or(&a.settings);
                let same = current.target == s.target
                    && same_session(&current.session, &s.session)
                    && current.groups == s.groups;
                if same {
                    was_removing.then_some(false)
                } else {
                    let connection_same =
                        current.target == s.target && same_session(&current.session, &s.session);
                    if connection_same {
                        Arc::make_mut(&mut a.settings).groups = s.groups.clone();
                        if let Some(p) = a.pending.as_mut() {
                            Arc::make_mut(p).groups = s.groups.clone();
                        }
                    } else if a.running > 0 {
                        a.pending = Some(s);
                    } else {
                        a.settings = s;
                        a.session = None;
                        a.error = None;
                        a.creating = false;
                        self.create_session(name.clone(), ctx);
                    }
                    Some(false)
                }
            }
            None => {
                self.agents.insert(
                    name.clone(),
                    AgentState {
                        settings: s,
                        origin,
                        session: None,
                        error: None,
                        creating: false,
                        generation: 0,
                        owned: false,
                        pending: None,
                        removing: false,
                        running: 0,
                        ready: false,
                    },
                );
                self.create_session(name.clone(), ctx);
                Some(true)
            }
        }
    }

    pub(super) fn remove_agent(&mut self, name: &str, ctx: &mut Context<Self>) -> bool {
        let Some(a) = self.agents.get_mut(name) else {
            return false;
        };
        a.removing = true;
        let idle = a.running == 0;
        let key: Arc<str> = Arc::from(name);
        self.sync(ctx);
        if idle {
            self.agent_idle(key, ctx);
        }
        true
    }

    /// The agent's last running cycle ended: apply a waiting change or removal.
    pub(super) fn agent_idle(&mut self, name: Arc<str>, ctx: &mut Context<Self>) {
        let Some(a) = self.agents.get_mut(&name) else {
            return;
        };
        if a.removing {
            let owned = a.owned;
            self.agents.remove(&name);
            self.down.remove(&name);
            if owned {
                self.engine.remove(&name);
            }
        } else if let Some(p) = a.pending.take() {
            a.settings = p;
            a.session = None;
            a.error = None;
            a.creating = false;
            self.create_session(name, ctx);
        } else if !self.wants_session(&name) {
            self.release_session(&name);
        }
    }

    // ---- jobs -------------------------------------------------------------------------------

    /// Adds or changes a job. Returns whether it was added (true), changed (false), or `None`.
    pub(super) fn upsert_job(&mut self, s: JobSettings, origin: Origin) -> Option<bool> {
        let name: Arc<str> = Arc::from(s.name.as_str());
        let interval = s.interval;
        let result = match self.jobs.get_mut(&name) {
            Some(j) if j.spec.settings == s => {
                j.origin = origin;
                return None;
            }
            Some(j) => {
                let interval_changed = j.spec.settings.interval != interval;
                j.spec = Arc::new(JobSpec::new(s));
                j.origin = origin;
                if interval_changed {
                    let ids: Vec<_> = self
                        .schedule
                        .keys()
                        .filter(|&id| self.pairs.at(id).is_some_and(|p| p.key.0 == name))
                        .collect();
                    for id in ids {
                        self.schedule.remove(id);
                    }
                }
                Some(false)
            }
            None => {
                self.jobs.insert(
                    name.clone(),
                    JobEntry {
                        spec: Arc::new(JobSpec::new(s)),
                        origin,
                    },
                );
                Some(true)
            }
        };
        let st = self.stats.entry(name).or_default();
        st.interval_seconds = secs(interval);
        self.retick();
        result
    }

    pub(super) fn remove_job(&mut self, name: &str) -> bool {
        let removed = self.jobs.remove(name).is_some();
        self.stats.remove(name);
        self.retick();
        removed
    }

    /// Makes the schedule match the jobs and agents: one entry per enabled job and agent it
    /// selects. Pairs that go away are detached (a running cycle still ends and is published).
    pub(super) fn sync(&mut self, ctx: &mut Context<Self>) {
        let t = now();
        let mut desired: HashSet<Key> = HashSet::new();
        let mut counts: HashMap<Arc<str>, usize> = HashMap::new();
        for (jn, j) in &self.jobs {
            if !j.spec.settings.enabled {
                continue;
            }
            for (an, a) in &self.agents {
                if a.removing || !a.ready {
                    continue;
                }
                let groups = &a.pending.as_deref().unwrap_or(&a.settings).groups;
                if selects(&j.spec.settings.agents, an, groups) {
                    desired.insert((jn.clone(), an.clone()));
                    *counts.entry(jn.clone()).or_default() += 1;
                }
            }
        }
        let gone: Vec<(PairId, Key)> = self
            .schedule
            .keys()
            .filter_map(|id| Some((id, self.pairs.at(id)?.key.clone())))
            .filter(|(_, k)| !desired.contains(k))
            .collect();
        for (id, key) in gone {
            self.schedule.remove(id);
            let only: Arc<[String]> = match self.jobs.get(&key.0) {
                Some(j) => j.spec.outputs.clone(),
                None => Arc::from([]),
            };
            let running = self.pairs.get(&key).is_some_and(|s| s.running.is_some());
            if running {
                // Its last report is still to come: `Removed` follows it (see `finish`).
                if let Some(s) = self.pairs.get_mut(&key) {
                    s.detached = true;
                }
            } else {
                self.pairs.remove(&key);
                self.publish(
                    Event::Removed {
                        job: key.0.clone(),
                        agent: key.1.clone(),
                    },
                    &only,
                );
            }
        }
        for key in desired {
            if self
                .pairs
                .id(&key)
                .is_some_and(|id| self.schedule.contains(id))
            {
                continue;
            }
            let Some(j) = self.jobs.get(&key.0) else {
                continue;
            };
            let interval = j.spec.settings.interval;
            let p = phase(&key.0, &key.1, interval);
            let id = self.pairs.ensure(&key);
            if let Some(pair) = self.pairs.at_mut(id) {
                pair.slot.detached = false;
            }
            self.schedule.insert(id, interval, p, t);
        }
        for (jn, st) in &mut self.stats {
            st.agents = counts.get(jn).copied().unwrap_or(0);
        }
        self.arm(ctx);
    }

    /// Schedules the pairs of one agent that just became ready (what [`Self::sync`] would do
    /// for it, without visiting every agent: 10,000 agents become ready one by one).
    pub(super) fn schedule_agent(&mut self, name: &Arc<str>, ctx: &mut Context<Self>) {
        let Some(a) = self.agents.get(name) else {
            return;
        };
        if a.removing {
            return;
        }
        let groups = a.pending.as_deref().unwrap_or(&a.settings).groups.clone();
        let t = now();
        for (jn, j) in &self.jobs {
            if !j.spec.settings.enabled || !selects(&j.spec.settings.agents, name, &groups) {
                continue;
            }
            let key = (jn.clone(), name.clone());
            let id = self.pairs.ensure(&key);
            if self.schedule.contains(id) {
                continue;
            }
            let interval = j.spec.settings.interval;
            if let Some(p) = self.pairs.at_mut(id) {
                p.slot.detached = false;
            }
            self.schedule
                .insert(id, interval, phase(jn, name, interval), t);
            if let Some(st) = self.stats.get_mut(jn) {
                st.agents += 1;
            }
        }
        self.arm(ctx);
    }

    pub(super) fn reload(&mut self, s: Settings, ctx: &mut Context<Self>) -> ReloadSummary {
        let mut sum = ReloadSummary::default();
        let health_changed = self.settings.health_interval != s.poller.health_interval;
        self.settings = s.poller.clone();
        for a in s.agents.values() {
            match self.upsert_agent(a.clone(), Origin::Config, ctx) {
                Some(true) => sum.agents_added.push(a.name.clone()),
                Some(false) => sum.agents_changed.push(a.name.clone()),
                None => {}
            }
        }
        let old_agents: Vec<Arc<str>> = self
            .agents
            .iter()
            .filter(|(n, a)| {
                a.origin == Origin::Config && !a.removing && !s.agents.contains_key(&***n)
            })
            .map(|(n, _)| n.clone())
            .collect();
        for n in old_agents {
            if self.remove_agent(&n, ctx) {
                sum.agents_removed.push(n.to_string());
            }
        }
        for j in s.jobs.values() {
            match self.upsert_job(j.clone(), Origin::Config) {
                Some(true) => sum.jobs_added.push(j.name.clone()),
                Some(false) => sum.jobs_changed.push(j.name.clone()),
                None => {}
            }
        }
        let old_jobs: Vec<Arc<str>> = self
            .jobs
            .iter()
            .filter(|(n, j)| j.origin == Origin::Config && !s.jobs.contains_key(&***n))
            .map(|(n, _)| n.clone())
            .collect();
        for n in old_jobs {
            if self.remove_job(&n) {
                sum.jobs_removed.push(n.to_string());
            }
        }
        self.retick(); // `[poller] tick` may have changed alone
        self.sync(ctx);
        if health_changed || self.health_timer.is_none() {
            self.start_health(ctx);
        }
        for v in [
            &mut sum.agents_added,
            &mut sum.agents_changed,
            &mut sum.agents_removed,
            &mut sum.jobs_added,
            &mut sum.jobs_changed,
            &mut sum.jobs_removed,
        ] {
            v.sort();
        }
        sum
    }
}
