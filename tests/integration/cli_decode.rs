//! `snmpact decode` as a user runs it: the built binary, its stdout, stderr and exit code, for
//! hex arguments, standard input, a `snmpget -d` dump, `--raw` files and `--json`.

use std::io::Write;
use std::process::{Command, Stdio};

/// What one run of the binary gave.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn snmpact(args: &[&str], stdin: &[u8]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_snmpact"))
        .args(args)
        .env_remove("RUST_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start snmpact");
    // Inputs here are small: the pipe takes them whole before the child reads.
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().expect("exited, not killed"),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// A v2c GetRequest for sysDescr.0, community "public", request-id 0x1234, one TLV per line.
const GET_HEX: &str = "
    30 27
    02 01 01
    04 06 70 75 62 6c 69 63
    a0 1a
    02 02 12 34
    02 01 00
    02 01 00
    30 0e
    30 0c
    06 08 2b 06 01 02 01 01 01 00
    05 00
";

/// Its dissection as `snmpact decode` prints it: the community redacted by default.
const GET_DISSECTION: &str = r#"
 0  30 27  SEQUENCE len 39: message
 2  02 01    INTEGER len 1: version = 1 (v2c)
 5  04 06    OCTET STRING len 6: community = <redacted>
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

fn get_dissection() -> &'static str {
    GET_DISSECTION.strip_prefix('\n').unwrap()
}

/// What `snmpget -d -r 0 -t 0.2 -v2c -c public 127.0.0.1:16999 .1.3.6.1.2.1.1.1.0` printed
/// (net-snmp 5.9.3, no agent listening), stdout and stderr together, as a user would paste it.
const SNMPGET_DUMP: &str = "\
Created directory: /tmp/snmptool

Sending 43 bytes to UDP: [127.0.0.1]:16999->[0.0.0.0]:58825
0000: 30 29 02 01  01 04 06 70  75 62 6C 69  63 A0 1C 02    0).....public...
0016: 04 5C AA 57  40 02 01 00  02 01 00 30  0E 30 0C 06    .\\.W@......0.0..
0032: 08 2B 06 01  02 01 01 01  00 05 00                    .+.........

Timeout: No Response from 127.0.0.1:16999.
";

#[test]
fn valid_message_from_arguments() {
    let words: Vec<&str> = GET_HEX.split_whitespace().collect();
    let r = snmpact(&[&["decode"], &words[..]].concat(), b"");
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    assert_eq!(r.stdout, get_dissection());
}

#[test]
fn separators_and_prefixes_are_accepted() {
    let words: Vec<String> = GET_HEX
        .split_whitespace()
        .map(|b| format!("0x{b},"))
        .collect();
    let colons = GET_HEX.split_whitespace().collect::<Vec<_>>().join(":");
    for args in [
        words.iter().map(String::as_str).collect::<Vec<_>>(),
        vec![colons.as_str()],
        vec![GET_HEX],
    ] {
        let r = snmpact(&[&["decode"], &args[..]].concat(), b"");
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        assert_eq!(r.stdout, get_dissection());
    }
}

#[test]
fn community_is_shown_on_request() {
    let r = snmpact(&["decode", "--show-community", GET_HEX], b"");
    assert_eq!(r.code, 0);
    assert_eq!(
        r.stdout,
        get_dissection().replace("<redacted>", "\"public\"")
    );
}

