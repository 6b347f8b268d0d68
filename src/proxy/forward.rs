//! The forwarding half: every request goes on to the upstream as the client sent it (the
//! hop-by-hop headers aside) and its answer comes back as the upstream sent it — status, headers
//! and body, byte for byte — while a copy of the exchange goes to the grader. Bounded as every
//! exchange of a run: the request body by the transport's body limit, the exchange by its
//! timeout; an upstream that does not answer becomes a `502` the client sees, never a hang.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::StatusCode;
use axum::response::Response;
use hyper::body::Incoming;
use tokio::sync::mpsc;

use crate::request::WireRequest;
use crate::response::WireResponse;
use crate::transport::{end_to_end, Client, RawRequest};

/// One exchange as the grader gets it.
pub(super) struct Seen {
    pub(super) request: WireRequest,
    pub(super) response: Result<WireResponse, String>,
}

/// When the proxy last did something, and how many exchanges are in flight: a session ends
/// "when idle" only with none in flight.
#[derive(Debug)]
pub(super) struct Activity {
    started: Instant,
    last_ms: AtomicU64,
    in_flight: AtomicUsize,
}

impl Activity {
    pub(super) fn new() -> Activity {
        Activity { started: Instant::now(), last_ms: AtomicU64::new(0), in_flight: AtomicUsize::new(0) }
    }

    fn touch(&self) {
        self.last_ms.store(self.started.elapsed().as_millis() as u64, Ordering::Relaxed);
    }

    /// How long nothing has been in flight (zero while something is).
    pub(super) fn idle_for(&self) -> Duration {
        if self.in_flight.load(Ordering::Relaxed) > 0 {
            return Duration::ZERO;
        }
        self.started.elapsed().saturating_sub(Duration::from_millis(self.last_ms.load(Ordering::Relaxed)))
    }
}

/// What the handler needs.
pub(super) struct Forwarder {
    pub(super) client: Client,
    pub(super) grader: mpsc::Sender<Seen>,
    pub(super) activity: Arc<Activity>,
    pub(super) body_limit: usize,
}

/// Header pairs as the checks read them (a value that is not UTF-8 is read lossily; the bytes
/// passed on are the original ones).
fn pairs(headers: &axum::http::HeaderMap) -> Vec<(String, String)> {
    headers.iter().map(|(k, v)| (k.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned())).collect()
}

/// A response the proxy itself makes (the client's request was too large, the upstream did not
/// answer), marked as the proxy's.
fn own_answer(status: StatusCode, text: String) -> Response {
    let mut resp = Response::new(Body::from(format!("ssm-conform proxy: {text}\n")));
    *resp.status_mut() = status;
    resp.headers_mut().insert("content-type", axum::http::HeaderValue::from_static("text/plain; charset=utf-8"));
    resp
}

/// One exchange: passed on, answered, and handed to the grader.
pub(super) async fn forward_one(
    fw: Arc<Forwarder>,
    req: hyper::Request<Incoming>,
) -> Result<Response, std::convert::Infallible> {
    fw.activity.in_flight.fetch_add(1, Ordering::Relaxed);
    fw.activity.touch();
    let response = exchange(&fw, req).await;
    fw.activity.touch();
    fw.activity.in_flight.fetch_sub(1, Ordering::Relaxed);
    Ok(response)
}

async fn exchange(fw: &Forwarder, req: hyper::Request<Incoming>) -> Response {
    let (parts, body) = req.into_parts();
    let Ok(body) = axum::body::to_bytes(Body::new(body), fw.body_limit).await else {
        return own_answer(StatusCode::PAYLOAD_TOO_LARGE, format!("the request body is over {} bytes", fw.body_limit));
    };
    let path_and_query = parts.uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
    let request = WireRequest {
        method: parts.method.as_str().to_owned(),
        path: path_and_query.clone(),
        headers: pairs(&end_to_end(&parts.headers)),
        body: body.to_vec(),
    };
    let raw = RawRequest { method: parts.method, path_and_query, headers: parts.headers, body: body.to_vec() };
    let (answer, seen) = match fw.client.forward(raw).await {
        Ok(up) => {
            let wire = WireResponse { status: up.status.as_u16(), headers: pairs(&up.headers), body: up.body.clone() };
            let mut answer = Response::new(Body::from(up.body));
            *answer.status_mut() = up.status;
            *answer.headers_mut() = up.headers;
            (answer, Ok(wire))
        }
        Err(e) => (own_answer(StatusCode::BAD_GATEWAY, e.to_string()), Err(e.to_string())),
    };
    // The grader keeps up (it only judges); should it fall behind, the client waits, bounded by
    // the channel, rather than the session growing without bound.
    let _ = fw.grader.send(Seen { request, response: seen }).await;
    answer
}
