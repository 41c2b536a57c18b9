//! The executor: runs one [`Action`] against an [`Engine`] and hands every piece of its answer,
//! as it arrives, to a callback. Shared by the telnet console and the batch runner; it knows
//! nothing of connections, prompts or command numbers.
//!
//! ```no_run
//! use snmpact::command::{exec, parse, render, Command, OutputFormat};
//! # async fn run(engine: snmpact::Engine) {
//! let Ok(Some(Command::Run(action))) = parse("walk demo system") else { return };
//! let result = exec::execute(&engine, action, &mut |event| {
//!     for line in render::render(&event, OutputFormat::Text, None) {
//!         println!("{line}");
//!     }
//! })
//! .await;
//! if let Err(e) = result {
//!     println!("{}", render::render_error(&e.to_string(), OutputFormat::Text, None));
//! }
//! # }
//! ```
//!
//! Needs an actix `System` (a walk streams its rows through a small actor). Dropping the future
//! cancels the command: a walk stops asking the agent at its next page; a single request is
//! left to finish or time out inside its session, unseen.
//!
//! Which session a command uses: a registered name without options uses that agent's session;
//! options (`-c`, `-v`, `-t`, `-r`, the SNMPv3 ones) over a name or a target use a session of
//! their own, registered as `TARGET#HASH`, where HASH is a keyed hash of the options (so neither
//! the community nor a pass phrase shows in `agents`); a bare `HOST:PORT` uses the session
//! registered under that text, created with the defaults the first time. SNMPv3 options without
//! `-u` change a registered agent's own user (`get -n CONTEXT core-sw1 ...`); with `-u` the
//! options make the user alone.

use std::hash::{BuildHasher, Hash, Hasher};
use std::net::IpAddr;
use std::sync::LazyLock;

use actix::prelude::*;
use tokio::sync::mpsc;

use super::render::{AgentInfo, Event, UserInfo};
use super::{Action, AgentRef};
use crate::engine::{Engine, SessionHandle};
use crate::mib;
use crate::session::{
    Get, GetBulk, GetNext, SessionConfig, Set, SnmpError, Table, WalkOptions, WalkRows, WalkStream,
};
use crate::usm::{KeySource, User};

/// Why a command failed. `Display` is the one line shown after `error: `.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum ExecError {
    /// The request to the agent failed.
    #[error("{}", snmp_text(.agent.as_deref(), .error))]
    Snmp {
        /// The agent's registered name, when the command used one.
        agent: Option<String>,
        /// Why.
        error: SnmpError,
    },
    /// AGENT is neither registered nor a `HOST:PORT`.
    #[error("unknown agent '{0}' (see: agents; or give HOST:PORT)")]
    UnknownAgent(String),
    /// `agent del` of a name that is not registered.
    #[error("no agent '{0}'")]
    NoSuchAgent(String),
    /// The options given cannot make a session for this agent (SNMPv3 without a user name, or
    /// a user that misses a key its level needs). Never quotes a pass phrase or a key.
    #[error("{agent}: {error}")]
    Options {
        /// The agent as typed.
        agent: String,
        /// Why.
        error: super::UserOptionError,
    },
}

impl ExecError {
    /// A short stable label for counters and logs.
    #[must_use]
    pub fn label(&self) -> &'static str {
        match self {
            ExecError::Snmp { error, .. } => error.label(),
            ExecError::UnknownAgent(_) => "unknown_agent",
            ExecError::NoSuchAgent(_) => "no_such_agent",
            ExecError::Options { .. } => "options",
        }
    }
}

/// `timeout after 3 retries to core-sw1 (127.0.0.1:16100)` when the agent has a name.
fn snmp_text(agent: Option<&str>, error: &SnmpError) -> String {
    match (agent, error) {
        (Some(name), SnmpError::Timeout { retries, agent }) if *name != agent.to_string() => {
            format!("timeout after {retries} retries to {name} ({agent})")
        }
        _ => error.to_string(),
    }
}

