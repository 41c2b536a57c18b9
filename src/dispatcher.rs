//! The dispatcher actor: owns the UDP socket(s), allocates request ids, retransmits and times
//! out requests, and matches each response to its request by request-id **and** source address
//! (and version and community). Everything else is dropped and counted by reason.
//!
//! SNMPv3 requests ([`Submit::usm`]) are sealed here (msgID = request-id, one salt counter per
//! dispatcher) and their answers gated before a session sees them: the HMAC must verify, the
//! engine time must be inside the window of the request's snapshot, and an answer below the
//! request's security level is let through only when it is a Report (RFC 3412 §7.2, RFC 3414
//! §3.2). The session decrypts and decodes.
//!
//! One dispatcher serves many sessions (one per agent); the engine runs one dispatcher per
//! arbiter (thread), each with its own socket, so the hot path never crosses threads.
//!
//! Timing: one sweep timer per dispatcher (not one per request: an actor polls all its timers on
//! every wakeup) pops due deadlines from one FIFO queue per distinct wait (deadlines of one wait
//! arrive in time order, so each push and pop is O(1)). Sending: `try_send_to`, and a backlog
//! drained when the socket is writable again, so a full socket buffer neither drops nor blocks.
//!
//! The hot path (a few map operations per request) uses `FastMap` (Fx hashing): every key is
//! chosen by the engine (request ids, tokens) or comes from its own configuration (agent
//! addresses), so the flood resistance of the default SipHash buys nothing there.

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix::prelude::*;
use bytes::{Bytes, BytesMut};
use tokio::net::UdpSocket;
use tokio_util::codec::BytesCodec;
use tokio_util::udp::UdpFramed;

use crate::pdu::{Message, Pdu, PduType, Version};
use crate::session::{RetryPolicy, SnmpError};
use crate::usm::{SecurityLevel, UserKeys};
use crate::v3;

/// How often due retransmissions and timeouts are looked for.
pub const SWEEP_INTERVAL: Duration = Duration::from_millis(5);
/// Receive buffer asked of the kernel for each socket (10,000 requests in flight need it).
pub const RECV_BUFFER: usize = 8 << 20;
/// Send buffer asked of the kernel.
pub const SEND_BUFFER: usize = 4 << 20;
/// Wait before retrying a send the kernel refused with ENOBUFS.
const ENOBUFS_RETRY: Duration = Duration::from_millis(2);
/// How long a finished request id is remembered (in whole seconds), to tell late and duplicate
/// answers apart.
const RECENT_TTL_SECS: u32 = 60;
/// Slots of the table of recently finished request ids: an id is remembered until the id
/// `RECENT_SLOTS` later (ids are allocated in sequence) finishes, or for `RECENT_TTL_SECS`.
const RECENT_SLOTS: usize = 1 << 18;
/// Request ids are 31-bit: 1..=i32::MAX.
const MAX_REQUEST_ID: i32 = i32::MAX;

/// The multiply-rotate hash of rustc ("Fx"): a few instructions per word, no flood resistance.
/// For maps whose keys no remote party can choose (see the module documentation).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

/// Fx's multiplier.
const FX_SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(FX_SEED);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut w = [0u8; 8];
            w[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(w));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u16(&mut self, i: u16) {
        self.add(u64::from(i));
    }

    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A `HashMap` with [`FxHasher`].
pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// Where the dispatcher's sockets bind.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    /// IPv4 local address (port 0: any).
    pub v4: SocketAddr,
    /// IPv6 local address, used when the first IPv6 agent appears.
    pub v6: SocketAddr,
}

impl Default for Binding {
    fn default() -> Self {
        Self {
            v4: SocketAddr::from((Ipv4Addr::UNSPECIFIED, 0)),
            v6: SocketAddr::from((Ipv6Addr::UNSPECIFIED, 0)),
        }
    }
}

/// What the dispatcher tells a session about one submitted request.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub enum Inbound {
    /// The matching response datagram (decoded by the session).
    Response {
        /// The session's key for the request.
        token: u64,
        /// The datagram, copied out of the socket buffer.
        datagram: Bytes,
    },
    /// The request failed: timeout after all transmissions, a socket error, or shutdown.
    Failed {
        /// The session's key for the request.
        token: u64,
        /// Why.
        error: SnmpError,
    },
}

/// Sent by a session: send `pdu` to `agent`, retransmit per `policy`, and answer `reply_to` with
/// an [`Inbound`] carrying `token`. The dispatcher fills in the request-id.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Submit {
    /// Who gets the answer.
    pub reply_to: Recipient<Inbound>,
    /// Echoed back in the answer; unique in the process (see [`crate::session::next_token`]).
    pub token: u64,
    /// The agent's address.
    pub agent: SocketAddr,
    /// Message version.
    pub version: Version,
    /// Community string (a secret: never logged).
    pub community: Arc<[u8]>,
    /// The PDU; its request-id is overwritten.
    pub pdu: Pdu<'static>,
    /// Timeout, retries and backoff.
    pub policy: RetryPolicy,
    /// For SNMPv3 (`version` [`Version::V3`]): how to seal the request and check its answer.
    pub usm: Option<Arc<UsmSubmit>>,
}

