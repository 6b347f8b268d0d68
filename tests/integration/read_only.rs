//! Against the real service the harness sends read operations only (contract §8): every
//! `X-Amz-Target` it can send — the built-in cases', and every request of runs with every flag
//! that changes what is sent (discovery, generated requests, recording, replaying, faults that
//! make it retry) — names a read operation of SSM (`Describe*`, `Get*`, `List*`) or no
//! operation at all (the deliberately unknown targets).

use std::sync::{Arc, Mutex};

use ssm_conform::contract::{real_service, TARGET_PREFIX};
use ssm_conform::server::{Fault, Reference};
use ssm_conform::source::builtin_cases;

use crate::util::{fixture_id_args, reference_behind, ssm_conform, TestServer};

/// The deliberately unknown operation names of the built-in cases: no SSM operation has them.
const NO_SUCH_OPERATIONS: [&str; 3] =
    ["NoSuchOperation", "DescribeMaintenanceWindowExecutionTask", "DescribeMaintenanceWindowExecutionTasksV2"];

/// Whether `target` could make SSM do anything but read: an `AmazonSSM.` operation that is not
/// a read and not one of the deliberately unknown names. (Another prefix or no prefix names no
/// SSM operation: SSM answers it `UnknownOperationException`.)
fn may_write(target: &str) -> bool {
    let Some(op) = target.strip_prefix(&format!("{TARGET_PREFIX}.")) else { return false };
    let read = real_service::READ_PREFIXES.iter().any(|p| op.starts_with(p));
    !read && !NO_SUCH_OPERATIONS.contains(&op)
}

/// The reference behind a recorder of every `X-Amz-Target` it is sent.
fn recording_reference(reference: Reference, seen: Arc<Mutex<Vec<String>>>) -> TestServer {
    reference_behind(reference, move |headers| {
        let target = headers.get("x-amz-target").map_or("(none)", |v| v.to_str().unwrap_or("(not text)"));
        seen.lock().unwrap().push(target.to_owned());
        async {}
    })
}

#[test]
fn the_judge_of_targets_tells_reads_from_writes() {
    assert!(may_write("AmazonSSM.DeleteMaintenanceWindow"));
    assert!(may_write("AmazonSSM.SendCommand"));
    assert!(!may_write("AmazonSSM.DescribeMaintenanceWindowExecutionTasks"));
    assert!(!may_write("AmazonSSM.NoSuchOperation"));
    assert!(!may_write("AmazonEC2.TerminateInstances"), "not an SSM operation: SSM cannot run it");
}

#[test]
fn every_built_in_case_targets_a_read_or_no_operation() {
    for case in builtin_cases().unwrap() {
        for (k, v) in &case.request.headers {
            assert!(
                !(k.eq_ignore_ascii_case("x-amz-target") && may_write(v)),
                "case {} sends X-Amz-Target {v}",
                case.name
            );
        }
    }
}

#[test]
fn every_request_of_every_kind_of_run_targets_a_read_or_no_operation() {
    let ids = fixture_id_args();
    let dir = tempfile::tempdir().unwrap();
    let recording = dir.path().join("recording");
    let recording = recording.to_str().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let runs: Vec<(Option<Fault>, Vec<&str>)> = vec![
        (None, ids.iter().map(String::as_str).collect()),
        (None, vec!["--discover", "--property-cases", "3000", "--seed", "3"]),
        (None, vec!["--record", recording, "--property-cases", "200"]),
        (None, vec!["--replay", recording]),
        // Answers a retry sends again (transient 5xx), and shrinking's requests.
        (Some(Fault::WrongType500), vec!["--seed", "5", "--property-cases", "300"]),
    ];
    for (fault, flags) in runs {
        let server = recording_reference(Reference::new(fault), seen.clone());
        let mut args = vec!["run", "--endpoint", server.url.as_str()];
        args.extend(flags.iter().copied());
        let out = ssm_conform(&args);
        assert!(matches!(out.status.code(), Some(0 | 1)), "{flags:?}:\n{}", out.text());
    }
    let seen = seen.lock().unwrap();
    assert!(seen.len() > 5_000, "the runs sent {} requests", seen.len());
    let writes: std::collections::BTreeSet<&String> = seen.iter().filter(|t| may_write(t)).collect();
    assert!(writes.is_empty(), "targets that may write: {writes:?}");
    let distinct: std::collections::BTreeSet<&String> = seen.iter().collect();
    assert!(distinct.iter().any(|t| t.ends_with(".DescribeMaintenanceWindows")), "discovery ran: {distinct:?}");
}
