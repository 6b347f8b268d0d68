//! The layout stays easy to change: the import graph of both crates' sources (their `crate::` and
//! `ssm_conform_core::` paths) between top-level modules has no cycle and no import that points up
//! a floor, the core crate depends on no HTTP stack or async runtime (the compiler then keeps
//! it pure), and no function is longer than 80 lines. The floors read like the data's path,
//! leaves first.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each top-level module's floor: a module may import only modules on its own floor or below.
/// Floors 0 to 6 up to `reference` are the core crate (`crates/core`); `transport` and above are
/// `ssm-conform`'s (`src/`), which names the core's modules through its re-exports.
const FLOORS: &[(&str, u8)] = &[
    ("catalogue", 0),
    ("rng", 0),
    ("exit", 0),
    ("clock", 0),
    ("builtin", 0),
    ("model", 0),
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
    ("reference", 6),
    ("transport", 5),
    ("server", 6),
    ("walk", 6),
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

/// The source of every file below either crate's `src/` (path relative to that `src/`), without
/// its test module.
fn sources() -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for src in crate::util::source_roots() {
        let mut files = Vec::new();
        crate::util::rust_files(&src, &mut files);
        files.sort();
        out.extend(files.into_iter().map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap_or("").to_owned();
            (p.strip_prefix(&src).unwrap().to_owned(), code)
        }));
    }
    out
}

/// The top-level module a file belongs to (`runner/cases.rs` → `runner`); `None` for the crate
/// roots.
fn module_of(path: &Path) -> Option<String> {
    let first = path.components().next()?.as_os_str().to_str()?.trim_end_matches(".rs").to_owned();
    (first != "lib" && first != "main").then_some(first)
}

/// `#[macro_export]` macros (which live at their crate's root) → the module that defines them.
fn exported_macros(sources: &[(PathBuf, String)]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (path, code) in sources {
        let Some(module) = module_of(path) else { continue };
        for (i, _) in code.match_indices("#[macro_export]") {
            let after = &code[i..];
            if let Some(at) = after.find("macro_rules!") {
                let name: String =
                    after[at + 12..].trim_start().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                out.insert(name, module.clone());
            }
        }
    }
    out
}

