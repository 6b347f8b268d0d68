//! `run --record DIR` and `run --replay DIR`: a recording of the faithful reference replayed
//! against the reference is clean; against each variant it gives only informational differences
//! (the contract accepts either answer); against each fault it fails, naming the fault's check —
//! from a recording of the variant that makes the fault observable where the faithful
//! reference's recording cannot meet it (listed with why). A recording keeps no secret.

use std::collections::BTreeSet;
use std::net::{Ipv4Addr, SocketAddr};

use ssm_conform::check::{CheckId, CheckOptions};
use ssm_conform::finding::{Outcome, RunReport};
use ssm_conform::replay::{self, Recording};
use ssm_conform::response::looks_throttled;
use ssm_conform::runner;
use ssm_conform::server::{self, Fault, Habits, Reference, Variant};
use ssm_conform::transport::record::{Recorded, Recorder};
use ssm_conform::transport::{Client, ClientConfig};

/// Faults a replay of the faithful reference's recording cannot meet, and why: each is replayed
/// from a recording of the variant that makes it observable instead.
const OTHER_RECORDING: &[(Fault, Variant, &str)] = &[(
    Fault::IdCaseIgnoresFilters,
    Variant::IdsCaseInsensitive,
    "the reference refuses a known id in another letter case (an EITHER), so its recording holds no filtered walk with one",
)];

/// Generated requests in the recording: with seed 1, enough to hold filters with 8 to 11 values
/// (the 119th request is the first), which only generated requests send and
/// `drops-many-filter-values` needs.
const GENERATED: u32 = 150;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
}

fn failing(report: &RunReport) -> BTreeSet<CheckId> {
    let units = report.results.iter().filter(|r| matches!(r.outcome, Outcome::Failed(_) | Outcome::Blocked(_)));
    units.flat_map(|r| r.outcome.findings().iter().map(|f| f.check)).collect()
}

/// The suite's run against `reference`, with `generated` generated requests, recorded into `dir`
/// and read back.
async fn record(dir: &std::path::Path, reference: Reference, generated: u32) -> Recording {
    let ids: Vec<String> = reference.executions().iter().map(|e| e.window_execution_id.clone()).collect();
    let server = server::spawn(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), reference).await.unwrap();
    let recorder = Recorder::default();
    let config = ClientConfig { recorder: Some(recorder.clone()), ..ClientConfig::default() };
    let client = Client::new(&server.url(), config).unwrap();
    let plan = crate::util::suite_plan(ids, CheckOptions::default(), generated);
    runner::run(&client, &plan).await.unwrap();
    server.stop().await;
    recorder.write(dir, "reference").unwrap();
    replay::load(dir).unwrap()
}

/// The recording replayed against `reference`.
async fn replayed(units: &Recording, reference: Reference, strict: bool) -> RunReport {
    let server = server::spawn(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), reference).await.unwrap();
    let client = Client::new(&server.url(), ClientConfig::default()).unwrap();
    let report = replay::replay(&client, units, &[], CheckOptions { strict_messages: strict }).await.unwrap();
    server.stop().await;
    report
}

