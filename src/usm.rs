//! SNMPv3 User-based Security Model primitives: keys, message authentication and privacy
//! (RFC 3414 §6–§8 and Appendix A.2; SHA-2 authentication RFC 7860; AES-CFB128 RFC 3826;
//! AES-192/256 key extension draft-blumenthal-aes-usm-04 and the "Reeder" variant from
//! draft-reeder-snmpv3-usm-3desede-00 that Cisco and others use).
//!
//! Pure code: no sockets, no actors, no clock. The caller passes engine boots, engine time and
//! salts in. This module does **not** own the SNMPv3 message format (RFC 3412), engine
//! discovery, the time window (RFC 3414 §3.2 step 7) or user configuration; it owns the
//! byte-level operations those need:
//!
//! - [`AuthProtocol`], [`PrivProtocol`]: the algorithms, with net-snmp's names for parsing.
//! - [`password_to_key`], [`localize_key`], [`LocalizedKey`], [`PrivKey`], [`KeyCache`]: keys
//!   (module `key`).
//! - [`authenticate`], [`verify`]: HMAC over the whole message, truncated (module `auth`).
//! - [`encrypt`], [`decrypt`]: DES-CBC (RFC 3414 §8) and AES-CFB128 (RFC 3826) of the scoped PDU
//!   (module `privacy`).
//! - [`User`], [`SecurityLevel`], [`KeySource`], [`Secret`]: a user as a manager configures it,
//!   and its keys per engine id (module `user`).
//! - [`key_change`], [`random_key_change`], [`apply_key_change`]: the KeyChange values that
//!   change a key at an agent without sending it (RFC 3414 §5; module `key_change`).
//!
//! Keys and passwords never appear in `Debug` output; their buffers are zeroed on drop.
//! The hashes and ciphers are RustCrypto's (`md-5`, `sha1`, `sha2`, `hmac`, `des`, `aes`,
//! `cbc`, `cfb-mode`); nothing here implements a primitive by hand.

/// Runs `$body` with `$d` bound to the RustCrypto hash type of `$auth`, so generic code over
/// `Digest` (and HMAC over it) is written once.
macro_rules! with_digest {
    ($auth:expr, $d:ident => $body:expr) => {
        match $auth {
            $crate::usm::AuthProtocol::Md5 => {
                type $d = md5::Md5;
                $body
            }
            $crate::usm::AuthProtocol::Sha1 => {
                type $d = sha1::Sha1;
                $body
            }
            $crate::usm::AuthProtocol::Sha224 => {
                type $d = sha2::Sha224;
                $body
            }
            $crate::usm::AuthProtocol::Sha256 => {
                type $d = sha2::Sha256;
                $body
            }
            $crate::usm::AuthProtocol::Sha384 => {
                type $d = sha2::Sha384;
                $body
            }
            $crate::usm::AuthProtocol::Sha512 => {
                type $d = sha2::Sha512;
                $body
            }
        }
    };
}

mod auth;
mod key;
mod key_change;
mod options;
mod privacy;
mod user;

pub use auth::{authenticate, authenticate_parts, verify, verify_parts};
pub use key::{KeyCache, LocalizedKey, PrivKey, localize_key, password_to_key};
pub use key_change::{apply_key_change, key_change, random_key_change};
pub use options::{MAX_ENGINE_ID_LEN, MIN_ENGINE_ID_LEN, UserOption, UserOptionError, UserOptions};
pub use privacy::{PRIV_PARAMS_LEN, decrypt, encrypt};
#[cfg(test)]
pub(crate) use user::sample_user;
pub use user::{
    BadHex, KeySource, Secret, SecurityLevel, UnknownSecurityLevel, User, UserError, UserKeys,
    parse_hex,
};

use std::fmt;
use std::str::FromStr;

/// Why a USM key, name or ciphertext was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The name is not one of net-snmp's authentication protocol names.
    #[error(
        "unknown authentication protocol (expected MD5, SHA, SHA-224, SHA-256, SHA-384 or SHA-512)"
    )]
    UnknownAuthProtocol,
    /// The name is not one of the privacy protocol names.
    #[error(
        "unknown privacy protocol (expected DES, AES, AES-192, AES-256, AES-192-C or AES-256-C)"
    )]
    UnknownPrivProtocol,
    /// An empty password has no key (RFC 3414 A.2 repeats the password to 1 MB).
    #[error("empty password")]
    EmptyPassword,
    /// msgPrivacyParameters must be exactly [`PRIV_PARAMS_LEN`] octets (RFC 3414 §8.3.2 step 1,
    /// RFC 3826 §3.3.2 step 1).
    #[error("privacy parameters of {actual} octets, expected {PRIV_PARAMS_LEN}")]
    PrivParamsLength {
        /// The length received.
        actual: usize,
    },
    /// DES-CBC ciphertext must be a whole number of 8-octet blocks (RFC 3414 §8.3.2 step 2).
    #[error("DES ciphertext of {len} octets is not a multiple of 8")]
    CiphertextNotBlockAligned {
        /// The length received.
        len: usize,
    },
    /// A key given as bytes has the wrong length for its protocol.
    #[error("key of {actual} octets, expected {expected}")]
    KeyLength {
        /// The length the protocol needs.
        expected: usize,
        /// The length given.
        actual: usize,
    },
}

