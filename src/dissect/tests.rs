//! Exact dissections of whole messages, valid and broken; the JSON form; no panic on any input;
//! and the replay of every captured packet in `tests/data/`.

use proptest::prelude::*;

use super::*;
use crate::ber::ErrorKind;
use crate::pdu::Message;
use crate::pdu::tests::V1_TRAP; // linkDown from 127.0.0.1

/// An expected dissection written as a raw string that opens with a line break (so its first
/// line lines up with the others in the source).
fn text(s: &str) -> &str {
    s.strip_prefix('\n').unwrap_or(s)
}

/// A v2c GetRequest for sysDescr.0, community "public", request-id 0x1234: the layout
/// `snmpget -v2c -c public HOST 1.3.6.1.2.1.1.1.0` sends (as in `pdu/tests.rs`).
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

const V2C_GET_SYSDESCR_TEXT: &str = r#"
 0  30 27  SEQUENCE len 39: message
 2  02 01    INTEGER len 1: version = 1 (v2c)
 5  04 06    OCTET STRING len 6: community = "public"
13  a0 1a    GetRequest-PDU len 26
15  02 02      INTEGER len 2: request-id = 4660
19  02 01      INTEGER len 1: error-status = 0 (noError)
22  02 01      INTEGER len 1: error-index = 0
25  30 0e      SEQUENCE len 14: variable-bindings
27  30 0c        SEQUENCE len 12: varbind 1
29  06 08          OBJECT IDENTIFIER len 8: name = 1.3.6.1.2.1.1.1.0 (SNMPv2-MIB::sysDescr.0)
39  05 00          NULL len 0: value
valid SNMPv2c GetRequest
"#;

#[test]
fn v2c_get_request() {
    let d = dissect(V2C_GET_SYSDESCR);
    assert_eq!(d.to_string(), text(V2C_GET_SYSDESCR_TEXT));
    assert!(d.is_valid());
    assert_eq!(
        d.verdict(),
        Ok(Verdict {
            version: Version::V2c,
            pdu_type: Some(PduType::GetRequest),
            flags: None,
        })
    );
    assert_eq!(d.len(), 41);
    assert_eq!(d.fault(), None);
}

#[test]
fn community_can_be_redacted() {
    let d = dissect_with(
        V2C_GET_SYSDESCR,
        Options {
            redact_community: true,
        },
    );
    let shown = d.to_string();
    assert_eq!(
        shown.lines().nth(2),
        Some(" 5  04 06    OCTET STRING len 6: community = <redacted>")
    );
    assert!(!shown.contains("public"));
    assert!(!d.to_json().to_string().contains("public"));
    // Everything else is as without redaction.
    let plain = text(V2C_GET_SYSDESCR_TEXT).replace("\"public\"", "<redacted>");
    assert_eq!(shown, plain);
}

// A v2c Response with one value of every type, a Counter32 with a `0x00` pad, an Opaque, and
// an unknown `[APPLICATION 7]` kept raw: the vector of `pdu/tests.rs`.
use crate::pdu::tests::V2C_RESPONSE_ALL_TYPES;

const V2C_RESPONSE_ALL_TYPES_TEXT: &str = r#"
  0  30 81 b8  SEQUENCE len 184: message
  3  02 01       INTEGER len 1: version = 1 (v2c)
  6  04 06       OCTET STRING len 6: community = "public"
 14  a2 81 aa    Response-PDU len 170
 17  02 01         INTEGER len 1: request-id = 7
 20  02 01         INTEGER len 1: error-status = 0 (noError)
 23  02 01         INTEGER len 1: error-index = 0
 26  30 81 9e      SEQUENCE len 158: variable-bindings
 29  30 08           SEQUENCE len 8: varbind 1
 31  06 03             OBJECT IDENTIFIER len 3: name = 1.3.6.1 (SNMPv2-SMI::internet)
 36  02 01             INTEGER len 1: value = -1
 39  30 09           SEQUENCE len 9: varbind 2
 41  06 03             OBJECT IDENTIFIER len 3: name = 1.3.6.2 (SNMPv2-SMI::dod.2)
 46  04 02             OCTET STRING len 2: value = "hi"
 50  30 07           SEQUENCE len 7: varbind 3
 52  06 03             OBJECT IDENTIFIER len 3: name = 1.3.6.3 (SNMPv2-SMI::dod.3)
 57  05 00             NULL len 0: value
 59  30 0a           SEQUENCE len 10: varbind 4
 61  06 03             OBJECT IDENTIFIER len 3: name = 1.3.6.4 (SNMPv2-SMI::dod.4)
 66  06 03             OBJECT IDENTIFIER len 3: value = 1.3.6.1 (SNMPv2-SMI::internet)
 71  30 0b           SEQUENCE len 11: varbind 5
 73  06 03             OBJECT IDENTIFIER len 3: name = 1.3.6.5 (SNMPv2-SMI::dod.5)
 78  40 04             IpAddress len 4: value = 127.0.0.1
 84  30 0c           SEQUENCE len 12: varbind 6
 86  06 03             OBJECT IDENTIFIER len 3: name = 1.3.6.6 (SNMPv2-SMI::dod.6)
 91  41 05             Counter32 len 5: value = 4294967295
 98  30 08           SEQUENCE len 8: varbind 7
