//! `run --replay DIR`: a recording (`run --record DIR`, `transport::record`) as the test. Each
//! recorded unit's requests go to the endpoint again, in the recorded order, and each answer is
//! judged against the contract with the recording as the oracle's knowledge of the world, and
//! compared with the recorded answer (`judge.rs`).
//!
//! Ids and tokens go through the recording, never compared literally: a walk the recording
//! followed page by page is replayed as a walk — its first request sent again and this
//! endpoint's own tokens followed to the end — so page boundaries may differ (the default page
//! size is EITHER) and the walks are compared by their items; a recorded token that a later
//! request reuses or carries elsewhere is replaced by the token this endpoint issued at the same
//! place of the same walk. Execution ids are sent as recorded, or mapped in order onto the ids
//! given with `--execution-id` (then the data differs, and items are not compared).
//!
//! To add a comparison: a pure function in `judge.rs`, called from `Replay::single` or
//! `Replay::walk`.

mod judge;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::check::pagination::{bounded, PaginationWalk, WalkEnd, WalkProgress, MAX_WALK_PAGES};
use crate::check::{CheckId, CheckOptions};
use crate::contract::input;
use crate::finding::{CaseResult, Exchange, Finding, Outcome, RunReport};
use crate::oracle::World;
use crate::request::WireRequest;
use crate::response::{Received, WireResponse};
use crate::runner::Observations;
use crate::source::Origin;
use crate::transport::record::{self, Recorded, RecordingError};
use crate::transport::Client;
use judge::WalkPair;

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
}

/// One recorded unit.
#[derive(Debug, Clone)]
pub struct RecordedUnit {
    /// Its name in the recorded run.
    pub name: String,
    /// Its exchanges, in order.
    pub exchanges: Vec<Recorded>,
}

/// Reads every `*.http` recording in `dir`, in file-name order (the recorded order of units).
pub fn load(dir: &Path) -> Result<Vec<RecordedUnit>, ReplayError> {
    let folder = |message: String| ReplayError::Folder { dir: dir.to_owned(), message };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| folder(e.to_string()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "http"))
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(folder("no .http recording files (write some with run --record DIR)".to_owned()));
    }
    paths
        .iter()
        .map(|p| {
            let bytes = std::fs::read(p).map_err(|e| folder(format!("{}: {e}", p.display())))?;
            let (name, exchanges) = record::parse(p, &bytes)?;
            Ok(RecordedUnit { name, exchanges })
        })
        .collect()
}

/// Request headers a replay does not send again: the signature (the client signs anew) and the
/// framing.
const NOT_RESENT: [&str; 5] = ["authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256", "host"];

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
    /// The `MaxResults` and filters of the page that issued each token of this endpoint (bounded
    /// keys).
    token_sizes: HashMap<String, (Option<i64>, Option<String>)>,
    /// Every token the recorded endpoint issued (bounded).
    recorded_issued: std::collections::HashSet<String>,
    observations: Observations,
    informational: usize,
}

/// What one unit's replay found.
#[derive(Default)]
struct UnitVerdict {
    findings: Vec<Finding>,
    notes: Vec<String>,
    exchange: Option<Exchange>,
    repro: Option<String>,
    check: Option<CheckId>,
    /// The check of the recorded unit when it is a case of the suite.
    case_check: Option<CheckId>,
    /// The unit's complete walks from the start, by listing (execution, filters).
    walks: std::collections::BTreeMap<(String, Option<String>), Vec<PaginationWalk>>,
}