#[test]
fn truncated_message_exits_1_with_the_offset() {
    // The first 35 of 41 bytes.
    let cut: Vec<&str> = GET_HEX.split_whitespace().take(35).collect();
    let r = snmpact(&[&["decode"], &cut[..]].concat(), b"");
    assert_eq!(r.code, 1);
    let want = r#"
 0  30 27  SEQUENCE len 39: message (error: truncated: needs 39 bytes, 33 available)
 2  02 01    INTEGER len 1: version = 1 (v2c)
 5  04 06    OCTET STRING len 6: community = <redacted>
13  a0 1a    GetRequest-PDU len 26 (error: truncated: needs 26 bytes, 20 available)
15  02 02      INTEGER len 2: request-id = 4660
19  02 01      INTEGER len 1: error-status = 0 (noError)
22  02 01      INTEGER len 1: error-index = 0
25  30 0e      SEQUENCE len 14: variable-bindings (error: truncated: needs 14 bytes, 8 available)
27  30 0c        SEQUENCE len 12: varbind 1 (error: truncated: needs 12 bytes, 6 available)
29  06 08          OBJECT IDENTIFIER len 8: name (error: truncated: needs 8 bytes, 4 available)
error at byte 0: truncated: needs 39 bytes, 33 available
"#;
    assert_eq!(r.stdout, want.strip_prefix('\n').unwrap());
    assert_eq!(
        r.stderr,
        "snmpact: invalid SNMP message: error at byte 0: truncated: needs 39 bytes, 33 available\n"
    );
}

#[test]
fn bad_value_exits_1_naming_its_byte() {
    // Counter32 of five significant octets (2^32): out of range for the type.
    let r = snmpact(
        &[
            "decode",
            "30 1e 02 01 01 04 00 a2 17 02 01 01 02 01 00 02 01 00 30 0c 30 0a 06 01 2b \
             41 05 01 00 00 00 00",
        ],
        b"",
    );
    assert_eq!(r.code, 1);
    let line = "25  41 05          Counter32 len 5: value = 01 00 00 00 00 \
                (error: integer out of range for its type)\n";
    assert!(r.stdout.contains(line), "{}", r.stdout);
    assert!(
        r.stdout
            .ends_with("error at byte 25: integer out of range for its type\n")
    );
    assert_eq!(
        r.stderr,
        "snmpact: invalid SNMP message: error at byte 25: integer out of range for its type\n"
    );
}

#[test]
fn bad_hex_exits_2_naming_the_character() {
    let r = snmpact(&["decode", "30 27 02 0g"], b"");
    assert_eq!(r.code, 2);
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr,
        "snmpact: invalid hex input: invalid character 'g' at position 11\n"
    );

    let r = snmpact(&["decode", "30 2"], b"");
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "snmpact: invalid hex input: odd number of hex digits in \"2\" at position 4\n"
    );

    let r = snmpact(&["decode"], b"30 27\n02 01 01\n04 zz\n");
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "snmpact: invalid hex input: invalid character 'z' at line 3, column 4\n"
    );

    let r = snmpact(&["decode", "-"], b"  \n");
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "snmpact: invalid hex input: no hex bytes in the input\n"
    );
}

#[test]
fn hex_from_standard_input() {
    for args in [&["decode"][..], &["decode", "-"][..]] {
        let r = snmpact(args, GET_HEX.as_bytes());
        assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{args:?}");
        assert_eq!(r.stdout, get_dissection());
    }
    let r = snmpact(&["decode"], &[0x30, 0xff, 0x00]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "snmpact: standard input is not text (for binary input use --raw -)\n"
    );
}

#[test]
fn snmpget_dump_is_read_without_its_columns() {
    let r = snmpact(&["decode", "--show-community"], SNMPGET_DUMP.as_bytes());
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    let want = r#"
 0  30 29  SEQUENCE len 41: message
 2  02 01    INTEGER len 1: version = 1 (v2c)
 5  04 06    OCTET STRING len 6: community = "public"
13  a0 1c    GetRequest-PDU len 28
15  02 04      INTEGER len 4: request-id = 1554667328
21  02 01      INTEGER len 1: error-status = 0 (noError)
24  02 01      INTEGER len 1: error-index = 0
27  30 0e      SEQUENCE len 14: variable-bindings
29  30 0c        SEQUENCE len 12: varbind 1
31  06 08          OBJECT IDENTIFIER len 8: name = 1.3.6.1.2.1.1.1.0 (SNMPv2-MIB::sysDescr.0)
41  05 00          NULL len 0: value
valid SNMPv2c GetRequest
"#;
    assert_eq!(r.stdout, want.strip_prefix('\n').unwrap());
    // The same dump given as one argument.
    let r = snmpact(&["decode", "--show-community", SNMPGET_DUMP], b"");
    assert_eq!(r.stdout, want.strip_prefix('\n').unwrap());
}

