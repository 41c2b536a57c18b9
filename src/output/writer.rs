//! [`TextSink`]: a text output (JSON lines or line protocol) written by its own thread, so
//! formatting and a slow disk or pipe never hold up the poller. The poller hands events over a
//! bounded queue ([`QUEUE`] events), in batches ([`Sink::publish_batch`]: one hand-over, so
//! one wake-up of the thread, per batch); when it is full (a slow standard-output reader, a
//! stuck disk) the events are dropped and counted, never waited for, so memory stays bounded.
//!
//! A file output rides through what happens to files of a service left running for months:
//! - **Rotation.** Before each write the path is checked: when it names another file than the
//!   one open (logrotate renamed it and created a new one) or no file (renamed, not yet
//!   recreated), the path is opened again (created). [`Sink::reopen`] (the service calls it on
//!   SIGHUP, as logrotate's `postrotate` expects) forces that. `copytruncate` needs nothing:
//!   the file is opened in append mode, so writes go to the new end.
//! - **Full disk, unwritable file.** A failed write is counted ([`SinkCounters::write_errors`])
//!   and logged once per run of failures; what it held stays pending (at most
//!   [`MAX_PENDING`] bytes, the rest is dropped and counted as lost) and is tried again at the
//!   next batch or after [`RETRY_EVERY`], so writing resumes by itself when space returns. A
//!   partly written batch is cut back off the file before the retry, so no line is torn or
//!   written twice.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use super::{Error, Sink};
use crate::config::Destination;
use crate::report::Event;

/// Events queued for a text output before new ones are dropped.
pub const QUEUE: usize = 65_536;
/// Bytes gathered before a write.
const BUFFER: usize = 64 * 1024;
/// Text kept for a retry while writes fail; past it, the oldest batches are dropped (counted).
pub const MAX_PENDING: usize = 4 << 20;
/// How often failed writes are retried when no new event comes.
pub const RETRY_EVERY: Duration = Duration::from_secs(1);

/// Turns one event into text lines (it may keep state, such as rendered names, between events).
pub type Formatter = Box<dyn FnMut(&mut String, &Event) + Send>;

/// What a text output has counted. Shared by its thread, the sink and the metrics.
#[derive(Debug, Default)]
pub struct SinkCounters {
    /// Events dropped because the queue was full.
    pub dropped: AtomicU64,
    /// Writes (or reopens) that failed.
    pub write_errors: AtomicU64,
    /// Events whose lines were given up after failed writes ([`MAX_PENDING`] exceeded).
    pub lost: AtomicU64,
    /// Times the file was opened again (rotation, SIGHUP).
    pub reopens: AtomicU64,
    /// Events written.
    pub written: AtomicU64,
}

/// Where the thread writes.
enum Target {
    /// Anything that writes (standard output, a test's writer).
    Stream(Box<dyn Write + Send>),
    /// A file followed across rotations.
    File {
        path: PathBuf,
        /// The open file and its (device, inode), `None` after a failed open.
        open: Option<(File, (u64, u64))>,
    },
}

fn open_append(path: &PathBuf) -> io::Result<(File, (u64, u64))> {
    let f = OpenOptions::new().create(true).append(true).open(path)?;
    let m = f.metadata()?;
    Ok((f, (m.dev(), m.ino())))
}

impl Target {
    /// Reopens a file when asked to or when its path now names another file (or none).
    fn follow(&mut self, force: bool, counters: &SinkCounters) -> io::Result<()> {
        let Self::File { path, open } = self else {
            return Ok(());
        };
        let moved = match (&open, std::fs::metadata(&*path)) {
            (None, _) => true,
            (Some((_, id)), Ok(m)) => (m.dev(), m.ino()) != *id,
            (Some(_), Err(_)) => true,
        };
        if force || moved {
            *open = None;
            let (f, id) = open_append(path)?;
            *open = Some((f, id));
            counters.reopens.fetch_add(1, Ordering::Relaxed);
            tracing::info!(path = %path.display(), "output file opened again");
        }
        Ok(())
    }

    /// Writes all of `text`, or nothing: a file is cut back to its length before the write
    /// when the write fails half-way.
    fn write_all(&mut self, text: &[u8]) -> io::Result<()> {
        match self {
            Self::Stream(w) => w.write_all(text).and_then(|()| w.flush()),
            Self::File { open, .. } => {
                let Some((f, _)) = open.as_mut() else {
                    return Err(io::Error::other("file not open"));
                };
                let before = f.metadata()?.len();
                let r = f.write_all(text);
                if r.is_err() {
                    let _ = f.set_len(before);
                }
                r
            }
        }
    }
}

