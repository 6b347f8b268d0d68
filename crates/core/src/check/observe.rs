//! The always-on checks across a run, whatever its driver (runner, proxy, replay): every exchange
//! is recorded in [`Observations`] through the pure [`super::always_on`] and [`observe`] (what one
//! exchange shows besides its findings: whether it held something for the always-on checks to
//! inspect, and which EITHER alternatives it chose where the choice is visible on the wire); at
//! the end each always-on check becomes one unit: the first exchange that broke it and how many
//! did, passed when something was inspected and nothing broke, skipped when nothing could be
//! inspected (a check with nothing to inspect is skipped, never passed).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::check_id::CheckId;
use crate::contract::{error_body, EitherRule};
use crate::finding::{CaseResult, Finding, Outcome};
use crate::request::WireRequest;
use crate::response::Received;
use crate::source::Origin;

/// An always-on finding, with where it was seen and how to reproduce it.
#[derive(Debug, Clone)]
struct Observed {
    at: String,
    finding: Finding,
    repro: String,
}

/// What the always-on checks saw over a set of exchanges. Merge the ones gathered concurrently
/// in a fixed order to keep the report deterministic.
#[derive(Debug, Clone, Default)]
pub struct Observations {
    observed: Vec<Observed>,
    responses: usize,
    items: bool,
    errors: bool,
    /// EITHER rule → the alternatives observed.
    pub choices: BTreeMap<EitherRule, BTreeSet<String>>,
}

/// What an always-on check needs to have seen to have inspected anything.
#[derive(Clone, Copy)]
enum Need {
    Any,
    Items,
    Errors,
}

/// The always-on checks and what each needs to have seen.
const ALWAYS_ON: [(CheckId, Need); 12] = [
    (CheckId::RequestId, Need::Any),
    (CheckId::ContentType, Need::Items),
    (CheckId::ResponseBody, Need::Any),
    (CheckId::PageSize, Need::Items),
    (CheckId::ItemMembers, Need::Items),
    (CheckId::ItemTypes, Need::Items),
    (CheckId::ItemTimestamps, Need::Items),
    (CheckId::ItemExecution, Need::Items),
    (CheckId::ErrorStatus, Need::Errors),
    (CheckId::ErrorType, Need::Errors),
    (CheckId::ErrorMessage, Need::Errors),
    (CheckId::ErrorContentType, Need::Errors),
];

impl Observations {
    /// Runs the always-on checks on one exchange; `at` says where it was sent from, `repro`
    /// writes a finding's repro line (asked only when there is a finding: the runner's client
    /// signs it as it sent it, the proxy re-signs a client's captured request).
    pub fn record(&mut self, repro: &dyn Fn(&WireRequest) -> String, at: &str, req: &WireRequest, resp: &Received) {
        let findings = super::always_on(req.json_body().as_ref(), resp);
        let line = (!findings.is_empty()).then(|| repro(req));
        for finding in findings {
            let repro = line.clone().unwrap_or_default();
            self.observed.push(Observed { at: at.to_owned(), finding, repro });
        }
        let seen = observe(resp);
        self.items |= seen.items;
        self.errors |= seen.error;
        for (rule, alternative) in seen.choices {
            self.chose(rule, alternative);
        }
        self.responses += 1;
    }

    /// Records an EITHER choice seen outside a single response (in a walk).
    pub fn chose(&mut self, rule: EitherRule, alternative: impl Into<String>) {
        self.choices.entry(rule).or_default().insert(alternative.into());
    }

    /// Adds what another set of exchanges saw, after these.
    pub fn merge(&mut self, other: Observations) {
        self.observed.extend(other.observed);
        self.responses += other.responses;
        self.items |= other.items;
        self.errors |= other.errors;
        for (rule, alts) in other.choices {
            self.choices.entry(rule).or_default().extend(alts);
        }
    }

    /// One result per always-on check.
    pub fn into_results(self) -> Vec<CaseResult> {
        ALWAYS_ON.iter().map(|&(check, need)| self.result(check, need)).collect()
    }

    fn result(&self, check: CheckId, need: Need) -> CaseResult {
        let hits: Vec<&Observed> = self.observed.iter().filter(|o| o.finding.check == check).collect();
        let applicable = match need {
            Need::Any => self.responses > 0,
            Need::Items => self.items,
            Need::Errors => self.errors,
        };
        let outcome = match hits.first() {
            Some(first) => {
                let mut f = first.finding.clone();
                f.actual = format!("{} (in {}; {} of {} responses)", f.actual, first.at, hits.len(), self.responses);
                Outcome::Failed(vec![f])
            }
            None if !applicable => Outcome::Skipped(match need {
                Need::Items => "no response held items to inspect".to_owned(),
                _ => "no error response to inspect".to_owned(),
            }),
            None => Outcome::Passed { note: Some(format!("{} responses", self.responses)), chose: None },
        };
        CaseResult::new(check.name(), check, Origin::Builtin, outcome).with_repro(hits.first().map(|o| o.repro.clone()))
    }
}

/// What one response showed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Observation {
    /// A success that held items.
    pub items: bool,
    /// An error response (status 300 or more).
    pub error: bool,
    /// EITHER rules and the alternative chosen.
    pub choices: Vec<(EitherRule, String)>,
}

/// Observes one response.
pub fn observe(resp: &Received) -> Observation {
    let mut seen = Observation {
        items: resp.status == 200 && resp.page().is_ok_and(|p| !p.items.is_empty()),
        error: resp.status >= 300,
        choices: Vec::new(),
    };
    if !seen.error {
        return seen;
    }
    let shape = resp.error_shape();
    if let Some(raw) = &shape.raw_type {
        let form = if raw.contains('#') || raw.contains(':') { "namespaced" } else { "bare" };
        seen.choices.push((EitherRule::ErrorTypeForm, form.to_owned()));
        let header = if shape.header_type.is_some() { "sent" } else { "not sent" };
        seen.choices.push((EitherRule::ErrorTypeHeader, header.to_owned()));
    }
    if let Ok(Value::Object(map)) = resp.json() {
        for k in error_body::MESSAGE_KEYS {
            if map.get(k).is_some_and(Value::is_string) {
                seen.choices.push((EitherRule::MessageKey, format!("`{k}`")));
            }
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::{Fault, Reference};
    use crate::request;
    use crate::source::builtin_cases;

    /// The checks `always_on` runs and the table of units they become are written apart: a check
    /// missing from the table would have its findings dropped. Every fault's answers to every
    /// built-in case name only checks the table holds.
    #[test]
    fn every_check_always_on_reports_has_a_unit() {
        let cases = builtin_cases().expect("the built-in cases load");
        let tabled: Vec<CheckId> = ALWAYS_ON.iter().map(|(c, _)| *c).collect();
        let mut seen = BTreeSet::new();
        for fault in Fault::ALL.iter().copied().map(Some).chain([None]) {
            let reference = Reference::new(fault);
            let bindings = reference.bindings("0123abcd-0000-4000-8000-00000000cafe");
            for case in &cases {
                let Ok(req) = request::build(case, &bindings) else { continue };
                let resp = reference.handle(&req);
                for f in super::super::always_on(req.json_body().as_ref(), &Received::new(&resp)) {
                    seen.insert(f.check);
                }
            }
        }
        let untabled: Vec<&CheckId> = seen.iter().filter(|c| !tabled.contains(c)).collect();
        assert!(untabled.is_empty(), "always-on findings with no unit: {untabled:?}");
        // And the faults reach most of the table, or this proved little.
        assert!(seen.len() >= tabled.len() - 2, "only {seen:?} were met");
    }
}
