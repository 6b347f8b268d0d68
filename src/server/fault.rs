//! The fault catalogue: each fault is exactly one deviation from the contract that the reference
//! endpoint can be told to make (`serve --fault NAME`). Each names the check that must catch it;
//! a table-driven test proves that it does.

use std::fmt;
use std::str::FromStr;

use crate::check::CheckId;

macro_rules! faults {
    ($( $variant:ident = $name:literal, $check:ident, $strict:literal, $desc:literal; )*) => {
        /// One named deviation from the contract.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Fault {
            $( #[doc = $desc] $variant, )*
        }

        impl Fault {
            /// Every fault, in catalogue order.
            pub const ALL: &'static [Fault] = &[ $( Fault::$variant, )* ];

            /// The fault's stable name.
            pub fn name(self) -> &'static str {
                match self { $( Fault::$variant => $name, )* }
            }

            /// One line saying what the endpoint does wrong.
            pub fn description(self) -> &'static str {
                match self { $( Fault::$variant => $desc, )* }
            }

            /// The check that must report it.
            pub fn check(self) -> CheckId {
                match self { $( Fault::$variant => CheckId::$check, )* }
            }

            /// Whether only `--strict-messages` can see it (the deviation is in wording only).
            pub fn strict_only(self) -> bool {
                match self { $( Fault::$variant => $strict, )* }
            }
        }
    };
}

