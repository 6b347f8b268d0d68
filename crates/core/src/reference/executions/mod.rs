//! `DescribeMaintenanceWindowExecutions`, answered faithfully for the fixture windows (contract
//! §9): the request validated from the service model alone (`oracle::model_input`), the
//! documented `ExecutedBefore`/`ExecutedAfter` filters applied, and the executions paged with the
//! reference's opaque tokens.
//!
//! The windows: the first holds the first operation's fixture executions (several), the second
//! none, the third [`MANY`] (more than a page of 100). The executions of the third are known to
//! the first operation too, as executions with no tasks: an endpoint that lists an execution must
//! answer for it.

pub mod fault;

use serde_json::{json, Map, Value};

pub use fault::{ExecutionsFault, ExecutionsFaultInfo};

use super::answer::Reply;
use super::choices::{Choices, LastPageToken};
use super::fixtures::ExecutionFixture;
use super::token::{self, TokenState};
use crate::contract::executions as semantics;
use crate::contract::{error_type, validation_message, Constraint, ValidationItem};
use crate::model::shape::{
    describe_maintenance_window_executions_request as input, maintenance_window_execution as item,
};
use crate::model::shape::{
    describe_maintenance_window_executions_result as output, maintenance_window_filter as filter,
};
use crate::oracle::model_input::{self, InputVerdict, IntegralFloats};
use crate::rng::SplitMix64;

/// How many executions the third window holds.
pub const MANY: usize = 120;
/// The windows' ids: several executions, none, [`MANY`].
pub const WINDOW_IDS: [&str; 3] = ["mw-0123456789abcdef0", "mw-0123456789abcdef1", "mw-0123456789abcdef2"];
/// 2025-01-01T00:00:00Z: the newest execution starts an hour before it.
const BASE_TIME: f64 = 1_735_689_600.0;
/// The seed of the third window's execution ids.
const SEED: u64 = 0x4d_57_45_58_45_43_53;

/// One execution of a window.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowExecutionFixture {
    /// Its id.
    pub window_execution_id: String,
    /// One of the model's statuses.
    pub status: &'static str,
    /// Epoch seconds; `None` while pending.
    pub start_time: Option<f64>,
    /// Epoch seconds; `None` until it ends.
    pub end_time: Option<f64>,
}

/// One maintenance window and its executions, newest first (the order it lists them in).
#[derive(Debug, Clone, PartialEq)]
pub struct WindowFixture {
    /// Its id.
    pub window_id: &'static str,
    /// Its name.
    pub name: &'static str,
    /// Its executions, newest first.
    pub executions: Vec<WindowExecutionFixture>,
}

/// The status of the `i`-th newest execution: a few still running at the head, then mixed.
fn status_of(i: usize) -> &'static str {
    const FINISHED: [&str; 6] = ["SUCCESS", "FAILED", "SUCCESS", "TIMED_OUT", "CANCELLED", "SKIPPED_OVERLAPPING"];
    match i {
        0 => "PENDING",
        1 => "IN_PROGRESS",
        2 => "CANCELLING",
        _ => FINISHED[i % FINISHED.len()],
    }
}

/// The `i`-th newest execution of a window: hours apart, each half an hour long.
fn execution(window_execution_id: String, i: usize) -> WindowExecutionFixture {
    let status = status_of(i);
    let start = BASE_TIME - 3600.0 * (i as f64 + 1.0);
    let (start_time, end_time) = match status {
        "PENDING" => (None, None),
        "IN_PROGRESS" | "CANCELLING" => (Some(start), None),
        _ => (Some(start), Some(start + 1800.0)),
    };
    WindowExecutionFixture { window_execution_id, status, start_time, end_time }
}

/// The fixture windows, the first holding `executions` (the first operation's).
pub fn windows(executions: &[ExecutionFixture]) -> Vec<WindowFixture> {
    let mut rng = SplitMix64::new(SEED);
    let several = executions.iter().enumerate().map(|(i, e)| execution(e.window_execution_id.clone(), i)).collect();
    let many = (0..MANY).map(|i| execution(rng.well_formed_id(), i)).collect();
    vec![
        WindowFixture { window_id: WINDOW_IDS[0], name: "ssm-conform-fixtures", executions: several },
        WindowFixture { window_id: WINDOW_IDS[1], name: "ssm-conform-never-ran", executions: Vec::new() },
        WindowFixture { window_id: WINDOW_IDS[2], name: "ssm-conform-hourly", executions: many },
    ]
}

