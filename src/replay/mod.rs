//! `run --replay DIR`: a recording (`run --record DIR`, `transport::record`) as the test. Each
//! recorded unit's requests go to the endpoint again, in the recorded order, and each answer is
//! judged against the contract with the recording as the oracle's knowledge of the world, and
//! compared with the recorded answer.
//!
//! Ids and tokens go through the recording, never compared literally: a walk the recording
//! followed page by page is replayed as a walk — its first request sent again and this
//! endpoint's own tokens followed to the end — so page boundaries may differ (the default page
//! size is EITHER) and the walks are compared by their items; a recorded token that a later
//! request reuses or carries elsewhere is replaced by the token this endpoint issued at the same
//! place of the same walk. Execution ids are sent as recorded, or mapped in order onto the ids
//! given with `--execution-id` (then the data differs, and items are not compared).
//!
//! Before it is the truth, the recording is judged (`trust.rs`): one that breaks the contract is
//! used for its requests only. Findings are named as the run names them (`exchange::UnitKind`): each
//! recorded unit is a unit of the run (a case, a relation `<check> <execution>`, the probe, the
//! generated phase).
//!
//! - `recording.rs`: the folder loaded, each unit's exchanges as steps, the helpers a recorded
//!   exchange is read with (also by `trust.rs`);
//! - `rewrite.rs`: the id and token maps, a recorded request as sent now, the oracle's world;
//! - `exchange.rs`: one exchange sent again and judged in every world the recording leaves
//!   possible (`judge_replayed`, pure);
//! - `walk.rs`: taking, comparing and judging walks (`judge_walk`, pure);
//! - `trust.rs`: whether the recording keeps the contract;
//! - this file: the orchestration — the facts, the units in order, their results.
//!
//! To add a comparison: a pure function in `exchange.rs` or `walk.rs`, called from
//! `Replay::single` or `Replay::walk`; a fact the recording must keep to be trusted:
//! `trust::first_deviation`.

mod exchange;
mod recording;
mod rewrite;
mod trust;
mod walk;

use std::collections::HashMap;
use std::path::PathBuf;

use crate::check::pagination::{bounded, PaginationWalk};
use crate::check::Observations;
use crate::check::{CheckId, CheckOptions};
use crate::contract::input;
use crate::finding::GENERATED_UNIT;
use crate::finding::{CaseResult, Exchange, Finding, Outcome, RunReport};
use crate::request::WireRequest;
use crate::response::Received;
use crate::source::{Case, Origin};
use crate::transport::record::{Recorded, RecordingError};
use crate::transport::Client;
use exchange::UnitKind;
use recording::{live_tasks, next_token, steps, Step};
pub use recording::{load, RecordedUnit, Recording};

/// Why a replay could not run.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    /// The folder cannot be read, or holds no recording.
    #[error("cannot replay {}: {message}", dir.display())]
    Folder {
        /// The folder.
        dir: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A recording file is broken.
    #[error("{0}")]
    File(#[from] RecordingError),
    /// The endpoint knows none of the executions the recorded run held to exist.
    #[error(
        "this endpoint knows none of the executions the recording holds to exist ({}: each is DoesNotExistException); its data is not the recording's: give its own ids with --execution-id, in the order of the recording's execution-ids.txt",
        ids.join(", ")
    )]
    OtherData {
        /// The ids, as sent.
        ids: Vec<String>,
    },
}

/// A replay in progress.
struct Replay<'c> {
    client: &'c Client,
    opts: CheckOptions,
    /// Recorded id → the id sent now.
    ids: HashMap<String, String>,
    same_data: bool,
    /// Recorded token (bounded) → this endpoint's token at the same place, and its execution.
    tokens: HashMap<String, (String, String)>,
    world_known: Vec<String>,
    /// Known ids whose existence the recording does not prove (see `recording::known_ids`): judged
    /// in a world with and without them.
    uncertain: std::collections::HashSet<String>,
    /// Whether the recording keeps the contract (`trust.rs`): else its items are compared with
    /// nothing and any id may exist.
    trusted: bool,
    /// The `MaxResults` and filters of the page that issued each token of this endpoint (bounded
    /// keys).
    token_sizes: HashMap<String, (Option<i64>, Option<String>)>,
    /// Every token the recorded endpoint issued (bounded).
    recorded_issued: std::collections::HashSet<String>,
    observations: Observations,
    informational: usize,
    /// The built-in cases by name: a recorded unit of that name is judged as that case.
    cases: HashMap<String, Case>,
    /// Tasks the recording lists in a status not yet final (see `walk::WalkPair::live`).
    live: std::collections::BTreeSet<String>,
}

