//! The reference's answers where the contract says EITHER: one field per EITHER rule, with the
//! faithful reference's default choice in [`Choices::FAITHFUL`]. Each variant
//! (`server/variant.rs`) sets other alternatives; the handler reads only these fields, never
//! which variant it serves.

/// How unknown request members are answered (§1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnknownMembers {
    /// Ignored.
    Ignored,
    /// A 400 `ValidationException`.
    Rejected,
}

/// The order of validation items in a message (§2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValidationItems {
    /// Model member order, no trailing period.
    ModelOrder,
    /// Reverse order, each item ending with a period.
    ReversedWithPeriods,
}

/// How an unsupported filter key or value is answered (§3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnsupportedFilter {
    /// A 400 `ValidationException`.
    ValidationError,
    /// A 400 `InvalidFilterKey` / `InvalidFilterValue`.
    TypedError,
    /// A 200, the filter applied as written (it matches nothing).
    AppliedAsWritten,
}

/// The order of the listing (§5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// The fixture's order.
    Listing,
    /// The reverse, the same on every walk.
    Reversed,
}

/// What the last page says about `NextToken` (§5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LastPageToken {
    /// No `NextToken` member.
    Absent,
    /// `"NextToken": ""`.
    Empty,
    /// `"NextToken": null`.
    Null,
}

/// How a token issued for another execution or filter set is answered (§5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForeignToken {
    /// A 400 `InvalidNextToken`.
    Rejected,
    /// Its offset is honoured.
    Honoured,
}

/// The form of `__type` (§6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorTypeForm {
    /// `DoesNotExistException`.
    Bare,
    /// `com.amazonaws.ssm#DoesNotExistException:http://internal.amazon.com/coral/...`.
    Namespaced,
}

/// The member an error message is sent under (§6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKey {
    /// `Message` for the modelled errors, `message` for the framework's (as AWS's Coral does).
    PerError,
    /// Always this member.
    Always(&'static str),
}

/// One choice per EITHER rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choices {
    /// §1: the status of an `UnknownOperationException` (400 or 404).
    pub unknown_operation_status: u16,
    /// §1: the error type of malformed JSON and wrongly typed members.
    pub wrong_type_error: &'static str,
    /// §1: unknown request members.
    pub unknown_members: UnknownMembers,
    /// §2: whether `MaxResults` as an integral float (`10.0`) is read as the integer.
    pub integral_floats: bool,
    /// §2: validation item order.
    pub validation_items: ValidationItems,
    /// §3: whether a known id in another letter case is found (else `DoesNotExistException`).
    pub ids_case_insensitive: bool,
    /// §3: unsupported filter keys and values.
    pub unsupported_filter: UnsupportedFilter,
    /// §3: whether `SKIPPED_OVERLAPPING` is accepted as a STATUS filter value.
    pub skipped_overlapping_filter: bool,
    /// §4: whether an item's absent optional members are sent as `null`.
    pub absent_members_null: bool,
    /// §4: whether a page with no items omits `WindowExecutionTaskIdentities` (else `[]`).
    pub empty_list_omitted: bool,
    /// §5: the listing's order.
    pub order: Order,
    /// §5: the last page's `NextToken`.
    pub last_page_token: LastPageToken,
    /// §5: whether the page with the last item carries a token to one empty page.
    pub trailing_empty_page: bool,
    /// §5: whether `"NextToken": ""` is rejected (else it is the first page).
    pub empty_next_token_rejected: bool,
    /// §5: a token used with another execution or filters.
    pub foreign_token: ForeignToken,
    /// Whether a token followed with another `MaxResults` than the page that issued it is
    /// refused with a 400 `InvalidNextToken` (§5).
    pub token_binds_page_size: bool,
    /// §5: the page size when `MaxResults` is absent.
    pub default_page_size: usize,
    /// §6: the form of `__type`.
    pub error_type_form: ErrorTypeForm,
    /// §6: whether `X-Amzn-ErrorType` is sent beside `__type`.
    pub error_type_header: bool,
    /// §6: the message member.
    pub message_key: MessageKey,
    /// §4: whether timestamps are written in exponent form (`1.541761816338E9`), as SSM's own
    /// wire has been seen to.
    pub timestamps_exponent: bool,
    /// §5: whether tokens are long standard base64 (~1 KB with `+`, `/`, `=`), as AWS's are.
    pub long_tokens: bool,
    /// §5: whether a filtered page is cut from the unfiltered listing and then filtered (short or
    /// empty pages mid-walk), as SSM's filtered listings are.
    pub filters_after_cut: bool,
    /// §8: whether running tasks (`PENDING`, `IN_PROGRESS`, `CANCELLING`) advance as requests
    /// arrive, as a live execution's do.
    pub live_executions: bool,
    /// §8 and §1: the HTTP layer's habits (throttling, latency, transient 5xx, connections).
    pub habits: super::habits::Habits,
    /// §9: the second operation's own EITHER rules (`executions/variant.rs`).
    pub executions: super::executions::ExecutionsChoices,
}

impl Choices {
    /// The faithful reference's choices.
    pub const FAITHFUL: Choices = Choices {
        unknown_operation_status: 400,
        wrong_type_error: crate::contract::error_type::SERIALIZATION,
        unknown_members: UnknownMembers::Ignored,
        integral_floats: false,
        validation_items: ValidationItems::ModelOrder,
        ids_case_insensitive: false,
        unsupported_filter: UnsupportedFilter::ValidationError,
        skipped_overlapping_filter: true,
        absent_members_null: false,
        empty_list_omitted: false,
        order: Order::Listing,
        last_page_token: LastPageToken::Absent,
        trailing_empty_page: false,
        empty_next_token_rejected: false,
        foreign_token: ForeignToken::Rejected,
        token_binds_page_size: false,
        default_page_size: 10,
        error_type_form: ErrorTypeForm::Bare,
        error_type_header: true,
        message_key: MessageKey::PerError,
        timestamps_exponent: false,
        long_tokens: false,
        filters_after_cut: false,
        live_executions: false,
        habits: super::habits::Habits::NONE,
        executions: super::executions::ExecutionsChoices::FAITHFUL,
    };
}

impl Default for Choices {
    fn default() -> Choices {
        Choices::FAITHFUL
    }
}
