//! Text forms of varbinds exactly as net-snmp 5.9 prints them, and a JSON form for scripts.
//!
//! Owns the printing rules of `snmpget`/`snmpwalk` (net-snmp's `snmplib/mib.c`,
//! `sprint_realloc_by_type` and friends): by the value's type alone (`text`, what net-snmp does
//! with `MIBS=""` or for objects no module defines), and, for objects of the loaded MIB, by
//! their syntax (`hinted`: enumerations, BITS names, DISPLAY-HINTs, UNITS, "Wrong Type").
//! Names of OIDs and decoded indexes come from [`crate::mib`]; decoding lives in
//! [`crate::pdu`]. No I/O here.
//!
//! # Text rules (checked byte for byte against `snmpget` 5.9.3, see `tests/integration`)
//! | Value | Default | `-Oq` (quick) |
//! |---|---|---|
//! | INTEGER | `INTEGER: -5` | `-5` |
//! | OCTET STRING, empty | `""` | `""` |
//! | OCTET STRING, text | `STRING: "a \"b\" \\c"` | `"a \"b\" \\c"` |
//! | OCTET STRING, binary | `Hex-STRING: 00 1A 2B ` | `"00 1A 2B "` |
//! | NULL | `NULL` | `NULL` |
//! | OBJECT IDENTIFIER | `OID: .1.3.6.1.4.1.8072.3.2.10` | `.1.3.6.1.4.1.8072.3.2.10` |
//! | IpAddress | `IpAddress: 127.0.0.1` | `127.0.0.1` |
//! | Counter32, Gauge32, Counter64 | `Counter32: 5`, `Gauge32: 5`, `Counter64: 5` | `5` |
//! | TimeTicks | `Timeticks: (8640000) 1 day, 0:00:00.00` | `1:0:00:00.00` |
//! | TimeTicks with `-Ot` | `8640000` | `8640000` |
//! | Opaque | `OPAQUE: 01 02 ` | `01 02 ` |
//! | Opaque float/double | `Opaque: Float: 1.500000` | `1.500000` |
//! | Opaque Counter64/Int64/UInt64 | `Opaque: Counter64: 5`, `Opaque: Int64: -1`, `Opaque: UInt64: 5` | `5` |
//! | noSuchObject | `No Such Object available on this agent at this OID` | same |
//! | noSuchInstance | `No Such Instance currently exists at this OID` | same |
//! | endOfMibView | `No more variables left in this MIB View (It is past the end of the MIB tree)` | same |
//!
//! - An octet string is text when every byte is printable ASCII (`0x20..=0x7E`) or C `isspace`
//!   (`\t \n \v \f \r`); one other byte (NUL, DEL `0x7F`, anything from `0x80`), even a trailing
//!   NUL, makes the whole string hex. Text is printed raw (a newline stays a newline, so a value
//!   can span lines) with `"` and `\` escaped by a backslash. This is net-snmp in the C or a
//!   UTF-8 locale; a Latin-1 locale would call `0xA0..=0xFF` printable.
//! - Hex is upper case, each byte followed by one space (so there is always a trailing space),
//!   16 bytes to a line, lines joined by `\n`: 17 bytes print as 16, a newline, and one.
//! - Timeticks: `h:mm:ss.cc` under a day, `1 day, h:mm:ss.cc`, then `N days, …`; quick form
//!   `d:h:mm:ss.cc`.
//! - Opaque carrying net-snmp's nested types (draft-perkins-opaque: `9F 78` float, `9F 79`
//!   double, `9F 76` Counter64, `9F 7A` Int64, `9F 7B` UInt64) prints the nested value, floats
//!   as C's `%f` (`nan`, `-nan`, `inf`); any other Opaque prints as hex.
//! - Tags the codec keeps raw ([`Value::Other`]): `0x47` UInteger32 prints a bare number and
//!   `0x03` BIT STRING prints `BITS: A0 0 2 ` (hex, then the numbers of the set bits), as
//!   net-snmp does; `0x45` NsapAddress prints net-snmp's `Variable has bad type`. Any other tag
//!   makes net-snmp reject the whole response ("bad type returned"), so its form is ours:
//!   `Unknown type 0x48: 05 ` (quick: `05 `).
//!
//! # Where we differ from net-snmp, on purpose
//! - A malformed nested Opaque (a float of length 3, say) or an empty UInteger32/BIT STRING makes
//!   net-snmp drop the whole response; we print the raw bytes (`OPAQUE: 9F 78 01 00 `).
//! - A float of 1e121 or more overruns net-snmp's 128-byte buffer and prints truncated; we print
//!   every digit, as `%f` would.
//!
//! # JSON ([`varbind_json`])
//! One object per varbind:
//! ```text
//! {"oid": "1.3.6.1.2.1.1.1.0", "name": "SNMPv2-MIB::sysDescr.0", "type": "OCTET STRING",
//!  "value": "Linux host 6.1", "hex": "4c696e7578..."}
//! ```
//! - `oid`: dotted, no leading dot. `name`: [`crate::mib::format_name`]. `type`:
//!   [`Value::type_name`] (`INTEGER`, `OCTET STRING`, `NULL`, `OBJECT IDENTIFIER`, `IpAddress`,
//!   `Counter32`, `Gauge32`, `TimeTicks`, `Opaque`, `Counter64`, `noSuchObject`,
//!   `noSuchInstance`, `endOfMibView`, `unknown`).
//! - `value`: a number for INTEGER, Counter32, Gauge32, TimeTicks (hundredths) and Counter64; a
//!   string for OCTET STRING (the text when it is valid UTF-8 without control characters other
//!   than tab, CR and LF, else lower-case hex); the dotted OID (no leading dot) for OBJECT
//!   IDENTIFIER; the dotted quad for IpAddress; `null` for NULL and the exceptions.
//! - `hex`: every OCTET STRING, Opaque and unknown value also carries its bytes as lower-case hex.
//! - `exception`: `noSuchObject`, `noSuchInstance` or `endOfMibView`, beside a `null` value.
//! - Opaque: `value` is the nested number when there is one (a float that is NaN or infinite is
//!   `null`) with `opaque` naming it (`Float`, `Double`, `Counter64`, `Int64`, `UInt64`), else
//!   the hex string.
//! - Unknown tags: `tag` (the identifier octets as a number) and `value` = `hex`.

