//! Placeholder: being written (compiled-in MIB name table).
