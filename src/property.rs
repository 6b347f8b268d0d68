//! Property-generated requests against an endpoint: proptest generates whole requests, the
//! oracle says what each answer must be, and a failure is shrunk to the smallest request that
//! still fails, then printed three ways — expected vs got, a `curl` line, and a ready-to-save
//! case file. The run is deterministic from its seed and sequential, so the same seed gives the
//! same requests and the same report.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::path::PathBuf;

use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};

use crate::check::error_shape::check_error_response;
use crate::check::expectation::check_case;
use crate::check::protocol::check_protocol;
use crate::check::response_shape::{check_success, PageRequest};
use crate::check::{CheckId, CheckOptions};
use crate::finding::{CaseResult, Exchange, Finding, Outcome};
use crate::oracle::{self, World};
use crate::request::{self, Bindings, WireRequest};
use crate::response::WireResponse;
use crate::source::generate::{requests, Capabilities, GenRequest};
use crate::source::{case_to_toml, BodyTemplate, Case, Expectation, Origin, RequestSpec};
use crate::transport::Client;

/// The default number of generated requests: a few seconds against the reference endpoint.
pub const DEFAULT_CASES: u32 = 2000;

/// At most this many distinct failures (by check) are hunted and shrunk in one run.
pub const MAX_FAILURES: usize = 5;

/// The default time budget of the phase; past it, no more requests are sent.
pub const DEFAULT_BUDGET: std::time::Duration = std::time::Duration::from_secs(120);

/// Settings of the property phase.
#[derive(Debug, Clone)]
pub struct PropertyPlan {
    /// Requests to generate (0 turns the phase off).
    pub cases: u32,
    /// The seed (the run's seed).
    pub seed: u64,
    /// Where to write each shrunk failure as a case file.
    pub save_failures: Option<PathBuf>,
    /// The most the phase may take; past it, no more requests are sent.
    pub budget: std::time::Duration,
}

/// A generated request as a case, with the oracle's expectation for its resolved body.
pub fn generated_case(
    gen: &GenRequest,
    name: &str,
    seed: u64,
    bindings: &Bindings,
    world: &World,
) -> Result<(Case, WireRequest), request::Unresolved> {
    let body = match &gen.raw_body {
        Some(raw) => BodyTemplate::Raw(raw.clone()),
        None => BodyTemplate::Json(gen.body().to_string()),
    };
    let mut case = Case {
        name: name.to_owned(),
        check: CheckId::PageSize,
        description: None,
        origin: Origin::Generated { seed },
        request: RequestSpec { body, headers: Vec::new() },
        expect: Expectation::default(),
        snapshot: None,
    };
    let req = request::build(&case, bindings)?;
    let verdict = oracle::expect(&req.body, world);
    case.check = verdict.check;
    case.description = Some(verdict.reason);
    case.expect = verdict.expect;
    Ok((case, req))
}

/// A case whose request is `body` as sent and whose expectation is the oracle's `verdict`, for
/// judging a request built elsewhere (the fuzz targets).
pub fn oracle_case(name: &str, body: &[u8], verdict: oracle::Verdict) -> Case {
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

/// Every finding on one generated exchange: the oracle's expectation and the always-on checks.
pub fn judge(case: &Case, req: &WireRequest, resp: &WireResponse, opts: CheckOptions) -> Vec<Finding> {
    let body = req.json_body();
    let (mut findings, _) = check_case(case, body.as_ref(), resp, opts);
    findings.extend(check_protocol(resp));
    findings.extend(check_error_response(resp));
    findings.extend(check_success(&PageRequest::of(body.as_ref()), resp));
    findings
}

/// The oracle's view of the target, from the run's bindings.
pub fn world_of(bindings: &Bindings) -> World {
    World {
        known: bindings.execution_ids.clone(),
        token: bindings.next_token.clone().zip(bindings.execution_ids.first().cloned()),
    }
}

/// What the property phase found.
#[derive(Debug, Clone, Default)]
pub struct PropertyOutcome {
    /// Requests sent (generated and shrinking).
    pub requests: usize,
    /// One result per distinct failure (shrunk), or one passing unit.
    pub results: Vec<CaseResult>,
    /// Case files written by `--save-failures`.
    pub saved: Vec<PathBuf>,
}

struct Evaluation {
    case: Case,
    request: WireRequest,
    response: Result<WireResponse, String>,
    findings: Vec<Finding>,
}

/// Runs the property phase against `client`, sequentially and deterministically.
/// `progress` (with the units already done) is told of every generated request.
pub async fn run_properties(
    client: &Client,
    bindings: &Bindings,
    plan: &PropertyPlan,
    opts: CheckOptions,
    progress: Option<(crate::runner::Progress, usize)>,
) -> PropertyOutcome {
    if plan.cases == 0 {
        return PropertyOutcome::default();
    }
    let client = client.clone();
    let bindings = bindings.clone();
    let plan = plan.clone();
    let handle = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || properties_blocking(&handle, &client, &bindings, &plan, opts, progress))
        .await
        .unwrap_or_default()
}

