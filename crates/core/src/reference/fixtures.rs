//! The reference endpoint's deterministic fixture set: the one model tests compare against.
//! Ids, counts and contents come from a fixed seed, so every run and every test sees the same data.

use serde_json::{json, Value};

use crate::contract::{output, ALARM_STATES, SKIPPED_OVERLAPPING, STATUSES, TASK_TYPES};
use crate::rng::SplitMix64;

/// One task execution of a fixture execution.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskFixture {
    /// The task execution id.
    pub task_execution_id: String,
    /// Its status (one of the contract's statuses).
    pub status: &'static str,
    /// Its type (one of the contract's task types).
    pub task_type: &'static str,
    /// Free text.
    pub status_details: String,
    /// The task ARN or document name.
    pub task_arn: String,
    /// Epoch seconds, absent while pending.
    pub start_time: Option<f64>,
    /// Epoch seconds, absent until finished.
    pub end_time: Option<f64>,
    /// The alarm configured on the task, if any.
    pub alarm: Option<String>,
    /// The alarm that was triggered, if any, with its state.
    pub triggered_alarm: Option<(String, &'static str)>,
    /// Its item as the wire carries it (`to_item` of its own execution, serialised once), so that
    /// the reference serves pages without building and serialising a `Value` per item.
    pub item_json: String,
}

/// One maintenance-window execution and its tasks.
#[derive(Debug, Clone, PartialEq)]
pub struct ExecutionFixture {
    /// A short label for listings.
    pub label: &'static str,
    /// The execution id.
    pub window_execution_id: String,
    /// Its tasks, in listing order.
    pub tasks: Vec<TaskFixture>,
}

/// The fixture executions: 0, 1, 10, 11 and well over 100 tasks.
pub const FIXTURE_SIZES: [(&str, usize); 5] =
    [("large", 237), ("eleven", 11), ("ten", 10), ("single", 1), ("empty", 0)];

/// The seed of the fixture set.
const FIXTURE_SEED: u64 = 0x55_4d_43_4f_4e_46_4f_52;

/// Builds the fixture set (deterministic).
pub fn fixtures() -> Vec<ExecutionFixture> {
    let mut rng = SplitMix64::new(FIXTURE_SEED);
    let base_time = 1_735_689_600.0_f64; // 2025-01-01T00:00:00Z
    let mut serial = 0u64;
    FIXTURE_SIZES
        .iter()
        .map(|&(label, count)| {
            let window_execution_id = rng.well_formed_id();
            let tasks = (0..count)
                .map(|i| {
                    serial += 1;
                    // Cycle through every status and type so each filter value has items, then mix.
                    let status = STATUSES[(i + rng.below(2) as usize * STATUSES.len()) % STATUSES.len()];
                    let task_type = TASK_TYPES[(i / 2 + rng.below(4) as usize) % TASK_TYPES.len()];
                    let start = base_time + serial as f64 * 97.0 + (rng.below(1000) as f64) / 1000.0;
                    let (start_time, end_time) = match status {
                        // Tasks that never started have no times.
                        s if s == "PENDING" || s == SKIPPED_OVERLAPPING => (None, None),
                        "IN_PROGRESS" | "CANCELLING" => (Some(start), None),
                        _ => (Some(start), Some(start + 1.0 + rng.below(600_000) as f64 / 1000.0)),
                    };
                    let task_arn = match task_type {
                        "RUN_COMMAND" => "AWS-RunPatchBaseline".to_owned(),
                        "AUTOMATION" => "AWS-RestartEC2Instance".to_owned(),
                        "STEP_FUNCTIONS" => {
                            format!("arn:aws:states:us-east-1:123456789012:stateMachine:mw-task-{serial}")
                        }
                        _ => format!("arn:aws:lambda:us-east-1:123456789012:function:mw-task-{serial}"),
                    };
                    let alarm = (i % 3 == 0).then(|| format!("mw-alarm-{serial}"));
                    let triggered_alarm = match &alarm {
                        Some(name) if i % 2 == 0 => Some((name.clone(), ALARM_STATES[(i / 2) % ALARM_STATES.len()])),
                        _ => None,
                    };
                    let mut task = TaskFixture {
                        task_execution_id: rng.well_formed_id(),
                        status,
                        task_type,
                        status_details: status_details(status).to_owned(),
                        task_arn,
                        start_time,
                        end_time,
                        alarm,
                        triggered_alarm,
                        item_json: String::new(),
                    };
                    task.item_json = task.to_item(&window_execution_id).to_string();
                    task
                })
                .collect();
            ExecutionFixture { label, window_execution_id, tasks }
        })
        .collect()
}

fn status_details(status: &str) -> &'static str {
    match status {
        "PENDING" => "Pending",
        "IN_PROGRESS" => "In progress",
        "SUCCESS" => "Success",
        "FAILED" => "One or more targets failed",
        "TIMED_OUT" => "Timed out",
        "CANCELLING" => "Cancelling",
        "CANCELLED" => "Cancelled",
        _ => "Skipped: an earlier execution of the window was still running",
    }
}

