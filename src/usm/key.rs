//! USM keys: password to key (RFC 3414 A.2, and RFC 7860 §9.3 for SHA-2), localization
//! (RFC 3414 §2.6), privacy keys with the AES-192/256 key extensions, and [`KeyCache`].
//!
//! Key extension, for a privacy protocol that needs more octets than the hash gives:
//! - Blumenthal (draft-blumenthal-aes-usm-04 §3.1.2.1, net-snmp `AES-192`/`AES-256`): append
//!   `H(everything so far)` until long enough.
//! - Reeder (draft-reeder-snmpv3-usm-3desede-00 §2.1, Cisco's AES-192/256): append
//!   `localize(password_to_key(everything so far))` until long enough.
//!
//! With the hashes USM has, one round is always enough (the shortest digest, MD5's 16 octets,
//! doubles to 32), so "everything so far" is the localized key itself in both.

use std::collections::HashMap;
use std::fmt;

use sha2::Digest;
use zeroize::{Zeroize, Zeroizing};

use super::{AuthProtocol, Error, PrivProtocol};

/// Octets of repeated password hashed by [`password_to_key`] (RFC 3414 A.2.1: 1 MB).
const PASSWORD_EXPANSION_LEN: usize = 1_048_576;

/// Octets fed to the hash at a time while expanding the password (RFC 3414 A.2.1).
const EXPANSION_CHUNK_LEN: usize = 64;

/// Entries a [`KeyCache`] holds before it starts again from empty, so a long-running process
/// with ever-new engine ids cannot grow it without bound.
const KEY_CACHE_MAX_ENTRIES: usize = 65_536;

/// RFC 3414 A.2 "password to key": hash 1 MB of the password repeated, giving Ku, a key of
/// [`AuthProtocol::digest_len`] octets that no engine has been told about yet. RFC 7860 §9.3
/// uses the same algorithm with the SHA-2 hashes.
///
/// The result is secret: prefer [`localize_key`] or [`KeyCache`], which wrap it in
/// redacting types. Costs about a millisecond or two.
///
/// # Errors
/// [`Error::EmptyPassword`]: an empty password has nothing to repeat. (RFC 3414 §11.2 asks for
/// at least 8 characters; net-snmp's tools refuse shorter ones. That policy belongs to the
/// caller.)
pub fn password_to_key(auth: AuthProtocol, password: &[u8]) -> Result<Vec<u8>, Error> {
    if password.is_empty() {
        return Err(Error::EmptyPassword);
    }
    Ok(with_digest!(auth, D => expand_password::<D>(password)))
}

fn expand_password<D: Digest>(password: &[u8]) -> Vec<u8> {
    let mut hash = D::new();
    let mut source = password.iter().copied().cycle();
    let mut chunk = Zeroizing::new([0u8; EXPANSION_CHUNK_LEN]);
    for _ in 0..PASSWORD_EXPANSION_LEN / EXPANSION_CHUNK_LEN {
        for (dst, src) in chunk.iter_mut().zip(&mut source) {
            *dst = src;
        }
        hash.update(&chunk[..]);
    }
    hash.finalize().to_vec()
}

/// RFC 3414 §2.6 key localization: `Kul = H(Ku || snmpEngineID || Ku)`.
///
/// `ku` is normally [`password_to_key`]'s output; any length is hashed as given.
#[must_use]
pub fn localize_key(auth: AuthProtocol, ku: &[u8], engine_id: &[u8]) -> LocalizedKey {
    LocalizedKey {
        auth,
        bytes: Zeroizing::new(localize_raw(auth, ku, engine_id)),
    }
}

fn localize_raw(auth: AuthProtocol, ku: &[u8], engine_id: &[u8]) -> Vec<u8> {
    with_digest!(auth, D => {
        let mut hash = D::new();
        hash.update(ku);
        hash.update(engine_id);
        hash.update(ku);
        hash.finalize().to_vec()
    })
}

fn hash_raw(auth: AuthProtocol, data: &[u8]) -> Vec<u8> {
    with_digest!(auth, D => D::digest(data).to_vec())
}

