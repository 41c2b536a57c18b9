//! The smallest telnet server over the engine: the embedded demo agent, registered as `demo`,
//! and the console on 127.0.0.1:2323 (or the address given: `-- 127.0.0.1:2424`).
//!
//! `cargo run --example telnet_console`, then in another terminal `telnet 127.0.0.1 2323` (or
//! `nc 127.0.0.1 2323`) and type `get demo sysDescr.0`, `walk demo system`, `help`.
//! Ctrl-C stops it. When it cannot start it says why and exits 1.

use std::process::ExitCode;

use snmpact::console::{ConsoleConfig, run_console};
use snmpact::{Engine, EngineConfig, SessionConfig};

#[actix::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .init();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("telnet_console: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let mut config = ConsoleConfig::default();
    if let Some(listen) = std::env::args().nth(1) {
        config.listen = listen
            .parse()
            .map_err(|e| format!("bad address {listen:?}: {e} (give HOST:PORT)"))?;
    }
    let demo = snmpact::simulator::agent::spawn_demo().map_err(|e| format!("demo agent: {e}"))?;
    let engine = Engine::start(EngineConfig::default());
    engine
        .session("demo", &demo.addr().to_string(), SessionConfig::default())
        .await
        .map_err(|e| e.to_string())?;
    // Ctrl-C is caught from here on: one pressed just as the lines below print still stops
    // the program cleanly.
    let mut stop = snmpact::signals::StopSignals::listen().map_err(|e| e.to_string())?;
    let listen = config.listen;
    let console = run_console(engine.clone(), config).await.map_err(|e| {
        format!(
            "cannot listen on {listen}: {e} (is another console running? give another address: \
             cargo run --example telnet_console -- 127.0.0.1:PORT)"
        )
    })?;
    let at = console.local_addr;
    println!("demo agent at {} is registered as 'demo'", demo.addr());
    println!(
        "connect with: telnet {} {}   (or: nc {} {})",
        at.ip(),
        at.port(),
        at.ip(),
        at.port()
    );
    println!("then try: get demo sysDescr.0 | walk demo system | help | quit");
    stop.recv().await;
    console.shutdown().await;
    engine.shutdown().await;
    Ok(())
}
