//! Tests of `send`.

use super::*;

fn args(line: &[&str]) -> Vec<String> {
    line.iter().map(|s| (*s).to_owned()).collect()
}

fn inv(tool: Tool, line: &[&str]) -> Invocation {
    match parse(tool, &args(line)).unwrap() {
        Parsed::Run(i) => *i,
        Parsed::Help => panic!("help"),
    }
}

#[test]
fn v2c_trap_arguments_as_snmptrap() {
    let i = inv(
        Tool::Trap,
        &[
            "-v",
            "2c",
            "-c",
            "secret",
            "127.0.0.1:1162",
            "123",
            "IF-MIB::linkDown",
            "1.3.6.1.2.1.2.2.1.1.2",
            "i",
            "2",
        ],
    );
    assert_eq!(i.version, Version::V2c);
    assert_eq!(i.community, b"secret");
    assert!(!i.inform);
    assert_eq!(
        i.header,
        Header::V2 {
            uptime: Some(123),
            trap_oid: "1.3.6.1.6.3.1.1.5.3".parse().unwrap()
        }
    );
    let pdu = build_pdu(&i, 9, Ipv4Addr::LOCALHOST);
    let Pdu::SnmpV2Trap(g) = &pdu else {
        panic!("{pdu:?}")
    };
    assert_eq!(g.request_id, 9);
    assert_eq!(g.varbinds.len(), 3);
    assert_eq!(g.varbinds[0].value, Value::TimeTicks(123));
    assert_eq!(g.varbinds[2].value, Value::Integer(2));
}

#[test]
fn v1_trap_arguments_as_snmptrap() {
    let i = inv(
        Tool::Trap,
        &["-v", "1", "h:1162", "", "", "6", "17", "4567"],
    );
    let pdu = build_pdu(&i, 0, Ipv4Addr::new(127, 0, 0, 1));
    let Pdu::TrapV1(t) = pdu else { panic!() };
    assert_eq!(t.enterprise, oid(&DEFAULT_ENTERPRISE));
    assert_eq!(t.agent_addr, [127, 0, 0, 1]);
    assert_eq!(
        (t.generic_trap, t.specific_trap, t.time_stamp),
        (6, 17, 4567)
    );
}

#[test]
fn informs_and_v3_options() {
    let i = inv(Tool::Trap, &["-Ci", "h", "", "coldStart"]);
    assert!(i.inform);
    let i = inv(
        Tool::Inform,
        &[
            "-u",
            "alice",
            "-l",
            "authPriv",
            "-a",
            "SHA-256",
            "-A",
            "authpass1",
            "-x",
            "AES",
            "-X",
            "privpass1",
            "h",
            "",
            "coldStart",
        ],
    );
    assert_eq!(i.version, Version::V3);
    assert_eq!(i.user.unwrap().level, SecurityLevel::AuthPriv);
}

#[test]
fn usage_errors_name_the_argument() {
    let e = |line: &[&str]| parse(Tool::Trap, &args(line)).unwrap_err().to_string();
    assert_eq!(e(&[]), UsageError::NoAgent.to_string());
    assert!(e(&["h", ""]).contains("TRAP-OID"));
    assert!(e(&["-v", "1", "h", "", "", "9", "0", ""]).contains("GENERIC"));
    assert!(e(&["h", "x", "coldStart"]).contains("UPTIME"));
    assert!(e(&["h", "", "coldStart", "sysName.0", "s"]).contains("sysName.0"));
    assert!(parse(Tool::Inform, &args(&["-v", "1", "h", "", "", "0", "0", ""])).is_err());
    // A pass phrase never shows in an error.
    let msg = e(&[
        "-u",
        "a",
        "-l",
        "authNoPriv",
        "-A",
        "tiny123",
        "h",
        "",
        "coldStart",
    ]);
    assert!(
        msg.contains("shorter than 8") && !msg.contains("tiny123"),
        "{msg}"
    );
}

#[test]
fn targets_default_to_port_162() {
    assert_eq!(
        resolve("127.0.0.1").unwrap(),
        "127.0.0.1:162".parse().unwrap()
    );
    assert_eq!(
        resolve("udp:127.0.0.1:1162").unwrap(),
        "127.0.0.1:1162".parse().unwrap()
    );
    assert_eq!(
        resolve("[::1]:1162").unwrap(),
        "[::1]:1162".parse().unwrap()
    );
}
