//! [`UserOptions`]: the SNMPv3 options of net-snmp's tools (`-u -l -a -A -x -X -n -E -e` and
//! `-3m -3M -3k -3K`), as the command line, the console and batch scripts take them, and how they
//! make a [`User`]. Pure: no I/O.
//!
//! net-snmp's rules are kept: the security level comes from `-l` only (noAuthNoPriv without
//! it, even when `-A` is given); without `-a` and `-x` the protocols are MD5 and DES; a key given
//! already localized (`-3k`, `-3K`) wins over a master key (`-3m`, `-3M`), which wins over a pass
//! phrase (`-A`, `-X`), whatever their order; engine ids are 5 to 32 octets in hex.
//!
//! Pass phrases and keys are [`Secret`]s: `Debug` shows none, and no error quotes one.

use std::fmt;

use super::{AuthProtocol, KeySource, PrivProtocol, Secret, SecurityLevel, User, UserError};
use crate::text::clip;

/// Shortest engine id net-snmp accepts after `-e` and `-E` (RFC 3411 SnmpEngineID).
pub const MIN_ENGINE_ID_LEN: usize = crate::v3::MIN_ENGINE_ID;
/// Longest engine id.
pub const MAX_ENGINE_ID_LEN: usize = crate::v3::MAX_ENGINE_ID;

/// One SNMPv3 option, by what it sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UserOption {
    /// `-u USER`.
    User,
    /// `-l LEVEL`.
    Level,
    /// `-a PROTOCOL`.
    AuthProtocol,
    /// `-A PASSPHRASE`.
    AuthPassword,
    /// `-x PROTOCOL`.
    PrivProtocol,
    /// `-X PASSPHRASE`.
    PrivPassword,
    /// `-n CONTEXT`.
    Context,
    /// `-E ENGINEID`: contextEngineID.
    ContextEngineId,
    /// `-e ENGINEID`: the agent's (security) engine id.
    SecurityEngineId,
    /// `-3m KEY`: authentication master key Ku.
    AuthMasterKey,
    /// `-3M KEY`: privacy master key.
    PrivMasterKey,
    /// `-3k KEY`: authentication key localized for the agent's engine.
    AuthLocalizedKey,
    /// `-3K KEY`: privacy key localized for the agent's engine.
    PrivLocalizedKey,
}

impl UserOption {
    /// The option of a one-letter flag (`'u'` for `-u`), or of `-3LETTER`.
    #[must_use]
    pub fn from_letter(c: char) -> Option<Self> {
        Some(match c {
            'u' => Self::User,
            'l' => Self::Level,
            'a' => Self::AuthProtocol,
            'A' => Self::AuthPassword,
            'x' => Self::PrivProtocol,
            'X' => Self::PrivPassword,
            'n' => Self::Context,
            'E' => Self::ContextEngineId,
            'e' => Self::SecurityEngineId,
            _ => return None,
        })
    }

    /// The option of `-3LETTER` (`'m'` for `-3m`); the one-letter options may be spelt so too.
    #[must_use]
    pub fn from_extended(c: char) -> Option<Self> {
        Some(match c {
            'm' => Self::AuthMasterKey,
            'M' => Self::PrivMasterKey,
            'k' => Self::AuthLocalizedKey,
            'K' => Self::PrivLocalizedKey,
            other => return Self::from_letter(other),
        })
    }

    /// How the option is written (`"-u"`, `"-3k"`).
    #[must_use]
    pub const fn flag(self) -> &'static str {
        match self {
            Self::User => "-u",
            Self::Level => "-l",
            Self::AuthProtocol => "-a",
            Self::AuthPassword => "-A",
            Self::PrivProtocol => "-x",
            Self::PrivPassword => "-X",
            Self::Context => "-n",
            Self::ContextEngineId => "-E",
            Self::SecurityEngineId => "-e",
            Self::AuthMasterKey => "-3m",
            Self::PrivMasterKey => "-3M",
            Self::AuthLocalizedKey => "-3k",
            Self::PrivLocalizedKey => "-3K",
        }
    }

    /// True when the value is a secret (a pass phrase or a key): never shown anywhere.
    #[must_use]
    pub const fn is_secret(self) -> bool {
        matches!(
            self,
            Self::AuthPassword
                | Self::PrivPassword
                | Self::AuthMasterKey
                | Self::PrivMasterKey
                | Self::AuthLocalizedKey
                | Self::PrivLocalizedKey
        )
    }
}

