//! The session keys shared by `[defaults]`, `[groups.NAME]`, `[agents.NAME]` (and the user keys of
//! `[[simulator.agents.NAME.v3_users]]` and `[[traps.v3_users]]`), applied layer by layer
//! ([`apply_session`]) and finished into a [`SessionConfig`] with its SNMPv3 user
//! ([`finish_session`]).

use std::sync::Arc;

use super::value::{At, engine_id, env_var, parse_version};
use crate::config::{Error, raw};
use crate::pdu::Version;
use crate::session::{Backoff, Community, SessionConfig};
use crate::usm::{KeySource, Secret, SecurityLevel, UserError, UserOptionError, UserOptions};

/// The session keys shared by `[defaults]`, `[groups.NAME]` and `[agents.NAME]` (and, the
/// SNMPv3 user keys only, `[[simulator.agents.NAME.v3_users]]`).
#[derive(Default)]
pub(super) struct SessionKeys<'r> {
    pub(super) version: Option<&'r String>,
    pub(super) community: Option<&'r raw::SecretText>,
    pub(super) community_env: Option<&'r String>,
    pub(super) timeout: Option<&'r String>,
    pub(super) retries: Option<u32>,
    pub(super) backoff: Option<&'r String>,
    pub(super) max_oids: Option<usize>,
    pub(super) max_repetitions: Option<u32>,
    pub(super) max_in_flight: Option<usize>,
    pub(super) user: Option<&'r String>,
    pub(super) security_level: Option<&'r String>,
    pub(super) auth_protocol: Option<&'r String>,
    pub(super) auth_password: Option<&'r raw::SecretText>,
    pub(super) auth_password_env: Option<&'r String>,
    pub(super) auth_key_env: Option<&'r String>,
    pub(super) priv_protocol: Option<&'r String>,
    pub(super) priv_password: Option<&'r raw::SecretText>,
    pub(super) priv_password_env: Option<&'r String>,
    pub(super) priv_key_env: Option<&'r String>,
    pub(super) context: Option<&'r String>,
    pub(super) context_engine_id: Option<&'r String>,
    pub(super) security_engine_id: Option<&'r String>,
}

/// `From<&raw::X> for SessionKeys` for the structs `with_session_keys!` wrote.
macro_rules! session_keys_from {
    ($($raw:ty),*) => {$(
        impl<'r> From<&'r $raw> for SessionKeys<'r> {
            fn from(s: &'r $raw) -> Self {
                Self {
                    version: s.version.as_ref(),
                    community: s.community.as_ref(),
                    community_env: s.community_env.as_ref(),
                    timeout: s.timeout.as_ref(),
                    retries: s.retries,
                    backoff: s.backoff.as_ref(),
                    max_oids: s.max_oids,
                    max_repetitions: s.max_repetitions,
                    max_in_flight: s.max_in_flight,
                    user: s.user.as_ref(),
                    security_level: s.security_level.as_ref(),
                    auth_protocol: s.auth_protocol.as_ref(),
                    auth_password: s.auth_password.as_ref(),
                    auth_password_env: s.auth_password_env.as_ref(),
                    auth_key_env: s.auth_key_env.as_ref(),
                    priv_protocol: s.priv_protocol.as_ref(),
                    priv_password: s.priv_password.as_ref(),
                    priv_password_env: s.priv_password_env.as_ref(),
                    priv_key_env: s.priv_key_env.as_ref(),
                    context: s.context.as_ref(),
                    context_engine_id: s.context_engine_id.as_ref(),
                    security_engine_id: s.security_engine_id.as_ref(),
                }
            }
        }
    )*};
}

session_keys_from!(raw::Session, raw::Agent, raw::Group);

impl SessionKeys<'_> {
    /// The SNMPv3 keys given, by name (for errors).
    pub(super) fn v3_keys(&self) -> Vec<&'static str> {
        [
            ("user", self.user.is_some()),
            ("security_level", self.security_level.is_some()),
            ("auth_protocol", self.auth_protocol.is_some()),
            ("auth_password", self.auth_password.is_some()),
            ("auth_password_env", self.auth_password_env.is_some()),
            ("auth_key_env", self.auth_key_env.is_some()),
            ("priv_protocol", self.priv_protocol.is_some()),
            ("priv_password", self.priv_password.is_some()),
            ("priv_password_env", self.priv_password_env.is_some()),
            ("priv_key_env", self.priv_key_env.is_some()),
            ("context", self.context.is_some()),
            ("context_engine_id", self.context_engine_id.is_some()),
            ("security_engine_id", self.security_engine_id.is_some()),
        ]
        .into_iter()
        .filter_map(|(k, given)| given.then_some(k))
        .collect()
    }

    /// True when no session key is given (a group that only lists members).
    pub(super) fn is_empty(&self) -> bool {
        self.v3_keys().is_empty()
            && self.version.is_none()
            && self.community.is_none()
            && self.community_env.is_none()
            && self.timeout.is_none()
            && self.retries.is_none()
            && self.backoff.is_none()
            && self.max_oids.is_none()
            && self.max_repetitions.is_none()
            && self.max_in_flight.is_none()
    }
}

