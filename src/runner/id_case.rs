//! A relation that varies one dimension: the letter case of a known id (contract §3). With the
//! id in another case, the walk at `MaxResults` 10 is EITHER `DoesNotExistException` at once, or
//! the same items in the same order as the walk with the id as given: never found at first and
//! lost later, never a 5xx, never other items (the always-on checks read every page).

use super::relations::REUSE_SIZE;
use super::walker::Walker;
use crate::check::equivalence::{compare, Expected, Rejection, Verdict};
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
    walker.observations.merge(other_walker.observations);
    walker.summaries.extend(other_walker.summaries);
    let expected = Expected::SameItems(as_given);
    let rejection = Rejection::FirstPageAs(error_type::DOES_NOT_EXIST);
    let findings = match compare(expected, &walked.walk, walked.last_answer.as_ref(), rejection) {
        Verdict::Same => {
            walker.observations.chose(EitherRule::KnownIdOtherCase, "found");
            Vec::new()
        }
        Verdict::Rejected { error_type, .. } => {
            walker.observations.chose(EitherRule::KnownIdOtherCase, error_type);
            Vec::new()
        }
        Verdict::Unreadable(why) => {
            return CaseResult::skipped(unit, CheckId::IdCaseRelations, crate::source::Origin::Builtin, why);
        }
        Verdict::Broken(actual) => vec![Finding::new(
            CheckId::IdCaseRelations,
            "with the id in another letter case: DoesNotExistException at once, or the same items in the same order",
            format!("{other}: {actual}"),
        )],
    };
    let note = format!("{other}: {} pages", walked.walk.pages.len());
    CaseResult::builtin(unit, CheckId::IdCaseRelations, findings, note)
}
