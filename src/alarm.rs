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
//!
//! [`Alarm`] is the same for a caller that sleeps again and again on one thread (the poller, once
//! per grid step): one timerfd made and registered once and re-armed for each wait, two system
//! calls per wait (arm, read) where [`sleep`] takes five (create, arm, register, deregister,
//! close).

#[cfg(target_os = "linux")]
use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
#[cfg(target_os = "linux")]
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;
#[cfg(target_os = "linux")]
use std::time::Instant;

/// A future that completes once `wait` has passed (see the module docs).
#[must_use]
pub fn sleep(wait: Duration) -> Sleep {
    #[cfg(target_os = "linux")]
    if let Ok(fd) = timer_fd::arm(wait) {
        return Sleep(Imp::Fd(fd));
    }
    Sleep(Imp::Tokio(Box::pin(tokio::time::sleep(wait))))
}

/// The future [`sleep`] and [`Alarm::sleep`] return.
#[derive(Debug)]
pub struct Sleep(Imp);

#[derive(Debug)]
enum Imp {
    #[cfg(target_os = "linux")]
    Fd(tokio::io::unix::AsyncFd<std::os::fd::OwnedFd>),
    /// An [`Alarm`]'s timer, armed for `until` as its arming number `arming`.
    #[cfg(target_os = "linux")]
    Shared {
        timer: Rc<Shared>,
        arming: u64,
        until: Instant,
        done: bool,
    },
    Tokio(Pin<Box<tokio::time::Sleep>>),
}

impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match &mut self.get_mut().0 {
            #[cfg(target_os = "linux")]
            Imp::Fd(fd) => timer_fd::poll_expired(fd, cx).map(|_| ()),
            #[cfg(target_os = "linux")]
            Imp::Shared {
                timer, until, done, ..
            } => {
                // An expiry of an earlier arming can be read here; only this one's time counts.
                while Instant::now() < *until {
                    match timer_fd::poll_expired(&timer.fd, cx) {
                        Poll::Pending => return Poll::Pending,
                        Poll::Ready(Ok(())) => {}
                        // The reactor is gone (the runtime shuts down): nothing will wait.
                        Poll::Ready(Err(_)) => break,
                    }
                }
                *done = true;
                Poll::Ready(())
            }
            Imp::Tokio(s) => s.as_mut().poll(cx),
        }
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        #[cfg(target_os = "linux")]
        if let Imp::Shared {
            timer,
            arming,
            done: false,
            ..
        } = &self.0
            && timer.arming.get() == *arming
        {
            // Cancelled before its time and not re-armed since: no expiry to wake the thread
            // for nothing.
            let _ = timer_fd::set(&timer.fd, None);
        }
    }
}

/// The timerfd an [`Alarm`] re-arms, shared with the [`Sleep`] it returned last.
#[cfg(target_os = "linux")]
#[derive(Debug)]
struct Shared {
    fd: tokio::io::unix::AsyncFd<std::os::fd::OwnedFd>,
    /// Incremented at each arming: a dropped [`Sleep`] of an earlier one leaves it alone.
    arming: Cell<u64>,
}

/// A reusable alarm for one thread (see the module docs): [`Alarm::sleep`] re-arms it, and the
/// returned future completes at that time. A later `sleep` replaces the earlier arming, whose
/// future then waits for the new time; dropping the latest future before its time disarms it.
#[derive(Debug, Default)]
pub struct Alarm {
    #[cfg(target_os = "linux")]
    timer: Option<Rc<Shared>>,
}