impl Error {
    /// A short fixed label for drop counters.
    #[must_use]
    pub fn label(&self) -> &'static str {
        match self {
            Self::UnknownAuthProtocol => "usm_unknown_auth_protocol",
            Self::UnknownPrivProtocol => "usm_unknown_priv_protocol",
            Self::EmptyPassword => "usm_empty_password",
            Self::PrivParamsLength { .. } => "usm_priv_params_length",
            Self::CiphertextNotBlockAligned { .. } => "usm_ciphertext_not_block_aligned",
            Self::KeyLength { .. } => "usm_key_length",
        }
    }
}

/// An authentication protocol: the hash behind HMAC, key derivation and localization.
///
/// Parsed from net-snmp's `-a` names, case-insensitively: `MD5`, `SHA` (also `SHA1`, `SHA-1`),
/// `SHA-224`, `SHA-256`, `SHA-384`, `SHA-512` (also without the dash).
///
/// ```
/// use snmpact::usm::AuthProtocol;
/// assert_eq!("sha-256".parse(), Ok(AuthProtocol::Sha256));
/// assert!("SHA-3".parse::<AuthProtocol>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AuthProtocol {
    /// HMAC-MD5-96 (RFC 3414 §6).
    Md5,
    /// HMAC-SHA-96 (RFC 3414 §7).
    Sha1,
    /// HMAC-SHA-224 truncated to 128 bits, usmHMAC128SHA224AuthProtocol (RFC 7860).
    Sha224,
    /// HMAC-SHA-256 truncated to 192 bits, usmHMAC192SHA256AuthProtocol (RFC 7860).
    Sha256,
    /// HMAC-SHA-384 truncated to 256 bits, usmHMAC256SHA384AuthProtocol (RFC 7860).
    Sha384,
    /// HMAC-SHA-512 truncated to 384 bits, usmHMAC384SHA512AuthProtocol (RFC 7860).
    Sha512,
}

impl AuthProtocol {
    /// Every protocol, weakest first.
    pub const ALL: [Self; 6] = [
        Self::Md5,
        Self::Sha1,
        Self::Sha224,
        Self::Sha256,
        Self::Sha384,
        Self::Sha512,
    ];

    /// Length of the hash output, which is also the length of Ku and of the localized key.
    #[must_use]
    pub const fn digest_len(self) -> usize {
        match self {
            Self::Md5 => 16,
            Self::Sha1 => 20,
            Self::Sha224 => 28,
            Self::Sha256 => 32,
            Self::Sha384 => 48,
            Self::Sha512 => 64,
        }
    }

    /// Length of msgAuthenticationParameters: the truncated HMAC (12 for MD5 and SHA-1 per
    /// RFC 3414 §6.3.1/§7.3.1; 16, 24, 32, 48 for SHA-224/256/384/512 per RFC 7860 §4.2.1).
    #[must_use]
    pub const fn mac_len(self) -> usize {
        match self {
            Self::Md5 | Self::Sha1 => 12,
            Self::Sha224 => 16,
            Self::Sha256 => 24,
            Self::Sha384 => 32,
            Self::Sha512 => 48,
        }
    }

    /// net-snmp's name for the protocol (what [`FromStr`] accepts and [`fmt::Display`] prints).
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Md5 => "MD5",
            Self::Sha1 => "SHA",
            Self::Sha224 => "SHA-224",
            Self::Sha256 => "SHA-256",
            Self::Sha384 => "SHA-384",
            Self::Sha512 => "SHA-512",
        }
    }
}

impl fmt::Display for AuthProtocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for AuthProtocol {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let upper = s.trim().to_ascii_uppercase();
        Ok(match upper.as_str() {
            "MD5" => Self::Md5,
            "SHA" | "SHA1" | "SHA-1" => Self::Sha1,
            "SHA-224" | "SHA224" => Self::Sha224,
            "SHA-256" | "SHA256" => Self::Sha256,
            "SHA-384" | "SHA384" => Self::Sha384,
            "SHA-512" | "SHA512" => Self::Sha512,
            _ => return Err(Error::UnknownAuthProtocol),
        })
    }
}

