//! Whole-message vectors (one TLV per line), message-level malformed inputs, and property tests:
//! decode(encode(x)) == x, and no input makes the decoder panic.

use std::borrow::Cow;

use proptest::prelude::*;

use super::*;
use crate::ber::{ErrorKind, Reader, Writer};
use crate::oid::Oid;

fn oid(s: &str) -> Oid {
    s.parse().unwrap()
}

/// RFC 3417 §8.1: the GetBulkRequest example. Its outer length is deliberately non-minimal
/// (`82 00 39`), which a decoder must accept; our encoder emits the minimal `39`.
#[rustfmt::skip]
const RFC3417_BULK: &[u8] = &[
    0xa5, 0x82, 0x00, 0x39,                                            // [5] IMPLICIT SEQUENCE
    0x02, 0x04, 0x54, 0x52, 0x5d, 0x76,                                //   request-id 1414684022
    0x02, 0x01, 0x01,                                                  //   non-repeaters 1
    0x02, 0x01, 0x02,                                                  //   max-repetitions 2
    0x30, 0x2b,                                                        //   SEQUENCE OF
    0x30, 0x0b,                                                        //     SEQUENCE
    0x06, 0x07, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x03,              //       sysUpTime
    0x05, 0x00,                                                        //       NULL
    0x30, 0x0d,                                                        //     SEQUENCE
    0x06, 0x09, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x04, 0x16, 0x01, 0x02,  //       ipNetToMediaPhysAddress
    0x05, 0x00,                                                        //       NULL
    0x30, 0x0d,                                                        //     SEQUENCE
    0x06, 0x09, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x04, 0x16, 0x01, 0x04,  //       ipNetToMediaType
    0x05, 0x00,                                                        //       NULL
];

fn rfc3417_bulk() -> Pdu<'static> {
    Pdu::GetBulkRequest(BulkPdu {
        request_id: 1_414_684_022,
        non_repeaters: 1,
        max_repetitions: 2,
        varbinds: vec![
            VarBind::null(oid("1.3.6.1.2.1.1.3")),
            VarBind::null(oid("1.3.6.1.2.1.4.22.1.2")),
            VarBind::null(oid("1.3.6.1.2.1.4.22.1.4")),
        ],
    })
}

#[test]
fn rfc3417_getbulk_decodes_and_reencodes_minimally() {
    let mut r = Reader::new(RFC3417_BULK);
    assert_eq!(Pdu::decode(&mut r), Ok(rfc3417_bulk()));
    assert!(r.is_empty());
    let mut out = Vec::new();
    rfc3417_bulk().encode(&mut Writer::new(&mut out));
    // Same bytes but for the length form: a5 39 instead of a5 82 00 39.
    assert_eq!(out[..2], [0xa5, 0x39]);
    assert_eq!(out[2..], RFC3417_BULK[4..]);
    assert_eq!(rfc3417_bulk().encoded_len(), out.len());
}

/// A v2c GetRequest for sysDescr.0, community "public", request-id 0x1234 (built by hand from
/// RFC 1157/3416; the layout `snmpget -v2c -c public HOST 1.3.6.1.2.1.1.1.0` sends).
#[rustfmt::skip]
const V2C_GET_SYSDESCR: &[u8] = &[
    0x30, 0x27,                                                        // Message SEQUENCE
    0x02, 0x01, 0x01,                                                  //   version 1 (v2c)
    0x04, 0x06, b'p', b'u', b'b', b'l', b'i', b'c',                    //   community "public"
    0xa0, 0x1a,                                                        //   GetRequest-PDU
    0x02, 0x02, 0x12, 0x34,                                            //     request-id 4660
    0x02, 0x01, 0x00,                                                  //     error-status 0
    0x02, 0x01, 0x00,                                                  //     error-index 0
    0x30, 0x0e,                                                        //     SEQUENCE OF
    0x30, 0x0c,                                                        //       SEQUENCE
    0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00,        //         sysDescr.0
    0x05, 0x00,                                                        //         NULL
];

