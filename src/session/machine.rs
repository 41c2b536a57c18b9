//! The pure part of a session: the state machine of each operation ([`Op`]): splitting GETs, tooBig halving, v1 noSuchName, walks and their end and loop
//! checks. No actors, no sockets, no clock: the actor feeds responses in and carries requests out,
//! so all of this is tested without a runtime.

use smallvec::{SmallVec, smallvec};

use crate::oid::Oid;
use crate::pdu::{BulkPdu, ErrorStatus, GenericPdu, Message, Pdu, Value, VarBind, Version};

use crate::exchange::SnmpError;
pub use crate::exchange::{Backoff, RetryPolicy};

/// The request parameters an operation needs from its session.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// v1 or v2c.
    pub version: Version,
    /// Most OIDs in one request.
    pub max_oids: usize,
    /// max-repetitions for GETBULK walks.
    pub max_repetitions: u32,
}

/// How a walk asks for the next OIDs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WalkMode {
    /// GETBULK on v2c, GETNEXT on v1.
    #[default]
    Auto,
    /// Always GETNEXT.
    GetNext,
    /// Always GETBULK (fails on v1).
    GetBulk,
}

/// What an operation wants done next.
#[derive(Debug, Default)]
pub struct Outcome {
    /// PDUs to send, each with the part key the response must come back with (most outcomes
    /// send one: kept inline).
    pub sends: SmallVec<[(u32, Pdu<'static>); 1]>,
    /// Varbinds produced by a walk since the last outcome, in order.
    pub rows: Vec<VarBind<'static>>,
    /// The final answer, when the operation is over.
    pub done: Option<Result<Vec<VarBind<'static>>, SnmpError>>,
}

impl Outcome {
    fn fail(e: SnmpError) -> Self {
        Self {
            done: Some(Err(e)),
            ..Self::default()
        }
    }
}

/// GET or GETNEXT of a list of OIDs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GetKind {
    /// GetRequest.
    Get,
    /// GetNextRequest.
    GetNext,
}

/// One operation's state.
#[derive(Debug)]
pub enum Op {
    /// GET/GETNEXT, split into parts of at most `max_oids`.
    Get(GetOp),
    /// One GETBULK, retried with half the repetitions on tooBig.
    Bulk(BulkOp),
    /// One SET, never split (it must stay atomic).
    Set(SetOp),
    /// A subtree walk.
    Walk(Box<WalkOp>),
}

impl Op {
    /// The first requests.
    pub fn start(&mut self) -> Outcome {
        match self {
            Op::Get(o) => o.start(),
            Op::Bulk(o) => o.send(),
            Op::Set(o) => o.start(),
            Op::Walk(o) => o.next_request(),
        }
    }

