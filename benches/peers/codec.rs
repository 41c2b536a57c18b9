//! Codec benchmark: decode and encode of two SNMPv2c messages by snmpact and by the other Rust SNMP
//! codecs, all on the same bytes in the same run. Figures and method: `BENCHMARKS.md`, "Codec".
//!
//! `cargo bench -p snmpact-peers --bench codec` times with the wall clock. On a shared machine, run it as
//! `CODEC_BENCH_CLOCK=cpu cargo bench -p snmpact-peers --bench codec` to time with the bench thread's CPU clock,
//! which leaves out the time other processes took the CPU away.
//!
//! Cases (both built once with snmpact's encoder, then decoded by everyone):
//! - `response10`: a 10-varbind Response, one ifTable/ifXTable row of mixed types.
//! - `bulk50`: a 50-varbind Response to a GetBulk (5 columns x 10 rows).
//!
//! Fairness rules, checked in `setup` before anything is timed:
//! - every decoder must decode all varbinds: each timed decode is followed by [`Touch`], which
//!   reads every OID arc and every value (string lengths, numbers) into a sum kept by
//!   `black_box`, so lazy decoders (snmp-parser keeps OIDs as bytes) do their arc work too;
//! - each peer's decoded varbinds are compared, value by value, with snmpact's ([`Norm`]), so a
//!   bench cannot silently time an early error;
//! - each peer's encoder is fed the message it decoded itself, and its output must decode (by
//!   snmpact) to the same message.

use std::borrow::Cow;
use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{BenchmarkId, Criterion, criterion_main};
use snmpact::oid::Oid;
use snmpact::pdu::{ErrorStatus, GenericPdu, Message, Pdu, Value, VarBind, Version};

/// Criterion settings kept small: the machine has two cores shared with compiles.
const WARM_UP: Duration = Duration::from_secs(1);
const MEASUREMENT: Duration = Duration::from_secs(3);
const SAMPLES: usize = 50;

/// ifTable (IF-MIB::ifEntry) column prefix: `1.3.6.1.2.1.2.2.1`.
const IF_ENTRY: &[u32] = &[1, 3, 6, 1, 2, 1, 2, 2, 1];
/// ifXTable (IF-MIB::ifXEntry) column prefix: `1.3.6.1.2.1.31.1.1.1`.
const IFX_ENTRY: &[u32] = &[1, 3, 6, 1, 2, 1, 31, 1, 1, 1];
/// An ifIndex as a Cisco switch numbers its ports (two-octet arc on the wire).
const IF_INDEX: u32 = 10101;
/// The request-id of both messages (four content octets on the wire).
const REQUEST_ID: i32 = 0x1234_5678;

/// `prefix.column.index` as an [`Oid`].
fn column(prefix: &[u32], col: u32, index: u32) -> Oid {
    let mut arcs = prefix.to_vec();
    arcs.extend([col, index]);
    Oid::new(&arcs).expect("a valid IF-MIB OID")
}

/// A v2c Response with `varbinds`, community `public`.
fn response(varbinds: Vec<VarBind<'static>>) -> Message<'static> {
    Message {
        version: Version::V2c,
        community: Cow::Borrowed(b"public"),
        pdu: Pdu::Response(GenericPdu {
            request_id: REQUEST_ID,
            error_status: ErrorStatus::NoError,
            error_index: 0,
            varbinds,
        }),
    }
}

/// One ifTable + ifXTable row: OCTET STRING, INTEGER, Gauge32, TimeTicks, Counter32 (top bit
/// set, so 0x00-padded) and Counter64.
fn response10() -> Message<'static> {
    let s = |b: &'static [u8]| Value::OctetString(Cow::Borrowed(b));
    response(vec![
        VarBind::new(column(IF_ENTRY, 2, IF_INDEX), s(b"GigabitEthernet1/0/1")), // ifDescr
        VarBind::new(column(IF_ENTRY, 3, IF_INDEX), Value::Integer(6)),          // ifType
        VarBind::new(column(IF_ENTRY, 4, IF_INDEX), Value::Integer(1500)),       // ifMtu
        VarBind::new(column(IF_ENTRY, 5, IF_INDEX), Value::Gauge32(1_000_000_000)), // ifSpeed
        VarBind::new(
            column(IF_ENTRY, 6, IF_INDEX),
            s(&[0x00, 0x1b, 0x21, 0x3c, 0x4d, 0x5e]),
        ), // ifPhysAddress
        VarBind::new(column(IF_ENTRY, 8, IF_INDEX), Value::Integer(1)),          // ifOperStatus
        VarBind::new(column(IF_ENTRY, 9, IF_INDEX), Value::TimeTicks(123_456_789)), // ifLastChange
        VarBind::new(
            column(IF_ENTRY, 10, IF_INDEX),
            Value::Counter32(3_000_000_000),
        ), // ifInOctets
        VarBind::new(column(IFX_ENTRY, 1, IF_INDEX), s(b"Gi1/0/1")),             // ifName
        VarBind::new(
            column(IFX_ENTRY, 6, IF_INDEX),
            Value::Counter64(98_765_432_101_234),
        ), // ifHCInOctets
    ])
}

