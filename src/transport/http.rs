//! reqwest underneath: a timeout on every request, no redirects followed, the body read in
//! chunks up to a cap.

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
        TransportErrorKind::Timeout => "no answer within the timeout".to_owned(),
        TransportErrorKind::BodyTooLarge { limit } => format!("response body larger than {limit} bytes"),
        TransportErrorKind::Other(e) => e.clone(),
    }
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

    /// Sends one request.
    pub async fn send(&self, req: &WireRequest) -> Result<WireResponse, TransportError> {
        let err = |kind| TransportError { url: self.url.clone(), kind };
        let method = reqwest::Method::from_bytes(req.method.as_bytes())
            .map_err(|e| err(TransportErrorKind::Other(e.to_string())))?;
        let mut builder = self.http.request(method, format!("{}{}", self.url, req.path));
        for (k, v) in &req.headers {
            builder = builder.header(k, v);
        }
        if let Some(signer) = &self.signer {
            let headers = signer.headers(&self.url, req).map_err(|e| err(TransportErrorKind::Other(e.to_string())))?;
            for (k, v) in headers {
                builder = builder.header(k, v);
            }
        }
        let classify = |e: reqwest::Error| {
            if e.is_timeout() {
                err(TransportErrorKind::Timeout)
            } else if e.is_connect() {
                err(TransportErrorKind::Connect(root_cause(&e)))
            } else {
                err(TransportErrorKind::Other(root_cause(&e)))
            }
        };
        let mut resp = builder.body(req.body.clone()).send().await.map_err(classify)?;
        let status = resp.status().as_u16();
        let headers = resp
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect();
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(classify)? {
            if body.len() + chunk.len() > self.options.body_limit {
                return Err(err(TransportErrorKind::BodyTooLarge { limit: self.options.body_limit }));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(WireResponse { status, headers, body })
    }
}
