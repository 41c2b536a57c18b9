//! Unit tests of the pure parts: reading a script, ordering results, JSON lines.

use super::runner::{InOrder, render_lines};
use super::script::{StepKind, parse_script};
use crate::command::OutputFormat;
use crate::command::render::Event;
use crate::pdu::{Value, VarBind};

fn lines(text: &str) -> Vec<String> {
    match parse_script(text, &[], OutputFormat::Text) {
        Ok(s) => panic!("expected bad lines, got {s:?}"),
        Err(bad) => bad.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn every_bad_line_is_reported_with_its_number() {
    let script = "\
# a script with mistakes
get demo sysDescr.0
gte demo sysDescr.0
walk core1 system
agent add core1 127.0.0.1:16100
walk core1 system
agent del core2
jobs
get demo nosuchname.0
";
    assert_eq!(
        lines(script),
        [
            "line 3: unknown command 'gte' (try: help)",
            "line 4: unknown agent 'core1' (define it with `agent add`, list it in --agents, or give HOST:PORT)",
            "line 7: agent del: no agent 'core2' at this line",
            "line 8: jobs and cancel are for the console; a batch runs every line",
            "line 9: get: unknown object name 'nosuchname'",
        ]
    );
}

#[test]
fn formats_barriers_demo_and_quit() {
    let script = "\
get 127.0.0.1:16100 sysDescr.0
format json
set demo sysContact.0 s noc
agent add lab demo -t 0.5
walk lab system
help get
quit
this line is never read
";
    let s = parse_script(script, &[], OutputFormat::Numeric).unwrap();
    let got: Vec<(usize, OutputFormat, bool)> = s
        .steps
        .iter()
        .map(|s| (s.line, s.format, s.is_barrier()))
        .collect();
    assert_eq!(
        got,
        [
            (1, OutputFormat::Numeric, false),
            (3, OutputFormat::Json, true),
            (4, OutputFormat::Json, true),
            (5, OutputFormat::Json, false),
            (6, OutputFormat::Json, false),
        ]
    );
    assert!(s.uses_demo);
    assert!(matches!(s.steps[4].kind, StepKind::Help(Some(_))));

    // Agents from --agents are known; a script without `demo` does not start it.
    let s = parse_script("walk core1 system\n", &["core1".into()], OutputFormat::Text).unwrap();
    assert!(!s.uses_demo);
    // A script that defines `demo` itself does not use the embedded one.
    let s = parse_script(
        "agent add demo 127.0.0.1:16100\nget demo sysDescr.0\n",
        &[],
        OutputFormat::Text,
    )
    .unwrap();
    assert!(!s.uses_demo);
}

#[test]
fn results_come_out_in_script_order() {
    let mut q = InOrder::default();
    assert!(q.push(2, 'c').is_empty());
    assert!(q.push(1, 'b').is_empty());
    assert_eq!(q.push(0, 'a'), ['a', 'b', 'c']);
    assert_eq!(q.push(3, 'd'), ['d']);
}

#[test]
fn json_lines_carry_the_line_number() {
    let e = Event::VarBind(VarBind::new(
        "1.3.6.1.2.1.1.7.0".parse().unwrap(),
        Value::Integer(72),
    ));
    let l = render_lines(&e, OutputFormat::Json, 12);
    let j: serde_json::Value = serde_json::from_str(&l[0]).unwrap();
    assert_eq!(j["line"], 12);
    assert_eq!(j["value"], 72);
    assert_eq!(j["oid"], "1.3.6.1.2.1.1.7.0");
    assert_eq!(
        render_lines(&e, OutputFormat::Numeric, 12),
        [".1.3.6.1.2.1.1.7.0 = INTEGER: 72"]
    );
}

#[test]
fn snmpv3_options_are_checked_against_each_agent_before_anything_runs() {
    let script = "\
get -v 3 127.0.0.1:1161 sysDescr.0
agent add r1 127.0.0.1:1161 -v 3 -u alice -l authNoPriv -A authpass1
get -n ctx r1 sysDescr.0
get -l authPriv r1 sysDescr.0
walk -v 3 demo system
get -u bob -l authNoPriv -A s3cret 127.0.0.1:1161 sysDescr.0
";
    assert_eq!(
        lines(script),
        [
            "line 1: get: 127.0.0.1:1161: No securityName specified (-u USER)",
            "line 4: get: r1: security level authPriv needs a privacy pass phrase (-X) or key",
            "line 5: walk: demo: No securityName specified (-u USER)",
            "line 6: get: authentication pass phrase shorter than 8 characters",
        ]
    );
    let ok = "agent add r1 127.0.0.1:1161 -v 3 -u alice -l authNoPriv -A authpass1\nget -n ctx r1 sysDescr.0\n";
    assert_eq!(
        parse_script(ok, &[], OutputFormat::Text)
            .unwrap()
            .steps
            .len(),
        2
    );
}
