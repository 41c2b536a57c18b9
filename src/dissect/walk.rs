//! The generic TLV walk behind [`super::dissect`]: framing with [`Reader`], roles by position in
//! the SNMP grammar (RFC 1157 §4, RFC 3416 §3; for SNMPv3 RFC 3412 §6 and RFC 3414 §2.4), values
//! by tag, and what a value means by its role.
//!
//! Recursion follows constructed elements, and the one primitive that holds BER
//! (msgSecurityParameters, whose octets are a UsmSecurityParameters SEQUENCE), and is bounded by
//! [`crate::ber::MAX_DEPTH`] through [`Reader::enter`], so no input can exhaust the stack.

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::ber::{self, ErrorKind, Header, Reader, reader, tag};
use crate::mib;
use crate::pdu::{ErrorStatus, PduType};
use crate::v3::{Flags, ReportKind, USM_SECURITY_MODEL};

use super::{Decoded, Node, Options};

/// Where a sequence of elements sits in the SNMP grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    /// The whole input: one Message, maybe followed by stray bytes.
    Top,
    /// Inside the Message SEQUENCE.
    Message,
    /// Inside SNMPv3's msgGlobalData.
    GlobalData,
    /// The octets of msgSecurityParameters (USM): one UsmSecurityParameters.
    SecurityParameters,
    /// Inside UsmSecurityParameters.
    Usm,
    /// Inside a plaintext ScopedPDU.
    ScopedPdu,
    /// Inside a PDU with request-id, error-status, error-index.
    Generic,
    /// Inside a GetBulkRequest-PDU.
    Bulk,
    /// Inside an SNMPv1 Trap-PDU.
    TrapV1,
    /// Inside variable-bindings.
    VarBindList,
    /// Inside one varbind.
    VarBind,
    /// Anywhere else: elements get no role.
    Unknown,
}

/// What the grammar wants at one position.
enum Expect {
    /// An element with this identifier octet.
    Tag(u8),
    /// A PDU tag (`[0]`..`[8]`, constructed).
    Pdu,
    /// Any element.
    Any,
}

/// What the first fields of a Message said, which decides how the later ones are read.
#[derive(Debug, Clone, Copy, Default)]
struct Seen {
    /// The version field, once read.
    version: Option<i64>,
    /// msgSecurityModel is USM, so msgSecurityParameters holds UsmSecurityParameters.
    usm: bool,
}

