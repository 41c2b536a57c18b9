//! Just enough telnet (RFC 854, RFC 855; ECHO RFC 857) for the real `telnet` client and for
//! `nc`: a line decoder that takes IAC sequences out of the byte stream, the answers to option
//! negotiation, and the NVT form of output lines. No I/O.
//!
//! # Input ([`TelnetLines`])
//! - Lines end with CR LF, CR NUL, a lone CR or a lone LF (`telnet` sends CR LF, `nc` LF).
//! - `IAC WILL/WONT/DO/DONT x` becomes [`Input::Negotiate`]; `IAC SB … IAC SE` is skipped whole
//!   (its bytes are not kept); `IAC IAC` is a data byte 255; `IAC IP` and `IAC BRK` (Ctrl-C)
//!   drop the partial line and give [`Input::Interrupt`]; `IAC EC`/`IAC EL` and BS/DEL edit the
//!   partial line; `IAC AYT` gives [`Input::AreYouThere`]; other commands (NOP, DM, GA, AO) are
//!   ignored. None of them ever shows up in a line.
//! - A line longer than `max_line` bytes is dropped up to its end, and [`Input::Overlong`] is
//!   given once, as soon as the limit is passed. Memory stays at `max_line` whatever comes in.
//! - The decoder never fails: bytes that are not UTF-8 become U+FFFD. An I/O error is the only
//!   error the stream can give (tokio-util's `FramedRead` ends on any decoder error).
//!
//! # Options ([`Negotiation`])
//! We refuse every option (`DONT` to `WILL`, `WONT` to `DO`) except that the server offers ECHO
//! while a password is typed, so the client does not show it. Only requests are answered, never
//! acknowledgements, so negotiation cannot loop (RFC 854, "general considerations").

use bytes::{Buf, BytesMut};
use tokio_util::codec::Decoder;

/// Interpret As Command.
pub const IAC: u8 = 255;
/// Subnegotiation end.
pub const SE: u8 = 240;
/// Break.
pub const BRK: u8 = 243;
/// Interrupt process.
pub const IP: u8 = 244;
/// Are you there.
pub const AYT: u8 = 246;
/// Erase character.
pub const EC: u8 = 247;
/// Erase line.
pub const EL: u8 = 248;
/// Subnegotiation begin.
pub const SB: u8 = 250;
/// The sender wants to, or will, enable an option on its side.
pub const WILL: u8 = 251;
/// The sender refuses, or disables, an option on its side.
pub const WONT: u8 = 252;
/// The sender asks the receiver to enable an option.
pub const DO: u8 = 253;
/// The sender asks the receiver to disable an option.
pub const DONT: u8 = 254;
/// Option ECHO (RFC 857).
pub const ECHO: u8 = 1;

/// What the client sent, one piece at a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A line, without its line end.
    Line(String),
    /// The current line passed the length limit; the rest of it is being dropped.
    Overlong,
    /// `IAC verb option`, verb being WILL, WONT, DO or DONT.
    Negotiate {
        /// WILL, WONT, DO or DONT.
        verb: u8,
        /// The option code.
        option: u8,
    },
    /// `IAC IP` or `IAC BRK`: the user pressed Ctrl-C (or Break).
    Interrupt,
    /// `IAC AYT`.
    AreYouThere,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Data,
    /// After a CR ending a line: a LF or NUL next belongs to it.
    Cr,
    Iac,
    Option(u8),
    Sub,
    SubIac,
}

/// The line decoder. See the [module doc](self).
#[derive(Debug)]
pub struct TelnetLines {
    max_line: usize,
    state: State,
    line: Vec<u8>,
    /// The current line passed `max_line`: drop bytes until its end.
    discarding: bool,
}

impl TelnetLines {
    /// A decoder for lines of at most `max_line` bytes.
    #[must_use]
    pub fn new(max_line: usize) -> Self {
        Self {
            max_line,
            state: State::Data,
            line: Vec::new(),
            discarding: false,
        }
    }

    /// Ends the current line: the line, or nothing when it was dropped as over-long.
    fn end_line(&mut self) -> Option<Input> {
        let line = std::mem::take(&mut self.line);
        if std::mem::take(&mut self.discarding) {
            return None;
        }
        Some(Input::Line(String::from_utf8_lossy(&line).into_owned()))
    }

