//! The Rust GET clients of the peer benchmark, each run in its own process (this binary started
//! again with `--client NAME` and a [`Load`]), so that its CPU and memory are its own. All of
//! them follow the protocol in [`crate::common`] and get one thread:
//!
//! - `snmpact`: the library: an [`Engine`] with one shard, a session per agent, callers sending
//!   [`Get`] and awaiting the answer. `snmpact-v3-auth` and `snmpact-v3-priv`: the same over
//!   SNMPv3 (SHA-256 authNoPriv; SHA-256 + AES-128 authPriv) with the `v3` section's user.
//! - `async-snmp`: one shared-socket `UdpTransport` (4 MiB receive buffer, like ours), a
//!   `Client` per agent built on it, on a current-thread tokio runtime.
//! - `csnmp`: `Snmp2cClient`s on a current-thread tokio runtime. A csnmp client owns a socket and
//!   reads its answer from it, so it can only have one request outstanding: each slot gets its
//!   own clients, `inflight * ceil(agents / inflight)` in all (10,240 for 10,000 agents).

use std::cell::{Cell, RefCell};
use std::net::SocketAddr;
use std::rc::Rc;
use std::time::{Duration, Instant};

use futures_util::StreamExt as _;
use snmpact::oid::Oid;
use snmpact::session::Get;
use snmpact::{Engine, EngineConfig, SessionConfig};

use crate::common::{Load, OID, Outcome, Probe, RETRIES, Recorder, TIMEOUT, outcome, rss_kb};

/// Receive buffer of the shared-socket clients.
const SOCKET_BUFFER: usize = 4 << 20;

/// Runs client `name` on `load` and returns its figures.
pub(crate) fn run(name: &str, load: &Load) -> Result<Outcome, String> {
    // 10,000 agents need 10,000 sockets in the clients that open one per agent.
    snmpact::simulator::agent::server::ensure_open_files(
        load.ports.len() as u64 + load.inflight as u64 + 256,
    )
    .map_err(|e| e.to_string())?;
    match name {
        "snmpact" => snmpact_client(load, 1, None),
        "snmpact-2" => snmpact_client(load, 2, None),
        "snmpact-v3-auth" => snmpact_client(load, 1, Some(v3_user(false))),
        "snmpact-v3-priv" => snmpact_client(load, 1, Some(v3_user(true))),
        "async-snmp" => current_thread(async_snmp_client(load)),
        "csnmp" => current_thread(csnmp_client(load)),
        other => Err(format!("unknown client {other}")),
    }
}

fn current_thread<F: Future<Output = Result<Outcome, String>>>(f: F) -> Result<Outcome, String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    tokio::task::LocalSet::new().block_on(&rt, f)
}

