//! # snmpact: an asynchronous SNMP manager
//!
//! One engine sends and receives many SNMP requests to many agents at once and hands each caller its
//! decoded answer or a clear failure. This crate is the library behind the `snmpact` command.
//!
//! # Layout
//! - [`simulator::agent`]: simulated agents (in-memory MIB, living values from snmpsim's `numeric` module,
//!   faults on purpose, UDP server; v1, v2c and SNMPv3 as an authoritative USM engine) for tests
//!   and demos.
//! - [`ber`]: X.690 BER as SNMP uses it (RFC 3417 §8): reader, writer, errors. No SNMP words, no I/O.
//! - [`oid`]: [`oid::Oid`], dotted text, ordering, prefixes.
//! - [`pdu`]: the SNMP v1/v2c message model (message, PDUs, varbinds, values) and its codec. Pure.
//! - [`usm`]: SNMPv3 USM primitives (RFC 3414, 3826, 7860): keys, users, HMAC, DES/AES privacy,
//!   KeyChange. Pure.
//! - [`v3`]: the SNMPv3 message format (RFC 3412) and USM message processing: seal, check, open,
//!   the time window, Report kinds. Pure.
//! - [`mib`]: names both ways: MIB files loaded (`mib-rs`) over a compiled-in table, one
//!   `Arc`-shared tree per process; index decoding; `snmptranslate`'s forms.
//! - [`mod@format`]: text forms of varbinds as net-snmp prints them (enumerations, display hints
//!   and units from the MIB), and a JSON form.
//! - [`service`]: the long-running service: config, simulated agents, console and poller together.
//! - [`session`]: one actor per agent: operations, retries, walks, tables, SNMPv3 discovery and
//!   resynchronisation; [`session::SnmpError`].
//! - [`dispatcher`]: the actor owning the UDP socket(s): request ids, matching, drops, counters.
//! - [`exchange`]: what sessions and dispatchers exchange (messages, a request's security, retry
//!   timing, [`SnmpError`]), below both.
//! - [`udp_batch`]: many UDP datagrams per system call (`recvmmsg`/`sendmmsg`, a portable
//!   fallback elsewhere), reusable buffers; no SNMP in it.
//! - [`engine`]: starts dispatchers, creates and registers sessions (the library's entry point).
//! - [`dissect`]: a byte-by-byte dissection of one message, for `snmpact decode`.
//! - [`simulator`]: `snmpact agent` (simulated agents from `.snmprec` files) and `snmpact record`.
//! - [`config`]: layered configuration (files, `SNMPACT_…` variables, flags) checked into settings.
//! - [`poller`]: poll jobs: schedule spread over each interval, rates from counters, run-time changes.
//! - [`report`]: what the poller hands the outputs (cycle reports, samples, skips, health):
//!   plain data below both.
//! - [`output`]: where samples go: JSON lines, InfluxDB line protocol, a Prometheus endpoint.
//! - [`cli`]: the one-shot tools (`snmpact get|walk|…`): net-snmp's arguments, many agents at once.
//! - [`cluster`]: several instances share the agents through Redis: membership, ownership,
//!   failover, rate hand-over (pure core in `cluster::membership`).
//! - [`batch`]: `snmpact batch`: a script of console commands, run concurrently, printed in order.
//! - [`command`]: the console and batch command language: parser (pure), help, rendering, executor.
//! - [`console`]: the telnet console: listener actor, one actor per connection, telnet line codec.
//! - [`alarm`]: a one-shot timer that wakes its thread once (a timerfd on Linux), for the
//!   poller's grid step.
//! - [`signals`]: Ctrl-C and SIGTERM caught from before a program says it is ready.
//! - [`notification`]: traps and informs received (pure core, listener actor, snmptrapd's text
//!   and JSON forms), `snmpact trap|inform` (sending) and `snmpact trapd`.

pub mod alarm;
pub mod batch;
pub mod ber;
pub mod cli;
pub mod cluster;
pub mod command;
pub mod config;
pub mod console;
pub mod dispatcher;
pub mod dissect;
pub mod engine;
pub mod exchange;
pub mod format;
pub mod mib;
pub mod notification;
pub mod oid;
pub mod output;
pub mod pdu;
pub mod poller;
pub mod report;
pub mod service;
pub mod session;
pub mod signals;
pub mod simulator;
mod text;
pub mod udp_batch;
pub mod usm;
pub mod v3;

pub use engine::{Engine, EngineConfig};
pub use session::{SessionConfig, SnmpError};
