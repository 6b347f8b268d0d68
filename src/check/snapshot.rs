//! Snapshots in insta's `.snap` format, the pure half: a response rendered with its volatile
//! values redacted, the file format, and a readable diff. Reading and writing the files is the
//! runner's (`runner/snapshots.rs`): this layer does no I/O.

use serde_json::Value;
use similar::{ChangeTag, TextDiff};

use crate::contract::output;
use crate::response::{ErrorShape, WireResponse};

/// The redaction placeholders of volatile members, as insta writes them.
const REDACTED_MEMBERS: [(&str, &str); 4] = [
    (output::START_TIME, "[timestamp]"),
    (output::END_TIME, "[timestamp]"),
    (output::TASK_EXECUTION_ID, "[task-execution-id]"),
    (output::NEXT_TOKEN, "[next-token]"),
];

fn redact_members(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (k, val) in map.iter_mut() {
                match REDACTED_MEMBERS.iter().find(|(m, _)| m == k) {
                    // An empty or null NextToken is a choice worth seeing, not a volatile value.
                    Some((_, placeholder)) if !matches!(val, Value::Null) && val.as_str() != Some("") => {
                        *val = Value::String((*placeholder).to_owned());
                    }
                    _ => redact_members(val),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_members),
        _ => {}
    }
}

/// The snapshot text of a response: status, resolved error type, and the body (pretty JSON
/// where it is JSON), with volatile members and run-specific values (`values`: actual text →
/// placeholder) redacted. Headers are left out: request ids are volatile, and the content type
/// has its own check.
pub fn render(resp: &WireResponse, values: &[(String, String)]) -> String {
    let mut out = format!("status: {}\n", resp.status);
    if resp.status >= 300 {
        let shape = ErrorShape::of(resp);
        out.push_str("error: ");
        out.push_str(shape.resolved_type.as_deref().unwrap_or("(none)"));
        out.push('\n');
    }
    out.push_str("body:\n");
    match serde_json::from_slice::<Value>(&resp.body) {
        Ok(mut v) => {
            redact_members(&mut v);
            out.push_str(&serde_json::to_string_pretty(&v).unwrap_or_default());
        }
        Err(_) => out.push_str(&String::from_utf8_lossy(&resp.body)),
    }
    let mut values: Vec<&(String, String)> = values.iter().filter(|(a, _)| !a.is_empty()).collect();
    values.sort_by_key(|(a, _)| std::cmp::Reverse(a.len()));
    for (actual, placeholder) in values {
        out = out.replace(actual.as_str(), placeholder);
    }
    out.trim_end().to_owned()
}

/// The contents of snapshot file text: after the second `---` line when there is a metadata
/// block, trailing newlines trimmed.
pub fn contents_of(text: &str) -> String {
    let mut lines = text.lines();
    if lines.next().map(str::trim_end) == Some("---") {
        for l in lines.by_ref() {
            if l.trim_end() == "---" {
                break;
            }
        }
        lines.collect::<Vec<_>>().join("\n").trim_end().to_owned()
    } else {
        text.trim_end().to_owned()
    }
}

/// The file text of a snapshot, insta's format: a YAML metadata block, then the contents.
pub fn file_text(source: &str, description: &str, expression: &str, contents: &str) -> String {
    let q = |s: &str| serde_json::to_string(s).unwrap_or_default();
    format!(
        "---\nsource: {}\ndescription: {}\nexpression: {}\n---\n{}\n",
        q(source),
        q(description),
        q(expression),
        contents.trim_end()
    )
}

/// A unified, line-based diff of the accepted snapshot (`-`) and the new response (`+`).
pub fn diff(accepted: &str, actual: &str) -> String {
    let d = TextDiff::from_lines(accepted, actual);
    let mut out = String::new();
    for group in d.grouped_ops(2) {
        for op in group {
            for change in d.iter_changes(&op) {
                let sign = match change.tag() {
                    ChangeTag::Delete => '-',
                    ChangeTag::Insert => '+',
                    ChangeTag::Equal => ' ',
                };
                out.push(sign);
                out.push_str(change.value().trim_end_matches('\n'));
                out.push('\n');
            }
        }
        out.push_str("...\n");
    }
    out.trim_end_matches("...\n").trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_redacted_and_round_trips_the_file_format() {
        let resp = WireResponse {
            status: 200,
            headers: Vec::new(),
            body: br#"{"WindowExecutionTaskIdentities":[{"WindowExecutionId":"E1","TaskExecutionId":"t","StartTime":1.5}],"NextToken":"abc"}"#.to_vec(),
        };
        let text = render(&resp, &[("E1".into(), "[execution_id]".into())]);
        assert!(
            text.contains("\"[execution_id]\"") && text.contains("[timestamp]") && text.contains("[next-token]"),
            "{text}"
        );
        let file = file_text("cases/x.toml", "a \"quoted\" case", "{\"a\":1}", &text);
        assert_eq!(contents_of(&file), text);
        assert!(diff("a\nb\nc\n", "a\nB\nc\n").contains("-b\n+B"));
    }
}
