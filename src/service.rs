//! The long-running service (`snmpact` with no subcommand, `cargo run --release`): loads the
//! configuration, serves the configured simulated agents, registers the agents with the engine,
//! and runs the telnet console, the poller and the notification receiver (`[traps]`, its
//! notifications to the outputs) in one actix System until the shutdown signal.
//!
//! One shutdown path (STYLE.md §5): console, poller and outputs stop, then the engine fails what
//! is in flight with ShuttingDown and closes its sockets, then the simulated agents stop.
//! SIGHUP reloads the configuration files: agents and jobs are added, changed or removed in the
//! poller without a restart (the `[engine]`, `[console]`,
//! `[outputs]`, `[simulator]` and `[cluster]` sections need one). In a cluster (`[cluster]`),
//! the reload publishes the new configuration hash; the instances report a mismatch until every
//! one has the same.
//! At shutdown a cluster member hands its agents' rate state over and leaves at once.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;

use std::sync::Arc;

use crate::cluster::Cluster;
use crate::config::TrapSettings;
use crate::config::{self, Settings, SimAgentSettings, Target};
use crate::console::{self, RunningConsole};
use crate::engine::Engine;
use crate::notification::Notification;
use crate::notification::listener::{self, Listener};
use crate::simulator::agent::Responder;
use crate::simulator::agent::server::{self, AgentsHandle};
use crate::simulator::agent::usm::{AgentEngine, default_engine_id};
use crate::usm::{KeyCache, UserError};
use crate::{output, poller};

/// Longest wait for each shutdown step (console, poller, outputs, engine).
const SHUTDOWN_STEP: std::time::Duration = std::time::Duration::from_secs(5);

/// Where the configuration comes from.
#[derive(Debug, Clone, Default)]
pub struct ServiceOptions {
    /// Files, in layering order.
    pub config: Vec<PathBuf>,
    /// `KEY=VALUE` overrides (the `--set` flags), applied last.
    pub overrides: Vec<(String, String)>,
}

/// Why the service could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The configuration is invalid (the message names the file and key).
    #[error(transparent)]
    Config(#[from] config::Error),
    /// An output could not start (a file, or the Prometheus listener).
    #[error(transparent)]
    Output(#[from] output::Error),
    /// A socket could not be bound (console or simulated agents).
    #[error("{what}: {source}")]
    Io {
        /// What was being started.
        what: &'static str,
        /// The cause.
        source: io::Error,
    },
    /// The console cannot listen on its address (in use, most often by another snmpact).
    #[error(
        "console: cannot listen on {listen}: {source} (another snmpact running? stop it, or \
         change the address: --set console.listen=127.0.0.1:PORT)"
    )]
    ConsoleListen {
        /// The address it was given.
        listen: SocketAddr,
        /// The cause.
        source: io::Error,
    },
    /// The notification receiver (`[traps]`) could not start (a port, a user).
    #[error("traps: {0}")]
    Traps(#[from] listener::ListenError),
    /// A simulated agent's SNMPv3 user whose keys cannot be made (checked at load already).
    #[error("simulated agent {agent}: SNMPv3: {source}")]
    SimulatorUser {
        /// The simulated agent.
        agent: String,
        /// The cause (it never holds a secret).
        source: UserError,
    },
}

/// The SNMPv3 engine of the simulated agent `sim` once it listens on `bound` (the default
/// engine id names the port), the users' keys made through `cache`; `None` without SNMPv3
/// users. The engine's clock starts now.
///
/// # Errors
/// A key that cannot be made (checked when the configuration was loaded, so not expected).
pub fn simulated_engine(
    sim: &SimAgentSettings,
    bound: SocketAddr,
    cache: &mut KeyCache,
) -> Result<Option<AgentEngine>, UserError> {
    let Some(v3) = &sim.v3 else { return Ok(None) };
    let id = v3
        .engine_id
        .clone()
        .unwrap_or_else(|| default_engine_id(bound.port()));
    AgentEngine::new(id, v3.engine_boots, &v3.users, cache).map(Some)
}

