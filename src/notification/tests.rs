//! The receiver core without sockets: each kind of notification, access control, the inform
//! duplicate window, the rate limit, SNMPv3 both ways, the text forms, and no panic on any
//! bytes (proptest).

use std::borrow::Cow;
use std::net::SocketAddr;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use proptest::prelude::*;
use std::cell::RefCell;
use std::sync::OnceLock;

use super::text::{to_json, write_text};
use super::*;
use crate::format::TextOptions;
use crate::oid::Oid;
use crate::pdu::{GenericPdu, Message, Pdu, TrapV1Pdu, Value, VarBind};
use crate::usm::{AuthProtocol, KeyCache, PrivProtocol, SecurityLevel, User, UserKeys};
use crate::v3::{Flags, MAX_MESSAGE_SIZE, Outgoing, Salt};

const SENDER_ENGINE: [u8; 8] = [0x80, 0, 0, 1, 1, 2, 3, 4];
const OUR_ENGINE: [u8; 8] = [0x80, 0, 0, 1, 9, 9, 9, 9];

fn src(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

fn local() -> SocketAddr {
    src(1162)
}

fn wall() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_714_564_800) // 2024-05-01 12:00:00 UTC
}

fn o(s: &str) -> Oid {
    s.parse().unwrap()
}

fn alice() -> User {
    User::new("alice")
        .with_auth(AuthProtocol::Sha256, "authpass1")
        .with_privacy(PrivProtocol::Aes128, "privpass1")
}

fn bob() -> User {
    User::new("bob")
        .with_auth(AuthProtocol::Md5, "authpass2")
        .with_privacy(PrivProtocol::Des, "privpass2")
}

fn receiver() -> Receiver {
    Receiver::new(
        &ReceiverConfig {
            communities: vec![b"public".to_vec()],
            users: vec![alice(), bob()],
            engine_id: Some(OUR_ENGINE.to_vec()),
            sender_engine_ids: vec![SENDER_ENGINE.to_vec()],
            ..ReceiverConfig::default()
        },
        1162,
    )
    .unwrap()
}

fn v2_varbinds(uptime: u32, trap: &str) -> Vec<VarBind<'static>> {
    vec![
        VarBind::new(o("1.3.6.1.2.1.1.3.0"), Value::TimeTicks(uptime)),
        VarBind::new(o("1.3.6.1.6.3.1.1.4.1.0"), Value::ObjectId(o(trap))),
        VarBind::new(o("1.3.6.1.2.1.2.2.1.1.2"), Value::Integer(2)),
    ]
}

fn v2c(community: &[u8], pdu: Pdu<'static>) -> Vec<u8> {
    Message {
        version: Version::V2c,
        community: Cow::Owned(community.to_vec()),
        pdu,
    }
    .to_bytes()
}

fn trap_v2(id: i32) -> Pdu<'static> {
    Pdu::SnmpV2Trap(GenericPdu {
        request_id: id,
        varbinds: v2_varbinds(123, "1.3.6.1.6.3.1.1.5.3"),
        ..GenericPdu::default()
    })
}

fn inform(id: i32) -> Pdu<'static> {
    Pdu::InformRequest(GenericPdu {
        request_id: id,
        varbinds: v2_varbinds(42, "1.3.6.1.6.3.1.1.5.1"),
        ..GenericPdu::default()
    })
}

fn trap_v1() -> Vec<u8> {
    Message {
        version: Version::V1,
        community: Cow::Borrowed(b"public"),
        pdu: Pdu::TrapV1(TrapV1Pdu {
            enterprise: o("1.3.6.1.4.1.8072"),
            agent_addr: [192, 0, 2, 5],
            generic_trap: 2,
            specific_trap: 0,
            time_stamp: 4567,
            varbinds: vec![VarBind::new(o("1.3.6.1.2.1.2.2.1.1.2"), Value::Integer(2))],
        }),
    }
    .to_bytes()
}

/// An SNMPv3 message from `user` at `level` with `keys`, to `engine_id`.
#[allow(clippy::too_many_arguments)]
fn v3_message(
    user: &str,
    keys: &UserKeys,
    level: SecurityLevel,
    engine_id: &[u8],
    boots: u32,
    time: u32,
    reportable: bool,
    pdu: &Pdu<'_>,
) -> Vec<u8> {
    let mut buf = Vec::new();
    crate::v3::seal(
        &Outgoing {
            msg_id: 77,
            max_size: MAX_MESSAGE_SIZE,
            flags: Flags::of(level, reportable),
            engine_id,
            boots,
            time,
            user_name: user.as_bytes(),
            context_engine_id: engine_id,
            context_name: b"",
            pdu,
        },
        keys,
        &mut Salt::starting_at(1),
        &mut buf,
    )
    .unwrap();
    buf
}

