//! Living values of simulated agents: snmpsim's `numeric` variation module, read from a
//! `.snmprec` line such as `1.3.6.1.2.1.31.1.1.1.6.1|70:numeric|rate=125000,initial=123456789`.
//!
//! A [`Numeric`] value is a pure function of the time since the agent started
//! ([`Numeric::value_at`]): the server passes the elapsed time in, so tests are deterministic.
//!
//! Keys (snmpsim's names; all optional):
//! - `initial`: the value at start (default `min`);
//! - `rate`: change per second, may be fractional or negative (default 1, as snmpsim);
//!   `rate=100` makes a TimeTicks object tick like `sysUpTime`;
//! - `min`, `max`: the range (default 0 and the type's largest value); out of range, the value
//!   stays at the bound, or with `wrap=1` goes round from `min` again as a counter does;
//! - `deviation`: pseudo-random noise, the same for the same second. For Counter32, Counter64
//!   and TimeTicks each second's increase is `rate` plus 0..`deviation` (they never go back);
//!   for INTEGER and Gauge32 the value is off by -`deviation`..`deviation`;
//! - `scale`, `offset`: the value becomes `value * scale + offset` (default 1 and 0);
//! - `increasing`, `wrap`: flags (`1` on, `0` off).
//!
//! Other keys of snmpsim's module (`function`, `atime`, ...) are refused, naming the key.
//! Only the numeric tags take the module: 2 INTEGER, 65 Counter32, 66 Gauge32, 67 TimeTicks,
//! 70 Counter64. A living object is read-only (SET answers notWritable), as in snmpsim.

use std::time::Duration;

use crate::pdu::Value;

/// Which SNMP type a living value has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Integer,
    Counter32,
    Gauge32,
    TimeTicks,
    Counter64,
}

impl Kind {
    fn from_tag(tag: &str) -> Option<Self> {
        Some(match tag {
            "2" => Self::Integer,
            "65" => Self::Counter32,
            "66" => Self::Gauge32,
            "67" => Self::TimeTicks,
            "70" => Self::Counter64,
            _ => return None,
        })
    }

    /// The type's own range.
    fn bounds(self) -> (i128, i128) {
        match self {
            Self::Integer => (i128::from(i32::MIN), i128::from(i32::MAX)),
            Self::Counter32 | Self::Gauge32 | Self::TimeTicks => (0, i128::from(u32::MAX)),
            Self::Counter64 => (0, i128::from(u64::MAX)),
        }
    }

    /// Counters and timeticks only grow: their noise is added to the increase.
    fn grows(self) -> bool {
        matches!(self, Self::Counter32 | Self::Counter64 | Self::TimeTicks)
    }

    fn value(self, v: i128) -> Value<'static> {
        // `v` is within `bounds()` (clamped by the caller), so the conversions cannot fail.
        match self {
            Self::Integer => Value::Integer(i32::try_from(v).unwrap_or_default()),
            Self::Counter32 => Value::Counter32(u32::try_from(v).unwrap_or_default()),
            Self::Gauge32 => Value::Gauge32(u32::try_from(v).unwrap_or_default()),
            Self::TimeTicks => Value::TimeTicks(u32::try_from(v).unwrap_or_default()),
            Self::Counter64 => Value::Counter64(u64::try_from(v).unwrap_or_default()),
        }
    }
}

/// One living value: see the module documentation for its keys.
#[derive(Debug, Clone, PartialEq)]
pub struct Numeric {
    kind: Kind,
    initial: i128,
    min: i128,
    max: i128,
    rate: f64,
    deviation: u64,
    scale: f64,
    offset: f64,
    wrap: bool,
    /// Seeds the noise, so two objects with the same keys do not move in step.
    seed: u64,
}

