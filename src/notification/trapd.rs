//! `snmpact trapd`: a notification receiver alone, printing what it receives on stdout, the role
//! of `snmptrapd -f -Lo`.
//!
//! ```text
//! snmpact trapd [OPTIONS] [udp:127.0.0.1:1162 ...]
//! snmpact trapd -c public -c private --format json udp:127.0.0.1:1162 udp6:[::1]:1162
//! snmpact trapd --v3-user alice:SHA-256:authpass1:AES:privpass1 --sender-engine-id 8000000001020304
//! ```
//!
//! Addresses are snmptrapd's (`udp:HOST:PORT`, `udp6:[HOST]:PORT`, or `HOST:PORT`), by default
//! `udp:127.0.0.1:1162`; port 162 needs privileges. `-c COMMUNITY` (repeatable; `public` when
//! none and no `--v3-user`) are the accepted v1/v2c communities (snmptrapd's `authCommunity`).
//! `--v3-user NAME:AUTH:AUTHPASS[:PRIV:PRIVPASS]` (as `snmpact agent` takes them) are the SNMPv3
//! users: informs to this receiver's engine (`--engine-id HEX`, default `80001f8804` +
//! `snmpact-PORT`) and traps from each `--sender-engine-id HEX` (snmptrapd's `createUser -e`).
//!
//! Each notification prints as snmptrapd's default log lines (`--format text`, with `-On` for
//! numeric OIDs; see [`super::text`]) or as one JSON object a line (`--format json`). One line
//! goes to stderr once listening: `snmpact trapd: listening on udp:127.0.0.1:1162`; on Ctrl-C
//! or SIGTERM the counters follow it there.

use std::io::{self, Write};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use actix::prelude::*;
use clap::Args;

use super::listener::{GetStats, Listener, ListenerConfig, Subscribe};
use super::receiver::DEFAULT_DEDUP_WINDOW;
use super::text::{write_json, write_text};
use super::{Notification, RateLimit, ReceiverConfig};
use crate::format::{OidStyle, TextOptions};
use crate::usm::User;

/// Where `snmpact trapd` listens when no address is given.
pub const DEFAULT_LISTEN: &str = "udp:127.0.0.1:1162";
/// How often buffered output is flushed when stdout is not a terminal.
const FLUSH_EVERY: Duration = Duration::from_millis(50);
/// Exit status: a usage error.
const EXIT_USAGE: u8 = 2;

/// `snmpact trapd`'s command line.
#[derive(Debug, Clone, Args)]
pub struct TrapdArgs {
    /// Addresses to listen on: `udp:127.0.0.1:1162`, `udp6:[::1]:1162`, `127.0.0.1:1162`.
    #[arg(value_name = "ADDRESS")]
    pub listen: Vec<String>,
    /// An accepted community (repeatable; `public` when none is given and no --v3-user).
    #[arg(short = 'c', long = "community", value_name = "COMMUNITY")]
    pub communities: Vec<String>,
    /// An SNMPv3 user, `NAME:AUTH:AUTHPASS[:PRIV:PRIVPASS]` or `NAME:none` (repeatable), as
    /// `snmpact agent` takes them.
    #[arg(long = "v3-user", value_name = "USER", value_parser = crate::simulator::serve::parse_v3_user)]
    pub v3_users: Vec<User>,
    /// This receiver's engine id (the authoritative engine of informs), in hex.
    #[arg(long, value_name = "HEX", value_parser = parse_engine_id)]
    pub engine_id: Option<EngineIdArg>,
    /// The engine id of a sender whose SNMPv3 traps are accepted (repeatable), in hex.
    #[arg(long = "sender-engine-id", value_name = "HEX", value_parser = parse_engine_id)]
    pub sender_engine_ids: Vec<EngineIdArg>,
    /// Output: `text` (snmptrapd's log lines) or `json` (one object a line).
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    pub format: String,
    /// Output options of the text format: `-On` prints OIDs numerically.
    #[arg(short = 'O', value_name = "LETTERS")]
    pub output: Option<String>,
    /// Most notifications a second per source address (0: no limit).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub rate_limit: u32,
    /// Seconds a delivered inform is remembered to recognise retransmissions.
    #[arg(long, value_name = "SECONDS", default_value_t = DEFAULT_DEDUP_WINDOW.as_secs())]
    pub dedup_window: u64,
}

/// An engine id given in hex (5 to 32 octets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineIdArg(pub Vec<u8>);

fn parse_engine_id(s: &str) -> Result<EngineIdArg, String> {
    crate::v3::parse_engine_id(s)
        .map(EngineIdArg)
        .ok_or_else(|| format!("{s:?}: an engine id is 5 to 32 octets in hex"))
}

/// An snmptrapd listening address: `udp:HOST:PORT`, `udp6:[HOST]:PORT`, `HOST:PORT`,
/// `[V6]:PORT`. Names are not looked up: give an address.
///
/// # Errors
/// A message naming the address.
pub fn parse_listen(text: &str) -> Result<SocketAddr, String> {
    let t = text
        .strip_prefix("udp:")
        .or_else(|| text.strip_prefix("udp6:"))
        .unwrap_or(text);
    let t = if t.starts_with("localhost:") {
        t.replacen("localhost", "127.0.0.1", 1)
    } else {
        t.to_owned()
    };
    t.parse().map_err(|_| {
        format!("bad listening address '{text}' (udp:127.0.0.1:1162, udp6:[::1]:1162)")
    })
}

