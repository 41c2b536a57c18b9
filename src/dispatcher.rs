//! The dispatcher actor: owns the UDP socket(s), allocates request ids, retransmits and times
//! out requests, and matches each response to its request by request-id **and** source address
//! (and version and community). Everything else is dropped and counted by reason.
//!
//! The actor is a thin shell (STYLE.md §2b): sockets, the send backlog, encoding and one timer.
//! The decisions are pure modules with time passed in:
//! - `flight`: requests in flight, request-ids, deadlines, retransmissions, recently finished
//!   ids, counters (`poll(now) -> actions`);
//! - `gate`: which SNMPv3 answers a session may see;
//! - `stats`: the counters and drop reasons ([`DropReason`], [`Counters`], [`DispatcherStats`]).
//!
//! SNMPv3 requests ([`Security::Usm`]) are sealed here (msgID = request-id, one salt counter per
//! dispatcher) and their answers gated before a session sees them: the HMAC must verify, the
//! engine time must be inside the window of the request's snapshot, and an answer below the
//! request's security level is let through only when it is a Report (RFC 3412 §7.2, RFC 3414
//! §3.2). The session decrypts and decodes.
//!
//! One dispatcher serves many sessions (one per agent); the engine runs one dispatcher per
//! arbiter (thread), each with its own socket, so the hot path never crosses threads.
//!
//! Every request ends in exactly one word to its session through its [`ReplyTo`]: the answer,
//! a failure (timeout, send error, shutdown), nothing when the session cancelled it, or, when
//! the dispatcher's state is dropped with the request in it (the actor stopped or died),
//! [`crate::exchange::SnmpError::DispatcherGone`] from the `ReplyTo`'s drop.
//!
//! Timing: one timer per dispatcher (not one per request: an actor polls all its timers on
//! every wakeup), armed only while something is in flight, for the earliest deadline but never
//! sooner than [`TIMER_GRANULARITY`] after the last wake-up, and cancelled by the last answer:
//! an idle dispatcher never wakes, a busy one at most every few milliseconds.
//!
//! Sockets: the IPv4 one is bound at start, the IPv6 one for the first IPv6 agent. One that
//! cannot be bound fails each request at once with the bind error, and is tried again at most
//! every [`BIND_RETRY`] (a failed port-0 bind can scan every local port).
//!
//! Socket work is batched ([`crate::udp_batch`]): each readiness event of a socket reads every
//! ready datagram, up to [`RECV_BATCH`] per `recvmmsg`; the datagrams queued by one turn of the
//! mailbox (every `Submit` handled in it, every retransmission of a timer tick) leave in one
//! `sendmmsg` right after it. What the kernel will not take yet waits in that queue until the
//! socket is writable again, so a full socket buffer neither drops nor blocks.

mod flight;
mod gate;
mod stats;

use std::collections::VecDeque;
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix::prelude::*;
use bytes::Bytes;
use tokio::net::UdpSocket;

use self::flight::{Action, Ended, InFlight, MAX_REQUEST_ID, Pending};
pub use self::stats::{Counters, DispatcherStats, DropReason};
// The messages sessions send here and receive from here live below both, in `exchange`.
use crate::exchange::SnmpError;
pub use crate::exchange::{Cancel, Inbound, ReplyTo, Security, Submit, UsmSubmit};
use crate::pdu::{Message, PduType};
use crate::udp_batch::{RecvBatch, SendBatch};
use crate::v3;

/// The shortest time between two wake-ups of the dispatcher's timer: deadlines closer together
/// are handled in one wake-up (so a timeout may fire up to this much late).
pub const TIMER_GRANULARITY: Duration = Duration::from_millis(5);
/// Receive buffer asked of the kernel for each socket: room for the answers of a burst of
/// requests while the thread is busy (a poller step of 4,000 agents at 400,000 agents every
/// 10 s; 10,000 requests in flight). The kernel caps it at `net.core.rmem_max`, unless the
/// process may exceed that (`CAP_NET_ADMIN`: `SO_RCVBUFFORCE`, tried when the cap bit).
pub const RECV_BUFFER: usize = 16 << 20;
/// Send buffer asked of the kernel.
pub const SEND_BUFFER: usize = 4 << 20;
/// After a socket could not be bound, how long requests fail at once with that error before
/// binding is tried again (each attempt at a wildcard port-0 bind can scan every local port:
/// retried per request, it took a whole core).
pub const BIND_RETRY: Duration = Duration::from_secs(1);
/// Wait before retrying a send the kernel refused with ENOBUFS.
const ENOBUFS_RETRY: Duration = Duration::from_millis(2);
/// Most datagrams read by one `recvmmsg` (one readiness event of a socket; actix handles up to
/// 16 events of a stream in a row before it lets the actor's other work run).
pub const RECV_BATCH: usize = 32;
/// Before deadlines are handled, a socket is read for at most this many batches.
const DRAIN_BATCHES: usize = 64;
/// Largest datagram received whole (UDP's limit); a longer one could not be a UDP datagram.
const MAX_DATAGRAM: usize = 65_536;

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

