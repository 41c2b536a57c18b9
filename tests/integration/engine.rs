//! The engine (dispatcher + sessions) against simulated agents on loopback, including agents
//! that misbehave on purpose: lost, duplicated, late, misaddressed and garbage answers, tooBig,
//! looping walks, dead agents among live ones, and 10,000 sessions at once.

use std::borrow::Cow;
use std::net::SocketAddr;
use std::time::Duration;

use actix::prelude::*;
use snmpact::dispatcher::{Cancel, Submit};
use snmpact::dispatcher::{DispatcherStats, DropReason};
use snmpact::engine::SessionHandle;
use snmpact::oid::Oid;
use snmpact::pdu::{Value, VarBind, Version};
use snmpact::session::{
    Answer, Get, GetBulk, GetNext, Operation, Request, Session, Set, Table, UsmCache, Walk,
    WalkOptions, WalkRows, WalkStream,
};
use snmpact::simulator::agent::server::{self, AgentsHandle};
use snmpact::simulator::agent::{Faults, Responder, Store};
use snmpact::{Engine, EngineConfig, SessionConfig, SnmpError};

fn oid(s: &str) -> Oid {
    s.parse().unwrap()
}

/// A small MIB: system group, a 3-row ifTable (two columns), and a 500-row table.
fn store() -> Store {
    let mut s: Store = [
        (
            "1.3.6.1.2.1.1.1.0",
            Value::OctetString(Cow::Borrowed(b"snmpact test agent")),
        ),
        ("1.3.6.1.2.1.1.3.0", Value::TimeTicks(4242)),
        (
            "1.3.6.1.2.1.1.4.0",
            Value::OctetString(Cow::Borrowed(b"root")),
        ),
        (
            "1.3.6.1.2.1.1.5.0",
            Value::OctetString(Cow::Borrowed(b"sim")),
        ),
    ]
    .into_iter()
    .map(|(o, v)| (oid(o), v))
    .collect();
    for i in 1..=3u32 {
        s.insert(
            oid(&format!("1.3.6.1.2.1.2.2.1.1.{i}")),
            Value::Integer(i32::try_from(i).unwrap()),
        );
        s.insert(
            oid(&format!("1.3.6.1.2.1.2.2.1.10.{i}")),
            Value::Counter32(1000 * i),
        );
    }
    for i in 1..=500u32 {
        s.insert(oid(&format!("1.3.6.1.4.1.99999.1.{i}")), Value::Gauge32(i));
    }
    s
}

/// A simulated SNMPv3 agent (user `nobody`, noAuthNoPriv) whose engine id is made from `seed`.
fn v3_agent(seed: u16) -> server::AgentHandle {
    use snmpact::simulator::agent::usm::{AgentEngine, DEFAULT_BOOTS, default_engine_id};
    use snmpact::usm::{KeyCache, User};
    let v3_engine = AgentEngine::new(
        default_engine_id(seed),
        DEFAULT_BOOTS,
        &[User::new("nobody")],
        &mut KeyCache::new(),
    )
    .unwrap();
    server::spawn(
        "127.0.0.1:0".parse().unwrap(),
        Responder::new(store(), "public").with_v3(v3_engine),
    )
    .unwrap()
}

fn agent(faults: Faults) -> AgentsHandle {
    server::spawn(
        "127.0.0.1:0".parse().unwrap(),
        Responder::new(store(), "public").with_faults(faults),
    )
    .unwrap()
}

fn fast(version: Version) -> SessionConfig {
    SessionConfig {
        version,
        timeout: Duration::from_millis(150),
        retries: 2,
        ..SessionConfig::default()
    }
}

fn engine() -> Engine {
    Engine::start(EngineConfig {
        shards: 1,
        ..EngineConfig::default()
    })
}

async fn session(e: &Engine, a: SocketAddr, cfg: SessionConfig) -> SessionHandle {
    e.session(&a.to_string(), &a.to_string(), cfg)
        .await
        .unwrap()
}

fn values(vbs: &[VarBind<'static>]) -> Vec<Value<'static>> {
    vbs.iter().map(|vb| vb.value.clone()).collect()
}

#[actix_rt::test]
async fn get_getnext_bulk_and_set() {
    let a = agent(Faults::default());
    let e = engine();
    let s = session(&e, a.addr(), fast(Version::V2c)).await;
    let vbs = s
        .send(Get(vec![
            oid("1.3.6.1.2.1.1.1.0"),
            oid("1.3.6.1.2.1.1.3.0"),
            oid("1.3.6.1.2.1.1.9.0"),
        ]))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        values(&vbs),
        [
            Value::OctetString(Cow::Borrowed(b"snmpact test agent")),
            Value::TimeTicks(4242),
            Value::NoSuchObject
        ]
    );
    let vbs = s
        .send(GetNext(vec![oid("1.3.6.1.2.1.1.1.0")]))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(vbs[0].oid, oid("1.3.6.1.2.1.1.3.0"));
    let vbs = s
        .send(GetBulk {
            oids: vec![oid("1.3.6.1.2.1.2.2.1.1")],
            non_repeaters: None,
            max_repetitions: Some(2),
        })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        vbs.iter().map(|v| v.oid.to_string()).collect::<Vec<_>>(),
        ["1.3.6.1.2.1.2.2.1.1.1", "1.3.6.1.2.1.2.2.1.1.2"]
    );
    let set = vec![VarBind::new(
        oid("1.3.6.1.2.1.1.4.0"),
        Value::OctetString(Cow::Borrowed(b"ops")),
    )];
    s.send(Set(set)).await.unwrap().unwrap();
    let vbs = s
        .send(Get(vec![oid("1.3.6.1.2.1.1.4.0")]))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(vbs[0].value, Value::OctetString(Cow::Borrowed(b"ops")));
    // A SET of the wrong type is a typed agent error naming the OID.
    let bad = vec![VarBind::new(oid("1.3.6.1.2.1.1.4.0"), Value::Integer(5))];
    match s.send(Set(bad)).await.unwrap() {
        Err(SnmpError::Agent {
            status,
            index: 1,
            oid: Some(o),
        }) => {
            assert_eq!(status, snmpact::pdu::ErrorStatus::WrongType);
            assert_eq!(o, oid("1.3.6.1.2.1.1.4.0"));
        }
        other => panic!("{other:?}"),
    }
    e.shutdown().await;
}

