//! A one-shot alarm that wakes its thread once, at its time.
//!
//! tokio's timer wheel keeps a timer that is due beyond the current 64 ms slot on a coarser
//! level, and moves it down a level when that slot begins: the thread wakes twice for it, once
//! for the move and once at the time (`epoll_wait(.., 71) = 0` then `epoll_wait(.., 14) = 0`
//! under strace). The poller arms one timer per grid step (100 ms by default), so on a host
//! where a thread's wake-up costs tens of microseconds the move was a third of the main thread's
//! wake-ups at sparse load. On Linux, [`sleep`] arms a `timerfd` instead, which the kernel fires
//! at its time: one wake-up. Elsewhere (or if a timerfd cannot be made) it is tokio's sleep.
//!
//! The alarm is a plain future: dropping it disarms it (the timerfd is closed). The wake-ups
//! are counted by the integration test `a_far_alarm_wakes_the_thread_once_and_tokios_sleep_twice`.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// A future that completes once `wait` has passed (see the module docs).
#[must_use]
pub fn sleep(wait: Duration) -> Sleep {
    #[cfg(target_os = "linux")]
    if let Ok(fd) = timer_fd::arm(wait) {
        return Sleep(Imp::Fd(fd));
    }
    Sleep(Imp::Tokio(Box::pin(tokio::time::sleep(wait))))
}

/// The future [`sleep`] returns.
#[derive(Debug)]
pub struct Sleep(Imp);

#[derive(Debug)]
enum Imp {
    #[cfg(target_os = "linux")]
    Fd(tokio::io::unix::AsyncFd<std::os::fd::OwnedFd>),
    Tokio(Pin<Box<tokio::time::Sleep>>),
}

impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match &mut self.get_mut().0 {
            #[cfg(target_os = "linux")]
            Imp::Fd(fd) => timer_fd::poll_expired(fd, cx),
            Imp::Tokio(s) => s.as_mut().poll(cx),
        }
    }
}

#[cfg(target_os = "linux")]
mod timer_fd {
    use std::io;
    use std::os::fd::OwnedFd;
    use std::task::{Context, Poll};
    use std::time::Duration;

    use rustix::time::{
        Itimerspec, TimerfdClockId, TimerfdFlags, TimerfdTimerFlags, Timespec, timerfd_create,
        timerfd_settime,
    };
    use tokio::io::Interest;
    use tokio::io::unix::AsyncFd;

    /// A non-blocking `CLOCK_MONOTONIC` timerfd armed to expire once after `wait`, registered
    /// with the current runtime's reactor (an error outside a runtime with I/O enabled).
    pub(super) fn arm(wait: Duration) -> io::Result<AsyncFd<OwnedFd>> {
        let fd = timerfd_create(
            TimerfdClockId::Monotonic,
            TimerfdFlags::NONBLOCK | TimerfdFlags::CLOEXEC,
        )?;
        // A zero value would disarm it: the shortest wait is a nanosecond.
        let value = Timespec::try_from(wait.max(Duration::from_nanos(1)))
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "wait too long"))?;
        let zero = Timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        timerfd_settime(
            &fd,
            TimerfdTimerFlags::empty(),
            &Itimerspec {
                it_interval: zero,
                it_value: value,
            },
        )?;
        // `register_with_interest` panics without a reactor: outside a runtime, an error (the
        // caller falls back to tokio's sleep, which needs a runtime too).
        tokio::runtime::Handle::try_current().map_err(io::Error::other)?;
        // SAFETY: `fd` is an `OwnedFd` just returned by timerfd_create, so it is valid and open;
        // the `AsyncFd` takes ownership of it, so nothing else can close or replace it, and
        // `OwnedFd::as_raw_fd` returns the same descriptor for as long as it lives.
        unsafe { AsyncFd::register_with_interest(fd, Interest::READABLE) }.map_err(io::Error::from)
    }

    /// Ready once the timer has expired (its count read, so the fd is quiet again).
    pub(super) fn poll_expired(fd: &AsyncFd<OwnedFd>, cx: &mut Context<'_>) -> Poll<()> {
        loop {
            let mut guard = match fd.poll_read_ready(cx) {
                Poll::Ready(Ok(g)) => g,
                // The reactor is gone (the runtime shuts down): nothing will wait for this.
                Poll::Ready(Err(_)) => return Poll::Ready(()),
                Poll::Pending => return Poll::Pending,
            };
            let mut count = [0u8; 8];
            match guard.try_io(|fd| rustix::io::read(fd, &mut count).map_err(io::Error::from)) {
                Ok(_) => return Poll::Ready(()),
                // Not expired yet: the readiness was stale and has been cleared.
                Err(_would_block) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;

    #[tokio::test]
    async fn it_waits_at_least_its_time_and_not_much_longer() {
        for ms in [0u64, 1, 30, 150] {
            let wait = Duration::from_millis(ms);
            let t0 = Instant::now();
            sleep(wait).await;
            let took = t0.elapsed();
            assert!(took >= wait, "{wait:?}: woke after {took:?}");
            assert!(took < wait + Duration::from_secs(1), "{wait:?}: {took:?}");
        }
    }

    /// Dropped before its time, it never fires (and a later alarm still works).
    #[tokio::test]
    async fn dropping_it_disarms_it() {
        let early = sleep(Duration::from_millis(20));
        drop(early);
        let t0 = Instant::now();
        sleep(Duration::from_millis(50)).await;
        assert!(t0.elapsed() >= Duration::from_millis(50));
    }
}
