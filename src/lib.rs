//! ssm-conform: a conformance harness for the AWS SSM `DescribeMaintenanceWindowExecutionTasks`
//! operation over awsJson1_1.
//!
//! The data's path, one module per stage:
//!
//! ```text
//! source (case files)  ─▶ request ─▶ transport (HTTP) ─▶ response ─▶ check (the oracle)
//!                                                                      │
//!            server (reference endpoint, faults) ◀── beside it         ▼
//!                                                  finding ─▶ report (terminal)
//! ```
//!
//! `contract` holds every number and name of the contract; `request`, `response`, `check` and
//! `source` are pure and synchronous; async lives in `transport`, `runner` and `server`.

pub mod app;
mod catalogue;
pub mod check;
pub mod check_id;
pub mod cli;
pub mod contract;
pub mod exit;
pub mod finding;
pub mod oracle;
pub mod report;
pub mod repro;
pub mod request;
pub mod response;
pub mod rng;
pub mod runner;
pub mod server;
pub mod source;
pub mod transport;
