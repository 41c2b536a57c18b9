//! The heap in use, for the benchmarks that report memory (`benches/engine.rs`,
//! `examples/poller_bench.rs`, which include this file): jemalloc's `stats.allocated` when the
//! `jemalloc` feature sets the allocator, glibc's `mallinfo2` otherwise.

/// Bytes the allocator has handed out and not taken back (jemalloc's `stats.allocated`).
#[cfg(all(feature = "jemalloc", unix))]
pub(crate) fn heap_in_use() -> u64 {
    // The statistics are a snapshot refreshed by advancing the epoch.
    let _ = tikv_jemalloc_ctl::epoch::advance();
    tikv_jemalloc_ctl::stats::allocated::read().map_or(0, |b| b as u64)
}

/// Bytes the allocator has handed out and not taken back (all arenas, and mmapped blocks).
#[cfg(not(all(feature = "jemalloc", unix)))]
pub(crate) fn heap_in_use() -> u64 {
    // SAFETY: mallinfo2 takes no arguments and only reads the allocator's statistics.
    let m = unsafe { libc::mallinfo2() };
    (m.uordblks + m.hblkhd) as u64
}
