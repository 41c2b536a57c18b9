//! Engine benchmark: GET request/response pairs per second, CPU per request and p50/p99 latency
//! through the whole path (caller -> session -> dispatcher -> BER -> UDP -> agent and back), with
//! 1, 100 and 10,000 agents, for `shards = 1` and `shards = 2`, beside a plain tokio UDP
//! ping-pong over the same responder in the same run (the floor any design pays); plus RSS per
//! idle session. Figures and method: `BENCHMARKS.md`, "Engine".
//!
//! Run: `cargo bench --bench engine` (one full run takes about two minutes). Optional: a
//! substring filter on the load names (`cargo bench --bench engine -- "100 agents"`), and
//! `ENGINE_BENCH_SECS` (measured seconds per row, default 3).
//!
//! `cargo bench --bench engine -- --idle` measures only memory: for 10,000, 100,000 and
//! 1,000,000 sessions, each on a fresh engine (shards=1) and never used, the growth of RSS and
//! heap over opening them, divided by their number (no responder, no traffic).
//!
//! `cargo bench --bench engine -- --scaling` measures GET/s with 1 to 4 shards, each shard's
//! thread limited to its own slice of a CPU (`ENGINE_BENCH_SLICE`, default 0.2; a cgroup each,
//! so it needs root): what each core adds ([`scaling`]).
//!
//! Method:
//! - The agents are the [`responder`] module run as a separate process (this binary started
//!   again with `--responder N`): one thread, `epoll` + `recvmmsg`/`sendmmsg`, one loopback port
//!   per agent. It is started once and stopped by pid at the end. Its CPU is read from
//!   `/proc/PID/stat` and shown per row, so a row where it is near 100 % would be visible.
//! - CPU per request is `getrusage(RUSAGE_SELF)` of this process over the measured window
//!   (every manager thread, callers included; the responder is another process) divided by the
//!   requests completed in the window.
//! - Closed loop: W callers, each with one GET in flight, visiting the agents round-robin. Every
//!   row has a warm-up second, then a fixed window; only answers that arrive in the window count.
//! - Open loop: a pacer issues requests at a fixed rate (1 ms ticks) to the agents round-robin;
//!   latency is measured from the moment a request is handed over.
//! - Every answer is checked (one varbind, the responder's Counter32) before it counts.
//! - The floor: one tokio task on its own current-thread runtime, one socket, W datagrams in
//!   flight, `send_to`/`recv_from` per datagram, request ids patched into a pre-encoded GET and
//!   read back with `Message::peek`. No actors, no per-request encode or decode.

mod responder;
mod scaling;

/// The `snmpact` binary's allocator, so that this measures what it runs (feature `jemalloc`, on by default; see Cargo.toml).
#[cfg(all(feature = "jemalloc", unix))]
#[global_allocator]
static ALLOC: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use std::cell::RefCell;
use std::fmt::Write as _;
use std::io::{self, BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, ExitCode, Stdio};
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use snmpact::engine::SessionHandle;
use snmpact::oid::Oid;
use snmpact::pdu::{GenericPdu, Message, Pdu, Value, VarBind, Version};
use snmpact::session::Get;
use snmpact::{Engine, EngineConfig, SessionConfig};
use tokio::net::UdpSocket;

/// Agents (responder ports) in the largest rows.
const MANY: usize = 10_000;
/// Agents in the middle rows.
const SOME: usize = 100;
/// Requests in flight in the 100- and 10,000-agent closed-loop rows.
const WIDE: usize = 512;
/// Requests in flight in the one-agent pipelined row.
const NARROW: usize = 64;
/// The open-loop row's rate.
const PACED_RATE: f64 = 20_000.0;
/// Warm-up before each measured window.
const WARM_UP: Duration = Duration::from_secs(1);
/// Default measured window per row.
const DEFAULT_WINDOW: Duration = Duration::from_secs(3);
/// Pacer tick of the open-loop rows.
const PACER_TICK: Duration = Duration::from_millis(1);
/// Wait for the last answers after a window before giving up on them.
const DRAIN: Duration = Duration::from_secs(2);
/// A floor datagram unanswered this long is sent again (a lost datagram must not stall a slot).
const FLOOR_RESEND: Duration = Duration::from_millis(200);
/// Pause between rows, so one row's stragglers never land in the next.
const SETTLE: Duration = Duration::from_millis(200);
/// Send and receive buffers of the floor's socket.
const FLOOR_BUFFER: usize = 4 << 20;
/// The polled OID: IF-MIB::ifInOctets.1.
const OID: &[u32] = &[1, 3, 6, 1, 2, 1, 2, 2, 1, 10, 1];
/// Request ids of the floor have this bit set, so they always take four octets.
const ID_BASE: i32 = 0x4000_0000;
/// Open-loop floor: requests remembered for matching.
const RING: usize = 1 << 16;

