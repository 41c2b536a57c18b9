//! Counters to rates: deltas per second, Counter32 wrap, Counter64, agent restarts. Pure: no
//! actors, no clock of its own (instants are passed in).
//!
//! - **Time base.** The agent's own clock, `sysUpTime.0` (hundredths of a second, fetched in the
//!   same request as the scalars), when it advanced between two cycles; else the manager's clock
//!   (the instants the answers arrived). An agent whose `sysUpTime` stands still (a recording)
//!   falls back to the manager's clock.
//! - **Restart.** `sysUpTime` went back, or advanced much less than the manager's clock did
//!   (the agent restarted during a long gap): every counter of that agent starts over and no
//!   rate is given for this cycle, so a restart never shows as a spike. (`sysUpTime` itself
//!   wraps after 497 days; that wrap reads as a restart and costs one missing rate.)
//! - **Counter32** (RFC 2578 §7.1.6) that went down wrapped at 2^32: the delta is
//!   `cur + 2^32 - prev`.
//! - **Counter64** that went down is taken as a wrap only from the top quarter of its range to
//!   the bottom quarter (2^64 takes centuries to reach at 100 Gbit/s); anything else is a
//!   discontinuity and gives no rate.

use std::time::{Duration, Instant};

use crate::pdu::Value;

/// sysUpTime ticks per second (RFC 2578 TimeTicks: hundredths of a second).
pub const TICKS_PER_SECOND: f64 = 100.0;
/// A Counter64 decrease is a wrap only when the old value was at least this close to 2^64 and
/// the new one below it.
pub const COUNTER64_WRAP_WINDOW: u64 = 1 << 62;
/// The agent's clock may fall behind the manager's by this much between two cycles (plus
/// [`RESTART_LAG_FRACTION`] of the time elapsed) before the agent is taken to have restarted.
pub const RESTART_SLACK: Duration = Duration::from_secs(5);
/// See [`RESTART_SLACK`].
pub const RESTART_LAG_FRACTION: f64 = 0.1;

/// The two counter types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CounterKind {
    /// Counter32: wraps at 2^32.
    Counter32,
    /// Counter64.
    Counter64,
}

/// The counter in `v`, if it is one.
#[must_use]
pub fn counter_of(v: &Value<'_>) -> Option<(CounterKind, u64)> {
    match v {
        Value::Counter32(n) => Some((CounterKind::Counter32, u64::from(*n))),
        Value::Counter64(n) => Some((CounterKind::Counter64, *n)),
        _ => None,
    }
}

/// When one cycle's answers were taken: the manager's instant and the agent's `sysUpTime`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    /// When the answer arrived.
    pub at: Instant,
    /// `sysUpTime.0` in the same answer, when asked for and given.
    pub uptime: Option<u32>,
}

/// The time between two stamps, as far as rates are concerned.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Clock {
    /// Seconds elapsed (more than zero).
    Elapsed(f64),
    /// The agent restarted between the two stamps: counters start over.
    Restarted,
    /// No time elapsed that can be measured: no rate.
    Unknown,
}

/// The time from `prev` to `cur` (see the module doc for the rules).
#[must_use]
pub fn elapsed(prev: Stamp, cur: Stamp) -> Clock {
    let wall = cur.at.saturating_duration_since(prev.at).as_secs_f64();
    if let (Some(p), Some(c)) = (prev.uptime, cur.uptime) {
        if c < p {
            return Clock::Restarted;
        }
        if c > p {
            let agent = f64::from(c - p) / TICKS_PER_SECOND;
            let slack = RESTART_SLACK.as_secs_f64() + wall * RESTART_LAG_FRACTION;
            if agent + slack < wall {
                return Clock::Restarted;
            }
            return Clock::Elapsed(agent);
        }
    }
    if wall > 0.0 {
        Clock::Elapsed(wall)
    } else {
        Clock::Unknown
    }
}