#[test]
fn v2c_get_vector() {
    let m = Message::decode(V2C_GET_SYSDESCR).unwrap();
    assert_eq!(m.version, Version::V2c);
    assert_eq!(&*m.community, b"public");
    assert_eq!(m.pdu.pdu_type(), PduType::GetRequest);
    assert_eq!(m.pdu.request_id(), Some(0x1234));
    assert_eq!(m.pdu.varbinds(), &[VarBind::null(oid("1.3.6.1.2.1.1.1.0"))]);
    assert_eq!(m.to_bytes(), V2C_GET_SYSDESCR);
    assert_eq!(m.encoded_len(), V2C_GET_SYSDESCR.len());
    // The community borrows from the input: no copy.
    assert!(matches!(m.community, Cow::Borrowed(_)));
}

/// A v2c Response carrying one value of every type, checked TLV by TLV.
#[rustfmt::skip]
pub(crate) const V2C_RESPONSE_ALL_TYPES: &[u8] = &[
    0x30, 0x81, 0xb8,                                                  // Message SEQUENCE (184)
    0x02, 0x01, 0x01,                                                  //   version v2c
    0x04, 0x06, b'p', b'u', b'b', b'l', b'i', b'c',                    //   community
    0xa2, 0x81, 0xaa,                                                  //   Response-PDU (170)
    0x02, 0x01, 0x07,                                                  //     request-id 7
    0x02, 0x01, 0x00,                                                  //     error-status noError
    0x02, 0x01, 0x00,                                                  //     error-index 0
    0x30, 0x81, 0x9e,                                                  //     SEQUENCE OF (158)
    0x30, 0x08, 0x06, 0x03, 0x2b, 0x06, 0x01, 0x02, 0x01, 0xff,        //       1.3.6.1 INTEGER -1
    0x30, 0x09, 0x06, 0x03, 0x2b, 0x06, 0x02, 0x04, 0x02, b'h', b'i',  //       1.3.6.2 STRING "hi"
    0x30, 0x07, 0x06, 0x03, 0x2b, 0x06, 0x03, 0x05, 0x00,              //       1.3.6.3 NULL
    0x30, 0x0a, 0x06, 0x03, 0x2b, 0x06, 0x04, 0x06, 0x03, 0x2b, 0x06, 0x01, // 1.3.6.4 OID 1.3.6.1
    0x30, 0x0b, 0x06, 0x03, 0x2b, 0x06, 0x05, 0x40, 0x04, 127, 0, 0, 1, //      1.3.6.5 IpAddress
    0x30, 0x0c, 0x06, 0x03, 0x2b, 0x06, 0x06, 0x41, 0x05, 0x00, 0xff, 0xff, 0xff, 0xff, // Counter32 max
    0x30, 0x08, 0x06, 0x03, 0x2b, 0x06, 0x07, 0x42, 0x01, 0x05,        //       1.3.6.7 Gauge32 5
    0x30, 0x09, 0x06, 0x03, 0x2b, 0x06, 0x08, 0x43, 0x02, 0x36, 0x2b, //       1.3.6.8 TimeTicks 13867
    0x30, 0x0a, 0x06, 0x03, 0x2b, 0x06, 0x09, 0x44, 0x03, 0x9f, 0x78, 0x00, // 1.3.6.9 Opaque
    0x30, 0x10, 0x06, 0x03, 0x2b, 0x06, 0x0a, 0x46, 0x09, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, // Counter64 max
    0x30, 0x07, 0x06, 0x03, 0x2b, 0x06, 0x0b, 0x80, 0x00,              //       noSuchObject
    0x30, 0x07, 0x06, 0x03, 0x2b, 0x06, 0x0c, 0x81, 0x00,              //       noSuchInstance
    0x30, 0x07, 0x06, 0x03, 0x2b, 0x06, 0x0d, 0x82, 0x00,              //       endOfMibView
    0x30, 0x09, 0x06, 0x03, 0x2b, 0x06, 0x0e, 0x47, 0x02, 0x01, 0x02, //       UInteger32: unknown, kept raw
];

