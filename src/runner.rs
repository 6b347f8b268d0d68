//! Orchestration: the probe, the declarative cases, the relations that walk pages, and the
//! always-on checks over every exchange. Every request is bounded by the transport's timeout and
//! every walk by a page limit.

use std::collections::{BTreeMap, BTreeSet};

use futures::stream::{self, StreamExt};
use serde_json::{json, Value};

use crate::check::error_shape::check_error_response;
use crate::check::expectation::check_case;
use crate::check::filters::{check_filters, FilteredListing};
use crate::check::pagination::{check_walks, PaginationWalk, TokenReuse, WalkEnd, MAX_WALK_PAGES};
use crate::check::protocol::check_protocol;
use crate::check::response_shape::{check_success, PageRequest};
use crate::check::snapshot::{self, SnapshotError, SnapshotMode};
use crate::check::{CheckId, CheckOptions};
use crate::contract::{self, error_type, input, output};
use crate::finding::{CaseResult, Exchange, Finding, Outcome};
use crate::request::{self, Bindings, WireRequest};
use crate::response::{ErrorShape, Page, WireResponse};
use crate::source::{Case, Origin};
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
    pub property: crate::property::PropertyPlan,
}

/// A callback told (units done, units in all) after each unit finishes.
#[derive(Clone)]
pub struct Progress(pub std::sync::Arc<dyn Fn(usize, usize) + Send + Sync>);

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress")
    }
}

/// Snapshot settings of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotPlan {
    /// The folder of `.snap` files.
    pub dir: std::path::PathBuf,
    /// Check, update or off.
    pub mode: SnapshotMode,
}

/// How one listing's walks went, for the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkSummary {
    /// The execution walked.
    pub execution_id: String,
    /// `MaxResults 10`, or the filter.
    pub label: String,
    /// Pages seen.
    pub pages: usize,
    /// Items seen.
    pub items: usize,
}

/// Everything a run found.
#[derive(Debug, Clone)]
pub struct RunReport {
    /// Every unit's result, in a stable order.
    pub results: Vec<CaseResult>,
    /// Every walk the relations took.
    pub walks: Vec<WalkSummary>,
    /// For each EITHER rule observed outside the cases, the alternatives the endpoint chose.
    pub choices: BTreeMap<String, BTreeSet<String>>,
    /// Pending snapshots written by `--snapshots update`.
    pub pending_snapshots: Vec<std::path::PathBuf>,
    /// Generated requests sent.
    pub generated_requests: usize,
    /// Case files written by `--save-failures`.
    pub saved_failures: Vec<std::path::PathBuf>,
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
}

