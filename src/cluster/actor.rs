//! The member actor: the thin shell around [`super::membership`] that talks to Redis.
//!
//! Every heartbeat it runs one Lua script ([`HEARTBEAT`]): refresh this instance's key (PX =
//! `ttl - heartbeat`) and its place in the member set, read each member's key (dropping the
//! expired, refusing the garbled), repair keys of the wrong type, and bump the epoch when the
//! live list changed. One round trip and O(members) work inside Redis, whatever the number of
//! agents. The reply is parsed defensively ([`parse_reply`]): anything unexpected is a failed
//! heartbeat, reported, never a panic. A failed heartbeat drops the connection (the next one
//! reconnects) and leaves the instance degraded until one succeeds.
//!
//! Rate hand-over ([`super::handover`]) runs on a second connection, so a large write never
//! delays a heartbeat: once per heartbeat the states the poller stored are written (`SET ... PX`
//! in pipelines of [`PIPELINE_CHUNK`]); a [`FetchRates`] reads states with one `MGET` per
//! [`PIPELINE_CHUNK`] keys, all in one pipeline, and always answers [`SeedRates`] (empty when
//! Redis failed), within a TTL.
//!
//! Connections come from a URL (`redis://`, `rediss://` through rustls with the optional CA
//! file, `redis+unix://`) or from Redis Sentinel: each new connection asks the sentinels for
//! the current master.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use actix::prelude::*;
use redis::aio::MultiplexedConnection;
use redis::sentinel::{SentinelClient, SentinelClientBuilder, SentinelServerType};
use redis::{AsyncConnectionConfig, IntoConnectionInfo, TlsCertificates, TlsMode, Value};
use serde::{Deserialize, Serialize};

use super::handover;
use super::membership::{Member, Snapshot, View};
use super::{Cluster, ClusterHealth, ClusterSettings, MemberStatus, RateState, wall_ms};

/// The heartbeat script. ARGV: prefix, id, record, key TTL (ms), known epoch, leave ("1"),
/// last known members (ids joined by "\n", the `prev` of an epoch rebuilt after a Redis restart),
/// the transition window (ms).
/// Returns {epoch, since_ms, prev, ids, records, garbled ids, repaired keys, rebuilt}.
///
/// `prev` is the last *settled* membership: a change within the window of the previous one
/// keeps that one's `prev` (and its `rebuilt` mark), so a burst of joins is one transition.
pub(super) const HEARTBEAT: &str = r"
local p, me = ARGV[1], ARGV[2]
local set, ek = p .. ':members', p .. ':epoch'
local repaired, garbled = {}, {}
local function fix(k, want)
  local t = redis.call('TYPE', k)['ok']
  if t ~= want and t ~= 'none' then redis.call('DEL', k); table.insert(repaired, k) end
end
fix(set, 'set'); fix(ek, 'hash')
local mk = p .. ':member:' .. me
if ARGV[6] == '1' then
  redis.call('DEL', mk); redis.call('SREM', set, me)
else
  fix(mk, 'string')
  redis.call('SET', mk, ARGV[3], 'PX', ARGV[4]); redis.call('SADD', set, me)
end
local ids = redis.call('SMEMBERS', set)
table.sort(ids)
local live, records = {}, {}
for _, id in ipairs(ids) do
  local k = p .. ':member:' .. id
  local t = redis.call('TYPE', k)['ok']
  if t == 'none' then
    redis.call('SREM', set, id)
  elseif t ~= 'string' then
    redis.call('DEL', k); redis.call('SREM', set, id); table.insert(repaired, k)
  else
    local v = redis.call('GET', k)
    local ok, rec = pcall(cjson.decode, v)
    if ok and type(rec) == 'table' and rec['v'] == 1 then
      table.insert(live, id); table.insert(records, v)
    else
      table.insert(garbled, id)
    end
  end
