//! The parser, command by command: what each accepts, and the exact line each mistake gives.

use std::time::Duration;

use super::*;
use crate::pdu::Value;

fn oid(s: &str) -> Oid {
    s.parse().unwrap()
}

fn run(line: &str) -> Action {
    match parse(line) {
        Ok(Some(Command::Run(a))) => a,
        other => panic!("{line}: {other:?}"),
    }
}

fn err(line: &str) -> String {
    match parse(line) {
        Err(e) => e.to_string(),
        other => panic!("{line}: expected an error, got {other:?}"),
    }
}

fn named(name: &str) -> AgentRef {
    AgentRef {
        name: name.into(),
        options: AgentOptions::default(),
    }
}

#[test]
fn get_takes_options_before_the_agent_as_net_snmp() {
    let a = run("get -v 2c -c public 127.0.0.1:16100 sysDescr.0");
    let Action::Get { agent, oids } = a else {
        panic!()
    };
    assert_eq!(agent.name, "127.0.0.1:16100");
    assert_eq!(agent.options.version, Some(Version::V2c));
    assert_eq!(agent.options.community, Some(Community::from("public")));
    assert_eq!(oids, [oid("1.3.6.1.2.1.1.1.0")]);

    assert_eq!(
        run("get demo 1.3.6.1.2.1.1.1.0 .1.3.6.1.2.1.1.3.0"),
        Action::Get {
            agent: named("demo"),
            oids: vec![oid("1.3.6.1.2.1.1.1.0"), oid("1.3.6.1.2.1.1.3.0")],
        }
    );
    // Glued values, fractions of seconds, v1.
    let Action::Get { agent: a, .. } = run("get -v1 -cprivate -t0.25 -r 2 demo sysUpTime.0") else {
        panic!()
    };
    assert_eq!(
        a.options,
        AgentOptions {
            version: Some(Version::V1),
            community: Some(Community::from("private")),
            timeout: Some(Duration::from_millis(250)),
            retries: Some(2),
            user: Box::default(),
        }
    );
    let applied = a.options.apply(SessionConfig::default()).unwrap();
    assert_eq!(applied.timeout, Duration::from_millis(250));
    assert_eq!(applied.retries, 2);
    assert_eq!(applied.version, Version::V1);
}

#[test]
fn next_bulk_walk_table() {
    assert_eq!(
        run("next demo sysDescr"),
        Action::Next {
            agent: named("demo"),
            oids: vec![oid("1.3.6.1.2.1.1.1")],
        }
    );
    assert_eq!(
        run("getnext demo system"),
        Action::Next {
            agent: named("demo"),
            oids: vec![oid("1.3.6.1.2.1.1")],
        }
    );
    assert_eq!(
        run("bulk demo ifDescr"),
        Action::Bulk {
            agent: named("demo"),
            non_repeaters: None,
            max_repetitions: None,
            oids: vec![oid("1.3.6.1.2.1.2.2.1.2")],
        }
    );
    assert_eq!(
        run("bulk -c x demo -n 1 -r5 sysUpTime ifDescr"),
        Action::Bulk {
            agent: AgentRef {
                name: "demo".into(),
                options: AgentOptions {
                    community: Some("x".into()),
                    ..AgentOptions::default()
                },
            },
            non_repeaters: Some(1),
            max_repetitions: Some(5),
            oids: vec![oid("1.3.6.1.2.1.1.3"), oid("1.3.6.1.2.1.2.2.1.2")],
        }
    );
    assert_eq!(
        run("bulk demo -Cn 0 -Cr20 ifDescr"),
        Action::Bulk {
            agent: named("demo"),
            non_repeaters: Some(0),
            max_repetitions: Some(20),
            oids: vec![oid("1.3.6.1.2.1.2.2.1.2")],
        }
    );
    assert_eq!(
        run("walk demo"),
        Action::Walk {
            agent: named("demo"),
            root: oid("1.3.6.1.2.1"),
            whole_arc: false,
        }
    );
    // See: issue 15. One-arc roots, as net-snmp takes them: from ARC.0, the whole arc.
    for root in [".1", "1", "iso"] {
        assert_eq!(
            run(&format!("walk demo {root}")),
            Action::Walk {
                agent: named("demo"),
                root: oid("1.0"),
                whole_arc: true,
            }
        );
    }
    assert_eq!(
        run("walk [::1]:1161 IF-MIB::ifTable"),
        Action::Walk {
            agent: named("[::1]:1161"),
            root: oid("1.3.6.1.2.1.2.2"),
            whole_arc: false,
        }
    );
    assert_eq!(
        run("table demo ifTable"),
        Action::Table {
            agent: named("demo"),
            oid: oid("1.3.6.1.2.1.2.2"),
        }
    );
}

