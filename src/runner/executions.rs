//! The second operation, `DescribeMaintenanceWindowExecutions` (contract §9), run against the
//! windows the endpoint lists: the validation cases the model's constraints give, walks of a
//! window at three page sizes, the documented time filters at instants between its executions'
//! times, a well-formed window id that names no window, and the shape and window of every
//! execution any of them returned. The judging is `check::executions`; this is where the I/O is.
//! Every listing and walk is bounded in pages; nothing that writes is ever sent.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Map, Value};

use super::{RunError, Unreachable};
use crate::check::executions::{self as judge, ExecutionsPage, WalkPages};
use crate::check::implemented::not_implemented;
use crate::check::CheckId;
use crate::contract::{discovery, executions as semantics, EitherRule};
use crate::finding::{CaseResult, Exchange, Finding, Outcome};
use crate::request::WireRequest;
use crate::response::WireResponse;
use crate::rng::SplitMix64;
use crate::source::Origin;
use crate::transport::record::in_unit;
use crate::transport::Client;

/// The prefix of every unit of the operation.
const UNIT: &str = "DescribeMaintenanceWindowExecutions";
/// The most pages a walk may take.
const MAX_PAGES: usize = 60;
/// The most windows whose executions are walked.
const MAX_WINDOWS: usize = 10;
/// The most executions a window walked at small pages may hold (its walk at 10 stays short).
const MAX_WALKED: usize = 500;
/// The instants each documented filter is tried at.
const INSTANTS: usize = 3;
/// The most generated requests the operation gets (its share of `--property-cases`).
pub const GENERATED_MAX: u32 = 300;

/// A request of the family's operation `target` (an `X-Amz-Target` value) with `body`.
fn for_target(target: &str, body: &Value) -> WireRequest {
    let mut req = WireRequest::json(body);
    req.set_header(crate::contract::TARGET_HEADER, target);
    req
}

/// One request of the operation with `body`.
fn request(body: &Value) -> WireRequest {
    for_target(semantics::TARGET, body)
}

/// What every 200 listing the phase received showed, judged as it came (nothing is kept of the
/// answers themselves): the units judged over every answer.
#[derive(Default)]
struct Seen {
    /// How many pages.
    pages: usize,
    /// Their shape's findings.
    shape: Vec<Finding>,
    /// Their executions of another window.
    window: Vec<Finding>,
}

impl Seen {
    /// Judges one 200 listing of `window`.
    fn saw(&mut self, window: &str, resp: &WireResponse) {
        let (page, findings) = judge::read_page(resp);
        self.pages += 1;
        self.shape.extend(findings);
        self.window.extend(judge::judge_items_window(&page.unwrap_or_default().items, window));
    }
}

/// Why a request has no answer to judge.
enum Unanswered {
    /// Every attempt was throttled: its unit is not evaluated (never passed, never failed).
    Throttled(String),
    /// No HTTP answer at all: a finding of the unit's check.
    Failed(Finding),
}

/// Sends `req` (paced, retried as the SDKs retry).
async fn send(client: &Client, req: &WireRequest, check: CheckId) -> Result<WireResponse, Unanswered> {
    client.send(req).await.map_err(|e| {
        if e.is_throttled() {
            Unanswered::Throttled(e.to_string())
        } else {
            Unanswered::Failed(Finding::new(check, "an HTTP answer", e.to_string()))
        }
    })
}

/// A unit whose request was throttled on every attempt: not evaluated.
fn not_evaluated(name: &str, check: CheckId, why: &str) -> CaseResult {
    skipped(name, check, &format!("{}{why}", crate::finding::NOT_EVALUATED))
}