end
local view = table.concat(live, '\n')
local cur = redis.call('HGET', ek, 'view')
local epoch = tonumber(redis.call('HGET', ek, 'epoch') or '')
local since = tonumber(redis.call('HGET', ek, 'since') or '')
local prev = redis.call('HGET', ek, 'prev')
local rebuilt = tonumber(redis.call('HGET', ek, 'rebuilt') or '0') or 0
if epoch == nil or since == nil or prev == false or cur ~= view then
  local known = tonumber(ARGV[5]) or 0
  local tm = redis.call('TIME')
  local now = tonumber(tm[1]) * 1000 + math.floor(tonumber(tm[2]) / 1000)
  if epoch == nil or since == nil or prev == false then
    if redis.call('EXISTS', ek) == 1 then table.insert(repaired, ek) end
    prev = ARGV[7]; epoch = 0; rebuilt = 1
  elseif now - since >= tonumber(ARGV[8]) then
    prev = cur; rebuilt = 0
  end
  if known > epoch then epoch = known end
  epoch = epoch + 1
  since = now
  redis.call('DEL', ek)
  redis.call('HSET', ek, 'epoch', epoch, 'since', since, 'view', view, 'prev', prev, 'rebuilt', rebuilt)
end
return {epoch, since, prev, live, records, garbled, repaired, rebuilt}
";

/// Rate hand-over commands go in pipelines of this many pairs (and an `MGET` reads this many
/// keys).
pub(super) const PIPELINE_CHUNK: usize = 1_000;

/// One member's record, as stored in its key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Record {
    /// Format version (1).
    v: u32,
    /// Its site.
    site: Option<String>,
    /// Its configuration hash.
    config: String,
}

/// A heartbeat's reply, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Reply {
    /// The epoch.
    pub epoch: u64,
    /// When it began (Redis's clock, ms).
    pub since_ms: u64,
    /// The members before it.
    pub previous: Vec<Arc<str>>,
    /// Live members.
    pub members: Vec<Member>,
    /// Members whose record was garbled (left out).
    pub garbled: Vec<String>,
    /// Keys of the wrong type that the script deleted.
    pub repaired: Vec<String>,
    /// The epoch was rebuilt (Redis lost it) less than a window ago.
    pub rebuilt: bool,
}

