//! The [`Poller`] actor: its timer, the cycles it starts and ends, its health refresh and its
//! message handlers. Agents and jobs bookkeeping is in `fleet`, the cluster side in
//! `ownership`, the pure end of a cycle in [`super::cycle`], the messages in
//! [`super::messages`].
//!
//! One actor runs every job. It keeps one timer (a `run_later` to the earliest slot of the
//! [`Schedule`], never one per agent: ACTIX-NOTES P3), sends each cycle's requests to the agent's
//! session as callback-style [`Request`]s and collects the [`Answer`]s, so it never waits on the
//! network and a dead agent delays no other. Each (job, agent) pair has at most one cycle
//! running; the session bounds the requests in flight to its agent (`max_in_flight`).

mod fleet;
mod ownership;

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use actix::prelude::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use self::fleet::{AgentState, JobEntry, Origin};
use self::ownership::wall_aligned_epoch;
use super::cycle::{self, JobSpec, Running};
use super::messages::{
    AddAgent, AddJob, ExportRates, GetStats, Reload, RemoveAgent, RemoveJob, SetOutputs, Shutdown,
};
use super::pairs::{Key, PairId, Pairs};
use super::schedule::{self, Due, Schedule};
use super::workers::Share;
use crate::cluster::{Cluster, EpochChanged, SeedRates};
use crate::config::{AgentSettings, PollerSettings, Settings, Target};
use crate::engine::Engine;
use crate::output::Outputs;
use crate::report::{
    CycleReport, Event, Health, JobStats, PollError, PollerStats, SkipReason, Skipped,
};
use crate::session::{Answer, Request, SnmpError};

/// Pairs due within this much of a timer firing run in the same batch.
const BATCH_SLACK: Duration = Duration::from_millis(1);
/// Events wait at most this long to be handed to the outputs, in one batch (one wake-up of
/// each writer thread per batch, not per cycle); the hand-over rides on the last grid step
/// before it, so it costs the poller no wake-up of its own while cycles are due.
const FLUSH_AFTER: Duration = Duration::from_millis(500);
/// A batch this large is handed over at once.
const FLUSH_MAX: usize = 4_096;
/// A cycle still running after this many intervals (plus the session's worst case) is abandoned:
/// its session went away without answering (only a stopped session does that).
const ABANDON_AFTER_INTERVALS: u32 = 10;
/// Cluster: how often a first sample waiting for its handed-over rate state checks again
/// (the hand-over's answer usually ends the wait first).
const HANDOVER_RECHECK: Duration = Duration::from_millis(250);

/// The context of one request of a cycle, handed back in its [`Answer`]: the pair's index, the
/// cycle's run id (unique in the poller) and the request's position in the cycle. Plain
/// numbers: handing it out and back touches no shared count.
#[derive(Debug, Clone, Copy)]
pub struct PollCtx {
    pair: PairId,
    run: u64,
    op: u32,
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
    /// Per (job, agent) state: running cycle, backoff, rate memory; each pair at an index.
    pairs: Pairs,
    /// When each pair is due (by pair index).
    schedule: Schedule,
    /// The pairs due in a step (kept: a step allocates nothing).
    due: Vec<Due>,
    /// Source of cycle run ids.
    next_run: u64,
    /// The one timer, and the instant it fires at.
    timer: Option<(SpawnHandle, Instant)>,
    /// What the timer waits on: one timerfd re-armed for every step ([`crate::alarm::Alarm`]).
    alarm: crate::alarm::Alarm,
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
    /// The timer's grid step ([`schedule::grid_step`]): every pair whose slot falls in one step
    /// starts in one wake-up, the spread over the interval kept.
    tick: Duration,
    /// Which agents this worker polls (all but with [`super::Pollers`]' workers).
    share: Share,
    /// The other workers (worker 0 only): their counters go into its health events.
    peers: Vec<Addr<Poller>>,
    /// Events not handed to the outputs yet, each with the outputs it goes to (empty: all).
    pending: Vec<(Event, Arc<[String]>)>,
    /// When the oldest pending event must be handed over.
    flush_at: Option<Instant>,
}

