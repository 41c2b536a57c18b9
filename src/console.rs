//! The telnet console: a TCP listener actor ([`Listener`]) and one actor per connection, which
//! reads lines through a telnet-aware decoder ([`telnet`]), parses them with [`crate::command`]
//! and runs them on the shared [`Engine`] with [`crate::command::exec`]. Works with the real
//! `telnet` client and with `nc`.
//!
//! Owns: listening, connection limits, the password, prompts, command numbers, `cancel`,
//! idle timeouts and what a client that misbehaves can cost. Not here: the command language.
//!
//! ```no_run
//! use snmpact::console::{ConsoleConfig, run_console};
//! # async fn start(engine: snmpact::Engine) -> std::io::Result<()> {
//! let console = run_console(engine, ConsoleConfig::default()).await?; // 127.0.0.1:2323
//! println!("telnet {} {}", console.local_addr.ip(), console.local_addr.port());
//! console.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! # What a session looks like
//! ```text
//! snmpact console: 'help' lists commands, 'quit' leaves.
//! snmpact> get demo sysDescr.0
//! SNMPv2-MIB::sysDescr.0 = STRING: "snmpact demo agent"
//! snmpact> get dead sysDescr.0
//! snmpact> walk demo system              (the prompt came back after 200 ms)
//! [2] SNMPv2-MIB::sysDescr.0 = STRING: "snmpact demo agent"
//! [2] ...
//! snmpact>
//! [1] error: timeout after 5 retries to dead (127.0.0.1:9)
//! snmpact> gte
//! error: unknown command 'gte' (try: help)
//! ```
//! - Commands run at once and side by side: each gets a number; the prompt comes back when it
//!   is done or after [`PROMPT_DELAY`], whichever is first. Its lines are tagged `[N]` once it
//!   shares the screen (another command started, or the prompt came back while it ran).
//!   `cancel N` stops it, `jobs` lists those running, Ctrl-C (`IAC IP`) cancels them all.
//! - Errors are one line; nothing a client sends ends its connection except `quit`, three wrong
//!   passwords, the idle timeout, or not reading its output (see [`MAX_QUEUED_OUTPUT`]).
//! - When the client closes its sending side (`printf 'get …\n' | nc -N`), the commands still
//!   running finish, then the connection closes.
//!
//! # Safety
//! - Binds to loopback by default. Another address without a password is refused at start-up
//!   ([`ConsoleConfig::check`] names `console.password`), unless `allow_unauthenticated = true`
//!   says so explicitly, which logs a warning at every start.
//! - With `password` set, nothing is parsed before it is given (with ECHO offered, so `telnet`
//!   hides it); it is compared in constant time (both sides hashed, then compared with
//!   `subtle`). Three wrong ones close the connection; per source address ([`guard`]), each
//!   wrong one makes the next try wait longer ([`guard::FIRST_DELAY`] doubling), and
//!   [`guard::BAN_AFTER`] of them ban the address for [`guard::BAN_TIME`].
//! - `allow = ["10.0.0.0/8", ...]`: only clients from these networks (others are closed at
//!   once, counted).
//! - Read-only mode (`read_only`, on by default when listening beyond loopback): `set`,
//!   `agent add` and `agent del` are refused; `help` says which mode is on.
//! - Refusals, wrong passwords, bans and accept errors are counted ([`guard::GuardCounters`]):
//!   `stats` shows them, and so does the Prometheus endpoint (`snmpact_console_*`).
//! - Limits from [`ConsoleConfig`]: line length, connections (the one over gets a polite line
//!   and is closed), commands running per connection, idle time.
//! - Lines typed are never logged (they may hold a `-c` community); only the command word is.

mod connection;
pub mod guard;
mod listener;
pub mod telnet;

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use actix::prelude::*;
use serde::{Deserialize, Deserializer};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::engine::Engine;
use guard::{GuardCounters, Network};

pub use listener::{CountConnections, Listener, Shutdown};

/// The default listening address: loopback only.
pub const DEFAULT_LISTEN: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 2323);
/// Default longest line, in bytes.
pub const DEFAULT_MAX_LINE: usize = 4096;
/// Default most connections at once.
pub const DEFAULT_MAX_CONNECTIONS: usize = 64;
/// Default most commands running at once on one connection.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 16;
/// Default time without input (and nothing running) before a connection is closed.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(600);
/// How long the prompt waits for a command to finish before coming back anyway.
pub const PROMPT_DELAY: Duration = Duration::from_millis(200);
/// Wait after a source's first wrong password before asking again (it grows with each
/// further one: [`guard::FIRST_DELAY`]).
pub const AUTH_RETRY_DELAY: Duration = guard::FIRST_DELAY;
/// Wrong passwords before the connection is closed.
pub const MAX_AUTH_FAILURES: u32 = 3;
/// Output queued for a client and not yet taken: past this, its running commands are cancelled.
pub const MAX_QUEUED_OUTPUT: usize = 2 << 20;
/// Output queued past this closes the connection (a client sending but never reading).
pub const MAX_QUEUED_OUTPUT_HARD: usize = 8 << 20;
/// After a connection has said its last words, how long it waits for the client to close.
pub const CLOSE_LINGER: Duration = Duration::from_secs(2);
/// Pause after an accept error (EMFILE and the like) before accepting again.
pub const ACCEPT_ERROR_PAUSE: Duration = Duration::from_millis(100);

