//! The one way every test runs the binary ([`TestCommand`], ripgrep's `tests/util.rs`) and serves
//! an endpoint: [`TestServer`] for the reference or any axum router, [`RawServer`] for a server
//! that writes raw bytes, [`ServeProcess`] for `ssm-conform serve`. Servers bind 127.0.0.1:0 and
//! stop on drop; a child process is killed by its own handle.

use std::future::Future;
use std::io::{BufRead, BufReader, Read};
use std::net::{Ipv4Addr, SocketAddr};
use std::ops::Deref;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use ssm_conform::request::WireRequest;
use ssm_conform::server::{self, Fault, Reference, ServerHandle};
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;

/// The most any run may take before it is killed: a hang fails its test instead of stalling
/// `cargo test`.
pub const HARD_LIMIT: Duration = Duration::from_secs(240);

/// What a loaded CI machine may add to any run (a debug binary, two cores shared with other
/// tests): liveness bounds allow this much beyond the timeouts a run must wait out.
pub const LOADED_MACHINE_MARGIN: Duration = Duration::from_secs(60);

/// The bound of a run that may wait out at most `timeouts` request timeouts of `timeout` each:
/// those, plus [`LOADED_MACHINE_MARGIN`]. A regression that waits a timeout per request (hundreds)
/// or never ends is far beyond it, however loaded the machine; a correct run is far within it.
pub fn liveness_bound(timeouts: u32, timeout: Duration) -> Duration {
    timeout * timeouts + LOADED_MACHINE_MARGIN
}

/// Every `.rs` file under `dir`, submodule folders included.
/// The source roots of the workspace's two library crates: the pure core first, then the crate
/// that adds transport, drivers, reports and the CLI.
pub fn source_roots() -> [std::path::PathBuf; 2] {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    [root.join("crates/core/src"), root.join("src")]
}

/// The files of every source root's `dir` (a top-level module's folder, in whichever crate holds
/// it).
pub fn module_files(dir: &str) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for root in source_roots() {
        if root.join(dir).is_dir() {
            rust_files(&root.join(dir), &mut out);
        }
    }
    out
}

pub fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
}

/// A tokio runtime and a server running on it; both end on drop.
pub struct TestServer {
    pub url: String,
    handle: Option<ServerHandle>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let (Some(h), Some(rt)) = (self.handle.take(), self.runtime.as_ref()) {
            rt.block_on(h.stop());
        }
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_timeout(Duration::from_secs(1));
        }
    }
}

impl TestServer {
    /// Serves `reference` on 127.0.0.1:0.
    pub fn start(reference: Reference) -> TestServer {
        let runtime = runtime();
        let handle = runtime.block_on(server::spawn(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), reference)).unwrap();
        TestServer { url: handle.url(), handle: Some(handle), runtime: Some(runtime) }
    }

    /// Serves any axum router on 127.0.0.1:0 (a hand-written endpoint).
    pub fn router(router: axum::Router) -> TestServer {
        let runtime = runtime();
        let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        runtime.spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        TestServer { url, handle: None, runtime: Some(runtime) }
    }
}

/// The reference's handler behind a hand-written router: `before` runs on each request's
/// headers first (a delay, a recorder), then the reference answers.
pub fn reference_behind<F, Fut>(reference: Reference, before: F) -> TestServer
where
    F: Fn(axum::http::HeaderMap) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let reference = std::sync::Arc::new(reference);
    TestServer::router(axum::Router::new().fallback(move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
        let (reference, before) = (reference.clone(), before.clone());
        async move {
            before(headers.clone()).await;
            let mut req = WireRequest::operation(body.to_vec());
            for (k, v) in &headers {
                req.set_header(k.as_str(), v.to_str().unwrap_or(""));
            }
            let resp = reference.handle(&req);
            let mut out = axum::response::Response::new(axum::body::Body::from(resp.body));
            *out.status_mut() = axum::http::StatusCode::from_u16(resp.status).unwrap();
            for (k, v) in resp.headers {
                let name = axum::http::HeaderName::try_from(k).unwrap();
                out.headers_mut().insert(name, axum::http::HeaderValue::try_from(v).unwrap());
            }
            out
        }
    }))
}

/// A server that handles each connection with a function of the raw stream, so it controls every
/// byte, reset and delay.
pub struct RawServer {
    pub url: String,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Drop for RawServer {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_timeout(Duration::from_secs(1));
        }
    }
}

impl RawServer {
    /// Serves on 127.0.0.1:0; `handler` gets each accepted connection and the server's URL.
    pub fn start<F, Fut>(handler: F) -> RawServer
    where
        F: Fn(TcpStream, String) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let runtime = runtime();
        let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let own = url.clone();
        runtime.spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(handler(stream, own.clone()));
            }
        });
        RawServer { url, runtime: Some(runtime) }
    }
}

