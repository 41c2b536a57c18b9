//! Unit tests of the pure parts: arguments, targets, the walk loop, output.

use std::time::Duration;

use super::args::{Agents, Format, Parsed, Request, Root, Tool, UsageError, parse, parse_root};
use super::output::{Failure, Printer, table_text, write_csv_row};
use super::targets::{TargetsError, parse_targets};
use super::walk::{Event, Walker};
use crate::format::{OidStyle, TextOptions};
use crate::oid::Oid;
use crate::pdu::{ErrorStatus, Value, VarBind, Version};
use crate::session::{TableRow, TableRows};

fn oid(s: &str) -> Oid {
    s.parse().unwrap()
}

fn args(line: &str) -> Vec<String> {
    line.split_whitespace().map(str::to_owned).collect()
}

fn run(tool: Tool, line: &str) -> super::Invocation {
    match parse(tool, &args(line)) {
        Ok(Parsed::Run(inv)) => *inv,
        other => panic!("{line}: {other:?}"),
    }
}

fn usage(tool: Tool, line: &str) -> UsageError {
    match parse(tool, &args(line)) {
        Err(e) => e,
        other => panic!("{line}: expected an error, got {other:?}"),
    }
}

#[test]
fn net_snmp_options_glued_apart_and_after_the_agent() {
    let inv = run(
        Tool::Get,
        "-v 1 -c private -t 0.5 -r 2 -On 127.0.0.1:16100 sysDescr.0",
    );
    assert_eq!(inv.session.version, Version::V1);
    assert_eq!(inv.session.community, "private".into());
    assert_eq!(inv.session.timeout, Duration::from_millis(500));
    assert_eq!(inv.session.retries, 2);
    assert_eq!(inv.text.oid_style, OidStyle::Numeric);
    assert_eq!(inv.agents, Agents::Hosts(vec!["127.0.0.1:16100".into()]));
    assert_eq!(inv.request, Request::Oids(vec![oid("1.3.6.1.2.1.1.1.0")]));

    let inv = run(
        Tool::Get,
        "127.0.0.1 -v2c -cpublic -Onq .1.3.6.1.2.1.1.5.0 -Ovt",
    );
    assert_eq!(inv.session.version, Version::V2c);
    assert_eq!(inv.session.community, "public".into());
    let t = inv.text;
    assert!(t.oid_style == OidStyle::Numeric && t.quick && t.value_only && t.numeric_timeticks);
    assert_eq!(inv.format, Format::Text);
}

#[test]
fn defaults_are_net_snmps_but_version_2c() {
    let inv = run(Tool::Walk, "127.0.0.1");
    assert_eq!(inv.session.version, Version::V2c);
    assert_eq!(inv.session.timeout, Duration::from_secs(1));
    assert_eq!(inv.session.retries, 5);
    assert_eq!(inv.text, TextOptions::default());
    // No OID: mib-2, as snmpwalk.
    assert_eq!(
        inv.request,
        Request::Walk(vec![Root(vec![1, 3, 6, 1, 2, 1])])
    );
    assert_eq!(inv.concurrency, super::args::DEFAULT_CONCURRENCY);
    assert!(inv.progress);
}

#[test]
fn bulk_numbers_glued_or_apart() {
    for line in [
        "-Cr25 -Cn1 h .1.3",
        "-Cr 25 -Cn 1 h .1.3",
        "-Cn1r25 h .1.3",
        "-C n1r25 h .1.3",
    ] {
        let inv = run(Tool::BulkGet, line);
        assert_eq!((inv.non_repeaters, inv.max_repetitions), (1, 25), "{line}");
        assert_eq!(inv.session.max_repetitions, 25);
    }
    assert_eq!(run(Tool::BulkWalk, "h").max_repetitions, 10);
    assert_eq!(usage(Tool::BulkWalk, "-Cr h"), UsageError::AppNumber('r'));
    assert!(matches!(
        usage(Tool::BulkGet, "-Cr99999999999 h .1.3"),
        UsageError::BadValue { .. }
    ));
}

