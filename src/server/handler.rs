//! The reference endpoint as a pure function: [`WireRequest`] → [`WireResponse`]. The HTTP layer
//! only wraps it, so tests and fuzz targets call it in-process.

use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{json, Map, Value};

use super::fault::Fault;
use super::fixtures::{fixtures, ExecutionFixture, TaskFixture};
use super::token::{self, TokenState};
use super::validate::{self, FilterInput, OperationInput};
use super::variant::Variant;
use crate::contract::{self, error_type, output};
use crate::request::WireRequest;
use crate::response::WireResponse;

/// The page size when `MaxResults` is absent (the contract allows any size up to 100).
pub const DEFAULT_PAGE_SIZE: usize = 10;

/// The reference endpoint: the fixture set, at most one fault or one variant, and a request
/// counter.
#[derive(Debug)]
pub struct Reference {
    executions: Vec<ExecutionFixture>,
    fault: Option<Fault>,
    variant: Option<Variant>,
    requests: AtomicU64,
}

/// A response under construction: status, body, whether it is an error.
struct Reply {
    status: u16,
    body: Vec<u8>,
    content_type: &'static str,
    error_type: Option<&'static str>,
}

impl Reference {
    /// A faithful reference (`fault: None`) or one with exactly one deviation.
    pub fn new(fault: Option<Fault>) -> Reference {
        Reference { executions: fixtures(), fault, variant: None, requests: AtomicU64::new(0) }
    }

    /// A conformant reference that makes another of the contract's accepted choices.
    pub fn with_variant(variant: Variant) -> Reference {
        Reference { variant: Some(variant), ..Reference::new(None) }
    }

    /// The variant it serves with, if any.
    pub fn variant(&self) -> Option<Variant> {
        self.variant
    }

    fn is(&self, v: Variant) -> bool {
        self.variant == Some(v)
    }

    /// The fixture executions it serves.
    pub fn executions(&self) -> &[ExecutionFixture] {
        &self.executions
    }

    /// What placeholders resolve to against this reference, in-process: its executions that
    /// hold tasks (largest first), `random_id`, and a real token from the first one's page 1.
    pub fn bindings(&self, random_id: &str) -> crate::request::Bindings {
        let execution_ids: Vec<String> =
            self.executions.iter().filter(|e| !e.tasks.is_empty()).map(|e| e.window_execution_id.clone()).collect();
        let next_token = execution_ids.first().and_then(|exec| {
            let first = self.handle(&WireRequest::json(
                &json!({ contract::input::WINDOW_EXECUTION_ID: exec, contract::input::MAX_RESULTS: 10 }),
            ));
            crate::response::Page::of(&first).ok()?.next_token
        });
        crate::request::Bindings { execution_ids, random_id: random_id.to_owned(), next_token }
    }

    /// The fault it serves with, if any.
    pub fn fault(&self) -> Option<Fault> {
        self.fault
    }

    fn has(&self, f: Fault) -> bool {
        self.fault == Some(f)
    }

    /// Answers one request.
    pub fn handle(&self, req: &WireRequest) -> WireResponse {
        let n = self.requests.fetch_add(1, Ordering::Relaxed);
        let reply = self.reply(req);
        let mut headers = vec![("Content-Type".to_owned(), reply.content_type.to_owned())];
        if !self.has(Fault::RequestIdMissing) {
            headers.push((contract::REQUEST_ID_HEADER.to_owned(), request_id(n)));
        }
        if let Some(t) = reply.error_type.filter(|_| !self.is(Variant::NoErrorTypeHeader)) {
            headers.push((contract::ERROR_TYPE_HEADER.to_owned(), t.to_owned()));
        }
        WireResponse { status: reply.status, headers, body: reply.body }
    }

