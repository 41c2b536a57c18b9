//! Every configuration file shipped in `etc/` loads, and every table in it refuses an unknown key
//! with an error naming the file and the key (hickory: `test_reject_unknown_fields`). Every
//! `.snmprec` data file in `etc/` parses. The default file says what the documentation says.
//! (Other files in `etc/`, such as the batch and agent-list samples, are loaded by their own
//! modules' tests.)

use std::path::{Path, PathBuf};
use std::time::Duration;

use snmpact::config::{self, Destination, Error, OutputSettings, Target};
use snmpact::simulator::agent::snmprec;
use snmpact::usm::{AuthProtocol, PrivProtocol, SecurityLevel, User};

fn etc() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("etc")
}

fn files_with(ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(etc())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    v.sort();
    v
}

/// Every `community_env` variable a file names, set to a dummy secret.
fn secrets(table: &toml::Table) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (k, v) in table {
        match v {
            toml::Value::String(s) if k == "community_env" => {
                out.push((s.clone(), "dummy-secret".to_owned()));
            }
            toml::Value::Table(t) => out.extend(secrets(t)),
            _ => {}
        }
    }
    out
}

/// Paths of every table in `table` (the root is the empty path), tables in arrays included
/// (`v3_users[0]`, as the errors name them).
fn table_paths(table: &toml::Table, here: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(here.clone());
    for (k, v) in table {
        match v {
            toml::Value::Table(t) => {
                here.push(k.clone());
                table_paths(t, here, out);
                here.pop();
            }
            toml::Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    if let toml::Value::Table(t) = item {
                        here.push(format!("{k}[{i}]"));
                        table_paths(t, here, out);
                        here.pop();
                    }
                }
            }
            _ => {}
        }
    }
}

fn table_at<'a>(table: &'a mut toml::Table, path: &[String]) -> &'a mut toml::Table {
    path.iter().fold(table, |t, k| {
        let (name, index) = match k.strip_suffix(']').and_then(|k| k.split_once('[')) {
            Some((name, i)) => (name, Some(i.parse::<usize>().unwrap())),
            None => (k.as_str(), None),
        };
        match (t.get_mut(name), index) {
            (Some(toml::Value::Table(inner)), None) => inner,
            (Some(toml::Value::Array(items)), Some(i)) => match items.get_mut(i) {
                Some(toml::Value::Table(inner)) => inner,
                _ => panic!("no table at {path:?}"),
            },
            _ => panic!("no table at {path:?}"),
        }
    })
}

#[test]
fn every_shipped_config_file_loads() {
    let files = files_with("toml");
    assert!(files.len() >= 2, "{files:?}");
    for path in &files {
        let table: toml::Table = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let env = secrets(&table);
        let s = config::load_with_env(std::slice::from_ref(path), &env, &[])
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(!s.jobs.is_empty(), "{}: no job", path.display());
    }
}

#[test]
fn every_shipped_data_file_parses() {
    let files = files_with("snmprec");
    assert!(!files.is_empty());
    for path in files {
        let store = snmprec::parse(&std::fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(!store.is_empty());
    }
}

#[test]
fn an_unknown_key_in_any_table_of_any_shipped_file_is_refused() {
    let scratch = std::env::temp_dir().join(format!("snmpact-etc-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).unwrap();
    // Copies beside their data files, so relative paths resolve.
    for e in std::fs::read_dir(etc()).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, scratch.join(p.file_name().unwrap())).unwrap();
    }
    let mut checked = 0;
    for path in files_with("toml") {
        let text = std::fs::read_to_string(&path).unwrap();
        let table: toml::Table = toml::from_str(&text).unwrap();
        let env = secrets(&table);
        let mut paths = Vec::new();
        table_paths(&table, &mut Vec::new(), &mut paths);
        for at in paths {
            let mut t = table.clone();
            table_at(&mut t, &at).insert("zz_unknown".into(), toml::Value::Boolean(true));
            let bad = scratch.join(path.file_name().unwrap());
            std::fs::write(&bad, toml::to_string(&t).unwrap()).unwrap();
            let mut want: Vec<&str> = at.iter().map(String::as_str).collect();
            want.push("zz_unknown");
            match config::load_with_env(std::slice::from_ref(&bad), &env, &[]) {
                Err(Error::Key { origin, key, .. }) => {
                    assert_eq!(key, want.join("."), "{}", path.display());
                    assert_eq!(origin, bad.display().to_string());
                }
                other => panic!("{} with {want:?}: {other:?}", path.display()),
            }
            checked += 1;
        }
        std::fs::write(scratch.join(path.file_name().unwrap()), &text).unwrap();
    }
    assert!(checked >= 10, "{checked}");
    let _ = std::fs::remove_dir_all(&scratch);
}

#[test]
fn the_default_file_is_what_the_documentation_says() {
    let s = config::load_with_env(&[etc().join("snmpact.toml")], &[], &[]).unwrap();
    assert_eq!(s.console.listen.to_string(), "127.0.0.1:2323");
    let demo = &s.simulator["demo"];
    assert!(demo.listen.ip().is_loopback());
    assert_eq!(demo.listen.port(), 0);
    assert_eq!(demo.store, snmprec::demo());
    // Its SNMPv3 demo user (README, console): authPriv, SHA-256 + AES, demo pass phrases.
    let v3 = demo.v3.as_ref().expect("the demo agent answers SNMPv3");
    assert_eq!(v3.engine_id, None, "the default engine id, per port");
    assert_eq!(
        v3.users,
        [User::new("demo")
            .with_auth(AuthProtocol::Sha256, "demo-auth-pass")
            .with_privacy(PrivProtocol::Aes128, "demo-priv-pass")]
    );
    assert_eq!(v3.users[0].level, SecurityLevel::AuthPriv);
    assert_eq!(s.agents["demo"].target, Target::Simulator("demo".into()));
    assert_eq!(s.agents["demo"].session.max_in_flight, 10);
    // The poller's start grid: 100 ms steps, the default the file spells out.
    assert_eq!(s.poller.tick, Duration::from_millis(100));
    assert_eq!(s.poller.tick, config::DEFAULT_TICK);
    let job = &s.jobs["demo"];
    assert_eq!(job.interval, Duration::from_secs(10));
    assert_eq!(s.job_agents(job), ["demo"]);
    let rates: Vec<String> = job.rates.iter().map(snmpact::mib::format_name).collect();
    assert_eq!(rates, ["IF-MIB::ifHCInOctets", "IF-MIB::ifHCOutOctets"]);
    assert_eq!(
        s.outputs["stdout"],
        OutputSettings::Json {
            dest: Destination::Stdout,
            enum_labels: false,
        }
    );
    // See: issue 15. Prometheus on by default, on loopback, fed by the demo job.
    assert_eq!(
        s.outputs["prometheus"],
        OutputSettings::Prometheus {
            listen: "127.0.0.1:9464".parse().unwrap(),
            prefix: "snmp_".into(),
            enum_labels: false,
        }
    );
    assert_eq!(s.outputs.len(), 2);
    assert_eq!(job.outputs, ["stdout", "prometheus"]);
    // The layers on top of it.
    let s = config::load_with_env(
        &[etc().join("snmpact.toml")],
        &[("SNMPACT_JOBS__DEMO__INTERVAL".into(), "2s".into())],
        &[("defaults.retries".into(), "0".into())],
    )
    .unwrap();
    assert_eq!(s.jobs["demo"].interval, Duration::from_secs(2));
    assert_eq!(s.agents["demo"].session.retries, 0);
}
