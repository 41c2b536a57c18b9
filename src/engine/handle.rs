//! [`SessionHandle`]: what callers hold of a registered session, and the dormant record behind
//! it.
//!
//! A registered session is a small record (name, agent address, target, shared configuration,
//! and an optional running actor) whether or not its actor runs. The first message sent
//! through the handle starts the [`Session`] actor on the arbiter of the agent's shard
//! ([`super::shard_of`]); after [`super::DEFAULT_SESSION_IDLE`] (see
//! [`super::Engine::set_session_idle`]) without work the actor gives itself back and stops
//! (see [`crate::session::Home`]), and the next message starts a new one. A session in use
//! behaves exactly as an actor that always runs: same in-flight limit, queue, retries,
//! SNMPv3 discovery (what it learns lives in the shared [`crate::session::UsmCache`]), and the
//! per-agent counters live in the dispatcher.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError, Weak};
use std::time::Instant;

use actix::dev::{Request, SendError, ToEnvelope};
use actix::prelude::*;

use super::{Inner, shard_of};
use crate::session::{Home, IdleSince, Session, SessionConfig, Shutdown, TryRetire};

/// A registered session: cheap to clone; sending through it starts the session's actor when
/// it is not running. Two handles are equal when they are the same registration.
#[derive(Clone)]
pub struct SessionHandle {
    record: Arc<Record>,
}

impl std::fmt::Debug for SessionHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionHandle")
            .field("name", &self.record.name)
            .field("agent", &self.record.agent)
            .field("active", &self.is_active())
            .finish_non_exhaustive()
    }
}

impl PartialEq for SessionHandle {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.record, &other.record)
    }
}

impl Eq for SessionHandle {}

/// The dormant record of a session (its [`Home`]).
pub(super) struct Record {
    /// The registry's key (the same allocation).
    pub(super) name: Arc<str>,
    pub(super) agent: SocketAddr,
    pub(super) target: Box<str>,
    pub(super) config: Arc<SessionConfig>,
    pub(super) adhoc: bool,
    /// For activation: the shards, the SNMPv3 cache, the retire time.
    engine: Weak<Inner>,
    slot: Mutex<Slot>,
    /// When the running actor last finished its work ([`quiet_clock`] milliseconds; 0:
    /// never): the retire sweep does not disturb an actor that cannot have been idle for its
    /// retire time yet.
    quiet_ms: AtomicU64,
}

/// Milliseconds since the first call, plus one (0 stays "never"): the clock of
/// [`Record::quiet_ms`].
pub(super) fn quiet_clock(at: Instant) -> u64 {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    let epoch = *EPOCH.get_or_init(Instant::now);
    u64::try_from(at.saturating_duration_since(epoch).as_millis()).unwrap_or(u64::MAX - 1) + 1
}

struct Slot {
    /// The running actor, if any.
    active: Option<Addr<Session>>,
    /// When the last actor retired (or the record was made), while none runs.
    since: Instant,
    /// An actor has run for this session before (the first one retires as soon as it is
    /// idle: see [`Session::retire_when_first_idle`]).
    activated: bool,
    /// Removed from the registry: no more activations; messages fail as sent to a stopped
    /// actor.
    closed: bool,
}

impl Record {
    /// The slot, even after a panic elsewhere while it was held (nothing that can panic runs
    /// between the writes to its fields, so they stay consistent).
    fn lock(&self) -> MutexGuard<'_, Slot> {
        self.slot.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Home for Record {
    fn release(&self, me: &Addr<Session>, since: Instant) -> bool {
        let mut slot = self.lock();
        if slot.active.as_ref() != Some(me) {
            return false;
        }
        slot.active = None;
        slot.since = since;
        true
    }

    fn reinstate(&self, me: Addr<Session>) -> bool {
        let mut slot = self.lock();
        if slot.closed || slot.active.is_some() {
            return false;
        }
        slot.active = Some(me);
        true
    }

    fn quiet(&self, at: Instant) {
        self.quiet_ms.store(quiet_clock(at), Ordering::Relaxed);
    }
}

impl SessionHandle {
    pub(super) fn new(
        name: Arc<str>,
        agent: SocketAddr,
        target: &str,
        config: Arc<SessionConfig>,
        adhoc: bool,
        engine: Weak<Inner>,
    ) -> Self {
        Self {
            record: Arc::new(Record {
                name,
                agent,
                target: target.into(),
                config,
                adhoc,
                engine,
                quiet_ms: AtomicU64::new(0),
                slot: Mutex::new(Slot {
                    active: None,
                    since: Instant::now(),
                    activated: false,
                    closed: false,
                }),
            }),
        }
    }

    pub(super) fn record(&self) -> &Record {
        &self.record
    }

    /// The session's name in the registry.
    #[must_use]
    pub fn name(&self) -> &Arc<str> {
        &self.record.name
    }

    /// The agent's resolved address.
    #[must_use]
    pub fn agent(&self) -> SocketAddr {
        self.record.agent
    }

    /// Whether the session's actor runs now (it starts on the first message and retires
    /// when idle).
    #[must_use]
    pub fn is_active(&self) -> bool {
        let slot = self.record.lock();
        slot.active.as_ref().is_some_and(Addr::connected)
    }

    /// Sends `msg` and awaits the session's answer, as [`Addr::send`] does; starts the actor
    /// when it does not run. A removed session answers [`MailboxError::Closed`].
    pub fn send<M>(&self, msg: M) -> Request<Session, M>
    where
        M: Message + Send + 'static,
        M::Result: Send,
        Session: Handler<M>,
        <Session as Actor>::Context: ToEnvelope<Session, M>,
    {
        self.with_addr(|a| a.send(msg))
    }

