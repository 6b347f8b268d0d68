//! The second operation, `DescribeMaintenanceWindowExecutions` (contract §9), end to end through
//! the binary: the faithful reference passes every unit, each of the operation's faults fails
//! exactly the check that names it, every variant of the reference (each another accepted choice)
//! passes, both operations run in one report, and the harness's own mistakes are exit 2.

use ssm_conform::check::{CheckFamily, CheckId};
use ssm_conform::server::{ExecutionsFault, ExecutionsVariant, Reference, Variant};

use crate::util::{fail_lines, ssm_conform, stdout, TestServer};

const OPERATION: &str = "DescribeMaintenanceWindowExecutions";

fn run_second(url: &str) -> std::process::Output {
    let out = ssm_conform(&["run", "--endpoint", url, "--no-sign", "--operation", OPERATION, "--seed", "1", "-v"]);
    out.output
}

/// The same run, with `--strict-messages`.
fn run_second_strictly(url: &str) -> std::process::Output {
    let args = ["run", "--endpoint", url, "--no-sign", "--operation", OPERATION, "--seed", "1", "--strict-messages"];
    ssm_conform(&args).output
}

/// The same run, verbose, with `--strict-messages`.
fn run_second_strictly_verbose(url: &str) -> std::process::Output {
    let args =
        ["run", "--endpoint", url, "--no-sign", "--operation", OPERATION, "--seed", "1", "--strict-messages", "-v"];
    ssm_conform(&args).output
}

/// The checks a run's FAIL lines name.
fn failed(out: &std::process::Output) -> std::collections::BTreeSet<CheckId> {
    fail_lines(out)
        .iter()
        .flat_map(|l| CheckId::ALL.iter().filter(move |c| l.contains(&format!("[{c}]"))).copied())
        .collect()
}

#[test]
fn the_faithful_reference_passes_every_unit_and_every_check_runs() {
    let server = TestServer::start(Reference::new(None));
    let out = run_second(&server.url);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.starts_with(&format!("ssm-conform: {OPERATION} against")), "{text}");
    assert!(text.contains(" 0 failed, 0 skipped"), "{text}");
    let strict = stdout(&run_second_strictly_verbose(&server.url));
    for check in CheckId::ALL.iter().filter(|c| c.family() == CheckFamily::Executions) {
        // The wording is compared only under --strict-messages (a STRICT rule).
        let text = if *check == CheckId::ExecutionsValidationMessage { &strict } else { &text };
        assert!(
            text.lines().any(|l| l.starts_with(&format!("PASS {OPERATION}: ")) && l.contains(&format!("[{check}]"))),
            "{check} did not run:\n{text}"
        );
    }
    assert!(!text.contains("[executions-validation-message]"), "{text}");
    assert!(strict.contains("validation messages compared with AWS's wording"), "{strict}");
}