100  06 03             OBJECT IDENTIFIER len 3: name = 1.3.6.7 (SNMPv2-SMI::dod.7)
105  42 01             Gauge32 len 1: value = 5
108  30 09           SEQUENCE len 9: varbind 8
110  06 03             OBJECT IDENTIFIER len 3: name = 1.3.6.8 (SNMPv2-SMI::dod.8)
115  43 02             TimeTicks len 2: value = 13867 (0:02:18.67)
119  30 0a           SEQUENCE len 10: varbind 9
121  06 03             OBJECT IDENTIFIER len 3: name = 1.3.6.9 (SNMPv2-SMI::dod.9)
126  44 03             Opaque len 3: value = 9f 78 00
131  30 10           SEQUENCE len 16: varbind 10
133  06 03             OBJECT IDENTIFIER len 3: name = 1.3.6.10 (SNMPv2-SMI::dod.10)
138  46 09             Counter64 len 9: value = 18446744073709551615
149  30 07           SEQUENCE len 7: varbind 11
151  06 03             OBJECT IDENTIFIER len 3: name = 1.3.6.11 (SNMPv2-SMI::dod.11)
156  80 00             noSuchObject len 0: value
158  30 07           SEQUENCE len 7: varbind 12
160  06 03             OBJECT IDENTIFIER len 3: name = 1.3.6.12 (SNMPv2-SMI::dod.12)
165  81 00             noSuchInstance len 0: value
167  30 07           SEQUENCE len 7: varbind 13
169  06 03             OBJECT IDENTIFIER len 3: name = 1.3.6.13 (SNMPv2-SMI::dod.13)
174  82 00             endOfMibView len 0: value
176  30 09           SEQUENCE len 9: varbind 14
178  06 03             OBJECT IDENTIFIER len 3: name = 1.3.6.14 (SNMPv2-SMI::dod.14)
183  47 02             [APPLICATION 7] len 2: value = 01 02
valid SNMPv2c Response
"#;

#[test]
fn response_with_every_type() {
    assert_eq!(
        dissect(V2C_RESPONSE_ALL_TYPES).to_string(),
        text(V2C_RESPONSE_ALL_TYPES_TEXT)
    );
}

#[test]
fn v1_trap() {
    let want = r#"
 0  30 31  SEQUENCE len 49: message
 2  02 01    INTEGER len 1: version = 0 (v1)
 5  04 06    OCTET STRING len 6: community = "public"
13  a4 24    Trap-PDU len 36
15  06 07      OBJECT IDENTIFIER len 7: enterprise = 1.3.6.1.4.1.8072 (NET-SNMP-MIB::netSnmp)
24  40 04      IpAddress len 4: agent-addr = 127.0.0.1
30  02 01      INTEGER len 1: generic-trap = 2 (linkDown)
33  02 01      INTEGER len 1: specific-trap = 0
36  43 01      TimeTicks len 1: time-stamp = 42 (0:00:00.42)
39  30 0a      SEQUENCE len 10: variable-bindings
41  30 08        SEQUENCE len 8: varbind 1
43  06 03          OBJECT IDENTIFIER len 3: name = 1.3.6.1 (SNMPv2-SMI::internet)
48  02 01          INTEGER len 1: value = 3
valid SNMPv1 Trap
"#;
    assert_eq!(dissect(V1_TRAP).to_string(), text(want));
}

/// RFC 3417 §8.1's GetBulkRequest inside a v2c message, with its non-minimal `82 00 39` length
/// kept: the header column shows the octets as sent.
#[test]
fn get_bulk_with_long_form_length() {
    #[rustfmt::skip]
    let bytes: &[u8] = &[
        0x30, 0x43,                                                    // Message
        0x02, 0x01, 0x01,                                              //   version
        0x04, 0x01, b'c',                                              //   community
        0xa5, 0x82, 0x00, 0x39,                                        //   GetBulkRequest-PDU
        0x02, 0x04, 0x54, 0x52, 0x5d, 0x76,                            //     request-id
        0x02, 0x01, 0x01,                                              //     non-repeaters
        0x02, 0x01, 0x02,                                              //     max-repetitions
        0x30, 0x2b,                                                    //     SEQUENCE OF
        0x30, 0x0b,                                                    //       SEQUENCE
        0x06, 0x07, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x03,          //         sysUpTime
        0x05, 0x00,                                                    //         NULL
        0x30, 0x0d,                                                    //       SEQUENCE
        0x06, 0x09, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x04, 0x16, 0x01, 0x02, //      ipNetToMediaPhysAddress
        0x05, 0x00,                                                    //         NULL
        0x30, 0x0d,                                                    //       SEQUENCE
        0x06, 0x09, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x04, 0x16, 0x01, 0x04, //      ipNetToMediaType
        0x05, 0x00,                                                    //         NULL
    ];
    let text = dissect(bytes).to_string();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[3], " 8  a5 82 00 39    GetBulkRequest-PDU len 57");
    assert_eq!(
        lines[4],
        "12  02 04            INTEGER len 4: request-id = 1414684022"
    );
    assert_eq!(
        lines[5],
        "18  02 01            INTEGER len 1: non-repeaters = 1"
    );
    assert_eq!(
        lines[6],
        "21  02 01            INTEGER len 1: max-repetitions = 2"
    );
    assert_eq!(lines.last(), Some(&"valid SNMPv2c GetBulkRequest"));
}

