//! [`VarBind`]: an OID and its value, and the BER `SEQUENCE { name, value }` around them.

use crate::ber::{self, Error, Reader, Writer, tag};
use crate::oid::Oid;

use super::Value;

/// A variable binding: an object instance and its value (`Value::Null` in requests).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct VarBind<'a> {
    /// The object instance.
    pub oid: Oid,
    /// Its value, or an exception.
    pub value: Value<'a>,
}

impl<'a> VarBind<'a> {
    /// A varbind of `oid` and `value`.
    #[must_use]
    pub fn new(oid: Oid, value: Value<'a>) -> Self {
        Self { oid, value }
    }

    /// A varbind for a request: `oid` bound to NULL.
    #[must_use]
    pub fn null(oid: Oid) -> Self {
        Self {
            oid,
            value: Value::Null,
        }
    }

    /// Copies borrowed bytes so the varbind outlives its datagram.
    #[must_use]
    pub fn into_owned(self) -> VarBind<'static> {
        VarBind {
            oid: self.oid,
            value: self.value.into_owned(),
        }
    }

    /// The name's BER encoding (the OBJECT IDENTIFIER TLV), as the seed's callbacks received it.
    /// Encodings are canonical, so this equals the agent's bytes whenever the agent encoded
    /// minimally, as RFC 3417 asks.
    #[must_use]
    pub fn oid_ber(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(ber::tlv_len(ber::oid_content_len(self.oid.arcs())));
        Writer::new(&mut out).oid(&self.oid);
        out
    }

    /// The value's BER encoding (its whole TLV), as the seed's callbacks received it.
    #[must_use]
    pub fn value_ber(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.value.encoded_len());
        self.value.encode(&mut Writer::new(&mut out));
        out
    }

    /// Content length of the varbind SEQUENCE.
    #[must_use]
    pub fn content_len(&self) -> usize {
        ber::tlv_len(ber::oid_content_len(self.oid.arcs())) + self.value.encoded_len()
    }

    /// Bytes of the whole varbind TLV.
    #[must_use]
    pub fn encoded_len(&self) -> usize {
        ber::tlv_len(self.content_len())
    }

    /// Appends the varbind TLV.
    pub fn encode(&self, w: &mut Writer<'_>) {
        let oid_len = ber::oid_content_len(self.oid.arcs());
        w.header(
            tag::SEQUENCE,
            ber::tlv_len(oid_len) + self.value.encoded_len(),
        );
        w.oid_with_len(&self.oid, oid_len);
        self.value.encode(w);
    }

    /// Decodes one varbind TLV.
    ///
    /// # Errors
    /// A [`ber::Error`] for a malformed varbind; trailing bytes inside it are an error.
    #[inline]
    pub fn decode(r: &mut Reader<'a>) -> Result<Self, Error> {
        let mut s = r.read_constructed(tag::SEQUENCE)?;
        let oid = s.read_oid()?;
        let value = Value::decode(&mut s)?;
        s.finish()?;
        Ok(Self { oid, value })
    }
}

/// Content length of a varbind list holding `vbs`.
#[must_use]
pub fn list_content_len(vbs: &[VarBind<'_>]) -> usize {
    vbs.iter().map(VarBind::encoded_len).sum()
}

/// Appends the varbind list SEQUENCE, whose content length the caller computed.
pub(crate) fn encode_list(w: &mut Writer<'_>, vbs: &[VarBind<'_>], content_len: usize) {
    w.header(tag::SEQUENCE, content_len);
    for vb in vbs {
        vb.encode(w);
    }
}

/// Decodes a varbind list SEQUENCE.
pub(crate) fn decode_list<'a>(r: &mut Reader<'a>) -> Result<Vec<VarBind<'a>>, Error> {
    let mut list = r.read_constructed(tag::SEQUENCE)?;
    // Count first (headers only) so the vector is allocated once, at its final size.
    let mut count = 0;
    let mut scan = list.clone();
    while !scan.is_empty() {
        if scan.read_any().is_err() {
            break;
        }
        count += 1;
    }
    let mut out = Vec::with_capacity(count);
    while !list.is_empty() {
        out.push(VarBind::decode(&mut list)?);
    }
    Ok(out)
}
