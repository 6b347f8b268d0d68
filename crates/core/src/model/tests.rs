//! The generated tables: their provenance, their integrity, and — for
//! `DescribeMaintenanceWindowExecutionTasks` — equality with what `contract.rs` held by hand
//! before the tables existed (the values below are that file's, copied on 2026-12-06; the test
//! passed against the hand-written constants before `contract.rs` began to read the tables).

use sha2::{Digest, Sha256};

use super::*;

/// Each vendored file is the one `scripts/refresh-model.py` wrote: a hand edit of the model
/// (which would change the contract unseen) fails here.
#[test]
fn the_vendored_files_are_the_ones_the_refresh_script_recorded() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("model/ssm");
    let source: toml::Table = std::fs::read_to_string(dir.join("SOURCE.toml")).unwrap().parse().unwrap();
    assert_eq!(source["version"].as_str(), Some(BOTOCORE_VERSION));
    let recorded = source["sha256"].as_table().unwrap();
    assert_eq!(recorded.len(), 4, "{recorded:?}");
    for (file, want) in recorded {
        let got = hex::encode(Sha256::digest(std::fs::read(dir.join(file)).unwrap()));
        assert_eq!(Some(got.as_str()), want.as_str(), "model/ssm/{file} is not the file SOURCE.toml recorded");
    }
}

/// Every name a table refers to is a shape of the tables, and the tables are sorted (lookups
/// search them by halves).
#[test]
fn every_shape_named_exists_and_the_tables_are_sorted() {
    assert!(SHAPES.windows(2).all(|w| w[0].name < w[1].name));
    assert!(OPERATIONS.windows(2).all(|w| w[0].name < w[1].name));
    let mut named: Vec<&str> = Vec::new();
    for s in SHAPES {
        match s.kind {
            Kind::List { member, .. } => named.push(member),
            Kind::Map { key, value, .. } => named.extend([key, value]),
            Kind::Structure { members, .. } => named.extend(members.iter().map(|m| m.shape)),
            _ => {}
        }
    }
    for o in OPERATIONS {
        named.extend(o.input.iter().chain(o.output.iter()).chain(o.errors.iter()).copied());
        assert!(o
            .errors
            .iter()
            .all(|e| matches!(shape_named(e).unwrap().kind, Kind::Structure { error: Some(_), .. })));
    }
    for n in named {
        assert!(shape_named(n).is_some(), "{n} is named but not a shape");
    }
    assert_eq!(OPERATIONS.len(), 23);
}

/// Every pattern compiles in the engine the generator chose, and only `AlarmName` needs
/// look-around.
#[test]
fn every_pattern_compiles_and_only_alarm_name_needs_lookaround() {
    let mut lookaround = Vec::new();
    for s in SHAPES {
        if let Kind::String { pattern: Some(p), .. } = s.kind {
            assert!(s.pattern_matches("").is_some(), "{}", s.name);
            if p.lookaround {
                lookaround.push(s.name);
            }
        }
    }
    assert_eq!(lookaround, ["AlarmName"]);
    let alarm = shape::alarm_name::SHAPE;
    for (name, ok) in [("a", true), (" a ", true), ("", false), ("   ", false), ("\t", false), ("cpu-high", true)] {
        assert_eq!(alarm.pattern_matches(name), Some(ok), "{name:?}");
    }
    let id = shape::maintenance_window_execution_id::SHAPE;
    assert_eq!(id.pattern_matches("0123abcd-ABCD-4ef0-89aB-cdef01234567"), Some(true));
    assert_eq!(id.pattern_matches("0123abcd-ABCD-4ef0-89aB-cdef0123456"), Some(false));
    assert_eq!(shape::next_token::SHAPE.pattern_matches("x"), None);
}