    fn push(&mut self, b: u8) -> Option<Input> {
        if self.discarding {
            return None;
        }
        if self.line.len() >= self.max_line {
            self.discarding = true;
            self.line = Vec::new(); // give the memory back
            return Some(Input::Overlong);
        }
        self.line.push(b);
        None
    }

    /// One byte through the state machine; maybe an item.
    fn step(&mut self, b: u8) -> Option<Input> {
        match self.state {
            State::Cr if b == b'\n' || b == 0 => {
                self.state = State::Data;
                None
            }
            State::Data | State::Cr => {
                self.state = State::Data;
                match b {
                    IAC => {
                        self.state = State::Iac;
                        None
                    }
                    b'\r' => {
                        self.state = State::Cr;
                        self.end_line()
                    }
                    b'\n' => self.end_line(),
                    0 => None,
                    0x08 | 0x7f => {
                        if !self.discarding {
                            self.line.pop();
                        }
                        None
                    }
                    b => self.push(b),
                }
            }
            State::Iac => {
                self.state = State::Data;
                match b {
                    IAC => self.push(IAC),
                    WILL..=DONT => {
                        self.state = State::Option(b);
                        None
                    }
                    SB => {
                        self.state = State::Sub;
                        None
                    }
                    IP | BRK => {
                        self.line.clear();
                        self.discarding = false;
                        Some(Input::Interrupt)
                    }
                    EC => {
                        if !self.discarding {
                            self.line.pop();
                        }
                        None
                    }
                    EL => {
                        self.line.clear();
                        self.discarding = false;
                        None
                    }
                    AYT => Some(Input::AreYouThere),
                    _ => None,
                }
            }
            State::Option(verb) => {
                self.state = State::Data;
                Some(Input::Negotiate { verb, option: b })
            }
            State::Sub => {
                if b == IAC {
                    self.state = State::SubIac;
                }
                None
            }
            State::SubIac => {
                // IAC SE ends it; IAC IAC is a data 255 inside; anything else is malformed and
                // taken as the end, so a broken client cannot swallow all later input.
                self.state = match b {
                    IAC => State::Sub,
                    _ => State::Data,
                };
                None
            }
        }
    }
}

impl Decoder for TelnetLines {
    type Item = Input;
    type Error = std::io::Error;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Input>, std::io::Error> {
        for i in 0..src.len() {
            if let Some(item) = self.step(src[i]) {
                src.advance(i + 1);
                return Ok(Some(item));
            }
        }
        src.clear();
        Ok(None)
    }

    fn decode_eof(&mut self, src: &mut BytesMut) -> Result<Option<Input>, std::io::Error> {
        if let Some(item) = self.decode(src)? {
            return Ok(Some(item));
        }
        // A last line without its line end still counts (`printf 'get …' | nc`).
        if self.state == State::Data && !self.line.is_empty() {
            return Ok(self.end_line());
        }
        Ok(None)
    }
}

/// Our side of option negotiation. See the [module doc](self).
#[derive(Debug, Default, Clone)]
pub struct Negotiation {
    /// We offered (or agreed to) ECHO and have not withdrawn it.
    echo: bool,
    /// The client agreed to our ECHO (so it does not echo, not even the line end).
    echo_agreed: bool,
}

impl Negotiation {
    /// `IAC WILL ECHO`: asks the client to stop echoing (before a password).
    pub fn offer_echo(&mut self) -> [u8; 3] {
        self.echo = true;
        [IAC, WILL, ECHO]
    }

    /// `IAC WONT ECHO` when ECHO was offered: the client echoes again.
    pub fn withdraw_echo(&mut self) -> Option<[u8; 3]> {
        let was = std::mem::take(&mut self.echo);
        self.echo_agreed = false;
        was.then_some([IAC, WONT, ECHO])
    }

    /// True when the client agreed not to echo: the server must send the line end itself.
    #[must_use]
    pub fn client_silent(&self) -> bool {
        self.echo && self.echo_agreed
    }

