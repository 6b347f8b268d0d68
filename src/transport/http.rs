//! reqwest underneath: a timeout on every request that covers the whole exchange (connect,
//! response head and every body byte), no redirects followed, the body read in chunks up to a
//! cap whatever the framing (Content-Length, chunked or close-delimited).

use std::sync::Arc;
use std::time::Duration;

use std::collections::{BTreeMap, BTreeSet};

use super::pace::{Pacer, PacingOptions};
use super::retry::{self, AnswerClass, RetryLedger, RetryPolicy};
use super::sign::{CredentialSource, Signer};
use crate::check::throttle;
use crate::contract::EitherRule;
use crate::finding::{CaseResult, Traffic};
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
    /// The rate requests are sent at, and whether throttles lower it.
    pub pacing: PacingOptions,
    /// How throttles and transient errors are retried.
    pub retry: RetryPolicy,
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
    /// Every attempt was throttled: the request was given up, and its unit is not evaluated.
    Throttled {
        /// How many attempts were made.
        attempts: u32,
        /// The last throttle, in a few words (`400 ThrottlingException`).
        last: String,
    },
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
        TransportErrorKind::Throttled { attempts, last } => {
            format!("the endpoint throttled all {attempts} attempts (the last: {last}); not evaluated: lower --rate")
        }
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

impl TransportError {
    /// Whether the request was given up because every attempt was throttled: its unit is not
    /// evaluated (never passed, never failed).
    pub fn is_throttled(&self) -> bool {
        matches!(self.kind, TransportErrorKind::Throttled { .. })
    }
}

/// An HTTP client for one endpoint. Clones share the pacing and the retry ledger.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    url: String,
    options: TransportOptions,
    recorder: Option<super::record::Recorder>,
    signer: Option<Signer>,
    pacer: Arc<Pacer>,
    ledger: Arc<RetryLedger>,
    retry: RetryPolicy,
}

/// One attempt's result, and whether a failed exchange broke before the response head (a
/// transient error the SDKs retry).
struct Attempt {
    result: Result<WireResponse, TransportError>,
    broke_before_head: bool,
    /// The signature's headers it was sent with (for the recorder).
    signed: Vec<(String, String)>,
}

