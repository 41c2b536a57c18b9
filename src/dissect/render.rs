//! The two forms of a [`Dissection`]: the text tree (`Display`) and JSON ([`to_json`]).
//!
//! Text, one line per TLV: the offset (decimal, right-aligned), the identifier and length octets
//! in hex, then, indented two spaces per level, `TAG len N`, and `: role = value (meaning)` for
//! what is known. An element's own fault follows as ` (error: ...)`; a framing fault inside a
//! constructed element is a line `error: ...` at its offset, one level in. The last line is the
//! strict decoder's verdict.
//!
//! JSON: `{"length", "elements": [node], "fault"?, "valid", "version"?, "pdu"?,
//! "security_level"?, "encrypted"?, "error"?}` where a node is `{"offset", "header", "tag",
//! "length", "present"?, "role"?, "value"?, "format"?, "meaning"?, "error"?, "children"?,
//! "fault"?}`. `value` is a number for the integer types and a string otherwise, `format` says
//! which (`integer`, `unsigned`, `text`, `hex`, `oid`, `ipaddress`, `redacted`); errors are
//! `{"offset", "message", "label"}`. `children` is there for every constructed element, and for
//! the one primitive whose octets are BER (SNMPv3's msgSecurityParameters). `security_level`
//! (`noAuthNoPriv`, `authNoPriv`, `authPriv`) and `encrypted` are there for a valid SNMPv3
//! message, and `pdu` is not when it is encrypted.

use std::fmt::{self, Write as _};

use serde_json::{Map, Value, json};

use super::{Decoded, Dissection, Node, error_text};
use crate::ber;

/// Text shown in place of the community string.
const REDACTED: &str = "<redacted>";

impl fmt::Display for Decoded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Decoded::Integer(v) => write!(f, "{v}"),
            Decoded::Unsigned(v) => write!(f, "{v}"),
            Decoded::Text(s) => write!(f, "{s:?}"),
            Decoded::Bytes(b) => f.write_str(&hex(b)),
            Decoded::Oid(o) => write!(f, "{o}"),
            Decoded::IpAddress([a, b, c, d]) => write!(f, "{a}.{b}.{c}.{d}"),
            Decoded::Redacted => f.write_str(REDACTED),
        }
    }
}

/// Bytes as lowercase hex pairs separated by spaces.
fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Column widths shared by every line of one dissection.
struct Columns {
    offset: usize,
    header: usize,
}

impl fmt::Display for Dissection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn widest(nodes: &[Node]) -> usize {
            nodes
                .iter()
                .map(|n| {
                    (n.header.len() * 3)
                        .saturating_sub(1)
                        .max(widest(&n.children))
                })
                .max()
                .unwrap_or(0)
        }
        let cols = Columns {
            offset: self.len.max(1).to_string().len(),
            header: widest(&self.elements),
        };
        for n in &self.elements {
            write_node(f, n, 0, &cols)?;
        }
        // A top-level fault is usually the strict decoder's error too: say it once.
        if let Some(e) = self
            .fault
            .filter(|&e| self.verdict.as_ref().err() != Some(&e.into()))
        {
            write_fault(f, e, 0, &cols)?;
        }
        writeln!(f, "{}", self.verdict_line())
    }
}

fn write_node(f: &mut fmt::Formatter<'_>, n: &Node, depth: usize, cols: &Columns) -> fmt::Result {
    write!(
        f,
        "{:>ow$}  {:<hw$}  {:indent$}{} len {}",
        n.offset,
        hex(&n.header),
        "",
        n.tag_name,
        n.len,
        ow = cols.offset,
        hw = cols.header,
        indent = depth * 2,
    )?;
    match (&n.role, &n.value) {
        (Some(r), Some(v)) => write!(f, ": {r} = {v}")?,
        (Some(r), None) => write!(f, ": {r}")?,
        (None, Some(v)) => write!(f, ": {v}")?,
        (None, None) => {}
    }
    if let Some(m) = &n.meaning {
        write!(f, " ({m})")?;
    }
    if let Some(e) = &n.error {
        write!(f, " (error: {})", error_text(e))?;
    }
    writeln!(f)?;
    for c in &n.children {
        write_node(f, c, depth + 1, cols)?;
    }
    if let Some(e) = n.fault {
        write_fault(f, e, depth + 1, cols)?;
    }
    Ok(())
}

fn write_fault(
    f: &mut fmt::Formatter<'_>,
    e: ber::Error,
    depth: usize,
    cols: &Columns,
) -> fmt::Result {
    writeln!(
        f,
        "{:>ow$}  {:<hw$}  {:indent$}error: {}",
        e.offset,
        "",
        "",
        error_text(&e),
        ow = cols.offset,
        hw = cols.header,
        indent = depth * 2,
    )
}

fn error_json(offset: usize, message: String, label: &str) -> Value {
    json!({ "offset": offset, "message": message, "label": label })
}

fn ber_error_json(e: &ber::Error) -> Value {
    error_json(e.offset, error_text(e), e.label())
}

fn node_json(n: &Node) -> Value {
    let mut m = Map::new();
    m.insert("offset".into(), n.offset.into());
    m.insert("header".into(), hex(&n.header).into());
    m.insert("tag".into(), n.tag_name.clone().into());
    m.insert("length".into(), n.len.into());
    if n.present != n.len {
        m.insert("present".into(), n.present.into());
    }
    if let Some(r) = &n.role {
        m.insert("role".into(), r.clone().into());
    }
    if let Some(v) = &n.value {
        let (value, format): (Value, &str) = match v {
            Decoded::Integer(i) => ((*i).into(), "integer"),
            Decoded::Unsigned(u) => ((*u).into(), "unsigned"),
            Decoded::Text(s) => (s.clone().into(), "text"),
            Decoded::Bytes(b) => (hex(b).into(), "hex"),
            Decoded::Oid(o) => (o.to_string().into(), "oid"),
            Decoded::IpAddress(_) => (v.to_string().into(), "ipaddress"),
            Decoded::Redacted => (REDACTED.into(), "redacted"),
        };
        m.insert("value".into(), value);
        m.insert("format".into(), format.into());
    }
    if let Some(meaning) = &n.meaning {
        m.insert("meaning".into(), meaning.clone().into());
    }
    if let Some(e) = &n.error {
        m.insert("error".into(), ber_error_json(e));
    }
    if n.constructed || !n.children.is_empty() {
        m.insert(
            "children".into(),
            n.children.iter().map(node_json).collect(),
        );
    }
    if let Some(e) = &n.fault {
        m.insert("fault".into(), ber_error_json(e));
    }
    Value::Object(m)
}

/// The JSON form (see the module doc).
pub(super) fn to_json(d: &Dissection) -> Value {
    let mut m = Map::new();
    m.insert("length".into(), d.len.into());
    m.insert(
        "elements".into(),
        d.elements.iter().map(node_json).collect(),
    );
    if let Some(e) = &d.fault {
        m.insert("fault".into(), ber_error_json(e));
    }
    m.insert("valid".into(), d.verdict.is_ok().into());
    match &d.verdict {
        Ok(v) => {
            m.insert("version".into(), v.version.as_str().into());
            if let Some(p) = v.pdu_type {
                m.insert("pdu".into(), p.name().into());
            }
            if let Some(f) = v.flags {
                let level = f.level().map(|l| l.name());
                m.insert("security_level".into(), level.into());
                m.insert("encrypted".into(), f.privacy().into());
            }
        }
        Err(e) => {
            m.insert(
                "error".into(),
                error_json(e.offset(), error_text(e), e.label()),
            );
        }
    }
    Value::Object(m)
}
