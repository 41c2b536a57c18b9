//! `snmpact trap` and `snmpact inform`: send one notification with net-snmp's `snmptrap` and
//! `snmpinform` arguments.
//!
//! ```text
//! snmpact trap -v 2c -c public 127.0.0.1:1162 '' IF-MIB::linkDown ifIndex.2 i 2
//! snmpact trap -v 1 -c public 127.0.0.1:1162 1.3.6.1.4.1.8072 192.0.2.5 2 0 '' ifIndex.2 i 2
//! snmpact inform -v 2c -c public 127.0.0.1:1162 '' coldStart
//! snmpact trap -v 3 -e 8000000001020304 -u alice -l authPriv -a SHA-256 -A authpass1 -x AES -X privpass1 127.0.0.1:1162 '' coldStart
//! ```
//!
//! - Arguments after the options and AGENT (`HOST[:PORT]`, `udp:`/`udp6:` prefixes, port 162
//!   by default): for `-v 1`, `ENTERPRISE AGENT-ADDR GENERIC SPECIFIC UPTIME`; otherwise
//!   `UPTIME TRAP-OID`; then `OID TYPE VALUE` triples with `snmpset`'s types. An empty UPTIME is
//!   the system's uptime; an empty ENTERPRISE is net-snmp's `1.3.6.1.4.1.3.1.1`; an empty
//!   AGENT-ADDR is the sending socket's IPv4 address.
//! - Options: `-v 1|2c|3 -c COMMUNITY -t SECONDS -r RETRIES`, the SNMPv3 options of the other
//!   tools, `-Ci` (`snmptrap -Ci` sends an inform). `-m -M -O` are accepted and ignored.
//! - An inform waits for its Response (retrying `-r` times, `-t` seconds apart); SNMPv3 informs
//!   discover the receiver's engine first (it is authoritative) and resynchronise once on a
//!   notInTimeWindow Report. SNMPv3 traps are sent from our own engine (the sender is
//!   authoritative): `-e ENGINEID`, or `80001f8804` + `snmpact-trap`; its boots are 1 and its
//!   time the seconds since 1970, so it only grows from run to run and receivers keeping a
//!   time window accept every run.
//!
//! Exit status: 0 sent (a trap) or acknowledged (an inform); 1 no acknowledgement, or a Report;
//! 2 a usage error, nothing sent.

use std::borrow::Cow;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, ToSocketAddrs, UdpSocket};
use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::cli::UsageError;
use crate::command::{UserOption, UserOptions, parse_set_value};
use crate::mib;
use crate::oid::Oid;
use crate::pdu::{GenericPdu, Message, Pdu, TrapV1Pdu, Value, VarBind, Version};
use crate::usm::{KeyCache, SecurityLevel, User};
use crate::v3::{self, EngineRecord, Flags, MAX_MESSAGE_SIZE, Outgoing, ReportKind, Salt};

use super::translate::{SNMP_TRAP_OID, SYS_UPTIME, oid};

/// net-snmp's default enterprise of v1 traps (`enterprises.3.1.1`).
pub const DEFAULT_ENTERPRISE: [u32; 9] = [1, 3, 6, 1, 4, 1, 3, 1, 1];
/// Where notifications go when AGENT names no port.
pub const DEFAULT_TRAP_PORT: u16 = 162;
/// The engine id of `snmpact trap -v 3` without `-e`: `80 00 1f 88 04` + `snmpact-trap`.
#[must_use]
pub fn default_sender_engine_id() -> Vec<u8> {
    let mut id = vec![0x80, 0x00, 0x1f, 0x88, 0x04];
    id.extend_from_slice(b"snmpact-trap");
    id
}

/// Exit status: sent, or acknowledged.
const EXIT_OK: u8 = 0;
/// Exit status: no acknowledgement, or a Report.
const EXIT_FAILED: u8 = 1;
/// Exit status: a usage error.
const EXIT_USAGE: u8 = 2;

/// The two tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// `snmptrap`.
    Trap,
    /// `snmpinform`.
    Inform,
}

impl Tool {
    /// The subcommand.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Tool::Trap => "trap",
            Tool::Inform => "inform",
        }
    }
}

