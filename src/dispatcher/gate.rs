//! The SNMPv3 security gate of the dispatcher: which answers to a sealed request a session may
//! see (RFC 3412 §7.2 steps 10-13, RFC 3414 §3.2 steps 6-7). Pure: the message, the request's
//! security and the times go in, a verdict comes out.

use std::time::Instant;

use super::DropReason;
use crate::exchange::UsmSubmit;
use crate::pdu::PduType;
use crate::v3;

/// The security gate of an SNMPv3 answer, received at `now`, to the request `usm` first sent at
/// `sent_at` (pure: the caller reads the clock) (RFC 3412 §7.2 steps 10-13, RFC 3414 §3.2 steps 6-7):
/// - above the request's level, or (authenticated) for another user: dropped (privacy without
///   authentication never gets here: [`v3::Head::read`] refuses it);
/// - authenticated: the HMAC must verify with the request's key, the engine must be the
///   request's, and boots/time must be inside the window of the request's snapshot advanced
///   by the time since it was sent;
/// - below the request's level (unauthenticated to an authenticated request): only a Report
///   passes, and the session takes nothing from it but the error;
/// - a Response must be at exactly the request's level.
pub(super) fn gate(
    buf: &[u8],
    head: &v3::Head<'_>,
    rest: v3::Rest<'_>,
    usm: &UsmSubmit,
    sent_at: Instant,
    now: Instant,
) -> Result<(), DropReason> {
    let level = head.level;
    if level > usm.level {
        return Err(DropReason::WrongSecurity);
    }
    if level.auth() {
        if *head.usm.user_name != *usm.user_name || *head.usm.engine_id != *usm.engine_id {
            return Err(DropReason::WrongSecurity);
        }
        let Some(key) = &usm.keys.auth else {
            return Err(DropReason::WrongSecurity);
        };
        if !v3::check(buf, head, key) {
            return Err(DropReason::WrongDigest);
        }
        let since = now.saturating_duration_since(sent_at);
        let elapsed = u32::try_from(since.as_secs()).unwrap_or(u32::MAX);
        let local_time = usm.time.saturating_add(elapsed);
        // A notInTimeWindow Report carries the engine's own clock, which is the point of it:
        // the session resynchronises from it, so it is not judged by the stale snapshot.
        let report = matches!(rest.pdu_type(), Ok(PduType::Report));
        if !report
            && (head.usm.boots < usm.boots
                || (head.usm.boots == usm.boots
                    && head.usm.time.saturating_add(v3::TIME_WINDOW) < local_time))
        {
            return Err(DropReason::NotInTimeWindow);
        }
    }
    if level < usm.level {
        // Encrypted data is never below the level: level < AuthPriv means plaintext here.
        return match rest.pdu_type() {
            Ok(PduType::Report) => Ok(()),
            Ok(_) => Err(DropReason::WrongSecurity),
            Err(_) => Err(DropReason::Undecodable),
        };
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;
    use crate::pdu::Pdu;
    use crate::usm::{SecurityLevel, UserKeys};

    /// An answer from the agent engine `ENGINE` to `submit`, sealed at `level` with `keys`.
    fn answer(
        submit: &UsmSubmit,
        level: SecurityLevel,
        keys: &UserKeys,
        pdu: &Pdu<'_>,
        boots: u32,
        time: u32,
    ) -> Vec<u8> {
        let out = v3::Outgoing {
            msg_id: 77,
            max_size: v3::MAX_MESSAGE_SIZE,
            flags: v3::Flags::of(level, false),
            engine_id: &submit.engine_id,
            boots,
            time,
            user_name: &submit.user_name,
            context_engine_id: &submit.engine_id,
            context_name: b"",
            pdu,
        };
        let mut buf = Vec::new();
        v3::seal(&out, keys, &mut v3::Salt::starting_at(1), &mut buf).unwrap();
        buf
    }

    /// The gate for an answer to a request sent at `sent_at`, received at `now`.
    fn gate_at(
        buf: &[u8],
        submit: &UsmSubmit,
        sent_at: Instant,
        now: Instant,
    ) -> Result<(), DropReason> {
        let (head, rest) = v3::Head::read(buf).unwrap();
        gate(buf, &head, rest, submit, sent_at, now)
    }

    /// The gate for an answer received as soon as the request was sent.
    fn gate_of(buf: &[u8], submit: &UsmSubmit, sent_at: Instant) -> Result<(), DropReason> {
        gate_at(buf, submit, sent_at, sent_at)
    }

    #[test]
    fn v3_gate_accepts_only_authentic_timely_answers_at_the_request_level() {
        use crate::pdu::GenericPdu;
        use crate::usm::{AuthProtocol, KeyCache, PrivProtocol, User};
        let engine = [0x80, 0, 0x1f, 0x88, 0x80, 9, 9, 9, 9];
        let user = User::new("alice")
            .with_auth(AuthProtocol::Sha256, "authpass1")
            .with_privacy(PrivProtocol::Aes128, "privpass1");
        let keys = user.keys(&engine, &mut KeyCache::new()).unwrap();
        let none = UserKeys {
            auth: None,
            privacy: None,
        };
        let submit = UsmSubmit {
            user_name: Arc::from(&b"alice"[..]),
            level: SecurityLevel::AuthPriv,
            keys: Arc::new(keys.clone()),
            engine_id: Arc::from(&engine[..]),
            boots: 5,
            time: 1000,
            context_engine_id: Arc::from(&engine[..]),
            context_name: Arc::from(&b""[..]),
        };
        let response = Pdu::Response(GenericPdu {
            request_id: 77,
            ..GenericPdu::default()
        });
        let report = Pdu::Report(GenericPdu {
            request_id: 77,
            varbinds: vec![crate::pdu::VarBind::null(
                "1.3.6.1.6.3.15.1.1.3.0".parse().unwrap(),
            )],
            ..GenericPdu::default()
        });
        let now = Instant::now();
        let priv_ = SecurityLevel::AuthPriv;
        // The genuine answer passes.
        let good = answer(&submit, priv_, &keys, &response, 5, 1000);
        assert_eq!(gate_of(&good, &submit, now), Ok(()));
        // A later boots, or a time within the window, passes too.
        assert_eq!(
            gate_of(
                &answer(&submit, priv_, &keys, &response, 5, 850),
                &submit,
                now
            ),
            Ok(())
        );
        // Replayed: an old time or older boots.
        for (boots, time) in [(5, 849), (4, 1000)] {
            let old = answer(&submit, priv_, &keys, &response, boots, time);
            assert_eq!(
                gate_of(&old, &submit, now),
                Err(DropReason::NotInTimeWindow)
            );
        }
        // The window moves with the time since the request was sent.
        // (Time is passed in, so no clock has to move back: see issue 12.)
        let t = answer(&submit, priv_, &keys, &response, 5, 940);
        let later = now + Duration::from_secs(100);
        assert_eq!(gate_of(&t, &submit, now), Ok(()));
        assert_eq!(
            gate_at(&t, &submit, now, later),
            Err(DropReason::NotInTimeWindow)
        );
        let t = answer(&submit, priv_, &keys, &response, 5, 1100);
        assert_eq!(gate_at(&t, &submit, now, later), Ok(()));
        // Forged: another key.
        let other = User::new("alice")
            .with_auth(AuthProtocol::Sha256, "guessed-pass")
            .with_privacy(PrivProtocol::Aes128, "privpass1")
            .keys(&engine, &mut KeyCache::new())
            .unwrap();
        let forged = answer(&submit, priv_, &other, &response, 5, 1000);
        assert_eq!(gate_of(&forged, &submit, now), Err(DropReason::WrongDigest));
        // A Response below the request's level is dropped, authenticated or not...
        let auth_only = answer(
            &submit,
            SecurityLevel::AuthNoPriv,
            &keys,
            &response,
            5,
            1000,
        );
        assert_eq!(
            gate_of(&auth_only, &submit, now),
            Err(DropReason::WrongSecurity)
        );
        let plain = answer(
            &submit,
            SecurityLevel::NoAuthNoPriv,
            &none,
            &response,
            5,
            1000,
        );
        assert_eq!(
            gate_of(&plain, &submit, now),
            Err(DropReason::WrongSecurity)
        );
        // ...but a Report below it passes (the session takes only its error).
        let plain_report = answer(&submit, SecurityLevel::NoAuthNoPriv, &none, &report, 0, 0);
        assert_eq!(gate_of(&plain_report, &submit, now), Ok(()));
        // Above the request's level: dropped.
        let mut low = UsmSubmit {
            level: SecurityLevel::AuthNoPriv,
            ..submit
        };
        assert_eq!(gate_of(&good, &low, now), Err(DropReason::WrongSecurity));
        // Another user, at the right level and key: dropped.
        low.level = SecurityLevel::AuthPriv;
        low.user_name = Arc::from(&b"mallory"[..]);
        assert_eq!(gate_of(&good, &low, now), Err(DropReason::WrongSecurity));
    }
}
