//! Batched UDP I/O: many datagrams per system call where the OS allows it.
//!
//! [`RecvBatch`] reads every datagram a socket has ready, up to its capacity, in one
//! `recvmmsg(2)`; [`SendBatch`] queues datagrams and sends them with as few `sendmmsg(2)` calls
//! as the kernel takes. Both keep their buffers between calls, so a steady stream of datagrams
//! costs no allocation. Elsewhere than Linux they fall back to one `recv_from`/`send_to` per
//! datagram, with the same API and results.
//!
//! What this module owns: the buffers, the `mmsghdr`/`iovec` plumbing and the conversion of
//! kernel socket addresses. What it does not: decoding, matching, retries, readiness waiting.
//! It knows no SNMP and no actor; it works on any socket implementing [`BatchSocket`] (a
//! `std::net::UdpSocket` or a `tokio::net::UdpSocket`).
//!
//! Non-blocking contract: every call returns at once. With nothing to read, or a full send
//! buffer, the call fails with [`io::ErrorKind::WouldBlock`]. On a tokio socket the raw call
//! runs inside `try_io`, so a `WouldBlock` also clears tokio's readiness and the next
//! `readable().await` / `writable().await` really waits. A `std` socket should be put in
//! non-blocking mode for the fallback path (the Linux path passes `MSG_DONTWAIT` itself).
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use snmpact::udp_batch::{RecvBatch, SendBatch};
//! let sock = tokio::net::UdpSocket::bind("127.0.0.1:0").await?;
//! let (mut rx, mut tx) = (RecvBatch::new(32, 1500), SendBatch::new());
//! loop {
//!     sock.readable().await?;
//!     match rx.recv(&sock) {
//!         Ok(_) => {
//!             for (data, from) in rx.datagrams() {
//!                 tx.push(data, from); // an echo server
//!             }
//!             let _ = tx.send(&sock); // what the kernel would not take stays queued
//!         }
//!         Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
//!         Err(e) => return Err(e),
//!     }
//! }
//! # }
//! ```

use std::io;
use std::net::SocketAddr;

/// A UDP socket the batches can read and write without blocking.
///
/// Implemented for `std::net::UdpSocket` and `tokio::net::UdpSocket`.
pub trait BatchSocket {
    /// Runs `op` on the socket's raw descriptor; `op` must not block. For a tokio socket this
    /// goes through `try_io` with `writing` choosing the interest, so that a `WouldBlock` from
    /// `op` clears the readiness tokio keeps.
    ///
    /// # Errors
    /// Whatever `op` returns.
    #[cfg(target_os = "linux")]
    fn raw_io<R>(
        &self,
        writing: bool,
        op: impl FnOnce(std::os::fd::RawFd) -> io::Result<R>,
    ) -> io::Result<R>;

    /// Reads one datagram without blocking (the portable path).
    ///
    /// # Errors
    /// [`io::ErrorKind::WouldBlock`] when nothing is ready, or the OS error.
    fn recv_one(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)>;

    /// Sends one datagram without blocking (the portable path).
    ///
    /// # Errors
    /// [`io::ErrorKind::WouldBlock`] when the send buffer is full, or the OS error.
    fn send_one(&self, buf: &[u8], to: SocketAddr) -> io::Result<usize>;
}

impl BatchSocket for std::net::UdpSocket {
    #[cfg(target_os = "linux")]
    fn raw_io<R>(
        &self,
        _writing: bool,
        op: impl FnOnce(std::os::fd::RawFd) -> io::Result<R>,
    ) -> io::Result<R> {
        op(std::os::fd::AsRawFd::as_raw_fd(self))
    }

    fn recv_one(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.recv_from(buf)
    }

    fn send_one(&self, buf: &[u8], to: SocketAddr) -> io::Result<usize> {
        self.send_to(buf, to)
    }
}

impl BatchSocket for tokio::net::UdpSocket {
    #[cfg(target_os = "linux")]
    fn raw_io<R>(
        &self,
        writing: bool,
        op: impl FnOnce(std::os::fd::RawFd) -> io::Result<R>,
    ) -> io::Result<R> {
        let interest = if writing {
            tokio::io::Interest::WRITABLE
        } else {
            tokio::io::Interest::READABLE
        };
        let fd = std::os::fd::AsRawFd::as_raw_fd(self);
        self.try_io(interest, || op(fd))
    }

