//! Every EITHER alternative proven to pass: for each variant (another choice the contract
//! accepts), the whole suite passes, strictly; and each variant really answers differently from
//! the default reference somewhere, so no variant passes by doing nothing.

use serde_json::{json, Value};
use ssm_conform::request::{self, WireRequest};
use ssm_conform::response::WireResponse;
use ssm_conform::server::{Reference, Variant};
use ssm_conform::source::load_cases;

use crate::util::{fixture_id_args, ssm_conform, stdout, TestServer};

#[test]
fn every_variant_passes_the_whole_suite() {
    let ids = fixture_id_args();
    let mut failed = Vec::new();
    for &variant in Variant::ALL {
        let server = TestServer::start(Reference::with_variant(variant));
        let mut args = vec!["run", "--endpoint", server.url.as_str(), "--strict-messages"];
        args.extend(ids.iter().map(String::as_str));
        let out = ssm_conform(&args);
        if out.status.code() != Some(0) {
            failed.push(format!("{variant}:\n{}", stdout(&out)));
        }
    }
    assert!(failed.is_empty(), "accepted alternatives failed:\n{}", failed.join("\n"));
}

/// Status, body and headers, without the request id (which differs on every answer).
fn comparable(resp: &WireResponse) -> String {
    let headers: Vec<String> = resp
        .headers
        .iter()
        .filter(|(k, _)| !k.eq_ignore_ascii_case("x-amzn-requestid"))
        .map(|(k, v)| format!("{k}: {v}"))
        .collect();
    format!("{} {} {}", resp.status, headers.join(", "), String::from_utf8_lossy(&resp.body))
}

/// Every case's request, every page of walks at MaxResults 10 and absent, and some tokens of
/// the walks at 10 followed with MaxResults 11.
fn transcript(reference: &Reference) -> Vec<String> {
    let bindings = Reference::new(None).bindings("0123abcd-0000-4000-8000-00000000cafe");
    let execs = bindings.execution_ids.clone();
    let mut out = Vec::new();
    for case in load_cases(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/cases"))).unwrap() {
        let req = request::build(&case, &bindings).unwrap();
        out.push(comparable(&reference.handle(&req)));
    }
    for exec in &execs {
        for size in [Some(10), None] {
            let mut token: Option<String> = None;
            for _ in 0..40 {
                let mut body = json!({"WindowExecutionId": exec});
                if let Some(n) = size {
                    body["MaxResults"] = json!(n);
                }
                if let Some(t) = &token {
                    body["NextToken"] = json!(t);
                }
                let resp = reference.handle(&WireRequest::json(&body));
                out.push(comparable(&resp));
                token = serde_json::from_slice::<Value>(&resp.body)
                    .ok()
                    .and_then(|v| v["NextToken"].as_str().filter(|t| !t.is_empty()).map(str::to_owned));
                if token.is_none() {
                    break;
                }
                if size == Some(10) && out.len() % 2 == 0 {
                    // A token followed with another page size (§5: EITHER the walk goes on or a 400).
                    let other = json!({"WindowExecutionId": exec, "MaxResults": 11, "NextToken": token});
                    out.push(comparable(&reference.handle(&WireRequest::json(&other))));
                }
            }
        }
    }
    out
}

#[test]
fn every_variant_changes_some_answer() {
    let baseline = transcript(&Reference::new(None));
    for &variant in Variant::ALL {
        let t = transcript(&Reference::with_variant(variant));
        assert_ne!(t, baseline, "variant {variant} answers exactly like the default reference");
    }
}
