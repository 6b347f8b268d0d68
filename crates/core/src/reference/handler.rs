//! The reference endpoint as a pure function: [`WireRequest`] → [`WireResponse`]. The HTTP layer
//! only wraps it, so tests and fuzz targets call it in-process.
//!
//! It answers faithfully, making the EITHER choices its [`Choices`] say. A fault either changes
//! how a request is read, validated, filtered or paginated (a `has(Fault::…)` branch where that
//! happens) or deforms the faithful answer afterwards (`deform.rs`).

use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{json, Map, Value};

use super::answer::{request_id, Reply};
use super::choices::{Choices, ForeignToken, LastPageToken, Order, UnknownMembers, UnsupportedFilter};
use super::fault::Fault;
use super::fixtures::{fixtures, ExecutionFixture, TaskFixture};
use super::token::{self, TokenState};
use super::validate::{self, FilterInput, OperationInput};
use super::variant::Variant;
use crate::contract::{self, error_type, input, output};
use crate::request::WireRequest;
use crate::response::WireResponse;

/// The page size when `MaxResults` is absent (the contract allows any size up to 100).
pub const DEFAULT_PAGE_SIZE: usize = Choices::FAITHFUL.default_page_size;

/// The reference endpoint: the fixture set, its choices, at most one fault, and a request
/// counter.
#[derive(Debug)]
pub struct Reference {
    executions: Vec<ExecutionFixture>,
    /// The windows the family's listings answer for (`executions.rs`).
    windows: Vec<super::executions::WindowFixture>,
    /// The second operation's fault, if any.
    executions_fault: Option<super::executions::ExecutionsFault>,
    choices: Choices,
    fault: Option<Fault>,
    variant: Option<Variant>,
    requests: AtomicU64,
}

/// Where a page resumes a walk: its offset, and the filter fingerprint its next token binds.
struct Resume {
    offset: usize,
    fingerprint: String,
}

/// Where a page starts and how much it takes, before the page is cut from the listing.
struct PagePlan {
    offset: usize,
    size: usize,
}

impl Reference {
    /// A faithful reference (`fault: None`) or one with exactly one deviation.
    pub fn new(fault: Option<Fault>) -> Reference {
        let executions = fixtures();
        let reference = Reference {
            windows: super::executions::windows(&executions),
            executions_fault: None,
            executions,
            choices: Choices::FAITHFUL,
            fault,
            variant: None,
            requests: AtomicU64::new(0),
        };
        reference.with_habits(super::habits::Habits::NONE)
    }

    /// A conformant reference that makes another of the contract's accepted choices.
    pub fn with_variant(variant: Variant) -> Reference {
        let choices = variant.choices();
        let mut executions = fixtures();
        if choices.timestamps_exponent {
            super::fixtures::spell_timestamps_with_exponents(&mut executions);
        }
        Reference { choices, variant: Some(variant), executions, ..Reference::new(None) }
    }

    /// The same reference with the HTTP layer's `habits` (throttling, latency, ...) in front:
    /// a fault or a variant behind a throttling layer.
    pub fn with_habits(mut self, mut habits: super::habits::Habits) -> Reference {
        if self.fault == Some(Fault::ThrottleTypeHeaderOnly) {
            // The fault is in how it throttles, whatever throttles the habits add; and it must
            // throttle to show it, on every run however fast: every 20th request, once.
            let form = crate::contract::ThrottleForm::HeaderOnly;
            habits.throttle = habits.throttle.map(|t| super::habits::Throttle { form, ..t });
            habits.throttle_once = Some(super::habits::ThrottleOnce { form, every: 20 });
        }
        self.choices.habits = habits;
        self
    }

    /// A faithful reference but for one fault of the second operation.
    pub fn with_executions_fault(fault: super::executions::ExecutionsFault) -> Reference {
        Reference { executions_fault: Some(fault), ..Reference::new(None) }
    }

    /// A conformant reference whose second operation makes another of §9's accepted choices.
    pub fn with_executions_variant(variant: super::executions::ExecutionsVariant) -> Reference {
        let choices = Choices { executions: variant.choices(), ..Choices::FAITHFUL };
        Reference { choices, ..Reference::new(None) }
    }

