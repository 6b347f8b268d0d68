//! Reproduction lines: a `curl` command for one request, with secrets redacted.

use crate::request::WireRequest;

/// Header names whose values never reach a report.
const SECRET_HEADERS: [&str; 3] = ["authorization", "x-amz-security-token", "x-amz-content-sha256"];

/// `s` quoted for a POSIX shell.
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// A `curl` command that sends `req` to `url`, secrets replaced by `[redacted]`.
pub fn curl(url: &str, req: &WireRequest) -> String {
    let mut parts = vec![
        "curl -sS -i -X".to_owned(),
        req.method.clone(),
        shell_quote(&format!("{}{}", url.trim_end_matches('/'), req.path)),
    ];
    for (k, v) in &req.headers {
        let v = if SECRET_HEADERS.contains(&k.to_ascii_lowercase().as_str()) { "[redacted]" } else { v.as_str() };
        parts.push("-H".to_owned());
        parts.push(shell_quote(&format!("{k}: {v}")));
    }
    let body = String::from_utf8_lossy(&req.body);
    parts.push("--data-binary".to_owned());
    parts.push(shell_quote(&body));
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_and_redacts() {
        let mut req = WireRequest::operation(b"{\"a\":\"it's\"}".to_vec());
        req.set_header("Authorization", "AWS4-HMAC-SHA256 Credential=AKIA/secret");
        let c = curl("http://h:1/", &req);
        assert!(c.contains(r#"'{"a":"it'\''s"}'"#), "{c}");
        assert!(c.contains("Authorization: [redacted]") && !c.contains("AKIA"), "{c}");
    }
}
