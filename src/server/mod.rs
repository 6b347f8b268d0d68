//! The embedded reference endpoint (`ssm-conform serve`, and in-process for `run`).

pub mod fault;
pub mod fixtures;
pub mod handler;
mod http;
pub mod token;
pub mod validate;
pub mod variant;

pub use fault::{Fault, UnknownFault};
pub use handler::Reference;
pub use http::{spawn, ServerHandle};
pub use variant::{UnknownVariant, Variant};
