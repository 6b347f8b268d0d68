//! What a run found, as data apart from the runner that produced it (hurl's `runner/result.rs`):
//! [`Finding`]s, the [`Deviation`]s they group into, the per-unit [`CaseResult`]s that carry them, the whole [`RunReport`], and the
//! [`Baseline`] that accepts known findings. Reporters read only these types.

mod baseline;
mod deviation;
#[expect(clippy::module_inception, reason = "the type is a Finding, its module finding")]
mod finding;
mod result;

pub use baseline::{Baseline, BaselineEntry, BaselineError, DeviationEntry, DEVIATION_UNIT};
pub use deviation::{deviations, Deviation};
pub use finding::{Finding, Severity};
pub use result::{
    CaseResult, Chosen, Coverage, Exchange, Outcome, RunReport, RunSummary, Traffic, WalkSummary, GENERATED_UNIT,
    NOT_EVALUATED,
};
