//! Report files and the baseline gate, end to end.

use serde_json::Value;
use ssm_conform::server::Fault;

use crate::util::{fixture_id_args, reference, ssm_conform, stdout};

fn run_with(fault: Fault, extra: &[&str]) -> std::process::Output {
    let server = reference(Some(fault));
    let ids = fixture_id_args();
    // The cases and relations alone: these tests are about the report formats and the gate.
    let mut args = vec!["run", "--endpoint", server.url.as_str(), "--property-cases", "0"];
    args.extend(ids.iter().map(String::as_str));
    args.extend(extra);
    ssm_conform(&args)
}

#[test]
fn json_junit_and_markdown_reports_carry_the_findings() {
    let dir = tempfile::tempdir().unwrap();
    let json_path = dir.path().join("out/report.json");
    let junit_path = dir.path().join("junit.xml");
    let md_path = dir.path().join("CONFORMANCE.md");
    let out = run_with(
        Fault::TimestampsIso,
        &[
            "--report",
            &format!("json:{}", json_path.display()),
            "--report",
            &format!("junit:{}", junit_path.display()),
            "--report",
            &format!("markdown:{}", md_path.display()),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));

    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    assert_eq!(doc["summary"]["failed"], 1);
    let results = doc["results"].as_array().unwrap();
    let failed = results.iter().find(|r| r["verdict"] == "failed").unwrap();
    assert_eq!(failed["check"], "item-timestamps");
    assert!(failed["findings"][0]["actual"].as_str().unwrap().contains("is the string"));
    assert!(failed["repro"].as_str().unwrap().starts_with("curl "));
    let case = results.iter().find(|r| r["name"] == "max-results-9").unwrap();
    assert_eq!(case["exchange"]["response"]["status"], 400);
    assert!(case["exchange"]["request"]["body"].as_str().unwrap().contains("\"MaxResults\": 9"));
    assert!(doc["either_choices"].as_object().unwrap().keys().any(|k| k.contains("last page")));

    let xml = std::fs::read_to_string(&junit_path).unwrap();
    assert!(xml.contains("<testsuite name=\"response shape\""), "{xml}");
    assert!(xml.contains("type=\"item-timestamps\""), "{xml}");
    assert_eq!(xml.matches("<testcase ").count(), results.len());

    let md = std::fs::read_to_string(&md_path).unwrap();
    assert!(md.contains("| `item-timestamps` | response shape | ❌ fails |"), "{md}");
    assert!(md.contains("| `max-results-min` | max results | ✅ conforms |"), "{md}");
    assert!(md.contains("## EITHER rules: what this endpoint chose"), "{md}");
    assert!(md.contains("| §5 the last page's NextToken (absent, \"\" or null) | absent |"), "{md}");
    assert!(md.contains("cases of `unknown-operation` | HTTP 400"), "{md}");
}

#[test]
fn a_baseline_hides_exactly_the_accepted_findings_and_a_new_one_still_fails() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline.toml");
    let b = baseline.to_str().unwrap();
    let out = run_with(Fault::TimestampsIso, &["--write-baseline", b]);
    assert_eq!(out.status.code(), Some(1));
    let text = std::fs::read_to_string(&baseline).unwrap();
    assert!(text.contains("unit = \"item-timestamps\"") && text.contains("check = \"item-timestamps\""), "{text}");

    // The same deviation is now known: the gate passes and says so.
    let out = run_with(Fault::TimestampsIso, &["--baseline", b]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("1 accepted by the baseline"), "{}", stdout(&out));

    // A new deviation still fails, and the entry that no longer occurs is named as stale.
    let out = run_with(Fault::RequestIdMissing, &["--baseline", b]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("stale baseline entry: [item-timestamps] item-timestamps no longer fails"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_broken_baseline_is_a_harness_error() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("b.toml");
    std::fs::write(&baseline, "[[accepted]]\nunit = \"x\"\nchek = \"y\"\n").unwrap();
    let out = ssm_conform(&["run", "--baseline", baseline.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("b.toml: line 3: unknown field `chek`"), "{err}");
}
