//! The probe: one valid request for an unknown id before anything else. It tells an unreachable
//! endpoint (a harness error, exit 2) from one that does not implement the operation (one
//! finding, contract §7) from one worth testing; and it finds what placeholders resolve to.

use serde_json::{json, Value};

use super::observe::Observations;
use crate::contract::{self, error_type, input};
use crate::request::{Bindings, WireRequest};
use crate::response::{ErrorShape, Received, WireResponse};
use crate::rng::SplitMix64;
use crate::transport::{Client, TransportError};

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

/// A well-formed id that is none of `known` (in any letter case), drawn from the run's seed.
pub fn random_unknown_id(seed: u64, known: &[String]) -> String {
    let mut rng = SplitMix64::new(seed);
    loop {
        let id = rng.well_formed_id();
        if !known.iter().any(|e| e.eq_ignore_ascii_case(&id)) {
            return id;
        }
    }
}

/// The probe request: a valid request for `random_id`.
pub fn probe_request(random_id: &str) -> WireRequest {
    WireRequest::json(&json!({ input::WINDOW_EXECUTION_ID: random_id }))
}

/// One page request of a walk.
pub fn page_request(exec: &str, size: Option<i64>, filters: Option<&Value>, token: Option<&str>) -> WireRequest {
    let mut body = serde_json::Map::new();
    body.insert(input::WINDOW_EXECUTION_ID.into(), json!(exec));
    if let Some(n) = size {
        body.insert(input::MAX_RESULTS.into(), json!(n));
    }
    if let Some(f) = filters {
        body.insert(input::FILTERS.into(), f.clone());
    }
    if let Some(t) = token {
        body.insert(input::NEXT_TOKEN.into(), json!(t));
    }
    WireRequest::json(&Value::Object(body))
}

/// What placeholders resolve to: the known executions, the random id, and a real token from the
/// first page of the first execution (its exchange goes through the always-on checks).
pub async fn bindings(
    client: &Client,
    execution_ids: &[String],
    random_id: String,
    observations: &mut Observations,
) -> Bindings {
    let mut bindings = Bindings { execution_ids: execution_ids.to_vec(), random_id, next_token: None };
    if let Some(exec) = execution_ids.first() {
        let req = page_request(exec, Some(contract::MAX_RESULTS_MIN), None, None);
        if let Ok(resp) = client.send(&req).await {
            let resp = Received::new(&resp);
            observations.record(client, "first page of the first execution", &req, &resp);
            bindings.next_token = resp.page().ok().and_then(|p| p.next_token.map(str::to_owned));
        }
    }
    bindings
}

/// The ids of `execution_ids` whose first page the endpoint answers as an unknown execution
/// (`DoesNotExistException`, or a 404). Before the run blames the endpoint for every unit, the
/// runner asks whether it lists them. Like discovery's, these answers are not judged: a run given
/// ids and one that discovered the same ids judge the same exchanges.
pub async fn unknown_ids(client: &Client, execution_ids: &[String]) -> Vec<String> {
    let mut unknown = Vec::new();
    for exec in execution_ids {
        let req = page_request(exec, Some(contract::MAX_RESULTS_MIN), None, None);
        let Ok(resp) = client.send(&req).await else { continue };
        let says_unknown =
            resp.status == 404 || ErrorShape::of(&resp).resolved_type.as_deref() == Some(error_type::DOES_NOT_EXIST);
        if says_unknown {
            unknown.push(exec.clone());
        }
    }
    unknown
}

/// Sends the probe; an endpoint that does not answer it cannot be tested at all.
pub async fn send_probe(client: &Client, random_id: &str) -> Result<(WireRequest, WireResponse), TransportError> {
    let probe = probe_request(random_id);
    let resp = client.send(&probe).await?;
    Ok((probe, resp))
}
