//! The grader: every exchange the proxy passed on, judged as a run judges its own. Pure and
//! synchronous: exchanges arrive as data, in the order their answers came.
//!
//! For each `DescribeMaintenanceWindowExecutionTasks` exchange: the always-on checks (as every
//! exchange of a run), and the oracle's expectation for its request. The oracle needs to know
//! whether the execution exists and whether a token is real; traffic does not say. An id the
//! endpoint answered 200 for may since have been deleted (a test suite resets its mock), and a
//! token may come from before the session, so the grader judges every request against each world
//! the traffic leaves possible — the id known or not, the token issued through the proxy for the
//! request's execution or not — and a finding needs every one of them to fail (contract EITHER
//! wins over a guess). Pages a client follows token to token form walks, and each walk it
//! followed to the end goes through the pagination checks on its own (items once, page counts,
//! tokens that repeat); walks are never compared with each other, since the data may change
//! between them.
//!
//! Each `DescribeMaintenanceWindowExecutions` exchange goes through the second operation's
//! checks one by one (`check::executions::judge_traffic`: validation, the output's shape, the
//! window asked for; any window may be unknown, any token stale). Its walks and filters are not
//! judged from traffic: they need the unfiltered listing beside them, which only a run makes.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde_json::Value;

use crate::check::pagination::{bounded, check_walks, Listing, PaginationWalk, WalkEnd, WalkProgress};
use crate::check::Observations;
use crate::check::{self, CheckId, CheckOptions};
use crate::contract::{self, input};
use crate::finding::{CaseResult, Exchange, Finding, Outcome, RunReport};
use crate::oracle::worlds::{self, Doubt};
use crate::oracle::{self, World};
use crate::request::WireRequest;
use crate::response::{AnswerClass, Received, WireResponse};
use crate::source::Origin;
use crate::transport::Client;

/// The most exchange units a session keeps one by one; past it, exchanges still go through every
/// check, and only failing ones get a unit of their own (a long session stays bounded).
const MAX_PASSING_UNITS: usize = 1000;

/// The most issued tokens a session remembers (past it, a token is judged as one from before the
/// session: both ways).
const MAX_TOKENS: usize = 100_000;

/// A walk a client is following: where its next page's token came from.
struct OpenWalk {
    /// The first page's request without its `NextToken`: each page after it must ask the same.
    request: Value,
    exec: String,
    size: Option<i64>,
    progress: WalkProgress,
}

/// Everything the session saw.
pub struct Traffic {
    /// Repro lines name the upstream (the proxy's client sends unsigned).
    client: Client,
    opts: CheckOptions,
    /// Exchanges of the operation, judged.
    judged: usize,
    /// Exchanges of `DescribeMaintenanceWindowExecutions`, judged.
    judged_second: usize,
    /// Exchanges of other operations, passed on unjudged.
    others: usize,
    observations: Observations,
    units: Vec<CaseResult>,
    /// Execution ids the endpoint answered 200 for.
    learned: BTreeSet<String>,
    /// Tokens issued through the proxy → the walk they continue (bounded keys).
    open: HashMap<String, OpenWalk>,
    finished: Vec<PaginationWalk>,
    /// Every token the endpoint issued through the proxy (bounded keys; at most `MAX_TOKENS`).
    issued: HashSet<String>,
    /// Throttles the client met (a few kept, for `throttle-shape`), and how many there were.
    throttles: Vec<(WireRequest, WireResponse)>,
    throttled: usize,
    /// Transient 5xx answers whose retry has not come yet, by the request's digest: a retry that
    /// gets through makes one exchange of the two; one that repeats the 5xx is judged.
    pending_transient: HashMap<u64, (WireRequest, WireResponse)>,
    transient_retried: usize,
}

/// The most throttles a session keeps to judge their shape.
const THROTTLES_KEPT: usize = 16;

/// A request's digest: its target and body (what a retry sends again).
fn digest(req: &WireRequest) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    req.header(contract::TARGET_HEADER).hash(&mut h);
    req.body.hash(&mut h);
    h.finish()
}

impl Traffic {
    /// A session whose repro lines send to `client`'s endpoint.
    pub fn new(client: Client, opts: CheckOptions) -> Traffic {
        Traffic {
            client,
            opts,
            judged: 0,
            judged_second: 0,
            others: 0,
            observations: Observations::default(),
            units: Vec::new(),
            learned: BTreeSet::new(),
            open: HashMap::new(),
            finished: Vec::new(),
            issued: HashSet::new(),
            throttles: Vec::new(),
            throttled: 0,
            pending_transient: HashMap::new(),
            transient_retried: 0,
        }
    }

