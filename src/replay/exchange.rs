//! One replayed exchange: sent, judged against the contract with the recording's world (and every
//! other world it leaves possible), and compared with the recorded answer ([`judge_replayed`],
//! pure).
//!
//! The recording is the oracle's knowledge of the world: the executions the recorded endpoint
//! answered 200 for exist, the others do not; a token is real when this endpoint issued it in the
//! replay. Each answer goes through the always-on checks and the oracle with that world (a MUST
//! broken is a finding). Where the oracle accepts several answers (contract EITHER) and this
//! endpoint chose another than the recording, the difference is shown beside the recording's
//! choice, never a finding. A walk is compared as a whole: with the recording's executions
//! (the same data), the same items must come back — in any stable order (EITHER), so a different
//! order is information and a missing or extra item a finding.

use serde_json::Value;

use super::recording::{execution_id, max_results, next_token};
use super::{Replay, UnitVerdict};
use crate::check::pagination::{bounded, Listing, PaginationWalk, WalkEnd, WalkProgress};
use crate::check::{self, CheckId, CheckOptions};
use crate::contract::input;
use crate::finding::Exchange;
use crate::finding::Finding;
use crate::oracle::worlds::{self, Doubt};
use crate::oracle::{self, World};
use crate::request::WireRequest;
use crate::response::{Received, WireResponse};
use crate::source::{Case, StatusExpectation};
use crate::transport::record::Recorded;

/// The answer's status and resolved error type, as the report names them.
pub(super) fn answer_label(resp: &Result<WireResponse, String>) -> String {
    match resp {
        Ok(r) => response_label(r),
        Err(why) => format!("no answer ({})", crate::response::excerpt(why, 80)),
    }
}

/// A response's status and resolved error type.
pub(super) fn response_label(r: &WireResponse) -> String {
    match Received::new(r).error_shape().resolved_type.clone() {
        Some(t) if r.status >= 300 => format!("{} {t}", r.status),
        _ => r.status.to_string(),
    }
}

/// What a recorded unit is in the run: how the findings of its exchanges are named, as the run
/// names them.
#[derive(Debug, Clone, Default)]
pub(super) enum UnitKind {
    /// A built-in case: judged by its own expectation, as the run judges it (when the data is
    /// not the recording's, without what depends on the data: `items_min`).
    Case(Box<Case>),
    /// A relation, by its check: an answer at a status the oracle refuses is where the relation's
    /// walk broke (its finding); a body rule broken at an accepted status stays under that rule's
    /// check, as the run's always-on checks name it.
    Relation(CheckId),
    /// The probe, discovery, the generated phase: each finding under its rule's check.
    #[default]
    Other,
}

impl UnitKind {
    /// The check the unit reports under in the run, when it has one.
    pub(super) fn check(&self) -> Option<CheckId> {
        match self {
            UnitKind::Case(case) => Some(case.check),
            UnitKind::Relation(check) => Some(*check),
            UnitKind::Other => None,
        }
    }
}

/// One replayed exchange judged: the oracle's findings (named as the run names its unit's, see
/// [`UnitKind`]), and a note when this endpoint chose another accepted answer than the recording
/// (`recorded`: the recorded answer to the same request, when there is one to compare with).
pub(super) fn judge_replayed(
    req: &WireRequest,
    recorded: Option<&Result<WireResponse, String>>,
    replayed: &WireResponse,
    world: &World,
    opts: CheckOptions,
    unit: &UnitKind,
) -> (CheckId, Vec<Finding>, Option<String>) {
    let verdict = oracle::expect(&req.body, world);
    let case = oracle::oracle_case("replayed", &req.body, verdict.clone());
    let received = Received::new(replayed);
    let findings = match unit {
        // A built-in case is judged as the run judges it, with the replay's world.
        UnitKind::Case(own) => {
            check::judge_case(own, req.json_body().as_ref(), &received, Some(&verdict), opts).findings
        }
        _ => {
            let judged = check::judge_case(&case, req.json_body().as_ref(), &received, None, opts);
            let (mut findings, blocked) = (judged.findings, judged.blocked_by);
            let status_accepted = case.expect.status.as_ref().is_none_or(|s| s.accepts(replayed.status));
            // Unless the answer broke another rule first (then that rule's check, as in the run).
            if let (UnitKind::Relation(own), None, false) = (unit, blocked, status_accepted) {
                findings.iter_mut().for_each(|f| f.check = *own);
            }
            findings
        }
    };
    let was = recorded.map(answer_label);
    let is = response_label(replayed);
    let note = was
        .filter(|was| findings.is_empty() && *was != is && accepts_several(&case.expect.status))
        .map(|was| format!("the recording answered {was}, this endpoint {is} (the contract accepts either)"));
    (case.check, findings, note)
}

fn accepts_several(status: &Option<StatusExpectation>) -> bool {
    !matches!(status, Some(StatusExpectation::AnyOf(codes)) if codes.len() <= 1)
}