#[test]
fn truncated_capture_shows_the_bytes_that_are_there() {
    let cut = &V2C_GET_SYSDESCR[..35];
    let want = r#"
 0  30 27  SEQUENCE len 39: message (error: truncated: needs 39 bytes, 33 available)
 2  02 01    INTEGER len 1: version = 1 (v2c)
 5  04 06    OCTET STRING len 6: community = "public"
13  a0 1a    GetRequest-PDU len 26 (error: truncated: needs 26 bytes, 20 available)
15  02 02      INTEGER len 2: request-id = 4660
19  02 01      INTEGER len 1: error-status = 0 (noError)
22  02 01      INTEGER len 1: error-index = 0
25  30 0e      SEQUENCE len 14: variable-bindings (error: truncated: needs 14 bytes, 8 available)
27  30 0c        SEQUENCE len 12: varbind 1 (error: truncated: needs 12 bytes, 6 available)
29  06 08          OBJECT IDENTIFIER len 8: name (error: truncated: needs 8 bytes, 4 available)
error at byte 0: truncated: needs 39 bytes, 33 available
"#;
    let d = dissect(cut);
    assert_eq!(d.to_string(), text(want));
    let truncated = |needed, available| ErrorKind::Truncated { needed, available };
    assert_eq!(d.verdict().unwrap_err().offset(), 0);
    let top = &d.elements()[0];
    assert_eq!((top.len, top.present), (39, 33));
    assert_eq!(top.error.map(|e| e.kind), Some(truncated(39, 33)));
}

#[test]
fn bad_integer_is_shown_in_place_and_the_walk_goes_on() {
    // request-id of five significant octets: out of range for Integer32.
    #[rustfmt::skip]
    let bytes: &[u8] = &[
        0x30, 0x1d,                                                    // Message
        0x02, 0x01, 0x01,                                              //   version
        0x04, 0x00,                                                    //   community ""
        0xa2, 0x16,                                                    //   Response-PDU
        0x02, 0x05, 0x01, 0x00, 0x00, 0x00, 0x00,                      //     request-id: too big
        0x02, 0x01, 0x00,                                              //     error-status
        0x02, 0x01, 0x00,                                              //     error-index
        0x30, 0x07, 0x30, 0x05, 0x06, 0x01, 0x2b, 0x05, 0x00,          //     one varbind
    ];
    let want = r#"
 0  30 1d  SEQUENCE len 29: message
 2  02 01    INTEGER len 1: version = 1 (v2c)
 5  04 00    OCTET STRING len 0: community = ""
 7  a2 16    Response-PDU len 22
 9  02 05      INTEGER len 5: request-id = 01 00 00 00 00 (error: integer out of range for its type)
16  02 01      INTEGER len 1: error-status = 0 (noError)
19  02 01      INTEGER len 1: error-index = 0
22  30 07      SEQUENCE len 7: variable-bindings
24  30 05        SEQUENCE len 5: varbind 1
26  06 01          OBJECT IDENTIFIER len 1: name = 1.3 (SNMPv2-SMI::org)
29  05 00          NULL len 0: value
error at byte 9: integer out of range for its type
"#;
    assert_eq!(dissect(bytes).to_string(), text(want));
}

#[test]
fn framing_fault_ends_its_container_only() {
    // Varbind 1's value uses the indefinite form; varbind 2 is still shown.
    #[rustfmt::skip]
    let bytes: &[u8] = &[
        0x30, 0x21,                                                    // Message
        0x02, 0x01, 0x01,                                              //   version
        0x04, 0x00,                                                    //   community
        0xa2, 0x1a,                                                    //   Response-PDU
        0x02, 0x01, 0x01,                                              //     request-id
        0x02, 0x01, 0x05,                                              //     error-status genErr
        0x02, 0x01, 0x02,                                              //     error-index 2
        0x30, 0x0f,                                                    //     SEQUENCE OF
        0x30, 0x05, 0x06, 0x01, 0x2b, 0x04, 0x80,                      //       value: indefinite
        0x30, 0x06, 0x06, 0x01, 0x2b, 0x41, 0x01, 0x07,                //       Counter32 7
    ];
    let want = r#"
 0  30 21  SEQUENCE len 33: message
 2  02 01    INTEGER len 1: version = 1 (v2c)
 5  04 00    OCTET STRING len 0: community = ""
 7  a2 1a    Response-PDU len 26
 9  02 01      INTEGER len 1: request-id = 1
12  02 01      INTEGER len 1: error-status = 5 (genErr)
15  02 01      INTEGER len 1: error-index = 2
18  30 0f      SEQUENCE len 15: variable-bindings
20  30 05        SEQUENCE len 5: varbind 1
22  06 01          OBJECT IDENTIFIER len 1: name = 1.3 (SNMPv2-SMI::org)
26                 error: indefinite length form is not allowed in SNMP
27  30 06        SEQUENCE len 6: varbind 2
29  06 01          OBJECT IDENTIFIER len 1: name = 1.3 (SNMPv2-SMI::org)
32  41 01          Counter32 len 1: value = 7
error at byte 26: indefinite length form is not allowed in SNMP
"#;
    let d = dissect(bytes);
    assert_eq!(d.to_string(), text(want));
    let vb1 = &d.elements()[0].children[2].children[3].children[0];
    assert_eq!(
        vb1.fault,
        Some(ber::Error::new(ErrorKind::IndefiniteLength, 26))
    );
}

// SNMPv3 (RFC 3412 §6, RFC 3414 §2.4): net-snmp 5.9.3's datagrams from `crate::v3::vectors`.

use crate::v3::vectors as v3v;

