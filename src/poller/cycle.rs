//! One cycle of a (job, agent) pair, pure: the job's requests worked out ([`JobSpec`]), the
//! pair's memory between cycles ([`Slot`]: rates, backoff), a running cycle ([`Running`]), and
//! [`close`], which turns a finished cycle's answers into samples, rates, errors, the backoff
//! decision and the job's counters. Instants are passed in; unit-tested without a runtime.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::rate::{self, Clock, CounterKind, Stamp};
use crate::config::JobSettings;
use crate::oid::Oid;
use crate::pdu::{Value, VarBind};
use crate::report::{JobStats, PollError, Sample};
use crate::session::{Operation, SnmpError, WalkOptions};

/// `sysUpTime.0`: fetched with the scalars of every job that computes rates.
pub(super) const SYS_UP_TIME: &[u32] = &[1, 3, 6, 1, 2, 1, 1, 3, 0];

/// One request of a job's cycle.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum OpSpec {
    Get(Vec<Oid>),
    Walk(Oid),
}

impl OpSpec {
    pub(super) fn operation(&self) -> Operation {
        match self {
            Self::Get(oids) => Operation::Get(oids.clone()),
            Self::Walk(root) => Operation::Walk(root.clone(), WalkOptions::default()),
        }
    }

    pub(super) fn first_oid(&self) -> Oid {
        match self {
            Self::Get(oids) => oids.first().cloned().unwrap_or_else(sys_up_time),
            Self::Walk(root) => root.clone(),
        }
    }
}

pub(super) fn sys_up_time() -> Oid {
    // A constant that obeys the OID rules; `Oid::new` cannot fail on it.
    Oid::new(SYS_UP_TIME).unwrap_or_else(|_| unreachable!("sysUpTime.0 is a valid OID"))
}

/// A job with its requests worked out.
#[derive(Debug)]
pub(super) struct JobSpec {
    pub(super) settings: JobSettings,
    pub(super) ops: Vec<OpSpec>,
    /// Position of sysUpTime.0 in the first request (a GET), when rates need it.
    pub(super) uptime_at: Option<usize>,
    /// The poller added sysUpTime.0 itself: not a sample.
    pub(super) uptime_hidden: bool,
    /// The outputs its events go to (empty: all), shared by every event.
    pub(super) outputs: Arc<[String]>,
}

impl JobSpec {
    /// The OID at `pos` of the job's GET.
    pub(super) fn scalar(&self, pos: u32) -> Option<&Oid> {
        match self.ops.first() {
            Some(OpSpec::Get(oids)) => oids.get(usize::try_from(pos).ok()?),
            _ => None,
        }
    }

    pub(super) fn new(settings: JobSettings) -> Self {
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
            outputs: Arc::from(settings.outputs.as_slice()),
            settings,
            ops,
            uptime_at,
            uptime_hidden,
        }
    }
}

/// One request's answer: its varbinds or why it failed.
pub(super) type Answered = Result<Vec<VarBind<'static>>, SnmpError>;

/// A cycle in progress.
pub(super) struct Running {
    /// The slot's cycle number.
    pub(super) id: u64,
    /// The job as it was when the cycle started.
    pub(super) job: Arc<JobSpec>,
    /// The slot it runs for.
    pub(super) slot: Instant,
    /// When its requests left.
    pub(super) started: Instant,
    /// One result per request of `job.ops`.
    pub(super) results: Vec<Option<Answered>>,
    /// Requests not answered yet.
    pub(super) pending: usize,
    /// Abandon it past this instant.
    pub(super) abandon_at: Instant,
    /// Polled without a fresh cluster view: maybe polled by another instance too.
    pub(super) duplicate: bool,
}

