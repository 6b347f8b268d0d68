//! The declarative cases: each case's request is built from its template, sent, recorded for the
//! always-on checks, judged against its own expectation, and compared with its snapshot.

use super::snapshots::{self, SnapshotError, SnapshotPlan};
use crate::check::Observations;
use crate::check::{self, CheckOptions};
use crate::finding::{CaseResult, Exchange, Finding, Outcome};
use crate::oracle::{self, World};
use crate::request::{self, Bindings};
use crate::response::Received;
use crate::source::Case;
use crate::transport::Client;

/// One case's result, what the always-on checks saw of it, and the pending snapshot it wrote.
pub struct CaseRun {
    /// The case's unit.
    pub result: CaseResult,
    /// Its exchange, for the always-on checks.
    pub observations: Observations,
    /// The `.snap.new` written in update mode.
    pub pending: Option<std::path::PathBuf>,
}

/// A case the run did not get to (it was interrupted).
pub fn not_run(case: &Case) -> CaseRun {
    let result = CaseResult::skipped(case.name.clone(), case.check, case.origin.clone(), crate::exit::UNIT_INTERRUPTED);
    CaseRun { result, observations: Observations::default(), pending: None }
}

/// Runs one case against `client`.
pub async fn run_case(
    client: &Client,
    case: &Case,
    bindings: &Bindings,
    opts: CheckOptions,
    snapshot_plan: Option<&SnapshotPlan>,
) -> Result<CaseRun, SnapshotError> {
    let mut observations = Observations::default();
    let unit = |outcome| CaseResult::new(case.name.clone(), case.check, case.origin.clone(), outcome);
    let req = match request::build(case, bindings) {
        Ok(r) => r,
        Err(why) => return Ok(CaseRun { result: unit(Outcome::Skipped(why.0)), observations, pending: None }),
    };
    let repro = Some(client.repro(&req));
    let mut pending = None;
    let (outcome, response) = match client.send(&req).await {
        Err(e) if e.is_throttled() => {
            (Outcome::Skipped(format!("{}{e}", crate::finding::NOT_EVALUATED)), Err(e.to_string()))
        }
        Err(e) => {
            (Outcome::Failed(vec![Finding::new(case.check, "an HTTP answer", e.to_string())]), Err(e.to_string()))
        }
        Ok(resp) => {
            let received = Received::new(&resp);
            observations.record(&|r| client.repro(r), &case.name, &req, &received);
            // The oracle reads bodies only: it says what rule a request tests unless the case
            // changes its headers.
            let verdict = case.request.headers.is_empty().then(|| oracle::expect(&req.body, &World::of(bindings)));
            let judged = check::judge_case(case, req.json_body().as_ref(), &received, verdict.as_ref(), opts);
            let (mut findings, root, chose) = (judged.findings, judged.blocked_by, judged.chose);
            if let (Some(rule), Some(alternative)) = (case.expect.either, &chose) {
                observations.chose(rule, alternative.to_string());
            }
            if let (Some(name), Some(plan)) = (&case.snapshot, snapshot_plan) {
                let compared = snapshots::compare(case, name, plan, bindings, &req, &resp)?;
                findings.extend(compared.finding);
                pending = compared.pending;
            }
            let outcome = match root {
                Some(_) => Outcome::Blocked(findings),
                None => Outcome::of(findings, None).with_choice(chose),
            };
            (outcome, Ok(resp))
        }
    };
    let result = unit(outcome).with_repro(repro).with_exchange(Some(Exchange::capped(req, response)));
    Ok(CaseRun { result, observations, pending })
}