/// The answer to `GetBulk(non-repeaters 0, max-repetitions 10)` over ifName, ifOperStatus,
/// ifHCInOctets, ifHCOutOctets and ifHighSpeed: 10 rows of 5 varbinds, row by row.
fn bulk50() -> Message<'static> {
    let mut vbs = Vec::with_capacity(50);
    for row in 0..10u32 {
        let index = IF_INDEX + row;
        let name = format!("Gi1/0/{}", row + 1).into_bytes();
        let oper = if row % 3 == 0 { 2 } else { 1 };
        let hc = u64::from(row + 1) * 1_234_567_890_123;
        vbs.extend([
            VarBind::new(
                column(IFX_ENTRY, 1, index),
                Value::OctetString(Cow::Owned(name)),
            ),
            VarBind::new(column(IF_ENTRY, 8, index), Value::Integer(oper)),
            VarBind::new(column(IFX_ENTRY, 6, index), Value::Counter64(hc)),
            VarBind::new(
                column(IFX_ENTRY, 10, index),
                Value::Counter64(hc / 3 + u64::MAX / 2),
            ),
            VarBind::new(column(IFX_ENTRY, 15, index), Value::Gauge32(1000)),
        ]);
    }
    response(vbs)
}

/// A decoded value in one shape for every codec, to compare peers with snmpact.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Norm {
    Integer(i64),
    Octets(Vec<u8>),
    Counter32(u32),
    Gauge32(u32),
    TimeTicks(u32),
    Counter64(u64),
    /// Anything the cases do not use: a mismatch by construction.
    Unexpected(String),
}

/// A decoded varbind: arcs and value.
type Row = (Vec<u32>, Norm);

/// What a decoder returned, reduced to what every bench reads: the varbinds in [`Norm`] form
/// (setup only) and a sum over every arc and value (in the timed loop).
trait Touch {
    /// Every varbind, for the setup check.
    fn rows(&self) -> Vec<Row>;
    /// Sum of every OID arc, numeric value and string length.
    fn touch(&self) -> u64;
}

/// The value [`Touch::touch`] adds for a number or a string.
fn mix(acc: u64, arcs: impl Iterator<Item = u64>, value: u64) -> u64 {
    arcs.fold(acc, u64::wrapping_add).wrapping_add(value)
}

/// A string's length as a touch value.
fn len64(s: &[u8]) -> u64 {
    u64::try_from(s.len()).unwrap_or(u64::MAX)
}

/// A signed value as a touch value (two's complement bits).
fn signed(v: i64) -> u64 {
    u64::from_ne_bytes(v.to_ne_bytes())
}

impl Touch for Message<'_> {
    fn rows(&self) -> Vec<Row> {
        let norm = |v: &Value<'_>| match v {
            Value::Integer(i) => Norm::Integer(i64::from(*i)),
            Value::OctetString(s) => Norm::Octets(s.to_vec()),
            Value::Counter32(c) => Norm::Counter32(*c),
            Value::Gauge32(g) => Norm::Gauge32(*g),
            Value::TimeTicks(t) => Norm::TimeTicks(*t),
            Value::Counter64(c) => Norm::Counter64(*c),
            other => Norm::Unexpected(format!("{other:?}")),
        };
        self.pdu
            .varbinds()
            .iter()
            .map(|vb| (vb.oid.arcs().to_vec(), norm(&vb.value)))
            .collect()
    }

    fn touch(&self) -> u64 {
        self.pdu.varbinds().iter().fold(0, |acc, vb| {
            let v = match &vb.value {
                Value::Integer(i) => signed(i64::from(*i)),
                Value::OctetString(s) => len64(s),
                Value::Counter32(c) | Value::Gauge32(c) | Value::TimeTicks(c) => u64::from(*c),
                Value::Counter64(c) => *c,
                _ => u64::MAX,
            };
            mix(acc, vb.oid.arcs().iter().map(|&a| u64::from(a)), v)
        })
    }
}

