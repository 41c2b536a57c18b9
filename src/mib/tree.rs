//! The MIB tree in use: every named node, its syntax as net-snmp prints it, and the table
//! indexes, owned and immutable so that one `Arc` serves the whole process.
//!
//! Owns [`MibTree`] (built by [`crate::mib::load`] from MIB files, or from the compiled-in table
//! alone), the lookups by OID (longest known prefix) and by name, and net-snmp's printed form of
//! an OID with the instance decoded by the row's `INDEX` clause (`snmplib/mib.c`,
//! `_get_realloc_symbol` in net-snmp 5.9). Values are printed in [`crate::format`]; files are
//! read in [`crate::mib::load`]. No I/O here.

use std::collections::HashMap;

mod index;

pub use index::{HintedIndex, IndexText};

use super::{MibEntry, NodeKind};
use crate::oid::push_u32;

/// net-snmp's view of an object's type (`TYPE_*` in `parse.h`): it picks the printer of a value
/// and how an index component is read from the instance arcs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SyntaxKind {
    /// INTEGER with or without enumeration, Integer32.
    Integer,
    /// OCTET STRING and its textual conventions.
    OctetString,
    /// OBJECT IDENTIFIER.
    ObjectId,
    /// BITS.
    Bits,
    /// IpAddress.
    IpAddress,
    /// Counter32.
    Counter32,
    /// Gauge32.
    Gauge32,
    /// Unsigned32 (printed as a Gauge32, as net-snmp does).
    Unsigned32,
    /// TimeTicks.
    TimeTicks,
    /// Opaque.
    Opaque,
    /// Counter64.
    Counter64,
    /// NetworkAddress (SMIv1).
    NetworkAddress,
    /// Anything else (a SEQUENCE, an unresolved type).
    Other,
}

impl SyntaxKind {
    /// The word `snmptranslate -Tp` prints for it.
    #[must_use]
    pub fn tree_word(self, has_enums: bool) -> &'static str {
        match self {
            SyntaxKind::Integer if has_enums => "EnumVal",
            SyntaxKind::Integer => "Integer32",
            SyntaxKind::OctetString => "String",
            SyntaxKind::ObjectId => "ObjID",
            SyntaxKind::Bits => "BitString",
            SyntaxKind::IpAddress => "IpAddr",
            SyntaxKind::Counter32 => "Counter",
            SyntaxKind::Gauge32 | SyntaxKind::Unsigned32 => "Gauge",
            SyntaxKind::TimeTicks => "TimeTicks",
            SyntaxKind::Opaque => "Opaque",
            SyntaxKind::Counter64 => "Counter64",
            SyntaxKind::NetworkAddress => "NetAddr",
            SyntaxKind::Other => "",
        }
    }
}

/// What an object's `SYNTAX` says about printing its values.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Syntax {
    /// How values and index components are read.
    pub kind: Option<SyntaxKind>,
    /// The effective DISPLAY-HINT, if any.
    pub hint: Option<Box<str>>,
    /// Enumeration labels (INTEGER) or bit names (BITS), in definition order.
    pub enums: Vec<(i64, Box<str>)>,
    /// The UNITS clause.
    pub units: Option<Box<str>>,
    /// The SIZE when it is one fixed value (`SIZE (6)`): such a string index has no length arc.
    pub fixed_size: Option<u32>,
    /// The textual convention's name (`DisplayString`), if the type is one.
    pub tc: Option<Box<str>>,
    /// `SIZE`/range text as `snmptranslate -Tp` shows it (`0..255`, `6`, `8 | 11`).
    pub size: Option<Box<str>>,
    /// Whether this is a SIZE (strings) or a value range (integers).
    pub range_is_size: bool,
    /// The MAX-ACCESS keyword (`read-only`).
    pub access: Option<&'static str>,
    /// The word `snmptranslate -Td` prints after SYNTAX (`INTEGER`, `Integer32`, `OCTET STRING`).
    pub type_word: Option<&'static str>,
}

/// Which macro defined a node (for `snmptranslate -Td` and `-Tp`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum MacroKind {
    /// `OBJECT IDENTIFIER ::=` or the compiled-in table.
    #[default]
    Plain,
    /// `MODULE-IDENTITY`.
    ModuleIdentity,
    /// `OBJECT-IDENTITY`.
    ObjectIdentity,
    /// `OBJECT-TYPE`.
    ObjectType,
    /// `NOTIFICATION-TYPE` or `TRAP-TYPE`.
    Notification,
    /// `OBJECT-GROUP` or `NOTIFICATION-GROUP`.
    Group,
    /// `MODULE-COMPLIANCE`.
    Compliance,
    /// `AGENT-CAPABILITIES`.
    Capability,
}