/// Asks for a snapshot of the counters.
#[derive(Debug, Message)]
#[rtype(result = "DispatcherStats")]
pub struct GetStats;

/// Forgets the per-agent counters of `0` when nothing is in flight to it (its session was
/// evicted); answers whether they were forgotten.
#[derive(Debug, Message)]
#[rtype(result = "bool")]
pub struct ForgetAgent(pub SocketAddr);

/// Fails every request in flight with [`SnmpError::ShuttingDown`] and stops the dispatcher,
/// closing its sockets.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub struct Shutdown;

/// The dispatcher actor. Fields say why they exist.
pub struct Dispatcher {
    /// Local addresses to bind.
    binding: Binding,
    /// The IPv4 socket (bound at start).
    sock4: Option<Arc<UdpSocket>>,
    /// The IPv6 socket, created for the first IPv6 agent.
    sock6: Option<Arc<UdpSocket>>,
    /// The last failed bind of each family (IPv4, IPv6): when, and the error requests get
    /// until [`BIND_RETRY`] has passed.
    bind_failed: [Option<(Instant, io::Error)>; 2],
    /// Datagrams for the IPv4 socket not sent yet (this turn's, or what the kernel would not
    /// take yet), in order.
    out4: Outbox,
    /// The same for the IPv6 socket.
    out6: Outbox,
    /// A flush is scheduled (after this turn of the mailbox), or a writable-wait or ENOBUFS
    /// retry is armed: either way the queued datagrams will be sent without another call.
    flush_armed: bool,
    /// Buffers of `recvmmsg` (taken out while its datagrams are handled).
    rx: Option<RecvBatch>,
    /// The pure core: requests in flight, deadlines, recent ids, counters.
    flight: InFlight<ReplyTo>,
    /// When the timer is armed to fire, if it is (one timer at most).
    timer: Option<(Instant, SpawnHandle)>,
    /// What the last poll of `flight` asked for (kept to reuse its allocation).
    actions: Vec<Action<ReplyTo>>,
    /// Reusable encode buffer.
    buf: Vec<u8>,
    /// Privacy salts of the SNMPv3 requests this dispatcher seals.
    salt: v3::Salt,
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
            bind_failed: [None, None],
            out4: Outbox::default(),
            out6: Outbox::default(),
            flush_armed: false,
            rx: Some(RecvBatch::new(RECV_BATCH, MAX_DATAGRAM)),
            flight: InFlight::new(start, Instant::now()),
            timer: None,
            actions: Vec::new(),
            buf: Vec::with_capacity(1500),
            salt: v3::Salt::random(),
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
        if s.recv_buffer_size().is_ok_and(|got| got < RECV_BUFFER) {
            force_recv_buffer(&s, RECV_BUFFER);
        }
        let _ = s.set_send_buffer_size(SEND_BUFFER);
        s.set_nonblocking(true)?;
        s.bind(&addr.into())?;
        let std_sock: std::net::UdpSocket = s.into();
        Ok(Arc::new(UdpSocket::from_std(std_sock)?))
    }

    fn socket_for(&mut self, agent: SocketAddr, ctx: &mut Context<Self>) -> io::Result<&UdpSocket> {
        let (slot, bind, failed) = if agent.is_ipv4() {
            (&mut self.sock4, self.binding.v4, &mut self.bind_failed[0])
        } else {
            (&mut self.sock6, self.binding.v6, &mut self.bind_failed[1])
        };
        if slot.is_none() {
            if let Some((at, e)) = failed.as_ref()
                && at.elapsed() < BIND_RETRY
            {
                return Err(io::Error::new(e.kind(), e.to_string()));
            }
            match Self::bind(bind) {
                Ok(s) => {
                    *failed = None;
                    ctx.add_stream(readiness(s.clone()));
                    *slot = Some(s);
                }
                Err(e) => {
                    let e = bind_error(bind, &e);
                    tracing::error!(error = %e, "no socket: requests fail until a bind works");
                    let out = io::Error::new(e.kind(), e.to_string());
                    *failed = Some((Instant::now(), e));
                    return Err(out);
                }
            }
        }
        slot.as_deref().ok_or_else(|| io::Error::other("no socket"))
    }

    /// The local address of the IPv4 socket.
    #[must_use]
    pub fn local_v4(&self) -> Option<SocketAddr> {
        self.sock4.as_ref().and_then(|s| s.local_addr().ok())
    }

    /// Queues `data` for `to` (request `id`), to leave with this turn's other datagrams in
    /// one `sendmmsg`; an error (no socket for the address family) is returned for the caller
    /// to fail the request. A send error comes later and fails request `id` then.
    fn transmit(
        &mut self,
        id: i32,
        data: &[u8],
        to: SocketAddr,
        ctx: &mut Context<Self>,
    ) -> io::Result<()> {
        self.socket_for(to, ctx)?;
        let out = if to.is_ipv4() {
            &mut self.out4
        } else {
            &mut self.out6
        };
        out.batch.push(data, to);
        out.ids.push_back(id);
        if !self.flush_armed {
            // Runs once the mailbox has no more messages ready for now (actix polls spawned
            // futures after the mailbox), so every Submit of this turn shares the flush.
            self.flush_armed = true;
            ctx.spawn(fut::ready(()).map(|(), act: &mut Self, ctx| {
                act.flush_armed = false;
                act.flush(ctx);
            }));
        }
        Ok(())
    }

    /// Waits for a socket to be writable again (`delay` none) or for `delay` (ENOBUFS), then
    /// flushes.
    fn arm_flush(&mut self, ctx: &mut Context<Self>, delay: Option<Duration>) {
        if self.flush_armed {
            return;
        }
        self.flush_armed = true;
        if let Some(d) = delay {
            ctx.run_later(d, |act, ctx| {
                act.flush_armed = false;
                act.flush(ctx);
            });
            return;
        }
        let mut socks: Vec<Arc<UdpSocket>> = Vec::with_capacity(2);
        if !self.out4.batch.is_empty() {
            socks.extend(self.sock4.iter().cloned());
        }
        if !self.out6.batch.is_empty() {
            socks.extend(self.sock6.iter().cloned());
        }
        ctx.spawn(
            async move {
                for s in socks {
                    let _ = s.writable().await;
                }
            }
            .into_actor(self)
            .map(|(), act, ctx| {
                act.flush_armed = false;
                act.flush(ctx);
            }),
        );
    }

    /// Sends what is queued on both sockets, as far as the kernel takes it.
    fn flush(&mut self, ctx: &mut Context<Self>) {
        let mut wait = None;
        for v4 in [true, false] {
            let (sock, out) = if v4 {
                (self.sock4.clone(), &mut self.out4)
            } else {
                (self.sock6.clone(), &mut self.out6)
            };
            let Some(sock) = sock else {
                out.clear();
                continue;
            };
            let failed = out.send(&sock, &mut wait);
            for (id, e) in failed {
                // A hard error for this datagram: its request fails now.
                tracing::debug!(request_id = id, error = %e, "send failed");
                if let Some(p) = self.flight.finish(Instant::now(), id, Ended::Abandoned) {
                    p.reply_to.fail(e.into());
                }
            }
        }
        if let Some(delay) = wait {
            self.arm_flush(ctx, delay);
        }
    }

    /// Arms the timer for the earliest deadline in flight, unless it is armed already for that
    /// time or sooner; never sooner than [`TIMER_GRANULARITY`] from `now`. Nothing in flight:
    /// no timer.
    fn arm_timer(&mut self, now: Instant, ctx: &mut Context<Self>) {
        let Some(next) = self.flight.poll_timeout() else {
            return;
        };
        let at = next.max(now + TIMER_GRANULARITY);
        match self.timer {
            // Armed for a time close enough to `at`: deadlines are handled at most one
            // granularity late, and re-arming (a linear scan of the context's items) is rare.
            Some((armed, _)) if armed <= at + TIMER_GRANULARITY => return,
            Some((_, handle)) => {
                ctx.cancel_future(handle);
            }
            None => {}
        }
        let handle = ctx.run_later(at.saturating_duration_since(now), |act, ctx| {
            act.timer = None;
            act.on_timer(Instant::now(), ctx);
        });
        self.timer = Some((at, handle));
    }

    /// Cancels the timer once nothing is in flight (the last answer came): it would otherwise
    /// wake the thread a timeout later for nothing, once per burst of requests.
    fn disarm_when_idle(&mut self, ctx: &mut Context<Self>) {
        if self.flight.is_empty()
            && let Some((_, handle)) = self.timer.take()
        {
            ctx.cancel_future(handle);
        }
    }

    /// Reads up to [`RECV_BATCH`] datagrams from `sock` in one call and handles each; returns
    /// how many were read.
    fn read_batch(&mut self, sock: &UdpSocket) -> usize {
        let Some(mut rx) = self.rx.take() else {
            return 0;
        };
        let read = match rx.recv(sock) {
            Ok(n) => {
                for (i, (buf, from)) in rx.datagrams().enumerate() {
                    if rx.is_truncated(i) {
                        self.drop_datagram(DropReason::Undecodable, from);
                    } else {
                        self.on_datagram(buf, from);
                    }
                }
                n
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => 0,
            // ICMP port unreachable and the like surface here; the socket stays usable.
            Err(e) => {
                tracing::debug!(error = %e, "receive error");
                0
            }
        };
        self.rx = Some(rx);
        read
    }

    /// Reads what the sockets already hold (at most [`DRAIN_BATCHES`] batches each), so that
    /// an answer that came in time while the thread was busy counts as an answer, not as a
    /// timeout followed by a retransmission that adds to the load.
    fn read_waiting(&mut self) {
        for sock in [self.sock4.clone(), self.sock6.clone()]
            .into_iter()
            .flatten()
        {
            for _ in 0..DRAIN_BATCHES {
                if self.read_batch(&sock) < RECV_BATCH {
                    break;
                }
            }
        }
    }

    /// The timer fired: read the answers waiting in the sockets, then retransmit or fail what
    /// is due, then arm the timer for what remains.
    fn on_timer(&mut self, now: Instant, ctx: &mut Context<Self>) {
        self.read_waiting();
        let mut actions = std::mem::take(&mut self.actions);
        self.flight.poll(now, &mut actions);
        for action in actions.drain(..) {
            match action {
                Action::Retransmit {
                    id,
                    datagram,
                    agent,
                } => {
                    if let Err(e) = self.transmit(id, &datagram, agent, ctx)
                        && let Some(p) = self.flight.finish(now, id, Ended::Abandoned)
                    {
                        p.reply_to.fail(e.into());
                    }
                }
                Action::TimedOut(p) => p.reply_to.fail(SnmpError::Timeout {
                    retries: p.policy.retries,
                    agent: p.agent,
                }),
            }
        }
        self.actions = actions;
        self.arm_timer(now, ctx);
    }

    fn on_datagram(&mut self, buf: &[u8], from: SocketAddr) {
        let peek = match Message::peek(buf) {
            Err(crate::pdu::Error::Version3 { .. }) => return self.on_v3_datagram(buf, from),
            other => other,
        };
        let Ok(peek) = peek else {
            self.drop_datagram(DropReason::Undecodable, from);
            return;
        };
        if !matches!(peek.pdu_type, PduType::Response | PduType::Report) {
            self.drop_datagram(DropReason::NotResponse, from);
            return;
        }
        let Some(id) = peek.request_id else {
            self.drop_datagram(DropReason::NotResponse, from);
            return;
        };
        let now = Instant::now();
        let Ok(p) = self.flight.matching(now, id, from) else {
            return;
        };
        let allowed = matches!(&p.security, Security::Community { version, community }
            if *version == peek.version && **community == *peek.community);
        if !allowed {
            let agent = p.agent;
            self.flight
                .count_drop(DropReason::WrongCommunity, from, Some(agent));
            return;
        }
        self.deliver(now, id, buf);
    }

    /// A datagram dropped before it could be matched to a request.
    fn drop_datagram(&mut self, reason: DropReason, from: SocketAddr) {
        let agent = self.flight.known(from);
        self.flight.count_drop(reason, from, agent);
    }

    /// Ends request `id` as answered and hands its session the datagram.
    fn deliver(&mut self, now: Instant, id: i32, buf: &[u8]) {
        if let Some(p) = self.flight.finish(now, id, Ended::Answered) {
            p.reply_to.respond(Bytes::copy_from_slice(buf));
        }
    }

    /// An SNMPv3 datagram: matched by msgID (the request-id's value) and source, then gated
    /// by its security (see `gate`) before its session sees it.
    fn on_v3_datagram(&mut self, buf: &[u8], from: SocketAddr) {
        let Ok((head, rest)) = v3::Head::read(buf) else {
            self.drop_datagram(DropReason::Undecodable, from);
            return;
        };
        let id = head.msg_id;
        let now = Instant::now();
        let Ok(p) = self.flight.matching(now, id, from) else {
            return;
        };
        let agent = p.agent;
        let verdict = match &p.security {
            Security::Community { .. } => Err(DropReason::WrongCommunity),
            Security::Usm(usm) => gate::gate(buf, &head, rest, usm, p.sent_at, now),
        };
        if let Err(reason) = verdict {
            self.flight.count_drop(reason, from, Some(agent));
            return;
        }
        self.deliver(now, id, buf);
    }
}

