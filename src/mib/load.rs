//! Loading MIB files: where to look (net-snmp's `-M`, `-m`, `MIBDIRS`, `MIBS`, the
//! configuration's `[mibs]`), parsing and resolving with the `mib-rs` crate (SMIv1 and SMIv2,
//! imports, type chains, display hints, indexes), and turning the result into the owned
//! [`MibTree`] the rest of snmpact prints with.
//!
//! Owns [`LoadSpec`], [`load`] and [`LoadProblem`]. A module that does not parse or import is
//! reported once, with its file and line, and the others still load; loading never panics on
//! malformed input (`tests::any_bytes_never_panic`). The compiled-in table stays under the
//! loaded nodes as the fallback.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use mib_rs::{BaseType, DiagnosticConfig, Kind, Loader, ReportingLevel, Severity};

use super::NodeKind;
use super::cache::CacheDir;
use super::tree::{IndexPart, MacroKind, MibTree, Notes, Syntax, SyntaxKind, TreeNode};

/// net-snmp's default MIB directories (`net-snmp-config --default-mibdirs`), `~/.snmp/mibs`
/// first; then snmpact's own `etc/mibs`.
pub const DEFAULT_DIRS: &[&str] = &[
    "/usr/share/snmp/mibs",
    "/usr/share/snmp/mibs/iana",
    "/usr/share/snmp/mibs/ietf",
    "etc/mibs",
];

/// Which modules to load.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Modules {
    /// `-m ALL`: every module found in the directories.
    All,
    /// These modules (and what they import). Empty: the compiled-in table alone, which is what
    /// Debian's net-snmp does by default (`mibs :` in `/etc/snmp/snmp.conf`).
    List(Vec<String>),
    /// Nothing said: the compiled-in table alone.
    #[default]
    Default,
}

/// Where to look and what to load, as net-snmp's options say it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LoadSpec {
    /// `-M` / `MIBDIRS` / `[mibs] dirs`; empty: [`DEFAULT_DIRS`].
    pub dirs: Vec<PathBuf>,
    /// `-m` / `MIBS` / `[mibs] modules`.
    pub modules: Modules,
    /// Where the compiled cache is (`[mibs] cache`, `SNMPACT_MIB_CACHE`); off by default,
    /// [`CacheDir::User`] from [`LoadSpec::from_env`].
    pub cache: CacheDir,
}

impl LoadSpec {
    /// The spec from the `MIBDIRS` and `MIBS` environment variables (net-snmp's syntax).
    #[must_use]
    pub fn from_env() -> Self {
        let mut spec = Self {
            cache: CacheDir::from_env(),
            ..Self::default()
        };
        if let Ok(dirs) = std::env::var("MIBDIRS") {
            spec.set_dirs(&dirs);
        }
        if let Ok(mods) = std::env::var("MIBS") {
            spec.set_modules(&mods);
        }
        spec
    }

    /// Applies `-M DIRS`: directories separated by `:`; a leading `+` adds them before the
    /// current ones instead of replacing them.
    pub fn set_dirs(&mut self, text: &str) {
        let (add, text) = match text.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let new: Vec<PathBuf> = text
            .split(':')
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
            .collect();
        if add {
            let old = std::mem::take(&mut self.dirs);
            let old = if old.is_empty() { default_dirs() } else { old };
            self.dirs = new.into_iter().chain(old).collect();
        } else {
            self.dirs = new;
        }
    }

    /// Applies `-m MODULES`: `ALL`, or modules separated by `:` (or `,`); a leading `+` adds
    /// them to the current list.
    pub fn set_modules(&mut self, text: &str) {
        let (add, text) = match text.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let names: Vec<String> = text
            .split([':', ','])
            .filter(|m| !m.is_empty())
            .map(str::to_owned)
            .collect();
        if names.iter().any(|m| m == "ALL") {
            self.modules = Modules::All;
            return;
        }
        self.modules = match (add, std::mem::take(&mut self.modules)) {
            (true, Modules::All) => Modules::All,
            (true, Modules::List(mut old)) => {
                old.extend(names);
                Modules::List(old)
            }
            _ => Modules::List(names),
        };
    }

