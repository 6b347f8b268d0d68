//! Whether an endpoint implements the operation at all (contract §7), read from one answer to a
//! valid request: the runner's probe, a proxied exchange, a replayed one. One judgement and one
//! finding for all three drivers.

use crate::check_id::CheckId;
use crate::contract::{self, error_type};
use crate::finding::Finding;
use crate::response::{ErrorShape, WireResponse};

/// How an endpoint said it does not implement the operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotImplemented {
    /// In words, with the answer's summary.
    pub why: String,
    /// The deviation it was recognised as (a fault name), when the reference reproduces it.
    pub deviation: Option<&'static str>,
}

/// Whether the probe's answer says the operation is not implemented at all (contract §7). The
/// probe is a valid request for an unknown id: its right answer is `DoesNotExistException`, and
/// no answer of this operation's own error types (`ValidationException` above all) is ever read
/// as "not implemented".
pub fn not_implemented(resp: &WireResponse) -> Option<NotImplemented> {
    let shape = ErrorShape::of(resp);
    let ty = shape.resolved_type.clone().or(shape.code_member.clone()).or(shape.header_type.clone());
    // Query-protocol emulators answer in XML: `<Code>InvalidAction</Code>`.
    let ty = ty.or_else(|| xml_tag(resp, "Code"));
    let message = shape.message.clone().or_else(|| xml_tag(resp, "Message"));
    let ty = ty.as_deref();
    if ty.is_some_and(|t| error_type::CLIENT.contains(&t) && t != error_type::UNKNOWN_OPERATION) {
        return None;
    }
    let (why, deviation): (String, _) = if resp.status == 501 {
        (
            "HTTP 501 Not Implemented (LocalStack and fakecloud answer operations they lack this way)".into(),
            Some("not-implemented-501"),
        )
    } else if ty == Some(error_type::UNKNOWN_OPERATION) {
        ("UnknownOperationException for this operation's own X-Amz-Target".into(), None)
    } else if let Some((t, who)) = error_type::NOT_IMPLEMENTED.iter().find(|(t, _)| ty == Some(*t)) {
        (format!("{t}, the way {who} answer an operation they lack"), None)
    } else if ty.is_some_and(|t| error_type::NOT_IMPLEMENTED_BY_MESSAGE.contains(&t))
        && message.as_deref().is_some_and(says_action_unknown)
    {
        (format!("{} with a message naming the action as unknown (kumo answers so)", ty.unwrap_or("?")), None)
    } else if resp.status >= 500 && !shape.body_is_object {
        let why =
            "HTTP 5xx with a body that is not JSON (moto_server answers operations it lacks with an HTML 500 page)";
        (why.into(), Some("not-implemented-html-500"))
    } else if resp.status == 404 && !shape.body_is_object {
        ("HTTP 404 with a body that is not JSON: nothing serves this operation at that URL".into(), None)
    } else if resp.status >= 500 && ty == Some(error_type::INTERNAL_FAILURE) {
        ("a 5xx InternalFailure error for a valid request".into(), None)
    } else {
        return None;
    };
    Some(NotImplemented { why: format!("{why}: {}", resp.summary()), deviation })
}

/// The text of the first `<tag>` of an XML error body, from its first 4 KiB.
fn xml_tag(resp: &WireResponse, tag: &str) -> Option<String> {
    let head = String::from_utf8_lossy(&resp.body[..resp.body.len().min(4096)]).into_owned();
    let open = format!("<{tag}>");
    let start = head.find(&open)? + open.len();
    let len = head[start..].find(&format!("</{tag}>"))?;
    let text = head[start..start + len].trim();
    (!text.is_empty() && text.len() <= 500).then(|| text.to_owned())
}

/// Whether a message says the action or operation itself is unknown ("Unknown action: X", "The
/// action X is not valid", "Operation X is not supported").
fn says_action_unknown(message: &str) -> bool {
    let m = message.to_lowercase();
    contract::unknown_action::SUBJECTS.iter().any(|s| m.contains(s))
        && contract::unknown_action::VERDICTS.iter().any(|v| m.contains(v))
}

impl NotImplemented {
    /// The `operation-implemented` finding it makes.
    pub fn finding(&self) -> Finding {
        let expected = format!("the endpoint to implement {}", contract::OPERATION);
        Finding::new(CheckId::OperationImplemented, expected, self.why.clone()).deviating(self.deviation)
    }
}
