//! The oracle: for any request, the expected outcome from the contract alone — never from the
//! reference endpoint. It reads the body the way the contract describes the service: JSON types
//! first (SerializationException), then every constraint (ValidationException naming each
//! violated member), then the lookup (DoesNotExistException), then filters and tokens. Where the
//! contract says EITHER, the expectation accepts every alternative. Pure and synchronous.

pub mod coverage;
pub mod model_input;
pub mod worlds;

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::check_id::CheckId;
use crate::contract::{self, error_type, input, IntegerReading};
use crate::request::{self, Bindings, Unresolved, WireRequest};
use crate::source::{
    BodyTemplate, Case, ErrorExpectation, Expectation, Origin, RequestSpec, StatusExpectation, ViolationSpec,
};

/// What the oracle knows about the target.
#[derive(Debug, Clone, Default)]
pub struct World {
    /// Executions known to exist.
    pub known: Vec<String>,
    /// A real token and the execution it was issued for (unfiltered).
    pub token: Option<(String, String)>,
    /// The `MaxResults` of the page that issued the token (`None`: not known, so following it
    /// with any size may be refused, contract EITHER).
    pub token_page_size: Option<i64>,
    /// The filters of the request that issued the token, as [`filters_key`] writes them (`None`:
    /// none).
    pub token_filters: Option<String>,
}

impl World {
    /// The oracle's view of a target, from a run's bindings: its known executions, and the real
    /// token of the first one's first page.
    pub fn of(bindings: &Bindings) -> World {
        World {
            known: bindings.execution_ids.clone(),
            token: bindings.next_token.clone().zip(bindings.execution_ids.first().cloned()),
            token_page_size: Some(contract::MAX_RESULTS_MIN),
            token_filters: None,
        }
    }
}

/// The expected outcome of one request.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// The check a departure from this expectation belongs to.
    pub check: CheckId,
    /// Why, in words (for reports and saved case files).
    pub reason: String,
    /// What the answer must be.
    pub expect: Expectation,
}

fn verdict(check: CheckId, reason: impl Into<String>, expect: Expectation) -> Verdict {
    Verdict { check, reason: reason.into(), expect }
}

fn status(codes: &[u16]) -> Option<StatusExpectation> {
    Some(StatusExpectation::AnyOf(codes.to_vec()))
}

fn any_error() -> Option<ErrorExpectation> {
    Some(ErrorExpectation::Any)
}

fn serialization(reason: &str) -> Verdict {
    verdict(
        CheckId::WrongJsonType,
        reason,
        Expectation {
            status: status(&[400]),
            error: Some(ErrorExpectation::AnyOf(vec![
                error_type::SERIALIZATION.to_owned(),
                error_type::VALIDATION.to_owned(),
            ])),
            ..Expectation::default()
        },
    )
}

struct FilterIn {
    key: Option<String>,
    values: Option<Vec<String>>,
}

/// A request's filters as one comparable text (`None`: no filters, or an empty list, or a body
/// the oracle cannot read): whether a token is followed with the filters it was issued for.
pub fn filters_key(body: &[u8]) -> Option<String> {
    let inp = read_body(body).and_then(|obj| read(&obj)).ok()?;
    canonical_filters(inp.filters.as_ref())
}

fn canonical_filters(filters: Option<&Vec<FilterIn>>) -> Option<String> {
    let list = filters.filter(|l| !l.is_empty())?;
    Some(list.iter().map(|f| format!("{:?}={:?}", f.key, f.values)).collect::<Vec<_>>().join(";"))
}

/// The request's members with the model's JSON types, or why they do not have them.
struct Input {
    id: Option<String>,
    filters: Option<Vec<FilterIn>>,
    max_results: Option<i64>,
    /// `MaxResults` beyond 32 bits (below zero or not): out of range.
    max_results_out_of_range: Option<bool>,
    /// `MaxResults` sent as an integral float: EITHER read as the integer or a client error.
    max_results_float: bool,
    token: Option<String>,
    extras: Vec<String>,
}

fn opt_string(v: Option<&Value>) -> Result<Option<String>, ()> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(()),
    }
}

