//! Sessions: one actor per agent ([`Session`]), holding the agent's address, version, community,
//! timeout, retries and limits, turning callers' messages (get, next, bulk, set, walk, table)
//! into PDUs and answering each caller exactly once.
//!
//! - [`machine`]: the pure state machines (splitting, tooBig, v1 noSuchName, walks) and retry
//!   timing. No actors.
//! - `actor`: the actix actor and its messages.
//! - [`SnmpError`] (from [`crate::exchange`]): why a request failed.
//! - `usm`: the SNMPv3 side (discovery, keys, resynchronisation, Reports) and [`UsmCache`].
//! - `lifecycle`: activation and deactivation of a session actor by its [`Home`] (the engine's
//!   dormant record), so an idle session costs no actor.

mod actor;
mod lifecycle;
pub mod machine;
mod messages;
mod reply;
mod usm;

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

pub use crate::exchange::SnmpError;
pub use actor::Session;
pub use lifecycle::{Home, TryRetire};
pub use machine::{Backoff, RetryPolicy, WalkMode, WalkOptions};
pub use messages::{
    Answer, Get, GetBulk, GetNext, IdleSince, Operation, Request, Set, Shutdown, Table, TableRow,
    TableRows, VarBindsResult, Walk, WalkRows, WalkStream,
};
pub use reply::Deferred;
pub use usm::UsmCache;

use crate::pdu::Version;

/// Default wait for an answer (net-snmp's).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(1);
/// Default retransmissions after the first (net-snmp's).
pub const DEFAULT_RETRIES: u32 = 5;
/// Default most OIDs in one request.
pub const DEFAULT_MAX_OIDS: usize = 60;
/// Default max-repetitions of a GETBULK walk (net-snmp's `snmpbulkwalk`).
pub const DEFAULT_MAX_REPETITIONS: u32 = 10;
/// Default limit of requests in flight to one agent.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 10;
/// Default limit of requests waiting in one session (behind its in-flight limit).
pub const DEFAULT_MAX_QUEUED: usize = 10_000;

/// A community string. Its `Debug` and `Display` never show the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Community(Arc<[u8]>);

impl Community {
    /// The community's bytes (for the wire only).
    #[must_use]
    pub fn expose(&self) -> &Arc<[u8]> {
        &self.0
    }
}

impl From<&str> for Community {
    fn from(s: &str) -> Self {
        Self(Arc::from(s.as_bytes()))
    }
}

impl From<&[u8]> for Community {
    fn from(s: &[u8]) -> Self {
        Self(Arc::from(s))
    }
}

impl fmt::Debug for Community {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Community(<redacted>)")
    }
}

impl fmt::Display for Community {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Everything a session needs to talk to one agent.
#[derive(Debug, Clone)]
pub struct SessionConfig {
    /// v1, v2c or 3.
    pub version: Version,
    /// The community string (v1 and v2c).
    pub community: Community,
    /// The SNMPv3 user (version 3 only; required there). Its `Debug` shows no secret.
    pub user: Option<Arc<crate::usm::User>>,
    /// Wait for an answer after the first transmission.
    pub timeout: Duration,
    /// Retransmissions after the first.
    pub retries: u32,
    /// Fixed or doubling waits.
    pub backoff: Backoff,
    /// Most OIDs in one request; more are split across requests and merged in order.
    pub max_oids: usize,
    /// max-repetitions for GETBULK walks and for [`GetBulk`] without one.
    pub max_repetitions: u32,
    /// non-repeaters for [`GetBulk`] without one.
    pub non_repeaters: u32,
    /// Most requests in flight to this agent; the rest wait in the session.
    pub max_in_flight: usize,
    /// Most requests waiting in the session behind `max_in_flight`. A new operation that finds
    /// the queue full fails at once with [`SnmpError::Backpressure`], so a flood of requests to
    /// one slow agent costs bounded memory.
    pub max_queued: usize,
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            version: Version::V2c,
            community: Community::from("public"),
            user: None,
            timeout: DEFAULT_TIMEOUT,
            retries: DEFAULT_RETRIES,
            backoff: Backoff::Fixed,
            max_oids: DEFAULT_MAX_OIDS,
            max_repetitions: DEFAULT_MAX_REPETITIONS,
            non_repeaters: 0,
            max_in_flight: DEFAULT_MAX_IN_FLIGHT,
            max_queued: DEFAULT_MAX_QUEUED,
        }
    }
}

impl SessionConfig {
    /// The retry policy of this session's requests.
    #[must_use]
    pub fn policy(&self) -> RetryPolicy {
        RetryPolicy {
            timeout: self.timeout,
            retries: self.retries,
            backoff: self.backoff,
        }
    }

    /// The limits operations need.
    #[must_use]
    pub fn limits(&self) -> machine::Limits {
        machine::Limits {
            version: self.version,
            max_oids: self.max_oids,
            max_repetitions: self.max_repetitions,
        }
    }
}

static NEXT_TOKEN: AtomicU64 = AtomicU64::new(1);

/// A token unique in this process, naming one submitted request.
#[must_use]
pub fn next_token() -> u64 {
    NEXT_TOKEN.fetch_add(1, Ordering::Relaxed)
}