/// What one unit's replay found.
#[derive(Default)]
struct UnitVerdict {
    findings: Vec<Finding>,
    notes: Vec<String>,
    exchange: Option<Exchange>,
    repro: Option<String>,
    check: Option<CheckId>,
    /// What the recorded unit is in the run.
    kind: UnitKind,
    /// The unit's complete walks from the start, by listing (execution, filters).
    walks: std::collections::BTreeMap<(String, Option<String>), Vec<PaginationWalk>>,
    /// Why the unit is not evaluated: a request throttled on every attempt.
    throttled: Option<String>,
}

/// Findings named by the check the recorded unit reports under in the run, when it has one.
fn relabel(findings: &mut [Finding], own: Option<CheckId>) {
    if let Some(own) = own {
        for f in findings {
            f.check = own;
        }
    }
}

/// What the recording says of the world, and how its ids map onto the ones sent now.
struct Facts {
    /// Recorded id → the id sent now.
    map: HashMap<String, String>,
    world_known: Vec<String>,
    uncertain: std::collections::HashSet<String>,
    /// Where the recording itself breaks the contract (`trust.rs`).
    deviation: Option<String>,
}

/// The recording's facts. `ids`: the ids to send in place of the recorded run's own, in its order
/// (`execution-ids.txt`; without it, the order the recording first answered 200 for them).
fn facts(recording: &Recording, ids: &[String], opts: CheckOptions) -> Facts {
    let all: Vec<&Recorded> = recording.units.iter().flat_map(|u| &u.exchanges).collect();
    let recorded_known = recording::known_ids(&all, &recording.execution_ids);
    let order: Vec<String> = match recording.execution_ids.as_slice() {
        [] => recorded_known.iter().map(|(i, _)| i.clone()).collect(),
        given => given.to_vec(),
    };
    let map: HashMap<String, String> = if ids.is_empty() {
        recorded_known.iter().map(|(i, _)| (i.clone(), i.clone())).collect()
    } else {
        order.into_iter().zip(ids.iter().cloned()).collect()
    };
    let world_known: Vec<String> = recorded_known.iter().filter_map(|(i, _)| map.get(i).cloned()).collect();
    // A recording that breaks the contract proves nothing: every execution's existence is open.
    let mut claimed: Vec<String> = recorded_known.iter().map(|(i, _)| i.clone()).collect();
    for listed in trust::listed_ids(&recording.units) {
        if !claimed.iter().any(|c| c.eq_ignore_ascii_case(&listed)) {
            claimed.push(listed);
        }
    }
    let deviation = trust::first_deviation(&recording.units, &claimed, opts);
    let uncertain = match deviation {
        Some(_) => world_known.iter().cloned().collect(),
        None => {
            recorded_known.iter().filter(|(_, certain)| !certain).filter_map(|(i, _)| map.get(i).cloned()).collect()
        }
    };
    Facts { map, world_known, uncertain, deviation }
}

/// Whether this endpoint knows any of the executions the recorded run held to exist (as sent
/// now): when every one is `DoesNotExistException`, its data is not the recording's, and every
/// answer would be judged against the wrong world.
async fn same_executions(client: &Client, recording: &Recording, facts: &Facts) -> Result<(), ReplayError> {
    let now: Vec<&String> = recording.execution_ids.iter().filter_map(|id| facts.map.get(id)).collect();
    for id in &now {
        let req = WireRequest::json(&serde_json::json!({ input::WINDOW_EXECUTION_ID: id, input::MAX_RESULTS: 10 }));
        let unknown = client.send(&req).await.is_ok_and(|r| {
            Received::new(&r).error_shape().resolved_type.as_deref()
                == Some(crate::contract::error_type::DOES_NOT_EXIST)
        });
        if !unknown {
            return Ok(());
        }
    }
    match now.first() {
        None => Ok(()),
        Some(_) => Err(ReplayError::OtherData { ids: now.iter().map(|s| (*s).clone()).collect() }),
    }
}

