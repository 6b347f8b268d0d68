//! reqwest underneath: a timeout on every request that covers the whole exchange (connect,
//! response head and every body byte), no redirects followed, the body read in chunks up to a
//! cap whatever the framing (Content-Length, chunked or close-delimited).

use std::time::Duration;

use super::sign::Signer;
use crate::request::WireRequest;
use crate::response::WireResponse;

/// Limits on every exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransportOptions {
    /// The most one request may take, connect to last byte.
    pub timeout: Duration,
    /// The most body bytes read; larger bodies are a [`TransportErrorKind::BodyTooLarge`].
    pub body_limit: usize,
}

/// The HTTP client's settings plus the optional signer.
#[derive(Debug, Clone, Default)]
pub struct ClientConfig {
    /// Limits on every exchange.
    pub options: TransportOptions,
    /// Sign every request with SigV4 (the request the harness reports stays unsigned).
    pub signer: Option<Signer>,
}

impl Default for TransportOptions {
    fn default() -> Self {
        TransportOptions { timeout: Duration::from_secs(10), body_limit: 16 << 20 }
    }
}

/// Why an exchange did not produce a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportErrorKind {
    /// Nothing listens there, or the connection was refused.
    Connect(String),
    /// No complete answer within the timeout.
    Timeout,
    /// The body was larger than the limit.
    BodyTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// Anything else the HTTP layer reported (reset, malformed response).
    Other(String),
}

/// A failed exchange, naming the URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{url}: {}", describe(.kind))]
pub struct TransportError {
    /// The endpoint.
    pub url: String,
    /// What went wrong.
    pub kind: TransportErrorKind,
}

fn describe(kind: &TransportErrorKind) -> String {
    match kind {
        TransportErrorKind::Connect(e) => format!("cannot connect ({e})"),
        TransportErrorKind::Timeout => {
            "no answer within the timeout (the response head or body had not finished arriving)".to_owned()
        }
        TransportErrorKind::BodyTooLarge { limit } => format!(
            "the response body is larger than the limit of {} ({limit} bytes); the harness stopped reading it",
            human_size(*limit)
        ),
        TransportErrorKind::Other(e) => e.clone(),
    }
}

/// `n` bytes in the largest binary unit that divides it (`16 MiB`, `64 KiB`, `1000 bytes`).
fn human_size(n: usize) -> String {
    const UNITS: [(usize, &str); 3] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")];
    UNITS
        .iter()
        .find(|(unit, _)| n >= *unit && n % unit == 0)
        .map_or_else(|| format!("{n} bytes"), |(unit, name)| format!("{} {name}", n / unit))
}

/// An HTTP client for one endpoint.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    url: String,
    options: TransportOptions,
    signer: Option<Signer>,
}

/// The innermost cause of an error, which is where reqwest keeps the useful words.
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// Where in the exchange an error happened, for the message.
#[derive(Clone, Copy)]
enum Phase {
    /// Connecting, sending the request, reading the response head.
    Head,
    /// Reading the body, after `n` bytes of it.
    Body(usize),
}

impl Client {
    /// A client for `url` (e.g. `http://127.0.0.1:4566`).
    pub fn new(url: &str, config: ClientConfig) -> Result<Client, TransportError> {
        let ClientConfig { options, signer } = config;
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(options.timeout)
            .connect_timeout(options.timeout.min(Duration::from_secs(5)))
            .build()
            .map_err(|e| TransportError { url: url.to_owned(), kind: TransportErrorKind::Other(root_cause(&e)) })?;
        Ok(Client { http, url: url.trim_end_matches('/').to_owned(), options, signer })
    }

