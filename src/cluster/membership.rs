//! The cluster's pure core: who owns which agent for which cycle. No Redis, no runtime, no
//! clock of its own (wall-clock milliseconds are passed in).
//!
//! - **Owner.** Rendezvous (highest-random-weight) hashing: the owner of an agent is the live
//!   member whose [`weight`] for it is highest. Every instance computes the same owner from the
//!   same member list, and a join or a loss moves only the agents that hash highest to the
//!   member that came or went: about 1/N of them.
//! - **Pinned agents.** An agent in a group named in `[cluster.pins]` is owned only by members
//!   of that site (LibreNMS's poller groups). With no live member of its site, nobody polls it
//!   (it shows as unowned).
//! - **Epochs.** Redis numbers each membership it sees (`epoch`) and records when it began
//!   (`since`, Redis's clock) and the member list before it (`previous`). Every instance reads
//!   the same pair, so every instance computes the same owner for every (agent, slot).
//! - **Transition window.** An agent whose previous owner is still alive stays with it until
//!   `since + window` (the *cutover*); one whose previous owner is gone moves at `since`.
//!   `window` is two heartbeats: by then every live member has read the new epoch, so the old
//!   owner stops exactly where the new one starts and no slot is polled twice.
//! - **Fencing.** An instance vouches for what it polls only while its view is fresh: its last
//!   successful read of the membership is less than `window` old. Past that (Redis down or
//!   unreachable: *degraded*), it keeps polling what it owned as of that last read, takes
//!   nothing new, and marks each such cycle `duplicate`: another instance may have taken the
//!   agent over meanwhile. Two epochs less than `window` apart can also, for one heartbeat, let
//!   the owner two epochs back and the new one both poll a slot: that is the documented window.
//!   (Redis keeps the last *settled* membership as `previous` through a burst of changes, so
//!   this needs an instance to miss a heartbeat's read.)
//! - **Redis restarted empty.** The first member back rebuilds the epoch from its last view
//!   (`rebuilt`): for one window the previous owners keep their agents even before they have
//!   re-registered, so the rebuild moves nothing; members still degraded keep polling theirs.
//! - **Clocks.** `since` is Redis's clock and slots are each instance's wall clock: the
//!   instances' clocks must agree to well within the window (NTP).

use std::collections::BTreeMap;
use std::sync::Arc;

/// One member as read from Redis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// Its instance id.
    pub id: Arc<str>,
    /// Its site (for pinned agents), if it has one.
    pub site: Option<String>,
    /// The hash of its agents and jobs configuration (empty when its record was unreadable).
    pub config: String,
    /// Its record could not be read (garbled): it still counts as live.
    pub garbled: bool,
}

/// One membership, as Redis numbered it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct View {
    /// Its number (grows by one per change; kept across a Redis restart by the members).
    pub epoch: u64,
    /// When it began, Redis's clock, milliseconds since the Unix epoch.
    pub since_ms: u64,
    /// The live members, sorted by id.
    pub members: Vec<Member>,
    /// The last settled membership before it (ids, sorted), for the transition window.
    pub previous: Vec<Arc<str>>,
    /// Redis lost the epoch (restarted empty) less than a window ago and it was rebuilt from
    /// a member's last view: inside the window the previous owners keep their agents even
    /// before they have re-registered.
    pub rebuilt: bool,
}

impl View {
    /// True when `id` is a live member.
    #[must_use]
    pub fn has(&self, id: &str) -> bool {
        self.members.iter().any(|m| &*m.id == id)
    }
}

/// Whether to poll one (agent, slot), and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// This instance polls it. `duplicate`: polled without a fresh view (degraded), so another
    /// instance may poll the same slot.
    Poll {
        /// Mark the cycle as a possible duplicate.
        duplicate: bool,
    },
    /// Another instance owns it, or nobody can (pinned to a site with no live member, or this
    /// instance has not joined yet).
    Skip,
}

