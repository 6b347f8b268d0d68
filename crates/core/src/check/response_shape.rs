//! The shape of a success (contract §4): the body, page size, and every item's members, types,
//! enums, lengths, timestamps and execution. Runs on every 200 response.

use serde_json::{Map, Value};

use super::CheckId;
use crate::contract::{self, output};
use crate::finding::Finding;
use crate::response::{json_type, Received};

/// What the request asked for, as far as the shape depends on it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageRequest {
    /// The execution asked for.
    pub window_execution_id: Option<String>,
    /// The page size asked for.
    pub max_results: Option<i64>,
}

impl PageRequest {
    /// Reads the relevant members of a JSON request body.
    pub fn of(body: Option<&Value>) -> PageRequest {
        PageRequest {
            window_execution_id: body
                .and_then(|b| b.get(contract::input::WINDOW_EXECUTION_ID))
                .and_then(Value::as_str)
                .map(str::to_owned),
            max_results: body.and_then(|b| b.get(contract::input::MAX_RESULTS)).and_then(Value::as_i64),
        }
    }
}

/// One problem in words, and the deviation it was recognised as (a fault name), if any.
type Problem = (String, Option<&'static str>);

/// Collects problems per check, reporting the first few and a count.
#[derive(Default)]
struct Problems {
    /// Per check: each problem.
    by_check: Vec<(CheckId, Vec<Problem>)>,
}

impl Problems {
    fn add(&mut self, check: CheckId, what: String) {
        self.add_deviation(check, what, None);
    }

    /// A problem recognised as `deviation` (a fault name: the key of its measured SDK impact).
    fn add_deviation(&mut self, check: CheckId, what: String, deviation: Option<&'static str>) {
        match self.by_check.iter_mut().find(|(c, _)| *c == check) {
            Some((_, list)) => list.push((what, deviation)),
            None => self.by_check.push((check, vec![(what, deviation)])),
        }
    }

    fn into_findings(self) -> Vec<Finding> {
        self.by_check
            .into_iter()
            .map(|(check, list)| {
                let more = if list.len() > 1 {
                    format!(" (and {} more in this response)", list.len() - 1)
                } else {
                    String::new()
                };
                let (first, deviation) = &list[0];
                Finding::new(check, expectation_of(check), format!("{first}{more}")).deviating(*deviation)
            })
            .collect()
    }
}

fn expectation_of(check: CheckId) -> &'static str {
    match check {
        CheckId::ResponseBody => "a JSON object with a WindowExecutionTaskIdentities list",
        CheckId::PageSize => "no more items on a page than MaxResults (and never more than 100)",
        CheckId::ItemMembers => {
            "items carrying WindowExecutionId, TaskExecutionId and Status, with modelled member names"
        }
        CheckId::ItemTypes => "item members of the modelled JSON types, enums and lengths",
        CheckId::ItemTimestamps => "StartTime and EndTime as epoch-second JSON numbers, EndTime not before StartTime",
        CheckId::ItemExecution => "every item belonging to the requested execution",
        _ => "the contract's output shape",
    }
}

/// Every response-shape finding on a success `resp` to `req`; empty for other statuses.
pub fn check_success(req: &PageRequest, resp: &Received) -> Vec<Finding> {
    if resp.status != 200 {
        return Vec::new();
    }
    let mut p = Problems::default();
    let page = match resp.page() {
        Ok(page) => page,
        Err(why) => {
            if crate::check::error_shape::is_error(resp, resp.error_shape()) {
                return Vec::new(); // an error sent with 200: the error-shape checks report it
            }
            p.add(CheckId::ResponseBody, why);
            return p.into_findings();
        }
    };
    // No list member is an empty page (EITHER `empty-list-form`: the model requires no output
    // member, and every SDK reads an absent list as no items).
    let limit = req.max_results.unwrap_or(contract::MAX_RESULTS_MAX).clamp(0, contract::MAX_RESULTS_MAX) as usize;
    if page.items.len() > limit {
        let asked = req.max_results.map_or("MaxResults absent".to_owned(), |n| format!("MaxResults {n}"));
        p.add(CheckId::PageSize, format!("{} items for {asked}", page.items.len()));
    }
    for (i, item) in page.items.iter().enumerate() {
        check_item(i, item, req, &mut p);
    }
    p.into_findings()
}

