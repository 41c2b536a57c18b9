//! The operation state machines, driven by hand-made responses: no runtime, no sockets.

use super::*;
use crate::pdu::{GenericPdu, Message, Pdu, Value, VarBind, Version};

fn oid(s: &str) -> Oid {
    s.parse().unwrap()
}

fn limits(version: Version, max_oids: usize) -> Limits {
    Limits {
        version,
        max_oids,
        max_repetitions: 3,
    }
}

fn response(status: ErrorStatus, index: i32, vbs: Vec<VarBind<'static>>) -> Message<'static> {
    Message {
        version: Version::V2c,
        community: b"public"[..].to_vec().into(),
        pdu: Pdu::Response(GenericPdu {
            request_id: 1,
            error_status: status,
            error_index: index,
            varbinds: vbs,
        }),
    }
}

fn ok(vbs: Vec<VarBind<'static>>) -> Message<'static> {
    response(ErrorStatus::NoError, 0, vbs)
}

fn int(o: &str, v: i32) -> VarBind<'static> {
    VarBind::new(oid(o), Value::Integer(v))
}

fn asked(pdu: &Pdu<'_>) -> Vec<String> {
    pdu.varbinds().iter().map(|vb| vb.oid.to_string()).collect()
}

#[test]
fn get_splits_by_max_oids_and_merges_in_order() {
    let oids: Vec<Oid> = (1..=5).map(|i| oid(&format!("1.3.6.1.{i}"))).collect();
    let mut op = Op::Get(GetOp::new(GetKind::Get, oids, limits(Version::V2c, 2)));
    let out = op.start();
    assert_eq!(out.sends.len(), 3);
    let parts: Vec<(u32, Vec<String>)> = out.sends.iter().map(|(k, p)| (*k, asked(p))).collect();
    assert_eq!(parts[0].1, ["1.3.6.1.1", "1.3.6.1.2"]);
    assert_eq!(parts[2].1, ["1.3.6.1.5"]);
    // Answer out of order.
    assert!(
        op.on_response(parts[2].0, ok(vec![int("1.3.6.1.5", 5)]))
            .done
            .is_none()
    );
    assert!(
        op.on_response(
            parts[0].0,
            ok(vec![int("1.3.6.1.1", 1), int("1.3.6.1.2", 2)])
        )
        .done
        .is_none()
    );
    let done = op
        .on_response(
            parts[1].0,
            ok(vec![int("1.3.6.1.3", 3), int("1.3.6.1.4", 4)]),
        )
        .done;
    let vbs = done.unwrap().unwrap();
    let values: Vec<Value<'_>> = vbs.into_iter().map(|vb| vb.value).collect();
    assert_eq!(values, (1..=5).map(Value::Integer).collect::<Vec<_>>());
}

#[test]
fn too_big_halves_the_request_then_gives_up_at_one() {
    let oids: Vec<Oid> = (1..=4).map(|i| oid(&format!("1.3.6.1.{i}"))).collect();
    let mut op = Op::Get(GetOp::new(GetKind::Get, oids, limits(Version::V2c, 10)));
    let first = op.start().sends.remove(0).0;
    let out = op.on_response(first, response(ErrorStatus::TooBig, 0, vec![]));
    assert_eq!(out.sends.len(), 2);
    assert_eq!(asked(&out.sends[0].1), ["1.3.6.1.1", "1.3.6.1.2"]);
    assert_eq!(asked(&out.sends[1].1), ["1.3.6.1.3", "1.3.6.1.4"]);
    let (a, b) = (out.sends[0].0, out.sends[1].0);
    let out = op.on_response(a, response(ErrorStatus::TooBig, 0, vec![]));
    assert_eq!(out.sends.len(), 2);
    let single = out.sends[0].0;
    let out = op.on_response(single, response(ErrorStatus::TooBig, 0, vec![]));
    assert!(matches!(out.done, Some(Err(SnmpError::TooBig))));
    let _ = b;
}

#[test]
fn v1_no_such_name_marks_the_varbind_and_asks_again_for_the_rest() {
    let oids = vec![oid("1.3.6.1.1"), oid("1.3.6.1.2"), oid("1.3.6.1.3")];
    let mut op = Op::Get(GetOp::new(GetKind::Get, oids, limits(Version::V1, 10)));
    let first = op.start().sends.remove(0).0;
    let out = op.on_response(first, response(ErrorStatus::NoSuchName, 2, vec![]));
    assert_eq!(out.sends.len(), 1);
    assert_eq!(asked(&out.sends[0].1), ["1.3.6.1.1", "1.3.6.1.3"]);
    let out = op.on_response(
        out.sends[0].0,
        ok(vec![int("1.3.6.1.1", 1), int("1.3.6.1.3", 3)]),
    );
    let vbs = out.done.unwrap().unwrap();
    assert_eq!(vbs[1], VarBind::new(oid("1.3.6.1.2"), Value::NoSuchObject));
    assert_eq!(vbs[2], int("1.3.6.1.3", 3));
}

#[test]
fn v2c_agent_errors_name_the_oid() {
    let mut op = Op::Set(SetOp::new(vec![int("1.3.6.1.2.1.1.4.0", 1)]));
    let first = op.start().sends.remove(0).0;
    let out = op.on_response(first, response(ErrorStatus::NotWritable, 1, vec![]));
    match out.done {
        Some(Err(SnmpError::Agent {
            status,
            index,
            oid: Some(o),
        })) => {
            assert_eq!((status, index), (ErrorStatus::NotWritable, 1));
            assert_eq!(o, oid("1.3.6.1.2.1.1.4.0"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn wrong_varbind_count_is_an_error_not_a_panic() {
    let mut op = Op::Get(GetOp::new(
        GetKind::Get,
        vec![oid("1.3.6.1.1")],
        limits(Version::V2c, 10),
    ));
    let first = op.start().sends.remove(0).0;
    let out = op.on_response(first, ok(vec![]));
    assert!(matches!(
        out.done,
        Some(Err(SnmpError::UnexpectedResponse(_)))
    ));
}

fn walk(version: Version, opts: WalkOptions) -> Op {
    Op::Walk(Box::new(WalkOp::new(
        oid("1.3.6.1.2"),
        opts,
        limits(version, 10),
    )))
}

#[test]
fn bulk_walk_stops_at_subtree_end() {
    let mut op = walk(
        Version::V2c,
        WalkOptions {
            collect: true,
            ..Default::default()
        },
    );
    let out = op.start();
    let Pdu::GetBulkRequest(b) = &out.sends[0].1 else {
        panic!()
    };
    assert_eq!((b.non_repeaters, b.max_repetitions), (0, 3));
    let out = op.on_response(
        0,
        ok(vec![
            int("1.3.6.1.2.1", 1),
            int("1.3.6.1.2.2", 2),
            int("1.3.6.1.2.3", 3),
        ]),
    );
    assert!(out.done.is_none());
    assert_eq!(asked(&out.sends[0].1), ["1.3.6.1.2.3"]);
    let out = op.on_response(
        0,
        ok(vec![
            int("1.3.6.1.2.4", 4),
            int("1.3.6.1.3.1", 5),
            int("1.3.6.1.3.2", 6),
        ]),
    );
    let rows = out.done.unwrap().unwrap();
    assert_eq!(rows.len(), 4);
    assert!(out.sends.is_empty());
}

#[test]
fn walk_stops_at_end_of_mib_view() {
    let mut op = walk(
        Version::V2c,
        WalkOptions {
            collect: true,
            ..Default::default()
        },
    );
    op.start();
    let out = op.on_response(
        0,
        ok(vec![
            int("1.3.6.1.2.1", 1),
            VarBind::new(oid("1.3.6.1.2.1"), Value::EndOfMibView),
        ]),
    );
    assert_eq!(out.done.unwrap().unwrap().len(), 1);
}

#[test]
fn v1_walk_uses_getnext_and_ends_on_no_such_name() {
    let mut op = walk(
        Version::V1,
        WalkOptions {
            collect: true,
            ..Default::default()
        },
    );
    let out = op.start();
    assert!(matches!(out.sends[0].1, Pdu::GetNextRequest(_)));
    let out = op.on_response(0, ok(vec![int("1.3.6.1.2.1", 1)]));
    assert!(matches!(out.sends[0].1, Pdu::GetNextRequest(_)));
    let out = op.on_response(0, response(ErrorStatus::NoSuchName, 1, vec![]));
    assert_eq!(out.done.unwrap().unwrap().len(), 1);
}

#[test]
fn non_increasing_oid_is_an_error_naming_both() {
    let mut op = walk(
        Version::V2c,
        WalkOptions {
            collect: true,
            ..Default::default()
        },
    );
    op.start();
    let out = op.on_response(0, ok(vec![int("1.3.6.1.2.5", 1), int("1.3.6.1.2.4", 2)]));
    match out.done {
        Some(Err(SnmpError::NotIncreasing { previous, next })) => {
            assert_eq!(*previous, oid("1.3.6.1.2.5"));
            assert_eq!(*next, oid("1.3.6.1.2.4"));
        }
        other => panic!("{other:?}"),
    }
    // The agent answering with the root itself is not increasing either.
    let mut op = walk(
        Version::V2c,
        WalkOptions {
            collect: true,
            ..Default::default()
        },
    );
    op.start();
    let out = op.on_response(0, ok(vec![int("1.3.6.1.2", 1)]));
    assert!(matches!(
        out.done,
        Some(Err(SnmpError::NotIncreasing { .. }))
    ));
}

#[test]
fn relaxed_walk_needs_and_obeys_a_row_limit() {
    let mut op = walk(
        Version::V2c,
        WalkOptions {
            relaxed: true,
            collect: true,
            ..Default::default()
        },
    );
    assert!(matches!(
        op.start().done,
        Some(Err(SnmpError::InvalidRequest(_)))
    ));
    let mut op = walk(
        Version::V2c,
        WalkOptions {
            relaxed: true,
            max_rows: Some(3),
            collect: true,
            ..Default::default()
        },
    );
    op.start();
    let out = op.on_response(
        0,
        ok(vec![
            int("1.3.6.1.2.5", 1),
            int("1.3.6.1.2.4", 2),
            int("1.3.6.1.2.4", 3),
        ]),
    );
    assert!(out.done.is_none());
    let out = op.on_response(0, ok(vec![int("1.3.6.1.2.4", 4)]));
    assert!(matches!(out.done, Some(Err(SnmpError::RowLimit(3)))));
}

#[test]
fn streamed_walk_hands_out_rows_as_they_come() {
    let mut op = walk(Version::V2c, WalkOptions::default());
    op.start();
    let out = op.on_response(0, ok(vec![int("1.3.6.1.2.1", 1), int("1.3.6.1.2.2", 2)]));
    assert_eq!(out.rows.len(), 2);
    let out = op.on_response(0, ok(vec![int("1.3.6.1.9", 9)]));
    assert!(out.rows.is_empty());
    assert_eq!(out.done.unwrap().unwrap().len(), 0);
}

#[test]
fn bulk_walk_halves_repetitions_on_too_big() {
    let mut op = walk(
        Version::V2c,
        WalkOptions {
            collect: true,
            ..Default::default()
        },
    );
    op.start();
    let out = op.on_response(0, response(ErrorStatus::TooBig, 0, vec![]));
    let Pdu::GetBulkRequest(b) = &out.sends[0].1 else {
        panic!()
    };
    assert_eq!(b.max_repetitions, 1);
    let out = op.on_response(0, response(ErrorStatus::TooBig, 0, vec![]));
    assert!(matches!(out.done, Some(Err(SnmpError::TooBig))));
}

#[test]
fn getbulk_walk_on_v1_is_refused() {
    let mut op = walk(
        Version::V1,
        WalkOptions {
            mode: WalkMode::GetBulk,
            ..Default::default()
        },
    );
    assert!(matches!(op.start().done, Some(Err(SnmpError::NotInV1(_)))));
}

// See: issue 12 (GETBULK over v1 said "no OIDs").
#[test]
fn getbulk_on_v1_is_refused_as_not_in_v1() {
    let oids = vec!["1.3.6.1.2.1.1".parse().unwrap()];
    let mut op = Op::Bulk(BulkOp::new(oids.clone(), 0, 10, Version::V1));
    let out = op.start();
    assert!(out.sends.is_empty());
    assert!(matches!(out.done, Some(Err(SnmpError::NotInV1("GETBULK")))));
    let mut op = Op::Bulk(BulkOp::new(oids, 0, 10, Version::V2c));
    assert_eq!(op.start().sends.len(), 1);
}

// See: issue 15. `walk demo .1`: from 1.0, every row whose first arc is 1, then the end.
#[test]
fn whole_arc_walk_takes_everything_under_the_first_arc() {
    let mut op = Op::Walk(Box::new(WalkOp::new(
        oid("1.0"),
        WalkOptions {
            collect: true,
            whole_arc: true,
            ..Default::default()
        },
        limits(Version::V2c, 10),
    )));
    let out = op.start();
    assert_eq!(asked(&out.sends[0].1), ["1.0"]);
    let out = op.on_response(
        0,
        ok(vec![
            int("1.3.6.1.2.1", 1),
            int("1.3.6.1.4.1", 2),
            int("2.1.1", 3),
        ]),
    );
    let rows = out.done.unwrap().unwrap();
    assert_eq!(rows.len(), 2);
}
