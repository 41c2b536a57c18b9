//! The strict decoder's verdict on a dissected message: [`Message::decode`]'s for v1 and v2c,
//! [`MessageV3::decode`]'s for SNMPv3 (RFC 3412 §6 and §7.2 steps 1-5, RFC 3414 §2.4), whose
//! errors name their byte in the datagram as a dissection does.
//!
//! Keys are never involved: an authenticated message is valid here whatever its HMAC, and an
//! encrypted one whatever its ciphertext.

use crate::pdu::{self, Message, Version};
use crate::v3::{self, MessageV3, ScopedPduData};

use super::{Error, Verdict};

/// The verdict on `bytes`: the version and PDU type, or the exact error and its offset.
pub(super) fn verdict(bytes: &[u8]) -> Result<Verdict, Error> {
    match Message::decode(bytes) {
        Ok(m) => Ok(Verdict {
            version: m.version,
            pdu_type: Some(m.pdu.pdu_type()),
            flags: None,
        }),
        Err(pdu::Error::Version3 { .. }) => v3(bytes),
        Err(e) => Err(e.into()),
    }
}

/// The verdict on an SNMPv3 message.
fn v3(bytes: &[u8]) -> Result<Verdict, Error> {
    let (m, _) = MessageV3::decode(bytes).map_err(|e| match e {
        v3::Error::Pdu(e) => Error::Pdu(e),
        e => Error::V3(e),
    })?;
    let pdu_type = match m.data {
        ScopedPduData::Plaintext(s) => Some(s.pdu.pdu_type()),
        ScopedPduData::Encrypted(_) => None,
    };
    Ok(Verdict {
        version: Version::V3,
        pdu_type,
        flags: Some(m.flags),
    })
}
