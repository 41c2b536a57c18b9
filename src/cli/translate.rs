//! `snmpact translate`: net-snmp's `snmptranslate` over the MIB in use (names ↔ numbers, a
//! node's details, a subtree as a tree), with its common options:
//!
//! - `-M DIRS`, `-m MODULES|ALL`: what to load ([`crate::mib::LoadSpec`]).
//! - `-On` numeric, `-Of` full path of names, `-Os` the name alone, `-OS` (default)
//!   `MODULE::name`; `-Ou` the full path without the standard prefixes; `-Ob` the instance
//!   undecoded.
//! - `-Td`: the node's definition as `snmptranslate -Td` prints it (`print_tree_node` in
//!   net-snmp 5.9's `snmplib/mib.c`), then its `::= { iso(1) ... }` path.
//! - `-Tp`: the subtree as a tree (`print_mib_leaves` in `snmplib/parse.c`).
//! - `-IR` and the other `-I` letters are accepted: snmpact always looks a bare name up
//!   anywhere in the tree (net-snmp needs `-IR` for that).
//!
//! Pure apart from loading the MIB: [`translate`] returns what to print.

use std::fmt::Write as _;

use crate::mib::tree::{MacroKind, MibTree, SyntaxKind, TreeNode};
use crate::mib::{self, LoadSpec, MibError, NameStyle};
use crate::oid::push_u32;

/// What a run prints, and its exit status.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Translated {
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// 0 when every OID translated, 1 for a usage error, 2 when one did not.
    pub status: u8,
}

/// Runs `snmptranslate ARGS` against the MIB that `-M`/`-m` (or the environment) name.
#[must_use]
pub fn translate(args: &[String]) -> Translated {
    let mut out = Translated::default();
    let mut spec: Option<LoadSpec> = None;
    let mut style = NameStyle::Module;
    let mut breakdown = true;
    let mut detail = false;
    let mut tree_print = false;
    let mut oids: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        let Some(rest) = arg.strip_prefix('-').filter(|r| !r.is_empty()) else {
            oids.push(arg);
            continue;
        };
        let mut chars = rest.chars();
        let letter = chars.next().unwrap_or('-');
        let glued = chars.as_str();
        let mut value = || -> Option<String> {
            if glued.is_empty() {
                let v = args.get(i).cloned();
                i += 1;
                v
            } else {
                Some(glued.to_owned())
            }
        };
        match letter {
            'M' | 'm' | 'O' | 'T' | 'I' | 'w' | 'W' => {
                let Some(v) = value() else {
                    out.stderr = format!("snmpact translate: option -{letter} needs a value\n");
                    out.status = 1;
                    return out;
                };
                match letter {
                    'M' => spec.get_or_insert_with(LoadSpec::from_env).set_dirs(&v),
                    'm' => spec.get_or_insert_with(LoadSpec::from_env).set_modules(&v),
                    'O' => {
                        for f in v.chars() {
                            match f {
                                'n' => style = NameStyle::Numeric,
                                'f' => style = NameStyle::Full,
                                's' => style = NameStyle::Suffix,
                                'S' => style = NameStyle::Module,
                                'u' => style = NameStyle::Ucd,
                                'b' => breakdown = false,
                                _ => {}
                            }
                        }
                    }
                    'T' => {
                        for f in v.chars() {
                            match f {
                                'd' => detail = true,
                                'p' => tree_print = true,
                                _ => {}
                            }
                        }
                    }
                    _ => {}
                }
            }
            'h' => {
                out.stdout = USAGE.to_owned();
                return out;
            }
            _ => {
                out.stderr = format!("snmpact translate: unknown option -{letter}\n{USAGE}");
                out.status = 1;
                return out;
            }
        }
    }
    if let Some(spec) = spec {
        mib::configure(spec);
    }
    let tree = mib::tree();
    if oids.is_empty() {
        if tree_print {
            write_tree(&mut out.stdout, &tree, None);
            return out;
        }
        out.stderr = format!("snmpact translate: no OID given\n{USAGE}");
        out.status = 1;
        return out;
    }
    for text in oids {
        let oid = match mib::resolve_in(&tree, text) {
            Ok(oid) => oid,
            Err(MibError::UnknownName { .. } | MibError::NotAChild { .. }) => {
                let _ = writeln!(out.stderr, "Unknown object identifier: {text}");
                out.status = 2;
                continue;
            }
            Err(e) => {
                let _ = writeln!(out.stderr, "{text}: {e}");
                out.status = 2;
                continue;
            }
        };
        if tree_print {
            let start = tree.find_exact(oid.arcs());
            write_tree(&mut out.stdout, &tree, start);
            continue;
        }
        tree.write_oid(&mut out.stdout, oid.arcs(), style, breakdown);
        out.stdout.push('\n');
        if detail {
            write_detail(&mut out.stdout, &tree, oid.arcs());
        }
    }
    out
}

