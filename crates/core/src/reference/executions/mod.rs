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
pub mod variant;

use serde_json::{json, Map, Value};

pub use fault::{ExecutionsFault, ExecutionsFaultInfo};
use variant::{ExecutedTime, SeveralValues, UndocumentedFilter, UnknownWindow};
pub use variant::{ExecutionsChoices, ExecutionsVariant, ExecutionsVariantInfo};

use super::answer::Reply;
use super::choices::{Choices, LastPageToken, Order};
use super::fixtures::ExecutionFixture;
use super::token::{self, TokenState};
use crate::contract::executions as semantics;
use crate::contract::{error_type, Constraint, ValidationItem};
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

/// What one filter of a valid request selects.
#[derive(Debug, Clone, PartialEq)]
enum Test {
    /// Executions run before (after) any or all of the instants, by the time the choices compare.
    Time { before: bool, start_only: bool, instants: Vec<f64> },
    /// Executions whose member is one of the values (an undocumented key applied as named).
    Member { member: &'static str, values: Vec<String> },
    /// Nothing (an undocumented key or a value that is no instant, accepted).
    Nothing,
}

/// The filters of a valid request, read, each with how it reads several values.
type Filters = Vec<Test>;

/// What an undocumented filter selects when the choices apply it as its name says.
fn applied_as_named(key: &str, values: &[&str]) -> Test {
    let instants: Option<Vec<f64>> = values.iter().map(|v| semantics::filter_instant(v)).collect();
    let owned = || values.iter().map(|v| (*v).to_owned()).collect();
    let [execution_id, status, start_before, start_after] = semantics::UNDOCUMENTED_KEYS;
    match instants {
        _ if key == execution_id => Test::Member { member: item::WINDOW_EXECUTION_ID, values: owned() },
        _ if key == status => Test::Member { member: item::STATUS, values: owned() },
        Some(instants) if (key == start_before || key == start_after) && !instants.is_empty() => {
            Test::Time { before: key == start_before, start_only: true, instants }
        }
        _ => Test::Nothing,
    }
}

/// Reads the filters; under the faithful choices a 400 for a key the documentation does not name,
/// a value that is no instant, or no value.
fn read_filters(body: &Value, choices: &Choices, fault: Option<ExecutionsFault>) -> Result<Filters, Reply> {
    let invalid = |message: String| Reply::error(choices, 400, error_type::VALIDATION, Some(message));
    let ours = &choices.executions;
    let listed = body.get(input::FILTERS).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let mut out = Vec::new();
    for f in listed {
        let key = f.get(filter::KEY).and_then(Value::as_str).unwrap_or_default();
        let values: Vec<&str> = f
            .get(filter::VALUES)
            .and_then(Value::as_array)
            .map(|vs| vs.iter().map(|v| v.as_str().unwrap_or_default()).collect())
            .unwrap_or_default();
        let documented = semantics::DOCUMENTED_KEYS.contains(&key);
        if !documented && fault == Some(ExecutionsFault::UndocumentedFilter500) {
            return Err(Reply::internal_error());
        }
        if documented && values.len() > 1 && ours.several_values == SeveralValues::Refused {
            return Err(invalid(format!("Filter '{key}' takes one value.")));
        }
        let instants: Option<Vec<f64>> = values.iter().map(|v| semantics::filter_instant(v)).collect();
        let test = match (documented, instants) {
            (true, Some(instants)) if !instants.is_empty() => {
                Test::Time { before: key == semantics::EXECUTED_BEFORE, start_only: false, instants }
            }
            _ if ours.undocumented_filter == UndocumentedFilter::Applied => {
                if documented {
                    Test::Nothing
                } else {
                    applied_as_named(key, &values)
                }
            }
            (false, _) => {
                let valid = semantics::DOCUMENTED_KEYS.join(", ");
                return Err(invalid(format!("Filter key '{key}' is not valid. Valid filter keys: {valid}.")));
            }
            (true, _) if values.is_empty() => return Err(invalid(format!("Filter '{key}' has no value."))),
            (true, _) => {
                let text = values.iter().find(|v| semantics::filter_instant(v).is_none()).unwrap_or(&"");
                return Err(invalid(format!("Filter value '{text}' is not an ISO 8601 date-time.")));
            }
        };
        out.push(test);
    }
    Ok(out)
}

/// Whether `e` ran before (after) `instant` by the time the choices compare. One that has not
/// started ran at no time; by its end, one that has started and not ended is after every instant.
fn ran(e: &WindowExecutionFixture, before: bool, instant: f64, by_end: bool, included: bool) -> bool {
    let time = match (by_end, e.start_time, e.end_time) {
        (_, None, _) => return false,
        (false, Some(s), _) => s,
        (true, Some(_), end) => end.unwrap_or(f64::INFINITY),
    };
    match (before, included) {
        (true, false) => time < instant,
        (true, true) => time <= instant,
        (false, false) => time > instant,
        (false, true) => time >= instant,
    }
}

/// Whether the reference selects `e` under `filters`: the filters ANDed, a filter's values ORed
/// (or ANDed, as the choices say).
fn selected(
    e: &WindowExecutionFixture,
    filters: &Filters,
    ours: &ExecutionsChoices,
    fault: Option<ExecutionsFault>,
) -> bool {
    let inverted = fault == Some(ExecutionsFault::FilterInverted);
    filters.iter().all(|test| match test {
        Test::Time { before, start_only, instants } => {
            let by_end = !start_only && ours.executed_time == ExecutedTime::End;
            let one = |t: &f64| ran(e, *before != inverted, *t, by_end, ours.instant_included);
            match ours.several_values {
                SeveralValues::All => instants.iter().all(one),
                SeveralValues::Any | SeveralValues::Refused => instants.iter().any(one),
            }
        }
        Test::Member { member, values } => {
            let value = if *member == item::STATUS { e.status } else { e.window_execution_id.as_str() };
            values.iter().any(|v| v == value)
        }
        Test::Nothing => false,
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

/// The executions listed for `window_id` under `filters`, in the choices' order; `Err` for an
/// error the choices or a fault answer instead.
fn listing<'a>(
    windows: &'a [WindowFixture],
    window_id: &'a str,
    filters: &Filters,
    choices: &Choices,
    fault: Option<ExecutionsFault>,
) -> Result<Listing<'a>, Reply> {
    let Some(window) = windows.iter().find(|w| w.window_id == window_id) else {
        if fault == Some(ExecutionsFault::UnknownWindow500) {
            return Err(Reply::internal_error());
        }
        // A well-formed id naming no window lists nothing, or does not exist (the model gives
        // this operation no DoesNotExistException; contract §9: EITHER).
        if choices.executions.unknown_window == UnknownWindow::DoesNotExist {
            let message = format!("Maintenance window {window_id} does not exist");
            return Err(Reply::error(choices, 400, error_type::DOES_NOT_EXIST, Some(message)));
        }
        return Ok(Listing { window_id, items_window: window_id, executions: Vec::new() });
    };
    let window = match windows.first() {
        Some(first) if window.executions.is_empty() && fault == Some(ExecutionsFault::OtherWindowItems) => first,
        _ => window,
    };
    let mut executions: Vec<&WindowExecutionFixture> =
        window.executions.iter().filter(|e| selected(e, filters, &choices.executions, fault)).collect();
    if choices.order == Order::Reversed {
        executions.reverse();
    }
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
            let mut message = super::validate::message(&items, None, choices.validation_items);
            if fault == Some(ExecutionsFault::ValidationMessageReworded) {
                message = message.replace("satisfy regular expression pattern", "match pattern");
            }
            return Reply::error(choices, 400, error_type::VALIDATION, Some(message));
        }
        Ok(_) => {}
    }
    let filters = match read_filters(&body, choices, fault) {
        Ok(f) => f,
        Err(reply) => return reply,
    };
    let window_id = body[input::WINDOW_ID].as_str().unwrap_or_default();
    match listing(windows, window_id, &filters, choices, fault) {
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
    if !(items.is_empty() && choices.empty_list_omitted) {
        out.insert(output::WINDOW_EXECUTIONS.into(), Value::Array(items));
    }
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