#[test]
fn dump_of_request_and_response_gives_both() {
    let dump = format!(
        "{SNMPGET_DUMP}\nReceived 7 byte packet from UDP: [127.0.0.1]:16999\n\
         0000: 30 05 02 01  03 04 00                               0......\n"
    );
    let r = snmpact(&["decode"], dump.as_bytes());
    assert_eq!(r.code, 1);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        lines[0],
        "packet 1 of 2: Sending 43 bytes to UDP: [127.0.0.1]:16999->[0.0.0.0]:58825"
    );
    assert_eq!(lines[13], "");
    assert_eq!(
        lines[14],
        "packet 2 of 2: Received 7 byte packet from UDP: [127.0.0.1]:16999"
    );
    assert_eq!(lines[16], "2  02 01    INTEGER len 1: msgVersion = 3 (v3)");
    assert_eq!(
        r.stderr,
        "snmpact: packet 2: invalid SNMP message: error at byte 5: \
         unexpected tag 0x04 (expected 0x30)\n"
    );
}

/// net-snmp 5.9.3 snmpd's answer to `snmpget -v3`'s discovery probe: a Report of
/// usmStatsUnknownEngineIDs (`DISCOVERY_REPORT` in `src/v3/vectors.rs`), one TLV per line.
const V3_REPORT_HEX: &str = "
    30 66
    02 01 03
    30 10
    02 03 26 fd c1
    02 03 00 ff e3
    04 01 00
    02 01 03
    04 1c
    30 1a
    04 0c 80 00 1f 88 04 73 6e 6d 70 61 63 74
    02 01 01
    02 01 08
    04 00
    04 00
    04 00
    30 31
    04 0c 80 00 1f 88 04 73 6e 6d 70 61 63 74
    04 00
    a8 1f
    02 04 7c c8 47 c6
    02 01 00
    02 01 00
    30 11
    30 0f
    06 0a 2b 06 01 06 03 0f 01 01 04 00
    41 01 01
";

#[test]
fn snmpv3_report_is_dissected_field_by_field() {
    let r = snmpact(&["decode", V3_REPORT_HEX], b"");
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
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
    assert_eq!(r.stdout, want.strip_prefix('\n').unwrap());

    let r = snmpact(&["decode", "--json", V3_REPORT_HEX], b"");
    assert_eq!(r.code, 0);
    let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(j["valid"], true);
    assert_eq!(j["version"], "3");
    assert_eq!(j["pdu"], "Report");
    assert_eq!(j["security_level"], "noAuthNoPriv");
    assert_eq!(j["encrypted"], false);
    let msg = &j["elements"][0];
    assert_eq!(msg["children"][1]["children"][3]["meaning"], "USM");
    let usm = &msg["children"][2]["children"][0];
    assert_eq!(usm["role"], "UsmSecurityParameters");
    assert_eq!(usm["children"][0]["offset"], 27);
    assert_eq!(
        usm["children"][0]["value"],
        "80 00 1f 88 04 73 6e 6d 70 61 63 74"
    );
    let pdu = &msg["children"][3]["children"][2];
    assert_eq!(
        pdu["meaning"],
        "usmStatsUnknownEngineIDs: Unknown engine ID"
    );

    // Cut inside the scopedPDU: exit 1, the first fault named.
    let cut: Vec<&str> = V3_REPORT_HEX.split_whitespace().take(60).collect();
    let r = snmpact(&[&["decode"], &cut[..]].concat(), b"");
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.contains(
            "53  30 31    SEQUENCE len 49: scopedPDU (error: truncated: needs 49 bytes, 5 available)\n"
        ),
        "{}",
        r.stdout
    );
    assert_eq!(
        r.stderr,
        "snmpact: invalid SNMP message: error at byte 0: truncated: needs 102 bytes, 58 available\n"
    );

    // msgMaxSize below the minimum (RFC 3412 §6): the header error, at its field.
    let small = V3_REPORT_HEX.replacen("02 03 00 ff e3", "02 03 00 01 90", 1);
    let r = snmpact(&["decode", &small], b"");
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("msgMaxSize = 400\n"), "{}", r.stdout);
    assert_eq!(
        r.stderr,
        "snmpact: invalid SNMP message: error at byte 12: \
         malformed SNMPv3 header: msgMaxSize below 484\n"
    );
}