/// One window walked from its first page: the walk, the executions it listed, and its pages.
async fn walk(
    client: &Client,
    seen: &mut Seen,
    window: &str,
    size: Option<i64>,
    filters: Option<&Value>,
) -> (WalkPages, Vec<Value>) {
    let mut body = json!({ discovery::WINDOW_ID: window });
    if let Some(n) = size {
        body["MaxResults"] = json!(n);
    }
    if let Some(f) = filters {
        body["Filters"] = f.clone();
    }
    let mut walk = WalkPages { page_size: size, ..WalkPages::default() };
    let mut items = Vec::new();
    for _ in 0..MAX_PAGES {
        let req = request(&body);
        let resp = match send(client, &req, CheckId::ExecutionsPagination).await {
            Ok(r) if r.status == 200 => r,
            Ok(r) => {
                walk.broken = Some(format!("page {} answered {}", walk.pages.len() + 1, r.summary()));
                return (walk, items);
            }
            Err(Unanswered::Failed(f)) => {
                walk.broken = Some(f.actual);
                return (walk, items);
            }
            Err(Unanswered::Throttled(why)) => {
                walk.throttled = Some(why);
                return (walk, items);
            }
        };
        let (page, _) = judge::read_page(&resp);
        let page: ExecutionsPage = page.unwrap_or_default();
        walk.pages.push(page.ids());
        items.extend(page.items.iter().cloned());
        seen.saw(window, &resp);
        match page.next_token {
            Some(t) => body["NextToken"] = json!(t),
            None => {
                walk.ended = true;
                return (walk, items);
            }
        }
    }
    (walk, items)
}

/// The windows the endpoint lists (`DescribeMaintenanceWindows`, bounded); the first request's
/// transport error is the run's (the endpoint cannot be reached).
async fn windows(client: &Client) -> Result<Vec<String>, RunError> {
    let mut body = json!({});
    let mut out = Vec::new();
    for page in 0..MAX_PAGES {
        let req = for_target(&discovery::target(discovery::LIST_WINDOWS), &body);
        let resp = match client.send(&req).await {
            Ok(r) => r,
            // Throttled on every attempt, the listing ends where it is (its windows are fewer).
            Err(e) if page == 0 && !e.is_throttled() => return Err(RunError::Unreachable(Unreachable(e))),
            Err(_) => break,
        };
        let Ok(Value::Object(map)) = resp.json().map_err(drop) else { break };
        let listed = map.get(discovery::WINDOW_IDENTITIES).and_then(Value::as_array).cloned().unwrap_or_default();
        out.extend(
            listed
                .iter()
                .filter_map(|w| w.get(discovery::WINDOW_ID)?.as_str())
                .filter(|w| discovery::is_window_id(w))
                .map(str::to_owned),
        );
        match map.get("NextToken").and_then(Value::as_str).filter(|t| !t.is_empty()) {
            Some(t) => body = json!({ "NextToken": t }),
            None => break,
        }
    }
    out.dedup();
    Ok(out)
}

fn unit(name: &str, check: CheckId, findings: Vec<Finding>, note: String) -> CaseResult {
    CaseResult::builtin(format!("{UNIT}: {name}"), check, findings, note)
}

fn skipped(name: &str, check: CheckId, why: &str) -> CaseResult {
    CaseResult::skipped(format!("{UNIT}: {name}"), check, Origin::Builtin, why)
}

/// The windows walked at the largest page: each with its walk and executions.
struct Walked {
    window: String,
    walk: WalkPages,
    items: Vec<Value>,
}

/// The EITHER alternatives an endpoint was seen to choose, by rule.
pub type Choices = BTreeMap<EitherRule, BTreeSet<String>>;

/// What the operation's run found: its units and the EITHER alternatives the endpoint chose.
#[derive(Default)]
pub struct Ran {
    /// One result per unit.
    pub results: Vec<CaseResult>,
    /// The alternatives of §9's EITHER rules it was seen to choose.
    pub choices: Choices,
    /// How many windows with executions it walked; `None` when the operation is not implemented.
    pub windows_with_executions: Option<usize>,
}

