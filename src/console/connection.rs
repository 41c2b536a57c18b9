//! [`Connection`]: the actor for one console client. Reads [`Input`] from the telnet decoder,
//! checks the password, parses lines, runs each command as a job of its own and writes the
//! answers as they come. Writing goes through a task that owns the socket's write half, so the
//! actor knows how much output is still queued and can flush before closing (actix's own
//! `FramedWrite` neither reports the one nor does the other on drop: ACTIX-NOTES P8).

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::io;
use std::net::SocketAddr;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix::prelude::*;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::net::tcp::OwnedWriteHalf;
use tokio::sync::mpsc;
use tokio_util::codec::FramedRead;

use super::guard::{AuthLimiter, GuardCounters, Verdict};
use super::telnet::{Input, Negotiation, TelnetLines, push_line, push_text};
use super::{
    CLOSE_LINGER, ConsoleConfig, MAX_AUTH_FAILURES, MAX_QUEUED_OUTPUT, MAX_QUEUED_OUTPUT_HARD,
    PROMPT_DELAY,
};
use crate::command::exec::{ExecError, execute};
use crate::command::render::{Event, render, render_error, render_info};
use crate::command::{Action, Command, OutputFormat, help, parse};
use crate::engine::Engine;

const PROMPT: &str = "snmpact> ";
const PASSWORD_PROMPT: &str = "password: ";
const GREETING: &str = "snmpact console: 'help' lists commands, 'quit' leaves.";
/// Most bytes the writer gathers into one write.
const WRITE_CHUNK: usize = 64 * 1024;
/// Telnet option TIMING-MARK (RFC 860).
const TIMING_MARK: u8 = 6;
/// How long the `[N] cancelled` lines of a Ctrl-C wait for the client's `IAC DO TIMING-MARK`.
/// A real `telnet` sends `IAC IP` then `IAC DO TM` and throws away all output until the answer
/// to the latter; lines written before that answer would never be seen. Clients that send no
/// timing mark (`nc`, scripts) get the lines after this delay.
const INTERRUPT_FLUSH_DELAY: Duration = Duration::from_millis(200);

/// A connection has stopped. Sent by [`Connection`] to the listener.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub(crate) struct Disconnected {
    /// The connection's id.
    pub(crate) id: u64,
}

/// Say this line and close. Sent by the listener on shutdown.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub(crate) struct Close(pub(crate) &'static str);

/// A piece of job `id`'s answer. Sent by the job's own future, through the mailbox so that
/// every piece and the end arrive in order.
#[derive(Message)]
#[rtype(result = "()")]
struct JobEvent {
    id: u64,
    event: Event,
}

/// Job `id` is over. Sent by the job's future after its last [`JobEvent`].
#[derive(Message)]
#[rtype(result = "()")]
struct JobDone {
    id: u64,
    result: Result<(), ExecError>,
}

/// A command running on this connection.
struct Job {
    /// Its future in this actor's context, to cancel it.
    handle: SpawnHandle,
    /// The command word and agent, for `jobs` (never the whole line: it may hold a community).
    what: String,
    /// When it started, for `jobs`.
    started: Instant,
    /// Its lines carry `[N]`: it shares the screen with another command or a later prompt.
    tagged: bool,
}

enum Auth {
    /// Commands allowed.
    Open,
    /// Waiting for the password.
    Pending {
        /// Wrong ones so far.
        failures: u32,
        /// Between a wrong one and the next prompt: lines are ignored.
        paused: bool,
    },
}

