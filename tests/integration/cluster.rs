//! The poller cluster end to end: a real `redis-server` on loopback (Debian package
//! `redis-server`), `snmpact` instances as processes with the same configuration and different
//! `--set cluster.instance=...`, and 30 simulated agents (`snmpact agent --count 30`).
//!
//! One test walks through the life of a cluster, phase by phase, reading every JSON line the
//! instances print (each names its `instance`): three instances poll each agent exactly once per
//! cycle; one killed with SIGKILL has its agents polled again by the others within TTL + one
//! interval; a newcomer takes about a third of the agents, none polled twice; Redis stopped
//! then restarted empty: polling never stops (cycles polled meanwhile are marked `duplicate`),
//! the membership is rebuilt; garbled values in Redis are reported and the instances keep
//! polling. Rate hand-over: after the SIGKILL and after the join, the new owner's first sample
//! of every moved agent has a rate (the old owner stored its counters in Redis after each
//! cycle); garbled rate states are rejected and reported, never a panic.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, Instant};

const AGENTS: usize = 30;
const INTERVAL: Duration = Duration::from_secs(1);
const HEARTBEAT: &str = "500ms";
const TTL: Duration = Duration::from_secs(2);
/// Safety net for waits.
const PATIENCE: Duration = Duration::from_secs(20);

pub(super) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Sends `sig` to a child of ours by its pid.
pub(super) fn signal(child: &Child, sig: libc::c_int) {
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    // SAFETY: kill(2) on the pid of our own child, not yet waited for (so not reused), with a
    // valid signal number; it touches no memory of this process.
    let rc = unsafe { libc::kill(pid, sig) };
    assert_eq!(rc, 0, "kill({pid}, {sig})");
}

