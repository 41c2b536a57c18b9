//! The messages callers send a [`super::Session`]: operations (GET, GETNEXT, GETBULK, SET,
//! walks, tables), the callback form ([`Request`] and its [`Answer`]), and lifecycle
//! ([`Shutdown`], [`IdleSince`]).

use std::sync::Arc;
use std::time::Instant;

use actix::prelude::*;

use super::SnmpError;
use super::machine::WalkOptions;
use crate::oid::Oid;
use crate::pdu::{Value, VarBind};

/// Varbinds or the failure.
pub type VarBindsResult = Result<Vec<VarBind<'static>>, SnmpError>;

/// GET of `0` (answers the varbinds in the order asked). Sent by callers.
#[derive(Debug, Clone, Message)]
#[rtype(result = "VarBindsResult")]
pub struct Get(pub Vec<Oid>);

/// GETNEXT of `0`. Sent by callers.
#[derive(Debug, Clone, Message)]
#[rtype(result = "VarBindsResult")]
pub struct GetNext(pub Vec<Oid>);

/// One GETBULK (v2c only). `None` takes the session's default. Sent by callers.
#[derive(Debug, Clone, Message)]
#[rtype(result = "VarBindsResult")]
pub struct GetBulk {
    /// The OIDs.
    pub oids: Vec<Oid>,
    /// non-repeaters.
    pub non_repeaters: Option<u32>,
    /// max-repetitions.
    pub max_repetitions: Option<u32>,
}

/// SET of the varbinds, as one request. Sent by callers.
#[derive(Debug, Clone, Message)]
#[rtype(result = "VarBindsResult")]
pub struct Set(pub Vec<VarBind<'static>>);

/// Walk of the subtree under `root`; answers every varbind. Sent by callers.
#[derive(Debug, Clone, Message)]
#[rtype(result = "VarBindsResult")]
pub struct Walk {
    /// The subtree.
    pub root: Oid,
    /// Mode, loop check, row limit.
    pub options: WalkOptions,
}

/// Rows of a streamed walk, in order, sent to the [`WalkStream`]'s sink as they arrive.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub struct WalkRows(pub Vec<VarBind<'static>>);

/// Walk of the subtree under `root`, streaming rows to `sink` in chunks (never whole in memory);
/// answers the number of rows. Stops early when the sink's actor is gone.
#[derive(Debug, Clone, Message)]
#[rtype(result = "Result<usize, SnmpError>")]
pub struct WalkStream {
    /// The subtree.
    pub root: Oid,
    /// Mode, loop check, row limit.
    pub options: WalkOptions,
    /// Who gets the rows.
    pub sink: Recipient<WalkRows>,
}

/// The columns of a conceptual table, as rows keyed by index. Sent by callers.
#[derive(Debug, Clone, Message)]
#[rtype(result = "Result<TableRows, SnmpError>")]
pub struct Table {
    /// The table (`ifTable`) or its entry (`ifEntry`) OID.
    pub oid: Oid,
    /// Walk options (mode, row limit).
    pub options: WalkOptions,
}

/// One table row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRow {
    /// The index arcs (`3` for `ifIndex.3`).
    pub index: Vec<u32>,
    /// One cell per column of [`TableRows::columns`]; `None` where the agent has no value.
    pub cells: Vec<Option<Value<'static>>>,
}

/// A table's rows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TableRows {
    /// The entry OID the columns hang under.
    pub entry: Option<Oid>,
    /// Column numbers, ascending.
    pub columns: Vec<u32>,
    /// Rows, ordered by index.
    pub rows: Vec<TableRow>,
}

/// An operation in a callback-style [`Request`].
#[derive(Debug, Clone)]
pub enum Operation {
    /// GET.
    Get(Vec<Oid>),
    /// GETNEXT.
    GetNext(Vec<Oid>),
    /// GETBULK.
    GetBulk {
        /// OIDs.
        oids: Vec<Oid>,
        /// non-repeaters.
        non_repeaters: u32,
        /// max-repetitions.
        max_repetitions: u32,
    },
    /// SET.
    Set(Vec<VarBind<'static>>),
    /// Walk (collected).
    Walk(Oid, WalkOptions),
}

/// The seed's callback style: run `op` and send `reply_to` an [`Answer`] holding `context`.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Request<C: Send + 'static> {
    /// What to do.
    pub op: Operation,
    /// The caller's own value, handed back untouched.
    pub context: C,
    /// Who gets the answer.
    pub reply_to: Recipient<Answer<C>>,
}

/// The answer to a [`Request`]: the caller's context and the varbinds, or the failure.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub struct Answer<C: Send + 'static> {
    /// The context given in the request.
    pub context: C,
    /// The session's name.
    pub agent: Arc<str>,
    /// The answer.
    pub result: VarBindsResult,
}

/// Stops the session: operations in progress fail with [`SnmpError::ShuttingDown`].
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub struct Shutdown;

/// Asks since when the session has had nothing to do (no operation, nothing queued or in
/// flight): `None` while busy. Sent by the engine to evict idle ad-hoc sessions.
#[derive(Debug, Message)]
#[rtype(result = "Option<Instant>")]
pub struct IdleSince;
