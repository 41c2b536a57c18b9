//! Our text forms against net-snmp's own tools, byte for byte.
//!
//! - A whole-agent walk of a real `snmpd` (a blocking GETNEXT loop written here, on our codec),
//!   formatted with `OidStyle::Numeric`, against `snmpwalk -On .1`, in v2c and v1. Counters,
//!   gauges and timeticks are compared by shape (digits aside); the subtrees in [`VOLATILE`],
//!   whose rows come and go, by presence and type; everything else byte for byte.
//! - `snmpget -On` of a few objects, exceptions included.
//! - Every value type and boundary (empty and 16/17-byte strings, 0x7F/0x80, quotes, timeticks
//!   of 0/99/1 day/2 days/`u32::MAX`, Opaque floats...) served by a loopback responder on our
//!   codec, printed by `snmpget` with `-On`, `-Oq`, `-Ov`, `-Ot` and combinations.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use snmpact::format::{TextOptions, format_value, format_varbind_with};
use snmpact::oid::Oid;
use snmpact::pdu::{ErrorStatus, GenericPdu, Message, Pdu, Value, VarBind, Version};

use crate::harness::snmpd::{Snmpd, TOOLS_MISSING, run_tool, tools_available};

/// How long one of our requests waits for snmpd before retrying.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(2);
/// Retries per request (loopback rarely drops, but a busy CI machine might).
const RETRIES: usize = 3;
/// A whole-agent walk of snmpd gives 6,000-7,700 varbinds here; a small CI image fewer.
const MIN_WALK: usize = 2000;
/// How often the fake responder checks whether it should stop.
const RESPONDER_POLL: Duration = Duration::from_millis(50);

/// Subtrees whose rows come and go or whose values move between two walks (NETSNMP-NOTES.md,
/// and a diff of two walks of snmpd 5.9.3 a few seconds apart).
const VOLATILE: &[&str] = &[
    ".1.3.6.1.2.1.4.22.",     // ipNetToMediaTable (ARP)
    ".1.3.6.1.2.1.4.35.",     // ipNetToPhysicalTable
    ".1.3.6.1.2.1.6.13.",     // tcpConnTable
    ".1.3.6.1.2.1.6.19.",     // tcpConnectionTable
    ".1.3.6.1.2.1.6.20.",     // tcpListenerTable
    ".1.3.6.1.2.1.7.5.",      // udpTable (our own sockets show up)
    ".1.3.6.1.2.1.7.7.",      // udpEndpointTable
    ".1.3.6.1.2.1.25.1.",     // hrSystem: date, users, processes
    ".1.3.6.1.2.1.25.2.",     // hrStorage: used
    ".1.3.6.1.2.1.25.3.",     // hrDevice: processor load
    ".1.3.6.1.2.1.25.4.",     // hrSWRun
    ".1.3.6.1.2.1.25.5.",     // hrSWRunPerf
    ".1.3.6.1.2.1.25.6.",     // hrSWInstalled
    ".1.3.6.1.4.1.2021.4.",   // UCD memory
    ".1.3.6.1.4.1.2021.9.",   // UCD dskTable
    ".1.3.6.1.4.1.2021.10.",  // UCD laTable (load averages)
    ".1.3.6.1.4.1.2021.11.",  // UCD systemStats
    ".1.3.6.1.4.1.2021.13.",  // UCD diskIOTable (load averages)
    ".1.3.6.1.4.1.2021.100.", // UCD versionInfo (versionCDate is now)
    ".1.3.6.1.4.1.8072.1.5.", // nsCacheTable (status flips as caches expire)
    ".1.3.6.1.6.3.10.2.1.3.", // snmpEngineTime
];

/// Value types whose numbers move: compared by type only, wherever they are.
const MOVING_TYPES: [&str; 4] = ["Counter32", "Counter64", "Gauge32", "Timeticks"];

fn is_volatile(oid: &str) -> bool {
    VOLATILE.iter().any(|p| oid.starts_with(p))
}

