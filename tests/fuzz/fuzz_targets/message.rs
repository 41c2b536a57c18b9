//! Fuzz target `message`: any bytes through the strict decoder and the dissector. The checks
//! live in `checks/message.rs`, which `cargo test` also replays the corpora through.
#![no_main]

#[path = "../checks/message.rs"]
mod checks;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| checks::check(data));
