//! net-snmp's command line, read by hand as its `getopt` reads it: options anywhere (before or
//! after the agent), values glued on or apart (`-v2c`, `-v 2c`), letters combined (`-Onq`),
//! `-C` letters per tool (`-Cr10`, and `-Cr 10` too), then the agent and the OIDs. Pure: no I/O.
//!
//! The long options are snmpact's own: `--format`, `--targets`, `--concurrency`,
//! `--no-progress`, `--help`.

use std::path::PathBuf;
use std::time::Duration;

use crate::command::{SetValueError, UserOption, UserOptionError, UserOptions, parse_set_value};
use crate::format::{OidStyle, StringFormat, TextOptions};
use crate::mib::{self, LoadSpec, MibError};
use crate::oid::{Oid, OidError};
use crate::pdu::{VarBind, Version};
use crate::session::{Community, DEFAULT_MAX_REPETITIONS, SessionConfig};

/// Default most agents queried at once (`--concurrency`).
pub const DEFAULT_CONCURRENCY: usize = 128;
/// Longest `-t` accepted, in seconds.
pub const MAX_TIMEOUT_SECS: f64 = 600.0;
/// Most `-r` retries accepted.
pub const MAX_RETRIES: u32 = 100;
/// The root `walk` takes when none is given: mib-2, as `snmpwalk` does.
pub const DEFAULT_WALK_ROOT: [u32; 6] = [1, 3, 6, 1, 2, 1];

/// The net-snmp tool a subcommand stands in for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tool {
    /// `snmpget`.
    Get,
    /// `snmpgetnext`.
    GetNext,
    /// `snmpbulkget`.
    BulkGet,
    /// `snmpwalk` (GETNEXT).
    Walk,
    /// `snmpbulkwalk` (GETBULK).
    BulkWalk,
    /// `snmptable`.
    Table,
    /// `snmpset`.
    Set,
}

impl Tool {
    /// The subcommand (`"getnext"`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Tool::Get => "get",
            Tool::GetNext => "getnext",
            Tool::BulkGet => "bulkget",
            Tool::Walk => "walk",
            Tool::BulkWalk => "bulkwalk",
            Tool::Table => "table",
            Tool::Set => "set",
        }
    }

    /// The net-snmp tool it mirrors (`"snmpgetnext"`).
    #[must_use]
    pub fn net_snmp(self) -> &'static str {
        match self {
            Tool::Get => "snmpget",
            Tool::GetNext => "snmpgetnext",
            Tool::BulkGet => "snmpbulkget",
            Tool::Walk => "snmpwalk",
            Tool::BulkWalk => "snmpbulkwalk",
            Tool::Table => "snmptable",
            Tool::Set => "snmpset",
        }
    }

    /// The arguments after `[OPTIONS]`, as the usage line shows them.
    #[must_use]
    pub fn synopsis(self) -> &'static str {
        match self {
            Tool::Get | Tool::GetNext | Tool::BulkGet => "AGENT OID [OID]...",
            Tool::Walk | Tool::BulkWalk => "AGENT [OID]...",
            Tool::Table => "AGENT TABLE-OID",
            Tool::Set => "AGENT OID TYPE VALUE [OID TYPE VALUE]...",
        }
    }

    /// True for the tools that send GETBULK (v2c only).
    #[must_use]
    pub fn is_bulk(self) -> bool {
        matches!(self, Tool::BulkGet | Tool::BulkWalk)
    }

    /// The `-C` letters this tool takes, for its help.
    fn app_help(self) -> &'static str {
        match self {
            Tool::Get | Tool::GetNext | Tool::Set => "",
            Tool::BulkGet => {
                "  -C n<NUM>        non-repeaters (default 0)\n  -C r<NUM>        max-repetitions (default 10)\n"
            }
            Tool::Walk => {
                "  -C c             do not check that returned OIDs increase\n  -C i             GET the given OID first and print it too\n  -C I             no GET of the given OID when the walk finds nothing\n  -C p             print the number of variables found\n"
            }
            Tool::BulkWalk => {
                "  -C c             do not check that returned OIDs increase\n  -C i             GET the given OID first and print it too\n  -C n<NUM>        non-repeaters (default 0)\n  -C r<NUM>        max-repetitions (default 10)\n  -C p             print the number of variables found\n"
            }
            Tool::Table => {
                "  -C b             brief column headers (common prefix removed)\n  -C i             print the index of each row first\n  -C H             no headers\n  -C l             left-justify the columns\n  -C r<NUM>        max-repetitions of the GETBULK walk (default 10)\n"
            }
        }
    }
}

