//! Stable check ids: the names that findings, JUnit test cases, baseline entries and the
//! reference server's faults share. A leaf module (only the catalogue idiom below it), so every
//! floor of the pipeline can name a check without depending on the checks themselves.
//!
//! Adding a check id: one line here (stable kebab-case name, one-line description, family), then
//! the check that makes its findings (`check/`), a fault that trips it (`server/fault.rs`), and a
//! case or relation that observes it. The fault-table test fails until every id has a fault.

use crate::catalogue::catalogue;

catalogue! {
    /// The family a check belongs to, for grouping in reports.
    pub enum CheckFamily: "check family", "" {
        IdPattern = "id pattern", "`WindowExecutionId` length, pattern and lookup.";
        MaxResults = "max results", "The `MaxResults` range.";
        Filters = "filters", "Filter limits and semantics.";
        Pagination = "pagination", "Page sizes, tokens and walks.";
        Errors = "errors", "Error statuses, types and messages.";
        Protocol = "protocol", "Wire protocol: target, JSON, content type, request id.";
        ResponseShape = "response shape", "The shape of returned items.";
        Snapshots = "snapshots", "Recorded responses compared with accepted snapshots.";
        Generated = "generated requests", "Property-generated requests judged by the oracle.";
        Executions = "executions", "`DescribeMaintenanceWindowExecutions` (contract §9), the family's second operation.";
    }
}

/// What the catalogue knows of each check id besides its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckInfo {
    /// The family it is reported under.
    pub family: CheckFamily,
}

