//! The generated phase: proptest generates whole requests, the oracle says what each answer
//! must be, every exchange goes through the same checks as any other ([`check::judge_exchange`]), and a
//! failure is shrunk to the smallest request that still fails, then printed three ways: expected
//! vs got, a `curl` line, and a ready-to-save case file. The requests go out `--concurrency` at a
//! time (the `stream` module) but are judged in the order they were drawn, and shrinking is sequential, so
//! the same seed gives the same requests and the same report at any concurrency.
//!
//! ## Changing the phase
//! What a request is drawn from is `source/generate.rs`; what its answer must be, the oracle. The
//! stream keeps only the first request to fail each check (with the RNG state to rebuild its
//! tree): anything that must see every answer belongs in the loop of `stream::send_stream`,
//! in draw order, never in the concurrent sends.

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use super::progress::Progress;
use crate::check::{self, CheckId, CheckOptions};
use crate::exit::StopFlag;
use crate::finding::{CaseResult, Coverage, Exchange, Finding, Outcome};
use crate::oracle::{self, World};
use crate::request::{Bindings, WireRequest};
use crate::response::WireResponse;
use crate::source::generate::{requests, Capabilities, GenRequest};
use crate::source::{case_to_toml, Case, Origin};
use crate::transport::Client;

mod stream;

/// The default number of generated requests: a few seconds against the reference endpoint.
pub const DEFAULT_CASES: u32 = 2000;

/// At most this many distinct failures (by check) are hunted and shrunk in one run.
pub const MAX_FAILURES: usize = 5;

/// The default time budget of the phase; past it, no more requests are sent.
pub const DEFAULT_BUDGET: Duration = Duration::from_secs(120);

/// The most shrinking steps (requests) spent on one failure.
const MAX_SHRINK_STEPS: u32 = 4096;

/// The most time spent shrinking one failure.
const MAX_SHRINK_TIME: Duration = Duration::from_secs(30);

/// The most generated requests in a row that cannot be built against this target (they need an
/// execution or a token it does not have) before a hunt gives up.
pub(super) const MAX_REJECTS: u32 = 100_000;

/// Whether `ev` fails a check not yet in `found`.
pub(super) fn is_new_failure(ev: &Evaluation, found: &BTreeSet<CheckId>) -> bool {
    ev.findings.iter().any(|f| !found.contains(&f.check))
}

/// Settings of the generated phase.
#[derive(Debug, Clone)]
pub struct GeneratedPlan {
    /// Requests to generate (0 turns the phase off).
    pub cases: u32,
    /// The seed (the run's seed).
    pub seed: u64,
    /// Where to write each shrunk failure as a case file.
    pub save_failures: Option<PathBuf>,
    /// The most the phase may take; past it, no more requests are sent.
    pub budget: Duration,
    /// How many requests may be in flight at once (shrinking sends one at a time).
    pub concurrency: usize,
}

/// Why the phase stopped sending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GeneratedStop {
    /// Every request was generated and sent.
    Completed,
    /// The run was interrupted (Ctrl-C).
    Interrupted,
    /// The time budget ran out.
    BudgetSpent {
        /// The budget.
        budget: Duration,
    },
    /// A request got no answer: shrinking a reset or a timeout would only turn it into a
    /// misleading minimal request, and every further request could take the timeout.
    NoAnswer {
        /// The 1-based number of the request.
        request: usize,
        /// The transport error.
        error: String,
        /// A `curl` line that sends it.
        repro: String,
    },
}

/// What the generated phase found.
#[derive(Debug, Clone)]
pub struct GeneratedOutcome {
    /// Requests sent (generated and shrinking).
    pub requests: usize,
    /// One result per distinct failure (shrunk), or one unit for the phase.
    pub results: Vec<CaseResult>,
    /// Case files written by `--save-failures`.
    pub saved: Vec<PathBuf>,
    /// Why it stopped.
    pub stop: GeneratedStop,
    /// How many of the requests exercised each contract rule.
    pub coverage: Coverage,
    /// How long the phase took, shrinking included.
    pub elapsed: Duration,
}

