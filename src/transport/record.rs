//! Recordings (`run --record DIR`): every exchange a run makes, as raw HTTP — the request as sent
//! (its signature redacted) and the answer as it came — dated, one readable file per unit of the
//! run, so that `run --replay DIR` can send the same requests to another endpoint and compare.
//! A recording of real AWS is the wire-level truth nobody publishes.
//!
//! The unit an exchange belongs to is the task-local [`UNIT`] the runner sets around each unit
//! ([`in_unit`]); the [`Recorder`] in the client's settings keeps every exchange in memory (bodies
//! capped) and writes the folder at the end of the run.
//!
//! One file, `NNN-<unit>.http`:
//!
//! ```text
//! # ssm-conform recording · unit max-results-9 · endpoint http://127.0.0.1:4566
//! ### request 1 · 2026-11-29T19:20:00.123Z
//! POST / HTTP/1.1
//! x-amz-target: AmazonSSM.DescribeMaintenanceWindowExecutionTasks
//! authorization: [redacted]
//! content-length: 27
//!
//! {"WindowExecutionId":"..."}
//! ### response 1
//! HTTP/1.1 400
//! content-type: application/x-amz-json-1.1
//! content-length: 95
//!
//! {"__type":"ValidationException","message":"..."}
//! ```
//!
//! A body is exactly `content-length` bytes after the blank line (the recorder writes that header
//! itself, for the bytes it kept); an exchange with no answer has `### no response 1` and the
//! error on the next line.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::request::WireRequest;
use crate::response::WireResponse;

tokio::task_local! {
    /// The unit of the run the current exchange belongs to.
    pub static UNIT: String;
}

/// Runs `fut` as part of the unit `name`: what it sends is recorded under that name.
pub async fn in_unit<F: std::future::Future>(name: impl Into<String>, fut: F) -> F::Output {
    UNIT.scope(name.into(), fut).await
}

/// Request headers whose values are secrets.
const REDACTED: [&str; 3] = ["authorization", "x-amz-security-token", "cookie"];

/// The most body bytes a recording keeps of one message.
pub const BODY_LIMIT: usize = 1 << 20;

/// One exchange as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// When it was sent (RFC 3339, UTC).
    pub at: String,
    /// The request, with the signature's headers as sent (secrets redacted).
    pub request: WireRequest,
    /// The answer, or why none came: the final one, after any retries (a throttle is never
    /// kept as the answer).
    pub response: Result<WireResponse, String>,
    /// What the retries before it met (`after 2 throttled, after 1 transient`), if any.
    pub note: Option<String>,
}

/// A unit's place among the units (the order it first sent) and its exchanges.
type UnitExchanges = (usize, Vec<Recorded>);

/// Why a message could not be read, at which line.
type ErrorAt<'e> = &'e dyn Fn(usize, &str) -> RecordingError;

/// A message's headers and body.
type Message = (Vec<(String, String)>, Vec<u8>);

/// Every exchange of a run, by unit, in the order they completed.
#[derive(Debug, Clone, Default)]
pub struct Recorder {
    units: Arc<Mutex<BTreeMap<String, UnitExchanges>>>,
    /// The executions the run held to exist (given or discovered).
    execution_ids: Arc<Mutex<Vec<String>>>,
}

/// The file of a recording that lists the executions the recorded run held to exist, one per
/// line: facts a replay starts from, as the run did.
pub const EXECUTION_IDS_FILE: &str = "execution-ids.txt";

impl Recorder {
    /// Records one exchange under the current unit (`other` outside any).
    pub fn record(&self, request: &WireRequest, signed: &[(String, String)], response: Result<&WireResponse, String>) {
        self.record_noted(request, signed, response, None);
    }

    /// Records one exchange with a note of the retries that came before its answer.
    pub fn record_noted(
        &self,
        request: &WireRequest,
        signed: &[(String, String)],
        response: Result<&WireResponse, String>,
        note: Option<&str>,
    ) {
        let unit = UNIT.try_with(Clone::clone).unwrap_or_else(|_| "other".to_owned());
        let mut request = request.clone();
        request.headers.extend(signed.iter().cloned());
        for (k, v) in &mut request.headers {
            if REDACTED.contains(&k.to_ascii_lowercase().as_str()) {
                *v = "[redacted]".to_owned();
            }
        }
        request.body.truncate(BODY_LIMIT);
        let response = response.map(|r| WireResponse {
            status: r.status,
            headers: r.headers.iter().filter(|(k, _)| !k.eq_ignore_ascii_case("set-cookie")).cloned().collect(),
            body: r.body[..r.body.len().min(BODY_LIMIT)].to_vec(),
        });
        let mut units = self.units.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let order = units.len();
        units.entry(unit).or_insert_with(|| (order, Vec::new())).1.push(Recorded {
            at: crate::clock::now(),
            request,
            response,
            note: note.map(|n| n.replace(['\r', '\n'], " ")),
        });
    }

