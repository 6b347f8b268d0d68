//! The recording as the replay reads it: its units loaded from the folder, each unit's
//! exchanges as steps (walks the recording followed, single requests), and the helpers the
//! replay and the trust judgement (`trust.rs`) read a recorded exchange with.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::ReplayError;
use crate::check::pagination::bounded;
use crate::contract::input;
use crate::request::WireRequest;
use crate::response::{Received, WireResponse};
use crate::transport::record::{self, Recorded};

/// One recorded unit.
#[derive(Debug, Clone)]
pub struct RecordedUnit {
    /// Its name in the recorded run.
    pub name: String,
    /// Its exchanges, in order.
    pub exchanges: Vec<Recorded>,
}

/// A recording as read back.
#[derive(Debug, Clone)]
pub struct Recording {
    /// Its units, in the recorded order.
    pub units: Vec<RecordedUnit>,
    /// The executions the recorded run held to exist (`execution-ids.txt`; empty when absent).
    pub execution_ids: Vec<String>,
}

/// Reads a recording: every `*.http` file in `dir`, in file-name order (the recorded order of
/// units), and the execution ids the recorded run held to exist.
pub fn load(dir: &Path) -> Result<Recording, ReplayError> {
    let units = load_units(dir)?;
    let ids = dir.join(record::EXECUTION_IDS_FILE);
    let execution_ids = match std::fs::read(&ids) {
        Ok(bytes) => String::from_utf8_lossy(&bytes)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(ReplayError::Folder { dir: dir.to_owned(), message: format!("{}: {e}", ids.display()) }),
    };
    Ok(Recording { units, execution_ids })
}

pub(super) fn load_units(dir: &Path) -> Result<Vec<RecordedUnit>, ReplayError> {
    let folder = |message: String| ReplayError::Folder { dir: dir.to_owned(), message };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| folder(e.to_string()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "http"))
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(folder("no .http recording files (write some with run --record DIR)".to_owned()));
    }
    paths
        .iter()
        .map(|p| {
            let bytes = std::fs::read(p).map_err(|e| folder(format!("{}: {e}", p.display())))?;
            let (name, exchanges) = record::parse(p, &bytes)?;
            Ok(RecordedUnit { name, exchanges })
        })
        .collect()
}

/// The units of a recording as steps: walks (a request and the continuations the recording
/// followed with the same request) and single requests.
pub(super) enum Step<'r> {
    Single(&'r Recorded),
    Walk { pages: Vec<&'r Recorded> },
}

impl<'r> Step<'r> {
    /// The step's recorded exchanges: one for a single request, every page of a walk.
    pub(super) fn pages(self) -> Vec<&'r Recorded> {
        match self {
            Step::Single(e) => vec![e],
            Step::Walk { pages } => pages,
        }
    }
}

/// The request without its token: a page whose request differs from the page before in more
/// than its token varied something (its size, a spelling).
pub(super) fn shape(req: &WireRequest) -> Option<Value> {
    let mut body = req.json_body()?;
    body.as_object_mut()?.remove(input::NEXT_TOKEN);
    Some(body)
}

/// The listing a request asks for: its execution id as written and its filters. A request that
/// carries a walk's token for the same listing continues that walk, whatever else it varies
/// (the run's relations switch page sizes and spellings mid-walk).
pub(super) fn listing(req: &WireRequest) -> Option<(Value, Option<String>)> {
    let body = req.json_body()?;
    let id = body.get(input::WINDOW_EXECUTION_ID).cloned().unwrap_or(Value::Null);
    Some((id, crate::oracle::filters_key(&req.body)))
}

pub(super) fn next_token(resp: &Result<WireResponse, String>) -> Option<String> {
    let r = resp.as_ref().ok().filter(|r| r.status == 200)?;
    crate::response::next_token_of(r).filter(|t| !t.is_empty()).map(|t| t.to_string())
}

/// Whether a recorded exchange is of the operation the replay judges (the others are the
/// family's listings, which discovery sends: each replayed as one exchange, never as a walk).
pub(super) fn is_this_operation(e: &Recorded) -> bool {
    e.request.header(crate::contract::TARGET_HEADER).is_some_and(|t| t.eq_ignore_ascii_case(crate::contract::TARGET))
}

