//! The engine benchmark's SNMP responder: a separate process (the bench binary started again with
//! `--responder PORTS`) that answers every SNMPv1/v2c GetRequest on `PORTS` loopback UDP ports
//! with a Response carrying one fixed value per varbind. Anything else is dropped.
//!
//! It is written so it is never the bottleneck: one thread, level-triggered `epoll` over all
//! sockets, and per ready socket one `recvmmsg` of up to [`BATCH`] requests and one `sendmmsg` of
//! the answers. A request is not decoded into a message: [`answer`] walks its TLV headers and
//! copies version, community, request-id, error fields and OIDs into the response, writing the
//! lengths front to back (RFC 3416 §4.2.1 asks nothing more of a GET answer).
//!
//! Protocol with the parent: it prints `ports P1 P2 ...` on one stdout line once every socket is
//! bound, then serves until its stdin reaches end of file (the parent closed it or died) or it is
//! killed by pid. Loopback only: every socket binds `127.0.0.1:0`.

use std::io::{self, BufWriter, Read, Write};
use std::net::UdpSocket;
use std::os::fd::AsRawFd;

/// Most datagrams read (and answered) per socket per wakeup.
const BATCH: usize = 32;
/// Largest request read; larger ones are truncated by the kernel and then fail to parse.
const MAX_DATAGRAM: usize = 1500;
/// Readiness events taken per `epoll_wait`.
const EVENTS: usize = 256;
/// The same, as the C type.
const EVENTS_C: i32 = 256;
/// [`BATCH`] as the C type.
const BATCH_C: u32 = 32;
/// Size of an IPv4 socket address, as the C type.
const SOCKADDR_IN_LEN: libc::socklen_t = 16;
/// Receive and send buffer asked for each socket (the kernel caps it at `rmem_max`).
const SOCKET_BUFFER: usize = 4 << 20;
/// The epoll token of stdin (sockets use their index).
const STDIN_TOKEN: u64 = u64::MAX;
/// Most varbinds answered in one GET; a larger request is dropped.
const MAX_VARBINDS: usize = 64;

/// The value every varbind gets: Counter32 305419896 (an `ifInOctets`-like counter).
pub(crate) const VALUE: &[u8] = &[0x41, 0x04, 0x12, 0x34, 0x56, 0x78];
/// The same value as the manager decodes it.
pub(crate) const VALUE_U32: u32 = 0x1234_5678;

/// Serves `ports` sockets until stdin closes.
///
/// # Errors
/// When a socket cannot be created or bound, or `epoll` fails.
pub(crate) fn run(ports: usize) -> io::Result<()> {
    raise_fd_limit(ports + 64);
    let socks = (0..ports)
        .map(|_| bind())
        .collect::<io::Result<Vec<UdpSocket>>>()?;
    // SAFETY: epoll_create1 takes no pointers; the result is checked below.
    let ep = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
    if ep < 0 {
        return Err(io::Error::last_os_error());
    }
    let fds: Vec<i32> = socks.iter().map(AsRawFd::as_raw_fd).collect();
    for (i, fd) in fds.iter().enumerate() {
        epoll_add(ep, *fd, i as u64)?;
    }
    epoll_add(ep, 0, STDIN_TOKEN)?;
    {
        let mut out = BufWriter::new(io::stdout().lock());
        write!(out, "ports")?;
        for s in &socks {
            write!(out, " {}", s.local_addr()?.port())?;
        }
        writeln!(out)?;
        out.flush()?;
    }
    let mut batch = Batch::new();
    const { assert!(EVENTS_C as usize == EVENTS && BATCH_C as usize == BATCH) };
    const { assert!(SOCKADDR_IN_LEN as usize == size_of::<libc::sockaddr_in>()) };
    let mut events = vec![libc::epoll_event { events: 0, u64: 0 }; EVENTS];
    loop {
        // SAFETY: `events` holds EVENTS initialised entries the kernel may overwrite.
        let n = unsafe { libc::epoll_wait(ep, events.as_mut_ptr(), EVENTS_C, -1) };
        if n < 0 {
            let e = io::Error::last_os_error();
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        for ev in &events[..usize::try_from(n).unwrap_or(0)] {
            let token = ev.u64;
            if token == STDIN_TOKEN {
                let mut b = [0u8; 64];
                match io::stdin().read(&mut b) {
                    Ok(0) | Err(_) => return Ok(()),
                    Ok(_) => continue,
                }
            }
            if let Some(fd) = usize::try_from(token).ok().and_then(|i| fds.get(i)) {
                batch.serve(*fd);
            }
        }
    }
}

fn bind() -> io::Result<UdpSocket> {
    let s = UdpSocket::bind("127.0.0.1:0")?;
    s.set_nonblocking(true)?;
    let s2 = socket2::SockRef::from(&s);
    let _ = s2.set_recv_buffer_size(SOCKET_BUFFER);
    let _ = s2.set_send_buffer_size(SOCKET_BUFFER);
    Ok(s)
}

/// Raises the soft open-file limit to `want` (or the hard limit) so 10,000 sockets fit.
fn raise_fd_limit(want: usize) {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes only into `lim`, a valid rlimit.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &raw mut lim) } != 0 {
        return;
    }
    let want = libc::rlim_t::try_from(want).unwrap_or(libc::rlim_t::MAX);
    if lim.rlim_cur < want {
        lim.rlim_cur = want.min(lim.rlim_max);
        // SAFETY: setrlimit reads only `lim`, a valid rlimit.
        let _ = unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raw const lim) };
    }
}