    /// The directories to search: the given ones, or the defaults.
    #[must_use]
    pub fn search_path(&self) -> Vec<PathBuf> {
        if self.dirs.is_empty() {
            default_dirs()
        } else {
            self.dirs.clone()
        }
    }

    /// Whether anything is to be read from disk.
    #[must_use]
    pub fn loads_files(&self) -> bool {
        match &self.modules {
            Modules::All => true,
            Modules::List(l) => !l.is_empty(),
            Modules::Default => false,
        }
    }
}

/// The default search path, with `~/.snmp/mibs` first when `HOME` is set.
fn default_dirs() -> Vec<PathBuf> {
    let mut v = Vec::new();
    if let Some(home) = std::env::var_os("HOME") {
        v.push(Path::new(&home).join(".snmp/mibs"));
    }
    v.extend(DEFAULT_DIRS.iter().map(PathBuf::from));
    v
}

/// Something wrong with one MIB file or module, reported once; the others still load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadProblem {
    /// The file (or source label), when known.
    pub file: Option<String>,
    /// The 1-based line, when known.
    pub line: Option<u64>,
    /// The module, when known.
    pub module: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for LoadProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, self.line) {
            (Some(file), Some(line)) => write!(f, "{file}:{line}: ")?,
            (Some(file), None) => write!(f, "{file}: ")?,
            _ => {}
        }
        if let Some(m) = &self.module {
            write!(f, "{m}: ")?;
        }
        f.write_str(&self.message)
    }
}

/// What [`load`] gives: the tree and what went wrong on the way.
#[derive(Debug)]
pub struct Loaded {
    /// The tree: loaded nodes over the compiled-in table.
    pub tree: MibTree,
    /// Problems, one per line, errors only.
    pub problems: Vec<LoadProblem>,
}

/// Loads the modules `spec` names from its directories. Never fails as a whole: what cannot be
/// read is in [`Loaded::problems`] and the tree holds the rest (at least the compiled-in table).
#[must_use]
pub fn load(spec: &LoadSpec) -> Loaded {
    if !spec.loads_files() {
        return Loaded {
            tree: MibTree::builtin(),
            problems: Vec::new(),
        };
    }
    let mut problems = Vec::new();
    let mut sources = Vec::new();
    for dir in spec.search_path() {
        if dir.is_dir() {
            match mib_rs::source::dir(&dir) {
                Ok(s) => sources.push(s),
                Err(e) => problems.push(LoadProblem {
                    file: Some(dir.display().to_string()),
                    line: None,
                    module: None,
                    message: e.to_string(),
                }),
            }
        }
    }
    let mut inner = load_sources(sources, spec);
    problems.append(&mut inner.problems);
    Loaded {
        tree: inner.tree,
        problems,
    }
}