/// A text output with its writer thread.
pub struct TextSink {
    tx: Mutex<Option<SyncSender<Vec<Event>>>>,
    /// Events handed over and not yet taken by the thread (bounded by the queue size).
    queued: Arc<AtomicUsize>,
    /// The queue size, in events.
    capacity: usize,
    thread: Mutex<Option<JoinHandle<()>>>,
    counters: Arc<SinkCounters>,
    reopen: Arc<AtomicBool>,
}

impl TextSink {
    /// Opens `dest` (a file is created or appended to) and starts the writer thread.
    ///
    /// # Errors
    /// [`Error::Open`] when the file cannot be opened, [`Error::Thread`] when the thread
    /// cannot start.
    pub fn start(
        name: &str,
        dest: &Destination,
        format: impl FnMut(&mut String, &Event) + Send + 'static,
    ) -> Result<Self, Error> {
        let target = match dest {
            Destination::Stdout => Target::Stream(Box::new(io::stdout())),
            Destination::File(path) => Target::File {
                path: path.clone(),
                open: Some(open_append(path).map_err(|source| Error::Open {
                    output: name.to_owned(),
                    path: path.clone(),
                    source,
                })?),
            },
        };
        Self::spawn(name, target, Box::new(format), QUEUE)
    }

    /// A text output writing to `out`, with a queue of `queue` events (tests, embedding).
    ///
    /// # Errors
    /// [`Error::Thread`] when the thread cannot start.
    pub fn with_writer(
        name: &str,
        out: Box<dyn Write + Send>,
        format: impl FnMut(&mut String, &Event) + Send + 'static,
        queue: usize,
    ) -> Result<Self, Error> {
        Self::spawn(name, Target::Stream(out), Box::new(format), queue)
    }

    fn spawn(name: &str, target: Target, format: Formatter, queue: usize) -> Result<Self, Error> {
        let (tx, rx) = mpsc::sync_channel(queue);
        let counters = Arc::new(SinkCounters::default());
        let reopen = Arc::new(AtomicBool::new(false));
        let queued = Arc::new(AtomicUsize::new(0));
        let (c, r, q) = (counters.clone(), reopen.clone(), queued.clone());
        let output = name.to_owned();
        let thread = std::thread::Builder::new()
            .name(format!("output-{name}"))
            .spawn(move || {
                Writer {
                    output,
                    target,
                    format,
                    counters: c,
                    reopen: r,
                    pending: Vec::new(),
                    failing: 0,
                    queued: q,
                }
                .run(&rx);
            })
            .map_err(|source| Error::Thread {
                output: name.to_owned(),
                source,
            })?;
        Ok(Self {
            tx: Mutex::new(Some(tx)),
            queued,
            capacity: queue,
            thread: Mutex::new(Some(thread)),
            counters,
            reopen,
        })
    }

    /// Its counters.
    #[must_use]
    pub fn counters(&self) -> Arc<SinkCounters> {
        self.counters.clone()
    }
}

/// The writer thread's state.
struct Writer {
    output: String,
    target: Target,
    format: Formatter,
    counters: Arc<SinkCounters>,
    /// Set by [`Sink::reopen`] (SIGHUP).
    reopen: Arc<AtomicBool>,
    /// Batches not written yet: (text, events in it), oldest first.
    pending: Vec<(String, u64)>,
    /// Failed writes in a row (0: all is well).
    failing: u64,
    /// Events handed over and not taken yet (shared with the sink).
    queued: Arc<AtomicUsize>,
}

impl Writer {
    fn run(mut self, rx: &Receiver<Vec<Event>>) {
        loop {
            let first = if self.pending.is_empty() {
                match rx.recv() {
                    Ok(ev) => Some(ev),
                    Err(_) => break,
                }
            } else {
                match rx.recv_timeout(RETRY_EVERY) {
                    Ok(ev) => Some(ev),
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => break,
                }
            };
            let mut text = String::new();
            let mut events = 0;
            let mut next = first;
            // Drain what is queued (up to a buffer's worth), then write once.
            while let Some(batch) = next.take() {
                self.queued.fetch_sub(batch.len(), Ordering::Relaxed);
                for ev in &batch {
                    (self.format)(&mut text, ev);
                }
                events += batch.len() as u64;
                if text.len() >= BUFFER {
                    break;
                }
                next = rx.try_recv().ok();
            }
            if events > 0 {
                self.pending.push((text, events));
            }
            self.flush();
        }
        // Stopping: one last try.
        self.flush();
        let lost: u64 = self.pending.iter().map(|(_, n)| n).sum();
        if lost > 0 {
            self.counters.lost.fetch_add(lost, Ordering::Relaxed);
            tracing::error!(output = %self.output, events = lost, "output stopped with lines not written");
        }
    }

