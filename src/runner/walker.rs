//! The walker: takes every page of one execution's listing, bounded (`MAX_WALK_PAGES`,
//! `MAX_WALK_ITEMS`, every kept text digested past 64 bytes), and records every exchange for the
//! always-on checks. A [`WalkPlan`] says how the pages are asked for: the page size of each page,
//! the filter, and how the request's members are written — so a relation can vary exactly one
//! dimension against a plain walk and compare the two.

use serde_json::Value;

use crate::check::pagination::{item_key, Listing, PaginationWalk, WalkEnd, WalkProgress};
use crate::check::Observations;
use crate::contract::{self, input, output, EitherRule};
use crate::exit::StopFlag;
use crate::finding::WalkSummary;
use crate::repro::WalkScript;
use crate::request::page_request;
use crate::request::WireRequest;
use crate::response::Received;
use crate::transport::Client;
use crate::walk::{walk_pages, NextPage};

/// The page size of the walk whose token is reused (the relations and the id-case relation
/// compare with it).
pub(super) const REUSE_SIZE: i64 = 10;

/// One walk: the walk itself, its items as (key, status), and the first `NextToken` it saw.
pub(super) struct Walked {
    pub(super) walk: PaginationWalk,
    pub(super) items: Vec<(String, String)>,
    pub(super) first_token: Option<String>,
    /// The last answer's status and resolved error type (how a failed walk failed).
    pub(super) last_answer: Option<(u16, Option<String>)>,
    /// How to take it again in a repro (`None`: its pages are not all asked for alike after the
    /// first, or its token is too long to paste).
    pub(super) script: Option<WalkScript>,
}

/// The longest token a walk's repro script carries (its later pages' template holds one).
const SCRIPT_TOKEN_MAX: usize = 4096;

/// How a walk's requests write their members: plainly, or with one dimension varied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Writing {
    /// Members as `serde_json` writes them; absent members left out.
    Plain,
    /// `MaxResults` written as this JSON number text (`1e1`, `10.0`), which must denote the
    /// plan's page size.
    MaxResultsAs(&'static str),
    /// This member, with this JSON text, added to every request that does not carry it already
    /// (`"NextToken": null` goes on the first page only, an unknown member on every page).
    Beside(&'static str, &'static str),
}

/// How the pages of one walk are asked for.
#[derive(Debug, Clone, Copy)]
pub(super) struct WalkPlan<'p> {
    /// `MaxResults` of page 1, 2, …; the last entry holds for every later page.
    pub(super) sizes: &'p [Option<i64>],
    /// The filter: its label and its JSON.
    pub(super) filter: Option<(&'p str, &'p Value)>,
    /// How the members are written.
    pub(super) writing: Writing,
    /// What the walk varies, described (`None`: a plain walk, or only its filter).
    pub(super) varies: Option<&'p str>,
    /// The token the walk starts from (`None`: the first page).
    pub(super) start: Option<StartToken<'p>>,
}

/// A token a walk starts from, and the listing that issued it on its first page.
#[derive(Debug, Clone, Copy)]
pub(super) struct StartToken<'p> {
    /// The token.
    pub(super) token: &'p str,
    /// The issuing listing's `MaxResults`.
    pub(super) issued_at: Option<i64>,
    /// The issuing listing's filter.
    pub(super) issued_under: Option<&'p Value>,
}

