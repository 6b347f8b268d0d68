//! Relations over many exchanges of one execution: pagination walks at several page sizes (every
//! item once, the same items in the same order, walks that end, a reused token giving the same
//! page) and STATUS filter listings compared with the full listing. Every exchange also goes
//! through the always-on checks, and every walk is bounded by `MAX_WALK_PAGES`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};
use sha2::Digest as _;

use super::observe::Observations;
use super::probe::page_request;
use super::stop::StopFlag;
use crate::check::filters::{check_filters, FilteredListing};
use crate::check::pagination::{check_walks, PaginationWalk, TokenReuse, WalkEnd, MAX_WALK_ITEMS, MAX_WALK_PAGES};
use crate::check::CheckId;
use crate::contract::{self, input, output, EitherRule};
use crate::finding::{CaseResult, WalkSummary};
use crate::response::{ErrorShape, Page, WireResponse};
use crate::source::Origin;
use crate::transport::Client;

/// The page sizes of the unfiltered walks: 100, 10, 11, a prime in between, absent, and 100
/// again (the order must be stable from walk to walk too).
const WALK_SIZES: [Option<i64>; 6] = [Some(100), Some(10), Some(11), Some(37), None, Some(100)];

/// The page size of the walk whose token is reused.
pub(super) const REUSE_SIZE: i64 = 10;

/// What the relations of one execution found.
pub struct RelationOutcome {
    /// The `pagination-walk` and `filter-status` units.
    pub results: Vec<CaseResult>,
    /// Every walk taken.
    pub walks: Vec<WalkSummary>,
    /// Every exchange, for the always-on checks.
    pub observations: Observations,
}

/// One walk: the walk itself, its items as (key, status), and the first `NextToken` it saw.
pub(super) struct Walked {
    pub(super) walk: PaginationWalk,
    pub(super) items: Vec<(String, String)>,
    pub(super) first_token: Option<String>,
    /// The last answer's status and resolved error type (how a failed walk failed).
    pub(super) last_answer: Option<(u16, Option<String>)>,
}

/// The longest text a walk keeps as it came: longer keys, statuses and tokens are kept as a
/// digest, so what a walk keeps is bounded by its item count, whatever the endpoint sends.
const KEPT_TEXT_MAX: usize = 64;

/// `text` as a walk keeps it: itself when short, else a digest that tells it apart.
fn bounded(text: &str) -> String {
    if text.len() <= KEPT_TEXT_MAX {
        return text.to_owned();
    }
    let digest = sha2::Sha256::digest(text.as_bytes());
    let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
    format!("{}…#{hex}", text.chars().take(16).collect::<String>())
}

/// The key an item is known by in walks: its `TaskExecutionId`, or its JSON text (bounded).
fn item_key(item: &Value) -> String {
    match item.get(output::TASK_EXECUTION_ID).and_then(Value::as_str) {
        Some(id) => bounded(id),
        None => bounded(&item.to_string()),
    }
}

fn item_status(item: &Value) -> String {
    bounded(item.get(output::STATUS).and_then(Value::as_str).unwrap_or(""))
}

fn status_filter(values: &[&str]) -> Value {
    json!({ input::FILTER_KEY: contract::STATUS_FILTER_KEY, input::FILTER_VALUES: values })
}

/// Walks one execution's listings, recording every exchange for the always-on checks.
pub(super) struct Walker<'a> {
    pub(super) client: &'a Client,
    pub(super) exec: &'a str,
    pub(super) stop: &'a StopFlag,
    pub(super) observations: Observations,
    pub(super) summaries: Vec<WalkSummary>,
}

/// A walk in progress.
#[derive(Default)]
struct WalkState {
    pages: Vec<Vec<String>>,
    items: Vec<(String, String)>,
    /// The tokens followed, bounded: a repeated token is found without keeping every token.
    followed: BTreeSet<String>,
    first_token: Option<String>,
}