    /// Feeds the answer to part `part`.
    pub fn on_response(&mut self, part: u32, msg: Message<'static>) -> Outcome {
        let Pdu::Response(resp) = msg.pdu else {
            return Outcome::fail(SnmpError::UnexpectedResponse("not a Response PDU"));
        };
        match self {
            Op::Get(o) => o.on_response(part, resp),
            Op::Bulk(o) => o.on_response(resp),
            Op::Set(o) => o.on_response(resp),
            Op::Walk(o) => o.on_response(resp),
        }
    }
}

fn agent_error(resp: &GenericPdu<'_>, asked: &[Oid]) -> SnmpError {
    let oid = usize::try_from(resp.error_index)
        .ok()
        .and_then(|i| i.checked_sub(1))
        .and_then(|i| asked.get(i).cloned());
    SnmpError::Agent {
        status: resp.error_status,
        index: resp.error_index,
        oid,
    }
}

fn generic(kind: GetKind, varbinds: Vec<VarBind<'static>>) -> Pdu<'static> {
    let g = GenericPdu {
        varbinds,
        ..GenericPdu::default()
    };
    match kind {
        GetKind::Get => Pdu::GetRequest(g),
        GetKind::GetNext => Pdu::GetNextRequest(g),
    }
}

/// State of a GET/GETNEXT.
#[derive(Debug)]
pub struct GetOp {
    kind: GetKind,
    version: Version,
    max_oids: usize,
    oids: Vec<Oid>,
    /// Answers gathered so far, by index into `oids`: made only when the answer comes in
    /// several pieces (several parts, tooBig, v1 noSuchName). A GET answered by one PDU hands
    /// that PDU's varbinds straight to the caller.
    results: Vec<Option<VarBind<'static>>>,
    /// Outstanding parts: part key -> indexes into `oids` (one part of a few OIDs, usually:
    /// inline).
    parts: SmallVec<[(u32, Indexes); 1]>,
    next_part: u32,
}

/// Indexes into a [`GetOp`]'s OIDs (inline up to four).
type Indexes = SmallVec<[usize; 4]>;

impl GetOp {
    /// A GET or GETNEXT of `oids`.
    #[must_use]
    pub fn new(kind: GetKind, oids: Vec<Oid>, limits: Limits) -> Self {
        Self {
            kind,
            version: limits.version,
            max_oids: limits.max_oids.max(1),
            oids,
            results: Vec::new(),
            parts: SmallVec::new(),
            next_part: 0,
        }
    }

    /// The answers gathered so far (made on first use).
    fn results(&mut self) -> &mut Vec<Option<VarBind<'static>>> {
        if self.results.is_empty() {
            self.results = vec![None; self.oids.len()];
        }
        &mut self.results
    }

    fn part(&mut self, idx: Indexes, out: &mut Outcome) {
        let key = self.next_part;
        self.next_part = self.next_part.wrapping_add(1);
        let vbs = idx
            .iter()
            .map(|&i| VarBind::null(self.oids[i].clone()))
            .collect();
        out.sends.push((key, generic(self.kind, vbs)));
        self.parts.push((key, idx));
    }

    fn start(&mut self) -> Outcome {
        let mut out = Outcome::default();
        if self.oids.is_empty() {
            out.done = Some(Err(SnmpError::InvalidRequest("no OIDs")));
            return out;
        }
        let n = self.oids.len();
        for start in (0..n).step_by(self.max_oids) {
            let end = (start + self.max_oids).min(n);
            self.part((start..end).collect(), &mut out);
        }
        out
    }

    fn on_response(&mut self, part: u32, resp: GenericPdu<'static>) -> Outcome {
        let mut out = Outcome::default();
        let Some(pos) = self.parts.iter().position(|(k, _)| *k == part) else {
            return out;
        };
        let (_, idx) = self.parts.swap_remove(pos);
        // Only an agent error names the OIDs asked.
        let asked = |op: &Self| -> Vec<Oid> { idx.iter().map(|&i| op.oids[i].clone()).collect() };
        match resp.error_status {
            ErrorStatus::NoError => {
                if resp.varbinds.len() != idx.len() {
                    return Outcome::fail(SnmpError::UnexpectedResponse(
                        "response has a different number of varbinds than the request",
                    ));
                }
                if self.results.is_empty() && self.parts.is_empty() && idx.len() == self.oids.len()
                {
                    // The one part asked for every OID, in order: its varbinds are the answer.
                    out.done = Some(Ok(resp.varbinds));
                    return out;
                }
                let results = self.results();
                for (&i, vb) in idx.iter().zip(resp.varbinds) {
                    results[i] = Some(vb);
                }
            }
            ErrorStatus::TooBig if idx.len() > 1 => {
                let (a, b) = idx.split_at(idx.len() / 2);
                let (a, b): (Indexes, Indexes) = (a.into(), b.into());
                self.part(a, &mut out);
                self.part(b, &mut out);
            }
            ErrorStatus::TooBig => return Outcome::fail(SnmpError::TooBig),
            ErrorStatus::NoSuchName if self.version == Version::V1 => {
                // SNMPv1 (RFC 1157 §4.1.2): the whole request failed because of one varbind.
                // Mark it missing and ask again for the rest.
                let Some(bad) = usize::try_from(resp.error_index)
                    .ok()
                    .and_then(|i| i.checked_sub(1))
                    .filter(|&i| i < idx.len())
                else {
                    return Outcome::fail(agent_error(&resp, &asked(self)));
                };
                let missing = match self.kind {
                    GetKind::Get => Value::NoSuchObject,
                    GetKind::GetNext => Value::EndOfMibView,
                };
                let i = idx[bad];
                let vb = VarBind::new(self.oids[i].clone(), missing);
                self.results()[i] = Some(vb);
                let rest: Indexes = idx.iter().copied().filter(|&j| j != i).collect();
                if !rest.is_empty() {
                    self.part(rest, &mut out);
                }
            }
            _ => return Outcome::fail(agent_error(&resp, &asked(self))),
        }
        if self.parts.is_empty() {
            let results = std::mem::take(&mut self.results);
            out.done = Some(
                results
                    .into_iter()
                    .map(|r| r.ok_or(SnmpError::UnexpectedResponse("missing varbind")))
                    .collect(),
            );
        }
        out
    }
}

/// State of a single GETBULK.
#[derive(Debug)]
pub struct BulkOp {
    oids: Vec<Oid>,
    non_repeaters: u32,
    max_repetitions: u32,
    version: Version,
}

impl BulkOp {
    /// A GETBULK of `oids` in a session of `version` (v1 has no GETBULK: it fails with
    /// [`SnmpError::NotInV1`] before anything is sent).
    #[must_use]
    pub fn new(oids: Vec<Oid>, non_repeaters: u32, max_repetitions: u32, version: Version) -> Self {
        Self {
            oids,
            non_repeaters,
            max_repetitions,
            version,
        }
    }

