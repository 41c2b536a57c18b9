//! The text forms of a packet that `snmpact decode` reads: plain hex, and the dump net-snmp's
//! tools print with `-d`.
//!
//! Owns turning text into bytes ([`parse`]) and saying exactly where text is not hex
//! ([`HexError`]). No I/O.
//!
//! Plain hex: pairs of hex digits, in any case, separated (or not) by whitespace, `:` or `,`,
//! each group optionally prefixed with `0x`: `30 27 02 01`, `30:27:02:01`, `0x30, 0x27`, `302702`.
//! A group must hold whole bytes (an even number of digits).
//!
//! The `-d` dump (net-snmp's `xdump`, `snmplib/snmp_api.c`): an optional `Sending 43 bytes to
//! UDP: ...` / `Received 76 byte packet from ...` line, then lines of a 4-digit decimal offset, up
//! to 16 bytes in hex and the same bytes as ASCII:
//!
//! ```text
//! 0000: 30 29 02 01  01 04 06 70  75 62 6C 69  63 A0 1C 02    0).....public...
//! ```
//!
//! It is recognised when any line starts so; then only such lines are read (everything else,
//! such as the tool's normal output, is skipped), the offset and ASCII columns are dropped, the
//! offsets must follow on from each other, and an offset of `0000` starts the next packet (one
//! dump usually holds the request and the response).

use std::fmt;

/// Bytes per line of a net-snmp dump.
const DUMP_BYTES_PER_LINE: usize = 16;

/// Column, counted from the first byte of a dump line, before which every hex byte starts; the
/// ASCII column starts after it (net-snmp puts the last byte at 48 and the ASCII at 54).
const DUMP_ASCII_COLUMN: usize = 52;

/// The longest piece of input an error message quotes.
const QUOTE_MAX: usize = 16;

/// One packet's bytes, and the line that introduced it in a dump (`Sending 43 bytes to ...`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet {
    /// The dump's `Sending ...`/`Received ...` line, when there was one.
    pub label: Option<String>,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// Where in the input text: a column on the only line, or a line and a column. 1-based, in
/// characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// Line number, from 1.
    pub line: usize,
    /// Column (character) in the line, from 1.
    pub column: usize,
    /// Whether the input had more than one line (then the line is worth naming).
    pub multiline: bool,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.multiline {
            write!(f, "line {}, column {}", self.line, self.column)
        } else {
            write!(f, "position {}", self.column)
        }
    }
}

/// Why text is not hex bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HexError {
    /// A character that is neither a hex digit nor a separator.
    #[error("invalid character {ch:?} at {at}")]
    BadChar {
        /// The character.
        ch: char,
        /// Where it is.
        at: Position,
    },
    /// A group of digits that does not make whole bytes.
    #[error("odd number of hex digits in {group:?} at {at}")]
    OddDigits {
        /// The group (clipped to 16 characters).
        group: String,
        /// Where it starts.
        at: Position,
    },
    /// A dump line whose offset does not follow on from the lines before it.
    #[error("dump line {line} has offset {offset}, but {have} bytes came before it")]
    DumpGap {
        /// Line number, from 1.
        line: usize,
        /// The offset the line shows.
        offset: usize,
        /// Bytes read for this packet so far.
        have: usize,
    },
    /// No hex digits at all.
    #[error("no hex bytes in the input")]
    Empty,
}

impl HexError {
    /// A short stable label for logs.
    #[must_use]
    pub fn label(&self) -> &'static str {
        match self {
            HexError::BadChar { .. } => "bad_char",
            HexError::OddDigits { .. } => "odd_digits",
            HexError::DumpGap { .. } => "dump_gap",
            HexError::Empty => "empty",
        }
    }
}

/// The packets in `text`: one for plain hex, one per `0000` offset for a dump.
///
/// # Errors
/// [`HexError`] naming the first character or line at fault.
///
/// ```
/// use snmpact::dissect::input::{parse, HexError};
/// assert_eq!(parse("0x30, 0x00").unwrap()[0].bytes, [0x30, 0x00]);
/// let err = parse("30 0g").unwrap_err();
/// assert_eq!(err.to_string(), "invalid character 'g' at position 5");
/// assert!(matches!(err, HexError::BadChar { ch: 'g', .. }));
/// ```
pub fn parse(text: &str) -> Result<Vec<Packet>, HexError> {
    let packets = if text.lines().any(|l| dump_line(l).is_some()) {
        tracing::debug!("input is a net-snmp dump");
        parse_dump(text)?
    } else {
        vec![Packet {
            label: None,
            bytes: parse_plain(text)?,
        }]
    };
    if packets.iter().all(|p| p.bytes.is_empty()) {
        return Err(HexError::Empty);
    }
    Ok(packets)
}

fn is_separator(c: char) -> bool {
    c.is_whitespace() || c == ':' || c == ','
}

