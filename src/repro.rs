//! Reproduction lines: a `curl` command for one request that sends what the harness sent, with
//! no secret in it: a signed request is signed by curl itself (`--aws-sigv4`) from shell
//! variables, never from their values.

use crate::request::WireRequest;

/// How a reproduced request is signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurlSigning {
    /// The signing region.
    pub region: String,
    /// Where curl takes the credentials from.
    pub credentials: CurlCredentials,
}

/// The credentials a signed `curl` line names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CurlCredentials {
    /// `$AWS_ACCESS_KEY_ID`, `$AWS_SECRET_ACCESS_KEY` (and `$AWS_SESSION_TOKEN` when the run's
    /// credentials carried one), expanded by the shell.
    Variables {
        /// Whether a session token is sent.
        session_token: bool,
    },
    /// Values that are no secret (the harness's fake credentials).
    Literal {
        /// The access key id.
        access_key_id: String,
        /// The secret access key.
        secret_access_key: String,
    },
}

/// Header names whose values never reach a report.
const SECRET_HEADERS: [&str; 3] = ["authorization", "x-amz-security-token", "x-amz-content-sha256"];

/// `s` quoted for a POSIX shell.
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// A `curl` command that sends `req` to `url` (signed as `signing` says), secret header values
/// replaced by `[redacted]`.
pub fn curl(url: &str, req: &WireRequest, signing: Option<&CurlSigning>) -> String {
    let mut parts = vec![
        "curl -sS -i -X".to_owned(),
        req.method.clone(),
        shell_quote(&format!("{}{}", url.trim_end_matches('/'), req.path)),
    ];
    if let Some(s) = signing {
        parts.push("--aws-sigv4".to_owned());
        parts.push(shell_quote(&format!("aws:amz:{}:{}", s.region, crate::contract::SIGNING_NAME)));
        parts.push("--user".to_owned());
        match &s.credentials {
            CurlCredentials::Variables { session_token } => {
                parts.push(r#""$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY""#.to_owned());
                if *session_token {
                    parts.push(r#"-H "x-amz-security-token: $AWS_SESSION_TOKEN""#.to_owned());
                }
            }
            CurlCredentials::Literal { access_key_id, secret_access_key } => {
                parts.push(shell_quote(&format!("{access_key_id}:{secret_access_key}")));
            }
        }
    }
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
        let c = curl("http://h:1/", &req, None);
        assert!(c.contains(r#"'{"a":"it'\''s"}'"#), "{c}");
        assert!(c.contains("Authorization: [redacted]") && !c.contains("AKIA"), "{c}");
    }

    #[test]
    fn a_signed_request_is_signed_by_curl_from_shell_variables() {
        let req = WireRequest::operation(b"{}".to_vec());
        let signing =
            CurlSigning { region: "eu-west-1".into(), credentials: CurlCredentials::Variables { session_token: true } };
        let c = curl("http://h:1", &req, Some(&signing));
        assert!(
            c.contains(r#"--aws-sigv4 'aws:amz:eu-west-1:ssm' --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" -H "x-amz-security-token: $AWS_SESSION_TOKEN""#),
            "{c}"
        );
    }
}