/// What the retries of one request cost, for the quota.
#[derive(Default)]
struct Tries {
    throttles: u32,
    transient: u32,
    cost: u32,
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
        let ClientConfig { options, signer, recorder, pacing, retry } = config;
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(options.timeout)
            .connect_timeout(options.timeout.min(Duration::from_secs(5)))
            .build()
            .map_err(|e| TransportError { url: url.to_owned(), kind: TransportErrorKind::Other(root_cause(&e)) })?;
        Ok(Client {
            http,
            url: url.trim_end_matches('/').to_owned(),
            options,
            signer,
            recorder,
            pacer: Arc::new(Pacer::new(pacing)),
            ledger: Arc::new(RetryLedger::default()),
            retry,
        })
    }

    /// What the retries met so far (throttles, transient errors, waits), shared by every clone.
    pub fn ledger(&self) -> &RetryLedger {
        &self.ledger
    }

    /// The pacing every request of this client passes.
    pub fn pacer(&self) -> &Pacer {
        &self.pacer
    }

    /// What the requests met on the way (the report's `traffic` line): throttles, transient
    /// errors, the rate the pacer settled at, the time spent waiting.
    pub fn traffic(&self) -> Traffic {
        let c = self.ledger.counts();
        Traffic {
            attempts: c.attempts,
            throttled: c.throttled,
            transient_retried: c.transient_retried,
            transient_repeated: c.transient_repeated,
            given_up: c.given_up,
            settled_rate: self.pacer.rate(),
            backoff_seconds: c.backoff.as_secs_f64(),
            paced_seconds: c.paced.as_secs_f64(),
        }
    }

    /// The `throttle-shape` unit of the throttles this client met, whatever drove it (see
    /// [`throttle::throttle_unit`]); `None` when nothing was throttled.
    pub fn throttle_unit(&self, choices: &mut BTreeMap<EitherRule, BTreeSet<String>>) -> Option<CaseResult> {
        let counts = self.ledger.counts();
        let met = throttle::Met { throttled: counts.throttled, transient_retried: counts.transient_retried > 0 };
        throttle::throttle_unit(&self.ledger.throttle_samples(), met, &|r| self.repro(r), choices)
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

    /// Sends one request, paced, retrying throttles and transient errors as the SDKs do
    /// (`retry.rs`); the answer returned is the final one, the one to judge. Each exchange, to
    /// the body's last byte, is bounded by the timeout and the body by the size limit.
    pub async fn send(&self, req: &WireRequest) -> Result<WireResponse, TransportError> {
        let mut tries = Tries::default();
        loop {
            let paced = self.pacer.acquire().await;
            self.ledger.attempt(paced);
            let Attempt { result, broke_before_head, signed } = self.attempt(req).await;
            let class = match &result {
                Ok(resp) => retry::classify(resp),
                Err(_) if broke_before_head => AnswerClass::Transient,
                Err(_) => AnswerClass::Final,
            };
            self.pacer.update(class == AnswerClass::Throttle);
            let wait = match (class, &result) {
                (AnswerClass::Throttle, Ok(resp)) => {
                    self.ledger.throttle(req, resp);
                    tries.throttles += 1;
                    if tries.throttles >= self.retry.throttle_attempts {
                        self.ledger.given_up();
                        let last = format!("{} {}", resp.status, throttle_name(resp));
                        let error = self.error(TransportErrorKind::Throttled { attempts: tries.throttles, last });
                        return self.finish(req, &signed, Err(error), &tries);
                    }
                    self.retry.backoff(tries.throttles)
                }
                (AnswerClass::Transient, _) => {
                    let cost = if broke_before_head { 10 } else { 5 };
                    let more = tries.transient + 1 < self.retry.transient_attempts;
                    if !more || !self.ledger.take_quota(&self.retry, cost) {
                        self.ledger.repeated();
                        return self.finish(req, &signed, result, &tries);
                    }
                    tries.transient += 1;
                    tries.cost += cost;
                    self.retry.transient_backoff(tries.transient)
                }
                _ => {
                    if result.is_ok() {
                        self.ledger.answered(tries.transient, tries.cost);
                    }
                    return self.finish(req, &signed, result, &tries);
                }
            };
            tokio::time::sleep(wait).await;
            self.ledger.backoff(wait);
        }
    }

    /// Records the final answer, with the retries noted.
    fn finish(
        &self,
        req: &WireRequest,
        signed: &[(String, String)],
        result: Result<WireResponse, TransportError>,
        tries: &Tries,
    ) -> Result<WireResponse, TransportError> {
        if let Some(recorder) = &self.recorder {
            // The headers the final attempt was signed with (the recorder redacts the secrets); a
            // throttle is never recorded as the answer.
            let note = retries_note(tries);
            recorder.record_noted(req, signed, result.as_ref().map_err(|e| e.to_string()), note.as_deref());
        }
        result
    }

    fn signed_headers(&self, req: &WireRequest) -> Result<Vec<(String, String)>, TransportError> {
        match &self.signer {
            Some(signer) => {
                signer.headers(&self.url, req).map_err(|e| self.error(TransportErrorKind::Other(e.to_string())))
            }
            None => Ok(Vec::new()),
        }
    }

    /// One attempt, signed afresh (a retry after a long backoff must carry a fresh date).
    async fn attempt(&self, req: &WireRequest) -> Attempt {
        // reqwest's own timeout covers the body too; this deadline makes the bound independent
        // of how the HTTP layer arms its timers.
        let signed = match self.signed_headers(req) {
            Ok(signed) => signed,
            Err(e) => return Attempt { result: Err(e), broke_before_head: false, signed: Vec::new() },
        };
        let (result, broke_before_head) =
            match tokio::time::timeout(self.options.timeout, self.exchange(req, &signed)).await {
                Ok(Ok(resp)) => (Ok(resp), false),
                Ok(Err((e, broke_before_head))) => (Err(e), broke_before_head),
                Err(_elapsed) => (Err(self.error(TransportErrorKind::Timeout)), false),
            };
        Attempt { result, broke_before_head, signed }
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

    /// One exchange; a failure says whether it broke before the response head (not a timeout
    /// and not a refused connection: a reset or a closed keep-alive connection).
    async fn exchange(
        &self,
        req: &WireRequest,
        signed: &[(String, String)],
    ) -> Result<WireResponse, (TransportError, bool)> {
        let method = reqwest::Method::from_bytes(req.method.as_bytes()).map_err(|e| {
            (self.error(TransportErrorKind::Other(format!("cannot send method {:?} ({e})", req.method))), false)
        })?;
        let mut builder = self.http.request(method, format!("{}{}", self.url, req.path));
        for (k, v) in &req.headers {
            builder = builder.header(k, v);
        }
        for (k, v) in signed {
            builder = builder.header(k, v);
        }
        let classify = |e: reqwest::Error, phase: Phase| {
            let before_head = matches!(phase, Phase::Head) && !e.is_timeout() && !e.is_connect();
            let kind = if e.is_timeout() {
                TransportErrorKind::Timeout
            } else if e.is_connect() {
                TransportErrorKind::Connect(root_cause(&e))
            } else {
                let cause = root_cause(&e);
                TransportErrorKind::Other(match phase {
                    Phase::Head => format!("the exchange failed before a complete response head arrived ({cause})"),
                    Phase::Body(n) => format!("the response body broke off after {n} bytes ({cause})"),
                })
            };
            (self.error(kind), before_head)
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
        let too_large = || (self.error(TransportErrorKind::BodyTooLarge { limit }), false);
        if resp.content_length().is_some_and(|n| n > limit as u64) {
            return Err(too_large());
        }
        // Without a length (chunked, close-delimited) or with one that lies, the cap holds too:
        // no more than `limit` bytes are ever kept.
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| classify(e, Phase::Body(body.len())))? {
            if chunk.len() > limit - body.len() {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(WireResponse { status, headers, body })
    }
}

/// A throttle's type in a few words: `__type`, else the header's, else `no __type`.
fn throttle_name(resp: &WireResponse) -> String {
    let shape = crate::response::ErrorShape::of(resp);
    let name = shape.resolved_type.or(shape.header_type).or(shape.code_member);
    crate::response::excerpt(name.as_deref().unwrap_or("no __type"), 60)
}

/// What a recording notes of a request's retries (`None`: there were none).
fn retries_note(tries: &Tries) -> Option<String> {
    let mut parts = Vec::new();
    if tries.throttles > 0 {
        parts.push(format!("after {} throttled", tries.throttles));
    }
    if tries.transient > 0 {
        parts.push(format!("after {} transient", tries.transient));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
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
