//! The HTTP wrapper around the pure handler: axum on a loopback listener.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use tokio::sync::oneshot;

use crate::contract::{error_body, real_service, ThrottleForm};
use crate::request::WireRequest;
use ssm_conform_core::reference::answer::{request_id, Reply};
use ssm_conform_core::reference::habits::{Gate, HabitState, Habits};
use ssm_conform_core::reference::handler::Reference;

/// What the server shares between requests: the pure handler and the state of its habits.
struct Served {
    reference: Reference,
    habits: HabitState,
}

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

async fn serve_one(State(served): State<Arc<Served>>, request: axum::extract::Request) -> Response {
    // The request taken apart, not extracted piece by piece (which clones the header map).
    let (parts, body) = request.into_parts();
    let peer = parts.extensions.get::<axum::extract::ConnectInfo<SocketAddr>>().map(|c| c.0);
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
    let reference = &served.reference;
    if reference.drops_connection(&req) {
        // A body that fails after the head: the connection ends with no complete answer.
        let broken = futures::stream::once(async { Err::<Bytes, std::io::Error>(std::io::Error::other("dropped")) });
        return Response::new(axum::body::Body::from_stream(broken));
    }
    let habits = *served.habits.habits();
    let plain = habits == Habits::NONE; // the faithful reference's hot path: nothing to count
    if !habits.latency.is_zero() {
        tokio::time::sleep(habits.latency).await;
    }
    let resp = match if plain { Gate::Answer } else { served.habits.gate(&req) } {
        Gate::Answer => reference.handle(&req),
        Gate::Throttle(form) => throttle(reference, form),
        Gate::Transient => Reply::internal_error().into_response(Some(request_id(fresh_id())), true),
    };
    // A bare response (a `Vec<u8>` into_response would add a content type only to replace it).
    let mut out = if habits.chunked { chunked(resp.body) } else { Response::new(axum::body::Body::from(resp.body)) };
    *out.status_mut() = StatusCode::from_u16(resp.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    out.headers_mut().reserve(resp.headers.len() + 1);
    for (k, v) in resp.headers {
        if let (Ok(k), Ok(v)) = (header_name(k), HeaderValue::try_from(v)) {
            out.headers_mut().insert(k, v);
        }
    }
    if !plain && served.habits.closes(peer) {
        out.headers_mut().insert(axum::http::header::CONNECTION, HeaderValue::from_static("close"));
    }
    out
}

/// A throttle spelt as `form` says. SSM's own type (at any status) comes in the reference's
/// error form (its variants' namespace, message member and header choices); the other forms are
/// spelt exactly, whatever the choices.
fn throttle(reference: &Reference, form: ThrottleForm) -> crate::response::WireResponse {
    let spelt = form.info();
    let choices = reference.choices();
    let id = Some(request_id(fresh_id()));
    let message = real_service::RATE_EXCEEDED;
    if spelt.body_type == Some(real_service::THROTTLING_EXCEPTION) {
        let reply = Reply::error(choices, spelt.status, real_service::THROTTLING_EXCEPTION, Some(message.to_owned()));
        return reply.into_response(id, choices.error_type_header);
    }
    let mut body = serde_json::Map::new();
    if let Some(t) = spelt.body_type {
        body.insert(error_body::TYPE.to_owned(), t.into());
    }
    if spelt.code_member {
        body.insert(error_body::CODE.to_owned(), real_service::THROTTLING_EXCEPTION.into());
    }
    body.insert(error_body::MESSAGE_FRAMEWORK.to_owned(), message.into());
    let mut resp = Reply::success(&serde_json::Value::Object(body)).into_response(id, false);
    resp.status = spelt.status;
    if spelt.header_type {
        resp.headers
            .push((crate::contract::ERROR_TYPE_HEADER.to_owned(), real_service::THROTTLING_EXCEPTION.to_owned()));
    }
    resp
}

/// A number for the request id of an answer the handler did not make (its own count apart).
fn fresh_id() -> u64 {
    static HABIT_ANSWERS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1 << 48);
    HABIT_ANSWERS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// `body` sent chunked, in pieces of at most 512 bytes.
fn chunked(body: Vec<u8>) -> Response {
    let pieces: Vec<Result<Bytes, std::io::Error>> =
        body.chunks(512).map(|c| Ok(Bytes::copy_from_slice(c))).collect::<Vec<_>>();
    Response::new(axum::body::Body::from_stream(futures::stream::iter(pieces)))
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
    let habits = HabitState::new(reference.choices().habits);
    let app = axum::Router::new().fallback(serve_one).with_state(Arc::new(Served { reference, habits }));
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(async move {
                let _ = rx.await;
            })
            .await;
    });
    Ok(ServerHandle { addr, shutdown: Some(tx), task: Some(task) })
}
