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

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::collections::binary_heap::PeekMut;
use std::time::{Duration, Instant};

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
    next: Instant,
}

/// The slots of every scheduled pair, in a heap by time.
#[derive(Debug)]
pub struct Schedule {
    /// Slot 0 of every pair is `epoch + phase`.
    epoch: Instant,
    /// (due, pair); pairs removed or moved leave stale items, skipped when popped.
    heap: BinaryHeap<Reverse<(Instant, Id)>>,
    /// Live entries by pair (`None`: not scheduled).
    entries: Vec<Option<Entry>>,
    /// Number of live entries.
    len: usize,
}

impl Schedule {
    /// An empty schedule whose slots count from `epoch`.
    #[must_use]
    pub fn new(epoch: Instant) -> Self {
        Self {
            epoch,
            heap: BinaryHeap::new(),
            entries: Vec::new(),
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
        let i = key as usize;
        if self.entries.len() <= i {
            self.entries.resize(i + 1, None);
        }
        self.entries[i] = Some(Entry { interval, next });
        self.len += 1;
        self.heap.push(Reverse((next, key)));
    }

    /// Stops scheduling `key`. True when it was scheduled.
    pub fn remove(&mut self, key: Id) -> bool {
        let removed = self
            .entries
            .get_mut(key as usize)
            .and_then(Option::take)
            .is_some();
        if removed {
            self.len -= 1;
        }
        removed
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

    fn live(&self, at: Instant, key: Id) -> bool {
        matches!(self.entries.get(key as usize), Some(Some(e)) if e.next == at)
    }

    /// The earliest slot of any pair (stale heap items are dropped on the way).
    pub fn next_due(&mut self) -> Option<Instant> {
        while let Some(Reverse((at, key))) = self.heap.peek().copied() {
            if self.live(at, key) {
                return Some(at);
            }
            self.heap.pop();
        }
        None
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
    /// to `out` (a buffer the caller keeps, so a step allocates nothing).
    pub fn pop_due_into(&mut self, now: Instant, out: &mut Vec<Due>) {
        while let Some(mut top) = self.heap.peek_mut() {
            let Reverse((at, key)) = *top;
            if at > now {
                break;
            }
            let e = match self.entries.get_mut(key as usize) {
                Some(Some(e)) if e.next == at => e,
                _ => {
                    // Removed or moved: a stale item.
                    PeekMut::pop(top);
                    continue;
                }
            };
            let missed = whole_intervals(now.duration_since(at), e.interval);
            e.next = at + mul(e.interval, u128::from(missed) + 1);
            // Replaced in place: one sift down, where a pop and a push take two.
            *top = Reverse((e.next, key));
            drop(top);
            out.push(Due {
                key,
                slot: at,
                missed,
                interval: e.interval,
            });
        }
    }

    /// Every pair due at or before `now`, each moved to its first slot after `now`.
    pub fn pop_due(&mut self, now: Instant) -> Vec<Due> {
        let mut out = Vec::new();
        self.pop_due_into(now, &mut out);
        out
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
}
