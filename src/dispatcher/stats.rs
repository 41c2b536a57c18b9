//! The dispatcher's counters: why datagrams were dropped ([`DropReason`]), what happened to
//! requests per agent and in all ([`Counters`]), and the snapshot the engine reports
//! ([`DispatcherStats`]). Plain data: no actor, no clock.

use std::collections::HashMap;
use std::net::SocketAddr;

/// Why a datagram was dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DropReason {
    /// Not a valid SNMP v1/v2c message header.
    Undecodable,
    /// A PDU type a manager does not expect (a request, a trap).
    NotResponse,
    /// No request with that id was ever seen (or long forgotten).
    UnknownId,
    /// The id is in flight but the datagram came from another address.
    WrongSource,
    /// The id and source match but the version or community do not.
    WrongCommunity,
    /// A second answer to a request already answered.
    Duplicate,
    /// An answer to a request that had already timed out or been cancelled.
    Late,
    /// An SNMPv3 answer whose HMAC does not verify (forged or corrupted).
    WrongDigest,
    /// An SNMPv3 answer at another security level or for another user than its request, or
    /// a Response below the request's level (only Reports may be).
    WrongSecurity,
    /// An SNMPv3 answer whose engine boots/time are outside the 150 s window (a replay).
    NotInTimeWindow,
}

impl DropReason {
    /// Every reason, for reports.
    pub const ALL: [DropReason; 10] = [
        Self::Undecodable,
        Self::NotResponse,
        Self::UnknownId,
        Self::WrongSource,
        Self::WrongCommunity,
        Self::Duplicate,
        Self::Late,
        Self::WrongDigest,
        Self::WrongSecurity,
        Self::NotInTimeWindow,
    ];

    /// Stable label.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Undecodable => "undecodable",
            Self::NotResponse => "not_response",
            Self::UnknownId => "unknown_id",
            Self::WrongSource => "wrong_source",
            Self::WrongCommunity => "wrong_community",
            Self::Duplicate => "duplicate",
            Self::Late => "late",
            Self::WrongDigest => "wrong_digest",
            Self::WrongSecurity => "wrong_security",
            Self::NotInTimeWindow => "not_in_time_window",
        }
    }
}

/// Counters of one agent (or of all agents).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counters {
    /// Requests sent (first transmissions).
    pub sent: u64,
    /// Retransmissions.
    pub retransmitted: u64,
    /// Responses matched to a request.
    pub received: u64,
    /// Requests that ended without an answer after all transmissions.
    pub timed_out: u64,
    /// Datagrams dropped, by reason.
    pub dropped: HashMap<DropReason, u64>,
    /// Requests in flight now.
    pub in_flight: u64,
}

impl Counters {
    /// Total dropped datagrams.
    #[must_use]
    pub fn dropped_total(&self) -> u64 {
        self.dropped.values().sum()
    }

    /// Dropped for one reason.
    #[must_use]
    pub fn dropped(&self, r: DropReason) -> u64 {
        self.dropped.get(&r).copied().unwrap_or(0)
    }

    /// Adds `other` into `self`.
    pub fn add(&mut self, other: &Counters) {
        self.sent += other.sent;
        self.retransmitted += other.retransmitted;
        self.received += other.received;
        self.timed_out += other.timed_out;
        self.in_flight += other.in_flight;
        for (r, n) in &other.dropped {
            *self.dropped.entry(*r).or_default() += n;
        }
    }
}

/// A snapshot of a dispatcher's counters.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct DispatcherStats {
    /// All agents together.
    pub total: Counters,
    /// Per agent address (drops from unknown sources are counted in `total` only).
    pub per_agent: HashMap<SocketAddr, Counters>,
    /// Datagrams waiting for the socket to accept them.
    pub backlog: usize,
}

impl DispatcherStats {
    /// Adds `other` into `self` (for an engine with several dispatchers).
    pub fn merge(&mut self, other: &DispatcherStats) {
        self.total.add(&other.total);
        for (a, c) in &other.per_agent {
            self.per_agent.entry(*a).or_default().add(c);
        }
        self.backlog += other.backlog;
    }
}
