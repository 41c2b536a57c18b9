//! A byte-by-byte dissection of one SNMP message: the tool for when an agent misbehaves.
//!
//! Owns [`dissect`] and its result, [`Dissection`]: an indented tree with one line per TLV (offset,
//! raw identifier and length octets, tag name, length, and the decoded value with its meaning
//! where the position in the SNMP grammar is known), then the verdict of the strict decoder
//! ([`crate::pdu::Message::decode`], [`crate::v3::MessageV3::decode`]). Also a JSON form of the
//! same tree ([`Dissection::to_json`]), the text input forms `snmpact decode` accepts
//! ([`input`]) and the subcommand itself ([`command`]).
//!
//! The walk is generic: it follows the TLV framing with [`crate::ber::Reader`], descending into
//! every constructed element up to [`crate::ber::MAX_DEPTH`], and names fields by their position
//! (RFC 1157 §4, RFC 3416 §3, RFC 3412 §6, RFC 3414 §2.4). So a message the strict decoder rejects is still shown up to the
//! fault: an element whose content is wrong (an integer out of range) is shown with its error and
//! the walk goes on; an element longer than what is left (a truncated capture) is shown with the
//! bytes that are there; framing the walk cannot get past (an indefinite length) ends the
//! enclosing element with an `error:` line.
//!
//! ```text
//!  0  30 27  SEQUENCE len 39: message
//!  2  02 01    INTEGER len 1: version = 1 (v2c)
//!  5  04 06    OCTET STRING len 6: community = "public"
//! 13  a0 1a    GetRequest-PDU len 26
//! 15  02 02      INTEGER len 2: request-id = 4660
//! 19  02 01      INTEGER len 1: error-status = 0 (noError)
//! 22  02 01      INTEGER len 1: error-index = 0
//! 25  30 0e      SEQUENCE len 14: variable-bindings
//! 27  30 0c        SEQUENCE len 12: varbind 1
//! 29  06 08          OBJECT IDENTIFIER len 8: name = 1.3.6.1.2.1.1.1.0 (SNMPv2-MIB::sysDescr.0)
//! 39  05 00          NULL len 0: value
//! valid SNMPv2c GetRequest
//! ```
//!
//! Offsets are decimal byte indexes into the input, the same numbers every error names.
//!
//! An SNMPv3 message (RFC 3412 §6) is named field by field too: msgGlobalData (msgFlags by
//! name: `07 (auth, priv, reportable)`), msgSecurityParameters opened as the
//! UsmSecurityParameters its octets hold (RFC 3414 §2.4; offsets still count from the start of
//! the datagram), then the plaintext scopedPDU with the same PDU fields as v2c, or the
//! encryptedPDU, whose octets cannot be shown without the privacy key. A Report PDU is named for
//! the counter it carries (`usmStatsUnknownEngineIDs: Unknown engine ID`):
//!
//! ```text
//!  0  30 3d  SEQUENCE len 61: message
//!  2  02 01    INTEGER len 1: msgVersion = 3 (v3)
//!  5  30 10    SEQUENCE len 16: msgGlobalData
//!  7  02 03      INTEGER len 3: msgID = 2555329
//! 12  02 03      INTEGER len 3: msgMaxSize = 65507
//! 17  04 01      OCTET STRING len 1: msgFlags = 04 (reportable)
//! 20  02 01      INTEGER len 1: msgSecurityModel = 3 (USM)
//! 23  04 10    OCTET STRING len 16: msgSecurityParameters
//! 25  30 0e      SEQUENCE len 14: UsmSecurityParameters
//! 27  04 00        OCTET STRING len 0: msgAuthoritativeEngineID (empty)
//! 29  02 01        INTEGER len 1: msgAuthoritativeEngineBoots = 0
//! 32  02 01        INTEGER len 1: msgAuthoritativeEngineTime = 0
//! 35  04 00        OCTET STRING len 0: msgUserName = ""
//! 37  04 00        OCTET STRING len 0: msgAuthenticationParameters (empty)
//! 39  04 00        OCTET STRING len 0: msgPrivacyParameters (empty)
//! ...
//! ```
//!
//! The verdict is [`crate::pdu::Message::decode`]'s for v1 and v2c, and
//! [`crate::v3::MessageV3::decode`]'s for SNMPv3 (which refuses privacy without authentication,
//! as [`crate::v3::open`] does); every offset counts from the start of the datagram.
//!
//! The community string is a shared secret. [`dissect`] shows it, because whoever holds the bytes
//! holds the secret already; [`Options::redact_community`] replaces it (and its octets) with
//! `<redacted>`, which is what `snmpact decode` does unless given `--show-community`.