/// The actor for one client. Fields say why they exist.
pub(crate) struct Connection {
    /// For the listener's map and the logs.
    id: u64,
    /// For the logs.
    peer: SocketAddr,
    /// The socket, until `started` splits it between the decoder and the writer.
    stream: Option<TcpStream>,
    /// Runs the commands.
    engine: Engine,
    /// Limits and password.
    config: Arc<ConsoleConfig>,
    /// Told when this connection stops.
    listener: Recipient<Disconnected>,
    /// Bytes for the writer task. `None` once closing: dropping the sender lets the writer
    /// flush what is queued, shut the socket's sending side and end.
    out: Option<mpsc::UnboundedSender<Vec<u8>>>,
    /// Bytes queued and not yet written, shared with the writer: what a client that does not
    /// read is costing.
    queued: Rc<Cell<usize>>,
    /// Password state.
    auth: Auth,
    /// Telnet option state (ECHO during the password).
    telnet: Negotiation,
    /// How answers are printed.
    format: OutputFormat,
    /// Commands running, by number.
    jobs: BTreeMap<u64, Job>,
    /// The last command number given.
    last_job: u64,
    /// The prompt is the last thing written: output must start on a new line.
    at_prompt: bool,
    /// Brings the prompt back while a command still runs.
    prompt_timer: Option<SpawnHandle>,
    /// Closes an idle connection.
    idle_timer: Option<SpawnHandle>,
    /// The `[N] cancelled` lines of a Ctrl-C, held until the client's timing mark (see
    /// [`INTERRUPT_FLUSH_DELAY`]), with the timer that writes them anyway.
    interrupted: Option<(Vec<String>, SpawnHandle)>,
    /// The client will send nothing more: close once the running commands are done.
    input_closed: bool,
    /// Closing: last words written, input ignored.
    closing: bool,
    /// The writer has flushed everything and shut the sending side.
    writer_finished: bool,
    /// Wrong passwords per source, shared with the listener and the other connections.
    limiter: Rc<RefCell<AuthLimiter>>,
    /// Passwords and bans counted, for `stats` and the metrics.
    counters: Arc<GuardCounters>,
}

impl Connection {
    pub(super) fn new(
        id: u64,
        peer: SocketAddr,
        stream: TcpStream,
        engine: Engine,
        config: Arc<ConsoleConfig>,
        listener: Recipient<Disconnected>,
    ) -> Self {
        let auth = if config.password.is_some() {
            Auth::Pending {
                failures: 0,
                paused: false,
            }
        } else {
            Auth::Open
        };
        Self {
            id,
            peer,
            stream: Some(stream),
            engine,
            config,
            listener,
            out: None,
            queued: Rc::new(Cell::new(0)),
            auth,
            telnet: Negotiation::default(),
            format: OutputFormat::default(),
            jobs: BTreeMap::new(),
            last_job: 0,
            at_prompt: false,
            prompt_timer: None,
            idle_timer: None,
            interrupted: None,
            input_closed: false,
            closing: false,
            writer_finished: false,
            limiter: Rc::new(RefCell::new(AuthLimiter::new())),
            counters: Arc::new(GuardCounters::default()),
        }
    }

    /// Shares the listener's limiter and counters.
    pub(super) fn with_guard(
        mut self,
        limiter: Rc<RefCell<AuthLimiter>>,
        counters: Arc<GuardCounters>,
    ) -> Self {
        self.limiter = limiter;
        self.counters = counters;
        self
    }

    // ---- output ----

    fn send(&mut self, bytes: Vec<u8>, ctx: &mut Context<Self>) {
        let Some(out) = &self.out else { return };
        let n = bytes.len();
        if out.send(bytes).is_ok() {
            self.queued.set(self.queued.get() + n);
        }
        self.check_backlog(ctx);
    }

    /// One line of output, on a line of its own.
    fn line(&mut self, text: &str, ctx: &mut Context<Self>) {
        let mut b = Vec::with_capacity(text.len() + 4);
        if std::mem::take(&mut self.at_prompt) {
            b.extend_from_slice(b"\r\n");
        }
        push_line(&mut b, text);
        self.send(b, ctx);
    }

    fn prompt(&mut self, ctx: &mut Context<Self>) {
        if let Some(h) = self.prompt_timer.take() {
            ctx.cancel_future(h);
        }
        if self.at_prompt || self.closing || self.input_closed {
            return;
        }
        // The user moves on: what running commands print from now on needs their number.
        for j in self.jobs.values_mut() {
            j.tagged = true;
        }
        let mut b = Vec::new();
        push_text(&mut b, PROMPT);
        self.send(b, ctx);
        self.at_prompt = true;
    }

    fn ask_password(&mut self, ctx: &mut Context<Self>) {
        let mut b = self.telnet.offer_echo().to_vec();
        push_text(&mut b, PASSWORD_PROMPT);
        self.send(b, ctx);
        self.at_prompt = true;
    }

