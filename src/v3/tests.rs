//! Round trips of sealed messages through [`super::open`] for every authentication and privacy
//! protocol, and refusals of tampered ones.

use super::*;
use crate::pdu::{GenericPdu, Pdu, VarBind};
use crate::usm::{AuthProtocol, KeyCache, PrivProtocol, SecurityLevel, User};

const ENGINE: [u8; 12] = [0x80, 0, 0x1f, 0x88, 0x80, 1, 2, 3, 4, 5, 6, 7];

fn get() -> Pdu<'static> {
    Pdu::GetRequest(GenericPdu {
        request_id: 4242,
        varbinds: vec![VarBind::null("1.3.6.1.2.1.1.1.0".parse().unwrap())],
        ..Default::default()
    })
}

fn sealed(user: &User, salt: u64) -> (Vec<u8>, crate::usm::UserKeys) {
    let keys = user.keys(&ENGINE, &mut KeyCache::new()).unwrap();
    let pdu = get();
    let out = Outgoing {
        msg_id: 4242,
        max_size: 65507,
        flags: Flags::of(user.level, true),
        engine_id: &ENGINE,
        boots: 7,
        time: 123_456,
        user_name: user.name.as_bytes(),
        context_engine_id: &ENGINE,
        context_name: b"",
        pdu: &pdu,
    };
    let mut buf = vec![0xee; 3]; // sealing appends: what the buffer held stays
    seal(&out, &keys, &mut Salt::starting_at(salt), &mut buf).unwrap();
    assert_eq!(&buf[..3], &[0xee; 3]);
    buf.drain(..3);
    (buf, keys)
}

/// [`open`] of `bytes` after putting a valid HMAC under `keys` where its header says the
/// MAC is, so arbitrary input gets past the digest to decryption and the scopedPDU. The
/// digest then never fails.
fn open_reauthenticated(
    bytes: &[u8],
    keys: &crate::usm::UserKeys,
) -> Option<Result<Opened, Error>> {
    let (head, _) = Head::read(bytes).ok()?;
    let key = keys.auth.as_ref()?;
    let (at, len) = (head.layout.auth_params, head.layout.auth_len);
    if !head.flags.auth() || len != key.auth().mac_len() {
        return None;
    }
    let mut signed = bytes.to_vec();
    signed[at..at + len].fill(0);
    let mac = crate::usm::authenticate(key, &signed);
    signed[at..at + len].copy_from_slice(&mac);
    let opened = open(&signed, keys);
    assert_ne!(opened, Err(Error::WrongDigest));
    Some(opened)
}

#[test]
fn every_protocol_pair_round_trips() {
    for auth in AuthProtocol::ALL {
        let user = User::new("u").with_auth(auth, "authpass1");
        let (bytes, keys) = sealed(&user, 1);
        let o = open(&bytes, &keys).unwrap();
        assert_eq!(o.scoped.pdu, get(), "{auth}");
        assert_eq!((o.usm.boots, o.usm.time), (7, 123_456));
        assert_eq!(o.usm.auth_params.len(), auth.mac_len());
        for p in PrivProtocol::ALL {
            let user = user.clone().with_privacy(p, "privpass1");
            let (bytes, keys) = sealed(&user, 99);
            let o = open(&bytes, &keys).unwrap();
            assert_eq!(o.scoped.pdu, get(), "{auth} {p}");
            assert_eq!(o.scoped.context_engine_id.as_ref(), &ENGINE);
            assert!(o.flags.privacy() && o.flags.auth() && o.flags.reportable());
            // The salt is in msgPrivacyParameters: DES puts boots first.
            let salt = o.usm.priv_params.as_ref();
            if p == PrivProtocol::Des {
                assert_eq!(salt, &[0, 0, 0, 7, 0, 0, 0, 99]);
            } else {
                assert_eq!(salt, &99u64.to_be_bytes());
            }
        }
    }
}

#[test]
fn tampering_fails_the_digest_and_wrong_keys_fail_decryption() {
    let user = User::new("u")
        .with_auth(AuthProtocol::Sha256, "authpass1")
        .with_privacy(PrivProtocol::Aes128, "privpass1");
    let (bytes, keys) = sealed(&user, 5);
    for i in 0..bytes.len() {
        let mut t = bytes.clone();
        t[i] ^= 0x01;
        // Every flipped bit is refused: as a format error or a wrong digest, never accepted.
        assert!(open(&t, &keys).is_err(), "flip at {i}");
    }
    let other = User::new("u")
        .with_auth(AuthProtocol::Sha256, "authpass1")
        .with_privacy(PrivProtocol::Aes128, "otherpass");
    let wrong = other.keys(&ENGINE, &mut KeyCache::new()).unwrap();
    assert!(matches!(open(&bytes, &wrong), Err(Error::Decryption(_))));
    let no_keys = crate::usm::UserKeys {
        auth: None,
        privacy: None,
    };
    assert_eq!(open(&bytes, &no_keys), Err(Error::LevelMismatch));
}

#[test]
fn plaintext_messages_open_without_keys() {
    let user = User::new("probe");
    assert_eq!(user.level, SecurityLevel::NoAuthNoPriv);
    let (bytes, keys) = sealed(&user, 0);
    let (m, _) = MessageV3::decode(&bytes).unwrap();
    assert!(matches!(m.data, ScopedPduData::Plaintext(_)));
    assert_eq!(open(&bytes, &keys).unwrap().scoped.pdu, get());
}

/// The datagrams of `snmpget -v3` and `snmpd` (net-snmp 5.9.3) in [`super::vectors`], checked
/// byte for byte: decoded, re-encoded, verified, decrypted, opened, and sealed again from
/// their own fields to the same octets.
mod net_snmp {
    use super::*;
    use crate::oid::Oid;
    use crate::pdu::Value;
    use crate::usm::{UserKeys, parse_hex};
    use crate::v3::vectors as v;
    use std::time::Instant;

    fn bytes(hex: &str) -> Vec<u8> {
        parse_hex(hex).unwrap()
    }

    fn engine() -> Vec<u8> {
        bytes(v::ENGINE_ID)
    }

    fn keys(user: &User) -> UserKeys {
        user.keys(&engine(), &mut KeyCache::new()).unwrap()
    }

    fn no_keys() -> UserKeys {
        UserKeys {
            auth: None,
            privacy: None,
        }
    }

