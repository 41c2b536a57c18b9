//! Cluster simulation: members of a poller cluster on a real `redis-server` (loopback), with a
//! stand-in poller per member that owns, hands over and takes over 100,000 agents, to measure
//! Redis commands per instance (heartbeat and rate hand-over apart), agents moved per join,
//! failover time and the cost of one ownership decision (figures in BENCHMARKS.md, "Cluster").
//!
//! Run: `cargo run --release --example cluster_sim` (about 40 s; needs the Debian package
//! `redis-server`). Options: `--agents N` (default 100,000), `--heartbeat MS` (default 1000),
//! `--ttl MS` (default 5000), `--interval MS` (the stand-ins' polling interval, default 10000).
//!
//! Method:
//! - Pure part: the rendezvous owner of every agent for 3, 4, 10 and 11 members: agents moved
//!   per join and per loss, and nanoseconds per decision.
//! - Redis part: each member is `snmpact::cluster::Cluster` (the real member actor and its
//!   heartbeat script) in its own thread and actix System, with a stand-in poller that does what
//!   the poller does for rates: after each cycle (every `--interval`) it stores the rate state
//!   (ten Counter32s) of every agent it owns ([`Cluster::store_rate`]; the member writes them
//!   once per heartbeat), and on an epoch change it reads the state of the agents it adopts
//!   ([`Cluster::fetch_rates`]). No SNMP traffic.
//! - Steady state: 3 members for 10 s; Redis commands per instance per second, heartbeat
//!   (control plane) and rate hand-over (data plane) apart, from the members' own counters and
//!   from Redis's `INFO commandstats`; bytes of rate state per agent.
//! - Join: a 4th member; agents moved, rate states written and read, Redis commands.
//! - Failover: one member's System dropped without leaving (as a SIGKILL would): time until
//!   every survivor has an epoch without it (the takeover then waits at most one interval).
//! - Scale in members: the heartbeat script's cost in Redis (µs per call) with 3 and 10 members.

use std::collections::{BTreeMap, HashSet};
use std::net::TcpListener;
use std::process::{Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant, SystemTime};

use actix::prelude::*;
use snmpact::cluster::{
    Cluster, ClusterSettings, EpochChanged, RateState, SeedRates, Snapshot, membership, wall_ms,
};
use snmpact::oid::Oid;

struct Args {
    agents: usize,
    heartbeat: Duration,
    ttl: Duration,
    interval: Duration,
}

fn args() -> Args {
    let mut a = Args {
        agents: 100_000,
        heartbeat: Duration::from_secs(1),
        ttl: Duration::from_secs(5),
        interval: Duration::from_secs(10),
    };
    let v: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i + 1 < v.len() {
        let n: u64 = v[i + 1].parse().unwrap_or(0);
        match v[i].as_str() {
            "--agents" => a.agents = usize::try_from(n).unwrap_or(a.agents),
            "--heartbeat" => a.heartbeat = Duration::from_millis(n),
            "--ttl" => a.ttl = Duration::from_millis(n),
            "--interval" => a.interval = Duration::from_millis(n.max(100)),
            _ => {}
        }
        i += 2;
    }
    a
}

/// Counters shared by the stand-in pollers.
#[derive(Default)]
struct Counts {
    moved_in: AtomicU64,
    handed_over: AtomicU64,
    seeded: AtomicU64,
}

/// Does on an epoch change what the poller does (see `poller::actor::epoch_changed`).
struct Stand {
    cluster: Cluster,
    agents: Arc<Vec<Arc<str>>>,
    owned: HashSet<usize>,
    counts: Arc<Counts>,
    interval: Duration,
}

impl Actor for Stand {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Context<Self>) {
        // A cycle of every owned agent per interval: its rate state is stored, as the poller
        // does after each cycle.
        ctx.run_interval(self.interval, |act, _| {
            let job: Arc<str> = Arc::from("if");
            let s = state();
            for i in &act.owned {
                act.cluster
                    .store_rate(&act.agents[*i], &job, act.interval, &s);
            }
            act.counts
                .handed_over
                .fetch_add(act.owned.len() as u64, Ordering::Relaxed);
        });
    }
}

/// Ten Counter32s of one interface (ifInOctets.1 .. ifOutQLen.1's neighbours), as stored.
fn state() -> RateState {
    RateState {
        at_ms: wall_ms(SystemTime::now()),
        uptime: Some(123_456),
        counters: (10..=19)
            .map(|c| {
                let oid: Oid = format!("1.3.6.1.2.1.2.2.1.{c}.1").parse().expect("an OID");
                (oid, 32, 3_000_000_000 + c)
            })
            .collect(),
    }
}

