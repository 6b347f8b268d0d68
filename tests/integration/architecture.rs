//! The layout stays easy to change: the import graph of `src/` (its `crate::` paths) between
//! top-level modules has no cycle and no import that points up a floor, and no function is
//! longer than 80 lines. The floors read like the data's path, leaves first.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each top-level module's floor: a module may import only modules on its own floor or below.
const FLOORS: &[(&str, u8)] = &[
    ("catalogue", 0),
    ("rng", 0),
    ("exit", 0),
    ("clock", 0),
    ("builtin", 0),
    ("contract", 1),
    ("check_id", 1),
    ("sdk_impact", 1),
    ("source", 2),
    ("response", 2),
    ("request", 3),
    ("oracle", 4),
    ("finding", 4),
    ("repro", 4),
    ("check", 5),
    ("transport", 5),
    ("server", 6),
    ("runner", 7),
    ("report", 7),
    ("proxy", 7),
    ("replay", 7),
    ("cli", 8),
    ("suite", 8),
    ("app", 9),
];

/// The most lines a function in `src/` may have.
const MAX_FUNCTION_LINES: usize = 80;

/// The source of every file below `src/` (path relative to `src/`), without its test module.
fn sources() -> Vec<(PathBuf, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    crate::util::rust_files(&src, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap_or("").to_owned();
            (p.strip_prefix(&src).unwrap().to_owned(), code)
        })
        .collect()
}

/// The top-level module a file belongs to (`runner/cases.rs` → `runner`); `None` for the crate
/// roots.
fn module_of(path: &Path) -> Option<String> {
    let first = path.components().next()?.as_os_str().to_str()?.trim_end_matches(".rs").to_owned();
    (first != "lib" && first != "main").then_some(first)
}

/// Top-level module → the top-level modules its `crate::` paths name.
fn import_graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (path, code) in sources() {
        let Some(from) = module_of(&path) else { continue };
        let edges = graph.entry(from.clone()).or_default();
        for (i, _) in code.match_indices("crate::") {
            let to: String = code[i + 7..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if !to.is_empty() && to != from {
                edges.insert(to);
            }
        }
    }
    graph
}

#[test]
fn the_import_graph_has_no_cycle_and_points_only_down() {
    let graph = import_graph();
    let floors: BTreeMap<&str, u8> = FLOORS.iter().copied().collect();
    let mut upward = Vec::new();
    for (from, targets) in &graph {
        let own = *floors.get(from.as_str()).unwrap_or_else(|| panic!("module {from} has no floor in FLOORS"));
        for to in targets {
            let floor = *floors.get(to.as_str()).unwrap_or_else(|| panic!("module {to} has no floor in FLOORS"));
            if floor > own {
                upward.push(format!("{from} (floor {own}) imports {to} (floor {floor})"));
            }
        }
    }
    assert!(upward.is_empty(), "imports that point up a floor:\n{}", upward.join("\n"));
    // With every edge pointing down or level, a cycle can only stay on one floor.
    fn visit(
        n: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) {
        if let Some(i) = stack.iter().position(|s| s == n) {
            panic!("import cycle: {} -> {n}", stack[i..].join(" -> "));
        }
        if !done.insert(n.to_owned()) {
            return;
        }
        stack.push(n.to_owned());
        for t in graph.get(n).into_iter().flatten() {
            visit(t, graph, stack, done);
        }
        stack.pop();
    }
    let mut done = BTreeSet::new();
    for n in graph.keys() {
        visit(n, &graph, &mut Vec::new(), &mut done);
    }
}

/// The functions of `code` longer than the limit, counted from the `fn` line to the line where
/// its braces close (as the before-stop hook counts them).
fn long_functions(path: &Path, code: &str) -> Vec<String> {
    let lines: Vec<&str> = code.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim_start();
        let is_fn = [
            "fn ",
            "pub fn ",
            "pub(crate) fn ",
            "pub(super) fn ",
            "async fn ",
            "pub async fn ",
            "const fn ",
            "pub const fn ",
        ]
        .iter()
        .any(|p| line.starts_with(p));
        if is_fn && !lines[i].trim_end().ends_with(';') {
            let (start, mut depth, mut opened) = (i, 0i64, false);
            while i < lines.len() {
                depth += lines[i].matches('{').count() as i64 - lines[i].matches('}').count() as i64;
                opened |= lines[i].contains('{');
                if opened && depth <= 0 {
                    break;
                }
                i += 1;
            }
            let n = i - start + 1;
            if n > MAX_FUNCTION_LINES {
                out.push(format!("{}:{} ({n} lines): {}", path.display(), start + 1, line));
            }
        }
        i += 1;
    }
    out
}

#[test]
fn no_function_is_longer_than_80_lines() {
    let long: Vec<String> = sources().iter().flat_map(|(p, code)| long_functions(p, code)).collect();
    assert!(long.is_empty(), "functions over {MAX_FUNCTION_LINES} lines:\n{}", long.join("\n"));
}
