//! Attribution across a run: a unit's own check cannot be evaluated when the answer it looked at
//! broke a rule the whole run shows broken. [`precondition`](super::precondition) decides that
//! from one answer; some causes need the rest of the run. Two passes, the first cause first:
//!
//! 1. **An answer whose shape is broken.** A unit's own answer breaks a shape rule that the
//!    always-on checks hold every answer to (items not a list, a status outside the enum, a
//!    client error at 500): its own check is blocked by that rule; where the rule it breaks is
//!    its own check, every finding it made is that rule's. An invalid request answered with an
//!    error type the oracle does not accept for it (a `DoesNotExistException` where a
//!    `ValidationException` is due) is `error-type`'s — for an id the run saw answered, since
//!    for an unknown one an endpoint that never validated answers the same. A relation or walk,
//!    which compares many answers, is blocked by any shape rule the run's answers break.
//! 2. **A rule the request touches, broken on its own elsewhere.** Every request touches some
//!    rules besides its unit's own check (the oracle's [`rules_touched`]: how it is read, the
//!    input rules it breaks, a `null` or unknown member, an upper-case id, its filters, its
//!    token; an answered id in another letter case; a misnamed validation error; and, when a
//!    request with nothing invalid in it was refused, a bound it sends). A rule is broken
//!    *independently* when a unit of that very rule failed on a request that touches no other
//!    rule failing in the run (`MaxResults` 101 alone answered with items; a rule that relies on
//!    it does not count), or a relation of it failed. A unit whose request touches such a rule (an
//!    aggregation case that wants `maxResults` named beside the id) is blocked by it.
//!    Independence settles the ambiguous requests: `{"WindowExecutionId": null}` touches both
//!    `id-required` and `null-member`; the one broken where the other is not in play is the
//!    cause. A relation is blocked the same way by a rule its variation relies on (an upper-case
//!    id refused, under the id-case relations) or by the broken plain walk of its execution.
//!
//! A blocked unit still fails the run: attribution moves a finding to the rule that explains it
//! and never hides one (the rule's own unit fails on its own). What it cannot tell apart stays
//! as it was: the requests that break `id-length` also break `id-pattern` (no id of another
//! length matches the pattern), so an endpoint that breaks both is two deviations.
//!
//! The second operation's units are attributed among themselves ([`attribute_executions`]).
//!
//! [`rules_touched`]: crate::oracle::rules_touched

use crate::check_id::CheckId;
use crate::contract;
use crate::finding::{CaseResult, Exchange, Finding, Outcome};
use crate::response::Received;
use crate::source::Origin;

/// The always-on shape rules that block a case whose own answer breaks them, in the order they
/// are looked for. Only rules that make the answer unreadable for what a case compares: not the
/// lower-severity ones (content types, the request id), not timestamps, not the page size (an
/// oversized page says nothing of the statuses or errors a case looks at; its item count is
/// reported under `page-size` by the case itself).
const SHAPE_RULES: [CheckId; 7] = [
    CheckId::ResponseBody,
    CheckId::ErrorType,
    CheckId::ErrorStatus,
    CheckId::ErrorMessage,
    CheckId::ItemMembers,
    CheckId::ItemTypes,
    CheckId::ItemExecution,
];

/// The shape rules whose failure anywhere in the run blocks a relation: those that break the
/// items it compares, or the client errors it accepts as the other alternative. A walk and the
/// page-size switches also count page sizes.
fn relation_shape_rules(relation: CheckId) -> &'static [CheckId] {
    use CheckId::*;
    const ITEMS: &[CheckId] = &[ResponseBody, ErrorType, ErrorStatus, ItemMembers, ItemTypes, ItemExecution];
    const ITEMS_AND_SIZES: &[CheckId] =
        &[ResponseBody, ErrorType, ErrorStatus, ItemMembers, ItemTypes, ItemExecution, PageSize];
    match relation {
        CheckId::PaginationWalk | CheckId::PageSizeSwitch => ITEMS_AND_SIZES,
        _ => ITEMS,
    }
}

/// The relations: units that compare walks rather than judge one answer.
const RELATIONS: [CheckId; 6] = [
    CheckId::FilterStatus,
    CheckId::PageSizeSwitch,
    CheckId::TokenCrossUse,
    CheckId::IdCaseRelations,
    CheckId::MemberEncodings,
    CheckId::MaxResultsEncodings,
];

