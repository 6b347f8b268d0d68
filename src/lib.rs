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
//!
//! # The supported API
//!
//! For Rust tests of an emulator: [`Suite`] runs the whole conformance run against a URL and
//! returns a [`SuiteReport`] (`assert_conformant()`, failures, baselines, reports);
//! [`ReferenceEndpoint`] serves the embedded reference, faithful or with a fault. These follow
//! semver. The modules below are public for the binary, the fuzz targets and the tests; they are
//! hidden from the docs and may change in any release.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), ssm_conform::SuiteError> {
//! use ssm_conform::{ReferenceEndpoint, Suite};
//!
//! // An endpoint that conforms: the embedded reference.
//! let reference = ReferenceEndpoint::start().await?;
//! let report = Suite::against(reference.url())
//!     .execution_ids(reference.execution_ids())
//!     .property_cases(200)
//!     .run()
//!     .await?;
//! report.assert_conformant();
//! reference.stop().await;
//!
//! // One that drops an item between pages: the pagination walk says so.
//! let faulty = ReferenceEndpoint::with_fault("pagination-drops-item").await?;
//! let report = Suite::against(faulty.url()).execution_ids(faulty.execution_ids()).run().await?;
//! assert!(!report.is_conformant());
//! assert!(report.failed_checks().contains(&"pagination-walk"), "{}", report.terminal());
//! faulty.stop().await;
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

#[doc(hidden)]
pub mod app;
#[doc(hidden)]
pub mod builtin;
#[doc(hidden)]
pub mod catalogue;
#[doc(hidden)]
pub mod check;
#[doc(hidden)]
pub mod check_id;
#[doc(hidden)]
pub mod cli;
#[doc(hidden)]
pub mod clock;
#[doc(hidden)]
pub mod contract;
#[doc(hidden)]
pub mod exit;
#[doc(hidden)]
pub mod finding;
#[doc(hidden)]
pub mod oracle;
#[doc(hidden)]
pub mod proxy;
#[doc(hidden)]
pub mod replay;
#[doc(hidden)]
pub mod report;
#[doc(hidden)]
pub mod repro;
#[doc(hidden)]
pub mod request;
#[doc(hidden)]
pub mod response;
#[doc(hidden)]
pub mod rng;
#[doc(hidden)]
pub mod runner;
#[doc(hidden)]
pub mod sdk_impact;
#[doc(hidden)]
pub mod server;
#[doc(hidden)]
pub mod source;
mod suite;
#[doc(hidden)]
pub mod transport;

pub use suite::{Failure, ReferenceEndpoint, Signing, Suite, SuiteError, SuiteReport, Tally};
