//! Always-on protocol checks: the request-id header on every response, the content type on
//! successes.

use super::CheckId;
use crate::contract;
use crate::finding::Finding;
use crate::response::WireResponse;

/// Every protocol finding on `resp`.
pub fn check_protocol(resp: &WireResponse) -> Vec<Finding> {
    let mut out = Vec::new();
    if resp.header(contract::REQUEST_ID_HEADER).is_none_or(|v| v.trim().is_empty()) {
        out.push(
            Finding::new(CheckId::RequestId, format!("a {} header", contract::REQUEST_ID_HEADER), "none").warning(),
        );
    }
    if resp.status == 200 && !resp.has_aws_json_content_type() {
        out.push(
            Finding::new(
                CheckId::ContentType,
                format!("Content-Type {}", contract::CONTENT_TYPE),
                format!("{:?}", resp.header("content-type").unwrap_or("none")),
            )
            .warning(),
        );
    }
    out
}
