//! STATUS filter relations (contract §3) over walks the runner gathered: a filter returns exactly
//! the items of the full listing with those statuses (values ORed), filters are ANDed, and `[]`
//! is no filter. Pure.
//!
//! A task whose status in the full listing is not final (`PENDING`, `IN_PROGRESS`, `CANCELLING`)
//! may have moved on by the time a filtered listing is taken (contract §8, a live execution):
//! whether a filter keeps it is not compared — only that, where it is kept, its status then
//! matches the filter. The findings say how many such tasks were set aside.

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
    /// The items the endpoint returned as (key, status), or what came back instead.
    pub items: Result<Vec<(String, String)>, String>,
    /// Whether a 4xx client error is an accepted answer (EITHER rules).
    pub client_error_allowed: bool,
}

/// Every filter finding, given the full listing as (item key, status) pairs; and how many tasks
/// of it were live (not compared across walks, see the module doc) where that excused a
/// difference.
pub fn check_filters(full: &[(String, String)], listings: &[FilteredListing]) -> (Vec<Finding>, usize) {
    let mut out = Vec::new();
    // A difference is recognised as a filter ignored or ANDed only when every status is one of the
    // contract's: with a status outside them, the difference is that status's (another deviation).
    let statuses_valid = full.iter().all(|(_, s)| crate::contract::STATUSES.contains(&s.as_str()));
    let full_keys: BTreeSet<&String> = full.iter().map(|(k, _)| k).collect();
    let live: BTreeSet<&String> = full.iter().filter(|(_, s)| is_live(s)).map(|(k, _)| k).collect();
    let mut excused = BTreeSet::new();
    for l in listings {
        let expected: BTreeSet<&String> =
            full.iter().filter(|(_, s)| l.expected_statuses.contains(s)).map(|(k, _)| k).collect();
        match &l.items {
            Err(summary) if l.client_error_allowed && summary.starts_with('4') => {}
            Err(summary) => {
                out.push(Finding::new(CheckId::FilterStatus, format!("{}: a listing", l.label), summary.clone()));
            }
            Ok(items) => {
                let got: BTreeSet<&String> = items.iter().map(|(k, _)| k).collect();
                if got.len() < items.len() {
                    out.push(Finding::new(
                        CheckId::FilterStatus,
                        format!("{}: every matching item once", l.label),
                        format!("{} items, {} of them repeats", items.len(), items.len() - got.len()),
                    ));
                }
                // A live task kept by the filter must match it now; whether it is kept is not compared.
                let moved: Vec<&(String, String)> =
                    items.iter().filter(|(k, s)| live.contains(k) && !l.expected_statuses.contains(s)).collect();
                let settled = |set: &BTreeSet<&String>| -> BTreeSet<String> {
                    set.iter().filter(|k| !live.contains(**k)).map(|k| (*k).clone()).collect()
                };
                let (got_settled, expected_settled) = (settled(&got), settled(&expected));
                // One finding a listing: the settled items' difference, else a live task the
                // filter should not have kept.
                if got_settled != expected_settled {
                    let aside = got.union(&expected).filter(|k| live.contains(**k)).count();
                    let sets = (&got_settled, &expected_settled);
                    out.push(filter_difference(l, sets, &full_keys, statuses_valid, aside));
                } else if let Some((k, s)) = moved.first() {
                    out.push(Finding::new(
                        CheckId::FilterStatus,
                        format!("{}: only items with those statuses", l.label),
                        format!("{} items with another status, e.g. {k} with {s}", moved.len()),
                    ));
                } else if got != expected {
                    excused.extend(got.symmetric_difference(&expected).map(|k| (*k).clone()));
                }
            }
        }
    }
    (out, excused.len())
}

/// Whether a task's status is not final: such a task may move on between walks (contract §8).
fn is_live(status: &str) -> bool {
    crate::contract::real_service::LIVE_STATUSES.contains(&status)
}

/// The finding of a filtered listing whose settled items (the `live_aside` tasks not yet final set
/// aside) differ from what the full listing says.
fn filter_difference(
    l: &FilteredListing,
    (got, expected): (&BTreeSet<String>, &BTreeSet<String>),
    full_keys: &BTreeSet<&String>,
    statuses_valid: bool,
    live_aside: usize,
) -> Finding {
    let missing = expected.difference(got).count();
    let extra = got.difference(expected).count();
    // Items of the full listing with other statuses: the filter let them through (an item the
    // full listing lacks is the full listing's problem).
    let let_through = got.difference(expected).filter(|k| full_keys.contains(k)).count();
    let deviation = match (missing, extra) {
        (0, _) if statuses_valid && let_through == extra => Some("filter-ignored"),
        (_, 0) if statuses_valid => Some("filter-values-anded"),
        _ => None,
    };
    let aside = match live_aside {
        0 => String::new(),
        n => format!("; {n} tasks not yet final set aside"),
    };
    Finding::new(
        CheckId::FilterStatus,
        format!("{}: the {} items of the full listing with those statuses", l.label, expected.len()),
        format!("{} items ({missing} missing, {extra} not matching{aside})", got.len()),
    )
    .deviating(deviation)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full() -> Vec<(String, String)> {
        [("a", "SUCCESS"), ("b", "PENDING"), ("c", "FAILED")].iter().map(|(k, s)| ((*k).into(), (*s).into())).collect()
    }

    fn listing(statuses: &[&str], items: &[(&str, &str)]) -> FilteredListing {
        FilteredListing {
            label: "l".into(),
            expected_statuses: statuses.iter().map(|s| (*s).to_owned()).collect(),
            items: Ok(items.iter().map(|(k, s)| ((*k).into(), (*s).into())).collect()),
            client_error_allowed: false,
        }
    }

    #[test]
    fn a_live_task_may_move_between_walks_but_settled_ones_may_not() {
        // b was PENDING, is SUCCESS by the filtered walk: kept by STATUS in [SUCCESS], gone from [PENDING].
        let moved = [listing(&["SUCCESS"], &[("a", "SUCCESS"), ("b", "SUCCESS")]), listing(&["PENDING"], &[])];
        assert_eq!(check_filters(&full(), &moved), (Vec::new(), 1));
        // A settled task missing is a finding, whatever the live ones do.
        let (findings, _) = check_filters(&full(), &[listing(&["SUCCESS"], &[])]);
        assert_eq!(findings.len(), 1);
        // A live task kept by a filter it does not match now: a finding.
        let (findings, _) = check_filters(&full(), &[listing(&["FAILED"], &[("b", "IN_PROGRESS"), ("c", "FAILED")])]);
        assert!(findings[0].actual.contains("another status"), "{findings:?}");
    }
}
