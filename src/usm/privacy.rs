//! Privacy: encryption of the scoped PDU.
//!
//! - DES-CBC (RFC 3414 §8.1.1): salt = snmpEngineBoots (4 octets) || a local 32-bit counter;
//!   IV = pre-IV XOR salt; the plaintext is padded to a multiple of 8 octets (the RFC lets the
//!   value be anything; as net-snmp, each pad octet holds the pad length, none when aligned,
//!   so a sealed message is byte for byte net-snmp's) and the receiver ignores what follows the
//!   scoped PDU.
//! - AES-CFB128 (RFC 3826 §3.1): salt = a local 64-bit counter; IV = snmpEngineBoots (4) ||
//!   snmpEngineTime (4) || salt (8); no padding. AES-192/256 work the same with the longer key.
//!
//! The salt goes into msgPrivacyParameters. Boots and time are the authoritative engine's
//! values as this side knows them; the caller supplies them and the salt counter.

use aes::{Aes128, Aes192, Aes256};
use cbc::cipher::block_padding::NoPadding;
use cbc::cipher::{AsyncStreamCipher, BlockCipher, BlockDecryptMut, BlockEncryptMut};
use cbc::cipher::{BlockEncrypt, Iv, Key, KeyInit, KeyIvInit};
use des::Des;

use super::key::Material;
use super::{Error, PrivKey};

/// Length of msgPrivacyParameters for every privacy protocol here (RFC 3414 §8.1.1.1,
/// RFC 3826 §3.1.2.1).
pub const PRIV_PARAMS_LEN: usize = 8;

/// DES block length.
const DES_BLOCK_LEN: usize = 8;

/// Encrypts `scoped_pdu` (its BER encoding) for the engine whose boots and time are given.
/// Returns the encryptedPDU octets and msgPrivacyParameters.
///
/// `salt` is the sender's counter, which must not repeat under one key: AES uses all 64 bits;
/// DES uses `engine_boots` and the low 32 bits (RFC 3414 §8.1.1.1). `engine_time` is used by
/// AES only.
#[must_use]
pub fn encrypt(
    key: &PrivKey,
    engine_boots: u32,
    engine_time: u32,
    salt: u64,
    scoped_pdu: &[u8],
) -> (Vec<u8>, [u8; PRIV_PARAMS_LEN]) {
    match &key.material {
        Material::Des { key, pre_iv } => {
            let params = des_salt(engine_boots, salt);
            let iv = des_iv(pre_iv, &params);
            let cipher = cbc::Encryptor::<Des>::new(&Key::<Des>::from(*key), &iv);
            (
                cipher.encrypt_padded_vec_mut::<NoPadding>(&des_padded(scoped_pdu)),
                params,
            )
        }
        Material::Aes128(k) => aes_encrypt::<Aes128>(
            &Key::<Aes128>::from(*k),
            engine_boots,
            engine_time,
            salt,
            scoped_pdu,
        ),
        Material::Aes192(k, _) => aes_encrypt::<Aes192>(
            &Key::<Aes192>::from(*k),
            engine_boots,
            engine_time,
            salt,
            scoped_pdu,
        ),
        Material::Aes256(k, _) => aes_encrypt::<Aes256>(
            &Key::<Aes256>::from(*k),
            engine_boots,
            engine_time,
            salt,
            scoped_pdu,
        ),
    }
}

/// `plain` padded for DES-CBC as net-snmp pads it: `n` octets of value `n`, up to the next
/// multiple of 8 (nothing when already aligned).
fn des_padded(plain: &[u8]) -> Vec<u8> {
    let pad = (DES_BLOCK_LEN - plain.len() % DES_BLOCK_LEN) % DES_BLOCK_LEN;
    let mut v = Vec::with_capacity(plain.len() + pad);
    v.extend_from_slice(plain);
    // `pad` is below 8.
    #[allow(clippy::cast_possible_truncation)]
    v.resize(plain.len() + pad, pad as u8);
    v
}

