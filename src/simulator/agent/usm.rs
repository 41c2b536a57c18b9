//! The SNMPv3 side of a simulated agent: an authoritative engine (engine id, snmpEngineBoots,
//! snmpEngineTime), its USM users with keys localised to that engine id once, and the
//! incoming-message processing of RFC 3412 §7.2 and RFC 3414 §3.2 as an agent does it.
//!
//! [`AgentEngine::process`] takes one SNMPv3 datagram and says what to do with it
//! ([`Incoming`]): answer its PDU (the responder then calls [`AgentEngine::seal_response`]),
//! send a Report, or drop it. The checks, in the RFC's order:
//!
//! 1. the header reads ([`Head::read`]); otherwise the message is dropped;
//! 2. msgAuthoritativeEngineID is this engine's; otherwise (discovery sends it empty)
//!    usmStatsUnknownEngineIDs, reported at noAuthNoPriv with the engine id, boots and time;
//! 3. the user exists: usmStatsUnknownUserNames;
//! 4. the user has keys for the message's level: usmStatsUnsupportedSecLevels;
//! 5. the HMAC verifies: usmStatsWrongDigests;
//! 6. boots equal and time within 150 s of the engine's: usmStatsNotInTimeWindows, reported
//!    **authenticated** (authNoPriv) so the manager can trust the boots and time it carries;
//! 7. the scopedPDU decrypts: usmStatsDecryptionErrors;
//! 8. the context name is empty (the only context served): snmpUnknownContexts.
//!
//! Every failure counts in its usmStats counter (which the agent also answers GETs of, with the
//! snmpEngine group); a Report goes out only when the request had the reportable flag.
//! Responses are sealed at the request's level with its msgID, this engine's boots and time, and
//! a fresh salt. Pass phrases and keys never show in `Debug` ([`UserKeys`] redacts them).

use std::borrow::Cow;
use std::time::Instant;

use crate::oid::Oid;
use crate::pdu::{GenericPdu, Pdu, Value, VarBind};
use crate::usm::{KeyCache, SecurityLevel, User, UserError, UserKeys};
use crate::v3::{
    self, Flags, Head, MAX_BOOTS, MAX_MESSAGE_SIZE, Outgoing, Rest, Salt, ScopedPdu, TIME_WINDOW,
    USM_STATS,
};

/// snmpEngineBoots when none is given.
pub const DEFAULT_BOOTS: u32 = 1;
/// The prefix of default engine ids: RFC 3411 format 4 (text) under net-snmp's enterprise
/// number 8072, as `snmpd` makes them.
const ENGINE_ID_PREFIX: [u8; 5] = [0x80, 0x00, 0x1f, 0x88, 0x04];

/// snmpEngine (RFC 3411 §5): snmpEngineID, Boots, Time, MaxMessageSize.
const SNMP_ENGINE: [u32; 9] = [1, 3, 6, 1, 6, 3, 10, 2, 1];

/// A usmStats counter, by its arc under usmStats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum Stat {
    /// usmStatsUnsupportedSecLevels.
    UnsupportedSecLevels = 1,
    /// usmStatsNotInTimeWindows.
    NotInTimeWindows = 2,
    /// usmStatsUnknownUserNames.
    UnknownUserNames = 3,
    /// usmStatsUnknownEngineIDs.
    UnknownEngineIds = 4,
    /// usmStatsWrongDigests.
    WrongDigests = 5,
    /// usmStatsDecryptionErrors.
    DecryptionErrors = 6,
}

impl Stat {
    /// The counter's instance OID (`1.3.6.1.6.3.15.1.1.N.0`).
    #[must_use]
    pub fn oid(self) -> Oid {
        let mut arcs = USM_STATS.to_vec();
        arcs.extend([self as u32, 0]);
        oid_of(&arcs)
    }
}

/// An OID from constant arcs (all start 1.3.6.1, so valid).
fn oid_of(arcs: &[u32]) -> Oid {
    Oid::from_valid(arcs.into())
}

/// One user as the agent holds it: name, the levels it may use, its localised keys.
#[derive(Debug, Clone)]
struct AgentUser {
    name: Vec<u8>,
    /// The highest level the user has keys for.
    level: SecurityLevel,
    keys: UserKeys,
}