/// The harness could not reach the endpoint at all.
#[derive(Debug, Clone, thiserror::Error)]
#[error("cannot reach the endpoint: {0}")]
pub struct Unreachable(#[from] pub TransportError);

/// An always-on finding, with the exchange it came from.
struct Observed {
    at: String,
    finding: Finding,
    repro: String,
}

/// Always-on checks, run on every exchange.
fn always_on(
    client: &Client,
    at: &str,
    req: &WireRequest,
    resp: &WireResponse,
    sink: &mut Vec<Observed>,
    seen: &mut Seen,
) {
    let page_req = PageRequest::of(req.json_body().as_ref());
    let findings =
        check_protocol(resp).into_iter().chain(check_error_response(resp)).chain(check_success(&page_req, resp));
    for f in findings {
        sink.push(Observed { at: at.to_owned(), finding: f, repro: crate::repro::curl(client.url(), req) });
    }
    if resp.status == 200 && Page::of(resp).is_ok_and(|p| !p.items.is_empty()) {
        seen.items = true;
    }
    if resp.status >= 300 {
        seen.errors = true;
        let shape = ErrorShape::of(resp);
        if let Some(raw) = &shape.raw_type {
            let form = if raw.contains('#') || raw.contains(':') { "namespaced" } else { "bare" };
            seen.chose(rules::TYPE_FORM, form);
            let header = if shape.header_type.is_some() { "sent" } else { "not sent" };
            seen.chose(rules::TYPE_HEADER, header);
        }
        if let Ok(Value::Object(map)) = resp.json() {
            for k in ["message", "Message"] {
                if map.get(k).is_some_and(Value::is_string) {
                    seen.chose(rules::MESSAGE_KEY, format!("`{k}`"));
                }
            }
        }
    }
    seen.responses += 1;
}

/// What kinds of responses the always-on checks saw (a check with nothing to look at is skipped).
#[derive(Default, Clone)]
struct Seen {
    responses: usize,
    items: bool,
    errors: bool,
    /// EITHER rule → the alternatives observed.
    choices: BTreeMap<String, BTreeSet<String>>,
}

impl Seen {
    fn merge(&mut self, o: Seen) {
        self.responses += o.responses;
        self.items |= o.items;
        self.errors |= o.errors;
        for (rule, alts) in o.choices {
            self.choices.entry(rule).or_default().extend(alts);
        }
    }

    fn chose(&mut self, rule: &str, alternative: impl Into<String>) {
        self.choices.entry(rule.to_owned()).or_default().insert(alternative.into());
    }
}

/// The EITHER rules whose choice is observed on the wire (not through a case).
pub mod rules {
    /// §6: the key of the error message.
    pub const MESSAGE_KEY: &str = "§6 error message under `message` or `Message`";
    /// §6: the form of `__type`.
    pub const TYPE_FORM: &str = "§6 `__type` bare or namespaced";
    /// §6: the `X-Amzn-ErrorType` header beside `__type`.
    pub const TYPE_HEADER: &str = "§6 X-Amzn-ErrorType header beside `__type`";
    /// §5: how the last page ends the walk.
    pub const LAST_PAGE_TOKEN: &str = "§5 the last page's NextToken (absent, \"\" or null)";
    /// §5: a token on the page with the last item, then an empty page.
    pub const TRAILING_EMPTY_PAGE: &str = "§5 a trailing empty page after the last item";
    /// §5: the page size when MaxResults is absent.
    pub const DEFAULT_PAGE_SIZE: &str = "§5 default page size (MaxResults absent)";
}

/// The always-on checks and what each needs to have seen.
const ALWAYS_ON: [(CheckId, Need); 12] = [
    (CheckId::RequestId, Need::Any),
    (CheckId::ContentType, Need::Items),
    (CheckId::ResponseBody, Need::Any),
    (CheckId::PageSize, Need::Items),
    (CheckId::ItemMembers, Need::Items),
    (CheckId::ItemTypes, Need::Items),
    (CheckId::ItemTimestamps, Need::Items),
    (CheckId::ItemExecution, Need::Items),
    (CheckId::ErrorStatus, Need::Errors),
    (CheckId::ErrorType, Need::Errors),
    (CheckId::ErrorMessage, Need::Errors),
    (CheckId::ErrorContentType, Need::Errors),
];

#[derive(Clone, Copy)]
enum Need {
    Any,
    Items,
    Errors,
}

/// Whether the probe's answer says the operation is not implemented at all (contract §7).
pub fn not_implemented(resp: &WireResponse) -> Option<String> {
    let shape = ErrorShape::of(resp);
    let ty = shape.resolved_type.as_deref();
    let why = if resp.status == 501 {
        "HTTP 501 Not Implemented (LocalStack answers operations it lacks this way)"
    } else if ty == Some(error_type::UNKNOWN_OPERATION) {
        "UnknownOperationException for this operation's own X-Amz-Target"
    } else if resp.status >= 500 && !shape.body_is_object {
        "HTTP 5xx with a body that is not JSON (moto_server answers operations it lacks with an HTML 500 page)"
    } else if resp.status == 404 && !shape.body_is_object {
        "HTTP 404 with a body that is not JSON: nothing serves this operation at that URL"
    } else if resp.status >= 500
        && matches!(ty, Some(error_type::INTERNAL_FAILURE) | Some("NotImplemented") | Some("NotImplementedException"))
    {
        "a 5xx InternalFailure / NotImplemented error for a valid request"
    } else {
        return None;
    };
    Some(format!("{why}: {}", resp.summary()))
}

fn probe_request(random_id: &str) -> WireRequest {
    WireRequest::json(&json!({ input::WINDOW_EXECUTION_ID: random_id }))
}

fn page_request(exec: &str, size: Option<i64>, filters: Option<&Value>, token: Option<&str>) -> WireRequest {
    let mut body = serde_json::Map::new();
    body.insert(input::WINDOW_EXECUTION_ID.into(), json!(exec));
    if let Some(n) = size {
        body.insert(input::MAX_RESULTS.into(), json!(n));
    }
    if let Some(f) = filters {
        body.insert(input::FILTERS.into(), f.clone());
    }
    if let Some(t) = token {
        body.insert(input::NEXT_TOKEN.into(), json!(t));
    }
    WireRequest::json(&Value::Object(body))
}

/// The key an item is known by in walks: its `TaskExecutionId`, or its JSON text.
fn item_key(item: &Value) -> String {
    item.get(output::TASK_EXECUTION_ID).and_then(Value::as_str).map_or_else(|| item.to_string(), str::to_owned)
}

fn item_status(item: &Value) -> String {
    item.get(output::STATUS).and_then(Value::as_str).unwrap_or("").to_owned()
}

/// One bounded walk: (the walk, the items as (key, status), the first NextToken seen).
async fn walk(
    client: &Client,
    exec: &str,
    size: Option<i64>,
    filters: Option<&Value>,
    sink: &mut Vec<Observed>,
    seen: &mut Seen,
) -> (PaginationWalk, Vec<(String, String)>, Option<String>) {
    let mut pages: Vec<Vec<String>> = Vec::new();
    let mut items = Vec::new();
    let mut followed: BTreeSet<String> = BTreeSet::new();
    let mut token: Option<String> = None;
    let mut first_token = None;
    let label = size.map_or("MaxResults absent".to_owned(), |n| format!("MaxResults {n}"));
    let end = loop {
        let page_no = pages.len() + 1;
        let req = page_request(exec, size, filters, token.as_deref());
        let resp = match client.send(&req).await {
            Ok(r) => r,
            Err(e) => break WalkEnd::Failed { page: page_no, summary: e.to_string() },
        };
        always_on(client, &format!("walk of {exec} with {label}, page {page_no}"), &req, &resp, sink, seen);
        if resp.status != 200 {
            break WalkEnd::Failed { page: page_no, summary: resp.summary() };
        }
        let page = match Page::of(&resp) {
            Ok(p) => p,
            Err(why) => break WalkEnd::Failed { page: page_no, summary: why },
        };
        let keys: Vec<String> = page.items.iter().map(item_key).collect();
        if size.is_none() && pages.is_empty() && page.next_token.is_some() {
            seen.chose(rules::DEFAULT_PAGE_SIZE, format!("{} items", keys.len()));
        }
        if page.next_token.is_none() {
            let form = match resp.json().ok().as_ref().and_then(|v| v.get(output::NEXT_TOKEN)) {
                None => "absent",
                Some(Value::Null) => "null",
                Some(_) => "\"\"",
            };
            seen.chose(rules::LAST_PAGE_TOKEN, form);
            if keys.is_empty() && !pages.is_empty() {
                seen.chose(rules::TRAILING_EMPTY_PAGE, "yes");
            }
        }
        items.extend(page.items.iter().map(|i| (item_key(i), item_status(i))));
        let repeated = !keys.is_empty() && pages.last() == Some(&keys);
        pages.push(keys);
        if repeated {
            break WalkEnd::PageRepeated { page: page_no };
        }
        match page.next_token {
            None => break WalkEnd::Complete,
            Some(t) => {
                if first_token.is_none() {
                    first_token = Some(t.clone());
                }
                if !followed.insert(t.clone()) {
                    break WalkEnd::TokenRepeated { page: page_no };
                }
                if pages.len() >= MAX_WALK_PAGES {
                    break WalkEnd::PageLimit { pages: pages.len() };
                }
                token = Some(t);
            }
        }
    };
    (PaginationWalk { page_size: size, filter: None, pages, end }, items, first_token)
}

fn status_filter(values: &[&str]) -> Value {
    json!({ "Key": contract::STATUS_FILTER_KEY, "Values": values })
}

struct RelationOutcome {
    results: Vec<CaseResult>,
    walks: Vec<WalkSummary>,
    observed: Vec<Observed>,
    seen: Seen,
}

/// Walks one execution's listings, recording every exchange for the always-on checks.
struct Walker<'a> {
    client: &'a Client,
    exec: &'a str,
    observed: Vec<Observed>,
    seen: Seen,
    summaries: Vec<WalkSummary>,
}