/// Why the generated phase could not do its job (a harness error).
#[derive(Debug, thiserror::Error)]
pub enum GeneratedError {
    /// The phase panicked: a bug in the harness, never the endpoint's fault.
    #[error("the generated phase failed: {0}")]
    Panicked(String),
    /// A shrunk failure could not be saved where `--save-failures` says.
    #[error("cannot save a failure as a case file {}: {source}", path.display())]
    Save {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

/// The oracle's view of the target, from the run's bindings.
pub fn world_of(bindings: &Bindings) -> World {
    World::of(bindings)
}

/// A generated request as a case, with the oracle's expectation for its resolved body.
pub fn generated_case(
    gen: &GenRequest,
    name: &str,
    seed: u64,
    bindings: &Bindings,
    world: &World,
) -> Result<(Case, WireRequest), crate::request::Unresolved> {
    oracle::generated_case(gen.template(), name, Origin::Generated { seed }, bindings, world)
}

/// What the phase runs against and with, owned: the stream, its drawing thread and the
/// shrinking share one copy.
#[derive(Clone)]
pub(super) struct PhaseInputs {
    pub(super) client: Client,
    pub(super) bindings: Bindings,
    pub(super) plan: GeneratedPlan,
    pub(super) opts: CheckOptions,
    pub(super) progress: Option<(Progress, usize)>,
    pub(super) stop: StopFlag,
    pub(super) world: World,
    /// Past it, no more requests are sent.
    pub(super) deadline: Instant,
}

impl PhaseInputs {
    /// Why no further request may be sent now (Ctrl-C or the budget), if so.
    pub(super) fn stop_now(&self) -> Option<GeneratedStop> {
        if self.stop.is_set() {
            Some(GeneratedStop::Interrupted)
        } else if Instant::now() >= self.deadline {
            Some(GeneratedStop::BudgetSpent { budget: self.plan.budget })
        } else {
            None
        }
    }

    /// `gen` built against the target: its case (with the oracle's expectation) and request.
    pub(super) fn build(&self, gen: &GenRequest) -> Result<(Case, WireRequest), crate::request::Unresolved> {
        generated_case(gen, "generated", self.plan.seed, &self.bindings, &self.world)
    }

    /// Tells the progress bar of request `n` (shrinking adds requests beyond `cases`; the bar's
    /// length grows with them).
    pub(super) fn tell_progress(&self, n: usize) {
        if let Some((p, done)) = &self.progress {
            (p.0)(done + n, done + (self.plan.cases as usize).max(n));
        }
    }
}

/// Runs the generated phase against `client`: the requests of one deterministic stream are
/// sent `plan.concurrency` at a time and judged in the order they were generated; then the first
/// request of each newly failing check is shrunk, one request at a time. The same seed gives the
/// same requests, verdicts and report at any concurrency. `progress` (with the units already
/// done) is told of every request.
pub async fn run_generated(
    client: &Client,
    bindings: &Bindings,
    plan: &GeneratedPlan,
    opts: CheckOptions,
    progress: Option<(Progress, usize)>,
    stop: &StopFlag,
) -> Result<Option<GeneratedOutcome>, GeneratedError> {
    if plan.cases == 0 {
        return Ok(None);
    }
    let started = Instant::now();
    let inputs = PhaseInputs {
        client: client.clone(),
        bindings: bindings.clone(),
        plan: plan.clone(),
        opts,
        progress,
        stop: stop.clone(),
        world: world_of(bindings),
        deadline: started + plan.budget,
    };
    let streamed = stream::send_stream(&inputs).await?;
    let handle = tokio::runtime::Handle::current();
    let shrink = move || {
        let phase = Phase {
            handle: &handle,
            inputs: &inputs,
            sent: Cell::new(streamed.sent),
            stopped: RefCell::new(streamed.stopped),
            coverage: RefCell::new(streamed.coverage),
            saved_names: RefCell::new(BTreeSet::new()),
        };
        phase.finish(streamed.candidates)
    };
    let mut outcome =
        tokio::task::spawn_blocking(shrink).await.map_err(|e| GeneratedError::Panicked(e.to_string()))??;
    outcome.elapsed = started.elapsed();
    Ok(Some(outcome))
}

/// One generated request, sent and judged.
pub(super) struct Evaluation {
    pub(super) case: Case,
    pub(super) request: WireRequest,
    pub(super) response: WireResponse,
    pub(super) findings: Vec<Finding>,
}

/// The first request of the stream to fail a check no earlier request failed, with the state of
/// the generator just before it (to rebuild its value tree for shrinking).
pub(super) struct Candidate {
    pub(super) rng: TestRng,
    pub(super) evaluation: Evaluation,
}

/// A fresh runner whose first value is the stream's request drawn with `rng`.
fn runner_from(rng: TestRng) -> TestRunner {
    TestRunner::new_with_rng(Config::default(), rng)
}

/// The runner of the phase's stream: its own deterministic sequence of requests from `seed`.
pub(super) fn stream_runner(seed: u64) -> TestRunner {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    runner_from(TestRng::from_seed(RngAlgorithm::ChaCha, &bytes))
}

/// The strategy of the phase's requests against this target.
pub(super) fn strategy(bindings: &Bindings, world: &World) -> impl Strategy<Value = GenRequest> {
    requests(Capabilities { known_executions: bindings.execution_ids.len(), token: world.token.is_some() })
}

/// The phase's state while it shrinks (sequentially, on a blocking thread: proptest's value
/// trees are neither `Send` nor async).
struct Phase<'a> {
    handle: &'a tokio::runtime::Handle,
    inputs: &'a PhaseInputs,
    sent: Cell<usize>,
    stopped: RefCell<Option<GeneratedStop>>,
    coverage: RefCell<Coverage>,
    /// The saved failures' names (by request): one file per failing request.
    saved_names: RefCell<BTreeSet<String>>,
}

impl Phase<'_> {
    fn is_stopped(&self) -> bool {
        self.stopped.borrow().is_some()
    }

