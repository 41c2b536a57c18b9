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
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6, UdpSocket};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::net::UnixStream;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::Responder;

/// Largest request read; a longer datagram is truncated by the kernel and dropped.
const MAX_REQUEST: usize = 65_535;
/// Default most requests read from one socket per wakeup.
pub const DEFAULT_BATCH: usize = 32;
/// Readiness events taken per `epoll_wait`.
const EVENTS: usize = 512;
/// Receive and send buffer asked for each agent socket (the kernel caps it at `rmem_max`).
/// Bursts of a few hundred requests to one agent fit without drops.
const SOCKET_BUFFER: usize = 1 << 20;
/// Most datagrams one request can produce (garbage first, then the answer twice).
const DATAGRAMS_PER_REQUEST: usize = 3;
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
    let on: libc::c_int = 1;
    // SAFETY: setsockopt only reads the `c_int` it is given, of the length given.
    let r = unsafe {
        libc::setsockopt(
            s.as_raw_fd(),
            libc::IPPROTO_IP,
            libc::IP_PKTINFO,
            (&raw const on).cast(),
            libc::socklen_t::try_from(size_of::<libc::c_int>()).unwrap_or(4),
        )
    };
    if r != 0 {
        return Err(io::Error::last_os_error());
    }
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

/// The size of a `sockaddr_storage` (128 bytes), as the kernel takes it.
const STORAGE_LEN: libc::socklen_t = {
    let n = size_of::<libc::sockaddr_storage>();
    assert!(n <= u32::MAX as usize);
    #[allow(clippy::cast_possible_truncation)] // checked just above, at compile time
    let len = n as libc::socklen_t;
    len
};

/// A peer address as the kernel gives it, for `sendmmsg`.
#[derive(Clone, Copy)]
struct Peer {
    addr: libc::sockaddr_storage,
    len: libc::socklen_t,
}

/// The Rust address of a peer (IPv4 or IPv6), `None` for any other family.
fn socket_addr(p: &Peer) -> Option<SocketAddr> {
    match i32::from(p.addr.ss_family) {
        libc::AF_INET => {
            // SAFETY: the kernel wrote a sockaddr_in (the family says so) at the start of a
            // sockaddr_storage, which is larger and at least as aligned.
            let a = unsafe { &*(&raw const p.addr).cast::<libc::sockaddr_in>() };
            Some(SocketAddr::V4(SocketAddrV4::new(
                Ipv4Addr::from(u32::from_be(a.sin_addr.s_addr)),
                u16::from_be(a.sin_port),
            )))
        }
        libc::AF_INET6 => {
            // SAFETY: as above, for sockaddr_in6.
            let a = unsafe { &*(&raw const p.addr).cast::<libc::sockaddr_in6>() };
            Some(SocketAddr::V6(SocketAddrV6::new(
                Ipv6Addr::from(a.sin6_addr.s6_addr),
                u16::from_be(a.sin6_port),
                a.sin6_flowinfo,
                a.sin6_scope_id,
            )))
        }
        _ => None,
    }
}

/// Room for the control messages of one datagram: an `IP_PKTINFO` (32 bytes with its header
/// on 64-bit Linux), aligned as a `cmsghdr`.
#[derive(Clone, Copy)]
#[repr(C, align(8))]
struct Control([u8; 64]);

/// An answer of the current round: the datagram, where it goes, and the address it must come
/// from when that is not the socket's own ([`spawn_addresses`]).
type Outgoing = (Vec<u8>, Peer, Option<Ipv4Addr>);

/// The destination address of a received datagram, from its `IP_PKTINFO` control message
/// (`None` on a socket that did not ask for it).
fn destination(h: &libc::msghdr) -> Option<Ipv4Addr> {
    // SAFETY: `h` is a header the kernel just filled: `msg_control` points at a `Control` of
    // `msg_controllen` bytes (clamped by the kernel to what it wrote), which the CMSG macros
    // walk without reading past; the payload of an IP_PKTINFO message is an `in_pktinfo`,
    // read unaligned.
    unsafe {
        let mut c = libc::CMSG_FIRSTHDR(h);
        while !c.is_null() {
            if (*c).cmsg_level == libc::IPPROTO_IP && (*c).cmsg_type == libc::IP_PKTINFO {
                let info = std::ptr::read_unaligned(libc::CMSG_DATA(c).cast::<libc::in_pktinfo>());
                return Some(Ipv4Addr::from(u32::from_be(info.ipi_addr.s_addr)));
            }
            c = libc::CMSG_NXTHDR(h, c);
        }
    }
    None
}

