//! The dispatcher's pure core (sans-IO, after quinn-proto): the requests in flight, their
//! request-ids, deadlines and retransmissions, the memory of recently finished ids (to tell late
//! and duplicate answers from unknown ones), and the counters. Time is passed in; nothing here
//! reads a clock, owns a socket or knows actix, so every rule is unit-tested with made-up
//! instants.
//!
//! The actor feeds it: [`InFlight::start`] for a request it just sent, [`InFlight::matching`] and
//! [`InFlight::finish`] for a datagram that arrived, [`InFlight::cancel`] for a session that no
//! longer wants an answer, and [`InFlight::poll`]`(now)` when the earliest deadline
//! ([`InFlight::poll_timeout`]) has come; `poll` returns what to do ([`Action`]): retransmit a
//! datagram or fail a request with a timeout. With nothing in flight, `poll_timeout` is `None`
//! and the actor arms no timer at all.
//!
//! Deadlines live in one FIFO per distinct wait: deadlines pushed with the same wait arrive in
//! time order, so each push and pop is O(1) (a heap cost a cache-missing O(log n) pop per
//! request). A deadline made stale by an answer stays in its queue until popped (its stamp no
//! longer matches); when nothing is in flight the queues are cleared at once.
//!
//! The hot maps use Fx hashing (`rustc-hash`): every key is chosen by the engine (request ids,
//! tokens) or comes from its own configuration (agent addresses), so the flood resistance of
//! SipHash buys nothing there.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use rustc_hash::FxHashMap;

use super::stats::{Counters, DispatcherStats, DropReason};
use crate::exchange::{RetryPolicy, Security};

/// How long a finished request id is remembered (in whole seconds), to tell late and duplicate
/// answers apart.
pub(super) const RECENT_TTL_SECS: u32 = 60;
/// Slots of the table of recently finished request ids: an id is remembered until the id
/// `RECENT_SLOTS` later (ids are allocated in sequence) finishes, or for `RECENT_TTL_SECS`.
pub(super) const RECENT_SLOTS: usize = 1 << 18;
/// Request ids are 31-bit: 1..=i32::MAX.
pub(super) const MAX_REQUEST_ID: i32 = i32::MAX;

/// One request in flight. `R` is who gets the answer (a `Recipient` in the actor; anything in
/// tests).
#[derive(Debug)]
pub(super) struct Pending<R> {
    /// Who gets the answer.
    pub(super) reply_to: R,
    /// The session's key for the request.
    pub(super) token: u64,
    /// Where it went, and where the answer must come from.
    pub(super) agent: SocketAddr,
    /// What the answer must show: the same version and community, or pass the SNMPv3 gate.
    pub(super) security: Security,
    /// When it was first sent (the SNMPv3 time window's clock).
    pub(super) sent_at: Instant,
    /// The encoded request, for retransmissions.
    pub(super) datagram: Bytes,
    /// Timeout, retries and backoff.
    pub(super) policy: RetryPolicy,
    /// Transmissions made so far.
    pub(super) transmissions: u32,
    /// Identifies the current deadline (stale queue entries are skipped).
    pub(super) stamp: u64,
}

/// A deadline: (when, request-id, stamp).
type Deadline = (Instant, i32, u64);

/// How a request ended, as remembered for the answers that come after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ended {
    /// Its answer was delivered.
    Answered,
    /// It timed out, failed to send, or was cancelled.
    Abandoned,
}

/// What [`InFlight::poll`] asks the actor to do.
#[derive(Debug)]
pub(super) enum Action<R> {
    /// Send `datagram` to `agent` again (request `id`, still in flight).
    Retransmit {
        /// The request.
        id: i32,
        /// Its encoded message.
        datagram: Bytes,
        /// Where to.
        agent: SocketAddr,
    },
    /// The request ran out of transmissions: it is no longer in flight; fail it with a timeout.
    TimedOut(Pending<R>),
}

