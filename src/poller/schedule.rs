//! The poll schedule: when each (job, agent) pair is due. Pure: instants are passed in.
//!
//! Each pair has a fixed *phase* inside its job's interval ([`phase`], a stable hash of the two
//! names), so a job's requests are spread over the interval instead of all leaving at second 0,
//! and adding or removing an agent moves no other agent. Its slots are
//! `epoch + phase + k * interval`.
//!
//! After a stall longer than an interval (a blocked thread, a suspended VM), a pair fires once,
//! not once per missed slot (actix's `run_interval` would burst: ACTIX-NOTES P4): the missed
//! slots are reported in [`Due::missed`] and the next slot is the first one after now.
//!
//! Because a pair's slots keep their place inside the interval, the pairs that share an
//! interval come round in the same order every lap: they are kept in one *ring*, sorted by
//! their place, and a cursor walks it as time passes. Finding what is due is then a walk
//! through consecutive memory, not a heap whose every pop touches a cache line per level
//! (with 100,000 pairs the heap's sift was 4 % of the poller's CPU). Each pair's next slot is
//! kept in its entry and decides; the ring only says in which order to look. A pair added
//! behind the cursor with a slot still in this lap (rare: it was added at the very instant of
//! its slot) waits in a small heap of its own, so it is not a lap late.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::{Duration, Instant};

use rustc_hash::FxHashMap as HashMap;

/// A scheduled pair: a small dense index (the poller's pair table), so a due pair is found
/// by indexing, not by hashing its names.
pub type Id = u32;

/// One pair that is due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    /// The pair.
    pub key: Id,
    /// The slot it is due for.
    pub slot: Instant,
    /// Slots after `slot` that also passed and are skipped.
    pub missed: u64,
    /// The pair's interval.
    pub interval: Duration,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    interval: Duration,
    /// The pair's next slot: what decides when it fires.
    next: Instant,
    /// Its ring (by interval).
    ring: u32,
    /// Tells this scheduling of the pair from an earlier one still listed in the ring.
    generation: u32,
}

/// One pair's place in its ring: (offset of its slots inside the interval, pair,
/// generation). Ordered by offset, so a lap visits the pairs in the order their slots come.
type Item = (u64, Id, u32);

/// The pairs that share one interval, in the order of their slots inside it.
#[derive(Debug)]
struct Ring {
    /// The interval in nanoseconds (at least 1 ms).
    nanos: u64,
    /// Sorted; may hold items of removed or moved pairs (dropped at the next merge).
    order: Vec<Item>,
    /// Added since the last merge, in no order (merged by the next step, so that adding
    /// pairs one by one costs no sort each).
    added: Vec<Item>,
    /// The earliest next slot of the pairs in `added` (an earlier one for a pair removed
    /// since: a step with nothing due, never a pair late).
    added_min: Option<Instant>,
    /// Items of `order` and `added` that no longer match their pair's entry.
    stale: usize,
    /// Pairs scheduled in this ring now.
    live: usize,
    /// The lap (whole intervals from the epoch) of the first place not walked yet.
    lap: u64,
    /// Index in `order` of the first item not walked yet (in `lap`).
    cursor: usize,
}

impl Ring {
    fn new(interval: Duration) -> Self {
        Self {
            nanos: u64::try_from(interval.as_nanos())
                .unwrap_or(u64::MAX)
                .max(1),
            order: Vec::new(),
            added: Vec::new(),
            added_min: None,
            stale: 0,
            live: 0,
            lap: 0,
            cursor: 0,
        }
    }

    /// Sorts the added items in and drops the stale ones (when there are many).
    fn merge(&mut self, entries: &[Option<Entry>], walk: Walk) {
        if self.added.is_empty() && self.stale <= self.order.len() / 2 {
            return;
        }
        if self.stale > 0 {
            self.order.retain(|it| live(entries, *it));
            self.added.retain(|it| live(entries, *it));
            self.stale = 0;
        }
        if !self.added.is_empty() {
            // Two sorted runs: the standard sort merges them in linear time.
            self.added.sort_unstable();
            self.order.append(&mut self.added);
            self.order.sort();
        }
        self.added_min = None;
        self.place(walk);
    }

