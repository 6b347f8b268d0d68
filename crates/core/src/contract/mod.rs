//! The contract of `DescribeMaintenanceWindowExecutionTasks` over awsJson1_1, encoded once.
//!
//! Every number, name and message template of `docs/contract.md` lives here; the reference
//! server, the checks and the case files (through placeholders) read them from this module, so a
//! change to the contract is a change in one place. What AWS's service model holds — member
//! names, bounds, patterns, enums, modelled errors — is read from the tables generated from it
//! ([`crate::model`]); what the model cannot say (filter semantics, which item members an item
//! must carry, EITHER rules, messages, the protocol's habits) is written here by hand. It also
//! owns the contract's catalogues: the EITHER rules ([`EitherRule`]), the statuses a filter may
//! name, the members of an error body. This module depends only on the model and the catalogue
//! idiom.

use std::sync::LazyLock;

use regex::Regex;

pub mod executions;

use crate::catalogue::catalogue;
use crate::model;
use crate::model::operation::describe_maintenance_window_execution_tasks as op;
use crate::model::shape;

/// The `X-Amz-Target` prefix of the SSM service (`targetPrefix` in botocore's model).
pub const TARGET_PREFIX: &str = model::SERVICE.target_prefix;
/// The operation's name.
pub const OPERATION: &str = op::NAME;
/// The full `X-Amz-Target` header value for this operation.
pub const TARGET: &str = op::TARGET;
/// The awsJson1_1 content type, for requests, successes and errors alike.
pub const CONTENT_TYPE: &str = model::CONTENT_TYPE;
/// The header that names the operation.
pub const TARGET_HEADER: &str = "X-Amz-Target";
/// The request-id header every AWS response carries.
pub const REQUEST_ID_HEADER: &str = "x-amzn-RequestId";
/// The error-type header some servers send beside `__type` (botocore ignores it for awsJson).
pub const ERROR_TYPE_HEADER: &str = "X-Amzn-ErrorType";
/// The SigV4 signing name of the service.
pub const SIGNING_NAME: &str = model::SERVICE.signing_name;

/// Wire names of the request members (the model's).
pub mod input {
    use crate::model::shape::{
        describe_maintenance_window_execution_tasks_request as request, maintenance_window_filter,
    };

    pub use request::{FILTERS, MAX_RESULTS, NEXT_TOKEN, WINDOW_EXECUTION_ID};
    /// Every member of the request, in model order.
    pub const MEMBERS: [&str; 4] = request::ALL_MEMBERS;
    /// A filter's key.
    pub const FILTER_KEY: &str = maintenance_window_filter::KEY;
    /// A filter's values.
    pub const FILTER_VALUES: &str = maintenance_window_filter::VALUES;
}

/// Wire names of the response members (the model's), and which of an item's the contract
/// requires (its own: the model requires none).
pub mod output {
    use crate::model::shape::describe_maintenance_window_execution_tasks_result as result;
    use crate::model::shape::maintenance_window_execution_task_identity as item;

    /// The list of items (the paginator's result key).
    pub const ITEMS: &str = result::WINDOW_EXECUTION_TASK_IDENTITIES;
    /// The pagination token of the next page.
    pub const NEXT_TOKEN: &str = result::NEXT_TOKEN;
    pub use item::{
        ALARM_CONFIGURATION, END_TIME, START_TIME, STATUS, STATUS_DETAILS, TASK_ARN, TASK_EXECUTION_ID, TASK_TYPE,
        TRIGGERED_ALARMS, WINDOW_EXECUTION_ID,
    };
    /// Every modelled member of an item, in model order.
    pub const ITEM_MEMBERS: [&str; 10] = item::ALL_MEMBERS;
    /// Members an item may leave out (contract §4): absent or `null`.
    pub const OPTIONAL_ITEM_MEMBERS: [&str; 7] =
        [STATUS_DETAILS, START_TIME, END_TIME, TASK_ARN, TASK_TYPE, ALARM_CONFIGURATION, TRIGGERED_ALARMS];
    /// Members an item must carry to be paginated and told apart (contract §4).
    pub const REQUIRED_ITEM_MEMBERS: [&str; 3] = [WINDOW_EXECUTION_ID, TASK_EXECUTION_ID, STATUS];
}

/// The length of a `WindowExecutionId` and of a `TaskExecutionId`.
pub const ID_LENGTH: usize = shape::maintenance_window_execution_id::MAX;
/// The model's id pattern, verbatim (AWS quotes it verbatim in validation messages).
pub const ID_PATTERN: &str = shape::maintenance_window_execution_id::PATTERN;

/// The compiled, anchored id pattern.
pub fn id_regex() -> &'static Regex {
    static RE: LazyLock<Regex> = LazyLock::new(|| Regex::new(ID_PATTERN).expect("ID_PATTERN compiles"));
    &RE
}