/// [`load`] from given sources (directories, or text in memory for tests and fuzzing).
#[must_use]
pub fn load_sources(sources: Vec<Box<dyn mib_rs::Source>>, spec: &LoadSpec) -> Loaded {
    let mut problems = Vec::new();
    let mut loader = Loader::new()
        .sources(sources)
        .diagnostic_config(DiagnosticConfig {
            fail_at: Severity::Fatal,
            ..DiagnosticConfig::for_reporting(ReportingLevel::Quiet)
        });
    if let Modules::List(list) = &spec.modules {
        loader = loader.modules(list.iter().cloned());
    }
    let mib = match loader.load() {
        Ok(mib) => mib,
        Err(mib_rs::LoadError::MissingModules(missing)) => {
            for m in &missing {
                problems.push(LoadProblem {
                    file: None,
                    line: None,
                    module: Some(m.clone()),
                    message: "Cannot find module".into(),
                });
            }
            // Load the others.
            let Modules::List(list) = &spec.modules else {
                return Loaded {
                    tree: MibTree::builtin(),
                    problems,
                };
            };
            let rest: Vec<String> = list
                .iter()
                .filter(|m| !missing.contains(m))
                .cloned()
                .collect();
            if rest.is_empty() {
                return Loaded {
                    tree: MibTree::builtin(),
                    problems,
                };
            }
            let again = LoadSpec {
                modules: Modules::List(rest),
                ..spec.clone()
            };
            let mut inner = load(&again);
            problems.append(&mut inner.problems);
            return Loaded {
                tree: inner.tree,
                problems,
            };
        }
        Err(e) => {
            problems.push(LoadProblem {
                file: None,
                line: None,
                module: None,
                message: e.to_string(),
            });
            return Loaded {
                tree: MibTree::builtin(),
                problems,
            };
        }
    };
    let report = mib.diagnostic_report();
    for entry in report.iter() {
        let d = entry.diagnostic();
        if d.severity > Severity::Error {
            continue;
        }
        let (file, line) = match (entry.range(), entry.byte_positions()) {
            (Ok(Some((source, _))), Ok(Some((start, _)))) => (
                Some(source.label().to_string()),
                Some(u64::from(start.line()) + 1),
            ),
            _ => (None, None),
        };
        problems.push(LoadProblem {
            file,
            line,
            module: d.module.clone(),
            message: d.message.clone(),
        });
    }
    let dirs = spec.search_path();
    Loaded {
        tree: convert(&mib, &|name| base_file_exists(&dirs, name)),
        problems,
    }
}

/// Whether a file for the SMI base module `name` is in `dirs`: `mib-rs` always has its own
/// copies of those modules, net-snmp only the ones it finds (they count in `-Td`'s `FROM`).
fn base_file_exists(dirs: &[PathBuf], name: &str) -> bool {
    dirs.iter().any(|d| {
        ["", ".txt", ".my", ".mib"]
            .iter()
            .any(|ext| d.join(format!("{name}{ext}")).is_file())
    })
}

