//! What an operator types for an object: the parser behind [`resolve`] (numeric OIDs, names
//! with or without `MODULE::`, paths of child names, string indexes `ifDescr."eth0"`, `'ops'`
//! filled in by the row's INDEX clause) and its typed error, [`MibError`].
//!
//! Owns text to OID only; the tree it resolves against is [`crate::mib::tree()`], the printed
//! form is in [`crate::mib::tree`](mod@crate::mib::tree). No I/O.

use super::{MibTree, format_arcs, tree};
use crate::oid::{MAX_ARCS, Oid, OidError};

/// Why [`resolve`] could not turn text into an OID. Each message is one line and quotes the
/// part at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MibError {
    /// Nothing to resolve.
    #[error("empty object name")]
    Empty,
    /// A name no module in the table defines.
    #[error("unknown object name '{name}'")]
    UnknownName {
        /// The name as typed.
        name: String,
    },
    /// A bare name that several modules define; it needs its module.
    #[error("ambiguous object name '{name}': write {}", qualified_choices(.modules, .name))]
    Ambiguous {
        /// The name as typed.
        name: String,
        /// The modules that define it.
        modules: Vec<String>,
    },
    /// `MODULE::name` with a module the table does not have.
    #[error("unknown MIB module '{module}'")]
    UnknownModule {
        /// The module as typed.
        module: String,
    },
    /// `MODULE::name` with a known module that does not define that name.
    #[error("no object '{name}' in module '{module}'")]
    NotInModule {
        /// The module as typed.
        module: String,
        /// The name as typed.
        name: String,
    },
    /// A name after a dot that is not a child of what precedes it (`system.ifTable`).
    #[error("no object '{name}' under {parent}")]
    NotAChild {
        /// The name as typed.
        name: String,
        /// What precedes it, in printed form (`SNMPv2-MIB::system`).
        parent: String,
    },
    /// Text that is not of the form `[MODULE::]name-or-arc(.name-or-arc)*`.
    #[error("malformed object name '{text}': {problem}")]
    Syntax {
        /// The text as typed (at most 64 characters of it).
        text: String,
        /// What is wrong with it.
        problem: SyntaxError,
    },
    /// Well-formed text whose arcs break the OID rules (first arcs, 2 to 128 arcs).
    #[error("invalid object identifier '{text}': {error}")]
    Invalid {
        /// The text as typed (at most 64 characters of it).
        text: String,
        /// The rule it breaks.
        error: OidError,
    },
}

/// The malformed part of a [`MibError::Syntax`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SyntaxError {
    /// `::name`: nothing before the `::`.
    #[error("no module name before '::'")]
    EmptyModule,
    /// `MODULE::` followed by nothing, by an arc or by a dot.
    #[error("no object name after '::'")]
    MissingName,
    /// Two dots in a row, or a dot at the end.
    #[error("empty arc")]
    EmptyArc,
    /// A part that starts with a digit but is not a decimal number up to 4294967295.
    #[error("arc '{0}' is not a number up to 4294967295")]
    BadArc(String),
    /// A character that cannot be in a module name, an object name or an arc.
    #[error("unexpected character {0:?}")]
    BadChar(char),
}

impl MibError {
    /// A short stable label for this kind of error, for counters and logs.
    #[must_use]
    pub fn label(&self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::UnknownName { .. } => "unknown_name",
            Self::Ambiguous { .. } => "ambiguous",
            Self::UnknownModule { .. } => "unknown_module",
            Self::NotInModule { .. } => "not_in_module",
            Self::NotAChild { .. } => "not_a_child",
            Self::Syntax { .. } => "syntax",
            Self::Invalid { .. } => "invalid",
        }
    }
}

/// Most characters of the operator's text that an error message repeats.
const MAX_ECHO: usize = 64;

