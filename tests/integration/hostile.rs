//! Everything an endpoint sends is hostile data: an endpoint that puts terminal escapes, line
//! breaks, forged report lines and HTML into every string it sends cannot colour, move or forge
//! anything in a human-readable report, and the machine-readable ones keep the data, encoded.

use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use serde_json::{json, Value};

use crate::util::{TestCommand, TestServer};

/// A forged report line, an escape sequence that would paint the screen, and HTML.
const EVIL: &str = "ok\n\x1b[31mFAIL injected-unit [request-id] forged\x1b[0m\r\u{202e}<script>alert(1)</script>|";

async fn hostile(headers: HeaderMap, body: axum::body::Bytes) -> axum::response::Response {
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let json_ct =
        [("content-type", "application/x-amz-json-1.1"), ("x-amzn-RequestId", "0f0f0f0f-0000-4000-8000-000000000000")];
    let target = headers.get("x-amz-target").and_then(|v| v.to_str().ok()).unwrap_or("");
    if !target.ends_with("DescribeMaintenanceWindowExecutionTasks") || body.get("MaxResults").is_some() {
        let err = json!({ "__type": format!("ValidationException{EVIL}"), "message": EVIL });
        return (StatusCode::BAD_REQUEST, json_ct, err.to_string()).into_response();
    }
    let item = json!({
        "WindowExecutionId": body.get("WindowExecutionId").cloned().unwrap_or(Value::Null),
        "TaskExecutionId": EVIL,
        "Status": EVIL,
        "StatusDetails": EVIL,
        "TaskArn": EVIL,
        "TaskType": EVIL,
        "StartTime": 1.0,
    });
    let page = json!({ "WindowExecutionTaskIdentities": [item], "NextToken": EVIL });
    (StatusCode::OK, json_ct, page.to_string()).into_response()
}

#[test]
fn nothing_an_endpoint_sends_reaches_a_report_raw() {
    let server = TestServer::router(axum::Router::new().fallback(hostile));
    let dir = tempfile::tempdir().unwrap();
    let path = |f: &str| dir.path().join(format!("report.{f}"));
    let mut args: Vec<String> = ["run", "--endpoint", &server.url, "--color", "never", "--property-cases", "50", "-v"]
        .map(str::to_owned)
        .to_vec();
    args.extend(["--execution-id", "0123abcd-4567-89ef-abcd-0123456789ab"].map(str::to_owned));
    for f in ["json", "junit", "markdown", "html"] {
        args.extend(["--report".to_owned(), format!("{f}:{}", path(f).display())]);
    }
    let out = TestCommand::new().args(&args).run();
    out.assert_code(1);
    let text = out.stdout();
    assert!(!text.contains('\x1b') && !text.contains('\r') && !text.contains('\u{202e}'), "{}", out.text());
    assert!(!text.lines().any(|l| l.starts_with("FAIL injected-unit")), "a forged line:\n{}", out.text());
    assert!(text.contains("\\x1b[31mFAIL injected-unit"), "the data is shown, escaped:\n{}", out.text());

    let md = std::fs::read_to_string(path("markdown")).unwrap();
    assert!(!md.contains('\x1b') && !md.contains("<script>") && !md.contains('\u{202e}'), "{md}");
    assert!(!md.lines().any(|l| l.starts_with("FAIL injected-unit")), "{md}");
    let html = std::fs::read_to_string(path("html")).unwrap();
    let excerpt = crate::util::excerpt(&html);
    assert!(!html.contains('\x1b') && !html.contains('\r') && !html.contains('\u{202e}'), "{excerpt}");
    assert!(!html.contains("<script") && html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{excerpt}");
    assert!(!html.lines().any(|l| l.starts_with("FAIL injected-unit")), "{excerpt}");
    let xml = std::fs::read_to_string(path("junit")).unwrap();
    assert!(!xml.contains('\x1b'), "XML 1.0 cannot carry ESC: {xml}");
    // The JSON report keeps the data exactly, encoded by JSON.
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path("json")).unwrap()).unwrap();
    assert!(doc.to_string().contains("\\u001b[31mFAIL injected-unit"), "the raw data is kept");
}
