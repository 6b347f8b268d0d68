//! What the service model says of a returned value: each member of its JSON type, enum, pattern
//! and length, recursively through structures and lists, for any output shape of the model (the
//! second operation's executions use it; a third operation's items would too). Unknown members
//! are allowed (clients ignore them) and `null` reads as absent (contract §4); a timestamp must be
//! a JSON number an SDK can hold as a date. Returns one line per problem, naming the member's path.

use serde_json::Value;

use crate::contract;
use crate::model::{self, Kind, Shape};
use crate::response::{excerpt, json_type};

/// Every problem of `value` against `shape`, each as `<path>: <what is wrong>`.
pub fn problems(shape: &Shape, value: &Value, path: &str) -> Vec<String> {
    let mut out = Vec::new();
    walk(shape, value, path, &mut out);
    out
}

fn shape(name: &str) -> &'static Shape {
    model::shape_named(name).expect("the generated tables name only their own shapes")
}

fn walk(shape: &Shape, value: &Value, path: &str, out: &mut Vec<String>) {
    if value.is_null() {
        return;
    }
    let mut wrong = |what: &str| out.push(format!("{path}: expected {what}, got {}", json_type(value)));
    match (shape.kind, value) {
        (Kind::String { .. }, Value::String(s)) => string(shape, s, path, out),
        (Kind::String { .. }, _) => wrong("a string"),
        (Kind::Integer { range }, Value::Number(n)) => match n.as_i64() {
            Some(i) if range.contains(i) => {}
            Some(i) => out.push(format!("{path}: {i} is outside {}", bounds(range))),
            None => out.push(format!("{path}: {n} is not an integer")),
        },
        (Kind::Integer { .. }, _) => wrong("an integer"),
        (Kind::Boolean, Value::Bool(_)) => {}
        (Kind::Boolean, _) => wrong("a boolean"),
        (Kind::Timestamp, Value::Number(n)) => {
            let t = n.as_f64().unwrap_or(f64::NAN);
            if !(contract::EPOCH_SECONDS_MIN..=contract::EPOCH_SECONDS_MAX).contains(&t) {
                out.push(format!("{path}: {n} is no date a client can hold (epoch seconds of years 1 to 9999)"));
            }
        }
        (Kind::Timestamp, _) => wrong("a number of epoch seconds"),
        (Kind::Double, Value::Number(_)) => {}
        (Kind::Double, _) => wrong("a number"),
        (Kind::Blob { .. }, Value::String(_)) => {}
        (Kind::Blob { .. }, _) => wrong("a base64 string"),
        (Kind::List { member, length }, Value::Array(list)) => {
            let n = i64::try_from(list.len()).unwrap_or(i64::MAX);
            if !length.contains(n) {
                out.push(format!("{path}: {n} elements, outside {}", bounds(length)));
            }
            for (i, v) in list.iter().enumerate() {
                walk(self::shape(member), v, &format!("{path}[{i}]"), out);
            }
        }
        (Kind::List { .. }, _) => wrong("a list"),
        (Kind::Map { value: v, .. }, Value::Object(map)) => {
            for (k, x) in map {
                walk(self::shape(v), x, &format!("{path}.{k}"), out);
            }
        }
        (Kind::Map { .. }, _) => wrong("an object"),
        (Kind::Structure { members, .. }, Value::Object(map)) => {
            for m in members {
                match map.get(m.name) {
                    Some(v) => walk(self::shape(m.shape), v, &format!("{path}.{}", m.name), out),
                    None if m.required => out.push(format!("{path}.{}: required by the model, absent", m.name)),
                    None => {}
                }
            }
        }
        (Kind::Structure { .. }, _) => wrong("an object"),
    }
}

fn string(shape: &Shape, s: &str, path: &str, out: &mut Vec<String>) {
    let Kind::String { length, values, .. } = shape.kind else { return };
    let shown = excerpt(s, 60);
    if !values.is_empty() && !values.contains(&s) {
        out.push(format!("{path}: {shown:?} is none of {}", values.join(" ")));
        return;
    }
    let n = i64::try_from(s.chars().count()).unwrap_or(i64::MAX);
    if !length.contains(n) {
        out.push(format!("{path}: {shown:?} has length {n}, outside {}", bounds(length)));
    }
    if shape.pattern_matches(s) == Some(false) {
        let pattern = match shape.kind {
            Kind::String { pattern: Some(p), .. } => p.source,
            _ => "",
        };
        out.push(format!("{path}: {shown:?} does not match {pattern}"));
    }
}

fn bounds(b: model::Bounds) -> String {
    match (b.min, b.max) {
        (Some(lo), Some(hi)) => format!("{lo}..{hi}"),
        (Some(lo), None) => format!("{lo}.."),
        (None, Some(hi)) => format!("..{hi}"),
        (None, None) => "any".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::shape::{
        maintenance_window_execution as execution, maintenance_window_execution_task_identity as task,
    };

    #[test]
    fn a_faithful_item_has_no_problem() {
        let item = json!({"WindowId": "mw-0123456789abcdef0", "WindowExecutionId": "0123abcd-ABCD-4ef0-89aB-cdef01234567",
            "Status": "SUCCESS", "StatusDetails": "", "StartTime": 1.7e9, "EndTime": null, "Extra": [1]});
        assert_eq!(problems(execution::SHAPE, &item, "WindowExecutions[0]"), Vec::<String>::new());
        let alarms = json!({"AlarmConfiguration": {"Alarms": [{"Name": "cpu"}], "IgnorePollAlarmFailure": true},
            "TriggeredAlarms": [{"Name": "cpu", "State": "ALARM"}]});
        assert_eq!(problems(task::SHAPE, &alarms, "i"), Vec::<String>::new());
    }

    #[test]
    fn every_kind_of_problem_is_named_with_its_path() {
        let item = json!({"WindowId": "mw-0123456789ABCDEF0", "WindowExecutionId": 5, "Status": "COMPLETED",
            "StatusDetails": "x".repeat(251), "StartTime": "2025-01-01T00:00:00Z", "EndTime": 1.7e12});
        let found = problems(execution::SHAPE, &item, "e");
        assert_eq!(found.len(), 6, "{found:#?}");
        for path in
            ["e.WindowId:", "e.WindowExecutionId:", "e.Status:", "e.StatusDetails:", "e.StartTime:", "e.EndTime:"]
        {
            assert!(found.iter().any(|p| p.starts_with(path)), "{path} in {found:#?}");
        }
        let alarms =
            json!({"AlarmConfiguration": {"Alarms": []}, "TriggeredAlarms": [{"Name": " ", "State": "ALARM"}]});
        let found = problems(task::SHAPE, &alarms, "i");
        assert_eq!(found.len(), 2, "{found:#?}");
        let missing = problems(task::SHAPE, &json!({"AlarmConfiguration": {}}), "i");
        assert_eq!(missing, ["i.AlarmConfiguration.Alarms: required by the model, absent"]);
    }
}
