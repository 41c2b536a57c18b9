//! Notifications against net-snmp: `snmptrap`/`snmpinform` sending to `snmpact trapd` and to a
//! real `snmptrapd`, and `snmpact trap`/`inform` sending to both; the logs compared byte for
//! byte (the date and the senders' ephemeral ports aside). Then drops by reason, retransmitted
//! informs and a flood from one source, through the library's listener actor.
//!
//! Each receiver is stopped by its pid with SIGTERM (both flush their output then); before
//! that, an inform acknowledged by the receiver is the signal that everything sent before it
//! was processed (each receiver reads its socket in order), so no test sleeps.

use std::borrow::Cow;
use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::net::{SocketAddr, UdpSocket};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix::prelude::*;
use snmpact::notification::listener::{GetStats, Listener, ListenerConfig, Subscribe};
use snmpact::notification::{DropReason, Kind, Notification, RateLimit};
use snmpact::pdu::{GenericPdu, Message, Pdu, Value, VarBind, Version};

use crate::harness::process::{find_program, scratch_dir};
use crate::harness::snmpd::run_tool;

const SNMPACT: &str = env!("CARGO_BIN_EXE_snmpact");
const SNMPTRAPD_MISSING: &str = "snmptrapd not found: apt-get install -y snmptrapd";
/// How long a receiver may take to start, or to show what was sent to it.
const DEADLINE: Duration = Duration::from_secs(20);

/// The sender engine ids of SNMPv3 traps: net-snmp's tools use A, snmpact's B (each sender
/// keeps its own boots and time, so they must not share an engine id at the receiver).
const ENGINE_A: &str = "8000000001020304";
const ENGINE_B: &str = "8000000001020305";

/// Sends with SIGTERM to exactly this child.
fn terminate(child: &Child) {
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    // SAFETY: kill(2) with a pid we spawned and have not reaped yet; no memory is involved.
    unsafe {
        libc::kill(pid, libc::SIGTERM);
    }
}

/// A running `snmpact trapd`.
struct OurTrapd {
    child: Child,
    port: u16,
    /// The port of an `udp6:[::1]:...` address, when one was given.
    port6: Option<u16>,
    stdout: Option<std::thread::JoinHandle<String>>,
    stderr: BufReader<std::process::ChildStderr>,
}

impl Drop for OurTrapd {
    /// A failed test still stops it (by its pid); after `stop` this finds it reaped.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl OurTrapd {
    fn start(args: &[&str]) -> OurTrapd {
        let mut child = Command::new(SNMPACT)
            .arg("trapd")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn snmpact trapd");
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        stderr.read_line(&mut line).unwrap();
        let port = line
            .split_whitespace()
            .find_map(|w| w.strip_prefix("udp:127.0.0.1:"))
            .and_then(|p| p.trim_end_matches(';').parse().ok())
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
        let port6 = line
            .split_whitespace()
            .find_map(|w| w.strip_prefix("udp6:[::1]:"))
            .and_then(|p| p.trim_end_matches(';').parse().ok());
        let mut out = child.stdout.take().unwrap();
        let stdout = std::thread::spawn(move || {
            let mut s = String::new();
            out.read_to_string(&mut s).unwrap();
            s
        });
        OurTrapd {
            child,
            port,
            port6,
            stdout: Some(stdout),
            stderr,
        }
    }