/// Runs the operation's units against `client`'s endpoint, with `generated_cases` generated
/// requests (0: none); `strict` (`--strict-messages`) compares validation messages with AWS's
/// wording.
pub async fn run(client: &Client, seed: u64, generated_cases: u32, strict: bool) -> Result<Ran, RunError> {
    let listed = in_unit(format!("{UNIT}: windows"), windows(client)).await?;
    let mut seen = Seen::default();
    let mut walked = Vec::new();
    for w in listed.iter().take(MAX_WINDOWS) {
        let (walk, items) = in_unit(format!("{UNIT}: windows"), walk(client, &mut seen, w, Some(100), None)).await;
        walked.push(Walked { window: w.clone(), walk, items });
    }
    let unknown = unknown_window(seed, &listed);
    let probe = request(&json!({ discovery::WINDOW_ID: listed.first().unwrap_or(&unknown) }));
    let answer = client.send(&probe).await.map_err(|e| RunError::Unreachable(Unreachable(e)))?;
    if let Some(how) = not_implemented(&answer) {
        let finding =
            Finding::new(CheckId::OperationImplemented, format!("the endpoint to implement {UNIT}"), how.why.clone())
                .deviating(how.deviation);
        let result = CaseResult::new(
            format!("{UNIT}: operation-implemented"),
            CheckId::OperationImplemented,
            Origin::Builtin,
            Outcome::Failed(vec![finding]),
        )
        .with_repro(Some(client.repro(&probe)))
        .with_exchange(Some(Exchange::capped(probe, Ok(answer))));
        return Ok(Ran { results: vec![result], ..Ran::default() });
    }
    let (mut results, mut choices) = (Vec::new(), Choices::new());
    let mut wording = strict.then(Wording::default);
    let cases = validation(client, &walked, &unknown, wording.as_mut());
    results.extend(in_unit(format!("{UNIT}: validation"), cases).await);
    results.extend(wording.map(Wording::unit));
    let chosen = walked
        .iter()
        .filter(|w| w.walk.ended && w.walk.broken.is_none() && w.items.len() <= MAX_WALKED)
        .max_by_key(|w| w.items.len())
        .filter(|w| !w.items.is_empty());
    match chosen {
        Some(w) => {
            results.push(in_unit(format!("{UNIT}: pagination"), pagination(client, &mut seen, w)).await);
            results.push(in_unit(format!("{UNIT}: filters"), filters(client, &mut seen, w)).await);
            let open = open_filters(client, &mut seen, w, &mut choices);
            results.push(in_unit(format!("{UNIT}: open filters"), open).await);
        }
        None => {
            let why = "needs a window the endpoint lists with executions (at most 500)";
            results.push(skipped("pagination", CheckId::ExecutionsPagination, why));
            results.push(skipped("time filters", CheckId::ExecutionsFilterTime, why));
            results.push(skipped("open filters", CheckId::ExecutionsValidation, why));
        }
    }
    let unknown_unit = unknown_window_unit(client, &unknown, &mut choices);
    results.push(in_unit(format!("{UNIT}: unknown window"), unknown_unit).await);
    if generated_cases > 0 {
        let known = walked.iter().max_by_key(|w| w.items.len()).map(|w| w.window.as_str());
        let run = generated(client, &mut seen, known.unwrap_or(&unknown), known.is_some(), seed, generated_cases);
        results.push(in_unit(format!("{UNIT}: generated requests"), run).await);
    }
    results.extend(over_every_page(seen));
    let windows_with_executions = Some(walked.iter().filter(|w| !w.items.is_empty()).count());
    Ok(Ran { results, choices, windows_with_executions })
}

/// A well-formed window id none of `listed` is, from the run's seed.
fn unknown_window(seed: u64, listed: &[String]) -> String {
    let mut rng = SplitMix64::new(seed ^ 0x6d77);
    loop {
        let id = format!("mw-{}", &rng.well_formed_id().replace('-', "").to_lowercase()[..17]);
        if !listed.contains(&id) {
            return id;
        }
    }
}

/// What `--strict-messages` compared of the validation cases' messages (STRICT, §9).
#[derive(Default)]
struct Wording {
    /// How many messages were compared.
    compared: usize,
    /// The wording's findings.
    findings: Vec<Finding>,
    /// The first request whose message was not AWS's wording.
    repro: Option<String>,
}

