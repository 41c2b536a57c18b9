//! The seed's callback style: requests to many agents at once, each answer arriving as a message
//! that carries the caller's own context value.
//!
//! `cargo run --example callback` starts 100 simulated agents on loopback ports (the demo device)
//! and sends each a GET; the answers come back in whatever order the agents answer, tagged with
//! the context (here: the agent's number). `cargo run --example callback -- 127.0.0.1:161` asks
//! the given agents instead.

use std::time::Instant;

use actix::prelude::*;
use snmpact::format::{OidStyle, format_varbind};
use snmpact::session::{Answer, Operation, Request};
use snmpact::simulator::agent::server;
use snmpact::simulator::agent::{Responder, snmprec};
use snmpact::{Engine, EngineConfig, SessionConfig};

/// Collects the answers and stops the system after the last one.
struct Printer {
    expected: usize,
    seen: usize,
    failed: usize,
    started: Instant,
    /// Read by `main` after the run for its exit status.
    any_failed: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Actor for Printer {
    type Context = Context<Self>;
}

impl Handler<Answer<usize>> for Printer {
    type Result = ();

    fn handle(&mut self, answer: Answer<usize>, _: &mut Context<Self>) {
        self.seen += 1;
        match answer.result {
            // Print a few, count all.
            Ok(vbs) if answer.context < 3 => {
                for vb in &vbs {
                    println!(
                        "[agent {} {}] {}",
                        answer.context,
                        answer.agent,
                        format_varbind(vb, OidStyle::Names)
                    );
                }
            }
            Ok(_) => {}
            Err(e) => {
                self.failed += 1;
                self.any_failed
                    .store(true, std::sync::atomic::Ordering::Relaxed);
                eprintln!("[agent {} {}] error: {e}", answer.context, answer.agent);
            }
        }
        if self.seen == self.expected {
            println!(
                "{} answers ({} failed) in {:.1} ms",
                self.seen,
                self.failed,
                self.started.elapsed().as_secs_f64() * 1000.0
            );
            System::current().stop();
        }
    }
}

/// Exits 1 when some agent failed, as the other examples do.
fn main() -> Result<std::process::ExitCode, Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let farm = if args.is_empty() {
        let agents = (0..100)
            .map(|_| {
                (
                    std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
                    Responder::new(snmprec::demo(), "public"),
                )
            })
            .collect();
        Some(server::spawn_many(agents)?)
    } else {
        None
    };
    let targets: Vec<String> = match &farm {
        Some(f) => f.addrs().iter().map(ToString::to_string).collect(),
        None => args,
    };
    let any_failed = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let any_failed_in = any_failed.clone();
    let system = System::new();
    system.block_on(async move {
        let engine = Engine::start(EngineConfig::default());
        let printer = Printer {
            expected: targets.len(),
            seen: 0,
            failed: 0,
            started: Instant::now(),
            any_failed: any_failed_in.clone(),
        }
        .start();
        let oids = vec![
            snmpact::mib::resolve("sysName.0").unwrap_or_else(|e| panic!("{e}")),
            snmpact::mib::resolve("sysUpTime.0").unwrap_or_else(|e| panic!("{e}")),
        ];
        for (i, t) in targets.iter().enumerate() {
            match engine.session(t, t, SessionConfig::default()).await {
                Ok(session) => session.do_send(Request {
                    op: Operation::Get(oids.clone()),
                    context: i,
                    reply_to: printer.clone().recipient(),
                }),
                Err(e) => eprintln!("{t}: {e}"),
            }
        }
    });
    system.run()?;
    drop(farm);
    Ok(if any_failed.load(std::sync::atomic::Ordering::Relaxed) {
        std::process::ExitCode::FAILURE
    } else {
        std::process::ExitCode::SUCCESS
    })
}
