//! `snmpact batch SCRIPT`: a script of console commands (`get`, `walk`, `table`, `set`,
//! `agent add`, ... as [`crate::command`] defines them; `#` comments, blank lines) run through
//! one engine, concurrently, with the output printed in script order.
//!
//! ```text
//! snmpact batch etc/batch-sample.txt
//! snmpact batch --agents etc/agents-sample.txt etc/batch-fleet-sample.txt
//! snmpact batch --format json --keep-going jobs.txt > results.jsonl
//! producer | snmpact batch -
//! ```
//!
//! - The whole script is read and parsed first ([`script`]): every bad line is reported as
//!   `snmpact batch: FILE:LINE: message` and nothing is sent (exit 2). An AGENT must be defined
//!   at its line (`agent add` above it, or `--agents`), be a `HOST:PORT`, or be `demo`, and its
//!   options must make a session over that agent's settings (SNMPv3: a user name, the keys its
//!   level needs, pass phrases of 8 characters or more; no secret is ever printed).
//! - Then the commands run ([`runner`]), up to `--concurrency` at once (default 16). A `set`,
//!   `agent add`, `agent del`, `agents` and `stats` run alone, after everything above them and
//!   before everything below, so a `get` after a `set` sees the new value and a command after
//!   `agent add` finds its agent.
//! - Output comes in script order whatever the timing, so two runs diff cleanly. Text is the
//!   console's (net-snmp's forms; `format numeric` for `-On`); `--format json` is one object per
//!   result (a varbind, a table, a note) with the command's `"line"`, and an error is
//!   `{"line": N, "error": "..."}`. A `format` line changes the format from there on.
//! - A failed command is one line on stderr, `snmpact batch: FILE:LINE: message`. Without
//!   `--keep-going` the run stops there: nothing below it is printed and no `set` or agent
//!   command below it runs (reads already running are dropped). A summary line on stderr ends a
//!   run that had failures.
//! - `demo`: when a script uses the name `demo` and nothing defines it, and wherever an agent
//!   list or `agent add` gives the host `demo`, snmpact starts its embedded simulated agent
//!   (`etc/demo.snmprec`, community `public`) on a free 127.0.0.1 port for the run. So
//!   `etc/batch-sample.txt` runs as it is, and `etc/batch-fleet-sample.txt` with
//!   `etc/agents-sample.txt` naming two agents on it.
//! - `quit` ends the script; `jobs` and `cancel` are console-only (bad lines here); `help`
//!   prints its text.
//!
//! Exit status: 0 every command succeeded; 1 some command failed (or was not run after a
//! failure); 2 the script or agent list is unreadable or has bad lines, nothing sent.

pub mod runner;
pub mod script;

#[cfg(test)]
mod tests;

use std::io::{self, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use crate::EngineConfig;
use crate::cli::targets::{Target, parse_targets_all, report};
use crate::command::OutputFormat;
use crate::engine::Engine;
use crate::session::SessionConfig;
use crate::simulator::agent;

use runner::{RunOptions, Tally};
use script::{DEMO, parse_script};

/// Default most commands running at once (`--concurrency`).
pub const DEFAULT_CONCURRENCY: usize = 16;
/// Exit status: every command succeeded.
pub const EXIT_OK: u8 = 0;
/// Exit status: some command failed.
pub const EXIT_FAILED: u8 = 1;
/// Exit status: the script or agent list cannot run; nothing was sent.
pub const EXIT_USAGE: u8 = 2;

/// What `snmpact batch` was asked.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    /// The script (`-`: standard input).
    pub script: PathBuf,
    /// The format before any `format` line.
    pub format: OutputFormat,
    /// Run every line even after a failure.
    pub keep_going: bool,
    /// Most commands running at once.
    pub concurrency: usize,
    /// Agents to define first: one `HOST[:PORT] [NAME]` a line (the `--targets` format).
    pub agents: Option<PathBuf>,
}

fn read(path: &PathBuf) -> io::Result<String> {
    if path.as_os_str() == "-" {
        let mut s = String::new();
        io::stdin().read_to_string(&mut s)?;
        Ok(s)
    } else {
        std::fs::read_to_string(path)
    }
}

