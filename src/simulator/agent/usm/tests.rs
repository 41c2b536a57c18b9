//! The agent's SNMPv3 engine, checked message by message with the manager's own
//! [`v3::seal`] and [`v3::open`] on the test side.

use super::*;
use crate::pdu::{Message, Version};
use crate::simulator::agent::{Responder, Store};
use crate::usm::{AuthProtocol, PrivProtocol};

const ENGINE_PORT: u16 = 161;
const SYS_DESCR: &str = "1.3.6.1.2.1.1.1.0";

fn oid(s: &str) -> Oid {
    s.parse().unwrap()
}

fn store() -> Store {
    [
        (SYS_DESCR, Value::OctetString(Cow::Borrowed(b"simulated"))),
        ("1.3.6.1.2.1.1.3.0", Value::TimeTicks(100)),
    ]
    .into_iter()
    .map(|(o, v)| (oid(o), v))
    .collect()
}

fn priv_user() -> User {
    User::new("alice")
        .with_auth(AuthProtocol::Sha256, "authpass1")
        .with_privacy(PrivProtocol::Aes128, "privpass1")
}

fn auth_user() -> User {
    User::new("bob").with_auth(AuthProtocol::Md5, "authpass2")
}

fn agent() -> Responder {
    let users = [priv_user(), auth_user(), User::new("nobody")];
    let engine = AgentEngine::new(
        default_engine_id(ENGINE_PORT),
        DEFAULT_BOOTS,
        &users,
        &mut KeyCache::new(),
    )
    .unwrap();
    Responder::new(store(), "public").with_v3(engine)
}

/// What the manager side sends: user (keys localised to `engine_id`), level, boots and time.
struct Ask<'a> {
    user: &'a User,
    level: SecurityLevel,
    engine_id: &'a [u8],
    boots: u32,
    time: u32,
    reportable: bool,
}

impl<'a> Ask<'a> {
    fn new(user: &'a User, engine_id: &'a [u8]) -> Self {
        Self {
            user,
            level: user.level,
            engine_id,
            boots: DEFAULT_BOOTS,
            time: 0,
            reportable: true,
        }
    }

    fn keys(&self) -> UserKeys {
        self.user
            .keys(self.engine_id, &mut KeyCache::new())
            .unwrap()
    }

    /// Sends `pdu` (msgID 77) and returns the single datagram answered, if any.
    fn send(&self, r: &mut Responder, pdu: &Pdu<'_>) -> Option<Vec<u8>> {
        let keys = if self.engine_id.is_empty() {
            UserKeys {
                auth: None,
                privacy: None,
            }
        } else {
            self.keys()
        };
        let out = Outgoing {
            msg_id: 77,
            max_size: MAX_MESSAGE_SIZE,
            flags: Flags::of(self.level, self.reportable),
            engine_id: self.engine_id,
            boots: self.boots,
            time: self.time,
            user_name: self.user.name.as_bytes(),
            context_engine_id: self.engine_id,
            context_name: b"",
            pdu,
        };
        let mut buf = Vec::new();
        v3::seal(&out, &keys, &mut Salt::starting_at(5), &mut buf).unwrap();
        let mut reply = r.handle(&buf);
        assert!(reply.datagrams.len() <= 1);
        reply.datagrams.pop()
    }
}

fn get(oids: &[&str]) -> Pdu<'static> {
    Pdu::GetRequest(GenericPdu {
        request_id: 41,
        varbinds: oids.iter().map(|o| VarBind::null(oid(o))).collect(),
        ..GenericPdu::default()
    })
}

fn no_keys() -> UserKeys {
    UserKeys {
        auth: None,
        privacy: None,
    }
}

/// The Report in `datagram`, opened without keys: its msgID, flags, boots/time and kind.
fn report(datagram: &[u8]) -> (v3::Opened, v3::ReportKind) {
    let o = v3::open(datagram, &no_keys()).unwrap();
    let Pdu::Report(p) = &o.scoped.pdu else {
        panic!("not a Report: {:?}", o.scoped.pdu);
    };
    let kind = v3::ReportKind::from_oid(&p.varbinds[0].oid);
    (o, kind)
}

