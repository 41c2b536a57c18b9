//! The [`Poller`] actor and its messages.
//!
//! One actor runs every job. It keeps one timer (a `run_later` to the earliest slot of the
//! [`Schedule`], never one per agent: ACTIX-NOTES P3), sends each cycle's requests to the agent's
//! session as callback-style [`Request`]s and collects the [`Answer`]s, so it never waits on the
//! network and a dead agent delays no other. Each (job, agent) pair has at most one cycle
//! running; the session bounds the requests in flight to its agent (`max_in_flight`).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use actix::prelude::*;

use super::rate::{self, Clock, CounterKind, Stamp};
use super::report::{
    CycleReport, Event, Health, JobStats, PollError, PollerStats, Sample, SkipReason, Skipped,
};
use super::schedule::{Due, Schedule, phase};
use crate::cluster::{Cluster, Decision, EpochChanged, RateState, SeedRates, wall_ms};
use crate::config::settings::selects;
use crate::config::{AgentSettings, JobSettings, PollerSettings, Settings, Target};
use crate::engine::Engine;
use crate::oid::Oid;
use crate::output::Outputs;
use crate::pdu::Value;
use crate::session::{Answer, Operation, Request, SessionConfig, SnmpError, WalkOptions};

/// `sysUpTime.0`: fetched with the scalars of every job that computes rates.
const SYS_UP_TIME: &[u32] = &[1, 3, 6, 1, 2, 1, 1, 3, 0];
/// Pairs due within this much of a timer firing run in the same batch.
const BATCH_SLACK: Duration = Duration::from_millis(1);
/// A cycle still running after this many intervals (plus the session's worst case) is abandoned:
/// its session went away without answering (only a stopped session does that).
const ABANDON_AFTER_INTERVALS: u32 = 10;
/// A cycle that starts later than `interval / LATE_START_DIVISOR` after its slot is late.
const LATE_START_DIVISOR: u32 = 10;
/// Cluster: how often a first sample waiting for its handed-over rate state checks again
/// (the hand-over's answer usually ends the wait first).
const HANDOVER_RECHECK: Duration = Duration::from_millis(250);

/// Where an agent or job came from: a config [`Reload`] replaces only what the config gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    Config,
    Runtime,
}

/// (job, agent).
type Key = (Arc<str>, Arc<str>);

/// The context of one request of a cycle, handed back in its [`Answer`].
#[derive(Debug, Clone)]
pub struct PollCtx {
    key: Key,
    cycle: u64,
    op: usize,
}

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
pub struct Stop;

/// One request of a job's cycle.
#[derive(Debug, Clone, PartialEq)]
enum OpSpec {
    Get(Vec<Oid>),
    Walk(Oid),
}

impl OpSpec {
    fn operation(&self) -> Operation {
        match self {
            Self::Get(oids) => Operation::Get(oids.clone()),
            Self::Walk(root) => Operation::Walk(root.clone(), WalkOptions::default()),
        }
    }

    fn first_oid(&self) -> Oid {
        match self {
            Self::Get(oids) => oids.first().cloned().unwrap_or_else(sys_up_time),
            Self::Walk(root) => root.clone(),
        }
    }
}

fn sys_up_time() -> Oid {
    // A constant that obeys the OID rules; `Oid::new` cannot fail on it.
    Oid::new(SYS_UP_TIME).unwrap_or_else(|_| unreachable!("sysUpTime.0 is a valid OID"))
}

/// A job with its requests worked out.
#[derive(Debug)]
struct JobSpec {
    settings: JobSettings,
    ops: Vec<OpSpec>,
    /// Position of sysUpTime.0 in the first request (a GET), when rates need it.
    uptime_at: Option<usize>,
    /// The poller added sysUpTime.0 itself: not a sample.
    uptime_hidden: bool,
}

impl JobSpec {
    fn new(settings: JobSettings) -> Self {
        let uptime = sys_up_time();
        let mut scalars = settings.scalars.clone();
        let (mut uptime_at, mut uptime_hidden) = (None, false);
        if !settings.rates.is_empty() {
            match scalars.iter().position(|o| *o == uptime) {
                Some(i) => uptime_at = Some(i),
                None => {
                    scalars.insert(0, uptime);
                    uptime_at = Some(0);
                    uptime_hidden = true;
                }
            }
        }
        let mut ops = Vec::new();
        if !scalars.is_empty() {
            ops.push(OpSpec::Get(scalars));
        }
        ops.extend(settings.walks.iter().cloned().map(OpSpec::Walk));
        ops.extend(settings.tables.iter().cloned().map(OpSpec::Walk));
        Self {
            settings,
            ops,
            uptime_at,
            uptime_hidden,
        }
    }
}

struct JobEntry {
    spec: Arc<JobSpec>,
    origin: Origin,
}

