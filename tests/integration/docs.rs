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

/// The numbers the README states are the binary's: the fault catalogue's size, and the moto
/// example's counts (the reference's `not-implemented-html-500` answers as moto does).
#[test]
fn the_readme_s_numbers_are_the_binary_s() {
    use ssm_conform::server::Fault;
    let faults = Fault::ALL.len();
    assert!(README.contains(&format!("Each of the {faults} faults ")), "README.md does not say {faults} faults");
    let server = crate::util::reference(Some(Fault::NotImplementedHtml500));
    let out = crate::util::ssm_conform(&["run", "--endpoint", &server.url]);
    let text = out.stdout();
    let skipped = text.lines().find(|l| l.starts_with("skipped ")).expect("a skipped line");
    let last = text.lines().last().expect("a last line");
    let example = README.find("### Against moto").expect("the moto example");
    let example = &README[example..];
    assert!(example.contains(&format!("\n{skipped}\n")), "the moto example lacks {skipped:?}");
    assert!(example.contains(&format!("\n{last}\n")), "the moto example lacks {last:?}");
}
