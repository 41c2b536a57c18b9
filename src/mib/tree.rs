//! The MIB tree in use: every named node, its syntax as net-snmp prints it, and the table
//! indexes, owned and immutable so that one `Arc` serves the whole process.
//!
//! Owns [`MibTree`] (built by [`crate::mib::load`] from MIB files, or from the compiled-in table
//! alone), the lookups by OID (longest known prefix) and by name, and net-snmp's printed form of
//! an OID with the instance decoded by the row's `INDEX` clause (`snmplib/mib.c`,
//! `_get_realloc_symbol` in net-snmp 5.9). Values are printed in [`crate::format`]; files are
//! read in [`crate::mib::load`]. No I/O here.

use std::collections::HashMap;
use std::fmt::Write as _;

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
}

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
        if breakdown && let Some(row) = self.index_row(i) {
            if row == i {
                // An unknown column under a row: net-snmp prints its arc, then the index.
                push_u32(out, rest[0]);
                out.push('.');
                rest = &rest[1..];
            }
            self.write_index(out, &mut rest, row);
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

    /// The row whose INDEX decodes the instance of node `i`: the row itself or a column's row
    /// (net-snmp walks down from the row, so both get their instance decoded).
    fn index_row(&self, i: usize) -> Option<usize> {
        let node = &self.nodes[i];
        match node.kind {
            NodeKind::Entry if !node.index.is_empty() => Some(i),
            NodeKind::Column => self.row_of(i).filter(|&r| !self.nodes[r].index.is_empty()),
            _ => None,
        }
    }

    /// Decodes index components from `rest` (consumed as it goes), each followed by a dot.
    fn write_index(&self, out: &mut String, rest: &mut &[u32], row: usize) {
        for (_, text) in self.index_components(rest, row) {
            out.push_str(&text);
            out.push('.');
        }
    }

    /// The instance of `oid` decoded by its row's INDEX: the column's name and, per index
    /// object, its name and value as net-snmp prints it in a name (`"eth0"`, `192.0.2.1`,
    /// `up`). `None` when `oid` is not a column instance or the instance does not decode whole.
    #[must_use]
    pub fn decode_instance(&self, arcs: &[u32]) -> Option<(&str, Vec<(&str, String)>)> {
        let (i, known) = self.longest_prefix(arcs)?;
        let node = &self.nodes[i];
        if node.kind != NodeKind::Column {
            return None;
        }
        let row = self.index_row(i)?;
        let mut rest = &arcs[known..];
        let parts = self.index_components(&mut rest, row);
        if !rest.is_empty() || parts.is_empty() {
            return None;
        }
        Some((
            &node.name,
            parts
                .into_iter()
                .map(|(n, v)| (&*self.nodes[n].name, v))
                .collect(),
        ))
    }

    /// Each index component of `row` read from `rest` (consumed as it goes): the index
    /// object's position and its text.
    fn index_components(&self, rest: &mut &[u32], row: usize) -> Vec<(usize, String)> {
        let mut parts = Vec::new();
        for part in &self.nodes[row].index {
            let mut out = String::new();
            let out = &mut out;
            if rest.is_empty() {
                return parts;
            }
            let Some(ix) = self.nodes.get(part.node) else {
                return parts;
            };
            let syntax = ix.syntax.as_deref();
            let kind = syntax.and_then(|s| s.kind).unwrap_or(SyntaxKind::Other);
            let r: &[u32] = rest;
            let used = match kind {
                SyntaxKind::OctetString => {
                    let fixed = syntax.and_then(|s| s.fixed_size);
                    if part.implied {
                        dump_string(out, r, '\'');
                        r.len()
                    } else if let Some(n) = fixed {
                        let n = usize::try_from(n).unwrap_or(usize::MAX);
                        if n > r.len() {
                            return parts;
                        }
                        dump_string(out, &r[..n], '\'');
                        n
                    } else {
                        let n = usize::try_from(r[0]).unwrap_or(usize::MAX);
                        if n >= r.len() {
                            return parts;
                        }
                        if n == 0 {
                            out.push_str("\"\"");
                        } else {
                            dump_string(out, &r[1..=n], '"');
                        }
                        n + 1
                    }
                }
                SyntaxKind::Integer
                | SyntaxKind::Unsigned32
                | SyntaxKind::Gauge32
                | SyntaxKind::TimeTicks => {
                    let v = r[0];
                    // net-snmp compares `(int) arc` with the enumeration values.
                    let signed = i64::from(i32::from_ne_bytes(v.to_ne_bytes()));
                    match syntax
                        .filter(|_| kind != SyntaxKind::TimeTicks)
                        .and_then(|s| s.enums.iter().find(|(e, _)| signed == *e))
                    {
                        Some((_, label)) => out.push_str(label),
                        None => push_u32(out, v),
                    }
                    1
                }
                SyntaxKind::ObjectId => {
                    let n = if part.implied {
                        r.len()
                    } else {
                        usize::try_from(r[0])
                            .unwrap_or(usize::MAX)
                            .saturating_add(1)
                    };
                    if n > r.len() {
                        return parts;
                    }
                    for (k, &a) in r[..n].iter().enumerate() {
                        if k > 0 {
                            out.push('.');
                        }
                        push_u32(out, a);
                    }
                    n
                }
                SyntaxKind::IpAddress => {
                    if r.len() < 4 {
                        return parts;
                    }
                    let _ = write!(out, "{}.{}.{}.{}", r[0], r[1], r[2], r[3]);
                    4
                }
                _ => return parts,
            };
            parts.push((part.node, std::mem::take(out)));
            *rest = &r[used..];
        }
        parts
    }
}

/// net-snmp's `dump_realloc_oid_to_string`: each arc as a character, `.` for arcs above 254 or
/// not printable, between two `quote` characters.
fn dump_string(out: &mut String, arcs: &[u32], quote: char) {
    if arcs.is_empty() {
        return;
    }
    out.push(quote);
    for &a in arcs {
        let c = u8::try_from(a)
            .ok()
            .filter(|&b| b < 255 && (0x20..0x7f).contains(&b))
            .map_or('.', char::from);
        out.push(c);
    }
    out.push(quote);
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