impl Replay<'_> {
    /// `req` as sent now: ids and tokens through the recording, signature headers left to the
    /// client.
    fn rewrite(&self, req: &WireRequest) -> (WireRequest, Option<(String, String)>) {
        let mut req = req.clone();
        req.headers.retain(|(k, _)| !NOT_RESENT.contains(&k.to_ascii_lowercase().as_str()));
        let Some(body) = req.json_body() else { return (req, None) };
        let text = |m: &str| body.get(m).and_then(Value::as_str);
        if let Some(now) = text(input::WINDOW_EXECUTION_ID).and_then(|id| self.ids.get(id).map(|now| (id, now))) {
            req.body = replace_json_string(&req.body, now.0, now.1);
        }
        let mut token_world = None;
        if let Some(t) = text(input::NEXT_TOKEN) {
            if let Some((now, exec)) = self.tokens.get(&bounded(t)) {
                req.body = replace_json_string(&req.body, t, now);
                token_world = Some((now.clone(), exec.clone()));
            }
        }
        (req, token_world)
    }

    /// Judged with the world the recording shows; a token the recorded endpoint issued that the
    /// replay could not map may still be real here, so it is judged both ways and a finding needs
    /// both to fail.
    fn judged_in_possible_worlds(
        &self,
        req: &WireRequest,
        recorded: &Result<WireResponse, String>,
        resp: &WireResponse,
        token: Option<(String, String)>,
        unit_check: Option<CheckId>,
    ) -> (CheckId, Vec<Finding>, Option<String>) {
        let judged = judge::judge_exchange(req, recorded, resp, &self.world(token.clone()), self.opts, unit_check);
        let body = req.json_body();
        let carried = body.as_ref().and_then(|b| b.get(input::NEXT_TOKEN)).and_then(Value::as_str).map(bounded);
        let unmapped_real = token.is_none() && carried.is_some_and(|t| self.recorded_issued.contains(&t));
        if judged.1.is_empty() || !unmapped_real {
            return judged;
        }
        let exec =
            body.as_ref().and_then(|b| b.get(input::WINDOW_EXECUTION_ID)).and_then(Value::as_str).unwrap_or_default();
        let raw = body.as_ref().and_then(|b| b.get(input::NEXT_TOKEN)).and_then(Value::as_str).unwrap_or_default();
        let world = self.world(Some((raw.to_owned(), exec.to_owned())));
        let other = judge::judge_exchange(req, recorded, resp, &world, self.opts, unit_check);
        if other.1.is_empty() {
            other
        } else {
            judged
        }
    }

    /// Another operation (or another target): not the oracle's; a client error where the
    /// recording got a success, or the other way round, is a finding under the case's check.
    fn other_operation(
        &mut self,
        recorded: &Result<WireResponse, String>,
        resp: &WireResponse,
        verdict: &mut UnitVerdict,
    ) {
        let class = |s: u16| s / 100;
        let (was, is) = (judge::answer_label(recorded), judge::response_label(resp));
        match recorded {
            Ok(r) if class(r.status) != class(resp.status) && (class(r.status) == 2 || class(resp.status) == 2) => {
                let check = verdict.check.unwrap_or(CheckId::UnknownOperation);
                verdict.findings.push(Finding::new(check, format!("the answer the recording got ({was})"), is));
            }
            _ if was != is => {
                self.informational += 1;
                verdict.notes.push(format!("the recording answered {was}, this endpoint {is}"));
            }
            _ => {}
        }
    }

    fn world(&self, token: Option<(String, String)>) -> World {
        let issued = token.as_ref().and_then(|(t, _)| self.token_sizes.get(&bounded(t)).cloned());
        let (token_page_size, token_filters) = issued.unwrap_or((None, None));
        World { known: self.world_known.clone(), token, token_page_size, token_filters }
    }

    /// One recorded request sent again and judged.
    async fn single(&mut self, unit: &str, recorded: &Recorded, verdict: &mut UnitVerdict) {
        let (req, token) = self.rewrite(&recorded.request);
        verdict.repro.get_or_insert_with(|| self.client.repro(&req));
        let answer = self.client.send(&req).await;
        let resp = match answer {
            Ok(r) => r,
            Err(e) => {
                let check = verdict.check.unwrap_or(CheckId::ResponseBody);
                verdict.findings.push(Finding::new(check, "an HTTP answer", e.to_string()));
                return;
            }
        };
        let target = req.header(crate::contract::TARGET_HEADER).unwrap_or_default();
        if !target.eq_ignore_ascii_case(crate::contract::TARGET) {
            self.other_operation(&recorded.response, &resp, verdict);
            verdict.exchange.get_or_insert_with(|| Exchange::capped(req, Ok(resp)));
            return;
        }
        self.observations.record(self.client, unit, &req, &Received::new(&resp));
        if let Some(how) = crate::runner::not_implemented(&resp) {
            let expected = format!("the endpoint to implement {}", crate::contract::OPERATION);
            verdict
                .findings
                .push(Finding::new(CheckId::OperationImplemented, expected, how.why).deviating(how.deviation));
            verdict.exchange.get_or_insert_with(|| Exchange::capped(req, Ok(resp)));
            return;
        }
        let (check, findings, note) =
            self.judged_in_possible_worlds(&req, &recorded.response, &resp, token, verdict.case_check);
        verdict.check.get_or_insert(check);
        verdict.findings.extend(findings);
        if let Some(n) = note {
            self.informational += 1;
            verdict.notes.push(n);
        }
        let offers_walk = resp.status == 200
            && crate::response::next_token_of(&resp).is_some_and(|t| !t.is_empty())
            && next_token(&recorded.response).is_none();
        verdict.exchange.get_or_insert_with(|| Exchange::capped(req, Ok(resp)));
        // This endpoint offers pages where the recording had none (it found what the recording
        // did not: an EITHER choice): the walk is followed and checked on its own.
        if offers_walk {
            self.walk(unit, &[recorded], verdict).await;
        }
    }
}

