//! Who may use the console, and what trying costs: the allow-list of client networks
//! ([`Network`]), the per-source limiter of wrong passwords ([`AuthLimiter`]: a growing delay,
//! then a temporary ban) and the counters both feed ([`GuardCounters`], shown by `stats` and the
//! Prometheus endpoint). Pure: time is passed in, nothing here does I/O.
//!
//! The limiter counts per source address, not per connection, so reconnecting does not reset
//! it; it remembers at most [`MAX_SOURCES`] addresses (the oldest is forgotten first), so a
//! flood of sources costs bounded memory.

use std::collections::HashMap;
use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde::{Deserialize, Deserializer};

/// Wait after a source's first wrong password; it doubles with each further one.
pub const FIRST_DELAY: Duration = Duration::from_millis(500);
/// The longest wait between two tries.
pub const MAX_DELAY: Duration = Duration::from_secs(8);
/// Wrong passwords from one source (without a right one between) before it is banned.
pub const BAN_AFTER: u32 = 10;
/// How long a banned source is refused.
pub const BAN_TIME: Duration = Duration::from_secs(300);
/// A source without a wrong password for this long starts afresh.
pub const FORGET_AFTER: Duration = Duration::from_secs(900);
/// Most sources remembered at once.
pub const MAX_SOURCES: usize = 4096;

/// A client network of the allow-list: `10.0.0.0/8`, `192.0.2.7` (one address), `::1/128`.
/// An IPv4-mapped IPv6 client (`::ffff:10.1.2.3`) matches the IPv4 networks.
///
/// ```
/// use snmpact::console::guard::Network;
/// let n: Network = "10.1.0.0/16".parse().unwrap();
/// assert!(n.contains("10.1.200.3".parse().unwrap()));
/// assert!(!n.contains("10.2.0.1".parse().unwrap()));
/// assert!("10.0.0.0/33".parse::<Network>().is_err());
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Network {
    addr: IpAddr,
    prefix: u8,
}

impl Network {
    /// True when `ip` is inside this network.
    #[must_use]
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip.to_canonical()) {
            (IpAddr::V4(n), IpAddr::V4(a)) => prefix_eq(&n.octets(), &a.octets(), self.prefix),
            (IpAddr::V6(n), IpAddr::V6(a)) => prefix_eq(&n.octets(), &a.octets(), self.prefix),
            _ => false,
        }
    }
}

/// True when the first `bits` bits of `a` and `b` are equal.
fn prefix_eq(a: &[u8], b: &[u8], bits: u8) -> bool {
    let bits = usize::from(bits);
    let (whole, rest) = (bits / 8, bits % 8);
    if a[..whole] != b[..whole] {
        return false;
    }
    if rest == 0 {
        return true;
    }
    let mask = 0xffu8 << (8 - rest);
    (a[whole] & mask) == (b[whole] & mask)
}

/// Why a network was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a network (write ADDRESS or ADDRESS/PREFIX: \"10.0.0.0/8\", \"::1/128\")")]
pub struct NetworkError(String);

impl FromStr for Network {
    type Err = NetworkError;

    fn from_str(s: &str) -> Result<Self, NetworkError> {
        let bad = || NetworkError(s.to_owned());
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = addr.trim().parse().map_err(|_| bad())?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p.trim().parse::<u8>().map_err(|_| bad())?,
            None => max,
        };
        if prefix > max {
            return Err(bad());
        }
        Ok(Self { addr, prefix })
    }
}

impl fmt::Display for Network {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

impl fmt::Debug for Network {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl<'de> Deserialize<'de> for Network {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// True when `allow` is empty (everyone) or a network of it holds `ip`.
#[must_use]
pub fn allowed(allow: &[Network], ip: IpAddr) -> bool {
    allow.is_empty() || allow.iter().any(|n| n.contains(ip))
}

/// What a wrong password costs its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// It may try again after this wait.
    Retry(Duration),
    /// This failure started a ban of this long.
    Banned(Duration),
    /// It was banned already, for this much longer.
    StillBanned(Duration),
}

#[derive(Debug, Clone, Copy)]
struct Source {
    /// Wrong passwords since the last right one (or since it was forgotten or unbanned).
    failures: u32,
    /// The last wrong password.
    last: Instant,
    /// Refused until then.
    banned_until: Option<Instant>,
}

/// Wrong passwords per source address: a growing delay ([`FIRST_DELAY`] doubling up to
/// [`MAX_DELAY`]), then after [`BAN_AFTER`] a ban of [`BAN_TIME`].
#[derive(Debug, Default)]
pub struct AuthLimiter {
    sources: HashMap<IpAddr, Source>,
}

impl AuthLimiter {
    /// A limiter that remembers nothing yet.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// How long `ip` stays banned, or `None` when it may connect.
    pub fn banned(&mut self, ip: IpAddr, now: Instant) -> Option<Duration> {
        let ip = ip.to_canonical();
        let s = self.sources.get_mut(&ip)?;
        match s.banned_until {
            Some(until) if until > now => Some(until - now),
            Some(_) => {
                // The ban is over: start afresh.
                self.sources.remove(&ip);
                None
            }
            None => None,
        }
    }