/// The type word of a printed value (`STRING`, `Hex-STRING` and `""` count as one).
fn type_class(value: &str) -> &str {
    if value == "\"\"" || value.starts_with("STRING: ") || value.starts_with("Hex-STRING: ") {
        return "string";
    }
    value.split_once(": ").map_or(value, |(t, _)| t)
}

/// A printed value with each run of digits replaced by one `0`: `Timeticks: (0) 0:0:0.0`. Two
/// readings of a moving value keep their shape.
fn shape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut in_digits = false;
    for c in value.chars() {
        let digit = c.is_ascii_digit();
        if !(digit && in_digits) {
            out.push(if digit { '0' } else { c });
        }
        in_digits = digit;
    }
    out
}

/// One printed varbind: the OID text and the value text (which may span lines).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    oid: String,
    value: String,
}

impl Entry {
    fn parse(text: &str) -> Entry {
        let (oid, value) = text
            .split_once(" = ")
            .unwrap_or_else(|| panic!("no ' = ' in {text:?}"));
        Entry {
            oid: oid.into(),
            value: value.into(),
        }
    }
}

/// Splits `snmpwalk -On` output into entries: a line starting with `.digit` and holding ` = `
/// begins one; any other line continues the one before (a wrapped hex string, a string with a
/// newline in it). `End of MIB` (v1) is returned separately.
fn split_entries(out: &str) -> (Vec<String>, bool) {
    let mut entries: Vec<String> = Vec::new();
    let mut end_of_mib = false;
    let body = out.strip_suffix('\n').unwrap_or(out);
    for line in body.split('\n') {
        let starts = line.starts_with('.')
            && line[1..].starts_with(|c: char| c.is_ascii_digit())
            && line.contains(" = ");
        if line == "End of MIB" {
            end_of_mib = true;
        } else if starts || entries.is_empty() {
            entries.push(line.to_owned());
        } else if let Some(last) = entries.last_mut() {
            last.push('\n');
            last.push_str(line);
        }
    }
    (entries, end_of_mib)
}

/// A blocking SNMP client over one loopback UDP socket, on our codec.
struct Client {
    sock: UdpSocket,
    version: Version,
    next_id: i32,
    buf: Vec<u8>,
}

impl Client {
    fn new(agent: SocketAddr, version: Version) -> Client {
        let sock = UdpSocket::bind("127.0.0.1:0").expect("bind a loopback socket");
        sock.connect(agent).expect("connect");
        sock.set_read_timeout(Some(REQUEST_TIMEOUT))
            .expect("set the read timeout");
        Client {
            sock,
            version,
            next_id: 1,
            buf: vec![0; 65_536],
        }
    }

    /// Sends one request and returns the matching response.
    fn call(
        &mut self,
        make: fn(GenericPdu<'static>) -> Pdu<'static>,
        oids: &[Oid],
    ) -> Message<'static> {
        let request_id = self.next_id;
        self.next_id += 1;
        let req = Message {
            version: self.version,
            community: Cow::Borrowed(b"public"),
            pdu: make(GenericPdu {
                request_id,
                varbinds: oids.iter().cloned().map(VarBind::null).collect(),
                ..GenericPdu::default()
            }),
        }
        .to_bytes();
        for _ in 0..=RETRIES {
            self.sock.send(&req).expect("send to snmpd");
            while let Ok(n) = self.sock.recv(&mut self.buf) {
                let m = Message::decode(&self.buf[..n]).expect("snmpd's response decodes");
                if m.pdu.request_id() == Some(request_id) {
                    return m.into_owned();
                }
            }
        }
        panic!("no response to request {request_id} after {RETRIES} retries");
    }

    /// Walks the whole agent with GETNEXT, stopping as snmpwalk does: at the first varbind
    /// outside `.1`, after printing an exception, or at an error (v1's noSuchName).
    fn walk_all(&mut self) -> Vec<VarBind<'static>> {
        let mut out = Vec::new();
        // snmpwalk's `.1` goes on the wire as `06 01 01`, i.e. 0.1; 1.0 precedes the same objects.
        let mut next: Oid = "1.0".parse().expect("start OID");
        loop {
            let m = self.call(Pdu::GetNextRequest, std::slice::from_ref(&next));
            let p = m.pdu.generic().expect("a Response");
            if p.error_status != ErrorStatus::NoError {
                assert_eq!(p.error_status, ErrorStatus::NoSuchName, "walk error");
                return out;
            }
            let vb = p.varbinds[0].clone();
            if vb.oid.arcs()[0] != 1 {
                return out;
            }
            let stop = vb.value.is_exception();
            next = vb.oid.clone();
            out.push(vb);
            if stop {
                return out;
            }
        }
    }
}