impl Replay<'_> {
    /// Judged with the world the recording shows, and in every other world it leaves possible: a
    /// token the recorded endpoint issued that the replay could not map may still be real here,
    /// and an execution the recording does not prove to exist may not; a finding needs every
    /// world to fail. A relation does not claim what such a request finds: this endpoint never
    /// issued that token, so the request tests its tokens, not the relation.
    pub(super) fn judged_in_possible_worlds(
        &self,
        req: &WireRequest,
        recorded: Option<&Result<WireResponse, String>>,
        resp: &WireResponse,
        token: Option<(String, String)>,
        unit: &UnitKind,
    ) -> (CheckId, Vec<Finding>, Option<String>) {
        let body = req.json_body();
        let carried = body.as_ref().and_then(|b| b.get(input::NEXT_TOKEN)).and_then(Value::as_str).map(bounded);
        let unmapped = token.is_none() && carried.as_ref().is_some_and(|t| !t.is_empty());
        let unit = if unmapped && matches!(unit, UnitKind::Relation(_)) { &UnitKind::Other } else { unit };
        let believed = self.world(token.clone());
        let id = execution_id(req);
        let mut doubts = Vec::new();
        if token.is_none() && carried.is_some_and(|t| self.recorded_issued.contains(&t)) {
            let raw = body.as_ref().and_then(|b| b.get(input::NEXT_TOKEN)).and_then(Value::as_str).unwrap_or_default();
            let (page_size, filters) = self.token_sizes.get(&bounded(raw)).cloned().unwrap_or((None, None));
            doubts.push(Doubt::TokenReal { token: raw.to_owned(), execution: id.clone(), page_size, filters });
        }
        if !self.trusted && !believed.known.contains(&id) && crate::contract::matches_id_pattern(&id) {
            doubts.push(Doubt::Exists(id.clone()));
        }
        if self.uncertain.contains(&id) {
            doubts.push(Doubt::Gone(id));
        }
        let judge = |world: &World| judge_replayed(req, recorded, resp, world, self.opts, unit);
        let held = |judged: &(CheckId, Vec<Finding>, Option<String>)| judged.1.is_empty();
        worlds::first_holding(&worlds::possible_worlds(&believed, &doubts), judge, held)
            .unwrap_or_else(|| judge(&believed))
    }

    /// Another operation (or another target): not the oracle's. A built-in case's answer is
    /// judged by that case's own expectation, as the run judges it; any other answer is outside
    /// the contract (discovery's operations), so a difference from the recording is a note.
    fn other_operation(
        &mut self,
        unit: &str,
        req: &WireRequest,
        recorded: &Result<WireResponse, String>,
        resp: &WireResponse,
        verdict: &mut UnitVerdict,
    ) {
        if let Some(case) = self.cases.get(unit) {
            let received = Received::new(resp);
            let findings =
                crate::check::judge_case(case, req.json_body().as_ref(), &received, None, self.opts).findings;
            if !findings.is_empty() {
                verdict.findings.extend(findings);
                return;
            }
        }
        let (was, is) = (answer_label(recorded), response_label(resp));
        if was != is {
            self.informational += 1;
            verdict.notes.push(format!("the recording answered {was}, this endpoint {is}"));
        }
    }

    /// One recorded request sent again and judged.
    pub(super) async fn single(&mut self, unit: &str, recorded: &Recorded, verdict: &mut UnitVerdict) {
        let (req, token) = self.rewrite(&recorded.request);
        verdict.repro.get_or_insert_with(|| self.client.repro(&req));
        let answer = self.client.send(&req).await;
        let resp = match answer {
            Ok(r) => r,
            Err(e) if e.is_throttled() => {
                verdict.throttled.get_or_insert_with(|| e.to_string());
                return;
            }
            Err(e) => {
                let check = verdict.check.unwrap_or(CheckId::ResponseBody);
                verdict.findings.push(Finding::new(check, "an HTTP answer", e.to_string()));
                return;
            }
        };
        let target = req.header(crate::contract::TARGET_HEADER).unwrap_or_default();
        if !target.eq_ignore_ascii_case(crate::contract::TARGET) {
            self.other_operation(unit, &req, &recorded.response, &resp, verdict);
            verdict.exchange.get_or_insert_with(|| Exchange::capped(req, Ok(resp)));
            return;
        }
        self.observations.record(&|r| self.client.repro(r), unit, &req, &Received::new(&resp));
        if let Some(how) = crate::check::implemented::not_implemented(&resp) {
            verdict.findings.push(how.finding());
            verdict.exchange.get_or_insert_with(|| Exchange::capped(req, Ok(resp)));
            return;
        }
        let (check, findings, note) =
            self.judged_in_possible_worlds(&req, Some(&recorded.response), &resp, token, &verdict.kind);
        verdict.check.get_or_insert(check);
        verdict.findings.extend(findings);
        if let Some(n) = note {
            self.informational += 1;
            verdict.notes.push(n);
        }
        let offers_walk = resp.status == 200
            && crate::response::next_token_of(&resp).is_some_and(|t| !t.is_empty())
            && next_token(&recorded.response).is_none();
        // A page that ends its listing on both sides is a walk of one page: its items are
        // compared with the recorded page's.
        let recorded_page = recorded.response.as_ref().is_ok_and(|r| r.status == 200);
        if recorded_page && resp.status == 200 && !offers_walk {
            let mut progress = WalkProgress::default();
            if matches!(progress.take(&Received::new(&resp)), Ok(None)) {
                let walked = PaginationWalk {
                    page_size: max_results(&req),
                    varied: Some(format!("replayed page of {}", execution_id(&req))),
                    pages: progress.pages,
                    end: WalkEnd::Complete,
                    listing: Listing::of_request(&req),
                };
                self.compare_walk(&[recorded], &req, walked, verdict);
            }
        }
        verdict.exchange.get_or_insert_with(|| Exchange::capped(req, Ok(resp)));
        // This endpoint offers pages where the recording had none (it found what the recording
        // did not: an EITHER choice): the walk is followed and checked on its own.
        if offers_walk {
            self.walk(unit, &[recorded], verdict, true).await;
        }
    }
}