/// The weight of `member` for `agent`: FNV-1a over both names, then a 64-bit finalizer
/// (splitmix64), so close names spread. Stable across builds and machines.
#[must_use]
pub fn weight(agent: &str, member: &str) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0100_0000_01b3;
    let mut h = OFFSET;
    for b in agent
        .bytes()
        .chain(std::iter::once(0xff))
        .chain(member.bytes())
    {
        h ^= u64::from(b);
        h = h.wrapping_mul(PRIME);
    }
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// The rendezvous owner of `agent` among `members` (the highest weight; ties to the smaller id).
#[must_use]
pub fn owner<'a, I>(agent: &str, members: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    members
        .into_iter()
        .map(|m| (weight(agent, m), std::cmp::Reverse(m), m))
        .max()
        .map(|(_, _, m)| m)
}

/// The pinning rules and this instance's identity: fixed for a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identity {
    /// This instance's id.
    pub me: Arc<str>,
    /// Agent group -> the site whose members alone poll its agents.
    pub pins: BTreeMap<String, String>,
    /// The transition window and freshness limit, milliseconds (two heartbeats).
    pub window_ms: u64,
}

impl Identity {
    /// The site `groups` (an agent's groups) pin it to, if any (the first pinned group, by
    /// name).
    #[must_use]
    pub fn pinned_site<'a>(&'a self, groups: &[String]) -> Option<&'a str> {
        let mut sorted: Vec<&String> = groups.iter().collect();
        sorted.sort();
        sorted
            .into_iter()
            .find_map(|g| self.pins.get(g).map(String::as_str))
    }
}

/// What one instance knows of the cluster: its identity, the latest epoch read and when.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// Fixed for the run.
    pub identity: Identity,
    /// The latest epoch read from Redis; `None` before the first successful heartbeat.
    pub view: Option<View>,
    /// Local wall clock (ms) when the last successful heartbeat was sent.
    pub fresh_ms: u64,
}

impl Snapshot {
    /// True when the view is too old to vouch for (Redis unreachable for a window or more).
    #[must_use]
    pub fn stale(&self, now_ms: u64) -> bool {
        self.view.is_none() || now_ms > self.fresh_ms.saturating_add(self.identity.window_ms)
    }

    /// The owner of an agent (in `groups`) for the slot at `slot_ms`, by the rules of the
    /// module doc, from this snapshot's view; `None` when nobody may poll it.
    #[must_use]
    pub fn owner_at(&self, agent: &str, groups: &[String], slot_ms: u64) -> Option<Arc<str>> {
        let view = self.view.as_ref()?;
        let site = self.identity.pinned_site(groups);
        let eligible = |m: &&Member| site.is_none() || m.site.as_deref() == site;
        let new = owner(agent, view.members.iter().filter(eligible).map(|m| &*m.id));
        if slot_ms >= view.since_ms.saturating_add(self.identity.window_ms) {
            return new.map(Arc::from);
        }
        // Inside the window: the previous owner keeps the agent while it is alive. (A previous
        // member's site is its current one; a member that left has no site to check, and is
        // not alive anyway.)
        let old = owner(
            agent,
            view.previous.iter().map(|p| &**p).filter(|p| {
                view.members
                    .iter()
                    .find(|m| &*m.id == *p)
                    .is_none_or(|m| site.is_none() || m.site.as_deref() == site)
            }),
        );
        match old {
            Some(o) if view.rebuilt || view.has(o) => Some(Arc::from(o)),
            _ => new.map(Arc::from),
        }
    }

    /// Whether this instance polls an agent (in `groups`) for the slot at `slot_ms`, at local
    /// wall time `now_ms`.
    #[must_use]
    pub fn decide(&self, agent: &str, groups: &[String], slot_ms: u64, now_ms: u64) -> Decision {
        if self.view.is_none() {
            return Decision::Skip;
        }
        let stale = self.stale(now_ms);
        // Degraded: ownership as of the last moment the view could vouch for, so nothing new
        // is taken.
        let at = if stale {
            slot_ms.min(self.fresh_ms.saturating_add(self.identity.window_ms))
        } else {
            slot_ms
        };
        match self.owner_at(agent, groups, at) {
            Some(o) if o == self.identity.me => Decision::Poll { duplicate: stale },
            _ => Decision::Skip,
        }
    }

