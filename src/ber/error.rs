//! The BER layer's error: what went wrong ([`ErrorKind`]) and at which byte ([`Error::offset`]).
//!
//! Owns nothing but the error type. `Copy + Eq` so tests can compare exact errors and decoders can
//! return it cheaply; `Display` always ends with "at byte N".

use std::fmt;

/// A BER decoding error: its kind and the byte offset (from the start of the decoded buffer) of
/// the element or byte at fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Error {
    /// What went wrong.
    pub kind: ErrorKind,
    /// Offset in bytes from the start of the input where the fault was found.
    pub offset: usize,
}

impl Error {
    /// An error of `kind` at byte `offset`.
    #[must_use]
    pub const fn new(kind: ErrorKind, offset: usize) -> Self {
        Self { kind, offset }
    }

    /// A short stable label for counters and logs (e.g. `truncated`).
    #[must_use]
    pub const fn label(&self) -> &'static str {
        self.kind.label()
    }
}

/// What is wrong with the input.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The input ends before an element does.
    Truncated {
        /// Bytes the element claims (or needs).
        needed: usize,
        /// Bytes left in the enclosing element.
        available: usize,
    },
    /// The indefinite length form (0x80), which SNMP forbids (RFC 3417 §8).
    IndefiniteLength,
    /// A length that does not fit in memory, or the reserved long form 0xFF.
    LengthTooLong,
    /// A tag other than the one the grammar requires here.
    UnexpectedTag {
        /// The tag (identifier octet) the grammar requires.
        expected: u8,
        /// The identifier octets found, packed big-endian.
        actual: u32,
    },
    /// A simple type (INTEGER, OCTET STRING, OID, an application type) in constructed form,
    /// which SNMP forbids (RFC 3417 §8).
    ConstructedPrimitive {
        /// The identifier octet found.
        tag: u8,
    },
    /// A tag in the high-tag-number form longer than four identifier octets.
    TagTooLong,
    /// An INTEGER (or unsigned type) with no content octets.
    IntegerEmpty,
    /// An integer outside its type's range (Integer32, Counter32/Gauge32/TimeTicks, Counter64),
    /// including a negative value for an unsigned type.
    IntegerOverflow,
    /// An OBJECT IDENTIFIER with no content octets.
    OidEmpty,
    /// A sub-identifier starting with 0x80 (a non-minimal encoding, X.690 §8.19.2).
    OidNonMinimal,
    /// A sub-identifier larger than 2^32-1.
    OidArcOverflow,
    /// More than 128 sub-identifiers (RFC 2578 §3.5).
    OidTooLong,
    /// The last sub-identifier has its continuation bit set.
    OidTruncated,
    /// A primitive whose length is fixed by its type (NULL, IpAddress, exceptions) has another.
    BadLength {
        /// The identifier octet of the element.
        tag: u8,
        /// Content length the type requires.
        expected: usize,
        /// Content length found.
        actual: usize,
    },
    /// Bytes left over after a complete element.
    TrailingBytes,
    /// Elements nested deeper than [`MAX_DEPTH`](crate::ber::MAX_DEPTH).
    TooDeep,
}

impl ErrorKind {
    /// A short stable label for counters and logs.
    #[must_use]
    pub const fn label(&self) -> &'static str {
        match self {
            Self::Truncated { .. } => "truncated",
            Self::IndefiniteLength => "indefinite_length",
            Self::LengthTooLong => "length_too_long",
            Self::UnexpectedTag { .. } => "unexpected_tag",
            Self::ConstructedPrimitive { .. } => "constructed_primitive",
            Self::TagTooLong => "tag_too_long",
            Self::IntegerEmpty => "integer_empty",
            Self::IntegerOverflow => "integer_overflow",
            Self::OidEmpty => "oid_empty",
            Self::OidNonMinimal => "oid_non_minimal",
            Self::OidArcOverflow => "oid_arc_overflow",
            Self::OidTooLong => "oid_too_long",
            Self::OidTruncated => "oid_truncated",
            Self::BadLength { .. } => "bad_length",
            Self::TrailingBytes => "trailing_bytes",
            Self::TooDeep => "too_deep",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Truncated { needed, available } => {
                write!(f, "truncated: needs {needed} bytes, {available} available")
            }
            Self::IndefiniteLength => f.write_str("indefinite length form is not allowed in SNMP"),
            Self::LengthTooLong => f.write_str("length too long"),
            Self::UnexpectedTag { expected, actual } => {
                write!(
                    f,
                    "unexpected tag 0x{actual:02x} (expected 0x{expected:02x})"
                )
            }
            Self::ConstructedPrimitive { tag } => {
                write!(f, "constructed encoding of a simple type (tag 0x{tag:02x})")
            }
            Self::TagTooLong => f.write_str("tag number too long"),
            Self::IntegerEmpty => f.write_str("integer with no content octets"),
            Self::IntegerOverflow => f.write_str("integer out of range for its type"),
            Self::OidEmpty => f.write_str("empty object identifier"),
            Self::OidNonMinimal => f.write_str("object identifier sub-identifier starts with 0x80"),
            Self::OidArcOverflow => f.write_str("object identifier arc larger than 2^32-1"),
            Self::OidTooLong => f.write_str("object identifier longer than 128 sub-identifiers"),
            Self::OidTruncated => f.write_str("object identifier ends inside a sub-identifier"),
            Self::BadLength {
                tag,
                expected,
                actual,
            } => write!(
                f,
                "tag 0x{tag:02x} must have {expected} content bytes, has {actual}"
            ),
            Self::TrailingBytes => f.write_str("trailing bytes after element"),
            Self::TooDeep => f.write_str("elements nested too deep"),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.kind, self.offset)
    }
}

impl std::error::Error for Error {}
