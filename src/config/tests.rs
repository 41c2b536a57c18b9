//! Unit tests of loading: layers, errors naming origin and key, durations, groups, secrets.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use super::*;
use crate::pdu::Version;

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// Writes `files` (name, text) into a fresh temporary directory; returns their paths.
fn files(list: &[(&str, &str)]) -> Vec<PathBuf> {
    let dir = std::env::temp_dir().join(format!(
        "snmpact-config-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    list.iter()
        .map(|(name, text)| {
            let p = dir.join(name);
            std::fs::write(&p, text).unwrap();
            p
        })
        .collect()
}

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn load_text(text: &str) -> Result<Settings, Error> {
    load_with_env(&files(&[("a.toml", text)]), &[], &[])
}

fn key_error(r: Result<Settings, Error>) -> (String, String, String) {
    match r {
        Err(Error::Key {
            origin,
            key,
            message,
        }) => (origin, key, message),
        other => panic!("expected a key error, got {other:?}"),
    }
}

const BASE: &str = r#"
[agents.r1]
address = "127.0.0.1:1161"
[jobs.j]
agents = ["r1"]
interval = "10s"
scalars = ["sysUpTime.0"]
"#;

#[test]
fn durations() {
    assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
    assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
    assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
    assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
    assert_eq!(parse_duration("2h"), Ok(Duration::from_secs(7200)));
    for bad in ["", "10", "s", "10x", "-1s", "1.2.3s", "ten s"] {
        assert!(parse_duration(bad).is_err(), "{bad}");
    }
}

#[test]
fn an_empty_file_gives_the_defaults() {
    let s = load_text("").unwrap();
    assert_eq!(s.console.listen.to_string(), "127.0.0.1:2323");
    assert_eq!(s.defaults.version, Version::V2c);
    assert_eq!(s.defaults.timeout, Duration::from_secs(1));
    assert_eq!(s.poller, PollerSettings::default());
    assert!(s.agents.is_empty() && s.jobs.is_empty() && s.outputs.is_empty());
}

#[test]
fn agents_inherit_defaults_and_override_them() {
    let s = load_text(&format!(
        "[defaults]\ntimeout = \"2s\"\nretries = 1\nmax_in_flight = 3\n{BASE}\n\
         [agents.r2]\naddress = \"127.0.0.1\"\nversion = \"1\"\nretries = 4\n"
    ))
    .unwrap();
    let r1 = &s.agents["r1"];
    assert_eq!(r1.target, Target::Address("127.0.0.1:1161".into()));
    assert_eq!(r1.session.timeout, Duration::from_secs(2));
    assert_eq!(r1.session.retries, 1);
    assert_eq!(r1.session.max_in_flight, 3);
    let r2 = &s.agents["r2"];
    assert_eq!(r2.session.version, Version::V1);
    assert_eq!(r2.session.retries, 4);
    assert_eq!(r2.session.timeout, Duration::from_secs(2));
    let j = &s.jobs["j"];
    assert_eq!(j.interval, Duration::from_secs(10));
    assert_eq!(j.scalars[0].to_string(), "1.3.6.1.2.1.1.3.0");
}

#[test]
fn unknown_keys_name_the_file_and_the_key() {
    let paths = files(&[(
        "bad.toml",
        "[agents.r1]\naddress = \"127.0.0.1\"\ncomunity = \"x\"\n",
    )]);
    let (origin, key, message) = key_error(load_with_env(&paths, &[], &[]));
    assert_eq!(origin, paths[0].display().to_string());
    assert_eq!(key, "agents.r1.comunity");
    assert!(message.contains("unknown field `comunity`"), "{message}");

    let (_, key, _) = key_error(load_text("[enigne]\nshards = 1\n"));
    assert_eq!(key, "enigne");
    let (_, key, _) = key_error(load_text(
        "[console]\nlisten = \"127.0.0.1:1\"\ncolor = 1\n",
    ));
    assert_eq!(key, "console.color");
}

#[test]
fn bad_values_name_the_file_and_the_key() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "[defaults]\ntimeout = \"1x\"\n",
            "defaults.timeout",
            "bad duration",
        ),
        (
            "[defaults]\nretries = \"many\"\n",
            "defaults.retries",
            "invalid type",
        ),
        (
            "[defaults]\nversion = \"3\"\n",
            "defaults.version",
            "bad version",
        ),
        (
            "[defaults]\nbackoff = \"linear\"\n",
            "defaults.backoff",
            "bad backoff",
        ),
        (
            "[defaults]\nmax_in_flight = 0\n",
            "defaults.max_in_flight",
            "at least 1",
        ),
        (
            "[engine]\nbind = \"nowhere\"\n",
            "engine.bind",
            "bad address",
        ),
        (
            "[agents.r1]\nversion = \"1\"\n",
            "agents.r1",
            "needs `address`",
        ),
        (
            "[agents.r1]\naddress = \"h:x\"\n",
            "agents.r1.address",
            "bad port",
        ),
        (
            "[agents.r1]\naddress = \"h\"\n[jobs.j]\nagents = [\"r9\"]\ninterval = \"1s\"\nscalars = [\"sysName.0\"]\n",
            "jobs.j.agents",
            "\"r9\" is neither",
        ),
        (
            "[jobs.j]\nagents = []\ninterval = \"1s\"\nscalars = [\"sysNme.0\"]\n",
            "jobs.j.scalars",
            "unknown object name 'sysNme'",
        ),
        (
            "[jobs.j]\nagents = []\ninterval = \"1s\"\nscalars = [\"sysName\"]\n",
            "jobs.j.scalars",
            "add the index",
        ),
        (
            "[jobs.j]\nagents = []\ninterval = \"1s\"\ntables = [\"sysName\"]\n",
            "jobs.j.tables",
            "not a table",
        ),
        (
            "[jobs.j]\nagents = []\nscalars = [\"sysName.0\"]\n",
            "jobs.j.interval",
            "missing",
        ),
        (
            "[jobs.j]\nagents = []\ninterval = \"1s\"\n",
            "jobs.j",
            "polls nothing",
        ),
        (
            "[jobs.j]\nagents = []\ninterval = \"1s\"\nscalars = [\"sysName.0\"]\noutputs = [\"x\"]\n",
            "jobs.j.outputs",
            "no output named",
        ),
        (
            "[outputs.o]\nkind = \"csv\"\n",
            "outputs.o.kind",
            "unknown output kind",
        ),
        (
            "[outputs.o]\nkind = \"json\"\nlisten = \"127.0.0.1:1\"\n",
            "outputs.o.listen",
            "only for",
        ),
        (
            "[groups]\ng = [\"nobody\"]\n",
            "groups.g",
            "neither an agent nor a group",
        ),
        (
            "[groups]\na = [\"b\"]\nb = [\"a\"]\n",
            "groups.a",
            "include each other",
        ),
        (
            "[simulator.agents.s]\ndata = \"missing.snmprec\"\n",
            "simulator.agents.s.data",
            "cannot read",
        ),
    ];
    for (text, want_key, want_message) in cases {
        let paths = files(&[("c.toml", text)]);
        let (origin, key, message) = key_error(load_with_env(&paths, &[], &[]));
        assert_eq!(&key, want_key, "{text}");
        assert!(message.contains(want_message), "{text}: {message}");
        assert_eq!(origin, paths[0].display().to_string(), "{text}");
    }
}

