//! Running an [`Invocation`] through one [`Engine`]: a session per agent, at most
//! `--concurrency` agents at once, each agent's results written whole and in the agents' order
//! (a single agent streams straight to stdout), a progress bar on a terminal, the tally.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::engine::{Engine, EngineConfig, SessionHandle};
use crate::pdu::{ErrorStatus, Value, VarBind, Version};
use crate::session::{Get, GetBulk, GetNext, Set, SnmpError, Table, WalkOptions};

use super::args::{Format, Invocation, Request, Root, Tool};
use super::output::{CSV_HEADER, Failure, Printer};
use super::targets::Target;
use super::walk::{Event, Walker};

/// How often the progress bar redraws itself without news (its clock).
const PROGRESS_TICK: Duration = Duration::from_millis(200);

/// How one agent's work ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Everything asked was answered.
    Ok,
    /// No answer in time.
    TimedOut,
    /// An OID that did not increase, a host that did not resolve, a transport error, ...
    Failed,
    /// The agent answered with an error-status (v1 noSuchName, noAccess, notWritable, ...):
    /// net-snmp's tools exit 2 for it.
    AgentError,
}

impl Status {
    fn of(f: &Failure) -> Self {
        match f {
            Failure::Timeout => Status::TimedOut,
            Failure::Agent { .. } => Status::AgentError,
            _ => Status::Failed,
        }
    }

    /// The worse of two.
    fn max(self, other: Status) -> Status {
        match (self, other) {
            (Status::Ok, s) | (s, Status::Ok) => s,
            (Status::AgentError, _) | (_, Status::AgentError) => Status::AgentError,
            (Status::Failed, _) | (_, Status::Failed) => Status::Failed,
            _ => Status::TimedOut,
        }
    }
}

/// The tally of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    /// Agents queried.
    pub agents: usize,
    /// Agents that answered everything.
    pub ok: usize,
    /// Agents that timed out.
    pub timed_out: usize,
    /// Agents that failed otherwise (those with an error-status included).
    pub failed: usize,
    /// Agents that answered with an error-status.
    pub agent_errors: usize,
    /// Varbinds written.
    pub varbinds: usize,
    /// Wall-clock time of the run.
    pub elapsed: Duration,
    /// Stdout was closed under us (`| head`): the run stopped quietly.
    pub broken_pipe: bool,
}

impl Summary {
    fn count(&mut self, status: Status, varbinds: usize) {
        self.agents += 1;
        self.varbinds += varbinds;
        match status {
            Status::Ok => self.ok += 1,
            Status::TimedOut => self.timed_out += 1,
            Status::Failed => self.failed += 1,
            Status::AgentError => {
                self.failed += 1;
                self.agent_errors += 1;
            }
        }
    }

    /// The line printed on stderr after a multi-agent run.
    #[must_use]
    pub fn line(&self) -> String {
        format!(
            "{} agents: {} ok, {} timed out, {} failed; {} varbinds in {:.2} s",
            self.agents,
            self.ok,
            self.timed_out,
            self.failed,
            self.varbinds,
            self.elapsed.as_secs_f64()
        )
    }
}

/// Runs `inv` against `targets`. Must run inside an actix `System`.
pub async fn execute(inv: &Invocation, targets: &[Target]) -> Summary {
    let started = Instant::now();
    let engine = Engine::start(EngineConfig::default());
    let mut summary = Summary::default();
    let multi = targets.len() > 1;
    let mut stdout = BufWriter::new(io::stdout());
    let header = if inv.format == Format::Csv {
        stdout.write_all(CSV_HEADER.as_bytes())
    } else {
        Ok(())
    };
    let result = match header {
        Err(e) => Err(e),
        Ok(()) if !multi => match targets.first() {
            Some(t) => {
                let mut err = io::stderr();
                let (status, n, res) = one(&engine, inv, t, false, &mut stdout, &mut err).await;
                summary.count(status, n);
                res
            }
            None => Ok(()),
        },
        Ok(()) => many(&engine, inv, targets, &mut stdout, &mut summary).await,
    };
    let result = result.and_then(|()| stdout.flush());
    if let Err(e) = result {
        if e.kind() == io::ErrorKind::BrokenPipe {
            summary.broken_pipe = true;
        } else {
            eprintln!("snmpact {}: cannot write the output: {e}", inv.tool.name());
            summary.failed += 1;
        }
    }
    engine.shutdown().await;
    summary.elapsed = started.elapsed();
    summary
}