/// The role of the element at `index` in `ctx`, what it must be to have that role, and the
/// context of its children. `t` is the element's tag (SNMPv3's msgData is named by it).
fn slot(ctx: Ctx, index: usize, seen: Seen, t: u32) -> Option<(String, Expect, Ctx)> {
    let fixed = |role: &str, t: u8, child: Ctx| Some((role.to_owned(), Expect::Tag(t), child));
    let int = |role: &str| fixed(role, tag::INTEGER, Ctx::Unknown);
    let octets = |role: &str| fixed(role, tag::OCTET_STRING, Ctx::Unknown);
    let varbinds = || fixed("variable-bindings", tag::SEQUENCE, Ctx::VarBindList);
    let v3 = seen.version == Some(3);
    match (ctx, index) {
        (Ctx::Top, 0) => fixed("message", tag::SEQUENCE, Ctx::Message),
        (Ctx::Top, _) => Some(("after the message".to_owned(), Expect::Any, Ctx::Unknown)),
        (Ctx::Message, 0) => int("version"),
        // SNMPv3 (RFC 3412 §6).
        (Ctx::Message, 1) if v3 => fixed("msgGlobalData", tag::SEQUENCE, Ctx::GlobalData),
        (Ctx::Message, 2) if v3 && seen.usm => fixed(
            "msgSecurityParameters",
            tag::OCTET_STRING,
            Ctx::SecurityParameters,
        ),
        (Ctx::Message, 2) if v3 => octets("msgSecurityParameters"),
        // msgData is named for what it is; the verdict says whether msgFlags agree.
        (Ctx::Message, 3) if v3 => Some(match t {
            0x30 => ("scopedPDU".to_owned(), Expect::Any, Ctx::ScopedPdu),
            0x04 => ("encryptedPDU".to_owned(), Expect::Any, Ctx::Unknown),
            _ => ("msgData".to_owned(), Expect::Any, Ctx::Unknown),
        }),
        (Ctx::Message, _) if v3 => None,
        (Ctx::GlobalData, 0) => int("msgID"),
        (Ctx::GlobalData, 1) => int("msgMaxSize"),
        (Ctx::GlobalData, 2) => octets("msgFlags"),
        (Ctx::GlobalData, 3) => int("msgSecurityModel"),
        (Ctx::SecurityParameters, 0) => fixed("UsmSecurityParameters", tag::SEQUENCE, Ctx::Usm),
        (Ctx::Usm, 0) => octets("msgAuthoritativeEngineID"),
        (Ctx::Usm, 1) => int("msgAuthoritativeEngineBoots"),
        (Ctx::Usm, 2) => int("msgAuthoritativeEngineTime"),
        (Ctx::Usm, 3) => octets("msgUserName"),
        (Ctx::Usm, 4) => octets("msgAuthenticationParameters"),
        (Ctx::Usm, 5) => octets("msgPrivacyParameters"),
        (Ctx::ScopedPdu, 0) => octets("contextEngineID"),
        (Ctx::ScopedPdu, 1) => octets("contextName"),
        (Ctx::ScopedPdu, 2) => Some((String::new(), Expect::Pdu, Ctx::Unknown)),
        (Ctx::Message, 1) => fixed("community", tag::OCTET_STRING, Ctx::Unknown),
        (Ctx::Message, 2) => Some((String::new(), Expect::Pdu, Ctx::Unknown)),
        (Ctx::Generic, 0) | (Ctx::Bulk, 0) => int("request-id"),
        (Ctx::Generic, 1) => int("error-status"),
        (Ctx::Generic, 2) => int("error-index"),
        (Ctx::Bulk, 1) => int("non-repeaters"),
        (Ctx::Bulk, 2) => int("max-repetitions"),
        (Ctx::Generic | Ctx::Bulk, 3) | (Ctx::TrapV1, 5) => varbinds(),
        (Ctx::TrapV1, 0) => fixed("enterprise", tag::OBJECT_IDENTIFIER, Ctx::Unknown),
        (Ctx::TrapV1, 1) => fixed("agent-addr", tag::IP_ADDRESS, Ctx::Unknown),
        (Ctx::TrapV1, 2) => int("generic-trap"),
        (Ctx::TrapV1, 3) => int("specific-trap"),
        (Ctx::TrapV1, 4) => fixed("time-stamp", tag::TIMETICKS, Ctx::Unknown),
        (Ctx::VarBindList, i) => fixed(&format!("varbind {}", i + 1), tag::SEQUENCE, Ctx::VarBind),
        (Ctx::VarBind, 0) => fixed("name", tag::OBJECT_IDENTIFIER, Ctx::Unknown),
        (Ctx::VarBind, 1) => Some(("value".to_owned(), Expect::Any, Ctx::Unknown)),
        _ => None,
    }
}

/// Walks `input`: the top-level elements, and where the walk stopped if framing broke there.
pub(super) fn walk(input: &[u8], options: Options) -> (Vec<Node>, Option<ber::Error>) {
    let mut r = Reader::new(input);
    let mut out = Vec::new();
    let fault = walk_level(&mut r, Ctx::Top, options, &mut out);
    (out, fault)
}

