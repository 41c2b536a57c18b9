//! `poller_bench --vs-exporter`: the snmpact service and Prometheus's `snmp_exporter` polling
//! the same simulated agents, one after the other, each measured from outside its process.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use snmpact::config;

use super::{OIDS, bench_config, start_agents, stop_children};

/// The Debian package's binary.
const EXPORTER: &str = "/usr/bin/prometheus-snmp-exporter";
/// Scraping threads (each with one keep-alive connection).
const SCRAPERS: usize = 16;

/// What one process used over the measured window.
#[derive(Debug, Clone, Default)]
struct Usage {
    /// Seconds on CPU, every thread.
    cpu: f64,
    /// Voluntary + nonvoluntary context switches, every thread.
    switches: u64,
    /// The same, of the main thread only (what `/proc/PID/status` shows).
    main: u64,
    /// Per thread name (`comm`; threads of one name summed): context switches and CPU seconds.
    threads: std::collections::BTreeMap<String, (u64, f64)>,
}

impl Usage {
    /// `self - before`, thread by thread.
    fn since(&self, before: &Usage) -> Usage {
        let mut threads = self.threads.clone();
        for (name, (s, c)) in &mut threads {
            if let Some((s0, c0)) = before.threads.get(name) {
                *s = s.saturating_sub(*s0);
                *c -= c0;
            }
        }
        Usage {
            cpu: self.cpu - before.cpu,
            switches: self.switches - before.switches,
            main: self.main - before.main,
            threads,
        }
    }

    /// One line: each thread's context switches per `per` (agent-cycle or second).
    fn breakdown(&self, per: f64, unit: &str) -> String {
        let mut parts: Vec<String> = self
            .threads
            .iter()
            .filter(|(_, (s, _))| *s > 0)
            .map(|(name, (s, c))| {
                format!("{name} {:.2} ({:.0} us)", *s as f64 / per, c / per * 1e6)
            })
            .collect();
        parts.sort();
        format!(
            "    per thread, context switches/{unit} (CPU us/{unit}): {}",
            parts.join(", ")
        )
    }
}

/// CPU (schedstat, ns) and context switches summed over the threads of `pid`.
fn usage(pid: u32) -> Usage {
    let mut u = Usage::default();
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return u;
    };
    for t in tasks.flatten() {
        let dir = t.path();
        let tid = dir.file_name().and_then(|n| n.to_str()).unwrap_or("?");
        let comm = std::fs::read_to_string(dir.join("comm")).unwrap_or_default();
        let name = format!("{}[{tid}]", comm.trim());
        let entry = u.threads.entry(name).or_default();
        if let Ok(s) = std::fs::read_to_string(dir.join("schedstat"))
            && let Some(ns) = s
                .split_whitespace()
                .next()
                .and_then(|v| v.parse::<f64>().ok())
        {
            u.cpu += ns / 1e9;
            entry.1 += ns / 1e9;
        }
        if let Ok(s) = std::fs::read_to_string(dir.join("status")) {
            let main = dir.file_name().and_then(|n| n.to_str()) == Some(&pid.to_string());
            for l in s.lines() {
                if l.starts_with("voluntary_ctxt_switches:")
                    || l.starts_with("nonvoluntary_ctxt_switches:")
                {
                    let n = l
                        .split_whitespace()
                        .nth(1)
                        .and_then(|v| v.parse::<u64>().ok())
                        .unwrap_or(0);
                    u.switches += n;
                    entry.0 += n;
                    if main {
                        u.main += n;
                    }
                }
            }
        }
    }
    u
}