pub(super) fn stop(mut child: Child, sig: libc::c_int) {
    signal(&child, sig);
    let deadline = Instant::now() + PATIENCE;
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("a child did not stop within {PATIENCE:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A redis-server of our own on loopback, stopped by its pid.
struct Redis {
    port: u16,
    dir: PathBuf,
    child: Option<Child>,
}

impl Redis {
    fn start(dir: &Path) -> Self {
        let mut r = Self {
            port: free_port(),
            dir: dir.to_owned(),
            child: None,
        };
        r.restart();
        r
    }

    fn restart(&mut self) {
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--dir"])
            .arg(&self.dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot run redis-server ({e}): install the Debian package redis-server")
            });
        self.child = Some(child);
        let deadline = Instant::now() + PATIENCE;
        while self.try_cmd(&["PING"]).as_deref() != Some("+PONG") {
            assert!(Instant::now() < deadline, "redis-server did not answer");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn stop(&mut self) {
        if let Some(c) = self.child.take() {
            stop(c, libc::SIGTERM);
        }
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// One command in RESP; the reply's raw text (enough for the replies used here).
    fn try_cmd(&self, args: &[&str]) -> Option<String> {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).ok()?;
        s.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
        let mut req = format!("*{}\r\n", args.len());
        for a in args {
            req.push_str(&format!("${}\r\n{a}\r\n", a.len()));
        }
        s.write_all(req.as_bytes()).ok()?;
        let mut buf = [0u8; 4096];
        let n = s.read(&mut buf).ok()?;
        Some(String::from_utf8_lossy(&buf[..n]).trim_end().to_owned())
    }

    fn cmd(&self, args: &[&str]) -> String {
        self.try_cmd(args).unwrap()
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// One poll seen (its sysUpTime.0 line): which instance, which agent, when the line arrived,
/// marked duplicate.
#[derive(Debug, Clone)]
struct Poll {
    instance: String,
    agent: String,
    at: Instant,
    duplicate: bool,
}

/// What the instances print: polls and counter samples (stdout), log lines (stderr).
enum Seen {
    Poll(Poll),
    /// An ifInOctets.1 sample: (instance, agent, has a rate).
    Counter(String, String, bool),
    Log(String, String),
}

fn read_lines(instance: &str, child: &mut Child, tx: &Sender<Seen>) {
    let out = child.stdout.take().unwrap();
    let t = tx.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else {
                continue;
            };
            let (Some(i), Some(a)) = (v["instance"].as_str(), v["agent"].as_str()) else {
                continue;
            };
            let seen = if v["oid"] == "1.3.6.1.2.1.2.2.1.10.1" {
                Seen::Counter(i.to_owned(), a.to_owned(), v["rate"].is_number())
            } else {
                Seen::Poll(Poll {
                    instance: i.to_owned(),
                    agent: a.to_owned(),
                    at: Instant::now(),
                    duplicate: v["duplicate"] == true,
                })
            };
            if t.send(seen).is_err() {
                break;
            }
        }
    });
    let err = child.stderr.take().unwrap();
    let t = tx.clone();
    let name = instance.to_owned();
    std::thread::spawn(move || {
        for line in BufReader::new(err).lines().map_while(Result::ok) {
            if t.send(Seen::Log(name.clone(), line)).is_err() {
                break;
            }
        }
    });
}

struct Harness {
    dir: PathBuf,
    config: PathBuf,
    tx: Sender<Seen>,
    rx: Receiver<Seen>,
    polls: Vec<Poll>,
    /// ifInOctets.1 samples in order: (instance, agent, has a rate).
    counters: Vec<(String, String, bool)>,
    logs: Vec<(String, String)>,
    instances: BTreeMap<String, Child>,
}

impl Harness {
    fn start_instance(&mut self, id: &str) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_snmpact"))
            .args(["serve", "--config"])
            .arg(&self.config)
            .args(["--set", &format!("cluster.instance={id}")])
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        read_lines(id, &mut child, &self.tx);
        self.instances.insert(id.to_owned(), child);
    }

    /// Collects what arrives for `d`.
    fn run_for(&mut self, d: Duration) {
        let end = Instant::now() + d;
        while let Some(left) = end.checked_duration_since(Instant::now()) {
            match self.rx.recv_timeout(left) {
                Ok(Seen::Poll(p)) => self.polls.push(p),
                Ok(Seen::Counter(i, a, r)) => self.counters.push((i, a, r)),
                Ok(Seen::Log(i, l)) => self.logs.push((i, l)),
                Err(_) => break,
            }
        }
    }

    /// Collects until `f` holds of the polls since `from`.
    fn run_until(&mut self, what: &str, from: Instant, f: impl Fn(&[Poll]) -> bool) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let start = self.polls.partition_point(|p| p.at < from);
            if f(&self.polls[start..]) {
                return;
            }
            assert!(Instant::now() < deadline, "waited in vain for {what}");
            self.run_for(Duration::from_millis(200));
        }
    }

    fn between(&self, from: Instant, to: Instant) -> Vec<Poll> {
        self.polls
            .iter()
            .filter(|p| p.at >= from && p.at < to)
            .cloned()
            .collect()
    }
}

/// The owner of each agent (who polled it) in `polls`; panics when two instances did.
fn owners(polls: &[Poll]) -> BTreeMap<String, String> {
    let mut m: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for p in polls {
        m.entry(p.agent.clone())
            .or_default()
            .insert(p.instance.clone());
    }
    m.into_iter()
        .map(|(a, i)| {
            assert_eq!(i.len(), 1, "{a} polled by {i:?}");
            (a, i.into_iter().next().unwrap())
        })
        .collect()
}

/// Every agent polled once per cycle in `polls` over [from, to): no two polls of an agent
/// closer than half an interval (a cycle polled twice), no gap over two intervals (a cycle
/// lost), the first within two intervals of `from`. Closer polls by one instance are a late
/// line, not a second poll.
fn once_per_cycle(polls: &[Poll], from: Instant, to: Instant, what: &str) {
    let mut by: HashMap<&str, Vec<(Instant, &str)>> = HashMap::new();
    for p in polls {
        by.entry(&p.agent).or_default().push((p.at, &p.instance));
    }
    assert_eq!(by.len(), AGENTS, "{what}: agents polled");
    for (agent, mut times) in by {
        times.sort();
        let mut last = from;
        for t in times.iter().map(|t| t.0).chain(std::iter::once(to)) {
            let gap = t.saturating_duration_since(last);
            assert!(
                gap <= INTERVAL * 2 + INTERVAL / 2,
                "{what}: {agent} not polled for {gap:?}"
            );
            last = t;
        }
        // One instance never polls a pair twice per slot (one cycle at a time, one slot per
        // interval; a late line can arrive close to the next under load): a double poll is two
        // instances polling the same cycle.
        for w in times.windows(2) {
            let gap = w[1].0 - w[0].0;
            assert!(
                w[0].1 == w[1].1 || gap >= INTERVAL / 2,
                "{what}: {agent} polled by {} and {} within {gap:?}",
                w[0].1,
                w[1].1
            );
        }
    }
}

