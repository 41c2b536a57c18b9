//! Placeholder: being written (net-snmp text forms).
