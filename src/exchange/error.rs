//! [`SnmpError`]: why a request to an agent failed. `Clone + Send + 'static`, because one failure
//! can reach several waiters and crosses actor boundaries.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use crate::oid::Oid;
use crate::pdu::{self, ErrorStatus};

/// A failed SNMP operation.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum SnmpError {
    /// The agent did not answer any of the `1 + retries` transmissions.
    #[error("timeout after {retries} retries to {agent}")]
    Timeout {
        /// Retries made after the first transmission.
        retries: u32,
        /// The agent's address.
        agent: SocketAddr,
    },
    /// The agent answered with a non-zero error-status.
    #[error("agent error {status} at index {index}{}", oid.as_ref().map(|o| format!(" ({o})")).unwrap_or_default())]
    Agent {
        /// The error-status.
        status: ErrorStatus,
        /// The error-index (1-based; 0 when it names no varbind).
        index: i32,
        /// The OID the index points at, when it points at one.
        oid: Option<Oid>,
    },
    /// The request could not be made small enough for the agent (tooBig with one varbind or
    /// max-repetitions 1).
    #[error("response too big even for a single varbind")]
    TooBig,
    /// A socket error (sending, or creating the socket).
    #[error("transport error: {0}")]
    Transport(Arc<io::Error>),
    /// The agent's answer could not be decoded.
    #[error("undecodable response: {0}")]
    Decode(pdu::Error),
    /// The answer was well-formed but not what the request asked for (wrong number of varbinds).
    #[error("unexpected response: {0}")]
    UnexpectedResponse(&'static str),
    /// A walk met an OID that does not increase: the agent would make it loop.
    #[error("OID not increasing: {next} follows {previous}")]
    NotIncreasing {
        /// The last OID accepted.
        previous: Box<Oid>,
        /// The OID that did not increase.
        next: Box<Oid>,
    },
    /// A walk reached its row limit before its end.
    #[error("row limit of {0} reached")]
    RowLimit(usize),
    /// The operation needs another SNMP version (GetBulk over SNMPv1).
    #[error("{0} is not available in SNMPv1")]
    NotInV1(&'static str),
    /// The request was invalid before anything was sent (no OIDs, a relaxed walk without a limit).
    #[error("invalid request: {0}")]
    InvalidRequest(&'static str),
    /// The agent's host name did not resolve.
    #[error("cannot resolve {host}: {reason}")]
    Resolve {
        /// The host as given.
        host: String,
        /// Why.
        reason: String,
    },
    /// The engine or session is shutting down; the request was not completed.
    #[error("shutting down")]
    ShuttingDown,
    /// The engine's dispatcher for this session stopped (or its actor died) with the request
    /// in its mailbox or in flight, or was gone when the request was submitted.
    #[error("the engine's dispatcher stopped before answering")]
    DispatcherGone,
    /// Too much is already waiting: `queued` requests in the session for this agent (its
    /// `max_queued`). Nothing was sent; try again later.
    #[error("backpressure: {queued} requests already waiting for this agent")]
    Backpressure {
        /// Requests waiting when this one was refused.
        queued: usize,
    },
    /// The agent refused an SNMPv3 request with a Report (unknown user, wrong digest,
    /// decryption error, unsupported security level, ...). The message is net-snmp's.
    #[error("{0}")]
    Report(crate::v3::ReportKind),
    /// An SNMPv3 answer failed security processing after it was matched (it could not be
    /// decrypted, or its time stayed outside the window after resynchronisation).
    #[error("SNMPv3: {0}")]
    V3(crate::v3::Error),
    /// The SNMPv3 user cannot be used: missing or malformed keys or pass phrases.
    #[error("SNMPv3 user: {0}")]
    User(crate::usm::UserError),
}

impl SnmpError {
    /// A short stable label for counters and logs.
    #[must_use]
    pub fn label(&self) -> &'static str {
        match self {
            Self::Timeout { .. } => "timeout",
            Self::Agent { .. } => "agent_error",
            Self::TooBig => "too_big",
            Self::Transport(_) => "transport",
            Self::Decode(_) => "decode",
            Self::UnexpectedResponse(_) => "unexpected_response",
            Self::NotIncreasing { .. } => "not_increasing",
            Self::RowLimit(_) => "row_limit",
            Self::NotInV1(_) => "not_in_v1",
            Self::InvalidRequest(_) => "invalid_request",
            Self::Resolve { .. } => "resolve",
            Self::DispatcherGone => "dispatcher_gone",
            Self::Backpressure { .. } => "backpressure",
            Self::ShuttingDown => "shutting_down",
            Self::Report(k) => k.label(),
            Self::V3(e) => e.label(),
            Self::User(_) => "usm_user",
        }
    }
}

impl From<io::Error> for SnmpError {
    fn from(e: io::Error) -> Self {
        Self::Transport(Arc::new(e))
    }
}