/// The octets of a vector written in hex.
fn v3_bytes(hex: &str) -> Vec<u8> {
    crate::usm::parse_hex(hex).unwrap()
}

/// Every datagram of `crate::v3::vectors`, by name.
#[rustfmt::skip]
const V3_VECTORS: &[(&str, &str)] = &[
    ("DISCOVERY_PROBE", v3v::DISCOVERY_PROBE),
    ("DISCOVERY_REPORT", v3v::DISCOVERY_REPORT),
    ("MD5_GET", v3v::MD5_GET),
    ("MD5_RESPONSE", v3v::MD5_RESPONSE),
    ("SHA1_GET", v3v::SHA1_GET),
    ("SHA1_RESPONSE", v3v::SHA1_RESPONSE),
    ("SHA256_AES_GET", v3v::SHA256_AES_GET),
    ("SHA256_AES_RESPONSE", v3v::SHA256_AES_RESPONSE),
    ("MD5_DES_GET", v3v::MD5_DES_GET),
    ("MD5_DES_RESPONSE", v3v::MD5_DES_RESPONSE),
    ("SHA1_AES256_GET", v3v::SHA1_AES256_GET),
    ("SHA1_AES256_RESPONSE", v3v::SHA1_AES256_RESPONSE),
    ("MD5_AES192_GET", v3v::MD5_AES192_GET),
    ("MD5_AES192_RESPONSE", v3v::MD5_AES192_RESPONSE),
    ("SHA1_AES256C_GET", v3v::SHA1_AES256C_GET),
    ("SHA1_AES256C_RESPONSE", v3v::SHA1_AES256C_RESPONSE),
    ("MD5_AES192C_GET", v3v::MD5_AES192C_GET),
    ("MD5_AES192C_RESPONSE", v3v::MD5_AES192C_RESPONSE),
    ("WRONG_DIGEST_GET", v3v::WRONG_DIGEST_GET),
    ("WRONG_DIGEST_REPORT", v3v::WRONG_DIGEST_REPORT),
    ("UNKNOWN_USER_GET", v3v::UNKNOWN_USER_GET),
    ("UNKNOWN_USER_REPORT", v3v::UNKNOWN_USER_REPORT),
    ("DES_WRONG_PRIV_GET", v3v::DES_WRONG_PRIV_GET),
    ("AES_WRONG_PRIV_GET", v3v::AES_WRONG_PRIV_GET),
    ("DECRYPTION_ERROR_GET", v3v::DECRYPTION_ERROR_GET),
    ("DECRYPTION_ERROR_REPORT", v3v::DECRYPTION_ERROR_REPORT),
    ("NOT_IN_TIME_WINDOW_GET", v3v::NOT_IN_TIME_WINDOW_GET),
    ("NOT_IN_TIME_WINDOW_REPORT", v3v::NOT_IN_TIME_WINDOW_REPORT),
    ("UNSUPPORTED_SEC_LEVEL_GET", v3v::UNSUPPORTED_SEC_LEVEL_GET),
    ("UNSUPPORTED_SEC_LEVEL_REPORT", v3v::UNSUPPORTED_SEC_LEVEL_REPORT),
    ("SHA224_GET", v3v::SHA224_GET),
    ("SHA224_RESPONSE", v3v::SHA224_RESPONSE),
    ("SHA384_AES192_GET", v3v::SHA384_AES192_GET),
    ("SHA384_AES192_RESPONSE", v3v::SHA384_AES192_RESPONSE),
    ("SHA512_AES256_GET", v3v::SHA512_AES256_GET),
    ("SHA512_AES256_RESPONSE", v3v::SHA512_AES256_RESPONSE),
];

#[test]
fn v3_discovery_probe() {
    let want = r#"
 0  30 3d  SEQUENCE len 61: message
 2  02 01    INTEGER len 1: msgVersion = 3 (v3)
 5  30 10    SEQUENCE len 16: msgGlobalData
 7  02 03      INTEGER len 3: msgID = 2555329
12  02 03      INTEGER len 3: msgMaxSize = 65507
17  04 01      OCTET STRING len 1: msgFlags = 04 (reportable)
20  02 01      INTEGER len 1: msgSecurityModel = 3 (USM)
23  04 10    OCTET STRING len 16: msgSecurityParameters
25  30 0e      SEQUENCE len 14: UsmSecurityParameters
27  04 00        OCTET STRING len 0: msgAuthoritativeEngineID (empty)
29  02 01        INTEGER len 1: msgAuthoritativeEngineBoots = 0
32  02 01        INTEGER len 1: msgAuthoritativeEngineTime = 0
35  04 00        OCTET STRING len 0: msgUserName = ""
37  04 00        OCTET STRING len 0: msgAuthenticationParameters (empty)
39  04 00        OCTET STRING len 0: msgPrivacyParameters (empty)
41  30 14    SEQUENCE len 20: scopedPDU
43  04 00      OCTET STRING len 0: contextEngineID (empty)
45  04 00      OCTET STRING len 0: contextName = ""
47  a0 0e      GetRequest-PDU len 14
49  02 04        INTEGER len 4: request-id = 2093500358
55  02 01        INTEGER len 1: error-status = 0 (noError)
58  02 01        INTEGER len 1: error-index = 0
61  30 00        SEQUENCE len 0: variable-bindings
valid SNMPv3 GetRequest
"#;
    let d = dissect(&v3_bytes(v3v::DISCOVERY_PROBE));
    assert_eq!(d.to_string(), text(want));
    assert_eq!(
        d.verdict(),
        Ok(Verdict {
            version: Version::V3,
            pdu_type: Some(PduType::GetRequest),
            flags: Some(Flags(0x04)),
        })
    );
}