/// How results are printed (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Format {
    /// net-snmp's text, byte for byte (with `-O` options).
    #[default]
    Text,
    /// One JSON object per line.
    Json,
    /// A CSV header, then one row per varbind.
    Csv,
}

/// Where the agents come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Agents {
    /// `HOST[:PORT]` given on the command line (comma-separated for several).
    Hosts(Vec<String>),
    /// `--targets FILE` (`-` for standard input).
    File(PathBuf),
}

/// `-C` letters of `walk` and `bulkwalk`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WalkFlags {
    /// `-Ci`: GET the root first and print it.
    pub include_requested: bool,
    /// `-CI`: no GET of the root when the walk printed nothing.
    pub no_fallback_get: bool,
    /// `-Cc`: do not check that OIDs increase.
    pub no_check: bool,
    /// `-Cp`: print `Variables found: N` at the end.
    pub print_count: bool,
}

/// `-C` letters of `table`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TableFlags {
    /// `-Cb`: column headers without their common prefix.
    pub brief: bool,
    /// `-Ci`: an index column first.
    pub index: bool,
    /// `-CH`: no headers.
    pub no_headers: bool,
    /// `-Cl`: columns left-justified.
    pub left: bool,
}

/// A walk root: an OID, or one of the three one-arc roots (`.1` walks the whole agent), which
/// [`Oid`] cannot hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Root(pub Vec<u32>);

/// What to ask each agent.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// GET, GETNEXT or GETBULK of these OIDs.
    Oids(Vec<Oid>),
    /// Walks of these subtrees, one after the other.
    Walk(Vec<Root>),
    /// One table.
    Table(Oid),
    /// One SET of these varbinds.
    Set(Vec<VarBind<'static>>),
}

/// A parsed command line, ready to run.
#[derive(Debug, Clone)]
pub struct Invocation {
    /// The tool.
    pub tool: Tool,
    /// Version, community, timeout, retries, max-repetitions for every agent.
    pub session: SessionConfig,
    /// `-O` options for text output.
    pub text: TextOptions,
    /// `--format`.
    pub format: Format,
    /// The agents.
    pub agents: Agents,
    /// `--concurrency`: most agents in progress at once.
    pub concurrency: usize,
    /// False with `--no-progress`.
    pub progress: bool,
    /// `-C` letters of the walks.
    pub walk: WalkFlags,
    /// `-C` letters of `table`.
    pub table: TableFlags,
    /// `-Cn` of the bulk tools.
    pub non_repeaters: u32,
    /// `-Cr` of the bulk tools and `table`.
    pub max_repetitions: u32,
    /// What to ask.
    pub request: Request,
}

/// What the command line asks for.
#[derive(Debug, Clone)]
pub enum Parsed {
    /// Run it.
    Run(Box<Invocation>),
    /// `-h` / `--help`: print [`help`].
    Help,
    /// `-V` / `--version`.
    Version,
}

