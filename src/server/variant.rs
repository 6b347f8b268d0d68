//! Variants: where the contract says EITHER (AWS's behaviour is unknown), the reference makes
//! one choice by default and each variant makes another. A conformant endpoint may make any of
//! them, so a table-driven test runs the whole suite against each variant and demands a pass.

use std::fmt;
use std::str::FromStr;

macro_rules! variants {
    ($( $variant:ident = $name:literal, $rule:literal, $desc:literal; )*) => {
        /// One accepted alternative to the reference's default choice.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Variant {
            $( #[doc = $desc] $variant, )*
        }

        impl Variant {
            /// Every variant, in catalogue order.
            pub const ALL: &'static [Variant] = &[ $( Variant::$variant, )* ];

            /// The variant's stable name.
            pub fn name(self) -> &'static str {
                match self { $( Variant::$variant => $name, )* }
            }

            /// One line saying what the endpoint does instead of the default.
            pub fn description(self) -> &'static str {
                match self { $( Variant::$variant => $desc, )* }
            }

            /// The EITHER rule of the contract it exercises.
            pub fn rule(self) -> &'static str {
                match self { $( Variant::$variant => $rule, )* }
            }
        }
    };
}

variants! {
    LastPageTokenEmpty = "last-page-token-empty", "§5 the last page has no NextToken, \"\" or null",
        "ends the walk with \"NextToken\": \"\" on the last page";
    LastPageTokenNull = "last-page-token-null", "§5 the last page has no NextToken, \"\" or null",
        "ends the walk with \"NextToken\": null on the last page";
    TrailingEmptyPage = "trailing-empty-page", "§5 a NextToken on the page with the last item, then one empty page",
        "gives the page holding the last item a NextToken, followed by one empty page";
    DefaultPageSize100 = "default-page-size-100", "§5 default page size: any size up to 100",
        "returns 100 items per page when MaxResults is absent";
    ReverseOrder = "reverse-order", "§5 the order is stable; it may be any order",
        "lists tasks in reverse order, the same on every walk";
    EmptyNextTokenRejected = "empty-next-token-rejected", "§5 \"NextToken\": \"\" is the first page or a 400",
        "rejects \"NextToken\": \"\" with a 400 InvalidNextToken";
    ForeignTokenHonoured = "foreign-token-honoured", "§5 a token used with another execution or filters: a 400 or a consistent answer",
        "honours a token's offset whatever execution or filters it was issued for";
    UnsupportedFilterApplied = "unsupported-filter-applied", "§3 unsupported filter keys and values: a 400 or applied as written",
        "answers 200 to unsupported filters, applying them as written (they match nothing)";
    UnsupportedFilterTypes = "unsupported-filter-types", "§3 unsupported filter keys and values: a 400 with __type",
        "rejects unsupported filters with InvalidFilterKey / InvalidFilterValue";
    SkippedOverlappingRejected = "skipped-overlapping-rejected", "§3 SKIPPED_OVERLAPPING as a filter value: accepted or rejected",
        "rejects SKIPPED_OVERLAPPING as a STATUS filter value";
    UnknownOperation404 = "unknown-operation-404", "§1 another X-Amz-Target: 400 or 404",
        "answers another X-Amz-Target with HTTP 404";
    WrongTypeValidation = "wrong-type-validation", "§1 malformed JSON or wrong JSON types: SerializationException or ValidationException",
        "answers malformed JSON and wrongly typed members with ValidationException";
    UnknownMemberRejected = "unknown-member-rejected", "§1 unknown extra members: ignored or a 400",
        "rejects unknown request members with a 400 ValidationException";
    ErrorTypeNamespaced = "error-type-namespaced", "§6 __type resolved by stripping the namespace and the :suffix",
        "sends __type as com.amazonaws.ssm#Name:http://internal.amazon.com/coral/...";
    ErrorMessageCapitalised = "error-message-capitalised", "§6 message under message or Message",
        "puts every error message under `Message`";
    ErrorMessageLowercase = "error-message-lowercase", "§6 message under message or Message",
        "puts every error message under `message`";
    NoErrorTypeHeader = "no-error-type-header", "§6 X-Amzn-ErrorType beside __type is allowed, not required",
        "sends no X-Amzn-ErrorType header";
    ValidationItemsReordered = "validation-items-reordered", "§2 item order and a trailing period are unknown",
        "lists validation items in reverse order, each ending with a period";
}

impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error for a name that is no variant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown variant {name:?} (see `ssm-conform serve --list-variants`)")]
pub struct UnknownVariant {
    /// The name given.
    pub name: String,
}

impl FromStr for Variant {
    type Err = UnknownVariant;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Variant::ALL.iter().copied().find(|v| v.name() == s).ok_or_else(|| UnknownVariant { name: s.to_owned() })
    }
}