fn label(i: usize, obj: &Map<String, Value>) -> String {
    match obj.get(output::TASK_EXECUTION_ID).and_then(Value::as_str) {
        Some(id) => format!("item {} ({id})", i + 1),
        None => format!("item {}", i + 1),
    }
}

fn check_item(i: usize, item: &Value, req: &PageRequest, p: &mut Problems) {
    let Value::Object(obj) = item else {
        p.add(CheckId::ResponseBody, format!("item {} is {}, not an object", i + 1, json_type(item)));
        return;
    };
    let at = label(i, obj);

    for m in output::REQUIRED_ITEM_MEMBERS {
        match obj.get(m) {
            None => {
                let what = format!("{at} has no {m}");
                let deviation = (m == output::TASK_EXECUTION_ID).then_some("task-execution-id-missing");
                p.add_deviation(CheckId::ItemMembers, what, deviation);
            }
            Some(Value::Null) => {
                let what = format!("{at} has {m} null, a member it must carry");
                p.add_deviation(CheckId::ItemMembers, what, (m == output::STATUS).then_some("status-null"));
            }
            Some(_) => {}
        }
    }
    // An optional member sent as null is read as absent by the SDKs (contract §4): from here on,
    // a null member is an absent one.
    let present: Map<String, Value> =
        obj.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), v.clone())).collect();
    let obj = &present;
    for key in obj.keys() {
        if output::ITEM_MEMBERS.contains(&key.as_str()) {
            continue;
        }
        if let Some(meant) = misspelt_member(key, obj) {
            let what = format!("{at} has `{key}` where the contract has `{meant}`: clients will see {meant} as absent");
            p.add_deviation(CheckId::ItemMembers, what, (meant == output::TASK_TYPE).then_some("task-type-misspelt"));
        }
    }

    for m in [output::WINDOW_EXECUTION_ID, output::TASK_EXECUTION_ID] {
        if let Some(v) = obj.get(m) {
            match v.as_str() {
                Some(s) if contract::is_valid_id(s) => {}
                Some(s) => p.add(CheckId::ItemTypes, format!("{at} {m} {s:?} does not match the id pattern")),
                None => p.add(CheckId::ItemTypes, format!("{at} {m} is {}, not a string", json_type(v))),
            }
        }
    }
    enum_member(obj, output::STATUS, &contract::STATUSES, &at, p);
    enum_member(obj, output::TASK_TYPE, &contract::TASK_TYPES, &at, p);
    string_member(obj, output::STATUS_DETAILS, 0, contract::STATUS_DETAILS_MAX, &at, p);
    string_member(obj, output::TASK_ARN, contract::TASK_ARN_MIN, contract::TASK_ARN_MAX, &at, p);
    alarms(obj, &at, p);
    timestamps(obj, &at, p);

    if let (Some(asked), Some(got)) =
        (&req.window_execution_id, obj.get(output::WINDOW_EXECUTION_ID).and_then(Value::as_str))
    {
        if !asked.eq_ignore_ascii_case(got) {
            p.add(CheckId::ItemExecution, format!("{at} belongs to execution {got}, not {asked}"));
        }
    }
}

/// The modelled member an unknown key most likely stands in for, when that member is absent.
fn misspelt_member(key: &str, obj: &Map<String, Value>) -> Option<&'static str> {
    let k = key.to_ascii_lowercase();
    output::ITEM_MEMBERS.into_iter().find(|m| {
        if obj.contains_key(*m) {
            return false;
        }
        let lm = m.to_ascii_lowercase();
        k == lm || (k.len() >= 4 && (lm.ends_with(&k) || lm.starts_with(&k))) || edit_distance(&k, &lm) <= 2
    })
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

fn enum_member(obj: &Map<String, Value>, m: &str, allowed: &[&str], at: &str, p: &mut Problems) {
    match obj.get(m) {
        None => {}
        Some(Value::String(s)) if allowed.contains(&s.as_str()) => {}
        Some(Value::String(s)) => {
            let what = format!("{at} {m} {s:?} is not one of {}", allowed.join(", "));
            p.add_deviation(CheckId::ItemTypes, what, (m == output::STATUS).then_some("status-outside-enum"));
        }
        Some(v) => p.add(CheckId::ItemTypes, format!("{at} {m} is {}, not a string", json_type(v))),
    }
}

