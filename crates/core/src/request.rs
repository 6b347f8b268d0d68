//! Case → [`WireRequest`]: the awsJson1_1 envelope and placeholder resolution. Pure.

use serde_json::{json, Value};

use crate::contract::{self, input};
use crate::source::{BodyTemplate, Case, Placeholder};

/// An HTTP request as sent on the wire (and as the reference handler receives it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireRequest {
    /// HTTP method.
    pub method: String,
    /// Path and query.
    pub path: String,
    /// Headers in order; names compare case-insensitively.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl WireRequest {
    /// A request for this operation with `body`, with the awsJson1_1 headers.
    pub fn operation(body: Vec<u8>) -> WireRequest {
        WireRequest {
            method: "POST".to_owned(),
            path: "/".to_owned(),
            headers: vec![
                ("Content-Type".to_owned(), contract::CONTENT_TYPE.to_owned()),
                ("X-Amz-Target".to_owned(), contract::TARGET.to_owned()),
            ],
            body,
        }
    }

    /// A request for this operation with a JSON body.
    pub fn json(body: &Value) -> WireRequest {
        WireRequest::operation(body.to_string().into_bytes())
    }

    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Sets (or, with an empty value, removes) a header.
    pub fn set_header(&mut self, name: &str, value: &str) {
        self.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        if !value.is_empty() {
            self.headers.push((name.to_owned(), value.to_owned()));
        }
    }

    /// The body parsed as JSON, when it is JSON.
    pub fn json_body(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// What placeholders resolve to in one run.
#[derive(Debug, Clone, Default)]
pub struct Bindings {
    /// Executions known to exist on the target (the first is `{{execution_id}}`).
    pub execution_ids: Vec<String>,
    /// A well-formed id that names no execution.
    pub random_id: String,
    /// A real token from the first page of the first execution at MaxResults 10, when one exists.
    pub next_token: Option<String>,
}

/// Why a case cannot be built against this target (it is then skipped, with this reason).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Unresolved(pub String);

impl From<String> for Unresolved {
    fn from(s: String) -> Self {
        Unresolved(s)
    }
}

impl Bindings {
    /// The text a placeholder stands for.
    pub fn resolve(&self, p: &Placeholder) -> Result<String, Unresolved> {
        let need_exec = || Unresolved("needs an execution known to hold tasks (give --execution-id)".to_owned());
        Ok(match p {
            Placeholder::ExecutionId => self.execution_ids.first().cloned().ok_or_else(need_exec)?,
            Placeholder::ExecutionIdUpper => {
                self.execution_ids.first().map(|e| e.to_ascii_uppercase()).ok_or_else(need_exec)?
            }
            Placeholder::ExecutionIdAdjacent => {
                let id = self.execution_ids.first().ok_or_else(need_exec)?;
                self.adjacent(id)
            }
            Placeholder::OtherExecutionId => {
                self.execution_ids.get(1).cloned().ok_or_else(|| {
                    Unresolved("needs a second known execution (give --execution-id twice)".to_owned())
                })?
            }
            Placeholder::RandomId => self.random_id.clone(),
            Placeholder::RandomIdUpper => self.random_id.to_ascii_uppercase(),
            Placeholder::Repeat { text, count } => text.repeat(*count),
            Placeholder::NextToken => self.token()?.to_owned(),
            Placeholder::NextTokenTampered => tamper(self.token()?),
            Placeholder::NextTokenTruncated => {
                let t = self.token()?;
                let mut cut = t.len() / 2;
                while !t.is_char_boundary(cut) {
                    cut -= 1;
                }
                t[..cut].to_owned()
            }
        })
    }

    /// Run-specific values and the placeholders that stand for them in snapshots, so that a
    /// snapshot recorded against one target compares with another.
    pub fn redactions(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (i, id) in self.execution_ids.iter().enumerate() {
            let name = match i {
                0 => "[execution_id]".to_owned(),
                1 => "[other_execution_id]".to_owned(),
                n => format!("[execution_id_{}]", n + 1),
            };
            out.push((id.clone(), name));
        }
        if let Some(first) = self.execution_ids.first() {
            out.push((self.adjacent(first), "[execution_id_adjacent]".to_owned()));
        }
        out.push((self.random_id.clone(), "[random_id]".to_owned()));
        out.push((self.random_id.to_ascii_uppercase(), "[random_id_upper]".to_owned()));
        for (p, name) in [
            (Placeholder::NextToken, "[next_token]"),
            (Placeholder::NextTokenTampered, "[next_token_tampered]"),
            (Placeholder::NextTokenTruncated, "[next_token_truncated]"),
        ] {
            if let Ok(v) = self.resolve(&p) {
                out.push((v, name.to_owned()));
            }
        }
        out
    }

    /// `id` with its last character replaced by the first hex digit that makes it name no known
    /// execution in any letter case.
    fn adjacent(&self, id: &str) -> String {
        let stem: String = id.chars().take(id.chars().count().saturating_sub(1)).collect();
        "0123456789abcdef"
            .chars()
            .map(|c| format!("{stem}{c}"))
            .find(|cand| !self.execution_ids.iter().any(|e| e.eq_ignore_ascii_case(cand)))
            .unwrap_or_else(|| format!("{stem}g"))
    }

    fn token(&self) -> Result<&str, Unresolved> {
        if self.execution_ids.is_empty() {
            return Err(Unresolved("needs an execution known to hold tasks (give --execution-id)".to_owned()));
        }
        self.next_token.as_deref().filter(|t| !t.is_empty()).ok_or_else(|| {
            Unresolved("needs an execution with more than 10 tasks (its first page had no NextToken)".to_owned())
        })
    }
}

/// The token with one character changed in its middle, keeping its length and alphabet.
pub fn tamper(token: &str) -> String {
    let mut chars: Vec<char> = token.chars().collect();
    if chars.is_empty() {
        return "x".to_owned();
    }
    let i = chars.len() / 2;
    chars[i] = match chars[i] {
        'A' => 'B',
        '0' => '1',
        c if c.is_ascii_alphanumeric() => 'A',
        _ => '0',
    };
    chars.into_iter().collect()
}

pub use crate::source::BODY_MAX;

/// Builds the wire request of a case.
pub fn build(case: &Case, bindings: &Bindings) -> Result<WireRequest, Unresolved> {
    let mut total = 0usize;
    let body = crate::source::substitute(case.request.body.text(), |p| {
        let text = bindings.resolve(p)?;
        total = total.saturating_add(text.len());
        if total > BODY_MAX {
            return Err(Unresolved(format!("the body's placeholders expand to more than {BODY_MAX} bytes")));
        }
        Ok(text)
    })?;
    if let BodyTemplate::Json(_) = case.request.body {
        // The loader proved the template is JSON with sample values; a real value that breaks it
        // (a token with a quote in it) would make the case test something else.
        serde_json::from_str::<Value>(&body)
            .map_err(|e| Unresolved(format!("the resolved JSON body is not JSON ({e})")))?;
    }
    let mut req = WireRequest::operation(body.into_bytes());
    for (name, value) in &case.request.headers {
        req.set_header(name, value);
    }
    Ok(req)
}
/// One page request of a walk: `exec`, and `MaxResults`, `Filters` and `NextToken` when given.
pub fn page_request(exec: &str, size: Option<i64>, filters: Option<&Value>, token: Option<&str>) -> WireRequest {
    let mut body = serde_json::Map::new();
    body.insert(input::WINDOW_EXECUTION_ID.into(), json!(exec));
    if let Some(n) = size {
        body.insert(input::MAX_RESULTS.into(), json!(n));
    }
    if let Some(f) = filters {
        body.insert(input::FILTERS.into(), f.clone());
    }
    if let Some(t) = token {
        body.insert(input::NEXT_TOKEN.into(), json!(t));
    }
    WireRequest::json(&Value::Object(body))
}
