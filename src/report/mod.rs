//! Reporters: one writer per format, each seeing only results, never transport types. The
//! terminal report goes to stdout; the others to files named with `--report FORMAT:PATH`.

pub mod escape;
mod html;
mod json;
mod junit;
mod markdown;
mod matrix;
mod terminal;

use std::path::{Path, PathBuf};

pub use html::write_html;
pub use json::write_json;
pub use junit::write_junit;
pub use markdown::write_markdown;
pub use terminal::TerminalReport;

use crate::catalogue::catalogue;
use crate::finding::{BaselineEntry, RunReport};

/// What every report says about the run besides its results.
#[derive(Debug, Clone)]
pub struct RunContext<'a> {
    /// The endpoint, as shown to people.
    pub target: &'a str,
    /// Lines about how the run talked to the target (such as signing with fake credentials),
    /// said once under the header.
    pub notes: &'a [String],
    /// The run's seed.
    pub seed: u64,
    /// How long the run took, in seconds.
    pub seconds: f64,
    /// Baseline entries that matched no finding.
    pub stale: &'a [BaselineEntry],
    /// The results.
    pub report: &'a RunReport,
}

impl RunContext<'_> {
    /// The operations the run tested, as the reports' headers name them: those whose units the
    /// results hold (the first operation's when there are none).
    pub fn operations(&self) -> String {
        use crate::check::CheckFamily;
        let results = &self.report.results;
        let second = results.iter().any(|r| r.check.family() == CheckFamily::Executions);
        let first = !second || results.iter().any(|r| r.check.family() != CheckFamily::Executions);
        let names: Vec<&str> = [(first, crate::contract::OPERATION), (second, crate::contract::executions::OPERATION)]
            .into_iter()
            .filter_map(|(tested, name)| tested.then_some(name))
            .collect();
        names.join(" and ")
    }
}

catalogue! {
    /// A report file format.
    pub enum ReportFormat: "report format", "json, junit, markdown or html" {
        Json = "json", "Machine-readable findings with request, response, expectation and repro.";
        Junit = "junit", "JUnit XML: a test suite per check family, a test case per unit.";
        Markdown = "markdown", "A Markdown conformance matrix.";
        Html = "html", "One self-contained HTML page: the matrix and every finding with its exchange and curl line.";
    }
}

/// A `--report FORMAT:PATH` argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportTarget {
    /// The format.
    pub format: ReportFormat,
    /// Where to write it.
    pub path: PathBuf,
}

impl std::str::FromStr for ReportTarget {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (format, path) = s
            .split_once(':')
            .ok_or_else(|| format!("--report {s:?}: expected FORMAT:PATH (json, junit, markdown or html)"))?;
        let format = match format {
            "md" => ReportFormat::Markdown,
            other => other.parse::<ReportFormat>().map_err(|e| format!("--report {s:?}: {e}"))?,
        };
        if path.is_empty() {
            return Err(format!("--report {s:?}: the path is empty"));
        }
        Ok(ReportTarget { format, path: PathBuf::from(path) })
    }
}

/// A report that could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write report {}: {message}", path.display())]
pub struct ReportError {
    /// The file.
    pub path: PathBuf,
    /// What went wrong.
    pub message: String,
}

/// Writes one report file.
pub fn write_report(target: &ReportTarget, ctx: &RunContext<'_>) -> Result<(), ReportError> {
    let err = |message: String| ReportError { path: target.path.clone(), message };
    let text = match target.format {
        ReportFormat::Json => write_json(ctx),
        ReportFormat::Junit => write_junit(ctx).map_err(|e| err(e.to_string()))?,
        ReportFormat::Markdown => write_markdown(ctx),
        ReportFormat::Html => write_html(ctx),
    };
    if let Some(dir) = target.path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| err(e.to_string()))?;
    }
    write_file(&target.path, &text).map_err(|e| err(e.to_string()))
}

fn write_file(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}
