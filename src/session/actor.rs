//! The [`Session`] actor and the messages callers send it.
//!
//! Two ways to get answers: `session.send(Get { .. }).await` returns the result, and the seed's
//! callback style: a [`Request`] carries the caller's context value and `Recipient<Answer<C>>`,
//! and the answer arrives as an [`Answer`] holding that context and the result.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;
use std::rc::Rc;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use actix::prelude::*;
use rustc_hash::FxHashMap as FastMap;
use smallvec::SmallVec;
use tokio::sync::oneshot;

use super::lifecycle::{Home, Retire, TryRetire};
use super::machine::{BulkOp, GetKind, GetOp, Op, Outcome, SetOp, WalkOp};
use super::messages::{
    Answer, Get, GetBulk, GetNext, IdleSince, Operation, Request, Set, Shutdown, Table, TableRow,
    TableRows, VarBindsResult, Walk, WalkRows, WalkStream,
};
use super::reply::{Deferred, Rendezvous, Reply};
use super::usm::{DiscoveryDone, Prepared, UsmCache, V3Answer, V3State};
use super::{SessionConfig, SnmpError, next_token};
use crate::exchange::{Cancel, Inbound, ReplyTo, Security, Submit};
use crate::oid::Oid;
use crate::pdu::{Message, Pdu, Value, VarBind};

struct OpState {
    op: Op,
    reply: Reply,
    sink: Option<Recipient<WalkRows>>,
    /// Rows handed to `sink` so far.
    streamed: usize,
    /// Tokens of this operation's requests in flight or queued (most operations have one).
    tokens: SmallVec<[u64; 2]>,
}

/// One request of the session's requests table.
struct RequestEntry {
    /// Its operation's id.
    op: u64,
    /// Which part of the operation it carries.
    part: u32,
    /// Handed to the dispatcher (counted in `in_flight`), not yet answered or cancelled.
    submitted: bool,
}

impl RequestEntry {
    fn queued(op: u64, part: u32) -> Self {
        Self {
            op,
            part,
            submitted: false,
        }
    }
}

/// The session actor for one agent. Fields say why they exist.
pub struct Session {
    /// Name in the registry, for answers and logs.
    name: Arc<str>,
    /// The agent's resolved address.
    agent: SocketAddr,
    /// Version, community, timeouts and limits (shared with the registry and with every session
    /// given the same `Arc`: immutable).
    config: Arc<SessionConfig>,
    /// This session's inbox for the dispatcher's answers, shared by every request in flight
    /// (cloning an `Arc` per request instead of making a `Recipient`). Held only while requests
    /// are submitted, so an idle session still stops when its last `Addr` is dropped. Each
    /// request's [`ReplyTo`] also stands guard for it: should the dispatcher stop or die
    /// without answering, dropping it fails the request with [`SnmpError::DispatcherGone`].
    inbox: Option<Arc<Recipient<Inbound>>>,
    /// The dispatcher that owns the socket.
    dispatcher: Recipient<Submit>,
    /// The same dispatcher, for cancellations.
    cancel: Recipient<Cancel>,
    /// Operations in progress, by operation id.
    ops: FastMap<u64, OpState>,
    /// The one requests table: each request token, queued or submitted, with its operation,
    /// part, and whether it is submitted (in flight at the dispatcher). A flag per token, not
    /// a count, so a cancel racing an answer never frees a slot twice.
    requests: FastMap<u64, RequestEntry>,
    /// Requests waiting for room under `max_in_flight`.
    queue: VecDeque<(u64, Pdu<'static>)>,
    /// Requests submitted and not yet answered (the entries of `requests` marked submitted).
    in_flight: usize,
    /// Source of operation ids.
    next_op: u64,
    /// When the last operation ended (or the session started), while none is in progress.
    idle_since: Option<Instant>,
    /// SNMPv3: discovery, keys, retries (`None` for v1/v2c; boxed, so a v1/v2c session does
    /// not carry its 200 bytes).
    v3: Option<Box<V3State>>,
    /// The record this actor is the activation of, and how long it may stay idle before it
    /// retires to it (see [`super::lifecycle`]); `None`: it runs until stopped or until its
    /// last address is dropped.
    home: Option<(Weak<dyn Home>, Duration)>,
    /// Its own address, kept between being released by its home and handling [`Retire`], so
    /// it does not stop with messages still queued.
    retiring: Option<Addr<Session>>,
    /// Retire as soon as it is idle, not after the retire time (the session's first actor:
    /// see [`Self::retire_when_first_idle`]).
    retire_at_once: bool,
}

impl Session {
    /// A session for the agent at `agent`, sending through `dispatcher`. SNMPv3 sessions
    /// share what they learn of agent engines, and their keys, through `usm`.
    #[must_use]
    pub fn new(
        name: Arc<str>,
        agent: SocketAddr,
        config: impl Into<Arc<SessionConfig>>,
        dispatcher: Recipient<Submit>,
        cancel: Recipient<Cancel>,
        usm: Arc<UsmCache>,
    ) -> Self {
        let config = config.into();
        let v3 = match (config.version, &config.user) {
            (crate::pdu::Version::V3, Some(user)) => {
                Some(Box::new(V3State::new(user.clone(), usm)))
            }
            _ => None,
        };
        Self {
            v3,
            name,
            agent,
            config,
            inbox: None,
            dispatcher,
            cancel,
            ops: FastMap::default(),
            requests: FastMap::default(),
            queue: VecDeque::new(),
            in_flight: 0,
            next_op: 0,
            idle_since: Some(Instant::now()),
            home: None,
            retiring: None,
            retire_at_once: false,
        }
    }

