//! Output faults as small named deformations of the faithful answer (hurl's test server: one
//! small function per misbehaviour). Each takes the request and the faithful response and
//! changes only what its fault names; `server/fault.rs` points each such fault at its function.
//!
//! Adding one: a function here, `Some(deform::its_name)` in the fault's catalogue line, and the
//! fault's row in the fault-table test (it names the check that must catch it).

use serde_json::{json, Map, Value};

use super::answer::Reply;
use super::choices::Choices;
use crate::contract::{self, error_body, error_type, input, output};
use crate::request::WireRequest;
use crate::response::{ErrorShape, WireResponse};

/// A deformation of the faithful answer.
pub type Deform = fn(&WireRequest, &mut WireResponse);

/// Replaces the whole answer with `reply`, keeping the request id.
fn replace(resp: &mut WireResponse, reply: Reply) {
    let request_id = resp.header(contract::REQUEST_ID_HEADER).map(str::to_owned);
    *resp = reply.into_response(request_id, Choices::FAITHFUL.error_type_header);
}

fn set_header(resp: &mut WireResponse, name: &str, value: &str) {
    for (k, v) in &mut resp.headers {
        if k.eq_ignore_ascii_case(name) {
            *v = value.to_owned();
        }
    }
}

/// A client error (4xx), as the faithful reference sends every one of them.
fn is_client_error(resp: &WireResponse) -> bool {
    (400..500).contains(&resp.status)
}

fn has_error_type(resp: &WireResponse, ty: &str) -> bool {
    ErrorShape::of(resp).resolved_type.as_deref() == Some(ty)
}

/// Applies `f` to the body's JSON object, in place (member order kept).
fn edit_body(resp: &mut WireResponse, f: impl FnOnce(&mut Map<String, Value>)) {
    if let Ok(Value::Object(mut map)) = serde_json::from_slice::<Value>(&resp.body) {
        f(&mut map);
        resp.body = Value::Object(map).to_string().into_bytes();
    }
}

/// Renames member `from` to `to` where it stands.
fn rename_member(map: &mut Map<String, Value>, from: &str, to: &str) {
    *map = std::mem::take(map).into_iter().map(|(k, v)| if k == from { (to.to_owned(), v) } else { (k, v) }).collect();
}

/// Whether the request reaches this operation at all (POST /, this target).
fn reaches_operation(req: &WireRequest) -> bool {
    req.method.eq_ignore_ascii_case("POST")
        && req.path.split('?').next() == Some("/")
        && req.header(contract::TARGET_HEADER) == Some(contract::TARGET)
}

/// The request's JSON object, if it reaches this operation at all.
fn operation_object(req: &WireRequest) -> Option<Map<String, Value>> {
    match serde_json::from_slice(&req.body) {
        Ok(Value::Object(obj)) if reaches_operation(req) => Some(obj),
        _ => None,
    }
}

/// Applies `f` to every item of a success.
fn edit_items(resp: &mut WireResponse, f: fn(&mut Map<String, Value>)) {
    if resp.status != 200 {
        return;
    }
    edit_body(resp, |body| {
        if let Some(Value::Array(items)) = body.get_mut(output::ITEMS) {
            items.iter_mut().filter_map(Value::as_object_mut).for_each(f);
        }
    });
}

/// `request-id-missing`: no request-id header.
pub fn request_id_missing(_: &WireRequest, resp: &mut WireResponse) {
    resp.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(contract::REQUEST_ID_HEADER));
}

/// `content-type-json`: successes as `application/json`.
pub fn content_type_json(_: &WireRequest, resp: &mut WireResponse) {
    if resp.status == 200 {
        set_header(resp, "Content-Type", "application/json");
    }
}

/// `error-content-type-json`: client errors as `application/json`.
pub fn error_content_type_json(_: &WireRequest, resp: &mut WireResponse) {
    if is_client_error(resp) {
        set_header(resp, "Content-Type", "application/json");
    }
}

/// `error-status-200`: client errors with HTTP 200.
pub fn error_status_200(_: &WireRequest, resp: &mut WireResponse) {
    if is_client_error(resp) {
        resp.status = 200;
    }
}

/// `error-status-500`: client errors with HTTP 500.
pub fn error_status_500(_: &WireRequest, resp: &mut WireResponse) {
    if is_client_error(resp) {
        resp.status = 500;
    }
}

/// `error-type-header-only`: no `__type` in the body (the header stays).
pub fn error_type_header_only(_: &WireRequest, resp: &mut WireResponse) {
    if is_client_error(resp) {
        edit_body(resp, |b| {
            b.shift_remove(error_body::TYPE);
        });
    }
}

