//! [`OpaqueValue`]: the numbers net-snmp nests inside an Opaque (draft-perkins-opaque-01,
//! net-snmp's `OPAQUE_SPECIAL_TYPES`), as its `asn_parse_header` recognises them.
//!
//! The Opaque's content is itself a BER TLV whose tag is two octets: `9F` (context class, tag
//! number in the next octet) and `0x30 + n`, where `n` is the APPLICATION tag of the nested type:
//! `9F 76` Counter64, `9F 78` Float (4 octets, IEEE 754 big-endian), `9F 79` Double (8 octets),
//! `9F 7A` Int64, `9F 7B` UInt64.

/// A number nested in an Opaque.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OpaqueValue {
    /// `9F 78`: single precision.
    Float(f32),
    /// `9F 79`: double precision.
    Double(f64),
    /// `9F 76`: Counter64.
    Counter64(u64),
    /// `9F 7A`: signed 64-bit.
    Int64(i64),
    /// `9F 7B`: unsigned 64-bit.
    UInt64(u64),
}

impl OpaqueValue {
    /// The name net-snmp prints for it (`Float` for both float sizes in text; here they differ).
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            OpaqueValue::Float(_) => "Float",
            OpaqueValue::Double(_) => "Double",
            OpaqueValue::Counter64(_) => "Counter64",
            OpaqueValue::Int64(_) => "Int64",
            OpaqueValue::UInt64(_) => "UInt64",
        }
    }
}

/// First identifier octet of a nested value: context class, high tag number form.
const NESTED_TAG1: u8 = 0x9f;
const NESTED_COUNTER64: u8 = 0x76;
const NESTED_FLOAT: u8 = 0x78;
const NESTED_DOUBLE: u8 = 0x79;
const NESTED_INT64: u8 = 0x7a;
const NESTED_UINT64: u8 = 0x7b;

/// The nested number in an Opaque's content, or `None` for a plain Opaque or a malformed one.
///
/// The nested TLV must fill the content exactly. Floats must have their exact size; the 64-bit
/// integers take one to eight octets, or nine with a leading `0x00` (unsigned) or whose first
/// octet only gives the sign (Int64), as net-snmp reads them.
///
/// ```
/// use snmpact::format::{decode_opaque, OpaqueValue};
/// assert_eq!(decode_opaque(&[0x9f, 0x78, 0x04, 0x3f, 0xc0, 0, 0]), Some(OpaqueValue::Float(1.5)));
/// assert_eq!(decode_opaque(&[0x9f, 0x78, 0x01, 0x00]), None); // a float of one octet
/// assert_eq!(decode_opaque(&[0x01, 0x02]), None); // a plain Opaque
/// ```
#[must_use]
pub fn decode_opaque(raw: &[u8]) -> Option<OpaqueValue> {
    let [NESTED_TAG1, tag, rest @ ..] = raw else {
        return None;
    };
    let content = nested_content(rest)?;
    match *tag {
        NESTED_FLOAT => {
            let b: [u8; 4] = content.try_into().ok()?;
            Some(OpaqueValue::Float(f32::from_be_bytes(b)))
        }
        NESTED_DOUBLE => {
            let b: [u8; 8] = content.try_into().ok()?;
            Some(OpaqueValue::Double(f64::from_be_bytes(b)))
        }
        NESTED_COUNTER64 => unsigned64(content).map(OpaqueValue::Counter64),
        NESTED_UINT64 => unsigned64(content).map(OpaqueValue::UInt64),
        NESTED_INT64 => signed64(content).map(OpaqueValue::Int64),
        _ => None,
    }
}

/// The content of the nested TLV after its tag: a definite length, then exactly that many octets.
fn nested_content(rest: &[u8]) -> Option<&[u8]> {
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > size_of::<usize>() || rest.len() < n {
            return None;
        }
        let (digits, rest) = rest.split_at(n);
        let len = digits
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        (len, rest)
    };
    (rest.len() == len).then_some(rest)
}