impl Walker<'_> {
    async fn walk(
        &mut self,
        size: Option<i64>,
        filter: Option<(&str, &Value)>,
    ) -> (PaginationWalk, Vec<(String, String)>, Option<String>) {
        let (mut w, items, first) =
            walk(self.client, self.exec, size, filter.map(|f| f.1), &mut self.observed, &mut self.seen).await;
        w.filter = filter.map(|f| f.0.to_owned());
        self.summaries.push(WalkSummary {
            execution_id: self.exec.to_owned(),
            label: w.label(),
            pages: w.pages.len(),
            items: items.len(),
        });
        (w, items, first)
    }

    /// Follows `token` once more and returns that page's item keys.
    async fn reuse(&mut self, token: &str) -> Result<Vec<String>, String> {
        let req = page_request(self.exec, Some(10), None, Some(token));
        let resp = self.client.send(&req).await.map_err(|e| e.to_string())?;
        always_on(
            self.client,
            &format!("reuse of a token of {}", self.exec),
            &req,
            &resp,
            &mut self.observed,
            &mut self.seen,
        );
        match Page::of(&resp) {
            Ok(p) if resp.status == 200 => Ok(p.items.iter().map(item_key).collect()),
            _ => Err(resp.summary()),
        }
    }
}

/// The page sizes of the unfiltered walks: 100, 10, 11, a prime in between, absent, and 100
/// again (the order must be stable from walk to walk too).
const WALK_SIZES: [Option<i64>; 6] = [Some(100), Some(10), Some(11), Some(37), None, Some(100)];