/// Rules a relation relies on besides its walk: broken independently, they block it.
const RELIES_ON: [(CheckId, &[CheckId]); 5] = [
    // The walks page with `MaxResults` 10 and 100, the bounds themselves.
    (CheckId::PaginationWalk, &[CheckId::MaxResultsMin, CheckId::MaxResultsMax]),
    (CheckId::IdCaseRelations, &[CheckId::IdHexCase, CheckId::UnknownExecution]),
    (CheckId::MemberEncodings, &[CheckId::NullMember, CheckId::UnknownMember, CheckId::FiltersCount]),
    (CheckId::MaxResultsEncodings, &[CheckId::WrongJsonType]),
    (CheckId::FilterStatus, &[CheckId::FiltersCount]),
];

/// Relations every walk of which sends what a rule governs (each walk of the id-case relation
/// sends a known id in another letter case): where that rule's own cases fail, the relation's
/// failure is no evidence of its own. (The other rules of [`RELIES_ON`] govern one walk of a
/// relation among many, so the rest of its walks still speak for it.)
const UNDERMINED_BY: [(CheckId, CheckId); 1] = [(CheckId::IdCaseRelations, CheckId::IdHexCase)];

/// The rules `relation` relies on besides its walk ([`RELIES_ON`]).
fn relies_on(relation: CheckId) -> &'static [CheckId] {
    RELIES_ON.iter().find(|(r, _)| *r == relation).map_or(&[], |(_, on)| on)
}

/// Re-attributes the failed units of a run whose own check another rule kept from being
/// evaluated (see the module's doc): they become blocked, their findings under that rule. Two
/// passes: broken shapes first (they explain everything built on the answers), then what is
/// left broken independently.
pub fn attribute_run(results: &mut [CaseResult]) {
    // The always-on units, named by their check, that failed.
    let always_on =
        |r: &CaseResult, rule: CheckId| r.check == rule && r.name == rule.name() && r.origin == Origin::Builtin;
    let shape: Vec<CheckId> = SHAPE_RULES
        .into_iter()
        .chain([CheckId::PageSize])
        .filter(|rule| results.iter().any(|r| always_on(r, *rule) && r.outcome.fails()))
        .collect();
    let listed = listed_ids(results);
    // Whether an answer named a validation error wrongly where nothing else explains it.
    let mut misnamed = false;
    for r in results.iter_mut().filter(|r| attributable(r)) {
        let own_shape = !relation_walks(r) && r.exchange.as_ref().is_some_and(|e| breaks_own_shape(r.check, e));
        if own_shape {
            own_every_finding(r);
            continue;
        }
        let (root, misnamed_as) = broken_shape_of(r, &shape, &listed);
        misnamed |= misnamed_as.is_some() && r.check != CheckId::ErrorType;
        // A unit the case's own precondition blocked under a semantic rule (the items' statuses
        // a filter wants) is re-rooted to the broken shape that explains it.
        let re_root = matches!(&r.outcome, Outcome::Blocked(f) if f.iter().all(|f| !SHAPE_RULES.contains(&f.check)));
        let own = r.check;
        if let Some(root) = root.filter(|root| *root != own && (matches!(r.outcome, Outcome::Failed(_)) || re_root)) {
            block(r, root);
        }
        if misnamed_as.as_deref() == Some(contract::error_type::DOES_NOT_EXIST) {
            recognise(r, CheckId::ErrorType, "validation-as-does-not-exist");
        }
    }
    let witnessed = if misnamed { vec![CheckId::ErrorType] } else { Vec::new() };
    let independently = independently_broken(results, &witnessed, &listed);
    // Each broken plain walk, and the rule that broke it (itself, or what blocked it).
    let walks: Vec<(String, CheckId)> = results
        .iter()
        .filter(|r| r.check == CheckId::PaginationWalk && r.outcome.fails())
        .map(|r| (r.name.clone(), r.outcome.findings().first().map_or(CheckId::PaginationWalk, |f| f.check)))
        .collect();
    for r in results.iter_mut().filter(|r| attributable(r) && matches!(r.outcome, Outcome::Failed(_))) {
        let root = match &r.exchange {
            _ if relation_walks(r) => blocking_rule_of_relation(r, &independently, &walks),
            Some(e) => touched(e, &listed).into_iter().find(|rule| *rule != r.check && independently.contains(rule)),
            None => None,
        };
        if let Some(root) = root {
            block(r, root);
        }
    }
}