#[test]
fn a_recording_replayed_finds_every_fault_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let rt = runtime();
    let faithful = rt.block_on(record(&dir.path().join("faithful"), Reference::new(None), GENERATED));
    let others: Vec<(Variant, Recording)> = OTHER_RECORDING
        .iter()
        .map(|&(_, v, _)| (v, rt.block_on(record(&dir.path().join(v.name()), Reference::with_variant(v), GENERATED))))
        .collect();
    let recording_for = |fault: Fault| {
        let variant = OTHER_RECORDING.iter().find(|(f, _, _)| *f == fault).map(|(_, v, _)| *v);
        variant.and_then(|v| others.iter().find(|(o, _)| *o == v)).map_or(&faithful, |(_, units)| units)
    };
    let mut targets: Vec<(String, Reference, Option<Fault>, &Recording)> =
        vec![("faithful".to_owned(), Reference::new(None), None, &faithful)];
    targets.extend(Variant::ALL.iter().map(|&v| (format!("variant {v}"), Reference::with_variant(v), None, &faithful)));
    // The other recordings replayed against the faithful reference: nothing fails either.
    targets.extend(
        others.iter().map(|(v, units)| (format!("faithful, {v}'s recording"), Reference::new(None), None, units)),
    );
    targets
        .extend(Fault::ALL.iter().map(|&f| (format!("fault {f}"), Reference::new(Some(f)), Some(f), recording_for(f))));
    let problems = crate::util::problems(targets, |(name, reference, fault, units)| async move {
        let strict = fault.is_some_and(|f| f.strict_only());
        let report = replayed(units, reference, strict).await;
        let failed = failing(&report);
        let fault = match fault {
            None if failed.is_empty() => return None,
            None => return Some(format!("{name}: the replay reports {failed:?}")),
            Some(f) => f,
        };
        (!failed.contains(&fault.check()))
            .then(|| format!("{name}: the replay fails {failed:?}, not {}", fault.check()))
    });
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A recording of an endpoint that breaks the contract is no truth to hold another to: each
/// fault's recording replayed against the faithful reference fails nothing (the replay judges the
/// recording first, and uses one that breaks the contract for its requests only).
#[test]
fn a_faulty_recording_fails_nothing_on_the_faithful_reference() {
    let dir = tempfile::tempdir().unwrap();
    let problems = crate::util::problems(Fault::ALL.iter().copied(), |fault| {
        let path = dir.path().join(fault.name());
        async move {
            let units = record(&path, Reference::new(Some(fault)), 20).await;
            let failed = failing(&replayed(&units, Reference::new(None), false).await);
            (!failed.is_empty())
                .then(|| format!("fault {fault}'s recording against the faithful reference: {failed:?}"))
        }
    });
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A recording taken through throttling and transient errors keeps the answers that were judged
/// (a throttle is never the truth), notes the retries, and replays clean against the reference.
#[test]
fn a_recording_taken_through_throttling_replays_clean() {
    let dir = tempfile::tempdir().unwrap();
    let rt = runtime();
    let habits = Habits { transient_every: Some(15), ..Variant::Throttling.choices().habits };
    let units = rt.block_on(record(dir.path(), Reference::new(None).with_habits(habits), 300));
    let exchanges: Vec<&Recorded> = units.units.iter().flat_map(|u| &u.exchanges).collect();
    let throttles = exchanges.iter().filter(|e| e.response.as_ref().is_ok_and(looks_throttled)).count();
    assert_eq!(throttles, 0, "a throttle was kept as an answer");
    let five_hundreds = exchanges.iter().filter(|e| e.response.as_ref().is_ok_and(|r| r.status == 500)).count();
    assert_eq!(five_hundreds, 0, "a transient 500 was kept as an answer");
    let noted = exchanges.iter().filter(|e| e.note.is_some()).count();
    assert!(noted > 0, "no exchange notes its retries");
    let failed = failing(&rt.block_on(replayed(&units, Reference::new(None), true)));
    assert!(failed.is_empty(), "the recording through throttling, replayed: {failed:?}");
}

#[test]
fn a_recording_keeps_no_secret_and_a_broken_one_is_one_line() {
    let server = crate::util::reference(None);
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("rec");
    let out = crate::util::TestCommand::new()
        .env("AWS_ACCESS_KEY_ID", "AKIASSMCONFORMSECRET1")
        .env("AWS_SECRET_ACCESS_KEY", "ssm-conform-test-secret-value")
        .env("AWS_SESSION_TOKEN", "ssm-conform-test-session-token")
        .args(["run", "--endpoint", &server.url, "--sign", "--property-cases", "20", "--record", rec.to_str().unwrap()])
        .args(crate::util::fixture_id_args())
        .run();
    out.assert_code(0);
    let mut files = 0;
    for entry in std::fs::read_dir(&rec).unwrap() {
        let path = entry.unwrap().path();
        let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        for secret in ["AKIASSMCONFORMSECRET1", "ssm-conform-test-secret-value", "ssm-conform-test-session-token"] {
            assert!(!text.contains(secret), "a recording holds {secret}");
        }
        if path.extension().is_some_and(|x| x == "http") {
            assert!(text.contains("authorization: [redacted]"), "{}", crate::util::excerpt(&text));
            files += 1;
        } else {
            // The executions the run held to exist, one per line.
            assert_eq!(path.file_name().unwrap(), "execution-ids.txt");
            let given: Vec<String> =
                crate::util::fixture_id_args().into_iter().filter(|a| !a.starts_with("--")).collect();
            assert_eq!(text.lines().collect::<Vec<_>>(), given);
        }
    }
    assert!(files > 100, "{files} files");
    // Replayed through the command line against the reference: clean.
    let out = crate::util::TestCommand::new()
        .args(["run", "--endpoint", &server.url, "--replay", rec.to_str().unwrap()])
        .run();
    out.assert_code(0);
    assert!(out.stdout().contains("note: replayed "), "{}", out.text());
    // Mapped onto ids this endpoint does not know: its data is another's; one line, exit 2.
    let unknown = ["--execution-id", "00000000-0000-4000-8000-000000000000"];
    let out = crate::util::TestCommand::new()
        .args(["run", "--endpoint", &server.url, "--replay", rec.to_str().unwrap()])
        .args(unknown)
        .run();
    out.assert_code(2);
    assert!(out.stderr().contains("this endpoint knows none of the executions the recording holds"), "{}", out.text());
    // A broken file: one line naming it, exit 2.
    let broken = dir.path().join("broken");
    std::fs::create_dir(&broken).unwrap();
    std::fs::write(
        broken.join("001-x.http"),
        "# ssm-conform recording · unit x · endpoint e\n### request 1 · t\nPOST / HTTP/1.1\n",
    )
    .unwrap();
    let out = crate::util::TestCommand::new()
        .args(["run", "--endpoint", &server.url, "--replay", broken.to_str().unwrap()])
        .run();
    out.assert_code(2);
    assert!(out.stderr().contains("001-x.http:3: the file ends inside a message's headers"), "{}", out.text());
}
