//! The poller's side of a cluster (`[cluster]`): whether this instance polls a pair for a slot,
//! what it does when the membership's epoch changes (rate state handed over, sessions opened
//! only for the agents it owns), and the wall-clock alignment of slots.

use crate::config::settings::selects;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use actix::prelude::*;

use super::super::cycle::{Counters, JobSpec, Slot};
use super::super::pairs::Key;
use super::super::rate::{CounterKind, Stamp};
use super::{Poller, now};
use crate::cluster::{Decision, RateState, wall_ms};
use crate::oid::Oid;
use crate::report::Event;

/// Slots count from the start of the current UTC hour (else minute) in a cluster, so every
/// instance has the same slots for a pair (a phase is a hash of the names): an interval that
/// divides an hour gives the same cycles everywhere, and the cutover between two owners falls
/// between two slots.
pub(super) fn wall_aligned_epoch(now: Instant, wall: SystemTime) -> Instant {
    let since = wall
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    [3_600_u128, 60]
        .into_iter()
        .find_map(|period| {
            let into = u64::try_from(since % (period * 1_000_000_000)).unwrap_or(0);
            now.checked_sub(Duration::from_nanos(into))
        })
        .unwrap_or(now)
}

/// The wall-clock milliseconds of `at`, given that `now` is `wall`.
pub(super) fn wall_of(at: Instant, now: Instant, wall: SystemTime) -> u64 {
    let w = wall_ms(wall);
    if at >= now {
        w.saturating_add(u64::try_from(at.duration_since(now).as_millis()).unwrap_or(0))
    } else {
        w.saturating_sub(u64::try_from(now.duration_since(at).as_millis()).unwrap_or(0))
    }
}

/// The rate memory of a slot, for the hand-over.
pub(super) fn rate_state(slot: &Slot, now: Instant, wall: SystemTime) -> Option<RateState> {
    let prev = slot.prev?;
    let mut counters: Vec<(Oid, u8, u64)> = slot
        .counters
        .iter()
        .map(|(oid, kind, v)| {
            let k = match kind {
                CounterKind::Counter32 => 32,
                CounterKind::Counter64 => 64,
            };
            (oid.clone(), k, v)
        })
        .collect();
    counters.sort();
    Some(RateState {
        at_ms: wall_of(prev.at, now, wall),
        uptime: prev.uptime,
        counters,
    })
}

/// Whether this instance needs a session for `agent` (in `groups`) at wall time `now_ms`:
/// it owns the agent now, or will at the current view's cutover (so the session is ready for
/// its first slot). Pure.
pub(super) fn session_wanted(
    snap: &crate::cluster::Snapshot,
    agent: &str,
    groups: &[String],
    now_ms: u64,
) -> bool {
    let me = &snap.identity.me;
    [now_ms, snap.cutover_ms().max(now_ms)]
        .into_iter()
        .any(|at| snap.owner_at(agent, groups, at).as_ref() == Some(me))
}

impl Poller {
    // ---- cluster ----------------------------------------------------------------------------

    /// Cluster: whether this instance polls the pair for this slot. `None`: another instance
    /// does (or nobody may); `Some(duplicate)`: poll, marked when the view was not fresh.
    /// A pair this instance polled and no longer owns is released: its series are removed
    /// from the outputs and its rate memory dropped (the new owner took it over).
    pub(super) fn cluster_gate(
        &mut self,
        key: &Key,
        slot: Instant,
        t: Instant,
        job: &JobSpec,
    ) -> Option<bool> {
        let Some(c) = &self.cluster else {
            return Some(false);
        };
        let groups: &[String] = self
            .agents
            .get(&key.1)
            .map_or(&[], |a| a.settings.groups.as_slice());
        let wall = SystemTime::now();
        let slot_ms = wall_of(slot, t, wall);
        match c.snapshot().decide(&key.1, groups, slot_ms, wall_ms(wall)) {
            Decision::Poll { duplicate } => {
                self.pairs.slot(key).polled = true;
                self.owned.insert(key.1.clone());
                Some(duplicate)
            }
            Decision::Skip => {
                let released = self.pairs.get_mut(key).is_some_and(|s| {
                    let was = std::mem::replace(&mut s.polled, false);
                    if was {
                        s.prev = None;
                        s.counters.clear();
                        s.failures = 0;
                        s.retry_at = None;
                    }
                    was
                });
                if released {
                    self.owned.remove(&key.1);
                    if !self.wants_session(&key.1) {
                        self.release_session(&key.1);
                    }
                    self.down.remove(&key.1);
                    let ev = Event::Removed {
                        job: key.0.clone(),
                        agent: key.1.clone(),
                    };
                    self.publish(ev, &job.outputs);
                }
                None
            }
        }
    }

