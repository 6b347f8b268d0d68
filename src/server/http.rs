//! The HTTP wrapper around the pure handler: axum on a loopback listener.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use tokio::sync::oneshot;

use super::handler::Reference;
use crate::request::WireRequest;

/// The most a request body may be; larger ones get 413 from axum.
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

async fn serve_one(
    State(reference): State<Arc<Reference>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let req = WireRequest {
        method: method.to_string(),
        path: uri.path_and_query().map_or_else(|| "/".to_owned(), |p| p.to_string()),
        headers: headers
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect(),
        body: body.to_vec(),
    };
    if reference.drops_connection(&req) {
        // A body that fails after the head: the connection ends with no complete answer.
        let broken = futures::stream::once(async { Err::<Bytes, std::io::Error>(std::io::Error::other("dropped")) });
        return Response::new(axum::body::Body::from_stream(broken));
    }
    let resp = reference.handle(&req);
    let mut out =
        (StatusCode::from_u16(resp.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), resp.body).into_response();
    for (k, v) in resp.headers {
        if let (Ok(k), Ok(v)) = (HeaderName::try_from(k), HeaderValue::try_from(v)) {
            out.headers_mut().insert(k, v);
        }
    }
    out
}

/// Binds `addr` (port 0 for an ephemeral port) and serves `reference` until the handle is
/// stopped or dropped.
pub async fn spawn(addr: SocketAddr, reference: Reference) -> std::io::Result<ServerHandle> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let app = axum::Router::new()
        .fallback(serve_one)
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(Arc::new(reference));
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
