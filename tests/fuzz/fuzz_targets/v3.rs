//! Fuzz target `v3`: any bytes through the SNMPv3 decoder and USM message processing. The
//! checks live in `checks/v3.rs`, which `cargo test` also replays the corpora through.
#![no_main]

#[path = "../checks/v3.rs"]
mod checks;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| checks::check(data));
