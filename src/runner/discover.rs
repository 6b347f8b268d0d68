//! Discovery (`run --discover`, the default against a foreign endpoint given no
//! `--execution-id`): execution ids found through the two read-only listings a user would call,
//! `DescribeMaintenanceWindows` then `DescribeMaintenanceWindowExecutions` per window, each
//! execution's tasks counted with this operation, and the most useful few chosen. Every listing is
//! bounded in pages and every request by the transport; nothing that writes is ever called.

use std::collections::HashSet;

use serde_json::{json, Value};

use crate::contract::{self, discovery, input, output};
use crate::request::WireRequest;
use crate::response::WireResponse;
use crate::transport::Client;

use crate::exit::StopFlag;

/// The most pages one listing may take.
const MAX_PAGES: usize = 10;
/// The most windows whose executions are listed.
const MAX_WINDOWS: usize = 20;
/// The most executions whose tasks are counted.
const MAX_CANDIDATES: usize = 50;
/// The most executions a run is given: enough for every relation, few enough to stay quick.
const MAX_CHOSEN: usize = 5;

/// An execution discovery found, with its tasks as counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundExecution {
    /// Its id.
    pub id: String,
    /// Its tasks, counted by walking its pages (at most `MAX_PAGES` of 100, or of the default
    /// size where 100 is refused; 0 when its first page was no listing).
    pub tasks: usize,
    /// How this operation answered its first page.
    pub answer: FirstAnswer,
}

/// How this operation answered a listed execution's first page. An endpoint that lists an
/// execution and then answers it with no listing contradicts itself: such an execution is kept
/// (where nothing better is found) for the run to judge, never dropped in silence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirstAnswer {
    /// A 200 listing.
    Listing,
    /// A 200 that is no listing (not a JSON object, or its items not a list).
    NotAListing,
    /// `DoesNotExistException`, or a 404, for an execution the endpoint lists.
    Denied,
}

/// Why discovery found nothing to run the data-dependent checks on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiscoveryGap {
    /// A listing was not answered as the model shapes it.
    #[error("{operation} answered {summary}")]
    NotListed {
        /// The listing.
        operation: &'static str,
        /// What came back, summarised.
        summary: String,
    },
    /// A listing could not be sent or answered at all.
    #[error("{operation} could not be sent: {why}")]
    Unreachable {
        /// The listing.
        operation: &'static str,
        /// The transport's reason.
        why: String,
    },
    /// The run was interrupted (Ctrl-C) while discovering.
    #[error("the run was interrupted")]
    Interrupted,
    /// The listings answered, but named no execution.
    #[error("the endpoint lists {windows} maintenance window(s) and no execution in them")]
    NoExecution {
        /// How many windows it listed.
        windows: usize,
    },
    /// The listings named executions, but none could be listed with this operation.
    #[error("the endpoint lists {executions} execution(s), and none answers {} with a listing", contract::OPERATION)]
    NoneListable {
        /// How many executions the listings named.
        executions: usize,
    },
}

/// What discovery says in the report: the ids it chose with their task counts.
pub fn describe(found: &[FoundExecution]) -> String {
    let each = found
        .iter()
        .map(|e| match e.answer {
            FirstAnswer::Listing => format!("{} ({} tasks)", e.id, e.tasks),
            FirstAnswer::NotAListing => format!("{} (answered with no listing)", e.id),
            FirstAnswer::Denied => format!("{} (listed, then answered as unknown)", e.id),
        })
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "discovered {} execution(s) through {} and {}: {each}",
        found.len(),
        discovery::LIST_WINDOWS,
        discovery::LIST_EXECUTIONS
    )
}

/// Finds execution ids on the endpoint behind `client`, or says why there are none.
pub async fn discover(client: &Client, stop: &StopFlag) -> Result<Vec<FoundExecution>, DiscoveryGap> {
    let sender = Sender { client, stop };
    let ids = listed_executions(&sender).await?;
    let listed = ids.len();
    let mut found = Vec::new();
    for id in ids.into_iter().take(MAX_CANDIDATES) {
        // An execution whose tasks cannot be listed is no use to the checks: left out.
        // At the largest page first; where that is refused (an endpoint that gets the bound
        // wrong), at its default page size: its executions are still worth the run.
        let counted = match count_tasks(&sender, &id, Some(contract::MAX_RESULTS_MAX)).await? {
            None => count_tasks(&sender, &id, None).await?,
            counted => counted,
        };
        if let Some((tasks, answer)) = counted {
            found.push(FoundExecution { id, tasks, answer });
        }
    }
    let chosen = choose(found);
    if chosen.is_empty() {
        return Err(DiscoveryGap::NoneListable { executions: listed });
    }
    Ok(chosen)
}