fn keys(u: &User, engine: &[u8]) -> UserKeys {
    u.keys(engine, &mut KeyCache::new()).unwrap()
}

#[test]
fn a_v2c_trap_is_delivered_with_its_fields() {
    let mut r = receiver();
    let out = r.handle(
        &v2c(b"public", trap_v2(5)),
        src(4000),
        local(),
        Instant::now(),
        wall(),
    );
    assert!(out.reply.is_none());
    assert_eq!(out.dropped, None);
    let n = out.notification.unwrap();
    assert_eq!(n.version, Version::V2c);
    assert_eq!(n.kind, Kind::Trap);
    assert_eq!(n.request_id, Some(5));
    assert_eq!(n.uptime, Some(123));
    assert_eq!(n.trap_oid, Some(o("1.3.6.1.6.3.1.1.5.3")));
    assert_eq!(n.payload().len(), 1);
    assert_eq!(n.security, Security::Community(b"public"[..].into()));
    assert_eq!(format!("{:?}", n.security), "Community(<redacted>)");
    assert_eq!(r.counters().delivered, 1);
}

#[test]
fn a_v1_trap_is_translated_and_printed_as_snmptrapd() {
    let mut r = receiver();
    let n = r
        .handle(&trap_v1(), src(4001), local(), Instant::now(), wall())
        .notification
        .unwrap();
    assert_eq!(n.version, Version::V1);
    assert_eq!(n.trap_oid, Some(o("1.3.6.1.6.3.1.1.5.3")));
    assert_eq!(n.varbinds.len(), 6);
    let mut text = String::new();
    write_text(&mut text, &n, &TextOptions::numeric());
    assert_eq!(
        text,
        "2024-05-01 12:00:00 192.0.2.5 [192.0.2.5] (via UDP: [127.0.0.1]:4001->[127.0.0.1]:1162) TRAP, SNMP v1, community public\n\
         \t.1.3.6.1.4.1.8072 Link Down Trap (0) Uptime: 0:00:45.67\n\
         \t.1.3.6.1.2.1.2.2.1.1.2 = INTEGER: 2\n"
    );
    let json = to_json(&n);
    assert_eq!(json["trap_name"], "IF-MIB::linkDown");
    assert_eq!(json["v1"]["agent_addr"], "192.0.2.5");
    assert_eq!(json["community"], "public");
    assert_eq!(json["time"], "2024-05-01T12:00:00.000Z");
    assert_eq!(json["varbinds"].as_array().unwrap().len(), 6);
}

#[test]
fn v2_text_is_one_line_of_tab_separated_varbinds() {
    let mut r = receiver();
    let n = r
        .handle(
            &v2c(b"public", trap_v2(5)),
            src(4000),
            local(),
            Instant::now(),
            wall(),
        )
        .notification
        .unwrap();
    let mut text = String::new();
    write_text(&mut text, &n, &TextOptions::numeric());
    assert_eq!(
        text,
        "2024-05-01 12:00:00 UDP: [127.0.0.1]:4000->[127.0.0.1]:1162 [UDP: [127.0.0.1]:4000->[127.0.0.1]:1162]:\n\
         .1.3.6.1.2.1.1.3.0 = Timeticks: (123) 0:00:01.23\t.1.3.6.1.6.3.1.1.4.1.0 = OID: .1.3.6.1.6.3.1.1.5.3\t.1.3.6.1.2.1.2.2.1.1.2 = INTEGER: 2\n"
    );
    let json = to_json(&n);
    assert_eq!(json["source"], "127.0.0.1");
    assert_eq!(json["port"], 4000);
    assert_eq!(json["uptime"], 123);
    assert_eq!(json["trap_oid"], "1.3.6.1.6.3.1.1.5.3");
}

