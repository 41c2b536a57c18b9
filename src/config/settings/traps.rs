//! `[traps]`: the notification receiver's listening addresses, communities, SNMPv3 users (read
//! as a simulated agent's, so keys and errors are the same), sender engine ids, limits and the
//! outputs its notifications go to.

use std::collections::BTreeMap;

use super::OutputSettings;
use super::simulator::sim_v3;
use super::value::{At, engine_id, env_var};
use crate::config::{Error, raw};
use crate::notification::listener::ListenerConfig;
use crate::notification::{RateLimit, ReceiverConfig};
use crate::simulator::agent::usm::DEFAULT_BOOTS;

/// `[traps]`: the notification receiver's listener and where its notifications go.
#[derive(Debug, Clone)]
pub struct TrapSettings {
    /// Addresses, communities, users, limits.
    pub listener: ListenerConfig,
    /// Outputs that get the notifications; empty: every output.
    pub outputs: Vec<String>,
}

/// The default `[traps]` listening address: loopback, above the privileged ports.
pub const DEFAULT_TRAPS_LISTEN: &str = "127.0.0.1:1162";

/// `[traps]` checked: addresses, communities (and `communities_env`), the SNMPv3 users (read as
/// a simulated agent's, [`sim_v3`]), sender engine ids, limits, outputs.
pub(super) fn traps_settings(
    at: &At<'_, '_>,
    mut t: raw::Traps,
    env: &[(String, String)],
    outputs: &BTreeMap<String, OutputSettings>,
) -> Result<TrapSettings, Error> {
    let k = |key: &'static str| ["traps", key];
    let mut listen = Vec::new();
    let given = t.listen.as_ref().map_or_else(
        || vec![DEFAULT_TRAPS_LISTEN.to_owned()],
        raw::OneOrMany::to_vec,
    );
    for a in &given {
        listen.push(at.addr(&k("listen"), Some(a), "")?);
    }
    if listen.is_empty() {
        return Err(at.err(&k("listen"), "no address: give at least one IP:PORT"));
    }
    let mut communities: Vec<Vec<u8>> = t
        .communities
        .iter()
        .flatten()
        .map(|c| c.expose().as_bytes().to_vec())
        .collect();
    for var in t.communities_env.iter().flatten() {
        communities.push(
            env_var(at, &k("communities_env"), env, var)?
                .as_bytes()
                .to_vec(),
        );
    }
    let sim = raw::SimAgent {
        engine_id: t.engine_id.clone(),
        engine_boots: t.engine_boots,
        v3_users: t.v3_users.take(),
        ..raw::SimAgent::default()
    };
    let v3 = sim_v3(at, &["traps"], &sim, env)?;
    let mut sender_engine_ids = Vec::new();
    for id in t.sender_engine_ids.iter().flatten() {
        sender_engine_ids.push(engine_id(at, &k("sender_engine_ids"), id)?);
    }
    if !sender_engine_ids.is_empty() && v3.is_none() {
        return Err(at.err(&k("sender_engine_ids"), "SNMPv3 senders without v3_users"));
    }
    let dedup_window = at
        .duration(&k("dedup_window"), t.dedup_window.as_ref())?
        .unwrap_or(crate::notification::DEFAULT_DEDUP_WINDOW);
    let trap_outputs = t.outputs.clone().unwrap_or_default();
    for o in &trap_outputs {
        if !outputs.contains_key(o) {
            return Err(at.err(&k("outputs"), format!("no output named {o:?}")));
        }
    }
    let (engine_id, engine_boots, users) = match v3 {
        Some(v) => (v.engine_id, v.engine_boots, v.users),
        None => (None, DEFAULT_BOOTS, Vec::new()),
    };
    Ok(TrapSettings {
        listener: ListenerConfig {
            listen,
            receiver: ReceiverConfig {
                communities,
                users,
                engine_id,
                engine_boots,
                sender_engine_ids,
                dedup_window,
                rate_limit: t.rate_limit.filter(|r| *r > 0).map(|r| RateLimit {
                    per_second: r,
                    burst: r,
                }),
            },
            batch: crate::notification::listener::DEFAULT_BATCH,
        },
        outputs: trap_outputs,
    })
}