pub(super) fn steps(unit: &RecordedUnit) -> Vec<Step<'_>> {
    let mut steps: Vec<Step<'_>> = Vec::new();
    // Recorded token (bounded) → the walk it continues (its step) and the walk's listing.
    let mut open: HashMap<String, (usize, (Value, Option<String>))> = HashMap::new();
    for e in &unit.exchanges {
        if !is_this_operation(e) {
            steps.push(Step::Single(e));
            continue;
        }
        let token =
            e.request.json_body().and_then(|b| b.get(input::NEXT_TOKEN).and_then(Value::as_str).map(str::to_owned));
        let continued = token.filter(|t| !t.is_empty()).and_then(|t| open.remove(&bounded(&t)));
        let step = match (continued, listing(&e.request)) {
            (Some((i, walk_listing)), Some(l)) if walk_listing == l => {
                if let Step::Walk { pages } = &mut steps[i] {
                    pages.push(e);
                }
                i
            }
            // An answer with a token starts a walk, whether or not its request carried one.
            _ if next_token(&e.response).is_some() => {
                steps.push(Step::Walk { pages: vec![e] });
                steps.len() - 1
            }
            _ => {
                steps.push(Step::Single(e));
                continue;
            }
        };
        if let (Some(t), Some(l)) = (next_token(&e.response), listing(&e.request)) {
            open.insert(bounded(&t), (step, l));
        }
    }
    steps
}

/// Each page's item keys of a recorded walk, and whether the recording followed it to the end.
pub(super) fn recorded_pages(pages: &[&Recorded]) -> (Vec<Vec<String>>, bool) {
    let mut keys = Vec::new();
    for p in pages {
        let Ok(resp) = &p.response else { return (keys, false) };
        let received = Received::new(resp);
        match received.page() {
            Ok(page) if resp.status == 200 => {
                keys.push(page.items.iter().map(crate::check::pagination::item_key).collect());
            }
            _ => return (keys, false),
        }
    }
    let complete = pages.last().is_some_and(|p| next_token(&p.response).is_none());
    (keys, complete)
}

/// The tasks any recorded page lists in a status not yet final (`PENDING`, `IN_PROGRESS`,
/// `CANCELLING`): a live execution's, which may have moved on since (contract §8).
pub(super) fn live_tasks(exchanges: &[&Recorded]) -> std::collections::BTreeSet<String> {
    let mut live = std::collections::BTreeSet::new();
    for e in exchanges {
        let Ok(resp) = &e.response else { continue };
        let received = Received::new(resp);
        let Ok(page) = received.page() else { continue };
        for item in page.items.iter() {
            let status = crate::check::pagination::item_status(item);
            if crate::contract::real_service::LIVE_STATUSES.contains(&status.as_str()) {
                live.insert(crate::check::pagination::item_key(item));
            }
        }
    }
    live
}

/// A request's `WindowExecutionId` when it is a string (else empty).
pub(super) fn execution_id(req: &WireRequest) -> String {
    let body = req.json_body();
    body.as_ref().and_then(|b| b.get(input::WINDOW_EXECUTION_ID)).and_then(Value::as_str).unwrap_or_default().to_owned()
}

/// A request's `MaxResults` as written (`absent` when it has none).
pub(super) fn max_results_text(req: &WireRequest) -> String {
    let body = req.json_body();
    body.as_ref().and_then(|b| b.get(input::MAX_RESULTS)).map_or("absent".to_owned(), Value::to_string)
}

/// A request's `MaxResults` as an integer (absent, or written otherwise: `None`).
pub(super) fn max_results(req: &WireRequest) -> Option<i64> {
    req.json_body().and_then(|b| b.get(input::MAX_RESULTS).and_then(Value::as_i64))
}