/// Why a reply could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unreadable heartbeat reply: {0}")]
pub(super) struct ReplyError(&'static str);

fn text(v: &Value) -> Option<String> {
    match v {
        Value::BulkString(b) => String::from_utf8(b.clone()).ok(),
        Value::SimpleString(s) => Some(s.clone()),
        Value::Okay => Some("OK".into()),
        _ => None,
    }
}

fn texts(v: &Value) -> Option<Vec<String>> {
    match v {
        Value::Array(items) | Value::Set(items) => items.iter().map(text).collect(),
        _ => None,
    }
}

fn int(v: &Value) -> Option<u64> {
    match v {
        Value::Int(i) => u64::try_from(*i).ok(),
        other => text(other).and_then(|t| t.parse().ok()),
    }
}

/// Reads the script's reply. Member records that do not parse are counted as garbled.
///
/// # Errors
/// A reply of the wrong shape.
pub(super) fn parse_reply(v: &Value) -> Result<Reply, ReplyError> {
    let Value::Array(items) = v else {
        return Err(ReplyError("not an array"));
    };
    let [epoch, since, prev, ids, records, garbled, repaired, rebuilt] = items.as_slice() else {
        return Err(ReplyError("not eight items"));
    };
    let rebuilt = int(rebuilt).ok_or(ReplyError("rebuilt"))? != 0;
    let epoch = int(epoch).ok_or(ReplyError("epoch"))?;
    let since_ms = int(since).ok_or(ReplyError("since"))?;
    let prev = text(prev).ok_or(ReplyError("prev"))?;
    let ids = texts(ids).ok_or(ReplyError("member ids"))?;
    let records = texts(records).ok_or(ReplyError("member records"))?;
    if ids.len() != records.len() {
        return Err(ReplyError("ids and records differ in number"));
    }
    let mut garbled = texts(garbled).ok_or(ReplyError("garbled ids"))?;
    let repaired = texts(repaired).ok_or(ReplyError("repaired keys"))?;
    let mut members = Vec::with_capacity(ids.len());
    for (id, rec) in ids.into_iter().zip(records) {
        match serde_json::from_str::<Record>(&rec) {
            Ok(r) => members.push(Member {
                id: Arc::from(id.as_str()),
                site: r.site,
                config: r.config,
                garbled: false,
            }),
            Err(_) => garbled.push(id),
        }
    }
    members.sort_by(|a, b| a.id.cmp(&b.id));
    let mut previous: Vec<Arc<str>> = prev
        .split('\n')
        .filter(|s| !s.is_empty())
        .map(Arc::from)
        .collect();
    previous.sort();
    Ok(Reply {
        epoch,
        since_ms,
        previous,
        members,
        garbled,
        repaired,
        rebuilt,
    })
}

/// Tells the poller the epoch changed (sent by the member actor; the poller hands over and
/// takes over rate state and recounts the agents per member).
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub struct EpochChanged(pub Arc<Snapshot>);

/// Reads the rate state of (agent, job) pairs taken over, at local wall time `at_ms` (sent by
/// [`Cluster::fetch_rates`]); answered to the poller as [`SeedRates`].
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub struct FetchRates {
    /// The pairs: (agent, job).
    pub pairs: Vec<(Arc<str>, Arc<str>)>,
    /// When to read them (local wall clock, ms).
    pub at_ms: u64,
    /// The fetch's number (see [`Cluster::awaiting_rates`]).
    pub fetch: u64,
}

/// Rate state read for pairs taken over (sent by the member actor to the attached poller).
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub struct SeedRates {
    /// (agent, job, state) of each state found and accepted.
    pub seeds: Vec<(Arc<str>, Arc<str>, RateState)>,
    /// Every agent of the fetch: none of them waits for its hand-over any more (found,
    /// absent, rejected or Redis failed).
    pub resolved: Vec<Arc<str>>,
}

/// Writes the buffered rate state, then leaves the cluster (shutdown). Answers when done or
/// failed.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub struct Leave;

/// The member actor. Fields say why they exist.
pub(super) struct MemberActor {
    /// URL, prefix, id, periods.
    settings: ClusterSettings,
    /// The shared state it updates.
    cluster: Cluster,
    /// Where connections come from, made once (a bad URL is reported at every heartbeat).
    client: Result<Source, String>,
    /// The heartbeat's connection, while it works.
    conn: Option<MultiplexedConnection>,
    /// The rate hand-over's connection (a second one, so a large write never delays a
    /// heartbeat behind it), while it works.
    data: Option<MultiplexedConnection>,
    /// A heartbeat is in flight (ticks after a stall do not pile up).
    busy: bool,
    /// A rate flush is in flight.
    flushing: bool,
    /// Left the cluster: no more heartbeats.
    left: bool,
}

/// Where connections come from.
#[derive(Clone)]
enum Source {
    /// A Redis URL.
    Direct(Box<redis::Client>),
    /// Redis Sentinel: the current master is asked of the sentinels for each new connection.
    Sentinel(Arc<tokio::sync::Mutex<SentinelClient>>),
}

fn certificates(settings: &ClusterSettings) -> Result<Option<TlsCertificates>, String> {
    let Some(path) = &settings.ca_file else {
        return Ok(None);
    };
    let pem = std::fs::read(path).map_err(|e| format!("ca_file {}: {e}", path.display()))?;
    Ok(Some(TlsCertificates {
        client_tls: None,
        root_cert: Some(pem),
    }))
}

fn client(settings: &ClusterSettings) -> Result<Source, String> {
    let certs = certificates(settings)?;
    if !settings.sentinels.is_empty() {
        let master = settings
            .master_name
            .as_deref()
            .ok_or("sentinels without master_name")?;
        let mut addrs = Vec::new();
        for url in &settings.sentinels {
            let info = url
                .as_str()
                .into_connection_info()
                .map_err(|e| format!("sentinel URL: {e}"))?;
            addrs.push(info.addr().clone());
        }
        let tls = settings
            .sentinels
            .iter()
            .any(|u| u.starts_with("rediss://"));
        let mut b = SentinelClientBuilder::new(addrs, master, SentinelServerType::Master)
            .map_err(|e| format!("sentinels: {e}"))?;
        if let Some(pw) = &settings.password {
            b = b.set_client_to_redis_password(pw);
        }
        if tls {
            b = b
                .set_client_to_redis_tls_mode(TlsMode::Secure)
                .set_client_to_sentinel_tls_mode(TlsMode::Secure);
            if let Some(c) = certs {
                b = b
                    .set_client_to_sentinel_certificates(c.clone())
                    .set_client_to_redis_certificates(c);
            }
        }
        let c = b.build().map_err(|e| format!("sentinels: {e}"))?;
        return Ok(Source::Sentinel(Arc::new(tokio::sync::Mutex::new(c))));
    }
    let mut info = settings
        .redis
        .as_str()
        .into_connection_info()
        .map_err(|e| format!("redis URL: {e}"))?;
    if let Some(pw) = &settings.password {
        let r = info.redis_settings().clone().set_password(pw);
        info = info.set_redis_settings(r);
    }
    let client = match certs {
        Some(c) => redis::Client::build_with_tls(info, c),
        None => redis::Client::open(info),
    };
    client
        .map(|c| Source::Direct(Box::new(c)))
        .map_err(|e| format!("redis URL: {e}"))
}

type Rates = Vec<(Arc<str>, Arc<str>, RateState)>;
type Buffered = handover::Batch;
/// A flush's end: the connection if it still works, and (pairs, bytes) written or the error and
/// what was not written.
type Flushed = (
    Option<MultiplexedConnection>,
    Result<(u64, u64), (String, Buffered)>,
);
/// Rejected rate states: (agent, job, why).
type Rejected = Vec<(Arc<str>, Arc<str>, &'static str)>;

impl MemberActor {
    pub(super) fn new(settings: ClusterSettings, config_hash: String, cluster: Cluster) -> Self {
        let _ = config_hash; // kept in the shared status, read at each heartbeat
        Self {
            client: client(&settings),
            settings,
            cluster,
            conn: None,
            data: None,
            busy: false,
            flushing: false,
            left: false,
        }
    }

    /// The heartbeat's connection (the current one, or a new one).
    fn connection(
        &self,
    ) -> impl Future<Output = Result<MultiplexedConnection, String>> + 'static + use<> {
        self.connect(self.conn.clone(), self.settings.heartbeat)
    }

    /// The rate hand-over's connection (the current one, or a new one), with a TTL's timeout.
    fn data_connection(
        &self,
    ) -> impl Future<Output = Result<MultiplexedConnection, String>> + 'static + use<> {
        self.connect(self.data.clone(), self.settings.ttl)
    }

    fn connect(
        &self,
        existing: Option<MultiplexedConnection>,
        timeout: Duration,
    ) -> impl Future<Output = Result<MultiplexedConnection, String>> + 'static + use<> {
        let client = self.client.clone();
        async move {
            if let Some(c) = existing {
                return Ok(c);
            }
            let config = AsyncConnectionConfig::new()
                .set_connection_timeout(Some(timeout))
                .set_response_timeout(Some(timeout));
            let client = match client? {
                Source::Direct(c) => *c,
                Source::Sentinel(s) => {
                    let ask = async { s.lock().await.async_get_client().await };
                    tokio::time::timeout(timeout, ask)
                        .await
                        .map_err(|_| "sentinels: no answer".to_owned())?
                        .map_err(|e| format!("sentinels: {e}"))?
                }
            };
            client
                .get_multiplexed_async_connection_with_config(&config)
                .await
                .map_err(|e| e.to_string())
        }
    }

    fn script_args(&self, leave: bool) -> redis::ScriptInvocation<'static> {
        // A static script: the invocation borrows it for 'static.
        static SCRIPT: std::sync::LazyLock<redis::Script> =
            std::sync::LazyLock::new(|| redis::Script::new(HEARTBEAT));
        let snap = self.cluster.snapshot();
        let known = snap.view.as_ref().map_or(0, |v| v.epoch);
        let last: Vec<&str> = snap
            .view
            .as_ref()
            .map(|v| v.members.iter().map(|m| &*m.id).collect())
            .unwrap_or_default();
        let record = serde_json::to_string(&Record {
            v: 1,
            site: self.settings.site.clone(),
            config: self.cluster.status().config_hash,
        })
        .unwrap_or_default();
        let mut inv = SCRIPT.prepare_invoke();
        inv.arg(&self.settings.name)
            .arg(&self.settings.instance)
            .arg(record)
            .arg(
                u64::try_from(self.settings.key_ttl().as_millis())
                    .unwrap_or(u64::MAX)
                    .max(1),
            )
            .arg(known)
            .arg(if leave { "1" } else { "0" })
            .arg(last.join("\n"))
            .arg(u64::try_from(self.settings.window().as_millis()).unwrap_or(u64::MAX));
        inv
    }

    fn beat(&mut self, ctx: &mut Context<Self>) {
        if self.busy || self.left {
            return;
        }
        self.busy = true;
        let conn = self.connection();
        let inv = self.script_args(false);
        let sent = SystemTime::now();
        async move {
            let mut c = conn.await?;
            let v: Value = inv.invoke_async(&mut c).await.map_err(|e| e.to_string())?;
            Ok::<_, String>((c, v))
        }
        .into_actor(self)
        .map(move |r, act, _| {
            act.busy = false;
            act.cluster.update(|s| s.redis_commands += 1);
            match r {
                Ok((c, v)) => match parse_reply(&v) {
                    Ok(reply) => {
                        act.conn = Some(c);
                        act.apply(reply, wall_ms(sent));
                    }
                    Err(e) => {
                        act.cluster.update(|s| s.garbled += 1);
                        act.failed(e.to_string());
                    }
                },
                Err(e) => {
                    act.conn = None;
                    act.failed(e);
                }
            }
        })
        .spawn(ctx);
    }

    fn failed(&mut self, error: String) {
        let joined = self.cluster.snapshot().view.is_some();
        let was = self.cluster.status().health;
        if was != ClusterHealth::Degraded && joined {
            tracing::error!(
                instance = %self.settings.instance,
                %error,
                "cluster: Redis unreachable: degraded (polling what this instance owned, taking nothing new)"
            );
        } else {
            tracing::warn!(instance = %self.settings.instance, %error, "cluster: heartbeat failed");
        }
        self.cluster.update(|s| {
            s.heartbeat_failures += 1;
            s.last_error = Some(error);
            if joined {
                s.health = ClusterHealth::Degraded;
            }
        });
    }

    fn apply(&mut self, reply: Reply, sent_ms: u64) {
        let old = self.cluster.snapshot();
        for id in &reply.garbled {
            tracing::warn!(member = %id, "cluster: garbled member record in Redis (left out)");
        }
        for k in &reply.repaired {
            tracing::warn!(key = %k, "cluster: Redis key of the wrong type or unreadable: rebuilt");
        }
        let changed = old.view.as_ref().is_none_or(|v| {
            v.epoch != reply.epoch || v.since_ms != reply.since_ms || v.members != reply.members
        });
        let view = View {
            epoch: reply.epoch,
            since_ms: reply.since_ms,
            members: reply.members,
            previous: reply.previous,
            rebuilt: reply.rebuilt,
        };
        let mine = self.cluster.status().config_hash;
        let mismatch: Vec<String> = view
            .members
            .iter()
            .filter(|m| m.config != mine)
            .map(|m| m.id.to_string())
            .collect();
        let status = self.cluster.status();
        if status.health == ClusterHealth::Degraded {
            tracing::warn!(instance = %self.settings.instance, "cluster: Redis reachable again: rejoined");
        }
        if mismatch != status.config_mismatch && !mismatch.is_empty() {
            tracing::warn!(members = ?mismatch, "cluster: members run another configuration (agents and jobs): changes apply cluster-wide only once every instance has the same");
        }
        let snap = Snapshot {
            identity: old.identity.clone(),
            view: Some(view.clone()),
            fresh_ms: sent_ms,
        };
        self.cluster.set_snapshot(snap);
        let garbled = u64::try_from(reply.garbled.len() + reply.repaired.len()).unwrap_or(0);
        self.cluster.update(|s| {
            s.health = ClusterHealth::Healthy;
            s.heartbeats += 1;
            s.last_error = None;
            s.garbled += garbled;
            s.config_mismatch = mismatch;
            if changed {
                s.epoch = view.epoch;
                s.epoch_changes += 1;
                let counts: BTreeMap<String, usize> =
                    s.members.iter().map(|m| (m.id.clone(), m.agents)).collect();
                s.members = view
                    .members
                    .iter()
                    .map(|m| MemberStatus {
                        id: m.id.to_string(),
                        site: m.site.clone(),
                        same_config: m.config == s.config_hash,
                        agents: counts.get(&*m.id).copied().unwrap_or(0),
                    })
                    .collect();
            }
        });
        if changed {
            let ids: Vec<&str> = view.members.iter().map(|m| &*m.id).collect();
            tracing::info!(epoch = view.epoch, members = ?ids, "cluster: membership");
            let poller = super::lock(&self.cluster.shared.poller).clone();
            if let Some(p) = poller {
                p.do_send(EpochChanged(self.cluster.snapshot()));
            }
        }
    }

    /// Writes buffered rate states: one `SET key value PX ttl` per pair, in pipelines of
    /// [`PIPELINE_CHUNK`]. Gives back what it could not write.
    fn write_rates(&self, items: Buffered) -> impl Future<Output = Flushed> + 'static + use<> {
        let conn = self.data_connection();
        let name = self.settings.name.clone();
        async move {
            let mut c = match conn.await {
                Ok(c) => c,
                Err(e) => return (None, Err((e, items))),
            };
            let (mut n, mut bytes) = (0u64, 0u64);
            for (i, chunk) in items.chunks(PIPELINE_CHUNK).enumerate() {
                let mut pipe = redis::pipe();
                for ((job, agent), p) in chunk {
                    pipe.cmd("SET")
                        .arg(handover::rate_key(&name, job, agent))
                        .arg(&p.value)
                        .arg("PX")
                        .arg(p.ttl_ms)
                        .ignore();
                    bytes += p.value.len() as u64;
                }
                if let Err(e) = pipe.query_async::<()>(&mut c).await {
                    let rest = items.into_iter().skip(i * PIPELINE_CHUNK).collect();
                    return (None, Err((e.to_string(), rest)));
                }
                n += chunk.len() as u64;
            }
            (Some(c), Ok((n, bytes)))
        }
    }

    /// Writes what the poller stored since the last flush (once per heartbeat).
    fn flush(&mut self, ctx: &mut Context<Self>) {
        if self.flushing || self.left {
            return;
        }
        let items = super::lock(&self.cluster.shared.rates).take();
        if items.is_empty() {
            return;
        }
        self.flushing = true;
        self.write_rates(items)
            .into_actor(self)
            .map(|(conn, r), act, _| {
                act.flushing = false;
                act.data = conn;
                act.written(r);
            })
            .spawn(ctx);
    }

    fn written(&mut self, r: Result<(u64, u64), (String, Buffered)>) {
        match r {
            Ok((n, bytes)) => self.cluster.update(|s| {
                s.redis_commands += n;
                s.rate_commands += n;
                s.rates_written += n;
                s.rate_bytes += bytes;
            }),
            Err((e, rest)) => {
                tracing::warn!(error = %e, pairs = rest.len(), "cluster: rate state not written (retried at the next flush)");
                super::lock(&self.cluster.shared.rates).restore(rest);
            }
        }
    }
}

