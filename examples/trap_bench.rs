//! Receives paced bursts of SNMPv2c traps (or informs) with snmpact's listener and with
//! net-snmp's `snmptrapd` in the same run, and prints per rate: what was delivered, the loss,
//! and the receiver's CPU per notification (BENCHMARKS.md, "Notifications").
//!
//! `cargo run --release --example trap_bench` (needs `snmptrapd`: `apt-get install -y
//! snmptrapd`). Options: `-- --count 200000 --rates 100000,200000,300000 --informs
//! --only snmpact|snmptrapd --no-pin --no-gso`, and to measure one lever at a time: `--batch N` (the
//! listener's datagrams per `recvmmsg`; 1 is one system call per datagram) and `--json serde`
//! (each line made as before the hand-written writer: `serde_json` printing
//! [`text::to_json`]'s tree).
//!
//! - The sender is a child process (this example again, `--send`), pinned to the last CPU
//!   while the receivers are pinned to the first (`--no-pin`: no pinning). Its datagrams are
//!   encoded before the burst (a trap: sysUpTime.0, snmpTrapOID.0 = linkDown, ifIndex and
//!   ifDescr, 115 bytes; a request-id of its own each) and go out of one connected UDP socket
//!   with `sendmmsg`, [`SEND_BATCH`] messages per call, paced in 1 ms ticks; each message
//!   carries [`GSO_SEGMENTS`] datagrams cut by the kernel (UDP GSO: the receiver still gets
//!   one datagram per notification; `--no-gso`: one datagram per message, as before). It
//!   prints what it sent and how long that took, so a sender that could not keep up shows
//!   (`sent /s`).
//! - With `--informs` it sends InformRequests and reads the Responses with `recvmmsg` between
//!   sends, counting those whose request-id it sent (`acked`): acknowledged exchanges, as
//!   `snmpinform` makes them, pipelined instead of one at a time.
//! - snmpact: a `Listener` (no rate limit) in this process, its notifications delivered to an
//!   actor writing each as a JSON line ([`text::write_json`]) into a 64 KiB buffer written
//!   to `/dev/null` when full. CPU is `getrusage(RUSAGE_SELF)` over the burst (the sender is
//!   another process).
//! - snmptrapd: `-f -Lf FILE -C -c CONF` logging every notification in its default format;
//!   delivered = log lines / 2; CPU from `/proc/PID/stat` (utime + stime, 10 ms ticks).
//! - A burst ends when the sender is done and the receiver's count stays still for 300 ms.

/// The `snmpact` binary's allocator, so that this measures what it runs (feature `jemalloc`, on by default; see Cargo.toml).
#[cfg(all(feature = "jemalloc", unix))]
#[global_allocator]
static ALLOC: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use std::io::Write;
use std::net::{SocketAddr, UdpSocket};
use std::os::fd::AsRawFd;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use actix::prelude::*;
use snmpact::notification::listener::{Listener, ListenerConfig, Subscribe};
use snmpact::notification::{Notification, text};
use snmpact::pdu::{GenericPdu, Message, Pdu, Value, VarBind, Version};

/// How long a receiver's count must stay still for a burst to be over.
const SETTLE: Duration = Duration::from_millis(300);
/// The pacing tick of the sender.
const TICK: Duration = Duration::from_millis(1);
/// Datagrams per `sendmmsg` (and Responses per `recvmmsg`) of the sender.
const SEND_BATCH: usize = 64;
/// Datagrams per message when the sender uses UDP GSO (the kernel takes up to 64).
const GSO_SEGMENTS: usize = 64;
/// How long the sender waits for the last Responses of a burst of informs.
const ACK_WAIT: Duration = Duration::from_millis(500);
/// The JSON output's buffer: written out when this full.
const OUT_BUFFER: usize = 1 << 16;
/// The first request-id of a burst.
const FIRST_ID: u32 = 0x0100_0000;