    /// A client that does not read: cancel its commands, and past the hard limit drop it.
    fn check_backlog(&mut self, ctx: &mut Context<Self>) {
        let queued = self.queued.get();
        if queued > MAX_QUEUED_OUTPUT_HARD {
            tracing::warn!(id = self.id, peer = %self.peer, queued, "console: client does not read its output; dropping it");
            ctx.stop();
        } else if queued > MAX_QUEUED_OUTPUT && !self.jobs.is_empty() {
            tracing::info!(id = self.id, peer = %self.peer, queued, "console: output backlog; cancelling commands");
            for (id, job) in std::mem::take(&mut self.jobs) {
                ctx.cancel_future(job.handle);
                let l = render_error(
                    "output not read fast enough; cancelled",
                    self.format,
                    Some(id),
                );
                self.line(&l, ctx);
            }
        }
    }

    // ---- life cycle ----

    fn touch(&mut self, ctx: &mut Context<Self>) {
        if let Some(h) = self.idle_timer.take() {
            ctx.cancel_future(h);
        }
        self.idle_timer = Some(ctx.run_later(self.config.idle_timeout, |act, ctx| {
            act.idle_timer = None;
            if act.jobs.is_empty() {
                let secs = act.config.idle_timeout.as_secs_f64();
                act.line(&format!("idle for {secs} s; closing"), ctx);
                act.close(ctx);
            } else {
                act.touch(ctx);
            }
        }));
    }

    /// Cancels the commands, flushes what is queued, closes the sending side, then stops when
    /// the client closes too (or after [`CLOSE_LINGER`]).
    fn close(&mut self, ctx: &mut Context<Self>) {
        if self.closing {
            return;
        }
        self.closing = true;
        for (_, job) in std::mem::take(&mut self.jobs) {
            ctx.cancel_future(job.handle);
        }
        for h in [self.prompt_timer.take(), self.idle_timer.take()]
            .into_iter()
            .flatten()
        {
            ctx.cancel_future(h);
        }
        self.out = None;
        ctx.run_later(CLOSE_LINGER, |_, ctx| ctx.stop());
    }

    fn writer_done(&mut self, r: io::Result<()>, ctx: &mut Context<Self>) {
        self.writer_finished = true;
        match r {
            Ok(()) if self.closing && !self.input_closed => {} // wait for the client's close
            Ok(()) => ctx.stop(),
            Err(e) => {
                tracing::debug!(id = self.id, error = %e, "console: write failed");
                ctx.stop();
            }
        }
    }

    // ---- input ----

    fn on_line(&mut self, line: String, ctx: &mut Context<Self>) {
        self.at_prompt = false;
        match self.auth {
            Auth::Pending { paused: true, .. } => {}
            Auth::Pending { failures, .. } => self.check_password(&line, failures, ctx),
            Auth::Open => {
                self.on_command(&line, ctx);
            }
        }
    }

    fn check_password(&mut self, attempt: &str, failures: u32, ctx: &mut Context<Self>) {
        let ok = self
            .config
            .password
            .as_ref()
            .is_some_and(|p| p.matches(attempt));
        // The client did not echo the line end either.
        let mut b = Vec::new();
        if self.telnet.client_silent() {
            b.extend_from_slice(b"\r\n");
        }
        if ok {
            b.extend(self.telnet.withdraw_echo().into_iter().flatten());
            self.send(b, ctx);
            self.auth = Auth::Open;
            self.limiter.borrow_mut().success(self.peer.ip());
            self.counters.auth_ok();
            tracing::info!(id = self.id, peer = %self.peer, "console: password accepted");
            self.prompt(ctx);
            return;
        }
        self.send(b, ctx);
        let failures = failures + 1;
        let verdict = self
            .limiter
            .borrow_mut()
            .failure(self.peer.ip(), Instant::now());
        self.counters.auth_failed(verdict);
        tracing::warn!(id = self.id, peer = %self.peer, failures, ?verdict, "console: wrong password");
        let delay = match verdict {
            Verdict::Retry(d) => d,
            Verdict::Banned(left) | Verdict::StillBanned(left) => {
                if let Some(b) = self.telnet.withdraw_echo() {
                    self.send(b.to_vec(), ctx);
                }
                let l = format!(
                    "wrong password; too many from your address, refused for {} s; closing",
                    left.as_secs().max(1)
                );
                self.line(&l, ctx);
                self.close(ctx);
                return;
            }
        };
        if failures >= MAX_AUTH_FAILURES {
            if let Some(b) = self.telnet.withdraw_echo() {
                self.send(b.to_vec(), ctx);
            }
            self.line("wrong password; too many tries, closing", ctx);
            self.close(ctx);
            return;
        }
        self.line("wrong password", ctx);
        self.auth = Auth::Pending {
            failures,
            paused: true,
        };
        ctx.run_later(delay, move |act, ctx| {
            if act.closing {
                return;
            }
            act.auth = Auth::Pending {
                failures,
                paused: false,
            };
            let mut b = Vec::new();
            push_text(&mut b, PASSWORD_PROMPT);
            act.send(b, ctx);
            act.at_prompt = true;
        });
    }