/// Plain hex: digit groups between separators, each optionally `0x`-prefixed.
fn parse_plain(text: &str) -> Result<Vec<u8>, HexError> {
    let multiline = text.trim_end().contains('\n');
    let mut bytes = Vec::with_capacity(text.len() / 2);
    for (line_no, line) in text.lines().enumerate() {
        let at = |column: usize| Position {
            line: line_no + 1,
            column,
            multiline,
        };
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            if is_separator(chars[i]) {
                i += 1;
                continue;
            }
            // A group: [0x] hex digits, up to the next separator.
            let start = i;
            if chars[i] == '0' && matches!(chars.get(i + 1), Some('x' | 'X')) {
                i += 2;
            }
            let digits_at = i;
            while i < chars.len() && !is_separator(chars[i]) {
                if !chars[i].is_ascii_hexdigit() {
                    return Err(HexError::BadChar {
                        ch: chars[i],
                        at: at(i + 1),
                    });
                }
                i += 1;
            }
            let digits = &chars[digits_at..i];
            if digits.len() % 2 == 1 {
                return Err(HexError::OddDigits {
                    group: chars[start..i].iter().take(QUOTE_MAX).collect(),
                    at: at(start + 1),
                });
            }
            for pair in digits.chunks_exact(2) {
                bytes.push(hex_pair(pair[0], pair[1]));
            }
        }
    }
    Ok(bytes)
}

/// Two hex digits (already checked) as a byte.
fn hex_pair(hi: char, lo: char) -> u8 {
    let d = |c: char| {
        c.to_digit(16)
            .and_then(|v| u8::try_from(v).ok())
            .unwrap_or(0)
    };
    (d(hi) << 4) | d(lo)
}

/// A dump line's offset and the text after `NNNN: `, when `line` is one.
fn dump_line(line: &str) -> Option<(usize, &str)> {
    let line = line.trim_start();
    let colon = line.find(':')?;
    let digits = &line[..colon];
    if digits.len() < 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let rest = line[colon + 1..].strip_prefix([' ', '\t'])?;
    // The first byte must follow: two hex digits, then a blank or the end.
    let first = rest.split_whitespace().next()?;
    if first.len() != 2 || !first.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some((digits.parse().ok()?, rest))
}

/// The byte count of a dump's `Sending N bytes ...` / `Received N byte packet ...` line.
fn dump_header(line: &str) -> Option<usize> {
    let line = line.trim();
    let rest = line
        .strip_prefix("Sending ")
        .or_else(|| line.strip_prefix("Received "))?;
    let (n, rest) = rest.split_once(' ')?;
    if !rest.starts_with("byte") {
        return None;
    }
    n.parse().ok()
}