pub mod command;
pub mod input;
mod render;
mod verdict;
mod walk;

use crate::ber;
use crate::oid::Oid;
use crate::pdu::{self, PduType, Version};
use crate::v3::{self, Flags};

/// How to dissect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    /// Replace the community string with `<redacted>` (its length is still shown).
    pub redact_community: bool,
}

/// A decoded primitive value, as the dissection shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decoded {
    /// INTEGER (Integer32).
    Integer(i64),
    /// Counter32, Gauge32, TimeTicks, Counter64.
    Unsigned(u64),
    /// An OCTET STRING that is printable text.
    Text(String),
    /// Any other octets: binary OCTET STRING, Opaque, unknown primitives, or the content of an
    /// element whose decoding failed. Shown in hex.
    Bytes(Vec<u8>),
    /// OBJECT IDENTIFIER.
    Oid(Oid),
    /// IpAddress.
    IpAddress([u8; 4]),
    /// The community string, withheld ([`Options::redact_community`]).
    Redacted,
}

/// One TLV of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// Offset of the identifier octet.
    pub offset: usize,
    /// The identifier and length octets as they are on the wire.
    pub header: Vec<u8>,
    /// Identifier octets packed big-endian (as [`crate::ber::Header::tag`]).
    pub tag: u32,
    /// `SEQUENCE`, `Counter32`, `GetRequest-PDU`, `noSuchObject`, `[APPLICATION 7]`, ...
    pub tag_name: String,
    /// Content length the length octets claim.
    pub len: usize,
    /// Content bytes actually present: `len`, or fewer when the input ends inside the element.
    pub present: usize,
    /// True when the constructed bit is set (the element has children).
    pub constructed: bool,
    /// What the SNMP grammar calls this position (`version`, `request-id`, `varbind 2`, `name`),
    /// when known.
    pub role: Option<String>,
    /// The decoded value of a primitive element.
    pub value: Option<Decoded>,
    /// What the value means here (`v2c`, `noSuchName`, `SNMPv2-MIB::sysDescr.0`, `0:02:18.67`).
    pub meaning: Option<String>,
    /// What is wrong with this element itself (its content, or its length past the input's end).
    pub error: Option<ber::Error>,
    /// The elements inside a constructed element.
    pub children: Vec<Node>,
    /// Where walking the content stopped, when framing made it impossible to go on.
    pub fault: Option<ber::Error>,
}

/// What the strict decoder made of a valid message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    /// v1, v2c or v3.
    pub version: Version,
    /// The PDU type; `None` for an SNMPv3 message whose scopedPDU is encrypted.
    pub pdu_type: Option<PduType>,
    /// SNMPv3's msgFlags; `None` for v1 and v2c.
    pub flags: Option<Flags>,
}

/// Why the strict decoder refused a message: its exact error, at a byte of the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Refused by the v1/v2c codec, or by the BER or PDU layer inside an SNMPv3 message.
    #[error(transparent)]
    Pdu(#[from] pdu::Error),
    /// An SNMPv3 header field out of its range or of the wrong size, privFlag without
    /// authFlag, or a security model other than USM: the error of [`v3::MessageV3::decode`]
    /// ([`v3::Error::Malformed`], [`v3::Error::SecurityModel`]), which carries its offset.
    #[error(transparent)]
    V3(v3::Error),
}

impl From<ber::Error> for Error {
    fn from(e: ber::Error) -> Self {
        Self::Pdu(e.into())
    }
}

impl Error {
    /// Byte offset of the fault.
    #[must_use]
    pub fn offset(&self) -> usize {
        match self {
            Self::Pdu(e) => e.offset(),
            // Every error of decoding has an offset: `V3` holds no other.
            Self::V3(e) => e.offset().unwrap_or_default(),
        }
    }

    /// A short stable label for counters and scripts.
    #[must_use]
    pub fn label(&self) -> &'static str {
        match self {
            Self::Pdu(e) => e.label(),
            Self::V3(e) => e.label(),
        }
    }
}