/// A session being built layer by layer (built-in, `[defaults]`, a group, the agent): its
/// settings, and the SNMPv3 keys so far, made into a user by [`finish_session`] once every
/// layer is in. `Debug` shows no secret.
#[derive(Debug, Clone, Default)]
pub(super) struct Partial {
    pub(super) cfg: SessionConfig,
    pub(super) user: UserOptions,
}

/// The key source of one layer's `{what}_password`, `{what}_password_env`, `{what}_key_env`:
/// at most one may be given.
pub(super) fn key_source<'p>(
    at: &At<'_, '_>,
    key: &dyn Fn(&'static str) -> Vec<&'p str>,
    env: &[(String, String)],
    what: &'static str,
    given: [(&'static str, Option<&str>); 3],
) -> Result<Option<KeySource>, Error> {
    let set: Vec<_> = given.iter().filter(|(_, v)| v.is_some()).collect();
    if set.len() > 1 {
        return Err(at.err(
            &key(set[1].0),
            format!("give one of {what}_password, {what}_password_env and {what}_key_env"),
        ));
    }
    let Some(&(name, Some(value))) = set.first().copied() else {
        return Ok(None);
    };
    let path = key(name);
    Ok(Some(match name {
        n if n.ends_with("_password") => KeySource::Password(Secret::from(value)),
        n if n.ends_with("_password_env") => {
            KeySource::Password(Secret::from(env_var(at, &path, env, value)?))
        }
        _ => {
            let hex = env_var(at, &path, env, value)?;
            KeySource::Localized(Secret::from_hex(hex).map_err(|_| {
                at.err(
                    &path,
                    format!("environment variable {value} is not a key in hex"),
                )
            })?)
        }
    }))
}

pub(super) fn apply_session(
    at: &At<'_, '_>,
    base: &[&str],
    keys: &SessionKeys<'_>,
    env: &[(String, String)],
    mut partial: Partial,
) -> Result<Partial, Error> {
    let key = |k: &'static str| -> Vec<&str> {
        let mut p = base.to_vec();
        p.push(k);
        p
    };
    let cfg = &mut partial.cfg;
    if let Some(v) = keys.version {
        cfg.version = parse_version(v).map_err(|m| at.err(&key("version"), m))?;
    }
    if let Some(c) = keys.community {
        cfg.community = Community::from(c.expose());
    }
    if let Some(var) = keys.community_env {
        cfg.community = Community::from(env_var(at, &key("community_env"), env, var)?);
    }
    if let Some(d) = at.duration(&key("timeout"), keys.timeout)? {
        cfg.timeout = d;
    }
    if let Some(r) = keys.retries {
        cfg.retries = r;
    }
    if let Some(b) = keys.backoff {
        cfg.backoff = match b.as_str() {
            "fixed" => Backoff::Fixed,
            "doubling" => Backoff::Doubling,
            _ => {
                return Err(at.err(
                    &key("backoff"),
                    format!("bad backoff {b:?}: \"fixed\" or \"doubling\""),
                ));
            }
        };
    }
    let positive = |k: &'static str, v: usize| {
        if v == 0 {
            Err(at.err(&key(k), "must be at least 1"))
        } else {
            Ok(v)
        }
    };
    if let Some(n) = keys.max_oids {
        cfg.max_oids = positive("max_oids", n)?;
    }
    if let Some(n) = keys.max_repetitions {
        cfg.max_repetitions = u32::try_from(positive(
            "max_repetitions",
            usize::try_from(n).unwrap_or(usize::MAX),
        )?)
        .unwrap_or(u32::MAX);
    }
    if let Some(n) = keys.max_in_flight {
        cfg.max_in_flight = positive("max_in_flight", n)?;
    }

    let user = &mut partial.user;
    if let Some(name) = keys.user {
        user.name = Some(name.clone());
    }
    if let Some(l) = keys.security_level {
        user.level = Some(l.parse().map_err(|_| {
            at.err(
                &key("security_level"),
                format!(
                    "bad security level {l:?}: \"noAuthNoPriv\", \"authNoPriv\" or \"authPriv\""
                ),
            )
        })?);
    }
    if let Some(a) = keys.auth_protocol {
        user.auth_protocol = Some(a.parse().map_err(|_| {
            at.err(
                &key("auth_protocol"),
                format!(
                    "bad authentication protocol {a:?}: \"MD5\", \"SHA\", \"SHA-224\", \"SHA-256\", \"SHA-384\" or \"SHA-512\""
                ),
            )
        })?);
    }
    if let Some(x) = keys.priv_protocol {
        user.priv_protocol = Some(x.parse().map_err(|_| {
            at.err(
                &key("priv_protocol"),
                format!(
                    "bad privacy protocol {x:?}: \"DES\", \"AES\", \"AES-192\", \"AES-256\", \"AES-192-C\" or \"AES-256-C\""
                ),
            )
        })?);
    }
    let auth = key_source(
        at,
        &key,
        env,
        "auth",
        [
            (
                "auth_password",
                keys.auth_password.map(raw::SecretText::expose),
            ),
            (
                "auth_password_env",
                keys.auth_password_env.map(String::as_str),
            ),
            ("auth_key_env", keys.auth_key_env.map(String::as_str)),
        ],
    )?;
    if auth.is_some() {
        user.auth_key = auth;
    }
    let privacy = key_source(
        at,
        &key,
        env,
        "priv",
        [
            (
                "priv_password",
                keys.priv_password.map(raw::SecretText::expose),
            ),
            (
                "priv_password_env",
                keys.priv_password_env.map(String::as_str),
            ),
            ("priv_key_env", keys.priv_key_env.map(String::as_str)),
        ],
    )?;
    if privacy.is_some() {
        user.priv_key = privacy;
    }
    if let Some(c) = keys.context {
        user.context = Some(c.as_bytes().to_vec());
    }
    if let Some(id) = keys.context_engine_id {
        user.context_engine_id = Some(engine_id(at, &key("context_engine_id"), id)?);
    }
    if let Some(id) = keys.security_engine_id {
        user.security_engine_id = Some(engine_id(at, &key("security_engine_id"), id)?);
    }
    Ok(partial)
}

