//! The simulated agent's answers, checked PDU by PDU.

use super::*;
use crate::oid::Oid;
use crate::pdu::BulkPdu;

fn oid(s: &str) -> Oid {
    s.parse().unwrap()
}

fn store() -> Store {
    [
        (
            "1.3.6.1.2.1.1.1.0",
            Value::OctetString(Cow::Borrowed(b"simulated")),
        ),
        ("1.3.6.1.2.1.1.3.0", Value::TimeTicks(100)),
        ("1.3.6.1.2.1.2.2.1.1.1", Value::Integer(1)),
        ("1.3.6.1.2.1.2.2.1.1.2", Value::Integer(2)),
    ]
    .into_iter()
    .map(|(o, v)| (oid(o), v))
    .collect()
}

fn ask(r: &mut Responder, version: Version, pdu: Pdu<'static>) -> GenericPdu<'static> {
    let req = Message {
        version,
        community: Cow::Borrowed(b"public"),
        pdu,
    }
    .to_bytes();
    let reply = r.handle(&req);
    let m = Message::decode(reply.datagrams.last().unwrap())
        .unwrap()
        .into_owned();
    match m.pdu {
        Pdu::Response(p) => p,
        other => panic!("{other:?}"),
    }
}

fn get(oids: &[&str]) -> Pdu<'static> {
    Pdu::GetRequest(GenericPdu {
        request_id: 9,
        varbinds: oids.iter().map(|o| VarBind::null(oid(o))).collect(),
        ..GenericPdu::default()
    })
}

#[test]
fn v2c_get_gives_values_and_exceptions() {
    let mut r = Responder::new(store(), "public");
    let p = ask(
        &mut r,
        Version::V2c,
        get(&["1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.1.5", "1.3.6.1.9.9.0"]),
    );
    assert_eq!(p.request_id, 9);
    assert_eq!(
        p.varbinds[0].value,
        Value::OctetString(Cow::Borrowed(b"simulated"))
    );
    assert_eq!(p.varbinds[1].value, Value::NoSuchInstance);
    assert_eq!(p.varbinds[2].value, Value::NoSuchObject);
}

#[test]
fn v1_get_of_absent_object_is_no_such_name_with_index() {
    let mut r = Responder::new(store(), "public");
    let p = ask(
        &mut r,
        Version::V1,
        get(&["1.3.6.1.2.1.1.1.0", "1.3.6.1.9.9.0"]),
    );
    assert_eq!(
        (p.error_status, p.error_index),
        (ErrorStatus::NoSuchName, 2)
    );
}

#[test]
fn getbulk_repeats_and_ends_with_end_of_mib_view() {
    let mut r = Responder::new(store(), "public");
    let pdu = Pdu::GetBulkRequest(BulkPdu {
        request_id: 3,
        non_repeaters: 1,
        max_repetitions: 5,
        varbinds: vec![
            VarBind::null(oid("1.3.6.1.2.1.1.1.0")),
            VarBind::null(oid("1.3.6.1.2.1.2.2.1.1.1")),
        ],
    });
    let p = ask(&mut r, Version::V2c, pdu);
    let oids: Vec<String> = p.varbinds.iter().map(|vb| vb.oid.to_string()).collect();
    assert_eq!(
        oids,
        [
            "1.3.6.1.2.1.1.3.0",
            "1.3.6.1.2.1.2.2.1.1.2",
            "1.3.6.1.2.1.2.2.1.1.2"
        ]
    );
    assert_eq!(p.varbinds[2].value, Value::EndOfMibView);
}

#[test]
fn set_checks_type_and_writes() {
    let mut r = Responder::new(store(), "public");
    let set = |v| {
        Pdu::SetRequest(GenericPdu {
            request_id: 1,
            varbinds: vec![VarBind::new(oid("1.3.6.1.2.1.1.1.0"), v)],
            ..GenericPdu::default()
        })
    };
    let p = ask(&mut r, Version::V2c, set(Value::Integer(1)));
    assert_eq!((p.error_status, p.error_index), (ErrorStatus::WrongType, 1));
    let p = ask(
        &mut r,
        Version::V2c,
        set(Value::OctetString(Cow::Borrowed(b"new"))),
    );
    assert_eq!(p.error_status, ErrorStatus::NoError);
    assert_eq!(
        r.store.get(&oid("1.3.6.1.2.1.1.1.0")),
        Some(&Value::OctetString(Cow::Borrowed(b"new")))
    );
}