#[test]
fn an_inform_is_acknowledged_every_time_and_delivered_once() {
    let mut r = receiver();
    let t0 = Instant::now();
    let bytes = v2c(b"public", inform(9));
    let first = r.handle(&bytes, src(4002), local(), t0, wall());
    let reply = Message::decode(first.reply.as_deref().unwrap()).unwrap();
    let Pdu::Response(g) = &reply.pdu else {
        panic!("{reply:?}")
    };
    assert_eq!(g.request_id, 9);
    assert_eq!(g.varbinds, v2_varbinds(42, "1.3.6.1.6.3.1.1.5.1"));
    assert_eq!(first.notification.unwrap().kind, Kind::Inform);
    // The retransmission: acknowledged again, not delivered.
    let again = r.handle(
        &bytes,
        src(4002),
        local(),
        t0 + Duration::from_secs(1),
        wall(),
    );
    assert_eq!(again.reply, first.reply);
    assert!(again.notification.is_none());
    assert_eq!(again.dropped, None);
    // Another source, or the same after the window: delivered.
    assert!(
        r.handle(&bytes, src(4003), local(), t0, wall())
            .notification
            .is_some()
    );
    let late = t0 + DEFAULT_DEDUP_WINDOW + Duration::from_secs(2);
    assert!(
        r.handle(&bytes, src(4002), local(), late, wall())
            .notification
            .is_some()
    );
    let c = r.counters();
    assert_eq!((c.informs, c.duplicates, c.delivered), (3, 1, 3));
}

#[test]
fn an_inform_response_is_the_request_with_its_pdu_tag_changed() {
    let mut r = receiver();
    let encoded = v2c(
        b"public",
        Pdu::Response(GenericPdu {
            request_id: 9,
            varbinds: v2_varbinds(42, "1.3.6.1.6.3.1.1.5.1"),
            ..GenericPdu::default()
        }),
    );
    let bytes = v2c(b"public", inform(9));
    let reply = r.handle(&bytes, src(4002), local(), Instant::now(), wall());
    assert_eq!(reply.reply.unwrap(), encoded);
    // Not zero error fields (RFC 3416 senders never set them): the Response is encoded, with
    // noError and 0 as §4.2.7 says.
    let odd = v2c(
        b"public",
        Pdu::InformRequest(GenericPdu {
            request_id: 9,
            error_status: crate::pdu::ErrorStatus::TooBig,
            error_index: 1,
            varbinds: v2_varbinds(42, "1.3.6.1.6.3.1.1.5.1"),
        }),
    );
    let reply = r.handle(&odd, src(4003), local(), Instant::now(), wall());
    assert_eq!(reply.reply.unwrap(), encoded);
    // A trap gets none.
    let trap = r.handle(
        &v2c(b"public", trap_v2(3)),
        src(4003),
        local(),
        Instant::now(),
        wall(),
    );
    assert!(trap.reply.is_none());
}

#[test]
fn bad_communities_and_other_pdus_are_dropped_and_counted() {
    let mut r = receiver();
    let now = Instant::now();
    let cases = [
        (v2c(b"private", trap_v2(1)), DropReason::BadCommunity),
        (v2c(b"private", inform(1)), DropReason::BadCommunity),
        (
            v2c(
                b"public",
                Pdu::GetRequest(GenericPdu {
                    request_id: 1,
                    ..GenericPdu::default()
                }),
            ),
            DropReason::NotNotification,
        ),
        (vec![0x30, 0x03, 0x02, 0x01], DropReason::Undecodable),
        (Vec::new(), DropReason::Undecodable),
    ];
    for (bytes, reason) in &cases {
        let out = r.handle(bytes, src(4004), local(), now, wall());
        assert_eq!(out.dropped, Some(*reason));
        assert!(out.notification.is_none() && out.reply.is_none());
    }
    // A v1 Trap-PDU in a v2c message is no v2c notification.
    let mut v1_in_v2 = Message::decode(&trap_v1()).unwrap().into_owned();
    v1_in_v2.version = Version::V2c;
    let out = r.handle(&v1_in_v2.to_bytes(), src(4004), local(), now, wall());
    assert_eq!(out.dropped, Some(DropReason::NotNotification));
    let c = r.counters();
    assert_eq!(c.dropped(DropReason::BadCommunity), 2);
    assert_eq!(c.dropped(DropReason::NotNotification), 2);
    assert_eq!(c.dropped(DropReason::Undecodable), 2);
    assert_eq!(c.delivered, 0);
    assert_eq!(
        c.line(),
        "received 6, delivered 0 (informs 0, duplicates 0), reports 0, dropped 6 (undecodable 2, not_notification 2, bad_community 2)"
    );
}

