//! UDP servers for simulated agents. [`spawn`] runs one agent and [`spawn_many`] any number of
//! agents (one UDP port each) on background threads, until the returned [`AgentsHandle`] is
//! stopped or dropped. [`spawn_addresses`] serves agents at many loopback addresses on one port
//! through one socket per thread (each agent is an address, as devices are): a fleet of
//! hundreds of thousands then needs neither a file per agent nor a system call per request.
//!
//! Layout, chosen by measurement (BENCHMARKS.md, "Peers", the agent's ceiling):
//! - [`ServerOptions::threads`] worker threads (one per core by default, never more than
//!   agents). Agent `i` belongs to thread `i % threads`, which alone reads and answers its socket,
//!   so the hot path never crosses threads; the per-agent `Mutex` is only ever contended by
//!   [`AgentsHandle::with_agent`].
//! - Each thread waits on one level-triggered `epoll` set holding its sockets and a shared stop
//!   socket. For each ready socket it reads up to [`ServerOptions::batch`] requests with one
//!   `recvmmsg(2)`, runs them through the agent's [`Responder`], and sends the answers with one
//!   `sendmmsg(2)`. Replies delayed on purpose wait in a per-thread timer heap; replies "from
//!   another port" go out of one extra socket per thread and address family.
//! - The stop signal is one byte written to a socket pair registered in every thread's `epoll`
//!   set (level-triggered, never read), so every thread wakes and returns.
//!
//! Why `libc` and `unsafe` here (BENCHMARKS.md, "Peers", agent ceiling; agent CPU per answer,
//! one thread, same machine and load generator):
//! - The previous server (one tokio task per socket, one thread) cost 1.9-2.0 µs per answer with
//!   1-100 agents and 5.6 µs with 4,000, and could not start 10,000 agents under a 20,000-file
//!   limit (it held two sockets per agent).
//! - This one costs 1.5 µs with 1-100 agents (2.2 µs with `--batch 1`: `recvmmsg`/`sendmmsg`
//!   batching saves a third) and 2.4-2.9 µs with 4,000-10,000 agents (one `epoll` set instead of
//!   a task and a waker per socket): about 650,000 answers/s per core with few agents and
//!   350,000 with 10,000, where the fastest manager measured here asks about 200,000/s.
//!
//! `std` and tokio have neither `recvmmsg`/`sendmmsg` nor a readiness set a plain thread can own.
//! Every `unsafe` block says why it is sound.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::io::{self, Write as _};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::net::UnixStream;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use self::batch::{Batch, send_from, socket_addr};
use super::Responder;

mod batch;

/// Default most requests read from one socket per wakeup.
pub const DEFAULT_BATCH: usize = 32;
/// Readiness events taken per `epoll_wait`.
const EVENTS: usize = 512;
/// Receive and send buffer asked for each agent socket (the kernel caps it at `rmem_max`).
/// Bursts of a few hundred requests to one agent fit without drops.
const SOCKET_BUFFER: usize = 1 << 20;
/// Most batches read from one socket in one wake-up when the thread rests between wake-ups
/// ([`ServerOptions::coalesce`]).
const DRAIN_ROUNDS: usize = 64;
/// The `epoll` token of the stop socket (agent sockets use their index in the thread).
const STOP_TOKEN: u64 = u64::MAX;
/// Open files a process needs besides one per agent: std streams, epoll sets, the stop pair,
/// the "other port" sockets, a few libraries'.
const SPARE_FILES: u64 = 64;

/// How the agents are served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerOptions {
    /// Worker threads; 0 means one per core. Never more than there are agents.
    pub threads: usize,
    /// Most requests read from one socket per wakeup (`recvmmsg`); 1 reads one at a time.
    pub batch: usize,
    /// How long a thread rests after each wake-up's work before it waits for more (zero: not
    /// at all). Requests that arrive meanwhile are answered together in the next wake-up, at
    /// most this much later: a big fleet polled sparsely (each agent a request every few
    /// seconds, so each wake-up found one request) costs its host a wake-up every `coalesce`
    /// instead of one per request.
    pub coalesce: Duration,
}

