//! Poller benchmark: N simulated agents x 10 scalar OIDs every 10 s; checks every cycle runs on
//! time and records the poller process's CPU and RSS (figures in BENCHMARKS.md, "Poller").
//!
//! Run: `cargo run --release --example poller_bench` (10,000 agents, 10 s interval, 3 measured
//! intervals after one of warm-up: about 45 s). Options: `--agents N`, `--interval 10s`,
//! `--cycles K` (measured intervals), `--ladder N1,N2,...` (one run per fleet size, in a fresh
//! process each), `--no-json` (no JSON output; by default every sample is also formatted as a
//! JSON line and written to /dev/null, as a real run would print it).
//!
//! Method:
//! - The agents are `snmpact::simulator::agent::server` (simulated agents, `recvmmsg`/`sendmmsg`) in
//!   separate processes: this example started again with `--serve N PART`, at most 19,000
//!   agents each (one socket per agent, and the open-files limit here is 20,000), on loopback
//!   only (127.0.PART+1.1). Each prints its addresses, serves until its stdin closes, and is
//!   stopped by pid. Their CPU is not counted. `--agent-addresses`: each agent is a loopback
//!   address instead (127.16.0.1 onwards), all of a process's agents on one port, served
//!   through one socket per thread (`server::spawn_addresses`), up to 200,000 agents a
//!   process; `--agent-threads N` and `--agent-coalesce D` set the processes' threads and rest
//!   (`server::ServerOptions`).
//! - This process loads a generated configuration file through `config::load` (N agents, one
//!   job of 10 scalars with rates on all 10 counters, interval 10 s), starts the engine (as the
//!   service does: one shard below 50,000 agents, one per core from there), the outputs and the
//!   poller (one worker per shard, `poller::Pollers`), as the service does.
//! - After one warm-up interval it measures K intervals: `getrusage(RUSAGE_SELF)` CPU (every
//!   thread of this process: engine, poller, output writer) over wall time, the poller's
//!   counters before and after, and `VmRSS`/`VmHWM` from `/proc/self/status`.
//! - On time: every pair of the window started (N x K cycles, each agent exactly once per
//!   interval), none skipped, failed, missed or late (late: started more than interval/10
//!   after its slot, or ended after its next slot); and over the whole run, warm-up included,
//!   no cycle started a whole interval after its slot.
//!
//! `--vs-exporter` (issue 14): the same agents polled, one after the other, by the snmpact
//! service (this example started again with `--service CONFIG`, which runs
//! `snmpact::service::run` as the binary does, JSON lines to a file) and by Prometheus's
//! `snmp_exporter` (`/usr/bin/prometheus-snmp-exporter`, Debian `prometheus-snmp-exporter`,
//! with a module file written here, bound on loopback, scraped once per interval per target by
//! a loopback HTTP/1.1 keep-alive client in this process, at a per-target phase like the
//! poller's). Each is a separate process measured from outside over the same window (after
//! 1.5 intervals of warm-up): CPU from `/proc/PID/task/*/schedstat` (nanoseconds on CPU, every
//! thread), context switches from `/proc/PID/task/*/status` (voluntary + nonvoluntary, every
//! thread), `VmRSS`/`VmHWM` from `/proc/PID/status`; every JSON line and every scrape checked.
//! Each thread's context switches and CPU per agent-cycle are printed too. Last, the floor: the
//! same GETs at the same pacing from one thread and a bare blocking socket (this example started
//! again with `--floor ADDRS_FILE INTERVAL`, see `poller_bench/floor.rs`), measured the same
//! way: what the kernel's UDP path and the wake-ups of such a pacing cost here, below which no
//! poller can go. Its options:
//! `--shards N` (`[engine] shards`), `--tick D` (`[poller] tick`), `--snmpact-only` (only the
//! polling service: no idle run, no snmp_exporter, no floor).