/// The listener configuration of a command line.
///
/// # Errors
/// A message for a bad address.
pub fn config(args: &TrapdArgs) -> Result<ListenerConfig, String> {
    let listen = if args.listen.is_empty() {
        vec![parse_listen(DEFAULT_LISTEN)?]
    } else {
        args.listen
            .iter()
            .map(|a| parse_listen(a))
            .collect::<Result<_, _>>()?
    };
    let communities = if args.communities.is_empty() && args.v3_users.is_empty() {
        vec![b"public".to_vec()]
    } else {
        args.communities
            .iter()
            .map(|c| c.as_bytes().to_vec())
            .collect()
    };
    if !args.sender_engine_ids.is_empty() && args.v3_users.is_empty() {
        return Err("--sender-engine-id needs a --v3-user".to_owned());
    }
    Ok(ListenerConfig {
        listen,
        receiver: ReceiverConfig {
            communities,
            users: args.v3_users.clone(),
            engine_id: args.engine_id.as_ref().map(|e| e.0.clone()),
            sender_engine_ids: args.sender_engine_ids.iter().map(|e| e.0.clone()).collect(),
            dedup_window: Duration::from_secs(args.dedup_window),
            rate_limit: (args.rate_limit > 0).then_some(RateLimit {
                per_second: args.rate_limit,
                burst: args.rate_limit,
            }),
            ..ReceiverConfig::default()
        },
        batch: super::listener::DEFAULT_BATCH,
    })
}

/// How a [`Printer`] writes notifications.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrintFormat {
    /// snmptrapd's log lines, with these OID options.
    Text(TextOptions),
    /// One JSON object a line.
    Json,
}

/// An actor printing each notification to stdout (buffered when stdout is not a terminal,
/// flushed every 50 ms).
pub struct Printer {
    format: PrintFormat,
    out: io::BufWriter<io::Stdout>,
    line: String,
    terminal: bool,
}

impl Printer {
    /// A printer in `format`.
    #[must_use]
    pub fn new(format: PrintFormat) -> Self {
        use std::io::IsTerminal;
        Self {
            format,
            out: io::BufWriter::with_capacity(1 << 16, io::stdout()),
            line: String::with_capacity(1024),
            terminal: io::stdout().is_terminal(),
        }
    }
}

impl Actor for Printer {
    type Context = Context<Self>;
    fn started(&mut self, ctx: &mut Context<Self>) {
        ctx.run_interval(FLUSH_EVERY, |p, _| {
            let _ = p.out.flush();
        });
    }
    fn stopped(&mut self, _: &mut Context<Self>) {
        let _ = self.out.flush();
    }
}

impl Handler<Notification> for Printer {
    type Result = ();
    fn handle(&mut self, n: Notification, _: &mut Context<Self>) {
        self.line.clear();
        match &self.format {
            PrintFormat::Text(opts) => write_text(&mut self.line, &n, opts),
            PrintFormat::Json => write_json(&mut self.line, &n),
        }
        let _ = self.out.write_all(self.line.as_bytes());
        if self.terminal {
            let _ = self.out.flush();
        }
    }
}

/// Runs `snmpact trapd` until Ctrl-C or SIGTERM.
#[must_use]
pub fn run(args: &TrapdArgs) -> ExitCode {
    let usage = |e: &dyn std::fmt::Display| {
        eprintln!("snmpact trapd: {e}");
        ExitCode::from(EXIT_USAGE)
    };
    let config = match config(args) {
        Ok(c) => c,
        Err(e) => return usage(&e),
    };
    let mut text = TextOptions::default();
    for c in args.output.as_deref().unwrap_or("").chars() {
        match c {
            'n' => text.oid_style = OidStyle::Numeric,
            'S' => text.oid_style = OidStyle::Names,
            'e' | 'U' => {}
            other => return usage(&format!("-O{other} is not supported (n, S)")),
        }
    }
    let format = if args.format == "json" {
        PrintFormat::Json
    } else {
        PrintFormat::Text(text)
    };
    let system = System::new();
    let result: Result<(), String> = system.block_on(async move {
        let listener = Listener::new(config).map_err(|e| e.to_string())?;
        let addrs: Vec<String> = listener
            .local_addrs()
            .iter()
            .map(|a| match a {
                SocketAddr::V4(_) => format!("udp:{a}"),
                SocketAddr::V6(_) => format!("udp6:{a}"),
            })
            .collect();
        let engine = listener
            .engine_id()
            .map(|e| format!("; engine id {}", crate::format::hex(e)))
            .unwrap_or_default();
        let mut stop = crate::signals::StopSignals::listen().map_err(|e| e.to_string())?;
        let listener = listener.start();
        let printer = Printer::new(format).start();
        let _ = listener.send(Subscribe(printer.clone().recipient())).await;
        eprintln!("snmpact trapd: listening on {}{engine}", addrs.join(" "));
        stop.recv().await;
        if let Ok(stats) = listener.send(GetStats).await {
            eprintln!("snmpact trapd: {}", stats.counters.line());
        }
        // Stopping the printer flushes what it holds.
        let _ = printer.send(Flush).await;
        Ok(())
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => usage(&e),
    }
}

/// Flushes a [`Printer`]'s output now.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub struct Flush;

impl Handler<Flush> for Printer {
    type Result = ();
    fn handle(&mut self, _: Flush, _: &mut Context<Self>) {
        let _ = self.out.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listening_addresses_as_snmptrapd() {
        assert_eq!(
            parse_listen("udp:127.0.0.1:1162"),
            Ok("127.0.0.1:1162".parse().unwrap())
        );
        assert_eq!(
            parse_listen("udp6:[::1]:1162"),
            Ok("[::1]:1162".parse().unwrap())
        );
        assert_eq!(
            parse_listen("localhost:9162"),
            Ok("127.0.0.1:9162".parse().unwrap())
        );
        assert!(parse_listen("udp:nowhere").is_err());
    }
}