#[test]
fn v3_discovery_report_names_its_counter() {
    let want = r#"
  0  30 66  SEQUENCE len 102: message
  2  02 01    INTEGER len 1: msgVersion = 3 (v3)
  5  30 10    SEQUENCE len 16: msgGlobalData
  7  02 03      INTEGER len 3: msgID = 2555329
 12  02 03      INTEGER len 3: msgMaxSize = 65507
 17  04 01      OCTET STRING len 1: msgFlags = 00 (none)
 20  02 01      INTEGER len 1: msgSecurityModel = 3 (USM)
 23  04 1c    OCTET STRING len 28: msgSecurityParameters
 25  30 1a      SEQUENCE len 26: UsmSecurityParameters
 27  04 0c        OCTET STRING len 12: msgAuthoritativeEngineID = 80 00 1f 88 04 73 6e 6d 70 61 63 74 (enterprise 8072, text "snmpact")
 41  02 01        INTEGER len 1: msgAuthoritativeEngineBoots = 1
 44  02 01        INTEGER len 1: msgAuthoritativeEngineTime = 8
 47  04 00        OCTET STRING len 0: msgUserName = ""
 49  04 00        OCTET STRING len 0: msgAuthenticationParameters (empty)
 51  04 00        OCTET STRING len 0: msgPrivacyParameters (empty)
 53  30 31    SEQUENCE len 49: scopedPDU
 55  04 0c      OCTET STRING len 12: contextEngineID = 80 00 1f 88 04 73 6e 6d 70 61 63 74 (enterprise 8072, text "snmpact")
 69  04 00      OCTET STRING len 0: contextName = ""
 71  a8 1f      Report-PDU len 31 (usmStatsUnknownEngineIDs: Unknown engine ID)
 73  02 04        INTEGER len 4: request-id = 2093500358
 79  02 01        INTEGER len 1: error-status = 0 (noError)
 82  02 01        INTEGER len 1: error-index = 0
 85  30 11        SEQUENCE len 17: variable-bindings
 87  30 0f          SEQUENCE len 15: varbind 1
 89  06 0a            OBJECT IDENTIFIER len 10: name = 1.3.6.1.6.3.15.1.1.4.0 (SNMP-USER-BASED-SM-MIB::usmStatsUnknownEngineIDs.0)
101  41 01            Counter32 len 1: value = 1
valid SNMPv3 Report
"#;
    assert_eq!(
        dissect(&v3_bytes(v3v::DISCOVERY_REPORT)).to_string(),
        text(want)
    );
}

#[test]
fn v3_every_report_names_its_counter() {
    for (hex, want) in [
        (
            v3v::DISCOVERY_REPORT,
            "usmStatsUnknownEngineIDs: Unknown engine ID",
        ),
        (
            v3v::WRONG_DIGEST_REPORT,
            "usmStatsWrongDigests: Authentication failure (incorrect password, community or key)",
        ),
        (
            v3v::UNKNOWN_USER_REPORT,
            "usmStatsUnknownUserNames: Unknown user name",
        ),
        (
            v3v::DECRYPTION_ERROR_REPORT,
            "usmStatsDecryptionErrors: Decryption error",
        ),
        (
            v3v::NOT_IN_TIME_WINDOW_REPORT,
            "usmStatsNotInTimeWindows: Time synchronization needed",
        ),
        (
            v3v::UNSUPPORTED_SEC_LEVEL_REPORT,
            "usmStatsUnsupportedSecLevels: Unsupported security level",
        ),
    ] {
        let d = dissect(&v3_bytes(hex));
        let pdu = &d.elements()[0].children[3].children[2];
        assert_eq!(pdu.tag_name, "Report-PDU");
        assert_eq!(pdu.meaning.as_deref(), Some(want));
        assert_eq!(d.verdict_line(), "valid SNMPv3 Report");
    }
}

#[test]
fn v3_auth_priv_request_is_shown_up_to_its_ciphertext() {
    let want = r#"
  0  30 81 8f  SEQUENCE len 143: message
  3  02 01       INTEGER len 1: msgVersion = 3 (v3)
  6  30 11       SEQUENCE len 17: msgGlobalData
  8  02 04         INTEGER len 4: msgID = 2089238585
 14  02 03         INTEGER len 3: msgMaxSize = 65507
 19  04 01         OCTET STRING len 1: msgFlags = 07 (auth, priv, reportable)
 22  02 01         INTEGER len 1: msgSecurityModel = 3 (USM)
 25  04 45       OCTET STRING len 69: msgSecurityParameters
 27  30 43         SEQUENCE len 67: UsmSecurityParameters
 29  04 0c           OCTET STRING len 12: msgAuthoritativeEngineID = 80 00 1f 88 04 73 6e 6d 70 61 63 74 (enterprise 8072, text "snmpact")
 43  02 01           INTEGER len 1: msgAuthoritativeEngineBoots = 1
 46  02 01           INTEGER len 1: msgAuthoritativeEngineTime = 9
 49  04 09           OCTET STRING len 9: msgUserName = "sha256aes"
 60  04 18           OCTET STRING len 24: msgAuthenticationParameters = 10 05 6e 51 9b 82 5d 88 5a 5b d9 b6 f1 06 b7 fa bb 63 9e cd 81 a7 3f 14 (HMAC-SHA-256-192)
 86  04 08           OCTET STRING len 8: msgPrivacyParameters = 93 00 34 41 a0 c0 f5 be
 96  04 30       OCTET STRING len 48: encryptedPDU (48 octets, cannot be shown without the privacy key)
valid SNMPv3 encrypted (authPriv)
"#;
    let d = dissect(&v3_bytes(v3v::SHA256_AES_GET));
    assert_eq!(d.to_string(), text(want));
    assert_eq!(
        d.verdict(),
        Ok(Verdict {
            version: Version::V3,
            pdu_type: None,
            flags: Some(Flags(0x07)),
        })
    );
}

