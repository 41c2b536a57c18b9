//! The parser: a line to words ([`tokenize`]), words to a [`Command`] ([`parse`]). Pure.

use std::time::Duration;

use super::help::usage;
use super::value::parse_set_value;
use super::{
    Action, AgentOptions, AgentRef, Command, DEFAULT_WALK_ROOT, MAX_NAME_LEN, MAX_RETRIES,
    MAX_TIMEOUT_SECS, OutputFormat, ParseError, UserOption, UserOptionError, clip,
};
use crate::mib;
use crate::oid::Oid;
use crate::pdu::{VarBind, Version};
use crate::session::{Community, SessionConfig};

/// Splits a line into words: blanks separate, `"…"` groups with `\"` and `\\` escapes, `'…'`
/// groups literally. `a"b c"d` is one word, `ab cd`, as in a shell.
///
/// ```
/// use snmpact::command::tokenize;
/// assert_eq!(tokenize(r#"set demo sysContact.0 s "Jo \"J\" Doe""#).unwrap(),
///            ["set", "demo", "sysContact.0", "s", "Jo \"J\" Doe"]);
/// assert!(tokenize("say 'hi").is_err());
/// ```
///
/// # Errors
/// [`ParseError::UnterminatedQuote`].
pub fn tokenize(line: &str) -> Result<Vec<String>, ParseError> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        None => return Err(ParseError::UnterminatedQuote("double")),
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(e @ ('"' | '\\')) => word.push(e),
                            Some(other) => {
                                word.push('\\');
                                word.push(other);
                            }
                            None => return Err(ParseError::UnterminatedQuote("double")),
                        },
                        Some(other) => word.push(other),
                    }
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        None => return Err(ParseError::UnterminatedQuote("single")),
                        Some('\'') => break,
                        Some(other) => word.push(other),
                    }
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

/// Parses one line. `Ok(None)` for a blank line or a `#` comment.
///
/// ```
/// use snmpact::command::{parse, Action, Command, OutputFormat};
/// assert_eq!(parse("format json").unwrap(), Some(Command::Format(OutputFormat::Json)));
/// assert_eq!(parse("  # a comment").unwrap(), None);
/// assert_eq!(parse("# don't stop: quotes in comments are fine").unwrap(), None);
/// let Some(Command::Run(Action::Bulk { max_repetitions, .. })) =
///     parse("bulk demo -r 20 ifDescr").unwrap() else { panic!() };
/// assert_eq!(max_repetitions, Some(20));
/// ```
///
/// # Errors
/// A [`ParseError`] naming the command and what is wrong, in one line.
pub fn parse(line: &str) -> Result<Option<Command>, ParseError> {
    // A comment line is skipped before tokenizing: its text may hold unbalanced quotes.
    if line.trim_start().starts_with('#') {
        return Ok(None);
    }
    let words = tokenize(line)?;
    let Some(first) = words.first() else {
        return Ok(None);
    };
    let mut args = Args::new(&words[1..]);
    let cmd = match first.as_str() {
        "get" => {
            let agent = args.agent("get")?;
            let oids = args.oids("get", 1)?;
            Command::Run(Action::Get { agent, oids })
        }
        "next" | "getnext" => {
            let agent = args.agent("next")?;
            let oids = args.oids("next", 1)?;
            Command::Run(Action::Next { agent, oids })
        }
        "bulk" | "getbulk" => parse_bulk(&mut args)?,
        "walk" => {
            let agent = args.agent("walk")?;
            let (root, whole_arc) = match args.next() {
                Some(w) => walk_root(w)?,
                None => (default_walk_root(), false),
            };
            args.end("walk")?;
            Command::Run(Action::Walk {
                agent,
                root,
                whole_arc,
            })
        }
        "table" => {
            let agent = args.agent("table")?;
            let oid = oid("table", args.require("table", "OID")?)?;
            args.end("table")?;
            Command::Run(Action::Table { agent, oid })
        }
        "set" => parse_set(&mut args)?,
        "agents" => {
            args.end("agents")?;
            Command::Run(Action::Agents)
        }
        "agent" => parse_agent(&mut args)?,
        "stats" => {
            args.end("stats")?;
            Command::Run(Action::Stats)
        }
        "traps" => {
            let filter = args.next().map(str::to_owned);
            args.end("traps")?;
            Command::Run(Action::Traps { filter })
        }
        "cluster" => {
            args.end("cluster")?;
            Command::Run(Action::Cluster)
        }
        "format" => {
            let f: OutputFormat = args.require("format", "text|numeric|json")?.parse()?;
            args.end("format")?;
            Command::Format(f)
        }
        "jobs" => {
            args.end("jobs")?;
            Command::Jobs
        }
        "cancel" => {
            let w = args.require("cancel", "N")?;
            let n = w.parse::<u64>().map_err(|_| ParseError::BadValue {
                command: "cancel",
                what: "N",
                value: clip(w),
                expected: "a command number",
            })?;
            args.end("cancel")?;
            Command::Cancel(n)
        }
        "help" | "?" => {
            let rest: Vec<&str> = std::iter::from_fn(|| args.next()).collect();
            let topic = (!rest.is_empty()).then(|| rest.join(" "));
            if let Some(t) = &topic
                && super::help::help(Some(t)).is_none()
            {
                return Err(ParseError::UnknownHelpTopic(clip(t)));
            }
            Command::Help(topic)
        }
        "quit" | "exit" => {
            args.end("quit")?;
            Command::Quit
        }
        other => return Err(ParseError::UnknownCommand(clip(other))),
    };
    Ok(Some(cmd))
}