/// The units of a recording as steps: walks (a request and the continuations the recording
/// followed with the same request) and single requests.
enum Step<'r> {
    Single(&'r Recorded),
    Walk { pages: Vec<&'r Recorded> },
}

/// The request without its token, to tell a walk's continuation from another question.
fn shape(req: &WireRequest) -> Option<Value> {
    let mut body = req.json_body()?;
    body.as_object_mut()?.remove(input::NEXT_TOKEN);
    Some(body)
}

fn next_token(resp: &Result<WireResponse, String>) -> Option<String> {
    let r = resp.as_ref().ok().filter(|r| r.status == 200)?;
    crate::response::next_token_of(r).filter(|t| !t.is_empty()).map(|t| t.to_string())
}

fn steps(unit: &RecordedUnit) -> Vec<Step<'_>> {
    let mut steps: Vec<Step<'_>> = Vec::new();
    // Recorded token (bounded) → the walk it continues (its step) and the walk's shape.
    let mut open: HashMap<String, (usize, Value)> = HashMap::new();
    for e in &unit.exchanges {
        let token =
            e.request.json_body().and_then(|b| b.get(input::NEXT_TOKEN).and_then(Value::as_str).map(str::to_owned));
        let continued = token.filter(|t| !t.is_empty()).and_then(|t| open.remove(&bounded(&t)));
        let step = match (continued, shape(&e.request)) {
            (Some((i, walk_shape)), Some(s)) if walk_shape == s => {
                if let Step::Walk { pages } = &mut steps[i] {
                    pages.push(e);
                }
                i
            }
            // An answer with a token starts a walk, whether or not its request carried one.
            _ if next_token(&e.response).is_some() => {
                steps.push(Step::Walk { pages: vec![e] });
                steps.len() - 1
            }
            _ => {
                steps.push(Step::Single(e));
                continue;
            }
        };
        if let (Some(t), Some(s)) = (next_token(&e.response), shape(&e.request)) {
            open.insert(bounded(&t), (step, s));
        }
    }
    steps
}

/// `body` with every JSON string `from` written as `to` (the other bytes unchanged: a number
/// keeps its spelling).
fn replace_json_string(body: &[u8], from: &str, to: &str) -> Vec<u8> {
    let (from, to) = (Value::from(from).to_string(), Value::from(to).to_string());
    let text = String::from_utf8_lossy(body);
    if from == to || !text.contains(&from) {
        return body.to_vec();
    }
    text.replace(&from, &to).into_bytes()
}

/// Each page's item keys of a recorded walk, and whether the recording followed it to the end.
fn recorded_pages(pages: &[&Recorded]) -> (Vec<Vec<String>>, bool) {
    let mut keys = Vec::new();
    for p in pages {
        let Ok(resp) = &p.response else { return (keys, false) };
        let received = Received::new(resp);
        match received.page() {
            Ok(page) if resp.status == 200 => {
                keys.push(page.items.iter().map(crate::check::pagination::item_key).collect());
            }
            _ => return (keys, false),
        }
    }
    let complete = pages.last().is_some_and(|p| next_token(&p.response).is_none());
    (keys, complete)
}

