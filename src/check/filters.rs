//! STATUS filter relations (contract §3) over walks the runner gathered: a filter returns exactly
//! the items of the full listing with those statuses (values ORed), filters are ANDed, and `[]`
//! is no filter. Pure.

use std::collections::BTreeSet;

use super::CheckId;
use crate::finding::Finding;

/// One filtered listing and what the full listing says it must hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilteredListing {
    /// How the filter reads (`STATUS in [SUCCESS, FAILED]`).
    pub label: String,
    /// The statuses an item must have to be kept (the relation's expectation).
    pub expected_statuses: BTreeSet<String>,
    /// The item keys the endpoint returned, or what came back instead.
    pub items: Result<Vec<String>, String>,
    /// Whether a 4xx client error is an accepted answer (EITHER rules).
    pub client_error_allowed: bool,
}

/// Every filter finding, given the full listing as (item key, status) pairs.
pub fn check_filters(full: &[(String, String)], listings: &[FilteredListing]) -> Vec<Finding> {
    let mut out = Vec::new();
    // A difference is recognised as a filter ignored or ANDed only when every status is one of the
    // contract's: with a status outside them, the difference is that status's (another deviation).
    let statuses_valid = full.iter().all(|(_, s)| crate::contract::STATUSES.contains(&s.as_str()));
    let full_keys: BTreeSet<&String> = full.iter().map(|(k, _)| k).collect();
    for l in listings {
        let expected: BTreeSet<&String> =
            full.iter().filter(|(_, s)| l.expected_statuses.contains(s)).map(|(k, _)| k).collect();
        match &l.items {
            Err(summary) if l.client_error_allowed && summary.starts_with('4') => {}
            Err(summary) => {
                out.push(Finding::new(CheckId::FilterStatus, format!("{}: a listing", l.label), summary.clone()));
            }
            Ok(items) => {
                let got: BTreeSet<&String> = items.iter().collect();
                if got.len() < items.len() {
                    out.push(Finding::new(
                        CheckId::FilterStatus,
                        format!("{}: every matching item once", l.label),
                        format!("{} items, {} of them repeats", items.len(), items.len() - got.len()),
                    ));
                }
                if got != expected {
                    let missing = expected.difference(&got).count();
                    let extra = got.difference(&expected).count();
                    // Items of the full listing with other statuses: the filter let them through
                    // (an item the full listing lacks is the full listing's problem).
                    let let_through = got.difference(&expected).filter(|k| full_keys.contains(*k)).count();
                    let deviation = match (missing, extra) {
                        (0, _) if statuses_valid && let_through == extra => Some("filter-ignored"),
                        (_, 0) if statuses_valid => Some("filter-values-anded"),
                        _ => None,
                    };
                    let f = Finding::new(
                        CheckId::FilterStatus,
                        format!("{}: the {} items of the full listing with those statuses", l.label, expected.len()),
                        format!("{} items ({missing} missing, {extra} not matching)", got.len()),
                    );
                    out.push(f.deviating(deviation));
                }
            }
        }
    }
    out
}
