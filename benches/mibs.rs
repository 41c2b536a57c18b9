//! MIB benchmark (issue 17): the time and memory to load MIB modules, beside net-snmp's
//! `snmptranslate` loading the same files in the same run, and the cost of names in the output
//! path (1,000,000 varbinds printed with names and decoded indexes vs `-On`).
//!
//! `cargo bench --bench mibs` (release build). Figures and method: `BENCHMARKS.md`, "MIBs".
//!
//! Cases:
//! - `search path`: every module in `tests/data/mibs/base`, `tests/data/mibs/fixture` and
//!   `/usr/share/snmp/mibs` (`-m ALL`), which is what the machine has;
//! - `500 modules`: 500 generated modules (the fixture renamed, each under its own enterprise
//!   number, ~1,900 lines each) in a scratch directory, plus the base modules;
//! - formatting: 1,000,000 varbinds over the fixture's scalars and table columns, written with
//!   [`snmpact::format::write_varbind_in`] with names (`MODULE::name` + decoded index, enum
//!   labels and hints) and with `-On` (numbers, the same values still printed by the MIB).
//!
//! Memory is the process's peak RSS growth (`getrusage` maxrss) across the load: the tree and
//! what the parser left behind.

// A benchmark's setup unwraps: a failed setup is a failed run.
#![allow(clippy::unwrap_used)]

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use snmpact::format::{OidStyle, TextOptions, write_varbind_in};
use snmpact::mib::cache::load_cached;
use snmpact::mib::load::{Modules, load};
use snmpact::mib::{CacheDir, LoadSpec, MibTree};
use snmpact::oid::Oid;
use snmpact::pdu::{Value, VarBind};

/// Varbinds formatted per style.
const VARBINDS: usize = 1_000_000;
/// Generated modules for the 500-module case.
const MODULES: usize = 500;
/// Runs of each load case (the best is reported, then the median).
const LOAD_RUNS: usize = 5;

fn peak_rss_kib() -> i64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: RUSAGE_SELF with a valid pointer.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &raw mut ru) };
    ru.ru_maxrss
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/mibs")
}

/// Times `load(spec)` `LOAD_RUNS` times: (best, median) in ms, and the node count.
fn time_load(spec: &LoadSpec) -> (f64, f64, usize, usize) {
    let mut times = Vec::new();
    let mut nodes = 0;
    let mut problems = 0;
    for _ in 0..LOAD_RUNS {
        let t = Instant::now();
        let loaded = load(spec);
        times.push(t.elapsed().as_secs_f64() * 1e3);
        nodes = loaded.tree.nodes().len();
        problems = loaded.problems.len();
        black_box(loaded);
    }
    times.sort_by(f64::total_cmp);
    (times[0], times[times.len() / 2], nodes, problems)
}

/// Times `snmptranslate -M DIRS -m ALL -On .1.3` (process start-up included), best of runs.
fn time_snmptranslate(dirs: &str) -> Option<f64> {
    let mut best = f64::MAX;
    for _ in 0..LOAD_RUNS {
        let t = Instant::now();
        let out = Command::new("snmptranslate")
            .args(["-M", dirs, "-m", "ALL", "-On", ".1.3"])
            .env(
                "SNMP_PERSISTENT_DIR",
                std::env::temp_dir().join("snmpact-bench-mibs"),
            )
            .output()
            .ok()?;
        if !out.status.success() {
            return None;
        }
        best = best.min(t.elapsed().as_secs_f64() * 1e3);
    }
    Some(best)
}

/// Writes `MODULES` renamed copies of the fixture into a scratch directory.
fn generate(dir: &Path) {
    let text = std::fs::read_to_string(root().join("fixture/SNMPACT-TEST-MIB.txt")).unwrap();
    std::fs::create_dir_all(dir).unwrap();
    for i in 0..MODULES {
        let t = text
            .replace("SNMPACT-TEST-MIB", &format!("GEN{i}-MIB"))
            .replace("enterprises 99999", &format!("enterprises {}", 100_000 + i))
            .replace("snmpactTestMib", &format!("gen{i}Mib"))
            .replace("fix", &format!("g{i}x"))
            .replace("Fix", &format!("G{i}x"));
        std::fs::write(dir.join(format!("GEN{i}-MIB.txt")), t).unwrap();
    }
}

fn varbinds() -> Vec<VarBind<'static>> {
    let data = std::fs::read_to_string(root().join("fixture/snmpact-test.snmprec")).unwrap();
    let mut base = Vec::new();
    for line in data.lines() {
        let mut f = line.splitn(3, '|');
        let (Some(oid), Some(tag), Some(v)) = (f.next(), f.next(), f.next()) else {
            continue;
        };
        let oid: Oid = oid.parse().unwrap();
        let value = match tag {
            "2" => Value::Integer(v.parse().unwrap()),
            "4" => Value::OctetString(v.as_bytes().to_vec().into()),
            "4x" => Value::OctetString(
                (0..v.len() / 2)
                    .map(|i| u8::from_str_radix(&v[i * 2..i * 2 + 2], 16).unwrap())
                    .collect::<Vec<u8>>()
                    .into(),
            ),
            "6" => Value::ObjectId(v.parse().unwrap()),
            "65" => Value::Counter32(v.parse().unwrap()),
            "66" => Value::Gauge32(v.parse().unwrap()),
            "67" => Value::TimeTicks(v.parse().unwrap()),
            "70" => Value::Counter64(v.parse().unwrap()),
            _ => continue,
        };
        base.push(VarBind::new(oid, value));
    }
    (0..VARBINDS)
        .map(|i| base[i % base.len()].clone())
        .collect()
}

