//! Byte-exact vectors for the BER layer: one `(value, bytes)` table per type drives both
//! directions, plus a table of malformed inputs with the exact error each must give.

use super::*;
use crate::oid::Oid;

/// Bytes already in the buffer before an encode: the writer appends, so it must leave them alone.
const GUARD: [u8; 3] = [0xa5; 3];

/// Encodes with `f` after [`GUARD`] bytes already in the buffer (the smoltcp technique for an
/// appending writer): a writer that overwrote, skipped or counted from the buffer's start instead
/// of its own start would change the guard or shift the output.
fn enc(f: impl FnOnce(&mut Writer<'_>)) -> Vec<u8> {
    let mut buf = GUARD.to_vec();
    let mut w = Writer::new(&mut buf);
    f(&mut w);
    assert_eq!(
        buf[..GUARD.len()],
        GUARD,
        "the encoder touched bytes before its own"
    );
    buf.split_off(GUARD.len())
}

// INTEGER (Integer32), X.690 §8.3: minimal two's complement.
const INTEGERS: &[(i32, &[u8])] = &[
    (0, &[0x02, 0x01, 0x00]),
    (1, &[0x02, 0x01, 0x01]),
    (127, &[0x02, 0x01, 0x7f]),
    (128, &[0x02, 0x02, 0x00, 0x80]),
    (255, &[0x02, 0x02, 0x00, 0xff]),
    (256, &[0x02, 0x02, 0x01, 0x00]),
    (-1, &[0x02, 0x01, 0xff]),
    (-128, &[0x02, 0x01, 0x80]),
    (-129, &[0x02, 0x02, 0xff, 0x7f]),
    (32767, &[0x02, 0x02, 0x7f, 0xff]),
    (32768, &[0x02, 0x03, 0x00, 0x80, 0x00]),
    (i32::MAX, &[0x02, 0x04, 0x7f, 0xff, 0xff, 0xff]),
    (i32::MIN, &[0x02, 0x04, 0x80, 0x00, 0x00, 0x00]),
    (1_414_684_022, &[0x02, 0x04, 0x54, 0x52, 0x5d, 0x76]),
];

#[test]
fn integer_vectors_both_ways() {
    for &(v, bytes) in INTEGERS {
        assert_eq!(
            enc(|w| w.int(tag::INTEGER, i64::from(v))),
            bytes,
            "encode {v}"
        );
        assert_eq!(
            Reader::new(bytes).read_i32(tag::INTEGER),
            Ok(v),
            "decode {v}"
        );
        assert_eq!(int_len(i64::from(v)) + 2, bytes.len());
    }
}

// Unsigned types (Counter32 0x41, Gauge32 0x42, TimeTicks 0x43): 0x00 pad when the top bit is set.
const UNSIGNED32: &[(u32, &[u8])] = &[
    (0, &[0x41, 0x01, 0x00]),
    (127, &[0x41, 0x01, 0x7f]),
    (128, &[0x41, 0x02, 0x00, 0x80]),
    (0x7fff_ffff, &[0x41, 0x04, 0x7f, 0xff, 0xff, 0xff]),
    (0x8000_0000, &[0x41, 0x05, 0x00, 0x80, 0x00, 0x00, 0x00]),
    (u32::MAX, &[0x41, 0x05, 0x00, 0xff, 0xff, 0xff, 0xff]),
];

#[test]
fn unsigned32_vectors_both_ways() {
    for &(v, bytes) in UNSIGNED32 {
        assert_eq!(
            enc(|w| w.uint(tag::COUNTER32, u64::from(v))),
            bytes,
            "encode {v}"
        );
        assert_eq!(
            Reader::new(bytes).read_u32(tag::COUNTER32),
            Ok(v),
            "decode {v}"
        );
    }
}

const COUNTER64: &[(u64, &[u8])] = &[
    (0, &[0x46, 0x01, 0x00]),
    (0x80, &[0x46, 0x02, 0x00, 0x80]),
    (
        0x7fff_ffff_ffff_ffff,
        &[0x46, 0x08, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
    ),
    (
        0x8000_0000_0000_0000,
        &[0x46, 0x09, 0x00, 0x80, 0, 0, 0, 0, 0, 0, 0],
    ),
    (
        u64::MAX,
        &[
            0x46, 0x09, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        ],
    ),
];

#[test]
fn counter64_vectors_both_ways() {
    for &(v, bytes) in COUNTER64 {
        assert_eq!(enc(|w| w.uint(tag::COUNTER64, v)), bytes, "encode {v}");
        assert_eq!(
            Reader::new(bytes).read_u64(tag::COUNTER64),
            Ok(v),
            "decode {v}"
        );
    }
}

// Lengths, X.690 §8.1.3: short form below 0x80, else minimal long form.
const LENGTHS: &[(usize, &[u8])] = &[
    (0, &[0x00]),
    (0x7f, &[0x7f]),
    (0x80, &[0x81, 0x80]),
    (0xff, &[0x81, 0xff]),
    (0x100, &[0x82, 0x01, 0x00]),
    (0xffff, &[0x82, 0xff, 0xff]),
    (0x10000, &[0x83, 0x01, 0x00, 0x00]),
];

#[test]
fn length_vectors_both_ways() {
    for &(len, bytes) in LENGTHS {
        assert_eq!(enc(|w| w.length(len)), bytes, "encode {len}");
        assert_eq!(length_len(len), bytes.len());
        let mut tlv = vec![0x04];
        tlv.extend_from_slice(bytes);
        tlv.resize(tlv.len() + len, 0x61);
        let mut r = Reader::new(&tlv);
        assert_eq!(
            r.read_primitive(tag::OCTET_STRING).map(<[u8]>::len),
            Ok(len)
        );
        assert!(r.is_empty());
    }
}

#[test]
fn non_minimal_lengths_are_accepted() {
    // RFC 3417 §8: definite lengths need not be minimal.
    for bytes in [
        &[0x02, 0x81, 0x01, 0x05][..],
        &[0x02, 0x82, 0x00, 0x01, 0x05],
        &[0x02, 0x84, 0x00, 0x00, 0x00, 0x01, 0x05],
    ] {
        assert_eq!(Reader::new(bytes).read_i32(tag::INTEGER), Ok(5));
    }
}

#[test]
fn unsigned_values_without_their_pad_read_as_unsigned() {
    // net-snmp's tolerance: `41 01 ff` is Counter32 255, not an error.
    assert_eq!(
        Reader::new(&[0x41, 0x01, 0xff]).read_u32(tag::COUNTER32),
        Ok(255)
    );
    assert_eq!(
        Reader::new(&[0x41, 0x04, 0xff, 0xff, 0xff, 0xff]).read_u32(tag::COUNTER32),
        Ok(u32::MAX)
    );
    assert_eq!(
        Reader::new(&[0x46, 0x08, 0x80, 0, 0, 0, 0, 0, 0, 0]).read_u64(tag::COUNTER64),
        Ok(1 << 63)
    );
}

#[test]
fn non_minimal_integers_are_accepted_in_range() {
    assert_eq!(
        Reader::new(&[0x02, 0x02, 0x00, 0x05]).read_i32(tag::INTEGER),
        Ok(5)
    );
    assert_eq!(
        Reader::new(&[0x02, 0x02, 0xff, 0xff]).read_i32(tag::INTEGER),
        Ok(-1)
    );
    assert_eq!(
        Reader::new(&[0x02, 0x06, 0, 0, 0, 0, 0, 0x05]).read_i32(tag::INTEGER),
        Ok(5)
    );
    assert_eq!(
        Reader::new(&[0x41, 0x06, 0, 0, 0xff, 0xff, 0xff, 0xff]).read_u32(tag::COUNTER32),
        Ok(u32::MAX)
    );
}

// OBJECT IDENTIFIER, X.690 §8.19.
const OIDS: &[(&str, &[u8])] = &[
    (
        "1.3.6.1.2.1.1.3",
        &[0x06, 0x07, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x03],
    ),
    ("0.0", &[0x06, 0x01, 0x00]),
    ("0.39", &[0x06, 0x01, 0x27]),
    ("1.0", &[0x06, 0x01, 0x28]),
    ("2.0", &[0x06, 0x01, 0x50]),
    ("2.47", &[0x06, 0x01, 0x7f]),
    ("2.48", &[0x06, 0x02, 0x81, 0x00]),
    ("1.3.127", &[0x06, 0x02, 0x2b, 0x7f]),
    ("1.3.128", &[0x06, 0x03, 0x2b, 0x81, 0x00]),
    ("1.3.16383", &[0x06, 0x03, 0x2b, 0xff, 0x7f]),
    ("1.3.16384", &[0x06, 0x04, 0x2b, 0x81, 0x80, 0x00]),
    (
        "1.3.6.1.4.1.8072",
        &[0x06, 0x07, 0x2b, 0x06, 0x01, 0x04, 0x01, 0xbf, 0x08],
    ),
    (
        "1.3.4294967295",
        &[0x06, 0x06, 0x2b, 0x8f, 0xff, 0xff, 0xff, 0x7f],
    ),
    ("2.4294967215", &[0x06, 0x05, 0x8f, 0xff, 0xff, 0xff, 0x7f]),
];

#[test]
fn oid_vectors_both_ways() {
    for &(text, bytes) in OIDS {
        let oid: Oid = text.parse().unwrap();
        assert_eq!(enc(|w| w.oid(&oid)), bytes, "encode {text}");
        assert_eq!(oid_content_len(oid.arcs()) + 2, bytes.len(), "len {text}");
        assert_eq!(Reader::new(bytes).read_oid(), Ok(oid), "decode {text}");
    }
}

#[test]
fn largest_arc_under_2_round_trips() {
    let oid: Oid = "2.4294967295.4294967295".parse().unwrap();
    let bytes = enc(|w| w.oid(&oid));
    assert_eq!(Reader::new(&bytes).read_oid(), Ok(oid));
}

#[test]
fn oid_of_128_arcs_is_the_limit() {
    let mut bytes = vec![0x06, 127, 0x2b];
    bytes.extend(std::iter::repeat_n(0x01, 126));
    assert_eq!(Reader::new(&bytes).read_oid().map(|o| o.len()), Ok(128));
    let mut bytes = vec![0x06, 0x81, 128, 0x2b];
    bytes.extend(std::iter::repeat_n(0x01, 127));
    assert_eq!(
        Reader::new(&bytes).read_oid().unwrap_err(),
        Error::new(ErrorKind::OidTooLong, 0)
    );
}

fn kind(kind: ErrorKind, offset: usize) -> Error {
    Error::new(kind, offset)
}

#[test]
fn malformed_inputs_give_their_exact_error() {
    type Case = (
        &'static str,
        &'static [u8],
        fn(&mut Reader<'_>) -> Result<(), Error>,
        Error,
    );
    let int = |r: &mut Reader<'_>| r.read_i32(tag::INTEGER).map(drop);
    let u32_ = |r: &mut Reader<'_>| r.read_u32(tag::COUNTER32).map(drop);
    let u64_ = |r: &mut Reader<'_>| r.read_u64(tag::COUNTER64).map(drop);
    let oid = |r: &mut Reader<'_>| r.read_oid().map(drop);
    let octets = |r: &mut Reader<'_>| r.read_primitive(tag::OCTET_STRING).map(drop);
    let seq = |r: &mut Reader<'_>| r.read_constructed(tag::SEQUENCE).map(drop);
    let null = |r: &mut Reader<'_>| r.read_null();
    let cases: &[Case] = &[
        (
            "empty input",
            &[],
            int,
            kind(
                ErrorKind::Truncated {
                    needed: 1,
                    available: 0,
                },
                0,
            ),
        ),
        (
            "no length",
            &[0x02],
            int,
            kind(
                ErrorKind::Truncated {
                    needed: 1,
                    available: 0,
                },
                1,
            ),
        ),
        (
            "content short",
            &[0x02, 0x02, 0x01],
            int,
            kind(
                ErrorKind::Truncated {
                    needed: 2,
                    available: 1,
                },
                0,
            ),
        ),
        (
            "long length short",
            &[0x04, 0x82, 0x01],
            octets,
            kind(
                ErrorKind::Truncated {
                    needed: 1,
                    available: 0,
                },
                3,
            ),
        ),
        (
            "indefinite",
            &[0x30, 0x80, 0x00, 0x00],
            seq,
            kind(ErrorKind::IndefiniteLength, 1),
        ),
        (
            "reserved 0xff length",
            &[0x04, 0xff],
            octets,
            kind(ErrorKind::LengthTooLong, 1),
        ),
        (
            "huge length",
            &[0x04, 0x89, 1, 0, 0, 0, 0, 0, 0, 0, 0],
            octets,
            kind(ErrorKind::LengthTooLong, 1),
        ),
        (
            "length past end",
            &[0x04, 0x84, 0x7f, 0xff, 0xff, 0xff],
            octets,
            kind(
                ErrorKind::Truncated {
                    needed: 0x7fff_ffff,
                    available: 0,
                },
                0,
            ),
        ),
        (
            "wrong tag",
            &[0x04, 0x00],
            int,
            kind(
                ErrorKind::UnexpectedTag {
                    expected: 0x02,
                    actual: 0x04,
                },
                0,
            ),
        ),
        (
            "constructed octets",
            &[0x24, 0x00],
            octets,
            kind(ErrorKind::ConstructedPrimitive { tag: 0x24 }, 0),
        ),
        (
            "constructed integer",
            &[0x22, 0x03, 0x02, 0x01, 0x00],
            int,
            kind(ErrorKind::ConstructedPrimitive { tag: 0x22 }, 0),
        ),
        (
            "empty integer",
            &[0x02, 0x00],
            int,
            kind(ErrorKind::IntegerEmpty, 0),
        ),
        (
            "integer32 overflow",
            &[0x02, 0x05, 0x00, 0x80, 0, 0, 0],
            int,
            kind(ErrorKind::IntegerOverflow, 0),
        ),
        (
            "integer32 underflow",
            &[0x02, 0x05, 0xff, 0x7f, 0xff, 0xff, 0xff],
            int,
            kind(ErrorKind::IntegerOverflow, 0),
        ),
        (
            "counter32 2^32",
            &[0x41, 0x05, 0x01, 0, 0, 0, 0],
            u32_,
            kind(ErrorKind::IntegerOverflow, 0),
        ),
        (
            "counter64 2^64",
            &[0x46, 0x09, 0x01, 0, 0, 0, 0, 0, 0, 0, 0],
            u64_,
            kind(ErrorKind::IntegerOverflow, 0),
        ),
        (
            "counter64 nine bytes unpadded",
            &[0x46, 0x09, 0xff, 0, 0, 0, 0, 0, 0, 0, 0],
            u64_,
            kind(ErrorKind::IntegerOverflow, 0),
        ),
        (
            "counter32 five bytes unpadded",
            &[0x41, 0x05, 0x80, 0, 0, 0, 0],
            u32_,
            kind(ErrorKind::IntegerOverflow, 0),
        ),
        (
            "empty oid",
            &[0x06, 0x00],
            oid,
            kind(ErrorKind::OidEmpty, 0),
        ),
        (
            "oid 0x80 lead",
            &[0x06, 0x03, 0x2b, 0x80, 0x01],
            oid,
            kind(ErrorKind::OidNonMinimal, 0),
        ),
        (
            "oid first 0x80",
            &[0x06, 0x02, 0x80, 0x01],
            oid,
            kind(ErrorKind::OidNonMinimal, 0),
        ),
        (
            "oid truncated subid",
            &[0x06, 0x02, 0x2b, 0x81],
            oid,
            kind(ErrorKind::OidTruncated, 0),
        ),
        (
            "oid arc 2^32",
            &[0x06, 0x06, 0x2b, 0x90, 0x80, 0x80, 0x80, 0x00],
            oid,
            kind(ErrorKind::OidArcOverflow, 0),
        ),
        (
            "oid first subid too big",
            &[0x06, 0x05, 0x90, 0x80, 0x80, 0x81, 0x00],
            oid,
            kind(ErrorKind::OidArcOverflow, 0),
        ),
        (
            "null with content",
            &[0x05, 0x01, 0x00],
            null,
            kind(
                ErrorKind::BadLength {
                    tag: 0x05,
                    expected: 0,
                    actual: 1,
                },
                0,
            ),
        ),
        (
            "tag too long",
            &[0x5f, 0x81, 0x81, 0x81, 0x01, 0x00],
            octets,
            kind(ErrorKind::TagTooLong, 0),
        ),
    ];
    for (name, bytes, f, want) in cases {
        let mut r = Reader::new(bytes);
        assert_eq!(f(&mut r), Err(*want), "{name}");
    }
}

#[test]
fn error_display_names_kind_and_offset() {
    let e = Error::new(ErrorKind::IndefiniteLength, 7);
    assert_eq!(
        e.to_string(),
        "indefinite length form is not allowed in SNMP at byte 7"
    );
    assert_eq!(e.label(), "indefinite_length");
}

#[test]
fn nested_offsets_are_absolute() {
    // SEQUENCE { INTEGER 1, INTEGER <empty> }: the error points at byte 5 of the whole input.
    let bytes = [0x30, 0x05, 0x02, 0x01, 0x01, 0x02, 0x00];
    let mut r = Reader::new(&bytes);
    let mut s = r.read_constructed(tag::SEQUENCE).unwrap();
    assert_eq!(s.read_i32(tag::INTEGER), Ok(1));
    assert_eq!(
        s.read_i32(tag::INTEGER),
        Err(Error::new(ErrorKind::IntegerEmpty, 5))
    );
}

#[test]
fn high_tag_numbers_are_read_whole() {
    let bytes = [0x5f, 0x81, 0x00, 0x01, 0xaa];
    let (h, c) = Reader::new(&bytes).read_any().unwrap();
    assert_eq!(h.tag, 0x005f_8100);
    assert_eq!(c, &[0xaa]);
    assert_eq!(enc(|w| w.tag(h.tag)), &bytes[..3]);
}

#[test]
fn depth_is_limited() {
    let mut bytes = Vec::new();
    for i in 0..(MAX_DEPTH + 2) {
        bytes.push(0x30);
        bytes.push(u8::try_from(2 * (MAX_DEPTH + 1 - i)).unwrap());
    }
    let mut r = Reader::new(&bytes);
    let mut err = None;
    for _ in 0..(MAX_DEPTH + 2) {
        match r.read_constructed(tag::SEQUENCE) {
            Ok(inner) => r = inner,
            Err(e) => {
                err = Some(e);
                break;
            }
        }
    }
    assert_eq!(err.map(|e| e.kind), Some(ErrorKind::TooDeep));
}