/// What [`AgentEngine::process`] decided about one datagram.
#[derive(Debug)]
pub enum Incoming {
    /// Nothing to send (undecodable, or a failure without the reportable flag).
    Drop,
    /// A Report, sealed.
    Report(Vec<u8>),
    /// A request that passed every check: answer its PDU, then seal with [`Request`].
    Request(Request),
}

/// An authenticated (or noAuthNoPriv) request, opened: what its answer needs.
#[derive(Debug)]
pub struct Request {
    /// msgID, echoed.
    pub msg_id: i32,
    /// The request's level, which the answer keeps.
    pub level: SecurityLevel,
    /// Index of the user in the engine.
    user: usize,
    /// The user's name (msgUserName).
    pub user_name: Vec<u8>,
    /// The scopedPDU.
    pub scoped: ScopedPdu<'static>,
}

/// An authoritative SNMPv3 engine with its users. `Debug` never shows a key.
#[derive(Debug, Clone)]
pub struct AgentEngine {
    engine_id: Vec<u8>,
    boots: u32,
    started: Instant,
    users: Vec<AgentUser>,
    stats: [u32; 6],
    salt: Salt,
}

/// The default engine id of the agent on UDP port `port`: `80 00 1f 88 04` and the text
/// `snmpact-PORT`, so every simulated agent of a process has its own.
///
/// ```
/// let id = snmpact::simulator::agent::usm::default_engine_id(16100);
/// assert_eq!(&id[..5], &[0x80, 0x00, 0x1f, 0x88, 0x04]);
/// assert_eq!(&id[5..], b"snmpact-16100");
/// ```
#[must_use]
pub fn default_engine_id(port: u16) -> Vec<u8> {
    let mut id = ENGINE_ID_PREFIX.to_vec();
    id.extend_from_slice(format!("snmpact-{port}").as_bytes());
    id
}

impl AgentEngine {
    /// An engine `engine_id` that booted `boots` times and starts its clock now, serving
    /// `users` (their keys localised to `engine_id` through `cache`, so agents sharing users
    /// hash each pass phrase once). A user's `level` is the highest it may use; lower levels
    /// are accepted too, as snmpd's `rouser NAME priv` does.
    ///
    /// # Errors
    /// A user without the keys its level needs, a short pass phrase, or an engine id longer
    /// than 32 octets or empty (reported as [`UserError::Key`]).
    pub fn new(
        engine_id: Vec<u8>,
        boots: u32,
        users: &[User],
        cache: &mut KeyCache,
    ) -> Result<Self, UserError> {
        if engine_id.is_empty() || engine_id.len() > v3::MAX_ENGINE_ID {
            return Err(UserError::Key(crate::usm::Error::KeyLength {
                expected: v3::MAX_ENGINE_ID,
                actual: engine_id.len(),
            }));
        }
        let users = users
            .iter()
            .map(|u| {
                u.validate()?;
                Ok(AgentUser {
                    name: u.name.as_bytes().to_vec(),
                    level: u.level,
                    keys: u.keys(&engine_id, cache)?,
                })
            })
            .collect::<Result<Vec<_>, UserError>>()?;
        Ok(Self {
            engine_id,
            boots,
            started: Instant::now(),
            users,
            stats: [0; 6],
            salt: Salt::random(),
        })
    }

    /// The engine id.
    #[must_use]
    pub fn engine_id(&self) -> &[u8] {
        &self.engine_id
    }

    /// snmpEngineBoots and snmpEngineTime (seconds since the engine started) at `now`.
    #[must_use]
    pub fn boots_and_time(&self, now: Instant) -> (u32, u32) {
        let t = now.saturating_duration_since(self.started).as_secs();
        (self.boots, u32::try_from(t).unwrap_or(MAX_BOOTS))
    }

    /// Moves the engine's clock start (for tests of the time window).
    pub fn set_started(&mut self, started: Instant) {
        self.started = started;
    }

    /// A usmStats counter's value.
    #[must_use]
    pub fn stat(&self, stat: Stat) -> u32 {
        self.stats[stat as usize - 1]
    }

    fn count(&mut self, stat: Stat) -> u32 {
        let c = &mut self.stats[stat as usize - 1];
        *c = c.wrapping_add(1);
        *c
    }

