//! The cache file's field encoding: little-endian integers, length-prefixed strings, the
//! keyword tables, and [`Reader`], which checks every length against what remains and every
//! value it reads. Used by [`super::encode`] and [`super::decode`]; no I/O.

use super::CacheError;
use crate::mib::NodeKind;
use crate::mib::tree::{IndexPart, MacroKind, Notes, Syntax, SyntaxKind, TreeNode};

/// The `&'static` keywords a tree holds (status, access, SYNTAX words), by number.
const WORDS: &[&str] = &[
    "current",
    "deprecated",
    "obsolete",
    "mandatory",
    "optional",
    "not-accessible",
    "accessible-for-notify",
    "read-only",
    "read-write",
    "read-create",
    "write-only",
    "not-implemented",
    "Integer32",
    "INTEGER",
    "Unsigned32",
    "Counter32",
    "Counter64",
    "Gauge32",
    "TimeTicks",
    "IpAddress",
    "OCTET STRING",
    "OBJECT IDENTIFIER",
    "BITS",
    "Opaque",
    "NetworkAddress",
];

const NODE_KINDS: &[NodeKind] = &[
    NodeKind::Node,
    NodeKind::Scalar,
    NodeKind::Table,
    NodeKind::Entry,
    NodeKind::Column,
    NodeKind::Notification,
];

const MACRO_KINDS: &[MacroKind] = &[
    MacroKind::Plain,
    MacroKind::ModuleIdentity,
    MacroKind::ObjectIdentity,
    MacroKind::ObjectType,
    MacroKind::Notification,
    MacroKind::Group,
    MacroKind::Compliance,
    MacroKind::Capability,
];

const SYNTAX_KINDS: &[SyntaxKind] = &[
    SyntaxKind::Integer,
    SyntaxKind::OctetString,
    SyntaxKind::ObjectId,
    SyntaxKind::Bits,
    SyntaxKind::IpAddress,
    SyntaxKind::Counter32,
    SyntaxKind::Gauge32,
    SyntaxKind::Unsigned32,
    SyntaxKind::TimeTicks,
    SyntaxKind::Opaque,
    SyntaxKind::Counter64,
    SyntaxKind::NetworkAddress,
    SyntaxKind::Other,
];

/// The position of `v` in `table` as one byte (the tables are short).
pub(super) fn code<T: PartialEq>(table: &[T], v: &T) -> u8 {
    u8::try_from(table.iter().position(|t| t == v).unwrap_or(0)).unwrap_or(0)
}

pub(super) fn put_len(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(&u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes());
}

pub(super) fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_len(out, b.len());
    out.extend_from_slice(b);
}

pub(super) fn put_opt(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => {
            out.push(1);
            put_bytes(out, s.as_bytes());
        }
        None => out.push(0),
    }
}

pub(super) fn put_strs(out: &mut Vec<u8>, v: &[Box<str>]) {
    put_len(out, v.len());
    for s in v {
        put_bytes(out, s.as_bytes());
    }
}

pub(super) fn put_word(out: &mut Vec<u8>, w: Option<&'static str>) {
    out.push(w.map_or(0, |w| code(WORDS, &w) + 1));
}

pub(super) fn put_node(out: &mut Vec<u8>, n: &TreeNode) {
    put_len(out, n.arcs.len());
    for a in &n.arcs {
        out.extend_from_slice(&a.to_le_bytes());
    }
    put_bytes(out, n.module.as_bytes());
    put_bytes(out, n.name.as_bytes());
    out.push(code(NODE_KINDS, &n.kind));
    out.push(code(MACRO_KINDS, &n.macro_kind));
    put_len(out, n.index.len());
    for p in &n.index {
        put_len(out, p.node);
        out.push(u8::from(p.implied));
    }
    match &n.syntax {
        None => out.push(0),
        Some(s) => {
            out.push(1);
            out.push(s.kind.map_or(0, |k| code(SYNTAX_KINDS, &k) + 1));
            put_opt(out, s.hint.as_deref());
            put_len(out, s.enums.len());
            for (v, label) in &s.enums {
                out.extend_from_slice(&v.to_le_bytes());
                put_bytes(out, label.as_bytes());
            }
            put_opt(out, s.units.as_deref());
            match s.fixed_size {
                Some(f) => {
                    out.push(1);
                    out.extend_from_slice(&f.to_le_bytes());
                }
                None => out.push(0),
            }
            put_opt(out, s.tc.as_deref());
            put_opt(out, s.size.as_deref());
            out.push(u8::from(s.range_is_size));
            put_word(out, s.access);
            put_word(out, s.type_word);
        }
    }
    match &n.notes {
        None => out.push(0),
        Some(notes) => {
            out.push(1);
            put_opt(out, notes.description.as_deref());
            put_word(out, notes.status);
            put_opt(out, notes.augments.as_deref());
            put_strs(out, &notes.also_from);
            put_strs(out, &notes.index);
            put_strs(out, &notes.objects);
        }
    }
}

/// A bounds-checked reader over a cache file.
pub(super) struct Reader<'a> {
    /// The whole file.
    pub(super) bytes: &'a [u8],
    /// Where the next read starts.
    pub(super) at: usize,
}

