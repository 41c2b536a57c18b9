//! The agent's ceiling: a load generator that costs far less per request than any SNMP manager,
//! so that the simulated agents (`snmpact agent`, another process) run out of CPU first.
//!
//! One thread, one socket, `W` GETs in flight to the agents round-robin. Requests are one
//! pre-encoded GET of `sysUpTime.0` whose four request-id bytes are patched in place; answers
//! are matched by request id only (`Message::peek`). Datagrams go out and come in with
//! `sendmmsg`/`recvmmsg`, up to [`BATCH`] a call. A slot unanswered for [`RESEND`] is sent
//! again, so a lost datagram never stalls the loop.

use std::borrow::Cow;
use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

use snmpact::pdu::{GenericPdu, Message, Pdu, VarBind, Version};

use crate::common::{OID, proc_cpu};

/// Most datagrams per `recvmmsg`/`sendmmsg`.
const BATCH: usize = 64;
/// Largest answer read.
const MAX_DATAGRAM: usize = 2048;
/// A request unanswered this long is sent again.
const RESEND: Duration = Duration::from_millis(200);
/// Socket buffers asked for (capped by `rmem_max`).
const SOCKET_BUFFER: usize = 4 << 20;
/// Request ids have this bit set so they always take four octets; below it, 16 bits of the
/// slot's sequence number and 13 bits of the slot's index.
const ID_BASE: u32 = 0x4000_0000;
/// Bits of the slot index in a request id (so at most 8,192 requests in flight).
const SLOT_BITS: u32 = 13;
/// How long one `poll` waits before the loop checks the clock and the resend timers.
const POLL_MS: i32 = 5;

/// What one blast measured.
pub(crate) struct Blast {
    /// Answers per second in the window.
    pub(crate) rate: f64,
    /// The agent process's CPU in the window, in percent of one core.
    pub(crate) agent_cpu_pct: f64,
    /// The agent's CPU per answer, in µs.
    pub(crate) agent_us: f64,
    /// This generator's CPU per answer, in µs.
    pub(crate) own_us: f64,
}