#[test]
fn raw_file() {
    let bytes: Vec<u8> = GET_HEX
        .split_whitespace()
        .map(|b| u8::from_str_radix(b, 16).unwrap())
        .collect();
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli_decode_get.bin");
    std::fs::write(&path, &bytes).unwrap();
    let r = snmpact(&["decode", "--raw", path.to_str().unwrap()], b"");
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    assert_eq!(r.stdout, get_dissection());

    let r = snmpact(&["decode", "--raw", "-"], &bytes);
    assert_eq!(r.stdout, get_dissection());

    let missing = path.with_file_name("cli_decode_missing.bin");
    let r = snmpact(&["decode", "--raw", missing.to_str().unwrap()], b"");
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .starts_with(&format!("snmpact: cannot read {}: ", missing.display())),
        "{}",
        r.stderr
    );
    assert_eq!(r.stderr.lines().count(), 1);
}

#[test]
fn json_output() {
    let r = snmpact(&["decode", "--json", GET_HEX], b"");
    assert_eq!(r.code, 0);
    let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(j["valid"], true);
    assert_eq!(j["version"], "2c");
    assert_eq!(j["pdu"], "GetRequest");
    let msg = &j["elements"][0];
    assert_eq!(msg["offset"], 0);
    assert_eq!(msg["header"], "30 27");
    assert_eq!(msg["length"], 39);
    assert_eq!(msg["children"][0]["meaning"], "v2c");
    assert_eq!(msg["children"][1]["role"], "community");
    assert_eq!(msg["children"][1]["value"], "<redacted>");
    let pdu = &msg["children"][2];
    assert_eq!(pdu["tag"], "GetRequest-PDU");
    assert_eq!(pdu["children"][0]["role"], "request-id");
    assert_eq!(pdu["children"][0]["value"], 4660);
    let name = &pdu["children"][3]["children"][0]["children"][0];
    assert_eq!(name["value"], "1.3.6.1.2.1.1.1.0");
    assert_eq!(name["meaning"], "SNMPv2-MIB::sysDescr.0");
    assert!(!r.stdout.contains("public"));

    let r = snmpact(&["decode", "--json", "30 03 02 01 01"], b"");
    assert_eq!(r.code, 1);
    let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(j["valid"], false);
    assert_eq!(j["error"]["offset"], 5);
    assert_eq!(j["error"]["label"], "truncated");
}

#[test]
fn usage_errors_exit_2() {
    let r = snmpact(&["decode", "--no-such-flag"], b"");
    assert_eq!(r.code, 2);
    let r = snmpact(&["decode", "--raw", "x.bin", "30 00"], b"");
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("cannot be used with"), "{}", r.stderr);
}

// See: issue 15. On a terminal (stdout and stderr the same), an invalid message's verdict is
// printed once: the dissection ends with it. Run under `script`, which gives a pseudo-terminal.
#[test]
fn an_invalid_message_is_reported_once_on_a_terminal() {
    let cmd = format!(
        "{} decode 302902010104067075626c6963a01c0204",
        env!("CARGO_BIN_EXE_snmpact")
    );
    let out = Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("script: {e}; install it: apt-get install -y bsdutils"));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert_eq!(
        text.matches("truncated: needs 41 bytes, 15 available")
            .count(),
        2, // the message's own line and the verdict: once each, no stderr copy
        "{text}"
    );
    assert!(
        text.contains("error at byte 0: truncated: needs 41 bytes, 15 available"),
        "{text}"
    );
    assert!(!text.contains("snmpact: invalid SNMP message"), "{text}");
}