impl Default for ServerOptions {
    fn default() -> Self {
        Self {
            threads: 0,
            batch: DEFAULT_BATCH,
            coalesce: Duration::ZERO,
        }
    }
}

/// Running simulated agents. Dropping it stops them and joins their threads.
#[derive(Debug)]
pub struct AgentsHandle {
    /// Every agent's bound address, in the order given.
    addrs: Vec<SocketAddr>,
    /// Every agent's state, shared with the thread that serves it.
    responders: Vec<Arc<Mutex<Responder>>>,
    /// Writing one byte here stops every thread.
    stop: Option<UnixStream>,
    /// The worker threads.
    threads: Vec<JoinHandle<()>>,
}

/// One running simulated agent (the one-agent case of [`AgentsHandle`]).
pub type AgentHandle = AgentsHandle;

impl AgentsHandle {
    /// The first agent's address.
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addrs[0]
    }

    /// Every agent's address, in the order given.
    #[must_use]
    pub fn addrs(&self) -> &[SocketAddr] {
        &self.addrs
    }

    /// Number of worker threads serving the agents.
    #[must_use]
    pub fn threads(&self) -> usize {
        self.threads.len()
    }

    /// Runs `f` on the first agent's responder (to read counters or change data or faults).
    pub fn with<R>(&self, f: impl FnOnce(&mut Responder) -> R) -> R {
        self.with_agent(0, f)
    }

    /// Runs `f` on agent `i`'s responder.
    ///
    /// # Panics
    /// When `i` is not below the number of agents.
    pub fn with_agent<R>(&self, i: usize, f: impl FnOnce(&mut Responder) -> R) -> R {
        let mut r = self.responders[i]
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        f(&mut r)
    }

    /// Requests seen by all agents together so far.
    #[must_use]
    pub fn requests(&self) -> u64 {
        (0..self.responders.len())
            .map(|i| self.with_agent(i, |r| r.requests()))
            .sum()
    }

    /// Stops the agents and waits for their threads.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if let Some(mut s) = self.stop.take() {
            let _ = s.write_all(&[1]);
        }
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

impl Drop for AgentsHandle {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Serves `responder` on `bind` (e.g. `127.0.0.1:0`).
///
/// # Errors
/// When the socket cannot be bound.
pub fn spawn(bind: SocketAddr, responder: Responder) -> io::Result<AgentHandle> {
    spawn_many(vec![(bind, responder)])
}

/// Serves each responder on its own address, with the default [`ServerOptions`].
///
/// # Errors
/// As [`spawn_with`].
pub fn spawn_many(agents: Vec<(SocketAddr, Responder)>) -> io::Result<AgentsHandle> {
    spawn_with(agents, ServerOptions::default())
}

/// Serves each responder at its own IPv4 loopback address (`127.0.0.0/8`), all on one UDP
/// `port` (0: one the kernel picks), through one socket per thread bound to the wildcard
/// address and to the loopback device, so it only ever hears loopback traffic. Each request is
/// answered by the agent at the address it was sent to (`IP_PKTINFO`), from that address;
/// requests to any other address are dropped. Threads share the port (`SO_REUSEPORT`: the
/// kernel spreads the agents' traffic over them). A thread reads and answers up to
/// `options.batch` requests of any agents per system call.
///
/// # Errors
/// No agents, an address outside `127.0.0.0/8` or given twice, or a socket that cannot be made
/// or bound (the message names the port).
pub fn spawn_addresses(
    port: u16,
    agents: Vec<(Ipv4Addr, Responder)>,
    options: ServerOptions,
) -> io::Result<AgentsHandle> {
    let threads = thread_count(options.threads, agents.len())?;
    let mut addrs = Vec::with_capacity(agents.len());
    let mut responders = Vec::with_capacity(agents.len());
    let mut by_ip = HashMap::with_capacity(agents.len());
    for (ip, r) in agents {
        if !ip.is_loopback() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{ip} is not a loopback address (127.0.0.0/8)"),
            ));
        }
        let responder = Arc::new(Mutex::new(r));
        if by_ip.insert(ip, responder.clone()).is_some() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{ip} is given twice"),
            ));
        }
        responders.push(responder);
        addrs.push(ip);
    }
    let by_ip = Arc::new(by_ip);
    let mut port = port;
    let mut socks = Vec::with_capacity(threads);
    for _ in 0..threads {
        let sock = bind_addresses(port, threads > 1)?;
        port = sock.local_addr()?.port();
        socks.push(sock);
    }
    let addrs = addrs
        .into_iter()
        .map(|ip| SocketAddr::from((ip, port)))
        .collect();
    let (stop_tx, stop_rx) = UnixStream::pair()?;
    let stop_rx = Arc::new(stop_rx);
    let workers = socks
        .into_iter()
        .map(|sock| {
            let slot = Hosted {
                sock,
                agents: Agents::ByAddress(by_ip.clone()),
            };
            Worker::new(vec![slot], &stop_rx, options.batch.max(1), options.coalesce)
        })
        .collect::<io::Result<Vec<Worker>>>()?;
    start_workers(workers, &stop_rx, addrs, responders, stop_tx)
}