fn trap(inform: bool) -> Vec<u8> {
    let vb = |o: &str, v| VarBind::new(o.parse().expect("OID"), v);
    let g = GenericPdu {
        request_id: 0x0100_0000,
        varbinds: vec![
            vb("1.3.6.1.2.1.1.3.0", Value::TimeTicks(123_456)),
            vb(
                "1.3.6.1.6.3.1.1.4.1.0",
                Value::ObjectId("1.3.6.1.6.3.1.1.5.3".parse().expect("OID")),
            ),
            vb("1.3.6.1.2.1.2.2.1.1.2", Value::Integer(2)),
            vb(
                "1.3.6.1.2.1.2.2.1.2.2",
                Value::OctetString(b"GigabitEthernet0/2"[..].into()),
            ),
        ],
        ..GenericPdu::default()
    };
    Message {
        version: Version::V2c,
        community: b"public"[..].into(),
        pdu: if inform {
            Pdu::InformRequest(g)
        } else {
            Pdu::SnmpV2Trap(g)
        },
    }
    .to_bytes()
}

/// Pins the calling thread (and the threads it starts later) to `cpu`.
fn pin(cpu: usize) {
    // SAFETY: an all-zero cpu_set_t is the empty set; CPU_SET and sched_setaffinity only
    // touch `set`, which lives for the call.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu, &mut set);
        libc::sched_setaffinity(0, size_of::<libc::cpu_set_t>(), &raw const set);
    }
}

/// Pins process `pid` (its main thread, before it starts others) to `cpu`.
fn pin_pid(pid: u32, cpu: usize) {
    // SAFETY: as in `pin`.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu, &mut set);
        libc::sched_setaffinity(
            i32::try_from(pid).unwrap_or(0),
            size_of::<libc::cpu_set_t>(),
            &raw const set,
        );
    }
}

fn cpus() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
}

/// `count` datagrams, request-ids `FIRST_ID..`, one after the other.
fn encode_all(count: u64, inform: bool) -> (Vec<u8>, usize) {
    let one = trap(inform);
    // The request-id's four content octets: `02 04 01 00 00 00` after the PDU header.
    let at = one
        .windows(6)
        .position(|w| w == [0x02, 0x04, 0x01, 0x00, 0x00, 0x00])
        .expect("request-id")
        + 2;
    let mut all = Vec::with_capacity(one.len() * usize::try_from(count).expect("count"));
    for i in 0..count {
        let id = FIRST_ID.wrapping_add(u32::try_from(i % (1 << 30)).unwrap_or(0));
        let start = all.len();
        all.extend_from_slice(&one);
        all[start + at..start + at + 4].copy_from_slice(&id.to_be_bytes());
    }
    (all, one.len())
}

/// Asks the kernel to cut each message sent on `fd` into datagrams of `len` bytes (UDP GSO,
/// Linux 4.18 and later); false where it cannot.
fn set_gso(fd: i32, len: usize) -> bool {
    let size = libc::c_int::try_from(len).unwrap_or(0);
    // SAFETY: `size` is a c_int that lives for the call; the kernel only reads it.
    let r = unsafe {
        libc::setsockopt(
            fd,
            libc::SOL_UDP,
            libc::UDP_SEGMENT,
            (&raw const size).cast(),
            libc::socklen_t::try_from(size_of::<libc::c_int>()).unwrap_or(4),
        )
    };
    r == 0
}

