//! Property-generated requests: the oracle and the reference agree on thousands of requests (so
//! neither can drift alone); each input-handling fault fails the property run with a minimal
//! request; the same seed gives the same report.

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use ssm_conform::check::{judge_exchange, CheckOptions};
use ssm_conform::runner::generated::{generated_case, world_of};

use ssm_conform::server::{Fault, Reference};
use ssm_conform::source::generate::{requests, Capabilities};

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use ssm_conform::request::WireRequest;

use crate::util::{fixture_id_args, reference, ssm_conform, stdout, TestCommand, TestServer};

#[test]
fn the_oracle_and_the_reference_agree() {
    let reference = Reference::new(None);
    let bindings = reference.bindings("0123abcd-0000-4000-8000-00000000cafe");
    let world = world_of(&bindings);
    let caps = Capabilities { known_executions: bindings.execution_ids.len(), token: true };
    let mut runner = TestRunner::new_with_rng(
        Config { cases: 5000, ..Config::default() },
        TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]),
    );
    let strict = CheckOptions { strict_messages: true };
    let mut kinds = std::collections::BTreeSet::new();
    for _ in 0..5000 {
        let gen = requests(caps).new_tree(&mut runner).unwrap().current();
        let (case, req) = generated_case(&gen, "g", 7, &bindings, &world).unwrap();
        let resp = reference.handle(&req);
        let findings = judge_exchange(&case, &req, &resp, strict);
        assert!(
            findings.is_empty(),
            "oracle and reference disagree on {}:\nexpected {:?}\ngot {}\n{findings:#?}",
            String::from_utf8_lossy(&req.body),
            case.expect,
            String::from_utf8_lossy(&resp.body)
        );
        kinds.insert(case.check);
    }
    // The generator reaches every kind of outcome.
    assert!(kinds.len() >= 12, "{kinds:?}");
}

/// Runs the property phase alone (one trivial case) against a faulty reference.
fn property_run(fault: Fault, dir: &std::path::Path, extra: &[&str]) -> crate::util::TestOutput {
    let server = reference(Some(fault));
    let cases = dir.join("cases");
    std::fs::create_dir_all(&cases).unwrap();
    std::fs::write(
        cases.join("one.toml"),
        "[[case]]\nname = \"one\"\ncheck = \"unknown-execution\"\njson = '{\"WindowExecutionId\": \"{{random_id}}\"}'\n[case.expect]\nstatus = [200, 400, 404, 500]\n",
    )
    .unwrap();
    let saved = dir.join("saved");
    let ids = fixture_id_args();
    let mut args = vec![
        "run",
        "--endpoint",
        server.url.as_str(),
        "--cases",
        cases.to_str().unwrap(),
        "--save-failures",
        saved.to_str().unwrap(),
        "--property-cases",
        "1000",
    ];
    if !extra.contains(&"--seed") {
        args.extend(["--seed", "3"]);
    }
    args.extend(ids.iter().map(String::as_str));
    args.extend(extra);
    ssm_conform(&args)
}

fn saved_bodies(dir: &std::path::Path) -> Vec<String> {
    let mut files: Vec<_> =
        std::fs::read_dir(dir.join("saved")).map(|d| d.map(|e| e.unwrap().path()).collect()).unwrap_or_default();
    files.sort();
    files
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            // Every saved failure is a valid case file.
            let cases = ssm_conform::source::parse_case_file(p, &text).unwrap();
            cases[0].request.body.text().to_owned()
        })
        .collect()
}