/// The socket of [`spawn_addresses`]: `0.0.0.0:port` on the loopback device, with the
/// destination of each request reported (`IP_PKTINFO`); shared by the threads when `shared`.
fn bind_addresses(port: u16, shared: bool) -> io::Result<UdpSocket> {
    use socket2::{Domain, Protocol, Socket, Type};
    let named =
        |e: io::Error| io::Error::new(e.kind(), format!("cannot bind port {port} on lo: {e}"));
    let s = Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::UDP))?;
    s.bind_device(Some(b"lo")).map_err(named)?;
    if shared {
        s.set_reuse_port(true)?;
    }
    crate::udp_batch::set_int_option(s.as_raw_fd(), libc::IPPROTO_IP, libc::IP_PKTINFO, 1)?;
    let _ = s.set_recv_buffer_size(SOCKET_BUFFER * 8);
    let _ = s.set_send_buffer_size(SOCKET_BUFFER * 8);
    s.set_nonblocking(true)?;
    s.bind(&SocketAddr::from((Ipv4Addr::UNSPECIFIED, port)).into())
        .map_err(named)?;
    Ok(s.into())
}

/// The serving threads for `agents` agents when `requested` are asked (0: one per core), never
/// more than the agents.
///
/// # Errors
/// When there are no agents.
fn thread_count(requested: usize, agents: usize) -> io::Result<usize> {
    if agents == 0 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "no agents to serve",
        ));
    }
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    Ok(match requested {
        0 => cores,
        n => n,
    }
    .min(agents))
}

/// Runs each worker on a thread of its own.
fn start_workers(
    workers: Vec<Worker>,
    stop_rx: &Arc<UnixStream>,
    addrs: Vec<SocketAddr>,
    responders: Vec<Arc<Mutex<Responder>>>,
    stop_tx: UnixStream,
) -> io::Result<AgentsHandle> {
    let mut handles = Vec::with_capacity(workers.len());
    for (n, w) in workers.into_iter().enumerate() {
        let stop = stop_rx.clone();
        let h = std::thread::Builder::new()
            .name(format!("agents-{n}"))
            .spawn(move || {
                // The stop socket must outlive the epoll registrations that point at it.
                let _stop = stop;
                w.run();
            })?;
        handles.push(h);
    }
    Ok(AgentsHandle {
        addrs,
        responders,
        stop: Some(stop_tx),
        threads: handles,
    })
}