fn string_member(obj: &Map<String, Value>, m: &str, min: usize, max: usize, at: &str, p: &mut Problems) {
    match obj.get(m) {
        None => {}
        Some(Value::String(s)) => {
            let n = s.chars().count();
            if n < min || n > max {
                p.add(CheckId::ItemTypes, format!("{at} {m} has length {n}, outside {min}..={max}"));
            }
        }
        Some(v) => {
            let what = format!("{at} {m} is {}, not a string", json_type(v));
            let deviation = (m == output::TASK_ARN && v.is_number()).then_some("task-arn-number");
            p.add_deviation(CheckId::ItemTypes, what, deviation);
        }
    }
}

fn alarm_name(v: Option<&Value>, what: &str, at: &str, p: &mut Problems) {
    match v {
        Some(Value::String(s))
            if (contract::ALARM_NAME_MIN..=contract::ALARM_NAME_MAX).contains(&s.chars().count()) => {}
        Some(Value::String(s)) => p.add(CheckId::ItemTypes, format!("{at} {what} has length {}", s.chars().count())),
        Some(v) => p.add(CheckId::ItemTypes, format!("{at} {what} is {}, not a string", json_type(v))),
        None => p.add(CheckId::ItemTypes, format!("{at} {what} is missing (required)")),
    }
}

fn alarms(obj: &Map<String, Value>, at: &str, p: &mut Problems) {
    match obj.get(output::ALARM_CONFIGURATION) {
        None => {}
        Some(Value::Object(cfg)) => {
            if let Some(v) = cfg.get("IgnorePollAlarmFailure") {
                if !v.is_boolean() {
                    p.add(
                        CheckId::ItemTypes,
                        format!("{at} AlarmConfiguration.IgnorePollAlarmFailure is {}, not a boolean", json_type(v)),
                    );
                }
            }
            match cfg.get("Alarms") {
                Some(Value::Array(list)) if list.len() == 1 => {
                    alarm_name(list[0].get("Name"), "AlarmConfiguration.Alarms[0].Name", at, p);
                }
                Some(Value::Array(list)) => p.add(
                    CheckId::ItemTypes,
                    format!("{at} AlarmConfiguration.Alarms has {} alarms, not exactly 1", list.len()),
                ),
                Some(v) => {
                    p.add(
                        CheckId::ItemTypes,
                        format!("{at} AlarmConfiguration.Alarms is {}, not a list", json_type(v)),
                    );
                }
                None => p.add(CheckId::ItemTypes, format!("{at} AlarmConfiguration has no Alarms (required)")),
            }
        }
        Some(v) => p.add(CheckId::ItemTypes, format!("{at} AlarmConfiguration is {}, not an object", json_type(v))),
    }
    match obj.get(output::TRIGGERED_ALARMS) {
        None => {}
        Some(Value::Array(list)) if list.len() == 1 => {
            alarm_name(list[0].get("Name"), "TriggeredAlarms[0].Name", at, p);
            match list[0].get("State").and_then(Value::as_str) {
                Some(s) if contract::ALARM_STATES.contains(&s) => {}
                other => p.add(
                    CheckId::ItemTypes,
                    format!("{at} TriggeredAlarms[0].State {other:?} is not one of UNKNOWN, ALARM"),
                ),
            }
        }
        Some(Value::Array(list)) => {
            p.add(CheckId::ItemTypes, format!("{at} TriggeredAlarms has {} entries, not exactly 1", list.len()));
        }
        Some(v) => p.add(CheckId::ItemTypes, format!("{at} TriggeredAlarms is {}, not a list", json_type(v))),
    }
}

