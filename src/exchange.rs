//! What a session and its dispatcher exchange, in a module of its own below both (so neither
//! imports the other): the messages ([`Submit`], [`Cancel`] to the dispatcher; [`Inbound`] to
//! the session), a request's one security boundary ([`Security`], [`UsmSubmit`]), its retry
//! timing ([`RetryPolicy`]), and why a request failed ([`SnmpError`]).

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

/// Sent by a session: send `pdu` to `agent`, retransmit per `policy`, and answer `reply_to` with
/// an [`Inbound`] carrying `token`. The dispatcher fills in the request-id.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Submit {
    /// Who gets the answer: the session's one inbox, shared by all its requests in flight (a
    /// reference count per request, not a new `Recipient`).
    pub reply_to: Arc<Recipient<Inbound>>,
    /// Echoed back in the answer; unique in the process (sessions take one from a process-wide counter).
    pub token: u64,
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
    /// The token given in [`Submit`].
    pub token: u64,
}
