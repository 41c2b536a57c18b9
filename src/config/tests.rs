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
            "must be a whole number from 0 to 4294967295",
        ),
        (
            "[defaults]\nversion = \"4\"\n",
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

// See: issue 15. Every whole-number key says what it takes, whatever the bad value.
#[test]
fn numeric_keys_say_what_they_take() {
    let keys = [
        ("engine.shards", usize::MAX as u64),
        ("defaults.retries", u64::from(u32::MAX)),
        ("defaults.max_oids", usize::MAX as u64),
        ("defaults.max_repetitions", u64::from(u32::MAX)),
        ("defaults.max_in_flight", usize::MAX as u64),
        ("agents.r1.retries", u64::from(u32::MAX)),
        ("console.max_line", usize::MAX as u64),
        ("console.max_connections", usize::MAX as u64),
        ("console.max_in_flight", usize::MAX as u64),
        ("simulator.agents.s.engine_boots", u64::from(u32::MAX)),
    ];
    for (key, max) in keys {
        let above = (max < u64::MAX).then(|| (max + 1).to_string());
        let above: Vec<&str> = above.iter().map(String::as_str).collect();
        for bad in [
            &["-1", "1.5", "many", "99999999999999999999999"][..],
            &above,
        ]
        .concat()
        {
            let r = load_with_env(&[], &[], &[(key.into(), bad.into())]);
            let (origin, k, message) = key_error(r);
            assert_eq!(origin, format!("command line (--set {key}=...)"));
            assert_eq!(k, key, "{key}={bad}");
            assert_eq!(
                message,
                format!("must be a whole number from 0 to {max}"),
                "{key}={bad}"
            );
        }
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
            // See: issue 15. Laid out as the toml crate lays it out, over several lines.
            let toml_own = toml::from_str::<toml::Table>("[defaults]\ntimeout = \n")
                .unwrap_err()
                .to_string();
            assert_eq!(
                text,
                format!("{}: {}", paths[0].display(), toml_own.trim_end())
            );
            assert!(text.lines().count() >= 4, "{text}");
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
            dest: Destination::Stdout,
            enum_labels: false,
        }
    );
    let dir = paths[0].parent().unwrap();
    assert_eq!(
        s.outputs["b"],
        OutputSettings::Influx {
            dest: Destination::File(dir.join("out.lp")),
            enum_labels: false,
        }
    );
    assert_eq!(
        s.outputs["c"],
        OutputSettings::Prometheus {
            listen: "127.0.0.1:9464".parse().unwrap(),
            prefix: "snmp_".into(),
            enum_labels: false,
        }
    );
}

// See: issue 17
#[test]
fn outputs_take_enum_labels_and_a_metric_prefix() {
    let s = load_text(
        "[outputs.j]\nkind = \"json\"\nenums = \"label\"\n\
         [outputs.p]\nkind = \"prometheus\"\nprefix = \"\"\nenums = \"label\"\n",
    )
    .unwrap();
    assert!(matches!(
        s.outputs["j"],
        OutputSettings::Json {
            enum_labels: true,
            ..
        }
    ));
    assert_eq!(
        s.outputs["p"],
        OutputSettings::Prometheus {
            listen: "127.0.0.1:9464".parse().unwrap(),
            prefix: String::new(),
            enum_labels: true,
        }
    );
    for (bad, key) in [
        (
            "[outputs.j]\nkind = \"json\"\nenums = \"names\"\n",
            "outputs.j.enums",
        ),
        (
            "[outputs.j]\nkind = \"json\"\nprefix = \"x_\"\n",
            "outputs.j.prefix",
        ),
        (
            "[outputs.p]\nkind = \"prometheus\"\nprefix = \"9x\"\n",
            "outputs.p.prefix",
        ),
        (
            "[outputs.p]\nkind = \"prometheus\"\nprefix = \"a-b\"\n",
            "outputs.p.prefix",
        ),
    ] {
        let (_, k, _) = key_error(load_text(bad));
        assert_eq!(k, key, "{bad}");
    }
}

const V3_AGENT: &str = r#"
[agents.r1]
address = "127.0.0.1:1161"
version = "3"
user = "alice"
security_level = "authPriv"
auth_protocol = "SHA-256"
auth_password = "authpass1"
priv_protocol = "AES-256-C"
priv_password = "privpass1"
context = "vlan-10"
context_engine_id = "0x8000000001"
security_engine_id = "80:00:1f:88:80:aa"
"#;