/// Whether a unit may be re-attributed (and, judged on one exchange of a case file, be evidence
/// for other units): a case, a relation, or one shrunk generated failure (one request); not the
/// phase's own unit or a replay's (many requests), not a throttle, not the implemented probe.
fn attributable(r: &CaseResult) -> bool {
    let alone = [CheckId::GeneratedRequests, CheckId::ThrottleShape, CheckId::OperationImplemented].contains(&r.check);
    // The second operation's units answer to its own rules ([`attribute_executions`]): the first
    // operation's shape rules say nothing of its answers.
    let second = r.check.family() == crate::check_id::CheckFamily::Executions;
    !alone && !second && r.outcome.fails()
}

/// The second operation's units (contract §9), attributed among themselves: its walks and time
/// filters compare executions by their ids and times, so when the run's answers were unreadable
/// for that — a page not an object, the list not a list, an execution not an object, or its
/// `WindowExecutionId`, `StartTime` or `EndTime` absent, of the wrong type or out of order — the
/// failed `executions-pagination` and `executions-filter-time` units are blocked by
/// `executions-response-shape`, which fails on its own.
pub fn attribute_executions(results: &mut [CaseResult]) {
    let unreadable = |f: &Finding| {
        f.check == CheckId::ExecutionsResponseShape
            && (f.expected.contains("a JSON object {")
                || f.expected.contains("`WindowExecutions` a list")
                || f.expected.contains("each execution a JSON object")
                || [".WindowExecutionId", ".StartTime", ".EndTime", ": EndTime "].iter().any(|m| f.actual.contains(m)))
    };
    let shape_broken = results
        .iter()
        .any(|r| r.check == CheckId::ExecutionsResponseShape && r.outcome.findings().iter().any(unreadable));
    if !shape_broken {
        return;
    }
    let compares = [CheckId::ExecutionsPagination, CheckId::ExecutionsFilterTime];
    for r in results.iter_mut().filter(|r| compares.contains(&r.check) && matches!(r.outcome, Outcome::Failed(_))) {
        block(r, CheckId::ExecutionsResponseShape);
    }
}

/// Whether a unit is a built-in unit that walks pages: a walk or relation, named `<check>
/// <execution>` (by the runner; a replay prefixes `replay `). A replayed one carries one of its
/// exchanges, but is judged over all of them.
fn relation_walks(r: &CaseResult) -> bool {
    let walks = r.check == CheckId::PaginationWalk || RELATIONS.contains(&r.check);
    let name = r.name.strip_prefix("replay ").unwrap_or(&r.name);
    let named = name.strip_prefix(r.check.name()).is_some_and(|rest| rest.starts_with(' '));
    r.origin == Origin::Builtin && walks && named
}

/// The rules a case of the rule itself failed on with a request touching no other rule that
/// fails anywhere in the run, or a relation of the rule failed (a walk touches only what it
/// varies); and the rules `witnessed` broken by the answers themselves.
fn independently_broken(results: &[CaseResult], witnessed: &[CheckId], listed: &[String]) -> Vec<CheckId> {
    // Evidence is a case judged on its one exchange (a replayed case may have failed on the
    // pages of a walk it recorded, which its one exchange does not show; a generated failure is
    // one request drawn at random), or a relation.
    let evidence = |r: &&CaseResult| {
        let judged = relation_walks(r) || (matches!(r.origin, Origin::File { .. }) && r.exchange.is_some());
        matches!(r.outcome, Outcome::Failed(_)) && attributable(r) && judged
    };
    let mut failing: Vec<CheckId> = results.iter().filter(evidence).map(|r| r.check).collect();
    failing.extend(witnessed);
    let mut out = witnessed.to_vec();
    for r in results.iter().filter(evidence) {
        if !r.outcome.findings().iter().any(|f| f.check == r.check) || out.contains(&r.check) {
            continue;
        }
        let alone = match &r.exchange {
            // A relation touches only what it varies, and what every one of its walks sends.
            _ if relation_walks(r) => {
                UNDERMINED_BY.iter().all(|(relation, rule)| *relation != r.check || !failing.contains(rule))
            }
            // A rule that relies on this one (a relation built on it) cannot be what broke it.
            Some(e) => touched(e, listed)
                .iter()
                .all(|t| *t == r.check || !failing.contains(t) || relies_on(*t).contains(&r.check)),
            None => false,
        };
        if alone {
            out.push(r.check);
        }
    }
    out
}