    /// Sends one shrinking request and judges the answer; `None` when the phase has stopped (or
    /// stops now) or the request cannot be built against this target.
    fn evaluate(&self, gen: &GenRequest) -> Option<Evaluation> {
        if self.is_stopped() {
            return None;
        }
        let inputs = self.inputs;
        if let Some(stop) = inputs.stop_now() {
            *self.stopped.borrow_mut() = Some(stop);
            return None;
        }
        let (case, req) = inputs.build(gen).ok()?;
        let n = self.sent.get() + 1;
        self.sent.set(n);
        let exercised = oracle::coverage::exercised(&req.body, &inputs.world, case.check);
        self.coverage.borrow_mut().count(&exercised.checks, &exercised.either);
        inputs.tell_progress(n);
        match self.handle.block_on(inputs.client.send(&req)) {
            Ok(resp) => {
                let findings = check::judge_exchange(&case, &req, &resp, inputs.opts);
                Some(Evaluation { case, request: req, response: resp, findings })
            }
            // Throttled on every attempt: not a smaller failure, and not a reason to stop.
            Err(e) if e.is_throttled() => None,
            Err(e) => {
                let repro = inputs.client.repro(&req);
                *self.stopped.borrow_mut() = Some(GeneratedStop::NoAnswer { request: n, error: e.to_string(), repro });
                None
            }
        }
    }

    /// Shrinks a failing request (proptest's value tree: simplify while it still fails, else
    /// complicate) and returns the smallest failing evaluation. The failure found is kept even
    /// when the budget ends the shrinking early.
    fn shrink(
        &self,
        mut tree: impl ValueTree<Value = GenRequest>,
        failing: Evaluation,
        found: &BTreeSet<CheckId>,
    ) -> Evaluation {
        let started = Instant::now();
        let mut best = failing;
        let mut more = tree.simplify();
        let mut steps = 0;
        while more && steps < MAX_SHRINK_STEPS && started.elapsed() < MAX_SHRINK_TIME {
            steps += 1;
            let Some(ev) = self.evaluate(&tree.current()) else {
                if self.is_stopped() {
                    break;
                }
                more = tree.complicate(); // cannot be built against this target: not smaller
                continue;
            };
            if is_new_failure(&ev, found) {
                best = ev;
                more = tree.simplify();
            } else {
                more = tree.complicate();
            }
        }
        best
    }

    /// Shrinks up to [`MAX_FAILURES`] of the stream's candidates, in the order the stream met
    /// them, each to a failure of a check the earlier ones did not fail, and reports them.
    fn finish(&self, candidates: Vec<Candidate>) -> Result<GeneratedOutcome, GeneratedError> {
        let mut found: BTreeSet<CheckId> = BTreeSet::new();
        let mut results = Vec::new();
        let mut saved = Vec::new();
        let strategy = strategy(&self.inputs.bindings, &self.inputs.world);
        for candidate in candidates {
            if found.len() >= MAX_FAILURES {
                break;
            }
            if !is_new_failure(&candidate.evaluation, &found) {
                continue; // an earlier shrunk failure already stands for its checks
            }
            let ev = match strategy.new_tree(&mut runner_from(candidate.rng)) {
                Ok(tree) => self.shrink(tree, candidate.evaluation, &found),
                Err(_) => candidate.evaluation,
            };
            let Some(new) = ev.findings.iter().find(|f| !found.contains(&f.check)).map(|f| f.check) else { continue };
            found.insert(new);
            let (result, path) = self.failure_unit(new, ev)?;
            results.push(result);
            saved.extend(path.filter(|p| !saved.contains(p)));
        }
        let stop = self.stopped.borrow().clone().unwrap_or(GeneratedStop::Completed);
        let requests = self.sent.get();
        results.extend(self.phase_unit(&stop, requests, results.is_empty()));
        let coverage = self.coverage.borrow().clone();
        Ok(GeneratedOutcome { requests, results, saved, stop, coverage, elapsed: Duration::ZERO })
    }

