//! What the README tells a user to copy works: its GitHub Actions example is this repository's
//! own workflow, word for word (CI checks every workflow with actionlint, and runs none of them
//! here), and the baseline that workflow names exists and loads.

const README: &str = include_str!("../../README.md");
const WORKFLOW: &str = include_str!("../../.github/workflows/conformance.yml");

#[test]
fn the_readme_actions_example_is_the_repository_s_workflow() {
    let start =
        README.find("```yaml\n# The conformance gate").expect("the README shows the workflow") + "```yaml\n".len();
    let block = &README[start..];
    let block = &block[..block.find("```").expect("the block ends")];
    assert_eq!(block, WORKFLOW, "README.md and .github/workflows/conformance.yml differ");
    // Every file and input it names is real: the action's inputs, the baseline.
    assert!(WORKFLOW.contains("uses: ./") && WORKFLOW.contains("baseline: .github/conformance-baseline.toml"));
    let action = include_str!("../../action.yml");
    for input in ["endpoint", "execution-ids", "baseline", "report-dir"] {
        assert!(WORKFLOW.contains(&format!("\n          {input}: ")), "the workflow sets {input}");
        assert!(action.contains(&format!("\n  {input}:\n")), "action.yml has no input {input}");
    }
    assert!(action.contains("packaging/action-run.sh"), "the action runs the gate script");
    let baseline = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.github/conformance-baseline.toml"));
    ssm_conform::finding::Baseline::load(baseline).expect("the workflow's baseline loads");
    assert!(!WORKFLOW.contains("OWNER") && !WORKFLOW.contains("$EXECUTION_ID"), "no placeholder left to fill in");
}
