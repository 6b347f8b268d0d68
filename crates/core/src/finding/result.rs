//! Results: one [`CaseResult`] per unit of a run (a case, a relation, an always-on check, the
//! generated phase), and the [`RunReport`] of the whole run. Built only through the constructors
//! here, so every source of exchanges turns findings into results the same way.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::PathBuf;

use super::Finding;
use crate::check_id::CheckId;
use crate::contract::EitherRule;
use crate::request::WireRequest;
use crate::response::WireResponse;
use crate::source::Origin;

/// Which of the accepted alternatives a passing case saw, where its expectation allowed several.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Chosen {
    /// One of several accepted HTTP statuses.
    Status(u16),
    /// One of several accepted error types.
    ErrorType(String),
}

impl fmt::Display for Chosen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Chosen::Status(s) => write!(f, "HTTP {s}"),
            Chosen::ErrorType(t) => f.write_str(t),
        }
    }
}

/// What happened to one unit of the run (a case, a relation, an always-on check).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It held.
    Passed {
        /// Informational note (what was compared).
        note: Option<String>,
        /// The alternative the endpoint chose, where the expectation accepted several.
        chose: Option<Chosen>,
    },
    /// It did not hold.
    Failed(Vec<Finding>),
    /// Its own check could not be evaluated: the answer broke another rule first. The findings
    /// are under the checks of the rules it broke (the unit's own check is `CaseResult::check`).
    Blocked(Vec<Finding>),
    /// It could not run against this target, and why.
    Skipped(String),
    /// It did not hold, but every finding is accepted by the baseline.
    Accepted(Vec<Finding>),
}

impl Outcome {
    /// Failed with `findings`, or passed (with `note`) when there are none.
    pub fn of(findings: Vec<Finding>, note: Option<String>) -> Outcome {
        if findings.is_empty() {
            Outcome::Passed { note, chose: None }
        } else {
            Outcome::Failed(findings)
        }
    }

    /// The same outcome with the alternative a passing unit chose (other outcomes are unchanged).
    pub fn with_choice(self, chosen: Option<Chosen>) -> Outcome {
        match self {
            Outcome::Passed { note, .. } => Outcome::Passed { note, chose: chosen },
            other => other,
        }
    }

    /// The findings of a failed, blocked or accepted unit; empty otherwise.
    pub fn findings(&self) -> &[Finding] {
        match self {
            Outcome::Failed(f) | Outcome::Blocked(f) | Outcome::Accepted(f) => f,
            _ => &[],
        }
    }

    /// Whether the unit fails the run (failed, or blocked by another check's rule).
    pub fn fails(&self) -> bool {
        matches!(self, Outcome::Failed(_) | Outcome::Blocked(_))
    }
}

/// The result of one unit of the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseResult {
    /// The unit's name (case name, or check id and execution for relations).
    pub name: String,
    /// The check it exercises.
    pub check: CheckId,
    /// Where it was defined.
    pub origin: Origin,
    /// What happened.
    pub outcome: Outcome,
    /// A command that sends the unit's request again (no secrets): its one request, or for a
    /// relation over many exchanges (a walk), the request its first walk starts with.
    pub repro: Option<String>,
    /// The request and response, for machine-readable reports.
    pub exchange: Option<Exchange>,
}

impl CaseResult {
    /// A unit with `outcome`, no repro and no exchange.
    pub fn new(name: impl Into<String>, check: CheckId, origin: Origin, outcome: Outcome) -> CaseResult {
        CaseResult { name: name.into(), check, origin, outcome, repro: None, exchange: None }
    }

    /// A built-in unit (a relation, an always-on check) judged by its `findings`.
    pub fn builtin(name: impl Into<String>, check: CheckId, findings: Vec<Finding>, note: String) -> CaseResult {
        CaseResult::new(name, check, Origin::Builtin, Outcome::of(findings, Some(note)))
    }

    /// A unit that could not run, and why.
    pub fn skipped(name: impl Into<String>, check: CheckId, origin: Origin, why: impl Into<String>) -> CaseResult {
        CaseResult::new(name, check, origin, Outcome::Skipped(why.into()))
    }

    /// The same unit with a repro command.
    pub fn with_repro(mut self, repro: Option<String>) -> CaseResult {
        self.repro = repro;
        self
    }

    /// The same unit with the exchange it judged.
    pub fn with_exchange(mut self, exchange: Option<Exchange>) -> CaseResult {
        self.exchange = exchange;
        self
    }
}

/// One request and what came back, as reports show them (bodies capped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchange {
    /// The request as sent (unsigned: signatures are added in the transport only).
    pub request: WireRequest,
    /// The response, or the transport error.
    pub response: Result<WireResponse, String>,
}

impl Exchange {
    /// The most response-body bytes kept for reports.
    pub const BODY_LIMIT: usize = 64 * 1024;

    /// The exchange as reports keep it: the response body capped at [`Exchange::BODY_LIMIT`].
    pub fn capped(request: WireRequest, response: Result<WireResponse, String>) -> Exchange {
        let response = response.map(|mut resp| {
            if resp.body.len() > Self::BODY_LIMIT {
                resp.body.truncate(Self::BODY_LIMIT);
                resp.body.extend_from_slice(b"... [truncated]");
            }
            resp
        });
        Exchange { request, response }
    }
}

