//! The agents of a run: a `--targets` file (one `HOST[:PORT] [NAME]` a line, `#` comments,
//! blank lines) or the hosts of the command line. Pure: the caller reads the file.

use std::collections::HashMap;

use crate::engine::split_target;

/// One agent to query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// `HOST[:PORT]` as written.
    pub host: String,
    /// The name its result lines carry (the host when the line gives none).
    pub name: String,
    /// Its line in the targets file (0 for a host of the command line).
    pub line: usize,
}

/// Why a targets file cannot be used. `Display` is one line naming the line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TargetsError {
    /// A line with more than two words.
    #[error("line {line}: unexpected '{word}' (expected HOST[:PORT] [NAME])")]
    Extra {
        /// The line number (from 1).
        line: usize,
        /// The first word too many.
        word: String,
    },
    /// A host whose port does not parse.
    #[error("line {line}: bad agent '{host}': {reason}")]
    BadHost {
        /// The line number.
        line: usize,
        /// The host as written.
        host: String,
        /// Why.
        reason: String,
    },
    /// Two lines with the same name.
    #[error("line {line}: agent name '{name}' is already used on line {first}")]
    Duplicate {
        /// The line number.
        line: usize,
        /// The name.
        name: String,
        /// Where it was first used.
        first: usize,
    },
    /// No agent at all.
    #[error("no agents in the targets file")]
    Empty,
}

/// Parses a targets file.
///
/// ```
/// use snmpact::cli::targets::parse_targets;
/// let t = parse_targets("# lab\n127.0.0.1:16100 core1\n\n[::1]:16101   # no name\n").unwrap();
/// assert_eq!((t[0].host.as_str(), t[0].name.as_str(), t[0].line), ("127.0.0.1:16100", "core1", 2));
/// assert_eq!((t[1].host.as_str(), t[1].name.as_str()), ("[::1]:16101", "[::1]:16101"));
/// assert_eq!(
///     parse_targets("127.0.0.1:x\n").unwrap_err().to_string(),
///     "line 1: bad agent '127.0.0.1:x': bad port 'x' in '127.0.0.1:x'"
/// );
/// ```
///
/// # Errors
/// [`TargetsError`] for the first bad line, or when no line names an agent.
pub fn parse_targets(text: &str) -> Result<Vec<Target>, TargetsError> {
    parse_targets_all(text).map_err(|mut all| all.swap_remove(0))
}

/// Most bad lines of a targets file reported at once; the rest are counted.
pub const MAX_BAD_LINES: usize = 20;

/// Parses a targets file and reports every bad line (See: issue 15).
///
/// ```
/// use snmpact::cli::targets::parse_targets_all;
/// let bad = parse_targets_all("a:x\nok:1\nb:1 c d\n").unwrap_err();
/// assert_eq!(bad.len(), 2);
/// assert_eq!(bad[1].to_string(), "line 3: unexpected 'd' (expected HOST[:PORT] [NAME])");
/// ```
///
/// # Errors
/// Every bad line, in order (never an empty list), or [`TargetsError::Empty`] alone.
pub fn parse_targets_all(text: &str) -> Result<Vec<Target>, Vec<TargetsError>> {
    let mut errors = Vec::new();
    let mut targets = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let content = raw.split_once('#').map_or(raw, |(before, _)| before);
        let mut words = content.split_whitespace();
        let Some(host) = words.next() else {
            continue;
        };
        let name = words.next().unwrap_or(host);
        if let Some(word) = words.next() {
            errors.push(TargetsError::Extra {
                line,
                word: word.to_owned(),
            });
            continue;
        }
        if let Err(reason) = split_target(host) {
            errors.push(TargetsError::BadHost {
                line,
                host: host.to_owned(),
                reason,
            });
            continue;
        }
        if let Some(&first) = seen.get(name) {
            errors.push(TargetsError::Duplicate {
                line,
                name: name.to_owned(),
                first,
            });
            continue;
        }
        seen.insert(name.to_owned(), line);
        targets.push(Target {
            host: host.to_owned(),
            name: name.to_owned(),
            line,
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if targets.is_empty() {
        return Err(vec![TargetsError::Empty]);
    }
    Ok(targets)
}

/// The lines that report `errors` of the file `path`: one `PATH: line N: ...` each, at most
/// [`MAX_BAD_LINES`], then how many more there are.
#[must_use]
pub fn report(path: &str, errors: &[TargetsError]) -> Vec<String> {
    let mut lines: Vec<String> = errors
        .iter()
        .take(MAX_BAD_LINES)
        .map(|e| format!("{path}: {e}"))
        .collect();
    if errors.len() > MAX_BAD_LINES {
        lines.push(format!(
            "{path}: {} more bad lines not shown",
            errors.len() - MAX_BAD_LINES
        ));
    }
    lines
}

/// The targets of hosts given on the command line, each named after itself. The same host
/// twice is queried twice.
#[must_use]
pub fn from_hosts(hosts: &[String]) -> Vec<Target> {
    hosts
        .iter()
        .map(|h| Target {
            host: h.clone(),
            name: h.clone(),
            line: 0,
        })
        .collect()
}