impl Actor for MemberActor {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Context<Self>) {
        if let Err(e) = &self.client {
            tracing::error!(error = %e, "cluster: no Redis client");
        }
        self.beat(ctx);
        ctx.run_interval(self.settings.heartbeat, |act, ctx| {
            act.beat(ctx);
            act.flush(ctx);
        });
    }
}

/// Reads the values of `keys` with one `MGET` per [`PIPELINE_CHUNK`] keys, in one pipeline.
async fn read_values(
    conn: impl Future<Output = Result<MultiplexedConnection, String>>,
    keys: Vec<String>,
) -> Result<(MultiplexedConnection, Vec<Value>), String> {
    let mut c = conn.await?;
    let mut pipe = redis::pipe();
    for chunk in keys.chunks(PIPELINE_CHUNK) {
        pipe.cmd("MGET").arg(chunk);
    }
    let replies: Vec<Value> = pipe.query_async(&mut c).await.map_err(|e| e.to_string())?;
    let mut values = Vec::with_capacity(keys.len());
    for r in replies {
        match r {
            Value::Array(v) => values.extend(v),
            _ => return Err("MGET: not an array".to_owned()),
        }
    }
    if values.len() != keys.len() {
        return Err("MGET: wrong number of values".to_owned());
    }
    Ok((c, values))
}

