//! Stable check ids: the names that findings, JUnit test cases, baseline entries and the
//! reference server's faults share.

use std::fmt;
use std::str::FromStr;

/// The family a check belongs to, for grouping in reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CheckFamily {
    /// `WindowExecutionId` length, pattern and lookup.
    IdPattern,
    /// The `MaxResults` range.
    MaxResults,
    /// Filter limits and semantics.
    Filters,
    /// Page sizes, tokens and walks.
    Pagination,
    /// Error statuses, types and messages.
    Errors,
    /// Wire protocol: target, JSON, content type, request id.
    Protocol,
    /// The shape of returned items.
    ResponseShape,
    /// Recorded responses compared with accepted snapshots.
    Snapshots,
    /// Property-generated requests judged by the oracle.
    Generated,
}

impl CheckFamily {
    /// Every family, in report order.
    pub const ALL: [CheckFamily; 9] = [
        CheckFamily::IdPattern,
        CheckFamily::MaxResults,
        CheckFamily::Filters,
        CheckFamily::Pagination,
        CheckFamily::Errors,
        CheckFamily::Protocol,
        CheckFamily::ResponseShape,
        CheckFamily::Snapshots,
        CheckFamily::Generated,
    ];

    /// The family's display name.
    pub fn name(self) -> &'static str {
        match self {
            CheckFamily::IdPattern => "id pattern",
            CheckFamily::MaxResults => "max results",
            CheckFamily::Filters => "filters",
            CheckFamily::Pagination => "pagination",
            CheckFamily::Errors => "errors",
            CheckFamily::Protocol => "protocol",
            CheckFamily::ResponseShape => "response shape",
            CheckFamily::Snapshots => "snapshots",
            CheckFamily::Generated => "generated requests",
        }
    }
}

macro_rules! check_ids {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal, $family:ident; )*) => {
        /// A stable check id. Its kebab-case name never changes once released.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum CheckId {
            $( $(#[$doc])* $variant, )*
        }

        impl CheckId {
            /// Every check id, in declaration order.
            pub const ALL: &'static [CheckId] = &[ $( CheckId::$variant, )* ];

            /// The stable kebab-case name.
            pub fn name(self) -> &'static str {
                match self { $( CheckId::$variant => $name, )* }
            }

            /// The family the check belongs to.
            pub fn family(self) -> CheckFamily {
                match self { $( CheckId::$variant => CheckFamily::$family, )* }
            }
        }
    };
}

check_ids! {
    /// A missing or null `WindowExecutionId` is a validation error.
    IdRequired = "id-required", IdPattern;
    /// The id must be exactly 36 characters.
    IdLength = "id-length", IdPattern;
    /// The id must match the hex pattern.
    IdPattern = "id-pattern", IdPattern;
    /// The pattern is anchored: a valid id with a prefix or suffix is not valid.
    IdAnchoring = "id-pattern-anchoring", IdPattern;
    /// Upper- and lower-case hex digits are both valid.
    IdHexCase = "id-hex-case", IdPattern;
    /// A well-formed id naming no execution gets `DoesNotExistException`.
    UnknownExecution = "unknown-execution", IdPattern;
    /// `MaxResults` below 10 is rejected, 10 accepted.
    MaxResultsMin = "max-results-min", MaxResults;
    /// `MaxResults` above 100 is rejected, 100 accepted.
    MaxResultsMax = "max-results-max", MaxResults;
    /// At most 5 filters; an empty list is valid.
    FiltersCount = "filters-count", Filters;
    /// Filter keys are 1..128 characters.
    FilterKeyLength = "filter-key-length", Filters;
    /// Filter values are 1..256 characters each.
    FilterValueLength = "filter-value-length", Filters;
    /// STATUS values are ORed within a filter, filters are ANDed.
    FilterStatus = "filter-status", Filters;
    /// Unsupported keys or values get a client error or are applied as written, never a 5xx.
    FilterUnsupported = "filter-unsupported", Filters;
    /// A page never holds more than `MaxResults` items.
    PageSize = "page-size", Pagination;
    /// Walking the pages gives every item once, in a stable order, and ends.
    PaginationWalk = "pagination-walk", Pagination;
    /// A garbage, truncated or tampered token is a client error.
    PaginationToken = "pagination-token", Pagination;
    /// Every violated member is named in the validation message.
    ValidationAggregation = "validation-aggregation", Errors;
    /// The validation message is AWS's wording exactly (`--strict-messages`).
    ValidationMessage = "validation-message", Errors;
    /// Client errors are HTTP 400.
    ErrorStatus = "error-status", Errors;
    /// Errors carry `__type` in the JSON body, resolvable the awsJson way.
    ErrorType = "error-type", Errors;
    /// Validation and does-not-exist errors carry `message` or `Message`.
    ErrorMessage = "error-message", Errors;
    /// Errors are sent as `application/x-amz-json-1.1`.
    ErrorContentType = "error-content-type", Errors;
    /// Another `X-Amz-Target` is an `UnknownOperationException`.
    UnknownOperation = "unknown-operation", Protocol;
    /// Malformed JSON is a client error, never a 5xx.
    MalformedJson = "malformed-json", Protocol;
    /// A member of the wrong JSON type is a client error, never a 5xx or a success.
    WrongJsonType = "wrong-json-type", Protocol;
    /// A JSON `null` member is the same as an absent one.
    NullMember = "null-member", Protocol;
    /// An empty body is read as `{}`.
    EmptyBody = "empty-body", Protocol;
    /// Unknown request members are ignored or a client error, never a 5xx.
    UnknownMember = "unknown-member", Protocol;
    /// Successes are sent as `application/x-amz-json-1.1`.
    ContentType = "content-type", Protocol;
    /// Every response carries `x-amzn-RequestId`.
    RequestId = "request-id", Protocol;
    /// The operation is implemented at all.
    OperationImplemented = "operation-implemented", Protocol;
    /// A success body is a JSON object with a list of items.
    ResponseBody = "response-body", ResponseShape;
    /// Items carry the required members and no misspelt stand-ins.
    ItemMembers = "item-members", ResponseShape;
    /// Item members have the right JSON types, enums and lengths.
    ItemTypes = "item-types", ResponseShape;
    /// Timestamps are epoch-second numbers and `EndTime` is not before `StartTime`.
    ItemTimestamps = "item-timestamps", ResponseShape;
    /// Every item belongs to the requested execution.
    ItemExecution = "item-execution-id", ResponseShape;
    /// The response matches its accepted snapshot.
    Snapshot = "snapshot", Snapshots;
    /// Every generated request gets the answer the oracle expects.
    GeneratedRequests = "generated-requests", Generated;
}

impl fmt::Display for CheckId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error for a name that is no check id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown check id {name:?}")]
pub struct UnknownCheckId {
    /// The name given.
    pub name: String,
}

impl FromStr for CheckId {
    type Err = UnknownCheckId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CheckId::ALL.iter().copied().find(|c| c.name() == s).ok_or_else(|| UnknownCheckId { name: s.to_owned() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for id in CheckId::ALL {
            assert!(seen.insert(id.name()), "duplicate check name {}", id.name());
            assert_eq!(id.name().parse::<CheckId>().unwrap(), *id);
        }
    }
}
