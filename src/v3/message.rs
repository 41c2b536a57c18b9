//! The SNMPv3 message format (RFC 3412 §6) with the USM security parameters (RFC 3414 §2.4),
//! as bytes: [`MessageV3::decode`], [`MessageV3::encode`], [`ScopedPdu`] and [`Flags`].
//!
//! ```text
//! SNMPv3Message ::= SEQUENCE {
//!     msgVersion INTEGER (3),
//!     msgGlobalData SEQUENCE { msgID, msgMaxSize INTEGER, msgFlags OCTET STRING (SIZE(1)),
//!                              msgSecurityModel INTEGER },
//!     msgSecurityParameters OCTET STRING,     -- BER of UsmSecurityParameters
//!     msgData CHOICE { plaintext ScopedPDU, encryptedPDU OCTET STRING } }
//! UsmSecurityParameters ::= SEQUENCE { msgAuthoritativeEngineID OCTET STRING,
//!     msgAuthoritativeEngineBoots INTEGER, msgAuthoritativeEngineTime INTEGER,
//!     msgUserName OCTET STRING (SIZE(0..32)), msgAuthenticationParameters OCTET STRING,
//!     msgPrivacyParameters OCTET STRING }
//! ScopedPDU ::= SEQUENCE { contextEngineID OCTET STRING, contextName OCTET STRING, data PDU }
//! ```
//!
//! No keys here: authentication and privacy are [`super::security`]'s. Decoding records where
//! msgAuthenticationParameters lies in the datagram so the HMAC can be checked in place, and
//! every decoding error names its byte in the datagram, though msgSecurityParameters and the
//! scopedPDU are read from slices of their own ([`shifted`]).

use std::borrow::Cow;

use crate::ber::{self, Reader, Writer, reader, tag};
use crate::pdu::{Pdu, PduType};

use super::Error;

/// msgSecurityModel of the User-based Security Model (RFC 3411 §5).
pub const USM_SECURITY_MODEL: i32 = 3;
/// The smallest msgMaxSize an engine may announce (RFC 3412 §6).
pub const MIN_MAX_SIZE: i32 = 484;
/// Longest msgUserName (RFC 3414 §2.4).
pub const MAX_USER_NAME: usize = 32;
/// Longest snmpEngineID (RFC 3411 §5: 5..32 octets; empty in discovery).
pub const MAX_ENGINE_ID: usize = 32;
/// Shortest snmpEngineID an engine has (RFC 3411 §5).
pub const MIN_ENGINE_ID: usize = 5;
/// msgMaxSize of snmpact's own messages, as manager and as simulated agent: the largest UDP
/// payload over IPv4, as net-snmp announces it.
pub const MAX_MESSAGE_SIZE: i32 = 65_507;
/// snmpEngineBoots' and snmpEngineTime's largest value (2^31 - 1): an engine whose boots reach
/// it accepts nothing authenticated (RFC 3414 §2.2.2).
pub const MAX_BOOTS: u32 = i32::MAX.cast_unsigned();

/// msgFlags (RFC 3412 §6.4): authFlag, privFlag, reportableFlag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Flags(pub u8);

impl Flags {
    /// authFlag.
    pub const AUTH: u8 = 0x01;
    /// privFlag.
    pub const PRIV: u8 = 0x02;
    /// reportableFlag.
    pub const REPORTABLE: u8 = 0x04;

    /// authFlag set.
    #[must_use]
    pub fn auth(self) -> bool {
        self.0 & Self::AUTH != 0
    }

    /// privFlag set.
    #[must_use]
    pub fn privacy(self) -> bool {
        self.0 & Self::PRIV != 0
    }

    /// reportableFlag set.
    #[must_use]
    pub fn reportable(self) -> bool {
        self.0 & Self::REPORTABLE != 0
    }

    /// The flags of a security level, with reportable as given.
    #[must_use]
    pub fn of(level: crate::usm::SecurityLevel, reportable: bool) -> Self {
        let mut f = 0;
        if level.auth() {
            f |= Self::AUTH;
        }
        if level.privacy() {
            f |= Self::PRIV;
        }
        if reportable {
            f |= Self::REPORTABLE;
        }
        Self(f)
    }

