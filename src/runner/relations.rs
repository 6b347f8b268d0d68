//! Relations over many exchanges of one execution: pagination walks at several page sizes (every
//! item once, the same items in the same order, walks that end, a reused token giving the same
//! page) and STATUS filter listings compared with the full listing. Every exchange also goes
//! through the always-on checks, and every walk is bounded by `MAX_WALK_PAGES`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use super::walker::{Walker, REUSE_SIZE};
use crate::check::filters::{check_filters, FilteredListing};
use crate::check::pagination::{check_walks, compare_walks, PaginationWalk, TokenReuse, WalkEnd};
use crate::check::CheckId;
use crate::check::Observations;
use crate::contract::{self, input};
use crate::exit::StopFlag;
use crate::finding::{CaseResult, Finding, Outcome, WalkSummary, NOT_EVALUATED};
use crate::repro::WalkScript;
use crate::source::Origin;
use crate::transport::record::in_unit;
use crate::transport::Client;

/// The page sizes of the unfiltered walks: 100, 10, 11, a prime in between, absent, and 100
/// again (the order must be stable from walk to walk too).
const WALK_SIZES: [Option<i64>; 6] = [Some(100), Some(10), Some(11), Some(37), None, Some(100)];

/// What the relations of one execution found.
pub struct RelationOutcome {
    /// The `pagination-walk` and `filter-status` units.
    pub results: Vec<CaseResult>,
    /// Every walk taken.
    pub walks: Vec<WalkSummary>,
    /// Every exchange, for the always-on checks.
    pub observations: Observations,
}

/// The unfiltered walks at every size of `WALK_SIZES` (each sees the same items in the same
/// order), a reused token (the same page), and the first token of the walk at 10.
struct UnfilteredWalks {
    walks: Vec<PaginationWalk>,
    reuse: Option<TokenReuse>,
    /// The first walk's (at 100) items as (key, status).
    full: Vec<(String, String)>,
    ten_token: Option<String>,
    /// How to take each walk again, in `walks`' order (see [`WalkScript`]).
    scripts: Vec<Option<WalkScript>>,
}

impl UnfilteredWalks {
    /// A repro script for the walks' unit: the first walk that did not complete (where the
    /// harness stopped), else the first whose items differ from the first walk's (what the
    /// others are compared with), else the first.
    fn repro(&self, client: &Client) -> Option<String> {
        let incomplete = self.walks.iter().position(|w| w.end != WalkEnd::Complete);
        let first = self.walks.first()?.items();
        let differs = || self.walks.iter().position(|w| w.items() != first);
        let i = incomplete.or_else(differs).unwrap_or(0);
        super::walker::script_repro(client, self.scripts.get(i)?.as_ref()?, &self.walks[i].label())
    }
}

async fn pagination_walks(walker: &mut Walker<'_>) -> UnfilteredWalks {
    let mut out =
        UnfilteredWalks { walks: Vec::new(), reuse: None, full: Vec::new(), ten_token: None, scripts: Vec::new() };
    for (i, size) in WALK_SIZES.into_iter().enumerate() {
        let walked = walker.walk(size, None).await;
        if i == 0 {
            out.full = walked.items;
            if let Some(t) = &walked.first_token {
                walker.follow_with_size(t, contract::MAX_RESULTS_MIN).await;
            }
        }
        if size == Some(REUSE_SIZE) && walked.walk.pages.len() >= 2 {
            if let Some(t) = &walked.first_token {
                let second = walker.reuse(t, REUSE_SIZE).await;
                out.reuse = Some(TokenReuse { first: walked.walk.pages[1].clone(), second });
            }
        }
        if size == Some(REUSE_SIZE) && out.ten_token.is_none() {
            out.ten_token = walked.first_token;
        }
        out.scripts.push(walked.script);
        out.walks.push(walked.walk);
    }
    out
}

/// One filtered listing to take: its label, its filters, the statuses it must keep, and whether
/// a 4xx is an accepted answer (an EITHER rule).
struct FilterSpec {
    label: String,
    filters: Value,
    expected: BTreeSet<String>,
    client_error_allowed: bool,
}

