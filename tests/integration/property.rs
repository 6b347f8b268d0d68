//! Property-generated requests: the oracle and the reference agree on thousands of requests (so
//! neither can drift alone); each input-handling fault fails the property run with a minimal
//! request; the same seed gives the same report.

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use ssm_conform::check::{judge, CheckOptions};
use ssm_conform::runner::generated::{generated_case, world_of};

use ssm_conform::server::{Fault, Reference};
use ssm_conform::source::generate::{requests, Capabilities};

use crate::util::{fixture_id_args, reference, ssm_conform, stdout};

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
        let findings = judge(&case, &req, &resp, strict);
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
        "--seed",
        "3",
    ];
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
    let server = reference(Some(Fault::MaxResultsMaxUnchecked));
    let ids = fixture_id_args();
    let run = || {
        let mut args = vec!["run", "--endpoint", server.url.as_str(), "--seed", "42", "--property-cases", "500"];
        args.extend(ids.iter().map(String::as_str));
        let out = ssm_conform(&args);
        // Everything but the timing line.
        stdout(&out).lines().filter(|l| !l.starts_with("seed 42; ")).collect::<Vec<_>>().join("\n")
    };
    let first = run();
    assert!(first.contains("FAIL generated-"), "{first}");
    assert_eq!(first, run());
}
