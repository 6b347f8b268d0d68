//! Walks: a recorded walk replayed as a walk — its first request, then this endpoint's own
//! tokens to the end (each page asked for as the recording asked: a walk that switched its page
//! size or spelling mid-way switches at the same page) — each page judged, and the walk compared
//! with the recorded one ([`judge_walk`], pure) and with the unit's other walks of its listing.

use std::collections::BTreeSet;

use serde_json::Value;

use super::exchange::UnitKind;
use super::recording::{execution_id, max_results, max_results_text, next_token, recorded_pages, shape};
use super::rewrite::replace_json_string;
use super::{relabel, Replay, UnitVerdict};
use crate::check::pagination::{bounded, check_walks, Listing, PaginationWalk, WalkEnd, WalkProgress, MAX_WALK_PAGES};
use crate::check::CheckId;
use crate::contract::input;
use crate::finding::{Exchange, Finding};
use crate::request::WireRequest;
use crate::response::{Received, WireResponse};
use crate::transport::record::Recorded;
use crate::walk::{walk_pages, NextPage};

/// A walk as both endpoints gave it: each page's item keys and how it ended.
pub(super) struct WalkPair<'a> {
    pub(super) label: String,
    /// Filtered: a difference is a `filter-status` finding, else `pagination-walk`.
    pub(super) filtered: bool,
    pub(super) recorded: &'a [Vec<String>],
    /// Whether the recording followed the walk to its end.
    pub(super) recorded_complete: bool,
    pub(super) replayed: &'a PaginationWalk,
    /// Tasks the recording shows in a status not yet final: they may have moved on since
    /// (contract §8), so a filtered walk's items are compared without them.
    pub(super) live: &'a BTreeSet<String>,
}

/// A walk on its own (the pagination checks), and against the recorded walk when the data is
/// the same: the same items (a prefix of them when the recording stopped early).
pub(super) fn judge_walk(pair: &WalkPair<'_>, same_data: bool) -> (Vec<Finding>, Option<String>) {
    let mut findings = check_walks(std::slice::from_ref(pair.replayed), None);
    if !same_data || pair.replayed.end != WalkEnd::Complete {
        return (findings, None);
    }
    let settled = |k: &&String| !(pair.filtered && pair.live.contains(*k));
    let was: Vec<&String> = pair.recorded.iter().flatten().filter(settled).collect();
    let is: Vec<&String> = pair.replayed.pages.iter().flatten().filter(settled).collect();
    let check = if pair.filtered { CheckId::FilterStatus } else { CheckId::PaginationWalk };
    let (was_set, is_set): (BTreeSet<&String>, BTreeSet<&String>) =
        (was.iter().copied().collect(), is.iter().copied().collect());
    let compared: BTreeSet<&String> =
        if pair.recorded_complete { is_set.clone() } else { is_set.intersection(&was_set).copied().collect() };
    let missing = was_set.difference(&is_set).count();
    let extra = if pair.recorded_complete { is_set.difference(&was_set).count() } else { 0 };
    if missing + extra > 0 {
        findings.push(Finding::new(
            check,
            "the items the recorded endpoint listed for the same request",
            format!(
                "{}: {} items recorded, {} now ({missing} missing, {extra} extra)",
                pair.label,
                was.len(),
                is.len()
            ),
        ));
        return (findings, None);
    }
    let order =
        |items: &[&String]| items.iter().filter(|i| compared.contains(**i)).map(|i| (*i).clone()).collect::<Vec<_>>();
    let note = (order(&was) != order(&is)).then(|| {
        format!("{}: the same items in another order than the recording (any stable order is accepted)", pair.label)
    });
    (findings, note)
}

