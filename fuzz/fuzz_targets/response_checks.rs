//! Whatever an endpoint sends back (status, headers, body) goes through every response check,
//! decoder and renderer the harness applies to a response. None may panic, allocate without
//! bound or loop: a conformance harness must report a broken endpoint, not crash on it.
//!
//! Seeds: `fuzz/seed-corpus.sh` (reference-endpoint responses to every case, encoded by
//! `ResponseInput::to_fuzz_bytes`). With `SSM_CONFORM_FUZZ_WRITE_SEEDS=DIR` in the environment
//! this binary writes those seeds to DIR and exits instead of fuzzing.

#![no_main]

use libfuzzer_sys::fuzz_target;
use ssm_conform_core::check::{self, error_shape, snapshot};
use ssm_conform_core::response::{ErrorShape, Received};
use ssm_conform_fuzz::ResponseInput;

fuzz_target!(init: ssm_conform_fuzz::write_seeds_if_asked(), |input: ResponseInput<'_>| {
    let resp = input.response();
    let req = input.request();

    // The same always-on checks every exchange of a run goes through.
    let received = Received::new(&resp);
    let findings = check::always_on(req.json_body().as_ref(), &received);
    // Findings end up in every report: make sure they format.
    for f in &findings {
        let _ = f.to_string();
    }

    if let Ok(page) = received.page() {
        let _ = page.task_ids();
    }
    let shape = ErrorShape::of(&resp);
    assert_eq!(&shape, received.error_shape(), "the error shape read twice differs");
    let _ = error_shape::is_error(&received, &shape);
    let _ = resp.summary();
    let _ = ssm_conform_core::check::implemented::not_implemented(&resp);
    let _ = snapshot::render(&received, &[]);
});