#[test]
fn set_takes_triples() {
    assert_eq!(
        run(
            r#"set -c private demo sysContact.0 s "ops team" sysLocation.0 x "0a 0B" 1.3.6.1.4.1.1.0 i -5"#
        ),
        Action::Set {
            agent: AgentRef {
                name: "demo".into(),
                options: AgentOptions {
                    community: Some("private".into()),
                    ..AgentOptions::default()
                },
            },
            varbinds: vec![
                VarBind::new(
                    oid("1.3.6.1.2.1.1.4.0"),
                    Value::OctetString(b"ops team".to_vec().into())
                ),
                VarBind::new(
                    oid("1.3.6.1.2.1.1.6.0"),
                    Value::OctetString(vec![10, 11].into())
                ),
                VarBind::new(oid("1.3.6.1.4.1.1.0"), Value::Integer(-5)),
            ],
        }
    );
    assert_eq!(
        err("set demo sysContact.0 s"),
        "set: missing VALUE (usage: set [OPTIONS] AGENT OID TYPE VALUE [OID TYPE VALUE]...)"
    );
    assert_eq!(
        err("set demo"),
        "set: missing OID TYPE VALUE (usage: set [OPTIONS] AGENT OID TYPE VALUE [OID TYPE VALUE]...)"
    );
    assert_eq!(
        err("set demo sysContact.0 q 1"),
        "set: unknown type 'q' (one of: i u c C t a o s x d b n)"
    );
    assert_eq!(
        err("set demo sysUpTime.0 t -1"),
        "set: bad value '-1' for type t: expected a number from 0 to 4294967295"
    );
}

#[test]
fn agents_and_console_commands() {
    assert_eq!(run("agents"), Action::Agents);
    assert_eq!(run("stats"), Action::Stats);
    assert_eq!(run("cluster"), Action::Cluster);
    assert_eq!(
        run("agent add core-sw1 127.0.0.1:16100 -v 1 -c public -t 0.5 -r 2"),
        Action::AgentAdd {
            name: "core-sw1".into(),
            target: "127.0.0.1:16100".into(),
            options: AgentOptions {
                version: Some(Version::V1),
                community: Some("public".into()),
                timeout: Some(Duration::from_millis(500)),
                retries: Some(2),
                user: Box::default(),
            },
        }
    );
    // Options before the name work too.
    assert!(matches!(
        run("agent add -r 1 sw 127.0.0.1"),
        Action::AgentAdd { ref name, .. } if name == "sw"
    ));
    assert_eq!(
        run("agent del core-sw1"),
        Action::AgentDel {
            name: "core-sw1".into()
        }
    );
    let c = |line: &str| parse(line).unwrap().unwrap();
    assert_eq!(c("format numeric"), Command::Format(OutputFormat::Numeric));
    assert_eq!(c("format text"), Command::Format(OutputFormat::Text));
    assert_eq!(c("format json"), Command::Format(OutputFormat::Json));
    assert_eq!(c("jobs"), Command::Jobs);
    assert_eq!(c("cancel 12"), Command::Cancel(12));
    assert_eq!(c("help"), Command::Help(None));
    assert_eq!(c("help set"), Command::Help(Some("set".into())));
    assert_eq!(c("help agent add"), Command::Help(Some("agent add".into())));
    assert_eq!(c("quit"), Command::Quit);
    assert_eq!(c("exit"), Command::Quit);
    assert_eq!(parse("").unwrap(), None);
    assert_eq!(parse(" \t ").unwrap(), None);
    assert_eq!(parse("# get demo").unwrap(), None);
}