/// Decrypts an encryptedPDU with the received msgPrivacyParameters. For DES the result may
/// end with up to 7 padding octets after the scoped PDU, which a BER decoder reads past.
///
/// `engine_boots` and `engine_time` are those of the authoritative engine as sent in the
/// message (AES only; DES takes everything it needs from the parameters).
///
/// # Errors
/// - [`Error::PrivParamsLength`] unless `priv_params` has [`PRIV_PARAMS_LEN`] octets.
/// - [`Error::CiphertextNotBlockAligned`] for DES ciphertext not a multiple of 8 octets.
pub fn decrypt(
    key: &PrivKey,
    engine_boots: u32,
    engine_time: u32,
    priv_params: &[u8],
    encrypted: &[u8],
) -> Result<Vec<u8>, Error> {
    let params: [u8; PRIV_PARAMS_LEN] =
        priv_params
            .try_into()
            .map_err(|_| Error::PrivParamsLength {
                actual: priv_params.len(),
            })?;
    let mut data = encrypted.to_vec();
    match &key.material {
        Material::Des { key, pre_iv } => {
            let misaligned = Error::CiphertextNotBlockAligned {
                len: encrypted.len(),
            };
            if !encrypted.len().is_multiple_of(DES_BLOCK_LEN) {
                return Err(misaligned);
            }
            let iv = des_iv(pre_iv, &params);
            let cipher = cbc::Decryptor::<Des>::new(&Key::<Des>::from(*key), &iv);
            let len = cipher
                .decrypt_padded_mut::<NoPadding>(&mut data)
                .map_err(|_| misaligned)?
                .len();
            data.truncate(len);
        }
        Material::Aes128(k) => cfb_decrypt::<Aes128>(
            &Key::<Aes128>::from(*k),
            &aes_iv(engine_boots, engine_time, &params),
            &mut data,
        ),
        Material::Aes192(k, _) => cfb_decrypt::<Aes192>(
            &Key::<Aes192>::from(*k),
            &aes_iv(engine_boots, engine_time, &params),
            &mut data,
        ),
        Material::Aes256(k, _) => cfb_decrypt::<Aes256>(
            &Key::<Aes256>::from(*k),
            &aes_iv(engine_boots, engine_time, &params),
            &mut data,
        ),
    }
    Ok(data)
}

/// RFC 3414 §8.1.1.1: snmpEngineBoots || the low 32 bits of the local counter.
fn des_salt(engine_boots: u32, salt: u64) -> [u8; PRIV_PARAMS_LEN] {
    let mut out = [0u8; PRIV_PARAMS_LEN];
    let counter = salt.to_be_bytes();
    for (dst, src) in out
        .iter_mut()
        .zip(engine_boots.to_be_bytes().iter().chain(&counter[4..]))
    {
        *dst = *src;
    }
    out
}

/// RFC 3414 §8.1.1.1: pre-IV XOR salt.
fn des_iv(pre_iv: &[u8; 8], salt: &[u8; PRIV_PARAMS_LEN]) -> Iv<cbc::Encryptor<Des>> {
    let mut iv = Iv::<cbc::Encryptor<Des>>::default();
    for ((dst, p), s) in iv.iter_mut().zip(pre_iv).zip(salt) {
        *dst = p ^ s;
    }
    iv
}

/// RFC 3826 §3.1.2.1: snmpEngineBoots || snmpEngineTime || salt.
fn aes_iv(engine_boots: u32, engine_time: u32, salt: &[u8; PRIV_PARAMS_LEN]) -> [u8; 16] {
    let mut iv = [0u8; 16];
    let parts = engine_boots
        .to_be_bytes()
        .into_iter()
        .chain(engine_time.to_be_bytes())
        .chain(salt.iter().copied());
    for (dst, src) in iv.iter_mut().zip(parts) {
        *dst = src;
    }
    iv
}