#[test]
fn discovery_gets_the_engine_id_boots_and_time() {
    let mut r = agent();
    let anon = User::new("");
    let probe = Pdu::GetRequest(GenericPdu::default());
    let d = Ask::new(&anon, b"").send(&mut r, &probe).unwrap();
    let (o, kind) = report(&d);
    assert_eq!(kind, v3::ReportKind::UnknownEngineId);
    assert_eq!(o.msg_id, 77);
    assert_eq!(o.flags.level(), Some(SecurityLevel::NoAuthNoPriv));
    assert!(!o.flags.reportable());
    assert_eq!(&*o.usm.engine_id, default_engine_id(ENGINE_PORT).as_slice());
    assert_eq!((o.usm.boots, o.usm.time), (1, 0));
    assert_eq!(&*o.scoped.context_engine_id, o.usm.engine_id.as_ref());
    assert_eq!(
        o.scoped.pdu.varbinds()[0].value,
        Value::Counter32(1),
        "the counter's value after this report"
    );
    assert_eq!(r.v3().unwrap().stat(Stat::UnknownEngineIds), 1);
    // A wrong (not empty) engine id is reported the same way.
    let u = priv_user();
    let d = Ask::new(&u, b"\x80\x00\x00\x00\x01").send(&mut r, &get(&[SYS_DESCR]));
    assert_eq!(report(&d.unwrap()).1, v3::ReportKind::UnknownEngineId);
    assert_eq!(r.v3().unwrap().stat(Stat::UnknownEngineIds), 2);
}

#[test]
fn each_failure_has_its_report_and_counter() {
    let engine_id = default_engine_id(ENGINE_PORT);
    let mut r = agent();
    let pdu = get(&[SYS_DESCR]);

    let stranger = User::new("mallory").with_auth(AuthProtocol::Sha256, "authpass1");
    let d = Ask::new(&stranger, &engine_id).send(&mut r, &pdu).unwrap();
    assert_eq!(report(&d).1, v3::ReportKind::UnknownUserName);

    // bob has authentication only: authPriv is above his level.
    let bob_priv = auth_user().with_privacy(PrivProtocol::Des, "privpass2");
    let d = Ask::new(&bob_priv, &engine_id).send(&mut r, &pdu).unwrap();
    assert_eq!(report(&d).1, v3::ReportKind::UnsupportedSecLevel);

    let wrong_auth = User::new("alice")
        .with_auth(AuthProtocol::Sha256, "wrongpass")
        .with_privacy(PrivProtocol::Aes128, "privpass1");
    let d = Ask::new(&wrong_auth, &engine_id)
        .send(&mut r, &pdu)
        .unwrap();
    let (o, kind) = report(&d);
    assert_eq!(kind, v3::ReportKind::WrongDigest);
    assert_eq!(o.flags.level(), Some(SecurityLevel::NoAuthNoPriv));

    let wrong_priv = User::new("alice")
        .with_auth(AuthProtocol::Sha256, "authpass1")
        .with_privacy(PrivProtocol::Aes128, "wrongpass");
    let d = Ask::new(&wrong_priv, &engine_id)
        .send(&mut r, &pdu)
        .unwrap();
    assert_eq!(report(&d).1, v3::ReportKind::DecryptionError);

    let e = r.v3().unwrap();
    for s in [
        Stat::UnknownUserNames,
        Stat::UnsupportedSecLevels,
        Stat::WrongDigests,
        Stat::DecryptionErrors,
    ] {
        assert_eq!(e.stat(s), 1, "{s:?}");
    }
    assert_eq!(e.stat(Stat::NotInTimeWindows), 0);
}