/// What to send, before the uptime defaults are filled in.
#[derive(Debug, Clone, PartialEq)]
pub enum Header {
    /// A v1 Trap-PDU's fields.
    V1 {
        /// enterprise.
        enterprise: Oid,
        /// agent-addr (`None`: the sending socket's).
        agent: Option<Ipv4Addr>,
        /// generic-trap.
        generic: i32,
        /// specific-trap.
        specific: i32,
        /// time-stamp (`None`: the system's uptime).
        uptime: Option<u32>,
    },
    /// A v2 notification's sysUpTime.0 and snmpTrapOID.0.
    V2 {
        /// sysUpTime.0 (`None`: the system's uptime).
        uptime: Option<u32>,
        /// snmpTrapOID.0.
        trap_oid: Oid,
    },
}

/// A parsed command line.
#[derive(Debug, Clone)]
pub struct Invocation {
    /// v1, v2c or v3.
    pub version: Version,
    /// `-c`.
    pub community: Vec<u8>,
    /// `-t`.
    pub timeout: Duration,
    /// `-r`.
    pub retries: u32,
    /// The SNMPv3 user.
    pub user: Option<User>,
    /// An inform (`snmpact inform`, or `-Ci`).
    pub inform: bool,
    /// AGENT as typed.
    pub target: String,
    /// The fixed fields.
    pub header: Header,
    /// The other varbinds.
    pub varbinds: Vec<VarBind<'static>>,
}

/// What the command line asks.
#[derive(Debug, Clone)]
pub enum Parsed {
    /// Send.
    Run(Box<Invocation>),
    /// `-h`.
    Help,
}

fn bad(option: &str, value: &str, expected: &'static str) -> UsageError {
    UsageError::BadValue {
        option: option.to_owned(),
        value: value.to_owned(),
        expected,
    }
}

/// The help text.
#[must_use]
pub fn help(tool: Tool) -> String {
    let net = match tool {
        Tool::Trap => "snmptrap",
        Tool::Inform => "snmpinform",
    };
    format!(
        "snmpact {name}: send one {what}, with {net}'s arguments.\n\n\
         Usage: snmpact {name} [OPTIONS] AGENT UPTIME TRAP-OID [OID TYPE VALUE]...\n\
         \x20      snmpact {name} -v 1 [OPTIONS] AGENT ENTERPRISE AGENT-ADDR GENERIC SPECIFIC UPTIME [OID TYPE VALUE]...\n\n\
         AGENT is HOST[:PORT] (port 162 by default). An empty UPTIME ('') is the system's uptime.\n\n\
         Options:\n\
         \x20 -v 1|2c|3        SNMP version (default 2c; 3 with any SNMPv3 option)\n\
         \x20 -c COMMUNITY     community (default public)\n\
         \x20 -t SECONDS       timeout of one try of an inform (default 1)\n\
         \x20 -r RETRIES       retries of an inform (default 5)\n\
         \x20 -Ci              send an inform (snmptrap)\n\
         \x20 -u -l -a -A -x -X -n -e -E -3m -3M -3k -3K   SNMPv3, as the other tools (snmpact get -h);\n\
         \x20                  -e is the sender's engine id of a v3 trap\n\
         TYPE: i u c C t a o s x d b n, as snmpset.\n",
        name = tool.name(),
        what = match tool {
            Tool::Trap => "trap",
            Tool::Inform => "inform (acknowledged)",
        },
    )
}

