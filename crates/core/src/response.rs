//! [`WireResponse`] and the typed views the checks read: [`Received`] (the body parsed once),
//! [`ErrorShape`] and [`Page`] (borrowed from it, never cloned). Decoding never panics, whatever
//! the endpoint sent.

use std::cell::OnceCell;

use serde_json::{Map, Value};

use crate::contract::{self, error_body, output};

/// The byte that opens a JSON object (an opening curly bracket).
pub const JSON_OBJECT_START: u8 = 0x7B;
/// The byte that opens a JSON array.
pub const JSON_ARRAY_START: u8 = 0x5B;

/// An HTTP response as received (body already capped by the transport).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireResponse {
    /// HTTP status.
    pub status: u16,
    /// Headers in order; names compare case-insensitively.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl WireResponse {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The body as JSON, or why it is not.
    pub fn json(&self) -> Result<Value, String> {
        if self.body.is_empty() {
            return Err("the body is empty".to_owned());
        }
        serde_json::from_slice(&self.body).map_err(|e| format!("the body is not JSON ({e})"))
    }

    /// Whether the `Content-Type` is the awsJson1_1 type (parameters such as charset ignored).
    pub fn has_aws_json_content_type(&self) -> bool {
        self.header("content-type")
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case(contract::CONTENT_TYPE))
    }

    /// A short description for reports: status, error type or item count, or a body excerpt.
    pub fn summary(&self) -> String {
        if (300..400).contains(&self.status) {
            let to = self.header("location").unwrap_or("nowhere");
            return format!("{} redirect to {to} (not followed)", self.status);
        }
        if self.body.is_empty() {
            return format!("{} (empty body)", self.status);
        }
        match self.json() {
            Ok(Value::Object(map)) if self.status >= 300 => {
                let shape = ErrorShape::from_object(self, &map);
                let ty = shape.resolved_type.as_deref().unwrap_or("no __type");
                match &shape.message {
                    Some(m) => format!("{} {ty}: {}", self.status, excerpt(m, 160)),
                    None => format!("{} {ty}", self.status),
                }
            }
            Ok(Value::Object(map)) => match map.get(output::ITEMS) {
                Some(Value::Array(items)) => format!("{} with {} items", self.status, items.len()),
                _ => format!("{} {}", self.status, excerpt(&String::from_utf8_lossy(&self.body), 120)),
            },
            Ok(_) => format!("{} {}", self.status, excerpt(&String::from_utf8_lossy(&self.body), 120)),
            Err(why) => {
                let text = excerpt(&String::from_utf8_lossy(&self.body), 120);
                // Say why a body that looks like JSON is not (nesting, bad UTF-8, truncation).
                if self.body.first().is_some_and(|b| [JSON_OBJECT_START, JSON_ARRAY_START].contains(b)) {
                    format!("{} {text}; {why}", self.status)
                } else {
                    format!("{} {text}", self.status)
                }
            }
        }
    }
}

/// `s` cut to about `max` characters on one line.
pub fn excerpt(s: &str, max: usize) -> String {
    let one_line: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let one_line = one_line.trim();
    if one_line.chars().count() <= max {
        one_line.to_owned()
    } else {
        let cut: String = one_line.chars().take(max).collect();
        format!("{cut}…")
    }
}

/// An error response as the AWS SDKs read it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ErrorShape {
    /// Whether the body is a JSON object.
    pub body_is_object: bool,
    /// The body's `__type`, as sent.
    pub raw_type: Option<String>,
    /// `__type` resolved the awsJson way (namespace and `:` suffix stripped).
    pub resolved_type: Option<String>,
    /// The `X-Amzn-ErrorType` header, resolved.
    pub header_type: Option<String>,
    /// A body `code` member, resolved.
    pub code_member: Option<String>,
    /// The message under `message` or `Message` (botocore reads `message`, then `Message`).
    pub message: Option<String>,
    /// A message under a key botocore does not read (`errorMessage`), when there is no other.
    pub unread_message_key: Option<String>,
}

