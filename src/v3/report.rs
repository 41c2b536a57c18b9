//! [`ReportKind`]: what an SNMPv3 Report PDU says, from the counter OID in its first varbind
//! (RFC 3412 §7.2, RFC 3414 §3.2, RFC 3413 for contexts), with net-snmp's wording.

use std::fmt;

use crate::oid::Oid;
use crate::pdu::Pdu;

/// Why an agent answered with a Report instead of a Response.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReportKind {
    /// usmStatsUnsupportedSecLevels: the user does not exist at that security level.
    UnsupportedSecLevel,
    /// usmStatsNotInTimeWindows: engine boots/time outside the 150 s window.
    NotInTimeWindow,
    /// usmStatsUnknownUserNames: no such user at the agent.
    UnknownUserName,
    /// usmStatsUnknownEngineIDs: the engine id is not the agent's (the discovery answer).
    UnknownEngineId,
    /// usmStatsWrongDigests: authentication failed (wrong pass phrase, key or protocol).
    WrongDigest,
    /// usmStatsDecryptionErrors: the agent could not decrypt (wrong privacy pass phrase or
    /// protocol).
    DecryptionError,
    /// snmpUnknownSecurityModels.
    UnknownSecurityModel,
    /// snmpInvalidMsgs.
    InvalidMsg,
    /// snmpUnknownPDUHandlers.
    UnknownPduHandler,
    /// snmpUnavailableContexts.
    UnavailableContext,
    /// snmpUnknownContexts: no such context name (`-n`).
    UnknownContext,
    /// A Report whose first OID is none of the above (or that has no varbind).
    Other(Option<Oid>),
}

/// usmStats (1.3.6.1.6.3.15.1.1), snmpMPDStats (1.3.6.1.6.3.11.2.1) and snmpTargetObjects
/// (1.3.6.1.6.3.12.1, the context counters): where the counters Reports carry live.
pub(crate) const USM_STATS: [u32; 9] = [1, 3, 6, 1, 6, 3, 15, 1, 1];
const MPD_STATS: [u32; 9] = [1, 3, 6, 1, 6, 3, 11, 2, 1];
pub(crate) const TARGET_OBJECTS: [u32; 8] = [1, 3, 6, 1, 6, 3, 12, 1];

impl ReportKind {
    /// The kind named by a Report PDU's first varbind.
    #[must_use]
    pub fn of(pdu: &Pdu<'_>) -> Self {
        pdu.varbinds()
            .first()
            .map_or(Self::Other(None), |vb| Self::from_oid(&vb.oid))
    }

    /// The kind of a counter OID (with or without its `.0` instance).
    #[must_use]
    pub fn from_oid(oid: &Oid) -> Self {
        let arcs = oid.arcs();
        if arcs.len() < 9 {
            return Self::Other(Some(oid.clone()));
        }
        let (base, leaf) = (&arcs[..9], arcs.get(9).copied().unwrap_or(0));
        let tail_ok = arcs.len() == 10 || (arcs.len() == 11 && arcs[10] == 0);
        let kind = match (base, leaf) {
            _ if !tail_ok => None,
            (b, 1) if b == USM_STATS => Some(Self::UnsupportedSecLevel),
            (b, 2) if b == USM_STATS => Some(Self::NotInTimeWindow),
            (b, 3) if b == USM_STATS => Some(Self::UnknownUserName),
            (b, 4) if b == USM_STATS => Some(Self::UnknownEngineId),
            (b, 5) if b == USM_STATS => Some(Self::WrongDigest),
            (b, 6) if b == USM_STATS => Some(Self::DecryptionError),
            (b, 1) if b == MPD_STATS => Some(Self::UnknownSecurityModel),
            (b, 2) if b == MPD_STATS => Some(Self::InvalidMsg),
            (b, 3) if b == MPD_STATS => Some(Self::UnknownPduHandler),
            _ => None,
        };
        // snmpUnavailableContexts and snmpUnknownContexts sit one arc higher.
        let kind = kind.or_else(|| {
            let short_ok = arcs.len() == 9 || (arcs.len() == 10 && arcs[9] == 0);
            match (short_ok && arcs[..8] == TARGET_OBJECTS, arcs[8]) {
                (true, 4) => Some(Self::UnavailableContext),
                (true, 5) => Some(Self::UnknownContext),
                _ => None,
            }
        });
        kind.unwrap_or_else(|| Self::Other(Some(oid.clone())))
    }