/// Whether `s` matches [`ID_PATTERN`]. The common case, 8-4-4-4-12 hex digits, is recognised
/// byte by byte (it is what the pattern matches); anything else is the regex's to judge, so the
/// answer is always the pattern's.
pub fn matches_id_pattern(s: &str) -> bool {
    const HYPHENS: [usize; 4] = [8, 13, 18, 23];
    let shape = s.len() == ID_LENGTH
        && s.bytes().enumerate().all(|(i, b)| if HYPHENS.contains(&i) { b == b'-' } else { b.is_ascii_hexdigit() });
    shape || id_regex().is_match(s)
}

/// Whether `s` is a well-formed execution id (length and anchored pattern).
pub fn is_valid_id(s: &str) -> bool {
    s.len() == ID_LENGTH && matches_id_pattern(s)
}

/// How a JSON number reads as an integer member such as `MaxResults` (contract §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntegerReading {
    /// An integer that fits the member's 32 bits.
    Integer(i64),
    /// An integer beyond 32 bits (or beyond 64): out of range like any other, a 400 client error.
    OutOfRange {
        /// Below zero.
        negative: bool,
    },
    /// An integral float (`10.0`, `1e1`): EITHER read as the integer or a 400 client error.
    IntegralFloat(i64),
    /// A number with a fraction (`10.5`): the wrong type.
    Fraction,
}

/// Reads a JSON number as a 32-bit integer member.
pub fn read_integer(n: &serde_json::Number) -> IntegerReading {
    if let Some(i) = n.as_i64() {
        return if i32::try_from(i).is_ok() {
            IntegerReading::Integer(i)
        } else {
            IntegerReading::OutOfRange { negative: i < 0 }
        };
    }
    if n.as_u64().is_some() {
        return IntegerReading::OutOfRange { negative: false };
    }
    match n.as_f64() {
        Some(f) if f.is_finite() && f.fract() == 0.0 => {
            if (f64::from(i32::MIN)..=f64::from(i32::MAX)).contains(&f) {
                IntegerReading::IntegralFloat(f as i64)
            } else {
                IntegerReading::OutOfRange { negative: f < 0.0 }
            }
        }
        _ => IntegerReading::Fraction,
    }
}

/// The smallest valid `MaxResults`.
pub const MAX_RESULTS_MIN: i64 = shape::maintenance_window_max_results::MIN;
/// The largest valid `MaxResults`.
pub const MAX_RESULTS_MAX: i64 = shape::maintenance_window_max_results::MAX;
/// The most filters a request may carry.
pub const FILTERS_MAX: usize = shape::maintenance_window_filter_list::MAX;
/// The shortest filter key.
pub const FILTER_KEY_MIN: usize = shape::maintenance_window_filter_key::MIN;
/// The longest filter key.
pub const FILTER_KEY_MAX: usize = shape::maintenance_window_filter_key::MAX;
/// The shortest filter value.
pub const FILTER_VALUE_MIN: usize = shape::maintenance_window_filter_value::MIN;
/// The longest filter value.
pub const FILTER_VALUE_MAX: usize = shape::maintenance_window_filter_value::MAX;
/// The one supported filter key (the operation's documentation; the model does not constrain it).
pub const STATUS_FILTER_KEY: &str = "STATUS";

/// `MaintenanceWindowExecutionStatus`, in model order.
pub const STATUSES: [&str; 8] = shape::maintenance_window_execution_status::ENUM;
/// The status that the documentation of the `STATUS` filter does not list (contract §3: as a
/// filter value it is EITHER accepted or rejected).
pub const SKIPPED_OVERLAPPING: &str = "SKIPPED_OVERLAPPING";
/// The statuses the filter documentation lists: a `STATUS` filter must accept each of them.
pub const FILTERABLE_STATUSES: [&str; 7] =
    ["PENDING", "IN_PROGRESS", "SUCCESS", "FAILED", "TIMED_OUT", "CANCELLING", "CANCELLED"];

/// Whether `value` is a `STATUS` filter value every endpoint must accept.
pub fn is_filterable_status(value: &str) -> bool {
    FILTERABLE_STATUSES.contains(&value)
}

