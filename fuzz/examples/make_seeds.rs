//! Writes the `response_checks` seed corpus without building the fuzz targets (no nightly, no
//! sanitizer): see `ssm_conform_fuzz::seeds`. `fuzz/seed-corpus.sh` runs it unless it is given a
//! built `response_checks` binary, which can do the same (`SSM_CONFORM_FUZZ_WRITE_SEEDS`).
//!
//! Usage: cargo run --release --manifest-path fuzz/Cargo.toml --example make_seeds -- CASES OUT

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [cases, out] = args.as_slice() else {
        eprintln!("usage: make_seeds CASES_DIR OUT_DIR");
        return ExitCode::from(2);
    };
    match ssm_conform_fuzz::seeds::write_response_seeds(Path::new(cases), Path::new(out)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("make_seeds: {e}");
            ExitCode::FAILURE
        }
    }
}