fn read(obj: &Map<String, Value>) -> Result<Input, String> {
    let id = opt_string(obj.get(input::WINDOW_EXECUTION_ID)).map_err(|()| "WindowExecutionId is not a string")?;
    let token = opt_string(obj.get(input::NEXT_TOKEN)).map_err(|()| "NextToken is not a string")?;
    let (mut max_results, mut max_results_out_of_range, mut max_results_float) = (None, None, false);
    match obj.get(input::MAX_RESULTS) {
        None | Some(Value::Null) => {}
        Some(Value::Number(n)) => match contract::read_integer(n) {
            IntegerReading::Integer(i) => max_results = Some(i),
            IntegerReading::IntegralFloat(i) => (max_results, max_results_float) = (Some(i), true),
            IntegerReading::OutOfRange { negative } => max_results_out_of_range = Some(negative),
            IntegerReading::Fraction => return Err("MaxResults is not an integer".to_owned()),
        },
        Some(_) => return Err("MaxResults is not an integer".to_owned()),
    }
    let mut extras: Vec<String> = obj
        .keys()
        .filter(|k| {
            ![input::WINDOW_EXECUTION_ID, input::FILTERS, input::MAX_RESULTS, input::NEXT_TOKEN].contains(&k.as_str())
        })
        .cloned()
        .collect();
    let filters = match obj.get(input::FILTERS) {
        None | Some(Value::Null) => None,
        Some(Value::Array(list)) => {
            let mut out = Vec::with_capacity(list.len());
            for f in list {
                let Value::Object(f) = f else { return Err("a filter is not an object".to_owned()) };
                let key = opt_string(f.get(input::FILTER_KEY)).map_err(|()| "a filter Key is not a string")?;
                let values = match f.get(input::FILTER_VALUES) {
                    None | Some(Value::Null) => None,
                    Some(Value::Array(vs)) => Some(
                        vs.iter()
                            .map(|v| v.as_str().map(str::to_owned).ok_or("a filter value is not a string"))
                            .collect::<Result<Vec<_>, _>>()?,
                    ),
                    Some(_) => return Err("filter Values is not a list".to_owned()),
                };
                extras.extend(f.keys().filter(|k| *k != input::FILTER_KEY && *k != input::FILTER_VALUES).cloned());
                out.push(FilterIn { key, values });
            }
            Some(out)
        }
        Some(_) => return Err("Filters is not a list".to_owned()),
    };
    Ok(Input { id, filters, max_results, max_results_out_of_range, max_results_float, token, extras })
}

fn violation(path: String, kind: &str) -> ViolationSpec {
    let constraint = contract::constraint_for(&path, kind).expect("the oracle names only contract constraints");
    ViolationSpec { path, constraint }
}

/// Every constraint the input breaks, in model member order.
fn violations(inp: &Input) -> Vec<ViolationSpec> {
    let mut out = Vec::new();
    let id_path = contract::member_path(input::WINDOW_EXECUTION_ID);
    match &inp.id {
        None => out.push(violation(id_path, "not-null")),
        Some(id) => {
            let len = id.chars().count();
            if len < contract::ID_LENGTH {
                out.push(violation(id_path.clone(), "length-min"));
            }
            if len > contract::ID_LENGTH {
                out.push(violation(id_path.clone(), "length-max"));
            }
            if !contract::matches_id_pattern(id) {
                out.push(violation(id_path, "pattern"));
            }
        }
    }
    if let Some(filters) = &inp.filters {
        if filters.len() > contract::FILTERS_MAX {
            out.push(violation(contract::member_path(input::FILTERS), "length-max"));
        }
        for (i, f) in filters.iter().enumerate() {
            if let Some(k) = &f.key {
                let path = contract::list_field_path(input::FILTERS, i, input::FILTER_KEY);
                let len = k.chars().count();
                if len < contract::FILTER_KEY_MIN {
                    out.push(violation(path.clone(), "length-min"));
                }
                if len > contract::FILTER_KEY_MAX {
                    out.push(violation(path, "length-max"));
                }
            }
            if let Some(vs) = &f.values {
                let bad = vs
                    .iter()
                    .map(|v| v.chars().count())
                    .any(|n| !(contract::FILTER_VALUE_MIN..=contract::FILTER_VALUE_MAX).contains(&n));
                if bad {
                    out.push(violation(
                        contract::list_field_path(input::FILTERS, i, input::FILTER_VALUES),
                        "member-lengths",
                    ));
                }
            }
        }
    }
    if let Some(n) = inp.max_results {
        let path = contract::member_path(input::MAX_RESULTS);
        if n < contract::MAX_RESULTS_MIN {
            out.push(violation(path.clone(), "value-min"));
        }
        if n > contract::MAX_RESULTS_MAX {
            out.push(violation(path, "value-max"));
        }
    }
    out
}