    /// The second operation's fault it serves with, if any.
    pub fn executions_fault(&self) -> Option<super::executions::ExecutionsFault> {
        self.executions_fault
    }

    /// The variant it serves with, if any.
    pub fn variant(&self) -> Option<Variant> {
        self.variant
    }

    /// The fault it serves with, if any.
    pub fn fault(&self) -> Option<Fault> {
        self.fault
    }

    /// The EITHER choices it makes.
    pub fn choices(&self) -> &Choices {
        &self.choices
    }

    /// The fixture executions it serves.
    pub fn executions(&self) -> &[ExecutionFixture] {
        &self.executions
    }

    /// What placeholders resolve to against this reference, in-process: its executions (largest
    /// first, the one with no tasks last), `random_id`, and a real token from the first one's
    /// page 1.
    pub fn bindings(&self, random_id: &str) -> crate::request::Bindings {
        let execution_ids: Vec<String> = self.executions.iter().map(|e| e.window_execution_id.clone()).collect();
        let next_token = execution_ids.first().and_then(|exec| {
            let first = self.handle(&WireRequest::json(
                &json!({ input::WINDOW_EXECUTION_ID: exec, input::MAX_RESULTS: contract::MAX_RESULTS_MIN }),
            ));
            crate::response::next_token_of(&first)
        });
        crate::request::Bindings { execution_ids, random_id: random_id.to_owned(), next_token }
    }

    fn has(&self, f: Fault) -> bool {
        self.fault == Some(f)
    }

    /// Whether a known id in another letter case is found: as the choices say, or, under
    /// `id-case-first-page-only`, on a first page only.
    fn folds_id_case(&self, inp: &OperationInput) -> bool {
        self.choices.ids_case_insensitive
            || self.has(Fault::IdCaseIgnoresFilters)
            || (self.has(Fault::IdCaseFirstPageOnly) && inp.next_token.is_none())
    }

    /// Whether the HTTP layer must drop the connection instead of answering `req` (the
    /// `drops-many-filter-values` fault: no answer at all, which a pure answer cannot say).
    pub fn drops_connection(&self, req: &WireRequest) -> bool {
        const MANY: std::ops::RangeInclusive<usize> = 8..=11;
        self.has(Fault::DropsManyFilterValues)
            && serde_json::from_slice::<Value>(&req.body).ok().is_some_and(|body| {
                body.get(input::FILTERS).and_then(Value::as_array).is_some_and(|filters| {
                    filters.iter().any(|f| {
                        f.get(input::FILTER_VALUES).and_then(Value::as_array).is_some_and(|v| MANY.contains(&v.len()))
                    })
                })
            })
    }

    /// Answers one request.
    pub fn handle(&self, req: &WireRequest) -> WireResponse {
        let n = self.requests.fetch_add(1, Ordering::Relaxed);
        let mut resp = self.reply(req).into_response(Some(request_id(n)), self.choices.error_type_header);
        if let Some(deform) = self.fault.and_then(|f| f.info().deform) {
            deform(req, &mut resp);
        }
        resp
    }

    fn error(&self, status: u16, ty: &str, message: Option<String>) -> Reply {
        Reply::error(&self.choices, status, ty, message)
    }

    /// Malformed JSON or a wrongly typed member.
    fn serialization_error(&self) -> Reply {
        let message = (self.choices.wrong_type_error != error_type::SERIALIZATION)
            .then(|| "The request body could not be read as the operation's input.".to_owned());
        self.error(400, self.choices.wrong_type_error, message)
    }

