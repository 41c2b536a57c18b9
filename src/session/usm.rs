//! The SNMPv3 side of a session: engine discovery, keys per engine, the one automatic retry
//! after resynchronisation, and Reports turned into [`SnmpError`]s. And [`UsmCache`], the
//! engine-wide cache of agent engines and keys that every session shares.
//!
//! Flow (RFC 3414 §4, RFC 5343): before the first request to an agent whose engine is unknown,
//! one discovery probe (noAuthNoPriv, empty engine id and user, no varbinds) goes out; its
//! Report gives the engine id, boots and time, kept in the [`UsmCache`] under the agent's
//! address for every session that talks to it. One probe per agent address: the first session
//! to need it sends it, the others register in the cache and hear [`DiscoveryDone`] when it
//! ends. Requests wait in their sessions meanwhile. An
//! authenticated notInTimeWindow Report resynchronises the clock and the request is sent once
//! more; an unknownEngineID Report forgets the engine, which is discovered again, and the
//! request is sent once more. Any other Report fails the request with [`SnmpError::Report`].
//!
//! Trust (RFC 3414 §3.2, RFC 3412 §7.2): the dispatcher lets an unauthenticated answer to an
//! authenticated request through only when it is a Report, and from such a Report this module
//! takes the error only, never boots or time. Only discovery learns from an unauthenticated
//! Report (there is nothing to authenticate it with), and a wrong engine id learned that way
//! can only make requests fail, never make a forged answer acceptable.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use dashmap::DashMap;
use std::net::SocketAddr;

use actix::prelude::*;
use rustc_hash::FxHashMap as FastMap;

use crate::exchange::UsmSubmit;
use crate::pdu::{GenericPdu, Pdu};
use crate::usm::{KeyCache, SecurityLevel, User, UserError, UserKeys};
use crate::v3::{self, EngineRecord, ReportKind};

use super::SnmpError;

/// Agent engines and keys shared by every session of an engine: one discovery per agent, one
/// 1 MB password hash per (protocol, pass phrase), one localisation per engine id.
/// `Debug` shows sizes only.
#[derive(Default)]
pub struct UsmCache {
    /// What is known of each agent's engine, by agent address.
    engines: DashMap<SocketAddr, EngineRecord>,
    /// Discoveries in flight, by agent address: the sessions waiting for each.
    discovering: DashMap<SocketAddr, Vec<Recipient<DiscoveryDone>>>,
    /// Keys by pass phrase fingerprint and engine id.
    keys: Mutex<KeyCache>,
}

impl std::fmt::Debug for UsmCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UsmCache")
            .field("engines", &self.engines.len())
            .field("password_hashes", &self.password_hashes())
            .finish()
    }
}

impl UsmCache {
    /// An empty cache.
    #[must_use]
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// What is known of the engine of the agent at `agent`.
    #[must_use]
    pub fn engine(&self, agent: SocketAddr) -> Option<EngineRecord> {
        self.engines.get(&agent).map(|r| r.clone())
    }

    /// Forgets the agent's engine: the next request discovers it again.
    pub fn forget(&self, agent: SocketAddr) {
        self.engines.remove(&agent);
    }

    /// How many agent engines are known.
    #[must_use]
    pub fn engines(&self) -> usize {
        self.engines.len()
    }

    /// How many 1 MB password hashes have run.
    #[must_use]
    pub fn password_hashes(&self) -> u64 {
        self.keys.lock().map_or(0, |k| k.password_hashes())
    }

    /// Ends the discovery of `agent`: every session waiting for it hears `error` (`None`: look
    /// again; the engine is known, or the prober went away and another may probe).
    fn discovery_done(&self, agent: SocketAddr, error: Option<&SnmpError>) {
        if let Some((_, waiters)) = self.discovering.remove(&agent) {
            for w in waiters {
                w.do_send(DiscoveryDone {
                    error: error.cloned(),
                });
            }
        }
    }

    fn keys_for(&self, user: &User, engine_id: &[u8]) -> Result<UserKeys, SnmpError> {
        let mut cache = self
            .keys
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        user.keys(engine_id, &mut cache).map_err(SnmpError::User)
    }
}

/// Told to a session waiting for another session's discovery of its agent: it ended.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub struct DiscoveryDone {
    /// Why it failed (the waiting requests fail too), or `None`: look again.
    pub error: Option<SnmpError>,
}

