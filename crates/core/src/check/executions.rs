//! The second operation's checks, `DescribeMaintenanceWindowExecutions` (contract §9): pure
//! functions over the answers the runner gathered (`runner/executions.rs`). What the model holds
//! is read from it: the validation a request earns is `oracle::model_input`'s, the shape of an
//! execution is `check::model_output`'s; what the model cannot say is `contract::executions`'.

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

use super::model_output;
use crate::check_id::CheckId;
use crate::contract::error_type;
use crate::contract::executions::{self as semantics, Selection};
use crate::finding::{Chosen, Finding};
use crate::model::shape::{
    describe_maintenance_window_executions_request as input, maintenance_window_execution as item,
};
use crate::model::shape::{
    describe_maintenance_window_executions_result as output, maintenance_window_filter as filter,
};
use crate::model::{self, Kind, Shape};
use crate::oracle::model_input::{self, InputVerdict, IntegralFloats};
use crate::response::{excerpt, ErrorShape, WireResponse};
use crate::source::ViolationSpec;

/// A success page, read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ExecutionsPage {
    /// The executions (an absent or `null` list reads as none: EITHER, as §4).
    pub items: Vec<Value>,
    /// The next token; `None` for absent, `null` or `""` (the last page, EITHER).
    pub next_token: Option<String>,
}

impl ExecutionsPage {
    /// The executions' ids, in page order (`""` where one has none).
    pub fn ids(&self) -> Vec<String> {
        self.items.iter().map(|i| i[item::WINDOW_EXECUTION_ID].as_str().unwrap_or_default().to_owned()).collect()
    }
}

fn shape_finding(expected: &str, actual: impl Into<String>) -> Finding {
    Finding::new(CheckId::ExecutionsResponseShape, expected, actual)
}

/// Reads a 200's body as the model's output, with a finding for each way it is not: the page
/// (as far as it can be read) and the findings.
pub fn read_page(resp: &WireResponse) -> (Option<ExecutionsPage>, Vec<Finding>) {
    let expected = "a JSON object {\"WindowExecutions\": [...], \"NextToken\": ...} (contract §9)";
    let body = match resp.json() {
        Ok(Value::Object(map)) => map,
        Ok(other) => {
            return (None, vec![shape_finding(expected, format!("a JSON {}", crate::response::json_type(&other)))])
        }
        Err(e) => return (None, vec![shape_finding(expected, e)]),
    };
    let mut findings = Vec::new();
    let items = match body.get(output::WINDOW_EXECUTIONS) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(list)) => list.clone(),
        Some(other) => {
            findings.push(shape_finding("`WindowExecutions` a list", crate::response::json_type(other)));
            Vec::new()
        }
    };
    let next_token = match body.get(output::NEXT_TOKEN) {
        None | Some(Value::Null) => None,
        Some(Value::String(t)) if t.is_empty() => None,
        Some(Value::String(t)) => Some(t.clone()),
        Some(other) => {
            findings.push(shape_finding("`NextToken` a string", crate::response::json_type(other)));
            None
        }
    };
    for (i, it) in items.iter().enumerate() {
        findings.extend(item_problems(it, i));
    }
    (Some(ExecutionsPage { items, next_token }), findings)
}

fn item_problems(it: &Value, i: usize) -> Vec<Finding> {
    let path = format!("WindowExecutions[{i}]");
    let Value::Object(map) = it else {
        return vec![shape_finding(
            "each execution a JSON object",
            format!("{path}: {}", crate::response::json_type(it)),
        )];
    };
    let mut problems: Vec<String> = semantics::REQUIRED_ITEM_MEMBERS
        .iter()
        .filter(|m| map.get(**m).is_none_or(Value::is_null))
        .map(|m| format!("{path}.{m}: absent, but an execution is told apart by it"))
        .collect();
    problems.extend(model_output::problems(item::SHAPE, it, &path));
    if let (Some(start), Some(end)) =
        (map.get(item::START_TIME).and_then(Value::as_f64), map.get(item::END_TIME).and_then(Value::as_f64))
    {
        if end < start {
            problems.push(format!("{path}: EndTime {end} before StartTime {start}"));
        }
    }
    let expected = "executions of the model's shape, carrying WindowId, WindowExecutionId and Status (contract §9)";
    problems.into_iter().map(|p| shape_finding(expected, p)).collect()
}