#[test]
fn v3_truncated_capture() {
    // The discovery Report cut inside its contextEngineID.
    let want = r#"
 0  30 66  SEQUENCE len 102: message (error: truncated: needs 102 bytes, 58 available)
 2  02 01    INTEGER len 1: msgVersion = 3 (v3)
 5  30 10    SEQUENCE len 16: msgGlobalData
 7  02 03      INTEGER len 3: msgID = 2555329
12  02 03      INTEGER len 3: msgMaxSize = 65507
17  04 01      OCTET STRING len 1: msgFlags = 00 (none)
20  02 01      INTEGER len 1: msgSecurityModel = 3 (USM)
23  04 1c    OCTET STRING len 28: msgSecurityParameters
25  30 1a      SEQUENCE len 26: UsmSecurityParameters
27  04 0c        OCTET STRING len 12: msgAuthoritativeEngineID = 80 00 1f 88 04 73 6e 6d 70 61 63 74 (enterprise 8072, text "snmpact")
41  02 01        INTEGER len 1: msgAuthoritativeEngineBoots = 1
44  02 01        INTEGER len 1: msgAuthoritativeEngineTime = 8
47  04 00        OCTET STRING len 0: msgUserName = ""
49  04 00        OCTET STRING len 0: msgAuthenticationParameters (empty)
51  04 00        OCTET STRING len 0: msgPrivacyParameters (empty)
53  30 31    SEQUENCE len 49: scopedPDU (error: truncated: needs 49 bytes, 5 available)
55  04 0c      OCTET STRING len 12: contextEngineID (error: truncated: needs 12 bytes, 3 available)
error at byte 0: truncated: needs 102 bytes, 58 available
"#;
    let cut = &v3_bytes(v3v::DISCOVERY_REPORT)[..60];
    let d = dissect(cut);
    assert_eq!(d.to_string(), text(want));
    assert_eq!(
        d.verdict(),
        Err(Error::Pdu(pdu::Error::Ber(ber::Error::new(
            ErrorKind::Truncated {
                needed: 102,
                available: 58
            },
            0
        ))))
    );
}

/// Broken v3 messages: the exact error, at a byte of the datagram (the last three fault inside
/// msgSecurityParameters and the scopedPDU, which the library reads from slices of their own).
#[test]
fn v3_errors_name_their_byte() {
    let probe = v3v::DISCOVERY_PROBE;
    let sha256 = v3v::SHA256_AES_GET;
    let malformed = |what| format!("malformed SNMPv3 header: {what}");
    let cases: Vec<(&str, String, usize, String)> = vec![
        (
            "msgMaxSize 400",
            probe.replace("020300ffe3", "0203000190"),
            12,
            malformed("msgMaxSize below 484"),
        ),
        (
            "negative msgID",
            probe.replace("020326fdc1", "0203ffffff"),
            7,
            malformed("msgID"),
        ),
        (
            "msgFlags of two octets",
            probe
                .replacen("303d", "303e", 1)
                .replacen("3010", "3011", 1)
                .replacen("040104", "04020400", 1),
            17,
            malformed("msgFlags not one octet"),
        ),
        (
            "msgSecurityModel 1",
            probe.replace("040104020103", "040104020101"),
            20,
            "security model 1 is not USM (3)".to_owned(),
        ),
        (
            "privFlag without authFlag",
            sha256.replace("040107", "040106"),
            19,
            malformed("privFlag without authFlag"),
        ),
        (
            "authFlag alone over an encryptedPDU",
            sha256.replace("040107", "040105"),
            96,
            malformed("msgData is not a ScopedPDU"),
        ),
        (
            "bytes after UsmSecurityParameters",
            probe
                .replacen("303d", "303f", 1)
                .replacen("0410300e", "0412300e", 1)
                .replacen("04000400040030", "040004000400050030", 1),
            41,
            "trailing bytes after element".to_owned(),
        ),
        (
            "msgAuthoritativeEngineBoots of no octets",
            probe
                .replacen("303d", "303c", 1)
                .replacen("0410300e0400020100", "040f300d04000200", 1),
            29,
            "integer with no content octets".to_owned(),
        ),
        (
            "unknown PDU type in the scopedPDU",
            probe.replace("a00e", "af0e"),
            47,
            "unknown PDU type 0xaf".to_owned(),
        ),
    ];
    for (what, hex, offset, message) in cases {
        let bytes = v3_bytes(&hex);
        let d = dissect(&bytes);
        let e = d.verdict().unwrap_err();
        assert_eq!(
            (e.offset(), error_text(&e)),
            (offset, message.clone()),
            "{what}"
        );
        assert_eq!(
            d.verdict_line(),
            format!("error at byte {offset}: {message}"),
            "{what}"
        );
        let _ = d.to_json();
    }
}

