//! The cluster's ways to reach Redis, end to end with real servers on loopback: TLS
//! (`rediss://`, a throwaway CA and server certificate made by `openssl`, Debian package
//! `openssl`; a `redis-server` with `--tls-port`) with the password from the environment, and
//! Redis Sentinel (`redis-server --sentinel`, Debian package `redis-server`) with a master, a
//! replica and one sentinel: the master killed, Sentinel promotes the replica and the instance
//! keeps polling through the failover and rejoins on the new master.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use super::cluster::{free_port, stop};

const AGENTS: usize = 3;
const INTERVAL: Duration = Duration::from_secs(1);
const PATIENCE: Duration = Duration::from_secs(30);
const PASSWORD: &str = "s3cret-for-the-test";

/// Commands in RESP on one connection (AUTH first when `auth`); the raw text of the replies.
fn resp(port: u16, auth: Option<&str>, args: &[&str]) -> Option<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    let mut req = String::new();
    let mut cmds: Vec<Vec<&str>> = Vec::new();
    if let Some(pw) = auth {
        cmds.push(vec!["AUTH", pw]);
    }
    cmds.push(args.to_vec());
    for c in &cmds {
        req.push_str(&format!("*{}\r\n", c.len()));
        for a in c {
            req.push_str(&format!("${}\r\n{a}\r\n", a.len()));
        }
    }
    s.write_all(req.as_bytes()).ok()?;
    let mut out = Vec::new();
    let mut buf = [0u8; 8192];
    // Enough for the short replies used here: read until the socket is quiet.
    s.set_read_timeout(Some(Duration::from_millis(300))).ok()?;
    while let Ok(n) = s.read(&mut buf) {
        if n == 0 {
            break;
        }
        out.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&out).trim_end().to_owned();
    Some(match auth {
        Some(_) => text.strip_prefix("+OK\r\n").unwrap_or(&text).to_owned(),
        None => text,
    })
}

/// Starts `redis-server ARGS`, stopped by pid on drop; waits for `port` to answer.
struct Server(Option<Child>);