/// A key localized to one authoritative engine (Kul): the HMAC key for authentication, or the
/// source of a [`PrivKey`]. Always [`AuthProtocol::digest_len`] octets.
///
/// `Debug` shows the protocol and never the bytes; the bytes are zeroed on drop.
///
/// ```
/// use snmpact::usm::{AuthProtocol, LocalizedKey};
/// let key = LocalizedKey::from_bytes(AuthProtocol::Md5, &[0x52; 16]).unwrap();
/// assert_eq!(format!("{key:?}"), "LocalizedKey { auth: Md5, .. }");
/// assert!(LocalizedKey::from_bytes(AuthProtocol::Md5, &[0x52; 20]).is_err());
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct LocalizedKey {
    auth: AuthProtocol,
    bytes: Zeroizing<Vec<u8>>,
}

impl LocalizedKey {
    /// A localized key given directly (net-snmp's `-3k`/`-3m` style), checked for length.
    ///
    /// # Errors
    /// [`Error::KeyLength`] unless `bytes` has [`AuthProtocol::digest_len`] octets.
    pub fn from_bytes(auth: AuthProtocol, bytes: &[u8]) -> Result<Self, Error> {
        if bytes.len() != auth.digest_len() {
            return Err(Error::KeyLength {
                expected: auth.digest_len(),
                actual: bytes.len(),
            });
        }
        Ok(Self {
            auth,
            bytes: Zeroizing::new(bytes.to_vec()),
        })
    }

    /// Password to key, then localization, in one step.
    ///
    /// # Errors
    /// [`Error::EmptyPassword`], as [`password_to_key`].
    pub fn from_password(
        auth: AuthProtocol,
        password: &[u8],
        engine_id: &[u8],
    ) -> Result<Self, Error> {
        let ku = Zeroizing::new(password_to_key(auth, password)?);
        Ok(localize_key(auth, &ku, engine_id))
    }

    /// The authentication protocol whose hash made this key.
    #[must_use]
    pub fn auth(&self) -> AuthProtocol {
        self.auth
    }

    /// The key octets. Secret: do not log them.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }
}

impl fmt::Debug for LocalizedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalizedKey")
            .field("auth", &self.auth)
            .finish_non_exhaustive()
    }
}

/// The cipher key material of one privacy protocol, cut from a localized key and extended if
/// the protocol needs more octets than the hash gives.
///
/// `Debug` shows the protocol and never the bytes; the bytes are zeroed on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct PrivKey {
    pub(super) material: Material,
}

/// The key material per cipher, as fixed-size arrays so the ciphers take them without a
/// fallible length check.
#[derive(Clone, PartialEq, Eq)]
pub(super) enum Material {
    /// DES key (first 8 octets) and pre-IV (last 8), RFC 3414 §8.1.1.1.
    Des { key: [u8; 8], pre_iv: [u8; 8] },
    /// AES-128 key, RFC 3826 §3.1.2.1.
    Aes128([u8; 16]),
    /// AES-192 key and how it was extended.
    Aes192([u8; 24], PrivProtocol),
    /// AES-256 key and how it was extended.
    Aes256([u8; 32], PrivProtocol),
}

impl Drop for Material {
    fn drop(&mut self) {
        match self {
            Self::Des { key, pre_iv } => {
                key.zeroize();
                pre_iv.zeroize();
            }
            Self::Aes128(key) => key.zeroize(),
            Self::Aes192(key, _) => key.zeroize(),
            Self::Aes256(key, _) => key.zeroize(),
        }
    }
}

impl PrivKey {
    /// Derives the privacy key of `protocol` from `kul`, the privacy password's key localized
    /// to `engine_id` with the user's authentication protocol. `engine_id` is needed again by
    /// the Reeder extension ([`PrivProtocol::Aes192Cisco`], [`PrivProtocol::Aes256Cisco`]),
    /// which costs one more 1 MB password hash.
    #[must_use]
    pub fn derive(protocol: PrivProtocol, kul: &LocalizedKey, engine_id: &[u8]) -> Self {
        let want = protocol.key_material_len();
        let mut bytes = Zeroizing::new(kul.as_bytes().to_vec());
        while bytes.len() < want {
            let more = match protocol {
                PrivProtocol::Aes192Cisco | PrivProtocol::Aes256Cisco => {
                    // Non-empty: a localized key is never empty.
                    let ku =
                        Zeroizing::new(with_digest!(kul.auth, D => expand_password::<D>(&bytes)));
                    localize_raw(kul.auth, &ku, engine_id)
                }
                _ => hash_raw(kul.auth, &bytes),
            };
            bytes.extend_from_slice(&Zeroizing::new(more));
        }
        let material = match protocol {
            PrivProtocol::Des => Material::Des {
                key: take(&bytes),
                pre_iv: take(bytes.get(8..).unwrap_or_default()),
            },
            PrivProtocol::Aes128 => Material::Aes128(take(&bytes)),
            PrivProtocol::Aes192 | PrivProtocol::Aes192Cisco => {
                Material::Aes192(take(&bytes), protocol)
            }
            PrivProtocol::Aes256 | PrivProtocol::Aes256Cisco => {
                Material::Aes256(take(&bytes), protocol)
            }
        };
        Self { material }
    }

