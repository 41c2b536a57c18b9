//! Nothing: the package `snmpact-peers` holds only benchmarks (`codec.rs`, `main.rs`); a
//! library target lets `cargo clippy --workspace` and `cargo doc` treat it like any member.
