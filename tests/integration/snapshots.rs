//! The project's own tests use the same snapshots as `ssm-conform run`: every snapshot case,
//! answered in-process by the reference, is asserted with insta against `snapshots/`. A snapshot
//! mismatch in a run fails with a readable diff; `--snapshots update` writes only `.snap.new`.

use std::path::Path;

use ssm_conform::check::snapshot;
use ssm_conform::request;
use ssm_conform::server::{Fault, Reference};
use ssm_conform::source::load_cases;

use crate::util::{fail_lines, reference, ssm_conform, stdout, TestCommand};

const SNAPSHOTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots");

#[test]
fn reference_answers_match_the_accepted_snapshots() {
    let reference = Reference::new(None);
    let bindings = reference.bindings("0123abcd-0000-4000-8000-00000000cafe");
    let cases = load_cases(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/cases"))).unwrap();
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(SNAPSHOTS);
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    let mut n = 0;
    settings.bind(|| {
        for case in cases.iter().filter(|c| c.snapshot.is_some()) {
            let resp = reference.handle(&request::build(case, &bindings).unwrap());
            let rendered = snapshot::render(&ssm_conform::response::Received::new(&resp), &bindings.redactions());
            insta::assert_snapshot!(case.snapshot.clone().unwrap(), rendered);
            n += 1;
        }
    });
    assert!(n >= 10, "only {n} snapshot cases");
}

#[test]
fn every_snapshot_file_is_in_insta_format() {
    for entry in std::fs::read_dir(SNAPSHOTS).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "snap") {
            let snap = insta::Snapshot::from_file(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let text = std::fs::read_to_string(&path).unwrap();
            let contents = snap.contents().as_text().expect("a text snapshot").to_string();
            assert_eq!(contents.trim_end(), snapshot::contents_of(&text), "{}", path.display());
        }
    }
}

#[test]
fn a_snapshot_mismatch_fails_with_a_readable_diff_and_update_writes_only_pending_files() {
    // The moto wording changes validation messages: with --snapshots check, the recorded
    // responses no longer match.
    let server = reference(Some(Fault::ValidationMotoWording));
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(SNAPSHOTS).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "snap") {
            std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    let snap_dir = dir.path().to_str().unwrap();
    let out = ssm_conform(&["run", "--endpoint", &server.url, "--snapshot-dir", snap_dir]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(fail_lines(&out).iter().any(|l| l.contains("[snapshot]")), "{text}");
    assert!(text.contains("     | -  \"message\": \"1 validation error detected: Value '9' at 'maxResults'"), "{text}");
    assert!(
        text.contains("     | +  \"message\": \"1 validation error detected: Value \\\"9\\\" at \\\"maxResults\\\""),
        "{text}"
    );

    let accepted = std::fs::read_to_string(dir.path().join("max-results-9.snap")).unwrap();
    // Updating writes files, which is refused when CI is set (as it is in our own CI run).
    let out = TestCommand::new()
        .args(["run", "--endpoint", &server.url, "--snapshot-dir", snap_dir, "--snapshots", "update"])
        .env_remove("CI")
        .run();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("max-results-9.snap")).unwrap(),
        accepted,
        "accepted file untouched"
    );
    let pending = std::fs::read_to_string(dir.path().join("max-results-9.snap.new")).unwrap();
    assert!(
        pending.contains("Value \\\"9\\\" at \\\"maxResults\\\"") || pending.contains("Value \"9\" at \"maxResults\""),
        "{pending}"
    );
    assert!(insta::Snapshot::from_file(&dir.path().join("max-results-9.snap.new")).is_ok());
    assert!(stdout(&out).contains("pending snapshot:"), "{}", stdout(&out));

    // Nothing is written in CI.
    let out = TestCommand::new()
        .args(["run", "--endpoint", &server.url, "--snapshot-dir", snap_dir, "--snapshots", "update"])
        .env("CI", "true")
        .run();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn foreign_endpoints_are_compared_only_with_a_named_snapshot_set() {
    // A wording-only fault that the built-in snapshots would see: a foreign endpoint is not
    // compared with them, and the run passes.
    let server = reference(Some(Fault::ValidationMotoWording));
    let out = ssm_conform(&["run", "--endpoint", &server.url]);
    out.assert_code(0);
    assert!(!fail_lines(&out).iter().any(|l| l.contains("[snapshot]")), "{}", stdout(&out));
}