    /// Makes this actor the activation of `home`: once idle for `retire_after` (zero: never)
    /// it gives itself back and stops (see `session::lifecycle`).
    #[must_use]
    pub fn with_home(mut self, home: Weak<dyn Home>, retire_after: Duration) -> Self {
        if !retire_after.is_zero() {
            self.home = Some((home, retire_after));
        }
        self
    }

    /// When `first` (the session's first actor), retires as soon as its work is done rather
    /// than after the retire time: a session used once (a sweep over many agents, a one-shot
    /// query) then costs only its dormant record, not a running actor for the retire time. A
    /// session used again gets a second actor, which stays for the retire time as usual. No
    /// effect without a home.
    #[must_use]
    pub fn retire_when_first_idle(mut self, first: bool) -> Self {
        self.retire_at_once = first;
        self
    }

    /// Something is in progress: an operation, a queued or submitted request, a discovery.
    fn busy(&self) -> bool {
        !self.ops.is_empty()
            || !self.queue.is_empty()
            || self.in_flight > 0
            || self.v3.as_ref().is_some_and(|v3| v3.probe.is_some())
    }

    /// Retires when idle for the whole retire time, or at once when it is the session's first
    /// actor (step 1 in [`super::lifecycle`]).
    fn try_retire(&mut self, ctx: &mut Context<Self>) {
        let Some((home, after)) = &self.home else {
            return;
        };
        if self.busy() || self.retiring.is_some() {
            return;
        }
        let since = self.idle_since.unwrap_or_else(Instant::now);
        if !self.retire_at_once && since.elapsed() < *after {
            return;
        }
        let Some(home) = home.upgrade() else {
            return;
        };
        let me = ctx.address();
        if home.release(&me, since) {
            me.do_send(Retire);
            self.retiring = Some(me);
        }
    }

    fn begin(
        &mut self,
        mut op: Op,
        reply: Reply,
        sink: Option<Recipient<WalkRows>>,
        ctx: &mut Context<Self>,
    ) {
        if self.queue.len() >= self.config.max_queued.max(1) {
            // Bounded memory for a flood to a slow agent: refuse new work, finish the rest.
            reply.send(
                Err(SnmpError::Backpressure {
                    queued: self.queue.len(),
                }),
                0,
            );
            return;
        }
        let id = self.next_op;
        self.next_op += 1;
        self.idle_since = None;
        let outcome = op.start();
        self.ops.insert(
            id,
            OpState {
                op,
                reply,
                sink,
                streamed: 0,
                tokens: SmallVec::new(),
            },
        );
        self.apply(id, outcome, ctx);
    }