impl Handler<EpochChanged> for Stand {
    type Result = ();

    fn handle(&mut self, m: EpochChanged, _: &mut Context<Self>) {
        let snap: &Snapshot = &m.0;
        let me = snap.identity.me.clone();
        let cut = snap.cutover_ms().max(wall_ms(SystemTime::now()));
        let mut gaining = Vec::new();
        let mut now_owned = HashSet::new();
        let job: Arc<str> = Arc::from("if");
        for (i, a) in self.agents.iter().enumerate() {
            let mine = snap.owner_at(a, &[], cut).is_some_and(|o| o == me);
            if mine {
                now_owned.insert(i);
                if !self.owned.contains(&i) {
                    gaining.push((a.clone(), job.clone()));
                }
            }
        }
        // The very first epoch of the first member takes everything: not a move.
        if snap.view.as_ref().is_some_and(|v| v.members.len() > 1) {
            self.counts
                .moved_in
                .fetch_add(gaining.len() as u64, Ordering::Relaxed);
        }
        let quarter = snap.identity.window_ms / 4;
        if snap.view.as_ref().is_some_and(|v| v.members.len() > 1) {
            self.cluster
                .fetch_rates(gaining, snap.cutover_ms().saturating_sub(quarter));
        }
        self.owned = now_owned;
    }
}

impl Handler<SeedRates> for Stand {
    type Result = ();

    fn handle(&mut self, m: SeedRates, _: &mut Context<Self>) {
        self.counts
            .seeded
            .fetch_add(m.seeds.len() as u64, Ordering::Relaxed);
    }
}

/// A member in its own thread; dropping `stop` without `leave` is a crash.
struct MemberThread {
    id: String,
    stop: mpsc::Sender<bool>,
    cluster: Cluster,
    thread: std::thread::JoinHandle<()>,
}

