//! The poller against simulated agents on loopback: samples at the configured interval with the
//! right values, Counter32/Counter64 wraps, agent restarts, dead agents, run-time changes and
//! reloads, file outputs, and a real Prometheus server scraping the endpoint.
//!
//! Intervals are short (a few hundred ms). Assertions are on counts, values and ordering (slot
//! instants are exact multiples of the interval); timeouts are safety nets only.

use std::borrow::Cow;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::Ordering;
use std::time::Duration;

use actix::Addr;
use snmpact::config::{self, AgentSettings, Settings};
use snmpact::oid::Oid;
use snmpact::output::{self, Outputs};
use snmpact::pdu::Value;
use snmpact::poller::{
    self, AddAgent, AddJob, CycleReport, Event, GetStats, Poller, Reload, RemoveAgent, RemoveJob,
    Sample, SkipReason,
};
use snmpact::simulator::agent::server::{self, AgentsHandle};
use snmpact::simulator::agent::{Faults, Responder, Store};
use snmpact::{Engine, EngineConfig};
use tokio::sync::mpsc::UnboundedReceiver;

use crate::harness::process::{http_get, scratch_dir};
use crate::harness::prometheus::Prometheus;

/// Safety net for waits that should take well under a second.
const PATIENCE: Duration = Duration::from_secs(30);

fn oid(s: &str) -> Oid {
    s.parse().unwrap()
}

const UPTIME: &str = "1.3.6.1.2.1.1.3.0";
const SYSNAME: &str = "1.3.6.1.2.1.1.5.0";
const IF_IN: &str = "1.3.6.1.2.1.2.2.1.10.1"; // ifInOctets.1, Counter32
const IF_HC_IN: &str = "1.3.6.1.2.1.31.1.1.1.6.1"; // ifHCInOctets.1, Counter64

fn store(name: &str) -> Store {
    [
        (UPTIME, Value::TimeTicks(1000)),
        (
            SYSNAME,
            Value::OctetString(Cow::Owned(name.as_bytes().to_vec())),
        ),
        (IF_IN, Value::Counter32(1000)),
        (IF_HC_IN, Value::Counter64(5000)),
        ("1.3.6.1.2.1.31.1.1.1.6.2", Value::Counter64(6000)),
    ]
    .into_iter()
    .map(|(o, v)| (oid(o), v))
    .collect()
}

fn agents(names: &[&str]) -> AgentsHandle {
    server::spawn_many(
        names
            .iter()
            .map(|n| {
                (
                    "127.0.0.1:0".parse().unwrap(),
                    Responder::new(store(n), "public"),
                )
            })
            .collect(),
    )
    .unwrap()
}

/// Loads `text` as a configuration file.
fn settings(text: &str) -> Settings {
    let path = scratch_dir("cfg").join("snmpact.toml");
    std::fs::write(&path, text).unwrap();
    config::load_with_env(&[path], &[], &[]).unwrap()
}

fn agent_lines(pairs: &[(&str, SocketAddr)], extra: &str) -> String {
    pairs
        .iter()
        .map(|(n, a)| format!("[agents.{n}]\naddress = \"{a}\"\n{extra}\n"))
        .collect()
}

fn engine() -> Engine {
    Engine::start(EngineConfig {
        shards: 1,
        ..EngineConfig::default()
    })
}

async fn next_event(rx: &mut UnboundedReceiver<Event>) -> Event {
    tokio::time::timeout(PATIENCE, rx.recv())
        .await
        .expect("no event in time")
        .expect("channel closed")
}

/// Events until `done` says stop (each event is kept).
async fn collect_until(
    rx: &mut UnboundedReceiver<Event>,
    mut done: impl FnMut(&[Event]) -> bool,
) -> Vec<Event> {
    let mut seen = Vec::new();
    while !done(&seen) {
        seen.push(next_event(rx).await);
    }
    seen
}

fn cycles<'a>(events: &'a [Event], agent: &str) -> Vec<&'a CycleReport> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Cycle(r) if &*r.agent == agent => Some(&**r),
            _ => None,
        })
        .collect()
}

fn value<'a>(r: &'a CycleReport, o: &str) -> Option<&'a Sample> {
    r.samples.iter().find(|s| s.varbind.oid == oid(o))
}

fn start(s: &Settings) -> (Engine, Addr<Poller>, UnboundedReceiver<Event>) {
    let e = engine();
    let (outputs, rx) = Outputs::new().channel("test");
    let p = poller::start(e.clone(), s, outputs);
    (e, p, rx)
}