    /// Writes the pending batches, oldest first, until one fails.
    fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let force = self.reopen.swap(false, Ordering::Relaxed);
        if let Err(e) = self.target.follow(force, &self.counters) {
            self.failed(&e);
            return;
        }
        let mut done = 0;
        for (text, events) in &self.pending {
            match self.target.write_all(text.as_bytes()) {
                Ok(()) => {
                    done += 1;
                    self.counters.written.fetch_add(*events, Ordering::Relaxed);
                }
                Err(e) => {
                    let e = io::Error::new(e.kind(), e.to_string());
                    self.pending.drain(..done);
                    self.failed(&e);
                    return;
                }
            }
        }
        self.pending.clear();
        if self.failing > 0 {
            tracing::info!(output = %self.output, failed_writes = self.failing, "output writes again");
            self.failing = 0;
        }
    }

    fn failed(&mut self, e: &io::Error) {
        self.counters.write_errors.fetch_add(1, Ordering::Relaxed);
        if self.failing == 0 {
            tracing::error!(
                output = %self.output, error = %e,
                "output write failed; lines kept (up to {MAX_PENDING} bytes) and tried again, polling goes on"
            );
        }
        self.failing += 1;
        let mut size: usize = self.pending.iter().map(|(t, _)| t.len()).sum();
        while size > MAX_PENDING && !self.pending.is_empty() {
            let (t, n) = self.pending.remove(0);
            size -= t.len();
            self.counters.lost.fetch_add(n, Ordering::Relaxed);
        }
    }
}

impl TextSink {
    fn dropped_events(&self, n: usize) {
        if self.counters.dropped.fetch_add(n as u64, Ordering::Relaxed) == 0 {
            tracing::warn!("output queue full: events dropped");
        }
    }
}

impl Sink for TextSink {
    fn publish(&self, event: &Event) {
        self.publish_batch(vec![event.clone()]);
    }

