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
//! The pure stages — `source`, `request`, `response`, `oracle`, `check`, `finding`, the
//! contract's tables and the reference's handler — are the `ssm-conform-core` crate, whose
//! dependencies hold no HTTP and no async runtime; they are re-exported here under the same
//! names. This crate adds what is not pure: `transport`, the three drivers (`runner`, `proxy`,
//! `replay`, siblings that share the page-walking loop of `walk`), `report`, `server` (the
//! reference's HTTP wrapper), the CLI and [`Suite`] (also the command line's composition root).
//! A module imports only from its own floor or below (`tests/integration/architecture.rs`;
//! `docs/architecture.md` draws the floors).
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
pub use ssm_conform_core::{
    builtin, catalogue, check, check_id, clock, contract, exit, finding, model, oracle, repro, request, response, rng,
    sdk_impact, source,
};

#[doc(hidden)]
pub mod app;
#[doc(hidden)]
pub mod cli;
#[doc(hidden)]
pub mod proxy;
#[doc(hidden)]
pub mod replay;
#[doc(hidden)]
pub mod report;
#[doc(hidden)]
pub mod runner;
#[doc(hidden)]
pub mod server;
mod suite;
#[doc(hidden)]
pub mod transport;
#[doc(hidden)]
pub mod walk;

pub use suite::{Failure, ReferenceEndpoint, Signing, Suite, SuiteError, SuiteReport, Tally};