fn v3_user(s: &Settings, agent: &str) -> crate::usm::User {
    let session = &s.agents[agent].session;
    assert_eq!(session.version, Version::V3, "{agent}");
    (**session.user.as_ref().expect(agent)).clone()
}

#[test]
fn snmpv3_users_per_agent() {
    use crate::usm::{AuthProtocol, PrivProtocol, SecurityLevel};
    let s = load_text(V3_AGENT).unwrap();
    let u = v3_user(&s, "r1");
    assert_eq!(
        u,
        crate::usm::sample_user(PrivProtocol::Aes256Cisco, "vlan-10")
    );
    let shown = format!("{s:?}");
    assert!(shown.contains("alice"));
    assert!(!shown.contains("authpass1") && !shown.contains("privpass1"));

    // Without security_level: the highest the given secrets allow.
    let s = load_text(
        r#"
[defaults]
version = "3"
[agents.a]
address = "h1"
user = "u"
[agents.b]
address = "h2"
user = "u"
auth_password = "authpass1"
[agents.c]
address = "h3"
user = "u"
auth_password = "authpass1"
priv_password = "privpass1"
[agents.d]
address = "h4"
user = "u"
security_level = "noauth"
auth_password = "authpass1"
[agents.e]
address = "h5"
version = "2c"
"#,
    )
    .unwrap();
    let levels: Vec<_> = ["a", "b", "c", "d"]
        .iter()
        .map(|a| v3_user(&s, a).level)
        .collect();
    assert_eq!(
        levels,
        [
            SecurityLevel::NoAuthNoPriv,
            SecurityLevel::AuthNoPriv,
            SecurityLevel::AuthPriv,
            SecurityLevel::NoAuthNoPriv
        ]
    );
    // net-snmp's defaults: MD5 and DES.
    let c = v3_user(&s, "c");
    assert_eq!(
        (c.auth_protocol, c.priv_protocol),
        (AuthProtocol::Md5, PrivProtocol::Des)
    );
    // A v2c agent has no user, and [defaults] at version 3 without `user` is fine.
    assert!(s.agents["e"].session.user.is_none());
    assert!(s.defaults.user.is_none());
}

#[test]
fn snmpv3_secrets_from_the_environment() {
    use crate::usm::{KeySource, Secret};
    let text = r#"
[defaults]
version = "3"
user = "monitor"
security_level = "authPriv"
auth_protocol = "SHA"
auth_password_env = "SNMP_AUTH"
priv_protocol = "AES"
priv_key_env = "SNMP_PRIV_KEY"
[agents.r1]
address = "127.0.0.1:1161"
"#;
    let paths = files(&[("v3.toml", text)]);
    let vars = env(&[
        ("SNMP_AUTH", "authpass1"),
        ("SNMP_PRIV_KEY", "0x0102030405060708090a0b0c0d0e0f10"),
    ]);
    let s = load_with_env(&paths, &vars, &[]).unwrap();
    let u = v3_user(&s, "r1");
    assert_eq!(
        u.auth_key,
        Some(KeySource::Password(Secret::from("authpass1")))
    );
    assert_eq!(
        u.priv_key,
        Some(KeySource::Localized(
            Secret::from_hex("0102030405060708090a0b0c0d0e0f10").unwrap()
        ))
    );
    // The defaults make a user too, as they name one.
    assert_eq!(s.defaults.user.as_ref().unwrap().name, "monitor");
    assert!(!format!("{s:?}").contains("authpass1"));

    // An unset variable names the variable and the key, never a value.
    let (origin, key, message) = key_error(load_with_env(
        &paths,
        &env(&[("SNMP_PRIV_KEY", "0102030405060708090a0b0c0d0e0f10")]),
        &[],
    ));
    assert_eq!(origin, paths[0].display().to_string());
    assert_eq!(key, "defaults.auth_password_env");
    assert_eq!(message, "environment variable SNMP_AUTH is not set");
    // A key that is not hex: the variable is named, its value is not shown.
    let (_, key, message) = key_error(load_with_env(
        &paths,
        &env(&[("SNMP_AUTH", "authpass1"), ("SNMP_PRIV_KEY", "s3cretzz")]),
        &[],
    ));
    assert_eq!(key, "defaults.priv_key_env");
    assert_eq!(
        message,
        "environment variable SNMP_PRIV_KEY is not a key in hex"
    );

    // The pass phrase itself from SNMPACT_..., as any key.
    let s = load_with_env(
        &files(&[("v3b.toml", V3_AGENT)]),
        &env(&[("SNMPACT_AGENTS__R1__AUTH_PASSWORD", "fromtheenv")]),
        &[],
    )
    .unwrap();
    assert_eq!(
        v3_user(&s, "r1").auth_key,
        Some(KeySource::Password(Secret::from("fromtheenv")))
    );
}

