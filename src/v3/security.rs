//! USM message processing for a manager (RFC 3414 §3.1 outgoing, §3.2 incoming): [`seal`] a
//! request, [`check`] a response's HMAC without copying it, [`open`] it. The salt counter of
//! privacy ([`Salt`]) lives here too.
//!
//! The time window (§3.2 step 7) is not checked here: [`super::EngineRecord`] does it with the
//! manager's notion of the agent's clock.

use std::borrow::Cow;

use crate::pdu::Pdu;
use crate::usm::{self, LocalizedKey, UserKeys};

use super::message::{encode_scoped, offset_in, shifted};
use super::{Error, Flags, Head, MessageV3, Rest, ScopedPdu, ScopedPduData, UsmParams};

/// Zeros standing in for msgAuthenticationParameters while the HMAC is computed (the longest
/// MAC, HMAC-SHA-512's, is 48 octets).
const ZEROS: [u8; 64] = [0; 64];

/// The local counter that makes privacy salts unique per key (RFC 3414 §8.1.1.1: 32 bits for
/// DES, with engine boots; RFC 3826 §3.1.2.1: 64 bits for AES). Starts at a random value.
#[derive(Debug, Clone)]
pub struct Salt(u64);

impl Salt {
    /// A counter starting at a random value.
    #[must_use]
    pub fn random() -> Self {
        Self(rand::random())
    }

    /// A counter starting at `start` (for tests).
    #[must_use]
    pub fn starting_at(start: u64) -> Self {
        Self(start)
    }

    /// The next salt.
    pub fn next_salt(&mut self) -> u64 {
        let s = self.0;
        self.0 = self.0.wrapping_add(1);
        s
    }
}

/// A request to seal: every field of the message but the keys.
#[derive(Debug, Clone, Copy)]
pub struct Outgoing<'p> {
    /// msgID (the engine uses the request-id's value).
    pub msg_id: i32,
    /// msgMaxSize: the largest message this manager accepts.
    pub max_size: i32,
    /// msgFlags: the security level and reportable.
    pub flags: Flags,
    /// msgAuthoritativeEngineID: the agent's engine id (empty to discover it).
    pub engine_id: &'p [u8],
    /// msgAuthoritativeEngineBoots as the manager believes it.
    pub boots: u32,
    /// msgAuthoritativeEngineTime as the manager believes it.
    pub time: u32,
    /// msgUserName.
    pub user_name: &'p [u8],
    /// contextEngineID.
    pub context_engine_id: &'p [u8],
    /// contextName.
    pub context_name: &'p [u8],
    /// The PDU.
    pub pdu: &'p Pdu<'p>,
}

/// Appends the sealed message to `buf`: the scopedPDU encrypted when the flags ask for
/// privacy (with the next salt of `salt`), then the whole message authenticated when they ask
/// for authentication.
///
/// # Errors
/// [`Error::LevelMismatch`] when the flags ask for a key `keys` lacks, or privacy without
/// authentication.
pub fn seal(
    out: &Outgoing<'_>,
    keys: &UserKeys,
    salt: &mut Salt,
    buf: &mut Vec<u8>,
) -> Result<(), Error> {
    let level = out.flags.level().ok_or(Error::LevelMismatch)?;
    let auth_key = match (level.auth(), &keys.auth) {
        (false, _) => None,
        (true, Some(k)) => Some(k),
        (true, None) => return Err(Error::LevelMismatch),
    };
    let mut scoped = Vec::with_capacity(64 + out.pdu.encoded_len());
    let mut priv_params = Vec::new();
    encode_scoped(
        out.context_engine_id,
        out.context_name,
        out.pdu,
        &mut scoped,
    );
    let data = if level.privacy() {
        let key = keys.privacy.as_ref().ok_or(Error::LevelMismatch)?;
        let (cipher, params) = usm::encrypt(key, out.boots, out.time, salt.next_salt(), &scoped);
        priv_params.extend_from_slice(&params);
        ScopedPduData::Encrypted(Cow::Owned(cipher))
    } else {
        ScopedPduData::Encrypted(Cow::Borrowed(&[][..]))
    };
    let mac_len = auth_key.map_or(0, |k| k.auth().mac_len());
    let start = buf.len();
    let msg = MessageV3 {
        msg_id: out.msg_id,
        max_size: out.max_size,
        flags: out.flags,
        usm: UsmParams {
            engine_id: Cow::Borrowed(out.engine_id),
            boots: out.boots,
            time: out.time,
            user_name: Cow::Borrowed(out.user_name),
            auth_params: Cow::Borrowed(&ZEROS[..mac_len]),
            priv_params: Cow::Owned(priv_params),
        },
        data,
    };
    let layout = if level.privacy() {
        msg.encode(buf)
    } else {
        msg.encode_with_scoped_tlv(&scoped, buf)
    };
    authenticate_in_place(auth_key, buf, start, layout.auth_params, mac_len);
    Ok(())
}

