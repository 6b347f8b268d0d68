//! winterbaume-ssm through `ssm_conform::Suite`, as an emulator's own Rust test would check it:
//! the same run as `check.sh` (seed 1, the seeded ids), with the committed baseline, so the test
//! fails on any finding the baseline does not list and on any entry that no longer occurs.
//!
//!     cargo test --release --manifest-path targets/winterbaume/Cargo.toml

use ssm_conform_winterbaume::Adapter;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn winterbaume_has_no_finding_beyond_its_baseline() {
    let adapter = Adapter::start(0).await.expect("the adapter starts");
    let baseline = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("baseline.toml");
    let report = ssm_conform::Suite::against(adapter.url.as_str())
        .execution_ids(adapter.execution_ids())
        .seed(1)
        .baseline(&baseline)
        .run()
        .await
        .expect("the suite runs against winterbaume");
    report.assert_conformant();
    let stale = report.stale_baseline_entries();
    assert!(stale.is_empty(), "baseline entries that no longer occur (winterbaume fixed them?): {stale:?}");
    // The baseline is not empty: winterbaume deviates, and the suite saw it.
    assert!(report.tally().accepted > 0, "{:?}", report.tally());
}