/// RFC 3826 §3.1.3: CFB128 with the IV of [`aes_iv`]; the salt becomes msgPrivacyParameters.
fn aes_encrypt<C>(
    key: &Key<C>,
    engine_boots: u32,
    engine_time: u32,
    salt: u64,
    scoped_pdu: &[u8],
) -> (Vec<u8>, [u8; PRIV_PARAMS_LEN])
where
    C: BlockEncryptMut + BlockCipher + KeyInit + BlockEncrypt,
    cfb_mode::Encryptor<C>: KeyIvInit<KeySize = C::KeySize, IvSize = cbc::cipher::consts::U16>,
{
    let params = salt.to_be_bytes();
    let iv = aes_iv(engine_boots, engine_time, &params);
    let mut data = scoped_pdu.to_vec();
    cfb_mode::Encryptor::<C>::new(key, &iv.into()).encrypt(&mut data);
    (data, params)
}

fn cfb_decrypt<C>(key: &Key<C>, iv: &[u8; 16], data: &mut [u8])
where
    C: BlockEncryptMut + BlockCipher + KeyInit + BlockEncrypt,
    cfb_mode::Decryptor<C>: KeyIvInit<KeySize = C::KeySize, IvSize = cbc::cipher::consts::U16>,
{
    cfb_mode::Decryptor::<C>::new(key, &(*iv).into()).decrypt(data);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usm::{AuthProtocol, LocalizedKey, PrivProtocol};

    const ENGINE_ID: &[u8] = &[0x80, 0x00, 0x1f, 0x88, 0x80, 0x01, 0x02, 0x03];

    fn priv_key(auth: AuthProtocol, protocol: PrivProtocol) -> PrivKey {
        let kul = LocalizedKey::from_password(auth, b"privpassword", ENGINE_ID).unwrap();
        PrivKey::derive(protocol, &kul, ENGINE_ID)
    }

    /// A 16-octet MD5-sized localized key with the given octets, cut into a privacy key.
    fn raw_key(protocol: PrivProtocol, bytes: &[u8; 16]) -> PrivKey {
        let kul = LocalizedKey::from_bytes(AuthProtocol::Md5, bytes).unwrap();
        PrivKey::derive(protocol, &kul, ENGINE_ID)
    }

    #[test]
    fn round_trip_every_protocol_and_length() {
        for auth in AuthProtocol::ALL {
            for protocol in PrivProtocol::ALL {
                let key = priv_key(auth, protocol);
                for len in [0usize, 1, 7, 8, 9, 15, 16, 17, 100, 1472] {
                    let plain: Vec<u8> = (0..len).map(|i| u8::try_from(i % 251).unwrap()).collect();
                    let (cipher, params) = encrypt(&key, 7, 1234, 0x0102_0304_0506_0708, &plain);
                    let back = decrypt(&key, 7, 1234, &params, &cipher).unwrap();
                    if protocol == PrivProtocol::Des {
                        assert_eq!(cipher.len(), len.div_ceil(8) * 8, "{protocol} {len}");
                        assert_eq!(back[..len], plain[..], "{auth} {protocol} {len}");
                        // net-snmp's padding: n octets of value n.
                        let pad = back.len() - len;
                        assert!(back[len..].iter().all(|&b| usize::from(b) == pad));
                    } else {
                        assert_eq!(cipher.len(), len, "{protocol} {len}");
                        assert_eq!(back, plain, "{auth} {protocol} {len}");
                    }
                    if len >= 8 {
                        assert_ne!(cipher[..8], plain[..8], "{auth} {protocol} {len}");
                    }
                }
            }
        }
    }

    #[test]
    fn priv_params_are_the_salt() {
        let des = priv_key(AuthProtocol::Sha1, PrivProtocol::Des);
        let (_, params) = encrypt(&des, 0x0000_0102, 99, 0xAAAA_AAAA_0304_0506, b"x");
        assert_eq!(params, [0x00, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06]);
        let aes = priv_key(AuthProtocol::Sha1, PrivProtocol::Aes128);
        let (_, params) = encrypt(&aes, 5, 99, 0x0102_0304_0506_0708, b"x");
        assert_eq!(params, [1, 2, 3, 4, 5, 6, 7, 8]);
    }

    /// NIST SP 800-38A F.3.13 (CFB128-AES128.Encrypt, first block), with boots, time and salt
    /// chosen so RFC 3826's IV (boots || time || salt) is the vector's IV 000102…0f.
    #[test]
    fn aes_cfb128_nist_vector_through_the_rfc3826_iv() {
        let key = raw_key(
            PrivProtocol::Aes128,
            &[
                0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6, 0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf,
                0x4f, 0x3c,
            ],
        );
        let plain = [
            0x6b, 0xc1, 0xbe, 0xe2, 0x2e, 0x40, 0x9f, 0x96, 0xe9, 0x3d, 0x7e, 0x11, 0x73, 0x93,
            0x17, 0x2a,
        ];
        let expected = [
            0x3b, 0x3f, 0xd9, 0x2e, 0xb7, 0x2d, 0xad, 0x20, 0x33, 0x34, 0x49, 0xf8, 0xe8, 0x3c,
            0xfb, 0x4a,
        ];
        let (cipher, params) = encrypt(
            &key,
            0x0001_0203,
            0x0405_0607,
            0x0809_0a0b_0c0d_0e0f,
            &plain,
        );
        assert_eq!(cipher, expected);
        assert_eq!(
            decrypt(&key, 0x0001_0203, 0x0405_0607, &params, &cipher).unwrap(),
            plain
        );
    }

    /// FIPS 81 Appendix C CBC example (key 0123456789abcdef, IV 1234567890abcdef, "Now is the
    /// time for all "), with a zero salt so RFC 3414's IV (pre-IV XOR salt) is the pre-IV.
    #[test]
    fn des_cbc_fips81_vector_through_the_rfc3414_iv() {
        let key = raw_key(
            PrivProtocol::Des,
            &[
                0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x12, 0x34, 0x56, 0x78, 0x90, 0xab,
                0xcd, 0xef,
            ],
        );
        let expected = [
            0xe5, 0xc7, 0xcd, 0xde, 0x87, 0x2b, 0xf2, 0x7c, 0x43, 0xe9, 0x34, 0x00, 0x8c, 0x38,
            0x9c, 0x0f, 0x68, 0x37, 0x88, 0x49, 0x9a, 0x7c, 0x05, 0xf6,
        ];
        let (cipher, params) = encrypt(&key, 0, 0, 0, b"Now is the time for all ");
        assert_eq!(params, [0; 8]);
        assert_eq!(cipher, expected);
    }

    #[test]
    fn decrypt_rejects_bad_lengths() {
        let des = priv_key(AuthProtocol::Md5, PrivProtocol::Des);
        assert_eq!(
            decrypt(&des, 0, 0, &[0; 7], &[0; 8]),
            Err(Error::PrivParamsLength { actual: 7 })
        );
        assert_eq!(
            decrypt(&des, 0, 0, &[0; 8], &[0; 12]),
            Err(Error::CiphertextNotBlockAligned { len: 12 })
        );
        let aes = priv_key(AuthProtocol::Md5, PrivProtocol::Aes256);
        assert_eq!(
            decrypt(&aes, 0, 0, &[0; 9], &[0; 12]),
            Err(Error::PrivParamsLength { actual: 9 })
        );
        // AES-CFB has no block alignment.
        assert_eq!(decrypt(&aes, 0, 0, &[0; 8], &[0; 12]).unwrap().len(), 12);
    }

    #[test]
    fn wrong_time_or_key_garbles_aes() {
        // SHA-1's 20 octets need extending to 24, so the two extensions give different keys.
        let key = priv_key(AuthProtocol::Sha1, PrivProtocol::Aes192Cisco);
        let other = priv_key(AuthProtocol::Sha1, PrivProtocol::Aes192);
        let plain = b"a scoped PDU of some length";
        let (cipher, params) = encrypt(&key, 1, 2, 3, plain);
        assert_ne!(decrypt(&key, 1, 3, &params, &cipher).unwrap(), plain);
        assert_ne!(decrypt(&other, 1, 2, &params, &cipher).unwrap(), plain);
    }
}
