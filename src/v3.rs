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
    Flags, Head, Layout, MAX_ENGINE_ID, MAX_USER_NAME, MIN_MAX_SIZE, MessageV3, Rest, ScopedPdu,
    ScopedPduData, USM_SECURITY_MODEL, UsmParams,
};
pub use report::ReportKind;
pub(crate) use security::open_checked;
pub use security::{Opened, Outgoing, Salt, check, open, seal};
pub use timeliness::{EngineRecord, TIME_WINDOW};

/// Why an SNMPv3 message could not be made or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Not an SNMPv3 message (another version, or no version at all).
    #[error("not an SNMPv3 message")]
    NotV3,
    /// A security model other than USM (3).
    #[error("security model {0} is not USM (3)")]
    SecurityModel(i32),
    /// A header field out of its range or of the wrong size.
    #[error("malformed SNMPv3 header: {0}")]
    Malformed(&'static str),
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
}

impl Error {
    /// A short stable label for counters.
    #[must_use]
    pub fn label(&self) -> &'static str {
        match self {
            Self::NotV3 => "not_v3",
            Self::SecurityModel(_) => "security_model",
            Self::Malformed(_) => "malformed_v3_header",
            Self::Pdu(e) => e.label(),
            Self::Encrypted => "encrypted",
            Self::LevelMismatch => "level_mismatch",
            Self::WrongDigest => "wrong_digest",
            Self::Decryption(_) => "decryption",
        }
    }
}