fn authenticate_in_place(
    key: Option<&LocalizedKey>,
    buf: &mut [u8],
    start: usize,
    at: usize,
    len: usize,
) {
    if let Some(key) = key {
        let mac = usm::authenticate(key, &buf[start..]);
        buf[at..at + len].copy_from_slice(&mac[..len]);
    }
}

/// Whether the datagram `buf`, whose header `head` was read from it, carries a valid HMAC
/// under `key`: computed over the datagram with msgAuthenticationParameters taken as zeros,
/// without copying it. A MAC of the wrong length fails.
#[must_use]
pub fn check(buf: &[u8], head: &Head<'_>, key: &LocalizedKey) -> bool {
    let (at, len) = (head.layout.auth_params, head.layout.auth_len);
    if len != key.auth().mac_len() || at + len > buf.len() {
        return false;
    }
    usm::verify_parts(
        key,
        &[&buf[..at], &ZEROS[..len], &buf[at + len..]],
        &head.usm.auth_params,
    )
}

/// A received message after security processing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    /// msgID.
    pub msg_id: i32,
    /// msgFlags.
    pub flags: Flags,
    /// The USM parameters (engine id, boots, time, user).
    pub usm: UsmParams<'static>,
    /// The scopedPDU, decrypted.
    pub scoped: ScopedPdu<'static>,
}

/// Reads a received datagram: checks the HMAC when the message is authenticated (with
/// `keys.auth`), decrypts when it is encrypted (with `keys.privacy`), decodes the scopedPDU.
/// An unauthenticated message opens without keys (a discovery Report).
///
/// # Errors
/// [`Error::WrongDigest`], [`Error::Decryption`], [`Error::LevelMismatch`] (authenticated or
/// encrypted and no key for it), or a format error of [`Head::read`] (privFlag without
/// authFlag among them) or of the plaintext scopedPDU, at its offset in `buf`.
pub fn open(buf: &[u8], keys: &UserKeys) -> Result<Opened, Error> {
    open_with(buf, keys, false)
}

/// [`open`] of a datagram whose HMAC [`check`] has already verified with `keys.auth` (the
/// dispatcher's gate does): the HMAC is not computed a second time.
pub(crate) fn open_checked(buf: &[u8], keys: &UserKeys) -> Result<Opened, Error> {
    open_with(buf, keys, true)
}

fn open_with(buf: &[u8], keys: &UserKeys, checked: bool) -> Result<Opened, Error> {
    // Head::read refuses privFlag without authFlag (RFC 3412 §7.2 step 5).
    let (head, rest) = Head::read(buf)?;
    if head.flags.auth() && !checked {
        let key = keys.auth.as_ref().ok_or(Error::LevelMismatch)?;
        if !check(buf, &head, key) {
            return Err(Error::WrongDigest);
        }
    }
    let scoped = match rest {
        Rest::Plain(bytes) => ScopedPdu::decode(bytes)
            .map_err(|e| shifted(e, offset_in(buf, bytes)))?
            .into_owned(),
        Rest::Encrypted(cipher) => {
            let key = keys.privacy.as_ref().ok_or(Error::Encrypted)?;
            let plain = usm::decrypt(
                key,
                head.usm.boots,
                head.usm.time,
                &head.usm.priv_params,
                cipher,
            )
            .map_err(|e| Error::Decryption(e.label()))?;
            ScopedPdu::decode(&plain)
                .map_err(|_| Error::Decryption("the plaintext is not a scopedPDU"))?
                .into_owned()
        }
    };
    Ok(Opened {
        msg_id: head.msg_id,
        flags: head.flags,
        usm: head.usm.into_owned(),
        scoped,
    })
}
