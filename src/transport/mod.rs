//! The only module that does network I/O on the harness side: send a [`WireRequest`], get a
//! [`WireResponse`], bounded in time and size.

mod http;

pub use http::{Client, TransportError, TransportErrorKind, TransportOptions};