fn epoll_add(ep: i32, fd: i32, token: u64) -> io::Result<()> {
    let mut ev = libc::epoll_event {
        events: libc::EPOLLIN as u32,
        u64: token,
    };
    // SAFETY: `ev` is a valid epoll_event that the kernel only reads.
    if unsafe { libc::epoll_ctl(ep, libc::EPOLL_CTL_ADD, fd, &raw mut ev) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Buffers of one `recvmmsg`/`sendmmsg` round, reused for every socket.
struct Batch {
    requests: Vec<[u8; MAX_DATAGRAM]>,
    responses: Vec<[u8; MAX_DATAGRAM]>,
    /// Source address of each request, and so destination of its answer.
    peers: Vec<libc::sockaddr_in>,
    iov_in: Vec<libc::iovec>,
    iov_out: Vec<libc::iovec>,
    hdr_in: Vec<libc::mmsghdr>,
    hdr_out: Vec<libc::mmsghdr>,
}

impl Batch {
    fn new() -> Self {
        // SAFETY: sockaddr_in and mmsghdr are plain C structs for which all-zero bytes are a
        // valid (empty) value.
        let (peer, hdr) = unsafe {
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
            requests: vec![[0; MAX_DATAGRAM]; BATCH],
            responses: vec![[0; MAX_DATAGRAM]; BATCH],
            peers: vec![peer; BATCH],
            iov_in: vec![iov; BATCH],
            iov_out: vec![iov; BATCH],
            hdr_in: vec![hdr; BATCH],
            hdr_out: vec![hdr; BATCH],
        }
    }

    /// Reads what `fd` has (up to [`BATCH`]), answers the GETs, sends the answers.
    fn serve(&mut self, fd: i32) {
        for i in 0..BATCH {
            self.iov_in[i] = libc::iovec {
                iov_base: self.requests[i].as_mut_ptr().cast(),
                iov_len: MAX_DATAGRAM,
            };
            let h = &mut self.hdr_in[i].msg_hdr;
            h.msg_name = (&raw mut self.peers[i]).cast();
            h.msg_namelen = SOCKADDR_IN_LEN;
            h.msg_iov = &raw mut self.iov_in[i];
            h.msg_iovlen = 1;
            h.msg_control = std::ptr::null_mut();
            h.msg_controllen = 0;
            h.msg_flags = 0;
            self.hdr_in[i].msg_len = 0;
        }
        // SAFETY: every header points at its own buffer, iovec and address slot, all living in
        // `self` for the duration of the call; BATCH is the length of each array.
        let n = unsafe {
            libc::recvmmsg(
                fd,
                self.hdr_in.as_mut_ptr(),
                BATCH_C,
                libc::MSG_DONTWAIT,
                std::ptr::null_mut(),
            )
        };
        let Ok(n) = usize::try_from(n) else {
            return; // EAGAIN (another wakeup took it) or an ICMP error: nothing to answer
        };
        let mut out = 0;
        for i in 0..n {
            let len = (self.hdr_in[i].msg_len as usize).min(MAX_DATAGRAM);
            let Some(rlen) = answer(&self.requests[i][..len], &mut self.responses[out]) else {
                continue;
            };
            self.iov_out[out] = libc::iovec {
                iov_base: self.responses[out].as_mut_ptr().cast(),
                iov_len: rlen,
            };
            let h = &mut self.hdr_out[out].msg_hdr;
            h.msg_name = (&raw mut self.peers[i]).cast();
            h.msg_namelen = self.hdr_in[i].msg_hdr.msg_namelen;
            h.msg_iov = &raw mut self.iov_out[out];
            h.msg_iovlen = 1;
            h.msg_control = std::ptr::null_mut();
            h.msg_controllen = 0;
            h.msg_flags = 0;
            out += 1;
        }
        let mut sent = 0;
        while sent < out {
            // SAFETY: headers `sent..out` point at filled response buffers, their iovecs and the
            // peers' addresses, all in `self`; `out - sent` entries are valid.
            let r = unsafe {
                libc::sendmmsg(
                    fd,
                    self.hdr_out[sent..].as_mut_ptr(),
                    u32::try_from(out - sent).unwrap_or(0),
                    libc::MSG_DONTWAIT,
                )
            };
            match usize::try_from(r) {
                Ok(k) if k > 0 => sent += k,
                // A full send buffer or an error: drop the rest, the manager retransmits.
                _ => break,
            }
        }
    }
}

/// One BER TLV header at the start of `buf`: (tag, header length, content length). Single-byte
/// tags, short and long definite lengths (up to 4 length octets); `None` for anything else or a
/// TLV longer than `buf`.
fn tlv(buf: &[u8]) -> Option<(u8, usize, usize)> {
    let tag = *buf.first()?;
    let first = *buf.get(1)?;
    let (hlen, clen) = if first < 0x80 {
        (2, usize::from(first))
    } else {
        let k = usize::from(first & 0x7f);
        if k == 0 || k > 4 {
            return None;
        }
        let bytes = buf.get(2..2 + k)?;
        (
            2 + k,
            bytes.iter().fold(0usize, |a, b| (a << 8) | usize::from(*b)),
        )
    };
    (hlen + clen <= buf.len()).then_some((tag, hlen, clen))
}

/// Splits the TLV with tag `want` off the front of `buf`: (whole TLV, its content, the rest).
fn take(buf: &[u8], want: u8) -> Option<(&[u8], &[u8], &[u8])> {
    let (tag, h, l) = tlv(buf)?;
    (tag == want).then(|| (&buf[..h + l], &buf[h..h + l], &buf[h + l..]))
}

fn len_of_len(n: usize) -> usize {
    match n {
        0..=0x7f => 1,
        0x80..=0xff => 2,
        0x100..=0xffff => 3,
        _ => 4,
    }
}

fn tlv_len(content: usize) -> usize {
    1 + len_of_len(content) + content
}

/// Writes front to back into a fixed buffer; the caller checked the total size first.
struct Cursor<'a> {
    buf: &'a mut [u8],
    at: usize,
}

impl Cursor<'_> {
    fn put(&mut self, b: &[u8]) {
        self.buf[self.at..self.at + b.len()].copy_from_slice(b);
        self.at += b.len();
    }

    fn header(&mut self, tag: u8, len: usize) {
        let be = u32::try_from(len).unwrap_or(u32::MAX).to_be_bytes();
        match len_of_len(len) {
            1 => self.put(&[tag, be[3]]),
            2 => self.put(&[tag, 0x81, be[3]]),
            3 => self.put(&[tag, 0x82, be[2], be[3]]),
            _ => self.put(&[tag, 0x83, be[1], be[2], be[3]]),
        }
    }
}