/// Runs `action`, calling `emit` with each piece of the answer in order (a walk's rows as they
/// arrive).
///
/// # Errors
/// [`ExecError`]: the agent is unknown, does not answer or answers with an error. Rows a walk
/// streamed before failing have been emitted.
pub async fn execute(
    engine: &Engine,
    action: Action,
    emit: &mut impl FnMut(Event),
) -> Result<(), ExecError> {
    match action {
        Action::Get { agent, oids } => {
            let (s, name) = session(engine, &agent).await?;
            varbinds(s.send(Get(oids)).await, name, emit)
        }
        Action::Next { agent, oids } => {
            let (s, name) = session(engine, &agent).await?;
            varbinds(s.send(GetNext(oids)).await, name, emit)
        }
        Action::Bulk {
            agent,
            non_repeaters,
            max_repetitions,
            oids,
        } => {
            let (s, name) = session(engine, &agent).await?;
            let m = GetBulk {
                oids,
                non_repeaters,
                max_repetitions,
            };
            varbinds(s.send(m).await, name, emit)
        }
        Action::Set { agent, varbinds: v } => {
            let (s, name) = session(engine, &agent).await?;
            varbinds(s.send(Set(v)).await, name, emit)
        }
        Action::Walk {
            agent,
            root,
            whole_arc,
        } => {
            let (s, name) = session(engine, &agent).await?;
            let rows = walk(&s, root.clone(), whole_arc, emit)
                .await
                .map_err(|error| ExecError::Snmp { agent: name, error })?;
            if rows == 0 {
                emit(Event::Info(format!(
                    "no rows under {}",
                    mib::format_name(&root)
                )));
            }
            Ok(())
        }
        Action::Table { agent, oid } => {
            let (s, name) = session(engine, &agent).await?;
            let m = Table {
                oid: oid.clone(),
                options: WalkOptions::default(),
            };
            let rows =
                flatten(s.send(m).await).map_err(|error| ExecError::Snmp { agent: name, error })?;
            if rows.rows.is_empty() {
                emit(Event::Info(format!(
                    "no rows under {}",
                    mib::format_name(&oid)
                )));
            } else {
                emit(Event::Table(rows));
            }
            Ok(())
        }
        Action::Agents => {
            for name in engine.names() {
                if let Some(e) = engine.get(&name)
                    && !is_adhoc(&name, &e.target)
                {
                    emit(Event::Agent(AgentInfo {
                        name,
                        target: e.target,
                        address: e.agent,
                        version: e.config.version,
                        timeout: e.config.timeout,
                        retries: e.config.retries,
                        user: e.config.user.as_deref().map(UserInfo::from),
                    }));
                }
            }
            Ok(())
        }
        Action::AgentAdd {
            name,
            target,
            options,
        } => {
            let existed = engine.get(&name).is_some();
            let config =
                options
                    .apply(SessionConfig::default())
                    .map_err(|error| ExecError::Options {
                        agent: name.clone(),
                        error,
                    })?;
            engine
                .replace_session(&name, &target, config.clone())
                .await
                .map_err(|error| ExecError::Snmp {
                    agent: Some(name.clone()),
                    error,
                })?;
            let addr = engine.get(&name).map(|e| e.agent.to_string());
            engine.announce(&crate::engine::AgentChange::Added {
                name: name.clone(),
                target: target.clone(),
                config,
            });
            emit(Event::Info(format!(
                "agent {name} {} ({})",
                if existed { "replaced" } else { "added" },
                addr.unwrap_or(target)
            )));
            Ok(())
        }
        Action::AgentDel { name } => {
            if engine.remove(&name) {
                engine.announce(&crate::engine::AgentChange::Removed { name: name.clone() });
                emit(Event::Info(format!("agent {name} removed")));
                Ok(())
            } else {
                Err(ExecError::NoSuchAgent(name))
            }
        }
        Action::Stats => {
            emit(Event::Stats(Box::new(engine.stats().await)));
            if let Some(l) = engine.notification_listener()
                && let Ok(s) = l.send(crate::notification::listener::GetStats).await
            {
                emit(Event::Info(format!("traps: {}", s.counters.line())));
            }
            if let Some(c) = engine.cluster() {
                emit(Event::ClusterHealth(Box::new(c.status())));
            }
            Ok(())
        }
        Action::Traps { filter } => {
            let Some(l) = engine.notification_listener() else {
                emit(Event::Info(
                    "no notification receiver: add [traps] to the configuration".into(),
                ));
                return Ok(());
            };
            let (tx, mut rx) = mpsc::unbounded_channel();
            let forward = crate::notification::listener::Forward(tx).start();
            let id = l
                .send(crate::notification::listener::Subscribe(
                    forward.recipient(),
                ))
                .await
                .map_err(|_| ExecError::Snmp {
                    agent: None,
                    error: SnmpError::ShuttingDown,
                })?;
            // Unsubscribes when the command ends or is cancelled (this future dropped).
            let _unsubscribe = crate::notification::listener::Subscription::new(l, id);
            while let Some(n) = rx.recv().await {
                if filter.as_deref().is_none_or(|f| n.matches(f)) {
                    emit(Event::Notification(Box::new(n)));
                }
            }
            Ok(())
        }
        Action::Cluster => {
            match engine.cluster() {
                Some(c) => emit(Event::Cluster(Box::new(c.status()))),
                None => emit(Event::Info(
                    "not in a cluster (no [cluster] in the configuration)".into(),
                )),
            }
            Ok(())
        }
    }
}