    /// The privacy protocol this key is for.
    #[must_use]
    pub fn protocol(&self) -> PrivProtocol {
        match &self.material {
            Material::Des { .. } => PrivProtocol::Des,
            Material::Aes128(_) => PrivProtocol::Aes128,
            Material::Aes192(_, p) | Material::Aes256(_, p) => *p,
        }
    }

    /// The key octets (for DES: key then pre-IV). Secret: do not log them.
    #[must_use]
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(match &self.material {
            Material::Des { key, pre_iv } => [&key[..], &pre_iv[..]].concat(),
            Material::Aes128(k) => k.to_vec(),
            Material::Aes192(k, _) => k.to_vec(),
            Material::Aes256(k, _) => k.to_vec(),
        })
    }
}

impl fmt::Debug for PrivKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivKey")
            .field("protocol", &self.protocol())
            .finish_non_exhaustive()
    }
}

/// The first `N` octets of `src` (zero-filled if shorter, which derivation never lets happen).
fn take<const N: usize>(src: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    for (dst, src) in out.iter_mut().zip(src) {
        *dst = *src;
    }
    out
}

/// Password fingerprint: the cache's map key, so the cache holds no password.
type Fingerprint = [u8; 32];

/// Remembers keys so a fleet of agents sharing one user costs one 1 MB password hash per
/// (protocol, password), plus one cheap localization per engine id.
///
/// Keyed by (authentication protocol, SHA-256 fingerprint of the password, engine id); the
/// Reeder privacy extensions add the privacy protocol. The fingerprint is domain-separated
/// but unsalted: the cache is as secret as the keys it holds. Bounded by an internal maximum,
/// past which it starts again from empty. `Debug` shows sizes only.
#[derive(Default)]
pub struct KeyCache {
    /// Ku per (protocol, password): the expensive step.
    master: HashMap<(AuthProtocol, Fingerprint), Zeroizing<Vec<u8>>>,
    /// Kul per (protocol, password, engine id).
    localized: HashMap<(AuthProtocol, Fingerprint, Vec<u8>), LocalizedKey>,
    /// Privacy keys per (protocol, privacy protocol, password, engine id): the Reeder
    /// extension hashes 1 MB again.
    privacy: HashMap<(AuthProtocol, PrivProtocol, Fingerprint, Vec<u8>), PrivKey>,
    /// How many 1 MB password hashes this cache has run (for tests and metrics).
    password_hashes: u64,
}

impl KeyCache {
    /// An empty cache.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The localized key of `password` for `engine_id`, computed at most once.
    ///
    /// # Errors
    /// [`Error::EmptyPassword`], as [`password_to_key`].
    pub fn localized(
        &mut self,
        auth: AuthProtocol,
        password: &[u8],
        engine_id: &[u8],
    ) -> Result<LocalizedKey, Error> {
        let fp = fingerprint(password);
        if let Some(key) = self.localized.get(&(auth, fp, engine_id.to_vec())) {
            return Ok(key.clone());
        }
        self.make_room();
        let ku = match self.master.get(&(auth, fp)) {
            Some(ku) => ku.clone(),
            None => {
                let ku = Zeroizing::new(password_to_key(auth, password)?);
                self.password_hashes += 1;
                self.master.insert((auth, fp), ku.clone());
                ku
            }
        };
        let key = localize_key(auth, &ku, engine_id);
        self.localized
            .insert((auth, fp, engine_id.to_vec()), key.clone());
        Ok(key)
    }

