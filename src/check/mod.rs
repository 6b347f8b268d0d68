//! The oracle's checks: each a small pure function over requests and responses, named by a
//! stable [`CheckId`]. No I/O here; the runner gathers the responses.

pub mod error_shape;
pub mod expectation;
pub mod filters;
mod id;
pub mod pagination;
pub mod protocol;
pub mod response_shape;
pub mod snapshot;

pub use id::{CheckFamily, CheckId, UnknownCheckId};

/// Options that change what the checks demand.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CheckOptions {
    /// Compare validation messages to AWS's wording exactly (STRICT rules).
    pub strict_messages: bool,
}