    /// The security level the flags say, or `None` for privacy without authentication (an
    /// invalid combination, RFC 3412 §7.2 step 5).
    #[must_use]
    pub fn level(self) -> Option<crate::usm::SecurityLevel> {
        use crate::usm::SecurityLevel as L;
        match (self.auth(), self.privacy()) {
            (false, false) => Some(L::NoAuthNoPriv),
            (true, false) => Some(L::AuthNoPriv),
            (true, true) => Some(L::AuthPriv),
            (false, true) => None,
        }
    }
}

/// UsmSecurityParameters. Octet strings borrow from the datagram when decoded.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UsmParams<'a> {
    /// msgAuthoritativeEngineID: the agent's engine id (empty in discovery).
    pub engine_id: Cow<'a, [u8]>,
    /// msgAuthoritativeEngineBoots.
    pub boots: u32,
    /// msgAuthoritativeEngineTime.
    pub time: u32,
    /// msgUserName.
    pub user_name: Cow<'a, [u8]>,
    /// msgAuthenticationParameters: the truncated HMAC, or empty.
    pub auth_params: Cow<'a, [u8]>,
    /// msgPrivacyParameters: the salt, or empty.
    pub priv_params: Cow<'a, [u8]>,
}

impl UsmParams<'_> {
    fn content_len(&self) -> usize {
        ber::tlv_len(self.engine_id.len())
            + ber::tlv_len(ber::int_len(i64::from(self.boots)))
            + ber::tlv_len(ber::int_len(i64::from(self.time)))
            + ber::tlv_len(self.user_name.len())
            + ber::tlv_len(self.auth_params.len())
            + ber::tlv_len(self.priv_params.len())
    }

    /// Copies borrowed bytes.
    #[must_use]
    pub fn into_owned(self) -> UsmParams<'static> {
        UsmParams {
            engine_id: Cow::Owned(self.engine_id.into_owned()),
            boots: self.boots,
            time: self.time,
            user_name: Cow::Owned(self.user_name.into_owned()),
            auth_params: Cow::Owned(self.auth_params.into_owned()),
            priv_params: Cow::Owned(self.priv_params.into_owned()),
        }
    }
}

/// A ScopedPDU: the PDU with the context it applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopedPdu<'a> {
    /// contextEngineID.
    pub context_engine_id: Cow<'a, [u8]>,
    /// contextName.
    pub context_name: Cow<'a, [u8]>,
    /// The PDU.
    pub pdu: Pdu<'a>,
}

impl<'a> ScopedPdu<'a> {
    fn content_len(&self) -> usize {
        ber::tlv_len(self.context_engine_id.len())
            + ber::tlv_len(self.context_name.len())
            + self.pdu.encoded_len()
    }

    /// Bytes of the ScopedPDU TLV.
    #[must_use]
    pub fn encoded_len(&self) -> usize {
        ber::tlv_len(self.content_len())
    }

    /// Appends the ScopedPDU TLV.
    pub fn encode(&self, buf: &mut Vec<u8>) {
        encode_scoped(&self.context_engine_id, &self.context_name, &self.pdu, buf);
    }

    /// Decodes a ScopedPDU TLV. Octets after it are ignored: DES pads the plaintext to a
    /// multiple of 8 (RFC 3414 §8.3.2 step 4 says to ignore them).
    ///
    /// # Errors
    /// A [`crate::pdu::Error`] inside [`Error::Pdu`].
    pub fn decode(buf: &'a [u8]) -> Result<Self, Error> {
        let mut r = Reader::new(buf);
        let mut s = r.read_constructed(tag::SEQUENCE).map_err(pdu_err)?;
        let context_engine_id =
            Cow::Borrowed(s.read_primitive(tag::OCTET_STRING).map_err(pdu_err)?);
        let context_name = Cow::Borrowed(s.read_primitive(tag::OCTET_STRING).map_err(pdu_err)?);
        let pdu = Pdu::decode(&mut s)?;
        s.finish().map_err(pdu_err)?;
        Ok(Self {
            context_engine_id,
            context_name,
            pdu,
        })
    }

    /// Copies borrowed bytes.
    #[must_use]
    pub fn into_owned(self) -> ScopedPdu<'static> {
        ScopedPdu {
            context_engine_id: Cow::Owned(self.context_engine_id.into_owned()),
            context_name: Cow::Owned(self.context_name.into_owned()),
            pdu: self.pdu.into_owned(),
        }
    }
}

