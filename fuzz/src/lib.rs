//! Shared pieces of the ssm-conform fuzz targets: the structured input of `response_checks`
//! and its encoder, which turns a real response into the bytes libFuzzer would have to find
//! to produce it, and the seed writer built on it ([`seeds`]).
//!
//! The encoder follows the byte format of `arbitrary` 1.x's derive (pinned by `Cargo.lock`);
//! [`ResponseInput::to_fuzz_bytes`] checks itself by decoding what it wrote, so a change in that
//! format makes it return `None` rather than write useless seeds.

pub mod seeds;

use arbitrary::{Arbitrary, Unstructured};
use ssm_conform_core::contract;
use ssm_conform_core::request::WireRequest;
use ssm_conform_core::response::WireResponse;
use ssm_conform_core::source::{case_to_toml, BodyTemplate, Case};

/// The most headers a fuzz input keeps: the checks scan headers linearly, and an endpoint's
/// response never carries hundreds of them.
pub const MAX_HEADERS: usize = 64;

/// The environment variable that turns the `response_checks` binary into a seed writer: when
/// it names a directory, the binary writes the seed corpus there at start-up and exits, without
/// fuzzing. This spares `fuzz/smoke.sh` and ClusterFuzzLite's `build.sh` a second,
/// uninstrumented build of the whole crate just for `examples/make_seeds.rs`.
pub const WRITE_SEEDS_ENV: &str = "SSM_CONFORM_FUZZ_WRITE_SEEDS";

/// The case files the seed writer reads (default `cases`, relative to the working directory).
pub const CASES_ENV: &str = "SSM_CONFORM_FUZZ_CASES";

/// Called from the fuzz target's `init`: writes the seeds and exits when [`WRITE_SEEDS_ENV`] is
/// set; does nothing otherwise.
pub fn write_seeds_if_asked() {
    let Some(out) = std::env::var_os(WRITE_SEEDS_ENV).filter(|v| !v.is_empty()) else {
        return;
    };
    let cases = std::env::var_os(CASES_ENV).unwrap_or_else(|| "cases".into());
    match seeds::write_response_seeds(std::path::Path::new(&cases), std::path::Path::new(&out)) {
        Ok(()) => std::process::exit(0),
        Err(e) => {
            eprintln!("response_checks: writing seeds: {e}");
            std::process::exit(2);
        }
    }
}

/// A finding of the `endpoint` target as a case file: its name and text. `kind` is the check
/// id of the finding, or `no-answer` when the endpoint gave none; target-specific values (the
/// token, the first two known executions) become placeholders, so the file works on a fresh run.
pub fn finding_case(mut case: Case, kind: &str, what: &str, token: Option<&str>, known: &[String]) -> (String, String) {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    std::hash::Hash::hash(kind, &mut h);
    case.name = format!("fuzz-{kind}-{:016x}", std::hash::Hasher::finish(&h));
    let mut text = case.request.body.text().to_owned();
    if let Some(tok) = token.filter(|t| !t.is_empty()) {
        text = text.replace(tok, "{{next_token}}");
    }
    for (i, id) in known.iter().enumerate().take(2) {
        text = text.replace(id.as_str(), if i == 0 { "{{execution_id}}" } else { "{{other_execution_id}}" });
    }
    case.request.body = BodyTemplate::Raw(text);
    let toml = case_to_toml(&case, &format!("Found by the endpoint fuzz target: {what}"));
    (case.name, toml)
}

/// What an endpoint might send back, plus the parts of the request the checks read.
///
/// The body is the last field and borrows the rest of the input as-is. (With `Vec<u8>` there,
/// `arbitrary` would spend a continuation byte on every body byte: twice the input, and a raw
/// JSON seed would no longer be a JSON body.)
#[derive(Clone, PartialEq, Eq, Arbitrary)]
pub struct ResponseInput<'a> {
    /// HTTP status, any `u16` (the checks must cope with 0 and 65535 too).
    pub status: u16,
    /// The request's `WindowExecutionId`.
    pub window_execution_id: Option<String>,
    /// The request's `MaxResults`.
    pub max_results: Option<i64>,
    /// Response headers, in order (only the first [`MAX_HEADERS`] are used).
    pub headers: Vec<(String, String)>,
    /// The response body: the rest of the input.
    pub body: &'a [u8],
}

