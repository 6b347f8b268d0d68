//! Report files and the baseline gate, end to end.

use serde_json::Value;
use ssm_conform::server::Fault;

use crate::util::{fixture_id_args, reference, ssm_conform, stdout};

fn run_with(fault: Fault, extra: &[&str]) -> crate::util::TestOutput {
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
    let html_path = dir.path().join("report.html");
    let out = run_with(
        Fault::TimestampsIso,
        &[
            "--report",
            &format!("json:{}", json_path.display()),
            "--report",
            &format!("junit:{}", junit_path.display()),
            "--report",
            &format!("markdown:{}", md_path.display()),
            "--report",
            &format!("html:{}", html_path.display()),
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
    // A test case per unit, and one per deviation beside them.
    let deviations = doc["deviations"].as_array().unwrap();
    assert_eq!(deviations.len(), 1, "{deviations:?}");
    assert_eq!(deviations[0]["id"], "item-timestamps");
    assert_eq!(xml.matches("<testcase ").count(), results.len() + deviations.len());
    assert!(xml.contains("<testsuite name=\"deviations\""), "{xml}");

    let md = std::fs::read_to_string(&md_path).unwrap();
    assert!(md.contains("| `item-timestamps` | response shape | ❌ fails |"), "{md}");
    assert!(md.contains("| `max-results-min` | max results | ✅ conforms |"), "{md}");
    assert!(md.contains("## EITHER rules: what this endpoint chose"), "{md}");
    assert!(md.contains("| §5 the last page's NextToken (absent, \"\" or null) | absent |"), "{md}");
    assert!(md.contains("cases of `unknown-operation` | HTTP 400"), "{md}");

    // One self-contained page: nothing fetched, no script, the failing check's row and finding.
    let html = std::fs::read_to_string(&html_path).unwrap();
    let excerpt = crate::util::excerpt(&html);
    assert!(html.contains("content=\"default-src 'none'; style-src 'unsafe-inline'\""), "{excerpt}");
    for fetching in ["<script", "src=", "href=", "@import", "url("] {
        assert!(!html.contains(fetching), "{fetching} in {excerpt}");
    }
    assert!(html.contains("<tr class=\"hideable fail\" id=\"check-item-timestamps\">"), "{excerpt}");
    assert!(html.contains("<tr class=\"hideable pass\" id=\"check-max-results-min\">"), "{excerpt}");
    assert!(html.contains("<span class=\"verdict\">FAIL</span> <code>item-timestamps</code>"), "{excerpt}");
    assert!(html.contains("<pre class=\"curl\">curl "), "{excerpt}");
    assert!(html.contains("is the string"), "{excerpt}");
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
    assert!(err.contains("b.toml:3: unknown field `chek`"), "{err}");
}

#[test]
fn a_misspelt_check_id_in_a_baseline_names_its_line_and_the_closest_id() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("b.toml");
    std::fs::write(&baseline, "[[accepted]]\nunit = \"x\"\ncheck = \"item-timestamp\"\n").unwrap();
    let out = ssm_conform(&["run", "--baseline", baseline.to_str().unwrap()]);
    out.assert_code(2);
    let err = out.stderr();
    assert_eq!(err.lines().count(), 1, "{}", out.text());
    assert!(
        err.contains("b.toml:3: check: unknown check id \"item-timestamp\"; did you mean \"item-timestamps\"?"),
        "{}",
        out.text()
    );
}

/// Replaces what differs from run to run (ports, timings, request ids) with placeholders.
fn normalise(text: &str) -> String {
    let rules = [
        (r"127\.0\.0\.1:\d+", "127.0.0.1:[port]"),
        (r"seed 7; \d+\.\d+s", "seed 7; [seconds]s"),
        (r#""seconds": [0-9.e-]+"#, r#""seconds": "[seconds]""#),
        (r#"(?i)("x-amzn-RequestId",\s*)"[0-9a-f-]{36}""#, r#"$1"[request-id]""#),
        (r#"("date",\s*)"[^"]*""#, r#"$1"[date]""#),
        (r"/tmp/[^ \n\x22]*", "[tmp]"),
        (r"· \d+\.\d s ·", "· [seconds] s ·"),
    ];
    rules.iter().fold(text.to_owned(), |t, (re, to)| regex::Regex::new(re).unwrap().replace_all(&t, *to).into_owned())
}

/// The same small run written as every format: the terminal report (plain), JSON, JUnit,
/// Markdown and HTML, each pinned as a snapshot people review.
#[test]
fn every_report_format_is_pinned() {
    let server = reference(Some(Fault::TimestampsIso));
    let dir = tempfile::tempdir().unwrap();
    let path = |f: &str| dir.path().join(format!("report.{f}"));
    let eleven = ssm_conform::server::Reference::new(None)
        .executions()
        .iter()
        .find(|e| e.tasks.len() == 11)
        .map(|e| e.window_execution_id.clone())
        .unwrap();
    let cases = "tests/data/report_cases.toml";
    let mut args: Vec<String> = ["run", "--endpoint", &server.url, "--cases", cases, "--execution-id", &eleven]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    args.extend(["--property-cases", "0", "--seed", "7", "--color", "never"].map(str::to_owned));
    for f in ["json", "junit", "markdown", "html"] {
        args.extend(["--report".to_owned(), format!("{f}:{}", path(f).display())]);
    }
    let out = ssm_conform(&args);
    out.assert_code(1);
    insta::assert_snapshot!("report_terminal", normalise(&out.stdout()));
    for f in ["json", "junit", "markdown", "html"] {
        let text = std::fs::read_to_string(path(f)).unwrap();
        insta::assert_snapshot!(format!("report_{f}"), normalise(&text));
    }
}