/// The usage text.
const USAGE: &str = "Usage: snmpact translate [-M DIRS] [-m MODULES|ALL] [-On|-Of|-Os|-OS|-Ou] [-Ob] [-Td|-Tp] [-IR] OID...\n";

/// `-Td`: the definition of the longest known prefix of `arcs`, then its `::= { ... }` path.
fn write_detail(out: &mut String, tree: &MibTree, arcs: &[u32]) {
    let Some((i, _)) = tree.longest_prefix(arcs) else {
        out.push_str("No description\n");
        return;
    };
    let node = &tree.nodes()[i];
    let word = match node.macro_kind {
        MacroKind::ObjectType => " OBJECT-TYPE",
        MacroKind::Notification => " NOTIFICATION-TYPE",
        MacroKind::Group => " OBJECT-GROUP",
        MacroKind::Capability => " AGENT-CAPABILITIES",
        MacroKind::ModuleIdentity => " MODULE-IDENTITY",
        MacroKind::ObjectIdentity => " OBJECT-IDENTITY",
        MacroKind::Compliance => " MODULE-COMPLIANCE",
        _ => " OBJECT-TYPE",
    };
    let _ = writeln!(out, "{}{word}", node.name);
    write_tree_node(out, node);
    out.push_str("::= {");
    for n in 1..arcs.len() {
        match tree.find_exact(&arcs[..n]).and_then(|j| tree.node(j)) {
            Some(p) => {
                let _ = write!(out, " {}({})", p.name, arcs[n - 1]);
            }
            None => {
                out.push(' ');
                push_u32(out, arcs[n - 1]);
            }
        }
    }
    if let Some(&last) = arcs.last() {
        out.push(' ');
        push_u32(out, last);
    }
    out.push_str(" }\n");
}

/// `print_tree_node`: FROM, TEXTUAL CONVENTION, SYNTAX, DISPLAY-HINT, UNITS, MAX-ACCESS,
/// STATUS, AUGMENTS, INDEX, OBJECTS, DESCRIPTION.
fn write_tree_node(out: &mut String, node: &TreeNode) {
    let _ = write!(out, "  -- FROM\t{}", node.module);
    for m in node.notes.iter().flat_map(|n| &n.also_from) {
        let _ = write!(out, ", {m}");
    }
    out.push('\n');
    let syntax = node.syntax.as_deref();
    if let Some(tc) = syntax.and_then(|s| s.tc.as_deref()) {
        let _ = writeln!(out, "  -- TEXTUAL CONVENTION {tc}");
    }
    if let Some(s) = syntax
        && let Some(word) = s.type_word
    {
        let _ = write!(out, "  SYNTAX\t{word}");
        if let Some(size) = s.size.as_deref() {
            let _ = write!(out, " ({size}) ");
        }
        if !s.enums.is_empty() {
            out.push_str(" {");
            for (k, (v, label)) in s.enums.iter().enumerate() {
                if k > 0 {
                    out.push_str(", ");
                }
                let _ = write!(out, "{label}({v})");
            }
            out.push_str("} ");
        }
        out.push('\n');
    }
    if let Some(h) = syntax.and_then(|s| s.hint.as_deref()) {
        let _ = writeln!(out, "  DISPLAY-HINT\t\"{h}\"");
    }
    if let Some(u) = syntax.and_then(|s| s.units.as_deref()) {
        let _ = writeln!(out, "  UNITS\t\t\"{u}\"");
    }
    if let Some(a) = syntax.and_then(|s| s.access) {
        let _ = writeln!(out, "  MAX-ACCESS\t{a}");
    }
    let notes = node.notes.as_deref();
    let object_like = matches!(
        node.macro_kind,
        MacroKind::ObjectType | MacroKind::Notification | MacroKind::ObjectIdentity
    );
    if object_like && let Some(st) = notes.and_then(|n| n.status) {
        let _ = writeln!(out, "  STATUS\t{st}");
    }
    if let Some(n) = notes {
        if let Some(a) = n.augments.as_deref() {
            let _ = writeln!(out, "  AUGMENTS\t{{ {a} }}");
        }
        if !n.index.is_empty() && n.augments.is_none() {
            let _ = writeln!(out, "  INDEX\t\t{{ {} }}", n.index.join(", "));
        }
        if !n.objects.is_empty() {
            let _ = writeln!(out, "  OBJECTS\t{{ {} }}", n.objects.join(", "));
        }
        if let Some(d) = n.description.as_deref() {
            let _ = writeln!(out, "  DESCRIPTION\t\"{d}\"");
        }
    }
}