/// What `cargo fuzz fmt response_checks INPUT` prints: the body as an escaped byte string
/// (exact, and readable when it is JSON) rather than a list of numbers.
impl std::fmt::Debug for ResponseInput<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseInput")
            .field("status", &self.status)
            .field("window_execution_id", &self.window_execution_id)
            .field("max_results", &self.max_results)
            .field("headers", &self.headers)
            .field("body", &format_args!("b\"{}\"", self.body.escape_ascii()))
            .finish()
    }
}

impl ResponseInput<'_> {
    /// The response the checks see.
    pub fn response(&self) -> WireResponse {
        WireResponse {
            status: self.status,
            headers: self.headers.iter().take(MAX_HEADERS).cloned().collect(),
            body: self.body.to_vec(),
        }
    }

    /// The request the response answers: its `WindowExecutionId` and `MaxResults`, the members
    /// the success-shape checks read.
    pub fn request(&self) -> WireRequest {
        let mut body = serde_json::Map::new();
        if let Some(id) = &self.window_execution_id {
            body.insert(contract::input::WINDOW_EXECUTION_ID.into(), id.clone().into());
        }
        if let Some(n) = self.max_results {
            body.insert(contract::input::MAX_RESULTS.into(), n.into());
        }
        WireRequest::json(&serde_json::Value::Object(body))
    }

    /// The bytes that `arbitrary` decodes into exactly this input, or `None` when the encoder
    /// and the linked `arbitrary` disagree (the round trip is checked).
    pub fn to_fuzz_bytes(&self) -> Option<Vec<u8>> {
        let mut ops = Vec::new();
        ops.push(Op::Front(self.status.to_le_bytes().to_vec()));
        match &self.window_execution_id {
            Some(id) => {
                ops.push(Op::Front(vec![1]));
                push_str(&mut ops, id);
            }
            None => ops.push(Op::Front(vec![0])),
        }
        match self.max_results {
            Some(n) => {
                ops.push(Op::Front(vec![1]));
                ops.push(Op::Front(n.to_le_bytes().to_vec()));
            }
            None => ops.push(Op::Front(vec![0])),
        }
        for (name, value) in &self.headers {
            ops.push(Op::Front(vec![1])); // the iterator's "one more element" flag
            push_str(&mut ops, name);
            push_str(&mut ops, value);
        }
        ops.push(Op::Front(vec![0])); // no more headers
        let bytes = encode(&ops, self.body)?;
        let back = ResponseInput::arbitrary_take_rest(Unstructured::new(&bytes)).ok()?;
        (back == *self).then_some(bytes)
    }
}

/// One step of decoding, in the order `arbitrary` performs it.
enum Op {
    /// Bytes read from the front.
    Front(Vec<u8>),
    /// A collection length, read from the back of what is left.
    Len(usize),
}

fn push_str(ops: &mut Vec<Op>, s: &str) {
    ops.push(Op::Len(s.len()));
    ops.push(Op::Front(s.as_bytes().to_vec()));
}

/// How many bytes `Unstructured::arbitrary_byte_size` takes from the back when `remaining`
/// bytes are left.
fn len_width(remaining: usize) -> usize {
    match remaining as u64 {
        0 => 0,
        1 => 1,
        r if r <= u8::MAX as u64 + 1 => 1,
        r if r <= u16::MAX as u64 + 2 => 2,
        r if r <= u32::MAX as u64 + 4 => 4,
        _ => 8,
    }
}