#[actix_rt::test]
async fn samples_arrive_at_the_interval_with_the_right_values() {
    let a = agents(&["r1", "r2", "r3"]);
    let names = ["r1", "r2", "r3"];
    let pairs: Vec<(&str, SocketAddr)> = names.iter().copied().zip(a.addrs().to_vec()).collect();
    let s = settings(&format!(
        "{}[jobs.j]\nagents = [\"*\"]\ninterval = \"200ms\"\nscalars = [\"sysName.0\", \"sysUpTime.0\"]\nwalks = [\"ifHCInOctets\"]\n",
        agent_lines(&pairs, "")
    ));
    let (e, p, mut rx) = start(&s);
    let events = collect_until(&mut rx, |ev| names.iter().all(|n| cycles(ev, n).len() >= 4)).await;
    let mut first_slots = Vec::new();
    for n in names {
        let rs = cycles(&events, n);
        first_slots.push(rs[0].slot);
        for r in &rs {
            assert!(r.errors.is_empty(), "{:?}", r.errors);
            assert_eq!(&*r.job, "j");
            let got: Vec<(String, Value<'static>)> = r
                .samples
                .iter()
                .map(|s| (s.varbind.oid.to_string(), s.varbind.value.clone()))
                .collect();
            assert_eq!(
                got,
                [
                    (
                        SYSNAME.to_owned(),
                        Value::OctetString(Cow::Owned(n.as_bytes().to_vec()))
                    ),
                    (UPTIME.to_owned(), Value::TimeTicks(1000)),
                    (IF_HC_IN.to_owned(), Value::Counter64(5000)),
                    (
                        "1.3.6.1.2.1.31.1.1.1.6.2".to_owned(),
                        Value::Counter64(6000)
                    ),
                ]
            );
            assert!(r.samples.iter().all(|s| s.rate.is_none()));
        }
        // Consecutive cycles are exactly one interval apart: none skipped, none doubled.
        for w in rs.windows(2) {
            assert_eq!(w[1].slot - w[0].slot, Duration::from_millis(200), "{n}");
        }
    }
    // Spread: the three agents have three different phases.
    first_slots.sort();
    first_slots.dedup();
    assert_eq!(first_slots.len(), 3);
    let stats = p.send(GetStats).await.unwrap();
    let j = &stats.jobs["j"];
    assert_eq!(j.agents, 3);
    assert!(j.ok >= 12, "{j:?}");
    assert_eq!(j.failed, 0);
    assert!(j.skipped.is_empty(), "{j:?}");
    e.shutdown().await;
    drop(a);
}

#[actix_rt::test]
async fn wrapping_counters_give_the_right_rate() {
    let a = agents(&["w"]);
    let s = settings(&format!(
        "{}[jobs.j]\nagents = [\"w\"]\ninterval = \"150ms\"\nscalars = [\"ifInOctets.1\", \"ifHCInOctets.1\"]\nrates = [\"ifInOctets\", \"ifHCInOctets\"]\n",
        agent_lines(&[("w", a.addr())], "")
    ));
    a.with(|r| {
        r.store.insert(oid(IF_IN), Value::Counter32(u32::MAX - 299));
        r.store
            .insert(oid(IF_HC_IN), Value::Counter64(u64::MAX - 99));
    });
    let (e, _p, mut rx) = start(&s);
    // The first cycle: values, no rate yet. sysUpTime was fetched but is not a sample.
    let first = collect_until(&mut rx, |ev| !cycles(ev, "w").is_empty()).await;
    let r = cycles(&first, "w")[0];
    assert_eq!(r.samples.len(), 2);
    assert!(value(r, UPTIME).is_none());
    assert_eq!(value(r, IF_IN).unwrap().rate, None);
    // Ten seconds of agent time later, both counters wrapped: +1000 and +1000.
    a.with(|r| {
        r.store.insert(oid(UPTIME), Value::TimeTicks(2000));
        r.store.insert(oid(IF_IN), Value::Counter32(700));
        r.store.insert(oid(IF_HC_IN), Value::Counter64(900));
    });
    let events = collect_until(&mut rx, |ev| {
        cycles(ev, "w")
            .iter()
            .any(|r| value(r, IF_IN).unwrap().varbind.value == Value::Counter32(700))
    })
    .await;
    let r = *cycles(&events, "w").last().unwrap();
    assert_eq!(value(r, IF_IN).unwrap().rate, Some(100.0));
    assert_eq!(value(r, IF_HC_IN).unwrap().rate, Some(100.0));
    assert!(!r.restarted);
    e.shutdown().await;
}

#[actix_rt::test]
async fn a_restarted_agent_gives_no_spike() {
    let a = agents(&["x"]);
    let s = settings(&format!(
        "{}[jobs.j]\nagents = [\"x\"]\ninterval = \"150ms\"\nscalars = [\"sysUpTime.0\", \"ifInOctets.1\"]\nrates = [\"ifInOctets\"]\n",
        agent_lines(&[("x", a.addr())], "")
    ));
    a.with(|r| {
        r.store.insert(oid(UPTIME), Value::TimeTicks(500_000));
        r.store.insert(oid(IF_IN), Value::Counter32(3_000_000_000));
    });
    let (e, p, mut rx) = start(&s);
    collect_until(&mut rx, |ev| !cycles(ev, "x").is_empty()).await;
    // Restart: uptime back to 1 s, counters from zero. Counter32 going down would otherwise
    // read as a wrap: a spike of about 1.3e9 octets.
    a.with(|r| {
        r.store.insert(oid(UPTIME), Value::TimeTicks(100));
        r.store.insert(oid(IF_IN), Value::Counter32(50));
    });
    let events = collect_until(&mut rx, |ev| {
        cycles(ev, "x")
            .iter()
            .any(|r| value(r, IF_IN).unwrap().varbind.value == Value::Counter32(50))
    })
    .await;
    let r = *cycles(&events, "x").last().unwrap();
    assert!(r.restarted);
    assert_eq!(value(r, IF_IN).unwrap().rate, None);
    // The uptime the job asked for is a sample (not hidden).
    assert_eq!(
        value(r, UPTIME).unwrap().varbind.value,
        Value::TimeTicks(100)
    );
    // Ten seconds later (agent clock): a normal rate again.
    a.with(|r| {
        r.store.insert(oid(UPTIME), Value::TimeTicks(1100));
        r.store.insert(oid(IF_IN), Value::Counter32(1050));
    });
    let events = collect_until(&mut rx, |ev| {
        cycles(ev, "x")
            .iter()
            .any(|r| value(r, IF_IN).unwrap().varbind.value == Value::Counter32(1050))
    })
    .await;
    let r = *cycles(&events, "x").last().unwrap();
    assert!(!r.restarted);
    assert_eq!(value(r, IF_IN).unwrap().rate, Some(100.0));
    assert_eq!(p.send(GetStats).await.unwrap().jobs["j"].restarts, 1);
    e.shutdown().await;
}

#[actix_rt::test]
async fn a_dead_agent_is_reported_and_does_not_delay_the_others() {
    let a = agents(&["l1", "l2", "dead"]);
    a.with_agent(2, |r| {
        r.set_faults(Faults {
            silent: true,
            ..Faults::default()
        });
    });
    let addrs = a.addrs().to_vec();
    // The dead agent's requests take 2 x 300 ms to time out: longer than the 200 ms interval.
    let s = settings(&format!(
        "{}[agents.dead]\naddress = \"{}\"\ntimeout = \"300ms\"\nretries = 1\n\
         [jobs.j]\nagents = [\"*\"]\ninterval = \"200ms\"\nscalars = [\"sysName.0\"]\n",
        agent_lines(&[("l1", addrs[0]), ("l2", addrs[1])], ""),
        addrs[2]
    ));
    let (e, p, mut rx) = start(&s);
    let events = collect_until(&mut rx, |ev| {
        let dead_reports = cycles(ev, "dead").len();
        let backoffs = ev
            .iter()
            .filter(|e| {
                matches!(e, Event::Skipped(s) if &*s.agent == "dead" && s.reason == SkipReason::Backoff)
            })
            .count();
        dead_reports >= 2 && backoffs >= 1
    })
    .await;
    for r in cycles(&events, "dead") {
        assert!(r.samples.is_empty());
        assert_eq!(r.errors.len(), 1);
        assert_eq!(r.errors[0].error.label(), "timeout");
    }
    // The live agents went on at every slot while the dead one timed out.
    for n in ["l1", "l2"] {
        let rs = cycles(&events, n);
        assert!(rs.len() >= 5, "{n}: {}", rs.len());
        assert!(rs.iter().all(|r| r.errors.is_empty()));
        for w in rs.windows(2) {
            assert_eq!(w[1].slot - w[0].slot, Duration::from_millis(200), "{n}");
        }
        assert!(
            !events
                .iter()
                .any(|e| matches!(e, Event::Skipped(s) if &*s.agent == n))
        );
    }
    let stats = p.send(GetStats).await.unwrap();
    assert_eq!(stats.agents_down, ["dead"]);
    let j = &stats.jobs["j"];
    assert!(j.errors["timeout"] >= 2, "{j:?}");
    assert!(j.skipped[&SkipReason::Overrun] + j.skipped[&SkipReason::Backoff] >= 2);
    let dead: SocketAddr = addrs[2];
    assert!(e.stats().await.per_agent[&dead].timed_out >= 2);
    e.shutdown().await;
}

#[actix_rt::test]
async fn a_reload_adds_and_removes_agents_without_losing_cycles() {
    let a = agents(&["a", "b", "c"]);
    let addrs = a.addrs().to_vec();
    // `a` answers slowly, so a cycle of it is likely in flight when it is removed.
    a.with_agent(0, |r| {
        r.set_faults(Faults {
            delay: Duration::from_millis(120),
            ..Faults::default()
        });
    });
    let job = "[jobs.j]\nagents = [\"*\"]\ninterval = \"150ms\"\nscalars = [\"sysName.0\"]\n";
    let before = settings(&format!(
        "{}{job}",
        agent_lines(&[("a", addrs[0]), ("b", addrs[1])], "")
    ));
    let after = settings(&format!(
        "{}{job}",
        agent_lines(&[("b", addrs[1]), ("c", addrs[2])], "")
    ));
    let (e, p, mut rx) = start(&before);
    let mut events = collect_until(&mut rx, |ev| {
        cycles(ev, "a").len() >= 3 && cycles(ev, "b").len() >= 3
    })
    .await;
    let summary = p.send(Reload(after)).await.unwrap();
    assert_eq!(summary.agents_added, ["c"]);
    assert_eq!(summary.agents_removed, ["a"]);
    assert!(summary.agents_changed.is_empty() && summary.jobs_added.is_empty());
    events.extend(
        collect_until(&mut rx, |ev| {
            cycles(ev, "c").len() >= 3
                && ev
                    .iter()
                    .any(|e| matches!(e, Event::Removed { agent, .. } if &**agent == "a"))
        })
        .await,
    );
    // Every cycle started was published or is still running: nothing lost. (Reports are
    // published in the poller's turn that ends the cycle, so all of them are queued by the
    // time it answers GetStats.)
    let stats = p.send(GetStats).await.unwrap();
    while let Ok(ev) = rx.try_recv() {
        events.push(ev);
    }
    let j = &stats.jobs["j"];
    let finished = j.ok + j.partial + j.failed;
    assert_eq!(
        j.started,
        finished + u64::try_from(stats.running).unwrap(),
        "{j:?}"
    );
    let published = events
        .iter()
        .filter(|e| matches!(e, Event::Cycle(_)))
        .count();
    assert_eq!(u64::try_from(published).unwrap(), finished);
    // `a`'s last report (in flight at the reload or not) comes before its removal.
    let removed_at = events
        .iter()
        .position(|e| matches!(e, Event::Removed { agent, .. } if &**agent == "a"))
        .unwrap();
    assert!(
        !events[removed_at..]
            .iter()
            .any(|e| matches!(e, Event::Cycle(r) if &*r.agent == "a"))
    );
    assert_eq!(j.agents, 2);
    assert!(cycles(&events, "a").iter().all(|r| r.errors.is_empty()));
    assert!(e.get("a").is_none(), "the removed agent's session is gone");
    assert!(e.get("c").is_some());
    // And at run time: the console's `agent add` and `agent remove`.
    let mut extra = before_agent(&before, "a");
    extra.name = "a2".into();
    p.send(AddAgent(extra)).await.unwrap();
    let evs = collect_until(&mut rx, |ev| cycles(ev, "a2").len() >= 2).await;
    assert!(cycles(&evs, "a2").iter().all(|r| r.errors.is_empty()));
    assert!(p.send(RemoveAgent("b".into())).await.unwrap());
    assert!(!p.send(RemoveAgent("nobody".into())).await.unwrap());
    collect_until(&mut rx, |ev| {
        ev.iter()
            .any(|e| matches!(e, Event::Removed { agent, .. } if &**agent == "b"))
    })
    .await;
    assert_eq!(p.send(GetStats).await.unwrap().agents, 2); // c, a2
    e.shutdown().await;
}

/// Two shards: one poller worker per shard, each polling the agents whose sessions run on its
/// shard; the group answers as one poller (merged counters and reload summary, one health
/// event with every agent), and the console's `agent add` reaches the right worker.
#[actix_rt::test]
async fn one_worker_per_shard_polls_its_share_and_the_group_answers_as_one() {
    use snmpact::engine::{AgentChange, shard_of};
    let names: Vec<String> = (0..16).map(|i| format!("w{i}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let a = agents(&refs);
    let addrs = a.addrs().to_vec();
    let pairs: Vec<(&str, SocketAddr)> = refs.iter().copied().zip(addrs.clone()).collect();
    let job = "[jobs.j]\nagents = [\"*\"]\ninterval = \"150ms\"\nscalars = [\"sysName.0\"]\n\
               [poller]\nhealth_interval = \"100ms\"\n";
    let s = settings(&format!("{}{job}", agent_lines(&pairs[..14], "")));
    let e = Engine::start(EngineConfig {
        shards: 2,
        ..EngineConfig::default()
    });
    let (outputs, mut rx) = Outputs::new().channel("test");
    let p = poller::Pollers::start(&e, &s, &outputs);
    p.watch_agents(&e);
    assert_eq!(p.workers().len(), 2);
    let mut events = collect_until(&mut rx, |ev| {
        refs[..14].iter().all(|n| cycles(ev, n).len() >= 2)
            && ev.iter().any(
                |e| matches!(e, Event::Health(h) if h.poller.agents == 14 && h.poller.jobs["j"].started >= 28),
            )
    })
    .await;
    // Each worker polls exactly the agents of its shard.
    let mut per_worker = Vec::new();
    for w in p.workers() {
        per_worker.push(w.send(GetStats).await.unwrap().agents);
    }
    let expected: Vec<usize> = (0..2)
        .map(|i| addrs[..14].iter().filter(|a| shard_of(a, 2) == i).count())
        .collect();
    assert_eq!(per_worker, expected);
    assert!(expected.iter().all(|n| *n > 0), "{expected:?}");
    let all = p.stats().await.unwrap();
    assert_eq!((all.agents, all.jobs["j"].agents), (14, 14));
    // A reload: agents removed and added on both workers, one summary.
    let after = settings(&format!("{}{job}", agent_lines(&pairs[2..15], "")));
    let summary = p.reload(after).await.unwrap();
    assert_eq!(summary.agents_added, ["w14"]);
    assert_eq!(summary.agents_removed, ["w0", "w1"]);
    assert!(summary.jobs_added.is_empty() && summary.jobs_changed.is_empty());
    // The console's `agent add`: announced to every worker, polled by one.
    e.announce(&AgentChange::Added {
        name: "w15".into(),
        target: addrs[15].to_string(),
        config: before_agent(&s, "w2").session,
    });
    events.extend(
        collect_until(&mut rx, |ev| {
            cycles(ev, "w14").len() >= 2
                && cycles(ev, "w15").len() >= 2
                && ["w0", "w1"].iter().all(|n| {
                    ev.iter()
                        .any(|e| matches!(e, Event::Removed { agent, .. } if &**agent == *n))
                })
        })
        .await,
    );
    let all = p.stats().await.unwrap();
    assert_eq!(all.agents, 14, "w2..w15");
    let j = &all.jobs["j"];
    assert_eq!(
        j.started,
        j.ok + u64::try_from(all.running).unwrap(),
        "{j:?}"
    );
    assert!(
        events
            .iter()
            .all(|e| !matches!(e, Event::Cycle(r) if !r.errors.is_empty())),
        "no cycle failed"
    );
    assert!(e.get("w0").is_none() && e.get("w15").is_some());
    p.shutdown().await;
    e.shutdown().await;
}

#[actix_rt::test]
async fn jobs_added_and_removed_at_run_time() {
    let a = agents(&["r"]);
    let s = settings(&format!(
        "{}[jobs.one]\nagents = [\"r\"]\ninterval = \"100ms\"\nscalars = [\"sysName.0\"]\n",
        agent_lines(&[("r", a.addr())], "")
    ));
    let (e, p, mut rx) = start(&s);
    collect_until(&mut rx, |ev| !cycles(ev, "r").is_empty()).await;
    let mut two = s.jobs["one"].clone();
    two.name = "two".into();
    two.scalars = vec![oid(UPTIME)];
    p.send(AddJob(two)).await.unwrap();
    let of = |ev: &[Event], job: &str| cycles(ev, "r").iter().filter(|r| &*r.job == job).count();
    let evs = collect_until(&mut rx, |ev| of(ev, "two") >= 2).await;
    let r = cycles(&evs, "r")
        .into_iter()
        .find(|r| &*r.job == "two")
        .unwrap();
    assert_eq!(r.samples[0].varbind.oid, oid(UPTIME));
    assert!(p.send(RemoveJob("one".into())).await.unwrap());
    let evs = collect_until(&mut rx, |ev| {
        ev.iter()
            .any(|e| matches!(e, Event::Removed { job, .. } if &**job == "one"))
    })
    .await;
    let removed = evs
        .iter()
        .position(|e| matches!(e, Event::Removed { job, .. } if &**job == "one"))
        .unwrap();
    // After its removal, `one` reports nothing more while `two` goes on.
    let later = collect_until(&mut rx, |ev| of(ev, "two") >= 3).await;
    assert_eq!(of(&evs[removed..], "one") + of(&later, "one"), 0);
    let stats = p.send(GetStats).await.unwrap();
    assert!(!stats.jobs.contains_key("one"));
    assert_eq!(stats.jobs["two"].agents, 1);
    e.shutdown().await;
}

fn before_agent(s: &Settings, name: &str) -> AgentSettings {
    (*s.agents[name]).clone()
}

#[actix_rt::test]
async fn json_and_influx_outputs_write_files() {
    let a = agents(&["f"]);
    let dir = scratch_dir("out");
    let text = format!(
        "{}[jobs.j]\nagents = [\"f\"]\ninterval = \"100ms\"\nscalars = [\"sysName.0\", \"ifInOctets.1\"]\nrates = [\"ifInOctets\"]\n\
         [outputs.json]\nkind = \"json\"\npath = \"samples.jsonl\"\n\
         [outputs.influx]\nkind = \"influx\"\npath = \"samples.lp\"\n",
        agent_lines(&[("f", a.addr())], "")
    );
    let path = dir.join("snmpact.toml");
    std::fs::write(&path, text).unwrap();
    let s = config::load_with_env(&[path], &[], &[]).unwrap();
    let outs = output::start(&s).unwrap();
    let (outs, mut rx) = outs.channel("probe");
    let e = engine();
    let _p = poller::start(e.clone(), &s, outs.clone());
    collect_until(&mut rx, |ev| cycles(ev, "f").len() >= 3).await;
    outs.shutdown().await;
    let json = std::fs::read_to_string(dir.join("samples.jsonl")).unwrap();
    let lines: Vec<serde_json::Value> = json
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(lines.len() >= 6, "{json}");
    let name = lines.iter().find(|l| l["oid"] == SYSNAME).unwrap();
    assert_eq!(name["agent"], "f");
    assert_eq!(name["job"], "j");
    assert_eq!(name["name"], "SNMPv2-MIB::sysName.0");
    assert_eq!(name["type"], "OCTET STRING");
    assert_eq!(name["value"], "f");
    assert!(name["time"].as_str().unwrap().ends_with('Z'));
    // A frozen counter: rate 0 from the second cycle on.
    assert!(lines.iter().any(|l| l["oid"] == IF_IN && l["rate"] == 0.0));
    let lp = std::fs::read_to_string(dir.join("samples.lp")).unwrap();
    assert!(
        lp.lines()
            .any(|l| l.starts_with("sysName,agent=f,index=0,job=j value=\"f\" ")),
        "{lp}"
    );
    assert!(
        lp.lines()
            .any(|l| l.starts_with("ifInOctets,agent=f,index=1,job=j value=1000i"))
    );
    e.shutdown().await;
}

// ---- a real Prometheus server (harness::prometheus) ----------------------------------------

#[actix_rt::test]
async fn prometheus_scrapes_the_endpoint_and_its_query_api_returns_a_polled_value() {
    let a = agents(&["p1"]);
    a.with(|r| r.store.insert(oid(IF_HC_IN), Value::Counter64(123_456_789)));
    let s = settings(&format!(
        "{}[jobs.j]\nagents = [\"p1\"]\ninterval = \"250ms\"\nscalars = [\"sysName.0\"]\nwalks = [\"ifHCInOctets\"]\n\
         [outputs.prom]\nkind = \"prometheus\"\nlisten = \"127.0.0.1:0\"\n",
        agent_lines(&[("p1", a.addr())], "")
    ));
    let outs = output::start(&s).unwrap();
    let endpoint = outs.prometheus_addrs()[0].1;
    assert!(endpoint.ip().is_loopback());
    let e = engine();
    let _p = poller::start(e.clone(), &s, outs.clone());

    let dir = scratch_dir("prometheus");
    let prom = Prometheus::start(&dir, endpoint);
    let query = "/api/v1/query?query=snmp_ifHCInOctets%7Bagent%3D%22p1%22%2Cindex%3D%221%22%7D";
    let mut found: Option<serde_json::Value> = None;
    for _ in 0..240 {
        // At most 60 s: Prometheus starts, scrapes every second.
        let port = prom.port;
        let body = actix_rt::task::spawn_blocking(move || http_get(port, query))
            .await
            .unwrap();
        if let Some(v) = body.and_then(|b| serde_json::from_str::<serde_json::Value>(&b).ok())
            && v["data"]["result"]
                .as_array()
                .is_some_and(|r| !r.is_empty())
        {
            found = Some(v);
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let log = std::fs::read_to_string(dir.join("prometheus.log")).unwrap_or_default();
    let v = found.unwrap_or_else(|| panic!("Prometheus never returned the value; its log:\n{log}"));
    let r = &v["data"]["result"][0];
    assert_eq!(r["metric"]["poll_job"], "j", "{v}");
    assert_eq!(r["metric"]["job"], "snmpact"); // the scrape job, Prometheus's own label
    assert_eq!(r["metric"]["agent"], "p1");
    assert_eq!(r["value"][1], "123456789");
    // Its own health metrics are there too.
    let text = get_metrics(endpoint);
    assert!(
        text.contains("snmpact_agent_up{agent=\"p1\",poll_job=\"j\"} 1"),
        "{text}"
    );
    drop(prom);
    outs.shutdown().await;
    e.shutdown().await;
}

fn get_metrics(addr: SocketAddr) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(s, "GET /metrics HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    resp
}

/// The console's `agent add` reaches the poller through the engine: jobs for `"*"` poll the new
/// agent; `agent del` stops it. (The service wires `Engine::watch_agents` to the poller.)
#[actix_rt::test]
async fn console_agent_add_and_del_reach_the_poller() {
    use snmpact::command::{self, Command};
    let a = agents(&["r", "x"]);
    let (r, x) = (a.addrs()[0], a.addrs()[1]);
    let s = settings(&format!(
        "{}[jobs.all]\nagents = [\"*\"]\ninterval = \"100ms\"\nscalars = [\"sysName.0\"]\n",
        agent_lines(&[("r", r)], "")
    ));
    let (e, p, mut rx) = start(&s);
    e.watch_agents(p.clone().recipient());
    collect_until(&mut rx, |ev| !cycles(ev, "r").is_empty()).await;
    let run = |line: String| {
        let e = e.clone();
        async move {
            let Some(Command::Run(action)) = command::parse(&line).unwrap() else {
                panic!("{line}")
            };
            command::exec::execute(&e, action, &mut |_| {})
                .await
                .unwrap();
        }
    };
    run(format!("agent add x {x}")).await;
    let evs = collect_until(&mut rx, |ev| cycles(ev, "x").len() >= 2).await;
    let first = cycles(&evs, "x")[0];
    assert_eq!(
        value(first, SYSNAME).map(|s| s.varbind.value.clone()),
        Some(Value::OctetString(Cow::Borrowed(b"x")))
    );
    run("agent del x".to_owned()).await;
    let evs = collect_until(&mut rx, |ev| {
        ev.iter()
            .any(|e| matches!(e, Event::Removed { agent, .. } if &**agent == "x"))
    })
    .await;
    let removed = evs
        .iter()
        .position(|e| matches!(e, Event::Removed { agent, .. } if &**agent == "x"))
        .unwrap();
    let later = collect_until(&mut rx, |ev| cycles(ev, "r").len() >= 3).await;
    assert_eq!(
        cycles(&evs[removed + 1..], "x").len() + cycles(&later, "x").len(),
        0
    );
    e.shutdown().await;
}

/// A v3 agent in the configuration (user, protocols, pass phrases from the environment) is
/// polled by the poller over SNMPv3 authPriv from a real snmpd, with the values snmpget
/// prints; a second agent with a wrong pass phrase fails its cycles with the agent's Report
/// while the first keeps its interval.
#[actix_rt::test]
async fn a_v3_agent_from_the_config_is_polled_over_authpriv() {
    let snmpd = crate::harness::snmpd::Snmpd::start_with(
        "createUser pollv3 SHA-512 \"poll-auth-pass\" AES-256 \"poll-priv-pass\"\nrouser pollv3 priv\n",
    );
    let target = snmpd.target();
    let text = format!(
        "[agents.good]\naddress = \"{target}\"\nversion = \"3\"\nuser = \"pollv3\"\n\
         security_level = \"authPriv\"\nauth_protocol = \"SHA-512\"\nauth_password_env = \"POLL_AUTH\"\n\
         priv_protocol = \"AES-256\"\npriv_password_env = \"POLL_PRIV\"\n\
         [agents.wrong]\naddress = \"{target}\"\nversion = \"3\"\nuser = \"pollv3\"\n\
         security_level = \"authPriv\"\nauth_protocol = \"SHA-512\"\nauth_password = \"not-the-pass\"\n\
         priv_protocol = \"AES-256\"\npriv_password_env = \"POLL_PRIV\"\n\
         [jobs.j]\nagents = [\"*\"]\ninterval = \"300ms\"\nscalars = [\"sysDescr.0\", \"sysObjectID.0\"]\n"
    );
    let path = scratch_dir("v3").join("snmpact.toml");
    std::fs::write(&path, &text).unwrap();
    let env = [
        ("POLL_AUTH".to_owned(), "poll-auth-pass".to_owned()),
        ("POLL_PRIV".to_owned(), "poll-priv-pass".to_owned()),
    ];
    let s = config::load_with_env(std::slice::from_ref(&path), &env, &[]).unwrap();
    // Without the variables the configuration is refused, naming the variable.
    let err = config::load_with_env(&[path], &[], &[])
        .unwrap_err()
        .to_string();
    assert!(err.contains("POLL_AUTH"), "{err}");
    assert!(!format!("{s:?}").contains("poll-auth-pass"));

    let (e, p, mut rx) = start(&s);
    let events = collect_until(&mut rx, |ev| {
        cycles(ev, "good").len() >= 4 && !cycles(ev, "wrong").is_empty()
    })
    .await;
    let expected = snmpd.tool(
        "snmpget",
        &[
            "-v3",
            "-u",
            "pollv3",
            "-l",
            "authPriv",
            "-a",
            "SHA-512",
            "-A",
            "poll-auth-pass",
            "-x",
            "AES-256",
            "-X",
            "poll-priv-pass",
            "-Oqv",
            &target,
            "1.3.6.1.2.1.1.1.0",
        ],
    );
    let good = cycles(&events, "good");
    for r in &good {
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        let Some(Sample { varbind, .. }) = value(r, "1.3.6.1.2.1.1.1.0") else {
            panic!("no sysDescr in {r:?}")
        };
        let Value::OctetString(descr) = &varbind.value else {
            panic!("{varbind:?}")
        };
        assert_eq!(
            String::from_utf8_lossy(descr).trim(),
            expected.trim().trim_matches('"')
        );
    }
    // From the second cycle on, one cycle per slot: the first includes the engine discovery and
    // the 1 MB key derivations, and on a loaded machine may outlast the 300 ms interval (its
    // next slot is then skipped as an overrun, which is the poller doing its job).
    for w in good[1..].windows(2) {
        assert_eq!(w[1].slot - w[0].slot, Duration::from_millis(300));
    }
    let wrong = cycles(&events, "wrong");
    let errors = format!("{:?}", wrong[0].errors);
    assert!(
        wrong[0].errors.iter().all(|p| matches!(
            p.error,
            snmpact::session::SnmpError::Report(snmpact::v3::ReportKind::WrongDigest)
        )),
        "{errors}"
    );
    assert!(!errors.contains("not-the-pass"));
    drop(p);
    e.shutdown().await;
}

// See: issue 12 (the poller's try_send hit the session's 16-message mailbox and recorded false
// ShuttingDown failures for jobs with more operations than that).
#[actix_rt::test]
async fn a_job_with_100_operations_on_one_agent_completes_every_cycle() {
    const N: usize = 100;
    let column = |i: usize| format!("1.3.6.1.4.1.99999.1.{i}.0");
    let mut st = store("big");
    for i in 0..N {
        st.insert(oid(&column(i)), Value::Integer(i32::try_from(i).unwrap()));
    }
    let a = server::spawn_many(vec![(
        "127.0.0.1:0".parse().unwrap(),
        Responder::new(st, "public"),
    )])
    .unwrap();
    // One walk per object: one cycle is 100 operations sent to the session at once.
    let walks: Vec<String> = (0..N)
        .map(|i| format!("\"1.3.6.1.4.1.99999.1.{i}\""))
        .collect();
    let s = settings(&format!(
        "{}[jobs.j]\nagents = [\"big\"]\ninterval = \"300ms\"\nwalks = [{}]\n",
        agent_lines(&[("big", a.addr())], "max_in_flight = 4"),
        walks.join(", ")
    ));
    let (e, p, mut rx) = start(&s);
    let events = collect_until(&mut rx, |ev| cycles(ev, "big").len() >= 3).await;
    for r in cycles(&events, "big") {
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert_eq!(r.samples.len(), N);
        for i in 0..N {
            let s = value(r, &column(i)).unwrap();
            assert_eq!(s.varbind.value, Value::Integer(i32::try_from(i).unwrap()));
        }
    }
    let stats = p.send(GetStats).await.unwrap();
    assert_eq!(stats.jobs["j"].failed, 0, "{:?}", stats.jobs["j"]);
    e.shutdown().await;
    drop(a);
}

// See: issue 18
/// Agents misbehaving in every way at once (dead, lossy, tooBig, late past the timeout,
/// restarting), their clocks and counters moving (1,000 per second of sysUpTime): every cycle
/// ends as samples or errors (none vanishes), the poller's counts add up, and every rate is
/// exactly 1,000, including the first after a restart (the restart's own cycle has none).
#[actix_rt::test]
async fn faulty_agents_every_cycle_accounted_and_rates_right_after_restarts() {
    use std::sync::Arc;
    use std::sync::atomic::AtomicBool;
    let names = ["dead", "lossy", "toobig", "late", "reboots", "fine"];
    let a = Arc::new(agents(&names));
    let faults = [
        Faults {
            silent: true,
            ..Faults::default()
        },
        Faults {
            drop_rate: 0.3,
            seed: 7,
            ..Faults::default()
        },
        Faults {
            too_big_above: Some(1),
            ..Faults::default()
        },
        Faults {
            delay: Duration::from_millis(400),
            ..Faults::default()
        },
        Faults::default(),
        Faults::default(),
    ];
    for (i, f) in faults.into_iter().enumerate() {
        a.with_agent(i, |r| r.set_faults(f));
    }
    // The agents' clocks: uptime and counter move together; "reboots" restarts once.
    let stop = Arc::new(AtomicBool::new(false));
    let reboot = Arc::new(AtomicBool::new(false));
    let clock = {
        let (a, stop, reboot) = (a.clone(), stop.clone(), reboot.clone());
        std::thread::spawn(move || {
            let t0 = std::time::Instant::now();
            let mut boot4 = t0;
            while !stop.load(Ordering::Relaxed) {
                if reboot.swap(false, Ordering::Relaxed) {
                    boot4 = std::time::Instant::now();
                }
                for i in 0..names.len() {
                    let boot = if i == 4 { boot4 } else { t0 };
                    let ticks = u32::try_from(boot.elapsed().as_millis() / 10).unwrap() + 100;
                    a.with_agent(i, |r| {
                        r.store.insert(oid(UPTIME), Value::TimeTicks(ticks));
                        r.store.insert(oid(IF_IN), Value::Counter32(ticks * 10));
                    });
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        })
    };
    let pairs: Vec<(&str, SocketAddr)> = names.iter().copied().zip(a.addrs().to_vec()).collect();
    let s = settings(&format!(
        "[defaults]\ntimeout = \"150ms\"\nretries = 1\n{}[jobs.j]\nagents = [\"*\"]\ninterval = \"400ms\"\nscalars = [\"sysUpTime.0\", \"ifInOctets.1\"]\nrates = [\"ifInOctets\"]\n",
        agent_lines(&pairs, "")
    ));
    let (e, p, mut rx) = start(&s);
    // A few cycles of everyone, then the reboot, then a few more of "reboots".
    let mut events = collect_until(&mut rx, |ev| cycles(ev, "reboots").len() >= 3).await;
    reboot.store(true, Ordering::Relaxed);
    events.extend(
        collect_until(&mut rx, |ev| {
            let r = cycles(ev, "reboots");
            r.iter()
                .position(|c| c.restarted)
                .is_some_and(|i| r.len() >= i + 3)
                && cycles(ev, "lossy").len() >= 6
        })
        .await,
    );
    stop.store(true, Ordering::Relaxed);
    clock.join().unwrap();
    let stats = p.send(GetStats).await.unwrap();
    e.shutdown().await;

    for name in names {
        for r in cycles(&events, name) {
            // Every cycle: both samples, or an error for what is missing.
            assert!(
                r.samples.len() == 2 || !r.errors.is_empty(),
                "{name}: a cycle with {} samples and no error",
                r.samples.len()
            );
            if let Some(rate) = value(r, IF_IN).and_then(|s| s.rate) {
                // tooBig splits the GET in two PDUs answered up to one clock step apart.
                let tolerance = if name == "toobig" { 0.1 } else { 1e-9 };
                assert!(
                    (rate - 1000.0).abs() / 1000.0 <= tolerance,
                    "{name}: rate {rate}"
                );
            }
        }
    }
    for name in ["dead", "late"] {
        let c = cycles(&events, name);
        assert!(!c.is_empty(), "{name} reported");
        assert!(
            c.iter()
                .all(|r| r.samples.is_empty()
                    && r.errors.iter().all(|e| e.error.label() == "timeout")),
            "{name}: only timeouts"
        );
    }
    for name in ["toobig", "fine", "reboots"] {
        assert!(
            cycles(&events, name).iter().all(|r| r.samples.len() == 2),
            "{name}: every sample"
        );
    }
    let reboots = cycles(&events, "reboots");
    let i = reboots.iter().position(|r| r.restarted).unwrap();
    assert_eq!(value(reboots[i], IF_IN).unwrap().rate, None);
    let first = value(reboots[i + 1], IF_IN).unwrap().rate.unwrap();
    assert!(
        (first - 1000.0).abs() < 1e-6,
        "the first rate after the restart: {first}"
    );
    // The poller's own counts add up: every cycle started is finished or still running.
    let j = &stats.jobs["j"];
    assert_eq!(
        j.started,
        j.ok + j.partial + j.failed + stats.running as u64,
        "{j:?}"
    );
    assert_eq!(j.restarts, 1);
    assert!(j.errors.get("timeout").copied().unwrap_or(0) > 0, "{j:?}");
}

// See: issue 18
/// 50 clients scraping the Prometheus endpoint at once (4 scrapes each): every scrape is
/// answered, and polling goes on meanwhile, every cycle whole and none skipped (publishing
/// never waits for a render).
#[actix_rt::test]
async fn fifty_scrapers_at_once_do_not_hold_up_polling() {
    let names = ["s1", "s2", "s3", "s4"];
    let a = agents(&names);
    let pairs: Vec<(&str, SocketAddr)> = names.iter().copied().zip(a.addrs().to_vec()).collect();
    let s = settings(&format!(
        "{}[jobs.j]\nagents = [\"*\"]\ninterval = \"200ms\"\nscalars = [\"sysName.0\"]\n\
         [outputs.prom]\nkind = \"prometheus\"\nlisten = \"127.0.0.1:0\"\n",
        agent_lines(&pairs, "")
    ));
    let (outs, mut rx) = output::start(&s).unwrap().channel("test");
    let endpoint = outs.prometheus_addrs()[0].1;
    let e = engine();
    let p = poller::start(e.clone(), &s, outs.clone());
    collect_until(&mut rx, |ev| {
        names.iter().all(|n| !cycles(ev, n).is_empty())
    })
    .await;
    let scrapers = std::thread::spawn(move || {
        let clients: Vec<_> = (0..50)
            .map(|_| {
                std::thread::spawn(move || {
                    (0..4)
                        .filter(|_| {
                            let r = get_metrics(endpoint);
                            r.contains(" 200 OK") && r.contains("snmpact_agent_up{")
                        })
                        .count()
                })
            })
            .collect();
        clients
            .into_iter()
            .map(|c| c.join().unwrap())
            .sum::<usize>()
    });
    let events = collect_until(&mut rx, |ev| names.iter().all(|n| cycles(ev, n).len() >= 5)).await;
    let answered = actix_rt::task::spawn_blocking(move || scrapers.join().unwrap())
        .await
        .unwrap();
    assert_eq!(answered, 200, "scrapes answered");
    for n in names {
        assert!(
            cycles(&events, n)
                .iter()
                .all(|r| r.samples.len() == 1 && r.errors.is_empty())
        );
    }
    let stats = p.send(GetStats).await.unwrap();
    let j = &stats.jobs["j"];
    assert_eq!(
        j.skipped.get(&SkipReason::Overrun).copied().unwrap_or(0),
        0,
        "{j:?}"
    );
    assert_eq!(j.failed + j.partial, 0, "{j:?}");
    outs.shutdown().await;
    e.shutdown().await;
}