    /// Keeps the executions the run holds to exist, for [`EXECUTION_IDS_FILE`].
    pub fn set_execution_ids(&self, ids: &[String]) {
        *self.execution_ids.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = ids.to_vec();
    }

    /// Writes one file per unit into `dir` (made if missing), and the execution ids; returns the
    /// files.
    pub fn write(&self, dir: &Path, endpoint: &str) -> std::io::Result<Vec<PathBuf>> {
        std::fs::create_dir_all(dir)?;
        let ids = self.execution_ids.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        let listed: String = ids.iter().map(|id| format!("{}\n", id.replace(['\r', '\n'], " "))).collect();
        std::fs::write(dir.join(EXECUTION_IDS_FILE), listed)?;
        let units = self.units.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut by_order: Vec<(&String, &(usize, Vec<Recorded>))> = units.iter().collect();
        by_order.sort_by_key(|(_, (order, _))| *order);
        let mut files = Vec::new();
        for (i, (unit, (_, exchanges))) in by_order.into_iter().enumerate() {
            let path = dir.join(format!("{:03}-{}.http", i + 1, file_name(unit)));
            std::fs::write(&path, render(unit, endpoint, exchanges))?;
            files.push(path);
        }
        Ok(files)
    }
}

/// A unit's name as a file name: letters, digits, `-` and `.`; the rest `_`; at most 80.
fn file_name(unit: &str) -> String {
    unit.chars().take(80).map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '.' { c } else { '_' }).collect()
}

/// One message: its first line, its headers (framing replaced by the kept body's length), the
/// body.
fn message(out: &mut Vec<u8>, first: &str, headers: &[(String, String)], body: &[u8]) {
    let mut head = format!("{first}\n");
    for (k, v) in headers.iter().filter(|(k, _)| !is_framing(k)) {
        // A header value cannot hold a line break on the wire; escaped, it cannot here either.
        let _ = writeln!(head, "{}: {}", k.to_ascii_lowercase(), v.replace(['\r', '\n'], " "));
    }
    let _ = writeln!(head, "content-length: {}\n", body.len());
    out.extend_from_slice(head.as_bytes());
    out.extend_from_slice(body);
    out.push(b'\n');
}

fn is_framing(name: &str) -> bool {
    ["content-length", "transfer-encoding", "connection"].iter().any(|f| name.eq_ignore_ascii_case(f))
}

/// A unit's file.
pub fn render(unit: &str, endpoint: &str, exchanges: &[Recorded]) -> Vec<u8> {
    let mut out = format!(
        "# ssm-conform recording · unit {} · endpoint {endpoint} · ssm-conform {}\n",
        unit.replace(['\r', '\n'], " "),
        env!("CARGO_PKG_VERSION")
    )
    .into_bytes();
    for (i, e) in exchanges.iter().enumerate() {
        let n = i + 1;
        let note = e.note.as_deref().map(|n| format!(" · {n}")).unwrap_or_default();
        out.extend_from_slice(format!("### request {n} · {}{note}\n", e.at).as_bytes());
        let first = format!("{} {} HTTP/1.1", e.request.method, e.request.path);
        message(&mut out, &first, &e.request.headers, &e.request.body);
        match &e.response {
            Ok(r) => {
                out.extend_from_slice(format!("### response {n}\n").as_bytes());
                message(&mut out, &format!("HTTP/1.1 {}", r.status), &r.headers, &r.body);
            }
            Err(why) => out.extend_from_slice(format!("### no response {n}\n{}\n", why.replace('\n', " ")).as_bytes()),
        }
    }
    out
}

/// A recording file that cannot be read, with where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}:{line}: {message}", path.display())]
pub struct RecordingError {
    /// The file.
    pub path: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// A cursor over a file's bytes, by line.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
    line: usize,
}

impl<'a> Cursor<'a> {
    fn next_line(&mut self) -> Option<&'a str> {
        if self.at >= self.bytes.len() {
            return None;
        }
        let end = self.bytes[self.at..].iter().position(|b| *b == b'\n').map_or(self.bytes.len(), |i| self.at + i);
        let line = std::str::from_utf8(&self.bytes[self.at..end]).unwrap_or("");
        self.at = end + 1;
        self.line += 1;
        Some(line)
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let body = self.bytes.get(self.at..self.at + n)?;
        self.at += n;
        self.line += body.iter().filter(|b| **b == b'\n').count();
        Some(body)
    }
}

