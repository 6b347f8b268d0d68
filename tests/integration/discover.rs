//! Discovery of execution ids (`run --discover`, the default against an endpoint given none):
//! through the read-only listings the reference answers for its fixtures, it finds the same ids a
//! user would give, and the run reports exactly what it reports with them given; where the
//! listings are not implemented, it says so and the data-dependent checks are skipped.

use ssm_conform::server::Fault;

use crate::util::{fixture_id_args, reference, ssm_conform, TestOutput};

/// The terminal report without the lines that differ by construction: the header's notes and
/// the timing line.
fn verdicts(out: &TestOutput) -> Vec<String> {
    out.stdout().lines().filter(|l| !l.starts_with("note:") && !l.starts_with("seed ")).map(str::to_owned).collect()
}

#[test]
fn discovery_finds_the_fixtures_and_the_run_reads_as_with_them_given() {
    // Also where the endpoint contradicts itself: it lists an execution and then denies it (the
    // empty one), or answers every execution with a 200 that is no listing — kept for the run
    // to judge, as given ids are, never dropped in silence.
    let faults = [
        None,
        Some(Fault::PaginationDropsItem),
        Some(Fault::FilterIgnored),
        Some(Fault::EmptyExecutionUnknown),
        Some(Fault::ItemsNotAList),
    ];
    for fault in faults {
        let server = reference(fault);
        let common = ["run", "--endpoint", server.url.as_str(), "--no-sign", "--seed", "5", "--property-cases", "50"];
        let discovered = ssm_conform(&common);
        let text = discovered.stdout();
        for id in fixture_id_args().iter().filter(|a| !a.starts_with("--")) {
            assert!(text.contains(id.as_str()), "{fault:?}: {id} not discovered:\n{}", discovered.text());
        }
        assert!(text.contains("note: discovered 5 execution(s)"), "{fault:?}:\n{text}");
        let mut given_args: Vec<String> = common.iter().map(|s| (*s).to_owned()).collect();
        given_args.extend(fixture_id_args());
        let given = ssm_conform(&given_args);
        assert_eq!(discovered.status.code(), given.status.code(), "{fault:?}");
        assert_eq!(verdicts(&discovered), verdicts(&given), "{fault:?}: discovery changed the findings");
    }
}

#[test]
fn an_endpoint_without_the_listings_says_so_and_skips_the_data_checks() {
    // The reference serving every target as this operation: the listings get this operation's
    // answer (a validation error), which is no listing.
    let server = reference(Some(Fault::UnknownOperationServed));
    let out = ssm_conform(&["run", "--endpoint", server.url.as_str(), "--no-sign", "--property-cases", "0"]);
    let text = out.stdout();
    assert!(
        text.contains("note: discovery found no execution ids (DescribeMaintenanceWindows answered 400"),
        "{}",
        out.text()
    );
    assert!(text.contains("give --execution-id"), "{text}");
    assert!(!text.contains("walked "), "no execution, no walk:\n{text}");
}

#[test]
fn discovery_is_never_run_against_given_ids_or_when_turned_off() {
    let server = reference(None);
    let given = ssm_conform(&["run", "--endpoint", &server.url, "--no-sign", "--property-cases", "0", "--no-discover"]);
    assert!(!given.stdout().contains("discover"), "{}", given.text());
    let both = ssm_conform(&[
        "run",
        "--endpoint",
        &server.url,
        "--discover",
        "--execution-id",
        "0123abcd-0000-4000-8000-000000000001",
    ]);
    both.assert_code(2);
    assert!(both.stderr().contains("cannot be used with"), "{}", both.text());
}

#[test]
fn listed_executions_this_operation_cannot_list_are_said_and_skipped() {
    // The listings name an execution, but this operation answers DoesNotExist for every id.
    let server =
        crate::util::TestServer::router(axum::Router::new().fallback(|headers: axum::http::HeaderMap| async move {
            let target = headers.get("x-amz-target").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
            let body = match target.as_str() {
                "AmazonSSM.DescribeMaintenanceWindows" => {
                    r#"{"WindowIdentities":[{"WindowId":"mw-0123456789abcdef0"}]}"#
                }
                "AmazonSSM.DescribeMaintenanceWindowExecutions" => {
                    r#"{"WindowExecutions":[{"WindowExecutionId":"0123abcd-0000-4000-8000-000000000001"}]}"#
                }
                _ => r#"{"__type":"DoesNotExistException","Message":"no such execution"}"#,
            };
            let status = if target.ends_with("Tasks") { 400 } else { 200 };
            crate::util::answer(status, body)
        }));
    let out = ssm_conform(&["run", "--endpoint", server.url.as_str(), "--no-sign", "--property-cases", "0"]);
    let text = out.stdout();
    assert!(
        text.contains("lists 1 execution(s), and none answers DescribeMaintenanceWindowExecutionTasks with a listing"),
        "{}",
        out.text()
    );
    assert!(!text.contains("walked "), "{text}");
}
