//! Stopping a run early (Ctrl-C): a flag every phase reads before it sends a request. Requests
//! in flight finish (each bounded by the transport's timeout); what did not run is skipped, and
//! the report says the run was interrupted.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;

use crate::exit::StopSignal;

/// Set once (by the first signal), read by every phase.
#[derive(Debug, Clone, Default)]
pub struct StopFlag(Arc<AtomicU8>);

impl StopFlag {
    /// Asks the run to stop sending, as Ctrl-C does.
    pub fn set(&self) {
        self.set_by(StopSignal::Interrupt);
    }

    /// Asks the run to stop sending because of `signal`; a later signal does not change why.
    pub fn set_by(&self, signal: StopSignal) {
        let code = match signal {
            StopSignal::Interrupt => 1,
            StopSignal::Terminate => 2,
        };
        let _ = self.0.compare_exchange(0, code, Ordering::SeqCst, Ordering::SeqCst);
    }

    /// Whether the run was asked to stop.
    pub fn is_set(&self) -> bool {
        self.0.load(Ordering::SeqCst) != 0
    }

    /// The signal that stopped the run, if one did.
    pub fn signal(&self) -> Option<StopSignal> {
        match self.0.load(Ordering::SeqCst) {
            0 => None,
            1 => Some(StopSignal::Interrupt),
            _ => Some(StopSignal::Terminate),
        }
    }
}

/// Why a unit did not run after an interrupt.
pub const INTERRUPTED: &str = "the run was interrupted before this unit ran";
