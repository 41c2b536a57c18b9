//! `snmpact record HOST[:PORT] [OID] > FILE.snmprec`: walks an agent through the engine (GETBULK
//! on v2c, GETNEXT on v1) and writes every object as a `.snmprec` line as it arrives, so
//! `snmpact agent --data FILE.snmprec` serves the same walk.
//!
//! Options as net-snmp's: `-v 1|2c|3` (default 2c), `-c COMMUNITY` (public), `-t SECONDS` (1),
//! `-r RETRIES` (5), `-CrN` max-repetitions (10), and SNMPv3's `-u -l -a -A -x -X -n -E -e`
//! (any of them selects `-v 3`). The OID may be a name of the compiled-in MIB
//! (`system`); the default, `1.3.6.1`, records the whole device. Values the format cannot hold
//! (an exception inside the subtree) are skipped and counted. A summary goes to stderr.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use actix::prelude::*;
use clap::Args;

use super::{EXIT_FAILED, EXIT_USAGE};
use crate::engine::{Engine, EngineConfig};
use crate::oid::Oid;
use crate::pdu::Version;
use crate::session::{
    Community, SessionConfig, SnmpError, WalkMode, WalkOptions, WalkRows, WalkStream,
};
use crate::simulator::agent::snmprec;

/// The subtree recorded when none is given: everything under `internet`.
pub const DEFAULT_ROOT: &str = "1.3.6.1";

/// `snmpact record`'s command line. `Debug` shows no community, pass phrase or key.
#[derive(Clone, Args)]
pub struct RecordArgs {
    /// The agent: `HOST`, `HOST:PORT`, `udp:HOST:PORT` or `[IPv6]:PORT` (port 161 by default).
    #[arg(value_name = "HOST[:PORT]")]
    pub target: String,
    /// The subtree to record, numeric or a name (`system`); default: the whole device.
    #[arg(value_name = "OID", default_value = DEFAULT_ROOT)]
    pub oid: String,
    /// SNMP version: 1, 2c or 3 (any SNMPv3 option selects 3).
    #[arg(short = 'v', value_name = "1|2c|3")]
    pub version: Option<String>,
    /// Community string.
    #[arg(short = 'c', value_name = "COMMUNITY", default_value = "public")]
    pub community: String,
    /// Seconds to wait for each answer.
    #[arg(short = 't', value_name = "SECONDS", default_value_t = 1.0)]
    pub timeout: f64,
    /// Retransmissions of each request.
    #[arg(short = 'r', value_name = "N", default_value_t = 5)]
    pub retries: u32,
    /// Walk options as net-snmp's: `-CrN` asks N repetitions per GETBULK.
    #[arg(short = 'C', value_name = "rN")]
    pub walk_options: Vec<String>,
    /// SNMPv3 user name.
    #[arg(short = 'u', value_name = "USER")]
    pub user: Option<String>,
    /// SNMPv3 security level: noAuthNoPriv, authNoPriv or authPriv.
    #[arg(short = 'l', value_name = "LEVEL")]
    pub level: Option<String>,
    /// SNMPv3 authentication protocol: MD5, SHA, SHA-224, SHA-256, SHA-384, SHA-512.
    #[arg(short = 'a', value_name = "PROTOCOL")]
    pub auth_protocol: Option<String>,
    /// SNMPv3 authentication pass phrase.
    #[arg(short = 'A', value_name = "PASSPHRASE")]
    pub auth_password: Option<String>,
    /// SNMPv3 privacy protocol: DES, AES, AES-192, AES-256 (AES-192-C, AES-256-C).
    #[arg(short = 'x', value_name = "PROTOCOL")]
    pub priv_protocol: Option<String>,
    /// SNMPv3 privacy pass phrase.
    #[arg(short = 'X', value_name = "PASSPHRASE")]
    pub priv_password: Option<String>,
    /// SNMPv3 context name.
    #[arg(short = 'n', value_name = "CONTEXT")]
    pub context: Option<String>,
    /// SNMPv3 contextEngineID (hex).
    #[arg(short = 'E', value_name = "ENGINEID")]
    pub context_engine_id: Option<String>,
    /// SNMPv3 security (agent) engine id (hex); skips discovery.
    #[arg(short = 'e', value_name = "ENGINEID")]
    pub security_engine_id: Option<String>,
}

