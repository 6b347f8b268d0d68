//! `throttle-shape` (contract §8, §6): a throttle must be one the SDKs recognise and retry — a
//! throttling code in the body's `__type` (`ThrottlingException`, or another the SDKs list) at a
//! client-error status. A throttle with no `__type` (the type only in `X-Amzn-ErrorType` or a
//! `code` member) is read by botocore as an error coded by its status (§6), never retried; one at
//! HTTP 200 is read as a page. HTTP 429 with a throttling `__type` is EITHER (§8).
//!
//! The throttles come from the transport's retries (it keeps a few of each shape): after a
//! retry, a run judges only the final answer, so this is the one place a throttle is judged.

use crate::check_id::CheckId;
use crate::contract::real_service;
use crate::finding::Finding;
use crate::response::{ErrorShape, WireResponse};

/// The findings of one throttle answer (one that [`crate::response::looks_throttled`]).
pub fn throttle_shape(resp: &WireResponse) -> Vec<Finding> {
    let shape = ErrorShape::of(resp);
    let expected =
        "a throttle a client can recognise: a throttling __type (ThrottlingException) in a JSON body at HTTP 400";
    let recognised = shape.resolved_type.as_deref().is_some_and(real_service::is_throttling_code);
    let mut out = Vec::new();
    if resp.status == 200 {
        out.push(Finding::new(
            CheckId::ThrottleShape,
            expected,
            format!("a throttle at HTTP 200 ({}): a client reads it as a successful answer", describe(&shape)),
        ));
    } else if !recognised {
        out.push(Finding::new(
            CheckId::ThrottleShape,
            expected,
            format!(
                "HTTP {} with {}: a client that reads the error type from __type alone cannot tell it is a throttle, so it does not back off and retry (contract §6, §8)",
                resp.status,
                describe(&shape)
            ),
        ));
    }
    out
}

/// Where the answer names its type, in words.
fn describe(shape: &ErrorShape) -> String {
    let quote = |t: &str| crate::response::excerpt(t, 60);
    match (&shape.resolved_type, &shape.header_type, &shape.code_member) {
        (Some(t), _, _) => format!("__type {}", quote(t)),
        (None, Some(h), _) => format!("no __type, the type only in X-Amzn-ErrorType ({})", quote(h)),
        (None, None, Some(c)) => format!("no __type, the type only in a code member ({})", quote(c)),
        (None, None, None) => "no __type at all".to_owned(),
    }
}

/// The EITHER alternative a throttle's status shows (§8): `400` or `429`.
pub fn status_choice(resp: &WireResponse) -> Option<String> {
    (resp.status >= 400).then(|| resp.status.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::response::tests::answer;

    #[test]
    fn only_a_throttle_the_sdks_can_read_passes() {
        let ssm = r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#;
        assert!(throttle_shape(&answer(400, &[], ssm)).is_empty());
        assert!(throttle_shape(&answer(429, &[], ssm)).is_empty(), "429 is EITHER");
        assert!(throttle_shape(&answer(400, &[], r#"{"__type":"com.amazonaws.ssm#ThrottlingException:x"}"#)).is_empty());
        let header_only = throttle_shape(&answer(400, &[("X-Amzn-ErrorType", "ThrottlingException")], "{}"));
        assert!(header_only[0].actual.contains("only in X-Amzn-ErrorType"), "{:?}", header_only);
        assert_eq!(throttle_shape(&answer(200, &[], ssm)).len(), 1);
        assert_eq!(throttle_shape(&answer(429, &[], "")).len(), 1, "429 with no __type");
    }
}
