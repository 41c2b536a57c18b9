//! `snmpact agent`: simulated agents from `.snmprec` files, one UDP port each, served until
//! Ctrl-C or SIGTERM.
//!
//! Addresses come from `--listen ADDR` (repeatable), `--ports 16100-26099` and `--count N` (free
//! ports), the last two on `--host` (127.0.0.1 by default); with none of them, one agent on
//! [`DEFAULT_LISTEN`]. Or `--addresses N`: N agents at consecutive loopback addresses from
//! `--host`, all on one port (`--ports P`, or a free one), served through one socket per thread
//! ([`server::spawn_addresses`]): one agent per address, as devices are, for fleets larger than
//! the open-files limit allows a socket each. Data comes from `--data FILE` (repeatable) or `--data-dir DIR` (every
//! `*.snmprec` in it, by name), handed to the agents round-robin in address order; with neither,
//! the built-in demo device. Agents with the same file share one copy of it until one of them
//! takes a SET.
//!
//! SNMPv3: `--v3-user NAME:AUTH:AUTHPASS[:PRIV:PRIVPASS]` (repeatable) makes every agent an
//! authoritative SNMPv3 engine as well ([`crate::simulator::agent::usm`]), with those users. AUTH is one of
//! MD5, SHA, SHA-224, SHA-256, SHA-384, SHA-512, or `none` for a noAuthNoPriv user
//! (`NAME:none`); PRIV one of DES, AES, AES-192, AES-256, AES-192-C, AES-256-C. A user may also
//! use the levels below its own. Each agent's engine id is `--engine-id HEX`, or by default
//! `80 00 1f 88 04` + `snmpact-PORT` (its own per port); snmpEngineBoots is `--engine-boots`
//! (1), snmpEngineTime the seconds since the agents started. Pass phrases are for tests: they
//! show in the process list, never in logs or `Debug`.
//!
//! Once every socket is bound, one line goes to stdout, e.g.
//! `listening on 127.0.0.1:16100-26099 (10000 agents, 2 threads)`, so scripts and tests can wait
//! for it and read the ports; on a signal, a summary goes to stderr.

use std::collections::HashMap;
use std::io::{self, Write as _};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;

use super::{EXIT_USAGE, format_ports, parse_duration, parse_ports};
use crate::simulator::agent::server::{self, AgentsHandle, DEFAULT_BATCH, ServerOptions};
use crate::simulator::agent::usm::{AgentEngine, DEFAULT_BOOTS, default_engine_id};
use crate::simulator::agent::{Faults, Responder, Store, snmprec};
use crate::usm::{KeyCache, User, parse_hex};

/// Where the single agent listens when no address is given.
pub const DEFAULT_LISTEN: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 1161);

/// The extension of data files picked up by `--data-dir`.
const DATA_EXTENSION: &str = "snmprec";