/// Walks the elements left in `r` into `out`. Returns the framing error that ended the walk of
/// this level early, if any.
fn walk_level(
    r: &mut Reader<'_>,
    ctx: Ctx,
    options: Options,
    out: &mut Vec<Node>,
) -> Option<ber::Error> {
    let input = r.input();
    let mut seen = Seen::default();
    let mut index = 0;
    while !r.is_empty() {
        let start = r.offset();
        let (h, content, truncated) = match r.read_any() {
            Ok((h, content)) => (h, content, None),
            Err(e) => match truncated_header(input, start, e) {
                Some(h) => (h, &input[h.content..h.content + h.len], Some(e)),
                None => return Some(e),
            },
        };
        let mut node = new_node(input, &h);
        if let Some(e) = truncated {
            node.error = Some(e);
            if let ErrorKind::Truncated { needed, .. } = e.kind {
                node.len = needed;
            }
        }
        // The role only when the element is what the grammar wants there.
        let mut child_ctx = Ctx::Unknown;
        if let Some((role, expect, child)) = slot(ctx, index, seen, h.tag) {
            let pdu = PduType::from_tag(h.tag);
            let fits = match expect {
                Expect::Tag(t) => h.tag == u32::from(t),
                Expect::Pdu => pdu.is_some(),
                Expect::Any => true,
            };
            if fits {
                child_ctx = match (expect, pdu) {
                    (Expect::Pdu, Some(PduType::TrapV1)) => Ctx::TrapV1,
                    (Expect::Pdu, Some(PduType::GetBulkRequest)) => Ctx::Bulk,
                    (Expect::Pdu, _) => Ctx::Generic,
                    _ => child,
                };
                node.role = (!role.is_empty()).then_some(role);
            }
        }
        // msgSecurityParameters is an OCTET STRING whose octets are BER (RFC 3412 §6): walked
        // as if it were constructed.
        if node.constructed || child_ctx == Ctx::SecurityParameters {
            if node.constructed && node.error.is_none() {
                node.error = constructed_primitive(&h);
            }
            // `r` is already past the element; `enter` gives a reader over its content, one
            // level deeper, or fails past MAX_DEPTH.
            match r.enter(&h) {
                Ok(mut sub) => {
                    node.fault = walk_level(&mut sub, child_ctx, options, &mut node.children);
                }
                Err(e) => node.fault = Some(e),
            }
            if PduType::from_tag(h.tag) == Some(PduType::Report) {
                node.meaning = report_meaning(&node);
            }
        } else if truncated.is_none() {
            decode_primitive(&mut node, &h, content, options);
        }
        if ctx == Ctx::Message {
            match (index, &node.value) {
                (0, Some(Decoded::Integer(v))) => {
                    seen.version = Some(*v);
                    if *v == 3 && node.role.is_some() {
                        node.role = Some("msgVersion".to_owned());
                    }
                }
                (1, _) if node.role.is_some() => {
                    seen.usm = node.children.iter().any(|c| {
                        c.role.as_deref() == Some("msgSecurityModel")
                            && c.value == Some(Decoded::Integer(USM_SECURITY_MODEL.into()))
                    });
                }
                _ => {}
            }
        }
        out.push(node);
        if truncated.is_some() {
            // It runs to the end of its container: nothing can follow it.
            break;
        }
        index += 1;
    }
    None
}

/// When `e` says the element at `start` is longer than what is left, its header with the length
/// cut to the bytes present, so the walk can show them. `None` for any other error.
///
/// [`Reader::read_header`] refuses such an element outright; a truncated capture is the commonest
/// fault a dissection meets, so this reads the identifier and length octets again (they were
/// complete, or the error would name another byte).
fn truncated_header(input: &[u8], start: usize, e: ber::Error) -> Option<Header> {
    let ErrorKind::Truncated { needed, available } = e.kind else {
        return None;
    };
    if e.offset != start {
        return None;
    }
    let mut pos = start;
    let next = |pos: &mut usize| {
        let b = input.get(*pos).copied();
        *pos += 1;
        b
    };
    let first = next(&mut pos)?;
    let mut t = u32::from(first);
    if first & 0x1f == 0x1f {
        for _ in 0..3 {
            let b = next(&mut pos)?;
            t = (t << 8) | u32::from(b);
            if b & 0x80 == 0 {
                break;
            }
        }
    }
    let l0 = next(&mut pos)?;
    let len = if l0 < 0x80 {
        usize::from(l0)
    } else {
        let mut len: usize = 0;
        for _ in 0..(l0 & 0x7f) {
            len = len.checked_mul(256)? | usize::from(next(&mut pos)?);
        }
        len
    };
    // The re-read must agree with the reader, and the present bytes must lie in the input.
    (len == needed && pos.checked_add(available)? <= input.len()).then_some(Header {
        tag: t,
        offset: start,
        content: pos,
        len: available,
    })
}

