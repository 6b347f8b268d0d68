//! The command line as a user meets it: exit statuses, one-line errors, the serve subcommand.

use ssm_conform::server::Fault;

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
    let server = RawServer::start(|stream, _| async move {
        tokio::time::sleep(std::time::Duration::from_secs(30)).await;
        drop(stream);
    });
    let url = server.url.clone();
    let started = std::time::Instant::now();
    let out = ssm_conform(&["run", "--endpoint", &url, "--timeout", "1"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("no answer within the timeout"), "{}", stderr(&out));
    assert!(started.elapsed().as_secs() < 20);
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
    assert_eq!(text.lines().count(), Fault::ALL.len());
    for f in Fault::ALL {
        assert!(text.contains(f.name()) && text.contains(f.description()), "{f}");
    }
    let out = ssm_conform(&["serve", "--list-fixtures"]);
    let text = stdout(&out);
    for n in [" 0 tasks", " 1 tasks", " 10 tasks", " 11 tasks"] {
        assert!(text.contains(n), "{text}");
    }
}

#[test]
fn serve_prints_its_url_and_answers() {
    let serving = TestCommand::new().args(["serve", "--port", "0"]).serve();
    let url = serving.url.clone();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let out = ssm_conform(&["run", "--endpoint", &url]);
    drop(serving);
    // Without --execution-id the data checks are skipped, and everything else passes.
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("needs an execution known to hold tasks"), "{}", stdout(&out));
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
    let run = |sign: bool, with_creds: bool| {
        let mut cmd = TestCommand::new();
        cmd.args(["run", "--endpoint", &url, "--region", "eu-west-1"]);
        if sign {
            cmd.args(["--sign"]);
        }
        cmd.env_remove("AWS_ACCESS_KEY_ID").env_remove("AWS_SECRET_ACCESS_KEY").env_remove("AWS_SESSION_TOKEN");
        if with_creds {
            cmd.env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE").env("AWS_SECRET_ACCESS_KEY", secret);
        }
        cmd.run()
    };
    let out = run(true, false);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("signing needs AWS_ACCESS_KEY_ID"), "{}", stderr(&out));

    let out = run(true, true);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(!all.contains(secret) && !all.contains("AWS4-HMAC"), "{all}");
    let auth = seen.lock().unwrap().last().cloned().unwrap();
    assert!(auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"), "{auth}");
    assert!(auth.contains("/eu-west-1/ssm/aws4_request"), "{auth}");

    run(false, true);
    assert_eq!(seen.lock().unwrap().last().map(String::as_str), Some(""), "unsigned unless asked");
}