/// What `snmptranslate -Td` shows besides the syntax.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Notes {
    /// The DESCRIPTION text.
    pub description: Option<Box<str>>,
    /// The STATUS keyword.
    pub status: Option<&'static str>,
    /// The row this row AUGMENTS.
    pub augments: Option<Box<str>>,
    /// The other modules that define this node too, in load order (`-Td`'s `FROM` lists them
    /// after the node's own module: `SNMPv2-SMI, RFC1155-SMI`).
    pub also_from: Vec<Box<str>>,
    /// The INDEX clause as written (`IMPLIED name` for an implied one).
    pub index: Vec<Box<str>>,
    /// A notification's OBJECTS.
    pub objects: Vec<Box<str>>,
}

/// One component of a row's INDEX clause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexPart {
    /// The index object's position in [`MibTree::nodes`].
    pub node: usize,
    /// Declared `IMPLIED` (the last component, without a length arc).
    pub implied: bool,
}

/// An index component named by the index object's arcs (and IMPLIED), while positions move.
type IndexByArcs = (Box<[u32]>, bool);

/// A named node of the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeNode {
    /// Its OID arcs.
    pub arcs: Box<[u32]>,
    /// Its module (`""` for the three top nodes).
    pub module: Box<str>,
    /// Its name.
    pub name: Box<str>,
    /// What kind of node it is.
    pub kind: NodeKind,
    /// Its syntax, for objects from MIB files; `None` for the compiled-in table.
    pub syntax: Option<Box<Syntax>>,
    /// The INDEX clause of a row (`Entry`), AUGMENTS followed.
    pub index: Vec<IndexPart>,
    /// The macro that defined it.
    pub macro_kind: MacroKind,
    /// Description, status and clauses, for nodes from MIB files.
    pub notes: Option<Box<Notes>>,
}

/// The tree in use: sorted nodes, looked up both ways. Built once, then shared read-only.
#[derive(Debug, Default)]
pub struct MibTree {
    /// Every node, strictly ascending by arcs.
    nodes: Vec<TreeNode>,
    /// Node positions by name, in module order.
    by_name: HashMap<Box<str>, Vec<usize>>,
    /// The modules loaded from files (empty for the compiled-in table alone).
    modules: Vec<Box<str>>,
}

/// How [`MibTree::write_oid`] prints the name part (net-snmp's `-O` OID formats).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum NameStyle {
    /// `-OS` (default): `MODULE::name.index`.
    #[default]
    Module,
    /// `-Os`: `name.index`.
    Suffix,
    /// `-Of`: `.iso.org.dod.internet...name.index`.
    Full,
    /// `-On`: `.1.3.6...`.
    Numeric,
    /// `-Ou`: `-Of` without net-snmp's UCD prefixes (`.iso.org.dod.internet.mgmt.mib-2`,
    /// `…experimental`, `…private`, `…snmpParties`, `…snmpSecrets`): `enterprises.foo.0`.
    Ucd,
}

/// The prefixes `-Ou` drops (net-snmp's `mib_prefixes`, `snmplib/mib.c`), with the dot after.
const UCD_PREFIXES: &[&str] = &[
    ".iso.org.dod.internet.mgmt.mib-2",
    ".iso.org.dod.internet.experimental",
    ".iso.org.dod.internet.private",
    ".iso.org.dod.internet.snmpParties",
    ".iso.org.dod.internet.snmpSecrets",
];

impl MibTree {
    /// The compiled-in table alone, without syntax.
    #[must_use]
    pub fn builtin() -> Self {
        Self::from_parts(Vec::new(), Vec::new())
    }