    fn make_op(&self, op: Operation) -> Op {
        let limits = self.config.limits();
        match op {
            Operation::Get(oids) => Op::Get(GetOp::new(GetKind::Get, oids, limits)),
            Operation::GetNext(oids) => Op::Get(GetOp::new(GetKind::GetNext, oids, limits)),
            Operation::GetBulk {
                oids,
                non_repeaters,
                max_repetitions,
            } => Op::Bulk(BulkOp::new(
                oids,
                non_repeaters,
                max_repetitions,
                self.config.version,
            )),
            Operation::Set(vbs) => Op::Set(SetOp::new(vbs)),
            Operation::Walk(root, opts) => Op::Walk(Box::new(WalkOp::new(root, opts, limits))),
        }
    }

    fn apply(&mut self, id: u64, outcome: Outcome, ctx: &mut Context<Self>) {
        let Some(state) = self.ops.get_mut(&id) else {
            return;
        };
        let mut done = outcome.done;
        if !outcome.rows.is_empty()
            && let Some(sink) = &state.sink
        {
            {
                state.streamed += outcome.rows.len();
                if sink.connected() {
                    // do_send: a full mailbox must not lose rows (try_send would).
                    sink.do_send(WalkRows(outcome.rows));
                } else {
                    // The receiver is gone (a cancelled console command): stop walking.
                    done = Some(Err(SnmpError::ShuttingDown));
                }
            }
        }
        if done.is_none() && state.reply.is_closed() {
            // The caller went away: stop asking the agent.
            done = Some(Err(SnmpError::ShuttingDown));
        }
        if let Some(result) = done {
            self.end(id, result);
        } else {
            for (part, pdu) in outcome.sends {
                let token = next_token();
                state.tokens.push(token);
                self.requests.insert(token, RequestEntry::queued(id, part));
                self.queue.push_back((token, pdu));
            }
        }
        self.pump(ctx);
    }

    fn end(&mut self, id: u64, result: VarBindsResult) {
        let Some(state) = self.ops.remove(&id) else {
            return;
        };
        for t in &state.tokens {
            if let Some(v3) = &mut self.v3 {
                v3.forget(*t);
            }
            if self.requests.remove(t).is_some_and(|r| r.submitted) {
                // In flight: tell the dispatcher, and free its slot now (no Inbound will come).
                self.in_flight = self.in_flight.saturating_sub(1);
                self.cancel.do_send(Cancel { token: *t });
            }
        }
        state.reply.send(result, state.streamed);
        self.release_inbox_when_idle();
        if self.ops.is_empty() {
            let now = Instant::now();
            self.idle_since = Some(now);
            if let Some(home) = self.home.as_ref().and_then(|(h, _)| h.upgrade()) {
                home.quiet(now);
            }
            self.release_tables();
        }
    }

    /// An idle session keeps no table memory: the operations and requests tables and the
    /// queue are freed once empty (made again on the next operation), so a session used once
    /// costs what a session never used costs.
    fn release_tables(&mut self) {
        if self.ops.capacity() > 0 {
            self.ops = FastMap::default();
        }
        if self.requests.is_empty() && self.requests.capacity() > 0 {
            self.requests = FastMap::default();
        }
        if self.queue.is_empty() && self.queue.capacity() > 0 {
            self.queue = VecDeque::new();
        }
    }

