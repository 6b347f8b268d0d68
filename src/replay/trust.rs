//! Whether a recording can be the truth. Pure.
//!
//! A replay judges another endpoint against what the recording shows: the executions it answered
//! 200 for exist, and the items it listed are the items. That holds only when the recorded
//! endpoint kept the contract, so the recording is judged first, as a replay judges an endpoint:
//! each answer by the oracle in the world the recording shows (every execution it answered 200
//! for, or that any answer lists, exists), each recorded walk by the pagination checks, and the
//! complete walks of one listing compared with each other. A recording that breaks the contract
//! (one of an emulator, say) is used for its requests only: nothing is compared with its items, and
//! whether an execution exists is left open (`Replay::judged_in_possible_worlds`).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::Value;

use super::exchange::{judge_replayed, UnitKind};
use super::recording::{execution_id, listing, max_results, next_token, recorded_pages, steps, RecordedUnit, Step};
use crate::check::pagination::{bounded, check_walks, compare_walks, item_key, item_status, PaginationWalk, WalkEnd};
use crate::check::CheckOptions;
use crate::contract::{self, input};
use crate::oracle::World;
use crate::transport::record::Recorded;

/// The most JSON values read in one answer while looking for execution ids (answers are hostile).
const ID_SCAN_LIMIT: usize = 100_000;

/// Every execution id some recorded 200 answer names (`WindowExecutionId` members anywhere in its
/// JSON: the listings of discovery, the items of a page), in the order first seen.
pub(super) fn listed_ids(units: &[RecordedUnit]) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for e in units.iter().flat_map(|u| &u.exchanges) {
        let Some(body) = e.response.as_ref().ok().filter(|r| r.status == 200).map(|r| &r.body) else { continue };
        let Ok(json) = serde_json::from_slice::<Value>(body) else { continue };
        let mut stack = vec![&json];
        let mut read = 0;
        while let Some(v) = stack.pop() {
            read += 1;
            if read > ID_SCAN_LIMIT {
                break;
            }
            match v {
                Value::Object(map) => {
                    if let Some(Value::String(id)) = map.get(input::WINDOW_EXECUTION_ID) {
                        if contract::matches_id_pattern(id) && !ids.contains(id) {
                            ids.push(id.clone());
                        }
                    }
                    stack.extend(map.values());
                }
                Value::Array(list) => stack.extend(list),
                _ => {}
            }
        }
    }
    ids
}

/// The first place the recording breaks the contract, described; `None` when it keeps it.
pub(super) fn first_deviation(units: &[RecordedUnit], known: &[String], opts: CheckOptions) -> Option<String> {
    let world = World { known: known.to_vec(), ..World::default() };
    let issued = issued_tokens(units);
    for unit in units {
        let mut complete: BTreeMap<(String, Option<String>), Vec<PaginationWalk>> = BTreeMap::new();
        for pages in steps(unit).into_iter().map(Step::pages) {
            if let Some(why) = pages_deviation(&pages, &world, &issued, opts) {
                return Some(format!("{}: {why}", unit.name));
            }
            let (keys, ended) = recorded_pages(&pages);
            let first = &pages[0].request;
            let from_start = first
                .json_body()
                .is_some_and(|b| b.get(input::NEXT_TOKEN).and_then(Value::as_str).is_none_or(str::is_empty));
            if keys.is_empty() || !is_this_operation(pages[0]) {
                continue;
            }
            let end = if ended { WalkEnd::Complete } else { WalkEnd::Interrupted };
            let walk = recorded_walk(&pages, keys, end);
            if let Some(f) = check_walks(std::slice::from_ref(&walk), None).first() {
                return Some(format!("{}: {}", unit.name, f.actual));
            }
            if ended && from_start {
                let (id, filters) = listing(first).unwrap_or((Value::Null, None));
                complete.entry((id.to_string(), filters)).or_default().push(walk);
            }
        }
        for walks in complete.values() {
            if let Some(f) = compare_walks(&walks.iter().collect::<Vec<_>>()).first() {
                return Some(format!("{}: {}", unit.name, f.actual));
            }
        }
    }
    filter_deviation(units)
}

/// A complete listing from the start: each item's key and status.
type Listing = Vec<(String, String)>;

/// The recorded listing of a walk (or a single page) when it is complete from the start.
fn complete_listing(pages: &[&Recorded]) -> Option<Listing> {
    let first = pages[0].request.json_body()?;
    if !first.get(input::NEXT_TOKEN).and_then(Value::as_str).is_none_or(str::is_empty) {
        return None;
    }
    let mut items = Listing::new();
    for p in pages {
        let resp = p.response.as_ref().ok().filter(|r| r.status == 200)?;
        let json: Value = serde_json::from_slice(&resp.body).ok()?;
        let page = crate::response::Page::from_json(&json).ok()?;
        items.extend(page.items.iter().map(|i| (item_key(i), item_status(i))));
    }
    next_token(&pages.last()?.response).is_none().then_some(items)
}