    fn on_command(&mut self, line: &str, ctx: &mut Context<Self>) {
        let cmd = match parse(line) {
            Ok(Some(c)) => c,
            Ok(None) => return self.prompt(ctx),
            Err(e) => {
                let l = render_error(&e.to_string(), self.format, None);
                self.line(&l, ctx);
                return self.prompt(ctx);
            }
        };
        match cmd {
            Command::Run(action)
                if self.config.is_read_only()
                    && matches!(
                        action,
                        Action::Set { .. } | Action::AgentAdd { .. } | Action::AgentDel { .. }
                    ) =>
            {
                let msg = format!(
                    "`{}` refused: this console is read-only (console.read_only)",
                    action.verb()
                );
                let l = render_error(&msg, self.format, None);
                self.line(&l, ctx);
                self.prompt(ctx);
            }
            Command::Run(Action::Stats) => {
                let l = self.counters.snapshot().to_string();
                self.line(&l, ctx);
                self.start_job(Action::Stats, ctx);
            }
            Command::Run(action) => self.start_job(action, ctx),
            Command::Format(f) => {
                self.format = f;
                let l = render_info(&format!("output format: {f}"), f, None);
                self.line(&l, ctx);
                self.prompt(ctx);
            }
            Command::Help(topic) => {
                let whole = topic.is_none();
                for l in help(topic.as_deref()).unwrap_or_default() {
                    self.line(&l, ctx);
                }
                if whole {
                    let mode = if self.config.is_read_only() {
                        "Mode: read-only (set, agent add and agent del are refused)"
                    } else {
                        "Mode: read-write"
                    };
                    self.line(mode, ctx);
                }
                self.prompt(ctx);
            }
            Command::Jobs => {
                if self.jobs.is_empty() {
                    self.line("no commands running", ctx);
                }
                let now = Instant::now();
                let lines: Vec<String> = self
                    .jobs
                    .iter()
                    .map(|(id, j)| {
                        let secs = now.duration_since(j.started).as_secs_f64();
                        format!("[{id}] {} (running for {secs:.1} s)", j.what)
                    })
                    .collect();
                for l in lines {
                    self.line(&l, ctx);
                }
                self.prompt(ctx);
            }
            Command::Cancel(n) => {
                if let Some(job) = self.jobs.remove(&n) {
                    ctx.cancel_future(job.handle);
                    let l = render_info("cancelled", self.format, Some(n));
                    self.line(&l, ctx);
                } else {
                    let l = render_error(
                        &format!("no command {n} running (see: jobs)"),
                        self.format,
                        None,
                    );
                    self.line(&l, ctx);
                }
                self.prompt(ctx);
            }
            Command::Quit => {
                self.line("bye", ctx);
                self.close(ctx);
            }
        }
    }

    fn start_job(&mut self, action: Action, ctx: &mut Context<Self>) {
        if self.jobs.len() >= self.config.max_in_flight.max(1) {
            let msg = format!(
                "{} commands already running (the limit); wait, or cancel one (see: jobs)",
                self.jobs.len()
            );
            let l = render_error(&msg, self.format, None);
            self.line(&l, ctx);
            return self.prompt(ctx);
        }
        self.last_job += 1;
        let id = self.last_job;
        let shared = !self.jobs.is_empty();
        for j in self.jobs.values_mut() {
            j.tagged = true;
        }
        let what = describe(&action);
        tracing::debug!(
            conn = self.id,
            job = id,
            command = action.verb(),
            "console: command"
        );
        let engine = self.engine.clone();
        let me = ctx.address();
        let job = async move {
            let result = execute(&engine, action, &mut |event| {
                me.do_send(JobEvent { id, event });
            })
            .await;
            me.do_send(JobDone { id, result });
        };
        let handle = ctx.spawn(job.into_actor(self));
        self.jobs.insert(
            id,
            Job {
                handle,
                what,
                started: Instant::now(),
                tagged: shared,
            },
        );
        if self.prompt_timer.is_none() {
            self.prompt_timer = Some(ctx.run_later(PROMPT_DELAY, |act, ctx| {
                act.prompt_timer = None;
                act.prompt(ctx);
            }));
        }
    }