    /// The endpoint URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    fn error(&self, kind: TransportErrorKind) -> TransportError {
        TransportError { url: self.url.clone(), kind }
    }

    /// Sends one request. The whole exchange, to the body's last byte, is bounded by the
    /// timeout (a trickle or an endless body ends there) and the body by the size limit.
    pub async fn send(&self, req: &WireRequest) -> Result<WireResponse, TransportError> {
        // reqwest's own timeout covers the body too; this deadline makes the bound independent
        // of how the HTTP layer arms its timers.
        match tokio::time::timeout(self.options.timeout, self.exchange(req)).await {
            Ok(result) => result,
            Err(_elapsed) => Err(self.error(TransportErrorKind::Timeout)),
        }
    }

    async fn exchange(&self, req: &WireRequest) -> Result<WireResponse, TransportError> {
        let method = reqwest::Method::from_bytes(req.method.as_bytes())
            .map_err(|e| self.error(TransportErrorKind::Other(format!("cannot send method {:?} ({e})", req.method))))?;
        let mut builder = self.http.request(method, format!("{}{}", self.url, req.path));
        for (k, v) in &req.headers {
            builder = builder.header(k, v);
        }
        if let Some(signer) = &self.signer {
            let headers =
                signer.headers(&self.url, req).map_err(|e| self.error(TransportErrorKind::Other(e.to_string())))?;
            for (k, v) in headers {
                builder = builder.header(k, v);
            }
        }
        let classify = |e: reqwest::Error, phase: Phase| {
            self.error(if e.is_timeout() {
                TransportErrorKind::Timeout
            } else if e.is_connect() {
                TransportErrorKind::Connect(root_cause(&e))
            } else {
                let cause = root_cause(&e);
                TransportErrorKind::Other(match phase {
                    Phase::Head => format!("the exchange failed before a complete response head arrived ({cause})"),
                    Phase::Body(n) => format!("the response body broke off after {n} bytes ({cause})"),
                })
            })
        };
        let mut resp = builder.body(req.body.clone()).send().await.map_err(|e| classify(e, Phase::Head))?;
        let status = resp.status().as_u16();
        let headers = resp
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect();
        let limit = self.options.body_limit;
        // A declared length over the limit is refused before a byte of the body is read.
        if resp.content_length().is_some_and(|n| n > limit as u64) {
            return Err(self.error(TransportErrorKind::BodyTooLarge { limit }));
        }
        // Without a length (chunked, close-delimited) or with one that lies, the cap holds too:
        // no more than `limit` bytes are ever kept.
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| classify(e, Phase::Body(body.len())))? {
            if chunk.len() > limit - body.len() {
                return Err(self.error(TransportErrorKind::BodyTooLarge { limit }));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(WireResponse { status, headers, body })
    }
}

#[cfg(test)]
mod tests {
    //! Each misbehaviour against a raw loopback server that controls every byte.

