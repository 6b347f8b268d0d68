//! The probe: one valid request for an unknown id before anything else. It tells an unreachable
//! endpoint (a harness error, exit 2) from one that does not implement the operation (one
//! finding, contract §7) from one worth testing; and it finds what placeholders resolve to.

use serde_json::{json, Value};

use super::observe::Observations;
use crate::contract::{self, error_type, input};
use crate::request::{Bindings, WireRequest};
use crate::response::{ErrorShape, Page, WireResponse};
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

/// Whether the probe's answer says the operation is not implemented at all (contract §7).
pub fn not_implemented(resp: &WireResponse) -> Option<NotImplemented> {
    let shape = ErrorShape::of(resp);
    let ty = shape.resolved_type.as_deref();
    let (why, deviation) = if resp.status == 501 {
        ("HTTP 501 Not Implemented (LocalStack answers operations it lacks this way)", Some("not-implemented-501"))
    } else if ty == Some(error_type::UNKNOWN_OPERATION) {
        ("UnknownOperationException for this operation's own X-Amz-Target", None)
    } else if resp.status >= 500 && !shape.body_is_object {
        let why =
            "HTTP 5xx with a body that is not JSON (moto_server answers operations it lacks with an HTML 500 page)";
        (why, Some("not-implemented-html-500"))
    } else if resp.status == 404 && !shape.body_is_object {
        ("HTTP 404 with a body that is not JSON: nothing serves this operation at that URL", None)
    } else if resp.status >= 500
        && matches!(ty, Some(error_type::INTERNAL_FAILURE) | Some("NotImplemented") | Some("NotImplementedException"))
    {
        ("a 5xx InternalFailure / NotImplemented error for a valid request", None)
    } else {
        return None;
    };
    Some(NotImplemented { why: format!("{why}: {}", resp.summary()), deviation })
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
            observations.record(client, "first page of the first execution", &req, &resp);
            bindings.next_token = Page::of(&resp).ok().and_then(|p| p.next_token);
        }
    }
    bindings
}

/// Sends the probe; an endpoint that does not answer it cannot be tested at all.
pub async fn send_probe(client: &Client, random_id: &str) -> Result<(WireRequest, WireResponse), TransportError> {
    let probe = probe_request(random_id);
    let resp = client.send(&probe).await?;
    Ok((probe, resp))
}