#[test]
fn app_flags_belong_to_their_tool() {
    let w = run(Tool::Walk, "-Cc -CiIp h").walk;
    assert!(w.no_check && w.include_requested && w.no_fallback_get && w.print_count);
    let t = run(Tool::Table, "-Cib -CHl h ifTable").table;
    assert!(t.index && t.brief && t.no_headers && t.left);
    assert_eq!(usage(Tool::Get, "-Cf h .1.3"), UsageError::AppFlag('f'));
    assert_eq!(usage(Tool::BulkWalk, "-CI h"), UsageError::AppFlag('I'));
    assert_eq!(usage(Tool::Walk, "-Cr10 h"), UsageError::AppFlag('r'));
}

#[test]
fn usage_errors_are_one_line_each() {
    let cases: &[(Tool, &str, &str)] = &[
        (
            Tool::Get,
            "-v 4 h .1.3",
            "bad value '4' for -v: expected 1, 2c or 3",
        ),
        (
            Tool::Get,
            "-v3 h .1.3",
            "No securityName specified (-u USER)",
        ),
        (
            Tool::Get,
            "-v 2c -u bob h .1.3",
            "-u is an SNMPv3 option: it needs -v 3, not -v 2c",
        ),
        (
            Tool::Get,
            "-Z 1,2 h .1.3",
            "option -Z is not supported: the agent's engine boots and time are discovered",
        ),
        (
            Tool::Get,
            "-t 0 h .1.3",
            "bad value '0' for -t: expected seconds, more than 0, up to 600",
        ),
        (
            Tool::Get,
            "-r x h .1.3",
            "bad value 'x' for -r: expected a number from 0 to 100",
        ),
        (
            Tool::Get,
            "-OZ h .1.3",
            "output option -OZ is not supported (supported: n s f S u q Q v t e b U x a T X E)",
        ),
        (Tool::Get, "-k h .1.3", "unknown option '-k'"),
        (
            Tool::Get,
            "--fromat json h .1.3",
            "unknown option '--fromat'",
        ),
        (
            Tool::Get,
            "--format xml h .1.3",
            "bad value 'xml' for --format: expected text, json or csv",
        ),
        (Tool::Get, "-c", "option -c needs a value"),
        (
            Tool::Get,
            "-v2c",
            "no agent given (AGENT, HOST1,HOST2,... or --targets FILE)",
        ),
        (Tool::Get, "h", "missing object name"),
        (
            Tool::Get,
            "h nosuchobject.0",
            "unknown object name 'nosuchobject'",
        ),
        (
            Tool::Table,
            "h ifTable ifXTable",
            "unexpected argument 'ifXTable'",
        ),
        (
            Tool::BulkWalk,
            "-v1 h",
            "bulkwalk sends GETBULK, which SNMPv1 does not have: use -v 2c",
        ),
        (
            Tool::Set,
            "h sysContact.0 s",
            "sysContact.0: missing the VALUE after its type 's'",
        ),
        (
            Tool::Set,
            "h sysContact.0",
            "sysContact.0: missing TYPE and VALUE after it",
        ),
        (
            Tool::Set,
            "h sysContact.0 z v",
            "sysContact.0: unknown type 'z' (one of: i u c C t a o s x d b n)",
        ),
        (
            Tool::Get,
            "h:x .1.3",
            "bad agent 'h:x': bad port 'x' in 'h:x'",
        ),
        (Tool::Get, "a,,b .1.3", "bad agent '': empty target"),
        (
            Tool::Get,
            "-d h .1.3",
            "option -d is not supported: dump a message with `snmpact decode` instead",
        ),
    ];
    for (tool, line, want) in cases {
        let e = usage(*tool, line);
        assert_eq!(e.to_string(), *want, "{line}");
        assert!(!e.to_string().contains('\n'));
    }
}

#[test]
fn community_never_shows_in_debug() {
    let inv = run(Tool::Get, "-c s3cret h .1.3");
    assert!(!format!("{inv:?}").contains("s3cret"));
}