/// The check a violation belongs to.
fn check_of(v: &ViolationSpec) -> CheckId {
    use contract::Constraint::*;
    match (v.path.as_str(), v.constraint) {
        ("windowExecutionId", NotNull) => CheckId::IdRequired,
        ("windowExecutionId", LengthMin(_) | LengthMax(_)) => CheckId::IdLength,
        ("windowExecutionId", _) => CheckId::IdPattern,
        ("maxResults", ValueMin(_)) => CheckId::MaxResultsMin,
        ("maxResults", _) => CheckId::MaxResultsMax,
        ("filters", _) => CheckId::FiltersCount,
        (p, _) if p.ends_with(".key") => CheckId::FilterKeyLength,
        _ => CheckId::FilterValueLength,
    }
}

/// The body as the service reads it: an empty body is `{}`; anything but a JSON object is a
/// serialization error.
fn read_body(body: &[u8]) -> Result<Map<String, Value>, String> {
    let value: Value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Object(Map::new()) // an empty body is read as {}
    } else {
        serde_json::from_slice(body).map_err(|_| "the body is not JSON".to_owned())?
    };
    match value {
        Value::Object(obj) => Ok(obj),
        _ => Err("the body is not a JSON object".to_owned()),
    }
}

/// A client error; with unknown members, one of the server's choosing (it may reject those
/// first), else exactly `error`.
fn client_error(has_extras: bool, error: &str) -> Expectation {
    let error = if has_extras { any_error() } else { Some(ErrorExpectation::AnyOf(vec![error.to_owned()])) };
    Expectation { status: status(&[400]), error, ..Expectation::default() }
}

/// The verdict for an input that breaks the constraints `vs` (not empty).
fn validation_verdict(vs: Vec<ViolationSpec>, has_extras: bool) -> Verdict {
    let paths: BTreeSet<&str> = vs.iter().map(|v| v.path.as_str()).collect();
    let reason = format!("violates {}", paths.into_iter().collect::<Vec<_>>().join(", "));
    let check = check_of(&vs[0]);
    let mut expect = client_error(has_extras, error_type::VALIDATION);
    if !has_extras {
        expect.violations = vs;
    }
    verdict(check, reason, expect)
}

fn token_client_error(reason: &str) -> Verdict {
    verdict(
        CheckId::PaginationToken,
        reason,
        Expectation { status: Some(StatusExpectation::ClientError), error: any_error(), ..Expectation::default() },
    )
}

/// What the filters allow: the statuses an item may have (`None`: no filter), and whether any
/// filter is unsupported (EITHER a client error or applied as written: an unknown key or value
/// matches nothing).
fn filter_allowance(filters: Option<&Vec<FilterIn>>) -> (Option<BTreeSet<String>>, bool) {
    let mut allowed: Option<BTreeSet<String>> = None;
    let mut unsupported = false;
    for f in filters.into_iter().flatten() {
        let values = f.values.clone().unwrap_or_default();
        let is_status = f.key.as_deref() == Some(contract::STATUS_FILTER_KEY);
        if !is_status || values.is_empty() || !values.iter().all(|v| contract::is_filterable_status(v)) {
            unsupported = true;
        }
        let matching: BTreeSet<String> = if is_status {
            values.into_iter().filter(|v| contract::STATUSES.contains(&v.as_str())).collect()
        } else {
            BTreeSet::new()
        };
        allowed = Some(match allowed {
            None => matching,
            Some(a) => a.intersection(&matching).cloned().collect(),
        });
    }
    (allowed, unsupported)
}