/// Counts for the summary line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RunSummary {
    /// Units that held.
    pub passed: usize,
    /// Units with findings.
    pub failed: usize,
    /// Units whose own check could not be evaluated because another rule broke first.
    pub blocked: usize,
    /// Units that could not run.
    pub skipped: usize,
    /// Units whose findings the baseline accepts.
    pub accepted: usize,
}

impl RunSummary {
    /// Counts a list of results.
    pub fn of<'a>(results: impl IntoIterator<Item = &'a CaseResult>) -> RunSummary {
        let mut s = RunSummary::default();
        for r in results {
            match r.outcome {
                Outcome::Passed { .. } => s.passed += 1,
                Outcome::Failed(_) => s.failed += 1,
                Outcome::Blocked(_) => s.blocked += 1,
                Outcome::Skipped(_) => s.skipped += 1,
                Outcome::Accepted(_) => s.accepted += 1,
            }
        }
        s
    }
}

impl RunSummary {
    /// Whether the run has findings that are not accepted (exit status 1).
    pub fn fails(&self) -> bool {
        self.failed + self.blocked > 0
    }
}

impl RunReport {
    /// Why the checks that need data could not run, if they could not: the run knew no execution
    /// (the first operation), or the endpoint listed no window with executions (the second). An
    /// interrupted run says so instead (it may have stopped before it could know one).
    pub fn data_gap(&self) -> Option<&'static str> {
        if self.interrupted.is_some() {
            None
        } else if self.executions_known == Some(0) {
            Some(NO_EXECUTION)
        } else if self.windows_known == Some(0) {
            Some(NO_WINDOW)
        } else {
            None
        }
    }

    /// What the user can do about the data gap, if there is one.
    pub fn data_hint(&self) -> &'static str {
        match self.data_gap() {
            Some(NO_WINDOW) => "the endpoint must list a maintenance window that has run",
            _ => "give --execution-id",
        }
    }

    /// Whether `--require-data` fails this run: it was required and there was none.
    pub fn fails_for_want_of_data(&self) -> bool {
        self.data_required && self.data_gap().is_some()
    }

    /// The run's last line: how much was evaluated, and why data-dependent units were skipped
    /// (`230 units: 142 passed, 0 failed, 88 skipped (no execution known)`).
    pub fn last_line(&self, summary: &RunSummary) -> String {
        let gap = match self.data_gap() {
            Some(gap) if self.data_required => format!(" ({gap}: --require-data fails the run)"),
            Some(gap) => format!(" ({gap}: the checks that need one were skipped; {})", self.data_hint()),
            None => String::new(),
        };
        format!("{} units: {summary}{gap}", self.results.len())
    }
}

impl fmt::Display for RunSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} passed, {} failed, ", self.passed, self.failed)?;
        if self.blocked > 0 {
            write!(f, "{} blocked, ", self.blocked)?;
        }
        write!(f, "{} skipped", self.skipped)
    }
}

/// How one listing's walk went, for the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkSummary {
    /// The execution walked.
    pub execution_id: String,
    /// `MaxResults` sent (`None`: absent).
    pub page_size: Option<i64>,
    /// How the walk differs from a plain unfiltered one: its filter, or the one dimension a
    /// relation varies (`MaxResults written 1e1`), described.
    pub varied: Option<String>,
    /// Pages seen.
    pub pages: usize,
    /// Items seen.
    pub items: usize,
}

impl WalkSummary {
    /// The page size as reports show it: `10`, or `absent`.
    pub fn size_label(&self) -> String {
        self.page_size.map_or("absent".to_owned(), |n| n.to_string())
    }

    /// `MaxResults 10`, `MaxResults absent`, or either after what the walk varies.
    pub fn label(&self) -> String {
        let size = format!("MaxResults {}", self.size_label());
        match &self.varied {
            Some(f) => format!("{f}, {size}"),
            None => size,
        }
    }
}

/// How many generated requests exercised each contract rule: the MUST rules by check id, the
/// EITHER rules by name. Every rule a request can exercise has a row, so a zero says what the
/// generator did not explore.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Requests per MUST rule.
    pub checks: BTreeMap<CheckId, usize>,
    /// Requests per EITHER rule.
    pub either: BTreeMap<EitherRule, usize>,
}

impl Coverage {
    /// A table with these rows, every count zero.
    pub fn with_rows(checks: &[CheckId], either: &[EitherRule]) -> Coverage {
        Coverage { checks: checks.iter().map(|c| (*c, 0)).collect(), either: either.iter().map(|r| (*r, 0)).collect() }
    }