/// The `snmpact` binary's allocator, so that this measures what it runs (feature `jemalloc`, on by default; see Cargo.toml).
#[cfg(all(feature = "jemalloc", unix))]
#[global_allocator]
static ALLOC: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::{Command, ExitCode, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use snmpact::Engine;
use snmpact::config;
use snmpact::output::{self, Sink};
use snmpact::pdu::Value;
use snmpact::poller::{self, Event, JobStats};
use snmpact::simulator::agent::server;
use snmpact::simulator::agent::{Responder, Store};

/// Agents per agents' process and loopback address: below the 28,000 ephemeral ports of the
/// default range, and below the usual 20,000 open-files hard limit (one socket per agent).
const PER_PROCESS: usize = 19_000;
/// Objects per agent: ifInOctets.1-5 and ifOutOctets.1-5.
const OIDS: usize = 10;
const DEFAULT_AGENTS: usize = 10_000;
const DEFAULT_INTERVAL: &str = "10s";
const DEFAULT_CYCLES: u32 = 3;
/// Target from the issue: CPU in percent of one core, RSS in MiB.
const TARGET_CPU: f64 = 30.0;
const TARGET_RSS_MIB: f64 = 200.0;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let opt = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1).cloned())
    };
    let agents_opts = match agent_options(opt("--agent-threads"), opt("--agent-coalesce")) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("poller_bench: {e}");
            return ExitCode::from(2);
        }
    };
    let by_address = args.iter().any(|a| a == "--agent-addresses");
    if let Some(i) = args.iter().position(|a| a == "--serve") {
        let n = args.get(i + 1).and_then(|s| s.parse().ok()).unwrap_or(1);
        let part = args.get(i + 2).and_then(|s| s.parse().ok()).unwrap_or(0);
        return serve(n, part, agents_opts, by_address);
    }
    let _ = AGENT_OPTIONS.set((agents_opts, by_address));
    if let Some(config) = opt("--service") {
        return service(&config);
    }
    if let Some(i) = args.iter().position(|a| a == "--floor") {
        let (Some(addrs), Some(interval)) = (args.get(i + 1), args.get(i + 2)) else {
            eprintln!("poller_bench --floor ADDRS_FILE INTERVAL");
            return ExitCode::FAILURE;
        };
        return floor::client(addrs, interval);
    }
    if let Some(list) = opt("--ladder") {
        return ladder(&list, &args);
    }
    let agents = opt("--agents")
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_AGENTS);
    let interval = opt("--interval").unwrap_or_else(|| DEFAULT_INTERVAL.into());
    let cycles = opt("--cycles")
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_CYCLES);
    let json = !args.iter().any(|a| a == "--no-json");
    if args.iter().any(|a| a == "--vs-exporter") {
        let opts = vs::Options {
            shards: opt("--shards").and_then(|s| s.parse().ok()).unwrap_or(0),
            tick: opt("--tick"),
            snmpact_only: args.iter().any(|a| a == "--snmpact-only"),
        };
        return match vs::run(agents, &interval, cycles, &opts) {
            Ok(true) => ExitCode::SUCCESS,
            Ok(false) => ExitCode::from(1),
            Err(e) => {
                eprintln!("poller_bench --vs-exporter: {e}");
                ExitCode::from(2)
            }
        };
    }
    let sys = actix::System::new();
    match sys.block_on(run(agents, &interval, cycles, json)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("poller_bench: {e}");
            ExitCode::from(2)
        }
    }
}

/// One run per fleet size, each in a fresh process (so RSS figures do not add up).
fn ladder(list: &str, args: &[String]) -> ExitCode {
    let exe = std::env::current_exe().expect("own path");
    let mut passthrough: Vec<String> = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--ladder" | "--agents" => {
                it.next();
            }
            _ => passthrough.push(a.clone()),
        }
    }
    let mut all_ok = true;
    for n in list
        .split(',')
        .filter_map(|s| s.trim().parse::<usize>().ok())
    {
        let status = Command::new(&exe)
            .arg("--agents")
            .arg(n.to_string())
            .args(&passthrough)
            .status();
        let ok = status.is_ok_and(|s| s.success());
        println!(
            "ladder: {n} agents: {}",
            if ok { "on time" } else { "NOT on time" }
        );
        all_ok &= ok;
    }
    if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// How the agents' processes serve: `--agent-threads N` (default: one per core) and
/// `--agent-coalesce D` (default: none), passed on to each agents' process, and with
/// `--agent-addresses` at an address each rather than a port each.
static AGENT_OPTIONS: std::sync::OnceLock<(server::ServerOptions, bool)> =
    std::sync::OnceLock::new();

/// Agents per agents' process with `--agent-addresses` (one socket per thread, so the
/// open-files limit does not bound it).
const PER_PROCESS_ADDRESSES: usize = 200_000;

/// The loopback address of agent `i` of an `--agent-addresses` fleet: 127.16.0.1 onwards,
/// 254 to a /24 (never .0 or .255).
fn agent_address(i: usize) -> Ipv4Addr {
    let octet = |v: usize| u8::try_from(v % 256).unwrap_or(0);
    Ipv4Addr::new(
        127,
        octet(16 + i / (254 * 256)),
        octet(i / 254),
        octet(i % 254 + 1),
    )
}

