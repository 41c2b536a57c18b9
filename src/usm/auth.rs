//! Message authentication: HMAC over the whole serialized message with
//! msgAuthenticationParameters zeroed, truncated (RFC 3414 §6.3 HMAC-MD5-96, §7.3 HMAC-SHA-96;
//! RFC 7860 §4.2 HMAC-SHA-2).
//!
//! This module does not find or zero the parameters in a message: the RFC 3412 codec does.

use hmac::digest::{Key, KeyInit};
use hmac::{Hmac, Mac};
use subtle::ConstantTimeEq;

use super::LocalizedKey;

/// The truncated HMAC of `message` (the whole message, msgAuthenticationParameters set to
/// [`mac_len`](super::AuthProtocol::mac_len) zero octets) under `key`, whose protocol picks
/// the hash. Put the result into msgAuthenticationParameters.
#[must_use]
pub fn authenticate(key: &LocalizedKey, message: &[u8]) -> Vec<u8> {
    authenticate_parts(key, &[message])
}

/// [`authenticate`] of the concatenation of `parts`, so a received message can be checked
/// without copying it to zero its parameters (pass the zeros as a part).
#[must_use]
pub fn authenticate_parts(key: &LocalizedKey, parts: &[&[u8]]) -> Vec<u8> {
    let mut mac = with_digest!(key.auth(), D => {
        // HMAC pads a key shorter than the hash block with zeros (RFC 2104 §2), so the
        // block-sized key built here gives the same MAC without a fallible length check. A
        // localized key (at most 64 octets) is never longer than the block (64 or 128).
        let mut block = Key::<Hmac<D>>::default();
        for (dst, src) in block.iter_mut().zip(key.as_bytes()) {
            *dst = *src;
        }
        let mut hmac = <Hmac<D> as KeyInit>::new(&block);
        for part in parts {
            hmac.update(part);
        }
        hmac.finalize().into_bytes().to_vec()
    });
    mac.truncate(key.auth().mac_len());
    mac
}

/// Whether `mac` (the received msgAuthenticationParameters) authenticates `message` (the
/// received message with those octets zeroed) under `key`. Compares in constant time; a MAC
/// of the wrong length is `false`.
#[must_use]
pub fn verify(key: &LocalizedKey, message: &[u8], mac: &[u8]) -> bool {
    verify_parts(key, &[message], mac)
}

/// [`verify`] of the concatenation of `parts`.
#[must_use]
pub fn verify_parts(key: &LocalizedKey, parts: &[&[u8]], mac: &[u8]) -> bool {
    let expected = authenticate_parts(key, parts);
    expected.len() == mac.len() && bool::from(expected.ct_eq(mac))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usm::AuthProtocol;

    fn key(auth: AuthProtocol) -> LocalizedKey {
        LocalizedKey::from_password(auth, b"maplesyrup", &[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2])
            .unwrap()
    }

    /// The block-padded key gives what `Mac::new_from_slice` gives, for every protocol.
    #[test]
    fn padded_key_matches_new_from_slice() {
        let message = b"a whole message with zeroed authentication parameters";
        for auth in AuthProtocol::ALL {
            let k = key(auth);
            let reference = with_digest!(auth, D => {
                let mut m = <Hmac<D> as Mac>::new_from_slice(k.as_bytes()).unwrap();
                m.update(message);
                m.finalize().into_bytes().to_vec()
            });
            assert_eq!(
                authenticate(&k, message),
                reference[..auth.mac_len()],
                "{auth}"
            );
        }
    }

    /// RFC 2202 test case 2 (HMAC-MD5 and HMAC-SHA-1, key "Jefe"), truncated to 96 bits: the
    /// HMAC under the MAC is the standard one. The key is not a USM-sized key, so it goes in
    /// through the same zero-padding `authenticate` relies on.
    #[test]
    fn rfc2202_case2_truncated() {
        let data = b"what do ya want for nothing?";
        let mut jefe_md5 = [0u8; 16];
        jefe_md5[..4].copy_from_slice(b"Jefe");
        let mut jefe_sha1 = [0u8; 20];
        jefe_sha1[..4].copy_from_slice(b"Jefe");
        let md5 = LocalizedKey::from_bytes(AuthProtocol::Md5, &jefe_md5).unwrap();
        let sha1 = LocalizedKey::from_bytes(AuthProtocol::Sha1, &jefe_sha1).unwrap();
        // RFC 2202 §2 and §3, first 12 octets.
        assert_eq!(
            authenticate(&md5, data),
            [
                0x75, 0x0c, 0x78, 0x3e, 0x6a, 0xb0, 0xb5, 0x03, 0xea, 0xa8, 0x6e, 0x31
            ]
        );
        assert_eq!(
            authenticate(&sha1, data),
            [
                0xef, 0xfc, 0xdf, 0x6a, 0xe5, 0xeb, 0x2f, 0xa2, 0xd2, 0x74, 0x16, 0xd5
            ]
        );
    }

    #[test]
    fn mac_length_per_protocol_and_verify() {
        let message = [0x30, 0x10, 0x02, 0x01, 0x03];
        for auth in AuthProtocol::ALL {
            let k = key(auth);
            let mac = authenticate(&k, &message);
            assert_eq!(mac.len(), auth.mac_len(), "{auth}");
            assert!(verify(&k, &message, &mac), "{auth}");
            let mut bad = mac.clone();
            bad[0] ^= 1;
            assert!(!verify(&k, &message, &bad), "{auth}");
            assert!(!verify(&k, &message, &mac[..mac.len() - 1]), "{auth}");
            assert!(!verify(&k, &[0x30, 0x10, 0x02, 0x01, 0x02], &mac), "{auth}");
        }
    }
}