/// `snmpact agent`'s command line.
#[derive(Debug, Clone, Args)]
pub struct AgentArgs {
    /// A `.snmprec` data file; repeat it to give agents different data (round-robin over the
    /// agents). Default: the built-in demo device (etc/demo.snmprec).
    #[arg(long, value_name = "FILE")]
    pub data: Vec<PathBuf>,
    /// Every `*.snmprec` file in DIR, by name, one per agent, round-robin over the agents.
    #[arg(long, value_name = "DIR", conflicts_with = "data")]
    pub data_dir: Option<PathBuf>,
    /// An agent's address, e.g. `127.0.0.1:16100` or `[::1]:16100` (repeatable; port 0: a free one).
    #[arg(long, value_name = "ADDR")]
    pub listen: Vec<SocketAddr>,
    /// One agent per port of --host: `16100-26099`, `161,1161,2000-2010`.
    #[arg(long, value_name = "PORTS")]
    pub ports: Option<String>,
    /// N agents on free ports of --host.
    #[arg(long, value_name = "N")]
    pub count: Option<usize>,
    /// N agents at consecutive loopback addresses from --host (e.g. 127.16.0.1), all on one port
    /// (--ports P, or a free one), served through one socket per thread.
    #[arg(long, value_name = "N", conflicts_with_all = ["listen", "count", "fault_ports"])]
    pub addresses: Option<usize>,
    /// The address --ports and --count agents bind to.
    #[arg(long, value_name = "IP", default_value = "127.0.0.1")]
    pub host: IpAddr,
    /// The community every agent accepts (read-write).
    #[arg(long, short = 'c', value_name = "COMMUNITY", default_value = "public")]
    pub community: String,
    /// Each agent's community is its data file's name without `.snmprec`, as in snmpsim.
    #[arg(long)]
    pub community_from_file: bool,
    /// Worker threads serving the sockets (0: one per core).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,
    /// Most requests read from one socket per wakeup (recvmmsg); 1 reads them one by one.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_BATCH)]
    pub batch: usize,
    /// Rest this long after each wake-up's work, so that requests arriving meanwhile are
    /// answered together (each answer up to this much later): a large fleet polled sparsely
    /// then costs a wake-up per DURATION per thread instead of one per request. At most 1s.
    #[arg(long, value_name = "DURATION", value_parser = parse_coalesce)]
    pub coalesce: Option<Duration>,
    /// An SNMPv3 user of every agent, `NAME:AUTH:AUTHPASS[:PRIV:PRIVPASS]` (repeatable): AUTH
    /// MD5|SHA|SHA-224|SHA-256|SHA-384|SHA-512, or `NAME:none` for noAuthNoPriv; PRIV
    /// DES|AES|AES-192|AES-256|AES-192-C|AES-256-C. With it, the agents answer SNMPv3 too.
    /// Pass phrases of 8 characters or more, no `:` in AUTHPASS; visible in the process list.
    #[arg(long = "v3-user", value_name = "USER", value_parser = parse_v3_user)]
    pub v3_users: Vec<User>,
    /// The SNMPv3 engine id of every agent, in hex (default: one per agent, 80001f8804 +
    /// "snmpact-PORT").
    #[arg(long, value_name = "HEX", value_parser = parse_engine_id)]
    pub engine_id: Option<EngineId>,
    /// snmpEngineBoots of the agents' SNMPv3 engines [default: 1].
    #[arg(long, value_name = "N")]
    pub engine_boots: Option<u32>,
    /// Once listening, send a coldStart SNMPv2c trap (with the agents' community) to this
    /// notification receiver, e.g. `udp:127.0.0.1:1162` (repeatable); `--notify-inform` sends
    /// an inform instead and waits for its acknowledgement.
    #[arg(long, value_name = "ADDR")]
    pub notify: Vec<String>,
    /// Send `--notify` notifications as informs.
    #[arg(long, requires = "notify")]
    pub notify_inform: bool,
    /// Misbehaviour on purpose, for tests.
    #[command(flatten)]
    pub faults: FaultArgs,
}

/// `--coalesce`: a duration of at most a second (a longer rest would hold every answer past
/// common timeouts).
fn parse_coalesce(s: &str) -> Result<Duration, String> {
    let d = parse_duration(s)?;
    if d > Duration::from_secs(1) {
        return Err(format!("--coalesce {s} is longer than 1s"));
    }
    Ok(d)
}

/// An SNMPv3 engine id given on the command line (1 to 32 octets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineId(pub Vec<u8>);

fn parse_engine_id(s: &str) -> Result<EngineId, String> {
    match parse_hex(s) {
        Ok(id) if (1..=crate::v3::MAX_ENGINE_ID).contains(&id.len()) => Ok(EngineId(id)),
        Ok(_) => Err("an engine id has 1 to 32 octets".to_owned()),
        Err(_) => Err(format!("{s:?} is not hex")),
    }
}