/// Why a command line cannot run. `Display` is one line.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum UsageError {
    /// An option that no tool knows.
    #[error("unknown option '{0}'")]
    UnknownOption(String),
    /// An option net-snmp has that snmpact does not.
    #[error("option {option} is not supported: {why}")]
    Unsupported {
        /// The option as typed.
        option: String,
        /// Why, or what to use instead.
        why: &'static str,
    },
    /// An option without its value.
    #[error("option {0} needs a value")]
    MissingValue(String),
    /// An option value out of range or malformed.
    #[error("bad value '{value}' for {option}: expected {expected}")]
    BadValue {
        /// The option.
        option: String,
        /// The value as typed.
        value: String,
        /// What is allowed.
        expected: &'static str,
    },
    /// A `-O` letter that is unknown or not supported.
    #[error("output option -O{0} is not supported (supported: n s f S u q Q v t e b U x a T X E)")]
    OutputFlag(char),
    /// A `-C` letter this tool does not take.
    #[error("unknown flag passed to -C: {0}")]
    AppFlag(char),
    /// `-Cn` or `-Cr` without its number.
    #[error("-C{0} needs a number (-C{0}10 or -C{0} 10)")]
    AppNumber(char),
    /// Neither AGENT nor `--targets`.
    #[error("no agent given (AGENT, HOST1,HOST2,... or --targets FILE)")]
    NoAgent,
    /// An empty host in a comma-separated list, or a malformed one.
    #[error("bad agent '{agent}': {reason}")]
    BadAgent {
        /// The agent as typed.
        agent: String,
        /// Why.
        reason: String,
    },
    /// No OID where one is required.
    #[error("missing object name")]
    NoOid,
    /// More OIDs than the tool takes.
    #[error("unexpected argument '{0}'")]
    Extra(String),
    /// An OID that does not resolve.
    #[error("{0}")]
    Oid(#[from] MibError),
    /// `set` with an OID lacking its TYPE and VALUE.
    #[error("{0}: missing TYPE and VALUE after it")]
    SetIncomplete(String),
    /// `set` with an OID and a TYPE but no VALUE.
    #[error("{oid}: missing the VALUE after its type '{ty}'")]
    SetNoValue {
        /// The OID as typed.
        oid: String,
        /// The type letter given.
        ty: String,
    },
    /// A SET value that does not fit its type.
    #[error("{oid}: {error}")]
    SetValue {
        /// The OID as typed.
        oid: String,
        /// Why.
        error: SetValueError,
    },
    /// A GETBULK tool with `-v 1`.
    #[error("{0} sends GETBULK, which SNMPv1 does not have: use -v 2c")]
    BulkInV1(&'static str),
    /// SNMPv3 options that cannot make a user. Never quotes a pass phrase or a key.
    #[error("{0}")]
    User(#[from] UserOptionError),
}

/// The whole help text of `tool`.
#[must_use]
pub fn help(tool: Tool) -> String {
    let mut s = format!(
        "snmpact {name}: {what}, with {net}'s options.\n\n\
         Usage: snmpact {name} [OPTIONS] {syn}\n\n\
         AGENT is HOST[:PORT] (udp:HOST:PORT, [IPv6]:PORT); several agents: HOST1,HOST2,... or\n\
         --targets FILE (then every argument is an OID). With several agents each line starts\n\
         with `NAME: `.\n\n\
         Options (net-snmp's; before or after AGENT):\n\
         \x20 -v 1|2c|3        SNMP version (default 2c; 3 with any SNMPv3 option)\n\
         \x20 -c COMMUNITY     community (default public)\n\
         \x20 -t SECONDS       timeout of one try (default 1)\n\
         \x20 -r RETRIES       retries after the first try (default 5)\n\
         \x20 -O LETTERS       n numeric OIDs, q quick, v values only, t numeric timeticks\n",
        name = tool.name(),
        net = tool.net_snmp(),
        syn = tool.synopsis(),
        what = match tool {
            Tool::Get => "GET",
            Tool::GetNext => "GETNEXT",
            Tool::BulkGet => "one GETBULK",
            Tool::Walk => "walk a subtree with GETNEXT",
            Tool::BulkWalk => "walk a subtree with GETBULK",
            Tool::Table => "print a conceptual table",
            Tool::Set => "SET",
        },
    );
    s.push_str(tool.app_help());
    s.push_str(
        "\nSNMPv3 (net-snmp's; the level comes from -l only, as in net-snmp):\n\
         \x20 -u USER          security name (required with -v 3)\n\
         \x20 -l LEVEL         noAuthNoPriv (default), authNoPriv or authPriv\n\
         \x20 -a PROTOCOL      MD5 (default), SHA, SHA-224, SHA-256, SHA-384, SHA-512\n\
         \x20 -A PASSPHRASE    authentication pass phrase (8 characters or more)\n\
         \x20 -x PROTOCOL      DES (default), AES, AES-192, AES-256; AES-192-C, AES-256-C\n\
         \x20                  with the Cisco key extension\n\
         \x20 -X PASSPHRASE    privacy pass phrase (8 characters or more)\n\
         \x20 -3m KEY, -3M KEY authentication, privacy master key Ku (hex)\n\
         \x20 -3k KEY, -3K KEY authentication, privacy key localized for the agent (hex)\n\
         \x20 -n CONTEXT       context name (default empty)\n\
         \x20 -E ENGINEID      context engine id (hex; default the agent's)\n\
         \x20 -e ENGINEID      the agent's engine id (hex; default discovered)\n",
    );
    if tool == Tool::Set {
        s.push_str(
            "\nTYPE: i INTEGER, u Gauge32, c Counter32, C Counter64, t TimeTicks, a IpAddress,\n\
             o OBJECT IDENTIFIER, s string, x hex string, d decimal string, b BITS, n NULL.\n",
        );
    }
    s.push_str(
        "\nsnmpact's own:\n\
         \x20 --format text|json|csv  output format (default text: net-snmp's, byte for byte)\n\
         \x20 --targets FILE          agents, one `HOST[:PORT] [NAME]` a line, # comments\n\
         \x20 --concurrency N         most agents queried at once (default 128)\n\
         \x20 --no-progress           no progress bar (it shows only on a terminal, on stderr)\n\
         \x20 -h, --help              this help\n\n\
         Exit status: 0 every agent answered, 1 some agent failed or timed out, 2 usage or input\n\
         error.\n",
    );
    s
}

/// Options that take a value, by their letter (the SNMPv3 ones are [`UserOption`]s).
const VALUE_OPTIONS: &str = "vctrOCmMLIP";

/// Reads a tool's arguments (everything after `snmpact TOOL`).
///
/// # Errors
/// [`UsageError`] for anything that keeps the command from running; nothing has been sent.
pub fn parse(tool: Tool, args: &[String]) -> Result<Parsed, UsageError> {
    let mut p = Parser::new(tool);
    let mut positional: Vec<String> = Vec::new();
    let mut i = 0;
    let mut options_done = false;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        if options_done || !arg.starts_with('-') || arg == "-" || is_negative_number(arg) {
            positional.push(arg.clone());
            continue;
        }
        if arg == "--" {
            options_done = true;
            continue;
        }
        if let Some(long) = arg.strip_prefix("--") {
            let (name, glued) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_owned())),
                None => (long, None),
            };
            let mut value = |what: &str| -> Result<String, UsageError> {
                if let Some(v) = glued.clone() {
                    return Ok(v);
                }
                let v = args
                    .get(i)
                    .cloned()
                    .ok_or_else(|| UsageError::MissingValue(what.to_owned()))?;
                i += 1;
                Ok(v)
            };
            match name {
                "help" => return Ok(Parsed::Help),
                "version" => return Ok(Parsed::Version),
                "format" => {
                    let v = value("--format")?;
                    p.format = match v.as_str() {
                        "text" => Format::Text,
                        "json" => Format::Json,
                        "csv" => Format::Csv,
                        _ => return Err(bad("--format", &v, "text, json or csv")),
                    };
                }
                "targets" => p.targets = Some(PathBuf::from(value("--targets")?)),
                "concurrency" => {
                    let v = value("--concurrency")?;
                    p.concurrency = v
                        .parse()
                        .ok()
                        .filter(|&n: &usize| n > 0)
                        .ok_or_else(|| bad("--concurrency", &v, "a number from 1"))?;
                }
                "no-progress" => p.progress = false,
                _ => return Err(UsageError::UnknownOption(arg.clone())),
            }
            continue;
        }
        let mut chars = arg[1..].chars();
        let Some(letter) = chars.next() else {
            return Err(UsageError::UnknownOption(arg.clone()));
        };
        let glued: String = chars.collect();
        match letter {
            'h' => return Ok(Parsed::Help),
            'V' => return Ok(Parsed::Version),
            'H' => {
                return Err(UsageError::Unsupported {
                    option: "-H".into(),
                    why: "snmpact reads no net-snmp configuration files",
                });
            }
            'd' => {
                return Err(UsageError::Unsupported {
                    option: "-d".into(),
                    why: "dump a message with `snmpact decode` instead",
                });
            }
            'D' => {
                return Err(UsageError::Unsupported {
                    option: "-D".into(),
                    why: "set RUST_LOG=debug for snmpact's logs instead",
                });
            }
            'Z' => {
                return Err(UsageError::Unsupported {
                    option: "-Z".into(),
                    why: "the agent's engine boots and time are discovered",
                });
            }
            '3' => {
                // `-3m KEY`, `-3mKEY`, `-3m=KEY` (net-snmp's spellings). A bare `-3` is a
                // number (`i -3` in `set`), so `-3 m KEY` is not taken here.
                let mut rest = glued.chars();
                let Some(sub) = rest.next() else {
                    return Err(UsageError::MissingValue("-3".into()));
                };
                let option =
                    UserOption::from_extended(sub).ok_or(UserOptionError::Extended(sub))?;
                let after = rest.as_str();
                let after = after.strip_prefix('=').unwrap_or(after);
                let value = if after.is_empty() {
                    let v = args
                        .get(i)
                        .ok_or_else(|| UsageError::MissingValue(option.flag().into()))?;
                    i += 1;
                    v.as_str()
                } else {
                    after
                };
                p.user.set(option, value)?;
            }
            c if UserOption::from_letter(c).is_some() => {
                let Some(option) = UserOption::from_letter(c) else {
                    return Err(UsageError::UnknownOption(arg.clone()));
                };
                let value = if glued.is_empty() {
                    let v = args
                        .get(i)
                        .ok_or_else(|| UsageError::MissingValue(option.flag().into()))?;
                    i += 1;
                    v.as_str()
                } else {
                    glued.as_str()
                };
                p.user.set(option, value)?;
            }
            c if VALUE_OPTIONS.contains(c) => {
                let option = format!("-{c}");
                let value = if glued.is_empty() {
                    let v = args
                        .get(i)
                        .cloned()
                        .ok_or_else(|| UsageError::MissingValue(option.clone()))?;
                    i += 1;
                    v
                } else {
                    glued
                };
                if c == 'C' {
                    p.app_flags(&value, args, &mut i)?;
                } else {
                    p.option(c, &option, &value)?;
                }
            }
            _ => return Err(UsageError::UnknownOption(arg.clone())),
        }
    }
    p.finish(positional).map(|inv| Parsed::Run(Box::new(inv)))
}