/// Checks that SNMPv3 keys given in the table at `path` are used: the table's session must be
/// at version 3 (`version` given there or inherited).
pub(super) fn check_v3_keys(
    at: &At<'_, '_>,
    path: &[&str],
    keys: &SessionKeys<'_>,
    partial: &Partial,
) -> Result<(), Error> {
    let given = keys.v3_keys();
    if partial.cfg.version != Version::V3
        && let Some(first) = given.first()
    {
        let mut p = path.to_vec();
        p.push(first);
        return Err(at.err(
            &p,
            format!(
                "an SNMPv3 key, but the version is {}: add version = \"3\"",
                partial.cfg.version.as_str()
            ),
        ));
    }
    Ok(())
}

/// The session of the table at `path` once every layer is in. At version 3 the user is made
/// and checked ([`User::validate`]); without `security_level` it is the highest the given
/// secrets allow. `require_user`: version 3 without `user` is an error (not for `[defaults]`,
/// whose agents may each name their own).
pub(super) fn finish_session(
    at: &At<'_, '_>,
    path: &[&str],
    partial: Partial,
    require_user: bool,
) -> Result<SessionConfig, Error> {
    let Partial { mut cfg, mut user } = partial;
    if cfg.version != Version::V3 || (user.name.is_none() && !require_user) {
        cfg.user = None;
        return Ok(cfg);
    }
    if user.level.is_none() {
        user.level = Some(match (&user.auth_key, &user.priv_key) {
            (Some(_), Some(_)) => SecurityLevel::AuthPriv,
            (Some(_), None) => SecurityLevel::AuthNoPriv,
            _ => SecurityLevel::NoAuthNoPriv,
        });
    }
    let name = user.name.clone().unwrap_or_default();
    let built = user.build(None).map_err(|e| {
        let message = match e {
            UserOptionError::NoSecurityName => {
                "version 3 needs `user` (the SNMPv3 user name)".to_owned()
            }
            UserOptionError::User(UserError::MissingAuthKey(level)) => format!(
                "SNMPv3 user {name:?}: security level {level} needs auth_password, auth_password_env or auth_key_env"
            ),
            UserOptionError::User(UserError::MissingPrivKey) => format!(
                "SNMPv3 user {name:?}: security level authPriv needs priv_password, priv_password_env or priv_key_env"
            ),
            other => format!("SNMPv3 user {name:?}: {other}"),
        };
        at.err(path, message)
    })?;
    cfg.user = Some(Arc::new(built));
    Ok(cfg)
}

/// `[defaults]` over the built-in session: the layer agents and groups start from, and the
/// finished session of an agent that sets nothing.
pub(super) fn defaults(
    at: &At<'_, '_>,
    d: &raw::Session,
    env: &[(String, String)],
) -> Result<(Partial, SessionConfig), Error> {
    let base = apply_session(
        at,
        &["defaults"],
        &SessionKeys::from(d),
        env,
        Partial::default(),
    )?;
    let defaults = finish_session(at, &["defaults"], base.clone(), false)?;
    Ok((base, defaults))
}