    fn reply(&self, req: &WireRequest) -> Reply {
        if !req.method.eq_ignore_ascii_case("POST") || req.path.split('?').next() != Some("/") {
            return self.error(404, error_type::UNKNOWN_OPERATION, None);
        }
        if !self.has(Fault::UnknownOperationServed) {
            if let Some(reply) = super::discovery::answer(req, &self.choices, &self.windows, self.executions_fault) {
                return reply;
            }
        }
        if req.header(contract::TARGET_HEADER) != Some(contract::TARGET) && !self.has(Fault::UnknownOperationServed) {
            return self.error(self.choices.unknown_operation_status, error_type::UNKNOWN_OPERATION, None);
        }
        let obj = if req.body.iter().all(u8::is_ascii_whitespace) {
            Map::new() // an empty body is read as {}
        } else {
            match serde_json::from_slice(&req.body) {
                Ok(Value::Object(obj)) => obj,
                _ => return self.serialization_error(),
            }
        };
        let with_token = obj.get(input::NEXT_TOKEN).is_some_and(|t| !t.is_null());
        let integral_floats =
            self.choices.integral_floats || (self.has(Fault::IntegralFloatFirstPageOnly) && !with_token);
        let Ok(mut inp) = validate::read_input(&obj, self.fault, integral_floats) else {
            return self.serialization_error();
        };
        if self.has(Fault::UnknownMemberDropsToken) && unknown_member(&obj).is_some() {
            inp.next_token = None;
        }
        if self.has(Fault::IdLengthTruncated) {
            if let Some(id) = inp.window_execution_id.as_mut() {
                *id = id.chars().take(contract::ID_LENGTH).collect();
            }
        }
        if self.choices.unknown_members == UnknownMembers::Rejected {
            if let Some(k) = unknown_member(&obj) {
                return self.error(400, error_type::VALIDATION, Some(format!("Unknown member {k}.")));
            }
        }
        let items = validate::violations(&inp, self.fault);
        if !items.is_empty() {
            let message = validate::message(&items, self.fault, self.choices.validation_items);
            return self.error(400, error_type::VALIDATION, Some(message));
        }
        let id = inp.window_execution_id.as_deref().unwrap_or_default();
        let other_case =
            |e: &&ExecutionFixture| e.window_execution_id != id && e.window_execution_id.eq_ignore_ascii_case(id);
        if self.has(Fault::IdOtherCase500) && self.executions.iter().any(|e| other_case(&e)) {
            return Reply::internal_error();
        }
        let found = self
            .executions
            .iter()
            .find(|e| e.window_execution_id == id || (self.folds_id_case(&inp) && other_case(e)))
            .filter(|e| !(self.has(Fault::EmptyExecutionUnknown) && e.tasks.is_empty()));
        match found {
            Some(exec) if self.choices.live_executions => {
                let now = super::fixtures::advanced(exec, self.requests.load(Ordering::Relaxed));
                self.list(&now, &inp).unwrap_or_else(|reply| reply)
            }
            Some(exec) => self.list(exec, &inp).unwrap_or_else(|reply| reply),
            // An execution another fixture window lists holds no tasks, but it exists.
            None if !self.has(Fault::EmptyExecutionUnknown) && self.listed_elsewhere(id).is_some() => {
                let exec = self.listed_elsewhere(id).unwrap_or_else(|| unreachable!("checked in the guard"));
                self.list(&exec, &inp).unwrap_or_else(|reply| reply)
            }
            None => {
                let id = inp.window_execution_id.clone().unwrap_or_default();
                let message = format!("Maintenance window execution {id} does not exist");
                self.error(400, error_type::DOES_NOT_EXIST, Some(message))
            }
        }
    }

    /// The execution `id` as an execution with no tasks, when a fixture window lists it but it
    /// is none of the first operation's fixtures (the third window's).
    fn listed_elsewhere(&self, id: &str) -> Option<ExecutionFixture> {
        self.windows.iter().flat_map(|w| &w.executions).find(|e| e.window_execution_id == id).map(|e| {
            ExecutionFixture { label: "listed", window_execution_id: e.window_execution_id.clone(), tasks: Vec::new() }
        })
    }

    /// The fixture windows the family's listings answer for.
    pub fn windows(&self) -> &[super::executions::WindowFixture] {
        &self.windows
    }

