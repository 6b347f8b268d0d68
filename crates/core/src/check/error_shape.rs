//! Error responses as the AWS SDKs read them (contract §6): status, `__type`, message, content
//! type. Runs on every error response.

use super::CheckId;
use crate::contract::error_type;
use crate::finding::Finding;
use crate::response::{ErrorShape, Received};

/// Whether the response is (or claims to be) an error: a status of 300 or more, or a body that
/// names an error type.
pub fn is_error(resp: &Received, shape: &ErrorShape) -> bool {
    resp.status >= 300 || shape.resolved_type.is_some() || shape.code_member.is_some()
}

/// Every error-shape finding on `resp`; empty for successes.
pub fn check_error_response(resp: &Received) -> Vec<Finding> {
    let shape = resp.error_shape();
    if !is_error(resp, shape) {
        return Vec::new();
    }
    [check_status(resp, shape), check_type(resp, shape), check_message(shape), check_content_type(resp)]
        .into_iter()
        .flatten()
        .collect()
}

fn check_status(resp: &Received, shape: &ErrorShape) -> Option<Finding> {
    let ty = shape.resolved_type.as_deref().or(shape.code_member.as_deref()).or(shape.header_type.as_deref())?;
    if !error_type::CLIENT.contains(&ty) {
        return None;
    }
    let ok = resp.status == 400 || (ty == error_type::UNKNOWN_OPERATION && resp.status == 404);
    (!ok).then(|| {
        let finding =
            Finding::new(CheckId::ErrorStatus, format!("{ty} with HTTP 400"), format!("HTTP {}", resp.status));
        match resp.status {
            200..=299 => finding.deviating("error-status-200"),
            // The reference answers an unknown execution with 404 under this fault.
            404 if ty == error_type::DOES_NOT_EXIST => finding.deviating("unknown-execution-404"),
            500..=599 => finding.deviating("error-status-500"),
            _ => finding,
        }
    })
}

fn check_type(resp: &Received, shape: &ErrorShape) -> Option<Finding> {
    if shape.resolved_type.is_some() {
        return None;
    }
    if let (false, Err(why)) = (shape.body_is_object, resp.json()) {
        if resp.body.first() == Some(&crate::response::JSON_OBJECT_START) {
            let actual = format!("a body that is not valid JSON ({why}): there is no __type to read");
            return Some(Finding::new(CheckId::ErrorType, "a JSON body with __type", actual));
        }
    }
    let (actual, deviation) = match (&shape.header_type, &shape.code_member, shape.body_is_object) {
        (Some(h), Some(c), _) => (
            format!("the type only in the X-Amzn-ErrorType header ({h}) and a body `code` member ({c}), not in __type"),
            Some("error-type-code-member"),
        ),
        (Some(h), None, _) => (
            format!("the type only in the X-Amzn-ErrorType header ({h}), not in the body's __type"),
            Some("error-type-header-only"),
        ),
        (None, Some(c), _) => {
            (format!("the type only in a body `code` member ({c}), not in __type"), Some("error-type-code-member"))
        }
        (None, None, true) => ("a JSON body without __type".to_owned(), None),
        (None, None, false) => {
            (format!("a body that is not a JSON object ({}): there is no __type to read", resp.summary()), None)
        }
    };
    Some(Finding::new(CheckId::ErrorType, "a JSON body with __type", actual).deviating(deviation))
}

fn check_message(shape: &ErrorShape) -> Option<Finding> {
    let ty = shape.resolved_type.as_deref()?;
    if !error_type::MESSAGE_REQUIRED.contains(&ty) || shape.message.is_some() {
        return None;
    }
    let expected = format!("{ty} with a message under `message` or `Message`");
    Some(match &shape.unread_message_key {
        Some(k) => Finding::new(
            CheckId::ErrorMessage,
            expected,
            format!("the message under `{k}`, not `message` or `Message`"),
        )
        .deviating("error-message-unread-key"),
        None => Finding::new(CheckId::ErrorMessage, expected, "no message").deviating("error-message-missing"),
    })
}