/// Reads the arguments after `snmpact trap|inform`.
///
/// # Errors
/// A [`UsageError`]; nothing has been sent.
pub fn parse(tool: Tool, args: &[String]) -> Result<Parsed, UsageError> {
    let mut version: Option<Version> = None;
    let mut community = b"public".to_vec();
    let mut timeout = Duration::from_secs(1);
    let mut retries = 5;
    let mut inform = tool == Tool::Inform;
    let mut user = UserOptions::default();
    let mut positional = Vec::new();
    let mut i = 0;
    let mut done = false;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        let negative = arg.len() > 1 && arg[1..].chars().all(|c| c.is_ascii_digit());
        if done || !arg.starts_with('-') || arg == "-" || negative {
            positional.push(arg.clone());
            continue;
        }
        if arg == "--" {
            done = true;
            continue;
        }
        if arg == "--help" || arg == "-h" {
            return Ok(Parsed::Help);
        }
        let mut chars = arg[1..].chars();
        let letter = chars.next().unwrap_or('-');
        let glued: String = chars.collect();
        let mut value = |name: &str| -> Result<String, UsageError> {
            if !glued.is_empty() {
                return Ok(glued.clone());
            }
            let v = args
                .get(i)
                .cloned()
                .ok_or_else(|| UsageError::MissingValue(name.to_owned()))?;
            i += 1;
            Ok(v)
        };
        match letter {
            'v' => {
                let v = value("-v")?;
                version = Some(match v.to_ascii_lowercase().as_str() {
                    "1" => Version::V1,
                    "2c" => Version::V2c,
                    "3" => Version::V3,
                    _ => return Err(bad("-v", &v, "1, 2c or 3")),
                });
            }
            'c' => community = value("-c")?.into_bytes(),
            't' => {
                let v = value("-t")?;
                let secs: f64 = v
                    .parse()
                    .ok()
                    .filter(|s: &f64| s.is_finite() && *s > 0.0 && *s <= 600.0)
                    .ok_or_else(|| bad("-t", &v, "seconds, more than 0, up to 600"))?;
                timeout = Duration::from_secs_f64(secs);
            }
            'r' => {
                let v = value("-r")?;
                retries = v
                    .parse()
                    .ok()
                    .filter(|r| *r <= 100)
                    .ok_or_else(|| bad("-r", &v, "a number from 0 to 100"))?;
            }
            'C' => {
                let v = value("-C")?;
                for c in v.chars() {
                    match c {
                        'i' => inform = true,
                        other => return Err(UsageError::AppFlag(other)),
                    }
                }
            }
            'm' | 'M' | 'O' | 'L' | 'I' | 'P' => {
                value(arg)?;
            }
            '3' => {
                let mut rest = glued.chars();
                let sub = rest.next().ok_or(UsageError::MissingValue("-3".into()))?;
                let option = UserOption::from_extended(sub)
                    .ok_or(crate::command::UserOptionError::Extended(sub))?;
                let after = rest.as_str().to_owned();
                let v = if after.is_empty() {
                    let v = args
                        .get(i)
                        .cloned()
                        .ok_or_else(|| UsageError::MissingValue(option.flag().into()))?;
                    i += 1;
                    v
                } else {
                    after
                };
                user.set(option, &v)?;
            }
            c => match UserOption::from_letter(c) {
                Some(option) => {
                    let v = value(option.flag())?;
                    user.set(option, &v)?;
                }
                None => return Err(UsageError::UnknownOption(arg.clone())),
            },
        }
    }
    let version = match (version, user.first) {
        (Some(Version::V1 | Version::V2c), Some(option)) => {
            return Err(crate::command::UserOptionError::NotV3 {
                option,
                version: version.map_or("2c", Version::as_str),
            }
            .into());
        }
        (None, Some(_)) | (Some(Version::V3), _) => Version::V3,
        (Some(v), None) => v,
        (None, None) => Version::V2c,
    };
    let user = if version == Version::V3 {
        Some(user.build(None)?)
    } else {
        None
    };
    if inform && version == Version::V1 {
        return Err(bad("-v", "1", "2c or 3: SNMPv1 has no inform"));
    }
    let mut pos = positional.into_iter();
    let target = pos.next().ok_or(UsageError::NoAgent)?;
    let mut next = |what: &'static str| pos.next().ok_or(UsageError::MissingValue(what.into()));
    let uptime = |s: &str| -> Result<Option<u32>, UsageError> {
        if s.is_empty() {
            Ok(None)
        } else {
            s.parse()
                .map(Some)
                .map_err(|_| bad("UPTIME", s, "hundredths of a second, or ''"))
        }
    };
    let header = if version == Version::V1 {
        let enterprise = next("ENTERPRISE")?;
        let enterprise = if enterprise.is_empty() {
            oid(&DEFAULT_ENTERPRISE)
        } else {
            mib::resolve(&enterprise)?
        };
        let agent = next("AGENT-ADDR")?;
        let agent = if agent.is_empty() {
            None
        } else {
            Some(
                agent
                    .parse()
                    .map_err(|_| bad("AGENT-ADDR", &agent, "an IPv4 address, or ''"))?,
            )
        };
        let g = next("GENERIC")?;
        let generic = g
            .parse()
            .ok()
            .filter(|g| (0..=6).contains(g))
            .ok_or_else(|| bad("GENERIC", &g, "0 to 6"))?;
        let s = next("SPECIFIC")?;
        let specific = s.parse().map_err(|_| bad("SPECIFIC", &s, "an integer"))?;
        let up = next("UPTIME")?;
        Header::V1 {
            enterprise,
            agent,
            generic,
            specific,
            uptime: uptime(&up)?,
        }
    } else {
        let up = next("UPTIME")?;
        let up = uptime(&up)?;
        let t = next("TRAP-OID")?;
        Header::V2 {
            uptime: up,
            trap_oid: mib::resolve(&t)?,
        }
    };
    let rest: Vec<String> = pos.collect();
    let mut varbinds = Vec::new();
    for triple in rest.chunks(3) {
        let [o, ty, v] = triple else {
            return Err(UsageError::SetIncomplete(triple[0].clone()));
        };
        let value = parse_set_value(ty, v).map_err(|error| UsageError::SetValue {
            oid: o.clone(),
            error,
        })?;
        varbinds.push(VarBind::new(mib::resolve(o)?, value));
    }
    Ok(Parsed::Run(Box::new(Invocation {
        version,
        community,
        timeout,
        retries,
        user,
        inform,
        target,
        header,
        varbinds,
    })))
}