fn numeric() -> TextOptions {
    TextOptions::numeric()
}

/// Compares our walk of the whole agent with snmpwalk's as described in the module doc.
pub(crate) fn compare_walks(ours: &[VarBind<'_>], theirs: &str, version: Version) {
    compare_subtree_walks(ours, theirs, version, MIN_WALK);
}

/// [`compare_walks`] for a walk of a subtree, which must hold at least `min` entries.
pub(crate) fn compare_subtree_walks(
    ours: &[VarBind<'_>],
    theirs: &str,
    version: Version,
    min: usize,
) {
    let ours: Vec<Entry> = ours
        .iter()
        .map(|vb| Entry::parse(&format_varbind_with(vb, &numeric())))
        .collect();
    compare_entries(ours, theirs, version, min);
}

/// Compares two `snmpwalk -On` outputs the same way (used by the simulator's record-and-serve
/// test: a recorded agent against the original).
pub(crate) fn compare_walk_outputs(ours: &str, theirs: &str, version: Version) {
    let (ours, end_of_mib) = split_entries(ours);
    assert_eq!(
        end_of_mib,
        version == Version::V1,
        "`End of MIB` only in v1 (ours)"
    );
    compare_entries(
        ours.iter().map(|e| Entry::parse(e)).collect(),
        theirs,
        version,
        MIN_WALK,
    );
}

fn compare_entries(ours: Vec<Entry>, theirs: &str, version: Version, min: usize) {
    let (theirs, end_of_mib) = split_entries(theirs);
    assert_eq!(
        end_of_mib,
        version == Version::V1,
        "`End of MIB` only in v1"
    );
    let theirs: Vec<Entry> = theirs.iter().map(|e| Entry::parse(e)).collect();
    assert!(
        theirs.len() >= min && ours.len() >= min,
        "walks too short: ours {}, snmpwalk {}",
        ours.len(),
        theirs.len()
    );

    // Stable subtrees: the same OIDs in the same order, values byte for byte but moving types.
    let stable = |v: &[Entry]| -> Vec<Entry> {
        v.iter().filter(|e| !is_volatile(&e.oid)).cloned().collect()
    };
    let (ours_s, theirs_s) = (stable(&ours), stable(&theirs));
    let mut compared = 0;
    for (i, (o, t)) in ours_s.iter().zip(&theirs_s).enumerate() {
        assert_eq!(o.oid, t.oid, "entry {i}: OIDs differ (ours, snmpwalk)");
        if MOVING_TYPES.contains(&type_class(&t.value)) {
            assert_eq!(
                shape(&o.value),
                shape(&t.value),
                "{}: value shape differs",
                o.oid
            );
        } else {
            assert_eq!(o.value, t.value, "{}: value text differs", o.oid);
            compared += 1;
        }
    }
    assert_eq!(ours_s.len(), theirs_s.len(), "stable entry counts differ");
    assert!(
        compared * 2 > ours_s.len(),
        "most stable entries compared byte for byte"
    );

    // Volatile subtrees: the same tables present, and the same type for OIDs in both walks.
    let volatile = |v: &[Entry]| -> BTreeMap<String, String> {
        v.iter()
            .filter(|e| is_volatile(&e.oid))
            .map(|e| (e.oid.clone(), type_class(&e.value).to_owned()))
            .collect()
    };
    let (ours_v, theirs_v) = (volatile(&ours), volatile(&theirs));
    let tables = |m: &BTreeMap<String, String>| -> BTreeSet<&str> {
        m.keys()
            .filter_map(|oid| VOLATILE.iter().copied().find(|p| oid.starts_with(p)))
            .collect()
    };
    assert_eq!(
        tables(&ours_v),
        tables(&theirs_v),
        "volatile tables present"
    );
    for (oid, ty) in &ours_v {
        if let Some(t) = theirs_v.get(oid) {
            assert_eq!(ty, t, "{oid}: type differs");
        }
    }
}

#[test]
fn v2c_walk_matches_snmpwalk() {
    let agent = Snmpd::start();
    let ours = Client::new(agent.addr(), Version::V2c).walk_all();
    assert!(matches!(
        ours.last().map(|v| &v.value),
        Some(Value::EndOfMibView)
    ));
    let theirs = agent.tool(
        "snmpwalk",
        &["-v2c", "-c", "public", "-On", &agent.target(), ".1"],
    );
    compare_walks(&ours, &theirs, Version::V2c);
}

#[test]
fn v1_walk_matches_snmpwalk() {
    let agent = Snmpd::start();
    let ours = Client::new(agent.addr(), Version::V1).walk_all();
    assert!(
        !ours.iter().any(|v| matches!(v.value, Value::Counter64(_))),
        "v1 has no Counter64"
    );
    let theirs = agent.tool(
        "snmpwalk",
        &["-v1", "-c", "public", "-On", &agent.target(), ".1"],
    );
    compare_walks(&ours, &theirs, Version::V1);
}

#[test]
fn get_matches_snmpget() {
    let agent = Snmpd::start();
    let oids = [
        "1.3.6.1.2.1.1.1.0",  // sysDescr.0
        "1.3.6.1.2.1.1.2.0",  // sysObjectID.0
        "1.3.6.1.2.1.1.3.0",  // sysUpTime.0 (moves: type only)
        "1.3.6.1.2.1.1.1.1",  // no such instance
        "1.3.6.1.2.1.1.99.0", // no such object
        "1.3.6.1.2.1.2.1.0",  // ifNumber.0
    ];
    let oids: Vec<Oid> = oids.iter().map(|o| o.parse().unwrap()).collect();
    let resp = Client::new(agent.addr(), Version::V2c).call(Pdu::GetRequest, &oids);
    let vbs = resp.pdu.varbinds();
    assert!(matches!(vbs[3].value, Value::NoSuchInstance));
    assert!(matches!(vbs[4].value, Value::NoSuchObject));

    let mut args = vec!["-v2c", "-c", "public", "-On"];
    let target = agent.target();
    args.push(&target);
    let dotted: Vec<String> = oids.iter().map(Oid::to_dotted).collect();
    args.extend(dotted.iter().map(String::as_str));
    let theirs = agent.tool("snmpget", &args);
    let (theirs, _) = split_entries(&theirs);
    assert_eq!(theirs.len(), vbs.len());
    for (vb, t) in vbs.iter().zip(&theirs) {
        let ours = format_varbind_with(vb, &numeric());
        if matches!(vb.value, Value::TimeTicks(_)) {
            let cut = |s: &str| s[..s.find('(').unwrap()].to_owned();
            assert_eq!(cut(&ours), cut(t));
        } else {
            assert_eq!(&ours, t);
        }
    }
    assert_eq!(
        theirs[4],
        ".1.3.6.1.2.1.1.99.0 = No Such Object available on this agent at this OID"
    );
    assert_eq!(
        format_value(&vbs[3].value),
        "No Such Instance currently exists at this OID"
    );
}

/// A loopback responder on our codec that answers any GET with `values[last arc]` for each
/// varbind, so snmpget can print values snmpd never serves.
struct Responder {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Responder {
    fn start(values: Vec<Value<'static>>) -> Responder {
        let sock = UdpSocket::bind("127.0.0.1:0").expect("bind the responder");
        sock.set_read_timeout(Some(RESPONDER_POLL))
            .expect("set the responder's poll");
        let addr = sock.local_addr().expect("responder address");
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let mut buf = vec![0u8; 65_536];
            while !stopping.load(Ordering::Relaxed) {
                let Ok((n, from)) = sock.recv_from(&mut buf) else {
                    continue;
                };
                let Ok(req) = Message::decode(&buf[..n]) else {
                    continue;
                };
                let Pdu::GetRequest(p) = &req.pdu else {
                    continue;
                };
                let varbinds = p
                    .varbinds
                    .iter()
                    .map(|vb| {
                        let i = vb.oid.arcs().last().map_or(0, |&a| a as usize);
                        VarBind::new(vb.oid.clone(), values[i].clone())
                    })
                    .collect();
                let resp = Message {
                    version: req.version,
                    community: req.community.clone(),
                    pdu: Pdu::Response(GenericPdu {
                        request_id: p.request_id,
                        varbinds,
                        ..GenericPdu::default()
                    }),
                };
                let _ = sock.send_to(&resp.to_bytes(), from);
            }
        });
        Responder {
            addr,
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Responder {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Every type and boundary net-snmp can receive. (Malformed nested Opaques and tags it does not
/// know make snmpget drop the whole response; format's unit tests cover our form of those.)
fn interop_values() -> Vec<Value<'static>> {
    let os = |b: &[u8]| Value::OctetString(Cow::Owned(b.to_vec()));
    let op = |b: &[u8]| Value::Opaque(Cow::Owned(b.to_vec()));
    let other = |tag: u32, b: &[u8]| Value::Other {
        tag,
        raw: Cow::Owned(b.to_vec()),
    };
    let seq: Vec<u8> = (0..=0x40).collect();
    let mut v = vec![
        os(b""),
        os(b"hello"),
        os(b" "),
        os(b"a\"b\\c"),
        os(b"line1\nline2\n"),
        os(b"tab\there\r\x0b\x0c"),
        os(b"abc\x00"),
        os(b"\x00"),
        os(b"\x7f"),
        os(b"~\x7e"),
        os(b"a\x80"),
        os(b"\xff"),
        os("h\u{e9}llo".as_bytes()),
        os(&seq[..15]),
        os(&seq[..16]),
        os(&seq[..17]),
        os(&seq[..32]),
        os(&seq[..33]),
        os(&seq),
        os(&[b'x'; 300]),
        Value::Integer(0),
        Value::Integer(-1),
        Value::Integer(127),
        Value::Integer(-128),
        Value::Integer(i32::MAX),
        Value::Integer(i32::MIN),
        Value::Null,
        Value::ObjectId("1.3.6.1.4.1.8072.3.2.10".parse().expect("test OID")),
        Value::ObjectId("0.0".parse().expect("test OID")),
        Value::ObjectId("2.999.4294967295".parse().expect("test OID")),
        Value::IpAddress([127, 0, 0, 1]),
        Value::IpAddress([0, 0, 0, 0]),
        Value::IpAddress([255, 255, 255, 255]),
        Value::Counter32(0),
        Value::Counter32(u32::MAX),
        Value::Gauge32(0),
        Value::Gauge32(0x8000_0000),
        Value::Counter64(0),
        Value::Counter64(u64::MAX),
        Value::NoSuchObject,
        Value::NoSuchInstance,
        Value::EndOfMibView,
        op(b""),
        op(b"\x01\x02\x03"),
        op(&seq[..17]),
        op(b"\x9f"),
        op(b"\x9f\x30\x01\x00"),
        op(b"\x9f\x78\x04\x3f\xc0\x00\x00"), // 1.5f
        op(b"\x9f\x78\x04\x7f\xc0\x00\x00"), // NaN
        op(b"\x9f\x78\x04\xff\xc0\x00\x00"), // -NaN
        op(b"\x9f\x78\x04\xff\x80\x00\x00"), // -inf
        op(b"\x9f\x78\x04\x80\x00\x00\x00"), // -0.0
        op(b"\x9f\x78\x04\x3e\xc0\x40\x00"), // 0.375488...
        op(b"\x9f\x79\x08\xc0\x02\x00\x00\x00\x00\x00\x00"), // -2.25
        op(b"\x9f\x79\x08\x3f\x80\x00\x00\x00\x00\x00\x00"), // 0.0078125, a tie
        op(b"\x9f\x79\x08\x3f\xf0\x00\x00\x86\x37\xbd\x06"), // 1.0000005
        op(b"\x9f\x79\x08\x44\x9c\x40\x00\x00\x00\x00\x00"), // 2.5e22
        op(b"\x9f\x76\x02\x01\x00"),
        op(b"\x9f\x76\x01\xff"),
        op(b"\x9f\x7a\x01\xff"),
        op(b"\x9f\x7a\x08\x80\x00\x00\x00\x00\x00\x00\x00"),
        op(b"\x9f\x7b\x01\x05"),
        op(b"\x9f\x7b\x09\x00\xff\xff\xff\xff\xff\xff\xff\xff"),
        other(0x47, b"\x00\xff\xff\xff\xff"),
        other(0x47, b"\xff"),
        other(0x45, b"\x01\x02\x03"),
        other(0x03, b"\xa0"),
        other(0x03, b"\x00\x01\x80"),
    ];
    for t in [
        0u32,
        99,
        100,
        13_867,
        360_000,
        8_639_999,
        8_640_000,
        17_279_999,
        17_280_000,
        u32::MAX,
    ] {
        v.push(Value::TimeTicks(t));
    }
    v
}

#[test]
fn every_value_type_matches_snmpget() {
    assert!(tools_available(), "{TOOLS_MISSING}");
    let values = interop_values();
    let responder = Responder::start(values.clone());
    let target = responder.addr.to_string();
    let oids: Vec<String> = (0..values.len())
        .map(|i| format!(".1.3.6.1.9.{i}"))
        .collect();
    let flag_sets: [(&[&str], TextOptions); 7] = [
        (&[], numeric()),
        (
            &["-Oq"],
            TextOptions {
                quick: true,
                ..numeric()
            },
        ),
        (
            &["-Ov"],
            TextOptions {
                value_only: true,
                ..numeric()
            },
        ),
        (
            &["-Ot"],
            TextOptions {
                numeric_timeticks: true,
                ..numeric()
            },
        ),
        (
            &["-Oqv"],
            TextOptions {
                quick: true,
                value_only: true,
                ..numeric()
            },
        ),
        (
            &["-Oqt"],
            TextOptions {
                quick: true,
                numeric_timeticks: true,
                ..numeric()
            },
        ),
        (
            &["-Oqvt"],
            TextOptions {
                quick: true,
                value_only: true,
                numeric_timeticks: true,
                ..numeric()
            },
        ),
    ];
    for (flags, opts) in flag_sets {
        let mut args = vec!["-v2c", "-c", "public", "-On", "-t", "2", "-r", "1"];
        args.extend_from_slice(flags);
        args.push(&target);
        args.extend(oids.iter().map(String::as_str));
        let out = run_tool("snmpget", &args);
        let theirs = String::from_utf8(out.stdout).expect("UTF-8");
        assert!(
            out.status.success(),
            "snmpget {flags:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut ours = String::new();
        for (oid, v) in oids.iter().zip(&values) {
            let vb = VarBind::new(oid.parse().unwrap(), v.clone());
            ours.push_str(&format_varbind_with(&vb, &opts));
            ours.push('\n');
        }
        // Line by line first, for a readable failure; then the whole output, byte for byte.
        for (i, (o, t)) in ours.split('\n').zip(theirs.split('\n')).enumerate() {
            assert_eq!(o, t, "snmpget {flags:?}, line {i}");
        }
        assert_eq!(ours, theirs, "snmpget {flags:?}");
    }
    // The Names style cannot be checked this way (with MIBS="" net-snmp prints `iso.3.6.1...`);
    // format's unit tests check it against crate::mib.
}

#[test]
fn walk_output_splits_into_entries() {
    let out = ".1.3.6.1.2.1.1.1.0 = STRING: \"a\nb\"\n.1.3.6.1.2.1.2.2.1.6.2 = Hex-STRING: \
               00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F \n10 \nEnd of MIB\n";
    let (entries, end) = split_entries(out);
    assert!(end);
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0], ".1.3.6.1.2.1.1.1.0 = STRING: \"a\nb\"");
    assert!(entries[1].ends_with("0F \n10 "));
    assert_eq!(
        shape("Timeticks: (13867) 0:02:18.67"),
        "Timeticks: (0) 0:0:0.0"
    );
    assert_eq!(type_class("\"\""), type_class("Hex-STRING: 00 "));
}