/// Serves each responder on its own address, laid out as `options` says.
///
/// # Errors
/// When the open-files limit cannot be raised high enough (see [`ensure_open_files`]), a socket
/// cannot be bound (the message names its address), or a thread or `epoll` set cannot be made.
pub fn spawn_with(
    agents: Vec<(SocketAddr, Responder)>,
    options: ServerOptions,
) -> io::Result<AgentsHandle> {
    let threads = thread_count(options.threads, agents.len())?;
    ensure_open_files(agents.len() as u64 + SPARE_FILES)?;
    let batch = options.batch.max(1);

    let mut addrs = Vec::with_capacity(agents.len());
    let mut responders = Vec::with_capacity(agents.len());
    let mut shards: Vec<Vec<Hosted>> = (0..threads).map(|_| Vec::new()).collect();
    for (i, (bind, r)) in agents.into_iter().enumerate() {
        let sock = bind_agent(bind)?;
        addrs.push(sock.local_addr()?);
        let responder = Arc::new(Mutex::new(r));
        responders.push(responder.clone());
        shards[i % threads].push(Hosted {
            sock,
            agents: Agents::One(responder),
        });
    }
    let (stop_tx, stop_rx) = UnixStream::pair()?;
    let stop_rx = Arc::new(stop_rx);
    let workers = shards
        .into_iter()
        .map(|slots| Worker::new(slots, &stop_rx, batch, options.coalesce))
        .collect::<io::Result<Vec<Worker>>>()?;
    start_workers(workers, &stop_rx, addrs, responders, stop_tx)
}

/// Raises the soft open-files limit (`RLIMIT_NOFILE`) to the hard limit when it is below
/// `needed`; returns the soft limit now in force.
///
/// # Errors
/// When even the hard limit is below `needed` (the message says how many files are needed and
/// how to raise it), or the limit cannot be read or set.
pub fn ensure_open_files(needed: u64) -> io::Result<u64> {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit only writes into `lim`, a valid rlimit we own.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &raw mut lim) } != 0 {
        return Err(io::Error::last_os_error());
    }
    if lim.rlim_cur >= needed {
        return Ok(lim.rlim_cur);
    }
    if lim.rlim_max < needed {
        return Err(io::Error::other(format!(
            "{needed} open files are needed (one per agent plus {SPARE_FILES}), but the hard \
             limit is {}: raise it (`ulimit -Hn`, limits.conf or LimitNOFILE=) or serve fewer \
             agents per process",
            lim.rlim_max
        )));
    }
    let raised = libc::rlimit {
        rlim_cur: lim.rlim_max,
        rlim_max: lim.rlim_max,
    };
    // SAFETY: setrlimit only reads `raised`, a valid rlimit.
    if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raw const raised) } != 0 {
        let e = io::Error::last_os_error();
        return Err(io::Error::other(format!(
            "cannot raise the open-files limit from {} to {}: {e}",
            lim.rlim_cur, lim.rlim_max
        )));
    }
    tracing::debug!(
        from = lim.rlim_cur,
        to = lim.rlim_max,
        "raised the open-files limit"
    );
    Ok(lim.rlim_max)
}

fn bind_agent(bind: SocketAddr) -> io::Result<UdpSocket> {
    let s = UdpSocket::bind(bind).map_err(|e| {
        let hint = if e.raw_os_error() == Some(libc::EMFILE) {
            " (too many open files)"
        } else {
            ""
        };
        io::Error::new(e.kind(), format!("cannot bind {bind}: {e}{hint}"))
    })?;
    s.set_nonblocking(true)?;
    let r = socket2::SockRef::from(&s);
    let _ = r.set_recv_buffer_size(SOCKET_BUFFER);
    let _ = r.set_send_buffer_size(SOCKET_BUFFER);
    Ok(s)
}

/// A socket as its thread sees it, and who answers on it.
struct Hosted {
    sock: UdpSocket,
    agents: Agents,
}

/// Who answers the requests of a socket.
enum Agents {
    /// One agent, the socket's own.
    One(Arc<Mutex<Responder>>),
    /// The agent at each request's destination address ([`spawn_addresses`]).
    ByAddress(Arc<HashMap<Ipv4Addr, Arc<Mutex<Responder>>>>),
}

impl Agents {
    /// The agent a request sent to `dst` is for (`None`: no agent there).
    fn at(&self, dst: Option<Ipv4Addr>) -> Option<&Arc<Mutex<Responder>>> {
        match self {
            Self::One(r) => Some(r),
            Self::ByAddress(map) => dst.and_then(|ip| map.get(&ip)),
        }
    }

