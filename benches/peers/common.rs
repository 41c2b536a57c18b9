//! What every GET client of the peer benchmark shares: the load's description (read from the
//! command line the orchestrator gives each client process), the measurement protocol, and the
//! one result line each client prints. The C client (`netsnmp_get.c`) follows the same protocol
//! and prints the same line.
//!
//! Protocol, in every client:
//! 1. `rss_base`: resident memory before any session exists.
//! 2. Open one session per agent (csnmp: one client per request slot and agent, see there), then
//!    GET `sysUpTime.0` once from every agent, `inflight` at a time: every session has been
//!    used. `rss_open`: resident memory now.
//! 3. Closed loop: `inflight` slots, each with one GET outstanding; slot `k` asks agents `k`,
//!    `k + inflight`, `k + 2 inflight`, ... (mod agents). Warm-up, then a measured window: only
//!    answers arriving in the window count, with their latency from send to answer.
//! 4. Print `rate= p50_us= p99_us= cpu_us= agent_pct= others_pct= rss_base_kb= rss_open_kb=
//!    sessions= errors=` on one stdout line (`others_pct`: the CPU every other process on the
//!    machine used in the window, so that a noisy row shows).

use std::fmt;
use std::time::Duration;

/// The polled object: sysUpTime.0, present in the demo device every agent serves.
pub(crate) const OID: &str = "1.3.6.1.2.1.1.3.0";
/// Wait for an answer before a retry, in every client.
pub(crate) const TIMEOUT: Duration = Duration::from_secs(1);
/// Retries in every client.
pub(crate) const RETRIES: u32 = 3;
/// Linux's `USER_HZ`: the unit of `/proc/PID/stat` CPU times (an ABI constant).
const USER_HZ: u64 = 100;

/// The load a client process is told to run.
#[derive(Debug, Clone)]
pub(crate) struct Load {
    /// The agents' ports on 127.0.0.1.
    pub(crate) ports: Vec<u16>,
    /// Requests outstanding.
    pub(crate) inflight: usize,
    /// Warm-up before the window.
    pub(crate) warmup: Duration,
    /// The measured window.
    pub(crate) window: Duration,
    /// The agents' process, for its CPU.
    pub(crate) agent_pid: u32,
}

impl Load {
    /// The command-line arguments that [`Load::parse`] reads back.
    pub(crate) fn args(&self) -> Vec<String> {
        vec![
            "--ports".into(),
            snmpact::simulator::format_ports(&self.ports),
            "--inflight".into(),
            self.inflight.to_string(),
            "--warmup".into(),
            self.warmup.as_secs_f64().to_string(),
            "--window".into(),
            self.window.as_secs_f64().to_string(),
            "--agent-pid".into(),
            self.agent_pid.to_string(),
        ]
    }

    /// Reads the arguments [`Load::args`] wrote.
    pub(crate) fn parse(args: &[String]) -> Result<Self, String> {
        let get = |name: &str| -> Result<&str, String> {
            args.iter()
                .position(|a| a == name)
                .and_then(|i| args.get(i + 1))
                .map(String::as_str)
                .ok_or_else(|| format!("missing {name}"))
        };
        let secs = |name: &str| -> Result<Duration, String> {
            get(name)?
                .parse::<f64>()
                .map(Duration::from_secs_f64)
                .map_err(|e| format!("{name}: {e}"))
        };
        Ok(Self {
            ports: snmpact::simulator::parse_ports(get("--ports")?)?,
            inflight: get("--inflight")?.parse().map_err(|e| format!("{e}"))?,
            warmup: secs("--warmup")?,
            window: secs("--window")?,
            agent_pid: get("--agent-pid")?.parse().map_err(|e| format!("{e}"))?,
        })
    }

    /// The agent slot `k` asks after `agent`.
    pub(crate) fn next_agent(&self, agent: usize) -> usize {
        (agent + self.inflight) % self.ports.len()
    }
}

/// One client's figures for one load.
#[derive(Debug, Clone, Default)]
pub(crate) struct Outcome {
    /// Answers per second in the window.
    pub(crate) rate: f64,
    /// Median latency, µs.
    pub(crate) p50_us: f64,
    /// 99th percentile latency, µs.
    pub(crate) p99_us: f64,
    /// Client CPU per answer (all its threads), µs.
    pub(crate) cpu_us: f64,
    /// The agents' process CPU in the window, percent of one core.
    pub(crate) agent_pct: f64,
    /// CPU of every other process on the machine in the window, percent of one core.
    pub(crate) others_pct: f64,
    /// RSS before any session, KiB.
    pub(crate) rss_base_kb: u64,
    /// RSS with every session open and used once, KiB.
    pub(crate) rss_open_kb: u64,
    /// Sessions (or clients) open.
    pub(crate) sessions: usize,
    /// Failed requests (timeouts included) in the window.
    pub(crate) errors: u64,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "rate={:.0} p50_us={:.1} p99_us={:.1} cpu_us={:.2} agent_pct={:.0} others_pct={:.0} rss_base_kb={} rss_open_kb={} sessions={} errors={}",
            self.rate,
            self.p50_us,
            self.p99_us,
            self.cpu_us,
            self.agent_pct,
            self.others_pct,
            self.rss_base_kb,
            self.rss_open_kb,
            self.sessions,
            self.errors
        )
    }
}