    /// A tree of `loaded` nodes (from files, any order) over the compiled-in table: where both
    /// name one OID, the loaded node wins. `index` parts refer to positions in `loaded`.
    #[must_use]
    pub(crate) fn from_parts(loaded: Vec<TreeNode>, modules: Vec<Box<str>>) -> Self {
        // Remember the index objects by arcs, then re-resolve positions after sorting.
        let index_arcs: Vec<Vec<IndexByArcs>> = loaded
            .iter()
            .map(|n| {
                n.index
                    .iter()
                    .filter_map(|p| loaded.get(p.node).map(|i| (i.arcs.clone(), p.implied)))
                    .collect()
            })
            .collect();
        let mut nodes: Vec<(TreeNode, Vec<IndexByArcs>)> =
            loaded.into_iter().zip(index_arcs).collect();
        let mut seen: std::collections::HashSet<Box<[u32]>> =
            nodes.iter().map(|(n, _)| n.arcs.clone()).collect();
        for e in super::entries() {
            if seen.insert(e.arcs.into()) {
                nodes.push((builtin_node(e), Vec::new()));
            }
        }
        nodes.sort_by(|a, b| a.0.arcs.cmp(&b.0.arcs));
        nodes.dedup_by(|a, b| a.0.arcs == b.0.arcs);
        let position: HashMap<Box<[u32]>, usize> = nodes
            .iter()
            .enumerate()
            .map(|(i, (n, _))| (n.arcs.clone(), i))
            .collect();
        let nodes: Vec<TreeNode> = nodes
            .into_iter()
            .map(|(mut n, idx)| {
                n.index = idx
                    .into_iter()
                    .filter_map(|(arcs, implied)| {
                        position.get(&arcs).map(|&node| IndexPart { node, implied })
                    })
                    .collect();
                n
            })
            .collect();
        Self::from_sorted(nodes, modules)
    }

    /// A tree of `nodes` already strictly ascending by arcs, with `index` parts as positions in
    /// `nodes` (as [`MibTree::nodes`] gives them back: the compiled cache stores them so).
    #[must_use]
    pub(crate) fn from_sorted(nodes: Vec<TreeNode>, modules: Vec<Box<str>>) -> Self {
        let mut by_name: HashMap<Box<str>, Vec<usize>> = HashMap::new();
        for (i, n) in nodes.iter().enumerate() {
            by_name.entry(n.name.clone()).or_default().push(i);
        }
        for v in by_name.values_mut() {
            v.sort_by(|&a, &b| nodes[a].module.cmp(&nodes[b].module));
        }
        Self {
            nodes,
            by_name,
            modules,
        }
    }

    /// Every node, ascending by arcs.
    #[must_use]
    pub fn nodes(&self) -> &[TreeNode] {
        &self.nodes
    }

    /// The modules loaded from files.
    #[must_use]
    pub fn modules(&self) -> &[Box<str>] {
        &self.modules
    }

    /// Whether a module of that name was loaded, or is in the compiled-in table.
    #[must_use]
    pub fn has_module(&self, module: &str) -> bool {
        self.modules.iter().any(|m| &**m == module)
            || self.nodes.iter().any(|n| &*n.module == module)
    }

    /// The position of the node whose arcs are exactly `arcs`.
    #[must_use]
    pub fn find_exact(&self, arcs: &[u32]) -> Option<usize> {
        self.nodes.binary_search_by(|n| (*n.arcs).cmp(arcs)).ok()
    }

    /// The longest known prefix of `arcs`: its position and the number of arcs it covers.
    #[must_use]
    pub fn longest_prefix(&self, arcs: &[u32]) -> Option<(usize, usize)> {
        // A prefix of `arcs` sorts at or before it, and a longer prefix after a shorter one:
        // the last node at or before `arcs` is the answer when it is a prefix. Otherwise the
        // answer is no longer than what that node shares with `arcs` (usually one search: a
        // column is the last node before its instances).
        let last = self
            .nodes
            .partition_point(|n| *n.arcs <= *arcs)
            .checked_sub(1)?;
        let before = &self.nodes[last].arcs;
        if arcs.starts_with(before) {
            return Some((last, before.len()));
        }
        let common = before.iter().zip(arcs).take_while(|(a, b)| a == b).count();
        (1..=common)
            .rev()
            .find_map(|n| self.find_exact(&arcs[..n]).map(|i| (i, n)))
    }

    /// The node at `i`.
    #[must_use]
    pub fn node(&self, i: usize) -> Option<&TreeNode> {
        self.nodes.get(i)
    }

    /// Positions of the nodes named `name`, in module order.
    #[must_use]
    pub fn named(&self, name: &str) -> &[usize] {
        self.by_name.get(name).map_or(&[], Vec::as_slice)
    }

    /// The row a column belongs to: its parent when that parent is an `Entry`.
    #[must_use]
    pub fn row_of(&self, column: usize) -> Option<usize> {
        let arcs = &self.nodes.get(column)?.arcs;
        let parent = self.find_exact(arcs.get(..arcs.len().checked_sub(1)?)?)?;
        (self.nodes[parent].kind == NodeKind::Entry).then_some(parent)
    }

