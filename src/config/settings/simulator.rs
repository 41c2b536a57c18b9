//! `[simulator.agents.NAME]`: simulated agents served in-process, as data: where each listens,
//! its records (data files parsed now, so a bad line is a load error), its community, its SNMPv3
//! engine and users. The service builds the responders from these.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;

use super::session::{Partial, SessionKeys, apply_session, finish_session};
use super::value::{At, engine_id, refs};
use crate::config::{Error, raw};
use crate::pdu::Version;
use crate::session::SessionConfig;
use crate::simulator::agent::usm::DEFAULT_BOOTS;
use crate::simulator::agent::{Store, snmprec};
use crate::usm::{KeyCache, KeySource, User, UserOptions};
use crate::v3::MAX_BOOTS;

/// Default simulated agent address: any free loopback port.
pub const DEFAULT_SIMULATOR_LISTEN: &str = "127.0.0.1:0";

/// Default community of simulated agents.
pub const DEFAULT_SIMULATOR_COMMUNITY: &str = "public";

/// One simulated agent to serve.
#[derive(Debug, Clone)]
pub struct SimAgentSettings {
    /// Its name (an agent with `simulator = NAME` polls it).
    pub name: String,
    /// Where it listens; port 0 is any free port.
    pub listen: SocketAddr,
    /// The data file, when one was given (else the built-in demo device).
    pub data: Option<PathBuf>,
    /// Its data, parsed.
    pub store: Store,
    /// The community it answers.
    pub community: String,
    /// Its SNMPv3 engine and users (`None`: v1 and v2c only).
    pub v3: Option<SimV3Settings>,
}

/// The SNMPv3 side of a simulated agent. `Debug` shows user names, never a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimV3Settings {
    /// Its engine id; `None`: [`crate::simulator::agent::usm::default_engine_id`] of the port it gets.
    pub engine_id: Option<Vec<u8>>,
    /// snmpEngineBoots.
    pub engine_boots: u32,
    /// The users it answers (at least one), each at the highest level it may use.
    pub users: Vec<User>,
}

/// `[simulator]` checked: every simulated agent by name.
pub(super) fn simulators(
    at: &At<'_, '_>,
    raw: raw::Simulator,
    env: &[(String, String)],
) -> Result<BTreeMap<String, SimAgentSettings>, Error> {
    let mut simulator = BTreeMap::new();
    for (name, s) in raw.agents {
        let base = ["simulator", "agents", name.as_str()];
        let k = |key: &'static str| [base[0], base[1], base[2], key];
        let listen = at.addr(&k("listen"), s.listen.as_ref(), DEFAULT_SIMULATOR_LISTEN)?;
        let (data, store) = match &s.data {
            Some(file) => {
                let path = at.base_dir(&k("data")).join(file);
                let text = std::fs::read_to_string(&path).map_err(|e| {
                    at.err(&k("data"), format!("cannot read {}: {e}", path.display()))
                })?;
                let store = snmprec::parse(&text)
                    .map_err(|e| at.err(&k("data"), format!("{}: {e}", path.display())))?;
                (Some(path), store)
            }
            None => (None, snmprec::demo()),
        };
        simulator.insert(
            name.clone(),
            SimAgentSettings {
                name: name.clone(),
                listen,
                data,
                store,
                community: s
                    .community
                    .clone()
                    .unwrap_or_else(|| DEFAULT_SIMULATOR_COMMUNITY.to_owned()),
                v3: sim_v3(at, &base, &s, env)?,
            },
        );
    }
    Ok(simulator)
}

/// The SNMPv3 side of the simulated agent at `base` (`simulator.agents.NAME`): its engine and
/// users, each user read by the same code as an agent's ([`apply_session`], then
/// [`finish_session`]), so keys, secrets and errors are the same.
pub(super) fn sim_v3(
    at: &At<'_, '_>,
    base: &[&str],
    s: &raw::SimAgent,
    env: &[(String, String)],
) -> Result<Option<SimV3Settings>, Error> {
    let key = |k: &str| -> Vec<String> {
        base.iter()
            .map(|s| (*s).to_owned())
            .chain([k.to_owned()])
            .collect()
    };
    let users_given = s.v3_users.as_ref().is_some_and(|u| !u.is_empty());
    let mut engine = None;
    if let Some(text) = &s.engine_id {
        let path = key("engine_id");
        engine = Some(engine_id(at, &refs(&path), text)?);
    }
    let engine_boots = s.engine_boots.unwrap_or(DEFAULT_BOOTS);
    if engine_boots >= MAX_BOOTS {
        return Err(at.err(
            &refs(&key("engine_boots")),
            format!("must be below {MAX_BOOTS} (there the engine accepts nothing authenticated)"),
        ));
    }
    if !users_given {
        for (k, given) in [
            ("engine_id", s.engine_id.is_some()),
            ("engine_boots", s.engine_boots.is_some()),
        ] {
            if given {
                return Err(at.err(&refs(&key(k)), "SNMPv3 engine without v3_users"));
            }
        }
        return Ok(None);
    }
    let mut users: Vec<User> = Vec::new();
    for (i, u) in s.v3_users.iter().flatten().enumerate() {
        let entry = key(&format!("v3_users[{i}]"));
        let path = refs(&entry);
        let err = |k: &str, message: String| {
            let mut p = path.clone();
            p.push(k);
            at.err(&p, message)
        };
        let name = match u.user.as_deref() {
            Some(n) if !n.is_empty() && n.len() <= crate::v3::MAX_USER_NAME => n,
            Some(_) => {
                return Err(err(
                    "user",
                    format!("1 to {} characters", crate::v3::MAX_USER_NAME),
                ));
            }
            None => return Err(err("user", "missing: the USM user name".into())),
        };
        if users.iter().any(|other| other.name == name) {
            return Err(err("user", format!("{name:?} is listed twice")));
        }
        let keys = SessionKeys {
            user: u.user.as_ref(),
            security_level: u.security_level.as_ref(),
            auth_protocol: u.auth_protocol.as_ref(),
            auth_password: u.auth_password.as_ref(),
            auth_password_env: u.auth_password_env.as_ref(),
            auth_key_env: u.auth_key_env.as_ref(),
            priv_protocol: u.priv_protocol.as_ref(),
            priv_password: u.priv_password.as_ref(),
            priv_password_env: u.priv_password_env.as_ref(),
            priv_key_env: u.priv_key_env.as_ref(),
            ..SessionKeys::default()
        };
        let start = Partial {
            cfg: SessionConfig {
                version: Version::V3,
                ..SessionConfig::default()
            },
            user: UserOptions::default(),
        };
        let partial = apply_session(at, &path, &keys, env, start)?;
        let session = finish_session(at, &path, partial, true)?;
        let Some(user) = session.user.as_deref().cloned() else {
            return Err(err("user", "missing: the USM user name".into()));
        };
        // A localized key is for one engine id: it needs `engine_id`, and is checked now.
        let localized = [
            ("auth_key_env", &user.auth_key),
            ("priv_key_env", &user.priv_key),
        ]
        .into_iter()
        .find(|(_, k)| matches!(k, Some(KeySource::Localized(_))));
        if let Some((k, _)) = localized {
            let Some(id) = &engine else {
                return Err(err(
                    k,
                    "a localized key is for one engine: give the agent's engine_id".into(),
                ));
            };
            user.keys(id, &mut KeyCache::new())
                .map_err(|e| at.err(&path, format!("SNMPv3 user {name:?}: {e}")))?;
        }
        users.push(user);
    }
    Ok(Some(SimV3Settings {
        engine_id: engine,
        engine_boots,
        users,
    }))
}