/// Every execution of a page belongs to `window_id`.
pub fn judge_items_window(items: &[Value], window_id: &str) -> Vec<Finding> {
    let others: BTreeSet<String> = items
        .iter()
        .filter_map(|i| i.get(item::WINDOW_ID).and_then(Value::as_str))
        .filter(|w| *w != window_id)
        .map(|w| excerpt(w, 40))
        .collect();
    if others.is_empty() {
        return Vec::new();
    }
    let others: Vec<String> = others.into_iter().collect();
    vec![Finding::new(
        CheckId::ExecutionsItemWindow,
        format!("only executions of window {window_id}"),
        format!("executions of window(s) {}", others.join(", ")),
    )]
}

/// The answer to a request of the model's validation cases, against what the model says of it;
/// with `strict` (`--strict-messages`), its message against AWS's wording too
/// ([`CheckId::ExecutionsValidationMessage`]).
pub fn judge_validation(body: &Value, resp: &WireResponse, strict: bool) -> Vec<Finding> {
    let finding =
        |expected: String, actual: String| vec![Finding::new(CheckId::ExecutionsValidation, expected, actual)];
    let shape = ErrorShape::of(resp);
    let ty = shape.resolved_type.clone().unwrap_or_else(|| "no __type".to_owned());
    match model_input::validate(input::SHAPE, body, IntegralFloats::AsIntegers) {
        InputVerdict::Valid if resp.status == 200 => Vec::new(),
        InputVerdict::Valid => {
            finding("200: every constraint of the model holds".into(), format!("{} {ty}", resp.status))
        }
        InputVerdict::WrongType(why) => {
            let client =
                resp.status == 400 && [error_type::SERIALIZATION, error_type::VALIDATION].contains(&ty.as_str());
            if client {
                Vec::new()
            } else {
                finding(
                    format!("400 SerializationException or ValidationException ({why})"),
                    format!("{} {ty}", resp.status),
                )
            }
        }
        InputVerdict::Invalid(items) => {
            let paths: BTreeSet<&str> = items.iter().map(|i| i.path.as_str()).collect();
            let named = |p: &&str| shape.message.as_deref().is_some_and(|m| super::expectation::names_path(m, p));
            let missing: Vec<&str> = paths.iter().filter(|p| !named(p)).copied().collect();
            let expected = format!(
                "400 ValidationException naming {}",
                paths.iter().map(|p| format!("'{p}'")).collect::<Vec<_>>().join(", ")
            );
            if resp.status != 400 || ty != error_type::VALIDATION {
                finding(expected, format!("{} {ty}", resp.status))
            } else if !missing.is_empty() {
                let message =
                    shape.message.as_deref().map_or("no message".to_owned(), |m| format!("{:?}", excerpt(m, 300)));
                finding(expected, format!("a message not naming {}: {message}", missing.join(", ")))
            } else if strict {
                let specs: Vec<ViolationSpec> =
                    items.iter().map(|i| ViolationSpec { path: i.path.clone(), constraint: i.constraint }).collect();
                let message = shape.message.as_deref().unwrap_or_default();
                super::expectation::strict_message(CheckId::ExecutionsValidationMessage, Some(body), &specs, message)
            } else {
                Vec::new()
            }
        }
    }
}