impl Numeric {
    /// Reads the keys of a `TAG:numeric|KEY=VALUE,...` record. `seed` varies the noise
    /// between objects (the line number will do).
    ///
    /// ```
    /// use std::time::Duration;
    /// use snmpact::simulator::agent::numeric::Numeric;
    /// use snmpact::pdu::Value;
    /// let uptime = Numeric::parse("67", "rate=100,initial=500", 0).unwrap();
    /// assert_eq!(uptime.value_at(Duration::from_secs(2)), Value::TimeTicks(700));
    /// assert!(Numeric::parse("4", "rate=1", 0).is_err()); // not a numeric type
    /// ```
    ///
    /// # Errors
    /// A tag that is not numeric, an unknown key, a value that is not a number, `min` above
    /// `max`, or `initial` outside them.
    pub fn parse(tag: &str, params: &str, seed: u64) -> Result<Self, String> {
        let kind = Kind::from_tag(tag).ok_or_else(|| {
            format!("the numeric module needs a numeric tag (2, 65, 66, 67 or 70), not {tag:?}")
        })?;
        let (lo, hi) = kind.bounds();
        let mut n = Self {
            kind,
            initial: 0,
            min: 0.max(lo),
            max: hi,
            rate: 1.0,
            deviation: 0,
            scale: 1.0,
            offset: 0.0,
            wrap: false,
            seed,
        };
        let mut initial = None;
        let mut min = None;
        for kv in params.split(',').map(str::trim).filter(|kv| !kv.is_empty()) {
            let (k, v) = kv
                .split_once('=')
                .map_or((kv, "1"), |(k, v)| (k.trim(), v.trim()));
            let int = || -> Result<i128, String> {
                let parsed = v
                    .parse::<i128>()
                    .ok()
                    .or_else(|| v.parse::<f64>().ok().map(float_to_int));
                let x = parsed.ok_or_else(|| format!("numeric: {k}={v:?} is not a number"))?;
                if (lo..=hi).contains(&x) {
                    Ok(x)
                } else {
                    Err(format!(
                        "numeric: {k}={v} is out of the type's range {lo}..{hi}"
                    ))
                }
            };
            let float = || -> Result<f64, String> {
                v.parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite())
                    .ok_or_else(|| format!("numeric: {k}={v:?} is not a number"))
            };
            let flag = || -> Result<bool, String> {
                match v {
                    "1" | "true" => Ok(true),
                    "0" | "false" => Ok(false),
                    _ => Err(format!("numeric: {k}={v:?} must be 1 or 0")),
                }
            };
            match k {
                "initial" => initial = Some(int()?),
                "min" => min = Some(int()?),
                "max" => n.max = int()?,
                "rate" => n.rate = float()?,
                "deviation" => {
                    n.deviation = v
                        .parse()
                        .map_err(|_| format!("numeric: deviation={v:?} must be a whole number"))?;
                }
                "scale" => n.scale = float()?,
                "offset" => n.offset = float()?,
                "wrap" => n.wrap = flag()?,
                // Counters and timeticks always increase here; the flag is accepted as is.
                "increasing" => drop(flag()?),
                other => {
                    return Err(format!(
                        "numeric: key {other:?} is not supported (initial, rate, min, max, \
                         deviation, wrap, scale, offset, increasing)"
                    ));
                }
            }
        }
        if let Some(m) = min {
            n.min = m;
        }
        if n.min > n.max {
            return Err(format!("numeric: min={} is above max={}", n.min, n.max));
        }
        n.initial = initial.unwrap_or(n.min);
        if !(n.min..=n.max).contains(&n.initial) {
            return Err(format!(
                "numeric: initial={} is outside min={}..max={}",
                n.initial, n.min, n.max
            ));
        }
        Ok(n)
    }

    /// The value `elapsed` after the agent started. Pure: the same `elapsed`, the same value.
    #[must_use]
    pub fn value_at(&self, elapsed: Duration) -> Value<'static> {
        let t = elapsed.as_secs_f64();
        let second = elapsed.as_secs();
        let d = self.deviation;
        let noise = if d == 0 {
            0
        } else if self.kind.grows() {
            // Non-decreasing: each whole second adds d/2 plus half the change of a noise in
            // 0..=d, so each second's increase is within rate + 0..=d.
            let half_steps = i128::from(second) * i128::from(d);
            let now = i128::from(noise(self.seed, second, d));
            let start = i128::from(noise(self.seed, 0, d));
            (half_steps + now - start) / 2
        } else {
            i128::from(noise(self.seed, second, 2 * d)) - i128::from(d)
        };
        let grown = float_to_int(self.rate * t).saturating_add(self.initial);
        let scaled = if self.scale == 1.0 && self.offset == 0.0 {
            grown
        } else {
            #[allow(clippy::cast_precision_loss)] // scale/offset: approximate by nature
            let f = grown as f64;
            float_to_int(f * self.scale + self.offset)
        };
        let v = scaled.saturating_add(noise);
        let v = if self.wrap {
            let span = self.max - self.min + 1;
            self.min + (v - self.min).rem_euclid(span)
        } else {
            v.clamp(self.min, self.max)
        };
        self.kind.value(v)
    }
}

