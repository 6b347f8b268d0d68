//! A small endpoint that is not ours, written independently of the crate's contract module:
//! conformant in MaxResults validation, JSON handling and error shapes, but it checks only the
//! id's length (not its pattern) and sends ISO-8601 timestamps. The harness must see both sides.

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use crate::util::{fail_lines, ssm_conform, stdout, TestServer};

const EXECUTION: &str = "0123abcd-0000-4000-8000-00000000beef";
const STATUSES: [&str; 3] = ["SUCCESS", "FAILED", "IN_PROGRESS"];

fn reply(status: u16, body: Value) -> Response {
    let mut r = (StatusCode::from_u16(status).unwrap(), body.to_string()).into_response();
    r.headers_mut().insert("content-type", "application/x-amz-json-1.1".parse().unwrap());
    r.headers_mut().insert("x-amzn-requestid", "11111111-2222-3333-4444-555555555555".parse().unwrap());
    r
}

fn error(status: u16, ty: &str, message: Option<String>) -> Response {
    match message {
        Some(m) => reply(status, json!({"__type": ty, "message": m})),
        None => reply(status, json!({"__type": ty})),
    }
}

fn task(i: usize) -> Value {
    json!({
        "WindowExecutionId": EXECUTION,
        "TaskExecutionId": format!("0123abcd-0000-4000-8000-{:012x}", i + 1),
        "Status": STATUSES[i % STATUSES.len()],
        "TaskType": "RUN_COMMAND",
        "TaskArn": "AWS-RunPatchBaseline",
        // The deviation: ISO strings where awsJson sends epoch seconds.
        "StartTime": format!("2024-08-04T11:{:02}:35.145000-07:00", i % 60),
    })
}

async fn handle(headers: HeaderMap, body: Bytes) -> Response {
    if headers.get("x-amz-target").and_then(|v| v.to_str().ok())
        != Some("AmazonSSM.DescribeMaintenanceWindowExecutionTasks")
    {
        return error(400, "UnknownOperationException", None);
    }
    let body: Value = if body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        match serde_json::from_slice(&body) {
            Ok(v @ Value::Object(_)) => v,
            _ => return error(400, "SerializationException", None),
        }
    };
    let id = match body.get("WindowExecutionId") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return error(400, "SerializationException", None),
    };
    let max = match body.get("MaxResults") {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_i64().filter(|n| i32::try_from(*n).is_ok()) {
            Some(n) => Some(n),
            None => return error(400, "SerializationException", None),
        },
    };
    let mut items = Vec::new();
    match &id {
        None => items.push("Value null at 'windowExecutionId' failed to satisfy constraint: Member must not be null".to_owned()),
        // The deviation: the length is checked, the pattern is not.
        Some(s) if s.chars().count() < 36 => items.push(format!("Value '{s}' at 'windowExecutionId' failed to satisfy constraint: Member must have length greater than or equal to 36")),
        Some(s) if s.chars().count() > 36 => items.push(format!("Value '{s}' at 'windowExecutionId' failed to satisfy constraint: Member must have length less than or equal to 36")),
        Some(_) => {}
    }
    if let Some(n) = max {
        if n < 10 {
            items.push(format!("Value '{n}' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 10"));
        }
        if n > 100 {
            items.push(format!("Value '{n}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100"));
        }
    }
    if !items.is_empty() {
        let plural = if items.len() == 1 { "error" } else { "errors" };
        return error(
            400,
            "ValidationException",
            Some(format!("{} validation {plural} detected: {}", items.len(), items.join("; "))),
        );
    }
    let id = id.unwrap_or_default();
    if id != EXECUTION {
        return reply(
            400,
            json!({"__type": "DoesNotExistException", "Message": format!("Maintenance window execution {id} does not exist")}),
        );
    }
    let all: Vec<Value> = (0..25).map(task).collect();
    let size = max.unwrap_or(10) as usize;
    let offset = match body.get("NextToken").and_then(Value::as_str).filter(|t| !t.is_empty()) {
        None => 0,
        Some(t) => match t.strip_prefix("o:").and_then(|n| n.parse::<usize>().ok()).filter(|n| *n <= all.len()) {
            Some(n) => n,
            None => return error(400, "InvalidNextToken", Some("bad token".into())),
        },
    };
    let end = (offset + size).min(all.len());
    let mut out = json!({"WindowExecutionTaskIdentities": all[offset..end]});
    if end < all.len() {
        out["NextToken"] = json!(format!("o:{end}"));
    }
    reply(200, out)
}

fn start() -> (TestServer, String) {
    let server = TestServer::router(axum::Router::new().fallback(handle));
    let url = server.url.clone();
    (server, url)
}

fn failing_checks(lines: &[String]) -> Vec<String> {
    lines.iter().filter_map(|l| l.split('[').nth(1).and_then(|r| r.split(']').next()).map(str::to_owned)).collect()
}

#[test]
fn a_foreign_endpoint_gets_both_verdicts() {
    let (_rt, url) = start();
    let out = ssm_conform(&["run", "--endpoint", &url, "--execution-id", EXECUTION, "--verbose"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let failing = failing_checks(&fail_lines(&out));
    // Its deviations are found...
    assert!(failing.iter().any(|c| c == "id-pattern"), "{text}");
    assert!(failing.iter().any(|c| c == "item-timestamps"), "{text}");
    assert!(text.contains("is the string \"2024-08-04T11:"), "{text}");
    // ...and what it does right passes.
    for ok in [
        "max-results-min",
        "max-results-max",
        "malformed-json",
        "error-type",
        "error-message",
        "request-id",
        "unknown-execution",
        "pagination-walk",
    ] {
        assert!(!failing.iter().any(|c| c == ok), "{ok} failed:\n{text}");
    }
    assert!(text.contains("PASS max-results-"), "{text}");
}

#[test]
fn without_execution_ids_data_checks_skip_and_the_rest_still_run() {
    let (_rt, url) = start();
    let out = ssm_conform(&["run", "--endpoint", &url]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let failing = failing_checks(&fail_lines(&out));
    assert!(failing.iter().any(|c| c == "id-pattern"), "{text}");
    assert!(!failing.iter().any(|c| c == "item-timestamps"), "no items were seen, so nothing to judge:\n{text}");
    assert!(text.contains("needs an execution known to hold tasks (give --execution-id)"), "{text}");
}