    /// Counts one request that exercised `checks` and `either`.
    pub fn count<'a>(
        &mut self,
        checks: impl IntoIterator<Item = &'a CheckId>,
        either: impl IntoIterator<Item = &'a EitherRule>,
    ) {
        for c in checks {
            *self.checks.entry(*c).or_insert(0) += 1;
        }
        for r in either {
            *self.either.entry(*r).or_insert(0) += 1;
        }
    }

    /// The rows no request exercised.
    pub fn unexplored(&self) -> Vec<String> {
        let checks = self.checks.iter().filter(|(_, n)| **n == 0).map(|(c, _)| c.name().to_owned());
        checks.chain(self.either.iter().filter(|(_, n)| **n == 0).map(|(r, _)| format!("EITHER {r}"))).collect()
    }
}

/// Everything a run found.
#[derive(Debug, Clone, Default)]
pub struct RunReport {
    /// Every unit's result, in a stable order.
    pub results: Vec<CaseResult>,
    /// Every walk the relations took.
    pub walks: Vec<WalkSummary>,
    /// For each EITHER rule observed outside the cases, the alternatives the endpoint chose.
    pub choices: BTreeMap<EitherRule, BTreeSet<String>>,
    /// Pending snapshots written by `--snapshots update`.
    pub pending_snapshots: Vec<PathBuf>,
    /// Generated requests sent.
    pub generated_requests: usize,
    /// How long the generated phase took (shrinking included).
    pub generated_elapsed: std::time::Duration,
    /// How many generated requests exercised each contract rule (`None`: no generated phase).
    pub coverage: Option<Coverage>,
    /// Case files written by `--save-failures`.
    pub saved_failures: Vec<PathBuf>,
    /// The signal that interrupted the run, if one did (what did not run is skipped).
    pub interrupted: Option<crate::exit::StopSignal>,
    /// What the run learned that the report's header says (the execution ids it discovered).
    pub notes: Vec<String>,
    /// What the requests met on the way: throttles, transient errors, pacing (`None`: not
    /// measured, as in a unit test).
    pub traffic: Option<Traffic>,
    /// How many executions the run knew (given or discovered); `None` where that does not apply
    /// (the operation is not implemented, a proxy session).
    pub executions_known: Option<usize>,
    /// How many windows with executions the second operation walked; `None` where it did not run
    /// (not asked for, not implemented).
    pub windows_known: Option<usize>,
    /// Whether the run must have data to pass (`--require-data`): then a run that knew no
    /// execution, or listed no window with executions, fails, however its units went.
    pub data_required: bool,
}

/// The data gap of a run that knew no execution.
const NO_EXECUTION: &str = "no execution known";
/// The data gap of a run of the second operation that listed no window with executions.
const NO_WINDOW: &str = "no maintenance window with executions listed";

/// The start of the reason of a unit that was not evaluated because the endpoint throttled
/// The unit the generated phase's exchanges are recorded under (`--record`), which a replay
/// names as the run named it.
pub const GENERATED_UNIT: &str = "generated requests";

/// every attempt of one of its requests: never passed, never failed.
pub const NOT_EVALUATED: &str = "not evaluated: ";

/// What a run's requests met: throttles, transient errors, the rate it was paced at, waits.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Traffic {
    /// Requests sent, retries included.
    pub attempts: u64,
    /// Throttle answers met (each was retried).
    pub throttled: u64,
    /// Transient errors a retry got past (never judged).
    pub transient_retried: u64,
    /// Requests whose transient error every attempt repeated (judged as answers).
    pub transient_repeated: u64,
    /// Requests given up after every attempt was throttled.
    pub given_up: u64,
    /// The rate the run was held to at its end, requests a second (`None`: unpaced).
    pub settled_rate: Option<f64>,
    /// Seconds spent in backoff, summed over requests.
    pub backoff_seconds: f64,
    /// Seconds spent waiting for the pacer, summed over requests.
    pub paced_seconds: f64,
}

impl Traffic {
    /// Whether anything happened worth a line under the report's header.
    pub fn is_notable(&self) -> bool {
        self.throttled + self.transient_retried + self.transient_repeated + self.given_up > 0
            || self.settled_rate.is_some()
    }
}

impl fmt::Display for Traffic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} requests sent; {} throttled answers retried; {} transient errors retried",
            self.attempts, self.throttled, self.transient_retried
        )?;
        if self.transient_repeated > 0 {
            write!(f, " ({} answered 5xx on every attempt the retry quota allowed, judged)", self.transient_repeated)?;
        }
        if self.given_up > 0 {
            write!(f, "; {} requests throttled on every attempt (their units not evaluated)", self.given_up)?;
        }
        match self.settled_rate {
            Some(rate) => write!(f, "; paced, settled at {rate:.1} requests/s")?,
            None => f.write_str("; unpaced")?,
        }
        write!(f, "; waited {:.1} s in backoff and {:.1} s for the pacer", self.backoff_seconds, self.paced_seconds)
    }
}

impl RunReport {
    /// The rules the endpoint breaks, one entry each with the units they show up in, most
    /// damaging first.
    pub fn deviations(&self) -> Vec<super::Deviation> {
        super::deviations(&self.results)
    }

    /// The units not evaluated because the endpoint throttled every attempt.
    pub fn not_evaluated(&self) -> usize {
        self.results
            .iter()
            .filter(|r| matches!(&r.outcome, Outcome::Skipped(why) if why.starts_with(NOT_EVALUATED)))
            .count()
    }
}
