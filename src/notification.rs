//! Notifications received: SNMPv1 Trap-PDUs, SNMPv2-Traps and InformRequests (v2c and v3),
//! as net-snmp's `snmptrapd` receives them (RFC 3416 §4.2.6-7, RFC 3413 §3-4, RFC 3584 §3.1).
//!
//! # Layout
//! - this file: [`Notification`] (what a subscriber gets), [`Security`], [`TrapV1Info`],
//!   [`DropReason`] and [`Counters`]: the types the other parts exchange.
//! - `receiver`: [`Receiver`], the pure core: one datagram in (with the time), an [`Outcome`]
//!   out: the decoded notification, the acknowledgement to send, or the reason it was dropped.
//!   Access control (communities, v3 users), the inform duplicate window and the per-source
//!   rate limit live here; no sockets, no actors.
//! - `window`: [`DedupWindow`] and [`RateLimiter`], the two bounded memories of the core.
//! - `translate`: the v1 Trap-PDU in its v2 form (RFC 3584 §3.1), as snmptrapd shows it.
//! - [`text`]: `snmptrapd`'s default log lines and the JSON object of a notification.
//! - [`json`]: [`json::JsonWriter`], that JSON object written by hand as one line into a
//!   reusable buffer (the outputs' and the bench's path).
//! - [`listener`]: the actor owning the UDP socket(s) that feeds the core and hands every
//!   delivered [`Notification`] to its subscribers' [`actix::Recipient`]s.
//! - [`send`]: `snmpact trap` and `snmpact inform` (net-snmp's `snmptrap`/`snmpinform`).
//! - [`trapd`]: `snmpact trapd`, the receiver alone printing what it gets (`snmptrapd -f -Lo`).
//!
//! # Security
//! SNMPv3 traps come from an authoritative sender: their users are keyed by the sender's engine
//! id (snmptrapd's `createUser -e ENGINEID`), with the time window kept per sender engine
//! ([`crate::v3::EngineRecord`]). For informs the receiver is authoritative: its own engine id,
//! discovery, usmStats Reports and the 150-second window come from the simulator's engine
//! ([`crate::simulator::agent::usm::AgentEngine`]). Community strings are shown by outputs (snmptrapd logs
//! them too) but never by `Debug`.

pub mod json;
pub mod listener;
mod receiver;
pub mod send;
pub mod text;
mod translate;
pub mod trapd;
mod window;

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::SystemTime;

pub use receiver::{
    DEFAULT_DEDUP_WINDOW, Outcome, RateLimit, Receiver, ReceiverConfig, default_engine_id,
};
pub use translate::{
    SNMP_TRAP_ADDRESS, SNMP_TRAP_COMMUNITY, SNMP_TRAP_ENTERPRISE, SNMP_TRAP_OID, SYS_UPTIME,
    v1_trap_oid,
};
pub use window::{DedupWindow, MAX_REMEMBERED, MAX_SOURCES, RateLimiter};

use crate::oid::Oid;
use crate::pdu::{VarBind, Version};
use crate::usm::SecurityLevel;

/// A trap (unacknowledged) or an inform (acknowledged with a Response).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// An SNMPv1 Trap-PDU or an SNMPv2-Trap-PDU.
    Trap,
    /// An InformRequest-PDU.
    Inform,
}

impl Kind {
    /// `trap` or `inform`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Trap => "trap",
            Kind::Inform => "inform",
        }
    }
}

/// Who sent a notification, as its security says.
#[derive(Clone, PartialEq, Eq)]
pub enum Security {
    /// SNMPv1 or v2c: the community (accepted by the listener).
    Community(Arc<[u8]>),
    /// SNMPv3 (USM).
    User {
        /// msgUserName.
        name: String,
        /// msgAuthoritativeEngineID: the sender's for traps, the receiver's for informs.
        engine_id: Vec<u8>,
        /// The message's security level.
        level: SecurityLevel,
    },
}

