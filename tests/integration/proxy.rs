//! `ssm-conform proxy` graded against `run` on the same requests: the harness's own traffic goes
//! through the proxy to the reference (faithful, each variant, each fault), and the proxy's
//! findings are compared with the run's. The faithful reference and every variant give the proxy
//! nothing to report (a false positive here would be the worst defect); every fault the traffic
//! lets the proxy see fails it, and every always-on check that fails in the run fails in the proxy
//! (they judge each exchange alone, and the proxy sees every exchange the run makes). What the proxy cannot see is listed with why.
//! The proxy changes no byte: answers through it equal answers direct.

use std::collections::BTreeSet;
use std::net::{Ipv4Addr, SocketAddr};

use ssm_conform::check::{CheckFamily, CheckId, CheckOptions};
use ssm_conform::contract::Operation;
use ssm_conform::finding::{Outcome, RunReport};
use ssm_conform::proxy::{Proxy, ProxyPlan};
use ssm_conform::request::WireRequest;
use ssm_conform::runner;
use ssm_conform::server::{self, ExecutionsFault, ExecutionsVariant, Fault, Reference, Variant};
use ssm_conform::transport::{Client, ClientConfig, TransportOptions};

/// Faults the proxy cannot see in the harness's traffic, and why: it judges exchanges one by one
/// and each walk alone, never knows which executions exist or which tokens are real beyond what
/// the traffic shows, and passes other operations on unjudged.
const BLIND: &[(Fault, &str)] = &[
    (Fault::EmptyExecutionUnknown, "whether an execution exists is not in the traffic"),
    (Fault::UnknownExecutionEmpty, "whether an execution exists is not in the traffic"),
    (Fault::FilterValuesAnded, "needs the unfiltered listing to compare with"),
    (Fault::TokenCountsPages, "compares walks of different page sizes"),
    (Fault::ForeignTokenRestarts, "a token used for another execution may be accepted (EITHER)"),
    (Fault::UnstableOrder, "compares the order of two walks"),
    (Fault::GarbageTokenAccepted, "a token it did not see issued may be real"),
    (Fault::UnknownOperationServed, "other operations pass through unjudged"),
];

/// How many generated requests each run sends (the proxy judges them like any other).
const GENERATED: u32 = 150;

/// Failing checks of a report, and those among the always-on ones.
fn failing(report: &RunReport) -> BTreeSet<CheckId> {
    let units = report.results.iter().filter(|r| matches!(r.outcome, Outcome::Failed(_) | Outcome::Blocked(_)));
    units.flat_map(|r| r.outcome.findings().iter().map(|f| f.check)).collect()
}

fn always_on_failing(report: &RunReport) -> BTreeSet<CheckId> {
    let always_on: BTreeSet<&str> =
        ["request-id", "content-type", "response-body", "page-size", "item-members", "item-types", "item-timestamps"]
            .into_iter()
            .chain(["item-execution-id", "error-status", "error-type", "error-message", "error-content-type"])
            .collect();
    let units = report.results.iter().filter(|r| r.name == r.check.name() && always_on.contains(r.check.name()));
    units.filter(|r| r.outcome.fails()).map(|r| r.check).collect()
}

/// The harness's run through a proxy to `reference`: (the run's report, the proxy's).
async fn through_proxy(reference: Reference, strict: bool) -> (RunReport, RunReport) {
    let ids: Vec<String> = reference.executions().iter().map(|e| e.window_execution_id.clone()).collect();
    run_through_proxy(reference, strict, ids, Vec::new()).await
}

/// A run of `operations` (empty: the default) with `ids`, through a proxy to `reference`.
async fn run_through_proxy(
    reference: Reference,
    strict: bool,
    ids: Vec<String>,
    operations: Vec<Operation>,
) -> (RunReport, RunReport) {
    let upstream = server::spawn(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), reference).await.unwrap();
    let check = CheckOptions { strict_messages: strict };
    let listen = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
    let plan = ProxyPlan { upstream: upstream.url(), listen, options: TransportOptions::default(), check };
    let proxy = Proxy::start(&plan).await.unwrap();
    let client = Client::new(proxy.url(), ClientConfig::default()).unwrap();
    let mut run_plan = crate::util::suite_plan(ids, check, GENERATED);
    run_plan.operations = operations;
    let run = runner::run(&client, &run_plan).await.unwrap();
    let (proxied, _) = proxy.finish().await;
    upstream.stop().await;
    (run, proxied)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
}

