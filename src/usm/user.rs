//! [`User`]: one SNMPv3 USM user as a manager configures it (net-snmp's `-u -l -a -A -x -X
//! -3m -3k -3M -3K -n -e -E`), with its secrets in [`Secret`]s that never print.
//!
//! A user names *how* to get keys (a pass phrase, a master key Ku, or a key already localized
//! for one engine); the keys themselves are made per agent engine id by [`User::keys`], through
//! a [`KeyCache`] so a fleet sharing a user costs one 1 MB password hash, not one per agent.

use std::fmt;
use std::str::FromStr;

use zeroize::Zeroizing;

use super::{AuthProtocol, Error, KeyCache, LocalizedKey, PrivKey, PrivProtocol, localize_key};

/// The USM security level (RFC 3411 §3.4.3), parsed from net-snmp's `-l` names,
/// case-insensitively: `noAuthNoPriv` (`noauth`, `1`), `authNoPriv` (`auth`, `2`), `authPriv`
/// (`priv`, `3`).
///
/// ```
/// use snmpact::usm::SecurityLevel;
/// assert_eq!("authpriv".parse(), Ok(SecurityLevel::AuthPriv));
/// assert!(SecurityLevel::AuthNoPriv < SecurityLevel::AuthPriv);
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum SecurityLevel {
    /// No authentication, no privacy.
    #[serde(rename = "noAuthNoPriv", alias = "noauth")]
    NoAuthNoPriv,
    /// Authentication, no privacy.
    #[serde(rename = "authNoPriv", alias = "auth")]
    AuthNoPriv,
    /// Authentication and privacy.
    #[serde(rename = "authPriv", alias = "priv")]
    AuthPriv,
}

impl SecurityLevel {
    /// net-snmp's name.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::NoAuthNoPriv => "noAuthNoPriv",
            Self::AuthNoPriv => "authNoPriv",
            Self::AuthPriv => "authPriv",
        }
    }

    /// Whether messages at this level are authenticated.
    #[must_use]
    pub const fn auth(self) -> bool {
        !matches!(self, Self::NoAuthNoPriv)
    }

    /// Whether messages at this level are encrypted.
    #[must_use]
    pub const fn privacy(self) -> bool {
        matches!(self, Self::AuthPriv)
    }
}

impl fmt::Display for SecurityLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a security level name was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("unknown security level (expected noAuthNoPriv, authNoPriv or authPriv)")]
pub struct UnknownSecurityLevel;

impl FromStr for SecurityLevel {
    type Err = UnknownSecurityLevel;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "noauthnopriv" | "noauth" | "1" => Self::NoAuthNoPriv,
            "authnopriv" | "auth" | "2" => Self::AuthNoPriv,
            "authpriv" | "priv" | "3" => Self::AuthPriv,
            _ => return Err(UnknownSecurityLevel),
        })
    }
}

/// Secret octets (a pass phrase or a key): zeroed on drop, never shown by `Debug`/`Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<Vec<u8>>);

impl Secret {
    /// Wraps the octets.
    #[must_use]
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Self(Zeroizing::new(bytes.into()))
    }

    /// The octets (for key derivation only).
    #[must_use]
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// Octets from hex digits, with an optional `0x` prefix (net-snmp's `-3k`, `-3m`, `-e`).
    ///
    /// # Errors
    /// [`BadHex`] for an odd number of digits or a non-hex character.
    pub fn from_hex(s: &str) -> Result<Self, BadHex> {
        parse_hex(s).map(Self::new)
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Self::new(s.as_bytes())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Hex text that is not an even number of hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not an even number of hex digits")]
pub struct BadHex;

/// Octets from hex digits; `0x` prefix, `:` and spaces allowed between octets.
///
/// # Errors
/// [`BadHex`].
pub fn parse_hex(s: &str) -> Result<Vec<u8>, BadHex> {
    let s = s.trim();
    let s = s
        .strip_prefix("0x")
        .or_else(|| s.strip_prefix("0X"))
        .unwrap_or(s);
    let digits: Vec<u8> = s
        .bytes()
        .filter(|b| !matches!(b, b':' | b' '))
        .map(|b| match b {
            b'0'..=b'9' => Ok(b - b'0'),
            b'a'..=b'f' => Ok(b - b'a' + 10),
            b'A'..=b'F' => Ok(b - b'A' + 10),
            _ => Err(BadHex),
        })
        .collect::<Result<_, _>>()?;
    if !digits.len().is_multiple_of(2) {
        return Err(BadHex);
    }
    Ok(digits.chunks(2).map(|p| p[0] << 4 | p[1]).collect())
}

/// Where a user's authentication or privacy key comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// A pass phrase (`-A`, `-X`): password-to-key then localization per engine.
    Password(Secret),
    /// A master key Ku (`-3m`, `-3M`): localized per engine.
    Master(Secret),
    /// A key already localized for the agent's engine (`-3k`, `-3K`): used as it is, so only
    /// for one engine id.
    Localized(Secret),
}

