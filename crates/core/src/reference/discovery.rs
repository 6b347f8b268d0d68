//! The read-only listings of the maintenance-window family the reference answers besides the
//! first operation: `DescribeMaintenanceWindows` (the fixture windows, one page) and
//! `DescribeMaintenanceWindowExecutions` (faithfully, `executions.rs`). Discovery (`run
//! --discover`) finds execution ids through them.

use serde_json::{json, Value};

use super::answer::Reply;
use super::choices::Choices;
use super::executions::{self, ExecutionsFault, WindowFixture};
use crate::contract::{self, discovery};
use crate::request::WireRequest;

/// The window the first operation's fixture executions belong to.
pub const WINDOW_ID: &str = executions::WINDOW_IDS[0];

/// The answer to a listing of the family, or `None` when `req` is not one.
pub fn answer(
    req: &WireRequest,
    choices: &Choices,
    windows: &[WindowFixture],
    fault: Option<ExecutionsFault>,
) -> Option<Reply> {
    let target = req.header(contract::TARGET_HEADER)?;
    if discovery::is_target(target, discovery::LIST_WINDOWS) {
        return Some(Reply::success(&listing(windows)));
    }
    discovery::is_target(target, discovery::LIST_EXECUTIONS)
        .then(|| executions::answer(&req.body, choices, windows, fault))
}

fn listing(windows: &[WindowFixture]) -> Value {
    let identities: Vec<Value> = windows
        .iter()
        .map(|w| json!({ discovery::WINDOW_ID: w.window_id, "Name": w.name, "Enabled": true, "Duration": 2, "Cutoff": 1 }))
        .collect();
    json!({ discovery::WINDOW_IDENTITIES: identities })
}
