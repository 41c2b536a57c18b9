//! Running a parsed [`Script`] through the console's executor ([`crate::command::exec`]): up to
//! `concurrency` commands at once, `set` and the agent commands alone and in their place, every
//! command's output held until all above it are printed, and a stop at the first failure unless
//! told to keep going.

use std::collections::BTreeMap;
use std::io::{self, Write};

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use serde_json::{Map, Value as Json};

use crate::command::render::{self, Event};
use crate::command::{Action, OutputFormat, exec, help};
use crate::engine::Engine;

use super::script::{DEMO, Script, Step, StepKind};

/// How to run a script.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Most commands running at once (at least 1).
    pub concurrency: usize,
    /// Run every line even after one fails.
    pub keep_going: bool,
    /// The address of the embedded demo agent, when one was started (`agent add X demo`).
    pub demo: Option<String>,
    /// How the script is named in error lines (`etc/batch-sample.txt`, `-`).
    pub label: String,
}

/// What one command gave: its lines, ready to print, and its error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Its line in the script.
    pub line: usize,
    /// Its format.
    pub format: OutputFormat,
    /// Output lines, without line ends.
    pub lines: Vec<String>,
    /// Why it failed.
    pub error: Option<String>,
}

/// The tally of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tally {
    /// Commands that succeeded.
    pub ok: usize,
    /// Commands that failed.
    pub failed: usize,
    /// Commands not run or not printed because an earlier one failed.
    pub skipped: usize,
    /// The line of the failure that stopped the run.
    pub stopped_at: Option<usize>,
}

/// Results that arrive in any order, handed out in script order.
#[derive(Debug)]
pub struct InOrder<T> {
    next: usize,
    waiting: BTreeMap<usize, T>,
}

impl<T> Default for InOrder<T> {
    fn default() -> Self {
        Self {
            next: 0,
            waiting: BTreeMap::new(),
        }
    }
}

impl<T> InOrder<T> {
    /// Takes result number `i` and returns every result whose turn has come, in order.
    ///
    /// ```
    /// use snmpact::batch::runner::InOrder;
    /// let mut q = InOrder::default();
    /// assert!(q.push(1, "b").is_empty());
    /// assert_eq!(q.push(0, "a"), ["a", "b"]);
    /// assert_eq!(q.push(2, "c"), ["c"]);
    /// ```
    pub fn push(&mut self, i: usize, t: T) -> Vec<T> {
        self.waiting.insert(i, t);
        let mut ready = Vec::new();
        while let Some(t) = self.waiting.remove(&self.next) {
            ready.push(t);
            self.next += 1;
        }
        ready
    }
}

/// One event as lines: the console's rendering, with `"line": N` in each JSON object.
#[must_use]
pub fn render_lines(event: &Event, format: OutputFormat, line: usize) -> Vec<String> {
    let lines = render::render(event, format, None);
    if format != OutputFormat::Json {
        return lines;
    }
    lines.into_iter().map(|l| with_line(&l, line)).collect()
}

/// A JSON object's text with `"line": N` put first.
fn with_line(object: &str, line: usize) -> String {
    match serde_json::from_str::<Json>(object) {
        Ok(Json::Object(m)) => {
            let mut with = Map::new();
            with.insert("line".into(), Json::from(line));
            with.extend(m);
            Json::Object(with).to_string()
        }
        _ => object.to_owned(),
    }
}

/// Runs one step.
async fn run_step(engine: &Engine, step: &Step, demo: Option<&str>) -> Outcome {
    let mut lines = Vec::new();
    let mut error = None;
    match &step.kind {
        StepKind::Help(topic) => match help(topic.as_deref()) {
            Some(text) => {
                for l in text {
                    lines.extend(render_lines(&Event::Info(l), step.format, step.line));
                }
            }
            None => error = Some("no such help topic".to_owned()),
        },
        StepKind::Run(action) => {
            let mut action = action.clone();
            // `agent add NAME demo`: the embedded agent's address, shown as `demo` again so
            // that the output does not change with the port it got.
            let mut shown_as_demo = None;
            if let (Action::AgentAdd { target, .. }, Some(addr)) = (&mut action, demo)
                && target == DEMO
            {
                addr.clone_into(target);
                shown_as_demo = Some(addr);
            }
            let mut emit = |e: Event| {
                let rendered = render_lines(&e, step.format, step.line);
                match shown_as_demo {
                    Some(addr) => lines.extend(rendered.iter().map(|l| l.replace(addr, DEMO))),
                    None => lines.extend(rendered),
                }
            };
            if let Err(e) = exec::execute(engine, action, &mut emit).await {
                error = Some(e.to_string());
            }
        }
    }
    Outcome {
        line: step.line,
        format: step.format,
        lines,
        error,
    }
}

/// Prints outcomes in script order and keeps the tally.
struct Printer<'a> {
    out: &'a mut dyn Write,
    err: &'a mut dyn Write,
    order: InOrder<Outcome>,
    keep_going: bool,
    label: String,
    tally: Tally,
}

impl Printer<'_> {
    fn stopped(&self) -> bool {
        self.tally.stopped_at.is_some()
    }

    fn done(&mut self, i: usize, outcome: Outcome) -> io::Result<()> {
        for o in self.order.push(i, outcome) {
            if self.stopped() {
                continue;
            }
            for l in &o.lines {
                writeln!(self.out, "{l}")?;
            }
            match &o.error {
                None => self.tally.ok += 1,
                Some(e) => {
                    self.tally.failed += 1;
                    if o.format == OutputFormat::Json {
                        let obj = serde_json::json!({"line": o.line, "error": e});
                        writeln!(self.out, "{obj}")?;
                    }
                    self.out.flush()?;
                    let _ = writeln!(self.err, "snmpact batch: {}:{}: {e}", self.label, o.line);
                    if !self.keep_going {
                        self.tally.stopped_at = Some(o.line);
                    }
                }
            }
        }
        Ok(())
    }
}

/// Runs `script`, printing each command's output to `out` in script order and each error as
/// one line on `err`. Must run inside an actix `System`.
///
/// # Errors
/// When writing fails.
pub async fn execute(
    engine: &Engine,
    script: &Script,
    opts: &RunOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<Tally> {
    let mut p = Printer {
        out,
        err,
        order: InOrder::default(),
        keep_going: opts.keep_going,
        label: opts.label.clone(),
        tally: Tally::default(),
    };
    let demo = opts.demo.as_deref();
    let limit = opts.concurrency.max(1);
    let mut running = FuturesUnordered::new();
    for (i, step) in script.steps.iter().enumerate() {
        if step.is_barrier() {
            // Everything above first, then this alone.
            while let Some((j, o)) = running.next().await {
                p.done(j, o)?;
                if p.stopped() {
                    break;
                }
            }
            if p.stopped() {
                break;
            }
            let o = run_step(engine, step, demo).await;
            p.done(i, o)?;
        } else {
            while running.len() >= limit {
                if let Some((j, o)) = running.next().await {
                    p.done(j, o)?;
                }
            }
            if p.stopped() {
                break;
            }
            running.push(async move { (i, run_step(engine, step, demo).await) });
        }
        if p.stopped() {
            break;
        }
    }
    while !p.stopped()
        && let Some((j, o)) = running.next().await
    {
        p.done(j, o)?;
    }
    // Whatever still runs is dropped here: a walk stops asking its agent.
    drop(running);
    p.out.flush()?;
    let mut tally = p.tally;
    tally.skipped = script.steps.len() - tally.ok - tally.failed;
    Ok(tally)
}