#[actix_rt::test]
async fn walks_v1_and_v2c_agree_and_table_groups_rows() {
    let a = agent(Faults::default());
    let e = engine();
    let v2 = session(&e, a.addr(), fast(Version::V2c)).await;
    let v1 = e
        .session("v1", &a.addr().to_string(), fast(Version::V1))
        .await
        .unwrap();
    let root = oid("1.3.6.1.4.1.99999");
    let w2 = v2
        .send(Walk {
            root: root.clone(),
            options: WalkOptions::default(),
        })
        .await
        .unwrap()
        .unwrap();
    let w1 = v1
        .send(Walk {
            root: root.clone(),
            options: WalkOptions::default(),
        })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(w2.len(), 500);
    assert_eq!(w1, w2);
    assert_eq!(w2[499].value, Value::Gauge32(500));
    let t = v2
        .send(Table {
            oid: oid("1.3.6.1.2.1.2.2"),
            options: WalkOptions::default(),
        })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(t.entry, Some(oid("1.3.6.1.2.1.2.2.1")));
    assert_eq!(t.columns, [1, 10]);
    assert_eq!(t.rows.len(), 3);
    assert_eq!(t.rows[2].index, [3]);
    assert_eq!(
        t.rows[2].cells,
        [Some(Value::Integer(3)), Some(Value::Counter32(3000))]
    );
    // A walk of a whole agent ends at endOfMibView (v2c) and noSuchName (v1).
    let all2 = v2
        .send(Walk {
            root: oid("1.3"),
            options: WalkOptions::default(),
        })
        .await
        .unwrap()
        .unwrap();
    let all1 = v1
        .send(Walk {
            root: oid("1.3"),
            options: WalkOptions::default(),
        })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(all2.len(), 4 + 6 + 500);
    assert_eq!(all1, all2);
    e.shutdown().await;
}

/// Collects streamed walk rows.
struct Collector {
    chunks: usize,
    rows: Vec<VarBind<'static>>,
}
impl Actor for Collector {
    type Context = Context<Self>;
}
impl Handler<WalkRows> for Collector {
    type Result = ();
    fn handle(&mut self, m: WalkRows, _: &mut Context<Self>) {
        self.chunks += 1;
        self.rows.extend(m.0);
    }
}
#[derive(Message)]
#[rtype(result = "(usize, usize)")]
struct Report;
impl Handler<Report> for Collector {
    type Result = MessageResult<Report>;
    fn handle(&mut self, _: Report, _: &mut Context<Self>) -> Self::Result {
        MessageResult((self.chunks, self.rows.len()))
    }
}

#[actix_rt::test]
async fn streamed_walk_arrives_in_chunks() {
    let a = agent(Faults::default());
    let e = engine();
    let s = session(&e, a.addr(), fast(Version::V2c)).await;
    let c = Collector {
        chunks: 0,
        rows: Vec::new(),
    }
    .start();
    let n = s
        .send(WalkStream {
            root: oid("1.3.6.1.4.1.99999"),
            options: WalkOptions::default(),
            sink: c.clone().recipient(),
        })
        .await
        .unwrap()
        .unwrap();
    // The walk's answer comes after its last chunk was sent; let the collector drain.
    let (chunks, rows) = c.send(Report).await.unwrap();
    assert_eq!(rows, 500);
    assert!(
        chunks >= 50,
        "max-repetitions 10 gives at least 50 chunks, got {chunks}"
    );
    assert_eq!(n, 500);
    e.shutdown().await;
}

#[actix_rt::test]
async fn lost_first_transmissions_are_retried() {
    let a = agent(Faults {
        drop_first: 2,
        ..Faults::default()
    });
    let e = engine();
    let s = session(&e, a.addr(), fast(Version::V2c)).await;
    let vbs = s
        .send(Get(vec![oid("1.3.6.1.2.1.1.5.0")]))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(vbs[0].value, Value::OctetString(Cow::Borrowed(b"sim")));
    let st = e.stats().await;
    assert_eq!(
        (st.total.sent, st.total.retransmitted, st.total.received),
        (1, 2, 1)
    );
    assert_eq!(a.with(|r| r.requests()), 3);
    e.shutdown().await;
}

#[actix_rt::test]
async fn dead_agent_times_out_after_exactly_one_plus_retries_transmissions() {
    let a = agent(Faults {
        silent: true,
        ..Faults::default()
    });
    let e = engine();
    let s = session(
        &e,
        a.addr(),
        SessionConfig {
            timeout: Duration::from_millis(50),
            retries: 3,
            ..fast(Version::V2c)
        },
    )
    .await;
    match s.send(Get(vec![oid("1.3.6.1.2.1.1.5.0")])).await.unwrap() {
        Err(SnmpError::Timeout { retries: 3, agent }) => assert_eq!(agent, a.addr()),
        other => panic!("{other:?}"),
    }
    assert_eq!(a.with(|r| r.requests()), 4);
    assert_eq!(e.stats().await.total.timed_out, 1);
    e.shutdown().await;
}

/// Waits until the engine's counters satisfy `done` (an explicit condition, polled; fails after
/// 30 s rather than hang): answers the engine drops arrive after the caller's result.
async fn until_stats(e: &Engine, what: &str, done: impl Fn(&DispatcherStats) -> bool) {
    let t0 = std::time::Instant::now();
    loop {
        let st = e.stats().await;
        if done(&st) {
            return;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(30),
            "never {what}: {st:?}"
        );
        actix_rt::time::sleep(Duration::from_millis(5)).await;
    }
}