/// Datagrams queued for one socket, and the request each belongs to (to fail it on a hard
/// send error).
#[derive(Default)]
struct Outbox {
    batch: SendBatch,
    /// The request-id of each queued datagram, in the same order.
    ids: VecDeque<i32>,
}

impl Outbox {
    fn clear(&mut self) {
        self.batch.clear();
        self.ids.clear();
    }

    /// Sends as much as the kernel takes. Returns the requests whose datagram met a hard error
    /// (dropped from the queue); sets `wait` when the rest must wait (`Some(None)`: until
    /// writable; `Some(Some(d))`: for `d`, after ENOBUFS).
    fn send(
        &mut self,
        sock: &UdpSocket,
        wait: &mut Option<Option<Duration>>,
    ) -> Vec<(i32, io::Error)> {
        let mut failed = Vec::new();
        while !self.batch.is_empty() {
            match self.batch.send(sock) {
                Ok(k) => {
                    self.ids.drain(..k.min(self.ids.len()));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    *wait = Some(None);
                    break;
                }
                Err(e) if is_transient(&e) => {
                    if wait.is_none() {
                        *wait = Some(Some(ENOBUFS_RETRY));
                    }
                    break;
                }
                Err(e) => {
                    self.batch.drop_front();
                    if let Some(id) = self.ids.pop_front() {
                        failed.push((id, e));
                    }
                }
            }
        }
        failed
    }
}