#[test]
fn several_agents_targets_and_long_options() {
    let inv = run(
        Tool::Get,
        "127.0.0.1:1,[::1]:2,localhost sysName.0 --format=csv --concurrency 7 --no-progress",
    );
    assert_eq!(
        inv.agents,
        Agents::Hosts(vec![
            "127.0.0.1:1".into(),
            "[::1]:2".into(),
            "localhost".into()
        ])
    );
    assert_eq!(
        (inv.format, inv.concurrency, inv.progress),
        (Format::Csv, 7, false)
    );
    // With --targets every argument is an OID.
    let inv = run(
        Tool::Get,
        "--targets agents.txt sysName.0 sysDescr.0 --format json",
    );
    assert_eq!(inv.agents, Agents::File("agents.txt".into()));
    assert_eq!(
        inv.request,
        Request::Oids(vec![oid("1.3.6.1.2.1.1.5.0"), oid("1.3.6.1.2.1.1.1.0")])
    );
    assert_eq!(inv.format, Format::Json);
    assert!(matches!(parse(Tool::Walk, &args("-h")), Ok(Parsed::Help)));
    assert!(matches!(
        parse(Tool::Walk, &args("h --help")),
        Ok(Parsed::Help)
    ));
}

#[test]
fn set_takes_triples_and_negative_numbers() {
    let inv = run(
        Tool::Set,
        "-c private h sysContact.0 s \"me\" 1.3.6.1.2.1.1.7.0 i -5",
    );
    let Request::Set(vbs) = inv.request else {
        panic!()
    };
    assert_eq!(vbs[0].oid, oid("1.3.6.1.2.1.1.4.0"));
    assert_eq!(
        vbs[0].value,
        Value::OctetString(b"\"me\""[..].to_vec().into())
    );
    assert_eq!(vbs[1].value, Value::Integer(-5));
}

#[test]
fn walk_roots_of_one_arc() {
    assert_eq!(parse_root(".1").unwrap(), Root(vec![1]));
    assert_eq!(parse_root("1").unwrap(), Root(vec![1]));
    assert_eq!(parse_root("iso").unwrap(), Root(vec![1]));
    assert_eq!(
        parse_root("system").unwrap(),
        Root(vec![1, 3, 6, 1, 2, 1, 1])
    );
    assert!(parse_root(".7").is_err());
    assert!(parse_root("nonsense").is_err());
    let inv = run(Tool::Walk, "h .1 system");
    assert_eq!(
        inv.request,
        Request::Walk(vec![Root(vec![1]), Root(vec![1, 3, 6, 1, 2, 1, 1])])
    );
}

#[test]
fn targets_files() {
    let t = parse_targets(
        "# lab agents\n\n127.0.0.1:16100 core1 # the core\n  [::1]:16101\nlocalhost\n",
    )
    .unwrap();
    let got: Vec<(&str, &str, usize)> = t
        .iter()
        .map(|t| (t.host.as_str(), t.name.as_str(), t.line))
        .collect();
    assert_eq!(
        got,
        [
            ("127.0.0.1:16100", "core1", 3),
            ("[::1]:16101", "[::1]:16101", 4),
            ("localhost", "localhost", 5)
        ]
    );
    assert_eq!(
        parse_targets("a:1 x\nb:2 x\n").unwrap_err(),
        TargetsError::Duplicate {
            line: 2,
            name: "x".into(),
            first: 1
        }
    );
    assert_eq!(
        parse_targets("a:1 x y\n").unwrap_err().to_string(),
        "line 1: unexpected 'y' (expected HOST[:PORT] [NAME])"
    );
    assert_eq!(
        parse_targets("# nothing\n\n").unwrap_err(),
        TargetsError::Empty
    );
}