/// The generated tables of the first operation equal the constants `contract.rs` wrote by hand.
#[test]
fn the_first_operations_tables_equal_the_hand_written_contract() {
    let op = operation::describe_maintenance_window_execution_tasks::OPERATION;
    assert_eq!(op.name, "DescribeMaintenanceWindowExecutionTasks");
    assert_eq!(SERVICE.target_prefix, "AmazonSSM");
    assert_eq!(SERVICE.json_version, "1.1");
    assert_eq!(SERVICE.signing_name, "ssm");
    assert_eq!(
        operation::describe_maintenance_window_execution_tasks::TARGET,
        "AmazonSSM.DescribeMaintenanceWindowExecutionTasks"
    );
    assert_eq!(CONTENT_TYPE, "application/x-amz-json-1.1");
    assert_eq!(op.errors, ["DoesNotExistException", "InternalServerError"]);
    assert_eq!(
        op.paginator,
        Some(Paginator {
            input_token: "NextToken",
            output_token: "NextToken",
            limit_key: Some("MaxResults"),
            result_key: "WindowExecutionTaskIdentities",
        })
    );
    let input = shape_named(op.input.unwrap()).unwrap();
    let names: Vec<&str> = input.members().iter().map(|m| m.name).collect();
    assert_eq!(names, ["WindowExecutionId", "Filters", "MaxResults", "NextToken"]);
    let required: Vec<&str> = input.members().iter().filter(|m| m.required).map(|m| m.name).collect();
    assert_eq!(required, ["WindowExecutionId"]);
    let output = shape_named(op.output.unwrap()).unwrap();
    let names: Vec<&str> = output.members().iter().map(|m| m.name).collect();
    assert_eq!(names, ["WindowExecutionTaskIdentities", "NextToken"]);
    let item = shape::maintenance_window_execution_task_identity::ALL_MEMBERS;
    assert_eq!(
        item,
        [
            "WindowExecutionId",
            "TaskExecutionId",
            "Status",
            "StatusDetails",
            "StartTime",
            "EndTime",
            "TaskArn",
            "TaskType",
            "AlarmConfiguration",
            "TriggeredAlarms",
        ]
    );
    hand_written_bounds();
    hand_written_enums();
}

/// Bounds and patterns, as `contract.rs` wrote them.
fn hand_written_bounds() {
    use shape::*;
    assert_eq!((maintenance_window_execution_id::MIN, maintenance_window_execution_id::MAX), (36, 36));
    assert_eq!(
        maintenance_window_execution_id::PATTERN,
        r"^[0-9a-fA-F]{8}\-[0-9a-fA-F]{4}\-[0-9a-fA-F]{4}\-[0-9a-fA-F]{4}\-[0-9a-fA-F]{12}$"
    );
    assert_eq!(maintenance_window_execution_task_id::PATTERN, maintenance_window_execution_id::PATTERN);
    assert_eq!((maintenance_window_max_results::MIN, maintenance_window_max_results::MAX), (10, 100));
    assert_eq!((maintenance_window_filter_list::MIN, maintenance_window_filter_list::MAX), (0, 5));
    assert_eq!((maintenance_window_filter_key::MIN, maintenance_window_filter_key::MAX), (1, 128));
    assert_eq!((maintenance_window_filter_value::MIN, maintenance_window_filter_value::MAX), (1, 256));
    assert_eq!(maintenance_window_filter::ALL_MEMBERS, ["Key", "Values"]);
    assert_eq!(maintenance_window_execution_status_details::MAX, 250);
    assert_eq!((maintenance_window_task_arn::MIN, maintenance_window_task_arn::MAX), (1, 1600));
    assert_eq!((alarm_name::MIN, alarm_name::MAX), (1, 255));
    assert_eq!((alarm_list::MIN, alarm_list::MAX), (1, 1));
    assert_eq!((alarm_state_information_list::MIN, alarm_state_information_list::MAX), (1, 1));
}

/// Enums and member lists, as `contract.rs` wrote them.
fn hand_written_enums() {
    use shape::*;
    let statuses =
        ["PENDING", "IN_PROGRESS", "SUCCESS", "FAILED", "TIMED_OUT", "CANCELLING", "CANCELLED", "SKIPPED_OVERLAPPING"];
    assert_eq!(maintenance_window_execution_status::ENUM, statuses);
    assert_eq!(maintenance_window_task_type::ENUM, ["RUN_COMMAND", "AUTOMATION", "STEP_FUNCTIONS", "LAMBDA"]);
    assert_eq!(external_alarm_state::ENUM, ["UNKNOWN", "ALARM"]);
}