    fn recv_one(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.try_recv_from(buf)
    }

    fn send_one(&self, buf: &[u8], to: SocketAddr) -> io::Result<usize> {
        self.try_send_to(buf, to)
    }
}

/// Reusable buffers for reading up to `capacity` datagrams of up to `size` bytes in one call.
///
/// After a successful [`RecvBatch::recv`], [`RecvBatch::datagrams`] lends the datagrams read,
/// in arrival order, until the next call.
pub struct RecvBatch {
    /// Largest datagram kept whole; longer ones are truncated (and flagged).
    size: usize,
    /// `capacity * size` bytes: slot `i` is `data[i * size..(i + 1) * size]`.
    data: Box<[u8]>,
    /// Per slot of the last call: bytes received, source, truncated.
    got: Vec<(usize, Option<SocketAddr>, bool)>,
    /// Kernel-side headers, rebuilt before each call (they hold pointers into `self`).
    #[cfg(target_os = "linux")]
    sys: sys::Headers,
}

impl std::fmt::Debug for RecvBatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecvBatch")
            .field("capacity", &self.capacity())
            .field("size", &self.size)
            .field("received", &self.got.len())
            .finish()
    }
}

impl RecvBatch {
    /// Buffers for `capacity` datagrams (at least 1) of up to `size` bytes (at least 1) each.
    #[must_use]
    pub fn new(capacity: usize, size: usize) -> Self {
        let capacity = capacity.max(1);
        let size = size.max(1);
        Self {
            size,
            data: vec![0u8; capacity * size].into_boxed_slice(),
            got: Vec::with_capacity(capacity),
            #[cfg(target_os = "linux")]
            sys: sys::Headers::new(capacity),
        }
    }

    /// Most datagrams one [`RecvBatch::recv`] reads.
    #[must_use]
    pub fn capacity(&self) -> usize {
        self.data.len() / self.size
    }

    /// Reads every datagram ready on `sock`, up to [`RecvBatch::capacity`], without blocking;
    /// returns how many were read (at least one on success). Fewer than the capacity means
    /// the socket had no more ready at that moment.
    ///
    /// # Errors
    /// [`io::ErrorKind::WouldBlock`] when nothing is ready; an OS error (ICMP port unreachable
    /// and the like surface here) when none was read. Either way the batch is then empty.
    pub fn recv<S: BatchSocket + ?Sized>(&mut self, sock: &S) -> io::Result<usize> {
        self.got.clear();
        #[cfg(target_os = "linux")]
        {
            let size = self.size;
            let (data, got, sys) = (&mut self.data, &mut self.got, &mut self.sys);
            sock.raw_io(false, |fd| sys.recv(fd, data, size, got))
        }
        #[cfg(not(target_os = "linux"))]
        {
            for slot in self.data.chunks_exact_mut(self.size) {
                match sock.recv_one(slot) {
                    Ok((n, from)) => self.got.push((n.min(slot.len()), Some(from), false)),
                    Err(e) if self.got.is_empty() => return Err(e),
                    Err(_) => break,
                }
            }
            Ok(self.got.len())
        }
    }

    /// Datagrams read by the last call, or 0.
    #[must_use]
    pub fn len(&self) -> usize {
        self.got.len()
    }

    /// Whether the last call read nothing.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.got.is_empty()
    }

    /// Datagram `i` of the last call and its source; `None` past the end or when the kernel
    /// gave a source that is neither IPv4 nor IPv6.
    #[must_use]
    pub fn get(&self, i: usize) -> Option<(&[u8], SocketAddr)> {
        let &(len, from, _) = self.got.get(i)?;
        let start = i * self.size;
        Some((&self.data[start..start + len], from?))
    }

    /// Whether datagram `i` was longer than the buffer's `size` and arrived cut (Linux only
    /// knows; the portable path always says `false`).
    #[must_use]
    pub fn is_truncated(&self, i: usize) -> bool {
        self.got.get(i).is_some_and(|g| g.2)
    }

    /// The datagrams of the last call, in arrival order, with their sources (each a
    /// `(bytes, source)` pair; its length is the bytes' length).
    pub fn datagrams(&self) -> impl Iterator<Item = (&[u8], SocketAddr)> + '_ {
        (0..self.got.len()).filter_map(|i| self.get(i))
    }
}