/// Many agents: buffered per agent, printed in order, with a progress bar.
async fn many(
    engine: &Engine,
    inv: &Invocation,
    targets: &[Target],
    stdout: &mut BufWriter<io::Stdout>,
    summary: &mut Summary,
) -> io::Result<()> {
    let bar = progress_bar(inv, targets.len());
    // Asked once: the bar's own lock is held inside `suspend`.
    let visible = !bar.is_hidden();
    let mut results = futures_util::stream::iter(targets.iter().map(|t| async move {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let (status, n, res) = one(engine, inv, t, true, &mut out, &mut err).await;
        (status, n, res.map(|()| (out, err)))
    }))
    .buffered(inv.concurrency);
    while let Some((status, n, res)) = results.next().await {
        let (out, err) = res?;
        summary.count(status, n);
        let written = bar.suspend(|| -> io::Result<()> {
            stdout.write_all(&out)?;
            if !err.is_empty() || visible {
                // Out before the errors that follow, and before the bar is drawn again.
                stdout.flush()?;
            }
            let _ = io::stderr().write_all(&err);
            Ok(())
        });
        written?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(())
}

fn progress_bar(inv: &Invocation, n: usize) -> ProgressBar {
    if !inv.progress || !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(n as u64), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} agents {elapsed}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.enable_steady_tick(PROGRESS_TICK);
    bar
}

