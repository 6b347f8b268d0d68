//! Which contract rules a request exercises, for the generated phase's coverage table: the MUST
//! rules by the check id that reports them (a constraint crossed, or met exactly at its bound)
//! and the EITHER rules it touches. A user reads from the table what the generator explored and
//! what it did not. Pure, like the oracle it reads the body with.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{check_of, filter_allowance, read, read_body, violations, Input, World};
use crate::check_id::CheckId;
use crate::contract::{self, EitherRule};

/// The rules one request exercises.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Exercised {
    /// MUST rules, by check id.
    pub checks: BTreeSet<CheckId>,
    /// EITHER rules.
    pub either: BTreeSet<EitherRule>,
}

/// The MUST rules a single generated request can exercise: the rows of the coverage table.
pub const REQUEST_CHECKS: &[CheckId] = &[
    CheckId::IdRequired,
    CheckId::IdLength,
    CheckId::IdPattern,
    CheckId::IdAnchoring,
    CheckId::IdHexCase,
    CheckId::UnknownExecution,
    CheckId::MaxResultsMin,
    CheckId::MaxResultsMax,
    CheckId::FiltersCount,
    CheckId::FilterKeyLength,
    CheckId::FilterValueLength,
    CheckId::FilterStatus,
    CheckId::FilterUnsupported,
    CheckId::PageSize,
    CheckId::PaginationToken,
    CheckId::ValidationAggregation,
    CheckId::MalformedJson,
    CheckId::WrongJsonType,
    CheckId::NullMember,
    CheckId::EmptyBody,
    CheckId::UnknownMember,
];

/// The EITHER rules a single generated request can touch: the rows of the coverage table.
pub const REQUEST_EITHER_RULES: &[EitherRule] = &[
    EitherRule::WrongTypeError,
    EitherRule::UnknownMembers,
    EitherRule::IntegralFloat,
    EitherRule::KnownIdOtherCase,
    EitherRule::UnsupportedFilter,
    EitherRule::SkippedOverlappingFilter,
    EitherRule::EmptyNextToken,
    EitherRule::ForeignToken,
    EitherRule::TokenOtherPageSize,
];

/// The rules the request with `body` exercises against `world`; `verdict_check` is the check
/// the oracle's verdict for it names (the caller has it already: not judged twice).
pub fn exercised(body: &[u8], world: &World, verdict_check: CheckId) -> Exercised {
    let mut out = Exercised::default();
    let Ok(obj) = read_body(body) else {
        out.checks.insert(CheckId::MalformedJson);
        return out;
    };
    if body.iter().all(u8::is_ascii_whitespace) {
        out.checks.insert(CheckId::EmptyBody);
    }
    if obj.values().any(Value::is_null) {
        out.checks.insert(CheckId::NullMember);
    }
    let Ok(inp) = read(&obj) else {
        out.checks.insert(CheckId::WrongJsonType);
        out.either.insert(EitherRule::WrongTypeError);
        return out;
    };
    out.checks.insert(verdict_check);
    let vs = violations(&inp);
    out.checks.extend(vs.iter().map(check_of));
    if vs.len() > 1 {
        out.checks.insert(CheckId::ValidationAggregation);
    }
    if !inp.extras.is_empty() {
        out.checks.insert(CheckId::UnknownMember);
        out.either.insert(EitherRule::UnknownMembers);
    }
    at_bounds(&inp, &mut out);
    ids(&inp, world, &mut out);
    filters_and_tokens(&inp, world, &mut out);
    out
}

/// Values exactly at a bound exercise its rule as much as values across it.
fn at_bounds(inp: &Input, out: &mut Exercised) {
    match inp.max_results {
        Some(contract::MAX_RESULTS_MIN) => drop(out.checks.insert(CheckId::MaxResultsMin)),
        Some(contract::MAX_RESULTS_MAX) => drop(out.checks.insert(CheckId::MaxResultsMax)),
        _ => {}
    }
    if let Some(negative) = inp.max_results_out_of_range {
        out.checks.insert(if negative { CheckId::MaxResultsMin } else { CheckId::MaxResultsMax });
    }
    if inp.max_results_float {
        out.either.insert(EitherRule::IntegralFloat);
    }
    let Some(filters) = &inp.filters else { return };
    if filters.is_empty() || filters.len() == contract::FILTERS_MAX {
        out.checks.insert(CheckId::FiltersCount);
    }
    for f in filters {
        let key_len = f.key.as_deref().map(|k| k.chars().count());
        if matches!(key_len, Some(n) if n == contract::FILTER_KEY_MIN || n == contract::FILTER_KEY_MAX) {
            out.checks.insert(CheckId::FilterKeyLength);
        }
        let at_value_bound =
            |v: &String| [contract::FILTER_VALUE_MIN, contract::FILTER_VALUE_MAX].contains(&v.chars().count());
        if f.values.iter().flatten().any(at_value_bound) {
            out.checks.insert(CheckId::FilterValueLength);
        }
    }
}

fn ids(inp: &Input, world: &World, out: &mut Exercised) {
    let Some(id) = inp.id.as_deref() else { return };
    let re = contract::id_regex();
    if re.is_match(id) {
        if id.chars().any(|c| c.is_ascii_uppercase()) {
            out.checks.insert(CheckId::IdHexCase);
        }
        if !world.known.iter().any(|k| k == id) && world.known.iter().any(|k| k.eq_ignore_ascii_case(id)) {
            out.either.insert(EitherRule::KnownIdOtherCase);
        }
    } else if id.char_indices().any(|(i, _)| id.get(i..i + contract::ID_LENGTH).is_some_and(|s| re.is_match(s))) {
        out.checks.insert(CheckId::IdAnchoring);
    }
}