/// The rules an exchange's request touches (none for another operation's): the oracle's, an id
/// the run saw answered (`listed`) in another letter case, a validation error answered with
/// another type, and — when a request with nothing invalid in it was refused — the bounds it
/// sends (an off-by-one refuses a bound).
fn touched(e: &Exchange, listed: &[String]) -> Vec<CheckId> {
    if !is_this_operation(e) {
        return Vec::new();
    }
    let mut out = crate::oracle::rules_touched(&e.request.body);
    // An execution the run saw answered, in upper case (ids are issued in lower case; the run
    // sees the upper-case spelling answered too where the endpoint answers unknown ids): the
    // id-case relation's.
    let other_case =
        |id: &String| *id != id.to_ascii_lowercase() && listed.iter().any(|l| l != id && l.eq_ignore_ascii_case(id));
    if request_id(e).is_some_and(|id| other_case(&id)) {
        out.push(CheckId::IdCaseRelations);
    }
    // A bound refused is the first suspect only where nothing else in the request is invalid.
    let refused = crate::oracle::rules_broken(&e.request.body).is_empty()
        && e.response.as_ref().is_ok_and(|r| {
            Received::new(r).error_shape().resolved_type.as_deref() == Some(contract::error_type::VALIDATION)
        });
    if refused {
        out.extend(
            crate::oracle::bounds_sent(&e.request.body).into_iter().filter(|b| !out.contains(b)).collect::<Vec<_>>(),
        );
    }
    if misnamed_validation(e).is_some() {
        out.push(CheckId::ErrorType);
    }
    out
}

/// The executions this run saw answered: the ids of this operation's requests answered 200.
fn listed_ids(results: &[CaseResult]) -> Vec<String> {
    let answered = |e: &&Exchange| is_this_operation(e) && e.response.as_ref().is_ok_and(|r| r.status == 200);
    let mut out: Vec<String> =
        results.iter().filter_map(|r| r.exchange.as_ref()).filter(answered).filter_map(request_id).collect();
    out.sort();
    out.dedup();
    out
}

/// The `WindowExecutionId` an exchange's request names.
fn request_id(e: &Exchange) -> Option<String> {
    e.request.json_body()?.get(contract::input::WINDOW_EXECUTION_ID)?.as_str().map(str::to_owned)
}

/// The error type a client error answered an invalid request with, when the oracle accepts no
/// such type for it (§2: `ValidationException`, or what an EITHER rule allows). The answer may
/// still be another rule's deviation: a `DoesNotExistException` for an unknown id is also what
/// an endpoint that never validated answers, which only a known id tells apart.
fn misnamed_validation(e: &Exchange) -> Option<String> {
    if !is_this_operation(e) || crate::oracle::rules_broken(&e.request.body).is_empty() {
        return None;
    }
    let resp = e.response.as_ref().ok()?;
    if !(400..500).contains(&resp.status) {
        return None;
    }
    let ty = Received::new(resp).error_shape().resolved_type.clone()?;
    if ty == contract::error_type::SERIALIZATION {
        // How a reader refuses a body (an empty one read otherwise than as `{}`): that is the
        // reading rules' deviation, not a validation error misnamed.
        return None;
    }
    let verdict = crate::oracle::expect(&e.request.body, &crate::oracle::World::default());
    match verdict.expect.error {
        Some(crate::source::ErrorExpectation::AnyOf(accepted)) if !accepted.contains(&ty) => Some(ty),
        _ => None,
    }
}

fn is_this_operation(e: &Exchange) -> bool {
    e.request.header(contract::TARGET_HEADER) == Some(contract::TARGET)
}

/// The shape rule (other than `own`) that a case's own answer breaks, if any.
fn shape_rule_of_case(own: CheckId, e: &Exchange) -> Option<CheckId> {
    let resp = e.response.as_ref().ok()?;
    // A body the report cut short cannot be judged for its shape.
    if resp.body.len() > Exchange::BODY_LIMIT {
        return None;
    }
    let shape = super::always_on(e.request.json_body().as_ref(), &Received::new(resp));
    SHAPE_RULES.into_iter().find(|rule| *rule != own && shape.iter().any(|f| f.check == *rule))
}