    fn reply(&self, req: &WireRequest) -> Reply {
        if self.has(Fault::NotImplementedHtml500) {
            return Reply {
                status: 500,
                body: MOTO_500_PAGE.as_bytes().to_vec(),
                content_type: "text/html; charset=utf-8",
                error_type: None,
            };
        }
        if self.has(Fault::NotImplemented501) {
            let body = json!({"__type": error_type::INTERNAL_FAILURE, "message": "The describe_maintenance_window_execution_tasks action has not been implemented"});
            return Reply {
                status: 501,
                body: body.to_string().into_bytes(),
                content_type: contract::CONTENT_TYPE,
                error_type: None,
            };
        }
        if !req.method.eq_ignore_ascii_case("POST") || req.path.split('?').next() != Some("/") {
            return self.error(404, error_type::UNKNOWN_OPERATION, None);
        }
        if req.header("x-amz-target") != Some(contract::TARGET) && !self.has(Fault::UnknownOperationServed) {
            let status = if self.is(Variant::UnknownOperation404) { 404 } else { 400 };
            return self.error(status, error_type::UNKNOWN_OPERATION, None);
        }
        let value: Value = if req.body.iter().all(u8::is_ascii_whitespace) {
            if self.has(Fault::EmptyBodyRejected) {
                return self.error(400, error_type::SERIALIZATION, None);
            }
            Value::Object(Map::new())
        } else {
            match serde_json::from_slice(&req.body) {
                Ok(v) => v,
                Err(_) if self.has(Fault::MalformedJson500) => return self.internal_error(),
                Err(_) => return self.serialization_error(),
            }
        };
        let Value::Object(obj) = value else {
            if self.has(Fault::MalformedJson500) {
                return self.internal_error();
            }
            return self.serialization_error();
        };
        if self.has(Fault::NullMember500) && obj.values().any(Value::is_null) {
            return self.internal_error();
        }
        if self.has(Fault::UnknownMember500) && obj.keys().any(|k| !KNOWN_MEMBERS.contains(&k.as_str())) {
            return self.internal_error();
        }
        let inp = match validate::read_input(&obj, self.fault) {
            Ok(inp) => inp,
            Err(_) if self.has(Fault::WrongType500) => return self.internal_error(),
            Err(_) => return self.serialization_error(),
        };
        if self.is(Variant::UnknownMemberRejected) {
            if let Some(k) = unknown_member(&obj) {
                return self.error(400, error_type::VALIDATION, Some(format!("Unknown member {k}.")));
            }
        }
        let items = validate::violations(&inp, self.fault);
        if !items.is_empty() {
            return self.error(
                400,
                error_type::VALIDATION,
                Some(validate::message(&items, self.fault, self.is(Variant::ValidationItemsReordered))),
            );
        }
        self.list(&inp)
    }

