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
    /// More lines, such as a snapshot diff.
    pub detail: Option<String>,
}

impl Finding {
    /// An error-severity finding.
    pub fn new(check: CheckId, expected: impl Into<String>, actual: impl Into<String>) -> Finding {
        Finding { check, severity: Severity::Error, expected: expected.into(), actual: actual.into(), detail: None }
    }

    /// The same finding with more lines of detail.
    pub fn with_detail(mut self, detail: impl Into<String>) -> Finding {
        self.detail = Some(detail.into());
        self
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
    /// It did not hold, but every finding is accepted by the baseline.
    Accepted(Vec<Finding>),
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
    /// The request and response, for machine-readable reports.
    pub exchange: Option<Exchange>,
}

/// One request and what came back, as reports show them (bodies capped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchange {
    /// The request as sent (unsigned: signatures are added in the transport only).
    pub request: crate::request::WireRequest,
    /// The response, or the transport error.
    pub response: Result<crate::response::WireResponse, String>,
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
    /// Units whose findings the baseline accepts.
    pub accepted: usize,
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
                Outcome::Accepted(_) => s.accepted += 1,
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

/// One accepted finding: the unit it is in and the check that found it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineEntry {
    /// The unit's name (a case name, or a check id for built-in units).
    pub unit: String,
    /// The check id of the finding.
    pub check: String,
    /// Why it is accepted (kept as written; `--write-baseline` leaves it empty).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
}

/// Known deviations a target accepts, so that a gate fails only on what is new.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// The accepted findings.
    #[serde(default)]
    pub accepted: Vec<BaselineEntry>,
}

/// A baseline file that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{}: {message}", path.display())]
pub struct BaselineError {
    /// The file.
    pub path: std::path::PathBuf,
    /// What is wrong.
    pub message: String,
}

impl Baseline {
    /// Reads a baseline file (TOML: `[[accepted]] unit = "..." check = "..."`).
    pub fn load(path: &std::path::Path) -> Result<Baseline, BaselineError> {
        let err = |message: String| BaselineError { path: path.to_owned(), message };
        let text = std::fs::read_to_string(path).map_err(|e| err(format!("cannot read: {e}")))?;
        toml::from_str(&text).map_err(|e| {
            let line = e.span().map_or(0, |s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            err(format!("line {line}: {}", e.message().trim()))
        })
    }

    /// The baseline that accepts every finding of `results`.
    pub fn of(results: &[CaseResult]) -> Baseline {
        let mut accepted: Vec<BaselineEntry> = results
            .iter()
            .flat_map(|r| {
                let findings: &[Finding] = match &r.outcome {
                    Outcome::Failed(f) | Outcome::Accepted(f) => f,
                    _ => &[],
                };
                findings.iter().map(move |f| BaselineEntry {
                    unit: r.name.clone(),
                    check: f.check.to_string(),
                    reason: String::new(),
                })
            })
            .collect();
        accepted.sort();
        accepted.dedup();
        Baseline { accepted }
    }

    /// The file text.
    pub fn to_toml(&self) -> String {
        let body = toml::to_string(self).unwrap_or_default();
        format!("# ssm-conform baseline: findings this target is known to have. A run with\n# --baseline fails only on findings not listed here, and names entries that no longer occur.\n\n{body}")
    }

    /// Marks units whose every finding is accepted as [`Outcome::Accepted`]; returns the entries
    /// that matched nothing (fixed since: the baseline can shrink).
    pub fn apply(&self, results: &mut [CaseResult]) -> Vec<BaselineEntry> {
        let mut used = vec![false; self.accepted.len()];
        for r in results.iter_mut() {
            let Outcome::Failed(findings) = &r.outcome else { continue };
            let mut all = true;
            for f in findings {
                match self.accepted.iter().position(|e| e.unit == r.name && e.check == f.check.name()) {
                    Some(i) => used[i] = true,
                    None => all = false,
                }
            }
            if all {
                r.outcome = Outcome::Accepted(findings.clone());
            }
        }
        self.accepted.iter().zip(used).filter(|(_, u)| !u).map(|(e, _)| e.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failed(name: &str, checks: &[CheckId]) -> CaseResult {
        CaseResult {
            name: name.into(),
            check: checks[0],
            origin: Origin::Builtin,
            outcome: Outcome::Failed(checks.iter().map(|c| Finding::new(*c, "x", "y")).collect()),
            repro: None,
            exchange: None,
        }
    }

    #[test]
    fn baseline_hides_exactly_the_accepted_findings_and_names_stale_entries() {
        let mut results = vec![
            failed("a", &[CheckId::MaxResultsMin]),
            failed("b", &[CheckId::IdPattern, CheckId::ValidationAggregation]),
        ];
        let baseline = Baseline {
            accepted: vec![
                BaselineEntry { unit: "a".into(), check: "max-results-min".into(), reason: String::new() },
                BaselineEntry { unit: "b".into(), check: "id-pattern".into(), reason: String::new() },
                BaselineEntry { unit: "gone".into(), check: "id-length".into(), reason: String::new() },
            ],
        };
        let stale = baseline.apply(&mut results);
        assert!(matches!(results[0].outcome, Outcome::Accepted(_)));
        assert!(matches!(results[1].outcome, Outcome::Failed(_)), "a new finding in b still fails");
        assert_eq!(stale.len(), 1);
        assert_eq!(stale[0].unit, "gone");
        let round: Baseline = toml::from_str(&Baseline::of(&results).to_toml()).unwrap();
        assert_eq!(round.accepted.len(), 3);
    }
}