/// What the dispatcher needs to seal one SNMPv3 request and check its answer. Its `Debug`
/// shows no key.
#[derive(Debug)]
pub struct UsmSubmit {
    /// msgUserName (empty in a discovery probe).
    pub user_name: Arc<[u8]>,
    /// The request's security level (its msgFlags, with reportable set).
    pub level: SecurityLevel,
    /// The user's keys for the agent's engine (none for noAuthNoPriv).
    pub keys: Arc<UserKeys>,
    /// msgAuthoritativeEngineID (empty to discover it).
    pub engine_id: Arc<[u8]>,
    /// msgAuthoritativeEngineBoots as the session believes it.
    pub boots: u32,
    /// msgAuthoritativeEngineTime as the session believes it, when submitted.
    pub time: u32,
    /// contextEngineID.
    pub context_engine_id: Arc<[u8]>,
    /// contextName.
    pub context_name: Arc<[u8]>,
}

/// Sent by a session that no longer wants the answer to `token` (its caller went away).
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub struct Cancel {
    /// The token given in [`Submit`].
    pub token: u64,
}

/// Asks for a snapshot of the counters.
#[derive(Debug, Message)]
#[rtype(result = "DispatcherStats")]
pub struct GetStats;

/// Fails every request in flight with [`SnmpError::ShuttingDown`] and stops the dispatcher,
/// closing its sockets.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub struct Shutdown;

/// Why a datagram was dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DropReason {
    /// Not a valid SNMP v1/v2c message header.
    Undecodable,
    /// A PDU type a manager does not expect (a request, a trap).
    NotResponse,
    /// No request with that id was ever seen (or long forgotten).
    UnknownId,
    /// The id is in flight but the datagram came from another address.
    WrongSource,
    /// The id and source match but the version or community do not.
    WrongCommunity,
    /// A second answer to a request already answered.
    Duplicate,
    /// An answer to a request that had already timed out or been cancelled.
    Late,
    /// An SNMPv3 answer whose HMAC does not verify (forged or corrupted).
    WrongDigest,
    /// An SNMPv3 answer at another security level or for another user than its request, or
    /// a Response below the request's level (only Reports may be).
    WrongSecurity,
    /// An SNMPv3 answer whose engine boots/time are outside the 150 s window (a replay).
    NotInTimeWindow,
}

impl DropReason {
    /// Every reason, for reports.
    pub const ALL: [DropReason; 10] = [
        Self::Undecodable,
        Self::NotResponse,
        Self::UnknownId,
        Self::WrongSource,
        Self::WrongCommunity,
        Self::Duplicate,
        Self::Late,
        Self::WrongDigest,
        Self::WrongSecurity,
        Self::NotInTimeWindow,
    ];

    /// Stable label.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Undecodable => "undecodable",
            Self::NotResponse => "not_response",
            Self::UnknownId => "unknown_id",
            Self::WrongSource => "wrong_source",
            Self::WrongCommunity => "wrong_community",
            Self::Duplicate => "duplicate",
            Self::Late => "late",
            Self::WrongDigest => "wrong_digest",
            Self::WrongSecurity => "wrong_security",
            Self::NotInTimeWindow => "not_in_time_window",
        }
    }
}

/// Counters of one agent (or of all agents).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counters {
    /// Requests sent (first transmissions).
    pub sent: u64,
    /// Retransmissions.
    pub retransmitted: u64,
    /// Responses matched to a request.
    pub received: u64,
    /// Requests that ended without an answer after all transmissions.
    pub timed_out: u64,
    /// Datagrams dropped, by reason.
    pub dropped: HashMap<DropReason, u64>,
    /// Requests in flight now.
    pub in_flight: u64,
}

impl Counters {
    /// Total dropped datagrams.
    #[must_use]
    pub fn dropped_total(&self) -> u64 {
        self.dropped.values().sum()
    }

    /// Dropped for one reason.
    #[must_use]
    pub fn dropped(&self, r: DropReason) -> u64 {
        self.dropped.get(&r).copied().unwrap_or(0)
    }

    /// Adds `other` into `self`.
    pub fn add(&mut self, other: &Counters) {
        self.sent += other.sent;
        self.retransmitted += other.retransmitted;
        self.received += other.received;
        self.timed_out += other.timed_out;
        self.in_flight += other.in_flight;
        for (r, n) in &other.dropped {
            *self.dropped.entry(*r).or_default() += n;
        }
    }
}

/// A snapshot of a dispatcher's counters.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct DispatcherStats {
    /// All agents together.
    pub total: Counters,
    /// Per agent address (drops from unknown sources are counted in `total` only).
    pub per_agent: HashMap<SocketAddr, Counters>,
    /// Datagrams waiting for the socket to accept them.
    pub backlog: usize,
}

impl DispatcherStats {
    /// Adds `other` into `self` (for an engine with several dispatchers).
    pub fn merge(&mut self, other: &DispatcherStats) {
        self.total.add(&other.total);
        for (a, c) in &other.per_agent {
            self.per_agent.entry(*a).or_default().add(c);
        }
        self.backlog += other.backlog;
    }
}

struct Pending {
    reply_to: Recipient<Inbound>,
    token: u64,
    agent: SocketAddr,
    version: Version,
    community: Arc<[u8]>,
    datagram: Bytes,
    policy: RetryPolicy,
    /// An SNMPv3 request's security, and when it was first sent (the time window's clock).
    usm: Option<(Arc<UsmSubmit>, Instant)>,
    /// Transmissions made so far.
    transmissions: u32,
    /// Identifies the current deadline (stale queue entries are skipped).
    stamp: u64,
}

/// A deadline: (when, request-id, stamp).
type Deadline = (Instant, i32, u64);

#[derive(Clone, Copy, PartialEq, Eq)]
enum Ended {
    Answered,
    Abandoned,
}