    fn pump(&mut self, ctx: &mut Context<Self>) {
        while self.in_flight < self.config.max_in_flight.max(1) {
            let Some(&(token, _)) = self.queue.front() else {
                break;
            };
            if !self.requests.contains_key(&token) {
                self.queue.pop_front(); // its operation ended meanwhile
                continue;
            }
            let usm = match self.prepare_v3(ctx) {
                Ok(usm) => usm,
                Err(()) => break,
            };
            let Some((token, pdu)) = self.queue.pop_front() else {
                break;
            };
            self.in_flight += 1;
            if let Some(r) = self.requests.get_mut(&token) {
                r.submitted = true;
            }
            if let (Some(v3), Some(u)) = (&mut self.v3, &usm) {
                v3.sent(token, pdu.clone(), u.clone());
            }
            let security = match usm {
                Some(usm) => Security::Usm(usm),
                None => Security::Community {
                    version: self.config.version,
                    community: self.config.community.expose().clone(),
                },
            };
            let submit = Submit {
                reply_to: ReplyTo::new(self.inbox(ctx), token),
                agent: self.agent,
                security,
                pdu,
                policy: self.config.policy(),
            };
            self.submit(submit);
        }
    }

    /// The session's inbox for answers (made on first use after being idle).
    fn inbox(&mut self, ctx: &mut Context<Self>) -> Arc<Recipient<Inbound>> {
        self.inbox
            .get_or_insert_with(|| Arc::new(ctx.address().recipient()))
            .clone()
    }

    /// Drops the inbox when nothing is submitted (see `inbox`).
    fn release_inbox_when_idle(&mut self) {
        let probing = self.v3.as_ref().is_some_and(|v3| v3.probe.is_some());
        if self.in_flight == 0 && !probing {
            self.inbox = None;
        }
    }

    /// Hands `m` to the dispatcher. One that has stopped gives the message back, and dropping
    /// it fails the request with [`SnmpError::DispatcherGone`] through this session's own
    /// mailbox (its [`ReplyTo`]), as the dispatcher would have.
    fn submit(&mut self, m: Submit) {
        // What waits in the dispatcher's mailbox is bounded by the sessions' `max_in_flight`
        // (see the dispatcher's `started`); `try_send` tells a stopped dispatcher apart.
        match self.dispatcher.try_send(m) {
            Ok(()) | Err(SendError::Closed(_)) => {}
            Err(SendError::Full(m)) => self.dispatcher.do_send(m),
        }
    }

    /// The SNMPv3 security of the next request (`Ok(None)` for v1/v2c), or `Err` when requests
    /// must wait (a discovery probe went out or is in flight) or were all failed.
    fn prepare_v3(
        &mut self,
        ctx: &mut Context<Self>,
    ) -> Result<Option<Arc<crate::exchange::UsmSubmit>>, ()> {
        if self.config.version != crate::pdu::Version::V3 {
            return Ok(None);
        }
        let prepared = match &mut self.v3 {
            Some(v3) => v3.prepare(self.agent, || ctx.address().recipient()),
            None => Prepared::Fail(SnmpError::InvalidRequest("SNMPv3 needs a user name (-u)")),
        };
        match prepared {
            Prepared::Ready(u) => Ok(Some(u)),
            Prepared::Wait => Err(()),
            Prepared::Discover(probe, pdu) => {
                let token = next_token();
                if let Some(v3) = &mut self.v3 {
                    v3.probe = Some(token);
                }
                let submit = Submit {
                    reply_to: ReplyTo::new(self.inbox(ctx), token),
                    agent: self.agent,
                    security: Security::Usm(probe),
                    pdu,
                    policy: self.config.policy(),
                };
                self.submit(submit);
                Err(())
            }
            Prepared::MakeKeys(job) => {
                // The first derivation of a pass phrase hashes 1 MB: never on the arbiter.
                let made = actix_rt::task::spawn_blocking(move || job.run());
                ctx.spawn(made.into_actor(self).map(|made, act, ctx| {
                    let made = made.unwrap_or(Err(SnmpError::ShuttingDown));
                    let kept = act.v3.as_mut().map_or(Ok(()), |v3| v3.keys_made(made));
                    if let Err(e) = kept {
                        act.fail_queued(&e);
                    }
                    act.pump(ctx);
                }));
                Err(())
            }
            Prepared::Fail(e) => {
                self.fail_queued(&e);
                Err(())
            }
        }
    }

