//! The two bounded memories of the notification receiver, with the time passed in:
//! [`DedupWindow`] (which informs were delivered lately, so a retransmission is acknowledged
//! again but delivered once) and [`RateLimiter`] (a token bucket per source address, so a flood
//! from one sender cannot starve the others). Pure.

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

/// Most informs remembered at once; the oldest is forgotten first beyond it.
pub const MAX_REMEMBERED: usize = 65_536;
/// Most sources with a bucket at once; idle full buckets are forgotten beyond it.
pub const MAX_SOURCES: usize = 16_384;

/// Informs delivered within the last `window`: by source address and port, request-id and a
/// hash of their content.
#[derive(Debug)]
pub struct DedupWindow {
    window: Duration,
    /// (source, request-id) -> (content hash, when delivered).
    seen: HashMap<(SocketAddr, i32), (u64, Instant)>,
    /// Insertion order, to expire and to bound `seen`.
    order: VecDeque<(Instant, SocketAddr, i32)>,
}

impl DedupWindow {
    /// A window of `window` (zero: nothing is ever a duplicate).
    #[must_use]
    pub fn new(window: Duration) -> Self {
        Self {
            window,
            seen: HashMap::new(),
            order: VecDeque::new(),
        }
    }

    /// Whether an inform from `source` with `request_id` and `content` (a hash of its
    /// varbinds) was delivered within the window; if not, it is remembered now.
    pub fn is_duplicate(
        &mut self,
        source: SocketAddr,
        request_id: i32,
        content: u64,
        now: Instant,
    ) -> bool {
        if self.window.is_zero() {
            return false;
        }
        self.expire(now);
        if let Some((hash, _)) = self.seen.get(&(source, request_id))
            && *hash == content
        {
            return true;
        }
        if self.seen.len() >= MAX_REMEMBERED
            && let Some((_, s, id)) = self.order.pop_front()
        {
            self.seen.remove(&(s, id));
        }
        self.seen.insert((source, request_id), (content, now));
        self.order.push_back((now, source, request_id));
        false
    }

    /// Informs remembered now.
    #[must_use]
    pub fn len(&self) -> usize {
        self.seen.len()
    }

    /// Whether none is remembered.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }

    fn expire(&mut self, now: Instant) {
        while let Some(&(at, s, id)) = self.order.front() {
            if now.saturating_duration_since(at) < self.window {
                break;
            }
            self.order.pop_front();
            // A later inform with the same key replaced the entry: keep that one.
            if self.seen.get(&(s, id)).is_some_and(|(_, t)| *t == at) {
                self.seen.remove(&(s, id));
            }
        }
    }
}

/// A token bucket per source IP address: `per_second` notifications a second on average,
/// bursts of up to `burst`.
#[derive(Debug)]
pub struct RateLimiter {
    per_second: f64,
    burst: f64,
    buckets: HashMap<IpAddr, (f64, Instant)>,
}

impl RateLimiter {
    /// A limiter of `per_second` (at least 1) with bursts of `burst` (at least 1).
    #[must_use]
    pub fn new(per_second: u32, burst: u32) -> Self {
        Self {
            per_second: f64::from(per_second.max(1)),
            burst: f64::from(burst.max(1)),
            buckets: HashMap::new(),
        }
    }

