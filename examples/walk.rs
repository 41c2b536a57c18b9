//! A streamed walk: rows arrive in chunks as the agent answers, so a walk of a million rows never
//! sits whole in memory.
//!
//! `cargo run --example walk` walks the interfaces subtree of the embedded simulated agent on
//! loopback. `cargo run --example walk -- 127.0.0.1:161 public system` walks a local snmpd.

use actix::prelude::*;
use snmpact::format::{OidStyle, format_varbind};
use snmpact::session::{WalkOptions, WalkRows, WalkStream};
use snmpact::{Engine, EngineConfig, SessionConfig};

/// Prints rows as they come.
struct Printer;

impl Actor for Printer {
    type Context = Context<Self>;
}

impl Handler<WalkRows> for Printer {
    type Result = ();

    fn handle(&mut self, rows: WalkRows, _: &mut Context<Self>) {
        for vb in &rows.0 {
            println!("{}", format_varbind(vb, OidStyle::Names));
        }
    }
}

/// Exits 1 when the walk fails (a timeout, an error-status), as the other examples do.
#[actix::main]
async fn main() -> std::process::ExitCode {
    match run().await {
        Ok(true) => std::process::ExitCode::SUCCESS,
        Ok(false) => std::process::ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// True when the walk ended well.
async fn run() -> Result<bool, Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
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
    let root = snmpact::mib::resolve(args.get(2).map_or("interfaces", String::as_str))?;

    let engine = Engine::start(EngineConfig::default());
    let config = SessionConfig {
        community: community.into(),
        ..SessionConfig::default()
    };
    let session = engine.session("agent", &target, config).await?;
    let printer = Printer.start();
    let rows = session
        .send(WalkStream {
            root,
            options: WalkOptions::default(),
            sink: printer.recipient(),
        })
        .await?;
    let ok = match rows {
        Ok(n) => {
            eprintln!("{n} rows");
            true
        }
        Err(e) => {
            eprintln!("error: {e}");
            false
        }
    };
    engine.shutdown().await;
    Ok(ok)
}