/// The system's uptime in hundredths of a second (`/proc/uptime`), or 0.
#[must_use]
pub fn system_uptime() -> u32 {
    std::fs::read_to_string("/proc/uptime")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .and_then(|secs| Duration::try_from_secs_f64(secs).ok())
        // Hundredths, wrapping like a TimeTicks counter.
        .map_or(0, |d| {
            u32::try_from((d.as_millis() / 10) % (1 << 32)).unwrap_or(0)
        })
}

/// The PDU of `inv` (request-id `request_id`; `agent` stands in for an empty AGENT-ADDR).
#[must_use]
pub fn build_pdu(inv: &Invocation, request_id: i32, agent: Ipv4Addr) -> Pdu<'static> {
    match &inv.header {
        Header::V1 {
            enterprise,
            agent: a,
            generic,
            specific,
            uptime,
        } => Pdu::TrapV1(TrapV1Pdu {
            enterprise: enterprise.clone(),
            agent_addr: a.unwrap_or(agent).octets(),
            generic_trap: *generic,
            specific_trap: *specific,
            time_stamp: uptime.unwrap_or_else(system_uptime),
            varbinds: inv.varbinds.clone(),
        }),
        Header::V2 { uptime, trap_oid } => {
            let mut varbinds = vec![
                VarBind::new(
                    oid(&SYS_UPTIME),
                    Value::TimeTicks(uptime.unwrap_or_else(system_uptime)),
                ),
                VarBind::new(oid(&SNMP_TRAP_OID), Value::ObjectId(trap_oid.clone())),
            ];
            varbinds.extend(inv.varbinds.iter().cloned());
            let g = GenericPdu {
                request_id,
                varbinds,
                ..GenericPdu::default()
            };
            if inv.inform {
                Pdu::InformRequest(g)
            } else {
                Pdu::SnmpV2Trap(g)
            }
        }
    }
}