    /// Takes one token of `source`'s bucket: false when it is empty (over the limit).
    pub fn allow(&mut self, source: IpAddr, now: Instant) -> bool {
        if self.buckets.len() >= MAX_SOURCES && !self.buckets.contains_key(&source) {
            self.forget_idle(now);
        }
        let (per_second, burst) = (self.per_second, self.burst);
        let (tokens, last) = self.buckets.entry(source).or_insert((burst, now));
        let elapsed = now.saturating_duration_since(*last).as_secs_f64();
        *tokens = (*tokens + elapsed * per_second).min(burst);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// Sources with a bucket.
    #[must_use]
    pub fn sources(&self) -> usize {
        self.buckets.len()
    }

    /// Forgets the buckets that would be full by now (their sources were idle long enough):
    /// forgetting them changes nothing. When none is, forgets the longest idle half.
    fn forget_idle(&mut self, now: Instant) {
        let (per_second, burst) = (self.per_second, self.burst);
        self.buckets.retain(|_, (tokens, last)| {
            *tokens + now.saturating_duration_since(*last).as_secs_f64() * per_second < burst
        });
        if self.buckets.len() >= MAX_SOURCES {
            let mut lasts: Vec<Instant> = self.buckets.values().map(|(_, l)| *l).collect();
            lasts.sort_unstable();
            let cut = lasts[lasts.len() / 2];
            self.buckets.retain(|_, (_, last)| *last > cut);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(port: u16) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], port))
    }

    #[test]
    fn a_retransmission_within_the_window_is_a_duplicate() {
        let t0 = Instant::now();
        let mut w = DedupWindow::new(Duration::from_secs(30));
        assert!(!w.is_duplicate(addr(1), 7, 42, t0));
        assert!(w.is_duplicate(addr(1), 7, 42, t0 + Duration::from_secs(1)));
        // Another content, port or request-id: not a duplicate.
        assert!(!w.is_duplicate(addr(1), 8, 42, t0));
        assert!(!w.is_duplicate(addr(2), 7, 42, t0));
        assert!(!w.is_duplicate(addr(1), 7, 43, t0 + Duration::from_secs(2)));
        // The window passed: delivered again.
        assert!(!w.is_duplicate(addr(2), 7, 42, t0 + Duration::from_secs(31)));
        assert!(!w.is_duplicate(addr(1), 8, 42, t0 + Duration::from_secs(60)));
        assert_eq!(w.len(), 2);
    }

    #[test]
    fn a_zero_window_remembers_nothing() {
        let t0 = Instant::now();
        let mut w = DedupWindow::new(Duration::ZERO);
        assert!(!w.is_duplicate(addr(1), 7, 42, t0));
        assert!(!w.is_duplicate(addr(1), 7, 42, t0));
        assert!(w.is_empty());
    }

    #[test]
    fn the_window_is_bounded() {
        let t0 = Instant::now();
        let mut w = DedupWindow::new(Duration::from_secs(3600));
        for id in 0..=i32::try_from(MAX_REMEMBERED).unwrap() {
            w.is_duplicate(addr(1), id, 0, t0);
        }
        assert_eq!(w.len(), MAX_REMEMBERED);
        // The oldest was forgotten, the newest kept.
        assert!(!w.is_duplicate(addr(1), 0, 0, t0));
        assert!(w.is_duplicate(addr(1), 5, 0, t0));
    }

    #[test]
    fn buckets_limit_each_source_alone() {
        let t0 = Instant::now();
        let mut r = RateLimiter::new(10, 5);
        let a: IpAddr = [127, 0, 0, 1].into();
        let b: IpAddr = [127, 0, 0, 2].into();
        let allowed = (0..20).filter(|_| r.allow(a, t0)).count();
        assert_eq!(allowed, 5);
        // Another source is not affected.
        assert!(r.allow(b, t0));
        // Tokens come back at 10 a second.
        assert!(!r.allow(a, t0 + Duration::from_millis(50)));
        assert!(r.allow(a, t0 + Duration::from_millis(160)));
        assert!(!r.allow(a, t0 + Duration::from_millis(160)));
    }

    #[test]
    fn idle_sources_are_forgotten_beyond_the_bound() {
        let t0 = Instant::now();
        let mut r = RateLimiter::new(1000, 1);
        for i in 0..u32::try_from(MAX_SOURCES).unwrap() {
            r.allow(IpAddr::from(i.to_be_bytes()), t0);
        }
        assert_eq!(r.sources(), MAX_SOURCES);
        r.allow([10, 0, 0, 1].into(), t0 + Duration::from_secs(1));
        assert_eq!(r.sources(), 1);
    }
}