/// The dispatcher actor. Fields say why they exist.
pub struct Dispatcher {
    /// Local addresses to bind.
    binding: Binding,
    /// The IPv4 socket (bound at start).
    sock4: Option<Arc<UdpSocket>>,
    /// The IPv6 socket, created for the first IPv6 agent.
    sock6: Option<Arc<UdpSocket>>,
    /// Datagrams the kernel would not take yet, in order.
    backlog: VecDeque<(Bytes, SocketAddr)>,
    /// A writable-wait or ENOBUFS retry is armed for the backlog.
    drain_armed: bool,
    /// Requests in flight by request-id.
    pending: FastMap<i32, Pending>,
    /// Token -> request-id, for cancellation (tokens are unique per process).
    by_token: FastMap<u64, i32>,
    /// Deadlines, one FIFO per distinct wait: deadlines pushed with the same wait are in time
    /// order, so a queue is popped from the front (a heap cost a cache-missing O(log n) pop per
    /// request). Few queues: one per timeout and backoff step in use.
    deadlines: Vec<(Duration, VecDeque<Deadline>)>,
    /// Due deadlines of one sweep (kept to reuse its allocation).
    due: Vec<Deadline>,
    /// Recently finished ids and how they ended, to count late and duplicate answers:
    /// direct-mapped by `id % RECENT_SLOTS`, each slot packing id, [`Ended`] and the second it
    /// ended (see [`Dispatcher::remember`]); 0 is empty. Zeroed pages cost no memory until used.
    recent: Vec<u64>,
    /// Whole seconds since `epoch`, refreshed by each sweep: the clock of `recent`.
    clock_secs: u32,
    /// When this dispatcher was created.
    epoch: Instant,
    /// Next request-id to try.
    next_id: i32,
    /// Source of `Pending::stamp`.
    next_stamp: u64,
    /// Reusable encode buffer.
    buf: Vec<u8>,
    /// Privacy salts of the SNMPv3 requests this dispatcher seals.
    salt: v3::Salt,
    /// Counters.
    total: Counters,
    /// Counters per agent.
    per_agent: FastMap<SocketAddr, Counters>,
}

impl Dispatcher {
    /// A dispatcher that will bind per `binding` when started.
    #[must_use]
    pub fn new(binding: Binding) -> Self {
        let start: i32 = rand::random_range(1..=MAX_REQUEST_ID);
        Self {
            binding,
            sock4: None,
            sock6: None,
            backlog: VecDeque::new(),
            drain_armed: false,
            pending: FastMap::default(),
            by_token: FastMap::default(),
            deadlines: Vec::new(),
            due: Vec::new(),
            recent: vec![0; RECENT_SLOTS],
            clock_secs: 0,
            epoch: Instant::now(),
            next_id: start,
            next_stamp: 0,
            buf: Vec::with_capacity(1500),
            salt: v3::Salt::random(),
            total: Counters::default(),
            per_agent: FastMap::default(),
        }
    }

    fn bind(addr: SocketAddr) -> io::Result<Arc<UdpSocket>> {
        use socket2::{Domain, Protocol, Socket, Type};
        let domain = if addr.is_ipv4() {
            Domain::IPV4
        } else {
            Domain::IPV6
        };
        let s = Socket::new(domain, Type::DGRAM, Some(Protocol::UDP))?;
        if addr.is_ipv6() {
            s.set_only_v6(true)?;
        }
        // Ask for large buffers; the kernel caps them at rmem_max/wmem_max (best effort).
        let _ = s.set_recv_buffer_size(RECV_BUFFER);
        let _ = s.set_send_buffer_size(SEND_BUFFER);
        s.set_nonblocking(true)?;
        s.bind(&addr.into())?;
        let std_sock: std::net::UdpSocket = s.into();
        Ok(Arc::new(UdpSocket::from_std(std_sock)?))
    }

    fn socket_for(&mut self, agent: SocketAddr, ctx: &mut Context<Self>) -> io::Result<&UdpSocket> {
        let (slot, bind) = if agent.is_ipv4() {
            (&mut self.sock4, self.binding.v4)
        } else {
            (&mut self.sock6, self.binding.v6)
        };
        if slot.is_none() {
            let s = Self::bind(bind)?;
            ctx.add_stream(UdpFramed::new(s.clone(), BytesCodec::new()));
            *slot = Some(s);
        }
        slot.as_deref().ok_or_else(|| io::Error::other("no socket"))
    }

    /// The local address of the IPv4 socket.
    #[must_use]
    pub fn local_v4(&self) -> Option<SocketAddr> {
        self.sock4.as_ref().and_then(|s| s.local_addr().ok())
    }

    fn alloc_id(&mut self) -> i32 {
        loop {
            let id = self.next_id;
            self.next_id = if id == MAX_REQUEST_ID { 1 } else { id + 1 };
            if !self.pending.contains_key(&id) {
                return id;
            }
        }
    }

    fn agent_counters(&mut self, agent: SocketAddr) -> &mut Counters {
        self.per_agent.entry(agent).or_default()
    }

    /// Sends now or queues (a cheap `Bytes` clone, only then); a hard error is returned for the
    /// caller to fail the request.
    fn transmit(
        &mut self,
        data: &Bytes,
        to: SocketAddr,
        ctx: &mut Context<Self>,
    ) -> io::Result<()> {
        let queued = !self.backlog.is_empty();
        let sock = self.socket_for(to, ctx)?;
        if !queued {
            match sock.try_send_to(data, to) {
                Ok(_) => return Ok(()),
                Err(e) if is_transient(&e) => {}
                Err(e) => return Err(e),
            }
        }
        self.backlog.push_back((data.clone(), to));
        self.arm_drain(ctx, None);
        Ok(())
    }

