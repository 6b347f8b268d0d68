//! Writes two files. `builtin.rs` embeds the built-in suite: every `cases/*.toml` and
//! `snapshots/*.snap` becomes a `(file name, text)` entry, so an installed binary carries its
//! cases and snapshots and never reads the working directory's folders by accident. `model.rs`
//! holds the contract's tables generated from the vendored botocore model (`build/model.rs`). A
//! build script (rather than a proc macro) because it can ask cargo to rerun when a file is added.

use std::fmt::Write as _;
use std::path::Path;

#[path = "build/model.rs"]
mod model;

fn entries(dir: &str, extension: &str) -> String {
    println!("cargo:rerun-if-changed={dir}");
    let root = Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<_> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == extension))
        .collect();
    files.sort();
    let mut out = String::new();
    for path in files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.file_name().and_then(|n| n.to_str()).expect("file names are UTF-8");
        let _ = writeln!(out, "    ({name:?}, include_str!({:?})),", path.display().to_string());
    }
    out
}

fn main() {
    let code = format!(
        "/// The built-in case files: (file name, text).\npub const CASE_FILES: &[(&str, &str)] = &[\n{}];\n\n/// The built-in accepted snapshots: (file name, text).\npub const SNAPSHOT_FILES: &[(&str, &str)] = &[\n{}];\n",
        entries("../../cases", "toml"),
        entries("../../snapshots", "snap"),
    );
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let out = Path::new(&out_dir).join("builtin.rs");
    std::fs::write(&out, code).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
    // `model.rs`: the contract's tables, from the vendored botocore model (build/model.rs).
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let tables = model::generate(&Path::new(&manifest).join("model/ssm"));
    let out = Path::new(&out_dir).join("model.rs");
    std::fs::write(&out, tables).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
}
