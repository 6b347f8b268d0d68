//! Every EITHER alternative proven to pass: for each variant (another choice the contract
//! accepts), the whole suite passes, strictly; and each variant really answers differently from
//! the default reference somewhere, so no variant passes by doing nothing.

use serde_json::{json, Value};
use ssm_conform::request::{self, WireRequest};
use ssm_conform::response::WireResponse;
use ssm_conform::server::{Choices, Habits, Reference, Variant};
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

/// Whether a variant differs from the faithful reference only in its HTTP layer's habits (which
/// the pure handler's transcript cannot show; `every_habit_shows_on_the_wire` does).
fn habits_only(variant: Variant) -> bool {
    let choices = variant.choices();
    choices.habits != Habits::NONE && Choices { habits: Habits::NONE, ..choices } == Choices::FAITHFUL
}

#[test]
fn every_variant_changes_some_answer() {
    let baseline = transcript(&Reference::new(None));
    for &variant in Variant::ALL.iter().filter(|v| !habits_only(**v)) {
        let t = transcript(&Reference::with_variant(variant));
        assert_ne!(t, baseline, "variant {variant} answers exactly like the default reference");
    }
}

/// One plain request of the listing of `exec`, page `n` (a distinct body each time).
fn listing_request(client: &reqwest::Client, url: &str, exec: &str, n: usize) -> reqwest::RequestBuilder {
    let body = json!({"WindowExecutionId": exec, "MaxResults": 10 + n % 91});
    client
        .post(url)
        .header("X-Amz-Target", ssm_conform::contract::TARGET)
        .header("Content-Type", ssm_conform::contract::CONTENT_TYPE)
        .body(body.to_string())
}

/// What one variant's habits must show on the wire, sent raw (no retries): a throttle, a
/// transient 500 that the same request does not get again, the latency, `Connection: close`,
/// chunked bodies.
async fn shows_on_the_wire(variant: Variant, url: &str, exec: &str) -> Result<(), String> {
    let habits = variant.choices().habits;
    let client = reqwest::Client::new();
    let one = |n: usize| {
        let client = client.clone();
        async move {
            let started = std::time::Instant::now();
            let resp = listing_request(&client, url, exec, n).send().await.map_err(|e| e.to_string())?;
            let status = resp.status().as_u16();
            let headers: Vec<(String, String)> =
                resp.headers().iter().map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_owned())).collect();
            let body = resp.text().await.map_err(|e| e.to_string())?;
            Ok::<_, String>((status, headers, body, started.elapsed(), n))
        }
    };
    // Sequential requests (one connection, for the keep-alive limit), then a burst of
    // concurrent ones (far past any bucket, however slow the machine).
    let mut seen = Vec::new();
    for n in 0..60 {
        seen.push(one(n).await?);
    }
    for answer in futures::future::join_all((60..460).map(one)).await {
        seen.push(answer?);
    }
    let has_header = |h: &[(String, String)], k: &str, v: &str| h.iter().any(|(a, b)| a == k && b == v);
    if let Some(t) = habits.throttle {
        let status = t.form.info().status;
        let throttled = seen.iter().find(|s| s.0 == status && s.2.contains("ThrottlingException"));
        throttled.ok_or("no request was throttled")?;
    }
    if habits.transient_every.is_some() {
        let (_, _, _, _, n) = seen.iter().find(|s| s.0 == 500).ok_or("no transient 500")?;
        let again = listing_request(&client, url, exec, *n).send().await.map_err(|e| e.to_string())?;
        if again.status() == 500 {
            return Err("the same request failed twice".to_owned());
        }
    }
    if !habits.latency.is_zero() && seen.iter().any(|s| s.3 < habits.latency) {
        return Err(format!("an answer came sooner than {:?}", habits.latency));
    }
    if habits.connection_close && !seen.iter().all(|s| has_header(&s.1, "connection", "close")) {
        return Err("an answer without Connection: close".to_owned());
    }
    if let Some(limit) = habits.keep_alive_limit {
        let closing = seen[..60].iter().filter(|s| has_header(&s.1, "connection", "close")).count();
        // (Half of them at least: the client may open another connection now and then.)
        if closing < 60 / limit as usize / 2 {
            return Err(format!("{closing} of 60 answers on reused connections closed their connection"));
        }
    }
    if habits.chunked && !seen.iter().all(|s| has_header(&s.1, "transfer-encoding", "chunked")) {
        return Err("an answer that is not chunked".to_owned());
    }
    Ok(())
}

#[test]
fn every_habit_shows_on_the_wire() {
    let exec = Reference::new(None).executions()[0].window_execution_id.clone();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mut failed = Vec::new();
    let habit_variants: Vec<Variant> = Variant::ALL.iter().copied().filter(|v| habits_only(*v)).collect();
    assert!(habit_variants.len() >= 7, "{habit_variants:?}");
    for variant in habit_variants {
        let server = TestServer::start(Reference::with_variant(variant));
        if let Err(why) = runtime.block_on(shows_on_the_wire(variant, &server.url, &exec)) {
            failed.push(format!("{variant}: {why}"));
        }
    }
    assert!(failed.is_empty(), "habits that do not show:\n{}", failed.join("\n"));
}

/// `serve --throttle-once --throttle-form NAME`, which `clients/impact.py` measures the SDKs
/// against: each form is sent exactly as named, on a request's first attempt only.
#[test]
fn every_throttle_form_is_served_as_named_once_per_request() {
    use ssm_conform::check::throttle::form_of;
    use ssm_conform::contract::ThrottleForm;
    use ssm_conform::response::{looks_throttled, ErrorShape};
    let exec = Reference::new(None).executions()[0].window_execution_id.clone();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let client = reqwest::Client::new();
    let send = |url: String| {
        let request = listing_request(&client, &url, &exec, 0);
        async move {
            let resp = request.send().await.map_err(|e| e.to_string())?;
            let status = resp.status().as_u16();
            let headers = resp.headers().iter().map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_owned()));
            let headers = headers.collect();
            let body = resp.bytes().await.map_err(|e| e.to_string())?.to_vec();
            Ok::<_, String>(WireResponse { status, headers, body })
        }
    };
    let mut failed = Vec::new();
    for &form in ThrottleForm::ALL {
        let once = ssm_conform::server::ThrottleOnce { form, every: 1 };
        let habits = Habits { throttle_once: Some(once), ..Habits::NONE };
        let server = TestServer::start(Reference::new(None).with_habits(habits));
        let first = runtime.block_on(send(server.url.clone())).unwrap();
        let again = runtime.block_on(send(server.url.clone())).unwrap();
        let read = form_of(first.status, &ErrorShape::of(&first));
        if !looks_throttled(&first) || read != Some(form) {
            failed.push(format!("{form}: the first attempt was read as {read:?}: {first:?}"));
        }
        if again.status != 200 || looks_throttled(&again) {
            failed.push(format!("{form}: the retry was throttled again: {again:?}"));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}