/// State of one (job, agent) pair.
#[derive(Default)]
pub(super) struct Slot {
    /// The cycle in progress, at most one (boxed: a slot is kept for every polled pair, a
    /// running cycle only for a few milliseconds of each interval).
    pub(super) running: Option<Box<Running>>,
    /// Consecutive cycles where every request timed out.
    pub(super) failures: u32,
    /// A dead agent is not polled before this slot.
    pub(super) retry_at: Option<Instant>,
    /// The previous cycle's stamp, for rates.
    pub(super) prev: Option<Stamp>,
    /// The previous cycle's counters, for rates.
    pub(super) counters: Counters,
    /// No longer scheduled: dropped when its running cycle ends.
    pub(super) detached: bool,
    /// Cluster: this instance polls the pair (its series are ours to remove when it moves).
    pub(super) polled: bool,
}
/// A cycle that starts later than `interval / LATE_START_DIVISOR` after its slot is late.
/// The previous cycle's counter values of a pair. Those of the job's GET are kept by position
/// in it (16 bytes each: their OIDs are the job's, shared by every agent, not copied per
/// agent); walked ones, and those handed over by a cluster peer, by OID.
#[derive(Debug, Default)]
pub(super) struct Counters {
    /// The job whose GET the positions refer to.
    job: Option<Arc<JobSpec>>,
    /// (position in the job's GET, kind, value), in answer order.
    scalars: Vec<(u32, CounterKind, u64)>,
    /// Other counters by OID.
    /// (Boxed and made on first use: most jobs are GETs only, and a pair's memory is kept
    /// for every polled agent.)
    #[expect(
        clippy::box_collection,
        reason = "an empty HashMap is 48 bytes inline in every pair's slot, the box 8"
    )]
    walked: Option<Box<HashMap<Oid, (CounterKind, u64)>>>,
}

impl Counters {
    /// Forgets every value.
    pub(super) fn clear(&mut self) {
        *self = Self::default();
    }

    /// Remembers a value by OID (a cluster hand-over).
    pub(super) fn insert_oid(&mut self, oid: Oid, kind: CounterKind, value: u64) {
        self.walked
            .get_or_insert_with(Box::default)
            .insert(oid, (kind, value));
    }

    /// Every value with its OID.
    pub(super) fn iter(&self) -> impl Iterator<Item = (&Oid, CounterKind, u64)> {
        let job = self.job.as_ref();
        self.scalars
            .iter()
            .filter_map(move |&(p, k, v)| job.and_then(|j| j.scalar(p)).map(|o| (o, k, v)))
            .chain(
                self.walked
                    .iter()
                    .flat_map(|w| w.iter())
                    .map(|(o, &(k, v))| (o, k, v)),
            )
    }

    /// The value of `oid`, answered at position `pos` of `job`'s GET if it was.
    fn get(&self, job: &Arc<JobSpec>, pos: Option<u32>, oid: &Oid) -> Option<(CounterKind, u64)> {
        if let Some(mine) = &self.job {
            let same = Arc::ptr_eq(mine, job);
            let found = self.scalars.iter().find(|e| match (same, pos) {
                (true, Some(p)) => e.0 == p,
                _ => mine.scalar(e.0) == Some(oid),
            });
            if let Some(&(_, k, v)) = found {
                return Some((k, v));
            }
        }
        self.walked.as_ref().and_then(|w| w.get(oid).copied())
    }
}

pub(super) const LATE_START_DIVISOR: u32 = 10;

/// What [`close`] makes of a finished cycle: the report's content and the decisions taken.
#[derive(Debug)]
pub(super) struct Closed {
    /// The job as the cycle ran it.
    pub(super) job: Arc<JobSpec>,
    /// The slot it ran for.
    pub(super) slot: Instant,
    /// The values, with rates where due.
    pub(super) samples: Vec<Sample>,
    /// The requests that failed.
    pub(super) errors: Vec<PollError>,
    /// The agent restarted since the previous cycle (no rates this time).
    pub(super) restarted: bool,
    /// Every request failed.
    pub(super) failed: bool,
    /// From the slot to the first request.
    pub(super) lag: Duration,
    /// From the first request to `now`.
    pub(super) duration: Duration,
    /// Polled without a fresh cluster view.
    pub(super) duplicate: bool,
}