/// A generated request's answer: what the model says of its body, where the body is one the model
/// accepts but the service may still refuse or find nothing for (EITHER, §9) — filters with an
/// undocumented key, a value that is no instant, or several values: any 400 client error with a
/// `__type`, or a 200; a window other than `known`: a 200 or `DoesNotExistException` — never a 5xx.
pub fn judge_generated(body: &Value, resp: &WireResponse, known: Option<&str>, strict: bool) -> Vec<Finding> {
    if !matches!(model_input::validate(input::SHAPE, body, IntegralFloats::AsIntegers), InputVerdict::Valid) {
        return judge_validation(body, resp, strict);
    }
    let filters = body.get(input::FILTERS).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let documented = filters.iter().all(|f| {
        let key = f.get(filter::KEY).and_then(Value::as_str).unwrap_or_default();
        let values = f.get(filter::VALUES).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        semantics::DOCUMENTED_KEYS.contains(&key)
            && values.len() == 1
            && values.iter().all(|v| v.as_str().and_then(semantics::filter_instant).is_some())
    });
    let shape = ErrorShape::of(resp);
    let client_error = resp.status == 400 && shape.resolved_type.is_some();
    // A token the endpoint never issued: a 400 client error (§5); `""`: the first page or a 400.
    match body.get(input::NEXT_TOKEN).and_then(Value::as_str) {
        Some("") if resp.status == 200 || client_error => return Vec::new(),
        Some(t) if !t.is_empty() => {
            if client_error {
                return Vec::new();
            }
            let ty = shape.resolved_type.unwrap_or_else(|| "no __type".to_owned());
            let expected = "a 400 client error with __type for a token the endpoint never issued (contract §5)";
            return vec![Finding::new(CheckId::ExecutionsPagination, expected, format!("{} {ty}", resp.status))];
        }
        _ => {}
    }
    let unknown = body.get(input::WINDOW_ID).and_then(Value::as_str) != known;
    let accepted = match (documented, unknown) {
        (false, _) => resp.status == 200 || client_error,
        (true, true) => {
            resp.status == 200
                || shape.resolved_type.as_deref() == Some(error_type::DOES_NOT_EXIST) && resp.status == 400
        }
        (true, false) => return judge_validation(body, resp, strict),
    };
    if accepted {
        return Vec::new();
    }
    let ty = shape.resolved_type.unwrap_or_else(|| "no __type".to_owned());
    vec![Finding::new(
        CheckId::ExecutionsValidation,
        "200, or a 400 client error with __type where the contract leaves the answer open (contract §9)",
        format!("{} {ty}", resp.status),
    )]
}

/// One exchange of the operation seen in a client's traffic (the proxy), judged as a run judges
/// it but knowing neither which windows exist nor which tokens are real, so both are read the
/// lenient way (EITHER wins over a guess): any window may be unknown (a 200 or
/// `DoesNotExistException`), and a request with a token may get any 400 client error with a
/// `__type` (the token may be stale or foreign). A 200 is held to the output's shape and to the
/// window asked for. `body` is `None` when the request was not JSON.
pub fn judge_traffic(body: Option<&Value>, resp: &WireResponse, strict: bool) -> Vec<Finding> {
    let shape = ErrorShape::of(resp);
    let client_error = resp.status == 400 && shape.resolved_type.is_some();
    let Some(body) = body else {
        if client_error {
            return Vec::new();
        }
        let actual = format!("{} {}", resp.status, shape.resolved_type.unwrap_or_else(|| "no __type".to_owned()));
        return vec![Finding::new(
            CheckId::ExecutionsValidation,
            "a 400 client error for a body that is no JSON",
            actual,
        )];
    };
    let with_token = body.get(input::NEXT_TOKEN).and_then(Value::as_str).is_some_and(|t| !t.is_empty());
    if with_token && client_error {
        return Vec::new();
    }
    // A string token is judged apart (above); anything else in its place stays for validation.
    let mut without_token = body.clone();
    if let (true, Value::Object(map)) = (with_token, &mut without_token) {
        map.remove(input::NEXT_TOKEN);
    }
    let mut findings = judge_generated(&without_token, resp, None, strict);
    if resp.status == 200 {
        let (page, shape_findings) = read_page(resp);
        findings.extend(shape_findings);
        if let Some(window) = body.get(input::WINDOW_ID).and_then(Value::as_str) {
            findings.extend(judge_items_window(&page.unwrap_or_default().items, window));
        }
    }
    findings
}

