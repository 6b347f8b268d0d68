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
//! Before it is the truth, the recording is judged (`trust.rs`): one that breaks the contract is
//! used for its requests only. Findings are named as the run names them (`judge::UnitKind`): each
//! recorded unit is a unit of the run (a case, a relation `<check> <execution>`, the probe, the
//! generated phase).
//!
//! To add a comparison: a pure function in `judge.rs`, called from `Replay::single` or
//! `Replay::walk`; a fact the recording must keep to be trusted: `trust::first_deviation`.

mod judge;
mod trust;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::check::pagination::{bounded, Listing, PaginationWalk, WalkEnd, WalkProgress, MAX_WALK_PAGES};
use crate::check::{CheckId, CheckOptions};
use crate::contract::input;
use crate::finding::{CaseResult, Exchange, Finding, Outcome, RunReport};
use crate::oracle::World;
use crate::request::WireRequest;
use crate::response::{Received, WireResponse};
use crate::runner::Observations;
use crate::runner::GENERATED_UNIT;
use crate::source::{Case, Origin};
use crate::transport::record::{self, Recorded, RecordingError};
use crate::transport::Client;
use judge::{UnitKind, WalkPair};

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
    /// The endpoint knows none of the executions the recorded run held to exist.
    #[error(
        "this endpoint knows none of the executions the recording holds to exist ({}: each is DoesNotExistException); its data is not the recording's: give its own ids with --execution-id, in the order of the recording's execution-ids.txt",
        ids.join(", ")
    )]
    OtherData {
        /// The ids, as sent.
        ids: Vec<String>,
    },
}

/// One recorded unit.
#[derive(Debug, Clone)]
pub struct RecordedUnit {
    /// Its name in the recorded run.
    pub name: String,
    /// Its exchanges, in order.
    pub exchanges: Vec<Recorded>,
}

/// A recording as read back.
#[derive(Debug, Clone)]
pub struct Recording {
    /// Its units, in the recorded order.
    pub units: Vec<RecordedUnit>,
    /// The executions the recorded run held to exist (`execution-ids.txt`; empty when absent).
    pub execution_ids: Vec<String>,
}

/// Reads a recording: every `*.http` file in `dir`, in file-name order (the recorded order of
/// units), and the execution ids the recorded run held to exist.
pub fn load(dir: &Path) -> Result<Recording, ReplayError> {
    let units = load_units(dir)?;
    let ids = dir.join(record::EXECUTION_IDS_FILE);
    let execution_ids = match std::fs::read(&ids) {
        Ok(bytes) => String::from_utf8_lossy(&bytes)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(ReplayError::Folder { dir: dir.to_owned(), message: format!("{}: {e}", ids.display()) }),
    };
    Ok(Recording { units, execution_ids })
}

fn load_units(dir: &Path) -> Result<Vec<RecordedUnit>, ReplayError> {
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
    /// Known ids whose existence the recording does not prove (see `judge::known_ids`): judged
    /// in a world with and without them.
    uncertain: std::collections::HashSet<String>,
    /// Whether the recording keeps the contract (`trust.rs`): else its items are compared with
    /// nothing and any id may exist.
    trusted: bool,
    /// The `MaxResults` and filters of the page that issued each token of this endpoint (bounded
    /// keys).
    token_sizes: HashMap<String, (Option<i64>, Option<String>)>,
    /// Every token the recorded endpoint issued (bounded).
    recorded_issued: std::collections::HashSet<String>,
    observations: Observations,
    informational: usize,
    /// The built-in cases by name: a recorded unit of that name is judged as that case.
    cases: HashMap<String, Case>,
    /// Tasks the recording lists in a status not yet final (see `judge::WalkPair::live`).
    live: std::collections::BTreeSet<String>,
}

/// The tasks any recorded page lists in a status not yet final (`PENDING`, `IN_PROGRESS`,
/// `CANCELLING`): a live execution's, which may have moved on since (contract §8).
fn live_tasks(exchanges: &[&Recorded]) -> std::collections::BTreeSet<String> {
    let mut live = std::collections::BTreeSet::new();
    for e in exchanges {
        let Ok(resp) = &e.response else { continue };
        let received = Received::new(resp);
        let Ok(page) = received.page() else { continue };
        for item in page.items.iter() {
            let status = crate::check::pagination::item_status(item);
            if crate::contract::real_service::LIVE_STATUSES.contains(&status.as_str()) {
                live.insert(crate::check::pagination::item_key(item));
            }
        }
    }
    live
}