/// Appends the TLV of a ScopedPDU made of these parts (without building a [`ScopedPdu`]).
pub(crate) fn encode_scoped(
    context_engine_id: &[u8],
    context_name: &[u8],
    pdu: &Pdu<'_>,
    buf: &mut Vec<u8>,
) {
    let content = ber::tlv_len(context_engine_id.len())
        + ber::tlv_len(context_name.len())
        + pdu.encoded_len();
    buf.reserve(ber::tlv_len(content));
    let mut w = Writer::new(buf);
    w.header(tag::SEQUENCE, content);
    w.octets(tag::OCTET_STRING, context_engine_id);
    w.octets(tag::OCTET_STRING, context_name);
    pdu.encode(&mut w);
}

/// `e` with its offset moved by `by`: errors found in a slice of the datagram (the security
/// parameters, the scopedPDU) are reported at their offset in the whole datagram.
pub(super) fn shifted(e: Error, by: usize) -> Error {
    use crate::pdu::Error as P;
    match e {
        Error::NotV3 { offset } => Error::NotV3 {
            offset: offset + by,
        },
        Error::SecurityModel { model, offset } => Error::SecurityModel {
            model,
            offset: offset + by,
        },
        Error::Malformed { what, offset } => Error::Malformed {
            what,
            offset: offset + by,
        },
        Error::Pdu(p) => Error::Pdu(match p {
            P::Ber(mut b) => {
                b.offset += by;
                P::Ber(b)
            }
            P::Version3 { offset } => P::Version3 {
                offset: offset + by,
            },
            P::UnsupportedVersion { version, offset } => P::UnsupportedVersion {
                version,
                offset: offset + by,
            },
            P::UnknownPduType { tag, offset } => P::UnknownPduType {
                tag,
                offset: offset + by,
            },
        }),
        other => other,
    }
}

fn pdu_err(e: ber::Error) -> Error {
    Error::Pdu(e.into())
}

/// msgData: a ScopedPDU in the clear, or its encryption.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScopedPduData<'a> {
    /// plaintext.
    Plaintext(ScopedPdu<'a>),
    /// encryptedPDU: the encrypted BER of a ScopedPDU.
    Encrypted(Cow<'a, [u8]>),
}

/// A whole SNMPv3 message with USM security parameters.
///
/// ```
/// use snmpact::v3::{Flags, MessageV3, ScopedPdu, ScopedPduData, UsmParams};
/// use snmpact::pdu::{GenericPdu, Pdu};
/// // A discovery probe: empty engine id and user, reportable, no varbinds.
/// let probe = MessageV3 {
///     msg_id: 1,
///     max_size: 65507,
///     flags: Flags(Flags::REPORTABLE),
///     usm: UsmParams::default(),
///     data: ScopedPduData::Plaintext(ScopedPdu {
///         context_engine_id: b""[..].into(),
///         context_name: b""[..].into(),
///         pdu: Pdu::GetRequest(GenericPdu { request_id: 1, ..Default::default() }),
///     }),
/// };
/// let bytes = probe.to_bytes();
/// assert_eq!(MessageV3::decode(&bytes).unwrap().0, probe);
/// assert!(MessageV3::decode(&bytes[..bytes.len() - 1]).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageV3<'a> {
    /// msgID: matches a response to its request.
    pub msg_id: i32,
    /// msgMaxSize: the largest message the sender can receive.
    pub max_size: i32,
    /// msgFlags.
    pub flags: Flags,
    /// msgSecurityParameters (the model is always USM here).
    pub usm: UsmParams<'a>,
    /// msgData.
    pub data: ScopedPduData<'a>,
}

/// Where things lie in an encoded or decoded datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Layout {
    /// Offset of msgAuthenticationParameters' content octets.
    pub auth_params: usize,
    /// Their length.
    pub auth_len: usize,
}

impl<'a> MessageV3<'a> {
    fn header_content_len(&self) -> usize {
        ber::tlv_len(ber::int_len(i64::from(self.msg_id)))
            + ber::tlv_len(ber::int_len(i64::from(self.max_size)))
            + ber::tlv_len(1)
            + ber::tlv_len(ber::int_len(i64::from(USM_SECURITY_MODEL)))
    }

