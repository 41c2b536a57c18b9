//! `poller_bench --floor ADDRS INTERVAL`: the least a poller can do for the same load, run as a
//! third process beside the snmpact service and snmp_exporter in `--vs-exporter`.
//!
//! One thread and one blocking UDP socket: at every grid step (a hundredth of the interval, as
//! the service's poller steps) it sends each agent whose phase falls in the step the same GET
//! (sysUpTime.0 and the 10 counters, community `public`), then reads the step's answers, each
//! decoded and matched by request id, and sleeps until the next step. No session, no retry, no
//! rates, no output: what is left is the kernel's UDP path and the wake-ups such a pacing
//! costs on this machine, which no poller can go below. On stdin's end it prints
//! `sent= answered= unmatched= missing=` and exits.

use std::io::{Read, Write};
use std::net::{SocketAddr, UdpSocket};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use snmpact::pdu::{GenericPdu, Message, Pdu, VarBind, Version};

/// Grid steps per interval (the service's default, `poller::schedule::STEPS_PER_INTERVAL`).
const STEPS: u32 = 100;

/// The GET of one agent-cycle: sysUpTime.0, ifInOctets.1-5 and ifOutOctets.1-5 (its request
/// id set per send).
fn request() -> Message<'static> {
    let mut oids = vec!["1.3.6.1.2.1.1.3.0".to_owned()];
    for i in 1..=5 {
        oids.push(format!("1.3.6.1.2.1.2.2.1.10.{i}"));
        oids.push(format!("1.3.6.1.2.1.2.2.1.16.{i}"));
    }
    Message {
        version: Version::V2c,
        community: b"public".as_slice().into(),
        pdu: Pdu::GetRequest(GenericPdu {
            varbinds: oids
                .iter()
                .map(|o| VarBind::null(o.parse().expect("a valid OID")))
                .collect(),
            ..GenericPdu::default()
        }),
    }
}

pub(crate) fn client(addrs_file: &str, interval: &str) -> ExitCode {
    match run(addrs_file, interval) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("poller_bench --floor: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(addrs_file: &str, interval: &str) -> Result<(), Box<dyn std::error::Error>> {
    let every = snmpact::config::parse_duration(interval)?;
    let agents: Vec<SocketAddr> = std::fs::read_to_string(addrs_file)?
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()?;
    let step = every / STEPS;
    // Each agent's phase as the poller spreads a job's agents (and the scrapers of
    // snmp_exporter's run), rounded down to its grid step.
    let steps: Vec<Vec<usize>> = {
        let mut s = vec![Vec::new(); STEPS as usize];
        for (i, a) in agents.iter().enumerate() {
            let phase = snmpact::poller::schedule::phase("bench", &a.to_string(), every);
            let k = usize::try_from(phase.as_nanos() / step.as_nanos().max(1)).unwrap_or(0);
            let last = s.len() - 1;
            s[k.min(last)].push(i);
        }
        s
    };
    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let _ = std::io::stdin().read_to_end(&mut Vec::new());
            stop.store(true, Ordering::Relaxed);
        });
    }
    let sock = UdpSocket::bind("127.0.0.1:0")?;
    let mut buf = vec![0u8; 65_536];
    let mut get = request();
    let mut out = Vec::with_capacity(256);
    let (mut sent, mut answered, mut unmatched, mut missing) = (0u64, 0u64, 0u64, 0u64);
    let mut next_id: i32 = 1;
    let t0 = Instant::now();
    // Steps since t0 (u32: 13 years of 100 ms steps).
    let mut k: u32 = 0;
    while !stop.load(Ordering::Relaxed) {
        let at = t0 + step * k;
        if let Some(wait) = at.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        let due = &steps[usize::try_from(k % STEPS)?];
        k += 1;
        let first = next_id;
        for &i in due {
            get.pdu.set_request_id(next_id);
            out.clear();
            get.encode(&mut out);
            sock.send_to(&out, agents[i])?;
            next_id = next_id.wrapping_add(1).max(1);
            sent += 1;
        }
        let mut want = due.len();
        let deadline = t0 + step * k;
        while want > 0 {
            let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                break;
            };
            sock.set_read_timeout(Some(left.max(Duration::from_micros(1))))?;
            let Ok((len, _)) = sock.recv_from(&mut buf) else {
                break;
            };
            let ok = Message::decode(&buf[..len]).is_ok_and(|m| {
                m.pdu
                    .request_id()
                    .is_some_and(|id| id >= first && id < next_id)
                    && m.pdu.varbinds().len() == 11
            });
            if ok {
                answered += 1;
                want -= 1;
            } else {
                unmatched += 1;
            }
        }
        missing += want as u64;
    }
    writeln!(
        std::io::stdout().lock(),
        "sent={sent} answered={answered} unmatched={unmatched} missing={missing}"
    )?;
    Ok(())
}