impl Wording {
    /// One unit over every message compared: one finding per deviation of the wording.
    fn unit(self) -> CaseResult {
        let check = CheckId::ExecutionsValidationMessage;
        if self.compared == 0 {
            return skipped("validation messages", check, "no validation case was answered with a message to compare");
        }
        let note = format!("{} validation messages compared with AWS's wording", self.compared);
        unit("validation messages", check, deviations(self.findings), note).with_repro(self.repro)
    }
}

/// The model's validation cases around a valid request for the largest listed window (or, with
/// none listed, an unknown one: then only the cases that break a constraint, whose answer does not
/// depend on the window). The wording of their messages goes to `wording` (`None`: not compared).
async fn validation(
    client: &Client,
    walked: &[Walked],
    unknown: &str,
    mut wording: Option<&mut Wording>,
) -> Vec<CaseResult> {
    let known = walked.iter().max_by_key(|w| w.items.len()).map(|w| w.window.clone());
    let window = known.clone().unwrap_or_else(|| unknown.to_owned());
    let mut base = Map::new();
    base.insert(discovery::WINDOW_ID.to_owned(), json!(window));
    let mut out = Vec::new();
    for (what, body) in judge::model_cases(&base) {
        use crate::oracle::model_input::{validate, InputVerdict, IntegralFloats};
        let input = crate::model::shape::describe_maintenance_window_executions_request::SHAPE;
        let verdict = validate(input, &body, IntegralFloats::AsIntegers);
        let (valid, invalid) = (verdict == InputVerdict::Valid, matches!(verdict, InputVerdict::Invalid(_)));
        let name = format!("validation: {what}");
        if valid && known.is_none() {
            out.push(skipped(&name, CheckId::ExecutionsValidation, "needs a window the endpoint lists"));
            continue;
        }
        let req = request(&body);
        let findings = match send(client, &req, CheckId::ExecutionsValidation).await {
            Err(Unanswered::Throttled(why)) => {
                out.push(not_evaluated(&name, CheckId::ExecutionsValidation, &why));
                continue;
            }
            Ok(resp) => {
                let (findings, worded): (Vec<Finding>, Vec<Finding>) =
                    judge::judge_validation(&body, &resp, wording.is_some())
                        .into_iter()
                        .partition(|f| f.check != CheckId::ExecutionsValidationMessage);
                // A message is compared where the case earned a ValidationException and got one
                // naming every violated member.
                if let Some(w) = wording.as_deref_mut().filter(|_| invalid && findings.is_empty()) {
                    w.compared += 1;
                    if !worded.is_empty() {
                        w.repro.get_or_insert_with(|| client.repro(&req));
                        w.findings.extend(worded);
                    }
                }
                let result =
                    unit(&name, CheckId::ExecutionsValidation, findings, "answered as the model says".to_owned());
                out.push(
                    result.with_repro(Some(client.repro(&req))).with_exchange(Some(Exchange::capped(req, Ok(resp)))),
                );
                continue;
            }
            Err(Unanswered::Failed(f)) => vec![f],
        };
        out.push(
            unit(&name, CheckId::ExecutionsValidation, findings, String::new()).with_repro(Some(client.repro(&req))),
        );
    }
    out
}

/// The window walked at 10, at the default size, and (already) at 100.
async fn pagination(client: &Client, seen: &mut Seen, w: &Walked) -> CaseResult {
    let mut walks = vec![w.walk.clone()];
    for size in [Some(10), None] {
        walks.push(walk(client, seen, &w.window, size, None).await.0);
    }
    if let Some(why) = walks.iter().find_map(|w| w.throttled.clone()) {
        return not_evaluated("pagination", CheckId::ExecutionsPagination, &why);
    }
    let note = format!("{} executions of {} walked at MaxResults 100, 10 and absent", w.items.len(), w.window);
    let first = request(&json!({ discovery::WINDOW_ID: w.window, "MaxResults": 10 }));
    unit("pagination", CheckId::ExecutionsPagination, judge::judge_walks(&w.window, &walks), note)
        .with_repro(Some(client.repro(&first)))
}