/// How much a counter grew from `prev` to `cur`, wraps included; `None` for a discontinuity.
#[must_use]
pub fn delta(kind: CounterKind, prev: u64, cur: u64) -> Option<u64> {
    match kind {
        CounterKind::Counter32 => Some(cur.wrapping_sub(prev) & 0xFFFF_FFFF),
        CounterKind::Counter64 if cur >= prev => Some(cur - prev),
        CounterKind::Counter64 => (prev >= u64::MAX - (COUNTER64_WRAP_WINDOW - 1)
            && cur < COUNTER64_WRAP_WINDOW)
            .then(|| cur.wrapping_sub(prev)),
    }
}

/// The rate per second of a counter that went from `prev` to `cur` in `seconds`.
#[must_use]
pub fn rate(kind: CounterKind, prev: u64, cur: u64, seconds: f64) -> Option<f64> {
    if seconds <= 0.0 {
        return None;
    }
    #[allow(clippy::cast_precision_loss)] // a rate is a float; 2^53 octets per cycle is plenty
    delta(kind, prev, cur).map(|d| d as f64 / seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(base: Instant, ms: u64, uptime: Option<u32>) -> Stamp {
        Stamp {
            at: base + Duration::from_millis(ms),
            uptime,
        }
    }

    #[test]
    fn counter32_wraps_at_2_32() {
        use CounterKind::Counter32 as C;
        assert_eq!(delta(C, 100, 250), Some(150));
        assert_eq!(delta(C, 4_294_967_000, 704), Some(1000));
        assert_eq!(delta(C, u64::from(u32::MAX), 0), Some(1));
        assert_eq!(delta(C, 5, 5), Some(0));
        assert_eq!(rate(C, 4_294_967_000, 704, 10.0), Some(100.0));
    }

    #[test]
    fn counter64_wraps_only_near_the_top() {
        use CounterKind::Counter64 as C;
        assert_eq!(delta(C, 10, 20), Some(10));
        assert_eq!(delta(C, u64::MAX - 9, 10), Some(20));
        assert_eq!(delta(C, u64::MAX, 0), Some(1));
        // Went down from the middle of the range: a reset, not a wrap.
        assert_eq!(delta(C, 1 << 40, 5), None);
        assert_eq!(rate(C, 1 << 40, 5, 10.0), None);
        assert_eq!(rate(C, 0, 1000, 0.0), None);
    }

    #[test]
    fn the_agent_clock_is_the_time_base_when_it_moves() {
        let t = Instant::now();
        // 10 s of agent time while the manager saw 9.5 s: the agent's clock wins.
        let c = elapsed(stamp(t, 0, Some(1000)), stamp(t, 9_500, Some(2000)));
        assert_eq!(c, Clock::Elapsed(10.0));
        // A frozen sysUpTime (a recording): the manager's clock.
        let c = elapsed(stamp(t, 0, Some(1000)), stamp(t, 2_000, Some(1000)));
        assert_eq!(c, Clock::Elapsed(2.0));
        // No sysUpTime at all.
        assert_eq!(
            elapsed(stamp(t, 0, None), stamp(t, 500, None)),
            Clock::Elapsed(0.5)
        );
        assert_eq!(
            elapsed(stamp(t, 0, None), stamp(t, 0, None)),
            Clock::Unknown
        );
    }

    #[test]
    fn restarts_are_detected() {
        let t = Instant::now();
        // sysUpTime went back.
        assert_eq!(
            elapsed(stamp(t, 0, Some(50_000)), stamp(t, 10_000, Some(300))),
            Clock::Restarted
        );
        // Went forward by 10 s while 300 s passed: restarted during the gap.
        assert_eq!(
            elapsed(stamp(t, 0, Some(1000)), stamp(t, 300_000, Some(2000))),
            Clock::Restarted
        );
        // Behind by less than the slack: not a restart.
        assert_eq!(
            elapsed(stamp(t, 0, Some(1000)), stamp(t, 13_000, Some(2000))),
            Clock::Elapsed(10.0)
        );
    }

    #[test]
    fn only_counters_count() {
        assert_eq!(
            counter_of(&Value::Counter32(7)),
            Some((CounterKind::Counter32, 7))
        );
        assert_eq!(
            counter_of(&Value::Counter64(u64::MAX)),
            Some((CounterKind::Counter64, u64::MAX))
        );
        assert_eq!(counter_of(&Value::Gauge32(7)), None);
        assert_eq!(counter_of(&Value::TimeTicks(7)), None);
    }
}
