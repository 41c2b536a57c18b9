//! The one-shot tools: `snmpact get|getnext|bulkget|walk|bulkwalk|table|set`, with net-snmp's
//! arguments so that muscle memory and scripts carry over, against one agent or many at once.
//!
//! ```text
//! snmpact walk -v 2c -c public 127.0.0.1:16100 system
//! snmpact get -v2c -cpublic -Onq 127.0.0.1:16100,127.0.0.1:16101 sysDescr.0 sysUpTime.0
//! snmpact bulkwalk -Cr25 --targets etc/agents-sample.txt --format json ifTable
//! snmpact get -v 3 -u alice -l authPriv -a SHA-256 -A authpass1 -x AES -X privpass1 127.0.0.1:1161 sysDescr.0
//! ```
//!
//! - [`args`]: the command line (`-v 1|2c|3 -c -t -r -O… -C…`, the SNMPv3 options `-u -l -a -A
//!   -x -X -n -E -e -3m -3M -3k -3K` ([`crate::command::UserOptions`]), options before or after
//!   the agent, `--format text|json|csv`, `--targets FILE`, `--concurrency N`, `--no-progress`).
//! - [`targets`]: the `--targets` file, one `HOST[:PORT] [NAME]` a line, `#` comments.
//! - [`walk`]: the loops of `snmpwalk` and `snmpbulkwalk`, pure.
//! - [`output`]: text, JSON and CSV; net-snmp's error messages; `snmptable`'s layout.
//! - `run`: one engine, a session per agent, `--concurrency` agents at once, results in order,
//!   the progress bar and the tally.
//!
//! # Output
//! With one agent, `--format text` prints exactly what the net-snmp tool prints on stdout, and
//! its messages on stderr (`Timeout: No Response from …`, `Error in packet …`, `End of MIB`).
//! Tested byte for byte against net-snmp 5.9.3 and a real `snmpd` (`tests/integration/cli.rs`),
//! `-On` walks of the whole agent included: a walk prints the `endOfMibView` (v2c) or
//! `End of MIB` (v1) line that ends a walk of `.1`, nothing past the end of a subtree, and a walk
//! of a leaf (or of nothing) GETs it instead, as `snmpwalk` does. Names, enumerations, hints
//! and decoded indexes come from the MIB in use ([`crate::mib`], `-M`/`-m`): with the same
//! files, net-snmp prints the same (`tests/integration/mibs.rs`).
//!
//! The host `demo` is the embedded simulated agent ([`DEMO_HOST`]), started for the run: it is
//! never looked up. With several agents (`HOST1,HOST2,...` or `--targets`), each agent's lines come whole, in the
//! order the agents were given, each line starting with `NAME: `; each error is one line
//! `NAME: message` on stderr; a progress bar shows on stderr when it is a terminal (never on
//! stdout, never when stderr is redirected; `--no-progress` turns it off); and a summary ends
//! the run on stderr: `N agents: A ok, B timed out, C failed; V varbinds in S s`.
//!
//! `--format json`: one object per line, the varbind's [`crate::format::varbind_json`] plus
//! `agent`; a failure adds `{"agent", "error", "message"}` (and its line on stderr); a `table`
//! row is `{"agent", "table", "index", "values": {COLUMN: value}}`. `--format csv`: the header
//! `agent,oid,name,type,value,hex`, then one row per varbind (a table's cells included), with the
//! JSON `value` as text. `-O` options shape text only.
//!
//! # Exit status
//! As net-snmp's tools for what reaches an agent: 0 every agent answered; 1 some agent timed
//! out or failed (an OID that does not increase, a host that does not resolve, a transport
//! error); 2 some agent answered with an error-status (v1 noSuchName in a GET, noAccess or
//! notWritable in a SET, ...), which wins over 1. Also 2: a usage or input error, before
//! anything is sent (net-snmp's tools exit 1 for those).
//!
//! # Where we differ from net-snmp, on purpose
//! - Default version 2c (Debian's net-snmp defaults to 3), but any SNMPv3 option (`-u`, `-l`,
//!   `-A`, ...) selects 3; SNMPv3 options with `-v 1` or `-v 2c` are a usage error (net-snmp
//!   ignores them). As in net-snmp, the security level comes from `-l` only: `-A` without `-l`
//!   still sends noAuthNoPriv. Pass phrases shorter than 8 characters are refused before anything
//!   is sent, and neither they nor keys are ever printed (errors name the option, not its value).
//! - `-Cr 10` (apart) is accepted as well as `-Cr10`; net-snmp 5.9.3 takes only the glued form.
//! - A negative number (`i -5` in `set`) is a value, not an option.
//! - `walk` takes several OIDs and walks each in turn; `snmpwalk` ignores all but the first.
//! - Unknown OIDs, bad options and GETBULK with `-v 1` are one-line usage errors, exit 2.
//! - SNMPv1 GET with several objects refused: net-snmp prints one `Error in packet` per object in
//!   the order the agent refuses them (snmpd: last first); we print them last first, whatever the
//!   agent's order. Other error-statuses are printed and the request is not retried without the
//!   failed varbind (`snmpget` retries); `-Cf` is not needed and not taken. tooBig GETs are split
//!   by the engine instead of failing.
//! - Walking a one-arc root (`.1`) starts at `1.0` (net-snmp sends the sub-identifier `1`, which
//!   the BER form cannot tell from `0.1`); an empty agent prints its `endOfMibView` as `.1.0`, and
//!   the GET of an empty one-arc walk is skipped.
//! - An agent answering a GETBULK with no varbinds ends the walk (net-snmp would loop).
//! - `table` lays out its text as `snmptable` does (checked against snmptable with the same MIB
//!   files), with column names from the MIB in use, or numbers for tables it does not know.
//! - Output options other than `-On -Os -Of -OS -Oq -OQ -Ov -Ot -Oe -Ob -OU -Ox -Oa -OT` are
//!   refused; `-M -m` load MIB files; `-I -P -L` are accepted and ignored (names are always
//!   looked up anywhere, as `-IR` does); `-d -D -H` and `-Z` (the agent's boots and time are
//!   discovered) are refused.