    fn list(&self, inp: &OperationInput) -> Reply {
        let id = inp.window_execution_id.clone().unwrap_or_default();
        let Some(exec) = self.executions.iter().find(|e| e.window_execution_id == id) else {
            if self.has(Fault::UnknownExecutionEmpty) {
                return success(&json!({ output::ITEMS: [] }), self.success_content_type());
            }
            let status = if self.has(Fault::UnknownExecution404) { 404 } else { 400 };
            return self.error(
                status,
                error_type::DOES_NOT_EXIST,
                Some(format!("Maintenance window execution {id} does not exist")),
            );
        };

        let filters = inp.filters.as_deref().unwrap_or(&[]);
        let statuses = match self.status_filters(filters) {
            Ok(s) => s,
            Err(reply) => return reply,
        };
        let mut tasks: Vec<&TaskFixture> = match &statuses {
            Some(sets) => exec.tasks.iter().filter(|t| self.matches(sets, t.status)).collect(),
            None => Vec::new(), // a filter applied as written that nothing can match
        };
        let statuses = statuses.unwrap_or_default();
        if (self.has(Fault::UnstableOrder) && inp.max_results.is_none()) || self.is(Variant::ReverseOrder) {
            tasks.reverse();
        }
        let fingerprint = filter_fingerprint(&statuses);

        let offset = match inp.next_token.as_deref() {
            Some("") if self.is(Variant::EmptyNextTokenRejected) => {
                return self.error(
                    400,
                    error_type::INVALID_NEXT_TOKEN,
                    Some("The specified token isn't valid.".into()),
                );
            }
            None | Some("") => 0,
            Some(_) if self.has(Fault::NextTokenIgnored) => 0,
            Some(t) => match token::decode(t) {
                Some(s)
                    if s.execution_id == exec.window_execution_id
                        && s.filters == fingerprint
                        && s.offset <= tasks.len() =>
                {
                    s.offset
                }
                Some(s) if self.is(Variant::ForeignTokenHonoured) => s.offset.min(tasks.len()),
                Some(_) => {
                    return self.error(
                        400,
                        error_type::INVALID_NEXT_TOKEN,
                        Some("The token was issued for another request.".into()),
                    )
                }
                None if self.has(Fault::GarbageTokenAccepted) => 0,
                None => {
                    return self.error(
                        400,
                        error_type::INVALID_NEXT_TOKEN,
                        Some("The specified token isn't valid.".into()),
                    )
                }
            },
        };
        // Faults may let MaxResults through unchecked; a page of 0 would never end.
        let default_size = if self.is(Variant::DefaultPageSize100) { 100 } else { DEFAULT_PAGE_SIZE };
        let size = inp.max_results.map_or(default_size, |n| n.clamp(1, 10_000) as usize);
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
        let mut page: Vec<Value> = tasks[start..end].iter().map(|t| t.to_item(&exec.window_execution_id)).collect();
        if self.has(Fault::LeaksOtherExecution) && offset == 0 {
            if let Some(other) = self
                .executions
                .iter()
                .find(|e| e.window_execution_id != exec.window_execution_id && !e.tasks.is_empty())
            {
                let leaked = other.tasks[0].to_item(&other.window_execution_id);
                match page.last_mut() {
                    Some(last) => *last = leaked,
                    None => page.push(leaked),
                }
            }
        }
        for item in &mut page {
            self.deform_item(item);
        }
        let next_offset = if self.has(Fault::PaginationDuplicatesItem) && offset > 0 { end } else { offset + size };
        let next = if next_offset < tasks.len() {
            Some(next_offset)
        } else if self.has(Fault::LastPageTokenLoops) {
            Some(0)
        } else if self.is(Variant::TrailingEmptyPage) && offset < tasks.len() {
            // The page holding the last item still carries a token; it leads to one empty page.
            Some(tasks.len())
        } else {
            None
        };
        let mut body = Map::new();
        let items = if self.has(Fault::ItemsNotAList) {
            let keyed: Map<String, Value> = page
                .into_iter()
                .map(|i| (i.get(output::TASK_EXECUTION_ID).and_then(Value::as_str).unwrap_or("").to_owned(), i))
                .collect();
            Value::Object(keyed)
        } else {
            Value::Array(page)
        };
        body.insert(output::ITEMS.into(), items);
        if let Some(o) = next {
            let t = token::encode(&TokenState {
                execution_id: exec.window_execution_id.clone(),
                filters: fingerprint,
                offset: o,
            });
            body.insert(output::NEXT_TOKEN.into(), Value::String(t));
        } else if self.is(Variant::LastPageTokenEmpty) {
            body.insert(output::NEXT_TOKEN.into(), Value::String(String::new()));
        } else if self.is(Variant::LastPageTokenNull) {
            body.insert(output::NEXT_TOKEN.into(), Value::Null);
        }
        success(&Value::Object(body), self.success_content_type())
    }