impl Outcome {
    /// Reads a result line (the last line of a client's stdout that holds `rate=`).
    pub(crate) fn parse(text: &str) -> Option<Self> {
        let line = text.lines().rev().find(|l| l.contains("rate="))?;
        let mut o = Outcome::default();
        for kv in line.split_whitespace() {
            let (k, v) = kv.split_once('=')?;
            let f = || v.parse::<f64>().ok();
            match k {
                "rate" => o.rate = f()?,
                "p50_us" => o.p50_us = f()?,
                "p99_us" => o.p99_us = f()?,
                "cpu_us" => o.cpu_us = f()?,
                "agent_pct" => o.agent_pct = f()?,
                "others_pct" => o.others_pct = f()?,
                "rss_base_kb" => o.rss_base_kb = v.parse().ok()?,
                "rss_open_kb" => o.rss_open_kb = v.parse().ok()?,
                "sessions" => o.sessions = v.parse().ok()?,
                "errors" => o.errors = v.parse().ok()?,
                _ => {}
            }
        }
        Some(o)
    }
}

/// What a client records while it runs, and turns into an [`Outcome`].
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    /// Latencies of the answers in the window.
    pub(crate) latencies: Vec<Duration>,
    /// Failures in the window.
    pub(crate) errors: u64,
    /// True inside the window.
    pub(crate) measuring: bool,
}

impl Recorder {
    /// Notes one answered request.
    pub(crate) fn answered(&mut self, latency: Duration) {
        if self.measuring {
            self.latencies.push(latency);
        }
    }

    /// Notes one failed request.
    pub(crate) fn failed(&mut self) {
        if self.measuring {
            self.errors += 1;
        }
    }
}

/// Clock readings at the window's edges.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Probe {
    own: Duration,
    agent: Duration,
    machine: Duration,
}

impl Probe {
    /// Reads this process's and the agents' CPU time now.
    pub(crate) fn now(load: &Load) -> Self {
        Self {
            own: proc_cpu(std::process::id()),
            agent: proc_cpu(load.agent_pid),
            machine: machine_busy(),
        }
    }
}

/// The outcome of a window from `p0` to `p1` of `load.window`.
pub(crate) fn outcome(
    rec: &mut Recorder,
    load: &Load,
    p0: Probe,
    p1: Probe,
    rss: (u64, u64),
    sessions: usize,
) -> Outcome {
    let secs = load.window.as_secs_f64();
    let n = rec.latencies.len();
    rec.latencies.sort_unstable();
    // The q-th per mille: the smallest latency with at least q/1000 of them at or below it.
    let pct = |q: usize| -> f64 {
        if n == 0 {
            return 0.0;
        }
        let i = (n * q).div_ceil(1000).clamp(1, n) - 1;
        rec.latencies[i].as_secs_f64() * 1e6
    };
    Outcome {
        rate: n as f64 / secs,
        p50_us: pct(500),
        p99_us: pct(990),
        cpu_us: p1.own.saturating_sub(p0.own).as_secs_f64() * 1e6 / n.max(1) as f64,
        agent_pct: p1.agent.saturating_sub(p0.agent).as_secs_f64() * 100.0 / secs,
        others_pct: p1
            .machine
            .saturating_sub(p0.machine)
            .saturating_sub(p1.own.saturating_sub(p0.own))
            .saturating_sub(p1.agent.saturating_sub(p0.agent))
            .as_secs_f64()
            * 100.0
            / secs,
        rss_base_kb: rss.0,
        rss_open_kb: rss.1,
        sessions,
        errors: rec.errors,
    }
}

/// utime + stime of process `pid` so far, from `/proc/PID/stat` (zero when it is gone).
pub(crate) fn proc_cpu(pid: u32) -> Duration {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return Duration::ZERO;
    };
    // The command name may hold spaces: the fields after it start after the last ')'.
    let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
        return Duration::ZERO;
    };
    let f: Vec<&str> = rest.split_whitespace().collect();
    // After ')': state is field 3 of the man page, utime 14 and stime 15.
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    Duration::from_millis((ticks(11) + ticks(12)) * 1000 / USER_HZ)
}

/// Busy CPU time of the whole machine so far (all cores, every process): the first line of
/// `/proc/stat` without idle and iowait.
pub(crate) fn machine_busy() -> Duration {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let busy: u64 = stat
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .skip(1)
        .take(8) // user nice system idle iowait irq softirq steal
        .enumerate()
        .filter(|(i, _)| *i != 3 && *i != 4)
        .filter_map(|(_, v)| v.parse::<u64>().ok())
        .sum();
    Duration::from_millis(busy * 1000 / USER_HZ)
}

/// Resident memory of this process, KiB (`VmRSS` in `/proc/self/status`).
pub(crate) fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}