    /// The answer to `IAC verb option`, if it needs one.
    ///
    /// ```
    /// use snmpact::console::telnet::{Negotiation, IAC, WILL, DONT, DO, WONT};
    /// let mut n = Negotiation::default();
    /// assert_eq!(n.answer(WILL, 31), Some([IAC, DONT, 31])); // NAWS: no thanks
    /// assert_eq!(n.answer(DO, 3), Some([IAC, WONT, 3]));     // SGA: no
    /// assert_eq!(n.answer(WONT, 31), None);                   // an acknowledgement
    /// ```
    pub fn answer(&mut self, verb: u8, option: u8) -> Option<[u8; 3]> {
        match (verb, option) {
            // We want none of the client's options.
            (WILL, o) => Some([IAC, DONT, o]),
            (DO, ECHO) if self.echo => {
                self.echo_agreed = true;
                None
            }
            (DO, o) => Some([IAC, WONT, o]),
            // Refusing what we had offered: acknowledge; anything else is already off.
            (DONT, ECHO) if self.echo => {
                self.echo = false;
                self.echo_agreed = false;
                Some([IAC, WONT, ECHO])
            }
            _ => None,
        }
    }
}

/// Appends `text` and a line end in NVT form: LF becomes CR LF, a lone CR becomes CR NUL, and
/// byte 255 is doubled.
///
/// ```
/// let mut out = Vec::new();
/// snmpact::console::telnet::push_line(&mut out, "a\nb\rc");
/// assert_eq!(out, b"a\r\nb\r\0c\r\n");
/// ```
pub fn push_line(out: &mut Vec<u8>, text: &str) {
    push_text(out, text);
    out.extend_from_slice(b"\r\n");
}