fn member(
    id: &str,
    url: &str,
    a: &Args,
    agents: &Arc<Vec<Arc<str>>>,
    counts: &Arc<Counts>,
) -> MemberThread {
    let settings = ClusterSettings {
        redis: url.to_owned(),
        ca_file: None,
        sentinels: Vec::new(),
        master_name: None,
        password: None,
        name: "sim".into(),
        instance: id.to_owned(),
        site: None,
        pins: BTreeMap::new(),
        heartbeat: a.heartbeat,
        ttl: a.ttl,
    };
    let (tx, rx) = mpsc::channel::<bool>();
    let (ctx, crx) = mpsc::channel();
    let agents = agents.clone();
    let counts = counts.clone();
    let interval = a.interval;
    let thread = std::thread::spawn(move || {
        let sys = System::new();
        sys.block_on(async move {
            let cluster = Cluster::start(settings, "same".into());
            let stand = Stand {
                cluster: cluster.clone(),
                agents,
                owned: HashSet::new(),
                counts,
                interval,
            }
            .start();
            cluster.attach(stand.clone().recipient(), stand.recipient());
            let _ = ctx.send(cluster.clone());
            loop {
                match rx.try_recv() {
                    Ok(true) => {
                        cluster.leave(Vec::new()).await;
                        cluster.stop();
                        break;
                    }
                    Ok(false) | Err(mpsc::TryRecvError::Disconnected) => {
                        cluster.stop();
                        break;
                    }
                    Err(mpsc::TryRecvError::Empty) => {
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                }
            }
        });
    });
    MemberThread {
        id: id.to_owned(),
        stop: tx,
        cluster: crx.recv().expect("member thread started"),
        thread,
    }
}

/// Calls and µs per call of `command` in Redis's `INFO commandstats`.
fn info_command(url: &str, command: &str) -> (u64, f64) {
    let Ok(client) = redis::Client::open(url) else {
        return (0, 0.0);
    };
    let Ok(mut con) = client.get_connection() else {
        return (0, 0.0);
    };
    let text: String = redis::cmd("INFO")
        .arg("commandstats")
        .query(&mut con)
        .unwrap_or_default();
    // cmdstat_evalsha:calls=12,usec=345,usec_per_call=28.75,...
    let mut calls = 0;
    let mut per = 0.0;
    for line in text.lines() {
        if let Some(rest) = line
            .strip_prefix("cmdstat_")
            .and_then(|l| l.strip_prefix(command))
            .and_then(|l| l.strip_prefix(':'))
        {
            for kv in rest.split(',') {
                if let Some(v) = kv.strip_prefix("calls=") {
                    calls = v.parse().unwrap_or(0);
                }
                if let Some(v) = kv.strip_prefix("usec_per_call=") {
                    per = v.parse().unwrap_or(0.0);
                }
            }
        }
    }
    (calls, per)
}

/// Redis's `used_memory` and number of keys.
fn memory(url: &str) -> (u64, u64) {
    let Ok(client) = redis::Client::open(url) else {
        return (0, 0);
    };
    let Ok(mut con) = client.get_connection() else {
        return (0, 0);
    };
    let text: String = redis::cmd("INFO")
        .arg("memory")
        .query(&mut con)
        .unwrap_or_default();
    let used = text
        .lines()
        .find_map(|l| l.strip_prefix("used_memory:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let keys: u64 = redis::cmd("DBSIZE").query(&mut con).unwrap_or(0);
    (used, keys)
}

fn reset_stats(url: &str) {
    if let Ok(client) = redis::Client::open(url)
        && let Ok(mut con) = client.get_connection()
    {
        let _: Result<(), _> = redis::cmd("CONFIG").arg("RESETSTAT").query(&mut con);
    }
}

fn wait_members(threads: &[MemberThread], n: usize, without: Option<&str>) -> Duration {
    let start = Instant::now();
    loop {
        let ok = threads.iter().all(|t| {
            let s = t.cluster.snapshot();
            s.view
                .as_ref()
                .is_some_and(|v| v.members.len() == n && without.is_none_or(|w| !v.has(w)))
        });
        if ok {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "members never settled"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Waits until the stand-ins' moves and reads have not changed for 3 s (hand-overs done).
fn settled(counts: &Counts) {
    let read = || {
        (
            counts.moved_in.load(Ordering::Relaxed),
            counts.seeded.load(Ordering::Relaxed),
        )
    };
    let mut last = read();
    let mut quiet = Instant::now();
    while quiet.elapsed() < Duration::from_secs(3) {
        std::thread::sleep(Duration::from_millis(100));
        let now = read();
        if now != last {
            last = now;
            quiet = Instant::now();
        }
    }
}

fn pure(agents: &[Arc<str>]) {
    println!("## pure rendezvous, {} agents", agents.len());
    let ids: Vec<String> = (1..=11).map(|i| format!("poller-{i}")).collect();
    let owners = |n: usize| -> Vec<&str> {
        agents
            .iter()
            .map(|a| membership::owner(a, ids[..n].iter().map(String::as_str)).unwrap_or(""))
            .collect()
    };
    for (from, to) in [(3, 4), (4, 3), (10, 11), (11, 10)] {
        let (a, b) = (owners(from), owners(to));
        let moved = a.iter().zip(&b).filter(|(x, y)| x != y).count();
        println!(
            "{from} -> {to} members: {moved} agents moved ({:.1} %, ideal {:.1} %)",
            moved as f64 * 100.0 / agents.len() as f64,
            100.0 / from.max(to) as f64
        );
    }
    let mut sink = 0usize;
    for n in [3, 10] {
        let t0 = Instant::now();
        for a in agents {
            sink += membership::owner(a, ids[..n].iter().map(String::as_str)).map_or(0, str::len);
        }
        println!(
            "one decision with {n} members: {:.0} ns",
            t0.elapsed().as_nanos() as f64 / agents.len() as f64
        );
    }
    assert!(sink > 0);
}

fn main() -> ExitCode {
    let a = args();
    let agents: Arc<Vec<Arc<str>>> = Arc::new(
        (0..a.agents)
            .map(|i| Arc::from(format!("agent-{i:07}").as_str()))
            .collect(),
    );
    pure(&agents);

    let dir = std::env::temp_dir().join(format!("snmpact-cluster-sim-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let mut redis = match Command::new("redis-server")
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .args(["--save", "", "--appendonly", "no", "--dir"])
        .arg(&dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => {
            eprintln!("cannot run redis-server ({e}): install the Debian package redis-server");
            return ExitCode::FAILURE;
        }
    };
    std::thread::sleep(Duration::from_millis(300));
    let url = format!("redis://127.0.0.1:{port}");
    let counts = Arc::new(Counts::default());

    println!(
        "## Redis, {} agents, heartbeat {:?}, ttl {:?}, interval {:?}",
        a.agents, a.heartbeat, a.ttl, a.interval
    );
    let mut threads: Vec<MemberThread> = (1..=3)
        .map(|i| member(&format!("poller-{i}"), &url, &a, &agents, &counts))
        .collect();
    wait_members(&threads, 3, None);
    settled(&counts); // past the hand-over of the first member's agents
    reset_stats(&url);
    let before: Vec<_> = threads.iter().map(|t| t.cluster.status()).collect();
    let steady = Duration::from_secs(10).max(a.interval);
    std::thread::sleep(steady);
    let (calls, per_call) = info_command(&url, "evalsha");
    let (sets, per_set) = info_command(&url, "set");
    let secs = steady.as_secs_f64();
    let mut stored = 0u64;
    let mut bytes = 0u64;
    for (t, b) in threads.iter().zip(&before) {
        let s = t.cluster.status();
        stored += s.rates_written - b.rates_written;
        bytes += s.rate_bytes - b.rate_bytes;
        println!(
            "steady, {}: {:.2} heartbeat scripts/s (epoch {}, {} heartbeats failed so far); rate hand-over: {:.0} commands/s, {:.0} states/s, {:.0} bytes/s",
            t.id,
            (s.heartbeats - b.heartbeats) as f64 / secs,
            s.epoch,
            s.heartbeat_failures,
            (s.rate_commands - b.rate_commands) as f64 / secs,
            (s.rates_written - b.rates_written) as f64 / secs,
            (s.rate_bytes - b.rate_bytes) as f64 / secs,
        );
    }
    println!(
        "steady, Redis side: {:.2} heartbeat scripts/s for 3 members, {per_call:.1} µs each; {:.0} SET/s of rate state, {per_set:.2} µs each",
        calls as f64 / secs,
        sets as f64 / secs
    );
    println!(
        "rate state per agent per cycle: 1 SET, {:.0} bytes of value (ten Counter32s), {:.2} SET per agent per interval measured",
        bytes as f64 / stored.max(1) as f64,
        stored as f64 / (a.agents as f64 * secs / a.interval.as_secs_f64())
    );
    let (used, keys) = memory(&url);
    println!(
        "Redis memory: {:.1} MiB for {keys} keys ({:.0} bytes per key, rate states nearly all of them)",
        used as f64 / 1_048_576.0,
        used as f64 / keys.max(1) as f64
    );

    let moved0 = counts.moved_in.load(Ordering::Relaxed);
    let handed0 = counts.handed_over.load(Ordering::Relaxed);
    let seeded0 = counts.seeded.load(Ordering::Relaxed);
    let cmds0: u64 = threads
        .iter()
        .map(|t| t.cluster.status().redis_commands)
        .sum();
    let t = Instant::now();
    threads.push(member("poller-4", &url, &a, &agents, &counts));
    let settle = wait_members(&threads, 4, None);
    settled(&counts);
    let cmds1: u64 = threads
        .iter()
        .map(|t| t.cluster.status().redis_commands)
        .sum();
    println!(
        "join 3 -> 4: epoch seen by all in {settle:?}; {} agents moved to the newcomer ({:.1} %), {} rate states stored meanwhile, {} taken over, {} Redis commands in {:.1} s over all members",
        counts.moved_in.load(Ordering::Relaxed) - moved0,
        (counts.moved_in.load(Ordering::Relaxed) - moved0) as f64 * 100.0 / a.agents as f64,
        counts.handed_over.load(Ordering::Relaxed) - handed0,
        counts.seeded.load(Ordering::Relaxed) - seeded0,
        cmds1 - cmds0,
        t.elapsed().as_secs_f64()
    );

    // Crash poller-1 (no leave).
    let crashed = threads.remove(0);
    let killed = Instant::now();
    let _ = crashed.stop.send(false);
    let _ = crashed.thread.join();
    wait_members(&threads, 3, Some("poller-1"));
    let detect = killed.elapsed();
    println!(
        "crash of poller-1: every survivor had an epoch without it {:.2} s after (ttl {:?}); its agents are polled from the next slot, at most one interval later",
        detect.as_secs_f64(),
        a.ttl
    );

    // Ten members: the script's cost grows with members, not agents.
    for i in 5..=11 {
        threads.push(member(&format!("poller-{i}"), &url, &a, &agents, &counts));
    }
    wait_members(&threads, 10, None);
    std::thread::sleep(a.heartbeat * 3);
    reset_stats(&url);
    std::thread::sleep(steady);
    let (calls, per_call) = info_command(&url, "evalsha");
    println!(
        "steady, 10 members: {:.2} heartbeat scripts/s in all, {per_call:.1} µs each in Redis",
        calls as f64 / steady.as_secs_f64()
    );

    println!(
        "whole run: {} agents moved in by joins, {} rate states stored, {} taken over",
        counts.moved_in.load(Ordering::Relaxed),
        counts.handed_over.load(Ordering::Relaxed),
        counts.seeded.load(Ordering::Relaxed)
    );
    for t in threads {
        let _ = t.stop.send(true);
        let _ = t.thread.join();
    }
    let _ = redis.kill();
    let _ = redis.wait();
    let _ = std::fs::remove_dir_all(&dir);
    ExitCode::SUCCESS
}