impl fmt::Debug for Security {
    /// The community is a shared secret: redacted.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Security::Community(_) => f.write_str("Community(<redacted>)"),
            Security::User {
                name,
                engine_id,
                level,
            } => f
                .debug_struct("User")
                .field("name", name)
                .field("engine_id", &crate::format::hex(engine_id))
                .field("level", level)
                .finish(),
        }
    }
}

/// The fields of an SNMPv1 Trap-PDU (RFC 1157 §4.1.6), kept beside its v2 form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrapV1Info {
    /// enterprise.
    pub enterprise: Oid,
    /// agent-addr as sent.
    pub agent_addr: Ipv4Addr,
    /// generic-trap: coldStart(0) .. enterpriseSpecific(6).
    pub generic: i32,
    /// specific-trap.
    pub specific: i32,
    /// time-stamp (sysUpTime of the sender, hundredths of a second).
    pub time_stamp: u32,
    /// How many varbinds the Trap-PDU carried: they follow sysUpTime.0 and snmpTrapOID.0 in
    /// [`Notification::varbinds`].
    pub count: usize,
}

/// One notification, decoded, checked and accepted: what subscribers receive.
///
/// `varbinds` are in the SNMPv2 form for every version: `sysUpTime.0`, `snmpTrapOID.0`, then
/// the others (a v1 trap translated as RFC 3584 §3.1 says, with `snmpTrapAddress.0`,
/// `snmpTrapCommunity.0` and `snmpTrapEnterprise.0` last).
#[derive(Debug, Clone, PartialEq, actix::Message)]
#[rtype(result = "()")]
pub struct Notification {
    /// When it was received.
    pub received: SystemTime,
    /// The sender's address and port.
    pub source: SocketAddr,
    /// The listener's address it arrived on.
    pub local: SocketAddr,
    /// SNMP version of the message.
    pub version: Version,
    /// Trap or inform.
    pub kind: Kind,
    /// Community or USM user.
    pub security: Security,
    /// The request-id (none in a v1 trap).
    pub request_id: Option<i32>,
    /// snmpTrapOID.0's value (`None` for a v2 notification without it).
    pub trap_oid: Option<Oid>,
    /// sysUpTime.0's value (`None` when the first varbind is not a TimeTicks sysUpTime.0).
    pub uptime: Option<u32>,
    /// The variable bindings, in the v2 form.
    pub varbinds: Vec<VarBind<'static>>,
    /// The v1 Trap-PDU fields, for a v1 trap.
    pub v1: Option<TrapV1Info>,
}

impl Notification {
    /// Whether `filter` is part of the source address, the trap OID (dotted) or its name
    /// (the console's `traps FILTER`).
    #[must_use]
    pub fn matches(&self, filter: &str) -> bool {
        self.source.ip().to_string().contains(filter)
            || self.trap_oid.as_ref().is_some_and(|o| {
                o.to_string().contains(filter) || crate::mib::format_name(o).contains(filter)
            })
    }

    /// The varbinds after sysUpTime.0 and snmpTrapOID.0 (for a v1 trap: the Trap-PDU's own).
    #[must_use]
    pub fn payload(&self) -> &[VarBind<'static>] {
        if let Some(v1) = &self.v1 {
            let end = (2 + v1.count).min(self.varbinds.len());
            return &self.varbinds[2.min(end)..end];
        }
        let skip = usize::from(self.uptime.is_some()) + usize::from(self.trap_oid.is_some());
        &self.varbinds[skip.min(self.varbinds.len())..]
    }
}