/// Each documented filter at instants between the window's executions' times.
async fn filters(client: &Client, seen: &mut Seen, w: &Walked) -> CaseResult {
    let instants = judge::filter_instants(&w.items, INSTANTS);
    if instants.is_empty() {
        return skipped("time filters", CheckId::ExecutionsFilterTime, "needs executions with start or end times");
    }
    let (mut findings, mut repro, mut throttled, mut judged) = (Vec::new(), None, None, 0);
    for key in semantics::DOCUMENTED_KEYS {
        for instant in &instants {
            let filter = json!([{ "Key": key, "Values": [instant] }]);
            repro.get_or_insert_with(|| {
                client.repro(&request(&json!({ discovery::WINDOW_ID: w.window, "MaxResults": 100, "Filters": filter })))
            });
            let (walk, _) = walk(client, seen, &w.window, Some(100), Some(&filter)).await;
            if let Some(why) = walk.throttled {
                throttled.get_or_insert(why);
                continue;
            }
            judged += 1;
            if let Some(why) = walk.broken.filter(|_| walk.pages.is_empty()) {
                let expected =
                    format!("{key} {instant} accepted: a documented filter key with an ISO 8601 value (contract §9)");
                findings.push(Finding::new(CheckId::ExecutionsFilterTime, expected, why));
                continue;
            }
            let ids: Vec<String> = walk.pages.into_iter().flatten().collect();
            findings.extend(judge::judge_filter(key, instant, &w.items, &ids));
        }
    }
    if let (0, Some(why)) = (judged, throttled) {
        return not_evaluated("time filters", CheckId::ExecutionsFilterTime, &why);
    }
    let note = format!(
        "{} and {} at {} instants over {}'s {} executions",
        semantics::EXECUTED_BEFORE,
        semantics::EXECUTED_AFTER,
        instants.len(),
        w.window,
        w.items.len()
    );
    unit("time filters", CheckId::ExecutionsFilterTime, findings, note).with_repro(repro)
}

/// The filters §9 leaves open, each sent once for the window: the keys the documentation does not
/// name (those the issue asking for this operation named), a documented key with a value that is
/// no instant, and a time filter with two values. A 200 or a 400 client error with `__type`
/// passes (EITHER); the alternative the endpoint chose is recorded.
async fn open_filters(client: &Client, seen: &mut Seen, w: &Walked, choices: &mut Choices) -> CaseResult {
    let instants = judge::filter_instants(&w.items, 2);
    let instant = instants.first().cloned().unwrap_or_else(|| "2025-01-01T00:00:00Z".to_owned());
    let item_id = crate::model::shape::maintenance_window_execution::WINDOW_EXECUTION_ID;
    let execution = w.items.iter().find_map(|e| e[item_id].as_str()).unwrap_or_default().to_owned();
    let [execution_id, status, start_before, start_after] = semantics::UNDOCUMENTED_KEYS;
    let cases = [
        (EitherRule::ExecutionsUndocumentedFilter, json!({ "Key": execution_id, "Values": [execution] })),
        (EitherRule::ExecutionsUndocumentedFilter, json!({ "Key": status, "Values": ["SUCCESS"] })),
        (EitherRule::ExecutionsUndocumentedFilter, json!({ "Key": start_before, "Values": [instant] })),
        (EitherRule::ExecutionsUndocumentedFilter, json!({ "Key": start_after, "Values": [instant] })),
        (
            EitherRule::ExecutionsUndocumentedFilter,
            json!({ "Key": semantics::EXECUTED_BEFORE, "Values": ["yesterday"] }),
        ),
        (EitherRule::ExecutionsSeveralValues, json!({ "Key": semantics::EXECUTED_AFTER, "Values": instants })),
    ];
    let (mut findings, mut repro, mut judged, mut throttled) = (Vec::new(), None, 0, None);
    for (rule, filter) in cases {
        if rule == EitherRule::ExecutionsSeveralValues && instants.len() < 2 {
            continue;
        }
        let body = json!({ discovery::WINDOW_ID: w.window, "Filters": [filter] });
        let req = request(&body);
        let found = match send(client, &req, CheckId::ExecutionsValidation).await {
            Err(Unanswered::Throttled(why)) => {
                throttled.get_or_insert(why);
                continue;
            }
            Err(Unanswered::Failed(f)) => vec![f],
            Ok(resp) => {
                if resp.status == 200 {
                    seen.saw(&w.window, &resp);
                }
                if let Some(alternative) = judge::open_alternative(&resp) {
                    choices.entry(rule).or_default().insert(alternative);
                }
                judge::judge_generated(&body, &resp, Some(&w.window), false)
            }
        };
        judged += 1;
        if !found.is_empty() {
            repro.get_or_insert_with(|| client.repro(&req));
            findings.extend(found);
        }
    }
    if let (0, Some(why)) = (judged, throttled) {
        return not_evaluated("open filters", CheckId::ExecutionsValidation, &why);
    }
    let note = format!("{judged} filters §9 leaves open (undocumented keys, a value that is no instant, two values)");
    unit("open filters", CheckId::ExecutionsValidation, findings, note).with_repro(repro)
}