    /// The address answers must come from (the request's destination), when it is not the
    /// socket's own.
    fn source(&self, dst: Option<Ipv4Addr>) -> Option<Ipv4Addr> {
        match self {
            Self::One(_) => None,
            Self::ByAddress(_) => dst,
        }
    }
}

/// A reply held back by a `delay` fault.
struct Delayed {
    /// The socket's index in its thread.
    slot: usize,
    to: SocketAddr,
    /// The agent's address, when answers must name it ([`spawn_addresses`]).
    from: Option<Ipv4Addr>,
    datagrams: Vec<Vec<u8>>,
    other_port: bool,
}

/// One worker thread's state.
struct Worker {
    slots: Vec<Hosted>,
    /// The readiness set of `slots` and the stop socket.
    epoll: OwnedFd,
    /// Requests read per socket per wakeup (the [`Batch`] is made on the thread itself: its
    /// raw pointers are not `Send`).
    batch: usize,
    /// The rest after each wake-up's work ([`ServerOptions::coalesce`]).
    coalesce: Duration,
    /// Delayed replies by due time; `seq` keeps equal times in arrival order.
    timers: BinaryHeap<Reverse<(Instant, u64)>>,
    delayed: HashMap<u64, Delayed>,
    seq: u64,
    /// Sockets for replies "from another port", one per local address, bound on first use.
    others: HashMap<IpAddr, UdpSocket>,
}

impl Worker {
    fn new(
        slots: Vec<Hosted>,
        stop: &UnixStream,
        batch: usize,
        coalesce: Duration,
    ) -> io::Result<Self> {
        // SAFETY: epoll_create1 takes no pointers; the result is checked before use.
        let fd = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `fd` is a new descriptor that nothing else owns.
        let epoll = unsafe { OwnedFd::from_raw_fd(fd) };
        for (i, s) in slots.iter().enumerate() {
            epoll_add(&epoll, s.sock.as_raw_fd(), i as u64)?;
        }
        epoll_add(&epoll, stop.as_raw_fd(), STOP_TOKEN)?;
        Ok(Self {
            slots,
            epoll,
            batch,
            coalesce,
            timers: BinaryHeap::new(),
            delayed: HashMap::new(),
            seq: 0,
            others: HashMap::new(),
        })
    }

    fn run(mut self) {
        let mut batch = Batch::new(self.batch);
        let mut events = vec![libc::epoll_event { events: 0, u64: 0 }; EVENTS];
        loop {
            let timeout = self.timeout_ms();
            // SAFETY: `events` holds EVENTS initialised entries, which the kernel may overwrite.
            let n = unsafe {
                libc::epoll_wait(
                    self.epoll.as_raw_fd(),
                    events.as_mut_ptr(),
                    i32::try_from(events.len()).unwrap_or(i32::MAX),
                    timeout,
                )
            };
            if n < 0 {
                let e = io::Error::last_os_error();
                if e.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                tracing::error!(error = %e, "simulated agents: epoll_wait failed, thread stops");
                return;
            }
            for ev in &events[..usize::try_from(n).unwrap_or(0)] {
                let token = ev.u64;
                if token == STOP_TOKEN {
                    return;
                }
                if let Ok(i) = usize::try_from(token) {
                    // After a rest a socket may hold many batches: read on while they come
                    // full (bounded, so other sockets get their turn), or the rest would cap
                    // what a socket can serve at one batch per rest.
                    let mut rounds = if self.coalesce.is_zero() {
                        1
                    } else {
                        DRAIN_ROUNDS
                    };
                    while self.serve(&mut batch, i) == self.batch && rounds > 1 {
                        rounds -= 1;
                    }
                }
            }
            self.fire_due();
            if !self.coalesce.is_zero() {
                std::thread::sleep(self.coalesce);
            }
        }
    }