    /// Security processing of one SNMPv3 datagram (see the module documentation).
    pub fn process(&mut self, buf: &[u8]) -> Incoming {
        self.process_at(buf, Instant::now())
    }

    /// [`AgentEngine::process`] with the clock passed in: the notification receiver
    /// ([`crate::notification`]) is the authoritative engine of the informs it gets, with the
    /// same checks, and keeps its time in its caller's hands.
    pub fn process_at(&mut self, buf: &[u8], now: Instant) -> Incoming {
        let Ok((head, rest)) = Head::read(buf) else {
            return Incoming::Drop; // snmpInvalidMsgs: dropped without a Report (RFC 3412 §7.2)
        };
        let level = head.level;
        if *head.usm.engine_id != *self.engine_id {
            return self.report(&head, rest, Stat::UnknownEngineIds, None, now);
        }
        let Some(ui) = self
            .users
            .iter()
            .position(|u| *u.name == *head.usm.user_name)
        else {
            return self.report(&head, rest, Stat::UnknownUserNames, None, now);
        };
        if level > self.users[ui].level {
            return self.report(&head, rest, Stat::UnsupportedSecLevels, None, now);
        }
        if level.auth() {
            let ok = self.users[ui]
                .keys
                .auth
                .as_ref()
                .is_some_and(|k| v3::check(buf, &head, k));
            if !ok {
                return self.report(&head, rest, Stat::WrongDigests, None, now);
            }
            let (boots, time) = self.boots_and_time(now);
            if boots == MAX_BOOTS
                || head.usm.boots != boots
                || head.usm.time.abs_diff(time) > TIME_WINDOW
            {
                return self.report(&head, rest, Stat::NotInTimeWindows, Some(ui), now);
            }
        }
        let opened = match v3::open_checked(buf, &self.users[ui].keys) {
            Ok(o) => o,
            Err(v3::Error::Decryption(_)) => {
                return self.report(&head, rest, Stat::DecryptionErrors, None, now);
            }
            Err(_) => return Incoming::Drop,
        };
        if !opened.scoped.context_name.is_empty() {
            if !head.flags.reportable() {
                return Incoming::Drop;
            }
            // snmpUnknownContexts is not a usmStats counter: it is reported, not kept.
            // snmpUnknownContexts.0 (RFC 3413 §4.1.2).
            let mut arcs = v3::TARGET_OBJECTS.to_vec();
            arcs.extend([5, 0]);
            let oid = oid_of(&arcs);
            let id = opened.scoped.pdu.request_id().unwrap_or(head.msg_id);
            let keys = self.users[ui].keys.clone();
            return self.seal_report(
                &head,
                level,
                &keys,
                id,
                &opened.scoped.context_name,
                VarBind::new(oid, Value::Counter32(1)),
                now,
            );
        }
        Incoming::Request(Request {
            msg_id: head.msg_id,
            level,
            user: ui,
            user_name: head.usm.user_name.to_vec(),
            scoped: opened.scoped,
        })
    }

    /// The Report of `stat` to the message `head`, when it is reportable: noAuthNoPriv, or
    /// authNoPriv with the keys of user `auth_user` (notInTimeWindow).
    fn report(
        &mut self,
        head: &Head<'_>,
        rest: Rest<'_>,
        stat: Stat,
        auth_user: Option<usize>,
        now: Instant,
    ) -> Incoming {
        let value = self.count(stat);
        tracing::debug!(
            report = ?stat,
            user = %String::from_utf8_lossy(&head.usm.user_name),
            "SNMPv3 request refused"
        );
        if !head.flags.reportable() {
            return Incoming::Drop;
        }
        // The request-id of a plaintext request; an encrypted one's is not readable here, and
        // the manager matches Reports by msgID anyway (RFC 3412 §7.1 step 3).
        let (id, context) = match rest {
            Rest::Plain(bytes) => ScopedPdu::decode(bytes).map_or((head.msg_id, Vec::new()), |s| {
                (
                    s.pdu.request_id().unwrap_or(head.msg_id),
                    s.context_name.into_owned(),
                )
            }),
            Rest::Encrypted(_) => (head.msg_id, Vec::new()),
        };
        let (level, keys) = match auth_user {
            Some(u) => (SecurityLevel::AuthNoPriv, self.users[u].keys.clone()),
            None => (
                SecurityLevel::NoAuthNoPriv,
                UserKeys {
                    auth: None,
                    privacy: None,
                },
            ),
        };
        let vb = VarBind::new(stat.oid(), Value::Counter32(value));
        self.seal_report(head, level, &keys, id, &context, vb, now)
    }