catalogue! {
    /// A stable check id. Its kebab-case name never changes once released.
    pub enum CheckId: "check id", "see `ssm-conform run --list-checks`", info CheckInfo {
        IdRequired = "id-required", "A missing or null `WindowExecutionId` is a validation error."
            { family: CheckFamily::IdPattern };
        IdLength = "id-length", "The id must be exactly 36 characters."
            { family: CheckFamily::IdPattern };
        IdPattern = "id-pattern", "The id must match the hex pattern."
            { family: CheckFamily::IdPattern };
        IdAnchoring = "id-pattern-anchoring", "The pattern is anchored: a valid id with a prefix or suffix is not valid."
            { family: CheckFamily::IdPattern };
        IdHexCase = "id-hex-case", "Upper- and lower-case hex digits are both valid."
            { family: CheckFamily::IdPattern };
        IdCaseRelations = "id-case-relations", "A known id in another letter case is found with the same items through a whole walk, or not at all."
            { family: CheckFamily::IdPattern };
        UnknownExecution = "unknown-execution", "A well-formed id naming no execution gets `DoesNotExistException`."
            { family: CheckFamily::IdPattern };
        MaxResultsMin = "max-results-min", "`MaxResults` below 10 is rejected, 10 accepted."
            { family: CheckFamily::MaxResults };
        MaxResultsMax = "max-results-max", "`MaxResults` above 100 is rejected, 100 accepted."
            { family: CheckFamily::MaxResults };
        MaxResultsEncodings = "max-results-encodings", "`MaxResults` written as an integral float (`1e1`, `10.0`, `1E2`) walks exactly as the integer does, or is refused on the first page."
            { family: CheckFamily::MaxResults };
        FiltersCount = "filters-count", "At most 5 filters; an empty list is valid."
            { family: CheckFamily::Filters };
        FilterKeyLength = "filter-key-length", "Filter keys are 1..128 characters."
            { family: CheckFamily::Filters };
        FilterValueLength = "filter-value-length", "Filter values are 1..256 characters each."
            { family: CheckFamily::Filters };
        FilterStatus = "filter-status", "STATUS values are ORed within a filter, filters are ANDed."
            { family: CheckFamily::Filters };
        FilterUnsupported = "filter-unsupported", "Unsupported keys or values get a client error or are applied as written, never a 5xx."
            { family: CheckFamily::Filters };
        PageSize = "page-size", "A page never holds more than `MaxResults` items."
            { family: CheckFamily::Pagination };
        PaginationWalk = "pagination-walk", "Walking the pages gives every item once, in a stable order, and ends."
            { family: CheckFamily::Pagination };
        PageSizeSwitch = "page-size-switch", "Page sizes changed between the pages of one walk (100, 10, 11, 37 and back): every item once in the same order, or a 400 client error where the size changed."
            { family: CheckFamily::Pagination };
        TokenCrossUse = "token-cross-use", "A token carried into a listing with other filters: a 400 client error, or a walk that ends with no item twice and none from outside the execution."
            { family: CheckFamily::Pagination };
        PaginationToken = "pagination-token", "A garbage, truncated or tampered token is a client error."
            { family: CheckFamily::Pagination };
        ValidationAggregation = "validation-aggregation", "Every violated member is named in the validation message."
            { family: CheckFamily::Errors };
        ValidationMessage = "validation-message", "The validation message is AWS's wording exactly (`--strict-messages`)."
            { family: CheckFamily::Errors };
        ErrorStatus = "error-status", "Client errors are HTTP 400."
            { family: CheckFamily::Errors };
        ErrorType = "error-type", "Errors carry `__type` in the JSON body, resolvable the awsJson way, naming the error: an invalid request's is `ValidationException`."
            { family: CheckFamily::Errors };
        ErrorMessage = "error-message", "Validation and does-not-exist errors carry `message` or `Message`."
            { family: CheckFamily::Errors };
        ThrottleShape = "throttle-shape", "A throttle is one clients recognise and retry: a throttling `__type` (`ThrottlingException`) in the body, at a client-error status."
            { family: CheckFamily::Errors };
        ErrorContentType = "error-content-type", "Errors are sent as `application/x-amz-json-1.1`."
            { family: CheckFamily::Errors };
        UnknownOperation = "unknown-operation", "Another `X-Amz-Target` is an `UnknownOperationException`."
            { family: CheckFamily::Protocol };
        MalformedJson = "malformed-json", "Malformed JSON is a client error, never a 5xx."
            { family: CheckFamily::Protocol };
        WrongJsonType = "wrong-json-type", "A member of the wrong JSON type is a client error, never a 5xx or a success."
            { family: CheckFamily::Protocol };
        NullMember = "null-member", "A JSON `null` member is the same as an absent one."
            { family: CheckFamily::Protocol };
        EmptyBody = "empty-body", "An empty body is read as `{}`."
            { family: CheckFamily::Protocol };
        UnknownMember = "unknown-member", "Unknown request members are ignored or a client error, never a 5xx."
            { family: CheckFamily::Protocol };
        MemberEncodings = "member-encodings", "A member sent as `null`, `Filters: []`, or an unknown member beside valid ones walks exactly as the plain request does (an unknown member may be refused on the first page)."
            { family: CheckFamily::Protocol };
        ContentType = "content-type", "Successes are sent as `application/x-amz-json-1.1`."
            { family: CheckFamily::Protocol };
        RequestId = "request-id", "Every response carries `x-amzn-RequestId`."
            { family: CheckFamily::Protocol };
        OperationImplemented = "operation-implemented", "The operation is implemented at all."
            { family: CheckFamily::Protocol };
        ResponseBody = "response-body", "A success body is a JSON object with a list of items."
            { family: CheckFamily::ResponseShape };
        ItemMembers = "item-members", "Items carry the required members and no misspelt stand-ins."
            { family: CheckFamily::ResponseShape };
        ItemTypes = "item-types", "Item members have the right JSON types, enums and lengths."
            { family: CheckFamily::ResponseShape };
        ItemTimestamps = "item-timestamps", "Timestamps are epoch-second numbers and `EndTime` is not before `StartTime`."
            { family: CheckFamily::ResponseShape };
        ItemExecution = "item-execution-id", "Every item belongs to the requested execution."
            { family: CheckFamily::ResponseShape };
        Snapshot = "snapshot", "The response matches its accepted snapshot."
            { family: CheckFamily::Snapshots };
        GeneratedRequests = "generated-requests", "Every generated request gets the answer the oracle expects."
            { family: CheckFamily::Generated };
        ExecutionsValidation = "executions-validation", "DescribeMaintenanceWindowExecutions: a request breaking a constraint of the model is a 400 `ValidationException` naming every violated member; values at the bounds are accepted."
            { family: CheckFamily::Executions };
        ExecutionsValidationMessage = "executions-validation-message", "DescribeMaintenanceWindowExecutions: the validation message is AWS's wording exactly, item for item (`--strict-messages`)."
            { family: CheckFamily::Executions };
        ExecutionsResponseShape = "executions-response-shape", "DescribeMaintenanceWindowExecutions: a success is the model's output, each execution carrying `WindowId`, `WindowExecutionId` and `Status`, every member of its type, enum, pattern and length, `EndTime` not before `StartTime`."
            { family: CheckFamily::Executions };
        ExecutionsItemWindow = "executions-item-window", "DescribeMaintenanceWindowExecutions: every execution returned belongs to the requested window."
            { family: CheckFamily::Executions };
        ExecutionsPagination = "executions-pagination", "DescribeMaintenanceWindowExecutions: a page holds at most `MaxResults`; walking gives every execution once, in one order for every page size, and ends."
            { family: CheckFamily::Executions };
        ExecutionsFilterTime = "executions-filter-time", "DescribeMaintenanceWindowExecutions: `ExecutedBefore` and `ExecutedAfter` return what every reading of them selects and nothing none selects."
            { family: CheckFamily::Executions };
        ExecutionsUnknownWindow = "executions-unknown-window", "DescribeMaintenanceWindowExecutions: a well-formed id naming no window lists nothing or is `DoesNotExistException`, never a 5xx."
            { family: CheckFamily::Executions };
    }
}

