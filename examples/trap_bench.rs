//! Receives paced bursts of SNMPv2c traps (or informs) with snmpact's listener and with
//! net-snmp's `snmptrapd` in the same run, and prints per rate: what was delivered, the loss,
//! and the receiver's CPU per notification (BENCHMARKS.md, "Notifications").
//!
//! `cargo run --release --example trap_bench` (about a minute; needs `snmptrapd`:
//! `apt-get install -y snmptrapd`). Options: `-- --count 200000 --rates 50000,100000,200000
//! --informs`.
//!
//! - The sender is a child process (this example again, `--send`), on the other core: one
//!   connected UDP socket, a pre-encoded trap (sysUpTime.0, snmpTrapOID.0 and two more varbinds,
//!   115 bytes) with its request-id patched, paced in 1 ms ticks. With `--informs` it sends
//!   informs and drains the Responses without waiting for them.
//! - snmpact: a `Listener` (no rate limit) in this process, its notifications delivered to an
//!   actor writing each as a JSON line ([`text::write_json`]) into a buffered `/dev/null`.
//!   CPU is `getrusage(RUSAGE_SELF)` over the burst (the sender is another process).
//! - snmptrapd: `-f -Lf FILE -C -c CONF` logging every trap in its default format; delivered =
//!   log lines / 2; CPU from `/proc/PID/stat` (utime + stime, 10 ms ticks).
//! - A burst ends when the sender is done and the receiver's count stays still for 300 ms.

use std::io::Write;
use std::net::{SocketAddr, UdpSocket};
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

/// The child: sends `count` notifications to `to` at `rate` a second.
fn send(to: SocketAddr, count: u64, rate: u64, inform: bool) {
    let sock = UdpSocket::bind("127.0.0.1:0").expect("bind");
    sock.connect(to).expect("connect");
    sock.set_nonblocking(true).expect("nonblocking");
    let mut msg = trap(inform);
    // The request-id's four content octets: `02 04 01 00 00 00` after the PDU header.
    let at = msg
        .windows(6)
        .position(|w| w == [0x02, 0x04, 0x01, 0x00, 0x00, 0x00])
        .expect("request-id")
        + 2;
    let start = Instant::now();
    let mut sent = 0u64;
    let mut buf = [0u8; 2048];
    while sent < count {
        let due = u128::from(rate) * start.elapsed().as_micros() / 1_000_000;
        let due = u64::try_from(due).unwrap_or(u64::MAX).min(count);
        while sent < due {
            let id = 0x0100_0000u32.wrapping_add(u32::try_from(sent % (1 << 31)).unwrap_or(0));
            msg[at..at + 4].copy_from_slice(&id.to_be_bytes());
            match sock.send(&msg) {
                Ok(_) => sent += 1,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                Err(_) => sent += 1, // ECONNREFUSED of an earlier datagram: count it sent
            }
        }
        while inform && sock.recv(&mut buf).is_ok() {}
        std::thread::sleep(TICK);
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

fn spawn_sender(to: SocketAddr, count: u64, rate: u64, inform: bool) -> Child {
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
    c.stdin(Stdio::null()).spawn().expect("spawn the sender")
}

/// Counts and writes each notification as a JSON line.
struct JsonOut {
    out: std::io::BufWriter<std::fs::File>,
    line: String,
    count: Arc<AtomicU64>,
}

impl Actor for JsonOut {
    type Context = Context<Self>;
}

impl Handler<Notification> for JsonOut {
    type Result = ();
    fn handle(&mut self, n: Notification, _: &mut Context<Self>) {
        self.line.clear();
        text::write_json(&mut self.line, &n);
        let _ = self.out.write_all(self.line.as_bytes());
        self.count.fetch_add(1, Ordering::Relaxed);
    }
}

/// One row of the results.
struct Row {
    receiver: &'static str,
    rate: u64,
    delivered: u64,
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

async fn run_snmpact(count: u64, rates: &[u64], inform: bool) -> Vec<Row> {
    let listener = Listener::new(ListenerConfig::loopback(0)).expect("listen");
    let to = listener.local_addrs()[0];
    let listener = listener.start();
    let delivered = Arc::new(AtomicU64::new(0));
    let out = JsonOut {
        out: std::io::BufWriter::with_capacity(
            1 << 16,
            std::fs::File::create("/dev/null").expect("/dev/null"),
        ),
        line: String::new(),
        count: delivered.clone(),
    }
    .start();
    let _ = listener.send(Subscribe(out.recipient())).await;
    let mut rows = Vec::new();
    for &rate in rates {
        let before = delivered.load(Ordering::Relaxed);
        let cpu0 = self_cpu();
        let t0 = Instant::now();
        let mut child = spawn_sender(to, count, rate, inform);
        let _ = actix_rt::task::spawn_blocking(move || child.wait()).await;
        let after = settle(|| delivered.load(Ordering::Relaxed)).await;
        rows.push(Row {
            receiver: "snmpact",
            rate,
            delivered: after - before,
            cpu: self_cpu() - cpu0,
            wall: t0.elapsed() - SETTLE,
        });
    }
    rows
}

fn run_snmptrapd(count: u64, rates: &[u64], inform: bool) -> Vec<Row> {
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
        let _ = spawn_sender(to, count, rate, inform).wait();
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
        .unwrap_or_else(|| "50000,100000,200000,300000".into())
        .split(',')
        .map(|r| r.parse().expect("--rates R1,R2,..."))
        .collect();
    let what = if inform { "informs" } else { "v2c traps" };
    eprintln!("{count} {what} per burst, rates {rates:?}/s");
    let theirs = run_snmptrapd(count, &rates, inform);
    let system = System::new();
    let ours = system.block_on(run_snmpact(count, &rates, inform));
    println!("| receiver | offered /s | delivered | loss | received /s | CPU µs / notification |");
    println!("|---|---|---|---|---|---|");
    for r in ours.iter().chain(&theirs) {
        let loss = 100.0 * (count.saturating_sub(r.delivered)) as f64 / count as f64;
        let per = if r.delivered == 0 {
            0.0
        } else {
            r.cpu.as_secs_f64() * 1e6 / r.delivered as f64
        };
        println!(
            "| {} | {} | {} | {loss:.2} % | {:.0} | {per:.2} |",
            r.receiver,
            r.rate,
            r.delivered,
            r.delivered as f64 / r.wall.as_secs_f64()
        );
    }
}
