//! The checks of fuzz target `v3`, shared by the target (`fuzz_targets/v3.rs`) and by
//! `cargo test` (`tests/integration/fuzz_replay.rs`): any bytes through the SNMPv3 decoder and USM message processing
//! (`snmpact::v3`).
//!
//! - `MessageV3::decode` and `Head::read` never panic and agree: whatever `decode` accepts,
//!   `Head::read` accepts with the same header and layout. Encoding what `decode` returned and
//!   decoding that gives the same message, and encoding it again gives the same bytes.
//! - `open` never panics, without keys or with the keys of the user the message names (the
//!   users of the net-snmp vectors in `src/v3/vectors.rs`, engine id 80001f8804736e6d70616374).
//! - With a valid HMAC put where the header says the MAC is (so mutated inputs get past the
//!   digest to decryption and the scopedPDU), `open` never reports a wrong digest; and
//!   whatever it opens, sealed again with the same fields and salt, opens to the same
//!   scopedPDU.

use std::sync::OnceLock;

use snmpact::usm::{AuthProtocol, KeyCache, PrivProtocol, User, UserKeys, authenticate};
use snmpact::v3::{Error, Head, MessageV3, Outgoing, Salt, open, seal};

/// snmpd's engine id in the vectors the corpus is seeded from.
const ENGINE_ID: [u8; 12] = [
    0x80, 0x00, 0x1f, 0x88, 0x04, 0x73, 0x6e, 0x6d, 0x70, 0x61, 0x63, 0x74,
];

/// A user of the net-snmp vectors: name, authentication protocol and pass phrase, privacy
/// protocol and pass phrase.
type VectorUser = (
    &'static str,
    AuthProtocol,
    &'static str,
    Option<(PrivProtocol, &'static str)>,
);

/// The users of the net-snmp vectors (the `createUser` lines of `src/v3/vectors.rs`).
#[rustfmt::skip]
const VECTOR_USERS: [VectorUser; 11] = [
    ("md5user", AuthProtocol::Md5, "md5-auth-pass", None),
    ("shauser", AuthProtocol::Sha1, "sha-auth-pass", None),
    ("sha224user", AuthProtocol::Sha224, "sha224-auth-pass", None),
    ("sha256aes", AuthProtocol::Sha256, "sha256-auth-pass",
     Some((PrivProtocol::Aes128, "aes128-priv-pass"))),
    ("desuser", AuthProtocol::Md5, "des-auth-pass", Some((PrivProtocol::Des, "des-priv-pass"))),
    ("aes256user", AuthProtocol::Sha1, "aes256-auth-pass",
     Some((PrivProtocol::Aes256, "aes256-priv-pass"))),
    ("aes192user", AuthProtocol::Md5, "aes192-auth-pass",
     Some((PrivProtocol::Aes192, "aes192-priv-pass"))),
    ("aes256cuser", AuthProtocol::Sha1, "aes256c-auth-pass",
     Some((PrivProtocol::Aes256Cisco, "aes256c-priv-pass"))),
    ("aes192cuser", AuthProtocol::Md5, "aes192c-auth-pass",
     Some((PrivProtocol::Aes192Cisco, "aes192c-priv-pass"))),
    ("sha384user", AuthProtocol::Sha384, "sha384-auth-pass",
     Some((PrivProtocol::Aes192, "sha384-priv-pass"))),
    ("sha512user", AuthProtocol::Sha512, "sha512-auth-pass",
     Some((PrivProtocol::Aes256, "sha512-priv-pass"))),
];

/// [`VECTOR_USERS`] with their keys for [`ENGINE_ID`], made once.
fn users() -> &'static [(Vec<u8>, UserKeys)] {
    static USERS: OnceLock<Vec<(Vec<u8>, UserKeys)>> = OnceLock::new();
    USERS.get_or_init(|| {
        let mut cache = KeyCache::new();
        VECTOR_USERS
            .iter()
            .map(|&(name, auth, pass, privacy)| {
                let mut user = User::new(name).with_auth(auth, pass);
                if let Some((protocol, pass)) = privacy {
                    user = user.with_privacy(protocol, pass);
                }
                let keys = user
                    .keys(&ENGINE_ID, &mut cache)
                    .expect("keys of a valid user");
                (user.name.into_bytes(), keys)
            })
            .collect()
    })
}

fn no_keys() -> UserKeys {
    UserKeys {
        auth: None,
        privacy: None,
    }
}

/// Panics when `data` breaks a property above.
pub(crate) fn check(data: &[u8]) {
    let decoded = MessageV3::decode(data);
    let head = Head::read(data);
    if let Ok((first, layout)) = &decoded {
        let (h, _) = head
            .as_ref()
            .expect("decode accepts what Head::read refuses");
        assert_eq!(
            (h.msg_id, h.max_size, h.flags, &h.usm, h.layout),
            (
                first.msg_id,
                first.max_size,
                first.flags,
                &first.usm,
                *layout
            )
        );
        let encoded = first.to_bytes();
        assert_eq!(encoded.len(), first.encoded_len());
        let (second, _) = match MessageV3::decode(&encoded) {
            Ok(m) => m,
            Err(e) => panic!("re-encoding does not decode: {e}\n{first:?}\n{encoded:02x?}"),
        };
        assert_eq!(&second, first, "decode(encode(m)) != m");
        assert_eq!(second.to_bytes(), encoded, "re-encoding differs");
    }
    let _ = open(data, &no_keys());
    let Ok((head, _)) = head else {
        return;
    };
    let Some((_, keys)) = users().iter().find(|(n, _)| **n == *head.usm.user_name) else {
        return;
    };
    let _ = open(data, keys);

    // Past the digest: the HMAC put where the header says it goes.
    let Some(key) = &keys.auth else { return };
    let (at, len) = (head.layout.auth_params, head.layout.auth_len);
    if !head.flags.auth() || len != key.auth().mac_len() {
        return;
    }
    let mut signed = data.to_vec();
    signed[at..at + len].fill(0);
    let mac = authenticate(key, &signed);
    signed[at..at + len].copy_from_slice(&mac);
    let opened = match open(&signed, keys) {
        Ok(o) => o,
        Err(e) => {
            assert_ne!(e, Error::WrongDigest, "a recomputed digest failed");
            return;
        }
    };

    // What opened seals again, with the same fields and salt, to a message that opens alike.
    let salt = match <[u8; 8]>::try_from(&opened.usm.priv_params[..]) {
        Ok(p) if opened.flags.privacy() => u64::from_be_bytes(p),
        _ => 0,
    };
    let out = Outgoing {
        msg_id: opened.msg_id,
        max_size: head.max_size,
        flags: opened.flags,
        engine_id: &opened.usm.engine_id,
        boots: opened.usm.boots,
        time: opened.usm.time,
        user_name: &opened.usm.user_name,
        context_engine_id: &opened.scoped.context_engine_id,
        context_name: &opened.scoped.context_name,
        pdu: &opened.scoped.pdu,
    };
    let mut again = Vec::new();
    seal(&out, keys, &mut Salt::starting_at(salt), &mut again).expect("seal what opened");
    let reopened = open(&again, keys).expect("open what was sealed");
    assert_eq!(reopened.scoped, opened.scoped);
    assert_eq!(reopened.usm.engine_id, opened.usm.engine_id);
}