// See: issue 15. Every bad line is reported, up to a cap, the rest counted.
#[test]
fn targets_files_report_every_bad_line_up_to_a_cap() {
    use super::targets::{MAX_BAD_LINES, parse_targets_all, report};
    let bad = parse_targets_all("a:x\nok:1\nb:1 c d\nok:2 ok:1\n").unwrap_err();
    assert_eq!(
        report("t.txt", &bad),
        [
            "t.txt: line 1: bad agent 'a:x': bad port 'x' in 'a:x'",
            "t.txt: line 3: unexpected 'd' (expected HOST[:PORT] [NAME])",
            "t.txt: line 4: agent name 'ok:1' is already used on line 2",
        ]
    );
    let many: String = (0..30).map(|i| format!("h:{i}x\n")).collect();
    let lines = report("t.txt", &parse_targets_all(&many).unwrap_err());
    assert_eq!(lines.len(), MAX_BAD_LINES + 1);
    assert_eq!(lines[MAX_BAD_LINES], "t.txt: 10 more bad lines not shown");
}

fn vb(o: &str, v: Value<'static>) -> VarBind<'static> {
    VarBind::new(oid(o), v)
}

#[test]
fn getnext_walk_prints_what_ends_it_inside_the_subtree() {
    let mut w = Walker::new(&Root(vec![1, 3, 6, 1, 2, 1, 1]), false, true);
    assert_eq!(w.request(), Some(&oid("1.3.6.1.2.1.1")));
    assert_eq!(
        w.on_varbinds(&[vb("1.3.6.1.2.1.1.1.0", Value::Integer(1))]),
        [Event::Print(0)]
    );
    assert_eq!(w.request(), Some(&oid("1.3.6.1.2.1.1.1.0")));
    // Past the end OID (1.3.6.1.2.1.2): not printed, the walk ends.
    assert_eq!(
        w.on_varbinds(&[vb("1.3.6.1.2.1.2.1.0", Value::Integer(1))]),
        []
    );
    assert_eq!(w.request(), None);
    assert_eq!(w.printed(), 1);

    // endOfMibView inside the subtree is printed, then the walk ends.
    let mut w = Walker::new(&Root(vec![1]), false, true);
    assert_eq!(w.request(), Some(&oid("1.0")));
    assert_eq!(
        w.on_varbinds(&[vb("1.3.6.1.6.3.1", Value::EndOfMibView)]),
        [Event::Print(0)]
    );
    assert_eq!(w.request(), None);
    assert_eq!(w.root_oid(), None);

    // A leaf: the next OID is outside, nothing printed; the caller then GETs the root.
    let mut w = Walker::new(&Root(vec![1, 3, 6, 1, 2, 1, 1, 1, 0]), false, true);
    assert_eq!(w.on_varbinds(&[vb("1.3.6.1.2.1.1.2.0", Value::Null)]), []);
    assert_eq!(
        (w.printed(), w.root_oid()),
        (0, Some(oid("1.3.6.1.2.1.1.1.0")))
    );
}

#[test]
fn walks_refuse_oids_that_do_not_increase_unless_told() {
    let mut w = Walker::new(&Root(vec![1, 3]), false, true);
    w.on_varbinds(&[vb("1.3.6.5", Value::Null)]);
    assert_eq!(
        w.on_varbinds(&[vb("1.3.6.4", Value::Null)]),
        [
            Event::Print(0),
            Event::NotIncreasing {
                previous: oid("1.3.6.5"),
                next: oid("1.3.6.4")
            }
        ]
    );
    assert_eq!(w.request(), None);
    let mut w = Walker::new(&Root(vec![1, 3]), false, false);
    w.on_varbinds(&[vb("1.3.6.5", Value::Null)]);
    assert_eq!(
        w.on_varbinds(&[vb("1.3.6.4", Value::Null)]),
        [Event::Print(0)]
    );
    assert_eq!(w.request(), Some(&oid("1.3.6.4")));
}

#[test]
fn bulk_walk_uses_the_prefix_and_the_last_varbind() {
    let mut w = Walker::new(&Root(vec![1, 3, 6, 1, 2, 1, 1]), true, true);
    let resp = [
        vb("1.3.6.1.2.1.1.1.0", Value::Null),
        vb("1.3.6.1.2.1.1.2.0", Value::Null),
        vb("1.3.6.1.2.1.2.1.0", Value::Null),
        vb("1.3.6.1.2.1.2.2.1.1.1", Value::Null),
    ];
    assert_eq!(w.on_varbinds(&resp), [Event::Print(0), Event::Print(1)]);
    assert_eq!(w.request(), None);

    // Each varbind is compared with the last one of the previous response only.
    let mut w = Walker::new(&Root(vec![1, 3]), true, true);
    let resp = [vb("1.3.9", Value::Null), vb("1.3.8", Value::Null)];
    assert_eq!(w.on_varbinds(&resp), [Event::Print(0), Event::Print(1)]);
    assert_eq!(w.request(), Some(&oid("1.3.8")));

    // An exception in the middle stops the walk but the rest inside is still printed.
    let mut w = Walker::new(&Root(vec![1, 3]), true, true);
    let resp = [
        vb("1.3.6", Value::NoSuchInstance),
        vb("1.3.7", Value::Integer(1)),
    ];
    assert_eq!(w.on_varbinds(&resp), [Event::Print(0), Event::Print(1)]);
    assert_eq!(w.request(), None);

    // An empty answer ends the walk instead of asking again forever.
    let mut w = Walker::new(&Root(vec![1, 3]), true, true);
    assert_eq!(w.on_varbinds(&[]), []);
    assert_eq!(w.request(), None);
}

fn printer<'a>(
    tool: Tool,
    out: &'a mut Vec<u8>,
    err: &'a mut Vec<u8>,
    multi: bool,
    format: Format,
) -> Printer<'a> {
    Printer {
        format,
        text: TextOptions::numeric(),
        tool,
        agent: "core1".into(),
        peer: "127.0.0.1:16100".into(),
        multi,
        out,
        err,
        varbinds: 0,
    }
}

