//! `snmpact get|getnext|bulkget|walk|bulkwalk|table|set` as a user runs them: the built binary
//! beside net-snmp's own tools against the same real `snmpd`, byte for byte (whole-agent walks
//! with volatile subtrees and moving counters masked the way `format_interop` does); JSON and
//! CSV against the text; many agents at once (1,000 simulated agents from one targets file);
//! exit codes and one-line errors. See: issue 5.

use std::fmt::Write as _;
use std::net::{SocketAddr, UdpSocket};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use snmpact::simulator::agent::server::{self, AgentsHandle};
use snmpact::simulator::agent::{Responder, snmprec};

use crate::harness::snmpd::{Snmpd, run_tool};

/// What one run of a program gave.
#[derive(Debug)]
pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

/// Runs the binary under test with `args`.
pub(crate) fn snmpact(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_snmpact"))
        .args(args)
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .output()
        .expect("run snmpact");
    Run {
        code: out.status.code().expect("exited, not killed"),
        stdout: String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8 stderr"),
    }
}

/// Runs a net-snmp tool (MIBS="", C locale) and keeps all it printed, but the notes of its
/// first run in a fresh persistent directory (`Created directory: ...`).
fn net_snmp(prog: &str, args: &[&str]) -> Run {
    let out = run_tool(prog, args);
    let stderr = String::from_utf8(out.stderr).expect("UTF-8 stderr");
    Run {
        code: out.status.code().expect("exited, not killed"),
        stdout: String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        stderr: stderr
            .split_inclusive('\n')
            .filter(|l| !l.starts_with("Created directory: "))
            .collect(),
    }
}