/// Writes into `buf` an `IP_PKTINFO` control message that makes `source` the source address of
/// a datagram; returns its length.
fn pktinfo(buf: &mut Control, source: Ipv4Addr) -> usize {
    let info = libc::in_pktinfo {
        ipi_ifindex: 0,
        ipi_spec_dst: libc::in_addr {
            s_addr: u32::from(source).to_be(),
        },
        ipi_addr: libc::in_addr { s_addr: 0 },
    };
    let payload = u32::try_from(size_of::<libc::in_pktinfo>()).unwrap_or(12);
    // SAFETY: CMSG_SPACE and CMSG_LEN are arithmetic; `buf` is aligned for a `cmsghdr` and
    // holds CMSG_SPACE(12) = 32 bytes and more, so the header and its payload fit; the payload
    // is written unaligned.
    unsafe {
        let space = libc::CMSG_SPACE(payload) as usize;
        debug_assert!(space <= size_of::<Control>());
        let c = (&raw mut buf.0).cast::<libc::cmsghdr>();
        (*c).cmsg_level = libc::IPPROTO_IP;
        (*c).cmsg_type = libc::IP_PKTINFO;
        (*c).cmsg_len = libc::CMSG_LEN(payload) as usize;
        std::ptr::write_unaligned(libc::CMSG_DATA(c).cast::<libc::in_pktinfo>(), info);
        space
    }
}