fn default_walk_root() -> Oid {
    // Six arcs starting 1.3: a valid OID.
    Oid::from_valid(DEFAULT_WALK_ROOT[..].into())
}

fn parse_bulk(args: &mut Args<'_>) -> Result<Command, ParseError> {
    const C: &str = "bulk";
    let agent = args.agent(C)?;
    let mut non_repeaters = None;
    let mut max_repetitions = None;
    while let Some(w) = args.peek().filter(|w| w.starts_with('-')) {
        args.next();
        let (which, glued) = if let Some(rest) = w.strip_prefix("-Cn") {
            ("-n", rest)
        } else if let Some(rest) = w.strip_prefix("-Cr") {
            ("-r", rest)
        } else if let Some(rest) = w.strip_prefix("-n") {
            ("-n", rest)
        } else if let Some(rest) = w.strip_prefix("-r") {
            ("-r", rest)
        } else {
            return Err(ParseError::UnknownOption {
                command: C,
                option: clip(w),
                usage: usage(C),
            });
        };
        let value = args.option_value(C, which, glued)?;
        let n = number(C, which, value, u32::MAX, "a number up to 4294967295")?;
        if which == "-n" {
            non_repeaters = Some(n);
        } else {
            max_repetitions = Some(n);
        }
    }
    let oids = args.oids(C, 1)?;
    Ok(Command::Run(Action::Bulk {
        agent,
        non_repeaters,
        max_repetitions,
        oids,
    }))
}

fn parse_set(args: &mut Args<'_>) -> Result<Command, ParseError> {
    const C: &str = "set";
    let agent = args.agent(C)?;
    let mut varbinds = Vec::new();
    while let Some(o) = args.next() {
        let oid = oid(C, o)?;
        let ty = args.require(C, "TYPE")?;
        let value = args.require(C, "VALUE")?;
        varbinds.push(VarBind::new(oid, parse_set_value(ty, value)?));
    }
    if varbinds.is_empty() {
        return Err(ParseError::Missing {
            command: C,
            what: "OID TYPE VALUE",
            usage: usage(C),
        });
    }
    Ok(Command::Run(Action::Set { agent, varbinds }))
}

fn parse_agent(args: &mut Args<'_>) -> Result<Command, ParseError> {
    match args.require("agent", "add|del")? {
        "add" => {
            const C: &str = "agent add";
            // Options may come anywhere after `add`; the two other words are NAME and TARGET.
            let mut options = AgentOptions::default();
            let mut positional = Vec::new();
            while let Some(w) = args.next() {
                if w.starts_with('-') {
                    args.option(C, w, &mut options)?;
                } else {
                    positional.push(w);
                }
            }
            let mut positional = positional.into_iter();
            let name = positional.next().ok_or(ParseError::Missing {
                command: C,
                what: "NAME",
                usage: usage(C),
            })?;
            let target = positional.next().ok_or(ParseError::Missing {
                command: C,
                what: "HOST[:PORT]",
                usage: usage(C),
            })?;
            if let Some(extra) = positional.next() {
                return Err(ParseError::Unexpected {
                    command: C,
                    word: clip(extra),
                    usage: usage(C),
                });
            }
            check_name(name)?;
            // `agent add` starts from the defaults: its options must make a whole session.
            options
                .apply(SessionConfig::default())
                .map_err(|error| ParseError::User { command: C, error })?;
            Ok(Command::Run(Action::AgentAdd {
                name: name.to_owned(),
                target: target.to_owned(),
                options,
            }))
        }
        "del" | "delete" | "remove" => {
            const C: &str = "agent del";
            let name = args.require(C, "NAME")?.to_owned();
            args.end(C)?;
            Ok(Command::Run(Action::AgentDel { name }))
        }
        other => Err(ParseError::UnknownOption {
            command: "agent",
            option: clip(other),
            usage: usage("agent"),
        }),
    }
}