    /// Queues the deadline `now + wait` of request `id`.
    fn push_deadline(&mut self, now: Instant, wait: Duration, id: i32, stamp: u64) {
        let d = (now + wait, id, stamp);
        match self.deadlines.iter_mut().find(|(w, _)| *w == wait) {
            Some((_, q)) => q.push_back(d),
            None => self.deadlines.push((wait, VecDeque::from([d]))),
        }
    }

    fn arm_drain(&mut self, ctx: &mut Context<Self>, delay: Option<Duration>) {
        if self.drain_armed {
            return;
        }
        self.drain_armed = true;
        if let Some(d) = delay {
            ctx.run_later(d, |act, ctx| {
                act.drain_armed = false;
                act.drain(ctx);
            });
            return;
        }
        let socks: Vec<Arc<UdpSocket>> = self
            .sock4
            .iter()
            .chain(self.sock6.iter())
            .cloned()
            .collect();
        ctx.spawn(
            async move {
                for s in socks {
                    let _ = s.writable().await;
                }
            }
            .into_actor(self)
            .map(|(), act, ctx| {
                act.drain_armed = false;
                act.drain(ctx);
            }),
        );
    }

    fn drain(&mut self, ctx: &mut Context<Self>) {
        while let Some((data, to)) = self.backlog.front() {
            let sock = if to.is_ipv4() {
                &self.sock4
            } else {
                &self.sock6
            };
            let Some(sock) = sock.clone() else {
                self.backlog.pop_front();
                continue;
            };
            match sock.try_send_to(data, *to) {
                Ok(_) => {
                    self.backlog.pop_front();
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    self.arm_drain(ctx, None);
                    return;
                }
                Err(e) if is_transient(&e) => {
                    self.arm_drain(ctx, Some(ENOBUFS_RETRY));
                    return;
                }
                Err(e) => {
                    // A hard error for a queued datagram: drop that one; its request times out.
                    tracing::warn!(agent = %to, error = %e, "send failed");
                    self.backlog.pop_front();
                }
            }
        }
    }

    /// The slot of `id` in `recent`.
    fn recent_slot(id: i32) -> usize {
        id.cast_unsigned() as usize & (RECENT_SLOTS - 1)
    }

    /// Remembers that `id` ended `how`: slot = id (31 bits) << 33 | answered << 32 | second.
    fn remember(&mut self, id: i32, how: Ended) {
        let answered = u64::from(how == Ended::Answered);
        self.recent[Self::recent_slot(id)] =
            (u64::from(id.cast_unsigned()) << 33) | (answered << 32) | u64::from(self.clock_secs);
    }

    /// How `id` ended, if it ended within `RECENT_TTL_SECS` and its slot was not reused.
    fn recent(&self, id: i32) -> Option<Ended> {
        let v = self.recent[Self::recent_slot(id)];
        #[allow(clippy::cast_possible_truncation)] // the low 32 bits are the second
        let (owner, answered, secs) = (v >> 33, v >> 32 & 1 == 1, v as u32);
        if v == 0
            || owner != u64::from(id.cast_unsigned())
            || self.clock_secs.wrapping_sub(secs) > RECENT_TTL_SECS
        {
            return None;
        }
        Some(if answered {
            Ended::Answered
        } else {
            Ended::Abandoned
        })
    }

    /// Removes request `id` from flight and remembers how it ended; an answer is counted here
    /// too (one per-agent lookup for both counters).
    fn finish(&mut self, id: i32, how: Ended) -> Option<Pending> {
        let p = self.pending.remove(&id)?;
        self.by_token.remove(&p.token);
        self.total.in_flight = self.total.in_flight.saturating_sub(1);
        let answered = how == Ended::Answered;
        self.total.received += u64::from(answered);
        let c = self.agent_counters(p.agent);
        c.in_flight = c.in_flight.saturating_sub(1);
        c.received += u64::from(answered);
        self.remember(id, how);
        Some(p)
    }

    /// `from`, when it is a known agent (for per-agent drop counters).
    fn known(&self, from: SocketAddr) -> Option<SocketAddr> {
        self.per_agent.contains_key(&from).then_some(from)
    }

    fn drop_datagram(&mut self, reason: DropReason, from: SocketAddr, agent: Option<SocketAddr>) {
        tracing::debug!(%from, reason = reason.label(), "dropped datagram");
        *self.total.dropped.entry(reason).or_default() += 1;
        if let Some(a) = agent {
            *self.agent_counters(a).dropped.entry(reason).or_default() += 1;
        }
    }

