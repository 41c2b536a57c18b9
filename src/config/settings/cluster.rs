//! `[cluster]`: the Redis URL (`rediss://` for TLS, with a CA file) or Sentinels and the
//! master's name (password from the environment), the key prefix, this instance's
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
    agents: &BTreeMap<String, std::sync::Arc<AgentSettings>>,
) -> Result<crate::cluster::ClusterSettings, Error> {
    use crate::cluster::{
        DEFAULT_HEARTBEAT, DEFAULT_NAME, DEFAULT_TTL, MIN_TTL_HEARTBEATS, default_instance,
    };
    let sentinels = c.sentinels.unwrap_or_default();
    let redis = match (c.redis, sentinels.is_empty()) {
        (Some(r), true) => r,
        (None, false) => String::new(),
        (Some(_), false) => {
            return Err(at.err(
                &["cluster", "sentinels"],
                "either redis (one server) or sentinels (the master asked of Sentinel), not both",
            ));
        }
        (None, true) => {
            return Err(at.err(
                &["cluster", "redis"],
                "needs the Redis URL (redis://HOST:PORT), or sentinels and master_name",
            ));
        }
    };
    let url_ok = |u: &str| {
        u.starts_with("redis://") || u.starts_with("rediss://") || u.starts_with("redis+unix://")
    };
    if !redis.is_empty() && !url_ok(&redis) {
        return Err(at.err(
            &["cluster", "redis"],
            "a redis://, rediss:// (TLS) or redis+unix:// URL",
        ));
    }
    for u in &sentinels {
        if !(u.starts_with("redis://") || u.starts_with("rediss://")) {
            return Err(at.err(
                &["cluster", "sentinels"],
                format!("{u:?}: a redis:// or rediss:// (TLS) URL of a sentinel"),
            ));
        }
    }
    let master_name = match (c.master_name, sentinels.is_empty()) {
        (Some(m), false) if !m.is_empty() => Some(m),
        (None, true) => None,
        (Some(_), true) => {
            return Err(at.err(&["cluster", "master_name"], "only with sentinels"));
        }
        _ => {
            return Err(at.err(
                &["cluster", "master_name"],
                "needs the master's name in Sentinel (sentinel monitor NAME ...)",
            ));
        }
    };
    let ca_file = match c.ca_file {
        Some(f) => {
            // Relative to the file that names it.
            let path = at.base_dir(&["cluster", "ca_file"]).join(&f);
            if let Err(e) = std::fs::metadata(&path) {
                return Err(at.err(&["cluster", "ca_file"], format!("{f}: {e}")));
            }
            Some(path)
        }
        None => None,
    };
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
        ca_file,
        sentinels,
        master_name,
        password,
        name,
        instance,
        site: c.site,
        pins: c.pins,
        heartbeat,
        ttl,
    })
}