    /// Whether `resp` is one the client retries rather than sees (contract §8): a throttle (kept
    /// for its shape) or the first transient 5xx of a request. A transient 5xx the same request
    /// gets again is an answer, judged as any.
    fn retried_by_the_client(&mut self, request: &WireRequest, resp: &WireResponse) -> bool {
        let key = digest(request);
        match crate::response::classify(resp) {
            AnswerClass::Throttle => {
                self.throttled += 1;
                if self.throttles.len() < THROTTLES_KEPT {
                    self.throttles.push((request.clone(), resp.clone()));
                }
                true
            }
            AnswerClass::Transient => {
                if self.pending_transient.remove(&key).is_some() {
                    return false;
                }
                if self.pending_transient.len() < MAX_TOKENS {
                    self.pending_transient.insert(key, (request.clone(), resp.clone()));
                }
                true
            }
            AnswerClass::Final => {
                if self.pending_transient.remove(&key).is_some() {
                    self.transient_retried += 1;
                }
                false
            }
        }
    }

    /// Judges one exchange: `response` is what the upstream sent, or why nothing came.
    pub fn record(&mut self, request: WireRequest, response: Result<WireResponse, String>) {
        let target = request.header(contract::TARGET_HEADER).unwrap_or_default();
        let second = target.eq_ignore_ascii_case(contract::executions::TARGET);
        if !target.eq_ignore_ascii_case(contract::TARGET) && !second {
            self.others += 1;
            return;
        }
        if let Ok(resp) = &response {
            if self.retried_by_the_client(&request, resp) {
                return;
            }
        }
        self.grade(request, response);
    }

    /// Judges one final answer by the checks of the operation its request targets.
    fn grade(&mut self, request: WireRequest, response: Result<WireResponse, String>) {
        let target = request.header(contract::TARGET_HEADER).unwrap_or_default();
        if target.eq_ignore_ascii_case(contract::executions::TARGET) {
            self.grade_second_operation(request, response);
        } else {
            self.grade_final_answer(request, response);
        }
    }

    /// Judges one exchange of `DescribeMaintenanceWindowExecutions` as its final answer
    /// (`check::executions::judge_traffic`: windows and tokens read the lenient way).
    fn grade_second_operation(&mut self, request: WireRequest, response: Result<WireResponse, String>) {
        self.judged_second += 1;
        let name = format!("{}: proxied exchange {}", contract::executions::OPERATION, self.judged_second);
        let findings = match &response {
            Err(why) => vec![Finding::new(CheckId::ExecutionsValidation, "an HTTP answer", why.clone())],
            Ok(resp) => match crate::check::implemented::not_implemented(resp) {
                Some(how) => {
                    let expected = format!("the endpoint to implement {}", contract::executions::OPERATION);
                    vec![Finding::new(CheckId::OperationImplemented, expected, how.why).deviating(how.deviation)]
                }
                None => check::executions::judge_traffic(request.json_body().as_ref(), resp, self.opts.strict_messages),
            },
        };
        let check = findings.first().map_or(CheckId::ExecutionsValidation, |f| f.check);
        // "Not implemented" is one finding however often a client asks.
        let prefix = contract::executions::OPERATION;
        let reported = |u: &CaseResult| {
            u.check == CheckId::OperationImplemented && u.name.starts_with(prefix) && u.outcome.fails()
        };
        if check == CheckId::OperationImplemented && self.units.iter().any(reported) {
            return;
        }
        let outcome = Outcome::of(findings, None);
        if !outcome.fails() && self.units.len() >= MAX_PASSING_UNITS {
            return;
        }
        let unit = CaseResult::new(name, check, Origin::Builtin, outcome)
            .with_repro(Some(crate::repro::captured(self.client.url(), &request)))
            .with_exchange(Some(Exchange::capped(request, response)));
        self.units.push(unit);
    }