/// The statuses a request's filters keep when every filter is `STATUS` with string values (values
/// ORed, filters ANDed); `None` for any other filter.
fn kept_statuses(req: &crate::request::WireRequest) -> Option<BTreeSet<String>> {
    let body = req.json_body()?;
    let filters = body.get(input::FILTERS)?.as_array().filter(|f| !f.is_empty())?;
    let mut kept: Option<BTreeSet<String>> = None;
    for f in filters {
        if f.get(input::FILTER_KEY)?.as_str()? != contract::STATUS_FILTER_KEY {
            return None;
        }
        let values: Option<BTreeSet<String>> =
            f.get(input::FILTER_VALUES)?.as_array()?.iter().map(|v| v.as_str().map(bounded)).collect();
        let values = values?;
        kept = Some(match kept {
            Some(k) => k.intersection(&values).cloned().collect(),
            None => values,
        });
    }
    kept
}

/// Each complete STATUS-filtered listing the recording holds, against its unfiltered listing of
/// the same execution: exactly the items whose status the filters keep.
fn filter_deviation(units: &[RecordedUnit]) -> Option<String> {
    let mut full: HashMap<String, Listing> = HashMap::new();
    let mut filtered: Vec<(&str, String, &crate::request::WireRequest, Listing)> = Vec::new();
    for unit in units {
        for pages in steps(unit).into_iter().map(Step::pages) {
            let Some(items) = complete_listing(&pages).filter(|_| is_this_operation(pages[0])) else { continue };
            let req = &pages[0].request;
            let exec = execution_id(req);
            match (exec.is_empty(), crate::oracle::filters_key(&req.body)) {
                (false, None) => {
                    full.entry(exec).or_insert(items);
                }
                (false, Some(_)) => filtered.push((&unit.name, exec, req, items)),
                _ => {}
            }
        }
    }
    for (unit, exec, req, items) in filtered {
        let (Some(all), Some(kept)) = (full.get(&exec), kept_statuses(req)) else { continue };
        let expected: BTreeSet<&String> = all.iter().filter(|(_, s)| kept.contains(s)).map(|(k, _)| k).collect();
        let got: BTreeSet<&String> = items.iter().map(|(k, _)| k).collect();
        if expected != got {
            return Some(format!(
                "{unit}: a STATUS-filtered listing of {} items where its unfiltered listing has {} with those statuses",
                got.len(),
                expected.len()
            ));
        }
    }
    None
}

/// A recorded walk as the pagination checks read it, labelled with the page sizes it asked for.
fn recorded_walk(pages: &[&Recorded], keys: Vec<Vec<String>>, end: WalkEnd) -> PaginationWalk {
    let mut sizes: Vec<String> = Vec::new();
    for p in pages {
        let size = max_results(&p.request).map_or("absent".to_owned(), |n| n.to_string());
        if sizes.last() != Some(&size) {
            sizes.push(size);
        }
    }
    let page_size = max_results(&pages[0].request).filter(|_| sizes.len() == 1);
    let varied = Some(format!("recorded walk, MaxResults {}", sizes.join(", ")));
    let listing = crate::check::pagination::Listing::of_request(&pages[0].request);
    PaginationWalk { page_size, varied, pages: keys, end, listing }
}

fn is_this_operation(e: &Recorded) -> bool {
    super::recording::is_this_operation(e)
}

/// Every token the recording's answers issued (bounded): the world of a request that carries it
/// (its execution, and the page size and filters of the request it answered).
type Issued = HashMap<String, (String, Option<i64>, Option<String>)>;

fn issued_tokens(units: &[RecordedUnit]) -> Issued {
    let mut issued = Issued::new();
    for e in units.iter().flat_map(|u| &u.exchanges) {
        if let Some(token) = next_token(&e.response) {
            let issuer =
                (execution_id(&e.request), max_results(&e.request), crate::oracle::filters_key(&e.request.body));
            issued.insert(bounded(&token), issuer);
        }
    }
    issued
}

/// Each recorded answer of one walk (or one single exchange) judged by the oracle; a token the
/// recording issued is real.
fn pages_deviation(pages: &[&Recorded], world: &World, issued: &Issued, opts: CheckOptions) -> Option<String> {
    for (n, e) in pages.iter().enumerate() {
        let Ok(resp) = &e.response else { continue };
        if !is_this_operation(e) {
            continue;
        }
        let carried =
            e.request.json_body().and_then(|b| b.get(input::NEXT_TOKEN).and_then(Value::as_str).map(str::to_owned));
        let mut world = world.clone();
        if let Some((exec, size, filters)) = carried.as_deref().and_then(|t| issued.get(&bounded(t))) {
            world.token = carried.clone().map(|t| (t, exec.clone()));
            world.token_page_size = *size;
            world.token_filters = filters.clone();
        }
        let (_, findings, _) = judge_replayed(&e.request, None, resp, &world, opts, &UnitKind::Other);
        if let Some(f) = findings.first() {
            return Some(format!("request {} of the walk: {} (expected {})", n + 1, f.actual, f.expected));
        }
    }
    None
}