#[test]
fn stale_time_window_is_reported_authenticated() {
    let engine_id = default_engine_id(ENGINE_PORT);
    let mut r = agent();
    let alice = priv_user();
    let pdu = get(&[SYS_DESCR]);
    // 300 s rather than 151: on a loaded machine the agent's clock may pass a second or two
    // between its start and the request, which would bring 151 back inside the window.
    for (boots, time) in [(2, 0), (1, 300)] {
        let ask = Ask {
            boots,
            time,
            ..Ask::new(&alice, &engine_id)
        };
        // The engine's clock starts now: building the agent and the keys may take over a
        // second on a loaded machine, and the Report's time is checked below.
        r.v3_mut().unwrap().set_started(Instant::now());
        let d = ask.send(&mut r, &pdu).unwrap();
        // Authenticated with alice's key: opening with the key checks the HMAC.
        let o = v3::open(&d, &ask.keys()).unwrap();
        assert_eq!(o.flags.level(), Some(SecurityLevel::AuthNoPriv));
        assert_eq!(
            v3::ReportKind::of(&o.scoped.pdu),
            v3::ReportKind::NotInTimeWindow
        );
        assert_eq!(o.usm.boots, 1);
        assert!(o.usm.time < 30, "{}", o.usm.time);
        assert_eq!(&*o.usm.user_name, b"alice");
    }
    assert_eq!(r.v3().unwrap().stat(Stat::NotInTimeWindows), 2);
    // Inside the window: answered. The engine's clock runs from its start.
    let started = Instant::now() - std::time::Duration::from_secs(1000);
    r.v3_mut().unwrap().set_started(started);
    let ask = Ask {
        time: 1000 - 150,
        ..Ask::new(&alice, &engine_id)
    };
    let d = ask.send(&mut r, &pdu).unwrap();
    let o = v3::open(&d, &ask.keys()).unwrap();
    assert!(matches!(o.scoped.pdu, Pdu::Response(_)));
    assert!((1000..1010).contains(&o.usm.time));
}

#[test]
fn failures_without_the_reportable_flag_are_counted_not_reported() {
    let engine_id = default_engine_id(ENGINE_PORT);
    let mut r = agent();
    let stranger = User::new("mallory");
    let ask = Ask {
        reportable: false,
        ..Ask::new(&stranger, &engine_id)
    };
    assert_eq!(ask.send(&mut r, &get(&[SYS_DESCR])), None);
    assert_eq!(r.v3().unwrap().stat(Stat::UnknownUserNames), 1);
}

#[test]
fn auth_priv_get_round_trip_answers_like_v2c() {
    let engine_id = default_engine_id(ENGINE_PORT);
    let mut r = agent();
    let alice = priv_user();
    let ask = Ask::new(&alice, &engine_id);
    let pdu = get(&[SYS_DESCR, "1.3.6.1.2.1.1.9.0"]);
    let d = ask.send(&mut r, &pdu).unwrap();
    let o = v3::open(&d, &ask.keys()).unwrap();
    assert_eq!(o.msg_id, 77);
    assert_eq!(o.flags.level(), Some(SecurityLevel::AuthPriv));
    assert!(!o.flags.reportable());
    assert_eq!(&*o.usm.user_name, b"alice");
    assert_eq!(&*o.usm.engine_id, engine_id.as_slice());
    assert_eq!(o.usm.priv_params.len(), 8, "a salt");
    let v2c = Message {
        version: Version::V2c,
        community: Cow::Borrowed(b"public"),
        pdu: pdu.clone(),
    }
    .to_bytes();
    let v2c = r.handle(&v2c).datagrams.pop().unwrap();
    let v2c = Message::decode(&v2c).unwrap().into_owned();
    assert_eq!(o.scoped.pdu, v2c.pdu);
    assert_eq!(
        o.scoped.pdu.varbinds()[0].value,
        Value::OctetString(Cow::Borrowed(b"simulated"))
    );
    // A second answer has another salt.
    let d2 = ask.send(&mut r, &pdu).unwrap();
    let o2 = v3::open(&d2, &ask.keys()).unwrap();
    assert_ne!(o.usm.priv_params, o2.usm.priv_params);

    // authNoPriv and noAuthNoPriv users are answered at their level.
    for u in [auth_user(), User::new("nobody")] {
        let ask = Ask::new(&u, &engine_id);
        let d = ask.send(&mut r, &pdu).unwrap();
        let o = v3::open(&d, &ask.keys()).unwrap();
        assert_eq!(o.flags.level(), Some(u.level));
        assert_eq!(o.scoped.pdu, v2c.pdu);
    }
    // A user may go below its level, as with snmpd's `rouser NAME priv`.
    let mut alice_auth = priv_user();
    alice_auth.level = SecurityLevel::AuthNoPriv;
    let ask = Ask::new(&alice_auth, &engine_id);
    let o = v3::open(&ask.send(&mut r, &pdu).unwrap(), &ask.keys()).unwrap();
    assert_eq!(o.flags.level(), Some(SecurityLevel::AuthNoPriv));
}