/// The alternative an answer §9 leaves open chose, for the report's survey of EITHER choices:
/// `a 200` or `a 400 <type>`; `None` for any other answer (a finding, not a choice).
pub fn open_alternative(resp: &WireResponse) -> Option<String> {
    match (resp.status, ErrorShape::of(resp).resolved_type) {
        (200, _) => Some("a 200".to_owned()),
        (400, Some(ty)) => Some(format!("a 400 {}", excerpt(&ty, 60))),
        _ => None,
    }
}

/// A well-formed window id that names no window: 200 listing nothing, or `DoesNotExistException`
/// (EITHER); the alternative chosen, for the report.
pub fn judge_unknown_window(resp: &WireResponse) -> (Vec<Finding>, Option<Chosen>) {
    let shape = ErrorShape::of(resp);
    if resp.status == 200 {
        let (page, _) = read_page(resp);
        if page.as_ref().is_some_and(|p| p.items.is_empty()) {
            return (Vec::new(), Some(Chosen::Status(200)));
        }
    } else if resp.status == 400 && shape.resolved_type.as_deref() == Some(error_type::DOES_NOT_EXIST) {
        return (Vec::new(), Some(Chosen::ErrorType(error_type::DOES_NOT_EXIST.to_owned())));
    }
    let finding = Finding::new(
        CheckId::ExecutionsUnknownWindow,
        "200 listing no execution, or 400 DoesNotExistException (contract §9)",
        format!(
            "{} {}",
            resp.status,
            shape.resolved_type.unwrap_or_else(|| excerpt(&String::from_utf8_lossy(&resp.body), 120))
        ),
    );
    (vec![finding], None)
}

/// One walk over a window's pages.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WalkPages {
    /// The `MaxResults` it asked for (`None`: the default).
    pub page_size: Option<i64>,
    /// Each page's execution ids.
    pub pages: Vec<Vec<String>>,
    /// Whether it reached a page with no token.
    pub ended: bool,
    /// What stopped it before its end, if anything did (a page not answered 200).
    pub broken: Option<String>,
    /// Why it stopped unjudged: a request throttled on every attempt (the walk proves nothing).
    pub throttled: Option<String>,
}

impl WalkPages {
    fn ids(&self) -> Vec<&String> {
        self.pages.iter().flatten().collect()
    }

    fn label(&self) -> String {
        self.page_size.map_or("MaxResults absent".to_owned(), |n| format!("MaxResults {n}"))
    }
}

/// Walks of one window at several page sizes: pages within their size, every execution once,
/// the same executions in the same order at every size, and each walk ends.
pub fn judge_walks(window_id: &str, walks: &[WalkPages]) -> Vec<Finding> {
    let mut out = Vec::new();
    let finding = |expected: &str, actual: String| Finding::new(CheckId::ExecutionsPagination, expected, actual);
    let walks: Vec<&WalkPages> = walks.iter().filter(|w| w.throttled.is_none()).collect();
    for w in &walks {
        let limit = w.page_size.map_or(100, |n| n.clamp(0, 100)) as usize;
        if let Some((i, p)) = w.pages.iter().enumerate().find(|(_, p)| p.len() > limit) {
            out.push(finding(
                "a page holds at most MaxResults executions",
                format!("{}: page {} holds {}", w.label(), i + 1, p.len()),
            ));
        }
        if let Some(why) = &w.broken {
            out.push(finding("every page of a walk answered", format!("{}: {why}", w.label())));
        } else if !w.ended {
            out.push(finding("a walk that ends", format!("{}: no end after {} pages", w.label(), w.pages.len())));
        }
        let ids = w.ids();
        let distinct: BTreeSet<&String> = ids.iter().copied().collect();
        if distinct.len() != ids.len() {
            out.push(finding(
                "every execution once in a walk",
                format!("{}: {} executions, {} distinct", w.label(), ids.len(), distinct.len()),
            ));
        }
    }
    let complete: Vec<&WalkPages> = walks.iter().copied().filter(|w| w.ended && w.broken.is_none()).collect();
    if let Some((first, rest)) = complete.split_first() {
        for w in rest {
            if w.ids() != first.ids() {
                let (a, b): (BTreeSet<&String>, BTreeSet<&String>) =
                    (first.ids().into_iter().collect(), w.ids().into_iter().collect());
                let actual = if a == b {
                    format!("{} and {} list the same executions in different orders", first.label(), w.label())
                } else {
                    format!(
                        "{} lists {} executions, {} lists {} ({} only in the first, {} only in the second)",
                        first.label(),
                        a.len(),
                        w.label(),
                        b.len(),
                        a.difference(&b).count(),
                        b.difference(&a).count()
                    )
                };
                out.push(finding(
                    &format!("the same executions of {window_id}, in one order, at every page size"),
                    actual,
                ));
            }
        }
    }
    out
}

