//! Fuzz target `notification`: any bytes through the notification receiver's core
//! (`snmpact::notification::Receiver`), as a listener feeds it.
//!
//! - `Receiver::handle` never panics, whatever the bytes: v1/v2c decoding, the community check,
//!   the v1 translation (RFC 3584), SNMPv3 as a trap (sender engine `8000000001020304`, user
//!   alice SHA-256 + AES) and as an inform (the receiver's own engine), the duplicate window.
//! - A delivered notification prints (snmptrapd's text, JSON) without panicking, and an
//!   outcome never both delivers and drops.
#![no_main]

use std::cell::RefCell;
use std::net::SocketAddr;
use std::time::{Instant, SystemTime};

use libfuzzer_sys::fuzz_target;
use snmpact::format::TextOptions;
use snmpact::notification::{Receiver, ReceiverConfig, text};
use snmpact::usm::{AuthProtocol, PrivProtocol, User};

thread_local! {
    /// One receiver for every input: making one hashes the pass phrases.
    static RECEIVER: RefCell<Receiver> = RefCell::new(
        Receiver::new(
            &ReceiverConfig {
                users: vec![
                    User::new("alice")
                        .with_auth(AuthProtocol::Sha256, "authpass1")
                        .with_privacy(PrivProtocol::Aes128, "privpass1"),
                ],
                sender_engine_ids: vec![vec![0x80, 0, 0, 1, 1, 2, 3, 4]],
                ..ReceiverConfig::default()
            },
            1162,
        )
        .expect("a valid user"),
    );
}

fuzz_target!(|data: &[u8]| {
    let from = SocketAddr::from(([127, 0, 0, 1], 40000));
    let local = SocketAddr::from(([127, 0, 0, 1], 1162));
    RECEIVER.with_borrow_mut(|r| {
        let out = r.handle(data, from, local, Instant::now(), SystemTime::now());
        assert!(out.notification.is_none() || out.dropped.is_none());
        if let Some(n) = &out.notification {
            let mut s = String::new();
            text::write_text(&mut s, n, &TextOptions::default());
            let _ = text::to_json(n);
        }
    });
});