#[test]
fn snmpv3_users_per_group() {
    use crate::usm::{AuthProtocol, SecurityLevel};
    let s = load_with_env(
        &files(&[(
            "g.toml",
            r#"
[agents.r1]
address = "h1"
[agents.r2]
address = "h2"
user = "bob"
auth_password = "bobpass12"
[agents.r3]
address = "h3"
groups = ["lab"]
[agents.r4]
address = "h4"
groups = ["core"]
version = "2c"
[groups]
lab = ["r3"]
all = ["core", "lab"]
[groups.core]
members = ["r1", "r2"]
version = "3"
user = "monitor"
security_level = "authNoPriv"
auth_protocol = "SHA-512"
auth_password_env = "CORE_AUTH"
timeout = "3s"
"#,
        )]),
        &env(&[("CORE_AUTH", "corepass1")]),
        &[],
    )
    .unwrap();
    // The group's keys over [defaults], under each agent's own.
    let r1 = v3_user(&s, "r1");
    assert_eq!(
        (r1.name.as_str(), r1.level, r1.auth_protocol),
        ("monitor", SecurityLevel::AuthNoPriv, AuthProtocol::Sha512)
    );
    assert_eq!(s.agents["r1"].session.timeout, Duration::from_secs(3));
    let r2 = v3_user(&s, "r2");
    assert_eq!(
        (r2.name.as_str(), r2.auth_protocol),
        ("bob", AuthProtocol::Sha512)
    );
    assert_ne!(r2.auth_key, r1.auth_key);
    // Outside the group: v2c. An agent of the group may go back to v2c on its own.
    assert_eq!(s.agents["r3"].session.version, Version::V2c);
    assert!(s.agents["r4"].session.user.is_none());
    // Both forms of group nest and select as before.
    assert_eq!(s.groups["core"], ["r1", "r2", "r4"]);
    assert_eq!(s.groups["all"], ["r1", "r2", "r3", "r4"]);
    assert_eq!(s.agents["r1"].groups, ["all", "core"]);
}

