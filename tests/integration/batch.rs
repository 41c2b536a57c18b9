//! `snmpact batch` as a user runs it: the shipped sample runs as it is and gives the same
//! output every time; a script mixing good lines, a dead agent and a bad line gives the
//! documented output and exit code (the bad line stops everything before a packet is sent;
//! without it, the run stops at the dead agent, or goes on with `--keep-going`); results come in
//! script order however long each command takes; JSON lines carry their line numbers. See:
//! issue 5.

use std::io::Write;
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use snmpact::simulator::agent::server;
use snmpact::simulator::agent::{Faults, Responder, snmprec};

use crate::cli::{demo_agents, scratch_file, silent_agent, snmpact};

/// The shipped sample files.
fn etc(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("etc")
        .join(name)
        .display()
        .to_string()
}

/// `text` with every run of digits made one `0`: counters and sysUpTime move between runs
/// (the demo agent's data is living, see etc/demo.snmprec), everything else must not.
fn shape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_digits = false;
    for c in text.chars() {
        let digit = c.is_ascii_digit();
        if !(digit && in_digits) {
            out.push(if digit { '0' } else { c });
        }
        in_digits = digit;
    }
    out
}

/// Runs a shipped sample with `args` before it and checks what every sample prints.
fn check_sample(args: &[&str]) -> String {
    let first = snmpact(args);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(first.stderr, "");
    let out = &first.stdout;
    assert!(
        out.starts_with(
            "SNMPv2-MIB::sysDescr.0 = STRING: \"snmpact demo router (simulated), firmware 1.0\"\n\
             SNMPv2-MIB::sysName.0 = STRING: \"demo-rtr1\"\n"
        ),
        "{out}"
    );
    // The set, then the read of what it wrote; the agent added on the fly; `format numeric`.
    assert!(
        out.contains(
            "SNMPv2-MIB::sysContact.0 = STRING: \"noc@example.invalid\"\n\
             SNMPv2-MIB::sysContact.0 = STRING: \"noc@example.invalid\"\n\
             agent edge added (demo)\n\
             SNMPv2-MIB::sysLocation.0 = STRING: \"Rack 4, Lab\"\n\
             .1.3.6.1.2.1.2.1.0 = INTEGER: 4\n"
        ),
        "{out}"
    );
    for concurrency in ["1", "64"] {
        let again = snmpact(&[args, &["--concurrency", concurrency]].concat());
        assert_eq!(
            shape(&again.stdout),
            shape(&first.stdout),
            "concurrency {concurrency}"
        );
    }
    first.stdout
}

// See: issue 15. The README's command, as written: no agent list, the embedded `demo` agent.
#[test]
fn the_sample_runs_as_it_is_and_the_same_every_time() {
    let out = check_sample(&["batch", &etc("batch-sample.txt")]);
    assert!(
        out.contains("SNMPv2-MIB::sysServices.0 = INTEGER: 72\n"),
        "{out}"
    );
}

#[test]
fn the_fleet_sample_runs_with_its_agent_list() {
    let args = [
        "batch",
        "--agents",
        &etc("agents-sample.txt"),
        &etc("batch-fleet-sample.txt"),
    ];
    check_sample(&args);
    // Without the list, its agents are unknown: every such line is named, nothing is sent.
    let bare = snmpact(&["batch", &etc("batch-fleet-sample.txt")]);
    assert_eq!(bare.code, 2);
    assert!(
        bare.stderr.contains("unknown agent 'core1'"),
        "{}",
        bare.stderr
    );
}

/// A script with the agents `good` (a simulated agent) and `dead` (never answers).
fn mixed_script(good: SocketAddr, dead: SocketAddr, bad_line: bool) -> String {
    format!(
        "# good lines, a dead agent{}\n\
         agent add good {good}\n\
         agent add dead {dead} -t 0.2 -r 0\n\
         get good sysName.0\n\
         walk good system\n\
         {}\
         get dead sysName.0\n\
         get good sysServices.0\n",
        if bad_line { " and a bad line" } else { "" },
        if bad_line { "gte good sysName.0\n" } else { "" },
    )
}

#[test]
fn a_bad_line_stops_everything_before_a_packet_is_sent() {
    let agents = demo_agents(1);
    let dead = silent_agent();
    let path = scratch_file(
        "mixed-bad.txt",
        &mixed_script(agents.addr(), dead.local_addr().unwrap(), true),
    );
    let path = path.to_str().unwrap();
    let run = snmpact(&["batch", "--keep-going", path]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        format!(
            "snmpact batch: {path}:6: unknown command 'gte' (try: help)\n\
             snmpact batch: 1 bad line; nothing was sent\n"
        )
    );
    assert_eq!(agents.with(|r| r.requests()), 0, "nothing was sent");
}

