//! [`TextSink`]: a text output (JSON lines or line protocol) written by its own thread, so
//! formatting and a slow disk or pipe never hold up the poller. The poller hands events over a
//! bounded queue; when it is full the event is dropped and counted, never waited for.

use std::fs::OpenOptions;
use std::io::{self, BufWriter, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;

use super::{Error, Sink};
use crate::config::Destination;
use crate::poller::Event;

/// Events queued for a text output before new ones are dropped.
pub const QUEUE: usize = 65_536;
/// Bytes buffered before a write.
const BUFFER: usize = 64 * 1024;

/// Turns one event into text lines.
pub type Formatter = fn(&mut String, &Event);

/// A text output with its writer thread.
pub struct TextSink {
    tx: Mutex<Option<SyncSender<Event>>>,
    thread: Mutex<Option<JoinHandle<()>>>,
    dropped: Arc<AtomicU64>,
}

impl TextSink {
    /// Opens `dest` (a file is created or appended to) and starts the writer thread.
    ///
    /// # Errors
    /// [`Error::Open`] when the file cannot be opened, [`Error::Thread`] when the thread
    /// cannot start.
    pub fn start(name: &str, dest: &Destination, format: Formatter) -> Result<Self, Error> {
        let out: Box<dyn Write + Send> = match dest {
            Destination::Stdout => Box::new(io::stdout()),
            Destination::File(path) => Box::new(
                OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .map_err(|source| Error::Open {
                        output: name.to_owned(),
                        path: path.clone(),
                        source,
                    })?,
            ),
        };
        let (tx, rx) = mpsc::sync_channel(QUEUE);
        let thread = std::thread::Builder::new()
            .name(format!("output-{name}"))
            .spawn(move || write_loop(&rx, BufWriter::with_capacity(BUFFER, out), format))
            .map_err(|source| Error::Thread {
                output: name.to_owned(),
                source,
            })?;
        Ok(Self {
            tx: Mutex::new(Some(tx)),
            thread: Mutex::new(Some(thread)),
            dropped: Arc::new(AtomicU64::new(0)),
        })
    }
}

fn write_loop(rx: &Receiver<Event>, mut out: BufWriter<Box<dyn Write + Send>>, format: Formatter) {
    let mut text = String::with_capacity(BUFFER);
    let mut failed = false;
    while let Ok(first) = rx.recv() {
        let mut next = Some(first);
        // Drain what is queued, then write and flush once.
        while let Some(ev) = next.take() {
            format(&mut text, &ev);
            if text.len() >= BUFFER {
                failed |= write(&mut out, &text, failed);
                text.clear();
            }
            next = rx.try_recv().ok();
        }
        failed |= write(&mut out, &text, failed);
        text.clear();
        if !failed && let Err(e) = out.flush() {
            tracing::error!(error = %e, "output write failed");
            failed = true;
        }
    }
    let _ = out.flush();
}

/// Writes `text`; logs the first failure only. True when this write failed.
fn write(out: &mut impl Write, text: &str, already_failed: bool) -> bool {
    match out.write_all(text.as_bytes()) {
        Ok(()) => false,
        Err(e) => {
            if !already_failed {
                tracing::error!(error = %e, "output write failed");
            }
            true
        }
    }
}

impl Sink for TextSink {
    fn publish(&self, event: &Event) {
        let guard = self.tx.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(tx) = guard.as_ref() else { return };
        match tx.try_send(event.clone()) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                if self.dropped.fetch_add(1, Ordering::Relaxed) == 0 {
                    tracing::warn!("output queue full: events dropped");
                }
            }
            Err(TrySendError::Disconnected(_)) => {}
        }
    }

    fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
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