    /// Ctrl-C: cancels every running command; their `[N] cancelled` lines and the prompt
    /// follow the answer to the client's timing mark, or come after a short delay.
    fn interrupt(&mut self, ctx: &mut Context<Self>) {
        let mut lines = self.interrupted.take().map(|(l, h)| {
            ctx.cancel_future(h);
            l
        });
        let lines = lines.get_or_insert_with(Vec::new);
        for (id, job) in std::mem::take(&mut self.jobs) {
            ctx.cancel_future(job.handle);
            lines.push(render_info("cancelled", self.format, Some(id)));
        }
        let timer = ctx.run_later(INTERRUPT_FLUSH_DELAY, |act, ctx| act.flush_interrupted(ctx));
        self.interrupted = Some((std::mem::take(lines), timer));
    }

    /// Writes the lines held since a Ctrl-C, then the prompt.
    fn flush_interrupted(&mut self, ctx: &mut Context<Self>) {
        let Some((lines, timer)) = self.interrupted.take() else {
            return;
        };
        ctx.cancel_future(timer);
        for l in &lines {
            self.line(l, ctx);
        }
        if !self.closing {
            self.prompt(ctx);
        }
    }
}

/// `walk demo`: the command word and the agent, never options (a community, a pass phrase, a
/// key) or values.
fn describe(a: &Action) -> String {
    let agent = match a {
        Action::Get { agent, .. }
        | Action::Next { agent, .. }
        | Action::Bulk { agent, .. }
        | Action::Walk { agent, .. }
        | Action::Table { agent, .. }
        | Action::Set { agent, .. } => Some(agent.name.as_str()),
        Action::AgentAdd { name, .. } | Action::AgentDel { name } => Some(name.as_str()),
        Action::Agents | Action::Stats | Action::Traps { .. } | Action::Cluster => None,
    };
    match agent {
        Some(n) => format!("{} {}", a.verb(), crate::command::clip(n)),
        None => a.verb().to_owned(),
    }
}

/// Writes what the actor queues, gathering small pieces; on the channel's end, shuts the
/// sending side of the socket (after everything queued is out).
async fn write_loop(
    mut w: OwnedWriteHalf,
    mut rx: mpsc::UnboundedReceiver<Vec<u8>>,
    queued: Rc<Cell<usize>>,
) -> io::Result<()> {
    let mut buf = Vec::new();
    while let Some(first) = rx.recv().await {
        buf.clear();
        buf.extend_from_slice(&first);
        while buf.len() < WRITE_CHUNK {
            match rx.try_recv() {
                Ok(more) => buf.extend_from_slice(&more),
                Err(_) => break,
            }
        }
        w.write_all(&buf).await?;
        queued.set(queued.get().saturating_sub(buf.len()));
    }
    w.shutdown().await
}

impl Actor for Connection {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Context<Self>) {
        tracing::info!(id = self.id, peer = %self.peer, "console: connected");
        let Some(stream) = self.stream.take() else {
            return ctx.stop();
        };
        let (r, w) = stream.into_split();
        ctx.add_stream(FramedRead::new(r, TelnetLines::new(self.config.max_line)));
        let (tx, rx) = mpsc::unbounded_channel();
        self.out = Some(tx);
        ctx.spawn(
            write_loop(w, rx, self.queued.clone())
                .into_actor(self)
                .map(|r, act, ctx| act.writer_done(r, ctx)),
        );
        self.line(GREETING, ctx);
        if matches!(self.auth, Auth::Pending { .. }) {
            self.ask_password(ctx);
        } else {
            self.prompt(ctx);
        }
        self.touch(ctx);
    }

    fn stopped(&mut self, _: &mut Context<Self>) {
        tracing::info!(id = self.id, peer = %self.peer, "console: disconnected");
        self.listener.do_send(Disconnected { id: self.id });
    }
}

