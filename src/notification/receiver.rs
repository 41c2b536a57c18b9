//! [`Receiver`]: the pure core of a notification listener. One datagram goes in with its
//! source and the time; an [`Outcome`] comes out: the [`Notification`] to deliver, the
//! datagram to send back (an inform's Response, an SNMPv3 Report), or why it was dropped.
//! No sockets, no actors, no clock of its own.
//!
//! The checks, in order:
//! 1. the per-source rate limit ([`RateLimiter`]), before any decoding or cryptography;
//! 2. v1/v2c: the message decodes, its PDU is a notification of its version (Trap-PDU in v1,
//!    SNMPv2-Trap or InformRequest in v2c), its community is accepted;
//! 3. SNMPv3, authoritative sender (a trap: msgAuthoritativeEngineID is not ours and the
//!    message is not reportable): the engine id is one users are configured for, the user is
//!    known for it, the level is the user's or below, the HMAC verifies, the sender's clock is
//!    within the window of what we learned of it ([`EngineRecord`]), the scopedPDU decrypts
//!    and holds an SNMPv2-Trap;
//! 4. SNMPv3, authoritative receiver (an inform, or discovery): the simulator's engine
//!    ([`AgentEngine`]) does RFC 3414 §3.2 and answers Reports itself;
//! 5. informs: a Response with the same request-id and varbinds goes back every time, and the
//!    notification is delivered unless the same source sent the same request-id and content
//!    within the duplicate window ([`DedupWindow`]).

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use crate::pdu::{self, GenericPdu, Message, Pdu, PduType, Version};
use crate::simulator::agent::usm::{AgentEngine, Incoming, Stat};
use crate::usm::{KeyCache, SecurityLevel, User, UserError, UserKeys};
use crate::v3::{self, EngineRecord, Head};

use super::translate::{uptime_and_trap_oid, v1_to_v2};
use super::window::{DedupWindow, RateLimiter};
use super::{Counters, DropReason, Kind, Notification, Security};

/// How long a delivered inform is remembered to recognise its retransmissions: net-snmp's
/// `snmpinform` gives up after 6 tries of 1 s (`-t 1 -r 5`), so 30 s covers slower senders too.
pub const DEFAULT_DEDUP_WINDOW: Duration = Duration::from_secs(30);

/// A per-source rate limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Notifications a second per source IP address, on average.
    pub per_second: u32,
    /// The largest burst taken at once.
    pub burst: u32,
}

/// What a listener accepts.
#[derive(Debug, Clone)]
pub struct ReceiverConfig {
    /// v1/v2c communities accepted (snmptrapd's `authCommunity`); none: v1/v2c are refused.
    pub communities: Vec<Vec<u8>>,
    /// SNMPv3 users (snmptrapd's `createUser` + `authUser`): for informs with keys localised to
    /// `engine_id`, for traps to each of `sender_engine_ids`.
    pub users: Vec<User>,
    /// This receiver's own engine id (informs). `None`: [`crate::simulator::agent::usm::default_engine_id`]
    /// of the first listening port.
    pub engine_id: Option<Vec<u8>>,
    /// snmpEngineBoots of this receiver's engine.
    pub engine_boots: u32,
    /// Engine ids of the senders whose SNMPv3 traps are accepted (snmptrapd's `createUser -e`).
    pub sender_engine_ids: Vec<Vec<u8>>,
    /// How long a delivered inform is remembered ([`DEFAULT_DEDUP_WINDOW`]; zero: never).
    pub dedup_window: Duration,
    /// The per-source rate limit; `None`: unlimited.
    pub rate_limit: Option<RateLimit>,
}

impl Default for ReceiverConfig {
    /// Community `public`, no SNMPv3 user, no rate limit, a 30-second duplicate window.
    fn default() -> Self {
        Self {
            communities: vec![b"public".to_vec()],
            users: Vec::new(),
            engine_id: None,
            engine_boots: crate::simulator::agent::usm::DEFAULT_BOOTS,
            sender_engine_ids: Vec::new(),
            dedup_window: DEFAULT_DEDUP_WINDOW,
            rate_limit: None,
        }
    }
}

