//! Harnesses for the integration tests: real servers and tools started on loopback, each stopped
//! by its pid when dropped (never pkill/killall), and the process helpers they share. A test that
//! needs a program that is missing fails, naming the Debian package to install.

pub(crate) mod process; // programs on PATH, scratch directories, free ports, a loopback HTTP GET
pub(crate) mod prometheus; // a real Prometheus scraping one target
pub(crate) mod snmpd; // a real snmpd, and net-snmp's command-line tools
pub(crate) mod tmux; // a tmux pane driving an interactive client (telnet)
