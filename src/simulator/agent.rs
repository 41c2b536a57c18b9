//! Simulated SNMP agents (v1, v2c and, with USM users, SNMPv3): a MIB held in memory
//! ([`Store`]), the pure request → response logic ([`Responder`], with optional [`Faults`] for
//! tests), an authoritative SNMPv3 engine ([`usm::AgentEngine`], RFC 3414 §3.2 as an agent),
//! and a UDP server for one or many agents ([`server`]).
//!
//! SNMPv3: [`Responder::with_v3`] gives an agent an engine (engine id, boots, time, users); it
//! then answers discovery, reports unknown engine ids and users, unsupported levels, wrong
//! digests, stale time windows and decryption errors (usmStats, which it also serves), and
//! answers the PDUs of authenticated requests exactly as it answers v2c ones. Without an
//! engine, SNMPv3 datagrams are dropped, and v1/v2c cost the same either way.
//!
//! The responder answers GET, GETNEXT, GETBULK and SET as RFC 3416 §4.2 says (noSuchObject /
//! noSuchInstance / endOfMibView in v2c; noSuchName in v1; tooBig when the response would not fit
//! the maximum message size), and can misbehave on purpose: drop, delay, duplicate, answer with a
//! wrong request id, from another port, with garbage, or with OIDs that do not increase.

pub mod numeric;
pub mod server;
pub mod snmprec;
mod store;
pub mod usm;

use std::borrow::Cow;
use std::time::{Duration, Instant};

pub use store::Store;

use crate::pdu::{ErrorStatus, GenericPdu, Message, Pdu, Value, VarBind, Version};

/// Starts the demo device (`etc/demo.snmprec`, community `public`) on a free loopback port:
/// what the examples and the embedded default query when no agent is given.
///
/// # Errors
/// When no loopback socket can be bound.
pub fn spawn_demo() -> std::io::Result<server::AgentHandle> {
    let bind = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    server::spawn(bind, Responder::new(snmprec::demo(), "public"))
}

/// Largest response the simulated agent sends (an Ethernet-sized datagram, like many devices).
pub const MAX_RESPONSE_SIZE: usize = 1472;

/// Faults a simulated agent can be told to commit, for tests.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Faults {
    /// Drop the first N requests.
    pub drop_first: u32,
    /// Drop this fraction of requests (0.0..=1.0), from a seeded generator.
    pub drop_rate: f64,
    /// Seed of the drop generator.
    pub seed: u64,
    /// Answer after this delay.
    pub delay: Duration,
    /// Send every answer twice.
    pub duplicate: bool,
    /// Answer with request-id + 1.
    pub wrong_request_id: bool,
    /// Answer from another UDP port.
    pub other_port: bool,
    /// Send a garbage datagram before each answer.
    pub garbage_first: bool,
    /// Answer tooBig when a request has more varbinds than this.
    pub too_big_above: Option<usize>,
    /// Return OIDs that do not increase in GETNEXT/GETBULK answers (a looping agent).
    pub non_increasing: bool,
    /// Never answer at all.
    pub silent: bool,
}

/// What the server should do with one request.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Reply {
    /// Datagrams to send back, in order (empty: drop the request).
    pub datagrams: Vec<Vec<u8>>,
    /// Send them from another port.
    pub other_port: bool,
    /// Wait this long first.
    pub delay: Duration,
}

/// One simulated agent: its data, community and faults.
#[derive(Debug, Clone)]
pub struct Responder {
    /// The MIB.
    pub store: Store,
    /// Accepted community (read-write).
    pub community: Vec<u8>,
    /// Misbehaviour.
    pub faults: Faults,
    /// The SNMPv3 engine, when the agent has USM users.
    v3: Option<Box<usm::AgentEngine>>,
    requests: u64,
    rng: u64,
    /// When the agent started: living values ([`numeric`]) move from here.
    started: Instant,
    /// Time since `started` of the request being answered (set by [`Responder::handle_at`]).
    now: Duration,
}

