//! [`Message`] and [`Pdu`]: the SNMPv1 (RFC 1157) and SNMPv2c (RFC 1901, RFC 3416) message, every
//! PDU type, and their BER form.
//!
//! ```text
//! Message ::= SEQUENCE { version INTEGER, community OCTET STRING, data PDUs }
//! PDU     ::= [n] IMPLICIT SEQUENCE { request-id, error-status, error-index, variable-bindings }
//! BulkPDU ::= [5] IMPLICIT SEQUENCE { request-id, non-repeaters, max-repetitions, variable-bindings }
//! Trap-PDU ::= [4] IMPLICIT SEQUENCE { enterprise, agent-addr, generic-trap, specific-trap,
//!                                      time-stamp, variable-bindings }
//! ```
//! The codec accepts any PDU type under either version; which combinations a manager sends is the
//! engine's business.

use std::borrow::Cow;

use crate::ber::{self, Reader, Writer, reader, tag};
use crate::oid::Oid;

use super::varbind::{decode_list, encode_list, list_content_len};
use super::{Error, ErrorStatus, VarBind};

/// The SNMP version field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Version {
    /// SNMPv1: version 0.
    #[serde(rename = "1")]
    V1,
    /// SNMPv2c: version 1.
    #[serde(rename = "2c")]
    V2c,
    /// SNMPv3: version 3. Its messages have their own format ([`crate::v3`]); [`Message`]
    /// encodes only v1 and v2c.
    #[serde(rename = "3")]
    V3,
}

impl Version {
    /// The value on the wire.
    #[must_use]
    pub fn to_wire(self) -> i32 {
        match self {
            Version::V1 => 0,
            Version::V2c => 1,
            Version::V3 => 3,
        }
    }

    /// The name net-snmp's `-v` option uses: `1`, `2c` or `3`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V1 => "1",
            Version::V2c => "2c",
            Version::V3 => "3",
        }
    }
}

/// The PDU tag (context class, constructed, RFC 3416 §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum PduType {
    /// `[0]` GetRequest.
    GetRequest = 0xa0,
    /// `[1]` GetNextRequest.
    GetNextRequest = 0xa1,
    /// `[2]` Response (GetResponse in SNMPv1).
    Response = 0xa2,
    /// `[3]` SetRequest.
    SetRequest = 0xa3,
    /// `[4]` SNMPv1 Trap.
    TrapV1 = 0xa4,
    /// `[5]` GetBulkRequest.
    GetBulkRequest = 0xa5,
    /// `[6]` InformRequest.
    InformRequest = 0xa6,
    /// `[7]` SNMPv2-Trap.
    SnmpV2Trap = 0xa7,
    /// `[8]` Report.
    Report = 0xa8,
}

impl PduType {
    /// The PDU type for a tag, if it is one.
    #[must_use]
    pub fn from_tag(t: u32) -> Option<Self> {
        Some(match t {
            0xa0 => Self::GetRequest,
            0xa1 => Self::GetNextRequest,
            0xa2 => Self::Response,
            0xa3 => Self::SetRequest,
            0xa4 => Self::TrapV1,
            0xa5 => Self::GetBulkRequest,
            0xa6 => Self::InformRequest,
            0xa7 => Self::SnmpV2Trap,
            0xa8 => Self::Report,
            _ => return None,
        })
    }

    /// The RFC name (`GetBulkRequest-PDU` without the suffix).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::GetRequest => "GetRequest",
            Self::GetNextRequest => "GetNextRequest",
            Self::Response => "Response",
            Self::SetRequest => "SetRequest",
            Self::TrapV1 => "Trap",
            Self::GetBulkRequest => "GetBulkRequest",
            Self::InformRequest => "InformRequest",
            Self::SnmpV2Trap => "SNMPv2-Trap",
            Self::Report => "Report",
        }
    }
}

/// The fields shared by every PDU but GetBulkRequest and the v1 Trap.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GenericPdu<'a> {
    /// Matches a response to its request.
    pub request_id: i32,
    /// Zero in requests; the agent's verdict in responses.
    pub error_status: ErrorStatus,
    /// 1-based index of the varbind at fault, or 0.
    pub error_index: i32,
    /// The variable bindings.
    pub varbinds: Vec<VarBind<'a>>,
}

/// A GetBulkRequest (RFC 3416 §4.2.3).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BulkPdu<'a> {
    /// Matches a response to its request.
    pub request_id: i32,
    /// How many leading varbinds get one GETNEXT each.
    pub non_repeaters: i32,
    /// How many successors to return for each remaining varbind.
    pub max_repetitions: i32,
    /// The variable bindings.
    pub varbinds: Vec<VarBind<'a>>,
}

