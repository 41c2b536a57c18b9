//! SNMPv3 for a manager: the message format (RFC 3412) and the User-based Security Model's
//! message processing (RFC 3414 §3), on top of the key and cipher primitives of [`crate::usm`].
//!
//! Pure code: no sockets, no actors; the clock is passed in.
//!
//! - `message`: [`MessageV3`], [`Head`], [`ScopedPdu`], [`Flags`], [`UsmParams`]: the bytes.
//! - `security`: [`seal`] a request (encrypt, authenticate), [`check`] a response's digest in
//!   place, [`open`] it (decrypt, decode); the salt counter ([`Salt`]).
//! - `timeliness`: [`EngineRecord`]: what the manager knows of one agent engine (id, boots,
//!   time with local clock advance, RFC 3414 §2.3) and the 150-second window check (§3.2 step 7).
//! - `report`: [`ReportKind`]: what a Report PDU says.
//!
//! The engine ([`crate::dispatcher`], [`crate::session`]) drives discovery, resynchronisation
//! and retries with these.

mod message;
mod report;
mod security;
mod timeliness;

#[cfg(test)]
mod tests;
#[cfg(test)]
pub(crate) mod vectors;

pub use message::{
    Flags, Head, Layout, MAX_BOOTS, MAX_ENGINE_ID, MAX_MESSAGE_SIZE, MAX_USER_NAME, MIN_ENGINE_ID,
    MIN_MAX_SIZE, MessageV3, Rest, ScopedPdu, ScopedPduData, USM_SECURITY_MODEL, UsmParams,
};
pub use report::ReportKind;
pub(crate) use report::{TARGET_OBJECTS, USM_STATS};
pub(crate) use security::open_checked;
pub use security::{Opened, Outgoing, Salt, check, open, seal};
pub use timeliness::{EngineRecord, TIME_WINDOW};

/// An snmpEngineID written in hex (`0x` prefix, `:` and spaces allowed): 5 to 32 octets
/// ([`MIN_ENGINE_ID`], [`MAX_ENGINE_ID`]), or `None`. What net-snmp's `-e`/`-E` take, and the
/// configuration's engine ids.
///
/// ```
/// assert_eq!(snmpact::v3::parse_engine_id("80:00:1f:88:80"), Some(vec![0x80, 0, 0x1f, 0x88, 0x80]));
/// assert_eq!(snmpact::v3::parse_engine_id("80001f88"), None); // 4 octets
/// ```
#[must_use]
pub fn parse_engine_id(text: &str) -> Option<Vec<u8>> {
    crate::usm::parse_hex(text)
        .ok()
        .filter(|id| (MIN_ENGINE_ID..=MAX_ENGINE_ID).contains(&id.len()))
}

/// Why an SNMPv3 message could not be made or read.
///
/// The errors of decoding ([`Error::NotV3`], [`Error::SecurityModel`], [`Error::Malformed`],
/// [`Error::Pdu`]) name the byte at fault, counted from the start of the datagram
/// ([`Error::offset`]), and their `Display` ends with "at byte N" like [`crate::ber::Error`]'s.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Not an SNMPv3 message: msgVersion is not 3.
    #[error("not an SNMPv3 message at byte {offset}")]
    NotV3 {
        /// Offset of msgVersion.
        offset: usize,
    },
    /// A security model other than USM (3).
    #[error("security model {model} is not USM (3) at byte {offset}")]
    SecurityModel {
        /// msgSecurityModel.
        model: i32,
        /// Offset of msgSecurityModel.
        offset: usize,
    },
    /// A header field out of its range or of the wrong size, or an invalid combination of
    /// msgFlags (RFC 3412 §7.2 step 5).
    #[error("malformed SNMPv3 header: {what} at byte {offset}")]
    Malformed {
        /// What is wrong (`msgMaxSize below 484`), or the field out of its range (`msgID`).
        what: &'static str,
        /// Offset of the field at fault.
        offset: usize,
    },
    /// Malformed BER or PDU.
    #[error(transparent)]
    Pdu(#[from] crate::pdu::Error),
    /// The scopedPDU is encrypted and no privacy key was given.
    #[error("encrypted scopedPDU and no privacy key")]
    Encrypted,
    /// The message is authenticated and no authentication key was given, or the reverse.
    #[error("security level of the message does not match the user's keys")]
    LevelMismatch,
    /// The HMAC does not verify: a forged, corrupted, or wrongly keyed message.
    #[error("authentication failed (wrong digest)")]
    WrongDigest,
    /// Decryption failed (bad privacy parameters or ciphertext, or not a scopedPDU after).
    #[error("decryption failed: {0}")]
    Decryption(&'static str),
    /// A discovery Report (RFC 3414 §4) with an empty msgAuthoritativeEngineID: a well-formed
    /// message that does not do what discovery needs.
    #[error("discovery Report without an engine id")]
    NoEngineId,
}

impl Error {
    /// A short stable label for counters.
    #[must_use]
    pub fn label(&self) -> &'static str {
        match self {
            Self::NotV3 { .. } => "not_v3",
            Self::SecurityModel { .. } => "security_model",
            Self::Malformed { .. } => "malformed_v3_header",
            Self::Pdu(e) => e.label(),
            Self::Encrypted => "encrypted",
            Self::LevelMismatch => "level_mismatch",
            Self::WrongDigest => "wrong_digest",
            Self::Decryption(_) => "decryption",
            Self::NoEngineId => "no_engine_id",
        }
    }

    /// The byte at fault, counted from the start of the datagram, for the errors of decoding;
    /// `None` for those that are not about bytes (keys, digest, decryption, discovery).
    ///
    /// ```
    /// use snmpact::v3::MessageV3;
    /// // The start of a header whose msgMaxSize (at byte 10) is 400.
    /// let bytes = [
    ///     0x30, 0x0c, // SNMPv3Message
    ///     0x02, 0x01, 0x03, // msgVersion 3
    ///     0x30, 0x07, // msgGlobalData
    ///     0x02, 0x01, 0x01, // msgID 1
    ///     0x02, 0x02, 0x01, 0x90, // msgMaxSize 400
    /// ];
    /// let e = MessageV3::decode(&bytes).unwrap_err();
    /// assert_eq!(e.offset(), Some(10));
    /// assert_eq!(e.to_string(), "malformed SNMPv3 header: msgMaxSize below 484 at byte 10");
    /// ```
    #[must_use]
    pub fn offset(&self) -> Option<usize> {
        match self {
            Self::NotV3 { offset }
            | Self::SecurityModel { offset, .. }
            | Self::Malformed { offset, .. } => Some(*offset),
            Self::Pdu(e) => Some(e.offset()),
            Self::Encrypted
            | Self::LevelMismatch
            | Self::WrongDigest
            | Self::Decryption(_)
            | Self::NoEngineId => None,
        }
    }
}