impl Handler<FetchRates> for MemberActor {
    type Result = ();

    fn handle(&mut self, m: FetchRates, ctx: &mut Context<Self>) {
        let now = wall_ms(SystemTime::now());
        let wait = Duration::from_millis(m.at_ms.saturating_sub(now));
        ctx.run_later(wait, move |act, ctx| {
            let name = act.settings.name.clone();
            let keys: Vec<String> = m
                .pairs
                .iter()
                .map(|(agent, job)| handover::rate_key(&name, job, agent))
                .collect();
            let commands = keys.len().div_ceil(PIPELINE_CHUNK) as u64;
            let read = read_values(act.data_connection(), keys);
            let limit = act.settings.ttl;
            async move {
                tokio::time::timeout(limit, read)
                    .await
                    .unwrap_or_else(|_| Err("timed out".to_owned()))
            }
            .into_actor(act)
            .map(move |r, act, _| {
                act.cluster.update(|s| {
                    s.redis_commands += commands;
                    s.rate_commands += commands;
                });
                let mut resolved: Vec<Arc<str>> = m.pairs.iter().map(|p| p.0.clone()).collect();
                resolved.sort();
                resolved.dedup();
                let seeds = match r {
                    Ok((c, values)) => {
                        act.data = Some(c);
                        let max_ms = wall_ms(SystemTime::now())
                            .saturating_add(u64::try_from(act.settings.ttl.as_millis()).unwrap_or(0));
                        let (seeds, rejected) = parse_rates(&m.pairs, &values, max_ms);
                        for (agent, job, e) in &rejected {
                            tracing::warn!(%agent, %job, reason = %e, "cluster: rate state in Redis rejected (ignored)");
                        }
                        let n = rejected.len() as u64;
                        let read = seeds.len() as u64;
                        act.cluster.update(|s| {
                            s.garbled += n;
                            s.rates_rejected += n;
                            s.rates_read += read;
                        });
                        seeds
                    }
                    Err(e) => {
                        act.data = None;
                        tracing::warn!(error = %e, "cluster: rate state not taken over");
                        Vec::new()
                    }
                };
                act.cluster.fetched(m.fetch, &resolved);
                let target = super::lock(&act.cluster.shared.seeds).clone();
                if let Some(t) = target {
                    t.do_send(SeedRates { seeds, resolved });
                }
            })
            .spawn(ctx);
        });
    }
}

