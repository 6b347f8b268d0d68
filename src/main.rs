//! The binary's edge: parse the command line, run, map the result to an exit status.

use std::process::ExitCode;

use clap::Parser;

/// glibc's allocator contends between the runtime's threads and was a quarter of the harness's
/// and the reference's time under load (bench/run.py); mimalloc keeps per-thread heaps.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = ssm_conform::cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("ssm-conform: error: cannot start the async runtime: {e}");
            return ExitCode::from(ssm_conform::exit::HARNESS_ERROR);
        }
    };
    ExitCode::from(runtime.block_on(ssm_conform::app::main(cli)))
}
