//! `snmpact agent`'s options, plan and lines.

use super::*;
use clap::Parser;

#[derive(Parser)]
struct Cmd {
    #[command(flatten)]
    args: AgentArgs,
}

fn args(line: &[&str]) -> AgentArgs {
    Cmd::try_parse_from(std::iter::once("agent").chain(line.iter().copied()))
        .unwrap()
        .args
}

#[test]
fn addresses_come_from_listen_ports_and_count() {
    let a = args(&[
        "--listen",
        "[::1]:1161",
        "--ports",
        "16100-16102",
        "--count",
        "2",
    ]);
    let got: Vec<String> = addresses(&a)
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        got,
        [
            "[::1]:1161",
            "127.0.0.1:16100",
            "127.0.0.1:16101",
            "127.0.0.1:16102",
            "127.0.0.1:0",
            "127.0.0.1:0"
        ]
    );
    assert_eq!(addresses(&args(&[])).unwrap(), [DEFAULT_LISTEN]);
    assert!(addresses(&args(&["--count", "0"])).is_err());
}

#[test]
fn faults_from_flags() {
    let a = args(&[
        "--drop",
        "0.1",
        "--delay",
        "50ms",
        "--duplicate",
        "--wrong-id",
        "--non-increasing",
        "--too-big-above",
        "10",
    ]);
    let f = a.faults.faults().unwrap().unwrap();
    assert_eq!(
        f,
        Faults {
            drop_rate: 0.1,
            seed: 1,
            delay: Duration::from_millis(50),
            duplicate: true,
            wrong_request_id: true,
            non_increasing: true,
            too_big_above: Some(10),
            ..Faults::default()
        }
    );
    assert_eq!(args(&[]).faults.faults().unwrap(), None);
    assert!(args(&["--drop", "1.5"]).faults.faults().is_err());
    assert!(Cmd::try_parse_from(["agent", "--delay", "50"]).is_err());
    assert!(Plan::new(&args(&["--fault-ports", "1"])).is_err());
}