fn unsigned64(c: &[u8]) -> Option<u64> {
    let digits = match c {
        [] => return None,
        [0, rest @ ..] if c.len() == 9 => rest,
        _ if c.len() <= 8 => c,
        _ => return None,
    };
    Some(
        digits
            .iter()
            .fold(0u64, |acc, &b| (acc << 8) | u64::from(b)),
    )
}

fn signed64(c: &[u8]) -> Option<i64> {
    let (&first, _) = c.split_first()?;
    if c.len() > 9 {
        return None;
    }
    // Sign-extend from the first octet, then shift every octet in (net-snmp keeps the low 64
    // bits, so a nine-octet value's first octet only gives the sign).
    let start: u64 = if first & 0x80 != 0 { u64::MAX } else { 0 };
    let bits = c.iter().fold(start, |acc, &b| (acc << 8) | u64::from(b));
    Some(i64::from_be_bytes(bits.to_be_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_values() {
        let cases: &[(&[u8], Option<OpaqueValue>)] = &[
            (
                &[0x9f, 0x78, 4, 0x3f, 0xc0, 0, 0],
                Some(OpaqueValue::Float(1.5)),
            ),
            (
                &[0x9f, 0x79, 8, 0xc0, 0x02, 0, 0, 0, 0, 0, 0],
                Some(OpaqueValue::Double(-2.25)),
            ),
            (&[0x9f, 0x76, 2, 1, 0], Some(OpaqueValue::Counter64(256))),
            (&[0x9f, 0x76, 1, 0xff], Some(OpaqueValue::Counter64(255))),
            (&[0x9f, 0x7b, 1, 0], Some(OpaqueValue::UInt64(0))),
            (&[0x9f, 0x7b, 2, 0, 1], Some(OpaqueValue::UInt64(1))),
            (
                &[
                    0x9f, 0x7b, 9, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                ],
                Some(OpaqueValue::UInt64(u64::MAX)),
            ),
            (&[0x9f, 0x7a, 1, 0xff], Some(OpaqueValue::Int64(-1))),
            (
                &[0x9f, 0x7a, 8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0],
                Some(OpaqueValue::Int64(-256)),
            ),
            (
                &[0x9f, 0x7a, 8, 0x80, 0, 0, 0, 0, 0, 0, 0],
                Some(OpaqueValue::Int64(i64::MIN)),
            ),
            // net-snmp: nine octets, the first only sets the sign.
            (
                &[
                    0x9f, 0x7a, 9, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                ],
                Some(OpaqueValue::Int64(-1)),
            ),
            // Long-form nested length.
            (&[0x9f, 0x7b, 0x81, 1, 7], Some(OpaqueValue::UInt64(7))),
            // Plain or malformed.
            (&[], None),
            (&[0x9f], None),
            (&[0x9f, 0x78], None),
            (&[0x9f, 0x30, 1, 0], None),
            (&[0x9f, 0x78, 1, 0], None),
            (&[0x9f, 0x78, 4, 0, 0, 0, 0, 0xff], None),
            (&[0x9f, 0x78, 5, 0, 0, 0, 0], None),
            (&[0x9f, 0x7b, 0], None),
            (&[0x9f, 0x7b, 9, 1, 0, 0, 0, 0, 0, 0, 0, 0], None),
            (&[0x9f, 0x7a, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], None),
            (&[0x9f, 0x7b, 0x80], None),
            (&[0x9f, 0x7b, 0x83, 0, 0], None),
            (&[0x01, 0x02, 0x03], None),
        ];
        for &(raw, want) in cases {
            assert_eq!(decode_opaque(raw), want, "{raw:02x?}");
        }
    }

    #[test]
    fn nan_keeps_its_sign() {
        let Some(OpaqueValue::Float(f)) = decode_opaque(&[0x9f, 0x78, 4, 0xff, 0xc0, 0, 0]) else {
            panic!("not a float");
        };
        assert!(f.is_nan() && f.is_sign_negative());
    }
}