impl Responder {
    /// An agent over `store` answering community `community`.
    #[must_use]
    pub fn new(store: Store, community: &str) -> Self {
        Self {
            store,
            community: community.as_bytes().to_vec(),
            faults: Faults::default(),
            v3: None,
            requests: 0,
            rng: 0,
            started: Instant::now(),
            now: Duration::ZERO,
        }
    }

    /// With an SNMPv3 engine: the agent answers SNMPv3 as well.
    #[must_use]
    pub fn with_v3(mut self, engine: usm::AgentEngine) -> Self {
        self.set_v3(Some(engine));
        self
    }

    /// Sets or removes the SNMPv3 engine.
    pub fn set_v3(&mut self, engine: Option<usm::AgentEngine>) {
        self.v3 = engine.map(Box::new);
    }

    /// The SNMPv3 engine, if any (its counters, engine id, clock).
    #[must_use]
    pub fn v3(&self) -> Option<&usm::AgentEngine> {
        self.v3.as_deref()
    }

    /// The SNMPv3 engine, if any, to change (its clock, for tests).
    pub fn v3_mut(&mut self) -> Option<&mut usm::AgentEngine> {
        self.v3.as_deref_mut()
    }

    /// With these faults.
    #[must_use]
    pub fn with_faults(mut self, faults: Faults) -> Self {
        self.set_faults(faults);
        self
    }

    /// Replaces the faults (and restarts the drop generator from their seed).
    pub fn set_faults(&mut self, faults: Faults) {
        self.rng = faults.seed ^ 0x9e37_79b9_7f4a_7c15;
        self.faults = faults;
    }

    /// Requests seen so far (answered or not).
    #[must_use]
    pub fn requests(&self) -> u64 {
        self.requests
    }

    fn next_random(&mut self) -> f64 {
        // xorshift64*: a small seeded generator, reproducible in tests.
        self.rng ^= self.rng >> 12;
        self.rng ^= self.rng << 25;
        self.rng ^= self.rng >> 27;
        let v = self.rng.wrapping_mul(0x2545_f491_4f6c_dd1d);
        #[allow(clippy::cast_precision_loss)]
        let f = (v >> 11) as f64 / (1u64 << 53) as f64;
        f
    }

    /// Handles one request datagram, living values as they are now.
    pub fn handle(&mut self, request: &[u8]) -> Reply {
        let elapsed = self.started.elapsed();
        self.handle_at(request, elapsed)
    }

    /// Handles one request datagram `elapsed` after the agent started (living values are a
    /// function of it, so tests can pass any time in).
    pub fn handle_at(&mut self, request: &[u8], elapsed: Duration) -> Reply {
        self.now = elapsed;
        self.requests += 1;
        let mut reply = Reply {
            delay: self.faults.delay,
            other_port: self.faults.other_port,
            ..Reply::default()
        };
        if self.faults.silent || self.requests <= u64::from(self.faults.drop_first) {
            return reply;
        }
        if self.faults.drop_rate > 0.0 && self.next_random() < self.faults.drop_rate {
            return reply;
        }
        let msg = match Message::decode(request) {
            Ok(msg) => msg,
            Err(crate::pdu::Error::Version3 { .. }) if self.v3.is_some() => {
                return self.handle_v3(request, reply);
            }
            // RFC 3412: undecodable messages are dropped silently (and counted)
            Err(_) => return reply,
        };
        if *msg.community != *self.community {
            return reply; // bad community: silently dropped, like net-snmp
        }
        let Some(mut pdu) = self.answer(msg.version, &msg.pdu) else {
            return reply;
        };
        if self.faults.wrong_request_id {
            let id = pdu.request_id.wrapping_add(1);
            pdu.request_id = id;
        }
        let out = Message {
            version: msg.version,
            community: Cow::Borrowed(&msg.community),
            pdu: Pdu::Response(pdu),
        }
        .to_bytes();
        self.push(&mut reply, out);
        reply
    }

