//! The engine against a real net-snmp `snmpd` on loopback, compared with what net-snmp's own
//! tools print for the same agent: GET of several OIDs vs `snmpget -On`, whole-agent walks (v1
//! and v2c) vs `snmpwalk -On`, a SET that reads back, and agent errors as typed results.

use std::borrow::Cow;
use std::time::Duration;

use snmpact::format::{TextOptions, format_varbind_with};
use snmpact::oid::Oid;
use snmpact::pdu::{ErrorStatus, Value, VarBind, Version};
use snmpact::session::{Get, Set, Walk, WalkOptions};
use snmpact::{Engine, EngineConfig, SessionConfig, SnmpError};

use crate::format_interop::compare_walks;
use crate::harness::snmpd::Snmpd;

fn oid(s: &str) -> Oid {
    s.parse().unwrap()
}

fn config(version: Version, community: &str) -> SessionConfig {
    SessionConfig {
        version,
        community: community.into(),
        timeout: Duration::from_secs(2),
        retries: 2,
        ..SessionConfig::default()
    }
}

#[actix_rt::test]
async fn get_of_several_oids_equals_snmpget() {
    let agent = Snmpd::start();
    let e = Engine::start(EngineConfig::default());
    let s = e
        .session("snmpd", &agent.target(), config(Version::V2c, "public"))
        .await
        .unwrap();
    let oids = [
        "1.3.6.1.2.1.1.1.0",
        "1.3.6.1.2.1.1.2.0",
        "1.3.6.1.2.1.1.7.0",
        "1.3.6.1.2.1.1.9.1.2.1",
        "1.3.6.1.2.1.1.99.0",
        "1.3.6.1.2.1.1.1.5",
    ];
    let vbs = s
        .send(Get(oids.iter().map(|o| oid(o)).collect()))
        .await
        .unwrap()
        .unwrap();
    let ours: Vec<String> = vbs
        .iter()
        .map(|vb| format_varbind_with(vb, &TextOptions::numeric()))
        .collect();
    let mut args = vec!["-v2c", "-c", "public", "-On"];
    let target = agent.target();
    args.push(&target);
    args.extend(oids);
    let theirs = agent.tool("snmpget", &args);
    assert_eq!(ours.join("\n") + "\n", theirs);
    assert_eq!(vbs[4].value, Value::NoSuchObject);
    assert_eq!(vbs[5].value, Value::NoSuchInstance);
    e.shutdown().await;
}

async fn walk(agent: &Snmpd, version: Version) -> Vec<VarBind<'static>> {
    let e = Engine::start(EngineConfig::default());
    let s = e
        .session("snmpd", &agent.target(), config(version, "public"))
        .await
        .unwrap();
    let mut vbs = s
        .send(Walk {
            root: oid("1.3"),
            options: WalkOptions::default(),
        })
        .await
        .unwrap()
        .unwrap();
    e.shutdown().await;
    if version == Version::V2c {
        // snmpwalk prints the endOfMibView varbind that ended the walk; the engine stops at it.
        let last = vbs.last().map(|vb| vb.oid.clone()).unwrap();
        vbs.push(VarBind::new(last, Value::EndOfMibView));
    }
    vbs
}

#[actix_rt::test]
async fn whole_agent_walk_v2c_equals_snmpwalk() {
    let agent = Snmpd::start();
    let ours = walk(&agent, Version::V2c).await;
    let theirs = agent.tool(
        "snmpwalk",
        &["-v2c", "-c", "public", "-On", &agent.target(), ".1"],
    );
    compare_walks(&ours, &theirs, Version::V2c);
}

#[actix_rt::test]
async fn whole_agent_walk_v1_equals_snmpwalk() {
    let agent = Snmpd::start();
    let ours = walk(&agent, Version::V1).await;
    let theirs = agent.tool(
        "snmpwalk",
        &["-v1", "-c", "public", "-On", &agent.target(), ".1"],
    );
    compare_walks(&ours, &theirs, Version::V1);
}

#[actix_rt::test]
async fn set_reads_back_and_agent_errors_are_typed() {
    let agent = Snmpd::start();
    let e = Engine::start(EngineConfig::default());
    let rw = e
        .session("rw", &agent.target(), config(Version::V2c, "private"))
        .await
        .unwrap();
    let contact = oid("1.3.6.1.2.1.1.4.0");
    let value = Value::OctetString(Cow::Borrowed(b"noc@example.invalid"));
    let set = rw
        .send(Set(vec![VarBind::new(contact.clone(), value.clone())]))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(set[0].value, value);
    let back = rw.send(Get(vec![contact.clone()])).await.unwrap().unwrap();
    assert_eq!(back[0].value, value);
    let theirs = agent.tool(
        "snmpget",
        &[
            "-v2c",
            "-c",
            "public",
            "-On",
            &agent.target(),
            ".1.3.6.1.2.1.1.4.0",
        ],
    );
    assert_eq!(
        theirs,
        ".1.3.6.1.2.1.1.4.0 = STRING: \"noc@example.invalid\"\n"
    );

    // wrongType: sysContact is a DisplayString.
    match rw
        .send(Set(vec![VarBind::new(contact.clone(), Value::Integer(1))]))
        .await
        .unwrap()
    {
        Err(SnmpError::Agent {
            status: ErrorStatus::WrongType,
            index: 1,
            oid: Some(o),
        }) => assert_eq!(o, contact),
        other => panic!("expected wrongType, got {other:?}"),
    }
    // notWritable: sysDescr is read-only.
    let descr = oid("1.3.6.1.2.1.1.1.0");
    match rw
        .send(Set(vec![VarBind::new(
            descr.clone(),
            Value::OctetString(Cow::Borrowed(b"x")),
        )]))
        .await
        .unwrap()
    {
        Err(SnmpError::Agent {
            status: ErrorStatus::NotWritable,
            index: 1,
            oid: Some(o),
        }) => assert_eq!(o, descr),
        other => panic!("expected notWritable, got {other:?}"),
    }
    // v1: noSuchName marks the missing varbind and the others still come back.
    let v1 = e
        .session("v1", &agent.target(), config(Version::V1, "public"))
        .await
        .unwrap();
    let vbs = v1
        .send(Get(vec![
            oid("1.3.6.1.2.1.1.5.0"),
            oid("1.3.6.1.2.1.1.99.0"),
            oid("1.3.6.1.2.1.1.3.0"),
        ]))
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(vbs[0].value, Value::OctetString(_)));
    assert_eq!(vbs[1].value, Value::NoSuchObject);
    assert!(matches!(vbs[2].value, Value::TimeTicks(_)), "{vbs:?}");
    // v1 SET of a read-only object: the agent's error, typed.
    match v1
        .send(Set(vec![VarBind::new(
            descr,
            Value::OctetString(Cow::Borrowed(b"x")),
        )]))
        .await
        .unwrap()
    {
        Err(SnmpError::Agent {
            status, index: 1, ..
        }) => assert!(
            matches!(status, ErrorStatus::NoSuchName | ErrorStatus::ReadOnly),
            "{status}"
        ),
        other => panic!("expected a v1 error, got {other:?}"),
    }
    e.shutdown().await;
}