    fn publish_batch(&self, mut events: Vec<Event>) {
        if events.is_empty() {
            return;
        }
        // Room for how many: the queue is bounded in events, not in batches.
        let queued = self.queued.load(Ordering::Relaxed);
        let room = self.capacity.saturating_sub(queued);
        if events.len() > room {
            self.dropped_events(events.len() - room);
            events.truncate(room);
            if events.is_empty() {
                return;
            }
        }
        let guard = self.tx.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(tx) = guard.as_ref() else { return };
        let n = events.len();
        self.queued.fetch_add(n, Ordering::Relaxed);
        match tx.try_send(events) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                self.queued.fetch_sub(n, Ordering::Relaxed);
                self.dropped_events(n);
            }
            Err(TrySendError::Disconnected(_)) => {
                self.queued.fetch_sub(n, Ordering::Relaxed);
            }
        }
    }

    fn dropped(&self) -> u64 {
        self.counters.dropped.load(Ordering::Relaxed)
    }

    fn reopen(&self) {
        self.reopen.store(true, Ordering::Relaxed);
    }

    fn close(&self) {
        drop(
            self.tx
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take(),
        );
        let thread = self
            .thread
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(t) = thread {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Condvar;
    use std::time::{Instant, SystemTime};

    use super::*;
    use crate::report::{SkipReason, Skipped};

    fn skipped(i: usize) -> Event {
        Event::Skipped(Arc::new(Skipped {
            job: Arc::from("j"),
            agent: Arc::from(format!("a{i}").as_str()),
            time: SystemTime::UNIX_EPOCH,
            reason: SkipReason::Overrun,
            instance: None,
        }))
    }

    fn agent_of(out: &mut String, e: &Event) {
        if let Event::Skipped(s) = e {
            out.push_str(&s.agent);
            out.push('\n');
        }
    }

    fn wait_until(what: &str, f: impl Fn() -> bool) {
        let end = Instant::now() + Duration::from_secs(10);
        while !f() {
            assert!(Instant::now() < end, "{what}");
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// A writer that fails with ENOSPC while `full` is set, and records what it took.
    #[derive(Clone, Default)]
    struct Disk {
        full: Arc<AtomicBool>,
        data: Arc<Mutex<Vec<u8>>>,
    }

    impl Write for Disk {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            if self.full.load(Ordering::Relaxed) {
                return Err(io::Error::from_raw_os_error(libc::ENOSPC));
            }
            self.data.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_full_disk_is_counted_and_writing_resumes_without_losing_lines() {
        let disk = Disk::default();
        let sink = TextSink::with_writer("t", Box::new(disk.clone()), agent_of, 1000).unwrap();
        let c = sink.counters();
        sink.publish(&skipped(0));
        wait_until("first write", || c.written.load(Ordering::Relaxed) == 1);
        disk.full.store(true, Ordering::Relaxed);
        for i in 1..=5 {
            sink.publish(&skipped(i));
        }
        wait_until("errors counted", || {
            c.write_errors.load(Ordering::Relaxed) >= 1
        });
        assert_eq!(c.written.load(Ordering::Relaxed), 1);
        disk.full.store(false, Ordering::Relaxed);
        // Retried after RETRY_EVERY without a new event.
        wait_until("resumed", || c.written.load(Ordering::Relaxed) == 6);
        sink.close();
        let text = String::from_utf8(disk.data.lock().unwrap().clone()).unwrap();
        assert_eq!(text, "a0\na1\na2\na3\na4\na5\n");
        assert_eq!(c.lost.load(Ordering::Relaxed), 0);
    }

    /// A writer that blocks until released (a reader that does not read); counts its writes.
    struct Stuck(Arc<(Mutex<bool>, Condvar)>, Arc<AtomicU64>);

    impl Write for Stuck {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            self.1.fetch_add(1, Ordering::Relaxed);
            let (m, cv) = &*self.0;
            let mut go = m.lock().unwrap();
            while !*go {
                go = cv.wait(go).unwrap();
            }
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_slow_reader_costs_a_bounded_queue_and_counted_drops() {
        let gate = Arc::new((Mutex::new(false), Condvar::new()));
        let entered = Arc::new(AtomicU64::new(0));
        let out = Stuck(gate.clone(), entered.clone());
        let sink = TextSink::with_writer("t", Box::new(out), agent_of, 100).unwrap();
        let c = sink.counters();
        sink.publish(&skipped(0));
        wait_until("writer stuck", || entered.load(Ordering::Relaxed) == 1);
        for i in 1..=1000 {
            sink.publish(&skipped(i));
        }
        // The queue holds 100; the other 900 were dropped and counted, never waited for.
        assert_eq!(sink.dropped(), 900);
        // A batch counts by its events: no room for any of these 50.
        sink.publish_batch((0..50).map(skipped).collect());
        assert_eq!(sink.dropped(), 950);
        *gate.0.lock().unwrap() = true;
        gate.1.notify_all();
        sink.close();
        assert_eq!(c.written.load(Ordering::Relaxed), 101);
    }

    #[test]
    fn a_rotated_file_is_followed_and_sighup_reopens() {
        let dir = std::env::temp_dir().join(format!("snmpact-writer-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("out.log");
        let sink = TextSink::start("t", &Destination::File(path.clone()), agent_of).unwrap();
        let c = sink.counters();
        sink.publish(&skipped(1));
        wait_until("written", || c.written.load(Ordering::Relaxed) == 1);
        // logrotate's default: rename, then (postrotate) SIGHUP, or nothing at all.
        std::fs::rename(&path, dir.join("out.log.1")).unwrap();
        sink.publish(&skipped(2));
        wait_until("written after rename", || {
            c.written.load(Ordering::Relaxed) == 2
        });
        assert_eq!(c.reopens.load(Ordering::Relaxed), 1);
        // copytruncate: the next line goes to the start of the emptied file.
        OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(0)
            .unwrap();
        sink.publish(&skipped(3));
        wait_until("written after truncation", || {
            c.written.load(Ordering::Relaxed) == 3
        });
        sink.reopen();
        sink.publish(&skipped(4));
        wait_until("written after reopen", || {
            c.written.load(Ordering::Relaxed) == 4
        });
        assert_eq!(c.reopens.load(Ordering::Relaxed), 2);
        sink.close();
        assert_eq!(
            std::fs::read_to_string(dir.join("out.log.1")).unwrap(),
            "a1\n"
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "a3\na4\n");
        assert_eq!(c.write_errors.load(Ordering::Relaxed), 0);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