impl Walker<'_> {
    /// Walks every page at `size`, under `filter` (its label and its JSON) if given.
    pub(super) async fn walk(&mut self, size: Option<i64>, filter: Option<(&str, &Value)>) -> Walked {
        let mut state = WalkState::default();
        let mut token: Option<String> = None;
        let mut last_answer = None;
        let size_label = size.map_or("MaxResults absent".to_owned(), |n| format!("MaxResults {n}"));
        let end = loop {
            if self.stop.is_set() {
                break WalkEnd::Interrupted;
            }
            let page_no = state.pages.len() + 1;
            let req = page_request(self.exec, size, filter.map(|f| f.1), token.as_deref());
            let resp = match self.client.send(&req).await {
                Ok(r) => r,
                Err(e) => break WalkEnd::Failed { page: page_no, summary: e.to_string() },
            };
            let at = format!("walk of {} with {size_label}, page {page_no}", self.exec);
            self.observations.record(self.client, &at, &req, &resp);
            last_answer = Some((resp.status, ErrorShape::of(&resp).resolved_type));
            match self.take_page(&mut state, size, &resp) {
                Ok(Some(next)) => token = Some(next),
                Ok(None) => break WalkEnd::Complete,
                Err(end) => break end,
            }
        };
        let walk = PaginationWalk { page_size: size, filter: filter.map(|f| f.0.to_owned()), pages: state.pages, end };
        self.summaries.push(WalkSummary {
            execution_id: self.exec.to_owned(),
            page_size: size,
            filter: walk.filter.clone(),
            pages: walk.pages.len(),
            items: state.items.len(),
        });
        Walked { walk, items: state.items, first_token: state.first_token, last_answer }
    }

    /// Takes one page into the walk: the token to follow next, `None` at the end, or why the
    /// walk stops here.
    fn take_page(
        &mut self,
        state: &mut WalkState,
        size: Option<i64>,
        resp: &WireResponse,
    ) -> Result<Option<String>, WalkEnd> {
        let page_no = state.pages.len() + 1;
        if resp.status != 200 {
            return Err(WalkEnd::Failed { page: page_no, summary: resp.summary() });
        }
        let page = Page::of(resp).map_err(|why| WalkEnd::Failed { page: page_no, summary: why })?;
        let keys: Vec<String> = page.items.iter().map(item_key).collect();
        if size.is_none() && state.pages.is_empty() && page.next_token.is_some() {
            self.observations.chose(EitherRule::DefaultPageSize, format!("{} items", keys.len()));
        }
        if page.next_token.is_none() {
            let form = match resp.json().ok().as_ref().and_then(|v| v.get(output::NEXT_TOKEN)) {
                None => "absent",
                Some(Value::Null) => "null",
                Some(_) => "\"\"",
            };
            self.observations.chose(EitherRule::LastPageToken, form);
            if keys.is_empty() && !state.pages.is_empty() {
                self.observations.chose(EitherRule::TrailingEmptyPage, "yes");
            }
        }
        if state.items.len() + keys.len() > MAX_WALK_ITEMS {
            return Err(WalkEnd::ItemLimit { items: state.items.len() + keys.len() });
        }
        state.items.extend(page.items.iter().map(|i| (item_key(i), item_status(i))));
        let repeated = !keys.is_empty() && state.pages.last() == Some(&keys);
        state.pages.push(keys);
        if repeated {
            return Err(WalkEnd::PageRepeated { page: page_no });
        }
        let Some(t) = page.next_token else { return Ok(None) };
        state.first_token.get_or_insert_with(|| t.clone());
        if !state.followed.insert(bounded(&t)) {
            return Err(WalkEnd::TokenRepeated { page: page_no });
        }
        if state.pages.len() >= MAX_WALK_PAGES {
            return Err(WalkEnd::PageLimit { pages: state.pages.len() });
        }
        Ok(Some(t))
    }

    /// Follows `token` with another page size than the page that issued it: EITHER the walk goes
    /// on or a 400 client error; the page never holds more than the new size (the always-on
    /// page-size check reads the exchange).
    async fn follow_with_size(&mut self, token: &str, size: i64) {
        let req = page_request(self.exec, Some(size), None, Some(token));
        if let Ok(resp) = self.client.send(&req).await {
            let at = format!(
                "a token of {} from a page of {} followed with MaxResults {size}",
                self.exec,
                contract::MAX_RESULTS_MAX
            );
            self.observations.record(self.client, &at, &req, &resp);
        }
    }

    /// Follows `token` once more and returns that page's item keys.
    async fn reuse(&mut self, token: &str) -> Result<Vec<String>, String> {
        let req = page_request(self.exec, Some(REUSE_SIZE), None, Some(token));
        let resp = self.client.send(&req).await.map_err(|e| e.to_string())?;
        let at = format!("reuse of a token of {}", self.exec);
        self.observations.record(self.client, &at, &req, &resp);
        match Page::of(&resp) {
            Ok(p) if resp.status == 200 => Ok(p.items.iter().map(item_key).collect()),
            _ => Err(resp.summary()),
        }
    }
}