/// Serves `settings`' simulated agents and records their real addresses in `settings`. Those
/// with `v3_users` get their SNMPv3 engine once bound (its default engine id names the port),
/// before the console and the poller start.
fn start_simulator(settings: &mut Settings) -> Result<Option<AgentsHandle>, ServiceError> {
    if settings.simulator.is_empty() {
        return Ok(None);
    }
    let sims: Vec<_> = settings
        .simulator
        .values()
        .map(|s| {
            (
                s.name.clone(),
                s.listen,
                Responder::new(s.store.clone(), &s.community),
            )
        })
        .collect();
    let handle = server::spawn_many(sims.iter().map(|(_, l, r)| (*l, r.clone())).collect())
        .map_err(|source| ServiceError::Io {
            what: "simulated agents",
            source,
        })?;
    // One pass-phrase hash per user for all agents; one localisation per engine id.
    let mut cache = KeyCache::new();
    for (i, ((name, ..), addr)) in sims.iter().zip(handle.addrs().to_vec()).enumerate() {
        let engine =
            simulated_engine(&settings.simulator[name], addr, &mut cache).map_err(|source| {
                ServiceError::SimulatorUser {
                    agent: name.clone(),
                    source,
                }
            })?;
        if let Some(engine) = engine {
            let engine_id = crate::format::hex(engine.engine_id());
            let users: Vec<&str> = settings.simulator[name]
                .v3
                .iter()
                .flat_map(|v3| v3.users.iter().map(|u| u.name.as_str()))
                .collect();
            tracing::info!(agent = %name, %engine_id, ?users, "simulated agent answers SNMPv3");
            handle.with_agent(i, |r| r.set_v3(Some(engine)));
        }
        settings.bind_simulator(name, addr);
        tracing::info!(agent = %name, %addr, "simulated agent listening");
    }
    Ok(Some(handle))
}

/// Hands each notification to the outputs (`[traps] outputs`, or all of them).
struct ToOutputs {
    outputs: output::Outputs,
    only: Vec<String>,
}

impl actix::Actor for ToOutputs {
    type Context = actix::Context<Self>;
}

impl actix::Handler<Notification> for ToOutputs {
    type Result = ();
    fn handle(&mut self, n: Notification, _: &mut actix::Context<Self>) {
        self.outputs
            .publish(&poller::Event::Notification(Arc::new(n)), &self.only);
    }
}

/// Starts the `[traps]` listener, its notifications going to the outputs.
async fn start_traps(
    t: &TrapSettings,
    outputs: &output::Outputs,
) -> Result<actix::Addr<Listener>, ServiceError> {
    use actix::Actor as _;
    let listener = Listener::new(t.listener.clone())?;
    let addrs: Vec<String> = listener
        .local_addrs()
        .iter()
        .map(ToString::to_string)
        .collect();
    let addr = listener.start();
    let to_outputs = ToOutputs {
        outputs: outputs.clone(),
        only: t.outputs.clone(),
    }
    .start();
    let _ = addr.send(listener::Subscribe(to_outputs.recipient())).await;
    println!(
        "snmpact: traps and informs on udp {} (try `snmpact trap -v 2c -c public {} '' linkDown ifIndex.1 i 1`)",
        addrs.join(" "),
        addrs.first().map_or("127.0.0.1:1162", String::as_str)
    );
    Ok(addr)
}

/// Registers every configured agent with the engine, so the console can use them by name.
async fn register_agents(engine: &Engine, settings: &Settings) {
    for a in settings.agents.values() {
        let Target::Address(target) = &a.target else {
            continue;
        };
        if let Err(e) = engine
            .replace_session(&a.name, target, a.session.clone())
            .await
        {
            tracing::warn!(agent = %a.name, error = %e, "agent not registered");
        }
    }
}

/// Below this many configured agents, `[engine] shards = 0` runs one shard rather than one per
/// core: measured on 2 cores (BENCHMARKS.md, Poller, "One shard or one per core"), one shard
/// polls 1,000 and 10,000 agents for less CPU and with the wake-ups of a bare socket, while
/// 275,000 agents need both cores. Chosen well below where one thread saturates.
pub const ONE_SHARD_BELOW: usize = 50_000;