/// The execution ids the recording's answers show to exist — those a request got a 200 for, in
/// the order first seen — and whether that is certain. Where the recorded endpoint also found an
/// id in another letter case (an EITHER), only the spelling it answered most often is known (the
/// others are that id in another case, which another endpoint may refuse). A 200 is proof of
/// existence when it listed an item, or when the recorded endpoint answered
/// `DoesNotExistException` to some request (it tells unknown ids apart); an endpoint that never
/// did may answer every id with an empty page, so its empty answers prove nothing. The ids the
/// recorded run was given (`given`) are known and certain, as the run held them.
pub(super) fn known_ids(exchanges: &[&Recorded], given: &[String]) -> Vec<(String, bool)> {
    // Spelling → (times answered 200, first seen, listed an item).
    let mut seen: std::collections::HashMap<String, (usize, usize, bool)> = std::collections::HashMap::new();
    let mut tells_unknown_apart = false;
    for e in exchanges {
        let Ok(resp) = &e.response else { continue };
        let received = Received::new(resp);
        if resp.status == 200 {
            let id = e
                .request
                .json_body()
                .and_then(|b| b.get("WindowExecutionId").and_then(Value::as_str).map(str::to_owned));
            let listed = received.page().is_ok_and(|p| !p.items.is_empty());
            if let Some(id) = id {
                let order = seen.len();
                let entry = seen.entry(id).or_insert((0, order, false));
                entry.0 += 1;
                entry.2 |= listed;
            }
        } else if received.error_shape().resolved_type.as_deref() == Some(crate::contract::error_type::DOES_NOT_EXIST) {
            tells_unknown_apart = true;
        }
    }
    let mut by_order: Vec<(String, (usize, usize, bool))> = seen.into_iter().collect();
    by_order.sort_by_key(|(_, (_, order, _))| *order);
    let mut known: Vec<(String, usize, bool)> = Vec::new();
    for (id, (count, _, listed)) in by_order {
        match known.iter_mut().find(|(k, _, _)| k.eq_ignore_ascii_case(&id)) {
            Some(kept) if count > kept.1 => *kept = (id, count, listed),
            Some(_) => {}
            None => known.push((id, count, listed)),
        }
    }
    let mut known: Vec<(String, bool)> =
        known.into_iter().map(|(id, _, listed)| (id, listed || tells_unknown_apart)).collect();
    // The executions the recorded run was given (or found): facts, as the run held them.
    for id in given {
        match known.iter_mut().find(|(k, _)| k == id) {
            Some(k) => k.1 = true,
            None => known.push((id.clone(), true)),
        }
    }
    known
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exchange(id: &str, status: u16) -> Recorded {
        let request = WireRequest::json(&serde_json::json!({ "WindowExecutionId": id }));
        let response = Ok(WireResponse { status, headers: Vec::new(), body: b"{}".to_vec() });
        Recorded { at: String::new(), request, response, note: None }
    }

    #[test]
    fn an_id_also_found_in_another_case_is_known_in_its_usual_spelling_only() {
        let lower = "940b2a70-66ec-f308-8348-5d31997be99e";
        let upper = lower.to_ascii_uppercase();
        let unknown = "00000000-0000-0000-0000-000000000000";
        // The other case answered first, the usual spelling more often; an id refused is unknown.
        let recorded = [exchange(&upper, 200), exchange(lower, 200), exchange(lower, 200), exchange(unknown, 400)];
        let refs: Vec<&Recorded> = recorded.iter().collect();
        // The recorded endpoint answered DoesNotExistException to the unknown id: its empty pages
        // prove existence.
        let refused = |id: &str| Recorded {
            response: Ok(WireResponse {
                status: 400,
                headers: Vec::new(),
                body: br#"{"__type":"DoesNotExistException","message":"no"}"#.to_vec(),
            }),
            ..exchange(id, 400)
        };
        let mut with_refusal = recorded.to_vec();
        with_refusal[3] = refused(unknown);
        let refs_refusal: Vec<&Recorded> = with_refusal.iter().collect();
        assert_eq!(known_ids(&refs_refusal, &[]), vec![(lower.to_owned(), true)]);
        // Without a refusal, an empty page proves nothing.
        assert_eq!(known_ids(&refs, &[]), vec![(lower.to_owned(), false)]);
        // Unless the recorded run was given it.
        assert_eq!(known_ids(&refs, &[lower.to_owned()]), vec![(lower.to_owned(), true)]);
    }
}