/// The dissection of one message: the TLV tree and the strict decoder's verdict.
///
/// `Display` renders the text tree (see the module doc); [`Dissection::to_json`] the same as JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dissection {
    len: usize,
    elements: Vec<Node>,
    fault: Option<ber::Error>,
    verdict: Result<Verdict, Error>,
}

/// Dissects `bytes` as one SNMP message, showing the community string.
///
/// Never panics, whatever the input.
///
/// ```
/// use snmpact::dissect::dissect;
/// let d = dissect(&[0x30, 0x03, 0x02, 0x01, 0x01]);
/// assert!(!d.is_valid());
/// assert_eq!(d.verdict_line(), "error at byte 5: truncated: needs 1 bytes, 0 available");
/// assert_eq!(d.to_string().lines().nth(1), Some("2  02 01    INTEGER len 1: version = 1 (v2c)"));
/// ```
#[must_use]
pub fn dissect(bytes: &[u8]) -> Dissection {
    dissect_with(bytes, Options::default())
}

/// Dissects `bytes` as one SNMP message, with `options`.
///
/// Never panics, whatever the input.
#[must_use]
pub fn dissect_with(bytes: &[u8], options: Options) -> Dissection {
    let (elements, fault) = walk::walk(bytes, options);
    let verdict = verdict::verdict(bytes);
    Dissection {
        len: bytes.len(),
        elements,
        fault,
        verdict,
    }
}

impl Dissection {
    /// Bytes dissected.
    #[must_use]
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when the input was empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The top-level elements (one for a well-framed message).
    #[must_use]
    pub fn elements(&self) -> &[Node] {
        &self.elements
    }

    /// Where the walk stopped at the top level, when framing made it impossible to go on.
    #[must_use]
    pub fn fault(&self) -> Option<ber::Error> {
        self.fault
    }

    /// The strict decoder's verdict: the version and PDU type, or its exact error.
    ///
    /// # Errors
    /// The [`Error`] of [`crate::pdu::Message::decode`] for this input, or for SNMPv3 that of
    /// [`v3::MessageV3::decode`] (see the module doc).
    pub fn verdict(&self) -> Result<Verdict, Error> {
        self.verdict.clone()
    }

    /// True when the strict decoder accepts the input.
    #[must_use]
    pub fn is_valid(&self) -> bool {
        self.verdict.is_ok()
    }

    /// The verdict as the last line of the text form: `valid SNMPv2c Response`,
    /// `valid SNMPv3 encrypted (authPriv)`, or
    /// `error at byte 23: integer out of range for its type`.
    #[must_use]
    pub fn verdict_line(&self) -> String {
        match &self.verdict {
            Ok(v) => {
                let version = match v.version {
                    Version::V1 => "SNMPv1",
                    Version::V2c => "SNMPv2c",
                    Version::V3 => "SNMPv3",
                };
                match (v.pdu_type, v.flags.and_then(Flags::level)) {
                    (Some(p), _) => format!("valid {version} {}", p.name()),
                    (None, Some(level)) => format!("valid {version} encrypted ({level})"),
                    (None, None) => format!("valid {version} encrypted"),
                }
            }
            Err(e) => format!("error at byte {}: {}", e.offset(), error_text(e)),
        }
    }

    /// The same tree as JSON, for scripts: `length`, `elements` (each with `offset`, `header`,
    /// `tag`, `length`, and where they apply `present`, `role`, `value`, `format`, `meaning`,
    /// `error`, `children`, `fault`), `fault`, `valid`, and `version` + `pdu` (with, for
    /// SNMPv3, `security_level` and `encrypted`; no `pdu` when encrypted) or `error`.
    /// `value` is a number for the integer types and a string otherwise; `format` says which
    /// (`integer`, `unsigned`, `text`, `hex`, `oid`, `ipaddress`, `redacted`). Errors are
    /// `{"offset", "message", "label"}`.
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        render::to_json(self)
    }
}

/// An error's message without its trailing "at byte N" (the dissection puts the offset first).
fn error_text(e: &impl std::fmt::Display) -> String {
    let s = e.to_string();
    match s.rfind(" at byte ") {
        Some(i) if s[i + 9..].bytes().all(|b| b.is_ascii_digit()) => s[..i].to_owned(),
        _ => s,
    }
}

#[cfg(test)]
mod tests;
