//! What can be wrong in a case file (hurl's `parser/error.rs`): each mistake is a kind, all of
//! their wording is in one `match`, and a misspelt field name, check id or status gets the
//! closest known one as a suggestion. A [`CaseFileError`] places its kind in the file: path,
//! line, column, case and field, printed on one line.

use std::fmt::{self, Write as _};
use std::path::PathBuf;

use crate::catalogue::{did_you_mean, UnknownName};
use crate::contract;

/// A mistake in a case file, located as precisely as the parser allows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct CaseFileError {
    /// The file.
    pub path: PathBuf,
    /// 1-based line, 0 when the error concerns the whole file.
    pub line: usize,
    /// 1-based column, 0 when unknown.
    pub col: usize,
    /// The case the error is in, when known.
    pub case: Option<String>,
    /// The field the error is in (`expect.status`), when known.
    pub field: Option<String>,
    /// What is wrong (boxed: errors travel far, and this keeps them small).
    pub kind: Box<CaseFileErrorKind>,
}

/// What is wrong, with the input that causes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseFileErrorKind {
    /// The file cannot be read (missing, a directory, no permission).
    Read(String),
    /// TOML syntax, or a value of the wrong type, as the parser words it.
    Toml(String),
    /// `[case]` (one table) where cases are `[[case]]` (an array of tables).
    SingleCaseTable,
    /// A field that case files do not have (`stauts = 200`).
    UnknownField {
        /// The field written.
        found: String,
        /// The fields allowed there.
        expected: Vec<String>,
    },
    /// A check id that is not in the catalogue.
    UnknownCheck(UnknownName),
    /// An EITHER rule name that is not in the contract's catalogue.
    UnknownEitherRule(UnknownName),
    /// `name = ""`.
    EmptyName,
    /// A name used by an earlier case (`first` says where).
    DuplicateName {
        /// Where the name was first used.
        first: String,
    },
    /// Neither the case nor the file gives a check id.
    NoCheck,
    /// `json` that is not JSON once placeholders are filled in.
    InvalidJson(String),
    /// Both `json` and `body`.
    BothBodies,
    /// Neither `json` nor `body`.
    NoRequest,
    /// No `[case.expect]` table.
    NoExpect,
    /// A `{{placeholder}}` that does not exist or is malformed.
    Placeholder(String),
    /// `snapshot` that is neither a boolean nor a plain file name.
    BadSnapshot(String),
    /// No `expect.status`.
    MissingStatus,
    /// `expect.status` of another form (found).
    BadStatus(String),
    /// A status outside 100..=599 (found).
    BadStatusCode(String),
    /// `expect.error` of another form (found).
    BadErrorType(String),
    /// A violation whose path has no such constraint in the contract.
    NoConstraint {
        /// The path.
        path: String,
        /// The constraint kind.
        constraint: String,
    },
    /// An `item_status_in` value that is not a status.
    UnknownStatus(String),
    /// `items_min` above `items_max`.
    ItemsRange {
        /// `items_min`.
        min: usize,
        /// `items_max`.
        max: usize,
    },
}