impl<'p> WalkPlan<'p> {
    /// A plain walk at one page size, under `filter` if given.
    pub(super) fn plain(size: &'p [Option<i64>], filter: Option<(&'p str, &'p Value)>) -> WalkPlan<'p> {
        WalkPlan { sizes: size, filter, writing: Writing::Plain, varies: None, start: None }
    }

    fn size_of_page(&self, page_no: usize) -> Option<i64> {
        self.sizes.get(page_no - 1).or(self.sizes.last()).copied().flatten()
    }

    /// Page `page_no`'s request, following `token`.
    fn request(&self, exec: &str, page_no: usize, token: Option<&str>) -> WireRequest {
        let size = self.size_of_page(page_no);
        match self.writing {
            Writing::Plain => page_request(exec, size, self.filter.map(|f| f.1), token),
            Writing::MaxResultsAs(text) => {
                let plain = page_request(exec, None, self.filter.map(|f| f.1), token);
                with_member_text(&plain, input::MAX_RESULTS, text)
            }
            Writing::Beside(member, text) => {
                let plain = page_request(exec, size, self.filter.map(|f| f.1), token);
                let carries = plain.json_body().is_some_and(|b| b.get(member).is_some());
                if carries {
                    plain
                } else {
                    with_member_text(&plain, member, text)
                }
            }
        }
    }

    /// `MaxResults` of pages 2, 3, … when the walk switches sizes after page 2 (empty when
    /// every later page is asked for alike); `None` when no script can take the walk: a switch
    /// to an absent `MaxResults`, or any switch in a walk from another listing's token.
    fn later_sizes(&self) -> Option<Vec<i64>> {
        let later = self.sizes.get(1..).unwrap_or_default();
        if self.start.is_some() && !later.is_empty() {
            return None;
        }
        if later.len() <= 1 {
            return Some(Vec::new());
        }
        later.iter().copied().collect()
    }

    /// A script's start before page 1: for a walk from another listing's token, the first page
    /// of that listing, which issues the token.
    fn script_start(&self, exec: &str) -> Option<WalkScript> {
        let start = self.start?;
        let first = page_request(exec, start.issued_at, start.issued_under, None);
        Some(WalkScript { first, from_other_listing: true, next: None, later_sizes: Vec::new(), pages: 0 })
    }

    /// How reports name the walk: what it varies, else its filter.
    fn description(&self) -> Option<String> {
        match (self.varies, self.filter) {
            (Some(v), _) => Some(v.to_owned()),
            (None, Some((label, _))) => Some(label.to_owned()),
            (None, None) => None,
        }
    }
}

/// `req` with `"member": text` written first in its JSON object body, `text` exactly as given
/// (so a number keeps its spelling, which a `serde_json::Value` would not).
fn with_member_text(req: &WireRequest, member: &str, text: &str) -> WireRequest {
    let (open, close) = ('{', '}');
    let body = String::from_utf8_lossy(&req.body);
    let rest = body.strip_prefix(open).unwrap_or(&body);
    let sep = if rest.trim_start().starts_with(close) { "" } else { "," };
    let out = [open.to_string(), Value::String(member.to_owned()).to_string(), format!(":{text}{sep}{rest}")].concat();
    WireRequest::operation(out.into_bytes())
}

/// The script so far with page `req` (which followed `token`) taken in: page 1 and the first
/// later page are kept; `None` when the token is too long to paste. `later_sizes` are the
/// `MaxResults` of pages 2, 3, … of a walk that switches sizes.
fn script_of(
    so_far: Option<WalkScript>,
    req: &WireRequest,
    token: Option<&str>,
    later_sizes: &[i64],
) -> Option<WalkScript> {
    match (so_far, token) {
        (None, None) => Some(WalkScript {
            first: req.clone(),
            from_other_listing: false,
            next: None,
            later_sizes: later_sizes.to_vec(),
            pages: 1,
        }),
        (Some(s), Some(t)) if s.next.is_none() => {
            (t.len() <= SCRIPT_TOKEN_MAX).then(|| WalkScript { next: Some((req.clone(), t.to_owned())), ..s })
        }
        (Some(s), _) => Some(s),
        (None, Some(_)) => None,
    }
}

/// The repro of a walk `script` takes again, as a run's repro lines are written through `client`
/// (signing, host), labelled with the execution it asks for and `how` the walk was taken.
pub(super) fn script_repro(client: &Client, script: &WalkScript, how: &str) -> Option<String> {
    let id = script.first.json_body().and_then(|b| b.get(input::WINDOW_EXECUTION_ID).cloned());
    let exec = id.and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
    crate::repro::walk_script(&|r| client.repro(r), script, &format!("walk of {exec} with {how}"))
}

/// Walks one execution's listings, recording every exchange for the always-on checks.
pub(super) struct Walker<'a> {
    pub(super) client: &'a Client,
    pub(super) exec: &'a str,
    pub(super) stop: &'a StopFlag,
    pub(super) observations: Observations,
    pub(super) summaries: Vec<WalkSummary>,
    /// Why a request was given up (the endpoint throttled every attempt): the relations that
    /// walked here are then not evaluated, whatever they compared.
    pub(super) throttled: Option<String>,
    /// How many items the execution's unfiltered listing holds, once a walk has seen them all:
    /// what bounds a filtered walk's pages.
    pub(super) unfiltered_items: Option<usize>,
}

