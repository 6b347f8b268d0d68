//! Pagination relations (contract §5) over [`PaginationWalk`]s the runner gathered: every walk
//! ends, no item repeats, every page size sees the same items in the same order, and a reused
//! token gives the same page. Pure: the walks arrive as data.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde_json::Value;
use sha2::Digest as _;

use super::CheckId;
use crate::contract::output;
use crate::finding::Finding;
use crate::response::Received;

/// The most pages one walk may take before the harness stops it, whatever the endpoint says.
pub const MAX_WALK_PAGES: usize = 1000;

/// The most items one walk may keep before the harness stops it: far more than an execution
/// holds, and with every kept key bounded, a bound on the walk's memory.
pub const MAX_WALK_ITEMS: usize = 100_000;

/// How a walk ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WalkEnd {
    /// The last page had no token (absent, `null` or `""`).
    Complete,
    /// A token came back that the walk had already followed.
    TokenRepeated {
        /// 1-based page that returned it.
        page: usize,
    },
    /// A page held exactly the items of the page before it.
    PageRepeated {
        /// 1-based page.
        page: usize,
    },
    /// The walk reached the page limit.
    PageLimit {
        /// Pages taken.
        pages: usize,
    },
    /// The run was interrupted before the walk ended (no finding: nothing was compared).
    Interrupted,
    /// The walk reached the item limit.
    ItemLimit {
        /// Items seen.
        items: usize,
    },
    /// A page whose request varied from the page before (another page size, another spelling)
    /// was refused with an answer the contract accepts for it (an EITHER): no finding, and the
    /// walk's items are compared with nothing.
    Refused {
        /// 1-based page.
        page: usize,
        /// What came back.
        summary: String,
    },
    /// A page request failed (non-200 or an unreadable body).
    Failed {
        /// 1-based page.
        page: usize,
        /// What came back.
        summary: String,
    },
}

/// The longest text a walk keeps as it came: longer keys, statuses and tokens are kept as a
/// digest, so what a walk keeps is bounded by its item count, whatever the endpoint sends.
const KEPT_TEXT_MAX: usize = 64;

/// `text` as a walk keeps it: itself when short, else a digest that tells it apart.
pub fn bounded(text: &str) -> String {
    if text.len() <= KEPT_TEXT_MAX {
        return text.to_owned();
    }
    let digest = sha2::Sha256::digest(text.as_bytes());
    format!("{}…#{}", text.chars().take(16).collect::<String>(), hex::encode(&digest[..12]))
}

/// The key an item is known by in walks: its `TaskExecutionId`, or its JSON text (bounded).
pub fn item_key(item: &Value) -> String {
    match item.get(output::TASK_EXECUTION_ID).and_then(Value::as_str) {
        Some(id) => bounded(id),
        None => bounded(&item.to_string()),
    }
}

/// An item's `Status`, bounded as its key is (empty when it has none).
pub fn item_status(item: &Value) -> String {
    bounded(item.get(output::STATUS).and_then(Value::as_str).unwrap_or(""))
}

/// A walk in progress, page by page, however its pages were asked for (the runner's walker, or
/// a client's requests seen through the proxy): bounded in pages, items and kept text.
#[derive(Debug, Default)]
pub struct WalkProgress {
    /// Each page's item keys.
    pub pages: Vec<Vec<String>>,
    /// Every item as (key, status), in walk order.
    pub items: Vec<(String, String)>,
    /// The tokens followed, bounded: a repeated token is found without keeping every token.
    followed: BTreeSet<String>,
    /// The first `NextToken` the walk saw.
    pub first_token: Option<String>,
}

impl WalkProgress {
    /// Takes the next page's answer: the token to follow next, `None` when the walk is complete,
    /// or why it ends here.
    pub fn take(&mut self, resp: &Received) -> Result<Option<String>, WalkEnd> {
        let page_no = self.pages.len() + 1;
        if resp.status != 200 {
            return Err(WalkEnd::Failed { page: page_no, summary: resp.summary() });
        }
        let page = resp.page().map_err(|why| WalkEnd::Failed { page: page_no, summary: why })?;
        let keys: Vec<String> = page.items.iter().map(item_key).collect();
        if self.items.len() + keys.len() > MAX_WALK_ITEMS {
            return Err(WalkEnd::ItemLimit { items: self.items.len() + keys.len() });
        }
        self.items.extend(page.items.iter().map(|i| (item_key(i), item_status(i))));
        let repeated = !keys.is_empty() && self.pages.last() == Some(&keys);
        self.pages.push(keys);
        if repeated {
            return Err(WalkEnd::PageRepeated { page: page_no });
        }
        let Some(t) = page.next_token else { return Ok(None) };
        self.first_token.get_or_insert_with(|| t.to_owned());
        if !self.followed.insert(bounded(t)) {
            return Err(WalkEnd::TokenRepeated { page: page_no });
        }
        if self.pages.len() >= MAX_WALK_PAGES {
            return Err(WalkEnd::PageLimit { pages: self.pages.len() });
        }
        Ok(Some(t.to_owned()))
    }
}