/// The requests in flight of one dispatcher. Fields say why they exist.
#[derive(Debug)]
pub(super) struct InFlight<R> {
    /// Requests in flight by request-id.
    pending: FxHashMap<i32, Pending<R>>,
    /// Token -> request-id, for cancellation (tokens are unique per process).
    by_token: FxHashMap<u64, i32>,
    /// Deadlines, one FIFO per distinct wait (see the module documentation). Few queues: one
    /// per timeout and backoff step in use.
    deadlines: Vec<(Duration, VecDeque<Deadline>)>,
    /// Recently finished ids and how they ended: direct-mapped by `id % RECENT_SLOTS`, each
    /// slot packing id, [`Ended`] and the second it ended (see [`InFlight::remember`]); 0 is
    /// empty. Zeroed pages cost no memory until used.
    recent: Vec<u64>,
    /// Whole seconds since `epoch` at the last instant passed in: the clock of `recent`.
    clock_secs: u32,
    /// The origin of `clock_secs`.
    epoch: Instant,
    /// Next request-id to try.
    next_id: i32,
    /// Source of `Pending::stamp`.
    next_stamp: u64,
    /// Due deadlines of one poll (kept to reuse its allocation).
    due: Vec<Deadline>,
    /// Counters of all agents.
    total: Counters,
    /// Counters per agent.
    per_agent: FxHashMap<SocketAddr, AgentCounts>,
}

/// One agent's counters as the dispatcher keeps them (one per agent ever asked, so kept
/// small: 48 bytes, where the public [`Counters`] takes 88 with its map of drop reasons made
/// even while empty); [`Self::counters`] gives the public form.
#[derive(Debug, Default)]
struct AgentCounts {
    sent: u64,
    retransmitted: u64,
    received: u64,
    timed_out: u64,
    in_flight: u64,
    /// Made on the agent's first dropped datagram.
    dropped: Option<Box<FxHashMap<DropReason, u64>>>,
}

impl AgentCounts {
    fn counters(&self) -> Counters {
        Counters {
            sent: self.sent,
            retransmitted: self.retransmitted,
            received: self.received,
            timed_out: self.timed_out,
            dropped: self
                .dropped
                .as_deref()
                .map(|d| d.iter().map(|(r, n)| (*r, *n)).collect())
                .unwrap_or_default(),
            in_flight: self.in_flight,
        }
    }
}

impl<R> InFlight<R> {
    /// Nothing in flight; request-ids start at `first_id` (random in the actor, so a restarted
    /// process does not reuse the ids of the one before), the recent-id clock at `now`.
    pub(super) fn new(first_id: i32, now: Instant) -> Self {
        Self {
            pending: FxHashMap::default(),
            by_token: FxHashMap::default(),
            deadlines: Vec::new(),
            recent: vec![0; RECENT_SLOTS],
            clock_secs: 0,
            epoch: now,
            next_id: first_id.clamp(1, MAX_REQUEST_ID),
            next_stamp: 0,
            due: Vec::new(),
            total: Counters::default(),
            per_agent: FxHashMap::default(),
        }
    }