    /// (lap, offset) of `walk`'s time in this ring; `None` before the epoch.
    fn split(&self, walk: Walk) -> Option<(u64, u64)> {
        let since = u64::try_from(walk?.as_nanos()).unwrap_or(u64::MAX);
        Some((since / self.nanos, since % self.nanos))
    }

    /// Puts the cursor on the first place after the walk's time.
    fn place(&mut self, walk: Walk) {
        let Some((lap, offset)) = self.split(walk) else {
            (self.lap, self.cursor) = (0, 0);
            return;
        };
        self.lap = lap;
        self.cursor = self.order.partition_point(|it| it.0 <= offset);
        self.wrap();
    }

    /// When the ring comes to a place at `offset`: the first time after the walk's.
    fn visit_of(&self, epoch: Instant, walk: Walk, offset: u64) -> Instant {
        let lap = match self.split(walk) {
            Some((lap, walked)) if offset <= walked => lap.saturating_add(1),
            Some((lap, _)) => lap,
            None => 0,
        };
        self.at(epoch, lap, offset)
    }

    fn at(&self, epoch: Instant, lap: u64, offset: u64) -> Instant {
        let nanos = u128::from(lap) * u128::from(self.nanos) + u128::from(offset);
        epoch + Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
    }

    /// The `n`th item from the cursor (wrapping into the next lap) and when the ring comes
    /// to it.
    fn ahead(&self, epoch: Instant, n: usize) -> Option<(Item, Instant)> {
        let len = self.order.len();
        if n >= len {
            return None;
        }
        let i = self.cursor + n;
        let (lap, i) = if i >= len {
            (self.lap.saturating_add(1), i - len)
        } else {
            (self.lap, i)
        };
        let it = self.order[i];
        Some((it, self.at(epoch, lap, it.0)))
    }

    /// Moves the cursor past the item it is on.
    fn advance(&mut self) {
        self.cursor += 1;
        self.wrap();
    }

    /// Past the last place: the next lap begins.
    fn wrap(&mut self) {
        if self.cursor >= self.order.len() {
            self.lap = self.lap.saturating_add(1);
            self.cursor = 0;
        }
    }
}

/// How far the rings have been walked: the time of the last step, from the epoch (`None`:
/// no step yet). Every place at or before it has been visited; the rings come to the others
/// at their time.
type Walk = Option<Duration>;

/// True when `item` is its pair's current scheduling.
fn live(entries: &[Option<Entry>], item: Item) -> bool {
    matches!(entries.get(item.1 as usize), Some(Some(e)) if e.generation == item.2)
}

/// The slots of every scheduled pair: a ring per interval, walked as time passes.
#[derive(Debug)]
pub struct Schedule {
    /// Slot 0 of every pair is `epoch + phase`.
    epoch: Instant,
    /// Live entries by pair (`None`: not scheduled).
    entries: Vec<Option<Entry>>,
    /// One ring per interval in use.
    rings: Vec<Ring>,
    /// The ring of each interval.
    ring_of: HashMap<Duration, u32>,
    /// How far the rings have been walked.
    walk: Walk,
    /// Pairs whose next slot comes before their ring comes to them (added at the very
    /// instant of a step, for a slot at that instant): (slot, pair, generation).
    soon: BinaryHeap<Reverse<(Instant, Id, u32)>>,
    /// Source of generations.
    generation: u32,
    /// Number of live entries.
    len: usize,
}

impl Schedule {
    /// An empty schedule whose slots count from `epoch`.
    #[must_use]
    pub fn new(epoch: Instant) -> Self {
        Self {
            epoch,
            entries: Vec::new(),
            rings: Vec::new(),
            ring_of: HashMap::default(),
            walk: None,
            soon: BinaryHeap::new(),
            generation: 0,
            len: 0,
        }
    }