/// One walk over every page of one listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaginationWalk {
    /// `MaxResults` sent (`None`: absent).
    pub page_size: Option<i64>,
    /// How the walk differs from a plain unfiltered one: its filter, or the one dimension a
    /// relation varies, described.
    pub varied: Option<String>,
    /// Each page's item keys (`TaskExecutionId`, or a placeholder for items without one).
    pub pages: Vec<Vec<String>>,
    /// How it ended.
    pub end: WalkEnd,
    /// Whether its listing is filtered, which bounds its pages otherwise.
    pub listing: Listing,
}

/// Whether a walk's listing is filtered: a filtered page may be cut from the unfiltered listing
/// and then filtered (contract §5, EITHER), so its walk is bounded by the unfiltered count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Listing {
    /// No filter: ⌈items ÷ MaxResults⌉ + 1 pages at most.
    #[default]
    Unfiltered,
    /// Filtered: ⌈unfiltered items ÷ MaxResults⌉ + 1 pages at most, where that count is known
    /// (`None`: no page bound, only the walk's ending is checked).
    Filtered {
        /// The unfiltered listing's item count.
        unfiltered_items: Option<usize>,
    },
}

impl Listing {
    /// The listing a request asks for: filtered when it carries a non-empty `Filters` list.
    pub fn of_request(req: &crate::request::WireRequest) -> Listing {
        let filtered = req.json_body().is_some_and(|b| {
            b.get(crate::contract::input::FILTERS).and_then(serde_json::Value::as_array).is_some_and(|f| !f.is_empty())
        });
        if filtered {
            Listing::Filtered { unfiltered_items: None }
        } else {
            Listing::Unfiltered
        }
    }
}

impl PaginationWalk {
    /// Every item key, in walk order.
    pub fn items(&self) -> Vec<String> {
        self.pages.iter().flatten().cloned().collect()
    }

    /// `MaxResults 10`, `MaxResults absent`, or either with the filter.
    pub fn label(&self) -> String {
        let size = self.page_size.map_or("MaxResults absent".to_owned(), |n| format!("MaxResults {n}"));
        match &self.varied {
            // A walk that varies its page size says so itself.
            Some(f) if f.contains("MaxResults") => f.clone(),
            Some(f) => format!("{f}, {size}"),
            None => size,
        }
    }

    /// The most pages a correct endpoint needs: ⌈items ÷ size⌉ + 1 (one trailing empty page is
    /// allowed), counting the unfiltered listing's items for a filtered walk; `None` where that
    /// count is unknown.
    pub fn page_bound(&self, items: usize) -> Option<usize> {
        let size = self.page_size.unwrap_or(1).max(1) as usize;
        let items = match self.listing {
            Listing::Unfiltered => items,
            Listing::Filtered { unfiltered_items } => unfiltered_items?.max(items),
        };
        Some(items.div_ceil(size) + 1)
    }
}

/// A token followed twice: the page it gave each time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenReuse {
    /// Item keys of the first answer.
    pub first: Vec<String>,
    /// Item keys of the second answer, or what came back instead.
    pub second: Result<Vec<String>, String>,
}

/// Every pagination finding over the walks of one listing (one execution, one filter set).
pub fn check_walks(walks: &[PaginationWalk], reuse: Option<&TokenReuse>) -> Vec<Finding> {
    let mut out: Vec<Finding> = walks.iter().flat_map(check_walk).collect();
    let complete: Vec<&PaginationWalk> = walks.iter().filter(|w| w.end == WalkEnd::Complete).collect();
    out.extend(compare_walks(&complete));
    out.extend(reuse.and_then(check_reuse));
    out
}

fn finding(expected: &str, actual: String) -> Finding {
    Finding::new(CheckId::PaginationWalk, expected, actual)
}

