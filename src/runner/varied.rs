//! Relations that vary exactly one dimension of a plain walk the endpoint already answered, and
//! state what must stay the same (contract §§1, 2, 5). Each relation reports under its own check
//! id, and the reference's fault catalogue holds a fault that breaks only it:
//!
//! | check | varies | must stay the same | fault |
//! |---|---|---|---|
//! | `page-size-switch` | `MaxResults` between pages (100, 10, 11, 37, 100 / 10, 37, 11, 100) | the items and their order, or a 400 where the size changed | `token-counts-pages` |
//! | `max-results-encodings` | `MaxResults` written `1e1`, `10.0`, `1E2` | the pages, or a 400 on page 1 | `integral-float-first-page-only` |
//! | `member-encodings` | `null` members, `Filters: []`, an unknown member beside valid ones | the pages (an unknown member may be refused on page 1) | `unknown-member-drops-token` |
//! | `token-cross-use` | a token carried into a listing with other filters | a walk that ends, each item once, within the execution, or a 400 on page 1 | `foreign-token-restarts` |
//!
//! The id's letter case is the same kind of relation, in `id_case.rs` (fault `id-case-ignores-filters`). Adding one: a function
//! here that walks with a [`WalkPlan`] and judges with `check::equivalence::compare`, a check id,
//! a fault, and a line in the table above.

use std::collections::BTreeSet;

use serde_json::Value;

use super::walker::{script_repro, StartToken, WalkPlan, Walker, Writing};
use crate::check::equivalence::{compare, Expected, Rejection, Verdict};
use crate::check::pagination::{PaginationWalk, WalkEnd};
use crate::check::CheckId;
use crate::contract::{self, input, EitherRule};
use crate::finding::{CaseResult, Finding};
use crate::source::Origin;

/// The plain walks of one execution the varied walks are compared with.
pub(super) struct PlainWalks<'a> {
    /// The unfiltered walk at `MaxResults` 100.
    pub(super) by_hundred: &'a PaginationWalk,
    /// The unfiltered walk at `MaxResults` 10, and its first `NextToken`.
    pub(super) by_ten: (&'a PaginationWalk, Option<&'a str>),
    /// The unfiltered walk with `MaxResults` absent.
    pub(super) absent: &'a PaginationWalk,
    /// A STATUS filter (label, JSON) and the first `NextToken` of its walk at `MaxResults` 10.
    pub(super) filtered: (&'a str, &'a Value, Option<&'a str>),
    /// The items of the walk at 100, in order.
    hundred_items: Vec<String>,
    /// The same items as a set.
    all_items: BTreeSet<String>,
}

impl<'a> PlainWalks<'a> {
    /// The plain walks: at 100, at 10 (with its first token), with `MaxResults` absent, and the
    /// filtered walk at 10's label, filter and first token.
    pub(super) fn new(
        by_hundred: &'a PaginationWalk,
        by_ten: (&'a PaginationWalk, Option<&'a str>),
        absent: &'a PaginationWalk,
        filtered: (&'a str, &'a Value, Option<&'a str>),
    ) -> PlainWalks<'a> {
        let hundred_items = by_hundred.items();
        let all_items = hundred_items.iter().cloned().collect();
        PlainWalks { by_hundred, by_ten, absent, filtered, hundred_items, all_items }
    }
}

/// The check ids of the relations here, for units skipped before they ran.
pub(super) const CHECKS: [CheckId; 4] =
    [CheckId::PageSizeSwitch, CheckId::MaxResultsEncodings, CheckId::MemberEncodings, CheckId::TokenCrossUse];

/// One varied walk to take: what it varies, how, what it must show, and where a refusal is an
/// accepted answer (with the EITHER rule that refusal answers).
struct Variation<'p> {
    plan: WalkPlan<'p>,
    expected: Expected<'p>,
    rejection: Rejection,
    rule: Option<EitherRule>,
    /// The pages a completed varied walk needs before it has varied anything (a size switch
    /// happens on page 2).
    needs_pages: usize,
}

impl<'p> Variation<'p> {
    /// A walk that must show the plain walk's pages exactly: only how the request is written
    /// changed, so a refusal is never an accepted answer.
    fn same_pages(plan: WalkPlan<'p>, pages: &'p [Vec<String>]) -> Variation<'p> {
        Variation {
            plan,
            expected: Expected::SamePages(pages),
            rejection: Rejection::Never,
            rule: None,
            needs_pages: 1,
        }
    }
}

/// A plain walk at `sizes` with one dimension varied: `writing`, described as `label`.
fn varied_plan<'p>(sizes: &'p [Option<i64>], writing: Writing, label: &'p str) -> WalkPlan<'p> {
    WalkPlan { writing, varies: Some(label), ..WalkPlan::plain(sizes, None) }
}

