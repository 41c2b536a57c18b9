//! `snmpact agent` and `snmpact record`, run as the binary (child processes on loopback, each
//! stopped by its pid), checked with net-snmp's tools and raw datagrams:
//!
//! - a data file is served to `snmpget`, `snmpwalk` (v1, v2c), `snmpbulkwalk` and `snmpset`;
//! - 10,000 agents from one process, each answering;
//! - faults from the command line, on all agents or a port subset: drop, delay, duplicate,
//!   wrong request id, non-increasing OIDs, tooBig above N varbinds;
//! - clear errors: a bad data file names its line, a busy port names its address;
//! - SNMPv3 (`--v3-user`): `snmpget`/`snmpwalk -v3` (authPriv SHA-256 + AES, MD5 + DES,
//!   noAuthNoPriv) print what they print in v2c; a wrong pass phrase, an unknown user and a
//!   level above the user's give net-snmp's messages for the Reports; snmpact's engine walks it;
//! - recording a real `snmpd` and serving the file gives the same `snmpwalk -On` as the
//!   original, volatile subtrees masked as in [`crate::format_interop`].

use std::borrow::Cow;
use std::fs;
use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, UdpSocket};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use snmpact::oid::Oid;
use snmpact::pdu::{GenericPdu, Message, Pdu, VarBind, Version};

use crate::format_interop::compare_walk_outputs;
use crate::harness::process::scratch_dir;
use crate::harness::snmpd::{Snmpd, run_tool, v2c_get};

/// The binary under test.
const SNMPACT: &str = env!("CARGO_BIN_EXE_snmpact");
/// How long a raw-socket read waits for an answer.
const READ_TIMEOUT: Duration = Duration::from_millis(500);
/// Attempts at finding a free run of ports for `--ports` (another process may take one).
const PORT_ATTEMPTS: usize = 5;

/// A small device in `.snmprec` form: every tag, a hex string, a table.
const DEVICE: &str = "\
1.3.6.1.2.1.1.1.0|4|simulated device
1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.8072.3.2.10
1.3.6.1.2.1.1.3.0|67|123456
1.3.6.1.2.1.1.5.0|4|sim-1
1.3.6.1.2.1.1.6.0|4x|4c6162
1.3.6.1.2.1.2.1.0|2|2
1.3.6.1.2.1.2.2.1.1.1|2|1
1.3.6.1.2.1.2.2.1.1.2|2|2
1.3.6.1.2.1.2.2.1.6.1|4x|0050569a0001
1.3.6.1.2.1.2.2.1.6.2|4x|
1.3.6.1.2.1.2.2.1.10.1|65|4294967295
1.3.6.1.2.1.2.2.1.10.2|65|7
1.3.6.1.2.1.4.20.1.1.127.0.0.9|64|127.0.0.9
1.3.6.1.2.1.31.1.1.1.6.1|70|18446744073709551615
1.3.6.1.2.1.31.1.1.1.15.1|66|1000
";

/// `snmpwalk -v2c -On` of [`DEVICE`], as net-snmp 5.9.3 prints it.
const DEVICE_WALK: &str = "\
.1.3.6.1.2.1.1.1.0 = STRING: \"simulated device\"
.1.3.6.1.2.1.1.2.0 = OID: .1.3.6.1.4.1.8072.3.2.10
.1.3.6.1.2.1.1.3.0 = Timeticks: (123456) 0:20:34.56
.1.3.6.1.2.1.1.5.0 = STRING: \"sim-1\"
.1.3.6.1.2.1.1.6.0 = STRING: \"Lab\"
.1.3.6.1.2.1.2.1.0 = INTEGER: 2
.1.3.6.1.2.1.2.2.1.1.1 = INTEGER: 1
.1.3.6.1.2.1.2.2.1.1.2 = INTEGER: 2
.1.3.6.1.2.1.2.2.1.6.1 = Hex-STRING: 00 50 56 9A 00 01 
.1.3.6.1.2.1.2.2.1.6.2 = \"\"
.1.3.6.1.2.1.2.2.1.10.1 = Counter32: 4294967295
.1.3.6.1.2.1.2.2.1.10.2 = Counter32: 7
.1.3.6.1.2.1.4.20.1.1.127.0.0.9 = IpAddress: 127.0.0.9
.1.3.6.1.2.1.31.1.1.1.6.1 = Counter64: 18446744073709551615
.1.3.6.1.2.1.31.1.1.1.15.1 = Gauge32: 1000
.1.3.6.1.2.1.31.1.1.1.15.1 = No more variables left in this MIB View (It is past the end of the MIB tree)
";