    fn send(&self) -> Outcome {
        if self.version == Version::V1 {
            return Outcome::fail(SnmpError::NotInV1("GETBULK"));
        }
        if self.oids.is_empty() {
            return Outcome::fail(SnmpError::InvalidRequest("no OIDs"));
        }
        Outcome {
            sends: smallvec![(
                0,
                bulk_pdu(&self.oids, self.non_repeaters, self.max_repetitions),
            )],
            ..Outcome::default()
        }
    }

    fn on_response(&mut self, resp: GenericPdu<'static>) -> Outcome {
        match resp.error_status {
            ErrorStatus::NoError => Outcome {
                done: Some(Ok(resp.varbinds)),
                ..Outcome::default()
            },
            ErrorStatus::TooBig if self.max_repetitions > 1 => {
                self.max_repetitions /= 2;
                self.send()
            }
            ErrorStatus::TooBig => Outcome::fail(SnmpError::TooBig),
            _ => Outcome::fail(agent_error(&resp, &self.oids)),
        }
    }
}

fn clamp_i32(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

fn bulk_pdu(oids: &[Oid], non_repeaters: u32, max_repetitions: u32) -> Pdu<'static> {
    Pdu::GetBulkRequest(BulkPdu {
        request_id: 0,
        non_repeaters: clamp_i32(non_repeaters),
        max_repetitions: clamp_i32(max_repetitions),
        varbinds: oids.iter().cloned().map(VarBind::null).collect(),
    })
}

/// State of a SET.
#[derive(Debug)]
pub struct SetOp {
    varbinds: Vec<VarBind<'static>>,
}

impl SetOp {
    /// A SET of `varbinds`, sent as one request.
    #[must_use]
    pub fn new(varbinds: Vec<VarBind<'static>>) -> Self {
        Self { varbinds }
    }

    fn start(&self) -> Outcome {
        if self.varbinds.is_empty() {
            return Outcome::fail(SnmpError::InvalidRequest("no varbinds"));
        }
        let g = GenericPdu {
            varbinds: self.varbinds.clone(),
            ..GenericPdu::default()
        };
        Outcome {
            sends: smallvec![(0, Pdu::SetRequest(g))],
            ..Outcome::default()
        }
    }