fn new_node(input: &[u8], h: &Header) -> Node {
    Node {
        offset: h.offset,
        header: input[h.offset..h.content].to_vec(),
        tag: h.tag,
        tag_name: tag_name(h.tag),
        len: h.len,
        present: h.len,
        constructed: h.is_constructed(),
        role: None,
        value: None,
        meaning: None,
        error: None,
        children: Vec::new(),
        fault: None,
    }
}

/// SNMP forbids the constructed form of its simple types (RFC 3417 §8); the strict decoder
/// rejects it, the walk shows what is inside.
fn constructed_primitive(h: &Header) -> Option<ber::Error> {
    let first = h.first_octet();
    matches!(h.tag, 0x22 | 0x24 | 0x25 | 0x26 | 0x60..=0x67)
        .then(|| ber::Error::new(ErrorKind::ConstructedPrimitive { tag: first }, h.offset))
}

/// The name of a tag: the SNMP type it is, or its class and number.
pub(super) fn tag_name(t: u32) -> String {
    let known = match t {
        0x02 => "INTEGER",
        0x04 => "OCTET STRING",
        0x05 => "NULL",
        0x06 => "OBJECT IDENTIFIER",
        0x30 => "SEQUENCE",
        0x22 => "INTEGER (constructed)",
        0x24 => "OCTET STRING (constructed)",
        0x25 => "NULL (constructed)",
        0x26 => "OBJECT IDENTIFIER (constructed)",
        0x40 => "IpAddress",
        0x41 => "Counter32",
        0x42 => "Gauge32",
        0x43 => "TimeTicks",
        0x44 => "Opaque",
        0x46 => "Counter64",
        0x80 => "noSuchObject",
        0x81 => "noSuchInstance",
        0x82 => "endOfMibView",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_owned();
    }
    if let Some(p) = PduType::from_tag(t) {
        return format!("{}-PDU", p.name());
    }
    let bytes = t.to_be_bytes();
    let lead = bytes.iter().position(|&b| b != 0).unwrap_or(3);
    let first = bytes[lead];
    let class = match first >> 6 {
        0 => "UNIVERSAL",
        1 => "APPLICATION",
        2 => "CONTEXT",
        _ => "PRIVATE",
    };
    let number = if first & 0x1f == 0x1f {
        // High-tag-number form: base 128 in the octets after the first (X.690 §8.1.2.4).
        bytes[lead + 1..]
            .iter()
            .fold(0u32, |n, &b| (n << 7) | u32::from(b & 0x7f))
    } else {
        u32::from(first & 0x1f)
    };
    format!("[{class} {number}]")
}

/// Roles whose octets are binary whatever they hold: shown in hex, never as text.
const HEX_ROLES: [&str; 6] = [
    "msgFlags",
    "msgSecurityParameters",
    "msgAuthoritativeEngineID",
    "msgAuthenticationParameters",
    "msgPrivacyParameters",
    "contextEngineID",
];

