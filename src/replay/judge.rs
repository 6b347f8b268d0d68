//! What a replayed answer says, against the contract and against the recorded answer. Pure.
//!
//! The recording is the oracle's knowledge of the world: the executions the recorded endpoint
//! answered 200 for exist, the others do not; a token is real when this endpoint issued it in the
//! replay. Each answer goes through the always-on checks and the oracle with that world (a MUST
//! broken is a finding). Where the oracle accepts several answers (contract EITHER) and this
//! endpoint chose another than the recording, the difference is shown beside the recording's
//! choice, never a finding. A walk is compared as a whole: with the recording's executions
//! (the same data), the same items must come back — in any stable order (EITHER), so a different
//! order is information and a missing or extra item a finding.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::check::pagination::{check_walks, PaginationWalk, WalkEnd};
use crate::check::{self, precondition, CheckId, CheckOptions};
use crate::finding::Finding;
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
pub(super) fn judge_exchange(
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
        UnitKind::Case(own) => judged_as_case(own, req, &received, &verdict, opts),
        _ => {
            let (mut findings, blocked) = check::judge_expectation(&case, req.json_body().as_ref(), &received, opts);
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

/// A built-in case judged as the run judges it (`runner::cases`): by its own expectation, its
/// findings moved to the rule the answer broke first when that is not the case's own (the oracle,
/// with the replay's world, says which).
fn judged_as_case(
    case: &Case,
    req: &WireRequest,
    received: &Received,
    verdict: &oracle::Verdict,
    opts: CheckOptions,
) -> Vec<Finding> {
    let (findings, _) = check::expectation::check_case(case, req.json_body().as_ref(), received, opts);
    // The oracle reads bodies only: it says what rule a request tests unless the case changes
    // its headers.
    let oracle = case.request.headers.is_empty().then_some(verdict);
    match precondition::blocked_by(case, received, oracle).filter(|_| !findings.is_empty()) {
        Some(root) => check::attribute(case, findings, root),
        None => findings,
    }
}

fn accepts_several(status: &Option<StatusExpectation>) -> bool {
    !matches!(status, Some(StatusExpectation::AnyOf(codes)) if codes.len() <= 1)
}

/// A walk as both endpoints gave it: each page's item keys and how it ended.
pub(super) struct WalkPair<'a> {
    pub(super) label: String,
    /// Filtered: a difference is a `filter-status` finding, else `pagination-walk`.
    pub(super) filtered: bool,
    pub(super) recorded: &'a [Vec<String>],
    /// Whether the recording followed the walk to its end.
    pub(super) recorded_complete: bool,
    pub(super) replayed: &'a PaginationWalk,
    /// Tasks the recording shows in a status not yet final: they may have moved on since
    /// (contract §8), so a filtered walk's items are compared without them.
    pub(super) live: &'a BTreeSet<String>,
}

/// A walk on its own (the pagination checks), and against the recorded walk when the data is
/// the same: the same items (a prefix of them when the recording stopped early).
pub(super) fn judge_walk(pair: &WalkPair<'_>, same_data: bool) -> (Vec<Finding>, Option<String>) {
    let mut findings = check_walks(std::slice::from_ref(pair.replayed), None);
    if !same_data || pair.replayed.end != WalkEnd::Complete {
        return (findings, None);
    }
    let settled = |k: &&String| !(pair.filtered && pair.live.contains(*k));
    let was: Vec<&String> = pair.recorded.iter().flatten().filter(settled).collect();
    let is: Vec<&String> = pair.replayed.pages.iter().flatten().filter(settled).collect();
    let check = if pair.filtered { CheckId::FilterStatus } else { CheckId::PaginationWalk };
    let (was_set, is_set): (BTreeSet<&String>, BTreeSet<&String>) =
        (was.iter().copied().collect(), is.iter().copied().collect());
    let compared: BTreeSet<&String> =
        if pair.recorded_complete { is_set.clone() } else { is_set.intersection(&was_set).copied().collect() };
    let missing = was_set.difference(&is_set).count();
    let extra = if pair.recorded_complete { is_set.difference(&was_set).count() } else { 0 };
    if missing + extra > 0 {
        findings.push(Finding::new(
            check,
            "the items the recorded endpoint listed for the same request",
            format!(
                "{}: {} items recorded, {} now ({missing} missing, {extra} extra)",
                pair.label,
                was.len(),
                is.len()
            ),
        ));
        return (findings, None);
    }
    let order =
        |items: &[&String]| items.iter().filter(|i| compared.contains(**i)).map(|i| (*i).clone()).collect::<Vec<_>>();
    let note = (order(&was) != order(&is)).then(|| {
        format!("{}: the same items in another order than the recording (any stable order is accepted)", pair.label)
    });
    (findings, note)
}

/// The execution ids the recording's answers show to exist — those a request got a 200 for, in
/// the order first seen — and whether that is certain. Where the recorded endpoint also found an
/// id in another letter case (an EITHER), only the spelling it answered most often is known (the
/// others are that id in another case, which another endpoint may refuse). A 200 is proof of
/// existence when it listed an item, or when the recorded endpoint answered
/// `DoesNotExistException` to some request (it tells unknown ids apart); an endpoint that never
/// did may answer every id with an empty page, so its empty answers prove nothing. The ids the
/// recorded run was given (`given`) are known and certain, as the run held them.
pub(super) fn known_ids(exchanges: &[&Recorded], given: &[String]) -> Vec<(String, bool)> {
    // Spelling → (times answered 200, first seen, listed an item).
    let mut seen: std::collections::HashMap<String, (usize, usize, bool)> = std::collections::HashMap::new();
    let mut tells_unknown_apart = false;
    for e in exchanges {
        let Ok(resp) = &e.response else { continue };
        let received = Received::new(resp);
        if resp.status == 200 {
            let id = e
                .request
                .json_body()
                .and_then(|b| b.get("WindowExecutionId").and_then(Value::as_str).map(str::to_owned));
            let listed = received.page().is_ok_and(|p| !p.items.is_empty());
            if let Some(id) = id {
                let order = seen.len();
                let entry = seen.entry(id).or_insert((0, order, false));
                entry.0 += 1;
                entry.2 |= listed;
            }
        } else if received.error_shape().resolved_type.as_deref() == Some(crate::contract::error_type::DOES_NOT_EXIST) {
            tells_unknown_apart = true;
        }
    }
    let mut by_order: Vec<(String, (usize, usize, bool))> = seen.into_iter().collect();
    by_order.sort_by_key(|(_, (_, order, _))| *order);
    let mut known: Vec<(String, usize, bool)> = Vec::new();
    for (id, (count, _, listed)) in by_order {
        match known.iter_mut().find(|(k, _, _)| k.eq_ignore_ascii_case(&id)) {
            Some(kept) if count > kept.1 => *kept = (id, count, listed),
            Some(_) => {}
            None => known.push((id, count, listed)),
        }
    }
    let mut known: Vec<(String, bool)> =
        known.into_iter().map(|(id, _, listed)| (id, listed || tells_unknown_apart)).collect();
    // The executions the recorded run was given (or found): facts, as the run held them.
    for id in given {
        match known.iter_mut().find(|(k, _)| k == id) {
            Some(k) => k.1 = true,
            None => known.push((id.clone(), true)),
        }
    }
    known
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exchange(id: &str, status: u16) -> Recorded {
        let request = WireRequest::json(&serde_json::json!({ "WindowExecutionId": id }));
        let response = Ok(WireResponse { status, headers: Vec::new(), body: b"{}".to_vec() });
        Recorded { at: String::new(), request, response, note: None }
    }

    #[test]
    fn an_id_also_found_in_another_case_is_known_in_its_usual_spelling_only() {
        let lower = "940b2a70-66ec-f308-8348-5d31997be99e";
        let upper = lower.to_ascii_uppercase();
        let unknown = "00000000-0000-0000-0000-000000000000";
        // The other case answered first, the usual spelling more often; an id refused is unknown.
        let recorded = [exchange(&upper, 200), exchange(lower, 200), exchange(lower, 200), exchange(unknown, 400)];
        let refs: Vec<&Recorded> = recorded.iter().collect();
        // The recorded endpoint answered DoesNotExistException to the unknown id: its empty pages
        // prove existence.
        let refused = |id: &str| Recorded {
            response: Ok(WireResponse {
                status: 400,
                headers: Vec::new(),
                body: br#"{"__type":"DoesNotExistException","message":"no"}"#.to_vec(),
            }),
            ..exchange(id, 400)
        };
        let mut with_refusal = recorded.to_vec();
        with_refusal[3] = refused(unknown);
        let refs_refusal: Vec<&Recorded> = with_refusal.iter().collect();
        assert_eq!(known_ids(&refs_refusal, &[]), vec![(lower.to_owned(), true)]);
        // Without a refusal, an empty page proves nothing.
        assert_eq!(known_ids(&refs, &[]), vec![(lower.to_owned(), false)]);
        // Unless the recorded run was given it.
        assert_eq!(known_ids(&refs, &[lower.to_owned()]), vec![(lower.to_owned(), true)]);
    }
}
