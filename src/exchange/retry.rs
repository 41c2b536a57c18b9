//! Retry timing of one request ([`RetryPolicy`], [`Backoff`]): how long each transmission waits
//! and how many there are. Pure; the dispatcher applies it, the session sets it.

use std::time::Duration;

/// How the wait grows between transmissions of one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Backoff {
    /// The same timeout for every transmission (net-snmp's behaviour).
    #[default]
    Fixed,
    /// Twice the previous timeout after each transmission.
    Doubling,
}

/// Timeout and retries of one request: `1 + retries` transmissions in all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Wait after the first transmission.
    pub timeout: Duration,
    /// Transmissions after the first.
    pub retries: u32,
    /// How the wait grows.
    pub backoff: Backoff,
}

/// Longest wait a doubling backoff grows to.
const MAX_BACKOFF_WAIT: Duration = Duration::from_secs(60);

impl RetryPolicy {
    /// The wait after transmission number `attempt` (0 is the first).
    #[must_use]
    pub fn wait(&self, attempt: u32) -> Duration {
        match self.backoff {
            Backoff::Fixed => self.timeout,
            Backoff::Doubling => {
                let factor = 1u32.checked_shl(attempt.min(16)).unwrap_or(u32::MAX);
                self.timeout
                    .saturating_mul(factor)
                    .min(MAX_BACKOFF_WAIT.max(self.timeout))
            }
        }
    }

    /// Total transmissions.
    #[must_use]
    pub fn transmissions(&self) -> u32 {
        self.retries.saturating_add(1)
    }

    /// The longest a request can wait for its answer: the waits of every transmission added
    /// up (what the dispatcher takes before it reports a timeout).
    #[must_use]
    pub fn total(&self) -> Duration {
        (0..self.transmissions()).fold(Duration::ZERO, |t, i| t.saturating_add(self.wait(i)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_policy_waits() {
        let fixed = RetryPolicy {
            timeout: Duration::from_millis(100),
            retries: 3,
            backoff: Backoff::Fixed,
        };
        assert_eq!(fixed.transmissions(), 4);
        assert_eq!(fixed.wait(0), Duration::from_millis(100));
        assert_eq!(fixed.wait(3), Duration::from_millis(100));
        let dbl = RetryPolicy {
            backoff: Backoff::Doubling,
            ..fixed
        };
        assert_eq!(dbl.wait(0), Duration::from_millis(100));
        assert_eq!(dbl.wait(1), Duration::from_millis(200));
        assert_eq!(dbl.wait(3), Duration::from_millis(800));
        assert_eq!(dbl.wait(40), Duration::from_secs(60));
    }
}
