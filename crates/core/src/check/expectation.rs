//! A declarative case's own expectations: status, error type, the members a validation message
//! names (MUST) and its exact wording (STRICT), and predicates on a success page.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{CheckId, CheckOptions};
use crate::contract::{self, Constraint, ValidationItem};
use crate::finding::{Chosen, Finding};
use crate::response::Received;
use crate::source::{Case, ViolationSpec};

/// Checks `resp` against the case's expectation. Returns the findings and, where the contract
/// allowed a choice, which alternative the endpoint chose.
pub fn check_case(
    case: &Case,
    request_body: Option<&Value>,
    resp: &Received,
    opts: CheckOptions,
) -> (Vec<Finding>, Option<Chosen>) {
    let exp = &case.expect;
    let shape = resp.error_shape();
    let mut out = Vec::new();
    let mut chose = None;

    if let Some(status) = &exp.status {
        if !status.accepts(resp.status) {
            let f = Finding::new(case.check, format!("HTTP {status}"), resp.summary());
            out.push(f.deviating(recognise_status(case.check, status.accepts(200), resp.status)));
            return (out, None);
        }
        if matches!(status, crate::source::StatusExpectation::AnyOf(l) if l.len() > 1) {
            chose = Some(Chosen::Status(resp.status));
        }
    } else if resp.status >= 500 {
        out.push(Finding::new(case.check, "no 5xx", resp.summary()));
        return (out, None);
    }

    if resp.status >= 300 {
        if let Some(error) = &exp.error {
            match &shape.resolved_type {
                Some(t) if error.accepts(t) => {
                    if matches!(error, crate::source::ErrorExpectation::AnyOf(l) if l.len() > 1) {
                        chose = Some(Chosen::ErrorType(t.clone()));
                    }
                }
                Some(t) => out.push(Finding::new(
                    case.check,
                    format!("error type {error}"),
                    format!("{t} ({})", resp.summary()),
                )),
                None => out.push(Finding::new(
                    case.check,
                    format!("error type {error} in the body's __type"),
                    resp.summary(),
                )),
            }
        }
        let message = shape.message.as_deref().unwrap_or("");
        out.extend(check_violations(case, request_body, message, opts));
        for needle in &exp.message_contains {
            if !message.contains(needle.as_str()) {
                out.push(Finding::new(case.check, format!("a message containing {needle:?}"), format!("{message:?}")));
            }
        }
    } else if resp.status == 200 {
        out.extend(check_page(case, resp));
    }
    (out, chose)
}

/// The deviation a case's unexpected status is, where the meaning of the case makes it one the
/// reference reproduces (and the probes measured): an invalid request or an unknown id answered
/// with success, or the smallest valid page size refused. `success_expected`: the case expects 200.
fn recognise_status(check: CheckId, success_expected: bool, status: u16) -> Option<&'static str> {
    let success = (200..300).contains(&status);
    let refused = (400..500).contains(&status);
    match check {
        CheckId::UnknownExecution if success => Some("unknown-execution-empty-200"),
        CheckId::PaginationToken if success => Some("garbage-token-accepted"),
        CheckId::MaxResultsMax if success => Some("max-results-max-unchecked"),
        CheckId::MaxResultsMin if success => Some("max-results-min-unchecked"),
        CheckId::MaxResultsMin if success_expected && refused => Some("max-results-min-off-by-one"),
        _ => None,
    }
}