/// The child: sends `count` notifications to `to` at `rate` a second; prints
/// `sent SECONDS ACKED`.
fn send(to: SocketAddr, count: u64, rate: u64, inform: bool, gso: bool) {
    let sock = UdpSocket::bind("127.0.0.1:0").expect("bind");
    sock.connect(to).expect("connect");
    sock.set_nonblocking(true).expect("nonblocking");
    let fd = sock.as_raw_fd();
    // Room for the Responses that arrive while this process is not running (the kernel caps
    // it at rmem_max).
    let size: libc::c_int = 8 << 20;
    // SAFETY: `size` is a c_int that lives for the call; the kernel only reads it.
    unsafe {
        libc::setsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_RCVBUF,
            (&raw const size).cast(),
            libc::socklen_t::try_from(size_of::<libc::c_int>()).unwrap_or(4),
        );
    }
    let (all, len) = encode_all(count, inform);
    // Each message of a `sendmmsg` carries `per` datagrams: with UDP GSO (`UDP_SEGMENT`) the
    // kernel cuts one buffer of equal-sized datagrams into separate datagrams, saving the
    // sender most of its per-datagram system-call and routing work. The receiver sees the
    // same separate datagrams either way.
    let per = if gso && set_gso(fd, len) {
        GSO_SEGMENTS
    } else {
        1
    };
    let mut acks = Acks::new(count);
    // SAFETY: all-zero mmsghdrs are valid empty headers; each is filled before use.
    let mut hdrs: Vec<libc::mmsghdr> = vec![unsafe { std::mem::zeroed() }; SEND_BATCH];
    let mut iovs = vec![
        libc::iovec {
            iov_base: std::ptr::null_mut(),
            iov_len: 0,
        };
        SEND_BATCH
    ];
    let mut segs = [0u64; SEND_BATCH];
    let start = Instant::now();
    let mut sent = 0u64;
    while sent < count {
        let due = u128::from(rate) * start.elapsed().as_micros() / 1_000_000;
        let due = u64::try_from(due).unwrap_or(u64::MAX).min(count);
        while sent < due {
            let mut first = usize::try_from(sent).expect("index");
            let mut left = usize::try_from(due - sent).unwrap_or(usize::MAX);
            let mut n = 0;
            while n < SEND_BATCH && left > 0 {
                let k = left.min(per);
                iovs[n] = libc::iovec {
                    iov_base: all[first * len..].as_ptr().cast_mut().cast(),
                    iov_len: k * len,
                };
                hdrs[n].msg_hdr.msg_iov = &raw mut iovs[n];
                hdrs[n].msg_hdr.msg_iovlen = 1;
                segs[n] = k as u64;
                first += k;
                left -= k;
                n += 1;
            }
            // SAFETY: headers 0..n point at iovecs over `all` (alive, read only by the
            // kernel); the socket is connected, so no address.
            let r = unsafe {
                libc::sendmmsg(
                    fd,
                    hdrs.as_mut_ptr(),
                    u32::try_from(n).unwrap_or(1),
                    libc::MSG_DONTWAIT,
                )
            };
            match usize::try_from(r) {
                Ok(k) if k > 0 => sent += segs[..k].iter().sum::<u64>(),
                // A full send buffer: try again next tick.
                _ if std::io::Error::last_os_error().kind() == std::io::ErrorKind::WouldBlock => {
                    break;
                }
                // ECONNREFUSED of an earlier datagram: that message is lost, count it sent.
                _ => sent += segs[0],
            }
            if inform {
                acks.drain(fd);
            }
        }
        if inform {
            acks.drain(fd);
        }
        std::thread::sleep(TICK);
    }
    let took = start.elapsed();
    if inform {
        let deadline = Instant::now() + ACK_WAIT;
        while acks.count < count && Instant::now() < deadline {
            acks.drain(fd);
            std::thread::sleep(TICK);
        }
    }
    println!("sent {} {}", took.as_secs_f64(), acks.count);
}

/// The Responses a sender of informs has read.
struct Acks {
    seen: Vec<bool>,
    count: u64,
    bufs: Vec<[u8; 512]>,
    iovs: Vec<libc::iovec>,
    hdrs: Vec<libc::mmsghdr>,
}

impl Acks {
    fn new(count: u64) -> Self {
        Self {
            seen: vec![false; usize::try_from(count).expect("count")],
            count: 0,
            bufs: vec![[0; 512]; SEND_BATCH],
            iovs: vec![
                libc::iovec {
                    iov_base: std::ptr::null_mut(),
                    iov_len: 0,
                };
                SEND_BATCH
            ],
            // SAFETY: all-zero mmsghdrs are valid empty headers; each is filled before use.
            hdrs: vec![unsafe { std::mem::zeroed() }; SEND_BATCH],
        }
    }