/// A bind failure that names the address and, for a port-0 bind refused as in use (every
/// local port is taken on some address, e.g. by many simulated agents on this host), the way out.
/// Asks for a receive buffer of `size` past `net.core.rmem_max` (`SO_RCVBUFFORCE`); without
/// `CAP_NET_ADMIN` the kernel refuses and the capped buffer stays (best effort, as the cap is).
fn force_recv_buffer(s: &socket2::Socket, size: usize) {
    use std::os::fd::AsRawFd;
    let Ok(size) = libc::c_int::try_from(size) else {
        return;
    };
    let forced = crate::udp_batch::set_int_option(
        s.as_raw_fd(),
        libc::SOL_SOCKET,
        libc::SO_RCVBUFFORCE,
        size,
    );
    if let Err(e) = forced {
        tracing::debug!(error = %e, "receive buffer capped at net.core.rmem_max");
    }
}

fn bind_error(addr: SocketAddr, e: &io::Error) -> io::Error {
    let hint =
        if e.kind() == io::ErrorKind::AddrInUse && addr.port() == 0 && addr.ip().is_unspecified() {
            " (no local port is free on every address: set `[engine] bind` to one address, e.g. \
         127.0.0.1:0)"
        } else {
            ""
        };
    io::Error::new(e.kind(), format!("cannot bind {addr}: {e}{hint}"))
}

