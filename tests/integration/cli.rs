//! The command line as a user meets it: exit statuses, one-line errors, the serve subcommand.

use ssm_conform::server::{ExecutionsFault, Fault};

use crate::util::{reference, ssm_conform, stderr, stdout, unused_url, RawServer, TestCommand, TestServer};

#[test]
fn run_without_endpoint_uses_the_embedded_reference_and_passes() {
    let out = ssm_conform(&["run"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("(embedded reference)"), "{text}");
    let summary = text.lines().find(|l| l.ends_with(" skipped")).expect("summary line");
    let passed: usize = summary.split(' ').next().unwrap().parse().unwrap();
    assert!(passed >= 60, "{summary}");
    assert!(summary.contains(" 0 failed, 0 skipped"), "{summary}");
}

#[test]
fn endpoint_comes_from_the_sdk_environment_variables() {
    let server = reference(Some(Fault::RequestIdMissing));
    for var in ["AWS_ENDPOINT_URL_SSM", "AWS_ENDPOINT_URL"] {
        let out = TestCommand::new().args(["run"]).env(var, &server.url).run();
        assert_eq!(out.status.code(), Some(1), "{var}: {}", stdout(&out));
        assert!(stdout(&out).contains(&server.url), "{var}");
    }
}

#[test]
fn a_broken_case_file_is_one_line_naming_file_line_case_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.toml");
    std::fs::write(
        &path,
        "check = \"max-results-min\"\n\n[[case]]\nname = \"nine\"\njson = '{\"MaxResults\": 9}'\n[case.expect]\nstatus = \"400\"\n",
    )
    .unwrap();
    let out = ssm_conform(&["run", "--cases", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("broken.toml:7:10: case \"nine\": expect.status:"), "{err}");
}

#[test]
fn an_unreachable_endpoint_is_a_harness_error() {
    let url = unused_url();
    let out = ssm_conform(&["run", "--endpoint", &url]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("cannot reach the endpoint") && err.contains(&url), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn an_endpoint_that_never_answers_times_out_instead_of_hanging() {
    // Accept connections and hold them open without answering.
    // Held far longer than the bound, so that only the timeout can end the run within it.
    let server = RawServer::start(|stream, _| async move {
        tokio::time::sleep(crate::util::HARD_LIMIT * 2).await;
        drop(stream);
    });
    let url = server.url.clone();
    let out = TestCommand::new().args(["run", "--endpoint", &url, "--timeout", "1"]).run();
    assert_eq!(out.status.code(), Some(2), "{}", out.text());
    assert!(out.stderr().contains("no answer within the timeout"), "{}", out.text());
    let bound = crate::util::liveness_bound(1, std::time::Duration::from_secs(1));
    assert!(out.elapsed < bound, "took {:?}, bound {bound:?}", out.elapsed);
}

#[test]
fn arguments_are_validated_before_anything_runs() {
    for (args, needle) in [
        (vec!["run", "--execution-id", "not-an-id"], "is not a well-formed execution id"),
        (vec!["run", "--endpoint", "localhost:4566"], "is not an http:// or https:// URL"),
        (vec!["run", "--concurrency", "0"], "--concurrency 0"),
        (vec!["run", "--cases", "/nonexistent/cases"], "/nonexistent/cases: cannot read"),
        (vec!["serve", "--fault", "nope"], "unknown fault \"nope\""),
    ] {
        let out = ssm_conform(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(needle), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn serve_lists_faults_and_fixtures() {
    let out = ssm_conform(&["serve", "--list-faults"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert_eq!(text.lines().count(), Fault::ALL.len() + ExecutionsFault::ALL.len());
    for f in Fault::ALL {
        assert!(text.contains(f.name()) && text.contains(f.description()), "{f}");
    }
    for f in ExecutionsFault::ALL {
        assert!(text.contains(f.name()) && text.contains(f.description()), "{f}");
    }
    let out = ssm_conform(&["serve", "--list-fixtures"]);
    let text = stdout(&out);
    for n in [" 0 tasks", " 1 tasks", " 10 tasks", " 11 tasks"] {
        assert!(text.contains(n), "{text}");
    }
}

#[test]
fn serve_lists_the_variants_of_both_operations() {
    use ssm_conform::server::{ExecutionsVariant, Variant};
    let out = ssm_conform(&["serve", "--list-variants"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert_eq!(text.lines().count(), Variant::ALL.len() + ExecutionsVariant::ALL.len());
    for v in ExecutionsVariant::ALL {
        let line = text.lines().find(|l| l.starts_with(&format!("{v} "))).unwrap_or_else(|| panic!("{v}: {text}"));
        assert!(line.contains(v.description()) && line.contains(v.rule().description()), "{line}");
    }
    let typo = ssm_conform(&["serve", "--variant", "executions-unknown-window-notfound"]);
    assert_eq!(typo.status.code(), Some(2), "{}", typo.text());
    assert!(typo.text().contains("did you mean \"executions-unknown-window-not-found\"?"), "{}", typo.text());
}

#[test]
fn serve_prints_its_url_and_answers() {
    let serving = TestCommand::new().args(["serve", "--port", "0"]).serve();
    let url = serving.url.clone();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let out = ssm_conform(&["run", "--endpoint", &url]);
    drop(serving);
    // Without --execution-id the fixtures are discovered through the listings the reference
    // answers, and everything passes.
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("note: discovered 5 execution(s)"), "{}", stdout(&out));
}

#[test]
fn sign_sends_sigv4_and_never_prints_the_secret() {
    use std::sync::{Arc, Mutex};
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let record = seen.clone();
    let server = TestServer::router(axum::Router::new().fallback(move |headers: axum::http::HeaderMap| {
        let record = record.clone();
        async move {
            let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
            record.lock().unwrap().push(auth);
            (axum::http::StatusCode::NOT_IMPLEMENTED, "not here")
        }
    }));
    let url = server.url.clone();
    let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    let creds = [("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"), ("AWS_SECRET_ACCESS_KEY", secret)];
    let run = |flags: &[&str], env: &[(&str, &str)]| {
        let mut cmd = TestCommand::new();
        cmd.args(["run", "--endpoint", &url, "--region", "eu-west-1"]).args(flags);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.run();
        let all = format!("{}{}", out.stdout(), out.stderr());
        assert!(!all.contains(secret) && !all.contains("AWS4-HMAC"), "{all}");
        let auth = seen.lock().unwrap().last().cloned().unwrap_or_default();
        (out, auth)
    };
    // --sign demands real credentials.
    let (out, _) = run(&["--sign"], &[]);
    out.assert_code(2);
    assert!(out.stderr().contains("signing needs AWS credentials, and none were found"), "{}", out.text());

    // By default every request is signed, as every SDK signs: with the credentials found...
    for flags in [&["--sign"][..], &[]] {
        let (out, auth) = run(flags, &creds);
        out.assert_code(1);
        assert!(auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"), "{auth}");
        assert!(auth.contains("/eu-west-1/ssm/aws4_request"), "{auth}");
        // ...and the repro line signs the same way, from the shell's variables.
        assert!(
            out.stdout()
                .contains(r#"--aws-sigv4 'aws:amz:eu-west-1:ssm' --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY""#),
            "{}",
            out.text()
        );
        assert!(!out.stdout().contains("fake credentials"), "{}", out.text());
    }

    // ...the standard chain's shared credentials file and AWS_PROFILE too (aws-config)...
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("credentials");
    std::fs::write(&file, format!("[team]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = {secret}\n"))
        .unwrap();
    let (out, auth) = run(&[], &[("AWS_SHARED_CREDENTIALS_FILE", file.to_str().unwrap()), ("AWS_PROFILE", "team")]);
    out.assert_code(1);
    assert!(auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDPROFILE/"), "{auth}");

    // ...else clearly fake ones, said once under the header.
    let (out, auth) = run(&[], &[]);
    out.assert_code(1);
    assert!(auth.starts_with("AWS4-HMAC-SHA256 Credential=SSMCONFORMFAKEKEYID0/"), "{auth}");
    assert_eq!(out.stdout().matches("signed with fake credentials").count(), 1, "{}", out.text());

    // --no-sign sends them unsigned.
    let (out, auth) = run(&["--no-sign"], &creds);
    out.assert_code(1);
    assert_eq!(auth, "", "unsigned with --no-sign");
    assert!(!out.stdout().contains("--aws-sigv4"), "{}", out.text());
}

#[test]
fn the_built_in_suite_is_used_wherever_the_binary_runs() {
    // A user's folder with unrelated `cases/` and `snapshots/`: neither replaces the built-in set.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("cases")).unwrap();
    std::fs::write(dir.path().join("cases/app.toml"), "[database]\nurl = 'postgres://localhost'\n").unwrap();
    std::fs::create_dir_all(dir.path().join("snapshots")).unwrap();
    std::fs::write(dir.path().join("snapshots/max-results-9.snap"), "---\nsource: x\n---\nsomething else\n").unwrap();
    let out = TestCommand::new().args(["run", "--property-cases", "0"]).current_dir(dir.path()).run();
    out.assert_code(0);
    assert!(out.stdout().contains(" 0 failed, 0 skipped"), "{}", out.text());
    // Built-in cases are cited as cases/FILE:LINE, whatever the working directory.
    let report = dir.path().join("report.json");
    let json_arg = format!("json:{}", report.display());
    TestCommand::new().args(["run", "--property-cases", "0", "--report", &json_arg]).current_dir(dir.path()).run();
    let text = std::fs::read_to_string(&report).unwrap();
    assert!(text.contains("\"origin\": \"cases/max_results.toml:"), "{text}");
}

#[test]
fn a_snapshot_dir_with_nothing_to_check_against_is_a_harness_error() {
    let empty = tempfile::tempdir().unwrap();
    for dir in [empty.path().to_str().unwrap(), "/nonexistent/ssm-conform-snapshots"] {
        let out = ssm_conform(&["run", "--snapshot-dir", dir, "--property-cases", "0"]);
        out.assert_code(2);
        assert_eq!(out.stderr().lines().count(), 1, "{}", out.text());
        assert!(out.stderr().contains(&format!("--snapshot-dir {dir}")), "{}", out.text());
        assert!(out.stdout().is_empty(), "nothing is blamed on the endpoint:\n{}", out.text());
    }
    // Updating needs a folder to write to.
    let out = TestCommand::new().args(["run", "--snapshots", "update"]).env_remove("CI").run();
    out.assert_code(2);
    assert!(out.stderr().contains("--snapshots update needs --snapshot-dir"), "{}", out.text());
}

#[test]
fn an_unwritable_output_path_is_refused_before_the_run() {
    // A path under a regular file can never be written. The endpoint does not even exist: the
    // path is checked first, so nothing runs and nothing is lost.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "").unwrap();
    let bad = file.join("report.json");
    let url = unused_url();
    for flag in [
        vec!["--report".to_owned(), format!("json:{}", bad.display())],
        vec!["--write-baseline".to_owned(), bad.display().to_string()],
    ] {
        let mut args = vec!["run".to_owned(), "--endpoint".to_owned(), url.clone()];
        args.extend(flag);
        let out = ssm_conform(&args);
        out.assert_code(2);
        assert!(out.stderr().contains("cannot write"), "{}", out.text());
        assert!(out.stderr().contains(&bad.display().to_string()), "{}", out.text());
        assert!(!out.stderr().contains("cannot reach"), "checked before the run:\n{}", out.text());
    }
    // A writable path is not left behind as an empty file when the run then fails.
    let good = dir.path().join("out/report.json");
    let out = ssm_conform(&["run", "--endpoint", &url, "--report", &format!("json:{}", good.display())]);
    out.assert_code(2);
    assert!(!good.exists(), "{}", out.text());
}

/// An endpoint that answers like the reference, `delay` late.
fn slow_reference(delay: std::time::Duration) -> TestServer {
    crate::util::reference_behind(ssm_conform::server::Reference::new(None), move |_| tokio::time::sleep(delay))
}

#[test]
fn ctrl_c_stops_sending_and_still_reports_what_ran() {
    let server = slow_reference(std::time::Duration::from_millis(250));
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("report.json");
    let out = TestCommand::new()
        .args(["run", "--endpoint", &server.url, "--concurrency", "2", "--report", &format!("json:{}", json.display())])
        .interrupt_after(std::time::Duration::from_secs(2))
        .run();
    out.assert_code(130);
    let text = out.stdout();
    assert!(text.contains("interrupted: the run was stopped by Ctrl-C"), "{}", out.text());
    assert!(text.lines().any(|l| l.contains(" passed, ") && l.ends_with(" skipped")), "the summary:\n{}", out.text());
    assert!(text.contains("the run was interrupted before this unit ran"), "{}", out.text());
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(doc["interrupted"], true);
}

#[test]
fn sigterm_stops_the_run_as_ctrl_c_does_and_the_reports_say_so() {
    let server = slow_reference(std::time::Duration::from_millis(250));
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("report.json");
    let md = dir.path().join("report.md");
    let out = TestCommand::new()
        .args(["run", "--endpoint", &server.url, "--concurrency", "2"])
        .args(["--report", &format!("json:{}", json.display()), "--report", &format!("markdown:{}", md.display())])
        .terminate_after(std::time::Duration::from_secs(2))
        .run();
    out.assert_code(143);
    assert!(out.stdout().contains("interrupted: the run was stopped by SIGTERM"), "{}", out.text());
    assert!(out.stderr().contains("interrupted by SIGTERM"), "{}", out.text());
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!((&doc["interrupted"], &doc["stopped_by"]), (&serde_json::json!(true), &serde_json::json!("SIGTERM")));
    assert!(std::fs::read_to_string(&md).unwrap().contains("stopped by SIGTERM"));
}

#[test]
fn a_second_ctrl_c_exits_at_once() {
    // Every answer takes 20 s: after the first Ctrl-C the run would wait for what is in flight;
    // the second ends it there and then.
    // Answers and the timeout both far beyond the bound: only the second Ctrl-C can end it there.
    let server = slow_reference(crate::util::HARD_LIMIT * 2);
    let out = TestCommand::new()
        .args(["run", "--endpoint", &server.url, "--timeout", "1000"])
        .interrupt_after(std::time::Duration::from_millis(500))
        .interrupt_after(std::time::Duration::from_millis(1000))
        .run();
    out.assert_code(130);
    let bound = crate::util::liveness_bound(0, std::time::Duration::ZERO);
    assert!(out.elapsed < bound, "{}", out.text());
}

#[test]
fn errors_name_the_port_and_speak_plainly() {
    // A port in use: the line names the address and what to do.
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port().to_string();
    let out = TestCommand::new().args(["serve", "--port", &port]).limit(std::time::Duration::from_secs(20)).run();
    out.assert_code(2);
    assert!(out.stderr().contains(&format!("127.0.0.1:{port}: the port is already in use")), "{}", out.text());
    // An execution id is described in words, not as an escaped regular expression.
    let out = ssm_conform(&["run", "--execution-id", "not-an-id"]);
    out.assert_code(2);
    assert!(out.stderr().contains("groups of 8-4-4-4-12"), "{}", out.text());
    assert!(!out.stderr().contains("\\-"), "{}", out.text());
}

#[test]
fn an_execution_id_the_endpoint_does_not_know_is_the_users_mistake_not_a_finding() {
    let server = crate::util::reference(None);
    let wrong = "00000000-0000-0000-0000-000000000000";
    let out = ssm_conform(&["run", "--endpoint", &server.url, "--execution-id", wrong]);
    out.assert_code(2);
    let stderr = out.stderr();
    assert_eq!(stderr.lines().count(), 1, "one line:\n{}", out.text());
    assert!(stderr.contains(&format!("the endpoint does not know execution {wrong}")), "{stderr}");
    assert!(stderr.contains("check --execution-id") && stderr.contains("5 other execution(s)"), "{stderr}");
    assert!(out.fail_lines().is_empty(), "{}", out.text());
    // With the endpoint's own ids beside it, the wrong one is still named.
    let mut args = vec!["run".to_owned(), "--endpoint".to_owned(), server.url.clone()];
    args.extend(crate::util::fixture_id_args());
    args.extend(["--execution-id".to_owned(), wrong.to_owned()]);
    ssm_conform(&args).assert_code(2);
}

#[test]
fn an_endpoint_that_lists_an_execution_it_then_denies_contradicts_itself_a_finding() {
    // `empty-execution-unknown` answers its execution with no tasks DoesNotExistException, yet
    // lists it: the endpoint's fault, so the run goes on and fails it.
    let server = crate::util::reference(Some(ssm_conform::server::Fault::EmptyExecutionUnknown));
    let mut args = vec!["run".to_owned(), "--endpoint".to_owned(), server.url.clone()];
    args.extend(crate::util::fixture_id_args());
    let out = ssm_conform(&args);
    out.assert_code(1);
    assert!(out.fail_lines().iter().any(|l| l.contains("[pagination-walk]")), "{}", out.text());
}

#[test]
fn a_run_that_knew_no_execution_says_so_last_and_require_data_fails_it() {
    let server = reference(None);
    let out = ssm_conform(&["run", "--endpoint", &server.url, "--no-discover"]);
    out.assert_code(0);
    let last = out.stdout().lines().last().unwrap_or_default().to_owned();
    assert!(last.contains(" units: ") && last.contains(" skipped (no execution known"), "{}", out.text());
    assert!(out.stderr().contains("warning: no execution known"), "{}", out.text());
    let out = ssm_conform(&["run", "--endpoint", &server.url, "--no-discover", "--require-data"]);
    out.assert_code(1);
    let last = out.stdout().lines().last().unwrap_or_default().to_owned();
    assert!(last.ends_with("(no execution known: --require-data fails the run)"), "{}", out.text());
    // With data, --require-data changes nothing.
    let mut args = vec!["run".to_owned(), "--endpoint".to_owned(), server.url.clone(), "--require-data".to_owned()];
    args.extend(crate::util::fixture_id_args());
    let out = ssm_conform(&args);
    out.assert_code(0);
    assert!(out.stdout().lines().last().is_some_and(|l| l.ends_with(" 0 failed, 0 skipped")), "{}", out.text());
}