/// The pagination and filter relations for one execution.
async fn relations(client: &Client, exec: String) -> RelationOutcome {
    let mut walker = Walker { client, exec: &exec, observed: Vec::new(), seen: Seen::default(), summaries: Vec::new() };

    // Pagination: every size sees the same items in the same order; a reused token, the same page.
    let mut walks = Vec::new();
    let mut full: Vec<(String, String)> = Vec::new();
    let mut reuse = None;
    for (i, size) in WALK_SIZES.into_iter().enumerate() {
        let (w, items, first_token) = walker.walk(size, None).await;
        if i == 0 {
            full = items;
        }
        if size == Some(10) && w.pages.len() >= 2 {
            if let Some(t) = first_token {
                reuse = Some(TokenReuse { first: w.pages[1].clone(), second: walker.reuse(&t).await });
            }
        }
        walks.push(w);
    }
    let mut walk_findings = check_walks(&walks, reuse.as_ref());
    let full_complete = walks[0].end == WalkEnd::Complete;

    // Filters: each listing against the full listing.
    let mut by_count: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, s) in &full {
        *by_count.entry(s.as_str()).or_insert(0) += 1;
    }
    // The statuses the documentation lists for filters, most frequent first, so that the OR and
    // AND relations compare non-empty sets wherever the data allows.
    let mut common: Vec<&str> = contract::STATUSES.iter().copied().filter(|s| *s != "SKIPPED_OVERLAPPING").collect();
    common.sort_by_key(|s| std::cmp::Reverse(by_count.get(s).copied().unwrap_or(0)));
    let (a, b, c) = (common[0], common[1], common[2]);
    let or_label = format!("STATUS in [{a}, {b}] (values ORed)");
    let or_filter = json!([status_filter(&[a, b])]);
    let mut specs: Vec<(String, Value, BTreeSet<String>, bool)> = contract::STATUSES
        .iter()
        .map(|s| {
            // SKIPPED_OVERLAPPING is missing from the filter documentation: a 4xx is accepted.
            let either = *s == "SKIPPED_OVERLAPPING";
            (format!("STATUS in [{s}]"), json!([status_filter(&[s])]), BTreeSet::from([(*s).to_owned()]), either)
        })
        .collect();
    specs.push((or_label.clone(), or_filter.clone(), BTreeSet::from([a.to_owned(), b.to_owned()]), false));
    specs.push((
        format!("STATUS in [{a}, {b}] and STATUS in [{b}, {c}] (filters ANDed)"),
        json!([status_filter(&[a, b]), status_filter(&[b, c])]),
        BTreeSet::from([b.to_owned()]),
        false,
    ));
    specs.push(("Filters [] (no filter)".to_owned(), json!([]), full.iter().map(|(_, s)| s.clone()).collect(), false));
    let mut listings = Vec::new();
    let mut or_walks = Vec::new();
    for (label, filters, expected, either) in specs {
        let (w, items, _) = walker.walk(Some(100), Some((&label, &filters))).await;
        let items = match &w.end {
            WalkEnd::Complete => Ok(items.into_iter().map(|(k, _)| k).collect()),
            WalkEnd::Failed { summary, .. } => Err(summary.clone()),
            other => Err(format!("a walk that did not end ({other:?})")),
        };
        if label == or_label {
            or_walks.push(w);
        }
        listings.push(FilteredListing { label, expected_statuses: expected, items, client_error_allowed: either });
    }
    // Pagination under a filter obeys the same rules.
    for size in [Some(10), Some(11)] {
        or_walks.push(walker.walk(size, Some((&or_label, &or_filter))).await.0);
    }
    walk_findings.extend(check_walks(&or_walks, None));

    let filter_findings = if full_complete {
        check_filters(&full, &listings)
    } else {
        Vec::new() // without a full listing there is nothing to compare with; the walk check says why
    };
    let walk_note = walker
        .summaries
        .iter()
        .filter(|s| !s.label.contains("STATUS") && !s.label.contains("Filters"))
        .map(|s| format!("{}: {} pages", s.label, s.pages))
        .collect::<Vec<_>>()
        .join(", ");
    let results = vec![
        relation_result(CheckId::PaginationWalk, &exec, walk_findings, format!("{} items; {walk_note}", full.len())),
        relation_result(CheckId::FilterStatus, &exec, filter_findings, format!("{} filtered listings", listings.len())),
    ];
    RelationOutcome { results, walks: walker.summaries, observed: walker.observed, seen: walker.seen }
}