    /// When the agent's ownership as of this view takes effect: `since` for an agent whose
    /// previous owner is gone, `since + window` otherwise (0 without a view).
    #[must_use]
    pub fn cutover_ms(&self) -> u64 {
        self.view
            .as_ref()
            .map_or(0, |v| v.since_ms.saturating_add(self.identity.window_ms))
    }
}

/// Counts of agents per owner for `agents` (name, groups) at `slot_ms`; unowned agents under
/// the empty name. O(agents x members): for the console, not per heartbeat.
#[must_use]
pub fn agents_per_owner<'a>(
    snap: &Snapshot,
    agents: impl IntoIterator<Item = (&'a str, &'a [String])>,
    slot_ms: u64,
) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for (name, groups) in agents {
        let o = snap
            .owner_at(name, groups, slot_ms)
            .map_or_else(String::new, |o| o.to_string());
        *out.entry(o).or_default() += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: u64 = 2_000;

    fn member(id: &str, site: Option<&str>) -> Member {
        Member {
            id: Arc::from(id),
            site: site.map(str::to_owned),
            config: "c".into(),
            garbled: false,
        }
    }

    fn snap(me: &str, members: &[&str], previous: &[&str], since: u64) -> Snapshot {
        Snapshot {
            identity: Identity {
                me: Arc::from(me),
                pins: BTreeMap::new(),
                window_ms: W,
            },
            view: Some(View {
                epoch: 7,
                since_ms: since,
                members: members.iter().map(|m| member(m, None)).collect(),
                previous: previous.iter().map(|p| Arc::from(*p)).collect(),
                rebuilt: false,
            }),
            fresh_ms: since,
        }
    }

    fn agents(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("r{i}")).collect()
    }

    #[test]
    fn weight_is_a_fixed_function() {
        // A golden value: every instance, build and machine must agree.
        // (Computed separately, in Python, from the definition.)
        assert_eq!(weight("", ""), 5_705_415_379_283_624_141);
        assert_eq!(weight("r1", "a"), 12_776_661_430_584_532_130);
        assert_ne!(weight("r1", "a"), weight("r1", "b"));
        assert_ne!(weight("r1", "a"), weight("r1a", ""));
    }

    #[test]
    fn every_member_gets_about_a_third() {
        let s = snap("a", &["a", "b", "c"], &[], 0);
        let names = agents(3_000);
        let none: Vec<String> = Vec::new();
        let counts = agents_per_owner(&s, names.iter().map(|n| (n.as_str(), &none[..])), W);
        assert_eq!(counts.values().sum::<usize>(), 3_000);
        for m in ["a", "b", "c"] {
            let c = counts[m];
            assert!((850..=1150).contains(&c), "{m}: {c}");
        }
    }

    #[test]
    fn a_join_moves_about_a_quarter_and_only_to_the_newcomer() {
        let before = snap("a", &["a", "b", "c"], &[], 0);
        let after = snap("a", &["a", "b", "c", "d"], &["a", "b", "c"], 10_000);
        let mut moved = 0;
        for n in agents(4_000) {
            let o1 = before.owner_at(&n, &[], 20_000).unwrap();
            let o2 = after.owner_at(&n, &[], 20_000).unwrap();
            if o1 != o2 {
                moved += 1;
                assert_eq!(
                    &*o2, "d",
                    "{n} moved from {o1} to {o2}, not to the newcomer"
                );
            }
            // Inside the window the old owner keeps it: nobody polls it twice.
            assert_eq!(after.owner_at(&n, &[], 10_000 + W - 1).unwrap(), o1);
        }
        assert!((800..=1200).contains(&moved), "{moved}");
    }

    #[test]
    fn a_lost_members_agents_move_at_once_and_nothing_else_moves() {
        let before = snap("a", &["a", "b", "c"], &[], 0);
        let after = snap("a", &["a", "b"], &["a", "b", "c"], 10_000);
        for n in agents(1_000) {
            let o1 = before.owner_at(&n, &[], 5_000).unwrap();
            // At `since`, not after the window: the old owner is gone.
            let o2 = after.owner_at(&n, &[], 10_000).unwrap();
            if &*o1 == "c" {
                assert_ne!(&*o2, "c");
            } else {
                assert_eq!(o1, o2);
            }
        }
    }

    #[test]
    fn exactly_one_member_polls_each_slot_during_a_join() {
        // Every member decides with the same view: exactly one says Poll, at every slot.
        let ids = ["a", "b", "c", "d"];
        for n in agents(500) {
            for slot in [9_000, 10_000, 10_000 + W / 2, 10_000 + W, 15_000] {
                let pollers = ids
                    .iter()
                    .filter(|me| {
                        let mut s = snap(me, &ids, &["a", "b", "c"], 10_000);
                        s.fresh_ms = slot;
                        s.decide(&n, &[], slot, slot) == (Decision::Poll { duplicate: false })
                    })
                    .count();
                assert_eq!(pollers, 1, "{n} at {slot}");
            }
        }
    }

    #[test]
    fn degraded_keeps_what_it_owned_marked_and_takes_nothing_new() {
        let mut s = snap("d", &["a", "b", "c", "d"], &["a", "b", "c"], 10_000);
        s.fresh_ms = 10_100;
        let names = agents(400);
        // d's agents after the cutover, read while fresh.
        let gained: Vec<&String> = names
            .iter()
            .filter(|n| s.owner_at(n, &[], 10_000 + W).is_some_and(|o| &*o == "d"))
            .collect();
        assert!(!gained.is_empty());
        // Redis unreachable since 10_100: at 10_100 + W + 1 the view is stale; the cutover
        // (12_000) came before the view went stale (12_100), so they are still d's, marked.
        let late = 10_100 + W + 500;
        for n in &gained {
            assert_eq!(
                s.decide(n, &[], late, late),
                Decision::Poll { duplicate: true }
            );
        }
        // A view that went stale before the cutover takes nothing new.
        s.fresh_ms = 10_000;
        s.identity.window_ms = W;
        let mut t = s.clone();
        t.fresh_ms = 9_000; // stale from 11_000, before the cutover at 12_000
        for n in &gained {
            assert_eq!(t.decide(n, &[], 13_000, 13_000), Decision::Skip);
        }
        assert!(t.stale(13_000));
        assert!(!s.stale(11_000));
    }

    #[test]
    fn a_rebuilt_epoch_keeps_the_previous_owners_through_the_window() {
        // Redis restarted empty; "a" came back first and rebuilt from its last view.
        let before = snap("a", &["a", "b", "c"], &[], 0);
        let mut s = snap("a", &["a"], &["a", "b", "c"], 10_000);
        if let Some(v) = s.view.as_mut() {
            v.rebuilt = true;
        }
        for n in agents(300) {
            let o = before.owner_at(&n, &[], 5_000).unwrap();
            assert_eq!(s.owner_at(&n, &[], 10_000).unwrap(), o);
            assert_eq!(&*s.owner_at(&n, &[], 10_000 + W).unwrap(), "a");
        }
    }

    #[test]
    fn nothing_is_polled_before_the_first_view() {
        let s = Snapshot::default();
        assert_eq!(s.decide("r1", &[], 0, 0), Decision::Skip);
        assert!(s.stale(0));
    }

    #[test]
    fn pinned_agents_stay_on_their_site() {
        let mut s = snap("a", &[], &[], 0);
        s.identity
            .pins
            .insert("paris-routers".into(), "paris".into());
        if let Some(v) = s.view.as_mut() {
            v.members = vec![
                member("a", Some("paris")),
                member("b", Some("lyon")),
                member("c", None),
            ];
        }
        let paris = vec!["paris-routers".to_owned()];
        for n in agents(200) {
            assert_eq!(&*s.owner_at(&n, &paris, W).unwrap(), "a");
        }
        // No member of the site: nobody polls it.
        s.identity.pins.insert("nice".into(), "nice".into());
        assert_eq!(s.owner_at("r1", &["nice".to_owned()], W), None);
        // Unpinned agents use every member.
        let counts = agents_per_owner(
            &s,
            agents(300)
                .iter()
                .map(|n| (n.as_str(), &[][..]))
                .collect::<Vec<_>>(),
            W,
        );
        assert_eq!(counts.len(), 3);
    }
}