#[test]
fn v3_header_fields_out_of_range() {
    use crate::pdu::{GenericPdu, Pdu};
    use crate::v3::{Flags, MessageV3, ScopedPdu, ScopedPduData, UsmParams};
    let message = |engine_id: &[u8], user_name: &[u8]| {
        MessageV3 {
            msg_id: 1,
            max_size: 65507,
            flags: Flags(Flags::REPORTABLE),
            usm: UsmParams {
                engine_id: engine_id.to_vec().into(),
                user_name: user_name.to_vec().into(),
                ..UsmParams::default()
            },
            data: ScopedPduData::Plaintext(ScopedPdu {
                context_engine_id: b""[..].into(),
                context_name: b""[..].into(),
                pdu: Pdu::GetRequest(GenericPdu::default()),
            }),
        }
        .to_bytes()
    };
    let d = dissect(&message(&[0x80; 33], b"u"));
    assert_eq!(
        d.verdict_line(),
        "error at byte 25: malformed SNMPv3 header: msgAuthoritativeEngineID longer than 32"
    );
    let d = dissect(&message(b"", &[b'u'; 33]));
    assert_eq!(
        d.verdict_line(),
        "error at byte 33: malformed SNMPv3 header: msgUserName longer than 32"
    );
    let user = &d.elements()[0].children[2].children[0].children[3];
    assert_eq!(user.role.as_deref(), Some("msgUserName"));
    assert_eq!(user.offset, 33);
}

#[test]
fn v3_every_vector_is_named_throughout() {
    for (name, hex) in V3_VECTORS {
        let d = dissect(&v3_bytes(hex));
        assert!(d.is_valid(), "{name}: {}", d.verdict_line());
        let msg = &d.elements()[0];
        let roles: Vec<_> = msg.children.iter().map(|n| n.role.as_deref()).collect();
        let encrypted = d.verdict().unwrap().flags.unwrap().privacy();
        let data = if encrypted {
            "encryptedPDU"
        } else {
            "scopedPDU"
        };
        assert_eq!(
            roles,
            [
                Some("msgVersion"),
                Some("msgGlobalData"),
                Some("msgSecurityParameters"),
                Some(data)
            ],
            "{name}"
        );
        let usm = &msg.children[2].children[0];
        assert_eq!(usm.role.as_deref(), Some("UsmSecurityParameters"), "{name}");
        assert!(usm.children.iter().all(|n| n.role.is_some()), "{name}");
        assert_eq!(usm.children.len(), 6, "{name}");
    }
}

#[test]
fn v3_json_form() {
    let j = dissect(&v3_bytes(v3v::SHA256_AES_GET)).to_json();
    assert_eq!(j["valid"], true);
    assert_eq!(j["version"], "3");
    assert_eq!(j["security_level"], "authPriv");
    assert_eq!(j["encrypted"], true);
    assert!(j.get("pdu").is_none());
    let msg = &j["elements"][0];
    assert_eq!(msg["children"][1]["children"][2]["role"], "msgFlags");
    assert_eq!(msg["children"][1]["children"][2]["value"], "07");
    assert_eq!(
        msg["children"][1]["children"][2]["meaning"],
        "auth, priv, reportable"
    );
    let sp = &msg["children"][2];
    assert_eq!(sp["role"], "msgSecurityParameters");
    assert_eq!(sp["tag"], "OCTET STRING");
    assert!(sp.get("value").is_none());
    let usm = &sp["children"][0];
    assert_eq!(usm["offset"], 27);
    assert_eq!(usm["children"][3]["role"], "msgUserName");
    assert_eq!(usm["children"][3]["value"], "sha256aes");
    assert_eq!(usm["children"][3]["format"], "text");
    assert_eq!(usm["children"][4]["format"], "hex");
    assert_eq!(usm["children"][4]["meaning"], "HMAC-SHA-256-192");
    let data = &msg["children"][3];
    assert_eq!(data["role"], "encryptedPDU");
    assert_eq!(
        data["meaning"],
        "48 octets, cannot be shown without the privacy key"
    );

    let j = dissect(&v3_bytes(v3v::DISCOVERY_REPORT)).to_json();
    assert_eq!(j["pdu"], "Report");
    assert_eq!(j["security_level"], "noAuthNoPriv");
    assert_eq!(j["encrypted"], false);
    let pdu = &j["elements"][0]["children"][3]["children"][2];
    assert_eq!(
        pdu["meaning"],
        "usmStatsUnknownEngineIDs: Unknown engine ID"
    );

    let j = dissect(&v3_bytes(
        &v3v::DISCOVERY_PROBE.replace("020300ffe3", "0203000190"),
    ))
    .to_json();
    assert_eq!(j["valid"], false);
    assert_eq!(j["error"]["offset"], 12);
    assert_eq!(j["error"]["label"], "malformed_v3_header");
    assert_eq!(
        j["error"]["message"],
        "malformed SNMPv3 header: msgMaxSize below 484"
    );
}

#[test]
fn unknown_and_misplaced_elements() {
    #[rustfmt::skip]
    let bytes: &[u8] = &[
        0x30, 0x0a,                                                    // Message
        0x02, 0x01, 0x01,                                              //   version
        0x04, 0x00,                                                    //   community
        0xa9, 0x03, 0x83, 0x01, 0xff,                                  //   [CONTEXT 9] { [CONTEXT 3] }
        0x02, 0x01, 0x05,                                              // after the message
    ];
    let want = r#"
 0  30 0a  SEQUENCE len 10: message
 2  02 01    INTEGER len 1: version = 1 (v2c)
 5  04 00    OCTET STRING len 0: community = ""
 7  a9 03    [CONTEXT 9] len 3
 9  83 01      [CONTEXT 3] len 1: ff
12  02 01  INTEGER len 1: after the message = 5
error at byte 12: trailing bytes after element
"#;
    assert_eq!(dissect(bytes).to_string(), text(want));
}