/// State of one agent. Fields say why they exist.
struct AgentState {
    /// Its settings (target, session config, groups).
    settings: AgentSettings,
    /// Where it came from, for [`Reload`].
    origin: Origin,
    /// Its session, once created.
    session: Option<Recipient<Request<PollCtx>>>,
    /// Why there is no session (the address did not resolve, the simulator is not running).
    error: Option<SnmpError>,
    /// A session is being created.
    creating: bool,
    /// Tells a session creation's result from a stale one.
    generation: u64,
    /// The poller created (or replaced) the engine's session, so it removes it too.
    owned: bool,
    /// New settings waiting for the running cycles to end.
    pending: Option<AgentSettings>,
    /// Being removed: waits for the running cycles to end.
    removing: bool,
    /// Cycles running now, over every job.
    running: usize,
    /// Its first session creation has ended (success or failure): only then is it scheduled,
    /// so a first slot never finds it without a session.
    ready: bool,
}

/// A cycle in progress.
struct Running {
    /// The slot's cycle number.
    id: u64,
    /// The job as it was when the cycle started.
    job: Arc<JobSpec>,
    /// The slot it runs for.
    slot: Instant,
    /// When its requests left.
    started: Instant,
    /// One result per request of `job.ops`.
    results: Vec<Option<Result<Vec<crate::pdu::VarBind<'static>>, SnmpError>>>,
    /// Requests not answered yet.
    pending: usize,
    /// Abandon it past this instant.
    abandon_at: Instant,
    /// Polled without a fresh cluster view: maybe polled by another instance too.
    duplicate: bool,
}

/// State of one (job, agent) pair.
#[derive(Default)]
struct Slot {
    /// Cycles started so far (the next cycle's id is this plus one).
    cycle: u64,
    /// The cycle in progress, at most one.
    running: Option<Running>,
    /// Consecutive cycles where every request timed out.
    failures: u32,
    /// A dead agent is not polled before this slot.
    retry_at: Option<Instant>,
    /// The previous cycle's stamp, for rates.
    prev: Option<Stamp>,
    /// The previous cycle's counters, for rates.
    counters: HashMap<Oid, (CounterKind, u64)>,
    /// No longer scheduled: dropped when its running cycle ends.
    detached: bool,
    /// Cluster: this instance polls the pair (its series are ours to remove when it moves).
    polled: bool,
}

/// The poller actor. Fields say why they exist.
pub struct Poller {
    /// Where sessions come from.
    engine: Engine,
    /// Where reports go.
    outputs: Outputs,
    /// Backoff cap, health interval.
    settings: PollerSettings,
    /// The configuration applied when the actor starts.
    initial: Option<Settings>,
    /// Agents by name.
    agents: HashMap<Arc<str>, AgentState>,
    /// Jobs by name.
    jobs: HashMap<Arc<str>, JobEntry>,
    /// Per (job, agent) state: running cycle, backoff, rate memory.
    slots: HashMap<Key, Slot>,
    /// When each pair is due.
    schedule: Schedule<Key>,
    /// The one timer, and the instant it fires at.
    timer: Option<(SpawnHandle, Instant)>,
    /// The health refresh timer.
    health_timer: Option<SpawnHandle>,
    /// A health refresh is waiting for the engine's counters.
    health_busy: bool,
    /// Counters per job.
    stats: HashMap<Arc<str>, JobStats>,
    /// Agents whose last cycle failed entirely.
    down: HashSet<Arc<str>>,
    /// Cycles running now.
    running: usize,
    /// Source of session-creation generations.
    next_generation: u64,
    /// This actor, as the recipient of answers.
    me: Option<Recipient<Answer<PollCtx>>>,
    /// The cluster membership (`[cluster]`): asked, per cycle, whether this instance polls.
    cluster: Option<Cluster>,
    /// Cluster: agents this instance polls now.
    owned: HashSet<Arc<str>>,
}

/// Now, on tokio's clock (so a paused test clock applies), as a std instant.
fn now() -> Instant {
    tokio::time::Instant::now().into_std()
}

