//! Orchestration, in the order a run takes: the probe, the declarative cases, the relations
//! that walk each execution's pages, and the generated requests; then the always-on checks over
//! every exchange all of them made. Every request is bounded by the transport's timeout and every
//! walk by a page limit. The checks themselves are pure (`check/`); this is where the I/O is.
//!
//! - `probe.rs`: the first request; "not implemented" detection; what placeholders resolve to.
//! - `cases.rs`: one declarative case, sent and judged; `snapshots.rs`: its snapshot file.
//! - `walker.rs`: one bounded walk over every page, as a `WalkPlan` says.
//! - `relations.rs`: pagination walks and filter listings of one execution; `id_case.rs`: the
//!   same walk with the id in another letter case; `varied.rs`: walks that vary one more
//!   dimension each (page size between pages, number encodings, null members, carried tokens).
//! - `generated.rs`: property-generated requests judged by the oracle, shrunk on failure.
//! - `discover.rs`: before a run given no execution ids, the ids found through the read-only
//!   listings of maintenance windows and their executions.
//! - `executions.rs`: the second operation, `DescribeMaintenanceWindowExecutions`
//!   (`--operation`), over the windows the endpoint lists.

mod cases;
pub mod discover;
pub mod executions;
pub mod generated;
mod id_case;
mod probe;
mod progress;
mod relations;
pub mod snapshots;
mod varied;
mod walker;

use futures::stream::{self, StreamExt};

pub use generated::{GeneratedError, GeneratedPlan, GeneratedStop};
pub use progress::Progress;
pub use snapshots::{SnapshotError, SnapshotMode, SnapshotPlan, SnapshotSource};

use crate::check::implemented::{not_implemented, NotImplemented};
use crate::check::{CheckId, CheckOptions, Observations};
use crate::contract::Operation;
use crate::exit::StopFlag;
use crate::finding::{CaseResult, Exchange, Outcome, RunReport, GENERATED_UNIT};
use crate::request::Bindings;
use crate::response::Received;
use crate::source::{Case, Origin};
use crate::transport::record::in_unit;
use crate::transport::{Client, TransportError};

/// What a run needs, already validated.
#[derive(Debug, Clone)]
pub struct RunPlan {
    /// The declarative cases.
    pub cases: Vec<Case>,
    /// Executions known to exist on the target.
    pub execution_ids: Vec<String>,
    /// How many requests may be in flight.
    pub concurrency: usize,
    /// What the checks demand.
    pub check: CheckOptions,
    /// Seed of the run's random values (the random id).
    pub seed: u64,
    /// Where accepted snapshots live and what to do with them; `None`: no snapshot checks.
    pub snapshots: Option<SnapshotPlan>,
    /// Called after each unit finishes.
    pub progress: Option<Progress>,
    /// Property-generated requests (`cases: 0` turns them off).
    pub generated: GeneratedPlan,
    /// Set to stop sending (Ctrl-C): what ran is reported, the rest skipped.
    pub stop: StopFlag,
    /// Whether to discover execution ids after the probe; what it finds replaces `execution_ids`.
    pub discover: bool,
    /// The operations to test, in the order they run (none: the first operation alone).
    pub operations: Vec<Operation>,
}