    /// Every datagram, named.
    const ALL: [(&str, &str); 36] = [
        ("DISCOVERY_PROBE", v::DISCOVERY_PROBE),
        ("DISCOVERY_REPORT", v::DISCOVERY_REPORT),
        ("MD5_GET", v::MD5_GET),
        ("MD5_RESPONSE", v::MD5_RESPONSE),
        ("SHA1_GET", v::SHA1_GET),
        ("SHA1_RESPONSE", v::SHA1_RESPONSE),
        ("SHA256_AES_GET", v::SHA256_AES_GET),
        ("SHA256_AES_RESPONSE", v::SHA256_AES_RESPONSE),
        ("MD5_DES_GET", v::MD5_DES_GET),
        ("MD5_DES_RESPONSE", v::MD5_DES_RESPONSE),
        ("SHA1_AES256_GET", v::SHA1_AES256_GET),
        ("SHA1_AES256_RESPONSE", v::SHA1_AES256_RESPONSE),
        ("MD5_AES192_GET", v::MD5_AES192_GET),
        ("MD5_AES192_RESPONSE", v::MD5_AES192_RESPONSE),
        ("SHA1_AES256C_GET", v::SHA1_AES256C_GET),
        ("SHA1_AES256C_RESPONSE", v::SHA1_AES256C_RESPONSE),
        ("MD5_AES192C_GET", v::MD5_AES192C_GET),
        ("MD5_AES192C_RESPONSE", v::MD5_AES192C_RESPONSE),
        ("WRONG_DIGEST_GET", v::WRONG_DIGEST_GET),
        ("WRONG_DIGEST_REPORT", v::WRONG_DIGEST_REPORT),
        ("UNKNOWN_USER_GET", v::UNKNOWN_USER_GET),
        ("UNKNOWN_USER_REPORT", v::UNKNOWN_USER_REPORT),
        ("DES_WRONG_PRIV_GET", v::DES_WRONG_PRIV_GET),
        ("AES_WRONG_PRIV_GET", v::AES_WRONG_PRIV_GET),
        ("DECRYPTION_ERROR_GET", v::DECRYPTION_ERROR_GET),
        ("DECRYPTION_ERROR_REPORT", v::DECRYPTION_ERROR_REPORT),
        ("NOT_IN_TIME_WINDOW_GET", v::NOT_IN_TIME_WINDOW_GET),
        ("NOT_IN_TIME_WINDOW_REPORT", v::NOT_IN_TIME_WINDOW_REPORT),
        ("UNSUPPORTED_SEC_LEVEL_GET", v::UNSUPPORTED_SEC_LEVEL_GET),
        (
            "UNSUPPORTED_SEC_LEVEL_REPORT",
            v::UNSUPPORTED_SEC_LEVEL_REPORT,
        ),
        ("SHA224_GET", v::SHA224_GET),
        ("SHA224_RESPONSE", v::SHA224_RESPONSE),
        ("SHA384_AES192_GET", v::SHA384_AES192_GET),
        ("SHA384_AES192_RESPONSE", v::SHA384_AES192_RESPONSE),
        ("SHA512_AES256_GET", v::SHA512_AES256_GET),
        ("SHA512_AES256_RESPONSE", v::SHA512_AES256_RESPONSE),
    ];

    /// One successful `snmpget`: the user as snmpd knows it, the request and response
    /// datagrams, and the varbind asked for with the value snmpd gave.
    struct Exchange {
        user: User,
        request: &'static str,
        response: &'static str,
        oid: &'static str,
        value: &'static [u8],
    }

    const SYS_DESCR: &[u8] = b"Linux vm 6.18.44-fc-v669 #1 SMP PREEMPT_DYNAMIC @0 x86_64";
    const SYS_LOCATION: &[u8] = b"snmpact v3 vectors";

    fn exchanges() -> Vec<Exchange> {
        use AuthProtocol::{Md5, Sha1, Sha224, Sha256, Sha384, Sha512};
        use PrivProtocol::{Aes128, Aes192, Aes192Cisco, Aes256, Aes256Cisco, Des};
        let location = |user, request, response| Exchange {
            user,
            request,
            response,
            oid: "1.3.6.1.2.1.1.6.0",
            value: SYS_LOCATION,
        };
        vec![
            Exchange {
                user: User::new("md5user").with_auth(Md5, "md5-auth-pass"),
                request: v::MD5_GET,
                response: v::MD5_RESPONSE,
                oid: "1.3.6.1.2.1.1.1.0",
                value: SYS_DESCR,
            },
            Exchange {
                user: User::new("shauser").with_auth(Sha1, "sha-auth-pass"),
                request: v::SHA1_GET,
                response: v::SHA1_RESPONSE,
                oid: "1.3.6.1.2.1.1.5.0",
                value: b"vm",
            },
            location(
                User::new("sha256aes")
                    .with_auth(Sha256, "sha256-auth-pass")
                    .with_privacy(Aes128, "aes128-priv-pass"),
                v::SHA256_AES_GET,
                v::SHA256_AES_RESPONSE,
            ),
            Exchange {
                user: User::new("desuser")
                    .with_auth(Md5, "des-auth-pass")
                    .with_privacy(Des, "des-priv-pass"),
                request: v::MD5_DES_GET,
                response: v::MD5_DES_RESPONSE,
                oid: "1.3.6.1.2.1.1.4.0",
                value: b"nobody",
            },
            location(
                User::new("aes256user")
                    .with_auth(Sha1, "aes256-auth-pass")
                    .with_privacy(Aes256, "aes256-priv-pass"),
                v::SHA1_AES256_GET,
                v::SHA1_AES256_RESPONSE,
            ),
            location(
                User::new("aes192user")
                    .with_auth(Md5, "aes192-auth-pass")
                    .with_privacy(Aes192, "aes192-priv-pass"),
                v::MD5_AES192_GET,
                v::MD5_AES192_RESPONSE,
            ),
            location(
                User::new("aes256cuser")
                    .with_auth(Sha1, "aes256c-auth-pass")
                    .with_privacy(Aes256Cisco, "aes256c-priv-pass"),
                v::SHA1_AES256C_GET,
                v::SHA1_AES256C_RESPONSE,
            ),
            location(
                User::new("aes192cuser")
                    .with_auth(Md5, "aes192c-auth-pass")
                    .with_privacy(Aes192Cisco, "aes192c-priv-pass"),
                v::MD5_AES192C_GET,
                v::MD5_AES192C_RESPONSE,
            ),
            Exchange {
                user: User::new("sha224user").with_auth(Sha224, "sha224-auth-pass"),
                request: v::SHA224_GET,
                response: v::SHA224_RESPONSE,
                oid: "1.3.6.1.2.1.1.5.0",
                value: b"vm",
            },
            location(
                User::new("sha384user")
                    .with_auth(Sha384, "sha384-auth-pass")
                    .with_privacy(Aes192, "sha384-priv-pass"),
                v::SHA384_AES192_GET,
                v::SHA384_AES192_RESPONSE,
            ),
            location(
                User::new("sha512user")
                    .with_auth(Sha512, "sha512-auth-pass")
                    .with_privacy(Aes256, "sha512-priv-pass"),
                v::SHA512_AES256_GET,
                v::SHA512_AES256_RESPONSE,
            ),
        ]
    }