/// Runs `snmpact batch` and returns its exit status. Starts and stops its own actix `System`.
#[must_use]
pub fn run(opts: &BatchOptions) -> ExitCode {
    let label = opts.script.display().to_string();
    let usage = |message: String| {
        eprintln!("snmpact batch: {message}");
        ExitCode::from(EXIT_USAGE)
    };
    let agents: Vec<Target> = match &opts.agents {
        None => Vec::new(),
        Some(path) => {
            let label = path.display().to_string();
            match read(path)
                .map_err(|e| vec![format!("{label}: {e}")])
                .and_then(|t| parse_targets_all(&t).map_err(|e| report(&label, &e)))
            {
                Ok(t) => t,
                // Every bad line (up to a cap).
                Err(mut lines) => {
                    let last = lines.pop().unwrap_or_default();
                    for l in lines {
                        eprintln!("snmpact batch: {l}");
                    }
                    return usage(last);
                }
            }
        }
    };
    let text = match read(&opts.script) {
        Ok(t) => t,
        Err(e) => return usage(format!("{label}: {e}")),
    };
    let names: Vec<String> = agents.iter().map(|t| t.name.clone()).collect();
    let script = match parse_script(&text, &names, opts.format) {
        Ok(s) => s,
        Err(bad) => {
            for b in &bad {
                eprintln!("snmpact batch: {label}:{}: {}", b.line, b.message);
            }
            let s = if bad.len() == 1 { "" } else { "s" };
            return usage(format!("{} bad line{s}; nothing was sent", bad.len()));
        }
    };
    let needs_demo = script.uses_demo || agents.iter().any(|t| t.host == DEMO);
    let demo = if needs_demo {
        match agent::spawn_demo() {
            Ok(handle) => Some(handle),
            Err(e) => return usage(format!("cannot start the demo agent: {e}")),
        }
    } else {
        None
    };
    let demo_addr = demo.as_ref().map(|d| d.addr().to_string());
    let run_opts = RunOptions {
        concurrency: opts.concurrency,
        keep_going: opts.keep_going,
        demo: demo_addr.clone(),
        label,
    };
    let result = actix::System::new().block_on(async {
        let engine = Engine::start(EngineConfig::default());
        let r = define_agents(&engine, &agents, demo_addr.as_deref(), script.uses_demo).await;
        let r = match r {
            Ok(()) => {
                let mut out = BufWriter::new(io::stdout());
                let mut err = io::stderr();
                runner::execute(&engine, &script, &run_opts, &mut out, &mut err)
                    .await
                    .map(Ok)
            }
            Err(e) => Ok(Err(e)),
        };
        engine.shutdown().await;
        r
    });
    drop(demo);
    match result {
        Ok(Ok(tally)) => finish(&tally, script.steps.len()),
        Ok(Err(message)) => usage(message),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("snmpact batch: cannot write the output: {e}");
            ExitCode::from(EXIT_FAILED)
        }
    }
}

/// Registers the agent list (the host `demo` meaning the embedded agent) and, when the script
/// uses `demo` undefined, the embedded agent as `demo`.
async fn define_agents(
    engine: &Engine,
    agents: &[Target],
    demo: Option<&str>,
    script_uses_demo: bool,
) -> Result<(), String> {
    for t in agents {
        let host = match demo {
            Some(addr) if t.host == DEMO => addr,
            _ => t.host.as_str(),
        };
        engine
            .replace_session(&t.name, host, SessionConfig::default())
            .await
            .map_err(|e| format!("agent list line {}: {e}", t.line))?;
    }
    if let Some(addr) = demo
        && script_uses_demo
        && !agents.iter().any(|t| t.name == DEMO)
    {
        engine
            .replace_session(DEMO, addr, SessionConfig::default())
            .await
            .map_err(|e| format!("demo agent: {e}"))?;
    }
    Ok(())
}

fn finish(tally: &Tally, steps: usize) -> ExitCode {
    if let Some(line) = tally.stopped_at {
        eprintln!("snmpact batch: stopped at line {line} (--keep-going runs every line)");
    }
    if tally.failed == 0 && tally.skipped == 0 {
        return ExitCode::from(EXIT_OK);
    }
    eprintln!(
        "snmpact batch: {steps} commands: {} ok, {} failed, {} not run",
        tally.ok, tally.failed, tally.skipped
    );
    let _ = io::stderr().flush();
    ExitCode::from(EXIT_FAILED)
}
