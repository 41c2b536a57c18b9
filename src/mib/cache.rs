//! The compiled MIB cache: the resolved tree of one [`LoadSpec`] written to a binary file, so
//! that the next process skips parsing (`mib-rs` costs ~4 ms a module; reading the cache back
//! is a few ms for 500 modules).
//!
//! Owns [`load_cached`], the cache's file format ([`encode`], [`decode`]) and its key.
//!
//! Never trusted blindly:
//! - the key is every input: snmpact's version and executable (path, size, mtime), the format
//!   number, the search path and module
//!   list, and the path, size and modification time (ns) of every file under the search path.
//!   Any change (a file added, removed, touched or edited) misses and rebuilds;
//! - the body is checked by its SHA-256 before anything is decoded, and the decoder checks
//!   every length against what remains and every value it reads (a node's kind, a keyword);
//!   a corrupt or truncated file is an error, never a panic, and is rebuilt
//!   (`tests::any_damage_is_detected`);
//! - writes go to a temporary file renamed into place, so readers never see half a file;
//! - at most 16 files stay in the directory (the oldest are removed).
//!
//! Where: `[mibs] cache`, else `SNMPACT_MIB_CACHE` (`off`, or a directory), else
//! `$XDG_CACHE_HOME/snmpact`, else `$HOME/.cache/snmpact`.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

mod codec;

use codec::{Reader, put_bytes, put_len, put_node, put_opt, put_strs};

use super::load::{LoadProblem, LoadSpec, Loaded, Modules, load};
use super::tree::MibTree;

/// The first bytes of a cache file.
const MAGIC: &[u8; 12] = b"SNMPACT-MIBS";
/// The format number: change it with any change to [`encode`].
const FORMAT: u32 = 2;
/// Deepest directory level stamped below a search directory (symlink loops end here).
const MAX_DEPTH: usize = 16;
/// Most cache files kept in the directory (the most recently written).
const MAX_FILES: usize = 16;
/// Most bytes of a cache file read back (larger is not ours).
const MAX_FILE: u64 = 1 << 30;

/// Where the compiled cache lives.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum CacheDir {
    /// No cache: parse every time.
    #[default]
    Off,
    /// `$XDG_CACHE_HOME/snmpact`, else `$HOME/.cache/snmpact`.
    User,
    /// This directory.
    At(PathBuf),
}

impl CacheDir {
    /// From `SNMPACT_MIB_CACHE`: unset is [`CacheDir::User`]; `off` or empty is off; anything
    /// else is a directory.
    #[must_use]
    pub fn from_env() -> Self {
        match std::env::var_os("SNMPACT_MIB_CACHE") {
            None => Self::User,
            Some(v) => Self::parse(&v.to_string_lossy()),
        }
    }

    /// `off` (or empty) or a directory, as `[mibs] cache` says it.
    #[must_use]
    pub fn parse(text: &str) -> Self {
        match text {
            "" | "off" | "false" | "none" => Self::Off,
            dir => Self::At(PathBuf::from(dir)),
        }
    }

    /// The directory, if there is one.
    #[must_use]
    pub fn path(&self) -> Option<PathBuf> {
        match self {
            Self::Off => None,
            Self::At(p) => Some(p.clone()),
            Self::User => std::env::var_os("XDG_CACHE_HOME")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache")))
                .map(|d| d.join("snmpact")),
        }
    }
}

/// Why a cache file was not used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CacheError {
    /// Not a cache file of this format.
    #[error("not a snmpact MIB cache of format {FORMAT}")]
    BadMagic,
    /// The body does not match its checksum.
    #[error("checksum mismatch")]
    Checksum,
    /// Made from other files or options.
    #[error("stale: the MIB files or options changed")]
    Stale,
    /// The body ends early or holds an impossible value.
    #[error("malformed at byte {0}")]
    Malformed(usize),
}

/// [`load`], through the cache `spec.cache` names: the cached tree when every input is
/// unchanged, else a fresh load written back for next time. The cache never changes what is
/// loaded, only how fast.
#[must_use]
pub fn load_cached(spec: &LoadSpec) -> Loaded {
    let Some(dir) = spec.cache.path().filter(|_| spec.loads_files()) else {
        return load(spec);
    };
    let key = key_of(spec);
    let file = dir.join(file_name(spec));
    if let Ok(bytes) = read_bounded(&file) {
        match decode(&bytes, &key) {
            Ok(loaded) => return loaded,
            Err(e) => tracing::debug!("MIB cache {}: {e}; rebuilding", file.display()),
        }
    }
    let loaded = load(spec);
    if let Err(e) = write_atomic(&dir, &file, &encode(&loaded, &key)) {
        tracing::debug!("MIB cache {}: not written: {e}", file.display());
    }
    prune(&dir, MAX_FILES);
    loaded
}

