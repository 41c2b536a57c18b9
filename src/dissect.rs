//! A byte-by-byte dissection of one SNMP message: the tool for when an agent misbehaves.
//!
//! Owns [`dissect`] and its result, [`Dissection`]: an indented tree with one line per TLV (offset,
//! raw identifier and length octets, tag name, length, and the decoded value with its meaning
//! where the position in the SNMP grammar is known), then the verdict of the strict decoder
//! ([`Message::decode`]). Also a JSON form of the same tree ([`Dissection::to_json`]), the text
//! input forms `snmpact decode` accepts ([`input`]) and the subcommand itself ([`command`]).
//!
//! The walk is generic: it follows the TLV framing with [`crate::ber::Reader`], descending into
//! every constructed element up to [`crate::ber::MAX_DEPTH`], and names fields by their position
//! (RFC 1157 §4, RFC 3416 §3). So a message the strict decoder rejects is still shown up to the
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
//! The community string is a shared secret. [`dissect`] shows it, because whoever holds the bytes
//! holds the secret already; [`Options::redact_community`] replaces it (and its octets) with
//! `<redacted>`, which is what `snmpact decode` does unless given `--show-community`.

pub mod command;
pub mod input;
mod render;
mod walk;

use crate::ber;
use crate::oid::Oid;
use crate::pdu::{self, Message, PduType, Version};

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
    /// v1 or v2c.
    pub version: Version,
    /// The PDU type.
    pub pdu_type: PduType,
}

/// The dissection of one message: the TLV tree and the strict decoder's verdict.
///
/// `Display` renders the text tree (see the module doc); [`Dissection::to_json`] the same as JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dissection {
    len: usize,
    elements: Vec<Node>,
    fault: Option<ber::Error>,
    verdict: Result<Verdict, pdu::Error>,
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
    let verdict = Message::decode(bytes).map(|m| Verdict {
        version: m.version,
        pdu_type: m.pdu.pdu_type(),
    });
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
    /// The [`pdu::Error`] of [`Message::decode`] for this input.
    pub fn verdict(&self) -> Result<Verdict, pdu::Error> {
        self.verdict
    }

    /// True when [`Message::decode`] accepts the input.
    #[must_use]
    pub fn is_valid(&self) -> bool {
        self.verdict.is_ok()
    }

    /// The verdict as the last line of the text form: `valid SNMPv2c Response`, or
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
                format!("valid {version} {}", v.pdu_type.name())
            }
            Err(e) => format!("error at byte {}: {}", e.offset(), error_text(e)),
        }
    }

    /// The same tree as JSON, for scripts: `length`, `elements` (each with `offset`, `header`,
    /// `tag`, `length`, and where they apply `present`, `role`, `value`, `format`, `meaning`,
    /// `error`, `children`, `fault`), `fault`, `valid`, and `version` + `pdu` or `error`.
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
