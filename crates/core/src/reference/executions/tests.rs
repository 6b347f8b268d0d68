//! The second operation's reference answers: windows of several, none and more than 100
//! executions, walked, filtered, validated from the model, and consistent with the first
//! operation.

use serde_json::{json, Value};

use super::*;
use crate::contract::executions::{select, Selection, EXECUTED_AFTER, EXECUTED_BEFORE};
use crate::model::shape;
use crate::reference::Reference;
use crate::request::WireRequest;

fn call(reference: &Reference, body: &Value) -> (u16, Value) {
    let mut req = WireRequest::json(body);
    req.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(crate::contract::TARGET_HEADER));
    req.headers.push((crate::contract::TARGET_HEADER.to_owned(), semantics::TARGET.to_owned()));
    let resp = reference.handle(&req);
    (resp.status, resp.json().unwrap_or(Value::Null))
}

/// Every page of a walk, as `(ids, page sizes)`.
fn walk(reference: &Reference, mut body: Value) -> (Vec<String>, Vec<usize>) {
    let (mut ids, mut sizes) = (Vec::new(), Vec::new());
    for _ in 0..100 {
        let (status, page) = call(reference, &body);
        assert_eq!(status, 200, "{page}");
        let items = page[output::WINDOW_EXECUTIONS].as_array().unwrap();
        sizes.push(items.len());
        ids.extend(items.iter().map(|i| i[item::WINDOW_EXECUTION_ID].as_str().unwrap().to_owned()));
        match page.get(output::NEXT_TOKEN).and_then(Value::as_str) {
            Some(t) => body[input::NEXT_TOKEN] = json!(t),
            None => return (ids, sizes),
        }
    }
    panic!("the walk did not end")
}

#[test]
fn the_windows_hold_several_none_and_more_than_a_page() {
    let reference = Reference::new(None);
    let sizes: Vec<usize> = reference.windows().iter().map(|w| w.executions.len()).collect();
    assert_eq!(sizes, [5, 0, MANY]);
    let (ids, pages) = walk(&reference, json!({"WindowId": WINDOW_IDS[2], "MaxResults": 10}));
    assert_eq!(pages, [10; 12]);
    let expected: Vec<&str> =
        reference.windows()[2].executions.iter().map(|e| e.window_execution_id.as_str()).collect();
    assert_eq!(ids, expected);
    assert_eq!(walk(&reference, json!({"WindowId": WINDOW_IDS[2], "MaxResults": 100})).1, [100, 20]);
    assert_eq!(walk(&reference, json!({"WindowId": WINDOW_IDS[2]})).0, expected);
    let (several, _) = walk(&reference, json!({"WindowId": WINDOW_IDS[0]}));
    let first: Vec<String> = reference.executions().iter().map(|e| e.window_execution_id.clone()).collect();
    assert_eq!(several, first);
    assert_eq!(walk(&reference, json!({"WindowId": WINDOW_IDS[1]})), (vec![], vec![0]));
    assert_eq!(walk(&reference, json!({"WindowId": "mw-fedcba9876543210f"})), (vec![], vec![0]));
}

#[test]
fn every_item_is_of_the_models_shape() {
    let reference = Reference::new(None);
    let (_, page) = call(&reference, &json!({"WindowId": WINDOW_IDS[2], "MaxResults": 100}));
    for i in page[output::WINDOW_EXECUTIONS].as_array().unwrap() {
        let text = |m: &str| i[m].as_str().unwrap();
        assert_eq!(shape::maintenance_window_id::SHAPE.pattern_matches(text(item::WINDOW_ID)), Some(true));
        assert_eq!(
            shape::maintenance_window_execution_id::SHAPE.pattern_matches(text(item::WINDOW_EXECUTION_ID)),
            Some(true)
        );
        assert!(shape::maintenance_window_execution_status::ENUM.contains(&text(item::STATUS)));
        assert!(text(item::STATUS_DETAILS).len() <= shape::maintenance_window_execution_status_details::MAX);
        let members: Vec<&String> = i.as_object().unwrap().keys().collect();
        assert!(members.iter().all(|m| item::ALL_MEMBERS.contains(&m.as_str())), "{members:?}");
    }
}

#[test]
fn the_documented_filters_select_what_every_reading_agrees_on() {
    let reference = Reference::new(None);
    let executions = &reference.windows()[2].executions;
    for (key, instant) in [
        (EXECUTED_BEFORE, "2024-12-30T00:00:00Z"),
        (EXECUTED_AFTER, "2024-12-30T00:00:00Z"),
        (EXECUTED_AFTER, "2024-12-31T20:15:00Z"),
        (EXECUTED_BEFORE, "2024-12-31T20:15:00Z"),
    ] {
        let filters = json!([{"Key": key, "Values": [instant]}]);
        let (ids, _) = walk(&reference, json!({"WindowId": WINDOW_IDS[2], "Filters": filters, "MaxResults": 10}));
        assert!(!ids.is_empty() && ids.len() < MANY, "{key} {instant}: {}", ids.len());
        let t = semantics::filter_instant(instant).unwrap();
        assert_agreed_selection(&format!("{key} {instant}"), key, t, executions, &ids);
    }
}