fn config(redis: &str, ports: &[u16], name: &str) -> String {
    let mut c = String::from("[console]\nlisten = \"127.0.0.1:0\"\n");
    for (i, p) in ports.iter().enumerate() {
        c.push_str(&format!("[agents.a{i:02}]\naddress = \"127.0.0.1:{p}\"\n"));
    }
    c.push_str(&format!(
        "[jobs.sys]\nagents = [\"*\"]\ninterval = \"{}s\"\n\
         scalars = [\"sysUpTime.0\", \"ifInOctets.1\"]\nrates = [\"ifInOctets\"]\n\
         [outputs.out]\nkind = \"json\"\npath = \"-\"\n\
         [cluster]\nredis = \"{redis}\"\nname = \"{name}\"\nheartbeat = \"{HEARTBEAT}\"\nttl = \"{}s\"\n",
        INTERVAL.as_secs(),
        TTL.as_secs()
    ));
    c
}

#[test]
fn three_instances_share_the_agents_fail_over_rebalance_and_survive_redis() {
    let dir =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("cluster-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut redis = Redis::start(&dir);

    // The simulated agents: one process, 30 agents on free ports.
    let mut agents = Command::new(env!("CARGO_BIN_EXE_snmpact"))
        .args(["agent", "--count", &AGENTS.to_string(), "--threads", "1"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(agents.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // "listening on 127.0.0.1:P1,P2,... (30 agents, 1 threads)"
    let list = first
        .split_whitespace()
        .nth(2)
        .and_then(|a| a.strip_prefix("127.0.0.1:"))
        .unwrap_or_else(|| panic!("agent banner: {first}"));
    let ports: Vec<u16> = list.split(',').map(|p| p.parse().unwrap()).collect();
    assert_eq!(ports.len(), AGENTS);

    let path = dir.join("snmpact.toml");
    std::fs::write(&path, config(&redis.url(), &ports, "itest")).unwrap();
    let (tx, rx) = channel();
    let mut h = Harness {
        dir: dir.clone(),
        config: path,
        tx,
        rx,
        polls: Vec::new(),
        counters: Vec::new(),
        logs: Vec::new(),
        instances: BTreeMap::new(),
    };
    for id in ["p1", "p2", "p3"] {
        h.start_instance(id);
    }

    // 1. Three members: once every instance polls, a settled window of 5 cycles.
    let t0 = Instant::now();
    h.run_until("all three instances polling", t0, |ps| {
        ps.iter()
            .map(|p| &p.instance)
            .collect::<BTreeSet<_>>()
            .len()
            == 3
    });
    h.run_for(Duration::from_secs(2)); // past the last join's window
    let from = Instant::now();
    h.run_for(INTERVAL * 5);
    let to = Instant::now();
    let steady = h.between(from, to);
    once_per_cycle(&steady, from, to, "three members");
    let before = owners(&steady);
    for id in ["p1", "p2", "p3"] {
        let n = before.values().filter(|o| *o == id).count();
        assert!((3..=20).contains(&n), "{id} owns {n} agents of {AGENTS}");
    }
    assert!(steady.iter().all(|p| !p.duplicate));

    // 2. SIGKILL p3: its agents are polled again within TTL + one interval (+ slack for a
    //    loaded machine), and nothing is lost or doubled.
    let killed = Instant::now();
    let counters_at_kill = h.counters.len();
    let p3 = h.instances.remove("p3").unwrap();
    stop(p3, libc::SIGKILL);
    let orphans: BTreeSet<String> = before
        .iter()
        .filter(|(_, o)| *o == "p3")
        .map(|(a, _)| a.clone())
        .collect();
    h.run_until("p3's agents taken over", killed, |ps| {
        orphans
            .iter()
            .all(|a| ps.iter().any(|p| &p.agent == a && p.instance != "p3"))
    });
    let after_kill = h.between(killed, Instant::now());
    for a in &orphans {
        let t = after_kill
            .iter()
            .find(|p| &p.agent == a && p.instance != "p3")
            .unwrap()
            .at;
        let took = t - killed;
        assert!(
            took <= TTL + INTERVAL + Duration::from_millis(700),
            "{a} taken over after {took:?}"
        );
    }
    // The crashed owner stored each agent's counters after every cycle: the survivors read
    // them before their first sample, which has a rate for every one of its agents.
    for a in &orphans {
        let first = h.counters[counters_at_kill..]
            .iter()
            .find(|(i, ag, _)| i != "p3" && ag == a)
            .unwrap_or_else(|| panic!("no sample of {a} after the kill"));
        assert!(
            first.2,
            "{a}: {}'s first sample after the SIGKILL has no rate (hand-over lost)",
            first.0
        );
    }
    h.run_for(Duration::from_secs(2));
    let from = Instant::now();
    h.run_for(INTERVAL * 4);
    let to = Instant::now();
    let two = h.between(from, to);
    once_per_cycle(&two, from, to, "two members after the kill");
    let survivors = owners(&two);
    assert!(survivors.values().all(|o| o == "p1" || o == "p2"));
    for (a, o) in &before {
        if o != "p3" {
            assert_eq!(&survivors[a], o, "{a} moved though its owner lived");
        }
    }

    // 3. A newcomer: about a third of the agents move to it, only to it, none polled twice
    //    (the old owner keeps an agent until the cutover, then stops); the old owner handed the
    //    counters over, so the newcomer's first sample of each already has a rate.
    let joined = Instant::now();
    let counters_before = h.counters.len();
    h.start_instance("p4");
    h.run_until("p4 polling", joined, |ps| {
        ps.iter().any(|p| p.instance == "p4")
    });
    h.run_for(Duration::from_secs(3));
    let through = h.between(from, Instant::now());
    once_per_cycle(&through, from, Instant::now(), "through the join");
    let from = Instant::now();
    h.run_for(INTERVAL * 4);
    let to = Instant::now();
    let three = h.between(from, to);
    once_per_cycle(&three, from, to, "after the join");
    let now_owners = owners(&three);
    let moved: Vec<&String> = now_owners
        .iter()
        .filter(|(a, o)| survivors[*a] != **o)
        .map(|(a, _)| a)
        .collect();
    assert!((3..=20).contains(&moved.len()), "{} moved", moved.len());
    assert!(moved.iter().all(|a| now_owners[*a] == "p4"));
    // Every one: the old owner stores the counters after each cycle, and the newcomer reads
    // them before publishing its first sample.
    for a in &moved {
        let first = h.counters[counters_before..]
            .iter()
            .find(|(i, ag, _)| i == "p4" && ag == *a)
            .unwrap();
        assert!(
            first.2,
            "{a}: p4's first sample after the join has no rate (hand-over lost)"
        );
    }

    // 4. Redis stopped: every instance keeps polling what it owned (marked duplicate once its
    //    view is older than the window) and reports it; restarted empty: membership rebuilt,
    //    marks gone.
    let down = Instant::now();
    redis.stop();
    h.run_for(Duration::from_secs(4));
    let outage = h.between(down, Instant::now());
    once_per_cycle(&outage, down, Instant::now(), "Redis down");
    assert!(
        outage.iter().any(|p| p.duplicate),
        "no cycle marked duplicate"
    );
    assert_eq!(
        owners(&outage),
        now_owners,
        "ownership changed while Redis was down"
    );
    assert!(
        h.logs.iter().any(|(_, l)| l.contains("degraded")),
        "degraded mode not reported"
    );
    let up = Instant::now();
    redis.restart();
    h.run_until("members back in Redis", up, |_| true);
    let deadline = Instant::now() + PATIENCE;
    loop {
        let m = redis.cmd(&["SCARD", "itest:members"]);
        if m == ":3" {
            break;
        }
        assert!(Instant::now() < deadline, "membership not rebuilt: {m}");
        h.run_for(Duration::from_millis(200));
    }
    h.run_for(Duration::from_secs(3));
    let through = h.between(down, Instant::now());
    once_per_cycle(
        &through,
        down,
        Instant::now(),
        "through the Redis restart (polling never stops)",
    );
    let from = Instant::now();
    h.run_for(INTERVAL * 3);
    let to = Instant::now();
    let back = h.between(from, to);
    once_per_cycle(&back, from, to, "after the Redis restart");
    assert!(back.iter().all(|p| !p.duplicate), "still marked duplicate");

    // 5. Garbled values: an epoch of the wrong type, a member record that is not JSON, a rate
    //    hand-over that is not JSON. Reported; polling goes on.
    assert_eq!(redis.cmd(&["SET", "itest:epoch", "\u{1}garbage"]), "+OK");
    assert_eq!(
        redis.cmd(&["SET", "itest:member:ghost", "{not json"]),
        "+OK"
    );
    assert_eq!(redis.cmd(&["SADD", "itest:members", "ghost"]), ":1");
    let garbled = Instant::now();
    h.run_for(Duration::from_secs(3));
    let logs: Vec<&String> = h.logs.iter().map(|(_, l)| l).collect();
    assert!(
        logs.iter().any(|l| l.contains("garbled member record")),
        "garbled member not reported"
    );
    assert!(
        logs.iter().any(|l| l.contains("wrong type")),
        "garbled epoch not reported"
    );
    let from = Instant::now();
    h.run_for(INTERVAL * 3);
    let to = Instant::now();
    let after = h.between(from, to);
    once_per_cycle(&after, from, to, "after garbled values");
    assert!(h.between(garbled, to).iter().all(|p| p.instance != "ghost"));
    for c in h.instances.values_mut() {
        assert!(c.try_wait().unwrap().is_none(), "an instance died");
    }

    // 6. Garbled and foreign rate states: p4 frozen (SIGSTOP), the stored state of each of its
    //    agents replaced by garbage (not ours, truncated, of the wrong type); the survivors
    //    take the agents over, reject every value (reported), poll on, and none dies.
    let p4_agents: Vec<&String> = now_owners
        .iter()
        .filter(|(_, o)| *o == "p4")
        .map(|(a, _)| a)
        .collect();
    assert!(!p4_agents.is_empty());
    let frozen = Instant::now();
    signal(&h.instances["p4"], libc::SIGSTOP);
    // Whatever p4 had already written to its socket reaches Redis before the garbage.
    h.run_for(Duration::from_millis(200));
    for (n, a) in p4_agents.iter().enumerate() {
        let key = format!("itest:rate:sys:{a}");
        match n % 3 {
            0 => assert_eq!(redis.cmd(&["SET", &key, "{\"at_ms\":1}"]), "+OK"),
            1 => assert_eq!(redis.cmd(&["SET", &key, "R\u{1}\u{ff}"]), "+OK"),
            _ => {
                assert_eq!(redis.cmd(&["DEL", &key]).len(), 2);
                assert_eq!(redis.cmd(&["HSET", &key, "x", "y"]), ":1");
            }
        }
    }
    h.run_until("p4's agents taken over", frozen, |ps| {
        p4_agents
            .iter()
            .all(|a| ps.iter().any(|p| &p.agent == *a && p.instance != "p4"))
    });
    h.run_for(INTERVAL * 2);
    // A key of another type reads as absent (MGET gives nil): only the strings are rejected.
    let garbled = (0..p4_agents.len()).filter(|n| n % 3 != 2).count();
    let rejected = h
        .logs
        .iter()
        .filter(|(_, l)| l.contains("rate state in Redis rejected"))
        .count();
    assert!(
        rejected >= garbled,
        "{rejected} rejected rate states reported for {garbled} garbled"
    );
    assert!(
        h.logs
            .iter()
            .any(|(_, l)| l.contains("rejected") && l.contains("foreign")),
        "a foreign rate state not named"
    );
    let p4 = h.instances.remove("p4").unwrap();
    stop(p4, libc::SIGKILL);
    for c in h.instances.values_mut() {
        assert!(c.try_wait().unwrap().is_none(), "an instance died");
    }

    // Clean stop: each leaves the cluster.
    for (_, c) in std::mem::take(&mut h.instances) {
        stop(c, libc::SIGINT);
    }
    assert_eq!(redis.cmd(&["SCARD", "itest:members"]), ":1"); // the ghost only
    stop(agents, libc::SIGINT);
    redis.stop();
    let _ = std::fs::remove_dir_all(&h.dir);
}
