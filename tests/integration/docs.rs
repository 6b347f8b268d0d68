//! What the README and the docs tell a user to copy works: the user guide's GitHub Actions example
//! is this repository's own workflow, word for word (CI checks every workflow with actionlint, and
//! runs none of them here), and the baseline that workflow names exists and loads; the numbers
//! they state are the binary's; every link in them resolves.

use std::path::{Path, PathBuf};

const README: &str = include_str!("../../README.md");
const GUIDE: &str = include_str!("../../docs/user-guide.md");
const EMULATORS: &str = include_str!("../../docs/emulators.md");
const WORKFLOW: &str = include_str!("../../.github/workflows/conformance.yml");

#[test]
fn the_guide_s_actions_example_is_the_repository_s_workflow() {
    let start =
        GUIDE.find("```yaml\n# The conformance gate").expect("the user guide shows the workflow") + "```yaml\n".len();
    let block = &GUIDE[start..];
    let block = &block[..block.find("```").expect("the block ends")];
    assert_eq!(block, WORKFLOW, "docs/user-guide.md and .github/workflows/conformance.yml differ");
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

/// The numbers the README and the docs state are the binary's: the fault catalogue's size, and
/// the moto example's counts (the reference's `not-implemented-html-500` answers as moto does).
#[test]
fn the_docs_numbers_are_the_binary_s() {
    use ssm_conform::server::Fault;
    let faults = Fault::ALL.len();
    for (name, text) in [("README.md", README), ("docs/user-guide.md", GUIDE)] {
        assert!(text.contains(&format!("Each of the {faults} faults ")), "{name} does not say {faults} faults");
    }
    let server = crate::util::reference(Some(Fault::NotImplementedHtml500));
    let out = crate::util::ssm_conform(&["run", "--endpoint", &server.url]);
    let text = out.stdout();
    let skipped = text.lines().find(|l| l.starts_with("skipped ")).expect("a skipped line");
    let last = text.lines().last().expect("a last line");
    let example = EMULATORS.find("## Against moto").expect("the moto example");
    let example = &EMULATORS[example..];
    assert!(example.contains(&format!("\n{skipped}\n")), "the moto example lacks {skipped:?}");
    assert!(example.contains(&format!("\n{last}\n")), "the moto example lacks {last:?}");
}

/// The Markdown files the README and docs/ consist of.
fn documents() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = vec![root.join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    out.extend(docs);
    out
}

/// The text outside fenced code blocks, with its line breaks.
fn outside_fences(text: &str) -> String {
    let mut fenced = false;
    let mut out = String::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        } else if !fenced {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// The text outside code blocks and code spans (a link in a code example is not a link), with
/// its line breaks.
fn prose(text: &str) -> String {
    let mut in_code = false;
    outside_fences(text)
        .chars()
        .filter(|&c| {
            if c == '`' {
                in_code = !in_code;
            }
            c == '\n' || (c != '`' && !in_code)
        })
        .collect()
}

/// The anchors GitHub gives a Markdown file's headings: lower case, punctuation but `-` and `_`
/// dropped, spaces as `-`, a repeated heading numbered.
fn anchors(text: &str) -> Vec<String> {
    let (mut out, mut seen): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
    for line in outside_fences(text).lines() {
        let Some(heading) = line.strip_prefix('#') else { continue };
        let heading = heading.trim_start_matches('#');
        if !heading.starts_with(' ') {
            continue;
        }
        let slug: String = heading
            .trim()
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_' || *c == ' ')
            .map(|c| if c == ' ' { '-' } else { c })
            .collect();
        let n = seen.iter().filter(|s| **s == slug).count();
        out.push(if n == 0 { slug.clone() } else { format!("{slug}-{n}") });
        seen.push(slug);
    }
    out
}

/// Every `[text](target)` link of a text, with its line.
fn links(text: &str) -> Vec<(usize, String)> {
    let link = regex::Regex::new(r"\]\(([^)\s]+)\)").unwrap();
    prose(text)
        .lines()
        .enumerate()
        .flat_map(|(n, line)| link.captures_iter(line).map(move |c| (n + 1, c[1].to_owned())).collect::<Vec<_>>())
        .collect()
}

#[test]
fn every_link_in_the_readme_and_the_docs_resolves() {
    let mut broken = Vec::new();
    let mut checked = 0;
    for doc in documents() {
        let text = std::fs::read_to_string(&doc).unwrap();
        for (line, target) in links(&text) {
            if target.starts_with("http://") || target.starts_with("https://") || target.starts_with("mailto:") {
                continue; // no network in tests: only links inside the repository are checked
            }
            checked += 1;
            let (path, anchor) = target.split_once('#').unwrap_or((&target, ""));
            let file = if path.is_empty() { doc.clone() } else { doc.parent().unwrap().join(path) };
            let at = format!("{}:{line}: {target}", doc.display());
            if !file.exists() {
                broken.push(format!("{at}: no such file"));
            } else if !anchor.is_empty() && file.extension().is_some_and(|e| e == "md") {
                let headings = anchors(&std::fs::read_to_string(&file).unwrap());
                if !headings.iter().any(|h| h == anchor) {
                    broken.push(format!("{at}: no heading with that anchor"));
                }
            }
        }
    }
    assert!(checked > 20, "only {checked} links found: is the link pattern still right?");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn the_link_check_sees_a_broken_link_and_anchors_as_github_writes_them() {
    let text = "# The guide\n## Grading traffic (`proxy`)\n## Output\n## Output format\n## Output\n";
    assert_eq!(anchors(text), ["the-guide", "grading-traffic-proxy", "output", "output-format", "output-1"]);
    let found = links("see [a](docs/x.md#y) and `[b](c)`\n```\n[in](code.md)\n```\n");
    assert_eq!(found, [(1, "docs/x.md#y".to_owned())]);
}

#[test]
fn the_readme_stays_a_front_page() {
    let lines = README.lines().count();
    assert!(lines <= 250, "README.md has {lines} lines: move detail into docs/ (at most 250)");
}