#[test]
fn net_snmp_messages_per_tool() {
    let (mut o, mut e) = (Vec::new(), Vec::new());
    let nosuch = Failure::Agent {
        status: ErrorStatus::NoSuchName,
        index: 2,
        oid: Some(oid("1.3.6.1.2.1.1.99.0")),
    };
    let p = printer(Tool::Get, &mut o, &mut e, false, Format::Text);
    assert_eq!(
        p.net_snmp_message(&nosuch),
        "Error in packet\nReason: (noSuchName) There is no such variable name in this MIB.\nFailed object: .1.3.6.1.2.1.1.99.0\n\n"
    );
    assert_eq!(
        p.net_snmp_message(&Failure::Timeout),
        "Timeout: No Response from 127.0.0.1:16100.\n"
    );
    let p = printer(Tool::Walk, &mut o, &mut e, false, Format::Text);
    assert_eq!(
        p.net_snmp_message(&nosuch),
        "Error in packet.\nReason: (noSuchName) There is no such variable name in this MIB.\nFailed object: .1.3.6.1.2.1.1.99.0\n\n"
    );
    assert_eq!(
        p.net_snmp_message(&Failure::Timeout),
        "Timeout: No Response from 127.0.0.1:16100\n"
    );
    let gen_err = Failure::Agent {
        status: ErrorStatus::GenErr,
        index: 0,
        oid: None,
    };
    assert_eq!(
        p.net_snmp_message(&gen_err),
        "Error in packet.\nReason: (genError) A general failure occured\n"
    );
    let loop_ = Failure::NotIncreasing {
        previous: oid("1.3.6.5"),
        next: oid("1.3.6.4"),
    };
    assert_eq!(
        p.net_snmp_message(&loop_),
        "Error: OID not increasing: .1.3.6.5\n >= .1.3.6.4\n\n"
    );
    assert_eq!(
        p.one_line(&nosuch),
        "Error in packet: (noSuchName) There is no such variable name in this MIB. (failed object: .1.3.6.1.2.1.1.99.0)"
    );
}

