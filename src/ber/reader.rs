//! [`Reader`]: a cursor over a borrowed byte slice that decodes BER elements.
//!
//! Owns bounds checking and offsets: every read checks the bytes it needs against what is left of
//! the enclosing element, and every error carries the absolute offset of the element at fault.

use smallvec::SmallVec;

use super::{Error, ErrorKind, MAX_DEPTH, tag};
use crate::oid::{MAX_ARCS, Oid};

/// A cursor over `buf[pos..end]`. Offsets in errors are indexes into `buf`, the whole input.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    end: usize,
    depth: usize,
}

/// The identifier and length octets of one element, and where its content lies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// Identifier octets packed big-endian (a single-octet tag is just that octet).
    pub tag: u32,
    /// Offset of the identifier octet.
    pub offset: usize,
    /// Offset of the first content octet.
    pub content: usize,
    /// Content length.
    pub len: usize,
}

impl Header {
    /// The first identifier octet (class, constructed bit and low tag number).
    #[must_use]
    pub fn first_octet(&self) -> u8 {
        first_octet(self.tag)
    }

    /// True when the constructed bit is set.
    #[must_use]
    pub fn is_constructed(&self) -> bool {
        self.first_octet() & tag::CONSTRUCTED != 0
    }
}

/// The first (leading) identifier octet of a packed tag.
#[must_use]
pub(crate) fn first_octet(tag: u32) -> u8 {
    let b = tag.to_be_bytes();
    let lead = b.iter().position(|&x| x != 0).unwrap_or(3);
    b[lead]
}

impl<'a> Reader<'a> {
    /// A reader over all of `buf`.
    #[must_use]
    pub fn new(buf: &'a [u8]) -> Self {
        Self {
            buf,
            pos: 0,
            end: buf.len(),
            depth: 0,
        }
    }

    /// Offset of the next byte to read, from the start of the input.
    #[must_use]
    pub fn offset(&self) -> usize {
        self.pos
    }