fn unknown(command: &'static str, word: &str) -> ParseError {
    ParseError::UnknownOption {
        command,
        option: clip(word),
        usage: usage(command),
    }
}

/// One SNMPv3 option into `options`.
fn user_option(
    command: &'static str,
    options: &mut AgentOptions,
    option: UserOption,
    value: &str,
) -> Result<(), ParseError> {
    options
        .user
        .set(option, value)
        .map_err(|error| ParseError::User { command, error })
}

/// What can be checked of an AGENT's options before knowing the agent: SNMPv3 options with
/// `-v 1|2c`, and a user given whole with `-u` (the agent's own user is not used then).
fn check_options(command: &'static str, options: &AgentOptions) -> Result<(), ParseError> {
    let user = &options.user;
    if let (Some(option), Some(v)) = (user.first, options.version)
        && v != Version::V3
    {
        return Err(ParseError::User {
            command,
            error: UserOptionError::NotV3 {
                option,
                version: v.as_str(),
            },
        });
    }
    if user.name.is_some() {
        user.build(None)
            .map_err(|error| ParseError::User { command, error })?;
    }
    Ok(())
}

fn check_name(name: &str) -> Result<(), ParseError> {
    let ok = name.len() <= MAX_NAME_LEN
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if ok {
        Ok(())
    } else {
        Err(ParseError::BadName(clip(name)))
    }
}

/// A walk's root; `.1`, `1` and `iso` (one arc, which an [`Oid`] cannot hold) walk everything
/// under that arc, from `ARC.0`, as net-snmp does.
fn walk_root(text: &str) -> Result<(Oid, bool), ParseError> {
    let error = |error| ParseError::Oid {
        command: "walk",
        error,
    };
    let crate::cli::args::Root(arcs) = crate::cli::args::parse_root(text).map_err(error)?;
    match arcs.as_slice() {
        [arc] => Ok((
            Oid::new(&[*arc, 0]).map_err(|e| {
                error(mib::MibError::Invalid {
                    text: clip(text),
                    error: e,
                })
            })?,
            true,
        )),
        _ => Ok((oid("walk", text)?, false)),
    }
}

fn oid(command: &'static str, text: &str) -> Result<Oid, ParseError> {
    mib::resolve(text).map_err(|error| ParseError::Oid { command, error })
}

fn number(
    command: &'static str,
    what: &'static str,
    value: &str,
    max: u32,
    expected: &'static str,
) -> Result<u32, ParseError> {
    value
        .parse::<u32>()
        .ok()
        .filter(|n| *n <= max)
        .ok_or_else(|| ParseError::BadValue {
            command,
            what,
            value: clip(value),
            expected,
        })
}

/// The words after the command word, consumed front to back.
struct Args<'a> {
    words: &'a [String],
}

impl<'a> Args<'a> {
    fn new(words: &'a [String]) -> Self {
        Self { words }
    }

