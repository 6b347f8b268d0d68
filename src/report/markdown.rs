//! The Markdown report: a conformance matrix a project can put in its README, with, for every
//! EITHER rule, the alternative this endpoint chose.

use std::fmt::Write as _;

use super::matrix::{self, ChoiceOf, FamilyRow, Impact, Verdict};
use super::{escape, RunContext};
use crate::finding::{CaseResult, Outcome, RunSummary};

/// Text in a table cell or list item: nothing in it renders as table syntax or HTML, and no
/// control character reaches the reader.
fn cell(s: &str) -> String {
    escape::markdown(s)
}

/// A verdict with its sign.
fn verdict(s: &RunSummary) -> String {
    let v = Verdict::of(s);
    let sign = match v {
        Verdict::Fails => "❌",
        Verdict::KnownDeviations => "☑️",
        Verdict::NotEvaluated => "⚠️",
        Verdict::Conforms => "✅",
        Verdict::NotRun => "⏭️",
    };
    format!("{sign} {}", v.words())
}

/// The Markdown report text.
pub fn write_markdown(ctx: &RunContext<'_>) -> String {
    let results = &ctx.report.results;
    let total = RunSummary::of(results);
    let mut out = String::new();
    let _ = writeln!(out, "# ssm-conform: `{}` conformance\n", ctx.operations());
    let _ = writeln!(
        out,
        "Target {} · ssm-conform {} · seed {} · **{total}**{}\n",
        cell(ctx.target),
        env!("CARGO_PKG_VERSION"),
        ctx.seed,
        if total.accepted > 0 { format!(", {} accepted by the baseline", total.accepted) } else { String::new() }
    );

    if let Some(signal) = ctx.report.interrupted {
        let _ = writeln!(
            out,
            "**Interrupted**: the run was stopped by {}; the results cover what ran before it.\n",
            signal.describe()
        );
    }
    deviations(&mut out, ctx);
    by_family(&mut out, results);
    by_check(&mut out, results);
    either_choices(&mut out, ctx);
    findings(&mut out, ctx);
    out
}

/// The deviations, most damaging first: what to fix, one row each.
fn deviations(out: &mut String, ctx: &RunContext<'_>) {
    let all = ctx.report.deviations();
    if all.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "## Deviations: what to fix, most damaging first\n\n| # | deviation | rule | shows up in | SDK impact (measured) | repro |\n|---:|---|---|---|---|---|"
    );
    for (i, d) in all.iter().enumerate() {
        let accepted = if d.accepted { " (accepted by the baseline)" } else { "" };
        let repro = d.repro.as_deref().map(cell).unwrap_or_default();
        let _ = writeln!(
            out,
            "| {} | `{}`{accepted}: {} | {} | {}: {} | {} | {repro} |",
            i + 1,
            d.id(),
            cell(d.title()),
            d.rule(),
            d.units_label(),
            cell(&d.checks_label()),
            cell(&d.sdk_impact().unwrap_or_default()),
        );
    }
    out.push('\n');
}

/// One row per family.
fn by_family(out: &mut String, results: &[CaseResult]) {
    let _ = writeln!(
        out,
        "## By family\n\n| family | verdict | passed | failed | blocked | skipped | accepted |\n|---|---|---:|---:|---:|---:|---:|"
    );
    for FamilyRow { family, counts: s } in matrix::families(results) {
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
    for row in matrix::checks(results) {
        let first = row.first_finding.map(|f| cell(&crate::response::excerpt(&f, 160))).unwrap_or_default();
        let impact = match row.impact {
            Impact::Measured(i) => cell(&i),
            Impact::NoFinding => String::new(),
            Impact::NotMeasured => "not measured for this deviation".to_owned(),
        };
        let (check, family, verdict, n) = (row.check, row.check.family().name(), verdict(&row.counts), row.units);
        let _ = writeln!(out, "| `{check}` | {family} | {verdict} | {n} | {first} | {impact} |");
    }
}

/// What the endpoint chose where the contract says EITHER.
fn either_choices(out: &mut String, ctx: &RunContext<'_>) {
    let _ = writeln!(out, "\n## EITHER rules: what this endpoint chose\n");
    let _ = writeln!(
        out,
        "The contract accepts every alternative listed for these rules; they are information, never findings.\n"
    );
    let _ = writeln!(out, "| rule | chosen |\n|---|---|");
    for choice in matrix::either_choices(ctx) {
        let rule = match choice.of {
            ChoiceOf::Rule(rule) => cell(rule),
            ChoiceOf::Cases(check) => format!("cases of `{check}`"),
        };
        let _ = writeln!(out, "| {rule} | {} |", cell(&choice.chosen));
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
