//! Rate hand-over: the rate memory of one (job, agent) pair as stored in Redis, so the next
//! owner of an agent (after a join, a leave or a crash) has a rate in its first sample. Pure:
//! the value codec, the key names and the write buffer; no Redis, no runtime.
//!
//! # Data plane
//! The owner of a pair stores its state after every cycle ([`RateBuffer::put`]); the member
//! actor writes what is buffered once per heartbeat, one `SET key value PX ttl` per pair in
//! pipelines (a pair polled several times between two flushes is written once, its latest
//! state). A new owner reads the states of the pairs it adopts with one `MGET` per batch of
//! keys, before its first sample of them. This traffic is separate from the heartbeat (which
//! stays O(members)): it is O(pairs polled) per interval, one command and about
//! [`encoded_len`] bytes per pair.
//!
//! # Key
//! `NAME:rate:JOB:AGENT`, with `%` and `:` in the job name written `%25` and `%3A`, so the
//! first `:` after the job name ends it whatever the agent's name holds.
//!
//! # Value (version 1), every integer an unsigned LEB128 varint
//! ```text
//! 0x52 0x01                 magic 'R', version 1
//! at_ms                     local wall clock of the sample, ms since the Unix epoch
//! uptime + 1                the agent's sysUpTime.0 in that sample, 0 for none
//! count                     counters, at most MAX_COUNTERS, OIDs strictly increasing
//! count x {
//!   shared                  arcs shared with the previous counter's OID
//!   extra, extra x arc      the arcs that follow (the OID is shared + extra arcs long)
//!   width                   one byte: 32 (Counter32) or 64 (Counter64)
//!   value                   the counter's value (a Counter32 below 2^32)
//! }
//! ```
//! Ten Counter32s of one interface (`ifInOctets.1` ... near 2^32) take 122 bytes, a third of the
//! same as JSON. [`decode`] never panics: anything else (a foreign value, a truncated one,
//! trailing bytes, an OID out of order) is a [`HandoverError`] that names the byte, and the
//! caller counts it and drops the value.

use std::collections::HashMap;
use std::sync::Arc;

use crate::oid::{MAX_ARCS, Oid};

/// The first byte of every value.
pub const MAGIC: u8 = b'R';
/// The value format written.
pub const VERSION: u8 = 1;
/// Most counters one value may hold (a job with more rates is cut to the first ones).
pub const MAX_COUNTERS: usize = 4_096;

/// The rate memory of one (job, agent), as handed over through Redis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateState {
    /// Local wall clock of the sample, ms since the Unix epoch.
    pub at_ms: u64,
    /// The agent's `sysUpTime.0` in that sample.
    pub uptime: Option<u32>,
    /// (OID, 32 or 64, value) of each counter, sorted by OID, no OID twice.
    pub counters: Vec<(Oid, u8, u64)>,
}

/// What is wrong with a stored value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum HandoverErrorKind {
    /// It ended early.
    Truncated,
    /// Not a rate state (another program's value, or garbage).
    NotRateState,
    /// A rate state of a format this snmpact does not read.
    UnknownVersion(u8),
    /// A varint longer than 10 bytes or beyond its type.
    Overflow,
    /// More than [`MAX_COUNTERS`] counters.
    TooManyCounters,
    /// An OID that shares more arcs than the previous one has, is not valid, or is not after
    /// the previous one.
    BadOid,
    /// A counter width other than 32 or 64.
    BadWidth(u8),
    /// A Counter32 at or above 2^32.
    ValueTooBig,
    /// Bytes after the last counter.
    TrailingBytes,
}

/// Why a stored value was rejected: what, and at which byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("rate state rejected: {kind:?} at byte {offset}")]
pub struct HandoverError {
    /// What is wrong.
    pub kind: HandoverErrorKind,
    /// Where.
    pub offset: usize,
}

impl HandoverError {
    /// A stable label for counters and logs.
    #[must_use]
    pub fn label(&self) -> &'static str {
        match self.kind {
            HandoverErrorKind::Truncated => "truncated",
            HandoverErrorKind::NotRateState => "foreign",
            HandoverErrorKind::UnknownVersion(_) => "unknown_version",
            HandoverErrorKind::Overflow => "overflow",
            HandoverErrorKind::TooManyCounters => "too_many_counters",
            HandoverErrorKind::BadOid => "bad_oid",
            HandoverErrorKind::BadWidth(_) => "bad_width",
            HandoverErrorKind::ValueTooBig => "value_too_big",
            HandoverErrorKind::TrailingBytes => "trailing_bytes",
        }
    }
}