/// A running `snmpact agent`; killed by its pid and reaped on drop.
struct Agent {
    child: Child,
    /// Its ports on 127.0.0.1, in order.
    ports: Vec<u16>,
    /// The line it printed.
    line: String,
}

impl Agent {
    /// Starts `snmpact agent ARGS` and waits for its `listening on` line.
    ///
    /// # Panics
    /// When it exits instead, with what it printed on stderr.
    fn start(args: &[&str]) -> Agent {
        Self::try_start(args).unwrap_or_else(|e| panic!("snmpact agent {args:?}: {e}"))
    }

    fn try_start(args: &[&str]) -> Result<Agent, String> {
        let mut child = Command::new(SNMPACT)
            .arg("agent")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn snmpact agent");
        let mut line = String::new();
        let out = child.stdout.take().expect("stdout");
        // The line comes once every socket is bound; EOF if the agent exits instead.
        let _ = BufReader::new(out).read_line(&mut line);
        if line.is_empty() {
            let out = child.wait_with_output().expect("wait for the agent");
            return Err(String::from_utf8_lossy(&out.stderr).into_owned());
        }
        // Agents on ports of 127.0.0.1 (the others, `--addresses`, read the line themselves).
        let ports = line
            .split_whitespace()
            .nth(2)
            .and_then(|a| a.strip_prefix("127.0.0.1:"))
            .map_or_else(Vec::new, |spec| {
                snmpact::simulator::parse_ports(spec).unwrap()
            });
        Ok(Agent { child, ports, line })
    }