/// Removes the oldest cache files of `dir` beyond `keep` (one file per search path and module
/// list: without this, every temporary directory ever loaded would leave one behind).
fn prune(dir: &Path, keep: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut files: Vec<(std::time::SystemTime, PathBuf)> = entries
        .flatten()
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with("mibs-") && name.ends_with(".bin")
        })
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    if files.len() <= keep {
        return;
    }
    files.sort();
    for (_, path) in &files[..files.len() - keep] {
        let _ = std::fs::remove_file(path);
    }
}

/// Reads a file of at most [`MAX_FILE`] bytes.
fn read_bounded(file: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    std::fs::File::open(file)?
        .take(MAX_FILE)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Writes `bytes` to a temporary file in `dir`, then renames it to `file`.
fn write_atomic(dir: &Path, file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        file.file_name()
            .map_or("mibs".into(), |f| f.to_string_lossy()),
        std::process::id()
    ));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, file).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// One file per search path and module list, so that two configurations do not evict each
/// other: `mibs-<16 hex digits of the SHA-256 of both>.bin`.
fn file_name(spec: &LoadSpec) -> String {
    let mut h = Sha256::new();
    h.update(spec_text(spec).as_bytes());
    let d = h.finalize();
    let mut name = String::from("mibs-");
    for b in &d[..8] {
        name.push_str(&format!("{b:02x}"));
    }
    name.push_str(".bin");
    name
}

/// The search path and module list as text.
fn spec_text(spec: &LoadSpec) -> String {
    let mut s = String::new();
    for d in spec.search_path() {
        s.push_str(&d.to_string_lossy());
        s.push('\n');
    }
    match &spec.modules {
        Modules::All => s.push_str("ALL"),
        Modules::List(l) => s.push_str(&l.join(":")),
        Modules::Default => {}
    }
    s
}

/// Every input of a load as bytes: version, format, spec, and each file's path, size and
/// modification time under the search path (sorted, so the order of `read_dir` does not matter).
#[must_use]
pub fn key_of(spec: &LoadSpec) -> Vec<u8> {
    let mut key = format!(
        "{} {FORMAT}\n{}\n",
        env!("CARGO_PKG_VERSION"),
        spec_text(spec)
    );
    // The program itself: a rebuilt snmpact may convert the same files differently.
    if let Ok(exe) = std::env::current_exe() {
        let mut own = Vec::new();
        stamp_file(&exe, &mut own);
        key.push_str(&format!("exe {}\n", own.concat()));
    }
    for dir in spec.search_path() {
        let mut stamps = Vec::new();
        stamp(&dir, 0, &mut stamps);
        stamps.sort();
        key.push_str(&format!("dir {}\n", dir.display()));
        for s in stamps {
            key.push_str(&s);
            key.push('\n');
        }
    }
    key.into_bytes()
}

/// Appends `path size mtime_ns` of every file under `dir`.
fn stamp(dir: &Path, depth: usize, out: &mut Vec<String>) {
    if depth > MAX_DEPTH {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            stamp(&path, depth + 1, out);
        } else {
            stamp_file(&path, out);
        }
    }
}

/// Appends `path size mtime_ns` of one file.
fn stamp_file(path: &Path, out: &mut Vec<String>) {
    let Ok(meta) = std::fs::metadata(path) else {
        return;
    };
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    out.push(format!("{} {} {mtime}", path.display(), meta.len()));
}

