//! The command language of the telnet console and the batch runner: one line, one [`Command`].
//!
//! Owns the grammar, its parser ([`parse()`], pure: no actix, no tokio, no sockets), the help
//! texts ([`help()`]), how answers are printed ([`render`]) and, in [`exec`], the one piece that
//! touches the engine: [`exec::execute`] runs an [`Action`] and hands each answer to a callback.
//! Not here: connections, prompts, job numbers (the console's), files (the batch runner's).
//!
//! # Grammar
//! Words are split on blanks; `"double quotes"` group words and take `\"` and `\\` escapes,
//! `'single quotes'` group words literally. An empty line or one starting with `#` is nothing.
//! ```text
//! get   [OPTIONS] AGENT OID...
//! next  [OPTIONS] AGENT OID...
//! bulk  [OPTIONS] AGENT [-n N] [-r R] OID...     (-Cn N / -Cr R as snmpbulkget spells them)
//! walk  [OPTIONS] AGENT [OID]                   (default: mib-2, as snmpwalk)
//! table [OPTIONS] AGENT OID
//! set   [OPTIONS] AGENT OID TYPE VALUE [OID TYPE VALUE]...
//! agents | agent add NAME HOST[:PORT] [OPTIONS] | agent del NAME | stats | cluster
//! format text|numeric|json | jobs | cancel N | help [COMMAND] | quit
//! ```
//! - OPTIONS come before AGENT, as net-snmp puts them: `-v 1|2c|3`, `-c COMMUNITY`,
//!   `-t SECONDS` (fractions allowed), `-r RETRIES`; the value may be glued on (`-v2c`).
//! - SNMPv3 OPTIONS ([`UserOptions`], `help v3`): `-u USER`, `-l noAuthNoPriv|authNoPriv|authPriv`,
//!   `-a MD5|SHA|SHA-224|SHA-256|SHA-384|SHA-512`, `-A PASSPHRASE`,
//!   `-x DES|AES|AES-192|AES-256|AES-192-C|AES-256-C`, `-X PASSPHRASE`, `-n CONTEXT`,
//!   `-E HEX` (context engine id), `-e HEX` (the agent's engine id), `-3m`/`-3M HEX` (master
//!   keys), `-3k`/`-3K HEX` (localized keys). Any of them selects version 3; the level comes
//!   from `-l` only (noAuthNoPriv without it), as in net-snmp. With `-u` they make the whole
//!   user (checked when the line is parsed); without it they change a registered agent's own.
//!   Pass phrases and keys never show: not in `Debug`, errors, `jobs`, `agents` or logs.
//! - AGENT is a registered name (`demo`) or a target `HOST[:PORT]` (`127.0.0.1:16100`,
//!   `[::1]:161`, `localhost`). A bare word that is not registered is an unknown agent rather
//!   than a host name to look up, so a typo never sends a DNS query.
//! - OID: numeric (`1.3.6.1.2.1.1.1.0`, `.1.3…`) or a name from [`crate::mib`]
//!   (`sysDescr.0`, `IF-MIB::ifInOctets.3`).
//! - TYPE is a letter of `snmpset(1)` (see [`parse_set_value`]): `i` INTEGER, `u` Gauge32 /
//!   Unsigned32, `c` Counter32, `C` Counter64, `t` TimeTicks, `a` IpAddress, `o` OBJECT
//!   IDENTIFIER, `s` string, `x` hex string, `d` decimal string, `b` BITS, `n` NULL.
//!
//! # Example
//! ```
//! use snmpact::command::{parse, Action, Command};
//! let cmd = parse("get -v 2c -c public 127.0.0.1:16100 sysDescr.0").unwrap().unwrap();
//! let Command::Run(Action::Get { agent, oids }) = cmd else { panic!() };
//! assert_eq!(agent.name, "127.0.0.1:16100");
//! assert_eq!(oids[0].to_string(), "1.3.6.1.2.1.1.1.0");
//! assert_eq!(
//!     parse("gte demo sysDescr.0").unwrap_err().to_string(),
//!     "unknown command 'gte' (try: help)"
//! );
//! ```

pub mod exec;
mod help;
mod parse;
pub mod render;
mod value;

#[cfg(test)]
mod tests;

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use crate::mib::MibError;
use crate::oid::Oid;
use crate::pdu::{VarBind, Version};
use crate::session::{Community, SessionConfig};

/// The SNMPv3 options live next to the users they make ([`crate::usm::UserOptions`]); re-exported
/// here, where the command line, the console and batch scripts read them.
pub use crate::usm::{
    MAX_ENGINE_ID_LEN, MIN_ENGINE_ID_LEN, UserOption, UserOptionError, UserOptions,
};
pub use help::{COMMANDS, CommandHelp, V3_HELP, help};
pub use parse::{parse, tokenize};
pub use value::{MAX_BIT, SetValueError, parse_set_value};

/// The walk root when `walk` gets none: mib-2, as `snmpwalk` uses.
pub const DEFAULT_WALK_ROOT: [u32; 6] = [1, 3, 6, 1, 2, 1];
/// Longest `-t` accepted, in seconds.
pub const MAX_TIMEOUT_SECS: f64 = 600.0;
/// Most `-r` retries accepted.
pub const MAX_RETRIES: u32 = 100;
/// Longest agent name `agent add` accepts.
pub const MAX_NAME_LEN: usize = 64;

