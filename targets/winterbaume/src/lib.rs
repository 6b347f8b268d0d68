//! winterbaume's SSM emulator (`winterbaume-ssm`) behind a pass-through HTTP adapter on
//! 127.0.0.1, seeded with maintenance window executions: [`Adapter::start`] is what the binary
//! (`ssm-conform-winterbaume`) and the crate's own test (`tests/suite.rs`, which runs
//! `ssm_conform::Suite` against it) both serve.
//!
//! The executions are seeded through the emulator's public state API
//! (`StatefulService::merge` with an `SsmStateView`), as a user of winterbaume seeds them: no AWS
//! API creates maintenance window executions (the scheduler does). Every request goes to the
//! emulator's own handler (`MockService::handle`) and its answer goes back as it was produced —
//! status, headers and body — through a pass-through adapter that adds and changes nothing (not
//! even a `Date` header; the body's length frames the message).

pub mod seed;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use winterbaume_core::{MockRequest, MockService, StatefulService};
use winterbaume_ssm::SsmService;

/// The most bytes of a request body the adapter reads (the harness never sends more).
const MAX_BODY: usize = 16 * 1024 * 1024;

/// One request through the emulator's handler, its answer back unchanged.
async fn pass_through(
    svc: Arc<SsmService>,
    req: hyper::Request<Incoming>,
) -> Result<hyper::Response<Full<Bytes>>, Infallible> {
    let (parts, body) = req.into_parts();
    let body = match http_body_util::Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            let mut too_big = hyper::Response::new(Full::new(Bytes::from_static(b"request body too large or broken")));
            *too_big.status_mut() = hyper::StatusCode::PAYLOAD_TOO_LARGE;
            return Ok(too_big);
        }
    };
    let host = parts.headers.get(http::header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1");
    let mock = MockRequest {
        method: parts.method.to_string(),
        uri: format!("http://{host}{}", parts.uri),
        headers: parts.headers,
        body,
    };
    let answer = svc.handle(mock).await;
    let mut response = hyper::Response::new(Full::new(answer.body));
    *response.status_mut() =
        hyper::StatusCode::from_u16(answer.status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    *response.headers_mut() = answer.headers;
    Ok(response)
}

/// The seeded emulator, serving on 127.0.0.1 until dropped.
pub struct Adapter {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// The seeded executions.
    pub executions: Vec<seed::Execution>,
    task: tokio::task::JoinHandle<()>,
}

impl Adapter {
    /// Seeds the emulator and serves it on 127.0.0.1:`port` (0: a free port).
    pub async fn start(port: u16) -> Result<Adapter, String> {
        let svc = Arc::new(SsmService::new());
        let executions = seed::executions();
        svc.merge(winterbaume_core::default_account_id(), seed::REGION, seed::view(&executions))
            .await
            .map_err(|why| format!("seeding the emulator failed: {why:?}"))?;
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port)))
            .await
            .map_err(|why| format!("cannot listen on 127.0.0.1:{port}: {why}"))?;
        let addr = listener.local_addr().map_err(|why| format!("the listener has no address: {why}"))?;
        let task = tokio::spawn(serve(listener, svc));
        Ok(Adapter { url: format!("http://{addr}"), executions, task })
    }

    /// The seeded execution ids.
    pub fn execution_ids(&self) -> Vec<String> {
        self.executions.iter().map(|e| e.id.clone()).collect()
    }
}

impl Drop for Adapter {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(listener: tokio::net::TcpListener, svc: Arc<SsmService>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else { continue };
        let svc = Arc::clone(&svc);
        tokio::spawn(async move {
            let service = service_fn(move |req| pass_through(Arc::clone(&svc), req));
            let _ = http1::Builder::new().auto_date_header(false).serve_connection(TokioIo::new(stream), service).await;
        });
    }
}