/// Now, on tokio's clock (so a paused test clock applies), as a std instant.
fn now() -> Instant {
    tokio::time::Instant::now().into_std()
}
fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

impl Poller {
    /// A poller that takes sessions from `engine`, publishes to `outputs` and applies
    /// `settings` (agents and jobs) when started.
    #[must_use]
    pub fn new(engine: Engine, settings: &Settings, outputs: Outputs) -> Self {
        Self::worker(engine, settings, outputs, Share::whole(), Vec::new())
    }

    /// A worker of [`super::Pollers`]: like [`Poller::new`], but it polls only the agents of
    /// `share`; worker 0 publishes the health events, with the counters of its `peers` too.
    #[must_use]
    pub fn worker(
        engine: Engine,
        settings: &Settings,
        outputs: Outputs,
        share: Share,
        peers: Vec<Addr<Poller>>,
    ) -> Self {
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
            agents: HashMap::default(),
            jobs: HashMap::default(),
            pairs: Pairs::default(),
            schedule: Schedule::new(epoch),
            due: Vec::new(),
            next_run: 0,
            timer: None,
            alarm: crate::alarm::Alarm::new(),
            health_timer: None,
            health_busy: false,
            stats: HashMap::default(),
            down: HashSet::default(),
            running: 0,
            next_generation: 0,
            me: None,
            cluster,
            owned: HashSet::default(),
            pending: Vec::new(),
            flush_at: None,
            tick: schedule::MIN_STEP,
            share,
            peers,
        }
    }

    /// Queues `event` for the outputs in `only` (empty: all); handed over by [`Self::flush`]
    /// within [`FLUSH_AFTER`] (the caller's handler arms the timer).
    fn publish(&mut self, event: Event, only: &Arc<[String]>) {
        if self.pending.is_empty() {
            self.flush_at = Some(now() + FLUSH_AFTER);
        }
        self.pending.push((event, only.clone()));
        if self.pending.len() >= FLUSH_MAX {
            self.flush();
        }
    }

    /// Works the grid step out again from the enabled jobs' intervals.
    pub(super) fn retick(&mut self) {
        let shortest = self
            .jobs
            .values()
            .filter(|j| j.spec.settings.enabled)
            .map(|j| j.spec.settings.interval)
            .min();
        self.tick = schedule::grid_step(shortest, self.settings.tick);
    }

    /// Hands the pending events to the outputs, one batch.
    fn flush(&mut self) {
        self.flush_at = None;
        if self.pending.is_empty() {
            return;
        }
        self.outputs.publish_batch(&self.pending);
        // Cleared, not replaced: the next batch reuses the room this one grew.
        self.pending.clear();
    }

    // ---- timer and cycles -------------------------------------------------------------------

    /// Arms the one timer for the next grid step with a pair due, or the pending events'
    /// hand-over, whichever comes first; nothing when there is neither (an idle poller sleeps).
    fn arm(&mut self, ctx: &mut Context<Self>) {
        let due = self.schedule.next_tick(self.tick);
        let next = match (due, self.flush_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let Some(next) = next else {
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
        // One wake-up per step (a timerfd), where tokio's wheel takes two for a timer 100 ms
        // ahead; one timerfd for every step, re-armed (crate::alarm).
        let h = ctx.spawn(self.alarm.sleep(wait).into_actor(self).map(|(), act, ctx| {
            act.timer = None;
            act.tick(ctx);
        }));
        self.timer = Some((h, next));
    }

    fn tick(&mut self, ctx: &mut Context<Self>) {
        let t = now();
        let mut due = std::mem::take(&mut self.due);
        self.schedule.pop_due_into(t + BATCH_SLACK, &mut due);
        for d in due.drain(..) {
            self.fire(&d, t, ctx);
        }
        self.due = due;
        // Due within the next step: handed over now, on this wake-up, rather than late or on
        // a wake-up of its own.
        if self
            .flush_at
            .is_some_and(|f| f <= t + self.tick.max(BATCH_SLACK))
        {
            self.flush();
        }
        self.arm(ctx);
    }

    fn skip(&mut self, key: &Key, reason: SkipReason, only: &Arc<[String]>) {
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
        self.publish(ev, only);
    }

    fn fire(&mut self, due: &Due, t: Instant, ctx: &mut Context<Self>) {
        let pair = due.key;
        let Some(key) = self.pairs.at(pair).map(|p| p.key.clone()) else {
            return;
        };
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
        let only = &job.outputs;
        // A cycle still running: skip this slot (never pile up), unless it is hopelessly stuck.
        let stuck = self
            .pairs
            .at(pair)
            .and_then(|p| p.slot.running.as_ref())
            .map(|r| t >= r.abandon_at);
        match stuck {
            Some(false) => return self.skip(&key, SkipReason::Overrun, only),
            Some(true) => self.finish(pair, ctx),
            None => {}
        }
        if self
            .pairs
            .at(pair)
            .is_some_and(|p| p.slot.retry_at.is_some_and(|r| due.slot < r))
        {
            return self.skip(&key, SkipReason::Backoff, only);
        }
        let Some(agent) = self.agents.get_mut(&key.1) else {
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
                Some(error) if !creating => self.report_unreachable(&key, &job, due.slot, *error),
                _ => self.skip(&key, SkipReason::NotReady, only),
            };
        };
        let worst = {
            let policy = agent.settings.session.policy();
            let per_op: Duration = (0..policy.transmissions()).map(|a| policy.wait(a)).sum();
            per_op * u32::try_from(job.ops.len()).unwrap_or(u32::MAX).max(1)
        };
        let Some(p) = self.pairs.at_mut(pair) else {
            return;
        };
        agent.running += 1;
        self.next_run += 1;
        let run = self.next_run;
        p.slot.running = Some(Box::new(Running {
            id: run,
            job: job.clone(),
            slot: due.slot,
            started: t,
            results: vec![None; job.ops.len()],
            pending: job.ops.len(),
            abandon_at: t + due.interval * ABANDON_AFTER_INTERVALS + worst * 2,
            duplicate,
        }));
        self.running += 1;
        if let Some(st) = self.stats.get_mut(&key.0) {
            st.started += 1;
            let lag = secs(t.saturating_duration_since(due.slot));
            st.last_lag_seconds = lag;
            st.max_lag_seconds = st.max_lag_seconds.max(lag);
        }
        let Some(me) = self.me.clone() else { return };
        for (i, op) in job.ops.iter().enumerate() {
            let at = PollCtx {
                pair,
                run,
                op: u32::try_from(i).unwrap_or(u32::MAX),
            };
            let req = Request {
                op: op.operation(),
                context: at,
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
                self.record(at, Err(SnmpError::ShuttingDown), ctx);
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
        self.publish(Event::Cycle(Arc::new(report)), &job.outputs);
    }

    fn record(
        &mut self,
        at: PollCtx,
        result: Result<Vec<crate::pdu::VarBind<'static>>, SnmpError>,
        ctx: &mut Context<Self>,
    ) {
        let Some(run) = self
            .pairs
            .at_mut(at.pair)
            .and_then(|p| p.slot.running.as_mut())
        else {
            return;
        };
        let op = at.op as usize;
        if run.id != at.run || op >= run.results.len() || run.results[op].is_some() {
            return;
        }
        run.results[op] = Some(result);
        run.pending -= 1;
        if run.pending == 0 {
            self.finish(at.pair, ctx);
        }
    }

    /// Ends the running cycle of `pair`: [`cycle::close`] works out samples, rates, backoff and
    /// counters; this publishes the report and keeps the agent's bookkeeping.
    fn finish(&mut self, pair: PairId, ctx: &mut Context<Self>) {
        let Some(p) = self.pairs.at_mut(pair) else {
            return;
        };
        let (key, slot) = (&p.key, &mut p.slot);
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
            let id = r.id;
            ctx.run_later(HANDOVER_RECHECK, move |act, ctx| {
                let parked = act.pairs.at(pair).and_then(|p| p.slot.running.as_ref());
                if parked.is_some_and(|r| r.id == id && r.pending == 0) {
                    act.finish(pair, ctx);
                }
            });
            return;
        }
        let Some(run) = slot.running.take() else {
            return;
        };
        let key = key.clone();
        let closed = cycle::close(
            slot,
            *run,
            now(),
            self.settings.max_backoff,
            self.stats.get_mut(&key.0),
        );
        let (detached, polled) = (slot.detached, slot.polled);
        if closed.failed {
            self.down.insert(key.1.clone());
        } else if !self.down.is_empty() {
            self.down.remove(&key.1);
        }
        let only = &closed.job.outputs;
        let report = CycleReport {
            job: key.0.clone(),
            agent: key.1.clone(),
            slot: closed.slot,
            time: SystemTime::now(),
            lag: closed.lag,
            duration: closed.duration,
            samples: closed.samples,
            errors: closed.errors,
            restarted: closed.restarted,
            instance: self.cluster.as_ref().map(Cluster::me),
            duplicate: closed.duplicate,
        };
        self.publish(Event::Cycle(Arc::new(report)), only);
        if let Some(c) = &self.cluster {
            if closed.duplicate {
                c.count_duplicate();
            }
            // The rate hook: the pair's rate memory goes to Redis (batched), for its next owner.
            if polled
                && let Some(state) = self
                    .pairs
                    .at(pair)
                    .and_then(|p| ownership::rate_state(&p.slot, now(), SystemTime::now()))
            {
                c.store_rate(&key.1, &key.0, closed.job.settings.interval, &state);
            }
        }
        if detached {
            let removed = Event::Removed {
                job: key.0.clone(),
                agent: key.1.clone(),
            };
            self.publish(removed, only);
            self.pairs.remove(&key);
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
            self.agent_idle(key.1, ctx);
        }
    }

    // ---- health -----------------------------------------------------------------------------

    fn start_health(&mut self, ctx: &mut Context<Self>) {
        if let Some(h) = self.health_timer.take() {
            ctx.cancel_future(h);
        }
        if self.share.index() != 0 {
            return; // worker 0 publishes every worker's counters
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
        let peers = self.peers.clone();
        async move {
            let mut others = PollerStats::default();
            for p in &peers {
                if let Ok(s) = p.send(GetStats).await {
                    others.merge(&s);
                }
            }
            (engine.stats().await, others)
        }
        .into_actor(self)
        .map(|(engine, others), act, ctx| {
            act.health_busy = false;
            let mut poller = act.snapshot();
            poller.merge(&others);
            let health = Health {
                engine,
                poller,
                cluster: act.cluster.as_ref().map(Cluster::status),
            };
            act.publish(Event::Health(Arc::new(health)), &Arc::from([]));
            act.arm(ctx);
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

    /// Whatever is still pending goes out (the actor stops with its System too).
    fn stopped(&mut self, _: &mut Context<Self>) {
        self.flush();
    }

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
        self.record(a.context, a.result, ctx);
        if self.flush_at.is_some() {
            self.arm(ctx);
        }
    }
}

impl Handler<AddAgent> for Poller {
    type Result = ();

    fn handle(&mut self, m: AddAgent, ctx: &mut Context<Self>) {
        self.upsert_agent(Arc::new(m.0), Origin::Runtime, ctx);
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
                self.upsert_agent(Arc::new(agent), Origin::Runtime, ctx);
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
        self.flush();
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

    fn handle(&mut self, m: EpochChanged, ctx: &mut Context<Self>) {
        self.epoch_changed(&m.0, ctx);
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
                let Some(pair) = self.pairs.id(&(job.clone(), agent.clone())) else {
                    continue;
                };
                let parked = self.pairs.at(pair).and_then(|p| p.slot.running.as_ref());
                if parked.is_some_and(|r| r.pending == 0) {
                    self.finish(pair, ctx);
                }
            }
        }
    }
}

impl Handler<ExportRates> for Poller {
    type Result = MessageResult<ExportRates>;

    fn handle(&mut self, _: ExportRates, _: &mut Context<Self>) -> Self::Result {
        MessageResult(self.export_rates())
    }
}

impl Handler<Shutdown> for Poller {
    type Result = ();

    fn handle(&mut self, _: Shutdown, ctx: &mut Context<Self>) {
        self.flush();
        ctx.stop();
    }
}