/// One message after its first line: headers, the blank line, the body and its closing newline.
fn read_message(c: &mut Cursor<'_>, err: ErrorAt<'_>) -> Result<Message, RecordingError> {
    let mut headers = Vec::new();
    let mut length = None;
    loop {
        let line = c.next_line().ok_or_else(|| err(c.line, "the file ends inside a message's headers"))?;
        if line.is_empty() {
            break;
        }
        let (k, v) = line
            .split_once(": ")
            .or_else(|| line.split_once(':'))
            .ok_or_else(|| err(c.line, "expected a header line `name: value`"))?;
        if k.eq_ignore_ascii_case("content-length") {
            length = Some(v.trim().parse::<usize>().map_err(|_| err(c.line, "content-length is not a number"))?);
        } else {
            headers.push((k.to_owned(), v.to_owned()));
        }
    }
    let length = length.ok_or_else(|| err(c.line, "a message without content-length"))?;
    let body = c.take(length).ok_or_else(|| err(c.line, "the file ends inside a body"))?.to_vec();
    c.take(1);
    Ok((headers, body))
}

/// Reads one unit's file: its unit name and its exchanges.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<(String, Vec<Recorded>), RecordingError> {
    let err = |line: usize, message: &str| RecordingError { path: path.to_owned(), line, message: message.to_owned() };
    let mut c = Cursor { bytes, at: 0, line: 0 };
    let header = c.next_line().unwrap_or_default();
    let unit = header
        .strip_prefix("# ssm-conform recording · unit ")
        .and_then(|rest| rest.split(" · endpoint ").next())
        .ok_or_else(|| {
            err(1, "not an ssm-conform recording (its first line is not `# ssm-conform recording · unit ...`)")
        })?
        .to_owned();
    let mut exchanges = Vec::new();
    while let Some(line) = c.next_line() {
        if line.is_empty() {
            continue;
        }
        let mut fields = line.strip_prefix("### request ").map(|r| r.split(" · ").skip(1));
        let at = fields
            .as_mut()
            .and_then(Iterator::next)
            .ok_or_else(|| err(c.line, "expected `### request N · TIME`"))?
            .to_owned();
        let note = fields.and_then(|mut f| f.next()).map(str::to_owned);
        let first = c.next_line().ok_or_else(|| err(c.line, "the file ends after `### request`"))?;
        let mut parts = first.splitn(3, ' ');
        let (method, target) = (parts.next().unwrap_or_default(), parts.next().unwrap_or_default());
        let (headers, body) = read_message(&mut c, &err)?;
        let request = WireRequest { method: method.to_owned(), path: target.to_owned(), headers, body };
        let marker =
            c.next_line().ok_or_else(|| err(c.line, "a request without `### response` or `### no response`"))?;
        let response = if marker.starts_with("### no response") {
            Err(c.next_line().unwrap_or_default().to_owned())
        } else if marker.starts_with("### response") {
            let status_line = c.next_line().unwrap_or_default();
            let status = status_line
                .split(' ')
                .nth(1)
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| err(c.line, "expected `HTTP/1.1 STATUS`"))?;
            let (headers, body) = read_message(&mut c, &err)?;
            Ok(WireResponse { status, headers, body })
        } else {
            return Err(err(c.line, "expected `### response N` or `### no response N`"));
        };
        exchanges.push(Recorded { at, request, response, note });
    }
    Ok((unit, exchanges))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rendered_unit_reads_back_as_it_was() {
        let request = WireRequest::json(&serde_json::json!({"WindowExecutionId": "x\ny"}));
        let exchanges = vec![
            Recorded {
                at: "2026-11-29T19:20:00.123Z".to_owned(),
                request: request.clone(),
                response: Ok(WireResponse {
                    status: 400,
                    headers: vec![("content-type".to_owned(), "application/x-amz-json-1.1".to_owned())],
                    body: b"{\"a\":\n1}\n\n### response 9\n\xff".to_vec(),
                }),
                note: Some("after 2 throttled".to_owned()),
            },
            Recorded {
                at: "2026-11-29T19:20:01.000Z".to_owned(),
                request,
                response: Err("timed out".to_owned()),
                note: None,
            },
        ];
        let text = render("max-results-9", "http://h:1", &exchanges);
        let (unit, back) = parse(Path::new("r.http"), &text).unwrap();
        assert_eq!(unit, "max-results-9");
        let lower =
            |r: &WireRequest| r.headers.iter().map(|(k, v)| (k.to_ascii_lowercase(), v.clone())).collect::<Vec<_>>();
        assert_eq!(lower(&back[0].request), lower(&exchanges[0].request));
        assert_eq!(back[0].request.body, exchanges[0].request.body);
        assert_eq!(back[0].response, exchanges[0].response);
        assert_eq!(back[1].response, Err("timed out".to_owned()));
        assert_eq!((back[0].note.as_deref(), back[1].note.as_deref()), (Some("after 2 throttled"), None));
        let broken = parse(Path::new("b.http"), b"# ssm-conform recording \xc2\xb7 unit u \xc2\xb7 endpoint e\n### request 1 \xc2\xb7 t\nPOST / HTTP/1.1\nx: y\n");
        assert_eq!(broken.unwrap_err().to_string(), "b.http:4: the file ends inside a message's headers");
    }
}
