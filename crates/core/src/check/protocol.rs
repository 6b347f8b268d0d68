//! Always-on protocol checks: the request-id header on every response, the content type on
//! successes.

use super::CheckId;
use crate::contract;
use crate::finding::Finding;
use crate::response::Received;

/// Every protocol finding on `resp`.
pub fn check_protocol(resp: &Received) -> Vec<Finding> {
    let mut out = Vec::new();
    if resp.header(contract::REQUEST_ID_HEADER).is_none_or(|v| v.trim().is_empty()) {
        out.push(
            Finding::new(CheckId::RequestId, format!("a {} header", contract::REQUEST_ID_HEADER), "none")
                .warning()
                .deviating("request-id-missing"),
        );
    }
    if resp.status == 200 && !resp.has_aws_json_content_type() {
        let finding = Finding::new(
            CheckId::ContentType,
            format!("Content-Type {}", contract::CONTENT_TYPE),
            format!("{:?}", resp.header("content-type").unwrap_or("none")),
        )
        .warning();
        out.push(recognise_json_content_type(resp, finding, "content-type-json"));
    }
    out
}

/// `finding`, recognised as `deviation` when the content type is plain `application/json` (the
/// one other content type the reference reproduces and the probes measured).
pub fn recognise_json_content_type(resp: &Received, finding: Finding, deviation: &'static str) -> Finding {
    let plain_json = resp
        .header("content-type")
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
    if plain_json {
        finding.deviating(deviation)
    } else {
        finding
    }
}
