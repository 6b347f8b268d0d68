//! Baselines: the findings a target is known to have, so that a gate fails only on what is new.
//! Entries name real check ids: a misspelt id in a baseline file is an error naming the file and
//! line, with the closest id as a suggestion, never an entry that silently matches nothing.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::{CaseResult, Outcome};
use crate::check_id::CheckId;

/// One accepted finding: the unit it is in and the check that found it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BaselineEntry {
    /// The unit's name (a case name, or a check id for built-in units).
    pub unit: String,
    /// The check id of the finding.
    pub check: CheckId,
    /// Why it is accepted (kept as written; `--write-baseline` leaves it empty).
    pub reason: String,
}

/// Known deviations a target accepts, so that a gate fails only on what is new.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Baseline {
    /// The accepted findings.
    pub accepted: Vec<BaselineEntry>,
}

/// A baseline file that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{}{}: {message}", path.display(), line.map_or(String::new(), |l| format!(":{l}")))]
pub struct BaselineError {
    /// The file.
    pub path: PathBuf,
    /// The 1-based line, when the mistake has one.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

/// The file as written: check ids as text with their places, to be validated.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields, bound(deserialize = "C: Deserialize<'de>"))]
struct BaselineFile<C> {
    #[serde(default)]
    accepted: Vec<EntryFile<C>>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryFile<C> {
    unit: String,
    check: C,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    reason: String,
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

impl Baseline {
    /// Reads a baseline file (TOML: `[[accepted]] unit = "..." check = "..."`).
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let err = |line, message: String| BaselineError { path: path.to_owned(), line, message };
        let text = std::fs::read_to_string(path).map_err(|e| err(None, format!("cannot read: {e}")))?;
        Baseline::parse(&text).map_err(|(line, message)| err(line, message))
    }

    /// Parses baseline text; an error carries its line.
    fn parse(text: &str) -> Result<Baseline, (Option<usize>, String)> {
        let file: BaselineFile<Spanned<String>> = toml::from_str(text)
            .map_err(|e| (e.span().map(|s| line_of(text, s.start)), e.message().trim().replace('\n', " ")))?;
        let accepted =
            file.accepted
                .into_iter()
                .map(|e| {
                    let check =
                        e.check.get_ref().parse::<CheckId>().map_err(|unknown| {
                            (Some(line_of(text, e.check.span().start)), format!("check: {unknown}"))
                        })?;
                    Ok(BaselineEntry { unit: e.unit, check, reason: e.reason })
                })
                .collect::<Result<_, _>>()?;
        Ok(Baseline { accepted })
    }

    /// The baseline that accepts every finding of `results`.
    pub fn of(results: &[CaseResult]) -> Baseline {
        let mut accepted: Vec<BaselineEntry> = results
            .iter()
            .flat_map(|r| {
                r.outcome.findings().iter().map(move |f| BaselineEntry {
                    unit: r.name.clone(),
                    check: f.check,
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
        let file = BaselineFile {
            accepted: self
                .accepted
                .iter()
                .map(|e| EntryFile { unit: e.unit.clone(), check: e.check.name(), reason: e.reason.clone() })
                .collect(),
        };
        let body = toml::to_string(&file).unwrap_or_default();
        format!("# ssm-conform baseline: findings this target is known to have. A run with\n# --baseline fails only on findings not listed here, and names entries that no longer occur.\n\n{body}")
    }

    /// Marks units whose every finding is accepted as [`Outcome::Accepted`]; returns the entries
    /// that matched nothing (fixed since: the baseline can shrink).
    pub fn apply(&self, results: &mut [CaseResult]) -> Vec<BaselineEntry> {
        let mut used = vec![false; self.accepted.len()];
        for r in results.iter_mut() {
            let findings = match &r.outcome {
                Outcome::Failed(f) | Outcome::Blocked(f) => f,
                _ => continue,
            };
            let mut all = true;
            for f in findings {
                match self.accepted.iter().position(|e| e.unit == r.name && e.check == f.check) {
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
    use crate::finding::Finding;
    use crate::source::Origin;

    fn failed(name: &str, checks: &[CheckId]) -> CaseResult {
        let findings = checks.iter().map(|c| Finding::new(*c, "x", "y")).collect();
        CaseResult::new(name, checks[0], Origin::Builtin, Outcome::Failed(findings))
    }

    fn entry(unit: &str, check: CheckId) -> BaselineEntry {
        BaselineEntry { unit: unit.into(), check, reason: String::new() }
    }

    #[test]
    fn baseline_hides_exactly_the_accepted_findings_and_names_stale_entries() {
        let mut results = vec![
            failed("a", &[CheckId::MaxResultsMin]),
            failed("b", &[CheckId::IdPattern, CheckId::ValidationAggregation]),
        ];
        let baseline = Baseline {
            accepted: vec![
                entry("a", CheckId::MaxResultsMin),
                entry("b", CheckId::IdPattern),
                entry("gone", CheckId::IdLength),
            ],
        };
        let stale = baseline.apply(&mut results);
        assert!(matches!(results[0].outcome, Outcome::Accepted(_)));
        assert!(matches!(results[1].outcome, Outcome::Failed(_)), "a new finding in b still fails");
        assert_eq!(stale.len(), 1);
        assert_eq!(stale[0].unit, "gone");
        let round = Baseline::parse(&Baseline::of(&results).to_toml()).unwrap();
        assert_eq!(round.accepted.len(), 3);
    }

    #[test]
    fn a_misspelt_check_id_names_its_line_and_the_closest_id() {
        let text = "[[accepted]]\nunit = \"a\"\ncheck = \"max-results-min\"\n\n[[accepted]]\nunit = \"b\"\ncheck = \"id-patern\"\n";
        let (line, message) = Baseline::parse(text).unwrap_err();
        assert_eq!(line, Some(7));
        assert!(message.contains("unknown check id \"id-patern\"; did you mean \"id-pattern\"?"), "{message}");
    }
}