fn relation_result(check: CheckId, exec: &str, findings: Vec<Finding>, note: String) -> CaseResult {
    CaseResult {
        name: format!("{check} {exec}"),
        check,
        origin: Origin::Builtin,
        outcome: if findings.is_empty() { Outcome::Passed { note: Some(note) } } else { Outcome::Failed(findings) },
        repro: None,
        exchange: None,
    }
}

struct CaseRun {
    result: CaseResult,
    observed: Vec<Observed>,
    seen: Seen,
    pending: Option<std::path::PathBuf>,
}

/// The most response-body bytes kept for reports.
const REPORT_BODY_LIMIT: usize = 64 * 1024;

fn capped(mut resp: WireResponse) -> WireResponse {
    if resp.body.len() > REPORT_BODY_LIMIT {
        resp.body.truncate(REPORT_BODY_LIMIT);
        resp.body.extend_from_slice(b"... [truncated]");
    }
    resp
}

async fn run_case(
    client: &Client,
    case: &Case,
    bindings: &Bindings,
    opts: CheckOptions,
    snapshots: Option<&SnapshotPlan>,
) -> Result<CaseRun, SnapshotError> {
    let mut observed = Vec::new();
    let mut seen = Seen::default();
    let base = |outcome, repro, exchange| CaseResult {
        name: case.name.clone(),
        check: case.check,
        origin: case.origin.clone(),
        outcome,
        repro,
        exchange,
    };
    let req = match request::build(case, bindings) {
        Ok(r) => r,
        Err(why) => {
            return Ok(CaseRun { result: base(Outcome::Skipped(why.0), None, None), observed, seen, pending: None })
        }
    };
    let repro = Some(crate::repro::curl(client.url(), &req));
    let mut pending = None;
    let (outcome, response) = match client.send(&req).await {
        Err(e) => {
            (Outcome::Failed(vec![Finding::new(case.check, "an HTTP answer", e.to_string())]), Err(e.to_string()))
        }
        Ok(resp) => {
            always_on(client, &case.name, &req, &resp, &mut observed, &mut seen);
            let (mut findings, note) = check_case(case, req.json_body().as_ref(), &resp, opts);
            if let (Some(name), Some(plan)) = (&case.snapshot, snapshots) {
                let (finding, written) = compare_snapshot(case, name, plan, bindings, &req, &resp)?;
                findings.extend(finding);
                pending = written;
            }
            let outcome = if findings.is_empty() { Outcome::Passed { note } } else { Outcome::Failed(findings) };
            (outcome, Ok(capped(resp)))
        }
    };
    let exchange = Exchange { request: req, response };
    Ok(CaseRun { result: base(outcome, repro, Some(exchange)), observed, seen, pending })
}