async fn unknown_window_unit(client: &Client, unknown: &str, choices: &mut Choices) -> CaseResult {
    let req = request(&json!({ discovery::WINDOW_ID: unknown }));
    let resp = match send(client, &req, CheckId::ExecutionsUnknownWindow).await {
        Ok(r) => r,
        Err(Unanswered::Throttled(why)) => {
            return not_evaluated("unknown window", CheckId::ExecutionsUnknownWindow, &why)
        }
        Err(Unanswered::Failed(f)) => {
            return unit("unknown window", CheckId::ExecutionsUnknownWindow, vec![f], String::new())
        }
    };
    let (findings, chose) = judge::judge_unknown_window(&resp);
    if let Some(c) = &chose {
        choices.entry(EitherRule::ExecutionsUnknownWindow).or_default().insert(c.to_string());
    }
    let result = unit(
        "unknown window",
        CheckId::ExecutionsUnknownWindow,
        findings,
        format!("{unknown}, a window no listing names"),
    );
    CaseResult { outcome: result.outcome.with_choice(chose), ..result }
        .with_repro(Some(client.repro(&req)))
        .with_exchange(Some(Exchange::capped(req, Ok(resp))))
}

/// Requests generated from the input shape alone (`source::model_gen`), around a valid request
/// for `window`, each judged by what the model says of it (`check::executions::judge_generated`);
/// every success's executions join the shape and window units.
async fn generated(client: &Client, seen: &mut Seen, window: &str, known: bool, seed: u64, cases: u32) -> CaseResult {
    use proptest::strategy::{Strategy, ValueTree};
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let samples = vec![
        (discovery::WINDOW_ID, json!(window)),
        ("Filters", json!([{ "Key": semantics::EXECUTED_AFTER, "Values": ["2024-12-30T00:00:00Z"] }])),
        ("Key", json!(semantics::EXECUTED_BEFORE)),
    ];
    let input = crate::model::shape::describe_maintenance_window_executions_request::SHAPE;
    let strategy = crate::source::model_gen::structure(input, &samples, 0);
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(Config::default(), TestRng::from_seed(RngAlgorithm::ChaCha, &bytes));
    let known = known.then_some(window);
    let (mut findings, mut repro, mut sent) = (Vec::new(), None, 0);
    for _ in 0..cases {
        let Ok(mut tree) = strategy.new_tree(&mut runner) else { break };
        // Throttled on every attempt: not judged, not counted.
        let Some(mut found) = try_generated(client, seen, &tree.current(), known).await else { continue };
        sent += 1;
        if found.is_empty() {
            continue;
        }
        if repro.is_none() {
            // The first failure, shrunk: its simplest body is the repro (one per unit).
            let drawn = tree.current().to_string().len();
            let shrinking = shrink(client, seen, tree.as_mut(), found, known).await;
            repro = Some(client.repro(&request(&shrinking.body)));
            found = shrinking.findings;
            let said = format!(
                "shrunk in {} requests from {drawn} to {} bytes: the repro is the simplest request found that fails this way",
                shrinking.requests,
                shrinking.body.to_string().len()
            );
            if let Some(first) = found.first_mut().filter(|f| f.detail.is_none() && shrinking.requests > 0) {
                first.detail = Some(said);
            }
        }
        findings.extend(found);
    }
    let note = format!("{sent} requests generated from the model's input shape, seed {seed}");
    unit("generated requests", CheckId::ExecutionsValidation, deviations(findings), note).with_repro(repro)
}