#[test]
fn several_agents_prefix_lines_and_make_errors_one_line() {
    let (mut o, mut e) = (Vec::new(), Vec::new());
    let mut p = printer(Tool::Get, &mut o, &mut e, true, Format::Text);
    p.varbind(&vb(
        "1.3.6.1.2.1.1.5.0",
        Value::OctetString(b"a\nb"[..].into()),
    ))
    .unwrap();
    p.failure(&Failure::Timeout).unwrap();
    assert_eq!(p.varbinds, 1);
    assert_eq!(
        String::from_utf8(o).unwrap(),
        "core1: .1.3.6.1.2.1.1.5.0 = STRING: \"a\ncore1: b\"\n"
    );
    assert_eq!(
        String::from_utf8(e).unwrap(),
        "core1: Timeout: No Response from 127.0.0.1:16100\n"
    );
}

#[test]
fn json_and_csv_records() {
    let (mut o, mut e) = (Vec::new(), Vec::new());
    let mut p = printer(Tool::Get, &mut o, &mut e, false, Format::Json);
    p.varbind(&vb(
        "1.3.6.1.2.1.1.5.0",
        Value::OctetString(b"rtr, \"one\""[..].into()),
    ))
    .unwrap();
    p.failure(&Failure::Timeout).unwrap();
    let text = String::from_utf8(o).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["agent"], "core1");
    assert_eq!(lines[0]["value"], "rtr, \"one\"");
    assert_eq!(lines[1]["error"], "timeout");
    assert_eq!(
        String::from_utf8(e).unwrap(),
        "core1: Timeout: No Response from 127.0.0.1:16100\n"
    );

    let (mut o, mut e) = (Vec::new(), Vec::new());
    let mut p = printer(Tool::Get, &mut o, &mut e, false, Format::Csv);
    p.varbind(&vb(
        "1.3.6.1.2.1.1.5.0",
        Value::OctetString(b"rtr, \"one\""[..].into()),
    ))
    .unwrap();
    p.varbind(&vb("1.3.6.1.2.1.1.7.0", Value::Integer(72)))
        .unwrap();
    p.varbind(&vb("1.3.6.1.2.1.1.9.0", Value::NoSuchObject))
        .unwrap();
    assert_eq!(
        String::from_utf8(o).unwrap(),
        "core1,1.3.6.1.2.1.1.5.0,SNMPv2-MIB::sysName.0,OCTET STRING,\"rtr, \"\"one\"\"\",7274722c20226f6e6522\n\
         core1,1.3.6.1.2.1.1.7.0,SNMPv2-MIB::sysServices.0,INTEGER,72,\n\
         core1,1.3.6.1.2.1.1.9.0,SNMPv2-MIB::sysORTable.0,noSuchObject,,\n"
    );
    let mut row = Vec::new();
    write_csv_row(&mut row, &["a\nb".into(), "plain".into()]).unwrap();
    assert_eq!(row, b"\"a\nb\",plain\n");
}

fn if_table() -> TableRows {
    TableRows {
        entry: Some(oid("1.3.6.1.2.1.2.2.1")),
        columns: vec![1, 2, 5],
        rows: vec![
            TableRow {
                index: vec![1],
                cells: vec![
                    Some(Value::Integer(1)),
                    Some(Value::OctetString(b"lo"[..].into())),
                    Some(Value::Gauge32(10_000_000)),
                ],
            },
            TableRow {
                index: vec![2],
                cells: vec![
                    Some(Value::Integer(2)),
                    Some(Value::OctetString(b"eth0"[..].into())),
                    None,
                ],
            },
        ],
    }
}