    /// Schedules `key` every `interval` at `phase` into it, from the first slot at or after
    /// `now`; replaces its previous schedule.
    pub fn insert(&mut self, key: Id, interval: Duration, phase: Duration, now: Instant) {
        self.remove(key);
        let interval = interval.max(Duration::from_millis(1));
        let first = self.epoch + phase;
        let next = if first >= now {
            first
        } else {
            let behind = now.duration_since(first).as_nanos();
            let k = behind.div_ceil(interval.as_nanos());
            first + mul(interval, k)
        };
        let ring = match self.ring_of.get(&interval) {
            Some(r) => *r,
            None => {
                let r = u32::try_from(self.rings.len()).unwrap_or(u32::MAX);
                self.rings.push(Ring::new(interval));
                self.ring_of.insert(interval, r);
                r
            }
        };
        self.generation = self.generation.wrapping_add(1);
        let generation = self.generation;
        let i = key as usize;
        if self.entries.len() <= i {
            self.entries.resize(i + 1, None);
        }
        self.entries[i] = Some(Entry {
            interval,
            next,
            ring,
            generation,
        });
        self.len += 1;
        let r = &mut self.rings[ring as usize];
        r.live += 1;
        let since = next.saturating_duration_since(self.epoch).as_nanos();
        let offset = u64::try_from(since % u128::from(r.nanos)).unwrap_or(0);
        r.added.push((offset, key, generation));
        r.added_min = Some(r.added_min.map_or(next, |m| m.min(next)));
        if next < r.visit_of(self.epoch, self.walk, offset) {
            self.soon.push(Reverse((next, key, generation)));
        }
    }

    /// Stops scheduling `key`. True when it was scheduled.
    pub fn remove(&mut self, key: Id) -> bool {
        let Some(e) = self.entries.get_mut(key as usize).and_then(Option::take) else {
            return false;
        };
        self.len -= 1;
        if let Some(r) = self.rings.get_mut(e.ring as usize) {
            r.stale += 1;
            r.live -= 1;
        }
        true
    }

    /// True when `key` is scheduled.
    #[must_use]
    pub fn contains(&self, key: Id) -> bool {
        self.entries.get(key as usize).is_some_and(Option::is_some)
    }