/// A documented time filter's walk against the unfiltered executions: every execution every
/// reading selects is there, none that no reading selects, none from outside the window.
pub fn judge_filter(key: &str, instant: &str, unfiltered: &[Value], filtered: &[String]) -> Vec<Finding> {
    let Some(t) = semantics::filter_instant(instant) else { return Vec::new() };
    let time = |e: &Value, m: &str| e.get(m).and_then(Value::as_f64);
    let mut left_out = Vec::new();
    let mut wrongly = Vec::new();
    for e in unfiltered {
        let id = e[item::WINDOW_EXECUTION_ID].as_str().unwrap_or_default();
        let returned = filtered.iter().any(|f| f == id);
        match semantics::select(key, t, time(e, item::START_TIME), time(e, item::END_TIME)) {
            Some(Selection::Must) if !returned => left_out.push(id),
            Some(Selection::MustNot) if returned => wrongly.push(id),
            _ => {}
        }
    }
    let known: BTreeSet<&str> = unfiltered.iter().filter_map(|e| e[item::WINDOW_EXECUTION_ID].as_str()).collect();
    let strangers = filtered.iter().filter(|f| !known.contains(f.as_str())).count();
    let mut out = Vec::new();
    let expected =
        format!("under {key} {instant}: every execution every reading selects, and none that none does (contract §9)");
    if !left_out.is_empty() {
        out.push(Finding::new(
            CheckId::ExecutionsFilterTime,
            &expected,
            format!("{} left out, e.g. {}", left_out.len(), left_out[0]),
        ));
    }
    if !wrongly.is_empty() {
        out.push(Finding::new(
            CheckId::ExecutionsFilterTime,
            &expected,
            format!("{} returned that no reading selects, e.g. {}", wrongly.len(), wrongly[0]),
        ));
    }
    if strangers > 0 {
        out.push(Finding::new(
            CheckId::ExecutionsFilterTime,
            &expected,
            format!("{strangers} execution(s) the unfiltered walk does not list"),
        ));
    }
    out
}

/// Instants to filter with: midpoints between consecutive start and end times (no execution
/// starts or ends on one), at most `n`, spread over the listing.
pub fn filter_instants(unfiltered: &[Value], n: usize) -> Vec<String> {
    let time = |e: &Value, m: &str| e.get(m).and_then(Value::as_f64);
    let mut times: Vec<f64> =
        unfiltered.iter().flat_map(|e| [time(e, item::START_TIME), time(e, item::END_TIME)]).flatten().collect();
    times.sort_by(f64::total_cmp);
    times.dedup();
    let mids: Vec<f64> = times.windows(2).map(|w| (w[0] + w[1]) / 2.0).collect();
    let step = (mids.len() / n.max(1)).max(1);
    mids.iter()
        .step_by(step)
        .take(n)
        .map(|m| crate::clock::rfc3339(m.floor() as i64, ((m.fract() * 1000.0) as i64).min(999)))
        .collect()
}

