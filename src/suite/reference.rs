//! The embedded reference endpoint on a loopback port, faithful or with one named fault: to try a
//! test setup against an endpoint whose answer is known, and what `ssm-conform run` talks to when
//! given no endpoint.

use std::net::{Ipv4Addr, SocketAddr};

use super::SuiteError;
use crate::server::{self, Fault, Reference, ServerHandle};

/// The reference endpoint, serving on `127.0.0.1` at a free port until [`stop`] or drop.
///
/// [`stop`]: ReferenceEndpoint::stop
#[derive(Debug)]
pub struct ReferenceEndpoint {
    handle: ServerHandle,
    execution_ids: Vec<String>,
}

impl ReferenceEndpoint {
    /// The faithful reference.
    pub async fn start() -> Result<ReferenceEndpoint, SuiteError> {
        ReferenceEndpoint::serve(Reference::new(None)).await
    }

    /// The reference with one fault (`ssm-conform serve --list-faults` names them all), such as
    /// `pagination-drops-item`.
    pub async fn with_fault(fault: &str) -> Result<ReferenceEndpoint, SuiteError> {
        let fault = fault.parse::<Fault>().map_err(|e| SuiteError::Config(e.to_string()))?;
        ReferenceEndpoint::serve(Reference::new(Some(fault))).await
    }

    async fn serve(reference: Reference) -> Result<ReferenceEndpoint, SuiteError> {
        let execution_ids = reference.executions().iter().map(|e| e.window_execution_id.clone()).collect();
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
        let handle = server::spawn(addr, reference).await.map_err(SuiteError::Reference)?;
        Ok(ReferenceEndpoint { handle, execution_ids })
    }

    /// Its URL, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        self.handle.url()
    }

    /// The maintenance window executions it holds.
    pub fn execution_ids(&self) -> &[String] {
        &self.execution_ids
    }

    /// Stops serving and waits until it has.
    pub async fn stop(self) {
        self.handle.stop().await;
    }
}