    /// True when nothing is left in this element.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.pos >= self.end
    }

    /// Bytes left in this element.
    #[must_use]
    pub fn remaining(&self) -> usize {
        self.end.saturating_sub(self.pos)
    }

    /// The whole input this reader was made over (for callers that keep raw encodings).
    #[must_use]
    pub fn input(&self) -> &'a [u8] {
        self.buf
    }

    /// Fails with [`ErrorKind::TrailingBytes`] unless this element is fully read.
    ///
    /// # Errors
    /// [`ErrorKind::TrailingBytes`] at the first unread byte.
    pub fn finish(&self) -> Result<(), Error> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(Error::new(ErrorKind::TrailingBytes, self.pos))
        }
    }

    fn err(&self, kind: ErrorKind, offset: usize) -> Error {
        Error::new(kind, offset)
    }

    fn byte(&mut self) -> Result<u8, Error> {
        if self.pos < self.end {
            let b = self.buf[self.pos];
            self.pos += 1;
            Ok(b)
        } else {
            Err(self.err(
                ErrorKind::Truncated {
                    needed: 1,
                    available: 0,
                },
                self.pos,
            ))
        }
    }

    /// Peeks at the next identifier octet without consuming it.
    #[must_use]
    pub fn peek_tag(&self) -> Option<u8> {
        (self.pos < self.end).then(|| self.buf[self.pos])
    }

    /// Reads identifier and length octets and checks the content fits in this element.
    ///
    /// # Errors
    /// Truncated input, [`ErrorKind::IndefiniteLength`], [`ErrorKind::LengthTooLong`],
    /// [`ErrorKind::TagTooLong`].
    #[inline]
    pub fn read_header(&mut self) -> Result<Header, Error> {
        // Fast path, inlined: a one-octet tag and a short-form length whose content fits, which is
        // nearly every element of an SNMP message. Anything else, every error included, goes to
        // the general path from the same position, so results and error offsets are unchanged.
        if let Some(&[first, l0, ..]) = self.buf.get(self.pos..self.end) {
            let offset = self.pos;
            let content = offset + 2;
            let len = usize::from(l0);
            // `get` returned two octets or more, so `content <= self.end`.
            if first & 0x1f != 0x1f && l0 < 0x80 && len <= self.end - content {
                self.pos = content;
                return Ok(Header {
                    tag: u32::from(first),
                    offset,
                    content,
                    len,
                });
            }
        }
        self.read_header_general()
    }

    /// [`Reader::read_header`] for every form: high tag numbers, long-form lengths, errors.
    #[inline(never)]
    fn read_header_general(&mut self) -> Result<Header, Error> {
        let offset = self.pos;
        let first = self.byte()?;
        let mut tag = u32::from(first);
        if first & 0x1f == 0x1f {
            // High-tag-number form: up to three more octets, the last without bit 8.
            let mut n = 0;
            loop {
                let b = self.byte()?;
                n += 1;
                if n > 3 {
                    return Err(self.err(ErrorKind::TagTooLong, offset));
                }
                tag = (tag << 8) | u32::from(b);
                if b & 0x80 == 0 {
                    break;
                }
            }
        }
        let len_at = self.pos;
        let l0 = self.byte()?;
        let len = if l0 < 0x80 {
            usize::from(l0)
        } else if l0 == 0x80 {
            return Err(self.err(ErrorKind::IndefiniteLength, len_at));
        } else if l0 == 0xff {
            return Err(self.err(ErrorKind::LengthTooLong, len_at));
        } else {
            let n = usize::from(l0 & 0x7f);
            let mut len: usize = 0;
            for _ in 0..n {
                let b = self.byte()?;
                // Non-minimal forms (leading zero octets) are allowed; overflow is not.
                if len > (usize::MAX >> 8) {
                    return Err(self.err(ErrorKind::LengthTooLong, len_at));
                }
                len = (len << 8) | usize::from(b);
            }
            len
        };
        let available = self.remaining();
        if len > available {
            return Err(self.err(
                ErrorKind::Truncated {
                    needed: len,
                    available,
                },
                offset,
            ));
        }
        let content = self.pos;
        Ok(Header {
            tag,
            offset,
            content,
            len,
        })
    }

    /// Consumes the content of an element whose header was just read and returns it.
    #[inline]
    fn take(&mut self, h: &Header) -> &'a [u8] {
        // read_header checked `h.len <= remaining`, so this cannot go out of bounds.
        let s = &self.buf[h.content..h.content + h.len];
        self.pos = h.content + h.len;
        s
    }

    /// Reads one element of any tag and returns its header and content octets.
    ///
    /// # Errors
    /// As [`Reader::read_header`].
    #[inline]
    pub fn read_any(&mut self) -> Result<(Header, &'a [u8]), Error> {
        let h = self.read_header()?;
        let c = self.take(&h);
        Ok((h, c))
    }

    #[inline]
    fn expect(&mut self, want: u8) -> Result<Header, Error> {
        let h = self.read_header()?;
        if h.tag != u32::from(want) {
            let kind =
                if h.tag == u32::from(want | tag::CONSTRUCTED) && want & tag::CONSTRUCTED == 0 {
                    ErrorKind::ConstructedPrimitive {
                        tag: want | tag::CONSTRUCTED,
                    }
                } else {
                    ErrorKind::UnexpectedTag {
                        expected: want,
                        actual: h.tag,
                    }
                };
            return Err(self.err(kind, h.offset));
        }
        Ok(h)
    }

    /// Reads a constructed element with tag `want` and returns a reader over its content.
    ///
    /// # Errors
    /// [`ErrorKind::UnexpectedTag`], [`ErrorKind::TooDeep`], or a header error.
    #[inline]
    pub fn read_constructed(&mut self, want: u8) -> Result<Reader<'a>, Error> {
        let h = self.expect(want)?;
        self.enter(&h)
    }

    /// A reader over the content of `h`, which was just read by [`Reader::read_header`].
    ///
    /// # Errors
    /// [`ErrorKind::TooDeep`] past [`MAX_DEPTH`].
    #[inline]
    pub fn enter(&mut self, h: &Header) -> Result<Reader<'a>, Error> {
        if self.depth >= MAX_DEPTH {
            return Err(self.err(ErrorKind::TooDeep, h.offset));
        }
        self.pos = h.content + h.len;
        Ok(Reader {
            buf: self.buf,
            pos: h.content,
            end: h.content + h.len,
            depth: self.depth + 1,
        })
    }

    /// Reads a primitive element with tag `want` and returns its content octets (borrowed).
    ///
    /// # Errors
    /// [`ErrorKind::UnexpectedTag`], [`ErrorKind::ConstructedPrimitive`], or a header error.
    pub fn read_primitive(&mut self, want: u8) -> Result<&'a [u8], Error> {
        let h = self.expect(want)?;
        Ok(self.take(&h))
    }

    /// Reads an INTEGER-like element with tag `want` into an `i32` (Integer32).
    ///
    /// # Errors
    /// [`ErrorKind::IntegerEmpty`], [`ErrorKind::IntegerOverflow`], or a tag/header error.
    pub fn read_i32(&mut self, want: u8) -> Result<i32, Error> {
        let h = self.expect(want)?;
        let c = self.take(&h);
        decode_i32(c, h.offset)
    }

    /// Reads an unsigned element (Counter32, Gauge32, TimeTicks) with tag `want` into a `u32`.
    ///
    /// # Errors
    /// [`ErrorKind::IntegerEmpty`], [`ErrorKind::IntegerOverflow`] (also for negative
    /// encodings), or a tag/header error.
    pub fn read_u32(&mut self, want: u8) -> Result<u32, Error> {
        let h = self.expect(want)?;
        let c = self.take(&h);
        decode_u32(c, h.offset)
    }

    /// Reads an unsigned 64-bit element (Counter64) with tag `want`.
    ///
    /// # Errors
    /// As [`Reader::read_u32`].
    pub fn read_u64(&mut self, want: u8) -> Result<u64, Error> {
        let h = self.expect(want)?;
        let c = self.take(&h);
        decode_u64(c, h.offset)
    }

    /// Reads an OBJECT IDENTIFIER.
    ///
    /// # Errors
    /// The OID kinds of [`ErrorKind`], or a tag/header error.
    #[inline]
    pub fn read_oid(&mut self) -> Result<Oid, Error> {
        let h = self.expect(tag::OBJECT_IDENTIFIER)?;
        let c = self.take(&h);
        decode_oid(c, h.offset)
    }

    /// Reads a NULL.
    ///
    /// # Errors
    /// [`ErrorKind::BadLength`] if it has content, or a tag/header error.
    pub fn read_null(&mut self) -> Result<(), Error> {
        let h = self.expect(tag::NULL)?;
        check_len(&h, 0)?;
        self.take(&h);
        Ok(())
    }
}