/// One agent: its session, then the work. Returns its status, the varbinds written, and the
/// first write error.
async fn one(
    engine: &Engine,
    inv: &Invocation,
    t: &Target,
    multi: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> (Status, usize, io::Result<()>) {
    let mut p = Printer {
        format: inv.format,
        text: inv.text,
        tool: inv.tool,
        agent: t.name.clone(),
        peer: t.host.clone(),
        multi,
        out,
        err,
        varbinds: 0,
    };
    let res = match engine.session(&t.name, &t.host, inv.session.clone()).await {
        Ok(session) => query(&session, inv, &mut p).await,
        Err(e) => {
            let f = Failure::from(e);
            p.failure(&f).map(|()| Status::of(&f))
        }
    };
    match res {
        Ok(status) => (status, p.varbinds, Ok(())),
        Err(e) => (Status::Failed, p.varbinds, Err(e)),
    }
}

/// Flattens the mailbox error of a stopped session into the operation's error.
fn flat<T>(r: Result<Result<T, SnmpError>, actix::MailboxError>) -> Result<T, SnmpError> {
    r.unwrap_or(Err(SnmpError::ShuttingDown))
}

/// The tool's work against one session.
async fn query(
    session: &SessionHandle,
    inv: &Invocation,
    p: &mut Printer<'_>,
) -> io::Result<Status> {
    match &inv.request {
        Request::Oids(oids) => {
            let (result, missing) = match inv.tool {
                Tool::GetNext => (
                    flat(session.send(GetNext(oids.clone())).await),
                    Value::EndOfMibView,
                ),
                Tool::BulkGet => (
                    flat(
                        session
                            .send(GetBulk {
                                oids: oids.clone(),
                                non_repeaters: Some(inv.non_repeaters),
                                max_repetitions: Some(inv.max_repetitions),
                            })
                            .await,
                    ),
                    Value::Null,
                ),
                _ => (
                    flat(session.send(Get(oids.clone())).await),
                    Value::NoSuchObject,
                ),
            };
            match result {
                Ok(vbs) if inv.session.version == Version::V1 && inv.tool != Tool::BulkGet => {
                    print_v1(p, &vbs, &missing)
                }
                Ok(vbs) => {
                    for vb in &vbs {
                        p.varbind(vb)?;
                    }
                    Ok(Status::Ok)
                }
                Err(e) => fail(p, e),
            }
        }
        Request::Set(vbs) => match flat(session.send(Set(vbs.clone())).await) {
            Ok(vbs) => {
                for vb in &vbs {
                    p.varbind(vb)?;
                }
                Ok(Status::Ok)
            }
            Err(e) => fail(p, e),
        },
        Request::Table(oid) => {
            let msg = Table {
                oid: oid.clone(),
                options: WalkOptions::default(),
            };
            match flat(session.send(msg).await) {
                Ok(rows) => p.table(oid, &rows, inv.table).map(|()| Status::Ok),
                Err(e) => fail(p, e),
            }
        }
        Request::Walk(roots) => {
            let mut status = Status::Ok;
            for root in roots {
                status = status.max(walk(session, inv, root, p).await?);
                if status != Status::Ok {
                    break;
                }
            }
            Ok(status)
        }
    }
}

fn fail(p: &mut Printer<'_>, e: SnmpError) -> io::Result<Status> {
    let f = Failure::from(e);
    p.failure(&f)?;
    Ok(Status::of(&f))
}

/// SNMPv1 GET/GETNEXT: the engine marks each varbind the agent refused with noSuchName by
/// `missing` and asks again for the rest, as `snmpget` does. Print its error for each, then the
/// rest. snmpd names the last refused varbind first, so the messages come last to first.
fn print_v1(
    p: &mut Printer<'_>,
    vbs: &[VarBind<'static>],
    missing: &Value<'_>,
) -> io::Result<Status> {
    let mut status = Status::Ok;
    for vb in vbs.iter().rev().filter(|vb| vb.value == *missing) {
        p.failure(&Failure::Agent {
            status: ErrorStatus::NoSuchName,
            index: 1,
            oid: Some(vb.oid.clone()),
        })?;
        status = Status::AgentError;
    }
    for vb in vbs.iter().filter(|vb| vb.value != *missing) {
        p.varbind(vb)?;
    }
    Ok(status)
}

/// `snmpwalk` / `snmpbulkwalk` of one root (see [`super::walk`]).
async fn walk(
    session: &SessionHandle,
    inv: &Invocation,
    root: &Root,
    p: &mut Printer<'_>,
) -> io::Result<Status> {
    let bulk = inv.tool == Tool::BulkWalk;
    let v1 = inv.session.version == Version::V1;
    let mut w = Walker::new(root, bulk, !inv.walk.no_check);
    let mut status = Status::Ok;
    // net-snmp GETs the root when nothing was printed and the last request got an answer.
    let mut answered = true;
    if inv.walk.include_requested {
        get_and_print(session, &mut w, v1, p).await?;
    }
    while let Some(next) = w.request().cloned() {
        let result = if bulk {
            flat(
                session
                    .send(GetBulk {
                        oids: vec![next],
                        non_repeaters: Some(inv.non_repeaters),
                        max_repetitions: Some(inv.max_repetitions),
                    })
                    .await,
            )
        } else {
            flat(session.send(GetNext(vec![next])).await)
        };
        match result {
            // v1: the engine turns the agent's noSuchName into endOfMibView.
            Ok(vbs)
                if v1
                    && !bulk
                    && matches!(vbs.as_slice(), [vb] if vb.value == Value::EndOfMibView) =>
            {
                p.end_of_mib()?;
                w.stop();
            }
            Ok(vbs) => {
                for event in w.on_varbinds(&vbs) {
                    match event {
                        Event::Print(i) => p.varbind(&vbs[i])?,
                        Event::NotIncreasing { previous, next } => {
                            p.failure(&Failure::NotIncreasing { previous, next })?;
                            status = Status::Failed;
                        }
                    }
                }
            }
            Err(e) => {
                w.stop();
                let f = Failure::from(e);
                if v1
                    && matches!(
                        f,
                        Failure::Agent {
                            status: ErrorStatus::NoSuchName,
                            ..
                        }
                    )
                {
                    p.end_of_mib()?;
                    continue;
                }
                answered = matches!(f, Failure::Agent { .. });
                p.failure(&f)?;
                status = status.max(Status::of(&f));
            }
        }
    }
    if w.printed() == 0 && answered && !inv.walk.no_fallback_get {
        get_and_print(session, &mut w, v1, p).await?;
    }
    if inv.walk.print_count {
        p.variables_found(w.printed())?;
    }
    Ok(status)
}

/// net-snmp's `snmp_get_and_print`: GET the root and print every varbind, but nothing at all
/// when the agent answers with an error (v1's noSuchName) or not at all.
async fn get_and_print(
    session: &SessionHandle,
    w: &mut Walker,
    v1: bool,
    p: &mut Printer<'_>,
) -> io::Result<()> {
    let Some(root) = w.root_oid() else {
        return Ok(());
    };
    if let Ok(vbs) = flat(session.send(Get(vec![root])).await) {
        if v1 && vbs.iter().any(|vb| vb.value == Value::NoSuchObject) {
            return Ok(());
        }
        for vb in &vbs {
            p.varbind(vb)?;
        }
        w.add_printed(vbs.len());
    }
    Ok(())
}