    /// Fails every operation with requests waiting in the queue.
    fn fail_queued(&mut self, e: &SnmpError) {
        let ids: Vec<u64> = self
            .queue
            .drain(..)
            .filter_map(|(t, _)| self.requests.get(&t).map(|r| r.op))
            .collect();
        for id in ids {
            self.end(id, Err(e.clone()));
        }
    }

    fn resolve_token(&mut self, token: u64) -> Option<(u64, u32)> {
        let r = self.requests.remove(&token)?;
        if let Some(s) = self.ops.get_mut(&r.op) {
            s.tokens.retain(|t| *t != token);
        }
        Some((r.op, r.part))
    }

    fn oneshot<M>(
        &mut self,
        op: Op,
        sink: Option<Recipient<WalkRows>>,
        ctx: &mut Context<Self>,
    ) -> ResponseFuture<M>
    where
        M: From<VarBindsResult> + 'static,
    {
        let (tx, rx) = oneshot::channel();
        self.begin(op, Reply::Once(tx), sink, ctx);
        Box::pin(async move { M::from(rx.await.unwrap_or(Err(SnmpError::ShuttingDown))) })
    }
}

impl Actor for Session {
    type Context = Context<Self>;

    fn stopped(&mut self, _ctx: &mut Self::Context) {
        if let Some(v3) = &mut self.v3 {
            v3.abandon_probe(self.agent);
        }
        let ids: Vec<u64> = self.ops.keys().copied().collect();
        for id in ids {
            self.end(id, Err(SnmpError::ShuttingDown));
        }
    }
}

impl Handler<Inbound> for Session {
    type Result = ();

    fn handle(&mut self, msg: Inbound, ctx: &mut Context<Self>) {
        let token = match &msg {
            Inbound::Response { token, .. } | Inbound::Failed { token, .. } => *token,
        };
        if let Some(v3) = &mut self.v3
            && v3.probe == Some(token)
        {
            let learned = match msg {
                Inbound::Response { datagram, .. } => v3.on_probe_end(self.agent, Ok(&datagram)),
                Inbound::Failed { error, .. } => v3.on_probe_end(self.agent, Err(error)),
            };
            if let Err(e) = learned {
                self.fail_queued(&e);
            }
            self.pump(ctx);
            self.release_inbox_when_idle();
            return;
        }
        if let Some(r) = self.requests.get_mut(&token)
            && r.submitted
        {
            r.submitted = false;
            self.in_flight = self.in_flight.saturating_sub(1);
        }
        match msg {
            Inbound::Response { token, datagram } => {
                if let Some((id, part)) = self.resolve_token(token) {
                    let outcome = match self.decode(token, id, part, &datagram) {
                        Ok(Some(m)) => match self.ops.get_mut(&id) {
                            Some(s) => s.op.on_response(part, m),
                            None => Outcome::default(),
                        },
                        Ok(None) => {
                            // Sent once more: the same operation and part, a new token.
                            self.pump(ctx);
                            return;
                        }
                        Err(e) => Outcome {
                            done: Some(Err(e)),
                            ..Outcome::default()
                        },
                    };
                    self.apply(id, outcome, ctx);
                } else if let Some(v3) = &mut self.v3 {
                    v3.forget(token);
                }
            }
            Inbound::Failed { token, error } => {
                if let Some(v3) = &mut self.v3 {
                    v3.forget(token);
                }
                if let Some((id, _)) = self.resolve_token(token) {
                    self.end(id, Err(error));
                }
            }
        }
        self.pump(ctx);
        self.release_inbox_when_idle();
        if self.retire_at_once {
            self.try_retire(ctx);
        }
    }
}

impl Session {
    /// Decodes the answer to `token`: the message for its operation, `None` when the request
    /// was queued once more (SNMPv3 resynchronisation), or why it failed. The token has been
    /// resolved already; a retry is queued under a new token of the same operation and part.
    fn decode(
        &mut self,
        token: u64,
        id: u64,
        part: u32,
        datagram: &[u8],
    ) -> Result<Option<Message<'static>>, SnmpError> {
        let Some(v3) = &mut self.v3 else {
            let m = Message::decode(datagram).map_err(SnmpError::Decode)?;
            // Operations read only the PDU: the community is not copied.
            return Ok(Some(Message {
                version: m.version,
                community: Cow::Borrowed(&[]),
                pdu: m.pdu.into_owned(),
            }));
        };
        match v3.on_answer(self.agent, token, datagram) {
            V3Answer::Pdu(pdu) => Ok(Some(Message {
                version: crate::pdu::Version::V3,
                community: Cow::Borrowed(&[]),
                pdu,
            })),
            V3Answer::Failed(e) => Err(e),
            V3Answer::Retry(pdu) => {
                let new = next_token();
                v3.mark_retry(new);
                if let Some(s) = self.ops.get_mut(&id) {
                    s.tokens.push(new);
                }
                self.requests.insert(new, RequestEntry::queued(id, part));
                self.queue.push_front((new, pdu));
                Ok(None)
            }
        }
    }
}