/// Fails unless `h`'s content length is exactly `n`.
pub(crate) fn check_len(h: &Header, n: usize) -> Result<(), Error> {
    if h.len == n {
        Ok(())
    } else {
        Err(Error::new(
            ErrorKind::BadLength {
                tag: h.first_octet(),
                expected: n,
                actual: h.len,
            },
            h.offset,
        ))
    }
}

/// Strips redundant leading sign octets (a non-minimal encoding some agents send).
fn strip_sign_padding(mut c: &[u8]) -> &[u8] {
    while c.len() > 1 && ((c[0] == 0x00 && c[1] & 0x80 == 0) || (c[0] == 0xff && c[1] & 0x80 != 0))
    {
        c = &c[1..];
    }
    c
}

/// Two's complement content octets to `i64`, for up to 8 octets after stripping padding.
fn decode_i64(c: &[u8], offset: usize) -> Result<i64, Error> {
    if c.is_empty() {
        return Err(Error::new(ErrorKind::IntegerEmpty, offset));
    }
    let c = strip_sign_padding(c);
    if c.len() > 8 {
        return Err(Error::new(ErrorKind::IntegerOverflow, offset));
    }
    let mut v: i64 = if c[0] & 0x80 != 0 { -1 } else { 0 };
    for &b in c {
        v = (v << 8) | i64::from(b);
    }
    Ok(v)
}

/// Content octets of an Integer32.
pub(crate) fn decode_i32(c: &[u8], offset: usize) -> Result<i32, Error> {
    // Fast path: one to four octets always fit.
    if (1..=4).contains(&c.len()) {
        let mut v: i32 = if c[0] & 0x80 != 0 { -1 } else { 0 };
        for &b in c {
            v = (v << 8) | i32::from(b);
        }
        return Ok(v);
    }
    let v = decode_i64(c, offset)?;
    i32::try_from(v).map_err(|_| Error::new(ErrorKind::IntegerOverflow, offset))
}

/// Content octets of an unsigned 32-bit type.
pub(crate) fn decode_u32(c: &[u8], offset: usize) -> Result<u32, Error> {
    let v = decode_u64(c, offset)?;
    u32::try_from(v).map_err(|_| Error::new(ErrorKind::IntegerOverflow, offset))
}