/// A file under cargo's scratch space for this test binary.
pub(crate) fn scratch_file(name: &str, text: &str) -> PathBuf {
    let dir =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// A loopback UDP port that never answers (bound and kept by the caller, so no ICMP either).
pub(crate) fn silent_agent() -> UdpSocket {
    UdpSocket::bind("127.0.0.1:0").unwrap()
}

/// `n` simulated agents serving `etc/demo.snmprec` with community `public`, on loopback,
/// its living values (counters, sysUpTime) frozen so that two runs print the same.
pub(crate) fn demo_agents(n: usize) -> AgentsHandle {
    let store = snmprec::demo().frozen();
    let agents = (0..n)
        .map(|_| {
            (
                SocketAddr::from(([127, 0, 0, 1], 0)),
                Responder::new(store.clone(), "public"),
            )
        })
        .collect();
    server::spawn_many(agents).expect("start simulated agents")
}

/// Subtrees of snmpd whose rows come and go between two walks (as in `format_interop`).
const VOLATILE: &[&str] = &[
    ".1.3.6.1.2.1.4.22.",
    ".1.3.6.1.2.1.4.35.",
    ".1.3.6.1.2.1.6.13.",
    ".1.3.6.1.2.1.6.19.",
    ".1.3.6.1.2.1.6.20.",
    ".1.3.6.1.2.1.7.5.",
    ".1.3.6.1.2.1.7.7.",
    ".1.3.6.1.2.1.25.1.",
    ".1.3.6.1.2.1.25.2.",
    ".1.3.6.1.2.1.25.3.",
    ".1.3.6.1.2.1.25.4.",
    ".1.3.6.1.2.1.25.5.",
    ".1.3.6.1.2.1.25.6.",
    ".1.3.6.1.4.1.2021.4.",
    ".1.3.6.1.4.1.2021.9.",
    ".1.3.6.1.4.1.2021.10.",
    ".1.3.6.1.4.1.2021.11.",
    ".1.3.6.1.4.1.2021.13.",
    ".1.3.6.1.4.1.2021.100.",
    ".1.3.6.1.4.1.8072.1.5.",
    ".1.3.6.1.6.3.10.2.1.3.",
];

/// Value types whose numbers move between two walks.
const MOVING: [&str; 4] = ["Counter32: ", "Counter64: ", "Gauge32: ", "Timeticks: "];

/// A walk's text with what may change between two walks masked, everything else kept byte for
/// byte: the entries of a volatile subtree become one `<volatile P>` line per subtree, and the
/// digits of counters, gauges and timeticks become one `0` per run. Lines that are not entries
/// (`End of MIB`, a string's second line) are kept.
fn mask_walk(text: &str) -> String {
    let mut out = String::new();
    let mut last_volatile: Option<&str> = None;
    let mut in_volatile = false;
    for line in text.split_inclusive('\n') {
        let entry = line.starts_with('.')
            && line[1..].starts_with(|c: char| c.is_ascii_digit())
            && line.contains(" = ");
        if entry {
            let oid = &line[..line.find(" = ").unwrap()];
            let volatile = VOLATILE.iter().copied().find(|p| oid.starts_with(p));
            in_volatile = volatile.is_some();
            if let Some(p) = volatile {
                if last_volatile != Some(p) {
                    let _ = writeln!(out, "<volatile {p}>");
                }
                last_volatile = Some(p);
                continue;
            }
            last_volatile = None;
            let value = &line[oid.len() + 3..];
            if MOVING.iter().any(|m| value.starts_with(m)) {
                out.push_str(oid);
                out.push_str(" = ");
                out.push_str(&shape(value));
            } else {
                out.push_str(line);
            }
        } else if !in_volatile {
            out.push_str(line);
        }
    }
    out
}

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

/// Walks the whole agent with `tool` and net-snmp's `net` the same way and compares them.
fn whole_agent_walk_matches(tool: &str, net: &str, version: &str) {
    let agent = Snmpd::start();
    let target = agent.target();
    let args = [version, "-c", "public", "-On", &target, ".1"];
    let ours = snmpact(&[&[tool][..], &args].concat());
    let theirs = net_snmp(net, &args);
    assert_eq!((ours.code, theirs.code), (0, 0), "{}", ours.stderr);
    assert_eq!(ours.stderr, theirs.stderr);
    let lines = ours.stdout.lines().count();
    assert!(
        lines > 2000,
        "a whole snmpd walk has thousands of lines, got {lines}"
    );
    let last = ours.stdout.lines().last().unwrap();
    if version == "-v1" {
        assert_eq!(last, "End of MIB");
    } else {
        assert!(
            last.ends_with(
                " = No more variables left in this MIB View (It is past the end of the MIB tree)"
            ),
            "{last}"
        );
    }
    let (ours, theirs) = (mask_walk(&ours.stdout), mask_walk(&theirs.stdout));
    if ours != theirs {
        let diff: Vec<String> = ours
            .lines()
            .zip(theirs.lines())
            .enumerate()
            .filter(|(_, (a, b))| a != b)
            .take(5)
            .map(|(i, (a, b))| format!("line {}:\n  ours:     {a}\n  snmpwalk: {b}", i + 1))
            .collect();
        panic!(
            "{tool} {version} differs from {net} ({} vs {} masked lines):\n{}",
            ours.lines().count(),
            theirs.lines().count(),
            diff.join("\n")
        );
    }
}

#[test]
fn whole_agent_walk_v2c_is_snmpwalks() {
    whole_agent_walk_matches("walk", "snmpwalk", "-v2c");
}

#[test]
fn whole_agent_walk_v1_is_snmpwalks() {
    whole_agent_walk_matches("walk", "snmpwalk", "-v1");
}

#[test]
fn whole_agent_bulkwalk_is_snmpbulkwalks() {
    whole_agent_walk_matches("bulkwalk", "snmpbulkwalk", "-v2c");
}

/// The same command through both, byte for byte on stdout and stderr.
fn same(agent: &Snmpd, tool: &str, net: &str, args: &[&str]) -> Run {
    let target = agent.target();
    let args: Vec<&str> = args
        .iter()
        .map(|a| if *a == "AGENT" { target.as_str() } else { a })
        .collect();
    let ours = snmpact(&[&[tool][..], &args].concat());
    let theirs = net_snmp(net, &args);
    assert_eq!(ours.stdout, theirs.stdout, "stdout of {tool} {args:?}");
    assert_eq!(ours.stderr, theirs.stderr, "stderr of {tool} {args:?}");
    // See: issue 15. The exit codes are net-snmp's too (2 for an error-status).
    assert_eq!(ours.code, theirs.code, "exit code of {tool} {args:?}");
    ours
}

#[test]
fn get_getnext_bulkget_set_are_net_snmps() {
    let agent = Snmpd::start();
    // GET of several OIDs, exceptions included (no moving value among them).
    let get = [
        "-v2c",
        "-c",
        "public",
        "-On",
        "AGENT",
        ".1.3.6.1.2.1.1.1.0",
        ".1.3.6.1.2.1.1.2.0",
        ".1.3.6.1.2.1.1.7.0",
        ".1.3.6.1.2.1.1.9.1.2.1",
        ".1.3.6.1.2.1.1.99.0",
        ".1.3.6.1.2.1.1.1.5",
        ".1.3.6.1.2.1.2.1.0",
    ];
    let run = same(&agent, "get", "snmpget", &get);
    assert_eq!((run.code, run.stdout.lines().count()), (0, 7));
    // Names and quick forms: -Oq, -Ov, options after the agent, combined letters.
    same(
        &agent,
        "get",
        "snmpget",
        &[
            "AGENT",
            "-v2c",
            "-cpublic",
            "-Onq",
            ".1.3.6.1.2.1.1.2.0",
            ".1.3.6.1.2.1.1.8.0",
        ],
    );
    same(
        &agent,
        "get",
        "snmpget",
        &[
            "-v",
            "2c",
            "-c",
            "public",
            "-Ovt",
            "AGENT",
            ".1.3.6.1.2.1.1.7.0",
            ".1.3.6.1.2.1.1.8.0",
        ],
    );
    // v1: noSuchName for two objects: their `Error in packet` messages, then the rest.
    let run = same(
        &agent,
        "get",
        "snmpget",
        &[
            "-v1",
            "-c",
            "public",
            "-On",
            "AGENT",
            ".1.3.6.1.2.1.1.97.0",
            ".1.3.6.1.2.1.1.1.0",
            ".1.3.6.1.2.1.1.99.0",
        ],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .starts_with("Error in packet\nReason: (noSuchName)"),
        "{}",
        run.stderr
    );
    // GETNEXT past the end, v2c and v1.
    let last = ".1.3.6.1.6.3.16.1.5.2.1.6.6.95.110.111.110.101.95.1.2";
    same(
        &agent,
        "getnext",
        "snmpgetnext",
        &[
            "-v2c",
            "-c",
            "public",
            "-On",
            "AGENT",
            last,
            ".1.3.6.1.2.1.1.1.0",
        ],
    );
    let run = same(
        &agent,
        "getnext",
        "snmpgetnext",
        &[
            "-v1",
            "-c",
            "public",
            "-On",
            "AGENT",
            last,
            ".1.3.6.1.2.1.1.1.0",
        ],
    );
    assert!(
        run.stderr.starts_with("Error in packet.\n"),
        "{}",
        run.stderr
    );
    same(
        &agent,
        "bulkget",
        "snmpbulkget",
        &[
            "-v2c",
            "-c",
            "public",
            "-On",
            "-Cn1",
            "-Cr3",
            "AGENT",
            ".1.3.6.1.2.1.1.1.0",
            ".1.3.6.1.2.1.2.2.1.1",
        ],
    );
    // SET: two varbinds, then errors (read-only object, read-only community, wrong type).
    same(
        &agent,
        "set",
        "snmpset",
        &[
            "-v2c",
            "-c",
            "private",
            "-On",
            "AGENT",
            ".1.3.6.1.2.1.1.6.0",
            "s",
            "lab",
            ".1.3.6.1.2.1.1.4.0",
            "s",
            "noc",
        ],
    );
    for (community, oid, ty, value) in [
        ("private", ".1.3.6.1.2.1.1.1.0", "s", "x"),
        ("public", ".1.3.6.1.2.1.1.6.0", "s", "x"),
        ("private", ".1.3.6.1.2.1.1.6.0", "i", "5"),
    ] {
        let run = same(
            &agent,
            "set",
            "snmpset",
            &["-v2c", "-c", community, "-On", "AGENT", oid, ty, value],
        );
        assert_eq!(run.code, 2);
    }
}

#[test]
fn walks_end_as_snmpwalk_ends_them() {
    let agent = Snmpd::start();
    let last_subtree = ".1.3.6.1.6.3.16.1.5.2.1.6.6.95.110.111.110.101.95.1";
    for v in ["-v2c", "-v1"] {
        for root in [
            ".1.3.6.1.2.1.1.9",   // a subtree: nothing printed past its end
            ".1.3.6.1.2.1.1.1.0", // a leaf: GET instead
            ".1.3.6.1.2.1.1.99",  // nothing there: GET (v2c: noSuchObject; v1: nothing)
            ".1.3.6.1.9",         // past the end of the MIB
            last_subtree,         // ends with endOfMibView inside (v2c) or End of MIB (v1)
        ] {
            same(
                &agent,
                "walk",
                "snmpwalk",
                &[v, "-c", "public", "-On", "AGENT", root],
            );
        }
    }
    same(
        &agent,
        "bulkwalk",
        "snmpbulkwalk",
        &[
            "-v2c",
            "-c",
            "public",
            "-On",
            "-Cr3",
            "AGENT",
            ".1.3.6.1.2.1.1.9",
        ],
    );
    same(
        &agent,
        "bulkwalk",
        "snmpbulkwalk",
        &["-v2c", "-c", "public", "-On", "AGENT", last_subtree],
    );
    same(
        &agent,
        "bulkwalk",
        "snmpbulkwalk",
        &["-v2c", "-c", "public", "-On", "AGENT", ".1.3.6.1.2.1.1.1.0"],
    );
    // -Cp counts, -Ci GETs the root first.
    same(
        &agent,
        "walk",
        "snmpwalk",
        &[
            "-v2c",
            "-c",
            "public",
            "-On",
            "-Cp",
            "AGENT",
            ".1.3.6.1.2.1.1.9.1.2",
        ],
    );
    same(
        &agent,
        "walk",
        "snmpwalk",
        &[
            "-v2c",
            "-c",
            "public",
            "-On",
            "-Ci",
            "AGENT",
            ".1.3.6.1.2.1.1.9.1.3",
        ],
    );
    // No OID: mib-2, which ends before the first OID outside it.
    let ours = snmpact(&["walk", "-v2c", "-c", "public", "-On", &agent.target()]);
    assert_eq!(ours.code, 0);
    assert!(ours.stdout.starts_with(".1.3.6.1.2.1.1.1.0 = STRING: "));
    assert!(
        ours.stdout
            .lines()
            .all(|l| !l.starts_with(".1.3.6.1.4.") && !l.contains("No more variables"))
    );
}

#[test]
fn timeouts_print_what_net_snmp_prints_and_exit_1() {
    let dead = silent_agent();
    let target = format!("127.0.0.1:{}", dead.local_addr().unwrap().port());
    for (tool, net) in [
        ("get", "snmpget"),
        ("getnext", "snmpgetnext"),
        ("walk", "snmpwalk"),
        ("bulkwalk", "snmpbulkwalk"),
    ] {
        let args = [
            "-v2c",
            "-c",
            "public",
            "-On",
            "-t",
            "0.2",
            "-r",
            "1",
            &target,
            ".1.3.6.1.2.1.1.1.0",
        ];
        let ours = snmpact(&[&[tool][..], &args].concat());
        let theirs = net_snmp(net, &args);
        assert_eq!((ours.code, theirs.code), (1, 1), "{tool}");
        assert_eq!(ours.stdout, "");
        assert_eq!(ours.stderr, theirs.stderr, "{tool}");
    }
}

#[test]
fn usage_errors_exit_2_with_one_line() {
    for args in [
        &["get", "-v", "4", "127.0.0.1", "sysDescr.0"][..],
        &["get", "-v2c", "127.0.0.1"],
        &["walk", "-Cx", "127.0.0.1"],
        &["get", "127.0.0.1", "noSuchThing.0"],
        &["bulkwalk", "-v1", "127.0.0.1"],
        &["get", "--targets", "/nonexistent/agents.txt", "sysDescr.0"],
        &["set", "127.0.0.1", "sysContact.0", "s"],
    ] {
        let run = snmpact(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert_eq!(run.stdout, "");
        assert_eq!(run.stderr.lines().count(), 1, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.starts_with(&format!("snmpact {}: ", args[0])),
            "{}",
            run.stderr
        );
    }
    let run = snmpact(&[
        "get",
        "-c",
        "s3cret-community",
        "-v",
        "4",
        "127.0.0.1",
        "sysDescr.0",
    ]);
    assert!(!run.stderr.contains("s3cret"));
    let help = snmpact(&["walk", "--help"]);
    assert_eq!(help.code, 0);
    assert!(
        help.stdout
            .contains("Usage: snmpact walk [OPTIONS] AGENT [OID]...")
    );
}

/// One object per line of `--format json`.
fn json_lines(text: &str) -> Vec<serde_json::Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).expect("a JSON object per line"))
        .collect()
}