/// The Response to the GetRequest `req`, written into `out`; its length, or `None` when `req` is
/// not a v1/v2c GetRequest this responder can parse (or the answer would not fit).
pub(crate) fn answer(req: &[u8], out: &mut [u8]) -> Option<usize> {
    let (_, msg, _) = take(req, 0x30)?;
    let (version, _, rest) = take(msg, 0x02)?;
    let (community, _, rest) = take(rest, 0x04)?;
    let (_, pdu, _) = take(rest, 0xA0)?;
    let (id, _, after) = take(pdu, 0x02)?;
    let (status, _, after) = take(after, 0x02)?;
    let (index, _, after) = take(after, 0x02)?;
    let fields = id.len() + status.len() + index.len();
    let (_, mut list, _) = take(after, 0x30)?;
    let mut oids: [&[u8]; MAX_VARBINDS] = [&[]; MAX_VARBINDS];
    let mut n = 0;
    let mut list_len = 0;
    while !list.is_empty() {
        let (_, vb, rest) = take(list, 0x30)?;
        let (oid, _, value) = take(vb, 0x06)?;
        tlv(value)?;
        *oids.get_mut(n)? = oid;
        n += 1;
        list_len += tlv_len(oid.len() + VALUE.len());
        list = rest;
    }
    let pdu_len = fields + tlv_len(list_len);
    let msg_len = version.len() + community.len() + tlv_len(pdu_len);
    let total = tlv_len(msg_len);
    if total > out.len() {
        return None;
    }
    let mut w = Cursor { buf: out, at: 0 };
    w.header(0x30, msg_len);
    w.put(version);
    w.put(community);
    w.header(0xA2, pdu_len);
    w.put(id);
    w.put(status);
    w.put(index);
    w.header(0x30, list_len);
    for oid in &oids[..n] {
        w.header(0x30, oid.len() + VALUE.len());
        w.put(oid);
        w.put(VALUE);
    }
    Some(w.at)
}