    /// Judges one exchange of the operation as its final answer.
    fn grade_final_answer(&mut self, request: WireRequest, response: Result<WireResponse, String>) {
        self.judged += 1;
        let name = format!("proxied exchange {}", self.judged);
        let body = request.json_body();
        let resp = match response {
            Ok(resp) => resp,
            Err(why) => {
                // As a case whose request got no answer: a finding under what the request tests.
                let check = oracle::expect(&request.body, &self.worlds(body.as_ref())[0]).check;
                let outcome = Outcome::Failed(vec![Finding::new(check, "an HTTP answer", why.clone())]);
                let unit = CaseResult::new(name, check, Origin::Builtin, outcome)
                    .with_repro(Some(crate::repro::captured(self.client.url(), &request)))
                    .with_exchange(Some(Exchange::capped(request, Err(why))));
                self.units.push(unit);
                return;
            }
        };
        let received = Received::new(&resp);
        let url = self.client.url().to_owned();
        self.observations.record(&|r| crate::repro::captured(&url, r), &name, &request, &received);
        let (check, outcome) = self.verdict_in_possible_worlds(&request, body.as_ref(), &received);
        // "Not implemented" is one finding however often a client retries it.
        let reported = |u: &CaseResult| {
            u.check == CheckId::OperationImplemented
                && u.outcome.fails()
                && !u.name.starts_with(contract::executions::OPERATION)
        };
        if check == CheckId::OperationImplemented && self.units.iter().any(reported) {
            return;
        }
        self.follow_walk(body.as_ref(), &received);
        if resp.status == 200 {
            if let Some(id) = body.as_ref().and_then(|b| b.get(input::WINDOW_EXECUTION_ID)).and_then(Value::as_str) {
                self.learned.insert(bounded(id));
            }
        }
        if !outcome.fails() && self.units.len() >= MAX_PASSING_UNITS {
            return;
        }
        let unit = CaseResult::new(name, check, Origin::Builtin, outcome)
            .with_repro(Some(crate::repro::captured(self.client.url(), &request)))
            .with_exchange(Some(Exchange::capped(request, Ok(resp))));
        self.units.push(unit);
    }

    /// The check the request tests and the outcome: held when some world the traffic leaves
    /// possible explains the answer, else the likeliest world's findings (blocked when the answer
    /// broke another rule first).
    fn verdict_in_possible_worlds(
        &self,
        req: &WireRequest,
        body: Option<&Value>,
        resp: &Received,
    ) -> (CheckId, Outcome) {
        if let Some(how) = crate::check::implemented::not_implemented(resp) {
            return (CheckId::OperationImplemented, Outcome::Failed(vec![how.finding()]));
        }
        let judge = |world: &World| {
            let verdict = oracle::expect(&req.body, world);
            let case = oracle::oracle_case("proxied", &req.body, verdict);
            let judged = check::judge_case(&case, body, resp, None, self.opts);
            let outcome = match (judged.findings.is_empty(), judged.blocked_by) {
                (true, _) => Outcome::of(judged.findings, None),
                (false, Some(_)) => Outcome::Blocked(judged.findings),
                (false, None) => Outcome::Failed(judged.findings),
            };
            (case.check, outcome)
        };
        let held = |(_, outcome): &(CheckId, Outcome)| !outcome.fails();
        worlds::first_holding(&self.worlds(body), judge, held)
            .unwrap_or((CheckId::ResponseBody, Outcome::of(Vec::new(), None)))
    }

    /// The worlds the traffic leaves possible for this request, likeliest first: its execution
    /// exists or not (it exists first only when the endpoint answered 200 for exactly that id
    /// before), and its token is real for it or not (real first only when the endpoint issued it
    /// through the proxy). Known or not, even when it was answered before: the data may have
    /// changed since.
    fn worlds(&self, body: Option<&Value>) -> Vec<World> {
        let text = |m: &str| body.and_then(|b| b.get(m)).and_then(Value::as_str).map(str::to_owned);
        let (id, token) = (text(input::WINDOW_EXECUTION_ID), text(input::NEXT_TOKEN));
        let others: Vec<String> = self.learned.iter().filter(|k| Some(*k) != id.as_ref()).cloned().collect();
        let mut believed = World { known: others, token: None, token_page_size: None, token_filters: None };
        let mut doubts = Vec::new();
        if let Some(t) = token.filter(|t| !t.is_empty()) {
            let execution = id.clone().unwrap_or_default();
            if self.issued.contains(&bounded(&t)) {
                believed.token = Some((t, execution));
                doubts.push(Doubt::TokenForeign);
            } else {
                doubts.push(Doubt::TokenReal { token: t, execution, page_size: None, filters: None });
            }
        }
        if let Some(id) = id {
            if self.learned.contains(&bounded(&id)) {
                believed.known.push(id.clone());
                doubts.push(Doubt::Gone(id));
            } else {
                doubts.push(Doubt::Exists(id));
            }
        }
        worlds::possible_worlds(&believed, &doubts)
    }