impl KeySource {
    /// The localized key for `engine_id`.
    fn localized(
        &self,
        auth: AuthProtocol,
        engine_id: &[u8],
        cache: &mut KeyCache,
    ) -> Result<LocalizedKey, Error> {
        match self {
            Self::Password(p) => cache.localized(auth, p.expose(), engine_id),
            Self::Master(ku) => {
                if ku.expose().len() != auth.digest_len() {
                    return Err(Error::KeyLength {
                        expected: auth.digest_len(),
                        actual: ku.expose().len(),
                    });
                }
                Ok(localize_key(auth, ku.expose(), engine_id))
            }
            Self::Localized(k) => LocalizedKey::from_bytes(auth, k.expose()),
        }
    }
}

/// The keys of one user for one engine id.
#[derive(Debug, Clone)]
pub struct UserKeys {
    /// The authentication key, at authNoPriv and above.
    pub auth: Option<LocalizedKey>,
    /// The privacy key, at authPriv.
    pub privacy: Option<PrivKey>,
}

/// Why a [`User`] cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UserError {
    /// The level needs authentication but no authentication key or pass phrase was given.
    #[error("security level {0} needs an authentication pass phrase (-A) or key")]
    MissingAuthKey(SecurityLevel),
    /// authPriv without a privacy key or pass phrase.
    #[error("security level authPriv needs a privacy pass phrase (-X) or key")]
    MissingPrivKey,
    /// A pass phrase shorter than the 8 characters RFC 3414 §11.2 and net-snmp require.
    #[error("{0} pass phrase shorter than 8 characters")]
    ShortPassword(&'static str),
    /// A key or pass phrase was refused by the key derivation.
    #[error("{0}")]
    Key(#[from] Error),
}

/// One SNMPv3 user as a manager uses it. `Debug` never shows a secret.
///
/// ```
/// use snmpact::usm::{AuthProtocol, PrivProtocol, SecurityLevel, User};
/// let user = User::new("alice")
///     .with_auth(AuthProtocol::Sha256, "authpass1")
///     .with_privacy(PrivProtocol::Aes128, "privpass1");
/// assert_eq!(user.level, SecurityLevel::AuthPriv);
/// assert!(user.validate().is_ok());
/// assert!(!format!("{user:?}").contains("authpass1"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The USM user name (msgUserName, `-u`); not a secret.
    pub name: String,
    /// The security level of requests (`-l`).
    pub level: SecurityLevel,
    /// Authentication protocol (`-a`); net-snmp's default is MD5.
    pub auth_protocol: AuthProtocol,
    /// Authentication key source (`-A`, `-3m`, `-3k`).
    pub auth_key: Option<KeySource>,
    /// Privacy protocol (`-x`); net-snmp's default is DES.
    pub priv_protocol: PrivProtocol,
    /// Privacy key source (`-X`, `-3M`, `-3K`).
    pub priv_key: Option<KeySource>,
    /// contextName of requests (`-n`); empty by default.
    pub context_name: Vec<u8>,
    /// contextEngineID of requests (`-E`); the agent's engine id when `None`.
    pub context_engine_id: Option<Vec<u8>>,
    /// The agent's (authoritative) engine id when known in advance (`-e`): skips discovery.
    pub security_engine_id: Option<Vec<u8>>,
}