/// The owned tree of a resolved `mib_rs::Mib`; `has_file` says which SMI base modules net-snmp
/// would have loaded too.
fn convert(mib: &mib_rs::Mib, has_file: &dyn Fn(&str) -> bool) -> MibTree {
    let mut nodes: Vec<TreeNode> = Vec::new();
    let mut position: HashMap<Vec<u32>, usize> = HashMap::new();
    let mut rows: Vec<(usize, mib_rs::Object<'_>)> = Vec::new();
    // Every module that defines each OID, in load order (a node keeps one of them).
    let mut definers: HashMap<Vec<u32>, Vec<&str>> = HashMap::new();
    for m in mib.modules().filter(|m| !m.is_base() || has_file(m.name())) {
        for n in m.nodes() {
            let v = definers
                .entry(n.oid().iter().copied().collect())
                .or_default();
            if !v.contains(&m.name()) {
                v.push(m.name());
            }
        }
    }
    for node in mib.nodes() {
        let name = node.name();
        let arcs: Vec<u32> = node.oid().iter().copied().collect();
        if name.is_empty() || arcs.is_empty() {
            continue;
        }
        let module = if arcs.len() == 1 {
            String::new()
        } else {
            node.module()
                .map(|m| m.name().to_owned())
                .unwrap_or_default()
        };
        let macro_kind = match node.kind() {
            Kind::Scalar | Kind::Table | Kind::Row | Kind::Column => MacroKind::ObjectType,
            Kind::Notification => MacroKind::Notification,
            Kind::Group => MacroKind::Group,
            Kind::Compliance => MacroKind::Compliance,
            Kind::Capability => MacroKind::Capability,
            Kind::ModuleIdentity => MacroKind::ModuleIdentity,
            Kind::ObjectIdentity => MacroKind::ObjectIdentity,
            _ => MacroKind::Plain,
        };
        let kind = match node.kind() {
            Kind::Scalar => NodeKind::Scalar,
            Kind::Table => NodeKind::Table,
            Kind::Row => NodeKind::Entry,
            Kind::Column => NodeKind::Column,
            Kind::Notification => NodeKind::Notification,
            _ => NodeKind::Node,
        };
        let object = node.object();
        let syntax = object.map(|o| Box::new(syntax_of(o)));
        let i = nodes.len();
        if let Some(o) = object
            && kind == NodeKind::Entry
        {
            rows.push((i, o));
        }
        let mut notes = notes_of(node, object);
        if let (Some(notes), Some(all)) = (notes.as_mut(), definers.get(&arcs)) {
            notes.also_from = all
                .iter()
                .filter(|m| **m != &*module)
                .map(|m| (*m).into())
                .collect();
        }
        position.insert(arcs.clone(), i);
        nodes.push(TreeNode {
            arcs: arcs.into(),
            module: module.into(),
            name: name.into(),
            kind,
            syntax,
            index: Vec::new(),
            macro_kind,
            notes,
        });
    }
    for (i, row) in rows {
        let parts: Vec<IndexPart> = row
            .effective_indexes()
            .map_while(|ix| {
                let obj = ix.object()?;
                let arcs: Vec<u32> = obj.node()?.oid().iter().copied().collect();
                position.get(&arcs).map(|&node| IndexPart {
                    node,
                    implied: ix.implied(),
                })
            })
            .collect();
        nodes[i].index = parts;
    }
    let modules = mib
        .modules()
        .filter(|m| !m.is_base())
        .map(|m| m.name().into())
        .collect();
    MibTree::from_parts(nodes, modules)
}

/// The STATUS keyword.
fn status_word(s: mib_rs::Status) -> &'static str {
    match s {
        mib_rs::Status::Current => "current",
        mib_rs::Status::Deprecated => "deprecated",
        mib_rs::Status::Obsolete => "obsolete",
        mib_rs::Status::Mandatory => "mandatory",
        _ => "optional",
    }
}

/// Description, status and clauses of a node.
fn notes_of(node: mib_rs::Node<'_>, object: Option<mib_rs::Object<'_>>) -> Option<Box<Notes>> {
    let description = match (object, node.notification()) {
        (Some(o), _) => o.description(),
        (None, Some(n)) => n.description(),
        _ if node.kind() == Kind::ModuleIdentity => node.module().map_or("", |m| m.description()),
        _ => node.description(),
    };
    let mut notes = Notes {
        description: (!description.is_empty()).then(|| description.into()),
        status: node.status().map(status_word),
        ..Notes::default()
    };
    if let Some(o) = object {
        notes.status = Some(status_word(o.status()));
        notes.augments = o.augments().map(|a| a.name().into());
        notes.index = o
            .index()
            .map(|ix| {
                if ix.implied() {
                    format!("IMPLIED {}", ix.name()).into()
                } else {
                    ix.name().into()
                }
            })
            .collect();
    }
    if let Some(n) = node.notification() {
        notes.objects = n.objects().map(|o| o.name().into()).collect();
    }
    Some(Box::new(notes))
}

