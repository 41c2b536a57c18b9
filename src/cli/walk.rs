//! The loop of `snmpwalk` and `snmpbulkwalk` (net-snmp 5.9 `apps/snmpwalk.c`,
//! `apps/snmpbulkwalk.c`) as a pure state machine: the caller sends [`Walker::request`] and feeds
//! the varbinds back with [`Walker::on_varbinds`], which says what to print. No I/O.
//!
//! Why not the engine's own walk: the net-snmp tools print what ended the walk when it is still
//! inside the subtree (the `endOfMibView` of a whole-agent walk, the exception a leaf gives),
//! check the order differently per tool, and GET the root when nothing was printed. Matching
//! them byte for byte needs their exact loop:
//! - `walk` (GETNEXT): a varbind is inside while it is below the *end OID*, the root with its
//!   last arc plus one. Each printed non-exception varbind must be above the previous one.
//! - `bulkwalk` (GETBULK): a varbind is inside while the root is a prefix of it. Every
//!   varbind of a response is compared with the last varbind of the previous response.
//! - Both print an exception that is inside and stop after it; both stop at the first varbind
//!   outside (the rest of the response is still looked at, as net-snmp's loop does).

use std::cmp::Ordering;

use crate::oid::Oid;
use crate::pdu::VarBind;

use super::args::Root;

/// What to do with one varbind of a response, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Print varbind number N of the response.
    Print(usize),
    /// `Error: OID not increasing: PREVIOUS >= NEXT` (the walk then stops).
    NotIncreasing {
        /// The OID asked for.
        previous: Oid,
        /// The OID that did not follow it.
        next: Oid,
    },
}

/// One walk's state.
#[derive(Debug, Clone)]
pub struct Walker {
    root: Vec<u32>,
    /// The root with its last arc plus one (GETNEXT walks end there).
    end: Vec<u64>,
    bulk: bool,
    check: bool,
    /// The OID the next request asks for.
    name: Oid,
    printed: usize,
    running: bool,
}

impl Walker {
    /// A walk of `root`: GETBULK when `bulk`, else GETNEXT; `check` is false under `-Cc`.
    #[must_use]
    pub fn new(root: &Root, bulk: bool, check: bool) -> Self {
        let mut end: Vec<u64> = root.0.iter().map(|&a| u64::from(a)).collect();
        if let Some(last) = end.last_mut() {
            *last += 1;
        }
        Self {
            root: root.0.clone(),
            end,
            bulk,
            check,
            name: start_oid(&root.0),
            printed: 0,
            running: true,
        }
    }

    /// The OID to ask for next, or `None` when the walk is over.
    #[must_use]
    pub fn request(&self) -> Option<&Oid> {
        self.running.then_some(&self.name)
    }

    /// Ends the walk (after an error or `End of MIB`).
    pub fn stop(&mut self) {
        self.running = false;
    }

    /// Varbinds printed so far (the `-Cp` count).
    #[must_use]
    pub fn printed(&self) -> usize {
        self.printed
    }

    /// Counts varbinds printed by a GET of the root (`-Ci` or the fallback).
    pub fn add_printed(&mut self, n: usize) {
        self.printed += n;
    }

    /// The root as an OID, for the GET of `-Ci` and of an empty walk; `None` for a one-arc root,
    /// which no message can carry.
    #[must_use]
    pub fn root_oid(&self) -> Option<Oid> {
        Oid::new(&self.root).ok()
    }

    /// Takes one response's varbinds and says what to print.
    pub fn on_varbinds(&mut self, vbs: &[VarBind<'_>]) -> Vec<Event> {
        let mut events = Vec::new();
        if vbs.is_empty() {
            // net-snmp would ask again forever; an empty answer ends the walk here.
            self.running = false;
            return events;
        }
        let last = vbs.len() - 1;
        for (i, vb) in vbs.iter().enumerate() {
            if !self.inside(&vb.oid) {
                self.running = false;
                continue;
            }
            self.printed += 1;
            events.push(Event::Print(i));
            if vb.value.is_exception() {
                self.running = false;
                continue;
            }
            if self.check && self.name >= vb.oid {
                events.push(Event::NotIncreasing {
                    previous: self.name.clone(),
                    next: vb.oid.clone(),
                });
                self.running = false;
            }
            if !self.bulk || i == last {
                self.name = vb.oid.clone();
            }
        }
        events
    }

    fn inside(&self, oid: &Oid) -> bool {
        if self.bulk {
            oid.arcs().starts_with(&self.root)
        } else {
            compare_to_end(oid.arcs(), &self.end) == Ordering::Less
        }
    }
}

/// The first OID asked for: the root itself, or `root.0` for a one-arc root (net-snmp sends
/// `.1` as the single sub-identifier 1; `1.0` precedes the same objects).
fn start_oid(root: &[u32]) -> Oid {
    Oid::new(root)
        .or_else(|_| Oid::new(&[root.first().copied().unwrap_or(1).min(2), 0]))
        .unwrap_or_else(|_| Oid::from_valid([1, 0].into_iter().collect()))
}

/// net-snmp's `snmp_oid_compare` of an OID with the end OID, arc by arc, shorter first.
fn compare_to_end(oid: &[u32], end: &[u64]) -> Ordering {
    for (a, b) in oid.iter().zip(end) {
        match u64::from(*a).cmp(b) {
            Ordering::Equal => {}
            other => return other,
        }
    }
    oid.len().cmp(&end.len())
}