/// The cache file of `loaded` made from inputs `key`: magic, format, body length, body,
/// SHA-256 of the body. The body is the key, then the tree's nodes, modules and problems.
#[must_use]
pub fn encode(loaded: &Loaded, key: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    put_bytes(&mut body, key);
    let nodes = loaded.tree.nodes();
    put_len(&mut body, nodes.len());
    for n in nodes {
        put_node(&mut body, n);
    }
    put_strs(&mut body, loaded.tree.modules());
    put_len(&mut body, loaded.problems.len());
    for p in &loaded.problems {
        put_opt(&mut body, p.file.as_deref());
        match p.line {
            Some(l) => {
                body.push(1);
                body.extend_from_slice(&l.to_le_bytes());
            }
            None => body.push(0),
        }
        put_opt(&mut body, p.module.as_deref());
        put_bytes(&mut body, p.message.as_bytes());
    }
    let mut out = Vec::with_capacity(body.len() + 64);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT.to_le_bytes());
    out.extend_from_slice(&(body.len() as u64).to_le_bytes());
    out.extend_from_slice(&body);
    out.extend_from_slice(&Sha256::digest(&body));
    out
}

/// The tree in a cache file, if the file is whole and was made from inputs `key`.
///
/// # Errors
/// [`CacheError::BadMagic`], [`CacheError::Checksum`], [`CacheError::Stale`] or
/// [`CacheError::Malformed`]; never a panic, whatever the bytes.
pub fn decode(bytes: &[u8], key: &[u8]) -> Result<Loaded, CacheError> {
    let header = MAGIC.len() + 4 + 8;
    if bytes.len() < header + 32 || &bytes[..MAGIC.len()] != MAGIC {
        return Err(CacheError::BadMagic);
    }
    let mut r = Reader {
        bytes,
        at: MAGIC.len(),
    };
    if r.u32()? != FORMAT {
        return Err(CacheError::BadMagic);
    }
    let len = usize::try_from(r.u64()?).map_err(|_| CacheError::Malformed(r.at))?;
    if bytes.len() - header < 32 || len != bytes.len() - header - 32 {
        return Err(CacheError::Malformed(r.at));
    }
    let (body, sum) = bytes[header..].split_at(len);
    if Sha256::digest(body).as_slice() != sum {
        return Err(CacheError::Checksum);
    }
    if r.bytes()? != key {
        return Err(CacheError::Stale);
    }
    let count = r.len(8)?;
    let mut nodes = Vec::with_capacity(count);
    for _ in 0..count {
        nodes.push(r.node()?);
    }
    // Strictly ascending arcs and in-range index positions, as the tree builds them.
    if nodes.windows(2).any(|w| w[0].arcs >= w[1].arcs)
        || nodes
            .iter()
            .any(|n| n.index.iter().any(|p| p.node >= nodes.len()))
    {
        return Err(CacheError::Malformed(r.at));
    }
    let modules = r.strs()?;
    let count = r.len(4)?;
    let mut problems = Vec::with_capacity(count);
    for _ in 0..count {
        let file = r.opt_str()?;
        let line = match r.u8()? {
            0 => None,
            1 => Some(r.u64()?),
            _ => return Err(CacheError::Malformed(r.at)),
        };
        problems.push(LoadProblem {
            file,
            line,
            module: r.opt_str()?,
            message: r.str()?.into(),
        });
    }
    if r.at != header + len {
        return Err(CacheError::Malformed(r.at));
    }
    Ok(Loaded {
        tree: MibTree::from_sorted(nodes, modules),
        problems,
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn fixture_spec(cache: CacheDir) -> LoadSpec {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/mibs");
        LoadSpec {
            dirs: vec![root.join("base"), root.join("fixture")],
            modules: Modules::All,
            cache,
        }
    }

    /// The fixture's load and its cache file.
    fn fixture() -> &'static (Loaded, Vec<u8>, Vec<u8>) {
        static F: std::sync::OnceLock<(Loaded, Vec<u8>, Vec<u8>)> = std::sync::OnceLock::new();
        F.get_or_init(|| {
            let spec = fixture_spec(CacheDir::Off);
            let loaded = load(&spec);
            let key = key_of(&spec);
            let bytes = encode(&loaded, &key);
            (loaded, key, bytes)
        })
    }

    #[test]
    fn a_cache_file_gives_back_the_same_tree() {
        let (loaded, key, bytes) = fixture();
        let back = decode(bytes, key).unwrap();
        assert_eq!(back.tree.nodes(), loaded.tree.nodes());
        assert_eq!(back.tree.modules(), loaded.tree.modules());
        assert_eq!(back.problems, loaded.problems);
        assert!(loaded.tree.nodes().iter().any(|n| !n.index.is_empty()));
        assert!(
            loaded
                .tree
                .nodes()
                .iter()
                .any(|n| n.syntax.as_ref().is_some_and(|s| !s.enums.is_empty()))
        );
    }

    #[test]
    fn another_key_is_stale() {
        let (_, key, bytes) = fixture();
        let mut other = key.clone();
        other.push(b'x');
        assert_eq!(decode(bytes, &other).err(), Some(CacheError::Stale));
    }

    #[test]
    fn load_cached_writes_then_reads_and_rebuilds_on_change() {
        let tmp = std::env::temp_dir().join(format!("snmpact-mibcache-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        let mibs = tmp.join("mibs");
        std::fs::create_dir_all(&mibs).unwrap();
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/mibs");
        let text = std::fs::read_to_string(root.join("fixture/SNMPACT-TEST-MIB.txt")).unwrap();
        std::fs::write(mibs.join("SNMPACT-TEST-MIB.txt"), &text).unwrap();
        let spec = LoadSpec {
            dirs: vec![root.join("base"), mibs.clone()],
            modules: Modules::All,
            cache: CacheDir::At(tmp.join("cache")),
        };
        let first = load_cached(&spec);
        let file = tmp.join("cache").join(file_name(&spec));
        let written = std::fs::read(&file).unwrap();
        assert!(decode(&written, &key_of(&spec)).is_ok());
        // Read back: the same tree.
        let second = load_cached(&spec);
        assert_eq!(first.tree.nodes(), second.tree.nodes());
        // A corrupt file is rebuilt, not trusted.
        let mut bad = written.clone();
        let mid = bad.len() / 2;
        bad[mid] ^= 0xff;
        std::fs::write(&file, &bad).unwrap();
        let third = load_cached(&spec);
        assert_eq!(first.tree.nodes(), third.tree.nodes());
        assert_eq!(std::fs::read(&file).unwrap(), written);
        // An edited MIB file changes the key: the new object is there.
        let edited = text.replace("fixStatus", "fixStatuz");
        std::fs::write(mibs.join("SNMPACT-TEST-MIB.txt"), edited).unwrap();
        let fourth = load_cached(&spec);
        assert!(!fourth.tree.named("fixStatuz").is_empty());
        assert!(fourth.tree.named("fixStatus").is_empty());
        let _ = std::fs::remove_dir_all(&tmp);
    }

    #[test]
    fn prune_keeps_the_newest_files() {
        let tmp = std::env::temp_dir().join(format!("snmpact-mibprune-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir_all(&tmp).unwrap();
        let t0 = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
        for i in 0..5u64 {
            let f = tmp.join(format!("mibs-{i}.bin"));
            std::fs::write(&f, b"x").unwrap();
            let file = std::fs::File::options().write(true).open(&f).unwrap();
            file.set_modified(t0 + std::time::Duration::from_secs(i))
                .unwrap();
        }
        std::fs::write(tmp.join("other.txt"), b"x").unwrap();
        prune(&tmp, 2);
        let mut left: Vec<String> = std::fs::read_dir(&tmp)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["mibs-3.bin", "mibs-4.bin", "other.txt"]);
        let _ = std::fs::remove_dir_all(&tmp);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn any_damage_is_detected(at in any::<prop::sample::Index>(), flip in 1u8..=255, cut in any::<bool>()) {
            let (_, key, bytes) = fixture();
            let mut bad = bytes.clone();
            let i = at.index(bad.len());
            if cut {
                bad.truncate(i);
            } else {
                bad[i] ^= flip;
            }
            prop_assert!(decode(&bad, key).is_err());
        }

        #[test]
        fn any_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let mut file = MAGIC.to_vec();
            file.extend_from_slice(&FORMAT.to_le_bytes());
            file.extend_from_slice(&bytes);
            let _ = decode(&file, b"");
            let _ = decode(&bytes, b"");
        }

        #[test]
        fn a_valid_checksum_over_any_body_never_panics(body in proptest::collection::vec(any::<u8>(), 0..512)) {
            // Past the checksum, the decoder still checks every length and value.
            let mut file = MAGIC.to_vec();
            file.extend_from_slice(&FORMAT.to_le_bytes());
            file.extend_from_slice(&(body.len() as u64).to_le_bytes());
            file.extend_from_slice(&body);
            file.extend_from_slice(&Sha256::digest(&body));
            let _ = decode(&file, b"");
            let key: &[u8] = body.get(4..4 + usize::from(body.first().copied().unwrap_or(0) % 8)).unwrap_or(b"");
            let _ = decode(&file, key);
        }
    }
}