/// Why a notification was not sent or not acknowledged.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SendError {
    /// AGENT does not resolve.
    #[error("unknown host {0}")]
    Resolve(String),
    /// The socket failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// No Response within the retries.
    #[error("Timeout: No Response from {0}.")]
    Timeout(String),
    /// The receiver sent a Report.
    #[error("Report from {target}: {kind}")]
    Report {
        /// AGENT.
        target: String,
        /// What it says.
        kind: ReportKind,
    },
    /// The user's keys cannot be made.
    #[error("{0}")]
    User(#[from] crate::usm::UserError),
    /// The message cannot be sealed.
    #[error("{0}")]
    V3(#[from] v3::Error),
}

/// Resolves AGENT, port 162 unless it names one.
///
/// # Errors
/// [`SendError::Resolve`].
pub fn resolve(target: &str) -> Result<SocketAddr, SendError> {
    let (host, port) =
        crate::engine::split_target(target).map_err(|_| SendError::Resolve(target.to_owned()))?;
    let explicit = target.ends_with(&format!(":{port}"));
    let port = if explicit { port } else { DEFAULT_TRAP_PORT };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    (host, port)
        .to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
        .ok_or_else(|| SendError::Resolve(target.to_owned()))
}

/// Sends `inv`: a trap once, an inform until acknowledged.
///
/// # Errors
/// A [`SendError`].
pub fn send(inv: &Invocation) -> Result<(), SendError> {
    let to = resolve(&inv.target)?;
    let bind: SocketAddr = if to.is_ipv6() {
        (IpAddr::from([0u16; 8]), 0).into()
    } else {
        (IpAddr::from([0u8; 4]), 0).into()
    };
    let sock = UdpSocket::bind(bind)?;
    sock.connect(to)?;
    let agent = match sock.local_addr()?.ip() {
        IpAddr::V4(a) => a,
        IpAddr::V6(_) => Ipv4Addr::UNSPECIFIED,
    };
    let request_id = rand::random::<i32>() & i32::MAX;
    let pdu = build_pdu(inv, request_id, agent);
    match (&inv.user, inv.inform) {
        (None, false) => {
            let msg = Message {
                version: inv.version,
                community: Cow::Borrowed(&inv.community),
                pdu,
            };
            sock.send(&msg.to_bytes())?;
            Ok(())
        }
        (None, true) => {
            let bytes = Message {
                version: inv.version,
                community: Cow::Borrowed(&inv.community),
                pdu,
            }
            .to_bytes();
            exchange(&sock, inv, &bytes, |d| {
                Message::decode(d).is_ok_and(|m| {
                    matches!(m.pdu, Pdu::Response(_)) && m.pdu.request_id() == Some(request_id)
                })
            })
        }
        (Some(user), false) => {
            let engine_id = user
                .security_engine_id
                .clone()
                .unwrap_or_else(default_sender_engine_id);
            let keys = user.keys(&engine_id, &mut KeyCache::new())?;
            let time = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs())
                .min(u64::from(v3::MAX_BOOTS));
            let mut buf = Vec::new();
            let context_engine = user.context_engine_id.clone().unwrap_or(engine_id.clone());
            v3::seal(
                &Outgoing {
                    msg_id: request_id,
                    max_size: MAX_MESSAGE_SIZE,
                    flags: Flags::of(user.level, false),
                    engine_id: &engine_id,
                    boots: 1,
                    time: u32::try_from(time).unwrap_or(0),
                    user_name: user.name.as_bytes(),
                    context_engine_id: &context_engine,
                    context_name: &user.context_name,
                    pdu: &pdu,
                },
                &keys,
                &mut Salt::random(),
                &mut buf,
            )?;
            sock.send(&buf)?;
            Ok(())
        }
        (Some(user), true) => inform_v3(&sock, inv, user, &pdu),
    }
}

/// Sends `bytes` and waits for a datagram `answers` accepts, `-r` retries `-t` apart.
fn exchange(
    sock: &UdpSocket,
    inv: &Invocation,
    bytes: &[u8],
    answers: impl Fn(&[u8]) -> bool,
) -> Result<(), SendError> {
    let mut buf = vec![0u8; 65_535];
    for _ in 0..=inv.retries {
        sock.send(bytes)?;
        let deadline = Instant::now() + inv.timeout;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            if left.is_zero() {
                break;
            }
            sock.set_read_timeout(Some(left))?;
            match sock.recv(&mut buf) {
                Ok(n) if answers(&buf[..n]) => return Ok(()),
                Ok(_) => {}
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    break;
                }
                // ECONNREFUSED: nobody listens (yet); the next try may find it.
                Err(_) => break,
            }
        }
    }
    Err(SendError::Timeout(inv.target.clone()))
}

/// Sends and waits for an SNMPv3 answer with msgID `msg_id`: the opened message.
fn exchange_v3(
    sock: &UdpSocket,
    inv: &Invocation,
    bytes: &[u8],
    msg_id: i32,
    keys: &crate::usm::UserKeys,
) -> Result<v3::Opened, SendError> {
    let mut buf = vec![0u8; 65_535];
    for _ in 0..=inv.retries {
        sock.send(bytes)?;
        let deadline = Instant::now() + inv.timeout;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            if left.is_zero() {
                break;
            }
            sock.set_read_timeout(Some(left))?;
            let Ok(n) = sock.recv(&mut buf) else {
                break;
            };
            if let Ok(o) = v3::open(&buf[..n], keys)
                && o.msg_id == msg_id
            {
                return Ok(o);
            }
        }
    }
    Err(SendError::Timeout(inv.target.clone()))
}

