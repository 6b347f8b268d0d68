//! The always-on checks across a run: every exchange, whatever its source, is recorded here
//! through the pure [`check::always_on`] and [`check::observe`]; at the end each always-on check
//! becomes one unit: the first exchange that broke it and how many did, passed when something
//! was inspected and nothing broke, skipped when nothing could be inspected.

use std::collections::{BTreeMap, BTreeSet};

use crate::check::{self, CheckId};
use crate::contract::EitherRule;
use crate::finding::{CaseResult, Finding, Outcome};
use crate::request::WireRequest;
use crate::response::Received;
use crate::source::Origin;
use crate::transport::Client;

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
    /// Runs the always-on checks on one exchange `client` sent; `at` says where it was sent from.
    pub fn record(&mut self, client: &Client, at: &str, req: &WireRequest, resp: &Received) {
        self.record_with_repro(&|r| client.repro(r), at, req, resp);
    }

    /// As [`Observations::record`], with the repro line of a finding made by `repro` (the proxy
    /// re-signs a client's captured request rather than sending it as its own).
    pub fn record_with_repro(
        &mut self,
        repro: &dyn Fn(&WireRequest) -> String,
        at: &str,
        req: &WireRequest,
        resp: &Received,
    ) {
        for finding in check::always_on(req.json_body().as_ref(), resp) {
            self.observed.push(Observed { at: at.to_owned(), finding, repro: repro(req) });
        }
        let seen = check::observe(resp);
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