impl ErrorShape {
    /// Reads the error shape of any response (parsing its body; a check reads
    /// [`Received::error_shape`] instead).
    pub fn of(resp: &WireResponse) -> ErrorShape {
        ErrorShape::read(resp, resp.json().as_ref().ok())
    }

    /// The error shape of `resp`, whose body parsed as `json` (`None`: not JSON).
    fn read(resp: &WireResponse, json: Option<&Value>) -> ErrorShape {
        match json {
            Some(Value::Object(map)) => ErrorShape::from_object(resp, map),
            _ => ErrorShape {
                header_type: resp
                    .header(contract::ERROR_TYPE_HEADER)
                    .map(|t| contract::resolve_error_type(t).to_owned()),
                ..ErrorShape::default()
            },
        }
    }

    fn from_object(resp: &WireResponse, map: &Map<String, Value>) -> ErrorShape {
        let raw_type = map.get(error_body::TYPE).and_then(Value::as_str).map(str::to_owned);
        let resolved_type =
            raw_type.as_deref().map(|t| contract::resolve_error_type(t).to_owned()).filter(|t| !t.is_empty());
        let message =
            error_body::MESSAGE_KEYS.iter().find_map(|k| map.get(*k).and_then(Value::as_str)).map(str::to_owned);
        let unread_message_key = if message.is_none() {
            error_body::UNREAD_MESSAGE_KEYS.iter().find(|k| map.contains_key(**k)).map(|k| (*k).to_owned())
        } else {
            None
        };
        ErrorShape {
            body_is_object: true,
            raw_type,
            resolved_type,
            header_type: resp.header(contract::ERROR_TYPE_HEADER).map(|t| contract::resolve_error_type(t).to_owned()),
            code_member: map
                .get(error_body::CODE)
                .and_then(Value::as_str)
                .map(|t| contract::resolve_error_type(t).to_owned()),
            message,
            unread_message_key,
        }
    }
}

/// A response with its body parsed once: the view every check reads. It dereferences to the
/// [`WireResponse`] (status, headers, bytes); the parsed body, the error shape and the page are
/// read from the one parse.
#[derive(Debug)]
pub struct Received<'a> {
    resp: &'a WireResponse,
    json: Result<Value, String>,
    error_shape: OnceCell<ErrorShape>,
}

impl<'a> Received<'a> {
    /// Parses `resp`'s body once.
    pub fn new(resp: &'a WireResponse) -> Received<'a> {
        Received { resp, json: resp.json(), error_shape: OnceCell::new() }
    }

    /// The body as JSON, or why it is not.
    pub fn json(&self) -> Result<&Value, &str> {
        self.json.as_ref().map_err(String::as_str)
    }

    /// The error shape, as the AWS SDKs read it.
    pub fn error_shape(&self) -> &ErrorShape {
        self.error_shape.get_or_init(|| ErrorShape::read(self.resp, self.json.as_ref().ok()))
    }

    /// The body as a success page, or why it is not one.
    pub fn page(&self) -> Result<Page<'_>, String> {
        Page::from_json(self.json.as_ref().map_err(String::clone)?)
    }
}

impl std::ops::Deref for Received<'_> {
    type Target = WireResponse;

    fn deref(&self) -> &WireResponse {
        self.resp
    }
}

/// A success page as the paginator reads it, borrowed from the parsed body.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<'a> {
    /// The items (each whatever JSON the endpoint sent).
    pub items: &'a [Value],
    /// The next token; `None` for absent, `null` or `""` (all mean the end).
    pub next_token: Option<&'a str>,
}

impl<'a> Page<'a> {
    /// Reads a page from a parsed body, or says why the body is not one.
    pub fn from_json(value: &'a Value) -> Result<Page<'a>, String> {
        let Value::Object(map) = value else {
            return Err("the body is not a JSON object".to_owned());
        };
        let items: &[Value] = match map.get(output::ITEMS) {
            None | Some(Value::Null) => &[],
            Some(Value::Array(items)) => items,
            Some(other) => return Err(format!("{} is {}, not a list", output::ITEMS, json_type(other))),
        };
        let next_token = match map.get(output::NEXT_TOKEN) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.is_empty() => None,
            Some(Value::String(s)) => Some(s.as_str()),
            Some(other) => return Err(format!("{} is {}, not a string", output::NEXT_TOKEN, json_type(other))),
        };
        Ok(Page { items, next_token })
    }

