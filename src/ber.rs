//! X.690 Basic Encoding Rules, as SNMP uses them (RFC 3417 §8).
//!
//! Owns the byte-level work: identifier octets, lengths, INTEGER and the unsigned application
//! types, OCTET STRING, NULL and OBJECT IDENTIFIER contents. Knows no SNMP PDU and does no I/O;
//! [`crate::pdu`] builds messages on top of it.
//!
//! # Contract
//! - **Decoding never panics**, on any input, and never reads past the slice it was given. Every
//!   failure is an [`Error`] naming its [`ErrorKind`] and the byte offset in the decoded buffer.
//! - **Decoding is as liberal as RFC 3417 §8 allows and no more**: definite lengths in long form
//!   are accepted even when not minimal (`82 00 39`); the indefinite form (`80`) and constructed
//!   encodings of simple types are rejected. Integers are range-checked for their type; OIDs are
//!   checked (at most 128 sub-identifiers, each below 2^32, no `0x80` lead byte, X.690 §8.19).
//! - **Encoding never fails and never panics**, and always emits the minimal form: shortest length,
//!   shortest integer, and a `0x00` pad before unsigned values whose top bit is set.
//! - Decoding borrows: content octets are returned as sub-slices of the input.
//!
//! ```
//! use snmpact::ber::{Reader, ErrorKind, tag};
//! // INTEGER 300 with a non-minimal long-form length: accepted.
//! let mut r = Reader::new(&[0x02, 0x81, 0x02, 0x01, 0x2c]);
//! assert_eq!(r.read_i32(tag::INTEGER).unwrap(), 300);
//! // The indefinite form: rejected, naming the byte.
//! let err = Reader::new(&[0x30, 0x80, 0x00, 0x00]).read_constructed(tag::SEQUENCE).unwrap_err();
//! assert_eq!((err.kind, err.offset), (ErrorKind::IndefiniteLength, 1));
//! ```

mod error;
pub(crate) mod reader;
mod writer;

pub use error::{Error, ErrorKind};
pub use reader::{Header, Reader};
pub use writer::Writer;

/// Deepest nesting a decoder follows (the SNMP grammar needs five levels; the dissector more).
pub const MAX_DEPTH: usize = 32;

/// Identifier octets used by SNMP (RFC 1157, RFC 3416, RFC 2578).
pub mod tag {
    /// UNIVERSAL 2.
    pub const INTEGER: u8 = 0x02;
    /// UNIVERSAL 4.
    pub const OCTET_STRING: u8 = 0x04;
    /// UNIVERSAL 5.
    pub const NULL: u8 = 0x05;
    /// UNIVERSAL 6.
    pub const OBJECT_IDENTIFIER: u8 = 0x06;
    /// UNIVERSAL 16, constructed.
    pub const SEQUENCE: u8 = 0x30;
    /// APPLICATION 0: IpAddress.
    pub const IP_ADDRESS: u8 = 0x40;
    /// APPLICATION 1: Counter32.
    pub const COUNTER32: u8 = 0x41;
    /// APPLICATION 2: Gauge32 / Unsigned32.
    pub const GAUGE32: u8 = 0x42;
    /// APPLICATION 3: TimeTicks.
    pub const TIMETICKS: u8 = 0x43;
    /// APPLICATION 4: Opaque.
    pub const OPAQUE: u8 = 0x44;
    /// APPLICATION 5: NsapAddress (SNMPv2 draft; kept raw).
    pub const NSAP_ADDRESS: u8 = 0x45;
    /// APPLICATION 6: Counter64.
    pub const COUNTER64: u8 = 0x46;
    /// APPLICATION 7: UInteger32 (obsolete; kept raw).
    pub const UINTEGER32: u8 = 0x47;
    /// CONTEXT 0, primitive: noSuchObject.
    pub const NO_SUCH_OBJECT: u8 = 0x80;
    /// CONTEXT 1, primitive: noSuchInstance.
    pub const NO_SUCH_INSTANCE: u8 = 0x81;
    /// CONTEXT 2, primitive: endOfMibView.
    pub const END_OF_MIB_VIEW: u8 = 0x82;
    /// The constructed bit of an identifier octet.
    pub const CONSTRUCTED: u8 = 0x20;
}

/// Bytes of the length octets for a content of `len` bytes (minimal form).
#[must_use]
pub const fn length_len(len: usize) -> usize {
    if len < 0x80 {
        1
    } else {
        1 + (usize::BITS as usize / 8) - (len.leading_zeros() as usize / 8)
    }
}

/// Bytes of a whole TLV (one identifier octet) whose content is `len` bytes.
#[must_use]
pub const fn tlv_len(len: usize) -> usize {
    1 + length_len(len) + len
}

/// Content bytes of a signed integer in minimal two's complement.
#[must_use]
pub const fn int_len(v: i64) -> usize {
    // Bits needed beyond the sign: the count of leading sign bits says how many bytes are redundant.
    let redundant = if v < 0 {
        v.leading_ones()
    } else {
        v.leading_zeros()
    } as usize;
    let significant = 64 - redundant + 1; // plus one sign bit
    significant.div_ceil(8)
}

/// Content bytes of an unsigned integer, including the `0x00` pad when its top bit is set.
#[must_use]
pub const fn uint_len(v: u64) -> usize {
    let bits = 64 - v.leading_zeros() as usize + 1; // plus a zero sign bit
    bits.div_ceil(8)
}

/// Content bytes of an OID given by its arcs (at least two, first arc rules already checked).
#[must_use]
pub fn oid_content_len(arcs: &[u32]) -> usize {
    let Some((&a, rest)) = arcs.split_first() else {
        return 0;
    };
    let Some((&b, rest)) = rest.split_first() else {
        return subid_len(u64::from(a) * 40);
    };
    // Branch-free per arc, so the sum vectorises.
    let extra: usize = rest
        .iter()
        .map(|&arc| {
            usize::from(arc >= 0x80)
                + usize::from(arc >= 0x4000)
                + usize::from(arc >= 0x20_0000)
                + usize::from(arc >= 0x1000_0000)
        })
        .sum();
    subid_len(u64::from(a) * 40 + u64::from(b)) + rest.len() + extra
}

/// Bytes of one base-128 sub-identifier.
#[inline]
const fn subid_len(v: u64) -> usize {
    match v {
        0..=0x7f => 1,
        0x80..=0x3fff => 2,
        0x4000..=0x1f_ffff => 3,
        0x20_0000..=0x0fff_ffff => 4,
        _ => 5,
    }
}

#[cfg(test)]
mod tests;