    /// Reads every Response waiting, counting each request-id once.
    fn drain(&mut self, fd: i32) {
        loop {
            for i in 0..SEND_BATCH {
                self.iovs[i] = libc::iovec {
                    iov_base: self.bufs[i].as_mut_ptr().cast(),
                    iov_len: 512,
                };
                self.hdrs[i].msg_hdr.msg_iov = &raw mut self.iovs[i];
                self.hdrs[i].msg_hdr.msg_iovlen = 1;
            }
            // SAFETY: each header points at its own iovec and 512-byte buffer in `self`.
            let n = unsafe {
                libc::recvmmsg(
                    fd,
                    self.hdrs.as_mut_ptr(),
                    u32::try_from(SEND_BATCH).unwrap_or(1),
                    libc::MSG_DONTWAIT,
                    std::ptr::null_mut(),
                )
            };
            let Ok(n) = usize::try_from(n) else { return };
            for i in 0..n {
                let len = usize::try_from(self.hdrs[i].msg_len).unwrap_or(0).min(512);
                let Ok(m) = Message::decode(&self.bufs[i][..len]) else {
                    continue;
                };
                if let Pdu::Response(g) = m.pdu {
                    let k = g.request_id.cast_unsigned().wrapping_sub(FIRST_ID);
                    if let Some(s) = self.seen.get_mut(usize::try_from(k).unwrap_or(usize::MAX))
                        && !*s
                    {
                        *s = true;
                        self.count += 1;
                    }
                }
            }
            if n < SEND_BATCH {
                return;
            }
        }
    }
}

/// CPU time of this process (all threads).
fn self_cpu() -> Duration {
    // SAFETY: an all-zero rusage is valid; getrusage writes only into it.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage writes only into `ru`, a valid rusage.
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &raw mut ru) } != 0 {
        return Duration::ZERO;
    }
    let tv = |t: libc::timeval| {
        Duration::from_secs(u64::try_from(t.tv_sec).unwrap_or(0))
            + Duration::from_micros(u64::try_from(t.tv_usec).unwrap_or(0))
    };
    tv(ru.ru_utime) + tv(ru.ru_stime)
}

/// CPU time of process `pid` from /proc (10 ms ticks).
fn proc_cpu(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<u64> = after
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    // Fields 14 and 15 of the whole line: utime and stime (index 11, 12 after the name).
    let ticks = f.get(11).unwrap_or(&0) + f.get(12).unwrap_or(&0);
    Duration::from_millis(ticks * 10)
}

fn spawn_sender(to: SocketAddr, count: u64, rate: u64, inform: bool, pinned: bool) -> Child {
    let no_gso = std::env::args().any(|a| a == "--no-gso");
    let mut c = Command::new(std::env::current_exe().expect("this program"));
    c.args([
        "--send",
        &to.to_string(),
        &count.to_string(),
        &rate.to_string(),
    ]);
    if inform {
        c.arg("--informs");
    }
    if no_gso {
        c.arg("--no-gso");
    }
    let child = c
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn the sender");
    if pinned {
        pin_pid(child.id(), cpus() - 1);
    }
    child
}

/// What the sender says: how long sending took, Responses read.
fn sender_report(child: Child) -> (Duration, u64) {
    let out = child.wait_with_output().expect("the sender");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut f = text.split_whitespace().skip(1);
    let secs: f64 = f.next().and_then(|s| s.parse().ok()).unwrap_or(0.0);
    let acked = f.next().and_then(|s| s.parse().ok()).unwrap_or(0);
    (Duration::from_secs_f64(secs), acked)
}