/// A queue of datagrams to send, flushed with as few system calls as the kernel allows.
///
/// Datagrams are copied in ([`SendBatch::push`]) and leave the queue, front first, as the
/// kernel takes them ([`SendBatch::send`]). The buffers are kept for the next round.
#[derive(Debug, Default)]
pub struct SendBatch {
    /// The queued datagrams back to back.
    data: Vec<u8>,
    /// Per queued datagram: its end in `data` and its destination. Datagrams before `head`
    /// are sent.
    queue: Vec<(usize, SocketAddr)>,
    /// First datagram not sent yet.
    head: usize,
    /// Kernel-side headers and addresses, rebuilt before each call.
    #[cfg(target_os = "linux")]
    sys: sys::SendHeaders,
}

impl SendBatch {
    /// An empty queue.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Queues a copy of `datagram` for `to`.
    pub fn push(&mut self, datagram: &[u8], to: SocketAddr) {
        self.data.extend_from_slice(datagram);
        self.queue.push((self.data.len(), to));
    }

    /// Datagrams queued and not sent yet.
    #[must_use]
    pub fn len(&self) -> usize {
        self.queue.len() - self.head
    }

    /// Whether nothing waits to be sent.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The next datagram to send and its destination.
    #[must_use]
    pub fn front(&self) -> Option<(&[u8], SocketAddr)> {
        let &(end, to) = self.queue.get(self.head)?;
        let start = self.start_of(self.head);
        Some((&self.data[start..end], to))
    }

    /// Drops the next datagram unsent (after [`SendBatch::send`] failed on it with an error
    /// that will not go away); returns whether there was one.
    pub fn drop_front(&mut self) -> bool {
        if self.head < self.queue.len() {
            self.head += 1;
            self.compact();
            true
        } else {
            false
        }
    }

    /// Drops everything queued.
    pub fn clear(&mut self) {
        self.data.clear();
        self.queue.clear();
        self.head = 0;
    }

    fn start_of(&self, i: usize) -> usize {
        if i == 0 { 0 } else { self.queue[i - 1].0 }
    }

    /// Forgets the sent datagrams once all are sent (keeping the allocations).
    fn compact(&mut self) {
        if self.head == self.queue.len() {
            self.clear();
        }
    }

    /// Sends queued datagrams from the front on `sock` until the queue is empty or the
    /// kernel refuses one; returns how many were sent by this call.
    ///
    /// # Errors
    /// When the first datagram tried could not be sent: [`io::ErrorKind::WouldBlock`] (the
    /// send buffer is full: wait until writable), `ENOBUFS`, or a hard error for that
    /// datagram, which then stays at the front (see [`SendBatch::front`] and
    /// [`SendBatch::drop_front`]). An error after some were sent ends the call with `Ok`; the
    /// next call reports it.
    pub fn send<S: BatchSocket + ?Sized>(&mut self, sock: &S) -> io::Result<usize> {
        let mut sent = 0;
        while self.head < self.queue.len() {
            match self.send_some(sock) {
                Ok(0) => break,
                Ok(k) => {
                    self.head += k;
                    sent += k;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if sent == 0 => return Err(e),
                Err(_) => break,
            }
        }
        self.compact();
        Ok(sent)
    }

    #[cfg(target_os = "linux")]
    fn send_some<S: BatchSocket + ?Sized>(&mut self, sock: &S) -> io::Result<usize> {
        let first = self.start_of(self.head);
        let (data, queue, sys) = (&self.data, &self.queue[self.head..], &mut self.sys);
        sock.raw_io(true, |fd| sys.send(fd, data, first, queue))
    }

    #[cfg(not(target_os = "linux"))]
    fn send_some<S: BatchSocket + ?Sized>(&mut self, sock: &S) -> io::Result<usize> {
        let (d, to) = self.front().ok_or_else(|| io::Error::other("empty"))?;
        sock.send_one(d, to).map(|_| 1)
    }
}

/// The Linux system calls and their C structures.
// The address conversions, for the simulator's own `recvmmsg`/`sendmmsg` round.
#[cfg(target_os = "linux")]
pub(crate) use sys::{STORAGE_LEN, set_int_option, sockaddr, socket_addr};

#[cfg(target_os = "linux")]
mod sys {
    use std::io;
    use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
    use std::os::fd::RawFd;

