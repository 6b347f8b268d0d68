//! The embedded reference endpoint over HTTP (`ssm-conform serve`, and in-process for `run`): the
//! pure handler of `ssm_conform_core::reference` (fixtures, faults, variants, habits), wrapped by
//! axum in `http.rs`. Its logic's modules are re-exported here, so `server::fixtures` and
//! `server::Reference` name the same things as before the core crate was split off.
//!
//! ## Adding a fault or an EITHER alternative
//! See `ssm_conform_core::reference`: they are the handler's, not the wrapper's.

mod http;

pub use http::{spawn, ServerHandle};
pub use ssm_conform_core::reference::{
    answer, choices, discovery, executions, fault, fixtures, habits, handler, token, validate, variant, Choices,
    Deform, ExecutionsChoices, ExecutionsFault, ExecutionsFaultInfo, ExecutionsVariant, ExecutionsVariantInfo, Fault,
    FaultInfo, Habits, Reference, Throttle, ThrottleOnce, Variant, VariantInfo,
};