impl fmt::Display for UserOption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.flag())
    }
}

/// Why SNMPv3 options cannot make a user. `Display` is one line in net-snmp's words; it
/// never holds a pass phrase or a key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UserOptionError {
    /// `-l` with a name that is no security level.
    #[error(
        "Invalid security level specified after -l flag: {0} (noAuthNoPriv, authNoPriv or authPriv)"
    )]
    Level(String),
    /// `-a` with a name that is no authentication protocol.
    #[error(
        "Invalid authentication protocol specified after -a flag: {0} (MD5, SHA, SHA-224, SHA-256, SHA-384 or SHA-512)"
    )]
    AuthProtocol(String),
    /// `-x` with a name that is no privacy protocol.
    #[error(
        "Invalid privacy protocol specified after -x flag: {0} (DES, AES, AES-192, AES-256, AES-192-C or AES-256-C)"
    )]
    PrivProtocol(String),
    /// `-e` or `-E` that is not 5 to 32 octets in hex.
    #[error("Bad engine ID value after {0} flag: expected 5 to 32 octets in hex")]
    EngineId(UserOption),
    /// `-3m`, `-3M`, `-3k` or `-3K` that is not hex (the value is not repeated: it is a secret).
    #[error("Bad key value after {0} flag: expected hex digits")]
    Key(UserOption),
    /// `-3` followed by a letter that is no SNMPv3 option.
    #[error("unknown SNMPv3 option -3{0} (m M k K, or u l a A x X n e E)")]
    Extended(char),
    /// SNMPv3 without a user name.
    #[error("No securityName specified (-u USER)")]
    NoSecurityName,
    /// SNMPv3 options with `-v 1` or `-v 2c`.
    #[error("{option} is an SNMPv3 option: it needs -v 3, not -v {version}")]
    NotV3 {
        /// The first SNMPv3 option given.
        option: UserOption,
        /// The version given (`"1"`, `"2c"`).
        version: &'static str,
    },
    /// The user misses a key its level needs, or a pass phrase is too short.
    #[error("{0}")]
    User(#[from] UserError),
}

/// SNMPv3 options as given; `None` where an option was not. `Debug` shows no secret.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UserOptions {
    /// `-u`: the user name. When given, the user is made from these options alone; without
    /// it they change the agent's own user (a registered agent's).
    pub name: Option<String>,
    /// `-l`.
    pub level: Option<SecurityLevel>,
    /// `-a`.
    pub auth_protocol: Option<AuthProtocol>,
    /// `-A`, `-3m` or `-3k` (the strongest kind given: localized, master, pass phrase).
    pub auth_key: Option<KeySource>,
    /// `-x`.
    pub priv_protocol: Option<PrivProtocol>,
    /// `-X`, `-3M` or `-3K` (as `auth_key`).
    pub priv_key: Option<KeySource>,
    /// `-n`.
    pub context: Option<Vec<u8>>,
    /// `-E`.
    pub context_engine_id: Option<Vec<u8>>,
    /// `-e`.
    pub security_engine_id: Option<Vec<u8>>,
    /// The first option given, for [`UserOptionError::NotV3`].
    pub first: Option<UserOption>,
}

/// How strong a key source is: net-snmp uses a localized key over a master key over a pass
/// phrase, in whatever order they were given.
fn rank(k: &KeySource) -> u8 {
    match k {
        KeySource::Password(_) => 0,
        KeySource::Master(_) => 1,
        KeySource::Localized(_) => 2,
    }
}

/// Puts `new` in `slot` unless `slot` holds a stronger kind of key.
fn offer(slot: &mut Option<KeySource>, new: KeySource) {
    if slot.as_ref().is_none_or(|old| rank(old) <= rank(&new)) {
        *slot = Some(new);
    }
}

/// An engine id: 5 to 32 octets in hex.
fn engine_id(option: UserOption, value: &str) -> Result<Vec<u8>, UserOptionError> {
    crate::v3::parse_engine_id(value).ok_or(UserOptionError::EngineId(option))
}

