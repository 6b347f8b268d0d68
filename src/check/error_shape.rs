//! Error responses as the AWS SDKs read them (contract §6): status, `__type`, message, content
//! type. Runs on every error response.

use super::CheckId;
use crate::contract::error_type;
use crate::finding::Finding;
use crate::response::{ErrorShape, WireResponse};

/// Client error types this operation can produce; each must come with HTTP 400 (an
/// `UnknownOperationException` may also be 404).
const CLIENT_ERROR_TYPES: [&str; 5] = [
    error_type::VALIDATION,
    error_type::DOES_NOT_EXIST,
    error_type::SERIALIZATION,
    error_type::UNKNOWN_OPERATION,
    error_type::INVALID_NEXT_TOKEN,
];

/// Whether the response is (or claims to be) an error: a status of 300 or more, or a body that
/// names an error type.
pub fn is_error(resp: &WireResponse, shape: &ErrorShape) -> bool {
    resp.status >= 300 || shape.resolved_type.is_some() || shape.code_member.is_some()
}

/// Every error-shape finding on `resp`; empty for successes.
pub fn check_error_response(resp: &WireResponse) -> Vec<Finding> {
    let shape = ErrorShape::of(resp);
    if !is_error(resp, &shape) {
        return Vec::new();
    }
    [check_status(resp, &shape), check_type(resp, &shape), check_message(&shape), check_content_type(resp)]
        .into_iter()
        .flatten()
        .collect()
}

fn check_status(resp: &WireResponse, shape: &ErrorShape) -> Option<Finding> {
    let ty = shape.resolved_type.as_deref().or(shape.code_member.as_deref()).or(shape.header_type.as_deref())?;
    if !CLIENT_ERROR_TYPES.contains(&ty) {
        return None;
    }
    let ok = resp.status == 400 || (ty == error_type::UNKNOWN_OPERATION && resp.status == 404);
    (!ok).then(|| {
        let why = match resp.status {
            200..=299 => "; SDKs would read this error as a success",
            500..=599 => "; SDKs would retry it as a server fault",
            _ => "",
        };
        Finding::new(CheckId::ErrorStatus, format!("{ty} with HTTP 400"), format!("HTTP {}{why}", resp.status))
    })
}

fn check_type(resp: &WireResponse, shape: &ErrorShape) -> Option<Finding> {
    if shape.resolved_type.is_some() {
        return None;
    }
    let actual = match (&shape.header_type, &shape.code_member, shape.body_is_object) {
        (Some(h), _, _) => format!(
            "the type only in the X-Amzn-ErrorType header ({h}); botocore (boto3, AWS CLI) reads only the body's __type and would report this error as \"{}\"",
            resp.status
        ),
        (None, Some(c), _) => format!(
            "the type only in a body `code` member ({c}); botocore (boto3, AWS CLI) would report this error as \"{}\"",
            resp.status
        ),
        (None, None, true) => format!("a JSON body without __type; every SDK would report an unknown error \"{}\"", resp.status),
        (None, None, false) => format!(
            "a body that is not a JSON object ({}); the Rust and Python SDKs would report an unknown error",
            resp.summary()
        ),
    };
    Some(Finding::new(CheckId::ErrorType, "a JSON body with __type", actual))
}

fn check_message(shape: &ErrorShape) -> Option<Finding> {
    let ty = shape.resolved_type.as_deref()?;
    if !error_type::MESSAGE_REQUIRED.contains(&ty) || shape.message.is_some() {
        return None;
    }
    let actual = match &shape.unread_message_key {
        Some(k) => {
            format!("the message under `{k}`, which botocore does not read (it reads `message`, then `Message`)")
        }
        None => "no message".to_owned(),
    };
    Some(Finding::new(CheckId::ErrorMessage, format!("{ty} with a message under `message` or `Message`"), actual))
}

fn check_content_type(resp: &WireResponse) -> Option<Finding> {
    (!resp.has_aws_json_content_type()).then(|| {
        Finding::new(
            CheckId::ErrorContentType,
            format!("Content-Type {}", crate::contract::CONTENT_TYPE),
            format!("{:?}", resp.header("content-type").unwrap_or("none")),
        )
        .warning()
    })
}
