//! Reading one value at its key: durations, versions, addresses, OIDs, engine ids and
//! environment variables, each error naming the key and where its value came from ([`At`]).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::command::{MAX_ENGINE_ID_LEN, MIN_ENGINE_ID_LEN};
use crate::config::{Error, Origins};
use crate::mib;
use crate::oid::Oid;
use crate::pdu::Version;

/// Parses a duration: a number (decimals allowed) and a unit, `ms`, `s`, `m` or `h`: `"500ms"`,
/// `"10s"`, `"1.5s"`, `"5m"`.
///
/// ```
/// use std::time::Duration;
/// use snmpact::config::parse_duration;
/// assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
/// assert!(parse_duration("10").is_err());
/// ```
///
/// # Errors
/// A message saying what is wrong.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let bad =
        || format!("bad duration {text:?}: write a number and a unit (ms, s, m, h), like \"10s\"");
    let n: f64 = num.parse().map_err(|_| bad())?;
    let scale = match unit.trim() {
        "ms" => 0.001,
        "s" => 1.0,
        "m" => 60.0,
        "h" => 3600.0,
        _ => return Err(bad()),
    };
    Duration::try_from_secs_f64(n * scale).map_err(|_| bad())
}

/// Parses `"1"`, `"v1"`, `"2c"`, `"v2c"`, `"2"`, `"3"`, `"v3"`.
pub(super) fn parse_version(text: &str) -> Result<Version, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "1" | "v1" => Ok(Version::V1),
        "2c" | "v2c" | "2" => Ok(Version::V2c),
        "3" | "v3" => Ok(Version::V3),
        _ => Err(format!("bad version {text:?}: \"1\", \"2c\" or \"3\"")),
    }
}

/// Builds errors at one key.
pub(super) struct At<'a, 'o> {
    pub(super) origins: &'a Origins<'o>,
}

impl At<'_, '_> {
    pub(super) fn err(&self, path: &[&str], message: impl Into<String>) -> Error {
        Error::Key {
            origin: self.origins.of(path),
            key: path.join("."),
            message: message.into(),
        }
    }

    pub(super) fn duration(
        &self,
        path: &[&str],
        v: Option<&String>,
    ) -> Result<Option<Duration>, Error> {
        let Some(v) = v else { return Ok(None) };
        let d = parse_duration(v).map_err(|m| self.err(path, m))?;
        if d.is_zero() {
            return Err(self.err(path, "must be more than zero"));
        }
        Ok(Some(d))
    }

    pub(super) fn addr(
        &self,
        path: &[&str],
        v: Option<&String>,
        default: &str,
    ) -> Result<SocketAddr, Error> {
        let text = v.map_or(default, String::as_str);
        text.parse()
            .map_err(|_| self.err(path, format!("bad address {text:?}: write IP:PORT")))
    }

    pub(super) fn oids(&self, path: &[&str], v: Option<&Vec<String>>) -> Result<Vec<Oid>, Error> {
        let mut out = Vec::new();
        for (i, text) in v.into_iter().flatten().enumerate() {
            let oid = mib::resolve(text)
                .map_err(|e| self.err(path, format!("item {} ({text:?}): {e}", i + 1)))?;
            out.push(oid);
        }
        Ok(out)
    }

    /// The directory relative paths in the value at `path` are relative to.
    pub(super) fn base_dir(&self, path: &[&str]) -> PathBuf {
        let origin = self.origins.of(path);
        let p = Path::new(&origin);
        if p.is_file() {
            p.parent().map(Path::to_path_buf).unwrap_or_default()
        } else {
            PathBuf::new()
        }
    }
}

/// The value of the environment variable `var`, or an error at `path` naming the variable
/// (never a value).
pub(super) fn env_var<'e>(
    at: &At<'_, '_>,
    path: &[&str],
    env: &'e [(String, String)],
    var: &str,
) -> Result<&'e str, Error> {
    env.iter()
        .find(|(k, _)| k == var)
        .map(|(_, v)| v.as_str())
        .ok_or_else(|| at.err(path, format!("environment variable {var} is not set")))
}

/// An engine id at `path`: 5 to 32 octets in hex.
pub(super) fn engine_id(at: &At<'_, '_>, path: &[&str], text: &str) -> Result<Vec<u8>, Error> {
    crate::v3::parse_engine_id(text).ok_or_else(|| {
        at.err(
            path,
            format!(
                "bad engine id {text:?}: {MIN_ENGINE_ID_LEN} to {MAX_ENGINE_ID_LEN} octets in hex"
            ),
        )
    })
}

/// `&str`s of a path built from owned segments.
pub(super) fn refs(path: &[String]) -> Vec<&str> {
    path.iter().map(String::as_str).collect()
}