/// Reads one request (head up to 64 KiB, body up to its Content-Length, at most 1 MiB).
pub async fn read_request(s: &mut TcpStream) -> Option<WireRequest> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > 64 << 10 {
            return None;
        }
        match s.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let (method, path) = (request_line.next()?.to_owned(), request_line.next()?.to_owned());
    let headers: Vec<(String, String)> =
        lines.filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned())).collect();
    let length = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0)
        .min(1 << 20);
    while buf.len() < head_end + length {
        match s.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    Some(WireRequest { method, path, headers, body: buf[head_end..head_end + length].to_vec() })
}

/// A loopback URL where nothing listens (a server was there and has stopped).
pub fn unused_url() -> String {
    RawServer::start(|_, _| async {}).url.clone()
}

/// Starts the reference endpoint, faithful or with `fault`.
pub fn reference(fault: Option<Fault>) -> TestServer {
    TestServer::start(Reference::new(fault))
}

/// The fixture executions (largest first, the one with no tasks last), as `--execution-id`
/// arguments.
pub fn fixture_id_args() -> Vec<String> {
    Reference::new(None)
        .executions()
        .iter()
        .flat_map(|e| ["--execution-id".to_owned(), e.window_execution_id.clone()])
        .collect()
}

/// One run of the `ssm-conform` binary: the endpoint variables cleared, the crate as the working
/// directory, and a hard time limit.
pub struct TestCommand {
    command: Command,
    shown: Vec<String>,
    limit: Duration,
    /// When to send which signal (`-INT`: Ctrl-C; `-TERM`), from the start.
    interrupts: Vec<(Duration, &'static str)>,
}

impl TestCommand {
    /// The binary, with no arguments yet.
    pub fn new() -> TestCommand {
        let mut command = Command::new(env!("CARGO_BIN_EXE_ssm-conform"));
        command
            .env_remove("AWS_ENDPOINT_URL_SSM")
            .env_remove("AWS_ENDPOINT_URL")
            .current_dir(env!("CARGO_MANIFEST_DIR"));
        TestCommand { command, shown: vec!["ssm-conform".to_owned()], limit: HARD_LIMIT, interrupts: Vec::new() }
    }

    /// Adds arguments.
    pub fn args<S: AsRef<str>>(&mut self, args: impl IntoIterator<Item = S>) -> &mut TestCommand {
        for a in args {
            self.command.arg(a.as_ref());
            self.shown.push(a.as_ref().to_owned());
        }
        self
    }

    /// Sets an environment variable.
    pub fn env(&mut self, key: &str, value: &str) -> &mut TestCommand {
        self.command.env(key, value);
        self.shown.insert(0, format!("{key}={value}"));
        self
    }

    /// Removes an environment variable.
    pub fn env_remove(&mut self, key: &str) -> &mut TestCommand {
        self.command.env_remove(key);
        self
    }

    /// Runs in `dir` instead of the crate's folder.
    pub fn current_dir(&mut self, dir: &std::path::Path) -> &mut TestCommand {
        self.command.current_dir(dir);
        self
    }

    /// Sends SIGINT (as Ctrl-C does) `after` the start; call again for a second one.
    pub fn interrupt_after(&mut self, after: Duration) -> &mut TestCommand {
        self.interrupts.push((after, "-INT"));
        self.interrupts.sort();
        self
    }

    /// Sends SIGTERM (as CI cancels a job) `after` the start.
    pub fn terminate_after(&mut self, after: Duration) -> &mut TestCommand {
        self.interrupts.push((after, "-TERM"));
        self.interrupts.sort();
        self
    }

    /// Kills the run after `limit` instead of [`HARD_LIMIT`].
    pub fn limit(&mut self, limit: Duration) -> &mut TestCommand {
        self.limit = limit;
        self
    }