/// What one unit's replay found.
#[derive(Default)]
struct UnitVerdict {
    findings: Vec<Finding>,
    notes: Vec<String>,
    exchange: Option<Exchange>,
    repro: Option<String>,
    check: Option<CheckId>,
    /// What the recorded unit is in the run.
    kind: UnitKind,
    /// The unit's complete walks from the start, by listing (execution, filters).
    walks: std::collections::BTreeMap<(String, Option<String>), Vec<PaginationWalk>>,
    /// Why the unit is not evaluated: a request throttled on every attempt.
    throttled: Option<String>,
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

    /// Judged with the world the recording shows, and in every other world it leaves possible: a
    /// token the recorded endpoint issued that the replay could not map may still be real here,
    /// and an execution the recording does not prove to exist may not; a finding needs every
    /// world to fail. A relation does not claim what such a request finds: this endpoint never
    /// issued that token, so the request tests its tokens, not the relation.
    fn judged_in_possible_worlds(
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
        let base = self.world(token.clone());
        let judged = judge::judge_exchange(req, recorded, resp, &base, self.opts, unit);
        if judged.1.is_empty() {
            return judged;
        }
        let mut others = Vec::new();
        if token.is_none() && carried.is_some_and(|t| self.recorded_issued.contains(&t)) {
            let raw = body.as_ref().and_then(|b| b.get(input::NEXT_TOKEN)).and_then(Value::as_str).unwrap_or_default();
            others.push(self.world(Some((raw.to_owned(), execution_id(req)))));
        }
        let id = execution_id(req);
        if !self.trusted && !base.known.contains(&id) && crate::contract::matches_id_pattern(&id) {
            let with = |w: &World| World { known: [w.known.clone(), vec![id.clone()]].concat(), ..w.clone() };
            let mut found: Vec<World> = others.iter().map(with).collect();
            found.push(with(&base));
            others.extend(found);
        }
        if self.uncertain.contains(&id) {
            let without =
                |w: &World| World { known: w.known.iter().filter(|k| **k != id).cloned().collect(), ..w.clone() };
            let mut gone: Vec<World> = others.iter().map(without).collect();
            gone.push(without(&base));
            others.extend(gone);
        }
        others
            .iter()
            .map(|world| judge::judge_exchange(req, recorded, resp, world, self.opts, unit))
            .find(|other| other.1.is_empty())
            .unwrap_or(judged)
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
            let (findings, _) = crate::check::judge_expectation(case, req.json_body().as_ref(), &received, self.opts);
            if !findings.is_empty() {
                verdict.findings.extend(findings);
                return;
            }
        }
        let (was, is) = (judge::answer_label(recorded), judge::response_label(resp));
        if was != is {
            self.informational += 1;
            verdict.notes.push(format!("the recording answered {was}, this endpoint {is}"));
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
        self.observations.record(self.client, unit, &req, &Received::new(&resp));
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

/// The units of a recording as steps: walks (a request and the continuations the recording
/// followed with the same request) and single requests.
enum Step<'r> {
    Single(&'r Recorded),
    Walk { pages: Vec<&'r Recorded> },
}

impl<'r> Step<'r> {
    /// The step's recorded exchanges: one for a single request, every page of a walk.
    fn pages(self) -> Vec<&'r Recorded> {
        match self {
            Step::Single(e) => vec![e],
            Step::Walk { pages } => pages,
        }
    }
}

/// The request without its token: a page whose request differs from the page before in more
/// than its token varied something (its size, a spelling).
fn shape(req: &WireRequest) -> Option<Value> {
    let mut body = req.json_body()?;
    body.as_object_mut()?.remove(input::NEXT_TOKEN);
    Some(body)
}

/// The listing a request asks for: its execution id as written and its filters. A request that
/// carries a walk's token for the same listing continues that walk, whatever else it varies
/// (the run's relations switch page sizes and spellings mid-walk).
fn listing(req: &WireRequest) -> Option<(Value, Option<String>)> {
    let body = req.json_body()?;
    let id = body.get(input::WINDOW_EXECUTION_ID).cloned().unwrap_or(Value::Null);
    Some((id, crate::oracle::filters_key(&req.body)))
}

fn next_token(resp: &Result<WireResponse, String>) -> Option<String> {
    let r = resp.as_ref().ok().filter(|r| r.status == 200)?;
    crate::response::next_token_of(r).filter(|t| !t.is_empty()).map(|t| t.to_string())
}

fn steps(unit: &RecordedUnit) -> Vec<Step<'_>> {
    let mut steps: Vec<Step<'_>> = Vec::new();
    // Recorded token (bounded) → the walk it continues (its step) and the walk's listing.
    let mut open: HashMap<String, (usize, (Value, Option<String>))> = HashMap::new();
    for e in &unit.exchanges {
        let token =
            e.request.json_body().and_then(|b| b.get(input::NEXT_TOKEN).and_then(Value::as_str).map(str::to_owned));
        let continued = token.filter(|t| !t.is_empty()).and_then(|t| open.remove(&bounded(&t)));
        let step = match (continued, listing(&e.request)) {
            (Some((i, walk_listing)), Some(l)) if walk_listing == l => {
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
        if let (Some(t), Some(l)) = (next_token(&e.response), listing(&e.request)) {
            open.insert(bounded(&t), (step, l));
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
    /// `first_judged`: the first page's answer was judged already (a walk a single answer offers).
    async fn walk(&mut self, unit: &str, pages: &[&Recorded], verdict: &mut UnitVerdict, first_judged: bool) {
        let first = self.rewrite(&pages[0].request).0;
        verdict.repro.get_or_insert_with(|| self.client.repro(&first));
        // A first request refused is a single answer (the oracle judged it), not a walk.
        if let Some(walked) = self.take_walk(unit, pages, verdict, first_judged).await {
            self.compare_walk(pages, &first, walked, verdict);
        }
    }

    /// A replayed walk on its own (the pagination checks) and against the recorded one (the
    /// same items when the data is the same); kept to compare with the unit's other walks of the
    /// same listing.
    fn compare_walk(
        &mut self,
        pages: &[&Recorded],
        first: &WireRequest,
        walked: PaginationWalk,
        verdict: &mut UnitVerdict,
    ) {
        let (recorded, recorded_complete) = recorded_pages(pages);
        let body = first.json_body().unwrap_or(Value::Null);
        let filtered = body.get(input::FILTERS).is_some_and(|f| f.as_array().is_some_and(|a| !a.is_empty()));
        let pair = WalkPair {
            label: walked.label(),
            filtered,
            recorded: &recorded,
            recorded_complete,
            replayed: &walked,
            live: &self.live,
        };
        // A walk that starts from a token starts where that token points, which depends on the
        // page boundaries before it (the default page size is EITHER): its items are compared only
        // when it starts from the beginning.
        let from_start = body.get(input::NEXT_TOKEN).and_then(Value::as_str).is_none_or(str::is_empty);
        let (mut findings, note) = judge::judge_walk(&pair, self.same_data && self.trusted && from_start);
        relabel(&mut findings, verdict.kind.check());
        if let WalkEnd::Refused { page, summary } = &walked.end {
            self.informational += 1;
            verdict.notes.push(format!(
                "{}: page {page} refused ({summary}) where its request changed, which the contract accepts; the recording went on",
                pair.label
            ));
        }
        verdict.findings.extend(findings);
        verdict.notes.extend(note.inspect(|_| self.informational += 1));
        // Walks of one listing within a unit are compared with each other, as the run's
        // relations compare them: the same items in the same order, whatever the page size.
        if from_start && walked.end == WalkEnd::Complete {
            let listing = (execution_id(first), crate::oracle::filters_key(&first.body));
            // A filtered listing's live tasks may enter or leave it between walks (§8).
            let mut walked = walked;
            if filtered {
                walked.pages = walked
                    .pages
                    .into_iter()
                    .map(|p| p.into_iter().filter(|k| !self.live.contains(k)).collect())
                    .collect();
            }
            verdict.walks.entry(listing).or_default().push(walked);
        }
    }

    /// One page of a replayed walk judged (the always-on checks and the oracle); whether its
    /// answer is accepted.
    fn judge_page(
        &mut self,
        unit: &str,
        (req, resp): (&WireRequest, &WireResponse),
        pages: &[&Recorded],
        n: usize,
        token: &Option<(String, String)>,
        verdict: &mut UnitVerdict,
    ) -> bool {
        self.observations.record(self.client, unit, req, &Received::new(resp));
        let recorded = (n == 0).then_some(&pages[0].response);
        // A case's expectation is of its own request; the later pages of a walk its answer
        // offers are judged by the oracle alone.
        let kind = if n > 0 && matches!(verdict.kind, UnitKind::Case(_)) { &UnitKind::Other } else { &verdict.kind };
        let (check, findings, note) = self.judged_in_possible_worlds(req, recorded, resp, token.clone(), kind);
        let accepted = findings.is_empty();
        verdict.check.get_or_insert(check);
        verdict.findings.extend(findings);
        verdict.notes.extend(note.inspect(|_| self.informational += 1));
        accepted
    }

    /// The pages of a replayed walk, each judged; `None` when its first request was refused.
    /// A page whose request varied from the page before (the recording switched its size or
    /// spelling there) may be refused where the oracle accepts the refusal: the walk then ends
    /// `Refused`, not `Failed`.
    async fn take_walk(
        &mut self,
        unit: &str,
        pages: &[&Recorded],
        verdict: &mut UnitVerdict,
        first_judged: bool,
    ) -> Option<PaginationWalk> {
        let (mut req, mut token) = self.rewrite(&pages[0].request);
        let listing = Listing::of_request(&req);
        let exec = execution_id(&req);
        let first_size = max_results(&req);
        let mut sizes = vec![max_results_text(&req)];
        let mut before = shape(&req);
        let mut progress = WalkProgress::default();
        let end = loop {
            let n = progress.pages.len();
            let now = shape(&req);
            let varied = n > 0 && now != before;
            let size = max_results_text(&req);
            if sizes.last() != Some(&size) {
                sizes.push(size);
            }
            let resp = match self.client.send(&req).await {
                Ok(r) => r,
                Err(e) if e.is_throttled() => {
                    verdict.throttled.get_or_insert_with(|| e.to_string());
                    break WalkEnd::Interrupted;
                }
                Err(e) => break WalkEnd::Failed { page: n + 1, summary: e.to_string() },
            };
            let accepted = (n == 0 && first_judged) || self.judge_page(unit, (&req, &resp), pages, n, &token, verdict);
            let taken = progress.take(&Received::new(&resp));
            verdict.exchange.get_or_insert_with(|| Exchange::capped(req.clone(), Ok(resp)));
            match taken {
                Ok(Some(next)) if n + 1 < MAX_WALK_PAGES => {
                    self.token_sizes.insert(bounded(&next), (max_results(&req), crate::oracle::filters_key(&req.body)));
                    if let Some(old) = pages.get(n).and_then(|p| next_token(&p.response)) {
                        self.tokens.insert(bounded(&old), (next.clone(), exec.clone()));
                    }
                    req = self.page_request(pages, n + 1, &next);
                    token = Some((next, exec.clone()));
                    before = now;
                }
                Ok(Some(_)) => break WalkEnd::PageLimit { pages: n + 1 },
                Ok(None) => break WalkEnd::Complete,
                Err(WalkEnd::Failed { page, summary }) if varied && accepted => {
                    break WalkEnd::Refused { page, summary }
                }
                Err(end) => break end,
            }
        };
        if progress.pages.is_empty() {
            return None;
        }
        // A walk whose pages asked for different sizes has no one page size to bound it by.
        let (page_size, varied) = match sizes.as_slice() {
            [_] => (first_size, format!("replayed walk of {exec}")),
            _ => (None, format!("replayed walk of {exec}, MaxResults {} page by page", sizes.join(", "))),
        };
        let varied = Some(varied);
        Some(PaginationWalk { page_size, varied, pages: progress.pages, end, listing })
    }
}

/// A request's `WindowExecutionId` when it is a string (else empty).
fn execution_id(req: &WireRequest) -> String {
    let body = req.json_body();
    body.as_ref().and_then(|b| b.get(input::WINDOW_EXECUTION_ID)).and_then(Value::as_str).unwrap_or_default().to_owned()
}

/// A request's `MaxResults` as written (`absent` when it has none).
fn max_results_text(req: &WireRequest) -> String {
    let body = req.json_body();
    body.as_ref().and_then(|b| b.get(input::MAX_RESULTS)).map_or("absent".to_owned(), Value::to_string)
}

/// A request's `MaxResults` as an integer (absent, or written otherwise: `None`).
fn max_results(req: &WireRequest) -> Option<i64> {
    req.json_body().and_then(|b| b.get(input::MAX_RESULTS).and_then(Value::as_i64))
}

/// Findings named by the check the recorded unit reports under in the run, when it has one.
fn relabel(findings: &mut [Finding], own: Option<CheckId>) {
    if let Some(own) = own {
        for f in findings {
            f.check = own;
        }
    }
}

/// What the recording says of the world, and how its ids map onto the ones sent now.
struct Facts {
    /// Recorded id → the id sent now.
    map: HashMap<String, String>,
    world_known: Vec<String>,
    uncertain: std::collections::HashSet<String>,
    /// Where the recording itself breaks the contract (`trust.rs`).
    deviation: Option<String>,
}

/// The recording's facts. `ids`: the ids to send in place of the recorded run's own, in its order
/// (`execution-ids.txt`; without it, the order the recording first answered 200 for them).
fn facts(recording: &Recording, ids: &[String], opts: CheckOptions) -> Facts {
    let all: Vec<&Recorded> = recording.units.iter().flat_map(|u| &u.exchanges).collect();
    let recorded_known = judge::known_ids(&all, &recording.execution_ids);
    let order: Vec<String> = match recording.execution_ids.as_slice() {
        [] => recorded_known.iter().map(|(i, _)| i.clone()).collect(),
        given => given.to_vec(),
    };
    let map: HashMap<String, String> = if ids.is_empty() {
        recorded_known.iter().map(|(i, _)| (i.clone(), i.clone())).collect()
    } else {
        order.into_iter().zip(ids.iter().cloned()).collect()
    };
    let world_known: Vec<String> = recorded_known.iter().filter_map(|(i, _)| map.get(i).cloned()).collect();
    // A recording that breaks the contract proves nothing: every execution's existence is open.
    let mut claimed: Vec<String> = recorded_known.iter().map(|(i, _)| i.clone()).collect();
    for listed in trust::listed_ids(&recording.units) {
        if !claimed.iter().any(|c| c.eq_ignore_ascii_case(&listed)) {
            claimed.push(listed);
        }
    }
    let deviation = trust::first_deviation(&recording.units, &claimed, opts);
    let uncertain = match deviation {
        Some(_) => world_known.iter().cloned().collect(),
        None => {
            recorded_known.iter().filter(|(_, certain)| !certain).filter_map(|(i, _)| map.get(i).cloned()).collect()
        }
    };
    Facts { map, world_known, uncertain, deviation }
}

/// Whether this endpoint knows any of the executions the recorded run held to exist (as sent
/// now): when every one is `DoesNotExistException`, its data is not the recording's, and every
/// answer would be judged against the wrong world.
async fn same_executions(client: &Client, recording: &Recording, facts: &Facts) -> Result<(), ReplayError> {
    let now: Vec<&String> = recording.execution_ids.iter().filter_map(|id| facts.map.get(id)).collect();
    for id in &now {
        let req = WireRequest::json(&serde_json::json!({ input::WINDOW_EXECUTION_ID: id, input::MAX_RESULTS: 10 }));
        let unknown = client.send(&req).await.is_ok_and(|r| {
            Received::new(&r).error_shape().resolved_type.as_deref()
                == Some(crate::contract::error_type::DOES_NOT_EXIST)
        });
        if !unknown {
            return Ok(());
        }
    }
    match now.first() {
        None => Ok(()),
        Some(_) => Err(ReplayError::OtherData { ids: now.iter().map(|s| (*s).clone()).collect() }),
    }
}

/// Replays `recording` against `client`'s endpoint. `ids`: the execution ids to use in place of
/// the recorded run's, in its order (empty: as recorded). Errors when this endpoint knows none of
/// the recorded run's executions (its data is another's: map them with `ids`).
pub async fn replay(
    client: &Client,
    recording: &Recording,
    ids: &[String],
    opts: CheckOptions,
) -> Result<RunReport, ReplayError> {
    let units = &recording.units;
    let all: Vec<&Recorded> = units.iter().flat_map(|u| &u.exchanges).collect();
    let facts = facts(recording, ids, opts);
    same_executions(client, recording, &facts).await?;
    let mut replay = Replay {
        client,
        opts,
        same_data: ids.is_empty(),
        ids: facts.map,
        tokens: HashMap::new(),
        token_sizes: HashMap::new(),
        uncertain: facts.uncertain,
        trusted: facts.deviation.is_none(),
        world_known: facts.world_known,
        recorded_issued: all.iter().filter_map(|e| next_token(&e.response)).map(|t| bounded(&t)).collect(),
        observations: Observations::default(),
        informational: 0,
        cases: crate::source::builtin_cases().unwrap_or_default().into_iter().map(|c| (c.name.clone(), c)).collect(),
        live: live_tasks(&all),
    };
    let mut results = Vec::new();
    for unit in units {
        let kind = unit_kind(&unit.name, &replay.cases, replay.same_data);
        // The generated phase reports each finding under its rule's check, and a request that
        // got no answer under its own.
        let check = kind.check().or((unit.name == GENERATED_UNIT).then_some(CheckId::GeneratedRequests));
        let mut verdict = UnitVerdict { check, kind, ..UnitVerdict::default() };
        for step in steps(unit) {
            match step {
                Step::Single(e) => replay.single(&unit.name, e, &mut verdict).await,
                Step::Walk { pages } => replay.walk(&unit.name, &pages, &mut verdict, false).await,
            }
        }
        results.push(unit_result(unit, verdict));
    }
    let mut notes = vec![format!(
        "replayed {} recorded units ({} exchanges); {} answers chose another alternative than the recording where the contract accepts either (see each unit's note)",
        units.len(),
        all.len(),
        replay.informational
    )];
    notes.extend(facts.deviation.map(|why| {
        format!("the recording itself breaks the contract ({why}): it is used for its requests only — nothing is compared with its items, and whether an execution exists is judged both ways")
    }));
    let mut choices = replay.observations.choices.clone();
    results.extend(replay.observations.into_results());
    results.extend(crate::runner::throttle_unit(client, &mut choices));
    crate::check::attribution::attribute_run(&mut results);
    Ok(RunReport { results, choices, notes, ..RunReport::default() })
}

/// What a recorded unit is in the run: a built-in case, a relation (the runner names those
/// `<check> <execution>`), or neither.
fn unit_kind(name: &str, cases: &HashMap<String, Case>, same_data: bool) -> UnitKind {
    if let Some(case) = cases.get(name) {
        let mut case = case.clone();
        if !same_data {
            // At least one item: true of the execution the run bound, not of one mapped onto it.
            case.expect.items_min = None;
        }
        return UnitKind::Case(Box::new(case));
    }
    let relation = name.split_once(' ').filter(|(_, exec)| !exec.is_empty()).and_then(|(c, _)| c.parse().ok());
    relation.map_or(UnitKind::Other, UnitKind::Relation)
}

fn unit_result(unit: &RecordedUnit, mut verdict: UnitVerdict) -> CaseResult {
    if let Some(why) = verdict.throttled {
        let (name, check) = (format!("replay {}", unit.name), verdict.kind.check().or(verdict.check));
        let why = format!("{}{why}", crate::finding::NOT_EVALUATED);
        return CaseResult::skipped(name, check.unwrap_or(CheckId::ResponseBody), Origin::Builtin, why);
    }
    for walks in verdict.walks.values() {
        let complete: Vec<&PaginationWalk> = walks.iter().collect();
        let mut compared = crate::check::pagination::compare_walks(&complete);
        relabel(&mut compared, verdict.kind.check());
        verdict.findings.extend(compared);
    }
    let first = verdict.findings.first().map(|f| f.check);
    // The generated phase stays one unit of its own, whatever rules its findings name.
    let generated = verdict.check.filter(|c| *c == CheckId::GeneratedRequests);
    let check = verdict.kind.check().or(generated).or(first).or(verdict.check).unwrap_or(CheckId::ResponseBody);
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