#[test]
fn the_faithful_reference_and_every_variant_give_the_proxy_nothing_to_report() {
    let references: Vec<(String, Reference)> = std::iter::once(("faithful".to_owned(), Reference::new(None)))
        .chain(Variant::ALL.iter().map(|&v| (format!("variant {v}"), Reference::with_variant(v))))
        .collect();
    let problems = crate::util::problems(references, |(name, reference)| async move {
        let (_, proxied) = through_proxy(reference, true).await;
        let walks = proxied.results.iter().find(|r| r.name == "proxied walks").unwrap();
        let judged = proxied.results.iter().filter(|r| r.name.starts_with("proxied exchange")).count();
        match failing(&proxied) {
            f if !f.is_empty() => Some(format!("{name}: the proxy reports {f:?}")),
            _ if !matches!(walks.outcome, Outcome::Passed { .. }) => Some(format!("{name}: walks {:?}", walks.outcome)),
            _ if judged < 500 => Some(format!("{name}: only {judged} exchanges judged")),
            _ => None,
        }
    });
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_fault_the_traffic_shows_fails_the_proxy_as_it_fails_the_run() {
    let problems = crate::util::problems(Fault::ALL.iter().copied(), |fault| async move {
        let (run, proxied) = through_proxy(Reference::new(Some(fault)), fault.strict_only()).await;
        let blind = BLIND.iter().find(|(f, _)| *f == fault);
        // The proxy runs the always-on checks on every exchange the run made, generated ones
        // included (the run judges those under their own units): it sees at least as much.
        let (ran, saw) = (always_on_failing(&run), always_on_failing(&proxied));
        if !ran.is_subset(&saw) {
            return Some(format!("{fault}: always-on checks failing in the run {ran:?}, in the proxy {saw:?}"));
        }
        match (failing(&proxied).is_empty(), blind) {
            (true, None) => Some(format!("{fault}: the proxy saw nothing (the run: {:?})", failing(&run))),
            (false, Some((_, why))) => {
                Some(format!("{fault} is listed as blind ({why}) but the proxy reports {:?}", failing(&proxied)))
            }
            _ => None,
        }
    });
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_proxy_changes_no_byte_of_an_answer() {
    // A server with odd but legal answers: a header the proxy must keep as sent, a body that is
    // not JSON, a status without a body.
    let answers = crate::util::RawServer::start(|mut stream, _| async move {
        use tokio::io::AsyncWriteExt;
        let path = crate::util::read_request(&mut stream).await.map(|r| r.path).unwrap_or_default();
        let reply: &[u8] = match path.as_str() {
            "/0" => b"HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\nX-Odd: a\xffb\r\nx-amzn-RequestId: 1\r\nConnection: close\r\nContent-Length: 17\r\n\r\n{\"a\":  1 , \"b\":2}",
            "/1" => b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\nConnection: close\r\nContent-Length: 9\r\n\r\n<b>no</b>",
            _ => b"HTTP/1.1 204 No Content\r\nX-Empty: \r\nConnection: close\r\n\r\n",
        };
        let _ = stream.write_all(reply).await;
    });
    runtime().block_on(async {
        let listen = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
        let options = TransportOptions::default();
        let plan = ProxyPlan { upstream: answers.url.clone(), listen, options, check: CheckOptions::default() };
        let proxy = Proxy::start(&plan).await.unwrap();
        for path in ["/0", "/1", "/2"] {
            let direct = raw_exchange(&answers.url, path).await;
            let proxied = raw_exchange(proxy.url(), path).await;
            assert_eq!(
                strip_framing(&direct),
                strip_framing(&proxied),
                "direct:\n{direct:?}\nthrough the proxy:\n{proxied:?}"
            );
        }
        let (report, judged) = proxy.finish().await;
        assert_eq!(judged, 3);
        assert!(
            report.notes[0].contains(
                "proxied 3 DescribeMaintenanceWindowExecutionTasks and 0 DescribeMaintenanceWindowExecutions exchanges"
            ),
            "{:?}",
            report.notes
        );
    });
}

/// One request, the answer's bytes as they came.
async fn raw_exchange(url: &str, path: &str) -> Vec<u8> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = url.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let req = WireRequest::json(&serde_json::json!({"WindowExecutionId": "0123abcd-4567-89ef-abcd-0123456789ab"}));
    let mut head =
        format!("POST {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n", req.body.len());
    for (k, v) in &req.headers {
        head.extend([k.as_str(), ": ", v.as_str(), "\r\n"]);
    }
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(b"\r\n").await.unwrap();
    stream.write_all(&req.body).await.unwrap();
    let mut out = Vec::new();
    let _ = tokio::time::timeout(std::time::Duration::from_secs(10), stream.read_to_end(&mut out)).await;
    out
}

/// The answer without what frames it on one connection (`Connection`, `Content-Length`), which a
/// proxy writes for its own: the status line, every other header (its name in lower case: HTTP
/// names are case-insensitive, and hyper writes them so) and the body, in order.
fn strip_framing(answer: &[u8]) -> Vec<u8> {
    let split = answer.windows(4).position(|w| w == b"\r\n\r\n").map_or(answer.len(), |i| i + 4);
    let (head, body) = answer.split_at(split);
    let mut out: Vec<u8> = head
        .split(|b| *b == b'\n')
        .filter(|line| {
            let lower = line.to_ascii_lowercase();
            !lower.starts_with(b"connection:") && !lower.starts_with(b"content-length:")
        })
        .flat_map(|line| {
            let colon = line.iter().position(|b| *b == b':').unwrap_or(0);
            let (name, value) = line.split_at(colon);
            name.to_ascii_lowercase().into_iter().chain(value.iter().copied()).chain([b'\n'])
        })
        .collect();
    out.extend_from_slice(body);
    out
}

/// `ssm-conform proxy -- ssm-conform run ...`: the wrapped run finds the proxy through
/// AWS_ENDPOINT_URL_SSM, and the session ends with it.
fn proxy_around_a_run(upstream: &str, extra: &[&str]) -> crate::util::TestOutput {
    let mut args: Vec<String> = ["proxy", "--upstream", upstream, "--color", "never"].map(str::to_owned).to_vec();
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    args.extend(
        ["--", env!("CARGO_BIN_EXE_ssm-conform"), "run", "--property-cases", "50", "--seed", "1"].map(str::to_owned),
    );
    args.extend(crate::util::fixture_id_args());
    crate::util::TestCommand::new().env_remove("AWS_ENDPOINT_URL").args(&args).run()
}

#[test]
fn a_wrapped_command_is_graded_and_the_session_ends_with_it() {
    let faithful = crate::util::reference(None);
    let out = proxy_around_a_run(&faithful.url, &[]);
    out.assert_code(0);
    let text = out.stdout();
    assert!(text.contains("note: the session ended with the command (exit status 0)"), "{}", out.text());
    assert!(text.contains(" 0 failed, "), "{}", out.text());

    let faulty = crate::util::reference(Some(Fault::PaginationDropsItem));
    let out = proxy_around_a_run(&faulty.url, &[]);
    out.assert_code(1);
    // The proxy's own report comes last, after the wrapped run's.
    let ours = out.stdout().rsplit("note: the session ended").next().unwrap_or_default().to_owned();
    assert!(ours.contains("FAIL proxied walks [pagination-walk]"), "{}", out.text());
    assert!(out.stdout().contains("which exited 1 (its own verdict"), "{}", out.text());
}

#[test]
fn what_the_proxy_cannot_use_is_one_line_and_exit_2() {
    let cases: [(&[&str], &str); 4] = [
        (
            &["proxy", "--upstream", "localhost:9"],
            "--upstream: endpoint \"localhost:9\" is not an http:// or https:// URL",
        ),
        (&["proxy", "--upstream", "http://127.0.0.1:9", "--until-idle", "0"], "--until-idle 0 is outside"),
        (
            &["proxy", "--upstream", "http://127.0.0.1:9", "--", "/nonexistent/command"],
            "cannot run the command \"/nonexistent/command\"",
        ),
        (
            &["proxy", "--upstream", "http://127.0.0.1:9", "--until-idle", "0.3"],
            "no DescribeMaintenanceWindowExecutionTasks or DescribeMaintenanceWindowExecutions exchange came through the proxy",
        ),
    ];
    for (args, message) in cases {
        let out = crate::util::TestCommand::new().args(args).run();
        out.assert_code(2);
        let errors: Vec<String> =
            out.stderr().lines().filter(|l| l.starts_with("ssm-conform: error:")).map(str::to_owned).collect();
        assert!(errors.len() == 1 && errors[0].contains(message), "{args:?}:\n{}", out.text());
    }
    // A port already in use.
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().to_string();
    let out =
        crate::util::TestCommand::new().args(["proxy", "--upstream", "http://127.0.0.1:9", "--listen", &port]).run();
    out.assert_code(2);
    assert!(out.stderr().contains(&format!("cannot listen on {port}")), "{}", out.text());
}

#[test]
fn ctrl_c_ends_the_session_and_the_reports_are_written() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("proxy.json");
    let report = format!("json:{}", json.display());
    let out = crate::util::TestCommand::new()
        .args(["proxy", "--upstream", "http://127.0.0.1:9", "--report", report.as_str()])
        .interrupt_after(std::time::Duration::from_secs(1))
        .run();
    // Nothing came through: the reports are written, and the gate says it could not judge.
    out.assert_code(2);
    assert!(out.stdout().contains("note: the session ended on Ctrl-C"), "{}", out.text());
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert!(doc["results"].as_array().is_some_and(|r| !r.is_empty()), "{doc}");
}