    /// The salt counter value that makes [`seal`] write these msgPrivacyParameters: the
    /// whole 8 octets for AES; for DES, the low 32 bits (the high 32 are engine boots).
    fn salt_of(priv_params: &[u8], protocol: PrivProtocol) -> Salt {
        let p: [u8; 8] = priv_params.try_into().unwrap();
        Salt::starting_at(match protocol {
            PrivProtocol::Des => u64::from(u32::from_be_bytes([p[4], p[5], p[6], p[7]])),
            _ => u64::from_be_bytes(p),
        })
    }

    /// Seals the scopedPDU of `datagram` again with every header field as `datagram` has it.
    fn reseal(datagram: &[u8], keys: &UserKeys, protocol: PrivProtocol) -> Vec<u8> {
        let opened = open(datagram, keys).unwrap();
        let (head, _) = Head::read(datagram).unwrap();
        let out = Outgoing {
            msg_id: head.msg_id,
            max_size: head.max_size,
            flags: head.flags,
            engine_id: &head.usm.engine_id,
            boots: head.usm.boots,
            time: head.usm.time,
            user_name: &head.usm.user_name,
            context_engine_id: &opened.scoped.context_engine_id,
            context_name: &opened.scoped.context_name,
            pdu: &opened.scoped.pdu,
        };
        let mut salt = if head.flags.privacy() {
            salt_of(&head.usm.priv_params, protocol)
        } else {
            Salt::starting_at(0)
        };
        let mut buf = Vec::new();
        seal(&out, keys, &mut salt, &mut buf).unwrap();
        buf
    }

    fn report_kind(datagram: &[u8], keys: &UserKeys) -> (ReportKind, Opened) {
        let o = open(datagram, keys).unwrap();
        assert!(matches!(o.scoped.pdu, Pdu::Report(_)));
        (ReportKind::of(&o.scoped.pdu), o)
    }

    #[test]
    fn every_datagram_decodes_and_re_encodes_byte_for_byte() {
        for (name, hex) in ALL {
            let wire = bytes(hex);
            let (m, layout) = MessageV3::decode(&wire).unwrap_or_else(|e| panic!("{name}: {e}"));
            // net-snmp encodes minimally, as snmpact does: the same message, the same octets.
            assert_eq!(m.to_bytes(), wire, "{name}");
            assert_eq!(m.encoded_len(), wire.len(), "{name}");
            let mut again = Vec::new();
            assert_eq!(m.encode(&mut again), layout, "{name}");
            let (head, rest) = Head::read(&wire).unwrap();
            assert_eq!(
                (
                    head.msg_id,
                    head.max_size,
                    head.flags,
                    &head.usm,
                    head.layout
                ),
                (m.msg_id, m.max_size, m.flags, &m.usm, layout),
                "{name}"
            );
            let at = layout.auth_params;
            assert_eq!(
                &wire[at..at + layout.auth_len],
                &*m.usm.auth_params,
                "{name}"
            );
            assert_eq!(m.max_size, 65507, "{name}");
            assert!(m.flags.level().is_some(), "{name}");
            match (&m.data, rest) {
                (ScopedPduData::Encrypted(e), Rest::Encrypted(r)) => {
                    assert!(m.flags.privacy(), "{name}");
                    assert_eq!(&**e, r, "{name}");
                }
                (ScopedPduData::Plaintext(s), Rest::Plain(r)) => {
                    assert!(!m.flags.privacy(), "{name}");
                    assert_eq!(ScopedPdu::decode(r).unwrap(), *s, "{name}");
                    assert_eq!(rest.pdu_type().unwrap(), s.pdu.pdu_type(), "{name}");
                }
                _ => panic!("{name}: decode and Head::read disagree"),
            }
            if name == "DISCOVERY_PROBE" {
                assert!(m.usm.engine_id.is_empty());
            } else {
                assert_eq!(*m.usm.engine_id, engine(), "{name}");
                assert_eq!(m.usm.boots, 1, "{name}");
            }
        }
    }

    #[test]
    fn discovery_probe_and_unknown_engine_id_report() {
        let probe = bytes(v::DISCOVERY_PROBE);
        let o = open(&probe, &no_keys()).unwrap();
        assert_eq!(o.flags, Flags(Flags::REPORTABLE));
        assert!(o.usm.user_name.is_empty() && o.usm.auth_params.is_empty());
        assert_eq!((o.usm.boots, o.usm.time), (0, 0));
        assert!(o.scoped.context_engine_id.is_empty());
        assert!(matches!(&o.scoped.pdu, Pdu::GetRequest(g) if g.varbinds.is_empty()));
        // snmpact's probe, given net-snmp's ids, is net-snmp's probe.
        assert_eq!(reseal(&probe, &no_keys(), PrivProtocol::Des), probe);

        let report = bytes(v::DISCOVERY_REPORT);
        let (kind, o) = report_kind(&report, &no_keys());
        assert_eq!(kind, ReportKind::UnknownEngineId);
        assert_eq!(o.msg_id, Head::read(&probe).unwrap().0.msg_id);
        assert_eq!(o.flags, Flags(0));
        assert_eq!(*o.usm.engine_id, engine());
        assert_eq!((o.usm.boots, o.usm.time), (1, 8));
        assert_eq!(*o.scoped.context_engine_id, engine());
        // The Report carries the probe's request-id.
        let probe_pdu = open(&probe, &no_keys()).unwrap().scoped.pdu;
        assert_eq!(o.scoped.pdu.request_id(), probe_pdu.request_id());
        assert_eq!(o.scoped.pdu.varbinds()[0].value, Value::Counter32(1));
        let t0 = Instant::now();
        let record = EngineRecord::discovered(o.usm.engine_id.to_vec(), 1, 8, t0);
        assert_eq!(record.boots_and_time(t0), (1, 8));
        assert_eq!(reseal(&report, &no_keys(), PrivProtocol::Des), report);
    }