#[test]
fn response_with_every_type() {
    let m = Message::decode(V2C_RESPONSE_ALL_TYPES).unwrap();
    let values: Vec<&Value<'_>> = m.pdu.varbinds().iter().map(|vb| &vb.value).collect();
    assert_eq!(
        values,
        [
            &Value::Integer(-1),
            &Value::OctetString(Cow::Borrowed(b"hi")),
            &Value::Null,
            &Value::ObjectId(oid("1.3.6.1")),
            &Value::IpAddress([127, 0, 0, 1]),
            &Value::Counter32(u32::MAX),
            &Value::Gauge32(5),
            &Value::TimeTicks(13867),
            &Value::Opaque(Cow::Borrowed(&[0x9f, 0x78, 0x00])),
            &Value::Counter64(u64::MAX),
            &Value::NoSuchObject,
            &Value::NoSuchInstance,
            &Value::EndOfMibView,
            &Value::Other {
                tag: 0x47,
                raw: Cow::Borrowed(&[0x01, 0x02])
            },
        ]
    );
    assert_eq!(m.to_bytes(), V2C_RESPONSE_ALL_TYPES);
    // Owned copies compare equal and outlive the buffer.
    let owned = {
        let copy = V2C_RESPONSE_ALL_TYPES.to_vec();
        Message::decode(&copy).unwrap().into_owned()
    };
    assert_eq!(owned, m);
}

/// An SNMPv1 Trap (RFC 1157 §4.1.6): linkDown from 127.0.0.1, one varbind.
#[rustfmt::skip]
pub(crate) const V1_TRAP: &[u8] = &[
    0x30, 0x31,                                                        // Message
    0x02, 0x01, 0x00,                                                  //   version v1
    0x04, 0x06, b'p', b'u', b'b', b'l', b'i', b'c',                    //   community
    0xa4, 0x24,                                                        //   Trap-PDU
    0x06, 0x07, 0x2b, 0x06, 0x01, 0x04, 0x01, 0xbf, 0x08,              //     enterprise 1.3.6.1.4.1.8072
    0x40, 0x04, 127, 0, 0, 1,                                          //     agent-addr
    0x02, 0x01, 0x02,                                                  //     generic-trap linkDown(2)
    0x02, 0x01, 0x00,                                                  //     specific-trap 0
    0x43, 0x01, 0x2a,                                                  //     time-stamp 42
    0x30, 0x0a,                                                        //     SEQUENCE OF
    0x30, 0x08, 0x06, 0x03, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x03,        //       1.3.6.1 INTEGER 3
];

#[test]
fn v1_trap_vector() {
    let m = Message::decode(V1_TRAP).unwrap();
    assert_eq!(m.version, Version::V1);
    let Pdu::TrapV1(t) = &m.pdu else {
        panic!("not a trap: {m:?}")
    };
    assert_eq!(t.enterprise, oid("1.3.6.1.4.1.8072"));
    assert_eq!(t.agent_addr, [127, 0, 0, 1]);
    assert_eq!((t.generic_trap, t.specific_trap, t.time_stamp), (2, 0, 42));
    assert_eq!(m.pdu.request_id(), None);
    assert_eq!(m.to_bytes(), V1_TRAP);
}

#[test]
fn every_pdu_type_round_trips() {
    let g = || GenericPdu {
        request_id: -5,
        error_status: ErrorStatus::Other(99),
        error_index: 3,
        varbinds: vec![VarBind::null(oid("1.3.6.1.2.1.1.5.0"))],
    };
    for pdu in [
        Pdu::GetRequest(g()),
        Pdu::GetNextRequest(g()),
        Pdu::Response(g()),
        Pdu::SetRequest(g()),
        Pdu::InformRequest(g()),
        Pdu::SnmpV2Trap(g()),
        Pdu::Report(g()),
        rfc3417_bulk(),
    ] {
        let m = Message {
            version: Version::V2c,
            community: Cow::Borrowed(b"c"),
            pdu,
        };
        let bytes = m.to_bytes();
        assert_eq!(bytes.len(), m.encoded_len());
        assert_eq!(Message::decode(&bytes), Ok(m));
    }
}