    #[allow(clippy::too_many_arguments)]
    fn seal_report(
        &mut self,
        head: &Head<'_>,
        level: SecurityLevel,
        keys: &UserKeys,
        request_id: i32,
        context: &[u8],
        vb: VarBind<'static>,
        now: Instant,
    ) -> Incoming {
        let pdu = Pdu::Report(GenericPdu {
            request_id,
            varbinds: vec![vb],
            ..GenericPdu::default()
        });
        let (boots, time) = self.boots_and_time(now);
        let out = Outgoing {
            msg_id: head.msg_id,
            max_size: MAX_MESSAGE_SIZE,
            flags: Flags::of(level, false),
            engine_id: &self.engine_id,
            boots,
            time,
            user_name: &head.usm.user_name,
            context_engine_id: &self.engine_id,
            context_name: context,
            pdu: &pdu,
        };
        let mut buf = Vec::new();
        match v3::seal(&out, keys, &mut self.salt, &mut buf) {
            Ok(()) => Incoming::Report(buf),
            Err(_) => Incoming::Drop,
        }
    }

    /// The answer `pdu` to `req`, sealed at the request's level with its msgID, this engine's
    /// boots and time and a fresh salt; `msg_id` may differ from the request's (a fault).
    #[must_use]
    pub fn seal_response(&mut self, req: &Request, msg_id: i32, pdu: &Pdu<'_>) -> Option<Vec<u8>> {
        self.seal_response_at(req, msg_id, pdu, Instant::now())
    }

    /// [`AgentEngine::seal_response`] with the clock passed in.
    #[must_use]
    pub fn seal_response_at(
        &mut self,
        req: &Request,
        msg_id: i32,
        pdu: &Pdu<'_>,
        now: Instant,
    ) -> Option<Vec<u8>> {
        let (boots, time) = self.boots_and_time(now);
        let user = &self.users[req.user];
        let out = Outgoing {
            msg_id,
            max_size: MAX_MESSAGE_SIZE,
            flags: Flags::of(req.level, false),
            engine_id: &self.engine_id,
            boots,
            time,
            user_name: &user.name,
            context_engine_id: &req.scoped.context_engine_id,
            context_name: &req.scoped.context_name,
            pdu,
        };
        let mut buf = Vec::with_capacity(160 + pdu.encoded_len());
        v3::seal(&out, &user.keys, &mut self.salt, &mut buf).ok()?;
        Some(buf)
    }

    /// The engine's own objects, if `oid` is one: snmpEngineID, snmpEngineBoots,
    /// snmpEngineTime, snmpEngineMaxMessageSize and the usmStats counters.
    #[must_use]
    pub fn get(&self, oid: &Oid) -> Option<Value<'static>> {
        let arcs = oid.arcs();
        let (base, rest) = arcs.split_at_checked(9)?;
        let [leaf, 0] = rest else {
            return None;
        };
        if base == SNMP_ENGINE {
            let (boots, time) = self.boots_and_time(Instant::now());
            return Some(match leaf {
                1 => Value::OctetString(Cow::Owned(self.engine_id.clone())),
                2 => Value::Integer(boots.cast_signed()),
                3 => Value::Integer(time.cast_signed()),
                4 => Value::Integer(MAX_MESSAGE_SIZE),
                _ => return None,
            });
        }
        if base == USM_STATS && (1..=6).contains(leaf) {
            return Some(Value::Counter32(self.stats[*leaf as usize - 1]));
        }
        None
    }

    /// The first of the engine's own objects after `oid`.
    #[must_use]
    pub fn after(&self, oid: &Oid) -> Option<VarBind<'static>> {
        let objects = (1..=4)
            .map(|l| (SNMP_ENGINE, l))
            .chain((1..=6).map(|l| (USM_STATS, l)));
        for (base, leaf) in objects {
            let mut arcs = base.to_vec();
            arcs.extend([leaf, 0]);
            let o = oid_of(&arcs);
            if o > *oid {
                let v = self.get(&o)?;
                return Some(VarBind::new(o, v));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests;
