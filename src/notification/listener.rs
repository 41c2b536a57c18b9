//! [`Listener`]: the actor that owns a notification receiver's UDP socket(s), feeds every
//! datagram to the pure [`Receiver`], sends back what it says (inform Responses, Reports) and
//! hands each delivered [`Notification`] to every subscribed [`Recipient`].
//!
//! ```no_run
//! # async fn run(printer: actix::Recipient<snmpact::notification::Notification>) -> Result<(), Box<dyn std::error::Error>> {
//! use snmpact::notification::listener::{Listener, ListenerConfig, Subscribe};
//! let config = ListenerConfig::loopback(1162);
//! let listener = Listener::start(config)?;
//! listener.send(Subscribe(printer)).await.ok();
//! # Ok(()) }
//! ```
//!
//! Reading: each socket is a stream of [`Readable`] wakeups; at each, the actor reads what the
//! socket holds with `recvmmsg` ([`RecvBatch`], up to [`ListenerConfig::batch`] datagrams a
//! call and [`ROUNDS`] calls a wakeup, so other messages get their turn during a flood), and
//! decodes every datagram in place in the batch's buffers (no copy). The replies of a round
//! (inform Responses, Reports) go out together with `sendmmsg` ([`SendBatch`]). A datagram
//! that fails a check is dropped and counted, never an error of the stream; a reply that
//! cannot be sent is counted too (`send_errors`) and the socket keeps going. Subscribers that
//! have stopped are forgotten at the next round.
//!
//! Binding a port below 1024 (the standard 162) needs privileges: [`ListenError::Privileged`]
//! says so.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use actix::prelude::*;
use futures_util::stream::{self, Stream};
use socket2::{Domain, Protocol, Socket, Type};
use tokio::net::UdpSocket;

use super::{Counters, Notification, Receiver, ReceiverConfig};
use crate::udp_batch::{RecvBatch, SendBatch};
use crate::usm::UserError;

/// The standard notification port (RFC 3417 §3).
pub const STANDARD_PORT: u16 = 162;
/// Default most datagrams read per `recvmmsg` call.
pub const DEFAULT_BATCH: usize = 64;
/// Most `recvmmsg` calls per wakeup of one socket, before the actor's other messages.
pub const ROUNDS: usize = 8;
/// Largest datagram read; longer ones are truncated by the kernel (and fail to decode). The
/// batch's buffer holds this much per slot, but only the pages datagrams touch are used.
const MAX_DATAGRAM: usize = 65_535;
/// Receive buffer asked for each socket (the kernel caps it at `rmem_max`): bursts of
/// thousands of traps fit while the actor is busy.
const SOCKET_BUFFER: usize = 8 << 20;

/// Where and what a listener receives.
#[derive(Debug, Clone)]
pub struct ListenerConfig {
    /// Addresses to bind (UDP, IPv4 or IPv6; port 0 picks a free one).
    pub listen: Vec<SocketAddr>,
    /// What is accepted.
    pub receiver: ReceiverConfig,
    /// Most datagrams read per wakeup of one socket.
    pub batch: usize,
}

impl ListenerConfig {
    /// `127.0.0.1:PORT`, community `public`, nothing else.
    #[must_use]
    pub fn loopback(port: u16) -> Self {
        Self {
            listen: vec![SocketAddr::from(([127, 0, 0, 1], port))],
            receiver: ReceiverConfig::default(),
            batch: DEFAULT_BATCH,
        }
    }
}

/// Why a listener cannot start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ListenError {
    /// A port below 1024 without the privilege to bind it.
    #[error(
        "cannot listen on udp {addr}: ports below 1024 (the standard trap port is 162) need root or CAP_NET_BIND_SERVICE; use a port above 1023 such as 1162"
    )]
    Privileged {
        /// The address.
        addr: SocketAddr,
    },
    /// Any other bind failure.
    #[error("cannot listen on udp {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: io::Error,
    },
    /// No address to listen on.
    #[error("no address to listen on")]
    NoAddress,
    /// An SNMPv3 user cannot be used.
    #[error("{0}")]
    User(#[from] UserError),
}

impl ListenError {
    /// A short stable label.
    #[must_use]
    pub fn label(&self) -> &'static str {
        match self {
            Self::Privileged { .. } => "privileged_port",
            Self::Bind { .. } => "bind",
            Self::NoAddress => "no_address",
            Self::User(_) => "user",
        }
    }
}