/// Content octets of an unsigned 64-bit type: at most 2^64-1 (a missing 0x00 pad is tolerated).
pub(crate) fn decode_u64(c: &[u8], offset: usize) -> Result<u64, Error> {
    if c.is_empty() {
        return Err(Error::new(ErrorKind::IntegerEmpty, offset));
    }
    // A leading byte with the top bit set would make the value negative, which no unsigned type
    // can hold. Agents that forget the 0x00 pad mean the unsigned value; read it as such, as
    // net-snmp and gosnmp do. The width limit below still rejects values out of range.
    let mut c = c;
    while c.len() > 1 && c[0] == 0 {
        c = &c[1..];
    }
    if c.len() > 8 {
        return Err(Error::new(ErrorKind::IntegerOverflow, offset));
    }
    let mut v: u64 = 0;
    for &b in c {
        v = (v << 8) | u64::from(b);
    }
    Ok(v)
}

/// Content octets of an OBJECT IDENTIFIER (X.690 §8.19).
pub(crate) fn decode_oid(c: &[u8], offset: usize) -> Result<Oid, Error> {
    match decode_oid_inline(c) {
        Some(arcs) => Ok(Oid::from_valid(arcs)),
        None => decode_oid_general(c, offset),
    }
}

/// Arcs the fast path of [`decode_oid`] writes without a heap check (`Oid`'s inline capacity).
const FAST_ARCS: usize = 16;

/// Fast path of [`decode_oid`]: a valid OID of at most [`FAST_ARCS`] arcs whose first
/// sub-identifier is one octet (every OID under `0.x` and `1.x`), decoded into a stack array with
/// no capacity check per arc. `None` for anything else, including every malformed input: the
/// general path then decodes it, or reports the error it always did.
#[inline]
fn decode_oid_inline(c: &[u8]) -> Option<SmallVec<[u32; FAST_ARCS]>> {
    let (&first, rest) = c.split_first()?;
    if first >= 0x80 {
        return None;
    }
    let first = u32::from(first);
    let mut arcs = [0u32; FAST_ARCS];
    (arcs[0], arcs[1]) = match first {
        0..=39 => (0, first),
        40..=79 => (1, first - 40),
        _ => (2, first - 80),
    };
    let mut n = 2;
    let mut bytes = rest.iter();
    while let Some(&b) = bytes.next() {
        let arc = if b < 0x80 {
            u32::from(b)
        } else {
            // A multi-octet arc: no 0x80 lead octet (X.690 §8.19.2), below 2^32, not cut short.
            if b == 0x80 {
                return None;
            }
            let mut v = u64::from(b & 0x7f);
            loop {
                let &b = bytes.next()?;
                v = (v << 7) | u64::from(b & 0x7f);
                if v > u64::from(u32::MAX) {
                    return None;
                }
                if b & 0x80 == 0 {
                    break;
                }
            }
            u32::try_from(v).ok()?
        };
        *arcs.get_mut(n)? = arc;
        n += 1;
    }
    Some(SmallVec::from_buf_and_len(arcs, n))
}

/// General path of [`decode_oid`]: any length, every check, the exact error.
#[inline(never)]
fn decode_oid_general(c: &[u8], offset: usize) -> Result<Oid, Error> {
    if c.is_empty() {
        return Err(Error::new(ErrorKind::OidEmpty, offset));
    }
    let mut arcs: SmallVec<[u32; 16]> = SmallVec::new();
    let mut v: u64 = 0;
    let mut start = true;
    for &b in c {
        if start && b == 0x80 {
            return Err(Error::new(ErrorKind::OidNonMinimal, offset));
        }
        v = (v << 7) | u64::from(b & 0x7f);
        if b & 0x80 != 0 {
            // The first sub-identifier may reach 2^32-1 + 80; no arc may pass 2^32-1.
            if v > u64::from(u32::MAX) + 80 {
                return Err(Error::new(ErrorKind::OidArcOverflow, offset));
            }
            start = false;
            continue;
        }
        if arcs.is_empty() {
            let (a, b) = match v {
                0..=39 => (0, v),
                40..=79 => (1, v - 40),
                _ => (2, v - 80),
            };
            let b = u32::try_from(b).map_err(|_| Error::new(ErrorKind::OidArcOverflow, offset))?;
            arcs.push(a);
            arcs.push(b);
        } else {
            if arcs.len() >= MAX_ARCS {
                return Err(Error::new(ErrorKind::OidTooLong, offset));
            }
            let a = u32::try_from(v).map_err(|_| Error::new(ErrorKind::OidArcOverflow, offset))?;
            arcs.push(a);
        }
        v = 0;
        start = true;
    }
    if !start {
        return Err(Error::new(ErrorKind::OidTruncated, offset));
    }
    Ok(Oid::from_valid(arcs))
}