#[test]
fn snmpv3_mistakes_name_the_agent_and_key() {
    let r1 = "[agents.r1]\naddress = \"h\"\n";
    let cases: Vec<(String, &str, &str)> = vec![
        (
            format!("{r1}version = \"3\"\n"),
            "agents.r1",
            "version 3 needs `user` (the SNMPv3 user name)",
        ),
        (
            format!(
                "{r1}version = \"3\"\nuser = \"alice\"\nsecurity_level = \"authPriv\"\nauth_password = \"authpass1\"\n"
            ),
            "agents.r1",
            "SNMPv3 user \"alice\": security level authPriv needs priv_password, priv_password_env or priv_key_env",
        ),
        (
            format!("{r1}version = \"3\"\nuser = \"alice\"\nsecurity_level = \"authNoPriv\"\n"),
            "agents.r1",
            "SNMPv3 user \"alice\": security level authNoPriv needs auth_password, auth_password_env or auth_key_env",
        ),
        (
            format!("{r1}version = \"3\"\nuser = \"alice\"\nauth_password = \"s3cret\"\n"),
            "agents.r1",
            "SNMPv3 user \"alice\": authentication pass phrase shorter than 8 characters",
        ),
        (
            format!("{r1}user = \"alice\"\n"),
            "agents.r1.user",
            "an SNMPv3 key, but the version is 2c: add version = \"3\"",
        ),
        (
            format!(
                "{r1}version = \"3\"\nuser = \"a\"\nauth_password = \"s3cretpass\"\nauth_password_env = \"X\"\n"
            ),
            "agents.r1.auth_password_env",
            "give one of auth_password, auth_password_env and auth_key_env",
        ),
        (
            format!("{r1}version = \"3\"\nuser = \"a\"\nauth_protocol = \"SHA-3\"\n"),
            "agents.r1.auth_protocol",
            "bad authentication protocol \"SHA-3\"",
        ),
        (
            format!("{r1}version = \"3\"\nuser = \"a\"\npriv_protocol = \"3DES\"\n"),
            "agents.r1.priv_protocol",
            "bad privacy protocol \"3DES\"",
        ),
        (
            format!("{r1}version = \"3\"\nuser = \"a\"\nsecurity_level = \"high\"\n"),
            "agents.r1.security_level",
            "bad security level \"high\"",
        ),
        (
            format!("{r1}version = \"3\"\nuser = \"a\"\nsecurity_engine_id = \"0102\"\n"),
            "agents.r1.security_engine_id",
            "bad engine id \"0102\": 5 to 32 octets in hex",
        ),
        (
            format!("{r1}version = \"3\"\nuser = \"a\"\nauth_pasword = \"s3cretpass\"\n"),
            "agents.r1.auth_pasword",
            "unknown field",
        ),
        (
            format!("{r1}[groups.g]\nmembers = [\"r1\"]\nbogus = 1\n"),
            "groups.g.bogus",
            "unknown field",
        ),
        (
            format!("{r1}[groups.g]\nmembers = [\"r1\"]\nuser = \"a\"\n"),
            "groups.g.user",
            "an SNMPv3 key, but the version is 2c",
        ),
        (
            format!(
                "{r1}[groups.g]\nmembers = [\"r1\"]\ntimeout = \"2s\"\n[groups.h]\nmembers = [\"r1\"]\nretries = 1\n"
            ),
            "agents.r1",
            "in groups \"g\" and \"h\", which both set session keys",
        ),
    ];
    for (text, want_key, want_message) in &cases {
        let paths = files(&[("e.toml", text)]);
        let (origin, key, message) = key_error(load_with_env(&paths, &[], &[]));
        assert_eq!(&key, want_key, "{text}");
        assert!(message.contains(want_message), "{text}: {message}");
        assert!(!message.contains("s3cret"), "{text}: {message}");
        assert_eq!(origin, paths[0].display().to_string(), "{text}");
    }
}

const SIM_V3: &str = r#"
[simulator.agents.lab]
engine_id = "80001f880401020304"
engine_boots = 7
[[simulator.agents.lab.v3_users]]
user = "alice"
auth_protocol = "SHA-256"
auth_password = "authpass1"
priv_protocol = "AES"
priv_password_env = "LAB_PRIV"
[[simulator.agents.lab.v3_users]]
user = "bob"
auth_protocol = "MD5"
auth_password_env = "LAB_BOB_AUTH"
[[simulator.agents.lab.v3_users]]
user = "guest"
[simulator.agents.plain]
[agents.lab]
[jobs.j]
agents = ["lab"]
interval = "10s"
scalars = ["sysUpTime.0"]
"#;