/// The Redis key of a pair's rate state (see the module doc).
#[must_use]
pub fn rate_key(name: &str, job: &str, agent: &str) -> String {
    let mut k = String::with_capacity(name.len() + job.len() + agent.len() + 8);
    k.push_str(name);
    k.push_str(":rate:");
    for c in job.chars() {
        match c {
            '%' => k.push_str("%25"),
            ':' => k.push_str("%3A"),
            c => k.push(c),
        }
    }
    k.push(':');
    k.push_str(agent);
    k
}

fn varint_len(mut v: u64) -> usize {
    let mut n = 1;
    while v >= 0x80 {
        v >>= 7;
        n += 1;
    }
    n
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push(u8::try_from(v & 0x7f).unwrap_or(0) | 0x80);
        v >>= 7;
    }
    out.push(u8::try_from(v).unwrap_or(0));
}

fn shared_prefix(a: &[u32], b: &[u32]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// The counters to write: at most [`MAX_COUNTERS`], in OID order, no OID twice.
fn counters_of(state: &RateState) -> Vec<&(Oid, u8, u64)> {
    let mut c: Vec<&(Oid, u8, u64)> = state.counters.iter().collect();
    c.sort_by(|a, b| a.0.cmp(&b.0));
    c.dedup_by(|a, b| a.0 == b.0);
    c.truncate(MAX_COUNTERS);
    c
}

/// The encoded size of `state`, in bytes.
#[must_use]
pub fn encoded_len(state: &RateState) -> usize {
    let counters = counters_of(state);
    let mut n = 2
        + varint_len(state.at_ms)
        + varint_len(state.uptime.map_or(0, |u| u64::from(u) + 1))
        + varint_len(counters.len() as u64);
    let mut prev: &[u32] = &[];
    for (oid, _, value) in counters {
        let arcs = oid.arcs();
        let shared = shared_prefix(prev, arcs);
        n += varint_len(shared as u64) + varint_len((arcs.len() - shared) as u64);
        n += arcs[shared..]
            .iter()
            .map(|a| varint_len(u64::from(*a)))
            .sum::<usize>();
        n += 1 + varint_len(*value);
        prev = arcs;
    }
    n
}

/// Encodes `state` (front to back, [`encoded_len`] bytes). Widths other than 32 are written
/// as 64; counters beyond [`MAX_COUNTERS`] and repeated OIDs are left out.
#[must_use]
pub fn encode(state: &RateState) -> Vec<u8> {
    let counters = counters_of(state);
    let mut out = Vec::with_capacity(encoded_len(state));
    out.push(MAGIC);
    out.push(VERSION);
    put_varint(&mut out, state.at_ms);
    put_varint(&mut out, state.uptime.map_or(0, |u| u64::from(u) + 1));
    put_varint(&mut out, counters.len() as u64);
    let mut prev: &[u32] = &[];
    for (oid, width, value) in counters {
        let arcs = oid.arcs();
        let shared = shared_prefix(prev, arcs);
        put_varint(&mut out, shared as u64);
        put_varint(&mut out, (arcs.len() - shared) as u64);
        for a in &arcs[shared..] {
            put_varint(&mut out, u64::from(*a));
        }
        let (w, v) = if *width == 32 {
            (32, value & 0xFFFF_FFFF)
        } else {
            (64, *value)
        };
        out.push(w);
        put_varint(&mut out, v);
        prev = arcs;
    }
    out
}

/// A reader over a value, with the offset of the next byte.
struct Reader<'a> {
    bytes: &'a [u8],
    offset: usize,
}