/// What to do with one datagram.
#[derive(Debug, Default)]
pub struct Outcome {
    /// A notification to deliver.
    pub notification: Option<Notification>,
    /// A datagram to send back to the source (a Response to an inform, or a Report).
    pub reply: Option<Vec<u8>>,
    /// Why nothing was delivered, when it was dropped.
    pub dropped: Option<DropReason>,
}

impl Outcome {
    fn drop(reason: DropReason) -> Self {
        Self {
            dropped: Some(reason),
            ..Self::default()
        }
    }
}

/// A v3 trap user's keys for one sender engine.
#[derive(Debug, Clone)]
struct TrapUser {
    level: SecurityLevel,
    keys: UserKeys,
}

/// The pure core of a listener (see the module doc). `Debug` shows no key or community.
#[derive(Debug)]
pub struct Receiver {
    /// Accepted communities, shared by every notification they let in (no copy per trap).
    communities: Vec<Arc<[u8]>>,
    /// The authoritative engine of informs (`None` without SNMPv3 users).
    engine: Option<AgentEngine>,
    /// (sender engine id, user name) -> keys, for v3 traps.
    trap_users: HashMap<(Vec<u8>, Vec<u8>), TrapUser>,
    /// Sender engine ids configured.
    sender_engines: Vec<Vec<u8>>,
    /// What was learned of each sender engine's clock (v3 traps).
    clocks: HashMap<Vec<u8>, EngineRecord>,
    /// Informs delivered lately.
    dedup: DedupWindow,
    /// Per-source buckets.
    rate: Option<RateLimiter>,
    /// Everything counted.
    counters: Counters,
}

/// The engine id a receiver takes when none is configured: that of an agent on `port`.
#[must_use]
pub fn default_engine_id(port: u16) -> Vec<u8> {
    crate::simulator::agent::usm::default_engine_id(port)
}

impl Receiver {
    /// A receiver for `config`; `port` names the default engine id. Keys are localised here,
    /// once (one pass-phrase hash per user and protocol, through one [`KeyCache`]).
    ///
    /// # Errors
    /// A user without the keys its level needs, a short pass phrase, or a bad engine id.
    pub fn new(config: &ReceiverConfig, port: u16) -> Result<Self, UserError> {
        let mut cache = KeyCache::new();
        let engine = if config.users.is_empty() {
            None
        } else {
            let id = config
                .engine_id
                .clone()
                .unwrap_or_else(|| default_engine_id(port));
            Some(AgentEngine::new(
                id,
                config.engine_boots,
                &config.users,
                &mut cache,
            )?)
        };
        let mut trap_users = HashMap::new();
        for engine_id in &config.sender_engine_ids {
            for u in &config.users {
                u.validate()?;
                let keys = u.keys(engine_id, &mut cache)?;
                trap_users.insert(
                    (engine_id.clone(), u.name.as_bytes().to_vec()),
                    TrapUser {
                        level: u.level,
                        keys,
                    },
                );
            }
        }
        Ok(Self {
            communities: config
                .communities
                .iter()
                .map(|c| Arc::from(c.as_slice()))
                .collect(),
            engine,
            trap_users,
            sender_engines: config.sender_engine_ids.clone(),
            clocks: HashMap::new(),
            dedup: DedupWindow::new(config.dedup_window),
            rate: config
                .rate_limit
                .map(|r| RateLimiter::new(r.per_second, r.burst)),
            counters: Counters::default(),
        })
    }

    /// This receiver's engine id (informs), when it has SNMPv3 users.
    #[must_use]
    pub fn engine_id(&self) -> Option<&[u8]> {
        self.engine.as_ref().map(AgentEngine::engine_id)
    }

    /// The counters so far.
    #[must_use]
    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    /// Moves the engine's clock start (tests of the time window).
    pub fn set_engine_started(&mut self, started: Instant) {
        if let Some(e) = &mut self.engine {
            e.set_started(started);
        }
    }