/// The console's settings. Deserializes from the `[console]` table of the configuration file;
/// every field has a default and unknown fields are refused.
///
/// ```
/// let c: snmpact::console::ConsoleConfig =
///     serde_json::from_str(r#"{"listen": "127.0.0.1:2424", "password": "s3cret", "idle_timeout": 90}"#)
///         .unwrap();
/// assert_eq!(c.listen.port(), 2424);
/// assert_eq!(c.max_line, 4096);
/// assert!(!format!("{c:?}").contains("s3cret"));
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConsoleConfig {
    /// Address to listen on (`127.0.0.1:2323`).
    pub listen: SocketAddr,
    /// When set, a connection must give it before any command.
    pub password: Option<Password>,
    /// Longest line in bytes (4096); a longer one is dropped with an error.
    pub max_line: usize,
    /// Most connections at once (64); the next gets a refusal line and is closed.
    pub max_connections: usize,
    /// Most commands running at once on one connection (16).
    pub max_in_flight: usize,
    /// Seconds without input, and with nothing running, before a connection is closed (600).
    #[serde(deserialize_with = "seconds")]
    pub idle_timeout: Duration,
    /// Listen beyond loopback without a password anyway (false: refused at start-up). Logs a
    /// warning at every start.
    pub allow_unauthenticated: bool,
    /// Refuse `set`, `agent add` and `agent del`. Unset: read-only when listening beyond
    /// loopback, read-write on loopback.
    pub read_only: Option<bool>,
    /// Client networks allowed (`["10.0.0.0/8", "::1"]`); empty: every client.
    pub allow: Vec<Network>,
}

/// Why a console configuration is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConsoleError {
    /// Beyond loopback without a password, and `allow_unauthenticated` is not set.
    #[error(
        "the console listens on {listen}, beyond loopback, without a password; \
         set console.password (or SNMPACT_CONSOLE__PASSWORD in the environment), listen \
         on 127.0.0.1, or set console.allow_unauthenticated = true to accept the risk"
    )]
    Unauthenticated {
        /// The address.
        listen: SocketAddr,
    },
}

impl ConsoleError {
    /// The configuration key at fault.
    #[must_use]
    pub fn key(&self) -> &'static str {
        match self {
            Self::Unauthenticated { .. } => "password",
        }
    }
}

impl Default for ConsoleConfig {
    fn default() -> Self {
        Self {
            listen: DEFAULT_LISTEN,
            password: None,
            max_line: DEFAULT_MAX_LINE,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            max_in_flight: DEFAULT_MAX_IN_FLIGHT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            allow_unauthenticated: false,
            read_only: None,
            allow: Vec::new(),
        }
    }
}

impl ConsoleConfig {
    /// Checks the safety rules at start-up: listening beyond loopback (`0.0.0.0` included)
    /// needs a password or `allow_unauthenticated = true`.
    ///
    /// # Errors
    /// [`ConsoleError::Unauthenticated`].
    pub fn check(&self) -> Result<(), ConsoleError> {
        self.check_bound(self.listen)
    }

    fn check_bound(&self, listen: SocketAddr) -> Result<(), ConsoleError> {
        if !listen.ip().is_loopback() && self.password.is_none() && !self.allow_unauthenticated {
            return Err(ConsoleError::Unauthenticated { listen });
        }
        Ok(())
    }

    /// True when `set` and agent changes are refused: `read_only` when given, else true
    /// beyond loopback.
    #[must_use]
    pub fn is_read_only(&self) -> bool {
        self.read_only
            .unwrap_or_else(|| !self.listen.ip().is_loopback())
    }
}

/// A duration given as a number of seconds (fractions allowed).
fn seconds<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    let s = f64::deserialize(d)?;
    Duration::try_from_secs_f64(s).map_err(serde::de::Error::custom)
}

/// The console password. `Debug` never shows it; comparison takes the same time wherever the
/// first difference is.
#[derive(Clone, Deserialize)]
#[serde(transparent)]
pub struct Password(String);

impl Password {
    /// A password.
    #[must_use]
    pub fn new(p: impl Into<String>) -> Self {
        Self(p.into())
    }

