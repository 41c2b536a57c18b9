//! The SNMP v1/v2c message model and its codec: [`Message`], [`Pdu`], [`VarBind`], [`Value`],
//! [`ErrorStatus`] (RFC 1157, RFC 1901, RFC 3416, RFC 3417 §8).
//!
//! Pure code: no sockets, no actors. Decoding borrows octet strings from the input; encoding
//! appends to a caller's buffer. SNMPv3 (version 3) is recognised and refused with its own error.
//!
//! | Layer | Error |
//! |---|---|
//! | bytes (tag, length, integer, OID) | [`crate::ber::Error`] (kind + offset) |
//! | message (version, PDU type) | [`Error`] |

mod error_status;
mod message;
mod value;
mod varbind;

pub use error_status::ErrorStatus;
pub use message::{BulkPdu, GenericPdu, Message, Pdu, PduType, Peek, TrapV1Pdu, Version};
pub use value::Value;
pub use varbind::{VarBind, list_content_len};

use crate::ber;

/// Why bytes are not an SNMP v1/v2c message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Malformed BER.
    #[error(transparent)]
    Ber(#[from] ber::Error),
    /// An SNMPv3 message: recognised, not handled by this codec.
    #[error("SNMPv3 message (version 3) is not supported by the v1/v2c codec at byte {offset}")]
    Version3 {
        /// Offset of the version field.
        offset: usize,
    },
    /// A version other than 0 (v1), 1 (v2c) or 3.
    #[error("unsupported SNMP version {version} at byte {offset}")]
    UnsupportedVersion {
        /// The version found (`i64::MAX` when it does not fit 32 bits).
        version: i64,
        /// Offset of the version field.
        offset: usize,
    },
    /// A PDU tag outside `[0]..[8]`.
    #[error("unknown PDU type 0x{tag:02x} at byte {offset}")]
    UnknownPduType {
        /// Identifier octets found.
        tag: u32,
        /// Offset of the PDU.
        offset: usize,
    },
}

impl Error {
    /// Byte offset of the fault.
    #[must_use]
    pub fn offset(&self) -> usize {
        match self {
            Error::Ber(e) => e.offset,
            Error::Version3 { offset }
            | Error::UnsupportedVersion { offset, .. }
            | Error::UnknownPduType { offset, .. } => *offset,
        }
    }

    /// A short stable label for counters.
    #[must_use]
    pub fn label(&self) -> &'static str {
        match self {
            Error::Ber(e) => e.label(),
            Error::Version3 { .. } => "snmpv3",
            Error::UnsupportedVersion { .. } => "unsupported_version",
            Error::UnknownPduType { .. } => "unknown_pdu_type",
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;
