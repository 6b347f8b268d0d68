//! `DescribeMaintenanceWindowExecutions` (contract §9): what the service model cannot say.
//!
//! Its members, bounds, patterns, enums, paginator and modelled errors are the model's
//! ([`crate::model::operation::describe_maintenance_window_executions`] and the shapes it names);
//! what is here is the operation's semantics, written by hand from AWS's documentation: the
//! filter keys it documents and how they select executions, which members an item must carry to
//! be paginated and told apart, and what is unknown (EITHER).

use crate::model::operation::describe_maintenance_window_executions as op;
use crate::model::shape::maintenance_window_execution as item;

/// The operation's name.
pub const OPERATION: &str = op::NAME;
/// Its `X-Amz-Target` header value.
pub const TARGET: &str = op::TARGET;

/// The filter key the documentation names for executions that ran before an instant.
pub const EXECUTED_BEFORE: &str = "ExecutedBefore";
/// The filter key the documentation names for executions that ran after an instant.
pub const EXECUTED_AFTER: &str = "ExecutedAfter";
/// The keys the documentation names ("Supported keys include `ExecutedBefore` and
/// `ExecutedAfter`"; values are ISO 8601 date-times such as `2024-11-04T05:00:00Z`).
pub const DOCUMENTED_KEYS: [&str; 2] = [EXECUTED_BEFORE, EXECUTED_AFTER];

/// Filter keys the documentation does not name, which the issue asking for this operation did
/// (`ExecutionId`, `Status`, `StartTimeBefore`, `StartTimeAfter`): EITHER, refused or accepted
/// (§9). The reference's variant that accepts them applies each as its name says.
pub const UNDOCUMENTED_KEYS: [&str; 4] = ["ExecutionId", "Status", "StartTimeBefore", "StartTimeAfter"];

/// Members an item must carry to be paginated and told apart (§9; the model requires none).
pub const REQUIRED_ITEM_MEMBERS: [&str; 3] = [item::WINDOW_ID, item::WINDOW_EXECUTION_ID, item::STATUS];

/// Whether an execution must, must not, or may be returned under a filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    /// Every reading of the filter selects it: leaving it out is a finding.
    Must,
    /// No reading of the filter selects it: returning it is a finding.
    MustNot,
    /// The readings differ (the boundary, a running execution, several values): EITHER.
    Either,
}

impl Selection {
    /// Several filters are ANDed: one that rules an execution out rules it out; it is selected
    /// for certain only when every filter selects it for certain.
    pub fn and(self, other: Selection) -> Selection {
        match (self, other) {
            (Selection::MustNot, _) | (_, Selection::MustNot) => Selection::MustNot,
            (Selection::Must, Selection::Must) => Selection::Must,
            _ => Selection::Either,
        }
    }
}

/// An ISO 8601 date-time filter value as epoch seconds (RFC 3339, the form the documentation
/// shows); `None` for anything else, which the service may refuse or read otherwise (EITHER).
pub fn filter_instant(value: &str) -> Option<f64> {
    let t = time::OffsetDateTime::parse(value, &time::format_description::well_known::Rfc3339).ok()?;
    Some(t.unix_timestamp_nanos() as f64 / 1e9)
}

/// How a documented time filter selects an execution that started at `start` and ended at `end`
/// (epoch seconds; `None` while it has not). The documentation does not say whether "executed"
/// means the start or the end, nor whether the instant itself is in: only what every reading
/// agrees on is MUST. `None` for a key that is not documented.
pub fn select(key: &str, instant: f64, start: Option<f64>, end: Option<f64>) -> Option<Selection> {
    let selection = match key {
        // Before: an execution that ended before the instant ran before it by any reading; one
        // that started after it did not.
        EXECUTED_BEFORE => match (start, end) {
            (_, Some(e)) if e < instant => Selection::Must,
            (Some(s), _) if s > instant => Selection::MustNot,
            _ => Selection::Either,
        },
        // After: an execution that started after the instant ran after it by any reading; one
        // that ended before it did not.
        EXECUTED_AFTER => match (start, end) {
            (Some(s), _) if s > instant => Selection::Must,
            (_, Some(e)) if e < instant => Selection::MustNot,
            _ => Selection::Either,
        },
        _ => return None,
    };
    Some(selection)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rfc3339_instants() {
        assert_eq!(filter_instant("2025-01-01T00:00:00Z"), Some(1_735_689_600.0));
        assert_eq!(filter_instant("2025-01-01T01:00:00+01:00"), Some(1_735_689_600.0));
        assert_eq!(filter_instant("2025-01-01T00:00:00.5Z"), Some(1_735_689_600.5));
        for bad in ["", "yesterday", "2025-01-01", "1735689600", "2025-13-01T00:00:00Z"] {
            assert_eq!(filter_instant(bad), None, "{bad}");
        }
    }

    #[test]
    fn only_what_every_reading_agrees_on_is_must() {
        use Selection::*;
        let t = 1000.0;
        assert_eq!(select(EXECUTED_BEFORE, t, Some(10.0), Some(20.0)), Some(Must));
        assert_eq!(select(EXECUTED_BEFORE, t, Some(1001.0), Some(1002.0)), Some(MustNot));
        assert_eq!(select(EXECUTED_BEFORE, t, Some(990.0), Some(1010.0)), Some(Either));
        assert_eq!(select(EXECUTED_BEFORE, t, Some(990.0), None), Some(Either));
        assert_eq!(select(EXECUTED_BEFORE, t, Some(990.0), Some(1000.0)), Some(Either));
        assert_eq!(select(EXECUTED_AFTER, t, Some(1001.0), None), Some(Must));
        assert_eq!(select(EXECUTED_AFTER, t, Some(10.0), Some(20.0)), Some(MustNot));
        assert_eq!(select(EXECUTED_AFTER, t, Some(1000.0), Some(1020.0)), Some(Either));
        assert_eq!(select(EXECUTED_AFTER, t, None, None), Some(Either));
        assert_eq!(select("Status", t, Some(1.0), Some(2.0)), None);
        assert_eq!(Must.and(Must), Must);
        assert_eq!(Must.and(Either), Either);
        assert_eq!(Either.and(MustNot), MustNot);
    }
}
