//! The fault catalogue: each fault is exactly one deviation from the contract that the reference
//! endpoint can be told to make (`serve --fault NAME`). Each names the check that must catch it;
//! a table-driven test proves that it does.
//!
//! ## Adding a fault
//! 1. One line below: its stable name, what the endpoint does wrong, the check that must catch
//!    it, whether only `--strict-messages` can see it, and its deformation.
//! 2. A fault that only changes the answer (a header, a status, a member) is a small function in
//!    `deform.rs` named in its line (`deform: Some(deform::its_name)`); one that changes how the
//!    request is read, validated, filtered or paginated is a `has(Fault::…)` branch at that place
//!    in `handler.rs` or `validate.rs` (`deform: None`).
//! 3. `cargo test`: the fault table runs the whole suite against it and demands that exactly its
//!    check fails; add a case in `cases/` if no case or relation observes it yet.

use super::deform::{self, Deform};
use crate::catalogue::catalogue;
use crate::check_id::CheckId;

/// What the catalogue knows of each fault besides its name.
#[derive(Clone, Copy)]
pub struct FaultInfo {
    /// The check that must report it.
    pub check: CheckId,
    /// Whether only `--strict-messages` can see it (the deviation is in wording only).
    pub strict_only: bool,
    /// The deformation of the faithful answer, for output-only faults.
    pub deform: Option<Deform>,
}