    /// Requests in flight now.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.pending.len()
    }

    /// Nothing in flight.
    pub(super) fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    /// A request-id not in flight (ids run 1..=`MAX_REQUEST_ID` in sequence, then wrap).
    pub(super) fn alloc_id(&mut self) -> i32 {
        loop {
            let id = self.next_id;
            self.next_id = if id == MAX_REQUEST_ID { 1 } else { id + 1 };
            if !self.pending.contains_key(&id) {
                return id;
            }
        }
    }

    /// Records request `id`, just sent for the first time at `now` (`stamp` and
    /// `transmissions` are set here), and its first deadline.
    pub(super) fn start(&mut self, now: Instant, id: i32, mut p: Pending<R>) {
        self.tick(now);
        self.total.sent += 1;
        self.total.in_flight += 1;
        let c = self.per_agent.entry(p.agent).or_default();
        c.sent += 1;
        c.in_flight += 1;
        self.next_stamp += 1;
        p.stamp = self.next_stamp;
        p.transmissions = 1;
        let wait = p.policy.wait(0);
        self.by_token.insert(p.token, id);
        self.push_deadline(now, wait, id, p.stamp);
        self.pending.insert(id, p);
    }

    /// The earliest deadline still to handle, or `None` when nothing is in flight (then no
    /// timer is needed at all).
    pub(super) fn poll_timeout(&mut self) -> Option<Instant> {
        if self.pending.is_empty() {
            // Every queued deadline is stale: forget them now rather than wake up for them.
            self.deadlines.clear();
            return None;
        }
        self.deadlines
            .iter()
            .filter_map(|(_, q)| q.front().map(|d| d.0))
            .min()
    }

    /// Handles every deadline due at `now`, earliest first, appending what to do to `out`:
    /// a retransmission (the request's next deadline is queued) or a timeout (the request is
    /// finished and counted as timed out).
    pub(super) fn poll(&mut self, now: Instant, out: &mut Vec<Action<R>>) {
        self.tick(now);
        let mut due = std::mem::take(&mut self.due);
        for (_, q) in &mut self.deadlines {
            while let Some(&d) = q.front() {
                if d.0 > now {
                    break;
                }
                q.pop_front();
                due.push(d);
            }
        }
        // Earliest first, as one heap would have given them.
        due.sort_unstable_by_key(|d| d.0);
        for &(_, id, stamp) in &due {
            let Some(p) = self.pending.get_mut(&id) else {
                continue;
            };
            if p.stamp != stamp {
                continue;
            }
            if p.transmissions < p.policy.transmissions() {
                let wait = p.policy.wait(p.transmissions);
                p.transmissions += 1;
                self.next_stamp += 1;
                p.stamp = self.next_stamp;
                let (datagram, agent) = (p.datagram.clone(), p.agent);
                self.push_deadline(now, wait, id, self.next_stamp);
                self.total.retransmitted += 1;
                self.per_agent.entry(agent).or_default().retransmitted += 1;
                out.push(Action::Retransmit {
                    id,
                    datagram,
                    agent,
                });
            } else if let Some(p) = self.finish(now, id, Ended::Abandoned) {
                self.total.timed_out += 1;
                self.per_agent.entry(p.agent).or_default().timed_out += 1;
                out.push(Action::TimedOut(p));
            }
        }
        due.clear();
        self.due = due;
        self.deadlines.retain(|(_, q)| !q.is_empty());
    }

    /// The request `id` when it is in flight and `from` is its agent. Otherwise the datagram
    /// is counted as dropped (duplicate, late, unknown id, wrong source) and the reason
    /// returned.
    pub(super) fn matching(
        &mut self,
        now: Instant,
        id: i32,
        from: SocketAddr,
    ) -> Result<&Pending<R>, DropReason> {
        self.tick(now);
        let reason = match self.pending.get(&id) {
            Some(p) if same_endpoint(p.agent, from) => None,
            Some(_) => Some(DropReason::WrongSource),
            None => Some(match self.recent(id) {
                Some(Ended::Answered) => DropReason::Duplicate,
                Some(Ended::Abandoned) => DropReason::Late,
                None => DropReason::UnknownId,
            }),
        };
        if let Some(reason) = reason {
            self.count_drop(reason, from, self.known(from));
            return Err(reason);
        }
        self.pending.get(&id).ok_or(DropReason::UnknownId)
    }

    /// Removes request `id` from flight and remembers how it ended; an answer is counted here
    /// too (one per-agent lookup for both counters).
    pub(super) fn finish(&mut self, now: Instant, id: i32, how: Ended) -> Option<Pending<R>> {
        let p = self.pending.remove(&id)?;
        self.tick(now);
        self.by_token.remove(&p.token);
        self.total.in_flight = self.total.in_flight.saturating_sub(1);
        let answered = how == Ended::Answered;
        self.total.received += u64::from(answered);
        let c = self.per_agent.entry(p.agent).or_default();
        c.in_flight = c.in_flight.saturating_sub(1);
        c.received += u64::from(answered);
        self.remember(id, how);
        Some(p)
    }

    /// Abandons the request of `token` (its session no longer wants the answer), if in flight.
    pub(super) fn cancel(&mut self, now: Instant, token: u64) -> Option<Pending<R>> {
        let id = self.by_token.get(&token).copied()?;
        self.finish(now, id, Ended::Abandoned)
    }

    /// Abandons every request in flight (shutdown), handing them back to be failed.
    pub(super) fn abandon_all(&mut self, now: Instant) -> Vec<Pending<R>> {
        let ids: Vec<i32> = self.pending.keys().copied().collect();
        ids.into_iter()
            .filter_map(|id| self.finish(now, id, Ended::Abandoned))
            .collect()
    }

    /// Forgets `agent`'s counters unless something is in flight to it; whether it did.
    pub(super) fn forget_agent(&mut self, agent: SocketAddr) -> bool {
        match self.per_agent.get(&agent) {
            Some(c) if c.in_flight == 0 => self.per_agent.remove(&agent).is_some(),
            _ => false,
        }
    }

    /// `from`, when it is a known agent (for per-agent drop counters).
    pub(super) fn known(&self, from: SocketAddr) -> Option<SocketAddr> {
        self.per_agent.contains_key(&from).then_some(from)
    }

    /// Counts a dropped datagram, in all and for `agent` when given.
    pub(super) fn count_drop(
        &mut self,
        reason: DropReason,
        from: SocketAddr,
        agent: Option<SocketAddr>,
    ) {
        tracing::debug!(%from, reason = reason.label(), "dropped datagram");
        *self.total.dropped.entry(reason).or_default() += 1;
        if let Some(a) = agent {
            *self
                .per_agent
                .entry(a)
                .or_default()
                .dropped
                .get_or_insert_default()
                .entry(reason)
                .or_default() += 1;
        }
    }

    /// A snapshot of the counters (`backlog` is the actor's to fill in).
    pub(super) fn stats(&self) -> DispatcherStats {
        DispatcherStats {
            total: self.total.clone(),
            per_agent: self
                .per_agent
                .iter()
                .map(|(a, c)| (*a, c.counters()))
                .collect(),
            backlog: 0,
        }
    }

    /// Moves the recent-id clock to `now` (it never moves back).
    fn tick(&mut self, now: Instant) {
        let secs =
            u32::try_from(now.saturating_duration_since(self.epoch).as_secs()).unwrap_or(u32::MAX);
        self.clock_secs = self.clock_secs.max(secs);
    }

    /// Queues the deadline `now + wait` of request `id`.
    fn push_deadline(&mut self, now: Instant, wait: Duration, id: i32, stamp: u64) {
        let d = (now + wait, id, stamp);
        match self.deadlines.iter_mut().find(|(w, _)| *w == wait) {
            Some((_, q)) => q.push_back(d),
            None => self.deadlines.push((wait, VecDeque::from([d]))),
        }
    }

    /// The slot of `id` in `recent`.
    fn recent_slot(id: i32) -> usize {
        id.cast_unsigned() as usize & (RECENT_SLOTS - 1)
    }

    /// Remembers that `id` ended `how`: slot = id (31 bits) << 33 | answered << 32 | second.
    fn remember(&mut self, id: i32, how: Ended) {
        let answered = u64::from(how == Ended::Answered);
        self.recent[Self::recent_slot(id)] =
            (u64::from(id.cast_unsigned()) << 33) | (answered << 32) | u64::from(self.clock_secs);
    }

    /// How `id` ended, if it ended within `RECENT_TTL_SECS` and its slot was not reused.
    fn recent(&self, id: i32) -> Option<Ended> {
        let v = self.recent[Self::recent_slot(id)];
        #[allow(clippy::cast_possible_truncation)] // the low 32 bits are the second
        let (owner, answered, secs) = (v >> 33, v >> 32 & 1 == 1, v as u32);
        if v == 0
            || owner != u64::from(id.cast_unsigned())
            || self.clock_secs.wrapping_sub(secs) > RECENT_TTL_SECS
        {
            return None;
        }
        Some(if answered {
            Ended::Answered
        } else {
            Ended::Abandoned
        })
    }
}