#[test]
fn simulated_agents_get_snmpv3_users() {
    use crate::usm::{AuthProtocol, KeyCache, PrivProtocol, SecurityLevel, User};
    let paths = files(&[("sim3.toml", SIM_V3)]);
    let vars = env(&[("LAB_PRIV", "privpass1"), ("LAB_BOB_AUTH", "bobpass12")]);
    let s = load_with_env(&paths, &vars, &[]).unwrap();
    let v3 = s.simulator["lab"].v3.as_ref().unwrap();
    assert_eq!(
        v3.engine_id.as_deref(),
        Some(&[0x80, 0x00, 0x1f, 0x88, 0x04, 1, 2, 3, 4][..])
    );
    assert_eq!(v3.engine_boots, 7);
    assert_eq!(
        v3.users,
        [
            User::new("alice")
                .with_auth(AuthProtocol::Sha256, "authpass1")
                .with_privacy(PrivProtocol::Aes128, "privpass1"),
            User::new("bob").with_auth(AuthProtocol::Md5, "bobpass12"),
            User::new("guest"),
        ]
    );
    assert_eq!(v3.users[2].level, SecurityLevel::NoAuthNoPriv);
    assert!(s.simulator["plain"].v3.is_none());
    // The engine: the given id, or the default one of the bound port.
    let mut cache = KeyCache::new();
    let bound: std::net::SocketAddr = "127.0.0.1:16123".parse().unwrap();
    let e = crate::service::simulated_engine(&s.simulator["lab"], bound, &mut cache).unwrap();
    assert_eq!(e.unwrap().engine_id(), v3.engine_id.as_deref().unwrap());
    assert!(
        crate::service::simulated_engine(&s.simulator["plain"], bound, &mut cache)
            .unwrap()
            .is_none()
    );
    let s2 = load_text(
        "[simulator.agents.d]\n[[simulator.agents.d.v3_users]]\nuser = \"u\"\nauth_password = \"authpass1\"\n",
    )
    .unwrap();
    assert_eq!(
        crate::service::simulated_engine(&s2.simulator["d"], bound, &mut cache)
            .unwrap()
            .unwrap()
            .engine_id(),
        crate::simulator::agent::usm::default_engine_id(16123)
    );
    // Secrets never show.
    let shown = format!("{s:?}");
    assert!(shown.contains("alice") && shown.contains("bob"), "{shown}");
    for secret in ["authpass1", "privpass1", "bobpass12"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }

    // An unset variable names the agent, the user entry and the variable; never a value.
    let (origin, key, message) = key_error(load_with_env(
        &paths,
        &env(&[("LAB_PRIV", "privpass1")]),
        &[],
    ));
    assert_eq!(origin, paths[0].display().to_string());
    assert_eq!(key, "simulator.agents.lab.v3_users[1].auth_password_env");
    assert_eq!(message, "environment variable LAB_BOB_AUTH is not set");
    // A whole user list from the environment, as any key.
    let s = load_with_env(
        &paths,
        &env(&[
            (
                "SNMPACT_SIMULATOR__AGENTS__LAB__V3_USERS",
                r#"[{ user = "carol", auth_password_env = "CAROL" }]"#,
            ),
            ("CAROL", "carolpass"),
        ]),
        &[],
    )
    .unwrap();
    let v3 = s.simulator["lab"].v3.as_ref().unwrap();
    assert_eq!(
        v3.users,
        [User::new("carol").with_auth(AuthProtocol::Md5, "carolpass")]
    );
}

#[test]
fn simulated_agent_snmpv3_mistakes_name_the_agent_and_key() {
    let sim = "[simulator.agents.lab]\n";
    let user = "[[simulator.agents.lab.v3_users]]\n";
    let cases: Vec<(String, &str, &str)> = vec![
        (
            format!(
                "{sim}{user}user = \"a\"\nauth_protocol = \"SHA-3\"\nauth_password = \"s3cretpass\"\n"
            ),
            "simulator.agents.lab.v3_users[0].auth_protocol",
            "bad authentication protocol \"SHA-3\"",
        ),
        (
            format!(
                "{sim}{user}user = \"a\"\nauth_password = \"s3cretpass\"\npriv_protocol = \"3DES\"\n"
            ),
            "simulator.agents.lab.v3_users[0].priv_protocol",
            "bad privacy protocol \"3DES\"",
        ),
        (
            format!("{sim}{user}user = \"a\"\nauth_password = \"s3cret\"\n"),
            "simulator.agents.lab.v3_users[0]",
            "SNMPv3 user \"a\": authentication pass phrase shorter than 8 characters",
        ),
        (
            format!(
                "{sim}{user}user = \"a\"\nsecurity_level = \"authPriv\"\nauth_password = \"s3cretpass\"\n"
            ),
            "simulator.agents.lab.v3_users[0]",
            "security level authPriv needs priv_password, priv_password_env or priv_key_env",
        ),
        (
            format!("{sim}{user}auth_password = \"s3cretpass\"\n"),
            "simulator.agents.lab.v3_users[0].user",
            "missing: the USM user name",
        ),
        (
            format!("{sim}{user}user = \"a\"\n{user}user = \"b\"\n{user}user = \"a\"\n"),
            "simulator.agents.lab.v3_users[2].user",
            "\"a\" is listed twice",
        ),
        (
            format!(
                "{sim}{user}user = \"a\"\nauth_password = \"s3cretpass\"\nauth_password_env = \"X\"\n"
            ),
            "simulator.agents.lab.v3_users[0].auth_password_env",
            "give one of auth_password, auth_password_env and auth_key_env",
        ),
        (
            format!("{sim}{user}user = \"a\"\nauth_key_env = \"KEY\"\n"),
            "simulator.agents.lab.v3_users[0].auth_key_env",
            "a localized key is for one engine: give the agent's engine_id",
        ),
        (
            format!(
                "{sim}engine_id = \"80001f8804aa\"\n{user}user = \"a\"\nauth_key_env = \"KEY\"\n"
            ),
            "simulator.agents.lab.v3_users[0]",
            "SNMPv3 user \"a\": ",
        ),
        (
            format!("{sim}engine_id = \"0102\"\n{user}user = \"a\"\n"),
            "simulator.agents.lab.engine_id",
            "bad engine id \"0102\": 5 to 32 octets in hex",
        ),
        (
            format!("{sim}engine_boots = 2147483647\n{user}user = \"a\"\n"),
            "simulator.agents.lab.engine_boots",
            "must be below 2147483647",
        ),
        (
            format!("{sim}engine_id = \"80001f8804aa\"\n"),
            "simulator.agents.lab.engine_id",
            "SNMPv3 engine without v3_users",
        ),
        (
            format!("{sim}{user}user = \"a\"\ncontext = \"x\"\n"),
            "simulator.agents.lab.v3_users[0].context",
            "unknown field",
        ),
    ];
    for (text, want_key, want_message) in &cases {
        let paths = files(&[("s.toml", text)]);
        // KEY: a localized key of the wrong length (MD5's are 16 octets).
        let (origin, key, message) =
            key_error(load_with_env(&paths, &env(&[("KEY", "0102")]), &[]));
        assert_eq!(&key, want_key, "{text}");
        assert!(message.contains(want_message), "{text}: {message}");
        assert!(!message.contains("s3cret"), "{text}: {message}");
        assert_eq!(origin, paths[0].display().to_string(), "{text}");
    }
}

