//! Where an operation's final answer goes ([`Reply`]): a [`Deferred`] answer met through a
//! [`Rendezvous`] (no task, channel or boxed future per request), a oneshot, a streamed walk's
//! row count, or a callback.

use std::cell::RefCell;
use std::rc::Rc;

use actix::dev::{MessageResponse, OneshotSender};
use actix::prelude::*;
use tokio::sync::oneshot;

use super::messages::VarBindsResult;
use super::{Session, SnmpError};

/// The answer of the GET, GETNEXT, GETBULK, SET and Walk handlers: the caller's channel is
/// handed straight to the operation, so an answer costs no task, no extra channel and no boxed
/// future (a `ResponseFuture` costs all three per request).
///
/// Actix calls [`MessageResponse::handle`] with the caller's channel right after the handler
/// returns; the operation ends later (or, for an operation that needs no request, inside the
/// handler). Whichever comes first waits in the shared `Rendezvous` for the other.
pub struct Deferred(pub(super) Rc<RefCell<Rendezvous>>);

/// The meeting point of a [`Deferred`] answer and its operation.
pub(super) enum Rendezvous {
    /// Neither the caller's channel nor the result is here yet.
    Empty,
    /// The caller's channel: the result goes straight into it.
    Waiting(OneshotSender<VarBindsResult>),
    /// The result came first.
    Ready(VarBindsResult),
    /// Sent with `do_send`: nobody waits for the result, but the operation runs to its end.
    Detached,
    /// Answered.
    Done,
}

impl<M> MessageResponse<Session, M> for Deferred
where
    M: Message<Result = VarBindsResult>,
{
    fn handle(self, _ctx: &mut Context<Session>, tx: Option<OneshotSender<VarBindsResult>>) {
        let mut slot = self.0.borrow_mut();
        *slot = match (std::mem::replace(&mut *slot, Rendezvous::Done), tx) {
            (Rendezvous::Ready(r), Some(tx)) => {
                let _ = tx.send(r);
                Rendezvous::Done
            }
            (Rendezvous::Empty, Some(tx)) => Rendezvous::Waiting(tx),
            (Rendezvous::Empty, None) => Rendezvous::Detached,
            (_, _) => Rendezvous::Done,
        };
    }
}

/// Where an operation's final answer goes.
pub(super) enum Reply {
    /// A [`Deferred`] answer.
    Deferred(Rc<RefCell<Rendezvous>>),
    Once(oneshot::Sender<VarBindsResult>),
    /// A streamed walk: the answer is the number of rows streamed.
    Count(oneshot::Sender<Result<usize, SnmpError>>),
    Callback(Box<dyn FnOnce(VarBindsResult) + Send>),
}

impl Reply {
    pub(super) fn send(self, r: VarBindsResult, streamed: usize) {
        match self {
            Reply::Deferred(slot) => {
                let mut slot = slot.borrow_mut();
                match std::mem::replace(&mut *slot, Rendezvous::Done) {
                    Rendezvous::Waiting(tx) => {
                        let _ = tx.send(r);
                    }
                    Rendezvous::Empty => *slot = Rendezvous::Ready(r),
                    Rendezvous::Ready(_) | Rendezvous::Detached | Rendezvous::Done => {}
                }
            }
            Reply::Once(tx) => {
                let _ = tx.send(r);
            }
            Reply::Count(tx) => {
                let _ = tx.send(r.map(|_| streamed));
            }
            Reply::Callback(f) => f(r),
        }
    }

    pub(super) fn is_closed(&self) -> bool {
        match self {
            // As with the `ResponseFuture` this replaces, whose receiving task lived until the
            // answer: a caller dropping its `send()` future does not stop the operation.
            Reply::Deferred(_) => false,
            Reply::Once(tx) => tx.is_closed(),
            Reply::Count(tx) => tx.is_closed(),
            Reply::Callback(_) => false,
        }
    }
}