/// `error-type-code-member`: the type under `code` instead of `__type`.
pub fn error_type_code_member(_: &WireRequest, resp: &mut WireResponse) {
    if is_client_error(resp) {
        edit_body(resp, |b| rename_member(b, error_body::TYPE, error_body::CODE));
    }
}

/// `error-message-missing`: no message.
pub fn error_message_missing(_: &WireRequest, resp: &mut WireResponse) {
    if is_client_error(resp) {
        edit_body(resp, |b| error_body::MESSAGE_KEYS.iter().for_each(|k| drop(b.shift_remove(*k))));
    }
}

/// `error-message-unread-key`: the message under `errorMessage`.
pub fn error_message_unread_key(_: &WireRequest, resp: &mut WireResponse) {
    if is_client_error(resp) {
        let unread = error_body::UNREAD_MESSAGE_KEYS[0];
        edit_body(resp, |b| error_body::MESSAGE_KEYS.iter().for_each(|k| rename_member(b, k, unread)));
    }
}

/// `unknown-execution-empty-200`: an unknown execution answered with 200 and an empty list.
pub fn unknown_execution_empty(_: &WireRequest, resp: &mut WireResponse) {
    if has_error_type(resp, error_type::DOES_NOT_EXIST) {
        replace(resp, Reply::success(&json!({ output::ITEMS: [] })));
    }
}

/// `validation-as-does-not-exist`: every `ValidationException` sent as `DoesNotExistException`
/// (status, content type and message kept), as an emulator that knows one error type does.
pub fn validation_as_does_not_exist(req: &WireRequest, resp: &mut WireResponse) {
    if !has_error_type(resp, error_type::VALIDATION) {
        return;
    }
    let id = operation_object(req)
        .and_then(|o| o.get(input::WINDOW_EXECUTION_ID).and_then(Value::as_str).map(str::to_owned));
    let message = format!("Maintenance window execution {} does not exist", id.unwrap_or_default());
    let reply = Reply::error(&Choices::FAITHFUL, resp.status, error_type::DOES_NOT_EXIST, Some(message));
    replace(resp, reply);
}

/// `unknown-execution-404`: `DoesNotExistException` with HTTP 404.
pub fn unknown_execution_404(_: &WireRequest, resp: &mut WireResponse) {
    if has_error_type(resp, error_type::DOES_NOT_EXIST) {
        resp.status = 404;
    }
}

/// `malformed-json-500`: a body that is not a JSON object fails with 500.
pub fn malformed_json_500(req: &WireRequest, resp: &mut WireResponse) {
    let object = matches!(serde_json::from_slice::<Value>(&req.body), Ok(Value::Object(_)));
    if has_error_type(resp, error_type::SERIALIZATION) && !object {
        replace(resp, Reply::internal_error());
    }
}

/// `wrong-type-500`: a member of the wrong JSON type fails with 500.
pub fn wrong_type_500(req: &WireRequest, resp: &mut WireResponse) {
    let object = matches!(serde_json::from_slice::<Value>(&req.body), Ok(Value::Object(_)));
    if has_error_type(resp, error_type::SERIALIZATION) && object {
        replace(resp, Reply::internal_error());
    }
}

/// `null-member-500`: a request member that is JSON null fails with 500.
pub fn null_member_500(req: &WireRequest, resp: &mut WireResponse) {
    if operation_object(req).is_some_and(|o| o.values().any(Value::is_null)) {
        replace(resp, Reply::internal_error());
    }
}

/// `unknown-member-500`: an unknown request member fails with 500.
pub fn unknown_member_500(req: &WireRequest, resp: &mut WireResponse) {
    if operation_object(req).is_some_and(|o| o.keys().any(|k| !input::MEMBERS.contains(&k.as_str()))) {
        replace(resp, Reply::internal_error());
    }
}

/// `empty-body-rejected`: an empty body answered with `SerializationException`.
pub fn empty_body_rejected(req: &WireRequest, resp: &mut WireResponse) {
    if reaches_operation(req) && req.body.iter().all(u8::is_ascii_whitespace) {
        replace(resp, Reply::error(&Choices::FAITHFUL, 400, error_type::SERIALIZATION, None));
    }
}