/// One parsed line.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Work for the engine: run it with [`exec::execute`].
    Run(Action),
    /// `format text|numeric|json`: how the caller prints from now on.
    Format(OutputFormat),
    /// `jobs`: list the commands still running (the caller's).
    Jobs,
    /// `cancel N`: stop command number N (the caller's numbering).
    Cancel(u64),
    /// `help [COMMAND]`: the text is [`help()`]'s.
    Help(Option<String>),
    /// `quit`.
    Quit,
}

/// What [`exec::execute`] runs against an engine.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// `get`: one GET of the OIDs.
    Get {
        /// Who to ask.
        agent: AgentRef,
        /// What to ask for.
        oids: Vec<Oid>,
    },
    /// `next`: one GETNEXT of the OIDs.
    Next {
        /// Who to ask.
        agent: AgentRef,
        /// What to ask for.
        oids: Vec<Oid>,
    },
    /// `bulk`: one GETBULK.
    Bulk {
        /// Who to ask.
        agent: AgentRef,
        /// `-n`: non-repeaters (`None`: the session's, normally 0).
        non_repeaters: Option<u32>,
        /// `-r`: max-repetitions (`None`: the session's, normally 10).
        max_repetitions: Option<u32>,
        /// What to ask for.
        oids: Vec<Oid>,
    },
    /// `walk`: the subtree under `root`, streamed row by row.
    Walk {
        /// Who to ask.
        agent: AgentRef,
        /// The subtree ([`DEFAULT_WALK_ROOT`] when none was given).
        root: Oid,
        /// `.1`, `1` or `iso`: everything under the root's first arc (`root` is then `ARC.0`),
        /// as net-snmp walks them.
        whole_arc: bool,
    },
    /// `table`: a conceptual table as rows.
    Table {
        /// Who to ask.
        agent: AgentRef,
        /// The table or its entry.
        oid: Oid,
    },
    /// `set`: one SET of the varbinds.
    Set {
        /// Who to ask.
        agent: AgentRef,
        /// OIDs with their new values.
        varbinds: Vec<VarBind<'static>>,
    },
    /// `agents`: the registered agents.
    Agents,
    /// `agent add NAME HOST[:PORT] [OPTIONS]`: registers (or replaces) an agent.
    AgentAdd {
        /// The name commands will use.
        name: String,
        /// `HOST[:PORT]`.
        target: String,
        /// Version, community, timeout, retries (defaults where absent).
        options: AgentOptions,
    },
    /// `agent del NAME`.
    AgentDel {
        /// The name.
        name: String,
    },
    /// `stats`: the engine's counters (and the notification receiver's and, in a cluster, the
    /// cluster's).
    Stats,
    /// `traps [FILTER]`: the notifications the service receives, streamed until cancelled;
    /// FILTER keeps those whose source address, trap OID or trap name contains it.
    Traps {
        /// The filter, when given.
        filter: Option<String>,
    },
    /// `cluster`: the members, their agents, the epoch, health.
    Cluster,
}

impl Action {
    /// The command word (`"get"`, `"agent add"`), for logs and job lists.
    #[must_use]
    pub fn verb(&self) -> &'static str {
        match self {
            Action::Get { .. } => "get",
            Action::Next { .. } => "next",
            Action::Bulk { .. } => "bulk",
            Action::Walk { .. } => "walk",
            Action::Table { .. } => "table",
            Action::Set { .. } => "set",
            Action::Agents => "agents",
            Action::AgentAdd { .. } => "agent add",
            Action::AgentDel { .. } => "agent del",
            Action::Stats => "stats",
            Action::Traps { .. } => "traps",
            Action::Cluster => "cluster",
        }
    }
}

/// The AGENT of a command with the options written before it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AgentRef {
    /// A registered name or a `HOST[:PORT]` target, as typed.
    pub name: String,
    /// `-v`, `-c`, `-t`, `-r` given before it.
    pub options: AgentOptions,
}

/// Session options as net-snmp's tools take them. `None`: keep the agent's own (or the default).
#[derive(Clone, PartialEq, Default)]
pub struct AgentOptions {
    /// `-v 1|2c|3`.
    pub version: Option<Version>,
    /// `-c COMMUNITY`.
    pub community: Option<Community>,
    /// `-t SECONDS`.
    pub timeout: Option<Duration>,
    /// `-r RETRIES`.
    pub retries: Option<u32>,
    /// The SNMPv3 options (`-u -l -a -A -x -X -n -E -e -3m -3M -3k -3K`), boxed: most
    /// commands have none and the box keeps every [`Action`] small.
    pub user: Box<UserOptions>,
}