    /// An SNMPv3 request: security processing by the engine, then the PDU answered as in
    /// v2c and sealed at the request's level.
    fn handle_v3(&mut self, request: &[u8], mut reply: Reply) -> Reply {
        let Some(engine) = self.v3.as_deref_mut() else {
            return reply;
        };
        let req = match engine.process(request) {
            usm::Incoming::Drop => return reply,
            usm::Incoming::Report(out) => {
                reply.datagrams.push(out);
                return reply;
            }
            usm::Incoming::Request(req) => req,
        };
        let Some(mut pdu) = self.answer(Version::V2c, &req.scoped.pdu) else {
            return reply;
        };
        let mut msg_id = req.msg_id;
        if self.faults.wrong_request_id {
            pdu.request_id = pdu.request_id.wrapping_add(1);
            msg_id = msg_id.wrapping_add(1) & i32::MAX;
        }
        let Some(engine) = self.v3.as_deref_mut() else {
            return reply;
        };
        let Some(out) = engine.seal_response(&req, msg_id, &Pdu::Response(pdu)) else {
            return reply;
        };
        self.push(&mut reply, out);
        reply
    }

    /// Adds the answer `out` to `reply`, with the garbage and duplicate faults.
    fn push(&self, reply: &mut Reply, out: Vec<u8>) {
        if self.faults.garbage_first {
            reply.datagrams.push(vec![0x30, 0x03, 0x02, 0x01]);
        }
        if self.faults.duplicate {
            reply.datagrams.push(out.clone());
        }
        reply.datagrams.push(out);
    }