/// Compares a case's response with its accepted snapshot, or writes a pending one.
fn compare_snapshot(
    case: &Case,
    name: &str,
    plan: &SnapshotPlan,
    bindings: &Bindings,
    req: &WireRequest,
    resp: &WireResponse,
) -> Result<(Option<Finding>, Option<std::path::PathBuf>), SnapshotError> {
    let redactions = bindings.redactions();
    let actual = snapshot::render(resp, &redactions);
    let path = snapshot::snap_path(&plan.dir, name);
    let accepted = snapshot::read_accepted(&path)?;
    if accepted.as_deref() == Some(actual.as_str()) {
        return Ok((None, None));
    }
    match plan.mode {
        SnapshotMode::Off => Ok((None, None)),
        SnapshotMode::Update => {
            let mut expression = String::from_utf8_lossy(&req.body).into_owned();
            for (value, placeholder) in &redactions {
                if !value.is_empty() {
                    expression = expression.replace(value.as_str(), placeholder);
                }
            }
            let source = case.origin.to_string();
            let description = format!("{}: {}", case.name, case.description.as_deref().unwrap_or(""));
            let text = snapshot::file_text(&source, description.trim_end_matches(": "), &expression, &actual);
            Ok((None, Some(snapshot::write_pending(&path, &text)?)))
        }
        SnapshotMode::Check => {
            let finding = match accepted {
                None => Finding::new(
                    CheckId::Snapshot,
                    format!("an accepted snapshot at {}", path.display()),
                    "none yet: run with --snapshots update, then review the .snap.new (cargo insta review)",
                ),
                Some(acc) => Finding::new(
                    CheckId::Snapshot,
                    format!("the response recorded in {}", path.display()),
                    "a different response (diff: - accepted, + this endpoint)",
                )
                .with_detail(snapshot::diff(&acc, &actual)),
            };
            Ok((Some(finding), None))
        }
    }
}