    /// Records a wrong password from `ip` at `now`.
    pub fn failure(&mut self, ip: IpAddr, now: Instant) -> Verdict {
        let ip = ip.to_canonical();
        if let Some(left) = self.banned(ip, now) {
            return Verdict::StillBanned(left);
        }
        if !self.sources.contains_key(&ip) && self.sources.len() >= MAX_SOURCES {
            self.prune(now);
        }
        let s = self.sources.entry(ip).or_insert(Source {
            failures: 0,
            last: now,
            banned_until: None,
        });
        if now.saturating_duration_since(s.last) >= FORGET_AFTER {
            s.failures = 0;
        }
        s.failures += 1;
        s.last = now;
        if s.failures >= BAN_AFTER {
            s.banned_until = Some(now + BAN_TIME);
            return Verdict::Banned(BAN_TIME);
        }
        let doublings = (s.failures - 1).min(16);
        Verdict::Retry(FIRST_DELAY.saturating_mul(1 << doublings).min(MAX_DELAY))
    }

    /// Records a right password from `ip`: its count starts afresh.
    pub fn success(&mut self, ip: IpAddr) {
        self.sources.remove(&ip.to_canonical());
    }

    /// Sources remembered now.
    #[must_use]
    pub fn len(&self) -> usize {
        self.sources.len()
    }

    /// True when no source is remembered.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.sources.is_empty()
    }

    /// Forgets what is stale; when still full, the source whose last failure is oldest
    /// (banned ones last).
    fn prune(&mut self, now: Instant) {
        self.sources.retain(|_, s| match s.banned_until {
            Some(until) => until > now,
            None => now.saturating_duration_since(s.last) < FORGET_AFTER,
        });
        if self.sources.len() >= MAX_SOURCES
            && let Some(oldest) = self
                .sources
                .iter()
                .min_by_key(|(_, s)| (s.banned_until.is_some(), s.last))
                .map(|(ip, _)| *ip)
        {
            self.sources.remove(&oldest);
        }
    }
}

/// Why a connection was refused before it could type anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Its address is not in `allow`.
    NotAllowed,
    /// Its address is banned (too many wrong passwords).
    Banned,
    /// `max_connections` are open.
    Full,
}

impl Refusal {
    /// Every reason, for the metrics.
    pub const ALL: [Refusal; 3] = [Self::NotAllowed, Self::Banned, Self::Full];

    /// A short stable label (`not_allowed`, `banned`, `full`).
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::NotAllowed => "not_allowed",
            Self::Banned => "banned",
            Self::Full => "full",
        }
    }
}

/// The console's security counters, shared by the listener, the connections, `stats` and
/// the metrics. Only ever incremented.
#[derive(Debug, Default)]
pub struct GuardCounters {
    auth_ok: AtomicU64,
    auth_failures: AtomicU64,
    bans: AtomicU64,
    refused: [AtomicU64; 3],
    accept_errors: AtomicU64,
}

/// A snapshot of [`GuardCounters`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GuardStats {
    /// Right passwords.
    pub auth_ok: u64,
    /// Wrong passwords.
    pub auth_failures: u64,
    /// Bans started.
    pub bans: u64,
    /// Connections refused, by [`Refusal`] (in the order of [`Refusal::ALL`]).
    pub refused: [u64; 3],
    /// Failed accepts (the open-files limit and the like).
    pub accept_errors: u64,
}

impl GuardStats {
    /// Connections refused for `why`.
    #[must_use]
    pub fn refused(&self, why: Refusal) -> u64 {
        self.refused[why as usize]
    }
}

impl GuardCounters {
    /// A right password.
    pub fn auth_ok(&self) {
        self.auth_ok.fetch_add(1, Ordering::Relaxed);
    }