    /// The privacy key of `priv_password` for `engine_id` (localized with `auth`'s hash, then
    /// cut or extended for `protocol`), computed at most once.
    ///
    /// # Errors
    /// [`Error::EmptyPassword`], as [`password_to_key`].
    pub fn priv_key(
        &mut self,
        auth: AuthProtocol,
        protocol: PrivProtocol,
        priv_password: &[u8],
        engine_id: &[u8],
    ) -> Result<PrivKey, Error> {
        let fp = fingerprint(priv_password);
        let map_key = (auth, protocol, fp, engine_id.to_vec());
        if let Some(key) = self.privacy.get(&map_key) {
            return Ok(key.clone());
        }
        let kul = self.localized(auth, priv_password, engine_id)?;
        if matches!(
            protocol,
            PrivProtocol::Aes192Cisco | PrivProtocol::Aes256Cisco
        ) && kul.as_bytes().len() < protocol.key_material_len()
        {
            self.password_hashes += 1;
        }
        let key = PrivKey::derive(protocol, &kul, engine_id);
        self.privacy.insert(map_key, key.clone());
        Ok(key)
    }

    /// How many 1 MB password hashes have run so far.
    #[must_use]
    pub fn password_hashes(&self) -> u64 {
        self.password_hashes
    }

    /// Entries held (master, localized and privacy keys together).
    #[must_use]
    pub fn len(&self) -> usize {
        self.master.len() + self.localized.len() + self.privacy.len()
    }

    /// Whether the cache holds nothing.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Forgets every key (for example after a user's password changes).
    pub fn clear(&mut self) {
        self.master.clear();
        self.localized.clear();
        self.privacy.clear();
    }

    fn make_room(&mut self) {
        if self.len() >= KEY_CACHE_MAX_ENTRIES {
            self.clear();
        }
    }
}

impl fmt::Debug for KeyCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyCache")
            .field("master", &self.master.len())
            .field("localized", &self.localized.len())
            .field("privacy", &self.privacy.len())
            .field("password_hashes", &self.password_hashes)
            .finish()
    }
}