/// rasn-snmp's SNMPv2c message type.
type RasnMessage = rasn_snmp::v2c::Message<rasn_snmp::v2::Pdus>;

/// The varbinds of a rasn-snmp PDU (Response or GetBulk answer; both are Response PDUs).
fn rasn_varbinds(m: &RasnMessage) -> &[rasn_snmp::v2::VarBind] {
    use rasn_snmp::v2::Pdus;
    match &m.data {
        Pdus::Response(r) => &r.0.variable_bindings,
        _ => &[],
    }
}

impl Touch for RasnMessage {
    fn rows(&self) -> Vec<Row> {
        use rasn_smi::v2::{ApplicationSyntax, SimpleSyntax};
        use rasn_snmp::v2::{ObjectSyntax, VarBindValue};
        rasn_varbinds(self)
            .iter()
            .map(|vb| {
                let norm = match &vb.value {
                    VarBindValue::Value(ObjectSyntax::Simple(SimpleSyntax::Integer(i))) => {
                        Norm::Integer(i64::try_from(i).unwrap_or(i64::MIN))
                    }
                    VarBindValue::Value(ObjectSyntax::Simple(SimpleSyntax::String(s))) => {
                        Norm::Octets(s.to_vec())
                    }
                    VarBindValue::Value(ObjectSyntax::ApplicationWide(a)) => match a {
                        ApplicationSyntax::Counter(c) => Norm::Counter32(c.0),
                        ApplicationSyntax::Unsigned(g) => Norm::Gauge32(g.0),
                        ApplicationSyntax::Ticks(t) => Norm::TimeTicks(t.0),
                        ApplicationSyntax::BigCounter(c) => Norm::Counter64(c.0),
                        other => Norm::Unexpected(format!("{other:?}")),
                    },
                    other => Norm::Unexpected(format!("{other:?}")),
                };
                (vb.name.to_vec(), norm)
            })
            .collect()
    }

    fn touch(&self) -> u64 {
        use rasn_smi::v2::{ApplicationSyntax, SimpleSyntax};
        use rasn_snmp::v2::{ObjectSyntax, VarBindValue};
        rasn_varbinds(self).iter().fold(0, |acc, vb| {
            let v = match &vb.value {
                VarBindValue::Value(ObjectSyntax::Simple(SimpleSyntax::Integer(i))) => {
                    signed(i64::try_from(i).unwrap_or(i64::MIN))
                }
                VarBindValue::Value(ObjectSyntax::Simple(SimpleSyntax::String(s))) => len64(s),
                VarBindValue::Value(ObjectSyntax::ApplicationWide(a)) => match a {
                    ApplicationSyntax::Counter(c) => u64::from(c.0),
                    ApplicationSyntax::Unsigned(g) => u64::from(g.0),
                    ApplicationSyntax::Ticks(t) => u64::from(t.0),
                    ApplicationSyntax::BigCounter(c) => c.0,
                    _ => u64::MAX,
                },
                _ => u64::MAX,
            };
            mix(acc, vb.name.iter().map(|&a| u64::from(a)), v)
        })
    }
}

/// snmp-parser keeps OIDs as their content octets and decodes arcs (as `u64`) on iteration.
fn snmp_parser_arcs<'a>(oid: &'a snmp_parser::Oid<'_>) -> impl Iterator<Item = u64> + 'a {
    oid.iter().into_iter().flatten()
}