    #[test]
    fn net_snmp_requests_verify_decrypt_and_seal_again_byte_for_byte() {
        for x in exchanges() {
            let name = &x.user.name;
            let keys = keys(&x.user);
            let wire = bytes(x.request);
            let (head, _) = Head::read(&wire).unwrap();
            assert_eq!(*head.usm.user_name, *name.as_bytes());
            assert!(head.flags.reportable(), "{name}");
            assert_eq!(head.flags.level(), Some(x.user.level), "{name}");
            // net-snmp's HMAC verifies under snmpact's key.
            assert!(check(&wire, &head, keys.auth.as_ref().unwrap()), "{name}");
            // ...and its ciphertext decrypts under snmpact's privacy key.
            let o = open(&wire, &keys).unwrap_or_else(|e| panic!("{name}: {e}"));
            let Pdu::GetRequest(g) = &o.scoped.pdu else {
                panic!("{name}: not a GetRequest")
            };
            assert_eq!(
                g.varbinds,
                [VarBind::null(x.oid.parse().unwrap())],
                "{name}"
            );
            assert_eq!(*o.scoped.context_engine_id, engine(), "{name}");
            assert!(o.scoped.context_name.is_empty(), "{name}");
            // Sealing the same PDU with the same header fields and salt gives net-snmp's octets.
            assert_eq!(
                reseal(&wire, &keys, x.user.priv_protocol),
                wire,
                "{name}: sealed differently"
            );
        }
    }

    #[test]
    fn net_snmp_responses_open_and_seal_again_byte_for_byte() {
        for x in exchanges() {
            let name = &x.user.name;
            let keys = keys(&x.user);
            let request_wire = bytes(x.request);
            let request = Head::read(&request_wire).unwrap().0;
            let wire = bytes(x.response);
            let o = open(&wire, &keys).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(o.msg_id, request.msg_id, "{name}");
            assert!(!o.flags.reportable(), "{name}");
            assert_eq!(o.flags.level(), Some(x.user.level), "{name}");
            assert_eq!(
                (o.usm.boots, o.usm.time),
                (request.usm.boots, request.usm.time),
                "{name}"
            );
            let Pdu::Response(r) = &o.scoped.pdu else {
                panic!("{name}: not a Response")
            };
            let oid: Oid = x.oid.parse().unwrap();
            assert_eq!(
                r.varbinds,
                [VarBind::new(oid, Value::OctetString(x.value.into()))],
                "{name}"
            );
            // A wrong key fails the digest.
            let mut other = x.user.clone();
            other.auth_key = Some(crate::usm::KeySource::Password("not-the-pass".into()));
            assert_eq!(
                open(&wire, &self::keys(&other)),
                Err(Error::WrongDigest),
                "{name}"
            );
            assert_eq!(
                reseal(&wire, &keys, x.user.priv_protocol),
                wire,
                "{name}: sealed differently"
            );
            if x.user.level.privacy() && x.user.priv_protocol == PrivProtocol::Des {
                des_pad_octets_are_net_snmps(&wire, &keys);
            }
        }
    }

    /// [`MD5_DES_RESPONSE`](v::MD5_DES_RESPONSE)'s scopedPDU is 54 octets, so DES-CBC pads it
    /// to 56. RFC 3414 §8.1.1.2 leaves the pad value free; net-snmp writes the pad length in
    /// each pad octet (`02 02`), and so does snmpact: sealing again gives net-snmp's datagram
    /// exactly (checked by the caller).
    fn des_pad_octets_are_net_snmps(wire: &[u8], keys: &UserKeys) {
        let (head, rest) = Head::read(wire).unwrap();
        let Rest::Encrypted(cipher) = rest else {
            panic!("not encrypted")
        };
        let privacy = keys.privacy.as_ref().unwrap();
        let (boots, time) = (head.usm.boots, head.usm.time);
        let plain =
            crate::usm::decrypt(privacy, boots, time, &head.usm.priv_params, cipher).unwrap();
        assert_eq!(plain.len(), 56);
        assert_eq!(ScopedPdu::decode(&plain).unwrap().encoded_len(), 54);
        assert_eq!(plain[54..], [2, 2], "net-snmp's pad octets");
    }

    #[test]
    fn wrong_digest_report() {
        let shauser = User::new("shauser").with_auth(AuthProtocol::Sha1, "sha-auth-pass");
        let wrong = User::new("shauser").with_auth(AuthProtocol::Sha1, "wrong-auth-pass");
        let get = bytes(v::WRONG_DIGEST_GET);
        let (head, _) = Head::read(&get).unwrap();
        assert!(!check(&get, &head, keys(&shauser).auth.as_ref().unwrap()));
        assert!(check(&get, &head, keys(&wrong).auth.as_ref().unwrap()));
        assert_eq!(open(&get, &keys(&shauser)), Err(Error::WrongDigest));

        // The Report is not authenticated (RFC 3414 §3.2 step 6: the agent has no key it
        // trusts for the sender), so it opens without keys and with any.
        let report = bytes(v::WRONG_DIGEST_REPORT);
        let (kind, o) = report_kind(&report, &no_keys());
        assert_eq!(kind, ReportKind::WrongDigest);
        assert_eq!(o.flags, Flags(0));
        assert_eq!(o.msg_id, head.msg_id);
        assert_eq!(*o.usm.user_name, *b"shauser");
        assert!(o.usm.auth_params.is_empty());
        assert_eq!(report_kind(&report, &keys(&shauser)).0, kind);
        assert_eq!(reseal(&report, &no_keys(), PrivProtocol::Des), report);
    }