fn timestamps(obj: &Map<String, Value>, at: &str, p: &mut Problems) {
    let mut times = [None, None];
    for (slot, m) in [output::START_TIME, output::END_TIME].into_iter().enumerate() {
        match obj.get(m) {
            None => {}
            Some(Value::Number(n)) if n.as_f64().is_some_and(|t| !(contract::EPOCH_SECONDS_MIN..=contract::EPOCH_SECONDS_MAX).contains(&t)) => p.add_deviation(
                CheckId::ItemTimestamps,
                format!("{at} {m} is {n}, outside the years 1 to 9999 (milliseconds sent as seconds?)"),
                n.as_f64().is_some_and(|t| t > contract::EPOCH_SECONDS_MAX).then_some("timestamps-milliseconds"),
            ),
            Some(Value::Number(n)) => times[slot] = n.as_f64(),
            Some(Value::String(s)) => p.add_deviation(
                CheckId::ItemTimestamps,
                format!(
                    "{at} {m} is the string {s:?}: awsJson sends epoch seconds as a number (the public documentation's example shows strings, but that is CLI display output)"
                ),
                Some("timestamps-iso"),
            ),
            Some(v) => p.add(CheckId::ItemTimestamps, format!("{at} {m} is {}, not an epoch-seconds number", json_type(v))),
        }
    }
    if let [Some(start), Some(end)] = times {
        if end < start {
            let what = format!("{at} EndTime {end} is before StartTime {start}");
            p.add_deviation(CheckId::ItemTimestamps, what, Some("end-before-start"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::response::WireResponse;

    fn check(req: &PageRequest, resp: &WireResponse) -> Vec<Finding> {
        check_success(req, &Received::new(resp))
    }

    fn page(items: Value) -> WireResponse {
        WireResponse {
            status: 200,
            headers: vec![("content-type".into(), contract::CONTENT_TYPE.into())],
            body: serde_json::json!({ "WindowExecutionTaskIdentities": items }).to_string().into_bytes(),
        }
    }

    #[test]
    fn unknown_members_never_fail_but_stand_ins_do() {
        let id = "0123abcd-0000-4000-8000-000000000001";
        let req = PageRequest { window_execution_id: Some(id.into()), max_results: Some(10) };
        let ok = serde_json::json!([{"WindowExecutionId": id, "TaskExecutionId": id, "Status": "SUCCESS",
            "TaskType": "LAMBDA", "StartTime": 1.5, "EndTime": 2, "Region": "eu-west-1", "Nested": {"a": 1}}]);
        assert!(check(&req, &page(ok)).is_empty());
        // Optional members sent as null are read as absent: allowed (contract §4).
        let nulls = serde_json::json!([{"WindowExecutionId": id, "TaskExecutionId": id, "Status": "SUCCESS",
            "EndTime": null, "StartTime": null, "AlarmConfiguration": null, "TriggeredAlarms": null,
            "StatusDetails": null, "TaskArn": null, "TaskType": null}]);
        assert!(check(&req, &page(nulls)).is_empty());
        // A required one sent as null is not there for clients.
        let null_status = serde_json::json!([{"WindowExecutionId": id, "TaskExecutionId": id, "Status": null}]);
        let findings = check(&req, &page(null_status));
        assert_eq!(findings.iter().map(|f| f.check).collect::<Vec<_>>(), [CheckId::ItemMembers], "{findings:?}");
        // Milliseconds sent as seconds: after the year 9999.
        let millis = serde_json::json!([{"WindowExecutionId": id, "TaskExecutionId": id, "Status": "SUCCESS", "StartTime": 1.7e12}]);
        let findings = check(&req, &page(millis));
        assert_eq!(findings.iter().map(|f| f.check).collect::<Vec<_>>(), [CheckId::ItemTimestamps], "{findings:?}");
        let bad = serde_json::json!([{"WindowExecutionId": id, "TaskExecutionId": id, "Status": "SUCCESS", "Type": "LAMBDA"}]);
        let findings = check(&req, &page(bad));
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert!(findings[0].actual.contains("`Type` where the contract has `TaskType`"), "{findings:?}");
    }

    #[test]
    fn misspellings_are_found_and_unknown_members_allowed() {
        let obj: Map<String, Value> =
            serde_json::from_str(r#"{"Type": "RUN_COMMAND", "Extra": 1, "startTime": 1}"#).unwrap();
        assert_eq!(misspelt_member("Type", &obj), Some("TaskType"));
        assert_eq!(misspelt_member("startTime", &obj), Some("StartTime"));
        assert_eq!(misspelt_member("Extra", &obj), None);
    }
}