fn same_session(a: &SessionConfig, b: &SessionConfig) -> bool {
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

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// Slots count from the start of the current UTC hour (else minute) in a cluster, so every
/// instance has the same slots for a pair (a phase is a hash of the names): an interval that
/// divides an hour gives the same cycles everywhere, and the cutover between two owners falls
/// between two slots.
fn wall_aligned_epoch(now: Instant, wall: SystemTime) -> Instant {
    let since = wall
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    [3_600_u128, 60]
        .into_iter()
        .find_map(|period| {
            let into = u64::try_from(since % (period * 1_000_000_000)).unwrap_or(0);
            now.checked_sub(Duration::from_nanos(into))
        })
        .unwrap_or(now)
}

/// The wall-clock milliseconds of `at`, given that `now` is `wall`.
fn wall_of(at: Instant, now: Instant, wall: SystemTime) -> u64 {
    let w = wall_ms(wall);
    if at >= now {
        w.saturating_add(u64::try_from(at.duration_since(now).as_millis()).unwrap_or(0))
    } else {
        w.saturating_sub(u64::try_from(now.duration_since(at).as_millis()).unwrap_or(0))
    }
}

/// The rate memory of a slot, for the hand-over.
fn rate_state(slot: &Slot, now: Instant, wall: SystemTime) -> Option<RateState> {
    let prev = slot.prev?;
    let mut counters: Vec<(Oid, u8, u64)> = slot
        .counters
        .iter()
        .map(|(oid, (kind, v))| {
            let k = match kind {
                CounterKind::Counter32 => 32,
                CounterKind::Counter64 => 64,
            };
            (oid.clone(), k, *v)
        })
        .collect();
    counters.sort();
    Some(RateState {
        at_ms: wall_of(prev.at, now, wall),
        uptime: prev.uptime,
        counters,
    })
}

impl Poller {
    /// A poller that takes sessions from `engine`, publishes to `outputs` and applies
    /// `settings` (agents and jobs) when started.
    #[must_use]
    pub fn new(engine: Engine, settings: &Settings, outputs: Outputs) -> Self {
        let cluster = engine.cluster().cloned();
        let epoch = if cluster.is_some() {
            wall_aligned_epoch(now(), SystemTime::now())
        } else {
            now()
        };
        Self {
            engine,
            outputs,
            settings: settings.poller.clone(),
            initial: Some(settings.clone()),
            agents: HashMap::new(),
            jobs: HashMap::new(),
            slots: HashMap::new(),
            schedule: Schedule::new(epoch),
            timer: None,
            health_timer: None,
            health_busy: false,
            stats: HashMap::new(),
            down: HashSet::new(),
            running: 0,
            next_generation: 0,
            me: None,
            cluster,
            owned: HashSet::new(),
        }
    }

    fn publish(&self, event: &Event, only: &[String]) {
        self.outputs.publish(event, only);
    }

    // ---- timer and cycles -------------------------------------------------------------------

    fn arm(&mut self, ctx: &mut Context<Self>) {
        let Some(next) = self.schedule.next_due() else {
            if let Some((h, _)) = self.timer.take() {
                ctx.cancel_future(h);
            }
            return;
        };
        if let Some((h, at)) = self.timer {
            if at <= next {
                return;
            }
            ctx.cancel_future(h);
        }
        let wait = next.saturating_duration_since(now());
        let h = ctx.run_later(wait, |act, ctx| {
            act.timer = None;
            act.tick(ctx);
        });
        self.timer = Some((h, next));
    }

    fn tick(&mut self, ctx: &mut Context<Self>) {
        let t = now();
        for due in self.schedule.pop_due(t + BATCH_SLACK) {
            self.fire(due, t, ctx);
        }
        self.arm(ctx);
    }

    fn skip(&mut self, key: &Key, reason: SkipReason, only: &[String]) {
        if let Some(st) = self.stats.get_mut(&key.0) {
            *st.skipped.entry(reason).or_default() += 1;
        }
        let ev = Event::Skipped(Arc::new(Skipped {
            job: key.0.clone(),
            agent: key.1.clone(),
            time: SystemTime::now(),
            reason,
            instance: self.cluster.as_ref().map(Cluster::me),
        }));
        self.publish(&ev, only);
    }

    fn fire(&mut self, due: Due<Key>, t: Instant, ctx: &mut Context<Self>) {
        let key = due.key;
        let Some(job) = self.jobs.get(&key.0).map(|j| j.spec.clone()) else {
            return;
        };
        let duplicate = match self.cluster_gate(&key, due.slot, t, &job) {
            Some(d) => d,
            None => return,
        };
        if let Some(st) = self.stats.get_mut(&key.0) {
            st.missed += due.missed;
        }
        let only = &job.settings.outputs;
        // A cycle still running: skip this slot (never pile up), unless it is hopelessly stuck.
        let stuck = self
            .slots
            .get(&key)
            .and_then(|s| s.running.as_ref())
            .map(|r| t >= r.abandon_at);
        match stuck {
            Some(false) => return self.skip(&key, SkipReason::Overrun, only),
            Some(true) => self.finish(&key, ctx),
            None => {}
        }
        let slot = self.slots.entry(key.clone()).or_default();
        if slot.retry_at.is_some_and(|r| due.slot < r) {
            return self.skip(&key, SkipReason::Backoff, only);
        }
        let Some(agent) = self.agents.get(&key.1) else {
            return;
        };
        if agent.pending.is_some() || agent.removing {
            return self.skip(&key, SkipReason::NotReady, only);
        }
        let Some(session) = agent.session.clone() else {
            let error = agent.error.clone();
            let creating = agent.creating;
            if !creating {
                self.create_session(key.1.clone(), ctx);
            }
            return match error {
                Some(error) if !creating => self.report_unreachable(&key, &job, due.slot, error),
                _ => self.skip(&key, SkipReason::NotReady, only),
            };
        };
        let worst = {
            let policy = agent.settings.session.policy();
            let per_op: Duration = (0..policy.transmissions()).map(|a| policy.wait(a)).sum();
            per_op * u32::try_from(job.ops.len()).unwrap_or(u32::MAX).max(1)
        };
        let slot = self.slots.entry(key.clone()).or_default();
        slot.cycle += 1;
        let id = slot.cycle;
        slot.running = Some(Running {
            id,
            job: job.clone(),
            slot: due.slot,
            started: t,
            results: vec![None; job.ops.len()],
            pending: job.ops.len(),
            abandon_at: t + due.interval * ABANDON_AFTER_INTERVALS + worst * 2,
            duplicate,
        });
        if let Some(a) = self.agents.get_mut(&key.1) {
            a.running += 1;
        }
        self.running += 1;
        if let Some(st) = self.stats.get_mut(&key.0) {
            st.started += 1;
            let lag = secs(t.saturating_duration_since(due.slot));
            st.last_lag_seconds = lag;
            st.max_lag_seconds = st.max_lag_seconds.max(lag);
        }
        let Some(me) = self.me.clone() else { return };
        for (i, op) in job.ops.iter().enumerate() {
            let req = Request {
                op: op.operation(),
                context: PollCtx {
                    key: key.clone(),
                    cycle: id,
                    op: i,
                },
                reply_to: me.clone(),
            };
            // A full mailbox is no failure: a cycle hands its session all its operations at once
            // (more than the 16 a mailbox holds), and the session bounds what goes on the wire
            // (`max_in_flight`). What waits in the mailbox is bounded too: one cycle per (job,
            // agent), so at most the job's operations. Only a stopped session fails the request.
            let sent = match session.try_send(req) {
                Ok(()) => true,
                Err(SendError::Full(req)) => {
                    session.do_send(req);
                    true
                }
                Err(SendError::Closed(_)) => false,
            };
            if !sent {
                // The session is gone: record and let it be recreated.
                self.record(&key, id, i, Err(SnmpError::ShuttingDown), ctx);
                if let Some(a) = self.agents.get_mut(&key.1) {
                    a.session = None;
                }
            }
        }
    }

    /// A cycle that could not start because the agent has no session: a failure report.
    fn report_unreachable(&mut self, key: &Key, job: &JobSpec, slot: Instant, error: SnmpError) {
        if let Some(st) = self.stats.get_mut(&key.0) {
            st.started += 1;
            st.failed += 1;
            *st.errors.entry(error.label().to_owned()).or_default() += 1;
        }
        self.down.insert(key.1.clone());
        let report = CycleReport {
            job: key.0.clone(),
            agent: key.1.clone(),
            slot,
            time: SystemTime::now(),
            lag: now().saturating_duration_since(slot),
            duration: Duration::ZERO,
            samples: Vec::new(),
            errors: job
                .ops
                .iter()
                .map(|op| PollError {
                    oid: op.first_oid(),
                    error: error.clone(),
                })
                .collect(),
            restarted: false,
            instance: self.cluster.as_ref().map(Cluster::me),
            duplicate: false,
        };
        self.publish(&Event::Cycle(Arc::new(report)), &job.settings.outputs);
    }

    fn record(
        &mut self,
        key: &Key,
        cycle: u64,
        op: usize,
        result: Result<Vec<crate::pdu::VarBind<'static>>, SnmpError>,
        ctx: &mut Context<Self>,
    ) {
        let Some(run) = self.slots.get_mut(key).and_then(|s| s.running.as_mut()) else {
            return;
        };
        if run.id != cycle || op >= run.results.len() || run.results[op].is_some() {
            return;
        }
        run.results[op] = Some(result);
        run.pending -= 1;
        if run.pending == 0 {
            self.finish(key, ctx);
        }
    }

    /// Ends the running cycle of `key`: samples, rates, backoff, counters, publication.
    fn finish(&mut self, key: &Key, ctx: &mut Context<Self>) {
        let Some(slot) = self.slots.get_mut(key) else {
            return;
        };
        // Cluster: the first sample of an adopted agent waits for its handed-over rate state
        // (SeedRates finishes the cycle; a timer checks again, the wait is bounded), so it
        // already has a rate.
        if let Some(c) = &self.cluster
            && slot.prev.is_none()
            && let Some(r) = slot.running.as_ref()
            && r.pending == 0
            && !r.job.settings.rates.is_empty()
            && c.awaiting_rates(&key.1)
        {
            let (k, id) = (key.clone(), r.id);
            ctx.run_later(HANDOVER_RECHECK, move |act, ctx| {
                let parked = act.slots.get(&k).and_then(|s| s.running.as_ref());
                if parked.is_some_and(|r| r.id == id && r.pending == 0) {
                    act.finish(&k, ctx);
                }
            });
            return;
        }
        let Some(run) = slot.running.take() else {
            return;
        };
        let t = now();
        let job = run.job;
        let mut samples = Vec::new();
        let mut errors = Vec::new();
        let mut uptime = None;
        for (i, (op, result)) in job.ops.iter().zip(run.results).enumerate() {
            match result.unwrap_or(Err(SnmpError::ShuttingDown)) {
                Ok(vbs) => {
                    for (j, vb) in vbs.into_iter().enumerate() {
                        if i == 0 && job.uptime_at == Some(j) {
                            if let Value::TimeTicks(ticks) = vb.value {
                                uptime = Some(ticks);
                            }
                            if job.uptime_hidden {
                                continue;
                            }
                        }
                        samples.push(Sample {
                            varbind: vb,
                            rate: None,
                        });
                    }
                }
                Err(error) => errors.push(PollError {
                    oid: op.first_oid(),
                    error,
                }),
            }
        }

        let mut restarted = false;
        if !job.settings.rates.is_empty() && !samples.is_empty() {
            let stamp = Stamp { at: t, uptime };
            let clock = slot.prev.map(|p| rate::elapsed(p, stamp));
            if clock == Some(Clock::Restarted) {
                restarted = true;
                slot.counters.clear();
            }
            let mut counters = HashMap::with_capacity(slot.counters.len());
            for s in &mut samples {
                if !job.settings.wants_rate(&s.varbind.oid) {
                    continue;
                }
                let Some((kind, value)) = rate::counter_of(&s.varbind.value) else {
                    continue;
                };
                if let (Some(Clock::Elapsed(seconds)), Some(&(prev_kind, prev))) =
                    (clock, slot.counters.get(&s.varbind.oid))
                    && prev_kind == kind
                {
                    s.rate = rate::rate(kind, prev, value, seconds);
                }
                counters.insert(s.varbind.oid.clone(), (kind, value));
            }
            slot.counters = counters;
            slot.prev = Some(stamp);
        }

        let failed = samples.is_empty() && !errors.is_empty();
        let interval = job.settings.interval;
        if failed
            && errors
                .iter()
                .all(|e| matches!(e.error, SnmpError::Timeout { .. }))
        {
            slot.failures = slot.failures.saturating_add(1);
            let cap = self.settings.max_backoff.max(interval);
            let factor = 1u32
                .checked_shl((slot.failures - 1).min(20))
                .unwrap_or(u32::MAX);
            slot.retry_at = Some(run.slot + (interval.saturating_mul(factor)).min(cap));
        } else if !failed {
            slot.failures = 0;
            slot.retry_at = None;
        }
        let detached = slot.detached;

        let duration = t.saturating_duration_since(run.started);
        let lag = run.started.saturating_duration_since(run.slot);
        if let Some(st) = self.stats.get_mut(&key.0) {
            if failed {
                st.failed += 1;
            } else if errors.is_empty() {
                st.ok += 1;
            } else {
                st.partial += 1;
            }
            for e in &errors {
                *st.errors.entry(e.error.label().to_owned()).or_default() += 1;
            }
            if restarted {
                st.restarts += 1;
            }
            if lag > interval / LATE_START_DIVISOR || t > run.slot + interval {
                st.late += 1;
            }
            st.max_duration_seconds = st.max_duration_seconds.max(secs(duration));
        }
        if failed {
            self.down.insert(key.1.clone());
        } else {
            self.down.remove(&key.1);
        }
        let report = CycleReport {
            job: key.0.clone(),
            agent: key.1.clone(),
            slot: run.slot,
            time: SystemTime::now(),
            lag,
            duration,
            samples,
            errors,
            restarted,
            instance: self.cluster.as_ref().map(Cluster::me),
            duplicate: run.duplicate,
        };
        self.publish(&Event::Cycle(Arc::new(report)), &job.settings.outputs);
        if let Some(c) = &self.cluster {
            if run.duplicate {
                c.count_duplicate();
            }
            // The rate hook: the pair's rate memory goes to Redis (batched), for its next owner.
            if let Some(state) = self
                .slots
                .get(key)
                .filter(|s| s.polled)
                .and_then(|s| rate_state(s, now(), SystemTime::now()))
            {
                c.store_rate(&key.1, &key.0, job.settings.interval, &state);
            }
        }
        if detached {
            let removed = Event::Removed {
                job: key.0.clone(),
                agent: key.1.clone(),
            };
            self.publish(&removed, &job.settings.outputs);
        }

        if detached {
            self.slots.remove(key);
        }
        self.running -= 1;
        let idle = match self.agents.get_mut(&key.1) {
            Some(a) => {
                a.running -= 1;
                a.running == 0
            }
            None => false,
        };
        if idle {
            self.agent_idle(key.1.clone(), ctx);
        }
    }

    // ---- cluster ----------------------------------------------------------------------------

    /// Cluster: whether this instance polls the pair for this slot. `None`: another instance
    /// does (or nobody may); `Some(duplicate)`: poll, marked when the view was not fresh.
    /// A pair this instance polled and no longer owns is released: its series are removed
    /// from the outputs and its rate memory dropped (the new owner took it over).
    fn cluster_gate(
        &mut self,
        key: &Key,
        slot: Instant,
        t: Instant,
        job: &JobSpec,
    ) -> Option<bool> {
        let Some(c) = &self.cluster else {
            return Some(false);
        };
        let groups: &[String] = self
            .agents
            .get(&key.1)
            .map_or(&[], |a| a.settings.groups.as_slice());
        let wall = SystemTime::now();
        let slot_ms = wall_of(slot, t, wall);
        match c.snapshot().decide(&key.1, groups, slot_ms, wall_ms(wall)) {
            Decision::Poll { duplicate } => {
                if let Some(s) = self.slots.get_mut(key) {
                    s.polled = true;
                } else {
                    self.slots.insert(
                        key.clone(),
                        Slot {
                            polled: true,
                            ..Slot::default()
                        },
                    );
                }
                self.owned.insert(key.1.clone());
                Some(duplicate)
            }
            Decision::Skip => {
                let released = self.slots.get_mut(key).is_some_and(|s| {
                    let was = std::mem::replace(&mut s.polled, false);
                    if was {
                        s.prev = None;
                        s.counters.clear();
                        s.failures = 0;
                        s.retry_at = None;
                    }
                    was
                });
                if released {
                    self.owned.remove(&key.1);
                    self.down.remove(&key.1);
                    let ev = Event::Removed {
                        job: key.0.clone(),
                        agent: key.1.clone(),
                    };
                    self.publish(&ev, &job.settings.outputs);
                }
                None
            }
        }
    }

    /// Cluster: a new epoch. Asks for the rate state of the (agent, job) pairs this instance
    /// adopts (their old owner stored it after each cycle): at once for agents whose owner is
    /// gone, a quarter window before the cutover for the others; and recounts the agents per
    /// member for the console. O(agents) per epoch change, never per heartbeat.
    fn epoch_changed(&mut self, snap: &crate::cluster::Snapshot) {
        let Some(c) = self.cluster.clone() else {
            return;
        };
        let me = &snap.identity.me;
        let now_ms = wall_ms(SystemTime::now());
        let cut = snap.cutover_ms().max(now_ms);
        let (mut adopt_now, mut adopt_later) = (Vec::new(), Vec::new());
        let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
        for (name, a) in &self.agents {
            let g = &a.settings.groups;
            let after = snap.owner_at(name, g, cut);
            *counts
                .entry(after.as_ref().map_or_else(String::new, ToString::to_string))
                .or_default() += 1;
            if after.as_ref() != Some(me) || self.owned.contains(name) {
                continue;
            }
            let pairs = self
                .jobs
                .iter()
                .filter(|(_, j)| {
                    let s = &j.spec.settings;
                    s.enabled && !s.rates.is_empty() && selects(&s.agents, name, g)
                })
                .map(|(job, _)| (name.clone(), job.clone()));
            if snap.owner_at(name, g, now_ms).as_ref() == Some(me) {
                adopt_now.extend(pairs);
            } else {
                adopt_later.extend(pairs);
            }
        }
        c.set_agents_per_member(&counts);
        c.fetch_rates(adopt_now, now_ms);
        let quarter = snap.identity.window_ms / 4;
        c.fetch_rates(adopt_later, snap.cutover_ms().saturating_sub(quarter));
    }

    /// Cluster: rate state handed over for agents taken over; kept where it is newer than
    /// what this instance has.
    fn seed_rates(&mut self, seeds: Vec<(Arc<str>, Arc<str>, RateState)>) {
        let t = now();
        let wall_now = wall_ms(SystemTime::now());
        for (agent, job, state) in seeds {
            let Some(at) =
                t.checked_sub(Duration::from_millis(wall_now.saturating_sub(state.at_ms)))
            else {
                continue;
            };
            let slot = self.slots.entry((job, agent)).or_default();
            if slot.prev.is_some_and(|p| p.at >= at) {
                continue;
            }
            let mut counters = HashMap::with_capacity(state.counters.len());
            for (oid, kind, value) in state.counters {
                let kind = match kind {
                    32 => CounterKind::Counter32,
                    64 => CounterKind::Counter64,
                    _ => continue,
                };
                counters.insert(oid, (kind, value));
            }
            slot.prev = Some(Stamp {
                at,
                uptime: state.uptime,
            });
            slot.counters = counters;
        }
    }

    /// Cluster: the rate state of every pair this instance polls (handed over when leaving).
    fn export_rates(&self) -> Vec<(Arc<str>, Arc<str>, RateState)> {
        let (t, wall) = (now(), SystemTime::now());
        self.slots
            .iter()
            .filter(|(_, s)| s.polled)
            .filter_map(|((job, agent), s)| {
                rate_state(s, t, wall).map(|st| (agent.clone(), job.clone(), st))
            })
            .collect()
    }

    // ---- agents -----------------------------------------------------------------------------

    fn create_session(&mut self, name: Arc<str>, ctx: &mut Context<Self>) {
        self.next_generation += 1;
        let generation = self.next_generation;
        let Some(a) = self.agents.get_mut(&name) else {
            return;
        };
        let target = match &a.settings.target {
            Target::Address(t) => t.clone(),
            Target::Simulator(s) => {
                a.error = Some(SnmpError::Resolve {
                    host: format!("simulator {s}"),
                    reason: "the simulated agent is not running".into(),
                });
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
                    Ok((e.addr, false))
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
                    a.session = Some(addr.recipient());
                    a.owned |= owned;
                    a.error = None;
                }
                Err(e) => {
                    tracing::warn!(agent = %name, error = %e, "no session");
                    a.error = Some(e);
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
    fn upsert_agent(
        &mut self,
        s: AgentSettings,
        origin: Origin,
        ctx: &mut Context<Self>,
    ) -> Option<bool> {
        let name: Arc<str> = Arc::from(s.name.as_str());
        match self.agents.get_mut(&name) {
            Some(a) => {
                a.origin = origin;
                let was_removing = std::mem::replace(&mut a.removing, false);
                let current = a.pending.as_ref().unwrap_or(&a.settings);
                let same = current.target == s.target
                    && same_session(&current.session, &s.session)
                    && current.groups == s.groups;
                if same {
                    was_removing.then_some(false)
                } else {
                    let connection_same =
                        current.target == s.target && same_session(&current.session, &s.session);
                    if connection_same {
                        a.settings.groups = s.groups.clone();
                        if let Some(p) = a.pending.as_mut() {
                            p.groups = s.groups;
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

    fn remove_agent(&mut self, name: &str, ctx: &mut Context<Self>) -> bool {
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
    fn agent_idle(&mut self, name: Arc<str>, ctx: &mut Context<Self>) {
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
        }
    }

    // ---- jobs -------------------------------------------------------------------------------

    /// Adds or changes a job. Returns whether it was added (true), changed (false), or `None`.
    fn upsert_job(&mut self, s: JobSettings, origin: Origin) -> Option<bool> {
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
                    let keys: Vec<Key> = self
                        .schedule
                        .keys()
                        .filter(|k| k.0 == name)
                        .cloned()
                        .collect();
                    for k in keys {
                        self.schedule.remove(&k);
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
        result
    }

    fn remove_job(&mut self, name: &str) -> bool {
        let removed = self.jobs.remove(name).is_some();
        self.stats.remove(name);
        removed
    }

    /// Makes the schedule match the jobs and agents: one entry per enabled job and agent it
    /// selects. Pairs that go away are detached (a running cycle still ends and is published).
    fn sync(&mut self, ctx: &mut Context<Self>) {
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
                let groups = &a.pending.as_ref().unwrap_or(&a.settings).groups;
                if selects(&j.spec.settings.agents, an, groups) {
                    desired.insert((jn.clone(), an.clone()));
                    *counts.entry(jn.clone()).or_default() += 1;
                }
            }
        }
        let gone: Vec<Key> = self
            .schedule
            .keys()
            .filter(|k| !desired.contains(*k))
            .cloned()
            .collect();
        for key in gone {
            self.schedule.remove(&key);
            let only = match self.jobs.get(&key.0) {
                Some(j) => j.spec.settings.outputs.clone(),
                None => Vec::new(),
            };
            let running = self.slots.get(&key).is_some_and(|s| s.running.is_some());
            if running {
                // Its last report is still to come: `Removed` follows it (see `finish`).
                if let Some(s) = self.slots.get_mut(&key) {
                    s.detached = true;
                }
            } else {
                self.slots.remove(&key);
                self.publish(
                    &Event::Removed {
                        job: key.0.clone(),
                        agent: key.1.clone(),
                    },
                    &only,
                );
            }
        }
        for key in desired {
            if self.schedule.contains(&key) {
                continue;
            }
            let Some(j) = self.jobs.get(&key.0) else {
                continue;
            };
            let interval = j.spec.settings.interval;
            let p = phase(&key.0, &key.1, interval);
            if let Some(s) = self.slots.get_mut(&key) {
                s.detached = false;
            }
            self.schedule.insert(key, interval, p, t);
        }
        for (jn, st) in &mut self.stats {
            st.agents = counts.get(jn).copied().unwrap_or(0);
        }
        self.arm(ctx);
    }

    /// Schedules the pairs of one agent that just became ready (what [`Self::sync`] would do
    /// for it, without visiting every agent: 10,000 agents become ready one by one).
    fn schedule_agent(&mut self, name: &Arc<str>, ctx: &mut Context<Self>) {
        let Some(a) = self.agents.get(name) else {
            return;
        };
        if a.removing {
            return;
        }
        let groups = a.pending.as_ref().unwrap_or(&a.settings).groups.clone();
        let t = now();
        for (jn, j) in &self.jobs {
            if !j.spec.settings.enabled || !selects(&j.spec.settings.agents, name, &groups) {
                continue;
            }
            let key = (jn.clone(), name.clone());
            if self.schedule.contains(&key) {
                continue;
            }
            let interval = j.spec.settings.interval;
            if let Some(s) = self.slots.get_mut(&key) {
                s.detached = false;
            }
            self.schedule
                .insert(key, interval, phase(jn, name, interval), t);
            if let Some(st) = self.stats.get_mut(jn) {
                st.agents += 1;
            }
        }
        self.arm(ctx);
    }

    fn reload(&mut self, s: Settings, ctx: &mut Context<Self>) -> ReloadSummary {
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

    // ---- health -----------------------------------------------------------------------------

    fn start_health(&mut self, ctx: &mut Context<Self>) {
        if let Some(h) = self.health_timer.take() {
            ctx.cancel_future(h);
        }
        let every = self.settings.health_interval;
        self.health_timer = Some(ctx.run_interval(every, |act, ctx| act.refresh_health(ctx)));
    }

    fn refresh_health(&mut self, ctx: &mut Context<Self>) {
        if self.health_busy {
            return; // a burst of ticks after a stall (P4): one refresh is enough
        }
        self.health_busy = true;
        let engine = self.engine.clone();
        async move { engine.stats().await }
            .into_actor(self)
            .map(|engine, act, _| {
                act.health_busy = false;
                let health = Health {
                    engine,
                    poller: act.snapshot(),
                    cluster: act.cluster.as_ref().map(Cluster::status),
                };
                act.publish(&Event::Health(Arc::new(health)), &[]);
            })
            .spawn(ctx);
    }

    fn snapshot(&self) -> PollerStats {
        let mut down: Vec<String> = self.down.iter().map(ToString::to_string).collect();
        down.sort();
        PollerStats {
            jobs: self
                .stats
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
            agents: self.agents.len(),
            agents_down: down,
            running: self.running,
        }
    }
}

impl Actor for Poller {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Context<Self>) {
        self.me = Some(ctx.address().recipient());
        if let Some(c) = &self.cluster {
            c.attach(ctx.address().recipient(), ctx.address().recipient());
        }
        if let Some(s) = self.initial.take() {
            self.reload(s, ctx);
        } else {
            self.start_health(ctx);
        }
    }
}

impl Handler<Answer<PollCtx>> for Poller {
    type Result = ();

    fn handle(&mut self, a: Answer<PollCtx>, ctx: &mut Context<Self>) {
        let PollCtx { key, cycle, op } = a.context;
        self.record(&key, cycle, op, a.result, ctx);
    }
}

impl Handler<AddAgent> for Poller {
    type Result = ();

    fn handle(&mut self, m: AddAgent, ctx: &mut Context<Self>) {
        self.upsert_agent(m.0, Origin::Runtime, ctx);
        self.sync(ctx);
    }
}

/// The console's `agent add` / `agent del`: an added agent is polled by the jobs whose agents
/// include `"*"` (it belongs to no group); a removed one stops being polled.
impl Handler<crate::engine::AgentChange> for Poller {
    type Result = ();

    fn handle(&mut self, m: crate::engine::AgentChange, ctx: &mut Context<Self>) {
        match m {
            crate::engine::AgentChange::Added {
                name,
                target,
                config,
            } => {
                let agent = AgentSettings {
                    name,
                    target: Target::Address(target),
                    session: config,
                    groups: Vec::new(),
                };
                self.upsert_agent(agent, Origin::Runtime, ctx);
                self.sync(ctx);
            }
            crate::engine::AgentChange::Removed { name } => {
                self.remove_agent(&name, ctx);
            }
        }
    }
}

impl Handler<RemoveAgent> for Poller {
    type Result = bool;

    fn handle(&mut self, m: RemoveAgent, ctx: &mut Context<Self>) -> bool {
        self.remove_agent(&m.0, ctx)
    }
}

impl Handler<AddJob> for Poller {
    type Result = ();

    fn handle(&mut self, m: AddJob, ctx: &mut Context<Self>) {
        self.upsert_job(m.0, Origin::Runtime);
        self.sync(ctx);
    }
}

impl Handler<RemoveJob> for Poller {
    type Result = bool;

    fn handle(&mut self, m: RemoveJob, ctx: &mut Context<Self>) -> bool {
        let removed = self.remove_job(&m.0);
        self.sync(ctx);
        removed
    }
}

impl Handler<Reload> for Poller {
    type Result = MessageResult<Reload>;

    fn handle(&mut self, m: Reload, ctx: &mut Context<Self>) -> Self::Result {
        MessageResult(self.reload(m.0, ctx))
    }
}

impl Handler<SetOutputs> for Poller {
    type Result = ();

    fn handle(&mut self, m: SetOutputs, _: &mut Context<Self>) {
        self.outputs = m.0;
    }
}

impl Handler<GetStats> for Poller {
    type Result = MessageResult<GetStats>;

    fn handle(&mut self, _: GetStats, _: &mut Context<Self>) -> Self::Result {
        MessageResult(self.snapshot())
    }
}

impl Handler<EpochChanged> for Poller {
    type Result = ();

    fn handle(&mut self, m: EpochChanged, _: &mut Context<Self>) {
        self.epoch_changed(&m.0);
    }
}

impl Handler<SeedRates> for Poller {
    type Result = ();

    fn handle(&mut self, m: SeedRates, ctx: &mut Context<Self>) {
        self.seed_rates(m.seeds);
        // First samples that waited for this hand-over are published now.
        let jobs: Vec<Arc<str>> = self.jobs.keys().cloned().collect();
        for agent in m.resolved {
            for job in &jobs {
                let key = (job.clone(), agent.clone());
                let parked = self.slots.get(&key).and_then(|s| s.running.as_ref());
                if parked.is_some_and(|r| r.pending == 0) {
                    self.finish(&key, ctx);
                }
            }
        }
    }
}

/// Cluster: answers the rate state of every (agent, job) this instance polls, to hand over
/// when it leaves (sent by the service at shutdown).
#[derive(Debug, Message)]
#[rtype(result = "Vec<(Arc<str>, Arc<str>, RateState)>")]
pub struct ExportRates;

impl Handler<ExportRates> for Poller {
    type Result = MessageResult<ExportRates>;

    fn handle(&mut self, _: ExportRates, _: &mut Context<Self>) -> Self::Result {
        MessageResult(self.export_rates())
    }
}

impl Handler<Stop> for Poller {
    type Result = ();

    fn handle(&mut self, _: Stop, ctx: &mut Context<Self>) {
        ctx.stop();
    }
}