mod hinted;
mod json;
mod opaque;
mod text;

pub use json::varbind_json;

/// Bytes as lowercase hex digits, two per octet, nothing between (JSON values, engine ids).
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    s
}
pub use opaque::{OpaqueValue, decode_opaque};

use crate::mib::tree::IndexText;
use crate::mib::{self, MibTree, NameStyle};
use crate::oid::Oid;
use crate::pdu::{Value, VarBind};

/// How an OID is printed: the object name of a varbind and OID values alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum OidStyle {
    /// `-On`: `.1.3.6.1.2.1.1.1.0`.
    Numeric,
    /// net-snmp's default (`-OS`): `SNMPv2-MIB::sysDescr.0`, the index decoded.
    #[default]
    Names,
    /// `-Os`: `sysDescr.0`.
    Suffix,
    /// `-Of`: `.iso.org.dod.internet.mgmt.mib-2.system.sysDescr.0`.
    Full,
    /// `-Ou`: `-Of` without net-snmp's UCD prefixes: `system.sysDescr.0`.
    Ucd,
}

impl OidStyle {
    /// The tree's name style for this OID style.
    #[must_use]
    pub fn name_style(self) -> NameStyle {
        match self {
            OidStyle::Numeric => NameStyle::Numeric,
            OidStyle::Names => NameStyle::Module,
            OidStyle::Suffix => NameStyle::Suffix,
            OidStyle::Full => NameStyle::Full,
            OidStyle::Ucd => NameStyle::Ucd,
        }
    }

    /// Appends `oid` in this style.
    fn push(self, out: &mut String, oid: &Oid) {
        match self {
            OidStyle::Numeric => text::push_dotted(out, oid),
            _ => {
                mib::tree().write_oid(out, oid.arcs(), self.name_style(), true);
            }
        }
    }
}

/// How octet strings without a DISPLAY-HINT print (`-Oa`, `-Ox`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum StringFormat {
    /// Text when every byte is printable, else hex (net-snmp's guess).
    #[default]
    Guess,
    /// `-Ox`: always hex.
    Hex,
    /// `-Oa`: always text.
    Ascii,
}

/// net-snmp's output options (`-O` letters) that change a varbind's text.
///
/// `Default` is net-snmp's default: names, ` = `, type prefixes, timeticks spelled out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct TextOptions {
    /// `-On` or names.
    pub oid_style: OidStyle,
    /// `-Oq`: no type prefixes, a space instead of ` = `, hex strings in quotes, timeticks as
    /// `d:h:mm:ss.cc`.
    pub quick: bool,
    /// `-Ov`: the value only, without the OID.
    pub value_only: bool,
    /// `-Ot`: timeticks as a bare number of hundredths.
    pub numeric_timeticks: bool,
    /// `-Oe`: enumerations and BITS as numbers, without their labels.
    pub numeric_enums: bool,
    /// `-OQ`: like `-Oq` but ` = ` between the name and the value.
    pub quick_equals: bool,
    /// `-Ob`: the instance as numbers, not decoded by the INDEX clause.
    pub no_index_breakdown: bool,
    /// `-OU`: no UNITS after values.
    pub no_units: bool,
    /// `-Ox` / `-Oa`.
    pub strings: StringFormat,
    /// `-OT`: hex strings followed by their printable characters.
    pub hex_text: bool,
    /// `-OX`: table indexes in brackets, `ifDescr[2]`, `fixUserLogins[STRING: bob]`.
    pub extended_index: bool,
    /// `-OE`: quotes of string indexes escaped, `fixUserLogins.\"bob\"`.
    pub escape_quotes: bool,
}