/// A float rounded down to an integer, saturating (NaN is 0).
#[allow(clippy::cast_possible_truncation)] // `as` from f64 to i128 saturates: wanted here
fn float_to_int(x: f64) -> i128 {
    x.floor() as i128
}

/// A pseudo-random number in 0..=max from (seed, second): splitmix64, so the same second
/// always gives the same noise.
fn noise(seed: u64, second: u64, max: u64) -> u64 {
    let mut z = seed
        .wrapping_mul(0x9e37_79b9_7f4a_7c15)
        .wrapping_add(second)
        .wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    if max == u64::MAX { z } else { z % (max + 1) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(n: &Numeric, secs: f64) -> Value<'static> {
        n.value_at(Duration::from_secs_f64(secs))
    }

    #[test]
    fn sys_up_time_ticks_a_hundred_a_second() {
        let n = Numeric::parse("67", "rate=100,initial=8640123", 0).unwrap();
        assert_eq!(at(&n, 0.0), Value::TimeTicks(8_640_123));
        assert_eq!(at(&n, 0.5), Value::TimeTicks(8_640_173));
        assert_eq!(at(&n, 10.0), Value::TimeTicks(8_641_123));
    }

    #[test]
    fn counters_grow_and_wrap_as_counter32_does() {
        let n = Numeric::parse("65", "initial=4294967290,rate=2,wrap=1", 0).unwrap();
        assert_eq!(at(&n, 2.0), Value::Counter32(4_294_967_294));
        assert_eq!(at(&n, 3.0), Value::Counter32(0));
        assert_eq!(at(&n, 4.0), Value::Counter32(2));
        // Without wrap it stays at max.
        let n = Numeric::parse("65", "initial=4294967290,rate=2", 0).unwrap();
        assert_eq!(at(&n, 100.0), Value::Counter32(u32::MAX));
        // A range of one's own.
        let n = Numeric::parse("2", "min=1,max=3,initial=3,wrap=1", 0).unwrap();
        let v: Vec<_> = (0..4).map(|s| at(&n, f64::from(s))).collect();
        assert_eq!(v, [3, 1, 2, 3].map(Value::Integer));
    }

    #[test]
    fn counter64_with_deviation_never_goes_back_and_stays_near_its_rate() {
        let n = Numeric::parse("70", "initial=1000,rate=100,deviation=50", 7).unwrap();
        let mut last = 0u64;
        for tenth in 0..600 {
            let Value::Counter64(v) = at(&n, f64::from(tenth) / 10.0) else {
                panic!()
            };
            assert!(v >= last, "went back at {tenth}: {last} -> {v}");
            last = v;
        }
        // After 60 s: 1000 + 60 * 100, plus between 0 and 60 * 50.
        assert!((7000..=10_000).contains(&last), "{last}");
        // Pure: the same time, the same value.
        assert_eq!(at(&n, 42.3), at(&n, 42.3));
    }

    #[test]
    fn gauges_jitter_within_their_deviation_and_bounds() {
        let n = Numeric::parse("66", "initial=50,rate=0,deviation=10,min=45,max=100", 1).unwrap();
        let values: Vec<u32> = (0..200)
            .map(|s| match at(&n, f64::from(s)) {
                Value::Gauge32(v) => v,
                v => panic!("{v:?}"),
            })
            .collect();
        assert!(values.iter().all(|v| (45..=60).contains(v)), "{values:?}");
        assert!(values.iter().any(|&v| v != values[0]), "it moves");
    }

    #[test]
    fn bad_keys_and_values_are_named() {
        assert_eq!(
            Numeric::parse("65", "function=sin", 0).unwrap_err(),
            "numeric: key \"function\" is not supported (initial, rate, min, max, deviation, \
             wrap, scale, offset, increasing)"
        );
        assert_eq!(
            Numeric::parse("65", "rate=fast", 0).unwrap_err(),
            "numeric: rate=\"fast\" is not a number"
        );
        assert_eq!(
            Numeric::parse("66", "min=5,max=2", 0).unwrap_err(),
            "numeric: min=5 is above max=2"
        );
        assert_eq!(
            Numeric::parse("65", "initial=-1", 0).unwrap_err(),
            "numeric: initial=-1 is out of the type's range 0..4294967295"
        );
        assert!(
            Numeric::parse("4", "", 0)
                .unwrap_err()
                .contains("numeric tag")
        );
    }
}
