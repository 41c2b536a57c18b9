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

/// How the instance after a column prints: net-snmp's `-Ob` (no decoding), `-OX` (each index
/// component in brackets, hinted strings through the value printer) and `-OE` (quotes of
/// string indexes escaped).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IndexText {
    /// Decode the instance by the row's INDEX (off with `-Ob`).
    pub breakdown: bool,
    /// `-OX`: `name[comp][comp]`.
    pub extended: bool,
    /// `-OE`: `\"bob\"`.
    pub escape_quotes: bool,
}

impl Default for IndexText {
    fn default() -> Self {
        Self {
            breakdown: true,
            extended: false,
            escape_quotes: false,
        }
    }
}

/// Prints an octet string index component by its syntax's DISPLAY-HINT under `-OX` (the value
/// printer, which lives in [`crate::format`]).
pub type HintedIndex<'a> = &'a dyn Fn(&mut String, &[u8], &Syntax);

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

    /// The InetAddressType value before an InetAddress index component, when net-snmp would
    /// read the address by it: the index object's TC is `InetAddress` and its previous sibling's
    /// (net-snmp's `next_peer`) is `InetAddressType`; the type is the arc before the length.
    fn inet_type_before(
        &self,
        index_node: usize,
        syntax: Option<&Syntax>,
        prev: Option<u32>,
    ) -> Option<u32> {
        if syntax.and_then(|s| s.tc.as_deref()) != Some("InetAddress") {
            return None;
        }
        let node = self.nodes.get(index_node)?;
        let (_, parent) = node.arcs.split_last()?;
        // Sorted by arcs: going back from the node, the previous sibling's descendants come
        // first, then the sibling itself.
        let peer = self.nodes[..index_node]
            .iter()
            .rev()
            .take_while(|n| n.arcs.starts_with(parent) && n.arcs.len() > parent.len())
            .find(|n| n.arcs.len() == node.arcs.len())?;
        if peer.syntax.as_deref().and_then(|s| s.tc.as_deref()) != Some("InetAddressType") {
            return None;
        }
        prev
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
        let parts = self.index_components(
            &mut rest,
            row,
            NameStyle::Module,
            &IndexText::default(),
            &|_, _, _| {},
        );
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
    fn index_components(
        &self,
        rest: &mut &[u32],
        row: usize,
        style: NameStyle,
        text: &IndexText,
        hinted: HintedIndex<'_>,
    ) -> Vec<(usize, String)> {
        let mut parts = Vec::new();
        let escape = text.escape_quotes;
        // The last arc read so far (net-snmp reads an InetAddress's type there).
        let mut prev: Option<u32> = None;
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
                    let with_hint = syntax.filter(|s| text.extended && s.hint.is_some());
                    if let Some(syntax) = with_hint {
                        // `-OX` and a DISPLAY-HINT: the bytes through the value printer.
                        let (skip, n) = if part.implied {
                            (0, r.len())
                        } else if let Some(n) = fixed {
                            (0, usize::try_from(n).unwrap_or(usize::MAX))
                        } else {
                            (1, usize::try_from(r[0]).unwrap_or(usize::MAX))
                        };
                        if n > r.len() - skip {
                            return parts;
                        }
                        let bytes: Vec<u8> = r[skip..skip + n]
                            .iter()
                            .map(|&a| u8::try_from(a & 0xff).unwrap_or(0))
                            .collect();
                        hinted(out, &bytes, syntax);
                        skip + n
                    } else if part.implied {
                        dump_string(out, r, '\'', escape);
                        r.len()
                    } else if let Some(n) = fixed {
                        let n = usize::try_from(n).unwrap_or(usize::MAX);
                        if n > r.len() {
                            return parts;
                        }
                        dump_string(out, &r[..n], '\'', escape);
                        n
                    } else {
                        let n = usize::try_from(r[0]).unwrap_or(usize::MAX);
                        if n >= r.len() {
                            return parts;
                        }
                        if n == 0 {
                            out.push_str(if escape { "\\\"\\\"" } else { "\"\"" });
                        } else if let Some(ty) = self.inet_type_before(part.node, syntax, prev)
                            && let Some(addr) = inet_address(ty, &r[1..=n])
                        {
                            out.push_str(&addr);
                        } else {
                            dump_string(out, &r[1..=n], '"', escape);
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
                    if text.extended {
                        // `-OX`: the OID printed as OIDs are (`MODULE::name`).
                        let oid = if part.implied { &r[..n] } else { &r[1..n] };
                        self.write_oid_ext(out, oid, style, text, hinted);
                        parts.push((part.node, std::mem::take(out)));
                        prev = n.checked_sub(1).and_then(|k| r.get(k)).copied();
                        *rest = &r[n..];
                        continue;
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
            prev = used.checked_sub(1).and_then(|k| r.get(k)).copied();
            *rest = &r[used..];
        }
        parts
    }
}

/// net-snmp's `dump_realloc_oid_to_string`: each arc as a character, `.` for arcs above 254 or
/// not printable, between two `quote` characters.
/// `escape` (`-OE`) puts a backslash before each quote.
fn dump_string(out: &mut String, arcs: &[u32], quote: char, escape: bool) {
    if arcs.is_empty() {
        return;
    }
    if escape {
        out.push('\\');
    }
    out.push(quote);
    for &a in arcs {
        let c = u8::try_from(a)
            .ok()
            .filter(|&b| b < 255 && (0x20..0x7f).contains(&b))
            .map_or('.', char::from);
        out.push(c);
    }
    if escape {
        out.push('\\');
    }
    out.push(quote);
}

/// net-snmp's `dump_realloc_oid_to_inetaddress`: an InetAddress index of type `ty` (the
/// InetAddressType value before it) in quotes: `"192.0.2.1"`, `"20:01:0d:b8:…"` (two hex
/// digits per byte), a zone after `%` for ipv4z and ipv6z. `None` (printed as a plain string)
/// for dns, other types, a length that does not fit the type, or an arc above 255.
fn inet_address(ty: u32, arcs: &[u32]) -> Option<String> {
    if arcs.iter().any(|&a| a > 255) {
        return None;
    }
    let zone = |z: &[u32]| z.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
    let mut s = String::from("\"");
    match (ty, arcs.len()) {
        (1, 4) | (3, 8) => {
            let _ = write!(s, "{}.{}.{}.{}", arcs[0], arcs[1], arcs[2], arcs[3]);
            if ty == 3 {
                let _ = write!(s, "%{}", zone(&arcs[4..8]));
            }
        }
        (2, 16) | (4, 20) => {
            for (i, b) in arcs[..16].iter().enumerate() {
                if i > 0 {
                    s.push(':');
                }
                let _ = write!(s, "{b:02x}");
            }
            if ty == 4 {
                let _ = write!(s, "%{}", zone(&arcs[16..20]));
            }
        }
        _ => return None,
    }
    s.push('"');
    Some(s)
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
    fn inet_addresses_print_as_net_snmp_prints_them() {
        assert_eq!(
            inet_address(1, &[192, 0, 2, 1]).as_deref(),
            Some("\"192.0.2.1\"")
        );
        assert_eq!(
            inet_address(3, &[192, 0, 2, 7, 0, 0, 1, 0]).as_deref(),
            Some("\"192.0.2.7%256\"")
        );
        let mut v6 = vec![0u32; 16];
        v6[0] = 0xfe;
        v6[1] = 0x80;
        v6[15] = 1;
        assert_eq!(
            inet_address(2, &v6).as_deref(),
            Some("\"fe:80:00:00:00:00:00:00:00:00:00:00:00:00:00:01\"")
        );
        v6.extend([0, 0, 0, 3]);
        assert_eq!(
            inet_address(4, &v6).as_deref(),
            Some("\"fe:80:00:00:00:00:00:00:00:00:00:00:00:00:00:01%3\"")
        );
        // dns, a length that does not fit, an arc above 255: printed as a string instead.
        assert_eq!(inet_address(16, &[97, 98]), None);
        assert_eq!(inet_address(1, &[1, 2, 3]), None);
        assert_eq!(inet_address(1, &[1, 2, 3, 256]), None);
        assert_eq!(inet_address(0, &[]), None);
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