fn check_page(case: &Case, resp: &Received) -> Vec<Finding> {
    let exp = &case.expect;
    let Ok(page) = resp.page() else {
        return Vec::new(); // the response-shape check reports an unreadable page
    };
    let mut out = Vec::new();
    let n = page.items.len();
    if let Some(min) = exp.items_min {
        if n < min {
            out.push(Finding::new(case.check, format!("at least {min} items"), format!("{n} items")));
        }
    }
    if let Some(max) = exp.items_max {
        if n > max {
            // More items than a page may hold is the page-size rule's, whatever the case is about
            // (none at all, where a filter matches nothing, is the case's own).
            let check = if max > 0 { CheckId::PageSize } else { case.check };
            out.push(Finding::new(check, format!("at most {max} items"), format!("{n} items")));
        }
    }
    if let Some(allowed) = &exp.item_status_in {
        let bad: Vec<String> = page
            .items
            .iter()
            .filter_map(|i| i.get(contract::output::STATUS).and_then(Value::as_str))
            .filter(|s| !allowed.iter().any(|a| a == s))
            .map(str::to_owned)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        if !bad.is_empty() {
            // Whatever the case is about, items outside the filter break the filter semantics.
            let f = Finding::new(
                CheckId::FilterStatus,
                format!("only items with Status {}", allowed.join(" or ")),
                format!("items with Status {}", bad.join(", ")),
            );
            // Statuses of the contract's enum outside the filter: the filter was not applied (a
            // status outside the enum is that status's deviation, not the filter's).
            let ignored = bad.iter().all(|s| contract::STATUSES.contains(&s.as_str()));
            out.push(if ignored { f.deviating("filter-ignored") } else { f });
        }
    }
    out
}

/// Whether `message` names `path` as a whole path (not as a prefix of a longer one).
pub fn names_path(message: &str, path: &str) -> bool {
    message.match_indices(path).any(|(i, _)| {
        let before = message[..i].chars().next_back();
        let after = message[i + path.len()..].chars().next();
        let boundary = |c: Option<char>| c.is_none_or(|c| !(c.is_alphanumeric() || c == '.' || c == '_'));
        boundary(before) && boundary(after)
    })
}

fn check_violations(case: &Case, request_body: Option<&Value>, message: &str, opts: CheckOptions) -> Vec<Finding> {
    let specs = &case.expect.violations;
    if specs.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let paths: BTreeSet<&str> = specs.iter().map(|v| v.path.as_str()).collect();
    let missing: Vec<&str> = paths.iter().copied().filter(|p| !names_path(message, p)).collect();
    if !missing.is_empty() {
        // Naming some violated members but not others is the aggregation rule's failure.
        let check = if missing.len() < paths.len() { CheckId::ValidationAggregation } else { case.check };
        let f = Finding::new(
            check,
            format!("a validation message naming {}", missing.join(", ")),
            format!("{:?}", crate::response::excerpt(message, 300)),
        );
        // The reference names only the first violation under this fault.
        out.push(if check == CheckId::ValidationAggregation { f.deviating("validation-first-only") } else { f });
    }
    if opts.strict_messages {
        out.extend(strict_message(CheckId::ValidationMessage, request_body, specs, message));
    }
    out
}

/// The expected items, with values rendered from the request where AWS's rendering is known.
fn expected_items(request_body: Option<&Value>, specs: &[ViolationSpec]) -> Vec<(ValidationItem, bool)> {
    specs
        .iter()
        .map(|s| {
            let value = match s.constraint {
                Constraint::NotNull => None,
                _ => Some(value_at(request_body, &s.path).unwrap_or_default()),
            };
            // List values render in an unknown way; STRICT does not compare them (contract §2).
            let list = matches!(s.constraint, Constraint::FilterValueLengths | Constraint::MemberLengths { .. });
            let compare_value = !list && s.path != "filters";
            (ValidationItem { value, path: s.path.clone(), constraint: s.constraint }, compare_value)
        })
        .collect()
}