    /// True when `attempt` is the password. Both are hashed (SHA-256) and the digests
    /// compared with `subtle`, so the time taken says nothing about where they differ, nor
    /// about the password's length.
    #[must_use]
    pub fn matches(&self, attempt: &str) -> bool {
        let a = Sha256::digest(self.0.as_bytes());
        let b = Sha256::digest(attempt.as_bytes());
        a.as_slice().ct_eq(b.as_slice()).into()
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// A running console.
#[derive(Debug, Clone)]
pub struct RunningConsole {
    /// The listener actor (send it [`Shutdown`]).
    pub addr: Addr<Listener>,
    /// The address it listens on (the real port when `listen` had port 0).
    pub local_addr: SocketAddr,
    /// Its security counters (refusals, wrong passwords, bans, accept errors).
    pub counters: Arc<GuardCounters>,
}

impl RunningConsole {
    /// Stops listening and closes every connection (each is told why).
    pub async fn shutdown(&self) {
        let _ = self.addr.send(Shutdown).await;
    }
}

/// Binds `config.listen` and starts the console on the current arbiter. Must run inside an
/// actix `System`.
///
/// # Errors
/// When the address cannot be bound, or (`PermissionDenied`, the message naming
/// `console.password`) when [`ConsoleConfig::check`] refuses it.
pub async fn run_console(engine: Engine, config: ConsoleConfig) -> io::Result<RunningConsole> {
    let refuse = |e: ConsoleError| {
        io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!("console.{}: {e}", e.key()),
        )
    };
    config.check().map_err(refuse)?;
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    let local_addr = listener.local_addr()?;
    config.check_bound(local_addr).map_err(refuse)?;
    if !local_addr.ip().is_loopback() && config.password.is_none() {
        tracing::warn!(
            %local_addr,
            "console listens beyond loopback without a password (allow_unauthenticated = true): \
             anyone who can reach it can use it"
        );
    }
    let read_only = config.is_read_only();
    tracing::info!(%local_addr, read_only, allow = ?config.allow, "console listening");
    let config = Arc::new(config);
    let counters = Arc::new(GuardCounters::default());
    let addr = Listener::new(engine, config, listener, counters.clone()).start();
    Ok(RunningConsole {
        addr,
        local_addr,
        counters,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_safe() {
        let c = ConsoleConfig::default();
        assert_eq!(c.listen.to_string(), "127.0.0.1:2323");
        assert!(c.password.is_none());
        assert_eq!(
            (c.max_line, c.max_connections, c.idle_timeout),
            (4096, 64, Duration::from_secs(600))
        );
        let empty: ConsoleConfig = serde_json::from_str("{}").unwrap();
        assert_eq!(empty.listen, c.listen);
    }

    #[test]
    fn unknown_fields_and_bad_values_are_refused() {
        let e = serde_json::from_str::<ConsoleConfig>(r#"{"passwd": "x"}"#).unwrap_err();
        assert!(e.to_string().contains("unknown field `passwd`"), "{e}");
        assert!(serde_json::from_str::<ConsoleConfig>(r#"{"idle_timeout": -1}"#).is_err());
        let c: ConsoleConfig = serde_json::from_str(r#"{"idle_timeout": 0.5}"#).unwrap();
        assert_eq!(c.idle_timeout, Duration::from_millis(500));
    }

    #[test]
    fn beyond_loopback_needs_a_password_or_an_explicit_yes() {
        let wide = |extra: &str| {
            serde_json::from_str::<ConsoleConfig>(&format!(
                r#"{{"listen": "0.0.0.0:2323"{extra}}}"#
            ))
            .unwrap()
        };
        let e = wide("").check().unwrap_err();
        assert_eq!(e.key(), "password");
        assert!(e.to_string().contains("without a password"), "{e}");
        assert!(e.to_string().contains("allow_unauthenticated"), "{e}");
        assert!(wide(r#", "password": "x""#).check().is_ok());
        assert!(wide(r#", "allow_unauthenticated": true"#).check().is_ok());
        assert!(ConsoleConfig::default().check().is_ok());
        let v6: ConsoleConfig = serde_json::from_str(r#"{"listen": "[::1]:2323"}"#).unwrap();
        assert!(v6.check().is_ok());
    }

    #[test]
    fn read_only_by_default_beyond_loopback() {
        assert!(!ConsoleConfig::default().is_read_only());
        let wide: ConsoleConfig =
            serde_json::from_str(r#"{"listen": "0.0.0.0:2323", "password": "x"}"#).unwrap();
        assert!(wide.is_read_only());
        let rw: ConsoleConfig = serde_json::from_str(
            r#"{"listen": "0.0.0.0:2323", "password": "x", "read_only": false}"#,
        )
        .unwrap();
        assert!(!rw.is_read_only());
        let ro: ConsoleConfig = serde_json::from_str(r#"{"read_only": true}"#).unwrap();
        assert!(ro.is_read_only());
        let allow: ConsoleConfig =
            serde_json::from_str(r#"{"allow": ["10.0.0.0/8", "::1"]}"#).unwrap();
        assert_eq!(format!("{:?}", allow.allow), "[10.0.0.0/8, ::1/128]");
        assert!(serde_json::from_str::<ConsoleConfig>(r#"{"allow": ["10.0.0.0/40"]}"#).is_err());
    }

    #[test]
    fn passwords_compare_whole_and_stay_hidden() {
        let p = Password::new("s3cret");
        assert!(p.matches("s3cret"));
        for wrong in ["", "s3cre", "s3crett", "S3cret", "x3cret"] {
            assert!(!p.matches(wrong), "{wrong}");
        }
        assert!(Password::new("").matches(""));
        assert_eq!(format!("{p:?}"), "Password(<redacted>)");
    }
}
