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

/// One accepted deviation: every finding under its rule, in whatever unit (`[[deviation]]
/// id = "max-results-max"`), so that renamed or new units showing the same deviation stay
/// accepted.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DeviationEntry {
    /// The deviation's id: the check id of its rule.
    pub id: CheckId,
    /// Why it is accepted.
    pub reason: String,
}

/// The unit name a stale deviation entry is reported under.
pub const DEVIATION_UNIT: &str = "(the whole deviation)";

/// Known deviations a target accepts, so that a gate fails only on what is new.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Baseline {
    /// The accepted findings, unit by unit.
    pub accepted: Vec<BaselineEntry>,
    /// The accepted deviations, whole.
    pub deviations: Vec<DeviationEntry>,
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
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    deviation: Vec<DeviationFile<C>>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct DeviationFile<C> {
    id: C,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    reason: String,
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
        let check_at = |c: &Spanned<String>, what: &str| {
            c.get_ref()
                .parse::<CheckId>()
                .map_err(|unknown| (Some(line_of(text, c.span().start)), format!("{what}: {unknown}")))
        };
        let deviations = file
            .deviation
            .iter()
            .map(|d| Ok(DeviationEntry { id: check_at(&d.id, "deviation id")?, reason: d.reason.clone() }))
            .collect::<Result<_, _>>()?;
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
        Ok(Baseline { accepted, deviations })
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
        Baseline { accepted, deviations: Vec::new() }
    }

    /// The file text.
    pub fn to_toml(&self) -> String {
        let file = BaselineFile {
            accepted: self
                .accepted
                .iter()
                .map(|e| EntryFile { unit: e.unit.clone(), check: e.check.name(), reason: e.reason.clone() })
                .collect(),
            deviation: self
                .deviations
                .iter()
                .map(|d| DeviationFile { id: d.id.name(), reason: d.reason.clone() })
                .collect(),
        };
        let body = toml::to_string(&file).unwrap_or_default();
        format!("# ssm-conform baseline: findings this target is known to have. A run with\n# --baseline fails only on findings not listed here, and names entries that no longer occur.\n\n{body}")
    }

    /// Marks units whose every finding is accepted as [`Outcome::Accepted`]; returns the entries
    /// that matched nothing (fixed since: the baseline can shrink).
    pub fn apply(&self, results: &mut [CaseResult]) -> Vec<BaselineEntry> {
        let mut used = vec![false; self.accepted.len()];
        let mut used_deviations = vec![false; self.deviations.len()];
        for r in results.iter_mut() {
            let findings = match &r.outcome {
                Outcome::Failed(f) | Outcome::Blocked(f) => f,
                _ => continue,
            };
            let mut all = true;
            for f in findings {
                if let Some(i) = self.deviations.iter().position(|d| d.id == f.check) {
                    used_deviations[i] = true;
                    continue;
                }
                match self.accepted.iter().position(|e| e.unit == r.name && e.check == f.check) {
                    Some(i) => used[i] = true,
                    None => all = false,
                }
            }
            if all {
                r.outcome = Outcome::Accepted(findings.clone());
            }
        }
        let stale_units = self.accepted.iter().zip(used).filter(|(_, u)| !u).map(|(e, _)| e.clone());
        let stale_deviations = self
            .deviations
            .iter()
            .zip(used_deviations)
            .filter(|(_, u)| !u)
            .map(|(d, _)| BaselineEntry { unit: DEVIATION_UNIT.to_owned(), check: d.id, reason: d.reason.clone() });
        stale_units.chain(stale_deviations).collect()
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
            deviations: Vec::new(),
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

    #[test]
    fn a_deviation_entry_accepts_its_rule_in_every_unit_and_nothing_else() {
        let text = "[[deviation]]\nid = \"max-results-max\"\nreason = \"known\"\n\n[[deviation]]\nid = \"id-length\"\n";
        let baseline = Baseline::parse(text).unwrap();
        assert_eq!(baseline.deviations.len(), 2);
        let mut results = vec![
            failed("a", &[CheckId::MaxResultsMax]),
            failed("renamed", &[CheckId::MaxResultsMax]),
            failed("c", &[CheckId::MaxResultsMax, CheckId::PageSize]),
        ];
        let stale = baseline.apply(&mut results);
        assert!(matches!(results[0].outcome, Outcome::Accepted(_)));
        assert!(matches!(results[1].outcome, Outcome::Accepted(_)), "any unit of the deviation");
        assert!(matches!(results[2].outcome, Outcome::Failed(_)), "another rule's finding still fails");
        assert_eq!(stale.len(), 1);
        assert_eq!((stale[0].check, stale[0].unit.as_str()), (CheckId::IdLength, DEVIATION_UNIT));
        let round = Baseline::parse(&baseline.to_toml()).unwrap();
        assert_eq!(round.deviations, baseline.deviations);
        let (line, message) = Baseline::parse("[[deviation]]\nid = \"max-result-max\"\n").unwrap_err();
        assert_eq!(line, Some(2));
        assert!(message.contains("did you mean \"max-results-max\"?"), "{message}");
    }
}
