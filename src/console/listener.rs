//! [`Listener`]: accepts TCP connections, starts one [`Connection`] actor for each under the
//! limit, refuses the others politely (and those from outside `allow`, or banned for wrong
//! passwords, at once), counts it all, and closes everything on [`Shutdown`].

use std::cell::RefCell;
use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Instant;

use actix::prelude::*;
use futures_util::stream;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::connection::{Close, Connection, Disconnected};
use super::guard::{AuthLimiter, GuardCounters, Refusal, allowed};
use super::{ACCEPT_ERROR_PAUSE, CLOSE_LINGER, ConsoleConfig};
use crate::engine::Engine;

/// Stops listening and tells every connection to close. Sent by whoever started the console.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub struct Shutdown;

/// How many connections are open. Sent by tests and status pages.
#[derive(Debug, Message)]
#[rtype(result = "usize")]
pub struct CountConnections;

/// The listening actor. Fields say why they exist.
pub struct Listener {
    /// Handed to each connection, which runs its commands on it.
    engine: Engine,
    /// Limits and the password, shared with the connections.
    config: Arc<ConsoleConfig>,
    /// The socket, until `started` turns it into a stream of accepted connections.
    socket: Option<TcpListener>,
    /// Open connections, to count them against the limit and close them on shutdown.
    connections: HashMap<u64, Addr<Connection>>,
    /// Source of connection ids (for the map and the logs).
    next_id: u64,
    /// Wrong passwords per source address, shared with the connections (same arbiter): a
    /// source that reconnects keeps its count, a banned one is refused here.
    limiter: Rc<RefCell<AuthLimiter>>,
    /// Refusals, passwords, bans and accept errors, for `stats` and the metrics.
    counters: Arc<GuardCounters>,
    /// Accepts failing in a row: only the first of a run is logged (EMFILE repeats every
    /// [`ACCEPT_ERROR_PAUSE`] until a descriptor frees up).
    accept_failing: u64,
}

impl Listener {
    pub(super) fn new(
        engine: Engine,
        config: Arc<ConsoleConfig>,
        socket: TcpListener,
        counters: Arc<GuardCounters>,
    ) -> Self {
        Self {
            engine,
            config,
            socket: Some(socket),
            connections: HashMap::new(),
            next_id: 0,
            limiter: Rc::new(RefCell::new(AuthLimiter::new())),
            counters,
            accept_failing: 0,
        }
    }
}

type Accepted = io::Result<(TcpStream, SocketAddr)>;

impl Actor for Listener {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Context<Self>) {
        if let Some(socket) = self.socket.take() {
            ctx.add_stream(stream::unfold(socket, |l| async move {
                let r = l.accept().await;
                if r.is_err() {
                    // EMFILE and friends last a while: do not spin on them.
                    tokio::time::sleep(ACCEPT_ERROR_PAUSE).await;
                }
                Some((r, l))
            }));
        }
    }

    fn stopped(&mut self, _: &mut Context<Self>) {
        tracing::info!("console stopped");
    }
}

impl StreamHandler<Accepted> for Listener {
    fn handle(&mut self, r: Accepted, ctx: &mut Context<Self>) {
        let (stream, peer) = match r {
            Ok(x) => x,
            Err(e) => {
                self.counters.accept_error();
                self.accept_failing += 1;
                if self.accept_failing > 1 {
                    return;
                }
                if e.raw_os_error() == Some(libc::EMFILE) || e.raw_os_error() == Some(libc::ENFILE)
                {
                    tracing::error!(
                        error = %e,
                        open = self.connections.len(),
                        "console: cannot accept a connection: the open-files limit is reached \
                         (raise it with `ulimit -n` or LimitNOFILE=); still listening, \
                         other work goes on"
                    );
                } else {
                    tracing::warn!(error = %e, "console: accept failed; still listening");
                }
                return;
            }
        };
        if self.accept_failing > 0 {
            tracing::info!(
                failed = self.accept_failing,
                "console: accepting connections again"
            );
            self.accept_failing = 0;
        }
        if !allowed(&self.config.allow, peer.ip()) {
            self.counters.refused(Refusal::NotAllowed);
            tracing::warn!(%peer, "console: connection refused, not in console.allow");
            drop(stream);
            return;
        }
        if let Some(left) = self.limiter.borrow_mut().banned(peer.ip(), Instant::now()) {
            self.counters.refused(Refusal::Banned);
            tracing::warn!(%peer, seconds_left = left.as_secs(), "console: connection refused, address banned");
            let line = format!(
                "snmpact console: too many wrong passwords from your address; try again in {} s\r\n",
                left.as_secs().max(1)
            );
            actix::spawn(refuse(stream, line));
            return;
        }
        let _ = stream.set_nodelay(true);
        if self.connections.len() >= self.config.max_connections {
            self.counters.refused(Refusal::Full);
            tracing::warn!(%peer, limit = self.config.max_connections, "console: connection refused, at the limit");
            let line = format!(
                "snmpact console: too many connections ({} open); try again later\r\n",
                self.connections.len()
            );
            actix::spawn(refuse(stream, line));
            return;
        }
        self.next_id += 1;
        let id = self.next_id;
        let conn = Connection::new(
            id,
            peer,
            stream,
            self.engine.clone(),
            self.config.clone(),
            ctx.address().recipient(),
        )
        .with_guard(self.limiter.clone(), self.counters.clone())
        .start();
        self.connections.insert(id, conn);
    }

    fn finished(&mut self, _: &mut Context<Self>) {
        // The accept stream never ends on its own; keep the actor whatever happens (P9).
    }
}

/// Writes the refusal, closes our side, and waits (briefly) for the client to close its own,
/// so unread input does not turn the close into a reset that would lose the line.
async fn refuse(mut stream: TcpStream, line: String) {
    let _ = tokio::time::timeout(CLOSE_LINGER, async {
        stream.write_all(line.as_bytes()).await?;
        stream.shutdown().await?;
        let mut sink = [0u8; 1024];
        while stream.read(&mut sink).await? > 0 {}
        Ok::<(), io::Error>(())
    })
    .await;
}

impl Handler<Disconnected> for Listener {
    type Result = ();

    fn handle(&mut self, m: Disconnected, _: &mut Context<Self>) {
        self.connections.remove(&m.id);
    }
}

impl Handler<CountConnections> for Listener {
    type Result = usize;

    fn handle(&mut self, _: CountConnections, _: &mut Context<Self>) -> usize {
        self.connections.len()
    }
}

impl Handler<Shutdown> for Listener {
    type Result = ();

    fn handle(&mut self, _: Shutdown, ctx: &mut Context<Self>) {
        for c in self.connections.values() {
            c.do_send(Close("snmpact console shutting down; bye"));
        }
        self.connections.clear();
        ctx.stop(); // drops the accept stream, which closes the socket
    }
}
