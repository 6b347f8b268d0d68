//! Snapshots in insta's `.snap` format, the pure half: a response rendered with its volatile
//! values redacted, the file format, and a readable diff. Reading and writing the files is the
//! runner's (`runner/snapshots.rs`): this layer does no I/O.

use serde_json::Value;
use similar::{ChangeTag, TextDiff};

use crate::contract::output;
use crate::response::Received;

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
pub fn render(resp: &Received, values: &[(String, String)]) -> String {
    let mut out = format!("status: {}\n", resp.status);
    if resp.status >= 300 {
        let shape = resp.error_shape();
        out.push_str("error: ");
        out.push_str(shape.resolved_type.as_deref().unwrap_or("(none)"));
        out.push('\n');
    }
    out.push_str("body:\n");
    let redactions = Redactions::new(values);
    match serde_json::from_slice::<Value>(&resp.body) {
        Ok(mut v) => {
            redact_members(&mut v);
            redactions.apply_json(&mut v);
            out.push_str(&serde_json::to_string_pretty(&v).unwrap_or_default());
        }
        Err(_) => out.push_str(&redactions.apply_text(&String::from_utf8_lossy(&resp.body))),
    }
    out.trim_end().to_owned()
}

/// Run-specific values (actual text → placeholder) to redact. They are redacted only inside JSON
/// string values, never in member names, numbers or the status line: a string that is exactly
/// such a value becomes its placeholder, and a value long enough not to occur by chance
/// (an id, a real token) is also redacted where a longer string quotes it (a message naming the
/// id). An endpoint that issues the token `"10"` cannot turn `"MaxResults": 10` into a
/// placeholder.
pub struct Redactions<'a> {
    /// Longest first, so a value that contains another is redacted whole.
    values: Vec<&'a (String, String)>,
}

/// The shortest value redacted where a longer string quotes it.
const MIN_EMBEDDED_LEN: usize = 8;

impl<'a> Redactions<'a> {
    /// The redactions of `values`, empty values left out.
    pub fn new(values: &'a [(String, String)]) -> Redactions<'a> {
        let mut values: Vec<&(String, String)> = values.iter().filter(|(a, _)| !a.is_empty()).collect();
        values.sort_by_key(|(a, _)| std::cmp::Reverse(a.len()));
        Redactions { values }
    }

    /// One string value, redacted.
    pub fn apply_text(&self, text: &str) -> String {
        if let Some((_, placeholder)) = self.values.iter().find(|(a, _)| a == text) {
            return placeholder.clone();
        }
        let mut out = text.to_owned();
        for (actual, placeholder) in self.values.iter().filter(|(a, _)| a.len() >= MIN_EMBEDDED_LEN) {
            out = out.replace(actual.as_str(), placeholder);
        }
        out
    }

    /// Every string value of `v`, redacted in place.
    pub fn apply_json(&self, v: &mut Value) {
        match v {
            Value::String(s) => *s = self.apply_text(s),
            Value::Array(items) => items.iter_mut().for_each(|i| self.apply_json(i)),
            Value::Object(map) => map.values_mut().for_each(|i| self.apply_json(i)),
            _ => {}
        }
    }
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
    use crate::response::WireResponse;

    #[test]
    fn renders_redacted_and_round_trips_the_file_format() {
        let resp = WireResponse {
            status: 200,
            headers: Vec::new(),
            body: br#"{"WindowExecutionTaskIdentities":[{"WindowExecutionId":"E1","TaskExecutionId":"t","StartTime":1.5}],"NextToken":"abc"}"#.to_vec(),
        };
        let text = render(&Received::new(&resp), &[("E1".into(), "[execution_id]".into())]);
        assert!(
            text.contains("\"[execution_id]\"") && text.contains("[timestamp]") && text.contains("[next-token]"),
            "{text}"
        );
        let file = file_text("cases/x.toml", "a \"quoted\" case", "{\"a\":1}", &text);
        assert!(!text.contains("E1"), "{text}");
        assert_eq!(contents_of(&file), text);
        assert!(diff("a\nb\nc\n", "a\nB\nc\n").contains("-b\n+B"));
    }

    #[test]
    fn redaction_follows_json_strings_never_names_numbers_or_the_status() {
        // An endpoint issuing the token "10" (and "1" truncated), and a long id quoted in a message.
        let id = "0123abcd-0000-4000-8000-00000000cafe";
        let resp = WireResponse {
            status: 400,
            headers: Vec::new(),
            body: format!(r#"{{"__type":"ValidationException","message":"Value '10' at 'maxResults' for {id}","MaxResults":10,"Echo":"10","Id":"{id}"}}"#).into_bytes(),
        };
        let values = [
            ("10".to_owned(), "[next_token]".to_owned()),
            ("1".to_owned(), "[next_token_truncated]".to_owned()),
            (id.to_owned(), "[random_id]".to_owned()),
        ];
        let text = render(&Received::new(&resp), &values);
        assert!(text.starts_with("status: 400\nerror: ValidationException\n"), "{text}");
        assert!(text.contains(r#""MaxResults": 10"#), "{text}");
        assert!(text.contains(r#""Echo": "[next_token]""#), "{text}");
        assert!(text.contains(r#""Id": "[random_id]""#), "{text}");
        assert!(text.contains("Value '10' at 'maxResults' for [random_id]"), "{text}");
        assert!(!text.contains("[next_token_truncated]"), "{text}");
    }
}