/// The engine's layout for `settings`: `[engine] shards = 0` is one shard below
/// [`ONE_SHARD_BELOW`] configured agents and one per core from there (decided at start: a
/// reload does not change it).
#[must_use]
pub fn engine_config(settings: &Settings) -> crate::engine::EngineConfig {
    let mut c = settings.engine.clone();
    if c.shards == 0 && settings.agents.len() < ONE_SHARD_BELOW {
        c.shards = 1;
    }
    c
}

/// Runs the service until `shutdown` completes. Must run inside an actix `System`.
///
/// # Errors
/// A [`ServiceError`] when something cannot start; once running, failures are logged.
pub async fn run(
    opts: ServiceOptions,
    shutdown: impl Future<Output = ()>,
) -> Result<(), ServiceError> {
    let mut settings = config::load(&opts.config, &opts.overrides)?;
    ignore_file_size_signal();
    let config_hash = settings.cluster_config_hash();
    let simulator = start_simulator(&mut settings)?;
    let engine = Engine::start(engine_config(&settings));
    // Before the poller: it asks the cluster, per cycle, whether it polls an agent.
    let cluster = settings.cluster.clone().map(|c| {
        tracing::info!(instance = %c.instance, redis = %c.redis, name = %c.name, "cluster member");
        Cluster::start(c, config_hash)
    });
    if let Some(c) = &cluster {
        engine.set_cluster(c.clone());
    }
    // In a cluster the poller opens sessions only for the agents this instance polls.
    if cluster.is_none() {
        register_agents(&engine, &settings).await;
    }
    let console: RunningConsole = console::run_console(engine.clone(), settings.console.clone())
        .await
        .map_err(|source| ServiceError::ConsoleListen {
            listen: settings.console.listen,
            source,
        })?;
    let outputs = output::start(&settings)?;
    let traps = match &settings.traps {
        Some(t) => Some(start_traps(t, &outputs).await?),
        None => None,
    };
    if let Some(t) = &traps {
        engine.set_notification_listener(t.clone());
    }
    let console_metrics: Arc<dyn output::MetricsSource> = console.counters.clone();
    outputs.add_metrics(&console_metrics);
    // One worker per shard, each on its shard's thread with its share of the agents.
    let poller = poller::Pollers::start(&engine, &settings, &outputs);
    // The console's `agent add` / `agent del` reach the poller through the engine.
    poller.watch_agents(&engine);
    // Before the ready line: a SIGHUP sent right after it must reload, not kill the process.
    let hup = sighup();
    println!(
        "snmpact: console on {addr} (telnet {ip} {port}), {agents} agent(s), {jobs} poll job(s); Ctrl-C stops",
        addr = console.local_addr,
        ip = console.local_addr.ip(),
        port = console.local_addr.port(),
        agents = settings.agents.len(),
        jobs = settings.jobs.len(),
    );
    for (_, addr) in outputs.prometheus_addrs() {
        println!("snmpact: Prometheus metrics on http://{addr}/metrics");
    }
    if let Some(first) = settings.agents.keys().next() {
        println!(
            "snmpact: try `telnet {} {}` then `get {first} sysDescr.0`",
            console.local_addr.ip(),
            console.local_addr.port()
        );
    }

    reload_on_sighup(&opts, &engine, &poller, &outputs, &settings, hup, shutdown).await;

    // Each step is bounded: a stuck peer must not keep the process alive after Ctrl-C.
    tracing::info!("shutting down");
    let step = |what: &'static str| {
        move |r: Result<(), tokio::time::error::Elapsed>| {
            if r.is_err() {
                tracing::warn!(step = what, "shutdown step timed out");
            }
        }
    };
    step("console")(tokio::time::timeout(SHUTDOWN_STEP, console.shutdown()).await);
    if let Some(c) = &cluster {
        // Hand the rate state over and leave at once: the others take the agents over now.
        step("cluster")(
            tokio::time::timeout(SHUTDOWN_STEP, async {
                let rates = poller.export_rates().await;
                c.leave(rates).await;
            })
            .await,
        );
    }
    step("poller")(
        tokio::time::timeout(SHUTDOWN_STEP, async {
            poller.shutdown().await;
        })
        .await,
    );
    if let Some(t) = &traps {
        let _ = t.send(listener::Shutdown).await;
    }
    step("outputs")(tokio::time::timeout(SHUTDOWN_STEP, outputs.shutdown()).await);
    step("engine")(tokio::time::timeout(SHUTDOWN_STEP, engine.shutdown()).await);
    drop(simulator);
    Ok(())
}