// See: issue 18
#[test]
fn listening_beyond_loopback_needs_a_password_or_an_explicit_yes() {
    let (origin, key, message) = key_error(load_text(&format!(
        "{BASE}[console]\nlisten = \"0.0.0.0:2323\"\n"
    )));
    assert!(origin.ends_with("a.toml"), "{origin}");
    assert_eq!(key, "console.password");
    assert!(message.contains("beyond loopback"), "{message}");
    assert!(message.contains("allow_unauthenticated"), "{message}");
    let ok = load_text(&format!(
        "{BASE}[console]\nlisten = \"0.0.0.0:2323\"\nallow_unauthenticated = true\n"
    ))
    .unwrap();
    assert!(ok.console.is_read_only());
    let ok = load_text(&format!(
        "{BASE}[console]\nlisten = \"0.0.0.0:2323\"\npassword = \"pw\"\nread_only = false\nallow = [\"10.0.0.0/8\"]\n"
    ))
    .unwrap();
    assert!(!ok.console.is_read_only());

    let prom = "[outputs.p]\nkind = \"prometheus\"\n";
    let (_, key, message) = key_error(load_text(&format!(
        "{BASE}{prom}listen = \"0.0.0.0:9464\"\n"
    )));
    assert_eq!(key, "outputs.p.listen");
    assert!(
        message.contains("allow_unauthenticated = true"),
        "{message}"
    );
    let ok = load_text(&format!(
        "{BASE}{prom}listen = \"0.0.0.0:9464\"\nallow_unauthenticated = true\n"
    ))
    .unwrap();
    assert!(matches!(
        ok.outputs["p"],
        OutputSettings::Prometheus { listen, .. } if listen.port() == 9464
    ));
    let (_, key, _) = key_error(load_text(&format!(
        "{BASE}[outputs.j]\nkind = \"json\"\nallow_unauthenticated = true\n"
    )));
    assert_eq!(key, "outputs.j.allow_unauthenticated");
}