/// `-Tp`: the tree under `start` (the whole tree when `None`), as `print_mib_tree` draws it.
fn write_tree(out: &mut String, tree: &MibTree, start: Option<usize>) {
    let mut indent = String::from(" ");
    let mut was_simple = true;
    match start {
        Some(i) => leaves(out, tree, i, &mut indent, &mut was_simple),
        None => {
            let tops: Vec<usize> = tree
                .nodes()
                .iter()
                .enumerate()
                .filter(|(_, n)| n.arcs.len() == 1)
                .map(|(i, _)| i)
                .collect();
            for i in tops {
                leaves(out, tree, i, &mut indent, &mut was_simple);
            }
        }
    }
}

/// Whether net-snmp gives the node a simple type (an OBJECT-TYPE with a SYNTAX), and whether
/// its type is `TYPE_OTHER` (a plain node, a table or a row).
fn simple(node: &TreeNode) -> (bool, bool) {
    let typed = node
        .syntax
        .as_deref()
        .and_then(|s| s.kind)
        .is_some_and(|k| k != SyntaxKind::Other)
        && matches!(node.kind, mib::NodeKind::Scalar | mib::NodeKind::Column);
    let other = !typed && matches!(node.macro_kind, MacroKind::Plain | MacroKind::ObjectType);
    (typed, other)
}

/// `print_mib_leaves`.
fn leaves(out: &mut String, tree: &MibTree, i: usize, indent: &mut String, was_simple: &mut bool) {
    let node = &tree.nodes()[i];
    let arc = node.arcs.last().copied().unwrap_or(0);
    let base = indent.len();
    let last_ch = indent.pop().unwrap_or(' ');
    indent.push('+');
    let (typed, other) = simple(node);
    if typed {
        let s = node.syntax.as_deref();
        let acc = match s.and_then(|s| s.access) {
            Some("not-accessible") => "----",
            Some("read-only") => "-R--",
            Some("write-only") => "--W-",
            Some("read-write") => "-RW-",
            Some("accessible-for-notify") => "---N",
            Some("read-create") => "CR--",
            _ => "    ",
        };
        let kind = s.and_then(|s| s.kind).unwrap_or(SyntaxKind::Other);
        let has_enums = s.is_some_and(|s| !s.enums.is_empty());
        let typ = match kind {
            SyntaxKind::Unsigned32 => "Unsigned",
            k => k.tree_word(has_enums),
        };
        let _ = writeln!(out, "{indent}-- {acc} {typ:<9} {}({arc})", node.name);
        indent.pop();
        indent.push(last_ch);
        if let Some(tc) = s.and_then(|s| s.tc.as_deref()) {
            let _ = writeln!(out, "{indent}        Textual Convention: {tc}");
        }
        if let Some(s) = s {
            if !s.enums.is_empty() {
                let _ = write!(out, "{indent}        Values: ");
                for (k, (v, l)) in s.enums.iter().enumerate() {
                    if k > 0 {
                        out.push_str(", ");
                    }
                    let _ = write!(out, "{l}({v})");
                }
                out.push('\n');
            }
            if let Some(size) = s.size.as_deref() {
                let word = if matches!(kind, SyntaxKind::OctetString | SyntaxKind::Opaque) {
                    "Size"
                } else {
                    "Range"
                };
                let _ = writeln!(out, "{indent}        {word}: {size}");
            }
        }
    } else {
        let _ = writeln!(out, "{indent}--{}({arc})", node.name);
        if node.kind == mib::NodeKind::Entry
            && let Some(n) = node.notes.as_deref()
            && !n.index.is_empty()
        {
            indent.pop();
            indent.push(last_ch);
            let names: Vec<&str> = n
                .index
                .iter()
                .map(|x| x.strip_prefix("IMPLIED ").unwrap_or(x))
                .collect();
            let _ = writeln!(out, "{indent}  |  Index: {}", names.join(", "));
            indent.pop();
            indent.push('+');
        }
    }
    indent.pop();
    indent.push(last_ch);
    indent.push_str("  |");
    *was_simple = !other;
    let children: Vec<usize> = tree.children(i).collect();
    let count = children.len();
    for (k, c) in children.into_iter().enumerate() {
        let (_, child_other) = simple(&tree.nodes()[c]);
        if !*was_simple || child_other {
            let _ = writeln!(out, "{indent}");
        }
        if k + 1 == count {
            indent.pop();
            indent.push(' ');
        }
        leaves(out, tree, c, indent, was_simple);
    }
    if count > 0 {
        *was_simple = false;
    }
    indent.truncate(base);
}