impl Walker<'_> {
    /// Walks every page at `size`, under `filter` (its label and its JSON) if given.
    pub(super) async fn walk(&mut self, size: Option<i64>, filter: Option<(&str, &Value)>) -> Walked {
        self.walk_as(&WalkPlan::plain(&[size], filter)).await
    }

    /// Walks every page as `plan` says.
    pub(super) async fn walk_as(&mut self, plan: &WalkPlan<'_>) -> Walked {
        let mut state = WalkProgress::default();
        let token = plan.start.map(|s| s.token.to_owned());
        let mut last_answer = None;
        // A script takes the walk again where its later pages are asked for alike.
        let later_sizes = plan.later_sizes();
        let scriptable = later_sizes.is_some();
        let later_sizes = later_sizes.unwrap_or_default();
        let mut script = plan.script_start(self.exec);
        let varied = plan.description();
        let filtered = plan.filter.is_some_and(|(_, f)| f.as_array().is_none_or(|a| !a.is_empty()));
        let listing =
            if filtered { Listing::Filtered { unfiltered_items: self.unfiltered_items } } else { Listing::Unfiltered };
        let label = PaginationWalk {
            page_size: plan.sizes[0],
            varied: varied.clone(),
            pages: Vec::new(),
            end: WalkEnd::Complete,
            listing,
        }
        .label();
        let first = plan.request(self.exec, 1, token.as_deref());
        script = scriptable.then(|| script_of(script.take(), &first, token.as_deref(), &later_sizes)).flatten();
        let (client, stop, exec) = (self.client, self.stop, self.exec);
        let plain_first = plan.start.is_none() && plan.writing == Writing::Plain;
        let sent = walk_pages(client, Some(stop), first, |page_no, req, resp| {
            let at = format!("walk of {exec} with {label}, page {page_no}");
            let resp = Received::new(&resp);
            self.observations.record(&|r| client.repro(r), &at, req, &resp);
            last_answer = Some((resp.status, resp.error_shape().resolved_type.clone()));
            match self.take_page(&mut state, plan.size_of_page(page_no).is_none() && plain_first, &resp) {
                Ok(Some(next)) => {
                    let req = plan.request(exec, page_no + 1, Some(&next));
                    script = scriptable.then(|| script_of(script.take(), &req, Some(&next), &later_sizes)).flatten();
                    NextPage::Follow(req)
                }
                Ok(None) => NextPage::End(WalkEnd::Complete),
                Err(end) => NextPage::End(end),
            }
        })
        .await;
        // A page throttled on every attempt: nothing to compare, the walk ends as an
        // interrupted one does (no finding).
        if let Some(why) = sent.throttled {
            self.throttled.get_or_insert(why);
        }
        let end = sent.end;
        let walk = PaginationWalk { page_size: plan.sizes[0], varied, pages: state.pages, end, listing };
        self.summaries.push(WalkSummary {
            execution_id: self.exec.to_owned(),
            page_size: walk.page_size,
            varied: walk.varied.clone(),
            pages: walk.pages.len(),
            items: state.items.len(),
        });
        let script = script.map(|s| WalkScript { pages: walk.pages.len().max(1), ..s });
        Walked { walk, items: state.items, first_token: state.first_token, last_answer, script }
    }

    /// Notes a request given up after every attempt was throttled (other errors are answers
    /// the relations judge).
    pub(super) fn note_throttled(&mut self, e: &crate::transport::TransportError) {
        if e.is_throttled() && self.throttled.is_none() {
            self.throttled = Some(e.to_string());
        }
    }

    /// Takes one page into the walk (`WalkProgress::take`), noting the EITHER choices it shows:
    /// the token to follow next, `None` at the end, or why the walk stops here. `default_size`
    /// says the page was asked for without `MaxResults`.
    fn take_page(
        &mut self,
        state: &mut WalkProgress,
        default_size: bool,
        resp: &Received,
    ) -> Result<Option<String>, WalkEnd> {
        if let (200, Ok(page)) = (resp.status, resp.page()) {
            if default_size && state.pages.is_empty() && page.next_token.is_some() {
                self.observations.chose(EitherRule::DefaultPageSize, format!("{} items", page.items.len()));
            }
            if page.next_token.is_none() {
                self.note_last_page(resp, page.items.is_empty() && !state.pages.is_empty());
            }
        }
        state.take(resp)
    }

    /// The EITHER choices a last page shows: how it says there is no next page, and whether it
    /// is a trailing empty page.
    fn note_last_page(&mut self, resp: &Received, trailing_empty: bool) {
        let form = match resp.json().ok().and_then(|v| v.get(output::NEXT_TOKEN)) {
            None => "absent",
            Some(Value::Null) => "null",
            Some(_) => "\"\"",
        };
        self.observations.chose(EitherRule::LastPageToken, form);
        if trailing_empty {
            self.observations.chose(EitherRule::TrailingEmptyPage, "yes");
        }
    }

    /// Follows `token` with another page size than the page that issued it: EITHER the walk goes
    /// on or a 400 client error; the page never holds more than the new size (the always-on
    /// page-size check reads the exchange).
    pub(super) async fn follow_with_size(&mut self, token: &str, size: i64) {
        let req = page_request(self.exec, Some(size), None, Some(token));
        let answer = self.client.send(&req).await;
        if let Err(e) = answer.as_ref().map(|_| ()) {
            self.note_throttled(e);
        }
        if let Ok(resp) = answer {
            let at = format!(
                "a token of {} from a page of {} followed with MaxResults {size}",
                self.exec,
                contract::MAX_RESULTS_MAX
            );
            self.observations.record(&|r| self.client.repro(r), &at, &req, &Received::new(&resp));
        }
    }

    /// Follows `token` once more at `size` and returns that page's item keys.
    pub(super) async fn reuse(&mut self, token: &str, size: i64) -> Result<Vec<String>, String> {
        let req = page_request(self.exec, Some(size), None, Some(token));
        let resp = self.client.send(&req).await.map_err(|e| {
            self.note_throttled(&e);
            e.to_string()
        })?;
        let at = format!("reuse of a token of {}", self.exec);
        let resp = Received::new(&resp);
        self.observations.record(&|r| self.client.repro(r), &at, &req, &resp);
        match resp.page() {
            Ok(p) if resp.status == 200 => Ok(p.items.iter().map(item_key).collect()),
            _ => Err(resp.summary()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_member_written_as_text_keeps_its_spelling_and_the_rest_of_the_body() {
        let plain = page_request("id", None, None, Some("t"));
        let req = with_member_text(&plain, input::MAX_RESULTS, "1e1");
        let text = String::from_utf8(req.body.clone()).unwrap();
        assert!(text.starts_with("{\"MaxResults\":1e1,"), "{text}");
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back[input::NEXT_TOKEN], "t");
        assert_eq!(back[input::MAX_RESULTS].as_f64(), Some(10.0));
        assert_eq!(req.header(contract::TARGET_HEADER), Some(contract::TARGET));
        let plan =
            WalkPlan { writing: Writing::Beside(input::NEXT_TOKEN, "null"), ..WalkPlan::plain(&[Some(10)], None) };
        let first = plan.request("id", 1, None).json_body().unwrap();
        assert_eq!(first[input::NEXT_TOKEN], Value::Null);
        let second = plan.request("id", 2, Some("t")).json_body().unwrap();
        assert_eq!(second[input::NEXT_TOKEN], "t", "a member the request carries is left as it is");
    }

    #[test]
    fn the_last_size_holds_for_every_later_page() {
        let plan = WalkPlan::plain(&[Some(100), Some(10)], None);
        assert_eq!(plan.size_of_page(1), Some(100));
        assert_eq!(plan.size_of_page(2), Some(10));
        assert_eq!(plan.size_of_page(7), Some(10));
    }
}