/// A file output past the file-size limit (`ulimit -f`) must get EFBIG, counted like a full
/// disk, rather than SIGXFSZ, whose default action kills the process: a handler is installed
/// (tokio's, which only records the signal).
fn ignore_file_size_signal() {
    let xfsz = tokio::signal::unix::SignalKind::from_raw(libc::SIGXFSZ);
    match tokio::signal::unix::signal(xfsz) {
        // tokio never uninstalls its handler: dropping the stream keeps it.
        Ok(s) => drop(s),
        Err(e) => tracing::warn!(error = %e, "no SIGXFSZ handler"),
    }
}

/// SIGHUP caught from now on (None, with a warning, when no handler can be installed).
fn sighup() -> Option<tokio::signal::unix::Signal> {
    match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()) {
        Ok(s) => Some(s),
        Err(e) => {
            tracing::warn!(error = %e, "no SIGHUP handler: reload disabled");
            None
        }
    }
}

/// Waits for `shutdown`, reloading the configuration on each SIGHUP (`hup`) meanwhile.
async fn reload_on_sighup(
    opts: &ServiceOptions,
    engine: &Engine,
    poller: &poller::Pollers,
    outputs: &output::Outputs,
    current: &Settings,
    mut hup: Option<tokio::signal::unix::Signal>,
    shutdown: impl Future<Output = ()>,
) {
    // Simulated agents keep the addresses they got at start.
    let bound: Vec<(String, SocketAddr)> = current
        .simulator
        .values()
        .map(|s| (s.name.clone(), s.listen))
        .collect();
    tokio::pin!(shutdown);
    loop {
        let hangup = async {
            match hup.as_mut() {
                Some(h) => {
                    h.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            () = &mut shutdown => return,
            () = hangup => {}
        }
        // MIB files first (a changed directory is read again), then the configuration, whose
        // `[mibs]` may say to load others and whose job OIDs may use their names.
        for problem in crate::mib::reload() {
            tracing::warn!("MIB: {problem}");
        }
        // After logrotate (postrotate: kill -HUP), whatever the new files say.
        outputs.reopen();
        match config::load(&opts.config, &opts.overrides) {
            Ok(mut s) => {
                if let Some(c) = engine.cluster() {
                    let hash = s.cluster_config_hash();
                    if hash != c.status().config_hash {
                        tracing::info!(config = %hash, "cluster: new configuration hash published");
                    }
                    c.set_config_hash(hash);
                }
                for (name, addr) in &bound {
                    s.bind_simulator(name, *addr);
                }
                register_agents(engine, &s).await;
                // One line at the default level, whatever RUST_LOG says (See: issue 15).
                match poller.reload(s).await {
                    Ok(summary) => eprintln!("snmpact: configuration reloaded: {summary}"),
                    Err(e) => eprintln!("snmpact: configuration reloaded, but not applied: {e}"),
                }
            }
            Err(e) => {
                eprintln!("snmpact: configuration not reloaded, the running one is kept: {e}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(text: &str) -> Settings {
        let dir = std::env::temp_dir().join(format!("snmpact-service-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("s.toml");
        std::fs::write(&path, text).unwrap();
        let s = config::load(&[path], &[]).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        s
    }

    #[test]
    fn shards_zero_is_one_shard_for_a_small_fleet_and_one_per_core_for_a_large_one() {
        let mut s = settings("[agents.a]\naddress = \"127.0.0.1:1161\"\n");
        assert_eq!(s.engine.shards, 0);
        assert_eq!(engine_config(&s).shards, 1);
        let a = s.agents["a"].clone();
        for i in 0..ONE_SHARD_BELOW {
            s.agents.insert(format!("a{i}"), a.clone());
        }
        assert_eq!(
            engine_config(&s).shards,
            0,
            "0: one per core, as configured"
        );
        // A number set in the configuration is kept at any size.
        s.engine.shards = 3;
        assert_eq!(engine_config(&s).shards, 3);
        s.agents.retain(|k, _| k == "a");
        assert_eq!(engine_config(&s).shards, 3);
    }
}
