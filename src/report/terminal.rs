//! The terminal report: failing units grouped by check family, each with what was expected and
//! what came back (and a diff or repro line); units whose own check could not be evaluated,
//! grouped under the check whose rule broke first, so one deviation reads as one problem; one
//! line per execution's walks, the skipped reasons, a table per family, and the summary line.
//! Colour only on a terminal. Everything that came from the endpoint passes through
//! [`escape::terminal`] first.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::escape;
use super::RunContext;
use crate::check::{CheckFamily, CheckId};
use crate::finding::{CaseResult, Coverage, Finding, Outcome, RunReport, RunSummary};
use crate::source::Origin;

/// Writes a run's report as text.
#[derive(Debug, Clone, Copy, Default)]
pub struct TerminalReport {
    /// Also list passing, skipped, blocked and accepted units one by one, notes and every walk.
    pub verbose: bool,
    /// Use ANSI colours.
    pub colour: bool,
}

/// Units blocked by one check, in report order.
type BlockedGroups<'a> = BTreeMap<CheckId, Vec<&'a CaseResult>>;

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
        writeln!(out, "ssm-conform: {} against {}", ctx.operations(), escape::terminal(ctx.target))?;
        for note in ctx.notes {
            writeln!(out, "note: {}", escape::terminal(note))?;
        }
        self.write_deviations(out, report)?;
        self.write_families(out, &report.results)?;
        if self.verbose {
            for w in &report.walks {
                let exec = escape::terminal(&w.execution_id);
                writeln!(out, "WALK {exec} {}: {} pages, {} items", escape::terminal(&w.label()), w.pages, w.items)?;
            }
        } else {
            write_walk_lines(out, report)?;
        }
        write_skipped(out, &report.results)?;
        if let Some(signal) = report.interrupted {
            let line = format!(
                "interrupted: the run was stopped by {}; the results cover what ran before it",
                signal.describe()
            );
            writeln!(out, "{}", self.paint("33;1", &line))?;
        }
        for e in ctx.stale {
            let unit = escape::terminal(&e.unit);
            writeln!(out, "stale baseline entry: [{}] {unit} no longer fails; remove it from the baseline", e.check)?;
        }
        write_files(out, ctx)?;
        if let Some(coverage) = &report.coverage {
            write_coverage(out, coverage, self.verbose)?;
        }
        self.write_table(out, &report.results)?;
        let summary = RunSummary::of(&report.results);
        if summary.accepted > 0 {
            writeln!(out, "{} accepted by the baseline (known deviations)", summary.accepted)?;
        }
        writeln!(out, "seed {}; {:.2}s", ctx.seed, ctx.seconds)?;
        // Last, so that a CI log's last line says how much was evaluated.
        let line = report.last_line(&summary);
        let fails = summary.fails() || report.fails_for_want_of_data();
        let line = if fails { self.paint("31;1", &line) } else { self.paint("32;1", &line) };
        writeln!(out, "{line}")?;
        Ok(summary)
    }

    /// The deviations, most damaging first: one line each (the rule, where it shows up, the
    /// measured SDK impact) and its repro, before the units that show them.
    fn write_deviations(&self, out: &mut dyn Write, report: &RunReport) -> io::Result<()> {
        let all = report.deviations();
        let (open, accepted): (Vec<_>, Vec<_>) = all.iter().partition(|d| !d.accepted);
        if open.is_empty() {
            return Ok(());
        }
        let head = match open.len() {
            1 => "1 deviation (what to fix):".to_owned(),
            n => format!("{n} deviations (what to fix, most damaging first):"),
        };
        writeln!(out, "{}", self.paint("1", &head))?;
        for (i, d) in open.iter().enumerate() {
            let units = d.units_label();
            let sev = if d.severity == crate::finding::Severity::Warning { " (lower severity)" } else { "" };
            writeln!(
                out,
                "  {}. {}{sev} [{}] {} — {units}: {}",
                i + 1,
                self.paint("31", d.id()),
                d.rule(),
                d.title(),
                d.checks_label()
            )?;
            let example = format!("expected {}; got {}", d.example.expected, d.example.actual);
            writeln!(out, "     e.g. {}", escape::terminal(&crate::response::excerpt(&example, 300)))?;
            if let Some(impact) = d.sdk_impact() {
                writeln!(out, "     {}", escape::terminal(&impact))?;
            }
            if let Some(repro) = &d.repro {
                writeln!(out, "     repro: {}", escape::terminal(repro))?;
            }
        }
        if !accepted.is_empty() {
            writeln!(out, "  ({} more accepted by the baseline)", accepted.len())?;
        }
        Ok(())
    }

    /// Per family: its failing units (every unit with `verbose`), then the units blocked by its
    /// checks.
    fn write_families(&self, out: &mut dyn Write, results: &[CaseResult]) -> io::Result<()> {
        let mut blocked: BlockedGroups<'_> = BTreeMap::new();
        for r in results {
            if let Some(root) = blocking_check(r) {
                blocked.entry(root).or_default().push(r);
            }
        }
        for &family in CheckFamily::ALL {
            let shown: Vec<&CaseResult> = results
                .iter()
                .filter(|r| r.check.family() == family)
                .filter(|r| matches!(r.outcome, Outcome::Failed(_)) || (self.verbose && blocking_check(r).is_none()))
                .collect();
            let groups: Vec<(&CheckId, &Vec<&CaseResult>)> =
                blocked.iter().filter(|(root, _)| root.family() == family).collect();
            if shown.is_empty() && groups.is_empty() {
                continue;
            }
            writeln!(out, "{}", self.paint("1", &format!("── {} ──", family.name())))?;
            for r in shown {
                self.write_unit(out, r)?;
            }
            for (root, units) in groups {
                self.write_blocked(out, *root, units, results)?;
            }
        }
        Ok(())
    }

    fn write_unit(&self, out: &mut dyn Write, r: &CaseResult) -> io::Result<()> {
        let name = escape::terminal(&r.name);
        let at = match &r.origin {
            Origin::Builtin => String::new(),
            origin => format!(" ({})", escape::terminal(&origin.to_string())),
        };
        match &r.outcome {
            Outcome::Failed(findings) => {
                let Some((first, rest)) = findings.split_first() else { return Ok(()) };
                writeln!(out, "{} {name}{at} {}", self.paint("31", "FAIL"), escape::terminal(&first.to_string()))?;
                self.write_detail(out, first)?;
                for (i, f) in rest.iter().enumerate() {
                    // The measured impact once per deviation and unit: `{:#}` says "as above".
                    let said = f.deviation.is_some() && findings[..=i].iter().any(|e| e.deviation == f.deviation);
                    let line = if said { format!("{f:#}") } else { f.to_string() };
                    writeln!(out, "     also {}", escape::terminal(&line))?;
                    self.write_detail(out, f)?;
                }
                self.write_repro(out, r)?;
            }
            Outcome::Blocked(findings) => {
                for f in findings {
                    let own = r.check;
                    writeln!(
                        out,
                        "BLOCKED {name}{at} [{own}] could not be evaluated: {}",
                        escape::terminal(&f.to_string())
                    )?;
                }
            }
            Outcome::Accepted(findings) => {
                for f in findings {
                    writeln!(out, "{} {name}{at} {}", self.paint("33", "KNOWN"), escape::terminal(&f.to_string()))?;
                }
            }
            Outcome::Skipped(why) => writeln!(out, "SKIP {name} [{}]: {}", r.check, escape::terminal(why))?,
            Outcome::Passed { note, chose } => {
                let note = match (note, chose) {
                    (Some(n), _) => format!(" ({})", escape::terminal(n)),
                    (None, Some(c)) => format!(" (chose {})", escape::terminal(&c.to_string())),
                    (None, None) => String::new(),
                };
                writeln!(out, "{} {name} [{}]{note}", self.paint("32", "PASS"), r.check)?;
            }
        }
        Ok(())
    }

    /// One group of units blocked by `root`: how many, which own checks, the first finding and
    /// its repro (each unit with `verbose`).
    fn write_blocked(
        &self,
        out: &mut dyn Write,
        root: CheckId,
        units: &[&CaseResult],
        results: &[CaseResult],
    ) -> io::Result<()> {
        if self.verbose {
            return units.iter().try_for_each(|r| self.write_unit(out, r));
        }
        let mut own: BTreeMap<CheckId, usize> = BTreeMap::new();
        for r in units {
            *own.entry(r.check).or_insert(0) += 1;
        }
        let own: Vec<String> = own.iter().map(|(c, n)| format!("{c} ×{n}")).collect();
        let failing = results.iter().filter(|r| r.outcome.fails() && unit_breaks(r, root)).count();
        let first = units[0];
        let Some(finding) = first.outcome.findings().first() else { return Ok(()) };
        writeln!(
            out,
            "{} {root}: {} units affected ({} could not evaluate their own checks: {}); first, {}: {}",
            self.paint("31", "BLOCKED"),
            failing,
            units.len(),
            own.join(", "),
            escape::terminal(&first.name),
            escape::terminal(&finding.to_string()),
        )?;
        self.write_repro(out, first)
    }

    fn write_repro(&self, out: &mut dyn Write, r: &CaseResult) -> io::Result<()> {
        match &r.repro {
            Some(repro) => writeln!(out, "     repro: {}", escape::terminal(repro)),
            None => Ok(()),
        }
    }

    fn write_detail(&self, out: &mut dyn Write, f: &Finding) -> io::Result<()> {
        if let Some(detail) = &f.detail {
            for line in detail.lines() {
                let line = escape::terminal(line);
                let painted = match line.chars().next() {
                    Some('-') => self.paint("31", &line),
                    Some('+') => self.paint("32", &line),
                    _ => line.into_owned(),
                };
                writeln!(out, "     | {painted}")?;
            }
        }
        Ok(())
    }

    fn write_table(&self, out: &mut dyn Write, results: &[CaseResult]) -> io::Result<()> {
        let row = |out: &mut dyn Write, name: &str, s: RunSummary| {
            let cells = (s.passed, s.failed, s.blocked, s.skipped, s.accepted);
            writeln!(out, "{name:<16} {:>6} {:>6} {:>7} {:>7} {:>8}", cells.0, cells.1, cells.2, cells.3, cells.4)
        };
        writeln!(
            out,
            "{:<16} {:>6} {:>6} {:>7} {:>7} {:>8}",
            "family", "passed", "failed", "blocked", "skipped", "accepted"
        )?;
        for &family in CheckFamily::ALL {
            let units: Vec<&CaseResult> = results.iter().filter(|r| r.check.family() == family).collect();
            if !units.is_empty() {
                row(out, family.name(), RunSummary::of(units))?;
            }
        }
        Ok(())
    }
}