/// Formats every varbind into one reused buffer; returns seconds and the bytes written.
fn time_format(tree: &MibTree, vbs: &[VarBind<'_>], opts: &TextOptions) -> (f64, usize) {
    let mut best = f64::MAX;
    let mut bytes = 0;
    for _ in 0..3 {
        let mut out = String::with_capacity(256);
        let mut total = 0;
        let t = Instant::now();
        for vb in vbs {
            out.clear();
            write_varbind_in(&mut out, tree, vb, opts);
            total += out.len();
            black_box(&out);
        }
        best = best.min(t.elapsed().as_secs_f64());
        bytes = total;
    }
    (best, bytes)
}

fn main() {
    let r = root();
    let rss0 = peak_rss_kib();
    let search = LoadSpec {
        dirs: vec![
            r.join("base"),
            r.join("fixture"),
            "/usr/share/snmp/mibs".into(),
        ],
        modules: Modules::All,
        ..LoadSpec::default()
    };
    let (best, median, nodes, problems) = time_load(&search);
    let rss1 = peak_rss_kib();
    let dirs = format!(
        "{}:{}:/usr/share/snmp/mibs",
        r.join("base").display(),
        r.join("fixture").display()
    );
    println!(
        "search path (base + fixture + /usr/share/snmp/mibs, -m ALL): load best {best:.1} ms, median {median:.1} ms, {nodes} nodes, {problems} problems, peak RSS +{} KiB; snmptranslate -m ALL: {}",
        rss1 - rss0,
        time_snmptranslate(&dirs).map_or("n/a".into(), |t| format!("{t:.1} ms"))
    );

    let gen_dir = std::env::temp_dir().join(format!("snmpact-bench-mibs-{}", std::process::id()));
    generate(&gen_dir);
    let spec = LoadSpec {
        dirs: vec![r.join("base"), gen_dir.clone()],
        modules: Modules::All,
        ..LoadSpec::default()
    };
    let (best, median, nodes, problems) = time_load(&spec);
    let rss2 = peak_rss_kib();
    let dirs = format!("{}:{}", r.join("base").display(), gen_dir.display());
    println!(
        "{MODULES} generated modules (-m ALL): load best {best:.1} ms, median {median:.1} ms, {nodes} nodes, {problems} problems, peak RSS +{} KiB; snmptranslate -m ALL: {}",
        rss2 - rss1,
        time_snmptranslate(&dirs).map_or("n/a".into(), |t| format!("{t:.1} ms"))
    );
    // The same load through the compiled cache: the first run writes it, the others read it.
    let cache_dir = gen_dir.with_extension("cache");
    let cached = LoadSpec {
        cache: CacheDir::At(cache_dir.clone()),
        ..spec.clone()
    };
    let t = Instant::now();
    let cold = load_cached(&cached);
    let cold_ms = t.elapsed().as_secs_f64() * 1e3;
    let rss3 = peak_rss_kib();
    let mut times = Vec::new();
    for _ in 0..LOAD_RUNS {
        let t = Instant::now();
        let warm = load_cached(&cached);
        times.push(t.elapsed().as_secs_f64() * 1e3);
        assert_eq!(warm.tree.nodes().len(), cold.tree.nodes().len());
        black_box(warm);
    }
    times.sort_by(f64::total_cmp);
    let size = std::fs::read_dir(&cache_dir)
        .unwrap()
        .flatten()
        .map(|e| e.metadata().map_or(0, |m| m.len()))
        .sum::<u64>();
    println!(
        "{MODULES} generated modules through the cache: first (parse + write) {cold_ms:.1} ms; cached best {:.1} ms, median {:.1} ms, peak RSS +{} KiB, cache file {} KiB",
        times[0],
        times[times.len() / 2],
        peak_rss_kib() - rss3,
        size / 1024
    );
    let _ = std::fs::remove_dir_all(&cache_dir);
    let _ = std::fs::remove_dir_all(&gen_dir);

    let tree = load(&LoadSpec {
        dirs: vec![r.join("base"), r.join("fixture")],
        modules: Modules::All,
        ..LoadSpec::default()
    })
    .tree;
    let vbs = varbinds();
    let named = TextOptions::default();
    let numeric = TextOptions {
        oid_style: OidStyle::Numeric,
        ..TextOptions::default()
    };
    let (tn, bn) = time_format(&tree, &vbs, &named);
    let (to, bo) = time_format(&tree, &vbs, &numeric);
    println!(
        "format {VARBINDS} varbinds: names {:.0} ns/varbind ({bn} bytes), -On {:.0} ns/varbind ({bo} bytes), ratio {:.2}",
        tn * 1e9 / VARBINDS as f64,
        to * 1e9 / VARBINDS as f64,
        tn / to
    );
}