#[test]
fn every_mistake_is_one_clear_line() {
    let cases = [
        ("gte demo sysDescr.0", "unknown command 'gte' (try: help)"),
        (
            "get",
            "get: missing AGENT (usage: get [OPTIONS] AGENT OID...)",
        ),
        (
            "get demo",
            "get: missing OID (usage: get [OPTIONS] AGENT OID...)",
        ),
        (
            "get demo sysDescrr.0",
            "get: unknown object name 'sysDescrr'",
        ),
        (
            "get -k demo sysDescr.0",
            "get: unknown option '-k' (usage: get [OPTIONS] AGENT OID...)",
        ),
        ("get -c", "get: option -c needs a value"),
        (
            "get -v 4 demo sysDescr.0",
            "get: bad value '4' for -v: expected 1, 2c or 3",
        ),
        (
            "get -t 0 demo sysDescr.0",
            "get: bad value '0' for -t: expected seconds above 0 and up to 600",
        ),
        (
            "get -t nan demo sysDescr.0",
            "get: bad value 'nan' for -t: expected seconds above 0 and up to 600",
        ),
        (
            "get -r 101 demo sysDescr.0",
            "get: bad value '101' for -r: expected a number of retries up to 100",
        ),
        (
            "bulk demo -q 1 ifDescr",
            "bulk: unknown option '-q' (usage: bulk [OPTIONS] AGENT [-n NON-REPEATERS] [-r MAX-REPETITIONS] OID...)",
        ),
        (
            "bulk demo -r x ifDescr",
            "bulk: bad value 'x' for -r: expected a number up to 4294967295",
        ),
        (
            "walk demo system extra",
            "walk: unexpected 'extra' (usage: walk [OPTIONS] AGENT [OID])",
        ),
        (
            "table demo",
            "table: missing OID (usage: table [OPTIONS] AGENT OID)",
        ),
        (
            "format xml",
            "format: unknown format 'xml' (text, numeric or json)",
        ),
        (
            "cancel x",
            "cancel: bad value 'x' for N: expected a command number",
        ),
        ("help gte", "help: no command 'gte' (try: help)"),
        ("quit now", "quit: unexpected 'now' (usage: quit)"),
        (
            "agent",
            "agent: missing add|del (usage: agent add NAME HOST[:PORT] [OPTIONS] | agent del NAME)",
        ),
        (
            "agent rename a b",
            "agent: unknown option 'rename' (usage: agent add NAME HOST[:PORT] [OPTIONS] | agent del NAME)",
        ),
        (
            "agent add 9x 127.0.0.1",
            "agent add: bad name '9x': use letters, digits, '.', '-' and '_', starting with a letter",
        ),
        (
            "agent add sw",
            "agent add: missing HOST[:PORT] (usage: agent add NAME HOST[:PORT] [OPTIONS])",
        ),
        (
            "agent add sw 127.0.0.1 extra",
            "agent add: unexpected 'extra' (usage: agent add NAME HOST[:PORT] [OPTIONS])",
        ),
        ("get demo \"sysDescr.0", "unterminated double quote"),
    ];
    for (line, want) in cases {
        assert_eq!(err(line), want, "{line}");
    }
}

#[test]
fn junk_is_an_unknown_command_shown_harmlessly() {
    // Control characters are escaped and long words clipped, so an error never echoes junk.
    assert_eq!(
        err("\u{1}\u{1b}[2J"),
        "unknown command '\\u{1}\\u{1b}[2J' (try: help)"
    );
    let long = "x".repeat(5000);
    let e = err(&long);
    assert!(e.len() < 100, "{e}");
    assert!(e.starts_with("unknown command 'xxxx") && e.contains('…'));
    // Invalid UTF-8 arrives as U+FFFD from the line decoder: still just an unknown command.
    assert!(err("\u{fffd}\u{fffd}").starts_with("unknown command"));
}