/// Parses `NAME:AUTH:AUTHPASS[:PRIV:PRIVPASS]` or `NAME:none`; the privacy pass phrase may
/// contain `:`, the authentication one may not. Errors never repeat a pass phrase.
///
/// # Errors
/// A message naming the bad part: the form, a protocol, a short pass phrase.
pub fn parse_v3_user(s: &str) -> Result<User, String> {
    const FORM: &str = "expected NAME:AUTH:AUTHPASS[:PRIV:PRIVPASS] or NAME:none";
    let parts: Vec<&str> = s.splitn(5, ':').collect();
    let user = match parts.as_slice() {
        [name, none] if none.eq_ignore_ascii_case("none") => User::new(*name),
        [name, auth, pass] => User::new(*name).with_auth(auth.parse().map_err(err)?, pass),
        [name, auth, pass, privacy, priv_pass] => User::new(*name)
            .with_auth(auth.parse().map_err(err)?, pass)
            .with_privacy(privacy.parse().map_err(err)?, priv_pass),
        _ => return Err(FORM.to_owned()),
    };
    if user.name.is_empty() || user.name.len() > crate::v3::MAX_USER_NAME {
        return Err("a user name has 1 to 32 characters".to_owned());
    }
    user.validate().map_err(err)?;
    Ok(user)
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// The SNMPv3 part of a [`Plan`]: users, engine id (or per port), boots.
#[derive(Debug, Clone)]
pub struct V3Plan {
    /// The users of every agent.
    pub users: Vec<User>,
    /// The engine id of every agent; `None`: [`default_engine_id`] of its port.
    pub engine_id: Option<Vec<u8>>,
    /// snmpEngineBoots.
    pub boots: u32,
}

impl V3Plan {
    fn new(args: &AgentArgs) -> Result<Option<Self>, String> {
        if args.v3_users.is_empty() {
            if args.engine_id.is_some() || args.engine_boots.is_some() {
                return Err("--engine-id and --engine-boots need a --v3-user".to_owned());
            }
            return Ok(None);
        }
        let boots = args.engine_boots.unwrap_or(DEFAULT_BOOTS);
        if boots >= crate::v3::MAX_BOOTS {
            return Err(format!("--engine-boots {boots}: at most 2147483646"));
        }
        Ok(Some(Self {
            users: args.v3_users.clone(),
            engine_id: args.engine_id.as_ref().map(|e| e.0.clone()),
            boots,
        }))
    }
}

/// Faults given on the command line; they apply to every agent, or to `--fault-ports` only.
#[derive(Debug, Clone, Args)]
pub struct FaultArgs {
    /// Drop this fraction of requests (0 to 1), from a seeded generator (--seed).
    #[arg(long, value_name = "RATE")]
    pub drop: Option<f64>,
    /// Drop the first N requests to each agent.
    #[arg(long, value_name = "N")]
    pub drop_first: Option<u32>,
    /// Seed of the drop generator; agent i uses seed + i.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,
    /// Answer after this delay: `50ms`, `1.5s`, `250us`.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub delay: Option<Duration>,
    /// Send every answer twice.
    #[arg(long)]
    pub duplicate: bool,
    /// Answer with request-id + 1.
    #[arg(long)]
    pub wrong_id: bool,
    /// Answer GETNEXT and GETBULK with OIDs that do not increase (a looping agent).
    #[arg(long)]
    pub non_increasing: bool,
    /// Answer tooBig to requests with more than N varbinds (or a GETBULK asking more than N
    /// repetitions).
    #[arg(long, value_name = "N")]
    pub too_big_above: Option<usize>,
    /// Answer from another UDP port.
    #[arg(long)]
    pub other_port: bool,
    /// Send a garbage datagram before each answer.
    #[arg(long)]
    pub garbage_first: bool,
    /// Never answer.
    #[arg(long)]
    pub silent: bool,
    /// Apply the faults only to the agents on these ports (`16100-16109,16200`).
    #[arg(long, value_name = "PORTS")]
    pub fault_ports: Option<String>,
}

impl FaultArgs {
    /// The faults asked for, or `None` when there are none.
    ///
    /// # Errors
    /// A message when the drop rate is not between 0 and 1.
    pub fn faults(&self) -> Result<Option<Faults>, String> {
        let rate = self.drop.unwrap_or(0.0);
        if !(0.0..=1.0).contains(&rate) {
            return Err(format!("--drop {rate}: the rate must be between 0 and 1"));
        }
        let f = Faults {
            drop_first: self.drop_first.unwrap_or(0),
            drop_rate: rate,
            seed: self.seed,
            delay: self.delay.unwrap_or_default(),
            duplicate: self.duplicate,
            wrong_request_id: self.wrong_id,
            other_port: self.other_port,
            garbage_first: self.garbage_first,
            too_big_above: self.too_big_above,
            non_increasing: self.non_increasing,
            silent: self.silent,
        };
        let none = Faults {
            seed: self.seed,
            ..Faults::default()
        };
        Ok((f != none).then_some(f))
    }
}

/// What `snmpact agent` will serve: every agent's address and responder, and the faults to set
/// once the sockets are bound.
#[derive(Debug)]
pub struct Plan {
    /// Address and responder of each agent, in order.
    pub agents: Vec<(SocketAddr, Responder)>,
    /// The faults, if any.
    pub faults: Option<Faults>,
    /// Only agents bound to these ports get the faults (`None`: all).
    pub fault_ports: Option<Vec<u16>>,
    /// Threads and batch size.
    pub options: ServerOptions,
    /// SNMPv3 engines to give the agents once bound (`None`: v1/v2c only).
    pub v3: Option<V3Plan>,
    /// `--addresses`: the agents are addresses sharing this port (0: a free one).
    pub shared_port: Option<u16>,
}

impl Plan {
    /// The plan for `args`: reads and checks every data file.
    ///
    /// # Errors
    /// A one-line message: a bad option, an unreadable data file or directory, or a data file's
    /// first bad line.
    pub fn new(args: &AgentArgs) -> Result<Self, String> {
        let (addrs, shared_port) = match args.addresses {
            Some(n) => {
                let (addrs, port) = loopback_addresses(args.host, n, args.ports.as_deref())?;
                (addrs, Some(port))
            }
            None => (addresses(args)?, None),
        };
        let sources = load_sources(args)?;
        let faults = args.faults.faults()?;
        let v3 = V3Plan::new(args)?;
        let fault_ports = args
            .faults
            .fault_ports
            .as_deref()
            .map(parse_ports)
            .transpose()?;
        if fault_ports.is_some() && faults.is_none() {
            return Err("--fault-ports needs a fault (--drop, --delay, ...)".to_owned());
        }
        let agents = addrs
            .into_iter()
            .enumerate()
            .map(|(i, addr)| {
                let (community, store) = &sources[i % sources.len()];
                let community = community.as_deref().unwrap_or(&args.community);
                (addr, Responder::new(store.clone(), community))
            })
            .collect();
        Ok(Self {
            agents,
            faults,
            fault_ports,
            options: ServerOptions {
                threads: args.threads,
                batch: args.batch,
                coalesce: args.coalesce.unwrap_or(Duration::ZERO),
            },
            v3,
            shared_port,
        })
    }

    /// Binds every agent and starts serving; the faults and SNMPv3 engines (whose default
    /// engine id names the port) are set by bound port.
    ///
    /// # Errors
    /// As [`server::spawn_with`]: a port that cannot be bound, too few open files; or a user
    /// whose keys cannot be made.
    pub fn start(self) -> io::Result<AgentsHandle> {
        let handle = match self.shared_port {
            Some(port) => {
                let agents = self
                    .agents
                    .into_iter()
                    .filter_map(|(a, r)| match a.ip() {
                        IpAddr::V4(ip) => Some((ip, r)),
                        IpAddr::V6(_) => None,
                    })
                    .collect();
                server::spawn_addresses(port, agents, self.options)?
            }
            None => server::spawn_with(self.agents, self.options)?,
        };
        let by_address = self.shared_port.is_some();
        if let Some(v3) = &self.v3 {
            // One pass-phrase hash per user for all agents; one localisation per engine id.
            let mut cache = KeyCache::new();
            for (i, a) in handle.addrs().iter().enumerate() {
                let id = v3.engine_id.clone().unwrap_or_else(|| {
                    if by_address {
                        address_engine_id(a.ip())
                    } else {
                        default_engine_id(a.port())
                    }
                });
                let engine = AgentEngine::new(id, v3.boots, &v3.users, &mut cache)
                    .map_err(|e| io::Error::other(format!("SNMPv3 user: {e}")))?;
                handle.with_agent(i, |r| r.set_v3(Some(engine)));
            }
        }
        if let Some(f) = self.faults {
            for (i, a) in handle.addrs().iter().enumerate() {
                if self
                    .fault_ports
                    .as_ref()
                    .is_none_or(|p| p.contains(&a.port()))
                {
                    let seed = f.seed.wrapping_add(i as u64);
                    handle.with_agent(i, |r| {
                        r.set_faults(Faults { seed, ..f.clone() });
                    });
                }
            }
        }
        Ok(handle)
    }
}

/// The default engine id of an `--addresses` agent: `80 00 1f 88 04` and `snmpact-IP` (they
/// share a port, so the port would not tell them apart).
fn address_engine_id(ip: IpAddr) -> Vec<u8> {
    let mut id = default_engine_id(0);
    id.truncate(5);
    id.extend_from_slice(format!("snmpact-{ip}").as_bytes());
    id
}

/// `--addresses N`: `n` consecutive IPv4 loopback addresses from `host`, on the one port of
/// `ports` (0, a free port, without it); the addresses and the port.
fn loopback_addresses(
    host: IpAddr,
    n: usize,
    ports: Option<&str>,
) -> Result<(Vec<SocketAddr>, u16), String> {
    let IpAddr::V4(first) = host else {
        return Err("--addresses needs an IPv4 loopback --host (e.g. 127.16.0.1)".to_owned());
    };
    if !first.is_loopback() {
        return Err(format!(
            "--addresses serves loopback only: --host {first} is not in 127.0.0.0/8"
        ));
    }
    if n == 0 {
        return Err("no agents: --addresses 0".to_owned());
    }
    let port = match ports.map(parse_ports).transpose()? {
        None => 0,
        Some(p) if p.len() == 1 => p[0],
        Some(_) => return Err("--addresses shares one port: give --ports one port".to_owned()),
    };
    let start = u32::from(first);
    let last = u32::try_from(n - 1)
        .ok()
        .and_then(|k| start.checked_add(k))
        .filter(|l| *l < u32::from(Ipv4Addr::new(127, 255, 255, 255)))
        .ok_or_else(|| format!("--addresses {n} from {first} runs past 127.255.255.254"))?;
    let addrs = (start..=last)
        .map(|a| SocketAddr::from((Ipv4Addr::from(a), port)))
        .collect();
    Ok((addrs, port))
}

/// Every agent's address, in order: `--listen`, then `--ports`, then `--count` free ports.
fn addresses(args: &AgentArgs) -> Result<Vec<SocketAddr>, String> {
    let host = args.host;
    let mut addrs = args.listen.clone();
    if let Some(spec) = &args.ports {
        addrs.extend(
            parse_ports(spec)?
                .into_iter()
                .map(|p| SocketAddr::new(host, p)),
        );
    }
    if let Some(n) = args.count {
        addrs.extend(std::iter::repeat_n(SocketAddr::new(host, 0), n));
    }
    if args.listen.is_empty() && args.ports.is_none() && args.count.is_none() {
        addrs.push(DEFAULT_LISTEN);
    }
    if addrs.is_empty() {
        return Err("no agents: --count 0 and no --listen or --ports".to_owned());
    }
    Ok(addrs)
}

/// The data sources: (community from the file name if asked, store). Files read once each.
fn load_sources(args: &AgentArgs) -> Result<Vec<(Option<String>, Store)>, String> {
    let files: Vec<PathBuf> = match &args.data_dir {
        Some(dir) => data_dir_files(dir)?,
        None => args.data.clone(),
    };
    if files.is_empty() {
        if args.community_from_file {
            return Err("--community-from-file needs --data or --data-dir".to_owned());
        }
        return Ok(vec![(None, snmprec::demo())]);
    }
    let mut cache: HashMap<&Path, Store> = HashMap::new();
    let mut out = Vec::with_capacity(files.len());
    for f in &files {
        let store = match cache.get(f.as_path()) {
            Some(s) => s.clone(),
            None => {
                let s = load_file(f)?;
                cache.insert(f, s.clone());
                s
            }
        };
        let community = args
            .community_from_file
            .then(|| community_of(f))
            .transpose()?;
        out.push((community, store));
    }
    Ok(out)
}

/// One data file, parsed.
///
/// # Errors
/// The file's name with the read error or its first bad line.
pub fn load_file(path: &Path) -> Result<Store, String> {
    let data = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let store = snmprec::parse_bytes(&data).map_err(|e| format!("{}: {e}", path.display()))?;
    if store.is_empty() {
        return Err(format!("{}: no objects", path.display()));
    }
    Ok(store)
}

fn data_dir_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == DATA_EXTENSION))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(format!(
            "no *.{DATA_EXTENSION} files in {} (compressed ones must be unpacked first)",
            dir.display()
        ));
    }
    Ok(files)
}

