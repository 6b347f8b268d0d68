//! Endpoints that misbehave at the HTTP level. Each test starts a hand-rolled server on
//! 127.0.0.1:0 that writes raw bytes (so it controls every byte, reset and delay), runs the binary
//! against it and asserts the verdict: exit 2 with one line naming the URL when even the probe gets
//! no answer, exit 1 with a finding saying what happened when a later request does; never a panic,
//! a hang or an unbounded read. Each run is timed against a generous bound.
//!
//! The servers answer well-behaved requests with the reference handler itself, so a run can get
//! past the probe and the control cases pass. Most runs use a three-case file: one case the server
//! misbehaves on (`MaxResults` 50) and two controls it answers properly, with the generated
//! requests off (`--property-cases 0`) so each run is deterministic. The full-suite runs (resets
//! after the probe; HTTP/1.0) keep the property phase on; an ignored test shows that phase is not
//! yet bounded against an endpoint whose requests all time out.
//!
//! Every run is killed at a one-minute hard limit, so a hang fails the test instead of stalling
//! `cargo test`; each run prints its exit status, time and peak RSS (`--nocapture`).

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use ssm_conform::request::WireRequest;
use ssm_conform::response::WireResponse;
use ssm_conform::server::Reference;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use crate::util::{
    fixture_id_args, liveness_bound, read_request, unused_url, RawServer, TestCommand, TestOutput, HARD_LIMIT,
    LOADED_MACHINE_MARGIN,
};

/// What the server does to a request it misbehaves on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Misbehaviour {
    /// Reads the request, then resets the connection (RST, via SO_LINGER 0).
    Reset,
    /// Resets every other connection and answers the rest properly.
    ResetEveryOther,
    /// Reads the request and never answers.
    Silent,
    /// A chunked body that never ends: a small chunk every 20 ms.
    EndlessBody,
    /// A response head that never ends: header lines until the client gives up.
    EndlessHead,
    /// A body of [`HUGE`] bytes, streamed in 64 KiB chunks with this framing.
    Huge(Framing),
    /// A JSON-ish error whose body and `X-Amzn-ErrorType` hold bytes that are not UTF-8.
    InvalidUtf8,
    /// A JSON error body with a member nested [`DEPTH`] arrays deep.
    DeepJson,
    /// A 3xx whose `Location` is the endpoint itself (301, 302, 307 and 308 in turn).
    RedirectToItself,
    /// The proper answer, one byte every 200 ms.
    Trickle,
    /// The proper answer as HTTP/1.0 with no Content-Length: the close ends the body.
    Http10,
}

/// How a huge body is framed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Framing {
    /// `Content-Length` declares all of it.
    Length,
    /// `Transfer-Encoding: chunked`.
    Chunked,
    /// HTTP/1.0, no length: delimited by the close.
    Close,
}

/// Which requests get the misbehaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trigger {
    /// Every request, the probe's too.
    All,
    /// Every request after the first (the harness sends its probe first, alone).
    AfterProbe,
    /// Requests with `MaxResults` 50 (the case file's `robust-trigger`).
    Marked,
}

/// Several hundred MB: far above the transport's 16 MiB cap.
const HUGE: u64 = 512 << 20;
/// How deep the nested JSON goes.
const DEPTH: usize = 100_000;
/// The transport's default body cap, as the message names it.
const CAP_TEXT: &str = "larger than the limit of 16 MiB (16777216 bytes)";

/// A misbehaving endpoint; dropping it stops it.
struct Endpoint {
    url: String,
    /// Requests read (one per connection: every answer closes).
    requests: Arc<AtomicUsize>,
    /// Body bytes of huge answers written to sockets.
    huge_bytes_sent: Arc<AtomicU64>,
    _server: RawServer,
}

struct Ctx {
    misbehaviour: Misbehaviour,
    trigger: Trigger,
    reference: Reference,
    requests: Arc<AtomicUsize>,
    huge_bytes_sent: Arc<AtomicU64>,
}