#[test]
fn a_flood_from_one_source_does_not_starve_another() {
    let mut r = Receiver::new(
        &ReceiverConfig {
            rate_limit: Some(RateLimit {
                per_second: 100,
                burst: 10,
            }),
            ..ReceiverConfig::default()
        },
        1162,
    )
    .unwrap();
    let now = Instant::now();
    let bytes = v2c(b"public", trap_v2(1));
    let flood = (0..1000)
        .filter(|_| {
            r.handle(&bytes, src(5000), local(), now, wall())
                .notification
                .is_some()
        })
        .count();
    assert_eq!(flood, 10);
    let other = SocketAddr::from(([127, 0, 0, 2], 5000));
    assert!(
        r.handle(&bytes, other, local(), now, wall())
            .notification
            .is_some()
    );
    assert_eq!(r.counters().dropped(DropReason::RateLimited), 990);
}

#[test]
fn v3_traps_from_a_known_sender_engine_at_every_level() {
    let mut r = receiver();
    let now = Instant::now();
    for (user, level) in [
        (alice(), SecurityLevel::AuthPriv),
        (alice(), SecurityLevel::AuthNoPriv),
        (bob(), SecurityLevel::AuthPriv),
    ] {
        let k = keys(&user, &SENDER_ENGINE);
        let bytes = v3_message(
            &user.name,
            &k,
            level,
            &SENDER_ENGINE,
            1,
            1000,
            false,
            &trap_v2(3),
        );
        let out = r.handle(&bytes, src(4005), local(), now, wall());
        let n = out
            .notification
            .unwrap_or_else(|| panic!("{:?}", out.dropped));
        assert_eq!(n.version, Version::V3);
        assert_eq!(
            n.security,
            Security::User {
                name: user.name.clone(),
                engine_id: SENDER_ENGINE.to_vec(),
                level
            }
        );
        assert_eq!(n.trap_oid, Some(o("1.3.6.1.6.3.1.1.5.3")));
        assert!(out.reply.is_none());
    }
}

#[test]
fn v3_traps_failing_a_check_are_dropped_by_reason() {
    let mut r = receiver();
    let now = Instant::now();
    let k = keys(&alice(), &SENDER_ENGINE);
    let level = SecurityLevel::AuthPriv;
    let wrong = keys(
        &User::new("alice")
            .with_auth(AuthProtocol::Sha256, "wrongpass")
            .with_privacy(PrivProtocol::Aes128, "privpass1"),
        &SENDER_ENGINE,
    );
    let other_engine = [0x80, 0, 0, 1, 7, 7, 7, 7];
    let cases = [
        (
            v3_message(
                "alice",
                &wrong,
                level,
                &SENDER_ENGINE,
                1,
                1000,
                false,
                &trap_v2(1),
            ),
            DropReason::WrongDigest,
        ),
        (
            v3_message(
                "carol",
                &k,
                level,
                &SENDER_ENGINE,
                1,
                1000,
                false,
                &trap_v2(1),
            ),
            DropReason::UnknownUser,
        ),
        (
            v3_message(
                "alice",
                &k,
                level,
                &other_engine,
                1,
                1000,
                false,
                &trap_v2(1),
            ),
            DropReason::UnknownEngineId,
        ),
        (
            v3_message(
                "alice",
                &k,
                level,
                &SENDER_ENGINE,
                1,
                1000,
                false,
                &inform(1),
            ),
            DropReason::NotNotification,
        ),
    ];
    for (bytes, reason) in &cases {
        let out = r.handle(bytes, src(4006), local(), now, wall());
        assert_eq!(out.dropped, Some(*reason));
        assert!(out.notification.is_none());
    }
    // A replay far behind what the sender's clock said: outside the window.
    let fresh = v3_message(
        "alice",
        &k,
        level,
        &SENDER_ENGINE,
        1,
        5000,
        false,
        &trap_v2(1),
    );
    assert!(
        r.handle(&fresh, src(4006), local(), now, wall())
            .notification
            .is_some()
    );
    let stale = v3_message(
        "alice",
        &k,
        level,
        &SENDER_ENGINE,
        1,
        4000,
        false,
        &trap_v2(1),
    );
    let out = r.handle(&stale, src(4006), local(), now, wall());
    assert_eq!(out.dropped, Some(DropReason::NotInTimeWindow));
    assert_eq!(r.counters().dropped_total(), 5);
}