#[test]
fn quotes_group_words() {
    assert_eq!(
        tokenize("a  'b c'  \"d \\\" e\"").unwrap(),
        ["a", "b c", "d \" e"]
    );
    assert_eq!(tokenize("x\"\"").unwrap(), ["x"]);
    assert_eq!(tokenize("''").unwrap(), [""]);
    assert_eq!(tokenize("\"a\\nb\"").unwrap(), ["a\\nb"]);
    assert!(tokenize("'").is_err());
    assert!(tokenize("\"\\").is_err());
}

#[test]
fn help_covers_every_command() {
    let all = help(None).unwrap();
    for c in COMMANDS {
        assert!(all.iter().any(|l| l.trim() == c.usage), "{}", c.name);
        assert_eq!(help(Some(c.name)).unwrap()[0], c.usage);
    }
    assert_eq!(help(Some("agent")).unwrap().len(), {
        help(Some("agent add")).unwrap().len() + help(Some("agent del")).unwrap().len()
    });
    assert!(help(Some("nope")).is_none());
}

#[test]
fn options_debug_hides_the_community() {
    let o = AgentOptions {
        community: Some("s3cret".into()),
        ..AgentOptions::default()
    };
    assert!(!format!("{o:?}").contains("s3cret"));
    let a = run("get -c s3cret demo sysDescr.0");
    assert!(!format!("{a:?}").contains("s3cret"));
}

fn options_of(line: &str) -> AgentOptions {
    match run(line) {
        Action::Get { agent, .. } | Action::Walk { agent, .. } | Action::Bulk { agent, .. } => {
            agent.options
        }
        Action::AgentAdd { options, .. } => options,
        other => panic!("{line}: {other:?}"),
    }
}

const LOCAL_KEY: &str = "0102030405060708090a0b0c0d0e0f10";

#[test]
fn snmpv3_options_make_the_user() {
    use crate::usm::{AuthProtocol, KeySource, PrivProtocol, Secret, SecurityLevel};
    let o = options_of(
        "get -v 3 -u alice -l authPriv -a SHA-256 -A authpass1 -x AES -X privpass1 -n ctx \
         -E 8000000001 -e 80001f8880aa 127.0.0.1:1161 sysDescr.0",
    );
    let cfg = o.apply(SessionConfig::default()).unwrap();
    assert_eq!(cfg.version, Version::V3);
    let u = cfg.user.unwrap();
    assert_eq!(*u, crate::usm::sample_user(PrivProtocol::Aes128, "ctx"));

    // Glued values, and every spelling of -3k: -3kKEY, -3k=KEY, -3k KEY, -3 k KEY.
    for k in [
        format!("-3k{LOCAL_KEY}"),
        format!("-3k={LOCAL_KEY}"),
        format!("-3k {LOCAL_KEY}"),
        format!("-3 k {LOCAL_KEY}"),
    ] {
        let o = options_of(&format!(
            "walk -v3 -ualice -lauthPriv -aSHA -xAES-256-C -3K {LOCAL_KEY} {k} demo system"
        ));
        let u = o.user.build(None).unwrap();
        assert_eq!(u.level, SecurityLevel::AuthPriv, "{k}");
        assert_eq!(u.auth_protocol, AuthProtocol::Sha1);
        assert_eq!(u.priv_protocol, PrivProtocol::Aes256Cisco);
        let key = Secret::from_hex(LOCAL_KEY).unwrap();
        assert_eq!(u.auth_key, Some(KeySource::Localized(key.clone())), "{k}");
        assert_eq!(u.priv_key, Some(KeySource::Localized(key)), "{k}");
    }

    // Any SNMPv3 option selects version 3; as net-snmp, the level comes from -l only.
    let cfg = options_of("get -u bob -A authpass1 demo sysDescr.0")
        .apply(SessionConfig::default())
        .unwrap();
    assert_eq!(cfg.version, Version::V3);
    assert_eq!(cfg.user.unwrap().level, SecurityLevel::NoAuthNoPriv);

    // A localized key wins over a master key over a pass phrase, whatever their order.
    let o = options_of(&format!(
        "get -u bob -l authNoPriv -3k {LOCAL_KEY} -3m {LOCAL_KEY} -A authpass1 demo sysDescr.0"
    ));
    assert!(matches!(o.user.auth_key, Some(KeySource::Localized(_))));
    let o = options_of(&format!(
        "get -u bob -l authNoPriv -A authpass1 -3m {LOCAL_KEY} demo sysDescr.0"
    ));
    assert!(matches!(o.user.auth_key, Some(KeySource::Master(_))));

    // agent add takes them anywhere after `add`, and bulk's -n before AGENT is the context.
    let o = options_of("agent add r1 127.0.0.1:1161 -v 3 -u alice -l authNoPriv -A authpass1");
    let cfg = o.apply(SessionConfig::default()).unwrap();
    assert_eq!(cfg.user.unwrap().level, SecurityLevel::AuthNoPriv);
    let Action::Bulk {
        agent,
        non_repeaters,
        ..
    } = run("bulk -u alice -n ctx demo -n 1 ifDescr")
    else {
        panic!()
    };
    assert_eq!(agent.options.user.context, Some(b"ctx".to_vec()));
    assert_eq!(non_repeaters, Some(1));
}

