//! The library API (`ssm_conform::Suite`) as an emulator's own Rust test uses it: a conformant
//! endpoint passes, a faulty one fails with the fault's check in the panic, a baseline accepts
//! what it lists and names what no longer occurs, and a configuration or endpoint the suite
//! cannot use is an error, never a report.

use std::panic::{catch_unwind, AssertUnwindSafe};

use ssm_conform::{ReferenceEndpoint, Suite, SuiteError};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
}

/// A suite against `endpoint` with its fixture ids and a small generated phase.
fn suite_for(endpoint: &ReferenceEndpoint) -> Suite {
    Suite::against(endpoint.url()).execution_ids(endpoint.execution_ids()).property_cases(300)
}

#[test]
fn the_reference_conforms_and_a_fault_fails_with_its_check() {
    runtime().block_on(async {
        let faithful = ReferenceEndpoint::start().await.unwrap();
        let report = suite_for(&faithful).run().await.unwrap();
        report.assert_conformant();
        let tally = report.tally();
        assert!(tally.passed > 50 && tally.failed == 0 && tally.skipped == 0, "{tally:?}");
        assert!(report.failures().is_empty() && report.generated_requests() == 300);
        faithful.stop().await;

        let faulty = ReferenceEndpoint::with_fault("pagination-drops-item").await.unwrap();
        let report = suite_for(&faulty).run().await.unwrap();
        assert!(!report.is_conformant());
        assert!(report.failed_checks().contains(&"pagination-walk"), "{:?}", report.failed_checks());
        let walk = report.failures().into_iter().find(|f| f.check == "pagination-walk").unwrap();
        assert!(!walk.expected.is_empty() && !walk.actual.is_empty(), "{walk:?}");
        let panic = catch_unwind(AssertUnwindSafe(|| report.assert_conformant())).unwrap_err();
        let message = panic.downcast_ref::<String>().unwrap();
        assert!(message.starts_with("the endpoint does not conform:\n"), "{message}");
        assert!(message.contains("FAIL") && message.contains("pagination-walk"), "{message}");
        assert!(!message.contains('\u{1b}'), "the panic message has no colour codes");
        assert!(report.json().contains("\"pagination-walk\"") && report.markdown().contains("pagination-walk"));
        faulty.stop().await;
    });
}

#[test]
fn a_baseline_accepts_what_it_lists_and_names_what_no_longer_occurs() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("baseline.toml");
    runtime().block_on(async {
        let faulty = ReferenceEndpoint::with_fault("timestamps-iso").await.unwrap();
        let first = suite_for(&faulty).run().await.unwrap();
        assert!(!first.is_conformant());
        std::fs::write(&path, first.baseline_toml()).unwrap();
        let again = suite_for(&faulty).baseline(&path).run().await.unwrap();
        again.assert_conformant();
        assert_eq!(again.tally().accepted, first.tally().failed + first.tally().blocked);
        assert!(again.stale_baseline_entries().is_empty(), "{:?}", again.stale_baseline_entries());
        faulty.stop().await;

        let faithful = ReferenceEndpoint::start().await.unwrap();
        let fixed = suite_for(&faithful).baseline(&path).run().await.unwrap();
        fixed.assert_conformant();
        let stale = fixed.stale_baseline_entries();
        assert!(!stale.is_empty() && stale.iter().all(|e| e.ends_with(" item-timestamps")), "{stale:?}");
        faithful.stop().await;
    });
}

#[test]
fn without_ids_the_suite_discovers_them() {
    runtime().block_on(async {
        let faithful = ReferenceEndpoint::start().await.unwrap();
        let report = Suite::against(faithful.url()).property_cases(0).run().await.unwrap();
        report.assert_conformant();
        assert!(report.terminal().contains("discovered"), "{}", report.terminal());
        assert_eq!(report.tally().skipped, 0, "{}", report.terminal());
        faithful.stop().await;
    });
}

/// Why `r` is a configuration error; panics when it is anything else.
fn config<T: std::fmt::Debug>(r: Result<T, SuiteError>) -> String {
    match r {
        Err(SuiteError::Config(why)) => why,
        other => panic!("expected a configuration error, got {other:?}"),
    }
}

#[test]
fn what_the_suite_cannot_use_is_an_error() {
    let nobody = crate::util::unused_url();
    runtime().block_on(async {
        let why = config(Suite::against("localhost:4566").run().await);
        assert!(why.contains("not an http:// or https:// URL"), "{why}");
        let why = config(Suite::against("http://127.0.0.1:1").execution_ids(["not-an-id"]).run().await);
        assert!(why.contains("\"not-an-id\""), "{why}");
        let why = config(Suite::against("http://127.0.0.1:1").concurrency(0).run().await);
        assert!(why.contains("concurrency 0"), "{why}");
        let why = config(ReferenceEndpoint::with_fault("no-such-fault").await);
        assert!(why.contains("no-such-fault"), "{why}");
        let missing = Suite::against("http://127.0.0.1:1").baseline("/nonexistent/baseline.toml").run().await;
        assert!(matches!(missing, Err(SuiteError::Baseline(_))), "{missing:?}");
        let unreachable = Suite::against(nobody).property_cases(0).run().await;
        let Err(e @ SuiteError::Run(_)) = unreachable else { panic!("expected a run error, got {unreachable:?}") };
        assert!(e.to_string().contains("cannot reach the endpoint"), "{e}");
    });
}