    /// One page of `exec`'s tasks, or the client error the request earns.
    fn list(&self, exec: &ExecutionFixture, inp: &OperationInput) -> Result<Reply, Reply> {
        let spelt_otherwise = inp.window_execution_id.as_deref() != Some(exec.window_execution_id.as_str());
        let filters = if self.has(Fault::IdCaseIgnoresFilters) && spelt_otherwise {
            &[][..]
        } else {
            inp.filters.as_deref().unwrap_or(&[])
        };
        let statuses = self.status_filters(filters)?;
        let mut tasks: Vec<&TaskFixture> = match &statuses {
            Some(sets) if self.has(Fault::FilterValueRepeatedDoubles) => exec
                .tasks
                .iter()
                .filter(|t| self.matches(sets, t.status))
                .flat_map(|t| {
                    let times =
                        sets.iter().map(|set| set.iter().filter(|v| *v == t.status).count()).max().unwrap_or(1).max(1);
                    std::iter::repeat_n(t, times)
                })
                .collect(),
            // No filter: every task, without asking each whether it matches.
            Some(sets) if sets.is_empty() => exec.tasks.iter().collect(),
            Some(sets) => exec.tasks.iter().filter(|t| self.matches(sets, t.status)).collect(),
            None => Vec::new(), // a filter applied as written that nothing can match
        };
        let statuses_for_cut = statuses.clone().filter(|sets| !sets.is_empty());
        let fingerprint = filter_fingerprint(&statuses.unwrap_or_default());
        let mut all: Vec<&TaskFixture> = exec.tasks.iter().collect();
        if (self.has(Fault::UnstableOrder) && inp.max_results.is_none()) || self.choices.order == Order::Reversed {
            tasks.reverse();
            all.reverse();
        }
        if self.choices.filters_after_cut && statuses_for_cut.is_some() {
            // The walk's offsets are the unfiltered listing's.
            tasks.clone_from(&all);
        }
        // Faults may let MaxResults through unchecked; a page of 0 would never end.
        let asked = inp.max_results.map_or(self.choices.default_page_size, |n| n.clamp(1, 10_000) as usize);
        let resume = self.resume(inp.next_token.as_deref(), exec, fingerprint, tasks.len(), asked)?;
        let offset = resume.offset;
        let size =
            if self.has(Fault::TokenKeepsPageSize) && offset > 0 { contract::MAX_RESULTS_MAX as usize } else { asked };
        let (items, next) = match (&statuses_for_cut, self.choices.filters_after_cut) {
            // Cut from the unfiltered listing, then filtered: a page may be short or empty.
            (Some(sets), true) => {
                let (page, next) = self.page(exec, &all, PagePlan { offset, size });
                (page.into_iter().filter(|t| self.matches(sets, t.status)).collect(), next)
            }
            _ => self.page(exec, &tasks, PagePlan { offset, size }),
        };
        let next_token = match next {
            Some(o) => {
                // Under `token-counts-pages` the token holds a page count, not an offset.
                let o = if self.has(Fault::TokenCountsPages) { o / size } else { o };
                let execution_id = exec.window_execution_id.clone();
                let state = TokenState { execution_id, filters: resume.fingerprint, offset: o, page_size: size };
                let short = token::encode(&state);
                Some(Value::String(if self.choices.long_tokens { token::lengthen(&short) } else { short }))
            }
            None => match self.choices.last_page_token {
                LastPageToken::Absent => None,
                LastPageToken::Empty => Some(Value::String(String::new())),
                LastPageToken::Null => Some(Value::Null),
            },
        };
        Ok(Reply::success_bytes(self.page_body(&items, next_token.as_ref())))
    }