/// Every relation of this module that applies to the walker's execution (one with no second
/// page has no token to carry: that relation is left out for it, see [`NOT_APPLICABLE`]).
pub(super) async fn relations(walker: &mut Walker<'_>, plain: &PlainWalks<'_>) -> Vec<CaseResult> {
    let mut results = Vec::new();
    for check in CHECKS {
        let result = match variations(check, plain) {
            Ok(variations) if variations.is_empty() => continue,
            // Recorded (`--record`) under the unit it reports as.
            Ok(variations) => {
                let unit = format!("{check} {}", walker.exec);
                crate::transport::record::in_unit(unit, compare_variations(walker, check, &variations)).await
            }
            Err(why) => skipped(walker.exec, check, why),
        };
        results.push(result);
    }
    results
}

/// Why a relation has no unit when no execution has a walk it applies to.
pub(super) const NOT_APPLICABLE: &str =
    "no execution given has more than 10 tasks, so no walk at MaxResults 10 has a token to vary";

fn skipped(exec: &str, check: CheckId, why: impl Into<String>) -> CaseResult {
    CaseResult::skipped(format!("{check} {exec}"), check, Origin::Builtin, why)
}

/// The pages of `walk` when it completed; else why nothing can be compared with it.
fn complete<'w>(walk: &'w PaginationWalk, what: &str) -> Result<&'w [Vec<String>], String> {
    match walk.end {
        WalkEnd::Complete => Ok(&walk.pages),
        _ => Err(format!("the plain walk it is compared with ({what}) did not complete (see pagination-walk)")),
    }
}

const SWITCH_SIZES: [&[Option<i64>]; 2] =
    [&[Some(100), Some(10), Some(11), Some(37), Some(100)], &[Some(10), Some(37), Some(11), Some(100)]];
const SWITCH_LABELS: [&str; 2] =
    ["MaxResults 100, 10, 11, 37, 100 page by page", "MaxResults 10, 37, 11, 100 page by page"];

/// The varied walks of one relation, or why the relation cannot run.
fn variations<'p>(check: CheckId, plain: &'p PlainWalks<'p>) -> Result<Vec<Variation<'p>>, String> {
    let ten = complete(plain.by_ten.0, "MaxResults 10")?;
    let varies = varied_plan;
    Ok(match check {
        CheckId::PageSizeSwitch => {
            complete(plain.by_hundred, "MaxResults 100")?;
            let items = &plain.hundred_items;
            if items.len() <= contract::MAX_RESULTS_MIN as usize {
                return Ok(Vec::new()); // one page at every size: nothing to switch
            }
            (0..2)
                .map(|i| Variation {
                    plan: varies(SWITCH_SIZES[i], Writing::Plain, SWITCH_LABELS[i]),
                    expected: Expected::SameItems(items),
                    rejection: Rejection::AnyPage,
                    rule: Some(EitherRule::TokenOtherPageSize),
                    needs_pages: 2,
                })
                .collect()
        }
        CheckId::MaxResultsEncodings => {
            let hundred = complete(plain.by_hundred, "MaxResults 100")?;
            let float = |plan, pages| Variation {
                rejection: Rejection::FirstPage,
                rule: Some(EitherRule::IntegralFloat),
                ..Variation::same_pages(plan, pages)
            };
            vec![
                float(varies(&[Some(10)], Writing::MaxResultsAs("1e1"), "MaxResults written 1e1"), ten),
                float(varies(&[Some(10)], Writing::MaxResultsAs("10.0"), "MaxResults written 10.0"), ten),
                float(varies(&[Some(100)], Writing::MaxResultsAs("1E2"), "MaxResults written 1E2"), hundred),
            ]
        }
        CheckId::MemberEncodings => member_variations(plain, ten)?,
        _ => token_variations(plain)?,
    })
}

const TEN: &[Option<i64>] = &[Some(10)];
const ABSENT: &[Option<i64>] = &[None];

/// Absent vs `null` vs the default, and an unknown member beside valid ones (§1, §3).
fn member_variations<'p>(plain: &'p PlainWalks<'p>, ten: &'p [Vec<String>]) -> Result<Vec<Variation<'p>>, String> {
    let absent = complete(plain.absent, "MaxResults absent")?;
    let beside = |sizes, member, text, label| varied_plan(sizes, Writing::Beside(member, text), label);
    let same = Variation::same_pages;
    Ok(vec![
        same(beside(TEN, input::FILTERS, "null", "\"Filters\": null"), ten),
        same(beside(TEN, input::FILTERS, "[]", "\"Filters\": []"), ten),
        same(beside(TEN, input::NEXT_TOKEN, "null", "\"NextToken\": null on page 1"), ten),
        same(beside(ABSENT, input::MAX_RESULTS, "null", "\"MaxResults\": null"), absent),
        Variation {
            rejection: Rejection::FirstPage,
            rule: Some(EitherRule::UnknownMembers),
            ..same(beside(TEN, UNKNOWN_MEMBER, "\"ssm-conform\"", "an unknown member beside valid ones"), ten)
        },
    ])
}