    /// Sends `msg` without waiting for room or an answer, as [`Addr::do_send`] does.
    pub fn do_send<M>(&self, msg: M)
    where
        M: Message + Send + 'static,
        M::Result: Send,
        Session: Handler<M>,
        <Session as Actor>::Context: ToEnvelope<Session, M>,
    {
        self.with_addr(|a| a.do_send(msg));
    }

    /// Sends `msg` unless the mailbox is full, as [`Addr::try_send`] does.
    ///
    /// # Errors
    /// [`SendError::Full`] when the mailbox is full, [`SendError::Closed`] when the session
    /// was removed.
    pub fn try_send<M>(&self, msg: M) -> Result<(), SendError<M>>
    where
        M: Message + Send + 'static,
        M::Result: Send,
        Session: Handler<M>,
        <Session as Actor>::Context: ToEnvelope<Session, M>,
    {
        self.with_addr(|a| a.try_send(msg))
    }

    /// Since when the session has had nothing to do, `None` while busy (see [`IdleSince`]);
    /// a session whose actor does not run answers when its last actor retired, without
    /// starting one. `None` for a removed session.
    pub async fn idle_since(&self) -> Option<Instant> {
        let active = {
            let slot = self.record.lock();
            if slot.closed {
                return None;
            }
            match &slot.active {
                Some(a) if a.connected() => a.clone(),
                _ => return Some(slot.since),
            }
        };
        active.send(IdleSince).await.ok().flatten()
    }

    /// Asks the running actor, if any, to retire when idle long enough (the engine's sweep at
    /// `now` on [`quiet_clock`], retire time `idle_ms`); whether one may be running. An actor
    /// that finished its work less than `idle_ms` ago is left alone, without taking the lock.
    pub(super) fn nudge(&self, now: u64, idle_ms: u64) -> bool {
        let quiet = self.record.quiet_ms.load(Ordering::Relaxed);
        if quiet != 0 && now.saturating_sub(quiet) < idle_ms {
            return true;
        }
        let slot = self.record.lock();
        match &slot.active {
            Some(a) if a.connected() => {
                a.do_send(TryRetire);
                true
            }
            _ => false,
        }
    }

    /// Stops the session for good: operations in progress fail with `ShuttingDown`, later
    /// messages fail as sent to a stopped actor.
    pub(super) fn close(&self) {
        let active = {
            let mut slot = self.record.lock();
            slot.closed = true;
            slot.active.take()
        };
        if let Some(a) = active {
            a.do_send(Shutdown);
        }
    }

    /// Runs `f` with the running actor's address, starting the actor first when none runs.
    /// Under the record's lock, so a message is handed over before a retiring actor can be
    /// released (see [`crate::session::Home`]).
    fn with_addr<R>(&self, f: impl FnOnce(&Addr<Session>) -> R) -> R {
        let mut slot = self.record.lock();
        if slot.closed {
            return f(&stopped());
        }
        if let Some(a) = &slot.active
            && a.connected()
        {
            return f(a);
        }
        let addr = self.activate(!slot.activated);
        slot.activated = true;
        let r = f(&addr);
        slot.active = Some(addr);
        r
    }

    /// Starts the session's actor on its shard's arbiter (a stopped address when the engine
    /// is gone); the session's `first` actor retires as soon as it is idle.
    fn activate(&self, first: bool) -> Addr<Session> {
        let rec = &self.record;
        let Some(inner) = rec.engine.upgrade() else {
            return stopped();
        };
        let shard = &inner.shards[shard_of(&rec.agent, inner.shards.len())];
        let disp = shard.dispatcher.clone();
        let (name, agent, config) = (rec.name.clone(), rec.agent, rec.config.clone());
        let usm = inner.usm.clone();
        let retire_after = inner.session_idle();
        inner.activated.notify_one();
        let weak: Weak<Record> = Arc::downgrade(&self.record);
        let home: Weak<dyn Home> = weak;
        Session::start_in_arbiter(&shard.arbiter, move |_| {
            Session::new(
                name,
                agent,
                config,
                disp.clone().recipient(),
                disp.recipient(),
                usm,
            )
            .with_home(home, retire_after)
            .retire_when_first_idle(first)
        })
    }
}

/// The address of a session actor that never ran: every message sent to it fails with
/// [`MailboxError::Closed`].
fn stopped() -> Addr<Session> {
    let ctx = Context::<Session>::new();
    ctx.address()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn handle() -> SessionHandle {
        let name: Arc<str> = Arc::from("a");
        let agent: SocketAddr = "127.0.0.1:161".parse().unwrap();
        SessionHandle::new(
            name,
            agent,
            "127.0.0.1:161",
            Arc::new(SessionConfig::default()),
            false,
            Weak::new(),
        )
    }

    #[test]
    fn the_sweep_leaves_a_session_alone_until_it_may_have_been_idle_long_enough() {
        let h = handle();
        // The clock starts at its first reading: read it before `t0`.
        quiet_clock(Instant::now());
        let t0 = Instant::now();
        let idle = 10_000;
        // Never quiet and no actor: nothing runs.
        assert!(!h.nudge(quiet_clock(t0), idle));
        // Quiet 1 s ago: left alone, counted as possibly running (no lock taken, no message).
        h.record.quiet(t0);
        assert!(h.nudge(quiet_clock(t0 + Duration::from_secs(1)), idle));
        // Quiet for the whole idle time: looked at again (and no actor runs).
        assert!(!h.nudge(quiet_clock(t0 + Duration::from_secs(10)), idle));
    }
}
