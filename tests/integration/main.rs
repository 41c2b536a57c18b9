//! Integration tests, one binary (STYLE.md §6): each module below says what it covers.

// Test helpers outside #[test] functions unwrap too: a failed setup is a failed test.
#![allow(clippy::unwrap_used)]

mod captures; // net-snmp packets in tests/data decode to the exact fields and re-encode byte for byte
mod cli_decode; // `snmpact decode`: the binary's output and exit codes for hex, stdin, dumps, --raw and --json
mod engine; // dispatcher + sessions against simulated agents, with faults on purpose
mod engine_snmpd; // the engine against a real snmpd, compared with snmpget/snmpwalk output
mod format_interop; // our text forms against snmpwalk/snmpget output, byte for byte
mod snmpd; // harness: a real snmpd on loopback, and helpers to run net-snmp's tools