/// Decodes a primitive's content by its tag and gives it a meaning by its role.
fn decode_primitive(node: &mut Node, h: &Header, c: &[u8], options: Options) {
    let off = h.offset;
    let role = node.role.as_deref().unwrap_or_default();
    let result = match h.tag {
        0x02 => reader::decode_i32(c, off).map(|v| Some(Decoded::Integer(i64::from(v)))),
        0x04 if options.redact_community && role == "community" => Ok(Some(Decoded::Redacted)),
        // Ciphertext: its octets say nothing without the key; the meaning says how many.
        0x04 if role == "encryptedPDU" => Ok(None),
        0x04 if HEX_ROLES.contains(&role) => {
            Ok((!c.is_empty()).then(|| Decoded::Bytes(c.to_vec())))
        }
        0x04 => Ok(Some(octets(c))),
        0x05 | 0x80 | 0x81 | 0x82 => reader::check_len(h, 0).map(|()| None),
        0x06 => reader::decode_oid(c, off).map(|o| Some(Decoded::Oid(o))),
        0x40 => {
            reader::check_len(h, 4).map(|()| Some(Decoded::IpAddress([c[0], c[1], c[2], c[3]])))
        }
        0x41..=0x43 => reader::decode_u32(c, off).map(|v| Some(Decoded::Unsigned(u64::from(v)))),
        0x46 => reader::decode_u64(c, off).map(|v| Some(Decoded::Unsigned(v))),
        _ => Ok((!c.is_empty()).then(|| Decoded::Bytes(c.to_vec()))),
    };
    match result {
        Ok(v) => node.value = v,
        Err(e) => {
            node.error = Some(e);
            node.value = (!c.is_empty()).then(|| Decoded::Bytes(c.to_vec()));
            return;
        }
    }
    node.meaning = meaning(node, h.tag);
}

/// Printable text, or the raw octets.
fn octets(c: &[u8]) -> Decoded {
    match std::str::from_utf8(c) {
        Ok(s)
            if s.chars()
                .all(|ch| !ch.is_control() || matches!(ch, '\r' | '\n' | '\t')) =>
        {
            Decoded::Text(s.to_owned())
        }
        _ => Decoded::Bytes(c.to_vec()),
    }
}

/// What a decoded value means in its position.
fn meaning(node: &Node, t: u32) -> Option<String> {
    let role = node.role.as_deref();
    match (&node.value, role) {
        (None, Some("encryptedPDU")) => Some(format!(
            "{} octets, cannot be shown without the privacy key",
            node.len
        )),
        (None, Some(r)) if HEX_ROLES.contains(&r) => Some("empty".to_owned()),
        (Some(Decoded::Bytes(b)), Some("msgFlags")) => match b[..] {
            [f] => Some(flags(f)),
            _ => None,
        },
        (Some(Decoded::Integer(v)), Some("msgSecurityModel")) => Some(
            match v {
                0 => "any",
                1 => "SNMPv1",
                2 => "SNMPv2c",
                3 => "USM",
                4 => "TSM",
                _ => "unknown",
            }
            .to_owned(),
        ),
        (Some(Decoded::Bytes(b)), Some("msgAuthoritativeEngineID" | "contextEngineID")) => {
            engine_id(b)
        }
        (Some(Decoded::Bytes(b)), Some("msgAuthenticationParameters")) => match b.len() {
            12 => Some("HMAC-MD5-96 or HMAC-SHA-96"),
            16 => Some("HMAC-SHA-224-128"),
            24 => Some("HMAC-SHA-256-192"),
            32 => Some("HMAC-SHA-384-256"),
            48 => Some("HMAC-SHA-512-384"),
            _ => None,
        }
        .map(str::to_owned),
        (Some(Decoded::Integer(v)), Some("version")) => Some(
            match v {
                0 => "v1",
                1 => "v2c",
                3 => "v3",
                _ => "unknown version",
            }
            .to_owned(),
        ),
        (Some(Decoded::Integer(v)), Some("error-status")) => {
            let status = i32::try_from(*v).ok().map(ErrorStatus::from_i32);
            Some(
                status
                    .and_then(ErrorStatus::name)
                    .unwrap_or("unknown")
                    .to_owned(),
            )
        }
        (Some(Decoded::Integer(v)), Some("generic-trap")) => Some(
            match v {
                0 => "coldStart",
                1 => "warmStart",
                2 => "linkDown",
                3 => "linkUp",
                4 => "authenticationFailure",
                5 => "egpNeighborLoss",
                6 => "enterpriseSpecific",
                _ => "unknown",
            }
            .to_owned(),
        ),
        (Some(Decoded::Oid(o)), _) => {
            let name = mib::format_name(o);
            (name != o.to_dotted() && name != o.to_string()).then_some(name)
        }
        (Some(Decoded::Unsigned(v)), _) if t == u32::from(tag::TIMETICKS) => Some(ticks(*v)),
        _ => None,
    }
}