    /// The STATUS filters as sets of statuses; `None` when a filter applied as written matches
    /// nothing; or the client error for an unsupported filter.
    fn status_filters(&self, filters: &[FilterInput]) -> Result<Option<Vec<Vec<String>>>, Reply> {
        if self.has(Fault::FilterIgnored) {
            return Ok(Some(Vec::new()));
        }
        let applied = self.is(Variant::UnsupportedFilterApplied);
        let mut sets = Vec::with_capacity(filters.len());
        for f in filters {
            let key = f.key.as_deref().unwrap_or("");
            if key != contract::STATUS_FILTER_KEY {
                if self.has(Fault::FilterUnknownKey500) {
                    return Err(self.internal_error());
                }
                if applied {
                    return Ok(None);
                }
                if self.is(Variant::UnsupportedFilterTypes) {
                    let message = format!("The filter key {key:?} is not valid.");
                    return Err(self.error(400, "InvalidFilterKey", Some(message)));
                }
                return Err(self.error(
                    400,
                    error_type::VALIDATION,
                    Some(format!(
                        "The filter key {key:?} is not supported; the supported key is {}.",
                        contract::STATUS_FILTER_KEY
                    )),
                ));
            }
            let values = f.values.as_deref().unwrap_or(&[]);
            let valid = |v: &String| {
                contract::STATUSES.contains(&v.as_str())
                    && !(v == "SKIPPED_OVERLAPPING" && self.is(Variant::SkippedOverlappingRejected))
            };
            if applied && (values.is_empty() || !values.iter().all(valid)) {
                // Applied as written: unknown values match nothing, known ones still match.
                let known: Vec<String> = values.iter().filter(|v| valid(v)).cloned().collect();
                if known.is_empty() {
                    return Ok(None);
                }
                sets.push(known);
                continue;
            }
            if values.is_empty() {
                return Err(self.error(
                    400,
                    error_type::VALIDATION,
                    Some("A STATUS filter needs at least one value.".into()),
                ));
            }
            if let Some(bad) = values.iter().find(|v| !valid(v)) {
                if self.is(Variant::UnsupportedFilterTypes) {
                    let message = format!("The filter value {bad:?} is not valid.");
                    return Err(self.error(400, "InvalidFilterValue", Some(message)));
                }
                return Err(self.error(
                    400,
                    error_type::VALIDATION,
                    Some(format!(
                        "The filter value {bad:?} is not a status; valid values are {}.",
                        contract::STATUSES.join(", ")
                    )),
                ));
            }
            sets.push(values.to_vec());
        }
        Ok(Some(sets))
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

    fn deform_item(&self, item: &mut Value) {
        let Some(obj) = item.as_object_mut() else { return };
        match self.fault {
            Some(Fault::TimestampsIso) => {
                for k in [output::START_TIME, output::END_TIME] {
                    if let Some(t) = obj.get(k).and_then(Value::as_f64) {
                        obj.insert(k.into(), Value::String(iso8601(t)));
                    }
                }
            }
            Some(Fault::EndBeforeStart) => {
                if let (Some(s), Some(_)) =
                    (obj.get(output::START_TIME).and_then(Value::as_f64), obj.get(output::END_TIME))
                {
                    obj.insert(output::END_TIME.into(), json!(s - 60.0));
                }
            }
            Some(Fault::TaskTypeMisspelt) => {
                if let Some(v) = obj.remove(output::TASK_TYPE) {
                    obj.insert("Type".into(), v);
                }
            }
            Some(Fault::TaskExecutionIdMissing) => {
                obj.remove(output::TASK_EXECUTION_ID);
            }
            Some(Fault::StatusOutsideEnum) => {
                if let Some(s) = obj.get(output::STATUS).and_then(Value::as_str) {
                    let lower = s.to_ascii_lowercase();
                    obj.insert(output::STATUS.into(), Value::String(lower));
                }
            }
            Some(Fault::TaskArnNumber) => {
                obj.insert(output::TASK_ARN.into(), json!(123_456_789));
            }
            _ => {}
        }
    }

    fn success_content_type(&self) -> &'static str {
        if self.has(Fault::ContentTypeJson) {
            "application/json"
        } else {
            contract::CONTENT_TYPE
        }
    }

    /// Malformed JSON or a wrongly typed member.
    fn serialization_error(&self) -> Reply {
        if self.is(Variant::WrongTypeValidation) {
            let message = "The request body could not be read as the operation's input.".to_owned();
            return self.error(400, error_type::VALIDATION, Some(message));
        }
        self.error(400, error_type::SERIALIZATION, None)
    }