    fn target(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Stops it; its stdout and the rest of its stderr (the counters).
    fn stop(mut self) -> (String, String) {
        terminate(&self.child);
        let status = self.child.wait().unwrap();
        assert!(status.success(), "snmpact trapd exited with {status}");
        let out = self.stdout.take().unwrap().join().unwrap();
        let mut err = String::new();
        self.stderr.read_to_string(&mut err).unwrap();
        (out, err)
    }
}

/// A running net-snmp `snmptrapd` with its own config and persistent directory.
struct NetTrapd {
    child: Child,
    port: u16,
    dir: PathBuf,
}

impl NetTrapd {
    fn start(config: &str) -> NetTrapd {
        let bin = find_program("snmptrapd").unwrap_or_else(|| panic!("{SNMPTRAPD_MISSING}"));
        for _ in 0..5 {
            let port = UdpSocket::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let dir = scratch_dir("snmptrapd");
            fs::write(dir.join("snmptrapd.conf"), config).unwrap();
            let log = fs::File::create(dir.join("log")).unwrap();
            let mut child = Command::new(&bin)
                .args(["-f", "-Lo", "-n", "-On", "-C", "-c"])
                .arg(dir.join("snmptrapd.conf"))
                .arg(format!("udp:127.0.0.1:{port}"))
                .env("SNMP_PERSISTENT_DIR", dir.join("persist"))
                .env("MIBS", "")
                .stdin(Stdio::null())
                .stdout(log.try_clone().unwrap())
                .stderr(log)
                .spawn()
                .expect("spawn snmptrapd");
            // It prints its version once listening (and flushes every line it logs).
            let deadline = Instant::now() + DEADLINE;
            while Instant::now() < deadline && matches!(child.try_wait(), Ok(None)) {
                let log = fs::read_to_string(dir.join("log")).unwrap_or_default();
                if log.contains("NET-SNMP version") {
                    return NetTrapd { child, port, dir };
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("snmptrapd did not start on loopback");
    }

    fn target(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Stops it by its pid; its log.
    fn stop(mut self) -> String {
        terminate(&self.child);
        let _ = self.child.wait();
        let log = fs::read_to_string(self.dir.join("log")).unwrap();
        let _ = fs::remove_dir_all(&self.dir);
        log
    }
}

impl Drop for NetTrapd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// snmptrapd's configuration: community public, users alice (SHA-256 + AES) and bob (MD5 +
/// DES) for informs (its own engine) and for traps from engines A and B.
fn snmptrapd_config() -> String {
    let mut c = String::from("authCommunity log public\ndoNotRetainNotificationLogs yes\n");
    for engine in ["", ENGINE_A, ENGINE_B] {
        let e = if engine.is_empty() {
            String::new()
        } else {
            format!("-e 0x{engine} ")
        };
        c.push_str(&format!(
            "createUser {e}alice SHA-256 authpass1 AES privpass1\ncreateUser {e}bob MD5 authpass2 DES privpass2\n"
        ));
    }
    c.push_str("authUser log alice\nauthUser log bob\n");
    c
}

const ALICE: [&str; 10] = [
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
];
const BOB: [&str; 10] = [
    "-u",
    "bob",
    "-l",
    "authPriv",
    "-a",
    "MD5",
    "-A",
    "authpass2",
    "-x",
    "DES",
];

/// The notifications of the comparison: (tool, arguments before the target, arguments after).
fn cases(engine: &str) -> Vec<(&'static str, Vec<String>, Vec<String>)> {
    let s = |v: &[&str]| v.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>();
    let v3 = |user: &[&str], pass: &str| {
        let mut a = s(user);
        a.extend(s(&["-X", pass]));
        a
    };
    let mut alice_trap = v3(&ALICE, "privpass1");
    alice_trap.extend(s(&["-e", engine]));
    let mut bob_trap = v3(&BOB, "privpass2");
    bob_trap.extend(s(&["-e", engine]));
    vec![
        (
            "trap",
            s(&["-v", "2c", "-c", "public"]),
            s(&[
                "123",
                "1.3.6.1.6.3.1.1.5.3",
                "1.3.6.1.2.1.2.2.1.1.2",
                "i",
                "2",
                "1.3.6.1.2.1.1.1.0",
                "s",
                "hello \"world\"",
                "1.3.6.1.2.1.1.5.0",
                "x",
                "0102",
                "1.3.6.1.2.1.1.6.0",
                "s",
                "",
                "1.3.6.1.2.1.31.1.1.1.6.1",
                "C",
                "18446744073709551615",
                "1.3.6.1.2.1.4.20.1.1.1",
                "a",
                "10.0.0.1",
                "1.3.6.1.2.1.2.2.1.10.1",
                "c",
                "4294967295",
                "1.3.6.1.2.1.2.2.1.5.1",
                "u",
                "100",
                "1.3.6.1.2.1.1.2.0",
                "o",
                "1.3.6.1.4.1.8072.3.2.10",
                "1.3.6.1.2.1.1.3.0",
                "t",
                "12345678",
            ]),
        ),
        (
            "trap",
            s(&["-v", "1", "-c", "public"]),
            s(&[
                "1.3.6.1.4.1.8072",
                "192.0.2.5",
                "2",
                "0",
                "4567",
                "1.3.6.1.2.1.2.2.1.1.2",
                "i",
                "2",
            ]),
        ),
        (
            "trap",
            s(&["-v", "1", "-c", "public"]),
            s(&[
                "1.3.6.1.4.1.8072.3.2.10",
                "192.0.2.6",
                "6",
                "17",
                "99",
                "1.3.6.1.2.1.1.1.0",
                "s",
                "a b",
                "1.3.6.1.2.1.1.5.0",
                "s",
                "x",
            ]),
        ),
        (
            "trap",
            s(&["-v", "1", "-c", "public"]),
            s(&["1.3.6.1.4.1.8072", "192.0.2.7", "0", "0", "1"]),
        ),
        (
            "inform",
            s(&["-v", "2c", "-c", "public"]),
            s(&["42", "1.3.6.1.6.3.1.1.5.1", "1.3.6.1.2.1.1.3.0", "t", "5"]),
        ),
        (
            "trap",
            alice_trap,
            s(&[
                "77",
                "1.3.6.1.6.3.1.1.5.4",
                "1.3.6.1.2.1.2.2.1.1.2",
                "i",
                "2",
            ]),
        ),
        ("trap", bob_trap, s(&["78", "1.3.6.1.6.3.1.1.5.5"])),
        (
            "inform",
            v3(&ALICE, "privpass1"),
            s(&[
                "79",
                "1.3.6.1.6.3.1.1.5.4",
                "1.3.6.1.2.1.2.2.1.1.2",
                "i",
                "3",
            ]),
        ),
        (
            "inform",
            v3(&BOB, "privpass2"),
            s(&["80", "1.3.6.1.6.3.1.1.5.2"]),
        ),
    ]
}

/// Sends every case to `target`, with net-snmp's tools or with snmpact.
fn send_all(target: &str, with_snmpact: bool) {
    let engine = if with_snmpact { ENGINE_B } else { ENGINE_A };
    for (tool, before, after) in cases(engine) {
        let mut args: Vec<&str> = before.iter().map(String::as_str).collect();
        // Patient informs: the whole suite runs beside them on a loaded machine.
        if tool == "inform" {
            args.extend(["-t", "3", "-r", "3"]);
        }
        args.push(target);
        args.extend(after.iter().map(String::as_str));
        let out = if with_snmpact {
            Command::new(SNMPACT)
                .arg(tool)
                .args(&args)
                .output()
                .unwrap()
        } else {
            run_tool(
                if tool == "trap" {
                    "snmptrap"
                } else {
                    "snmpinform"
                },
                &args,
            )
        };
        assert!(
            out.status.success(),
            "{tool} {args:?} (snmpact: {with_snmpact}): {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// A log without the date, the ports of the transports, and snmptrapd's start/stop lines.
fn normalise(log: &str) -> String {
    let mut out = String::new();
    for line in log.split_inclusive('\n') {
        if line.starts_with("NET-SNMP version")
            || line.starts_with("Stopping snmptrapd")
            || line.starts_with("Created directory")
        {
            continue;
        }
        if line.contains("NET-SNMP version") && line.contains("Stopped") {
            continue;
        }
        // `YYYY-MM-DD HH:MM:SS ` opens each notification.
        let b = line.as_bytes();
        let line = if b.len() > 20 && b[4] == b'-' && b[10] == b' ' && b[13] == b':' {
            &line[20..]
        } else {
            line
        };
        let mut l = String::new();
        let mut rest = line;
        while let Some(at) = rest.find("]:") {
            l.push_str(&rest[..at + 2]);
            rest = rest[at + 2..].trim_start_matches(|c: char| c.is_ascii_digit());
            l.push_str("PORT");
        }
        l.push_str(rest);
        out.push_str(&l);
    }
    out
}

#[test]
fn net_snmp_and_snmpact_senders_and_receivers_agree() {
    assert!(
        find_program("snmptrap").is_some(),
        "snmptrap not found: apt-get install -y snmp"
    );
    let theirs = NetTrapd::start(&snmptrapd_config());
    let ours = OurTrapd::start(&[
        "-On",
        "-c",
        "public",
        "--v3-user",
        "alice:SHA-256:authpass1:AES:privpass1",
        "--v3-user",
        "bob:MD5:authpass2:DES:privpass2",
        "--sender-engine-id",
        ENGINE_A,
        "--sender-engine-id",
        ENGINE_B,
        "udp:127.0.0.1:0",
    ]);
    for with_snmpact in [false, true] {
        send_all(&theirs.target(), with_snmpact);
        send_all(&ours.target(), with_snmpact);
    }
    let their_log = normalise(&theirs.stop());
    let (our_log, counters) = ours.stop();
    let our_log = normalise(&our_log);
    // Nine notifications per sender; v1 traps take three lines, the others two.
    assert_eq!(
        their_log.lines().count(),
        2 * (3 * 3 + 6 * 2),
        "{their_log}"
    );
    assert_eq!(our_log, their_log);
    // What net-snmp's tools sent reads the same as what snmpact sent.
    let half = their_log.len() / 2;
    assert_eq!(their_log[..half], their_log[half..]);
    // Spot checks of the lines themselves.
    assert!(our_log.contains(
        "192.0.2.5 [192.0.2.5] (via UDP: [127.0.0.1]:PORT->[127.0.0.1]:PORT) TRAP, SNMP v1, community public\n\t.1.3.6.1.4.1.8072 Link Down Trap (0) Uptime: 0:00:45.67\n\t.1.3.6.1.2.1.2.2.1.1.2 = INTEGER: 2\n"
    ));
    assert!(our_log.contains(".1.3.6.1.2.1.1.6.0 = \"\"\t"));
    assert!(
        counters.contains("delivered 18 (informs 6, duplicates 0)"),
        "{counters}"
    );
}

#[test]
fn json_lines_and_ipv6() {
    let ours = OurTrapd::start(&["--format", "json", "udp:127.0.0.1:0", "udp6:[::1]:0"]);
    // The IPv6 port: the first line names both addresses.
    let v6 = format!("udp6:[::1]:{}", ours.port6.unwrap());
    let out = run_tool(
        "snmptrap",
        &[
            "-v",
            "1",
            "-c",
            "public",
            &v6,
            "1.3.6.1.4.1.8072",
            "192.0.2.5",
            "3",
            "0",
            "7",
        ],
    );
    assert!(out.status.success());
    let out = run_tool(
        "snmpinform",
        &[
            "-v",
            "2c",
            "-c",
            "public",
            &ours.target(),
            "42",
            "1.3.6.1.6.3.1.1.5.3",
            "1.3.6.1.2.1.2.2.1.1.2",
            "i",
            "2",
        ],
    );
    assert!(out.status.success());
    let (log, _) = ours.stop();
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 2, "{log}");
    let v1: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(v1["source"], "::1");
    assert_eq!(v1["version"], "1");
    assert_eq!(v1["trap_name"], "IF-MIB::linkUp");
    assert_eq!(v1["v1"]["agent_addr"], "192.0.2.5");
    let v: serde_json::Value = serde_json::from_str(lines[1]).unwrap();
    assert_eq!(v["kind"], "inform");
    assert_eq!(v["version"], "2c");
    assert_eq!(v["community"], "public");
    assert_eq!(v["source"], "127.0.0.1");
    assert_eq!(v["trap_oid"], "1.3.6.1.6.3.1.1.5.3");
    assert_eq!(v["trap_name"], "IF-MIB::linkDown");
    assert_eq!(v["uptime"], 42);
    assert_eq!(v["varbinds"][2]["name"], "IF-MIB::ifIndex.2");
    assert_eq!(v["varbinds"][2]["type"], "INTEGER");
    assert_eq!(v["varbinds"][2]["value"], 2);
}

#[test]
fn wrong_community_key_or_user_is_dropped_counted_and_not_delivered() {
    let ours = OurTrapd::start(&[
        "-On",
        "-c",
        "public",
        "--v3-user",
        "alice:SHA-256:authpass1:AES:privpass1",
        "--sender-engine-id",
        ENGINE_A,
        "udp:127.0.0.1:0",
    ]);
    let t = ours.target();
    let sent = |tool: &str, args: &[&str]| run_tool(tool, args).status.success();
    assert!(sent(
        "snmptrap",
        &["-v", "2c", "-c", "wrong", &t, "1", "1.3.6.1.6.3.1.1.5.1"]
    ));
    let mut wrong_key = ALICE.to_vec();
    wrong_key[7] = "wrongpass1";
    let mut args = wrong_key.clone();
    args.extend([
        "-X",
        "privpass1",
        "-e",
        ENGINE_A,
        &t,
        "1",
        "1.3.6.1.6.3.1.1.5.1",
    ]);
    assert!(sent("snmptrap", &args));
    let mut args = wrong_key;
    args.extend([
        "-X",
        "privpass1",
        "-t",
        "2",
        "-r",
        "0",
        &t,
        "1",
        "1.3.6.1.6.3.1.1.5.1",
    ]);
    // The inform gets a wrongDigest Report: net-snmp's tool fails.
    assert!(!sent("snmpinform", &args));
    let mut carol = ALICE.to_vec();
    carol[1] = "carol";
    carol.extend([
        "-X",
        "privpass1",
        "-e",
        ENGINE_A,
        &t,
        "1",
        "1.3.6.1.6.3.1.1.5.1",
    ]);
    assert!(sent("snmptrap", &carol));
    // The barrier: a good inform, acknowledged once everything before it was read.
    assert!(sent(
        "snmpinform",
        &[
            "-v",
            "2c",
            "-c",
            "public",
            "-t",
            "3",
            &t,
            "9",
            "1.3.6.1.6.3.1.1.5.2"
        ]
    ));
    let (log, counters) = ours.stop();
    assert_eq!(
        log.lines().count(),
        2,
        "only the barrier is delivered: {log}"
    );
    assert!(log.contains(".1.3.6.1.6.3.1.1.5.2"));
    // wrong_digest: the trap, and the inform once or more (snmpinform may retransmit).
    for reason in ["bad_community 1", "wrong_digest ", "unknown_user 1"] {
        assert!(counters.contains(reason), "{reason}: {counters}");
    }
    assert!(counters.contains("delivered 1 "), "{counters}");
}

#[test]
fn a_privileged_port_is_refused_clearly() {
    // Meaningless as root, who may bind it.
    // SAFETY: geteuid(2) reads the process's effective user id.
    if unsafe { libc::geteuid() } == 0 {
        return;
    }
    let out = Command::new(SNMPACT)
        .args(["trapd", "udp:127.0.0.1:162"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("need root or CAP_NET_BIND_SERVICE"), "{err}");
}

/// Collects what a listener delivers.
struct Collector(Arc<Mutex<Vec<Notification>>>);

impl Actor for Collector {
    type Context = Context<Self>;
}

impl Handler<Notification> for Collector {
    type Result = ();
    fn handle(&mut self, n: Notification, _: &mut Context<Self>) {
        self.0.lock().unwrap().push(n);
    }
}

fn v2c(pdu: Pdu<'static>) -> Vec<u8> {
    Message {
        version: Version::V2c,
        community: Cow::Borrowed(b"public"),
        pdu,
    }
    .to_bytes()
}

fn generic(id: i32, trap: &str) -> GenericPdu<'static> {
    GenericPdu {
        request_id: id,
        varbinds: vec![
            VarBind::new("1.3.6.1.2.1.1.3.0".parse().unwrap(), Value::TimeTicks(1)),
            VarBind::new(
                "1.3.6.1.6.3.1.1.4.1.0".parse().unwrap(),
                Value::ObjectId(trap.parse().unwrap()),
            ),
        ],
        ..GenericPdu::default()
    }
}

/// Polls the listener's counters until `done` says so (or the deadline passes).
async fn wait_for(
    listener: &Addr<Listener>,
    done: impl Fn(&snmpact::notification::Counters) -> bool,
) -> snmpact::notification::Counters {
    let deadline = Instant::now() + DEADLINE;
    loop {
        let stats = listener.send(GetStats).await.unwrap();
        if done(&stats.counters) || Instant::now() > deadline {
            return stats.counters;
        }
        actix_rt::time::sleep(Duration::from_millis(5)).await;
    }
}

#[actix_rt::test]
async fn retransmitted_informs_are_acknowledged_twice_and_delivered_once() {
    let listener = Listener::start(ListenerConfig::loopback(0)).unwrap();
    let got = Arc::new(Mutex::new(Vec::new()));
    listener
        .send(Subscribe(Collector(got.clone()).start().recipient()))
        .await
        .unwrap();
    let addr: SocketAddr = listener.send(GetStats).await.unwrap().local[0];
    // A tokio socket: the listener runs on this same thread.
    let sock = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let inform = v2c(Pdu::InformRequest(generic(4242, "1.3.6.1.6.3.1.1.5.1")));
    let mut buf = [0u8; 2048];
    for _ in 0..2 {
        sock.send_to(&inform, addr).await.unwrap();
        let (n, _) = tokio::time::timeout(DEADLINE, sock.recv_from(&mut buf))
            .await
            .unwrap()
            .unwrap();
        let m = Message::decode(&buf[..n]).unwrap();
        assert!(matches!(m.pdu, Pdu::Response(_)));
        assert_eq!(m.pdu.request_id(), Some(4242));
        assert_eq!(m.pdu.varbinds().len(), 2);
    }
    let c = wait_for(&listener, |c| c.duplicates == 1).await;
    assert_eq!((c.delivered, c.informs, c.duplicates), (1, 1, 1));
    let got = got.lock().unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].kind, Kind::Inform);
}

#[actix_rt::test]
async fn a_burst_from_one_source_does_not_block_another() {
    let mut config = ListenerConfig::loopback(0);
    config.receiver.rate_limit = Some(RateLimit {
        per_second: 50,
        burst: 50,
    });
    let listener = Listener::start(config).unwrap();
    let got = Arc::new(Mutex::new(Vec::new()));
    listener
        .send(Subscribe(Collector(got.clone()).start().recipient()))
        .await
        .unwrap();
    let addr = listener.send(GetStats).await.unwrap().local[0];
    let flood = UdpSocket::bind("127.0.0.1:0").unwrap();
    let trap = v2c(Pdu::SnmpV2Trap(generic(1, "1.3.6.1.6.3.1.1.5.3")));
    for _ in 0..2000 {
        flood.send_to(&trap, addr).unwrap();
    }
    // Another source (another loopback address) right behind the flood.
    let other = UdpSocket::bind("127.0.0.2:0").unwrap();
    other
        .send_to(
            &v2c(Pdu::SnmpV2Trap(generic(2, "1.3.6.1.6.3.1.1.5.4"))),
            addr,
        )
        .unwrap();
    let c = wait_for(&listener, |_| {
        got.lock()
            .unwrap()
            .iter()
            .any(|n| n.source.ip() == other.local_addr().unwrap().ip())
    })
    .await;
    let got = got.lock().unwrap();
    let from_other: Vec<_> = got
        .iter()
        .filter(|n| n.source == other.local_addr().unwrap())
        .collect();
    assert_eq!(from_other.len(), 1, "the other source's trap was delivered");
    let from_flood = got.len() - 1;
    // The flood got at most its burst plus what refilled meanwhile; the rest was counted.
    assert!((50..2000).contains(&from_flood), "{from_flood}");
    assert!(c.dropped(DropReason::RateLimited) > 0);
    assert_eq!(
        u64::try_from(from_flood).unwrap() + c.dropped(DropReason::RateLimited) + c.dropped_total()
            - c.dropped(DropReason::RateLimited),
        c.received - 1
    );
}

#[test]
fn a_simulated_agent_sends_its_cold_start() {
    let ours = OurTrapd::start(&["-On", "udp:127.0.0.1:0"]);
    let mut agent = Command::new(SNMPACT)
        .args([
            "agent",
            "--listen",
            "127.0.0.1:0",
            "--notify",
            &ours.target(),
        ])
        .arg("--notify-inform")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The inform is acknowledged before the agent says so.
    let mut err = BufReader::new(agent.stderr.take().unwrap());
    let mut line = String::new();
    err.read_line(&mut line).unwrap();
    let _ = agent.kill();
    let _ = agent.wait();
    assert!(
        line.contains("coldStart inform sent to 127.0.0.1:"),
        "{line}"
    );
    let (log, _) = ours.stop();
    assert!(
        log.contains(".1.3.6.1.2.1.1.3.0 = Timeticks: (0) 0:00:00.00\t.1.3.6.1.6.3.1.1.4.1.0 = OID: .1.3.6.1.6.3.1.1.5.1\n"),
        "{log}"
    );
}