#[test]
fn failures_shrink_to_minimal_requests() {
    for (fault, minimal) in [
        (Fault::MaxResultsMaxUnchecked, r#"{"WindowExecutionId":"{{execution_id}}","MaxResults":101}"#.to_owned()),
        (Fault::MaxResultsMinUnchecked, r#"{"WindowExecutionId":"{{execution_id}}","MaxResults":9}"#.to_owned()),
        (Fault::IdPatternUnchecked, r#"{"WindowExecutionId":"g0000000-0000-0000-0000-000000000000"}"#.to_owned()),
        (Fault::IdUppercaseRejected, r#"{"WindowExecutionId":"{{random_id_upper}}"}"#.to_owned()),
        (Fault::FiltersEmptyRejected, r#"{"WindowExecutionId":"{{execution_id}}","Filters":[]}"#.to_owned()),
        (
            Fault::FilterKeyMaxUnchecked,
            format!(r#"{{"WindowExecutionId":"{{{{execution_id}}}}","Filters":[{{"Key":"{}"}}]}}"#, "K".repeat(129)),
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let out = property_run(fault, dir.path(), &[]);
        assert_eq!(out.status.code(), Some(1), "{fault}: {}", stdout(&out));
        let bodies = saved_bodies(dir.path());
        assert!(bodies.contains(&minimal), "{fault}: {bodies:#?}\n{}", stdout(&out));
        // Printed three ways: expected vs got, a curl line, a ready-to-save case file.
        let text = stdout(&out);
        assert!(
            text.contains("FAIL generated-")
                && text.contains("repro: curl ")
                && text.contains("| ready-to-save case file:"),
            "{text}"
        );
    }
}

#[test]
fn a_saved_failure_is_one_file_per_request_under_the_check_that_failed() {
    // One fault fails several checks, some with the same request: each request is one file, and
    // another run (of the same seed or another) adds files only for requests not saved yet.
    let dir = tempfile::tempdir().unwrap();
    let count = || std::fs::read_dir(dir.path().join("saved")).unwrap().count();
    property_run(Fault::MaxResultsMaxUnchecked, dir.path(), &["--seed", "3"]).assert_code(1);
    let after_one = count();
    property_run(Fault::MaxResultsMaxUnchecked, dir.path(), &["--seed", "3"]).assert_code(1);
    assert_eq!(count(), after_one, "the same run again adds no file");
    property_run(Fault::MaxResultsMaxUnchecked, dir.path(), &["--seed", "5"]).assert_code(1);
    let bodies = saved_bodies(dir.path());
    let distinct: std::collections::BTreeSet<&String> = bodies.iter().collect();
    assert_eq!(distinct.len(), bodies.len(), "a request saved twice: {bodies:?}");
    // A fault in the answers' items: the saved case names the item check, not the one the request
    // was drawn to exercise.
    let dir = tempfile::tempdir().unwrap();
    property_run(Fault::TimestampsIso, dir.path(), &[]);
    let checks: Vec<String> = std::fs::read_dir(dir.path().join("saved"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            ssm_conform::source::parse_case_file(&path, &text).unwrap()[0].check.to_string()
        })
        .collect();
    assert!(checks.iter().any(|c| c == "item-timestamps"), "{checks:?}");
    assert!(!checks.iter().any(|c| c == "page-size"), "{checks:?}");
}

#[test]
fn every_input_handling_fault_fails_the_property_run() {
    use Fault::*;
    let plain = [
        IdPatternUnchecked,
        IdPatternUnanchored,
        IdUppercaseRejected,
        IdRequiredUnchecked,
        UnknownExecutionEmpty,
        UnknownExecution404,
        MaxResultsMinUnchecked,
        MaxResultsMinOffByOne,
        MaxResultsMaxUnchecked,
        MaxResultsMaxOffByOne,
        FiltersMaxUnchecked,
        FiltersMaxOffByOne,
        FiltersEmptyRejected,
        FilterKeyMaxUnchecked,
        FilterKeyEmptyAccepted,
        FilterValueMaxUnchecked,
        FilterValueEmptyAccepted,
        FilterIgnored,
        FiltersOred,
        FilterUnknownKey500,
        GarbageTokenAccepted,
        NullMember500,
        MalformedJson500,
        WrongType500,
        WrongTypeCoerced,
        EmptyBodyRejected,
        UnknownMember500,
        ValidationFirstOnly,
    ];
    let mut missed = Vec::new();
    for fault in plain.into_iter().chain([IdLengthUnchecked, ValidationMotoWording]) {
        let dir = tempfile::tempdir().unwrap();
        let extra: &[&str] = if fault.strict_only() { &["--strict-messages"] } else { &[] };
        let out = property_run(fault, dir.path(), extra);
        if out.status.code() != Some(1) || saved_bodies(dir.path()).is_empty() {
            missed.push(format!("{fault}:\n{}", stdout(&out)));
        }
    }
    assert!(missed.is_empty(), "the property run missed:\n{}", missed.join("\n"));
}

#[test]
fn the_same_seed_gives_the_same_report() {
    // At any concurrency: the requests are judged in the order they were drawn, so which one
    // fails first, what it shrinks to and every verdict are the same one at a time or 64 at once.
    let server = reference(Some(Fault::MaxResultsMaxUnchecked));
    let ids = fixture_id_args();
    let run = |concurrency: &str| {
        let mut args = vec!["run", "--endpoint", server.url.as_str(), "--seed", "42", "--property-cases", "500"];
        args.extend(["--concurrency", concurrency]);
        args.extend(ids.iter().map(String::as_str));
        let out = ssm_conform(&args);
        // Everything but the timing line.
        stdout(&out).lines().filter(|l| !l.starts_with("seed 42; ")).collect::<Vec<_>>().join("\n")
    };
    let first = run("8");
    assert!(first.contains("FAIL generated-"), "{first}");
    assert_eq!(first, run("8"));
    assert_eq!(first, run("1"));
    assert_eq!(first, run("64"));
}

/// The one trivial case of a generated-phase run, written to `dir`.
fn one_case(dir: &std::path::Path) -> String {
    let path = dir.join("one.toml");
    std::fs::write(
        &path,
        "[[case]]\nname = \"one\"\ncheck = \"unknown-execution\"\njson = '{\"WindowExecutionId\": \"{{random_id}}\"}'\n[case.expect]\nstatus = [200, 400, 404, 500]\n",
    )
    .unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn the_budget_ends_the_generated_phase_and_a_phase_that_sent_nothing_is_skipped() {
    // A million requests with no time to send any: the phase ends at once, sends nothing, and
    // says so, rather than generating every request before noticing the deadline.
    let dir = tempfile::tempdir().unwrap();
    let cases = one_case(dir.path());
    let out = TestCommand::new()
        .args(["run", "--cases", &cases, "--property-cases", "1000000", "--property-budget", "0", "-v"])
        .limit(std::time::Duration::from_secs(60))
        .run();
    out.assert_code(0);
    let line = out.stdout().lines().find(|l| l.contains("generated-requests")).map(str::to_owned);
    let line = line.unwrap_or_else(|| panic!("a generated-requests unit:\n{}", out.text()));
    assert!(line.starts_with("SKIP generated-requests"), "compared nothing, so not passed:\n{}", out.text());
    assert!(line.contains("no generated request was sent"), "{}", out.text());
}

#[test]
fn a_failure_found_before_the_deadline_is_reported_when_shrinking_is_cut_short() {
    // The reference with `max-results-max-unchecked`, slowed to a second per request once the
    // first request beyond the limit has been answered: the failure is found fast, and the
    // budget runs out while it is being shrunk.
    let reference = Arc::new(Reference::new(Some(Fault::MaxResultsMaxUnchecked)));
    let seen_failure = Arc::new(AtomicBool::new(false));
    let router = axum::Router::new().fallback(move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
        let (reference, seen_failure) = (reference.clone(), seen_failure.clone());
        async move {
            if seen_failure.load(Ordering::SeqCst) {
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            }
            let mut req = WireRequest::operation(body.to_vec());
            for (k, v) in &headers {
                req.set_header(k.as_str(), v.to_str().unwrap_or(""));
            }
            let over = serde_json::from_slice::<serde_json::Value>(&req.body)
                .ok()
                .and_then(|v| v.get("MaxResults").and_then(serde_json::Value::as_i64))
                .is_some_and(|n| n > 100);
            let resp = reference.handle(&req);
            if over && resp.status == 200 {
                seen_failure.store(true, Ordering::SeqCst);
            }
            let mut out = axum::response::Response::new(axum::body::Body::from(resp.body));
            *out.status_mut() = axum::http::StatusCode::from_u16(resp.status).unwrap();
            for (k, v) in resp.headers {
                out.headers_mut().insert(
                    axum::http::HeaderName::try_from(k).unwrap(),
                    axum::http::HeaderValue::try_from(v).unwrap(),
                );
            }
            out
        }
    });
    let server = TestServer::router(router);
    let dir = tempfile::tempdir().unwrap();
    let cases = one_case(dir.path());
    let mut args: Vec<String> =
        ["run", "--endpoint", &server.url, "--cases", &cases, "--property-budget", "4", "--seed", "3"]
            .map(str::to_owned)
            .to_vec();
    args.extend(fixture_id_args());
    let out = ssm_conform(&args);
    out.assert_code(1);
    assert!(
        out.fail_lines().iter().any(|l| l.starts_with("FAIL generated-max-results-max ")),
        "the failure is reported:\n{}",
        out.text()
    );
}