impl TaskFixture {
    /// The item as the contract's output shape has it.
    pub fn to_item(&self, window_execution_id: &str) -> Value {
        let mut item = serde_json::Map::new();
        item.insert(output::WINDOW_EXECUTION_ID.into(), json!(window_execution_id));
        item.insert(output::TASK_EXECUTION_ID.into(), json!(self.task_execution_id));
        item.insert(output::STATUS.into(), json!(self.status));
        item.insert(output::STATUS_DETAILS.into(), json!(self.status_details));
        if let Some(t) = self.start_time {
            item.insert(output::START_TIME.into(), json!(t));
        }
        if let Some(t) = self.end_time {
            item.insert(output::END_TIME.into(), json!(t));
        }
        item.insert(output::TASK_ARN.into(), json!(self.task_arn));
        item.insert(output::TASK_TYPE.into(), json!(self.task_type));
        if let Some(name) = &self.alarm {
            item.insert(
                output::ALARM_CONFIGURATION.into(),
                json!({"IgnorePollAlarmFailure": false, "Alarms": [{"Name": name}]}),
            );
        }
        if let Some((name, state)) = &self.triggered_alarm {
            item.insert(output::TRIGGERED_ALARMS.into(), json!([{"Name": name, "State": state}]));
        }
        Value::Object(item)
    }
}

/// `exec` as it stands after `requests` requests, when its running tasks advance (the
/// `live-execution` variant): each task not yet final moves on at its own moment (from its id),
/// `PENDING` → `IN_PROGRESS` → `SUCCESS` and `CANCELLING` → `CANCELLED`, taking a start and an
/// end time as it does. Ids, order and every other member stay.
pub fn advanced(exec: &ExecutionFixture, requests: u64) -> ExecutionFixture {
    let mut now = exec.clone();
    for task in &mut now.tasks {
        let offset =
            task.task_execution_id.bytes().fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b))) % 400;
        let (started, finished) = (requests >= 100 + offset, requests >= 300 + offset);
        let before = task.status;
        match task.status {
            "PENDING" | "IN_PROGRESS" if finished => task.status = "SUCCESS",
            "PENDING" if started => task.status = "IN_PROGRESS",
            "CANCELLING" if finished => task.status = "CANCELLED",
            _ => {}
        }
        if task.status == before {
            continue;
        }
        let start = *task.start_time.get_or_insert(1_735_700_000.0 + offset as f64);
        if task.status != "IN_PROGRESS" {
            task.end_time = Some(start + 60.0);
        }
        task.status_details = task.status.to_owned();
        task.item_json = task.to_item(&exec.window_execution_id).to_string();
    }
    now
}

/// Rewrites every item's `StartTime` and `EndTime` in exponent form (`1.541761816338E9`), the
/// same numbers in another spelling (contract §4: any JSON number spelling).
pub fn spell_timestamps_with_exponents(executions: &mut [ExecutionFixture]) {
    static TIME: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#""(StartTime|EndTime)":(-?[0-9]+(?:\.[0-9]+)?)"#).expect("a valid pattern")
    });
    for task in executions.iter_mut().flat_map(|e| e.tasks.iter_mut()) {
        task.item_json = TIME
            .replace_all(&task.item_json, |c: &regex::Captures<'_>| {
                let n: f64 = c[2].parse().unwrap_or_default();
                format!("\"{}\":{n:E}", &c[1])
            })
            .into_owned();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixtures_are_deterministic_and_cover_every_status_and_type() {
        let a = fixtures();
        assert_eq!(a, fixtures());
        let large = &a[0];
        assert!(large.tasks.len() > 100);
        for s in STATUSES {
            assert!(large.tasks.iter().any(|t| t.status == s), "no {s}");
        }
        for t in TASK_TYPES {
            assert!(large.tasks.iter().any(|x| x.task_type == t), "no {t}");
        }
        assert!(large.tasks.iter().any(|t| t.alarm.is_some()) && large.tasks.iter().any(|t| t.alarm.is_none()));
        assert!(large.tasks.iter().any(|t| t.triggered_alarm.is_some()));
        let counts: Vec<usize> = a.iter().map(|e| e.tasks.len()).collect();
        for n in [0, 1, 10, 11] {
            assert!(counts.contains(&n));
        }
    }

    #[test]
    fn exponent_timestamps_are_the_same_numbers() {
        let mut execs = fixtures();
        let i = execs[0].tasks.iter().position(|t| t.item_json.contains("StartTime")).unwrap();
        let before: serde_json::Value = serde_json::from_str(&execs[0].tasks[i].item_json).unwrap();
        spell_timestamps_with_exponents(&mut execs);
        let text = &execs[0].tasks[i].item_json;
        assert!(text.contains("E9"), "{text}");
        let after: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(after["StartTime"].as_f64(), before["StartTime"].as_f64());
    }
}