#[test]
fn a_dead_agent_stops_the_run_unless_told_to_keep_going() {
    let agents = demo_agents(1);
    let dead = silent_agent();
    let dead_addr = dead.local_addr().unwrap();
    let path = scratch_file("mixed.txt", &mixed_script(agents.addr(), dead_addr, false));
    let path = path.to_str().unwrap();
    let walk = snmpact(&["walk", &agents.addr().to_string(), "system"]);
    let head = format!(
        "agent good added ({})\nagent dead added ({dead_addr})\n\
         SNMPv2-MIB::sysName.0 = STRING: \"demo-rtr1\"\n{}",
        agents.addr(),
        // `walk good system` prints what `snmpact walk` prints for the same subtree.
        walk.stdout
    );
    let error = format!("snmpact batch: {path}:6: timeout after 0 retries to dead ({dead_addr})\n");

    let stop = snmpact(&["batch", path]);
    assert_eq!(stop.code, 1);
    assert_eq!(stop.stdout, head);
    assert_eq!(
        stop.stderr,
        format!(
            "{error}snmpact batch: stopped at line 6 (--keep-going runs every line)\n\
             snmpact batch: 6 commands: 4 ok, 1 failed, 1 not run\n"
        )
    );

    let keep = snmpact(&["batch", "--keep-going", path]);
    assert_eq!(keep.code, 1);
    assert_eq!(
        keep.stdout,
        format!("{head}SNMPv2-MIB::sysServices.0 = INTEGER: 72\n")
    );
    assert_eq!(
        keep.stderr,
        format!("{error}snmpact batch: 6 commands: 5 ok, 1 failed, 0 not run\n")
    );

    // JSON: one object per result, each with its line; the error is an object too.
    let json = snmpact(&["batch", "--format", "json", "--keep-going", path]);
    assert_eq!(json.code, 1);
    let objects: Vec<serde_json::Value> = json
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    let lines: Vec<u64> = objects
        .iter()
        .map(|o| o["line"].as_u64().unwrap())
        .collect();
    assert!(lines.is_sorted(), "script order: {lines:?}");
    assert_eq!(lines.first(), Some(&2));
    let err = objects.iter().find(|o| o.get("error").is_some()).unwrap();
    assert_eq!(err["line"], 6);
    assert_eq!(
        err["error"],
        format!("timeout after 0 retries to dead ({dead_addr})")
    );
    let last = objects.last().unwrap();
    assert_eq!(
        (last["line"].as_u64(), last["value"].as_i64()),
        (Some(7), Some(72))
    );
}

#[test]
fn output_keeps_script_order_while_commands_overlap() {
    const N: usize = 20;
    const DELAY: Duration = Duration::from_millis(300);
    // Agent 0 answers after DELAY; the others at once.
    let store = snmprec::demo();
    let slow = Faults {
        delay: DELAY,
        ..Faults::default()
    };
    let agents = server::spawn_many(vec![
        (
            SocketAddr::from(([127, 0, 0, 1], 0)),
            Responder::new(store.clone(), "public").with_faults(slow),
        ),
        (
            SocketAddr::from(([127, 0, 0, 1], 0)),
            Responder::new(store, "public"),
        ),
    ])
    .unwrap();
    let (slow, fast) = (agents.addrs()[0], agents.addrs()[1]);
    let mut script = String::new();
    let mut want = String::new();
    for i in 0..N {
        // The slow agent's answer for line i comes last, but is printed in its place.
        let agent = if i % 2 == 0 { slow } else { fast };
        let oid = if i % 2 == 0 {
            "sysName.0"
        } else {
            "sysServices.0"
        };
        script.push_str(&format!("get -t 2 -r 1 {agent} {oid}\n"));
        want.push_str(if i % 2 == 0 {
            "SNMPv2-MIB::sysName.0 = STRING: \"demo-rtr1\"\n"
        } else {
            "SNMPv2-MIB::sysServices.0 = INTEGER: 72\n"
        });
    }
    // From standard input, as `producer | snmpact batch -`.
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_snmpact"))
        .args(["batch", "--concurrency", "32", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let elapsed = started.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap(), want);
    // Ten slow answers one after the other would take 3 s; at once, about 0.3 s.
    assert!(
        elapsed < DELAY * 7,
        "the commands ran one after the other: {elapsed:?}"
    );
}

#[test]
fn the_demo_name_needs_no_definition() {
    let path = scratch_file("demo.txt", "format numeric\nget demo sysName.0\n");
    let run = snmpact(&["batch", path.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, ".1.3.6.1.2.1.1.5.0 = STRING: \"demo-rtr1\"\n");
}