/// Lays the ops out: front bytes in order, then the body, then the length fields, the first
/// one read last in the buffer.
fn encode(ops: &[Op], body: &[u8]) -> Option<Vec<u8>> {
    let front_len: usize = ops.iter().map(|o| if let Op::Front(b) = o { b.len() } else { 0 }).sum();
    let lens = ops.iter().filter(|o| matches!(o, Op::Len(_))).count();
    // The width of each length field depends on how much is left when it is read, which depends
    // on the widths: iterate to the fixed point (widths only grow, so this ends quickly).
    let mut widths = vec![1usize; lens];
    for _ in 0..16 {
        let total = front_len + body.len() + widths.iter().sum::<usize>();
        let mut remaining = total;
        let mut next = Vec::with_capacity(lens);
        for op in ops {
            match op {
                Op::Front(b) => remaining -= b.len().min(remaining),
                Op::Len(_) => {
                    let w = len_width(remaining);
                    next.push(w);
                    remaining -= w;
                }
            }
        }
        if next == widths {
            break;
        }
        widths = next;
    }
    let total = front_len + body.len() + widths.iter().sum::<usize>();
    let mut front = Vec::with_capacity(total);
    let mut back_fields: Vec<Vec<u8>> = Vec::with_capacity(lens);
    let mut remaining = total;
    let mut wi = widths.iter();
    for op in ops {
        match op {
            Op::Front(b) => {
                front.extend_from_slice(b);
                remaining = remaining.checked_sub(b.len())?;
            }
            Op::Len(n) => {
                let w = *wi.next()?;
                let max_size = remaining.checked_sub(w)?;
                if *n > max_size {
                    return None;
                }
                back_fields.push(length_field(*n as u64, max_size as u64, w));
                remaining = max_size;
            }
        }
    }
    let mut out = front;
    out.extend_from_slice(body);
    for field in back_fields.iter().rev() {
        out.extend_from_slice(field);
    }
    Some(out)
}

/// The `w` bytes that `int_in_range(0..=max)` reads as `n`: big-endian, as many bytes as `max`
/// needs, the rest unread.
fn length_field(n: u64, max: u64, w: usize) -> Vec<u8> {
    let mut field = vec![0u8; w];
    if max == 0 {
        return field;
    }
    let used = (0..w).take_while(|i| max >> (i * 8) > 0).count();
    for (i, byte) in field.iter_mut().take(used).enumerate() {
        *byte = (n >> ((used - 1 - i) * 8)) as u8;
    }
    field
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(input: ResponseInput<'_>) {
        let bytes = input.to_fuzz_bytes().expect("encodes");
        let back = ResponseInput::arbitrary_take_rest(Unstructured::new(&bytes)).unwrap();
        assert_eq!(back, input);
    }

    #[test]
    fn a_request_without_an_answer_becomes_a_case_file_with_placeholders() {
        let exec = "940b2a70-66ec-f308-8348-5d31997be99e".to_owned();
        let body = format!(r#"{{"WindowExecutionId":"{exec}","NextToken":"tok123"}}"#);
        let verdict = ssm_conform_core::oracle::expect(body.as_bytes(), &ssm_conform_core::oracle::World::default());
        let case = ssm_conform_core::oracle::oracle_case("fuzz", body.as_bytes(), verdict);
        let (name, text) = finding_case(case, "no-answer", "the endpoint gave no answer", Some("tok123"), &[exec]);
        assert!(name.starts_with("fuzz-no-answer-"), "{name}");
        assert!(text.contains("{{execution_id}}") && text.contains("{{next_token}}"), "{text}");
        assert!(text.contains("no answer"), "{text}");
        let cases = ssm_conform_core::source::parse_case_file(std::path::Path::new("f.toml"), &text).unwrap();
        assert_eq!(cases[0].name, name);
    }

    #[test]
    fn encodes_small_and_large_inputs() {
        roundtrip(ResponseInput {
            status: 0,
            window_execution_id: None,
            max_results: None,
            headers: vec![],
            body: b"",
        });
        let big = vec![b'x'; 70_000];
        let mid = vec![b'y'; 300];
        for body in [&b"{}"[..], &mid[..], &big[..]] {
            roundtrip(ResponseInput {
                status: 200,
                window_execution_id: Some("940b2a70-66ec-f308-8348-5d31997be99e".into()),
                max_results: Some(-7),
                headers: vec![
                    ("Content-Type".into(), "application/x-amz-json-1.1".into()),
                    ("".into(), "".into()),
                    ("x-amzn-RequestId".into(), "é".repeat(200)),
                ],
                body,
            });
        }
    }
}