    /// The unit of one shrunk failure, and the case file saved for it.
    fn failure_unit(&self, check: CheckId, ev: Evaluation) -> Result<(CaseResult, Option<PathBuf>), GeneratedError> {
        let seed = self.inputs.plan.seed;
        // The unit is named by the check alone (one failure per check a run), so that a baseline
        // entry for it holds whatever the seed. The saved case is named by its request: the same
        // failing request is one file however many checks, runs and seeds find it, and it
        // carries the check that failed, not the one the request was drawn to exercise.
        let name = format!("generated-{check}");
        let mut case = ev.case.clone();
        case.check = check;
        case.name = format!("generated-{}", request_digest(&case));
        let why = format!("Found by ssm-conform's generated requests (seed {seed}), shrunk to this minimal request.");
        let toml = case_to_toml(&case, &why);
        let path = match &self.inputs.plan.save_failures {
            // The request is saved already (it failed an earlier check too).
            Some(dir) if self.saved_names.borrow().contains(&case.name) => {
                Some(dir.join(format!("{}.toml", case.name)))
            }
            Some(dir) => {
                self.saved_names.borrow_mut().insert(case.name.clone());
                let path = dir.join(format!("{}.toml", case.name));
                std::fs::create_dir_all(dir)
                    .and_then(|()| std::fs::write(&path, &toml))
                    .map_err(|source| GeneratedError::Save { path: path.clone(), source })?;
                Some(path)
            }
            None => None,
        };
        let mut findings = ev.findings;
        if let Some(first) = findings.first_mut() {
            first.detail = Some(format!("ready-to-save case file:\n{}", toml.trim_end()));
        }
        let result = CaseResult::new(name, check, Origin::Generated { seed }, Outcome::Failed(findings))
            .with_repro(Some(self.inputs.client.repro(&ev.request)))
            .with_exchange(Some(Exchange::capped(ev.request, Ok(ev.response))));
        Ok((result, path))
    }

    /// The phase's own unit: failed when a request got no answer, passed when nothing failed.
    fn phase_unit(&self, stop: &GeneratedStop, requests: usize, nothing_failed: bool) -> Option<CaseResult> {
        let seed = self.inputs.plan.seed;
        let unit = |outcome| {
            CaseResult::new("generated-requests", CheckId::GeneratedRequests, Origin::Generated { seed }, outcome)
        };
        match stop {
            GeneratedStop::NoAnswer { request, error, repro } => Some(unit(Outcome::Failed(vec![Finding::new(
                CheckId::GeneratedRequests,
                "an HTTP answer to every generated request",
                format!("request {request} got no answer ({error}): {repro}; the generated requests stopped there"),
            )]))),
            _ if !nothing_failed => None,
            GeneratedStop::Interrupted => Some(unit(Outcome::Skipped(format!(
                "the run was interrupted after {requests} generated requests, none of which failed"
            )))),
            // Nothing was compared: never a pass.
            GeneratedStop::BudgetSpent { budget } if requests == 0 => Some(unit(Outcome::Skipped(format!(
                "no generated request was sent: the time budget of {}s ran out before the first",
                budget.as_secs_f64()
            )))),
            GeneratedStop::Completed if requests == 0 => Some(unit(Outcome::Skipped(
                "no generated request was sent: none could be built against this target".to_owned(),
            ))),
            GeneratedStop::BudgetSpent { budget } => Some(unit(Outcome::of(
                Vec::new(),
                Some(format!(
                    "{requests} generated requests, seed {seed}; the time budget of {}s ran out",
                    budget.as_secs()
                )),
            ))),
            GeneratedStop::Completed => {
                Some(unit(Outcome::of(Vec::new(), Some(format!("{requests} generated requests, seed {seed}")))))
            }
        }
    }
}

/// The first 12 hex digits of the SHA-256 of a case's request (body as written, then headers):
/// what names a saved failure.
fn request_digest(case: &Case) -> String {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    h.update(case.request.body.text().as_bytes());
    for (k, v) in &case.request.headers {
        h.update([0]);
        h.update(k.as_bytes());
        h.update([0]);
        h.update(v.as_bytes());
    }
    hex::encode(&h.finalize()[..6])
}
