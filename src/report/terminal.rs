//! The terminal report: failing units grouped by check family, each with what was expected and
//! what came back (and a diff or repro line), one line per execution's walks, the skipped
//! reasons, a table per family, and the summary line. Colour only on a terminal.

use std::io::{self, Write};

use super::RunContext;
use crate::check::CheckFamily;
use crate::finding::RunReport;
use crate::finding::{CaseResult, Finding, Outcome, RunSummary};
use crate::source::Origin;

/// Writes a run's report as text.
#[derive(Debug, Clone, Copy, Default)]
pub struct TerminalReport {
    /// Also list passing, skipped and accepted units, notes and every walk.
    pub verbose: bool,
    /// Use ANSI colours.
    pub colour: bool,
}

impl TerminalReport {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    /// Writes the report to `out`; returns the counts.
    pub fn write(&self, out: &mut dyn Write, ctx: &RunContext<'_>) -> io::Result<RunSummary> {
        let report = ctx.report;
        writeln!(out, "ssm-conform: {} against {}", crate::contract::OPERATION, ctx.target)?;
        for note in ctx.notes {
            writeln!(out, "note: {note}")?;
        }
        for &family in CheckFamily::ALL {
            let units: Vec<&CaseResult> = report.results.iter().filter(|r| r.check.family() == family).collect();
            let shown: Vec<&&CaseResult> =
                units.iter().filter(|r| self.verbose || matches!(r.outcome, Outcome::Failed(_))).collect();
            if shown.is_empty() {
                continue;
            }
            writeln!(out, "{}", self.paint("1", &format!("── {} ──", family.name())))?;
            for r in shown {
                self.write_unit(out, r)?;
            }
        }
        if self.verbose {
            for w in &report.walks {
                writeln!(out, "WALK {} {}: {} pages, {} items", w.execution_id, w.label(), w.pages, w.items)?;
            }
        } else {
            write_walk_lines(out, report)?;
        }
        let mut skipped_reasons: Vec<(&str, usize)> = Vec::new();
        for r in &report.results {
            if let Outcome::Skipped(why) = &r.outcome {
                match skipped_reasons.iter_mut().find(|(w, _)| *w == why.as_str()) {
                    Some((_, n)) => *n += 1,
                    None => skipped_reasons.push((why.as_str(), 1)),
                }
            }
        }
        for (why, n) in &skipped_reasons {
            writeln!(out, "skipped {n}: {why}")?;
        }
        for e in ctx.stale {
            writeln!(
                out,
                "stale baseline entry: [{}] {} no longer fails; remove it from the baseline",
                e.check, e.unit
            )?;
        }
        if report.generated_requests > 0 {
            writeln!(
                out,
                "generated {} requests (seed {}; --seed {} replays them)",
                report.generated_requests, ctx.seed, ctx.seed
            )?;
        }
        for p in &report.saved_failures {
            writeln!(out, "saved failure as case file: {}", p.display())?;
        }
        for p in &report.pending_snapshots {
            writeln!(
                out,
                "pending snapshot: {} (review with `cargo insta review`, or rename it to .snap)",
                p.display()
            )?;
        }
        self.write_table(out, &report.results)?;
        let summary = RunSummary::of(&report.results);
        let line = summary.to_string();
        let line = if summary.failed > 0 { self.paint("31;1", &line) } else { self.paint("32;1", &line) };
        writeln!(out, "{line}")?;
        if summary.accepted > 0 {
            writeln!(out, "{} accepted by the baseline (known deviations)", summary.accepted)?;
        }
        writeln!(out, "seed {}; {:.2}s", ctx.seed, ctx.seconds)?;
        Ok(summary)
    }

    fn write_unit(&self, out: &mut dyn Write, r: &CaseResult) -> io::Result<()> {
        let at = match &r.origin {
            Origin::Builtin => String::new(),
            origin => format!(" ({origin})"),
        };
        match &r.outcome {
            Outcome::Failed(findings) => {
                let Some((first, rest)) = findings.split_first() else { return Ok(()) };
                writeln!(out, "{} {}{at} {first}", self.paint("31", "FAIL"), r.name)?;
                self.write_detail(out, first)?;
                for f in rest {
                    writeln!(out, "     also {f}")?;
                    self.write_detail(out, f)?;
                }
                if let Some(repro) = &r.repro {
                    writeln!(out, "     repro: {repro}")?;
                }
            }
            Outcome::Accepted(findings) => {
                for f in findings {
                    writeln!(out, "{} {}{at} {f}", self.paint("33", "KNOWN"), r.name)?;
                }
            }
            Outcome::Skipped(why) => writeln!(out, "SKIP {} [{}]: {why}", r.name, r.check)?,
            Outcome::Passed { note, chose } => {
                let note = match (note, chose) {
                    (Some(n), _) => format!(" ({n})"),
                    (None, Some(c)) => format!(" (chose {c})"),
                    (None, None) => String::new(),
                };
                writeln!(out, "{} {} [{}]{note}", self.paint("32", "PASS"), r.name, r.check)?;
            }
        }
        Ok(())
    }

    fn write_detail(&self, out: &mut dyn Write, f: &Finding) -> io::Result<()> {
        if let Some(detail) = &f.detail {
            for line in detail.lines() {
                let painted = match line.chars().next() {
                    Some('-') => self.paint("31", line),
                    Some('+') => self.paint("32", line),
                    _ => line.to_owned(),
                };
                writeln!(out, "     | {painted}")?;
            }
        }
        Ok(())
    }

    fn write_table(&self, out: &mut dyn Write, results: &[CaseResult]) -> io::Result<()> {
        writeln!(out, "{:<16} {:>6} {:>6} {:>7} {:>8}", "family", "passed", "failed", "skipped", "accepted")?;
        for &family in CheckFamily::ALL {
            let units: Vec<&CaseResult> = results.iter().filter(|r| r.check.family() == family).collect();
            if units.is_empty() {
                continue;
            }
            let s = RunSummary::of(units);
            writeln!(out, "{:<16} {:>6} {:>6} {:>7} {:>8}", family.name(), s.passed, s.failed, s.skipped, s.accepted)?;
        }
        Ok(())
    }
}

/// One line per execution: how many pages and items each unfiltered walk saw.
fn write_walk_lines(out: &mut dyn Write, report: &RunReport) -> io::Result<()> {
    let mut execs: Vec<&str> = Vec::new();
    for w in &report.walks {
        if !execs.contains(&w.execution_id.as_str()) {
            execs.push(&w.execution_id);
        }
    }
    for exec in execs {
        let of_exec = || report.walks.iter().filter(|w| w.execution_id == exec);
        let walks: Vec<String> = of_exec()
            .filter(|w| w.filter.is_none())
            .map(|w| format!("{} {}/{}", w.size_label(), w.pages, w.items))
            .collect();
        let filtered = of_exec().filter(|w| w.filter.is_some()).count();
        writeln!(out, "walked {exec} (MaxResults pages/items): {}; {filtered} filtered walks", walks.join(", "))?;
    }
    Ok(())
}