impl WindowExecutionFixture {
    /// Its item as the wire carries it (`COMPLETED` for `SUCCESS` under the fault that says so).
    pub fn to_item(&self, window_id: &str, fault: Option<ExecutionsFault>) -> Value {
        let mut m = Map::new();
        m.insert(item::WINDOW_ID.into(), json!(window_id));
        m.insert(item::WINDOW_EXECUTION_ID.into(), json!(self.window_execution_id));
        let status = match self.status {
            "SUCCESS" if fault == Some(ExecutionsFault::StatusOutsideEnum) => "COMPLETED",
            s => s,
        };
        m.insert(item::STATUS.into(), json!(status));
        m.insert(item::STATUS_DETAILS.into(), json!(format!("Window execution {}", self.status.to_lowercase())));
        if let Some(t) = self.start_time {
            m.insert(item::START_TIME.into(), json!(t));
        }
        if let Some(t) = self.end_time {
            m.insert(item::END_TIME.into(), json!(t));
        }
        Value::Object(m)
    }
}

/// The filters of a valid request, read: `(key, instants)` each.
type Filters = Vec<(String, Vec<f64>)>;

/// Reads the documented filters; a 400 for a key it does not know or a value that is no instant.
fn read_filters(body: &Value, choices: &Choices) -> Result<Filters, Reply> {
    let invalid = |message: String| Reply::error(choices, 400, error_type::VALIDATION, Some(message));
    let listed = body.get(input::FILTERS).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let mut out = Vec::new();
    for f in listed {
        let key = f.get(filter::KEY).and_then(Value::as_str).unwrap_or_default();
        if !semantics::DOCUMENTED_KEYS.contains(&key) {
            let valid = semantics::DOCUMENTED_KEYS.join(", ");
            return Err(invalid(format!("Filter key '{key}' is not valid. Valid filter keys: {valid}.")));
        }
        let values = f.get(filter::VALUES).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        if values.is_empty() {
            return Err(invalid(format!("Filter '{key}' has no value.")));
        }
        let mut instants = Vec::new();
        for v in values {
            let text = v.as_str().unwrap_or_default();
            let instant = semantics::filter_instant(text)
                .ok_or_else(|| invalid(format!("Filter value '{text}' is not an ISO 8601 date-time.")))?;
            instants.push(instant);
        }
        out.push((key.to_owned(), instants));
    }
    Ok(out)
}

/// Whether the reference selects `e` under `filters`: its start before (after) an instant; the
/// values of one filter ORed, the filters ANDed. An execution that has not started is in no
/// filter's selection.
fn selected(e: &WindowExecutionFixture, filters: &Filters, fault: Option<ExecutionsFault>) -> bool {
    let inverted = fault == Some(ExecutionsFault::FilterInverted);
    filters.iter().all(|(key, instants)| {
        let before = (key == semantics::EXECUTED_BEFORE) != inverted;
        e.start_time.is_some_and(|s| instants.iter().any(|t| if before { s < *t } else { s > *t }))
    })
}

/// The request's validation items, less those a fault leaves unchecked; `Err` for a member of
/// the wrong JSON type.
fn violations(body: &Value, floats: IntegralFloats, fault: Option<ExecutionsFault>) -> Result<Vec<ValidationItem>, ()> {
    let mut items = match model_input::validate(input::SHAPE, body, floats) {
        InputVerdict::WrongType(_) => return Err(()),
        InputVerdict::Invalid(items) => items,
        InputVerdict::Valid => Vec::new(),
    };
    if fault == Some(ExecutionsFault::WindowIdPatternUnchecked) {
        items.retain(|i| !matches!(i.constraint, Constraint::Pattern(_)));
    }
    Ok(items)
}

/// What a page is cut from.
struct Listing<'a> {
    /// The requested window (tokens are bound to it).
    window_id: &'a str,
    /// The window its items name.
    items_window: &'a str,
    /// The executions selected, in listing order.
    executions: Vec<&'a WindowExecutionFixture>,
}

