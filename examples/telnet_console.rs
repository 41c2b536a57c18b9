//! The smallest telnet server over the engine: the embedded demo agent, registered as `demo`,
//! and the console on 127.0.0.1:2323.
//!
//! `cargo run --example telnet_console`, then in another terminal `telnet 127.0.0.1 2323` (or
//! `nc 127.0.0.1 2323`) and type `get demo sysDescr.0`, `walk demo system`, `help`.
//! Ctrl-C stops it.

use snmpact::console::{ConsoleConfig, run_console};
use snmpact::{Engine, EngineConfig, SessionConfig};

#[actix::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .init();
    let demo = snmpact::agent::spawn_demo()?;
    let engine = Engine::start(EngineConfig::default());
    engine
        .session("demo", &demo.addr().to_string(), SessionConfig::default())
        .await?;
    let console = run_console(engine.clone(), ConsoleConfig::default()).await?;
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
    tokio::signal::ctrl_c().await?;
    console.shutdown().await;
    engine.shutdown().await;
    Ok(())
}