catalogue! {
    /// One named deviation from the contract.
    pub enum Fault: "fault", "see `ssm-conform serve --list-faults`", info FaultInfo {
        IdLengthUnchecked = "id-length-unchecked",
            "omits the length items from validation messages (only the pattern is checked)"
            { check: CheckId::ValidationMessage, strict_only: true, deform: None };
        IdLengthTruncated = "id-length-truncated",
            "truncates ids longer than 36 characters to their first 36 before validating and looking them up"
            { check: CheckId::IdLength, strict_only: false, deform: None };
        IdPatternUnchecked = "id-pattern-unchecked",
            "checks only the id's length, so a 36-character non-hex id is looked up"
            { check: CheckId::IdPattern, strict_only: false, deform: None };
        IdPatternUnanchored = "id-pattern-unanchored",
            "searches the id for the pattern without anchors or a length check, so a valid id with a prefix or suffix passes"
            { check: CheckId::IdAnchoring, strict_only: false, deform: None };
        IdUppercaseRejected = "id-uppercase-rejected",
            "accepts only lower-case hex, rejecting upper-case ids as invalid"
            { check: CheckId::IdHexCase, strict_only: false, deform: None };
        IdCaseFirstPageOnly = "id-case-first-page-only",
            "finds a known id in another letter case on the first page only: the next page is DoesNotExistException"
            { check: CheckId::IdCaseRelations, strict_only: false, deform: None };
        IdCaseIgnoresFilters = "id-case-ignores-filters",
            "finds a known id in another letter case but ignores the STATUS filters sent with it"
            { check: CheckId::IdCaseRelations, strict_only: false, deform: None };
        IdOtherCase500 = "id-other-case-500",
            "fails with HTTP 500 on a known execution id in another letter case"
            { check: CheckId::IdHexCase, strict_only: false, deform: None };
        IdRequiredUnchecked = "id-required-unchecked",
            "looks up a missing WindowExecutionId as an empty id instead of rejecting it"
            { check: CheckId::IdRequired, strict_only: false, deform: None };
        EmptyExecutionUnknown = "empty-execution-unknown",
            "answers an execution with no tasks with DoesNotExistException instead of 200 and an empty list"
            { check: CheckId::PaginationWalk, strict_only: false, deform: None };
        UnknownExecutionEmpty = "unknown-execution-empty-200",
            "answers an unknown execution id with 200 and an empty list"
            { check: CheckId::UnknownExecution, strict_only: false, deform: Some(deform::unknown_execution_empty) };
        UnknownExecution404 = "unknown-execution-404",
            "answers DoesNotExistException with HTTP 404 (the awsQuery status) instead of 400"
            { check: CheckId::ErrorStatus, strict_only: false, deform: Some(deform::unknown_execution_404) };
        MaxResultsMinUnchecked = "max-results-min-unchecked",
            "accepts MaxResults below 10"
            { check: CheckId::MaxResultsMin, strict_only: false, deform: None };
        MaxResultsMinOffByOne = "max-results-min-off-by-one",
            "rejects MaxResults 10 (uses > instead of >=)"
            { check: CheckId::MaxResultsMin, strict_only: false, deform: None };
        MaxResultsMaxUnchecked = "max-results-max-unchecked",
            "accepts MaxResults above 100"
            { check: CheckId::MaxResultsMax, strict_only: false, deform: None };
        MaxResultsWraps32Bit = "max-results-wraps-32-bit",
            "keeps the low 32 bits of a MaxResults beyond 32 bits (2^32 + 50 reads as 50)"
            { check: CheckId::MaxResultsMax, strict_only: false, deform: None };
        MaxResultsMaxOffByOne = "max-results-max-off-by-one",
            "rejects MaxResults 100 (uses < instead of <=)"
            { check: CheckId::MaxResultsMax, strict_only: false, deform: None };
        IntegralFloatFirstPageOnly = "integral-float-first-page-only",
            "reads an integral-float MaxResults (10.0) on a first page but refuses it beside a NextToken"
            { check: CheckId::MaxResultsEncodings, strict_only: false, deform: None };
        FiltersMaxUnchecked = "filters-max-unchecked",
            "accepts more than 5 filters"
            { check: CheckId::FiltersCount, strict_only: false, deform: None };
        FiltersMaxOffByOne = "filters-max-off-by-one",
            "rejects 5 filters"
            { check: CheckId::FiltersCount, strict_only: false, deform: None };
        FiltersEmptyRejected = "filters-empty-rejected",
            "rejects an empty Filters list instead of treating it as no filter"
            { check: CheckId::FiltersCount, strict_only: false, deform: None };
        FilterKeyMaxUnchecked = "filter-key-max-unchecked",
            "does not check the 128-character limit on filter keys"
            { check: CheckId::FilterKeyLength, strict_only: false, deform: None };
        FilterKeyEmptyAccepted = "filter-key-empty-accepted",
            "does not check that filter keys are at least 1 character"
            { check: CheckId::FilterKeyLength, strict_only: false, deform: None };
        FilterValueMaxUnchecked = "filter-value-max-unchecked",
            "does not check the 256-character limit on filter values"
            { check: CheckId::FilterValueLength, strict_only: false, deform: None };
        FilterValueEmptyAccepted = "filter-value-empty-accepted",
            "does not check that filter values are at least 1 character"
            { check: CheckId::FilterValueLength, strict_only: false, deform: None };
        FilterIgnored = "filter-ignored",
            "ignores STATUS filters and returns every task"
            { check: CheckId::FilterStatus, strict_only: false, deform: None };
        FilterValuesAnded = "filter-values-anded",
            "ANDs the values inside one filter instead of ORing them"
            { check: CheckId::FilterStatus, strict_only: false, deform: None };
        FilterValueRepeatedDoubles = "filter-value-repeated-doubles",
            "lists every matching task once per time its status is repeated among a filter's values"
            { check: CheckId::FilterStatus, strict_only: false, deform: None };
        FiltersOred = "filters-ored",
            "ORs several filters instead of ANDing them"
            { check: CheckId::FilterStatus, strict_only: false, deform: None };
        FilterCaseInsensitive = "filter-case-insensitive",
            "reads filter keys and values without regard to letter case (`status`/`success` as STATUS/SUCCESS)"
            { check: CheckId::FilterUnsupported, strict_only: false, deform: None };
        FilterUnknownKey500 = "filter-unknown-key-500",
            "fails with HTTP 500 on a filter key other than STATUS"
            { check: CheckId::FilterUnsupported, strict_only: false, deform: None };
        TokenKeepsPageSize = "token-keeps-page-size",
            "ignores MaxResults on every page after the first, serving pages of 100"
            { check: CheckId::PageSize, strict_only: false, deform: None };
        TokenCountsPages = "token-counts-pages",
            "counts pages in its tokens (the next offset is pages × MaxResults), so a walk that changes MaxResults skips or repeats items"
            { check: CheckId::PageSizeSwitch, strict_only: false, deform: None };
        ForeignTokenRestarts = "foreign-token-restarts",
            "answers a token issued for other filters with the first page and a token that still names the old filters, so that walk never ends"
            { check: CheckId::TokenCrossUse, strict_only: false, deform: None };
        PageOverMaxResults = "page-over-max-results",
            "returns one item more than MaxResults on every full page"
            { check: CheckId::PageSize, strict_only: false, deform: None };
        NextTokenIgnored = "next-token-ignored",
            "ignores NextToken and always returns the first page"
            { check: CheckId::PaginationWalk, strict_only: false, deform: None };
        PaginationDropsItem = "pagination-drops-item",
            "loses the first item of every page after the first"
            { check: CheckId::PaginationWalk, strict_only: false, deform: None };
        PaginationDuplicatesItem = "pagination-duplicates-item",
            "repeats the last item of a page at the start of the next"
            { check: CheckId::PaginationWalk, strict_only: false, deform: None };
        UnstableOrder = "unstable-order",
            "lists the items in reverse order when MaxResults is absent"
            { check: CheckId::PaginationWalk, strict_only: false, deform: None };
        LastPageTokenLoops = "last-page-token-loops",
            "gives the last page a NextToken that leads back to the first page"
            { check: CheckId::PaginationWalk, strict_only: false, deform: None };
        GarbageTokenAccepted = "garbage-token-accepted",
            "answers a garbage or tampered NextToken with the first page"
            { check: CheckId::PaginationToken, strict_only: false, deform: None };
        NullMember500 = "null-member-500",
            "fails with HTTP 500 when an optional member is JSON null"
            { check: CheckId::NullMember, strict_only: false, deform: Some(deform::null_member_500) };
        MalformedJson500 = "malformed-json-500",
            "fails with HTTP 500 on a body that is not JSON"
            { check: CheckId::MalformedJson, strict_only: false, deform: Some(deform::malformed_json_500) };
        WrongType500 = "wrong-type-500",
            "fails with HTTP 500 on a member of the wrong JSON type"
            { check: CheckId::WrongJsonType, strict_only: false, deform: Some(deform::wrong_type_500) };
        WrongTypeCoerced = "wrong-type-coerced",
            "coerces a string MaxResults (\"10\") to a number instead of rejecting it"
            { check: CheckId::WrongJsonType, strict_only: false, deform: None };
        EmptyBodyRejected = "empty-body-rejected",
            "answers an empty body with SerializationException instead of reading it as {}"
            { check: CheckId::EmptyBody, strict_only: false, deform: Some(deform::empty_body_rejected) };
        UnknownMember500 = "unknown-member-500",
            "fails with HTTP 500 on an unknown request member"
            { check: CheckId::UnknownMember, strict_only: false, deform: Some(deform::unknown_member_500) };
        UnknownMemberDropsToken = "unknown-member-drops-token",
            "ignores NextToken when the request also carries an unknown member, so such a walk repeats its first page"
            { check: CheckId::MemberEncodings, strict_only: false, deform: None };
        UnknownOperationServed = "unknown-operation-served",
            "answers every X-Amz-Target as if it were this operation"
            { check: CheckId::UnknownOperation, strict_only: false, deform: None };
        ValidationFirstOnly = "validation-first-only",
            "reports only the first violated constraint instead of all of them"
            { check: CheckId::ValidationAggregation, strict_only: false, deform: None };
        ValidationMotoWording = "validation-moto-wording",
            "words validation items moto's way, with double quotes"
            { check: CheckId::ValidationMessage, strict_only: true, deform: None };
        ThrottleTypeHeaderOnly = "throttle-type-header-only",
            "throttles every 20th request once, with the type only in X-Amzn-ErrorType (no __type: a client that reads __type alone cannot tell it is a throttle)"
            { check: CheckId::ThrottleShape, strict_only: false, deform: None };
        ErrorTypeHeaderOnly = "error-type-header-only",
            "names the error type only in the X-Amzn-ErrorType header, not in the body's __type"
            { check: CheckId::ErrorType, strict_only: false, deform: Some(deform::error_type_header_only) };
        ErrorTypeCodeMember = "error-type-code-member",
            "names the error type in a body `code` member instead of `__type`"
            { check: CheckId::ErrorType, strict_only: false, deform: Some(deform::error_type_code_member) };
        ValidationAsDoesNotExist = "validation-as-does-not-exist",
            "sends every validation error as DoesNotExistException (its status, content type and message shape right)"
            { check: CheckId::ErrorType, strict_only: false, deform: Some(deform::validation_as_does_not_exist) };
        ErrorStatus200 = "error-status-200",
            "sends client errors with HTTP 200"
            { check: CheckId::ErrorStatus, strict_only: false, deform: Some(deform::error_status_200) };
        ErrorStatus500 = "error-status-500",
            "sends client errors with HTTP 500"
            { check: CheckId::ErrorStatus, strict_only: false, deform: Some(deform::error_status_500) };
        ErrorMessageMissing = "error-message-missing",
            "sends errors without a message"
            { check: CheckId::ErrorMessage, strict_only: false, deform: Some(deform::error_message_missing) };
        ErrorMessageUnreadKey = "error-message-unread-key",
            "puts the error message under `errorMessage` instead of `message` or `Message`"
            { check: CheckId::ErrorMessage, strict_only: false, deform: Some(deform::error_message_unread_key) };
        ErrorContentTypeJson = "error-content-type-json",
            "sends errors as application/json"
            { check: CheckId::ErrorContentType, strict_only: false, deform: Some(deform::error_content_type_json) };
        ContentTypeJson = "content-type-json",
            "sends successes as application/json"
            { check: CheckId::ContentType, strict_only: false, deform: Some(deform::content_type_json) };
        RequestIdMissing = "request-id-missing",
            "sends no x-amzn-RequestId header"
            { check: CheckId::RequestId, strict_only: false, deform: Some(deform::request_id_missing) };
        ItemsNotAList = "items-not-a-list",
            "sends WindowExecutionTaskIdentities as an object keyed by task id instead of a list"
            { check: CheckId::ResponseBody, strict_only: false, deform: Some(deform::items_not_a_list) };
        TimestampsIso = "timestamps-iso",
            "sends StartTime and EndTime as ISO-8601 strings (the documentation example's mistake)"
            { check: CheckId::ItemTimestamps, strict_only: false, deform: Some(deform::timestamps_iso) };
        EndBeforeStart = "end-before-start",
            "sends an EndTime before the StartTime"
            { check: CheckId::ItemTimestamps, strict_only: false, deform: Some(deform::end_before_start) };
        TaskTypeMisspelt = "task-type-misspelt",
            "sends the task type as `Type` instead of `TaskType`"
            { check: CheckId::ItemMembers, strict_only: false, deform: Some(deform::task_type_misspelt) };
        TaskExecutionIdMissing = "task-execution-id-missing",
            "leaves TaskExecutionId out of items"
            { check: CheckId::ItemMembers, strict_only: false, deform: Some(deform::task_execution_id_missing) };
        StatusOutsideEnum = "status-outside-enum",
            "sends Status in lower case (`success`)"
            { check: CheckId::ItemTypes, strict_only: false, deform: Some(deform::status_outside_enum) };
        StatusNull = "status-null",
            "sends Status as null (a required member: clients see it as absent)"
            { check: CheckId::ItemMembers, strict_only: false, deform: Some(deform::status_null) };
        TimestampsMilliseconds = "timestamps-milliseconds",
            "sends StartTime and EndTime in milliseconds where the wire has seconds (after the year 9999)"
            { check: CheckId::ItemTimestamps, strict_only: false, deform: Some(deform::timestamps_milliseconds) };
        TaskArnNumber = "task-arn-number",
            "sends TaskArn as a JSON number"
            { check: CheckId::ItemTypes, strict_only: false, deform: Some(deform::task_arn_number) };
        LeaksOtherExecution = "leaks-other-execution",
            "adds a task of another execution to the first page"
            { check: CheckId::ItemExecution, strict_only: false, deform: None };
        NotImplementedHtml500 = "not-implemented-html-500",
            "does not implement the operation: HTTP 500 with an HTML page (moto_server)"
            { check: CheckId::OperationImplemented, strict_only: false, deform: Some(deform::not_implemented_html_500) };
        NotImplemented501 = "not-implemented-501",
            "does not implement the operation: HTTP 501 InternalFailure (LocalStack)"
            { check: CheckId::OperationImplemented, strict_only: false, deform: Some(deform::not_implemented_501) };
        DropsManyFilterValues = "drops-many-filter-values",
            "drops the connection without an answer when one filter holds 8 to 11 values (a size only generated requests send)"
            { check: CheckId::GeneratedRequests, strict_only: false, deform: None };
    }
}

impl Fault {
    /// The check that must report it.
    pub fn check(self) -> CheckId {
        self.info().check
    }

    /// Whether only `--strict-messages` can see it (the deviation is in wording only).
    pub fn strict_only(self) -> bool {
        self.info().strict_only
    }
}