    /// Most datagrams handed to one `sendmmsg` (the kernel's `UIO_MAXIOV`).
    const MAX_SEND: usize = 1024;

    /// The size of a `sockaddr_storage`, as the kernel takes it.
    pub(crate) const STORAGE_LEN: libc::socklen_t = {
        let n = size_of::<libc::sockaddr_storage>();
        assert!(n <= u32::MAX as usize);
        #[allow(clippy::cast_possible_truncation)] // checked just above, at compile time
        let len = n as libc::socklen_t;
        len
    };

    fn zeroed_storage() -> libc::sockaddr_storage {
        // SAFETY: sockaddr_storage is a plain C struct for which all-zero bytes are valid.
        unsafe { std::mem::zeroed() }
    }

    fn zeroed_header() -> libc::mmsghdr {
        // SAFETY: mmsghdr is a plain C struct; all-zero (null pointers, zero lengths) is valid.
        unsafe { std::mem::zeroed() }
    }

    fn empty_iov() -> libc::iovec {
        libc::iovec {
            iov_base: std::ptr::null_mut(),
            iov_len: 0,
        }
    }

    /// The last OS error, with `EAGAIN` reported as `WouldBlock` (std does this already).
    fn last_error() -> io::Error {
        io::Error::last_os_error()
    }

    /// Headers of one `recvmmsg`.
    pub(super) struct Headers {
        addrs: Vec<libc::sockaddr_storage>,
        iovs: Vec<libc::iovec>,
        hdrs: Vec<libc::mmsghdr>,
    }

    impl Headers {
        pub(super) fn new(capacity: usize) -> Self {
            Self {
                addrs: vec![zeroed_storage(); capacity],
                iovs: vec![empty_iov(); capacity],
                hdrs: vec![zeroed_header(); capacity],
            }
        }

        /// One `recvmmsg` into `data` (slots of `size` bytes); fills `got`.
        pub(super) fn recv(
            &mut self,
            fd: RawFd,
            data: &mut [u8],
            size: usize,
            got: &mut Vec<(usize, Option<SocketAddr>, bool)>,
        ) -> io::Result<usize> {
            let capacity = self.hdrs.len();
            for (i, slot) in data.chunks_exact_mut(size).enumerate().take(capacity) {
                self.iovs[i] = libc::iovec {
                    iov_base: slot.as_mut_ptr().cast(),
                    iov_len: size,
                };
                let h = &mut self.hdrs[i];
                h.msg_len = 0;
                h.msg_hdr.msg_name = (&raw mut self.addrs[i]).cast();
                h.msg_hdr.msg_namelen = STORAGE_LEN;
                h.msg_hdr.msg_iov = &raw mut self.iovs[i];
                h.msg_hdr.msg_iovlen = 1;
                h.msg_hdr.msg_control = std::ptr::null_mut();
                h.msg_hdr.msg_controllen = 0;
                h.msg_hdr.msg_flags = 0;
            }
            let count = u32::try_from(capacity).unwrap_or(u32::MAX);
            // SAFETY: each of the `capacity` headers points at its own slot of `data` (`size`
            // bytes, as its iovec says), its own iovec and its own address storage, all
            // borrowed mutably for the duration of the call and not moved; MSG_DONTWAIT makes
            // the call return at once; no timeout pointer.
            let r = unsafe {
                libc::recvmmsg(
                    fd,
                    self.hdrs.as_mut_ptr(),
                    count,
                    libc::MSG_DONTWAIT,
                    std::ptr::null_mut(),
                )
            };
            let n = usize::try_from(r).map_err(|_| last_error())?;
            for i in 0..n {
                let h = &self.hdrs[i];
                let len = usize::try_from(h.msg_len).unwrap_or(size).min(size);
                let truncated = h.msg_hdr.msg_flags & libc::MSG_TRUNC != 0;
                got.push((len, socket_addr(&self.addrs[i]), truncated));
            }
            Ok(n)
        }
    }

    /// Headers and addresses of one `sendmmsg`.
    #[derive(Default)]
    pub(super) struct SendHeaders {
        addrs: Vec<(libc::sockaddr_storage, libc::socklen_t)>,
        iovs: Vec<libc::iovec>,
        hdrs: Vec<libc::mmsghdr>,
    }

