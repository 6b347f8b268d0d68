//! Fuzzing someone else's endpoint: an arbitrary structured request is sent to a live endpoint
//! and its answer judged by the oracle. The first finding of each check, and the first request
//! the endpoint gives no answer to (a crash, a reset, a hang past the timeout), is written as a
//! case file (a permanent regression case for `cases/`) and printed; the fuzzer goes on.
//!
//! Environment:
//! - `SSM_CONFORM_FUZZ_ENDPOINT` (required): the URL, e.g. `http://127.0.0.1:4566`;
//! - `SSM_CONFORM_FUZZ_EXECUTION_IDS`: comma-separated executions known to hold tasks;
//! - `SSM_CONFORM_FUZZ_FINDINGS`: where case files go (default `fuzz/findings`);
//! - `SSM_CONFORM_FUZZ_TIMEOUT`: seconds per request (default 5).
//!
//! Only loopback or your own test hosts: this sends traffic as fast as the fuzzer runs.

#![no_main]

use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::{LazyLock, Mutex};
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use serde_json::json;
use ssm_conform::check::{judge_exchange, CheckOptions};
use ssm_conform::oracle::{self, oracle_case, World};
use ssm_conform::request::WireRequest;
use ssm_conform::source::fuzz::FuzzRequest;
use ssm_conform::transport::{Client, ClientConfig, TransportOptions};
use ssm_conform_fuzz::finding_case;

struct Target {
    runtime: tokio::runtime::Runtime,
    client: Client,
    known: Vec<String>,
    token: Option<String>,
    findings: PathBuf,
    seen: Mutex<HashSet<u64>>,
}

static TARGET: LazyLock<Target> = LazyLock::new(|| {
    let Some(url) = std::env::var("SSM_CONFORM_FUZZ_ENDPOINT").ok().filter(|u| !u.is_empty()) else {
        eprintln!("endpoint: set SSM_CONFORM_FUZZ_ENDPOINT to the URL of the endpoint to fuzz");
        std::process::exit(2);
    };
    let known: Vec<String> = std::env::var("SSM_CONFORM_FUZZ_EXECUTION_IDS")
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    let timeout = std::env::var("SSM_CONFORM_FUZZ_TIMEOUT").ok().and_then(|s| s.parse().ok()).unwrap_or(5.0);
    let options = TransportOptions { timeout: Duration::from_secs_f64(timeout), ..TransportOptions::default() };
    let client = Client::new(&url, ClientConfig { options, ..ClientConfig::default() }).unwrap_or_else(|e| {
        eprintln!("endpoint: {e}");
        std::process::exit(2);
    });
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
    let token = known.first().and_then(|exec| {
        let req = WireRequest::json(&json!({"WindowExecutionId": exec, "MaxResults": 10}));
        let resp = runtime.block_on(client.send(&req)).ok()?;
        ssm_conform::response::next_token_of(&resp)
    });
    let findings =
        std::env::var_os("SSM_CONFORM_FUZZ_FINDINGS").map_or_else(|| PathBuf::from("fuzz/findings"), PathBuf::from);
    Target { runtime, client, known, token, findings, seen: Mutex::new(HashSet::new()) }
});

fuzz_target!(|input: FuzzRequest| {
    let t = &*TARGET;
    let body = input.body(&t.known, t.token.as_deref());
    let world = World {
        known: t.known.clone(),
        token: t.token.clone().zip(t.known.first().cloned()),
        token_page_size: Some(10),
        token_filters: None,
    };
    let verdict = oracle::expect(&body, &world);
    let req = WireRequest::operation(body);
    let case = oracle_case("fuzz", &req.body, verdict);
    match t.runtime.block_on(t.client.send(&req)) {
        // No answer at all (the endpoint crashed, reset the connection or hung past the
        // timeout): the most valuable finding there is.
        Err(e) => save(t, case, "no-answer", &format!("the endpoint gave no answer: {e}")),
        Ok(resp) => {
            let findings = judge_exchange(&case, &req, &resp, CheckOptions::default());
            if let Some(first) = findings.first() {
                save(t, case, first.check.name(), &first.to_string());
            }
        }
    }
});

/// Writes the first request of each kind of finding (`kind`: a check id, or `no-answer`) as a
/// case file.
fn save(t: &Target, case: ssm_conform::source::Case, kind: &str, what: &str) {
    // One case file per kind: the fuzzer finds the same deviation with many requests.
    let mut h = std::collections::hash_map::DefaultHasher::new();
    kind.hash(&mut h);
    if !t.seen.lock().map(|mut s| s.insert(h.finish())).unwrap_or(false) {
        return;
    }
    let (name, text) = finding_case(case, kind, what, t.token.as_deref(), &t.known);
    let path = t.findings.join(format!("{name}.toml"));
    match std::fs::create_dir_all(&t.findings).and_then(|()| std::fs::write(&path, text)) {
        Ok(()) => eprintln!("endpoint: finding [{kind}] written to {}", path.display()),
        Err(e) => eprintln!("endpoint: finding [{kind}] could not be written to {}: {e}", path.display()),
    }
}