impl Touch for snmp_parser::SnmpMessage<'_> {
    fn rows(&self) -> Vec<Row> {
        use snmp_parser::{ObjectSyntax, VarBindValue};
        self.vars_iter()
            .map(|vb| {
                let norm = match &vb.val {
                    VarBindValue::Value(ObjectSyntax::Number(i)) => Norm::Integer(i64::from(*i)),
                    VarBindValue::Value(ObjectSyntax::String(s)) => Norm::Octets(s.to_vec()),
                    VarBindValue::Value(ObjectSyntax::Counter32(c)) => Norm::Counter32(*c),
                    VarBindValue::Value(ObjectSyntax::Gauge32(g)) => Norm::Gauge32(*g),
                    VarBindValue::Value(ObjectSyntax::TimeTicks(t)) => Norm::TimeTicks(*t),
                    VarBindValue::Value(ObjectSyntax::Counter64(c)) => Norm::Counter64(*c),
                    other => Norm::Unexpected(format!("{other:?}")),
                };
                let arcs = snmp_parser_arcs(&vb.oid)
                    .map(|a| u32::try_from(a).unwrap_or(u32::MAX))
                    .collect();
                (arcs, norm)
            })
            .collect()
    }

    fn touch(&self) -> u64 {
        use snmp_parser::{ObjectSyntax, VarBindValue};
        self.vars_iter().fold(0, |acc, vb| {
            let v = match &vb.val {
                VarBindValue::Value(ObjectSyntax::Number(i)) => signed(i64::from(*i)),
                VarBindValue::Value(ObjectSyntax::String(s)) => len64(s),
                VarBindValue::Value(
                    ObjectSyntax::Counter32(c)
                    | ObjectSyntax::Gauge32(c)
                    | ObjectSyntax::TimeTicks(c),
                ) => u64::from(*c),
                VarBindValue::Value(ObjectSyntax::Counter64(c)) => *c,
                _ => u64::MAX,
            };
            mix(acc, snmp_parser_arcs(&vb.oid), v)
        })
    }
}

/// The varbinds of an async-snmp community message.
fn async_snmp_varbinds(m: &async_snmp::message::CommunityMessage) -> &[async_snmp::VarBind] {
    m.pdu().standard().map_or(&[], |p| p.varbinds())
}

impl Touch for async_snmp::message::CommunityMessage {
    fn rows(&self) -> Vec<Row> {
        use async_snmp::Value as V;
        async_snmp_varbinds(self)
            .iter()
            .map(|vb| {
                let norm = match &vb.value {
                    V::Integer(i) => Norm::Integer(i64::from(*i)),
                    V::OctetString(s) => Norm::Octets(s.to_vec()),
                    V::Counter32(c) => Norm::Counter32(*c),
                    V::Gauge32(g) => Norm::Gauge32(*g),
                    V::TimeTicks(t) => Norm::TimeTicks(*t),
                    V::Counter64(c) => Norm::Counter64(*c),
                    other => Norm::Unexpected(format!("{other:?}")),
                };
                (vb.oid.arcs().to_vec(), norm)
            })
            .collect()
    }

    fn touch(&self) -> u64 {
        use async_snmp::Value as V;
        async_snmp_varbinds(self).iter().fold(0, |acc, vb| {
            let v = match &vb.value {
                V::Integer(i) => signed(i64::from(*i)),
                V::OctetString(s) => len64(s),
                V::Counter32(c) | V::Gauge32(c) | V::TimeTicks(c) => u64::from(*c),
                V::Counter64(c) => *c,
                _ => u64::MAX,
            };
            mix(acc, vb.oid.arcs().iter().map(|&a| u64::from(a)), v)
        })
    }
}

/// The varbinds of a csnmp message.
fn csnmp_varbinds(m: &csnmp::message::Snmp2cMessage) -> &[csnmp::message::VariableBinding] {
    match &m.pdu {
        csnmp::message::Snmp2cPdu::Response(p) => &p.variable_bindings,
        _ => &[],
    }
}

impl Touch for csnmp::message::Snmp2cMessage {
    fn rows(&self) -> Vec<Row> {
        use csnmp::ObjectValue as V;
        use csnmp::message::BindingValue;
        csnmp_varbinds(self)
            .iter()
            .map(|vb| {
                let norm = match &vb.value {
                    BindingValue::Value(V::Integer(i)) => Norm::Integer(i64::from(*i)),
                    BindingValue::Value(V::String(s)) => Norm::Octets(s.clone()),
                    BindingValue::Value(V::Counter32(c)) => Norm::Counter32(*c),
                    BindingValue::Value(V::Unsigned32(g)) => Norm::Gauge32(*g),
                    BindingValue::Value(V::TimeTicks(t)) => Norm::TimeTicks(*t),
                    BindingValue::Value(V::Counter64(c)) => Norm::Counter64(*c),
                    other => Norm::Unexpected(format!("{other:?}")),
                };
                (vb.name.as_slice().to_vec(), norm)
            })
            .collect()
    }

