//! Stopping a run early (Ctrl-C): a flag every phase reads before it sends a request. Requests
//! in flight finish (each bounded by the transport's timeout); what did not run is skipped, and
//! the report says the run was interrupted.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Set once, read by every phase.
#[derive(Debug, Clone, Default)]
pub struct StopFlag(Arc<AtomicBool>);

impl StopFlag {
    /// Asks the run to stop sending.
    pub fn set(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether the run was asked to stop.
    pub fn is_set(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Why a unit did not run after an interrupt.
pub const INTERRUPTED: &str = "the run was interrupted before this unit ran";