#[test]
fn data_files_go_round_robin_and_are_shared() {
    let dir = std::env::temp_dir().join(format!("snmpact-serve-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("b.snmprec"), "1.3.6.1.2.1.1.5.0|4|bee\n").unwrap();
    std::fs::write(dir.join("a.snmprec"), "1.3.6.1.2.1.1.5.0|4|ay\n").unwrap();
    std::fs::write(dir.join("notes.txt"), "ignored").unwrap();
    let d = dir.to_str().unwrap();
    let plan = Plan::new(&args(&[
        "--data-dir",
        d,
        "--community-from-file",
        "--count",
        "3",
    ]))
    .unwrap();
    let communities: Vec<&[u8]> = plan
        .agents
        .iter()
        .map(|(_, r)| r.community.as_slice())
        .collect();
    assert_eq!(communities, [b"a".as_slice(), b"b", b"a"]);
    assert!(plan.agents[0].1.store.shares_with(&plan.agents[2].1.store));
    assert!(!plan.agents[0].1.store.shares_with(&plan.agents[1].1.store));

    std::fs::write(dir.join("bad.snmprec"), "1.3.6.1|2|x\n").unwrap();
    let e = Plan::new(&args(&["--data-dir", d])).unwrap_err();
    assert!(e.contains("bad.snmprec: line 1: bad integer"), "{e}");
    let e = Plan::new(&args(&["--data", "/nonexistent.snmprec"])).unwrap_err();
    assert!(e.starts_with("cannot read /nonexistent.snmprec"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn addresses_are_consecutive_loopback_addresses_on_one_port() {
    let a = args(&[
        "--addresses",
        "3",
        "--host",
        "127.16.0.254",
        "--ports",
        "16100",
    ]);
    let plan = Plan::new(&a).unwrap();
    assert_eq!(plan.shared_port, Some(16100));
    let got: Vec<String> = plan.agents.iter().map(|(a, _)| a.to_string()).collect();
    assert_eq!(
        got,
        [
            "127.16.0.254:16100",
            "127.16.0.255:16100",
            "127.16.1.0:16100"
        ]
    );
    let addrs: Vec<SocketAddr> = plan.agents.iter().map(|(a, _)| *a).collect();
    assert_eq!(
        listening_line(&addrs, 1),
        "listening on 127.16.0.254-127.16.1.0:16100 (3 agents, 1 thread)"
    );
    assert_eq!(
        address_engine_id("127.16.0.254".parse().unwrap())[5..],
        *b"snmpact-127.16.0.254"
    );
    let err = |line: &[&str]| Plan::new(&args(line)).unwrap_err();
    assert!(err(&["--addresses", "2", "--host", "::1"]).contains("IPv4 loopback"));
    // 192.0.2.1 is documentation data here: it is refused, never bound.
    assert!(err(&["--addresses", "2", "--host", "192.0.2.1"]).contains("loopback only"));
    assert!(err(&["--addresses", "2", "--ports", "1-2"]).contains("one port"));
    assert!(err(&["--addresses", "0"]).contains("--addresses 0"));
    assert!(err(&["--addresses", "3", "--host", "127.255.255.253"]).contains("runs past"),);
    assert!(
        Cmd::try_parse_from(["agent", "--addresses", "2", "--count", "2"]).is_err(),
        "--addresses with --count"
    );
}

#[test]
fn listening_line_groups_ports_by_address() {
    let addrs: Vec<SocketAddr> = ["127.0.0.1:5", "127.0.0.1:6", "[::1]:5", "127.0.0.1:9"]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
    assert_eq!(
        listening_line(&addrs, 2),
        "listening on 127.0.0.1:5-6,9 [::1]:5 (4 agents, 2 threads)"
    );
    assert_eq!(
        listening_line(&addrs[..1], 1),
        "listening on 127.0.0.1:5 (1 agent, 1 thread)"
    );
}

#[test]
fn v3_users_parse_and_give_each_agent_its_engine() {
    use crate::usm::{AuthProtocol, PrivProtocol, SecurityLevel};
    let u = parse_v3_user("alice:SHA-256:authpass1:AES:priv:pass:1").unwrap();
    assert_eq!(
        u,
        User::new("alice")
            .with_auth(AuthProtocol::Sha256, "authpass1")
            .with_privacy(PrivProtocol::Aes128, "priv:pass:1")
    );
    let u = parse_v3_user("bob:MD5:authpass2").unwrap();
    assert_eq!(u.level, SecurityLevel::AuthNoPriv);
    assert_eq!(
        parse_v3_user("carol:none").unwrap().level,
        SecurityLevel::NoAuthNoPriv
    );
    let e = parse_v3_user("dave:SHA:short").unwrap_err();
    assert!(e.contains("shorter than 8") && !e.contains("short:"), "{e}");
    assert!(parse_v3_user("dave:SHA-999:authpass1").is_err());
    assert!(parse_v3_user("dave").is_err());
    assert!(parse_v3_user(":none").is_err());
    let a = args(&["--v3-user", "alice:SHA:authpass1:DES:privpass1"]);
    assert!(!format!("{a:?}").contains("authpass1"));
    assert!(Plan::new(&args(&["--engine-boots", "3"])).is_err());
    assert!(Cmd::try_parse_from(["agent", "--engine-id", "zz"]).is_err());

    let h = Plan::new(&args(&["--count", "2", "--v3-user", "carol:none"]))
        .unwrap()
        .start()
        .unwrap();
    for i in 0..2 {
        let port = h.addrs()[i].port();
        let id = h.with_agent(i, |r| r.v3().unwrap().engine_id().to_vec());
        assert_eq!(id, default_engine_id(port));
    }
    let h = Plan::new(&args(&[
        "--v3-user",
        "carol:none",
        "--engine-id",
        "0x8000000001",
        "--engine-boots",
        "7",
        "--count",
        "1",
    ]))
    .unwrap()
    .start()
    .unwrap();
    let (id, boots) = h.with(|r| {
        let e = r.v3().unwrap();
        (
            e.engine_id().to_vec(),
            e.boots_and_time(std::time::Instant::now()).0,
        )
    });
    assert_eq!((id, boots), (vec![0x80, 0, 0, 0, 1], 7));
    assert!(Plan::new(&args(&["--count", "1"])).unwrap().v3.is_none());
}

#[test]
fn faults_go_to_the_listed_ports_only() {
    let plan = Plan::new(&args(&["--count", "3", "--silent", "--fault-ports", "1"])).unwrap();
    let h = plan.start().unwrap();
    // Free ports are never port 1, so no agent is silent.
    assert!((0..3).all(|i| h.with_agent(i, |r| !r.faults.silent)));
    let h2 = Plan::new(&args(&["--count", "2", "--silent"]))
        .unwrap()
        .start()
        .unwrap();
    assert!((0..2).all(|i| h2.with_agent(i, |r| r.faults.silent)));
}