/// The execution ids the endpoint's own listings name (at most 20 windows' worth),
/// or why there are none. Used to tell a user's wrong `--execution-id` (listed nowhere) from an
/// endpoint that contradicts itself (lists an execution it then says does not exist).
pub async fn listed(client: &Client, stop: &StopFlag) -> Result<Vec<String>, DiscoveryGap> {
    listed_executions(&Sender { client, stop }).await
}

async fn listed_executions(sender: &Sender<'_>) -> Result<Vec<String>, DiscoveryGap> {
    let windows = list(sender, discovery::LIST_WINDOWS, json!({}), discovery::WINDOW_IDENTITIES, discovery::WINDOW_ID)
        .await?
        .into_iter()
        .filter(|w| discovery::is_window_id(w))
        .take(MAX_WINDOWS)
        .collect::<Vec<_>>();
    let mut ids: Vec<String> = Vec::new();
    for w in &windows {
        let body = json!({ discovery::WINDOW_ID: w });
        let found =
            list(sender, discovery::LIST_EXECUTIONS, body, discovery::WINDOW_EXECUTIONS, output::WINDOW_EXECUTION_ID)
                .await?;
        for id in found.into_iter().filter(|id| contract::is_valid_id(id)) {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    if ids.is_empty() {
        return Err(DiscoveryGap::NoExecution { windows: windows.len() });
    }
    Ok(ids)
}

/// The largest executions first (the first should hold more than 10 tasks), then one with no
/// tasks if there is one — else one the endpoint lists but answers as unknown — at most
/// [`MAX_CHOSEN`] in all. Where no execution is answered with a listing, those answered with a
/// 200 that is no listing (the endpoint knows them: what it sends is for the run to judge).
fn choose(found: Vec<FoundExecution>) -> Vec<FoundExecution> {
    let of = |answer: FirstAnswer| found.iter().filter(move |e| e.answer == answer).cloned();
    let mut listings: Vec<FoundExecution> = of(FirstAnswer::Listing).collect();
    if listings.is_empty() {
        return of(FirstAnswer::NotAListing).take(MAX_CHOSEN).collect();
    }
    listings.sort_by_key(|e| std::cmp::Reverse(e.tasks));
    let empty = listings.iter().find(|e| e.tasks == 0).cloned().or_else(|| of(FirstAnswer::Denied).next());
    let mut chosen: Vec<FoundExecution> = listings.into_iter().filter(|e| e.tasks > 0).take(MAX_CHOSEN).collect();
    if let Some(e) = empty {
        chosen.truncate(MAX_CHOSEN - 1);
        chosen.push(e);
    }
    chosen
}

/// Sends discovery's requests, none once the run is asked to stop.
struct Sender<'a> {
    client: &'a Client,
    stop: &'a StopFlag,
}

impl Sender<'_> {
    async fn send(&self, operation: &'static str, req: &WireRequest) -> Result<WireResponse, DiscoveryGap> {
        if self.stop.is_set() {
            return Err(DiscoveryGap::Interrupted);
        }
        self.client.send(req).await.map_err(|e| DiscoveryGap::Unreachable { operation, why: e.to_string() })
    }
}

/// A request for `operation` with `body`: this operation's envelope, its own target.
fn request(operation: &str, body: &Value) -> WireRequest {
    let mut req = WireRequest::json(body);
    req.set_header(contract::TARGET_HEADER, &discovery::target(operation));
    req
}

/// Every `member` of every entry of the `list` member, over at most [`MAX_PAGES`] pages.
async fn list(
    sender: &Sender<'_>,
    operation: &'static str,
    body: Value,
    list: &str,
    member: &str,
) -> Result<Vec<String>, DiscoveryGap> {
    let mut out = Vec::new();
    let mut seen_tokens = HashSet::new();
    let mut body = body;
    for _ in 0..MAX_PAGES {
        let resp = sender.send(operation, &request(operation, &body)).await?;
        let page =
            page_of(&resp, list).ok_or_else(|| DiscoveryGap::NotListed { operation, summary: resp.summary() })?;
        out.extend(page.iter().filter_map(|e| e.get(member).and_then(Value::as_str).map(str::to_owned)));
        match resp.json().ok().and_then(|v| v.get(output::NEXT_TOKEN).and_then(Value::as_str).map(str::to_owned)) {
            Some(t) if !t.is_empty() && seen_tokens.insert(t.clone()) => body[input::NEXT_TOKEN] = json!(t),
            _ => break,
        }
    }
    Ok(out)
}