    /// Processes one datagram from `source`, received on `local` at `now` (`wall` is the
    /// notification's timestamp). See the module doc for the checks.
    pub fn handle(
        &mut self,
        datagram: &[u8],
        source: SocketAddr,
        local: SocketAddr,
        now: Instant,
        wall: SystemTime,
    ) -> Outcome {
        self.counters.received += 1;
        let outcome = self.process(datagram, source, local, now, wall);
        if let Some(reason) = outcome.dropped {
            self.counters.count_drop(reason);
        }
        if outcome.notification.is_some() {
            self.counters.delivered += 1;
        }
        outcome
    }

    fn process(
        &mut self,
        datagram: &[u8],
        source: SocketAddr,
        local: SocketAddr,
        now: Instant,
        wall: SystemTime,
    ) -> Outcome {
        if let Some(rate) = &mut self.rate
            && !rate.allow(source.ip(), now)
        {
            return Outcome::drop(DropReason::RateLimited);
        }
        let base = Notification {
            received: wall,
            source,
            local,
            version: Version::V2c,
            kind: Kind::Trap,
            security: Security::Community(Arc::from(&b""[..])),
            request_id: None,
            trap_oid: None,
            uptime: None,
            varbinds: Vec::new(),
            v1: None,
        };
        match Message::decode(datagram) {
            Ok(msg) => self.community(datagram, msg, base, now),
            Err(pdu::Error::Version3 { .. }) => self.v3(datagram, base, now),
            Err(_) => Outcome::drop(DropReason::Undecodable),
        }
    }

    fn community(
        &mut self,
        datagram: &[u8],
        msg: Message<'_>,
        mut n: Notification,
        now: Instant,
    ) -> Outcome {
        let accepted = self
            .communities
            .iter()
            .find(|c| ***c == *msg.community)
            .cloned();
        n.version = msg.version;
        match (msg.version, msg.pdu) {
            (Version::V1, Pdu::TrapV1(t)) => {
                let Some(community) = accepted else {
                    return Outcome::drop(DropReason::BadCommunity);
                };
                let v4 = match n.source.ip() {
                    IpAddr::V4(a) => Some(a),
                    IpAddr::V6(a) => a.to_ipv4_mapped(),
                };
                let (vbs, info) = v1_to_v2(t, &msg.community, v4);
                let (uptime, trap_oid) = uptime_and_trap_oid(&vbs);
                n.uptime = uptime;
                n.trap_oid = trap_oid;
                n.varbinds = vbs;
                n.v1 = Some(info);
                n.security = Security::Community(community);
                deliver(n)
            }
            (Version::V2c, pdu @ (Pdu::SnmpV2Trap(_) | Pdu::InformRequest(_))) => {
                let Some(community) = accepted else {
                    return Outcome::drop(DropReason::BadCommunity);
                };
                n.security = Security::Community(community);
                let inform = matches!(pdu, Pdu::InformRequest(_));
                let (Pdu::SnmpV2Trap(g) | Pdu::InformRequest(g)) = pdu else {
                    return Outcome::drop(DropReason::NotNotification);
                };
                let reply = inform.then(|| {
                    patched_response(datagram, &g).unwrap_or_else(|| {
                        Message {
                            version: Version::V2c,
                            community: Cow::Borrowed(&*msg.community),
                            pdu: response_to(&g),
                        }
                        .to_bytes()
                    })
                });
                self.fill(&mut n, g, inform);
                self.finish(n, reply, now)
            }
            _ => Outcome::drop(DropReason::NotNotification),
        }
    }

    /// Fills the v2 fields of `n` from the PDU.
    fn fill(&mut self, n: &mut Notification, g: GenericPdu<'_>, inform: bool) {
        n.kind = if inform { Kind::Inform } else { Kind::Trap };
        n.request_id = Some(g.request_id);
        n.varbinds = g.varbinds.into_iter().map(|v| v.into_owned()).collect();
        let (uptime, trap_oid) = uptime_and_trap_oid(&n.varbinds);
        n.uptime = uptime;
        n.trap_oid = trap_oid;
    }

