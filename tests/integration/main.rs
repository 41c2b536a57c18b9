//! Integration tests, one binary (STYLE.md §6): each module below says what it covers.

// Test helpers outside #[test] functions unwrap too: a failed setup is a failed test.
#![allow(clippy::unwrap_used)]

mod batch; // `snmpact batch`: scripts in order, JSON lines, --keep-going, bad lines before any send
mod busy_engine; // answers that came in time while the engine's thread was blocked are answers, not timeouts
mod captures; // net-snmp packets in tests/data decode to the exact fields and re-encode byte for byte
mod cli; // `snmpact get|walk|...` beside net-snmp's tools on a real snmpd; JSON/CSV; 1,000 agents; exit codes
mod cli_decode; // `snmpact decode`: the binary's output and exit codes for hex, stdin, dumps, --raw and --json
mod cluster; // three snmpact instances and a real redis-server: once per cycle, SIGKILL failover, a join, Redis restarted, garbled values
mod cluster_redis; // TLS (rediss://, a throwaway CA) and Redis Sentinel (failover of the master) under a cluster member
mod config; // every file in etc/ loads; unknown keys anywhere are refused, naming file and key
mod console; // the telnet console over TCP: negotiation, clients side by side, limits, password, real telnet
mod engine; // dispatcher + sessions against simulated agents, with faults on purpose
mod engine_snmpd; // the engine against a real snmpd, compared with snmpget/snmpwalk output
mod first_hour; // address in use, examples' exit codes, completions, man pages, the systemd unit
mod format_interop; // our text forms against snmpwalk/snmpget output, byte for byte
mod fuzz_replay; // the fuzz targets' checks over their seeds, tests/data/*.bin (regress-*) and any local corpus
mod harness; // real servers and tools on loopback (snmpd, Prometheus, tmux), stopped by pid
mod mibs; // MIB files: snmpact and net-snmp tools load the same files (-M -m ALL), outputs compared byte for byte
mod poller; // poll jobs against simulated agents: interval, values, wraps, restarts, dead agents, reloads, Prometheus
mod readme; // every `sh` command of README.md run as written (the rules at its top)
mod service; // the service binary: polls, reloads on SIGHUP, stops on SIGINT
mod simulator; // `snmpact agent` and `record` as child processes: data files, 10,000 agents, faults, record-and-serve
mod traps; // notifications: snmptrap/snmpinform <-> snmpact trapd and snmpact trap/inform <-> snmptrapd, logs compared; drops, informs, floods
mod v3; // SNMPv3 against snmpd (every auth x priv pair, errors, reboot) and fake agents (trust, time window, isolation, key cache)
