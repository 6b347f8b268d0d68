//! A relation that varies one dimension: the letter case of a known id (contract §3). With the
//! id in another case (all upper or all lower, and mixed), the walk at `MaxResults` 10 is EITHER
//! `DoesNotExistException` at once, or the same items in the same order as the walk with the id as
//! given; and where the other case is found, the STATUS-filtered walk with it lists what the
//! filtered walk with the id as given lists. Never found at first and lost later, never a 5xx,
//! never other items (the always-on checks read every page).

use serde_json::Value;

use super::walker::{script_repro, WalkPlan, Walked, Walker, REUSE_SIZE};
use crate::check::equivalence::{compare, Expected, Rejection, Verdict};
use crate::check::CheckId;
use crate::contract::{error_type, EitherRule};
use crate::finding::{CaseResult, Finding};
use crate::source::Origin;

/// `id` in the other letter case: upper case if it has lower-case letters, else lower case.
fn other_case(id: &str) -> String {
    if id.chars().any(|c| c.is_ascii_lowercase()) {
        id.to_ascii_uppercase()
    } else {
        id.to_ascii_lowercase()
    }
}

/// `id` with its letters alternately upper and lower case (`aBcD…`).
fn mixed_case(id: &str) -> String {
    let mut upper = false;
    id.chars()
        .map(|c| {
            if !c.is_ascii_alphabetic() {
                return c;
            }
            upper = !upper;
            if upper {
                c.to_ascii_lowercase()
            } else {
                c.to_ascii_uppercase()
            }
        })
        .collect()
}

/// A STATUS-filtered walk with the id as given: its label, filter and items (at `MaxResults` 100).
pub(super) type FilteredWalk<'a> = (&'a str, &'a Value, &'a [String]);

/// What one spelling of the id showed: its findings (none when it behaved), a note, and a
/// script that takes its first broken walk again.
struct Spelling {
    findings: Vec<Finding>,
    note: String,
    repro: Option<String>,
}

/// The relation for the walker's execution; `as_given` is the item keys of its complete walk at
/// `MaxResults` 10, `filtered` a filtered walk to repeat with the other spellings if they are found.
pub(super) async fn relation(
    walker: &mut Walker<'_>,
    as_given: &[String],
    filtered: Option<FilteredWalk<'_>>,
) -> CaseResult {
    let exec = walker.exec.to_owned();
    let unit = format!("{} {exec}", CheckId::IdCaseRelations);
    let mut spellings: Vec<String> = vec![other_case(&exec), mixed_case(&exec)];
    spellings.retain(|s| *s != exec);
    spellings.dedup();
    if spellings.is_empty() {
        let why = "the id has no letters, so it has no other letter case";
        return CaseResult::skipped(unit, CheckId::IdCaseRelations, Origin::Builtin, why);
    }
    let mut findings = Vec::new();
    let mut notes = Vec::new();
    let mut repro = None;
    for other in &spellings {
        match spelling(walker, other, as_given, filtered).await {
            Ok(s) => {
                findings.extend(s.findings);
                notes.push(s.note);
                repro = repro.or(s.repro);
            }
            Err(why) => return CaseResult::skipped(unit, CheckId::IdCaseRelations, Origin::Builtin, why),
        }
    }
    CaseResult::builtin(unit, CheckId::IdCaseRelations, findings, notes.join("; ")).with_repro(repro)
}

/// Walks with the id spelt `other`: at `MaxResults` 10, and under the filter where found.
async fn spelling(
    walker: &mut Walker<'_>,
    other: &str,
    as_given: &[String],
    filtered: Option<FilteredWalk<'_>>,
) -> Result<Spelling, String> {
    let mut other_walker = Walker {
        client: walker.client,
        exec: other,
        stop: walker.stop,
        observations: Default::default(),
        summaries: Vec::new(),
        throttled: None,
        unfiltered_items: walker.unfiltered_items,
    };
    let walked = other_walker.walk(Some(REUSE_SIZE), None).await;
    if let Some(why) = other_walker.throttled.take() {
        walker.throttled.get_or_insert(why);
    }
    let rejection = Rejection::FirstPageAs(error_type::DOES_NOT_EXIST);
    let verdict = compare(Expected::SameItems(as_given), &walked.walk, walked.last_answer.as_ref(), rejection);
    let mut out =
        Spelling { findings: Vec::new(), note: format!("{other}: {} pages", walked.walk.pages.len()), repro: None };
    let client = walker.client;
    let script = |walked: &Walked| walked.script.as_ref().and_then(|s| script_repro(client, s, &walked.walk.label()));
    let finding = |expected: String, actual: String| {
        Finding::new(CheckId::IdCaseRelations, expected, format!("{other}: {actual}"))
    };
    match verdict {
        Verdict::Same => {
            walker.observations.chose(EitherRule::KnownIdOtherCase, "found");
            if let Some((label, filter, items)) = filtered {
                let sizes = [Some(crate::contract::MAX_RESULTS_MAX)];
                let plan = WalkPlan::plain(&sizes, Some((label, filter)));
                let walked = other_walker.walk_as(&plan).await;
                let v =
                    compare(Expected::SameItems(items), &walked.walk, walked.last_answer.as_ref(), Rejection::Never);
                if let Verdict::Broken(actual) = v {
                    let expected = format!("with the id found in another letter case, under {label}: the items the id as given lists under it, in the same order");
                    out.findings.push(finding(expected, actual));
                    out.repro = script(&walked);
                }
            }
        }
        Verdict::Rejected { error_type, .. } => {
            out.note = format!("{other}: {error_type}");
            walker.observations.chose(EitherRule::KnownIdOtherCase, error_type);
        }
        Verdict::Unreadable(why) => return Err(why),
        Verdict::Broken(actual) => {
            let expected = "with the id in another letter case: DoesNotExistException at once, or the same items in the same order";
            out.findings.push(finding(expected.to_owned(), actual));
            out.repro = script(&walked);
        }
    }
    walker.observations.merge(other_walker.observations);
    walker.summaries.extend(other_walker.summaries);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_differ_from_the_id_and_from_each_other() {
        let id = "0a1b2c3d-0000-4000-8000-00000000abcd";
        assert_eq!(other_case(id), id.to_ascii_uppercase());
        let mixed = mixed_case(id);
        assert_eq!(&mixed[..8], "0a1B2c3D");
        assert!(mixed != id && mixed != other_case(id) && mixed.eq_ignore_ascii_case(id));
        assert_eq!(mixed_case("01234567-0000-4000-8000-000000000000"), "01234567-0000-4000-8000-000000000000");
    }
}