#[test]
fn syntax_errors_name_the_file_and_line() {
    let paths = files(&[("s.toml", "[defaults]\ntimeout = \n")]);
    match load_with_env(&paths, &[], &[]) {
        Err(e @ Error::Syntax { .. }) => {
            let text = e.to_string();
            assert!(text.starts_with(&paths[0].display().to_string()), "{text}");
            assert!(text.contains("line 2"), "{text}");
        }
        other => panic!("{other:?}"),
    }
    let missing = PathBuf::from("/nonexistent/snmpact.toml");
    assert!(matches!(
        load_with_env(&[missing], &[], &[]),
        Err(Error::Read { .. })
    ));
}

#[test]
fn layers_files_then_environment_then_flags() {
    let paths = files(&[
        (
            "1.toml",
            &format!("[defaults]\ntimeout = \"1s\"\nretries = 1\n{BASE}"),
        ),
        (
            "2.toml",
            "[defaults]\ntimeout = \"2s\"\n[jobs.j]\ninterval = \"20s\"\n",
        ),
    ]);
    let s = load_with_env(&paths, &[], &[]).unwrap();
    assert_eq!(s.defaults.timeout, Duration::from_secs(2));
    assert_eq!(s.defaults.retries, 1);
    assert_eq!(s.jobs["j"].interval, Duration::from_secs(20));
    // The second file's job table merged into the first's: its scalars are still there.
    assert_eq!(s.jobs["j"].scalars.len(), 1);

    let e = env(&[
        ("SNMPACT_DEFAULTS__TIMEOUT", "3s"),
        ("SNMPACT_DEFAULTS__RETRIES", "7"),
        ("SNMPACT_JOBS__J__AGENTS", r#"["r1"]"#),
        ("SNMPACT_LOG", "debug"), // no `__`: not a key
        ("PATH", "/bin"),
    ]);
    let s = load_with_env(&paths, &e, &[]).unwrap();
    assert_eq!(s.defaults.timeout, Duration::from_secs(3));
    assert_eq!(s.defaults.retries, 7);

    let flags = vec![
        ("defaults.timeout".to_owned(), "4s".to_owned()),
        (
            "jobs.j.scalars".to_owned(),
            r#"["sysName.0", "sysUpTime.0"]"#.to_owned(),
        ),
    ];
    let s = load_with_env(&paths, &e, &flags).unwrap();
    assert_eq!(s.defaults.timeout, Duration::from_secs(4));
    assert_eq!(s.jobs["j"].scalars.len(), 2);
    assert_eq!(s.sources.len(), 2 + 3 + 2);
}

#[test]
fn environment_and_flag_errors_name_their_source() {
    let paths = files(&[("1.toml", BASE)]);
    let (origin, key, _) = key_error(load_with_env(
        &paths,
        &env(&[("SNMPACT_DEFAULTS__TIMEOTU", "3s")]),
        &[],
    ));
    assert_eq!(origin, "environment variable SNMPACT_DEFAULTS__TIMEOTU");
    assert_eq!(key, "defaults.timeotu");
    let (origin, key, message) = key_error(load_with_env(
        &paths,
        &env(&[("SNMPACT_DEFAULTS__TIMEOUT", "soon")]),
        &[],
    ));
    assert_eq!(origin, "environment variable SNMPACT_DEFAULTS__TIMEOUT");
    assert_eq!(key, "defaults.timeout");
    assert!(message.contains("bad duration"));
    let (origin, key, _) = key_error(load_with_env(
        &paths,
        &[],
        &[("jobs.j.interval".into(), "0s".into())],
    ));
    assert_eq!(origin, "command line (--set jobs.j.interval=...)");
    assert_eq!(key, "jobs.j.interval");
}

#[test]
fn secrets_come_from_the_environment() {
    let paths = files(&[(
        "1.toml",
        "[defaults]\ncommunity_env = \"RO_COMMUNITY\"\n[agents.r1]\naddress = \"h\"\n",
    )]);
    let s = load_with_env(&paths, &env(&[("RO_COMMUNITY", "s3cret")]), &[]).unwrap();
    assert_eq!(&**s.agents["r1"].session.community.expose(), b"s3cret");
    assert!(!format!("{s:?}").contains("s3cret"));
    let (_, key, message) = key_error(load_with_env(&paths, &[], &[]));
    assert_eq!(key, "defaults.community_env");
    assert!(message.contains("RO_COMMUNITY is not set"));
    // Or the key itself, from the environment.
    let s = load_with_env(
        &files(&[("2.toml", "[agents.r1]\naddress = \"h\"\n")]),
        &env(&[("SNMPACT_AGENTS__R1__COMMUNITY", "t0ps3cret")]),
        &[],
    )
    .unwrap();
    assert_eq!(&**s.agents["r1"].session.community.expose(), b"t0ps3cret");
}

#[test]
fn groups_nest_and_jobs_select_by_group() {
    let s = load_text(
        r#"
[agents.a]
address = "h1"
groups = ["edge"]
[agents.b]
address = "h2"
[agents.c]
address = "h3"
[groups]
core = ["b"]
all = ["core", "edge"]
[jobs.j]
agents = ["all"]
interval = "1s"
scalars = ["sysName.0"]
[jobs.k]
agents = ["*"]
interval = "1s"
scalars = ["sysName.0"]
"#,
    )
    .unwrap();
    assert_eq!(s.groups["all"], ["a", "b"]);
    assert_eq!(s.groups["edge"], ["a"]);
    assert_eq!(s.agents["a"].groups, ["all", "edge"]);
    assert_eq!(s.job_agents(&s.jobs["j"]), ["a", "b"]);
    assert_eq!(s.job_agents(&s.jobs["k"]), ["a", "b", "c"]);
}

#[test]
fn simulated_agents_get_their_address_when_bound() {
    let paths = files(&[
        ("sim.snmprec", "1.3.6.1.2.1.1.5.0|4|sim\n"),
        (
            "s.toml",
            "[simulator.agents.lab]\ndata = \"sim.snmprec\"\n[agents.lab]\n[agents.other]\nsimulator = \"lab\"\n",
        ),
    ]);
    let mut s = load_with_env(&paths[1..], &[], &[]).unwrap();
    let sim = &s.simulator["lab"];
    assert_eq!(sim.listen.to_string(), "127.0.0.1:0");
    assert_eq!(sim.store.len(), 1);
    assert_eq!(sim.community, "public");
    assert_eq!(s.agents["lab"].target, Target::Simulator("lab".into()));
    assert_eq!(
        s.bind_simulator("lab", "127.0.0.1:5555".parse().unwrap()),
        2
    );
    assert_eq!(
        s.agents["other"].target,
        Target::Address("127.0.0.1:5555".into())
    );
}

#[test]
fn outputs_resolve_paths_next_to_their_file() {
    let paths = files(&[(
        "o.toml",
        "[outputs.a]\nkind = \"json\"\n[outputs.b]\nkind = \"influx\"\npath = \"out.lp\"\n[outputs.c]\nkind = \"prometheus\"\n",
    )]);
    let s = load_with_env(&paths, &[], &[]).unwrap();
    assert_eq!(
        s.outputs["a"],
        OutputSettings::Json {
            dest: Destination::Stdout
        }
    );
    let dir = paths[0].parent().unwrap();
    assert_eq!(
        s.outputs["b"],
        OutputSettings::Influx {
            dest: Destination::File(dir.join("out.lp"))
        }
    );
    assert_eq!(
        s.outputs["c"],
        OutputSettings::Prometheus {
            listen: "127.0.0.1:9464".parse().unwrap()
        }
    );
}