impl Replay<'_> {
    /// The request for page `n` (0-based) of a replayed walk: the recorded request of that page
    /// (or the last recorded continuation) with this endpoint's token in place of the recorded one.
    fn page_request(&self, pages: &[&Recorded], n: usize, token: &str) -> WireRequest {
        let template = pages.get(n).or_else(|| pages.last().filter(|_| pages.len() > 1)).copied();
        let recorded_token = template
            .and_then(|t| t.request.json_body())
            .and_then(|b| b.get(input::NEXT_TOKEN).and_then(Value::as_str).map(str::to_owned));
        match (template, recorded_token) {
            (Some(t), Some(old)) => {
                let (mut req, _) = self.rewrite(&t.request);
                req.body = replace_json_string(&req.body, &old, token);
                if let Some(now) = self.tokens.get(&bounded(&old)).map(|(now, _)| now.clone()) {
                    req.body = replace_json_string(&req.body, &now, token);
                }
                req
            }
            _ => {
                let (mut req, _) = self.rewrite(&pages[0].request);
                if let Ok(Value::Object(mut body)) = serde_json::from_slice::<Value>(&req.body) {
                    body.insert(input::NEXT_TOKEN.into(), Value::from(token));
                    req.body = Value::Object(body).to_string().into_bytes();
                }
                req
            }
        }
    }

    /// A recorded walk replayed as a walk: its first request, then this endpoint's own tokens to
    /// the end; each page judged, and the walk compared with the recorded one.
    /// `first_judged`: the first page's answer was judged already (a walk a single answer offers).
    pub(super) async fn walk(
        &mut self,
        unit: &str,
        pages: &[&Recorded],
        verdict: &mut UnitVerdict,
        first_judged: bool,
    ) {
        let first = self.rewrite(&pages[0].request).0;
        verdict.repro.get_or_insert_with(|| self.client.repro(&first));
        // A first request refused is a single answer (the oracle judged it), not a walk.
        if let Some(walked) = self.take_walk(unit, pages, verdict, first_judged).await {
            self.compare_walk(pages, &first, walked, verdict);
        }
    }

    /// A replayed walk on its own (the pagination checks) and against the recorded one (the
    /// same items when the data is the same); kept to compare with the unit's other walks of the
    /// same listing.
    pub(super) fn compare_walk(
        &mut self,
        pages: &[&Recorded],
        first: &WireRequest,
        walked: PaginationWalk,
        verdict: &mut UnitVerdict,
    ) {
        let (recorded, recorded_complete) = recorded_pages(pages);
        let body = first.json_body().unwrap_or(Value::Null);
        let filtered = body.get(input::FILTERS).is_some_and(|f| f.as_array().is_some_and(|a| !a.is_empty()));
        let pair = WalkPair {
            label: walked.label(),
            filtered,
            recorded: &recorded,
            recorded_complete,
            replayed: &walked,
            live: &self.live,
        };
        // A walk that starts from a token starts where that token points, which depends on the
        // page boundaries before it (the default page size is EITHER): its items are compared only
        // when it starts from the beginning.
        let from_start = body.get(input::NEXT_TOKEN).and_then(Value::as_str).is_none_or(str::is_empty);
        let (mut findings, note) = judge_walk(&pair, self.same_data && self.trusted && from_start);
        relabel(&mut findings, verdict.kind.check());
        if let WalkEnd::Refused { page, summary } = &walked.end {
            self.informational += 1;
            verdict.notes.push(format!(
                "{}: page {page} refused ({summary}) where its request changed, which the contract accepts; the recording went on",
                pair.label
            ));
        }
        verdict.findings.extend(findings);
        verdict.notes.extend(note.inspect(|_| self.informational += 1));
        // Walks of one listing within a unit are compared with each other, as the run's
        // relations compare them: the same items in the same order, whatever the page size.
        if from_start && walked.end == WalkEnd::Complete {
            let listing = (execution_id(first), crate::oracle::filters_key(&first.body));
            // A filtered listing's live tasks may enter or leave it between walks (§8).
            let mut walked = walked;
            if filtered {
                walked.pages = walked
                    .pages
                    .into_iter()
                    .map(|p| p.into_iter().filter(|k| !self.live.contains(k)).collect())
                    .collect();
            }
            verdict.walks.entry(listing).or_default().push(walked);
        }
    }

    /// One page of a replayed walk judged (the always-on checks and the oracle); whether its
    /// answer is accepted.
    fn judge_page(
        &mut self,
        unit: &str,
        (req, resp): (&WireRequest, &WireResponse),
        pages: &[&Recorded],
        n: usize,
        token: &Option<(String, String)>,
        verdict: &mut UnitVerdict,
    ) -> bool {
        self.observations.record(&|r| self.client.repro(r), unit, req, &Received::new(resp));
        let recorded = (n == 0).then_some(&pages[0].response);
        // A case's expectation is of its own request; the later pages of a walk its answer
        // offers are judged by the oracle alone.
        let kind = if n > 0 && matches!(verdict.kind, UnitKind::Case(_)) { &UnitKind::Other } else { &verdict.kind };
        let (check, findings, note) = self.judged_in_possible_worlds(req, recorded, resp, token.clone(), kind);
        let accepted = findings.is_empty();
        verdict.check.get_or_insert(check);
        verdict.findings.extend(findings);
        verdict.notes.extend(note.inspect(|_| self.informational += 1));
        accepted
    }

    /// The pages of a replayed walk, each judged; `None` when its first request was refused.
    /// A page whose request varied from the page before (the recording switched its size or
    /// spelling there) may be refused where the oracle accepts the refusal: the walk then ends
    /// `Refused`, not `Failed`.
    async fn take_walk(
        &mut self,
        unit: &str,
        pages: &[&Recorded],
        verdict: &mut UnitVerdict,
        first_judged: bool,
    ) -> Option<PaginationWalk> {
        let (first, first_token) = self.rewrite(&pages[0].request);
        let listing = Listing::of_request(&first);
        let exec = execution_id(&first);
        let first_size = max_results(&first);
        let mut sizes = vec![max_results_text(&first)];
        let (mut before, mut token) = (shape(&first), first_token);
        let mut progress = WalkProgress::default();
        let client = self.client;
        let sent = walk_pages(client, None, first, |page, req, resp| {
            let n = page - 1;
            let now = shape(req);
            let varied = n > 0 && now != before;
            let accepted = (n == 0 && first_judged) || self.judge_page(unit, (req, &resp), pages, n, &token, verdict);
            let taken = progress.take(&Received::new(&resp));
            verdict.exchange.get_or_insert_with(|| Exchange::capped(req.clone(), Ok(resp)));
            match taken {
                Ok(Some(next)) if n + 1 < MAX_WALK_PAGES => {
                    self.token_sizes.insert(bounded(&next), (max_results(req), crate::oracle::filters_key(&req.body)));
                    if let Some(old) = pages.get(n).and_then(|p| next_token(&p.response)) {
                        self.tokens.insert(bounded(&old), (next.clone(), exec.clone()));
                    }
                    let next_req = self.page_request(pages, n + 1, &next);
                    let size = max_results_text(&next_req);
                    if sizes.last() != Some(&size) {
                        sizes.push(size);
                    }
                    token = Some((next, exec.clone()));
                    before = now;
                    NextPage::Follow(next_req)
                }
                Ok(Some(_)) => NextPage::End(WalkEnd::PageLimit { pages: n + 1 }),
                Ok(None) => NextPage::End(WalkEnd::Complete),
                Err(WalkEnd::Failed { page, summary }) if varied && accepted => {
                    NextPage::End(WalkEnd::Refused { page, summary })
                }
                Err(end) => NextPage::End(end),
            }
        })
        .await;
        if let Some(why) = sent.throttled {
            verdict.throttled.get_or_insert(why);
        }
        let end = sent.end;
        if progress.pages.is_empty() {
            return None;
        }
        // A walk whose pages asked for different sizes has no one page size to bound it by.
        let (page_size, varied) = match sizes.as_slice() {
            [_] => (first_size, format!("replayed walk of {exec}")),
            _ => (None, format!("replayed walk of {exec}, MaxResults {} page by page", sizes.join(", "))),
        };
        let varied = Some(varied);
        Some(PaginationWalk { page_size, varied, pages: progress.pages, end, listing })
    }
}