/// Binds `addr` for receiving: non-blocking, large receive buffer, IPv6 sockets IPv6-only.
///
/// # Errors
/// [`ListenError::Privileged`] for a refused port below 1024, else [`ListenError::Bind`].
pub fn bind(addr: SocketAddr) -> Result<std::net::UdpSocket, ListenError> {
    let make = || -> io::Result<std::net::UdpSocket> {
        let s = Socket::new(Domain::for_address(addr), Type::DGRAM, Some(Protocol::UDP))?;
        if addr.is_ipv6() {
            s.set_only_v6(true)?;
        }
        let _ = s.set_recv_buffer_size(SOCKET_BUFFER);
        s.set_nonblocking(true)?;
        s.bind(&addr.into())?;
        Ok(s.into())
    };
    make().map_err(|source| {
        if source.kind() == io::ErrorKind::PermissionDenied && addr.port() < 1024 {
            ListenError::Privileged { addr }
        } else {
            ListenError::Bind { addr, source }
        }
    })
}

/// A socket has datagrams to read (its index in the listener).
#[derive(Debug)]
pub struct Readable(usize);

impl Message for Readable {
    type Result = ();
}

/// Subscribes a recipient to every notification delivered from now on; returns its id.
#[derive(Message)]
#[rtype(result = "u64")]
pub struct Subscribe(pub Recipient<Notification>);

/// Ends the subscription of this id.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub struct Unsubscribe(pub u64);

/// The listener's counters, and the per-socket send errors.
#[derive(Debug, Message)]
#[rtype(result = "ListenerStats")]
pub struct GetStats;

/// What [`GetStats`] returns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListenerStats {
    /// The receiver's counters.
    pub counters: Counters,
    /// Replies that could not be sent.
    pub send_errors: u64,
    /// The bound addresses.
    pub local: Vec<SocketAddr>,
    /// The receiver's engine id (informs), with SNMPv3 users.
    pub engine_id: Option<Vec<u8>>,
}

/// An actor forwarding every notification into a channel (the console's `traps`); it stops
/// when the channel's receiver is gone, and the listener forgets it then.
pub struct Forward(pub tokio::sync::mpsc::UnboundedSender<Notification>);

impl Actor for Forward {
    type Context = Context<Self>;
}

impl Handler<Notification> for Forward {
    type Result = ();
    fn handle(&mut self, n: Notification, ctx: &mut Context<Self>) {
        if self.0.send(n).is_err() {
            ctx.stop();
        }
    }
}

/// Ends a subscription when dropped.
pub struct Subscription {
    listener: Addr<Listener>,
    id: u64,
}

impl Subscription {
    /// The subscription `id` of `listener`.
    #[must_use]
    pub fn new(listener: Addr<Listener>, id: u64) -> Self {
        Self { listener, id }
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.listener.do_send(Unsubscribe(self.id));
    }
}

/// Stops the listener (its sockets close).
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub struct Shutdown;

/// The listener actor (see the module doc).
pub struct Listener {
    /// The sockets, shared with their read streams; replies go out of the one a request came in.
    sockets: Vec<Arc<UdpSocket>>,
    /// Their bound addresses (the transport string names the local one).
    local: Vec<SocketAddr>,
    /// The pure core.
    receiver: Receiver,
    /// Who gets notifications, by subscription id.
    subscribers: Vec<(u64, Recipient<Notification>)>,
    /// The next subscription id.
    next_id: u64,
    /// Replies that failed to go out.
    send_errors: u64,
    /// Sockets not yet attached (taken in `started`).
    pending: Vec<std::net::UdpSocket>,
    /// The buffers datagrams are read into, for every socket (one round at a time).
    recv: RecvBatch,
    /// The replies of a round.
    replies: SendBatch,
}

impl Listener {
    /// Binds every address of `config` and starts the actor on the current arbiter.
    ///
    /// # Errors
    /// A [`ListenError`] for an address that cannot be bound or a user that cannot be used.
    pub fn start(config: ListenerConfig) -> Result<Addr<Listener>, ListenError> {
        let listener = Self::new(config)?;
        Ok(Actor::start(listener))
    }

    /// Binds every address of `config`; the actor starts with [`Actor::start`]. Useful to
    /// read [`Listener::local_addrs`] first.
    ///
    /// # Errors
    /// As [`Listener::start`].
    pub fn new(config: ListenerConfig) -> Result<Self, ListenError> {
        if config.listen.is_empty() {
            return Err(ListenError::NoAddress);
        }
        let mut pending = Vec::new();
        let mut local = Vec::new();
        for addr in &config.listen {
            let s = bind(*addr)?;
            local.push(s.local_addr().map_err(|source| ListenError::Bind {
                addr: *addr,
                source,
            })?);
            pending.push(s);
        }
        let receiver = Receiver::new(&config.receiver, local[0].port())?;
        Ok(Self {
            sockets: Vec::new(),
            local,
            receiver,
            subscribers: Vec::new(),
            next_id: 1,
            send_errors: 0,
            pending,
            recv: RecvBatch::new(config.batch.max(1), MAX_DATAGRAM),
            replies: SendBatch::new(),
        })
    }

