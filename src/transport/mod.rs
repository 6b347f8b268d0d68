//! The only module that does network I/O on the harness side: send a [`WireRequest`](crate::request::WireRequest), get a
//! [`WireResponse`](crate::response::WireResponse), bounded in time and size.

pub mod endpoint;
mod http;
pub mod pace;
pub mod record;
pub mod retry;
mod sign;

pub use http::{
    check_url, end_to_end, Client, ClientConfig, RawRequest, RawResponse, TransportError, TransportErrorKind,
    TransportOptions,
};
pub use pace::{Pacer, PacingOptions};
pub use retry::{RetryCounts, RetryLedger, RetryPolicy};
pub use sign::{CredentialSource, SignError, Signer};