/// `MaintenanceWindowTaskType`, in model order.
pub const TASK_TYPES: [&str; 4] = shape::maintenance_window_task_type::ENUM;
/// `ExternalAlarmState`.
pub const ALARM_STATES: [&str; 2] = shape::external_alarm_state::ENUM;
/// The earliest timestamp a client can hold as a date: 0001-01-01T00:00:00Z, in epoch seconds.
pub const EPOCH_SECONDS_MIN: f64 = -62_135_596_800.0;
/// The latest: 9999-12-31T23:59:59Z (a later value is milliseconds sent as seconds, or garbage).
pub const EPOCH_SECONDS_MAX: f64 = 253_402_300_799.0;
/// The longest `StatusDetails`.
pub const STATUS_DETAILS_MAX: usize = shape::maintenance_window_execution_status_details::MAX;
/// The shortest `TaskArn`.
pub const TASK_ARN_MIN: usize = shape::maintenance_window_task_arn::MIN;
/// The longest `TaskArn`.
pub const TASK_ARN_MAX: usize = shape::maintenance_window_task_arn::MAX;
/// The shortest alarm name.
pub const ALARM_NAME_MIN: usize = shape::alarm_name::MIN;
/// The longest alarm name.
pub const ALARM_NAME_MAX: usize = shape::alarm_name::MAX;

/// Error type names (`__type` after resolution).
pub mod error_type {
    /// Input breaks a model constraint.
    pub const VALIDATION: &str = "ValidationException";
    /// A well-formed id names no execution (the operation's modelled error).
    pub const DOES_NOT_EXIST: &str = crate::model::shape::does_not_exist_exception::SHAPE.name;
    /// The body is not JSON or a member has the wrong JSON type.
    pub const SERIALIZATION: &str = "SerializationException";
    /// The `X-Amz-Target` names another operation.
    pub const UNKNOWN_OPERATION: &str = "UnknownOperationException";
    /// The service failed (the operation's other modelled error).
    pub const INTERNAL_SERVER_ERROR: &str = crate::model::shape::internal_server_error::SHAPE.name;
    /// SSM's error for a token it cannot use.
    pub const INVALID_NEXT_TOKEN: &str = "InvalidNextToken";
    /// LocalStack's answer for operations it does not implement.
    pub const INTERNAL_FAILURE: &str = "InternalFailure";
    /// The client errors this operation can produce; each comes with HTTP 400 (an
    /// `UnknownOperationException` may also be 404).
    pub const CLIENT: [&str; 5] = [VALIDATION, DOES_NOT_EXIST, SERIALIZATION, UNKNOWN_OPERATION, INVALID_NEXT_TOKEN];
    /// Error types that must carry a message (contract §6).
    pub const MESSAGE_REQUIRED: [&str; 2] = [VALIDATION, DOES_NOT_EXIST];
    /// Error types emulators answer an operation they lack with, whatever the status
    /// (contract §7), and who answers so.
    pub const NOT_IMPLEMENTED: [(&str, &str); 4] = [
        ("UnsupportedOperation", "floci"),
        ("InvalidAction", "ministack and fakecloud"),
        ("NotImplemented", "emulators that say so"),
        ("NotImplementedException", "emulators that say so"),
    ];
    /// Error types that say "not implemented" only with a message naming the action as unknown
    /// (kumo: `InvalidParameterValue` "The action X is not valid").
    pub const NOT_IMPLEMENTED_BY_MESSAGE: [&str; 2] = ["InvalidParameterValue", "InvalidRequest"];
}

/// Phrases of a message that say the action itself is unknown (contract §7), lower-case: a
/// message holds one of the subjects and one of the verdicts.
pub mod unknown_action {
    /// What the message speaks of.
    pub const SUBJECTS: [&str; 2] = ["action", "operation"];
    /// What it says of it.
    pub const VERDICTS: [&str; 5] = ["unknown", "not valid", "not supported", "not implemented", "unsupported"];
}

/// The two read-only operations that discovery lists execution ids with (`run --discover`),
/// and the members it reads. Discovery never calls an operation that writes.
pub mod discovery {
    use crate::model::{operation, shape};