    /// The `TaskExecutionId` of each item (`None` where absent or not a string).
    pub fn task_ids(&self) -> Vec<Option<String>> {
        self.items.iter().map(|i| i.get(output::TASK_EXECUTION_ID).and_then(Value::as_str).map(str::to_owned)).collect()
    }
}

/// The next token of a success page in `resp` (`None`: none, or not a page).
pub fn next_token_of(resp: &WireResponse) -> Option<String> {
    Received::new(resp).page().ok()?.next_token.map(str::to_owned)
}

/// The JSON type of a value, for messages.
pub fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// What an answer means for retrying it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerClass {
    /// An answer to judge.
    Final,
    /// A throttle: back off and send again.
    Throttle,
    /// A transient server error (500, 502, 503, 504): retried as the SDKs' standard mode does.
    Transient,
}

/// The class of `resp` for retrying it: wider than an SDK's on purpose (anything that looks like
/// a throttle is retried, so the rest can be evaluated; whether an SDK would recognise it is the
/// `throttle-shape` check's question).
pub fn classify(resp: &WireResponse) -> AnswerClass {
    if looks_throttled(resp) {
        AnswerClass::Throttle
    } else if contract::real_service::TRANSIENT_STATUSES.contains(&resp.status) {
        AnswerClass::Transient
    } else {
        AnswerClass::Final
    }
}

/// Whether `resp` says it is a throttle in any way an SDK or a person would read: HTTP 429, or
/// a throttling code in `__type`, `X-Amzn-ErrorType` or a `code` member.
pub fn looks_throttled(resp: &WireResponse) -> bool {
    if resp.status == contract::real_service::TOO_MANY_REQUESTS {
        return true;
    }
    let header = resp
        .header(contract::ERROR_TYPE_HEADER)
        .is_some_and(|t| contract::real_service::is_throttling_code(contract::resolve_error_type(t)));
    // A page is never parsed twice: only a body that names an error type is read here.
    let names_type = resp.status != 200 || contains(&resp.body, b"__type") || contains(&resp.body, b"\"code\"");
    header || (names_type && throttling_code_in_body(&ErrorShape::of(resp)))
}

fn throttling_code_in_body(shape: &ErrorShape) -> bool {
    [&shape.resolved_type, &shape.code_member]
        .into_iter()
        .flatten()
        .any(|c| contract::real_service::is_throttling_code(c))
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// An answer for a unit test: `status`, `headers`, `body`.
    pub(crate) fn answer(status: u16, headers: &[(&str, &str)], body: &str) -> WireResponse {
        WireResponse {
            status,
            headers: headers.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn throttles_are_told_from_transient_errors_and_answers() {
        let throttle = r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#;
        assert_eq!(classify(&answer(400, &[], throttle)), AnswerClass::Throttle);
        assert_eq!(
            classify(&answer(400, &[], r#"{"__type":"com.amazonaws.ssm#Throttling:x"}"#)),
            AnswerClass::Throttle
        );
        assert_eq!(classify(&answer(429, &[], "")), AnswerClass::Throttle);
        assert_eq!(classify(&answer(400, &[("X-Amzn-ErrorType", "ThrottlingException")], "{}")), AnswerClass::Throttle);
        assert_eq!(classify(&answer(200, &[], throttle)), AnswerClass::Throttle);
        assert_eq!(classify(&answer(503, &[], "")), AnswerClass::Transient);
        assert_eq!(classify(&answer(500, &[], r#"{"__type":"InternalServerError"}"#)), AnswerClass::Transient);
        assert_eq!(classify(&answer(501, &[], "")), AnswerClass::Final);
        assert_eq!(classify(&answer(400, &[], r#"{"__type":"ValidationException"}"#)), AnswerClass::Final);
        assert_eq!(classify(&answer(200, &[], r#"{"WindowExecutionTaskIdentities":[]}"#)), AnswerClass::Final);
    }
}