    fn data_len(&self) -> usize {
        match &self.data {
            ScopedPduData::Plaintext(s) => s.encoded_len(),
            ScopedPduData::Encrypted(e) => ber::tlv_len(e.len()),
        }
    }

    fn content_len(&self, data_len: usize) -> usize {
        ber::tlv_len(1)
            + ber::tlv_len(self.header_content_len())
            + ber::tlv_len(ber::tlv_len(self.usm.content_len()))
            + data_len
    }

    /// Bytes of the encoded message.
    #[must_use]
    pub fn encoded_len(&self) -> usize {
        ber::tlv_len(self.content_len(self.data_len()))
    }

    /// Appends the encoded message to `buf` and says where its authentication parameters
    /// are (offsets into `buf`).
    pub fn encode(&self, buf: &mut Vec<u8>) -> Layout {
        match &self.data {
            ScopedPduData::Plaintext(s) => {
                let layout = self.encode_head(s.encoded_len(), buf);
                s.encode(buf);
                layout
            }
            ScopedPduData::Encrypted(e) => {
                let layout = self.encode_head(ber::tlv_len(e.len()), buf);
                Writer::new(buf).octets(tag::OCTET_STRING, e);
                layout
            }
        }
    }

    /// Appends the message with `scoped` (the TLV of a scopedPDU, already encoded) as its
    /// msgData; `self.data` is ignored.
    pub(crate) fn encode_with_scoped_tlv(&self, scoped: &[u8], buf: &mut Vec<u8>) -> Layout {
        let layout = self.encode_head(scoped.len(), buf);
        buf.extend_from_slice(scoped);
        layout
    }

    /// Everything before msgData, whose TLV will be `data_len` octets.
    fn encode_head(&self, data_len: usize, buf: &mut Vec<u8>) -> Layout {
        let content = self.content_len(data_len);
        buf.reserve(ber::tlv_len(content));
        let usm_content = self.usm.content_len();
        let mut w = Writer::new(buf);
        w.header(tag::SEQUENCE, content);
        w.int(tag::INTEGER, 3);
        w.header(tag::SEQUENCE, self.header_content_len());
        w.int(tag::INTEGER, i64::from(self.msg_id));
        w.int(tag::INTEGER, i64::from(self.max_size));
        w.octets(tag::OCTET_STRING, &[self.flags.0]);
        w.int(tag::INTEGER, i64::from(USM_SECURITY_MODEL));
        w.header(tag::OCTET_STRING, ber::tlv_len(usm_content));
        w.header(tag::SEQUENCE, usm_content);
        w.octets(tag::OCTET_STRING, &self.usm.engine_id);
        w.int(tag::INTEGER, i64::from(self.usm.boots));
        w.int(tag::INTEGER, i64::from(self.usm.time));
        w.octets(tag::OCTET_STRING, &self.usm.user_name);
        let auth_len = self.usm.auth_params.len();
        w.header(tag::OCTET_STRING, auth_len);
        let layout = Layout {
            auth_params: w.len(),
            auth_len,
        };
        w.raw(&self.usm.auth_params);
        w.octets(tag::OCTET_STRING, &self.usm.priv_params);
        layout
    }

    /// The encoded message in a new vector.
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(self.encoded_len());
        self.encode(&mut v);
        v
    }

    /// Decodes a whole message; nothing may follow it. A plaintext scopedPDU is decoded too.
    /// Every check is [`Head::read`]'s, then the scopedPDU's BER.
    ///
    /// # Errors
    /// [`Error::NotV3`], [`Error::SecurityModel`], [`Error::Malformed`] for header fields out
    /// of their ranges (or privFlag without authFlag), or [`Error::Pdu`] for bad BER; each at
    /// its offset in `buf` ([`Error::offset`]), the first fault in the order of the fields.
    pub fn decode(buf: &'a [u8]) -> Result<(Self, Layout), Error> {
        let (head, rest) = Head::read(buf)?;
        let data = match rest {
            Rest::Plain(bytes) => ScopedPduData::Plaintext(
                ScopedPdu::decode(bytes).map_err(|e| shifted(e, offset_in(buf, bytes)))?,
            ),
            Rest::Encrypted(bytes) => ScopedPduData::Encrypted(Cow::Borrowed(bytes)),
        };
        Ok((
            Self {
                msg_id: head.msg_id,
                max_size: head.max_size,
                flags: head.flags,
                usm: head.usm,
                data,
            },
            head.layout,
        ))
    }

    /// Copies borrowed bytes.
    #[must_use]
    pub fn into_owned(self) -> MessageV3<'static> {
        MessageV3 {
            msg_id: self.msg_id,
            max_size: self.max_size,
            flags: self.flags,
            usm: self.usm.into_owned(),
            data: match self.data {
                ScopedPduData::Plaintext(s) => ScopedPduData::Plaintext(s.into_owned()),
                ScopedPduData::Encrypted(e) => ScopedPduData::Encrypted(Cow::Owned(e.into_owned())),
            },
        }
    }
}

