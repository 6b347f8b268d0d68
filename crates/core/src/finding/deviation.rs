//! Deviations: one entry per thing a maintainer has to fix. A run's findings are symptoms, many
//! per cause (one unenforced `MaxResults` bound fails a boundary case, a walk and every generated
//! request that sends 101); the checks already say which rule each finding broke (a blocked unit's
//! findings are under the rule that broke first, not under the unit's own check), so a deviation
//! is the set of findings under one rule: its check id is its id, stable across runs, and a
//! baseline can accept it by that id.
//!
//! Ordered most damaging first: errors before lower-severity rules, then those whose measured
//! SDK impact shows some probed SDK's caller seeing a difference, then by the units they show up
//! in.

use std::collections::BTreeMap;

use super::{CaseResult, Finding, Outcome, Severity};
use crate::check_id::CheckId;

/// One rule the endpoint breaks, with every unit it shows up in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deviation {
    /// The rule broken; its name is the deviation's stable id.
    pub check: CheckId,
    /// The most severe of its findings.
    pub severity: Severity,
    /// The units it shows up in, counted by each unit's own check (a unit blocked by this rule
    /// counts under the check it could not evaluate).
    pub checks: BTreeMap<CheckId, usize>,
    /// The names of the units it shows up in, in report order.
    pub units: Vec<String>,
    /// How many findings it accounts for.
    pub findings: usize,
    /// The first finding, as an example: the one its repro sends.
    pub example: Finding,
    /// The deviation kinds the checks recognised in it (keys of `sdk_impact`), each once.
    pub kinds: Vec<&'static str>,
    /// A command that shows it: the repro of a unit of its own check where there is one.
    pub repro: Option<String>,
    /// Whether a baseline accepts all of it (then it does not fail the run).
    pub accepted: bool,
}

impl Deviation {
    /// The stable id: the name of the rule's check.
    pub fn id(&self) -> &'static str {
        self.check.name()
    }

    /// The title, in the contract's words: the rule that is broken.
    pub fn title(&self) -> &'static str {
        self.check.description()
    }

    /// The section of the contract that states the rule (`§5`).
    pub fn rule(&self) -> &'static str {
        self.check.section()
    }

    /// The measured SDK impact of its first recognised kind that was measured, in one sentence.
    pub fn sdk_impact(&self) -> Option<String> {
        self.kinds.iter().map(|k| crate::sdk_impact::sentence(k)).find(|s| !s.is_empty())
    }

    /// Whether some probed SDK was measured to give its caller something other than what the
    /// faithful reference gives.
    fn breaks_an_sdk(&self) -> bool {
        self.kinds
            .iter()
            .filter_map(|k| crate::sdk_impact::of(k))
            .flatten()
            .any(|o| o.met && o.summary != "no difference")
    }

    /// How many units it shows up in.
    pub fn unit_count(&self) -> usize {
        self.units.len()
    }

    /// `1 unit`, `3 units`.
    pub fn units_label(&self) -> String {
        match self.unit_count() {
            1 => "1 unit".to_owned(),
            n => format!("{n} units"),
        }
    }

    /// `max-results-max ×3 (validation-aggregation ×2, max-results-max ×1)`-style counts of the
    /// units' own checks.
    pub fn checks_label(&self) -> String {
        self.checks.iter().map(|(c, n)| format!("{c} ×{n}")).collect::<Vec<_>>().join(", ")
    }
}

/// The deviations of `results`, most damaging first (see the module's doc).
pub fn deviations(results: &[CaseResult]) -> Vec<Deviation> {
    let mut by_rule: BTreeMap<CheckId, Deviation> = BTreeMap::new();
    // Rules whose repro is already that of a unit that looks at the rule itself.
    let mut own_repro = std::collections::BTreeSet::new();
    for r in results {
        let accepted = matches!(r.outcome, Outcome::Accepted(_));
        let mut seen_here: Vec<CheckId> = Vec::new();
        for f in r.outcome.findings() {
            let d = by_rule.entry(f.check).or_insert_with(|| Deviation {
                check: f.check,
                severity: f.severity,
                checks: BTreeMap::new(),
                units: Vec::new(),
                findings: 0,
                example: f.clone(),
                kinds: Vec::new(),
                repro: None,
                accepted: true,
            });
            d.findings += 1;
            d.severity = d.severity.min(f.severity);
            d.accepted &= accepted;
            if let Some(kind) = f.deviation.filter(|k| !d.kinds.contains(k)) {
                d.kinds.push(kind);
            }
            if seen_here.contains(&f.check) {
                continue;
            }
            seen_here.push(f.check);
            *d.checks.entry(r.check).or_insert(0) += 1;
            d.units.push(r.name.clone());
            // The repro of a unit that looks at this very rule shows it most plainly.
            let own = r.check == f.check;
            if r.repro.is_some() && (d.repro.is_none() || own && !own_repro.contains(&f.check)) {
                d.repro.clone_from(&r.repro);
                d.example = f.clone();
                if own {
                    own_repro.insert(f.check);
                }
            }
        }
    }
    let mut list: Vec<Deviation> = by_rule.into_values().collect();
    list.sort_by_key(|d| (d.accepted, d.severity, !d.breaks_an_sdk(), std::cmp::Reverse(d.unit_count()), d.check));
    list
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Origin;

    fn unit(name: &str, own: CheckId, outcome: Outcome, repro: &str) -> CaseResult {
        CaseResult::new(name, own, Origin::Builtin, outcome).with_repro(Some(repro.to_owned()))
    }

    #[test]
    fn findings_group_by_the_rule_they_break_with_the_repro_of_a_unit_of_that_rule() {
        let max = |actual: &str| Finding::new(CheckId::MaxResultsMax, "a 400", actual);
        let results = vec![
            // Blocked under max-results-max: counted under the unit's own check.
            unit("aggregation", CheckId::ValidationAggregation, Outcome::Blocked(vec![max("200")]), "curl agg"),
            unit("max-101", CheckId::MaxResultsMax, Outcome::Failed(vec![max("200"), max("again")]), "curl 101"),
            unit(
                "request-id",
                CheckId::RequestId,
                Outcome::Failed(vec![Finding::new(CheckId::RequestId, "x", "y").warning()]),
                "curl rid",
            ),
            unit("fine", CheckId::PageSize, Outcome::Passed { note: None, chose: None }, "curl ok"),
        ];
        let all = deviations(&results);
        assert_eq!(
            all.iter().map(Deviation::id).collect::<Vec<_>>(),
            ["max-results-max", "request-id"],
            "errors first"
        );
        let d = &all[0];
        assert_eq!(d.units, ["aggregation", "max-101"]);
        assert_eq!(d.findings, 3);
        assert_eq!(d.checks_label(), "max-results-max ×1, validation-aggregation ×1");
        assert_eq!(d.repro.as_deref(), Some("curl 101"), "the repro of the rule's own unit");
        assert_eq!((d.rule(), d.units_label().as_str()), ("§2", "2 units"));
        assert_eq!(all[1].severity, Severity::Warning);
        assert!(deviations(&results[3..]).is_empty(), "a passing run has none");
    }
}