    /// Lists maintenance windows: `{"WindowIdentities": [{"WindowId": ...}], "NextToken"}`.
    pub const LIST_WINDOWS: &str = operation::describe_maintenance_windows::NAME;
    /// Lists one window's executions: `{"WindowExecutions": [{"WindowExecutionId": ...}], "NextToken"}`.
    pub const LIST_EXECUTIONS: &str = operation::describe_maintenance_window_executions::NAME;
    /// The windows of a `DescribeMaintenanceWindows` page.
    pub const WINDOW_IDENTITIES: &str = shape::describe_maintenance_windows_result::WINDOW_IDENTITIES;
    /// A window's id, in a window identity and as `DescribeMaintenanceWindowExecutions` input.
    pub const WINDOW_ID: &str = shape::maintenance_window_identity::WINDOW_ID;
    /// The executions of a `DescribeMaintenanceWindowExecutions` page.
    pub const WINDOW_EXECUTIONS: &str = shape::describe_maintenance_window_executions_result::WINDOW_EXECUTIONS;
    /// `WindowId` is `mw-` and 17 lower-case hex digits (`^mw-[0-9a-f]{17}$`).
    pub fn is_window_id(s: &str) -> bool {
        s.strip_prefix("mw-")
            .is_some_and(|h| h.len() == 17 && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
    }
    /// The `X-Amz-Target` of `operation`.
    pub fn target(operation: &str) -> String {
        format!("{}.{operation}", super::TARGET_PREFIX)
    }

    /// Whether the `X-Amz-Target` value `target` names `operation` (without building the name).
    pub fn is_target(target: &str, operation: &str) -> bool {
        target.strip_prefix(super::TARGET_PREFIX).and_then(|t| t.strip_prefix('.')) == Some(operation)
    }
}

/// Member names of an awsJson error body (contract §6).
pub mod error_body {
    /// The error type member every SDK reads.
    pub const TYPE: &str = "__type";
    /// The message members botocore reads, in the order it tries them.
    pub const MESSAGE_KEYS: [&str; 2] = ["message", "Message"];
    /// The message member of this operation's modelled errors.
    pub const MESSAGE_MODELLED: &str = "Message";
    /// The message member of Coral's framework errors (validation, serialization).
    pub const MESSAGE_FRAMEWORK: &str = "message";
    /// A body `code` member some servers send beside (or instead of) `__type`.
    pub const CODE: &str = "code";
    /// Message members that botocore does not read.
    pub const UNREAD_MESSAGE_KEYS: [&str; 4] = ["errorMessage", "ErrorMessage", "msg", "error"];
    /// The namespace of a namespaced `__type` (`com.amazonaws.ssm#Name:...`).
    pub const TYPE_NAMESPACE: &str = "com.amazonaws.ssm#";
    /// The `:` suffix Coral adds to a namespaced `__type`.
    pub const TYPE_SUFFIX: &str = ":http://internal.amazon.com/coral/com.amazon.coral.validate/";
}

/// §8, the real service: throttles, transient errors, live executions.
pub mod real_service {
    /// The error codes the AWS SDKs retry as throttles (botocore's and the Rust SDK's lists),
    /// resolved as [`super::resolve_error_type`] resolves `__type`.
    pub const THROTTLING_CODES: [&str; 14] = [
        "ThrottlingException",
        "Throttling",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
    ];
    /// The `__type` SSM throttles with.
    pub const THROTTLING_EXCEPTION: &str = "ThrottlingException";
    /// The message SSM throttles with.
    pub const RATE_EXCEEDED: &str = "Rate exceeded";
    /// HTTP 429, the status some services throttle with (EITHER beside 400).
    pub const TOO_MANY_REQUESTS: u16 = 429;
    /// The statuses of transient server errors, which the SDKs' standard mode retries.
    pub const TRANSIENT_STATUSES: [u16; 4] = [500, 502, 503, 504];
    /// Task statuses that are not final: an execution with such tasks is live, and their
    /// `Status`, `StatusDetails` and `EndTime` may change between walks.
    pub const LIVE_STATUSES: [&str; 3] = ["PENDING", "IN_PROGRESS", "CANCELLING"];
    /// Members of an item that may change while its task runs.
    pub const MUTABLE_MEMBERS: [&str; 3] = ["Status", "StatusDetails", "EndTime"];
    /// The operation prefixes of SSM's read operations: all the harness ever sends to a real
    /// service (besides the deliberately unknown targets).
    pub const READ_PREFIXES: [&str; 3] = ["Describe", "Get", "List"];

    /// Whether `code` (resolved) is one the SDKs retry as a throttle.
    pub fn is_throttling_code(code: &str) -> bool {
        THROTTLING_CODES.contains(&code)
    }
}

/// Where a throttle names itself, for [`ThrottleForm`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleSpelling {
    /// The HTTP status.
    pub status: u16,
    /// The body's `__type`, as sent, if any.
    pub body_type: Option<&'static str>,
    /// The type in `X-Amzn-ErrorType` (always [`real_service::THROTTLING_EXCEPTION`]), if sent.
    pub header_type: bool,
    /// The type in a body `code` member, if sent.
    pub code_member: bool,
}