/// Top-level module → the top-level modules its `crate::` paths name.
fn import_graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let sources = sources();
    let macros = exported_macros(&sources);
    for (path, code) in sources {
        let Some(from) = module_of(&path) else { continue };
        let edges = graph.entry(from.clone()).or_default();
        for prefix in ["crate::", "ssm_conform_core::"] {
            for (i, _) in code.match_indices(prefix) {
                // `ssm_conform_crate::` is not `crate::`.
                if prefix == "crate::" && code[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                let at = i + prefix.len();
                let to: String = code[at..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                let to = macros.get(&to).cloned().unwrap_or(to);
                if !to.is_empty() && to != from {
                    edges.insert(to);
                }
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
    if let Some(cycle) = find_cycle(&graph) {
        panic!("import cycle: {}", cycle.join(" -> "));
    }
}

/// A cycle of `graph` (its nodes in order, the first repeated last), if it has one.
fn find_cycle<N: Ord + Clone + std::fmt::Display>(graph: &BTreeMap<N, BTreeSet<N>>) -> Option<Vec<String>> {
    fn visit<N: Ord + Clone + std::fmt::Display>(
        n: &N,
        graph: &BTreeMap<N, BTreeSet<N>>,
        stack: &mut Vec<N>,
        done: &mut BTreeSet<N>,
    ) -> Option<Vec<String>> {
        if let Some(i) = stack.iter().position(|s| s == n) {
            return Some(stack[i..].iter().chain([n]).map(ToString::to_string).collect());
        }
        if !done.insert(n.clone()) {
            return None;
        }
        stack.push(n.clone());
        let found = graph.get(n).into_iter().flatten().find_map(|t| visit(t, graph, stack, done));
        stack.pop();
        found
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|n| visit(n, graph, &mut Vec::new(), &mut done))
}

/// Leaf file (`runner/walker.rs`, not a `mod.rs`) → the leaf files of the same crate it imports:
/// a sibling through `super::`, any through `crate::module::file`. A module's `mod.rs` and its
/// files import each other by design (it declares them, they use its items), so only leaves are
/// nodes here.
fn file_graph() -> BTreeMap<PathBuf, BTreeSet<PathBuf>> {
    let sibling = regex::Regex::new(r"super::(?:\{([^}]*)\}|(\w+))").unwrap();
    let absolute = regex::Regex::new(r"crate::(\w+)::(\w+)").unwrap();
    let mut graph = BTreeMap::new();
    for src in crate::util::source_roots() {
        let mut files = Vec::new();
        crate::util::rust_files(&src, &mut files);
        for file in files.iter().filter(|f| !f.ends_with("mod.rs")) {
            let text = std::fs::read_to_string(file).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap_or("");
            let dir = file.parent().unwrap();
            let mut to = BTreeSet::new();
            for c in sibling.captures_iter(code) {
                let names: Vec<&str> = match (c.get(1), c.get(2)) {
                    (Some(group), _) => {
                        group.as_str().split(',').map(|n| n.trim().split("::").next().unwrap_or("")).collect()
                    }
                    (_, Some(one)) => vec![one.as_str()],
                    _ => Vec::new(),
                };
                to.extend(names.into_iter().map(|n| dir.join(format!("{n}.rs"))).filter(|p| p.is_file()));
            }
            for c in absolute.captures_iter(code) {
                let leaf = src.join(&c[1]).join(format!("{}.rs", &c[2]));
                if leaf.is_file() {
                    to.insert(leaf);
                }
            }
            to.remove(file);
            graph.insert(file.clone(), to);
        }
    }
    graph
}

#[test]
fn no_two_files_import_each_other_round_a_cycle() {
    let graph = file_graph();
    assert!(graph.len() > 50, "only {} files found", graph.len());
    let graph: BTreeMap<String, BTreeSet<String>> = graph
        .into_iter()
        .map(|(f, to)| (f.display().to_string(), to.iter().map(|t| t.display().to_string()).collect()))
        .collect();
    if let Some(cycle) = find_cycle(&graph) {
        panic!("file import cycle: {}", cycle.join(" -> "));
    }
}

#[test]
fn the_core_crate_depends_on_no_http_stack_or_async_runtime() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = std::process::Command::new(cargo)
        .args(["tree", "--offline", "-p", "ssm-conform-core", "-e", "normal", "--prefix", "none", "--format", "{p}"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    assert!(out.status.success(), "cargo tree failed: {}", String::from_utf8_lossy(&out.stderr));
    let tree = String::from_utf8(out.stdout).unwrap();
    assert!(tree.lines().any(|l| l.starts_with("ssm-conform-core ")), "cargo tree listed no core crate:\n{tree}");
    let impure: Vec<&str> = tree
        .lines()
        .filter(|l| {
            ["hyper", "reqwest", "axum", "tokio", "mio", "async-std"].iter().any(|n| l.starts_with(&format!("{n} ")))
        })
        .collect();
    assert!(impure.is_empty(), "ssm-conform-core depends on an HTTP stack or async runtime: {impure:?}");
}

/// `code` with the contents of its comments and of its string, byte-string, raw-string and char
/// literals replaced by spaces (line breaks kept), so that only the code's own braces are counted.
fn blank_literals(code: &str) -> String {
    let c: Vec<char> = code.chars().collect();
    let mut out = String::with_capacity(code.len());
    let blank = |out: &mut String, ch: char| out.push(if ch == '\n' { '\n' } else { ' ' });
    let mut i = 0;
    while i < c.len() {
        let at = |i: usize, k: usize| c.get(i + k).copied();
        if c[i] == '/' && at(i, 1) == Some('/') {
            while i < c.len() && c[i] != '\n' {
                i += 1;
                out.push(' ');
            }
        } else if c[i] == '/' && at(i, 1) == Some('*') {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && at(i, 1) == Some('*') {
                    depth += 1;
                } else if c[i] == '*' && at(i, 1) == Some('/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                    continue;
                }
                blank(&mut out, c[i]);
                i += 1;
            }
        } else if c[i] == 'r'
            && (at(i, 1) == Some('"') || at(i, 1) == Some('#'))
            && !c[..i].last().is_some_and(|p| p.is_alphanumeric() || *p == '_')
        {
            // A raw string: r"…" or r#…#"…"#…#.
            let hashes = c[i + 1..].iter().take_while(|&&h| h == '#').count();
            if c.get(i + 1 + hashes) != Some(&'"') {
                out.push(c[i]);
                i += 1;
                continue;
            }
            let close: String = std::iter::once('"').chain(std::iter::repeat_n('#', hashes)).collect();
            let body_start = i + 2 + hashes;
            let text: String = c[body_start..].iter().collect();
            let len = text.find(&close).map_or(c.len() - body_start, |n| text[..n].chars().count());
            out.push_str(&" ".repeat(2 + hashes));
            c[body_start..body_start + len].iter().for_each(|&ch| blank(&mut out, ch));
            out.push_str(&" ".repeat(close.len()));
            i = body_start + len + close.len();
        } else if c[i] == '"' {
            out.push(' ');
            i += 1;
            while i < c.len() && c[i] != '"' {
                let step = if c[i] == '\\' { 2 } else { 1 };
                c[i..(i + step).min(c.len())].iter().for_each(|&ch| blank(&mut out, ch));
                i += step;
            }
            out.push(' ');
            i += 1;
        } else if c[i] == '\'' && (at(i, 2) == Some('\'') || at(i, 1) == Some('\\')) {
            // A char literal ('{', '\n', '\u{7b}'); a lifetime ('a) has no closing quote.
            let len = if at(i, 1) == Some('\\') {
                c[i + 3..].iter().position(|&q| q == '\'').map_or(1, |n| n + 4)
            } else {
                3
            };
            out.push_str(&" ".repeat(len));
            i += len;
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

/// The functions of `code` longer than the limit, counted from the `fn` line to the line where
/// its braces close (braces in comments and literals are not counted).
fn long_functions(path: &Path, code: &str) -> Vec<String> {
    let blanked = blank_literals(code);
    let lines: Vec<&str> = blanked.lines().collect();
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
fn braces_in_literals_and_comments_are_not_counted() {
    let code = "fn f() {\n    let open = '{';\n    let quote = '\\'';\n    let brace = '\\u{7b}';\n    let s = \"{{\"; // {\n    let r = r#\"{\"#;\n    let l: &'static str = \"\";\n}\nfn g() {}\n";
    let blanked = blank_literals(code);
    assert_eq!(blanked.matches('{').count(), 2, "{blanked}");
    assert_eq!(blanked.matches('}').count(), 2, "{blanked}");
    assert_eq!(blanked.lines().count(), code.lines().count());
    assert!(blanked.contains("fn g() {}"));
}

#[test]
fn no_function_is_longer_than_80_lines() {
    let long: Vec<String> = sources().iter().flat_map(|(p, code)| long_functions(p, code)).collect();
    assert!(long.is_empty(), "functions over {MAX_FUNCTION_LINES} lines:\n{}", long.join("\n"));
}
