//! What a session and its dispatcher exchange, in a module of its own below both (so neither
//! imports the other): the messages ([`Submit`], [`Cancel`] to the dispatcher; [`Inbound`] to
//! the session), where one request's answer goes ([`ReplyTo`]), a request's one security
//! boundary ([`Security`], [`UsmSubmit`]), its retry timing ([`RetryPolicy`]), and why a
//! request failed ([`SnmpError`]).

mod error;
mod retry;

use std::net::SocketAddr;
use std::sync::Arc;

use actix::prelude::*;
use bytes::Bytes;

pub use self::error::SnmpError;
pub use self::retry::{Backoff, RetryPolicy};
use crate::pdu::{Pdu, Version};
use crate::usm::{SecurityLevel, UserKeys};

/// What the dispatcher tells a session about one submitted request.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub enum Inbound {
    /// The matching response datagram (decoded by the session).
    Response {
        /// The session's key for the request.
        token: u64,
        /// The datagram, copied out of the socket buffer.
        datagram: Bytes,
    },
    /// The request failed: timeout after all transmissions, a socket error, or shutdown.
    Failed {
        /// The session's key for the request.
        token: u64,
        /// Why.
        error: SnmpError,
    },
}

/// Where the answer to one submitted request goes, and the promise that one will: the
/// session's inbox (one `Arc` shared by all its requests in flight, a reference count per
/// request rather than a new `Recipient`) and the request's token.
///
/// Used up by [`ReplyTo::respond`] or [`ReplyTo::fail`], or let go without a word by
/// [`ReplyTo::discard`] (the session cancelled the request itself). Dropped any other way (the
/// dispatcher stopped, or its actor died, with the request in its mailbox or in flight; a
/// stand-in dispatcher threw the [`Submit`] away), it tells the session
/// [`SnmpError::DispatcherGone`] on its way out: no caller waits forever on a dispatcher that
/// is gone, and no timer per request stands guard for it.
pub struct ReplyTo {
    /// `None` once answered or discarded.
    inbox: Option<Arc<Recipient<Inbound>>>,
    token: u64,
}

impl ReplyTo {
    /// The answer to request `token` goes to `inbox`.
    #[must_use]
    pub fn new(inbox: Arc<Recipient<Inbound>>, token: u64) -> Self {
        Self {
            inbox: Some(inbox),
            token,
        }
    }

    /// The session's key for the request, echoed in the answer.
    #[must_use]
    pub fn token(&self) -> u64 {
        self.token
    }

    /// Hands the session the matching response datagram.
    pub fn respond(mut self, datagram: Bytes) {
        let token = self.token;
        self.send(Inbound::Response { token, datagram });
    }

    /// Tells the session the request failed, and why.
    pub fn fail(mut self, error: SnmpError) {
        let token = self.token;
        self.send(Inbound::Failed { token, error });
    }

    /// Lets the request go without a word: its session no longer wants the answer.
    pub fn discard(mut self) {
        self.inbox = None;
    }

    fn send(&mut self, msg: Inbound) {
        if let Some(inbox) = self.inbox.take() {
            inbox.do_send(msg);
        }
    }
}

impl Drop for ReplyTo {
    fn drop(&mut self) {
        let token = self.token;
        self.send(Inbound::Failed {
            token,
            error: SnmpError::DispatcherGone,
        });
    }
}

impl std::fmt::Debug for ReplyTo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReplyTo")
            .field("token", &self.token)
            .field("pending", &self.inbox.is_some())
            .finish()
    }
}

/// Sent by a session: send `pdu` to `agent`, retransmit per `policy`, and answer through
/// `reply_to`. The dispatcher fills in the request-id.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Submit {
    /// Where the answer goes (and the request's token, unique in the process: sessions take
    /// one from a process-wide counter). Dropped unanswered, it fails the request with
    /// [`SnmpError::DispatcherGone`].
    pub reply_to: ReplyTo,
    /// The agent's address.
    pub agent: SocketAddr,
    /// How the request is protected, and what its answer must show.
    pub security: Security,
    /// The PDU; its request-id is overwritten.
    pub pdu: Pdu<'static>,
    /// Timeout, retries and backoff.
    pub policy: RetryPolicy,
}