fn flatten<T>(r: Result<Result<T, SnmpError>, MailboxError>) -> Result<T, SnmpError> {
    r.unwrap_or(Err(SnmpError::ShuttingDown))
}

fn varbinds(
    r: Result<crate::session::VarBindsResult, MailboxError>,
    agent: Option<String>,
    emit: &mut impl FnMut(Event),
) -> Result<(), ExecError> {
    let vbs = flatten(r).map_err(|error| ExecError::Snmp { agent, error })?;
    for vb in vbs {
        emit(Event::VarBind(vb));
    }
    Ok(())
}

/// Keys the hash in ad-hoc session names, so the name says nothing about the community.
static SESSION_KEY: LazyLock<std::hash::RandomState> = LazyLock::new(Default::default);

/// The session `agent` names, and the registered name to show in errors.
async fn session(
    engine: &Engine,
    agent: &AgentRef,
) -> Result<(SessionHandle, Option<String>), ExecError> {
    let snmp = |name: Option<&str>| {
        let agent = name.map(str::to_owned);
        move |error| ExecError::Snmp { agent, error }
    };
    let options = |error| ExecError::Options {
        agent: super::clip(&agent.name),
        error,
    };
    if let Some(entry) = engine.get(&agent.name) {
        if agent.options.is_empty() {
            return Ok((entry.session, Some(agent.name.clone())));
        }
        let config = agent
            .options
            .apply((*entry.config).clone())
            .map_err(options)?;
        let key = adhoc_name(&entry.target, &config);
        let s = engine
            .adhoc_session(&key, &entry.target, config)
            .await
            .map_err(snmp(Some(&agent.name)))?;
        return Ok((s, Some(agent.name.clone())));
    }
    if !is_target(&agent.name) {
        return Err(ExecError::UnknownAgent(super::clip(&agent.name)));
    }
    let config = agent
        .options
        .apply(SessionConfig::default())
        .map_err(options)?;
    let key = if agent.options.is_empty() {
        agent.name.clone()
    } else {
        adhoc_name(&agent.name, &config)
    };
    let s = engine
        .adhoc_session(&key, &agent.name, config)
        .await
        .map_err(snmp(None))?;
    Ok((s, None))
}

/// True for the sessions a command made for itself (`get 127.0.0.1:161 ...`, or an agent or
/// target with options of its own, `TARGET#HASH`): `agents` lists only the agents that were
/// defined (configuration, `agent add`). See: issue 15.
fn is_adhoc(name: &str, target: &str) -> bool {
    name.contains('#') || name == target
}

/// `TARGET#HASH`: a registry name for a target used with its own options. The SNMPv3 user
/// is in the hash, keys included, so two users never share a session.
fn adhoc_name(target: &str, c: &SessionConfig) -> String {
    let mut h = SESSION_KEY.build_hasher();
    (
        c.version.to_wire(),
        &**c.community.expose(),
        c.timeout,
        c.retries,
    )
        .hash(&mut h);
    if let Some(u) = &c.user {
        hash_user(u, &mut h);
    }
    format!("{target}#{:016x}", h.finish())
}

/// Feeds every field of `u` to `h` (`User` has no `Hash`: its secrets are not meant to be
/// hashed by accident).
fn hash_user(u: &User, h: &mut impl Hasher) {
    fn key(k: Option<&KeySource>) -> Option<(u8, &[u8])> {
        k.map(|k| match k {
            KeySource::Password(s) => (0, s.expose()),
            KeySource::Master(s) => (1, s.expose()),
            KeySource::Localized(s) => (2, s.expose()),
        })
    }
    (
        &u.name,
        u.level,
        u.auth_protocol,
        key(u.auth_key.as_ref()),
        u.priv_protocol,
        key(u.priv_key.as_ref()),
        &u.context_name,
        &u.context_engine_id,
        &u.security_engine_id,
    )
        .hash(h);
}

/// A `HOST[:PORT]` rather than a name: an IP address, or text with a dot, a colon or a bracket,
/// or `localhost`. A bare word that is not registered is a typo, not a host to look up.
fn is_target(s: &str) -> bool {
    s.parse::<IpAddr>().is_ok() || s.contains(['.', ':', '[']) || s == "localhost"
}

/// Forwards a streamed walk's rows from the session to [`walk`]'s channel. Stops when the
/// channel is gone (the command was dropped), which makes the session end the walk.
struct RowSink {
    tx: mpsc::UnboundedSender<Vec<crate::pdu::VarBind<'static>>>,
}

impl Actor for RowSink {
    type Context = Context<Self>;
}

impl Handler<WalkRows> for RowSink {
    type Result = ();

    fn handle(&mut self, m: WalkRows, ctx: &mut Context<Self>) {
        if self.tx.send(m.0).is_err() {
            ctx.stop();
        }
    }
}