#[test]
fn table_text_is_snmptables_layout() {
    let names = TextOptions::default();
    let t = table_text(
        &oid("1.3.6.1.2.1.2.2"),
        &if_table(),
        Default::default(),
        &names,
    );
    assert_eq!(
        t,
        "SNMP table: IF-MIB::ifTable\n\n ifIndex ifDescr  ifSpeed\n       1    \"lo\" 10000000\n       2  \"eth0\"        ?\n"
    );
    let flags = super::args::TableFlags {
        index: true,
        brief: true,
        ..Default::default()
    };
    let t = table_text(
        &oid("1.3.6.1.2.1.2.2"),
        &if_table(),
        flags,
        &TextOptions::numeric(),
    );
    assert_eq!(
        t,
        // snmptable's index column is at least `index ` wide (apps/snmptable.c).
        "SNMP table: .1.3.6.1.2.1.2.2\n\n index Index  Descr    Speed\n     1     1   \"lo\" 10000000\n     2     2 \"eth0\"        ?\n"
    );
    let empty = TableRows::default();
    assert_eq!(
        table_text(&oid("1.3.6.1.2.1.2.2"), &empty, Default::default(), &names),
        "IF-MIB::ifTable: No entries\n"
    );
}

const LOCAL_KEY: &str = "0102030405060708090a0b0c0d0e0f10";

#[test]
fn snmpv3_options_make_the_sessions_user() {
    use crate::usm::{AuthProtocol, KeySource, PrivProtocol, SecurityLevel};
    for line in [
        "-v 3 -u alice -l authPriv -a SHA-256 -A authpass1 -x AES -X privpass1 -n ctx -E 8000000001 -e 80001f8880aa 127.0.0.1:1161 sysDescr.0",
        // Glued, and after the agent, as getopt takes them.
        "127.0.0.1:1161 -v3 -ualice -lauthPriv -aSHA-256 -Aauthpass1 -xAES -Xprivpass1 -nctx -E8000000001 -e80001f8880aa sysDescr.0",
        // -3 spellings of the same options (a bare `-3` is a number, as `i -3` in `set`).
        "-3u alice -3l authPriv -3a SHA-256 -3A authpass1 -3x AES -3X=privpass1 -3n ctx -3E 8000000001 -3e80001f8880aa 127.0.0.1:1161 sysDescr.0",
    ] {
        let inv = run(Tool::Get, line);
        assert_eq!(inv.session.version, Version::V3, "{line}");
        let u = inv.session.user.expect(line);
        assert_eq!(*u, crate::usm::sample_user(PrivProtocol::Aes128, "ctx"));
    }

    // Every protocol name net-snmp takes (and the Cisco AES variants).
    for (a, want) in [
        ("MD5", AuthProtocol::Md5),
        ("SHA", AuthProtocol::Sha1),
        ("SHA-224", AuthProtocol::Sha224),
        ("SHA-256", AuthProtocol::Sha256),
        ("SHA-384", AuthProtocol::Sha384),
        ("sha-512", AuthProtocol::Sha512),
    ] {
        let inv = run(
            Tool::Walk,
            &format!("-u u -l authNoPriv -a {a} -A authpass1 h"),
        );
        assert_eq!(inv.session.user.unwrap().auth_protocol, want, "{a}");
    }
    for (x, want) in [
        ("DES", PrivProtocol::Des),
        ("AES", PrivProtocol::Aes128),
        ("AES-192", PrivProtocol::Aes192),
        ("AES-256", PrivProtocol::Aes256),
        ("AES-192-C", PrivProtocol::Aes192Cisco),
        ("AES-256-C", PrivProtocol::Aes256Cisco),
    ] {
        let inv = run(
            Tool::BulkWalk,
            &format!("-u u -l authPriv -A authpass1 -x {x} -X privpass1 h"),
        );
        assert_eq!(inv.session.user.unwrap().priv_protocol, want, "{x}");
    }

    // net-snmp's rule: without -l the level is noAuthNoPriv, even with -A and -X; any SNMPv3
    // option selects version 3; the defaults are MD5 and DES.
    let inv = run(Tool::Get, "-u bob -A authpass1 -X privpass1 h .1.3");
    assert_eq!(inv.session.version, Version::V3);
    let u = inv.session.user.unwrap();
    assert_eq!(u.level, SecurityLevel::NoAuthNoPriv);
    assert_eq!(
        (u.auth_protocol, u.priv_protocol),
        (AuthProtocol::Md5, PrivProtocol::Des)
    );

    // Keys in hex: master (-3m/-3M) and localized (-3k/-3K); localized wins whatever the order.
    let inv = run(
        Tool::Get,
        &format!("-u bob -l authPriv -3k{LOCAL_KEY} -3m {LOCAL_KEY} -3M=0x{LOCAL_KEY} h .1.3"),
    );
    let u = inv.session.user.unwrap();
    assert!(matches!(u.auth_key, Some(KeySource::Localized(_))));
    assert!(matches!(u.priv_key, Some(KeySource::Master(_))));

    // v2c stays without a user.
    assert!(run(Tool::Get, "h .1.3").session.user.is_none());
}