/// An SNMPv1 Trap (RFC 1157 §4.1.6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrapV1Pdu<'a> {
    /// The sending entity's sysObjectID.
    pub enterprise: Oid,
    /// The sending agent's IPv4 address.
    pub agent_addr: [u8; 4],
    /// coldStart(0) .. enterpriseSpecific(6).
    pub generic_trap: i32,
    /// The enterprise-specific code.
    pub specific_trap: i32,
    /// sysUpTime when the trap was sent.
    pub time_stamp: u32,
    /// The variable bindings.
    pub varbinds: Vec<VarBind<'a>>,
}

/// Any SNMP v1/v2c PDU.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)] // the variants are the PDU types of [`PduType`]
pub enum Pdu<'a> {
    GetRequest(GenericPdu<'a>),
    GetNextRequest(GenericPdu<'a>),
    Response(GenericPdu<'a>),
    SetRequest(GenericPdu<'a>),
    TrapV1(TrapV1Pdu<'a>),
    GetBulkRequest(BulkPdu<'a>),
    InformRequest(GenericPdu<'a>),
    SnmpV2Trap(GenericPdu<'a>),
    Report(GenericPdu<'a>),
}

impl<'a> Pdu<'a> {
    /// Its type.
    #[must_use]
    pub fn pdu_type(&self) -> PduType {
        match self {
            Pdu::GetRequest(_) => PduType::GetRequest,
            Pdu::GetNextRequest(_) => PduType::GetNextRequest,
            Pdu::Response(_) => PduType::Response,
            Pdu::SetRequest(_) => PduType::SetRequest,
            Pdu::TrapV1(_) => PduType::TrapV1,
            Pdu::GetBulkRequest(_) => PduType::GetBulkRequest,
            Pdu::InformRequest(_) => PduType::InformRequest,
            Pdu::SnmpV2Trap(_) => PduType::SnmpV2Trap,
            Pdu::Report(_) => PduType::Report,
        }
    }

    /// The request-id (none in a v1 Trap).
    #[must_use]
    pub fn request_id(&self) -> Option<i32> {
        match self {
            Pdu::TrapV1(_) => None,
            Pdu::GetBulkRequest(b) => Some(b.request_id),
            Pdu::GetRequest(p)
            | Pdu::GetNextRequest(p)
            | Pdu::Response(p)
            | Pdu::SetRequest(p)
            | Pdu::InformRequest(p)
            | Pdu::SnmpV2Trap(p)
            | Pdu::Report(p) => Some(p.request_id),
        }
    }

    /// Sets the request-id (no effect on a v1 Trap, which has none).
    pub fn set_request_id(&mut self, id: i32) {
        match self {
            Pdu::TrapV1(_) => {}
            Pdu::GetBulkRequest(b) => b.request_id = id,
            Pdu::GetRequest(p)
            | Pdu::GetNextRequest(p)
            | Pdu::Response(p)
            | Pdu::SetRequest(p)
            | Pdu::InformRequest(p)
            | Pdu::SnmpV2Trap(p)
            | Pdu::Report(p) => p.request_id = id,
        }
    }

    /// The generic fields, for every type but GetBulkRequest and the v1 Trap.
    #[must_use]
    pub fn generic(&self) -> Option<&GenericPdu<'a>> {
        match self {
            Pdu::TrapV1(_) | Pdu::GetBulkRequest(_) => None,
            Pdu::GetRequest(p)
            | Pdu::GetNextRequest(p)
            | Pdu::Response(p)
            | Pdu::SetRequest(p)
            | Pdu::InformRequest(p)
            | Pdu::SnmpV2Trap(p)
            | Pdu::Report(p) => Some(p),
        }
    }

    /// The variable bindings.
    #[must_use]
    pub fn varbinds(&self) -> &[VarBind<'a>] {
        match self {
            Pdu::TrapV1(t) => &t.varbinds,
            Pdu::GetBulkRequest(b) => &b.varbinds,
            Pdu::GetRequest(p)
            | Pdu::GetNextRequest(p)
            | Pdu::Response(p)
            | Pdu::SetRequest(p)
            | Pdu::InformRequest(p)
            | Pdu::SnmpV2Trap(p)
            | Pdu::Report(p) => &p.varbinds,
        }
    }

    /// Takes the variable bindings out.
    #[must_use]
    pub fn into_varbinds(self) -> Vec<VarBind<'a>> {
        match self {
            Pdu::TrapV1(t) => t.varbinds,
            Pdu::GetBulkRequest(b) => b.varbinds,
            Pdu::GetRequest(p)
            | Pdu::GetNextRequest(p)
            | Pdu::Response(p)
            | Pdu::SetRequest(p)
            | Pdu::InformRequest(p)
            | Pdu::SnmpV2Trap(p)
            | Pdu::Report(p) => p.varbinds,
        }
    }

    /// Copies borrowed bytes so the PDU outlives its datagram.
    #[must_use]
    pub fn into_owned(self) -> Pdu<'static> {
        fn own(vbs: Vec<VarBind<'_>>) -> Vec<VarBind<'static>> {
            vbs.into_iter().map(VarBind::into_owned).collect()
        }
        fn generic(p: GenericPdu<'_>) -> GenericPdu<'static> {
            GenericPdu {
                request_id: p.request_id,
                error_status: p.error_status,
                error_index: p.error_index,
                varbinds: own(p.varbinds),
            }
        }
        match self {
            Pdu::GetRequest(p) => Pdu::GetRequest(generic(p)),
            Pdu::GetNextRequest(p) => Pdu::GetNextRequest(generic(p)),
            Pdu::Response(p) => Pdu::Response(generic(p)),
            Pdu::SetRequest(p) => Pdu::SetRequest(generic(p)),
            Pdu::InformRequest(p) => Pdu::InformRequest(generic(p)),
            Pdu::SnmpV2Trap(p) => Pdu::SnmpV2Trap(generic(p)),
            Pdu::Report(p) => Pdu::Report(generic(p)),
            Pdu::GetBulkRequest(b) => Pdu::GetBulkRequest(BulkPdu {
                request_id: b.request_id,
                non_repeaters: b.non_repeaters,
                max_repetitions: b.max_repetitions,
                varbinds: own(b.varbinds),
            }),
            Pdu::TrapV1(t) => Pdu::TrapV1(TrapV1Pdu {
                enterprise: t.enterprise,
                agent_addr: t.agent_addr,
                generic_trap: t.generic_trap,
                specific_trap: t.specific_trap,
                time_stamp: t.time_stamp,
                varbinds: own(t.varbinds),
            }),
        }
    }

    /// Content length of the PDU given its varbind list's content length.
    fn content_len(&self, vbl: usize) -> usize {
        let head = match self {
            Pdu::TrapV1(t) => {
                ber::tlv_len(ber::oid_content_len(t.enterprise.arcs()))
                    + ber::tlv_len(4)
                    + ber::tlv_len(ber::int_len(i64::from(t.generic_trap)))
                    + ber::tlv_len(ber::int_len(i64::from(t.specific_trap)))
                    + ber::tlv_len(ber::uint_len(u64::from(t.time_stamp)))
            }
            Pdu::GetBulkRequest(b) => {
                ber::tlv_len(ber::int_len(i64::from(b.request_id)))
                    + ber::tlv_len(ber::int_len(i64::from(b.non_repeaters)))
                    + ber::tlv_len(ber::int_len(i64::from(b.max_repetitions)))
            }
            Pdu::GetRequest(p)
            | Pdu::GetNextRequest(p)
            | Pdu::Response(p)
            | Pdu::SetRequest(p)
            | Pdu::InformRequest(p)
            | Pdu::SnmpV2Trap(p)
            | Pdu::Report(p) => {
                ber::tlv_len(ber::int_len(i64::from(p.request_id)))
                    + ber::tlv_len(ber::int_len(i64::from(p.error_status.to_i32())))
                    + ber::tlv_len(ber::int_len(i64::from(p.error_index)))
            }
        };
        head + ber::tlv_len(vbl)
    }

    /// Bytes of the whole PDU TLV.
    #[must_use]
    pub fn encoded_len(&self) -> usize {
        ber::tlv_len(self.content_len(list_content_len(self.varbinds())))
    }

    /// Appends the PDU TLV.
    pub fn encode(&self, w: &mut Writer<'_>) {
        let vbl = list_content_len(self.varbinds());
        self.encode_with(w, vbl);
    }

    fn encode_with(&self, w: &mut Writer<'_>, vbl: usize) {
        w.header(self.pdu_type() as u8, self.content_len(vbl));
        match self {
            Pdu::TrapV1(t) => {
                w.oid(&t.enterprise);
                w.octets(tag::IP_ADDRESS, &t.agent_addr);
                w.int(tag::INTEGER, i64::from(t.generic_trap));
                w.int(tag::INTEGER, i64::from(t.specific_trap));
                w.uint(tag::TIMETICKS, u64::from(t.time_stamp));
            }
            Pdu::GetBulkRequest(b) => {
                w.int(tag::INTEGER, i64::from(b.request_id));
                w.int(tag::INTEGER, i64::from(b.non_repeaters));
                w.int(tag::INTEGER, i64::from(b.max_repetitions));
            }
            Pdu::GetRequest(p)
            | Pdu::GetNextRequest(p)
            | Pdu::Response(p)
            | Pdu::SetRequest(p)
            | Pdu::InformRequest(p)
            | Pdu::SnmpV2Trap(p)
            | Pdu::Report(p) => {
                w.int(tag::INTEGER, i64::from(p.request_id));
                w.int(tag::INTEGER, i64::from(p.error_status.to_i32()));
                w.int(tag::INTEGER, i64::from(p.error_index));
            }
        }
        encode_list(w, self.varbinds(), vbl);
    }

    /// Decodes one PDU TLV.
    ///
    /// # Errors
    /// [`Error::UnknownPduType`] for a tag that is no PDU, else a [`ber::Error`].
    pub fn decode(r: &mut Reader<'a>) -> Result<Self, Error> {
        let h = r.read_header()?;
        let Some(kind) = PduType::from_tag(h.tag) else {
            return Err(Error::UnknownPduType {
                tag: h.tag,
                offset: h.offset,
            });
        };
        let mut p = r.enter(&h)?;
        let pdu = match kind {
            PduType::TrapV1 => {
                let enterprise = p.read_oid()?;
                let addr_at = p.offset();
                let addr = p.read_primitive(tag::IP_ADDRESS)?;
                let addr: [u8; 4] = addr.try_into().map_err(|_| {
                    ber::Error::new(
                        ber::ErrorKind::BadLength {
                            tag: tag::IP_ADDRESS,
                            expected: 4,
                            actual: addr.len(),
                        },
                        addr_at,
                    )
                })?;
                let generic_trap = p.read_i32(tag::INTEGER)?;
                let specific_trap = p.read_i32(tag::INTEGER)?;
                let time_stamp = p.read_u32(tag::TIMETICKS)?;
                Pdu::TrapV1(TrapV1Pdu {
                    enterprise,
                    agent_addr: addr,
                    generic_trap,
                    specific_trap,
                    time_stamp,
                    varbinds: decode_list(&mut p)?,
                })
            }
            PduType::GetBulkRequest => Pdu::GetBulkRequest(BulkPdu {
                request_id: p.read_i32(tag::INTEGER)?,
                non_repeaters: p.read_i32(tag::INTEGER)?,
                max_repetitions: p.read_i32(tag::INTEGER)?,
                varbinds: decode_list(&mut p)?,
            }),
            _ => {
                let g = GenericPdu {
                    request_id: p.read_i32(tag::INTEGER)?,
                    error_status: ErrorStatus::from_i32(p.read_i32(tag::INTEGER)?),
                    error_index: p.read_i32(tag::INTEGER)?,
                    varbinds: decode_list(&mut p)?,
                };
                match kind {
                    PduType::GetRequest => Pdu::GetRequest(g),
                    PduType::GetNextRequest => Pdu::GetNextRequest(g),
                    PduType::Response => Pdu::Response(g),
                    PduType::SetRequest => Pdu::SetRequest(g),
                    PduType::InformRequest => Pdu::InformRequest(g),
                    PduType::SnmpV2Trap => Pdu::SnmpV2Trap(g),
                    _ => Pdu::Report(g),
                }
            }
        };
        p.finish()?;
        Ok(pdu)
    }
}

/// The header fields of a message, read without decoding its varbinds: what a dispatcher needs
/// to match a response to its request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Peek<'a> {
    /// v1 or v2c.
    pub version: Version,
    /// The community string.
    pub community: &'a [u8],
    /// The PDU type.
    pub pdu_type: PduType,
    /// The request-id (`None` for a v1 Trap).
    pub request_id: Option<i32>,
}

/// A whole SNMPv1 or SNMPv2c message.
///
/// ```
/// use snmpact::pdu::{Message, Pdu, GenericPdu, VarBind, Version};
/// let msg = Message {
///     version: Version::V2c,
///     community: b"public"[..].into(),
///     pdu: Pdu::GetRequest(GenericPdu {
///         request_id: 1,
///         varbinds: vec![VarBind::null("1.3.6.1.2.1.1.1.0".parse().unwrap())],
///         ..Default::default()
///     }),
/// };
/// let bytes = msg.to_bytes();
/// assert_eq!(Message::decode(&bytes).unwrap(), msg);
/// // One byte short: an error naming the offset, never a panic.
/// assert!(Message::decode(&bytes[..bytes.len() - 1]).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message<'a> {
    /// v1 or v2c.
    pub version: Version,
    /// The community string (a shared secret: never log it).
    pub community: Cow<'a, [u8]>,
    /// The PDU.
    pub pdu: Pdu<'a>,
}

impl<'a> Message<'a> {
    /// Decodes one whole message; nothing may follow it.
    ///
    /// # Errors
    /// [`Error::Version3`] for an SNMPv3 message, [`Error::UnsupportedVersion`] for other
    /// versions, [`Error::UnknownPduType`], or a [`ber::Error`] naming its kind and offset.
    pub fn decode(buf: &'a [u8]) -> Result<Self, Error> {
        let mut r = Reader::new(buf);
        let mut m = r.read_constructed(tag::SEQUENCE)?;
        r.finish()?;
        let version = read_version(&mut m)?;
        let community = Cow::Borrowed(m.read_primitive(tag::OCTET_STRING)?);
        let pdu = Pdu::decode(&mut m)?;
        m.finish()?;
        Ok(Self {
            version,
            community,
            pdu,
        })
    }

    /// Reads version, community, PDU type and request-id only. It checks those fields as
    /// strictly as [`Message::decode`] but not the varbinds, so a datagram it accepts may still
    /// fail a full decode.
    ///
    /// # Errors
    /// As [`Message::decode`], for the fields it reads.
    pub fn peek(buf: &'a [u8]) -> Result<Peek<'a>, Error> {
        let mut r = Reader::new(buf);
        let mut m = r.read_constructed(tag::SEQUENCE)?;
        r.finish()?;
        let version = read_version(&mut m)?;
        let community = m.read_primitive(tag::OCTET_STRING)?;
        let h = m.read_header()?;
        let Some(pdu_type) = PduType::from_tag(h.tag) else {
            return Err(Error::UnknownPduType {
                tag: h.tag,
                offset: h.offset,
            });
        };
        let request_id = if pdu_type == PduType::TrapV1 {
            None
        } else {
            Some(m.enter(&h)?.read_i32(tag::INTEGER)?)
        };
        Ok(Peek {
            version,
            community,
            pdu_type,
            request_id,
        })
    }

    /// Copies borrowed bytes so the message outlives its datagram.
    #[must_use]
    pub fn into_owned(self) -> Message<'static> {
        Message {
            version: self.version,
            community: Cow::Owned(self.community.into_owned()),
            pdu: self.pdu.into_owned(),
        }
    }

    fn content_len(&self, vbl: usize) -> usize {
        ber::tlv_len(1)
            + ber::tlv_len(self.community.len())
            + ber::tlv_len(self.pdu.content_len(vbl))
    }

    /// Bytes of the encoded message.
    #[must_use]
    pub fn encoded_len(&self) -> usize {
        ber::tlv_len(self.content_len(list_content_len(self.pdu.varbinds())))
    }

    /// Appends the encoded message to `buf` (which is not cleared: reuse one buffer per socket).
    pub fn encode(&self, buf: &mut Vec<u8>) {
        let vbl = list_content_len(self.pdu.varbinds());
        let content = self.content_len(vbl);
        buf.reserve(ber::tlv_len(content));
        let mut w = Writer::new(buf);
        w.header(tag::SEQUENCE, content);
        w.int(tag::INTEGER, i64::from(self.version.to_wire()));
        w.octets(tag::OCTET_STRING, &self.community);
        self.pdu.encode_with(&mut w, vbl);
    }

    /// The encoded message in a new vector.
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(self.encoded_len());
        self.encode(&mut v);
        v
    }
}

/// Reads the version field: 0 and 1 are v1 and v2c, 3 is SNMPv3 (its own error), others unsupported.
fn read_version(m: &mut Reader<'_>) -> Result<Version, Error> {
    let version_at = m.offset();
    let vc = m.read_primitive(tag::INTEGER)?;
    let version = match reader::decode_i32(vc, version_at) {
        Ok(0) => Version::V1,
        Ok(1) => Version::V2c,
        Ok(3) => return Err(Error::Version3 { offset: version_at }),
        Ok(v) => {
            return Err(Error::UnsupportedVersion {
                version: i64::from(v),
                offset: version_at,
            });
        }
        Err(e) if e.kind == ber::ErrorKind::IntegerOverflow => {
            return Err(Error::UnsupportedVersion {
                version: i64::MAX,
                offset: version_at,
            });
        }
        Err(e) => return Err(e.into()),
    };
    Ok(version)
}