catalogue! {
    /// The ways a throttle can be spelt on the wire (contract §8, §6): SSM's own, the EITHER
    /// status, other `__type` forms, and the forms a client that reads `__type` alone cannot
    /// recognise. `clients/impact.py` measures which of them each SDK retries (`serve
    /// --throttle-once --throttle-form NAME`), and the `throttle-shape` findings quote it.
    pub enum ThrottleForm: "throttle form", "see ssm-conform serve --list-throttle-forms", info ThrottleSpelling {
        Ssm = "ssm", "HTTP 400, __type ThrottlingException, message \"Rate exceeded\" (SSM's own)" {
            status: 400, body_type: Some(real_service::THROTTLING_EXCEPTION), header_type: false, code_member: false
        };
        Status429 = "status-429", "HTTP 429, __type ThrottlingException (EITHER, §8)" {
            status: 429, body_type: Some(real_service::THROTTLING_EXCEPTION), header_type: false, code_member: false
        };
        NamespacedType = "namespaced-type", "HTTP 400, __type com.amazonaws.ssm#ThrottlingException:URI (§6 resolves it)" {
            status: 400, body_type: Some(NAMESPACED_THROTTLING), header_type: false, code_member: false
        };
        OtherCode = "too-many-requests-type", "HTTP 400, __type TooManyRequestsException (another throttling code, §8)" {
            status: 400, body_type: Some("TooManyRequestsException"), header_type: false, code_member: false
        };
        HeaderOnly = "header-only", "HTTP 400, no __type, ThrottlingException only in X-Amzn-ErrorType" {
            status: 400, body_type: None, header_type: true, code_member: false
        };
        CodeMember = "code-member", "HTTP 400, no __type, ThrottlingException only in a body code member" {
            status: 400, body_type: None, header_type: false, code_member: true
        };
        Bare429 = "bare-429", "HTTP 429 with no error type anywhere, message \"Rate exceeded\"" {
            status: 429, body_type: None, header_type: false, code_member: false
        };
        Status200 = "status-200", "HTTP 200, __type ThrottlingException" {
            status: 200, body_type: Some(real_service::THROTTLING_EXCEPTION), header_type: false, code_member: false
        };
    }
}

/// `ThrottlingException` with the namespace and suffix some awsJson services send (§6).
const NAMESPACED_THROTTLING: &str =
    "com.amazonaws.ssm#ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.availability/";

catalogue! {
    /// The contract's EITHER rules: where AWS's behaviour is unknown, every listed alternative is
    /// accepted. A run reports which alternative an endpoint chose (information, never a
    /// finding), and the reference has a variant for each alternative it does not choose by
    /// default.
    pub enum EitherRule: "EITHER rule", "" {
        UnknownOperationStatus = "unknown-operation-status", "§1 another X-Amz-Target: 400 or 404";
        WrongTypeError = "wrong-type-error",
            "§1 malformed JSON, wrong JSON types (§2: numbers out of any integer's range): SerializationException or ValidationException";
        UnknownMembers = "unknown-members", "§1 unknown extra members: ignored or a 400";
        IntegralFloat = "integral-float", "§2 MaxResults as an integral float (10.0): read as the integer or a 400";
        ValidationItemOrder = "validation-item-order", "§2 validation item order and a trailing period";
        KnownIdOtherCase = "known-id-other-case",
            "§3 a known id in another letter case: found (the same items) or DoesNotExistException";
        UnsupportedFilter = "unsupported-filter",
            "§3 unsupported filter keys and values: a 400 with __type or applied as written";
        SkippedOverlappingFilter = "skipped-overlapping-filter",
            "§3 SKIPPED_OVERLAPPING as a filter value: accepted or rejected";
        OptionalMemberNull = "optional-member-null", "§4 an item's optional member absent or null";
        EmptyListForm = "empty-list-form", "§4 a page with no items: `[]` or no list member";
        Order = "order", "§5 the order is stable; it may be any order";
        LastPageToken = "last-page-token", "§5 the last page's NextToken (absent, \"\" or null)";
        TrailingEmptyPage = "trailing-empty-page", "§5 a trailing empty page after the last item";
        EmptyNextToken = "empty-next-token", "§5 \"NextToken\": \"\" is the first page or a 400";
        ForeignToken = "foreign-token",
            "§5 a token used with another execution or filters: a 400 or a consistent answer";
        TokenOtherPageSize = "token-other-page-size",
            "§5 a token followed with another MaxResults: the walk goes on or a 400";
        DefaultPageSize = "default-page-size", "§5 default page size (MaxResults absent)";
        ErrorTypeForm = "error-type-form", "§6 `__type` bare or namespaced";
        ErrorTypeHeader = "error-type-header", "§6 X-Amzn-ErrorType header beside `__type`";
        MessageKey = "message-key", "§6 error message under `message` or `Message`";
        ShortPages = "short-pages",
            "§5 a page before the last short or empty (filters applied after the page is cut)";
        TokenForm = "token-form", "§5 tokens are opaque (any alphabet and length; AWS's are ~1 KB base64)";
        TimestampSpelling = "timestamp-spelling", "§4 timestamps in any JSON number spelling (`1.5E9`)";
        HttpFraming = "http-framing",
            "§1 HTTP/1.1 framing and connections (chunked bodies, `Connection: close`, keep-alive limits)";
        Throttling = "throttling", "§8 a request throttled (400 ThrottlingException) at any time";
        ThrottleStatus = "throttle-status", "§8 a throttle at HTTP 400 or 429";
        TransientError = "transient-error", "§8 a transient 5xx that a retry does not repeat";
        Latency = "latency", "§8 answers that take their time";
        LiveExecution = "live-execution", "§8 an execution whose running tasks advance between walks";
        ExecutionsUnknownWindow = "executions-unknown-window",
            "§9 a well-formed WindowId naming no window: 200 with no execution or 400 DoesNotExistException";
        ExecutionsExecutedReading = "executions-executed-reading",
            "§9 what ExecutedBefore and ExecutedAfter compare: an execution's start or end, the instant itself in or out";
        ExecutionsSeveralValues = "executions-several-values",
            "§9 a time filter with several values: what any selects, what all select, or a 400";
        ExecutionsUndocumentedFilter = "executions-undocumented-filter",
            "§9 an undocumented filter key or a value that is no instant: a 400 with __type or a 200";
    }
}

