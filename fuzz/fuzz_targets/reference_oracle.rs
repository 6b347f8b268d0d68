//! Differential fuzzing of the project's two halves: an arbitrary structured request (members of
//! every JSON type, not only valid ones) goes to the reference endpoint's handler in-process, and
//! the oracle says what the answer must be. They must agree, and neither may panic.

#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use ssm_conform_core::check::{judge_exchange, CheckOptions};
use ssm_conform_core::oracle::{self, oracle_case, World};
use ssm_conform_core::reference::Reference;
use ssm_conform_core::request::WireRequest;
use ssm_conform_core::source::fuzz::FuzzRequest;

struct Fixture {
    reference: Reference,
    known: Vec<String>,
    token: Option<String>,
}

static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    let reference = Reference::new(None);
    let b = reference.bindings("0123abcd-0000-4000-8000-00000000cafe");
    Fixture { reference, known: b.execution_ids, token: b.next_token }
});

fuzz_target!(|input: FuzzRequest| {
    let f = &*FIXTURE;
    let body = input.body(&f.known, f.token.as_deref());
    let world = World {
        known: f.known.clone(),
        token: f.token.clone().map(|t| (t, f.known[0].clone())),
        token_page_size: Some(10),
        token_filters: None,
    };
    let verdict = oracle::expect(&body, &world);
    let req = WireRequest::operation(body);
    let resp = f.reference.handle(&req);
    let case = oracle_case("fuzz", &req.body, verdict.clone());
    let findings = judge_exchange(&case, &req, &resp, CheckOptions { strict_messages: true });
    assert!(
        findings.is_empty(),
        "the oracle and the reference disagree on {}\noracle: {verdict:?}\nreference: {} {}\nfindings: {findings:#?}",
        String::from_utf8_lossy(&req.body),
        resp.status,
        String::from_utf8_lossy(&resp.body)
    );
});