impl StreamHandler<io::Result<Input>> for Connection {
    fn handle(&mut self, item: io::Result<Input>, ctx: &mut Context<Self>) {
        let input = match item {
            Ok(i) => i,
            Err(e) => {
                tracing::debug!(id = self.id, error = %e, "console: read failed");
                return ctx.stop();
            }
        };
        if self.closing {
            return; // read and dropped, so the close stays a clean one
        }
        match input {
            Input::Line(l) => {
                self.touch(ctx);
                self.on_line(l, ctx);
            }
            Input::Overlong => {
                self.touch(ctx);
                let msg = format!(
                    "line longer than {} bytes; dropped up to its end",
                    self.config.max_line
                );
                let l = render_error(&msg, self.format, None);
                self.line(&l, ctx);
                if matches!(self.auth, Auth::Open) {
                    self.prompt(ctx);
                }
            }
            Input::Negotiate { verb, option } => {
                if let Some(answer) = self.telnet.answer(verb, option) {
                    self.send(answer.to_vec(), ctx);
                }
                if option == TIMING_MARK {
                    // The client shows output again from the answer on.
                    self.flush_interrupted(ctx);
                }
            }
            Input::Interrupt => {
                self.at_prompt = false;
                if matches!(self.auth, Auth::Open) {
                    self.interrupt(ctx);
                }
            }
            Input::AreYouThere => self.line("[snmpact: yes]", ctx),
        }
    }

    fn finished(&mut self, ctx: &mut Context<Self>) {
        // The client closed its sending side: finish what runs, then close (or stop now if
        // our side is already closed).
        self.input_closed = true;
        if self.closing {
            if self.writer_finished {
                ctx.stop();
            }
        } else if self.jobs.is_empty() {
            self.close(ctx);
        }
    }
}

impl Handler<JobEvent> for Connection {
    type Result = ();

    fn handle(&mut self, m: JobEvent, ctx: &mut Context<Self>) {
        let Some(job) = self.jobs.get(&m.id) else {
            return; // cancelled: what was already on its way is dropped
        };
        let tag = job.tagged.then_some(m.id);
        for l in render(&m.event, self.format, tag) {
            self.line(&l, ctx);
        }
    }
}

impl Handler<JobDone> for Connection {
    type Result = ();

    fn handle(&mut self, m: JobDone, ctx: &mut Context<Self>) {
        let Some(job) = self.jobs.remove(&m.id) else {
            return;
        };
        if let Err(e) = m.result {
            let l = render_error(&e.to_string(), self.format, job.tagged.then_some(m.id));
            self.line(&l, ctx);
        }
        if self.jobs.is_empty() {
            if self.input_closed {
                self.close(ctx);
            } else {
                self.prompt(ctx);
            }
        }
    }
}

impl Handler<Close> for Connection {
    type Result = ();

    fn handle(&mut self, m: Close, ctx: &mut Context<Self>) {
        self.line(m.0, ctx);
        self.close(ctx);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::parse;

    fn action(line: &str) -> Action {
        match parse(line) {
            Ok(Some(Command::Run(a))) => a,
            other => panic!("{line}: {other:?}"),
        }
    }

    #[test]
    fn jobs_show_no_community_pass_phrase_or_key() {
        let lines = [
            (
                "walk -c s3cret -u alice -l authPriv -a SHA -A authpass1 -x AES -X privpass1 demo system",
                "walk demo",
            ),
            (
                "get -u alice -l authPriv -3k 0102030405060708090a0b0c0d0e0f10 -3K 1112131415161718191a1b1c1d1e1f20 127.0.0.1:1161 sysDescr.0",
                "get 127.0.0.1:1161",
            ),
            (
                "agent add r1 127.0.0.1:1161 -v 3 -u alice -l authNoPriv -A authpass1",
                "agent add r1",
            ),
        ];
        for (line, want) in lines {
            let a = action(line);
            let shown = format!("{} {a:?}", describe(&a));
            assert!(shown.starts_with(want), "{shown}");
            for secret in [
                "s3cret",
                "authpass1",
                "privpass1",
                "0102030405",
                "1112131415",
            ] {
                assert!(!shown.contains(secret), "{line}: {shown}");
            }
        }
    }
}
