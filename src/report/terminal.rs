//! The terminal report: one line per failing unit with what was expected and what came back,
//! the skipped units' reasons (with `--verbose`, every unit), and the summary line.

use std::io::{self, Write};

use crate::finding::{CaseResult, Outcome, RunSummary};
use crate::runner::RunReport;
use crate::source::Origin;

/// Writes a run's report as plain text.
#[derive(Debug, Clone, Copy, Default)]
pub struct TerminalReport {
    /// Also list passing units, notes and walks.
    pub verbose: bool,
}

impl TerminalReport {
    /// Writes the report of `report` against `target` to `out`.
    pub fn write(&self, out: &mut dyn Write, target: &str, report: &RunReport) -> io::Result<RunSummary> {
        writeln!(out, "ssm-conform: {} against {target}", crate::contract::OPERATION)?;
        let mut skipped_reasons: Vec<(&str, usize)> = Vec::new();
        for r in &report.results {
            match &r.outcome {
                Outcome::Failed(findings) => write_failure(out, r, findings)?,
                Outcome::Skipped(why) => {
                    if self.verbose {
                        writeln!(out, "SKIP {} [{}]: {why}", r.name, r.check)?;
                    }
                    match skipped_reasons.iter_mut().find(|(w, _)| *w == why.as_str()) {
                        Some((_, n)) => *n += 1,
                        None => skipped_reasons.push((why.as_str(), 1)),
                    }
                }
                Outcome::Passed { note } => {
                    if self.verbose {
                        let note = note.as_deref().map_or(String::new(), |n| format!(" ({n})"));
                        writeln!(out, "PASS {} [{}]{note}", r.name, r.check)?;
                    }
                }
            }
        }
        if self.verbose {
            for w in &report.walks {
                writeln!(out, "WALK {} {}: {} pages, {} items", w.execution_id, w.label, w.pages, w.items)?;
            }
        } else {
            write_walk_lines(out, report)?;
        }
        for (why, n) in &skipped_reasons {
            writeln!(out, "skipped {n}: {why}")?;
        }
        let summary = RunSummary::of(&report.results);
        writeln!(out, "{summary}")?;
        Ok(summary)
    }
}

fn write_failure(out: &mut dyn Write, r: &CaseResult, findings: &[crate::finding::Finding]) -> io::Result<()> {
    let Some((first, rest)) = findings.split_first() else { return Ok(()) };
    match &r.origin {
        // Built-in units are named by their check id; a file case also says where it is.
        Origin::Builtin => writeln!(out, "FAIL {} {first}", r.name)?,
        origin => writeln!(out, "FAIL {} ({origin}) {first}", r.name)?,
    }
    for f in rest {
        writeln!(out, "     also {f}")?;
    }
    if let Some(repro) = &r.repro {
        writeln!(out, "     repro: {repro}")?;
    }
    Ok(())
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
        let walks: Vec<String> = report
            .walks
            .iter()
            .filter(|w| w.execution_id == exec && w.label.starts_with("MaxResults"))
            .map(|w| format!("{} {}/{}", w.label.trim_start_matches("MaxResults "), w.pages, w.items))
            .collect();
        let filtered =
            report.walks.iter().filter(|w| w.execution_id == exec && !w.label.starts_with("MaxResults")).count();
        writeln!(out, "walked {exec} (MaxResults pages/items): {}; {filtered} filtered walks", walks.join(", "))?;
    }
    Ok(())
}