#[test]
fn v3_informs_discover_our_engine_and_are_acknowledged() {
    let mut r = receiver();
    let now = Instant::now();
    let none = UserKeys {
        auth: None,
        privacy: None,
    };
    // Discovery: a Report with our engine id, not counted as a drop.
    let probe = v3_message(
        "",
        &none,
        SecurityLevel::NoAuthNoPriv,
        &[],
        0,
        0,
        true,
        &inform(1),
    );
    let out = r.handle(&probe, src(4007), local(), now, wall());
    assert_eq!(out.dropped, None);
    let report = crate::v3::open(out.reply.as_deref().unwrap(), &none).unwrap();
    assert_eq!(&*report.usm.engine_id, &OUR_ENGINE);
    let k = keys(&alice(), &OUR_ENGINE);
    let bytes = v3_message(
        "alice",
        &k,
        SecurityLevel::AuthPriv,
        &OUR_ENGINE,
        report.usm.boots,
        report.usm.time,
        true,
        &inform(8),
    );
    let out = r.handle(&bytes, src(4007), local(), now, wall());
    let n = out.notification.unwrap();
    assert_eq!((n.kind, n.version), (Kind::Inform, Version::V3));
    let response = crate::v3::open(out.reply.as_deref().unwrap(), &k).unwrap();
    let Pdu::Response(g) = &response.scoped.pdu else {
        panic!()
    };
    assert_eq!(g.request_id, 8);
    assert_eq!(response.msg_id, 77);
    // Retransmitted (same request-id and content): acknowledged, not delivered.
    let again = r.handle(&bytes, src(4007), local(), now, wall());
    assert!(again.reply.is_some() && again.notification.is_none());
    // A wrong key: a usmStatsWrongDigests Report, counted as a drop.
    let wrong = keys(
        &User::new("alice")
            .with_auth(AuthProtocol::Sha256, "wrongpass")
            .with_privacy(PrivProtocol::Aes128, "privpass1"),
        &OUR_ENGINE,
    );
    let bad = v3_message(
        "alice",
        &wrong,
        SecurityLevel::AuthPriv,
        &OUR_ENGINE,
        1,
        0,
        true,
        &inform(9),
    );
    let out = r.handle(&bad, src(4007), local(), now, wall());
    assert_eq!(out.dropped, Some(DropReason::WrongDigest));
    assert!(out.reply.is_some() && out.notification.is_none());
    let c = r.counters();
    assert_eq!((c.reports, c.informs, c.duplicates), (2, 1, 1));
}

#[test]
fn without_v3_users_v3_is_refused() {
    let mut r = Receiver::new(&ReceiverConfig::default(), 1162).unwrap();
    let k = keys(&alice(), &SENDER_ENGINE);
    let bytes = v3_message(
        "alice",
        &k,
        SecurityLevel::AuthPriv,
        &SENDER_ENGINE,
        1,
        1,
        false,
        &trap_v2(1),
    );
    let out = r.handle(&bytes, src(1), local(), Instant::now(), wall());
    assert_eq!(out.dropped, Some(DropReason::UnknownEngineId));
    assert!(r.engine_id().is_none());
}

thread_local! {
    /// One receiver for all proptest cases: making one hashes every pass phrase.
    static SHARED: RefCell<Receiver> = RefCell::new(receiver());
}

/// alice's keys for the sender engine, made once.
fn alice_sender_keys() -> &'static UserKeys {
    static KEYS: OnceLock<UserKeys> = OnceLock::new();
    KEYS.get_or_init(|| keys(&alice(), &SENDER_ENGINE))
}

proptest! {
    #[test]
    fn no_panic_on_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        SHARED.with_borrow_mut(|r| {
            let out = r.handle(&bytes, src(1), local(), Instant::now(), wall());
            assert!(out.notification.is_none() || out.dropped.is_none());
        });
    }

    #[test]
    fn no_panic_on_mutated_notifications(
        which in 0usize..4,
        cut in any::<prop::sample::Index>(),
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4),
    ) {
        let mut bytes = match which {
            0 => trap_v1(),
            1 => v2c(b"public", trap_v2(1)),
            2 => v2c(b"public", inform(1)),
            _ => v3_message("alice", alice_sender_keys(), SecurityLevel::AuthPriv, &SENDER_ENGINE, 1, 1, false, &trap_v2(1)),
        };
        for (at, b) in flips {
            let i = at.index(bytes.len());
            bytes[i] ^= b;
        }
        bytes.truncate(cut.index(bytes.len() + 1));
        SHARED.with_borrow_mut(|r| {
            let before = r.counters().received;
            let out = r.handle(&bytes, src(1), local(), Instant::now(), wall());
            let mut text = String::new();
            if let Some(n) = &out.notification {
                write_text(&mut text, n, &TextOptions::default());
                let _ = to_json(n);
            }
            assert_eq!(r.counters().received, before + 1);
        });
    }
}
