//! The one page-walking loop of every driver that walks (the runner's walker, the replay): send
//! a page, hand the answer to the driver, follow the request it asks for next, until it says the
//! walk ended, the run is stopped, or a request gets no answer. What a page means (the pagination
//! checks, the oracle, the EITHER choices it shows) is the driver's; how a walk is sent, stopped
//! and ended by the transport is written once, here.

use crate::check::pagination::WalkEnd;
use crate::exit::StopFlag;
use crate::request::WireRequest;
use crate::response::WireResponse;
use crate::transport::Client;

/// What the driver does after a page's answer.
#[derive(Debug)]
pub enum NextPage {
    /// Ask for this page next.
    Follow(WireRequest),
    /// The walk ended so.
    End(WalkEnd),
}

/// How a walk's sending ended.
#[derive(Debug)]
pub struct PagesSent {
    /// How the walk ended.
    pub end: WalkEnd,
    /// Why a page was given up unanswered: the endpoint throttled every attempt (the walk then
    /// ends `Interrupted`, as a stopped one does: nothing to compare, no finding).
    pub throttled: Option<String>,
}

/// Walks from `first`: each answer goes to `take` with its 1-based page number and its request,
/// which says what to ask for next. A request that gets no answer ends the walk `Failed` at its
/// page; one throttled on every attempt ends it `Interrupted` and says why; `stop` (Ctrl-C) ends
/// it `Interrupted` before the next page.
pub async fn walk_pages(
    client: &Client,
    stop: Option<&StopFlag>,
    first: WireRequest,
    mut take: impl FnMut(usize, &WireRequest, WireResponse) -> NextPage,
) -> PagesSent {
    let mut req = first;
    let mut page = 0;
    loop {
        if stop.is_some_and(StopFlag::is_set) {
            return PagesSent { end: WalkEnd::Interrupted, throttled: None };
        }
        page += 1;
        let resp = match client.send(&req).await {
            Ok(r) => r,
            Err(e) if e.is_throttled() => {
                return PagesSent { end: WalkEnd::Interrupted, throttled: Some(e.to_string()) };
            }
            Err(e) => return PagesSent { end: WalkEnd::Failed { page, summary: e.to_string() }, throttled: None },
        };
        match take(page, &req, resp) {
            NextPage::Follow(next) => req = next,
            NextPage::End(end) => return PagesSent { end, throttled: None },
        }
    }
}
