//! Exit statuses, as named constants.

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