/// Ends `run`, the cycle of the pair whose memory is `slot`, at `now`: collects the samples
/// (sysUpTime.0 kept aside when the poller added it), computes rates against the previous
/// cycle's counters (a restart clears them), decides the backoff (a cycle whose requests all
/// timed out waits 1, 2, 4... intervals, at most `max_backoff`; any answer resets it) and
/// counts the cycle in `stats`. Pure.
pub(super) fn close(
    slot: &mut Slot,
    run: Running,
    now: Instant,
    max_backoff: Duration,
    stats: Option<&mut JobStats>,
) -> Closed {
    let job = run.job;
    let Collected {
        mut samples,
        positions,
        errors,
        uptime,
    } = collect(&job, run.results);
    let restarted = apply_rates(
        slot,
        &job,
        &mut samples,
        &positions,
        Stamp { at: now, uptime },
    );
    let failed = samples.is_empty() && !errors.is_empty();
    let interval = job.settings.interval;
    if failed
        && errors
            .iter()
            .all(|e| matches!(e.error, SnmpError::Timeout { .. }))
    {
        slot.failures = slot.failures.saturating_add(1);
        let cap = max_backoff.max(interval);
        let factor = 1u32
            .checked_shl((slot.failures - 1).min(20))
            .unwrap_or(u32::MAX);
        slot.retry_at = Some(run.slot + (interval.saturating_mul(factor)).min(cap));
    } else if !failed {
        slot.failures = 0;
        slot.retry_at = None;
    }
    let duration = now.saturating_duration_since(run.started);
    let lag = run.started.saturating_duration_since(run.slot);
    if let Some(st) = stats {
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
        if lag > interval / LATE_START_DIVISOR || now > run.slot + interval {
            st.late += 1;
        }
        st.max_duration_seconds = st.max_duration_seconds.max(duration.as_secs_f64());
    }
    Closed {
        job,
        slot: run.slot,
        samples,
        errors,
        restarted,
        failed,
        lag,
        duration,
        duplicate: run.duplicate,
    }
}