    /// Runs to the end (or the limit), measuring the time and polling the peak resident set size
    /// (`VmHWM`, Linux only).
    pub fn run(&mut self) -> TestOutput {
        let started = Instant::now();
        let mut child = self.command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("the binary runs");
        let drain = |mut r: Box<dyn Read + Send>| {
            std::thread::spawn(move || {
                let mut v = Vec::new();
                let _ = r.read_to_end(&mut v);
                v
            })
        };
        let out_reader = drain(Box::new(child.stdout.take().unwrap()));
        let err_reader = drain(Box::new(child.stderr.take().unwrap()));
        let status_path = format!("/proc/{}/status", child.id());
        let (mut peak, mut killed) = (None::<u64>, false);
        let mut interrupts = self.interrupts.iter().peekable();
        let status = loop {
            if let Some((_, signal)) = interrupts.next_if(|(at, _)| started.elapsed() >= *at) {
                // Our own child, by its pid.
                let _ = Command::new("kill").args([*signal, &child.id().to_string()]).status();
            }
            let hwm = std::fs::read_to_string(&status_path).ok().and_then(|s| {
                s.lines()
                    .find_map(|l| l.strip_prefix("VmHWM:"))
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            });
            if let Some(kib) = hwm {
                peak = Some(peak.map_or(kib, |p| p.max(kib)));
            }
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if started.elapsed() > self.limit && !killed {
                killed = true;
                let _ = child.kill(); // our own child, by its handle
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        let output = Output { status, stdout: out_reader.join().unwrap(), stderr: err_reader.join().unwrap() };
        TestOutput { output, elapsed: started.elapsed(), peak_rss_kib: peak, killed, command: self.shown.join(" ") }
    }

    /// Starts `ssm-conform serve` with these arguments and waits for the URL it prints.
    pub fn serve(&mut self) -> ServeProcess {
        let mut child = self.command.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().expect("the binary runs");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        ServeProcess { url: line.trim().to_owned(), child }
    }
}

/// A running `ssm-conform serve`, killed (by its own handle) on drop.
pub struct ServeProcess {
    pub url: String,
    child: Child,
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What a run printed, how it ended, how long it took and how much memory it used.
pub struct TestOutput {
    pub output: Output,
    pub elapsed: Duration,
    pub peak_rss_kib: Option<u64>,
    /// Killed at the limit: it did not end by itself.
    pub killed: bool,
    command: String,
}

impl Deref for TestOutput {
    type Target = Output;

    fn deref(&self) -> &Output {
        &self.output
    }
}

impl TestOutput {
    /// stdout as text.
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    /// stderr as text.
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    /// The command, its status, time and both streams, for a failing assertion.
    pub fn text(&self) -> String {
        format!(
            "$ {}\nexit {:?} after {:.2?}{}\n--- stdout\n{}--- stderr\n{}",
            self.command,
            self.output.status.code(),
            self.elapsed,
            if self.killed { " (killed at the limit)" } else { "" },
            self.stdout(),
            self.stderr()
        )
    }

    /// Panics, showing the command and both streams, unless the run exited with `code`.
    #[track_caller]
    pub fn assert_code(&self, code: i32) -> &TestOutput {
        assert!(!self.killed, "still running at the limit, killed\n{}", self.text());
        assert_eq!(self.output.status.code(), Some(code), "\n{}", self.text());
        self
    }

    /// The `FAIL` lines of the terminal report.
    pub fn fail_lines(&self) -> Vec<String> {
        self.stdout().lines().filter(|l| l.starts_with("FAIL ")).map(str::to_owned).collect()
    }
}

/// Runs the binary with `args`.
pub fn ssm_conform<S: AsRef<str>>(args: &[S]) -> TestOutput {
    TestCommand::new().args(args).run()
}

/// stdout as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// stderr as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The `FAIL` lines of a run's output.
pub fn fail_lines(o: &Output) -> Vec<String> {
    stdout(o).lines().filter(|l| l.starts_with("FAIL ")).map(str::to_owned).collect()
}

/// An answer of a hand-written endpoint: `status` and `body`, no header.
pub fn answer(status: u16, body: &'static str) -> axum::response::Response {
    let mut response = axum::response::Response::new(axum::body::Body::from(body));
    *response.status_mut() = axum::http::StatusCode::from_u16(status).unwrap();
    response
}

/// The start of a long text for an assertion message: enough to see what it is, not a flood.
pub fn excerpt(text: &str) -> String {
    let cut: String = text.chars().take(1500).collect();
    match text.len() - cut.len() {
        0 => cut,
        more => format!("{cut}\n… ({more} more bytes)"),
    }
}

/// Runs `check` on every item, three at a time, on a runtime of its own; what it reports. For
/// tests that sweep the catalogues (every fault, every variant) against in-process endpoints.
pub fn problems<T, F, Fut>(items: impl IntoIterator<Item = T>, check: F) -> Vec<String>
where
    F: Fn(T) -> Fut,
    Fut: Future<Output = Option<String>>,
{
    use futures::stream::{self, StreamExt};
    runtime().block_on(stream::iter(items).map(check).buffer_unordered(3).filter_map(|p| async move { p }).collect())
}

/// The suite's run as a library test makes it: the built-in cases, `ids`, seed 1, four in flight,
/// `generated` property-generated requests, no snapshots, no discovery.
pub fn suite_plan(
    ids: Vec<String>,
    check: ssm_conform::check::CheckOptions,
    generated: u32,
) -> ssm_conform::runner::RunPlan {
    use ssm_conform::exit::StopFlag;
    use ssm_conform::runner::{GeneratedPlan, RunPlan};
    RunPlan {
        cases: ssm_conform::source::builtin_cases().unwrap(),
        execution_ids: ids,
        concurrency: 4,
        check,
        seed: 1,
        snapshots: None,
        progress: None,
        generated: GeneratedPlan {
            cases: generated,
            seed: 1,
            save_failures: None,
            budget: Duration::from_secs(120),
            concurrency: 4,
        },
        stop: StopFlag::default(),
        discover: false,
        operations: Vec::new(),
    }
}