/// The verdict for a valid request for a known execution.
fn listing_verdict(inp: &Input, world: &World, real_token: bool) -> Verdict {
    let id = inp.id.as_deref().unwrap_or_default();
    let (allowed, unsupported) = filter_allowance(inp.filters.as_ref());
    let token_exec = world.token.as_ref().map(|(_, e)| e.as_str());
    let filtered = inp.filters.as_ref().is_some_and(|f| !f.is_empty());
    let other_filters = canonical_filters(inp.filters.as_ref()) != world.token_filters;
    let foreign_token = real_token && (token_exec != Some(id) || other_filters);
    let empty_token = inp.token.as_deref() == Some("");
    // Following the token with another size than the page that issued it may be refused (§5).
    let other_size = real_token && (world.token_page_size.is_none() || inp.max_results != world.token_page_size);
    let either = unsupported || foreign_token || empty_token || other_size || !inp.extras.is_empty();
    let mut expect = Expectation {
        status: status(if either { &[200, 400] } else { &[200] }),
        error: either.then_some(ErrorExpectation::Any),
        items_max: Some(inp.max_results.unwrap_or(contract::MAX_RESULTS_MAX) as usize),
        ..Expectation::default()
    };
    // Which filters a foreign token's page answers to is not pinned by the contract.
    if let Some(allowed) = allowed.filter(|_| !foreign_token) {
        if allowed.is_empty() {
            expect.items_max = Some(0);
        } else {
            expect.item_status_in = Some(allowed.into_iter().collect());
        }
    }
    let (check, reason) = if unsupported {
        (CheckId::FilterUnsupported, "an unsupported filter: a client error, or applied as written")
    } else if foreign_token {
        (CheckId::PaginationToken, "a token used with another execution or other filters")
    } else if filtered {
        (CheckId::FilterStatus, "a valid request with STATUS filters")
    } else if other_size {
        (CheckId::PageSize, "a token followed with another MaxResults: the walk goes on or a 400 client error")
    } else {
        (CheckId::PageSize, "a valid request")
    };
    verdict(check, reason, expect)
}

/// The range rules whose bounds a request with `body` sends as they are (`MaxResults` 10 or 100
/// as an integer, five filters): when such a request is refused, an off-by-one in that rule is
/// the first suspect.
pub fn bounds_sent(body: &[u8]) -> Vec<CheckId> {
    let Ok(inp) = read_body(body).and_then(|obj| read(&obj)) else { return Vec::new() };
    let mut out = Vec::new();
    match inp.max_results.filter(|_| !inp.max_results_float) {
        Some(contract::MAX_RESULTS_MIN) => out.push(CheckId::MaxResultsMin),
        Some(contract::MAX_RESULTS_MAX) => out.push(CheckId::MaxResultsMax),
        _ => {}
    }
    if inp.filters.as_ref().is_some_and(|f| f.len() == contract::FILTERS_MAX) {
        out.push(CheckId::FiltersCount);
    }
    out
}

/// Whether a request whose body is `value` breaks an input rule (§2): then a success is the
/// deviation, and what the page holds is not judged as a page.
pub fn breaks_input_rules(value: &Value) -> bool {
    let Value::Object(obj) = value else { return false };
    read(obj).is_ok_and(|inp| inp.max_results_out_of_range.is_some() || !violations(&inp).is_empty())
}

/// The input rules (by check) a request with `body` breaks, each once, in model member order:
/// empty when it breaks none or cannot be read with the model's types (then it is a
/// serialization error, not a validation one).
pub fn rules_broken(body: &[u8]) -> Vec<CheckId> {
    let Ok(inp) = read_body(body).and_then(|obj| read(&obj)) else { return Vec::new() };
    let mut out: Vec<CheckId> = Vec::new();
    if let Some(negative) = inp.max_results_out_of_range {
        out.push(if negative { CheckId::MaxResultsMin } else { CheckId::MaxResultsMax });
    }
    for check in violations(&inp).iter().map(check_of) {
        if !out.contains(&check) {
            out.push(check);
        }
    }
    out
}

