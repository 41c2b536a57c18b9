//! The poller: runs poll jobs (which agents, what, how often) and hands every result, success
//! or failure, to the outputs.
//!
//! # Entry points
//! - [`Pollers::start`]`(&engine, &settings, &outputs) -> Pollers`: what the service runs, one
//!   [`Poller`] worker per engine shard on that shard's thread, each polling the agents whose
//!   sessions run there ([`workers`]: a cycle's requests and answers never cross threads); the
//!   group takes reloads, stats and shutdown for all of them and merges their answers.
//! - [`start`]`(engine, &settings, outputs) -> Addr<Poller>`: one actor on the current arbiter
//!   polling every agent (inside an actix `System`), with the agents and jobs of `settings`.
//! - Messages to that address, for run-time changes (the console's `agent add`, SIGHUP):
//!   [`AddAgent`], [`RemoveAgent`], [`AddJob`], [`RemoveJob`], [`Reload`] (a whole new
//!   [`Settings`]; answers a [`ReloadSummary`]), [`SetOutputs`], [`GetStats`] (answers
//!   [`PollerStats`]), [`ExportRates`] (cluster: rate state to hand over), [`Shutdown`].
//! - **Cluster.** With a [`crate::cluster::Cluster`] on the engine, each slot is polled only
//!   when the cluster says this instance owns the agent for it (slots are then aligned on the
//!   wall clock, the same on every instance); reports carry the instance id and the
//!   `duplicate` mark; a pair that moves away is removed from the outputs.
//!
//! # Behaviour
//! - **Spread.** Each (job, agent) pair polls at a fixed phase inside the job's interval (a
//!   stable hash of the names), so an interval's requests leave evenly, not all at second 0.
//! - **No pile-up.** At most one cycle per (job, agent) runs. A slot that comes while the
//!   previous cycle still runs is skipped and counted ([`SkipReason::Overrun`]). After a stall of
//!   the poller itself a pair fires once, and the lost slots are counted (`missed`), instead of
//!   a burst (ACTIX-NOTES P4).
//! - **In-flight limit.** A cycle's requests (one GET for the scalars, split by `max_oids`; one
//!   walk per walk or table) go to the agent's session, which keeps at most `max_in_flight` in
//!   flight to that agent and queues the rest.
//! - **Dead agents.** A cycle whose requests all timed out makes the agent back off: it is
//!   polled again after 1, 2, 4, ... intervals (at most `poller.max_backoff`); skipped slots are
//!   counted ([`SkipReason::Backoff`]). Timeouts run in the agent's own session, so the others
//!   are not slowed.
//! - **Rates.** Counters under a job's `rates` get a rate per second from the second cycle on
//!   ([`rate`]: Counter32 wrap, Counter64, restarts seen through `sysUpTime.0`, which the poller
//!   fetches with the scalars when a job asks for rates).
//! - **Failures are data.** Timeouts and agent errors are published as [`CycleReport::errors`]
//!   and counted in [`PollerStats`]; a skipped cycle is published as an [`Event::Skipped`].
//! - **Run-time changes.** Adding or removing agents and jobs, or reloading, restarts nothing:
//!   running cycles end on the definitions and sessions they started with and are published; a
//!   changed agent gets its new session once its running cycles are done.
//!
//! - **Cost.** One timer for the whole poller, firing on a grid whose step is the shortest
//!   interval / 100, at most `[poller] tick` (100 ms) ([`schedule::grid_step`]: a timing
//!   wheel's tick; every pair whose slot falls in a step starts in the same wake-up, and their
//!   requests leave together; the timer is a [`crate::alarm`], one thread wake-up per step).
//!   The pairs that share an interval are kept in the order of their slots inside it, and a
//!   step walks on from where the last one stopped ([`schedule::Schedule`]): no per-pair
//!   timer, no heap. Events are handed to the outputs in batches (at most every 500 ms, on a
//!   grid step), not one by one; an idle poller arms no timer but the health refresh
//!   (`poller.health_interval`).
//! - **Workers.** With several engine shards the service runs one worker per shard
//!   ([`Pollers`]); an agent belongs to one worker for the life of the process (the shard of
//!   its address when first seen; worker 0 for a host name), every worker runs every job, and
//!   worker 0 publishes the health events with every worker's counters. In a cluster there is
//!   one worker.
//! - **Cluster sessions.** In a cluster an instance keeps sessions open only for the agents it
//!   polls now or takes at the next cutover, and closes them when the agent moves away.
//!
//! Modules: [`schedule`] and [`rate`] are pure (instants passed in) and unit-tested, and so are
//! `cycle` (the end of a cycle: samples, rates, backoff, counters) and `pairs` (each (job,
//! agent) pair at a small index, which the schedule and the requests' contexts carry); `actor` holds the actor
//! (with `fleet`, its agents and jobs, and `ownership`, its side of a cluster); `messages` the
//! messages it handles; [`workers`] the split over shards; [`crate::report`] the data handed to the outputs (re-exported here).

mod actor;
mod cycle;
mod messages;
mod pairs;
pub mod rate;
pub mod schedule;
pub mod workers;

use actix::prelude::*;

pub use crate::report::{
    CycleReport, Event, Health, JobStats, PollError, PollerStats, Sample, SkipReason, Skipped,
};
pub use actor::{PollCtx, Poller};
pub use messages::{
    AddAgent, AddJob, ExportRates, GetStats, Reload, ReloadSummary, RemoveAgent, RemoveJob,
    SetOutputs, Shutdown,
};
pub use workers::{Pollers, Share};

use crate::config::Settings;
use crate::engine::Engine;
use crate::output::Outputs;

/// Starts the poller on the current arbiter with the agents and jobs of `settings`, taking
/// sessions from `engine` and publishing to `outputs`. Must run inside an actix `System`.
#[must_use]
pub fn start(engine: Engine, settings: &Settings, outputs: Outputs) -> Addr<Poller> {
    Poller::new(engine, settings, outputs).start()
}