    /// The body of a page: `{"WindowExecutionTaskIdentities":[…],"NextToken":…}`, byte for byte
    /// what serialising it as a `Value` gives, from each item's prepared bytes.
    fn page_body(&self, items: &[&TaskFixture], next_token: Option<&Value>) -> Vec<u8> {
        let mut body = Vec::with_capacity(64 + items.iter().map(|t| t.item_json.len() + 1).sum::<usize>());
        body.push(b'{');
        if !(items.is_empty() && self.choices.empty_list_omitted) {
            body.extend_from_slice(b"\"");
            body.extend_from_slice(output::ITEMS.as_bytes());
            body.extend_from_slice(b"\":[");
            for (i, task) in items.iter().enumerate() {
                if i > 0 {
                    body.push(b',');
                }
                let json = task.item_json.as_bytes();
                if self.choices.absent_members_null {
                    // Each absent optional member as null, after the others (as a map's
                    // `entry().or_insert` appends it); not by re-parsing, which rounds floats.
                    body.extend_from_slice(&json[..json.len() - 1]);
                    for m in output::OPTIONAL_ITEM_MEMBERS {
                        if !task.item_json.contains(&format!("\"{m}\":")) {
                            body.extend_from_slice(format!(",\"{m}\":null").as_bytes());
                        }
                    }
                    body.push(b'}');
                } else {
                    body.extend_from_slice(json);
                }
            }
            body.push(b']');
        }
        if let Some(token) = next_token {
            if body.len() > 1 {
                body.push(b',');
            }
            body.extend_from_slice(format!("\"{}\":{token}", output::NEXT_TOKEN).as_bytes());
        }
        body.push(b'}');
        body
    }

    /// Where a page starts (from `token`, asked with page size `size`) and the filter fingerprint
    /// its next token binds, or the client error for a token this request cannot use.
    fn resume(
        &self,
        token: Option<&str>,
        exec: &ExecutionFixture,
        fingerprint: String,
        len: usize,
        size: usize,
    ) -> Result<Resume, Reply> {
        let invalid = |message: &str| self.error(400, error_type::INVALID_NEXT_TOKEN, Some(message.to_owned()));
        let at = |offset: usize| Ok(Resume { offset, fingerprint: fingerprint.clone() });
        let state = match token {
            Some("") if self.choices.empty_next_token_rejected => {
                return Err(invalid("The specified token isn't valid."))
            }
            None | Some("") => return at(0),
            Some(_) if self.has(Fault::NextTokenIgnored) => return at(0),
            Some(t) if self.choices.long_tokens => match token::shorten(t).and_then(|t| token::decode(&t)) {
                Some(state) => state,
                None => return Err(invalid("The specified token isn't valid.")),
            },
            Some(t) => match token::decode(t) {
                Some(state) => state,
                None if self.has(Fault::GarbageTokenAccepted) => return at(0),
                None => return Err(invalid("The specified token isn't valid.")),
            },
        };
        if self.choices.token_binds_page_size && state.page_size != size {
            return Err(invalid("The token was issued for another page size."));
        }
        let own = state.execution_id == exec.window_execution_id && state.filters == fingerprint;
        let offset = if self.has(Fault::TokenCountsPages) { state.offset * size } else { state.offset };
        if own && state.offset <= len {
            at(offset.min(len))
        } else if self.has(Fault::ForeignTokenRestarts) && state.execution_id == exec.window_execution_id {
            Ok(Resume { offset: 0, fingerprint: state.filters })
        } else if self.choices.foreign_token == ForeignToken::Honoured {
            at(offset.min(len))
        } else {
            Err(invalid("The token was issued for another request."))
        }
    }

    /// The items of one page and the offset of the next, if there is one.
    fn page<'t>(
        &'t self,
        exec: &ExecutionFixture,
        tasks: &[&'t TaskFixture],
        plan: PagePlan,
    ) -> (Vec<&'t TaskFixture>, Option<usize>) {
        let PagePlan { offset, size } = plan;
        let (start, take) = if offset > 0 && self.has(Fault::PaginationDropsItem) {
            (offset + 1, size.saturating_sub(1))
        } else if offset > 0 && self.has(Fault::PaginationDuplicatesItem) {
            (offset - 1, size)
        } else if self.has(Fault::PageOverMaxResults) {
            (offset, size + 1)
        } else {
            (offset, size)
        };
        let start = start.min(tasks.len());
        let end = (start + take).min(tasks.len());
        let mut page: Vec<&TaskFixture> = tasks[start..end].to_vec();
        if self.has(Fault::LeaksOtherExecution) && offset == 0 {
            self.leak_other_execution(exec, &mut page);
        }
        let next_offset = if self.has(Fault::PaginationDuplicatesItem) && offset > 0 { end } else { offset + size };
        let next = if next_offset < tasks.len() {
            Some(next_offset)
        } else if self.has(Fault::LastPageTokenLoops) {
            Some(0)
        } else if self.choices.trailing_empty_page && offset < tasks.len() {
            // The page holding the last item still carries a token; it leads to one empty page.
            Some(tasks.len())
        } else {
            None
        };
        (page, next)
    }