impl Reader<'_> {
    fn err(&self, kind: HandoverErrorKind) -> HandoverError {
        HandoverError {
            kind,
            offset: self.offset,
        }
    }

    fn byte(&mut self) -> Result<u8, HandoverError> {
        let b = *self
            .bytes
            .get(self.offset)
            .ok_or_else(|| self.err(HandoverErrorKind::Truncated))?;
        self.offset += 1;
        Ok(b)
    }

    fn varint(&mut self) -> Result<u64, HandoverError> {
        let start = self.offset;
        let mut v: u64 = 0;
        for i in 0..10 {
            let b = self.byte()?;
            let part = u64::from(b & 0x7f);
            if i == 9 && part > 1 {
                self.offset = start;
                return Err(self.err(HandoverErrorKind::Overflow));
            }
            v |= part << (7 * i);
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        self.offset = start;
        Err(self.err(HandoverErrorKind::Overflow))
    }

    fn small(&mut self, max: usize, kind: HandoverErrorKind) -> Result<usize, HandoverError> {
        let at = self.offset;
        let v = self.varint()?;
        usize::try_from(v)
            .ok()
            .filter(|v| *v <= max)
            .ok_or(HandoverError { kind, offset: at })
    }
}

/// Decodes a stored value.
///
/// # Errors
/// Anything but a value [`encode`] could have written: see [`HandoverErrorKind`].
///
/// ```
/// use snmpact::cluster::handover::{HandoverErrorKind, RateState, decode, encode};
/// let s = RateState {
///     at_ms: 1_700_000_000_000,
///     uptime: Some(4_200),
///     counters: vec![("1.3.6.1.2.1.2.2.1.10.1".parse().unwrap(), 32, 7)],
/// };
/// assert_eq!(decode(&encode(&s)), Ok(s));
/// assert_eq!(decode(b"{\"at_ms\":1}").unwrap_err().kind, HandoverErrorKind::NotRateState);
/// ```
pub fn decode(bytes: &[u8]) -> Result<RateState, HandoverError> {
    let mut r = Reader { bytes, offset: 0 };
    if r.byte()? != MAGIC {
        r.offset = 0;
        return Err(r.err(HandoverErrorKind::NotRateState));
    }
    let version = r.byte()?;
    if version != VERSION {
        r.offset = 1;
        return Err(r.err(HandoverErrorKind::UnknownVersion(version)));
    }
    let at_ms = r.varint()?;
    let at = r.offset;
    let uptime = match r.varint()? {
        0 => None,
        v => Some(u32::try_from(v - 1).map_err(|_| HandoverError {
            kind: HandoverErrorKind::Overflow,
            offset: at,
        })?),
    };
    let count = r.small(MAX_COUNTERS, HandoverErrorKind::TooManyCounters)?;
    let mut counters: Vec<(Oid, u8, u64)> = Vec::with_capacity(count.min(64));
    let mut arcs: Vec<u32> = Vec::new();
    for _ in 0..count {
        let at = r.offset;
        let bad_oid = HandoverError {
            kind: HandoverErrorKind::BadOid,
            offset: at,
        };
        let shared = r.small(arcs.len(), HandoverErrorKind::BadOid)?;
        let extra = r.small(MAX_ARCS - shared, HandoverErrorKind::BadOid)?;
        arcs.truncate(shared);
        for _ in 0..extra {
            let a = r.varint()?;
            arcs.push(u32::try_from(a).map_err(|_| bad_oid)?);
        }
        let oid = Oid::new(&arcs).map_err(|_| bad_oid)?;
        if counters.last().is_some_and(|(p, _, _)| *p >= oid) {
            return Err(bad_oid);
        }
        let w_at = r.offset;
        let width = r.byte()?;
        if width != 32 && width != 64 {
            return Err(HandoverError {
                kind: HandoverErrorKind::BadWidth(width),
                offset: w_at,
            });
        }
        let v_at = r.offset;
        let value = r.varint()?;
        if width == 32 && value > u64::from(u32::MAX) {
            return Err(HandoverError {
                kind: HandoverErrorKind::ValueTooBig,
                offset: v_at,
            });
        }
        counters.push((oid, width, value));
    }
    if r.offset != bytes.len() {
        return Err(r.err(HandoverErrorKind::TrailingBytes));
    }
    Ok(RateState {
        at_ms,
        uptime,
        counters,
    })
}

/// One buffered write: the encoded state and how long Redis keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// [`encode`]d state.
    pub value: Vec<u8>,
    /// Its time to live in Redis, ms.
    pub ttl_ms: u64,
}

/// A pair: (job, agent).
pub type Pair = (Arc<str>, Arc<str>);
/// Buffered writes, taken out of a [`RateBuffer`].
pub type Batch = Vec<(Pair, Pending)>;

