//! reqwest underneath: a timeout on every request that covers the whole exchange (connect,
//! response head and every body byte), no redirects followed, the body read in chunks up to a
//! cap whatever the framing (Content-Length, chunked or close-delimited).

use std::time::Duration;

use super::sign::{CredentialSource, Signer};
use crate::repro::{CurlCredentials, CurlSigning};
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
    /// Record every exchange (`run --record`).
    pub recorder: Option<super::record::Recorder>,
}

impl TransportOptions {
    /// `timeout` per request, and a body cap that keeps the worst case (every request of
    /// `concurrency` in flight at the cap) near 1 GiB: bodies are read whole.
    pub fn for_concurrency(timeout: Duration, concurrency: usize) -> TransportOptions {
        TransportOptions { timeout, body_limit: (16usize << 20).min((1usize << 30) / concurrency.max(1)) }
    }
}

/// `Ok` when `url` is an `http://` or `https://` URL with a host; else why not, in words.
pub fn check_url(url: &str) -> Result<(), String> {
    let ok = (url.starts_with("http://") || url.starts_with("https://"))
        && url.split("://").nth(1).is_some_and(|h| !h.is_empty());
    if ok {
        Ok(())
    } else {
        Err(format!("endpoint {url:?} is not an http:// or https:// URL"))
    }
}

impl Default for TransportOptions {
    fn default() -> Self {
        TransportOptions { timeout: Duration::from_secs(10), body_limit: 16 << 20 }
    }
}

/// A request as a client sent it, passed on unchanged (the proxy): every header but the
/// hop-by-hop ones, the body byte for byte.
#[derive(Debug, Clone)]
pub struct RawRequest {
    /// The method.
    pub method: reqwest::Method,
    /// The path and query, as sent (`/`).
    pub path_and_query: String,
    /// The headers, as sent.
    pub headers: reqwest::header::HeaderMap,
    /// The body.
    pub body: Vec<u8>,
}

/// A response as the upstream sent it: status, headers (the hop-by-hop ones left out: they
/// describe one connection) and the body byte for byte.
#[derive(Debug, Clone)]
pub struct RawResponse {
    /// The status.
    pub status: reqwest::StatusCode,
    /// The headers.
    pub headers: reqwest::header::HeaderMap,
    /// The body.
    pub body: Vec<u8>,
}