    /// Cluster: a new epoch. Asks for the rate state of the (agent, job) pairs this instance
    /// adopts (their old owner stored it after each cycle): at once for agents whose owner is
    /// gone, a quarter window before the cutover for the others; opens sessions for the agents
    /// it takes and closes those nobody here polls; recounts the agents per member for the
    /// console. O(agents) per epoch change, never per heartbeat.
    pub(super) fn epoch_changed(
        &mut self,
        snap: &crate::cluster::Snapshot,
        ctx: &mut Context<Self>,
    ) {
        let Some(c) = self.cluster.clone() else {
            return;
        };
        let me = &snap.identity.me;
        let now_ms = wall_ms(SystemTime::now());
        let cut = snap.cutover_ms().max(now_ms);
        let mut gaining = Vec::new();
        let (mut adopt_now, mut adopt_later) = (Vec::new(), Vec::new());
        let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
        for (name, a) in &self.agents {
            let g = &a.settings.groups;
            let after = snap.owner_at(name, g, cut);
            *counts
                .entry(after.as_ref().map_or_else(String::new, ToString::to_string))
                .or_default() += 1;
            if after.as_ref() != Some(me) || self.owned.contains(name) {
                continue;
            }
            gaining.push(name.clone());
            let pairs = self
                .jobs
                .iter()
                .filter(|(_, j)| {
                    let s = &j.spec.settings;
                    s.enabled && !s.rates.is_empty() && selects(&s.agents, name, g)
                })
                .map(|(job, _)| (name.clone(), job.clone()));
            if snap.owner_at(name, g, now_ms).as_ref() == Some(me) {
                adopt_now.extend(pairs);
            } else {
                adopt_later.extend(pairs);
            }
        }
        c.set_agents_per_member(&counts);
        // Sessions: opened now for the agents taken at the cutover (ready for their first
        // slot), closed for those nobody here polls (memory per instance ~ its own share).
        for name in &gaining {
            let idle = self
                .agents
                .get(name)
                .is_some_and(|a| a.session.is_none() && !a.creating && a.pending.is_none());
            if idle {
                self.create_session(name.clone(), ctx);
            }
        }
        let release: Vec<Arc<str>> = self
            .agents
            .iter()
            .filter(|(n, a)| {
                (a.session.is_some() && a.running == 0)
                    && !self.owned.contains(*n)
                    && snap.owner_at(n, &a.settings.groups, cut).as_ref() != Some(me)
                    && snap.owner_at(n, &a.settings.groups, now_ms).as_ref() != Some(me)
            })
            .map(|(n, _)| n.clone())
            .collect();
        for name in release {
            self.release_session(&name);
        }
        c.fetch_rates(adopt_now, now_ms);
        let quarter = snap.identity.window_ms / 4;
        c.fetch_rates(adopt_later, snap.cutover_ms().saturating_sub(quarter));
    }

    /// Whether the agent needs a session here: always outside a cluster; in one, when this
    /// instance polls it now or will at the current epoch's cutover.
    pub(super) fn wants_session(&self, name: &Arc<str>) -> bool {
        let Some(c) = &self.cluster else {
            return true;
        };
        if self.owned.contains(name) {
            return true;
        }
        let groups: &[String] = self
            .agents
            .get(name)
            .map_or(&[], |a| a.settings.groups.as_slice());
        session_wanted(&c.snapshot(), name, groups, wall_ms(SystemTime::now()))
    }

    /// Cluster: closes the agent's session (another instance polls it now). Its engine entry
    /// goes too, so the memory is returned; a session still being created or in use stays.
    pub(super) fn release_session(&mut self, name: &Arc<str>) {
        let Some(a) = self.agents.get_mut(name) else {
            return;
        };
        if a.running > 0 || a.creating || a.session.is_none() {
            return;
        }
        a.session = None;
        a.owned = false;
        self.engine.remove(name);
    }