    /// Takes the answer into the walk its request continues (or starts one), and moves a walk
    /// that ended to the finished ones.
    fn follow_walk(&mut self, body: Option<&Value>, resp: &Received) {
        let Some(body) = body else { return };
        let mut request = body.clone();
        let token = request.as_object_mut().and_then(|o| o.remove(input::NEXT_TOKEN));
        let mut walk = match token.as_ref().and_then(Value::as_str).filter(|t| !t.is_empty()) {
            None => OpenWalk {
                exec: body.get(input::WINDOW_EXECUTION_ID).and_then(Value::as_str).map(bounded).unwrap_or_default(),
                size: body.get(input::MAX_RESULTS).and_then(Value::as_i64),
                request,
                progress: WalkProgress::default(),
            },
            // Followed with the walk's own request only: another size or filter is another
            // question (a size change may be refused, contract EITHER), not the walk going on.
            Some(t) => match self.open.remove(&bounded(t)) {
                Some(w) if w.request == request => w,
                _ => return,
            },
        };
        let first_page = walk.progress.pages.is_empty();
        let end = match walk.progress.take(resp) {
            Ok(Some(next)) => {
                if self.issued.len() < MAX_TOKENS {
                    self.issued.insert(bounded(&next));
                }
                self.open.insert(bounded(&next), walk);
                return;
            }
            Ok(None) => WalkEnd::Complete,
            // A first request answered with an error is a refused request (the oracle judged
            // it), not a walk.
            Err(WalkEnd::Failed { .. }) if first_page => return,
            Err(end) => end,
        };
        let filters = walk.request.get(input::FILTERS).map(|f| format!(" and Filters {}", bounded(&f.to_string())));
        let varied = Some(format!("execution {}{}", walk.exec, filters.unwrap_or_default()));
        let filtered = walk.request.get(input::FILTERS).and_then(Value::as_array).is_some_and(|f| !f.is_empty());
        // A filtered walk's unfiltered count is unknown here: no page bound (its ending is checked).
        let listing = if filtered { Listing::Filtered { unfiltered_items: None } } else { Listing::Unfiltered };
        self.finished.push(PaginationWalk { page_size: walk.size, varied, pages: walk.progress.pages, end, listing });
    }

    /// How many exchanges of either operation were judged so far.
    pub fn judged(&self) -> usize {
        self.judged + self.judged_second
    }

    /// The session's report: one unit per exchange (failing ones always), the walks' unit, and the
    /// always-on checks' units.
    pub fn into_report(mut self) -> RunReport {
        // A transient 5xx no retry followed is what the client finally saw.
        let pending: Vec<(WireRequest, WireResponse)> = self.pending_transient.drain().map(|(_, e)| e).collect();
        for (request, resp) in pending {
            self.grade(request, Ok(resp));
        }
        let notes = vec![format!(
            "proxied {} DescribeMaintenanceWindowExecutionTasks and {} DescribeMaintenanceWindowExecutions exchanges (judged) and {} of other operations (passed on unjudged); learned {} execution ids from the answers; {} throttles and {} transient errors the client retried past",
            self.judged,
            self.judged_second,
            self.others,
            self.learned.len(),
            self.throttled,
            self.transient_retried
        )];
        let mut results = std::mem::take(&mut self.units);
        results.push(walks_unit(&self.finished, self.open.len()));
        results.extend(throttles_unit(&self.throttles, self.throttled));
        let choices = self.observations.choices.clone();
        results.extend(self.observations.into_results());
        crate::check::attribution::attribute_run(&mut results);
        RunReport { results, choices, notes, ..RunReport::default() }
    }
}

/// The `throttle-shape` unit of the throttles a client met (`None`: it met none).
fn throttles_unit(throttles: &[(WireRequest, WireResponse)], met: usize) -> Option<CaseResult> {
    let (first_req, first_resp) = throttles.first()?;
    let mut findings: Vec<Finding> = Vec::new();
    for (_, resp) in throttles {
        for f in check::throttle::throttle_shape(resp) {
            if !findings.iter().any(|g| g.actual == f.actual) {
                findings.push(f);
            }
        }
    }
    let note = format!("{met} throttles met; {} kept and judged", throttles.len());
    let unit = CaseResult::builtin("proxied throttles", CheckId::ThrottleShape, findings, note)
        .with_exchange(Some(Exchange::capped(first_req.clone(), Ok(first_resp.clone()))));
    Some(unit)
}

/// The pagination unit: every walk a client followed to its end, each checked on its own.
fn walks_unit(finished: &[PaginationWalk], open: usize) -> CaseResult {
    let unit = |outcome| CaseResult::new("proxied walks", CheckId::PaginationWalk, Origin::Builtin, outcome);
    let ended: Vec<&PaginationWalk> = finished.iter().filter(|w| w.end != WalkEnd::Interrupted).collect();
    if ended.is_empty() {
        return unit(Outcome::Skipped(format!(
            "no client followed a listing's tokens to its last page ({open} walks left open)"
        )));
    }
    let findings: Vec<Finding> = ended.iter().flat_map(|w| check_walks(std::slice::from_ref(*w), None)).collect();
    let pages: usize = ended.iter().map(|w| w.pages.len()).sum();
    unit(Outcome::of(findings, Some(format!("{} walks, {pages} pages; {open} left open", ended.len()))))
}