/// A dump in packets.
fn parse_dump(text: &str) -> Result<Vec<Packet>, HexError> {
    struct Current {
        packet: Packet,
        expected: Option<usize>,
    }
    fn close(cur: Option<Current>, out: &mut Vec<Packet>) {
        if let Some(mut c) = cur {
            // A short last line can end in ASCII that looks like hex ("AB C"); the announced
            // size settles it.
            if let Some(n) = c.expected {
                c.packet.bytes.truncate(n);
            }
            if !c.packet.bytes.is_empty() {
                out.push(c.packet);
            }
        }
    }
    let mut out = Vec::new();
    let mut cur: Option<Current> = None;
    for (line_no, line) in text.lines().enumerate() {
        if let Some(n) = dump_header(line) {
            close(cur.take(), &mut out);
            cur = Some(Current {
                packet: Packet {
                    label: Some(line.trim().to_owned()),
                    bytes: Vec::new(),
                },
                expected: Some(n),
            });
            continue;
        }
        let Some((offset, rest)) = dump_line(line) else {
            continue;
        };
        if offset == 0 && cur.as_ref().is_some_and(|c| !c.packet.bytes.is_empty()) {
            close(cur.take(), &mut out);
        }
        let c = cur.get_or_insert_with(|| Current {
            packet: Packet {
                label: None,
                bytes: Vec::new(),
            },
            expected: None,
        });
        if offset != c.packet.bytes.len() {
            return Err(HexError::DumpGap {
                line: line_no + 1,
                offset,
                have: c.packet.bytes.len(),
            });
        }
        let mut count = 0;
        let mut column = 0;
        for (i, word) in rest.split(' ').enumerate() {
            if i > 0 {
                column += 1;
            }
            let start = column;
            column += word.chars().count();
            if word.is_empty() {
                continue;
            }
            let chars: Vec<char> = word.chars().collect();
            if count == DUMP_BYTES_PER_LINE
                || start >= DUMP_ASCII_COLUMN
                || chars.len() != 2
                || !chars.iter().all(char::is_ascii_hexdigit)
            {
                break;
            }
            c.packet.bytes.push(hex_pair(chars[0], chars[1]));
            count += 1;
        }
    }
    close(cur, &mut out);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Vec<u8> {
        let p = parse(text).unwrap();
        assert_eq!(p.len(), 1, "{p:?}");
        p.into_iter().next().unwrap().bytes
    }

    #[test]
    fn plain_forms() {
        let want = [0x30, 0x27, 0x02, 0x01];
        for text in [
            "30 27 02 01",
            "30270201",
            "30:27:02:01",
            "0x30 0x27 0x02 0x01",
            "0x30, 0x27, 0x02, 0x01,",
            "  3027\n0201\n",
            "0X3027 0x0201",
            "30\t27\r\n02 01",
        ] {
            assert_eq!(one(text), want, "{text:?}");
        }
    }

    #[test]
    fn plain_errors_name_the_place() {
        let cases: &[(&str, &str)] = &[
            ("30 2g", "invalid character 'g' at position 5"),
            (
                "30 27\n02 0z 01",
                "invalid character 'z' at line 2, column 5",
            ),
            (
                "30 270",
                "odd number of hex digits in \"270\" at position 4",
            ),
            ("0x3", "odd number of hex digits in \"0x3\" at position 1"),
            ("30x1", "invalid character 'x' at position 3"),
            ("30 é", "invalid character 'é' at position 4"),
            ("", "no hex bytes in the input"),
            (" \n:, ", "no hex bytes in the input"),
        ];
        for (text, want) in cases {
            assert_eq!(parse(text).unwrap_err().to_string(), *want, "{text:?}");
        }
    }

    /// What `snmpget -v2c -c public -d 127.0.0.1 sysDescr.0` prints before its answer (net-snmp
    /// 5.9 xdump layout), request only.
    const SNMPGET_DUMP: &str = "\
Sending 43 bytes to UDP: [127.0.0.1]:161->[0.0.0.0]:0
0000: 30 29 02 01  01 04 06 70  75 62 6C 69  63 A0 1C 02    0).....public...
0016: 04 5B 8E 1E  A9 02 01 00  02 01 00 30  0E 30 0C 06    .[.........0.0..
0032: 08 2B 06 01  02 01 01 01  00 05 00                    .+.........


";

    #[test]
    fn snmpget_dump() {
        let p = parse(SNMPGET_DUMP).unwrap();
        assert_eq!(p.len(), 1);
        assert_eq!(
            p[0].label.as_deref(),
            Some("Sending 43 bytes to UDP: [127.0.0.1]:161->[0.0.0.0]:0")
        );
        assert_eq!(p[0].bytes.len(), 43);
        assert_eq!(p[0].bytes[..4], [0x30, 0x29, 0x02, 0x01]);
        assert_eq!(p[0].bytes[40..], [0x00, 0x05, 0x00]);
    }

    #[test]
    fn dump_with_request_and_response_gives_two_packets() {
        let text = "0000: 30 03 02 01  01                                  0....\n\
                    some other output\n\
                    0000: 30 00                                            0.\n";
        let p = parse(text).unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].bytes, [0x30, 0x03, 0x02, 0x01, 0x01]);
        assert_eq!(p[1].bytes, [0x30, 0x00]);
    }

    #[test]
    fn dump_ascii_that_looks_like_hex_is_not_read() {
        // Bytes 41 42 20 43 print as "AB C": a short line whose ASCII starts with a hex pair.
        // net-snmp pads the hex to 54 columns, then prints the ASCII.
        let by_column = format!("0000: {:<54}AB C\n", "41 42 20 43");
        assert_eq!(one(&by_column), [0x41, 0x42, 0x20, 0x43]);
        // With the spacing lost, the announced size settles it.
        let squeezed = "Sending 4 bytes to UDP\n0000: 41 42 20 43 AB C\n";
        assert_eq!(one(squeezed), [0x41, 0x42, 0x20, 0x43]);
        // Full lines stop at 16 bytes whatever follows.
        let full = "0000: 41 41 41 41 41 41 41 41 41 41 41 41 41 41 41 41 AA AA AA\n";
        assert_eq!(one(full), [0x41; 16]);
    }

    #[test]
    fn dump_lines_must_follow_on() {
        let text = "0000: 30 29 02 01  01 04 06 70  75 62 6C 69  63 A0 1C 02    0).....public...\n\
                    0032: 08 2B 06 01                                      .+..\n";
        assert_eq!(
            parse(text).unwrap_err(),
            HexError::DumpGap {
                line: 2,
                offset: 32,
                have: 16
            }
        );
    }

    #[test]
    fn plain_hex_with_colons_is_not_a_dump() {
        assert_eq!(one("3029:0201"), [0x30, 0x29, 0x02, 0x01]);
        assert!(dump_line("3029:0201").is_none());
        assert!(dump_line("0000: hello").is_none());
        assert_eq!(dump_line("  0016: 04 5B"), Some((16, "04 5B")));
    }
}
