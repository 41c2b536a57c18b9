//! The help texts: one [`CommandHelp`] per command, the usage lines the parser's errors quote,
//! and [`help`], what `help [COMMAND]` prints.

/// The help of one command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandHelp {
    /// The command word (`"agent add"` for the two-word ones).
    pub name: &'static str,
    /// Other words for it.
    pub aliases: &'static [&'static str],
    /// The usage line.
    pub usage: &'static str,
    /// What it does, and an example, one line each.
    pub details: &'static [&'static str],
}

const OPTIONS_LINE: &str =
    "OPTIONS before AGENT: -v 1|2c|3, -c COMMUNITY, -t SECONDS, -r RETRIES, SNMPv3 (help v3)";
const AGENT_LINE: &str = "AGENT: a name from 'agents', or HOST[:PORT]";

/// What `help v3` prints after its first line: the SNMPv3 options every command takes before
/// AGENT (and `agent add` anywhere after NAME).
pub const V3_HELP: &[&str] = &[
    "-v 3 -u USER  the user; any SNMPv3 option below selects -v 3",
    "-l noAuthNoPriv|authNoPriv|authPriv  security level (default noAuthNoPriv, even",
    "   with -A: as in net-snmp, the level comes from -l only)",
    "-a MD5|SHA|SHA-224|SHA-256|SHA-384|SHA-512  authentication (default MD5)",
    "-A PASSPHRASE  authentication pass phrase (8 characters or more)",
    "-x DES|AES|AES-192|AES-256|AES-192-C|AES-256-C  privacy (default DES; -C: the",
    "   Cisco key extension)",
    "-X PASSPHRASE  privacy pass phrase (8 characters or more)",
    "-3m HEX, -3M HEX  authentication, privacy master key (Ku)",
    "-3k HEX, -3K HEX  authentication, privacy key localized for the agent's engine",
    "-n CONTEXT  context name; -E HEX context engine id; -e HEX the agent's engine id",
    "Without -u, the options change a registered agent's own user (get -n ctx r1 ...);",
    "with -u they make the whole user.",
    "Pass phrases and keys are never shown: not in jobs, agents, errors or logs.",
    "example: get -v 3 -u alice -l authPriv -a SHA-256 -A PASS -x AES -X PASS r1 sysDescr.0",
];

/// The first line of `help v3`.
const V3_USAGE: &str = "SNMPv3 OPTIONS (before AGENT, as net-snmp's):";