/// msgFlags (RFC 3412 §6.4) by name: `auth, priv, reportable`, or `none`.
fn flags(f: u8) -> String {
    let mut parts = Vec::new();
    for (bit, name) in [
        (Flags::AUTH, "auth"),
        (Flags::PRIV, "priv"),
        (Flags::REPORTABLE, "reportable"),
    ] {
        if f & bit != 0 {
            parts.push(name.to_owned());
        }
    }
    let reserved = f & !(Flags::AUTH | Flags::PRIV | Flags::REPORTABLE);
    if reserved != 0 {
        parts.push(format!("reserved bits {reserved:#04x}"));
    }
    if Flags(f).level().is_none() {
        parts.push("invalid: priv without auth".to_owned());
    }
    if parts.is_empty() {
        return "none".to_owned();
    }
    parts.join(", ")
}

/// What an snmpEngineID says of itself (RFC 3411 §5, `SnmpEngineID`): the enterprise that made
/// it and the format of the rest, `enterprise 8072, text "snmpact"`.
fn engine_id(id: &[u8]) -> Option<String> {
    let (head, rest) = id.split_first_chunk::<4>()?;
    let enterprise = u32::from_be_bytes(*head) & 0x7fff_ffff;
    if head[0] & 0x80 == 0 {
        // The older form (RFC 1910): the enterprise, then 8 octets of its choosing.
        return (id.len() == 12).then(|| format!("enterprise {enterprise}, RFC 1910 format"));
    }
    let (&format, data) = rest.split_first()?;
    let what = match format {
        1 => <[u8; 4]>::try_from(data).map(|a| format!("IPv4 {}", Ipv4Addr::from(a))),
        2 => <[u8; 16]>::try_from(data).map(|a| format!("IPv6 {}", Ipv6Addr::from(a))),
        3 => <[u8; 6]>::try_from(data).map(|a| {
            let hex: Vec<String> = a.iter().map(|b| format!("{b:02x}")).collect();
            format!("MAC {}", hex.join(":"))
        }),
        4 => Ok(match octets(data) {
            Decoded::Text(s) => format!("text {s:?}"),
            _ => "text".to_owned(),
        }),
        5 => Ok("octets".to_owned()),
        128.. => Ok(format!("enterprise-specific format {format}")),
        _ => Ok(format!("format {format}")),
    }
    .unwrap_or_else(|_| format!("format {format} of the wrong length"));
    Some(format!("enterprise {enterprise}, {what}"))
}

/// What a Report PDU reports (RFC 3412 §7.2, RFC 3414 §3.2): the counter its first varbind
/// names, `usmStatsUnknownEngineIDs: Unknown engine ID` (net-snmp's wording).
fn report_meaning(pdu: &Node) -> Option<String> {
    let list = pdu.children.get(3)?;
    let name = list.children.first()?.children.first()?;
    if list.role.as_deref() != Some("variable-bindings") || name.role.as_deref() != Some("name") {
        return None;
    }
    let Some(Decoded::Oid(oid)) = &name.value else {
        return None;
    };
    let kind = ReportKind::from_oid(oid);
    if matches!(kind, ReportKind::Other(_)) {
        return None;
    }
    Some(match mib::lookup_oid(oid) {
        Some((entry, _)) => format!("{}: {kind}", entry.name),
        None => kind.to_string(),
    })
}

