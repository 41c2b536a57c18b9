//! The fuzz targets' corpora replayed on stable through the targets' own checks
//! (`tests/fuzz/checks/*.rs`, the very code `cargo fuzz` runs): the committed seeds
//! (`tests/fuzz/seeds/*/`), every `tests/data/*.bin` (captured packets and `regress-*.bin`
//! crash inputs kept after a fix), and, when present locally, the git-ignored
//! `tests/fuzz/corpus/*/` and `tests/fuzz/artifacts/*/` a fuzzing run left behind. Each input
//! goes through both targets (their properties hold for any bytes). A failure names the file.

use std::path::{Path, PathBuf};

#[path = "../fuzz/checks/message.rs"]
mod message;
#[path = "../fuzz/checks/v3.rs"]
mod v3;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every file under `dir` (one level of subdirectories), sorted; none when it does not exist.
fn inputs(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(inputs(&p));
        } else if p.is_file() {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// Runs both targets' checks on `path`, naming it when one panics.
fn replay(path: &Path) {
    let data = std::fs::read(path).unwrap();
    for (target, check) in [
        ("message", message::check as fn(&[u8])),
        ("v3", v3::check as fn(&[u8])),
    ] {
        let r = std::panic::catch_unwind(|| check(&data));
        assert!(
            r.is_ok(),
            "fuzz target {target} fails on {} ({} bytes)",
            path.display(),
            data.len()
        );
    }
}

#[test]
fn seeds_captures_and_regressions_pass_the_fuzz_checks() {
    let data: Vec<PathBuf> = inputs(&root().join("tests/data"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "bin"))
        .collect();
    let seeds = inputs(&root().join("tests/fuzz/seeds"));
    // The committed inputs are there: 14 captures and 36 SNMPv3 datagrams at least.
    assert!(data.len() >= 14, "{} files in tests/data", data.len());
    assert!(seeds.len() >= 36, "{} seeds", seeds.len());
    for p in data.iter().chain(&seeds) {
        replay(p);
    }
}

#[test]
fn a_local_corpus_and_crash_artifacts_replay_too() {
    // Git-ignored: only present after a `cargo fuzz run` on this machine (see
    // tests/fuzz/README.md). Nothing to replay is a pass.
    for sub in ["corpus", "artifacts"] {
        for p in inputs(&root().join("tests/fuzz").join(sub)) {
            replay(&p);
        }
    }
}