    /// Number of scheduled pairs.
    #[must_use]
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when nothing is scheduled.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Every scheduled key.
    pub fn keys(&self) -> impl Iterator<Item = Id> + '_ {
        self.entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.is_some())
            // The table never holds more entries than an `Id` counts (keys are `Id`s).
            .map(|(i, _)| Id::try_from(i).unwrap_or(Id::MAX))
    }

    /// The earliest slot of any pair. Cheap enough to ask after every change: it sorts
    /// nothing (pairs added since the last step are merged into their ring by the next one).
    pub fn next_due(&mut self) -> Option<Instant> {
        let mut earliest = None;
        while let Some(Reverse((at, key, g))) = self.soon.peek().copied() {
            if matches!(self.entries.get(key as usize), Some(Some(e)) if e.generation == g && e.next == at)
            {
                earliest = Some(at);
                break;
            }
            self.soon.pop();
        }
        let epoch = self.epoch;
        for r in &self.rings {
            if let Some(at) = r.added_min {
                earliest = Some(earliest.map_or(at, |x: Instant| x.min(at)));
            }
            if r.live == 0 {
                continue;
            }
            // The first pair whose slot is where the ring comes to it is the ring's earliest:
            // the others come later, or their slot is a lap after their place (added just
            // after it went by) and later still. Removed pairs' items are passed. Should every
            // pair's slot be a lap or more after its place (rare), the earliest of those.
            let mut found = None;
            let mut later: Option<Instant> = None;
            let mut n = 0;
            while let Some((it, visit)) = r.ahead(epoch, n) {
                if let Some(Some(e)) = self.entries.get(it.1 as usize)
                    && e.generation == it.2
                {
                    if e.next <= visit {
                        found = Some(e.next);
                        break;
                    }
                    later = Some(later.map_or(e.next, |l| l.min(e.next)));
                }
                n += 1;
            }
            let found = found.or(later);
            if let Some(at) = found {
                earliest = Some(earliest.map_or(at, |x: Instant| x.min(at)));
            }
        }
        earliest
    }

    /// The grid step (every `tick` from the epoch) at or after the earliest slot: when a timer
    /// that starts every pair of a step together fires.
    pub fn next_tick(&mut self, tick: Duration) -> Option<Instant> {
        let at = self.next_due()?;
        let tick = tick.as_nanos().max(1);
        let since = at.saturating_duration_since(self.epoch).as_nanos();
        Some(self.epoch + mul(Duration::from_nanos(1), since.div_ceil(tick) * tick))
    }

    /// Every pair due at or before `now`, each moved to its first slot after `now`, appended
    /// to `out` (a buffer the caller keeps, so a step allocates nothing) in the order of their
    /// slots.
    pub fn pop_due_into(&mut self, now: Instant, out: &mut Vec<Due>) {
        let start = out.len();
        while let Some(Reverse((at, key, g))) = self.soon.peek().copied() {
            if at > now {
                break;
            }
            self.soon.pop();
            if let Some(Some(e)) = self.entries.get_mut(key as usize)
                && e.generation == g
                && e.next == at
            {
                out.push(fire(e, key, now));
            }
        }
        let (epoch, walk) = (self.epoch, self.walk);
        // The walk never goes back (a `now` earlier than the last step's walks nothing).
        let to = match (walk, now.checked_duration_since(epoch)) {
            (Some(w), Some(t)) => Some(w.max(t)),
            (w, t) => w.or(t),
        };
        for r in &mut self.rings {
            r.merge(&self.entries, walk);
            let mut visited = 0;
            while let Some((it, visit)) = r.ahead(epoch, 0) {
                if visit > now || visited >= r.order.len() {
                    // Done; or a whole lap walked (a stall longer than the interval): every
                    // pair has fired once.
                    break;
                }
                if let Some(Some(e)) = self.entries.get_mut(it.1 as usize)
                    && e.generation == it.2
                    && e.next <= now
                {
                    out.push(fire(e, it.1, now));
                }
                r.advance();
                visited += 1;
            }
            r.place(to);
        }
        self.walk = to;
        // A walk is in time order but for a ring's pairs whose slot was a lap later than
        // their place (and after a stall), and the heap and the rings are separate walks.
        let fired = &mut out[start..];
        if !fired.is_sorted_by_key(|d| (d.slot, d.key)) {
            fired.sort_unstable_by_key(|d| (d.slot, d.key));
        }
    }

    /// Every pair due at or before `now`, each moved to its first slot after `now`.
    pub fn pop_due(&mut self, now: Instant) -> Vec<Due> {
        let mut out = Vec::new();
        self.pop_due_into(now, &mut out);
        out
    }
}

/// The pair of `e` fires for its slot: the slots that also passed are counted as missed, and
/// its next slot is the first after `now`.
fn fire(e: &mut Entry, key: Id, now: Instant) -> Due {
    let at = e.next;
    let missed = whole_intervals(now.duration_since(at), e.interval);
    e.next = at + mul(e.interval, u128::from(missed) + 1);
    Due {
        key,
        slot: at,
        missed,
        interval: e.interval,
    }
}

/// How many whole `interval`s fit in `d` (64-bit arithmetic while both fit, as they do for
/// any wait under 584 years).
fn whole_intervals(d: Duration, interval: Duration) -> u64 {
    match (
        u64::try_from(d.as_nanos()),
        u64::try_from(interval.as_nanos()),
    ) {
        (Ok(d), Ok(i)) => d / i.max(1),
        _ => u64::try_from(d.as_nanos() / interval.as_nanos().max(1)).unwrap_or(u64::MAX),
    }
}