#[actix_rt::test]
async fn duplicate_answers_give_one_result_and_are_counted() {
    let a = agent(Faults {
        duplicate: true,
        ..Faults::default()
    });
    let e = engine();
    let s = session(&e, a.addr(), fast(Version::V2c)).await;
    for _ in 0..5 {
        s.send(Get(vec![oid("1.3.6.1.2.1.1.5.0")]))
            .await
            .unwrap()
            .unwrap();
    }
    until_stats(&e, "5 duplicates", |st| {
        st.total.dropped(DropReason::Duplicate) >= 5
    })
    .await;
    let st = e.stats().await;
    assert_eq!(st.total.received, 5);
    assert_eq!(st.total.dropped(DropReason::Duplicate), 5);
    assert_eq!(st.per_agent[&a.addr()].dropped(DropReason::Duplicate), 5);
    e.shutdown().await;
}

/// Answers the engine must never accept (a wrong request id; the right id from another port):
/// each is dropped and counted for its reason, and the request times out after its 3 sends.
#[actix_rt::test]
async fn misdirected_answers_are_dropped_and_the_request_times_out() {
    let cases = [
        (
            Faults {
                wrong_request_id: true,
                ..Faults::default()
            },
            DropReason::UnknownId,
        ),
        (
            Faults {
                other_port: true,
                ..Faults::default()
            },
            DropReason::WrongSource,
        ),
    ];
    for (faults, reason) in cases {
        let a = agent(faults);
        let e = engine();
        let s = session(&e, a.addr(), fast(Version::V2c)).await;
        let r = s.send(Get(vec![oid("1.3.6.1.2.1.1.5.0")])).await.unwrap();
        assert!(
            matches!(r, Err(SnmpError::Timeout { .. })),
            "{reason:?}: {r:?}"
        );
        assert_eq!(e.stats().await.total.dropped(reason), 3, "{reason:?}");
        e.shutdown().await;
    }
}

#[actix_rt::test]
async fn late_answer_after_timeout_is_counted_late() {
    let a = agent(Faults {
        delay: Duration::from_millis(300),
        ..Faults::default()
    });
    let e = engine();
    let s = session(
        &e,
        a.addr(),
        SessionConfig {
            timeout: Duration::from_millis(100),
            retries: 0,
            ..fast(Version::V2c)
        },
    )
    .await;
    let r = s.send(Get(vec![oid("1.3.6.1.2.1.1.5.0")])).await.unwrap();
    assert!(
        matches!(r, Err(SnmpError::Timeout { retries: 0, .. })),
        "{r:?}"
    );
    until_stats(&e, "a late answer", |st| st.total.dropped_total() >= 1).await;
    assert_eq!(e.stats().await.total.dropped(DropReason::Late), 1);
    e.shutdown().await;
}

#[actix_rt::test]
async fn garbage_before_the_answer_is_dropped_and_the_answer_accepted() {
    let a = agent(Faults {
        garbage_first: true,
        ..Faults::default()
    });
    let e = engine();
    let s = session(&e, a.addr(), fast(Version::V2c)).await;
    s.send(Get(vec![oid("1.3.6.1.2.1.1.5.0")]))
        .await
        .unwrap()
        .unwrap();
    until_stats(&e, "a garbage answer", |st| st.total.dropped_total() >= 1).await;
    assert_eq!(e.stats().await.total.dropped(DropReason::Undecodable), 1);
    e.shutdown().await;
}

#[actix_rt::test]
async fn too_big_splits_gets_and_halves_bulk_walks() {
    let a = agent(Faults {
        too_big_above: Some(2),
        ..Faults::default()
    });
    let e = engine();
    let s = session(&e, a.addr(), fast(Version::V2c)).await;
    let oids: Vec<Oid> = (1..=7)
        .map(|i| oid(&format!("1.3.6.1.4.1.99999.1.{i}")))
        .collect();
    let vbs = s.send(Get(oids)).await.unwrap().unwrap();
    assert_eq!(
        values(&vbs),
        (1..=7).map(Value::Gauge32).collect::<Vec<_>>()
    );
    let w = s
        .send(Walk {
            root: oid("1.3.6.1.4.1.99999"),
            options: WalkOptions::default(),
        })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(w.len(), 500);
    e.shutdown().await;
}

#[actix_rt::test]
async fn looping_agent_walk_fails_naming_both_oids() {
    let a = agent(Faults {
        non_increasing: true,
        ..Faults::default()
    });
    let e = engine();
    let s = session(&e, a.addr(), fast(Version::V2c)).await;
    let r = s
        .send(Walk {
            root: oid("1.3"),
            options: WalkOptions::default(),
        })
        .await
        .unwrap();
    match r {
        Err(SnmpError::NotIncreasing { previous, next }) => {
            assert_eq!(*next, oid("1.3.6.1.2.1.1.1.0"));
            assert!(previous >= next);
            assert!(
                r_text(&SnmpError::NotIncreasing { previous, next }).contains("1.3.6.1.2.1.1.1.0")
            );
        }
        other => panic!("{other:?}"),
    }
    // Relaxed mode keeps going until its mandatory row limit.
    let opts = WalkOptions {
        relaxed: true,
        max_rows: Some(25),
        ..WalkOptions::default()
    };
    let r = s
        .send(Walk {
            root: oid("1.3"),
            options: opts,
        })
        .await
        .unwrap();
    assert!(matches!(r, Err(SnmpError::RowLimit(25))), "{r:?}");
    e.shutdown().await;
}

fn r_text(e: &SnmpError) -> String {
    e.to_string()
}