impl UserOptions {
    /// True when no SNMPv3 option was given.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Takes one option and its value.
    ///
    /// # Errors
    /// A [`UserOptionError`] for a value that does not parse; it never quotes a secret.
    pub fn set(&mut self, option: UserOption, value: &str) -> Result<(), UserOptionError> {
        use UserOption as O;
        match option {
            O::User => self.name = Some(value.to_owned()),
            O::Level => {
                self.level = Some(
                    value
                        .parse()
                        .map_err(|_| UserOptionError::Level(clip(value)))?,
                );
            }
            O::AuthProtocol => {
                self.auth_protocol = Some(
                    value
                        .parse()
                        .map_err(|_| UserOptionError::AuthProtocol(clip(value)))?,
                );
            }
            O::PrivProtocol => {
                self.priv_protocol = Some(
                    value
                        .parse()
                        .map_err(|_| UserOptionError::PrivProtocol(clip(value)))?,
                );
            }
            O::AuthPassword => offer(&mut self.auth_key, KeySource::Password(Secret::from(value))),
            O::PrivPassword => offer(&mut self.priv_key, KeySource::Password(Secret::from(value))),
            O::AuthMasterKey | O::PrivMasterKey | O::AuthLocalizedKey | O::PrivLocalizedKey => {
                let key = Secret::from_hex(value).map_err(|_| UserOptionError::Key(option))?;
                let (slot, source) = match option {
                    O::AuthMasterKey => (&mut self.auth_key, KeySource::Master(key)),
                    O::PrivMasterKey => (&mut self.priv_key, KeySource::Master(key)),
                    O::AuthLocalizedKey => (&mut self.auth_key, KeySource::Localized(key)),
                    _ => (&mut self.priv_key, KeySource::Localized(key)),
                };
                offer(slot, source);
            }
            O::Context => self.context = Some(value.as_bytes().to_vec()),
            O::ContextEngineId => self.context_engine_id = Some(engine_id(option, value)?),
            O::SecurityEngineId => self.security_engine_id = Some(engine_id(option, value)?),
        }
        self.first.get_or_insert(option);
        Ok(())
    }

    /// Puts the options given in `over` over these (for layered settings: a later layer's
    /// pass phrase replaces an earlier layer's key, whatever their kinds).
    pub fn overlay(&mut self, over: &Self) {
        if over.name.is_some() {
            self.name.clone_from(&over.name);
        }
        if over.level.is_some() {
            self.level = over.level;
        }
        if over.auth_protocol.is_some() {
            self.auth_protocol = over.auth_protocol;
        }
        if over.auth_key.is_some() {
            self.auth_key.clone_from(&over.auth_key);
        }
        if over.priv_protocol.is_some() {
            self.priv_protocol = over.priv_protocol;
        }
        if over.priv_key.is_some() {
            self.priv_key.clone_from(&over.priv_key);
        }
        if over.context.is_some() {
            self.context.clone_from(&over.context);
        }
        if over.context_engine_id.is_some() {
            self.context_engine_id.clone_from(&over.context_engine_id);
        }
        if over.security_engine_id.is_some() {
            self.security_engine_id.clone_from(&over.security_engine_id);
        }
        if self.first.is_none() {
            self.first = over.first;
        }
    }

    /// The user these options make. With `-u` it is made from the options alone (net-snmp's
    /// defaults elsewhere: noAuthNoPriv, MD5, DES, empty context); without it, `base` (a
    /// registered agent's user) with the options given put over it. The result is checked
    /// with [`User::validate`].
    ///
    /// # Errors
    /// [`UserOptionError::NoSecurityName`] without `-u` and without `base` (or with an empty
    /// name); [`UserOptionError::User`] when the level misses a key or a pass phrase is short.
    pub fn build(&self, base: Option<&User>) -> Result<User, UserOptionError> {
        let mut user = match (&self.name, base) {
            (Some(name), _) => User::new(name.clone()),
            (None, Some(b)) => b.clone(),
            (None, None) => return Err(UserOptionError::NoSecurityName),
        };
        if user.name.is_empty() {
            return Err(UserOptionError::NoSecurityName);
        }
        if let Some(l) = self.level {
            user.level = l;
        }
        if let Some(p) = self.auth_protocol {
            user.auth_protocol = p;
        }
        if let Some(k) = &self.auth_key {
            user.auth_key = Some(k.clone());
        }
        if let Some(p) = self.priv_protocol {
            user.priv_protocol = p;
        }
        if let Some(k) = &self.priv_key {
            user.priv_key = Some(k.clone());
        }
        if let Some(c) = &self.context {
            user.context_name.clone_from(c);
        }
        if let Some(id) = &self.context_engine_id {
            user.context_engine_id = Some(id.clone());
        }
        if let Some(id) = &self.security_engine_id {
            user.security_engine_id = Some(id.clone());
        }
        user.validate()?;
        Ok(user)
    }
}
