//! Placeholder: being written (message dissection).
