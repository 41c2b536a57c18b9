//! `cargo bench --bench engine -- --scaling`: how the engine's GET/s grows with its shards when
//! each shard has a core of its own.
//!
//! This machine has 2 vCPUs and the responder needs part of one, so a "core" here is a slice
//! of CPU time: each shard's thread is put in a cgroup of its own (the cgroup v1 `cpu`
//! controller at `/sys/fs/cgroup/cpu`, `cpu.cfs_quota_us` over a 10 ms period) that lets it
//! run `ENGINE_BENCH_SLICE` of a CPU (default 0.2). With 1 to 4 shards, callers co-located
//! with their sessions (`Engine::spawn_near`), 100 agents and 512 GETs in flight, the slices
//! add up to at most 0.8 of a CPU and the responder has the rest of the machine, so each shard
//! runs as on a small core of its own and the GET/s it adds is what one more core would add.
//! Shard 0 is the bench's own thread (the engine's first shard is the arbiter it starts on),
//! so the bench's bookkeeping runs inside its slice too.
//!
//! Needs the right to make cgroups (root here); without it the run stops with the reason.
//! "Rest of the machine" is the machine's busy time beyond this process and the responder:
//! softirq time not charged to a process (the loopback delivery), the hypervisor's steal,
//! and other processes.

use std::path::PathBuf;
use std::time::Duration;

use snmpact::Engine;

use super::{Agents, Bench, Load, Row, SOME, WIDE, thousands};

/// The CFS period of each shard's cgroup: short, so a throttled thread waits at most a few ms.
const PERIOD_US: u64 = 10_000;
/// The CPU slice per shard when `ENGINE_BENCH_SLICE` is not set.
const DEFAULT_SLICE: f64 = 0.2;
/// The shard counts measured.
const SHARDS: [usize; 4] = [1, 2, 3, 4];
/// The labels of the rows (the bench's rows carry `&'static str`).
const LABELS: [&str; 4] = [
    "engine shards=1, co-located",
    "engine shards=2, co-located",
    "engine shards=3, co-located",
    "engine shards=4, co-located",
];
/// Where the cgroup v1 `cpu` controller is mounted.
const CPU_ROOT: &str = "/sys/fs/cgroup/cpu";

/// The cgroup of shard `k` of this process.
fn group(k: usize) -> PathBuf {
    PathBuf::from(CPU_ROOT).join(format!("snmpact-bench-{}-{k}", std::process::id()))
}

/// This thread's id, from `/proc/thread-self` (a link to `PID/task/TID`).
fn tid() -> Result<String, String> {
    let link = std::fs::read_link("/proc/thread-self").map_err(|e| format!("thread id: {e}"))?;
    link.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| "thread id: no name".to_owned())
}

/// Puts the calling thread in shard `k`'s cgroup, limited to `slice` of a CPU.
fn cap_this_thread(k: usize, slice: f64) -> Result<(), String> {
    let dir = group(k);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // 0 < slice <= 1
    let quota = ((slice * PERIOD_US as f64) as u64).max(1_000);
    let write = |file: &str, value: String| {
        std::fs::write(dir.join(file), value).map_err(|e| format!("{file}: {e}"))
    };
    write("cpu.cfs_period_us", PERIOD_US.to_string())?;
    write("cpu.cfs_quota_us", quota.to_string())?;
    write("tasks", tid()?)
}

/// Moves the calling thread back to the root cgroup.
fn uncap_this_thread() -> Result<(), String> {
    std::fs::write(PathBuf::from(CPU_ROOT).join("tasks"), tid()?).map_err(|e| e.to_string())
}

/// Runs `f` on the thread of each of the engine's shards and waits for every result.
async fn on_each_shard<F>(engine: &Engine, f: F) -> Result<(), String>
where
    F: Fn(usize) -> Result<(), String> + Clone + Send + 'static,
{
    let mut waits = Vec::new();
    for k in 0..engine.shards() {
        let arbiter = engine
            .shard_arbiter(k)
            .ok_or_else(|| format!("no shard {k}"))?;
        let (tx, rx) = tokio::sync::oneshot::channel();
        let f = f.clone();
        arbiter.spawn(async move {
            let _ = tx.send(f(k));
        });
        waits.push(rx);
    }
    for w in waits {
        w.await.map_err(|_| "a shard did not answer".to_owned())??;
    }
    Ok(())
}

/// The CPU slice of each shard: `ENGINE_BENCH_SLICE` or the default.
fn slice() -> f64 {
    std::env::var("ENGINE_BENCH_SLICE")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| *s > 0.0 && *s <= 1.0)
        .unwrap_or(DEFAULT_SLICE)
}

/// Every row of the scaling run, and the report.
pub(super) async fn rows(agents: &Agents, window: Duration) -> Result<String, String> {
    let slice = slice();
    let load = Load::Closed {
        agents: SOME,
        inflight: WIDE,
    };
    let mut rows: Vec<(usize, Row)> = Vec::new();
    for (shards, label) in SHARDS.into_iter().zip(LABELS) {
        let (bench, _) = Bench::open(agents, shards, label).await?;
        let capped = on_each_shard(&bench.engine, move |k| cap_this_thread(k, slice)).await;
        let row = match capped {
            Ok(()) => Ok(bench.row(agents, load, window, true).await),
            Err(e) => Err(format!(
                "cannot give each shard its own CPU slice ({e}); this needs the cgroup v1 cpu \
                 controller at {CPU_ROOT} and the right to write to it"
            )),
        };
        let _ = on_each_shard(&bench.engine, |_| uncap_this_thread()).await;
        bench.engine.shutdown().await;
        for k in 0..shards {
            let _ = std::fs::remove_dir(group(k));
        }
        let row = row?;
        eprintln!(
            "  shards={shards}: {} req/s, {:.2} us/req, responder {:.0}%",
            thousands(row.rate),
            row.cpu_us,
            row.responder_pct
        );
        rows.push((shards, row));
        actix_rt::time::sleep(super::SETTLE).await;
    }
    Ok(report(&rows, slice, window))
}

fn report(rows: &[(usize, Row)], slice: f64, window: Duration) -> String {
    use std::fmt::Write as _;
    let mut o = String::new();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let _ = writeln!(
        o,
        "\nEngine scaling: {SOME} agents, {WIDE} GETs in flight, callers co-located, each \
         shard's thread limited to {slice} of a CPU (cgroup cpu quota); window {:.1} s per \
         row; load average at the end {}\n",
        window.as_secs_f64(),
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    let _ = writeln!(
        o,
        "| shards | CPU slices | req/s | req/s ÷ 1 shard's | req/s per slice | CPU µs/req | p99 | \
         responder CPU | rest of the machine |"
    );
    let _ = writeln!(o, "|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
    let base = rows.first().map_or(1.0, |(_, r)| r.rate.max(1.0));
    for (shards, r) in rows {
        #[allow(clippy::cast_precision_loss)] // a handful of shards
        let slices = *shards as f64 * slice;
        let _ = writeln!(
            o,
            "| {shards} | {slices:.2} | {} | {:.2}x | {} | {:.2} | {} | {:.0} % | {:.0} % |",
            thousands(r.rate),
            r.rate / base,
            thousands(r.rate / slices),
            r.cpu_us,
            super::us(r.p99),
            r.responder_pct,
            r.others_pct
        );
    }
    o
}