/// Every rule (by check) whose handling a request with `body` depends on, each once, the most
/// basic first: how it is read (malformed JSON, a member of the wrong type), the input rules it
/// breaks, the members it sends in ways with rules of their own (`null`, unknown members, an
/// empty `Filters`), its filters and its token. A unit whose request touches a rule the endpoint
/// is seen to break elsewhere cannot tell whether its own check held.
pub fn rules_touched(body: &[u8]) -> Vec<CheckId> {
    let obj = match read_body(body) {
        Ok(obj) => obj,
        Err(_) => return vec![CheckId::MalformedJson],
    };
    let Ok(inp) = read(&obj) else { return vec![CheckId::WrongJsonType] };
    let mut out = Vec::new();
    if body.iter().all(u8::is_ascii_whitespace) {
        out.push(CheckId::EmptyBody);
    }
    if inp.max_results_out_of_range.is_some() || inp.max_results_float {
        // A number the model's integer cannot hold as written: how it is read is the type rule's.
        out.push(CheckId::WrongJsonType);
    }
    if inp.max_results_float {
        out.push(CheckId::MaxResultsEncodings);
    }
    out.extend(rules_broken(body));
    if inp.max_results_out_of_range.is_some() {
        // Beyond 32 bits a parser that wraps may read any value: both bounds are in play.
        for bound in [CheckId::MaxResultsMin, CheckId::MaxResultsMax] {
            if !out.contains(&bound) {
                out.push(bound);
            }
        }
    }
    let filter_null = |f: &Value| f.as_object().is_some_and(|f| f.values().any(Value::is_null));
    let filters = obj.get(input::FILTERS).and_then(Value::as_array);
    if obj.values().any(Value::is_null) || filters.is_some_and(|l| l.iter().any(filter_null)) {
        out.push(CheckId::NullMember);
    }
    if !inp.extras.is_empty() {
        out.push(CheckId::UnknownMember);
    }
    if inp.id.as_deref().is_some_and(|id| contract::is_valid_id(id) && id.bytes().any(|b| b.is_ascii_uppercase())) {
        // Upper-case hex is valid (§2): whether it is read so is the hex-case rule's.
        out.push(CheckId::IdHexCase);
    }
    let how_read = [CheckId::EmptyBody, CheckId::WrongJsonType, CheckId::MaxResultsEncodings];
    let beside = [CheckId::NullMember, CheckId::UnknownMember, CheckId::IdHexCase];
    if out.iter().any(|c| !beside.contains(c) && !how_read.contains(c)) {
        // Validation comes first: an invalid request reaches neither its filters nor its token.
        return out;
    }
    let written_otherwise = out.contains(&CheckId::NullMember) || out.contains(&CheckId::UnknownMember);
    let mut touch = |check: CheckId| {
        if !out.contains(&check) {
            out.push(check);
        }
    };
    if filters.is_some_and(Vec::is_empty) {
        touch(CheckId::FiltersCount);
    }
    let (_, unsupported) = filter_allowance(inp.filters.as_ref());
    if unsupported {
        touch(CheckId::FilterUnsupported);
    }
    if inp.filters.as_ref().is_some_and(|f| !f.is_empty()) {
        // How filters are applied at all (ORed values, ANDed filters) is the STATUS rule's.
        touch(CheckId::FilterStatus);
    }
    if inp.token.is_some() {
        touch(CheckId::PaginationWalk);
        if written_otherwise {
            // A later page asked for with a member written otherwise: the encodings relation's.
            touch(CheckId::MemberEncodings);
        }
    }
    out
}

/// The expected outcome of a request with `body`: JSON types first, then every constraint, then
/// the lookup and the token, then filters.
pub fn expect(body: &[u8], world: &World) -> Verdict {
    let inp = match read_body(body).and_then(|obj| read(&obj)) {
        Ok(i) => i,
        Err(why) => return serialization(&why),
    };
    if let Some(negative) = inp.max_results_out_of_range {
        // However large: a 400 client error like any value out of range (never wrapped to fit).
        let check = if negative { CheckId::MaxResultsMin } else { CheckId::MaxResultsMax };
        let mut v = serialization("MaxResults beyond 32 bits is out of range");
        v.check = check;
        return v;
    }
    let verdict = expect_read(&inp, world);
    if inp.max_results_float {
        either_client_error(verdict, "MaxResults as an integral float")
    } else {
        verdict
    }
}

/// `verdict`, or a 400 client error of any type (contract EITHER): what is compared is only
/// what both alternatives share.
fn either_client_error(mut verdict: Verdict, why: &str) -> Verdict {
    // No status expectation means any status below 500: a 400 is accepted already.
    verdict.expect.status = verdict.expect.status.take().map(StatusExpectation::or_400);
    verdict.expect.error = Some(ErrorExpectation::Any);
    verdict.expect.violations.clear();
    verdict.reason = format!("{}; {why}: EITHER read as the integer or a 400 client error", verdict.reason);
    verdict
}