impl Endpoint {
    fn start(misbehaviour: Misbehaviour, trigger: Trigger) -> Endpoint {
        let requests = Arc::new(AtomicUsize::new(0));
        let huge_bytes_sent = Arc::new(AtomicU64::new(0));
        let ctx = Arc::new(Ctx {
            misbehaviour,
            trigger,
            reference: Reference::new(None),
            requests: requests.clone(),
            huge_bytes_sent: huge_bytes_sent.clone(),
        });
        let server = RawServer::start(move |stream, url| handle(stream, ctx.clone(), url));
        Endpoint { url: server.url.clone(), requests, huge_bytes_sent, _server: server }
    }
}

fn reason(status: u16) -> &'static str {
    axum::http::StatusCode::from_u16(status).ok().and_then(|c| c.canonical_reason()).unwrap_or("Unknown")
}

/// `resp` on the wire: `version` status line, its headers, and either a Content-Length or (for
/// HTTP/1.0) nothing, the close delimiting the body.
fn wire(resp: &WireResponse, version: &str) -> Vec<u8> {
    let mut head = vec![format!("{version} {} {}", resp.status, reason(resp.status))];
    head.extend(resp.headers.iter().map(|(k, v)| format!("{k}: {v}")));
    if version == "HTTP/1.1" {
        head.push(format!("Content-Length: {}", resp.body.len()));
        head.push("Connection: close".to_owned());
    }
    let mut bytes = (head.join("\r\n") + "\r\n\r\n").into_bytes();
    bytes.extend_from_slice(&resp.body);
    bytes
}

/// The head of a JSON error answer, before the framing headers.
const ERROR_HEAD: &str = "HTTP/1.1 400 Bad Request\r\nContent-Type: application/x-amz-json-1.1\r\n\
                          x-amzn-RequestId: 8f1d2c3b-0000-4000-8000-000000000001\r\n";

fn marked(req: &WireRequest) -> bool {
    serde_json::from_slice::<Value>(&req.body).ok().and_then(|v| v.get("MaxResults").and_then(Value::as_i64))
        == Some(50)
}