    #[test]
    fn unknown_user_and_unsupported_security_level_reports() {
        let report = bytes(v::UNKNOWN_USER_REPORT);
        let (kind, o) = report_kind(&report, &no_keys());
        assert_eq!(kind, ReportKind::UnknownUserName);
        assert_eq!(*o.usm.user_name, *b"nosuchuser");
        assert_eq!(
            o.msg_id,
            Head::read(&bytes(v::UNKNOWN_USER_GET)).unwrap().0.msg_id
        );
        assert_eq!(reseal(&report, &no_keys(), PrivProtocol::Des), report);

        // md5user exists at authNoPriv only; its authPriv GET gets unsupportedSecLevel.
        let get = bytes(v::UNSUPPORTED_SEC_LEVEL_GET);
        let md5user = User::new("md5user")
            .with_auth(AuthProtocol::Md5, "md5-auth-pass")
            .with_privacy(PrivProtocol::Des, "des-priv-pass");
        assert_eq!(
            open(&get, &keys(&md5user)).unwrap().scoped.pdu.varbinds()[0].oid,
            "1.3.6.1.2.1.1.1.0".parse().unwrap()
        );
        let report = bytes(v::UNSUPPORTED_SEC_LEVEL_REPORT);
        let (kind, o) = report_kind(&report, &no_keys());
        assert_eq!(kind, ReportKind::UnsupportedSecLevel);
        assert_eq!(o.flags, Flags(0));
        assert_eq!(reseal(&report, &no_keys(), PrivProtocol::Des), report);
    }

    /// The right authentication key and the wrong privacy key: the HMAC verifies, the
    /// plaintext is garbage, and [`open`] says so (snmpd dropped these without a Report).
    #[test]
    fn wrong_privacy_pass_phrase_fails_decryption() {
        let cases = [
            (
                v::DES_WRONG_PRIV_GET,
                User::new("desuser")
                    .with_auth(AuthProtocol::Md5, "des-auth-pass")
                    .with_privacy(PrivProtocol::Des, "des-priv-pass"),
            ),
            (
                v::AES_WRONG_PRIV_GET,
                User::new("sha256aes")
                    .with_auth(AuthProtocol::Sha256, "sha256-auth-pass")
                    .with_privacy(PrivProtocol::Aes128, "aes128-priv-pass"),
            ),
        ];
        for (hex, user) in cases {
            let get = bytes(hex);
            let (head, _) = Head::read(&get).unwrap();
            let right = keys(&user);
            assert!(check(&get, &head, right.auth.as_ref().unwrap()));
            assert!(matches!(open(&get, &right), Err(Error::Decryption(_))));
            let protocol = user.priv_protocol;
            let wrong = keys(&user.with_privacy(protocol, "wrong-priv-pass"));
            let o = open(&get, &wrong).unwrap();
            assert!(matches!(o.scoped.pdu, Pdu::GetRequest(_)));
            assert_eq!(reseal(&get, &wrong, protocol), get);
        }
    }

    #[test]
    fn decryption_error_report() {
        let user = User::new("sha256aes")
            .with_auth(AuthProtocol::Sha256, "sha256-auth-pass")
            .with_privacy(PrivProtocol::Aes128, "aes128-priv-pass");
        let get = bytes(v::DECRYPTION_ERROR_GET);
        let (head, _) = Head::read(&get).unwrap();
        assert!(check(&get, &head, keys(&user).auth.as_ref().unwrap()));
        assert_eq!(head.usm.priv_params.len(), 7);
        assert_eq!(
            open(&get, &keys(&user)),
            Err(Error::Decryption("usm_priv_params_length"))
        );

        let report = bytes(v::DECRYPTION_ERROR_REPORT);
        let (kind, o) = report_kind(&report, &no_keys());
        assert_eq!(kind, ReportKind::DecryptionError);
        assert_eq!(o.msg_id, head.msg_id);
        assert_eq!(o.flags, Flags(0));
        // snmpd could not read the PDU, so the Report's request-id is 0.
        assert_eq!(o.scoped.pdu.request_id(), Some(0));
        assert_eq!(reseal(&report, &no_keys(), PrivProtocol::Des), report);
    }

    /// notInTimeWindow is the one Report snmpd authenticates (RFC 3414 §3.2 step 7b): its
    /// boots and time may be used to resynchronise only because its HMAC verifies.
    #[test]
    fn not_in_time_window_report_is_authenticated() {
        let shauser = User::new("shauser").with_auth(AuthProtocol::Sha1, "sha-auth-pass");
        let get = bytes(v::NOT_IN_TIME_WINDOW_GET);
        let (head, _) = Head::read(&get).unwrap();
        assert_eq!((head.usm.boots, head.usm.time), (1, 1008));
        assert!(check(&get, &head, keys(&shauser).auth.as_ref().unwrap()));
        assert_eq!(reseal(&get, &keys(&shauser), PrivProtocol::Des), get);

        let report = bytes(v::NOT_IN_TIME_WINDOW_REPORT);
        assert_eq!(open(&report, &no_keys()), Err(Error::LevelMismatch));
        let wrong = User::new("shauser").with_auth(AuthProtocol::Sha1, "wrong-auth-pass");
        assert_eq!(open(&report, &keys(&wrong)), Err(Error::WrongDigest));
        let (kind, o) = report_kind(&report, &keys(&shauser));
        assert_eq!(kind, ReportKind::NotInTimeWindow);
        assert_eq!(o.flags, Flags(Flags::AUTH));
        assert_eq!(o.msg_id, head.msg_id);
        assert_eq!((o.usm.boots, o.usm.time), (1, 36));
        let t0 = Instant::now();
        let mut record = EngineRecord::discovered(engine(), 1, 1008, t0);
        record.resync(o.usm.boots, o.usm.time, t0);
        assert_eq!(record.boots_and_time(t0), (1, 36));
        assert_eq!(reseal(&report, &keys(&shauser), PrivProtocol::Des), report);
    }