    impl std::fmt::Debug for SendHeaders {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("SendHeaders")
                .field("capacity", &self.hdrs.capacity())
                .finish()
        }
    }

    impl SendHeaders {
        /// One `sendmmsg` of (at most [`MAX_SEND`] of) `queue`, whose datagrams lie back to
        /// back in `data` from `first`; returns how many the kernel took.
        pub(super) fn send(
            &mut self,
            fd: RawFd,
            data: &[u8],
            first: usize,
            queue: &[(usize, SocketAddr)],
        ) -> io::Result<usize> {
            let queue = &queue[..queue.len().min(MAX_SEND)];
            self.addrs.clear();
            self.iovs.clear();
            self.hdrs.clear();
            let mut start = first;
            for &(end, to) in queue {
                self.addrs.push(sockaddr(to));
                let d = &data[start..end];
                self.iovs.push(libc::iovec {
                    iov_base: d.as_ptr().cast_mut().cast(),
                    iov_len: d.len(),
                });
                start = end;
            }
            // The vectors are complete: pointers into them stay valid until the next clear.
            for i in 0..queue.len() {
                let mut h = zeroed_header();
                h.msg_hdr.msg_name = (&raw mut self.addrs[i].0).cast();
                h.msg_hdr.msg_namelen = self.addrs[i].1;
                h.msg_hdr.msg_iov = &raw mut self.iovs[i];
                h.msg_hdr.msg_iovlen = 1;
                self.hdrs.push(h);
            }
            let count = u32::try_from(self.hdrs.len()).unwrap_or(u32::MAX);
            // SAFETY: every header points at its own address and iovec in `self` (not resized
            // until the next call) and each iovec at a datagram inside `data`, borrowed for
            // the call; the kernel only reads them; MSG_DONTWAIT makes the call return at once.
            let r =
                unsafe { libc::sendmmsg(fd, self.hdrs.as_mut_ptr(), count, libc::MSG_DONTWAIT) };
            usize::try_from(r).map_err(|_| last_error())
        }
    }