/// Callback style: many agents at once, each answer carrying the caller's context.
struct Gather {
    answers: Vec<(usize, Result<usize, String>)>,
}
impl Actor for Gather {
    type Context = Context<Self>;
}
impl Handler<Answer<usize>> for Gather {
    type Result = ();
    fn handle(&mut self, a: Answer<usize>, _: &mut Context<Self>) {
        self.answers.push((
            a.context,
            a.result.map(|v| v.len()).map_err(|e| e.label().to_owned()),
        ));
    }
}
#[derive(Message)]
#[rtype(result = "Vec<(usize, Result<usize, String>)>")]
struct Take;
impl Handler<Take> for Gather {
    type Result = MessageResult<Take>;
    fn handle(&mut self, _: Take, _: &mut Context<Self>) -> Self::Result {
        MessageResult(std::mem::take(&mut self.answers))
    }
}

/// The first `n` answers the gatherer receives, in arrival order (polled every 50 ms; fails after
/// 30 s rather than hang).
async fn gather(g: &Addr<Gather>, n: usize) -> Vec<(usize, Result<usize, String>)> {
    let mut got = Vec::new();
    for _ in 0..600 {
        got.extend(g.send(Take).await.unwrap());
        if got.len() >= n {
            break;
        }
        actix_rt::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(got.len(), n, "answers gathered");
    got
}

#[actix_rt::test]
async fn dead_agent_does_not_slow_a_thousand_live_ones() {
    let mut agents: Vec<(SocketAddr, Responder)> = (0..1000)
        .map(|_| {
            (
                "127.0.0.1:0".parse().unwrap(),
                Responder::new(store(), "public"),
            )
        })
        .collect();
    agents.push((
        "127.0.0.1:0".parse().unwrap(),
        Responder::new(store(), "public").with_faults(Faults {
            silent: true,
            ..Faults::default()
        }),
    ));
    let farm = server::spawn_many(agents).unwrap();
    let e = Engine::start(EngineConfig::default());
    let g = Gather {
        answers: Vec::new(),
    }
    .start();
    let dead = farm.addrs()[1000];
    let cfg = SessionConfig {
        timeout: Duration::from_millis(500),
        retries: 2,
        ..SessionConfig::default()
    };
    // The dead agent is asked first.
    let mut order = vec![1000];
    order.extend(0..1000);
    for i in order {
        let a = farm.addrs()[i];
        let s = e
            .session(&a.to_string(), &a.to_string(), cfg.clone())
            .await
            .unwrap();
        s.do_send(Request {
            op: Operation::Get(vec![oid("1.3.6.1.2.1.1.1.0"), oid("1.3.6.1.2.1.1.3.0")]),
            context: i,
            reply_to: g.clone().recipient(),
        });
    }
    let got = gather(&g, 1001).await;
    // Every live agent answered before the dead one's timeout (1.5 s of waiting) ended.
    assert_eq!(
        got[1000],
        (1000, Err("timeout".to_owned())),
        "the dead agent's answer comes last"
    );
    let mut live: Vec<usize> = got[..1000]
        .iter()
        .map(|(i, r)| {
            assert_eq!(r, &Ok(2));
            *i
        })
        .collect();
    live.sort_unstable();
    assert_eq!(live, (0..1000).collect::<Vec<_>>());
    let st = e.stats().await;
    assert_eq!(st.per_agent[&dead].timed_out, 1);
    assert_eq!(st.total.received, 1000);
    e.shutdown().await;
}

#[actix_rt::test]
async fn ten_thousand_sessions_on_one_dispatcher_all_answered() {
    // 100 agents, 100 sessions (names) per agent: 10,000 session actors, one dispatcher.
    let farm = server::spawn_many(
        (0..100)
            .map(|_| {
                (
                    "127.0.0.1:0".parse().unwrap(),
                    Responder::new(store(), "public"),
                )
            })
            .collect(),
    )
    .unwrap();
    let e = engine();
    let g = Gather {
        answers: Vec::new(),
    }
    .start();
    let cfg = SessionConfig {
        timeout: Duration::from_secs(2),
        retries: 3,
        ..SessionConfig::default()
    };
    for i in 0..10_000usize {
        let a = farm.addrs()[i % 100];
        let s = e
            .session(&format!("s{i}"), &a.to_string(), cfg.clone())
            .await
            .unwrap();
        s.do_send(Request {
            op: Operation::Get(vec![oid(&format!("1.3.6.1.4.1.99999.1.{}", i % 500 + 1))]),
            context: i,
            reply_to: g.clone().recipient(),
        });
    }
    assert_eq!(e.names().len(), 10_000);
    let got = gather(&g, 10_000).await;
    assert!(
        got.iter().all(|(_, r)| r == &Ok(1)),
        "{:?}",
        got.iter().find(|(_, r)| r != &Ok(1))
    );
    assert_eq!(e.stats().await.total.received, 10_000);
    e.shutdown().await;
}

#[actix_rt::test]
async fn shutdown_fails_in_flight_requests_and_nothing_hangs() {
    let a = agent(Faults {
        silent: true,
        ..Faults::default()
    });
    let e = engine();
    let s = session(
        &e,
        a.addr(),
        SessionConfig {
            timeout: Duration::from_secs(30),
            ..fast(Version::V2c)
        },
    )
    .await;
    let pending = s.send(Get(vec![oid("1.3.6.1.2.1.1.5.0")]));
    let e2 = e.clone();
    actix_rt::spawn(async move {
        actix_rt::time::sleep(Duration::from_millis(100)).await;
        e2.shutdown().await;
    });
    let r = actix_rt::time::timeout(Duration::from_secs(10), pending)
        .await
        .expect("no hang");
    assert!(
        matches!(
            r,
            Ok(Err(SnmpError::ShuttingDown)) | Err(MailboxError::Closed)
        ),
        "{r:?}"
    );
}

/// An operation that ends while another of its requests is in flight frees that request's slot:
/// the per-agent in-flight limit must not shrink for good.
#[actix_rt::test]
async fn ending_an_operation_frees_the_slots_of_its_requests_in_flight() {
    let a = agent(Faults {
        too_big_above: Some(0),
        ..Faults::default()
    });
    let e = engine();
    let cfg = SessionConfig {
        max_oids: 1,
        max_in_flight: 2,
        timeout: Duration::from_millis(200),
        retries: 5,
        ..fast(Version::V2c)
    };
    let s = session(&e, a.addr(), cfg).await;
    for _ in 0..3 {
        // The next request is lost (its part stays in flight, retransmitting); the other part's
        // answer is tooBig, which ends the operation and cancels the lost one.
        a.with(|r| r.faults.drop_first = u32::try_from(r.requests()).unwrap() + 1);
        let r = actix_rt::time::timeout(
            Duration::from_secs(5),
            s.send(Get(vec![
                oid("1.3.6.1.2.1.1.1.0"),
                oid("1.3.6.1.2.1.1.3.0"),
            ])),
        )
        .await
        .expect("the operation must not wait for a slot that leaked")
        .unwrap();
        assert!(matches!(r, Err(SnmpError::TooBig)), "{r:?}");
    }
    e.shutdown().await;
}

/// Stands in for a dispatcher that dies with requests in flight: it keeps every request it is
/// given, never answers, and stops on [`Die`] (what a dispatcher whose actor stops or panics
/// leaves behind: its state, the requests in flight with it, is dropped).
#[derive(Default)]
struct HoardingDispatcher {
    kept: Vec<Submit>,
}

impl Actor for HoardingDispatcher {
    type Context = Context<Self>;
}

impl Handler<Submit> for HoardingDispatcher {
    type Result = ();
    fn handle(&mut self, m: Submit, _: &mut Context<Self>) {
        self.kept.push(m);
    }
}

impl Handler<Cancel> for HoardingDispatcher {
    type Result = ();
    fn handle(&mut self, _: Cancel, _: &mut Context<Self>) {}
}

#[derive(Message)]
#[rtype(result = "usize")]
struct Die;

impl Handler<Die> for HoardingDispatcher {
    type Result = usize;
    fn handle(&mut self, _: Die, ctx: &mut Context<Self>) -> usize {
        ctx.stop();
        self.kept.len()
    }
}

// See: issue 12 (a session ignored a dead dispatcher: its callers waited forever), and issue
// 13 (the watchdog that guarded against it cost a timer per request; each request's `ReplyTo`
// now fails it when the dispatcher drops it unanswered).
#[actix_rt::test]
async fn every_caller_gets_an_error_when_the_dispatcher_dies_mid_request() {
    let d = HoardingDispatcher::default().start();
    let config = SessionConfig {
        timeout: Duration::from_secs(1),
        retries: 1,
        max_in_flight: 2,
        ..fast(Version::V2c)
    };
    let s = Session::new(
        "orphan".into(),
        "127.0.0.1:9".parse().unwrap(),
        config,
        d.clone().recipient(),
        d.clone().recipient(),
        UsmCache::new(),
    )
    .start();
    // Three callers: two requests go to the dispatcher, the third waits in the session's
    // queue behind `max_in_flight`.
    let mut calls: Vec<_> = (0..3)
        .map(|_| Box::pin(s.send(Get(vec![oid("1.3.6.1.2.1.1.5.0")]))))
        .collect();
    // While the dispatcher lives, nobody is failed for it, not even past every deadline the
    // session's policy has (a live dispatcher answers by its own timeout).
    let waited = actix_rt::time::timeout(
        Duration::from_millis(500),
        futures_util::future::select_all(calls.iter_mut()),
    )
    .await;
    assert!(
        waited.is_err(),
        "a caller was answered by a live dispatcher that never answers"
    );
    assert_eq!(
        d.send(Die).await.unwrap(),
        2,
        "two requests in flight when it died"
    );
    // Dying, it drops both requests in flight: each fails at once; the queued one then finds
    // the dispatcher stopped and fails at once too.
    let t0 = std::time::Instant::now();
    for call in calls {
        let r = actix_rt::time::timeout(Duration::from_secs(5), call)
            .await
            .expect("a caller was left waiting")
            .unwrap();
        assert!(matches!(r, Err(SnmpError::DispatcherGone)), "{r:?}");
    }
    assert!(
        t0.elapsed() < Duration::from_secs(1),
        "the failures waited for a timer: {:?}",
        t0.elapsed()
    );
    // Once the dispatcher is gone, a new request fails at once.
    let r = s.send(Get(vec![oid("1.3.6.1.2.1.1.5.0")])).await.unwrap();
    assert!(matches!(r, Err(SnmpError::DispatcherGone)), "{r:?}");
}

/// Counts the answers of a flood by outcome.
#[derive(Default)]
struct Tally {
    backpressure: usize,
    other: usize,
}

impl Actor for Tally {
    type Context = Context<Self>;
}

impl Handler<Answer<usize>> for Tally {
    type Result = ();
    fn handle(&mut self, a: Answer<usize>, _: &mut Context<Self>) {
        match a.result {
            Err(SnmpError::Backpressure { .. }) => self.backpressure += 1,
            _ => self.other += 1,
        }
    }
}

#[derive(Message)]
#[rtype(result = "(usize, usize)")]
struct Count;

impl Handler<Count> for Tally {
    type Result = MessageResult<Count>;
    fn handle(&mut self, _: Count, _: &mut Context<Self>) -> Self::Result {
        MessageResult((self.backpressure, self.other))
    }
}

// See: issue 12 (the session queue was unbounded: a flood to a slow agent grew without limit).
#[actix_rt::test]
async fn a_flood_to_a_slow_agent_gets_backpressure_errors_beyond_the_queue_limit() {
    let a = agent(Faults {
        silent: true,
        ..Faults::default()
    });
    let e = engine();
    let s = session(
        &e,
        a.addr(),
        SessionConfig {
            timeout: Duration::from_millis(200),
            retries: 0,
            max_in_flight: 2,
            max_queued: 50,
            ..fast(Version::V2c)
        },
    )
    .await;
    let tally = Tally::default().start();
    for i in 0..1000usize {
        s.do_send(Request {
            op: Operation::Get(vec![oid("1.3.6.1.2.1.1.5.0")]),
            context: i,
            reply_to: tally.clone().recipient(),
        });
    }
    // The first 52 are taken (2 in flight, 50 queued); the others are refused at once (a
    // few more are taken should a timeout free a slot while the flood is still arriving).
    // Every request gets its one answer.
    let t0 = std::time::Instant::now();
    loop {
        let (refused, other) = tally.send(Count).await.unwrap();
        if refused + other == 1000 {
            assert!(other >= 52, "{other} taken");
            assert!(refused >= 900, "{refused} refused");
            break;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(60),
            "{refused} + {other}"
        );
        actix_rt::time::sleep(Duration::from_millis(20)).await;
    }
    e.shutdown().await;
}

/// Sessions a command made for itself (`get 127.0.0.1:161 ...`, `TARGET#HASH`) are evicted once
/// idle, with the per-agent counters and SNMPv3 engine records they leave; busy ones, defined
/// ones and counters still used by another session stay.
// See: issue 12
#[actix_rt::test]
async fn idle_adhoc_sessions_are_evicted_with_their_counters_and_usm_records() {
    use snmpact::usm::User;
    let v2 = agent(Faults::default());
    let v3 = v3_agent(1161);
    let silent = agent(Faults {
        silent: true,
        ..Faults::default()
    });
    let e = engine();
    assert_eq!(e.adhoc_idle(), snmpact::engine::DEFAULT_ADHOC_IDLE);
    let (a, b, c) = (
        v2.addr().to_string(),
        v3.addr().to_string(),
        silent.addr().to_string(),
    );
    let get = || Get(vec![oid("1.3.6.1.2.1.1.5.0")]);
    let defined = e.session("defined", &a, fast(Version::V2c)).await.unwrap();
    let same_agent = e
        .adhoc_session(&format!("{a}#1"), &a, fast(Version::V2c))
        .await
        .unwrap();
    let v3_cfg = SessionConfig {
        user: Some(std::sync::Arc::new(User::new("nobody"))),
        ..fast(Version::V3)
    };
    let usm_only = e.adhoc_session(&b, &b, v3_cfg).await.unwrap();
    let busy = e
        .adhoc_session(
            &c,
            &c,
            SessionConfig {
                timeout: Duration::from_secs(30),
                ..fast(Version::V2c)
            },
        )
        .await
        .unwrap();
    for s in [&defined, &same_agent, &usm_only] {
        s.send(get()).await.unwrap().unwrap();
    }
    // Queued before the eviction's question, so the session is busy when asked.
    busy.do_send(get());
    let silent_addr = silent.addr();
    until_stats(&e, "the busy request in flight", |st| {
        st.per_agent
            .get(&silent_addr)
            .is_some_and(|c| c.in_flight == 1)
    })
    .await;
    let st = e.stats().await;
    for x in [v2.addr(), v3.addr(), silent.addr()] {
        assert!(st.per_agent.contains_key(&x), "{x} counted: {st:?}");
    }
    assert_eq!(e.usm_cache().engines(), 1);
    assert_eq!(e.names().len(), 4);

    // Idle, but not for an hour: nothing goes.
    assert_eq!(e.evict_idle_adhoc(Duration::from_secs(3600)).await, 0);
    assert_eq!(e.names().len(), 4);

    assert_eq!(e.evict_idle_adhoc(Duration::ZERO).await, 2);
    let mut left = vec!["defined".to_owned(), c.clone()];
    left.sort();
    assert_eq!(e.names(), left, "the defined and the busy session stay");
    let st = e.stats().await;
    assert!(
        st.per_agent.contains_key(&v2.addr()),
        "still used by the defined session"
    );
    assert!(
        !st.per_agent.contains_key(&v3.addr()),
        "evicted agent's counters pruned: {st:?}"
    );
    assert!(st.per_agent.contains_key(&silent.addr()), "busy agent kept");
    assert_eq!(e.usm_cache().engines(), 0, "the v3 engine record is pruned");
    // The evicted session ended: a new one is made on the next command, and works.
    let again = e.adhoc_session(&b, &b, fast(Version::V2c)).await.unwrap();
    assert!(again != usm_only);
    again.send(get()).await.unwrap().unwrap();
    e.shutdown().await;
}

/// An engine whose session actors retire after `idle`.
fn retiring_engine(idle: Duration) -> Engine {
    Engine::start(EngineConfig {
        shards: 1,
        session_idle: idle,
        ..EngineConfig::default()
    })
}

/// Waits until `s`'s actor has retired (bounded, like `until_stats`).
async fn until_dormant(s: &SessionHandle) {
    let t0 = std::time::Instant::now();
    while s.is_active() {
        assert!(
            t0.elapsed() < Duration::from_secs(30),
            "never retired: {s:?}"
        );
        actix_rt::time::sleep(Duration::from_millis(5)).await;
    }
}

// See: issue 13 (an idle session cost a running actor, 1.8 KB).
#[actix_rt::test]
async fn a_dormant_session_starts_on_its_first_request_and_retires_when_idle() {
    let a = agent(Faults::default());
    let e = retiring_engine(Duration::from_millis(50));
    let s = session(&e, a.addr(), fast(Version::V2c)).await;
    assert!(!s.is_active(), "opening a session starts no actor");
    assert_eq!(e.active_sessions(), 0);
    let get = || Get(vec![oid("1.3.6.1.2.1.1.5.0")]);
    let vbs = s.send(get()).await.unwrap().unwrap();
    assert_eq!(vbs[0].value, Value::OctetString(Cow::Borrowed(b"sim")));
    // The first actor retires as soon as it is done; the second one runs until idle.
    until_dormant(&s).await;
    let vbs = s.send(get()).await.unwrap().unwrap();
    assert_eq!(vbs.len(), 1);
    assert!(
        s.is_active(),
        "the second request started an actor that stays"
    );
    assert_eq!(e.active_sessions(), 1);
    until_dormant(&s).await;
    assert_eq!(e.active_sessions(), 0);
    assert!(s.idle_since().await.is_some(), "a dormant session is idle");
    // The per-agent counters survive the actor; the next request starts a new one.
    let st = e.stats().await;
    assert_eq!(
        (
            st.per_agent[&a.addr()].sent,
            st.per_agent[&a.addr()].received
        ),
        (2, 2)
    );
    let vbs = s.send(get()).await.unwrap().unwrap();
    assert_eq!(vbs.len(), 1);
    let st = e.stats().await;
    assert_eq!(
        (
            st.per_agent[&a.addr()].sent,
            st.per_agent[&a.addr()].received
        ),
        (3, 3)
    );
    // The registry hands out the same registration.
    assert!(session(&e, a.addr(), fast(Version::V2c)).await == s);
    e.shutdown().await;
}

// See: issue 13 (10,000 sessions used once held 10,000 running actors: 1,970 B a session).
#[actix_rt::test]
async fn a_session_used_once_retires_at_once_and_one_used_again_stays() {
    let a = agent(Faults::default());
    // An idle time far beyond the test's bound: only the first actor's early retirement ends.
    let e = retiring_engine(Duration::from_secs(3600));
    let sessions = {
        let mut v = Vec::new();
        for i in 0..20 {
            let t = a.addr().to_string();
            v.push(
                e.session(&format!("s{i}"), &t, fast(Version::V2c))
                    .await
                    .unwrap(),
            );
        }
        v
    };
    let get = || Get(vec![oid("1.3.6.1.2.1.1.5.0")]);
    for s in &sessions {
        s.send(get()).await.unwrap().unwrap();
    }
    for s in &sessions {
        until_dormant(s).await;
    }
    assert_eq!(e.active_sessions(), 0);
    // Used again: this actor stays for the idle time.
    sessions[0].send(get()).await.unwrap().unwrap();
    actix_rt::time::sleep(Duration::from_millis(100)).await;
    assert!(sessions[0].is_active());
    assert_eq!(e.active_sessions(), 1);
    e.shutdown().await;
}

#[actix_rt::test]
async fn sessions_never_retire_with_a_zero_idle_time() {
    let a = agent(Faults::default());
    let e = retiring_engine(Duration::ZERO);
    let s = session(&e, a.addr(), fast(Version::V2c)).await;
    s.send(Get(vec![oid("1.3.6.1.2.1.1.5.0")]))
        .await
        .unwrap()
        .unwrap();
    // Long enough for a retire timer of any non-zero setting below it to have fired.
    actix_rt::time::sleep(Duration::from_millis(200)).await;
    assert!(s.is_active());
    e.shutdown().await;
}

#[actix_rt::test]
async fn requests_racing_activation_and_retirement_are_all_answered() {
    let a = agent(Faults::default());
    // Retires after 1 ms idle: most requests below meet an actor that is retiring or gone.
    let e = retiring_engine(Duration::from_millis(1));
    let s = session(&e, a.addr(), fast(Version::V2c)).await;
    let get = || Get(vec![oid("1.3.6.1.2.1.1.5.0")]);
    for i in 0..300u64 {
        let r = s.send(get()).await.unwrap();
        assert!(r.is_ok(), "request {i}: {r:?}");
        // Pauses around the retire time, from none to 2 ms.
        if i % 3 != 0 {
            actix_rt::time::sleep(Duration::from_micros(700 * (i % 4))).await;
        }
    }
    // Many callers at once, from another thread too.
    let s2 = s.clone();
    let other = std::thread::spawn(move || {
        System::new().block_on(async move {
            let mut ok = 0;
            for _ in 0..100 {
                if matches!(s2.send(get()).await, Ok(Ok(_))) {
                    ok += 1;
                }
                actix_rt::time::sleep(Duration::from_millis(1)).await;
            }
            ok
        })
    });
    let mut ok = 0;
    for _ in 0..100 {
        if matches!(s.send(get()).await, Ok(Ok(_))) {
            ok += 1;
        }
        actix_rt::time::sleep(Duration::from_millis(1)).await;
    }
    assert_eq!(ok, 100);
    // Joined off this arbiter: the session runs on it, so blocking here would stall the other
    // thread's requests.
    let theirs = actix_rt::task::spawn_blocking(move || other.join())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(theirs, 100);
    let st = e.stats().await;
    assert_eq!(st.per_agent[&a.addr()].received, 500);
    e.shutdown().await;
}

#[actix_rt::test]
async fn a_v3_session_comes_back_without_a_new_discovery() {
    use snmpact::usm::User;
    let v3 = v3_agent(1162);
    let e = retiring_engine(Duration::from_millis(50));
    let cfg = SessionConfig {
        user: Some(std::sync::Arc::new(User::new("nobody"))),
        ..fast(Version::V3)
    };
    let s = session(&e, v3.addr(), cfg).await;
    let get = || Get(vec![oid("1.3.6.1.2.1.1.5.0")]);
    s.send(get()).await.unwrap().unwrap();
    let first = e.stats().await.per_agent[&v3.addr()].sent;
    assert_eq!(first, 2, "a discovery probe and the GET");
    until_dormant(&s).await;
    s.send(get()).await.unwrap().unwrap();
    let st = e.stats().await;
    assert_eq!(
        st.per_agent[&v3.addr()].sent,
        first + 1,
        "only the GET: the agent's engine is remembered in the shared cache"
    );
    e.shutdown().await;
}

#[actix_rt::test]
async fn dormant_ad_hoc_sessions_are_evicted_and_removed_ones_refuse() {
    let a = agent(Faults::default());
    let e = retiring_engine(Duration::from_millis(20));
    let t = a.addr().to_string();
    let used = e
        .adhoc_session(&format!("{t}#1"), &t, fast(Version::V2c))
        .await
        .unwrap();
    let never = e
        .adhoc_session(&format!("{t}#2"), &t, fast(Version::V2c))
        .await
        .unwrap();
    let get = || Get(vec![oid("1.3.6.1.2.1.1.5.0")]);
    used.send(get()).await.unwrap().unwrap();
    until_dormant(&used).await;
    assert!(!never.is_active());
    assert_eq!(e.evict_idle_adhoc(Duration::from_secs(3600)).await, 0);
    assert_eq!(e.evict_idle_adhoc(Duration::ZERO).await, 2);
    assert!(e.names().is_empty());
    assert!(!e.stats().await.per_agent.contains_key(&a.addr()));
    // A handle kept past its removal does not bring the session back.
    assert!(matches!(used.send(get()).await, Err(MailboxError::Closed)));
    assert!(!used.is_active());
    // Removing an active session stops it; its handle refuses from then on.
    let kept = e.session("kept", &t, fast(Version::V2c)).await.unwrap();
    kept.send(get()).await.unwrap().unwrap();
    assert!(e.remove("kept"));
    assert!(matches!(kept.send(get()).await, Err(MailboxError::Closed)));
    e.shutdown().await;
}

// See: issue 14. An answered request leaves no timer behind: the dispatcher's retransmission
// timer does not wake the thread once the answer is in, nor does anything of the session's
// (the poller paid a wake-up or two per step for them). One shard, so the dispatcher and the session
// run on this thread; the wait below is this thread's only timer.
#[actix_rt::test]
async fn an_answered_request_leaves_no_timer_to_wake_the_thread() {
    let a = agent(Faults::default());
    let e = Engine::start(EngineConfig {
        shards: 1,
        session_idle: Duration::ZERO,
        ..EngineConfig::default()
    });
    let cfg = fast(Version::V2c);
    // Past the request's last retransmission deadline, with room to spare.
    let quiet = cfg.timeout * (cfg.retries + 1) + Duration::from_millis(2500);
    let s = session(&e, a.addr(), cfg).await;
    let get = || s.send(Get(vec![oid("1.3.6.1.2.1.1.5.0")]));
    get().await.unwrap().unwrap();
    let before = crate::harness::process::wakeups_of_this_thread();
    actix_rt::time::sleep(quiet).await;
    let woken = crate::harness::process::wakeups_of_this_thread() - before;
    // The sleep itself: one wake-up, or two when tokio's timer wheel moves it down a level.
    assert!(
        woken <= 2,
        "the thread woke {woken} times in {quiet:?} with nothing in flight"
    );
    // Still working afterwards.
    get().await.unwrap().unwrap();
    e.shutdown().await;
}

// A socket that cannot be bound fails every request at once with an error that names the
// address, is not tried again for each request (a failed port-0 bind on a busy host scans every
// local port: retried per request it took a whole core), and is tried again after
// `BIND_RETRY`: once the address is free, requests work.
#[actix_rt::test]
async fn an_unbindable_socket_fails_requests_clearly_and_recovers() {
    let a = agent(Faults::default());
    let blocker = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let taken = blocker.local_addr().unwrap();
    let e = Engine::start(EngineConfig {
        shards: 1,
        binding: snmpact::dispatcher::Binding {
            v4: taken,
            ..snmpact::dispatcher::Binding::default()
        },
        ..EngineConfig::default()
    });
    let s = session(&e, a.addr(), fast(Version::V2c)).await;
    let get = || s.send(Get(vec![oid("1.3.6.1.2.1.1.5.0")]));
    for _ in 0..50 {
        let err = get().await.unwrap().unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains(&format!("cannot bind {taken}")),
            "unexpected error: {text}"
        );
    }
    assert_eq!(a.requests(), 0, "nothing was sent");
    drop(blocker);
    actix_rt::time::sleep(snmpact::dispatcher::BIND_RETRY).await;
    let vbs = get()
        .await
        .unwrap()
        .expect("bound once the address is free");
    assert_eq!(
        values(&vbs),
        vec![Value::OctetString(Cow::Borrowed(b"sim"))]
    );
    e.shutdown().await;
}

