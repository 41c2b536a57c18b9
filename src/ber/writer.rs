//! [`Writer`]: appends BER elements to a caller's reusable `Vec<u8>`.
//!
//! Owns the minimal encodings. Callers compute a constructed element's content length first (with
//! the `*_len` functions of [`crate::ber`]) and then write front to back: no back-patching.

use super::{int_len, length_len, oid_content_len, uint_len};
use crate::oid::Oid;

/// Appends BER to a borrowed buffer. Never fails; the buffer grows as needed.
#[derive(Debug)]
pub struct Writer<'b> {
    buf: &'b mut Vec<u8>,
}

impl<'b> Writer<'b> {
    /// A writer appending to `buf` (which it does not clear).
    pub fn new(buf: &'b mut Vec<u8>) -> Self {
        Self { buf }
    }

    /// Bytes written to the buffer so far (including what it held before).
    #[must_use]
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// True when the buffer is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// Appends raw bytes.
    #[inline]
    pub fn raw(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// Appends identifier octets given packed big-endian (see [`crate::ber::Reader`]).
    pub fn tag(&mut self, tag: u32) {
        let b = tag.to_be_bytes();
        let lead = b.iter().position(|&x| x != 0).unwrap_or(3);
        self.buf.extend_from_slice(&b[lead..]);
    }

    /// Appends length octets in minimal form.
    #[inline]
    pub fn length(&mut self, len: usize) {
        if len < 0x80 {
            // Below 0x80: one octet.
            #[allow(clippy::cast_possible_truncation)]
            self.buf.push(len as u8);
        } else {
            let n = length_len(len) - 1;
            // n is at most 8 (usize octets), so `0x80 | n` fits a byte.
            #[allow(clippy::cast_possible_truncation)]
            self.buf.push(0x80 | n as u8);
            self.buf.extend_from_slice(&len.to_be_bytes()[8 - n..]);
        }
    }

    /// Appends a one-octet tag and a length.
    #[inline]
    pub fn header(&mut self, tag: u8, len: usize) {
        self.buf.push(tag);
        self.length(len);
    }

    /// Appends a signed integer TLV in minimal two's complement.
    #[inline]
    pub fn int(&mut self, tag: u8, v: i64) {
        let n = int_len(v);
        self.header(tag, n);
        self.buf.extend_from_slice(&v.to_be_bytes()[8 - n..]);
    }

    /// Appends an unsigned integer TLV, padded with `0x00` when its top bit is set.
    #[inline]
    pub fn uint(&mut self, tag: u8, v: u64) {
        let n = uint_len(v);
        self.header(tag, n);
        if n == 9 {
            self.buf.push(0);
            self.buf.extend_from_slice(&v.to_be_bytes());
        } else {
            self.buf.extend_from_slice(&v.to_be_bytes()[8 - n..]);
        }
    }

    /// Appends a primitive TLV with the given content octets.
    #[inline]
    pub fn octets(&mut self, tag: u8, content: &[u8]) {
        self.header(tag, content.len());
        self.buf.extend_from_slice(content);
    }

    /// Appends an OBJECT IDENTIFIER TLV.
    pub fn oid(&mut self, oid: &Oid) {
        self.oid_with_len(oid, oid_content_len(oid.arcs()));
    }

    /// Appends an OBJECT IDENTIFIER TLV whose content length the caller computed.
    #[inline]
    pub fn oid_with_len(&mut self, oid: &Oid, content_len: usize) {
        let arcs = oid.arcs();
        self.header(super::tag::OBJECT_IDENTIFIER, content_len);
        let (first, rest) = match arcs {
            [a, b, rest @ ..] => (u64::from(*a) * 40 + u64::from(*b), rest),
            [a] => (u64::from(*a) * 40, &[][..]),
            [] => return,
        };
        self.subid(first);
        for &arc in rest {
            if arc < 0x80 {
                // Below 0x80: one octet.
                #[allow(clippy::cast_possible_truncation)]
                self.buf.push(arc as u8);
            } else {
                self.subid(u64::from(arc));
            }
        }
    }

    #[inline(never)]
    fn subid(&mut self, v: u64) {
        if v < 0x80 {
            // Below 0x80: one octet.
            #[allow(clippy::cast_possible_truncation)]
            self.buf.push(v as u8);
            return;
        }
        let mut tmp = [0u8; 10];
        let mut i = tmp.len();
        let mut v = v;
        let mut last = true;
        while v > 0 {
            i -= 1;
            // Masked to seven bits.
            #[allow(clippy::cast_possible_truncation)]
            let b = (v & 0x7f) as u8;
            tmp[i] = if last { b } else { b | 0x80 };
            last = false;
            v >>= 7;
        }
        self.buf.extend_from_slice(&tmp[i..]);
    }
}