/// Targets from issue #13. GET/s: 1.5x what net-snmp's C library does on this machine
/// (about 93,000/s with 100 agents in the peers bench; net-snmp itself is measured there).
const TARGET_RATE: f64 = 140_000.0;
/// Client CPU per GET with 100 agents.
const TARGET_CPU_US: f64 = 2.5;
/// Client CPU per GET with 10,000 agents.
const TARGET_CPU_US_MANY: f64 = 4.0;
const TARGET_PACED_P99: Duration = Duration::from_millis(1);
/// RSS per idle session never used.
const TARGET_SESSION_BYTES: f64 = 600.0;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--responder") {
        let ports = args.get(1).and_then(|p| p.parse().ok()).unwrap_or(1);
        return match responder::run(ports) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("responder: {e}");
                ExitCode::FAILURE
            }
        };
    }
    if args.iter().any(|a| a == "--idle") {
        return match actix::System::new().block_on(idle_rows()) {
            Ok(report) => {
                println!("{report}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("idle bench failed: {e}");
                ExitCode::FAILURE
            }
        };
    }
    if args.iter().any(|a| a == "--scaling") {
        return scaling_main();
    }
    let mut words = args.into_iter().filter(|a| !a.starts_with("--"));
    let filter = Filter {
        load: words.next(),
        client: words.next(),
    };
    let window = window();
    let agents = match Agents::start(MANY) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("cannot start the responder: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = actix::System::new().block_on(run(&agents, window, filter));
    let pid = agents.pid();
    drop(agents);
    eprintln!("responder (pid {pid}) stopped");
    match result {
        Ok(report) => {
            println!("{report}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("engine bench failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The window per row: `ENGINE_BENCH_SECS` or the default.
fn window() -> Duration {
    std::env::var("ENGINE_BENCH_SECS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .map_or(DEFAULT_WINDOW, Duration::from_secs_f64)
}

/// `--scaling`: GET/s with 1 to 4 shards, each on a CPU slice of its own ([`scaling`]).
fn scaling_main() -> ExitCode {
    let agents = match Agents::start(SOME) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("cannot start the responder: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = actix::System::new().block_on(scaling::rows(&agents, window()));
    drop(agents);
    match result {
        Ok(report) => {
            println!("{report}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("scaling bench failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The responder process and its agents' addresses. Dropping it closes the responder's stdin
/// (its signal to exit) and, failing that, kills it by pid.
struct Agents {
    child: Child,
    addrs: Vec<SocketAddr>,
}

impl Agents {
    fn start(ports: usize) -> io::Result<Self> {
        let exe = std::env::current_exe()?;
        let mut child = Command::new(exe)
            .arg("--responder")
            .arg(ports.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()?;
        let mut line = String::new();
        if let Some(out) = child.stdout.take() {
            BufReader::new(out).read_line(&mut line)?;
        }
        let addrs: Vec<SocketAddr> = line
            .split_whitespace()
            .skip(1)
            .filter_map(|p| p.parse::<u16>().ok())
            .map(|p| SocketAddr::from(([127, 0, 0, 1], p)))
            .collect();
        let agents = Self { child, addrs };
        if agents.addrs.len() != ports {
            return Err(io::Error::other(format!(
                "responder gave {} ports",
                agents.addrs.len()
            )));
        }
        eprintln!(
            "responder pid {} serves {} loopback ports",
            agents.pid(),
            ports
        );
        Ok(agents)
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// CPU time the responder has used so far.
    fn cpu(&self) -> Duration {
        proc_cpu(self.pid()).unwrap_or_default()
    }
}

impl Drop for Agents {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(2);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill(); // SIGKILL to this pid only
        let _ = self.child.wait();
    }
}

/// utime + stime of process `pid`, from `/proc/PID/stat`.
fn proc_cpu(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = after.split_whitespace().collect();
    // Fields 14 and 15 of stat(5); `after` starts at field 3.
    let ticks: u64 = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    // SAFETY: sysconf takes no pointers.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    let hz = u64::try_from(hz).ok().filter(|h| *h > 0)?;
    Some(Duration::from_micros(ticks * 1_000_000 / hz))
}

/// CPU time of this whole process (all threads) so far.
fn self_cpu() -> Duration {
    // SAFETY: all-zero bytes are a valid rusage.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage writes only into `ru`, a valid rusage.
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &raw mut ru) } != 0 {
        return Duration::ZERO;
    }
    let tv = |t: libc::timeval| {
        Duration::from_secs(u64::try_from(t.tv_sec).unwrap_or(0))
            + Duration::from_micros(u64::try_from(t.tv_usec).unwrap_or(0))
    };
    tv(ru.ru_utime) + tv(ru.ru_stime)
}

/// Resident set size of this process, in bytes.
fn rss() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

/// Busy CPU time of the whole machine (all cores, every process) so far, from `/proc/stat`.
fn machine_busy() -> Duration {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let Some(line) = stat.lines().next() else {
        return Duration::ZERO;
    };
    // cpu user nice system idle iowait irq softirq steal ...: busy = all but idle and iowait.
    let f: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .filter_map(|v| v.parse().ok())
        .collect();
    let busy: u64 = f
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 3 && *i != 4)
        .take(7)
        .map(|(_, v)| v)
        .sum();
    // SAFETY: sysconf takes no pointers.
    let hz = u64::try_from(unsafe { libc::sysconf(libc::_SC_CLK_TCK) })
        .unwrap_or(100)
        .max(1);
    Duration::from_micros(busy * 1_000_000 / hz)
}

#[path = "support/heap.rs"]
mod heap;
use heap::heap_in_use;

/// Session counts of the idle-memory rows.
const IDLE_COUNTS: [usize; 3] = [10_000, 100_000, 1_000_000];

/// The idle-memory rows: for each of [`IDLE_COUNTS`], a fresh engine, that many sessions opened
/// through `Engine::session` (registry entry and dormant record: no actor runs until a session
/// is used) with one shared configuration, never used; RSS and heap growth per session, and the
/// total RSS. Then the peers benchmark's protocol in-process ([`used_once_rows`]).
async fn idle_rows() -> Result<String, String> {
    // First, while the process is fresh (RSS only grows back after a freed peak).
    let used_once = used_once_rows().await?;
    let mut o = String::from(
        "| sessions | RSS per session | heap per session | process RSS after |\n|--:|--:|--:|--:|\n",
    );
    let cfg = Arc::new(SessionConfig::default());
    for n in IDLE_COUNTS {
        let engine = Engine::start(EngineConfig {
            shards: 1,
            ..EngineConfig::default()
        });
        actix_rt::time::sleep(SETTLE).await;
        let (before, heap_before) = (rss(), heap_in_use());
        let mut sessions = Vec::with_capacity(n);
        for i in 0..n {
            // Distinct loopback addresses and ports; nothing is ever sent to them.
            let port = u16::try_from(1024 + i % 60_000).unwrap_or(1024);
            let host = 1 + i / 60_000;
            let target = format!("127.0.{}.{}:{port}", host / 250, 1 + host % 250);
            let s = engine
                .session(&format!("idle{i}"), &target, cfg.clone())
                .await
                .map_err(|e| e.to_string())?;
            sessions.push(s);
        }
        // Anything started on the arbiter has run by now.
        actix_rt::time::sleep(SETTLE).await;
        let active = engine.active_sessions();
        let (after, heap_after) = (rss(), heap_in_use());
        let per = |a: u64, b: u64| a.saturating_sub(b) as f64 / n as f64;
        let line = format!(
            "| {} | {:.0} B | {:.0} B | {:.1} MiB |\n",
            thousands(n as f64),
            per(after, before),
            per(heap_after, heap_before),
            after as f64 / f64::from(1u32 << 20)
        );
        eprint!("{line}");
        if active != 0 {
            return Err(format!("{active} idle sessions have a running actor"));
        }
        o.push_str(&line);
        drop(sessions);
        engine.shutdown().await;
        actix_rt::time::sleep(SETTLE).await;
    }
    o.push_str(&used_once);
    Ok(o)
}

/// Sessions of the used-once rows (the peers benchmark's 10,000 agents).
const USED_ONCE: usize = 10_000;

/// The peers benchmark's memory protocol, in-process: RSS before the engine starts, then a
/// session per agent of [`USED_ONCE`] responder agents, each sent one GET (512 in flight);
/// memory right after, once every session's actor has retired (the engine's default idle
/// time), and after `malloc_trim(0)` (what the allocator keeps of the freed actors).
async fn used_once_rows() -> Result<String, String> {
    use futures_util::StreamExt as _;
    let agents = Agents::start(USED_ONCE).map_err(|e| e.to_string())?;
    let (before, heap_before) = (rss(), heap_in_use());
    let engine = Engine::start(EngineConfig {
        shards: 1,
        ..EngineConfig::default()
    });
    let cfg = Arc::new(SessionConfig {
        max_in_flight: 1024,
        ..SessionConfig::default()
    });
    let mut sessions = Vec::with_capacity(agents.addrs.len());
    for a in &agents.addrs {
        let t = a.to_string();
        sessions.push(
            engine
                .session(&t, &t, cfg.clone())
                .await
                .map_err(|e| e.to_string())?,
        );
    }
    let failed = futures_util::stream::iter(&sessions)
        .map(|s| s.send(Get(vec![oid()])))
        .buffer_unordered(512)
        .filter(|r| std::future::ready(!matches!(r, Ok(Ok(v)) if is_expected(v))))
        .count()
        .await;
    if failed > 0 {
        return Err(format!("{failed} agents did not answer"));
    }
    let n = sessions.len() as f64;
    let mut o = format!(
        "\n{} sessions, each used once (engine session idle time {:?}):\n\n| when | active actors | RSS per session | heap per session | process RSS |\n|---|--:|--:|--:|--:|\n",
        thousands(n),
        engine.session_idle()
    );
    let mut line = |when: &str, active: usize| {
        let (r, h) = (rss(), heap_in_use());
        let l = format!(
            "| {when} | {} | {:.0} B | {:.0} B | {:.1} MiB |\n",
            thousands(active as f64),
            r.saturating_sub(before) as f64 / n,
            h.saturating_sub(heap_before) as f64 / n,
            r as f64 / f64::from(1u32 << 20)
        );
        eprint!("{l}");
        o.push_str(&l);
    };
    line("right after the GETs", engine.active_sessions());
    let t0 = Instant::now();
    while engine.active_sessions() > 0 && t0.elapsed() < Duration::from_secs(120) {
        actix_rt::time::sleep(Duration::from_millis(100)).await;
    }
    actix_rt::time::sleep(SETTLE).await;
    line(
        &format!(
            "after the actors retired ({:.1} s)",
            t0.elapsed().as_secs_f64()
        ),
        engine.active_sessions(),
    );
    // SAFETY: malloc_trim takes a plain integer and only releases free memory.
    unsafe { libc::malloc_trim(0) };
    line("after malloc_trim(0)", engine.active_sessions());
    drop(sessions);
    engine.shutdown().await;
    drop(agents);
    Ok(o)
}

/// Memory growth per session over opening them: resident set and heap in use, in bytes.
#[derive(Clone, Copy)]
struct PerSession {
    rss: f64,
    heap: f64,
}

/// A clock reading at a window edge: wall time, our CPU, the responder's CPU, the machine's.
#[derive(Clone, Copy)]
struct Probe {
    at: Instant,
    cpu: Duration,
    responder: Duration,
    machine: Duration,
}

impl Probe {
    fn take(agents: &Agents) -> Self {
        Self {
            at: Instant::now(),
            cpu: self_cpu(),
            responder: agents.cpu(),
            machine: machine_busy(),
        }
    }
}

/// The measured window of one row.
#[derive(Clone, Copy)]
struct Window {
    start: Instant,
    end: Instant,
}

impl Window {
    fn after_warm_up(len: Duration) -> Self {
        let start = Instant::now() + WARM_UP;
        Self {
            start,
            end: start + len,
        }
    }

    fn contains(&self, t: Instant) -> bool {
        t >= self.start && t < self.end
    }
}

/// Completed requests, failures and latencies (ns) in a window.
#[derive(Default)]
struct Tally {
    done: u64,
    errors: u64,
    latencies: Vec<u32>,
}

impl Tally {
    fn record(&mut self, d: Duration) {
        self.done += 1;
        self.latencies
            .push(u32::try_from(d.as_nanos()).unwrap_or(u32::MAX));
    }

    fn merge(&mut self, mut o: Tally) {
        self.done += o.done;
        self.errors += o.errors;
        self.latencies.append(&mut o.latencies);
    }
}

/// One table row.
struct Row {
    load: String,
    client: &'static str,
    rate: f64,
    cpu_us: f64,
    p50: Duration,
    p99: Duration,
    responder_pct: f64,
    /// The machine's busy time beyond this process and the responder: other processes
    /// (compiles, other benchmarks), softirq time not charged to a process (on this kernel, the
    /// loopback delivery) and the hypervisor's steal.
    others_pct: f64,
    /// Retransmissions, timeouts and failed requests in the window.
    faults: (u64, u64, u64),
}

fn percentile(sorted: &[u32], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() - 1) as f64 * p).round();
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // 0 <= i < len
    let i = i as usize;
    Duration::from_nanos(u64::from(sorted[i]))
}

impl Row {
    fn new(
        load: &str,
        client: &'static str,
        mut t: Tally,
        p0: Probe,
        p1: Probe,
        faults: (u64, u64),
    ) -> Self {
        let secs = p1.at.duration_since(p0.at).as_secs_f64();
        let cpu = (p1.cpu - p0.cpu).as_secs_f64();
        t.latencies.sort_unstable();
        let done = t.done.max(1) as f64;
        Self {
            load: load.to_owned(),
            client,
            rate: t.done as f64 / secs,
            cpu_us: cpu * 1e6 / done,
            p50: percentile(&t.latencies, 0.50),
            p99: percentile(&t.latencies, 0.99),
            responder_pct: (p1.responder.saturating_sub(p0.responder)).as_secs_f64() * 100.0 / secs,
            others_pct: (p1.machine.saturating_sub(p0.machine))
                .saturating_sub(p1.cpu - p0.cpu)
                .saturating_sub(p1.responder.saturating_sub(p0.responder))
                .as_secs_f64()
                * 100.0
                / secs,
            faults: (faults.0, faults.1, t.errors),
        }
    }
}

/// The GET every client sends.
fn oid() -> Oid {
    Oid::new(OID).expect("a valid OID")
}

/// Checks an engine answer: one varbind holding the responder's value.
fn is_expected(vbs: &[VarBind<'static>]) -> bool {
    matches!(vbs, [vb] if vb.value == Value::Counter32(responder::VALUE_U32))
}

/// A pre-encoded GET and the offset of its 4-octet request-id.
fn template() -> (Vec<u8>, usize) {
    let msg = Message {
        version: Version::V2c,
        community: b"public"[..].into(),
        pdu: Pdu::GetRequest(GenericPdu {
            request_id: ID_BASE,
            varbinds: vec![VarBind::null(oid())],
            ..GenericPdu::default()
        }),
    };
    let bytes = msg.to_bytes();
    let needle = [0x02, 0x04, 0x40, 0, 0, 0];
    let at = bytes
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("the request-id is in the template")
        + 2;
    (bytes, at)
}

fn floor_socket() -> io::Result<UdpSocket> {
    let s = std::net::UdpSocket::bind("127.0.0.1:0")?;
    s.set_nonblocking(true)?;
    let r = socket2::SockRef::from(&s);
    let _ = r.set_recv_buffer_size(FLOOR_BUFFER);
    let _ = r.set_send_buffer_size(FLOOR_BUFFER);
    UdpSocket::from_std(s)
}

/// The request-id of a response, checking it carries the responder's value.
fn floor_id(buf: &[u8]) -> Option<i32> {
    let p = Message::peek(buf).ok()?;
    p.request_id.filter(|_| buf.ends_with(responder::VALUE))
}

/// Closed-loop floor: `w` datagrams in flight over `agents`, one socket, one task.
async fn floor_closed(agents: Arc<[SocketAddr]>, w: usize, win: Window) -> io::Result<Tally> {
    const SLOT_BITS: u32 = 12;
    assert!(w < 1 << SLOT_BITS, "slot must fit the id");
    let sock = floor_socket()?;
    let (mut msg, id_at) = template();
    let n = agents.len();
    let mut sent_at = vec![Instant::now(); w];
    let mut seq = vec![0i32; w];
    let mut agent = (0..w).map(|s| s % n).collect::<Vec<_>>();
    let id = |slot: usize, seq: i32| {
        ID_BASE | ((seq & 0x3_ffff) << SLOT_BITS) | i32::try_from(slot).unwrap_or(0)
    };
    for slot in 0..w {
        msg[id_at..id_at + 4].copy_from_slice(&id(slot, 0).to_be_bytes());
        sock.send_to(&msg, agents[agent[slot]]).await?;
        sent_at[slot] = Instant::now();
    }
    let mut buf = [0u8; 1500];
    let mut t = Tally::default();
    loop {
        let r = tokio::time::timeout(FLOOR_RESEND, sock.recv_from(&mut buf)).await;
        let now = Instant::now();
        if now >= win.end {
            return Ok(t);
        }
        let slot = match r {
            Ok(Ok((len, _))) => {
                let Some(got) = floor_id(&buf[..len]) else {
                    t.errors += 1;
                    continue;
                };
                let slot = usize::try_from(got & ((1 << SLOT_BITS) - 1)).unwrap_or(usize::MAX);
                if slot >= w || id(slot, seq[slot]) != got {
                    t.errors += 1; // late answer to a resent slot
                    continue;
                }
                if win.contains(now) {
                    t.record(now - sent_at[slot]);
                }
                agent[slot] = (agent[slot] + w) % n;
                slot
            }
            Ok(Err(e)) => return Err(e),
            Err(_) => {
                // Something was lost: resend every slot waiting too long, then carry on.
                for slot in 0..w {
                    if now - sent_at[slot] >= FLOOR_RESEND {
                        t.errors += 1;
                        seq[slot] += 1;
                        msg[id_at..id_at + 4].copy_from_slice(&id(slot, seq[slot]).to_be_bytes());
                        sock.send_to(&msg, agents[agent[slot]]).await?;
                        sent_at[slot] = Instant::now();
                    }
                }
                continue;
            }
        };
        seq[slot] += 1;
        msg[id_at..id_at + 4].copy_from_slice(&id(slot, seq[slot]).to_be_bytes());
        sock.send_to(&msg, agents[agent[slot]]).await?;
        sent_at[slot] = now;
    }
}

/// Open-loop floor: `rate` requests/s to `agents` round-robin, one socket, one task.
async fn floor_paced(agents: Arc<[SocketAddr]>, rate: f64, win: Window) -> io::Result<Tally> {
    let sock = floor_socket()?;
    let (mut msg, id_at) = template();
    let mut sent: Vec<Option<(usize, Instant)>> = vec![None; RING];
    let mut tick = tokio::time::interval(PACER_TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let t0 = Instant::now();
    let mut issued = 0usize;
    let mut buf = [0u8; 1500];
    let mut t = Tally::default();
    loop {
        tokio::select! {
            r = sock.recv_from(&mut buf) => {
                let now = Instant::now();
                let (len, _) = r?;
                let k = floor_id(&buf[..len]).and_then(|i| usize::try_from(i - ID_BASE).ok());
                let Some(k) = k else {
                    t.errors += 1;
                    continue;
                };
                match sent[k % RING].take() {
                    Some((j, at)) if j == k => {
                        if win.contains(now) {
                            t.record(now - at);
                        }
                    }
                    _ => t.errors += 1,
                }
            }
            _ = tick.tick() => {
                let now = Instant::now();
                if now >= win.end {
                    return Ok(t);
                }
                let due = due(now - t0, rate);
                while issued < due {
                    let id = ID_BASE + i32::try_from(issued).unwrap_or(0);
                    msg[id_at..id_at + 4].copy_from_slice(&id.to_be_bytes());
                    sock.send_to(&msg, agents[issued % agents.len()]).await?;
                    sent[issued % RING] = Some((issued, Instant::now()));
                    issued += 1;
                }
            }
        }
    }
}

/// Requests due after `elapsed` at `rate` per second.
fn due(elapsed: Duration, rate: f64) -> usize {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // small and positive
    let d = (elapsed.as_secs_f64() * rate) as usize;
    d
}

/// What a row runs.
#[derive(Clone, Copy)]
enum Load {
    /// `inflight` callers, each with one request outstanding.
    Closed { agents: usize, inflight: usize },
    /// Requests at a fixed rate.
    Paced { agents: usize, rate: f64 },
}

impl Load {
    fn agents(self) -> usize {
        match self {
            Load::Closed { agents, .. } | Load::Paced { agents, .. } => agents,
        }
    }

    fn name(self) -> String {
        let a = match self.agents() {
            1 => "1 agent".to_owned(),
            n => format!("{} agents", thousands(n as f64)),
        };
        match self {
            Load::Closed { inflight, .. } => format!("{a}, {inflight} in flight"),
            Load::Paced { rate, .. } => format!("{a}, paced {} req/s", thousands(rate)),
        }
    }
}

fn thousands(v: f64) -> String {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // a positive rate
    let n = v.round() as u64;
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The floor, on `threads` threads each with its own runtime and socket, the agents and the
/// in-flight count split between them.
async fn floor_row(
    agents: &Agents,
    load: Load,
    window: Duration,
    threads: usize,
) -> io::Result<Row> {
    let win = Window::after_warm_up(window);
    let mut handles = Vec::new();
    for k in 0..threads {
        let mine: Arc<[SocketAddr]> = agents.addrs[..load.agents()]
            .iter()
            .skip(k)
            .step_by(threads)
            .copied()
            .collect::<Vec<_>>()
            .into();
        handles.push(std::thread::spawn(move || -> io::Result<Tally> {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            rt.block_on(async move {
                match load {
                    Load::Closed { inflight, .. } => {
                        floor_closed(mine, inflight / threads, win).await
                    }
                    Load::Paced { rate, .. } => floor_paced(mine, rate / threads as f64, win).await,
                }
            })
        }));
    }
    actix_rt::time::sleep_until(win.start.into()).await;
    let p0 = Probe::take(agents);
    actix_rt::time::sleep_until(win.end.into()).await;
    let p1 = Probe::take(agents);
    let tallies = actix_rt::task::spawn_blocking(move || {
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(io::Error::other("floor panicked")))
            })
            .collect::<Vec<_>>()
    })
    .await
    .map_err(io::Error::other)?;
    let mut t = Tally::default();
    for r in tallies {
        t.merge(r?);
    }
    let client = if threads == 1 {
        "tokio floor"
    } else {
        "tokio floor, 2 threads"
    };
    Ok(Row::new(&load.name(), client, t, p0, p1, (0, 0)))
}

/// An engine with its 10,000 sessions.
struct Bench {
    engine: Engine,
    sessions: Rc<[SessionHandle]>,
    label: &'static str,
}

impl Bench {
    /// Starts an engine with `shards` and opens one session per agent; returns it and the memory
    /// growth per session.
    async fn open(
        agents: &Agents,
        shards: usize,
        label: &'static str,
    ) -> Result<(Self, PerSession), String> {
        let engine = Engine::start(EngineConfig {
            shards,
            ..EngineConfig::default()
        });
        // One configuration shared by every session (one copy in memory).
        let cfg = Arc::new(SessionConfig {
            // Room for the one-agent pipelined row; every other row has fewer per agent.
            max_in_flight: 1024,
            ..SessionConfig::default()
        });
        actix_rt::time::sleep(SETTLE).await;
        let (before, heap_before) = (rss(), heap_in_use());
        let mut sessions = Vec::with_capacity(agents.addrs.len());
        for (i, a) in agents.addrs.iter().enumerate() {
            let s = engine
                .session(&format!("agent{i}"), &a.to_string(), cfg.clone())
                .await
                .map_err(|e| e.to_string())?;
            sessions.push(s);
        }
        // Sessions are dormant records until used: nothing runs on the arbiters yet.
        actix_rt::time::sleep(SETTLE).await;
        let (after, heap_after) = (rss(), heap_in_use());
        let n = agents.addrs.len() as f64;
        let per = PerSession {
            rss: after.saturating_sub(before) as f64 / n,
            heap: heap_after.saturating_sub(heap_before) as f64 / n,
        };
        let b = Self {
            engine,
            sessions: sessions.into(),
            label,
        };
        // Fairness: one GET must come back with the responder's value before anything is timed.
        match b.sessions[0].send(Get(vec![oid()])).await {
            Ok(Ok(vbs)) if is_expected(&vbs) => Ok((b, per)),
            other => Err(format!("{label}: unexpected first answer {other:?}")),
        }
    }

    async fn faults(&self) -> (u64, u64) {
        let s = self.engine.stats().await.total;
        (s.retransmitted, s.timed_out)
    }

    async fn row(&self, agents: &Agents, load: Load, window: Duration, near: bool) -> Row {
        let f0 = self.faults().await;
        let win = Window::after_warm_up(window);
        let sessions = &self.sessions[..load.agents()];
        let (t, p0, p1) = match load {
            Load::Closed { inflight, .. } if near => {
                closed_near(&self.engine, sessions, inflight, win, agents).await
            }
            Load::Closed { inflight, .. } => closed(sessions, inflight, win, agents).await,
            Load::Paced { rate, .. } => paced(sessions, rate, win, agents).await,
        };
        let f1 = self.faults().await;
        Row::new(
            &load.name(),
            if near { CO_LOCATED } else { self.label },
            t,
            p0,
            p1,
            (f1.0 - f0.0, f1.1 - f0.1),
        )
    }
}

/// Closed loop through the engine: `w` caller tasks on this arbiter, each awaiting one
/// `session.send(Get)` at a time.
async fn closed(
    sessions: &[SessionHandle],
    w: usize,
    win: Window,
    agents: &Agents,
) -> (Tally, Probe, Probe) {
    let n = sessions.len();
    let sessions: Rc<[SessionHandle]> = sessions.into();
    let oid = oid();
    let callers: Vec<_> = (0..w)
        .map(|k| {
            let sessions = sessions.clone();
            let oid = oid.clone();
            actix_rt::spawn(async move {
                let mut t = Tally::default();
                let mut i = k % n;
                loop {
                    let start = Instant::now();
                    if start >= win.end {
                        return t;
                    }
                    let r = sessions[i].send(Get(vec![oid.clone()])).await;
                    let now = Instant::now();
                    if win.contains(now) {
                        match r {
                            Ok(Ok(vbs)) if is_expected(&vbs) => t.record(now - start),
                            _ => t.errors += 1,
                        }
                    }
                    i = (i + w) % n;
                }
            })
        })
        .collect();
    actix_rt::time::sleep_until(win.start.into()).await;
    let p0 = Probe::take(agents);
    actix_rt::time::sleep_until(win.end.into()).await;
    let p1 = Probe::take(agents);
    let mut t = Tally::default();
    for c in callers {
        if let Ok(Ok(ct)) = actix_rt::time::timeout(DRAIN, c).await {
            t.merge(ct);
        }
    }
    (t, p0, p1)
}

/// The label of the co-located rows.
const CO_LOCATED: &str = "engine shards=2, co-located";

/// Closed loop with every caller on the arbiter of its sessions (`Engine::spawn_near`): the
/// `w` callers are split over the shards in proportion to their sessions, and each visits only
/// the sessions of its own shard, so no request crosses threads.
async fn closed_near(
    engine: &Engine,
    sessions: &[SessionHandle],
    w: usize,
    win: Window,
    agents: &Agents,
) -> (Tally, Probe, Probe) {
    let shards = engine.shards();
    let mut by_shard: Vec<Vec<(SessionHandle, SocketAddr)>> = vec![Vec::new(); shards];
    for (s, a) in sessions.iter().zip(&agents.addrs) {
        by_shard[snmpact::engine::shard_of(a, shards)].push((s.clone(), *a));
    }
    let n = sessions.len();
    let oid = oid();
    let mut results = Vec::new();
    for group in by_shard.into_iter().filter(|g| !g.is_empty()) {
        let near = group[0].1;
        let mine: Arc<[SessionHandle]> = group.into_iter().map(|(s, _)| s).collect();
        let callers = (w * mine.len()).div_ceil(n).max(1);
        for k in 0..callers {
            let (tx, rx) = tokio::sync::oneshot::channel();
            let (mine, oid) = (mine.clone(), oid.clone());
            engine.spawn_near(&near, async move {
                let mut t = Tally::default();
                let m = mine.len();
                let mut i = k % m;
                loop {
                    let start = Instant::now();
                    if start >= win.end {
                        break;
                    }
                    let r = mine[i].send(Get(vec![oid.clone()])).await;
                    let now = Instant::now();
                    if win.contains(now) {
                        match r {
                            Ok(Ok(vbs)) if is_expected(&vbs) => t.record(now - start),
                            _ => t.errors += 1,
                        }
                    }
                    i = (i + callers) % m;
                }
                let _ = tx.send(t);
            });
            results.push(rx);
        }
    }
    actix_rt::time::sleep_until(win.start.into()).await;
    let p0 = Probe::take(agents);
    actix_rt::time::sleep_until(win.end.into()).await;
    let p1 = Probe::take(agents);
    let mut t = Tally::default();
    for rx in results {
        if let Ok(Ok(ct)) = actix_rt::time::timeout(DRAIN, rx).await {
            t.merge(ct);
        }
    }
    (t, p0, p1)
}

/// Open loop through the engine: a pacer on this arbiter spawns one task per request.
async fn paced(
    sessions: &[SessionHandle],
    rate: f64,
    win: Window,
    agents: &Agents,
) -> (Tally, Probe, Probe) {
    let tally = Rc::new(RefCell::new(Tally::default()));
    let in_flight = Rc::new(std::cell::Cell::new(0usize));
    let oid = oid();
    let mut tick = actix_rt::time::interval(PACER_TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let t0 = Instant::now();
    let mut issued = 0usize;
    let mut p0 = None;
    let p1 = loop {
        tick.tick().await;
        let now = Instant::now();
        if p0.is_none() && now >= win.start {
            p0 = Some(Probe::take(agents));
        }
        if now >= win.end {
            break Probe::take(agents);
        }
        let due = due(now - t0, rate);
        while issued < due {
            let fut = sessions[issued % sessions.len()].send(Get(vec![oid.clone()]));
            issued += 1;
            let (tally, in_flight) = (tally.clone(), in_flight.clone());
            in_flight.set(in_flight.get() + 1);
            let start = Instant::now();
            actix_rt::spawn(async move {
                let r = fut.await;
                let now = Instant::now();
                if win.contains(now) {
                    let mut t = tally.borrow_mut();
                    match r {
                        Ok(Ok(vbs)) if is_expected(&vbs) => t.record(now - start),
                        _ => t.errors += 1,
                    }
                }
                in_flight.set(in_flight.get() - 1);
            });
        }
    };
    let deadline = Instant::now() + DRAIN;
    while in_flight.get() > 0 && Instant::now() < deadline {
        actix_rt::time::sleep(PACER_TICK).await;
    }
    let t = std::mem::take(&mut *tally.borrow_mut());
    (t, p0.unwrap_or(p1), p1)
}

/// Which rows to run: substrings of the load's and the client's names.
struct Filter {
    load: Option<String>,
    client: Option<String>,
}

impl Filter {
    fn load(&self, name: &str) -> bool {
        self.load.as_ref().is_none_or(|f| name.contains(f.as_str()))
    }

    fn client(&self, name: &str) -> bool {
        self.client
            .as_ref()
            .is_none_or(|f| name.contains(f.as_str()))
    }
}

async fn run(agents: &Agents, window: Duration, filter: Filter) -> Result<String, String> {
    let date = Command::new("date")
        .arg("-u")
        .arg("+%Y-%m-%d %H:%M UTC")
        .output();
    let date = date
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let (one, rss1) = Bench::open(agents, 1, "engine shards=1").await?;
    let (two, rss2) = Bench::open(agents, 2, "engine shards=2").await?;
    eprintln!(
        "idle session: RSS {:.0} B, heap {:.0} B (shards=1); RSS {:.0} B, heap {:.0} B (shards=2)",
        rss1.rss, rss1.heap, rss2.rss, rss2.heap
    );
    let loads = [
        Load::Closed {
            agents: 1,
            inflight: 1,
        },
        Load::Closed {
            agents: 1,
            inflight: NARROW,
        },
        Load::Closed {
            agents: SOME,
            inflight: WIDE,
        },
        Load::Closed {
            agents: MANY,
            inflight: WIDE,
        },
        Load::Paced {
            agents: MANY,
            rate: PACED_RATE,
        },
    ];
    let mut rows: Vec<Row> = Vec::new();
    for load in loads {
        if !filter.load(&load.name()) {
            continue;
        }
        let first = rows.len();
        eprintln!("{} ...", load.name());
        if filter.client("tokio floor") {
            rows.push(
                floor_row(agents, load, window, 1)
                    .await
                    .map_err(|e| e.to_string())?,
            );
            actix_rt::time::sleep(SETTLE).await;
        }
        if matches!(load, Load::Closed { agents: SOME, .. })
            && filter.client("tokio floor, 2 threads")
        {
            // The responder's ceiling: two floor clients at once, 1,024 in flight in all.
            let wide = Load::Closed {
                agents: SOME,
                inflight: 2 * WIDE,
            };
            rows.push(
                floor_row(agents, wide, window, 2)
                    .await
                    .map_err(|e| e.to_string())?,
            );
            actix_rt::time::sleep(SETTLE).await;
        }
        for b in [&one, &two] {
            if !filter.client(b.label) {
                continue;
            }
            rows.push(b.row(agents, load, window, false).await);
            actix_rt::time::sleep(SETTLE).await;
        }
        if matches!(load, Load::Closed { agents, .. } if agents > 1) && filter.client(CO_LOCATED) {
            rows.push(two.row(agents, load, window, true).await);
            actix_rt::time::sleep(SETTLE).await;
        }
        for r in &rows[first..] {
            eprintln!(
                "  {:<24} {:>9} req/s {:>6.2} us/req p50 {:?} p99 {:?} \
                 responder {:.0}% others {:.0}%",
                r.client,
                thousands(r.rate),
                r.cpu_us,
                r.p50,
                r.p99,
                r.responder_pct,
                r.others_pct
            );
        }
    }
    one.engine.shutdown().await;
    two.engine.shutdown().await;
    Ok(report(&rows, rss1, rss2, &date, window))
}

fn us(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us >= 1000.0 {
        format!("{:.2} ms", us / 1000.0)
    } else {
        format!("{us:.0} µs")
    }
}

fn report(
    rows: &[Row],
    rss1: PerSession,
    rss2: PerSession,
    date: &str,
    window: Duration,
) -> String {
    let mut o = String::new();
    let host = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let _ = writeln!(
        o,
        "\nEngine benchmark, {date}: {cores} x {host}; load average at the end {}",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    let _ = writeln!(
        o,
        "Window {:.1} s per row after {:.0} s warm-up. CPU = this process (manager + callers); \
         responder = its own process.\n",
        window.as_secs_f64(),
        WARM_UP.as_secs_f64()
    );
    let _ = writeln!(
        o,
        "| load | client | req/s | CPU µs/req | p50 | p99 | req/s vs floor | CPU vs floor | \
         responder CPU | rest of the machine | retx / timeouts / errors |"
    );
    let _ = writeln!(o, "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
    let mut floor: Option<&Row> = None;
    for r in rows {
        if r.client == "tokio floor" {
            floor = Some(r);
        }
        let (vs_rate, vs_cpu) = match floor {
            Some(f) if r.client.starts_with("engine") => (
                format!("{:.2}x", r.rate / f.rate),
                format!("{:.2}x", r.cpu_us / f.cpu_us),
            ),
            _ => ("".to_owned(), "".to_owned()),
        };
        let _ = writeln!(
            o,
            "| {} | {} | {} | {:.2} | {} | {} | {} | {} | {:.0} % | {:.0} % | {} / {} / {} |",
            r.load,
            r.client,
            thousands(r.rate),
            r.cpu_us,
            us(r.p50),
            us(r.p99),
            vs_rate,
            vs_cpu,
            r.responder_pct,
            r.others_pct,
            r.faults.0,
            r.faults.1,
            r.faults.2
        );
    }
    let _ = writeln!(
        o,
        "\nIdle session (growth over opening {MANY} sessions, divided): RSS {:.0} B with \
         shards=1, {:.0} B with shards=2 (target < {TARGET_SESSION_BYTES:.0} B: {}); heap in use \
         {:.0} B and {:.0} B",
        rss1.rss,
        rss2.rss,
        verdict(rss1.rss.max(rss2.rss) < TARGET_SESSION_BYTES),
        rss1.heap,
        rss2.heap
    );
    let _ = writeln!(o, "\nTargets (engine rows):");
    for r in rows.iter().filter(|r| r.client.starts_with("engine")) {
        let closed_wide = r.load.contains("in flight") && !r.load.starts_with("1 agent");
        if closed_wide {
            let cpu_target = if r.load.starts_with(&thousands(MANY as f64)) {
                TARGET_CPU_US_MANY
            } else {
                TARGET_CPU_US
            };
            let _ = writeln!(
                o,
                "- {} {}: {} req/s (>= {}: {}), {:.2} µs CPU/req (<= {cpu_target}: {})",
                r.load,
                r.client,
                thousands(r.rate),
                thousands(TARGET_RATE),
                verdict(r.rate >= TARGET_RATE),
                r.cpu_us,
                verdict(r.cpu_us <= cpu_target)
            );
        } else if r.load.contains("paced") {
            let _ = writeln!(
                o,
                "- {} {}: p99 {} (< {}: {})",
                r.load,
                r.client,
                us(r.p99),
                us(TARGET_PACED_P99),
                verdict(r.p99 < TARGET_PACED_P99)
            );
        }
    }
    let speedup = |load: &str| {
        let f = |c: &str| {
            rows.iter()
                .find(|r| r.load == load && r.client == c)
                .map(|r| r.rate)
        };
        f("engine shards=2")
            .zip(f("engine shards=1"))
            .map(|(a, b)| a / b)
    };
    let _ = writeln!(o, "\nshards=2 over shards=1 (req/s):");
    for r in rows.iter().filter(|r| r.client == "engine shards=1") {
        if let Some(s) = speedup(&r.load) {
            let _ = writeln!(o, "- {}: {s:.2}x", r.load);
        }
    }
    o
}

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "MISSED" }
}
