//! The second operation's variants: where §9 says EITHER, the faithful reference makes one
//! choice ([`ExecutionsChoices::FAITHFUL`]) and each variant another. A conformant endpoint may
//! make any of them: `tests/integration/executions.rs` runs the operation's checks against each
//! (with `--strict-messages`) and demands a pass; `every_variant_changes_some_answer` (the
//! reference's unit tests) proves each answers differently somewhere.
//!
//! They are a catalogue apart from the first operation's [`crate::reference::Variant`] for the
//! reason its faults are: the first operation's variant table runs each variant through the SDK
//! probes' measured rows, which do not cover this operation yet. The first operation's variants
//! whose rule both operations share (the last page's token, the order, an empty page's list, the
//! validation items' order, the error body's form) are honoured by this operation too.
//!
//! Adding one: a field of [`ExecutionsChoices`] if its rule is new (read where `mod.rs` answers
//! that rule), and a line below naming the rule.

use crate::catalogue::catalogue;
use crate::contract::EitherRule;

/// How a well-formed window id that names no window is answered (§9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnknownWindow {
    /// A 200 listing no execution.
    Empty,
    /// A 400 `DoesNotExistException`.
    DoesNotExist,
}

/// Which of an execution's times `ExecutedBefore` and `ExecutedAfter` compare (§9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExecutedTime {
    /// Its start (one that has not started is in no selection).
    Start,
    /// Its end (one that has started and not ended is after every instant).
    End,
}

/// How a time filter with several values selects (§9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeveralValues {
    /// What any of its values selects.
    Any,
    /// What every one of its values selects.
    All,
    /// A 400 `ValidationException`.
    Refused,
}

/// How a filter key the documentation does not name, or a value that is no instant, is
/// answered (§9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UndocumentedFilter {
    /// A 400 `ValidationException`.
    Refused,
    /// A 200: `ExecutionId`, `Status`, `StartTimeBefore` and `StartTimeAfter` applied as their
    /// names say; anything else matches nothing.
    Applied,
}

/// The second operation's answers where §9 says EITHER.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExecutionsChoices {
    /// A well-formed window id that names no window.
    pub unknown_window: UnknownWindow,
    /// Which time "executed" compares.
    pub executed_time: ExecutedTime,
    /// Whether an execution whose compared time is the instant itself is selected.
    pub instant_included: bool,
    /// A time filter with several values.
    pub several_values: SeveralValues,
    /// Undocumented filter keys and values that are no instant.
    pub undocumented_filter: UndocumentedFilter,
}

impl ExecutionsChoices {
    /// The faithful reference's choices.
    pub const FAITHFUL: ExecutionsChoices = ExecutionsChoices {
        unknown_window: UnknownWindow::Empty,
        executed_time: ExecutedTime::Start,
        instant_included: false,
        several_values: SeveralValues::Any,
        undocumented_filter: UndocumentedFilter::Refused,
    };
}

/// What the catalogue knows of each variant besides its name.
#[derive(Debug, Clone, Copy)]
pub struct ExecutionsVariantInfo {
    /// The EITHER rule of §9 it exercises.
    pub rule: EitherRule,
    /// The operation's choices under it.
    pub choices: ExecutionsChoices,
}

catalogue! {
    /// One accepted alternative to the second operation's default choice.
    pub enum ExecutionsVariant: "variant", "see `ssm-conform serve --list-variants`", info ExecutionsVariantInfo {
        UnknownWindowNotFound = "executions-unknown-window-not-found",
            "answers a well-formed WindowId that names no window with 400 DoesNotExistException" {
                rule: EitherRule::ExecutionsUnknownWindow,
                choices: ExecutionsChoices { unknown_window: UnknownWindow::DoesNotExist, ..ExecutionsChoices::FAITHFUL },
            };
        ExecutedByEnd = "executions-executed-by-end",
            "reads ExecutedBefore and ExecutedAfter by an execution's end (one still running is after every instant)" {
                rule: EitherRule::ExecutionsExecutedReading,
                choices: ExecutionsChoices { executed_time: ExecutedTime::End, ..ExecutionsChoices::FAITHFUL },
            };
        InstantIncluded = "executions-instant-included",
            "selects an execution that started at the filter's instant itself under both ExecutedBefore and ExecutedAfter" {
                rule: EitherRule::ExecutionsExecutedReading,
                choices: ExecutionsChoices { instant_included: true, ..ExecutionsChoices::FAITHFUL },
            };
        SeveralValuesAll = "executions-several-values-all",
            "selects under a time filter with several values only what every value selects" {
                rule: EitherRule::ExecutionsSeveralValues,
                choices: ExecutionsChoices { several_values: SeveralValues::All, ..ExecutionsChoices::FAITHFUL },
            };
        SeveralValuesRefused = "executions-several-values-refused",
            "refuses a time filter with more than one value (400 ValidationException)" {
                rule: EitherRule::ExecutionsSeveralValues,
                choices: ExecutionsChoices { several_values: SeveralValues::Refused, ..ExecutionsChoices::FAITHFUL },
            };
        UndocumentedFiltersApplied = "executions-undocumented-filters-applied",
            "answers 200 to undocumented filters: ExecutionId, Status, StartTimeBefore and StartTimeAfter applied as named, anything else (a value that is no instant too) matching nothing" {
                rule: EitherRule::ExecutionsUndocumentedFilter,
                choices: ExecutionsChoices { undocumented_filter: UndocumentedFilter::Applied, ..ExecutionsChoices::FAITHFUL },
            };
    }
}

impl ExecutionsVariant {
    /// The EITHER rule of §9 it exercises.
    pub fn rule(self) -> EitherRule {
        self.info().rule
    }

    /// The operation's choices under it.
    pub fn choices(self) -> ExecutionsChoices {
        self.info().choices
    }
}