fn is_transient(e: &io::Error) -> bool {
    // ENOBUFS is the kernel saying "not now", like WouldBlock.
    e.kind() == io::ErrorKind::WouldBlock || e.raw_os_error() == Some(libc::ENOBUFS)
}

impl Actor for Dispatcher {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        // No mailbox limit of its own: what waits here is bounded by the sessions, each of which
        // has at most `max_in_flight` requests submitted (and one discovery probe), so the
        // mailbox never holds more than the sum of their limits. Submits use `try_send`, which
        // a smaller limit would make fail at start-up, before this line has run.
        ctx.set_mailbox_capacity(usize::MAX >> 4);
        match Self::bind(self.binding.v4) {
            Ok(s) => {
                ctx.add_stream(readiness(s.clone()));
                self.sock4 = Some(s);
            }
            Err(e) => {
                let e = bind_error(self.binding.v4, &e);
                tracing::error!(error = %e, "cannot bind the IPv4 socket (tried again on use)");
                self.bind_failed[0] = Some((Instant::now(), e));
            }
        }
        // No timer yet: the first request in flight arms one (an idle dispatcher never wakes).
    }
}

/// One readiness event of a socket (see [`readiness`]).
struct Readable(io::Result<Arc<UdpSocket>>);

/// The socket's readiness events, as a stream the actor handles: one item each time the
/// socket may have datagrams (the handler's `WouldBlock` clears the readiness, so the stream
/// then waits for new ones).
fn readiness(sock: Arc<UdpSocket>) -> impl Stream<Item = Readable> {
    futures_util::stream::unfold(sock, |s| async move {
        let r = s.readable().await.map(|()| s.clone());
        Some((Readable(r), s))
    })
}