fn bad(option: &str, value: &str, expected: &'static str) -> UsageError {
    UsageError::BadValue {
        option: option.to_owned(),
        value: value.to_owned(),
        expected,
    }
}

/// `-5`, `-0.5`: a value (an `i` SET value), not an option. net-snmp's getopt would take it for
/// an option; accepting it is friendlier and breaks nothing.
fn is_negative_number(arg: &str) -> bool {
    arg.strip_prefix('-').is_some_and(|rest| {
        rest.starts_with(|c: char| c.is_ascii_digit())
            && rest.chars().all(|c| c.is_ascii_digit() || c == '.')
    })
}

/// The options seen so far.
struct Parser {
    tool: Tool,
    session: SessionConfig,
    text: TextOptions,
    format: Format,
    targets: Option<PathBuf>,
    concurrency: usize,
    progress: bool,
    walk: WalkFlags,
    table: TableFlags,
    non_repeaters: u32,
    max_repetitions: u32,
    /// `-v` as given (SNMPv3 options with `-v 1|2c` are refused).
    version: Option<Version>,
    /// The SNMPv3 options.
    user: UserOptions,
    /// `-M`/`-m` when given: what [`mib::configure`] loads before names are read.
    mibs: Option<LoadSpec>,
}

impl Parser {
    fn new(tool: Tool) -> Self {
        Self {
            tool,
            session: SessionConfig::default(),
            text: TextOptions::default(),
            format: Format::Text,
            targets: None,
            concurrency: DEFAULT_CONCURRENCY,
            progress: true,
            walk: WalkFlags::default(),
            table: TableFlags::default(),
            non_repeaters: 0,
            max_repetitions: DEFAULT_MAX_REPETITIONS,
            version: None,
            user: UserOptions::default(),
            mibs: None,
        }
    }