impl Handler<DiscoveryDone> for Session {
    type Result = ();

    fn handle(&mut self, msg: DiscoveryDone, ctx: &mut Context<Self>) {
        if let Some(v3) = &mut self.v3 {
            v3.waiting = false;
        }
        if let Some(e) = msg.error {
            self.fail_queued(&e);
        }
        self.pump(ctx);
    }
}

/// Wraps a result so the generic `oneshot` helper can build every handler's answer.
struct Wrap<T>(T);

impl From<VarBindsResult> for Wrap<VarBindsResult> {
    fn from(r: VarBindsResult) -> Self {
        Wrap(r)
    }
}

macro_rules! varbind_handler {
    ($msg:ty, |$m:ident, $s:ident| $op:expr) => {
        impl Handler<$msg> for Session {
            type Result = Deferred;

            fn handle(&mut self, $m: $msg, ctx: &mut Context<Self>) -> Self::Result {
                let $s = &*self;
                let op = $op;
                let slot = Rc::new(RefCell::new(Rendezvous::Empty));
                self.begin(op, Reply::Deferred(slot.clone()), None, ctx);
                Deferred(slot)
            }
        }
    };
}

varbind_handler!(Get, |m, s| s.make_op(Operation::Get(m.0)));
varbind_handler!(GetNext, |m, s| s.make_op(Operation::GetNext(m.0)));
varbind_handler!(Set, |m, s| s.make_op(Operation::Set(m.0)));
varbind_handler!(Walk, |m, s| {
    let mut options = m.options;
    options.collect = true;
    s.make_op(Operation::Walk(m.root, options))
});
varbind_handler!(GetBulk, |m, s| {
    s.make_op(Operation::GetBulk {
        oids: m.oids,
        non_repeaters: m.non_repeaters.unwrap_or(s.config.non_repeaters),
        max_repetitions: m.max_repetitions.unwrap_or(s.config.max_repetitions),
    })
});

impl Handler<WalkStream> for Session {
    type Result = ResponseFuture<Result<usize, SnmpError>>;

    fn handle(&mut self, m: WalkStream, ctx: &mut Context<Self>) -> Self::Result {
        let mut options = m.options;
        options.collect = false;
        let op = self.make_op(Operation::Walk(m.root, options));
        let (tx, rx) = oneshot::channel();
        self.begin(op, Reply::Count(tx), Some(m.sink), ctx);
        Box::pin(async move { rx.await.unwrap_or(Err(SnmpError::ShuttingDown)) })
    }
}

impl Handler<Table> for Session {
    type Result = ResponseFuture<Result<TableRows, SnmpError>>;