    /// The direct children of the node at `i`, in arc order.
    pub fn children(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        let arcs = self
            .nodes
            .get(i)
            .map(|n| n.arcs.clone())
            .unwrap_or_default();
        let depth = arcs.len();
        self.nodes
            .iter()
            .enumerate()
            .skip(i + 1)
            .take_while(move |(_, n)| n.arcs.starts_with(&arcs))
            .filter(move |(_, n)| n.arcs.len() == depth + 1)
            .map(|(j, _)| j)
    }

    /// Appends `arcs` as net-snmp prints an OID in `style`, the instance decoded by the INDEX
    /// clause of the row unless `breakdown` is false (`-Ob`). Returns the node whose syntax
    /// prints the value (the longest known prefix), if any.
    pub fn write_oid(
        &self,
        out: &mut String,
        arcs: &[u32],
        style: NameStyle,
        breakdown: bool,
    ) -> Option<usize> {
        let text = IndexText {
            breakdown,
            ..IndexText::default()
        };
        self.write_oid_ext(out, arcs, style, &text, &|_, _, _| {})
    }

    /// [`MibTree::write_oid`] with `-OX`/`-OE` index text; `hinted` prints hinted string
    /// components under `-OX`.
    pub fn write_oid_ext(
        &self,
        out: &mut String,
        arcs: &[u32],
        style: NameStyle,
        text: &IndexText,
        hinted: HintedIndex<'_>,
    ) -> Option<usize> {
        if style == NameStyle::Ucd {
            let start = out.len();
            let found = self.write_styled(out, arcs, NameStyle::Full, style, text, hinted);
            let printed = &out[start..];
            if let Some(p) = UCD_PREFIXES
                .iter()
                .find(|p| printed.len() > p.len() && printed.starts_with(*p))
            {
                out.drain(start..start + p.len() + 1);
            }
            return found;
        }
        self.write_styled(out, arcs, style, style, text, hinted)
    }

    /// [`MibTree::write_oid_ext`] in `style`, OIDs inside the instance (`-OX`) in
    /// `index_style` (`-Ou` prints the name in full, then strips the prefix of both).
    fn write_styled(
        &self,
        out: &mut String,
        arcs: &[u32],
        style: NameStyle,
        index_style: NameStyle,
        text: &IndexText,
        hinted: HintedIndex<'_>,
    ) -> Option<usize> {
        let found = self.longest_prefix(arcs);
        if style == NameStyle::Numeric {
            for &a in arcs {
                out.push('.');
                push_u32(out, a);
            }
            return found.map(|(i, _)| i);
        }
        let Some((i, known)) = found else {
            for &a in arcs {
                out.push('.');
                push_u32(out, a);
            }
            return None;
        };
        let node = &self.nodes[i];
        match style {
            NameStyle::Full => {
                for n in 1..=known {
                    out.push('.');
                    match self.find_exact(&arcs[..n]) {
                        Some(j) => out.push_str(&self.nodes[j].name),
                        None => push_u32(out, arcs[n - 1]),
                    }
                }
            }
            NameStyle::Module => {
                if !node.module.is_empty() {
                    out.push_str(&node.module);
                    out.push_str("::");
                }
                out.push_str(&node.name);
            }
            _ => out.push_str(&node.name),
        }
        let rest = &arcs[known..];
        if rest.is_empty() {
            return Some(i);
        }
        out.push('.');
        let mut rest = rest;
        if text.breakdown
            && let Some(row) = self.index_row(i)
        {
            if row == i {
                // An unknown column under a row: net-snmp prints its arc, then the index.
                push_u32(out, rest[0]);
                out.push('.');
                rest = &rest[1..];
            }
            for (_, part) in self.index_components(&mut rest, row, index_style, text, hinted) {
                if text.extended {
                    // `-OX`: `name[a][b]`, the dot before the first bracket dropped.
                    if out.ends_with('.') {
                        out.pop();
                    }
                    out.push('[');
                    out.push_str(&part);
                    out.push(']');
                } else {
                    out.push_str(&part);
                    out.push('.');
                }
            }
        }
        // net-snmp's `_oid_finish_printing`: the rest uninterpreted, after a dot.
        if !rest.is_empty() && !out.ends_with('.') {
            out.push('.');
        }
        for (k, &a) in rest.iter().enumerate() {
            if k > 0 {
                out.push('.');
            }
            push_u32(out, a);
        }
        if out.ends_with('.') {
            out.pop();
        }
        Some(i)
    }
}

