//! The conformance matrix as data, for every reporter that draws it (Markdown, HTML): a verdict
//! and counts per family and per check, and what the endpoint chose where the contract says
//! EITHER. Nothing here is escaped: each reporter escapes for its own format.

use std::collections::BTreeMap;

use super::RunContext;
use crate::check::{CheckFamily, CheckId};
use crate::finding::{CaseResult, Outcome, RunSummary};

/// A family's or a check's verdict: "conforms" only when something was compared and held, never
/// for units that compared nothing (skipped) or could not be evaluated (blocked).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Something failed.
    Fails,
    /// Everything that failed is accepted by the baseline.
    KnownDeviations,
    /// Some units could not be evaluated, none failed.
    NotEvaluated,
    /// Something was compared and held.
    Conforms,
    /// Nothing ran.
    NotRun,
}

impl Verdict {
    /// The verdict of `s`.
    pub fn of(s: &RunSummary) -> Verdict {
        if s.failed > 0 {
            Verdict::Fails
        } else if s.accepted > 0 {
            Verdict::KnownDeviations
        } else if s.blocked > 0 {
            Verdict::NotEvaluated
        } else if s.passed > 0 {
            Verdict::Conforms
        } else {
            Verdict::NotRun
        }
    }

    /// In words.
    pub fn words(self) -> &'static str {
        match self {
            Verdict::Fails => "fails",
            Verdict::KnownDeviations => "known deviations",
            Verdict::NotEvaluated => "not evaluated",
            Verdict::Conforms => "conforms",
            Verdict::NotRun => "not run",
        }
    }

    /// A short stable name (a CSS class).
    pub fn key(self) -> &'static str {
        match self {
            Verdict::Fails => "fail",
            Verdict::KnownDeviations => "known",
            Verdict::NotEvaluated => "blocked",
            Verdict::Conforms => "pass",
            Verdict::NotRun => "skip",
        }
    }
}

/// One family's row.
pub struct FamilyRow {
    /// The family.
    pub family: CheckFamily,
    /// Its units' counts.
    pub counts: RunSummary,
}

/// The families that have units, in catalogue order.
pub fn families(results: &[CaseResult]) -> Vec<FamilyRow> {
    CheckFamily::ALL
        .iter()
        .filter_map(|&family| {
            let units = results.iter().filter(|r| r.check.family() == family);
            let counts = RunSummary::of(units);
            (counts.passed + counts.failed + counts.blocked + counts.skipped + counts.accepted > 0)
                .then_some(FamilyRow { family, counts })
        })
        .collect()
}

/// What real SDKs were measured to do with a check's first finding.
pub enum Impact {
    /// The check found nothing.
    NoFinding,
    /// The measured impact, in one line.
    Measured(String),
    /// It found something whose impact was not measured.
    NotMeasured,
}

/// One check's row: the units named by it and the findings it made in other units.
pub struct CheckRow {
    /// The check.
    pub check: CheckId,
    /// Its units' counts; `failed` is at least 1 when it found something in another unit.
    pub counts: RunSummary,
    /// How many units are named by it.
    pub units: usize,
    /// Its first finding as `unit: what came back` (raw endpoint data).
    pub first_finding: Option<String>,
    /// What SDKs do with it.
    pub impact: Impact,
}

/// The checks that ran or found something, in catalogue order.
pub fn checks(results: &[CaseResult]) -> Vec<CheckRow> {
    CheckId::ALL.iter().filter_map(|&check| check_row(results, check)).collect()
}

fn check_row(results: &[CaseResult], check: CheckId) -> Option<CheckRow> {
    let units: Vec<&CaseResult> = results.iter().filter(|r| r.check == check).collect();
    let findings: Vec<(String, Option<String>)> = results
        .iter()
        .filter_map(|r| match &r.outcome {
            Outcome::Failed(f) | Outcome::Blocked(f) => {
                f.iter().find(|f| f.check == check).map(|f| (format!("{}: {}", r.name, f.actual), f.sdk_impact()))
            }
            _ => None,
        })
        .collect();
    if units.is_empty() && findings.is_empty() {
        return None;
    }
    let mut counts = RunSummary::of(units.iter().copied());
    if counts.failed == 0 && !findings.is_empty() {
        counts.failed = 1;
    }
    let impact = match findings.iter().find_map(|(_, i)| i.clone()) {
        Some(i) => Impact::Measured(i),
        None if findings.is_empty() => Impact::NoFinding,
        None => Impact::NotMeasured,
    };
    Some(CheckRow {
        check,
        counts,
        units: units.len(),
        first_finding: findings.into_iter().next().map(|f| f.0),
        impact,
    })
}

/// Where a choice was made.
pub enum ChoiceOf {
    /// Under an EITHER rule (described).
    Rule(&'static str),
    /// Among the answers a check's cases accept.
    Cases(CheckId),
}

/// What the endpoint chose.
pub struct Choice {
    /// Where.
    pub of: ChoiceOf,
    /// The alternatives chosen, in words.
    pub chosen: String,
}

/// For each EITHER rule the endpoint showed a choice on, and each check whose passing cases
/// accepted several answers, what it chose.
pub fn either_choices(ctx: &RunContext<'_>) -> Vec<Choice> {
    let mut rows: Vec<Choice> = ctx
        .report
        .choices
        .iter()
        .map(|(rule, alts)| Choice {
            of: ChoiceOf::Rule(rule.description()),
            chosen: alts.iter().map(String::as_str).collect::<Vec<_>>().join(", "),
        })
        .collect();
    let mut by_check: BTreeMap<CheckId, BTreeMap<String, usize>> = BTreeMap::new();
    for r in &ctx.report.results {
        if let Outcome::Passed { chose: Some(c), .. } = &r.outcome {
            *by_check.entry(r.check).or_default().entry(c.to_string()).or_insert(0) += 1;
        }
    }
    for (check, choices) in by_check {
        let list: Vec<String> =
            choices.iter().map(|(c, n)| format!("{c} ({n} case{})", if *n == 1 { "" } else { "s" })).collect();
        rows.push(Choice { of: ChoiceOf::Cases(check), chosen: list.join(", ") });
    }
    rows
}