    fn target(&self, i: usize) -> String {
        format!("127.0.0.1:{}", self.ports[i])
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `snmpact ARGS` to completion.
fn snmpact(args: &[&str]) -> Output {
    Command::new(SNMPACT)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run snmpact")
}

/// A net-snmp tool's stdout; panics with its stderr when it fails.
fn tool_ok(prog: &str, args: &[&str]) -> String {
    let out = run_tool(prog, args);
    assert!(
        out.status.success(),
        "{prog} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Writes [`DEVICE`] into a scratch directory and returns its path.
fn device_file() -> PathBuf {
    let f = scratch_dir("device").join("device.snmprec");
    fs::write(&f, DEVICE).unwrap();
    f
}

/// Starts an agent on a run of `n` consecutive free ports `base..base + n`, with the arguments
/// `args(base)` after `--ports`.
fn agent_on_consecutive_ports(n: u16, args: impl Fn(u16) -> Vec<String>) -> Agent {
    let mut last = String::new();
    for attempt in 0..PORT_ATTEMPTS {
        // Below the ephemeral range, so that no outgoing socket takes one meanwhile.
        let pid = u16::try_from(std::process::id() % 500).unwrap();
        let base = 20_000 + pid * 20 + u16::try_from(attempt).unwrap() * 2_000;
        if !(base..base + n).all(|p| UdpSocket::bind(("127.0.0.1", p)).is_ok()) {
            continue;
        }
        let spec = format!("{base}-{}", base + n - 1);
        let rest = args(base);
        let mut full = vec!["--ports", spec.as_str()];
        full.extend(rest.iter().map(String::as_str));
        match Agent::try_start(&full) {
            Ok(a) => return a,
            Err(e) => last = e,
        }
    }
    panic!("no run of {n} free ports: {last}");
}

/// Sends one v2c GET of `oids` from a fresh socket; returns every datagram that comes back
/// within [`READ_TIMEOUT`] of the last one.
fn raw_get(agent: &str, request_id: i32, oids: &[&str]) -> Vec<Vec<u8>> {
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    sock.set_read_timeout(Some(READ_TIMEOUT)).unwrap();
    let req = Message {
        version: Version::V2c,
        community: Cow::Borrowed(b"public"),
        pdu: Pdu::GetRequest(GenericPdu {
            request_id,
            varbinds: oids
                .iter()
                .map(|o| VarBind::null(o.parse::<Oid>().unwrap()))
                .collect(),
            ..GenericPdu::default()
        }),
    };
    sock.send_to(&req.to_bytes(), agent).unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 2048];
    while let Ok(n) = sock.recv(&mut buf) {
        got.push(buf[..n].to_vec());
    }
    got
}

fn response(datagram: &[u8]) -> GenericPdu<'static> {
    match Message::decode(datagram).unwrap().into_owned().pdu {
        Pdu::Response(p) => p,
        other => panic!("not a response: {other:?}"),
    }
}

// `snmpact agent --addresses N`: agents at consecutive loopback addresses on one port, each
// answering net-snmp's tools at its own address with the data file's walk.
#[test]
fn agents_at_addresses_answer_net_snmp_tools_each_at_its_own() {
    let file = device_file();
    let a = Agent::start(&[
        "--data",
        file.to_str().unwrap(),
        "--addresses",
        "300",
        "--host",
        "127.80.0.200",
        "--threads",
        "1",
    ]);
    let port = a
        .line
        .strip_prefix("listening on 127.80.0.200-127.80.1.243:")
        .and_then(|rest| rest.strip_suffix(" (300 agents, 1 thread)\n"))
        .unwrap_or_else(|| panic!("unexpected line {:?}", a.line));
    for target in ["127.80.0.200", "127.80.1.0", "127.80.1.243"] {
        let t = format!("{target}:{port}");
        let walk = tool_ok("snmpwalk", &["-v2c", "-c", "public", "-On", &t, ".1"]);
        assert_eq!(walk, DEVICE_WALK, "{t}");
    }
    // No agent there: net-snmp times out.
    let t = format!("127.80.1.244:{port}");
    let out = run_tool(
        "snmpget",
        &[
            "-v2c",
            "-c",
            "public",
            "-t",
            "0.3",
            "-r",
            "0",
            &t,
            ".1.3.6.1.2.1.1.5.0",
        ],
    );
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Timeout"),
        "{out:?}"
    );
}

#[test]
fn a_data_file_is_served_to_net_snmp_tools() {
    let file = device_file();
    let a = Agent::start(&["--data", file.to_str().unwrap(), "--listen", "127.0.0.1:0"]);
    assert!(a.line.ends_with("(1 agent, 1 thread)\n"), "{}", a.line);
    let t = a.target(0);
    let v2c = ["-v2c", "-c", "public", "-On", t.as_str()];
    let walk = tool_ok("snmpwalk", &[&v2c[..], &[".1"]].concat());
    assert_eq!(walk, DEVICE_WALK);
    let bulk = tool_ok(
        "snmpbulkwalk",
        &[&v2c[..], &["-Cr3", ".1.3.6.1.2.1.2"]].concat(),
    );
    assert_eq!(
        bulk,
        DEVICE_WALK
            .lines()
            .filter(|l| l.starts_with(".1.3.6.1.2.1.2."))
            .map(|l| format!("{l}\n"))
            .collect::<String>()
    );
    // v1: no Counter64, the walk ends with noSuchName (`End of MIB`).
    let v1 = tool_ok(
        "snmpwalk",
        &["-v1", "-c", "public", "-On", &t, ".1.3.6.1.2.1.2"],
    );
    assert!(v1.ends_with("Counter32: 7\n"), "{v1}");
    let get = run_tool(
        "snmpget",
        &[
            &v2c[..],
            &[
                ".1.3.6.1.2.1.1.5.0",
                ".1.3.6.1.2.1.1.5.1",
                ".1.3.6.1.2.1.99.0",
            ],
        ]
        .concat(),
    );
    assert_eq!(
        String::from_utf8_lossy(&get.stdout),
        ".1.3.6.1.2.1.1.5.0 = STRING: \"sim-1\"\n\
         .1.3.6.1.2.1.1.5.1 = No Such Instance currently exists at this OID\n\
         .1.3.6.1.2.1.99.0 = No Such Object available on this agent at this OID\n"
    );
    // SET is kept in memory; a wrong type is refused.
    let set = tool_ok(
        "snmpset",
        &[&v2c[..], &[".1.3.6.1.2.1.1.5.0", "s", "renamed"]].concat(),
    );
    assert_eq!(set, ".1.3.6.1.2.1.1.5.0 = STRING: \"renamed\"\n");
    let again = tool_ok("snmpget", &[&v2c[..], &[".1.3.6.1.2.1.1.5.0"]].concat());
    assert_eq!(again, ".1.3.6.1.2.1.1.5.0 = STRING: \"renamed\"\n");
    let wrong = run_tool(
        "snmpset",
        &[&v2c[..], &[".1.3.6.1.2.1.1.5.0", "i", "1"]].concat(),
    );
    assert!(
        String::from_utf8_lossy(&wrong.stderr).contains("wrongType"),
        "{wrong:?}"
    );
    // Another community is ignored, as by a real agent.
    let other = run_tool(
        "snmpget",
        &[
            "-v2c",
            "-c",
            "private",
            "-t",
            "0.2",
            "-r",
            "0",
            &t,
            ".1.3.6.1.2.1.1.5.0",
        ],
    );
    assert!(String::from_utf8_lossy(&other.stderr).starts_with("Timeout"));
}

#[test]
fn ten_thousand_agents_from_one_process() {
    let a = Agent::start(&["--count", "10000", "--community", "public"]);
    assert_eq!(a.ports.len(), 10_000);
    assert!(a.line.contains("(10000 agents,"), "{}", a.line);
    // Every agent answers: one GET each from one socket, answers matched by request id.
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    let s2 = socket2::SockRef::from(&sock);
    let _ = s2.set_recv_buffer_size(4 << 20);
    sock.set_read_timeout(Some(READ_TIMEOUT)).unwrap();
    let oid: Oid = "1.3.6.1.2.1.1.5.0".parse().unwrap();
    let mut missing: std::collections::BTreeSet<usize> = (0..a.ports.len()).collect();
    let mut buf = [0u8; 2048];
    // Bounded: three passes over the agents still missing, 500 requests at a time.
    for _ in 0..3 {
        let ask: Vec<usize> = missing.iter().copied().collect();
        for chunk in ask.chunks(500) {
            for &i in chunk {
                let req = v2c_get(i32::try_from(i).unwrap(), &oid);
                sock.send_to(&req, ("127.0.0.1", a.ports[i])).unwrap();
            }
            let deadline = Instant::now() + READ_TIMEOUT;
            while Instant::now() < deadline {
                let Ok((n, from)) = sock.recv_from(&mut buf) else {
                    break;
                };
                let p = response(&buf[..n]);
                let i = usize::try_from(p.request_id).unwrap();
                assert_eq!(from.port(), a.ports[i], "answer from its own port");
                assert_eq!(p.varbinds.len(), 1);
                missing.remove(&i);
                if chunk.iter().all(|c| !missing.contains(c)) {
                    break;
                }
            }
        }
        if missing.is_empty() {
            break;
        }
    }
    assert!(
        missing.is_empty(),
        "{} agents never answered",
        missing.len()
    );
}

#[test]
fn faults_apply_to_the_listed_ports_only() {
    let file = device_file();
    let data = file.to_str().unwrap().to_owned();
    let a = agent_on_consecutive_ports(10, |base| {
        let faulty = format!("{base}-{}", base + 1);
        ["--data", &data, "--wrong-id", "--fault-ports", &faulty]
            .map(str::to_owned)
            .to_vec()
    });
    assert_eq!(a.ports.len(), 10);
    for (i, faulty) in [(0, true), (1, true), (2, false), (9, false)] {
        let got = raw_get(&a.target(i), 77, &["1.3.6.1.2.1.1.5.0"]);
        assert_eq!(got.len(), 1, "agent {i}");
        let expected = if faulty { 78 } else { 77 };
        assert_eq!(response(&got[0]).request_id, expected, "agent {i}");
    }
}

#[test]
fn faults_from_the_command_line() {
    let file = device_file();
    let data = file.to_str().unwrap();
    let sys_name = ".1.3.6.1.2.1.1.5.0";

    let dup = Agent::start(&["--data", data, "--count", "1", "--duplicate"]);
    let got = raw_get(&dup.target(0), 5, &[sys_name]);
    assert_eq!(got.len(), 2, "the answer comes twice");
    assert_eq!(got[0], got[1]);

    let delayed = Agent::start(&["--data", data, "--count", "1", "--delay", "300ms"]);
    let t0 = Instant::now();
    let out = tool_ok(
        "snmpget",
        &[
            "-v2c",
            "-c",
            "public",
            "-On",
            "-t",
            "2",
            "-r",
            "0",
            &delayed.target(0),
            sys_name,
        ],
    );
    let took = t0.elapsed();
    assert_eq!(out, ".1.3.6.1.2.1.1.5.0 = STRING: \"sim-1\"\n");
    assert!(
        took >= Duration::from_millis(300),
        "answered after {took:?}"
    );

    let dropping = Agent::start(&["--data", data, "--count", "1", "--drop", "1"]);
    assert!(raw_get(&dropping.target(0), 1, &[sys_name]).is_empty());
    let dropping_half = Agent::start(&[
        "--data", data, "--count", "1", "--drop", "0.5", "--seed", "7",
    ]);
    let answered = (0..40)
        .filter(|i| !raw_get_quick(&dropping_half.target(0), *i).is_empty())
        .count();
    assert!((8..=32).contains(&answered), "{answered} of 40 answered");

    let too_big = Agent::start(&["--data", data, "--count", "1", "--too-big-above", "2"]);
    let got = raw_get(&too_big.target(0), 9, &[sys_name, sys_name, sys_name]);
    assert_eq!(
        response(&got[0]).error_status,
        snmpact::pdu::ErrorStatus::TooBig
    );
    let got = raw_get(&too_big.target(0), 9, &[sys_name, sys_name]);
    assert_eq!(response(&got[0]).varbinds.len(), 2);

    let looping = Agent::start(&["--data", data, "--count", "1", "--non-increasing"]);
    let out = run_tool(
        "snmpwalk",
        &[
            "-v2c",
            "-c",
            "public",
            "-On",
            &looping.target(0),
            ".1.3.6.1.2.1.2",
        ],
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("OID not increasing"),
        "{out:?}"
    );
}

/// A GET that waits only 50 ms for its answer (for counting drops).
fn raw_get_quick(agent: &str, request_id: i32) -> Vec<u8> {
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    sock.set_read_timeout(Some(Duration::from_millis(50)))
        .unwrap();
    let sys_name: Oid = "1.3.6.1.2.1.1.5.0".parse().unwrap();
    sock.send_to(&v2c_get(request_id, &sys_name), agent)
        .unwrap();
    let mut buf = [0u8; 2048];
    sock.recv(&mut buf)
        .map(|n| buf[..n].to_vec())
        .unwrap_or_default()
}

// `--coalesce`: each thread rests after a wake-up's work, so requests that arrive meanwhile
// are answered together. Every request is still answered, by its own agent.
#[test]
fn agents_that_coalesce_wake_ups_still_answer_every_request() {
    let a = Agent::start(&["--count", "50", "--threads", "1", "--coalesce", "20ms"]);
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    sock.set_read_timeout(Some(READ_TIMEOUT)).unwrap();
    let oid: Oid = "1.3.6.1.2.1.1.5.0".parse().unwrap();
    for (i, &port) in a.ports.iter().enumerate() {
        let req = v2c_get(i32::try_from(i).unwrap(), &oid);
        sock.send_to(&req, ("127.0.0.1", port)).unwrap();
    }
    let mut answered = std::collections::BTreeSet::new();
    let mut buf = [0u8; 2048];
    while answered.len() < a.ports.len() {
        let (n, from) = sock.recv_from(&mut buf).expect("an agent did not answer");
        let i = usize::try_from(response(&buf[..n]).request_id).unwrap();
        assert_eq!(from.port(), a.ports[i], "answer from its own port");
        answered.insert(i);
    }
    // A rest long enough to outlast common timeouts is refused.
    let out = snmpact(&["agent", "--count", "1", "--coalesce", "2s"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("longer than 1s"), "{err}");
}

// `server::spawn_addresses`: agents at many loopback addresses on one port, served through one
// socket per thread. Each request is answered by the agent it was sent to, from that agent's
// address (a manager matches answers by source), also when a fault holds the answer back;
// traffic to an address with no agent gets nothing; only loopback addresses are served.
#[test]
fn agents_at_many_loopback_addresses_share_one_port() {
    use snmpact::pdu::Value;
    use snmpact::simulator::agent::server::{self, ServerOptions};
    use snmpact::simulator::agent::{Faults, Responder, Store};
    use std::net::Ipv4Addr;

    let sys_name: Oid = "1.3.6.1.2.1.1.5.0".parse().unwrap();
    let ips: Vec<Ipv4Addr> = (0..300u32)
        .map(|i| {
            Ipv4Addr::new(
                127,
                77,
                u8::try_from(i / 250).unwrap(),
                u8::try_from(i % 250 + 1).unwrap(),
            )
        })
        .collect();
    let agents = ips
        .iter()
        .enumerate()
        .map(|(i, ip)| {
            let mut store = Store::new();
            store.insert(
                sys_name.clone(),
                Value::OctetString(Cow::Owned(format!("agent-{i}").into_bytes())),
            );
            (*ip, Responder::new(store, "public"))
        })
        .collect();
    let options = ServerOptions {
        threads: 2,
        ..ServerOptions::default()
    };
    let served = server::spawn_addresses(0, agents, options).unwrap();
    assert_eq!(served.threads(), 2);
    let port = served.addr().port();
    assert!(
        served
            .addrs()
            .iter()
            .zip(&ips)
            .all(|(a, ip)| a.ip() == *ip && a.port() == port)
    );
    served.with_agent(7, |r| {
        r.set_faults(Faults {
            delay: Duration::from_millis(30),
            ..Faults::default()
        });
    });

    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    sock.set_read_timeout(Some(READ_TIMEOUT)).unwrap();
    let get = |request_id: i32| v2c_get(request_id, &sys_name);
    for (i, ip) in ips.iter().enumerate() {
        sock.send_to(&get(i32::try_from(i).unwrap()), (*ip, port))
            .unwrap();
    }
    let mut answered = std::collections::BTreeSet::new();
    let mut buf = [0u8; 2048];
    while answered.len() < ips.len() {
        let (n, from) = sock.recv_from(&mut buf).expect("an agent did not answer");
        let p = response(&buf[..n]);
        let i = usize::try_from(p.request_id).unwrap();
        assert_eq!(
            from,
            SocketAddr::from((ips[i], port)),
            "answer from the agent's own address"
        );
        assert_eq!(
            p.varbinds[0].value,
            Value::OctetString(Cow::Owned(format!("agent-{i}").into_bytes()))
        );
        answered.insert(i);
    }
    // No agent at this address: no answer.
    sock.set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    sock.send_to(&get(9999), (Ipv4Addr::new(127, 77, 9, 9), port))
        .unwrap();
    assert!(
        sock.recv_from(&mut buf).is_err(),
        "an answer from an address no agent has"
    );
    served.stop();

    let one = |ip: Ipv4Addr| vec![(ip, Responder::new(Store::new(), "public"))];
    let err = server::spawn_addresses(
        0,
        one(Ipv4Addr::new(192, 0, 2, 1)),
        ServerOptions::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("not a loopback address"), "{err}");
    let mut twice = one(Ipv4Addr::new(127, 77, 0, 1));
    twice.extend(one(Ipv4Addr::new(127, 77, 0, 1)));
    let err = server::spawn_addresses(0, twice, ServerOptions::default()).unwrap_err();
    assert!(err.to_string().contains("given twice"), "{err}");
}

// A thread that rests between wake-ups (`coalesce`) reads a busy socket on while its batches
// come full: a rest must not cap a socket at one batch per rest (here 300 requests, one read
// per batch and 50 ms rests, would take 15 s so capped; drained, a few rests).
#[test]
fn a_resting_thread_drains_a_busy_socket() {
    use snmpact::simulator::agent::server::{self, ServerOptions};
    use snmpact::simulator::agent::{Responder, Store};
    use std::net::Ipv4Addr;

    let ips: Vec<Ipv4Addr> = (1..=3).map(|i| Ipv4Addr::new(127, 78, 0, i)).collect();
    let agents = ips
        .iter()
        .map(|ip| (*ip, Responder::new(Store::new(), "public")))
        .collect();
    let options = ServerOptions {
        threads: 1,
        batch: 1,
        coalesce: Duration::from_millis(50),
    };
    let served = server::spawn_addresses(0, agents, options).unwrap();
    let port = served.addr().port();
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    sock.set_read_timeout(Some(READ_TIMEOUT)).unwrap();
    let oid: Oid = "1.3.6.1.2.1.1.5.0".parse().unwrap();
    let t0 = Instant::now();
    for i in 0..300 {
        let ip = ips[usize::try_from(i).unwrap() % ips.len()];
        sock.send_to(&v2c_get(i, &oid), (ip, port)).unwrap();
    }
    let mut buf = [0u8; 2048];
    for _ in 0..300 {
        sock.recv_from(&mut buf)
            .expect("a request was not answered");
    }
    assert!(
        t0.elapsed() < Duration::from_secs(8),
        "300 answers took {:?}: the rest capped the socket",
        t0.elapsed()
    );
    assert_eq!(served.requests(), 300);
}

#[test]
fn bad_data_and_busy_ports_fail_clearly() {
    let dir = scratch_dir("bad");
    let bad = dir.join("bad.snmprec");
    fs::write(&bad, "1.3.6.1.2.1.1.1.0|4|ok\n1.3.6.1.2.1.1.2.0|2|twelve\n").unwrap();
    let out = snmpact(&["agent", "--data", bad.to_str().unwrap(), "--count", "1"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.snmprec: line 2: bad integer \"twelve\""),
        "{err}"
    );

    let busy = UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr: SocketAddr = busy.local_addr().unwrap();
    let out = snmpact(&["agent", "--listen", &addr.to_string()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("cannot bind {addr}")), "{err}");

    let out = snmpact(&["agent", "--delay", "50", "--count", "1"]);
    assert_eq!(out.status.code(), Some(2), "clap's usage error");
}

#[test]
fn recording_snmpd_and_serving_it_gives_the_same_walk() {
    let snmpd = Snmpd::start();
    let dir = scratch_dir("record");
    let file = dir.join("snmpd.snmprec");
    let out = Command::new(SNMPACT)
        .args(["record", "-v2c", "-c", "public", "-Cr25", &snmpd.target()])
        .stdout(fs::File::create(&file).unwrap())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let summary = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{summary}");
    assert!(summary.starts_with("snmpact record: "), "{summary}");
    let recorded =
        snmpact::simulator::agent::snmprec::parse_bytes(&fs::read(&file).unwrap()).unwrap();
    assert!(recorded.len() > 2000, "{} objects recorded", recorded.len());

    let sim = Agent::start(&["--data", file.to_str().unwrap(), "--listen", "127.0.0.1:0"]);
    let ours = tool_ok(
        "snmpwalk",
        &["-v2c", "-c", "public", "-On", &sim.target(0), ".1"],
    );
    let theirs = snmpd.tool(
        "snmpwalk",
        &["-v2c", "-c", "public", "-On", &snmpd.target(), ".1"],
    );
    compare_walk_outputs(&ours, &theirs, Version::V2c);

    // Recording the simulated agent gives back the same data; over v1, without the Counter64
    // objects, which v1 cannot carry (RFC 3584 §4.2.2.1, as snmpd does).
    let again = snmpact(&["record", &sim.target(0)]);
    assert!(again.status.success());
    assert_eq!(
        snmpact::simulator::agent::snmprec::parse_bytes(&again.stdout).unwrap(),
        recorded
    );
    let v1 = snmpact(&["record", "-v1", &sim.target(0)]);
    assert!(v1.status.success());
    let v1 = snmpact::simulator::agent::snmprec::parse_bytes(&v1.stdout).unwrap();
    let without_c64: Vec<_> = recorded
        .iter()
        .filter(|(_, v)| !matches!(v, snmpact::pdu::Value::Counter64(_)))
        .collect();
    assert!(
        without_c64.len() < recorded.len(),
        "snmpd has Counter64 objects"
    );
    assert_eq!(v1.iter().collect::<Vec<_>>(), without_c64);
}

/// The SNMPv3 users of [`v3_agent`]: its `--v3-user` argument and net-snmp's options for it.
const V3_USERS: [(&str, &[&str]); 3] = [
    (
        "shauser:SHA-256:authpass1:AES:privpass1",
        &[
            "-v3",
            "-u",
            "shauser",
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
        ],
    ),
    (
        "md5user:MD5:authpass2:DES:privpass2",
        &[
            "-v3",
            "-u",
            "md5user",
            "-l",
            "authPriv",
            "-a",
            "MD5",
            "-A",
            "authpass2",
            "-x",
            "DES",
            "-X",
            "privpass2",
        ],
    ),
    (
        "nobody:none",
        &["-v3", "-u", "nobody", "-l", "noAuthNoPriv"],
    ),
];

/// `snmpact agent` serving [`DEVICE`] with the [`V3_USERS`].
fn v3_agent() -> Agent {
    let file = device_file();
    let mut args = vec!["--data", file.to_str().unwrap(), "--listen", "127.0.0.1:0"];
    for (spec, _) in V3_USERS {
        args.extend(["--v3-user", spec]);
    }
    Agent::start(&args)
}

#[test]
fn net_snmp_tools_get_and_walk_in_v3_as_in_v2c() {
    let a = v3_agent();
    let t = a.target(0);
    let get_oids = [
        ".1.3.6.1.2.1.1.5.0",
        ".1.3.6.1.2.1.1.5.1",
        ".1.3.6.1.2.1.31.1.1.1.6.1",
    ];
    let v2c = ["-v2c", "-c", "public", "-On", t.as_str()];
    let get_v2c = tool_ok("snmpget", &[&v2c[..], &get_oids].concat());
    let walk_v2c = tool_ok("snmpwalk", &[&v2c[..], &[".1.3.6.1.2"]].concat());
    assert_eq!(
        walk_v2c,
        DEVICE_WALK
            .replace(
                ".1.3.6.1.2.1.31.1.1.1.15.1 = No more variables",
                ".1.3.6.1.6.3.10.2.1.1.0 = No more variables"
            )
            .lines()
            .filter(|l| !l.contains("No more variables"))
            .map(|l| format!("{l}\n"))
            .collect::<String>(),
        "the v2c walk of .1.3.6.1.2 ends at the subtree's end"
    );
    for (spec, opts) in V3_USERS {
        let base = [opts, &["-On", t.as_str()]].concat();
        let get = tool_ok("snmpget", &[&base[..], &get_oids].concat());
        assert_eq!(get, get_v2c, "{spec}: snmpget");
        let walk = tool_ok("snmpwalk", &[&base[..], &[".1.3.6.1.2"]].concat());
        assert_eq!(walk, walk_v2c, "{spec}: snmpwalk");
    }
    // The engine's own objects: its id (per port), boots 1, and the discoveries counted.
    let engine = tool_ok(
        "snmpget",
        &[
            &v2c[..],
            &[".1.3.6.1.6.3.10.2.1.2.0", ".1.3.6.1.6.3.15.1.1.3.0"],
        ]
        .concat(),
    );
    assert_eq!(
        engine,
        ".1.3.6.1.6.3.10.2.1.2.0 = INTEGER: 1\n.1.3.6.1.6.3.15.1.1.3.0 = Counter32: 0\n"
    );
    let id = tool_ok(
        "snmpget",
        &[&v2c[..], &[".1.3.6.1.6.3.10.2.1.1.0"]].concat(),
    );
    let want: String = snmpact::simulator::agent::usm::default_engine_id(a.ports[0])
        .iter()
        .map(|b| format!("{b:02X} "))
        .collect();
    // net-snmp breaks hex strings after 16 octets.
    assert_eq!(
        id.replace('\n', ""),
        format!(".1.3.6.1.6.3.10.2.1.1.0 = Hex-STRING: {want}")
    );

    // Failures come back as net-snmp's messages for the agent's Reports.
    let failure = |opts: &[&str]| {
        let out = run_tool(
            "snmpget",
            &[
                opts,
                &["-t", "1", "-r", "0", t.as_str(), ".1.3.6.1.2.1.1.5.0"],
            ]
            .concat(),
        );
        assert!(!out.status.success(), "{opts:?} succeeded");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let mut wrong = V3_USERS[0].1.to_vec();
    wrong[8] = "wrongpass";
    let e = failure(&wrong);
    assert!(e.contains("Authentication failure"), "{e}");
    let e = failure(&["-v3", "-u", "mallory", "-l", "noAuthNoPriv"]);
    assert!(e.contains("Unknown user name"), "{e}");
    let e = failure(&["-v3", "-u", "nobody", "-l", "authNoPriv", "-A", "authpass9"]);
    assert!(e.contains("Unsupported security level"), "{e}");
    let counters = tool_ok("snmpwalk", &[&v2c[..], &[".1.3.6.1.6.3.15.1.1"]].concat());
    assert!(
        counters.contains(".1.3.6.1.6.3.15.1.1.5.0 = Counter32: 1\n")
            && counters.contains(".1.3.6.1.6.3.15.1.1.3.0 = Counter32: 1\n"),
        "{counters}"
    );
}

#[actix_rt::test]
async fn snmpact_engine_walks_the_v3_agent() {
    use std::sync::Arc;

    use snmpact::session::{Get, Walk, WalkOptions};
    use snmpact::usm::{AuthProtocol, PrivProtocol, User};
    use snmpact::{Engine, EngineConfig, SessionConfig};

    let a = v3_agent();
    let t = a.target(0);
    let e = Engine::start(EngineConfig::default());
    let walk = || Walk {
        root: "1.3.6.1.2".parse().unwrap(),
        options: WalkOptions::default(),
    };
    let v2c = e
        .session("v2c", &t, SessionConfig::default())
        .await
        .unwrap();
    let want = v2c.send(walk()).await.unwrap().unwrap();
    assert_eq!(want.len(), 15);
    let users = [
        User::new("shauser")
            .with_auth(AuthProtocol::Sha256, "authpass1")
            .with_privacy(PrivProtocol::Aes128, "privpass1"),
        User::new("md5user")
            .with_auth(AuthProtocol::Md5, "authpass2")
            .with_privacy(PrivProtocol::Des, "privpass2"),
        User::new("nobody"),
    ];
    for user in users {
        let name = user.name.clone();
        let config = SessionConfig {
            version: Version::V3,
            user: Some(Arc::new(user)),
            ..SessionConfig::default()
        };
        let s = e.session(&name, &t, config).await.unwrap();
        let got = s.send(walk()).await.unwrap();
        assert_eq!(
            got.unwrap_or_else(|e| panic!("{name}: {e}")),
            want,
            "{name}"
        );
        let get = s
            .send(Get(vec!["1.3.6.1.2.1.1.5.0".parse().unwrap()]))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(get[0], want[3], "{name}");
    }
    let wrong = User::new("shauser").with_auth(AuthProtocol::Sha256, "wrongpass");
    let config = SessionConfig {
        version: Version::V3,
        user: Some(Arc::new(wrong)),
        ..SessionConfig::default()
    };
    let s = e.session("wrong", &t, config).await.unwrap();
    let err = s
        .send(Get(vec!["1.3.6.1.2.1.1.5.0".parse().unwrap()]))
        .await
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(
            err,
            snmpact::SnmpError::Report(snmpact::v3::ReportKind::WrongDigest)
        ),
        "{err:?}"
    );
}