#[test]
fn snmpv3_usage_errors_never_quote_a_secret() {
    let cases: &[(&str, &str)] = &[
        ("-v 3 h .1.3", "No securityName specified (-u USER)"),
        (
            "-v 1 -l authPriv h .1.3",
            "-l is an SNMPv3 option: it needs -v 3, not -v 1",
        ),
        (
            "-u a -a SHA1024 h .1.3",
            "Invalid authentication protocol specified after -a flag: SHA1024 (MD5, SHA, SHA-224, SHA-256, SHA-384 or SHA-512)",
        ),
        (
            "-u a -x BLOWFISH h .1.3",
            "Invalid privacy protocol specified after -x flag: BLOWFISH (DES, AES, AES-192, AES-256, AES-192-C or AES-256-C)",
        ),
        (
            "-u a -l secure h .1.3",
            "Invalid security level specified after -l flag: secure (noAuthNoPriv, authNoPriv or authPriv)",
        ),
        (
            "-u a -l authNoPriv h .1.3",
            "security level authNoPriv needs an authentication pass phrase (-A) or key",
        ),
        (
            "-u a -l authPriv -A authpass1 h .1.3",
            "security level authPriv needs a privacy pass phrase (-X) or key",
        ),
        (
            "-u a -l authNoPriv -A s3cret h .1.3",
            "authentication pass phrase shorter than 8 characters",
        ),
        (
            "-u a -3k s3cretxx h .1.3",
            "Bad key value after -3k flag: expected hex digits",
        ),
        (
            "-u a -e 00 h .1.3",
            "Bad engine ID value after -e flag: expected 5 to 32 octets in hex",
        ),
        (
            "-3z 1 h .1.3",
            "unknown SNMPv3 option -3z (m M k K, or u l a A x X n e E)",
        ),
        ("-u a -A", "option -A needs a value"),
        ("-u a -3K", "option -3K needs a value"),
    ];
    for (line, want) in cases {
        let e = usage(Tool::Get, line);
        assert_eq!(e.to_string(), *want, "{line}");
        assert!(!e.to_string().contains("s3cret"), "{line}");
    }
}

#[test]
fn snmpv3_secrets_never_show_in_debug() {
    let inv = run(
        Tool::Get,
        &format!(
            "-u alice -l authPriv -A authpass1 -X privpass1 -3m {LOCAL_KEY} -3K {LOCAL_KEY} h .1.3"
        ),
    );
    let shown = format!("{inv:?}");
    assert!(shown.contains("alice"), "{shown}");
    for secret in ["authpass1", "privpass1", "0102030405", "[1, 2, 3"] {
        assert!(!shown.contains(secret), "{secret}: {shown}");
    }
}

#[test]
fn help_tells_the_snmpv3_options() {
    let h = super::args::help(Tool::Walk);
    for want in [
        "-v 1|2c|3",
        "-u USER",
        "-l LEVEL",
        "-a PROTOCOL",
        "-A PASSPHRASE",
        "-x PROTOCOL",
        "-X PASSPHRASE",
        "-3k KEY",
        "-n CONTEXT",
        "-E ENGINEID",
        "-e ENGINEID",
    ] {
        assert!(h.contains(want), "{want}");
    }
}
