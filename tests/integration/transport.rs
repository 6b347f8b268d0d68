//! The transport against raw servers that control every byte: close-delimited bodies, declared
//! and undeclared lengths over the cap, endless and trickling bodies (bounded by the timeout for
//! the whole exchange), resets, bodies cut short, redirects (never followed) and refused
//! connections. The client is called directly, on a runtime of the test's own.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ssm_conform::request::WireRequest;
use ssm_conform::response::WireResponse;
use ssm_conform::transport::{Client, ClientConfig, TransportError, TransportErrorKind, TransportOptions};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use crate::util::{liveness_bound, read_request, unused_url, RawServer};

/// A timeout no passing test waits out: a limit that ends an exchange must end it well before.
const LONG: Duration = Duration::from_secs(60);

/// Serves every connection with `handler`, counting connections.
fn serve<F, Fut>(handler: F) -> (RawServer, Arc<AtomicUsize>)
where
    F: Fn(TcpStream) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let server = RawServer::start(move |s, _| {
        counter.fetch_add(1, Ordering::SeqCst);
        handler(s)
    });
    (server, hits)
}

/// Sends the probe request to `url` with this timeout and body cap.
fn send(url: &str, timeout: Duration, body_limit: usize) -> Result<WireResponse, TransportError> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let client =
        Client::new(url, ClientConfig { options: TransportOptions { timeout, body_limit }, ..ClientConfig::default() })
            .unwrap();
    let probe = WireRequest::operation(br#"{"WindowExecutionId":"00000000-0000-0000-0000-000000000000"}"#.to_vec());
    rt.block_on(client.send(&probe))
}

/// Writes `bytes` and closes: the connection's end delimits the body when no length is given.
async fn answer(mut stream: TcpStream, bytes: &'static [u8]) {
    read_request(&mut stream).await;
    let _ = stream.write_all(bytes).await;
    let _ = stream.shutdown().await;
}

#[test]
fn a_close_delimited_http_1_0_body_is_read_to_the_end() {
    let (server, _) = serve(|s| {
        answer(s, b"HTTP/1.0 400 Bad Request\r\nContent-Type: application/x-amz-json-1.1\r\n\r\n{\"__type\":\"X\"}")
    });
    let resp = send(&server.url, Duration::from_secs(5), 1024).unwrap();
    assert_eq!(resp.status, 400);
    assert_eq!(resp.body, b"{\"__type\":\"X\"}");
    assert_eq!(resp.header("content-type"), Some("application/x-amz-json-1.1"));
}

#[test]
fn a_declared_length_over_the_cap_is_refused_before_the_body_is_read() {
    // The head promises 500 MB; no body byte ever comes. Waiting for it would hit the timeout.
    let (server, _) = serve(|mut s| async move {
        read_request(&mut s).await;
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 500000000\r\n\r\n").await;
        tokio::time::sleep(LONG * 2).await;
    });
    let started = Instant::now();
    let e = send(&server.url, LONG, 1 << 20).unwrap_err();
    assert_eq!(e.kind, TransportErrorKind::BodyTooLarge { limit: 1 << 20 });
    assert!(started.elapsed() < LONG / 2, "{:?}", started.elapsed());
    assert!(e.to_string().contains("larger than the limit of 1 MiB"), "{e}");
}

/// After the request, writes `head`, then `chunk` again and again with `pause` between, until
/// the client goes away.
async fn stream_forever(mut s: TcpStream, head: Vec<u8>, chunk: Vec<u8>, pause: Duration) {
    read_request(&mut s).await;
    if s.write_all(&head).await.is_err() {
        return;
    }
    loop {
        if s.write_all(&chunk).await.is_err() {
            return;
        }
        if !pause.is_zero() {
            tokio::time::sleep(pause).await;
        }
    }
}

/// A server streaming `chunk` endlessly after `head`.
fn endless(head: &str, chunk: Vec<u8>, pause: Duration) -> RawServer {
    let head = head.as_bytes().to_vec();
    serve(move |s| stream_forever(s, head.clone(), chunk.clone(), pause)).0
}

/// One chunk of chunked transfer coding holding `n` spaces.
fn chunk_of(n: usize) -> Vec<u8> {
    let mut c = format!("{n:x}\r\n").into_bytes();
    c.extend(std::iter::repeat_n(b' ', n));
    c.extend_from_slice(b"\r\n");
    c
}

