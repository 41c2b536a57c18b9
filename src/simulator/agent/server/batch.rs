//! One round of `recvmmsg(2)`/`sendmmsg(2)` for a serving thread ([`Batch`]): request buffers,
//! peer addresses, and the `IP_PKTINFO` control messages that tell which address a request was
//! sent to and make an answer come from it (agents at many addresses on one socket). Every
//! `unsafe` block says why it is sound.

use std::io;
use std::net::{Ipv4Addr, SocketAddr, UdpSocket};

use crate::udp_batch::STORAGE_LEN;
use std::os::fd::{AsRawFd, RawFd};

/// Largest request read; a longer datagram is truncated by the kernel and dropped.
const MAX_REQUEST: usize = 65_535;
/// Most datagrams one request can produce (garbage first, then the answer twice).
const DATAGRAMS_PER_REQUEST: usize = 3;

/// A peer address as the kernel gives it, for `sendmmsg`.
#[derive(Clone, Copy)]
pub(super) struct Peer {
    addr: libc::sockaddr_storage,
    len: libc::socklen_t,
}

/// The Rust address of a peer (IPv4 or IPv6), `None` for any other family.
pub(super) fn socket_addr(p: &Peer) -> Option<SocketAddr> {
    crate::udp_batch::socket_addr(&p.addr)
}

/// Room for the control messages of one datagram: an `IP_PKTINFO` (32 bytes with its header
/// on 64-bit Linux), aligned as a `cmsghdr`.
#[derive(Clone, Copy)]
#[repr(C, align(8))]
pub(super) struct Control(pub(super) [u8; 64]);

/// An answer of the current round: the datagram, where it goes, and the address it must come
/// from when that is not the socket's own ([`spawn_addresses`]).
pub(super) type Outgoing = (Vec<u8>, Peer, Option<Ipv4Addr>);

/// The destination address of a received datagram, from its `IP_PKTINFO` control message
/// (`None` on a socket that did not ask for it).
pub(super) fn destination(h: &libc::msghdr) -> Option<Ipv4Addr> {
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
pub(super) fn pktinfo(buf: &mut Control, source: Ipv4Addr) -> usize {
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
pub(super) fn send_from(
    sock: &UdpSocket,
    datagram: &[u8],
    to: SocketAddr,
    source: Ipv4Addr,
) -> io::Result<()> {
    if !to.is_ipv4() {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "not IPv4"));
    }
    let mut control = Control([0; 64]);
    let control_len = pktinfo(&mut control, source);
    let (mut name, name_len) = crate::udp_batch::sockaddr(to);
    let mut iov = libc::iovec {
        iov_base: datagram.as_ptr().cast_mut().cast(),
        iov_len: datagram.len(),
    };
    // SAFETY: an all-zero msghdr is a valid empty one; its fields are set below.
    let mut h = unsafe { std::mem::zeroed::<libc::msghdr>() };
    h.msg_name = (&raw mut name).cast();
    h.msg_namelen = name_len;
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
pub(super) struct Batch {
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
    pub(super) out: Vec<Outgoing>,
}

impl Batch {
    pub(super) fn new(size: usize) -> Self {
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
    pub(super) fn receive(&mut self, fd: RawFd) -> usize {
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
    pub(super) fn request(&self, k: usize) -> Option<(&[u8], Peer, Option<Ipv4Addr>)> {
        let (len, truncated) = self.lens[k];
        if truncated {
            tracing::debug!("simulated agent: dropped a request longer than {MAX_REQUEST} bytes");
            return None;
        }
        Some((&self.requests[k][..len], self.peers[k], self.dst[k]))
    }

    /// Sends `out` from `fd`, as many per call as the kernel takes. A full send buffer drops
    /// the rest (the manager retries, as with a busy device).
    pub(super) fn send(&mut self, fd: RawFd, out: &[Outgoing]) {
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