pub mod args;
pub mod output;
mod run;
pub mod targets;
pub mod translate;
pub mod walk;

#[cfg(test)]
mod tests;

use std::io::{self, Read};
use std::process::ExitCode;

pub use args::{Format, Invocation, Parsed, Tool, UsageError};
pub use run::{Status, Summary, execute};

/// The host that stands for snmpact's embedded simulated agent (`etc/demo.snmprec`, community
/// `public`), started on a free loopback port for the run: `snmpact get demo sysDescr.0`.
pub const DEMO_HOST: &str = "demo";

/// Exit status: every agent answered.
pub const EXIT_OK: u8 = 0;
/// Exit status: some agent failed or timed out.
pub const EXIT_FAILED: u8 = 1;
/// Exit status: a usage or input error; nothing was sent.
pub const EXIT_USAGE: u8 = 2;
/// Exit status: some agent answered with an error-status (as net-snmp's tools).
pub const EXIT_AGENT_ERROR: u8 = 2;

/// Runs `snmpact TOOL ARGS...` (ARGS without the tool's name) and returns its exit status.
/// Prints results on stdout and diagnostics on stderr; starts and stops its own actix `System`.
#[must_use]
pub fn run(tool: Tool, args: &[String]) -> ExitCode {
    let usage = |e: &dyn std::fmt::Display| {
        eprintln!(
            "snmpact {}: {e} (see: snmpact {} --help)",
            tool.name(),
            tool.name()
        );
        ExitCode::from(EXIT_USAGE)
    };
    let inv = match args::parse(tool, args) {
        Ok(Parsed::Run(inv)) => inv,
        Ok(Parsed::Help) => {
            print!("{}", args::help(tool));
            return ExitCode::SUCCESS;
        }
        Ok(Parsed::Version) => {
            println!("snmpact {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Err(e) => return usage(&e),
    };
    let mut targets = match &inv.agents {
        args::Agents::Hosts(hosts) => targets::from_hosts(hosts),
        args::Agents::File(path) => {
            let text = if path.as_os_str() == "-" {
                let mut s = String::new();
                io::stdin().read_to_string(&mut s).map(|_| s)
            } else {
                std::fs::read_to_string(path)
            };
            let label = path.display().to_string();
            let parsed = text
                .map_err(|e| vec![format!("{label}: {e}")])
                .and_then(|t| {
                    targets::parse_targets_all(&t).map_err(|e| targets::report(&label, &e))
                });
            match parsed {
                Ok(t) => t,
                // Every bad line (up to a cap), the last with the usage hint.
                Err(mut lines) => {
                    let last = lines.pop().unwrap_or_default();
                    for l in lines {
                        eprintln!("snmpact {}: {l}", tool.name());
                    }
                    return usage(&last);
                }
            }
        }
    };
    // The host `demo`: the embedded simulated agent, for the run (never a name to look up).
    let demo = if targets.iter().any(|t| t.host == DEMO_HOST) {
        match crate::simulator::agent::spawn_demo() {
            Ok(d) => Some(d),
            Err(e) => return usage(&format!("cannot start the demo agent: {e}")),
        }
    } else {
        None
    };
    if let Some(d) = &demo {
        for t in targets.iter_mut().filter(|t| t.host == DEMO_HOST) {
            t.host = d.addr().to_string();
        }
    }
    let summary = match actix::System::new().block_on(async { execute(&inv, &targets).await }) {
        s if s.broken_pipe => return ExitCode::SUCCESS,
        s => s,
    };
    if targets.len() > 1 {
        eprintln!("{}", summary.line());
    }
    if summary.ok == summary.agents && summary.failed == 0 {
        ExitCode::from(EXIT_OK)
    } else if summary.agent_errors > 0 {
        ExitCode::from(EXIT_AGENT_ERROR)
    } else {
        ExitCode::from(EXIT_FAILED)
    }
}