/// The OID that `text` names, accepting what net-snmp's tools accept.
///
/// Forms: numeric with or without a leading dot (`1.3.6.1.2.1.1.1.0`), a name with or without
/// its module and then arcs (`sysDescr.0`, `IF-MIB::ifInOctets.3`, `enterprises.8072`), and
/// child names after a dot (`system.sysDescr.0`, `.iso.org.dod.internet`, `iso.3.6.1.2.1`).
///
/// ```
/// use snmpact::mib::resolve;
/// assert_eq!(resolve("IF-MIB::ifInOctets.3").unwrap().to_string(), "1.3.6.1.2.1.2.2.1.10.3");
/// assert_eq!(
///     resolve("sysDescrr.0").unwrap_err().to_string(),
///     "unknown object name 'sysDescrr'"
/// );
/// ```
///
/// # Errors
/// [`MibError::Syntax`] for malformed text, [`MibError::UnknownName`],
/// [`MibError::Ambiguous`], [`MibError::UnknownModule`], [`MibError::NotInModule`] or
/// [`MibError::NotAChild`] for a name that does not resolve, [`MibError::Invalid`] when the arcs
/// break the OID rules (`iso` alone has one arc), and [`MibError::Empty`].
pub fn resolve(text: &str) -> Result<Oid, MibError> {
    resolve_in(&tree(), text)
}

/// [`resolve`] against a given tree.
///
/// # Errors
/// As [`resolve`].
pub fn resolve_in(tree: &MibTree, text: &str) -> Result<Oid, MibError> {
    if text.is_empty() {
        return Err(MibError::Empty);
    }
    let syntax = |problem| MibError::Syntax {
        text: clip(text),
        problem,
    };
    let (module, path) = match split_module(text) {
        Some(("", _)) => return Err(syntax(SyntaxError::EmptyModule)),
        Some((module, path)) => {
            if let Some(c) = module
                .chars()
                .find(|&c| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            {
                return Err(syntax(SyntaxError::BadChar(c)));
            }
            (Some(module), path)
        }
        None => (None, text.strip_prefix('.').unwrap_or(text)),
    };

    // Check the syntax of every part before looking any name up, so that `sysDescrr..0` is
    // reported as malformed rather than as an unknown name.
    let mut parts: Vec<Part<'_>> = Vec::new();
    for (i, part) in split_parts(path).into_iter().enumerate() {
        let first = i == 0;
        let part = if part.is_empty() {
            let problem = if first && module.is_some() {
                SyntaxError::MissingName
            } else {
                SyntaxError::EmptyArc
            };
            return Err(syntax(problem));
        } else if let Some(q) = quoted(part) {
            if first {
                return Err(syntax(SyntaxError::MissingName));
            }
            q
        } else if part.starts_with(|c: char| c.is_ascii_digit()) {
            if first && module.is_some() {
                return Err(syntax(SyntaxError::MissingName));
            }
            Part::Arc(parse_arc(part).ok_or_else(|| syntax(SyntaxError::BadArc(clip(part))))?)
        } else if let Some(c) = bad_name_char(part) {
            return Err(syntax(SyntaxError::BadChar(c)));
        } else {
            Part::Name(part)
        };
        // Every part adds at least one arc: past MAX_ARCS, keep checking but stop storing.
        if parts.len() <= MAX_ARCS {
            parts.push(part);
        }
    }
    if parts.len() > MAX_ARCS {
        return Err(MibError::Invalid {
            text: clip(text),
            error: OidError::TooLong,
        });
    }

    let mut arcs: Vec<u32> = Vec::new();
    // The row whose INDEX the parts after the last name fill, and which component is next.
    let mut row: Option<usize> = None;
    let mut component = 0usize;
    for (i, part) in parts.into_iter().enumerate() {
        match part {
            Part::Arc(arc) => {
                arcs.push(arc);
                component += 1;
            }
            Part::Name(name) => {
                // An enumeration label where the row's next index component is an enumerated
                // INTEGER (`fixInetHits.ipv4."192.0.2.1"`), as net-snmp reads it.
                if i > 0
                    && let Some(value) = index_label(tree, row, component, name)
                {
                    arcs.push(value);
                    component += 1;
                    continue;
                }
                let node = if i == 0 {
                    find_named(tree, module, name)?
                } else {
                    find_child(tree, &arcs, name)?
                };
                arcs.clear();
                arcs.extend_from_slice(&tree.nodes()[node].arcs);
                row = tree.row_of(node);
                component = 0;
            }
            Part::Quoted { text: s, single } => {
                let index = row
                    .and_then(|r| tree.node(r))
                    .and_then(|r| r.index.get(component));
                let no_length = single
                    || index.is_some_and(|p| {
                        p.implied
                            || tree
                                .node(p.node)
                                .and_then(|n| n.syntax.as_deref())
                                .is_some_and(|s| s.fixed_size.is_some())
                    });
                if !no_length {
                    arcs.push(u32::try_from(s.len()).unwrap_or(u32::MAX));
                }
                arcs.extend(s.bytes().map(u32::from));
                component += 1;
            }
        }
    }
    Oid::new(&arcs).map_err(|error| MibError::Invalid {
        text: clip(text),
        error,
    })
}

/// The value of enumeration label `name` of component `component` of `row`'s INDEX, when that
/// component is an enumerated INTEGER with that label (and a value that is an arc).
fn index_label(tree: &MibTree, row: Option<usize>, component: usize, name: &str) -> Option<u32> {
    let part = tree.node(row?)?.index.get(component)?;
    let syntax = tree.node(part.node)?.syntax.as_deref()?;
    let (value, _) = syntax.enums.iter().find(|(_, label)| &**label == name)?;
    u32::try_from(*value).ok()
}

/// `MODULE::rest`, when the text has a `::` before any quote.
fn split_module(text: &str) -> Option<(&str, &str)> {
    let (module, rest) = text.split_once("::")?;
    (!module.contains(['"', '\'', '.'])).then_some((module, rest))
}

/// The dot-separated parts of a path, a quoted string (`"eth0"`, `'a.b'`) being one part
/// whatever it holds.
fn split_parts(path: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut quote: Option<char> = None;
    for (i, c) in path.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '.' => {
                parts.push(&path[start..i]);
                start = i + 1;
            }
            None => {}
        }
    }
    parts.push(&path[start..]);
    parts
}