/// The entries of a listing page: a 200 whose body is an object, its `list` member a list (or
/// absent: none).
fn page_of(resp: &WireResponse, list: &str) -> Option<Vec<Value>> {
    if resp.status != 200 {
        return None;
    }
    match resp.json().ok()? {
        Value::Object(map) => match map.get(list) {
            None | Some(Value::Null) => Some(Vec::new()),
            Some(Value::Array(entries)) => Some(entries.clone()),
            Some(_) => None,
        },
        _ => None,
    }
}

/// The tasks of `id`, counted over at most [`MAX_PAGES`] pages of `size`, and how its first page
/// was answered; `None` when the request failed or its first page was answered otherwise.
async fn count_tasks(
    sender: &Sender<'_>,
    id: &str,
    size: Option<i64>,
) -> Result<Option<(usize, FirstAnswer)>, DiscoveryGap> {
    let mut body = json!({ input::WINDOW_EXECUTION_ID: id });
    if let Some(n) = size {
        body[input::MAX_RESULTS] = json!(n);
    }
    let mut tasks = 0;
    let mut seen_tokens = HashSet::new();
    for page_no in 0..MAX_PAGES {
        let resp = match sender.send(contract::OPERATION, &WireRequest::json(&body)).await {
            Ok(resp) => resp,
            Err(DiscoveryGap::Interrupted) => return Err(DiscoveryGap::Interrupted),
            Err(_) => return Ok(None),
        };
        let Some(items) = page_of(&resp, output::ITEMS) else {
            return Ok(match page_no {
                0 => first_answer(&resp).map(|answer| (0, answer)),
                _ => Some((tasks, FirstAnswer::Listing)),
            });
        };
        tasks += items.len();
        match resp.json().ok().and_then(|v| v.get(output::NEXT_TOKEN).and_then(Value::as_str).map(str::to_owned)) {
            Some(t) if !t.is_empty() && seen_tokens.insert(t.clone()) => body[input::NEXT_TOKEN] = json!(t),
            _ => break,
        }
    }
    Ok(Some((tasks, FirstAnswer::Listing)))
}

/// How a first page that is no listing was answered, when it says something of the execution.
fn first_answer(resp: &WireResponse) -> Option<FirstAnswer> {
    let unknown = resp.status == 404
        || crate::response::ErrorShape::of(resp).resolved_type.as_deref() == Some(contract::error_type::DOES_NOT_EXIST);
    match resp.status {
        200 => Some(FirstAnswer::NotAListing),
        _ if unknown => Some(FirstAnswer::Denied),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(id: &str, tasks: usize) -> FoundExecution {
        FoundExecution { id: id.to_owned(), tasks, answer: FirstAnswer::Listing }
    }

    #[test]
    fn the_largest_come_first_and_one_empty_execution_last() {
        let found = vec![e("a", 1), e("b", 0), e("c", 150), e("d", 11), e("e", 0), e("f", 10), e("g", 3), e("h", 2)];
        let ids: Vec<String> = choose(found).into_iter().map(|e| e.id).collect();
        assert_eq!(ids, ["c", "d", "f", "g", "b"]);
        assert_eq!(choose(vec![e("x", 0)]).len(), 1);
        assert!(choose(Vec::new()).is_empty());
    }

    #[test]
    fn an_execution_listed_then_not_listed_by_this_operation_is_kept_for_the_run_to_judge() {
        let as_ = |id: &str, answer| FoundExecution { answer, ..e(id, 0) };
        let denied = as_("d", FirstAnswer::Denied);
        let odd = as_("o", FirstAnswer::NotAListing);
        // A denied execution stands in for the empty one, only where no empty listing exists.
        let ids = |found: Vec<FoundExecution>| choose(found).into_iter().map(|e| e.id).collect::<Vec<_>>();
        assert_eq!(ids(vec![e("a", 12), denied.clone(), odd.clone()]), ["a", "d"]);
        assert_eq!(ids(vec![e("a", 12), denied.clone(), e("z", 0)]), ["a", "z"]);
        // Where nothing is a listing, the executions answered with a 200 are what the run judges.
        assert_eq!(ids(vec![denied.clone(), odd]), ["o"]);
        assert!(ids(vec![denied]).is_empty(), "only denials: nothing to run on");
    }
}
