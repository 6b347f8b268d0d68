//! The HTTP wrapper around the pure handler: axum on a loopback listener.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use tokio::sync::oneshot;

use super::handler::Reference;
use crate::request::WireRequest;

/// The most a request body may be; larger ones get 413.
const BODY_LIMIT: usize = 8 << 20;

/// A running reference server; dropping it stops the server.
#[derive(Debug)]
pub struct ServerHandle {
    /// The bound address.
    pub addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl ServerHandle {
    /// The endpoint URL (`http://127.0.0.1:PORT`).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops the server and waits for it to finish.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

async fn serve_one(State(reference): State<Arc<Reference>>, request: axum::extract::Request) -> Response {
    // The request taken apart, not extracted piece by piece (which clones the header map).
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let req = WireRequest {
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path_and_query().map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned()),
        headers: parts
            .headers
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect(),
        body: Vec::from(body),
    };
    if reference.drops_connection(&req) {
        // A body that fails after the head: the connection ends with no complete answer.
        let broken = futures::stream::once(async { Err::<Bytes, std::io::Error>(std::io::Error::other("dropped")) });
        return Response::new(axum::body::Body::from_stream(broken));
    }
    let resp = reference.handle(&req);
    // A bare response (a `Vec<u8>` into_response would add a content type only to replace it).
    let mut out = Response::new(axum::body::Body::from(resp.body));
    *out.status_mut() = StatusCode::from_u16(resp.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    out.headers_mut().reserve(resp.headers.len());
    for (k, v) in resp.headers {
        if let (Ok(k), Ok(v)) = (header_name(k), HeaderValue::try_from(v)) {
            out.headers_mut().insert(k, v);
        }
    }
    out
}

/// The header named `name`; the ones the reference always sends without parsing their names.
fn header_name(name: String) -> Result<HeaderName, axum::http::header::InvalidHeaderName> {
    if name.eq_ignore_ascii_case("content-type") {
        Ok(axum::http::header::CONTENT_TYPE)
    } else if name.eq_ignore_ascii_case(crate::contract::REQUEST_ID_HEADER) {
        Ok(HeaderName::from_static(REQUEST_ID_HEADER_LOWER))
    } else {
        HeaderName::try_from(name)
    }
}

/// [`crate::contract::REQUEST_ID_HEADER`] in lower case, as `HeaderName::from_static` wants it.
const REQUEST_ID_HEADER_LOWER: &str = "x-amzn-requestid";

/// Binds `addr` (port 0 for an ephemeral port) and serves `reference` until the handle is
/// stopped or dropped.
pub async fn spawn(addr: SocketAddr, reference: Reference) -> std::io::Result<ServerHandle> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let app = axum::Router::new().fallback(serve_one).with_state(Arc::new(reference));
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = rx.await;
            })
            .await;
    });
    Ok(ServerHandle { addr, shutdown: Some(tx), task: Some(task) })
}