    fn answer(&mut self, version: Version, pdu: &Pdu<'_>) -> Option<GenericPdu<'static>> {
        let v1 = version == Version::V1;
        let (request_id, vbs_in, bulk) = match pdu {
            Pdu::GetRequest(p) | Pdu::GetNextRequest(p) | Pdu::SetRequest(p) => {
                (p.request_id, &p.varbinds, None)
            }
            Pdu::GetBulkRequest(b) if !v1 => (
                b.request_id,
                &b.varbinds,
                Some((b.non_repeaters, b.max_repetitions)),
            ),
            _ => return None,
        };
        let mut resp = GenericPdu {
            request_id,
            ..GenericPdu::default()
        };
        if let Some(limit) = self.faults.too_big_above
            && (vbs_in.len() > limit
                || bulk.is_some_and(|(_, m)| usize::try_from(m).unwrap_or(0) > limit))
        {
            resp.error_status = ErrorStatus::TooBig;
            return Some(resp);
        }
        let error = |resp: &mut GenericPdu<'static>, status, i: usize, vbs: &[VarBind<'_>]| {
            resp.error_status = status;
            resp.error_index = i32::try_from(i + 1).unwrap_or(i32::MAX);
            resp.varbinds = vbs.iter().map(|vb| vb.clone().into_owned()).collect();
        };
        match pdu {
            Pdu::GetRequest(_) => {
                for (i, vb) in vbs_in.iter().enumerate() {
                    // v1 cannot carry Counter64: noSuchName (RFC 3584 §4.2.2.1).
                    let own = self.v3.as_deref().and_then(|e| e.get(&vb.oid));
                    let value = own
                        .or_else(|| {
                            let v = self.store.get(&vb.oid)?;
                            Some(self.store.value_at(&vb.oid, v, self.now))
                        })
                        .filter(|v| !(v1 && matches!(v, Value::Counter64(_))));
                    match value {
                        Some(v) => resp.varbinds.push(VarBind::new(vb.oid.clone(), v)),
                        None if v1 => {
                            error(&mut resp, ErrorStatus::NoSuchName, i, vbs_in);
                            break;
                        }
                        None => resp
                            .varbinds
                            .push(VarBind::new(vb.oid.clone(), self.store.missing(&vb.oid))),
                    }
                }
            }
            Pdu::GetNextRequest(_) => {
                for (i, vb) in vbs_in.iter().enumerate() {
                    match self.next(&vb.oid, v1) {
                        Some(next) => resp.varbinds.push(next),
                        None if v1 => {
                            error(&mut resp, ErrorStatus::NoSuchName, i, vbs_in);
                            break;
                        }
                        None => resp
                            .varbinds
                            .push(VarBind::new(vb.oid.clone(), Value::EndOfMibView)),
                    }
                }
            }
            Pdu::GetBulkRequest(_) => {
                let (n, m) = bulk.unwrap_or((0, 0));
                let n = usize::try_from(n.max(0)).unwrap_or(0).min(vbs_in.len());
                let m = usize::try_from(m.max(0)).unwrap_or(0);
                let mut size = 64;
                for vb in &vbs_in[..n] {
                    let r = self
                        .next(&vb.oid, false)
                        .unwrap_or_else(|| VarBind::new(vb.oid.clone(), Value::EndOfMibView));
                    size += r.encoded_len();
                    resp.varbinds.push(r);
                }
                let mut cursors: Vec<crate::oid::Oid> =
                    vbs_in[n..].iter().map(|vb| vb.oid.clone()).collect();
                'rep: for _ in 0..m {
                    let mut all_end = true;
                    for c in &mut cursors {
                        let r = self
                            .next(c, false)
                            .unwrap_or_else(|| VarBind::new(c.clone(), Value::EndOfMibView));
                        if r.value != Value::EndOfMibView {
                            all_end = false;
                        }
                        size += r.encoded_len();
                        if size > MAX_RESPONSE_SIZE {
                            break 'rep; // RFC 3416 §4.2.3: return fewer repetitions
                        }
                        c.clone_from(&r.oid);
                        resp.varbinds.push(r);
                    }
                    if all_end {
                        break;
                    }
                }
            }
            Pdu::SetRequest(_) => {
                for (i, vb) in vbs_in.iter().enumerate() {
                    let status = match self.store.get(&vb.oid) {
                        None if v1 => Some(ErrorStatus::NoSuchName),
                        None => Some(ErrorStatus::NoCreation),
                        Some(old)
                            if std::mem::discriminant(old) != std::mem::discriminant(&vb.value) =>
                        {
                            Some(if v1 {
                                ErrorStatus::BadValue
                            } else {
                                ErrorStatus::WrongType
                            })
                        }
                        Some(_) if self.store.is_read_only(&vb.oid) => Some(if v1 {
                            ErrorStatus::NoSuchName
                        } else {
                            ErrorStatus::NotWritable
                        }),
                        Some(_) => None,
                    };
                    if let Some(s) = status {
                        error(&mut resp, s, i, vbs_in);
                        return Some(resp);
                    }
                }
                for vb in vbs_in {
                    self.store
                        .insert(vb.oid.clone(), vb.value.clone().into_owned());
                }
                resp.varbinds = vbs_in.iter().map(|vb| vb.clone().into_owned()).collect();
            }
            _ => return None,
        }
        if resp.encoded_len_estimate() > MAX_RESPONSE_SIZE && bulk.is_none() {
            return Some(GenericPdu {
                request_id,
                error_status: ErrorStatus::TooBig,
                ..GenericPdu::default()
            });
        }
        Some(resp)
    }

    /// The object after `oid`; in v1, Counter64 objects are skipped (RFC 3584 §4.2.2.1), as
    /// snmpd does.
    fn next(&self, oid: &crate::oid::Oid, v1: bool) -> Option<VarBind<'static>> {
        if self.faults.non_increasing {
            // Answer with the first OID of the MIB again and again: a looping agent.
            return self
                .store
                .first()
                .map(|(o, v)| VarBind::new(o.clone(), self.store.value_at(o, v, self.now)));
        }
        let stored = self
            .store
            .after(oid)
            .find(|(_, v)| !(v1 && matches!(v, Value::Counter64(_))))
            .map(|(o, v)| VarBind::new(o.clone(), self.store.value_at(o, v, self.now)));
        // The engine's own objects (snmpEngine, usmStats) take the place of stored ones.
        let Some(own) = self.v3.as_deref().and_then(|e| e.after(oid)) else {
            return stored;
        };
        match stored {
            Some(s) if s.oid < own.oid => Some(s),
            _ => Some(own),
        }
    }
}

impl GenericPdu<'_> {
    /// A close upper bound of the encoded response size.
    fn encoded_len_estimate(&self) -> usize {
        64 + crate::pdu::list_content_len(&self.varbinds)
    }
}

#[cfg(test)]
mod tests;