#[test]
fn snmpv3_options_over_a_registered_agent() {
    use crate::usm::{AuthProtocol, SecurityLevel, User};
    let alice = User::new("alice").with_auth(AuthProtocol::Sha256, "authpass1");
    let registered = SessionConfig {
        version: Version::V3,
        user: Some(Arc::new(alice.clone())),
        ..SessionConfig::default()
    };
    // No option: the agent's own user.
    let cfg = AgentOptions::default().apply(registered.clone()).unwrap();
    assert_eq!(cfg.user.as_deref(), Some(&alice));
    // Without -u the options change the agent's user ...
    let cfg = options_of("get -n ctx -l noAuthNoPriv r1 sysDescr.0")
        .apply(registered.clone())
        .unwrap();
    let u = cfg.user.unwrap();
    assert_eq!(
        (u.name.as_str(), u.level),
        ("alice", SecurityLevel::NoAuthNoPriv)
    );
    assert_eq!(u.context_name, b"ctx");
    assert_eq!(u.auth_key, alice.auth_key);
    // ... with -u they make a user of their own (alice's key is not lent to bob).
    let u = options_of("get -u bob r1 sysDescr.0")
        .apply(registered.clone())
        .unwrap()
        .user
        .unwrap();
    assert_eq!((u.name.as_str(), u.auth_key.is_none()), ("bob", true));
    // -v 2c over a v3 agent: no user.
    let cfg = options_of("get -v 2c r1 sysDescr.0")
        .apply(registered)
        .unwrap();
    assert_eq!((cfg.version, cfg.user.is_none()), (Version::V2c, true));
    // -v 3 over a v2c agent needs a user name.
    assert_eq!(
        options_of("get -v 3 demo sysDescr.0")
            .apply(SessionConfig::default())
            .unwrap_err(),
        UserOptionError::NoSecurityName
    );
}