    fn on_response(&mut self, resp: GenericPdu<'static>) -> Outcome {
        if resp.error_status == ErrorStatus::NoError {
            return Outcome {
                done: Some(Ok(resp.varbinds)),
                ..Outcome::default()
            };
        }
        let asked: Vec<Oid> = self.varbinds.iter().map(|vb| vb.oid.clone()).collect();
        Outcome::fail(agent_error(&resp, &asked))
    }
}

/// Options of a walk.
#[derive(Debug, Clone, Copy, Default)]
pub struct WalkOptions {
    /// GETNEXT, GETBULK or automatic.
    pub mode: WalkMode,
    /// Accept OIDs that do not increase (some broken agents); then `max_rows` is mandatory.
    pub relaxed: bool,
    /// Stop with [`SnmpError::RowLimit`] past this many rows.
    pub max_rows: Option<usize>,
    /// Collect rows into the final answer (false when they are streamed elsewhere).
    pub collect: bool,
    /// Walk everything under the root's first arc alone (`walk demo .1`, `1`, `iso`, as
    /// net-snmp does): an [`Oid`] has two arcs at least, so the root is then `ARC.0` (where the
    /// walk starts) and only the first arc of each row is checked.
    pub whole_arc: bool,
}

/// State of a subtree walk.
#[derive(Debug)]
pub struct WalkOp {
    root: Oid,
    last: Oid,
    bulk: bool,
    max_repetitions: u32,
    opts: WalkOptions,
    count: usize,
    collected: Vec<VarBind<'static>>,
    invalid: Option<SnmpError>,
}

impl WalkOp {
    /// A walk of the subtree under `root`.
    #[must_use]
    pub fn new(root: Oid, opts: WalkOptions, limits: Limits) -> Self {
        let (bulk, invalid) = match (opts.mode, limits.version) {
            (WalkMode::GetNext, _) | (WalkMode::Auto, Version::V1) => (false, None),
            (WalkMode::GetBulk | WalkMode::Auto, Version::V2c | Version::V3) => (true, None),
            (WalkMode::GetBulk, Version::V1) => (true, Some(SnmpError::NotInV1("GETBULK"))),
        };
        let invalid = invalid.or_else(|| {
            (opts.relaxed && opts.max_rows.is_none()).then_some(SnmpError::InvalidRequest(
                "a relaxed walk needs a row limit",
            ))
        });
        Self {
            last: root.clone(),
            root,
            bulk,
            max_repetitions: limits.max_repetitions.max(1),
            opts,
            count: 0,
            collected: Vec::new(),
            invalid,
        }
    }

    /// Rows seen so far.
    #[must_use]
    pub fn count(&self) -> usize {
        self.count
    }

    fn next_request(&mut self) -> Outcome {
        if let Some(e) = self.invalid.take() {
            return Outcome::fail(e);
        }
        let pdu = if self.bulk {
            bulk_pdu(std::slice::from_ref(&self.last), 0, self.max_repetitions)
        } else {
            generic(GetKind::GetNext, vec![VarBind::null(self.last.clone())])
        };
        Outcome {
            sends: smallvec![(0, pdu)],
            ..Outcome::default()
        }
    }

    fn finish(&mut self, mut out: Outcome) -> Outcome {
        out.done = Some(Ok(std::mem::take(&mut self.collected)));
        out
    }

    fn on_response(&mut self, resp: GenericPdu<'static>) -> Outcome {
        match resp.error_status {
            ErrorStatus::NoError => {}
            // SNMPv1 signals the end of the MIB view with noSuchName.
            ErrorStatus::NoSuchName if !self.bulk => return self.finish(Outcome::default()),
            ErrorStatus::TooBig if self.bulk && self.max_repetitions > 1 => {
                self.max_repetitions /= 2;
                return self.next_request();
            }
            ErrorStatus::TooBig => return Outcome::fail(SnmpError::TooBig),
            _ => return Outcome::fail(agent_error(&resp, std::slice::from_ref(&self.last))),
        }
        if resp.varbinds.is_empty() {
            return self.finish(Outcome::default());
        }
        if !self.bulk && resp.varbinds.len() != 1 {
            return Outcome::fail(SnmpError::UnexpectedResponse(
                "GETNEXT response without exactly one varbind",
            ));
        }
        let mut out = Outcome::default();
        for vb in resp.varbinds {
            let inside = if self.opts.whole_arc {
                vb.oid.arcs().first() == self.root.arcs().first()
            } else {
                vb.oid.starts_with(&self.root)
            };
            if vb.value == Value::EndOfMibView || !inside {
                return self.finish(out);
            }
            if vb.oid <= self.last && !self.opts.relaxed {
                return Outcome::fail(SnmpError::NotIncreasing {
                    previous: Box::new(self.last.clone()),
                    next: Box::new(vb.oid),
                });
            }
            if let Some(max) = self.opts.max_rows
                && self.count >= max
            {
                return Outcome {
                    rows: out.rows,
                    done: Some(Err(SnmpError::RowLimit(max))),
                    ..Outcome::default()
                };
            }
            self.count += 1;
            self.last = vb.oid.clone();
            if self.opts.collect {
                self.collected.push(vb);
            } else {
                out.rows.push(vb);
            }
        }
        let next = self.next_request();
        out.sends = next.sends;
        out
    }
}

#[cfg(test)]
mod tests;