    /// Milliseconds until the next delayed reply is due (rounded up), or -1 for none.
    fn timeout_ms(&self) -> i32 {
        match self.timers.peek() {
            None => -1,
            Some(Reverse((at, _))) => {
                let left = at.saturating_duration_since(Instant::now());
                i32::try_from(left.as_micros().div_ceil(1000)).unwrap_or(i32::MAX)
            }
        }
    }

    /// Reads one batch from socket `i`, answers it, sends the answers; returns how many
    /// requests it read.
    fn serve(&mut self, batch: &mut Batch, i: usize) -> usize {
        let Some(slot) = self.slots.get(i) else {
            return 0;
        };
        let fd = slot.sock.as_raw_fd();
        let n = batch.receive(fd);
        let mut out = std::mem::take(&mut batch.out);
        let mut later = Vec::new();
        for k in 0..n {
            let Some((request, from, dst)) = batch.request(k) else {
                continue;
            };
            let Some(agent) = slot.agents.at(dst) else {
                continue; // sent to an address no agent has
            };
            let reply = agent
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .handle(request);
            if reply.datagrams.is_empty() {
                continue;
            }
            let source = slot.agents.source(dst);
            if !reply.delay.is_zero() || reply.other_port {
                let Some(to) = socket_addr(&from) else {
                    continue;
                };
                let d = Delayed {
                    slot: i,
                    to,
                    from: source,
                    datagrams: reply.datagrams,
                    other_port: reply.other_port,
                };
                later.push((d, reply.delay));
                continue;
            }
            for d in reply.datagrams {
                out.push((d, from, source));
            }
        }
        batch.send(fd, &out);
        out.clear();
        batch.out = out;
        for (d, delay) in later {
            if delay.is_zero() {
                self.send_now(&d);
            } else {
                self.hold(d, delay);
            }
        }
        n
    }

    fn hold(&mut self, d: Delayed, delay: Duration) {
        self.seq += 1;
        self.timers
            .push(Reverse((Instant::now() + delay, self.seq)));
        self.delayed.insert(self.seq, d);
    }

    fn fire_due(&mut self) {
        let now = Instant::now();
        while let Some(Reverse((at, seq))) = self.timers.peek().copied() {
            if at > now {
                break;
            }
            self.timers.pop();
            if let Some(d) = self.delayed.remove(&seq) {
                self.send_now(&d);
            }
        }
    }

    fn send_now(&mut self, d: &Delayed) {
        let Some(slot) = self.slots.get(d.slot) else {
            return;
        };
        let sock = if d.other_port {
            let ip = match d.from {
                Some(agent) => IpAddr::V4(agent),
                None => slot
                    .sock
                    .local_addr()
                    .map_or(IpAddr::V4(Ipv4Addr::LOCALHOST), |a| a.ip()),
            };
            match self.others.entry(ip) {
                std::collections::hash_map::Entry::Occupied(e) => &*e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    match UdpSocket::bind(SocketAddr::new(ip, 0)) {
                        Ok(s) => &*e.insert(s),
                        Err(err) => {
                            tracing::warn!(error = %err, "cannot bind the other-port socket");
                            return;
                        }
                    }
                }
            }
        } else if let Some(agent) = d.from {
            for datagram in &d.datagrams {
                // A full buffer drops the datagram, as a busy device would.
                let _ = send_from(&slot.sock, datagram, d.to, agent);
            }
            return;
        } else {
            &slot.sock
        };
        for datagram in &d.datagrams {
            // A full buffer drops the datagram, as a busy device would.
            let _ = sock.send_to(datagram, d.to);
        }
    }
}

fn epoll_add(epoll: &OwnedFd, fd: RawFd, token: u64) -> io::Result<()> {
    let mut ev = libc::epoll_event {
        events: libc::EPOLLIN as u32,
        u64: token,
    };
    // SAFETY: `ev` is a valid epoll_event the kernel only reads; both descriptors are open.
    if unsafe { libc::epoll_ctl(epoll.as_raw_fd(), libc::EPOLL_CTL_ADD, fd, &raw mut ev) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}