impl TextOptions {
    /// The options of `snmpget -On`: numeric OIDs, everything else default.
    #[must_use]
    pub fn numeric() -> Self {
        Self {
            oid_style: OidStyle::Numeric,
            ..Self::default()
        }
    }
}

/// What `snmpget -On` prints after ` = ` for `v`.
///
/// ```
/// use snmpact::format::format_value;
/// use snmpact::pdu::Value;
/// assert_eq!(format_value(&Value::TimeTicks(13867)), "Timeticks: (13867) 0:02:18.67");
/// assert_eq!(format_value(&Value::OctetString(b"\x00\x1a\x2b"[..].into())), "Hex-STRING: 00 1A 2B ");
/// assert_eq!(format_value(&Value::OctetString(b""[..].into())), "\"\"");
/// ```
#[must_use]
pub fn format_value(v: &Value<'_>) -> String {
    format_value_with(v, &TextOptions::numeric())
}

/// The value of a varbind as net-snmp prints it with `opts` (`-Oq`, `-Ot`, names or numbers
/// for OID values; `value_only` has no effect here).
#[must_use]
pub fn format_value_with(v: &Value<'_>, opts: &TextOptions) -> String {
    let mut out = String::new();
    text::push_value(&mut out, v, opts);
    out
}

/// The value of the varbind `oid = v` as net-snmp prints it with the MIB in use: enumeration
/// labels, BITS names, display hints and units of the object `oid` names.
#[must_use]
pub fn format_object_value(oid: &Oid, v: &Value<'_>, opts: &TextOptions) -> String {
    let tree = mib::tree();
    let mut out = String::new();
    let node = tree.longest_prefix(oid.arcs()).map(|(i, _)| i);
    push_value_of(&mut out, &tree, node, v, opts);
    out
}

/// Appends `v` printed for the object at `node` of `tree` (by type alone when unknown).
fn push_value_of(
    out: &mut String,
    tree: &MibTree,
    node: Option<usize>,
    v: &Value<'_>,
    opts: &TextOptions,
) {
    match node
        .and_then(|i| tree.node(i))
        .and_then(|n| n.syntax.as_deref())
    {
        Some(syntax) => hinted::push_value(out, v, syntax, opts),
        None => text::push_value(out, v, opts),
    }
}

/// A varbind as `snmpget` prints it: `.1.3.6.1.2.1.1.1.0 = STRING: "..."` ([`OidStyle::Numeric`])
/// or `SNMPv2-MIB::sysDescr.0 = STRING: "..."` ([`OidStyle::Names`]).
///
/// ```
/// use snmpact::format::{format_varbind, OidStyle};
/// use snmpact::pdu::{Value, VarBind};
/// let vb = VarBind::new("1.3.6.1.2.1.1.3.0".parse().unwrap(), Value::TimeTicks(8640000));
/// assert_eq!(
///     format_varbind(&vb, OidStyle::Numeric),
///     ".1.3.6.1.2.1.1.3.0 = Timeticks: (8640000) 1 day, 0:00:00.00"
/// );
/// ```
#[must_use]
pub fn format_varbind(vb: &VarBind<'_>, style: OidStyle) -> String {
    format_varbind_with(
        vb,
        &TextOptions {
            oid_style: style,
            ..TextOptions::default()
        },
    )
}

/// A varbind as `snmpget` prints it under the `-O` options in `opts`.
#[must_use]
pub fn format_varbind_with(vb: &VarBind<'_>, opts: &TextOptions) -> String {
    let mut out = String::new();
    write_varbind(&mut out, vb, opts);
    out
}

/// Appends a varbind's text (no newline) to `out`: the allocation-free form for long walks.
pub fn write_varbind(out: &mut String, vb: &VarBind<'_>, opts: &TextOptions) {
    let tree = mib::tree();
    write_varbind_in(out, &tree, vb, opts);
}

