//! Table instances read by the row's INDEX clause, as net-snmp prints them in a name
//! (`snmplib/mib.c`, `_get_realloc_symbol`): integers and enumeration labels, strings (with a
//! length arc, fixed-size or IMPLIED), IpAddress, OBJECT IDENTIFIER, InetAddress by the
//! InetAddressType before it; `-OX` brackets, `-OE` escaped quotes.
//!
//! Owns [`IndexText`] and the decoding half of [`MibTree`]; the name half is in the parent.
//! No I/O.

use std::fmt::Write as _;

use super::{MibTree, NameStyle, Syntax, SyntaxKind};
use crate::mib::NodeKind;
use crate::oid::push_u32;

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
    /// The row whose INDEX decodes the instance of node `i`: the row itself or a column's row
    /// (net-snmp walks down from the row, so both get their instance decoded).
    pub(super) fn index_row(&self, i: usize) -> Option<usize> {
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
    pub(super) fn index_components(
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