fn agent_options(
    threads: Option<String>,
    coalesce: Option<String>,
) -> Result<server::ServerOptions, String> {
    let mut o = server::ServerOptions::default();
    if let Some(t) = threads {
        o.threads = t
            .parse()
            .map_err(|_| format!("--agent-threads {t}: not a number"))?;
    }
    if let Some(c) = coalesce {
        o.coalesce = snmpact::simulator::parse_duration(&c)?;
    }
    Ok(o)
}

/// An agents' process: serve `n` simulated agents until stdin closes, on ports of
/// 127.0.`part + 1`.1, or with `by_address` at the addresses [`agent_address`] gives the
/// fleet's agents `part * PER_PROCESS_ADDRESSES` onwards, on one port.
fn serve(n: usize, part: u8, options: server::ServerOptions, by_address: bool) -> ExitCode {
    let mut store = Store::new();
    store.insert(
        "1.3.6.1.2.1.1.3.0".parse().expect("oid"),
        Value::TimeTicks(0),
    );
    for i in 1..=5 {
        for col in [10, 16] {
            store.insert(
                format!("1.3.6.1.2.1.2.2.1.{col}.{i}").parse().expect("oid"),
                Value::Counter32(1_000_000 * i),
            );
        }
    }
    let served = if by_address {
        let first = usize::from(part) * PER_PROCESS_ADDRESSES;
        let agents = (first..first + n)
            .map(|i| (agent_address(i), Responder::new(store.clone(), "public")))
            .collect();
        server::spawn_addresses(0, agents, options)
    } else {
        let ip = IpAddr::V4(Ipv4Addr::new(127, 0, part.saturating_add(1), 1));
        let agents = (0..n)
            .map(|_| {
                (
                    SocketAddr::new(ip, 0),
                    Responder::new(store.clone(), "public"),
                )
            })
            .collect();
        server::spawn_with(agents, options)
    };
    let handle = match served {
        Ok(h) => h,
        Err(e) => {
            eprintln!("poller_bench --serve: {e}");
            return ExitCode::from(2);
        }
    };
    {
        let mut out = std::io::stdout().lock();
        let _ = write!(out, "addrs");
        for a in handle.addrs() {
            let _ = write!(out, " {a}");
        }
        let _ = writeln!(out);
        let _ = out.flush();
    }
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink); // until the parent closes it
    drop(handle);
    ExitCode::SUCCESS
}

/// The service's process: `snmpact::service::run` on `config` until stdin closes.
fn service(config: &str) -> ExitCode {
    let opts = snmpact::service::ServiceOptions {
        config: vec![config.into()],
        overrides: Vec::new(),
    };
    let system = actix::System::new();
    let result = system.block_on(snmpact::service::run(opts, async {
        let _ = actix_rt::task::spawn_blocking(|| {
            let mut sink = Vec::new();
            let _ = std::io::stdin().read_to_end(&mut sink);
        })
        .await;
    }));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("poller_bench --service: {e}");
            ExitCode::from(2)
        }
    }
}