/// The unfiltered walks: every size sees the same items in the same order; a reused token gives
/// the same page. Returns the walks, the reuse, and the first (full) walk's items.
async fn pagination_walks(walker: &mut Walker<'_>) -> (Vec<PaginationWalk>, Option<TokenReuse>, Vec<(String, String)>) {
    let mut walks = Vec::new();
    let mut full = Vec::new();
    let mut reuse = None;
    for (i, size) in WALK_SIZES.into_iter().enumerate() {
        let walked = walker.walk(size, None).await;
        if i == 0 {
            full = walked.items;
            if let Some(t) = &walked.first_token {
                walker.follow_with_size(t, contract::MAX_RESULTS_MIN).await;
            }
        }
        if size == Some(REUSE_SIZE) && walked.walk.pages.len() >= 2 {
            if let Some(t) = walked.first_token {
                let second = walker.reuse(&t).await;
                reuse = Some(TokenReuse { first: walked.walk.pages[1].clone(), second });
            }
        }
        walks.push(walked.walk);
    }
    (walks, reuse, full)
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
/// values ORed, two filters ANDed, and `[]`. The OR and AND use the filterable statuses most
/// frequent in the data, so they compare non-empty sets wherever the data allows.
fn filter_specs(full: &[(String, String)]) -> (Vec<FilterSpec>, usize) {
    let mut by_count: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, s) in full {
        *by_count.entry(s.as_str()).or_insert(0) += 1;
    }
    let mut common: Vec<&str> = contract::FILTERABLE_STATUSES.to_vec();
    common.sort_by_key(|s| std::cmp::Reverse(by_count.get(s).copied().unwrap_or(0)));
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
        expected: full.iter().map(|(_, s)| s.clone()).collect(),
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
            format!("STATUS in [{b}, {c}] and STATUS in [{a}, {b}] (the filters reordered)"),
            json!([status_filter(&[b, c]), status_filter(&[a, b])]),
            set(&[b]),
        ),
    ]
}

/// Takes every filtered listing; returns them and the walks under the OR filter (at 100, 10
/// and 11), which obey the pagination rules too.
async fn filter_listings(
    walker: &mut Walker<'_>,
    full: &[(String, String)],
) -> (Vec<FilteredListing>, Vec<PaginationWalk>) {
    let (specs, or_index) = filter_specs(full);
    let mut listings = Vec::new();
    let mut or_walks = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        let walked = walker.walk(Some(contract::MAX_RESULTS_MAX), Some((&spec.label, &spec.filters))).await;
        let items = match &walked.walk.end {
            WalkEnd::Complete => Ok(walked.items.into_iter().map(|(k, _)| k).collect()),
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
    for size in [Some(10), Some(11)] {
        or_walks.push(walker.walk(size, Some((&or.label, &or.filters))).await.walk);
    }
    (listings, or_walks)
}

/// The pagination and filter relations for one execution.
pub async fn relations(client: &Client, exec: String, stop: &StopFlag) -> RelationOutcome {
    let observations = Observations::default();
    let mut walker = Walker { client, exec: &exec, stop, observations, summaries: Vec::new() };
    let (walks, reuse, full) = pagination_walks(&mut walker).await;
    let mut walk_findings = check_walks(&walks, reuse.as_ref());
    let full_complete = walks[0].end == WalkEnd::Complete;
    let (listings, or_walks) = filter_listings(&mut walker, &full).await;
    walk_findings.extend(check_walks(&or_walks, None));
    let walk_note = walker
        .summaries
        .iter()
        .filter(|s| s.filter.is_none())
        .map(|s| format!("{}: {} pages", s.label(), s.pages))
        .collect::<Vec<_>>()
        .join(", ");
    let walk_unit = format!("{} {exec}", CheckId::PaginationWalk);
    let filter_unit = format!("{} {exec}", CheckId::FilterStatus);
    if stop.is_set() {
        let skipped = |name, check| CaseResult::skipped(name, check, Origin::Builtin, super::stop::INTERRUPTED);
        let case_unit = format!("{} {exec}", CheckId::IdCaseRelations);
        let results = vec![
            skipped(walk_unit, CheckId::PaginationWalk),
            skipped(filter_unit, CheckId::FilterStatus),
            skipped(case_unit, CheckId::IdCaseRelations),
        ];
        return RelationOutcome { results, walks: walker.summaries, observations: walker.observations };
    }
    let filter_result = if full_complete {
        let note = format!("{} filtered listings", listings.len());
        CaseResult::builtin(filter_unit, CheckId::FilterStatus, check_filters(&full, &listings), note)
    } else {
        // Without a full listing there is nothing to compare with: never a pass.
        let why = "the unfiltered walk the filtered listings are compared with did not complete (see pagination-walk)";
        CaseResult::skipped(filter_unit, CheckId::FilterStatus, Origin::Builtin, why)
    };
    let by_ten =
        walks.iter().find(|w| w.page_size == Some(REUSE_SIZE) && w.filter.is_none() && w.end == WalkEnd::Complete);
    let case_result = match by_ten {
        Some(w) => super::id_case::relation(&mut walker, &w.items()).await,
        None => {
            let why = "the walk it is compared with (MaxResults 10, the id as given) did not complete";
            CaseResult::skipped(
                format!("{} {exec}", CheckId::IdCaseRelations),
                CheckId::IdCaseRelations,
                Origin::Builtin,
                why,
            )
        }
    };
    let results = vec![
        CaseResult::builtin(
            walk_unit,
            CheckId::PaginationWalk,
            walk_findings,
            format!("{} items; {walk_note}", full.len()),
        ),
        filter_result,
        case_result,
    ];
    RelationOutcome { results, walks: walker.summaries, observations: walker.observations }
}
