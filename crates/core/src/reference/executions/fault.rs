//! The second operation's faults: each one deviation of `DescribeMaintenanceWindowExecutions`
//! from contract §9 that the reference can be told to make (`serve --fault NAME`), naming the
//! check that must catch it; `tests/integration/executions.rs` proves that each fails exactly its
//! check and nothing else. They are a catalogue of their own until the proxy, the replay and the
//! SDK probes cover the second operation (the first operation's fault table runs each of its
//! faults through all of those).
//!
//! Adding one: a line below, and a `has(…)` branch where the answer goes wrong (`mod.rs`).

use crate::catalogue::catalogue;
use crate::check_id::CheckId;

/// What the catalogue knows of each fault besides its name.
#[derive(Clone, Copy)]
pub struct ExecutionsFaultInfo {
    /// The check that must report it.
    pub check: CheckId,
    /// Whether only `--strict-messages` sees it (a STRICT rule: the wording alone).
    pub strict_only: bool,
}

catalogue! {
    /// One named deviation of the second operation.
    pub enum ExecutionsFault: "fault", "see `ssm-conform serve --list-faults`", info ExecutionsFaultInfo {
        WindowIdPatternUnchecked = "executions-window-id-pattern-unchecked",
            "checks only the WindowId's length, so a 20-character id outside the pattern is looked up"
            { check: CheckId::ExecutionsValidation, strict_only: false };
        ValidationMessageReworded = "executions-validation-message-reworded",
            "words a pattern violation \"Member must match pattern\" instead of AWS's \"Member must satisfy regular expression pattern\""
            { check: CheckId::ExecutionsValidationMessage, strict_only: true };
        StatusOutsideEnum = "executions-status-outside-enum",
            "reports a successful execution's Status as COMPLETED, which is no status of the model"
            { check: CheckId::ExecutionsResponseShape, strict_only: false };
        OtherWindowItems = "executions-other-window-items",
            "lists the first window's executions for a window that has none"
            { check: CheckId::ExecutionsItemWindow, strict_only: false };
        PaginationDropsItem = "executions-pagination-drops-item",
            "skips the execution after each page's last when pages are smaller than 100, so a walk in small pages loses some"
            { check: CheckId::ExecutionsPagination, strict_only: false };
        FilterInverted = "executions-filter-inverted",
            "applies ExecutedBefore as ExecutedAfter and ExecutedAfter as ExecutedBefore"
            { check: CheckId::ExecutionsFilterTime, strict_only: false };
        UndocumentedFilter500 = "executions-undocumented-filter-500",
            "fails with HTTP 500 on a filter key the documentation does not name (ExecutionId, Status, ...)"
            { check: CheckId::ExecutionsValidation, strict_only: false };
        UnknownWindow500 = "executions-unknown-window-500",
            "fails with HTTP 500 on a well-formed window id that names no window"
            { check: CheckId::ExecutionsUnknownWindow, strict_only: false };
    }
}

impl ExecutionsFault {
    /// The check that must report it.
    pub fn check(self) -> CheckId {
        self.info().check
    }

    /// Whether only `--strict-messages` sees it.
    pub fn strict_only(self) -> bool {
        self.info().strict_only
    }
}
