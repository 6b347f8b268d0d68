//! winterbaume's SSM emulator (`winterbaume-ssm`), served over HTTP on 127.0.0.1 for ssm-conform.
//!
//! The executions are seeded through the emulator's public state API
//! (`StatefulService::merge` with an `SsmStateView`), as a user of winterbaume seeds them: no AWS
//! API creates maintenance window executions (the scheduler does). Every request goes to the
//! emulator's own handler (`MockService::handle`) and its answer goes back as it was produced —
//! status, headers and body — through a pass-through adapter that adds and changes nothing (not
//! even a `Date` header; the body's length frames the message).
//!
//!     ssm-conform-winterbaume [--port PORT]
//!
//! prints the URL on its first line, then each seeded execution id with its task count, like
//! `ssm-conform serve`; Ctrl-C stops it.

mod seed;

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

fn port_argument() -> Result<u16, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => Ok(0),
        [flag, port] if flag == "--port" => port.parse().map_err(|_| format!("--port {port:?} is not a port number")),
        _ => Err("usage: ssm-conform-winterbaume [--port PORT]".to_owned()),
    }
}

#[tokio::main]
async fn main() {
    let port = port_argument().unwrap_or_else(|why| {
        eprintln!("ssm-conform-winterbaume: {why}");
        std::process::exit(2);
    });
    let svc = Arc::new(SsmService::new());
    let seeded = seed::executions();
    if let Err(why) = svc.merge(winterbaume_core::default_account_id(), seed::REGION, seed::view(&seeded)).await {
        eprintln!("ssm-conform-winterbaume: seeding the emulator failed: {why:?}");
        std::process::exit(2);
    }
    let listener =
        tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port))).await.unwrap_or_else(|why| {
            eprintln!("ssm-conform-winterbaume: cannot listen on 127.0.0.1:{port}: {why}");
            std::process::exit(2);
        });
    let addr = listener.local_addr().expect("a bound listener has an address");
    println!("http://{addr}");
    for e in &seeded {
        println!("{}  {:>3} tasks ({})", e.id, e.tasks.len(), e.label);
    }
    println!("ssm-conform-winterbaume: serving winterbaume-ssm 0.3.0 (window {}); Ctrl-C stops it", seed::WINDOW_ID);
    tokio::select! {
        _ = serve(listener, svc) => {}
        _ = tokio::signal::ctrl_c() => {}
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