/// (VmRSS, VmHWM) of `pid` in MiB.
fn rss(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// One measured process's figures.
struct Figures {
    name: &'static str,
    cycles: u64,
    usage: Usage,
    wall: f64,
    rss: (f64, f64),
    check: String,
    ok: bool,
}

impl Figures {
    fn print(&self) {
        let c = self.cycles.max(1) as f64;
        println!(
            "  {:<34} CPU {:>6.1} us/agent-cycle ({:>5.2} % of a core), context switches/agent-cycle {:>5.2} (main thread {:.2}), RSS {:.1} MiB (peak {:.1}); {}",
            self.name,
            self.usage.cpu / c * 1e6,
            100.0 * self.usage.cpu / self.wall,
            self.usage.switches as f64 / c,
            self.usage.main as f64 / c,
            self.rss.0,
            self.rss.1,
            self.check
        );
        println!("{}", self.usage.breakdown(c, "agent-cycle"));
    }
}

/// A free loopback TCP port (bound, then released for the child to take).
fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Measures `pid` over `window` after `warm`: usage delta and RSS at the end.
fn measure(pid: u32, warm: Duration, window: Duration) -> (Usage, f64, (f64, f64)) {
    std::thread::sleep(warm);
    let u0 = usage(pid);
    let t0 = Instant::now();
    std::thread::sleep(window);
    let u1 = usage(pid);
    let wall = t0.elapsed().as_secs_f64();
    (u1.since(&u0), wall, rss(pid))
}

fn stop(mut child: Child) {
    drop(child.stdin.take());
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Runs both pollers on `n` agents; true when both polled every agent every interval.
/// Options of `--vs-exporter` beyond the fleet.
pub(crate) struct Options {
    /// `[engine] shards` of the service (0: one per core).
    pub(crate) shards: usize,
    /// `[poller] tick` of the service, when given (`--tick`).
    pub(crate) tick: Option<String>,
    /// Only the polling service: no idle run, no snmp_exporter (`--snmpact-only`).
    pub(crate) snmpact_only: bool,
}

pub(crate) fn run(
    n: usize,
    interval: &str,
    cycles: u32,
    opts: &Options,
) -> Result<bool, Box<dyn std::error::Error>> {
    let shards = opts.shards;
    let tick = opts.tick.as_deref();
    let every = config::parse_duration(interval)?;
    let mut children = Vec::new();
    let addrs = match start_agents(n, &mut children) {
        Ok(a) => a,
        Err(e) => {
            stop_children(&mut children);
            return Err(e);
        }
    };
    let dir = std::env::temp_dir().join(format!("snmpact-vs-exporter-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "poller_bench --vs-exporter: {n} agents x {OIDS} OIDs every {interval}, {cycles} intervals measured each, snmpact shards {shards} (0: one per core), tick {}; load average {}",
        tick.unwrap_or("default"),
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    let result = (|| -> Result<bool, Box<dyn std::error::Error>> {
        if !opts.snmpact_only {
            idle_run(&addrs, interval, shards, tick, &dir)?;
        }
        let a = snmpact_run(&addrs, interval, every, cycles, shards, tick, &dir)?;
        a.print();
        if opts.snmpact_only {
            return Ok(a.ok);
        }
        let b = exporter_run(&addrs, every, cycles, &dir)?;
        b.print();
        let c = floor_run(&addrs, interval, every, cycles, &dir)?;
        c.print();
        Ok(a.ok && b.ok && c.ok)
    })();
    stop_children(&mut children);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// How long the idle service is measured.
const IDLE_WINDOW: Duration = Duration::from_secs(20);

/// The service with its agents and the job disabled (console open, nothing due): CPU and
/// wake-ups over [`IDLE_WINDOW`].
fn idle_run(
    addrs: &[String],
    interval: &str,
    shards: usize,
    tick: Option<&str>,
    dir: &std::path::Path,
) -> Result<(), Box<dyn std::error::Error>> {
    let path = dir.join("idle.toml");
    std::fs::write(
        &path,
        service_config(addrs, interval, shards, tick, dir, false),
    )?;
    let child = Command::new(std::env::current_exe()?)
        .arg("--service")
        .arg(&path)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()?;
    let (u, wall, rss) = measure(child.id(), Duration::from_secs(2), IDLE_WINDOW);
    stop(child);
    println!(
        "  {:<34} CPU {:.3} % of a core, {:.1} context switches/s (main thread {:.1}), RSS {:.1} MiB",
        "snmpact service, idle (job disabled)",
        100.0 * u.cpu / wall,
        u.switches as f64 / wall,
        u.main as f64 / wall,
        rss.0
    );
    println!("{}", u.breakdown(wall, "s"));
    Ok(())
}

/// The service's configuration: the agents, one job of 10 counters (rates on), JSON lines to
/// `dir/samples.json`.
fn service_config(
    addrs: &[String],
    interval: &str,
    shards: usize,
    tick: Option<&str>,
    dir: &std::path::Path,
    enabled: bool,
) -> String {
    let lines = dir.join("samples.json");
    let mut text = bench_config(
        addrs,
        interval,
        &format!("shards = {shards}\n"),
        &format!("enabled = {enabled}\n"),
    );
    text.push_str("[console]\nlisten = \"127.0.0.1:0\"\n");
    if let Some(t) = tick {
        text.push_str(&format!("[poller]\ntick = \"{t}\"\n"));
    }
    text.push_str(&format!(
        "[outputs.json]\nkind = \"json\"\npath = \"{}\"\n",
        lines.display()
    ));
    text
}

fn snmpact_run(
    addrs: &[String],
    interval: &str,
    every: Duration,
    cycles: u32,
    shards: usize,
    tick: Option<&str>,
    dir: &std::path::Path,
) -> Result<Figures, Box<dyn std::error::Error>> {
    let n = addrs.len();
    let lines = dir.join("samples.json");
    let text = service_config(addrs, interval, shards, tick, dir, true);
    let path = dir.join("service.toml");
    std::fs::write(&path, &text)?;
    let child = Command::new(std::env::current_exe()?)
        .arg("--service")
        .arg(&path)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()?;
    let pid = child.id();
    let warm = every + every / 2;
    let window = every * cycles;
    let (usage, wall, rss) = measure(pid, warm, window);
    // The JSON lines of the window: those stamped inside it (by wall clock) are counted.
    let end = std::time::SystemTime::now();
    let start = end - Duration::from_secs_f64(wall);
    stop(child);
    let (from, to) = (rfc(start), rfc(end));
    let mut samples = 0u64;
    let mut rates = 0u64;
    let mut bad = 0u64;
    let f = std::fs::File::open(&lines)?;
    for l in BufReader::new(f).lines() {
        let l = l?;
        let Some(t) = l.split("\"time\":\"").nth(1).and_then(|r| r.get(..24)) else {
            bad += 1;
            continue;
        };
        if t < from.as_str() || t >= to.as_str() {
            continue;
        }
        if l.contains("\"error\":") || l.contains("\"skipped\":") {
            bad += 1;
        } else {
            samples += 1;
            rates += u64::from(l.contains("\"rate\":"));
        }
    }
    let agent_cycles = samples / OIDS as u64;
    let expected = n as u64 * u64::from(cycles);
    let ok = bad == 0 && agent_cycles.abs_diff(expected) <= expected / 50 + 1;
    Ok(Figures {
        name: "snmpact service (JSON lines, file)",
        cycles: agent_cycles,
        usage,
        wall,
        rss,
        check: format!(
            "samples {samples} (= {agent_cycles} agent-cycles, expected {expected}), rates {rates}, errors/skips {bad}"
        ),
        ok,
    })
}

/// RFC 3339 with milliseconds, as the JSON lines print it.
fn rfc(t: std::time::SystemTime) -> String {
    snmpact::output::json::rfc3339(t)
}

fn exporter_run(
    addrs: &[String],
    every: Duration,
    cycles: u32,
    dir: &std::path::Path,
) -> Result<Figures, Box<dyn std::error::Error>> {
    if !std::path::Path::new(EXPORTER).exists() {
        return Err(format!("{EXPORTER} missing: apt-get install prometheus-snmp-exporter").into());
    }
    let mut yml = String::from(
        "bench:\n  version: 2\n  auth:\n    community: public\n  retries: 1\n  timeout: 2s\n  get:\n",
    );
    for i in 1..=5 {
        yml.push_str(&format!(
            "  - 1.3.6.1.2.1.2.2.1.10.{i}\n  - 1.3.6.1.2.1.2.2.1.16.{i}\n"
        ));
    }
    yml.push_str("  metrics:\n");
    for (name, col) in [("ifInOctets", 10), ("ifOutOctets", 16)] {
        yml.push_str(&format!(
            "  - name: {name}\n    oid: 1.3.6.1.2.1.2.2.1.{col}\n    type: counter\n    help: {name}\n    indexes:\n    - labelname: ifIndex\n      type: gauge\n"
        ));
    }
    let path = dir.join("snmp.yml");
    std::fs::write(&path, yml)?;
    let port = free_port()?;
    let listen: SocketAddr = format!("127.0.0.1:{port}").parse()?;
    let child = Command::new(EXPORTER)
        .arg(format!("--config.file={}", path.display()))
        .arg(format!("--web.listen-address={listen}"))
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let pid = child.id();
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(listen).is_err() {
        if Instant::now() > deadline {
            stop(child);
            return Err("snmp_exporter did not listen within 10 s".into());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let running = Arc::new(AtomicBool::new(true));
    let good = Arc::new(AtomicU64::new(0));
    let bad = Arc::new(AtomicU64::new(0));
    let t0 = Instant::now();
    let threads: Vec<_> = (0..SCRAPERS)
        .map(|w| {
            let mine: Vec<(Duration, String)> = addrs
                .iter()
                .enumerate()
                .filter(|(i, _)| i % SCRAPERS == w)
                .map(|(_, a)| {
                    (
                        snmpact::poller::schedule::phase("bench", a, every),
                        a.clone(),
                    )
                })
                .collect();
            let (running, good, bad) = (running.clone(), good.clone(), bad.clone());
            std::thread::spawn(move || scraper(listen, mine, every, t0, &running, &good, &bad))
        })
        .collect();
    let warm = every + every / 2;
    std::thread::sleep(warm);
    let (g0, b0) = (good.load(Ordering::Relaxed), bad.load(Ordering::Relaxed));
    let (usage, wall, rss) = measure(pid, Duration::ZERO, every * cycles);
    let (g1, b1) = (good.load(Ordering::Relaxed), bad.load(Ordering::Relaxed));
    running.store(false, Ordering::Relaxed);
    for t in threads {
        let _ = t.join();
    }
    stop(child);
    let n = addrs.len() as u64;
    let expected = n * u64::from(cycles);
    let scrapes = g1 - g0;
    let failed = b1 - b0;
    Ok(Figures {
        name: "snmp_exporter 0.21, scraped",
        cycles: scrapes,
        usage,
        wall,
        rss,
        check: format!(
            "scrapes with all {OIDS} samples {scrapes} (expected {expected}), failed {failed}"
        ),
        ok: failed == 0 && scrapes.abs_diff(expected) <= expected / 50 + 1,
    })
}

/// The floor (`--floor`, see `floor.rs`): the same GETs at the same pacing from a bare
/// blocking socket, measured like the two pollers.
fn floor_run(
    addrs: &[String],
    interval: &str,
    every: Duration,
    cycles: u32,
    dir: &std::path::Path,
) -> Result<Figures, Box<dyn std::error::Error>> {
    let list = dir.join("agents.txt");
    std::fs::write(&list, addrs.join("\n"))?;
    let mut child = Command::new(std::env::current_exe()?)
        .arg("--floor")
        .arg(&list)
        .arg(interval)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let pid = child.id();
    let (usage, wall, rss) = measure(pid, every + every / 2, every * cycles);
    let mut out = child.stdout.take().ok_or("no stdout")?;
    stop(child);
    let mut line = String::new();
    out.read_to_string(&mut line)?;
    let field = |k: &str| -> u64 {
        line.split_whitespace()
            .find_map(|f| f.strip_prefix(k))
            .and_then(|v| v.parse().ok())
            .unwrap_or(u64::MAX)
    };
    let (sent, answered) = (field("sent="), field("answered="));
    let expected = addrs.len() as u64 * u64::from(cycles);
    Ok(Figures {
        name: "floor: bare blocking socket",
        cycles: expected,
        usage,
        wall,
        rss,
        check: format!("whole run: {}", line.trim()),
        ok: sent != u64::MAX && sent == answered,
    })
}

/// Scrapes each of `targets` once per `every` at its phase, over one keep-alive connection.
fn scraper(
    listen: SocketAddr,
    mut targets: Vec<(Duration, String)>,
    every: Duration,
    t0: Instant,
    running: &AtomicBool,
    good: &AtomicU64,
    bad: &AtomicU64,
) {
    targets.sort();
    let mut conn: Option<BufReader<TcpStream>> = None;
    let mut round = 0u32;
    while running.load(Ordering::Relaxed) {
        for (phase, target) in &targets {
            let due = t0 + every * round + *phase;
            loop {
                if !running.load(Ordering::Relaxed) {
                    return;
                }
                let now = Instant::now();
                if now >= due {
                    break;
                }
                std::thread::sleep((due - now).min(Duration::from_millis(200)));
            }
            match scrape(&mut conn, listen, target) {
                Ok(true) => good.fetch_add(1, Ordering::Relaxed),
                _ => {
                    conn = None;
                    bad.fetch_add(1, Ordering::Relaxed)
                }
            };
        }
        round += 1;
    }
}

/// One `GET /snmp?module=bench&target=...`; true when the answer holds the ten samples.
fn scrape(
    conn: &mut Option<BufReader<TcpStream>>,
    listen: SocketAddr,
    target: &str,
) -> std::io::Result<bool> {
    if conn.is_none() {
        let s = TcpStream::connect(listen)?;
        s.set_nodelay(true)?;
        *conn = Some(BufReader::new(s));
    }
    let Some(c) = conn.as_mut() else {
        return Ok(false);
    };
    write!(
        c.get_mut(),
        "GET /snmp?module=bench&target={target} HTTP/1.1\r\nHost: {listen}\r\nAccept: text/plain\r\n\r\n"
    )?;
    let mut status = String::new();
    c.read_line(&mut status)?;
    let mut length = None;
    let mut chunked = false;
    loop {
        let mut h = String::new();
        c.read_line(&mut h)?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let lower = h.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse::<usize>().ok();
        } else if lower.starts_with("transfer-encoding:") && lower.contains("chunked") {
            chunked = true;
        }
    }
    let mut body = Vec::new();
    if chunked {
        loop {
            let mut size = String::new();
            c.read_line(&mut size)?;
            let size = usize::from_str_radix(size.trim(), 16)
                .map_err(|_| std::io::Error::other("bad chunk"))?;
            let mut chunk = vec![0; size + 2];
            c.read_exact(&mut chunk)?;
            if size == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..size]);
        }
    } else {
        let len = length.ok_or_else(|| std::io::Error::other("no length"))?;
        body.resize(len, 0);
        c.read_exact(&mut body)?;
    }
    let text = String::from_utf8_lossy(&body);
    let samples = text
        .lines()
        .filter(|l| l.starts_with("ifInOctets{") || l.starts_with("ifOutOctets{"))
        .count();
    Ok(status.contains(" 200 ") && samples == OIDS)
}