impl Replay<'_> {
    /// The request for page `n` (0-based) of a replayed walk: the recorded request of that page
    /// (or the last recorded continuation) with this endpoint's token in place of the recorded one.
    fn page_request(&self, pages: &[&Recorded], n: usize, token: &str) -> WireRequest {
        let template = pages.get(n).or_else(|| pages.last().filter(|_| pages.len() > 1)).copied();
        let recorded_token = template
            .and_then(|t| t.request.json_body())
            .and_then(|b| b.get(input::NEXT_TOKEN).and_then(Value::as_str).map(str::to_owned));
        match (template, recorded_token) {
            (Some(t), Some(old)) => {
                let (mut req, _) = self.rewrite(&t.request);
                req.body = replace_json_string(&req.body, &old, token);
                if let Some(now) = self.tokens.get(&bounded(&old)).map(|(now, _)| now.clone()) {
                    req.body = replace_json_string(&req.body, &now, token);
                }
                req
            }
            _ => {
                let (mut req, _) = self.rewrite(&pages[0].request);
                if let Ok(Value::Object(mut body)) = serde_json::from_slice::<Value>(&req.body) {
                    body.insert(input::NEXT_TOKEN.into(), Value::from(token));
                    req.body = Value::Object(body).to_string().into_bytes();
                }
                req
            }
        }
    }

    /// A recorded walk replayed as a walk: its first request, then this endpoint's own tokens to
    /// the end; each page judged, and the walk compared with the recorded one.
    async fn walk(&mut self, unit: &str, pages: &[&Recorded], verdict: &mut UnitVerdict) {
        // A walk may start from a token (one carried from another walk).
        let (mut req, mut token) = self.rewrite(&pages[0].request);
        verdict.repro.get_or_insert_with(|| self.client.repro(&req));
        let body = req.json_body().unwrap_or(Value::Null);
        let exec = body.get(input::WINDOW_EXECUTION_ID).and_then(Value::as_str).unwrap_or_default().to_owned();
        let mut progress = WalkProgress::default();
        let end = loop {
            let n = progress.pages.len();
            let resp = match self.client.send(&req).await {
                Ok(r) => r,
                Err(e) => break WalkEnd::Failed { page: n + 1, summary: e.to_string() },
            };
            self.observations.record(self.client, unit, &req, &Received::new(&resp));
            let recorded = if n == 0 { pages[0].response.clone() } else { Ok(resp.clone()) };
            let (check, findings, note) =
                self.judged_in_possible_worlds(&req, &recorded, &resp, token.clone(), verdict.case_check);
            verdict.check.get_or_insert(check);
            verdict.findings.extend(findings);
            verdict.notes.extend(note.inspect(|_| self.informational += 1));
            let taken = progress.take(&Received::new(&resp));
            verdict.exchange.get_or_insert_with(|| Exchange::capped(req.clone(), Ok(resp)));
            match taken {
                Ok(Some(next)) if n + 1 < MAX_WALK_PAGES => {
                    let size = req.json_body().and_then(|b| b.get(input::MAX_RESULTS).and_then(Value::as_i64));
                    self.token_sizes.insert(bounded(&next), (size, crate::oracle::filters_key(&req.body)));
                    if let Some(old) = pages.get(n).and_then(|p| next_token(&p.response)) {
                        self.tokens.insert(bounded(&old), (next.clone(), exec.clone()));
                    }
                    req = self.page_request(pages, n + 1, &next);
                    token = Some((next, exec.clone()));
                }
                Ok(Some(_)) => break WalkEnd::PageLimit { pages: n + 1 },
                Ok(None) => break WalkEnd::Complete,
                Err(end) => break end,
            }
        };
        // A first request refused is a single answer (the oracle judged it), not a walk.
        if progress.pages.is_empty() {
            return;
        }
        let size = body.get(input::MAX_RESULTS).and_then(Value::as_i64);
        let walked = PaginationWalk {
            page_size: size,
            varied: Some(format!("replayed walk of {exec}")),
            pages: progress.pages,
            end,
        };
        let (recorded, recorded_complete) = recorded_pages(pages);
        let filtered = body.get(input::FILTERS).is_some_and(|f| f.as_array().is_some_and(|a| !a.is_empty()));
        let pair =
            WalkPair { label: walked.label(), filtered, recorded: &recorded, recorded_complete, replayed: &walked };
        // A walk that starts from a token starts where that token points, which depends on the
        // page boundaries before it (the default page size is EITHER): its items are compared only
        // when it starts from the beginning.
        let from_start = body.get(input::NEXT_TOKEN).and_then(Value::as_str).is_none_or(str::is_empty);
        let (findings, note) = judge::judge_walk(&pair, self.same_data && from_start);
        verdict.findings.extend(findings);
        verdict.notes.extend(note.inspect(|_| self.informational += 1));
        // Walks of one listing within a unit are compared with each other, as the run's
        // relations compare them: the same items in the same order, whatever the page size.
        if from_start && walked.end == WalkEnd::Complete {
            let listing = (exec, crate::oracle::filters_key(&req.body));
            verdict.walks.entry(listing).or_default().push(walked);
        }
    }
}