/// `ids` holds every execution every reading of `key` at `t` selects, and none that none does.
fn assert_agreed_selection(label: &str, key: &str, t: f64, executions: &[WindowExecutionFixture], ids: &[String]) {
    for e in executions {
        let returned = ids.contains(&e.window_execution_id);
        match select(key, t, e.start_time, e.end_time).unwrap() {
            Selection::Must => assert!(returned, "{label}: {e:?} left out"),
            Selection::MustNot => assert!(!returned, "{label}: {e:?} returned"),
            Selection::Either => {}
        }
    }
}

#[test]
fn bad_requests_are_client_errors() {
    let reference = Reference::new(None);
    let error = |body: Value| {
        let (status, page) = call(&reference, &body);
        assert_eq!(status, 400, "{body}: {page}");
        page["__type"].as_str().unwrap().to_owned()
    };
    assert_eq!(error(json!({})), "ValidationException");
    assert_eq!(error(json!({"WindowId": "mw-0123456789ABCDEF0"})), "ValidationException");
    assert_eq!(error(json!({"WindowId": WINDOW_IDS[0], "MaxResults": 9})), "ValidationException");
    assert_eq!(error(json!({"WindowId": WINDOW_IDS[0], "MaxResults": "10"})), "SerializationException");
    assert_eq!(
        error(json!({"WindowId": WINDOW_IDS[0], "Filters": [{"Key": "Status", "Values": ["SUCCESS"]}]})),
        "ValidationException"
    );
    assert_eq!(
        error(json!({"WindowId": WINDOW_IDS[0], "Filters": [{"Key": EXECUTED_AFTER, "Values": ["yesterday"]}]})),
        "ValidationException"
    );
    assert_eq!(error(json!({"WindowId": WINDOW_IDS[0], "NextToken": "garbage"})), "InvalidNextToken");
    let (_, first) = call(&reference, &json!({"WindowId": WINDOW_IDS[2], "MaxResults": 10}));
    let token = first[output::NEXT_TOKEN].as_str().unwrap();
    assert_eq!(error(json!({"WindowId": WINDOW_IDS[0], "NextToken": token})), "InvalidNextToken");
    let (_, message) = call(&reference, &json!({"WindowId": "mw-1"}));
    assert!(message["message"]
        .as_str()
        .unwrap()
        .contains("at 'windowId' failed to satisfy constraint: Member must have length greater than or equal to 20"));
}

#[test]
fn the_first_operation_knows_every_listed_execution() {
    let reference = Reference::new(None);
    for e in reference.windows()[2].executions.iter().take(3) {
        let resp = reference.handle(&WireRequest::json(&json!({"WindowExecutionId": e.window_execution_id})));
        assert_eq!(resp.status, 200);
        assert_eq!(resp.json().unwrap(), json!({"WindowExecutionTaskIdentities": []}));
    }
    let unknown =
        reference.handle(&WireRequest::json(&json!({"WindowExecutionId": "00000000-0000-4000-8000-000000000000"})));
    assert_eq!(unknown.status, 400);
}

/// What the faithful reference and each variant answer to requests where §9 says EITHER: the
/// window no listing names, filters at an execution's own start and while some still run, a time
/// filter with two values, undocumented keys and a value that is no instant.
fn either_transcript(reference: &Reference) -> Vec<(u16, Value)> {
    let w = WINDOW_IDS[2];
    let newest_start = reference.windows()[2].executions[1].start_time.unwrap();
    let at = |t: f64| crate::clock::rfc3339(t as i64, 0);
    let filter = |key: &str, values: Vec<String>| json!({"WindowId": w, "MaxResults": 100, "Filters": [{"Key": key, "Values": values}]});
    let bodies = [
        json!({"WindowId": "mw-fedcba9876543210f"}),
        filter(EXECUTED_BEFORE, vec![at(newest_start)]),
        filter(EXECUTED_AFTER, vec![at(newest_start)]),
        filter(EXECUTED_AFTER, vec![at(newest_start - 1.0)]),
        filter(EXECUTED_AFTER, vec![at(newest_start - 7200.0), at(newest_start - 36_000.0)]),
        filter("Status", vec!["SUCCESS".to_owned()]),
        filter(EXECUTED_BEFORE, vec!["yesterday".to_owned()]),
    ];
    bodies.iter().map(|b| call(reference, b)).collect()
}

#[test]
fn every_variant_changes_some_answer() {
    let faithful = either_transcript(&Reference::new(None));
    for &variant in ExecutionsVariant::ALL {
        let answers = either_transcript(&Reference::with_executions_variant(variant));
        assert_ne!(answers, faithful, "{variant} answers exactly as the faithful reference");
    }
}

/// Whatever each variant selects, it selects what every reading of §9 agrees on.
#[test]
fn every_variant_selects_what_every_reading_agrees_on() {
    for &variant in ExecutionsVariant::ALL {
        let reference = Reference::with_executions_variant(variant);
        let executions = &reference.windows()[2].executions;
        for e in executions.iter().take(8) {
            for t in [e.start_time, e.end_time].into_iter().flatten() {
                for key in [EXECUTED_BEFORE, EXECUTED_AFTER] {
                    let instant = crate::clock::rfc3339(t as i64, 0);
                    let body = json!({"WindowId": WINDOW_IDS[2], "MaxResults": 100, "Filters": [{"Key": key, "Values": [instant]}]});
                    let (ids, _) = walk(&reference, body);
                    assert_agreed_selection(&format!("{variant}: {key} {instant}"), key, t, executions, &ids);
                }
            }
        }
    }
}