    /// An option with a value, other than `-C`.
    fn option(&mut self, c: char, option: &str, value: &str) -> Result<(), UsageError> {
        match c {
            'v' => {
                let v = match value.to_ascii_lowercase().as_str() {
                    "1" => Version::V1,
                    "2c" => Version::V2c,
                    "3" => Version::V3,
                    _ => return Err(bad(option, value, "1, 2c or 3")),
                };
                self.session.version = v;
                self.version = Some(v);
            }
            'c' => self.session.community = Community::from(value),
            't' => {
                let secs: f64 = value
                    .parse()
                    .ok()
                    .filter(|s: &f64| s.is_finite() && *s > 0.0 && *s <= MAX_TIMEOUT_SECS)
                    .ok_or_else(|| bad(option, value, "seconds, more than 0, up to 600"))?;
                self.session.timeout = Duration::from_secs_f64(secs);
            }
            'r' => {
                self.session.retries = value
                    .parse()
                    .ok()
                    .filter(|&r| r <= MAX_RETRIES)
                    .ok_or_else(|| bad(option, value, "a number from 0 to 100"))?;
            }
            'O' => {
                for f in value.chars() {
                    match f {
                        'n' => self.text.oid_style = OidStyle::Numeric,
                        'S' => self.text.oid_style = OidStyle::Names,
                        's' => self.text.oid_style = OidStyle::Suffix,
                        'f' => self.text.oid_style = OidStyle::Full,
                        'q' => self.text.quick = true,
                        'Q' => {
                            self.text.quick = true;
                            self.text.quick_equals = true;
                        }
                        'v' => self.text.value_only = true,
                        't' => self.text.numeric_timeticks = true,
                        'e' => self.text.numeric_enums = true,
                        'b' => self.text.no_index_breakdown = true,
                        'U' => self.text.no_units = true,
                        'x' => self.text.strings = StringFormat::Hex,
                        'a' => self.text.strings = StringFormat::Ascii,
                        'T' => self.text.hex_text = true,
                        'X' => self.text.extended_index = true,
                        'E' => self.text.escape_quotes = true,
                        'u' => self.text.oid_style = OidStyle::Ucd,
                        other => return Err(UsageError::OutputFlag(other)),
                    }
                }
            }
            // MIB directories and modules, as net-snmp reads them; loaded before any name.
            'M' => self
                .mibs
                .get_or_insert_with(LoadSpec::from_env)
                .set_dirs(value),
            'm' => self
                .mibs
                .get_or_insert_with(LoadSpec::from_env)
                .set_modules(value),
            // Input and logging options: names are looked up by any part (`-IR` is how
            // snmpact always reads them) and logs come from RUST_LOG, so these change nothing.
            _ => {}
        }
        Ok(())
    }

