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

/// How to take a walk again, for a repro that shows a deviation spread over pages: its first
/// page's request, and the request of a later page with the token it followed (every later page
/// is asked for the same way, each with the token of the answer before it, at the page size
/// `later_sizes` gives when the walk switches sizes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkScript {
    /// Page 1's request; or, for a walk that starts from a token another listing issued
    /// (`from_other_listing`), that listing's first page, asked for only for its token.
    pub first: WireRequest,
    /// Whether `first` only issues the token the walk starts from.
    pub from_other_listing: bool,
    /// A later page's request and the token in it (`None`: the walk had one page).
    pub next: Option<(WireRequest, String)>,
    /// `MaxResults` of pages 2, 3, … of a walk that switches page sizes (the last holds for
    /// every later page); empty when every later page is asked for as `next` is.
    pub later_sizes: Vec<i64>,
    /// How many pages the harness took (the script takes no more: a walk that loops ends).
    pub pages: usize,
}

/// Where a page's token goes in the script: a placeholder no request carries.
const TOKEN_SLOT: &str = "SSMCONFORMTOKENSLOT";

/// Where a page's `MaxResults` goes in the script of a walk that switches page sizes.
const SIZE_SLOT: &str = "SSMCONFORMSIZESLOT";

/// A one-line shell script (curl, python3 and awk) that takes a walk as the harness did — page
/// 1, then each next page with the previous answer's `NextToken` — and prints every page's body,
/// so a deviation across pages (an item lost or repeated, a token that loops) shows in what it
/// prints. `curl_line` renders one request as this run's repro lines do (signing, host).
pub fn walk_script(curl_line: &dyn Fn(&WireRequest) -> String, walk: &WalkScript, label: &str) -> Option<String> {
    let quiet = |line: String| line.replacen("curl -sS -i ", "curl -sS ", 1);
    let first = quiet(curl_line(&walk.first));
    let next_token = r#"next_token() { python3 -c 'import json,sys; t=json.load(sys.stdin).get("NextToken"); print(json.dumps(t)[1:-1] if t else "")'; }"#;
    let page = |n: &str, curl: &str| {
        format!(r#"r=$({curl}); printf 'page %s: %s\n' {n} "$r"; t=$(printf '%s' "$r" | next_token)"#)
    };
    let tools = if walk.later_sizes.is_empty() { "curl and python3" } else { "curl, python3 and awk" };
    let about = shell_quote(&format!("{label}: {} pages (needs {tools})", walk.pages));
    let mut parts = vec![format!(": {about}"), next_token.to_owned()];
    if walk.from_other_listing {
        parts.push(format!(r#"r=$({first}); printf 'token from: %s\n' "$r"; t=$(printf '%s' "$r" | next_token)"#));
    } else {
        parts.push(page("1", &first));
    }
    if let Some((req, token)) = &walk.next {
        let curl = quiet(curl_line(&templated(req, token, walk.later_sizes.first().copied())?));
        let mut curl = curl.replacen(TOKEN_SLOT, r#"'"$t"'"#, 1);
        let mut size = String::new();
        if !walk.later_sizes.is_empty() {
            let sizes: Vec<String> = walk.later_sizes.iter().map(i64::to_string).collect();
            size = format!(r#"s=$(echo {} | awk -v i=$((p - 1)) '{{print (i <= NF) ? $i : $NF}}'); "#, sizes.join(" "));
            curl = curl.replacen(SIZE_SLOT, r#"'"$s"'"#, 1);
        }
        let each = page("$p", &curl);
        let from = if walk.from_other_listing { 1 } else { 2 };
        parts.push(format!(
            r#"for p in $(seq {from} {}); do [ -n "$t" ] || break; {size}{each}; done"#,
            walk.pages.max(1)
        ));
    }
    Some(parts.join("; "))
}

/// `req` with its token (and, when `size` is given, its `MaxResults`) replaced by the script's
/// slots; `None` when the body does not carry them exactly once as JSON writes them.
fn templated(req: &WireRequest, token: &str, size: Option<i64>) -> Option<WireRequest> {
    // The token as JSON writes it inside the body's string.
    let escaped = serde_json::to_string(token).ok()?;
    let escaped = &escaped[1..escaped.len() - 1];
    let mut body = String::from_utf8_lossy(&req.body).into_owned();
    if escaped.is_empty() || body.matches(escaped).count() != 1 {
        return None;
    }
    body = body.replacen(escaped, TOKEN_SLOT, 1);
    if let Some(n) = size {
        let member = format!("\"{}\":{n}", crate::contract::input::MAX_RESULTS);
        if body.matches(&member).count() != 1 {
            return None;
        }
        body = body.replacen(&member, &format!("\"{}\":{SIZE_SLOT}", crate::contract::input::MAX_RESULTS), 1);
    }
    let mut out = req.clone();
    out.body = body.into_bytes();
    Some(out)
}

/// Headers a client's SDK sets per attempt, which a re-sent request must not repeat: its
/// signature and date (stale by the time anyone runs the line), the host and framing curl sets
/// itself, the SDK's retry bookkeeping.
const PER_ATTEMPT_HEADERS: [&str; 12] = [
    "authorization",
    "x-amz-date",
    "x-amz-security-token",
    "x-amz-content-sha256",
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "expect",
    "accept-encoding",
    "amz-sdk-invocation-id",
    "amz-sdk-request",
];

/// A `curl` command that re-sends to `url` a request captured from a client (the proxy's): its
/// per-attempt headers dropped, and, when the client had signed it, signed again by curl from
/// the shell's credentials for the region of the client's credential scope — as a run's repro
/// lines are, never with the client's signature or secrets.
pub fn captured(url: &str, req: &WireRequest) -> String {
    let signing = client_signing(req);
    let mut resent = req.clone();
    resent.headers.retain(|(k, _)| !PER_ATTEMPT_HEADERS.contains(&k.to_ascii_lowercase().as_str()));
    curl(url, &resent, signing.as_ref())
}

/// How the client signed `req`: SigV4's `Credential=KEY/DATE/REGION/SERVICE/aws4_request`.
fn client_signing(req: &WireRequest) -> Option<CurlSigning> {
    let auth = req.header("authorization")?;
    let scope = auth.split("Credential=").nth(1)?;
    let region = scope.split('/').nth(2)?;
    let plausible =
        !region.is_empty() && region.len() <= 32 && region.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    plausible.then(|| CurlSigning {
        region: region.to_owned(),
        credentials: CurlCredentials::Variables { session_token: req.header("x-amz-security-token").is_some() },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_captured_request_is_re_signed_by_curl_without_the_client_s_attempt_headers() {
        let mut req = WireRequest::operation(b"{}".to_vec());
        req.set_header("Host", "127.0.0.1:4567");
        req.set_header("X-Amz-Date", "20261205T101010Z");
        req.set_header("X-Amz-Security-Token", "FQoGZXIvYXdzE-secret");
        req.set_header(
            "Authorization",
            "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20261205/eu-central-1/ssm/aws4_request, SignedHeaders=host, Signature=abc",
        );
        req.set_header("amz-sdk-request", "attempt=2; max=3");
        let c = captured("http://upstream:5000", &req);
        assert!(c.contains("'http://upstream:5000/'"), "{c}");
        assert!(c.contains("--aws-sigv4 'aws:amz:eu-central-1:ssm'"), "{c}");
        assert!(c.contains(r#"-H "x-amz-security-token: $AWS_SESSION_TOKEN""#), "{c}");
        for gone in ["127.0.0.1:4567", "20261205T101010Z", "AKIAEXAMPLE", "secret", "[redacted]", "attempt=2"] {
            assert!(!c.contains(gone), "{gone} in {c}");
        }
        assert!(c.contains("X-Amz-Target: AmazonSSM."), "{c}");
        // An unsigned request stays unsigned.
        assert!(!captured("http://u", &WireRequest::operation(b"{}".to_vec())).contains("--aws-sigv4"));
    }

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

    #[test]
    fn a_walk_script_takes_each_next_page_with_the_previous_answer_s_token() {
        let first = WireRequest::operation(br#"{"WindowExecutionId":"x","MaxResults":10}"#.to_vec());
        let next = WireRequest::operation(br#"{"WindowExecutionId":"x","MaxResults":10,"NextToken":"a\"b"}"#.to_vec());
        let walk = WalkScript {
            first,
            from_other_listing: false,
            next: Some((next, "a\"b".to_owned())),
            later_sizes: Vec::new(),
            pages: 4,
        };
        let script = walk_script(&|r| curl("http://h:1", r, None), &walk, "walk of x").unwrap();
        assert!(
            !script.contains('\n') && !script.contains("a\\\"b"),
            "the token is the answer's, not pasted: {script}"
        );
        assert!(script.contains(r#""NextToken":"'"$t"'"}'"#), "{script}");
        assert!(script.contains("for p in $(seq 2 4)") && !script.contains(" -i "), "{script}");
        // A token the body does not carry as written: no script rather than a wrong one.
        let odd = WireRequest::operation(br#"{"NextToken":"zz"}"#.to_vec());
        let walk = WalkScript { next: Some((odd, "y".to_owned())), ..walk };
        assert_eq!(walk_script(&|r| curl("http://h:1", r, None), &walk, "w"), None);
    }

    #[test]
    fn a_walk_that_switches_sizes_or_starts_from_another_listing_s_token_is_scripted_too() {
        let first = WireRequest::operation(br#"{"MaxResults":100,"WindowExecutionId":"x"}"#.to_vec());
        let next = WireRequest::operation(br#"{"MaxResults":10,"NextToken":"tk","WindowExecutionId":"x"}"#.to_vec());
        let switch = WalkScript {
            first: first.clone(),
            from_other_listing: false,
            next: Some((next.clone(), "tk".to_owned())),
            later_sizes: vec![10, 11, 37, 100],
            pages: 6,
        };
        let script = walk_script(&|r| curl("http://h:1", r, None), &switch, "w").unwrap();
        assert!(script.contains(r#""MaxResults":'"$s"',"NextToken""#) && !script.contains("SSMCONFORM"), "{script}");
        assert!(script.contains("echo 10 11 37 100 | awk -v i=$((p - 1))"), "{script}");
        // The page size of each page, as sh and awk compute it.
        let sizes = std::process::Command::new("sh")
            .arg("-c")
            .arg(r#"for p in 2 3 4 5 6 7; do echo 10 11 37 100 | awk -v i=$((p - 1)) '{print (i <= NF) ? $i : $NF}'; done"#)
            .output()
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&sizes.stdout), "10\n11\n37\n100\n100\n100\n");
        // A walk from another listing's token asks that listing's first page for it, then walks.
        let carried = WalkScript { from_other_listing: true, later_sizes: Vec::new(), pages: 3, ..switch };
        let script = walk_script(&|r| curl("http://h:1", r, None), &carried, "w").unwrap();
        assert!(script.contains("printf 'token from: %s\\n'") && script.contains("for p in $(seq 1 3)"), "{script}");
        assert!(!script.contains("page %s: %s\\n' 1 "), "the other listing's page is not the walk's: {script}");
    }
}