    /// A short stable label for counters.
    #[must_use]
    pub fn label(&self) -> &'static str {
        match self {
            Self::UnsupportedSecLevel => "unsupported_sec_level",
            Self::NotInTimeWindow => "not_in_time_window",
            Self::UnknownUserName => "unknown_user_name",
            Self::UnknownEngineId => "unknown_engine_id",
            Self::WrongDigest => "wrong_digest",
            Self::DecryptionError => "decryption_error",
            Self::UnknownSecurityModel => "unknown_security_model",
            Self::InvalidMsg => "invalid_msg",
            Self::UnknownPduHandler => "unknown_pdu_handler",
            Self::UnavailableContext => "unavailable_context",
            Self::UnknownContext => "unknown_context",
            Self::Other(_) => "report",
        }
    }
}

impl fmt::Display for ReportKind {
    /// net-snmp's message for the same condition (`snmp_api_errstring`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnsupportedSecLevel => f.write_str("Unsupported security level"),
            Self::NotInTimeWindow => f.write_str("Time synchronization needed"),
            Self::UnknownUserName => f.write_str("Unknown user name"),
            Self::UnknownEngineId => f.write_str("Unknown engine ID"),
            Self::WrongDigest => {
                f.write_str("Authentication failure (incorrect password, community or key)")
            }
            Self::DecryptionError => f.write_str("Decryption error"),
            Self::UnknownSecurityModel => f.write_str("Unknown security model in message"),
            Self::InvalidMsg => f.write_str("Invalid message (e.g. msgFlags)"),
            Self::UnknownPduHandler => f.write_str("Unknown PDU handler"),
            Self::UnavailableContext => f.write_str("Context unavailable"),
            Self::UnknownContext => f.write_str("Unknown context"),
            Self::Other(Some(oid)) => write!(f, "Report PDU ({oid})"),
            Self::Other(None) => f.write_str("Report PDU without variables"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(s: &str) -> ReportKind {
        ReportKind::from_oid(&s.parse().unwrap())
    }

    #[test]
    fn counters_name_their_kind() {
        assert_eq!(kind("1.3.6.1.6.3.15.1.1.4.0"), ReportKind::UnknownEngineId);
        assert_eq!(kind("1.3.6.1.6.3.15.1.1.2.0"), ReportKind::NotInTimeWindow);
        assert_eq!(kind("1.3.6.1.6.3.15.1.1.3.0"), ReportKind::UnknownUserName);
        assert_eq!(kind("1.3.6.1.6.3.15.1.1.5.0"), ReportKind::WrongDigest);
        assert_eq!(kind("1.3.6.1.6.3.15.1.1.6.0"), ReportKind::DecryptionError);
        assert_eq!(
            kind("1.3.6.1.6.3.15.1.1.1"),
            ReportKind::UnsupportedSecLevel
        );
        assert_eq!(
            kind("1.3.6.1.6.3.11.2.1.3.0"),
            ReportKind::UnknownPduHandler
        );
        assert_eq!(kind("1.3.6.1.6.3.12.1.5.0"), ReportKind::UnknownContext);
        assert_eq!(kind("1.3.6.1.6.3.12.1.4.0"), ReportKind::UnavailableContext);
        assert!(matches!(
            kind("1.3.6.1.6.3.15.1.1.9.0"),
            ReportKind::Other(Some(_))
        ));
        assert!(matches!(
            kind("1.3.6.1.6.3.15.1.1.5.0.1"),
            ReportKind::Other(Some(_))
        ));
        assert!(matches!(kind("1.3"), ReportKind::Other(Some(_))));
    }

    #[test]
    fn messages_are_net_snmps() {
        assert_eq!(
            ReportKind::WrongDigest.to_string(),
            "Authentication failure (incorrect password, community or key)"
        );
        assert_eq!(ReportKind::UnknownUserName.to_string(), "Unknown user name");
    }
}
