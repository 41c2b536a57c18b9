//! MIB files (issue 17): snmpact and net-snmp's tools load the **same** files (`-M DIR -m ALL`:
//! the SMI base modules in `tests/data/mibs/base`, written out from the `mib-rs` crate's
//! embedded foundation modules, and the fixture `tests/data/mibs/fixture/SNMPACT-TEST-MIB.txt`
//! with enumerations, BITS, display hints, every index type, AUGMENTS and IMPLIED), and their
//! output is compared byte for byte:
//!
//! - `snmpwalk` vs `snmpact walk` under many `-O` flag sets, against `snmpact agent` serving
//!   `tests/data/mibs/fixture/snmpact-test.snmprec`;
//! - `snmptable` vs `snmpact table` for every fixture table, with `-Ci -Cb -Cl -CH`;
//! - `snmpget` vs `snmpact get` with names typed as operators type them (`MODULE::name`,
//!   `fixUserLogins."bob"`, `fixGroupMembers.'ops'`);
//! - `snmptranslate` vs `snmpact translate` (`-On`, `-Of`, `-Os`, `-Td`, `-Tp`, `-IR`);
//! - InetAddress indexes (`tests/data/mibs/fixture/SNMPACT-INET-MIB.txt`) decoded by their
//!   InetAddressType, and `-OX`, `-Ou`, `-OE`, under `snmpwalk` and `snmpget`;
//! - a malformed MIB file is reported with its file and line, and the other modules still load.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use crate::harness::snmpd::run_tool;

/// The binary under test.
const SNMPACT: &str = env!("CARGO_BIN_EXE_snmpact");

/// `tests/data/mibs`.
fn mibs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/mibs")
}

/// `-M base:fixture` (absolute), the directories both sides load.
fn mib_dirs() -> String {
    let d = mibs_dir();
    format!(
        "{}:{}",
        d.join("base").display(),
        d.join("fixture").display()
    )
}

/// `snmpact agent` serving the fixture's data, stopped by its pid on drop.
struct Agent {
    child: Child,
    target: String,
}