    /// The `leaks-other-execution` fault: the page's last item is another execution's task.
    fn leak_other_execution<'t>(&'t self, exec: &ExecutionFixture, page: &mut Vec<&'t TaskFixture>) {
        let other =
            self.executions.iter().find(|e| e.window_execution_id != exec.window_execution_id && !e.tasks.is_empty());
        if let Some(other) = other {
            let leaked = &other.tasks[0]; // its item names its own execution
            match page.last_mut() {
                Some(last) => *last = leaked,
                None => page.push(leaked),
            }
        }
    }

    /// The STATUS filters as sets of statuses; `None` when a filter applied as written matches
    /// nothing; or the client error for an unsupported filter.
    fn status_filters(&self, filters: &[FilterInput]) -> Result<Option<Vec<Vec<String>>>, Reply> {
        if self.has(Fault::FilterIgnored) {
            return Ok(Some(Vec::new()));
        }
        let applied = self.choices.unsupported_filter == UnsupportedFilter::AppliedAsWritten;
        let mut sets = Vec::with_capacity(filters.len());
        let folded = self.has(Fault::FilterCaseInsensitive);
        for f in filters {
            let key = f.key.as_deref().unwrap_or("");
            let is_status =
                key == contract::STATUS_FILTER_KEY || (folded && key.eq_ignore_ascii_case(contract::STATUS_FILTER_KEY));
            if !is_status {
                if self.has(Fault::FilterUnknownKey500) {
                    return Err(Reply::internal_error());
                }
                return if applied { Ok(None) } else { Err(self.unsupported_filter("key", key)) };
            }
            let upper: Vec<String>;
            let values = match f.values.as_deref() {
                Some(vs) if folded => {
                    upper = vs.iter().map(|v| v.to_ascii_uppercase()).collect();
                    &upper[..]
                }
                vs => vs.unwrap_or(&[]),
            };
            let valid = |v: &String| {
                contract::is_filterable_status(v)
                    || (v == contract::SKIPPED_OVERLAPPING && self.choices.skipped_overlapping_filter)
            };
            if applied {
                // Applied as written: unknown values match nothing, known ones still match.
                let known: Vec<String> = values.iter().filter(|v| valid(v)).cloned().collect();
                if known.is_empty() {
                    return Ok(None);
                }
                sets.push(known);
                continue;
            }
            if values.is_empty() {
                let message = "A STATUS filter needs at least one value.".to_owned();
                return Err(self.error(400, error_type::VALIDATION, Some(message)));
            }
            if let Some(bad) = values.iter().find(|v| !valid(v)) {
                return Err(self.unsupported_filter("value", bad));
            }
            sets.push(values.to_vec());
        }
        Ok(Some(sets))
    }

    /// The client error for an unsupported filter key or value, as the choices say.
    fn unsupported_filter(&self, what: &str, found: &str) -> Reply {
        if self.choices.unsupported_filter == UnsupportedFilter::TypedError {
            let ty = if what == "key" { "InvalidFilterKey" } else { "InvalidFilterValue" };
            return self.error(400, ty, Some(format!("The filter {what} {found:?} is not valid.")));
        }
        let message = if what == "key" {
            format!("The filter key {found:?} is not supported; the supported key is {}.", contract::STATUS_FILTER_KEY)
        } else {
            format!("The filter value {found:?} is not a status; valid values are {}.", contract::STATUSES.join(", "))
        };
        self.error(400, error_type::VALIDATION, Some(message))
    }

    fn matches(&self, sets: &[Vec<String>], status: &str) -> bool {
        let in_set = |set: &Vec<String>| {
            if self.has(Fault::FilterValuesAnded) {
                set.iter().all(|v| v == status)
            } else {
                set.iter().any(|v| v == status)
            }
        };
        if sets.is_empty() {
            true
        } else if self.has(Fault::FiltersOred) {
            sets.iter().any(in_set)
        } else {
            sets.iter().all(in_set)
        }
    }
}