    fn touch(&self) -> u64 {
        use csnmp::ObjectValue as V;
        use csnmp::message::BindingValue;
        csnmp_varbinds(self).iter().fold(0, |acc, vb| {
            let v = match &vb.value {
                BindingValue::Value(V::Integer(i)) => signed(i64::from(*i)),
                BindingValue::Value(V::String(s)) => len64(s),
                BindingValue::Value(V::Counter32(c) | V::Unsigned32(c) | V::TimeTicks(c)) => {
                    u64::from(*c)
                }
                BindingValue::Value(V::Counter64(c)) => *c,
                _ => u64::MAX,
            };
            mix(acc, vb.name.as_slice().iter().map(|&a| u64::from(a)), v)
        })
    }
}

/// One peer's decode of `bytes`, by its public API.
fn decode_rasn(bytes: &[u8]) -> RasnMessage {
    rasn::ber::decode::<RasnMessage>(bytes).expect("rasn-snmp decodes the case")
}

fn decode_snmp_parser(bytes: &[u8]) -> snmp_parser::SnmpMessage<'_> {
    let (rest, m) = snmp_parser::parse_snmp_v2c(bytes).expect("snmp-parser decodes the case");
    assert!(rest.is_empty(), "snmp-parser left {} bytes", rest.len());
    m
}

fn decode_async_snmp(bytes: &bytes::Bytes) -> async_snmp::message::CommunityMessage {
    async_snmp::message::CommunityMessage::decode(
        bytes.clone(),
        async_snmp::DecodeConfig::default(),
    )
    .expect("async-snmp decodes the case")
    .value
}

fn decode_csnmp(bytes: &[u8]) -> csnmp::message::Snmp2cMessage {
    csnmp::message::Snmp2cMessage::try_from_bytes(bytes).expect("csnmp decodes the case")
}

/// Checks, before timing, that a peer's decode equals snmpact's, varbind by varbind.
fn check_same(peer: &str, ours: &Message<'_>, theirs: &impl Touch) {
    let (want, got) = (ours.rows(), theirs.rows());
    assert_eq!(want.len(), got.len(), "{peer}: varbind count");
    for (i, (w, g)) in want.iter().zip(&got).enumerate() {
        assert_eq!(w, g, "{peer}: varbind {i}");
    }
    assert_eq!(ours.touch(), theirs.touch(), "{peer}: touch sum");
}

/// Checks that a peer's encoding decodes (by snmpact) to the same message, and says whether it
/// is byte-identical to snmpact's.
fn check_encoding(peer: &str, ours: &[u8], theirs: &[u8]) {
    let want = Message::decode(ours).expect("snmpact decodes its own bytes");
    let got = Message::decode(theirs).unwrap_or_else(|e| panic!("{peer}: encoding: {e}"));
    assert_eq!(want, got, "{peer}: re-encoded message differs");
    if ours != theirs {
        eprintln!(
            "note: {peer} encodes the same message in other bytes ({} vs {} bytes)",
            theirs.len(),
            ours.len()
        );
    }
}

