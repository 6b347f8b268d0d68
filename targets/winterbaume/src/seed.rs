//! The executions seeded into the emulator: one with no tasks, 1, 10, 11 and 150 tasks, every
//! status and task type, `EndTime` absent for tasks still pending or running, start times with
//! millisecond fractions. Deterministic: the same ids on every start.

use std::collections::HashMap;

use winterbaume_ssm::views::{
    MaintenanceWindowExecutionTaskViewEntry, MaintenanceWindowExecutionView, MaintenanceWindowView,
};
use winterbaume_ssm::SsmStateView;

/// The region the emulator keeps the state under (it reads the region from the host name, and
/// a loopback URL has none).
pub const REGION: &str = "us-east-1";

/// The one maintenance window the executions belong to.
pub const WINDOW_ID: &str = "mw-0c0ffee0c0ffee000";

const STATUSES: [&str; 8] =
    ["PENDING", "IN_PROGRESS", "SUCCESS", "FAILED", "TIMED_OUT", "CANCELLING", "CANCELLED", "SKIPPED_OVERLAPPING"];
const TASK_TYPES: [&str; 4] = ["RUN_COMMAND", "AUTOMATION", "STEP_FUNCTIONS", "LAMBDA"];

/// One seeded execution.
pub struct Execution {
    /// Its id.
    pub id: String,
    /// What it is for (`large`, `empty`, ...).
    pub label: &'static str,
    /// Its tasks.
    pub tasks: Vec<MaintenanceWindowExecutionTaskViewEntry>,
}

/// A lower-case UUID-shaped id from a counter (splitmix64), the same on every start.
fn id(n: u64) -> String {
    let mix = |mut z: u64| {
        z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let (a, b) = (mix(n), mix(n ^ 0xdead_beef));
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        (b >> 48) & 0xfff,
        b & 0xffff_ffff_ffff
    )
}

fn task_arn(task_type: &str, n: usize) -> String {
    match task_type {
        "RUN_COMMAND" => "AWS-RunShellScript".to_owned(),
        "AUTOMATION" => "AWS-RestartEC2Instance".to_owned(),
        "STEP_FUNCTIONS" => format!("arn:aws:states:us-east-1:123456789012:stateMachine:mw-task-{n}"),
        _ => format!("arn:aws:lambda:us-east-1:123456789012:function:mw-task-{n}"),
    }
}

/// An RFC 3339 time `seconds` (and `millis`) after 2025-01-01T00:00:00Z.
fn time(seconds: usize, millis: usize) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    format!("2025-01-01T{h:02}:{m:02}:{s:02}.{millis:03}Z")
}

fn task(execution: &str, exec_no: u64, n: usize) -> MaintenanceWindowExecutionTaskViewEntry {
    let status = STATUSES[n % STATUSES.len()];
    let task_type = TASK_TYPES[(n / 2) % TASK_TYPES.len()];
    let running = matches!(status, "PENDING" | "IN_PROGRESS");
    MaintenanceWindowExecutionTaskViewEntry {
        window_execution_id: execution.to_owned(),
        task_execution_id: id(exec_no * 1000 + n as u64 + 1),
        window_task_id: id(900_000 + (n % 3) as u64),
        task_arn: task_arn(task_type, n),
        task_type: task_type.to_owned(),
        status: status.to_owned(),
        start_time: Some(time(n * 7, (n * 37) % 1000)),
        end_time: (!running).then(|| time(n * 7 + 30, (n * 53 + 500) % 1000)),
        invocations: Vec::new(),
    }
}

/// The seeded executions, largest first (the harness's first id is its richest).
pub fn executions() -> Vec<Execution> {
    [("large", 150), ("eleven", 11), ("ten", 10), ("single", 1), ("empty", 0)]
        .into_iter()
        .enumerate()
        .map(|(i, (label, count))| {
            let exec_no = i as u64 + 1;
            let exec_id = id(exec_no);
            let tasks = (0..count).map(|n| task(&exec_id, exec_no, n)).collect();
            Execution { id: exec_id, label, tasks }
        })
        .collect()
}

/// The state view that `StatefulService::merge` adds to the emulator: the window and its
/// executions.
pub fn view(executions: &[Execution]) -> SsmStateView {
    let window = MaintenanceWindowView {
        window_id: WINDOW_ID.to_owned(),
        name: "ssm-conform-fixtures".to_owned(),
        schedule: "rate(1 day)".to_owned(),
        duration: 2,
        cutoff: 1,
        enabled: true,
        targets: Vec::new(),
        tasks: Vec::new(),
    };
    let runs: HashMap<String, MaintenanceWindowExecutionView> = executions
        .iter()
        .map(|e| {
            let run = MaintenanceWindowExecutionView {
                window_execution_id: e.id.clone(),
                window_id: WINDOW_ID.to_owned(),
                status: "SUCCESS".to_owned(),
                start_time: Some(time(0, 0)),
                end_time: Some(time(3600, 0)),
                tasks: e.tasks.clone(),
            };
            (e.id.clone(), run)
        })
        .collect();
    SsmStateView {
        maintenance_windows: HashMap::from([(WINDOW_ID.to_owned(), window)]),
        maintenance_window_executions: runs,
        ..SsmStateView::default()
    }
}