#[test]
fn malformed_messages_give_their_exact_error() {
    let ber = |kind, offset| Error::Ber(ber::Error::new(kind, offset));
    let cases: &[(&str, &[u8], Error)] = &[
        (
            "v3",
            &[0x30, 0x03, 0x02, 0x01, 0x03],
            Error::Version3 { offset: 2 },
        ),
        (
            "version 2",
            &[0x30, 0x03, 0x02, 0x01, 0x02],
            Error::UnsupportedVersion {
                version: 2,
                offset: 2,
            },
        ),
        (
            "version -1",
            &[0x30, 0x03, 0x02, 0x01, 0xff],
            Error::UnsupportedVersion {
                version: -1,
                offset: 2,
            },
        ),
        (
            "version huge",
            &[0x30, 0x07, 0x02, 0x05, 0x01, 0, 0, 0, 0],
            Error::UnsupportedVersion {
                version: i64::MAX,
                offset: 2,
            },
        ),
        (
            "not a sequence",
            &[0x31, 0x00],
            ber(
                ErrorKind::UnexpectedTag {
                    expected: 0x30,
                    actual: 0x31,
                },
                0,
            ),
        ),
        (
            "trailing after message",
            &[0x30, 0x00, 0x00],
            ber(ErrorKind::TrailingBytes, 2),
        ),
        (
            "version not integer",
            &[0x30, 0x02, 0x04, 0x00],
            ber(
                ErrorKind::UnexpectedTag {
                    expected: 0x02,
                    actual: 0x04,
                },
                2,
            ),
        ),
        (
            "no community",
            &[0x30, 0x03, 0x02, 0x01, 0x01],
            ber(
                ErrorKind::Truncated {
                    needed: 1,
                    available: 0,
                },
                5,
            ),
        ),
        (
            "unknown pdu",
            &[0x30, 0x07, 0x02, 0x01, 0x01, 0x04, 0x00, 0xa9, 0x00],
            Error::UnknownPduType {
                tag: 0xa9,
                offset: 7,
            },
        ),
        (
            "primitive pdu tag",
            &[0x30, 0x07, 0x02, 0x01, 0x01, 0x04, 0x00, 0x80, 0x00],
            Error::UnknownPduType {
                tag: 0x80,
                offset: 7,
            },
        ),
        (
            "empty pdu",
            &[0x30, 0x07, 0x02, 0x01, 0x01, 0x04, 0x00, 0xa2, 0x00],
            ber(
                ErrorKind::Truncated {
                    needed: 1,
                    available: 0,
                },
                9,
            ),
        ),
        (
            "varbind trailing byte",
            &[
                0x30, 0x17, 0x02, 0x01, 0x01, 0x04, 0x00, 0xa2, 0x10, 0x02, 0x01, 0x01, 0x02, 0x01,
                0x00, 0x02, 0x01, 0x00, 0x30, 0x05, 0x30, 0x03, 0x06, 0x01, 0x2b,
            ],
            ber(
                ErrorKind::Truncated {
                    needed: 1,
                    available: 0,
                },
                25,
            ),
        ),
        (
            "bad ipaddress length",
            &[
                0x30, 0x1b, 0x02, 0x01, 0x01, 0x04, 0x00, 0xa2, 0x14, 0x02, 0x01, 0x01, 0x02, 0x01,
                0x00, 0x02, 0x01, 0x00, 0x30, 0x09, 0x30, 0x07, 0x06, 0x01, 0x2b, 0x40, 0x02, 127,
                1,
            ],
            ber(
                ErrorKind::BadLength {
                    tag: 0x40,
                    expected: 4,
                    actual: 2,
                },
                25,
            ),
        ),
        (
            "constructed octet string value",
            &[
                0x30, 0x19, 0x02, 0x01, 0x01, 0x04, 0x00, 0xa2, 0x12, 0x02, 0x01, 0x01, 0x02, 0x01,
                0x00, 0x02, 0x01, 0x00, 0x30, 0x07, 0x30, 0x05, 0x06, 0x01, 0x2b, 0x24, 0x00,
            ],
            ber(ErrorKind::ConstructedPrimitive { tag: 0x24 }, 25),
        ),
        (
            "counter32 five bytes unpadded",
            &[
                0x30, 0x1e, 0x02, 0x01, 0x01, 0x04, 0x00, 0xa2, 0x17, 0x02, 0x01, 0x01, 0x02, 0x01,
                0x00, 0x02, 0x01, 0x00, 0x30, 0x0c, 0x30, 0x0a, 0x06, 0x01, 0x2b, 0x41, 0x05, 0x80,
                0, 0, 0, 0,
            ],
            ber(ErrorKind::IntegerOverflow, 25),
        ),
        (
            "v1 trap agent-addr of two bytes",
            &[
                0x30, 0x0e, 0x02, 0x01, 0x00, 0x04, 0x00, 0xa4, 0x07, 0x06, 0x01, 0x2b, 0x40, 0x02,
                0x7f, 0x01,
            ],
            ber(
                ErrorKind::BadLength {
                    tag: 0x40,
                    expected: 4,
                    actual: 2,
                },
                12,
            ),
        ),
        (
            "indefinite varbind list",
            &[
                0x30, 0x14, 0x02, 0x01, 0x01, 0x04, 0x00, 0xa2, 0x0d, 0x02, 0x01, 0x01, 0x02, 0x01,
                0x00, 0x02, 0x01, 0x00, 0x30, 0x80, 0x00, 0x00,
            ],
            ber(ErrorKind::IndefiniteLength, 19),
        ),
    ];
    for (name, bytes, want) in cases {
        assert_eq!(Message::decode(bytes), Err(*want), "{name}");
        assert_eq!(
            Message::decode(bytes).unwrap_err().offset(),
            want.offset(),
            "{name}"
        );
    }
}

