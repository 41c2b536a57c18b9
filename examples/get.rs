//! One GET, awaited: the smallest use of the engine.
//!
//! `cargo run --example get` starts the embedded simulated agent (`etc/demo.snmprec`) on
//! loopback and asks it for sysDescr.0 and sysUpTime.0. To ask a local snmpd instead:
//! `cargo run --example get -- 127.0.0.1:161 public`. A failure (a timeout, an error-status)
//! is printed on stderr and the example exits 1.

use std::process::ExitCode;

use snmpact::format::{OidStyle, format_varbind};
use snmpact::session::Get;
use snmpact::{Engine, EngineConfig, SessionConfig};

#[actix::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// True when the agent answered.
async fn run() -> Result<bool, Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // Keep the demo agent alive for the whole run when no target is given.
    let demo = if args.is_empty() {
        Some(snmpact::simulator::agent::spawn_demo()?)
    } else {
        None
    };
    let target = match &demo {
        Some(d) => d.addr().to_string(),
        None => args[0].clone(),
    };
    let community = args.get(1).map_or("public", String::as_str);

    let engine = Engine::start(EngineConfig::default());
    let config = SessionConfig {
        community: community.into(),
        ..SessionConfig::default()
    };
    let session = engine.session("agent", &target, config).await?;
    let oids = vec![
        snmpact::mib::resolve("sysDescr.0")?,
        snmpact::mib::resolve("sysUpTime.0")?,
    ];
    let answered = match session.send(Get(oids)).await? {
        Ok(varbinds) => {
            for vb in &varbinds {
                println!("{}", format_varbind(vb, OidStyle::Names));
            }
            true
        }
        Err(e) => {
            eprintln!("error: {e}");
            false
        }
    };
    engine.shutdown().await;
    Ok(answered)
}