fn check_content_type(resp: &Received) -> Option<Finding> {
    (!resp.has_aws_json_content_type()).then(|| {
        let finding = Finding::new(
            CheckId::ErrorContentType,
            format!("Content-Type {}", crate::contract::CONTENT_TYPE),
            format!("{:?}", resp.header("content-type").unwrap_or("none")),
        )
        .warning();
        super::protocol::recognise_json_content_type(resp, finding, "error-content-type-json")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::response::WireResponse;

    fn resp(status: u16, headers: &[(&str, &str)], body: &str) -> WireResponse {
        WireResponse {
            status,
            headers: headers.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
            body: body.as_bytes().to_vec(),
        }
    }

    const CT: (&str, &str) = ("content-type", "application/x-amz-json-1.1");

    fn checks(r: &WireResponse) -> Vec<CheckId> {
        check_error_response(&Received::new(r)).iter().map(|f| f.check).collect()
    }

    #[test]
    fn what_sdks_misread_is_caught() {
        // No __type at all.
        assert_eq!(checks(&resp(400, &[CT], r#"{"message":"x"}"#)), [CheckId::ErrorType]);
        // The type only in the header: the finding carries what the SDKs were measured to do.
        let only_header = resp(400, &[CT, ("X-Amzn-ErrorType", "DoesNotExistException")], r#"{"Message":"x"}"#);
        let f = check_error_response(&Received::new(&only_header));
        assert_eq!(f[0].check, CheckId::ErrorType);
        assert_eq!(f[0].deviation, Some("error-type-header-only"));
        let shown = f[0].to_string();
        assert!(shown.contains("measured: boto3 ") && shown.contains("ClientError"), "{shown}");
        // Client errors with 200, 500 or 404.
        for status in [200, 500, 404] {
            let r = resp(status, &[CT], r#"{"__type":"DoesNotExistException","Message":"x"}"#);
            assert_eq!(checks(&r), [CheckId::ErrorStatus], "{status}");
        }
        // No message, or one under a key the contract does not name.
        assert_eq!(checks(&resp(400, &[CT], r#"{"__type":"ValidationException"}"#)), [CheckId::ErrorMessage]);
        assert_eq!(
            checks(&resp(400, &[CT], r#"{"__type":"ValidationException","errorMessage":"x"}"#)),
            [CheckId::ErrorMessage]
        );
        // Another content type.
        let json_ct =
            resp(400, &[("content-type", "application/json")], r#"{"__type":"ValidationException","message":"x"}"#);
        assert_eq!(checks(&json_ct), [CheckId::ErrorContentType]);
        // An HTML page.
        assert_eq!(
            checks(&resp(500, &[("content-type", "text/html")], "<html>")),
            [CheckId::ErrorType, CheckId::ErrorContentType]
        );
    }

    #[test]
    fn what_the_contract_allows_passes() {
        for r in [
            resp(
                400,
                &[CT],
                r#"{"__type":"com.amazonaws.ssm#DoesNotExistException:http://internal.amazon.com/coral/","Message":"x"}"#,
            ),
            resp(400, &[CT], r#"{"__type":"ValidationException","Message":"x"}"#),
            resp(
                400,
                &[CT, ("X-Amzn-ErrorType", "ValidationException")],
                r#"{"__type":"ValidationException","message":"x"}"#,
            ),
            resp(400, &[CT], r#"{"__type":"ValidationException","code":"ValidationException","message":"x"}"#),
            resp(404, &[CT], r#"{"__type":"UnknownOperationException"}"#),
            resp(400, &[CT], r#"{"__type":"SerializationException"}"#),
            resp(500, &[CT], r#"{"__type":"InternalServerError","Message":"boom"}"#),
            resp(200, &[CT], r#"{"WindowExecutionTaskIdentities":[]}"#),
        ] {
            assert!(check_error_response(&Received::new(&r)).is_empty(), "{:?}", String::from_utf8_lossy(&r.body));
        }
    }
}