    fn sweep(&mut self, ctx: &mut Context<Self>) {
        let now = Instant::now();
        self.clock_secs =
            u32::try_from(now.duration_since(self.epoch).as_secs()).unwrap_or(u32::MAX);
        let mut due = std::mem::take(&mut self.due);
        for (_, q) in &mut self.deadlines {
            while let Some(&d) = q.front() {
                if d.0 > now {
                    break;
                }
                q.pop_front();
                due.push(d);
            }
        }
        // Earliest first, as one heap would have given them.
        due.sort_unstable_by_key(|d| d.0);
        for &(_, id, stamp) in &due {
            let Some(p) = self.pending.get_mut(&id) else {
                continue;
            };
            if p.stamp != stamp {
                continue;
            }
            if p.transmissions < p.policy.transmissions() {
                let wait = p.policy.wait(p.transmissions);
                p.transmissions += 1;
                self.next_stamp += 1;
                p.stamp = self.next_stamp;
                let (data, agent) = (p.datagram.clone(), p.agent);
                self.push_deadline(now, wait, id, self.next_stamp);
                self.total.retransmitted += 1;
                self.agent_counters(agent).retransmitted += 1;
                if let Err(e) = self.transmit(&data, agent, ctx)
                    && let Some(p) = self.finish(id, Ended::Abandoned)
                {
                    p.reply_to.do_send(Inbound::Failed {
                        token: p.token,
                        error: e.into(),
                    });
                }
            } else if let Some(p) = self.finish(id, Ended::Abandoned) {
                self.total.timed_out += 1;
                self.agent_counters(p.agent).timed_out += 1;
                p.reply_to.do_send(Inbound::Failed {
                    token: p.token,
                    error: SnmpError::Timeout {
                        retries: p.policy.retries,
                        agent: p.agent,
                    },
                });
            }
        }
        due.clear();
        self.due = due;
        self.deadlines.retain(|(_, q)| !q.is_empty());
    }

    fn on_datagram(&mut self, buf: &[u8], from: SocketAddr) {
        let peek = match Message::peek(buf) {
            Err(crate::pdu::Error::Version3 { .. }) => return self.on_v3_datagram(buf, from),
            other => other,
        };
        let Ok(peek) = peek else {
            self.drop_datagram(DropReason::Undecodable, from, self.known(from));
            return;
        };
        if !matches!(peek.pdu_type, PduType::Response | PduType::Report) {
            self.drop_datagram(DropReason::NotResponse, from, self.known(from));
            return;
        }
        let Some(id) = peek.request_id else {
            self.drop_datagram(DropReason::NotResponse, from, self.known(from));
            return;
        };
        let Some(p) = self.matching(id, from) else {
            return;
        };
        if p.version != peek.version || *p.community != *peek.community || p.usm.is_some() {
            let agent = p.agent;
            self.drop_datagram(DropReason::WrongCommunity, from, Some(agent));
            return;
        }
        self.deliver(id, buf);
    }

    /// Ends request `id` as answered and hands its session the datagram.
    fn deliver(&mut self, id: i32, buf: &[u8]) {
        if let Some(p) = self.finish(id, Ended::Answered) {
            p.reply_to.do_send(Inbound::Response {
                token: p.token,
                datagram: Bytes::copy_from_slice(buf),
            });
        }
    }

    /// The request `id` when it is in flight and `from` is its agent; otherwise the datagram
    /// is dropped and counted (duplicate, late, unknown id, wrong source) and `None` returned.
    fn matching(&mut self, id: i32, from: SocketAddr) -> Option<&Pending> {
        let reason = match self.pending.get(&id) {
            Some(p) if same_endpoint(p.agent, from) => None,
            Some(_) => Some(DropReason::WrongSource),
            None => Some(match self.recent(id) {
                Some(Ended::Answered) => DropReason::Duplicate,
                Some(Ended::Abandoned) => DropReason::Late,
                None => DropReason::UnknownId,
            }),
        };
        if let Some(reason) = reason {
            self.drop_datagram(reason, from, self.known(from));
            return None;
        }
        self.pending.get(&id)
    }

    /// An SNMPv3 datagram: matched by msgID (the request-id's value) and source, then gated
    /// by its security (see the module documentation) before its session sees it.
    fn on_v3_datagram(&mut self, buf: &[u8], from: SocketAddr) {
        let Ok((head, rest)) = v3::Head::read(buf) else {
            self.drop_datagram(DropReason::Undecodable, from, self.known(from));
            return;
        };
        let id = head.msg_id;
        let Some(p) = self.matching(id, from) else {
            return;
        };
        let agent = p.agent;
        let Some((usm, sent_at)) = &p.usm else {
            self.drop_datagram(DropReason::WrongCommunity, from, Some(agent));
            return;
        };
        if let Err(reason) = gate(buf, &head, rest, usm, *sent_at, Instant::now()) {
            self.drop_datagram(reason, from, Some(agent));
            return;
        }
        self.deliver(id, buf);
    }
}

/// The security gate of an SNMPv3 answer, received at `now`, to the request `usm` first sent at
/// `sent_at` (pure: the caller reads the clock) (RFC 3412 §7.2 steps 10-13, RFC 3414 §3.2 steps 6-7):
/// - above the request's level, or (authenticated) for another user: dropped (privacy without
///   authentication never gets here: [`v3::Head::read`] refuses it);
/// - authenticated: the HMAC must verify with the request's key, the engine must be the
///   request's, and boots/time must be inside the window of the request's snapshot advanced
///   by the time since it was sent;
/// - below the request's level (unauthenticated to an authenticated request): only a Report
///   passes, and the session takes nothing from it but the error;
/// - a Response must be at exactly the request's level.
fn gate(
    buf: &[u8],
    head: &v3::Head<'_>,
    rest: v3::Rest<'_>,
    usm: &UsmSubmit,
    sent_at: Instant,
    now: Instant,
) -> Result<(), DropReason> {
    let level = head.level;
    if level > usm.level {
        return Err(DropReason::WrongSecurity);
    }
    if level.auth() {
        if *head.usm.user_name != *usm.user_name || *head.usm.engine_id != *usm.engine_id {
            return Err(DropReason::WrongSecurity);
        }
        let Some(key) = &usm.keys.auth else {
            return Err(DropReason::WrongSecurity);
        };
        if !v3::check(buf, head, key) {
            return Err(DropReason::WrongDigest);
        }
        let since = now.saturating_duration_since(sent_at);
        let elapsed = u32::try_from(since.as_secs()).unwrap_or(u32::MAX);
        let local_time = usm.time.saturating_add(elapsed);
        // A notInTimeWindow Report carries the engine's own clock, which is the point of it:
        // the session resynchronises from it, so it is not judged by the stale snapshot.
        let report = matches!(rest.pdu_type(), Ok(PduType::Report));
        if !report
            && (head.usm.boots < usm.boots
                || (head.usm.boots == usm.boots
                    && head.usm.time.saturating_add(v3::TIME_WINDOW) < local_time))
        {
            return Err(DropReason::NotInTimeWindow);
        }
    }
    if level < usm.level {
        // Encrypted data is never below the level: level < AuthPriv means plaintext here.
        return match rest.pdu_type() {
            Ok(PduType::Report) => Ok(()),
            Ok(_) => Err(DropReason::WrongSecurity),
            Err(_) => Err(DropReason::Undecodable),
        };
    }
    Ok(())
}