/// Sends one generated body and judges its answer by what the model says of it; `None` when every
/// attempt was throttled (not judged).
async fn try_generated(client: &Client, seen: &mut Seen, body: &Value, known: Option<&str>) -> Option<Vec<Finding>> {
    let req = request(body);
    match send(client, &req, CheckId::ExecutionsValidation).await {
        Err(Unanswered::Throttled(_)) => None,
        Err(Unanswered::Failed(f)) => Some(vec![f]),
        Ok(resp) => {
            if resp.status == 200 {
                seen.saw(body.get(discovery::WINDOW_ID).and_then(Value::as_str).unwrap_or_default(), &resp);
            }
            // The wording is judged on the validation cases alone (one unit, `Wording`).
            Some(judge::judge_generated(body, &resp, known, false))
        }
    }
}

/// The most requests shrinking one failing generated request may send.
const SHRINK_BUDGET: usize = 64;

/// A failing generated request, shrunk.
struct Shrunk {
    /// The simplest body found that still fails the same way.
    body: Value,
    /// Its findings.
    findings: Vec<Finding>,
    /// How many requests the shrinking sent.
    requests: usize,
}

/// Shrinks a failing generated request as proptest does — simpler while it still fails with the
/// same expectation, back towards the failure when it stops — within [`SHRINK_BUDGET`] requests.
async fn shrink(
    client: &Client,
    seen: &mut Seen,
    tree: &mut dyn proptest::strategy::ValueTree<Value = Value>,
    findings: Vec<Finding>,
    known: Option<&str>,
) -> Shrunk {
    let expected = findings.first().map(|f| f.expected.clone()).unwrap_or_default();
    let mut best = Shrunk { body: tree.current(), findings, requests: 0 };
    let mut failing = true;
    while best.requests < SHRINK_BUDGET {
        let moved = if failing { tree.simplify() } else { tree.complicate() };
        if !moved {
            break;
        }
        let body = tree.current();
        best.requests += 1;
        let Some(found) = try_generated(client, seen, &body, known).await else { break };
        failing = found.iter().any(|f| f.expected == expected);
        if failing {
            (best.body, best.findings) = (body, found);
        }
    }
    best
}

/// One finding per deviation, however many executions and pages show it: findings whose texts
/// differ only in an execution's index are one, the first kept with the count.
fn deviations(findings: Vec<Finding>) -> Vec<Finding> {
    let mut out: Vec<(String, Finding, usize)> = Vec::new();
    for f in findings {
        let key = without_indices(&f.actual);
        match out.iter_mut().find(|(k, _, _)| *k == key) {
            Some((_, _, n)) => *n += 1,
            None => out.push((key, f, 1)),
        }
    }
    out.into_iter()
        .map(|(_, mut f, n)| {
            if n > 1 {
                f.actual = format!("{} (and {} more like it)", f.actual, n - 1);
            }
            f
        })
        .collect()
}

/// `text` with every `[123]` written `[i]`.
fn without_indices(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..=open]);
        rest = &rest[open + 1..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && rest[digits..].starts_with(']') {
            out.push('i');
            rest = &rest[digits..];
        }
    }
    out.push_str(rest);
    out
}

/// The shape and the window of every execution every listing returned.
fn over_every_page(seen: Seen) -> Vec<CaseResult> {
    let (shape, window) = (deviations(seen.shape), deviations(seen.window));
    let note = format!("{} pages", seen.pages);
    if seen.pages == 0 {
        let why = "needs a window the endpoint lists";
        return vec![
            skipped("response shape", CheckId::ExecutionsResponseShape, why),
            skipped("executions of the window", CheckId::ExecutionsItemWindow, why),
        ];
    }
    vec![
        unit("response shape", CheckId::ExecutionsResponseShape, shape, note.clone()),
        unit("executions of the window", CheckId::ExecutionsItemWindow, window, note),
    ]
}