faults! {
    IdLengthUnchecked = "id-length-unchecked", ValidationMessage, true,
        "omits the length items from validation messages (only the pattern is checked)";
    IdPatternUnchecked = "id-pattern-unchecked", IdPattern, false,
        "checks only the id's length, so a 36-character non-hex id is looked up";
    IdPatternUnanchored = "id-pattern-unanchored", IdAnchoring, false,
        "searches the id for the pattern without anchors or a length check, so a valid id with a prefix or suffix passes";
    IdUppercaseRejected = "id-uppercase-rejected", IdHexCase, false,
        "accepts only lower-case hex, rejecting upper-case ids as invalid";
    IdRequiredUnchecked = "id-required-unchecked", IdRequired, false,
        "looks up a missing WindowExecutionId as an empty id instead of rejecting it";
    UnknownExecutionEmpty = "unknown-execution-empty-200", UnknownExecution, false,
        "answers an unknown execution id with 200 and an empty list";
    UnknownExecution404 = "unknown-execution-404", ErrorStatus, false,
        "answers DoesNotExistException with HTTP 404 (the awsQuery status) instead of 400";
    MaxResultsMinUnchecked = "max-results-min-unchecked", MaxResultsMin, false,
        "accepts MaxResults below 10";
    MaxResultsMinOffByOne = "max-results-min-off-by-one", MaxResultsMin, false,
        "rejects MaxResults 10 (uses > instead of >=)";
    MaxResultsMaxUnchecked = "max-results-max-unchecked", MaxResultsMax, false,
        "accepts MaxResults above 100";
    MaxResultsMaxOffByOne = "max-results-max-off-by-one", MaxResultsMax, false,
        "rejects MaxResults 100 (uses < instead of <=)";
    FiltersMaxUnchecked = "filters-max-unchecked", FiltersCount, false,
        "accepts more than 5 filters";
    FiltersMaxOffByOne = "filters-max-off-by-one", FiltersCount, false,
        "rejects 5 filters";
    FiltersEmptyRejected = "filters-empty-rejected", FiltersCount, false,
        "rejects an empty Filters list instead of treating it as no filter";
    FilterKeyMaxUnchecked = "filter-key-max-unchecked", FilterKeyLength, false,
        "does not check the 128-character limit on filter keys";
    FilterKeyEmptyAccepted = "filter-key-empty-accepted", FilterKeyLength, false,
        "does not check that filter keys are at least 1 character";
    FilterValueMaxUnchecked = "filter-value-max-unchecked", FilterValueLength, false,
        "does not check the 256-character limit on filter values";
    FilterValueEmptyAccepted = "filter-value-empty-accepted", FilterValueLength, false,
        "does not check that filter values are at least 1 character";
    FilterIgnored = "filter-ignored", FilterStatus, false,
        "ignores STATUS filters and returns every task";
    FilterValuesAnded = "filter-values-anded", FilterStatus, false,
        "ANDs the values inside one filter instead of ORing them";
    FiltersOred = "filters-ored", FilterStatus, false,
        "ORs several filters instead of ANDing them";
    FilterUnknownKey500 = "filter-unknown-key-500", FilterUnsupported, false,
        "fails with HTTP 500 on a filter key other than STATUS";
    PageOverMaxResults = "page-over-max-results", PageSize, false,
        "returns one item more than MaxResults on every full page";
    NextTokenIgnored = "next-token-ignored", PaginationWalk, false,
        "ignores NextToken and always returns the first page";
    PaginationDropsItem = "pagination-drops-item", PaginationWalk, false,
        "loses the first item of every page after the first";
    PaginationDuplicatesItem = "pagination-duplicates-item", PaginationWalk, false,
        "repeats the last item of a page at the start of the next";
    UnstableOrder = "unstable-order", PaginationWalk, false,
        "lists the items in reverse order when MaxResults is absent";
    LastPageTokenLoops = "last-page-token-loops", PaginationWalk, false,
        "gives the last page a NextToken that leads back to the first page";
    GarbageTokenAccepted = "garbage-token-accepted", PaginationToken, false,
        "answers a garbage or tampered NextToken with the first page";
    NullMember500 = "null-member-500", NullMember, false,
        "fails with HTTP 500 when an optional member is JSON null";
    MalformedJson500 = "malformed-json-500", MalformedJson, false,
        "fails with HTTP 500 on a body that is not JSON";
    WrongType500 = "wrong-type-500", WrongJsonType, false,
        "fails with HTTP 500 on a member of the wrong JSON type";
    WrongTypeCoerced = "wrong-type-coerced", WrongJsonType, false,
        "coerces a string MaxResults (\"10\") to a number instead of rejecting it";
    EmptyBodyRejected = "empty-body-rejected", EmptyBody, false,
        "answers an empty body with SerializationException instead of reading it as {}";
    UnknownMember500 = "unknown-member-500", UnknownMember, false,
        "fails with HTTP 500 on an unknown request member";
    UnknownOperationServed = "unknown-operation-served", UnknownOperation, false,
        "answers every X-Amz-Target as if it were this operation";
    ValidationFirstOnly = "validation-first-only", ValidationAggregation, false,
        "reports only the first violated constraint instead of all of them";
    ValidationMotoWording = "validation-moto-wording", ValidationMessage, true,
        "words validation items moto's way, with double quotes";
    ErrorTypeHeaderOnly = "error-type-header-only", ErrorType, false,
        "names the error type only in the X-Amzn-ErrorType header, not in the body's __type";
    ErrorTypeCodeMember = "error-type-code-member", ErrorType, false,
        "names the error type in a body `code` member instead of `__type`";
    ErrorStatus200 = "error-status-200", ErrorStatus, false,
        "sends client errors with HTTP 200";
    ErrorStatus500 = "error-status-500", ErrorStatus, false,
        "sends client errors with HTTP 500";
    ErrorMessageMissing = "error-message-missing", ErrorMessage, false,
        "sends errors without a message";
    ErrorMessageUnreadKey = "error-message-unread-key", ErrorMessage, false,
        "puts the error message under `errorMessage`, which botocore does not read";
    ErrorContentTypeJson = "error-content-type-json", ErrorContentType, false,
        "sends errors as application/json";
    ContentTypeJson = "content-type-json", ContentType, false,
        "sends successes as application/json";
    RequestIdMissing = "request-id-missing", RequestId, false,
        "sends no x-amzn-RequestId header";
    ItemsNotAList = "items-not-a-list", ResponseBody, false,
        "sends WindowExecutionTaskIdentities as an object keyed by task id instead of a list";
    TimestampsIso = "timestamps-iso", ItemTimestamps, false,
        "sends StartTime and EndTime as ISO-8601 strings (the documentation example's mistake)";
    EndBeforeStart = "end-before-start", ItemTimestamps, false,
        "sends an EndTime before the StartTime";
    TaskTypeMisspelt = "task-type-misspelt", ItemMembers, false,
        "sends the task type as `Type` instead of `TaskType`";
    TaskExecutionIdMissing = "task-execution-id-missing", ItemMembers, false,
        "leaves TaskExecutionId out of items";
    StatusOutsideEnum = "status-outside-enum", ItemTypes, false,
        "sends Status in lower case (`success`)";
    TaskArnNumber = "task-arn-number", ItemTypes, false,
        "sends TaskArn as a JSON number";
    LeaksOtherExecution = "leaks-other-execution", ItemExecution, false,
        "adds a task of another execution to the first page";
    NotImplementedHtml500 = "not-implemented-html-500", OperationImplemented, false,
        "does not implement the operation: HTTP 500 with an HTML page (moto_server)";
    NotImplemented501 = "not-implemented-501", OperationImplemented, false,
        "does not implement the operation: HTTP 501 InternalFailure (LocalStack)";
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error for a name that is no fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown fault {name:?} (see `ssm-conform serve --list-faults`)")]
pub struct UnknownFault {
    /// The name given.
    pub name: String,
}

impl FromStr for Fault {
    type Err = UnknownFault;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Fault::ALL.iter().copied().find(|f| f.name() == s).ok_or_else(|| UnknownFault { name: s.to_owned() })
    }
}