    /// Cluster: rate state handed over for agents taken over; kept where it is newer than
    /// what this instance has.
    pub(super) fn seed_rates(&mut self, seeds: Vec<(Arc<str>, Arc<str>, RateState)>) {
        let t = now();
        let wall_now = wall_ms(SystemTime::now());
        for (agent, job, state) in seeds {
            let Some(at) =
                t.checked_sub(Duration::from_millis(wall_now.saturating_sub(state.at_ms)))
            else {
                continue;
            };
            let slot = self.pairs.slot(&(job, agent));
            if slot.prev.is_some_and(|p| p.at >= at) {
                continue;
            }
            let mut counters = Counters::default();
            for (oid, kind, value) in state.counters {
                let kind = match kind {
                    32 => CounterKind::Counter32,
                    64 => CounterKind::Counter64,
                    _ => continue,
                };
                counters.insert_oid(oid, kind, value);
            }
            slot.prev = Some(Stamp {
                at,
                uptime: state.uptime,
            });
            slot.counters = counters;
        }
    }

    /// Cluster: the rate state of every pair this instance polls (handed over when leaving).
    pub(super) fn export_rates(&self) -> Vec<(Arc<str>, Arc<str>, RateState)> {
        let (t, wall) = (now(), SystemTime::now());
        self.pairs
            .iter()
            .filter(|p| p.slot.polled)
            .filter_map(|p| {
                let (job, agent) = &p.key;
                rate_state(&p.slot, t, wall).map(|st| (agent.clone(), job.clone(), st))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::session_wanted;
    use crate::cluster::Snapshot;
    use crate::cluster::membership::{Identity, Member, View};

    fn member(id: &str) -> Member {
        Member {
            id: Arc::from(id),
            site: None,
            config: String::new(),
            garbled: false,
        }
    }

    fn snap(me: &str, members: &[&str], previous: &[&str]) -> Snapshot {
        Snapshot {
            identity: Identity {
                me: Arc::from(me),
                window_ms: 2_000,
                ..Identity::default()
            },
            view: Some(View {
                epoch: 2,
                since_ms: 10_000,
                members: members.iter().map(|m| member(m)).collect(),
                previous: previous.iter().map(|p| Arc::from(*p)).collect(),
                rebuilt: false,
            }),
            fresh_ms: 10_000,
        }
    }

    #[test]
    fn sessions_only_for_the_agents_an_instance_polls_or_takes_at_the_cutover() {
        let agents: Vec<String> = (0..600).map(|i| format!("agent-{i}")).collect();
        let settled = ["a", "b", "c"].map(|me| snap(me, &["a", "b", "c"], &["a", "b", "c"]));
        let after = 13_000; // past the window
        let counts: Vec<usize> = settled
            .iter()
            .map(|s| {
                agents
                    .iter()
                    .filter(|a| session_wanted(s, a, &[], after))
                    .count()
            })
            .collect();
        // Each agent has exactly one instance with a session; each holds about a third.
        assert_eq!(counts.iter().sum::<usize>(), 600, "{counts:?}");
        assert!(
            counts.iter().all(|&n| (150..250).contains(&n)),
            "{counts:?}"
        );
        // c joins: inside the window an agent moving from a to c has a session on both (a polls
        // it until the cutover, c opens it ahead); after the window only on c.
        let a = snap("a", &["a", "b", "c"], &["a", "b"]);
        let c = snap("c", &["a", "b", "c"], &["a", "b"]);
        let moving: Vec<&String> = agents
            .iter()
            .filter(|n| {
                let old = a.owner_at(n, &[], 10_500);
                let new = a.owner_at(n, &[], 12_000);
                old.as_deref() == Some("a") && new.as_deref() == Some("c")
            })
            .collect();
        assert!(!moving.is_empty());
        for n in &moving {
            assert!(session_wanted(&a, n, &[], 10_500), "{n}");
            assert!(session_wanted(&c, n, &[], 10_500), "{n}");
            assert!(!session_wanted(&a, n, &[], 12_500), "{n}");
        }
        // No view yet (before the first heartbeat): no session at all.
        let blind = Snapshot {
            view: None,
            ..snap("a", &[], &[])
        };
        assert!(!agents.iter().any(|n| session_wanted(&blind, n, &[], after)));
    }
}
