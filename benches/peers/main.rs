//! Peer benchmark: snmpact beside net-snmp (its asynchronous C API and `snmpbulkwalk`) and the
//! Rust crates `async-snmp` and `csnmp`, on the same agents in the same run, plus the simulated
//! agents' own ceiling. Results and method: `BENCHMARKS.md`, "Peers".
//!
//! Run: `cargo bench -p snmpact-peers --bench peers` (about four minutes). Optional words pick sections:
//! `ceiling`, `get`, `walk` (`cargo bench -p snmpact-peers --bench peers -- get walk`); `PEERS_SECS` sets the
//! measured window of each GET row (default 3 s, after 1 s of warm-up). Needs net-snmp
//! (`snmpd snmp libsnmp-dev`), `hyperfine` and a C compiler; every agent is on 127.0.0.1 and
//! every process this bench starts is stopped by its pid.
//!
//! Sections:
//! - `ceiling`: how fast `snmpact agent` answers, measured with [`blast`] (a generator far
//!   cheaper per request than any manager) while the agent process has one thread, then two,
//!   then one thread reading one request per system call (`--batch 1`).
//! - `get`: GET throughput and p50/p99 latency with 1, 100 and 10,000 agents and many requests
//!   in flight, for each client in [`clients`] and `netsnmp_get.c` (each its own process, one
//!   thread), against one `snmpact agent` process (10,000 agents, one thread, so that client and
//!   agent have a core each); and each client's RSS with its 10,000 sessions open.
//! - `walk`: whole-process walks timed by hyperfine: `snmpact bulkwalk` against `snmpbulkwalk`
//!   with the same `-Cr`, of a real `snmpd` (`.1`) and of a 10,000-row simulated table.
//! - `v3`: SNMPv3 against a real `snmpd`: GET throughput of v2c, v3 authNoPriv (SHA-256) and v3
//!   authPriv (SHA-256 + AES-128) through the same engine, beside net-snmp's C API for v2c and
//!   authPriv; the same clients against one `snmpact agent --v3-user ...` process (100 agents,
//!   512 in flight), which is not limited as snmpd is; and whole-agent walks `snmpact bulkwalk`
//!   vs `snmpbulkwalk`, v2c and authPriv.

/// The `snmpact` binary's allocator (see Cargo.toml).
#[cfg(unix)]
#[global_allocator]
static ALLOC: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

mod blast;
mod clients;
mod common;

use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use common::{Load, Outcome};

/// The `snmpact` binary, built by [`build_snmpact`] in the profile of this bench (this package
/// is apart from `snmpact`'s, so cargo does not build its binary for it).
static SNMPACT: std::sync::LazyLock<String> = std::sync::LazyLock::new(build_snmpact);