// See: issue 14. The poller's step alarm 150 ms ahead wakes a current-thread runtime's thread
// once, where tokio's own sleep moves the timer down its wheel first and wakes it twice.
#[cfg(target_os = "linux")]
#[test]
fn a_far_alarm_wakes_the_thread_once_and_tokios_sleep_twice() {
    use crate::harness::process::wakeups_of_this_thread;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        // Warm up (the first registration may grow the reactor's slab).
        snmpact::alarm::sleep(Duration::from_millis(1)).await;
        let wait = Duration::from_millis(150);
        let mut reused = snmpact::alarm::Alarm::new();
        reused.sleep(Duration::from_millis(1)).await;
        let (mut alarm, mut again, mut sleep) = (u64::MAX, u64::MAX, u64::MAX);
        for _ in 0..3 {
            let before = wakeups_of_this_thread();
            snmpact::alarm::sleep(wait).await;
            alarm = alarm.min(wakeups_of_this_thread() - before);
            // A reused alarm, once cancelled and re-armed: still one wake-up.
            drop(reused.sleep(Duration::from_millis(20)));
            let before = wakeups_of_this_thread();
            reused.sleep(wait).await;
            again = again.min(wakeups_of_this_thread() - before);
            let before = wakeups_of_this_thread();
            tokio::time::sleep(wait).await;
            sleep = sleep.min(wakeups_of_this_thread() - before);
        }
        assert_eq!(
            (alarm, again, sleep),
            (1, 1, 2),
            "wake-ups for (the alarm, a reused alarm, tokio's sleep)"
        );
    });
}