/// Starts the agents' processes for `n` agents; their addresses, in order.
fn start_agents(
    n: usize,
    children: &mut Vec<std::process::Child>,
) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    let exe = std::env::current_exe()?;
    let mut addrs: Vec<String> = Vec::with_capacity(n);
    let (o, by_address) = AGENT_OPTIONS.get().copied().unwrap_or_default();
    let per_process = if by_address {
        PER_PROCESS_ADDRESSES
    } else {
        PER_PROCESS
    };
    for part in 0..n.div_ceil(per_process) {
        let count = per_process.min(n - part * per_process);
        let mut child = Command::new(&exe)
            .arg("--serve")
            .arg(count.to_string())
            .arg(part.to_string())
            .args(["--agent-threads", &o.threads.to_string()])
            .args(["--agent-coalesce", &format!("{}us", o.coalesce.as_micros())])
            .args(by_address.then_some("--agent-addresses"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let mut line = String::new();
        BufReader::new(child.stdout.take().ok_or("no stdout")?).read_line(&mut line)?;
        let got: Vec<String> = line.split_whitespace().skip(1).map(str::to_owned).collect();
        children.push(child);
        if got.len() != count {
            return Err(format!("an agents' process gave {} addresses", got.len()).into());
        }
        addrs.extend(got);
    }
    Ok(addrs)
}

/// Stops the agents' processes: stdin closed, then killed by pid, then reaped.
fn stop_children(children: &mut Vec<std::process::Child>) {
    for mut c in children.drain(..) {
        drop(c.stdin.take());
        let _ = c.kill();
        let _ = c.wait();
    }
}

/// Counts what the poller publishes.
#[derive(Default)]
struct Counting {
    cycles: AtomicU64,
    samples: AtomicU64,
    rates: AtomicU64,
    errors: AtomicU64,
    skipped: AtomicU64,
}

impl Sink for Counting {
    fn publish(&self, event: &Event) {
        match event {
            Event::Cycle(r) => {
                self.cycles.fetch_add(1, Ordering::Relaxed);
                self.samples
                    .fetch_add(r.samples.len() as u64, Ordering::Relaxed);
                let rates = r.samples.iter().filter(|s| s.rate.is_some()).count();
                self.rates.fetch_add(rates as u64, Ordering::Relaxed);
                self.errors
                    .fetch_add(r.errors.len() as u64, Ordering::Relaxed);
            }
            Event::Skipped(_) => {
                self.skipped.fetch_add(1, Ordering::Relaxed);
            }
            Event::Removed { .. } | Event::Health(_) | Event::Notification(_) => {}
        }
    }
}

fn cpu_seconds() -> f64 {
    // SAFETY: an all-zero rusage is a valid value to be overwritten.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage writes into `ru`, a valid rusage.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &raw mut ru) };
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    tv(ru.ru_utime) + tv(ru.ru_stime)
}

/// (VmRSS, VmHWM) in MiB.
fn rss_mib() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
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

async fn run(
    n: usize,
    interval: &str,
    cycles: u32,
    json: bool,
) -> Result<bool, Box<dyn std::error::Error>> {
    let every = config::parse_duration(interval)?;
    // The agents, in processes of their own.
    let mut children = Vec::new();
    let addrs = match start_agents(n, &mut children) {
        Ok(a) => a,
        Err(e) => {
            stop_children(&mut children);
            return Err(e);
        }
    };

    // The configuration file, loaded as the service loads it.
    let dir = std::env::temp_dir().join(format!("snmpact-poller-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let mut text = bench_config(&addrs, interval, "", "");
    if json {
        text.push_str("[outputs.json]\nkind = \"json\"\npath = \"/dev/null\"\n");
    }
    let path = dir.join("bench.toml");
    std::fs::write(&path, &text)?;
    let t = Instant::now();
    let settings = config::load(&[path], &[])?;
    let load_time = t.elapsed();
    let rss_loaded = rss_mib().0;

    // As the service does: `[engine] shards = 0` is one shard below 50,000 agents, one per
    // core from there; one poller worker per shard.
    let engine = Engine::start(snmpact::service::engine_config(&settings));
    let counting = Arc::new(Counting::default());
    let outputs = output::start(&settings)?.with("count", counting.clone());
    let t = Instant::now();
    let p = poller::Pollers::start(&engine, &settings, &outputs);
    let _ = p.stats().await?; // the configuration is applied
    let start_time = t.elapsed();
    let rss_started = rss_mib().0;

    // Warm-up: every agent's first cycle (no rate yet) and the sessions' creation.
    tokio::time::sleep(every + every / 2).await;
    let before = p.stats().await?.jobs["bench"].clone();
    let (cycles0, samples0, rates0) = (
        counting.cycles.load(Ordering::Relaxed),
        counting.samples.load(Ordering::Relaxed),
        counting.rates.load(Ordering::Relaxed),
    );
    let cpu0 = cpu_seconds();
    let wall0 = Instant::now();
    tokio::time::sleep(every * cycles).await;
    let wall = wall0.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu0;
    let after = p.stats().await?.jobs["bench"].clone();
    let (rss, hwm) = rss_mib();
    let cycles_seen = counting.cycles.load(Ordering::Relaxed) - cycles0;
    let samples = counting.samples.load(Ordering::Relaxed) - samples0;
    let rates = counting.rates.load(Ordering::Relaxed) - rates0;

    // The poller's own memory, apart from the engine's sessions: the heap it frees when it
    // stops (its agents, pairs, schedule, rate memory; the sessions stay with the engine), then
    // what the engine frees when it stops (session records and actors, the dispatcher's
    // per-agent state).
    let heap_polling = heap::heap_in_use();
    p.shutdown().await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let heap_no_poller = heap::heap_in_use();
    outputs.shutdown().await;
    engine.shutdown().await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let heap_no_engine = heap::heap_in_use();
    stop_children(&mut children);
    let _ = std::fs::remove_dir_all(&dir);

    let d = |f: fn(&JobStats) -> u64| f(&after) - f(&before);
    let expected = n as u64 * u64::from(cycles);
    let started = d(|s| s.started);
    let skipped: u64 = after.skipped.values().sum::<u64>() - before.skipped.values().sum::<u64>();
    let late = d(|s| s.late);
    let failed = d(|s| s.failed) + d(|s| s.partial);
    let missed = d(|s| s.missed);
    // A window of K intervals holds exactly K slots of every agent; allow the two edges.
    let tolerance = n as u64 / 100 + 1;
    // Over the whole run, warm-up included: a cycle started a whole interval after its slot
    // was late even when that fell before the window (a slow start, say).
    let lag_ok = after.max_lag_seconds < every.as_secs_f64();
    let on_time = started.abs_diff(expected) <= tolerance
        && skipped == 0
        && late == 0
        && failed == 0
        && missed == 0
        && lag_ok;
    let cpu_pct = 100.0 * cpu / wall;
    println!(
        "poller_bench: {n} agents x {OIDS} OIDs every {interval}, {cycles} intervals measured \
         ({wall:.1} s)"
    );
    println!(
        "  config load {:.0} ms (RSS then {rss_loaded:.0} MiB), poller start {:.0} ms (RSS then \
         {rss_started:.0} MiB)",
        load_time.as_secs_f64() * 1e3,
        start_time.as_secs_f64() * 1e3
    );
    println!(
        "  cycles started {started} (expected {expected}), reported {cycles_seen}, samples {samples}, \
         rates {rates}, skipped {skipped}, late {late}, failed {failed}, missed {missed}"
    );
    println!(
        "  start lag max {:.1} ms{}, cycle duration max {:.1} ms",
        after.max_lag_seconds * 1e3,
        if lag_ok {
            ""
        } else {
            " (more than an interval: late)"
        },
        after.max_duration_seconds * 1e3
    );
    println!(
        "  CPU {cpu_pct:.1} % of one core ({:.1} us per cycle), RSS {rss:.0} MiB (peak {hwm:.0} MiB), \
         json output {}",
        cpu / started.max(1) as f64 * 1e6,
        if json { "on (/dev/null)" } else { "off" }
    );
    let per_agent = |a: u64, b: u64| a.saturating_sub(b) as f64 / n.max(1) as f64;
    println!(
        "  heap per agent: the poller's own {:.0} B (freed when it stopped), the engine's sessions \
         and outputs {:.0} B (freed when they stopped)",
        per_agent(heap_polling, heap_no_poller),
        per_agent(heap_no_poller, heap_no_engine)
    );
    println!(
        "  {}: every cycle on time: {on_time}; CPU under {TARGET_CPU} %: {}; RSS under {TARGET_RSS_MIB} MiB: {}",
        if on_time { "OK" } else { "FAIL" },
        cpu_pct < TARGET_CPU,
        hwm < TARGET_RSS_MIB
    );
    Ok(on_time)
}

/// The configuration both runs load: the engine bound to 127.0.0.1 (plus `engine`, more lines
/// of `[engine]`), the agents at `addrs`, and the job `bench` polling the [`OIDS`] counters with
/// rates every `interval` (plus `job`, more lines of `[jobs.bench]`). Callers append their
/// other sections.
fn bench_config(addrs: &[String], interval: &str, engine: &str, job: &str) -> String {
    let mut text = String::with_capacity(addrs.len() * 64);
    // One local address for the engine's socket: the agents' processes hold up to 19,000 ports
    // on each of 127.0.1.1, 127.0.2.1, ..., so past about 175,000 agents no port is free on
    // every address and a wildcard (0.0.0.0:0) bind fails.
    text.push_str("[engine]\nbind = \"127.0.0.1:0\"\n");
    text.push_str(engine);
    text.push_str("[defaults]\ntimeout = \"2s\"\nretries = 1\n");
    for (i, a) in addrs.iter().enumerate() {
        text.push_str(&format!("[agents.a{i}]\naddress = \"{a}\"\n"));
    }
    let oids: Vec<String> = (1..=5)
        .flat_map(|i| {
            [
                format!("\"ifInOctets.{i}\""),
                format!("\"ifOutOctets.{i}\""),
            ]
        })
        .collect();
    assert_eq!(oids.len(), OIDS);
    text.push_str(&format!(
        "[jobs.bench]\nagents = [\"*\"]\ninterval = \"{interval}\"\nscalars = [{}]\nrates = [\"ifInOctets\", \"ifOutOctets\"]\n",
        oids.join(", ")
    ));
    text.push_str(job);
    text
}

#[path = "poller_bench/vs.rs"]
mod vs;

#[path = "poller_bench/floor.rs"]
mod floor;

#[path = "../benches/support/heap.rs"]
mod heap;