#[test]
fn snmpv3_mistakes_are_one_line_without_secrets() {
    let cases = [
        (
            "get -v 2c -u alice demo sysDescr.0".to_owned(),
            "get: -u is an SNMPv3 option: it needs -v 3, not -v 2c",
        ),
        (
            "get -v1 -A authpass1 demo sysDescr.0".to_owned(),
            "get: -A is an SNMPv3 option: it needs -v 3, not -v 1",
        ),
        (
            "get -u alice -a SHA-3 demo sysDescr.0".to_owned(),
            "get: Invalid authentication protocol specified after -a flag: SHA-3 (MD5, SHA, SHA-224, SHA-256, SHA-384 or SHA-512)",
        ),
        (
            "get -x 3DES demo sysDescr.0".to_owned(),
            "get: Invalid privacy protocol specified after -x flag: 3DES (DES, AES, AES-192, AES-256, AES-192-C or AES-256-C)",
        ),
        (
            "get -l everything demo sysDescr.0".to_owned(),
            "get: Invalid security level specified after -l flag: everything (noAuthNoPriv, authNoPriv or authPriv)",
        ),
        (
            "get -u alice -l authNoPriv demo sysDescr.0".to_owned(),
            "get: security level authNoPriv needs an authentication pass phrase (-A) or key",
        ),
        (
            "get -u alice -l authPriv -A authpass1 demo sysDescr.0".to_owned(),
            "get: security level authPriv needs a privacy pass phrase (-X) or key",
        ),
        (
            "walk -u alice -l authNoPriv -A s3cret demo".to_owned(),
            "walk: authentication pass phrase shorter than 8 characters",
        ),
        (
            "get -u alice -l authPriv -A authpass1 -X s3cret demo sysDescr.0".to_owned(),
            "get: privacy pass phrase shorter than 8 characters",
        ),
        (
            "get -3k s3cretzz demo sysDescr.0".to_owned(),
            "get: Bad key value after -3k flag: expected hex digits",
        ),
        (
            "get -3M=0x123 demo sysDescr.0".to_owned(),
            "get: Bad key value after -3M flag: expected hex digits",
        ),
        (
            "get -e 0102 demo sysDescr.0".to_owned(),
            "get: Bad engine ID value after -e flag: expected 5 to 32 octets in hex",
        ),
        (
            format!("get -E {} demo sysDescr.0", "01".repeat(33)),
            "get: Bad engine ID value after -E flag: expected 5 to 32 octets in hex",
        ),
        (
            "get -3q x demo sysDescr.0".to_owned(),
            "get: unknown SNMPv3 option -3q (m M k K, or u l a A x X n e E)",
        ),
        ("get -A".to_owned(), "get: option -A needs a value"),
        ("get -3k".to_owned(), "get: option -3k needs a value"),
        (
            "agent add r1 127.0.0.1:1161 -v 3".to_owned(),
            "agent add: No securityName specified (-u USER)",
        ),
        (
            "agent add r1 127.0.0.1:1161 -v 3 -u '' -A authpass1".to_owned(),
            "agent add: No securityName specified (-u USER)",
        ),
    ];
    for (line, want) in &cases {
        let e = err(line);
        assert_eq!(e, *want, "{line}");
        assert!(!e.contains("s3cret") && !e.contains("authpass1"), "{e}");
    }
}

#[test]
fn snmpv3_debug_never_shows_a_secret() {
    let line = format!(
        "get -c comm1234 -u alice -l authPriv -A authpass1 -X privpass1 -3m {LOCAL_KEY} \
         -3K {LOCAL_KEY} 127.0.0.1:1161 sysDescr.0"
    );
    let a = run(&line);
    let cfg = options_of(&line).apply(SessionConfig::default()).unwrap();
    let shown = format!("{a:?} {cfg:?}");
    assert!(shown.contains("alice"), "{shown}");
    for secret in [
        "comm1234",
        "authpass1",
        "privpass1",
        "0102030405",
        "1, 2, 3, 4",
    ] {
        assert!(!shown.contains(secret), "{secret}: {shown}");
    }
    // `help v3` tells the options; `help` points at it.
    assert_eq!(
        parse("help v3").unwrap(),
        Some(Command::Help(Some("v3".into())))
    );
    let lines = help(Some("v3")).unwrap();
    assert!(lines.iter().any(|l| l.contains("-3k HEX")));
    assert!(help(None).unwrap().iter().any(|l| l.contains("help v3")));
}