/// Every codec's decode and encode of one case.
fn bench_case<M: Measurement>(c: &mut Criterion<M>, case: &str, msg: &Message<'static>) {
    let bytes = msg.to_bytes();
    let shared = bytes::Bytes::from(bytes.clone());
    let n = msg.pdu.varbinds().len();

    // Setup checks: one decode each, compared with snmpact's message.
    let ours = Message::decode(&bytes).expect("snmpact decodes its own bytes");
    assert_eq!(&ours, msg, "snmpact round trip");
    assert_eq!(ours.pdu.varbinds().len(), n);
    let rasn_msg = decode_rasn(&bytes);
    check_same("rasn-snmp", &ours, &rasn_msg);
    check_same("snmp-parser", &ours, &decode_snmp_parser(&bytes));
    let async_msg = decode_async_snmp(&shared);
    check_same("async-snmp", &ours, &async_msg);
    let csnmp_msg = decode_csnmp(&bytes);
    check_same("csnmp", &ours, &csnmp_msg);

    let mut buf = Vec::new();
    rasn::ber::encode_buf(&rasn_msg, &mut buf).expect("rasn-snmp encodes");
    check_encoding("rasn-snmp", &bytes, &buf);
    check_encoding(
        "async-snmp",
        &bytes,
        &async_msg.encode().expect("async-snmp encodes"),
    );
    check_encoding(
        "csnmp",
        &bytes,
        &csnmp_msg.to_bytes().expect("csnmp encodes"),
    );

    let mut g = c.benchmark_group(format!("decode/{case}"));
    g.bench_function(BenchmarkId::from_parameter("snmpact"), |b| {
        b.iter(|| {
            let m = Message::decode(black_box(&bytes)).expect("decodes");
            black_box(m.touch())
        });
    });
    g.bench_function(BenchmarkId::from_parameter("rasn-snmp"), |b| {
        b.iter(|| black_box(decode_rasn(black_box(&bytes)).touch()));
    });
    g.bench_function(BenchmarkId::from_parameter("snmp-parser"), |b| {
        b.iter(|| black_box(decode_snmp_parser(black_box(&bytes)).touch()));
    });
    g.bench_function(BenchmarkId::from_parameter("async-snmp"), |b| {
        b.iter(|| black_box(decode_async_snmp(black_box(&shared)).touch()));
    });
    g.bench_function(BenchmarkId::from_parameter("csnmp"), |b| {
        b.iter(|| black_box(decode_csnmp(black_box(&bytes)).touch()));
    });
    g.finish();

    let mut g = c.benchmark_group(format!("encode/{case}"));
    g.bench_function(BenchmarkId::from_parameter("snmpact"), |b| {
        let mut out = Vec::with_capacity(bytes.len());
        b.iter(|| {
            out.clear();
            black_box(&ours).encode(&mut out);
            black_box(out.len())
        });
    });
    g.bench_function(BenchmarkId::from_parameter("snmpact-to_bytes"), |b| {
        b.iter(|| black_box(black_box(&ours).to_bytes()));
    });
    g.bench_function(BenchmarkId::from_parameter("rasn-snmp"), |b| {
        let mut out = Vec::with_capacity(bytes.len());
        b.iter(|| {
            rasn::ber::encode_buf(black_box(&rasn_msg), &mut out).expect("encodes");
            black_box(out.len())
        });
    });
    g.bench_function(BenchmarkId::from_parameter("async-snmp"), |b| {
        b.iter(|| black_box(black_box(&async_msg).encode().expect("encodes")));
    });
    g.bench_function(BenchmarkId::from_parameter("csnmp"), |b| {
        b.iter(|| black_box(black_box(&csnmp_msg).to_bytes().expect("encodes")));
    });
    g.finish();
}

fn codec<M: Measurement>(c: &mut Criterion<M>) {
    bench_case(c, "response10", &response10());
    bench_case(c, "bulk50", &bulk50());
}

/// Set to `cpu` to time with the bench thread's CPU clock instead of the wall clock.
const CLOCK_VAR: &str = "CODEC_BENCH_CLOCK";

/// The calling thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`): time the thread was descheduled,
/// which on a shared machine is most of the noise, does not count.
struct ThreadCpu;

/// Wall-clock measurement, only to borrow criterion's duration formatter.
static WALL: WallTime = WallTime;

fn thread_cpu_now() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec and the clock id is a constant Linux supports.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
    let secs = u64::try_from(ts.tv_sec).unwrap_or(0);
    let nanos = u32::try_from(ts.tv_nsec).unwrap_or(0);
    Duration::new(secs, nanos)
}

impl Measurement for ThreadCpu {
    type Intermediate = Duration;
    type Value = Duration;

    fn start(&self) -> Duration {
        thread_cpu_now()
    }
    fn end(&self, start: Duration) -> Duration {
        thread_cpu_now().saturating_sub(start)
    }
    fn add(&self, a: &Duration, b: &Duration) -> Duration {
        *a + *b
    }
    fn zero(&self) -> Duration {
        Duration::ZERO
    }
    fn to_f64(&self, v: &Duration) -> f64 {
        v.as_secs_f64() * 1e9
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        WALL.formatter()
    }
}

/// Runs both cases with the settings above (what `criterion_group!` would generate, written out so
/// the function can carry a doc comment and pick the clock).
fn benches() {
    let c = Criterion::default()
        .warm_up_time(WARM_UP)
        .measurement_time(MEASUREMENT)
        .sample_size(SAMPLES);
    if std::env::var(CLOCK_VAR).is_ok_and(|v| v == "cpu") {
        codec(&mut c.with_measurement(ThreadCpu).configure_from_args());
    } else {
        codec(&mut c.configure_from_args());
    }
}
criterion_main!(benches);