fn filters_and_tokens(inp: &Input, world: &World, out: &mut Exercised) {
    let (allowed, unsupported) = filter_allowance(inp.filters.as_ref());
    if unsupported {
        out.checks.insert(CheckId::FilterUnsupported);
        out.either.insert(EitherRule::UnsupportedFilter);
    } else if allowed.is_some() {
        out.checks.insert(CheckId::FilterStatus);
    }
    let values = inp.filters.iter().flatten().flat_map(|f| f.values.iter().flatten());
    if values.clone().any(|v| v == contract::SKIPPED_OVERLAPPING) {
        out.either.insert(EitherRule::SkippedOverlappingFilter);
    }
    let Some(token) = inp.token.as_deref() else { return };
    if token.is_empty() {
        out.either.insert(EitherRule::EmptyNextToken);
        return;
    }
    match &world.token {
        Some((real, exec)) if real == token => {
            out.checks.insert(CheckId::PageSize);
            if inp.max_results != Some(contract::MAX_RESULTS_MIN) {
                out.either.insert(EitherRule::TokenOtherPageSize);
            }
            let filtered = inp.filters.as_ref().is_some_and(|f| !f.is_empty());
            if inp.id.as_deref() != Some(exec.as_str()) || filtered {
                out.either.insert(EitherRule::ForeignToken);
            }
        }
        _ => drop(out.checks.insert(CheckId::PaginationToken)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn world() -> World {
        let known = "0123abcd-0000-4000-8000-000000000001".to_owned();
        World {
            known: vec![known.clone()],
            token: Some(("tok".into(), known)),
            token_page_size: Some(10),
            token_filters: None,
        }
    }

    fn of(body: &str) -> Exercised {
        let verdict = super::super::expect(body.as_bytes(), &world());
        exercised(body.as_bytes(), &world(), verdict.check)
    }

    #[test]
    fn each_request_names_the_rules_it_crosses_or_meets_at_a_bound() {
        let e = of(r#"{"WindowExecutionId": "0123ABCD-0000-4000-8000-000000000001", "MaxResults": 10}"#);
        assert!(e.checks.contains(&CheckId::IdHexCase) && e.checks.contains(&CheckId::MaxResultsMin), "{e:?}");
        assert!(e.either.contains(&EitherRule::KnownIdOtherCase), "{e:?}");
        let e = of(r#"{"WindowExecutionId": "x0123abcd-0000-4000-8000-000000000001", "MaxResults": 1e2}"#);
        assert!(e.checks.contains(&CheckId::IdAnchoring) && e.checks.contains(&CheckId::IdLength), "{e:?}");
        assert!(e.either.contains(&EitherRule::IntegralFloat) && e.checks.contains(&CheckId::MaxResultsMax), "{e:?}");
        let e = of(
            r#"{"WindowExecutionId": "0123abcd-0000-4000-8000-000000000001", "NextToken": "tok", "MaxResults": 11}"#,
        );
        assert!(e.either.contains(&EitherRule::TokenOtherPageSize) && e.checks.contains(&CheckId::PageSize), "{e:?}");
        let e = of(r#"{"WindowExecutionId": null, "Filters": [{"Key": "status", "Values": ["SUCCESS"]}], "X": 1}"#);
        for c in [CheckId::IdRequired, CheckId::NullMember, CheckId::FilterUnsupported, CheckId::UnknownMember] {
            assert!(e.checks.contains(&c), "{c}: {e:?}");
        }
        assert_eq!(of("{").checks, [CheckId::MalformedJson].into());
        assert!(of("").checks.contains(&CheckId::EmptyBody));
        assert!(of(r#"{"MaxResults": "10"}"#).either.contains(&EitherRule::WrongTypeError));
    }

    #[test]
    fn every_row_of_the_table_is_reachable() {
        // The rows are what a request alone can exercise: each must be named by some body.
        let bodies = [
            r#"{"WindowExecutionId": "0123ABCD-0000-4000-8000-000000000001", "MaxResults": 10}"#,
            r#"{"WindowExecutionId": "x0123abcd-0000-4000-8000-000000000001", "MaxResults": 1e2, "Filters": []}"#,
            r#"{"WindowExecutionId": "0123abcd-0000-4000-8000-000000000001", "NextToken": "tok", "MaxResults": 11, "Filters": [{"Key": "STATUS", "Values": ["SUCCESS"]}]}"#,
            r#"{"WindowExecutionId": "0123abcd-0000-4000-8000-000000000002", "NextToken": "bad"}"#,
            r#"{"WindowExecutionId": "0123abcd-0000-4000-8000-000000000002"}"#,
            r#"{"WindowExecutionId": null, "Filters": [{"Key": "status", "Values": ["SKIPPED_OVERLAPPING"]}], "X": 1, "NextToken": ""}"#,
            r#"{"WindowExecutionId": "", "Filters": [{"Key": "", "Values": [""]}], "MaxResults": 101}"#,
            r#"{"MaxResults": "10"}"#,
            "{",
            "",
        ];
        let mut all = Exercised::default();
        for b in bodies {
            let e = of(b);
            all.checks.extend(e.checks);
            all.either.extend(e.either);
        }
        for c in REQUEST_CHECKS {
            assert!(all.checks.contains(c), "no body exercises {c}");
        }
        for r in REQUEST_EITHER_RULES {
            assert!(all.either.contains(r), "no body touches {r}");
        }
    }
}