/// Counts and writes each notification as a JSON line into a buffer, written out when full.
struct JsonOut {
    out: std::fs::File,
    buf: String,
    count: Arc<AtomicU64>,
    /// Lines made by `serde_json` from a `Value` tree (`--json serde`).
    serde: bool,
}

impl Actor for JsonOut {
    type Context = Context<Self>;
}

impl Handler<Notification> for JsonOut {
    type Result = ();
    fn handle(&mut self, n: Notification, _: &mut Context<Self>) {
        if self.serde {
            self.buf.push_str(&text::to_json(&n).to_string());
            self.buf.push('\n');
        } else {
            text::write_json(&mut self.buf, &n);
        }
        if self.buf.len() >= OUT_BUFFER {
            let _ = self.out.write_all(self.buf.as_bytes());
            self.buf.clear();
        }
        self.count.fetch_add(1, Ordering::Relaxed);
    }
}

/// One row of the results.
struct Row {
    receiver: &'static str,
    rate: u64,
    delivered: u64,
    acked: u64,
    sending: Duration,
    cpu: Duration,
    wall: Duration,
}

async fn settle(count: impl Fn() -> u64) -> u64 {
    let mut last = count();
    loop {
        actix_rt::time::sleep(SETTLE).await;
        let now = count();
        if now == last {
            return now;
        }
        last = now;
    }
}

/// How snmpact's side is set up.
#[derive(Clone, Copy)]
struct Ours {
    /// Datagrams per `recvmmsg`.
    batch: usize,
    /// JSON lines through `serde_json`.
    serde: bool,
}

async fn run_snmpact(
    count: u64,
    rates: &[u64],
    inform: bool,
    pinned: bool,
    ours: Ours,
) -> Vec<Row> {
    let mut config = ListenerConfig::loopback(0);
    config.batch = ours.batch;
    let listener = Listener::new(config).expect("listen");
    let to = listener.local_addrs()[0];
    let listener = listener.start();
    let delivered = Arc::new(AtomicU64::new(0));
    let out = JsonOut {
        out: std::fs::File::create("/dev/null").expect("/dev/null"),
        buf: String::with_capacity(OUT_BUFFER + 4096),
        count: delivered.clone(),
        serde: ours.serde,
    }
    .start();
    let _ = listener.send(Subscribe(out.recipient())).await;
    let mut rows = Vec::new();
    for &rate in rates {
        let before = delivered.load(Ordering::Relaxed);
        let cpu0 = self_cpu();
        let t0 = Instant::now();
        let child = spawn_sender(to, count, rate, inform, pinned);
        let report = actix_rt::task::spawn_blocking(move || sender_report(child)).await;
        let (sending, acked) = report.unwrap_or_default();
        let after = settle(|| delivered.load(Ordering::Relaxed)).await;
        rows.push(Row {
            receiver: "snmpact",
            rate,
            delivered: after - before,
            acked,
            sending,
            cpu: self_cpu() - cpu0,
            wall: t0.elapsed() - SETTLE,
        });
    }
    rows
}