/// The rate states in an `MGET` reply (one value per pair), and the rejected ones with why:
/// garbled or foreign values, values of another type, states from after `max_ms` (another
/// clock, or not a state of ours). Absent keys are neither.
fn parse_rates(pairs: &[(Arc<str>, Arc<str>)], values: &[Value], max_ms: u64) -> (Rates, Rejected) {
    let mut out = Vec::new();
    let mut rejected = Vec::new();
    for ((agent, job), v) in pairs.iter().zip(values) {
        let bytes: &[u8] = match v {
            Value::Nil => continue,
            Value::BulkString(b) => b,
            _ => {
                rejected.push((agent.clone(), job.clone(), "not a string"));
                continue;
            }
        };
        match handover::decode(bytes) {
            Ok(s) if s.at_ms > max_ms => {
                rejected.push((agent.clone(), job.clone(), "from the future"));
            }
            Ok(s) => out.push((agent.clone(), job.clone(), s)),
            Err(e) => rejected.push((agent.clone(), job.clone(), e.label())),
        }
    }
    (out, rejected)
}

impl Handler<Leave> for MemberActor {
    type Result = ResponseActFuture<Self, ()>;

    fn handle(&mut self, _: Leave, _: &mut Context<Self>) -> Self::Result {
        self.left = true;
        let items = super::lock(&self.cluster.shared.rates).take();
        let write = self.write_rates(items);
        let conn = self.connection();
        let inv = self.script_args(true);
        // Bounded by the service's shutdown step too.
        let timeout = self.settings.ttl;
        Box::pin(
            async move {
                let work = async {
                    if let (_, Err((e, _))) = write.await {
                        tracing::warn!(error = %e, "cluster: rate state not handed over");
                    }
                    let mut c = conn.await?;
                    inv.invoke_async::<Value>(&mut c)
                        .await
                        .map_err(|e| e.to_string())
                };
                match tokio::time::timeout(timeout, work).await {
                    Ok(Ok(_)) => tracing::info!("cluster: left"),
                    Ok(Err(e)) => {
                        tracing::warn!(error = %e, "cluster: could not leave (the TTL will)")
                    }
                    Err(_) => tracing::warn!("cluster: leaving timed out (the TTL will)"),
                }
            }
            .into_actor(self),
        )
    }
}

#[cfg(test)]
mod tests;
