//! UDP servers for simulated agents. [`spawn`] runs one agent and [`spawn_many`] any number of
//! agents (one UDP port each) on one background thread with its own single-threaded tokio
//! runtime, until the returned [`AgentsHandle`] is stopped or dropped.

use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;

use tokio::net::UdpSocket;
use tokio::sync::watch;

use super::Responder;

/// Largest request datagram read.
const RECV_BUFFER: usize = 65_536;

/// Running simulated agents. Dropping it stops them and joins their thread.
#[derive(Debug)]
pub struct AgentsHandle {
    addrs: Vec<SocketAddr>,
    responders: Vec<Arc<Mutex<Responder>>>,
    stop: Option<watch::Sender<bool>>,
    thread: Option<JoinHandle<()>>,
}

/// One running simulated agent (the one-agent case of [`AgentsHandle`]).
pub type AgentHandle = AgentsHandle;

impl AgentsHandle {
    /// The first agent's address.
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addrs[0]
    }

    /// Every agent's address, in the order given.
    #[must_use]
    pub fn addrs(&self) -> &[SocketAddr] {
        &self.addrs
    }

    /// Runs `f` on the first agent's responder (to read counters or change data or faults).
    pub fn with<R>(&self, f: impl FnOnce(&mut Responder) -> R) -> R {
        self.with_agent(0, f)
    }

    /// Runs `f` on agent `i`'s responder.
    pub fn with_agent<R>(&self, i: usize, f: impl FnOnce(&mut Responder) -> R) -> R {
        let mut r = self.responders[i]
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        f(&mut r)
    }

    /// Stops the agents and waits for their thread.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(true);
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for AgentsHandle {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Serves `responder` on `bind` (e.g. `127.0.0.1:0`).
///
/// # Errors
/// When the socket cannot be bound.
pub fn spawn(bind: SocketAddr, responder: Responder) -> io::Result<AgentHandle> {
    spawn_many(vec![(bind, responder)])
}

/// Serves each responder on its own address, all from one thread.
///
/// # Errors
/// When a socket cannot be bound or the thread cannot start.
pub fn spawn_many(agents: Vec<(SocketAddr, Responder)>) -> io::Result<AgentsHandle> {
    let mut socks = Vec::with_capacity(agents.len());
    let mut addrs = Vec::with_capacity(agents.len());
    let mut responders = Vec::with_capacity(agents.len());
    for (bind, r) in agents {
        let s = std::net::UdpSocket::bind(bind)?;
        s.set_nonblocking(true)?;
        let other = std::net::UdpSocket::bind(SocketAddr::new(bind.ip(), 0))?;
        other.set_nonblocking(true)?;
        addrs.push(s.local_addr()?);
        socks.push((s, other));
        responders.push(Arc::new(Mutex::new(r)));
    }
    let (tx, rx) = watch::channel(false);
    let rs = responders.clone();
    let thread = std::thread::Builder::new()
        .name("simulated-agents".into())
        .spawn(move || {
            let rt = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    tracing::error!(error = %e, "cannot start the agents' runtime");
                    return;
                }
            };
            rt.block_on(async move {
                let local = tokio::task::LocalSet::new();
                for ((s, other), r) in socks.into_iter().zip(rs) {
                    let (Ok(s), Ok(other)) = (UdpSocket::from_std(s), UdpSocket::from_std(other))
                    else {
                        continue;
                    };
                    local.spawn_local(serve(Arc::new(s), Arc::new(other), r, rx.clone()));
                }
                let mut rx = rx;
                local
                    .run_until(async move {
                        let _ = rx.wait_for(|stop| *stop).await;
                    })
                    .await;
            });
        })?;
    Ok(AgentsHandle {
        addrs,
        responders,
        stop: Some(tx),
        thread: Some(thread),
    })
}

async fn serve(
    sock: Arc<UdpSocket>,
    other: Arc<UdpSocket>,
    responder: Arc<Mutex<Responder>>,
    mut stop: watch::Receiver<bool>,
) {
    let mut buf = vec![0u8; RECV_BUFFER];
    loop {
        let (n, from) = tokio::select! {
            r = sock.recv_from(&mut buf) => match r {
                Ok(x) => x,
                Err(_) => continue, // ICMP errors from earlier sends: keep serving
            },
            _ = stop.changed() => return,
        };
        let reply = responder
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .handle(&buf[..n]);
        if reply.datagrams.is_empty() {
            continue;
        }
        let s = if reply.other_port {
            other.clone()
        } else {
            sock.clone()
        };
        if reply.delay.is_zero() {
            for d in &reply.datagrams {
                let _ = s.send_to(d, from).await;
            }
        } else {
            tokio::task::spawn_local(async move {
                tokio::time::sleep(reply.delay).await;
                for d in &reply.datagrams {
                    let _ = s.send_to(d, from).await;
                }
            });
        }
    }
}
