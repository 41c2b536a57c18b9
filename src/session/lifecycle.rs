//! A session actor's life as a "virtual actor": it runs only while it is used.
//!
//! A session registered in the engine is a small dormant record ([`Home`], kept by the engine's
//! registry). The record starts the [`super::Session`] actor when a caller first sends to it
//! (activation), and the actor, once it has been idle for its retire time, gives itself back
//! to the record (deactivation) and stops. Nothing a session keeps while idle has to survive
//! this: operations, the requests table and the queue are empty, the per-agent counters live
//! in the dispatcher and what SNMPv3 learns of the agent's engine (and the keys) in the shared
//! [`super::UsmCache`].
//!
//! The engine's retire sweep (every half of the idle time) sends each running actor
//! [`TryRetire`] unless it finished its work less than the idle time ago ([`Home::quiet`]); an
//! actor keeps no timer of its own for this (actix polls every pending timer
//! of an actor each time it wakes, which cost measurable CPU per request).
//!
//! Retiring is two steps, so that no message a caller already handed over is lost:
//! 1. The idle actor asks its home to [`Home::release`] it: the home forgets the actor's
//!    address (under its lock, the same lock under which callers hand messages over), so every
//!    later message starts a new activation. The actor keeps its own address meanwhile and
//!    posts itself [`Retire`], which queues behind every message handed over before.
//! 2. On [`Retire`] the actor drops that address. When it is still idle, nothing holds it any
//!    more and actix stops it. When those last messages made it busy, it asks to be
//!    [`Home::reinstate`]d (refused when a new activation already took its place: it then
//!    finishes its work and stops).

use std::time::Instant;

use actix::prelude::*;

use super::Session;

/// Where a session actor lives while it is not running: the engine's record of the session.
pub trait Home: Send + Sync {
    /// The idle actor `me` (idle since `since`) offers to retire. `true`: the home has let go
    /// of `me` (the next message activates a new actor); `false`: `me` is not the home's
    /// current activation (the session was removed, or another actor took its place).
    fn release(&self, me: &Addr<Session>, since: Instant) -> bool;

    /// The actor `me`, released but busy again, asks to be the activation once more. `false`
    /// when another activation took its place meanwhile (or the session was removed).
    fn reinstate(&self, me: Addr<Session>) -> bool;

    /// The running actor's work is all done, at `at`: a hint for the retire sweep, which
    /// leaves an actor alone (no [`TryRetire`] to handle) until it may have been idle for
    /// its retire time.
    fn quiet(&self, at: Instant);
}

/// Posted by a session actor to itself once its home let go of it (see the module's docs).
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub(super) struct Retire;

/// Sent by the engine's retire sweep to a running session: retire if idle for the retire time.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub struct TryRetire;