    fn handle(&mut self, m: Table, ctx: &mut Context<Self>) -> Self::Result {
        let mut options = m.options;
        options.collect = true;
        let root = m.oid.clone();
        let op = self.make_op(Operation::Walk(m.oid, options));
        let fut = self.oneshot::<Wrap<VarBindsResult>>(op, None, ctx);
        Box::pin(async move { fut.await.0.map(|vbs| to_table(&root, vbs)) })
    }
}

impl<C: Send + 'static> Handler<Request<C>> for Session {
    type Result = ();

    fn handle(&mut self, m: Request<C>, ctx: &mut Context<Self>) {
        let op = match m.op {
            Operation::Walk(root, mut opts) => {
                opts.collect = true;
                self.make_op(Operation::Walk(root, opts))
            }
            other => self.make_op(other),
        };
        let agent = self.name.clone();
        let (context, reply_to) = (m.context, m.reply_to);
        let reply = Reply::Callback(Box::new(move |result| {
            reply_to.do_send(Answer {
                context,
                agent,
                result,
            });
        }));
        self.begin(op, reply, None, ctx);
    }
}

impl Handler<IdleSince> for Session {
    type Result = Option<Instant>;

    fn handle(&mut self, _: IdleSince, _ctx: &mut Context<Self>) -> Self::Result {
        if self.busy() { None } else { self.idle_since }
    }
}

impl Handler<Retire> for Session {
    type Result = ();

    /// Step 2 of retiring (see [`super::lifecycle`]): every message handed over before the
    /// release has been handled. Idle: drop the last address, and actix stops the actor once
    /// nothing else holds it. Busy: back to the home, unless a new activation took its place.
    fn handle(&mut self, _: Retire, _ctx: &mut Context<Self>) {
        let Some(me) = self.retiring.take() else {
            return;
        };
        if self.busy()
            && let Some(home) = self.home.as_ref().and_then(|(h, _)| h.upgrade())
        {
            // Back in the record (or, refused, finishing its work before it stops); used
            // again, so it stays for the retire time from now on.
            self.retire_at_once = false;
            let _ = home.reinstate(me);
        }
    }
}

impl Handler<TryRetire> for Session {
    type Result = ();

    fn handle(&mut self, _: TryRetire, ctx: &mut Context<Self>) {
        self.try_retire(ctx);
    }
}

impl Handler<Shutdown> for Session {
    type Result = ();

    fn handle(&mut self, _: Shutdown, ctx: &mut Context<Self>) {
        ctx.stop();
    }
}

/// Groups a walk of a table (or entry) into rows keyed by index.
fn to_table(root: &Oid, vbs: Vec<VarBind<'static>>) -> TableRows {
    // Entry = table.1 when a table OID was given; columns are entry.N, instances entry.N.index.
    let entry_len = root.len()
        + usize::from(vbs.first().is_some_and(|vb| {
            vb.oid.arcs().get(root.len()) == Some(&1) && vb.oid.len() > root.len() + 2
        }));
    let entry = vbs
        .first()
        .and_then(|vb| Oid::new(&vb.oid.arcs()[..entry_len]).ok());
    let mut columns: Vec<u32> = Vec::new();
    let mut rows: BTreeMap<Vec<u32>, BTreeMap<u32, Value<'static>>> = BTreeMap::new();
    for vb in vbs {
        let arcs = vb.oid.arcs();
        let Some(&col) = arcs.get(entry_len) else {
            continue;
        };
        let index = arcs[entry_len + 1..].to_vec();
        if let Err(pos) = columns.binary_search(&col) {
            columns.insert(pos, col);
        }
        rows.entry(index).or_default().insert(col, vb.value);
    }
    let rows = rows
        .into_iter()
        .map(|(index, mut cells)| TableRow {
            index,
            cells: columns.iter().map(|c| cells.remove(c)).collect(),
        })
        .collect();
    TableRows {
        entry,
        columns,
        rows,
    }
}