#[test]
fn json_and_csv_hold_what_the_text_holds() {
    let agents = demo_agents(1);
    let target = agents.addr().to_string();
    let walk = |format: &str| {
        snmpact(&[
            "walk", "-v2c", "-c", "public", "-On", "--format", format, &target, "system",
        ])
    };
    let (text, json, csv) = (walk("text"), walk("json"), walk("csv"));
    assert_eq!((text.code, json.code, csv.code), (0, 0, 0));
    let text: Vec<&str> = text.stdout.lines().collect();
    let json = json_lines(&json.stdout);
    let mut reader = csv::Reader::from_reader(csv.stdout.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header, ["agent", "oid", "name", "type", "value", "hex"]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(text.len() > 10);
    assert_eq!((json.len(), rows.len()), (text.len(), text.len()));
    for ((line, j), row) in text.iter().zip(&json).zip(&rows) {
        let oid = j["oid"].as_str().unwrap();
        assert!(line.starts_with(&format!(".{oid} = ")), "{line} vs {j}");
        assert_eq!(j["agent"], target.as_str());
        assert_eq!(&row[0], target);
        assert_eq!(&row[1], oid);
        assert_eq!(&row[2], j["name"].as_str().unwrap());
        assert_eq!(&row[3], j["type"].as_str().unwrap());
        let value = match &j["value"] {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Null => String::new(),
            other => other.to_string(),
        };
        assert_eq!(row[4], value);
        assert_eq!(&row[5], j.get("hex").and_then(|h| h.as_str()).unwrap_or(""));
        // The text carries the same value.
        if let serde_json::Value::String(s) = &j["value"]
            && j["type"] == "OCTET STRING"
            && j.get("hex").is_some_and(|h| h != s)
        {
            assert!(line.ends_with(&format!("STRING: \"{s}\"")), "{line}");
        }
    }
    assert_eq!(json[0]["name"], "SNMPv2-MIB::sysDescr.0");
    assert_eq!(
        json[0]["value"],
        "snmpact demo router (simulated), firmware 1.0"
    );
}

#[test]
fn table_prints_rows_in_text_json_and_csv() {
    let agents = demo_agents(1);
    let target = agents.addr().to_string();
    let text = snmpact(&["table", "-v2c", "-c", "public", "-Ci", &target, "ifTable"]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    let lines: Vec<&str> = text.stdout.lines().collect();
    assert_eq!(lines[0], "SNMP table: IF-MIB::ifTable");
    assert_eq!(lines[1], "");
    assert!(
        // snmptable: the index column is at least `index ` wide.
        lines[2].starts_with(" index ifIndex ifDescr"),
        "{}",
        lines[2]
    );
    let json = json_lines(&snmpact(&["table", "--format", "json", &target, "ifTable"]).stdout);
    assert_eq!(json.len(), lines.len() - 3);
    assert_eq!(json[0]["index"], "1");
    assert_eq!(json[0]["values"]["ifDescr"], "lo");
    let csv = snmpact(&["table", "--format", "csv", &target, "ifTable"]);
    let cells = csv.stdout.lines().count() - 1;
    assert!(cells >= json.len() * 10, "one CSV row per cell: {cells}");
}

#[test]
fn many_agents_each_line_names_its_agent_in_order() {
    let agents = demo_agents(2);
    let dead = silent_agent();
    let hosts = format!(
        "{},127.0.0.1:{},{}",
        agents.addrs()[0],
        dead.local_addr().unwrap().port(),
        agents.addrs()[1]
    );
    let run = snmpact(&[
        "get",
        "-On",
        "-t",
        "0.5",
        "-r",
        "2",
        &hosts,
        "sysName.0",
        "sysServices.0",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let a = agents.addrs()[0].to_string();
    let b = agents.addrs()[1].to_string();
    assert_eq!(
        run.stdout,
        format!(
            "{a}: .1.3.6.1.2.1.1.5.0 = STRING: \"demo-rtr1\"\n{a}: .1.3.6.1.2.1.1.7.0 = INTEGER: 72\n\
             {b}: .1.3.6.1.2.1.1.5.0 = STRING: \"demo-rtr1\"\n{b}: .1.3.6.1.2.1.1.7.0 = INTEGER: 72\n"
        )
    );
    let dead_name = format!("127.0.0.1:{}", dead.local_addr().unwrap().port());
    let stderr: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(
        stderr[0],
        format!("{dead_name}: Timeout: No Response from {dead_name}")
    );
    assert!(
        stderr[1].starts_with("3 agents: 2 ok, 1 timed out, 0 failed; 4 varbinds in "),
        "{}",
        stderr[1]
    );
    assert_eq!(
        stderr.len(),
        2,
        "no progress bar when stderr is not a terminal"
    );
}

#[test]
fn a_thousand_targets_in_one_run_all_answer() {
    const N: usize = 1000;
    let agents = demo_agents(N);
    let mut file = String::from("# 1,000 simulated agents on loopback\n");
    for (i, a) in agents.addrs().iter().enumerate() {
        let _ = writeln!(file, "{a} agent{i:04}");
    }
    let path = scratch_file("thousand.txt", &file);
    let run = snmpact(&[
        "get",
        "-v2c",
        "-c",
        "public",
        "-On",
        "-t",
        "2",
        "-r",
        "3",
        "--concurrency",
        "200",
        "--targets",
        path.to_str().unwrap(),
        "sysName.0",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), N);
    for (i, line) in lines.iter().enumerate() {
        assert_eq!(
            *line,
            format!("agent{i:04}: .1.3.6.1.2.1.1.5.0 = STRING: \"demo-rtr1\"")
        );
    }
    assert!(
        run.stderr
            .starts_with("1000 agents: 1000 ok, 0 timed out, 0 failed; 1000 varbinds in "),
        "{}",
        run.stderr
    );
    // Every agent was asked (once, unless a retry was needed on a busy machine).
    for i in 0..N {
        assert!(agents.with_agent(i, |r| r.requests()) >= 1, "agent {i}");
    }
}

#[test]
fn the_progress_bar_shows_on_a_terminal_and_never_on_stdout() {
    // Each answer takes 20 ms, so the run lasts long enough for the bar to be drawn.
    let slow = snmpact::simulator::agent::Faults {
        delay: std::time::Duration::from_millis(20),
        ..Default::default()
    };
    let agents = server::spawn_many(
        (0..50)
            .map(|_| {
                let r = Responder::new(snmprec::demo(), "public").with_faults(slow.clone());
                (SocketAddr::from(([127, 0, 0, 1], 0)), r)
            })
            .collect(),
    )
    .unwrap();
    let mut file = String::new();
    for (i, a) in agents.addrs().iter().enumerate() {
        let _ = writeln!(file, "{a} a{i}");
    }
    let targets = scratch_file("progress.txt", &file);
    let out = scratch_file("progress.out", "");
    // `script` gives snmpact a terminal for stderr; stdout goes to a file.
    let command = format!(
        "{} get --concurrency 4 --targets {} sysName.0 > {}",
        env!("CARGO_BIN_EXE_snmpact"),
        targets.display(),
        out.display()
    );
    let run = Command::new("timeout")
        .args(["60", "script", "-qec", &command, "/dev/null"])
        .stdin(Stdio::null())
        .output()
        .expect("run script(1) from util-linux");
    let terminal = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{terminal}");
    assert!(
        terminal.contains("/50 agents"),
        "a bar on the terminal: {terminal}"
    );
    assert!(terminal.contains("50 agents: 50 ok, 0 timed out, 0 failed; 50 varbinds in "));
    let stdout = std::fs::read_to_string(&out).unwrap();
    assert_eq!(stdout.lines().count(), 50);
    assert!(!stdout.contains("agents"), "nothing of the bar on stdout");
    // --no-progress: only the summary.
    let quiet = Command::new("timeout")
        .args([
            "60",
            "script",
            "-qec",
            &format!("{command} --no-progress"),
            "/dev/null",
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let terminal = String::from_utf8_lossy(&quiet.stdout);
    assert!(!terminal.contains("/50 agents"), "{terminal}");
    assert!(terminal.contains("50 agents: 50 ok"));
}