catalogue! {
    /// The operations of the family the harness tests (`run --operation NAME`).
    pub enum Operation: "operation", "the harness knows DescribeMaintenanceWindowExecutionTasks and DescribeMaintenanceWindowExecutions" {
        ExecutionTasks = "DescribeMaintenanceWindowExecutionTasks", "one execution's task executions (§1–§8)";
        Executions = "DescribeMaintenanceWindowExecutions", "one window's executions (§9)";
    }
}

/// Resolves an awsJson error code the way the SDKs do: keep what is before the first `:`, then
/// what is after the last `#` (botocore; the Smithy spec's examples agree).
pub fn resolve_error_type(raw: &str) -> &str {
    let before_colon = raw.split(':').next().unwrap_or(raw);
    before_colon.rsplit('#').next().unwrap_or(before_colon).trim()
}

/// One violated constraint, as a Coral validation message item names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Constraint {
    /// A required member is absent or null.
    NotNull,
    /// A string or list is shorter than the minimum.
    LengthMin(usize),
    /// A string or list is longer than the maximum.
    LengthMax(usize),
    /// A string does not match the id pattern.
    IdPattern,
    /// An integer is below the minimum.
    ValueMin(i64),
    /// An integer is above the maximum.
    ValueMax(i64),
    /// Elements of a list of filter values break their length (reported at the list's path).
    FilterValueLengths,
    /// A string does not match a model pattern other than the execution id's (quoted verbatim).
    Pattern(&'static str),
    /// Elements of a list of strings break their length bounds (reported at the list's path).
    MemberLengths {
        /// The shortest element allowed.
        min: usize,
        /// The longest element allowed.
        max: usize,
    },
}

impl Constraint {
    /// The kind name case files use for it (`length-max`); see [`constraint_for`].
    pub fn kind(&self) -> &'static str {
        match self {
            Constraint::NotNull => "not-null",
            Constraint::LengthMin(_) => "length-min",
            Constraint::LengthMax(_) => "length-max",
            Constraint::IdPattern | Constraint::Pattern(_) => "pattern",
            Constraint::ValueMin(_) => "value-min",
            Constraint::ValueMax(_) => "value-max",
            Constraint::FilterValueLengths | Constraint::MemberLengths { .. } => "member-lengths",
        }
    }

    /// The constraint's wording after `failed to satisfy constraint: `.
    pub fn wording(&self) -> String {
        match self {
            Constraint::NotNull => "Member must not be null".to_owned(),
            Constraint::LengthMin(n) => format!("Member must have length greater than or equal to {n}"),
            Constraint::LengthMax(n) => format!("Member must have length less than or equal to {n}"),
            Constraint::IdPattern => format!("Member must satisfy regular expression pattern: {ID_PATTERN}"),
            Constraint::ValueMin(n) => format!("Member must have value greater than or equal to {n}"),
            Constraint::ValueMax(n) => format!("Member must have value less than or equal to {n}"),
            Constraint::FilterValueLengths => {
                Constraint::MemberLengths { min: FILTER_VALUE_MIN, max: FILTER_VALUE_MAX }.wording()
            }
            Constraint::Pattern(p) => format!("Member must satisfy regular expression pattern: {p}"),
            Constraint::MemberLengths { min, max } => format!(
                "Member must satisfy constraint: [Member must have length less than or equal to {max}, Member must have length greater than or equal to {min}]"
            ),
        }
    }
}

/// One item of a validation message: `Value '<v>' at '<path>' failed to satisfy constraint: <c>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationItem {
    /// The rendered value (`None` renders `Value null`).
    pub value: Option<String>,
    /// The member path (`windowExecutionId`, `filters.1.member.key`).
    pub path: String,
    /// The violated constraint.
    pub constraint: Constraint,
}