fn agent(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

/// Shared state of the closed loop: the recorder and the stop flag.
#[derive(Default)]
struct Shared {
    rec: RefCell<Recorder>,
    stop: Cell<bool>,
}

/// Warm-up, window, then the outcome; the slots run meanwhile as spawned local tasks.
async fn measure(
    shared: &Shared,
    load: &Load,
    rss: (u64, u64),
    sessions: usize,
    sleep: impl AsyncFn(Duration),
) -> Outcome {
    sleep(load.warmup).await;
    shared.rec.borrow_mut().measuring = true;
    let p0 = Probe::now(load);
    sleep(load.window).await;
    let p1 = Probe::now(load);
    shared.rec.borrow_mut().measuring = false;
    shared.stop.set(true);
    outcome(&mut shared.rec.borrow_mut(), load, p0, p1, rss, sessions)
}

/// The `v3` section's user (see `V3_USER` in main.rs): SHA-256, and AES-128 when `privacy`.
fn v3_user(privacy: bool) -> snmpact::usm::User {
    use snmpact::usm::{AuthProtocol, PrivProtocol, User};
    let (name, auth, privp) = crate::V3_USER;
    let user = User::new(name).with_auth(AuthProtocol::Sha256, auth);
    if privacy {
        user.with_privacy(PrivProtocol::Aes128, privp)
    } else {
        user
    }
}

fn snmpact_client(
    load: &Load,
    shards: usize,
    user: Option<snmpact::usm::User>,
) -> Result<Outcome, String> {
    let load = load.clone();
    actix::System::new().block_on(async move {
        let base = rss_kb();
        let engine = Engine::start(EngineConfig {
            shards,
            ..EngineConfig::default()
        });
        // One configuration shared by every session (one copy in memory).
        let cfg = std::sync::Arc::new(SessionConfig {
            timeout: TIMEOUT,
            retries: RETRIES,
            max_in_flight: load.inflight,
            version: if user.is_some() {
                snmpact::pdu::Version::V3
            } else {
                snmpact::pdu::Version::V2c
            },
            user: user.map(std::sync::Arc::new),
            ..SessionConfig::default()
        });
        let mut sessions = Vec::with_capacity(load.ports.len());
        for p in &load.ports {
            let t = agent(*p).to_string();
            sessions.push(
                engine
                    .session(&t, &t, cfg.clone())
                    .await
                    .map_err(|e| e.to_string())?,
            );
        }
        let oid: Oid = OID.parse().map_err(|e| format!("{e}"))?;
        let first = futures_util::stream::iter(&sessions)
            .map(|s| s.send(Get(vec![oid.clone()])))
            .buffer_unordered(load.inflight)
            .filter(|r| std::future::ready(!matches!(r, Ok(Ok(_)))))
            .count()
            .await;
        if first > 0 {
            return Err(format!("{first} agents did not answer the first round"));
        }
        let rss = (base, rss_kb());
        let shared = Rc::new(Shared::default());
        let sessions = Rc::new(sessions);
        for k in 0..load.inflight {
            let (shared, sessions, oid, load) =
                (shared.clone(), sessions.clone(), oid.clone(), load.clone());
            actix_rt::spawn(async move {
                let mut a = k % sessions.len();
                while !shared.stop.get() {
                    let t0 = Instant::now();
                    let r = sessions[a].send(Get(vec![oid.clone()])).await;
                    match r {
                        Ok(Ok(_)) => shared.rec.borrow_mut().answered(t0.elapsed()),
                        _ => shared.rec.borrow_mut().failed(),
                    }
                    a = load.next_agent(a);
                }
            });
        }
        let o = measure(&shared, &load, rss, sessions.len(), async |d| {
            actix_rt::time::sleep(d).await
        })
        .await;
        engine.shutdown().await;
        Ok(o)
    })
}

async fn async_snmp_client(load: &Load) -> Result<Outcome, String> {
    use async_snmp::{Auth, Client, Retry, UdpTransport};
    let base = rss_kb();
    let transport = UdpTransport::builder()
        .bind("127.0.0.1:0")
        .recv_buffer_size(SOCKET_BUFFER)
        .build()
        .await
        .map_err(|e| e.to_string())?;
    let retry = Retry::fixed(RETRIES, Duration::ZERO).map_err(|e| e.to_string())?;
    let mut clients = Vec::with_capacity(load.ports.len());
    for p in &load.ports {
        let c = Client::builder(("127.0.0.1", *p), Auth::v2c("public"))
            .request_timeout(TIMEOUT)
            .retry(retry.clone())
            .build_with(&transport)
            .await
            .map_err(|e| e.to_string())?;
        clients.push(c);
    }
    let oid = async_snmp::Oid::parse(OID).map_err(|e| e.to_string())?;
    let first = futures_util::stream::iter(&clients)
        .map(|c| c.get(&oid))
        .buffer_unordered(load.inflight)
        .filter(|r| std::future::ready(r.is_err()))
        .count()
        .await;
    if first > 0 {
        return Err(format!("{first} agents did not answer the first round"));
    }
    let rss = (base, rss_kb());
    let shared = Rc::new(Shared::default());
    let clients = Rc::new(clients);
    for k in 0..load.inflight {
        let (shared, clients, oid, load) =
            (shared.clone(), clients.clone(), oid.clone(), load.clone());
        tokio::task::spawn_local(async move {
            let mut a = k % clients.len();
            while !shared.stop.get() {
                let t0 = Instant::now();
                match clients[a].get(&oid).await {
                    Ok(_) => shared.rec.borrow_mut().answered(t0.elapsed()),
                    Err(_) => shared.rec.borrow_mut().failed(),
                }
                a = load.next_agent(a);
            }
        });
    }
    Ok(measure(&shared, load, rss, clients.len(), async |d| {
        tokio::time::sleep(d).await
    })
    .await)
}

async fn csnmp_client(load: &Load) -> Result<Outcome, String> {
    use csnmp::{ObjectIdentifier, Snmp2cClient};
    let base = rss_kb();
    let n = load.ports.len();
    let w = load.inflight;
    // A multiple of `w`: slot k only ever uses clients k, k + w, k + 2w, ...
    let count = w * n.div_ceil(w);
    let mut clients = Vec::with_capacity(count);
    for i in 0..count {
        let c = Snmp2cClient::new(
            agent(load.ports[i % n]),
            b"public".to_vec(),
            Some(SocketAddr::from(([127, 0, 0, 1], 0))),
            Some(TIMEOUT),
            RETRIES as usize,
        )
        .await
        .map_err(|e| e.to_string())?;
        clients.push(c);
    }
    let oid: ObjectIdentifier = OID.parse().map_err(|e| format!("{e:?}"))?;
    let first = futures_util::stream::iter(&clients[..n.min(count)])
        .map(|c| c.get(oid))
        .buffer_unordered(w)
        .filter(|r| std::future::ready(r.is_err()))
        .count()
        .await;
    if first > 0 {
        return Err(format!("{first} agents did not answer the first round"));
    }
    let rss = (base, rss_kb());
    let shared = Rc::new(Shared::default());
    let clients = Rc::new(clients);
    for k in 0..w {
        let (shared, clients) = (shared.clone(), clients.clone());
        tokio::task::spawn_local(async move {
            let mut c = k;
            while !shared.stop.get() {
                let t0 = Instant::now();
                match clients[c].get(oid).await {
                    Ok(_) => shared.rec.borrow_mut().answered(t0.elapsed()),
                    Err(_) => shared.rec.borrow_mut().failed(),
                }
                c = (c + w) % clients.len();
            }
        });
    }
    Ok(measure(&shared, load, rss, clients.len(), async |d| {
        tokio::time::sleep(d).await
    })
    .await)
}