/// A node of the compiled-in table.
fn builtin_node(e: &MibEntry) -> TreeNode {
    TreeNode {
        arcs: e.arcs.into(),
        module: e.module.into(),
        name: e.name.into(),
        kind: e.kind,
        syntax: None,
        index: Vec::new(),
        macro_kind: MacroKind::Plain,
        notes: None,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// The plain search [`MibTree::longest_prefix`] must agree with: every length, longest first.
    fn naive(tree: &MibTree, arcs: &[u32]) -> Option<(usize, usize)> {
        (1..=arcs.len())
            .rev()
            .find_map(|n| tree.find_exact(&arcs[..n]).map(|i| (i, n)))
    }

    proptest! {
        #[test]
        fn longest_prefix_agrees_with_the_plain_search(
            pick in any::<prop::sample::Index>(),
            cut in 0usize..12,
            tail in proptest::collection::vec(0u32..40, 0..6),
        ) {
            let tree = MibTree::builtin();
            let node = &tree.nodes()[pick.index(tree.nodes().len())];
            let keep = node.arcs.len().saturating_sub(cut % 3);
            let mut arcs = node.arcs[..keep].to_vec();
            arcs.extend(&tail);
            prop_assert_eq!(tree.longest_prefix(&arcs), naive(&tree, &arcs));
        }
    }

    /// The fixture modules (base + fixture directories, `-m ALL`), loaded once.
    fn fixture() -> &'static MibTree {
        static T: std::sync::OnceLock<MibTree> = std::sync::OnceLock::new();
        T.get_or_init(|| {
            let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/mibs");
            crate::mib::load::load(&crate::mib::LoadSpec {
                dirs: vec![root.join("base"), root.join("fixture")],
                modules: crate::mib::Modules::All,
                ..crate::mib::LoadSpec::default()
            })
            .tree
        })
    }

    proptest! {
        #[test]
        fn any_instance_prints_without_panic_in_every_style(
            column in 0usize..4,
            tail in proptest::collection::vec(prop_oneof![0u32..300, any::<u32>()], 0..30),
            extended in any::<bool>(),
            escape_quotes in any::<bool>(),
            breakdown in any::<bool>(),
            style in 0usize..5,
        ) {
            let tree = fixture();
            let name = ["fixInetHits", "fixUserLogins", "fixTypeCount", "fixMacPort"][column];
            let at = tree.named(name)[0];
            let mut arcs = tree.nodes()[at].arcs.to_vec();
            arcs.extend(&tail);
            let style = [
                NameStyle::Module,
                NameStyle::Suffix,
                NameStyle::Full,
                NameStyle::Numeric,
                NameStyle::Ucd,
            ][style];
            let text = IndexText { breakdown, extended, escape_quotes };
            let mut out = String::new();
            let found = tree.write_oid_ext(&mut out, &arcs, style, &text, &|o, b, _| {
                o.push_str(&format!("{b:?}"));
            });
            prop_assert_eq!(found, Some(at));
            prop_assert!(!out.is_empty());
            let _ = tree.decode_instance(&arcs);
        }
    }

    #[test]
    fn ucd_style_drops_the_standard_prefixes() {
        let tree = fixture();
        let mut out = String::new();
        let at = tree.named("fixStatus")[0];
        let mut arcs = tree.nodes()[at].arcs.to_vec();
        arcs.push(0);
        tree.write_oid(&mut out, &arcs, NameStyle::Ucd, true);
        assert_eq!(out, "enterprises.snmpactTestMib.fixScalars.fixStatus.0");
        out.clear();
        tree.write_oid(&mut out, &[1, 3, 6, 1, 2, 1, 1, 1, 0], NameStyle::Ucd, true);
        assert_eq!(out, "system.sysDescr.0");
        out.clear();
        tree.write_oid(&mut out, &[1, 3, 6, 1, 6], NameStyle::Ucd, true);
        assert_eq!(out, ".iso.org.dod.internet.snmpV2");
    }

    #[test]
    fn longest_prefix_of_edges() {
        let tree = MibTree::builtin();
        assert_eq!(tree.longest_prefix(&[]), None);
        assert_eq!(tree.longest_prefix(&[0]), naive(&tree, &[0]));
        assert_eq!(tree.longest_prefix(&[u32::MAX, 1]), None);
        let ifin = [1, 3, 6, 1, 2, 1, 2, 2, 1, 10, 7];
        let (i, n) = tree.longest_prefix(&ifin).unwrap();
        assert_eq!((&*tree.nodes()[i].name, n), ("ifInOctets", 10));
        let sibling = [1, 3, 6, 1, 2, 1, 2, 2, 1, 99, 7];
        assert_eq!(tree.longest_prefix(&sibling), naive(&tree, &sibling));
    }
}