#[test]
fn the_cap_holds_without_a_length_close_delimited_or_chunked() {
    let close = endless("HTTP/1.0 200 OK\r\n\r\n", vec![b' '; 16 << 10], Duration::ZERO);
    let chunked = endless("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", chunk_of(16 << 10), Duration::ZERO);
    for server in [close, chunked] {
        let started = Instant::now();
        let e = send(&server.url, LONG, 256 << 10).unwrap_err();
        assert_eq!(e.kind, TransportErrorKind::BodyTooLarge { limit: 256 << 10 }, "{}: {e}", server.url);
        assert!(started.elapsed() < LONG / 2, "{:?}", started.elapsed());
    }
}

#[test]
fn an_endless_chunked_body_ends_at_the_timeout() {
    let server =
        endless("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", chunk_of(16), Duration::from_millis(20));
    let started = Instant::now();
    let e = send(&server.url, Duration::from_millis(400), 16 << 20).unwrap_err();
    assert_eq!(e.kind, TransportErrorKind::Timeout, "{e}");
    let took = started.elapsed();
    // Without a total deadline the body never ends; with one it ends at the timeout.
    assert!(took >= Duration::from_millis(350) && took < liveness_bound(1, Duration::from_millis(400)), "{took:?}");
}

#[test]
fn a_trickle_of_one_byte_at_a_time_cannot_outlast_the_timeout() {
    // Every byte arrives well within any per-read timeout; only a total deadline ends it. The
    // head itself trickles too, so both the head and the body phase are covered.
    let (server, _) = serve(|mut s| async move {
        read_request(&mut s).await;
        // 5,000 bytes at 50 ms each: 250 s, far beyond the liveness bound.
        let answer = b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n";
        for byte in answer.iter().chain(&[b' '; 5000]) {
            if s.write_all(&[*byte]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    let started = Instant::now();
    let e = send(&server.url, Duration::from_millis(500), 16 << 20).unwrap_err();
    assert_eq!(e.kind, TransportErrorKind::Timeout, "{e}");
    // Without a total deadline the trickle takes 250 s; with one it ends at the timeout.
    assert!(started.elapsed() < liveness_bound(1, Duration::from_millis(500)), "{:?}", started.elapsed());
    assert!(e.to_string().contains("within the timeout"), "{e}");
}

#[test]
fn a_reset_after_the_request_is_an_error_naming_the_phase() {
    let (server, _) = serve(|mut s| async move {
        read_request(&mut s).await;
        let _ = s.set_zero_linger();
        drop(s); // SO_LINGER 0: close sends RST
    });
    let e = send(&server.url, Duration::from_secs(5), 1024).unwrap_err();
    assert!(matches!(e.kind, TransportErrorKind::Other(_)), "{e:?}");
    assert!(e.to_string().contains("before a complete response head arrived"), "{e}");
    assert!(e.to_string().starts_with(&server.url), "{e}");
}

#[test]
fn a_body_cut_short_is_an_error_saying_how_much_came() {
    let (server, _) = serve(|s| answer(s, b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789"));
    let e = send(&server.url, Duration::from_secs(5), 1024).unwrap_err();
    assert!(e.to_string().contains("the response body broke off after 10 bytes"), "{e}");
}

#[test]
fn a_redirect_is_an_answer_not_a_loop() {
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let server = RawServer::start(move |mut s, url| {
        counter.fetch_add(1, Ordering::SeqCst);
        async move {
            let head = format!("HTTP/1.1 307 Temporary Redirect\r\nLocation: {url}/\r\nContent-Length: 0\r\n\r\n");
            read_request(&mut s).await;
            let _ = s.write_all(head.as_bytes()).await;
        }
    });
    let resp = send(&server.url, Duration::from_secs(5), 1024).unwrap();
    assert_eq!(resp.status, 307);
    assert_eq!(resp.header("location"), Some(format!("{}/", server.url).as_str()));
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

#[test]
fn nothing_listening_is_a_connect_error() {
    let url = unused_url();
    let e = send(&url, Duration::from_secs(5), 1024).unwrap_err();
    assert!(matches!(e.kind, TransportErrorKind::Connect(_)), "{e:?}");
    assert!(e.to_string().starts_with(&format!("{url}: cannot connect")), "{e}");
}
