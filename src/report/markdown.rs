//! The Markdown report: a conformance matrix a project can put in its README, with, for every
//! EITHER rule, the alternative this endpoint chose.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{escape, RunContext};
use crate::check::{CheckFamily, CheckId};
use crate::finding::{CaseResult, Outcome, RunSummary};

/// Text in a table cell or list item: nothing in it renders as table syntax or HTML, and no
/// control character reaches the reader.
fn cell(s: &str) -> String {
    escape::markdown(s)
}

fn counts(results: &[&CaseResult]) -> RunSummary {
    RunSummary::of(results.iter().copied())
}

/// A verdict: ✅ only when something was compared and held, never for units that compared
/// nothing (skipped) or could not be evaluated (blocked).
fn verdict(s: &RunSummary) -> &'static str {
    if s.failed > 0 {
        "❌ fails"
    } else if s.accepted > 0 {
        "☑️ known deviations"
    } else if s.blocked > 0 {
        "⚠️ not evaluated"
    } else if s.passed > 0 {
        "✅ conforms"
    } else {
        "⏭️ not run"
    }
}

/// The Markdown report text.
pub fn write_markdown(ctx: &RunContext<'_>) -> String {
    let results = &ctx.report.results;
    let total = RunSummary::of(results);
    let mut out = String::new();
    let _ = writeln!(out, "# ssm-conform: `{}` conformance\n", crate::contract::OPERATION);
    let _ = writeln!(
        out,
        "Target {} · ssm-conform {} · seed {} · **{total}**{}\n",
        cell(ctx.target),
        env!("CARGO_PKG_VERSION"),
        ctx.seed,
        if total.accepted > 0 { format!(", {} accepted by the baseline", total.accepted) } else { String::new() }
    );

    if ctx.report.interrupted {
        let _ =
            writeln!(out, "**Interrupted**: the run was stopped by Ctrl-C; the results cover what ran before it.\n");
    }
    by_family(&mut out, results);
    by_check(&mut out, results);
    either_choices(&mut out, ctx);
    findings(&mut out, ctx);
    out
}

/// One row per family.
fn by_family(out: &mut String, results: &[CaseResult]) {
    let _ = writeln!(
        out,
        "## By family\n\n| family | verdict | passed | failed | blocked | skipped | accepted |\n|---|---|---:|---:|---:|---:|---:|"
    );
    for &family in CheckFamily::ALL {
        let units: Vec<&CaseResult> = results.iter().filter(|r| r.check.family() == family).collect();
        if units.is_empty() {
            continue;
        }
        let s = counts(&units);
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            family.name(),
            verdict(&s),
            s.passed,
            s.failed,
            s.blocked,
            s.skipped,
            s.accepted
        );
    }
}

/// One row per check: the units named by it and the findings it made in other units.
fn by_check(out: &mut String, results: &[CaseResult]) {
    let _ = writeln!(
        out,
        "\n## By check\n\n| check | family | verdict | units | first finding | SDK impact (measured) |\n|---|---|---|---:|---|---|"
    );
    for check in CheckId::ALL {
        // A check's verdict counts the units named by it and the findings it made in other units.
        let units: Vec<&CaseResult> = results.iter().filter(|r| r.check == *check).collect();
        let findings: Vec<(String, Option<String>)> = results
            .iter()
            .filter_map(|r| match &r.outcome {
                Outcome::Failed(f) | Outcome::Blocked(f) => {
                    f.iter().find(|f| f.check == *check).map(|f| (format!("{}: {}", r.name, f.actual), f.sdk_impact()))
                }
                _ => None,
            })
            .collect();
        if units.is_empty() && findings.is_empty() {
            continue;
        }
        let mut s = counts(&units);
        if s.failed == 0 && !findings.is_empty() {
            s.failed = 1;
        }
        let first = findings.first().map(|(f, _)| cell(&crate::response::excerpt(f, 160))).unwrap_or_default();
        let impact = match findings.iter().find_map(|(_, i)| i.as_deref()) {
            Some(i) => cell(i),
            None if findings.is_empty() => String::new(),
            None => "not measured for this deviation".to_owned(),
        };
        let (family, verdict, n) = (check.family().name(), verdict(&s), units.len());
        let _ = writeln!(out, "| `{check}` | {family} | {verdict} | {n} | {first} | {impact} |");
    }
}

/// What the endpoint chose where the contract says EITHER.
fn either_choices(out: &mut String, ctx: &RunContext<'_>) {
    let results = &ctx.report.results;
    let _ = writeln!(out, "\n## EITHER rules: what this endpoint chose\n");
    let _ = writeln!(
        out,
        "The contract accepts every alternative listed for these rules; they are information, never findings.\n"
    );
    let _ = writeln!(out, "| rule | chosen |\n|---|---|");
    for (rule, alts) in &ctx.report.choices {
        let alts: Vec<&str> = alts.iter().map(String::as_str).collect();
        let _ = writeln!(out, "| {} | {} |", cell(rule.description()), cell(&alts.join(", ")));
    }
    let mut by_check: BTreeMap<CheckId, BTreeMap<String, usize>> = BTreeMap::new();
    for r in results {
        if let Outcome::Passed { chose: Some(c), .. } = &r.outcome {
            *by_check.entry(r.check).or_default().entry(c.to_string()).or_insert(0) += 1;
        }
    }
    for (check, choices) in by_check {
        let list: Vec<String> =
            choices.iter().map(|(c, n)| format!("{c} ({n} case{})", if *n == 1 { "" } else { "s" })).collect();
        let _ = writeln!(out, "| cases of `{check}` | {} |", cell(&list.join(", ")));
    }
}

/// Every finding, and the stale baseline entries.
fn findings(out: &mut String, ctx: &RunContext<'_>) {
    let results = &ctx.report.results;
    let failed: Vec<&CaseResult> = results.iter().filter(|r| r.outcome.fails()).collect();
    if !failed.is_empty() {
        let _ = writeln!(out, "\n## Findings\n");
        for r in failed {
            let blocked = if matches!(r.outcome, Outcome::Blocked(_)) {
                format!(" (`{}` could not be evaluated)", r.check)
            } else {
                String::new()
            };
            for f in r.outcome.findings() {
                let (name, expected, actual) = (cell(&r.name), cell(&f.expected), cell(&f.actual));
                let _ = writeln!(out, "- **{name}** (`{}`){blocked}: expected {expected}; got {actual}", f.check);
                if let Some(impact) = f.sdk_impact() {
                    let _ = writeln!(out, "  - SDK impact: {}", cell(&impact));
                }
            }
        }
    }
    if !ctx.stale.is_empty() {
        let _ = writeln!(out, "\n## Stale baseline entries (fixed since: remove them)\n");
        for e in ctx.stale {
            let _ = writeln!(out, "- `{}` in {}", e.check, cell(&e.unit));
        }
    }
}