/// What to record, checked.
#[derive(Debug, Clone)]
pub struct RecordOptions {
    /// The agent as given.
    pub target: String,
    /// The subtree.
    pub root: Oid,
    /// Version, community, timeout, retries, max-repetitions.
    pub session: SessionConfig,
}

impl RecordArgs {
    /// The checked options.
    ///
    /// # Errors
    /// A one-line message for a bad version, OID, timeout or `-C` option.
    pub fn options(&self) -> Result<RecordOptions, String> {
        let user = self.user_options()?;
        let version = match (self.version.as_deref(), user.is_empty()) {
            (None, true) => Version::V2c,
            (None | Some("3"), _) => Version::V3,
            (Some("1"), true) => Version::V1,
            (Some("2c" | "2"), true) => Version::V2c,
            (Some(v @ ("1" | "2c" | "2")), false) => {
                return Err(format!("SNMPv3 options given with -v {v}"));
            }
            (Some(v), _) => return Err(format!("-v {v}: expected 1, 2c or 3")),
        };
        let user = if version == Version::V3 {
            Some(std::sync::Arc::new(
                user.build(None).map_err(|e| e.to_string())?,
            ))
        } else {
            None
        };
        let root = crate::mib::resolve(self.oid.trim_start_matches('.'))
            .map_err(|e| format!("{}: {e}", self.oid))?;
        let timeout = Duration::try_from_secs_f64(self.timeout)
            .ok()
            .filter(|t| !t.is_zero())
            .ok_or_else(|| format!("-t {}: the timeout must be a positive number", self.timeout))?;
        let mut max_repetitions = crate::session::DEFAULT_MAX_REPETITIONS;
        for o in &self.walk_options {
            let Some(value) = o.strip_prefix('r') else {
                return Err(format!("-C{o}: only -CrN (max-repetitions) is supported"));
            };
            max_repetitions = value
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("-Cr{value}: needs a positive number"))?;
        }
        Ok(RecordOptions {
            target: self.target.clone(),
            root,
            session: SessionConfig {
                version,
                user,
                community: Community::from(self.community.as_str()),
                timeout,
                retries: self.retries,
                max_repetitions,
                ..SessionConfig::default()
            },
        })
    }
}

impl std::fmt::Debug for RecordArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecordArgs")
            .field("target", &self.target)
            .field("oid", &self.oid)
            .field("version", &self.version)
            .field("user", &self.user)
            .field("level", &self.level)
            .field("auth_protocol", &self.auth_protocol)
            .field("priv_protocol", &self.priv_protocol)
            .finish_non_exhaustive()
    }
}

impl RecordArgs {
    /// The SNMPv3 options given, parsed (errors never quote a secret).
    fn user_options(&self) -> Result<crate::command::UserOptions, String> {
        use crate::command::UserOption as O;
        let mut options = crate::command::UserOptions::default();
        let given = [
            (O::User, &self.user),
            (O::Level, &self.level),
            (O::AuthProtocol, &self.auth_protocol),
            (O::AuthPassword, &self.auth_password),
            (O::PrivProtocol, &self.priv_protocol),
            (O::PrivPassword, &self.priv_password),
            (O::Context, &self.context),
            (O::ContextEngineId, &self.context_engine_id),
            (O::SecurityEngineId, &self.security_engine_id),
        ];
        for (option, value) in given {
            if let Some(v) = value {
                options.set(option, v).map_err(|e| e.to_string())?;
            }
        }
        Ok(options)
    }
}

/// How a recording went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RecordSummary {
    /// Lines written.
    pub written: usize,
    /// Varbinds whose value `.snmprec` cannot hold (exceptions), not written.
    pub skipped: usize,
}