    /// Delivers `n` (with `reply` for an inform) unless it is a retransmitted inform.
    fn finish(&mut self, n: Notification, reply: Option<Vec<u8>>, now: Instant) -> Outcome {
        if n.kind == Kind::Inform {
            self.counters.informs += 1;
            let content = content_hash(&n);
            if self
                .dedup
                .is_duplicate(n.source, n.request_id.unwrap_or_default(), content, now)
            {
                self.counters.informs -= 1;
                self.counters.duplicates += 1;
                return Outcome {
                    reply,
                    ..Outcome::default()
                };
            }
        }
        Outcome {
            notification: Some(n),
            reply,
            dropped: None,
        }
    }

    fn v3(&mut self, datagram: &[u8], n: Notification, now: Instant) -> Outcome {
        let Ok((head, _)) = Head::read(datagram) else {
            return Outcome::drop(DropReason::Undecodable);
        };
        let ours = self
            .engine
            .as_ref()
            .is_some_and(|e| e.engine_id() == &*head.usm.engine_id);
        if ours || head.flags.reportable() || head.usm.engine_id.is_empty() {
            self.v3_authoritative(datagram, n, now)
        } else {
            self.v3_trap(datagram, &head, n, now)
        }
    }

    /// An SNMPv3 trap: the sender is authoritative.
    fn v3_trap(
        &mut self,
        datagram: &[u8],
        head: &Head<'_>,
        mut n: Notification,
        now: Instant,
    ) -> Outcome {
        let engine_id = head.usm.engine_id.to_vec();
        if !self.sender_engines.contains(&engine_id) {
            return Outcome::drop(DropReason::UnknownEngineId);
        }
        let Some(user) = self
            .trap_users
            .get(&(engine_id.clone(), head.usm.user_name.to_vec()))
        else {
            return Outcome::drop(DropReason::UnknownUser);
        };
        if head.level > user.level {
            return Outcome::drop(DropReason::UnsupportedLevel);
        }
        if head.level.auth() {
            let ok = user
                .keys
                .auth
                .as_ref()
                .is_some_and(|k| v3::check(datagram, head, k));
            if !ok {
                return Outcome::drop(DropReason::WrongDigest);
            }
            let (boots, time) = (head.usm.boots, head.usm.time);
            let clock = self
                .clocks
                .entry(engine_id.clone())
                .or_insert_with(|| EngineRecord::discovered(engine_id.clone(), boots, time, now));
            if !clock.receive_authenticated(boots, time, now) {
                return Outcome::drop(DropReason::NotInTimeWindow);
            }
        }
        let opened = match v3::open_checked(datagram, &user.keys) {
            Ok(o) => o,
            Err(v3::Error::Decryption(_)) => return Outcome::drop(DropReason::Decryption),
            Err(_) => return Outcome::drop(DropReason::Undecodable),
        };
        let Pdu::SnmpV2Trap(g) = opened.scoped.pdu else {
            return Outcome::drop(DropReason::NotNotification);
        };
        n.version = Version::V3;
        n.security = Security::User {
            name: String::from_utf8_lossy(&head.usm.user_name).into_owned(),
            engine_id,
            level: head.level,
        };
        self.fill(&mut n, g, false);
        self.finish(n, None, now)
    }

