//! ssm-conform-core: the pure floor of ssm-conform, the conformance harness for the AWS SSM
//! `DescribeMaintenanceWindowExecutionTasks` operation over awsJson1_1.
//!
//! Everything here is a synchronous function of its inputs, and the crate's dependencies hold no
//! HTTP client or server and no async runtime, so the compiler keeps it pure (the `ssm-conform`
//! crate adds transport, the drivers, the reports, the reference's HTTP wrapper and the CLI):
//!
//! ```text
//! source (case files | generator | fuzz input) ─▶ request ─▶ [transport: ssm-conform]
//!        ─▶ response ─▶ check (the oracle: check::always_on for every exchange)
//!        ─▶ finding (results, deviations, baselines) ─▶ [reports: ssm-conform]
//!
//!              reference (the reference endpoint's handler, faults, variants) beside it
//! ```
//!
//! `contract` holds every number, name and EITHER rule of the contract, `check_id` the stable
//! check ids, `sdk_impact` what real SDK clients were measured to do with each deviation,
//! `catalogue` the one idiom every name ↔ enum table uses, `builtin` the embedded case files and
//! snapshots. A module imports only from its own floor or below
//! (`tests/integration/architecture.rs` in the `ssm-conform` crate).
//!
//! This crate has no stable API: `ssm_conform::Suite` is the supported one. The fuzz targets
//! link this crate alone.

#![warn(missing_docs)]

pub mod builtin;
pub mod catalogue;
pub mod check;
pub mod check_id;
pub mod clock;
pub mod contract;
pub mod exit;
pub mod finding;
pub mod model;
pub mod oracle;
pub mod reference;
pub mod repro;
pub mod request;
pub mod response;
pub mod rng;
pub mod sdk_impact;
pub mod source;