// ---- property tests ----

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

fn arb_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..300)
}

fn arb_value() -> impl Strategy<Value = Value<'static>> {
    prop_oneof![
        any::<i32>().prop_map(Value::Integer),
        arb_bytes().prop_map(|b| Value::OctetString(Cow::Owned(b))),
        Just(Value::Null),
        arb_oid().prop_map(Value::ObjectId),
        any::<[u8; 4]>().prop_map(Value::IpAddress),
        any::<u32>().prop_map(Value::Counter32),
        any::<u32>().prop_map(Value::Gauge32),
        any::<u32>().prop_map(Value::TimeTicks),
        arb_bytes().prop_map(|b| Value::Opaque(Cow::Owned(b))),
        any::<u64>().prop_map(Value::Counter64),
        Just(Value::NoSuchObject),
        Just(Value::NoSuchInstance),
        Just(Value::EndOfMibView),
        (
            prop_oneof![0x45u32..=0x45, 0x47u32..=0x5e, 0x83u32..=0x9e],
            arb_bytes()
        )
            .prop_map(|(tag, b)| Value::Other {
                tag,
                raw: Cow::Owned(b)
            }),
    ]
}

fn arb_varbinds() -> impl Strategy<Value = Vec<VarBind<'static>>> {
    prop::collection::vec(
        (arb_oid(), arb_value()).prop_map(|(o, v)| VarBind::new(o, v)),
        0..12,
    )
}

fn arb_generic() -> impl Strategy<Value = GenericPdu<'static>> {
    (any::<i32>(), any::<i32>(), any::<i32>(), arb_varbinds()).prop_map(|(id, es, ei, vbs)| {
        GenericPdu {
            request_id: id,
            error_status: ErrorStatus::from_i32(es),
            error_index: ei,
            varbinds: vbs,
        }
    })
}

