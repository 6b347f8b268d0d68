//! The probe: one valid request for an unknown id before anything else. It tells an unreachable
//! endpoint (a harness error, exit 2) from one that does not implement the operation (one
//! finding, contract §7) from one worth testing; and it finds what placeholders resolve to.

use serde_json::json;

use crate::check::Observations;
use crate::contract::{self, error_type, input};
use crate::request::{page_request, Bindings, WireRequest};
use crate::response::{ErrorShape, Received, WireResponse};
use crate::rng::SplitMix64;
use crate::transport::{Client, TransportError};

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
            observations.record(&|r| client.repro(r), "first page of the first execution", &req, &resp);
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