    /// An SNMPv3 message to this receiver's own engine: an inform, or discovery.
    fn v3_authoritative(&mut self, datagram: &[u8], mut n: Notification, now: Instant) -> Outcome {
        let Some(engine) = &mut self.engine else {
            return Outcome::drop(DropReason::UnknownUser);
        };
        let before = STATS.map(|s| engine.stat(s));
        let request = match engine.process_at(datagram, now) {
            Incoming::Request(r) => r,
            other => {
                let after = STATS.map(|s| engine.stat(s));
                let reason = STATS
                    .iter()
                    .zip(before.iter().zip(after))
                    .find(|(_, (b, a))| *b != a)
                    .map(|(s, _)| *s);
                let reason = match reason {
                    // Discovery: not a failure of the sender.
                    Some(Stat::UnknownEngineIds) if n_empty_engine(datagram) => None,
                    Some(Stat::UnknownEngineIds) => Some(DropReason::UnknownEngineId),
                    Some(Stat::UnknownUserNames) => Some(DropReason::UnknownUser),
                    Some(Stat::UnsupportedSecLevels) => Some(DropReason::UnsupportedLevel),
                    Some(Stat::WrongDigests) => Some(DropReason::WrongDigest),
                    Some(Stat::NotInTimeWindows) => Some(DropReason::NotInTimeWindow),
                    Some(Stat::DecryptionErrors) => Some(DropReason::Decryption),
                    // An unknown context (reported) or an undecodable message.
                    None => {
                        (!matches!(other, Incoming::Report(_))).then_some(DropReason::Undecodable)
                    }
                };
                let reply = match other {
                    Incoming::Report(r) => {
                        self.counters.reports += 1;
                        Some(r)
                    }
                    _ => None,
                };
                return Outcome {
                    notification: None,
                    reply,
                    dropped: reason,
                };
            }
        };
        let (inform, g) = match &request.scoped.pdu {
            Pdu::InformRequest(g) => (true, g.clone()),
            // A trap sent with the receiver's engine id: authenticated just the same.
            Pdu::SnmpV2Trap(g) => (false, g.clone()),
            _ => return Outcome::drop(DropReason::NotNotification),
        };
        let reply = if inform {
            engine.seal_response_at(&request, request.msg_id, &response_to(&g), now)
        } else {
            None
        };
        n.version = Version::V3;
        n.security = Security::User {
            name: String::from_utf8_lossy(&request.user_name).into_owned(),
            engine_id: engine.engine_id().to_vec(),
            level: request.level,
        };
        self.fill(&mut n, g, inform);
        self.finish(n, reply, now)
    }
}

/// The usmStats counters, in the order their failures are told apart.
const STATS: [Stat; 6] = [
    Stat::UnknownEngineIds,
    Stat::UnknownUserNames,
    Stat::UnsupportedSecLevels,
    Stat::WrongDigests,
    Stat::NotInTimeWindows,
    Stat::DecryptionErrors,
];

/// Whether the message's msgAuthoritativeEngineID is empty (a discovery probe).
fn n_empty_engine(datagram: &[u8]) -> bool {
    Head::read(datagram).is_ok_and(|(h, _)| h.usm.engine_id.is_empty())
}

fn deliver(n: Notification) -> Outcome {
    Outcome {
        notification: Some(n),
        reply: None,
        dropped: None,
    }
}

/// The Response to an inform: same request-id and varbinds, noError (RFC 3416 §4.2.7).
fn response_to<'a>(g: &GenericPdu<'a>) -> Pdu<'a> {
    Pdu::Response(GenericPdu {
        request_id: g.request_id,
        varbinds: g.varbinds.clone(),
        ..GenericPdu::default()
    })
}

/// The Response to a v2c inform made from the request's own bytes: the same message with the
/// PDU tag changed to GetResponse-PDU. Only when that is exactly the Response to send: the
/// request's error-status and error-index are zero (RFC 3416 §4.2.7 wants noError and 0);
/// `None` otherwise (the Response is then encoded).
fn patched_response(datagram: &[u8], g: &GenericPdu<'_>) -> Option<Vec<u8>> {
    if g.error_status != pdu::ErrorStatus::NoError || g.error_index != 0 {
        return None;
    }
    let mut r = crate::ber::Reader::new(datagram);
    let mut m = r.read_constructed(crate::ber::tag::SEQUENCE).ok()?;
    m.read_i32(crate::ber::tag::INTEGER).ok()?;
    m.read_primitive(crate::ber::tag::OCTET_STRING).ok()?;
    let at = m.offset();
    if datagram.get(at) != Some(&(PduType::InformRequest as u8)) {
        return None;
    }
    let mut reply = datagram.to_vec();
    reply[at] = PduType::Response as u8;
    Some(reply)
}

/// A hash of an inform's varbinds, to recognise a retransmission.
fn content_hash(n: &Notification) -> u64 {
    let mut h = DefaultHasher::new();
    n.varbinds.hash(&mut h);
    h.finish()
}
