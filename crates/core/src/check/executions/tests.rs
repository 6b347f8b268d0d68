//! The second operation's checks on hand-made answers: each passes the faithful form and every
//! EITHER alternative, and fails the deviation it names.

use serde_json::json;

use super::*;

fn resp(status: u16, body: Value) -> WireResponse {
    WireResponse { status, headers: Vec::new(), body: body.to_string().into_bytes() }
}

const W: &str = "mw-0123456789abcdef0";
const ID: &str = "0123abcd-ABCD-4ef0-89aB-cdef01234567";

fn execution(id: &str, start: f64) -> Value {
    json!({"WindowId": W, "WindowExecutionId": id, "Status": "SUCCESS", "StartTime": start, "EndTime": start + 1800.0})
}

#[test]
fn the_shape_of_a_page() {
    let (page, findings) = read_page(&resp(200, json!({"WindowExecutions": [execution(ID, 1.7e9)], "NextToken": "t"})));
    assert!(findings.is_empty(), "{findings:?}");
    assert_eq!(page.unwrap().next_token.as_deref(), Some("t"));
    for empty in [
        json!({}),
        json!({"WindowExecutions": null, "NextToken": ""}),
        json!({"WindowExecutions": [], "NextToken": null}),
    ] {
        let (page, findings) = read_page(&resp(200, empty));
        assert!(findings.is_empty() && page.unwrap().items.is_empty());
    }
    for bad in [
        json!([]),
        json!({"WindowExecutions": {}}),
        json!({"WindowExecutions": [], "NextToken": 5}),
        json!({"WindowExecutions": [{"WindowId": W, "Status": "SUCCESS"}]}),
        json!({"WindowExecutions": [{"WindowId": W, "WindowExecutionId": ID, "Status": "COMPLETED"}]}),
        json!({"WindowExecutions": [{"WindowId": W, "WindowExecutionId": ID, "Status": "SUCCESS", "StartTime": 10.0, "EndTime": 5.0}]}),
    ] {
        let (_, findings) = read_page(&resp(200, bad.clone()));
        assert!(!findings.is_empty() && findings.iter().all(|f| f.check == CheckId::ExecutionsResponseShape), "{bad}");
    }
}

#[test]
fn items_of_another_window() {
    assert!(judge_items_window(&[execution(ID, 1.0)], W).is_empty());
    assert_eq!(judge_items_window(&[execution(ID, 1.0)], "mw-0123456789abcdef1").len(), 1);
}

#[test]
fn validation_answers() {
    let invalid = json!({"WindowId": "mw-1"});
    let named = resp(
        400,
        json!({"__type": "ValidationException", "message": "1 validation error detected: Value 'mw-1' at 'windowId' failed"}),
    );
    assert!(judge_validation(&invalid, &named, false).is_empty());
    let unnamed = resp(400, json!({"__type": "ValidationException", "message": "bad"}));
    assert_eq!(judge_validation(&invalid, &unnamed, false).len(), 1);
    assert_eq!(judge_validation(&invalid, &resp(200, json!({})), false).len(), 1);
    let valid = json!({"WindowId": W, "MaxResults": 100});
    assert!(judge_validation(&valid, &resp(200, json!({})), false).is_empty());
    assert_eq!(judge_validation(&valid, &named, false).len(), 1);
    let wrong = json!({"WindowId": W, "MaxResults": "10"});
    assert!(judge_validation(&wrong, &resp(400, json!({"__type": "SerializationException"})), false).is_empty());
    assert!(judge_validation(&wrong, &named, false).is_empty());
    assert_eq!(judge_validation(&wrong, &resp(500, json!({})), false).len(), 1);
}