/// The expected outcome of a request read with the model's JSON types.
fn expect_read(inp: &Input, world: &World) -> Verdict {
    let has_extras = !inp.extras.is_empty();
    let vs = violations(inp);
    if !vs.is_empty() {
        return validation_verdict(vs, has_extras);
    }
    let id = inp.id.clone().unwrap_or_default();
    let token = inp.token.as_deref().filter(|t| !t.is_empty());
    let real_token = world.token.as_ref().is_some_and(|(t, _)| Some(t.as_str()) == token);
    let garbage_token = token.is_some() && !real_token;
    let exact = world.known.contains(&id);
    let other_case = !exact && world.known.iter().any(|k| k.eq_ignore_ascii_case(&id));
    if !exact && !other_case {
        if garbage_token {
            // A client error either way (the lookup or the token refuses it); a success is the
            // lookup's deviation, the more basic one (an unknown execution has no pages at all).
            let mut v = token_client_error("an unknown execution with an invalid token");
            v.check = CheckId::UnknownExecution;
            return v;
        }
        let expect = client_error(has_extras, error_type::DOES_NOT_EXIST);
        return verdict(CheckId::UnknownExecution, "a well-formed id that names no execution", expect);
    }
    if garbage_token {
        return token_client_error("a garbage, tampered or truncated token");
    }
    let listing = listing_verdict(inp, world, real_token);
    if other_case {
        either_does_not_exist(listing)
    } else {
        listing
    }
}

/// A known id in another letter case (contract §3): EITHER found, as `listing` says, or
/// `DoesNotExistException`; never a 5xx, never another execution's items.
fn either_does_not_exist(mut listing: Verdict) -> Verdict {
    listing.expect.status = listing.expect.status.take().map(StatusExpectation::or_400);
    listing.expect.error = match listing.expect.error.take() {
        None => Some(ErrorExpectation::AnyOf(vec![error_type::DOES_NOT_EXIST.to_owned()])),
        Some(ErrorExpectation::AnyOf(mut list)) => {
            list.push(error_type::DOES_NOT_EXIST.to_owned());
            Some(ErrorExpectation::AnyOf(list))
        }
        Some(ErrorExpectation::Any) => Some(ErrorExpectation::Any),
    };
    listing.check = CheckId::IdHexCase;
    listing.reason =
        format!("a known id in another letter case: EITHER found ({}) or DoesNotExistException", listing.reason);
    listing
}

/// A case whose request is `body` as sent and whose expectation is the oracle's `verdict`, for
/// judging a request built elsewhere (the fuzz targets).
pub fn oracle_case(name: &str, body: &[u8], verdict: Verdict) -> Case {
    Case {
        name: name.to_owned(),
        check: verdict.check,
        description: Some(verdict.reason),
        origin: Origin::Builtin,
        request: RequestSpec {
            body: BodyTemplate::Raw(String::from_utf8_lossy(body).into_owned()),
            headers: Vec::new(),
        },
        expect: verdict.expect,
        snapshot: None,
    }
}