#[test]
fn every_fault_of_the_operation_fails_exactly_its_check() {
    let mut problems = Vec::new();
    for &fault in ExecutionsFault::ALL {
        let server = TestServer::start(Reference::with_executions_fault(fault));
        let out = if fault.strict_only() { run_second_strictly(&server.url) } else { run_second(&server.url) };
        let failed = failed(&out);
        if out.status.code() != Some(1) || failed != [fault.check()].into() {
            problems.push(format!(
                "{fault}: exit {:?}, failed {failed:?}, expected only {}\n{}",
                out.status.code(),
                fault.check(),
                stdout(&out)
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let tripped: std::collections::BTreeSet<CheckId> = ExecutionsFault::ALL.iter().map(|f| f.check()).collect();
    let checks: std::collections::BTreeSet<CheckId> =
        CheckId::ALL.iter().filter(|c| c.family() == CheckFamily::Executions).copied().collect();
    assert_eq!(tripped, checks, "every check of the operation has a fault that trips it");
}

/// A STRICT rule is checked only under `--strict-messages`: without it, a wording-only fault passes.
#[test]
fn wording_faults_pass_without_strict_messages() {
    for &fault in ExecutionsFault::ALL.iter().filter(|f| f.strict_only()) {
        let server = TestServer::start(Reference::with_executions_fault(fault));
        let out = run_second(&server.url);
        assert_eq!(out.status.code(), Some(0), "{fault}:\n{}", stdout(&out));
    }
}

/// Each variant makes another choice the contract accepts: the operation's own (§9: an unknown
/// window, what "executed" compares, several values, undocumented filters) and those of the first
/// operation's it shares (the last page's token, the order, an empty page's list, the error type
/// of a wrong JSON type, integral floats...). The operation's checks accept every one.
#[test]
fn every_variant_passes() {
    let mut problems = Vec::new();
    let references = ExecutionsVariant::ALL
        .iter()
        .map(|&v| (v.to_string(), Reference::with_executions_variant(v)))
        .chain(Variant::ALL.iter().map(|&v| (v.to_string(), Reference::with_variant(v))));
    for (variant, reference) in references {
        let server = TestServer::start(reference);
        let out = run_second_strictly(&server.url);
        if out.status.code() != Some(0) {
            problems.push(format!("{variant}: exit {:?}\n{}", out.status.code(), fail_lines(&out).join("\n")));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The JSON report's survey of EITHER choices says what the endpoint chose where §9 leaves it open.
#[test]
fn the_report_says_which_alternative_was_chosen() {
    let chose = |reference: Reference| {
        let server = TestServer::start(reference);
        let (out, report) = run_with_report(&server.url, &[]);
        assert_eq!(out.status.code(), Some(0), "{}", out.text());
        report["choices"].clone()
    };
    let faithful = chose(Reference::new(None));
    assert_eq!(faithful["executions-unknown-window"]["chose"], serde_json::json!(["HTTP 200"]));
    assert_eq!(faithful["executions-undocumented-filter"]["chose"], serde_json::json!(["a 400 ValidationException"]));
    assert_eq!(faithful["executions-several-values"]["chose"], serde_json::json!(["a 200"]));
    let other = chose(Reference::with_executions_variant(ExecutionsVariant::UnknownWindowNotFound));
    assert_eq!(other["executions-unknown-window"]["chose"], serde_json::json!(["DoesNotExistException"]));
    let other = chose(Reference::with_executions_variant(ExecutionsVariant::UndocumentedFiltersApplied));
    assert_eq!(other["executions-undocumented-filter"]["chose"], serde_json::json!(["a 200"]));
    let other = chose(Reference::with_executions_variant(ExecutionsVariant::SeveralValuesRefused));
    assert_eq!(other["executions-several-values"]["chose"], serde_json::json!(["a 400 ValidationException"]));
}

#[test]
fn both_operations_run_in_one_report() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("report.json");
    let report_arg = format!("json:{}", json.display());
    let out = ssm_conform(&[
        "run",
        "--operation",
        "DescribeMaintenanceWindowExecutionTasks",
        "--operation",
        OPERATION,
        "--seed",
        "1",
        "--property-cases",
        "0",
        "--report",
        &report_arg,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", out.text());
    let both = format!("DescribeMaintenanceWindowExecutionTasks and {OPERATION}");
    assert!(out.stdout().starts_with(&format!("ssm-conform: {both} against")), "{}", out.text());
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(report["operation"], both);
    let names: Vec<&str> = report["results"].as_array().unwrap().iter().filter_map(|r| r["name"].as_str()).collect();
    assert!(names.iter().any(|n| n.starts_with(&format!("{OPERATION}: "))), "{names:?}");
    assert!(names.iter().any(|n| !n.starts_with(&format!("{OPERATION}: "))), "{names:?}");
}

#[test]
fn a_wrong_operation_or_a_replay_of_it_is_the_users_mistake() {
    let typo = ssm_conform(&["run", "--operation", "DescribeMaintenanceWindowExecution"]);
    assert_eq!(typo.status.code(), Some(2), "{}", typo.text());
    assert!(typo.text().contains("did you mean \"DescribeMaintenanceWindowExecutions\"?"), "{}", typo.text());
    let dir = tempfile::tempdir().unwrap();
    let replay = ssm_conform(&["run", "--operation", OPERATION, "--replay", dir.path().to_str().unwrap()]);
    assert_eq!(replay.status.code(), Some(2), "{}", replay.text());
    assert!(
        replay.text().contains("--replay replays DescribeMaintenanceWindowExecutionTasks only"),
        "{}",
        replay.text()
    );
}

#[test]
fn an_endpoint_without_the_operation_is_one_finding() {
    let server = TestServer::router(axum::Router::new().fallback(|| async {
        crate::util::answer(501, r#"{"__type":"InternalFailure","message":"API action not yet implemented"}"#)
    }));
    let out = run_second(&server.url);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert_eq!(failed(&out), [CheckId::OperationImplemented].into(), "{}", stdout(&out));
    assert!(stdout(&out).contains("1 units: 0 passed, 1 failed"), "{}", stdout(&out));
}

/// The real service throttles and fails transiently: behind a bucket the harness outruns and a
/// transient 500 now and then, the faithful reference still passes every unit (retried as the
/// SDKs retry; a request throttled on every attempt is not evaluated, never a finding), and each
/// fault is still caught.
#[test]
fn throttles_and_transient_errors_are_no_finding() {
    use ssm_conform::contract::ThrottleForm;
    use ssm_conform::server::{Habits, Throttle};
    let layer = Habits {
        throttle: Some(Throttle { rate: 300, burst: 10, form: ThrottleForm::Ssm }),
        transient_every: Some(40),
        ..Habits::NONE
    };
    let server = TestServer::start(Reference::new(None).with_habits(layer));
    let out = run_second(&server.url);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(fail_lines(&out).is_empty(), "{}", stdout(&out));
    let fault = ExecutionsFault::FilterInverted;
    let server = TestServer::start(Reference::with_executions_fault(fault).with_habits(layer));
    let out = run_second(&server.url);
    assert_eq!(failed(&out), [fault.check()].into(), "{}", stdout(&out));
}

/// The faithful reference behind a router that may rewrite its answers: `rewrite` gets each
/// request's target and the reference's answer (status and JSON body) and returns what to send.
fn reference_rewritten(rewrite: fn(&str, u16, serde_json::Value) -> (u16, serde_json::Value)) -> TestServer {
    let reference = std::sync::Arc::new(Reference::new(None));
    TestServer::router(axum::Router::new().fallback(move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
        let reference = reference.clone();
        async move {
            let target = headers.get("x-amz-target").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
            let mut req = ssm_conform::request::WireRequest::operation(body.to_vec());
            req.set_header("X-Amz-Target", &target);
            let resp = reference.handle(&req);
            let (status, answer) =
                rewrite(&target, resp.status, serde_json::from_slice(&resp.body).unwrap_or_default());
            let mut out = axum::response::Response::new(axum::body::Body::from(answer.to_string()));
            *out.status_mut() = axum::http::StatusCode::from_u16(status).unwrap();
            out
        }
    }))
}

/// A run of the second operation with a JSON report: the run and the report.
fn run_with_report(url: &str, extra: &[&str]) -> (crate::util::TestOutput, serde_json::Value) {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("report.json");
    let report_arg = format!("json:{}", json.display());
    let mut args = vec!["run", "--endpoint", url, "--no-sign", "--operation", OPERATION, "--report", &report_arg];
    args.extend(extra);
    let out = ssm_conform(&args);
    let report = serde_json::from_str(&std::fs::read_to_string(&json).unwrap_or_default()).unwrap_or_default();
    (out, report)
}

/// The unit of `report` named `name` (after the operation's prefix).
fn unit_named<'a>(report: &'a serde_json::Value, name: &str) -> Option<&'a serde_json::Value> {
    report["results"].as_array()?.iter().find(|r| r["name"] == format!("{OPERATION}: {name}"))
}

/// An endpoint that lists no maintenance window: the units that need one are skipped, the run
/// says why on its last line, and `--require-data` fails it (a gate must not pass on no data).
#[test]
fn a_run_that_found_no_window_says_so_and_require_data_fails_it() {
    let server = reference_rewritten(|target, status, answer| match target {
        "AmazonSSM.DescribeMaintenanceWindows" => (200, serde_json::json!({"WindowIdentities": []})),
        _ => (status, answer),
    });
    let gap = "no maintenance window with executions listed";
    let out = run_second(&server.url);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let last = stdout(&out).lines().last().unwrap_or_default().to_owned();
    assert!(last.contains(&format!("skipped ({gap}: the checks that need one were skipped;")), "{last}");
    assert!(String::from_utf8_lossy(&out.stderr).contains(gap), "{}", String::from_utf8_lossy(&out.stderr));
    let args = ["run", "--endpoint", &server.url, "--no-sign", "--operation", OPERATION, "--require-data"];
    let out = ssm_conform(&args);
    assert_eq!(out.status.code(), Some(1), "{}", out.text());
    assert!(out.stdout().trim_end().ends_with(&format!("({gap}: --require-data fails the run)")), "{}", out.text());
    // With a window that has run, --require-data changes nothing.
    let server = TestServer::start(Reference::new(None));
    let args = ["run", "--endpoint", &server.url, "--no-sign", "--operation", OPERATION, "--require-data"];
    assert_eq!(ssm_conform(&args).status.code(), Some(0));
}

/// A failing generated request is shrunk before it is reported: its repro is the simplest body
/// that still fails the same way (proptest's shrinking, one request per step, bounded).
#[test]
fn a_failing_generated_request_is_shrunk_to_its_simplest_body() {
    let server = TestServer::start(Reference::with_executions_fault(ExecutionsFault::UndocumentedFilter500));
    let (out, report) = run_with_report(&server.url, &["--seed", "1"]);
    assert_eq!(out.status.code(), Some(1), "{}", out.text());
    let unit = unit_named(&report, "generated requests").unwrap().clone();
    let detail = unit["findings"][0]["detail"].as_str().unwrap_or_default();
    assert!(detail.starts_with("shrunk in ") && detail.contains("the repro is the simplest request"), "{unit}");
    let repro = unit["repro"].as_str().unwrap();
    let body = repro.rsplit("--data-binary '").next().unwrap().trim_end_matches('\'');
    let body: serde_json::Value = serde_json::from_str(body).unwrap();
    let members: std::collections::BTreeSet<&str> = body.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(members, ["Filters", "WindowId"].into(), "{repro}");
    assert_eq!(body["Filters"].as_array().unwrap().len(), 1, "{repro}");
}

/// An answer that breaks a rule the others rely on is one problem: executions without a
/// `WindowExecutionId` fail `executions-response-shape`, and the walks and filters that could not
/// tell them apart are blocked by it, not failed under rules of their own.
#[test]
fn executions_without_ids_are_one_problem_and_block_the_walks() {
    let server = reference_rewritten(|_, status, mut answer| {
        if let Some(items) = answer.get_mut("WindowExecutions").and_then(|v| v.as_array_mut()) {
            for item in items.iter_mut().filter_map(|i| i.as_object_mut()) {
                item.remove("WindowExecutionId");
            }
        }
        (status, answer)
    });
    let (out, report) = run_with_report(&server.url, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", out.text());
    let verdict = |name: &str| unit_named(&report, name).and_then(|u| u["verdict"].as_str()).unwrap_or_default();
    assert_eq!(verdict("response shape"), "failed", "{}", out.text());
    assert_eq!(verdict("pagination"), "blocked", "{}", out.text());
    let failed: std::collections::BTreeSet<CheckId> = failed(&out.output);
    assert_eq!(failed, [CheckId::ExecutionsResponseShape].into(), "{}", out.text());
}
