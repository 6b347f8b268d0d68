//! Variants: where the contract says EITHER (AWS's behaviour is unknown), the reference makes
//! one choice by default ([`Choices::FAITHFUL`]) and each variant makes another. A conformant
//! endpoint may make any of them, so a table-driven test runs the whole suite against each
//! variant and demands a pass, and another proves each variant answers differently somewhere.
//!
//! Adding a variant: one line below naming its EITHER rule and the [`Choices`] it sets (a new
//! field of `Choices` if the rule is new, read where the handler answers that rule).

use std::time::Duration;

use super::choices::{
    Choices, ErrorTypeForm, ForeignToken, LastPageToken, MessageKey, Order, UnknownMembers, UnsupportedFilter,
    ValidationItems,
};
use super::habits::{Habits, Throttle, TEST_THROTTLE};
use crate::catalogue::catalogue;
use crate::contract::{error_body, error_type, EitherRule, ThrottleForm};

/// What the catalogue knows of each variant besides its name.
#[derive(Debug, Clone, Copy)]
pub struct VariantInfo {
    /// The EITHER rule of the contract it exercises.
    pub rule: EitherRule,
    /// The reference's choices under it.
    pub choices: Choices,
}

catalogue! {
    /// One accepted alternative to the reference's default choice.
    pub enum Variant: "variant", "see `ssm-conform serve --list-variants`", info VariantInfo {
        LastPageTokenEmpty = "last-page-token-empty",
            "ends the walk with \"NextToken\": \"\" on the last page" {
                rule: EitherRule::LastPageToken,
                choices: Choices { last_page_token: LastPageToken::Empty, ..Choices::FAITHFUL },
            };
        LastPageTokenNull = "last-page-token-null",
            "ends the walk with \"NextToken\": null on the last page" {
                rule: EitherRule::LastPageToken,
                choices: Choices { last_page_token: LastPageToken::Null, ..Choices::FAITHFUL },
            };
        TrailingEmptyPage = "trailing-empty-page",
            "gives the page holding the last item a NextToken, followed by one empty page" {
                rule: EitherRule::TrailingEmptyPage,
                choices: Choices { trailing_empty_page: true, ..Choices::FAITHFUL },
            };
        DefaultPageSize100 = "default-page-size-100",
            "returns 100 items per page when MaxResults is absent" {
                rule: EitherRule::DefaultPageSize,
                choices: Choices { default_page_size: 100, ..Choices::FAITHFUL },
            };
        ReverseOrder = "reverse-order",
            "lists tasks in reverse order, the same on every walk" {
                rule: EitherRule::Order,
                choices: Choices { order: Order::Reversed, ..Choices::FAITHFUL },
            };
        EmptyNextTokenRejected = "empty-next-token-rejected",
            "rejects \"NextToken\": \"\" with a 400 InvalidNextToken" {
                rule: EitherRule::EmptyNextToken,
                choices: Choices { empty_next_token_rejected: true, ..Choices::FAITHFUL },
            };
        ForeignTokenHonoured = "foreign-token-honoured",
            "honours a token's offset whatever execution or filters it was issued for" {
                rule: EitherRule::ForeignToken,
                choices: Choices { foreign_token: ForeignToken::Honoured, ..Choices::FAITHFUL },
            };
        TokenPageSizeBound = "token-page-size-bound",
            "refuses a token followed with another MaxResults than the page that issued it (400 InvalidNextToken)" {
                rule: EitherRule::TokenOtherPageSize,
                choices: Choices { token_binds_page_size: true, ..Choices::FAITHFUL },
            };
        UnsupportedFilterApplied = "unsupported-filter-applied",
            "answers 200 to unsupported filters, applying them as written (they match nothing)" {
                rule: EitherRule::UnsupportedFilter,
                choices: Choices { unsupported_filter: UnsupportedFilter::AppliedAsWritten, ..Choices::FAITHFUL },
            };
        UnsupportedFilterTypes = "unsupported-filter-types",
            "rejects unsupported filters with InvalidFilterKey / InvalidFilterValue" {
                rule: EitherRule::UnsupportedFilter,
                choices: Choices { unsupported_filter: UnsupportedFilter::TypedError, ..Choices::FAITHFUL },
            };
        SkippedOverlappingRejected = "skipped-overlapping-rejected",
            "rejects SKIPPED_OVERLAPPING as a STATUS filter value" {
                rule: EitherRule::SkippedOverlappingFilter,
                choices: Choices { skipped_overlapping_filter: false, ..Choices::FAITHFUL },
            };
        UnknownOperation404 = "unknown-operation-404",
            "answers another X-Amz-Target with HTTP 404" {
                rule: EitherRule::UnknownOperationStatus,
                choices: Choices { unknown_operation_status: 404, ..Choices::FAITHFUL },
            };
        WrongTypeValidation = "wrong-type-validation",
            "answers malformed JSON and wrongly typed members with ValidationException" {
                rule: EitherRule::WrongTypeError,
                choices: Choices { wrong_type_error: error_type::VALIDATION, ..Choices::FAITHFUL },
            };
        UnknownMemberRejected = "unknown-member-rejected",
            "rejects unknown request members with a 400 ValidationException" {
                rule: EitherRule::UnknownMembers,
                choices: Choices { unknown_members: UnknownMembers::Rejected, ..Choices::FAITHFUL },
            };
        ErrorTypeNamespaced = "error-type-namespaced",
            "sends __type as `com.amazonaws.ssm#Name:http://internal.amazon.com/coral/...`" {
                rule: EitherRule::ErrorTypeForm,
                choices: Choices { error_type_form: ErrorTypeForm::Namespaced, ..Choices::FAITHFUL },
            };
        ErrorMessageCapitalised = "error-message-capitalised",
            "puts every error message under `Message`" {
                rule: EitherRule::MessageKey,
                choices: Choices { message_key: MessageKey::Always(error_body::MESSAGE_MODELLED), ..Choices::FAITHFUL },
            };
        ErrorMessageLowercase = "error-message-lowercase",
            "puts every error message under `message`" {
                rule: EitherRule::MessageKey,
                choices: Choices { message_key: MessageKey::Always(error_body::MESSAGE_FRAMEWORK), ..Choices::FAITHFUL },
            };
        NoErrorTypeHeader = "no-error-type-header",
            "sends no X-Amzn-ErrorType header" {
                rule: EitherRule::ErrorTypeHeader,
                choices: Choices { error_type_header: false, ..Choices::FAITHFUL },
            };
        ValidationItemsReordered = "validation-items-reordered",
            "lists validation items in reverse order, each ending with a period" {
                rule: EitherRule::ValidationItemOrder,
                choices: Choices { validation_items: ValidationItems::ReversedWithPeriods, ..Choices::FAITHFUL },
            };
        IdsCaseInsensitive = "ids-case-insensitive",
            "finds a known execution whatever the letter case of its id" {
                rule: EitherRule::KnownIdOtherCase,
                choices: Choices { ids_case_insensitive: true, ..Choices::FAITHFUL },
            };
        IntegralFloatsRead = "integral-floats-read",
            "reads MaxResults sent as an integral float (10.0, 1e1) as the integer" {
                rule: EitherRule::IntegralFloat,
                choices: Choices { integral_floats: true, ..Choices::FAITHFUL },
            };
        EmptyListOmitted = "empty-list-omitted",
            "omits WindowExecutionTaskIdentities from a page with no items (`{}` for an empty execution)" {
                rule: EitherRule::EmptyListForm,
                choices: Choices { empty_list_omitted: true, ..Choices::FAITHFUL },
            };
        TimestampsExponent = "timestamps-exponent",
            "writes StartTime and EndTime in exponent form (1.541761816338E9), as SSM's own wire has" {
                rule: EitherRule::TimestampSpelling,
                choices: Choices { timestamps_exponent: true, ..Choices::FAITHFUL },
            };
        LongBase64Tokens = "long-base64-tokens",
            "issues ~1 KB standard-base64 tokens (with +, / and =), as AWS does" {
                rule: EitherRule::TokenForm,
                choices: Choices { long_tokens: true, ..Choices::FAITHFUL },
            };
        FiltersAfterPageCut = "filters-after-page-cut",
            "cuts a filtered page from the unfiltered listing, then filters it (short and empty pages mid-walk)" {
                rule: EitherRule::ShortPages,
                choices: Choices { filters_after_cut: true, ..Choices::FAITHFUL },
            };
        LiveExecution = "live-execution",
            "advances running tasks as requests arrive (PENDING → IN_PROGRESS → SUCCESS, CANCELLING → CANCELLED), its filtered pages cut from the unfiltered listing as AWS's are" {
                rule: EitherRule::LiveExecution,
                // Pages cut by unfiltered offsets: a task that changes status mid-walk is never
                // listed twice (offsets into a filtered list would shift under it).
                choices: Choices { live_executions: true, filters_after_cut: true, ..Choices::FAITHFUL },
            };
        Throttling = "throttling",
            "throttles past 400 requests a second (burst 40) with 400 ThrottlingException \"Rate exceeded\"" {
                rule: EitherRule::Throttling,
                choices: Choices { habits: Habits { throttle: Some(TEST_THROTTLE), ..Habits::NONE }, ..Choices::FAITHFUL },
            };
        Throttling429 = "throttling-429",
            "throttles as `throttling` does, with HTTP 429" {
                rule: EitherRule::ThrottleStatus,
                choices: Choices {
                    habits: Habits { throttle: Some(Throttle { form: ThrottleForm::Status429, ..TEST_THROTTLE }), ..Habits::NONE },
                    ..Choices::FAITHFUL
                },
            };
        Transient5xx = "transient-5xx",
            "answers every 20th request with a 500 InternalServerError that a retry does not repeat" {
                rule: EitherRule::TransientError,
                choices: Choices { habits: Habits { transient_every: Some(20), ..Habits::NONE }, ..Choices::FAITHFUL },
            };
        Latency = "latency",
            "waits 5 ms before every answer" {
                rule: EitherRule::Latency,
                choices: Choices { habits: Habits { latency: Duration::from_millis(5), ..Habits::NONE }, ..Choices::FAITHFUL },
            };
        ConnectionClose = "connection-close",
            "sends Connection: close with every answer (a new connection per request)" {
                rule: EitherRule::HttpFraming,
                choices: Choices { habits: Habits { connection_close: true, ..Habits::NONE }, ..Choices::FAITHFUL },
            };
        KeepAliveLimit = "keep-alive-limit",
            "closes each connection after its 3rd answer" {
                rule: EitherRule::HttpFraming,
                choices: Choices { habits: Habits { keep_alive_limit: Some(3), ..Habits::NONE }, ..Choices::FAITHFUL },
            };
        ChunkedBodies = "chunked-bodies",
            "sends every body chunked, in pieces of 512 bytes" {
                rule: EitherRule::HttpFraming,
                choices: Choices { habits: Habits { chunked: true, ..Habits::NONE }, ..Choices::FAITHFUL },
            };
        OptionalMembersNull = "optional-members-null",
            "sends an item's absent optional members (EndTime, AlarmConfiguration, ...) as null" {
                rule: EitherRule::OptionalMemberNull,
                choices: Choices { absent_members_null: true, ..Choices::FAITHFUL },
            };
    }
}

impl Variant {
    /// The EITHER rule of the contract it exercises.
    pub fn rule(self) -> EitherRule {
        self.info().rule
    }

    /// The reference's choices under it.
    pub fn choices(self) -> Choices {
        self.info().choices
    }
}
