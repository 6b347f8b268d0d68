//! One integration test binary (ripgrep/nextest style): the CLI end to end against the
//! reference endpoint, each fault, and endpoints that are not ours.

mod architecture;
mod case_files;
mod cli;
mod discover;
mod docs;
mod executions;
mod faults;
mod foreign;
mod hostile;
mod not_implemented;
mod property;
mod proxy;
mod read_only;
mod replay;
mod reports;
mod robustness;
mod sdk_impact;
mod snapshots;
mod suite;
mod transport;
mod util;
mod variants;