/// Why a datagram was not delivered (each counted by [`Counters`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DropReason {
    /// Not a decodable SNMP message.
    Undecodable,
    /// A message that is no notification (a GetRequest, a Response...).
    NotNotification,
    /// A community the listener does not accept.
    BadCommunity,
    /// SNMPv3 from an engine id no user is configured for.
    UnknownEngineId,
    /// SNMPv3 from a user the listener does not know.
    UnknownUser,
    /// SNMPv3 at a level above the user's.
    UnsupportedLevel,
    /// SNMPv3 whose HMAC does not verify.
    WrongDigest,
    /// SNMPv3 outside the time window (a replay, or a stale clock).
    NotInTimeWindow,
    /// SNMPv3 whose scopedPDU does not decrypt.
    Decryption,
    /// Over the per-source rate limit.
    RateLimited,
}

impl DropReason {
    /// Every reason, in counter order.
    pub const ALL: [DropReason; 10] = [
        DropReason::Undecodable,
        DropReason::NotNotification,
        DropReason::BadCommunity,
        DropReason::UnknownEngineId,
        DropReason::UnknownUser,
        DropReason::UnsupportedLevel,
        DropReason::WrongDigest,
        DropReason::NotInTimeWindow,
        DropReason::Decryption,
        DropReason::RateLimited,
    ];

    /// A short stable label for counters.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            DropReason::Undecodable => "undecodable",
            DropReason::NotNotification => "not_notification",
            DropReason::BadCommunity => "bad_community",
            DropReason::UnknownEngineId => "unknown_engine_id",
            DropReason::UnknownUser => "unknown_user",
            DropReason::UnsupportedLevel => "unsupported_level",
            DropReason::WrongDigest => "wrong_digest",
            DropReason::NotInTimeWindow => "not_in_time_window",
            DropReason::Decryption => "decryption",
            DropReason::RateLimited => "rate_limited",
        }
    }

    fn index(self) -> usize {
        DropReason::ALL
            .iter()
            .position(|r| *r == self)
            .unwrap_or_default()
    }
}

/// What a receiver has seen so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counters {
    /// Datagrams received.
    pub received: u64,
    /// Notifications delivered (each once).
    pub delivered: u64,
    /// Of them, informs (each acknowledged).
    pub informs: u64,
    /// Retransmitted informs acknowledged again but not delivered.
    pub duplicates: u64,
    /// SNMPv3 Reports sent (discovery, usmStats).
    pub reports: u64,
    /// Datagrams dropped, by [`DropReason::ALL`] order.
    pub dropped: [u64; 10],
}

impl Counters {
    /// Dropped for `reason`.
    #[must_use]
    pub fn dropped(&self, reason: DropReason) -> u64 {
        self.dropped[reason.index()]
    }

    /// Dropped for any reason.
    #[must_use]
    pub fn dropped_total(&self) -> u64 {
        self.dropped.iter().sum()
    }

    fn count_drop(&mut self, reason: DropReason) {
        self.dropped[reason.index()] += 1;
    }

    /// Adds another receiver's counters (several sockets, one listener).
    pub fn add(&mut self, other: &Counters) {
        self.received += other.received;
        self.delivered += other.delivered;
        self.informs += other.informs;
        self.duplicates += other.duplicates;
        self.reports += other.reports;
        for (a, b) in self.dropped.iter_mut().zip(other.dropped) {
            *a += b;
        }
    }

    /// One line: `received 10, delivered 8 (informs 2, duplicates 1), reports 0, dropped 2
    /// (bad_community 1, rate_limited 1)`; reasons with a zero count are left out.
    #[must_use]
    pub fn line(&self) -> String {
        let reasons: Vec<String> = DropReason::ALL
            .iter()
            .filter(|r| self.dropped(**r) > 0)
            .map(|r| format!("{} {}", r.label(), self.dropped(*r)))
            .collect();
        let mut s = format!(
            "received {}, delivered {} (informs {}, duplicates {}), reports {}, dropped {}",
            self.received,
            self.delivered,
            self.informs,
            self.duplicates,
            self.reports,
            self.dropped_total()
        );
        if !reasons.is_empty() {
            s.push_str(&format!(" ({})", reasons.join(", ")));
        }
        s
    }
}

#[cfg(test)]
mod tests;
