//! [`Store`]: the simulated agent's MIB, an ordered map from OID to value.
//!
//! The map sits behind an [`Arc`] and is copied on the first write: 10,000 agents serving the
//! same data file share one map until one of them takes a SET.
//!
//! Living objects ([`Numeric`], snmpsim's `numeric` module) keep their rule beside the map;
//! [`Store::value_at`] gives their value at a time since start, passed in.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;
use std::sync::Arc;

use std::time::Duration;

use crate::oid::Oid;
use crate::pdu::Value;

use super::numeric::Numeric;

/// An agent's objects, ordered for GETNEXT.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Store {
    /// The objects; shared between clones until one of them writes.
    map: Arc<BTreeMap<Oid, Value<'static>>>,
    /// Objects whose SET is refused.
    read_only: Arc<BTreeSet<Oid>>,
    /// Objects whose value moves with time (counters, sysUpTime): read-only too.
    living: Arc<BTreeMap<Oid, Numeric>>,
}

impl Store {
    /// An empty MIB.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds or replaces one object.
    pub fn insert(&mut self, oid: Oid, value: Value<'static>) {
        Arc::make_mut(&mut self.map).insert(oid, value);
    }

    /// Adds a living object: its value at start goes in the map, and it is read-only.
    pub fn insert_living(&mut self, oid: Oid, rule: Numeric) {
        self.insert(oid.clone(), rule.value_at(Duration::ZERO));
        self.set_read_only(oid.clone());
        Arc::make_mut(&mut self.living).insert(oid, rule);
    }

    /// True when `oid` moves with time.
    #[must_use]
    pub fn is_living(&self, oid: &Oid) -> bool {
        self.living.contains_key(oid)
    }

    /// The same objects, each frozen at its value at start: a recording that never moves
    /// (for comparing two runs byte for byte).
    #[must_use]
    pub fn frozen(&self) -> Store {
        Store {
            map: self.map.clone(),
            read_only: self.read_only.clone(),
            living: Arc::default(),
        }
    }

    /// True when some object moves with time.
    #[must_use]
    pub fn has_living(&self) -> bool {
        !self.living.is_empty()
    }

    /// `value` (the stored value of `oid`) as it is `elapsed` after start: moved by its
    /// rule if `oid` is living, else as stored.
    #[must_use]
    pub fn value_at(&self, oid: &Oid, value: &Value<'static>, elapsed: Duration) -> Value<'static> {
        match self.living.get(oid) {
            Some(rule) => rule.value_at(elapsed),
            None => value.clone(),
        }
    }

    /// Marks an object read-only (SET answers notWritable).
    pub fn set_read_only(&mut self, oid: Oid) {
        Arc::make_mut(&mut self.read_only).insert(oid);
    }

    /// True when SETs of `oid` are refused.
    #[must_use]
    pub fn is_read_only(&self, oid: &Oid) -> bool {
        self.read_only.contains(oid)
    }

    /// The value of `oid`.
    #[must_use]
    pub fn get(&self, oid: &Oid) -> Option<&Value<'static>> {
        self.map.get(oid)
    }

    /// The first object after `oid`.
    #[must_use]
    pub fn next(&self, oid: &Oid) -> Option<(&Oid, &Value<'static>)> {
        self.map
            .range((Bound::Excluded(oid), Bound::Unbounded))
            .next()
    }

    /// The objects after `oid`, in order.
    pub fn after(&self, oid: &Oid) -> impl Iterator<Item = (&Oid, &Value<'static>)> {
        self.map.range((Bound::Excluded(oid), Bound::Unbounded))
    }

    /// The first object.
    #[must_use]
    pub fn first(&self) -> Option<(&Oid, &Value<'static>)> {
        self.map.iter().next()
    }

    /// Number of objects.
    #[must_use]
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// True when empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// True when `self` and `other` still share one map (no write since they were cloned).
    #[must_use]
    pub fn shares_with(&self, other: &Store) -> bool {
        Arc::ptr_eq(&self.map, &other.map)
    }

    /// All objects in order.
    pub fn iter(&self) -> impl Iterator<Item = (&Oid, &Value<'static>)> {
        self.map.iter()
    }

    /// The v2c exception for a GET of an absent `oid`: noSuchInstance when the object (the OID
    /// without its last arc) has instances, else noSuchObject.
    #[must_use]
    pub fn missing(&self, oid: &Oid) -> Value<'static> {
        let arcs = oid.arcs();
        if arcs.len() > 2
            && let Ok(object) = Oid::new(&arcs[..arcs.len() - 1])
            && self
                .next(&object)
                .is_some_and(|(o, _)| o.starts_with(&object))
        {
            return Value::NoSuchInstance;
        }
        Value::NoSuchObject
    }
}

impl FromIterator<(Oid, Value<'static>)> for Store {
    fn from_iter<I: IntoIterator<Item = (Oid, Value<'static>)>>(iter: I) -> Self {
        Self {
            map: Arc::new(iter.into_iter().collect()),
            read_only: Arc::default(),
            living: Arc::default(),
        }
    }
}