/// The check that blocked a unit: the check of its first finding, for blocked units.
fn blocking_check(r: &CaseResult) -> Option<CheckId> {
    match &r.outcome {
        Outcome::Blocked(findings) => findings.first().map(|f| f.check),
        _ => None,
    }
}

/// Whether unit `r` breaks the rule of `check` (a finding under it).
fn unit_breaks(r: &CaseResult, check: CheckId) -> bool {
    r.outcome.findings().iter().any(|f| f.check == check)
}

/// The skipped reasons, each once with its count.
fn write_skipped(out: &mut dyn Write, results: &[CaseResult]) -> io::Result<()> {
    let mut reasons: Vec<(&str, usize)> = Vec::new();
    for r in results {
        if let Outcome::Skipped(why) = &r.outcome {
            match reasons.iter_mut().find(|(w, _)| *w == why.as_str()) {
                Some((_, n)) => *n += 1,
                None => reasons.push((why.as_str(), 1)),
            }
        }
    }
    for (why, n) in &reasons {
        writeln!(out, "skipped {n}: {}", escape::terminal(why))?;
    }
    Ok(())
}

/// The files the run wrote: saved failures, pending snapshots; and how to replay the generated
/// requests.
fn write_files(out: &mut dyn Write, ctx: &RunContext<'_>) -> io::Result<()> {
    let report = ctx.report;
    if report.generated_requests > 0 {
        let (n, seed) = (report.generated_requests, ctx.seed);
        writeln!(out, "generated {n} requests (seed {seed}; --seed {seed} replays them)")?;
    }
    for p in &report.saved_failures {
        writeln!(out, "saved failure as case file: {}", escape::terminal(&p.display().to_string()))?;
    }
    for p in &report.pending_snapshots {
        let p = escape::terminal(&p.display().to_string()).into_owned();
        writeln!(out, "pending snapshot: {p} (review with `cargo insta review`, or rename it to .snap)")?;
    }
    Ok(())
}

