//! `[agents.NAME]` and `[groups.NAME]`: where each agent is (an address or a simulated agent),
//! the groups it is in (nested groups expanded, cycles refused), and its session: built-in
//! defaults, then `[defaults]`, then the one group that sets session keys, then its own keys.

use std::collections::{BTreeMap, BTreeSet};

use super::session::{Partial, SessionKeys, apply_session, check_v3_keys, finish_session};
use super::value::At;
use super::{ALL_AGENTS, SimAgentSettings};
use crate::config::{Error, raw};
use crate::engine::split_target;
use crate::session::SessionConfig;

/// Where an agent is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `host:port` (as [`crate::engine::split_target`] reads it).
    Address(String),
    /// A simulated agent by name, not started yet: [`super::Settings::bind_simulator`] turns it into
    /// an address once it listens.
    Simulator(String),
}

/// One agent.
#[derive(Debug, Clone)]
pub struct AgentSettings {
    /// Its name (the engine's session name).
    pub name: String,
    /// Where it is.
    pub target: Target,
    /// Version, community, timeouts and limits.
    pub session: SessionConfig,
    /// Every group it belongs to, nested groups included, sorted.
    pub groups: Vec<String>,
}

/// Agents and groups checked: the agents by name, and every group's members (sorted). `base`
/// is `[defaults]` over the built-in session.
pub(super) fn agents_and_groups(
    at: &At<'_, '_>,
    raw: &raw::Raw,
    simulator: &BTreeMap<String, SimAgentSettings>,
    base: &Partial,
    env: &[(String, String)],
) -> Result<AgentsAndGroups, Error> {
    let mut targets = BTreeMap::new();
    for (name, a) in &raw.agents {
        let base = ["agents", name.as_str()];
        let k = |key: &'static str| [base[0], base[1], key];
        if name.is_empty() || name == ALL_AGENTS || name.contains(char::is_whitespace) {
            return Err(at.err(&base, "an agent name is not empty, `*` or with spaces"));
        }
        let target = match (&a.address, &a.simulator) {
            (Some(_), Some(_)) => {
                return Err(at.err(&k("simulator"), "give `address` or `simulator`, not both"));
            }
            (Some(addr), None) => {
                split_target(addr).map_err(|m| at.err(&k("address"), m))?;
                Target::Address(addr.clone())
            }
            (None, Some(sim)) => {
                if !simulator.contains_key(sim) {
                    return Err(at.err(
                        &k("simulator"),
                        format!("no simulated agent {sim:?} in [simulator.agents]"),
                    ));
                }
                Target::Simulator(sim.clone())
            }
            (None, None) if simulator.contains_key(name) => Target::Simulator(name.clone()),
            (None, None) => {
                return Err(at.err(&base, "needs `address` (or `simulator`)"));
            }
        };
        targets.insert(name.clone(), target);
    }

    let groups = expand_groups(at, raw, &targets)?;

    // Groups with session keys: each over [defaults]; an agent takes at most one's.
    let mut group_sessions: BTreeMap<&str, Partial> = BTreeMap::new();
    for (g, def) in &raw.groups {
        let raw::GroupDef::Table(table) = def else {
            continue;
        };
        let keys = SessionKeys::from(&**table);
        if keys.is_empty() {
            continue;
        }
        let path = ["groups", g.as_str()];
        let partial = apply_session(at, &path, &keys, env, base.clone())?;
        check_v3_keys(at, &path, &keys, &partial)?;
        group_sessions.insert(g.as_str(), partial);
    }

    let mut agents = BTreeMap::new();
    for (name, target) in targets {
        let a = &raw.agents[&name];
        let path = ["agents", name.as_str()];
        let member_of: Vec<String> = groups
            .iter()
            .filter(|(_, members)| members.contains(&name))
            .map(|(g, _)| g.clone())
            .collect();
        let with_keys: Vec<&str> = member_of
            .iter()
            .map(String::as_str)
            .filter(|g| group_sessions.contains_key(g))
            .collect();
        let start = match with_keys.as_slice() {
            [] => base.clone(),
            [g] => group_sessions[g].clone(),
            [g1, g2, ..] => {
                return Err(at.err(
                    &path,
                    format!(
                        "in groups {g1:?} and {g2:?}, which both set session keys: an agent takes them from one group at most"
                    ),
                ));
            }
        };
        let keys = SessionKeys::from(a);
        let partial = apply_session(at, &path, &keys, env, start)?;
        check_v3_keys(at, &path, &keys, &partial)?;
        let session = finish_session(at, &path, partial, true)?;
        agents.insert(
            name.clone(),
            std::sync::Arc::new(AgentSettings {
                name,
                target,
                session,
                groups: member_of,
            }),
        );
    }
    Ok((agents, groups))
}

/// Agents by name, and groups with their members.
pub(super) type AgentsAndGroups = (
    BTreeMap<String, std::sync::Arc<AgentSettings>>,
    BTreeMap<String, Vec<String>>,
);

/// Expands `[groups]` (members may be groups) plus each agent's own `groups` into agent lists.
fn expand_groups<V>(
    at: &At<'_, '_>,
    raw: &raw::Raw,
    agents: &BTreeMap<String, V>,
) -> Result<BTreeMap<String, Vec<String>>, Error> {
    let mut direct: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (g, def) in &raw.groups {
        let members = def.members();
        if agents.contains_key(g) {
            return Err(at.err(&["groups", g], "an agent has the same name"));
        }
        if g == ALL_AGENTS {
            return Err(at.err(&["groups", g], "`*` is reserved for every agent"));
        }
        direct
            .entry(g.clone())
            .or_default()
            .extend(members.iter().cloned());
    }
    for (name, a) in &raw.agents {
        for g in a.groups.iter().flatten() {
            if agents.contains_key(g) {
                return Err(at.err(
                    &["agents", name, "groups"],
                    format!("{g:?} is an agent, not a group"),
                ));
            }
            direct.entry(g.clone()).or_default().insert(name.clone());
        }
    }
    for (g, members) in &direct {
        for m in members {
            if !agents.contains_key(m) && !direct.contains_key(m) {
                return Err(at.err(
                    &["groups", g],
                    format!("{m:?} is neither an agent nor a group"),
                ));
            }
        }
    }
    let mut out = BTreeMap::new();
    for g in direct.keys() {
        let mut found = BTreeSet::new();
        let mut path = vec![g.clone()];
        collect_members(at, &direct, agents, g, &mut path, &mut found)?;
        out.insert(g.clone(), found.into_iter().collect());
    }
    Ok(out)
}

fn collect_members<V>(
    at: &At<'_, '_>,
    direct: &BTreeMap<String, BTreeSet<String>>,
    agents: &BTreeMap<String, V>,
    group: &str,
    path: &mut Vec<String>,
    found: &mut BTreeSet<String>,
) -> Result<(), Error> {
    for m in direct.get(group).into_iter().flatten() {
        if agents.contains_key(m) {
            found.insert(m.clone());
        } else if path.contains(m) {
            return Err(at.err(
                &["groups", &path[0]],
                format!("groups include each other: {} -> {m}", path.join(" -> ")),
            ));
        } else {
            path.push(m.clone());
            collect_members(at, direct, agents, m, path, found)?;
            path.pop();
        }
    }
    Ok(())
}
