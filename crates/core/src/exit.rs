//! Exit statuses, as named constants, and stopping a run early (Ctrl-C, SIGTERM): a flag every
//! driver's phases read before they send a request. Requests in flight finish (each bounded by
//! the transport's timeout); what did not run is skipped, and the report says the run was
//! interrupted.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;

/// The endpoint conforms: no findings.
pub const CONFORMANT: u8 = 0;
/// The endpoint departs from the contract: at least one finding.
pub const FINDINGS: u8 = 1;
/// The harness could not do its job: usage, a bad case file, an unreachable endpoint.
pub const HARNESS_ERROR: u8 = 2;
/// The run was interrupted (Ctrl-C): the reports cover what ran, and say so.
pub const INTERRUPTED: u8 = 130;
/// The run was terminated (SIGTERM, as CI cancels a job): as [`INTERRUPTED`], 128 + 15.
pub const TERMINATED: u8 = 143;

/// The signal that stopped a run early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopSignal {
    /// SIGINT: Ctrl-C.
    Interrupt,
    /// SIGTERM: how CI systems and process managers cancel a job.
    Terminate,
}

impl StopSignal {
    /// The exit status of a run it stopped.
    pub fn exit_status(self) -> u8 {
        match self {
            StopSignal::Interrupt => INTERRUPTED,
            StopSignal::Terminate => TERMINATED,
        }
    }

    /// How reports name it.
    pub fn describe(self) -> &'static str {
        match self {
            StopSignal::Interrupt => "Ctrl-C",
            StopSignal::Terminate => "SIGTERM",
        }
    }
}

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
pub const UNIT_INTERRUPTED: &str = "the run was interrupted before this unit ran";