#[test]
fn bad_community_and_garbage_are_dropped() {
    let mut r = Responder::new(store(), "secret");
    let req = Message {
        version: Version::V2c,
        community: Cow::Borrowed(b"public"),
        pdu: get(&["1.3.6.1.2.1.1.1.0"]),
    }
    .to_bytes();
    assert!(r.handle(&req).datagrams.is_empty());
    assert!(r.handle(&[0xff, 0x00]).datagrams.is_empty());
}

#[test]
fn faults_shape_the_reply() {
    let faults = Faults {
        drop_first: 1,
        duplicate: true,
        wrong_request_id: true,
        garbage_first: true,
        ..Faults::default()
    };
    let mut r = Responder::new(store(), "public").with_faults(faults);
    let req = Message {
        version: Version::V2c,
        community: Cow::Borrowed(b"public"),
        pdu: get(&["1.3.6.1.2.1.1.1.0"]),
    }
    .to_bytes();
    assert!(r.handle(&req).datagrams.is_empty());
    let reply = r.handle(&req);
    assert_eq!(reply.datagrams.len(), 3);
    assert!(Message::decode(&reply.datagrams[0]).is_err());
    let m = Message::decode(&reply.datagrams[2]).unwrap();
    assert_eq!(m.pdu.request_id(), Some(10));
}

#[test]
fn v1_skips_counter64_as_snmpd_does() {
    let mut st = store();
    st.insert(oid("1.3.6.1.2.1.1.2.0"), Value::Counter64(5));
    let mut r = Responder::new(st, "public");
    let next = |oid_: &str| {
        Pdu::GetNextRequest(GenericPdu {
            request_id: 4,
            varbinds: vec![VarBind::null(oid(oid_))],
            ..GenericPdu::default()
        })
    };
    let p = ask(&mut r, Version::V1, next("1.3.6.1.2.1.1.1.0"));
    assert_eq!(p.varbinds[0].oid, oid("1.3.6.1.2.1.1.3.0"));
    let p = ask(&mut r, Version::V2c, next("1.3.6.1.2.1.1.1.0"));
    assert_eq!(p.varbinds[0].value, Value::Counter64(5));
    let p = ask(&mut r, Version::V1, get(&["1.3.6.1.2.1.1.2.0"]));
    assert_eq!(
        (p.error_status, p.error_index),
        (ErrorStatus::NoSuchName, 1)
    );
}

// See: issue 15. Living values: the answer is a function of the time since start passed in.
#[test]
fn living_values_move_with_the_time_passed_in_and_refuse_sets() {
    let store = snmprec::parse(
        "1.3.6.1.2.1.1.3.0|67:numeric|rate=100,initial=500\n\
         1.3.6.1.2.1.31.1.1.1.6.1|70:numeric|rate=1000,initial=7\n",
    )
    .unwrap();
    assert!(store.has_living() && !store.frozen().has_living());
    let mut r = Responder::new(store, "public");
    let req = |pdu: Pdu<'static>| {
        Message {
            version: Version::V2c,
            community: Cow::Borrowed(b"public"),
            pdu,
        }
        .to_bytes()
    };
    let at = |r: &mut Responder, pdu: Pdu<'static>, secs: u64| {
        let reply = r.handle_at(&req(pdu), Duration::from_secs(secs));
        match Message::decode(&reply.datagrams[0])
            .unwrap()
            .into_owned()
            .pdu
        {
            Pdu::Response(p) => p,
            other => panic!("{other:?}"),
        }
    };
    let both = ["1.3.6.1.2.1.1.3.0", "1.3.6.1.2.1.31.1.1.1.6.1"];
    let values = |p: GenericPdu<'static>| -> Vec<Value<'static>> {
        p.varbinds.into_iter().map(|vb| vb.value).collect()
    };
    assert_eq!(
        values(at(&mut r, get(&both), 0)),
        [Value::TimeTicks(500), Value::Counter64(7)]
    );
    assert_eq!(
        values(at(&mut r, get(&both), 10)),
        [Value::TimeTicks(1500), Value::Counter64(10_007)]
    );
    // GETNEXT sees the same values.
    let next = Pdu::GetNextRequest(GenericPdu {
        request_id: 3,
        varbinds: vec![VarBind::null(oid("1.3.6.1.2.1.1"))],
        ..GenericPdu::default()
    });
    assert_eq!(values(at(&mut r, next, 2)), [Value::TimeTicks(700)]);
    // A SET of a living object: notWritable, as snmpsim's read-only variation.
    let set = Pdu::SetRequest(GenericPdu {
        request_id: 4,
        varbinds: vec![VarBind::new(oid("1.3.6.1.2.1.1.3.0"), Value::TimeTicks(1))],
        ..GenericPdu::default()
    });
    assert_eq!(at(&mut r, set, 3).error_status, ErrorStatus::NotWritable);
}
