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
    // Every file and flag it names is real.
    assert!(WORKFLOW.contains("--baseline .github/conformance-baseline.toml"));
    let baseline = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.github/conformance-baseline.toml"));
    ssm_conform::finding::Baseline::load(baseline).expect("the workflow's baseline loads");
    assert!(!WORKFLOW.contains("OWNER") && !WORKFLOW.contains("$EXECUTION_ID"), "no placeholder left to fill in");
}