/// The second operation's faults the proxy cannot see, and why: its walks and filters are judged
/// only by a run, which has the unfiltered listing beside them.
const BLIND_SECOND: &[(ExecutionsFault, &str)] = &[
    (ExecutionsFault::PaginationDropsItem, "compares walks of different page sizes"),
    (ExecutionsFault::FilterInverted, "needs the unfiltered listing to compare with"),
];

/// A run of the second operation through a proxy to `reference`: (the run's report, the proxy's).
async fn second_through_proxy(reference: Reference, strict: bool) -> (RunReport, RunReport) {
    run_through_proxy(reference, strict, Vec::new(), vec![Operation::Executions]).await
}

/// The second operation's exchanges go through its checks in the proxy too: the faithful
/// reference and every variant (its own and the shared ones) give it nothing to report.
#[test]
fn the_second_operations_traffic_is_judged_without_a_false_finding() {
    let references: Vec<(String, Reference)> = std::iter::once(("faithful".to_owned(), Reference::new(None)))
        .chain(ExecutionsVariant::ALL.iter().map(|&v| (format!("variant {v}"), Reference::with_executions_variant(v))))
        .chain(Variant::ALL.iter().map(|&v| (format!("variant {v}"), Reference::with_variant(v))))
        .collect();
    let problems = crate::util::problems(references, |(name, reference)| async move {
        let (_, proxied) = second_through_proxy(reference, true).await;
        let prefix = "DescribeMaintenanceWindowExecutions: proxied exchange";
        let judged = proxied.results.iter().filter(|r| r.name.starts_with(prefix)).count();
        match failing(&proxied) {
            f if !f.is_empty() => {
                let first = proxied.results.iter().find(|r| r.outcome.fails()).map(|r| r.outcome.findings().to_vec());
                Some(format!("{name}: the proxy reports {f:?}: {first:?}"))
            }
            _ if judged < 100 => Some(format!("{name}: only {judged} exchanges judged")),
            _ => None,
        }
    });
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every fault of the second operation the traffic shows fails the proxy, under the second
/// operation's checks alone (without the run's knowledge of which window exists, a 5xx for an
/// unknown one is `executions-validation`'s: no answer may be a 5xx); the ones listed blind stay
/// unseen (a list that says so must be true).
#[test]
fn every_fault_of_the_second_operation_the_traffic_shows_fails_the_proxy() {
    let problems = crate::util::problems(ExecutionsFault::ALL.iter().copied(), |fault| async move {
        let (_, proxied) = second_through_proxy(Reference::with_executions_fault(fault), fault.strict_only()).await;
        let failing = failing(&proxied);
        let foreign: Vec<&CheckId> = failing.iter().filter(|c| c.family() != CheckFamily::Executions).collect();
        match BLIND_SECOND.iter().find(|(f, _)| *f == fault) {
            _ if !foreign.is_empty() => {
                Some(format!("{fault}: the proxy reports {foreign:?}, not checks of the operation"))
            }
            None if failing.is_empty() => Some(format!("{fault}: the proxy saw nothing")),
            Some((_, why)) if !failing.is_empty() => {
                Some(format!("{fault} is listed as blind ({why}) but the proxy reports {failing:?}"))
            }
            _ => None,
        }
    });
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