/// An IPv4 agent may answer from the same address seen as IPv4-mapped IPv6; compare the
/// canonical forms.
pub(super) fn same_endpoint(a: SocketAddr, b: SocketAddr) -> bool {
    a.port() == b.port() && a.ip().to_canonical() == b.ip().to_canonical()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::exchange::Backoff;
    use crate::pdu::Version;

    // One per agent ever asked: 100,000 agents of the map's entries are 8 MB at 80 bytes.
    #[cfg(target_pointer_width = "64")]
    #[test]
    fn an_agents_counters_take_48_bytes() {
        assert_eq!(size_of::<AgentCounts>(), 48);
    }

    const MS: Duration = Duration::from_millis(1);

    fn agent() -> SocketAddr {
        "127.0.0.1:161".parse().unwrap()
    }

    /// A v2c request of `token` with `retries` retransmissions, each waiting `timeout`.
    fn request(token: u64, timeout: Duration, retries: u32) -> Pending<u64> {
        Pending {
            reply_to: token,
            token,
            agent: agent(),
            security: Security::Community {
                version: Version::V2c,
                community: Arc::from(&b"public"[..]),
            },
            sent_at: Instant::now(),
            datagram: Bytes::from_static(b"request"),
            policy: RetryPolicy {
                timeout,
                retries,
                backoff: Backoff::Fixed,
            },
            transmissions: 0,
            stamp: 0,
        }
    }

    /// Polls at `now` and names what came out: `R<id>` or `T<token>`.
    fn poll(f: &mut InFlight<u64>, now: Instant) -> Vec<String> {
        let mut out = Vec::new();
        f.poll(now, &mut out);
        out.iter()
            .map(|a| match a {
                Action::Retransmit { id, .. } => format!("R{id}"),
                Action::TimedOut(p) => format!("T{}", p.token),
            })
            .collect()
    }

    #[test]
    fn ipv4_mapped_source_matches_its_ipv4_agent() {
        let a: SocketAddr = "127.0.0.1:161".parse().unwrap();
        let b: SocketAddr = "[::ffff:127.0.0.1]:161".parse().unwrap();
        assert!(same_endpoint(a, b));
        assert!(!same_endpoint(a, "127.0.0.1:162".parse().unwrap()));
        assert!(!same_endpoint(a, "127.0.0.2:161".parse().unwrap()));
    }

    // See: issue 12 (this test never put an id in flight).
    #[test]
    fn request_ids_skip_those_in_flight_and_wrap() {
        let t0 = Instant::now();
        let mut f = InFlight::new(MAX_REQUEST_ID, t0);
        f.start(t0, MAX_REQUEST_ID, request(1, MS, 0));
        f.start(t0, 2, request(2, MS, 0));
        f.next_id = MAX_REQUEST_ID;
        // MAX is in flight: skipped, and the ids wrap to 1; 2 is in flight: skipped.
        assert_eq!(f.alloc_id(), 1);
        assert_eq!(f.alloc_id(), 3);
        f.finish(t0, MAX_REQUEST_ID, Ended::Answered);
        f.next_id = MAX_REQUEST_ID;
        assert_eq!(f.alloc_id(), MAX_REQUEST_ID);
        assert_eq!(f.alloc_id(), 1);
    }

    #[test]
    fn retransmits_on_time_then_times_out_and_forgets_its_timer() {
        let t0 = Instant::now();
        let mut f = InFlight::new(10, t0);
        assert_eq!(f.poll_timeout(), None, "nothing in flight: no timer");
        let id = f.alloc_id();
        f.start(t0, id, request(7, 100 * MS, 2));
        assert_eq!(f.poll_timeout(), Some(t0 + 100 * MS));
        assert!(poll(&mut f, t0 + 99 * MS).is_empty());
        assert_eq!(poll(&mut f, t0 + 100 * MS), ["R10"]);
        assert_eq!(f.poll_timeout(), Some(t0 + 200 * MS));
        assert_eq!(poll(&mut f, t0 + 250 * MS), ["R10"]);
        // The third wait counts from when the second retransmission went out.
        assert!(poll(&mut f, t0 + 349 * MS).is_empty());
        assert_eq!(poll(&mut f, t0 + 350 * MS), ["T7"]);
        assert_eq!(f.len(), 0);
        assert_eq!(f.poll_timeout(), None);
        let s = f.stats();
        assert_eq!(
            (s.total.sent, s.total.retransmitted, s.total.timed_out),
            (1, 2, 1)
        );
        assert_eq!(s.total.in_flight, 0);
        // A late answer to it is told apart from an unknown id.
        assert_eq!(
            f.matching(t0 + 400 * MS, 10, agent()).err(),
            Some(DropReason::Late)
        );
        assert_eq!(
            f.matching(t0 + 400 * MS, 11, agent()).err(),
            Some(DropReason::UnknownId)
        );
    }

    #[test]
    fn doubling_backoff_waits_twice_as_long_each_time() {
        let t0 = Instant::now();
        let mut f = InFlight::new(1, t0);
        let mut p = request(1, 100 * MS, 2);
        p.policy.backoff = Backoff::Doubling;
        f.start(t0, 1, p);
        assert_eq!(poll(&mut f, t0 + 100 * MS), ["R1"]);
        assert_eq!(f.poll_timeout(), Some(t0 + 300 * MS));
        assert_eq!(poll(&mut f, t0 + 300 * MS), ["R1"]);
        assert_eq!(f.poll_timeout(), Some(t0 + 700 * MS));
        assert_eq!(poll(&mut f, t0 + 700 * MS), ["T1"]);
    }

    #[test]
    fn an_answer_stops_the_timer_and_later_copies_are_duplicates() {
        let t0 = Instant::now();
        let mut f = InFlight::new(5, t0);
        f.start(t0, 5, request(1, 100 * MS, 1));
        f.start(t0, 6, request(2, 100 * MS, 1));
        // Wrong source: dropped, still in flight.
        let other: SocketAddr = "127.0.0.1:162".parse().unwrap();
        assert_eq!(
            f.matching(t0, 5, other).err(),
            Some(DropReason::WrongSource)
        );
        assert_eq!(f.matching(t0, 5, agent()).unwrap().token, 1);
        assert_eq!(f.finish(t0, 5, Ended::Answered).unwrap().token, 1);
        assert_eq!(
            f.matching(t0, 5, agent()).err(),
            Some(DropReason::Duplicate)
        );
        // Only the other request still has deadlines to act on.
        assert_eq!(poll(&mut f, t0 + 100 * MS), ["R6"]);
        assert_eq!(f.cancel(t0, 2).unwrap().token, 2);
        assert_eq!(
            f.poll_timeout(),
            None,
            "all answered or cancelled: no timer"
        );
        assert!(poll(&mut f, t0 + 10_000 * MS).is_empty());
        let s = f.stats();
        assert_eq!(s.total.received, 1);
        assert_eq!(s.total.dropped(DropReason::WrongSource), 1);
        assert_eq!(s.per_agent[&agent()].dropped(DropReason::Duplicate), 1);
    }

    #[test]
    fn deadlines_queue_per_wait_in_time_order() {
        let t = Instant::now();
        let mut f = InFlight::new(1, t);
        let (long, short) = (100 * MS, 50 * MS);
        f.start(t, 1, request(1, long, 0));
        f.start(t, 2, request(2, short, 0));
        f.start(t + MS, 3, request(3, long, 0));
        assert_eq!(f.deadlines.len(), 2);
        let ids = |q: &VecDeque<Deadline>| q.iter().map(|x| x.1).collect::<Vec<_>>();
        assert_eq!(
            (f.deadlines[0].0, ids(&f.deadlines[0].1)),
            (long, vec![1, 3])
        );
        assert_eq!((f.deadlines[1].0, ids(&f.deadlines[1].1)), (short, vec![2]));
        // The earliest of all queues' fronts, and timeouts come out earliest first.
        assert_eq!(f.poll_timeout(), Some(t + short));
        assert_eq!(poll(&mut f, t + 200 * MS), ["T2", "T1", "T3"]);
    }

    #[test]
    fn finished_ids_are_remembered_until_their_slot_is_reused_or_they_expire() {
        let t0 = Instant::now();
        let mut f: InFlight<u64> = InFlight::new(1, t0);
        f.remember(7, Ended::Answered);
        f.remember(8, Ended::Abandoned);
        f.remember(MAX_REQUEST_ID, Ended::Answered);
        assert!(f.recent(7) == Some(Ended::Answered));
        assert!(f.recent(8) == Some(Ended::Abandoned));
        assert!(f.recent(MAX_REQUEST_ID) == Some(Ended::Answered));
        assert!(f.recent(9).is_none());
        // The id RECENT_SLOTS later takes over the slot.
        let later = 7 + i32::try_from(RECENT_SLOTS).unwrap();
        f.remember(later, Ended::Abandoned);
        assert!(f.recent(7).is_none());
        assert!(f.recent(later) == Some(Ended::Abandoned));
        // Remembered for RECENT_TTL_SECS, then forgotten: time is passed in.
        f.tick(t0 + Duration::from_secs(u64::from(RECENT_TTL_SECS)));
        assert!(f.recent(later) == Some(Ended::Abandoned));
        f.tick(t0 + Duration::from_secs(u64::from(RECENT_TTL_SECS) + 1));
        assert!(f.recent(later).is_none());
        // The clock never moves back.
        f.tick(t0);
        assert_eq!(f.clock_secs, RECENT_TTL_SECS + 1);
    }
}
