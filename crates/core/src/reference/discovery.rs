//! The two read-only listings discovery uses (`run --discover`), answered for the fixtures:
//! one maintenance window holding every fixture execution. Minimal but faithful to the model's
//! shapes: `WindowId` is required and must match its pattern; an unknown window has no executions.

use serde_json::{json, Value};

use super::answer::Reply;
use super::choices::Choices;
use super::fixtures::ExecutionFixture;
use crate::contract::{self, discovery, error_type};
use crate::request::WireRequest;

/// The one window the reference's executions belong to.
pub const WINDOW_ID: &str = "mw-0123456789abcdef0";

/// The answer to a discovery listing, or `None` when `req` is not one.
pub fn answer(req: &WireRequest, choices: &Choices, executions: &[ExecutionFixture]) -> Option<Reply> {
    let target = req.header(contract::TARGET_HEADER)?;
    if discovery::is_target(target, discovery::LIST_WINDOWS) {
        return Some(Reply::success(&windows()));
    }
    if !discovery::is_target(target, discovery::LIST_EXECUTIONS) {
        return None;
    }
    let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
    Some(match body.get(discovery::WINDOW_ID).and_then(Value::as_str) {
        Some(id) if discovery::is_window_id(id) => Reply::success(&window_executions(id, executions)),
        Some(id) => {
            let message = format!(
                "1 validation error detected: Value '{id}' at 'windowId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^mw-[0-9a-f]{{17}}$"
            );
            Reply::error(choices, 400, error_type::VALIDATION, Some(message))
        }
        None => {
            let message = "1 validation error detected: Value null at 'windowId' failed to satisfy constraint: Member must not be null";
            Reply::error(choices, 400, error_type::VALIDATION, Some(message.to_owned()))
        }
    })
}

fn windows() -> Value {
    json!({ discovery::WINDOW_IDENTITIES: [{
        discovery::WINDOW_ID: WINDOW_ID,
        "Name": "ssm-conform-fixtures",
        "Enabled": true,
        "Duration": 2,
        "Cutoff": 1,
    }]})
}

fn window_executions(window_id: &str, executions: &[ExecutionFixture]) -> Value {
    let runs: Vec<Value> = if window_id == WINDOW_ID {
        executions
            .iter()
            .map(|e| {
                json!({
                    discovery::WINDOW_ID: WINDOW_ID,
                    contract::output::WINDOW_EXECUTION_ID: e.window_execution_id,
                    "Status": "SUCCESS",
                    "StartTime": 1_735_689_600.0,
                    "EndTime": 1_735_693_200.0,
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    json!({ discovery::WINDOW_EXECUTIONS: runs })
}