fn run_snmptrapd(count: u64, rates: &[u64], inform: bool, pinned: bool) -> Vec<Row> {
    let dir = std::env::temp_dir().join(format!("trap_bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(
        dir.join("snmptrapd.conf"),
        "authCommunity log public\ndoNotRetainNotificationLogs yes\n[snmp] serverRecvBuf 8388608\n",
    )
    .expect("config");
    let port = UdpSocket::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .expect("a free port")
        .port();
    let log = dir.join("log");
    let mut child = Command::new("snmptrapd")
        .args(["-f", "-C", "-n", "-Lf"])
        .arg(&log)
        .arg("-c")
        .arg(dir.join("snmptrapd.conf"))
        .arg(format!("udp:127.0.0.1:{port}"))
        .env("SNMP_PERSISTENT_DIR", dir.join("persist"))
        .env("MIBS", "")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("snmptrapd (apt-get install -y snmptrapd)");
    if pinned {
        pin_pid(child.id(), 0);
    }
    let lines = || {
        std::fs::read(&log)
            .map(|b| u64::try_from(b.iter().filter(|c| **c == b'\n').count()).unwrap_or(0))
            .unwrap_or(0)
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while lines() == 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let header = lines(); // the version line
    let to: SocketAddr = ([127, 0, 0, 1], port).into();
    let mut rows = Vec::new();
    let mut seen = 0;
    for &rate in rates {
        let cpu0 = proc_cpu(child.id());
        let t0 = Instant::now();
        let (sending, acked) = sender_report(spawn_sender(to, count, rate, inform, pinned));
        let mut last = lines();
        loop {
            std::thread::sleep(SETTLE);
            let now = lines();
            if now == last {
                break;
            }
            last = now;
        }
        let delivered = (last - header) / 2 - seen;
        seen += delivered;
        rows.push(Row {
            receiver: "snmptrapd",
            rate,
            delivered,
            acked,
            sending,
            cpu: proc_cpu(child.id()) - cpu0,
            wall: t0.elapsed() - SETTLE,
        });
    }
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
    rows
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let inform = args.iter().any(|a| a == "--informs");
    if args.first().map(String::as_str) == Some("--send") {
        let to = args[1].parse().expect("ADDR");
        send(
            to,
            args[2].parse().expect("COUNT"),
            args[3].parse().expect("RATE"),
            inform,
            !args.iter().any(|a| a == "--no-gso"),
        );
        return;
    }
    let value = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let count: u64 = value("--count").map_or(200_000, |v| v.parse().expect("--count N"));
    let rates: Vec<u64> = value("--rates")
        .unwrap_or_else(|| "100000,200000,300000".into())
        .split(',')
        .map(|r| r.parse().expect("--rates R1,R2,..."))
        .collect();
    let only = value("--only");
    let setup = Ours {
        batch: value("--batch").map_or(snmpact::notification::listener::DEFAULT_BATCH, |v| {
            v.parse().expect("--batch N")
        }),
        serde: value("--json").as_deref() == Some("serde"),
    };
    let pinned = !args.iter().any(|a| a == "--no-pin") && cpus() > 1;
    if pinned {
        pin(0);
    }
    let what = if inform { "informs" } else { "v2c traps" };
    eprintln!(
        "{count} {what} per burst, rates {rates:?}/s, {}",
        if pinned {
            "receivers on CPU 0, sender on the last CPU"
        } else {
            "not pinned"
        }
    );
    let theirs = if only.as_deref() == Some("snmpact") {
        Vec::new()
    } else {
        run_snmptrapd(count, &rates, inform, pinned)
    };
    let ours = if only.as_deref() == Some("snmptrapd") {
        Vec::new()
    } else {
        System::new().block_on(run_snmpact(count, &rates, inform, pinned, setup))
    };
    let acked = if inform { " acked |" } else { "" };
    println!(
        "| receiver | offered /s | sent /s | delivered |{acked} loss | received /s | CPU µs / notification |"
    );
    println!(
        "|---|---|---|---|{}---|---|---|",
        if inform { "---|" } else { "" }
    );
    for r in ours.iter().chain(&theirs) {
        // Informs are lost when not acknowledged; traps when not delivered.
        let got = if inform { r.acked } else { r.delivered };
        let loss = 100.0 * (count.saturating_sub(got)) as f64 / count as f64;
        let per = if r.delivered == 0 {
            0.0
        } else {
            r.cpu.as_secs_f64() * 1e6 / r.delivered as f64
        };
        let acked = if inform {
            format!(" {} |", r.acked)
        } else {
            String::new()
        };
        println!(
            "| {} | {} | {:.0} | {} |{acked} {loss:.2} % | {:.0} | {per:.2} |",
            r.receiver,
            r.rate,
            count as f64 / r.sending.as_secs_f64().max(1e-9),
            r.delivered,
            r.delivered as f64 / r.wall.as_secs_f64()
        );
    }
}