/// What printing needs from an object's type.
fn syntax_of(o: mib_rs::Object<'_>) -> Syntax {
    let ty = o.ty();
    let base = ty.map_or(BaseType::Unknown, |t| t.effective_base());
    let kind = match base {
        BaseType::Integer32 => SyntaxKind::Integer,
        BaseType::Unsigned32 => SyntaxKind::Unsigned32,
        BaseType::Counter32 => SyntaxKind::Counter32,
        BaseType::Counter64 => SyntaxKind::Counter64,
        BaseType::Gauge32 => SyntaxKind::Gauge32,
        BaseType::TimeTicks => SyntaxKind::TimeTicks,
        BaseType::IpAddress => SyntaxKind::IpAddress,
        BaseType::OctetString => SyntaxKind::OctetString,
        BaseType::ObjectIdentifier => SyntaxKind::ObjectId,
        BaseType::Bits => SyntaxKind::Bits,
        BaseType::Opaque => SyntaxKind::Opaque,
        _ => SyntaxKind::Other,
    };
    let hint = o.effective_display_hint();
    let named = if kind == SyntaxKind::Bits {
        o.effective_bits()
    } else {
        o.effective_enums()
    };
    // net-snmp keeps the object's own SIZE or range, else its textual convention's.
    let (sizes, ranges) = declared_constraints(o);
    let fixed_size = match sizes {
        [r] if r.min == r.max => bound_u32(&r.min),
        _ => None,
    };
    let (size, range_is_size) = if sizes.is_empty() {
        (ranges_text(ranges), false)
    } else {
        (ranges_text(sizes), true)
    };
    let tc = ty.and_then(|t| {
        if t.is_textual_convention() {
            Some(t.name().to_owned())
        } else {
            t.effective_tc().map(|tc| tc.name().to_owned())
        }
    });
    let access = match o.access() {
        mib_rs::Access::NotAccessible => "not-accessible",
        mib_rs::Access::AccessibleForNotify => "accessible-for-notify",
        mib_rs::Access::ReadOnly => "read-only",
        mib_rs::Access::ReadWrite => "read-write",
        mib_rs::Access::ReadCreate => "read-create",
        mib_rs::Access::WriteOnly => "write-only",
        mib_rs::Access::NotImplemented => "not-implemented",
    };
    let units = o.units();
    let type_word = match kind {
        SyntaxKind::Integer if named.is_empty() => Some("Integer32"),
        SyntaxKind::Integer => Some("INTEGER"),
        SyntaxKind::Unsigned32 => Some("Unsigned32"),
        SyntaxKind::Counter32 => Some("Counter32"),
        SyntaxKind::Counter64 => Some("Counter64"),
        SyntaxKind::Gauge32 => Some("Gauge32"),
        SyntaxKind::TimeTicks => Some("TimeTicks"),
        SyntaxKind::IpAddress => Some("IpAddress"),
        SyntaxKind::OctetString => Some("OCTET STRING"),
        SyntaxKind::ObjectId => Some("OBJECT IDENTIFIER"),
        SyntaxKind::Bits => Some("BITS"),
        SyntaxKind::Opaque => Some("Opaque"),
        SyntaxKind::NetworkAddress => Some("NetworkAddress"),
        SyntaxKind::Other => None,
    };
    Syntax {
        kind: Some(kind),
        hint: (!hint.is_empty()).then(|| hint.into()),
        enums: named
            .iter()
            .map(|n| (n.value, n.label.as_str().into()))
            .collect(),
        units: (!units.is_empty()).then(|| units.into()),
        fixed_size,
        tc: tc.map(Into::into),
        size,
        range_is_size,
        access: Some(access),
        type_word,
    }
}

/// The SIZE and range constraints net-snmp keeps for an object: its own, else those of the
/// textual conventions in its type chain (not the SMI's base types: `IpAddress` has no range
/// in net-snmp's tree).
fn declared_constraints<'a>(
    o: mib_rs::Object<'a>,
) -> (
    &'a [mib_rs::mib::types::Range],
    &'a [mib_rs::mib::types::Range],
) {
    let (mut sizes, mut ranges) = (o.declared_sizes(), o.declared_ranges());
    let mut ty = o.ty();
    while sizes.is_empty() && ranges.is_empty() {
        let Some(t) = ty else { break };
        if t.is_textual_convention() || !t.module().is_some_and(|m| m.is_base()) {
            sizes = t.sizes();
            ranges = t.ranges();
        }
        ty = t.parent();
    }
    (sizes, ranges)
}