/// The header fields of a message, read without the scopedPDU: what a dispatcher needs to
/// match and authenticate a response. See [`Head::read`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head<'a> {
    /// msgID.
    pub msg_id: i32,
    /// msgMaxSize.
    pub max_size: i32,
    /// msgFlags.
    pub flags: Flags,
    /// The security level msgFlags say (a header with privFlag but not authFlag is refused).
    pub level: crate::usm::SecurityLevel,
    /// The USM parameters.
    pub usm: UsmParams<'a>,
    /// Where msgAuthenticationParameters lie.
    pub layout: Layout,
}

/// What follows the security parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rest<'a> {
    /// The TLV of a plaintext ScopedPDU (not yet decoded).
    Plain(&'a [u8]),
    /// The encryptedPDU's content octets.
    Encrypted(&'a [u8]),
}

impl<'a> Rest<'a> {
    /// The PDU type of a plaintext scopedPDU, read without decoding its varbinds.
    ///
    /// # Errors
    /// [`Error::Pdu`] for bad BER or an unknown PDU tag; [`Error::Encrypted`] for encrypted data.
    pub fn pdu_type(&self) -> Result<PduType, Error> {
        let Rest::Plain(bytes) = self else {
            return Err(Error::Encrypted);
        };
        let mut r = Reader::new(bytes);
        let mut s = r.read_constructed(tag::SEQUENCE).map_err(pdu_err)?;
        s.read_primitive(tag::OCTET_STRING).map_err(pdu_err)?;
        s.read_primitive(tag::OCTET_STRING).map_err(pdu_err)?;
        let h = s.read_header().map_err(pdu_err)?;
        PduType::from_tag(h.tag).ok_or(Error::Pdu(crate::pdu::Error::UnknownPduType {
            tag: h.tag,
            offset: h.offset,
        }))
    }
}

impl<'a> Head<'a> {
    /// Reads everything but the scopedPDU, checking each field as strictly as a full decode
    /// does; the scopedPDU's bytes are returned unread.
    ///
    /// The checks, in order (RFC 3412 §6 and §7.2 steps 1-5, RFC 3414 §2.4): the framing of
    /// the message; msgVersion 3; msgID, msgMaxSize (at least [`MIN_MAX_SIZE`]), msgFlags (one
    /// octet), msgSecurityModel (USM); the UsmSecurityParameters (engine id and user name of at
    /// most 32 octets); msgData (an encryptedPDU when privFlag is set, else a ScopedPDU
    /// SEQUENCE); last, privFlag without authFlag is refused (step 5: no security level).
    ///
    /// # Errors
    /// As [`MessageV3::decode`].
    pub fn read(buf: &'a [u8]) -> Result<(Self, Rest<'a>), Error> {
        let mut r = Reader::new(buf);
        let mut m = r.read_constructed(tag::SEQUENCE).map_err(pdu_err)?;
        r.finish().map_err(pdu_err)?;
        let version_at = m.offset();
        let vc = m.read_primitive(tag::INTEGER).map_err(pdu_err)?;
        match reader::decode_i32(vc, version_at) {
            Ok(3) => {}
            _ => return Err(Error::NotV3 { offset: version_at }),
        }
        let mut g = m.read_constructed(tag::SEQUENCE).map_err(pdu_err)?;
        let msg_id = non_negative(&mut g, "msgID")?;
        let max_size_at = g.offset();
        let max_size = non_negative(&mut g, "msgMaxSize")?;
        if max_size < MIN_MAX_SIZE {
            return Err(malformed("msgMaxSize below 484", max_size_at));
        }
        let flags_at = g.offset();
        let flags = g.read_primitive(tag::OCTET_STRING).map_err(pdu_err)?;
        let [flags] = flags else {
            return Err(malformed("msgFlags not one octet", flags_at));
        };
        let flags = Flags(*flags);
        let model_at = g.offset();
        let model = non_negative(&mut g, "msgSecurityModel")?;
        g.finish().map_err(pdu_err)?;
        if model != USM_SECURITY_MODEL {
            return Err(Error::SecurityModel {
                model,
                offset: model_at,
            });
        }
        let sp = m.read_primitive(tag::OCTET_STRING).map_err(pdu_err)?;
        let usm = read_usm(sp).map_err(|e| shifted(e, offset_in(buf, sp)))?;
        let rest = if flags.privacy() {
            Rest::Encrypted(m.read_primitive(tag::OCTET_STRING).map_err(pdu_err)?)
        } else {
            let start = m.offset();
            let h = m.read_header().map_err(pdu_err)?;
            if h.tag != u32::from(tag::SEQUENCE) {
                return Err(malformed("msgData is not a ScopedPDU", start));
            }
            m.enter(&h).map_err(pdu_err)?;
            let end = h.content + h.len;
            Rest::Plain(&buf[start..end])
        };
        m.finish().map_err(pdu_err)?;
        let Some(level) = flags.level() else {
            return Err(malformed("privFlag without authFlag", flags_at));
        };
        let layout = Layout {
            auth_params: offset_in(buf, &usm.auth_params),
            auth_len: usm.auth_params.len(),
        };
        Ok((
            Self {
                msg_id,
                max_size,
                flags,
                level,
                usm,
                layout,
            },
            rest,
        ))
    }
}

/// Where `part` (a slice of `buf`) starts in `buf`.
pub(super) fn offset_in(buf: &[u8], part: &[u8]) -> usize {
    part.as_ptr().addr() - buf.as_ptr().addr()
}

/// UsmSecurityParameters from the contents of msgSecurityParameters (offsets relative to them).
fn read_usm(sp: &[u8]) -> Result<UsmParams<'_>, Error> {
    let mut spr = Reader::new(sp);
    let mut u = spr.read_constructed(tag::SEQUENCE).map_err(pdu_err)?;
    spr.finish().map_err(pdu_err)?;
    let engine_at = u.offset();
    let engine_id = u.read_primitive(tag::OCTET_STRING).map_err(pdu_err)?;
    let boots = non_negative(&mut u, "msgAuthoritativeEngineBoots")?.cast_unsigned();
    let time = non_negative(&mut u, "msgAuthoritativeEngineTime")?.cast_unsigned();
    let user_at = u.offset();
    let user_name = u.read_primitive(tag::OCTET_STRING).map_err(pdu_err)?;
    let auth_params = u.read_primitive(tag::OCTET_STRING).map_err(pdu_err)?;
    let priv_params = u.read_primitive(tag::OCTET_STRING).map_err(pdu_err)?;
    u.finish().map_err(pdu_err)?;
    if engine_id.len() > MAX_ENGINE_ID {
        return Err(malformed(
            "msgAuthoritativeEngineID longer than 32",
            engine_at,
        ));
    }
    if user_name.len() > MAX_USER_NAME {
        return Err(malformed("msgUserName longer than 32", user_at));
    }
    Ok(UsmParams {
        engine_id: Cow::Borrowed(engine_id),
        boots,
        time,
        user_name: Cow::Borrowed(user_name),
        auth_params: Cow::Borrowed(auth_params),
        priv_params: Cow::Borrowed(priv_params),
    })
}

/// [`Error::Malformed`] at `offset`.
fn malformed(what: &'static str, offset: usize) -> Error {
    Error::Malformed { what, offset }
}

/// Reads an INTEGER in 0..=2^31-1; out of that range, [`Error::Malformed`] naming `field`
/// at the INTEGER's offset.
fn non_negative(r: &mut Reader<'_>, field: &'static str) -> Result<i32, Error> {
    let at = r.offset();
    let c = r.read_primitive(tag::INTEGER).map_err(pdu_err)?;
    match reader::decode_i32(c, at) {
        Ok(v) if v >= 0 => Ok(v),
        Ok(_) => Err(malformed(field, at)),
        Err(e) if e.kind == ber::ErrorKind::IntegerOverflow => Err(malformed(field, at)),
        Err(e) => Err(pdu_err(e)),
    }
}
