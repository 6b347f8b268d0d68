//! Arbitrary text as a case file: `parse_case_file` answers every mistake with a
//! `CaseFileError`, never a panic, and the error displays as the one line the README promises
//! (`file:line:col: case "name": field: message`). Cases that parse are also built into
//! wire requests, as the runner does, since the loader promises that every case it accepts
//! can be built.
//!
//! Seeds: `fuzz/seed-corpus.sh` (each `cases/*.toml`, and each `[[case]]` block alone).

#![no_main]

use std::path::Path;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use ssm_conform_core::request::{self, Bindings};
use ssm_conform_core::source::parse_case_file;

/// Bindings with every placeholder resolvable, so build reaches each substitution.
static BINDINGS: LazyLock<Bindings> = LazyLock::new(|| Bindings {
    execution_ids: vec![
        "940b2a70-66ec-f308-8348-5d31997be99e".to_owned(),
        "2c3a8e51-0f4b-4d6e-9a7c-1b2d3e4f5a6b".to_owned(),
    ],
    random_id: "00000000-1111-2222-3333-444455556666".to_owned(),
    next_token: Some("AAAAbWFkZS11cC10b2tlbg==".to_owned()),
});

fuzz_target!(|data: &[u8]| {
    // Case files are read as UTF-8 text; lossy decoding keeps the rest of a mutated file usable.
    let text = String::from_utf8_lossy(data);
    match parse_case_file(Path::new("cases/fuzz.toml"), &text) {
        Ok(cases) => {
            for case in &cases {
                let _ = format!("{case:?}");
                // Every case the loader accepts can be built (with every placeholder bound).
                if let Err(e) = request::build(case, &BINDINGS) {
                    panic!("case {:?} was accepted but cannot be built: {}", case.name, e.0);
                }
            }
        }
        Err(e) => {
            let line = e.to_string();
            assert!(line.starts_with("cases/fuzz.toml"), "the error does not name the file: {line:?}");
            assert!(!line.contains(['\n', '\r']), "the error is not one line: {line:?}");
        }
    }
});