/// The one security boundary of a request: a community (v1, v2c) or an SNMPv3 user's security
/// (USM). The dispatcher seals the request with it and lets through only the answers it allows.
#[derive(Clone)]
pub enum Security {
    /// SNMPv1 or SNMPv2c: the answer must carry the same version and community.
    Community {
        /// [`Version::V1`] or [`Version::V2c`].
        version: Version,
        /// The community string (a secret: never logged).
        community: Arc<[u8]>,
    },
    /// SNMPv3 with USM: sealed, and its answer gated (see [`UsmSubmit`]).
    Usm(Arc<UsmSubmit>),
}

impl std::fmt::Debug for Security {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Community { version, .. } => f
                .debug_struct("Community")
                .field("version", version)
                .field("community", &"<redacted>")
                .finish(),
            Self::Usm(usm) => f.debug_tuple("Usm").field(usm).finish(),
        }
    }
}

/// What the dispatcher needs to seal one SNMPv3 request and check its answer. Its `Debug`
/// shows no key.
#[derive(Debug)]
pub struct UsmSubmit {
    /// msgUserName (empty in a discovery probe).
    pub user_name: Arc<[u8]>,
    /// The request's security level (its msgFlags, with reportable set).
    pub level: SecurityLevel,
    /// The user's keys for the agent's engine (none for noAuthNoPriv).
    pub keys: Arc<UserKeys>,
    /// msgAuthoritativeEngineID (empty to discover it).
    pub engine_id: Arc<[u8]>,
    /// msgAuthoritativeEngineBoots as the session believes it.
    pub boots: u32,
    /// msgAuthoritativeEngineTime as the session believes it, when submitted.
    pub time: u32,
    /// contextEngineID.
    pub context_engine_id: Arc<[u8]>,
    /// contextName.
    pub context_name: Arc<[u8]>,
}

/// Sent by a session that no longer wants the answer to `token` (its caller went away).
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub struct Cancel {
    /// The token given in [`Submit`] (its [`ReplyTo::token`]).
    pub token: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keeps what it is told.
    #[derive(Default)]
    struct Inbox(Vec<String>);

    impl Actor for Inbox {
        type Context = Context<Self>;
    }

    impl Handler<Inbound> for Inbox {
        type Result = ();
        fn handle(&mut self, m: Inbound, _: &mut Context<Self>) {
            self.0.push(match m {
                Inbound::Response { token, datagram } => format!("{token}: {datagram:?}"),
                Inbound::Failed { token, error } => format!("{token}: {}", error.label()),
            });
        }
    }

    #[derive(Message)]
    #[rtype(result = "Vec<String>")]
    struct Told;

    impl Handler<Told> for Inbox {
        type Result = MessageResult<Told>;
        fn handle(&mut self, _: Told, _: &mut Context<Self>) -> Self::Result {
            MessageResult(std::mem::take(&mut self.0))
        }
    }

    #[actix_rt::test]
    async fn a_reply_is_told_once_and_a_dropped_one_tells_the_dispatcher_is_gone() {
        let inbox = Inbox::default().start();
        let to = Arc::new(inbox.clone().recipient());
        ReplyTo::new(to.clone(), 1).respond(Bytes::from_static(b"ok"));
        ReplyTo::new(to.clone(), 2).fail(SnmpError::ShuttingDown);
        ReplyTo::new(to.clone(), 3).discard();
        drop(ReplyTo::new(to.clone(), 4));
        let kept = ReplyTo::new(to, 5);
        assert_eq!(kept.token(), 5);
        assert_eq!(
            inbox.send(Told).await.unwrap(),
            ["1: b\"ok\"", "2: shutting_down", "4: dispatcher_gone"]
        );
        drop(kept);
        assert_eq!(inbox.send(Told).await.unwrap(), ["5: dispatcher_gone"]);
    }
}