    fn peek(&self) -> Option<&'a str> {
        self.words.first().map(String::as_str)
    }

    #[allow(clippy::should_implement_trait)] // not an Iterator: it also peeks and takes options
    fn next(&mut self) -> Option<&'a str> {
        let (first, rest) = self.words.split_first()?;
        self.words = rest;
        Some(first)
    }

    fn require(
        &mut self,
        command: &'static str,
        what: &'static str,
    ) -> Result<&'a str, ParseError> {
        self.next().ok_or(ParseError::Missing {
            command,
            what,
            usage: usage(command),
        })
    }

    fn end(&self, command: &'static str) -> Result<(), ParseError> {
        match self.peek() {
            None => Ok(()),
            Some(w) => Err(ParseError::Unexpected {
                command,
                word: clip(w),
                usage: usage(command),
            }),
        }
    }

    /// Session options, then the AGENT word.
    fn agent(&mut self, command: &'static str) -> Result<AgentRef, ParseError> {
        let mut options = AgentOptions::default();
        while let Some(w) = self.peek().filter(|w| w.starts_with('-')) {
            self.next();
            self.option(command, w, &mut options)?;
        }
        let name = self.require(command, "AGENT")?.to_owned();
        check_options(command, &options)?;
        Ok(AgentRef { name, options })
    }

    /// One of `-v`, `-c`, `-t`, `-r` or the SNMPv3 options (`-u -l -a -A -x -X -n -E -e`,
    /// `-3m -3M -3k -3K`), with its value glued on or in the next word.
    fn option(
        &mut self,
        command: &'static str,
        word: &'a str,
        options: &mut AgentOptions,
    ) -> Result<(), ParseError> {
        let mut chars = word.chars();
        chars.next(); // the '-'
        let letter = chars.next();
        let glued = chars.as_str();
        match letter {
            Some('v') => {
                let v = self.option_value(command, "-v", glued)?;
                options.version = Some(match v.to_ascii_lowercase().as_str() {
                    "1" => Version::V1,
                    "2c" => Version::V2c,
                    "3" => Version::V3,
                    _ => {
                        return Err(ParseError::BadValue {
                            command,
                            what: "-v",
                            value: clip(v),
                            expected: "1, 2c or 3",
                        });
                    }
                });
            }
            Some('c') => {
                let c = self.option_value(command, "-c", glued)?;
                options.community = Some(Community::from(c));
            }
            Some('t') => {
                let t = self.option_value(command, "-t", glued)?;
                let secs = t
                    .parse::<f64>()
                    .ok()
                    .filter(|s| s.is_finite() && *s > 0.0 && *s <= MAX_TIMEOUT_SECS)
                    .ok_or_else(|| ParseError::BadValue {
                        command,
                        what: "-t",
                        value: clip(t),
                        expected: "seconds above 0 and up to 600",
                    })?;
                options.timeout = Some(Duration::from_secs_f64(secs));
            }
            Some('r') => {
                let r = self.option_value(command, "-r", glued)?;
                options.retries = Some(number(
                    command,
                    "-r",
                    r,
                    MAX_RETRIES,
                    "a number of retries up to 100",
                )?);
            }
            Some('3') => {
                // `-3m KEY`, `-3mKEY`, `-3m=KEY` (net-snmp's spellings), and `-3 m KEY`.
                let mut rest = glued.chars();
                let sub = match rest.next() {
                    Some(c) => c,
                    None => {
                        let w = self.option_value(command, "-3", "")?;
                        let mut cs = w.chars();
                        match (cs.next(), cs.next()) {
                            (Some(c), None) => c,
                            _ => return Err(unknown(command, word)),
                        }
                    }
                };
                let option = UserOption::from_extended(sub).ok_or(ParseError::User {
                    command,
                    error: UserOptionError::Extended(sub),
                })?;
                let after = rest.as_str();
                let after = after.strip_prefix('=').unwrap_or(after);
                let value = self.option_value(command, option.flag(), after)?;
                user_option(command, options, option, value)?;
            }
            Some(c) => {
                let option = UserOption::from_letter(c).ok_or_else(|| unknown(command, word))?;
                let value = self.option_value(command, option.flag(), glued)?;
                user_option(command, options, option, value)?;
            }
            None => return Err(unknown(command, word)),
        }
        Ok(())
    }

    /// The value of `option`: `glued` when not empty, else the next word.
    fn option_value(
        &mut self,
        command: &'static str,
        option: &'static str,
        glued: &'a str,
    ) -> Result<&'a str, ParseError> {
        if glued.is_empty() {
            self.next()
                .ok_or(ParseError::MissingValue { command, option })
        } else {
            Ok(glued)
        }
    }

    /// All remaining words as OIDs, at least `min` of them.
    fn oids(&mut self, command: &'static str, min: usize) -> Result<Vec<Oid>, ParseError> {
        let mut oids = Vec::with_capacity(self.words.len());
        while let Some(w) = self.next() {
            oids.push(oid(command, w)?);
        }
        if oids.len() < min {
            return Err(ParseError::Missing {
                command,
                what: "OID",
                usage: usage(command),
            });
        }
        Ok(oids)
    }
}
