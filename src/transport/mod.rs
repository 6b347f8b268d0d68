//! The only module that does network I/O on the harness side: send a [`WireRequest`](crate::request::WireRequest), get a
//! [`WireResponse`](crate::response::WireResponse), bounded in time and size.

mod http;
pub mod record;
mod sign;

pub use http::{
    check_url, end_to_end, Client, ClientConfig, RawRequest, RawResponse, TransportError, TransportErrorKind,
    TransportOptions,
};
pub use sign::{CredentialSource, SignError, Signer};
