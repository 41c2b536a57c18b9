//! Object identifiers: [`Oid`], parsed from and printed as dotted text, ordered arc by arc.
//!
//! Owns the OID value type and its rules (RFC 2578 §3.5: at most 128 sub-identifiers, each at
//! most 2^32-1; X.690 §8.19.4: the first arc is 0, 1 or 2, and under 0 or 1 the second is below
//! 40). Every `Oid` obeys these rules, so encoding one never fails. BER encoding of OIDs lives in
//! [`crate::ber`]; names (`sysDescr.0`) live in [`crate::mib`].

use std::fmt;
use std::str::FromStr;

use smallvec::SmallVec;

/// Most sub-identifiers an OID may have (RFC 2578 §3.5).
pub const MAX_ARCS: usize = 128;

/// Arcs kept inline before an OID spills to the heap; covers nearly every OID of the standard MIBs.
const INLINE_ARCS: usize = 16;

/// An SNMP object identifier, such as `1.3.6.1.2.1.1.1.0`.
///
/// Ordered lexicographically by arc (`1.3.6.1.2` < `1.3.6.1.10` < `1.3.6.1.10.1`), which is the
/// order of a MIB walk.
///
/// ```
/// use snmpact::oid::Oid;
/// let oid: Oid = ".1.3.6.1.2.1.1.1.0".parse().unwrap();
/// assert_eq!(oid.to_string(), "1.3.6.1.2.1.1.1.0");
/// assert!(oid.starts_with(&"1.3.6.1.2.1.1".parse().unwrap()));
/// assert!("1.3.6.x".parse::<Oid>().is_err());
/// assert!("3.1".parse::<Oid>().is_err()); // the first arc is 0, 1 or 2
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Oid {
    arcs: SmallVec<[u32; INLINE_ARCS]>,
}

/// Why text or arcs do not make an OID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OidError {
    /// No arcs at all, or only one.
    #[error("an object identifier needs at least two arcs")]
    TooShort,
    /// More than [`MAX_ARCS`] arcs.
    #[error("an object identifier has at most 128 arcs")]
    TooLong,
    /// An arc that is not a decimal number up to 4294967295.
    #[error("bad arc {arc:?} at position {position}")]
    BadArc {
        /// The text of the arc.
        arc: String,
        /// Its 1-based position.
        position: usize,
    },
    /// The first arc is above 2, or the second is 40 or more under 0 or 1 (X.690 §8.19.4).
    #[error("the first arc must be 0, 1 or 2, and the second below 40 under 0 or 1")]
    FirstArcs,
}

impl Oid {
    /// An OID from its arcs, checked against the rules in the module doc.
    ///
    /// # Errors
    /// [`OidError::TooShort`], [`OidError::TooLong`] or [`OidError::FirstArcs`].
    pub fn new(arcs: &[u32]) -> Result<Self, OidError> {
        check_arcs(arcs)?;
        Ok(Self {
            arcs: SmallVec::from_slice(arcs),
        })
    }

    /// An OID from arcs already known to be valid (decoded by [`crate::ber`]).
    pub(crate) fn from_valid(arcs: SmallVec<[u32; INLINE_ARCS]>) -> Self {
        debug_assert!(check_arcs(&arcs).is_ok());
        Self { arcs }
    }

    /// The arcs.
    #[must_use]
    pub fn arcs(&self) -> &[u32] {
        &self.arcs
    }

    /// Number of arcs.
    #[must_use]
    pub fn len(&self) -> usize {
        self.arcs.len()
    }

    /// Always false: an OID has at least two arcs. Present for clippy's `len_without_is_empty`.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.arcs.is_empty()
    }

    /// True when `prefix`'s arcs start this OID (an OID starts with itself).
    #[must_use]
    pub fn starts_with(&self, prefix: &Oid) -> bool {
        self.arcs.starts_with(&prefix.arcs)
    }

    /// This OID with `suffix` appended (an instance or table index).
    ///
    /// # Errors
    /// [`OidError::TooLong`] past 128 arcs.
    pub fn join(&self, suffix: &[u32]) -> Result<Self, OidError> {
        if self.arcs.len() + suffix.len() > MAX_ARCS {
            return Err(OidError::TooLong);
        }
        let mut arcs = self.arcs.clone();
        arcs.extend_from_slice(suffix);
        Ok(Self { arcs })
    }

    /// The arcs after `prefix`, when this OID starts with it (a table row's index).
    #[must_use]
    pub fn suffix_after(&self, prefix: &Oid) -> Option<&[u32]> {
        self.arcs.strip_prefix(prefix.arcs.as_slice())
    }

    /// Dotted form with a leading dot, as net-snmp's `-On` prints it: `.1.3.6.1.2.1.1.1.0`.
    #[must_use]
    pub fn to_dotted(&self) -> String {
        let mut s = String::with_capacity(self.arcs.len() * 4);
        for arc in &self.arcs {
            s.push('.');
            push_u32(&mut s, *arc);
        }
        s
    }
}

