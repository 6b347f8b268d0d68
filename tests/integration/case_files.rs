//! Every mistake in a case file is one line on stderr, exit 2, naming the file, line, column,
//! case and field, with a suggestion where a name is misspelt. One broken file per mistake in
//! `tests/data/bad_cases/` (hurl's `tests_error_parser`); each error line is pinned as an insta
//! snapshot.

use crate::util::ssm_conform;

#[test]
fn each_broken_case_file_is_one_clear_line() {
    insta::glob!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/bad_cases"), "*.toml", |path| {
        let name = path.file_name().unwrap().to_str().unwrap();
        let relative = format!("tests/data/bad_cases/{name}");
        let out = ssm_conform(&["run", "--cases", relative.as_str(), "--property-cases", "0"]);
        out.assert_code(2);
        let err = out.stderr();
        assert_eq!(err.lines().count(), 1, "one line:\n{}", out.text());
        insta::assert_snapshot!(err.trim_end());
    });
}