fn properties_blocking(
    handle: &tokio::runtime::Handle,
    client: &Client,
    bindings: &Bindings,
    plan: &PropertyPlan,
    opts: CheckOptions,
    progress: Option<(crate::runner::Progress, usize)>,
) -> PropertyOutcome {
    let world = world_of(bindings);
    let caps = Capabilities { known_executions: bindings.execution_ids.len(), token: world.token.is_some() };
    let strategy = requests(caps);
    let sent = RefCell::new(0usize);
    let deadline = std::time::Instant::now() + plan.budget;
    // The first transport error stops the phase: shrinking a reset or a timeout would only turn
    // it into a misleading minimal request, and every further request could take the timeout.
    let stopped: RefCell<Option<String>> = RefCell::new(None);
    let evaluate = |gen: &GenRequest| -> Option<Evaluation> {
        if stopped.borrow().is_some() {
            return None;
        }
        if std::time::Instant::now() >= deadline {
            *stopped.borrow_mut() = Some(format!("the time budget of {}s ran out", plan.budget.as_secs()));
            return None;
        }
        let (case, req) = generated_case(gen, "generated", plan.seed, bindings, &world).ok()?;
        *sent.borrow_mut() += 1;
        if let Some((p, done)) = &progress {
            // Shrinking adds requests beyond `cases`; the bar's length grows with them.
            let n = *sent.borrow();
            (p.0)(done + n, done + (plan.cases as usize).max(n));
        }
        let response = handle.block_on(client.send(&req)).map_err(|e| e.to_string());
        if let Err(e) = &response {
            *stopped.borrow_mut() = Some(format!(
                "request {} got no answer ({e}): {}",
                sent.borrow(),
                crate::repro::curl(client.url(), &req)
            ));
            return None;
        }
        let findings = match &response {
            Ok(resp) => judge(&case, &req, resp, opts),
            Err(e) => vec![Finding::new(case.check, "an HTTP answer", e.clone())],
        };
        Some(Evaluation { case, request: req, response, findings })
    };

    let mut found: BTreeSet<CheckId> = BTreeSet::new();
    let mut out = PropertyOutcome::default();
    let mut remaining = plan.cases;
    for round in 0..MAX_FAILURES {
        if remaining == 0 {
            break;
        }
        let mut seed = [0u8; 32];
        seed[..8].copy_from_slice(&plan.seed.to_le_bytes());
        seed[8] = round as u8;
        let config = Config {
            cases: remaining,
            failure_persistence: None,
            max_shrink_iters: 4096,
            max_shrink_time: 30_000,
            max_global_rejects: 100_000,
            ..Config::default()
        };
        let mut runner = TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &seed));
        let ran = RefCell::new(0u32);
        let result = runner.run(&strategy, |gen| {
            *ran.borrow_mut() += 1;
            let Some(ev) = evaluate(&gen) else {
                // Stopped (budget or transport): pass without sending, so the runner winds down.
                if stopped.borrow().is_some() {
                    return Ok(());
                }
                return Err(TestCaseError::reject("placeholder not available"));
            };
            match ev.findings.iter().find(|f| !found.contains(&f.check)) {
                Some(f) => Err(TestCaseError::fail(format!("[{}] {}", f.check, f.actual))),
                None => Ok(()),
            }
        });
        match result {
            Ok(()) => break,
            Err(TestError::Abort(_)) => break,
            Err(TestError::Fail(_, minimal)) => {
                remaining = remaining.saturating_sub(*ran.borrow());
                let Some(ev) = evaluate(&minimal) else { break };
                let Some(new) = ev.findings.iter().find(|f| !found.contains(&f.check)).map(|f| f.check) else { break };
                found.insert(new);
                // Named by the check alone (one failure per check a run), so that a baseline
                // entry for it holds whatever the seed; saved files also carry the seed.
                let name = format!("generated-{new}");
                let mut case = ev.case.clone();
                case.name = format!("{name}-{}", plan.seed);
                let toml = case_to_toml(
                    &case,
                    &format!(
                        "Found by ssm-conform's generated requests (seed {}), shrunk to this minimal request.",
                        plan.seed
                    ),
                );
                if let Some(dir) = &plan.save_failures {
                    let path = dir.join(format!("{name}-{}.toml", plan.seed));
                    if std::fs::create_dir_all(dir).and_then(|()| std::fs::write(&path, &toml)).is_ok() {
                        out.saved.push(path);
                    }
                }
                let mut findings = ev.findings.clone();
                if let Some(first) = findings.first_mut() {
                    first.detail = Some(format!("ready-to-save case file:\n{}", toml.trim_end()));
                }
                out.results.push(CaseResult {
                    name,
                    check: new,
                    origin: Origin::Generated { seed: plan.seed },
                    outcome: Outcome::Failed(findings),
                    repro: Some(crate::repro::curl(client.url(), &ev.request)),
                    exchange: Some(Exchange { request: ev.request, response: ev.response }),
                });
            }
        }
    }
    out.requests = *sent.borrow();
    let stop = stopped.borrow().clone();
    if let Some(why) = stop.clone().filter(|w| !w.starts_with("the time budget")) {
        out.results.push(CaseResult {
            name: "generated-requests".to_owned(),
            check: CheckId::GeneratedRequests,
            origin: Origin::Generated { seed: plan.seed },
            outcome: Outcome::Failed(vec![Finding::new(
                CheckId::GeneratedRequests,
                "an HTTP answer to every generated request",
                format!("{why}; the generated requests stopped there"),
            )]),
            repro: None,
            exchange: None,
        });
    } else if out.results.is_empty() {
        out.results.push(CaseResult {
            name: "generated-requests".to_owned(),
            check: CheckId::GeneratedRequests,
            origin: Origin::Generated { seed: plan.seed },
            outcome: Outcome::Passed {
                note: Some(match &stop {
                    Some(why) => format!("{} generated requests, seed {}; {why}", out.requests, plan.seed),
                    None => format!("{} generated requests, seed {}", out.requests, plan.seed),
                }),
            },
            repro: None,
            exchange: None,
        });
    }
    out
}