impl Agent {
    fn start() -> Agent {
        let data = mibs_dir().join("fixture/snmpact-test.snmprec");
        let mut child = Command::new(SNMPACT)
            .args(["agent", "--listen", "127.0.0.1:0", "--data"])
            .arg(&data)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn snmpact agent");
        let mut line = String::new();
        let out = child.stdout.take().expect("stdout");
        // The line comes once the socket is bound.
        let _ = BufReader::new(out).read_line(&mut line);
        let target = line
            .split_whitespace()
            .nth(2)
            .unwrap_or_else(|| panic!("unexpected line {line:?}"))
            .to_owned();
        Agent { child, target }
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `snmpact ARGS` with an empty MIB environment.
fn snmpact(args: &[&str]) -> Output {
    Command::new(SNMPACT)
        .args(args)
        .env_remove("MIBS")
        .env_remove("MIBDIRS")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .output()
        .expect("run snmpact")
}

/// Both programs' stdout for the same arguments (net-snmp's tool, then snmpact's subcommand).
fn both(tool: &str, sub: &str, args: &[&str]) -> (String, String) {
    let theirs = run_tool(tool, args);
    let ours = snmpact(&[&[sub], args].concat());
    (
        String::from_utf8_lossy(&theirs.stdout).into_owned(),
        String::from_utf8_lossy(&ours.stdout).into_owned(),
    )
}

#[test]
fn walks_print_as_snmpwalk_with_the_same_mibs() {
    let agent = Agent::start();
    let dirs = mib_dirs();
    let flag_sets: &[&[&str]] = &[
        &[],
        &["-On"],
        &["-Os"],
        &["-Of"],
        &["-OS"],
        &["-Oq"],
        &["-OQ"],
        &["-Oe"],
        &["-Ob"],
        &["-Ox"],
        &["-OT"],
        &["-OU"],
        &["-Ov"],
        &["-Ot"],
        &["-Oa"],
        &["-Osq", "-Oe"],
        &["-Ofb"],
        &["-OX"],
        &["-OXq"],
        &["-OXf"],
        &["-Ou"],
        &["-OuX"],
        &["-OE"],
        &["-OXE"],
    ];
    for flags in flag_sets {
        let mut args: Vec<&str> = vec!["-v2c", "-c", "public", "-M", &dirs, "-m", "ALL"];
        args.extend_from_slice(flags);
        args.extend([agent.target.as_str(), ".1.3.6.1.4.1.99999"]);
        let (theirs, ours) = both("snmpwalk", "walk", &args);
        assert!(theirs.contains("fixStatus") || flags.contains(&"-On") || flags.contains(&"-Ov"));
        assert_eq!(ours, theirs, "flags {flags:?}");
    }
    // The enumerations, hints and indexes are really there (not both sides numeric).
    let args = [
        "-v2c",
        "-c",
        "public",
        "-M",
        &dirs,
        "-m",
        "ALL",
        &agent.target,
        ".1.3.6.1.4.1.99999",
    ];
    let (_, ours) = both("snmpwalk", "walk", &args);
    for want in [
        "SNMPACT-TEST-MIB::fixStatus.0 = INTEGER: down(2)",
        "BITS: E0 40 alpha(0) beta(1) gamma(2) omega(9) ",
        "SNMPACT-TEST-MIB::fixMac.0 = STRING: 0:1b:21:3a:4f:5c",
        "STRING: 2026-12-3,18:0:0.0,+0:0",
        "INTEGER: -21.50 degrees Celsius",
        "SNMPACT-TEST-MIB::fixUserLogins.\"bob\" = Counter32: 3",
        "SNMPACT-TEST-MIB::fixGroupMembers.'ops' = INTEGER: 4",
        "SNMPACT-TEST-MIB::fixRouteMetric.192.0.2.1.8080 = Gauge32: 20",
    ] {
        assert!(ours.contains(want), "{want} not in\n{ours}");
    }
}

// See: issue 17 (InetAddress indexes read by their InetAddressType, as net-snmp does)
#[test]
fn inet_address_indexes_print_as_snmpwalk_and_snmpget_print_them() {
    let agent = Agent::start();
    let dirs = mib_dirs();
    for flags in [
        &[][..],
        &["-OX"],
        &["-OE"],
        &["-Ob"],
        &["-Ou"],
        &["-Os"],
        &["-OXq"],
    ] {
        let mut args: Vec<&str> = vec!["-v2c", "-c", "public", "-M", &dirs, "-m", "ALL"];
        args.extend_from_slice(flags);
        args.extend([agent.target.as_str(), ".1.3.6.1.4.1.99998"]);
        let (theirs, ours) = both("snmpwalk", "walk", &args);
        assert!(theirs.contains("fixInetHits"), "{flags:?}: {theirs}");
        assert_eq!(ours, theirs, "flags {flags:?}");
    }
    let args = [
        "-v2c",
        "-c",
        "public",
        "-M",
        &dirs,
        "-m",
        "ALL",
        &agent.target,
        ".1.3.6.1.4.1.99998",
    ];
    let (_, ours) = both("snmpwalk", "walk", &args);
    for want in [
        "SNMPACT-INET-MIB::fixInetHits.ipv4.\"192.0.2.1\" = Gauge32: 1",
        "fixInetHits.ipv6.\"20:01:0d:b8:00:00:00:00:00:00:00:00:00:00:00:01\"",
        "fixInetHits.ipv4z.\"192.0.2.7%5\"",
        "fixInetHits.ipv6z.\"fe:80:00:00:00:00:00:00:00:00:00:00:00:00:00:01%3\"",
        "fixInetHits.dns.\"example.com\"",
        // A length that does not fit the type: a plain string.
        "fixInetHits.ipv4.\"...\"",
    ] {
        assert!(ours.contains(want), "{want} not in\n{ours}");
    }
    // snmpget with the same output options, an instance of each kind.
    for flags in [&[][..], &["-OX"], &["-OE"], &["-OuX"]] {
        let mut args: Vec<&str> = vec!["-v2c", "-c", "public", "-M", &dirs, "-m", "ALL"];
        args.extend_from_slice(flags);
        args.extend([
            agent.target.as_str(),
            ".1.3.6.1.4.1.99998.1.1.3.1.4.192.0.2.1",
            ".1.3.6.1.4.1.99998.1.1.3.16.11.101.120.97.109.112.108.101.46.99.111.109",
            "SNMPACT-TEST-MIB::fixUserLogins.\"bob\"",
            "SNMPACT-TEST-MIB::fixGroupMembers.'ops'",
            "SNMPACT-TEST-MIB::fixRouteMetric.192.0.2.1.8080",
        ]);
        let (theirs, ours) = both("snmpget", "get", &args);
        assert!(!theirs.contains("No Such"), "{flags:?}: {theirs}");
        assert_eq!(ours, theirs, "flags {flags:?}");
    }
}

#[test]
fn tables_lay_out_as_snmptable() {
    let agent = Agent::start();
    let dirs = mib_dirs();
    for table in [
        "fixIfTable",
        "fixIfXTable",
        "fixUserTable",
        "fixGroupTable",
        "fixRouteTable",
        "fixMacTable",
        "fixTypeTable",
    ] {
        for flags in [&[][..], &["-Ci"], &["-Cb"], &["-Cl", "-Ci"], &["-CH"]] {
            let mut args: Vec<&str> = vec!["-v2c", "-c", "public", "-M", &dirs, "-m", "ALL"];
            args.extend_from_slice(flags);
            args.extend([agent.target.as_str(), table]);
            let (theirs, ours) = both("snmptable", "table", &args);
            assert!(!theirs.is_empty(), "{table} {flags:?}");
            assert_eq!(ours, theirs, "{table} {flags:?}");
        }
    }
}

#[test]
fn names_with_modules_and_string_indexes_are_read_as_net_snmp_reads_them() {
    let agent = Agent::start();
    let dirs = mib_dirs();
    for oid in [
        "SNMPACT-TEST-MIB::fixStatus.0",
        "SNMPACT-TEST-MIB::fixUserLogins.\"alice\"",
        "SNMPACT-TEST-MIB::fixGroupMembers.'wheel'",
        "SNMPACT-TEST-MIB::fixIfDescr.2",
        "SNMPACT-TEST-MIB::fixRouteMetric.127.0.0.1.161",
    ] {
        let args = [
            "-v2c",
            "-c",
            "public",
            "-M",
            &dirs,
            "-m",
            "ALL",
            &agent.target,
            oid,
        ];
        let (theirs, ours) = both("snmpget", "get", &args);
        assert!(!theirs.contains("No Such"), "{oid}: {theirs}");
        assert_eq!(ours, theirs, "{oid}");
    }
    // Without the module, as net-snmp's -IR does.
    let args = [
        "-v2c",
        "-c",
        "public",
        "-M",
        &dirs,
        "-m",
        "ALL",
        &agent.target,
        "fixUserLogins.\"bob\"",
    ];
    let ours = snmpact(&[&["get"][..], &args].concat());
    assert_eq!(
        String::from_utf8_lossy(&ours.stdout),
        "SNMPACT-TEST-MIB::fixUserLogins.\"bob\" = Counter32: 3\n"
    );
}

#[test]
fn translate_matches_snmptranslate() {
    let dirs = mib_dirs();
    let cases: &[&[&str]] = &[
        &["-IR", "fixStatus"],
        &["-On", "-IR", "fixStatus"],
        &["-Of", "SNMPACT-TEST-MIB::fixStatus.0"],
        &["-Os", ".1.3.6.1.4.1.99999.1.1.0"],
        &["-Ou", ".1.3.6.1.4.1.99999.1.1.0"],
        &["-Ou", "-IR", "fixUserLogins.\"bob\""],
        &["SNMPACT-TEST-MIB::fixUserLogins.\"bob\""],
        &["-On", "SNMPACT-TEST-MIB::fixUserLogins.\"bob\""],
        &["-On", "SNMPACT-TEST-MIB::fixGroupMembers.'ops'"],
        &[".1.3.6.1.4.1.99999.2.3.1.2.3.98.111.98"],
        &[".1.3.6.1.4.1.99999.2.5.1.3.192.0.2.1.8080"],
        &["-Td", "-IR", "fixStatus"],
        &["-Td", "-IR", "fixIfMac"],
        &["-Td", "-IR", "fixTemperature"],
        &["-Td", "-IR", "fixFlags"],
        &["-Td", "-IR", "fixUserEntry"],
        &["-Td", "-IR", "fixIfXEntry"],
        &["-Td", "-IR", "fixGroupEntry"],
        &["-Td", "-IR", "fixEvent"],
        &["-Td", "-IR", "snmpactTestMib"],
        &["-Td", ".1.3.6.1.4.1.99999.1.1.0"],
        &["-Tp", "-IR", "snmpactTestMib"],
        // FROM lists every module that defines the node (SNMPv2-SMI and RFC1155-SMI here).
        &["-Td", "-IR", "enterprises"],
        &["-Td", "-IR", "internet"],
        &["-Td", "-IR", "mgmt"],
        &["-Td", "-IR", "fixInetAddr"],
        // An enumeration label for an enumerated INTEGER index.
        &["-On", "SNMPACT-INET-MIB::fixInetHits.ipv4.\"192.0.2.1\""],
        &["-On", "SNMPACT-INET-MIB::fixInetHits.dns.\"a.b\""],
    ];
    for case in cases {
        let mut args: Vec<&str> = vec!["-M", &dirs, "-m", "ALL"];
        args.extend_from_slice(case);
        let (theirs, ours) = both("snmptranslate", "translate", &args);
        assert!(!theirs.is_empty(), "{case:?}");
        assert_eq!(ours, theirs, "{case:?}");
    }
    // Unquoted string indexes: net-snmp 5.9 refuses them ("Index out of range"), and so does
    // snmpact (no OID is printed, the exit status says so).
    for text in [
        "SNMPACT-TEST-MIB::fixUserLogins.bob",
        "SNMPACT-TEST-MIB::fixGroupMembers.ops",
        "SNMPACT-INET-MIB::fixInetHits.ipv9.\"a\"",
    ] {
        let args = ["-M", &dirs, "-m", "ALL", "-On", text];
        let theirs = run_tool("snmptranslate", &args);
        assert!(theirs.stdout.is_empty(), "{text}");
        let ours = snmpact(&[&["translate"][..], &args].concat());
        assert!(ours.stdout.is_empty(), "{text}");
        assert_eq!(ours.status.code(), Some(2), "{text}");
    }
    let out = snmpact(&["translate", "-M", &dirs, "-m", "ALL", "-IR", "nonesuch"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "Unknown object identifier: nonesuch\n"
    );
}

// See: issue 17
#[test]
fn a_malformed_mib_is_reported_with_its_file_and_line_and_the_others_load() {
    let d = mibs_dir();
    let dirs = format!(
        "{}:{}:{}",
        d.join("base").display(),
        d.join("fixture").display(),
        d.join("malformed").display()
    );
    let out = snmpact(&[
        "translate",
        "-M",
        &dirs,
        "-m",
        "ALL",
        "-On",
        "-IR",
        "fixStatus",
    ]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        ".1.3.6.1.4.1.99999.1.1\n"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("BROKEN-MIB.txt:") && err.contains("BROKEN-MIB"),
        "no file and line in: {err}"
    );
    // The broken module's good part before the error is not trusted, but nothing panicked.
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn a_real_snmpd_walked_with_net_snmps_own_mibs_prints_the_same() {
    // net-snmp's UCD-SNMP-MIB (libsnmp-base) over the SMI base modules and HCNUM-TC it imports.
    let ucd = Path::new("/usr/share/snmp/mibs/UCD-SNMP-MIB.txt");
    assert!(
        ucd.exists(),
        "{} is missing: install the Debian package libsnmp-base",
        ucd.display()
    );
    let snmpd = crate::harness::snmpd::Snmpd::start_with("proc nosuchprocessd 2 1\nproc init\n");
    let dirs = format!("{}:/usr/share/snmp/mibs", mibs_dir().join("base").display());
    let target = snmpd.target();
    for flags in [&[][..], &["-On"], &["-Oe"], &["-Osq"], &["-Of"]] {
        let mut args: Vec<&str> = vec!["-v2c", "-c", "public", "-M", &dirs, "-m", "UCD-SNMP-MIB"];
        args.extend_from_slice(flags);
        args.extend([target.as_str(), "UCD-SNMP-MIB::prTable"]);
        let theirs = snmpd.tool("snmpwalk", &args);
        let ours = snmpact(&[&["walk"][..], &args].concat());
        assert!(theirs.contains("nosuchprocessd"), "{theirs}");
        assert_eq!(String::from_utf8_lossy(&ours.stdout), theirs, "{flags:?}");
    }
    let args = [
        "-v2c",
        "-c",
        "public",
        "-M",
        &dirs,
        "-m",
        "UCD-SNMP-MIB",
        &target,
        "prTable",
    ];
    let theirs = snmpd.tool("snmptable", &args);
    let ours = snmpact(&[&["table"][..], &args[..]].concat());
    assert!(theirs.contains("prErrorFlag"), "{theirs}");
    assert_eq!(String::from_utf8_lossy(&ours.stdout), theirs);
    let args = [
        "-v2c",
        "-c",
        "public",
        "-M",
        &dirs,
        "-m",
        "UCD-SNMP-MIB",
        &target,
        "UCD-SNMP-MIB::prErrorFlag.1",
        "UCD-SNMP-MIB::prNames.2",
    ];
    let theirs = snmpd.tool("snmpget", &args);
    let ours = snmpact(&[&["get"][..], &args[..]].concat());
    assert_eq!(String::from_utf8_lossy(&ours.stdout), theirs);
}