    /// Sets the integer socket option `name` of `level` on `fd` to `value` (one socket2 does
    /// not offer: `SO_RCVBUFFORCE`, `IP_PKTINFO`).
    pub(crate) fn set_int_option(
        fd: RawFd,
        level: libc::c_int,
        name: libc::c_int,
        value: libc::c_int,
    ) -> io::Result<()> {
        let len = libc::socklen_t::try_from(size_of::<libc::c_int>()).unwrap_or(4);
        // SAFETY: setsockopt only reads the `c_int` it is given, of the length given.
        let r = unsafe { libc::setsockopt(fd, level, name, (&raw const value).cast(), len) };
        if r != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    /// A Rust address as the kernel takes it.
    pub(crate) fn sockaddr(addr: SocketAddr) -> (libc::sockaddr_storage, libc::socklen_t) {
        let mut storage = zeroed_storage();
        let len = match addr {
            SocketAddr::V4(a) => {
                let sin = libc::sockaddr_in {
                    sin_family: libc::sa_family_t::try_from(libc::AF_INET).unwrap_or_default(),
                    sin_port: a.port().to_be(),
                    sin_addr: libc::in_addr {
                        s_addr: u32::from(*a.ip()).to_be(),
                    },
                    sin_zero: [0; 8],
                };
                // SAFETY: sockaddr_storage is larger than and as aligned as sockaddr_in.
                unsafe { (&raw mut storage).cast::<libc::sockaddr_in>().write(sin) };
                size_of::<libc::sockaddr_in>()
            }
            SocketAddr::V6(a) => {
                let sin6 = libc::sockaddr_in6 {
                    sin6_family: libc::sa_family_t::try_from(libc::AF_INET6).unwrap_or_default(),
                    sin6_port: a.port().to_be(),
                    sin6_flowinfo: a.flowinfo(),
                    sin6_addr: libc::in6_addr {
                        s6_addr: a.ip().octets(),
                    },
                    sin6_scope_id: a.scope_id(),
                };
                // SAFETY: sockaddr_storage is larger than and as aligned as sockaddr_in6.
                unsafe { (&raw mut storage).cast::<libc::sockaddr_in6>().write(sin6) };
                size_of::<libc::sockaddr_in6>()
            }
        };
        (
            storage,
            libc::socklen_t::try_from(len).unwrap_or(STORAGE_LEN),
        )
    }

    /// The Rust address the kernel wrote, `None` for a family other than IPv4 and IPv6.
    pub(crate) fn socket_addr(s: &libc::sockaddr_storage) -> Option<SocketAddr> {
        match i32::from(s.ss_family) {
            libc::AF_INET => {
                // SAFETY: the kernel wrote a sockaddr_in (the family says so) at the start of
                // a sockaddr_storage, which is larger and at least as aligned.
                let a = unsafe { &*(&raw const *s).cast::<libc::sockaddr_in>() };
                Some(SocketAddr::V4(SocketAddrV4::new(
                    Ipv4Addr::from(u32::from_be(a.sin_addr.s_addr)),
                    u16::from_be(a.sin_port),
                )))
            }
            libc::AF_INET6 => {
                // SAFETY: as above, for sockaddr_in6.
                let a = unsafe { &*(&raw const *s).cast::<libc::sockaddr_in6>() };
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

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn addresses_round_trip_through_the_kernel_form() {
            for a in [
                "127.0.0.1:161",
                "10.1.2.3:65535",
                "[::1]:162",
                "[fe80::1%3]:1",
            ] {
                let a: SocketAddr = a.parse().expect("address");
                let (s, len) = sockaddr(a);
                assert!(len as usize <= size_of::<libc::sockaddr_storage>());
                assert_eq!(socket_addr(&s), Some(a));
            }
            assert_eq!(socket_addr(&zeroed_storage()), None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::UdpSocket;

    fn pair() -> (UdpSocket, UdpSocket) {
        let a = UdpSocket::bind("127.0.0.1:0").expect("bind");
        let b = UdpSocket::bind("127.0.0.1:0").expect("bind");
        a.set_nonblocking(true).expect("nonblocking");
        b.set_nonblocking(true).expect("nonblocking");
        (a, b)
    }

    /// Reads until `want` datagrams have arrived (loopback delivery is immediate, but the
    /// loop keeps the test honest on a slow machine), with a deadline.
    fn recv_all(rx: &mut RecvBatch, sock: &UdpSocket, want: usize) -> Vec<(Vec<u8>, SocketAddr)> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        let mut out = Vec::new();
        while out.len() < want {
            assert!(
                std::time::Instant::now() < deadline,
                "only {} of {want}",
                out.len()
            );
            match rx.recv(sock) {
                Ok(n) => {
                    assert_eq!(n, rx.len());
                    assert!(n <= rx.capacity());
                    out.extend(rx.datagrams().map(|(d, a)| (d.to_vec(), a)));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => std::thread::yield_now(),
                Err(e) => panic!("recv: {e}"),
            }
        }
        out
    }

    #[test]
    fn nothing_ready_is_would_block_and_an_empty_batch() {
        let (a, _b) = pair();
        let mut rx = RecvBatch::new(4, 64);
        let e = rx.recv(&a).expect_err("nothing sent");
        assert_eq!(e.kind(), io::ErrorKind::WouldBlock);
        assert!(rx.is_empty());
        assert_eq!(rx.get(0), None);
    }

    #[test]
    fn a_batch_sends_and_receives_many_datagrams_in_order_with_sources() {
        let (a, b) = pair();
        let to = b.local_addr().expect("addr");
        let mut tx = SendBatch::new();
        for i in 0..100u8 {
            tx.push(&vec![i; usize::from(i) + 1], to);
        }
        assert_eq!(tx.len(), 100);
        assert_eq!(
            tx.front().map(|(d, t)| (d.to_vec(), t)),
            Some((vec![0], to))
        );
        assert_eq!(tx.send(&a).expect("send"), 100);
        assert!(tx.is_empty());
        let mut rx = RecvBatch::new(16, 256);
        let got = recv_all(&mut rx, &b, 100);
        let from = a.local_addr().expect("addr");
        for (i, (d, src)) in (0..100u8).zip(got) {
            assert_eq!(d, vec![i; usize::from(i) + 1]);
            assert_eq!(src, from);
        }
    }

    #[test]
    fn the_buffers_are_reused_round_after_round() {
        let (a, b) = pair();
        let to = b.local_addr().expect("addr");
        let mut tx = SendBatch::new();
        let mut rx = RecvBatch::new(8, 64);
        for round in 0..5u8 {
            tx.push(&[round, 1], to);
            tx.push(&[round, 2, 2], to);
            assert_eq!(tx.send(&a).expect("send"), 2);
            let got = recv_all(&mut rx, &b, 2);
            assert_eq!(got[0].0, vec![round, 1]);
            assert_eq!(got[1].0, vec![round, 2, 2]);
        }
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn a_datagram_longer_than_a_slot_arrives_cut_and_flagged() {
        let (a, b) = pair();
        a.send_to(&[7u8; 100], b.local_addr().expect("addr"))
            .expect("send");
        a.send_to(&[8u8; 10], b.local_addr().expect("addr"))
            .expect("send");
        let mut rx = RecvBatch::new(4, 32);
        let got = recv_all(&mut rx, &b, 2);
        assert_eq!(got[0].0, vec![7u8; 32]);
        assert!(rx.is_truncated(0));
        assert_eq!(got[1].0, vec![8u8; 10]);
        assert!(!rx.is_truncated(1));
    }

    #[test]
    fn a_hard_error_stays_at_the_front_until_dropped() {
        let (a, b) = pair();
        let good = b.local_addr().expect("addr");
        // Port 0 cannot be sent to (EINVAL on Linux): a hard error for that datagram only.
        let bad: SocketAddr = "127.0.0.1:0".parse().expect("addr");
        let mut tx = SendBatch::new();
        tx.push(b"bad", bad);
        tx.push(b"good", good);
        let e = tx.send(&a).expect_err("port 0");
        assert_ne!(e.kind(), io::ErrorKind::WouldBlock);
        assert_eq!(tx.front().map(|(_, t)| t), Some(bad));
        assert!(tx.drop_front());
        assert_eq!(tx.send(&a).expect("send"), 1);
        assert!(!tx.drop_front());
        let got = recv_all(&mut RecvBatch::new(2, 16), &b, 1);
        assert_eq!(got[0].0, b"good".to_vec());
    }

    #[test]
    fn ipv6_loopback_works_when_available() {
        let Ok(b) = UdpSocket::bind("[::1]:0") else {
            return; // no IPv6 on this host: nothing to check
        };
        let a = UdpSocket::bind("[::1]:0").expect("bind a beside b");
        a.set_nonblocking(true).expect("nonblocking");
        b.set_nonblocking(true).expect("nonblocking");
        let mut tx = SendBatch::new();
        tx.push(b"six", b.local_addr().expect("addr"));
        assert_eq!(tx.send(&a).expect("send"), 1);
        let got = recv_all(&mut RecvBatch::new(2, 16), &b, 1);
        assert_eq!(got[0], (b"six".to_vec(), a.local_addr().expect("addr")));
    }

    #[test]
    fn a_tokio_socket_clears_readiness_on_would_block() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async {
            let a = tokio::net::UdpSocket::bind("127.0.0.1:0")
                .await
                .expect("bind");
            let b = tokio::net::UdpSocket::bind("127.0.0.1:0")
                .await
                .expect("bind");
            let to = b.local_addr().expect("addr");
            let mut tx = SendBatch::new();
            let mut rx = RecvBatch::new(8, 64);
            for round in 0..3u8 {
                tx.push(&[round; 3], to);
                tx.push(&[round; 4], to);
                a.writable().await.expect("writable");
                assert_eq!(tx.send(&a).expect("send"), 2);
                let mut got = Vec::new();
                while got.len() < 2 {
                    b.readable().await.expect("readable");
                    match rx.recv(&b) {
                        Ok(_) => got.extend(rx.datagrams().map(|(d, _)| d.to_vec())),
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                        Err(e) => panic!("recv: {e}"),
                    }
                }
                assert_eq!(got, vec![vec![round; 3], vec![round; 4]]);
                // Drained: the next read says WouldBlock (and clears tokio's readiness, so a
                // later `readable()` waits for a new datagram instead of spinning).
                let e = rx.recv(&b).expect_err("drained");
                assert_eq!(e.kind(), io::ErrorKind::WouldBlock);
            }
        });
    }
}