/// A request body template resolved against `bindings`, as a case with the oracle's
/// expectation for the resolved body.
pub fn generated_case(
    body: BodyTemplate,
    name: &str,
    origin: Origin,
    bindings: &Bindings,
    world: &World,
) -> Result<(Case, WireRequest), Unresolved> {
    let mut case = Case {
        name: name.to_owned(),
        check: CheckId::PageSize,
        description: None,
        origin,
        request: RequestSpec { body, headers: Vec::new() },
        expect: Expectation::default(),
        snapshot: None,
    };
    let req = request::build(&case, bindings)?;
    let verdict = expect(&req.body, world);
    case.check = verdict.check;
    case.description = Some(verdict.reason);
    case.expect = verdict.expect;
    Ok((case, req))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn world() -> World {
        World {
            known: vec!["0123abcd-0000-4000-8000-000000000001".into()],
            token: None,
            token_page_size: None,
            token_filters: None,
        }
    }

    fn v(body: &str) -> Verdict {
        expect(body.as_bytes(), &world())
    }

    #[test]
    fn reads_the_contract() {
        assert_eq!(v("").check, CheckId::IdRequired);
        assert_eq!(v("{").check, CheckId::WrongJsonType);
        assert_eq!(v(r#"{"WindowExecutionId": 5}"#).check, CheckId::WrongJsonType);
        let many = v(r#"{"WindowExecutionId": "", "MaxResults": 5}"#);
        assert_eq!(many.expect.violations.len(), 3, "{many:?}");
        assert_eq!(
            v(r#"{"WindowExecutionId": "0123abcd-0000-4000-8000-00000000000F"}"#).check,
            CheckId::UnknownExecution
        );
        let ok = v(
            r#"{"WindowExecutionId": "0123abcd-0000-4000-8000-000000000001", "Filters": [{"Key": "STATUS", "Values": ["SUCCESS"]}]}"#,
        );
        assert_eq!(ok.expect.item_status_in, Some(vec!["SUCCESS".to_owned()]));
        assert_eq!(ok.expect.status, status(&[200]));
        let either = v(
            r#"{"WindowExecutionId": "0123abcd-0000-4000-8000-000000000001", "Filters": [{"Key": "X", "Values": ["SUCCESS"]}]}"#,
        );
        assert_eq!(either.expect.status, status(&[200, 400]));
        assert_eq!(either.expect.items_max, Some(0));
    }

    #[test]
    fn a_request_touches_the_rules_its_handling_depends_on_most_basic_first() {
        let t = |body: &str| rules_touched(body.as_bytes());
        let id = "940b2a70-66ec-f308-8348-5d31997be99e";
        assert_eq!(t("{"), [CheckId::MalformedJson]);
        assert_eq!(t(r#"{"MaxResults": "10"}"#), [CheckId::WrongJsonType]);
        assert_eq!(t(""), [CheckId::EmptyBody, CheckId::IdRequired]);
        assert_eq!(t(r#"{"WindowExecutionId": null}"#), [CheckId::IdRequired, CheckId::NullMember]);
        // An invalid request reaches neither its filters nor its token.
        let invalid = format!(
            r#"{{"WindowExecutionId": "{id}", "MaxResults": 101, "NextToken": "t", "Filters": [{{"Key": "STATUS", "Values": ["SUCCESS"]}}]}}"#
        );
        assert_eq!(t(&invalid), [CheckId::MaxResultsMax]);
        // A valid one does; the bound it sends is named apart.
        let valid = format!(
            r#"{{"WindowExecutionId": "{id}", "MaxResults": 10, "NextToken": "t", "Filters": [{{"Key": "X", "Values": ["Y"]}}]}}"#
        );
        assert_eq!(t(&valid), [CheckId::FilterUnsupported, CheckId::FilterStatus, CheckId::PaginationWalk]);
        assert_eq!(bounds_sent(valid.as_bytes()), [CheckId::MaxResultsMin]);
        // An integral float is the encodings' and the type rule's, not the bound's.
        assert_eq!(
            t(&format!(r#"{{"WindowExecutionId": "{id}", "MaxResults": 1e1}}"#)),
            [CheckId::WrongJsonType, CheckId::MaxResultsEncodings]
        );
        // A number beyond 32 bits is read by the type rule, against both bounds.
        assert_eq!(
            t(&format!(r#"{{"WindowExecutionId": "{id}", "MaxResults": -4294967286}}"#)),
            [CheckId::WrongJsonType, CheckId::MaxResultsMin, CheckId::MaxResultsMax]
        );
        // An upper-case id is the hex-case rule's; a token beside an unknown member, the encodings'.
        let upper = id.to_ascii_uppercase();
        assert_eq!(t(&format!(r#"{{"WindowExecutionId": "{upper}"}}"#)), [CheckId::IdHexCase]);
        assert_eq!(
            t(&format!(r#"{{"WindowExecutionId": "{id}", "NextToken": "t", "X": 1}}"#)),
            [CheckId::UnknownMember, CheckId::PaginationWalk, CheckId::MemberEncodings]
        );
        assert!(breaks_input_rules(&serde_json::json!({"WindowExecutionId": id, "MaxResults": 101})));
        assert!(!breaks_input_rules(&serde_json::json!({"WindowExecutionId": id, "MaxResults": 100})));
    }
}
