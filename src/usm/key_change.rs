//! The KeyChange TEXTUAL-CONVENTION of RFC 3414 §5: how a manager changes a user's key at an
//! agent (`usmUserAuthKeyChange`, `usmUserPrivKeyChange`, and the `Own` variants) without the
//! old or the new key crossing the wire. [`key_change`] makes the value to SET,
//! [`apply_key_change`] is what the agent does with it.
//!
//! ```text
//! value  = random || delta             (each as long as the key K)
//! temp   = keyOld
//! for each L-octet piece of keyNew     (L = the hash's output length; the last piece may be
//!     temp  = H(temp || random)         shorter, and then temp is truncated to it)
//!     delta-piece = temp XOR keyNew-piece
//! ```
//!
//! The receiver runs the same chain from its copy of keyOld and XORs it with delta, so
//! encoding and decoding share one function. H is the user's authentication hash, for the
//! privacy key too. This module owns the octets only, not the SET request or the MIB objects.

use sha2::Digest;
use zeroize::Zeroizing;

use super::{AuthProtocol, Error};

/// The KeyChange value that changes `old_key` into `new_key`: `random || delta`
/// (RFC 3414 §5). `random` must be fresh for every change (see [`random_key_change`]); a
/// fixed one, as in the RFC's Appendix A.5, is for tests only.
///
/// `auth` is the user's authentication protocol: its hash is H, for the privacy key as for
/// the authentication key.
///
/// ```
/// use snmpact::usm::{AuthProtocol, apply_key_change, key_change};
/// let (old, new, random) = ([1u8; 16], [2u8; 16], [3u8; 16]);
/// let value = key_change(AuthProtocol::Md5, &old, &new, &random).unwrap();
/// assert_eq!(value.len(), 32);
/// assert_eq!(*apply_key_change(AuthProtocol::Md5, &old, &value).unwrap(), new);
/// // The keys and the random component must all be as long as the key.
/// assert!(key_change(AuthProtocol::Md5, &old, &new[..8], &random).is_err());
/// ```
///
/// # Errors
/// [`Error::KeyLength`] when `new_key` or `random` is not as long as `old_key`.
pub fn key_change(
    auth: AuthProtocol,
    old_key: &[u8],
    new_key: &[u8],
    random: &[u8],
) -> Result<Vec<u8>, Error> {
    same_length(old_key, new_key)?;
    same_length(old_key, random)?;
    let delta = xor_chain(auth, old_key, random, new_key);
    let mut value = Vec::with_capacity(2 * old_key.len());
    value.extend_from_slice(random);
    value.extend_from_slice(&delta);
    Ok(value)
}

/// [`key_change`] with a random component from the thread's cryptographically secure
/// generator.
///
/// # Errors
/// [`Error::KeyLength`] when `new_key` is not as long as `old_key`.
pub fn random_key_change(
    auth: AuthProtocol,
    old_key: &[u8],
    new_key: &[u8],
) -> Result<Vec<u8>, Error> {
    let mut random = vec![0u8; old_key.len()];
    rand::fill(&mut random[..]);
    key_change(auth, old_key, new_key, &random)
}

/// The new key a KeyChange `value` (`random || delta`) sets, given the current key
/// `old_key` (what an agent does on a SET, RFC 3414 §5). A wrong `old_key` gives a wrong key,
/// not an error: KeyChange carries no integrity check of its own.
///
/// # Errors
/// [`Error::KeyLength`] when `value` is not twice as long as `old_key` (`expected` is that
/// length).
pub fn apply_key_change(
    auth: AuthProtocol,
    old_key: &[u8],
    value: &[u8],
) -> Result<Zeroizing<Vec<u8>>, Error> {
    if value.len() != 2 * old_key.len() {
        return Err(Error::KeyLength {
            expected: 2 * old_key.len(),
            actual: value.len(),
        });
    }
    let (random, delta) = value.split_at(old_key.len());
    Ok(xor_chain(auth, old_key, random, delta))
}