/// With `--strict-messages`, the message is AWS's items exactly, in any order, a trailing period
/// or not; a message that names every path in other words passes only without it.
#[test]
fn strict_validation_wording() {
    let body = json!({"WindowId": "mw-0123456789ABCDEF0", "MaxResults": 9});
    let pattern = "Value 'mw-0123456789ABCDEF0' at 'windowId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^mw-[0-9a-f]{17}$";
    let max =
        "Value '9' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 10";
    let answer = |message: String| resp(400, json!({"__type": "ValidationException", "message": message}));
    let exact = answer(format!("2 validation errors detected: {pattern}; {max}"));
    assert!(judge_validation(&body, &exact, true).is_empty());
    let reordered = answer(format!("2 validation errors detected: {max}.; {pattern}."));
    assert!(judge_validation(&body, &reordered, true).is_empty());
    let reworded = answer(format!(
        "2 validation errors detected: {}; {max}",
        pattern.replace("satisfy regular expression pattern", "match pattern")
    ));
    assert!(judge_validation(&body, &reworded, false).is_empty());
    let found = judge_validation(&body, &reworded, true);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].check, CheckId::ExecutionsValidationMessage);
    let miscounted = answer(format!("1 validation error detected: {pattern}; {max}"));
    assert_eq!(judge_validation(&body, &miscounted, true)[0].check, CheckId::ExecutionsValidationMessage);
}

#[test]
fn the_model_gives_a_case_for_every_constraint() {
    let base = json!({"WindowId": W}).as_object().unwrap().clone();
    let cases = model_cases(&base);
    let names: Vec<&str> = cases.iter().map(|(n, _)| n.as_str()).collect();
    for want in [
        "WindowId absent",
        "WindowId of length 19",
        "WindowId of length 21",
        "WindowId outside its pattern",
        "MaxResults 9",
        "MaxResults 10",
        "MaxResults 100",
        "MaxResults 101",
        "Filters empty",
        "Filters of 6 elements",
        "Filters [0].Key of length 0",
        "Filters [0].Key of length 129",
        "Filters [0].Values holding a value of length 0",
        "Filters [0].Values holding a value of length 257",
    ] {
        assert!(names.contains(&want), "{want} not in {names:?}");
    }
    let invalid = cases
        .iter()
        .filter(|(_, b)| {
            matches!(model_input::validate(input::SHAPE, b, IntegralFloats::Refused), InputVerdict::Invalid(_))
        })
        .count();
    assert_eq!(invalid, cases.len() - 3, "all but MaxResults 10, 100 and Filters [] break a constraint");
}

#[test]
fn unknown_windows() {
    assert_eq!(judge_unknown_window(&resp(200, json!({"WindowExecutions": []}))).1, Some(Chosen::Status(200)));
    let dne = resp(400, json!({"__type": "DoesNotExistException", "Message": "no"}));
    assert!(judge_unknown_window(&dne).0.is_empty());
    assert_eq!(judge_unknown_window(&resp(500, json!({"__type": "InternalServerError"}))).0.len(), 1);
    assert_eq!(judge_unknown_window(&resp(200, json!({"WindowExecutions": [execution(ID, 1.0)]}))).0.len(), 1);
}

#[test]
fn walks() {
    let ids: Vec<String> = (0..25).map(|i| format!("id-{i:02}")).collect();
    let walk = |size: Option<i64>, per: usize, ids: &[String]| WalkPages {
        page_size: size,
        pages: ids.chunks(per).map(<[String]>::to_vec).collect(),
        ended: true,
        broken: None,
        throttled: None,
    };
    let good = [walk(Some(10), 10, &ids), walk(Some(100), 100, &ids), walk(None, 10, &ids)];
    assert!(judge_walks(W, &good).is_empty());
    let mut lost = ids.clone();
    lost.remove(12);
    assert_eq!(judge_walks(W, &[walk(Some(100), 100, &ids), walk(Some(10), 10, &lost)]).len(), 1);
    assert_eq!(judge_walks(W, &[walk(Some(10), 11, &ids)]).len(), 1);
    let mut reversed = ids.clone();
    reversed.reverse();
    assert_eq!(judge_walks(W, &[walk(Some(100), 100, &ids), walk(Some(10), 10, &reversed)]).len(), 1);
    let twice: Vec<String> = ids.iter().chain(&ids[..1]).cloned().collect();
    assert!(!judge_walks(W, &[walk(Some(10), 10, &twice)]).is_empty());
    let endless = WalkPages { ended: false, ..walk(Some(10), 10, &ids) };
    assert_eq!(judge_walks(W, &[endless]).len(), 1);
    // A walk throttled on every attempt of a page proves nothing: it is left out of the judging.
    let throttled = WalkPages { ended: false, throttled: Some("throttled".into()), ..walk(Some(10), 10, &lost) };
    assert!(judge_walks(W, &[walk(Some(100), 100, &ids), throttled]).is_empty());
}