fn community_of(path: &Path) -> Result<String, String> {
    path.file_stem()
        .and_then(|s| s.to_str())
        .map(str::to_owned)
        .ok_or_else(|| format!("{}: no file name to use as community", path.display()))
}

/// The stdout line announcing the agents: `listening on 127.0.0.1:16100-26099 (N agents, T
/// threads)`, one `IP:PORTS` group per address in order of first appearance.
#[must_use]
pub fn listening_line(addrs: &[SocketAddr], threads: usize) -> String {
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    if let Some(range) = address_range(addrs) {
        // `--addresses`: `listening on 127.16.0.1-127.16.1.144:16100 (400 agents, 1 thread)`.
        return format!(
            "listening on {range} ({}, {})",
            plural(addrs.len(), "agent"),
            plural(threads, "thread")
        );
    }
    let mut groups: Vec<(IpAddr, Vec<u16>)> = Vec::new();
    for a in addrs {
        match groups.iter_mut().find(|(ip, _)| *ip == a.ip()) {
            Some((_, ports)) => ports.push(a.port()),
            None => groups.push((a.ip(), vec![a.port()])),
        }
    }
    let hosts: Vec<String> = groups
        .iter()
        .map(|(ip, ports)| match ip {
            IpAddr::V4(v4) => format!("{v4}:{}", format_ports(ports)),
            IpAddr::V6(v6) => format!("[{v6}]:{}", format_ports(ports)),
        })
        .collect();
    format!(
        "listening on {} ({}, {})",
        hosts.join(" "),
        plural(addrs.len(), "agent"),
        plural(threads, "thread")
    )
}