/// Sends GETs to `agents` with `inflight` outstanding for `warmup + window`; counts the answers
/// that arrive in the window. `agent_pid` is the agents' process, for its CPU.
pub(crate) fn run(
    agents: &[SocketAddr],
    inflight: usize,
    warmup: Duration,
    window: Duration,
    agent_pid: u32,
) -> io::Result<Blast> {
    if inflight > 1 << SLOT_BITS {
        return Err(io::Error::other("at most 8,192 requests in flight"));
    }
    let sock = UdpSocket::bind("127.0.0.1:0")?;
    sock.set_nonblocking(true)?;
    let s2 = socket2::SockRef::from(&sock);
    let _ = s2.set_recv_buffer_size(SOCKET_BUFFER);
    let _ = s2.set_send_buffer_size(SOCKET_BUFFER);
    let (template, id_at) = template();
    let fd = sock.as_raw_fd();

    // Slot k: its request's agent index, and when it was last sent.
    let mut next_agent: Vec<usize> = (0..inflight).map(|k| k % agents.len()).collect();
    let mut sent_at: Vec<Instant> = vec![Instant::now(); inflight];
    let mut seq: Vec<u32> = vec![0; inflight];
    let mut io = Mmsg::new();
    let mut to_send: Vec<usize> = (0..inflight).collect();

    let start = Instant::now();
    let measure_from = start + warmup;
    let end = measure_from + window;
    let mut answered: u64 = 0;
    let (mut cpu0, mut agent0) = (Duration::ZERO, Duration::ZERO);
    let mut measuring = false;
    let mut last_scan = start;
    loop {
        let now = Instant::now();
        if !measuring && now >= measure_from {
            measuring = true;
            cpu0 = proc_cpu(std::process::id());
            agent0 = proc_cpu(agent_pid);
        }
        if now >= end {
            break;
        }
        // Send what is due.
        while !to_send.is_empty() {
            let chunk: Vec<usize> = to_send.drain(..to_send.len().min(BATCH)).collect();
            let now = Instant::now();
            for (i, &k) in chunk.iter().enumerate() {
                let slot = u32::try_from(k).unwrap_or_default();
                let id = ID_BASE | ((seq[k] & 0xffff) << SLOT_BITS) | slot;
                let buf = &mut io.out[i][..template.len()];
                buf.copy_from_slice(&template);
                buf[id_at..id_at + 4].copy_from_slice(&id.to_be_bytes());
                sent_at[k] = now;
                io.dest[i] = agents[next_agent[k]];
            }
            io.send(fd, chunk.len(), template.len());
        }
        // Take the answers; wait only when there are none.
        let mut got_any = false;
        loop {
            let n = io.receive(fd);
            if n == 0 {
                if !got_any {
                    let mut pfd = libc::pollfd {
                        fd,
                        events: libc::POLLIN,
                        revents: 0,
                    };
                    // SAFETY: `pfd` is one valid pollfd that the kernel may update.
                    unsafe { libc::poll(&raw mut pfd, 1, POLL_MS) };
                }
                break;
            }
            got_any = true;
            for i in 0..n {
                let Ok(p) = Message::peek(io.answer(i)) else {
                    continue;
                };
                let Some(id) = p.request_id.map(i32::cast_unsigned) else {
                    continue;
                };
                let k = usize::try_from(id & ((1 << SLOT_BITS) - 1)).unwrap_or(usize::MAX);
                if k >= inflight || (id >> SLOT_BITS) & 0xffff != seq[k] & 0xffff {
                    continue; // a late answer to a resent request
                }
                if measuring {
                    answered += 1;
                }
                seq[k] = seq[k].wrapping_add(1);
                next_agent[k] = (next_agent[k] + inflight) % agents.len();
                to_send.push(k);
            }
            if to_send.len() >= BATCH {
                break; // keep the pipeline full
            }
        }
        let now = Instant::now();
        if now.duration_since(last_scan) > RESEND {
            last_scan = now;
            let mut queued = vec![false; inflight];
            for &k in &to_send {
                queued[k] = true;
            }
            for k in 0..inflight {
                if !queued[k] && now.duration_since(sent_at[k]) > RESEND {
                    seq[k] = seq[k].wrapping_add(1);
                    to_send.push(k);
                }
            }
        }
    }
    let secs = window.as_secs_f64();
    let cpu = proc_cpu(std::process::id())
        .saturating_sub(cpu0)
        .as_secs_f64();
    let agent = proc_cpu(agent_pid).saturating_sub(agent0).as_secs_f64();
    let n = answered.max(1) as f64;
    Ok(Blast {
        rate: answered as f64 / secs,
        agent_cpu_pct: agent * 100.0 / secs,
        agent_us: agent * 1e6 / n,
        own_us: cpu * 1e6 / n,
    })
}

/// The GET every slot sends, and where its request id's 4 bytes are.
fn template() -> (Vec<u8>, usize) {
    let marker: i32 = 0x5a5a_5a5a;
    let bytes = Message {
        version: Version::V2c,
        community: Cow::Borrowed(b"public"),
        pdu: Pdu::GetRequest(GenericPdu {
            request_id: marker,
            varbinds: vec![VarBind::null(OID.parse().expect("OID"))],
            ..GenericPdu::default()
        }),
    }
    .to_bytes();
    let at = bytes
        .windows(6)
        .position(|w| w == [0x02, 0x04, 0x5a, 0x5a, 0x5a, 0x5a])
        .expect("request id in the template")
        + 2;
    (bytes, at)
}

/// Buffers of the generator's `sendmmsg`/`recvmmsg` calls. The headers' raw pointers are set
/// right before each call and never kept across calls.
struct Mmsg {
    out: Vec<[u8; MAX_DATAGRAM]>,
    dest: Vec<SocketAddr>,
    dest_raw: Vec<libc::sockaddr_in>,
    answers: Vec<[u8; MAX_DATAGRAM]>,
    lens: Vec<usize>,
    iov: Vec<libc::iovec>,
    hdr: Vec<libc::mmsghdr>,
}

