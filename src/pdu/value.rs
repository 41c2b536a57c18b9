//! [`Value`]: the value half of a varbind, every SMIv2 type (RFC 2578 §7.1, RFC 3416 §3) plus the
//! three exceptions, and its BER form.
//!
//! Octet-string-like values borrow from the decoded datagram (`Cow::Borrowed`); call
//! [`Value::into_owned`] to keep one past the datagram's life.

use std::borrow::Cow;
use std::net::Ipv4Addr;

use crate::ber::{self, Error, ErrorKind, Reader, Writer, reader, tag};
use crate::oid::Oid;

/// A varbind value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Value<'a> {
    /// INTEGER / Integer32.
    Integer(i32),
    /// OCTET STRING (text or binary).
    OctetString(Cow<'a, [u8]>),
    /// NULL: the value of every varbind in a request.
    Null,
    /// OBJECT IDENTIFIER.
    ObjectId(Oid),
    /// IpAddress (IPv4 only, four octets).
    IpAddress([u8; 4]),
    /// Counter32.
    Counter32(u32),
    /// Gauge32, also known as Unsigned32.
    Gauge32(u32),
    /// TimeTicks: hundredths of a second.
    TimeTicks(u32),
    /// Opaque: arbitrary BER wrapped in an octet string.
    Opaque(Cow<'a, [u8]>),
    /// Counter64 (SNMPv2c and later).
    Counter64(u64),
    /// Exception: noSuchObject.
    NoSuchObject,
    /// Exception: noSuchInstance.
    NoSuchInstance,
    /// Exception: endOfMibView.
    EndOfMibView,
    /// A tag this crate does not know, kept raw so the rest of the message still decodes.
    Other {
        /// Identifier octets, packed big-endian.
        tag: u32,
        /// Content octets.
        raw: Cow<'a, [u8]>,
    },
}

impl Value<'_> {
    /// Copies borrowed bytes so the value outlives the datagram it was decoded from.
    #[must_use]
    pub fn into_owned(self) -> Value<'static> {
        match self {
            Value::Integer(v) => Value::Integer(v),
            Value::OctetString(s) => Value::OctetString(Cow::Owned(s.into_owned())),
            Value::Null => Value::Null,
            Value::ObjectId(o) => Value::ObjectId(o),
            Value::IpAddress(a) => Value::IpAddress(a),
            Value::Counter32(v) => Value::Counter32(v),
            Value::Gauge32(v) => Value::Gauge32(v),
            Value::TimeTicks(v) => Value::TimeTicks(v),
            Value::Opaque(s) => Value::Opaque(Cow::Owned(s.into_owned())),
            Value::Counter64(v) => Value::Counter64(v),
            Value::NoSuchObject => Value::NoSuchObject,
            Value::NoSuchInstance => Value::NoSuchInstance,
            Value::EndOfMibView => Value::EndOfMibView,
            Value::Other { tag, raw } => Value::Other {
                tag,
                raw: Cow::Owned(raw.into_owned()),
            },
        }
    }

    /// True for noSuchObject, noSuchInstance and endOfMibView.
    #[must_use]
    pub fn is_exception(&self) -> bool {
        matches!(
            self,
            Value::NoSuchObject | Value::NoSuchInstance | Value::EndOfMibView
        )
    }

    /// The identifier octets this value encodes with.
    #[must_use]
    pub fn tag(&self) -> u32 {
        let t = match self {
            Value::Integer(_) => tag::INTEGER,
            Value::OctetString(_) => tag::OCTET_STRING,
            Value::Null => tag::NULL,
            Value::ObjectId(_) => tag::OBJECT_IDENTIFIER,
            Value::IpAddress(_) => tag::IP_ADDRESS,
            Value::Counter32(_) => tag::COUNTER32,
            Value::Gauge32(_) => tag::GAUGE32,
            Value::TimeTicks(_) => tag::TIMETICKS,
            Value::Opaque(_) => tag::OPAQUE,
            Value::Counter64(_) => tag::COUNTER64,
            Value::NoSuchObject => tag::NO_SUCH_OBJECT,
            Value::NoSuchInstance => tag::NO_SUCH_INSTANCE,
            Value::EndOfMibView => tag::END_OF_MIB_VIEW,
            Value::Other { tag, .. } => return *tag,
        };
        u32::from(t)
    }

    /// The SMI type name (`INTEGER`, `OCTET STRING`, `Counter64`, ...).
    #[must_use]
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Integer(_) => "INTEGER",
            Value::OctetString(_) => "OCTET STRING",
            Value::Null => "NULL",
            Value::ObjectId(_) => "OBJECT IDENTIFIER",
            Value::IpAddress(_) => "IpAddress",
            Value::Counter32(_) => "Counter32",
            Value::Gauge32(_) => "Gauge32",
            Value::TimeTicks(_) => "TimeTicks",
            Value::Opaque(_) => "Opaque",
            Value::Counter64(_) => "Counter64",
            Value::NoSuchObject => "noSuchObject",
            Value::NoSuchInstance => "noSuchInstance",
            Value::EndOfMibView => "endOfMibView",
            Value::Other { .. } => "unknown",
        }
    }

    /// The value as an IPv4 address, for IpAddress.
    #[must_use]
    pub fn as_ipv4(&self) -> Option<Ipv4Addr> {
        match self {
            Value::IpAddress(a) => Some(Ipv4Addr::from(*a)),
            _ => None,
        }
    }

    /// The value as an unsigned number, for the counter, gauge and timeticks types and for
    /// non-negative INTEGERs (what a poller turns into a rate).
    #[must_use]
    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            Value::Integer(v) => u64::try_from(v).ok(),
            Value::Counter32(v) | Value::Gauge32(v) | Value::TimeTicks(v) => Some(u64::from(v)),
            Value::Counter64(v) => Some(v),
            _ => None,
        }
    }

    /// The octets of an OCTET STRING or Opaque.
    #[must_use]
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Value::OctetString(s) | Value::Opaque(s) => Some(s),
            _ => None,
        }
    }

    /// Content length of this value's TLV.
    #[must_use]
    pub fn content_len(&self) -> usize {
        match self {
            Value::Integer(v) => ber::int_len(i64::from(*v)),
            Value::OctetString(s) | Value::Opaque(s) => s.len(),
            Value::Other { raw, .. } => raw.len(),
            Value::Null | Value::NoSuchObject | Value::NoSuchInstance | Value::EndOfMibView => 0,
            Value::ObjectId(o) => ber::oid_content_len(o.arcs()),
            Value::IpAddress(_) => 4,
            Value::Counter32(v) | Value::Gauge32(v) | Value::TimeTicks(v) => {
                ber::uint_len(u64::from(*v))
            }
            Value::Counter64(v) => ber::uint_len(*v),
        }
    }

    /// Bytes of this value's whole TLV.
    #[must_use]
    pub fn encoded_len(&self) -> usize {
        let c = self.content_len();
        let tag_len = match self {
            Value::Other { tag, .. } => (4 - tag.leading_zeros() as usize / 8).max(1),
            _ => 1,
        };
        tag_len + ber::length_len(c) + c
    }

    /// Appends this value's TLV.
    pub fn encode(&self, w: &mut Writer<'_>) {
        match self {
            Value::Integer(v) => w.int(tag::INTEGER, i64::from(*v)),
            Value::OctetString(s) => w.octets(tag::OCTET_STRING, s),
            Value::Null => w.header(tag::NULL, 0),
            Value::ObjectId(o) => w.oid(o),
            Value::IpAddress(a) => w.octets(tag::IP_ADDRESS, a),
            Value::Counter32(v) => w.uint(tag::COUNTER32, u64::from(*v)),
            Value::Gauge32(v) => w.uint(tag::GAUGE32, u64::from(*v)),
            Value::TimeTicks(v) => w.uint(tag::TIMETICKS, u64::from(*v)),
            Value::Opaque(s) => w.octets(tag::OPAQUE, s),
            Value::Counter64(v) => w.uint(tag::COUNTER64, *v),
            Value::NoSuchObject => w.header(tag::NO_SUCH_OBJECT, 0),
            Value::NoSuchInstance => w.header(tag::NO_SUCH_INSTANCE, 0),
            Value::EndOfMibView => w.header(tag::END_OF_MIB_VIEW, 0),
            Value::Other { tag, raw } => {
                w.tag(*tag);
                w.length(raw.len());
                w.raw(raw);
            }
        }
    }
}