fn same_length(old_key: &[u8], other: &[u8]) -> Result<(), Error> {
    if other.len() == old_key.len() {
        Ok(())
    } else {
        Err(Error::KeyLength {
            expected: old_key.len(),
            actual: other.len(),
        })
    }
}

/// `input` XOR the chain `H(keyOld || random)`, `H(that || random)`, …, one digest per
/// L-octet piece of `input`, the last one cut to the piece.
fn xor_chain(
    auth: AuthProtocol,
    old_key: &[u8],
    random: &[u8],
    input: &[u8],
) -> Zeroizing<Vec<u8>> {
    with_digest!(auth, D => {
        let mut temp = Zeroizing::new(old_key.to_vec());
        let mut out = Zeroizing::new(Vec::with_capacity(input.len()));
        for piece in input.chunks(auth.digest_len()) {
            let mut hash = D::new();
            hash.update(&temp[..]);
            hash.update(random);
            temp = Zeroizing::new(hash.finalize().to_vec());
            out.extend(temp.iter().zip(piece).map(|(t, k)| t ^ k));
        }
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usm::{LocalizedKey, parse_hex};

    fn hex(s: &str) -> Vec<u8> {
        parse_hex(s).unwrap()
    }

    /// RFC 3414 A.5: engine id 00…02, old pass phrase "maplesyrup" (A.3), new "newsyrup".
    const ENGINE_ID: &[u8] = &[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];

    /// One A.5 case: the protocol, the old and new localized keys, and the KeyChange value
    /// for a random component of all zeros.
    ///
    /// Where the octets come from: the old keys are RFC 3414 A.3.1/A.3.2's, and the new
    /// localized keys are A.5.1/A.5.2's (`newsyrup` localized to 00…02). The text of
    /// Appendix A.5 could not be retrieved here to copy its KeyChange values, so those were
    /// computed with an independent Python implementation of §5 (`hashlib` only, written from
    /// the TEXTUAL-CONVENTION's algorithm), which also reproduces the old and new keys from the
    /// pass phrases, and which agrees with net-snmp's `encode_keychange` on the
    /// random-component values in [`NET_SNMP`].
    struct A5 {
        auth: AuthProtocol,
        old: &'static str,
        new: &'static str,
        value: &'static str,
    }

    #[rustfmt::skip]
    const RFC3414_A5: [A5; 2] = [
        // A.5.1, MD5.
        A5 {
            auth: AuthProtocol::Md5,
            old: "526f5eed9fcce26f8964c2930787d82b",
            new: "87021d7bd9d101ba05ea6e3bf9d9bd4a",
            value: concat!(
                "00000000000000000000000000000000", // random
                "8805615141676cc9196174e742a32551", // delta
            ),
        },
        // A.5.2, SHA-1.
        A5 {
            auth: AuthProtocol::Sha1,
            old: "6695febc9288e36282235fc7151f128497b38f3f",
            new: "78e2dcce79d59403b58c1bbaa5bff46391f1cd25",
            value: concat!(
                "0000000000000000000000000000000000000000", // random
                "9c1017f4fd483d2de8d5fadbf84392cb06457051", // delta
            ),
        },
    ];

    /// `encode_keychange -t md5|sha1 -E 0x000000000000000000000002 -O maplesyrup -N newsyrup -P`
    /// (net-snmp 5.9.3, Debian 12): `random || delta` with net-snmp's own random component.
    #[rustfmt::skip]
    const NET_SNMP: [(AuthProtocol, &str); 2] = [
        (AuthProtocol::Md5, concat!(
            "f8c88f7b165dd6a10e9bf07370021ef0",
            "b655e629f80d11ff28f4ef59f68acfbe",
        )),
        (AuthProtocol::Sha1, concat!(
            "105137db9682b8f0ebdf129b3f959c10b28e126c",
            "2e5859eb216966b5d0952aafe2471b957dc34ee0",
        )),
    ];

    #[test]
    fn rfc3414_a5_new_keys_come_from_newsyrup() {
        for case in &RFC3414_A5 {
            for (pass, key) in [(&b"maplesyrup"[..], case.old), (b"newsyrup", case.new)] {
                let kul = LocalizedKey::from_password(case.auth, pass, ENGINE_ID).unwrap();
                assert_eq!(kul.as_bytes(), hex(key), "{}", case.auth);
            }
        }
    }

    #[test]
    fn rfc3414_a5_key_change_values() {
        for case in &RFC3414_A5 {
            let (old, new) = (hex(case.old), hex(case.new));
            let random = vec![0; old.len()];
            let value = key_change(case.auth, &old, &new, &random).unwrap();
            assert_eq!(value, hex(case.value), "{}", case.auth);
            assert_eq!(*apply_key_change(case.auth, &old, &value).unwrap(), new);
        }
    }

    #[test]
    fn net_snmp_encode_keychange_values() {
        for ((auth, value), case) in NET_SNMP.iter().zip(&RFC3414_A5) {
            let (old, new, value) = (hex(case.old), hex(case.new), hex(value));
            assert_eq!(
                *apply_key_change(*auth, &old, &value).unwrap(),
                new,
                "{auth}"
            );
            let random = &value[..old.len()];
            assert_eq!(key_change(*auth, &old, &new, random).unwrap(), value);
        }
    }

    /// Keys longer than the hash (MD5 and a 32-octet AES-256 key) take more than one link of
    /// the chain; shorter ones (SHA-512 and a 16-octet key) cut the digest.
    #[test]
    fn round_trips_for_every_hash_and_key_length() {
        for auth in AuthProtocol::ALL {
            for len in [1usize, 8, 16, 20, 24, 32, 48, 64, 65, 100] {
                let old: Vec<u8> = (0..len).map(|i| u8::try_from(i % 256).unwrap()).collect();
                let new: Vec<u8> = old.iter().map(|b| b ^ 0x5a).collect();
                let value = random_key_change(auth, &old, &new).unwrap();
                assert_eq!(value.len(), 2 * len);
                assert_eq!(
                    *apply_key_change(auth, &old, &value).unwrap(),
                    new,
                    "{auth} {len}"
                );
                // With another old key the result is some other key, not an error (it can
                // only equal the new key by chance: 1 in 256 for a 1-octet key, so only
                // keys of 8 octets and more are compared).
                let wrong = apply_key_change(auth, &new, &value).unwrap();
                if len >= 8 {
                    assert_ne!(*wrong, new, "{auth} {len}");
                }
            }
        }
        // Two changes of the same keys use different random components.
        let (old, new) = ([7u8; 20], [9u8; 20]);
        assert_ne!(
            random_key_change(AuthProtocol::Sha1, &old, &new).unwrap(),
            random_key_change(AuthProtocol::Sha1, &old, &new).unwrap()
        );
    }

    /// A 32-octet key under MD5 takes two links, `H(keyOld || random)` (the whole 32-octet
    /// old key and random component) then `H(that || random)`: restated with RustCrypto's MD5
    /// directly.
    #[test]
    fn two_links_restated_with_md5() {
        let (old, new, random) = ([0x11u8; 32], [0x22u8; 32], [0x33u8; 32]);
        let t1 = md5::Md5::digest([&old[..], &random[..]].concat());
        let t2 = md5::Md5::digest([&t1[..], &random[..]].concat());
        let expected: Vec<u8> = t1.iter().chain(&t2).map(|t| t ^ 0x22).collect();
        let value = key_change(AuthProtocol::Md5, &old, &new, &random).unwrap();
        assert_eq!(value[..32], random);
        assert_eq!(value[32..], expected);
    }

    #[test]
    fn lengths_are_checked() {
        let k16 = [0u8; 16];
        assert_eq!(
            key_change(AuthProtocol::Md5, &k16, &[0; 20], &k16),
            Err(Error::KeyLength {
                expected: 16,
                actual: 20
            })
        );
        assert_eq!(
            key_change(AuthProtocol::Md5, &k16, &k16, &[0; 15]),
            Err(Error::KeyLength {
                expected: 16,
                actual: 15
            })
        );
        assert_eq!(
            apply_key_change(AuthProtocol::Md5, &k16, &[0; 31]),
            Err(Error::KeyLength {
                expected: 32,
                actual: 31
            })
        );
    }
}