impl Server {
    fn start(args: &[String], port: u16, auth: Option<&str>) -> Self {
        let child = Command::new("redis-server")
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot run redis-server ({e}): install the Debian package redis-server")
            });
        let deadline = Instant::now() + PATIENCE;
        while resp(port, auth, &["PING"]).as_deref() != Some("+PONG") {
            assert!(
                Instant::now() < deadline,
                "redis-server on {port} did not answer"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Self(Some(child))
    }

    fn kill(&mut self) {
        if let Some(c) = self.0.take() {
            stop(c, libc::SIGKILL);
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut c) = self.0.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn simulated_agents() -> (Child, Vec<u16>) {
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
    let list = first
        .split_whitespace()
        .nth(2)
        .and_then(|a| a.strip_prefix("127.0.0.1:"))
        .unwrap_or_else(|| panic!("agent banner: {first}"));
    let ports: Vec<u16> = list.split(',').map(|p| p.parse().unwrap()).collect();
    assert_eq!(ports.len(), AGENTS);
    (agents, ports)
}

fn config(ports: &[u16], cluster: &str) -> String {
    let mut c = String::from("[console]\nlisten = \"127.0.0.1:0\"\n");
    for (i, p) in ports.iter().enumerate() {
        c.push_str(&format!("[agents.a{i:02}]\naddress = \"127.0.0.1:{p}\"\n"));
    }
    c.push_str(&format!(
        "[jobs.sys]\nagents = [\"*\"]\ninterval = \"{}s\"\n\
         scalars = [\"sysUpTime.0\", \"ifInOctets.1\"]\nrates = [\"ifInOctets\"]\n\
         [outputs.out]\nkind = \"json\"\npath = \"-\"\n\
         [cluster]\nheartbeat = \"250ms\"\nttl = \"1s\"\n{cluster}",
        INTERVAL.as_secs(),
    ));
    c
}

/// What an instance prints: (agent, duplicate, when) of each sysUpTime line, or a log line.
enum Line {
    Poll(String, bool, Instant),
    Log(String),
}

/// An instance of `snmpact serve` and what it prints.
struct Instance {
    child: Option<Child>,
    rx: Receiver<Line>,
    polls: Vec<(String, bool, Instant)>,
    logs: Vec<String>,
}

impl Instance {
    fn start(config: &Path, id: &str) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_snmpact"))
            .args(["serve", "--config"])
            .arg(config)
            .args(["--set", &format!("cluster.instance={id}")])
            .env("RUST_LOG", "warn")
            .env("SNMPACT_TEST_REDIS_PW", PASSWORD)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, rx) = channel();
        let out = child.stdout.take().unwrap();
        let t = tx.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else {
                    continue;
                };
                if v["oid"] != "1.3.6.1.2.1.1.3.0" {
                    continue;
                }
                let agent = v["agent"].as_str().unwrap_or_default().to_owned();
                let seen = Line::Poll(agent, v["duplicate"] == true, Instant::now());
                if t.send(seen).is_err() {
                    break;
                }
            }
        });
        let err = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                if tx.send(Line::Log(line)).is_err() {
                    break;
                }
            }
        });
        Self {
            child: Some(child),
            rx,
            polls: Vec::new(),
            logs: Vec::new(),
        }
    }

    fn run_for(&mut self, d: Duration) {
        let end = Instant::now() + d;
        while let Some(left) = end.checked_duration_since(Instant::now()) {
            match self.rx.recv_timeout(left) {
                Ok(Line::Poll(a, d, t)) => self.polls.push((a, d, t)),
                Ok(Line::Log(l)) => self.logs.push(l),
                Err(_) => break,
            }
        }
    }

    fn run_until(&mut self, what: &str, f: impl Fn(&Self) -> bool) {
        let deadline = Instant::now() + PATIENCE;
        while !f(self) {
            assert!(Instant::now() < deadline, "waited in vain for {what}");
            self.run_for(Duration::from_millis(100));
        }
    }

    /// Every agent polled in [from, to), with no gap over two and a half intervals.
    fn polled_throughout(&self, from: Instant, to: Instant, what: &str) {
        let mut by: BTreeMap<&str, Vec<Instant>> = BTreeMap::new();
        for (a, _, t) in &self.polls {
            if *t >= from && *t < to {
                by.entry(a).or_default().push(*t);
            }
        }
        assert_eq!(by.len(), AGENTS, "{what}: agents polled");
        for (a, times) in by {
            let mut last = from;
            for t in times.into_iter().chain(std::iter::once(to)) {
                let gap = t - last;
                assert!(
                    gap <= INTERVAL * 2 + INTERVAL / 2,
                    "{what}: {a} not polled for {gap:?}"
                );
                last = t;
            }
        }
    }

    fn stop(&mut self) {
        if let Some(c) = self.child.take() {
            stop(c, libc::SIGINT);
        }
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run openssl ({e}): install the Debian package openssl"));
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A throwaway CA and a server certificate for 127.0.0.1 signed by it (P-256 keys).
fn certificates(dir: &Path) {
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    let mut ca = vec!["req", "-x509", "-days", "1", "-subj", "/CN=snmpact test CA"];
    ca.extend(ec);
    ca.extend(["-keyout", "ca.key", "-out", "ca.pem"]);
    openssl(dir, &ca);
    let mut csr = vec!["req", "-subj", "/CN=127.0.0.1"];
    csr.extend(ec);
    csr.extend(["-keyout", "server.key", "-out", "server.csr"]);
    openssl(dir, &csr);
    std::fs::write(
        dir.join("ext.cnf"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n\
         keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "1",
            "-extfile",
            "ext.cnf",
            "-out",
            "server.pem",
        ],
    );
}

fn temp_dir(name: &str) -> PathBuf {
    let dir =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn s(v: &str) -> String {
    v.to_owned()
}

// See: issue 19
#[test]
fn a_cluster_member_reaches_redis_over_tls_with_its_ca_and_not_without() {
    let dir = temp_dir("cluster-tls");
    certificates(&dir);
    let (plain, tls) = (free_port(), free_port());
    let d = |f: &str| dir.join(f).display().to_string();
    let _redis = Server::start(
        &[
            s("--port"),
            plain.to_string(),
            s("--bind"),
            s("127.0.0.1"),
            s("--tls-port"),
            tls.to_string(),
            s("--tls-cert-file"),
            d("server.pem"),
            s("--tls-key-file"),
            d("server.key"),
            s("--tls-ca-cert-file"),
            d("ca.pem"),
            s("--tls-auth-clients"),
            s("no"),
            s("--requirepass"),
            s(PASSWORD),
            s("--save"),
            s(""),
            s("--appendonly"),
            s("no"),
            s("--dir"),
            d(""),
        ],
        plain,
        Some(PASSWORD),
    );
    let (mut agents, ports) = simulated_agents();
    let cluster = |ca: bool| {
        let mut c = format!(
            "redis = \"rediss://127.0.0.1:{tls}\"\nname = \"itls\"\n\
             password_env = \"SNMPACT_TEST_REDIS_PW\"\n"
        );
        if ca {
            c.push_str(&format!("ca_file = \"{}\"\n", d("ca.pem")));
        }
        c
    };
    let with_ca = dir.join("with-ca.toml");
    std::fs::write(&with_ca, config(&ports, &cluster(true))).unwrap();
    let without = dir.join("without-ca.toml");
    std::fs::write(&without, config(&ports, &cluster(false))).unwrap();

    let mut t1 = Instance::start(&with_ca, "t1");
    let mut t0 = Instance::start(&without, "t0");
    t1.run_until("t1 polling every agent over TLS", |i| {
        i.polls.iter().map(|p| &p.0).collect::<BTreeSet<_>>().len() == AGENTS
    });
    t1.run_for(INTERVAL * 2);
    t0.run_until("t0 reporting the untrusted certificate", |i| {
        i.logs.iter().any(|l| l.contains("heartbeat failed"))
    });
    t0.run_for(Duration::from_millis(500));
    assert!(t0.polls.is_empty(), "t0 polled without joining");
    assert!(
        t0.logs
            .iter()
            .any(|l| l.to_lowercase().contains("certificate")),
        "the TLS failure is not named: {:?}",
        t0.logs
    );
    assert!(
        t1.logs.iter().all(|l| !l.contains(PASSWORD))
            && t0.logs.iter().all(|l| !l.contains(PASSWORD)),
        "the password was logged"
    );
    // Through the server's own plain port: t1 (only) is a member, and its agents' rate state
    // went over the TLS connection too.
    assert_eq!(
        resp(plain, Some(PASSWORD), &["SMEMBERS", "itls:members"]).as_deref(),
        Some("*1\r\n$2\r\nt1")
    );
    assert_eq!(
        resp(plain, Some(PASSWORD), &["EXISTS", "itls:rate:sys:a00"]).as_deref(),
        Some(":1")
    );
    t1.stop();
    t0.stop();
    assert!(agents.try_wait().unwrap().is_none(), "the agents died");
    stop(agents, libc::SIGINT);
    let _ = std::fs::remove_dir_all(&dir);
}

// See: issue 19
#[test]
fn polling_goes_on_through_a_sentinel_failover_of_the_redis_master() {
    let dir = temp_dir("cluster-sentinel");
    let (master_port, replica_port, sentinel_port) = (free_port(), free_port(), free_port());
    let base = |port: u16, sub: &str| {
        let data = dir.join(sub);
        std::fs::create_dir_all(&data).unwrap();
        vec![
            s("--port"),
            port.to_string(),
            s("--bind"),
            s("127.0.0.1"),
            s("--save"),
            s(""),
            s("--appendonly"),
            s("no"),
            s("--dir"),
            data.display().to_string(),
        ]
    };
    let mut master = Server::start(&base(master_port, "master"), master_port, None);
    let mut replica_args = base(replica_port, "replica");
    replica_args.extend([s("--replicaof"), s("127.0.0.1"), master_port.to_string()]);
    let _replica = Server::start(&replica_args, replica_port, None);
    let deadline = Instant::now() + PATIENCE;
    while !resp(replica_port, None, &["INFO", "replication"])
        .unwrap_or_default()
        .contains("master_link_status:up")
    {
        assert!(Instant::now() < deadline, "the replica never synced");
        std::thread::sleep(Duration::from_millis(50));
    }
    let conf = dir.join("sentinel.conf");
    std::fs::write(
        &conf,
        format!(
            "port {sentinel_port}\nbind 127.0.0.1\ndir {}\n\
             sentinel monitor m 127.0.0.1 {master_port} 1\n\
             sentinel down-after-milliseconds m 1000\n\
             sentinel failover-timeout m 10000\n",
            dir.display()
        ),
    )
    .unwrap();
    let _sentinel = Server::start(
        &[conf.display().to_string(), s("--sentinel")],
        sentinel_port,
        None,
    );
    // Sentinel learns of the replica from the master's INFO.
    let deadline = Instant::now() + PATIENCE;
    while !resp(sentinel_port, None, &["SENTINEL", "replicas", "m"])
        .unwrap_or_default()
        .contains(&replica_port.to_string())
    {
        assert!(Instant::now() < deadline, "Sentinel never saw the replica");
        std::thread::sleep(Duration::from_millis(100));
    }

    let (mut agents, ports) = simulated_agents();
    let path = dir.join("snmpact.toml");
    let cluster = format!(
        "sentinels = [\"redis://127.0.0.1:{sentinel_port}\"]\nmaster_name = \"m\"\nname = \"isen\"\n"
    );
    std::fs::write(&path, config(&ports, &cluster)).unwrap();
    let mut s1 = Instance::start(&path, "s1");
    s1.run_until("s1 polling every agent", |i| {
        i.polls.iter().map(|p| &p.0).collect::<BTreeSet<_>>().len() == AGENTS
    });
    assert_eq!(
        resp(master_port, None, &["SMEMBERS", "isen:members"]).as_deref(),
        Some("*1\r\n$2\r\ns1")
    );

    // The master dies: Sentinel promotes the replica; polling never stops meanwhile.
    let killed = Instant::now();
    master.kill();
    let deadline = Instant::now() + PATIENCE;
    loop {
        let addr = resp(
            sentinel_port,
            None,
            &["SENTINEL", "get-master-addr-by-name", "m"],
        );
        if addr.unwrap_or_default().contains(&replica_port.to_string()) {
            break;
        }
        assert!(Instant::now() < deadline, "Sentinel never failed over");
        s1.run_for(Duration::from_millis(100));
    }
    // The instance finds the new master through Sentinel and heartbeats there again.
    s1.run_until("s1 heartbeating on the promoted replica", |_| {
        resp(replica_port, None, &["INFO", "commandstats"])
            .unwrap_or_default()
            .contains("cmdstat_evalsha")
    });
    s1.run_for(INTERVAL * 3);
    let now = Instant::now();
    s1.polled_throughout(killed, now, "through the failover");
    let after = now - INTERVAL * 2;
    assert!(
        s1.polls.iter().filter(|p| p.2 >= after).all(|p| !p.1),
        "still marked duplicate after the failover"
    );
    assert_eq!(
        resp(replica_port, None, &["SMEMBERS", "isen:members"]).as_deref(),
        Some("*1\r\n$2\r\ns1")
    );
    s1.stop();
    assert!(agents.try_wait().unwrap().is_none(), "the agents died");
    stop(agents, libc::SIGINT);
    let _ = std::fs::remove_dir_all(&dir);
}
