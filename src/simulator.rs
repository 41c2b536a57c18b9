//! The simulator commands: `snmpact agent` serves simulated SNMP v1/v2c agents on loopback
//! (GET, GETNEXT, GETBULK, SET held in memory) from snmpsim's `.snmprec` data files, one UDP
//! port per agent, thousands from one process, and SNMPv3 too when given USM users
//! (`--v3-user`, `--engine-id`, `--engine-boots`); `snmpact record` walks a real agent through the
//! engine and writes its objects in the same format, so a device captured once can be served
//! forever.
//!
//! ```text
//! snmpact agent --data etc/demo.snmprec --listen 127.0.0.1:16100
//! snmpact agent --ports 16100-26099 --data-dir devices/ --community public
//! snmpact agent --ports 16100-16199 --drop 0.1 --delay 50ms --fault-ports 16100-16109
//! snmpact agent --count 100 --v3-user alice:SHA-256:authpass1:AES:privpass1 --v3-user bob:none
//! snmpact record -v2c -c public 127.0.0.1:161 > device.snmprec
//! ```
//!
//! - [`serve`]: `snmpact agent`: its arguments, the plan (which agent gets which address, data,
//!   community and faults), and running it until Ctrl-C or SIGTERM.
//! - [`record`]: `snmpact record`: its arguments and the walk that writes `.snmprec` lines.
//! - Here: the small text forms both share (port lists, durations).
//!
//! The agents themselves (responder, store, faults, UDP server) live in [`crate::simulator::agent`]; this
//! module only turns command lines into them.
//!
//! # Exit status
//! 0 success (`agent`: stopped by a signal); 1 `record`: the agent failed or did not answer;
//! 2 a usage or input error (a bad data file, a port that cannot be bound, too few open files).

pub mod agent;
pub mod record;
pub mod serve;

use std::fmt::Write as _;
use std::time::Duration;

pub use record::{RecordArgs, run_record};
pub use serve::{AgentArgs, run_agent};

/// Exit code: the agent being recorded failed or did not answer.
pub const EXIT_FAILED: u8 = 1;
/// Exit code: bad usage or input.
pub const EXIT_USAGE: u8 = 2;

/// Parses a port list: `16100`, `16100-26099`, `161,1161,2000-2010` (ranges inclusive).
///
/// # Errors
/// A message naming the bad part: not a number, a port above 65535, or a range whose end is
/// below its start.
///
/// ```
/// use snmpact::simulator::parse_ports;
/// assert_eq!(parse_ports("161,2000-2002").unwrap(), [161, 2000, 2001, 2002]);
/// assert!(parse_ports("2002-2000").is_err());
/// ```
pub fn parse_ports(spec: &str) -> Result<Vec<u16>, String> {
    let mut out = Vec::new();
    for part in spec.split(',').map(str::trim) {
        let port = |s: &str| -> Result<u16, String> {
            s.trim()
                .parse::<u16>()
                .map_err(|_| format!("bad port {s:?} in {spec:?}"))
        };
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (port(a)?, port(b)?);
                if b < a {
                    return Err(format!("range {part:?} ends before it starts"));
                }
                out.extend(a..=b);
            }
            None => out.push(port(part)?),
        }
    }
    Ok(out)
}

/// Writes ports as the shortest list of ranges, in the order given: `16100-16199,17000`.
#[must_use]
pub fn format_ports(ports: &[u16]) -> String {
    let mut s = String::new();
    let mut i = 0;
    while i < ports.len() {
        let start = ports[i];
        let mut end = start;
        while i + 1 < ports.len() && end < u16::MAX && ports[i + 1] == end + 1 {
            end += 1;
            i += 1;
        }
        if !s.is_empty() {
            s.push(',');
        }
        if end == start {
            let _ = write!(s, "{start}");
        } else {
            let _ = write!(s, "{start}-{end}");
        }
        i += 1;
    }
    s
}

/// Parses a duration: a number with a unit `us`, `ms`, `s` or `m` (`50ms`, `1.5s`), or `0`.
///
/// # Errors
/// A message when the number or the unit is missing or bad.
///
/// ```
/// use std::time::Duration;
/// use snmpact::simulator::parse_duration;
/// assert_eq!(parse_duration("50ms").unwrap(), Duration::from_millis(50));
/// assert!(parse_duration("50").is_err());
/// ```
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    if t == "0" {
        return Ok(Duration::ZERO);
    }
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .ok_or_else(|| format!("{text:?} needs a unit: us, ms, s or m (e.g. 50ms)"))?;
    let (num, unit) = t.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| format!("bad number in duration {text:?}"))?;
    let secs = match unit {
        "us" | "µs" => n / 1e6,
        "ms" => n / 1e3,
        "s" => n,
        "m" => n * 60.0,
        u => return Err(format!("unknown unit {u:?} in {text:?} (us, ms, s or m)")),
    };
    Duration::try_from_secs_f64(secs).map_err(|_| format!("duration {text:?} is out of range"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_lists_parse_and_print_back() {
        assert_eq!(parse_ports("16100").unwrap(), [16100]);
        assert_eq!(parse_ports("1-3, 7").unwrap(), [1, 2, 3, 7]);
        assert_eq!(parse_ports("16100-26099").unwrap().len(), 10_000);
        assert_eq!(parse_ports("65535").unwrap(), [65535]);
        assert!(parse_ports("65536").unwrap_err().contains("65536"));
        assert!(parse_ports("a-3").is_err());
        assert!(parse_ports("").is_err());
        assert_eq!(format_ports(&[1, 2, 3, 7, 9, 10]), "1-3,7,9-10");
        assert_eq!(format_ports(&[65534, 65535]), "65534-65535");
        assert_eq!(format_ports(&[]), "");
        assert_eq!(
            format_ports(&parse_ports("16100-26099").unwrap()),
            "16100-26099"
        );
    }

    #[test]
    fn durations_need_a_unit() {
        assert_eq!(parse_duration("0").unwrap(), Duration::ZERO);
        assert_eq!(parse_duration("250us").unwrap(), Duration::from_micros(250));
        assert_eq!(parse_duration("1.5s").unwrap(), Duration::from_millis(1500));
        assert_eq!(parse_duration("2m").unwrap(), Duration::from_secs(120));
        assert!(parse_duration("5").unwrap_err().contains("unit"));
        assert!(parse_duration("5h").unwrap_err().contains("unknown unit"));
        assert!(parse_duration("ms").is_err());
    }
}