    /// The letters of `-C`, per tool. `-Cn`/`-Cr` take their number glued on or, when it is
    /// missing, from the next argument (`i` points at it).
    fn app_flags(
        &mut self,
        letters: &str,
        args: &[String],
        i: &mut usize,
    ) -> Result<(), UsageError> {
        let tool = self.tool;
        let mut rest = letters;
        while let Some(c) = rest.chars().next() {
            rest = &rest[c.len_utf8()..];
            match (tool, c) {
                (Tool::Walk | Tool::BulkWalk, 'c') => self.walk.no_check = true,
                (Tool::Walk | Tool::BulkWalk, 'i') => self.walk.include_requested = true,
                (Tool::Walk, 'I') => self.walk.no_fallback_get = true,
                (Tool::Walk | Tool::BulkWalk, 'p') => self.walk.print_count = true,
                (Tool::Table, 'b') => self.table.brief = true,
                (Tool::Table, 'i') => self.table.index = true,
                (Tool::Table, 'H') => self.table.no_headers = true,
                (Tool::Table, 'l') => self.table.left = true,
                (Tool::BulkGet | Tool::BulkWalk, 'n')
                | (Tool::BulkGet | Tool::BulkWalk | Tool::Table, 'r') => {
                    let digits =
                        rest.len() - rest.trim_start_matches(|d: char| d.is_ascii_digit()).len();
                    let number = if digits > 0 {
                        let n = &rest[..digits];
                        rest = &rest[digits..];
                        n.to_owned()
                    } else if rest.is_empty()
                        && args
                            .get(*i)
                            .is_some_and(|a| !a.is_empty() && a.chars().all(|d| d.is_ascii_digit()))
                    {
                        *i += 1;
                        args[*i - 1].clone()
                    } else {
                        return Err(UsageError::AppNumber(c));
                    };
                    let n: u32 = number.parse().map_err(|_| {
                        bad(&format!("-C{c}"), &number, "a number up to 2147483647")
                    })?;
                    if i32::try_from(n).is_err() {
                        return Err(bad(&format!("-C{c}"), &number, "a number up to 2147483647"));
                    }
                    if c == 'n' {
                        self.non_repeaters = n;
                    } else {
                        self.max_repetitions = n;
                    }
                }
                _ => return Err(UsageError::AppFlag(c)),
            }
        }
        Ok(())
    }

