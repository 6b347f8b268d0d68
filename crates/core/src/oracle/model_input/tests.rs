//! The model-driven validation on the second operation, whose constraints no hand-written code
//! states: `WindowId` (required, length 20, `^mw-[0-9a-f]{17}$`, lower-case only), `MaxResults`,
//! `Filters`.

use serde_json::{json, Value};

use super::*;
use crate::model::shape::describe_maintenance_window_executions_request as request;

fn rendered(body: Value) -> Vec<String> {
    match validate(request::SHAPE, &body, IntegralFloats::Refused) {
        InputVerdict::Invalid(items) => items.iter().map(ValidationItem::render).collect(),
        other => panic!("{body}: {other:?}"),
    }
}

const WINDOW: &str = "mw-0123456789abcdef0";

#[test]
fn a_valid_request_is_valid() {
    for body in [
        json!({"WindowId": WINDOW}),
        json!({"WindowId": WINDOW, "MaxResults": 10, "Filters": [], "NextToken": "t"}),
        json!({"WindowId": WINDOW, "MaxResults": 100, "Filters": [{"Key": "ExecutedBefore", "Values": ["2025-01-01T00:00:00Z"]}]}),
        json!({"WindowId": WINDOW, "NextToken": null, "Unknown": 1}),
    ] {
        assert_eq!(validate(request::SHAPE, &body, IntegralFloats::Refused), InputVerdict::Valid, "{body}");
    }
}

#[test]
fn every_violated_constraint_is_named_in_model_order() {
    assert_eq!(rendered(json!({})), ["Value null at 'windowId' failed to satisfy constraint: Member must not be null"]);
    assert_eq!(
        rendered(json!({"WindowId": "mw-0123456789ABCDEF0", "MaxResults": 9})),
        [
            "Value 'mw-0123456789ABCDEF0' at 'windowId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^mw-[0-9a-f]{17}$",
            "Value '9' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 10",
        ]
    );
    assert_eq!(
        rendered(json!({"WindowId": "mw-1", "Filters": [{"Key": "", "Values": ["x", ""]}], "MaxResults": 101})),
        [
            "Value 'mw-1' at 'windowId' failed to satisfy constraint: Member must have length greater than or equal to 20",
            "Value 'mw-1' at 'windowId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^mw-[0-9a-f]{17}$",
            "Value '' at 'filters.1.member.key' failed to satisfy constraint: Member must have length greater than or equal to 1",
            "Value '[x, ]' at 'filters.1.member.values' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 256, Member must have length greater than or equal to 1]",
            "Value '101' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100",
        ]
    );
    let six = vec![json!({"Key": "ExecutedAfter", "Values": ["2025-01-01T00:00:00Z"]}); 6];
    let filters = rendered(json!({"WindowId": WINDOW, "Filters": six}));
    assert_eq!(filters.len(), 1);
    assert!(
        filters[0].starts_with("Value '[MaintenanceWindowFilter(key=ExecutedAfter, values=[2025-01-01T00:00:00Z]), ")
    );
    assert!(filters[0]
        .ends_with("at 'filters' failed to satisfy constraint: Member must have length less than or equal to 5"));
}

#[test]
fn wrong_json_types_are_serialization_errors() {
    for body in [
        json!({"WindowId": 5}),
        json!({"WindowId": WINDOW, "MaxResults": "10"}),
        json!({"WindowId": WINDOW, "MaxResults": 10.5}),
        json!({"WindowId": WINDOW, "MaxResults": 4294967346u64}),
        json!({"WindowId": WINDOW, "Filters": {}}),
        json!({"WindowId": WINDOW, "Filters": [{"Key": 1}]}),
        json!({"WindowId": WINDOW, "Filters": [{"Values": "x"}]}),
        json!({"WindowId": WINDOW, "Filters": [{"Values": [1]}]}),
        json!("WindowId"),
    ] {
        assert!(
            matches!(validate(request::SHAPE, &body, IntegralFloats::Refused), InputVerdict::WrongType(_)),
            "{body}"
        );
    }
    let float = json!({"WindowId": WINDOW, "MaxResults": 10.0});
    assert!(matches!(validate(request::SHAPE, &float, IntegralFloats::Refused), InputVerdict::WrongType(_)));
    assert_eq!(validate(request::SHAPE, &float, IntegralFloats::AsIntegers), InputVerdict::Valid);
}