fn arb_pdu() -> impl Strategy<Value = Pdu<'static>> {
    prop_oneof![
        arb_generic().prop_map(Pdu::GetRequest),
        arb_generic().prop_map(Pdu::GetNextRequest),
        arb_generic().prop_map(Pdu::Response),
        arb_generic().prop_map(Pdu::SetRequest),
        arb_generic().prop_map(Pdu::InformRequest),
        arb_generic().prop_map(Pdu::SnmpV2Trap),
        arb_generic().prop_map(Pdu::Report),
        (any::<i32>(), any::<i32>(), any::<i32>(), arb_varbinds()).prop_map(|(id, n, m, vbs)| {
            Pdu::GetBulkRequest(BulkPdu {
                request_id: id,
                non_repeaters: n,
                max_repetitions: m,
                varbinds: vbs,
            })
        }),
        (
            arb_oid(),
            any::<[u8; 4]>(),
            any::<i32>(),
            any::<i32>(),
            any::<u32>(),
            arb_varbinds()
        )
            .prop_map(
                |(enterprise, agent_addr, generic_trap, specific_trap, time_stamp, varbinds)| {
                    Pdu::TrapV1(TrapV1Pdu {
                        enterprise,
                        agent_addr,
                        generic_trap,
                        specific_trap,
                        time_stamp,
                        varbinds,
                    })
                }
            ),
    ]
}

fn arb_message() -> impl Strategy<Value = Message<'static>> {
    (
        prop_oneof![Just(Version::V1), Just(Version::V2c)],
        arb_bytes(),
        arb_pdu(),
    )
        .prop_map(|(version, c, pdu)| Message {
            version,
            community: Cow::Owned(c),
            pdu,
        })
}

proptest! {
    #[test]
    fn message_round_trips(m in arb_message()) {
        let bytes = m.to_bytes();
        prop_assert_eq!(bytes.len(), m.encoded_len());
        let back = Message::decode(&bytes).unwrap();
        prop_assert_eq!(&back, &m);
        // Re-encoding what was decoded gives the same bytes (the encoding is canonical).
        prop_assert_eq!(back.to_bytes(), bytes);
    }

    #[test]
    fn value_round_trips(v in arb_value()) {
        let mut buf = Vec::new();
        v.encode(&mut Writer::new(&mut buf));
        prop_assert_eq!(buf.len(), v.encoded_len());
        let mut r = Reader::new(&buf);
        prop_assert_eq!(Value::decode(&mut r).unwrap(), v);
        prop_assert!(r.is_empty());
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        if let Err(e) = Message::decode(&bytes) {
            prop_assert!(e.offset() <= bytes.len());
        }
    }

    #[test]
    fn mutated_messages_never_panic(m in arb_message(), flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8), cut in any::<prop::sample::Index>()) {
        let mut bytes = m.to_bytes();
        for (i, b) in flips {
            let i = i.index(bytes.len());
            bytes[i] = b;
        }
        let _ = Message::decode(&bytes);
        let n = cut.index(bytes.len() + 1);
        if let Err(e) = Message::decode(&bytes[..n]) {
            prop_assert!(e.offset() <= n);
        }
    }
}

#[test]
fn raw_ber_of_oid_and_value_matches_the_wire() {
    let m = Message::decode(V2C_RESPONSE_ALL_TYPES).unwrap();
    let vb = &m.pdu.varbinds()[1];
    assert_eq!(vb.oid_ber(), [0x06, 0x03, 0x2b, 0x06, 0x02]);
    assert_eq!(vb.value_ber(), [0x04, 0x02, b'h', b'i']);
    let c64 = &m.pdu.varbinds()[9];
    assert_eq!(
        c64.value_ber(),
        [
            0x46, 0x09, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
        ]
    );
}