async fn handle(mut s: TcpStream, ctx: Arc<Ctx>, url: String) {
    let Ok(Some(req)) = tokio::time::timeout(Duration::from_secs(5), read_request(&mut s)).await else { return };
    let n = ctx.requests.fetch_add(1, Ordering::SeqCst);
    let good = ctx.reference.handle(&req);
    let triggered = match ctx.trigger {
        Trigger::All => true,
        Trigger::AfterProbe => n > 0,
        Trigger::Marked => marked(&req),
    };
    if !triggered {
        let _ = s.write_all(&wire(&good, "HTTP/1.1")).await;
        let _ = s.shutdown().await;
        return;
    }
    match ctx.misbehaviour {
        Misbehaviour::Reset => return reset(s),
        Misbehaviour::ResetEveryOther if n % 2 == 1 => return reset(s),
        Misbehaviour::ResetEveryOther => {
            let _ = s.write_all(&wire(&good, "HTTP/1.1")).await;
        }
        Misbehaviour::Silent => tokio::time::sleep(Duration::from_secs(60)).await,
        Misbehaviour::EndlessBody => {
            let head = format!("{ERROR_HEAD}Transfer-Encoding: chunked\r\n\r\n");
            let first = r#"{"__type":"DoesNotExistException","Message":""#;
            let mut out = head.into_bytes();
            out.extend_from_slice(format!("{:x}\r\n{first}\r\n", first.len()).as_bytes());
            if s.write_all(&out).await.is_err() {
                return;
            }
            while s.write_all(b"10\r\nstill coming... \r\n").await.is_ok() {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
        Misbehaviour::EndlessHead => {
            if s.write_all(ERROR_HEAD.as_bytes()).await.is_err() {
                return;
            }
            let line = format!("X-Padding: {}\r\n", "p".repeat(1000));
            while s.write_all(line.as_bytes()).await.is_ok() {}
        }
        Misbehaviour::Huge(framing) => huge(&mut s, framing, &ctx.huge_bytes_sent).await,
        Misbehaviour::InvalidUtf8 => {
            // A lone 0xFF, a reversed BOM and a truncated two-byte sequence in a JSON string, and
            // a request id header that is not UTF-8 either.
            let body: &[u8] = b"{\"__type\":\"DoesNotExistException\",\
                                \"Message\":\"Maintenance window execution \xff\xfe\xc3( does not exist\"}";
            let mut bytes = b"HTTP/1.1 400 Bad Request\r\nContent-Type: application/x-amz-json-1.1\r\n\
                              x-amzn-RequestId: 8f1d2c3b-\xff\xfe-4000\r\n"
                .to_vec();
            bytes.extend_from_slice(format!("Content-Length: {}\r\nConnection: close\r\n\r\n", body.len()).as_bytes());
            bytes.extend_from_slice(body);
            let _ = s.write_all(&bytes).await;
        }
        Misbehaviour::DeepJson => {
            let body = deep_json();
            let head = format!("{ERROR_HEAD}Content-Length: {}\r\nConnection: close\r\n\r\n", body.len());
            let _ = s.write_all(head.as_bytes()).await;
            let _ = s.write_all(&body).await;
        }
        Misbehaviour::RedirectToItself => {
            let (code, why) =
                [(301, "Moved Permanently"), (302, "Found"), (307, "Temporary Redirect"), (308, "Permanent Redirect")]
                    [n % 4];
            let head = format!(
                "HTTP/1.1 {code} {why}\r\nLocation: {}/\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                url
            );
            let _ = s.write_all(head.as_bytes()).await;
        }
        Misbehaviour::Trickle => {
            for byte in wire(&good, "HTTP/1.1") {
                if s.write_all(&[byte]).await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
        Misbehaviour::Http10 => {
            let _ = s.write_all(&wire(&good, "HTTP/1.0")).await;
        }
    }
    let _ = s.shutdown().await;
}

/// An error body with a member nested [`DEPTH`] arrays deep.
fn deep_json() -> Vec<u8> {
    let mut body = br#"{"__type":"DoesNotExistException","Message":"deep","Nested":"#.to_vec();
    body.extend(std::iter::repeat_n(b'[', DEPTH));
    body.extend(std::iter::repeat_n(b']', DEPTH));
    body.push(b'}');
    body
}

/// Closes with SO_LINGER 0: the peer gets a reset, not an orderly close.
fn reset(s: TcpStream) {
    let _ = s.set_zero_linger();
    drop(s);
}

/// Streams a [`HUGE`] JSON-ish body in 64 KiB chunks until it is all sent or the client goes.
async fn huge(s: &mut TcpStream, framing: Framing, sent: &AtomicU64) {
    let head = match framing {
        Framing::Length => format!("{ERROR_HEAD}Content-Length: {HUGE}\r\n\r\n"),
        Framing::Chunked => format!("{ERROR_HEAD}Transfer-Encoding: chunked\r\n\r\n"),
        Framing::Close => format!("{}\r\n", ERROR_HEAD.replacen("HTTP/1.1", "HTTP/1.0", 1)),
    };
    if s.write_all(head.as_bytes()).await.is_err() {
        return;
    }
    let piece: Vec<u8> = std::iter::once(b'[').chain(std::iter::repeat_n(b' ', (64 << 10) - 1)).collect();
    let framed = match framing {
        Framing::Chunked => {
            let mut c = format!("{:x}\r\n", piece.len()).into_bytes();
            c.extend_from_slice(&piece);
            c.extend_from_slice(b"\r\n");
            c
        }
        _ => piece.clone(),
    };
    let mut total = 0u64;
    while total < HUGE {
        if s.write_all(&framed).await.is_err() {
            return;
        }
        total += piece.len() as u64;
        sent.fetch_add(piece.len() as u64, Ordering::Relaxed);
    }
    if framing == Framing::Chunked {
        let _ = s.write_all(b"0\r\n\r\n").await;
    }
}

/// The three-case file: `robust-trigger` (the server misbehaves on it) and two controls.
const CASES: &str = r#"
check = "unknown-execution"

[[case]]
name = "robust-trigger"
description = "MaxResults 50: the request the test endpoint misbehaves on"
json = '{"WindowExecutionId": "{{random_id}}", "MaxResults": 50}'
[case.expect]
status = 400
error = "DoesNotExistException"

[[case]]
name = "robust-control-unknown"
description = "answered properly"
json = '{"WindowExecutionId": "{{random_id}}", "MaxResults": 20}'
[case.expect]
status = 400
error = "DoesNotExistException"

[[case]]
name = "robust-control-max-results"
check = "max-results-min"
description = "answered properly"
json = '{"WindowExecutionId": "{{random_id}}", "MaxResults": 9}'
[case.expect]
status = 400
error = "ValidationException"
violations = [ { path = "maxResults", constraint = "value-min" } ]
"#;

/// Writes [`CASES`] to a temporary folder (kept alive by the returned guard).
fn case_file() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("robust.toml");
    std::fs::write(&path, CASES).unwrap();
    let path = path.to_str().unwrap().to_owned();
    (dir, path)
}

/// The verdicts every robustness run is held to.
trait Verdicts {
    fn fail_line(&self, unit: &str) -> String;
    fn assert_verdict(&self, label: &str, code: i32, bound: Duration);
    fn assert_controls_pass(&self);
    fn assert_one_line_error(&self, url: &str, what: &str);
}

impl Verdicts for TestOutput {
    /// The line reporting `unit`'s finding: `FAIL unit`, or `BLOCKED unit` when the misbehaviour
    /// broke another check's rule first (an unreadable error has no type to compare).
    fn fail_line(&self, unit: &str) -> String {
        let (fail, blocked) = (format!("FAIL {unit} "), format!("BLOCKED {unit} "));
        let line = self.stdout().lines().find(|l| l.starts_with(&fail) || l.starts_with(&blocked)).map(str::to_owned);
        let line = line.unwrap_or_else(|| {
            panic!("no FAIL line for {unit}:\n{}", self.text());
        });
        eprintln!("  {line}");
        line
    }

    /// The verdict every run must meet: `code`, no panic, not killed (a stack overflow aborts
    /// with a signal, which has no code), done within `bound`.
    fn assert_verdict(&self, label: &str, code: i32, bound: Duration) {
        eprintln!(
            "robustness {label}: exit {:?} in {:.2?}{}",
            self.status.code(),
            self.elapsed,
            self.peak_rss_kib.map_or(String::new(), |k| format!(", peak RSS {} MiB", k / 1024))
        );
        assert!(!self.killed, "{label}: still running after {:.2?}, killed\n{}", self.elapsed, self.text());
        assert!(!self.stderr().contains("panicked"), "{label}: a panic\n{}", self.text());
        assert_eq!(self.status.code(), Some(code), "{label}\n{}", self.text());
        assert!(self.elapsed < bound, "{label}: took {:.2?}, bound {bound:?}\n{}", self.elapsed, self.text());
    }

    /// With the case file: the two controls were judged normally and passed (needs `-v`).
    fn assert_controls_pass(&self) {
        for unit in ["robust-control-unknown", "robust-control-max-results"] {
            assert!(self.stdout().contains(&format!("PASS {unit} [")), "{unit} did not pass:\n{}", self.text());
        }
        assert!(self.stdout().lines().any(|l| l.contains(" passed, ") && l.contains(" failed")), "{}", self.text());
    }

    /// A harness error: exactly one line on stderr, naming the URL and `what`.
    fn assert_one_line_error(&self, url: &str, what: &str) {
        let err = self.stderr();
        let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(lines.len(), 1, "one line on stderr:\n{}", self.text());
        assert!(lines[0].starts_with("ssm-conform: error: cannot reach the endpoint: "), "{}", self.text());
        assert!(lines[0].contains(url), "the line names the URL:\n{}", self.text());
        assert!(lines[0].contains(what), "the line says {what:?}:\n{}", self.text());
    }
}

/// Runs the binary, killed at `hard_limit` so a regression that hangs fails the test.
fn run_within(args: &[&str], hard_limit: Duration) -> TestOutput {
    TestCommand::new().args(args).limit(hard_limit).run()
}

/// [`run_within`] with the tests' hard limit (every bound asserted is below it).
fn run(args: &[&str]) -> TestOutput {
    run_within(args, HARD_LIMIT)
}

/// The `--timeout` of the runs whose slow requests must end at the timeout.
const TIMEOUT: Duration = Duration::from_secs(1);
/// The bound for runs whose slow requests end at `--timeout 1`: a few timeouts at most.
fn timed_bound() -> Duration {
    liveness_bound(5, TIMEOUT)
}
/// The bound for runs that should never wait on a timeout.
fn quick_bound() -> Duration {
    liveness_bound(0, TIMEOUT)
}

// ---- the probe gets no answer: exit 2, one line naming the URL ------------------------------

#[test]
fn connection_refused_is_a_harness_error_naming_the_url() {
    let url = unused_url();
    let r = run(&["run", "--endpoint", &url]);
    r.assert_verdict("connection refused", 2, quick_bound());
    r.assert_one_line_error(&url, "cannot connect");
    assert!(r.stdout().is_empty(), "{}", r.text());
}

#[test]
fn a_reset_of_the_probe_is_a_harness_error_naming_the_url() {
    let ep = Endpoint::start(Misbehaviour::Reset, Trigger::All);
    let r = run(&["run", "--endpoint", &ep.url]);
    r.assert_verdict("probe reset", 2, quick_bound());
    r.assert_one_line_error(&ep.url, "reset");
    // A connection broken before the answer's head is retried as the SDKs' standard mode does
    // (3 attempts); nothing is sent after the probe's last attempt.
    assert_eq!(ep.requests.load(Ordering::SeqCst), 3, "the probe's 3 attempts, nothing after:\n{}", r.text());
}

#[test]
fn a_probe_never_answered_is_a_harness_error_at_the_timeout() {
    let ep = Endpoint::start(Misbehaviour::Silent, Trigger::All);
    let r = run(&["run", "--endpoint", &ep.url, "--timeout", "1"]);
    r.assert_verdict("probe never answered", 2, timed_bound());
    r.assert_one_line_error(&ep.url, "no answer within the timeout");
    assert!(r.elapsed >= Duration::from_millis(900), "it waited for the timeout: {:.2?}", r.elapsed);
}

// ---- the probe is answered, later requests misbehave: findings (exit 1), the run goes on ------

#[test]
fn resets_after_the_probe_are_findings_and_the_whole_suite_still_runs() {
    // The project's full case set, every other connection after the probe reset.
    let ep = Endpoint::start(Misbehaviour::ResetEveryOther, Trigger::AfterProbe);
    let r = run(&["run", "--endpoint", &ep.url, "--timeout", "2", "--property-cases", "200"]);
    r.assert_verdict("resets after the probe (full suite)", 1, quick_bound());
    let resets: Vec<String> = r.fail_lines().into_iter().filter(|l| l.contains("reset")).collect();
    assert!(!resets.is_empty(), "a FAIL line says the connection was reset:\n{}", r.text());
    assert!(resets[0].contains("before a complete response head arrived"), "{}", r.text());
    let summary = r.stdout().lines().find(|l| l.ends_with(" skipped")).map(str::to_owned).expect("summary line");
    let passed: usize = summary.split(' ').next().unwrap().parse().unwrap();
    assert!(passed > 10, "the properly answered half was judged normally: {summary}");
    assert!(ep.requests.load(Ordering::SeqCst) > 100, "every case was sent:\n{}", r.text());
}

#[test]
fn an_endless_body_is_a_timeout_finding() {
    let (_dir, cases) = case_file();
    let ep = Endpoint::start(Misbehaviour::EndlessBody, Trigger::Marked);
    let r = run(&["run", "--endpoint", &ep.url, "--cases", &cases, "--property-cases", "0", "--timeout", "1", "-v"]);
    r.assert_verdict("endless chunked body", 1, timed_bound());
    let line = r.fail_line("robust-trigger");
    assert!(line.contains(&format!("{}: no answer within the timeout", ep.url)), "{}", r.text());
    r.assert_controls_pass();
}

#[test]
fn an_endless_response_head_is_a_finding() {
    let (_dir, cases) = case_file();
    let ep = Endpoint::start(Misbehaviour::EndlessHead, Trigger::Marked);
    let r = run(&["run", "--endpoint", &ep.url, "--cases", &cases, "--property-cases", "0", "--timeout", "5", "-v"]);
    r.assert_verdict("endless response head", 1, quick_bound());
    let line = r.fail_line("robust-trigger");
    assert!(line.contains("before a complete response head arrived"), "{}", r.text());
    assert!(r.elapsed < Duration::from_secs(4), "the head's size limit ends it, not the timeout: {:.2?}", r.elapsed);
    r.assert_controls_pass();
}

#[test]
fn a_body_of_hundreds_of_mb_hits_the_cap_not_the_memory() {
    let (_dir, cases) = case_file();
    for framing in [Framing::Length, Framing::Chunked, Framing::Close] {
        let ep = Endpoint::start(Misbehaviour::Huge(framing), Trigger::Marked);
        let r = run(&["run", "--endpoint", &ep.url, "--cases", &cases, "--property-cases", "0", "-v"]);
        let label = format!("512 MiB body, {framing:?} framing");
        r.assert_verdict(&label, 1, quick_bound());
        let line = r.fail_line("robust-trigger");
        assert!(line.contains(CAP_TEXT), "{label}: the cap is named:\n{}", r.text());
        r.assert_controls_pass();
        let sent = ep.huge_bytes_sent.load(Ordering::Relaxed);
        eprintln!("robustness {label}: the server got {} MiB out before the client stopped reading", sent >> 20);
        assert!(sent < 96 << 20, "{label}: the client stopped reading near the cap, not at {sent} bytes");
        if framing == Framing::Length {
            assert!(sent < 16 << 20, "{label}: a declared length over the cap is refused before the body: {sent}");
        }
        if let Some(kib) = r.peak_rss_kib {
            assert!(kib < 256 << 10, "{label}: peak RSS {kib} KiB");
        }
    }
}

/// Whether some FAIL line says the body is not JSON.
fn says_not_json(r: &TestOutput) -> bool {
    r.fail_lines().iter().any(|l| l.contains("not a JSON") || l.contains("not JSON"))
}

#[test]
fn invalid_utf8_is_a_finding() {
    let (_dir, cases) = case_file();
    let ep = Endpoint::start(Misbehaviour::InvalidUtf8, Trigger::Marked);
    let r = run(&["run", "--endpoint", &ep.url, "--cases", &cases, "--property-cases", "0", "-v"]);
    r.assert_verdict("invalid UTF-8", 1, quick_bound());
    r.fail_line("robust-trigger");
    assert!(says_not_json(&r), "a FAIL line says the body is not JSON:\n{}", r.text());
    // The request id header, not UTF-8, was still read (lossily) as present.
    assert!(r.stdout().contains("PASS request-id ["), "{}", r.text());
    r.assert_controls_pass();
}

#[test]
fn json_nested_100000_deep_is_a_finding_not_a_stack_overflow() {
    // In-process first: the harness's own decoding of such a body stops at serde_json's
    // recursion limit (128) on an ordinary 2 MiB thread stack, the size of a tokio worker's.
    let resp = WireResponse {
        status: 400,
        headers: vec![("Content-Type".to_owned(), "application/x-amz-json-1.1".to_owned())],
        body: deep_json(),
    };
    let decoded = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let shape = ssm_conform::response::ErrorShape::of(&resp);
            let page = ssm_conform::response::Received::new(&resp).page().map(|_| ());
            (resp.json(), shape.body_is_object, page.is_err(), resp.summary())
        })
        .unwrap()
        .join()
        .expect("decoding a deep body does not overflow the stack");
    let (json, is_object, page_err, summary) = decoded;
    assert!(json.as_ref().is_err_and(|e| e.contains("recursion limit exceeded")), "{json:?}");
    assert!(!is_object && page_err, "{summary}");

    // Then end to end, with every report format writing the exchange too.
    let (dir, cases) = case_file();
    let reports: Vec<String> = ["json", "junit", "markdown"]
        .iter()
        .map(|f| format!("{f}:{}", dir.path().join(format!("report.{f}")).display()))
        .collect();
    let ep = Endpoint::start(Misbehaviour::DeepJson, Trigger::Marked);
    let mut args = vec!["run", "--endpoint", &ep.url, "--cases", &cases, "--property-cases", "0", "-v"];
    for r in &reports {
        args.extend(["--report", r.as_str()]);
    }
    let r = run(&args);
    r.assert_verdict("JSON nested 100000 deep", 1, quick_bound());
    r.fail_line("robust-trigger");
    assert!(says_not_json(&r), "a FAIL line says the body is not JSON:\n{}", r.text());
    r.assert_controls_pass();
    for f in ["json", "junit", "markdown"] {
        let path = dir.path().join(format!("report.{f}"));
        assert!(std::fs::metadata(&path).is_ok_and(|m| m.len() > 0), "{} written\n{}", path.display(), r.text());
    }
}

#[test]
fn a_redirect_to_itself_is_a_finding_not_a_loop() {
    let (_dir, cases) = case_file();
    // One case redirected: one request for it, the controls judged normally.
    let ep = Endpoint::start(Misbehaviour::RedirectToItself, Trigger::Marked);
    // No discovery: the request count below is the probe's and the cases'.
    let r = run(&["run", "--endpoint", &ep.url, "--cases", &cases, "--property-cases", "0", "--no-discover", "-v"]);
    r.assert_verdict("redirect to itself (one case)", 1, quick_bound());
    let line = r.fail_line("robust-trigger");
    assert!(line.contains(" 30"), "the 3xx status is reported:\n{}", r.text());
    r.assert_controls_pass();
    assert_eq!(ep.requests.load(Ordering::SeqCst), 4, "probe + 3 cases, no redirect followed:\n{}", r.text());
    // Every answer a redirect, the probe's too: still one request per unit.
    let ep = Endpoint::start(Misbehaviour::RedirectToItself, Trigger::All);
    let r = run(&["run", "--endpoint", &ep.url, "--cases", &cases, "--property-cases", "0", "--no-discover"]);
    r.assert_verdict("redirect to itself (every request)", 1, quick_bound());
    assert_eq!(ep.requests.load(Ordering::SeqCst), 4, "probe + 3 cases, no redirect followed:\n{}", r.text());
}

#[test]
fn a_slow_trickle_is_bounded_by_the_timeout() {
    let (_dir, cases) = case_file();
    let ep = Endpoint::start(Misbehaviour::Trickle, Trigger::Marked);
    let r = run(&["run", "--endpoint", &ep.url, "--cases", &cases, "--property-cases", "0", "--timeout", "1", "-v"]);
    r.assert_verdict("trickle, a byte every 200 ms", 1, timed_bound());
    let line = r.fail_line("robust-trigger");
    assert!(line.contains("no answer within the timeout"), "{}", r.text());
    assert!(r.elapsed >= Duration::from_millis(900), "the trickle was cut at the timeout: {:.2?}", r.elapsed);
    r.assert_controls_pass();
}

// ---- HTTP/1.0, close-delimited: read correctly and judged normally ---------------------------

#[test]
fn http_1_0_close_delimited_answers_are_read_and_judged_normally() {
    // The reference's own answers, every one as HTTP/1.0 without a length: the full suite,
    // strictly, with the fixture executions (pagination walks included), must pass.
    let ep = Endpoint::start(Misbehaviour::Http10, Trigger::All);
    let ids = fixture_id_args();
    let mut args = vec!["run", "--endpoint", ep.url.as_str(), "--strict-messages"];
    args.extend(ids.iter().map(String::as_str));
    let r = run(&args);
    r.assert_verdict("HTTP/1.0 close-delimited (full suite)", 0, quick_bound());
    assert!(r.stdout().contains(" 0 failed, 0 skipped"), "{}", r.text());
    assert!(ep.requests.load(Ordering::SeqCst) > 200, "{}", r.text());
}

// ---- the whole run, property phase included ---------------------------------------------------

#[test]
fn the_property_phase_stays_bounded_against_an_endpoint_that_times_out() {
    // Every request after the probe gets a body that never ends; with the default property
    // phase on, the run must still end within a few timeouts, not (cases + shrink steps) × timeout.
    let (_dir, cases) = case_file();
    let ep = Endpoint::start(Misbehaviour::EndlessBody, Trigger::AfterProbe);
    // Unbounded, it would wait out 2,000 timeouts; bounded, a few (one per request in flight).
    let r = run(&["run", "--endpoint", &ep.url, "--cases", &cases, "--timeout", "1"]);
    eprintln!("robustness property phase: {} requests", ep.requests.load(Ordering::SeqCst));
    r.assert_verdict("endless bodies, property phase on", 1, liveness_bound(20, TIMEOUT));
    r.fail_line("robust-trigger");
}

// ---- a walk whose pages carry huge keys and tokens: bounded memory -----------------------------

/// The walk at `MaxResults` 37 over the first fixture: 400 pages, each of 50 items whose
/// `TaskExecutionId` is 8 KiB, with a 32 KiB token; every other request gets the reference's
/// answer.
async fn fat_walk(reference: Arc<Reference>, req: WireRequest) -> WireResponse {
    let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
    if body.get("MaxResults").and_then(Value::as_i64) != Some(37) || body.get("Filters").is_some() {
        return reference.handle(&req);
    }
    let page: usize =
        body.get("NextToken").and_then(Value::as_str).and_then(|t| t.split('-').next()?.parse().ok()).unwrap_or(0);
    let exec = body.get("WindowExecutionId").cloned().unwrap_or(Value::Null);
    let items: Vec<Value> = (0..50)
        .map(|i| {
            serde_json::json!({
                "WindowExecutionId": exec,
                "TaskExecutionId": format!("{:08}-{}", page * 50 + i, "k".repeat(8 << 10)),
                "Status": "SUCCESS",
            })
        })
        .collect();
    let mut out = serde_json::json!({ "WindowExecutionTaskIdentities": items });
    if page + 1 < 400 {
        out["NextToken"] = Value::String(format!("{}-{}", page + 1, "t".repeat(32 << 10)));
    }
    WireResponse {
        status: 200,
        headers: vec![("Content-Type".to_owned(), "application/x-amz-json-1.1".to_owned())],
        body: out.to_string().into_bytes(),
    }
}

#[test]
fn a_walk_keeps_bounded_memory_whatever_its_pages_carry() {
    // About 170 MB of keys and tokens over the walk: kept whole, they would be the run's memory.
    let reference = Arc::new(Reference::new(None));
    let endpoint = RawServer::start(move |mut s, _| {
        let reference = reference.clone();
        async move {
            let Some(req) = read_request(&mut s).await else { return };
            let resp = fat_walk(reference, req).await;
            let _ = s.write_all(&wire(&resp, "HTTP/1.1")).await;
            let _ = s.shutdown().await;
        }
    });
    let ids = fixture_id_args();
    let args = ["run", "--endpoint", &endpoint.url, "--property-cases", "0", "--snapshots", "off", &ids[0], &ids[1]];
    // 160 MB through a debug build: the margin twice over.
    let r = run(&args);
    r.assert_verdict("a walk of fat pages", 1, liveness_bound(0, TIMEOUT) + LOADED_MACHINE_MARGIN);
    // The walk was judged: its items' ids break the pattern, so it is blocked by item-types.
    assert!(r.stdout().contains("pagination-walk ×1"), "{}", r.text());
    let kib = r.peak_rss_kib.expect("peak RSS is measured on Linux");
    assert!(kib < 200 << 10, "peak RSS {} MiB: the walk kept what its pages carried", kib >> 10);
}