/// What the generated requests explored: with `verbose`, a row per contract rule and how many
/// requests exercised it; else one line naming the rules none exercised, if any.
fn write_coverage(out: &mut dyn Write, coverage: &Coverage, verbose: bool) -> io::Result<()> {
    if verbose {
        writeln!(out, "generated requests per contract rule (a constraint crossed or met at its bound):")?;
        for (check, n) in &coverage.checks {
            writeln!(out, "  {:<34} {n:>6}{}", check.name(), if *n == 0 { "  not exercised" } else { "" })?;
        }
        for (rule, n) in &coverage.either {
            let name = format!("EITHER {rule}");
            writeln!(out, "  {name:<34} {n:>6}{}", if *n == 0 { "  not exercised" } else { "" })?;
        }
        return Ok(());
    }
    let unexplored = coverage.unexplored();
    if !unexplored.is_empty() {
        writeln!(out, "no generated request exercised: {} (-v shows every rule)", unexplored.join(", "))?;
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
        let of_exec = || report.walks.iter().filter(|w| w.execution_id == exec);
        let walks: Vec<String> = of_exec()
            .filter(|w| w.varied.is_none())
            .map(|w| format!("{} {}/{}", w.size_label(), w.pages, w.items))
            .collect();
        let varied = of_exec().filter(|w| w.varied.is_some()).count();
        let exec = escape::terminal(exec);
        writeln!(
            out,
            "walked {exec} (MaxResults pages/items): {}; {varied} filtered or varied walks",
            walks.join(", ")
        )?;
    }
    Ok(())
}