    /// Broken net-snmp datagrams: [`MessageV3::decode`], [`Head::read`] and [`open`] refuse
    /// each with the same error, at the byte of the datagram at fault, including inside
    /// msgSecurityParameters and the scopedPDU (read from slices of their own). The same
    /// table, as `snmpact decode` shows it, is in `dissect/tests.rs`.
    #[test]
    fn decode_errors_name_their_byte() {
        use crate::ber::{self, ErrorKind};
        use crate::pdu::Error as P;
        let malformed = |what, offset| Error::Malformed { what, offset };
        let ber = |kind, offset| Error::Pdu(P::Ber(ber::Error::new(kind, offset)));
        let probe = v::DISCOVERY_PROBE;
        let sha256 = v::SHA256_AES_GET;
        #[rustfmt::skip]
        let cases: Vec<(&str, String, Error, &str)> = vec![
            ("msgVersion 4", probe.replace("303d020103", "303d020104"),
             Error::NotV3 { offset: 2 },
             "not an SNMPv3 message at byte 2"),
            ("msgMaxSize 400", probe.replace("020300ffe3", "0203000190"),
             malformed("msgMaxSize below 484", 12),
             "malformed SNMPv3 header: msgMaxSize below 484 at byte 12"),
            ("negative msgID", probe.replace("020326fdc1", "0203ffffff"),
             malformed("msgID", 7),
             "malformed SNMPv3 header: msgID at byte 7"),
            ("msgFlags of two octets",
             probe.replacen("303d", "303e", 1).replacen("3010", "3011", 1)
                 .replacen("040104", "04020400", 1),
             malformed("msgFlags not one octet", 17),
             "malformed SNMPv3 header: msgFlags not one octet at byte 17"),
            ("msgSecurityModel 1", probe.replace("040104020103", "040104020101"),
             Error::SecurityModel { model: 1, offset: 20 },
             "security model 1 is not USM (3) at byte 20"),
            ("privFlag without authFlag", sha256.replace("040107", "040106"),
             malformed("privFlag without authFlag", 19),
             "malformed SNMPv3 header: privFlag without authFlag at byte 19"),
            ("authFlag alone over an encryptedPDU", sha256.replace("040107", "040105"),
             malformed("msgData is not a ScopedPDU", 96),
             "malformed SNMPv3 header: msgData is not a ScopedPDU at byte 96"),
            ("bytes after UsmSecurityParameters",
             probe.replacen("303d", "303f", 1).replacen("0410300e", "0412300e", 1)
                 .replacen("04000400040030", "040004000400050030", 1),
             ber(ErrorKind::TrailingBytes, 41),
             "trailing bytes after element at byte 41"),
            ("msgAuthoritativeEngineBoots of no octets",
             probe.replacen("303d", "303c", 1)
                 .replacen("0410300e0400020100", "040f300d04000200", 1),
             ber(ErrorKind::IntegerEmpty, 29),
             "integer with no content octets at byte 29"),
            ("unknown PDU type in the scopedPDU", probe.replace("a00e", "af0e"),
             Error::Pdu(P::UnknownPduType { tag: 0xaf, offset: 47 }),
             "unknown PDU type 0xaf at byte 47"),
        ];
        for (what, hex, want, text) in cases {
            let wire = bytes(&hex);
            let e = MessageV3::decode(&wire).unwrap_err();
            assert_eq!(e, want, "{what}");
            assert_eq!(e.to_string(), text, "{what}");
            assert_eq!(open(&wire, &no_keys()).unwrap_err(), want, "{what}");
            if !matches!(want, Error::Pdu(P::UnknownPduType { .. })) {
                assert_eq!(Head::read(&wire).unwrap_err(), want, "{what}");
            }
        }
    }

    /// The header fields whose size RFC 3414 §2.4 bounds, too long: refused at their byte.
    #[test]
    fn engine_id_and_user_name_too_long_at_their_byte() {
        let message = |engine_id: &[u8], user_name: &[u8]| {
            MessageV3 {
                msg_id: 1,
                max_size: 65507,
                flags: Flags(Flags::REPORTABLE),
                usm: UsmParams {
                    engine_id: engine_id.to_vec().into(),
                    user_name: user_name.to_vec().into(),
                    ..UsmParams::default()
                },
                data: ScopedPduData::Plaintext(ScopedPdu {
                    context_engine_id: b""[..].into(),
                    context_name: b""[..].into(),
                    pdu: get(),
                }),
            }
            .to_bytes()
        };
        let e = MessageV3::decode(&message(&[0x80; 33], b"u")).unwrap_err();
        assert_eq!(
            e,
            Error::Malformed {
                what: "msgAuthoritativeEngineID longer than 32",
                offset: 25
            }
        );
        let e = Head::read(&message(b"", &[b'u'; 33])).unwrap_err();
        assert_eq!(
            e,
            Error::Malformed {
                what: "msgUserName longer than 32",
                offset: 33
            }
        );
        assert_eq!(e.offset(), Some(33));
        assert_eq!(e.label(), "malformed_v3_header");
    }

    /// Every datagram of [`ALL`] with the keys of the user it names (none for users snmpd
    /// does not know), made once: key derivation is the slow part.
    fn corpus() -> &'static [(Vec<u8>, UserKeys)] {
        static CORPUS: std::sync::OnceLock<Vec<(Vec<u8>, UserKeys)>> = std::sync::OnceLock::new();
        CORPUS.get_or_init(|| {
            let users: Vec<(Vec<u8>, UserKeys)> = exchanges()
                .iter()
                .map(|x| (x.user.name.clone().into_bytes(), keys(&x.user)))
                .collect();
            ALL.iter()
                .map(|(_, hex)| {
                    let wire = bytes(hex);
                    let name = Head::read(&wire).unwrap().0.usm.user_name.to_vec();
                    let keys = users
                        .iter()
                        .find(|(n, _)| *n == name)
                        .map_or_else(no_keys, |(_, k)| k.clone());
                    (wire, keys)
                })
                .collect()
        })
    }

    proptest::proptest! {
        /// Overwritten, inserted and removed octets in net-snmp's datagrams: nothing panics,
        /// [`Head::read`] accepts whatever [`MessageV3::decode`] accepts, and [`open`] never
        /// returns a changed datagram as authenticated.
        #[test]
        fn mutated_net_snmp_datagrams_never_open_as_authentic(
            pick in proptest::prelude::any::<proptest::sample::Index>(),
            edits in proptest::collection::vec(
                (proptest::prelude::any::<proptest::sample::Index>(), proptest::prelude::any::<u8>(), 0u8..3),
                1..6,
            ),
        ) {
            let (wire, keys) = &corpus()[pick.index(corpus().len())];
            let mut m = wire.clone();
            for (at, byte, kind) in edits {
                match kind {
                    0 if !m.is_empty() => {
                        let i = at.index(m.len());
                        m[i] = byte;
                    }
                    1 => {
                        let i = at.index(m.len() + 1);
                        m.insert(i, byte);
                    }
                    _ if !m.is_empty() => {
                        m.remove(at.index(m.len()));
                    }
                    _ => {}
                }
            }
            match MessageV3::decode(&m) {
                Ok((msg, layout)) => {
                    let (head, _) = Head::read(&m).unwrap();
                    proptest::prop_assert_eq!((head.msg_id, head.layout), (msg.msg_id, layout));
                }
                // A refusal names a byte of the datagram (or its end, for a truncation).
                Err(e) => proptest::prop_assert!(
                    e.offset().is_some_and(|at| at <= m.len()),
                    "{e:?} of {} octets",
                    m.len()
                ),
            }
            if let Ok(o) = open(&m, keys) {
                proptest::prop_assert!(m == *wire || !o.flags.auth(), "changed and authentic");
            }
            // Past the digest, to decryption and the scopedPDU of the changed datagram.
            let _ = open_reauthenticated(&m, keys);
        }
    }
}