    fn finish(mut self, positional: Vec<String>) -> Result<Invocation, UsageError> {
        let tool = self.tool;
        if let Some(option) = self.user.first {
            match self.version {
                None | Some(Version::V3) => self.session.version = Version::V3,
                Some(v) => {
                    return Err(UserOptionError::NotV3 {
                        option,
                        version: v.as_str(),
                    }
                    .into());
                }
            }
        }
        if self.session.version == Version::V3 {
            self.session.user = Some(std::sync::Arc::new(self.user.build(None)?));
        }
        if tool.is_bulk() && self.session.version == Version::V1 {
            return Err(UsageError::BulkInV1(tool.name()));
        }
        if let Some(spec) = self.mibs.take() {
            mib::configure(spec);
        }
        let mut args = positional.into_iter();
        let agents = match self.targets.take() {
            Some(file) => Agents::File(file),
            None => {
                let list = args.next().ok_or(UsageError::NoAgent)?;
                Agents::Hosts(split_hosts(&list)?)
            }
        };
        let rest: Vec<String> = args.collect();
        let request = match tool {
            Tool::Get | Tool::GetNext | Tool::BulkGet => {
                if rest.is_empty() {
                    return Err(UsageError::NoOid);
                }
                Request::Oids(
                    rest.iter()
                        .map(|s| mib::resolve(s))
                        .collect::<Result<_, _>>()?,
                )
            }
            Tool::Walk | Tool::BulkWalk => {
                if rest.is_empty() {
                    Request::Walk(vec![Root(DEFAULT_WALK_ROOT.to_vec())])
                } else {
                    Request::Walk(
                        rest.iter()
                            .map(|s| parse_root(s))
                            .collect::<Result<_, _>>()?,
                    )
                }
            }
            Tool::Table => match rest.as_slice() {
                [] => return Err(UsageError::NoOid),
                [one] => Request::Table(mib::resolve(one)?),
                [_, extra, ..] => return Err(UsageError::Extra(extra.clone())),
            },
            Tool::Set => {
                if rest.is_empty() {
                    return Err(UsageError::NoOid);
                }
                let mut varbinds = Vec::new();
                for triple in rest.chunks(3) {
                    let (oid, ty, value) = match triple {
                        [oid, ty, value] => (oid, ty, value),
                        [oid, ty] => {
                            return Err(UsageError::SetNoValue {
                                oid: oid.clone(),
                                ty: ty.clone(),
                            });
                        }
                        _ => return Err(UsageError::SetIncomplete(triple[0].clone())),
                    };
                    let value =
                        parse_set_value(ty, value).map_err(|error| UsageError::SetValue {
                            oid: oid.clone(),
                            error,
                        })?;
                    varbinds.push(VarBind::new(mib::resolve(oid)?, value));
                }
                Request::Set(varbinds)
            }
        };
        self.session.max_repetitions = self.max_repetitions;
        self.session.non_repeaters = self.non_repeaters;
        Ok(Invocation {
            tool,
            session: self.session,
            text: self.text,
            format: self.format,
            agents,
            concurrency: self.concurrency,
            progress: self.progress,
            walk: self.walk,
            table: self.table,
            non_repeaters: self.non_repeaters,
            max_repetitions: self.max_repetitions,
            request,
        })
    }
}

/// `HOST1,HOST2,...`: each checked for a port that parses. A comma never belongs to a host or
/// an IPv6 literal, so it is free to separate them.
fn split_hosts(list: &str) -> Result<Vec<String>, UsageError> {
    list.split(',')
        .map(|h| {
            crate::engine::split_target(h)
                .map(|_| h.to_owned())
                .map_err(|reason| UsageError::BadAgent {
                    agent: h.to_owned(),
                    reason,
                })
        })
        .collect()
}

/// A walk root: what [`mib::resolve`] gives, or a one-arc root (`.1`, `1`, `iso`) that an
/// [`Oid`] cannot hold.
///
/// # Errors
/// The [`MibError`] of anything else that does not resolve.
pub fn parse_root(text: &str) -> Result<Root, MibError> {
    match mib::resolve(text) {
        Ok(oid) => Ok(Root(oid.arcs().to_vec())),
        Err(
            e @ MibError::Invalid {
                error: OidError::TooShort,
                ..
            },
        ) => {
            let bare = text.strip_prefix('.').unwrap_or(text);
            if let Ok(arc) = bare.parse::<u32>()
                && arc <= 2
            {
                return Ok(Root(vec![arc]));
            }
            match mib::lookup_name(text) {
                Some(entry) if entry.arcs.len() == 1 => Ok(Root(entry.arcs.to_vec())),
                _ => Err(e),
            }
        }
        Err(e) => Err(e),
    }
}