/// An IPv4 agent may answer from the same address seen as IPv4-mapped IPv6; compare the
/// canonical forms.
fn same_endpoint(a: SocketAddr, b: SocketAddr) -> bool {
    a.port() == b.port() && a.ip().to_canonical() == b.ip().to_canonical()
}

fn is_transient(e: &io::Error) -> bool {
    // ENOBUFS is the kernel saying "not now", like WouldBlock.
    e.kind() == io::ErrorKind::WouldBlock || e.raw_os_error() == Some(libc::ENOBUFS)
}

impl Actor for Dispatcher {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        ctx.set_mailbox_capacity(usize::MAX >> 4);
        match Self::bind(self.binding.v4) {
            Ok(s) => {
                ctx.add_stream(UdpFramed::new(s.clone(), BytesCodec::new()));
                self.sock4 = Some(s);
            }
            Err(e) => {
                tracing::error!(bind = %self.binding.v4, error = %e, "cannot bind IPv4 socket")
            }
        }
        ctx.run_interval(SWEEP_INTERVAL, |act, ctx| act.sweep(ctx));
    }
}

impl StreamHandler<io::Result<(BytesMut, SocketAddr)>> for Dispatcher {
    fn handle(&mut self, item: io::Result<(BytesMut, SocketAddr)>, _ctx: &mut Context<Self>) {
        match item {
            Ok((buf, from)) => self.on_datagram(&buf, from),
            // ICMP port unreachable and the like surface here; the socket stays usable.
            Err(e) => tracing::debug!(error = %e, "receive error"),
        }
    }

    /// The default would stop the dispatcher: a socket stream ends only when the socket does.
    fn finished(&mut self, _ctx: &mut Context<Self>) {}
}

impl Handler<Submit> for Dispatcher {
    type Result = ();

    fn handle(&mut self, mut m: Submit, ctx: &mut Context<Self>) {
        let id = self.alloc_id();
        m.pdu.set_request_id(id);
        self.buf.clear();
        if let Some(usm) = &m.usm {
            let out = v3::Outgoing {
                msg_id: id,
                max_size: v3::MAX_MESSAGE_SIZE,
                flags: v3::Flags::of(usm.level, true),
                engine_id: &usm.engine_id,
                boots: usm.boots,
                time: usm.time,
                user_name: &usm.user_name,
                context_engine_id: &usm.context_engine_id,
                context_name: &usm.context_name,
                pdu: &m.pdu,
            };
            if let Err(e) = v3::seal(&out, &usm.keys, &mut self.salt, &mut self.buf) {
                m.reply_to.do_send(Inbound::Failed {
                    token: m.token,
                    error: SnmpError::V3(e),
                });
                return;
            }
        } else {
            let msg = Message {
                version: m.version,
                community: std::borrow::Cow::Borrowed(&m.community),
                pdu: m.pdu,
            };
            msg.encode(&mut self.buf);
        }
        let datagram = Bytes::copy_from_slice(&self.buf);
        self.total.sent += 1;
        self.total.in_flight += 1;
        let c = self.agent_counters(m.agent);
        c.sent += 1;
        c.in_flight += 1;
        self.next_stamp += 1;
        let stamp = self.next_stamp;
        let wait = m.policy.wait(0);
        // Sent before the request is recorded, so the datagram is moved (not shared) into it;
        // no answer can be handled before this handler returns.
        let sent = self.transmit(&datagram, m.agent, ctx);
        self.pending.insert(
            id,
            Pending {
                reply_to: m.reply_to,
                token: m.token,
                agent: m.agent,
                version: m.version,
                community: m.community,
                datagram,
                policy: m.policy,
                usm: m.usm.map(|u| (u, Instant::now())),
                transmissions: 1,
                stamp,
            },
        );
        self.by_token.insert(m.token, id);
        self.push_deadline(Instant::now(), wait, id, stamp);
        if let Err(e) = sent
            && let Some(p) = self.finish(id, Ended::Abandoned)
        {
            p.reply_to.do_send(Inbound::Failed {
                token: p.token,
                error: e.into(),
            });
        }
    }
}

impl Handler<Cancel> for Dispatcher {
    type Result = ();

    fn handle(&mut self, m: Cancel, _ctx: &mut Context<Self>) {
        if let Some(id) = self.by_token.get(&m.token).copied() {
            self.finish(id, Ended::Abandoned);
        }
    }
}

impl Handler<GetStats> for Dispatcher {
    type Result = MessageResult<GetStats>;