    /// A wrong password and what it cost.
    pub fn auth_failed(&self, verdict: Verdict) {
        self.auth_failures.fetch_add(1, Ordering::Relaxed);
        if matches!(verdict, Verdict::Banned(_)) {
            self.bans.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// A connection refused.
    pub fn refused(&self, why: Refusal) {
        self.refused[why as usize].fetch_add(1, Ordering::Relaxed);
    }

    /// A failed accept.
    pub fn accept_error(&self) {
        self.accept_errors.fetch_add(1, Ordering::Relaxed);
    }

    /// The counters now.
    #[must_use]
    pub fn snapshot(&self) -> GuardStats {
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        GuardStats {
            auth_ok: get(&self.auth_ok),
            auth_failures: get(&self.auth_failures),
            bans: get(&self.bans),
            refused: [
                get(&self.refused[0]),
                get(&self.refused[1]),
                get(&self.refused[2]),
            ],
            accept_errors: get(&self.accept_errors),
        }
    }
}

impl crate::output::MetricsSource for GuardCounters {
    /// `snmpact_console_auth_total{result="ok"|"failed"}`, `snmpact_console_bans_total`,
    /// `snmpact_console_refused_total{reason}`, `snmpact_console_accept_errors_total`.
    fn render(&self, out: &mut String) {
        use std::fmt::Write as _;
        let s = self.snapshot();
        let family = |out: &mut String, name: &str, help: &str| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter");
        };
        family(
            out,
            "snmpact_console_auth_total",
            "Console passwords given, by result.",
        );
        let _ = writeln!(
            out,
            "snmpact_console_auth_total{{result=\"ok\"}} {}",
            s.auth_ok
        );
        let _ = writeln!(
            out,
            "snmpact_console_auth_total{{result=\"failed\"}} {}",
            s.auth_failures
        );
        family(
            out,
            "snmpact_console_bans_total",
            "Console source addresses banned for wrong passwords.",
        );
        let _ = writeln!(out, "snmpact_console_bans_total {}", s.bans);
        family(
            out,
            "snmpact_console_refused_total",
            "Console connections refused, by reason.",
        );
        for why in Refusal::ALL {
            let _ = writeln!(
                out,
                "snmpact_console_refused_total{{reason=\"{}\"}} {}",
                why.label(),
                s.refused(why)
            );
        }
        family(
            out,
            "snmpact_console_accept_errors_total",
            "Console accepts that failed (open-files limit...).",
        );
        let _ = writeln!(
            out,
            "snmpact_console_accept_errors_total {}",
            s.accept_errors
        );
    }
}

impl fmt::Display for GuardStats {
    /// The `stats` line: `console: passwords 2 right, 5 wrong, 0 bans; refused 1 not_allowed,
    /// 0 banned, 0 full; accept errors 0`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "console: passwords {} right, {} wrong, {} bans; refused",
            self.auth_ok, self.auth_failures, self.bans
        )?;
        for (i, why) in Refusal::ALL.iter().enumerate() {
            let sep = if i == 0 { "" } else { "," };
            write!(f, "{sep} {} {}", self.refused(*why), why.label())?;
        }
        write!(f, "; accept errors {}", self.accept_errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn networks_parse_and_match() {
        let cases = [
            ("10.0.0.0/8", "10.255.1.2", true),
            ("10.0.0.0/8", "11.0.0.1", false),
            ("192.0.2.7", "192.0.2.7", true),
            ("192.0.2.7", "192.0.2.8", false),
            ("192.0.2.0/25", "192.0.2.127", true),
            ("192.0.2.0/25", "192.0.2.128", false),
            ("0.0.0.0/0", "203.0.113.9", true),
            ("::1/128", "::1", true),
            ("fd00::/8", "fd12::1", true),
            ("fd00::/8", "fe80::1", false),
            ("10.0.0.0/8", "::ffff:10.1.2.3", true),
            ("10.0.0.0/8", "fd00::1", false),
            ("::/0", "10.0.0.1", false),
        ];
        for (net, addr, want) in cases {
            let n: Network = net.parse().unwrap();
            assert_eq!(n.contains(ip(addr)), want, "{net} ∋ {addr}");
        }
        for bad in [
            "",
            "10.0.0.0/33",
            "::/129",
            "10.0.0/8",
            "host/8",
            "10.0.0.0/x",
        ] {
            let e = bad.parse::<Network>().unwrap_err();
            assert!(e.to_string().contains("is not a network"), "{bad}: {e}");
        }
        assert_eq!(
            "10.1.0.0/16".parse::<Network>().unwrap().to_string(),
            "10.1.0.0/16"
        );
        assert!(allowed(&[], ip("203.0.113.1")));
        let list: Vec<Network> = vec!["127.0.0.0/8".parse().unwrap()];
        assert!(allowed(&list, ip("127.0.0.2")));
        assert!(!allowed(&list, ip("192.0.2.1")));
    }

    #[test]
    fn wrong_passwords_cost_a_growing_delay_then_a_ban() {
        let t0 = Instant::now();
        let mut g = AuthLimiter::new();
        let a = ip("192.0.2.1");
        let mut delays = Vec::new();
        for i in 0..BAN_AFTER - 1 {
            let now = t0 + Duration::from_secs(u64::from(i));
            match g.failure(a, now) {
                Verdict::Retry(d) => delays.push(d.as_millis()),
                v => panic!("{v:?} after {i}"),
            }
            assert_eq!(g.banned(a, now), None);
        }
        assert_eq!(
            delays,
            [500, 1000, 2000, 4000, 8000, 8000, 8000, 8000, 8000]
        );
        let now = t0 + Duration::from_secs(20);
        assert_eq!(g.failure(a, now), Verdict::Banned(BAN_TIME));
        assert_eq!(g.banned(a, now), Some(BAN_TIME));
        // Another source is not affected.
        assert_eq!(g.banned(ip("192.0.2.2"), now), None);
        assert_eq!(g.failure(ip("192.0.2.2"), now), Verdict::Retry(FIRST_DELAY));
        // Still banned a minute later; trying again does not extend it.
        let later = now + Duration::from_secs(60);
        assert_eq!(
            g.failure(a, later),
            Verdict::StillBanned(BAN_TIME - Duration::from_secs(60))
        );
        // Once the ban is over it starts afresh.
        let after = now + BAN_TIME;
        assert_eq!(g.banned(a, after), None);
        assert_eq!(g.failure(a, after), Verdict::Retry(FIRST_DELAY));
    }

    #[test]
    fn a_right_password_or_time_forgets_the_failures() {
        let t0 = Instant::now();
        let mut g = AuthLimiter::new();
        let a = ip("::ffff:192.0.2.1");
        assert_eq!(g.failure(a, t0), Verdict::Retry(FIRST_DELAY));
        assert_eq!(
            g.failure(ip("192.0.2.1"), t0),
            Verdict::Retry(FIRST_DELAY * 2)
        );
        g.success(ip("192.0.2.1"));
        assert!(g.is_empty());
        assert_eq!(g.failure(a, t0), Verdict::Retry(FIRST_DELAY));
        assert_eq!(g.failure(a, t0 + FORGET_AFTER), Verdict::Retry(FIRST_DELAY));
    }

    #[test]
    fn memory_is_bounded_by_max_sources() {
        let t0 = Instant::now();
        let mut g = AuthLimiter::new();
        let max = u32::try_from(MAX_SOURCES).unwrap();
        for i in 0..(max + 500) {
            let a = IpAddr::from(std::net::Ipv4Addr::from(0x0a00_0000 + i));
            let _ = g.failure(a, t0 + Duration::from_millis(u64::from(i)));
        }
        assert!(g.len() <= MAX_SOURCES, "{}", g.len());
        // The newest is remembered, the oldest forgotten.
        let newest = IpAddr::from(std::net::Ipv4Addr::from(0x0a00_0000 + max + 499));
        assert_eq!(
            g.failure(newest, t0 + Duration::from_secs(10)),
            Verdict::Retry(FIRST_DELAY * 2)
        );
    }

    #[test]
    fn counters_snapshot_and_stats_line() {
        let c = GuardCounters::default();
        c.auth_ok();
        c.auth_failed(Verdict::Retry(FIRST_DELAY));
        c.auth_failed(Verdict::Banned(BAN_TIME));
        c.refused(Refusal::NotAllowed);
        c.refused(Refusal::Banned);
        c.refused(Refusal::Banned);
        c.accept_error();
        let s = c.snapshot();
        assert_eq!((s.auth_ok, s.auth_failures, s.bans), (1, 2, 1));
        assert_eq!(s.refused(Refusal::Banned), 2);
        assert_eq!(
            s.to_string(),
            "console: passwords 1 right, 2 wrong, 1 bans; refused 1 not_allowed, 2 banned, 0 full; accept errors 1"
        );
    }
}