impl User {
    /// A user at noAuthNoPriv, net-snmp's defaults otherwise (MD5, DES, empty context).
    #[must_use]
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            level: SecurityLevel::NoAuthNoPriv,
            auth_protocol: AuthProtocol::Md5,
            auth_key: None,
            priv_protocol: PrivProtocol::Des,
            priv_key: None,
            context_name: Vec::new(),
            context_engine_id: None,
            security_engine_id: None,
        }
    }

    /// Adds authentication by pass phrase and raises the level to authNoPriv.
    #[must_use]
    pub fn with_auth(mut self, protocol: AuthProtocol, pass_phrase: &str) -> Self {
        self.auth_protocol = protocol;
        self.auth_key = Some(KeySource::Password(Secret::from(pass_phrase)));
        self.level = self.level.max(SecurityLevel::AuthNoPriv);
        self
    }

    /// Adds privacy by pass phrase and raises the level to authPriv.
    #[must_use]
    pub fn with_privacy(mut self, protocol: PrivProtocol, pass_phrase: &str) -> Self {
        self.priv_protocol = protocol;
        self.priv_key = Some(KeySource::Password(Secret::from(pass_phrase)));
        self.level = SecurityLevel::AuthPriv;
        self
    }

    /// Checks that the level has the keys it needs, and net-snmp's 8-character minimum for
    /// pass phrases.
    ///
    /// # Errors
    /// A [`UserError`] naming what is missing.
    pub fn validate(&self) -> Result<(), UserError> {
        if self.level.auth() {
            match &self.auth_key {
                None => return Err(UserError::MissingAuthKey(self.level)),
                Some(KeySource::Password(p)) if p.expose().len() < 8 => {
                    return Err(UserError::ShortPassword("authentication"));
                }
                Some(_) => {}
            }
        }
        if self.level.privacy() {
            match &self.priv_key {
                None => return Err(UserError::MissingPrivKey),
                Some(KeySource::Password(p)) if p.expose().len() < 8 => {
                    return Err(UserError::ShortPassword("privacy"));
                }
                Some(_) => {}
            }
        }
        Ok(())
    }

    /// The keys for the agent engine `engine_id`, made through `cache`.
    ///
    /// # Errors
    /// A [`UserError`] for missing keys, keys of the wrong length or empty pass phrases.
    pub fn keys(&self, engine_id: &[u8], cache: &mut KeyCache) -> Result<UserKeys, UserError> {
        let mut keys = UserKeys {
            auth: None,
            privacy: None,
        };
        if !self.level.auth() {
            return Ok(keys);
        }
        let auth = self.auth_protocol;
        let source = self
            .auth_key
            .as_ref()
            .ok_or(UserError::MissingAuthKey(self.level))?;
        keys.auth = Some(source.localized(auth, engine_id, cache)?);
        if self.level.privacy() {
            let source = self.priv_key.as_ref().ok_or(UserError::MissingPrivKey)?;
            let protocol = self.priv_protocol;
            keys.privacy = Some(match source {
                KeySource::Password(p) => cache.priv_key(auth, protocol, p.expose(), engine_id)?,
                other => PrivKey::derive(
                    protocol,
                    &other.localized(auth, engine_id, cache)?,
                    engine_id,
                ),
            });
        }
        Ok(keys)
    }
}