/// [`push_line`] without the line end (for a prompt).
pub fn push_text(out: &mut Vec<u8>, text: &str) {
    out.reserve(text.len() + 2);
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'\n' => out.extend_from_slice(b"\r\n"),
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {} // the LF writes CR LF
            b'\r' => out.extend_from_slice(b"\r\0"),
            IAC => out.extend_from_slice(&[IAC, IAC]),
            b => out.push(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(max: usize, chunks: &[&[u8]]) -> Vec<Input> {
        let mut d = TelnetLines::new(max);
        let mut buf = BytesMut::new();
        let mut out = Vec::new();
        for c in chunks {
            buf.extend_from_slice(c);
            while let Some(i) = d.decode(&mut buf).unwrap() {
                out.push(i);
            }
            assert!(buf.is_empty());
        }
        while let Some(i) = d.decode_eof(&mut buf).unwrap() {
            out.push(i);
        }
        out
    }

    fn line(s: &str) -> Input {
        Input::Line(s.into())
    }

    #[test]
    fn every_line_end() {
        assert_eq!(
            decode_all(100, &[b"a\r\nb\r\0c\nd\re\n"]),
            [line("a"), line("b"), line("c"), line("d"), line("e")]
        );
        // Split anywhere, even between CR and LF.
        assert_eq!(
            decode_all(100, &[b"ge", b"t x\r", b"\nnext\r", b"\0", b"\n"]),
            [line("get x"), line("next"), line("")]
        );
        // A last line without a line end, at EOF.
        assert_eq!(decode_all(100, &[b"quit"]), [line("quit")]);
    }

    #[test]
    fn negotiation_is_taken_out_of_lines() {
        // What a negotiating client sends first: WILL NAWS, its size, DO SGA, WILL TTYPE, DO ECHO.
        let bytes: &[u8] = &[
            IAC, WILL, 31, IAC, SB, 31, 0, 80, 0, 24, IAC, SE, IAC, DO, 3, IAC, WILL, 24, b'g',
            IAC, DO, ECHO, b'e', b't', b'\r', b'\n',
        ];
        assert_eq!(
            decode_all(100, &[bytes]),
            [
                Input::Negotiate {
                    verb: WILL,
                    option: 31
                },
                Input::Negotiate {
                    verb: DO,
                    option: 3
                },
                Input::Negotiate {
                    verb: WILL,
                    option: 24
                },
                Input::Negotiate {
                    verb: DO,
                    option: ECHO
                },
                line("get"),
            ]
        );
        // Split inside the sequences; a subnegotiation holding IAC IAC and line ends.
        assert_eq!(
            decode_all(
                100,
                &[
                    &[b'a', IAC],
                    &[SB, 24, 0, IAC],
                    &[IAC, b'\n', b'x', IAC],
                    &[SE, b'b', b'\n']
                ]
            ),
            [line("ab")]
        );
        // IAC IAC is a 255 data byte (not UTF-8: replaced).
        assert_eq!(
            decode_all(100, &[&[b'a', IAC, IAC, b'\n']]),
            [line("a\u{fffd}")]
        );
        // NOP, GA, DM: ignored.
        assert_eq!(
            decode_all(100, &[&[IAC, 241, b'o', IAC, 249, b'k', IAC, 242, b'\n']]),
            [line("ok")]
        );
    }

    #[test]
    fn editing_and_interrupts() {
        assert_eq!(
            decode_all(100, &[b"gte\x08\x08et x\n", b"gex\x7ft y\n"]),
            [line("get x"), line("get y")]
        );
        assert_eq!(
            decode_all(100, &[&[b'a', b'b', IAC, EC, IAC, EL, b'c', b'\n']]),
            [line("c")]
        );
        assert_eq!(
            decode_all(100, &[&[b'w', b'a', IAC, IP, b'q', b'\n', IAC, AYT]]),
            [Input::Interrupt, line("q"), Input::AreYouThere]
        );
    }

    #[test]
    fn overlong_lines_are_dropped_and_reported_once() {
        let big = vec![b'x'; 1 << 20];
        let got = decode_all(8, &[b"12345678\n", &big, &big, b"\nok\n"]);
        assert_eq!(got, [line("12345678"), Input::Overlong, line("ok")]);
        // The decoder kept at most max_line bytes.
        let mut d = TelnetLines::new(8);
        let mut buf = BytesMut::from(&big[..]);
        assert_eq!(d.decode(&mut buf).unwrap(), Some(Input::Overlong));
        assert_eq!(d.decode(&mut buf).unwrap(), None);
        assert!(d.line.capacity() <= 8);
        // Interrupt ends the dropping too.
        assert_eq!(
            decode_all(2, &[b"abc", &[IAC, IP], b"ok\n"]),
            [Input::Overlong, Input::Interrupt, line("ok")]
        );
    }

    #[test]
    fn binary_junk_never_fails() {
        let junk: Vec<u8> = (0..=255u8).cycle().take(10_000).collect();
        let got = decode_all(4096, &[&junk]);
        // Lines come out (each junk line end makes one), none holds a raw control sequence.
        assert!(got.iter().any(|i| matches!(i, Input::Line(_))));
        assert!(got.iter().all(|i| match i {
            Input::Line(l) => l.len() <= 4096 * 3 && !l.contains(['\r', '\n']),
            _ => true,
        }));
    }

    #[test]
    fn answers_refuse_requests_and_never_acknowledgements() {
        let mut n = Negotiation::default();
        assert_eq!(n.answer(WILL, 31), Some([IAC, DONT, 31]));
        assert_eq!(n.answer(DO, ECHO), Some([IAC, WONT, ECHO]));
        assert_eq!(n.answer(DONT, ECHO), None);
        assert_eq!(n.answer(WONT, 24), None);
        // Password: we offer ECHO, the client agrees (no answer), then we withdraw.
        assert_eq!(n.offer_echo(), [IAC, WILL, ECHO]);
        assert!(!n.client_silent());
        assert_eq!(n.answer(DO, ECHO), None);
        assert!(n.client_silent());
        assert_eq!(n.withdraw_echo(), Some([IAC, WONT, ECHO]));
        assert_eq!(n.answer(DONT, ECHO), None); // its acknowledgement
        assert_eq!(n.withdraw_echo(), None);
        // A client that refuses our offer gets it acknowledged.
        n.offer_echo();
        assert_eq!(n.answer(DONT, ECHO), Some([IAC, WONT, ECHO]));
        assert_eq!(n.answer(DONT, ECHO), None);
    }

    #[test]
    fn output_is_nvt() {
        let mut out = Vec::new();
        push_line(&mut out, "x\r\ny\u{ff}");
        assert_eq!(out, "x\r\ny\u{ff}\r\n".as_bytes()); // U+00FF is C3 BF: no IAC byte
        let mut out = Vec::new();
        push_text(&mut out, "p> ");
        assert_eq!(out, b"p> ");
    }
}