/// Why a run could not finish (a harness error).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The endpoint cannot be reached at all.
    #[error("{0}")]
    Unreachable(#[from] Unreachable),
    /// A snapshot could not be read or written.
    #[error("cannot use snapshot {0}")]
    Snapshot(#[from] SnapshotError),
    /// The generated phase could not do its job.
    #[error("{0}")]
    Generated(#[from] GeneratedError),
    /// Execution ids the run was given that the endpoint does not know and does not list: the
    /// user's mistake, not the endpoint's (every unit would blame it).
    #[error("{}", unknown_executions_message(ids, *listed))]
    UnknownExecutions {
        /// The ids, as given.
        ids: Vec<String>,
        /// How many executions the endpoint's listings name (`None`: they could not be read).
        listed: Option<usize>,
    },
}

/// The one line a wrong `--execution-id` gets.
fn unknown_executions_message(ids: &[String], listed: Option<usize>) -> String {
    let which = if ids.len() == 1 { "execution" } else { "executions" };
    let listings = match listed {
        Some(0) => "and the endpoint's listings name no execution".to_owned(),
        Some(n) => format!("and the endpoint's listings do not name it, though they name {n} other execution(s)"),
        None => "and the endpoint's listings of executions could not be read".to_owned(),
    };
    format!(
        "the endpoint does not know {which} {}: its first page says it does not exist, {listings}; check --execution-id, or leave it out and let discovery find the endpoint's own",
        ids.join(", ")
    )
}

/// The harness could not reach the endpoint at all.
#[derive(Debug, Clone, thiserror::Error)]
#[error("cannot reach the endpoint: {0}")]
pub struct Unreachable(#[from] pub TransportError);

/// The report of an endpoint that does not implement the operation: one finding, and every case
/// skipped.
fn not_implemented_report(plan: &RunPlan, probe: CaseResult, how: NotImplemented) -> RunReport {
    let mut results = vec![CaseResult { outcome: Outcome::Failed(vec![how.finding()]), ..probe }];
    results.extend(
        plan.cases.iter().map(|c| {
            CaseResult::skipped(c.name.clone(), c.check, c.origin.clone(), "the operation is not implemented")
        }),
    );
    RunReport { results, ..RunReport::default() }
}

/// Runs every operation the plan names against `client`. Errors only when the harness cannot do
/// its job: the endpoint cannot be reached at all, a snapshot file cannot be used, the generated
/// phase fails.
pub async fn run(client: &Client, plan: &RunPlan) -> Result<RunReport, RunError> {
    let wanted = |op: Operation| {
        plan.operations.contains(&op) || (plan.operations.is_empty() && op == Operation::ExecutionTasks)
    };
    let mut report =
        if wanted(Operation::ExecutionTasks) { run_execution_tasks(client, plan).await? } else { RunReport::default() };
    if wanted(Operation::Executions) && !plan.stop.is_set() {
        let generated = plan.generated.cases.min(executions::GENERATED_MAX);
        let ran = executions::run(client, plan.seed, generated, plan.check.strict_messages).await?;
        let first = report.results.len();
        report.results.extend(ran.results);
        crate::check::attribution::attribute_executions(&mut report.results[first..]);
        report.windows_known = ran.windows_with_executions;
        for (rule, alternatives) in ran.choices {
            report.choices.entry(rule).or_default().extend(alternatives);
        }
        report.interrupted = plan.stop.signal();
        report.traffic = Some(client.traffic());
    }
    Ok(report)
}

/// The first operation, `DescribeMaintenanceWindowExecutionTasks`: the probe, discovery, the
/// cases, the relations, the generated requests and the always-on checks.
async fn run_execution_tasks(client: &Client, plan: &RunPlan) -> Result<RunReport, RunError> {
    let random_id = probe::random_unknown_id(plan.seed, &plan.execution_ids);
    let (probe_req, probe_resp) = in_unit("probe", probe::send_probe(client, &random_id)).await.map_err(Unreachable)?;
    let implemented = CaseResult::new(
        "operation-implemented",
        CheckId::OperationImplemented,
        Origin::Builtin,
        Outcome::of(Vec::new(), None),
    )
    .with_repro(Some(client.repro(&probe_req)))
    .with_exchange(Some(Exchange::capped(probe_req.clone(), Ok(probe_resp.clone()))));
    if let Some(how) = not_implemented(&probe_resp) {
        return Ok(not_implemented_report(plan, implemented, how));
    }
    // Only an endpoint that implements the operation is worth discovering ids on.
    let (discovered, notes) = if plan.discover { discovered_plan(client, plan).await } else { (None, Vec::new()) };
    let plan = discovered.as_ref().unwrap_or(plan);
    // A recording keeps the executions the run was told (or found) exist: a replay's facts.
    client.note_execution_ids(&plan.execution_ids);
    let mut observations = Observations::default();
    observations.record(&|r| client.repro(r), "probe", &probe_req, &Received::new(&probe_resp));
    if discovered.is_none() {
        given_ids_known(client, plan).await?;
    }
    let bindings = in_unit("probe", probe::bindings(client, &plan.execution_ids, random_id, &mut observations)).await;

    let mut report = RunReport { results: vec![implemented], notes, ..RunReport::default() };
    let total = plan.cases.len() + plan.execution_ids.len();
    run_cases_and_relations(client, plan, &bindings, total, &mut report, &mut observations).await?;
    // Generated requests last: judged in the order they were drawn, so that a seed replays them.
    let progress = plan.progress.clone().map(|p| (p, total));
    let generated_run = generated::run_generated(client, &bindings, &plan.generated, plan.check, progress, &plan.stop);
    if let Some(generated) = in_unit(GENERATED_UNIT, generated_run).await? {
        report.results.extend(generated.results);
        report.generated_requests = generated.requests;
        report.generated_elapsed = generated.elapsed;
        report.coverage = Some(generated.coverage);
        report.saved_failures = generated.saved;
    }
    report.interrupted = plan.stop.signal();
    report.choices = observations.choices.clone();
    report.results.extend(observations.into_results());
    report.results.extend(client.throttle_unit(&mut report.choices));
    report.traffic = Some(client.traffic());
    report.executions_known = Some(plan.execution_ids.len());
    crate::check::attribution::attribute_run(&mut report.results);
    Ok(report)
}

/// Fails the run when an execution id it was given is one the endpoint does not know and its
/// listings do not name: a wrong `--execution-id`. An id the endpoint lists but then says does
/// not exist is the endpoint contradicting itself: the run goes on, and the checks find it.
async fn given_ids_known(client: &Client, plan: &RunPlan) -> Result<(), RunError> {
    let unknown = in_unit("probe", probe::unknown_ids(client, &plan.execution_ids)).await;
    if unknown.is_empty() {
        return Ok(());
    }
    let listed = in_unit("discovery", discover::listed(client, &plan.stop)).await.ok();
    let ids: Vec<String> = unknown.into_iter().filter(|id| !listed.as_ref().is_some_and(|l| l.contains(id))).collect();
    if ids.is_empty() {
        return Ok(());
    }
    let others = listed.map(|l| l.iter().filter(|id| !ids.contains(id)).count());
    Err(RunError::UnknownExecutions { ids, listed: others })
}

/// `plan` with the execution ids discovery found, and the note that says what it found (or why
/// nothing; then the checks that need an execution are skipped).
async fn discovered_plan(client: &Client, plan: &RunPlan) -> (Option<RunPlan>, Vec<String>) {
    match in_unit("discovery", discover::discover(client, &plan.stop)).await {
        Ok(found) => {
            let note = discover::describe(&found);
            let execution_ids = found.into_iter().map(|e| e.id).collect();
            (Some(RunPlan { execution_ids, ..plan.clone() }), vec![note])
        }
        Err(gap) => (
            None,
            vec![format!(
                "discovery found no execution ids ({gap}); the checks that need one are skipped: give --execution-id"
            )],
        ),
    }
}

/// The cases and the relations, `plan.concurrency` at a time; their results in a stable order.
async fn run_cases_and_relations(
    client: &Client,
    plan: &RunPlan,
    bindings: &Bindings,
    total: usize,
    report: &mut RunReport,
    observations: &mut Observations,
) -> Result<(), RunError> {
    let concurrency = plan.concurrency.max(1);
    let done = std::sync::atomic::AtomicUsize::new(0);
    let tick = || {
        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        if let Some(p) = &plan.progress {
            (p.0)(n, total);
        }
    };
    let case_runs: Vec<_> = stream::iter(plan.cases.iter())
        .map(|c| async {
            let r = if plan.stop.is_set() {
                Ok(cases::not_run(c))
            } else {
                in_unit(c.name.clone(), cases::run_case(client, c, bindings, plan.check, plan.snapshots.as_ref())).await
            };
            tick();
            r
        })
        .buffered(concurrency)
        .collect()
        .await;
    let relation_runs: Vec<_> = stream::iter(plan.execution_ids.iter().cloned())
        .map(|e| async {
            let unit = format!("relations {e}");
            let r = in_unit(unit, relations::relations(client, e, &plan.stop)).await;
            tick();
            r
        })
        .buffered(concurrency)
        .collect()
        .await;
    for run in case_runs {
        let run = run?;
        observations.merge(run.observations);
        report.results.push(run.result);
        report.pending_snapshots.extend(run.pending);
    }
    for r in relation_runs {
        observations.merge(r.observations);
        report.results.extend(r.results);
        report.walks.extend(r.walks);
    }
    // A relation no execution gave a unit to compared nothing: one skipped unit says why.
    for check in relations::checks() {
        if !report.results.iter().any(|r| r.check == check) {
            let why = if plan.execution_ids.is_empty() {
                "needs a known execution (give --execution-id)"
            } else {
                varied::NOT_APPLICABLE
            };
            report.results.push(CaseResult::skipped(check.name(), check, Origin::Builtin, why));
        }
    }
    Ok(())
}
