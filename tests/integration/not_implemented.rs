//! "Not implemented" in every dialect (contract §7): each form an emulator answers an operation it
//! lacks with, served by a hand-written endpoint, reads as one `operation-implemented` finding
//! with every other unit skipped; a `ValidationException` never does, whatever its message.

use crate::util::{ssm_conform, TestOutput, TestServer};

/// An endpoint that answers every request with `status`, the given headers and `body`.
fn answering(status: u16, headers: Headers, body: &'static str) -> TestServer {
    TestServer::router(axum::Router::new().fallback(move || async move {
        let mut response = crate::util::answer(status, body);
        for (k, v) in headers {
            response.headers_mut().insert(*k, axum::http::HeaderValue::from_static(v));
        }
        response
    }))
}

/// Response headers, as served.
type Headers = &'static [(&'static str, &'static str)];

const JSON: Headers = &[("content-type", "application/x-amz-json-1.1")];
const XML: Headers = &[("content-type", "text/xml")];

fn run(server: &TestServer) -> TestOutput {
    ssm_conform(&["run", "--endpoint", &server.url, "--no-sign", "--property-cases", "0"])
}

#[test]
fn every_dialect_of_not_implemented_is_one_finding() {
    let forms: [(&str, u16, Headers, &str); 7] = [
        ("LocalStack", 501, JSON, r#"{"__type":"InternalFailure","message":"API action not yet implemented"}"#),
        ("fakecloud", 501, JSON, r#"{"__type":"InvalidAction","message":"Unknown operation"}"#),
        ("floci", 400, JSON, r#"{"__type":"UnsupportedOperation","message":"Operation DescribeMaintenanceWindowExecutionTasks is not supported."}"#),
        ("ministack", 400, JSON, r#"{"__type":"InvalidAction","message":"Unknown action: DescribeMaintenanceWindowExecutionTasks"}"#),
        ("ministack (XML)", 400, XML, "<ErrorResponse><Error><Code>InvalidAction</Code><Message>Unknown action: X</Message></Error></ErrorResponse>"),
        ("kumo", 400, JSON, r#"{"__type":"InvalidParameterValue","message":"The action DescribeMaintenanceWindowExecutionTasks is not valid"}"#),
        ("moto", 500, &[("content-type", "text/html")], "<!doctype html><title>500 Internal Server Error</title><p>The server encountered an internal error</p>"),
    ];
    for (who, status, headers, body) in forms {
        let server = answering(status, headers, body);
        let out = run(&server);
        out.assert_code(1);
        let text = out.stdout();
        let fails = out.fail_lines();
        assert_eq!(fails.len(), 1, "{who}: {fails:?}");
        assert!(fails[0].contains("[operation-implemented]"), "{who}: {fails:?}");
        assert!(text.contains("0 passed, 1 failed"), "{who}:\n{text}");
    }
}

#[test]
fn a_validation_error_or_a_bad_value_is_never_not_implemented() {
    let forms: [(&str, u16, &str); 3] = [
        (
            "a ValidationException naming an action",
            400,
            r#"{"__type":"ValidationException","message":"Unknown action: the value is not supported"}"#,
        ),
        (
            "a bad value, no action named",
            400,
            r#"{"__type":"InvalidParameterValue","message":"The value is not valid"}"#,
        ),
        (
            "DoesNotExist, as it should",
            400,
            r#"{"__type":"DoesNotExistException","Message":"Maintenance window execution x does not exist"}"#,
        ),
    ];
    for (what, status, body) in forms {
        let server = answering(status, JSON, body);
        let out = run(&server);
        let fails = out.fail_lines();
        assert!(!fails.iter().any(|l| l.contains("[operation-implemented]")), "{what}: {fails:?}");
        // Past the probe, the suite ran: many units, not one.
        assert!(!out.stdout().contains("0 passed, 1 failed"), "{what}:\n{}", out.text());
    }
}