/// The samples and errors of a cycle's answers, and sysUpTime.0's ticks when it was asked.
fn collect(job: &JobSpec, results: Vec<Option<Answered>>) -> Collected {
    let mut samples = Vec::new();
    let mut positions = Vec::new();
    let mut errors = Vec::new();
    let mut uptime = None;
    for (i, (op, result)) in job.ops.iter().zip(results).enumerate() {
        match result.unwrap_or(Err(SnmpError::ShuttingDown)) {
            Ok(vbs) => {
                samples.reserve(vbs.len());
                positions.reserve(vbs.len());
                for (j, vb) in vbs.into_iter().enumerate() {
                    if i == 0 && job.uptime_at == Some(j) {
                        if let Value::TimeTicks(ticks) = vb.value {
                            uptime = Some(ticks);
                        }
                        if job.uptime_hidden {
                            continue;
                        }
                    }
                    // The position in the job's GET, when the answer kept the request's order.
                    let pos = u32::try_from(j)
                        .ok()
                        .filter(|&p| i == 0 && job.scalar(p) == Some(&vb.oid));
                    positions.push(pos);
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
    Collected {
        samples,
        positions,
        errors,
        uptime,
    }
}

/// What [`collect`] gathers.
struct Collected {
    samples: Vec<Sample>,
    /// For each sample, its position in the job's GET (when it answers it).
    positions: Vec<Option<u32>>,
    errors: Vec<PollError>,
    uptime: Option<u32>,
}

/// Sets the rates of `samples` against the slot's previous counters and remembers the new
/// ones. True when the agent restarted (its counters are then forgotten, no rate this time).
fn apply_rates(
    slot: &mut Slot,
    job: &Arc<JobSpec>,
    samples: &mut [Sample],
    positions: &[Option<u32>],
    stamp: Stamp,
) -> bool {
    if job.settings.rates.is_empty() || samples.is_empty() {
        return false;
    }
    let clock = slot.prev.map(|p| rate::elapsed(p, stamp));
    let restarted = clock == Some(Clock::Restarted);
    if restarted {
        slot.counters.clear();
    }
    let mut counters = Counters {
        job: Some(job.clone()),
        scalars: Vec::with_capacity(slot.counters.scalars.len()),
        walked: None,
    };
    for (s, &pos) in samples.iter_mut().zip(positions) {
        if !job.settings.wants_rate(&s.varbind.oid) {
            continue;
        }
        let Some((kind, value)) = rate::counter_of(&s.varbind.value) else {
            continue;
        };
        if let (Some(Clock::Elapsed(seconds)), Some((prev_kind, prev))) =
            (clock, slot.counters.get(job, pos, &s.varbind.oid))
            && prev_kind == kind
        {
            s.rate = rate::rate(kind, prev, value, seconds);
        }
        match pos {
            Some(p) => counters.scalars.push((p, kind, value)),
            None => counters.insert_oid(s.varbind.oid.clone(), kind, value),
        }
    }
    slot.counters = counters;
    slot.prev = Some(stamp);
    restarted
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;

    use super::*;

    const SEC: Duration = Duration::from_secs(1);

    fn job(rates: bool) -> Arc<JobSpec> {
        let s = JobSettings {
            name: "j".into(),
            agents: vec!["*".into()],
            interval: 10 * SEC,
            scalars: vec!["1.3.6.1.2.1.2.2.1.10.1".parse().unwrap()],
            walks: Vec::new(),
            tables: Vec::new(),
            rates: if rates {
                vec!["1.3.6.1.2.1.2.2.1.10".parse().unwrap()]
            } else {
                Vec::new()
            },
            outputs: Vec::new(),
            enabled: true,
        };
        Arc::new(JobSpec::new(s))
    }

    fn run(job: &Arc<JobSpec>, slot: Instant, results: Vec<Answered>) -> Running {
        Running {
            id: 1,
            job: job.clone(),
            slot,
            started: slot,
            pending: 0,
            results: results.into_iter().map(Some).collect(),
            abandon_at: slot + 100 * SEC,
            duplicate: false,
        }
    }

    fn answer(uptime: u32, counter: u32) -> Answered {
        Ok(vec![
            VarBind::new(sys_up_time(), Value::TimeTicks(uptime)),
            VarBind::new(
                "1.3.6.1.2.1.2.2.1.10.1".parse().unwrap(),
                Value::Counter32(counter),
            ),
        ])
    }

    fn timeout() -> Answered {
        let agent: SocketAddr = "127.0.0.1:161".parse().unwrap();
        Err(SnmpError::Timeout { retries: 1, agent })
    }

    #[test]
    fn rates_from_the_second_cycle_with_the_hidden_uptime_kept_aside() {
        let j = job(true);
        assert_eq!(j.uptime_at, Some(0));
        assert!(j.uptime_hidden);
        let t0 = Instant::now();
        let mut slot = Slot::default();
        let mut st = JobStats::default();
        let c = close(
            &mut slot,
            run(&j, t0, vec![answer(100, 1_000)]),
            t0,
            60 * SEC,
            Some(&mut st),
        );
        assert_eq!(c.samples.len(), 1, "sysUpTime.0 is not a sample");
        assert_eq!(c.samples[0].rate, None);
        let t1 = t0 + 10 * SEC;
        let c = close(
            &mut slot,
            run(&j, t1, vec![answer(1_100, 6_000)]),
            t1,
            60 * SEC,
            Some(&mut st),
        );
        assert_eq!(c.samples[0].rate, Some(500.0));
        assert!(!c.restarted);
        // sysUpTime went back: a restart, no rate, counted.
        let t2 = t1 + 10 * SEC;
        let c = close(
            &mut slot,
            run(&j, t2, vec![answer(5, 7_000)]),
            t2,
            60 * SEC,
            Some(&mut st),
        );
        assert!(c.restarted);
        assert_eq!(c.samples[0].rate, None);
        assert_eq!((st.ok, st.restarts, st.late), (3, 1, 0));
    }

    #[test]
    fn rates_survive_a_changed_job_and_a_hand_over_by_oid() {
        let j = job(true);
        let t0 = Instant::now();
        let mut slot = Slot::default();
        close(
            &mut slot,
            run(&j, t0, vec![answer(100, 1_000)]),
            t0,
            60 * SEC,
            None,
        );
        assert_eq!(slot.counters.iter().count(), 1);
        let (oid, _, v) = slot.counters.iter().next().unwrap();
        assert_eq!(
            (oid.to_string().as_str(), v),
            ("1.3.6.1.2.1.2.2.1.10.1", 1_000)
        );
        // The job was replaced (same OIDs, new definition): found by OID in the old one.
        let j2 = job(true);
        let t1 = t0 + 10 * SEC;
        let c = close(
            &mut slot,
            run(&j2, t1, vec![answer(1_100, 2_000)]),
            t1,
            60 * SEC,
            None,
        );
        assert_eq!(c.samples[0].rate, Some(100.0));
        // Handed over by OID (a cluster peer's state): found too.
        let mut handed = Slot {
            prev: slot.prev,
            ..Slot::default()
        };
        handed.counters.insert_oid(
            oid_of("1.3.6.1.2.1.2.2.1.10.1"),
            CounterKind::Counter32,
            2_000,
        );
        let t2 = t1 + 10 * SEC;
        let c = close(
            &mut handed,
            run(&j2, t2, vec![answer(2_100, 2_500)]),
            t2,
            60 * SEC,
            None,
        );
        assert_eq!(c.samples[0].rate, Some(50.0));
    }

    fn oid_of(s: &str) -> Oid {
        s.parse().unwrap()
    }

    #[test]
    fn timeouts_back_off_doubling_up_to_the_cap_and_an_answer_resets() {
        let j = job(false);
        let t0 = Instant::now();
        let mut slot = Slot::default();
        let mut st = JobStats::default();
        let mut retry = Vec::new();
        for k in 0..4u32 {
            let t = t0 + 10 * SEC * k;
            let c = close(
                &mut slot,
                run(&j, t, vec![timeout()]),
                t,
                35 * SEC,
                Some(&mut st),
            );
            assert!(c.failed);
            assert_eq!(c.errors.len(), 1);
            retry.push(slot.retry_at.unwrap() - t);
        }
        assert_eq!(retry, [10 * SEC, 20 * SEC, 35 * SEC, 35 * SEC]);
        assert_eq!(st.failed, 4);
        assert_eq!(st.errors["timeout"], 4);
        let t = t0 + 100 * SEC;
        let c = close(
            &mut slot,
            run(&j, t, vec![answer(1, 1)]),
            t,
            35 * SEC,
            Some(&mut st),
        );
        assert!(!c.failed);
        assert_eq!((slot.failures, slot.retry_at), (0, None));
    }

    #[test]
    fn a_late_start_or_end_is_counted_and_an_unanswered_request_is_an_error() {
        let j = job(false);
        let t0 = Instant::now();
        let mut slot = Slot::default();
        let mut st = JobStats::default();
        let mut r = run(&j, t0, vec![]);
        r.results = vec![None];
        r.started = t0 + 2 * SEC; // more than a tenth of the interval late
        let c = close(&mut slot, r, t0 + 3 * SEC, 60 * SEC, Some(&mut st));
        assert_eq!(c.lag, 2 * SEC);
        assert_eq!(c.duration, SEC);
        assert!(c.failed);
        assert_eq!(c.errors[0].error.label(), SnmpError::ShuttingDown.label());
        // Not a timeout: no backoff.
        assert_eq!(slot.retry_at, None);
        assert_eq!((st.late, st.failed), (1, 1));
    }
}