/// An SNMPv3 inform: discovery of the receiver's engine, then the inform, resynchronising once.
fn inform_v3(
    sock: &UdpSocket,
    inv: &Invocation,
    user: &User,
    pdu: &Pdu<'_>,
) -> Result<(), SendError> {
    let no_keys = crate::usm::UserKeys {
        auth: None,
        privacy: None,
    };
    let mut salt = Salt::random();
    let mut msg_id = rand::random::<i32>() & i32::MAX;
    // Discovery (RFC 3414 §4): an empty engine id, noAuthNoPriv, reportable.
    let probe_pdu = Pdu::GetRequest(GenericPdu {
        request_id: msg_id,
        ..GenericPdu::default()
    });
    let mut probe = Vec::new();
    v3::seal(
        &Outgoing {
            msg_id,
            max_size: MAX_MESSAGE_SIZE,
            flags: Flags::of(SecurityLevel::NoAuthNoPriv, true),
            engine_id: &[],
            boots: 0,
            time: 0,
            user_name: &[],
            context_engine_id: &[],
            context_name: &[],
            pdu: &probe_pdu,
        },
        &no_keys,
        &mut salt,
        &mut probe,
    )?;
    let report = exchange_v3(sock, inv, &probe, msg_id, &no_keys)?;
    if report.usm.engine_id.is_empty() {
        return Err(v3::Error::NoEngineId.into());
    }
    let now = Instant::now();
    let mut record = EngineRecord::discovered(
        report.usm.engine_id.to_vec(),
        report.usm.boots,
        report.usm.time,
        now,
    );
    let keys = user.keys(&record.engine_id, &mut KeyCache::new())?;
    for attempt in 0..2 {
        msg_id = msg_id.wrapping_add(1) & i32::MAX;
        let (boots, time) = record.boots_and_time(Instant::now());
        let context_engine = user
            .context_engine_id
            .clone()
            .unwrap_or(record.engine_id.clone());
        let mut buf = Vec::new();
        v3::seal(
            &Outgoing {
                msg_id,
                max_size: MAX_MESSAGE_SIZE,
                flags: Flags::of(user.level, true),
                engine_id: &record.engine_id,
                boots,
                time,
                user_name: user.name.as_bytes(),
                context_engine_id: &context_engine,
                context_name: &user.context_name,
                pdu,
            },
            &keys,
            &mut salt,
            &mut buf,
        )?;
        let answer = exchange_v3(sock, inv, &buf, msg_id, &keys)?;
        match &answer.scoped.pdu {
            Pdu::Response(_) => return Ok(()),
            Pdu::Report(_) => {
                let kind = ReportKind::of(&answer.scoped.pdu);
                if kind == ReportKind::NotInTimeWindow && attempt == 0 && answer.flags.auth() {
                    record.resync(answer.usm.boots, answer.usm.time, Instant::now());
                    continue;
                }
                return Err(SendError::Report {
                    target: inv.target.clone(),
                    kind,
                });
            }
            _ => {}
        }
    }
    Err(SendError::Timeout(inv.target.clone()))
}

/// Runs `snmpact trap|inform ARGS` and returns its exit status.
#[must_use]
pub fn run(tool: Tool, args: &[String]) -> ExitCode {
    let inv = match parse(tool, args) {
        Ok(Parsed::Run(inv)) => inv,
        Ok(Parsed::Help) => {
            print!("{}", help(tool));
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!(
                "snmpact {}: {e} (see: snmpact {} --help)",
                tool.name(),
                tool.name()
            );
            return ExitCode::from(EXIT_USAGE);
        }
    };
    match send(&inv) {
        Ok(()) => ExitCode::from(EXIT_OK),
        Err(e @ SendError::Resolve(_)) => {
            eprintln!("snmpact {}: {e}", tool.name());
            ExitCode::from(EXIT_USAGE)
        }
        Err(e) => {
            eprintln!("snmpact {}: {e}", tool.name());
            ExitCode::from(EXIT_FAILED)
        }
    }
}

#[cfg(test)]
mod tests;