/// What the session should do before submitting its next request.
pub(super) enum Prepared {
    /// Submit with this security.
    Ready(Arc<UsmSubmit>),
    /// Make the user's keys for a new engine id off the actor's thread (the first derivation
    /// of a pass phrase hashes 1 MB), then hand the result to [`V3State::keys_made`]; requests
    /// wait meanwhile.
    MakeKeys(KeyJob),
    /// Submit this discovery probe first; requests wait.
    Discover(Arc<UsmSubmit>, Pdu<'static>),
    /// A probe is in flight; requests wait.
    Wait,
    /// Requests cannot be made: fail them.
    Fail(SnmpError),
}

/// The localised keys of one user for one engine id, made by [`KeyJob::run`] on a blocking
/// thread, never on an arbiter.
pub(super) struct KeyJob {
    user: Arc<User>,
    cache: Arc<UsmCache>,
    engine_id: Arc<[u8]>,
}

impl KeyJob {
    /// Makes the keys (blocking: up to two 1 MB hashes for a pass phrase new to the process).
    pub(super) fn run(self) -> Result<(Arc<[u8]>, Arc<UserKeys>), SnmpError> {
        let keys = self.cache.keys_for(&self.user, &self.engine_id)?;
        Ok((self.engine_id, Arc::new(keys)))
    }
}

/// What an answer to a v3 request means for its operation.
pub(super) enum V3Answer {
    /// The Response PDU.
    Pdu(Pdu<'static>),
    /// Send this PDU once more (after resynchronisation or rediscovery).
    Retry(Pdu<'static>),
    /// The request failed.
    Failed(SnmpError),
}

/// A v3 session's state.
pub(super) struct V3State {
    user: Arc<User>,
    cache: Arc<UsmCache>,
    /// The keys for the engine id they were made for.
    keys: Option<(Arc<[u8]>, Arc<UserKeys>)>,
    /// Token of the discovery probe this session sent, in flight.
    pub(super) probe: Option<u64>,
    /// Waiting for another session's discovery (registered in the cache).
    pub(super) waiting: bool,
    /// Keys are being made off the arbiter ([`Prepared::MakeKeys`]).
    making_keys: bool,
    /// Requests in flight: their PDU (for the retry) and security (to open the answer).
    sent: FastMap<u64, (Pdu<'static>, Arc<UsmSubmit>)>,
    /// Tokens that are already the one retry of their request.
    retried: FastMap<u64, ()>,
    /// Why the user cannot be used (checked once: the user does not change).
    invalid: Option<UserError>,
    user_name: Arc<[u8]>,
    context_name: Arc<[u8]>,
    /// contextEngineID when given (`-E`); else the agent's engine id.
    context_engine_id: Option<Arc<[u8]>>,
}

/// What a request to a known engine is sealed with: the engine id and the keys made for it,
/// boots and time.
type Snapshot = (Arc<[u8]>, Arc<UserKeys>, u32, u32);

/// What [`V3State::snapshot`] knows of a known engine.
enum Known {
    /// Everything a request needs.
    Ready(Snapshot),
    /// The user's keys for this engine id must be made first.
    NeedKeys(Arc<[u8]>),
}

impl V3State {
    pub(super) fn new(user: Arc<User>, cache: Arc<UsmCache>) -> Self {
        Self {
            invalid: user.validate().err(),
            user_name: Arc::from(user.name.as_bytes()),
            context_name: Arc::from(user.context_name.as_slice()),
            context_engine_id: user.context_engine_id.as_deref().map(Arc::from),
            user,
            cache,
            keys: None,
            probe: None,
            waiting: false,
            making_keys: false,
            sent: FastMap::default(),
            retried: FastMap::default(),
        }
    }

    /// The security of the next request to `agent`, or what must happen first. `me` hears
    /// [`DiscoveryDone`] when another session's discovery of the agent ends.
    pub(super) fn prepare(
        &mut self,
        agent: SocketAddr,
        me: impl FnOnce() -> Recipient<DiscoveryDone>,
    ) -> Prepared {
        if self.probe.is_some() || self.waiting || self.making_keys {
            return Prepared::Wait;
        }
        if let Some(e) = &self.invalid {
            return Prepared::Fail(SnmpError::User(e.clone()));
        }
        let now = Instant::now();
        let (engine_id, keys, boots, time) = loop {
            match self.snapshot(agent, now) {
                Some(Known::Ready(known)) => break known,
                Some(Known::NeedKeys(engine_id)) => {
                    self.making_keys = true;
                    return Prepared::MakeKeys(KeyJob {
                        user: self.user.clone(),
                        cache: self.cache.clone(),
                        engine_id,
                    });
                }
                None => {}
            }
            if let Some(id) = &self.user.security_engine_id {
                // Engine id given (-e): no discovery; boots and time come from the agent's
                // first notInTimeWindow Report.
                self.cache
                    .engines
                    .entry(agent)
                    .or_insert_with(|| EngineRecord::discovered(id.clone(), 0, 0, now));
                continue;
            }
            match self.cache.discovering.entry(agent) {
                dashmap::Entry::Occupied(mut waiters) => {
                    waiters.get_mut().push(me());
                    self.waiting = true;
                    return Prepared::Wait;
                }
                dashmap::Entry::Vacant(v) => {
                    // The engine may have been learned between the two lookups: the prober
                    // stores it before it ends the discovery.
                    if self.cache.engines.contains_key(&agent) {
                        continue;
                    }
                    v.insert(Vec::new());
                    return self.discovery();
                }
            }
        };
        Prepared::Ready(Arc::new(UsmSubmit {
            user_name: self.user_name.clone(),
            level: self.user.level,
            keys,
            context_engine_id: self
                .context_engine_id
                .clone()
                .unwrap_or_else(|| engine_id.clone()),
            engine_id,
            boots,
            time,
            context_name: self.context_name.clone(),
        }))
    }

    /// The engine id, keys, boots and time of the next request to `agent`, when its engine is
    /// known and this session has keys for its engine id; else the engine id keys must be made
    /// for first (the engine id is new to this session).
    fn snapshot(&mut self, agent: SocketAddr, now: Instant) -> Option<Known> {
        let record = self.cache.engines.get(&agent)?;
        match &self.keys {
            Some((id, keys)) if **id == *record.engine_id => {
                let (boots, time) = record.boots_and_time(now);
                Some(Known::Ready((id.clone(), keys.clone(), boots, time)))
            }
            _ => Some(Known::NeedKeys(Arc::from(record.engine_id.as_slice()))),
        }
    }

    /// The end of a [`KeyJob`]: the keys are kept for the next requests, or the error returned
    /// (the waiting requests fail with it). Should the agent's engine have changed meanwhile,
    /// the next [`V3State::prepare`] asks for keys again.
    pub(super) fn keys_made(
        &mut self,
        made: Result<(Arc<[u8]>, Arc<UserKeys>), SnmpError>,
    ) -> Result<(), SnmpError> {
        self.making_keys = false;
        self.keys = Some(made?);
        Ok(())
    }

    fn discovery(&self) -> Prepared {
        let empty: Arc<[u8]> = Arc::from(&[][..]);
        let probe = UsmSubmit {
            user_name: empty.clone(),
            level: SecurityLevel::NoAuthNoPriv,
            keys: Arc::new(UserKeys {
                auth: None,
                privacy: None,
            }),
            engine_id: empty.clone(),
            boots: 0,
            time: 0,
            context_engine_id: empty.clone(),
            context_name: empty,
        };
        Prepared::Discover(Arc::new(probe), Pdu::GetRequest(GenericPdu::default()))
    }

    /// Remembers a submitted request.
    pub(super) fn sent(&mut self, token: u64, pdu: Pdu<'static>, usm: Arc<UsmSubmit>) {
        self.sent.insert(token, (pdu, usm));
    }

    /// Forgets a request that ended without an answer (failed, cancelled).
    pub(super) fn forget(&mut self, token: u64) {
        self.sent.remove(&token);
        self.retried.remove(&token);
    }

    /// Marks `token` as the retry of a request.
    pub(super) fn mark_retry(&mut self, token: u64) {
        self.retried.insert(token, ());
    }

    /// The end of this session's probe: its answer, or why it failed. Learns the engine and
    /// tells the sessions waiting for it.
    pub(super) fn on_probe_end(
        &mut self,
        agent: SocketAddr,
        answer: Result<&[u8], SnmpError>,
    ) -> Result<(), SnmpError> {
        self.probe = None;
        let learned = answer.and_then(|datagram| self.learn(agent, datagram));
        self.cache.discovery_done(agent, learned.as_ref().err());
        learned
    }

    /// This session is going away with its probe in flight: the waiting sessions look again
    /// (one of them probes).
    pub(super) fn abandon_probe(&mut self, agent: SocketAddr) {
        if self.probe.take().is_some() {
            self.cache.discovery_done(agent, None);
        }
    }

    /// The probe's answer (a Report, or a Response from a lenient agent).
    fn learn(&self, agent: SocketAddr, datagram: &[u8]) -> Result<(), SnmpError> {
        let none = UserKeys {
            auth: None,
            privacy: None,
        };
        let opened = v3::open(datagram, &none).map_err(SnmpError::V3)?;
        let id = opened.usm.engine_id.into_owned();
        if id.is_empty() {
            return Err(SnmpError::V3(v3::Error::NoEngineId));
        }
        let record =
            EngineRecord::discovered(id, opened.usm.boots, opened.usm.time, Instant::now());
        // Another session may have learned (and synchronised) it meanwhile: keep that.
        self.cache.engines.entry(agent).or_insert(record);
        Ok(())
    }

    /// The answer to the request `token`.
    pub(super) fn on_answer(&mut self, agent: SocketAddr, token: u64, datagram: &[u8]) -> V3Answer {
        let retried = self.retried.remove(&token).is_some();
        let Some((pdu, usm)) = self.sent.remove(&token) else {
            return V3Answer::Failed(SnmpError::UnexpectedResponse("unknown SNMPv3 request"));
        };
        // The dispatcher's gate verified the HMAC of an authenticated answer with these keys.
        let opened = match v3::open_checked(datagram, &usm.keys) {
            Ok(o) => o,
            Err(e) => return V3Answer::Failed(SnmpError::V3(e)),
        };
        let now = Instant::now();
        match opened.scoped.pdu {
            Pdu::Report(_) => {
                let kind = ReportKind::of(&opened.scoped.pdu);
                match kind {
                    // Authenticated (`open` checked the HMAC): the engine's own clock.
                    ReportKind::NotInTimeWindow if opened.flags.auth() => {
                        if let Some(mut r) = self.cache.engines.get_mut(&agent) {
                            r.resync(opened.usm.boots, opened.usm.time, now);
                        }
                        if retried {
                            V3Answer::Failed(SnmpError::Report(kind))
                        } else {
                            V3Answer::Retry(pdu)
                        }
                    }
                    ReportKind::UnknownEngineId if !retried => {
                        self.cache.forget(agent);
                        self.keys = None;
                        V3Answer::Retry(pdu)
                    }
                    kind => V3Answer::Failed(SnmpError::Report(kind)),
                }
            }
            response => {
                if opened.flags.auth()
                    && let Some(mut r) = self.cache.engines.get_mut(&agent)
                {
                    r.receive_authenticated(opened.usm.boots, opened.usm.time, now);
                }
                V3Answer::Pdu(response)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdu::Version;
    use crate::session::SessionConfig;
    use crate::usm::{AuthProtocol, PrivProtocol};

    /// For `prepare` calls that must not register as waiters.
    fn nobody() -> Recipient<DiscoveryDone> {
        unreachable!("this prepare must not wait for another session's discovery")
    }

    fn user() -> Arc<User> {
        Arc::new(
            User::new("alice")
                .with_auth(AuthProtocol::Sha384, "authsecret1")
                .with_privacy(PrivProtocol::Aes256, "privsecret1"),
        )
    }

    #[test]
    fn no_secret_in_debug_of_config_cache_or_submit() {
        let config = SessionConfig {
            version: Version::V3,
            user: Some(user()),
            ..SessionConfig::default()
        };
        let cache = UsmCache::new();
        let agent: SocketAddr = "127.0.0.1:161".parse().unwrap();
        cache.engines.insert(
            agent,
            EngineRecord::discovered(vec![0x80, 0, 0, 1, 2], 1, 2, Instant::now()),
        );
        let mut state = V3State::new(user(), cache.clone());
        let Prepared::Ready(submit) = ready(&mut state, agent) else {
            panic!("a known engine gives a ready request");
        };
        let text = format!("{config:?} {cache:?} {submit:?}");
        assert!(text.contains("alice") && text.contains("Sha384"), "{text}");
        for secret in ["authsecret1", "privsecret1"] {
            assert!(!text.contains(secret), "{text}");
        }
        for key in [
            submit.keys.auth.as_ref().unwrap().as_bytes().to_vec(),
            submit.keys.privacy.as_ref().unwrap().to_bytes().to_vec(),
        ] {
            let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
            assert!(!text.to_lowercase().contains(&hex));
            assert!(!text.contains(&format!("{:?}", &key[..4])));
        }
    }

    /// Prepares the next request, making keys (here, synchronously) when asked to, as the
    /// actor does on a blocking thread.
    fn ready(state: &mut V3State, agent: SocketAddr) -> Prepared {
        match state.prepare(agent, nobody) {
            Prepared::MakeKeys(job) => {
                assert!(matches!(state.prepare(agent, nobody), Prepared::Wait));
                state.keys_made(job.run()).unwrap();
                state.prepare(agent, nobody)
            }
            other => other,
        }
    }

    #[test]
    fn unknown_engines_are_discovered_once_and_keys_made_once() {
        let cache = UsmCache::new();
        let agent: SocketAddr = "127.0.0.1:161".parse().unwrap();
        let mut a = V3State::new(user(), cache.clone());
        let mut b = V3State::new(user(), cache.clone());
        assert!(matches!(a.prepare(agent, nobody), Prepared::Discover(..)));
        a.probe = Some(1);
        assert!(matches!(a.prepare(agent, nobody), Prepared::Wait));
        cache.engines.insert(
            agent,
            EngineRecord::discovered(vec![0x80, 0, 0, 1, 2], 1, 2, Instant::now()),
        );
        a.probe = None;
        assert!(matches!(ready(&mut a, agent), Prepared::Ready(_)));
        assert!(matches!(ready(&mut b, agent), Prepared::Ready(_)));
        // Two pass phrases, each hashed once for both sessions.
        assert_eq!(cache.password_hashes(), 2);
    }

    /// Collects what it is told.
    struct Waiter(tokio::sync::mpsc::UnboundedSender<Option<String>>);

    impl Actor for Waiter {
        type Context = Context<Self>;
    }

    impl Handler<DiscoveryDone> for Waiter {
        type Result = ();
        fn handle(&mut self, m: DiscoveryDone, _: &mut Context<Self>) {
            let _ = self.0.send(m.error.map(|e| e.to_string()));
        }
    }

    #[actix_rt::test]
    async fn one_probe_per_agent_and_the_others_hear_how_it_ended() {
        let cache = UsmCache::new();
        let agent: SocketAddr = "127.0.0.1:161".parse().unwrap();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let waiter = Waiter(tx).start().recipient::<DiscoveryDone>();
        let mut prober = V3State::new(user(), cache.clone());
        let mut others: Vec<V3State> = (0..3)
            .map(|_| V3State::new(user(), cache.clone()))
            .collect();
        assert!(matches!(
            prober.prepare(agent, nobody),
            Prepared::Discover(..)
        ));
        prober.probe = Some(7);
        for o in &mut others {
            assert!(matches!(
                o.prepare(agent, || waiter.clone()),
                Prepared::Wait
            ));
            assert!(o.waiting);
            // Asked again while waiting: still waiting, not registered twice.
            assert!(matches!(o.prepare(agent, nobody), Prepared::Wait));
        }
        // The probe times out: every waiter hears the error.
        let timeout = SnmpError::Timeout { retries: 0, agent };
        assert!(prober.on_probe_end(agent, Err(timeout)).is_err());
        for _ in 0..3 {
            let heard = rx.recv().await.unwrap();
            assert!(heard.unwrap().contains("timeout"));
        }
        assert!(cache.discovering.is_empty());
        // The next discovery has one prober again; if it goes away, the waiters look again.
        for o in &mut others {
            o.waiting = false;
        }
        assert!(matches!(
            others[0].prepare(agent, nobody),
            Prepared::Discover(..)
        ));
        others[0].probe = Some(8);
        assert!(matches!(
            others[1].prepare(agent, || waiter.clone()),
            Prepared::Wait
        ));
        others[0].abandon_probe(agent);
        assert_eq!(rx.recv().await.unwrap(), None);
    }

    #[test]
    fn a_user_without_keys_fails_before_sending() {
        let mut u = User::new("bob");
        u.level = SecurityLevel::AuthNoPriv;
        let mut s = V3State::new(Arc::new(u), UsmCache::new());
        let agent: SocketAddr = "127.0.0.1:161".parse().unwrap();
        assert!(matches!(
            s.prepare(agent, nobody),
            Prepared::Fail(SnmpError::User(UserError::MissingAuthKey(_)))
        ));
    }
}