    fn internal_error(&self) -> Reply {
        let body = json!({"__type": error_type::INTERNAL_SERVER_ERROR, "Message": "An internal error occurred."});
        Reply {
            status: 500,
            body: body.to_string().into_bytes(),
            content_type: contract::CONTENT_TYPE,
            error_type: Some(error_type::INTERNAL_SERVER_ERROR),
        }
    }

    /// A client error, shaped as the contract says (or as the fault deforms it).
    fn error(&self, status: u16, ty: &'static str, message: Option<String>) -> Reply {
        let status = match self.fault {
            Some(Fault::ErrorStatus200) => 200,
            Some(Fault::ErrorStatus500) => 500,
            _ => status,
        };
        let mut body = Map::new();
        match self.fault {
            Some(Fault::ErrorTypeHeaderOnly) => {}
            Some(Fault::ErrorTypeCodeMember) => {
                body.insert("code".into(), json!(ty));
            }
            _ if self.is(Variant::ErrorTypeNamespaced) => {
                let namespaced =
                    format!("com.amazonaws.ssm#{ty}:http://internal.amazon.com/coral/com.amazon.coral.validate/");
                body.insert("__type".into(), json!(namespaced));
            }
            _ => {
                body.insert("__type".into(), json!(ty));
            }
        }
        // Messages where the contract requires them; also on the others when we have one.
        let message = match (self.fault, message) {
            (Some(Fault::ErrorMessageMissing), _) => None,
            (_, Some(m)) => Some(m),
            (_, None) if error_type::MESSAGE_REQUIRED.contains(&ty) => Some(ty.to_owned()),
            (_, None) => None,
        };
        if let Some(m) = message {
            let key = match self.fault {
                Some(Fault::ErrorMessageUnreadKey) => "errorMessage",
                _ if self.is(Variant::ErrorMessageCapitalised) => "Message",
                _ if self.is(Variant::ErrorMessageLowercase) => "message",
                // The modelled member is `Message`; Coral's framework errors use `message`.
                _ if ty == error_type::DOES_NOT_EXIST => "Message",
                _ => "message",
            };
            body.insert(key.into(), json!(m));
        }
        let content_type =
            if self.has(Fault::ErrorContentTypeJson) { "application/json" } else { contract::CONTENT_TYPE };
        Reply { status, body: Value::Object(body).to_string().into_bytes(), content_type, error_type: Some(ty) }
    }
}

const KNOWN_MEMBERS: [&str; 4] = [
    contract::input::WINDOW_EXECUTION_ID,
    contract::input::FILTERS,
    contract::input::MAX_RESULTS,
    contract::input::NEXT_TOKEN,
];

const MOTO_500_PAGE: &str = "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>\n<p>The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.</p>\n";

/// The first unknown member of the request or of one of its filters.
fn unknown_member(obj: &Map<String, Value>) -> Option<String> {
    if let Some(k) = obj.keys().find(|k| !KNOWN_MEMBERS.contains(&k.as_str())) {
        return Some(k.clone());
    }
    let filters = obj.get(contract::input::FILTERS)?.as_array()?;
    filters
        .iter()
        .filter_map(Value::as_object)
        .flat_map(|f| f.keys())
        .find(|k| *k != contract::input::FILTER_KEY && *k != contract::input::FILTER_VALUES)
        .cloned()
}

fn success(body: &Value, content_type: &'static str) -> Reply {
    Reply { status: 200, body: body.to_string().into_bytes(), content_type, error_type: None }
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

fn request_id(n: u64) -> String {
    let mut rng = crate::rng::SplitMix64::new(n ^ 0xA5A5_5A5A_D00D_F00D);
    rng.well_formed_id()
}

/// Epoch seconds as ISO-8601 UTC (for the `timestamps-iso` fault only).
fn iso8601(t: f64) -> String {
    let secs = t.floor() as i64;
    let millis = ((t - t.floor()) * 1000.0).round() as i64;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_iso_dates() {
        assert_eq!(iso8601(1_735_689_600.5), "2025-01-01T00:00:00.500Z");
        assert_eq!(iso8601(951_782_400.0), "2000-02-29T00:00:00.000Z");
    }
}