#[test]
fn empty_and_garbage_input() {
    assert_eq!(
        dissect(&[]).to_string(),
        "error at byte 0: truncated: needs 1 bytes, 0 available\n"
    );
    // A tag in the high-tag-number form that never ends: the walk stops where the bytes do.
    let d = dissect(&[0xff, 0xff]);
    assert_eq!(
        d.to_string(),
        "error at byte 2: truncated: needs 1 bytes, 0 available\n"
    );
    assert_eq!(
        d.fault(),
        Some(ber::Error::new(
            ErrorKind::Truncated {
                needed: 1,
                available: 0
            },
            2
        ))
    );
}

#[test]
fn nesting_is_bounded() {
    // 40 nested SEQUENCEs: the walk stops at MAX_DEPTH with an error line, and does not panic.
    let depth = 40;
    let mut bytes = Vec::new();
    for i in 0..depth {
        bytes.push(0x30);
        bytes.push(u8::try_from(2 * (depth - 1 - i)).unwrap());
    }
    let d = dissect(&bytes);
    let text = d.to_string();
    assert!(text.contains("error: elements nested too deep"), "{text}");
    assert_eq!(
        text.lines().filter(|l| l.contains("SEQUENCE")).count(),
        ber::MAX_DEPTH + 1
    );
}

#[test]
fn json_form() {
    let j = dissect(V2C_GET_SYSDESCR).to_json();
    assert_eq!(j["valid"], true);
    assert_eq!(j["version"], "2c");
    assert_eq!(j["pdu"], "GetRequest");
    assert_eq!(j["length"], 41);
    let msg = &j["elements"][0];
    assert_eq!(msg["tag"], "SEQUENCE");
    assert_eq!(msg["header"], "30 27");
    assert_eq!(msg["children"][0]["role"], "version");
    assert_eq!(msg["children"][0]["value"], 1);
    assert_eq!(msg["children"][0]["meaning"], "v2c");
    assert_eq!(msg["children"][1]["value"], "public");
    assert_eq!(msg["children"][1]["format"], "text");
    let pdu = &msg["children"][2];
    assert_eq!(pdu["tag"], "GetRequest-PDU");
    assert_eq!(pdu["children"][0]["value"], 4660);
    let name = &pdu["children"][3]["children"][0]["children"][0];
    assert_eq!(name["value"], "1.3.6.1.2.1.1.1.0");
    assert_eq!(name["meaning"], "SNMPv2-MIB::sysDescr.0");

    let j = dissect(&V2C_GET_SYSDESCR[..35]).to_json();
    assert_eq!(j["valid"], false);
    assert_eq!(j["error"]["offset"], 0);
    assert_eq!(j["error"]["label"], "truncated");
    assert_eq!(
        j["error"]["message"],
        "truncated: needs 39 bytes, 33 available"
    );
    assert_eq!(j["elements"][0]["present"], 33);
}

#[test]
fn verdict_text_drops_only_a_trailing_offset() {
    assert_eq!(error_text(&"x at byte 12"), "x");
    assert_eq!(
        error_text(&"x at byte 12 and more"),
        "x at byte 12 and more"
    );
    assert_eq!(error_text(&"no offset"), "no offset");
}

/// Replays every captured packet and fuzz regression in `tests/data/` (the stable-Rust half of
/// `tests/fuzz`): the dissection never panics, and what decodes re-encodes canonically.
#[test]
fn replay_tests_data() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "bin") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let d = dissect(&bytes);
        let _ = d.to_string();
        let _ = d.to_json();
        if let Ok(m) = Message::decode(&bytes) {
            let once = m.to_bytes();
            let again =
                Message::decode(&once).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_eq!(again, m, "{}", path.display());
            assert_eq!(again.to_bytes(), once, "{}", path.display());
        }
    }
}

proptest! {
    /// Overwritten octets in net-snmp's v3 datagrams: the dissection does not panic, and a
    /// refusal names a byte of the datagram.
    #[test]
    fn v3_mutations_dissect_without_panic(
        pick in any::<prop::sample::Index>(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
    ) {
        let (name, hex) = V3_VECTORS[pick.index(V3_VECTORS.len())];
        let mut bytes = v3_bytes(hex);
        for (at, byte) in edits {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        let d = dissect(&bytes);
        if let Err(e) = d.verdict() {
            prop_assert!(e.offset() <= bytes.len(), "{}: {}", name, e);
        }
        let _ = d.to_string();
        let _ = d.to_json();
    }

    #[test]
    fn any_bytes_dissect_without_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let d = dissect(&bytes);
        let text = d.to_string();
        let last = format!("{}\n", d.verdict_line());
        prop_assert!(text.ends_with(&last));
        let _ = d.to_json();
    }

    #[test]
    fn cut_messages_dissect_without_panic(cut in 0..V2C_RESPONSE_ALL_TYPES.len()) {
        let d = dissect(&V2C_RESPONSE_ALL_TYPES[..cut]);
        prop_assert!(!d.is_valid());
        let _ = d.to_string();
    }
}