/// The scalar value at a validation path, rendered as AWS renders it.
fn value_at(body: Option<&Value>, path: &str) -> Option<String> {
    let body = body?;
    let mut parts = path.split('.');
    let first = parts.next()?;
    let member = |obj: &Value, lower: &str| -> Option<Value> {
        obj.as_object()?.iter().find(|(k, _)| contract::member_path(k) == lower).map(|(_, v)| v.clone())
    };
    let mut cur = member(body, first)?;
    while let Some(idx) = parts.next() {
        let i: usize = idx.parse().ok()?;
        let _member_kw = parts.next()?;
        let field = parts.next()?;
        cur = member(cur.as_array()?.get(i.checked_sub(1)?)?, field)?;
    }
    match cur {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The items of a validation message. Items are joined with `"; "`, but a value may itself
/// contain `"; "`, so a split happens only where the next item begins (`Value ...`).
fn split_items(rest: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let mut start = 0;
    let mut search = 0;
    while let Some(i) = rest[search..].find("; Value ") {
        let at = search + i;
        items.push(&rest[start..at]);
        start = at + 2;
        search = start;
    }
    items.push(&rest[start..]);
    items
}

fn normalise(item: &str) -> String {
    item.trim().trim_end_matches('.').trim().to_owned()
}

/// The part of an item after its value: ` at '<path>' failed to satisfy constraint: ...`.
fn without_value(item: &str) -> &str {
    item.find(" at '").map_or(item, |i| &item[i..])
}

/// A validation message against AWS's wording of the violations `specs` (STRICT, contract §2):
/// the count, then every item exactly, in any order, with or without a trailing period; a
/// finding of `check` for each way it is not.
pub fn strict_message(
    check: CheckId,
    request_body: Option<&Value>,
    specs: &[ViolationSpec],
    message: &str,
) -> Vec<Finding> {
    let expected = expected_items(request_body, specs);
    let n = expected.len();
    let prefix = format!("{n} validation {} detected: ", if n == 1 { "error" } else { "errors" });
    let Some(rest) = message.strip_prefix(&prefix) else {
        return vec![Finding::new(
            check,
            format!("a message starting {prefix:?}"),
            format!("{:?}", crate::response::excerpt(message, 300)),
        )];
    };
    let actual: Vec<String> = split_items(rest).into_iter().map(normalise).collect();
    let mut unmatched: Vec<String> = actual.clone();
    let mut missing = Vec::new();
    for (item, compare_value) in &expected {
        let want = normalise(&item.render());
        let pos = unmatched.iter().position(|a| {
            if *compare_value {
                *a == want
            } else {
                without_value(a) == without_value(&want)
            }
        });
        match pos {
            Some(p) => {
                unmatched.remove(p);
            }
            None => missing.push(want),
        }
    }
    if missing.is_empty() && unmatched.is_empty() {
        return Vec::new();
    }
    let mut actual_desc = Vec::new();
    if !missing.is_empty() {
        actual_desc
            .push(format!("missing {}", missing.iter().map(|m| format!("{m:?}")).collect::<Vec<_>>().join(", ")));
    }
    if !unmatched.is_empty() {
        actual_desc
            .push(format!("unexpected {}", unmatched.iter().map(|m| format!("{m:?}")).collect::<Vec<_>>().join(", ")));
    }
    vec![Finding::new(check, "AWS's validation items exactly (order-insensitive)", actual_desc.join("; "))]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_split_only_where_the_next_item_begins() {
        let m = "Value '; ' at 'windowExecutionId' failed to satisfy constraint: a; Value '; ' at 'x' failed";
        assert_eq!(split_items(m).len(), 2);
    }

    #[test]
    fn path_matching_respects_boundaries() {
        assert!(names_path("Value '1' at 'filters' failed", "filters"));
        assert!(!names_path("Value '1' at 'filters.1.member.key' failed", "filters"));
        assert!(names_path("at 'filters.1.member.key'", "filters.1.member.key"));
    }

    #[test]
    fn reads_values_at_paths() {
        let body: Value = serde_json::json!({"WindowExecutionId": "x", "MaxResults": 9, "Filters": [{"Key": "k"}]});
        assert_eq!(value_at(Some(&body), "windowExecutionId").as_deref(), Some("x"));
        assert_eq!(value_at(Some(&body), "maxResults").as_deref(), Some("9"));
        assert_eq!(value_at(Some(&body), "filters.1.member.key").as_deref(), Some("k"));
    }
}