/// One walk on its own: it ends, holds every item once, and takes no more pages than needed.
fn check_walk(w: &PaginationWalk) -> Vec<Finding> {
    let mut out = Vec::new();
    let label = w.label();
    let ends = "a walk that ends";
    match &w.end {
        WalkEnd::Complete | WalkEnd::Interrupted | WalkEnd::Refused { .. } => {}
        WalkEnd::TokenRepeated { page } => out.push(
            finding(ends, format!("with {label}, page {page} returned a NextToken the walk had already followed"))
                .deviating("last-page-token-loops"),
        ),
        WalkEnd::PageRepeated { page } => {
            out.push(finding(ends, format!("with {label}, page {page} repeated the page before it")));
        }
        WalkEnd::PageLimit { pages } => {
            out.push(finding(ends, format!("with {label}, the walk was stopped after {pages} pages")));
        }
        WalkEnd::ItemLimit { items } => {
            out.push(finding(ends, format!("with {label}, the walk was stopped after {items} items")));
        }
        WalkEnd::Failed { page, summary } => {
            out.push(finding("every page of the walk to succeed", format!("with {label}, page {page} got {summary}")));
        }
    }
    let items = w.items();
    let mut seen = HashSet::new();
    let dups: Vec<&String> = items.iter().filter(|i| !seen.insert(*i)).collect();
    if !dups.is_empty() {
        let actual = format!("with {label}, {} item(s) repeated, first {}", dups.len(), dups[0]);
        out.push(recognise_repeats(finding("every item exactly once", actual), &dups));
    }
    let unique = seen.len();
    match (w.page_bound(unique), w.listing) {
        (Some(bound), Listing::Unfiltered) if w.end == WalkEnd::Complete && w.pages.len() > bound => {
            let actual = format!("with {label}, {} pages for {unique} items", w.pages.len());
            out.push(finding("at most ⌈items ÷ MaxResults⌉ + 1 pages", actual));
        }
        (Some(bound), Listing::Filtered { unfiltered_items: Some(all) })
            if w.end == WalkEnd::Complete && w.pages.len() > bound =>
        {
            let actual = format!("with {label}, {} pages for {unique} items of {all} unfiltered", w.pages.len());
            out.push(finding("at most ⌈unfiltered items ÷ MaxResults⌉ + 1 pages", actual));
        }
        _ => {}
    }
    out
}

/// Complete walks of one listing compared with the first: the same multiset of items, in the
/// same order.
pub fn compare_walks(complete: &[&PaginationWalk]) -> Vec<Finding> {
    let Some((base, rest)) = complete.split_first() else { return Vec::new() };
    let base_items = base.items();
    let base_counts = counts(&base_items);
    let mut out = Vec::new();
    for w in rest {
        let items = w.items();
        let c = counts(&items);
        if c != base_counts {
            let missing: Vec<&String> = base_counts.keys().filter(|k| !c.contains_key(*k)).copied().collect();
            let extra: Vec<&String> = c.keys().filter(|k| !base_counts.contains_key(*k)).copied().collect();
            let example = missing.first().or(extra.first()).map_or(String::new(), |k| format!(", e.g. {k}"));
            let deviation = match (missing.is_empty(), extra.is_empty()) {
                (false, true) => Some("pagination-drops-item"),
                (true, true) => Some("pagination-duplicates-item"),
                _ => None,
            };
            let f = finding(
                "the same items for every page size",
                format!(
                    "{} gave {} items and {} gave {} ({} missing, {} extra{example})",
                    base.label(),
                    base_items.len(),
                    w.label(),
                    items.len(),
                    missing.len(),
                    extra.len(),
                ),
            );
            out.push(f.deviating(deviation));
        } else if items != base_items {
            let at = items.iter().zip(&base_items).position(|(a, b)| a != b).unwrap_or(0);
            let actual = format!("{} and {} differ from item {} on", base.label(), w.label(), at + 1);
            out.push(finding("the same order on every walk", actual).deviating("unstable-order"));
        }
    }
    out
}

/// A token followed twice gives the same page.
fn check_reuse(r: &TokenReuse) -> Option<Finding> {
    let expected = "the same page when a token is reused";
    match &r.second {
        Ok(second) if *second == r.first => None,
        Ok(second) => Some(finding(
            expected,
            format!("{} items the first time and {} the second, not the same", r.first.len(), second.len()),
        )),
        Err(summary) => Some(finding(expected, format!("the second use got {summary}"))),
    }
}

/// A repeated-items finding, recognised as the reference's duplicating fault when the repeated
/// keys are real item ids (a placeholder key stands for an item without its id, another
/// deviation).
fn recognise_repeats(f: Finding, repeated: &[&String]) -> Finding {
    if repeated.iter().all(|k| crate::contract::is_valid_id(k)) {
        f.deviating("pagination-duplicates-item")
    } else {
        f
    }
}

fn counts(items: &[String]) -> BTreeMap<&String, usize> {
    let mut m = BTreeMap::new();
    for i in items {
        *m.entry(i).or_insert(0) += 1;
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk(size: Option<i64>, pages: &[&[&str]]) -> PaginationWalk {
        PaginationWalk {
            page_size: size,
            varied: None,
            pages: pages.iter().map(|p| p.iter().map(|s| (*s).to_owned()).collect()).collect(),
            end: WalkEnd::Complete,
            listing: Listing::Unfiltered,
        }
    }

    #[test]
    fn consistent_walks_pass_and_inconsistent_fail() {
        let a = walk(Some(2), &[&["a", "b"], &["c"]]);
        let b = walk(Some(3), &[&["a", "b", "c"]]);
        assert!(check_walks(&[a.clone(), b], None).is_empty());
        let lost = walk(Some(3), &[&["a", "b"]]);
        assert_eq!(check_walks(&[a.clone(), lost], None).len(), 1);
        let dup = walk(Some(2), &[&["a", "b"], &["b", "c"]]);
        assert!(!check_walks(&[dup], None).is_empty());
        let reordered = walk(Some(3), &[&["c", "b", "a"]]);
        assert!(check_walks(&[a, reordered], None)[0].expected.contains("order"));
    }
}
