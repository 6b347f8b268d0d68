//! ssm-conform: a conformance harness for the AWS SSM `DescribeMaintenanceWindowExecutionTasks`
//! operation over awsJson1_1.
//!
//! The data's path, one module per stage:
//!
//! ```text
//! source (case files | generator | fuzz input) ─▶ request ─▶ transport (HTTP, signing)
//!        ─▶ response ─▶ check (the oracle: check::always_on for every exchange)
//!        ─▶ finding (results, baselines) ─▶ report (terminal, JSON, JUnit, Markdown)
//!
//!              server (the reference endpoint, faults, variants) beside it
//! ```
//!
//! `runner` drives a run through those stages; `contract` holds every number, name and EITHER
//! rule of the contract, `check_id` the stable check ids, `sdk_impact` what real SDK clients were
//! measured to do with each deviation, `catalogue` the one idiom every
//! name ↔ enum table uses. `request`, `response`, `oracle` and `check` are pure and
//! synchronous; async lives in `transport`, `runner` and `server`. A module imports only from its
//! own floor or below (`tests/integration/architecture.rs`).

pub mod app;
pub mod builtin;
pub mod catalogue;
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
pub mod sdk_impact;
pub mod server;
pub mod source;
pub mod transport;