/// The filter listings of an execution whose full listing is `full`: each status alone, two
/// values ORed, two filters ANDed, and `[]`. The OR and AND use the final statuses most frequent
/// in the data, so they compare non-empty sets of settled items wherever the data allows.
fn filter_specs(full: &[(String, String)]) -> (Vec<FilterSpec>, usize) {
    let mut by_count: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, s) in full {
        *by_count.entry(s.as_str()).or_insert(0) += 1;
    }
    let mut common: Vec<&str> = contract::FILTERABLE_STATUSES.to_vec();
    // Final statuses first: a task not yet final may move between walks (contract §8), and the
    // OR and AND listings must compare items that cannot.
    let live = |s: &str| contract::real_service::LIVE_STATUSES.contains(&s);
    common.sort_by_key(|s| (live(s), std::cmp::Reverse(by_count.get(s).copied().unwrap_or(0))));
    let (a, b, c) = (common[0], common[1], common[2]);
    let set = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<BTreeSet<String>>();
    let mut specs: Vec<FilterSpec> = contract::STATUSES
        .iter()
        .map(|s| FilterSpec {
            label: format!("STATUS in [{s}]"),
            filters: json!([status_filter(&[s])]),
            expected: set(&[s]),
            // A status the filter documentation does not list: a 4xx is accepted.
            client_error_allowed: !contract::is_filterable_status(s),
        })
        .collect();
    let or_index = specs.len();
    specs.push(FilterSpec {
        label: format!("STATUS in [{a}, {b}] (values ORed)"),
        filters: json!([status_filter(&[a, b])]),
        expected: set(&[a, b]),
        client_error_allowed: false,
    });
    specs.push(FilterSpec {
        label: format!("STATUS in [{a}, {b}] and STATUS in [{b}, {c}] (filters ANDed)"),
        filters: json!([status_filter(&[a, b]), status_filter(&[b, c])]),
        expected: set(&[b]),
        client_error_allowed: false,
    });
    specs.extend(equivalent_specs(a, b, c));
    specs.push(FilterSpec {
        label: "Filters [] (no filter)".to_owned(),
        filters: json!([]),
        // Every status: no filter keeps anything out, whatever a live task's status is by now.
        expected: contract::STATUSES.iter().map(|s| (*s).to_owned()).collect(),
        client_error_allowed: false,
    });
    (specs, or_index)
}

/// Listings that vary one dimension of a filter and must keep the same items (contract §3): the
/// values of one filter reordered or repeated, the filters themselves reordered. Each label says
/// which dimension it varies, so a finding says what broke.
fn equivalent_specs(a: &str, b: &str, c: &str) -> Vec<FilterSpec> {
    let set = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<BTreeSet<String>>();
    let spec = |label: String, filters: Value, expected: BTreeSet<String>| FilterSpec {
        label,
        filters,
        expected,
        client_error_allowed: false,
    };
    vec![
        spec(format!("STATUS in [{b}, {a}] (the values reordered)"), json!([status_filter(&[b, a])]), set(&[a, b])),
        spec(format!("STATUS in [{a}, {a}] (a value repeated)"), json!([status_filter(&[a, a])]), set(&[a])),
        spec(
            format!("STATUS in [{a}, {b}] twice (one filter as two identical filters)"),
            json!([status_filter(&[a, b]), status_filter(&[a, b])]),
            set(&[a, b]),
        ),
        spec(
            format!("STATUS in [{b}, {c}] and STATUS in [{a}, {b}] (the filters reordered)"),
            json!([status_filter(&[b, c]), status_filter(&[a, b])]),
            set(&[b]),
        ),
    ]
}

fn status_filter(values: &[&str]) -> Value {
    json!({ input::FILTER_KEY: contract::STATUS_FILTER_KEY, input::FILTER_VALUES: values })
}

/// The filtered listings, and the walks under the OR filter (at 100, 10 and 11), which obey the
/// pagination rules too.
struct FilterWalks {
    listings: Vec<FilteredListing>,
    or_walks: Vec<PaginationWalk>,
    /// The OR filter's label and JSON, and the first token of its walk at 10.
    or_filter: (String, Value, Option<String>),
    /// The items of the OR filter's listing at 100, when it completed.
    or_items: Option<Vec<String>>,
    /// How to take each listing's walk again, in `listings`' order.
    scripts: Vec<Option<WalkScript>>,
}

impl FilterWalks {
    /// A repro script for the filter relation: the walk of the first listing that breaks the
    /// filter rule on its own (`full` is the unfiltered listing it is compared with).
    fn repro(&self, client: &Client, full: &[(String, String)]) -> Option<String> {
        let i = (0..self.listings.len()).find(|&i| !check_filters(full, &self.listings[i..=i]).0.is_empty())?;
        super::walker::script_repro(client, self.scripts.get(i)?.as_ref()?, &self.listings[i].label)
    }
}