impl Mmsg {
    fn new() -> Self {
        // SAFETY: sockaddr_in and mmsghdr are plain C structs; all-zero bytes are valid values.
        let (sin, hdr) = unsafe {
            (
                std::mem::zeroed::<libc::sockaddr_in>(),
                std::mem::zeroed::<libc::mmsghdr>(),
            )
        };
        let iov = libc::iovec {
            iov_base: std::ptr::null_mut(),
            iov_len: 0,
        };
        Self {
            out: vec![[0; MAX_DATAGRAM]; BATCH],
            dest: vec![SocketAddr::from(([127, 0, 0, 1], 0)); BATCH],
            dest_raw: vec![sin; BATCH],
            answers: vec![[0; MAX_DATAGRAM]; BATCH],
            lens: vec![0; BATCH],
            iov: vec![iov; BATCH],
            hdr: vec![hdr; BATCH],
        }
    }

    /// Sends `out[..n]` (each `len` bytes) to `dest[..n]` (IPv4 only).
    fn send(&mut self, fd: i32, n: usize, len: usize) {
        for i in 0..n {
            let SocketAddr::V4(a) = self.dest[i] else {
                continue;
            };
            self.dest_raw[i].sin_family = libc::sa_family_t::try_from(libc::AF_INET).unwrap_or(0);
            self.dest_raw[i].sin_port = a.port().to_be();
            self.dest_raw[i].sin_addr.s_addr = u32::from(*a.ip()).to_be();
            self.iov[i] = libc::iovec {
                iov_base: self.out[i].as_mut_ptr().cast(),
                iov_len: len,
            };
            let h = &mut self.hdr[i].msg_hdr;
            h.msg_name = (&raw mut self.dest_raw[i]).cast();
            h.msg_namelen = libc::socklen_t::try_from(size_of::<libc::sockaddr_in>()).unwrap_or(0);
            h.msg_iov = &raw mut self.iov[i];
            h.msg_iovlen = 1;
            h.msg_control = std::ptr::null_mut();
            h.msg_controllen = 0;
            h.msg_flags = 0;
        }
        let mut sent = 0;
        while sent < n {
            // SAFETY: headers `sent..n` point at buffers, iovecs and addresses in `self`,
            // alive and unchanged during the call.
            let r = unsafe {
                libc::sendmmsg(
                    fd,
                    self.hdr[sent..].as_mut_ptr(),
                    u32::try_from(n - sent).unwrap_or(u32::MAX),
                    0,
                )
            };
            match usize::try_from(r) {
                Ok(k) if k > 0 => sent += k,
                _ => break, // dropped: the resend timer brings them back
            }
        }
    }

    /// Reads up to [`BATCH`] answers without blocking; returns how many.
    fn receive(&mut self, fd: i32) -> usize {
        for i in 0..BATCH {
            self.iov[i] = libc::iovec {
                iov_base: self.answers[i].as_mut_ptr().cast(),
                iov_len: MAX_DATAGRAM,
            };
            let h = &mut self.hdr[i].msg_hdr;
            h.msg_name = std::ptr::null_mut();
            h.msg_namelen = 0;
            h.msg_iov = &raw mut self.iov[i];
            h.msg_iovlen = 1;
            h.msg_control = std::ptr::null_mut();
            h.msg_controllen = 0;
            h.msg_flags = 0;
        }
        // SAFETY: every header points at its own answer buffer and iovec in `self`.
        let n = unsafe {
            libc::recvmmsg(
                fd,
                self.hdr.as_mut_ptr(),
                u32::try_from(BATCH).unwrap_or(u32::MAX),
                libc::MSG_DONTWAIT,
                std::ptr::null_mut(),
            )
        };
        let n = usize::try_from(n).unwrap_or(0);
        for i in 0..n {
            self.lens[i] = (self.hdr[i].msg_len as usize).min(MAX_DATAGRAM);
        }
        n
    }

    fn answer(&self, i: usize) -> &[u8] {
        &self.answers[i][..self.lens[i]]
    }
}