    fn handle(&mut self, _: GetStats, _ctx: &mut Context<Self>) -> Self::Result {
        MessageResult(DispatcherStats {
            total: self.total.clone(),
            per_agent: self
                .per_agent
                .iter()
                .map(|(a, c)| (*a, c.clone()))
                .collect(),
            backlog: self.backlog.len(),
        })
    }
}

impl Handler<Shutdown> for Dispatcher {
    type Result = ();

    fn handle(&mut self, _: Shutdown, ctx: &mut Context<Self>) {
        let ids: Vec<i32> = self.pending.keys().copied().collect();
        for id in ids {
            if let Some(p) = self.finish(id, Ended::Abandoned) {
                p.reply_to.do_send(Inbound::Failed {
                    token: p.token,
                    error: SnmpError::ShuttingDown,
                });
            }
        }
        self.backlog.clear();
        ctx.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_mapped_source_matches_its_ipv4_agent() {
        let a: SocketAddr = "127.0.0.1:161".parse().unwrap();
        let b: SocketAddr = "[::ffff:127.0.0.1]:161".parse().unwrap();
        assert!(same_endpoint(a, b));
        assert!(!same_endpoint(a, "127.0.0.1:162".parse().unwrap()));
        assert!(!same_endpoint(a, "127.0.0.2:161".parse().unwrap()));
    }

    /// Stands in for a session: takes [`Inbound`]s and drops them.
    struct NullSession;
    impl Actor for NullSession {
        type Context = Context<Self>;
    }
    impl Handler<Inbound> for NullSession {
        type Result = ();
        fn handle(&mut self, _: Inbound, _: &mut Context<Self>) {}
    }

    // See: issue 12 (this test never put an id in flight).
    #[test]
    fn request_ids_skip_those_in_flight_and_wrap() {
        System::new().block_on(async {
            let reply_to = NullSession.start().recipient();
            let mut d = Dispatcher::new(Binding::default());
            let pending = |token| Pending {
                reply_to: reply_to.clone(),
                token,
                agent: "127.0.0.1:161".parse().unwrap(),
                version: Version::V2c,
                community: Arc::from(&b"public"[..]),
                datagram: Bytes::new(),
                policy: RetryPolicy {
                    timeout: Duration::from_secs(1),
                    retries: 0,
                    backoff: crate::session::Backoff::Fixed,
                },
                usm: None,
                transmissions: 1,
                stamp: 0,
            };
            d.pending.insert(MAX_REQUEST_ID, pending(1));
            d.pending.insert(2, pending(2));
            d.next_id = MAX_REQUEST_ID;
            // MAX is in flight: skipped, and the ids wrap to 1; 2 is in flight: skipped.
            assert_eq!(d.alloc_id(), 1);
            assert_eq!(d.alloc_id(), 3);
            d.pending.remove(&MAX_REQUEST_ID);
            d.next_id = MAX_REQUEST_ID;
            assert_eq!(d.alloc_id(), MAX_REQUEST_ID);
            assert_eq!(d.alloc_id(), 1);
            assert!(d.recent.iter().all(|s| *s == 0));
        });
    }

    #[test]
    fn finished_ids_are_remembered_until_their_slot_is_reused_or_they_expire() {
        let mut d = Dispatcher::new(Binding::default());
        d.remember(7, Ended::Answered);
        d.remember(8, Ended::Abandoned);
        d.remember(MAX_REQUEST_ID, Ended::Answered);
        assert!(d.recent(7) == Some(Ended::Answered));
        assert!(d.recent(8) == Some(Ended::Abandoned));
        assert!(d.recent(MAX_REQUEST_ID) == Some(Ended::Answered));
        assert!(d.recent(9).is_none());
        // The id RECENT_SLOTS later takes over the slot.
        let later = 7 + i32::try_from(RECENT_SLOTS).unwrap();
        d.remember(later, Ended::Abandoned);
        assert!(d.recent(7).is_none());
        assert!(d.recent(later) == Some(Ended::Abandoned));
        // Remembered for RECENT_TTL_SECS, then forgotten.
        d.clock_secs += RECENT_TTL_SECS;
        assert!(d.recent(later) == Some(Ended::Abandoned));
        d.clock_secs += 1;
        assert!(d.recent(later).is_none());
    }

    /// An answer from the agent engine `ENGINE` to `submit`, sealed at `level` with `keys`.
    fn answer(
        submit: &UsmSubmit,
        level: SecurityLevel,
        keys: &UserKeys,
        pdu: &Pdu<'_>,
        boots: u32,
        time: u32,
    ) -> Vec<u8> {
        let out = v3::Outgoing {
            msg_id: 77,
            max_size: v3::MAX_MESSAGE_SIZE,
            flags: v3::Flags::of(level, false),
            engine_id: &submit.engine_id,
            boots,
            time,
            user_name: &submit.user_name,
            context_engine_id: &submit.engine_id,
            context_name: b"",
            pdu,
        };
        let mut buf = Vec::new();
        v3::seal(&out, keys, &mut v3::Salt::starting_at(1), &mut buf).unwrap();
        buf
    }

    /// The gate for an answer to a request sent at `sent_at`, received at `now`.
    fn gate_at(
        buf: &[u8],
        submit: &UsmSubmit,
        sent_at: Instant,
        now: Instant,
    ) -> Result<(), DropReason> {
        let (head, rest) = v3::Head::read(buf).unwrap();
        gate(buf, &head, rest, submit, sent_at, now)
    }

    /// The gate for an answer received as soon as the request was sent.
    fn gate_of(buf: &[u8], submit: &UsmSubmit, sent_at: Instant) -> Result<(), DropReason> {
        gate_at(buf, submit, sent_at, sent_at)
    }

    #[test]
    fn v3_gate_accepts_only_authentic_timely_answers_at_the_request_level() {
        use crate::pdu::GenericPdu;
        use crate::usm::{AuthProtocol, KeyCache, PrivProtocol, User};
        let engine = [0x80, 0, 0x1f, 0x88, 0x80, 9, 9, 9, 9];
        let user = User::new("alice")
            .with_auth(AuthProtocol::Sha256, "authpass1")
            .with_privacy(PrivProtocol::Aes128, "privpass1");
        let keys = user.keys(&engine, &mut KeyCache::new()).unwrap();
        let none = UserKeys {
            auth: None,
            privacy: None,
        };
        let submit = UsmSubmit {
            user_name: Arc::from(&b"alice"[..]),
            level: SecurityLevel::AuthPriv,
            keys: Arc::new(keys.clone()),
            engine_id: Arc::from(&engine[..]),
            boots: 5,
            time: 1000,
            context_engine_id: Arc::from(&engine[..]),
            context_name: Arc::from(&b""[..]),
        };
        let response = Pdu::Response(GenericPdu {
            request_id: 77,
            ..GenericPdu::default()
        });
        let report = Pdu::Report(GenericPdu {
            request_id: 77,
            varbinds: vec![crate::pdu::VarBind::null(
                "1.3.6.1.6.3.15.1.1.3.0".parse().unwrap(),
            )],
            ..GenericPdu::default()
        });
        let now = Instant::now();
        let priv_ = SecurityLevel::AuthPriv;
        // The genuine answer passes.
        let good = answer(&submit, priv_, &keys, &response, 5, 1000);
        assert_eq!(gate_of(&good, &submit, now), Ok(()));
        // A later boots, or a time within the window, passes too.
        assert_eq!(
            gate_of(
                &answer(&submit, priv_, &keys, &response, 5, 850),
                &submit,
                now
            ),
            Ok(())
        );
        // Replayed: an old time or older boots.
        for (boots, time) in [(5, 849), (4, 1000)] {
            let old = answer(&submit, priv_, &keys, &response, boots, time);
            assert_eq!(
                gate_of(&old, &submit, now),
                Err(DropReason::NotInTimeWindow)
            );
        }
        // The window moves with the time since the request was sent.
        // (Time is passed in, so no clock has to move back: see issue 12.)
        let t = answer(&submit, priv_, &keys, &response, 5, 940);
        let later = now + Duration::from_secs(100);
        assert_eq!(gate_of(&t, &submit, now), Ok(()));
        assert_eq!(
            gate_at(&t, &submit, now, later),
            Err(DropReason::NotInTimeWindow)
        );
        let t = answer(&submit, priv_, &keys, &response, 5, 1100);
        assert_eq!(gate_at(&t, &submit, now, later), Ok(()));
        // Forged: another key.
        let other = User::new("alice")
            .with_auth(AuthProtocol::Sha256, "guessed-pass")
            .with_privacy(PrivProtocol::Aes128, "privpass1")
            .keys(&engine, &mut KeyCache::new())
            .unwrap();
        let forged = answer(&submit, priv_, &other, &response, 5, 1000);
        assert_eq!(gate_of(&forged, &submit, now), Err(DropReason::WrongDigest));
        // A Response below the request's level is dropped, authenticated or not...
        let auth_only = answer(
            &submit,
            SecurityLevel::AuthNoPriv,
            &keys,
            &response,
            5,
            1000,
        );
        assert_eq!(
            gate_of(&auth_only, &submit, now),
            Err(DropReason::WrongSecurity)
        );
        let plain = answer(
            &submit,
            SecurityLevel::NoAuthNoPriv,
            &none,
            &response,
            5,
            1000,
        );
        assert_eq!(
            gate_of(&plain, &submit, now),
            Err(DropReason::WrongSecurity)
        );
        // ...but a Report below it passes (the session takes only its error).
        let plain_report = answer(&submit, SecurityLevel::NoAuthNoPriv, &none, &report, 0, 0);
        assert_eq!(gate_of(&plain_report, &submit, now), Ok(()));
        // Above the request's level: dropped.
        let mut low = UsmSubmit {
            level: SecurityLevel::AuthNoPriv,
            ..submit
        };
        assert_eq!(gate_of(&good, &low, now), Err(DropReason::WrongSecurity));
        // Another user, at the right level and key: dropped.
        low.level = SecurityLevel::AuthPriv;
        low.user_name = Arc::from(&b"mallory"[..]);
        assert_eq!(gate_of(&good, &low, now), Err(DropReason::WrongSecurity));
    }

    #[test]
    fn deadlines_queue_per_wait_in_time_order() {
        let mut d = Dispatcher::new(Binding::default());
        let t = Instant::now();
        let (long, short) = (Duration::from_millis(100), Duration::from_millis(50));
        d.push_deadline(t, long, 1, 1);
        d.push_deadline(t, short, 2, 2);
        d.push_deadline(t + Duration::from_millis(1), long, 3, 3);
        assert_eq!(d.deadlines.len(), 2);
        let ids = |q: &VecDeque<Deadline>| q.iter().map(|x| x.1).collect::<Vec<_>>();
        assert_eq!(
            (d.deadlines[0].0, ids(&d.deadlines[0].1)),
            (long, vec![1, 3])
        );
        assert_eq!((d.deadlines[1].0, ids(&d.deadlines[1].1)), (short, vec![2]));
    }
}
