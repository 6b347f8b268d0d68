//! The benchmark's peer for the reference endpoint (`bench/run.py`): a bare axum handler that
//! answers every request with the same status, headers and body bytes, read from a file, on the
//! same runtime and listener as `ssm-conform serve`. What the reference serves beyond this is the
//! cost of being the reference.
//!
//! `cargo run --release --example bare_server -- BODY_FILE` prints `http://127.0.0.1:PORT` on
//! stdout and serves until killed.

use std::net::SocketAddr;

use axum::body::Bytes;
use axum::http::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};

/// The same allocator as the `ssm-conform` binary, so that the peer is not slower for want of it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The answer every request gets: the reference's own success answer to the benchmark request.
#[derive(Clone)]
struct Canned {
    body: Bytes,
}

async fn answer(axum::extract::State(canned): axum::extract::State<Canned>, _body: Bytes) -> Response {
    let mut out = canned.body.into_response();
    let headers = out.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/x-amz-json-1.1"));
    headers.insert(
        HeaderName::from_static("x-amzn-requestid"),
        HeaderValue::from_static("0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"),
    );
    out
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args_os().nth(1).ok_or("usage: bare_server BODY_FILE")?;
    let body = Bytes::from(std::fs::read(&path)?);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
        println!("http://{}", listener.local_addr()?);
        let app = axum::Router::new().fallback(answer).with_state(Canned { body });
        axum::serve(listener, app).await?;
        Ok(())
    })
}