/// The validation cases the model's constraints give, as `(what, body)`, around a valid `base`
/// body; the answer each earns is [`judge_validation`]'s, from the model.
pub fn model_cases(base: &Map<String, Value>) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let with = |name: &str, v: Option<Value>| {
        let mut body = base.clone();
        match v {
            Some(v) => body.insert(name.to_owned(), v),
            None => body.remove(name),
        };
        Value::Object(body)
    };
    for m in input::SHAPE.members() {
        let shape = model::shape_named(m.shape).expect("a shape of the tables");
        if m.required {
            out.push((format!("{} absent", m.name), with(m.name, None)));
        }
        let sample = base.get(m.name).cloned();
        for (what, v) in mutations(shape, sample.as_ref()) {
            out.push((format!("{} {what}", m.name), with(m.name, Some(v))));
        }
    }
    out
}

/// A valid filter of the operation, for list cases.
fn sample_filter() -> Value {
    json!({ filter::KEY: semantics::EXECUTED_BEFORE, filter::VALUES: ["2025-01-01T00:00:00Z"] })
}

fn mutations(shape: &Shape, sample: Option<&Value>) -> Vec<(String, Value)> {
    match shape.kind {
        Kind::String { length, pattern, .. } => {
            let s = sample.and_then(Value::as_str).unwrap_or("x").to_owned();
            let mut out = Vec::new();
            if let Some(min) = length.min.filter(|m| *m > 0) {
                out.push((
                    format!("of length {}", min - 1),
                    json!(s.chars().take(usize::try_from(min - 1).unwrap_or(0)).collect::<String>()),
                ));
            }
            if let Some(max) = length.max {
                let long: String =
                    s.chars().chain(std::iter::repeat('0')).take(usize::try_from(max + 1).unwrap_or(0)).collect();
                out.push((format!("of length {}", max + 1), json!(long)));
            }
            if pattern.is_some() {
                let mut chars: Vec<char> = s.chars().collect();
                if let Some(last) = chars.last_mut() {
                    *last = if last.is_ascii_lowercase() { last.to_ascii_uppercase() } else { '!' };
                }
                out.push(("outside its pattern".to_owned(), json!(chars.into_iter().collect::<String>())));
            }
            out
        }
        Kind::Integer { range } => [range.min.map(|m| m - 1), range.min, range.max, range.max.map(|m| m + 1)]
            .into_iter()
            .flatten()
            .map(|n| (format!("{n}"), json!(n)))
            .collect(),
        Kind::List { member, length } => {
            let element = model::shape_named(member).expect("a shape of the tables");
            let mut out = vec![("empty".to_owned(), json!([]))];
            if let Some(max) = length.max {
                out.push((
                    format!("of {} elements", max + 1),
                    Value::Array(vec![sample_filter(); usize::try_from(max + 1).unwrap_or(0)]),
                ));
            }
            if let (Kind::Structure { members, .. }, Value::Object(sample)) = (element.kind, sample_filter()) {
                for m in members {
                    let inner = model::shape_named(m.shape).expect("a shape of the tables");
                    for (what, v) in element_mutations(inner) {
                        let mut e = sample.clone();
                        e.insert(m.name.to_owned(), v);
                        out.push((format!("[0].{} {what}", m.name), json!([e])));
                    }
                }
            }
            out
        }
        _ => Vec::new(),
    }
}

/// Length mutations of a filter's member: a string's, or each string's of a list.
fn element_mutations(shape: &Shape) -> Vec<(String, Value)> {
    let lengths = |length: model::Bounds| {
        let mut v = Vec::new();
        if let Some(min) = length.min.filter(|m| *m > 0) {
            v.push((min - 1, "k".repeat(usize::try_from(min - 1).unwrap_or(0))));
        }
        if let Some(max) = length.max {
            v.push((max + 1, "k".repeat(usize::try_from(max + 1).unwrap_or(0))));
        }
        v
    };
    match shape.kind {
        Kind::String { length, .. } => {
            lengths(length).into_iter().map(|(n, s)| (format!("of length {n}"), json!(s))).collect()
        }
        Kind::List { member, .. } => match model::shape_named(member).map(|s| s.kind) {
            Some(Kind::String { length, .. }) => lengths(length)
                .into_iter()
                .map(|(n, s)| (format!("holding a value of length {n}"), json!([s])))
                .collect(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests;