impl AgentOptions {
    /// True when no option was given.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// `base` with the given options put over it. Any SNMPv3 option selects version 3; at
    /// version 3 the user is [`UserOptions::build`]'s over `base`'s own; at 1 and 2c there is
    /// no user.
    ///
    /// # Errors
    /// A [`UserOptionError`]: SNMPv3 options with `-v 1|2c`, version 3 without a user name,
    /// a user that misses a key its level needs.
    pub fn apply(&self, mut base: SessionConfig) -> Result<SessionConfig, UserOptionError> {
        if let Some(v) = self.version {
            base.version = v;
        }
        if let Some(option) = self.user.first {
            match self.version {
                None | Some(Version::V3) => base.version = Version::V3,
                Some(other) => {
                    return Err(UserOptionError::NotV3 {
                        option,
                        version: other.as_str(),
                    });
                }
            }
        }
        if let Some(c) = &self.community {
            base.community = c.clone();
        }
        if let Some(t) = self.timeout {
            base.timeout = t;
        }
        if let Some(r) = self.retries {
            base.retries = r;
        }
        if base.version == Version::V3 {
            if !self.user.is_empty() || base.user.is_none() {
                let user = self.user.build(base.user.as_deref())?;
                base.user = Some(Arc::new(user));
            }
        } else {
            base.user = None;
        }
        Ok(base)
    }
}

impl fmt::Debug for AgentOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `Community`'s and `Secret`'s own Debug redact; spelled out here so it stays so.
        f.debug_struct("AgentOptions")
            .field("version", &self.version)
            .field("community", &self.community.as_ref().map(|_| "<redacted>"))
            .field("timeout", &self.timeout)
            .field("retries", &self.retries)
            .field("user", &self.user)
            .finish()
    }
}

/// How answers are printed (`format …`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum OutputFormat {
    /// net-snmp's default: `SNMPv2-MIB::sysDescr.0 = STRING: "…"`.
    #[default]
    Text,
    /// net-snmp's `-On`: `.1.3.6.1.2.1.1.1.0 = STRING: "…"`.
    Numeric,
    /// One JSON object per line ([`crate::format::varbind_json`] for varbinds).
    Json,
}

impl OutputFormat {
    /// The word `format` takes.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            OutputFormat::Text => "text",
            OutputFormat::Numeric => "numeric",
            OutputFormat::Json => "json",
        }
    }
}

impl fmt::Display for OutputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OutputFormat {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, ParseError> {
        match s {
            "text" => Ok(OutputFormat::Text),
            "numeric" => Ok(OutputFormat::Numeric),
            "json" => Ok(OutputFormat::Json),
            other => Err(ParseError::UnknownFormat(clip(other))),
        }
    }
}

/// Why a line is not a command. `Display` is the one line shown after `error: `.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The first word is no command.
    #[error("unknown command '{0}' (try: help)")]
    UnknownCommand(String),
    /// A quote was opened and never closed.
    #[error("unterminated {0} quote")]
    UnterminatedQuote(&'static str),
    /// A required argument is missing.
    #[error("{command}: missing {what} (usage: {usage})")]
    Missing {
        /// The command.
        command: &'static str,
        /// What is missing (`"AGENT"`, `"OID"`).
        what: &'static str,
        /// Its usage line.
        usage: &'static str,
    },
    /// More arguments than the command takes.
    #[error("{command}: unexpected '{word}' (usage: {usage})")]
    Unexpected {
        /// The command.
        command: &'static str,
        /// The first extra word.
        word: String,
        /// Its usage line.
        usage: &'static str,
    },
    /// An option the command does not know.
    #[error("{command}: unknown option '{option}' (usage: {usage})")]
    UnknownOption {
        /// The command.
        command: &'static str,
        /// The option as typed.
        option: String,
        /// Its usage line.
        usage: &'static str,
    },
    /// An option without its value.
    #[error("{command}: option {option} needs a value")]
    MissingValue {
        /// The command.
        command: &'static str,
        /// The option.
        option: &'static str,
    },
    /// An option or argument value that is out of range or not a number.
    #[error("{command}: bad value '{value}' for {what}: expected {expected}")]
    BadValue {
        /// The command.
        command: &'static str,
        /// The option or argument (`"-t"`, `"N"`).
        what: &'static str,
        /// The value as typed.
        value: String,
        /// What is allowed.
        expected: &'static str,
    },
    /// An OID that neither parses nor resolves.
    #[error("{command}: {error}")]
    Oid {
        /// The command.
        command: &'static str,
        /// Why.
        error: MibError,
    },
    /// A SET value that does not fit its type.
    #[error("set: {0}")]
    SetValue(#[from] SetValueError),
    /// `format` with a word other than text, numeric, json.
    #[error("format: unknown format '{0}' (text, numeric or json)")]
    UnknownFormat(String),
    /// `help` about a command that does not exist.
    #[error("help: no command '{0}' (try: help)")]
    UnknownHelpTopic(String),
    /// SNMPv3 options that cannot make a user (never quoting a pass phrase or a key).
    #[error("{command}: {error}")]
    User {
        /// The command.
        command: &'static str,
        /// Why.
        error: UserOptionError,
    },
    /// `agent add` with a name that cannot be one.
    #[error(
        "agent add: bad name '{0}': use letters, digits, '.', '-' and '_', starting with a letter"
    )]
    BadName(String),
}

pub(crate) use crate::text::clip;
