//! The poller's (job, agent) pairs, each at a small dense index ([`PairId`]) for as long as it
//! exists. The schedule and every request's context carry the index, so a cycle's start, its
//! answers and its end reach the pair's state without hashing its names: with 100,000 agents
//! each name is cold in the cache when its cycle comes round, and every hash lookup by name is
//! a few cache misses. The names are hashed only when the fleet changes (a reload, an agent
//! added). Pure: no actor, no clock.

use std::sync::Arc;

use rustc_hash::FxHashMap as HashMap;

use super::cycle::Slot;

/// (job, agent).
pub(super) type Key = (Arc<str>, Arc<str>);

/// The index of a pair: stable while the pair exists, reused after it is removed. A request's
/// context pairs it with a run id unique in the poller, so an answer for a removed pair never
/// lands in the pair that took its index.
pub(super) type PairId = super::schedule::Id;

/// One pair: its names and its memory between cycles.
pub(super) struct Pair {
    pub(super) key: Key,
    pub(super) slot: Slot,
}

/// Every pair, by name and by index.
#[derive(Default)]
pub(super) struct Pairs {
    /// The index of each pair.
    ids: HashMap<Key, PairId>,
    /// Pairs by index; `None` where one was removed and its index is free.
    table: Vec<Option<Pair>>,
    /// Free indexes, reused first (the table stays as dense as the fleet).
    free: Vec<PairId>,
}

impl Pairs {
    /// The index of `key`, if it exists.
    pub(super) fn id(&self, key: &Key) -> Option<PairId> {
        self.ids.get(key).copied()
    }

    /// The index of `key`, made (with an empty slot) if it does not exist.
    pub(super) fn ensure(&mut self, key: &Key) -> PairId {
        if let Some(id) = self.id(key) {
            return id;
        }
        let pair = Pair {
            key: key.clone(),
            slot: Slot::default(),
        };
        let id = match self.free.pop() {
            Some(id) => {
                self.table[id as usize] = Some(pair);
                id
            }
            None => {
                // More than 4 billion pairs cannot be scheduled in memory anyway.
                let id = PairId::try_from(self.table.len()).unwrap_or(PairId::MAX);
                self.table.push(Some(pair));
                id
            }
        };
        self.ids.insert(key.clone(), id);
        id
    }

    /// The pair at `id`.
    pub(super) fn at(&self, id: PairId) -> Option<&Pair> {
        self.table.get(id as usize)?.as_ref()
    }

    /// The pair at `id`, to change.
    pub(super) fn at_mut(&mut self, id: PairId) -> Option<&mut Pair> {
        self.table.get_mut(id as usize)?.as_mut()
    }

    /// The slot of `key`.
    pub(super) fn get(&self, key: &Key) -> Option<&Slot> {
        self.at(self.id(key)?).map(|p| &p.slot)
    }

    /// The slot of `key`, to change.
    pub(super) fn get_mut(&mut self, key: &Key) -> Option<&mut Slot> {
        let id = self.id(key)?;
        self.at_mut(id).map(|p| &mut p.slot)
    }

    /// The slot of `key`, made empty if it does not exist.
    pub(super) fn slot(&mut self, key: &Key) -> &mut Slot {
        let id = self.ensure(key);
        match self.table[id as usize].as_mut() {
            Some(p) => &mut p.slot,
            None => unreachable!("ensure made the pair"),
        }
    }

    /// Removes `key`; its index becomes free.
    pub(super) fn remove(&mut self, key: &Key) -> Option<Slot> {
        let id = self.ids.remove(key)?;
        let pair = self.table.get_mut(id as usize)?.take()?;
        self.free.push(id);
        Some(pair.slot)
    }

    /// Every pair.
    pub(super) fn iter(&self) -> impl Iterator<Item = &Pair> {
        self.table.iter().flatten()
    }

    /// Number of pairs.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.ids.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(job: &str, agent: &str) -> Key {
        (Arc::from(job), Arc::from(agent))
    }

    #[test]
    fn a_pair_keeps_its_index_and_a_removed_one_frees_it() {
        let mut p = Pairs::default();
        let a = p.ensure(&key("j", "a"));
        let b = p.ensure(&key("j", "b"));
        assert_eq!((a, b), (0, 1));
        assert_eq!(p.ensure(&key("j", "a")), a);
        p.slot(&key("j", "b")).failures = 3;
        assert_eq!(p.at(b).map(|x| x.slot.failures), Some(3));
        assert_eq!(p.at(b).map(|x| &*x.key.1), Some("b"));
        assert_eq!(p.remove(&key("j", "b")).map(|s| s.failures), Some(3));
        assert!(p.at(b).is_none());
        assert!(p.get(&key("j", "b")).is_none());
        assert!(p.remove(&key("j", "b")).is_none());
        // The freed index is reused, with a fresh slot.
        let c = p.ensure(&key("k", "c"));
        assert_eq!(c, b);
        assert_eq!(p.at(c).map(|x| x.slot.failures), Some(0));
        assert_eq!(p.len(), 2);
        assert_eq!(p.iter().count(), 2);
        assert_eq!(p.get_mut(&key("j", "a")).map(|s| s.failures), Some(0));
    }
}