/// The executions listed for `window_id` under `filters`; `Err` for the answer a fault gives
/// instead.
fn listing<'a>(
    windows: &'a [WindowFixture],
    window_id: &'a str,
    filters: &Filters,
    fault: Option<ExecutionsFault>,
) -> Result<Listing<'a>, Reply> {
    let Some(window) = windows.iter().find(|w| w.window_id == window_id) else {
        if fault == Some(ExecutionsFault::UnknownWindow500) {
            return Err(Reply::internal_error());
        }
        // A well-formed id naming no window lists nothing (the model gives this operation no
        // DoesNotExistException; contract §9: EITHER).
        return Ok(Listing { window_id, items_window: window_id, executions: Vec::new() });
    };
    let window = match windows.first() {
        Some(first) if window.executions.is_empty() && fault == Some(ExecutionsFault::OtherWindowItems) => first,
        _ => window,
    };
    let executions = window.executions.iter().filter(|e| selected(e, filters, fault)).collect();
    Ok(Listing { window_id, items_window: window.window_id, executions })
}

/// The answer to a `DescribeMaintenanceWindowExecutions` request's body (bytes as sent), with at
/// most one of the operation's faults.
pub fn answer(raw: &[u8], choices: &Choices, windows: &[WindowFixture], fault: Option<ExecutionsFault>) -> Reply {
    let body: Value = if raw.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        match serde_json::from_slice(raw) {
            Ok(v) => v,
            Err(_) => return Reply::error(choices, 400, choices.wrong_type_error, None),
        }
    };
    let floats = if choices.integral_floats { IntegralFloats::AsIntegers } else { IntegralFloats::Refused };
    match violations(&body, floats, fault) {
        Err(()) => return Reply::error(choices, 400, choices.wrong_type_error, None),
        Ok(items) if !items.is_empty() => {
            return Reply::error(choices, 400, error_type::VALIDATION, Some(validation_message(&items)))
        }
        Ok(_) => {}
    }
    let filters = match read_filters(&body, choices) {
        Ok(f) => f,
        Err(reply) => return reply,
    };
    let window_id = body[input::WINDOW_ID].as_str().unwrap_or_default();
    match listing(windows, window_id, &filters, fault) {
        Ok(listing) => page(&listing, &body, &filters, choices, fault),
        Err(reply) => reply,
    }
}

/// One page of the listing, resumed where the request's token says.
fn page(
    listing: &Listing<'_>,
    body: &Value,
    filters: &Filters,
    choices: &Choices,
    fault: Option<ExecutionsFault>,
) -> Reply {
    let fingerprint = format!("{filters:?}");
    let size = body[input::MAX_RESULTS].as_i64().map_or(choices.default_page_size, |n| n.clamp(1, 100) as usize);
    let offset = match body.get(input::NEXT_TOKEN).and_then(Value::as_str) {
        None | Some("") => 0,
        Some(t) => match token::decode(t) {
            Some(state) if state.execution_id == listing.window_id && state.filters == fingerprint => state.offset,
            _ => {
                let message = "The specified token is not valid.".to_owned();
                return Reply::error(choices, 400, error_type::INVALID_NEXT_TOKEN, Some(message));
            }
        },
    };
    let all = &listing.executions;
    let end = (offset + size).min(all.len());
    let items: Vec<Value> =
        all.get(offset..end).unwrap_or_default().iter().map(|e| e.to_item(listing.items_window, fault)).collect();
    let mut out = Map::new();
    out.insert(output::WINDOW_EXECUTIONS.into(), Value::Array(items));
    if end < all.len() {
        // Under its fault, a small page's token skips the execution after the page's last.
        let drops = fault == Some(ExecutionsFault::PaginationDropsItem) && size < 100;
        let next = if drops { end + 1 } else { end };
        let execution_id = listing.window_id.to_owned();
        let state = TokenState { execution_id, filters: fingerprint, offset: next, page_size: size };
        out.insert(output::NEXT_TOKEN.into(), json!(token::encode(&state)));
    } else {
        match choices.last_page_token {
            LastPageToken::Absent => {}
            LastPageToken::Empty => {
                out.insert(output::NEXT_TOKEN.into(), json!(""));
            }
            LastPageToken::Null => {
                out.insert(output::NEXT_TOKEN.into(), Value::Null);
            }
        }
    }
    Reply::success(&Value::Object(out))
}

#[cfg(test)]
mod tests;