impl<'a> Value<'a> {
    /// Decodes one value TLV.
    ///
    /// # Errors
    /// A [`ber::Error`] for a malformed known type (bad length, out-of-range integer, bad OID, a
    /// constructed simple type). Unknown tags are not errors: they become [`Value::Other`].
    #[inline]
    pub fn decode(r: &mut Reader<'a>) -> Result<Self, Error> {
        let (h, c) = r.read_any()?;
        let off = h.offset;
        let v = match h.tag {
            0x02 => Value::Integer(reader::decode_i32(c, off)?),
            0x04 => Value::OctetString(Cow::Borrowed(c)),
            0x05 => {
                reader::check_len(&h, 0)?;
                Value::Null
            }
            0x06 => Value::ObjectId(reader::decode_oid(c, off)?),
            0x40 => {
                reader::check_len(&h, 4)?;
                Value::IpAddress([c[0], c[1], c[2], c[3]])
            }
            0x41 => Value::Counter32(reader::decode_u32(c, off)?),
            0x42 => Value::Gauge32(reader::decode_u32(c, off)?),
            0x43 => Value::TimeTicks(reader::decode_u32(c, off)?),
            0x44 => Value::Opaque(Cow::Borrowed(c)),
            0x46 => Value::Counter64(reader::decode_u64(c, off)?),
            0x80 => {
                reader::check_len(&h, 0)?;
                Value::NoSuchObject
            }
            0x81 => {
                reader::check_len(&h, 0)?;
                Value::NoSuchInstance
            }
            0x82 => {
                reader::check_len(&h, 0)?;
                Value::EndOfMibView
            }
            // Constructed forms of simple types: forbidden in SNMP (RFC 3417 §8).
            t @ (0x22 | 0x24 | 0x25 | 0x26 | 0x60..=0x67) => {
                return Err(Error::new(
                    ErrorKind::ConstructedPrimitive {
                        tag: reader::first_octet(t),
                    },
                    off,
                ));
            }
            t => Value::Other {
                tag: t,
                raw: Cow::Borrowed(c),
            },
        };
        Ok(v)
    }
}