    use std::future::Future;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::Instant;

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpStream};

    use super::*;

    /// Serves every connection with `handler` on 127.0.0.1:0; returns the URL and a count of
    /// connections. The server lives as long as the test's runtime.
    async fn serve<F, Fut>(handler: F) -> (String, Arc<AtomicUsize>)
    where
        F: Fn(TcpStream) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let hits = Arc::new(AtomicUsize::new(0));
        let counter = hits.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                counter.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(handler(stream));
            }
        });
        (url, hits)
    }

    /// Reads one request: the head, then as many body bytes as its Content-Length says.
    async fn read_request(stream: &mut TcpStream) {
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        let head_end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        while buf.len() < head_end + length {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
    }

    fn client(url: &str, timeout: Duration, body_limit: usize) -> Client {
        Client::new(url, ClientConfig { options: TransportOptions { timeout, body_limit }, signer: None }).unwrap()
    }

    fn probe() -> WireRequest {
        WireRequest::operation(br#"{"WindowExecutionId":"00000000-0000-0000-0000-000000000000"}"#.to_vec())
    }

    /// Writes `bytes` and closes: the connection's end delimits the body when no length is given.
    async fn answer(mut stream: TcpStream, bytes: &'static [u8]) {
        read_request(&mut stream).await;
        let _ = stream.write_all(bytes).await;
        let _ = stream.shutdown().await;
    }

    #[test]
    fn messages_say_what_happened() {
        let err = |kind| TransportError { url: "http://h:1".to_owned(), kind }.to_string();
        assert_eq!(
            err(TransportErrorKind::BodyTooLarge { limit: 16 << 20 }),
            "http://h:1: the response body is larger than the limit of 16 MiB (16777216 bytes); the harness \
             stopped reading it"
        );
        assert!(err(TransportErrorKind::Timeout).starts_with("http://h:1: no answer within the timeout ("));
        assert_eq!(human_size(1000), "1000 bytes");
        assert_eq!(human_size(64 << 10), "64 KiB");
        assert_eq!(human_size(3 << 30), "3 GiB");
        assert_eq!(human_size(0), "0 bytes");
    }

    #[tokio::test]
    async fn a_close_delimited_http_1_0_body_is_read_to_the_end() {
        let (url, _) = serve(|s| {
            answer(s, b"HTTP/1.0 400 Bad Request\r\nContent-Type: application/x-amz-json-1.1\r\n\r\n{\"__type\":\"X\"}")
        })
        .await;
        let resp = client(&url, Duration::from_secs(5), 1024).send(&probe()).await.unwrap();
        assert_eq!(resp.status, 400);
        assert_eq!(resp.body, b"{\"__type\":\"X\"}");
        assert_eq!(resp.header("content-type"), Some("application/x-amz-json-1.1"));
    }

    #[tokio::test]
    async fn a_declared_length_over_the_cap_is_refused_before_the_body_is_read() {
        // The head promises 500 MB; no body byte ever comes. Waiting for it would hit the timeout.
        let (url, _) = serve(|mut s| async move {
            read_request(&mut s).await;
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 500000000\r\n\r\n").await;
            tokio::time::sleep(Duration::from_secs(30)).await;
        })
        .await;
        let started = Instant::now();
        let e = client(&url, Duration::from_secs(10), 1 << 20).send(&probe()).await.unwrap_err();
        assert_eq!(e.kind, TransportErrorKind::BodyTooLarge { limit: 1 << 20 });
        assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
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
    async fn endless(head: &str, chunk: Vec<u8>, pause: Duration) -> (String, Arc<AtomicUsize>) {
        let head = head.as_bytes().to_vec();
        serve(move |s| stream_forever(s, head.clone(), chunk.clone(), pause)).await
    }

    /// One chunk of chunked transfer coding holding `n` spaces.
    fn chunk_of(n: usize) -> Vec<u8> {
        let mut c = format!("{n:x}\r\n").into_bytes();
        c.extend(std::iter::repeat_n(b' ', n));
        c.extend_from_slice(b"\r\n");
        c
    }

    #[tokio::test]
    async fn the_cap_holds_without_a_length_close_delimited_or_chunked() {
        let close = endless("HTTP/1.0 200 OK\r\n\r\n", vec![b' '; 16 << 10], Duration::ZERO).await.0;
        let chunked =
            endless("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", chunk_of(16 << 10), Duration::ZERO)
                .await
                .0;
        for url in [close, chunked] {
            let started = Instant::now();
            let e = client(&url, Duration::from_secs(10), 256 << 10).send(&probe()).await.unwrap_err();
            assert_eq!(e.kind, TransportErrorKind::BodyTooLarge { limit: 256 << 10 }, "{url}: {e}");
            assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
        }
    }

    #[tokio::test]
    async fn an_endless_chunked_body_ends_at_the_timeout() {
        let (url, _) =
            endless("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", chunk_of(16), Duration::from_millis(20))
                .await;
        let started = Instant::now();
        let e = client(&url, Duration::from_millis(400), 16 << 20).send(&probe()).await.unwrap_err();
        assert_eq!(e.kind, TransportErrorKind::Timeout, "{e}");
        let took = started.elapsed();
        assert!(took >= Duration::from_millis(350) && took < Duration::from_secs(2), "{took:?}");
    }

    #[tokio::test]
    async fn a_trickle_of_one_byte_at_a_time_cannot_outlast_the_timeout() {
        // Every byte arrives well within any per-read timeout; only a total deadline ends it. The
        // head itself trickles too, so both the head and the body phase are covered.
        let (url, _) = serve(|mut s| async move {
            read_request(&mut s).await;
            let answer = b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n";
            for byte in answer.iter().chain(&[b' '; 1000]) {
                if s.write_all(&[*byte]).await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
        .await;
        let started = Instant::now();
        let e = client(&url, Duration::from_millis(500), 16 << 20).send(&probe()).await.unwrap_err();
        assert_eq!(e.kind, TransportErrorKind::Timeout, "{e}");
        assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
        assert!(e.to_string().contains("within the timeout"), "{e}");
    }

    #[tokio::test]
    async fn a_reset_after_the_request_is_an_error_naming_the_phase() {
        let (url, _) = serve(|mut s| async move {
            read_request(&mut s).await;
            let _ = s.set_zero_linger();
            drop(s); // SO_LINGER 0: close sends RST
        })
        .await;
        let e = client(&url, Duration::from_secs(5), 1024).send(&probe()).await.unwrap_err();
        assert!(matches!(e.kind, TransportErrorKind::Other(_)), "{e:?}");
        assert!(e.to_string().contains("before a complete response head arrived"), "{e}");
        assert!(e.to_string().starts_with(&url), "{e}");
    }

    #[tokio::test]
    async fn a_body_cut_short_is_an_error_saying_how_much_came() {
        let (url, _) = serve(|s| answer(s, b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789")).await;
        let e = client(&url, Duration::from_secs(5), 1024).send(&probe()).await.unwrap_err();
        assert!(e.to_string().contains("the response body broke off after 10 bytes"), "{e}");
    }

    #[tokio::test]
    async fn a_redirect_is_an_answer_not_a_loop() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let hits = Arc::new(AtomicUsize::new(0));
        let (counter, location) = (hits.clone(), url.clone());
        tokio::spawn(async move {
            while let Ok((mut s, _)) = listener.accept().await {
                counter.fetch_add(1, Ordering::SeqCst);
                let head =
                    format!("HTTP/1.1 307 Temporary Redirect\r\nLocation: {location}/\r\nContent-Length: 0\r\n\r\n");
                tokio::spawn(async move {
                    read_request(&mut s).await;
                    let _ = s.write_all(head.as_bytes()).await;
                });
            }
        });
        let resp = client(&url, Duration::from_secs(5), 1024).send(&probe()).await.unwrap();
        assert_eq!(resp.status, 307);
        assert_eq!(resp.header("location"), Some(format!("{url}/").as_str()));
        assert_eq!(hits.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn nothing_listening_is_a_connect_error() {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let url = format!("http://127.0.0.1:{port}");
        let e = client(&url, Duration::from_secs(5), 1024).send(&probe()).await.unwrap_err();
        assert!(matches!(e.kind, TransportErrorKind::Connect(_)), "{e:?}");
        assert!(e.to_string().starts_with(&format!("{url}: cannot connect")), "{e}");
    }
}
