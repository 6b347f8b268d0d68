//! A relation that varies one dimension: the letter case of a known id (contract §3). With the
//! id in another case, the walk at `MaxResults` 10 is EITHER `DoesNotExistException` at once, or
//! the same items in the same order as the walk with the id as given: never found at first and
//! lost later, never a 5xx, never other items (the always-on checks read every page).

use super::relations::{Walker, REUSE_SIZE};
use crate::check::pagination::WalkEnd;
use crate::check::CheckId;
use crate::contract::{error_type, EitherRule};
use crate::finding::{CaseResult, Finding};

/// `id` in the other letter case: upper case if it has lower-case letters, else lower case.
fn other_case(id: &str) -> String {
    if id.chars().any(|c| c.is_ascii_lowercase()) {
        id.to_ascii_uppercase()
    } else {
        id.to_ascii_lowercase()
    }
}

/// The relation for the walker's execution; `as_given` is the item keys of its complete walk at
/// `MaxResults` 10. The other-case walk's exchanges go to the walker's observations.
pub(super) async fn relation(walker: &mut Walker<'_>, as_given: &[String]) -> CaseResult {
    let exec = walker.exec.to_owned();
    let unit = format!("{} {exec}", CheckId::IdCaseRelations);
    let other = other_case(&exec);
    if other == exec {
        let why = "the id has no letters, so it has no other letter case";
        return CaseResult::skipped(unit, CheckId::IdCaseRelations, crate::source::Origin::Builtin, why);
    }
    let mut other_walker = Walker {
        client: walker.client,
        exec: &other,
        stop: walker.stop,
        observations: Default::default(),
        summaries: Vec::new(),
    };
    let walked = other_walker.walk(Some(REUSE_SIZE), None).await;
    let first_page = matches!(&walked.walk.end, WalkEnd::Failed { page: 1, .. });
    walker.observations.merge(other_walker.observations);
    walker.summaries.extend(other_walker.summaries);
    let finding = |actual: String| {
        Finding::new(
            CheckId::IdCaseRelations,
            "with the id in another letter case: DoesNotExistException at once, or the same items in the same order",
            actual,
        )
    };
    let answer = walked.last_answer.clone();
    let does_not_exist = answer == Some((400, Some(error_type::DOES_NOT_EXIST.to_owned())));
    let findings = match &walked.walk.end {
        WalkEnd::Failed { .. } if first_page && does_not_exist => {
            walker.observations.chose(EitherRule::KnownIdOtherCase, "DoesNotExistException");
            Vec::new()
        }
        WalkEnd::Failed { .. } if first_page && matches!(answer, Some((400..=499, None))) => {
            // A client error whose type cannot be read: the error-type rule broke first.
            let why =
                "the answer to the id in another letter case was an error without a readable __type (see error-type)";
            return CaseResult::skipped(unit, CheckId::IdCaseRelations, crate::source::Origin::Builtin, why);
        }
        WalkEnd::Complete => {
            walker.observations.chose(EitherRule::KnownIdOtherCase, "found");
            let items = walked.walk.items();
            if items == as_given {
                Vec::new()
            } else {
                let missing = as_given.iter().filter(|k| !items.contains(k)).count();
                let extra = items.iter().filter(|k| !as_given.contains(k)).count();
                vec![finding(format!(
                    "{other}: {} items ({missing} missing, {extra} extra{}) where {exec} gave {}",
                    items.len(),
                    if missing + extra == 0 { ", in another order" } else { "" },
                    as_given.len()
                ))]
            }
        }
        WalkEnd::Failed { page, summary } => vec![finding(format!("{other}: page {page} got {summary}"))],
        end => vec![finding(format!("{other}: the walk did not end ({end:?})"))],
    };
    let note = format!("{other}: {} pages", walked.walk.pages.len());
    CaseResult::builtin(unit, CheckId::IdCaseRelations, findings, note)
}
