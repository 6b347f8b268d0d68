//! `ssm-conform proxy`: a client's own traffic as the test. The client's endpoint URL points at
//! the proxy; every request goes on to the upstream unchanged and every answer comes back
//! unchanged (`forward.rs`), and each exchange of the operation is judged on the side
//! (`traffic.rs`) by the same always-on checks and oracle as a run's, its walks by the same
//! pagination checks. The session ends on Ctrl-C, after an idle spell, or when a wrapped command
//! ends ([`Until`]); its report is a [`RunReport`] like a run's, so every reporter, the baseline
//! and the exit status work unchanged.
//!
//! To add what the proxy judges: give `Traffic::record` the new check (it is pure); to add a way
//! a session ends: a field of [`Until`] and a line in [`Proxy::until`].

mod forward;
mod traffic;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

pub use traffic::Traffic;

use crate::check::CheckOptions;
use crate::exit::StopFlag;
use crate::finding::RunReport;
use crate::transport::{Client, ClientConfig, TransportError, TransportOptions};
use forward::{Activity, Forwarder, Seen};

/// How many exchanges may wait for the grader before clients wait for it.
const GRADER_QUEUE: usize = 1024;

/// What a session needs, validated.
#[derive(Debug, Clone)]
pub struct ProxyPlan {
    /// Where the traffic goes on to.
    pub upstream: String,
    /// Where the proxy listens.
    pub listen: SocketAddr,
    /// Limits on every exchange with the upstream (and on request bodies).
    pub options: TransportOptions,
    /// What the checks demand.
    pub check: CheckOptions,
}

/// Why a session could not start.
#[derive(Debug, thiserror::Error)]
pub enum ProxyError {
    /// The listen address cannot be bound.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// Where.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The HTTP client could not be built.
    #[error("{0}")]
    Transport(#[from] TransportError),
}

/// When a session ends (whichever comes first).
#[derive(Debug, Default)]
pub struct Until {
    /// Set by Ctrl-C.
    pub stop: StopFlag,
    /// No exchange in flight or begun for this long.
    pub idle: Option<Duration>,
    /// A wrapped command, ended.
    pub command: Option<tokio::process::Child>,
}

/// Why a session ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    /// Ctrl-C or SIGTERM.
    Interrupted(crate::exit::StopSignal),
    /// Idle for the given spell.
    Idle(Duration),
    /// The wrapped command ended, with this status (`None`: killed by a signal).
    Command(Option<i32>),
}

/// A running session.
pub struct Proxy {
    url: String,
    activity: Arc<Activity>,
    shutdown: watch::Sender<bool>,
    server: JoinHandle<()>,
    grader: JoinHandle<Traffic>,
    timeout: Duration,
}

impl Proxy {
    /// Binds the listen address and starts passing traffic on.
    pub async fn start(plan: &ProxyPlan) -> Result<Proxy, ProxyError> {
        let client = Client::new(&plan.upstream, ClientConfig { options: plan.options, ..ClientConfig::default() })?;
        let listener = tokio::net::TcpListener::bind(plan.listen)
            .await
            .map_err(|source| ProxyError::Listen { addr: plan.listen, source })?;
        let addr = listener.local_addr().map_err(|source| ProxyError::Listen { addr: plan.listen, source })?;
        let (to_grader, mut seen) = mpsc::channel::<Seen>(GRADER_QUEUE);
        let mut traffic = Traffic::new(client.clone(), plan.check);
        let grader = tokio::spawn(async move {
            while let Some(s) = seen.recv().await {
                traffic.record(s.request, s.response);
            }
            traffic
        });
        let activity = Arc::new(Activity::new());
        let forwarder = Arc::new(Forwarder {
            client,
            grader: to_grader,
            activity: Arc::clone(&activity),
            body_limit: plan.options.body_limit,
        });
        let (shutdown, stopping) = watch::channel(false);
        let server = tokio::spawn(serve(listener, forwarder, stopping));
        Ok(Proxy { url: format!("http://{addr}"), activity, shutdown, server, grader, timeout: plan.options.timeout })
    }

    /// The URL clients point at.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Waits until one of `until`'s conditions holds.
    pub async fn until(&self, until: &mut Until) -> Ended {
        loop {
            if until.stop.is_set() {
                return Ended::Interrupted(until.stop.signal().unwrap_or(crate::exit::StopSignal::Interrupt));
            }
            if let Some(child) = until.command.as_mut() {
                if let Ok(Some(status)) = child.try_wait() {
                    return Ended::Command(status.code());
                }
            }
            if let Some(idle) = until.idle.filter(|idle| self.activity.idle_for() >= *idle) {
                return Ended::Idle(idle);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Stops accepting, lets the exchanges in flight finish (each bounded by the timeout), and
    /// returns the session's report and how many exchanges of the operation it judged.
    pub async fn finish(self) -> (RunReport, usize) {
        let deadline = tokio::time::Instant::now() + self.timeout + Duration::from_secs(1);
        while self.activity.idle_for().is_zero() && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        // The server task ends its connections when told; then no sender is left and the grader
        // returns what it judged.
        let _ = self.shutdown.send(true);
        let _ = self.server.await;
        match self.grader.await {
            Ok(traffic) => {
                let judged = traffic.judged();
                (traffic.into_report(), judged)
            }
            Err(_) => (RunReport::default(), 0),
        }
    }
}

/// Accepts connections until told to stop, then ends them all (keep-alive connections would
/// otherwise keep the session open).
async fn serve(listener: tokio::net::TcpListener, forwarder: Arc<Forwarder>, mut stopping: watch::Receiver<bool>) {
    let mut connections = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                let fw = Arc::clone(&forwarder);
                connections.spawn(async move {
                    let service = service_fn(move |req| forward::forward_one(Arc::clone(&fw), req));
                    let conn = http1::Builder::new().auto_date_header(false).serve_connection(TokioIo::new(stream), service);
                    let _ = conn.await;
                });
            }
            _ = stopping.changed() => break,
        }
    }
    connections.shutdown().await;
}
