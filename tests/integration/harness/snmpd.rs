//! A real net-snmp agent on loopback for tests, and helpers to run net-snmp's tools.
//!
//! [`Snmpd::start`] runs `snmpd` in the foreground on a free `127.0.0.1` port with its own
//! generated config and persistent directory (see `NETSNMP-NOTES.md`), waits until it answers,
//! and kills it by pid when dropped. [`Snmpd::start_with`] adds config lines (SNMPv3 users:
//! `createUser`, `rouser`); [`Snmpd::restart`] starts it again on the same port with the same
//! persistent state, as a reboot would (its engine id stays, snmpEngineBoots goes up by one),
//! and [`Snmpd::restart_as_new_engine`] without it (a new engine id).
//! Tests that need it fail, never skip, when net-snmp is missing: CI installs it. Traffic only
//! ever goes to 127.0.0.1.
//!
//! The agent reads exactly two places, through `SNMPCONFPATH`: its `conf/snmpd.conf` and its
//! persistent directory (`engineBoots`, `oldEngineID`, the users it keyed). `-C -c FILE` would
//! skip the persistent file too, so every start would be a new engine with boots 1.

use std::borrow::Cow;
use std::fs;
use std::net::{SocketAddr, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use super::process::{find_program, scratch_dir};
use snmpact::oid::Oid;
use snmpact::pdu::{GenericPdu, Message, Pdu, VarBind, Version};

/// What to tell someone whose machine lacks the agent.
pub(crate) const SNMPD_MISSING: &str = "snmpd not found: apt-get install -y snmpd snmp";
/// What to tell someone whose machine lacks the command-line tools.
pub(crate) const TOOLS_MISSING: &str = "net-snmp tools not found: apt-get install -y snmp";

/// How long one agent may take to answer its first request.
const START_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one readiness probe waits for its answer.
const PROBE_TIMEOUT: Duration = Duration::from_millis(200);
/// Fresh ports to try when another process takes ours between choosing and binding it.
const START_ATTEMPTS: usize = 5;
/// Lowest port an agent may get (ports from here to the ephemeral range are seldom in use).
const FIXED_PORTS_FROM: u16 = 20000;
/// `sysUpTime.0`: what the readiness probe asks for.
const PROBE_OID: &str = "1.3.6.1.2.1.1.3.0";

/// One running `snmpd`, answering v1/v2c with community `public` (read-only) and `private`
/// (read-write) on `127.0.0.1:port`. `sysContact` and `sysLocation` are not set in its config, so
/// they are writable.
pub(crate) struct Snmpd {
    /// The UDP port it listens on, on 127.0.0.1.
    pub(crate) port: u16,
    /// The foreground agent; killed by its pid and reaped on drop.
    child: Child,
    /// Config, log and persistent state of this agent and of the tools run against it; removed
    /// on drop.
    dir: PathBuf,
    /// The `snmpd` binary, to start it again.
    bin: PathBuf,
}

impl Snmpd {
    /// True when the `snmpd` binary is installed.
    pub(crate) fn available() -> bool {
        find_program("snmpd").is_some()
    }

    /// Starts an agent on a free loopback port and waits until it answers.
    ///
    /// # Panics
    /// With [`SNMPD_MISSING`] when net-snmp is not installed, or with the agent's log when it does
    /// not answer within the start timeout.
    pub(crate) fn start() -> Snmpd {
        Snmpd::start_with("")
    }

    /// [`Snmpd::start`] with `extra` appended to the agent's config (whole lines, such as
    /// `createUser NAME SHA-256 "authpass" AES "privpass"` and `rouser NAME priv`).
    ///
    /// # Panics
    /// As [`Snmpd::start`].
    pub(crate) fn start_with(extra: &str) -> Snmpd {
        let bin = find_program("snmpd").unwrap_or_else(|| panic!("{SNMPD_MISSING}"));
        let mut last_log = String::new();
        for _ in 0..START_ATTEMPTS {
            let port = free_udp_port();
            let dir = scratch_dir("snmpd");
            fs::create_dir_all(dir.join("persist")).expect("create the agent's directory");
            fs::create_dir_all(dir.join("conf")).expect("create the agent's directory");
            let conf = config(port) + extra;
            fs::write(dir.join("conf/snmpd.conf"), conf).expect("write snmpd.conf");
            let child = spawn(&bin, &dir);
            let mut agent = Snmpd {
                port,
                child,
                dir,
                bin: bin.clone(),
            };
            if agent.wait_until_answering() {
                return agent;
            }
            last_log = agent.log();
            // Dropping `agent` kills it and removes its directory; try another port.
        }
        panic!(
            "snmpd did not answer on loopback after {START_ATTEMPTS} attempts; last log:\n{last_log}"
        );
    }

    /// Stops the agent (by its pid) and starts it again on the same port with the same config
    /// and persistent directory, then waits until it answers: a reboot, so its snmpEngineBoots
    /// goes up by one and its snmpEngineTime starts again from 0.
    ///
    /// # Panics
    /// With the agent's log when it does not answer again (say another process took the port
    /// meanwhile).
    pub(crate) fn restart(&mut self) {
        self.start_again(false);
    }

    /// [`Snmpd::restart`] with its persistent state forgotten: a new engine id and boots 1, as
    /// if another agent had taken its address.
    ///
    /// # Panics
    /// As [`Snmpd::restart`].
    pub(crate) fn restart_as_new_engine(&mut self) {
        self.start_again(true);
    }

    fn start_again(&mut self, forget: bool) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if forget {
            let persist = self.dir.join("persist");
            fs::remove_dir_all(&persist).expect("remove the agent's persistent state");
            fs::create_dir_all(&persist).expect("create the agent's directory");
        }
        self.child = spawn(&self.bin, &self.dir);
        assert!(
            self.wait_until_answering(),
            "snmpd did not answer again on port {}; log:\n{}",
            self.port,
            self.log()
        );
    }

    /// What the agent logged so far.
    pub(crate) fn log(&self) -> String {
        fs::read_to_string(self.dir.join("snmpd.log")).unwrap_or_default()
    }

    /// `127.0.0.1:port`.
    pub(crate) fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// `127.0.0.1:port`, as the tools take it.
    pub(crate) fn target(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Runs a net-snmp tool (`snmpget`, `snmpwalk`, ...) with `args` as given (put
    /// [`Snmpd::target`] among them) and returns its stdout. The tool runs with `MIBS=""`, the C
    /// locale and this agent's own `SNMP_PERSISTENT_DIR`.
    ///
    /// # Panics
    /// When the tool is missing, exits with an error, or prints anything but UTF-8.
    pub(crate) fn tool(&self, prog: &str, args: &[&str]) -> String {
        let out = self.tool_output(prog, args);
        assert!(
            out.status.success(),
            "{prog} {args:?} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("tool output is UTF-8")
    }

    /// Runs a net-snmp tool as [`Snmpd::tool`] does, and returns what it did whether it
    /// succeeded or not (for tests of failures: its exit status and stderr).
    ///
    /// # Panics
    /// When the tool is missing.
    pub(crate) fn tool_output(&self, prog: &str, args: &[&str]) -> Output {
        run_tool_in(&self.dir.join("tools"), prog, args)
    }

    /// Polls with GET sysUpTime.0 until the agent answers, it exits, or the start timeout passes.
    fn wait_until_answering(&mut self) -> bool {
        let sock = UdpSocket::bind("127.0.0.1:0").expect("bind a loopback probe socket");
        sock.connect(self.addr()).expect("connect the probe socket");
        sock.set_read_timeout(Some(PROBE_TIMEOUT))
            .expect("set the probe timeout");
        let oid: Oid = PROBE_OID.parse().expect("probe OID");
        let deadline = Instant::now() + START_TIMEOUT;
        let mut buf = [0u8; 2048];
        for request_id in 1.. {
            if Instant::now() > deadline || !matches!(self.child.try_wait(), Ok(None)) {
                return false;
            }
            // Sending fails with ECONNREFUSED while nothing listens yet: try again.
            if sock.send(&v2c_get(request_id, &oid)).is_err() {
                std::thread::sleep(PROBE_TIMEOUT);
                continue;
            }
            // The answer to any probe will do: a slow start can make each answer arrive after
            // its probe's wait, and waiting for the latest probe's own answer would then stay
            // one behind for ever.
            if let Ok(n) = sock.recv(&mut buf)
                && let Ok(m) = Message::decode(&buf[..n])
                && m.pdu
                    .request_id()
                    .is_some_and(|id| (1..=request_id).contains(&id))
            {
                return true;
            }
        }
        false
    }
}

impl Drop for Snmpd {
    fn drop(&mut self) {
        // `Child::kill` signals exactly this pid; `wait` reaps it.
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// True when `snmpget` and friends are installed.
pub(crate) fn tools_available() -> bool {
    find_program("snmpget").is_some()
}

/// Runs a net-snmp tool with `MIBS=""`, the C locale and a shared scratch persistent directory,
/// for tests whose agent is not an [`Snmpd`].
///
/// # Panics
/// With [`TOOLS_MISSING`] when the tool is not installed.
pub(crate) fn run_tool(prog: &str, args: &[&str]) -> Output {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    run_tool_in(DIR.get_or_init(|| scratch_dir("tools")), prog, args)
}

fn run_tool_in(persist: &Path, prog: &str, args: &[&str]) -> Output {
    let bin = find_program(prog).unwrap_or_else(|| panic!("{prog}: {TOOLS_MISSING}"));
    fs::create_dir_all(persist).expect("create the tools' persistent directory");
    Command::new(bin)
        .args(args)
        .env("MIBS", "")
        .env("SNMP_PERSISTENT_DIR", persist)
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("run {prog}: {e}"))
}

/// Starts `snmpd` in the foreground for the agent in `dir`, reading only `dir/conf` and
/// `dir/persist` (see the module documentation), logging to `dir/snmpd.log` (appended, so a
/// restart keeps the first run's lines).
fn spawn(bin: &Path, dir: &Path) -> Child {
    let log = fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("snmpd.log"))
        .expect("open snmpd.log");
    let search = std::env::join_paths([dir.join("conf"), dir.join("persist")])
        .expect("a config search path");
    Command::new(bin)
        .args(["-f", "-Lo"])
        .env("SNMPCONFPATH", search)
        .env("SNMP_PERSISTENT_DIR", dir.join("persist"))
        .env("MIBS", "")
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("clone the log handle"))
        .stderr(log)
        .spawn()
        .expect("spawn snmpd")
}

/// The agent's config: only loopback, both communities, no AgentX, a receive buffer big enough
/// for bursts (NETSNMP-NOTES.md).
fn config(port: u16) -> String {
    format!(
        "agentaddress udp:127.0.0.1:{port}\n\
         rocommunity  public  127.0.0.1\n\
         rwcommunity  private 127.0.0.1\n\
         master       no\n\
         dontLogTCPWrappersConnects yes\n\
         [snmp] serverRecvBuf 4194304\n"
    )
}

/// A loopback UDP port that was free a moment ago, below the kernel's ephemeral range: the
/// sockets other tests bind to port 0 never take it, so [`Snmpd::restart`] finds it free again.
/// An ephemeral port when no such port is free.
fn free_udp_port() -> u16 {
    let ephemeral_low = fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|r| r.split_whitespace().next()?.parse::<u16>().ok())
        .unwrap_or(32768);
    if ephemeral_low > FIXED_PORTS_FROM + 1000 {
        for _ in 0..100 {
            let port = rand::random_range(FIXED_PORTS_FROM..ephemeral_low);
            if UdpSocket::bind(("127.0.0.1", port)).is_ok() {
                return port;
            }
        }
    }
    UdpSocket::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .expect("bind an ephemeral loopback port")
        .port()
}

#[test]
fn snmpd_starts_answers_tools_and_stops() {
    assert!(Snmpd::available(), "{SNMPD_MISSING}");
    let agent = Snmpd::start();
    let target = agent.target();
    let out = agent.tool(
        "snmpget",
        &["-v2c", "-c", "public", "-On", &target, ".1.3.6.1.2.1.1.3.0"],
    );
    assert!(
        out.starts_with(".1.3.6.1.2.1.1.3.0 = Timeticks: ("),
        "{out}"
    );
    // sysLocation is writable with the private community (it is not set in the config).
    let set = agent.tool(
        "snmpset",
        &[
            "-v2c",
            "-c",
            "private",
            "-On",
            &target,
            ".1.3.6.1.2.1.1.6.0",
            "s",
            "lab",
        ],
    );
    assert_eq!(set, ".1.3.6.1.2.1.1.6.0 = STRING: \"lab\"\n");
    let pid = agent.child.id();
    let dir = agent.dir.clone();
    drop(agent);
    assert!(!dir.exists(), "the agent's directory is removed");
    assert!(
        !Path::new(&format!("/proc/{pid}")).exists(),
        "snmpd {pid} was killed and reaped"
    );
}

/// A v2c GET of `oid` with community `public`, encoded: what a start probe or a test sends by
/// hand.
pub(crate) fn v2c_get(request_id: i32, oid: &Oid) -> Vec<u8> {
    Message {
        version: Version::V2c,
        community: Cow::Borrowed(b"public"),
        pdu: Pdu::GetRequest(GenericPdu {
            request_id,
            varbinds: vec![VarBind::null(oid.clone())],
            ..GenericPdu::default()
        }),
    }
    .to_bytes()
}