/// The shape rule a unit's answers break (pass 1), and the type a validation error was
/// misnamed as where that is the rule: for a case, the shape rule its own answer breaks, else
/// `error-type` when it misnamed a validation error for an execution the run saw answered
/// (`listed`: for an unknown one, a `DoesNotExistException` is also what an endpoint that never
/// validated answers); for a relation, a shape rule any answer of the run breaks.
fn broken_shape_of(r: &CaseResult, shape: &[CheckId], listed: &[String]) -> (Option<CheckId>, Option<String>) {
    let exchange = match &r.exchange {
        _ if relation_walks(r) => {
            let rules = relation_shape_rules(r.check);
            return (rules.iter().copied().find(|rule| *rule != r.check && shape.contains(rule)), None);
        }
        Some(exchange) => exchange,
        None => return (None, None),
    };
    if let Some(rule) = shape_rule_of_case(r.check, exchange) {
        return (Some(rule), None);
    }
    let known = |e: &Exchange| request_id(e).is_some_and(|id| listed.contains(&id));
    let wrong =
        misnamed_validation(exchange).filter(|ty| ty != contract::error_type::DOES_NOT_EXIST || known(exchange));
    (wrong.as_ref().map(|_| CheckId::ErrorType), wrong)
}

/// Marks `r`'s findings under `rule` as the recognised deviation `kind`, so that they carry what
/// the SDKs were measured to do with it.
fn recognise(r: &mut CaseResult, rule: CheckId, kind: &'static str) {
    if let Outcome::Failed(findings) | Outcome::Blocked(findings) = &mut r.outcome {
        findings.iter_mut().filter(|f| f.check == rule).for_each(|f| f.deviation = Some(kind));
    }
}

/// Whether a unit's own answer breaks the shape rule that is its own check.
fn breaks_own_shape(own: CheckId, e: &Exchange) -> bool {
    let Ok(resp) = e.response.as_ref() else { return false };
    SHAPE_RULES.contains(&own)
        && resp.body.len() <= Exchange::BODY_LIMIT
        && super::always_on(e.request.json_body().as_ref(), &Received::new(resp)).iter().any(|f| f.check == own)
}

/// Puts every finding of a failed unit under its own check: its answer broke that shape rule,
/// which explains what else the unit saw wrong in it (a 500 for a token error is the status
/// rule's, not the token rule's).
fn own_every_finding(r: &mut CaseResult) {
    let own = r.check;
    if let Outcome::Failed(findings) = &mut r.outcome {
        for f in findings.iter_mut().filter(|f| f.check != own) {
            f.check = own;
            f.deviation = None; // what another check recognised is not this rule's deviation
        }
    }
}

/// The rule that kept a relation from being evaluated: one its variation relies on, broken
/// independently, or the plain walk of its own execution.
fn blocking_rule_of_relation(
    r: &CaseResult,
    independently: &[CheckId],
    walks: &[(String, CheckId)],
) -> Option<CheckId> {
    if let Some(rule) = relies_on(r.check).iter().find(|rule| independently.contains(rule)) {
        return Some(*rule);
    }
    if r.check == CheckId::PaginationWalk {
        return None;
    }
    let execution = r.name.rsplit(' ').next()?;
    walks.iter().find(|(walk, _)| walk.ends_with(execution)).map(|(_, root)| *root)
}

/// Makes `r` blocked by `root`: every finding under another rule moves to `root` and says what
/// could not be evaluated.
fn block(r: &mut CaseResult, root: CheckId) {
    let own = r.check;
    let (Outcome::Failed(findings) | Outcome::Blocked(findings)) =
        std::mem::replace(&mut r.outcome, Outcome::Skipped(String::new()))
    else {
        return;
    };
    let moved: Vec<Finding> = findings
        .into_iter()
        .map(|mut f| {
            if f.check != root {
                f.actual = format!("{} (so {own} could not be evaluated: {root} is broken)", f.actual);
                f.check = root;
                // What the old check recognised in the answer is not what the root's rule
                // means: its measured SDK impact would speak of another deviation.
                f.deviation = None;
            }
            f
        })
        .collect();
    r.outcome = Outcome::Blocked(moved);
}