/// Property tests: the decoder and [`open`] on any input, and [`seal`] then [`open`] on any
/// message, user keys and salt.
mod properties {
    use super::*;
    use crate::oid::Oid;
    use crate::pdu::{BulkPdu, ErrorStatus, Value};
    use crate::usm::{LocalizedKey, PrivKey, UserKeys};
    use proptest::prelude::*;
    use proptest::sample::{Index, select};
    use std::borrow::Cow;
    use std::sync::OnceLock;

    fn arb_oid() -> impl Strategy<Value = Oid> {
        (
            0u32..3,
            0u32..40,
            prop::collection::vec(any::<u32>(), 0..12),
        )
            .prop_map(|(a, b, rest)| {
                let mut arcs = vec![a, b];
                arcs.extend(rest);
                Oid::new(&arcs).unwrap()
            })
    }

    fn arb_bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
        prop::collection::vec(any::<u8>(), 0..=max)
    }

    fn arb_value() -> impl Strategy<Value = Value<'static>> {
        prop_oneof![
            any::<i32>().prop_map(Value::Integer),
            arb_bytes(200).prop_map(|b| Value::OctetString(Cow::Owned(b))),
            Just(Value::Null),
            arb_oid().prop_map(Value::ObjectId),
            any::<[u8; 4]>().prop_map(Value::IpAddress),
            any::<u32>().prop_map(Value::Counter32),
            any::<u32>().prop_map(Value::Gauge32),
            any::<u32>().prop_map(Value::TimeTicks),
            arb_bytes(40).prop_map(|b| Value::Opaque(Cow::Owned(b))),
            any::<u64>().prop_map(Value::Counter64),
            Just(Value::NoSuchObject),
            Just(Value::NoSuchInstance),
            Just(Value::EndOfMibView),
        ]
    }

    fn arb_pdu() -> impl Strategy<Value = Pdu<'static>> {
        let varbinds = prop::collection::vec(
            (arb_oid(), arb_value()).prop_map(|(o, v)| VarBind::new(o, v)),
            0..8,
        );
        (0u8..8, any::<i32>(), any::<i32>(), any::<i32>(), varbinds).prop_map(
            |(kind, request_id, a, b, varbinds)| {
                let generic = GenericPdu {
                    request_id,
                    error_status: ErrorStatus::from_i32(a),
                    error_index: b,
                    varbinds,
                };
                match kind {
                    0 => Pdu::GetRequest(generic),
                    1 => Pdu::GetNextRequest(generic),
                    2 => Pdu::Response(generic),
                    3 => Pdu::SetRequest(generic),
                    4 => Pdu::InformRequest(generic),
                    5 => Pdu::SnmpV2Trap(generic),
                    6 => Pdu::Report(generic),
                    _ => Pdu::GetBulkRequest(BulkPdu {
                        request_id,
                        non_repeaters: a,
                        max_repetitions: b,
                        varbinds: generic.varbinds,
                    }),
                }
            },
        )
    }

    /// A security level and keys for it, from random key octets (not pass phrases, so no
    /// 1 MB hash per case; the Reeder extension of a short key still costs one).
    fn arb_keys() -> impl Strategy<Value = (SecurityLevel, UserKeys)> {
        (
            0u8..3,
            select(AuthProtocol::ALL.to_vec()),
            select(PrivProtocol::ALL.to_vec()),
            any::<[u8; 64]>(),
            any::<[u8; 64]>(),
            arb_bytes(32),
        )
            .prop_map(|(level, auth, privacy, a, p, engine)| {
                let n = auth.digest_len();
                let auth_key = LocalizedKey::from_bytes(auth, &a[..n]).unwrap();
                let priv_kul = LocalizedKey::from_bytes(auth, &p[..n]).unwrap();
                match level {
                    0 => (SecurityLevel::NoAuthNoPriv, no_keys()),
                    1 => (
                        SecurityLevel::AuthNoPriv,
                        UserKeys {
                            auth: Some(auth_key),
                            privacy: None,
                        },
                    ),
                    _ => (
                        SecurityLevel::AuthPriv,
                        UserKeys {
                            auth: Some(auth_key),
                            privacy: Some(PrivKey::derive(privacy, &priv_kul, &engine)),
                        },
                    ),
                }
            })
    }

    fn no_keys() -> UserKeys {
        UserKeys {
            auth: None,
            privacy: None,
        }
    }

    /// A few fixed users' keys to open arbitrary input with, made once.
    fn fixed_keys() -> &'static [UserKeys] {
        static KEYS: OnceLock<Vec<UserKeys>> = OnceLock::new();
        KEYS.get_or_init(|| {
            let with = |auth: AuthProtocol, privacy: Option<PrivProtocol>| {
                let kul = LocalizedKey::from_bytes(auth, &[0x5a; 64][..auth.digest_len()]).unwrap();
                UserKeys {
                    privacy: privacy.map(|p| PrivKey::derive(p, &kul, &ENGINE)),
                    auth: Some(kul),
                }
            };
            vec![
                no_keys(),
                with(AuthProtocol::Md5, None),
                with(AuthProtocol::Sha256, None),
                with(AuthProtocol::Md5, Some(PrivProtocol::Des)),
                with(AuthProtocol::Sha1, Some(PrivProtocol::Aes128)),
                with(AuthProtocol::Sha1, Some(PrivProtocol::Aes256Cisco)),
                with(AuthProtocol::Sha512, Some(PrivProtocol::Aes256)),
            ]
        })
    }

    /// Every entry point on `bytes`; none may panic.
    fn every_reader(bytes: &[u8]) {
        let _ = MessageV3::decode(bytes);
        if let Ok((head, rest)) = Head::read(bytes) {
            let _ = rest.pdu_type();
            for keys in fixed_keys() {
                if let Some(k) = &keys.auth {
                    let _ = check(bytes, &head, k);
                }
            }
        }
        for keys in fixed_keys() {
            let _ = open(bytes, keys);
            let _ = open_reauthenticated(bytes, keys);
        }
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
            every_reader(&bytes);
        }

        /// A well-formed SNMPv3 header followed by any bytes: reaches the scopedPDU and
        /// encryptedPDU paths that random bytes rarely do.
        #[test]
        fn any_body_after_a_valid_header_never_panics(
            flags in any::<u8>(),
            body in prop::collection::vec(any::<u8>(), 0..300),
            mac_len in select(vec![0usize, 12, 16, 24, 32, 48]),
            priv_len in 0usize..12,
        ) {
            let m = MessageV3 {
                msg_id: 1,
                max_size: 65507,
                flags: Flags(flags),
                usm: UsmParams {
                    engine_id: ENGINE[..].into(),
                    boots: 1,
                    time: 2,
                    user_name: b"u"[..].into(),
                    auth_params: vec![0; mac_len].into(),
                    priv_params: vec![7; priv_len].into(),
                },
                data: ScopedPduData::Encrypted(body.clone().into()),
            };
            every_reader(&m.to_bytes());
            // The same body as the raw msgData, where a plaintext ScopedPDU goes.
            let mut bytes = Vec::new();
            m.encode_with_scoped_tlv(&body, &mut bytes);
            every_reader(&bytes);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        /// [`seal`] then [`open`] gives back every field; the encoding is canonical;
        /// the salt is where RFC 3414/3826 put it; and any flipped bit of an authenticated
        /// message, or another key, is refused.
        #[test]
        fn seal_then_open_round_trips(
            (level, keys) in arb_keys(),
            (other_level, other) in arb_keys(),
            pdu in arb_pdu(),
            engine in arb_bytes(32),
            user in arb_bytes(32),
            context_engine in arb_bytes(40),
            context_name in arb_bytes(40),
            msg_id in 0..=i32::MAX,
            max_size in 484..=i32::MAX,
            boots in 0..=i32::MAX.cast_unsigned(),
            time in 0..=i32::MAX.cast_unsigned(),
            reportable in any::<bool>(),
            salt in any::<u64>(),
            flip in any::<Index>(),
            bit in 0u8..8,
        ) {
            let out = Outgoing {
                msg_id,
                max_size,
                flags: Flags::of(level, reportable),
                engine_id: &engine,
                boots,
                time,
                user_name: &user,
                context_engine_id: &context_engine,
                context_name: &context_name,
                pdu: &pdu,
            };
            let mut buf = Vec::new();
            seal(&out, &keys, &mut Salt::starting_at(salt), &mut buf).unwrap();

            let o = open(&buf, &keys).unwrap();
            prop_assert_eq!(o.msg_id, msg_id);
            prop_assert_eq!(o.flags, out.flags);
            prop_assert_eq!(
                (&*o.usm.engine_id, o.usm.boots, o.usm.time, &*o.usm.user_name),
                (&engine[..], boots, time, &user[..])
            );
            prop_assert_eq!(&*o.scoped.context_engine_id, &context_engine[..]);
            prop_assert_eq!(&*o.scoped.context_name, &context_name[..]);
            prop_assert_eq!(&o.scoped.pdu, &pdu);
            let mac_len = keys.auth.as_ref().map_or(0, |k| k.auth().mac_len());
            prop_assert_eq!(o.usm.auth_params.len(), mac_len);
            match &keys.privacy {
                None => prop_assert!(o.usm.priv_params.is_empty()),
                Some(k) if k.protocol() == PrivProtocol::Des => {
                    let mut expected = boots.to_be_bytes().to_vec();
                    expected.extend_from_slice(&salt.to_be_bytes()[4..]);
                    prop_assert_eq!(&*o.usm.priv_params, &expected[..]);
                }
                Some(_) => prop_assert_eq!(&*o.usm.priv_params, &salt.to_be_bytes()[..]),
            }

            let (m, layout) = MessageV3::decode(&buf).unwrap();
            prop_assert_eq!(m.to_bytes(), buf.clone());
            let (head, _) = Head::read(&buf).unwrap();
            prop_assert_eq!(head.layout, layout);

            if let Some(k) = &keys.auth {
                prop_assert!(check(&buf, &head, k));
                let mut t = buf.clone();
                let i = flip.index(t.len());
                t[i] ^= 1 << bit;
                // Refused, except a flip of the flags' authFlag itself: that message claims a
                // lower level and is opened as such; the dispatcher's gate refuses an answer
                // below its request's level (dispatcher/gate.rs).
                match open(&t, &keys) {
                    Err(_) => {}
                    Ok(o) => prop_assert!(
                        o.flags.level() < out.flags.level(),
                        "flipped bit {} of octet {} still opens at {:?}", bit, i, o.flags.level()
                    ),
                }
                if other_level == level {
                    // Another user's keys at the same level: the digest fails.
                    prop_assert_eq!(open(&buf, &other), Err(Error::WrongDigest));
                }
            }
        }
    }
}