/// `items-not-a-list`: the items as an object keyed by task id.
pub fn items_not_a_list(_: &WireRequest, resp: &mut WireResponse) {
    if resp.status != 200 {
        return;
    }
    edit_body(resp, |body| {
        if let Some(Value::Array(items)) = body.get_mut(output::ITEMS) {
            let keyed: Map<String, Value> = std::mem::take(items)
                .into_iter()
                .map(|i| (i.get(output::TASK_EXECUTION_ID).and_then(Value::as_str).unwrap_or("").to_owned(), i))
                .collect();
            body.insert(output::ITEMS.into(), Value::Object(keyed));
        }
    });
}

/// `timestamps-iso`: `StartTime` and `EndTime` as ISO-8601 strings.
pub fn timestamps_iso(_: &WireRequest, resp: &mut WireResponse) {
    edit_items(resp, |item| {
        for k in [output::START_TIME, output::END_TIME] {
            if let Some(t) = item.get(k).and_then(Value::as_f64) {
                item.insert(k.into(), Value::String(iso8601(t)));
            }
        }
    });
}

/// `end-before-start`: an `EndTime` a minute before the `StartTime`.
pub fn end_before_start(_: &WireRequest, resp: &mut WireResponse) {
    edit_items(resp, |item| {
        if let (Some(s), Some(_)) = (item.get(output::START_TIME).and_then(Value::as_f64), item.get(output::END_TIME)) {
            item.insert(output::END_TIME.into(), json!(s - 60.0));
        }
    });
}

/// `task-type-misspelt`: the task type under `Type`.
pub fn task_type_misspelt(_: &WireRequest, resp: &mut WireResponse) {
    edit_items(resp, |item| {
        if let Some(v) = item.remove(output::TASK_TYPE) {
            item.insert("Type".into(), v);
        }
    });
}

/// `task-execution-id-missing`: items without `TaskExecutionId`.
pub fn task_execution_id_missing(_: &WireRequest, resp: &mut WireResponse) {
    edit_items(resp, |item| drop(item.remove(output::TASK_EXECUTION_ID)));
}

/// `status-outside-enum`: `Status` in lower case.
pub fn status_outside_enum(_: &WireRequest, resp: &mut WireResponse) {
    edit_items(resp, |item| {
        if let Some(s) = item.get(output::STATUS).and_then(Value::as_str) {
            let lower = s.to_ascii_lowercase();
            item.insert(output::STATUS.into(), Value::String(lower));
        }
    });
}

/// `status-null`: `Status` as null.
pub fn status_null(_: &WireRequest, resp: &mut WireResponse) {
    edit_items(resp, |item| drop(item.insert(output::STATUS.into(), Value::Null)));
}

/// `timestamps-milliseconds`: `StartTime` and `EndTime` in milliseconds.
pub fn timestamps_milliseconds(_: &WireRequest, resp: &mut WireResponse) {
    edit_items(resp, |item| {
        for k in [output::START_TIME, output::END_TIME] {
            if let Some(t) = item.get(k).and_then(Value::as_f64) {
                item.insert(k.into(), json!((t * 1000.0).round()));
            }
        }
    });
}

/// `task-arn-number`: `TaskArn` as a JSON number.
pub fn task_arn_number(_: &WireRequest, resp: &mut WireResponse) {
    edit_items(resp, |item| drop(item.insert(output::TASK_ARN.into(), json!(123_456_789))));
}

/// moto_server's answer to an operation it lacks.
const MOTO_500_PAGE: &str = "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>\n<p>The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.</p>\n";

/// `not-implemented-html-500`: every request answered like moto_server answers an operation it
/// lacks.
pub fn not_implemented_html_500(_: &WireRequest, resp: &mut WireResponse) {
    let page = Reply {
        status: 500,
        body: MOTO_500_PAGE.as_bytes().to_vec(),
        content_type: "text/html; charset=utf-8",
        error_type: None,
    };
    replace(resp, page);
}

/// `not-implemented-501`: every request answered like LocalStack answers an operation it lacks.
pub fn not_implemented_501(_: &WireRequest, resp: &mut WireResponse) {
    let body = json!({
        error_body::TYPE: error_type::INTERNAL_FAILURE,
        error_body::MESSAGE_FRAMEWORK: "The describe_maintenance_window_execution_tasks action has not been implemented",
    });
    let reply = Reply {
        status: 501,
        body: body.to_string().into_bytes(),
        content_type: contract::CONTENT_TYPE,
        error_type: None,
    };
    replace(resp, reply);
}

/// Epoch seconds as ISO-8601 UTC (for the `timestamps-iso` fault only).
fn iso8601(t: f64) -> String {
    crate::clock::rfc3339(t.floor() as i64, ((t - t.floor()) * 1000.0).round() as i64)
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