impl StreamHandler<Readable> for Dispatcher {
    /// Reads up to [`RECV_BATCH`] datagrams in one call and handles each.
    fn handle(&mut self, item: Readable, ctx: &mut Context<Self>) {
        let sock = match item.0 {
            Ok(s) => s,
            Err(e) => {
                tracing::debug!(error = %e, "socket readiness error");
                return;
            }
        };
        self.read_batch(&sock);
        self.disarm_when_idle(ctx);
    }

    /// The default would stop the dispatcher: a socket stream ends only when the socket does.
    fn finished(&mut self, _ctx: &mut Context<Self>) {}
}

impl Handler<Submit> for Dispatcher {
    type Result = ();

    fn handle(&mut self, mut m: Submit, ctx: &mut Context<Self>) {
        let id = self.flight.alloc_id();
        m.pdu.set_request_id(id);
        self.buf.clear();
        if let Security::Usm(usm) = &m.security {
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
                m.reply_to.fail(SnmpError::V3(e));
                return;
            }
        } else if let Security::Community { version, community } = &m.security {
            let msg = Message {
                version: *version,
                community: std::borrow::Cow::Borrowed(community),
                pdu: m.pdu,
            };
            msg.encode(&mut self.buf);
        }
        let datagram = Bytes::copy_from_slice(&self.buf);
        // Queued (copied into the send batch) before the request is recorded, so the datagram
        // is moved (not shared) into it; no answer can be handled before this handler returns.
        let sent = self.transmit(id, &datagram, m.agent, ctx);
        let now = Instant::now();
        self.flight.start(
            now,
            id,
            Pending {
                token: m.reply_to.token(),
                reply_to: m.reply_to,
                agent: m.agent,
                security: m.security,
                sent_at: now,
                datagram,
                policy: m.policy,
                transmissions: 0,
                stamp: 0,
            },
        );
        if let Err(e) = sent
            && let Some(p) = self.flight.finish(now, id, Ended::Abandoned)
        {
            p.reply_to.fail(e.into());
        }
        self.arm_timer(now, ctx);
    }
}

impl Handler<Cancel> for Dispatcher {
    type Result = ();

    fn handle(&mut self, m: Cancel, ctx: &mut Context<Self>) {
        if let Some(p) = self.flight.cancel(Instant::now(), m.token) {
            p.reply_to.discard();
        }
        self.disarm_when_idle(ctx);
    }
}

impl Handler<ForgetAgent> for Dispatcher {
    type Result = bool;

    fn handle(&mut self, m: ForgetAgent, _ctx: &mut Context<Self>) -> bool {
        self.flight.forget_agent(m.0)
    }
}

impl Handler<GetStats> for Dispatcher {
    type Result = MessageResult<GetStats>;

    fn handle(&mut self, _: GetStats, _ctx: &mut Context<Self>) -> Self::Result {
        MessageResult(DispatcherStats {
            backlog: self.out4.batch.len() + self.out6.batch.len(),
            ..self.flight.stats()
        })
    }
}

impl Handler<Shutdown> for Dispatcher {
    type Result = ();

    fn handle(&mut self, _: Shutdown, ctx: &mut Context<Self>) {
        for p in self.flight.abandon_all(Instant::now()) {
            p.reply_to.fail(SnmpError::ShuttingDown);
        }
        self.out4.clear();
        self.out6.clear();
        ctx.stop();
    }
}