/// Appends `v` in decimal without going through `fmt` (the hot path of text output).
pub(crate) fn push_u32(s: &mut String, v: u32) {
    let mut buf = [0u8; 10];
    let mut i = buf.len();
    let mut v = v;
    loop {
        i -= 1;
        // `v % 10` is below 10, so the cast cannot truncate.
        #[allow(clippy::cast_possible_truncation)]
        let digit = (v % 10) as u8;
        buf[i] = b'0' + digit;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    for &b in &buf[i..] {
        s.push(char::from(b));
    }
}

fn check_arcs(arcs: &[u32]) -> Result<(), OidError> {
    if arcs.len() < 2 {
        return Err(OidError::TooShort);
    }
    if arcs.len() > MAX_ARCS {
        return Err(OidError::TooLong);
    }
    let ok = match arcs[0] {
        0 | 1 => arcs[1] < 40,
        2 => true,
        _ => false,
    };
    if ok { Ok(()) } else { Err(OidError::FirstArcs) }
}

impl FromStr for Oid {
    type Err = OidError;

    /// Parses `1.3.6.1` or `.1.3.6.1`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let body = s.strip_prefix('.').unwrap_or(s);
        if body.is_empty() {
            return Err(OidError::TooShort);
        }
        let mut arcs = SmallVec::<[u32; INLINE_ARCS]>::new();
        for (i, part) in body.split('.').enumerate() {
            if arcs.len() == MAX_ARCS {
                return Err(OidError::TooLong);
            }
            let ok = !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
            let arc = if ok { part.parse::<u32>().ok() } else { None };
            match arc {
                Some(a) => arcs.push(a),
                None => {
                    return Err(OidError::BadArc {
                        arc: part.chars().take(32).collect(),
                        position: i + 1,
                    });
                }
            }
        }
        check_arcs(&arcs)?;
        Ok(Self { arcs })
    }
}

impl fmt::Display for Oid {
    /// Dotted form without a leading dot: `1.3.6.1.2.1.1.1.0`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, arc) in self.arcs.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "{arc}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Oid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Oid({self})")
    }
}

impl serde::Serialize for Oid {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Oid {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oid(s: &str) -> Oid {
        s.parse().unwrap()
    }

    #[test]
    fn parses_with_and_without_leading_dot() {
        assert_eq!(oid(".1.3.6.1"), oid("1.3.6.1"));
        assert_eq!(oid("1.3.6.1").arcs(), &[1, 3, 6, 1]);
        assert_eq!(oid("2.999.4294967295").arcs(), &[2, 999, 4_294_967_295]);
    }

    #[test]
    fn rejects_bad_text() {
        assert_eq!("".parse::<Oid>(), Err(OidError::TooShort));
        assert_eq!(".".parse::<Oid>(), Err(OidError::TooShort));
        assert_eq!("1".parse::<Oid>(), Err(OidError::TooShort));
        assert_eq!("3.1".parse::<Oid>(), Err(OidError::FirstArcs));
        assert_eq!("1.40".parse::<Oid>(), Err(OidError::FirstArcs));
        assert_eq!("0.39".parse::<Oid>().map(|o| o.len()), Ok(2));
        assert_eq!(
            "1.3..6".parse::<Oid>(),
            Err(OidError::BadArc {
                arc: String::new(),
                position: 3
            })
        );
        assert_eq!(
            "1.3.4294967296".parse::<Oid>(),
            Err(OidError::BadArc {
                arc: "4294967296".into(),
                position: 3
            })
        );
        assert!(matches!(
            "1.3.-1".parse::<Oid>(),
            Err(OidError::BadArc { .. })
        ));
        assert!(matches!(
            "1.3.+1".parse::<Oid>(),
            Err(OidError::BadArc { .. })
        ));
        assert!(matches!(
            "1.3.6.".parse::<Oid>(),
            Err(OidError::BadArc { .. })
        ));
        let long = format!("1.3{}", ".1".repeat(127));
        assert_eq!(long.parse::<Oid>(), Err(OidError::TooLong));
        let max = format!("1.3{}", ".1".repeat(126));
        assert_eq!(max.parse::<Oid>().map(|o| o.len()), Ok(128));
    }

    #[test]
    fn orders_by_arc_not_by_text() {
        assert!(oid("1.3.6.1.2") < oid("1.3.6.1.10"));
        assert!(oid("1.3.6.1.10") < oid("1.3.6.1.10.1"));
        assert!(oid("1.3.6.1.9.9") < oid("1.3.6.1.10"));
    }

    #[test]
    fn prefix_and_suffix() {
        let t = oid("1.3.6.1.2.1.2.2.1.10");
        let i = oid("1.3.6.1.2.1.2.2.1.10.3");
        assert!(i.starts_with(&t));
        assert!(t.starts_with(&t));
        assert!(!t.starts_with(&i));
        assert!(!oid("1.3.6.1.2.1.2.2.1.100").starts_with(&t));
        assert_eq!(i.suffix_after(&t), Some(&[3u32][..]));
        assert_eq!(t.join(&[3]).unwrap(), i);
    }

    #[test]
    fn prints_both_forms() {
        let o = oid("1.3.6.1.2.1.1.3.0");
        assert_eq!(o.to_string(), "1.3.6.1.2.1.1.3.0");
        assert_eq!(o.to_dotted(), ".1.3.6.1.2.1.1.3.0");
        assert_eq!(oid("2.4294967215").to_dotted(), ".2.4294967215");
    }
}