/// The user the front ends' option tests expect (`-u alice -l authPriv -a SHA-256 -A authpass1
/// -x PRIV -X privpass1 -n CONTEXT -E 8000000001 -e 80001f8880aa`), for one `assert_eq!`.
#[cfg(test)]
pub(crate) fn sample_user(priv_protocol: PrivProtocol, context: &str) -> User {
    let mut u = User::new("alice")
        .with_auth(AuthProtocol::Sha256, "authpass1")
        .with_privacy(priv_protocol, "privpass1");
    u.context_name = context.as_bytes().to_vec();
    u.context_engine_id = Some(vec![0x80, 0, 0, 0, 1]);
    u.security_engine_id = Some(vec![0x80, 0, 0x1f, 0x88, 0x80, 0xaa]);
    u
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_parse_like_net_snmp() {
        for (s, l) in [
            ("noAuthNoPriv", SecurityLevel::NoAuthNoPriv),
            ("NOAUTH", SecurityLevel::NoAuthNoPriv),
            ("1", SecurityLevel::NoAuthNoPriv),
            ("authNoPriv", SecurityLevel::AuthNoPriv),
            ("auth", SecurityLevel::AuthNoPriv),
            ("authPriv", SecurityLevel::AuthPriv),
            ("priv", SecurityLevel::AuthPriv),
            ("3", SecurityLevel::AuthPriv),
        ] {
            assert_eq!(s.parse::<SecurityLevel>(), Ok(l), "{s}");
        }
        assert!("authpri".parse::<SecurityLevel>().is_err());
        assert_eq!(SecurityLevel::AuthPriv.to_string(), "authPriv");
    }

    #[test]
    fn hex_parses_with_prefix_and_separators() {
        assert_eq!(parse_hex("0x80001f88"), Ok(vec![0x80, 0x00, 0x1f, 0x88]));
        assert_eq!(parse_hex("80:00:1F:88"), Ok(vec![0x80, 0x00, 0x1f, 0x88]));
        assert_eq!(parse_hex(""), Ok(vec![]));
        assert_eq!(parse_hex("abc"), Err(BadHex));
        assert_eq!(parse_hex("zz"), Err(BadHex));
    }

    #[test]
    fn secrets_never_print() {
        let s = Secret::from("maplesyrup");
        assert_eq!(format!("{s:?} {s}"), "Secret(<redacted>) <redacted>");
        let u = User::new("u").with_auth(AuthProtocol::Md5, "maplesyrup");
        assert!(!format!("{u:?}").contains("maplesyrup"));
    }

    #[test]
    fn validation_names_what_is_missing() {
        let mut u = User::new("u");
        u.level = SecurityLevel::AuthPriv;
        assert_eq!(
            u.validate(),
            Err(UserError::MissingAuthKey(SecurityLevel::AuthPriv))
        );
        let u = User::new("u").with_auth(AuthProtocol::Sha1, "short");
        assert_eq!(
            u.validate(),
            Err(UserError::ShortPassword("authentication"))
        );
        let mut u = User::new("u").with_auth(AuthProtocol::Sha1, "longenough");
        u.level = SecurityLevel::AuthPriv;
        assert_eq!(u.validate(), Err(UserError::MissingPrivKey));
    }

    #[test]
    fn keys_from_password_master_and_localized_agree() {
        // RFC 3414 A.3.1: "maplesyrup", MD5, engine id 00..02.
        let engine = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];
        let mut cache = KeyCache::new();
        let by_password = User::new("u").with_auth(AuthProtocol::Md5, "maplesyrup");
        let k1 = by_password.keys(&engine, &mut cache).unwrap();
        let kul = k1.auth.clone().unwrap();
        assert_eq!(
            kul.as_bytes(),
            parse_hex("526f5eed9fcce26f8964c2930787d82b").unwrap()
        );
        let mut by_master = by_password.clone();
        by_master.auth_key = Some(KeySource::Master(
            Secret::from_hex("9faf3283884e92834ebc9847d8edd963").unwrap(),
        ));
        assert_eq!(by_master.keys(&engine, &mut cache).unwrap().auth, k1.auth);
        let mut by_local = by_password.clone();
        by_local.auth_key = Some(KeySource::Localized(Secret::new(kul.as_bytes())));
        assert_eq!(by_local.keys(&engine, &mut cache).unwrap().auth, k1.auth);
        // A second engine costs no second password hash.
        by_password.keys(&[1; 12], &mut cache).unwrap();
        assert_eq!(cache.password_hashes(), 1);
    }
}