// See: issue 19
#[test]
fn cluster_section_defaults_checks_and_secret() {
    let s = load_text("[cluster]\nredis = \"redis://127.0.0.1:6379\"\n").unwrap();
    let c = s.cluster.unwrap();
    assert_eq!(c.name, "snmpact");
    assert_eq!(c.heartbeat, Duration::from_secs(1));
    assert_eq!(c.ttl, Duration::from_secs(5));
    assert!(c.instance.ends_with(&format!("-{}", std::process::id())));
    assert!(load_text("").unwrap().cluster.is_none());

    for (text, key, words) in [
        ("[cluster]\n", "cluster.redis", "Redis URL"),
        (
            "[cluster]\nredis = \"rediss://h:1\"\nca_file = \"/nonexistent/ca.pem\"\n",
            "cluster.ca_file",
            "/nonexistent/ca.pem",
        ),
        (
            "[cluster]\nredis = \"redis://h:1\"\nsentinels = [\"redis://h:26379\"]\nmaster_name = \"m\"\n",
            "cluster.sentinels",
            "not both",
        ),
        (
            "[cluster]\nsentinels = [\"redis://h:26379\"]\n",
            "cluster.master_name",
            "master's name",
        ),
        (
            "[cluster]\nsentinels = [\"http://h:26379\"]\nmaster_name = \"m\"\n",
            "cluster.sentinels",
            "sentinel",
        ),
        (
            "[cluster]\nredis = \"redis://h:1\"\nmaster_name = \"m\"\n",
            "cluster.master_name",
            "only with sentinels",
        ),
        (
            "[cluster]\nredis = \"http://h\"\n",
            "cluster.redis",
            "redis://",
        ),
        (
            "[cluster]\nredis = \"redis://h\"\nheartbeat = \"1s\"\nttl = \"2s\"\n",
            "cluster.ttl",
            "3 heartbeats",
        ),
        (
            "[cluster]\nredis = \"redis://h\"\ninstance = \"a b\"\n",
            "cluster.instance",
            "no spaces",
        ),
        (
            "[cluster]\nredis = \"redis://h\"\n[cluster.pins]\nnowhere = \"paris\"\n",
            "cluster.pins.nowhere",
            "no group",
        ),
        (
            "[cluster]\nredis = \"redis://h\"\npassword_env = \"SNMPACT_TEST_NO_SUCH\"\n",
            "cluster.password_env",
            "not set",
        ),
    ] {
        let (_, k, m) = key_error(load_text(text));
        assert_eq!(k, key, "{text}");
        assert!(m.contains(words), "{text}: {m}");
    }

    let text = "[cluster]\nredis = \"redis://h\"\npassword_env = \"RPW\"\ninstance = \"p1\"\n\
                site = \"paris\"\n[cluster.pins]\ncore = \"paris\"\n\
                [agents.r1]\naddress = \"127.0.0.1:161\"\ngroups = [\"core\"]\n";
    let s = load_with_env(&files(&[("a.toml", text)]), &env(&[("RPW", "s3cret")]), &[]).unwrap();
    let c = s.cluster.unwrap();
    assert_eq!(c.password.as_deref(), Some("s3cret"));
    assert!(!format!("{c:?}").contains("s3cret"));
    assert_eq!(c.pins["core"], "paris");
    assert_eq!(c.site.as_deref(), Some("paris"));

    let text = "[cluster]\nsentinels = [\"redis://127.0.0.1:26379\"]\nmaster_name = \"m\"\n";
    let c = load_text(text).unwrap().cluster.unwrap();
    assert_eq!(c.sentinels, vec!["redis://127.0.0.1:26379".to_owned()]);
    assert_eq!(c.master_name.as_deref(), Some("m"));
    assert!(c.redis.is_empty());
    let c = load_text("[cluster]\nredis = \"rediss://127.0.0.1:6380\"\n")
        .unwrap()
        .cluster
        .unwrap();
    assert_eq!(c.redis, "rediss://127.0.0.1:6380");
    assert!(c.ca_file.is_none());
}

// See: issue 12
#[test]
fn engine_adhoc_idle_is_read_and_checked() {
    let s = load_text("").unwrap();
    assert_eq!(s.engine.adhoc_idle, crate::engine::DEFAULT_ADHOC_IDLE);
    let s = load_text("[engine]\nadhoc_idle = \"30s\"\n").unwrap();
    assert_eq!(s.engine.adhoc_idle, Duration::from_secs(30));
    let s = load_text("[engine]\nadhoc_idle = \"0s\"\n").unwrap();
    assert_eq!(s.engine.adhoc_idle, Duration::ZERO);
    let (_, key, _) = key_error(load_text("[engine]\nadhoc_idle = \"soon\"\n"));
    assert_eq!(key, "engine.adhoc_idle");
}
