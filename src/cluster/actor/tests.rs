//! Tests of `actor`.

use super::*;

fn bulk(s: &str) -> Value {
    Value::BulkString(s.as_bytes().to_vec())
}

#[test]
fn a_reply_is_read_and_garbled_records_are_left_out() {
    let v = Value::Array(vec![
        Value::Int(4),
        Value::Int(1_700_000_000_123),
        bulk("a\nb"),
        Value::Array(vec![bulk("a"), bulk("c")]),
        Value::Array(vec![
            bulk(r#"{"v":1,"site":"paris","config":"x"}"#),
            bulk("{not json"),
        ]),
        Value::Array(vec![bulk("ghost")]),
        Value::Array(vec![]),
        Value::Int(0),
    ]);
    let r = parse_reply(&v).unwrap();
    assert_eq!(r.epoch, 4);
    assert_eq!(r.since_ms, 1_700_000_000_123);
    assert_eq!(r.previous, vec![Arc::from("a"), Arc::from("b")]);
    assert_eq!(r.members.len(), 1);
    assert_eq!(r.members[0].site.as_deref(), Some("paris"));
    assert_eq!(r.garbled, vec!["ghost".to_owned(), "c".to_owned()]);
}

#[test]
fn replies_of_the_wrong_shape_are_errors_not_panics() {
    for v in [
        Value::Nil,
        Value::Int(3),
        Value::Array(vec![Value::Int(1)]),
        Value::Array(vec![
            bulk("x"),
            Value::Int(1),
            bulk(""),
            Value::Array(vec![]),
            Value::Array(vec![]),
            Value::Array(vec![]),
            Value::Array(vec![]),
            Value::Int(0),
        ]),
        Value::Array(vec![
            Value::Int(1),
            Value::Int(1),
            bulk(""),
            Value::Array(vec![bulk("a")]),
            Value::Array(vec![]),
            Value::Array(vec![]),
            Value::Array(vec![]),
            Value::Int(0),
        ]),
    ] {
        assert!(parse_reply(&v).is_err(), "{v:?}");
    }
}

#[test]
fn garbled_foreign_and_future_rate_states_are_rejected_and_counted() {
    let pair = |a: &str, j: &str| (Arc::<str>::from(a), Arc::<str>::from(j));
    let pairs = vec![
        pair("r1", "if"),
        pair("r2", "if"),
        pair("r3", "if"),
        pair("r4", "if"),
        pair("r5", "if"),
        pair("r6", "if"),
    ];
    let good = RateState {
        at_ms: 5,
        uptime: Some(100),
        counters: vec![("1.3.6.1.2.1.2.2.1.10.1".parse().unwrap(), 32, 7)],
    };
    let future = RateState {
        at_ms: 10_000,
        ..good.clone()
    };
    let values = vec![
        Value::BulkString(handover::encode(&good)),
        Value::Nil,
        bulk(r#"{"at_ms":5,"uptime":100,"counters":[]}"#),
        Value::BulkString(vec![0x52, 0x01, 0xff]),
        Value::Int(3),
        Value::BulkString(handover::encode(&future)),
    ];
    let (seeds, rejected) = parse_rates(&pairs, &values, 9_999);
    assert_eq!(seeds, vec![(pairs[0].0.clone(), pairs[0].1.clone(), good)]);
    let why: Vec<(&str, &str)> = rejected.iter().map(|(a, _, w)| (&**a, *w)).collect();
    assert_eq!(
        why,
        vec![
            ("r3", "foreign"),
            ("r4", "truncated"),
            ("r5", "not a string"),
            ("r6", "from the future"),
        ]
    );
}
