//! One integration test binary (ripgrep/nextest style): the CLI end to end against the
//! reference endpoint, each fault, and endpoints that are not ours.

mod cli;
mod faults;
mod foreign;
mod reports;
mod snapshots;
mod util;
mod variants;