/// TimeTicks (hundredths of a second) as net-snmp prints them: `1 day, 2:03:04.05`.
fn ticks(v: u64) -> String {
    let (cs, s) = (v % 100, v / 100);
    let (sec, m) = (s % 60, s / 60);
    let (min, h) = (m % 60, m / 60);
    let (hour, days) = (h % 24, h / 24);
    let clock = format!("{hour}:{min:02}:{sec:02}.{cs:02}");
    match days {
        0 => clock,
        1 => format!("1 day, {clock}"),
        d => format!("{d} days, {clock}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_names() {
        for (t, want) in [
            (0x30, "SEQUENCE"),
            (0x43, "TimeTicks"),
            (0xa0, "GetRequest-PDU"),
            (0xa4, "Trap-PDU"),
            (0xa7, "SNMPv2-Trap-PDU"),
            (0xa8, "Report-PDU"),
            (0x81, "noSuchInstance"),
            (0x47, "[APPLICATION 7]"),
            (0x45, "[APPLICATION 5]"),
            (0x83, "[CONTEXT 3]"),
            (0xa9, "[CONTEXT 9]"),
            (0x01, "[UNIVERSAL 1]"),
            (0xc5, "[PRIVATE 5]"),
            (0x24, "OCTET STRING (constructed)"),
            (0x9f_78, "[CONTEXT 120]"),
            (0x5f_81_00, "[APPLICATION 128]"),
        ] {
            assert_eq!(tag_name(t), want, "{t:#x}");
        }
    }

    #[test]
    fn msg_flags() {
        for (f, want) in [
            (0x00, "none"),
            (0x04, "reportable"),
            (0x05, "auth, reportable"),
            (0x07, "auth, priv, reportable"),
            (0x03, "auth, priv"),
            (0x02, "priv, invalid: priv without auth"),
            (0x0c, "reportable, reserved bits 0x08"),
        ] {
            assert_eq!(flags(f), want, "{f:#04x}");
        }
    }

    #[test]
    fn engine_ids() {
        let id = |s: &str| crate::usm::parse_hex(s).unwrap();
        for (hex, want) in [
            (
                "80001f8804736e6d70616374",
                Some(r#"enterprise 8072, text "snmpact""#),
            ),
            ("8000000901c0000201", Some("enterprise 9, IPv4 192.0.2.1")),
            (
                "8000000903001122334455",
                Some("enterprise 9, MAC 00:11:22:33:44:55"),
            ),
            (
                "8000000902200109b8000000000000000000000001",
                Some("enterprise 9, IPv6 2001:9b8::1"),
            ),
            (
                "80001f8803001122",
                Some("enterprise 8072, format 3 of the wrong length"),
            ),
            (
                "80001f888001020304050607080910",
                Some("enterprise 8072, enterprise-specific format 128"),
            ),
            ("80001f880501", Some("enterprise 8072, octets")),
            ("80001f8804ff", Some("enterprise 8072, text")),
            (
                "000000090102030405060708",
                Some("enterprise 9, RFC 1910 format"),
            ),
            ("0000000901", None),
            ("800000", None),
            ("80000009", None),
        ] {
            assert_eq!(engine_id(&id(hex)).as_deref(), want, "{hex}");
        }
    }

    #[test]
    fn timeticks() {
        assert_eq!(ticks(0), "0:00:00.00");
        assert_eq!(ticks(13867), "0:02:18.67");
        assert_eq!(ticks(8_640_000), "1 day, 0:00:00.00");
        assert_eq!(ticks(u64::from(u32::MAX)), "497 days, 2:27:52.95");
    }
}
