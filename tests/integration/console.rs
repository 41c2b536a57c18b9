//! The telnet console over TCP on loopback: a client that sends real telnet negotiation bytes,
//! clients side by side (one asking a dead agent), streamed and cancelled walks, every limit,
//! a password session, clients that misbehave or vanish, and the real `telnet` client driven
//! under tmux.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use snmpact::console::telnet::{DO, DONT, ECHO, IAC, SB, SE, WILL, WONT};
use snmpact::console::{ConsoleConfig, CountConnections, Password, RunningConsole, run_console};
use snmpact::oid::Oid;
use snmpact::pdu::Value;
use snmpact::simulator::agent::server::{self, AgentsHandle};
use snmpact::simulator::agent::{Faults, Responder, snmprec};
use snmpact::{Engine, EngineConfig, SessionConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::harness::tmux::{TmuxServer, keys, screen_shows, tmux};

/// Longest wait for something the console should say.
const WAIT: Duration = Duration::from_secs(10);
/// Timeout and retries of the `dead` agent: its error comes after about 0.6 s.
const DEAD_TIMEOUT: Duration = Duration::from_millis(300);
const DEAD_RETRIES: u32 = 1;
/// Rows of the slow agent's table, and its delay per answer.
const SLOW_ROWS: u32 = 500;
const SLOW_DELAY: Duration = Duration::from_millis(40);
const NAWS: u8 = 31;
const SGA: u8 = 3;
const TTYPE: u8 = 24;

/// A console with three agents: `demo` (the demo device), `dead` (never answers) and `slow`
/// (500 rows under 1.3.6.1.4.1.99999.1, 40 ms per answer).
struct Fixture {
    password: bool,
    engine: Engine,
    console: RunningConsole,
    demo: AgentsHandle,
    dead: AgentsHandle,
    slow: AgentsHandle,
}

impl Fixture {
    async fn start(config: ConsoleConfig) -> Self {
        let local: SocketAddr = "127.0.0.1:0".parse().unwrap();
        let demo = server::spawn(local, Responder::new(snmprec::demo(), "public")).unwrap();
        let dead = server::spawn(
            local,
            Responder::new(snmprec::demo(), "public").with_faults(Faults {
                silent: true,
                ..Faults::default()
            }),
        )
        .unwrap();
        let mut store = snmprec::demo();
        for i in 1..=SLOW_ROWS {
            let oid: Oid = format!("1.3.6.1.4.1.99999.1.{i}").parse().unwrap();
            store.insert(oid, Value::Gauge32(i));
        }
        let slow = server::spawn(
            local,
            Responder::new(store, "public").with_faults(Faults {
                delay: SLOW_DELAY,
                ..Faults::default()
            }),
        )
        .unwrap();
        let engine = Engine::start(EngineConfig {
            shards: 1,
            ..EngineConfig::default()
        });
        let fast = SessionConfig {
            timeout: DEAD_TIMEOUT,
            retries: DEAD_RETRIES,
            ..SessionConfig::default()
        };
        for (name, a) in [("demo", &demo), ("dead", &dead), ("slow", &slow)] {
            engine
                .session(name, &a.addr().to_string(), fast.clone())
                .await
                .unwrap();
        }
        let password = config.password.is_some();
        let console = run_console(
            engine.clone(),
            ConsoleConfig {
                listen: local,
                ..config
            },
        )
        .await
        .unwrap();
        Self {
            password,
            engine,
            console,
            demo,
            dead,
            slow,
        }
    }

    /// A connected client past the greeting (and the first prompt, without a password).
    async fn client(&self) -> Client {
        let mut c = Client::connect(self.console.local_addr).await;
        c.expect("'quit' leaves.\r\n").await;
        if !self.password {
            c.expect("snmpact> ").await;
        }
        c
    }

    async fn connections(&self) -> usize {
        self.console.addr.send(CountConnections).await.unwrap()
    }

    /// Waits until the console counts `n` connections.
    async fn wait_connections(&self, n: usize) {
        let t0 = Instant::now();
        while self.connections().await != n {
            assert!(
                t0.elapsed() < WAIT,
                "connections stay at {}, not {n}",
                self.connections().await
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn stop(self) {
        self.console.shutdown().await;
        self.engine.shutdown().await;
        drop((self.demo, self.dead, self.slow));
    }
}

/// A raw TCP client: keeps every byte received, and a text view with IAC commands taken out.
struct Client {
    stream: TcpStream,
    raw: Vec<u8>,
    text: String,
    /// Where the next `expect` starts looking in `text`.
    seen: usize,
    /// Bytes of an IAC command still to skip in the text view.
    skip: usize,
    eof: bool,
}

impl Client {
    async fn connect(addr: SocketAddr) -> Self {
        Self {
            stream: TcpStream::connect(addr).await.unwrap(),
            raw: Vec::new(),
            text: String::new(),
            seen: 0,
            skip: 0,
            eof: false,
        }
    }

    async fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).await.unwrap();
    }

    /// Sends `text` and CR LF, as `telnet` does.
    async fn say(&mut self, text: &str) {
        self.send(format!("{text}\r\n").as_bytes()).await;
    }

    /// Reads what is there within `d`; false at EOF.
    async fn read_for(&mut self, d: Duration) -> bool {
        let mut buf = [0u8; 8192];
        match tokio::time::timeout(d, self.stream.read(&mut buf)).await {
            Err(_) => true,
            Ok(Ok(0)) | Ok(Err(_)) => {
                self.eof = true;
                false
            }
            Ok(Ok(n)) => {
                self.raw.extend_from_slice(&buf[..n]);
                for &b in &buf[..n] {
                    if self.skip > 0 {
                        self.skip -= 1;
                    } else if b == IAC {
                        self.skip = 2;
                    } else {
                        self.text.push(char::from(b));
                    }
                }
                true
            }
        }
    }

    /// Reads until `needle` shows up after what earlier calls consumed; returns the text up to
    /// and including it.
    async fn expect(&mut self, needle: &str) -> String {
        let t0 = Instant::now();
        loop {
            if let Some(i) = self.text[self.seen..].find(needle) {
                let end = self.seen + i + needle.len();
                let got = self.text[self.seen..end].to_owned();
                self.seen = end;
                return got;
            }
            assert!(
                !self.eof && t0.elapsed() < WAIT,
                "waited for {needle:?}; got {:?}{}",
                &self.text[self.seen..],
                if self.eof { " and EOF" } else { "" }
            );
            self.read_for(Duration::from_millis(50)).await;
        }
    }

    /// Whatever arrives within `d`, as text.
    async fn drain(&mut self, d: Duration) -> String {
        let t0 = Instant::now();
        while t0.elapsed() < d && self.read_for(Duration::from_millis(20)).await {}
        let got = self.text[self.seen..].to_owned();
        self.seen = self.text.len();
        got
    }

    /// Reads until the server closes; returns the text since the last `expect`.
    async fn expect_eof(&mut self) -> String {
        let t0 = Instant::now();
        while self.read_for(Duration::from_millis(50)).await {
            assert!(
                t0.elapsed() < WAIT,
                "no EOF; got {:?}",
                &self.text[self.seen..]
            );
        }
        let got = self.text[self.seen..].to_owned();
        self.seen = self.text.len();
        got
    }
}

const SYS_DESCR: &str =
    "SNMPv2-MIB::sysDescr.0 = STRING: \"snmpact demo router (simulated), firmware 1.0\"";

#[actix_rt::test]
async fn telnet_negotiation_is_answered_and_never_shown() {
    let f = Fixture::start(ConsoleConfig::default()).await;
    let mut c = f.client().await;
    // What a negotiating client sends first, with a command split around it.
    #[rustfmt::skip]
    let hello: &[u8] = &[
        IAC, WILL, NAWS,
        IAC, SB, NAWS, 0, 80, 0, 24, IAC, SE,
        IAC, DO, SGA,
        b'g', b'e',
        IAC, WILL, TTYPE,
        IAC, DO, ECHO,
        b't', b' ', b'd', b'e', b'm', b'o', b' ',
    ];
    c.send(hello).await;
    c.send(b"sysDescr.0\r\n").await;
    let got = c.expect(SYS_DESCR).await;
    assert!(!got.contains("error"), "{got}");
    for answer in [
        [IAC, DONT, NAWS],
        [IAC, WONT, SGA],
        [IAC, DONT, TTYPE],
        [IAC, WONT, ECHO],
    ] {
        assert!(
            c.raw.windows(3).any(|w| w == answer),
            "no {answer:?} in {:?}",
            c.raw
        );
    }
    // Acknowledgements get no answer: nothing more after this exchange.
    // The next command's answer is the barrier: an answer to them would come before it.
    let before = c.raw.len();
    c.send(&[IAC, WONT, NAWS, IAC, DONT, SGA]).await;
    // CR NUL and a lone LF end lines too; IAC NOP, IAC GA inside a line are dropped.
    c.send(b"get demo sysName.0\r\0").await;
    c.expect("SNMPv2-MIB::sysName.0 = STRING: \"demo-rtr1\"")
        .await;
    assert!(
        !c.raw[before..].contains(&IAC),
        "answered an acknowledgement: {:?}",
        &c.raw[before..]
    );
    c.send(&[
        b'g', b'e', b't', IAC, 241, b' ', b'd', b'e', b'm', b'o', IAC, 249,
    ])
    .await;
    c.send(b" sysLocation.0\n").await;
    c.expect("SNMPv2-MIB::sysLocation.0 = STRING: \"Rack 4, Lab\"")
        .await;
    // Are you there?
    c.send(&[IAC, 246]).await;
    c.expect("[snmpact: yes]").await;
    c.say("quit").await;
    c.expect("bye").await;
    c.expect_eof().await;
    f.stop().await;
}

#[actix_rt::test]
async fn a_dead_agent_blocks_neither_its_client_nor_another() {
    let f = Fixture::start(ConsoleConfig::default()).await;
    let mut a = f.client().await;
    let mut b = f.client().await;
    a.say("get dead sysDescr.0").await;
    // B is answered at once while A waits for the dead agent.
    let t0 = Instant::now();
    b.say("get demo sysDescr.0").await;
    b.expect(SYS_DESCR).await;
    assert!(t0.elapsed() < DEAD_TIMEOUT, "B waited {:?}", t0.elapsed());
    // A's prompt comes back, and its next command is answered first, tagged with its number.
    a.expect("snmpact> ").await;
    a.say("get demo sysDescr.0").await;
    a.expect(&format!("[2] {SYS_DESCR}")).await;
    let dead = f.dead.addr();
    a.expect(&format!(
        "[1] error: timeout after {DEAD_RETRIES} retries to dead ({dead})"
    ))
    .await;
    // A bare HOST:PORT works too, and its error names the address.
    a.say(&format!("get -t 0.2 -r 0 {dead} sysDescr.0")).await;
    a.expect(&format!("error: timeout after 0 retries to {dead}\r\n"))
        .await;
    // B never saw any of A's lines: its own next answer is the first thing it gets.
    b.say("get demo sysName.0").await;
    let rest = b
        .expect("SNMPv2-MIB::sysName.0 = STRING: \"demo-rtr1\"")
        .await;
    assert!(
        !rest.contains("error") && !rest.contains("sysDescr"),
        "{rest}"
    );
    f.stop().await;
}

#[actix_rt::test]
async fn walks_stream_and_cancel_stops_them() {
    let f = Fixture::start(ConsoleConfig::default()).await;
    let mut c = f.client().await;
    // A short walk: every row, in order, untagged (it finished before the prompt came back).
    c.say("walk demo system").await;
    let got = c.expect("snmpact> ").await;
    assert!(got.contains(SYS_DESCR), "{got}");
    assert!(
        got.contains("SNMPv2-MIB::sysServices.0 = INTEGER: 72"),
        "{got}"
    );
    assert!(!got.contains('['), "{got}");
    // A slow walk streams: the first rows show long before the last one exists.
    c.say("walk slow 1.3.6.1.4.1.99999.1").await;
    c.expect(".99999.1.1 = Gauge32: 1\r\n").await;
    c.expect("snmpact> ").await; // the prompt came back while it runs
    c.expect("[2] SNMPv2-SMI::enterprises.99999.1.100 = Gauge32: 100\r\n")
        .await;
    c.say("jobs").await;
    c.expect("walk slow (running for").await;
    c.say("cancel 2").await;
    c.expect("[2] cancelled").await;
    // Nothing more of it arrives, and the agent stops being asked: two GETs to the same agent
    // are the barrier (each answered after SLOW_DELAY, as a walk step would be).
    let asked = barrier_get(&mut c, &f.slow).await;
    assert_eq!(
        barrier_get(&mut c, &f.slow).await,
        asked + 1,
        "the walk went on after cancel"
    );
    c.say("cancel 2").await;
    c.expect("error: no command 2 running (see: jobs)").await;
    // Ctrl-C (IAC IP) cancels all that runs (commands 3 and 4 were the barrier GETs).
    c.say("walk slow 1.3.6.1.4.1.99999.1").await;
    c.expect(".99999.1.1 = Gauge32: 1\r\n").await;
    c.send(&[IAC, 244]).await;
    c.expect("[5] cancelled").await;
    // See: issue 15. A real telnet follows IAC IP with IAC DO TIMING-MARK and throws output
    // away until the answer: the `[N] cancelled` lines come after that answer.
    c.say("walk slow 1.3.6.1.4.1.99999.1").await;
    c.expect(".99999.1.1 = Gauge32: 1\r\n").await;
    let raw_before = c.raw.len();
    c.send(&[IAC, 244, IAC, 253, 6]).await;
    c.expect("[6] cancelled").await;
    let raw = &c.raw[raw_before..];
    let answer = raw.windows(3).position(|w| w == [IAC, 252, 6]);
    let line = raw.windows(13).position(|w| w == b"[6] cancelled");
    assert!(
        answer.is_some() && answer < line,
        "the timing mark's answer must come first: {raw:?}"
    );
    f.stop().await;
}

#[actix_rt::test]
async fn formats_tables_and_agents() {
    let f = Fixture::start(ConsoleConfig::default()).await;
    let mut c = f.client().await;
    c.say("format numeric").await;
    c.expect("output format: numeric").await;
    c.say("get demo sysDescr.0 sysServices.0").await;
    c.expect(".1.3.6.1.2.1.1.1.0 = STRING: \"snmpact demo router (simulated), firmware 1.0\"\r\n.1.3.6.1.2.1.1.7.0 = INTEGER: 72\r\n")
        .await;
    c.say("format json").await;
    c.expect("{\"info\":\"output format: json\"}").await;
    c.say("get demo sysServices.0").await;
    let line = c.expect("}\r\n").await;
    let json = &line[line.find('{').unwrap()..];
    let j: serde_json::Value = serde_json::from_str(json.trim()).unwrap();
    assert_eq!(j["oid"], "1.3.6.1.2.1.1.7.0");
    assert_eq!(j["value"], 72);
    c.say("gte").await;
    c.expect("{\"error\":\"unknown command 'gte' (try: help)\"}")
        .await;
    c.say("format text").await;
    c.say("table demo ifTable").await;
    // The layout of `snmptable` and `snmpact table` (issue 17).
    c.expect("SNMP table: IF-MIB::ifTable").await;
    c.expect(" ifIndex ").await;
    // Agents: added with a community, listed without it; used; removed.
    let demo = f.demo.addr();
    c.say(&format!("agent add lab {demo} -v 1 -c public -t 0.5 -r 2"))
        .await;
    c.expect(&format!("agent lab added ({demo})")).await;
    c.say("agents").await;
    let list = c.expect(&format!("lab  {demo}  -v 1 -t 0.5 -r 2")).await;
    assert!(list.contains("demo  ") && list.contains("dead  "), "{list}");
    c.say("set lab sysContact.0 s \"ops team\"").await;
    c.expect("SNMPv2-MIB::sysContact.0 = STRING: \"ops team\"")
        .await;
    c.say("get -c wrong -t 0.2 -r 0 demo sysContact.0").await;
    c.expect("error: timeout after 0 retries to demo").await;
    c.expect("snmpact> ").await;
    c.say("agents").await;
    let list = c.expect("snmpact> ").await;
    assert!(list.contains("lab  "), "{list}");
    assert!(
        !list.contains("wrong") && !list.contains("public"),
        "{list}"
    );
    c.say("agent del lab").await;
    c.expect("agent lab removed").await;
    c.say("get lab sysDescr.0").await;
    c.expect("error: unknown agent 'lab' (see: agents; or give HOST:PORT)")
        .await;
    c.say("stats").await;
    c.expect("total: sent ").await;
    c.say("help get").await;
    c.expect("get [OPTIONS] AGENT OID...").await;
    f.stop().await;
}

#[actix_rt::test]
async fn errors_junk_and_long_lines_never_drop_the_connection() {
    let f = Fixture::start(ConsoleConfig::default()).await;
    let mut c = f.client().await;
    let mut other = f.client().await;
    c.say("gte demo sysDescr.0").await;
    c.expect("error: unknown command 'gte' (try: help)\r\n")
        .await;
    c.say("get demo sysDescrr.0").await;
    c.expect("error: get: unknown object name 'sysDescrr'\r\n")
        .await;
    c.say("set demo sysContact.0 i x").await;
    c.expect("error: set: bad value 'x' for type i").await;
    // Binary junk, every byte value, some lines of it.
    let junk: Vec<u8> = (0..=255u8).cycle().take(20_000).collect();
    c.send(&junk).await;
    c.send(b"\r\n").await;
    // A 1 MB line: dropped, one error, and the console goes on.
    c.send(&vec![b'x'; 1 << 20]).await;
    c.send(b"\r\nget demo sysDescr.0\r\n").await;
    let got = c.expect(SYS_DESCR).await;
    assert_eq!(
        got.matches("error: line longer than 4096 bytes; dropped up to its end")
            .count(),
        1,
        "{got}"
    );
    // The other user saw nothing of it: its own answer is the first thing it gets.
    other.say("get demo sysDescr.0").await;
    let seen = other.expect(SYS_DESCR).await;
    assert_eq!(seen, SYS_DESCR, "{seen:?}");
    f.stop().await;
}

#[actix_rt::test]
async fn limits_connections_commands_and_idle_time() {
    let f = Fixture::start(ConsoleConfig {
        max_connections: 2,
        max_in_flight: 2,
        idle_timeout: Duration::from_millis(1500),
        ..ConsoleConfig::default()
    })
    .await;
    let mut a = f.client().await;
    let b = f.client().await;
    // The third is refused politely and closed.
    let mut c = Client::connect(f.console.local_addr).await;
    let got = c.expect_eof().await;
    assert_eq!(
        got,
        "snmpact console: too many connections (2 open); try again later\r\n"
    );
    // Commands at once, per connection.
    a.say("get dead sysDescr.0").await;
    a.say("get dead sysName.0").await;
    a.say("get demo sysDescr.0").await;
    a.expect("error: 2 commands already running (the limit); wait, or cancel one (see: jobs)")
        .await;
    a.expect("error: timeout").await;
    a.expect("error: timeout").await;
    let quiet_since = Instant::now();
    // When one leaves, a newcomer gets in.
    drop(b);
    f.wait_connections(1).await;
    let mut d = f.client().await;
    d.say("get demo sysDescr.0").await;
    d.expect(SYS_DESCR).await;
    // Idle connections are closed (a keeps quiet from here).
    a.expect("idle for 1.5 s; closing").await;
    a.expect_eof().await;
    assert!(quiet_since.elapsed() >= Duration::from_millis(800));
    f.stop().await;
}

#[actix_rt::test]
async fn password_first_three_failures_close() {
    let f = Fixture::start(ConsoleConfig {
        password: Some(Password::new("s3cret")),
        ..ConsoleConfig::default()
    })
    .await;
    let mut c = f.client().await;
    c.expect("password: ").await;
    // The server offers ECHO so a telnet client hides what is typed.
    assert!(c.raw.windows(3).any(|w| w == [IAC, WILL, ECHO]));
    c.send(&[IAC, DO, ECHO]).await;
    // A command before the password is only a wrong password: never run.
    let asked = f.demo.with(|r| r.requests());
    c.say("get demo sysDescr.0").await;
    c.expect("wrong password").await;
    c.expect("password: ").await;
    assert_eq!(f.demo.with(|r| r.requests()), asked);
    c.say("s3cret").await;
    c.expect("snmpact> ").await;
    assert!(c.raw.windows(3).any(|w| w == [IAC, WONT, ECHO]));
    c.say("get demo sysDescr.0").await;
    c.expect(SYS_DESCR).await;

    let mut bad = f.client().await;
    for _ in 0..2 {
        bad.expect("password: ").await;
        bad.say("guess").await;
        bad.expect("wrong password\r\n").await;
    }
    bad.expect("password: ").await;
    bad.say("guess").await;
    bad.expect("wrong password; too many tries, closing").await;
    bad.expect_eof().await;
    f.stop().await;
}

// See: issue 18
#[actix_rt::test]
async fn read_only_mode_allow_list_and_security_counters() {
    use snmpact::console::guard::Refusal;
    let f = Fixture::start(ConsoleConfig {
        password: Some(Password::new("s3cret")),
        read_only: Some(true),
        allow: vec!["127.0.0.0/8".parse().unwrap()],
        ..ConsoleConfig::default()
    })
    .await;
    let mut c = f.client().await;
    c.expect("password: ").await;
    // Wrong passwords from one source wait longer each time (0.5 s, then 1 s).
    let t0 = Instant::now();
    c.say("guess").await;
    c.expect("wrong password\r\n").await;
    c.expect("password: ").await;
    c.say("guess").await;
    c.expect("wrong password\r\n").await;
    c.expect("password: ").await;
    assert!(
        t0.elapsed() >= Duration::from_millis(1500),
        "{:?}",
        t0.elapsed()
    );
    c.say("s3cret").await;
    c.expect("snmpact> ").await;
    c.say("help").await;
    c.expect("Mode: read-only (set, agent add and agent del are refused)")
        .await;
    let asked = f.demo.with(|r| r.requests());
    for (line, verb) in [
        ("set demo sysContact.0 s intruder", "set"),
        ("agent del demo", "agent del"),
        ("agent add r9 127.0.0.1:9", "agent add"),
    ] {
        c.say(line).await;
        c.expect(&format!("`{verb}` refused: this console is read-only"))
            .await;
    }
    assert_eq!(
        f.demo.with(|r| r.requests()),
        asked,
        "nothing reached the agent"
    );
    c.say("get demo sysContact.0").await;
    let got = c.expect("sysContact.0").await;
    assert!(!got.contains("intruder"), "{got}");
    c.say("agents").await;
    c.expect("demo").await;
    c.say("stats").await;
    c.expect(
        "console: passwords 1 right, 2 wrong, 0 bans; refused 0 not_allowed, 0 banned, 0 full",
    )
    .await;
    let s = f.console.counters.snapshot();
    assert_eq!((s.auth_ok, s.auth_failures), (1, 2));
    // The metrics say the same.
    let mut text = String::new();
    snmpact::output::MetricsSource::render(&*f.console.counters, &mut text);
    assert!(
        text.contains("snmpact_console_auth_total{result=\"failed\"} 2\n"),
        "{text}"
    );
    f.stop().await;

    // A console that allows only another network closes loopback clients at once.
    let f = Fixture::start(ConsoleConfig {
        allow: vec!["192.0.2.0/24".parse().unwrap()],
        ..ConsoleConfig::default()
    })
    .await;
    let mut c = Client::connect(f.console.local_addr).await;
    let said = c.expect_eof().await;
    assert_eq!(said, "", "a refused client is told nothing");
    assert_eq!(
        f.console.counters.snapshot().refused(Refusal::NotAllowed),
        1
    );
    f.stop().await;

    // Beyond loopback without a password: refused before binding, naming the key.
    let engine = Engine::start(EngineConfig {
        shards: 1,
        ..EngineConfig::default()
    });
    let e = run_console(
        engine.clone(),
        ConsoleConfig {
            listen: "0.0.0.0:0".parse().unwrap(),
            ..ConsoleConfig::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::PermissionDenied);
    assert!(e.to_string().starts_with("console.password: "), "{e}");
    engine.shutdown().await;
}

#[actix_rt::test]
async fn vanishing_clients_and_shutdown() {
    let f = Fixture::start(ConsoleConfig::default()).await;
    let mut stay = f.client().await;
    // A client that leaves in the middle of a walk.
    let mut gone = f.client().await;
    gone.say("walk slow 1.3.6.1.4.1.99999.1").await;
    gone.expect(".99999.1.1 = Gauge32: 1").await;
    drop(gone);
    f.wait_connections(1).await;
    // The walk stops with its client: two GETs to the same agent are the barrier.
    let asked = barrier_get(&mut stay, &f.slow).await;
    assert_eq!(
        barrier_get(&mut stay, &f.slow).await,
        asked + 1,
        "walk goes on"
    );
    stay.say("get demo sysDescr.0").await;
    stay.expect(SYS_DESCR).await;
    // A script that sends and closes its side gets every answer, then the close.
    let mut script = f.client().await;
    script
        .send(b"get dead sysDescr.0\nget demo sysName.0\n")
        .await;
    script.stream.shutdown().await.unwrap();
    let got = script.expect_eof().await;
    assert!(
        got.contains("[2] SNMPv2-MIB::sysName.0 = STRING: \"demo-rtr1\""),
        "{got}"
    );
    assert!(
        got.contains("[1] error: timeout after 1 retries to dead"),
        "{got}"
    );
    // Shutdown tells everyone and stops listening.
    f.console.shutdown().await;
    stay.expect("snmpact console shutting down; bye").await;
    stay.expect_eof().await;
    let t0 = Instant::now();
    while TcpStream::connect(f.console.local_addr).await.is_ok() {
        assert!(t0.elapsed() < WAIT, "still listening after shutdown");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    f.engine.shutdown().await;
}

/// The real `telnet` client (Debian package `telnet`) in a tmux pane: the password is not
/// echoed, a GET is answered on screen, quit closes.
#[actix_rt::test]
async fn real_telnet_client_under_tmux() {
    for tool in ["telnet", "tmux"] {
        let found = std::process::Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .output()
            .is_ok_and(|o| o.status.success());
        assert!(
            found,
            "`{tool}` is not installed: apt-get install -y telnet tmux (CI does)"
        );
    }
    let f = Fixture::start(ConsoleConfig {
        password: Some(Password::new("pw-1234")),
        ..ConsoleConfig::default()
    })
    .await;
    let socket = format!("snmpact-console-test-{}", std::process::id());
    let at = f.console.local_addr;
    // The pane outlives telnet, so its last words stay readable.
    let cmd = format!("telnet {} {}; sleep 60", at.ip(), at.port());
    tmux(
        &socket,
        &[
            "new-session",
            "-d",
            "-s",
            "console",
            "-x",
            "160",
            "-y",
            "50",
            &cmd,
        ],
    );
    let _server = TmuxServer(tmux(&socket, &["display-message", "-p", "#{pid}"]));
    let run = async {
        screen_shows(&socket, "password:").await;
        keys(&socket, "pw-1234").await;
        screen_shows(&socket, "snmpact>").await;
        keys(&socket, "get demo sysDescr.0").await;
        let screen = screen_shows(&socket, SYS_DESCR).await;
        assert!(
            !screen.contains("pw-1234"),
            "the password was echoed:\n{screen}"
        );
        // After the password the client echoes again: the command shows as typed.
        assert!(screen.contains("snmpact> get demo sysDescr.0"), "{screen}");
        assert!(!screen.contains("error"), "{screen}");
        keys(&socket, "quit").await;
        screen_shows(&socket, "bye").await;
    };
    run.await;
    f.stop().await;
}

/// A GET of the slow agent's first row, waited for: afterwards, every request the console sent
/// before it has reached the agent (one session, in order). Returns the agent's request count.
async fn barrier_get(c: &mut Client, slow: &AgentsHandle) -> u64 {
    c.say("get slow 1.3.6.1.4.1.99999.1.1").await;
    let got = c.expect("99999.1.1 = Gauge32: 1\r\n").await;
    assert!(!got.contains("[2]"), "rows of a cancelled walk: {got}");
    slow.with(|r| r.requests())
}

/// An SNMPv2c trap from `sock` to `to` whose snmpTrapOID is `trap`.
async fn send_trap(sock: &tokio::net::UdpSocket, to: SocketAddr, trap: &str) {
    use snmpact::pdu::{GenericPdu, Message, Pdu, VarBind, Version};
    let m = Message {
        version: Version::V2c,
        community: b"public"[..].into(),
        pdu: Pdu::SnmpV2Trap(GenericPdu {
            request_id: 1,
            varbinds: vec![
                VarBind::new("1.3.6.1.2.1.1.3.0".parse().unwrap(), Value::TimeTicks(7)),
                VarBind::new(
                    "1.3.6.1.6.3.1.1.4.1.0".parse().unwrap(),
                    Value::ObjectId(trap.parse().unwrap()),
                ),
            ],
            ..GenericPdu::default()
        }),
    };
    sock.send_to(&m.to_bytes(), to).await.unwrap();
}

// See: issue 16
#[actix_rt::test]
async fn traps_stream_filtered_notifications_until_cancelled_and_stats_count_them() {
    use snmpact::notification::listener::{GetStats, Listener, ListenerConfig};
    let f = Fixture::start(ConsoleConfig::default()).await;
    let listener = Listener::start(ListenerConfig::loopback(0)).unwrap();
    f.engine.set_notification_listener(listener.clone());
    let to = listener.send(GetStats).await.unwrap().local[0];
    let sock = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let mut c = f.client().await;
    c.say("traps linkDown").await;
    c.expect("snmpact> ").await;
    // The subscription is made as the command starts: send until a linkDown shows, each
    // preceded by a linkUp the filter must keep out.
    let t0 = Instant::now();
    let got = loop {
        send_trap(&sock, to, "1.3.6.1.6.3.1.1.5.4").await;
        send_trap(&sock, to, "1.3.6.1.6.3.1.1.5.3").await;
        let text = c.drain(Duration::from_millis(100)).await;
        if text.contains("linkDown") {
            break text;
        }
        assert!(t0.elapsed() < WAIT, "no linkDown in the console");
    };
    assert!(got.contains("[1] SNMPv2-MIB::sysUpTime.0 = Timeticks: (7) 0:00:00.07\tSNMPv2-MIB::snmpTrapOID.0 = OID: IF-MIB::linkDown"), "{got}");
    assert!(!got.contains("linkUp"), "{got}");
    c.say("cancel 1").await;
    c.expect("[1] cancelled").await;
    c.expect("snmpact> ").await;
    // After cancel: a linkDown the listener has counted (the barrier: its stats) and a command
    // round trip later, nothing of it has reached the console.
    let received = listener.send(GetStats).await.unwrap().counters.delivered;
    send_trap(&sock, to, "1.3.6.1.6.3.1.1.5.3").await;
    let t0 = Instant::now();
    while listener.send(GetStats).await.unwrap().counters.delivered == received {
        assert!(t0.elapsed() < WAIT, "the listener never counted the trap");
        tokio::task::yield_now().await;
    }
    c.say("stats").await;
    let stats = c.expect("snmpact> ").await;
    assert!(!stats.contains("linkDown"), "after cancel: {stats}");
    assert!(stats.contains("traps: received "), "{stats}");
    f.stop().await;
}
