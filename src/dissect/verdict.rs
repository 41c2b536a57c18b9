//! The strict decoder's verdict on a dissected message.
//!
//! v1 and v2c: [`Message::decode`], as is. SNMPv3: the checks of [`v3::MessageV3::decode`] (RFC 3412
//! §6, RFC 3414 §2.4), then [`crate::v3::open`]'s refusal of privFlag without authFlag (RFC 3412
//! §7.2 step 5, the one check of `open` that needs no key), made here again in the same order
//! and with the same errors. The reason is offsets: `MessageV3::decode` reads
//! msgSecurityParameters and the scopedPDU from slices of their own, so the offsets of its errors
//! there count from the start of those; a dissection names bytes of the datagram. The tests hold
//! the two to the same decision and the same error on every vector, every cut of one and random
//! bytes.
//!
//! Keys are never involved: an authenticated message is valid here whatever its HMAC, and an
//! encrypted one whatever its ciphertext.

use crate::ber::{ErrorKind, Reader, reader, tag};
use crate::pdu::{self, Message, Pdu, Version};
use crate::v3::{self, Flags, MAX_ENGINE_ID, MAX_USER_NAME, MIN_MAX_SIZE, USM_SECURITY_MODEL};

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

/// An SNMPv3 header error at `offset`.
fn v3_error(error: v3::Error, offset: usize) -> Error {
    Error::V3 { error, offset }
}

/// [`v3::MessageV3::decode`] with offsets into `bytes`, in its order: the outer SEQUENCE, msgVersion,
/// msgGlobalData, msgSecurityParameters, msgData, then the scopedPDU's content.
pub(super) fn v3(bytes: &[u8]) -> Result<Verdict, Error> {
    let mut r = Reader::new(bytes);
    let mut m = r.read_constructed(tag::SEQUENCE)?;
    r.finish()?;
    let version_at = m.offset();
    let version = m.read_primitive(tag::INTEGER)?;
    if reader::decode_i32(version, version_at) != Ok(3) {
        return Err(v3_error(v3::Error::NotV3, version_at));
    }

    let mut g = m.read_constructed(tag::SEQUENCE)?;
    non_negative(&mut g, "msgID")?;
    let max_size_at = g.offset();
    if non_negative(&mut g, "msgMaxSize")? < MIN_MAX_SIZE {
        let e = v3::Error::Malformed("msgMaxSize below 484");
        return Err(v3_error(e, max_size_at));
    }
    let flags_at = g.offset();
    let &[flags] = g.read_primitive(tag::OCTET_STRING)? else {
        let e = v3::Error::Malformed("msgFlags not one octet");
        return Err(v3_error(e, flags_at));
    };
    let flags = Flags(flags);
    let model_at = g.offset();
    let model = non_negative(&mut g, "msgSecurityModel")?;
    g.finish()?;
    if model != USM_SECURITY_MODEL {
        return Err(v3_error(v3::Error::SecurityModel(model), model_at));
    }

    // msgSecurityParameters: an OCTET STRING read with `read_primitive`'s checks (tag, length),
    // then its octets entered in place so that offsets stay the datagram's.
    m.clone().read_primitive(tag::OCTET_STRING)?;
    let h = m.read_header()?;
    let mut sp = m.enter(&h)?;
    let mut u = sp.read_constructed(tag::SEQUENCE)?;
    sp.finish()?;
    let engine_at = u.offset();
    let engine_id = u.read_primitive(tag::OCTET_STRING)?;
    non_negative(&mut u, "msgAuthoritativeEngineBoots")?;
    non_negative(&mut u, "msgAuthoritativeEngineTime")?;
    let user_at = u.offset();
    let user_name = u.read_primitive(tag::OCTET_STRING)?;
    u.read_primitive(tag::OCTET_STRING)?;
    u.read_primitive(tag::OCTET_STRING)?;
    u.finish()?;
    if engine_id.len() > MAX_ENGINE_ID {
        let e = v3::Error::Malformed("msgAuthoritativeEngineID longer than 32");
        return Err(v3_error(e, engine_at));
    }
    if user_name.len() > MAX_USER_NAME {
        let e = v3::Error::Malformed("msgUserName longer than 32");
        return Err(v3_error(e, user_at));
    }

    let data_at = m.offset();
    let scoped = if flags.privacy() {
        m.read_primitive(tag::OCTET_STRING)?;
        None
    } else {
        let h = m.read_header()?;
        if h.tag != u32::from(tag::SEQUENCE) {
            let e = v3::Error::Malformed("msgData is not a ScopedPDU");
            return Err(v3_error(e, data_at));
        }
        Some(m.enter(&h)?)
    };
    m.finish()?;
    if flags.level().is_none() {
        let e = v3::Error::Malformed("privFlag without authFlag");
        return Err(v3_error(e, flags_at));
    }

    let pdu_type = match scoped {
        None => None,
        Some(mut s) => {
            s.read_primitive(tag::OCTET_STRING)?;
            s.read_primitive(tag::OCTET_STRING)?;
            let pdu = Pdu::decode(&mut s)?;
            s.finish()?;
            Some(pdu.pdu_type())
        }
    };
    Ok(Verdict {
        version: Version::V3,
        pdu_type,
        flags: Some(flags),
    })
}

/// An INTEGER in 0..=2^31-1, or [`v3::Error::Malformed`] naming `field` (as `MessageV3::decode`).
fn non_negative(r: &mut Reader<'_>, field: &'static str) -> Result<i32, Error> {
    let at = r.offset();
    let c = r.read_primitive(tag::INTEGER)?;
    match reader::decode_i32(c, at) {
        Ok(v) if v >= 0 => Ok(v),
        Ok(_) => Err(v3_error(v3::Error::Malformed(field), at)),
        Err(e) if e.kind == ErrorKind::IntegerOverflow => {
            Err(v3_error(v3::Error::Malformed(field), at))
        }
        Err(e) => Err(e.into()),
    }
}

/// What the library says of `bytes`, for the tests that hold [`verdict`] to it: `Ok` with the
/// flags, or the error's text without its offset.
#[cfg(test)]
pub(super) fn library(bytes: &[u8]) -> Result<Flags, String> {
    match v3::MessageV3::decode(bytes) {
        Ok((m, _)) if m.flags.level().is_none() => Err(super::error_text(&v3::Error::Malformed(
            "privFlag without authFlag",
        ))),
        Ok((m, _)) => Ok(m.flags),
        Err(e) => Err(super::error_text(&e)),
    }
}