impl fmt::Display for CaseFileErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use CaseFileErrorKind as K;
        match self {
            K::Read(e) => write!(f, "cannot read: {e}"),
            K::Toml(message) => f.write_str(message),
            K::SingleCaseTable => f.write_str(
                "`[case]` makes a single table, but cases are an array of tables: write `[[case]]` before each case (and `[case.expect]` under it)",
            ),
            K::UnknownField { found, expected } => {
                write!(f, "unknown field `{found}`")?;
                if let Some(s) = did_you_mean(found, expected.iter().map(String::as_str)) {
                    write!(f, "; did you mean `{s}`?")?;
                }
                match expected.as_slice() {
                    [] => f.write_str(" (this table has no fields)"),
                    list => write!(
                        f,
                        " (expected one of {})",
                        list.iter().map(|e| format!("`{e}`")).collect::<Vec<_>>().join(", ")
                    ),
                }
            }
            K::UnknownCheck(unknown) | K::UnknownEitherRule(unknown) => write!(f, "{unknown}"),
            K::EmptyName => f.write_str("a case needs a non-empty name"),
            K::DuplicateName { first } => write!(f, "duplicate case name (first {first})"),
            K::NoCheck => f.write_str("no check id: give `check = \"...\"` in the case or at the top of the file"),
            K::InvalidJson(e) => write!(f, "not valid JSON ({e}); use `body` for a deliberately malformed body"),
            K::BothBodies => f.write_str("give `json` or `body`, not both"),
            K::NoRequest => f.write_str("a case needs a request: `json = '{...}'` or `body = '...'`"),
            K::NoExpect => f.write_str("a case needs an `[case.expect]` table"),
            K::Placeholder(message) => f.write_str(message),
            K::BadSnapshot(found) => {
                write!(f, "expected true or a file name of letters, digits, - and _, found {found}")
            }
            K::MissingStatus => f.write_str("missing: give a status (200), a list ([400, 404]) or \"4xx\""),
            K::BadStatus(found) => write!(f, "expected 200, [400, 404] or \"4xx\", found {found}"),
            K::BadStatusCode(found) => write!(f, "expected an integer 100..=599, found {found}"),
            K::BadErrorType(found) => write!(f, "expected an error type, a list of them, or \"*\", found {found}"),
            K::NoConstraint { path, constraint } => write!(
                f,
                "path {path:?} has no constraint {constraint:?} in the contract (kinds: {})",
                contract::CONSTRAINT_KINDS
            ),
            K::UnknownStatus(found) => {
                write!(f, "{found:?} is not a status")?;
                if let Some(s) = did_you_mean(found, contract::STATUSES) {
                    write!(f, "; did you mean {s:?}?")?;
                }
                write!(f, " (known: {})", contract::STATUSES.join(", "))
            }
            K::ItemsRange { min, max } => write!(f, "items_min {min} is above items_max {max}"),
        }
    }
}

impl CaseFileErrorKind {
    /// The kind of a parser message: serde's "unknown field" becomes [`UnknownField`]
    /// (with a suggestion); names of our private types become what a person writes.
    ///
    /// [`UnknownField`]: CaseFileErrorKind::UnknownField
    pub fn from_parser(message: &str) -> CaseFileErrorKind {
        let message = message.trim().replace('\n', " ");
        if let Some(rest) = message.strip_prefix("unknown field `") {
            // The key is the file's text and may hold backticks itself: the list of expected
            // fields (ours, plain names) follows the last "`, expected " or "`, there are no fields".
            let end = rest.rfind("`, expected ").or_else(|| rest.rfind("`, there are no fields"));
            if let Some(end) = end {
                let (found, tail) = rest.split_at(end);
                let expected = tail[1..].split('`').skip(1).step_by(2).map(str::to_owned).collect();
                return CaseFileErrorKind::UnknownField { found: found.to_owned(), expected };
            }
        }
        // serde names our private structs and Rust's types; say what a person writes instead.
        let message = message
            .replace("struct RawExpect", "a table ([case.expect])")
            .replace("struct RawCase", "a table ([[case]])")
            .replace("struct RawViolation", "a table ({ path = ..., constraint = ... })")
            .replace("struct RawFile", "a case file")
            .replace("expected usize", "expected a whole number, 0 or more")
            .replace("expected u16", "expected a whole number")
            .replace("expected i64", "expected a whole number")
            .replace("expected a sequence", "expected a list [...]")
            .replace("expected a map", "expected a table");
        CaseFileErrorKind::Toml(message)
    }
}

impl fmt::Display for CaseFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
            if self.col > 0 {
                write!(f, ":{}", self.col)?;
            }
        }
        f.write_str(": ")?;
        let mut rest = String::new();
        if let Some(case) = &self.case {
            let _ = write!(rest, "case {case:?}: ");
        }
        if let Some(field) = &self.field {
            let _ = write!(rest, "{field}: ");
        }
        let _ = write!(rest, "{}", self.kind);
        // One line, whatever the file holds: a key or value quoted from it may carry a carriage
        // return or another control character.
        for c in rest.chars() {
            match c {
                c if c.is_control() => write!(f, "{}", c.escape_default())?,
                c => f.write_char(c)?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_fields_are_read_from_the_parser_and_get_a_suggestion() {
        let kind =
            CaseFileErrorKind::from_parser("unknown field `stauts`, expected one of `status`, `error`, `violations`");
        assert_eq!(
            kind.to_string(),
            "unknown field `stauts`; did you mean `status`? (expected one of `status`, `error`, `violations`)"
        );
        let kind = CaseFileErrorKind::from_parser("unknown field `x`, expected `path`");
        assert_eq!(kind.to_string(), "unknown field `x` (expected one of `path`)");
        let kind = CaseFileErrorKind::from_parser("invalid value: integer `-1`, expected usize");
        assert_eq!(kind.to_string(), "invalid value: integer `-1`, expected a whole number, 0 or more");
    }
}