/// A bound as a u32, when it is one.
fn bound_u32(b: &mib_rs::mib::types::RangeBound) -> Option<u32> {
    use mib_rs::mib::types::RangeBound;
    match *b {
        RangeBound::Signed(v) => u32::try_from(v).ok(),
        RangeBound::Unsigned(v) => u32::try_from(v).ok(),
        _ => None,
    }
}

/// `0..255`, `6`, `8 | 11` as `snmptranslate -Tp` shows ranges.
fn ranges_text(ranges: &[mib_rs::mib::types::Range]) -> Option<Box<str>> {
    use mib_rs::mib::types::RangeBound;
    let bound = |b: &RangeBound| match *b {
        RangeBound::Signed(v) => v.to_string(),
        RangeBound::Unsigned(v) => v.to_string(),
        RangeBound::Min => "MIN".into(),
        RangeBound::Max => "MAX".into(),
        RangeBound::Raw(ref r) => format!("{r:?}"),
    };
    if ranges.is_empty() {
        return None;
    }
    let parts: Vec<String> = ranges
        .iter()
        .map(|r| {
            if r.min == r.max {
                bound(&r.min)
            } else {
                format!("{}..{}", bound(&r.min), bound(&r.max))
            }
        })
        .collect();
    Some(parts.join(" | ").into())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// The fixture module's text.
    const FIXTURE: &str = include_str!("../../tests/data/mibs/fixture/SNMPACT-TEST-MIB.txt");

    /// Loads `text` as one module from memory, every module (`-m ALL`).
    fn load_text(text: &[u8]) -> Loaded {
        let spec = LoadSpec {
            dirs: Vec::new(),
            modules: Modules::All,
            cache: CacheDir::Off,
        };
        // The source's name is the module it holds: the fixture's, so damage is parsed.
        load_sources(
            vec![mib_rs::source::memory("SNMPACT-TEST-MIB", text.to_vec())],
            &spec,
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn any_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let loaded = load_text(&bytes);
            prop_assert!(!loaded.tree.nodes().is_empty());
        }

        #[test]
        fn a_damaged_fixture_never_panics(
            cuts in proptest::collection::vec((0usize..FIXTURE.len(), any::<u8>()), 1..8)
        ) {
            let mut text = FIXTURE.as_bytes().to_vec();
            for (at, byte) in cuts {
                text[at] = byte;
            }
            let loaded = load_text(&text);
            prop_assert!(!loaded.tree.named("sysDescr").is_empty());
            // Loading the undamaged text gives the fixture's nodes: the damage was parsed.
            prop_assert!(loaded.tree.nodes().len() > 1000);
        }
    }

    #[test]
    fn a_syntax_error_names_the_file_line_and_module() {
        let text = FIXTURE.replacen("SYNTAX      BITS {", "SYNTAX      BITS {{{", 1);
        assert_ne!(text, FIXTURE);
        let loaded = load_text(text.as_bytes());
        let p = loaded.problems.first().expect("a problem");
        let line = FIXTURE
            .lines()
            .position(|l| l.contains("SYNTAX      BITS {"))
            .unwrap()
            + 1;
        assert_eq!(p.module.as_deref(), Some("SNMPACT-TEST-MIB"));
        assert_eq!(p.line, Some(u64::try_from(line).unwrap()), "{p}");
        assert!(
            p.to_string().starts_with(&format!(
                "<memory:SNMPACT-TEST-MIB>:{line}: SNMPACT-TEST-MIB: "
            )),
            "{p}"
        );
        // The rest of the module still loads.
        assert!(!loaded.tree.named("fixStatus").is_empty());
    }

    fn fixture_spec() -> LoadSpec {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/mibs");
        LoadSpec {
            dirs: vec![root.join("base"), root.join("fixture")],
            modules: Modules::All,
            cache: CacheDir::Off,
        }
    }

    #[test]
    fn fixture_loads_with_syntax_and_indexes() {
        let loaded = load(&fixture_spec());
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        let t = &loaded.tree;
        let i = t.named("fixStatus")[0];
        let n = t.node(i).unwrap();
        assert_eq!(&*n.module, "SNMPACT-TEST-MIB");
        let s = n.syntax.as_deref().unwrap();
        assert_eq!(s.kind, Some(SyntaxKind::Integer));
        assert_eq!(s.enums.len(), 3);
        let mac = t.node(t.named("fixMac")[0]).unwrap();
        assert_eq!(mac.syntax.as_deref().unwrap().hint.as_deref(), Some("1x:"));
        let row = t.node(t.named("fixIfXEntry")[0]).unwrap();
        assert_eq!(
            row.index.len(),
            1,
            "AUGMENTS gives the augmented row's index"
        );
        let row = t.node(t.named("fixGroupEntry")[0]).unwrap();
        assert!(row.index[0].implied);
        // The compiled-in table is still under it.
        assert!(!t.named("sysDescr").is_empty());
    }

    #[test]
    fn instances_decode_into_index_labels() {
        let t = load(&fixture_spec()).tree;
        let arcs = |s: &str| -> Vec<u32> { s.split('.').map(|a| a.parse().unwrap()).collect() };
        let (name, parts) = t
            .decode_instance(&arcs("1.3.6.1.4.1.99999.2.3.1.2.3.98.111.98"))
            .unwrap();
        assert_eq!(name, "fixUserLogins");
        assert_eq!(parts, vec![("fixUserName", "\"bob\"".to_owned())]);
        let (name, parts) = t
            .decode_instance(&arcs("1.3.6.1.4.1.99999.2.5.1.3.192.0.2.1.8080"))
            .unwrap();
        assert_eq!(name, "fixRouteMetric");
        assert_eq!(
            parts,
            vec![
                ("fixRouteDest", "192.0.2.1".to_owned()),
                ("fixRoutePort", "8080".to_owned())
            ]
        );
        // AUGMENTS: the augmented row's index.
        let (_, parts) = t
            .decode_instance(&arcs("1.3.6.1.4.1.99999.2.2.1.2.7"))
            .unwrap();
        assert_eq!(parts, vec![("fixIfIndex", "7".to_owned())]);
        // An enumerated index prints its label; a scalar is not a row instance.
        let (_, parts) = t
            .decode_instance(&arcs("1.3.6.1.4.1.99999.2.7.1.3.2.1.3.2"))
            .unwrap();
        assert_eq!(parts[1], ("fixTypeState", "down".to_owned()));
        assert!(
            t.decode_instance(&arcs("1.3.6.1.4.1.99999.1.1.0"))
                .is_none()
        );
        // Left-over arcs: not decoded whole.
        assert!(
            t.decode_instance(&arcs("1.3.6.1.4.1.99999.2.1.1.2.1.5"))
                .is_none()
        );
    }

    #[test]
    fn spec_options() {
        let mut s = LoadSpec::default();
        s.set_modules("IF-MIB:SNMPv2-MIB");
        assert_eq!(
            s.modules,
            Modules::List(vec!["IF-MIB".into(), "SNMPv2-MIB".into()])
        );
        s.set_modules("+UCD-SNMP-MIB");
        assert_eq!(
            s.modules,
            Modules::List(vec![
                "IF-MIB".into(),
                "SNMPv2-MIB".into(),
                "UCD-SNMP-MIB".into()
            ])
        );
        s.set_modules("ALL");
        assert_eq!(s.modules, Modules::All);
        s.set_dirs("/a:/b");
        assert_eq!(s.dirs, vec![PathBuf::from("/a"), PathBuf::from("/b")]);
        s.set_dirs("+/c");
        assert_eq!(s.dirs[0], PathBuf::from("/c"));
        assert_eq!(s.dirs.len(), 3);
        assert!(!LoadSpec::default().loads_files());
    }
}