/// Answered once every row queued before it has been forwarded. Sent by [`walk`].
#[derive(Message)]
#[rtype(result = "()")]
struct Flush;

impl Handler<Flush> for RowSink {
    type Result = ();

    fn handle(&mut self, _: Flush, _: &mut Context<Self>) {}
}

/// Stops the sink. Sent when [`walk`]'s future is dropped or done.
#[derive(Message)]
#[rtype(result = "()")]
struct StopSink;

impl Handler<StopSink> for RowSink {
    type Result = ();

    fn handle(&mut self, _: StopSink, ctx: &mut Context<Self>) {
        ctx.stop();
    }
}

struct StopOnDrop(Addr<RowSink>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.do_send(StopSink);
    }
}

/// Streams the walk of `root`, emitting rows as they come; answers the number of rows.
async fn walk(
    session: &SessionHandle,
    root: crate::oid::Oid,
    whole_arc: bool,
    emit: &mut impl FnMut(Event),
) -> Result<usize, SnmpError> {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let sink = RowSink { tx }.start();
    let _stop = StopOnDrop(sink.clone());
    let mut rows = 0usize;
    let mut send_rows = |batch: Vec<crate::pdu::VarBind<'static>>, rows: &mut usize| {
        *rows += batch.len();
        for vb in batch {
            emit(Event::VarBind(vb));
        }
    };
    let request = session.send(WalkStream {
        root,
        options: WalkOptions {
            whole_arc,
            ..WalkOptions::default()
        },
        sink: sink.clone().recipient(),
    });
    let mut request = std::pin::pin!(request);
    let result = loop {
        tokio::select! {
            Some(batch) = rx.recv() => send_rows(batch, &mut rows),
            r = &mut request => break flatten(r),
        }
    };
    // The session sent its last rows before its answer; they are queued before this Flush.
    let _ = sink.send(Flush).await;
    while let Ok(batch) = rx.try_recv() {
        send_rows(batch, &mut rows);
    }
    result.map(|_| rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_and_names() {
        for t in [
            "127.0.0.1",
            "127.0.0.1:161",
            "[::1]:161",
            "::1",
            "localhost",
            "a.b",
        ] {
            assert!(is_target(t), "{t}");
        }
        for n in ["demo", "core-sw1", "gte"] {
            assert!(!is_target(n), "{n}");
        }
    }

    #[test]
    fn timeouts_name_the_agent() {
        let e = SnmpError::Timeout {
            retries: 3,
            agent: "127.0.0.1:16100".parse().unwrap(),
        };
        let named = ExecError::Snmp {
            agent: Some("core-sw1".into()),
            error: e.clone(),
        };
        assert_eq!(
            named.to_string(),
            "timeout after 3 retries to core-sw1 (127.0.0.1:16100)"
        );
        let bare = ExecError::Snmp {
            agent: None,
            error: e,
        };
        assert_eq!(
            bare.to_string(),
            "timeout after 3 retries to 127.0.0.1:16100"
        );
    }

    #[actix_rt::test]
    async fn agents_lists_defined_agents_only() {
        let demo = crate::simulator::agent::spawn_demo().unwrap();
        let addr = demo.addr().to_string();
        let engine = Engine::start(crate::EngineConfig {
            shards: 1,
            ..crate::EngineConfig::default()
        });
        let run = |line: String| {
            let engine = engine.clone();
            async move {
                let Some(super::super::Command::Run(action)) = super::super::parse(&line).unwrap()
                else {
                    panic!("{line}")
                };
                let mut events = Vec::new();
                execute(&engine, action, &mut |e| events.push(e))
                    .await
                    .unwrap();
                events
            }
        };
        run(format!("agent add r1 {addr}")).await;
        // One-off sessions: a bare target, and a defined agent and a target with options.
        run(format!("get {addr} sysName.0")).await;
        run("get -v 1 r1 sysName.0".to_owned()).await;
        run(format!("get -c public -v 1 {addr} sysName.0")).await;
        assert!(engine.names().len() >= 3, "{:?}", engine.names());
        let listed: Vec<String> = run("agents".to_owned())
            .await
            .into_iter()
            .map(|e| match e {
                Event::Agent(a) => a.name,
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(listed, ["r1"]);
        engine.shutdown().await;
    }

    #[test]
    fn adhoc_names_hide_the_community() {
        let mut c = SessionConfig::default();
        let a = adhoc_name("127.0.0.1:161", &c);
        c.community = "secret".into();
        let b = adhoc_name("127.0.0.1:161", &c);
        assert_ne!(a, b);
        assert!(a.starts_with("127.0.0.1:161#") && !b.contains("secret"));
        assert_eq!(b, adhoc_name("127.0.0.1:161", &c));
    }
}
