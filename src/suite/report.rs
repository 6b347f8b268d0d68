//! What a [`Suite`](super::Suite) found, in the forms a test asserts on: counts, the failures one
//! by one, the terminal report a panic shows, and the machine-readable reports.

use std::time::Duration;

use crate::finding::{Baseline, BaselineEntry, RunReport, RunSummary};
use crate::report::{self, RunContext, TerminalReport};

/// How many units of the run ended each way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Tally {
    /// Units that held.
    pub passed: usize,
    /// Units with findings the baseline does not accept.
    pub failed: usize,
    /// Units whose own check could not be evaluated because the answer broke another rule first
    /// (they fail the run too).
    pub blocked: usize,
    /// Units that could not run against this endpoint (they compared nothing).
    pub skipped: usize,
    /// Units whose every finding the baseline accepts.
    pub accepted: usize,
}

/// One finding that fails the run: which unit, which check, what the contract requires and what
/// came back. Everything in it that the endpoint sent is as it was sent: escape it before
/// printing it anywhere but a test's own output.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Failure {
    /// The unit (a case name, or a check id and an execution for the built-in units).
    pub unit: String,
    /// The stable id of the check that found it (`ssm-conform run --list-checks`).
    pub check: &'static str,
    /// What the contract requires.
    pub expected: String,
    /// What came back.
    pub actual: String,
    /// What real SDK clients were measured to do with this deviation, when it is known.
    pub sdk_impact: Option<String>,
    /// A `curl` command that sends the request again (no secrets), when there was one request.
    pub repro: Option<String>,
}

/// The report of one [`Suite`](super::Suite) run.
#[derive(Debug, Clone)]
pub struct SuiteReport {
    target: String,
    seed: u64,
    elapsed: Duration,
    run: RunReport,
    stale: Vec<BaselineEntry>,
}

impl SuiteReport {
    /// The report, with `baseline` (if any) applied to the results.
    pub(super) fn new(
        target: String,
        seed: u64,
        elapsed: Duration,
        mut run: RunReport,
        baseline: Option<Baseline>,
    ) -> SuiteReport {
        let stale = baseline.map(|b| b.apply(&mut run.results)).unwrap_or_default();
        SuiteReport { target, seed, elapsed, run, stale }
    }

    fn context(&self) -> RunContext<'_> {
        RunContext {
            target: &self.target,
            notes: &self.run.notes,
            seed: self.seed,
            seconds: self.elapsed.as_secs_f64(),
            stale: &self.stale,
            report: &self.run,
        }
    }

    /// Whether nothing failed that the baseline does not accept (what exit status 0 means for
    /// `ssm-conform run`).
    pub fn is_conformant(&self) -> bool {
        !RunSummary::of(&self.run.results).fails() && self.not_evaluated() == 0
    }

    /// How many requests were throttled on every attempt and so not evaluated (their units are
    /// skipped, never passed): a run with any is not conformant, since it did not look everywhere.
    pub fn not_evaluated(&self) -> u64 {
        self.run.traffic.map_or(0, |t| t.given_up)
    }

    /// Panics, with the whole terminal report as the message, unless [`is_conformant`].
    ///
    /// [`is_conformant`]: SuiteReport::is_conformant
    #[track_caller]
    pub fn assert_conformant(&self) {
        if !self.is_conformant() {
            panic!("the endpoint does not conform:\n{}", self.terminal());
        }
    }

    /// How many units ended each way.
    pub fn tally(&self) -> Tally {
        let s = RunSummary::of(&self.run.results);
        Tally { passed: s.passed, failed: s.failed, blocked: s.blocked, skipped: s.skipped, accepted: s.accepted }
    }

    /// Every finding that fails the run (of failed and blocked units), in the report's order.
    pub fn failures(&self) -> Vec<Failure> {
        let failing = self.run.results.iter().filter(|r| r.outcome.fails());
        failing
            .flat_map(|r| {
                r.outcome.findings().iter().map(move |f| Failure {
                    unit: r.name.clone(),
                    check: f.check.name(),
                    expected: f.expected.clone(),
                    actual: f.actual.clone(),
                    sdk_impact: f.sdk_impact(),
                    repro: r.repro.clone(),
                })
            })
            .collect()
    }

    /// The ids of the checks that failed, each once, sorted.
    pub fn failed_checks(&self) -> Vec<&'static str> {
        let mut ids: Vec<&'static str> = self.failures().iter().map(|f| f.check).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// Baseline entries that matched no finding (`unit check` each): deviations fixed since the
    /// baseline was written, which can be removed from it.
    pub fn stale_baseline_entries(&self) -> Vec<String> {
        self.stale.iter().map(|e| format!("{} {}", e.unit, e.check.name())).collect()
    }

    /// How many property-generated requests were sent.
    pub fn generated_requests(&self) -> usize {
        self.run.generated_requests
    }

    /// The terminal report `ssm-conform run` prints, without colour; every byte the endpoint
    /// sent is escaped.
    pub fn terminal(&self) -> String {
        let mut out = Vec::new();
        // Writing to a Vec cannot fail.
        let _ = TerminalReport { verbose: false, colour: false }.write(&mut out, &self.context());
        String::from_utf8_lossy(&out).into_owned()
    }

    /// The JSON report (`--report json:PATH`): every finding with its request, response,
    /// expectation and repro.
    pub fn json(&self) -> String {
        report::write_json(&self.context())
    }

    /// The Markdown conformance matrix (`--report markdown:PATH`).
    pub fn markdown(&self) -> String {
        report::write_markdown(&self.context())
    }

    /// A baseline accepting every finding of this run (as `--write-baseline` writes it), for
    /// [`Suite::baseline`](super::Suite::baseline).
    pub fn baseline_toml(&self) -> String {
        Baseline::of(&self.run.results).to_toml()
    }
}