    /// The bound addresses, in the order of the configuration.
    #[must_use]
    pub fn local_addrs(&self) -> &[SocketAddr] {
        &self.local
    }

    /// The receiver's engine id (informs), with SNMPv3 users.
    #[must_use]
    pub fn engine_id(&self) -> Option<&[u8]> {
        self.receiver.engine_id()
    }

    fn deliver(&self, n: Notification) {
        if let Some(((_, last), rest)) = self.subscribers.split_last() {
            for (_, r) in rest {
                r.do_send(n.clone());
            }
            last.do_send(n);
        }
    }
}

impl Actor for Listener {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Context<Self>) {
        for (i, std_sock) in std::mem::take(&mut self.pending).into_iter().enumerate() {
            let sock = match UdpSocket::from_std(std_sock) {
                Ok(s) => Arc::new(s),
                Err(e) => {
                    tracing::error!(error = %e, "notification socket cannot join the runtime");
                    continue;
                }
            };
            self.sockets.push(sock.clone());
            ctx.add_stream(readiness(sock, i));
        }
        tracing::info!(addrs = ?self.local, "notification listener started");
    }
}

/// The readiness wakeups of one socket.
fn readiness(sock: Arc<UdpSocket>, socket: usize) -> impl Stream<Item = Readable> {
    stream::unfold(sock, move |sock| async move {
        sock.readable().await.ok()?;
        Some((Readable(socket), sock))
    })
}

impl StreamHandler<Readable> for Listener {
    fn handle(&mut self, Readable(i): Readable, _: &mut Context<Self>) {
        let Some(sock) = self.sockets.get(i).cloned() else {
            return;
        };
        let local = self.local[i];
        self.subscribers.retain(|(_, r)| r.connected());
        for _ in 0..ROUNDS {
            match self.recv.recv(&*sock) {
                Ok(_) => {}
                // Nothing left: tokio's readiness is cleared, the stream waits again.
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                // ICMP errors of earlier replies (ECONNREFUSED) and the like: read on.
                Err(_) => continue,
            }
            let now = Instant::now();
            let wall = SystemTime::now();
            for k in 0..self.recv.len() {
                let Some((datagram, from)) = self.recv.get(k) else {
                    continue;
                };
                let outcome = self.receiver.handle(datagram, from, local, now, wall);
                if let Some(reply) = outcome.reply {
                    self.replies.push(&reply, from);
                }
                if let Some(n) = outcome.notification {
                    self.deliver(n);
                }
            }
            self.send_replies(&sock);
            if self.recv.len() < self.recv.capacity() {
                break;
            }
        }
    }

    /// A socket's stream ended (it cannot fail otherwise): the others keep going.
    fn finished(&mut self, _: &mut Context<Self>) {}
}

impl Listener {
    /// Sends the replies of a round; those the kernel refuses are counted and dropped.
    fn send_replies(&mut self, sock: &UdpSocket) {
        while !self.replies.is_empty() {
            if !matches!(self.replies.send(sock), Ok(n) if n > 0) {
                // A full send buffer or an error for the first one: drop it, try the rest.
                self.send_errors += 1;
                self.replies.drop_front();
            }
        }
    }
}

impl Handler<Subscribe> for Listener {
    type Result = u64;
    fn handle(&mut self, s: Subscribe, _: &mut Context<Self>) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        self.subscribers.push((id, s.0));
        id
    }
}

impl Handler<Unsubscribe> for Listener {
    type Result = ();
    fn handle(&mut self, u: Unsubscribe, _: &mut Context<Self>) {
        self.subscribers.retain(|(id, _)| *id != u.0);
    }
}

impl Handler<GetStats> for Listener {
    type Result = MessageResult<GetStats>;
    fn handle(&mut self, _: GetStats, _: &mut Context<Self>) -> Self::Result {
        MessageResult(ListenerStats {
            counters: *self.receiver.counters(),
            send_errors: self.send_errors,
            local: self.local.clone(),
            engine_id: self.receiver.engine_id().map(<[u8]>::to_vec),
        })
    }
}

impl Handler<Shutdown> for Listener {
    type Result = ();
    fn handle(&mut self, _: Shutdown, ctx: &mut Context<Self>) {
        ctx.stop();
    }
}
