//! `[cluster]`: the Redis URL (password from the environment), the key prefix, this instance's
//! id, heartbeat and TTL, and groups pinned to sites.

use std::collections::BTreeMap;
use std::time::Duration;

use super::AgentSettings;
use super::value::At;
use crate::config::{Error, raw};

/// `[cluster]`, checked: a `redis://` URL, a TTL of at least three heartbeats, pins naming
/// groups.
pub(super) fn cluster_settings(
    at: &At<'_, '_>,
    c: raw::Cluster,
    env: &[(String, String)],
    groups: &BTreeMap<String, Vec<String>>,
    agents: &BTreeMap<String, AgentSettings>,
) -> Result<crate::cluster::ClusterSettings, Error> {
    use crate::cluster::{
        DEFAULT_HEARTBEAT, DEFAULT_NAME, DEFAULT_TTL, MIN_TTL_HEARTBEATS, default_instance,
    };
    let redis = c.redis.ok_or_else(|| {
        at.err(
            &["cluster", "redis"],
            "needs the Redis URL (redis://HOST:PORT)",
        )
    })?;
    if redis.starts_with("rediss://") {
        return Err(at.err(
            &["cluster", "redis"],
            "TLS (rediss://) is not built into this snmpact; use redis:// (loopback or a tunnel)",
        ));
    }
    if !(redis.starts_with("redis://") || redis.starts_with("redis+unix://")) {
        return Err(at.err(&["cluster", "redis"], "a redis:// or redis+unix:// URL"));
    }
    let password = match &c.password_env {
        Some(var) => Some(
            env.iter()
                .find(|(k, _)| k == var)
                .map(|(_, v)| v.clone())
                .ok_or_else(|| {
                    at.err(
                        &["cluster", "password_env"],
                        format!("environment variable {var} is not set"),
                    )
                })?,
        ),
        None => None,
    };
    let heartbeat = at
        .duration(&["cluster", "heartbeat"], c.heartbeat.as_ref())?
        .unwrap_or(DEFAULT_HEARTBEAT);
    let ttl = at
        .duration(&["cluster", "ttl"], c.ttl.as_ref())?
        .unwrap_or(DEFAULT_TTL);
    if heartbeat < Duration::from_millis(50) {
        return Err(at.err(&["cluster", "heartbeat"], "at least 50ms"));
    }
    if ttl < heartbeat * MIN_TTL_HEARTBEATS {
        return Err(at.err(
            &["cluster", "ttl"],
            format!("at least {MIN_TTL_HEARTBEATS} heartbeats"),
        ));
    }
    let name = c.name.unwrap_or_else(|| DEFAULT_NAME.to_owned());
    let instance = c.instance.unwrap_or_else(default_instance);
    for (key, v) in [("name", &name), ("instance", &instance)] {
        if v.is_empty() || v.contains(|ch: char| ch.is_whitespace() || ch.is_control()) {
            return Err(at.err(&["cluster", key], "not empty, no spaces"));
        }
    }
    for g in c.pins.keys() {
        if !groups.contains_key(g) && !agents.values().any(|a| a.groups.contains(g)) {
            return Err(at.err(
                &["cluster", "pins", g.as_str()],
                format!("no group {g:?} in [groups]"),
            ));
        }
    }
    Ok(crate::cluster::ClusterSettings {
        redis,
        password,
        name,
        instance,
        site: c.site,
        pins: c.pins,
        heartbeat,
        ttl,
    })
}
