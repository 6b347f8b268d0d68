//! `run --record DIR` and `run --replay DIR`: a recording of the faithful reference replayed
//! against the reference is clean; against each variant it gives only informational differences
//! (the contract accepts either answer); against each fault it fails — naming the fault's check,
//! except where the replay names the same deviation under another check or cannot see it (listed
//! with why). A recording keeps no secret.

use std::collections::BTreeSet;
use std::net::{Ipv4Addr, SocketAddr};

use ssm_conform::check::{CheckId, CheckOptions};
use ssm_conform::finding::{Outcome, RunReport};
use ssm_conform::replay::{self, RecordedUnit};
use ssm_conform::runner;
use ssm_conform::server::{self, Fault, Reference, Variant};
use ssm_conform::transport::record::Recorder;
use ssm_conform::transport::{Client, ClientConfig};

/// Faults a replay of the suite's recording cannot see, and why.
const BLIND: &[(Fault, &str)] = &[
    (Fault::TokenCountsPages, "a walk that switches page size is replayed page by page with mapped tokens"),
    (Fault::UnknownOperationServed, "another target's answer is compared by status class only"),
    (Fault::IdCaseIgnoresFilters, "only generated requests meet it, and this recording holds 100 of them"),
    (Fault::DropsManyFilterValues, "this recording's 100 generated requests hold no filter with 8 to 11 values"),
];

/// Faults the replay catches under another check than the run names.
const ELSEWHERE: &[Fault] = &[
    Fault::IdCaseFirstPageOnly,
    Fault::IntegralFloatFirstPageOnly,
    Fault::ForeignTokenRestarts,
    Fault::EmptyExecutionUnknown,
    Fault::FilterValueRepeatedDoubles,
    Fault::UnknownMemberDropsToken,
];

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
}

fn failing(report: &RunReport) -> BTreeSet<CheckId> {
    let units = report.results.iter().filter(|r| matches!(r.outcome, Outcome::Failed(_) | Outcome::Blocked(_)));
    units.flat_map(|r| r.outcome.findings().iter().map(|f| f.check)).collect()
}

/// The suite's run against the faithful reference, recorded into `dir` and read back.
async fn record(dir: &std::path::Path) -> Vec<RecordedUnit> {
    let reference = Reference::new(None);
    let ids: Vec<String> = reference.executions().iter().map(|e| e.window_execution_id.clone()).collect();
    let server = server::spawn(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), reference).await.unwrap();
    let recorder = Recorder::default();
    let config = ClientConfig { recorder: Some(recorder.clone()), ..ClientConfig::default() };
    let client = Client::new(&server.url(), config).unwrap();
    let plan = crate::util::suite_plan(ids, CheckOptions::default(), 100);
    runner::run(&client, &plan).await.unwrap();
    server.stop().await;
    recorder.write(dir, "reference").unwrap();
    replay::load(dir).unwrap()
}

/// The recording replayed against `reference`.
async fn replayed(units: &[RecordedUnit], reference: Reference, strict: bool) -> RunReport {
    let server = server::spawn(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), reference).await.unwrap();
    let client = Client::new(&server.url(), ClientConfig::default()).unwrap();
    let report = replay::replay(&client, units, &[], CheckOptions { strict_messages: strict }).await;
    server.stop().await;
    report
}

#[test]
fn a_recording_replayed_finds_every_fault_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let rt = runtime();
    let units = rt.block_on(record(dir.path()));
    let units = &units;
    let mut targets: Vec<(String, Reference, Option<Fault>)> =
        vec![("faithful".to_owned(), Reference::new(None), None)];
    targets.extend(Variant::ALL.iter().map(|&v| (format!("variant {v}"), Reference::with_variant(v), None)));
    targets.extend(Fault::ALL.iter().map(|&f| (format!("fault {f}"), Reference::new(Some(f)), Some(f))));
    let problems = crate::util::problems(targets, |(name, reference, fault)| async move {
        let strict = fault.is_some_and(|f| f.strict_only());
        let report = replayed(units, reference, strict).await;
        let failed = failing(&report);
        match fault {
            None if !failed.is_empty() => Some(format!("{name}: the replay reports {failed:?}")),
            None => None,
            Some(f) => {
                let blind = BLIND.iter().any(|(b, _)| *b == f);
                let own = failed.contains(&f.check()) || (ELSEWHERE.contains(&f) && !failed.is_empty());
                match (blind, own, failed.is_empty()) {
                    (false, false, _) => Some(format!("{name}: the replay fails {failed:?}, not {}", f.check())),
                    (true, _, false) => Some(format!("{name} is listed as blind, but the replay fails {failed:?}")),
                    _ => None,
                }
            }
        }
    });
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_recording_keeps_no_secret_and_a_broken_one_is_one_line() {
    let server = crate::util::reference(None);
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("rec");
    let out = crate::util::TestCommand::new()
        .env("AWS_ACCESS_KEY_ID", "AKIASSMCONFORMSECRET1")
        .env("AWS_SECRET_ACCESS_KEY", "ssm-conform-test-secret-value")
        .env("AWS_SESSION_TOKEN", "ssm-conform-test-session-token")
        .args(["run", "--endpoint", &server.url, "--sign", "--property-cases", "20", "--record", rec.to_str().unwrap()])
        .args(crate::util::fixture_id_args())
        .run();
    out.assert_code(0);
    let mut files = 0;
    for entry in std::fs::read_dir(&rec).unwrap() {
        let text = String::from_utf8_lossy(&std::fs::read(entry.unwrap().path()).unwrap()).into_owned();
        for secret in ["AKIASSMCONFORMSECRET1", "ssm-conform-test-secret-value", "ssm-conform-test-session-token"] {
            assert!(!text.contains(secret), "a recording holds {secret}");
        }
        assert!(text.contains("authorization: [redacted]"), "{}", crate::util::excerpt(&text));
        files += 1;
    }
    assert!(files > 100, "{files} files");
    // Replayed through the command line against the reference: clean.
    let out = crate::util::TestCommand::new()
        .args(["run", "--endpoint", &server.url, "--replay", rec.to_str().unwrap()])
        .run();
    out.assert_code(0);
    assert!(out.stdout().contains("note: replayed "), "{}", out.text());
    // A broken file: one line naming it, exit 2.
    let broken = dir.path().join("broken");
    std::fs::create_dir(&broken).unwrap();
    std::fs::write(
        broken.join("001-x.http"),
        "# ssm-conform recording · unit x · endpoint e\n### request 1 · t\nPOST / HTTP/1.1\n",
    )
    .unwrap();
    let out = crate::util::TestCommand::new()
        .args(["run", "--endpoint", &server.url, "--replay", broken.to_str().unwrap()])
        .run();
    out.assert_code(2);
    assert!(out.stderr().contains("001-x.http:3: the file ends inside a message's headers"), "{}", out.text());
}