/// The first unknown member of the request or of one of its filters.
fn unknown_member(obj: &Map<String, Value>) -> Option<String> {
    if let Some(k) = obj.keys().find(|k| !input::MEMBERS.contains(&k.as_str())) {
        return Some(k.clone());
    }
    let filters = obj.get(input::FILTERS)?.as_array()?;
    filters
        .iter()
        .filter_map(Value::as_object)
        .flat_map(|f| f.keys())
        .find(|k| *k != input::FILTER_KEY && *k != input::FILTER_VALUES)
        .cloned()
}

/// A canonical form of the filter sets, bound into tokens.
fn filter_fingerprint(sets: &[Vec<String>]) -> String {
    let mut parts: Vec<String> = sets
        .iter()
        .map(|s| {
            let mut v = s.clone();
            v.sort();
            v.dedup();
            v.join(",")
        })
        .collect();
    parts.sort();
    parts.join(";")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The page a `Value` would have been, serialised: the fixtures' items from `seen` on (with
    /// the optional members as null where the choices say so) and the answer's own token.
    fn expected_page(reference: &Reference, exec: &ExecutionFixture, seen: usize, answer: &Value) -> String {
        let mut body = Map::new();
        let count = answer.get(output::ITEMS).and_then(Value::as_array).map(Vec::len);
        if let Some(count) = count {
            let items = exec.tasks[seen..seen + count].iter().map(|t| {
                let mut item = t.to_item(&exec.window_execution_id);
                if reference.choices().absent_members_null {
                    for m in output::OPTIONAL_ITEM_MEMBERS {
                        item.as_object_mut().expect("an object").entry(m).or_insert(Value::Null);
                    }
                }
                item
            });
            body.insert(output::ITEMS.into(), Value::Array(items.collect()));
        }
        if let Some(token) = answer.get(output::NEXT_TOKEN) {
            body.insert(output::NEXT_TOKEN.into(), token.clone());
        }
        Value::Object(body).to_string()
    }

    /// Every page body, written from prepared bytes, is byte for byte what serialising the page
    /// as a `Value` gives, for the faithful reference and each variant that changes how a page is
    /// written.
    #[test]
    fn page_bodies_are_the_values_serialised() {
        let references = [
            Reference::new(None),
            Reference::with_variant(Variant::OptionalMembersNull),
            Reference::with_variant(Variant::EmptyListOmitted),
            Reference::with_variant(Variant::LastPageTokenEmpty),
            Reference::with_variant(Variant::LastPageTokenNull),
        ];
        for reference in &references {
            for exec in reference.executions() {
                let (mut token, mut seen) = (None::<String>, 0);
                loop {
                    let mut body =
                        json!({ input::WINDOW_EXECUTION_ID: exec.window_execution_id, input::MAX_RESULTS: 37 });
                    if let Some(t) = &token {
                        body[input::NEXT_TOKEN] = json!(t);
                    }
                    let resp = reference.handle(&WireRequest::json(&body));
                    let text = String::from_utf8_lossy(&resp.body).into_owned();
                    let answer: Value = serde_json::from_str(&text).expect("JSON");
                    let expected = expected_page(reference, exec, seen, &answer);
                    assert!(
                        resp.status == 200 && text == expected,
                        "{:?}: {}",
                        reference.variant(),
                        crate::response::excerpt(&text, 200)
                    );
                    seen += answer.get(output::ITEMS).and_then(Value::as_array).map_or(0, Vec::len);
                    token = answer
                        .get(output::NEXT_TOKEN)
                        .and_then(Value::as_str)
                        .filter(|t| !t.is_empty())
                        .map(str::to_owned);
                    if token.is_none() {
                        break;
                    }
                }
                assert_eq!(seen, exec.tasks.len());
            }
        }
    }
}