/// Headers that describe one connection, never passed on by a proxy (RFC 9110 §7.6.1), and the
/// framing the next hop recomputes.
const HOP_BY_HOP: [&str; 9] = [
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

/// `headers` without the hop-by-hop ones (and those the `Connection` header names) and without
/// `Content-Length`, which the next hop writes for the body it sends.
pub fn end_to_end(headers: &reqwest::header::HeaderMap) -> reqwest::header::HeaderMap {
    let named: Vec<String> = headers
        .get_all(reqwest::header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(',').map(|n| n.trim().to_ascii_lowercase()))
        .collect();
    let mut out = headers.clone();
    for name in HOP_BY_HOP.iter().copied().chain(named.iter().map(String::as_str)).chain(["content-length"]) {
        out.remove(name);
    }
    out
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
    recorder: Option<super::record::Recorder>,
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
        let ClientConfig { options, signer, recorder } = config;
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(options.timeout)
            .connect_timeout(options.timeout.min(Duration::from_secs(5)))
            .build()
            .map_err(|e| TransportError { url: url.to_owned(), kind: TransportErrorKind::Other(root_cause(&e)) })?;
        Ok(Client { http, url: url.trim_end_matches('/').to_owned(), options, signer, recorder })
    }

    /// The endpoint URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Tells the recorder (`run --record`), if any, which executions the run holds to exist.
    pub fn note_execution_ids(&self, ids: &[String]) {
        if let Some(recorder) = &self.recorder {
            recorder.set_execution_ids(ids);
        }
    }

    /// The signer, if requests are signed.
    pub fn signer(&self) -> Option<&Signer> {
        self.signer.as_ref()
    }

    /// A `curl` command that sends `req` as this client does, with no secret in it.
    pub fn repro(&self, req: &WireRequest) -> String {
        let signing = self.signer.as_ref().map(|s| CurlSigning {
            region: s.region().to_owned(),
            credentials: match s.source() {
                CredentialSource::Found { session_token } => {
                    CurlCredentials::Variables { session_token: *session_token }
                }
                CredentialSource::Fake => CurlCredentials::Literal {
                    access_key_id: super::sign::FAKE_ACCESS_KEY_ID.to_owned(),
                    secret_access_key: super::sign::FAKE_SECRET_ACCESS_KEY.to_owned(),
                },
            },
        });
        crate::repro::curl(&self.url, req, signing.as_ref())
    }

    fn error(&self, kind: TransportErrorKind) -> TransportError {
        TransportError { url: self.url.clone(), kind }
    }

    /// Sends one request. The whole exchange, to the body's last byte, is bounded by the
    /// timeout (a trickle or an endless body ends there) and the body by the size limit.
    pub async fn send(&self, req: &WireRequest) -> Result<WireResponse, TransportError> {
        // reqwest's own timeout covers the body too; this deadline makes the bound independent
        // of how the HTTP layer arms its timers.
        let signed = match &self.signer {
            Some(signer) => {
                signer.headers(&self.url, req).map_err(|e| self.error(TransportErrorKind::Other(e.to_string())))?
            }
            None => Vec::new(),
        };
        let result = match tokio::time::timeout(self.options.timeout, self.exchange(req, &signed)).await {
            Ok(result) => result,
            Err(_elapsed) => Err(self.error(TransportErrorKind::Timeout)),
        };
        if let Some(recorder) = &self.recorder {
            // The headers it was signed with, as sent (the recorder redacts the secrets).
            recorder.record(req, &signed, result.as_ref().map_err(|e| e.to_string()));
        }
        result
    }

    /// Passes `req` on to the endpoint unchanged and returns the answer as it came, bounded by
    /// the same timeout and body limit as every exchange (the proxy).
    pub async fn forward(&self, req: RawRequest) -> Result<RawResponse, TransportError> {
        match tokio::time::timeout(self.options.timeout, self.forward_exchange(req)).await {
            Ok(result) => result,
            Err(_elapsed) => Err(self.error(TransportErrorKind::Timeout)),
        }
    }

    async fn forward_exchange(&self, req: RawRequest) -> Result<RawResponse, TransportError> {
        let url = format!("{}{}", self.url, req.path_and_query);
        let sent = self.http.request(req.method, url).headers(end_to_end(&req.headers)).body(req.body).send();
        let classify = |e: reqwest::Error| {
            self.error(if e.is_timeout() {
                TransportErrorKind::Timeout
            } else if e.is_connect() {
                TransportErrorKind::Connect(root_cause(&e))
            } else {
                TransportErrorKind::Other(root_cause(&e))
            })
        };
        let mut resp = sent.await.map_err(classify)?;
        let (status, headers) = (resp.status(), end_to_end(resp.headers()));
        let limit = self.options.body_limit;
        if resp.content_length().is_some_and(|n| n > limit as u64) {
            return Err(self.error(TransportErrorKind::BodyTooLarge { limit }));
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(classify)? {
            if chunk.len() > limit - body.len() {
                return Err(self.error(TransportErrorKind::BodyTooLarge { limit }));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(RawResponse { status, headers, body })
    }

    async fn exchange(&self, req: &WireRequest, signed: &[(String, String)]) -> Result<WireResponse, TransportError> {
        let method = reqwest::Method::from_bytes(req.method.as_bytes())
            .map_err(|e| self.error(TransportErrorKind::Other(format!("cannot send method {:?} ({e})", req.method))))?;
        let mut builder = self.http.request(method, format!("{}{}", self.url, req.path));
        for (k, v) in &req.headers {
            builder = builder.header(k, v);
        }
        for (k, v) in signed {
            builder = builder.header(k, v);
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
    use super::*;

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
}