/// [`write_varbind`] with a given tree (no lookup of the tree in use per varbind).
pub fn write_varbind_in(out: &mut String, tree: &MibTree, vb: &VarBind<'_>, opts: &TextOptions) {
    let arcs = vb.oid.arcs();
    let node = if opts.value_only {
        tree.longest_prefix(arcs).map(|(i, _)| i)
    } else {
        let text = IndexText {
            breakdown: !opts.no_index_breakdown,
            extended: opts.extended_index,
            escape_quotes: opts.escape_quotes,
        };
        let hinted = |out: &mut String, bytes: &[u8], syntax: &mib::tree::Syntax| {
            hinted::push_value(
                out,
                &Value::OctetString(bytes.to_vec().into()),
                syntax,
                opts,
            );
        };
        let node = tree.write_oid_ext(out, arcs, opts.oid_style.name_style(), &text, &hinted);
        out.push_str(if opts.quick && !opts.quick_equals {
            " "
        } else {
            " = "
        });
        node
    };
    push_value_of(out, tree, node, &vb.value, opts);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vb(oid: &str, value: Value<'static>) -> VarBind<'static> {
        VarBind::new(oid.parse().unwrap(), value)
    }

    #[test]
    fn numeric_and_named_varbinds() {
        let v = vb(
            "1.3.6.1.2.1.1.1.0",
            Value::OctetString(b"Linux host 6.1"[..].into()),
        );
        assert_eq!(
            format_varbind(&v, OidStyle::Numeric),
            ".1.3.6.1.2.1.1.1.0 = STRING: \"Linux host 6.1\""
        );
        assert_eq!(
            format_varbind(&v, OidStyle::Names),
            "SNMPv2-MIB::sysDescr.0 = STRING: \"Linux host 6.1\""
        );
    }

    #[test]
    fn names_style_uses_the_mib_module_for_names_and_oid_values() {
        let v = vb(
            "1.3.6.1.2.1.1.2.0",
            Value::ObjectId("1.3.6.1.4.1.8072.3.2.10".parse().unwrap()),
        );
        let want = format!(
            "{} = OID: {}",
            mib::format_name(&v.oid),
            mib::format_name(&"1.3.6.1.4.1.8072.3.2.10".parse().unwrap())
        );
        assert_eq!(format_varbind(&v, OidStyle::Names), want);
        assert!(want.starts_with("SNMPv2-MIB::sysObjectID.0 = OID: "));
        // Numeric style prints OID values numerically too, as -On does.
        assert_eq!(
            format_varbind(&v, OidStyle::Numeric),
            ".1.3.6.1.2.1.1.2.0 = OID: .1.3.6.1.4.1.8072.3.2.10"
        );
        let v = vb("1.3.6.1.2.1.2.2.1.10.3", Value::Counter32(7));
        assert_eq!(
            format_varbind(&v, OidStyle::Names),
            "IF-MIB::ifInOctets.3 = Counter32: 7"
        );
    }

    #[test]
    fn default_options_are_net_snmp_defaults() {
        let d = TextOptions::default();
        assert_eq!(d.oid_style, OidStyle::Names);
        assert!(!d.quick && !d.value_only && !d.numeric_timeticks);
    }

    #[test]
    fn option_variants() {
        let v = vb("1.3.6.1.2.1.1.3.0", Value::TimeTicks(99));
        let o = |quick, value_only, numeric_timeticks| TextOptions {
            oid_style: OidStyle::Numeric,
            quick,
            value_only,
            numeric_timeticks,
            ..TextOptions::default()
        };
        let cases = [
            (
                o(false, false, false),
                ".1.3.6.1.2.1.1.3.0 = Timeticks: (99) 0:00:00.99",
            ),
            (o(true, false, false), ".1.3.6.1.2.1.1.3.0 0:0:00:00.99"),
            (o(false, true, false), "Timeticks: (99) 0:00:00.99"),
            (o(false, false, true), ".1.3.6.1.2.1.1.3.0 = 99"),
            (o(true, true, false), "0:0:00:00.99"),
            (o(true, false, true), ".1.3.6.1.2.1.1.3.0 99"),
            (o(false, true, true), "99"),
            (o(true, true, true), "99"),
        ];
        for (opts, want) in cases {
            assert_eq!(format_varbind_with(&v, &opts), want, "{opts:?}");
        }
        let s = vb("1.3.6.1.2.1.1.5.0", Value::OctetString(b"a\x00"[..].into()));
        assert_eq!(
            format_varbind_with(&s, &o(true, false, false)),
            ".1.3.6.1.2.1.1.5.0 \"61 00 \""
        );
        let e = vb("1.3.6.1.2.1.1.5.0", Value::NoSuchObject);
        assert_eq!(
            format_varbind_with(&e, &o(true, false, false)),
            ".1.3.6.1.2.1.1.5.0 No Such Object available on this agent at this OID"
        );
    }

    #[test]
    fn write_varbind_appends() {
        let mut s = String::from("x");
        write_varbind(
            &mut s,
            &vb("1.3.6.1.2.1.1.7.0", Value::Integer(72)),
            &TextOptions::numeric(),
        );
        assert_eq!(s, "x.1.3.6.1.2.1.1.7.0 = INTEGER: 72");
    }
}
