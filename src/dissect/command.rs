//! `snmpact decode`: read a packet (hex text, a net-snmp `-d` dump, or raw bytes), print its
//! dissection.
//!
//! Owns the subcommand's logic so the binary only parses arguments, calls [`run`] and turns the
//! result into an exit code: [`Report::is_valid`] gives 0 or 1, a [`DecodeError`] gives 2.
//! Reading and writing go through the `Read`/`Write` the caller passes, so tests need no process.
//!
//! Output: the text dissection, or with `--json` its JSON object. A dump holding several packets
//! (`snmpget -d` prints the request and the response) gives each in turn under a `packet N of M`
//! heading, or with `--json` an array of the objects, each with `packet` (from 1) and `label`
//! (the dump's `Sending ...`/`Received ...` line, or null).

use std::fs;
use std::io::{self, Read, Write};
use std::path::PathBuf;

use super::input::{self, HexError, Packet};
use super::{Options, dissect_with};

/// Where the packet comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Hex text given as arguments, joined with spaces.
    Hex(Vec<String>),
    /// Hex text (or a dump) on standard input.
    Stdin,
    /// Raw bytes from a file; `-` is standard input.
    Raw(PathBuf),
}

/// What `snmpact decode` was asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeOptions {
    /// Where the packet comes from.
    pub source: Source,
    /// Print JSON instead of the text tree.
    pub json: bool,
    /// Print the community string instead of `<redacted>`.
    pub show_community: bool,
}

/// Why there was nothing to decode (exit code 2).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The hex text is not hex.
    #[error("invalid hex input: {0}")]
    Hex(#[from] HexError),
    /// A file or standard input could not be read.
    #[error("cannot read {what}: {source}")]
    Read {
        /// The file, or `standard input`.
        what: String,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// Standard input in hex mode held bytes that are not UTF-8 text.
    #[error("standard input is not text (for binary input use --raw -)")]
    NotText,
    /// A raw input of zero bytes.
    #[error("no bytes to decode")]
    Empty,
    /// The output could not be written (other than a closed pipe, which is not an error).
    #[error("cannot write the output: {0}")]
    Write(#[source] io::Error),
}

impl DecodeError {
    /// A short stable label for logs.
    #[must_use]
    pub fn label(&self) -> &'static str {
        match self {
            DecodeError::Hex(e) => e.label(),
            DecodeError::Read { .. } => "read",
            DecodeError::NotText => "not_text",
            DecodeError::Empty => "empty",
            DecodeError::Write(_) => "write",
        }
    }
}

/// What came of decoding: how many packets, and a one-line diagnosis for each invalid one.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Report {
    /// Packets dissected (more than one only from a dump holding several).
    pub packets: usize,
    /// For each packet the strict decoder rejected: `invalid SNMP message: error at byte 23: ...`
    /// (prefixed with `packet N: ` when there were several).
    pub invalid: Vec<String>,
}

impl Report {
    /// True when every packet is a valid SNMP message.
    #[must_use]
    pub fn is_valid(&self) -> bool {
        self.invalid.is_empty()
    }
}

/// Reads the packet(s) named by `opts` and writes their dissection to `out`.
///
/// # Errors
/// [`DecodeError`] when there are no bytes to decode (unreadable input, bad hex, nothing given)
/// or `out` fails. An invalid SNMP message is not an error: it is in the [`Report`].
pub fn run(
    opts: &DecodeOptions,
    stdin: &mut dyn Read,
    out: &mut dyn Write,
) -> Result<Report, DecodeError> {
    let packets = read_packets(&opts.source, stdin)?;
    let options = Options {
        redact_community: !opts.show_community,
    };
    let several = packets.len() > 1;
    let mut report = Report {
        packets: packets.len(),
        invalid: Vec::new(),
    };
    let mut text = String::new();
    let mut json = Vec::new();
    for (i, p) in packets.iter().enumerate() {
        let d = dissect_with(&p.bytes, options);
        tracing::debug!(
            bytes = p.bytes.len(),
            valid = d.is_valid(),
            "dissected packet {}",
            i + 1
        );
        let heading = several.then(|| format!("packet {} of {}", i + 1, packets.len()));
        if !d.is_valid() {
            let prefix = heading
                .as_ref()
                .map(|_| format!("packet {}: ", i + 1))
                .unwrap_or_default();
            report.invalid.push(format!(
                "{prefix}invalid SNMP message: {}",
                d.verdict_line()
            ));
        }
        if opts.json {
            let mut v = d.to_json();
            if several && let Some(m) = v.as_object_mut() {
                m.insert("packet".into(), (i + 1).into());
                m.insert("label".into(), p.label.clone().into());
            }
            json.push(v);
        } else {
            if let Some(h) = heading {
                if i > 0 {
                    text.push('\n');
                }
                text.push_str(&h);
                if let Some(l) = &p.label {
                    text.push_str(": ");
                    text.push_str(l);
                }
                text.push('\n');
            }
            text.push_str(&d.to_string());
        }
    }
    if opts.json {
        let v = if several {
            serde_json::Value::Array(json)
        } else {
            json.pop().unwrap_or_default()
        };
        text = serde_json::to_string_pretty(&v).unwrap_or_default();
        text.push('\n');
    }
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(report),
        // `snmpact decode ... | head`: the reader has what it wanted.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(report),
        Err(e) => Err(DecodeError::Write(e)),
    }
}

/// The packets `source` holds.
fn read_packets(source: &Source, stdin: &mut dyn Read) -> Result<Vec<Packet>, DecodeError> {
    let stdin_err = |source| DecodeError::Read {
        what: "standard input".to_owned(),
        source,
    };
    match source {
        Source::Hex(args) => Ok(input::parse(&args.join(" "))?),
        Source::Stdin => {
            let mut buf = Vec::new();
            stdin.read_to_end(&mut buf).map_err(stdin_err)?;
            let text = String::from_utf8(buf).map_err(|_| DecodeError::NotText)?;
            Ok(input::parse(&text)?)
        }
        Source::Raw(path) => {
            let bytes = if path.as_os_str() == "-" {
                let mut buf = Vec::new();
                stdin.read_to_end(&mut buf).map_err(stdin_err)?;
                buf
            } else {
                fs::read(path).map_err(|source| DecodeError::Read {
                    what: path.display().to_string(),
                    source,
                })?
            };
            if bytes.is_empty() {
                return Err(DecodeError::Empty);
            }
            Ok(vec![Packet { label: None, bytes }])
        }
    }
}