impl CheckId {
    /// The family the check belongs to.
    pub fn family(self) -> CheckFamily {
        self.info().family
    }

    /// The section of the contract (`docs/contract.md`) that states the check's rule.
    pub fn section(self) -> &'static str {
        use CheckId::*;
        match self {
            IdRequired
            | IdLength
            | IdPattern
            | IdAnchoring
            | MaxResultsMin
            | MaxResultsMax
            | FiltersCount
            | FilterKeyLength
            | FilterValueLength
            | ValidationAggregation
            | ValidationMessage => "§2",
            IdHexCase | IdCaseRelations | UnknownExecution | FilterStatus | FilterUnsupported | ItemExecution => "§3",
            ResponseBody | ItemMembers | ItemTypes | ItemTimestamps => "§4",
            PageSize | PaginationWalk | PageSizeSwitch | TokenCrossUse | PaginationToken => "§5",
            MaxResultsEncodings => "§1, §2",
            ErrorStatus | ErrorMessage | ErrorContentType => "§6",
            ErrorType => "§6, §2",
            ThrottleShape => "§8, §6",
            OperationImplemented => "§7",
            UnknownOperation | MalformedJson | WrongJsonType | NullMember | EmptyBody | UnknownMember
            | MemberEncodings | ContentType | RequestId => "§1",
            Snapshot => "snapshots (recorded answers, not the contract)",
            GeneratedRequests => "§1–§6 (the oracle)",
            ExecutionsValidation
            | ExecutionsValidationMessage
            | ExecutionsResponseShape
            | ExecutionsItemWindow
            | ExecutionsPagination
            | ExecutionsFilterTime
            | ExecutionsUnknownWindow => "§9",
        }
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
        let typo = "pagination-wlak".parse::<CheckId>().unwrap_err();
        assert_eq!(typo.suggestion, Some("pagination-walk"));
    }
}