#[test]
fn decode_errors_name_their_offset_in_the_whole_datagram() {
    let user = User::new("probe");
    let (mut bytes, keys) = sealed(&user, 0);
    // The PDU tag (GetRequest, 0xa0) made unknown: reported where it is in the datagram.
    let at = bytes.iter().position(|b| *b == 0xa0).unwrap();
    bytes[at] = 0xbf;
    let e = MessageV3::decode(&bytes).unwrap_err();
    let Error::Pdu(p) = &e else { panic!("{e:?}") };
    assert_eq!(p.offset(), at, "{e}");
    let Error::Pdu(p) = open(&bytes, &keys).unwrap_err() else {
        panic!()
    };
    assert_eq!(p.offset(), at);
    // A fault inside the security parameters: msgUserName's tag (0x04 after the time).
    let (mut bytes, _) = sealed(&user, 0);
    let (head, _) = Head::read(&bytes).unwrap();
    let user_tag = head.layout.auth_params - 2 - 2 - user.name.len();
    assert_eq!(bytes[user_tag], 0x04);
    bytes[user_tag] = 0x05;
    let Error::Pdu(p) = Head::read(&bytes).unwrap_err() else {
        panic!()
    };
    assert_eq!(p.offset(), user_tag);
}

#[test]
fn errors_not_about_bytes_have_no_offset() {
    for e in [
        Error::Encrypted,
        Error::LevelMismatch,
        Error::WrongDigest,
        Error::Decryption("usm_priv_params_length"),
        Error::NoEngineId,
    ] {
        assert_eq!(e.offset(), None, "{e}");
        assert!(!e.to_string().contains(" at byte "), "{e}");
    }
    assert_eq!(Error::NoEngineId.label(), "no_engine_id");
}