/// The unknown member the relation sends: no operation of SSM's model has it.
const UNKNOWN_MEMBER: &str = "SsmConformUnknownMember";

/// A token carried into a listing with other filters (§5): a 400 on page 1, or a consistent
/// walk — it ends, no item twice, every item the execution's.
fn token_variations<'p>(plain: &'p PlainWalks<'p>) -> Result<Vec<Variation<'p>>, String> {
    complete(plain.by_hundred, "MaxResults 100")?;
    let all = &plain.all_items;
    let (label, filter, filtered_token) = plain.filtered;
    let mut out = Vec::new();
    // Each token was issued on the first page of a walk at `MaxResults` 10.
    let carried = |token, issued_under, filter, varies| Variation {
        plan: WalkPlan {
            start: Some(StartToken { token, issued_at: TEN[0], issued_under }),
            varies: Some(varies),
            ..WalkPlan::plain(TEN, filter)
        },
        expected: Expected::Within(all),
        rejection: Rejection::FirstPage,
        rule: Some(EitherRule::ForeignToken),
        needs_pages: 1,
    };
    if let Some(t) = plain.by_ten.1 {
        let varies = "a token of the unfiltered walk followed under a STATUS filter";
        out.push(carried(t, None, Some((label, filter)), varies));
    }
    if let Some(t) = filtered_token {
        out.push(carried(t, Some(filter), None, "a token of a STATUS-filtered walk followed without the filter"));
    }
    Ok(out)
}

/// Takes each varied walk and judges it; one unit per relation.
async fn compare_variations(walker: &mut Walker<'_>, check: CheckId, variations: &[Variation<'_>]) -> CaseResult {
    let exec = walker.exec.to_owned();
    let mut findings = Vec::new();
    let mut notes = Vec::new();
    let mut compared = 0;
    // The first broken walk, taken again by a script where its pages allow (see `WalkScript`).
    let mut repro = None;
    for v in variations {
        let walked = walker.walk_as(&v.plan).await;
        let varies = v.plan.varies.unwrap_or("a plain walk");
        if walked.walk.end == WalkEnd::Complete && walked.walk.pages.len() < v.needs_pages {
            notes.push(format!("{varies}: not compared, the walk ended before it varied anything"));
            continue;
        }
        match compare(v.expected, &walked.walk, walked.last_answer.as_ref(), v.rejection) {
            Verdict::Same => {
                compared += 1;
                if let Some(rule) = v.rule {
                    walker.observations.chose(rule, accepted_label(rule));
                }
            }
            Verdict::Rejected { page, error_type } => {
                compared += 1;
                if let Some(rule) = v.rule {
                    walker.observations.chose(rule, format!("a 400 {error_type}"));
                }
                notes.push(format!("{varies}: page {page} refused ({error_type})"));
            }
            Verdict::Unreadable(why) => notes.push(format!("{varies}: not compared, {why}")),
            Verdict::Broken(actual) => {
                compared += 1;
                findings.push(Finding::new(check, format!("{varies}: {}", promise(v.expected)), actual));
                if repro.is_none() {
                    let client = walker.client;
                    repro = walked.script.as_ref().and_then(|s| script_repro(client, s, &walked.walk.label()));
                }
            }
        }
    }
    let unit = format!("{check} {exec}");
    if compared == 0 {
        return CaseResult::skipped(unit, check, Origin::Builtin, notes.join("; "));
    }
    let mut note = format!("{compared} of {} varied walks compared", variations.len());
    for n in notes {
        note.push_str("; ");
        note.push_str(&n);
    }
    CaseResult::builtin(unit, check, findings, note).with_repro(repro)
}

/// What a varied walk must show, in a finding's words.
fn promise(expected: Expected<'_>) -> &'static str {
    match expected {
        Expected::SamePages(_) => "the same pages as the plain walk",
        Expected::SameItems(_) => "every item once, in the plain walk's order",
        Expected::Within(_) => "a walk that ends, each item once, every item the execution's",
    }
}

/// How the choices list the alternative that is not a refusal.
fn accepted_label(rule: EitherRule) -> &'static str {
    match rule {
        EitherRule::IntegralFloat => "read as the integer",
        EitherRule::UnknownMembers => "ignored",
        EitherRule::ForeignToken => "a consistent answer",
        _ => "the walk goes on",
    }
}
