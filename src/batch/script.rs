//! A batch script, read whole before anything runs: each line through the console's parser
//! ([`crate::command::parse`]), then the checks a line cannot make alone (is that agent known at
//! that point of the script? do the options make a session over that agent's settings, such as
//! `-v 3` without `-u` over an agent that has no SNMPv3 user?). Pure: no engine, no I/O.

use std::collections::HashMap;
use std::net::IpAddr;

use crate::command::{self, Action, Command, OutputFormat};
use crate::session::SessionConfig;

/// The name that stands for snmpact's embedded simulated agent when nothing else defines it,
/// and the host that means it in `agent add NAME demo` and in an agent list.
pub const DEMO: &str = "demo";

/// One command of the script.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// Its line in the script (from 1).
    pub line: usize,
    /// What it does.
    pub kind: StepKind,
    /// The output format in effect for it (`--format`, then the `format` lines above it).
    pub format: OutputFormat,
}

/// What a step does.
#[derive(Debug, Clone, PartialEq)]
pub enum StepKind {
    /// Work for the engine.
    Run(Action),
    /// `help [COMMAND]`: prints the help text.
    Help(Option<String>),
}

impl Step {
    /// True when the step must run alone, after everything above it and before everything
    /// below it: `set` (a later `get` must see it) and the commands that read or change the
    /// agents (`agent add`, `agent del`, `agents`, `stats`).
    #[must_use]
    pub fn is_barrier(&self) -> bool {
        matches!(
            self.kind,
            StepKind::Run(
                Action::Set { .. }
                    | Action::AgentAdd { .. }
                    | Action::AgentDel { .. }
                    | Action::Agents
                    | Action::Stats
                    | Action::Cluster
            )
        )
    }
}

/// A parsed script.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Script {
    /// The commands, in script order (blank lines, comments and `format` lines make none).
    pub steps: Vec<Step>,
    /// True when some command uses the embedded demo agent (the name or the host `demo`
    /// without a definition of its own).
    pub uses_demo: bool,
}

/// A line that cannot run. `Display` is `line N: message`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct BadLine {
    /// The line number (from 1).
    pub line: usize,
    /// What is wrong with it, in one line.
    pub message: String,
}

/// Reads a whole script. `known` are the agent names defined before it runs (`--agents`).
///
/// ```
/// use snmpact::batch::script::parse_script;
/// use snmpact::command::OutputFormat;
/// let s = parse_script("# poll\nget demo sysDescr.0\n\nformat json\nwalk 127.0.0.1:161 system\n",
///                      &[], OutputFormat::Text).unwrap();
/// assert_eq!(s.steps.iter().map(|s| (s.line, s.format)).collect::<Vec<_>>(),
///            [(2, OutputFormat::Text), (5, OutputFormat::Json)]);
/// assert!(s.uses_demo);
/// let bad = parse_script("get core1 sysDescr.0\ngte demo x\n", &[], OutputFormat::Text).unwrap_err();
/// assert_eq!(bad.iter().map(ToString::to_string).collect::<Vec<_>>(), [
///     "line 1: unknown agent 'core1' (define it with `agent add`, list it in --agents, or give HOST:PORT)",
///     "line 2: unknown command 'gte' (try: help)",
/// ]);
/// ```
///
/// # Errors
/// Every bad line, in order.
pub fn parse_script(
    text: &str,
    known: &[String],
    format: OutputFormat,
) -> Result<Script, Vec<BadLine>> {
    // The agents defined so far, with the settings their commands start from.
    let mut known: HashMap<String, SessionConfig> = known
        .iter()
        .map(|n| (n.clone(), SessionConfig::default()))
        .collect();
    let mut format = format;
    let mut script = Script::default();
    let mut bad = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let mut fail = |message: String| bad.push(BadLine { line, message });
        // A comment is skipped whole, before the parser splits it into words (an apostrophe in
        // a comment is no quote).
        if raw.trim_start().starts_with('#') {
            continue;
        }
        let cmd = match command::parse(raw) {
            Ok(Some(cmd)) => cmd,
            Ok(None) => continue,
            Err(e) => {
                fail(e.to_string());
                continue;
            }
        };
        let kind = match cmd {
            Command::Format(f) => {
                format = f;
                continue;
            }
            Command::Quit => break,
            Command::Help(topic) => StepKind::Help(topic),
            Command::Jobs | Command::Cancel(_) => {
                fail("jobs and cancel are for the console; a batch runs every line".into());
                continue;
            }
            Command::Run(action) => {
                if let Err(message) = check_agents(&action, &mut known, &mut script.uses_demo) {
                    fail(message);
                    continue;
                }
                StepKind::Run(action)
            }
        };
        script.steps.push(Step { line, kind, format });
    }
    if bad.is_empty() { Ok(script) } else { Err(bad) }
}

/// Keeps track of the names defined so far and checks that every AGENT is one of them, a
/// `HOST:PORT`, or `demo`, and that its options make a session over its settings (as the
/// executor will make it).
fn check_agents(
    action: &Action,
    known: &mut HashMap<String, SessionConfig>,
    uses_demo: &mut bool,
) -> Result<(), String> {
    let agent = match action {
        Action::Get { agent, .. }
        | Action::Next { agent, .. }
        | Action::Bulk { agent, .. }
        | Action::Walk { agent, .. }
        | Action::Table { agent, .. }
        | Action::Set { agent, .. } => agent,
        Action::AgentAdd {
            name,
            target,
            options,
        } => {
            if target == DEMO {
                *uses_demo = true;
            }
            // The parser checked that these options make a session.
            let config = options.apply(SessionConfig::default()).unwrap_or_default();
            known.insert(name.clone(), config);
            return Ok(());
        }
        Action::AgentDel { name } => {
            return if known.remove(name).is_some() {
                Ok(())
            } else {
                Err(format!("agent del: no agent '{name}' at this line"))
            };
        }
        Action::Agents | Action::Stats | Action::Cluster => return Ok(()),
        Action::Traps { .. } => {
            return Err("traps streams until cancelled: it has no place in a script".to_owned());
        }
    };
    let base = if let Some(config) = known.get(&agent.name) {
        config.clone()
    } else if is_target(&agent.name) {
        SessionConfig::default()
    } else if agent.name == DEMO {
        *uses_demo = true;
        SessionConfig::default()
    } else {
        return Err(format!(
            "unknown agent '{}' (define it with `agent add`, list it in --agents, or give HOST:PORT)",
            agent.name
        ));
    };
    agent
        .options
        .apply(base)
        .map(drop)
        .map_err(|e| format!("{}: {}: {e}", action.verb(), command::clip(&agent.name)))
}

/// A `HOST[:PORT]` rather than a name, as the console's executor tells them apart: an IP
/// address, text with a dot, colon or bracket, or `localhost`.
#[must_use]
pub fn is_target(s: &str) -> bool {
    s.parse::<IpAddr>().is_ok() || s.contains(['.', ':', '[']) || s == "localhost"
}
