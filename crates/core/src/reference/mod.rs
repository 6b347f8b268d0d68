//! The embedded reference endpoint's logic (`ssm-conform serve`, and in-process for `run`): a
//! pure handler over a deterministic fixture set. Its HTTP wrapper (axum) is `server` in the
//! `ssm-conform` crate; the fuzz targets call the handler directly.
//!
//! - `handler.rs`: the faithful answer, making the EITHER choices of `choices.rs`;
//! - `validate.rs`: reading and validating the input; `token.rs`: tamper-evident tokens;
//! - `fault.rs`: the fault catalogue; `deform.rs`: output faults as deformations of the answer;
//! - `variant.rs`: the variants, each another set of accepted choices;
//! - `answer.rs`: how answers are shaped; `habits.rs`: the real service's operational habits the
//!   HTTP wrapper can take on (throttling, latency, transient 5xx, connections, chunked bodies);
//! - `discovery.rs`: the family's read-only listings (`run --discover` finds execution ids
//!   with them); `executions.rs`: the second operation, `DescribeMaintenanceWindowExecutions`,
//!   answered faithfully over the fixture windows.
//!
//! ## Adding a fault
//! See `fault.rs`: one catalogue line, one small function (`deform.rs`) or branch, and its row
//! in the fault-table test.
//!
//! ## Adding an EITHER rule or alternative
//! A line in `contract::EitherRule`; a field in [`Choices`] with the faithful default, read
//! where the handler answers that rule; a variant in `variant.rs` per other alternative. The
//! variants test proves each passes the whole suite strictly and changes some answer.

pub mod answer;
pub mod choices;
mod deform;
pub mod discovery;
pub mod executions;
pub mod fault;
pub mod fixtures;
pub mod habits;
pub mod handler;
pub mod token;
pub mod validate;
pub mod variant;

pub use choices::Choices;
pub use deform::Deform;
pub use executions::{
    ExecutionsChoices, ExecutionsFault, ExecutionsFaultInfo, ExecutionsVariant, ExecutionsVariantInfo,
};
pub use fault::{Fault, FaultInfo};
pub use habits::{Habits, Throttle, ThrottleOnce};
pub use handler::Reference;
pub use variant::{Variant, VariantInfo};