/// `FIRST-LAST:PORT` when `addrs` are two or more consecutive IPv4 addresses on one port.
fn address_range(addrs: &[SocketAddr]) -> Option<String> {
    let (SocketAddr::V4(first), SocketAddr::V4(last)) = (addrs.first()?, addrs.last()?) else {
        return None;
    };
    let start = u32::from(*first.ip());
    let consecutive = addrs.len() > 1
        && addrs.iter().enumerate().all(|(i, a)| match a {
            SocketAddr::V4(v4) => {
                v4.port() == first.port()
                    && u32::try_from(i).ok().and_then(|i| start.checked_add(i))
                        == Some(u32::from(*v4.ip()))
            }
            SocketAddr::V6(_) => false,
        });
    consecutive.then(|| format!("{}-{}:{}", first.ip(), last.ip(), first.port()))
}

/// Runs `snmpact agent` until Ctrl-C or SIGTERM.
#[must_use]
pub fn run_agent(args: &AgentArgs) -> ExitCode {
    let started = Plan::new(args).and_then(|p| p.start().map_err(|e| e.to_string()));
    let handle = match started {
        Ok(h) => h,
        Err(e) => {
            eprintln!("snmpact agent: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    // Caught before the first line is printed: a Ctrl-C or SIGTERM sent right after it stops
    // the agents cleanly instead of killing the process.
    let stop = match StopWait::listen() {
        Ok(s) => Some(s),
        Err(e) => {
            eprintln!("snmpact agent: cannot catch Ctrl-C or SIGTERM: {e}");
            None
        }
    };
    if let Some(v3) = handle.with(|r| r.v3().map(|e| crate::format::hex(e.engine_id()))) {
        let per_port = match (&args.engine_id, args.addresses) {
            (Some(_), _) => "",
            (None, Some(_)) => " (the first agent's; one per address)",
            (None, None) => " (the first agent's; one per port)",
        };
        eprintln!(
            "snmpact agent: SNMPv3 users {}; engine id {v3}{per_port}",
            args.v3_users
                .iter()
                .map(|u| format!("{} ({})", u.name, u.level))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let line = listening_line(handle.addrs(), handle.threads());
    let mut out = io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
    drop(out);
    for to in &args.notify {
        notify(to, &args.community, args.notify_inform);
    }
    match stop {
        Some(stop) => stop.wait(),
        // Without handlers the default action of either signal ends the process.
        None => loop {
            std::thread::park();
        },
    }
    let requests = handle.requests();
    handle.stop();
    eprintln!("snmpact agent: stopped after {requests} requests");
    ExitCode::SUCCESS
}

/// Sends a coldStart (sysUpTime 0) to `to`, reporting the outcome on stderr.
fn notify(to: &str, community: &str, inform: bool) {
    let inv = crate::notification::send::Invocation {
        version: crate::pdu::Version::V2c,
        community: community.as_bytes().to_vec(),
        timeout: Duration::from_secs(1),
        retries: 2,
        user: None,
        inform,
        target: to.to_owned(),
        header: crate::notification::send::Header::V2 {
            uptime: Some(0),
            trap_oid: crate::oid::Oid::from_valid([1, 3, 6, 1, 6, 3, 1, 1, 5, 1][..].into()),
        },
        varbinds: Vec::new(),
    };
    let what = if inform { "inform" } else { "trap" };
    match crate::notification::send::send(&inv) {
        Ok(()) => eprintln!("snmpact agent: coldStart {what} sent to {to}"),
        Err(e) => eprintln!("snmpact agent: coldStart {what} to {to}: {e}"),
    }
}

/// Ctrl-C (SIGINT) and SIGTERM caught on a small runtime of their own (the agents' threads
/// are plain threads), waited for by blocking.
struct StopWait {
    rt: tokio::runtime::Runtime,
    signals: crate::signals::StopSignals,
}

impl StopWait {
    fn listen() -> io::Result<Self> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let signals = {
            let _in_rt = rt.enter();
            crate::signals::StopSignals::listen()?
        };
        Ok(Self { rt, signals })
    }

    /// Blocks until one of them has come (since `listen`).
    fn wait(mut self) {
        self.rt.block_on(self.signals.recv());
    }
}

#[cfg(test)]
mod tests;