impl ValidationItem {
    /// The item's text, as AWS writes it.
    pub fn render(&self) -> String {
        match &self.value {
            Some(v) => {
                format!("Value '{v}' at '{}' failed to satisfy constraint: {}", self.path, self.constraint.wording())
            }
            None => {
                format!("Value null at '{}' failed to satisfy constraint: {}", self.path, self.constraint.wording())
            }
        }
    }
}

/// The whole validation message: `1 validation error detected: ...` or
/// `N validation errors detected: a; b`.
pub fn validation_message(items: &[ValidationItem]) -> String {
    let rendered: Vec<String> = items.iter().map(ValidationItem::render).collect();
    let n = items.len();
    let plural = if n == 1 { "error" } else { "errors" };
    format!("{n} validation {plural} detected: {}", rendered.join("; "))
}

/// The path of a top-level member in validation messages: first letter lower-cased.
pub fn member_path(member: &str) -> String {
    let mut chars = member.chars();
    match chars.next() {
        Some(c) => c.to_ascii_lowercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// The path of a field of the `index`-th (0-based) element of a list member.
pub fn list_field_path(list_member: &str, index: usize, field: &str) -> String {
    format!("{}.{}.member.{}", member_path(list_member), index + 1, member_path(field))
}

/// The kinds of constraint a case file may name (`constraint = "length-max"`), and the bounds the
/// contract gives each member path. `None` when the path does not have that constraint.
pub fn constraint_for(path: &str, kind: &str) -> Option<Constraint> {
    static LIST_FIELD: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^filters\.[1-9][0-9]*\.member\.(key|values)$").expect("regex compiles"));
    let field = LIST_FIELD.captures(path).map(|c| c[1].to_owned());
    match (path, field.as_deref(), kind) {
        ("windowExecutionId", _, "not-null") => Some(Constraint::NotNull),
        ("windowExecutionId", _, "length-min") => Some(Constraint::LengthMin(ID_LENGTH)),
        ("windowExecutionId", _, "length-max") => Some(Constraint::LengthMax(ID_LENGTH)),
        ("windowExecutionId", _, "pattern") => Some(Constraint::IdPattern),
        ("maxResults", _, "value-min") => Some(Constraint::ValueMin(MAX_RESULTS_MIN)),
        ("maxResults", _, "value-max") => Some(Constraint::ValueMax(MAX_RESULTS_MAX)),
        ("filters", _, "length-max") => Some(Constraint::LengthMax(FILTERS_MAX)),
        (_, Some("key"), "length-min") => Some(Constraint::LengthMin(FILTER_KEY_MIN)),
        (_, Some("key"), "length-max") => Some(Constraint::LengthMax(FILTER_KEY_MAX)),
        (_, Some("values"), "member-lengths") => Some(Constraint::FilterValueLengths),
        _ => None,
    }
}

/// The constraint kinds a case file may name.
pub const CONSTRAINT_KINDS: &str = "not-null, length-min, length-max, pattern, value-min, value-max, member-lengths";

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte-by-byte shape check never says a string matches when the pattern does not: every
    /// one-character change of a valid id (each position, each interesting byte) is judged alike.
    #[test]
    fn the_id_shape_check_agrees_with_the_pattern() {
        let valid = "0123abcd-ABCD-4ef0-89aB-cdef01234567";
        assert!(matches_id_pattern(valid) && id_regex().is_match(valid));
        for i in 0..valid.len() {
            for c in ['-', '0', '9', 'a', 'f', 'g', 'A', 'F', 'G', ' ', '\n', 'é'] {
                let mut s: Vec<char> = valid.chars().collect();
                s[i] = c;
                let s: String = s.into_iter().collect();
                assert_eq!(matches_id_pattern(&s), id_regex().is_match(&s), "{s:?}");
            }
        }
        for s in ["", "0123abcd", "0123abcd-abcd-4ef0-89ab-cdef012345678", "\n0123abcd-abcd-4ef0-89ab-cdef01234567"] {
            assert_eq!(matches_id_pattern(s), id_regex().is_match(s), "{s:?}");
        }
    }

    /// Pins the constants to the text of `docs/contract.md`, so drift fails loudly.
    #[test]
    fn constants_match_contract_text() {
        let contract = include_str!("../../../../docs/contract.md");
        let pattern_in_doc = format!("pattern `{ID_PATTERN}`");
        assert!(contract.contains(&pattern_in_doc), "id pattern drifted from contract.md");
        assert!(contract.contains(&format!("{MAX_RESULTS_MIN} ≤ n ≤ {MAX_RESULTS_MAX}")));
        assert!(contract.contains(&format!("0 to {FILTERS_MAX} filters")));
        assert!(contract.contains(&format!("length {FILTER_KEY_MIN}..{FILTER_KEY_MAX}")));
        assert!(contract.contains(&format!("each of length {FILTER_VALUE_MIN}..{FILTER_VALUE_MAX}")));
        assert!(contract.contains(&STATUSES.join(" ")));
        let filterable: Vec<&str> = STATUSES.iter().copied().filter(|s| *s != SKIPPED_OVERLAPPING).collect();
        assert_eq!(filterable, FILTERABLE_STATUSES, "the filterable statuses are the statuses but one");
        assert!(contract.contains(&format!("`{SKIPPED_OVERLAPPING}` as a STATUS filter value | EITHER")));
        assert!(contract.contains(&TASK_TYPES.join(" ")));
        assert!(contract.contains(TARGET));
        assert!(contract.contains(CONTENT_TYPE));
        assert!(contract.contains(&format!("length 0..{STATUS_DETAILS_MAX}")));
        assert!(contract.contains(&format!("length {TASK_ARN_MIN}..{TASK_ARN_MAX}")));
        assert!(contract.contains(&format!("string {ALARM_NAME_MIN}..{ALARM_NAME_MAX}")));
        assert!(contract.contains(
            "Member must have length less than or equal to 256, Member must have length greater than or equal to 1"
        ));
    }

    /// The window-id check discovery uses is the model's `MaintenanceWindowId` (length 20,
    /// `^mw-[0-9a-f]{17}$`) on every one-character change of a valid id.
    #[test]
    fn the_window_id_check_agrees_with_the_model() {
        let model = crate::model::shape::maintenance_window_id::SHAPE;
        let by_model = |s: &str| {
            (crate::model::shape::maintenance_window_id::MIN..=crate::model::shape::maintenance_window_id::MAX)
                .contains(&s.chars().count())
                && model.pattern_matches(s) == Some(true)
        };
        let valid = "mw-0123456789abcdef0";
        assert!(discovery::is_window_id(valid) && by_model(valid));
        for i in 0..valid.len() {
            for c in ['-', '0', 'a', 'f', 'g', 'A', 'm', 'w', ' ', '\n', 'é'] {
                let mut s: Vec<char> = valid.chars().collect();
                s[i] = c;
                let s: String = s.into_iter().collect();
                assert_eq!(discovery::is_window_id(&s), by_model(&s), "{s:?}");
            }
        }
        for s in ["", "mw-", "mw-0123456789abcdef01", "mw-0123456789abcdef"] {
            assert_eq!(discovery::is_window_id(s), by_model(s), "{s:?}");
        }
    }

    #[test]
    fn id_pattern_accepts_both_cases_and_is_anchored() {
        assert!(is_valid_id("0123abcd-4567-89ef-ABCD-0123456789ab"));
        assert!(!is_valid_id("x0123abcd-4567-89ef-ABCD-0123456789ab"));
        assert!(!is_valid_id("0123abcd-4567-89ef-ABCD-0123456789abc"));
        assert!(!is_valid_id("0123abcg-4567-89ef-ABCD-0123456789ab"));
    }

    #[test]
    fn reads_integers_of_every_encoding() {
        let read = |t: &str| read_integer(&serde_json::from_str(t).unwrap());
        assert_eq!(read("10"), IntegerReading::Integer(10));
        // serde_json reads -0 as the float -0.0: an integral float, 0.
        assert_eq!(read("-0"), IntegerReading::IntegralFloat(0));
        assert_eq!(read("10.0"), IntegerReading::IntegralFloat(10));
        assert_eq!(read("1e1"), IntegerReading::IntegralFloat(10));
        assert_eq!(read("10.5"), IntegerReading::Fraction);
        for big in ["4294967346", "2147483648", "9223372036854775808", "18446744073709551626", "1e30"] {
            assert_eq!(read(big), IntegerReading::OutOfRange { negative: false }, "{big}");
        }
        assert_eq!(read("-2147483649"), IntegerReading::OutOfRange { negative: true });
    }

    #[test]
    fn resolves_error_types_like_botocore() {
        assert_eq!(resolve_error_type("DoesNotExistException"), "DoesNotExistException");
        assert_eq!(
            resolve_error_type("com.amazonaws.ssm#DoesNotExistException:http://internal.amazon.com/coral/"),
            "DoesNotExistException"
        );
        assert_eq!(resolve_error_type("a#b#FooError"), "FooError");
    }

    #[test]
    fn renders_validation_messages() {
        let items = [
            ValidationItem { value: None, path: member_path("WindowExecutionId"), constraint: Constraint::NotNull },
            ValidationItem { value: Some("9".into()), path: "maxResults".into(), constraint: Constraint::ValueMin(10) },
        ];
        assert_eq!(
            validation_message(&items),
            "2 validation errors detected: Value null at 'windowExecutionId' failed to satisfy constraint: Member must not be null; Value '9' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 10"
        );
        assert_eq!(list_field_path("Filters", 0, "Key"), "filters.1.member.key");
    }
}