/// Grid steps per interval: a start is at most 1 % of the shortest interval late.
pub const STEPS_PER_INTERVAL: u32 = 100;
/// The finest grid step.
pub const MIN_STEP: Duration = Duration::from_millis(1);

/// The grid step of a timer that starts every pair of a step together (a timing wheel's
/// tick): the `shortest` enabled interval / [`STEPS_PER_INTERVAL`], at most `coarsest` and at
/// least [`MIN_STEP`] (`coarsest` wins if it is finer still). No enabled job: `coarsest`.
#[must_use]
pub fn grid_step(shortest: Option<Duration>, coarsest: Duration) -> Duration {
    let coarsest = coarsest.max(Duration::from_nanos(1));
    match shortest {
        Some(i) => (i / STEPS_PER_INTERVAL).max(MIN_STEP).min(coarsest),
        None => coarsest,
    }
}

fn mul(d: Duration, k: u128) -> Duration {
    let nanos = d.as_nanos().saturating_mul(k);
    Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
}

/// The phase of (`job`, `agent`) inside `interval`: a stable hash of the names (FNV-1a, then a
/// 64-bit mix), the same in every run and unchanged when other agents come and go.
#[must_use]
pub fn phase(job: &str, agent: &str, interval: Duration) -> Duration {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in job.bytes().chain([0]).chain(agent.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    // splitmix64's finalizer, so names that differ in one letter land far apart.
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^= h >> 31;
    #[allow(clippy::cast_precision_loss)] // 53 bits of the hash are plenty for a fraction
    let fraction = (h >> 11) as f64 / (1u64 << 53) as f64;
    interval.mul_f64(fraction)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEC: Duration = Duration::from_secs(1);

    #[test]
    fn slots_repeat_at_the_interval_from_the_phase() {
        let t0 = Instant::now();
        let mut s = Schedule::new(t0);
        s.insert(0, 10 * SEC, 3 * SEC, t0);
        assert_eq!(s.next_due(), Some(t0 + 3 * SEC));
        assert!(s.pop_due(t0 + 2 * SEC).is_empty());
        let due = s.pop_due(t0 + 3 * SEC);
        assert_eq!(
            due,
            [Due {
                key: 0,
                slot: t0 + 3 * SEC,
                missed: 0,
                interval: 10 * SEC
            }]
        );
        assert_eq!(s.next_due(), Some(t0 + 13 * SEC));
        let due = s.pop_due(t0 + 13 * SEC + Duration::from_millis(5));
        assert_eq!(due[0].slot, t0 + 13 * SEC);
        assert_eq!(s.next_due(), Some(t0 + 23 * SEC));
    }

    #[test]
    fn a_stall_fires_once_and_counts_the_missed_slots() {
        let t0 = Instant::now();
        let mut s = Schedule::new(t0);
        s.insert(0, SEC, Duration::ZERO, t0);
        assert_eq!(s.pop_due(t0).len(), 1);
        // Blocked for 5.5 s: slots 1..=5 passed; one fire (slot 1), four missed.
        let due = s.pop_due(t0 + Duration::from_millis(5_500));
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].slot, t0 + SEC);
        assert_eq!(due[0].missed, 4);
        assert_eq!(s.next_due(), Some(t0 + 6 * SEC));
    }

    #[test]
    fn inserting_late_starts_at_the_next_slot_and_remove_works() {
        let t0 = Instant::now();
        let mut s = Schedule::new(t0);
        s.insert(0, 10 * SEC, 2 * SEC, t0 + 15 * SEC);
        assert_eq!(s.next_due(), Some(t0 + 22 * SEC));
        s.insert(1, 10 * SEC, 5 * SEC, t0 + 15 * SEC);
        assert_eq!(s.len(), 2);
        assert!(s.remove(0));
        assert!(!s.remove(0));
        // A slot exactly at `now` is still to come.
        assert_eq!(s.next_due(), Some(t0 + 15 * SEC));
        // Re-inserting replaces: one entry, the new interval.
        s.insert(1, 20 * SEC, 5 * SEC, t0 + 15 * SEC);
        assert_eq!(s.len(), 1);
        let due = s.pop_due(t0 + 25 * SEC);
        assert_eq!(due.len(), 1);
        assert_eq!(s.next_due(), Some(t0 + 45 * SEC));
    }

    #[test]
    fn a_pair_removed_and_scheduled_again_at_the_same_slot_fires_once() {
        let t0 = Instant::now();
        let mut s = Schedule::new(t0);
        s.insert(7, 10 * SEC, 2 * SEC, t0);
        assert!(s.remove(7));
        assert!(!s.contains(7));
        // The old heap item has the same (slot, pair) as the new one: one fire, not two.
        s.insert(7, 10 * SEC, 2 * SEC, t0);
        assert!(s.contains(7));
        assert_eq!(s.keys().collect::<Vec<_>>(), [7]);
        let due = s.pop_due(t0 + 3 * SEC);
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].key, 7);
        assert_eq!(s.next_due(), Some(t0 + 12 * SEC));
        assert!(s.remove(7));
        assert!(s.is_empty());
        assert_eq!(s.next_due(), None);
    }

    #[test]
    fn the_timer_fires_on_the_grid_step_after_the_earliest_slot() {
        let t0 = Instant::now();
        let tick = Duration::from_millis(5);
        let mut s = Schedule::new(t0);
        assert_eq!(s.next_tick(tick), None);
        s.insert(0, 10 * SEC, Duration::from_millis(12), t0);
        s.insert(1, 10 * SEC, Duration::from_millis(14), t0);
        s.insert(2, 10 * SEC, Duration::from_millis(15), t0);
        s.insert(3, 10 * SEC, Duration::from_millis(16), t0);
        let at = s.next_tick(tick).unwrap();
        assert_eq!(at, t0 + Duration::from_millis(15));
        // a, b and c start together at 15 ms; d waits for the next step.
        let due: Vec<_> = s.pop_due(at).into_iter().map(|d| d.key).collect();
        assert_eq!(due, [0, 1, 2]);
        assert_eq!(s.next_tick(tick), Some(t0 + Duration::from_millis(20)));
    }

    #[test]
    fn the_grid_step_is_a_hundredth_of_the_shortest_interval_within_bounds() {
        let ms = Duration::from_millis;
        let coarse = ms(100);
        assert_eq!(grid_step(Some(10 * SEC), coarse), ms(100));
        assert_eq!(grid_step(Some(2 * SEC), coarse), ms(20));
        assert_eq!(grid_step(Some(60 * SEC), coarse), ms(100));
        assert_eq!(grid_step(Some(60 * SEC), ms(20)), ms(20));
        assert_eq!(grid_step(Some(ms(50)), coarse), MIN_STEP);
        // A coarsest bound finer than the minimum wins: the user asked for it.
        assert_eq!(
            grid_step(Some(10 * SEC), Duration::from_micros(500)),
            Duration::from_micros(500)
        );
        assert_eq!(grid_step(None, coarse), coarse);
    }

    #[test]
    fn phases_are_stable_and_spread_over_the_interval() {
        let i = 10 * SEC;
        assert_eq!(phase("j", "a1", i), phase("j", "a1", i));
        assert_ne!(phase("j", "a1", i), phase("j", "a2", i));
        let mut buckets = [0u32; 10];
        for n in 0..10_000 {
            let p = phase("interfaces", &format!("agent-{n}"), i);
            assert!(p < i);
            buckets[usize::try_from(p.as_secs()).unwrap()] += 1;
        }
        // 1,000 expected per second of the interval; a uniform spread stays well inside this.
        for b in buckets {
            assert!((850..1150).contains(&b), "{buckets:?}");
        }
    }

    /// What the schedule must do, written the plain way: every pair with its next slot, a
    /// step takes those at or before now in the order of their slots.
    #[derive(Default)]
    struct Model {
        next: std::collections::BTreeMap<Id, (Duration, Instant)>,
    }

    impl Model {
        fn insert(
            &mut self,
            epoch: Instant,
            key: Id,
            interval: Duration,
            phase: Duration,
            now: Instant,
        ) {
            let interval = interval.max(Duration::from_millis(1));
            let first = epoch + phase;
            let next = if first >= now {
                first
            } else {
                let k = now
                    .duration_since(first)
                    .as_nanos()
                    .div_ceil(interval.as_nanos());
                first + mul(interval, k)
            };
            self.next.insert(key, (interval, next));
        }

        fn pop_due(&mut self, now: Instant) -> Vec<Due> {
            let mut out = Vec::new();
            for (key, (interval, next)) in &mut self.next {
                if *next <= now {
                    let missed = whole_intervals(now.duration_since(*next), *interval);
                    out.push(Due {
                        key: *key,
                        slot: *next,
                        missed,
                        interval: *interval,
                    });
                    *next += mul(*interval, u128::from(missed) + 1);
                }
            }
            out.sort_by_key(|d| (d.slot, d.key));
            out
        }

        fn next_due(&self) -> Option<Instant> {
            self.next.values().map(|(_, n)| *n).min()
        }
    }

    #[derive(Debug, Clone)]
    enum Step {
        Insert {
            key: Id,
            interval_ms: u64,
            phase_permille: u64,
        },
        Remove(Id),
        /// Time goes on by this many ms, then due pairs are taken.
        Pop(u64),
        /// Time goes on by this many ms (no step taken: a pair added meanwhile is behind).
        Wait(u64),
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            3 => (0..12u32, prop::sample::select(vec![700u64, 1_000, 3_000, 10_000]), 0..1_000u64)
                .prop_map(|(key, interval_ms, phase_permille)| Step::Insert { key, interval_ms, phase_permille }),
            1 => (0..12u32).prop_map(Step::Remove),
            6 => prop_oneof![0..50u64, 0..400u64, 0..25_000u64].prop_map(Step::Pop),
            1 => (0..2_000u64).prop_map(Step::Wait),
        ]
    }

    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// The rings fire every pair exactly when the plain model does: same pairs, same
        /// slots, same missed counts, same order, whatever is added, removed or stalled.
        #[test]
        fn the_rings_fire_what_the_plain_model_fires(steps in prop::collection::vec(step(), 1..120)) {
            let t0 = Instant::now();
            let mut s = Schedule::new(t0);
            let mut m = Model::default();
            let mut now = t0;
            // Pairs added or removed since the last step.
            let mut changed = false;
            for st in steps {
                match st {
                    Step::Insert { key, interval_ms, phase_permille } => {
                        let interval = Duration::from_millis(interval_ms);
                        let phase = interval * u32::try_from(phase_permille).unwrap() / 1_000;
                        s.insert(key, interval, phase, now);
                        m.insert(t0, key, interval, phase, now);
                        changed = true;
                    }
                    Step::Remove(key) => {
                        prop_assert_eq!(s.remove(key), m.next.remove(&key).is_some());
                        changed = true;
                    }
                    Step::Pop(ms) => {
                        now += Duration::from_millis(ms);
                        prop_assert_eq!(s.pop_due(now), m.pop_due(now));
                        changed = false;
                    }
                    Step::Wait(ms) => now += Duration::from_millis(ms),
                }
                prop_assert_eq!(s.len(), m.next.len());
                let (got, want) = (s.next_due(), m.next_due());
                if changed {
                    // Pairs added since the last step count with their earliest slot, also
                    // when one was removed since: never later than the model, maybe earlier.
                    match (got, want) {
                        (Some(g), Some(w)) => prop_assert!(g <= w, "{g:?} > {w:?}"),
                        (None, Some(_)) => prop_assert!(false, "a pair is scheduled"),
                        _ => {}
                    }
                } else {
                    prop_assert_eq!(got, want);
                }
            }
        }
    }
}
