//! [`EngineRecord`]: what a manager (the non-authoritative side) knows of one agent's SNMP
//! engine: its id, snmpEngineBoots, snmpEngineTime advanced by the local clock, and
//! latestReceivedEngineTime (RFC 3414 §2.3), with the 150-second window check of §3.2 step 7b.
//!
//! The clock is an [`Instant`] passed in, so tests move time by hand.

use std::time::{Duration, Instant};

/// The time window: a message whose engine time is more than this behind the manager's notion
/// is refused (RFC 3414 §2.2.3).
pub const TIME_WINDOW: u32 = 150;
/// snmpEngineBoots' and snmpEngineTime's maximum (2^31 - 1).
const MAX: u32 = super::MAX_BOOTS;

/// One agent engine as the manager knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineRecord {
    /// snmpEngineID (the authoritative engine's).
    pub engine_id: Vec<u8>,
    /// snmpEngineBoots as last learned.
    boots: u32,
    /// snmpEngineTime as last learned, at `learned_at`.
    time: u32,
    /// When `time` was learned (the local clock advances it).
    learned_at: Instant,
    /// latestReceivedEngineTime.
    latest_received: u32,
    /// Boots and time came from an authenticated message (or a Report the RFC lets us use for
    /// them): requests may be authenticated with them.
    synced: bool,
}

impl EngineRecord {
    /// A record from discovery: the engine id, and boots and time as the discovery Report gave
    /// them (unauthenticated: good enough to try, not `synced`).
    #[must_use]
    pub fn discovered(engine_id: Vec<u8>, boots: u32, time: u32, now: Instant) -> Self {
        Self {
            engine_id,
            boots,
            time,
            learned_at: now,
            latest_received: time,
            synced: false,
        }
    }

    /// Whether boots and time were confirmed by an authenticated message.
    #[must_use]
    pub fn is_synced(&self) -> bool {
        self.synced
    }

    /// snmpEngineBoots and snmpEngineTime as the manager believes them `now`: the learned
    /// time plus the seconds elapsed since (capped at 2^31 - 1).
    #[must_use]
    pub fn boots_and_time(&self, now: Instant) -> (u32, u32) {
        let elapsed = now
            .checked_duration_since(self.learned_at)
            .unwrap_or(Duration::ZERO)
            .as_secs();
        let time = u64::from(self.time)
            .saturating_add(elapsed)
            .min(u64::from(MAX));
        (self.boots, u32::try_from(time).unwrap_or(MAX))
    }

    /// Processes the boots and time of an **authenticated** message from the engine
    /// (RFC 3414 §3.2 step 7b): learns them when newer, then says whether the message is
    /// inside the time window. Returns `false` for a message to drop as notInTimeWindow (a
    /// replay, or an engine stuck at its maximum boots).
    pub fn receive_authenticated(&mut self, boots: u32, time: u32, now: Instant) -> bool {
        if boots > self.boots || (boots == self.boots && time > self.latest_received) {
            self.boots = boots;
            self.time = time;
            self.learned_at = now;
            self.latest_received = time;
        }
        self.synced = true;
        let (local_boots, local_time) = self.boots_and_time(now);
        !(local_boots == MAX
            || boots < local_boots
            || (boots == local_boots && time.saturating_add(TIME_WINDOW) < local_time))
    }

    /// Resynchronises from an authenticated notInTimeWindow Report: its boots and time are the
    /// engine's own, taken as they are even when older (the engine rebooted or the manager's
    /// notion ran ahead).
    pub fn resync(&mut self, boots: u32, time: u32, now: Instant) {
        self.boots = boots;
        self.time = time;
        self.learned_at = now;
        self.latest_received = time;
        self.synced = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_local_clock_advances_engine_time() {
        let t0 = Instant::now();
        let r = EngineRecord::discovered(vec![1; 5], 3, 1000, t0);
        assert_eq!(r.boots_and_time(t0), (3, 1000));
        assert_eq!(r.boots_and_time(t0 + Duration::from_secs(42)), (3, 1042));
        assert!(!r.is_synced());
        let late = EngineRecord::discovered(vec![1; 5], 3, MAX - 1, t0);
        assert_eq!(late.boots_and_time(t0 + Duration::from_secs(9)), (3, MAX));
    }

    #[test]
    fn window_refuses_replays_and_old_boots() {
        let t0 = Instant::now();
        let mut r = EngineRecord::discovered(vec![1; 5], 3, 1000, t0);
        let t = t0 + Duration::from_secs(200);
        // Newer than latestReceivedEngineTime: learned, so inside the window.
        assert!(r.receive_authenticated(3, 1300, t));
        assert!(r.is_synced());
        assert_eq!(r.boots_and_time(t), (3, 1300));
        // Not newer: judged against the notion (1300 at t). 1150 is on the edge, 1149 past it.
        assert!(r.clone().receive_authenticated(3, 1150, t));
        assert!(!r.clone().receive_authenticated(3, 1149, t));
        // ...and the notion advances with the local clock: 1150 is stale 10 s later.
        assert!(
            !r.clone()
                .receive_authenticated(3, 1150, t + Duration::from_secs(10))
        );
        // Older boots: always outside.
        assert!(!r.clone().receive_authenticated(2, 999_999, t));
        // New boots are learned.
        assert!(r.receive_authenticated(4, 5, t));
        assert_eq!(r.boots_and_time(t), (4, 5));
        assert!(!r.clone().receive_authenticated(3, 1300, t));
        // An engine at maximum boots is always outside the window.
        let mut stuck = EngineRecord::discovered(vec![1; 5], MAX, 1, t0);
        assert!(!stuck.receive_authenticated(MAX, 1, t0));
    }

    #[test]
    fn resync_takes_older_values() {
        let t0 = Instant::now();
        let mut r = EngineRecord::discovered(vec![1; 5], 9, 50_000, t0);
        r.resync(2, 10, t0);
        assert_eq!(r.boots_and_time(t0), (2, 10));
        assert!(r.is_synced());
    }
}
