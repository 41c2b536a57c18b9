//! Stop signals (Ctrl-C's SIGINT and SIGTERM) caught from the moment they are asked for.
//!
//! `tokio::signal::ctrl_c()` installs its handler only when first polled, so a program that
//! announces it is ready and then awaits it leaves a window in which SIGINT still kills it with
//! the default action (the process "dies of signal 2" instead of shutting down cleanly). A
//! program creates [`StopSignals`] before it says it is ready and awaits [`StopSignals::recv`]
//! afterwards: a signal that arrives in between is kept and ends the wait at once.

use std::io;

use tokio::signal::unix::{Signal, SignalKind, signal};

/// SIGINT and SIGTERM, both caught from [`StopSignals::listen`] on.
#[derive(Debug)]
pub struct StopSignals {
    interrupt: Signal,
    terminate: Signal,
}

impl StopSignals {
    /// Installs the handlers now. Must be called inside a tokio runtime (an actix `System` is one).
    ///
    /// # Errors
    /// The error of installing a handler (the runtime has no signal driver, or the process
    /// cannot install one).
    pub fn listen() -> io::Result<Self> {
        Self::of(SignalKind::interrupt(), SignalKind::terminate())
    }

    /// Two other signals (the tests use SIGUSR1 and SIGUSR2, which nothing else catches).
    fn of(interrupt: SignalKind, terminate: SignalKind) -> io::Result<Self> {
        Ok(Self {
            interrupt: signal(interrupt)?,
            terminate: signal(terminate)?,
        })
    }

    /// Waits for the next SIGINT or SIGTERM (one received since [`StopSignals::listen`] counts).
    pub async fn recv(&mut self) {
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A signal raised after the handlers are installed and before `recv` ends the wait
    /// instead of the process. (SIGUSR1/SIGUSR2 stand in for SIGINT/SIGTERM, which must keep
    /// their default action in the test process: a harness stops a hung test with them.)
    #[tokio::test]
    async fn a_signal_before_the_wait_is_kept() {
        for raised in [libc::SIGUSR1, libc::SIGUSR2] {
            let mut stop =
                StopSignals::of(SignalKind::user_defined1(), SignalKind::user_defined2()).unwrap();
            // SAFETY: raise(3) sends a valid signal number to this process, whose handler
            // (tokio's, installed just above) only records it.
            let rc = unsafe { libc::raise(raised) };
            assert_eq!(rc, 0);
            tokio::time::timeout(std::time::Duration::from_secs(5), stop.recv())
                .await
                .expect("the signal raised before the wait ends it");
        }
    }
}
