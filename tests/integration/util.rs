//! Helpers: start servers on 127.0.0.1:0 (stopped on drop) and run the `ssm-conform` binary.

use std::net::{Ipv4Addr, SocketAddr};
use std::process::{Command, Output};

use ssm_conform::server::{self, Fault, Reference, ServerHandle};

/// A tokio runtime and a reference server running on it; both end on drop.
pub struct TestServer {
    pub url: String,
    handle: Option<ServerHandle>,
    runtime: tokio::runtime::Runtime,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(h) = self.handle.take() {
            self.runtime.block_on(h.stop());
        }
    }
}

impl TestServer {
    /// Serves `reference` on 127.0.0.1:0.
    pub fn start(reference: Reference) -> TestServer {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let handle = runtime.block_on(server::spawn(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), reference)).unwrap();
        TestServer { url: handle.url(), handle: Some(handle), runtime }
    }
}

/// Starts the reference endpoint, faithful or with `fault`.
pub fn reference(fault: Option<Fault>) -> TestServer {
    TestServer::start(Reference::new(fault))
}

/// The fixture executions that hold tasks, as `--execution-id` arguments.
pub fn fixture_id_args() -> Vec<String> {
    Reference::new(None)
        .executions()
        .iter()
        .filter(|e| !e.tasks.is_empty())
        .flat_map(|e| ["--execution-id".to_owned(), e.window_execution_id.clone()])
        .collect()
}

/// Runs the binary with `args`, with the endpoint variables cleared.
pub fn ssm_conform(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ssm-conform"))
        .args(args)
        .env_remove("AWS_ENDPOINT_URL_SSM")
        .env_remove("AWS_ENDPOINT_URL")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs")
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