/// A quoted index part: its text and whether the quotes were single (no length arc).
fn quoted(part: &str) -> Option<Part<'_>> {
    for q in ['"', '\''] {
        if let Some(inner) = part.strip_prefix(q).and_then(|p| p.strip_suffix(q))
            && part.len() >= 2
        {
            return Some(Part::Quoted {
                text: inner,
                single: q == '\'',
            });
        }
    }
    None
}

/// The node for a first name, bare or after `MODULE::`.
fn find_named(tree: &MibTree, module: Option<&str>, name: &str) -> Result<usize, MibError> {
    let found = tree.named(name);
    let nodes = tree.nodes();
    match module {
        Some(module) => found
            .iter()
            .copied()
            .find(|&i| &*nodes[i].module == module)
            .ok_or_else(|| {
                if tree.has_module(module) {
                    MibError::NotInModule {
                        module: clip(module),
                        name: clip(name),
                    }
                } else {
                    MibError::UnknownModule {
                        module: clip(module),
                    }
                }
            }),
        None => match found {
            [] => Err(MibError::UnknownName { name: clip(name) }),
            [one] => Ok(*one),
            [first, rest @ ..] if rest.iter().all(|&i| nodes[i].arcs == nodes[*first].arcs) => {
                Ok(*first)
            }
            many => Err(MibError::Ambiguous {
                name: clip(name),
                modules: many.iter().map(|&i| nodes[i].module.to_string()).collect(),
            }),
        },
    }
}

/// The node named `name` directly below `parent`.
fn find_child(tree: &MibTree, parent: &[u32], name: &str) -> Result<usize, MibError> {
    let nodes = tree.nodes();
    tree.named(name)
        .iter()
        .copied()
        .find(|&i| nodes[i].arcs.len() == parent.len() + 1 && nodes[i].arcs.starts_with(parent))
        .ok_or_else(|| MibError::NotAChild {
            name: clip(name),
            parent: format_arcs(parent),
        })
}

/// One dot-separated part of a name that [`resolve`] parses.
enum Part<'a> {
    /// A decimal sub-identifier.
    Arc(u32),
    /// An object name: the first part, or a child of what precedes it.
    Name(&'a str),
    /// A quoted string index (`"eth0"`, `'ops'`): its characters as arcs, after its length
    /// for double quotes unless the index is IMPLIED or of fixed size.
    Quoted {
        /// The characters between the quotes.
        text: &'a str,
        /// Single quotes: never a length arc.
        single: bool,
    },
}