impl<'a> Reader<'a> {
    pub(super) fn take(&mut self, n: usize) -> Result<&'a [u8], CacheError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or(CacheError::Malformed(self.at))?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }

    pub(super) fn u8(&mut self) -> Result<u8, CacheError> {
        Ok(self.take(1)?[0])
    }

    pub(super) fn u32(&mut self) -> Result<u32, CacheError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    pub(super) fn u64(&mut self) -> Result<u64, CacheError> {
        let mut a = [0u8; 8];
        a.copy_from_slice(self.take(8)?);
        Ok(u64::from_le_bytes(a))
    }

    pub(super) fn flag(&mut self) -> Result<bool, CacheError> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(CacheError::Malformed(self.at - 1)),
        }
    }

    /// A count of items of at least `min` bytes each, checked against what remains.
    pub(super) fn len(&mut self, min: usize) -> Result<usize, CacheError> {
        let n = usize::try_from(self.u32()?).map_err(|_| CacheError::Malformed(self.at))?;
        if n.saturating_mul(min.max(1)) > self.bytes.len() - self.at {
            return Err(CacheError::Malformed(self.at));
        }
        Ok(n)
    }

    pub(super) fn bytes(&mut self) -> Result<&'a [u8], CacheError> {
        let n = self.len(1)?;
        self.take(n)
    }

    pub(super) fn str(&mut self) -> Result<&'a str, CacheError> {
        let at = self.at;
        std::str::from_utf8(self.bytes()?).map_err(|_| CacheError::Malformed(at))
    }

    pub(super) fn boxed(&mut self) -> Result<Box<str>, CacheError> {
        Ok(self.str()?.into())
    }

    pub(super) fn opt_str(&mut self) -> Result<Option<String>, CacheError> {
        Ok(if self.flag()? {
            Some(self.str()?.into())
        } else {
            None
        })
    }

    pub(super) fn opt_boxed(&mut self) -> Result<Option<Box<str>>, CacheError> {
        Ok(if self.flag()? {
            Some(self.boxed()?)
        } else {
            None
        })
    }

    pub(super) fn strs(&mut self) -> Result<Vec<Box<str>>, CacheError> {
        let n = self.len(4)?;
        (0..n).map(|_| self.boxed()).collect()
    }

    pub(super) fn pick<T: Copy>(&mut self, table: &[T]) -> Result<T, CacheError> {
        let at = self.at;
        table
            .get(usize::from(self.u8()?))
            .copied()
            .ok_or(CacheError::Malformed(at))
    }

    pub(super) fn word(&mut self) -> Result<Option<&'static str>, CacheError> {
        let at = self.at;
        match self.u8()? {
            0 => Ok(None),
            w => WORDS
                .get(usize::from(w) - 1)
                .copied()
                .map(Some)
                .ok_or(CacheError::Malformed(at)),
        }
    }

    pub(super) fn node(&mut self) -> Result<TreeNode, CacheError> {
        let n = self.len(4)?;
        let arcs = (0..n).map(|_| self.u32()).collect::<Result<Vec<_>, _>>()?;
        let module = self.boxed()?;
        let name = self.boxed()?;
        let kind = self.pick(NODE_KINDS)?;
        let macro_kind = self.pick(MACRO_KINDS)?;
        let n = self.len(5)?;
        let mut index = Vec::with_capacity(n);
        for _ in 0..n {
            let node = usize::try_from(self.u32()?).map_err(|_| CacheError::Malformed(self.at))?;
            index.push(IndexPart {
                node,
                implied: self.flag()?,
            });
        }
        let syntax = if self.flag()? {
            let at = self.at;
            let kind = match self.u8()? {
                0 => None,
                k => Some(
                    SYNTAX_KINDS
                        .get(usize::from(k) - 1)
                        .copied()
                        .ok_or(CacheError::Malformed(at))?,
                ),
            };
            let hint = self.opt_boxed()?;
            let n = self.len(12)?;
            let mut enums = Vec::with_capacity(n);
            for _ in 0..n {
                let v = i64::from_le_bytes(self.u64()?.to_le_bytes());
                enums.push((v, self.boxed()?));
            }
            let units = self.opt_boxed()?;
            let fixed_size = if self.flag()? {
                Some(self.u32()?)
            } else {
                None
            };
            Some(Box::new(Syntax {
                kind,
                hint,
                enums,
                units,
                fixed_size,
                tc: self.opt_boxed()?,
                size: self.opt_boxed()?,
                range_is_size: self.flag()?,
                access: self.word()?,
                type_word: self.word()?,
            }))
        } else {
            None
        };
        let notes = if self.flag()? {
            Some(Box::new(Notes {
                description: self.opt_boxed()?,
                status: self.word()?,
                augments: self.opt_boxed()?,
                also_from: self.strs()?,
                index: self.strs()?,
                objects: self.strs()?,
            }))
        } else {
            None
        };
        if arcs.is_empty() {
            return Err(CacheError::Malformed(self.at));
        }
        Ok(TreeNode {
            arcs: arcs.into(),
            module,
            name,
            kind,
            syntax,
            index,
            macro_kind,
            notes,
        })
    }
}
