//! Packets captured from net-snmp 5.9.3 (`tests/data/*.bin`, each with a `.txt` giving the
//! command, the agent's config and a dissection) decode to exactly the fields net-snmp sent,
//! and re-encode to the same bytes: net-snmp emits minimal BER, and so do we.

use std::borrow::Cow;
use std::path::PathBuf;

use snmpact::pdu::{BulkPdu, ErrorStatus, GenericPdu, Message, Pdu, Value, VarBind, Version};

/// Every capture, request and response.
const CAPTURES: [&str; 14] = [
    "v2c-get-request",
    "v2c-get-response",
    "v1-get-request",
    "v1-get-response",
    "v2c-getnext-request",
    "v2c-getnext-response",
    "v2c-getbulk-request",
    "v2c-getbulk-response",
    "v2c-exceptions-request",
    "v2c-exceptions-response",
    "v2c-endofmibview-request",
    "v2c-endofmibview-response",
    "v1-nosuchname-request",
    "v1-nosuchname-response",
];

const SYS_DESCR: &[u8] = b"Linux vm 6.18.44-fc-v669 #1 SMP PREEMPT_DYNAMIC @0 x86_64";
const NET_SNMP_LINUX: &str = "1.3.6.1.4.1.8072.3.2.10";

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

fn load(name: &str) -> Vec<u8> {
    let path = data_dir().join(format!("{name}.bin"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn vb(oid: &str, value: Value<'static>) -> VarBind<'static> {
    VarBind::new(oid.parse().expect("test OID"), value)
}

fn null(oid: &str) -> VarBind<'static> {
    VarBind::null(oid.parse().expect("test OID"))
}

fn text(s: &'static [u8]) -> Value<'static> {
    Value::OctetString(Cow::Borrowed(s))
}

fn oid(s: &str) -> Value<'static> {
    Value::ObjectId(s.parse().expect("test OID"))
}

/// A message of `version` from community `public`.
fn msg(version: Version, pdu: Pdu<'static>) -> Message<'static> {
    Message {
        version,
        community: Cow::Borrowed(b"public"),
        pdu,
    }
}

fn generic(request_id: i32, varbinds: Vec<VarBind<'static>>) -> GenericPdu<'static> {
    GenericPdu {
        request_id,
        error_status: ErrorStatus::NoError,
        error_index: 0,
        varbinds,
    }
}

/// Decodes `name` and checks it equals `want` field for field, then that it re-encodes to the
/// captured bytes.
fn check(name: &str, want: &Message<'_>) {
    let bytes = load(name);
    let got = Message::decode(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(got.version, want.version, "{name}: version");
    assert_eq!(got.community, want.community, "{name}: community");
    assert_eq!(got.pdu.pdu_type(), want.pdu.pdu_type(), "{name}: PDU type");
    assert_eq!(
        got.pdu.request_id(),
        want.pdu.request_id(),
        "{name}: request-id"
    );
    if let (Some(g), Some(w)) = (got.pdu.generic(), want.pdu.generic()) {
        assert_eq!(g.error_status, w.error_status, "{name}: error-status");
        assert_eq!(g.error_index, w.error_index, "{name}: error-index");
    }
    let (got_vbs, want_vbs) = (got.pdu.varbinds(), want.pdu.varbinds());
    assert_eq!(got_vbs.len(), want_vbs.len(), "{name}: varbind count");
    for (i, (g, w)) in got_vbs.iter().zip(want_vbs).enumerate() {
        assert_eq!(g.oid, w.oid, "{name}: varbind {} name", i + 1);
        assert_eq!(g.value, w.value, "{name}: varbind {} value", i + 1);
    }
    assert_eq!(&got, want, "{name}: whole message");
    assert_eq!(got.to_bytes(), bytes, "{name}: re-encoding differs");
    assert_eq!(got.encoded_len(), bytes.len(), "{name}: encoded_len");
}

#[test]
fn v2c_get() {
    let id = 959_900_080;
    let request = msg(
        Version::V2c,
        Pdu::GetRequest(generic(
            id,
            vec![
                null("1.3.6.1.2.1.1.1.0"),
                null("1.3.6.1.2.1.1.3.0"),
                null("1.3.6.1.2.1.1.2.0"),
            ],
        )),
    );
    check("v2c-get-request", &request);
    let response = msg(
        Version::V2c,
        Pdu::Response(generic(
            id,
            vec![
                vb("1.3.6.1.2.1.1.1.0", text(SYS_DESCR)),
                vb("1.3.6.1.2.1.1.3.0", Value::TimeTicks(34_736)),
                vb("1.3.6.1.2.1.1.2.0", oid(NET_SNMP_LINUX)),
            ],
        )),
    );
    check("v2c-get-response", &response);
}

#[test]
fn v1_get() {
    let id = 279_982_840;
    let request = msg(
        Version::V1,
        Pdu::GetRequest(generic(
            id,
            vec![null("1.3.6.1.2.1.1.5.0"), null("1.3.6.1.2.1.1.3.0")],
        )),
    );
    check("v1-get-request", &request);
    let response = msg(
        Version::V1,
        Pdu::Response(generic(
            id,
            vec![
                vb("1.3.6.1.2.1.1.5.0", text(b"vm")),
                vb("1.3.6.1.2.1.1.3.0", Value::TimeTicks(34_737)),
            ],
        )),
    );
    check("v1-get-response", &response);
}

#[test]
fn v2c_getnext() {
    let id = 1_302_332_970;
    let request = msg(
        Version::V2c,
        Pdu::GetNextRequest(generic(
            id,
            vec![null("1.3.6.1.2.1.1.1.0"), null("1.3.6.1.2.1.2.1")],
        )),
    );
    check("v2c-getnext-request", &request);
    let response = msg(
        Version::V2c,
        Pdu::Response(generic(
            id,
            vec![
                vb("1.3.6.1.2.1.1.2.0", oid(NET_SNMP_LINUX)),
                vb("1.3.6.1.2.1.2.1.0", Value::Integer(4)),
            ],
        )),
    );
    check("v2c-getnext-response", &response);
}

#[test]
fn v2c_getbulk() {
    let id = 1_888_508_819;
    let request = msg(
        Version::V2c,
        Pdu::GetBulkRequest(BulkPdu {
            request_id: id,
            non_repeaters: 0,
            max_repetitions: 5,
            varbinds: vec![null("1.3.6.1.2.1.1")],
        }),
    );
    check("v2c-getbulk-request", &request);
    let response = msg(
        Version::V2c,
        Pdu::Response(generic(
            id,
            vec![
                vb("1.3.6.1.2.1.1.1.0", text(SYS_DESCR)),
                vb("1.3.6.1.2.1.1.2.0", oid(NET_SNMP_LINUX)),
                vb("1.3.6.1.2.1.1.3.0", Value::TimeTicks(34_738)),
                vb("1.3.6.1.2.1.1.4.0", text(b"root")),
                vb("1.3.6.1.2.1.1.5.0", text(b"vm")),
            ],
        )),
    );
    check("v2c-getbulk-response", &response);
    // The response outgrows one length octet: net-snmp writes `81 AF`, the minimal long form.
    let bytes = load("v2c-getbulk-response");
    assert_eq!(&bytes[..3], &[0x30, 0x81, 0xaf]);
}

#[test]
fn v2c_exceptions() {
    let id = 804_038_594;
    let request = msg(
        Version::V2c,
        Pdu::GetRequest(generic(
            id,
            vec![null("1.3.6.1.2.1.1.1.1"), null("1.3.6.1.2.1.1.99.0")],
        )),
    );
    check("v2c-exceptions-request", &request);
    let response = msg(
        Version::V2c,
        Pdu::Response(generic(
            id,
            vec![
                vb("1.3.6.1.2.1.1.1.1", Value::NoSuchInstance),
                vb("1.3.6.1.2.1.1.99.0", Value::NoSuchObject),
            ],
        )),
    );
    check("v2c-exceptions-response", &response);
}

#[test]
fn v2c_end_of_mib_view() {
    let id = 1_080_684_192;
    let request = msg(
        Version::V2c,
        Pdu::GetNextRequest(generic(id, vec![null("1.4")])),
    );
    check("v2c-endofmibview-request", &request);
    let response = msg(
        Version::V2c,
        Pdu::Response(generic(id, vec![vb("1.4", Value::EndOfMibView)])),
    );
    check("v2c-endofmibview-response", &response);
}

#[test]
fn v1_no_such_name() {
    let id = 2_083_188_960;
    let varbinds = vec![null("1.3.6.1.2.1.1.1.0"), null("1.3.6.1.2.1.1.1.1")];
    let request = msg(Version::V1, Pdu::GetRequest(generic(id, varbinds.clone())));
    check("v1-nosuchname-request", &request);
    // RFC 1157 §4.1.2: on error the agent returns the request's varbinds unchanged.
    let response = msg(
        Version::V1,
        Pdu::Response(GenericPdu {
            request_id: id,
            error_status: ErrorStatus::NoSuchName,
            error_index: 2,
            varbinds,
        }),
    );
    check("v1-nosuchname-response", &response);
}

#[test]
fn every_capture_has_its_notes_and_round_trips() {
    for name in CAPTURES {
        let bytes = load(name);
        let notes = data_dir().join(format!("{name}.txt"));
        let notes =
            std::fs::read_to_string(&notes).unwrap_or_else(|e| panic!("{}: {e}", notes.display()));
        assert!(notes.contains("Command"), "{name}.txt names its command");
        assert!(
            notes.contains("snmpd.conf"),
            "{name}.txt gives the agent config"
        );
        assert!(
            notes.contains(&format!("{} bytes", bytes.len())),
            "{name}.txt gives the size"
        );
        let m = Message::decode(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(m.to_bytes(), bytes, "{name}");
        // And bytes are borrowed, not copied, for the community.
        assert!(matches!(m.community, Cow::Borrowed(_)), "{name}");
    }
}
