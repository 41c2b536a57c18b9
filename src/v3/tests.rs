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
