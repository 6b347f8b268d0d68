//! The built-in suite, embedded at build time (`build.rs`): the case files of `cases/` and the
//! accepted snapshots of `snapshots/`. They are the default wherever the binary runs; a user's
//! own come only with `--cases` and `--snapshot-dir`.

include!(concat!(env!("OUT_DIR"), "/builtin.rs"));

/// The folder name the built-in case files are cited under (`cases/errors.toml:12`).
pub const CASES_DIR: &str = "cases";

/// The folder name the built-in snapshots are cited under.
pub const SNAPSHOTS_DIR: &str = "snapshots";

/// The text of built-in snapshot file `file_name` (`max-results-9.snap`), if there is one.
pub fn snapshot(file_name: &str) -> Option<&'static str> {
    SNAPSHOT_FILES.iter().find(|(n, _)| *n == file_name).map(|(_, text)| *text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_suite_is_embedded() {
        assert!(CASE_FILES.len() >= 6, "{:?}", CASE_FILES.iter().map(|(n, _)| n).collect::<Vec<_>>());
        assert!(CASE_FILES.iter().all(|(n, text)| n.ends_with(".toml") && !text.is_empty()));
        assert!(snapshot("max-results-9.snap").is_some_and(|t| t.starts_with("---")));
    }
}