/// Replays `units` against `client`'s endpoint. `ids`: the execution ids to use in place of the
/// recorded ones, in the order the recording first answered 200 for them (empty: as recorded).
pub async fn replay(client: &Client, units: &[RecordedUnit], ids: &[String], opts: CheckOptions) -> RunReport {
    let all: Vec<(WireRequest, Result<WireResponse, String>)> =
        units.iter().flat_map(|u| u.exchanges.iter().map(|e| (e.request.clone(), e.response.clone()))).collect();
    let recorded_known = judge::known_ids(&all);
    let map: HashMap<String, String> = if ids.is_empty() {
        recorded_known.iter().map(|i| (i.clone(), i.clone())).collect()
    } else {
        recorded_known.iter().cloned().zip(ids.iter().cloned()).collect()
    };
    let world_known = recorded_known.iter().filter_map(|i| map.get(i).cloned()).collect();
    let mut replay = Replay {
        client,
        opts,
        same_data: ids.is_empty(),
        ids: map,
        tokens: HashMap::new(),
        token_sizes: HashMap::new(),
        world_known,
        recorded_issued: all.iter().filter_map(|(_, r)| next_token(r)).map(|t| bounded(&t)).collect(),
        observations: Observations::default(),
        informational: 0,
    };
    let checks = case_checks();
    let mut results = Vec::new();
    for unit in units {
        let case_check = checks.get(&unit.name).copied();
        let mut verdict = UnitVerdict { check: case_check, case_check, ..UnitVerdict::default() };
        for step in steps(unit) {
            match step {
                Step::Single(e) => replay.single(&unit.name, e, &mut verdict).await,
                Step::Walk { pages } => replay.walk(&unit.name, &pages, &mut verdict).await,
            }
        }
        results.push(unit_result(unit, verdict, &checks));
    }
    let notes = vec![format!(
        "replayed {} recorded units ({} exchanges); {} answers chose another alternative than the recording where the contract accepts either (see each unit's note)",
        units.len(),
        all.len(),
        replay.informational
    )];
    let choices = replay.observations.choices.clone();
    results.extend(replay.observations.into_results());
    RunReport { results, choices, notes, ..RunReport::default() }
}

/// The check each built-in case is named by.
fn case_checks() -> HashMap<String, CheckId> {
    crate::source::builtin_cases().unwrap_or_default().into_iter().map(|c| (c.name, c.check)).collect()
}

fn unit_result(unit: &RecordedUnit, mut verdict: UnitVerdict, checks: &HashMap<String, CheckId>) -> CaseResult {
    for walks in verdict.walks.values() {
        let complete: Vec<&PaginationWalk> = walks.iter().collect();
        verdict.findings.extend(crate::check::pagination::compare_walks(&complete));
    }
    let first = verdict.findings.first().map(|f| f.check);
    let check = checks.get(&unit.name).copied().or(first).or(verdict.check).unwrap_or(CheckId::ResponseBody);
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
