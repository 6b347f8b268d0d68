//! Exit statuses, as named constants.

/// The endpoint conforms: no findings.
pub const CONFORMANT: u8 = 0;
/// The endpoint departs from the contract: at least one finding.
pub const FINDINGS: u8 = 1;
/// The harness could not do its job: usage, a bad case file, an unreachable endpoint.
pub const HARNESS_ERROR: u8 = 2;
/// The run was interrupted (Ctrl-C): the reports cover what ran, and say so.
pub const INTERRUPTED: u8 = 130;