/// Takes every filtered listing.
async fn filter_listings(walker: &mut Walker<'_>, full: &[(String, String)]) -> FilterWalks {
    let (specs, or_index) = filter_specs(full);
    let mut listings = Vec::new();
    let mut or_walks = Vec::new();
    let mut scripts = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        let walked = walker.walk(Some(contract::MAX_RESULTS_MAX), Some((&spec.label, &spec.filters))).await;
        scripts.push(walked.script);
        let items = match &walked.walk.end {
            WalkEnd::Complete => Ok(walked.items),
            WalkEnd::Failed { summary, .. } => Err(summary.clone()),
            other => Err(format!("a walk that did not end ({other:?})")),
        };
        if i == or_index {
            or_walks.push(walked.walk);
        }
        listings.push(FilteredListing {
            label: spec.label.clone(),
            expected_statuses: spec.expected.clone(),
            items,
            client_error_allowed: spec.client_error_allowed,
        });
    }
    let or = &specs[or_index];
    let mut or_token = None;
    for size in [Some(REUSE_SIZE), Some(11)] {
        let walked = walker.walk(size, Some((&or.label, &or.filters))).await;
        if size == Some(REUSE_SIZE) {
            or_token = walked.first_token; // the token-cross-use relation's, issued at 10
        }
        or_walks.push(walked.walk);
    }
    let or_items = listings[or_index].items.as_ref().ok().map(|items| items.iter().map(|(k, _)| k.clone()).collect());
    FilterWalks { listings, or_walks, or_filter: (or.label.clone(), or.filters.clone(), or_token), or_items, scripts }
}

/// The checks the relations of an execution report under.
pub(super) fn checks() -> impl Iterator<Item = CheckId> {
    [CheckId::PaginationWalk, CheckId::FilterStatus, CheckId::IdCaseRelations].into_iter().chain(super::varied::CHECKS)
}

/// The units every relation of one execution reports under, skipped for `why` (the run was
/// interrupted, or a request was throttled on every attempt).
fn skipped_all(exec: &str, why: &str) -> Vec<CaseResult> {
    checks().map(|check| CaseResult::skipped(format!("{check} {exec}"), check, Origin::Builtin, why)).collect()
}

/// The pagination and filter relations for one execution, and those that vary one dimension of
/// its walks (`id_case.rs`, `varied.rs`).
pub async fn relations(client: &Client, exec: String, stop: &StopFlag) -> RelationOutcome {
    let observations = Observations::default();
    let mut walker = Walker {
        client,
        exec: &exec,
        stop,
        observations,
        summaries: Vec::new(),
        throttled: None,
        unfiltered_items: None,
    };
    // Each relation's exchanges are recorded under the unit it reports as (`--record`).
    let unit = |check: CheckId| format!("{check} {exec}");
    let plain = in_unit(unit(CheckId::PaginationWalk), pagination_walks(&mut walker)).await;
    let mut walk_findings = check_walks(&plain.walks, plain.reuse.as_ref());
    if plain.walks[0].end == WalkEnd::Complete {
        walker.unfiltered_items = Some(plain.full.len());
    }
    let filtered = in_unit(unit(CheckId::FilterStatus), filter_listings(&mut walker, &plain.full)).await;
    walk_findings.extend(check_filtered_walks(&filtered.or_walks, &plain.full));
    let walk_unit = walk_result(&exec, &walker, &plain, walk_findings);
    let walk_unit = if walk_unit.outcome.fails() { walk_unit.with_repro(plain.repro(client)) } else { walk_unit };
    let filter_repro = filtered.repro(client, &plain.full);
    let filter_unit = filter_result(&exec, &plain, filtered.listings);
    let filter_unit = if filter_unit.outcome.fails() { filter_unit.with_repro(filter_repro) } else { filter_unit };
    let mut results = vec![walk_unit, filter_unit];
    let by_ten = plain.walks.iter().find(|w| w.page_size == Some(REUSE_SIZE) && w.varied.is_none());
    let absent = plain.walks.iter().find(|w| w.page_size.is_none());
    if let (Some(by_ten), Some(absent), false) = (by_ten, absent, stop.is_set()) {
        let (label, filter, token) = &filtered.or_filter;
        let or_walk = filtered.or_items.as_deref().map(|items| (label.as_str(), filter, items));
        results.push(in_unit(unit(CheckId::IdCaseRelations), id_case_result(&mut walker, by_ten, or_walk)).await);
        let walks = super::varied::PlainWalks::new(
            &plain.walks[0],
            (by_ten, plain.ten_token.as_deref()),
            absent,
            (label, filter, token.as_deref()),
        );
        results.extend(super::varied::relations(&mut walker, &walks).await);
    }
    if stop.is_set() {
        results = skipped_all(&exec, crate::exit::UNIT_INTERRUPTED);
    } else if let Some(why) = &walker.throttled {
        // A walk that lost a page to throttling compares a part with a whole: nothing here is
        // judged (the exchanges that did come back still pass the always-on checks).
        results = skipped_all(&exec, &format!("{NOT_EVALUATED}{why}"));
    }
    // A relation compares many exchanges; the request that starts its first walk is where a
    // person retracing it begins.
    let first_page = client.repro(&crate::request::page_request(&exec, WALK_SIZES[0], None, None));
    for r in results.iter_mut().filter(|r| r.repro.is_none() && !matches!(r.outcome, Outcome::Skipped(_))) {
        r.repro = Some(first_page.clone());
    }
    RelationOutcome { results, walks: walker.summaries, observations: walker.observations }
}