/// `cargo build --release --bin snmpact` in the workspace; the binary's path. Exits when the
/// build fails (every row needs it).
fn build_snmpact() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    // CARGO_TARGET_TMPDIR is TARGET/tmp: the binary is in TARGET/release.
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("..");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(&cargo)
        .args([
            "build",
            "--release",
            "--bin",
            "snmpact",
            "-p",
            "snmpact",
            "--target-dir",
        ])
        .arg(&target)
        .current_dir(&root)
        .status();
    if !status.is_ok_and(|s| s.success()) {
        eprintln!("peers: `{cargo} build --release --bin snmpact` failed");
        std::process::exit(1);
    }
    target.join("release/snmpact").display().to_string()
}
/// Agents in the largest rows.
const MANY: usize = 10_000;
/// (agents, requests in flight) of the GET rows, as in the engine benchmark.
const LOADS: [(usize, usize); 3] = [(1, 64), (100, 512), (MANY, 512)];
/// The GET clients, in the order of the table.
const CLIENTS: [&str; 4] = ["snmpact", "async-snmp", "csnmp", "net-snmp"];
/// Warm-up before each measured window.
const WARM_UP: Duration = Duration::from_secs(1);
/// Default measured window of a GET row.
const DEFAULT_WINDOW: Duration = Duration::from_secs(3);
/// A client process taking longer than its window plus this is killed and its row failed.
const CLIENT_SLACK: Duration = Duration::from_secs(120);
/// Pause between rows, so one row's stragglers never reach the next.
const SETTLE: Duration = Duration::from_millis(300);
/// max-repetitions of both walkers.
const MAX_REPETITIONS: u32 = 25;
/// Rows of the simulated table.
const TABLE_ROWS: u32 = 10_000;
/// The simulated table: IF-MIB ifTable.
const TABLE_OID: &str = "1.3.6.1.2.1.2.2";
/// hyperfine runs per command (after its warm-up runs).
const WALK_RUNS: &str = "15";
/// The SNMPv3 user of the `v3` section: name, authentication and privacy pass phrases
/// (created in the bench's snmpd with SHA-256 and AES-128).
pub(crate) const V3_USER: (&str, &str, &str) = ("benchuser", "benchauth1", "benchpriv1");
/// Requests in flight in the `v3` section's GET rows (one snmpd answers them one by one).
const V3_INFLIGHT: usize = 32;
/// (agents, requests in flight) of the `v3` section's GET rows against `snmpact agent`, as the
/// 100-agent GET rows.
const V3_AGENT_LOAD: (usize, usize) = (100, 512);

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--client") {
        let name = args.get(1).cloned().unwrap_or_default();
        let result = Load::parse(&args[2..]).and_then(|load| clients::run(&name, &load));
        return match result {
            Ok(o) => {
                println!("{o}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("client {name}: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let words: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let want = |s: &str| words.is_empty() || words.contains(&s);
    let window = std::env::var("PEERS_SECS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .map_or(DEFAULT_WINDOW, Duration::from_secs_f64);
    let mut report = header(window);
    let mut sections: Vec<(&str, Section)> = Vec::new();
    if want("ceiling") {
        sections.push(("ceiling", ceiling));
    }
    if want("get") {
        sections.push(("get", get_rows));
    }
    if want("walk") {
        sections.push(("walk", walk_rows));
    }
    if want("v3") {
        sections.push(("v3", v3_rows));
    }
    for (name, f) in sections {
        eprintln!("== {name}");
        match f(window) {
            Ok(s) => report.push_str(&s),
            Err(e) => {
                eprintln!("{name}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    println!("{report}");
    ExitCode::SUCCESS
}

/// One section of the report: its Markdown, or why it failed.
type Section = fn(Duration) -> Result<String, String>;

fn header(window: Duration) -> String {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|m| m.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_default();
    let date = Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    format!(
        "Peer benchmark, {date}: {cores} x {cpu}. GET rows: {:.0} s window after {:.0} s warm-up.\n",
        window.as_secs_f64(),
        WARM_UP.as_secs_f64()
    )
}

/// A `snmpact agent` process, stopped by its pid when dropped.
struct Agents {
    child: Child,
    ports: Vec<u16>,
}

impl Agents {
    fn start(args: &[&str]) -> Result<Self, String> {
        let mut child = Command::new(SNMPACT.as_str())
            .arg("agent")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start {} agent: {e}", SNMPACT.as_str()))?;
        // The agent prints its line once every socket is bound, or exits: either ends the read.
        let mut line = String::new();
        let read = child
            .stdout
            .take()
            .map(|out| BufReader::new(out).read_line(&mut line));
        if !matches!(read, Some(Ok(n)) if n > 0) {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("snmpact agent {args:?} did not start"));
        }
        // `listening on 127.0.0.1:PORTS (N agents, T threads)`
        let spec = line
            .split_whitespace()
            .nth(2)
            .and_then(|a| a.strip_prefix("127.0.0.1:"))
            .ok_or_else(|| format!("unexpected first line {line:?}"))?;
        let ports = snmpact::simulator::parse_ports(spec)?;
        Ok(Self { child, ports })
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn addrs(&self, n: usize) -> Vec<SocketAddr> {
        self.ports[..n]
            .iter()
            .map(|p| SocketAddr::from(([127, 0, 0, 1], *p)))
            .collect()
    }
}

impl Drop for Agents {
    fn drop(&mut self) {
        // SIGKILL to this pid only, then reap it.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn thousands(x: f64) -> String {
    let n = format!("{:.0}", x.max(0.0));
    let mut out = String::new();
    for (i, c) in n.chars().enumerate() {
        if i > 0 && (n.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn ceiling(window: Duration) -> Result<String, String> {
    let mut o = String::from(
        "\n### Agent ceiling (`snmpact agent`, answers from a load generator)\n\n\
         | agent threads | batch | agents | in flight | answers/s | agent CPU | agent µs/answer | generator µs/answer |\n\
         |--:|--:|--:|--:|--:|--:|--:|--:|\n",
    );
    let many = MANY.to_string();
    for (threads, batch) in [(1, 32), (2, 32), (1, 1)] {
        let agents = Agents::start(&[
            "--count",
            &many,
            "--threads",
            &threads.to_string(),
            "--batch",
            &batch.to_string(),
        ])?;
        for (n, w) in [(1, 64), (100, 512), (MANY, 512)] {
            std::thread::sleep(SETTLE);
            let b = blast::run(&agents.addrs(n), w, WARM_UP, window, agents.pid())
                .map_err(|e| e.to_string())?;
            eprintln!(
                "  threads {threads} batch {batch} agents {n}: {} answers/s, agent {:.0} %",
                thousands(b.rate),
                b.agent_cpu_pct
            );
            let _ = writeln!(
                o,
                "| {threads} | {batch} | {} | {w} | {} | {:.0} % | {:.2} | {:.2} |",
                thousands(n as f64),
                thousands(b.rate),
                b.agent_cpu_pct,
                b.agent_us,
                b.own_us
            );
        }
    }
    Ok(o)
}

/// Compiles `netsnmp_get.c` against libnetsnmp.
fn build_c_client() -> Result<PathBuf, String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("netsnmp_get.c");
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("netsnmp_get");
    let status = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()))
        .args(["-O2", "-o"])
        .arg(&out)
        .arg(&src)
        .arg("-lnetsnmp")
        .status()
        .map_err(|e| format!("cannot run cc: {e}"))?;
    if !status.success() {
        return Err("cannot compile netsnmp_get.c: apt-get install -y libsnmp-dev".into());
    }
    Ok(out)
}

/// Runs one client process on `load`; its result line, or why it failed.
fn run_client(name: &str, load: &Load, c_client: &Path) -> Result<Outcome, String> {
    let persist = Path::new(env!("CARGO_TARGET_TMPDIR")).join("peers-persist");
    let _ = std::fs::create_dir_all(&persist);
    let mut cmd = if name == "net-snmp" {
        Command::new(c_client)
    } else if name == "net-snmp-v3-priv" {
        let mut c = Command::new(c_client);
        c.env(
            "NETSNMP_GET_V3",
            format!("{}:{}:{}", V3_USER.0, V3_USER.1, V3_USER.2),
        );
        c
    } else {
        let mut c = Command::new(std::env::current_exe().map_err(|e| e.to_string())?);
        c.args(["--client", name]);
        c
    };
    let mut child = cmd
        .args(load.args())
        .env("MIBS", "")
        .env("SNMP_PERSISTENT_DIR", &persist)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start {name}: {e}"))?;
    let deadline = Instant::now() + load.warmup + load.window + CLIENT_SLACK;
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("{name} did not finish"));
            }
        }
    }
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    Outcome::parse(&String::from_utf8_lossy(&out.stdout))
        .ok_or_else(|| format!("{name} printed no result ({})", out.status))
}

fn get_rows(window: Duration) -> Result<String, String> {
    let c_client = build_c_client()?;
    let agents = Agents::start(&["--count", &MANY.to_string(), "--threads", "1"])?;
    let mut table = String::from(
        "\n### GET: throughput and latency, one thread per client\n\n\
         | agents | in flight | client | GET/s | snmpact ÷ client | CPU µs/GET | p50 | p99 | agent CPU | other processes | errors |\n\
         |--:|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|\n",
    );
    let mut memory = String::from(
        "\n### Memory: RSS with 10,000 agent sessions open (each used once)\n\n\
         | client | sessions | RSS before | RSS with sessions | per session | client ÷ snmpact |\n\
         |---|--:|--:|--:|--:|--:|\n",
    );
    let mut snmpact_mem: Option<f64> = None;
    for (n, w) in LOADS {
        let load = Load {
            ports: agents.ports[..n].to_vec(),
            inflight: w,
            warmup: WARM_UP,
            window,
            agent_pid: agents.pid(),
        };
        let mut ours: Option<f64> = None;
        for name in CLIENTS {
            std::thread::sleep(SETTLE);
            let r = run_client(name, &load, &c_client);
            let row = match &r {
                Ok(o) => {
                    eprintln!(
                        "  {n} agents {name}: {} GET/s p50 {:.0} us p99 {:.0} us",
                        thousands(o.rate),
                        o.p50_us,
                        o.p99_us
                    );
                    if name == "snmpact" {
                        ours = Some(o.rate);
                    }
                    let ratio = ours.map_or("-".into(), |s| format!("{:.2}", s / o.rate.max(1.0)));
                    format!(
                        "| {} | {w} | {name} | {} | {ratio} | {:.2} | {} | {} | {:.0} % | {:.0} % | {} |",
                        thousands(n as f64),
                        thousands(o.rate),
                        o.cpu_us,
                        micros(o.p50_us),
                        micros(o.p99_us),
                        o.agent_pct,
                        o.others_pct,
                        o.errors
                    )
                }
                Err(e) => {
                    eprintln!("  {n} agents {name}: FAILED {e}");
                    format!(
                        "| {} | {w} | {name} | failed: {e} | | | | | | | |",
                        thousands(n as f64)
                    )
                }
            };
            let _ = writeln!(table, "{row}");
            if n == MANY
                && let Ok(o) = &r
            {
                let per = (o.rss_open_kb.saturating_sub(o.rss_base_kb)) as f64 * 1024.0
                    / o.sessions.max(1) as f64;
                if name == "snmpact" {
                    snmpact_mem = Some(o.rss_open_kb as f64);
                }
                let ratio =
                    snmpact_mem.map_or("-".into(), |s| format!("{:.2}", o.rss_open_kb as f64 / s));
                let _ = writeln!(
                    memory,
                    "| {name} | {} | {:.1} MB | {:.1} MB | {} B | {ratio} |",
                    thousands(o.sessions as f64),
                    o.rss_base_kb as f64 / 1024.0,
                    o.rss_open_kb as f64 / 1024.0,
                    thousands(per)
                );
            }
        }
    }
    Ok(table + &memory)
}

fn micros(us: f64) -> String {
    if us >= 1000.0 {
        format!("{:.2} ms", us / 1000.0)
    } else {
        format!("{us:.0} µs")
    }
}

/// A real snmpd on a free loopback port, stopped by its pid when dropped.
struct Snmpd {
    child: Child,
    port: u16,
}

impl Snmpd {
    fn start() -> Result<Self, String> {
        let port = UdpSocket::bind("127.0.0.1:0")
            .and_then(|s| s.local_addr())
            .map_err(|e| e.to_string())?
            .port();
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("peers-snmpd");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("persist")).map_err(|e| e.to_string())?;
        let conf = dir.join("snmpd.conf");
        std::fs::write(
            &conf,
            format!(
                "agentaddress udp:127.0.0.1:{port}\nrocommunity public 127.0.0.1\nmaster no\n\
                 dontLogTCPWrappersConnects yes\n[snmp] serverRecvBuf 4194304\n\
                 createUser {0} SHA-256 \"{1}\" AES \"{2}\"\nrouser {0} auth\n",
                V3_USER.0, V3_USER.1, V3_USER.2
            ),
        )
        .map_err(|e| e.to_string())?;
        let bin = ["/usr/sbin/snmpd", "/usr/local/sbin/snmpd"]
            .into_iter()
            .find(|p| Path::new(p).exists())
            .ok_or("snmpd not found: apt-get install -y snmpd")?;
        let child = Command::new(bin)
            .args(["-f", "-Lo", "-C", "-c"])
            .arg(&conf)
            .env("SNMP_PERSISTENT_DIR", dir.join("persist"))
            .env("MIBS", "")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start snmpd: {e}"))?;
        let d = Snmpd { child, port };
        // Ready when snmpget answers (bounded: 50 tries).
        for _ in 0..50 {
            let ok = Command::new("snmpget")
                .args(["-v2c", "-c", "public", "-t", "0.2", "-r", "0"])
                .arg(d.target())
                .arg("1.3.6.1.2.1.1.3.0")
                .env("MIBS", "")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if ok {
                return Ok(d);
            }
        }
        Err("snmpd did not answer".into())
    }

    fn target(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

impl Drop for Snmpd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Writes the simulated table: `TABLE_ROWS` rows of ifIndex, ifDescr, ifType, ifSpeed and
/// ifInOctets (5 varbinds a row).
fn table_file() -> Result<PathBuf, String> {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("table-10k.snmprec");
    let mut s = String::new();
    let cols: [(u32, &str); 5] = [(1, "2"), (2, "4"), (3, "2"), (5, "66"), (10, "65")];
    for (col, tag) in cols {
        for i in 1..=TABLE_ROWS {
            let v = match col {
                1 => i.to_string(),
                2 => format!("eth{i}"),
                3 => "6".to_owned(),
                5 => "1000000000".to_owned(),
                _ => (u64::from(i) * 7919 % 4_000_000_000).to_string(),
            };
            let _ = writeln!(s, "{TABLE_OID}.1.{col}.{i}|{tag}|{v}");
        }
    }
    std::fs::write(&path, s).map_err(|e| e.to_string())?;
    Ok(path)
}

/// The walk command lines of snmpact and net-snmp for `target` and `oid`.
fn walkers(target: &str, oid: &str) -> (Vec<String>, Vec<String>) {
    let cr = format!("-Cr{MAX_REPETITIONS}");
    // A generous timeout: snmpd's first walk fills its caches (hrSWInstalled reads dpkg's
    // database), which can take seconds on a busy machine.
    let common = [
        "-v2c",
        "-c",
        "public",
        "-t",
        "5",
        "-r",
        "1",
        cr.as_str(),
        "-On",
        target,
        oid,
    ];
    let mut ours = vec![SNMPACT.clone(), "bulkwalk".to_owned()];
    ours.extend(common.iter().map(|s| (*s).to_owned()));
    let mut theirs = vec!["snmpbulkwalk".to_owned()];
    theirs.extend(common.iter().map(|s| (*s).to_owned()));
    (ours, theirs)
}

/// Varbinds a walker prints (entries of `-On` output; the end-of-view line not counted).
fn count_varbinds(cmd: &[String]) -> Result<usize, String> {
    let out = Command::new(&cmd[0])
        .args(&cmd[1..])
        .env("MIBS", "")
        .output()
        .map_err(|e| format!("{}: {e}", cmd[0]))?;
    if !out.status.success() {
        return Err(format!(
            "{cmd:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.starts_with('.') && l.contains(" = ") && !l.contains("No more variables"))
        .count())
}

/// Mean and standard deviation (s) of each command, timed by hyperfine.
fn hyperfine(cmds: &[&[String]]) -> Result<Vec<(f64, f64)>, String> {
    let json = Path::new(env!("CARGO_TARGET_TMPDIR")).join("peers-hyperfine.json");
    let mut c = Command::new("hyperfine");
    c.args([
        "-N",
        "--warmup",
        "3",
        "--runs",
        WALK_RUNS,
        "--style",
        "none",
        "--export-json",
    ])
    .arg(&json)
    .env("MIBS", "");
    for cmd in cmds {
        c.arg(cmd.join(" "));
    }
    let st = c
        .stdout(Stdio::null())
        .status()
        .map_err(|e| format!("hyperfine: {e} (apt-get install -y hyperfine)"))?;
    if !st.success() {
        return Err("hyperfine failed".into());
    }
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
    let results = v["results"].as_array().ok_or("no hyperfine results")?;
    Ok(results
        .iter()
        .map(|r| {
            (
                r["mean"].as_f64().unwrap_or(f64::NAN),
                r["stddev"].as_f64().unwrap_or(0.0),
            )
        })
        .collect())
}

fn walk_rows(_: Duration) -> Result<String, String> {
    let snmpd = Snmpd::start()?;
    let table = table_file()?;
    let agent = Agents::start(&[
        "--data",
        &table.to_string_lossy(),
        "--count",
        "1",
        "--threads",
        "1",
    ])?;
    let mut o = format!(
        "\n### Walks: whole process, `-v2c -Cr{MAX_REPETITIONS} -On`, output to /dev/null (hyperfine, {WALK_RUNS} runs)\n\n\
         | walk | varbinds | snmpact bulkwalk | snmpbulkwalk | snmpact varbinds/s | snmpbulkwalk varbinds/s | snmpact ÷ snmpbulkwalk |\n\
         |---|--:|--:|--:|--:|--:|--:|\n"
    );
    let rows = [
        ("snmpd, whole agent (.1)", snmpd.target(), ".1".to_owned()),
        (
            "simulated ifTable, 10,000 rows x 5 columns",
            format!("127.0.0.1:{}", agent.ports[0]),
            TABLE_OID.to_owned(),
        ),
    ];
    for (label, target, oid) in rows {
        let (ours, theirs) = walkers(&target, &oid);
        let n_theirs = count_varbinds(&theirs)?;
        let n_ours = count_varbinds(&ours)?;
        eprintln!("  {label}: snmpbulkwalk {n_theirs} varbinds, snmpact {n_ours}");
        let t = hyperfine(&[&ours, &theirs])?;
        let (a, b) = (t[0].0, t[1].0);
        let n = n_theirs as f64;
        let _ = writeln!(
            o,
            "| {label} | {} | {:.1} ± {:.1} ms | {:.1} ± {:.1} ms | {} | {} | {:.2} |",
            thousands(n),
            a * 1e3,
            t[0].1 * 1e3,
            b * 1e3,
            t[1].1 * 1e3,
            thousands(n / a),
            thousands(n / b),
            b / a
        );
    }
    Ok(o)
}

/// The clients of the `v3` section's GET tables and their security.
const V3_CLIENTS: [(&str, &str); 5] = [
    ("snmpact", "v2c"),
    ("snmpact-v3-auth", "v3 authNoPriv SHA-256"),
    ("snmpact-v3-priv", "v3 authPriv SHA-256 + AES-128"),
    ("net-snmp", "v2c"),
    ("net-snmp-v3-priv", "v3 authPriv SHA-256 + AES-128"),
];

/// One row of a `v3` GET table: `name` on `load`.
fn v3_get_row(name: &str, security: &str, load: &Load, c_client: &Path) -> String {
    std::thread::sleep(SETTLE);
    match run_client(name, load, c_client) {
        Ok(r) => {
            eprintln!(
                "  {name}: {} GET/s, {:.2} µs CPU/GET",
                thousands(r.rate),
                r.cpu_us
            );
            format!(
                "| {name} | {security} | {} | {:.2} | {} | {} | {:.0} % | {:.0} % | {} |",
                thousands(r.rate),
                r.cpu_us,
                micros(r.p50_us),
                micros(r.p99_us),
                r.agent_pct,
                r.others_pct,
                r.errors
            )
        }
        Err(e) => {
            eprintln!("  {name}: FAILED {e}");
            format!("| {name} | {security} | failed: {e} | | | | | | |")
        }
    }
}

/// The `v3` section's second GET table: the same clients against one `snmpact agent` process
/// (100 agents, one thread) that has the bench's user, so the engine's v3 throughput shows
/// without snmpd's ceiling.
fn v3_agent_rows(window: Duration, c_client: &Path) -> Result<String, String> {
    let (n, inflight) = V3_AGENT_LOAD;
    let user = format!("{}:SHA-256:{}:AES:{}", V3_USER.0, V3_USER.1, V3_USER.2);
    let agents = Agents::start(&[
        "--count",
        &n.to_string(),
        "--threads",
        "1",
        "--v3-user",
        &user,
    ])?;
    let load = Load {
        ports: agents.ports[..n].to_vec(),
        inflight,
        warmup: WARM_UP,
        window,
        agent_pid: agents.pid(),
    };
    let mut o = format!(
        "\n### SNMPv3: GET against `snmpact agent` ({n} agents, one thread), {inflight} in flight, one thread per client\n\n\
         | client | security | GET/s | CPU µs/GET | p50 | p99 | agent CPU | other processes | errors |\n\
         |---|---|--:|--:|--:|--:|--:|--:|--:|\n"
    );
    for (name, security) in V3_CLIENTS {
        let _ = writeln!(o, "{}", v3_get_row(name, security, &load, c_client));
    }
    Ok(o)
}

/// The `v3` section: GET throughput v2c vs v3 through the same engine, and authPriv walks, all
/// against one real snmpd.
fn v3_rows(window: Duration) -> Result<String, String> {
    let c_client = build_c_client()?;
    let snmpd = Snmpd::start()?;
    let mut o = format!(
        "\n### SNMPv3: GET against one snmpd, {V3_INFLIGHT} in flight, one thread per client\n\n\
         | client | security | GET/s | CPU µs/GET | p50 | p99 | snmpd CPU | other processes | errors |\n\
         |---|---|--:|--:|--:|--:|--:|--:|--:|\n"
    );
    let load = Load {
        ports: vec![snmpd.port],
        inflight: V3_INFLIGHT,
        warmup: WARM_UP,
        window,
        agent_pid: snmpd.child.id(),
    };
    for (name, security) in V3_CLIENTS {
        let _ = writeln!(o, "{}", v3_get_row(name, security, &load, &c_client));
    }
    o.push_str(&v3_agent_rows(window, &c_client)?);
    let _ = write!(
        o,
        "\n### SNMPv3: whole-agent walk of snmpd, `-Cr{MAX_REPETITIONS} -On`, whole process (hyperfine, {WALK_RUNS} runs)\n\n\
         | security | varbinds | snmpact bulkwalk | snmpbulkwalk | snmpact ÷ snmpbulkwalk |\n\
         |---|--:|--:|--:|--:|\n"
    );
    let (ours_v2, theirs_v2) = walkers(&snmpd.target(), ".1");
    let v3 = [
        "-v3", "-u", V3_USER.0, "-l", "authPriv", "-a", "SHA-256", "-A", V3_USER.1, "-x", "AES",
        "-X", V3_USER.2,
    ];
    let as_v3 = |cmd: &[String]| -> Vec<String> {
        let mut out = Vec::new();
        let mut skip = 0;
        for a in cmd {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            match a.as_str() {
                "-v2c" => out.extend(v3.iter().map(|s| (*s).to_owned())),
                "-c" => skip = 1,
                _ => out.push(a.clone()),
            }
        }
        out
    };
    let (ours_v3, theirs_v3) = (as_v3(&ours_v2), as_v3(&theirs_v2));
    for (label, ours, theirs) in [
        ("v2c", &ours_v2, &theirs_v2),
        ("v3 authPriv SHA-256 + AES-128", &ours_v3, &theirs_v3),
    ] {
        let n_theirs = count_varbinds(theirs)?;
        let n_ours = count_varbinds(ours)?;
        eprintln!("  walk {label}: snmpbulkwalk {n_theirs} varbinds, snmpact {n_ours}");
        let t = hyperfine(&[ours, theirs])?;
        let _ = writeln!(
            o,
            "| {label} | {} | {:.1} ± {:.1} ms | {:.1} ± {:.1} ms | {:.2} |",
            thousands(n_theirs as f64),
            t[0].0 * 1e3,
            t[0].1 * 1e3,
            t[1].0 * 1e3,
            t[1].1 * 1e3,
            t[1].0 / t[0].0
        );
    }
    Ok(o)
}
