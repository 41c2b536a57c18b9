//! [`ErrorStatus`]: the error-status field of a PDU (RFC 3416 §3), as data.

use std::fmt;

/// The error-status of a PDU. Values 0..=18 are named; anything else is kept in `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[allow(missing_docs)] // the variants are the RFC's names
pub enum ErrorStatus {
    #[default]
    NoError,
    TooBig,
    NoSuchName,
    BadValue,
    ReadOnly,
    GenErr,
    NoAccess,
    WrongType,
    WrongLength,
    WrongEncoding,
    WrongValue,
    NoCreation,
    InconsistentValue,
    ResourceUnavailable,
    CommitFailed,
    UndoFailed,
    AuthorizationError,
    NotWritable,
    InconsistentName,
    /// A value outside 0..=18.
    Other(i32),
}

const NAMED: [ErrorStatus; 19] = [
    ErrorStatus::NoError,
    ErrorStatus::TooBig,
    ErrorStatus::NoSuchName,
    ErrorStatus::BadValue,
    ErrorStatus::ReadOnly,
    ErrorStatus::GenErr,
    ErrorStatus::NoAccess,
    ErrorStatus::WrongType,
    ErrorStatus::WrongLength,
    ErrorStatus::WrongEncoding,
    ErrorStatus::WrongValue,
    ErrorStatus::NoCreation,
    ErrorStatus::InconsistentValue,
    ErrorStatus::ResourceUnavailable,
    ErrorStatus::CommitFailed,
    ErrorStatus::UndoFailed,
    ErrorStatus::AuthorizationError,
    ErrorStatus::NotWritable,
    ErrorStatus::InconsistentName,
];

const NAMES: [&str; 19] = [
    "noError",
    "tooBig",
    "noSuchName",
    "badValue",
    "readOnly",
    "genErr",
    "noAccess",
    "wrongType",
    "wrongLength",
    "wrongEncoding",
    "wrongValue",
    "noCreation",
    "inconsistentValue",
    "resourceUnavailable",
    "commitFailed",
    "undoFailed",
    "authorizationError",
    "notWritable",
    "inconsistentName",
];

impl ErrorStatus {
    /// The status for a wire value.
    #[must_use]
    pub fn from_i32(v: i32) -> Self {
        usize::try_from(v)
            .ok()
            .and_then(|i| NAMED.get(i).copied())
            .unwrap_or(Self::Other(v))
    }

    /// The wire value.
    #[must_use]
    pub fn to_i32(self) -> i32 {
        match self {
            Self::Other(v) => v,
            named => {
                let i = NAMED.iter().position(|&s| s == named).unwrap_or(0);
                i32::try_from(i).unwrap_or(0)
            }
        }
    }

    /// The RFC name (`noSuchName`), or `None` for `Other`.
    #[must_use]
    pub fn name(self) -> Option<&'static str> {
        usize::try_from(self.to_i32())
            .ok()
            .filter(|_| !matches!(self, Self::Other(_)))
            .and_then(|i| NAMES.get(i).copied())
    }

    /// The text net-snmp's tools print for it (`(noSuchName) There is no such variable name in
    /// this MIB.`).
    #[must_use]
    pub fn description(self) -> &'static str {
        match self {
            Self::NoError => "(noError) No Error",
            Self::TooBig => "(tooBig) Response message would have been too large.",
            Self::NoSuchName => "(noSuchName) There is no such variable name in this MIB.",
            Self::BadValue => "(badValue) The value given has the wrong type or length.",
            Self::ReadOnly => {
                "(readOnly) The two parties used do not have access to use the specified SNMP PDU."
            }
            Self::GenErr => "(genError) A general failure occured",
            Self::NoAccess => "noAccess",
            Self::WrongType => {
                "wrongType (The set datatype does not match the data type the agent expects)"
            }
            Self::WrongLength => {
                "wrongLength (The set value has an illegal length from what the agent expects)"
            }
            Self::WrongEncoding => "wrongEncoding",
            Self::WrongValue => "wrongValue (The set value is illegal or unsupported in some way)",
            Self::NoCreation => {
                "noCreation (That table does not support row creation or that object can not ever be created)"
            }
            Self::InconsistentValue => {
                "inconsistentValue (The set value is illegal or unsupported in some way)"
            }
            Self::ResourceUnavailable => {
                "resourceUnavailable (This is likely a out-of-memory failure within the agent)"
            }
            Self::CommitFailed => "commitFailed",
            Self::UndoFailed => "undoFailed",
            Self::AuthorizationError => "authorizationError (access denied to that object)",
            Self::NotWritable => "notWritable (That object does not support modification)",
            Self::InconsistentName => "inconsistentName (That object can not currently be created)",
            Self::Other(_) => "Unknown Error",
        }
    }
}

impl fmt::Display for ErrorStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "error-status {}", self.to_i32()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_wire_value_round_trips() {
        for v in -3..25 {
            assert_eq!(ErrorStatus::from_i32(v).to_i32(), v);
        }
        assert_eq!(ErrorStatus::from_i32(2), ErrorStatus::NoSuchName);
        assert_eq!(ErrorStatus::from_i32(18), ErrorStatus::InconsistentName);
        assert_eq!(ErrorStatus::from_i32(19), ErrorStatus::Other(19));
        assert_eq!(ErrorStatus::from_i32(-1), ErrorStatus::Other(-1));
        assert_eq!(ErrorStatus::Other(5).to_i32(), 5);
    }

    #[test]
    fn names() {
        assert_eq!(ErrorStatus::NotWritable.to_string(), "notWritable");
        assert_eq!(ErrorStatus::Other(42).to_string(), "error-status 42");
        assert_eq!(ErrorStatus::Other(2).name(), None);
    }
}