/// A decimal arc up to `u32::MAX`, digits only (no sign, no spaces).
fn parse_arc(part: &str) -> Option<u32> {
    if part.bytes().all(|b| b.is_ascii_digit()) {
        part.parse().ok()
    } else {
        None
    }
}

/// The first character that cannot be in an object name (a letter, then letters, digits and
/// hyphens), if any.
pub(super) fn bad_name_char(part: &str) -> Option<char> {
    let mut chars = part.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() => {
            chars.find(|&c| !(c.is_ascii_alphanumeric() || c == '-'))
        }
        other => other,
    }
}

/// At most [`MAX_ECHO`] characters of operator text for an error message, with control
/// characters escaped so that the message stays on one line.
fn clip(text: &str) -> String {
    let mut s = String::with_capacity(text.len().min(MAX_ECHO));
    for c in text.chars().take(MAX_ECHO) {
        if c.is_control() {
            s.extend(c.escape_default());
        } else {
            s.push(c);
        }
    }
    s
}

/// `A::name or B::name` for [`MibError::Ambiguous`].
fn qualified_choices(modules: &[String], name: &str) -> String {
    modules
        .iter()
        .map(|m| format!("{m}::{name}"))
        .collect::<Vec<_>>()
        .join(" or ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    use crate::mib::{entries, format_name, lookup_oid};

    fn oid(s: &str) -> Oid {
        s.parse().unwrap()
    }

    fn syntax(text: &str, problem: SyntaxError) -> MibError {
        MibError::Syntax {
            text: text.into(),
            problem,
        }
    }

    #[test]
    fn resolve_accepts_what_operators_type() {
        let cases = [
            ("1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.1.0"),
            (".1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.1.0"),
            ("sysDescr.0", "1.3.6.1.2.1.1.1.0"),
            ("SNMPv2-MIB::sysDescr.0", "1.3.6.1.2.1.1.1.0"),
            ("IF-MIB::ifInOctets.3", "1.3.6.1.2.1.2.2.1.10.3"),
            ("ifInOctets.3", "1.3.6.1.2.1.2.2.1.10.3"),
            ("system", "1.3.6.1.2.1.1"),
            ("ifTable", "1.3.6.1.2.1.2.2"),
            ("ifTable.1.1.3", "1.3.6.1.2.1.2.2.1.1.3"),
            ("iso.3.6.1.2.1", "1.3.6.1.2.1"),
            ("enterprises.8072", "1.3.6.1.4.1.8072"),
            (
                "SNMPv2-SMI::enterprises.8072.3.2.10",
                "1.3.6.1.4.1.8072.3.2.10",
            ),
            ("NET-SNMP-TC::linux", "1.3.6.1.4.1.8072.3.2.10"),
            ("mib-2", "1.3.6.1.2.1"),
            ("zeroDotZero", "0.0"),
            ("system.sysDescr.0", "1.3.6.1.2.1.1.1.0"),
            (
                ".iso.org.dod.internet.mgmt.mib-2.system.sysDescr.0",
                "1.3.6.1.2.1.1.1.0",
            ),
            ("iso.org.6.1", "1.3.6.1"),
            ("1.3.6.1.mgmt.mib-2", "1.3.6.1.2.1"),
            ("SNMPv2-MIB::sysDescr.0.1.2", "1.3.6.1.2.1.1.1.0.1.2"),
            ("sysDescr.4294967295", "1.3.6.1.2.1.1.1.4294967295"),
            ("HOST-RESOURCES-TYPES::hrStorageRam", "1.3.6.1.2.1.25.2.1.2"),
        ];
        for (text, numeric) in cases {
            assert_eq!(resolve(text), Ok(oid(numeric)), "{text}");
        }
    }

    #[test]
    fn resolve_rejects_with_the_part_at_fault() {
        let cases = [
            ("", MibError::Empty),
            (
                "sysDescrr",
                MibError::UnknownName {
                    name: "sysDescrr".into(),
                },
            ),
            (
                "sysDescrr.0",
                MibError::UnknownName {
                    name: "sysDescrr".into(),
                },
            ),
            (
                "FOO-MIB::sysDescr",
                MibError::UnknownModule {
                    module: "FOO-MIB".into(),
                },
            ),
            (
                "IF-MIB::sysDescr.0",
                MibError::NotInModule {
                    module: "IF-MIB".into(),
                    name: "sysDescr".into(),
                },
            ),
            (
                "linux",
                MibError::Ambiguous {
                    name: "linux".into(),
                    modules: vec!["NET-SNMP-TC".into(), "UCD-SNMP-MIB".into()],
                },
            ),
            (
                "system.ifTable",
                MibError::NotAChild {
                    name: "ifTable".into(),
                    parent: "SNMPv2-MIB::system".into(),
                },
            ),
            (
                "sysDescr.x",
                MibError::NotAChild {
                    name: "x".into(),
                    parent: "SNMPv2-MIB::sysDescr".into(),
                },
            ),
            (
                "1.1000.mgmt",
                MibError::NotAChild {
                    name: "mgmt".into(),
                    parent: "iso.1000".into(),
                },
            ),
            ("sysDescr..0", syntax("sysDescr..0", SyntaxError::EmptyArc)),
            ("sysDescr.0.", syntax("sysDescr.0.", SyntaxError::EmptyArc)),
            ("1.3..6", syntax("1.3..6", SyntaxError::EmptyArc)),
            (".", syntax(".", SyntaxError::EmptyArc)),
            ("..1.3", syntax("..1.3", SyntaxError::EmptyArc)),
            ("::sysDescr", syntax("::sysDescr", SyntaxError::EmptyModule)),
            (
                "SNMPv2-MIB::",
                syntax("SNMPv2-MIB::", SyntaxError::MissingName),
            ),
            (
                "SNMPv2-MIB::.1",
                syntax("SNMPv2-MIB::.1", SyntaxError::MissingName),
            ),
            (
                "SNMPv2-MIB::1.3",
                syntax("SNMPv2-MIB::1.3", SyntaxError::MissingName),
            ),
            (
                "SNMPv2-MIB::sys::Descr",
                syntax("SNMPv2-MIB::sys::Descr", SyntaxError::BadChar(':')),
            ),
            (
                "SNMPv2-MIB:sysDescr",
                syntax("SNMPv2-MIB:sysDescr", SyntaxError::BadChar(':')),
            ),
            (
                "SNMP MIB::sysDescr",
                syntax("SNMP MIB::sysDescr", SyntaxError::BadChar(' ')),
            ),
            (" sysDescr", syntax(" sysDescr", SyntaxError::BadChar(' '))),
            (
                "sysDescr.-1",
                syntax("sysDescr.-1", SyntaxError::BadChar('-')),
            ),
            ("sys_Descr", syntax("sys_Descr", SyntaxError::BadChar('_'))),
            (
                "sysDescr.0x1",
                syntax("sysDescr.0x1", SyntaxError::BadArc("0x1".into())),
            ),
            (
                "1.3.6.1.2.1.1.1.4294967296",
                syntax(
                    "1.3.6.1.2.1.1.1.4294967296",
                    SyntaxError::BadArc("4294967296".into()),
                ),
            ),
            (
                "iso",
                MibError::Invalid {
                    text: "iso".into(),
                    error: OidError::TooShort,
                },
            ),
            (
                "1",
                MibError::Invalid {
                    text: "1".into(),
                    error: OidError::TooShort,
                },
            ),
            (
                "3.1",
                MibError::Invalid {
                    text: "3.1".into(),
                    error: OidError::FirstArcs,
                },
            ),
        ];
        for (text, error) in cases {
            assert_eq!(resolve(text), Err(error), "{text:?}");
        }
    }

    #[test]
    fn resolve_caps_arcs_and_echoed_text() {
        let max = format!("sysDescr{}", ".1".repeat(MAX_ARCS - 8));
        assert_eq!(resolve(&max).map(|o| o.len()), Ok(MAX_ARCS));
        let long = format!("sysDescr{}", ".1".repeat(MAX_ARCS - 7));
        assert_eq!(
            resolve(&long),
            Err(MibError::Invalid {
                text: long.chars().take(MAX_ECHO).collect(),
                error: OidError::TooLong,
            })
        );
        let many = ".1".repeat(10_000);
        assert!(matches!(
            resolve(&many),
            Err(MibError::Invalid {
                error: OidError::TooLong,
                ..
            })
        ));
        let name = "x".repeat(500);
        let Err(MibError::UnknownName { name: echoed }) = resolve(&name) else {
            panic!("expected an unknown name");
        };
        assert_eq!(echoed.len(), MAX_ECHO);
    }

    #[test]
    fn error_messages_are_one_clear_line() {
        let cases = [
            ("sysDescrr", "unknown object name 'sysDescrr'"),
            ("FOO-MIB::sysDescr", "unknown MIB module 'FOO-MIB'"),
            (
                "IF-MIB::sysDescr",
                "no object 'sysDescr' in module 'IF-MIB'",
            ),
            (
                "linux",
                "ambiguous object name 'linux': write NET-SNMP-TC::linux or UCD-SNMP-MIB::linux",
            ),
            (
                "system.ifTable",
                "no object 'ifTable' under SNMPv2-MIB::system",
            ),
            (
                "sysDescr..0",
                "malformed object name 'sysDescr..0': empty arc",
            ),
            (
                "::sysDescr",
                "malformed object name '::sysDescr': no module name before '::'",
            ),
            (
                "sysDescr.0x1",
                "malformed object name 'sysDescr.0x1': arc '0x1' is not a number up to 4294967295",
            ),
            (
                "sysDescr\n",
                "malformed object name 'sysDescr\\n': unexpected character '\\n'",
            ),
            (
                "3.1",
                "invalid object identifier '3.1': the first arc must be 0, 1 or 2, \
                 and the second below 40 under 0 or 1",
            ),
            ("", "empty object name"),
        ];
        for (text, message) in cases {
            let error = resolve(text).unwrap_err();
            assert_eq!(error.to_string(), message, "{text:?}");
        }
        let labels: HashSet<_> = [
            MibError::Empty,
            resolve("nope").unwrap_err(),
            resolve("linux").unwrap_err(),
            resolve("NOPE::x").unwrap_err(),
            resolve("IF-MIB::sysDescr").unwrap_err(),
            resolve("system.x").unwrap_err(),
            resolve("a..b").unwrap_err(),
            resolve("iso").unwrap_err(),
        ]
        .iter()
        .map(MibError::label)
        .collect();
        assert_eq!(labels.len(), 8, "{labels:?}");
    }

    #[test]
    fn every_entry_round_trips_with_an_instance() {
        // Instance arcs that no node of the table uses, so they are never a child's number; under
        // `ccitt` and `iso` the second arc must be below 40.
        const INSTANCE: u32 = 4_242_424;
        const TOP_INSTANCE: u32 = 39;
        assert!(
            entries()
                .iter()
                .all(|e| !e.arcs.contains(&INSTANCE) && e.arcs.get(1) != Some(&TOP_INSTANCE))
        );
        for e in entries() {
            let instance = if e.arcs.len() == 1 {
                TOP_INSTANCE
            } else {
                INSTANCE
            };
            let mut arcs = e.arcs.to_vec();
            arcs.push(instance);
            let o = Oid::new(&arcs).unwrap();
            let printed = format_name(&o);
            let expected = if e.module.is_empty() {
                format!("{}.{instance}", e.name)
            } else {
                format!("{}::{}.{instance}", e.module, e.name)
            };
            assert_eq!(printed, expected);
            assert_eq!(resolve(&printed), Ok(o.clone()), "{printed}");
            assert_eq!(resolve(&o.to_dotted()), Ok(o.clone()));
            assert_eq!(lookup_oid(&o), Some((e, &[instance][..])));
            if let Ok(node) = Oid::new(e.arcs) {
                let qualified = format!("{}::{}", e.module, e.name);
                assert_eq!(resolve(&qualified), Ok(node.clone()), "{qualified}");
                assert_eq!(format_name(&node), qualified);
                match resolve(e.name) {
                    Ok(bare) => assert_eq!(bare, node, "{}", e.name),
                    Err(MibError::Ambiguous { modules, .. }) => {
                        assert!(modules.iter().any(|m| m == e.module), "{}", e.name);
                    }
                    Err(other) => panic!("{}: {other}", e.name),
                }
            }
        }
    }
}