#[test]
fn engine_objects_and_counters_answer_gets_and_walks() {
    let engine_id = default_engine_id(ENGINE_PORT);
    let mut r = agent();
    let anon = User::new("");
    Ask::new(&anon, b"").send(&mut r, &get(&[])).unwrap();
    let ask = |r: &mut Responder, pdu: Pdu<'static>| {
        let m = Message {
            version: Version::V2c,
            community: Cow::Borrowed(b"public"),
            pdu,
        }
        .to_bytes();
        let d = r.handle(&m).datagrams.pop().unwrap();
        Message::decode(&d).unwrap().into_owned().pdu
    };
    let p = ask(
        &mut r,
        get(&["1.3.6.1.6.3.15.1.1.4.0", "1.3.6.1.6.3.10.2.1.1.0"]),
    );
    assert_eq!(p.varbinds()[0].value, Value::Counter32(1));
    assert_eq!(
        p.varbinds()[1].value,
        Value::OctetString(Cow::Owned(engine_id))
    );
    // A walk from the end of the stored data goes through the engine's objects in order.
    let mut at = oid("1.3.6.1.2.1.1.3.0");
    let mut seen = Vec::new();
    loop {
        let p = ask(
            &mut r,
            Pdu::GetNextRequest(GenericPdu {
                request_id: 1,
                varbinds: vec![VarBind::null(at.clone())],
                ..GenericPdu::default()
            }),
        );
        let vb = p.varbinds()[0].clone().into_owned();
        if vb.value == Value::EndOfMibView {
            break;
        }
        assert!(vb.oid > at);
        at = vb.oid.clone();
        seen.push(vb.oid.to_string());
    }
    assert_eq!(seen.len(), 10, "{seen:?}");
    assert_eq!(seen[0], "1.3.6.1.6.3.10.2.1.1.0");
    assert_eq!(seen[9], "1.3.6.1.6.3.15.1.1.6.0");
}

#[test]
fn engines_refuse_bad_users_and_ids_and_hide_keys() {
    let mut cache = KeyCache::new();
    let short = User::new("u").with_auth(AuthProtocol::Md5, "short");
    assert!(AgentEngine::new(default_engine_id(1), 1, &[short], &mut cache).is_err());
    assert!(AgentEngine::new(Vec::new(), 1, &[], &mut cache).is_err());
    let e = AgentEngine::new(default_engine_id(1), 1, &[priv_user()], &mut cache).unwrap();
    let debug = format!("{e:?}");
    assert!(!debug.contains("authpass1") && !debug.contains("privpass1"));
    // v3 datagrams to an agent without an engine are dropped.
    let mut plain = Responder::new(store(), "public");
    let alice = priv_user();
    let id = default_engine_id(ENGINE_PORT);
    assert_eq!(
        Ask::new(&alice, &id).send(&mut plain, &get(&[SYS_DESCR])),
        None
    );
}