fn fingerprint(password: &[u8]) -> Fingerprint {
    let mut hash = sha2::Sha256::new();
    hash.update(b"snmpact usm key cache\0");
    hash.update(password);
    hash.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// RFC 3414 A.3.1 and A.3.2: password "maplesyrup", engine id 00…02.
    const PASSWORD: &[u8] = b"maplesyrup";
    const ENGINE_ID: &[u8] = &[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];

    /// RFC 3414 A.3.1 (MD5): Ku and Kul.
    const MD5_KU: &str = "9faf3283884e92834ebc9847d8edd963";
    const MD5_KUL: &str = "526f5eed9fcce26f8964c2930787d82b";
    /// RFC 3414 A.3.2 (SHA-1): Ku and Kul.
    const SHA1_KU: &str = "9fb5cc0381497b3793528939ff788d5d79145211";
    const SHA1_KUL: &str = "6695febc9288e36282235fc7151f128497b38f3f";

    #[test]
    fn rfc3414_a31_md5() {
        let ku = password_to_key(AuthProtocol::Md5, PASSWORD).unwrap();
        assert_eq!(ku, hex(MD5_KU));
        let kul = localize_key(AuthProtocol::Md5, &ku, ENGINE_ID);
        assert_eq!(kul.as_bytes(), hex(MD5_KUL));
    }

    #[test]
    fn rfc3414_a32_sha1() {
        let ku = password_to_key(AuthProtocol::Sha1, PASSWORD).unwrap();
        assert_eq!(ku, hex(SHA1_KU));
        let kul = localize_key(AuthProtocol::Sha1, &ku, ENGINE_ID);
        assert_eq!(kul.as_bytes(), hex(SHA1_KUL));
    }

    /// SHA-2 "maplesyrup" keys. RFC 7860 publishes no test vectors, so these are a
    /// cross-check, not a standard: computed independently with Python's `hashlib` (OpenSSL)
    /// by hashing the 1 MB repeated password in one call and then `H(Ku || engine id || Ku)`.
    /// The same script reproduces RFC 3414 A.3.1 and A.3.2 above.
    #[rustfmt::skip]
    const SHA2_CROSS_CHECK: &[(AuthProtocol, &str, &str)] = &[
        (AuthProtocol::Sha224,
         "282a5867ee9aac639ad59df9572c7d3ac0fbc13a905b6df07dbbf00b",
         "0bd8827c6e29f8065e08e09237f177e410f69b90e1782be682075674"),
        (AuthProtocol::Sha256,
         "ab51014d1e077f6017df2b12bee5f5aa72993177e9bb569c4dff5a4ca0b4afac",
         "8982e0e549e866db361a6b625d84cccc11162d453ee8ce3a6445c2d6776f0f8b"),
        (AuthProtocol::Sha384,
         "e06eccdf2c68a06ed034723c9c26e0db3b669e1e2efed49150b55377a2e98f38\
          3c86fb836857444654b287c93f51ff64",
         "3b298f16164a11184279d5432bf169e2d2a48307de02b3d3f7e2b4f36eb6f045\
          5a53689a3937eea07319a633d2ccba78"),
        (AuthProtocol::Sha512,
         "7e4396de5aadc77be853819b98c9406265b3a9c37cc3176569847a4e4f6fba63\
          dd3a73d04924d31a63f95a601f9385af6be4ed1b37f87d040f7c6ed6f8d38a91",
         "22a5a36cedfcc085807a128d7bc6c2382167ad6c0dbc5fdff856740f3d84c099\
          ad1ea87a8db096714d9788bd544047c9021e4229ce27e4c0a69250adfcffbb0b"),
    ];

    #[test]
    fn sha2_keys_match_an_independent_implementation() {
        for &(auth, ku_hex, kul_hex) in SHA2_CROSS_CHECK {
            let ku = password_to_key(auth, PASSWORD).unwrap();
            assert_eq!(ku, hex(ku_hex), "{auth}");
            assert_eq!(
                localize_key(auth, &ku, ENGINE_ID).as_bytes(),
                hex(kul_hex),
                "{auth}"
            );
        }
    }

    #[test]
    fn key_lengths_follow_the_digest() {
        for auth in AuthProtocol::ALL {
            let kul = LocalizedKey::from_password(auth, PASSWORD, ENGINE_ID).unwrap();
            assert_eq!(kul.as_bytes().len(), auth.digest_len(), "{auth}");
            assert_eq!(kul.auth(), auth);
        }
    }

    #[test]
    fn empty_password_is_refused() {
        assert_eq!(
            password_to_key(AuthProtocol::Sha256, b""),
            Err(Error::EmptyPassword)
        );
    }

    #[test]
    fn localized_keys_differ_per_engine() {
        let a = LocalizedKey::from_password(AuthProtocol::Sha1, PASSWORD, ENGINE_ID).unwrap();
        let b = LocalizedKey::from_password(AuthProtocol::Sha1, PASSWORD, &[1; 12]).unwrap();
        assert_ne!(a, b);
    }

    #[test]
    fn debug_never_shows_key_bytes() {
        let kul = LocalizedKey::from_bytes(AuthProtocol::Md5, &[0xAB; 16]).unwrap();
        let text = format!(
            "{kul:?} {:?}",
            PrivKey::derive(PrivProtocol::Des, &kul, ENGINE_ID)
        );
        assert!(!text.to_lowercase().contains("ab"), "{text}");
        assert!(!text.contains("171"), "{text}");
        assert_eq!(
            format!(
                "{:?}",
                PrivKey::derive(PrivProtocol::Aes256Cisco, &kul, ENGINE_ID)
            ),
            "PrivKey { protocol: Aes256Cisco, .. }"
        );
    }

    #[test]
    fn from_bytes_checks_length() {
        assert_eq!(
            LocalizedKey::from_bytes(AuthProtocol::Sha1, &[0; 16]),
            Err(Error::KeyLength {
                expected: 20,
                actual: 16
            })
        );
    }

    /// DES and AES-128 cut the localized key (RFC 3414 §8.1.1.1, RFC 3826 §3.1.2.1): the
    /// A.3.1 MD5 key is exactly DES key || pre-IV.
    #[test]
    fn des_and_aes128_cut_the_localized_key() {
        let kul = localize_key(AuthProtocol::Md5, &hex(MD5_KU), ENGINE_ID);
        let des = PrivKey::derive(PrivProtocol::Des, &kul, ENGINE_ID);
        assert_eq!(*des.to_bytes(), hex(MD5_KUL));
        let kul = localize_key(AuthProtocol::Sha1, &hex(SHA1_KU), ENGINE_ID);
        let aes = PrivKey::derive(PrivProtocol::Aes128, &kul, ENGINE_ID);
        assert_eq!(*aes.to_bytes(), hex(SHA1_KUL)[..16]);
    }

    /// Blumenthal: Kul || H(Kul), cut. Built here from the RFC 3414 A.3.2 key and RustCrypto's
    /// SHA-1 directly, so the test restates the draft's rule, not the code under test.
    #[test]
    fn blumenthal_extension_appends_the_hash_of_the_key() {
        let kul = localize_key(AuthProtocol::Sha1, &hex(SHA1_KU), ENGINE_ID);
        let mut expected = hex(SHA1_KUL);
        expected.extend_from_slice(&sha1::Sha1::digest(hex(SHA1_KUL)));
        let k192 = PrivKey::derive(PrivProtocol::Aes192, &kul, ENGINE_ID);
        assert_eq!(*k192.to_bytes(), expected[..24]);
        let k256 = PrivKey::derive(PrivProtocol::Aes256, &kul, ENGINE_ID);
        assert_eq!(*k256.to_bytes(), expected[..32]);
    }

    /// Reeder: Kul || localize(password_to_key(Kul)), cut; restated from the A.3.2 key.
    #[test]
    fn reeder_extension_appends_a_localized_key_of_the_key() {
        let kul = localize_key(AuthProtocol::Sha1, &hex(SHA1_KU), ENGINE_ID);
        let ku2 = password_to_key(AuthProtocol::Sha1, &hex(SHA1_KUL)).unwrap();
        let mut expected = hex(SHA1_KUL);
        expected.extend_from_slice(localize_key(AuthProtocol::Sha1, &ku2, ENGINE_ID).as_bytes());
        let k192 = PrivKey::derive(PrivProtocol::Aes192Cisco, &kul, ENGINE_ID);
        assert_eq!(*k192.to_bytes(), expected[..24]);
        let k256 = PrivKey::derive(PrivProtocol::Aes256Cisco, &kul, ENGINE_ID);
        assert_eq!(*k256.to_bytes(), expected[..32]);
        // The two extensions share the first 20 octets and then differ.
        let blumenthal = PrivKey::derive(PrivProtocol::Aes256, &kul, ENGINE_ID);
        assert_eq!(k256.to_bytes()[..20], blumenthal.to_bytes()[..20]);
        assert_ne!(k256.to_bytes()[20..], blumenthal.to_bytes()[20..]);
    }

    #[test]
    fn no_extension_when_the_digest_is_long_enough() {
        let kul = LocalizedKey::from_password(AuthProtocol::Sha256, PASSWORD, ENGINE_ID).unwrap();
        for p in [PrivProtocol::Aes256, PrivProtocol::Aes256Cisco] {
            assert_eq!(
                *PrivKey::derive(p, &kul, ENGINE_ID).to_bytes(),
                kul.as_bytes()
            );
        }
    }

    #[test]
    fn cache_hashes_each_password_once() {
        let mut cache = KeyCache::new();
        let engines: Vec<Vec<u8>> = (0u8..5).map(|i| vec![0x80, 0, 0x1f, 0x88, i]).collect();
        for engine in &engines {
            let a = cache
                .localized(AuthProtocol::Md5, PASSWORD, engine)
                .unwrap();
            let b = cache
                .localized(AuthProtocol::Md5, PASSWORD, engine)
                .unwrap();
            assert_eq!(a, b);
            assert_eq!(
                a,
                LocalizedKey::from_password(AuthProtocol::Md5, PASSWORD, engine).unwrap()
            );
        }
        assert_eq!(cache.password_hashes(), 1);
        let k = cache
            .priv_key(
                AuthProtocol::Md5,
                PrivProtocol::Aes128,
                PASSWORD,
                &engines[0],
            )
            .unwrap();
        assert_eq!(
            *k.to_bytes(),
            cache
                .localized(AuthProtocol::Md5, PASSWORD, &engines[0])
                .unwrap()
                .as_bytes()
        );
        assert_eq!(cache.password_hashes(), 1);
        cache
            .localized(AuthProtocol::Sha1, PASSWORD, &engines[0])
            .unwrap();
        assert_eq!(cache.password_hashes(), 2);
        assert!(format!("{cache:?}").starts_with("KeyCache { master: 2,"));
        cache.clear();
        assert!(cache.is_empty());
    }

    /// AES-192/256 keys from "maplesyrup" and engine id 00…02, computed independently with
    /// Python's `hashlib`: password to key and localization as RFC 3414 A.2, then Blumenthal
    /// (append `H(key so far)`) and Reeder (append `localize(password_to_key(key so far))`)
    /// until 32 octets, cut to 24 or 32. SHA-224's 28 octets need extending only for AES-256,
    /// and there the two methods differ in the last 4 octets.
    #[rustfmt::skip]
    const KEY_EXTENSION_CROSS_CHECK: &[(AuthProtocol, PrivProtocol, &str)] = &[
        (AuthProtocol::Md5, PrivProtocol::Aes192,
         "526f5eed9fcce26f8964c2930787d82b fa24a92467426c2f"),
        (AuthProtocol::Md5, PrivProtocol::Aes256,
         "526f5eed9fcce26f8964c2930787d82b fa24a92467426c2f4b09192be10dfaec"),
        (AuthProtocol::Md5, PrivProtocol::Aes192Cisco,
         "526f5eed9fcce26f8964c2930787d82b 79eff44a90650ee0"),
        (AuthProtocol::Md5, PrivProtocol::Aes256Cisco,
         "526f5eed9fcce26f8964c2930787d82b 79eff44a90650ee0a3a40abfac5acc12"),
        (AuthProtocol::Sha1, PrivProtocol::Aes192,
         "6695febc9288e36282235fc7151f128497b38f3f 505e07eb"),
        (AuthProtocol::Sha1, PrivProtocol::Aes256,
         "6695febc9288e36282235fc7151f128497b38f3f 505e07eb9af25568fa1f5dbe"),
        (AuthProtocol::Sha1, PrivProtocol::Aes192Cisco,
         "6695febc9288e36282235fc7151f128497b38f3f 9b8b6d78"),
        (AuthProtocol::Sha1, PrivProtocol::Aes256Cisco,
         "6695febc9288e36282235fc7151f128497b38f3f 9b8b6d78936ba6e7d19dfd9c"),
        (AuthProtocol::Sha224, PrivProtocol::Aes192,
         "0bd8827c6e29f8065e08e09237f177e410f69b90e1782be6"),
        (AuthProtocol::Sha224, PrivProtocol::Aes192Cisco,
         "0bd8827c6e29f8065e08e09237f177e410f69b90e1782be6"),
        (AuthProtocol::Sha224, PrivProtocol::Aes256,
         "0bd8827c6e29f8065e08e09237f177e410f69b90e1782be682075674 e82d9bf0"),
        (AuthProtocol::Sha224, PrivProtocol::Aes256Cisco,
         "0bd8827c6e29f8065e08e09237f177e410f69b90e1782be682075674 22c34be4"),
    ];

    #[test]
    fn aes_key_extensions_match_an_independent_implementation() {
        for &(auth, protocol, key) in KEY_EXTENSION_CROSS_CHECK {
            let kul = LocalizedKey::from_password(auth, PASSWORD, ENGINE_ID).unwrap();
            let derived = PrivKey::derive(protocol, &kul, ENGINE_ID);
            assert_eq!(
                *derived.to_bytes(),
                hex(&key.replace(' ', "")),
                "{auth} {protocol}"
            );
            assert_eq!(derived.protocol(), protocol);
        }
    }

    /// A privacy protocol, its pass phrase, and the privacy key net-snmp stored.
    type StoredPriv = (PrivProtocol, &'static str, &'static str);

    /// net-snmp's own keys: what snmpd 5.9.3 wrote to its persistent `snmpd.conf`
    /// (`usmUser ... authKey ... privKey`) for the `createUser` lines of the SNMPv3 vectors
    /// (`src/v3/vectors.rs`; engine id 80001f8804736e6d70616374). Its privacy keys are already
    /// cut or extended: `AES-192`/`AES-256` are Blumenthal's extension (privacy protocol OIDs
    /// 1.3.6.1.4.1.14832.1.3/4), `AES-192-C`/`AES-256-C` Reeder's (1.3.6.1.4.1.9.12.6.1.1/2).
    #[rustfmt::skip]
    const NET_SNMP_USERS: &[(AuthProtocol, &str, &str, Option<StoredPriv>)] = &[
        (AuthProtocol::Md5, "md5-auth-pass", "91a09f1702aba70e1f50567fd05a870d", None),
        (AuthProtocol::Sha1, "sha-auth-pass", "8b46ae870e9656abf514031ad868d2b56ff40a64", None),
        (AuthProtocol::Sha224, "sha224-auth-pass",
         "3be11af3b0597f574cac6a1e7a0c7111e4f00f702c330592fa7c4186", None),
        (AuthProtocol::Md5, "des-auth-pass", "0a7005ef567c750ba4dace8a0b4698b6",
         Some((PrivProtocol::Des, "des-priv-pass", "3196488dfb436371ed9c5b867e09ceef"))),
        (AuthProtocol::Sha256, "sha256-auth-pass",
         "dfea68364dc81a00a787c9550e8d454e93658f85fc114bcda2fda842df80be16",
         Some((PrivProtocol::Aes128, "aes128-priv-pass", "94039a6bff25abce0be66e6131af7756"))),
        (AuthProtocol::Md5, "aes192-auth-pass", "e60fa03796a339dc1c6f565b7fd4f4fc",
         Some((PrivProtocol::Aes192, "aes192-priv-pass",
               "0e9865344e3b8acab73547457e6b05537a6450135ac259da"))),
        (AuthProtocol::Sha1, "aes256-auth-pass", "3488cc630e3cd8abc39a431d6818aa7fd8ab04dc",
         Some((PrivProtocol::Aes256, "aes256-priv-pass",
               "36f797aee3414d8f8b35ecde3b85a86ebda10382ef184de5c58498421daa5187"))),
        (AuthProtocol::Md5, "aes192c-auth-pass", "ba4bcba8ff512e4dcf2cda66a15187e0",
         Some((PrivProtocol::Aes192Cisco, "aes192c-priv-pass",
               "9e6f4ff3c8a266b45d5f772c09fa1d3f53a666c3006bade5"))),
        (AuthProtocol::Sha1, "aes256c-auth-pass", "4a96f93a582effd9b5a96bfbdd1fe617a1df52a5",
         Some((PrivProtocol::Aes256Cisco, "aes256c-priv-pass",
               "44ff60e1f247139af142d2ed4ba928fa3d651dbd77949b692ea2e63633036abd"))),
        (AuthProtocol::Sha384, "sha384-auth-pass",
         "f8bb848b599c2fc94b9cfc2d331204abb629371efa1e3de76364e350af1b4ff3\
          36ad6b8c71d4c7f70bed4fc51a8d4ac8",
         Some((PrivProtocol::Aes192, "sha384-priv-pass",
               "e4e8a76e0be64d3cd43e9e74e6892bb46825acb5a64e26fb"))),
        (AuthProtocol::Sha512, "sha512-auth-pass",
         "045280cd12ca697d875fb26d3d150cf50226ce024eb880b0b22300b524529eda\
          05647ec0af0bb1367682fad25e82d53d6c7ad53b9ad04ba133b7a84957fe6d2e",
         Some((PrivProtocol::Aes256, "sha512-priv-pass",
               "18c04d9a159158acf85e00e5966d58f8dbc42b8dcbd4a9c7d14895dd907b66f9"))),
    ];

    #[test]
    fn keys_match_the_ones_net_snmp_stored() {
        let engine = hex("80001f8804736e6d70616374");
        let mut cache = KeyCache::new();
        for &(auth, pass, key, privacy) in NET_SNMP_USERS {
            let kul = cache.localized(auth, pass.as_bytes(), &engine).unwrap();
            assert_eq!(kul.as_bytes(), hex(key), "{pass}");
            if let Some((protocol, pass, key)) = privacy {
                let k = cache
                    .priv_key(auth, protocol, pass.as_bytes(), &engine)
                    .unwrap();
                assert_eq!(*k.to_bytes(), hex(key), "{pass}");
            }
        }
    }
}