/// The states waiting for the next flush, by (job, agent): the latest state of a pair replaces
/// an older one, so the buffer never holds more entries than the pairs polled.
#[derive(Debug, Default)]
pub struct RateBuffer {
    pending: HashMap<Pair, Pending>,
}

impl RateBuffer {
    /// Buffers the state of (job, agent), replacing an older one.
    pub fn put(&mut self, job: Arc<str>, agent: Arc<str>, p: Pending) {
        self.pending.insert((job, agent), p);
    }

    /// Everything buffered, leaving the buffer empty.
    pub fn take(&mut self) -> Batch {
        self.pending.drain().collect()
    }

    /// Puts back what a failed flush took, unless a newer state came meanwhile.
    pub fn restore(&mut self, items: Batch) {
        for (k, p) in items {
            self.pending.entry(k).or_insert(p);
        }
    }

    /// Pairs buffered.
    #[must_use]
    pub fn len(&self) -> usize {
        self.pending.len()
    }

    /// Nothing buffered.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn oid(s: &str) -> Oid {
        s.parse().unwrap()
    }

    /// ifInOctets.1 = 7 (Counter32), ifHCInOctets.1 = 2^40 (Counter64), sysUpTime 4200,
    /// at 1000 ms.
    #[rustfmt::skip]
    const TWO_COUNTERS: &[u8] = &[
        0x52, 0x01,                         // magic, version
        0xe8, 0x07,                         // at_ms 1000
        0xe9, 0x20,                         // uptime + 1 = 4201
        0x02,                               // two counters
        0x00, 0x0b,                         // shares 0 arcs, 11 follow
        0x01, 0x03, 0x06, 0x01, 0x02, 0x01, 0x02, 0x02, 0x01, 0x0a, 0x01,
        0x20, 0x07,                         // Counter32 7
        0x06, 0x05,                         // shares 6 arcs (1.3.6.1.2.1), 5 follow
        0x1f, 0x01, 0x01, 0x01, 0x06,
        0x40, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20, // Counter64 2^40
    ];

    fn two() -> RateState {
        RateState {
            at_ms: 1000,
            uptime: Some(4200),
            counters: vec![
                (oid("1.3.6.1.2.1.2.2.1.10.1"), 32, 7),
                (oid("1.3.6.1.2.1.31.1.1.1.6"), 64, 1 << 40),
            ],
        }
    }

    #[test]
    fn a_state_encodes_to_its_vector_and_back() {
        let s = two();
        assert_eq!(encode(&s), TWO_COUNTERS);
        assert_eq!(encoded_len(&s), TWO_COUNTERS.len());
        assert_eq!(decode(TWO_COUNTERS), Ok(s));
        let empty = RateState {
            at_ms: 0,
            uptime: None,
            counters: vec![],
        };
        assert_eq!(encode(&empty), [0x52, 0x01, 0x00, 0x00, 0x00]);
        assert_eq!(decode(&encode(&empty)), Ok(empty));
    }

    #[test]
    fn ten_counters_of_one_interface_are_compact() {
        let s = RateState {
            at_ms: 1_764_000_000_000,
            uptime: Some(123_456_789),
            counters: (10..=19)
                .map(|c| (oid(&format!("1.3.6.1.2.1.2.2.1.{c}.1")), 32, 3_000_000_000))
                .collect(),
        };
        let n = encoded_len(&s);
        assert_eq!(n, encode(&s).len());
        assert_eq!(n, 122, "{n} bytes");
    }

    #[test]
    fn rejects_name_the_fault_and_the_byte() {
        use HandoverErrorKind as K;
        let mut bad_width = TWO_COUNTERS.to_vec();
        bad_width[20] = 33;
        let mut too_big = TWO_COUNTERS.to_vec();
        too_big[21] = 0x80;
        too_big.splice(22..22, [0x80, 0x80, 0x80, 0x80, 0x01]);
        let mut trailing = TWO_COUNTERS.to_vec();
        trailing.push(0);
        // The second OID before the first.
        let mut order = TWO_COUNTERS.to_vec();
        order[24] = 0x01; // 1.3.6.1.2.1.1.1.1.1.6 < 1.3.6.1.2.1.2.2.1.10.1
        let cases: Vec<(&[u8], K, usize)> = vec![
            (b"", K::Truncated, 0),
            (b"{\"at_ms\":1}", K::NotRateState, 0),
            (&[0x52, 0x02, 0x00], K::UnknownVersion(2), 1),
            (&[0x52, 0x01, 0xe8], K::Truncated, 3),
            (
                &[
                    0x52, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02,
                ],
                K::Overflow,
                2,
            ),
            // uptime + 1 = 2^32 + 1: beyond a u32.
            (
                &[0x52, 0x01, 0x00, 0x81, 0x80, 0x80, 0x80, 0x10, 0x00],
                K::Overflow,
                3,
            ),
            (&[0x52, 0x01, 0x00, 0x00, 0x81, 0x20], K::TooManyCounters, 4),
            // Shares 1 arc with nothing before it.
            (&[0x52, 0x01, 0x00, 0x00, 0x01, 0x01, 0x00], K::BadOid, 5),
            // One arc only.
            (
                &[0x52, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x01, 0x20, 0x00],
                K::BadOid,
                5,
            ),
            (&bad_width, K::BadWidth(33), 20),
            (&too_big, K::ValueTooBig, 21),
            (&trailing, K::TrailingBytes, TWO_COUNTERS.len()),
            (&order, K::BadOid, 22),
        ];
        for (bytes, kind, offset) in cases {
            let e = decode(bytes).unwrap_err();
            assert_eq!((e.kind, e.offset), (kind, offset), "{bytes:02x?}");
            assert!(!e.label().is_empty());
        }
    }

    #[test]
    fn keys_keep_job_and_agent_apart() {
        assert_eq!(rate_key("snmpact", "if", "r1"), "snmpact:rate:if:r1");
        assert_eq!(rate_key("n", "a:b", "c"), "n:rate:a%3Ab:c");
        assert_eq!(rate_key("n", "a", "b:c"), "n:rate:a:b:c");
        assert_ne!(rate_key("n", "a:b", "c"), rate_key("n", "a", "b:c"));
        assert_eq!(rate_key("n", "50%", "x"), "n:rate:50%25:x");
    }

    #[test]
    fn the_buffer_keeps_the_latest_state_per_pair() {
        let mut b = RateBuffer::default();
        let p = |v: u8| Pending {
            value: vec![v],
            ttl_ms: 1,
        };
        b.put("j".into(), "a".into(), p(1));
        b.put("j".into(), "a".into(), p(2));
        b.put("j".into(), "b".into(), p(3));
        assert_eq!(b.len(), 2);
        let taken = b.take();
        assert!(b.is_empty());
        b.put("j".into(), "a".into(), p(4));
        b.restore(taken);
        let mut now = b.take();
        now.sort_by(|x, y| x.0.cmp(&y.0));
        assert_eq!(
            now[0].1.value,
            vec![4],
            "a newer state wins over a restored one"
        );
        assert_eq!(now[1].1.value, vec![3]);
    }

    fn arb_oid() -> impl Strategy<Value = Oid> {
        (
            0u32..3,
            0u32..40,
            prop::collection::vec(any::<u32>(), 0..20),
        )
            .prop_map(|(a, b, rest)| {
                let mut arcs = vec![a, b];
                arcs.extend(rest);
                Oid::new(&arcs).unwrap()
            })
    }

    proptest! {
        #[test]
        fn no_panic_on_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
            let _ = decode(&bytes);
            let mut tagged = vec![MAGIC, VERSION];
            tagged.extend(&bytes);
            if let Ok(s) = decode(&tagged) {
                prop_assert_eq!(decode(&encode(&s)), Ok(s));
            }
        }

        #[test]
        fn decode_inverts_encode(
            at_ms in any::<u64>(),
            uptime in any::<Option<u32>>(),
            counters in prop::collection::vec((arb_oid(), any::<bool>(), any::<u64>()), 0..30),
        ) {
            let mut counters: Vec<(Oid, u8, u64)> = counters
                .into_iter()
                .map(|(o, c32, v)| if c32 { (o, 32, v & 0xFFFF_FFFF) } else { (o, 64, v) })
                .collect();
            counters.sort_by(|a, b| a.0.cmp(&b.0));
            counters.dedup_by(|a, b| a.0 == b.0);
            let s = RateState { at_ms, uptime, counters };
            let bytes = encode(&s);
            prop_assert_eq!(bytes.len(), encoded_len(&s));
            prop_assert_eq!(decode(&bytes), Ok(s));
        }
    }
}
