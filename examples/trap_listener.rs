//! A program subscribing to notifications through an actor address: the library's listener
//! hands each decoded trap or inform to any `Recipient<Notification>`.
//!
//! `cargo run --example trap_listener` listens on a free loopback port, sends itself a linkDown
//! trap and an inform (as `snmpact trap`/`snmpact inform` would), prints each notification as
//! it arrives (snmptrapd's text, then its JSON), and stops after those two.
//! `cargo run --example trap_listener -- 127.0.0.1:1162` listens there instead and prints what
//! arrives until Ctrl-C (send with `snmptrap -v 2c -c public 127.0.0.1:1162 '' linkDown`).

use actix::prelude::*;
use snmpact::format::TextOptions;
use snmpact::notification::listener::{Listener, ListenerConfig, Subscribe};
use snmpact::notification::send::{self, Header, Invocation};
use snmpact::notification::{Notification, text};
use snmpact::pdu::Version;

/// Prints notifications; stops the system after `stop_after` of them (0: never).
struct Printer {
    seen: usize,
    stop_after: usize,
}

impl Actor for Printer {
    type Context = Context<Self>;
}

impl Handler<Notification> for Printer {
    type Result = ();
    fn handle(&mut self, n: Notification, _: &mut Context<Self>) {
        let mut line = String::new();
        text::write_text(&mut line, &n, &TextOptions::default());
        print!("{line}");
        println!("{}", text::to_json(&n));
        self.seen += 1;
        if self.seen == self.stop_after {
            System::current().stop();
        }
    }
}

/// A v2c notification of `trap_oid` to `target`, as `snmpact trap` builds it.
fn notification(target: String, trap_oid: &str, inform: bool) -> Invocation {
    Invocation {
        version: Version::V2c,
        community: b"public".to_vec(),
        timeout: std::time::Duration::from_secs(1),
        retries: 2,
        user: None,
        inform,
        target,
        header: Header::V2 {
            uptime: Some(4242),
            trap_oid: snmpact::mib::resolve(trap_oid).expect("a known name"),
        },
        varbinds: Vec::new(),
    }
}

fn main() {
    let given: Option<std::net::SocketAddr> = std::env::args().nth(1).map(|a| {
        a.parse()
            .expect("an address to listen on, like 127.0.0.1:1162")
    });
    let system = System::new();
    system.block_on(async move {
        let mut config = ListenerConfig::loopback(0);
        if let Some(addr) = given {
            config.listen = vec![addr];
        }
        let listener = match Listener::new(config) {
            Ok(l) => l,
            Err(e) => {
                eprintln!("trap_listener: {e}");
                System::current().stop();
                return;
            }
        };
        let addr = listener.local_addrs()[0];
        let listener = listener.start();
        let printer = Printer {
            seen: 0,
            stop_after: if given.is_some() { 0 } else { 2 },
        }
        .start();
        let _ = listener.send(Subscribe(printer.recipient())).await;
        eprintln!("listening on udp {addr}");
        if given.is_none() {
            // The senders block (an inform waits for its Response): run them off this thread.
            let target = addr.to_string();
            actix_rt::task::spawn_blocking(move || {
                for (oid, inform) in [("IF-MIB::linkDown", false), ("coldStart", true)] {
                    if let Err(e) = send::send(&notification(target.clone(), oid, inform)) {
                        eprintln!("trap_listener: {e}");
                    }
                }
            });
        }
    });
    let _ = system.run();
}