impl Alarm {
    /// An alarm; its timer is made on first use (inside a runtime).
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Arms the alarm to fire after `wait`, replacing any earlier arming.
    pub fn sleep(&mut self, wait: Duration) -> Sleep {
        #[cfg(target_os = "linux")]
        {
            if self.timer.is_none() {
                self.timer = timer_fd::create().ok().map(|fd| {
                    Rc::new(Shared {
                        fd,
                        arming: Cell::new(0),
                    })
                });
            }
            // Taken before arming: the timer never expires before it.
            let until = Instant::now() + wait;
            if let Some(timer) = &self.timer
                && timer_fd::set(&timer.fd, Some(wait)).is_ok()
            {
                let arming = timer.arming.get() + 1;
                timer.arming.set(arming);
                return Sleep(Imp::Shared {
                    timer: timer.clone(),
                    arming,
                    until,
                    done: false,
                });
            }
        }
        sleep(wait)
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
        let fd = create()?;
        set(&fd, Some(wait))?;
        Ok(fd)
    }

    /// A disarmed non-blocking `CLOCK_MONOTONIC` timerfd registered with the current runtime's
    /// reactor (an error outside a runtime with I/O enabled).
    pub(super) fn create() -> io::Result<AsyncFd<OwnedFd>> {
        let fd = timerfd_create(
            TimerfdClockId::Monotonic,
            TimerfdFlags::NONBLOCK | TimerfdFlags::CLOEXEC,
        )?;
        // `register_with_interest` panics without a reactor: outside a runtime, an error (the
        // caller falls back to tokio's sleep, which needs a runtime too).
        tokio::runtime::Handle::try_current().map_err(io::Error::other)?;
        // SAFETY: `fd` is an `OwnedFd` just returned by timerfd_create, so it is valid and open;
        // the `AsyncFd` takes ownership of it, so nothing else can close or replace it, and
        // `OwnedFd::as_raw_fd` returns the same descriptor for as long as it lives.
        unsafe { AsyncFd::register_with_interest(fd, Interest::READABLE) }.map_err(io::Error::from)
    }

    /// Arms `fd` to expire once after `wait`, or disarms it (`None`). Arming resets the count
    /// of expiries not read yet (timerfd_settime(2)).
    pub(super) fn set(fd: &AsyncFd<OwnedFd>, wait: Option<Duration>) -> io::Result<()> {
        let zero = Timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // A zero value disarms it: the shortest wait is a nanosecond.
        let value = match wait {
            Some(w) => Timespec::try_from(w.max(Duration::from_nanos(1)))
                .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "wait too long"))?,
            None => zero,
        };
        timerfd_settime(
            fd.get_ref(),
            TimerfdTimerFlags::empty(),
            &Itimerspec {
                it_interval: zero,
                it_value: value,
            },
        )?;
        Ok(())
    }

    /// Ready once the timer has expired (its count read, so the fd is quiet again); an error
    /// when the reactor is gone (the runtime shuts down).
    pub(super) fn poll_expired(
        fd: &AsyncFd<OwnedFd>,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<()>> {
        loop {
            let mut guard = match fd.poll_read_ready(cx) {
                Poll::Ready(Ok(g)) => g,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            };
            let mut count = [0u8; 8];
            match guard.try_io(|fd| rustix::io::read(fd, &mut count).map_err(io::Error::from)) {
                Ok(_) => return Poll::Ready(Ok(())),
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

    #[tokio::test]
    async fn a_reused_alarm_waits_each_time_and_a_later_arming_replaces_an_earlier_one() {
        let mut alarm = Alarm::new();
        for ms in [0u64, 20, 5] {
            let wait = Duration::from_millis(ms);
            let t0 = Instant::now();
            alarm.sleep(wait).await;
            assert!(t0.elapsed() >= wait, "{wait:?}: {:?}", t0.elapsed());
        }
        // Re-armed further out while the first future lives: the first waits for the new time
        // too, and dropping it after the re-arming leaves the new arming alone.
        let t0 = Instant::now();
        let first = alarm.sleep(Duration::from_millis(5));
        let second = alarm.sleep(Duration::from_millis(40));
        drop(first);
        second.await;
        assert!(t0.elapsed() >= Duration::from_millis(40));
        // Cancelled: the timer is disarmed, and the next arming works.
        drop(alarm.sleep(Duration::from_millis(1)));
        let t0 = Instant::now();
        alarm.sleep(Duration::from_millis(30)).await;
        assert!(t0.elapsed() >= Duration::from_millis(30));
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