#[test]
fn time_filters() {
    let all: Vec<Value> = (0..6).map(|i| execution(&format!("e{i}"), 1000.0 + 3600.0 * i as f64)).collect();
    let instants = filter_instants(&all, 3);
    assert_eq!(instants.len(), 3);
    let t = semantics::filter_instant(&instants[1]).unwrap();
    let before: Vec<String> = all
        .iter()
        .filter(|e| e["StartTime"].as_f64().unwrap() < t)
        .map(|e| e["WindowExecutionId"].as_str().unwrap().to_owned())
        .collect();
    let after: Vec<String> = all
        .iter()
        .filter(|e| e["StartTime"].as_f64().unwrap() > t)
        .map(|e| e["WindowExecutionId"].as_str().unwrap().to_owned())
        .collect();
    assert!(!before.is_empty() && !after.is_empty());
    assert!(judge_filter(semantics::EXECUTED_BEFORE, &instants[1], &all, &before).is_empty());
    assert!(judge_filter(semantics::EXECUTED_AFTER, &instants[1], &all, &after).is_empty());
    assert_eq!(judge_filter(semantics::EXECUTED_BEFORE, &instants[1], &all, &after).len(), 2);
    let everything: Vec<String> = all.iter().map(|e| e["WindowExecutionId"].as_str().unwrap().to_owned()).collect();
    assert_eq!(judge_filter(semantics::EXECUTED_AFTER, &instants[1], &all, &everything).len(), 1);
    let stranger = vec!["elsewhere".to_owned()];
    assert!(!judge_filter(semantics::EXECUTED_AFTER, &instants[1], &all, &stranger).is_empty());
}

#[test]
fn generated_answers_where_the_contract_leaves_them_open() {
    let undocumented = json!({"WindowId": W, "Filters": [{"Key": "Status", "Values": ["SUCCESS"]}]});
    let refused = resp(400, json!({"__type": "ValidationException", "message": "bad key"}));
    assert!(judge_generated(&undocumented, &refused, Some(W), false).is_empty());
    assert!(judge_generated(&undocumented, &resp(200, json!({})), Some(W), false).is_empty());
    assert_eq!(judge_generated(&undocumented, &resp(500, json!({})), Some(W), false).len(), 1);
    let other = json!({"WindowId": "mw-0123456789abcdef1"});
    let dne = resp(400, json!({"__type": "DoesNotExistException", "Message": "no"}));
    assert!(judge_generated(&other, &dne, Some(W), false).is_empty());
    assert_eq!(judge_generated(&json!({"WindowId": W}), &dne, Some(W), false).len(), 1);
    let garbage = json!({"WindowId": W, "NextToken": "x"});
    assert!(judge_generated(&garbage, &resp(400, json!({"__type": "InvalidNextToken"})), Some(W), false).is_empty());
    let first_page = judge_generated(&garbage, &resp(200, json!({})), Some(W), false);
    assert_eq!(first_page.len(), 1);
    assert_eq!(first_page[0].check, CheckId::ExecutionsPagination);
    assert!(judge_generated(&json!({"WindowId": W, "NextToken": ""}), &resp(200, json!({})), Some(W), false).is_empty());
}