/// Why a recording failed.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// The agent failed or did not answer (lines written before stay written).
    #[error(transparent)]
    Snmp(#[from] SnmpError),
    /// The output could not be written.
    #[error("cannot write the data: {0}")]
    Io(#[from] io::Error),
}

/// Walks `opts.root` on `opts.target` through `engine` and writes each object to `out` as a
/// `.snmprec` line, as the rows arrive.
///
/// # Errors
/// [`RecordError::Snmp`] when the walk fails, [`RecordError::Io`] when `out` fails.
pub async fn record(
    engine: &Engine,
    opts: &RecordOptions,
    out: Box<dyn Write + Send>,
) -> Result<RecordSummary, RecordError> {
    let session = engine
        .session(&opts.target, &opts.target, opts.session.clone())
        .await?;
    let sink = LineSink {
        out,
        summary: RecordSummary::default(),
        error: None,
    }
    .start();
    let walked = session
        .send(WalkStream {
            root: opts.root.clone(),
            options: WalkOptions {
                mode: WalkMode::Auto,
                relaxed: false,
                max_rows: None,
                collect: false,
                whole_arc: false,
            },
            sink: sink.clone().recipient(),
        })
        .await
        .map_err(|_| SnmpError::ShuttingDown)?;
    // The rows were queued to the sink before the walk's answer, so Finish comes after them.
    let finished = sink
        .send(Finish)
        .await
        .map_err(|_| SnmpError::ShuttingDown)?;
    walked?;
    Ok(finished?)
}

/// Writes walked rows as `.snmprec` lines. Receives [`WalkRows`] from the session and
/// [`Finish`] from [`record`].
struct LineSink {
    /// Where the lines go (stdout in the command).
    out: Box<dyn Write + Send>,
    summary: RecordSummary,
    /// The first write error; later rows are dropped.
    error: Option<io::Error>,
}

impl Actor for LineSink {
    type Context = Context<Self>;
}

impl Handler<WalkRows> for LineSink {
    type Result = ();

    fn handle(&mut self, rows: WalkRows, _: &mut Context<Self>) {
        if self.error.is_some() {
            return;
        }
        for vb in rows.0 {
            match snmprec::line(&vb.oid, &vb.value) {
                Some(line) => {
                    if let Err(e) = writeln!(self.out, "{line}") {
                        self.error = Some(e);
                        return;
                    }
                    self.summary.written += 1;
                }
                None => self.summary.skipped += 1,
            }
        }
    }
}

/// Flushes the output and answers the summary or the first write error. Sent by [`record`].
#[derive(Debug, Message)]
#[rtype(result = "Result<RecordSummary, io::Error>")]
struct Finish;

impl Handler<Finish> for LineSink {
    type Result = Result<RecordSummary, io::Error>;

    fn handle(&mut self, _: Finish, ctx: &mut Context<Self>) -> Self::Result {
        ctx.stop();
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.out.flush()?;
        Ok(self.summary)
    }
}

/// Runs `snmpact record`: the data on stdout, a summary or the error on stderr.
#[must_use]
pub fn run_record(args: &RecordArgs) -> ExitCode {
    let opts = match args.options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("snmpact record: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let started = Instant::now();
    let result = System::new().block_on(async move {
        let engine = Engine::start(EngineConfig {
            shards: 1,
            ..EngineConfig::default()
        });
        let r = record(&engine, &opts, Box::new(BufWriter::new(io::stdout()))).await;
        engine.shutdown().await;
        r
    });
    match result {
        Ok(s) => {
            let skipped = if s.skipped > 0 {
                format!(" ({} exceptions skipped)", s.skipped)
            } else {
                String::new()
            };
            eprintln!(
                "snmpact record: {} objects from {}{skipped} in {:.2} s",
                s.written,
                args.target,
                started.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("snmpact record: {}: {e}", args.target);
            ExitCode::from(EXIT_FAILED)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use clap::Parser;

    use super::*;
    use crate::simulator::agent::{Faults, Responder, server, snmprec};

    #[derive(Parser)]
    struct Cmd {
        #[command(flatten)]
        args: RecordArgs,
    }

    fn args(line: &[&str]) -> Result<RecordOptions, String> {
        Cmd::try_parse_from(std::iter::once("record").chain(line.iter().copied()))
            .map_err(|e| e.to_string())?
            .args
            .options()
    }

    #[test]
    fn options_read_like_net_snmp() {
        let o = args(&[
            "-v1",
            "-cprivate",
            "-t",
            "0.5",
            "-r",
            "2",
            "h:1161",
            "system",
        ])
        .unwrap();
        assert_eq!(o.session.version, Version::V1);
        assert_eq!(o.session.community, Community::from("private"));
        assert_eq!(o.session.timeout, Duration::from_millis(500));
        assert_eq!(o.session.retries, 2);
        assert_eq!(o.root.to_string(), "1.3.6.1.2.1.1");
        assert_eq!(args(&["h", "-Cr25"]).unwrap().session.max_repetitions, 25);
        assert_eq!(args(&["h", "-C", "r7"]).unwrap().session.max_repetitions, 7);
        assert_eq!(args(&["h"]).unwrap().root.to_string(), DEFAULT_ROOT);
        assert!(args(&["-v3", "h"]).unwrap_err().contains("securityName"));
        assert!(
            args(&["-v4", "h"])
                .unwrap_err()
                .contains("expected 1, 2c or 3")
        );
        assert!(
            args(&["-v2c", "-u", "x", "h"])
                .unwrap_err()
                .contains("-v 2c")
        );
        assert!(args(&["-Cc", "h"]).unwrap_err().contains("only -Cr"));
        assert!(args(&["-Cr0", "h"]).is_err());
        assert!(args(&["-t", "0", "h"]).is_err());
        assert!(args(&["h", "nosuchName"]).is_err());
    }

    #[test]
    fn snmpv3_options_make_a_v3_user_and_stay_out_of_debug() {
        let line = [
            "-u",
            "alice",
            "-l",
            "authPriv",
            "-a",
            "SHA-512",
            "-A",
            "authsecret1",
            "-x",
            "AES-256",
            "-X",
            "privsecret1",
            "-n",
            "ctx",
            "h",
        ];
        let o = args(&line).unwrap();
        assert_eq!(o.session.version, Version::V3);
        let user = o.session.user.as_deref().unwrap();
        assert_eq!(user.name, "alice");
        assert_eq!(user.level, crate::usm::SecurityLevel::AuthPriv);
        assert_eq!(user.auth_protocol, crate::usm::AuthProtocol::Sha512);
        assert_eq!(user.priv_protocol, crate::usm::PrivProtocol::Aes256);
        assert_eq!(user.context_name, b"ctx");
        let parsed = Cmd::try_parse_from(std::iter::once("record").chain(line)).unwrap();
        let text = format!("{:?} {:?}", parsed.args, o);
        assert!(!text.contains("secret"), "{text}");
        // A level without its key is refused before anything is sent.
        assert!(args(&["-u", "bob", "-l", "authNoPriv", "h"]).is_err());
    }

    /// A `Write` whose bytes the test can read afterwards.
    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[actix_rt::test]
    async fn recording_the_demo_agent_gives_back_its_data() {
        let demo = snmprec::demo();
        let agent = server::spawn(
            "127.0.0.1:0".parse().unwrap(),
            Responder::new(demo.clone(), "public").with_faults(Faults {
                // One lost request on the way: the engine retries it.
                drop_first: 1,
                ..Faults::default()
            }),
        )
        .unwrap();
        let engine = Engine::start(EngineConfig {
            shards: 1,
            ..EngineConfig::default()
        });
        for version in ["1", "2c"] {
            let target = agent.addr().to_string();
            let opts = args(&["-v", version, "-t", "0.2", &target]).unwrap();
            // A fresh session per version (the registry keeps sessions by name).
            engine.remove(&target);
            let buf = Shared::default();
            let s = record(&engine, &opts, Box::new(buf.clone())).await.unwrap();
            let text = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
            let back = snmprec::parse(&text).unwrap();
            // v1 carries no Counter64: the agent skips them (RFC 3584 §4.2.2.1).
            let expected: Vec<_> = demo
                .iter()
                .filter(|(_, v)| version == "2c" || !matches!(v, crate::pdu::Value::Counter64(_)))
                .collect();
            // Living values (counters, sysUpTime) moved while recording: their type is kept.
            let same = |(o, v): (&Oid, &crate::pdu::Value<'static>)| {
                if demo.is_living(o) {
                    (o.clone(), format!("{:?}", std::mem::discriminant(v)))
                } else {
                    (o.clone(), format!("{v:?}"))
                }
            };
            assert_eq!(
                back.iter().map(same).collect::<Vec<_>>(),
                expected.into_iter().map(same).collect::<Vec<_>>(),
                "v{version}"
            );
            assert_eq!(s.written, back.len());
            assert_eq!(s.skipped, 0);
        }
        engine.shutdown().await;
    }
}