/// Runs everything against `client`. Errors only when the endpoint cannot be reached at all.
pub async fn run(client: &Client, plan: &RunPlan) -> Result<RunReport, RunError> {
    let mut rng = crate::rng::SplitMix64::new(plan.seed);
    let random_id = loop {
        let id = rng.well_formed_id();
        if !plan.execution_ids.iter().any(|e| e.eq_ignore_ascii_case(&id)) {
            break id;
        }
    };

    // The probe: a valid request for an unknown id. It tells an unreachable endpoint (exit 2)
    // from one that does not implement the operation (one finding) from one worth testing.
    let probe = probe_request(&random_id);
    let probe_resp = client.send(&probe).await.map_err(Unreachable)?;
    let implemented = CaseResult {
        name: "operation-implemented".to_owned(),
        check: CheckId::OperationImplemented,
        origin: Origin::Builtin,
        outcome: Outcome::Passed { note: None },
        repro: Some(crate::repro::curl(client.url(), &probe)),
        exchange: Some(Exchange { request: probe.clone(), response: Ok(capped(probe_resp.clone())) }),
    };
    if let Some(why) = not_implemented(&probe_resp) {
        let mut results = vec![CaseResult {
            outcome: Outcome::Failed(vec![Finding::new(
                CheckId::OperationImplemented,
                format!("the endpoint to implement {}", contract::OPERATION),
                why,
            )]),
            ..implemented
        }];
        results.extend(plan.cases.iter().map(|c| CaseResult {
            name: c.name.clone(),
            check: c.check,
            origin: c.origin.clone(),
            outcome: Outcome::Skipped("the operation is not implemented".to_owned()),
            repro: None,
            exchange: None,
        }));
        return Ok(RunReport {
            results,
            walks: Vec::new(),
            choices: BTreeMap::new(),
            pending_snapshots: Vec::new(),
            generated_requests: 0,
            saved_failures: Vec::new(),
        });
    }

    let mut observed = Vec::new();
    let mut seen = Seen::default();
    always_on(client, "probe", &probe, &probe_resp, &mut observed, &mut seen);

    let mut bindings = Bindings { execution_ids: plan.execution_ids.clone(), random_id, next_token: None };
    if let Some(exec) = plan.execution_ids.first() {
        let req = page_request(exec, Some(10), None, None);
        if let Ok(resp) = client.send(&req).await {
            always_on(client, "first page of the first execution", &req, &resp, &mut observed, &mut seen);
            bindings.next_token = Page::of(&resp).ok().and_then(|p| p.next_token);
        }
    }

    let concurrency = plan.concurrency.max(1);
    let total = plan.cases.len() + plan.execution_ids.len();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let tick = || {
        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        if let Some(p) = &plan.progress {
            (p.0)(n, total);
        }
    };
    let case_runs: Vec<Result<CaseRun, SnapshotError>> = stream::iter(plan.cases.iter())
        .map(|c| async {
            let r = run_case(client, c, &bindings, plan.check, plan.snapshots.as_ref()).await;
            tick();
            r
        })
        .buffered(concurrency)
        .collect()
        .await;
    let relation_runs: Vec<RelationOutcome> = stream::iter(plan.execution_ids.iter().cloned())
        .map(|e| async {
            let r = relations(client, e).await;
            tick();
            r
        })
        .buffered(concurrency)
        .collect()
        .await;

    let mut results = vec![implemented];
    let mut pending_snapshots = Vec::new();
    for run in case_runs {
        let run = run?;
        observed.extend(run.observed);
        seen.merge(run.seen);
        results.push(run.result);
        pending_snapshots.extend(run.pending);
    }
    let mut walks = Vec::new();
    let mut relation_results = Vec::new();
    for r in relation_runs {
        observed.extend(r.observed);
        seen.merge(r.seen);
        relation_results.extend(r.results);
        walks.extend(r.walks);
    }
    results.extend(relation_results);
    if plan.execution_ids.is_empty() {
        for check in [CheckId::PaginationWalk, CheckId::FilterStatus] {
            results.push(CaseResult {
                name: check.to_string(),
                check,
                origin: Origin::Builtin,
                outcome: Outcome::Skipped("needs an execution known to hold tasks (give --execution-id)".to_owned()),
                repro: None,
                exchange: None,
            });
        }
    }
    // Generated requests last, sequentially, so that a seed replays them exactly.
    let progress = plan.progress.clone().map(|p| (p, total));
    let properties = crate::property::run_properties(client, &bindings, &plan.property, plan.check, progress).await;
    results.extend(properties.results);
    let choices = seen.choices.clone();
    results.extend(aggregate_always_on(&observed, &seen));
    Ok(RunReport {
        results,
        walks,
        choices,
        pending_snapshots,
        generated_requests: properties.requests,
        saved_failures: properties.saved,
    })
}

/// One result per always-on check: the first exchange that broke it and how many did.
fn aggregate_always_on(observed: &[Observed], seen: &Seen) -> Vec<CaseResult> {
    ALWAYS_ON
        .iter()
        .map(|&(check, need)| {
            let hits: Vec<&Observed> = observed.iter().filter(|o| o.finding.check == check).collect();
            let applicable = match need {
                Need::Any => seen.responses > 0,
                Need::Items => seen.items,
                Need::Errors => seen.errors,
            };
            let outcome = match hits.first() {
                Some(first) => {
                    let mut f = first.finding.clone();
                    f.actual =
                        format!("{} (in {}; {} of {} responses)", f.actual, first.at, hits.len(), seen.responses);
                    Outcome::Failed(vec![f])
                }
                None if !applicable => Outcome::Skipped(match need {
                    Need::Items => "no response held items to inspect".to_owned(),
                    _ => "no error response to inspect".to_owned(),
                }),
                None => Outcome::Passed { note: Some(format!("{} responses", seen.responses)) },
            };
            let repro = hits.first().map(|o| o.repro.clone());
            CaseResult { name: check.to_string(), check, origin: Origin::Builtin, outcome, repro, exchange: None }
        })
        .collect()
}