/// Every command, in the order `help` lists them.
pub const COMMANDS: &[CommandHelp] = &[
    CommandHelp {
        name: "get",
        aliases: &[],
        usage: "get [OPTIONS] AGENT OID...",
        details: &[
            "GET of one or more OIDs (numeric or MIB names), as snmpget.",
            OPTIONS_LINE,
            AGENT_LINE,
            "example: get -v 2c -c public 127.0.0.1:16100 sysDescr.0 sysUpTime.0",
        ],
    },
    CommandHelp {
        name: "next",
        aliases: &["getnext"],
        usage: "next [OPTIONS] AGENT OID...",
        details: &[
            "GETNEXT of one or more OIDs, as snmpgetnext.",
            OPTIONS_LINE,
            "example: next demo sysDescr",
        ],
    },
    CommandHelp {
        name: "bulk",
        aliases: &["getbulk"],
        usage: "bulk [OPTIONS] AGENT [-n NON-REPEATERS] [-r MAX-REPETITIONS] OID...",
        details: &[
            "One GETBULK (SNMPv2c and SNMPv3), as snmpbulkget; -Cn/-Cr are accepted too.",
            "Defaults: -n 0 -r 10. Before AGENT, -n is the SNMPv3 context and -r the retries.",
            "example: bulk demo -n 1 -r 5 sysUpTime ifDescr",
        ],
    },
    CommandHelp {
        name: "walk",
        aliases: &[],
        usage: "walk [OPTIONS] AGENT [OID]",
        details: &[
            "Walks the subtree under OID (default mib-2), printing rows as they arrive.",
            "GETBULK on v2c and v3, GETNEXT on v1. Stop it with: cancel N",
            "example: walk demo system",
        ],
    },
    CommandHelp {
        name: "table",
        aliases: &[],
        usage: "table [OPTIONS] AGENT OID",
        details: &[
            "Reads a conceptual table (or its entry) and prints it as rows, as snmptable.",
            "example: table demo ifTable",
        ],
    },
    CommandHelp {
        name: "set",
        aliases: &[],
        usage: "set [OPTIONS] AGENT OID TYPE VALUE [OID TYPE VALUE]...",
        details: &[
            "SET in one request, as snmpset. TYPE: i INTEGER, u Gauge32, c Counter32,",
            "C Counter64, t TimeTicks, a IpAddress, o OID, s string, x hex, d decimal bytes,",
            "b BITS, n NULL. Quote values with blanks: \"two words\".",
            "example: set -c private demo sysContact.0 s \"ops team\"",
        ],
    },
    CommandHelp {
        name: "agents",
        aliases: &[],
        usage: "agents",
        details: &["Lists the registered agents (never their communities, pass phrases or keys)."],
    },
    CommandHelp {
        name: "agent add",
        aliases: &[],
        usage: "agent add NAME HOST[:PORT] [OPTIONS]",
        details: &[
            "Registers an agent under NAME (replacing one of that name).",
            "OPTIONS: -v 1|2c|3, -c COMMUNITY, -t SECONDS, -r RETRIES, SNMPv3 (help v3)",
            "example: agent add core-sw1 127.0.0.1:16100 -v 2c -c public -t 0.5 -r 2",
            "example: agent add r1 127.0.0.1:1161 -v 3 -u alice -l authPriv -a SHA-256 -A PASS -x AES -X PASS",
        ],
    },
    CommandHelp {
        name: "agent del",
        aliases: &[],
        usage: "agent del NAME",
        details: &["Forgets the agent NAME; its commands still running fail."],
    },
    CommandHelp {
        name: "stats",
        aliases: &[],
        usage: "stats",
        details: &[
            "The engine's counters: requests, retries, answers, timeouts, drops; and the",
            "notification receiver's ([traps]): received, delivered, dropped by reason.",
            "In a cluster, also this instance's cluster health (degraded while Redis is down).",
        ],
    },
    CommandHelp {
        name: "traps",
        aliases: &[],
        usage: "traps [FILTER]",
        details: &[
            "Streams the traps and informs the service receives ([traps]) as snmptrapd logs",
            "them (format json: one object each), until cancelled (cancel N). FILTER keeps",
            "those whose source address, trap OID or trap name contains it.",
            "example: traps linkDown",
        ],
    },
    CommandHelp {
        name: "cluster",
        aliases: &[],
        usage: "cluster",
        details: &[
            "The poller cluster ([cluster] in the configuration): this instance, its health",
            "(joining, healthy, degraded), the epoch, and each live member with its site, the",
            "agents it owns and whether its configuration matches this one.",
        ],
    },
    CommandHelp {
        name: "format",
        aliases: &[],
        usage: "format text|numeric|json",
        details: &[
            "text: as net-snmp prints (names); numeric: as with -On; json: one object a line.",
        ],
    },
    CommandHelp {
        name: "jobs",
        aliases: &[],
        usage: "jobs",
        details: &["Lists the commands still running, with their numbers."],
    },
    CommandHelp {
        name: "cancel",
        aliases: &[],
        usage: "cancel N",
        details: &["Stops command number N (its answers are tagged [N])."],
    },
    CommandHelp {
        name: "help",
        aliases: &["?"],
        usage: "help [COMMAND]",
        details: &["Lists the commands, or tells about one."],
    },
    CommandHelp {
        name: "quit",
        aliases: &["exit"],
        usage: "quit",
        details: &["Closes the connection; running commands are cancelled."],
    },
];

/// The help of the command called `name` (or an alias; `agent` finds `agent add`).
pub(crate) fn find(name: &str) -> Option<&'static CommandHelp> {
    COMMANDS.iter().find(|c| {
        c.name == name
            || c.aliases.contains(&name)
            || c.name
                .split_once(' ')
                .is_some_and(|(first, _)| first == name)
    })
}

/// The usage line of `command` (a name from [`COMMANDS`]).
pub(crate) fn usage(command: &str) -> &'static str {
    if command == "agent" {
        return "agent add NAME HOST[:PORT] [OPTIONS] | agent del NAME";
    }
    find(command).map_or("help", |c| c.usage)
}

/// What `help` (`None`) or `help COMMAND` prints, one line each; `None` for an unknown command.
///
/// ```
/// let lines = snmpact::command::help(Some("get")).unwrap();
/// assert_eq!(lines[0], "get [OPTIONS] AGENT OID...");
/// assert!(snmpact::command::help(Some("gte")).is_none());
/// ```
#[must_use]
pub fn help(topic: Option<&str>) -> Option<Vec<String>> {
    match topic {
        None => {
            let mut lines = vec!["Commands (help COMMAND tells more):".to_owned()];
            lines.extend(COMMANDS.iter().map(|c| format!("  {}", c.usage)));
            lines.push("SNMPv3 options: help v3".to_owned());
            Some(lines)
        }
        Some("v3" | "snmpv3") => {
            let mut lines = vec![V3_USAGE.to_owned()];
            lines.extend(V3_HELP.iter().map(|d| format!("  {d}")));
            Some(lines)
        }
        Some("agent") => {
            let mut lines = Vec::new();
            for name in ["agent add", "agent del"] {
                lines.extend(help(Some(name))?);
            }
            Some(lines)
        }
        Some(name) => {
            let c = find(name)?;
            let mut lines = vec![c.usage.to_owned()];
            lines.extend(c.details.iter().map(|d| format!("  {d}")));
            Some(lines)
        }
    }
}