/// Sends one datagram from `sock` to `to` with `source` as its source address (a reply held
/// back by a fault, on a [`spawn_addresses`] socket).
fn send_from(
    sock: &UdpSocket,
    datagram: &[u8],
    to: SocketAddr,
    source: Ipv4Addr,
) -> io::Result<()> {
    let SocketAddr::V4(to) = to else {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "not IPv4"));
    };
    let mut control = Control([0; 64]);
    let control_len = pktinfo(&mut control, source);
    let mut name = libc::sockaddr_in {
        sin_family: libc::sa_family_t::try_from(libc::AF_INET).unwrap_or(2),
        sin_port: to.port().to_be(),
        sin_addr: libc::in_addr {
            s_addr: u32::from(*to.ip()).to_be(),
        },
        sin_zero: [0; 8],
    };
    let mut iov = libc::iovec {
        iov_base: datagram.as_ptr().cast_mut().cast(),
        iov_len: datagram.len(),
    };
    // SAFETY: an all-zero msghdr is a valid empty one; its fields are set below.
    let mut h = unsafe { std::mem::zeroed::<libc::msghdr>() };
    h.msg_name = (&raw mut name).cast();
    h.msg_namelen = libc::socklen_t::try_from(size_of::<libc::sockaddr_in>()).unwrap_or(16);
    h.msg_iov = &raw mut iov;
    h.msg_iovlen = 1;
    h.msg_control = (&raw mut control).cast();
    h.msg_controllen = control_len;
    // SAFETY: `h` points at `name`, `iov` (and through it `datagram`) and `control`, all alive
    // for the call; the kernel only reads them.
    if unsafe { libc::sendmsg(sock.as_raw_fd(), &raw const h, libc::MSG_DONTWAIT) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Buffers of one `recvmmsg`/`sendmmsg` round, reused for every socket of a thread. The
/// `mmsghdr`s hold raw pointers into the other fields, so they are filled right before each
/// call and never kept across calls.
struct Batch {
    size: usize,
    /// One request buffer per slot of the batch.
    requests: Vec<Box<[u8]>>,
    /// Source address of each request.
    peers: Vec<Peer>,
    /// Bytes received in each slot, and whether the kernel truncated it.
    lens: Vec<(usize, bool)>,
    /// The control messages of each request (the kernel fills them only on a socket that
    /// asked for `IP_PKTINFO`), and the destination address read from them.
    control_in: Vec<Control>,
    dst: Vec<Option<Ipv4Addr>>,
    iov_in: Vec<libc::iovec>,
    hdr_in: Vec<libc::mmsghdr>,
    iov_out: Vec<libc::iovec>,
    hdr_out: Vec<libc::mmsghdr>,
    /// The `IP_PKTINFO` naming the source of each answer that needs one.
    control_out: Vec<Control>,
    /// Answers of the current round (kept for its allocation).
    out: Vec<Outgoing>,
}

impl Batch {
    fn new(size: usize) -> Self {
        // SAFETY: sockaddr_storage and mmsghdr are plain C structs for which all-zero bytes
        // are a valid (empty) value.
        let (addr, hdr) = unsafe {
            (
                std::mem::zeroed::<libc::sockaddr_storage>(),
                std::mem::zeroed::<libc::mmsghdr>(),
            )
        };
        let iov = libc::iovec {
            iov_base: std::ptr::null_mut(),
            iov_len: 0,
        };
        let peer = Peer { addr, len: 0 };
        Self {
            size,
            requests: (0..size)
                .map(|_| vec![0u8; MAX_REQUEST].into_boxed_slice())
                .collect(),
            peers: vec![peer; size],
            lens: vec![(0, false); size],
            control_in: vec![Control([0; 64]); size],
            dst: vec![None; size],
            iov_in: vec![iov; size],
            hdr_in: vec![hdr; size],
            iov_out: vec![iov; size * DATAGRAMS_PER_REQUEST],
            hdr_out: vec![hdr; size * DATAGRAMS_PER_REQUEST],
            control_out: vec![Control([0; 64]); size * DATAGRAMS_PER_REQUEST],
            out: Vec::with_capacity(size * DATAGRAMS_PER_REQUEST),
        }
    }

    /// Reads up to `size` datagrams from `fd` without blocking; returns how many.
    fn receive(&mut self, fd: RawFd) -> usize {
        for i in 0..self.size {
            self.iov_in[i] = libc::iovec {
                iov_base: self.requests[i].as_mut_ptr().cast(),
                iov_len: MAX_REQUEST,
            };
            let h = &mut self.hdr_in[i];
            h.msg_len = 0;
            h.msg_hdr.msg_name = (&raw mut self.peers[i].addr).cast();
            h.msg_hdr.msg_namelen = STORAGE_LEN;
            h.msg_hdr.msg_iov = &raw mut self.iov_in[i];
            h.msg_hdr.msg_iovlen = 1;
            h.msg_hdr.msg_control = (&raw mut self.control_in[i]).cast();
            h.msg_hdr.msg_controllen = size_of::<Control>();
            h.msg_hdr.msg_flags = 0;
        }
        let count = u32::try_from(self.size).unwrap_or(u32::MAX);
        // SAFETY: each of the `size` headers points at its own request buffer (MAX_REQUEST
        // bytes), iovec, address slot and control buffer, all owned by `self` and untouched
        // during the call.
        let n = unsafe {
            libc::recvmmsg(
                fd,
                self.hdr_in.as_mut_ptr(),
                count,
                libc::MSG_DONTWAIT,
                std::ptr::null_mut(),
            )
        };
        // EAGAIN (nothing after all) or an error: nothing to answer this round.
        let n = usize::try_from(n).unwrap_or(0);
        for i in 0..n {
            let h = &self.hdr_in[i];
            self.peers[i].len = h.msg_hdr.msg_namelen;
            self.lens[i] = (
                (h.msg_len as usize).min(MAX_REQUEST),
                h.msg_hdr.msg_flags & libc::MSG_TRUNC != 0,
            );
            self.dst[i] = destination(&h.msg_hdr);
        }
        n
    }

    /// Request `k` of the last [`Batch::receive`], its source, and the address it was sent to
    /// (on an `IP_PKTINFO` socket); `None` when truncated.
    fn request(&self, k: usize) -> Option<(&[u8], Peer, Option<Ipv4Addr>)> {
        let (len, truncated) = self.lens[k];
        if truncated {
            tracing::debug!("simulated agent: dropped a request longer than {MAX_REQUEST} bytes");
            return None;
        }
        Some((&self.requests[k][..len], self.peers[k], self.dst[k]))
    }

    /// Sends `out` from `fd`, as many per call as the kernel takes. A full send buffer drops
    /// the rest (the manager retries, as with a busy device).
    fn send(&mut self, fd: RawFd, out: &[Outgoing]) {
        let out = &out[..out.len().min(self.hdr_out.len())];
        for (i, (d, peer, source)) in out.iter().enumerate() {
            self.iov_out[i] = libc::iovec {
                iov_base: d.as_ptr().cast_mut().cast(),
                iov_len: d.len(),
            };
            let (control, control_len) = match source {
                Some(ip) => {
                    let len = pktinfo(&mut self.control_out[i], *ip);
                    ((&raw mut self.control_out[i]).cast(), len)
                }
                None => (std::ptr::null_mut(), 0),
            };
            let h = &mut self.hdr_out[i];
            h.msg_len = 0;
            h.msg_hdr.msg_name = (&raw const peer.addr).cast_mut().cast();
            h.msg_hdr.msg_namelen = peer.len;
            h.msg_hdr.msg_iov = &raw mut self.iov_out[i];
            h.msg_hdr.msg_iovlen = 1;
            h.msg_hdr.msg_control = control;
            h.msg_hdr.msg_controllen = control_len;
            h.msg_hdr.msg_flags = 0;
        }
        let mut sent = 0;
        while sent < out.len() {
            let count = u32::try_from(out.len() - sent).unwrap_or(u32::MAX);
            // SAFETY: headers `sent..out.len()` point at the datagrams and peer addresses in
            // `out` (alive and unchanged during the call) and at iovecs and control buffers in
            // `self`; the kernel only reads them.
            let r = unsafe {
                libc::sendmmsg(
                    fd,
                    self.hdr_out[sent..].as_mut_ptr(),
                    count,
                    libc::MSG_DONTWAIT,
                )
            };
            match usize::try_from(r) {
                Ok(k) if k > 0 => sent += k,
                _ => break,
            }
        }
    }
}