/// The filtered walks' findings: each walk on its own, and the walks compared with each other by
/// their settled items — a task whose status was not final may enter or leave a filter between
/// walks (contract §8), so only the others must be the same in every walk.
fn check_filtered_walks(walks: &[PaginationWalk], full: &[(String, String)]) -> Vec<Finding> {
    let live: BTreeSet<&String> = full
        .iter()
        .filter(|(_, s)| contract::real_service::LIVE_STATUSES.contains(&s.as_str()))
        .map(|(k, _)| k)
        .collect();
    let mut out: Vec<Finding> = walks.iter().flat_map(|w| check_walks(std::slice::from_ref(w), None)).collect();
    let settled: Vec<PaginationWalk> = walks
        .iter()
        .filter(|w| w.end == WalkEnd::Complete)
        .map(|w| PaginationWalk {
            pages: w.pages.iter().map(|p| p.iter().filter(|k| !live.contains(k)).cloned().collect()).collect(),
            ..w.clone()
        })
        .collect();
    out.extend(compare_walks(&settled.iter().collect::<Vec<_>>()));
    out
}

fn walk_result(exec: &str, walker: &Walker<'_>, plain: &UnfilteredWalks, findings: Vec<Finding>) -> CaseResult {
    let walk_note = walker
        .summaries
        .iter()
        .filter(|s| s.varied.is_none())
        .map(|s| format!("{}: {} pages", s.label(), s.pages))
        .collect::<Vec<_>>()
        .join(", ");
    let unit = format!("{} {exec}", CheckId::PaginationWalk);
    CaseResult::builtin(unit, CheckId::PaginationWalk, findings, format!("{} items; {walk_note}", plain.full.len()))
}

fn filter_result(exec: &str, plain: &UnfilteredWalks, listings: Vec<FilteredListing>) -> CaseResult {
    let unit = format!("{} {exec}", CheckId::FilterStatus);
    if plain.walks[0].end == WalkEnd::Complete {
        let (findings, excused) = check_filters(&plain.full, &listings);
        let note = match excused {
            0 => format!("{} filtered listings", listings.len()),
            n => format!(
                "{} filtered listings; the execution was live: {n} tasks in a non-final status moved between walks (their statuses not compared, contract §8)",
                listings.len()
            ),
        };
        CaseResult::builtin(unit, CheckId::FilterStatus, findings, note)
    } else {
        // Without a full listing there is nothing to compare with: never a pass.
        let why = "the unfiltered walk the filtered listings are compared with did not complete (see pagination-walk)";
        CaseResult::skipped(unit, CheckId::FilterStatus, Origin::Builtin, why)
    }
}

async fn id_case_result(
    walker: &mut Walker<'_>,
    by_ten: &PaginationWalk,
    filtered: Option<super::id_case::FilteredWalk<'_>>,
) -> CaseResult {
    if by_ten.end == WalkEnd::Complete {
        return super::id_case::relation(walker, &by_ten.items(), filtered).await;
    }
    let why = "the walk it is compared with (MaxResults 10, the id as given) did not complete";
    let unit = format!("{} {}", CheckId::IdCaseRelations, walker.exec);
    CaseResult::skipped(unit, CheckId::IdCaseRelations, Origin::Builtin, why)
}
