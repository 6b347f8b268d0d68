//! Findings (the endpoint departs from the contract) and the results that carry them. A finding
//! is data for reporters; a harness failure is an error type elsewhere and never a finding.

use std::fmt;

use crate::check::CheckId;
use crate::source::Origin;

/// How much a finding matters. Both kinds fail the run; the contract marks some rules as
/// lower severity because SDKs tolerate the deviation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Clients break or misread the answer.
    Error,
    /// Clients tolerate it, but the contract is broken.
    Warning,
}

/// One departure from the contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The check that found it.
    pub check: CheckId,
    /// How much it matters.
    pub severity: Severity,
    /// What the contract requires.
    pub expected: String,
    /// What came back.
    pub actual: String,
}

impl Finding {
    /// An error-severity finding.
    pub fn new(check: CheckId, expected: impl Into<String>, actual: impl Into<String>) -> Finding {
        Finding { check, severity: Severity::Error, expected: expected.into(), actual: actual.into() }
    }

    /// The same finding at warning severity.
    pub fn warning(mut self) -> Finding {
        self.severity = Severity::Warning;
        self
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "",
            Severity::Warning => " (lower severity)",
        };
        write!(f, "[{}]{sev} expected {}; got {}", self.check, self.expected, self.actual)
    }
}

/// What happened to one unit of the run (a case, a relation, an always-on check).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It held. `note` says which EITHER alternative the endpoint chose, where there was a choice.
    Passed {
        /// Informational note.
        note: Option<String>,
    },
    /// It did not hold.
    Failed(Vec<Finding>),
    /// It could not run against this target, and why.
    Skipped(String),
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
    /// A command that reproduces the request (no secrets), when there was one request.
    pub repro: Option<String>,
}

/// Counts for the summary line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RunSummary {
    /// Units that held.
    pub passed: usize,
    /// Units with findings.
    pub failed: usize,
    /// Units that could not run.
    pub skipped: usize,
}

impl RunSummary {
    /// Counts a list of results.
    pub fn of(results: &[CaseResult]) -> RunSummary {
        let mut s = RunSummary::default();
        for r in results {
            match r.outcome {
                Outcome::Passed { .. } => s.passed += 1,
                Outcome::Failed(_) => s.failed += 1,
                Outcome::Skipped(_) => s.skipped += 1,
            }
        }
        s
    }
}

impl fmt::Display for RunSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} passed, {} failed, {} skipped", self.passed, self.failed, self.skipped)
    }
}