/// A privacy protocol: the cipher and how its key comes from the localized key.
///
/// Parsed case-insensitively from net-snmp's `-x` names: `DES`, `AES` (also `AES-128`, `AES128`),
/// `AES-192`, `AES-256` (also without the dash). net-snmp's `AES-192`/`AES-256` extend the key
/// as draft-blumenthal-aes-usm-04 says. The Cisco ("Reeder") key extension has no net-snmp name;
/// snmpact calls it `AES-192-C` and `AES-256-C` (also `AES192C`, `AES256C`).
///
/// ```
/// use snmpact::usm::PrivProtocol;
/// assert_eq!("aes".parse(), Ok(PrivProtocol::Aes128));
/// assert_eq!("AES-256-C".parse(), Ok(PrivProtocol::Aes256Cisco));
/// assert!("3DES".parse::<PrivProtocol>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PrivProtocol {
    /// CBC-DES, usmDESPrivProtocol (RFC 3414 §8).
    Des,
    /// CFB128-AES-128, usmAesCfb128Protocol (RFC 3826).
    Aes128,
    /// CFB128-AES-192 with the Blumenthal key extension (net-snmp `AES-192`).
    Aes192,
    /// CFB128-AES-256 with the Blumenthal key extension (net-snmp `AES-256`).
    Aes256,
    /// CFB128-AES-192 with the Reeder key extension, as Cisco does it.
    Aes192Cisco,
    /// CFB128-AES-256 with the Reeder key extension, as Cisco does it.
    Aes256Cisco,
}

impl PrivProtocol {
    /// Every protocol.
    pub const ALL: [Self; 6] = [
        Self::Des,
        Self::Aes128,
        Self::Aes192,
        Self::Aes256,
        Self::Aes192Cisco,
        Self::Aes256Cisco,
    ];

    /// Octets of derived key material the protocol uses: the cipher key, plus for DES the
    /// 8-octet pre-IV (RFC 3414 §8.1.1.1).
    #[must_use]
    pub const fn key_material_len(self) -> usize {
        match self {
            Self::Des | Self::Aes128 => 16,
            Self::Aes192 | Self::Aes192Cisco => 24,
            Self::Aes256 | Self::Aes256Cisco => 32,
        }
    }

    /// The name [`FromStr`] accepts and [`fmt::Display`] prints.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Des => "DES",
            Self::Aes128 => "AES",
            Self::Aes192 => "AES-192",
            Self::Aes256 => "AES-256",
            Self::Aes192Cisco => "AES-192-C",
            Self::Aes256Cisco => "AES-256-C",
        }
    }
}

impl fmt::Display for PrivProtocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for PrivProtocol {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let upper = s.trim().to_ascii_uppercase();
        Ok(match upper.as_str() {
            "DES" => Self::Des,
            "AES" | "AES-128" | "AES128" => Self::Aes128,
            "AES-192" | "AES192" => Self::Aes192,
            "AES-256" | "AES256" => Self::Aes256,
            "AES-192-C" | "AES192C" | "AES192-C" => Self::Aes192Cisco,
            "AES-256-C" | "AES256C" | "AES256-C" => Self::Aes256Cisco,
            _ => return Err(Error::UnknownPrivProtocol),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_names_round_trip_and_ignore_case() {
        for p in AuthProtocol::ALL {
            assert_eq!(p.name().parse::<AuthProtocol>(), Ok(p));
            assert_eq!(p.name().to_lowercase().parse::<AuthProtocol>(), Ok(p));
            assert_eq!(p.to_string(), p.name());
        }
        assert_eq!("sha1".parse(), Ok(AuthProtocol::Sha1));
        assert_eq!("Sha512".parse(), Ok(AuthProtocol::Sha512));
        assert_eq!("".parse::<AuthProtocol>(), Err(Error::UnknownAuthProtocol));
        assert_eq!(
            "SHA-3".parse::<AuthProtocol>(),
            Err(Error::UnknownAuthProtocol)
        );
    }

    #[test]
    fn priv_names_round_trip_and_ignore_case() {
        for p in PrivProtocol::ALL {
            assert_eq!(p.name().parse::<PrivProtocol>(), Ok(p));
            assert_eq!(p.name().to_lowercase().parse::<PrivProtocol>(), Ok(p));
            assert_eq!(p.to_string(), p.name());
        }
        assert_eq!("aes128".parse(), Ok(PrivProtocol::Aes128));
        assert_eq!(
            "3DES".parse::<PrivProtocol>(),
            Err(Error::UnknownPrivProtocol)
        );
    }

    #[test]
    fn lengths_per_protocol() {
        let table = [
            (AuthProtocol::Md5, 16, 12),
            (AuthProtocol::Sha1, 20, 12),
            (AuthProtocol::Sha224, 28, 16),
            (AuthProtocol::Sha256, 32, 24),
            (AuthProtocol::Sha384, 48, 32),
            (AuthProtocol::Sha512, 64, 48),
        ];
        for (p, digest, mac) in table {
            assert_eq!((p.digest_len(), p.mac_len()), (digest, mac), "{p}");
        }
    }
}