/// Replays `recording` against `client`'s endpoint. `ids`: the execution ids to use in place of
/// the recorded run's, in its order (empty: as recorded). Errors when this endpoint knows none of
/// the recorded run's executions (its data is another's: map them with `ids`).
pub async fn replay(
    client: &Client,
    recording: &Recording,
    ids: &[String],
    opts: CheckOptions,
) -> Result<RunReport, ReplayError> {
    let units = &recording.units;
    let all: Vec<&Recorded> = units.iter().flat_map(|u| &u.exchanges).collect();
    let facts = facts(recording, ids, opts);
    same_executions(client, recording, &facts).await?;
    let mut replay = Replay {
        client,
        opts,
        same_data: ids.is_empty(),
        ids: facts.map,
        tokens: HashMap::new(),
        token_sizes: HashMap::new(),
        uncertain: facts.uncertain,
        trusted: facts.deviation.is_none(),
        world_known: facts.world_known,
        recorded_issued: all.iter().filter_map(|e| next_token(&e.response)).map(|t| bounded(&t)).collect(),
        observations: Observations::default(),
        informational: 0,
        cases: crate::source::builtin_cases().unwrap_or_default().into_iter().map(|c| (c.name.clone(), c)).collect(),
        live: live_tasks(&all),
    };
    let mut results = Vec::new();
    for unit in units {
        let kind = unit_kind(&unit.name, &replay.cases, replay.same_data);
        // The generated phase reports each finding under its rule's check, and a request that
        // got no answer under its own.
        let check = kind.check().or((unit.name == GENERATED_UNIT).then_some(CheckId::GeneratedRequests));
        let mut verdict = UnitVerdict { check, kind, ..UnitVerdict::default() };
        for step in steps(unit) {
            match step {
                Step::Single(e) => replay.single(&unit.name, e, &mut verdict).await,
                Step::Walk { pages } => replay.walk(&unit.name, &pages, &mut verdict, false).await,
            }
        }
        results.push(unit_result(unit, verdict));
    }
    let mut notes = vec![format!(
        "replayed {} recorded units ({} exchanges); {} answers chose another alternative than the recording where the contract accepts either (see each unit's note)",
        units.len(),
        all.len(),
        replay.informational
    )];
    notes.extend(facts.deviation.map(|why| {
        format!("the recording itself breaks the contract ({why}): it is used for its requests only — nothing is compared with its items, and whether an execution exists is judged both ways")
    }));
    let mut choices = replay.observations.choices.clone();
    results.extend(replay.observations.into_results());
    results.extend(client.throttle_unit(&mut choices));
    crate::check::attribution::attribute_run(&mut results);
    Ok(RunReport { results, choices, notes, ..RunReport::default() })
}

/// What a recorded unit is in the run: a built-in case, a relation (the runner names those
/// `<check> <execution>`), or neither.
fn unit_kind(name: &str, cases: &HashMap<String, Case>, same_data: bool) -> UnitKind {
    if let Some(case) = cases.get(name) {
        let mut case = case.clone();
        if !same_data {
            // At least one item: true of the execution the run bound, not of one mapped onto it.
            case.expect.items_min = None;
        }
        return UnitKind::Case(Box::new(case));
    }
    let relation = name.split_once(' ').filter(|(_, exec)| !exec.is_empty()).and_then(|(c, _)| c.parse().ok());
    relation.map_or(UnitKind::Other, UnitKind::Relation)
}

fn unit_result(unit: &RecordedUnit, mut verdict: UnitVerdict) -> CaseResult {
    if let Some(why) = verdict.throttled {
        let (name, check) = (format!("replay {}", unit.name), verdict.kind.check().or(verdict.check));
        let why = format!("{}{why}", crate::finding::NOT_EVALUATED);
        return CaseResult::skipped(name, check.unwrap_or(CheckId::ResponseBody), Origin::Builtin, why);
    }
    for walks in verdict.walks.values() {
        let complete: Vec<&PaginationWalk> = walks.iter().collect();
        let mut compared = crate::check::pagination::compare_walks(&complete);
        relabel(&mut compared, verdict.kind.check());
        verdict.findings.extend(compared);
    }
    let first = verdict.findings.first().map(|f| f.check);
    // The generated phase stays one unit of its own, whatever rules its findings name.
    let generated = verdict.check.filter(|c| *c == CheckId::GeneratedRequests);
    let check = verdict.kind.check().or(generated).or(first).or(verdict.check).unwrap_or(CheckId::ResponseBody);
    let note = if verdict.notes.is_empty() {
        format!("{} exchanges replayed", unit.exchanges.len())
    } else {
        verdict.notes.join("; ")
    };
    let outcome = Outcome::of(verdict.findings, Some(note));
    CaseResult::new(format!("replay {}", unit.name), check, Origin::Builtin, outcome)
        .with_repro(verdict.repro)
        .with_exchange(verdict.exchange)
}
