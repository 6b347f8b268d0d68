//! The case AST: one request and what the answer must be. Plain data, no I/O, no HTTP.

use std::fmt;
use std::path::PathBuf;

use crate::check_id::CheckId;
use crate::contract::Constraint;

/// Where a case came from; findings and repro lines cite it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A declarative case file, at the line of its `[[case]]` header.
    File {
        /// The case file.
        path: PathBuf,
        /// 1-based line of the case's header.
        line: usize,
    },
    /// A check built into the harness (relations that walk pages).
    Builtin,
    /// A property-generated request.
    Generated {
        /// The run's seed (`--seed` replays it).
        seed: u64,
    },
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::File { path, line } => write!(f, "{}:{line}", path.display()),
            Origin::Builtin => f.write_str("builtin"),
            Origin::Generated { seed } => write!(f, "generated, seed {seed}"),
        }
    }
}

/// A declarative case.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// Unique name within the run (kebab-case by convention).
    pub name: String,
    /// The check this case exercises; its findings carry this id.
    pub check: CheckId,
    /// Why the case exists, for people reading reports.
    pub description: Option<String>,
    /// Where the case was written.
    pub origin: Origin,
    /// What to send.
    pub request: RequestSpec,
    /// What must come back.
    pub expect: Expectation,
    /// The snapshot the response is compared with (`snapshots/<name>.snap`), if any.
    pub snapshot: Option<String>,
}

/// The request of a case, before placeholders are resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestSpec {
    /// The body template.
    pub body: BodyTemplate,
    /// Header overrides (name, value); an empty value removes the header.
    pub headers: Vec<(String, String)>,
}

/// A body template; `{{...}}` placeholders are resolved when the request is built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyTemplate {
    /// JSON text; it must be valid JSON once placeholders are resolved.
    Json(String),
    /// Bytes sent as written (for malformed bodies).
    Raw(String),
}

impl BodyTemplate {
    /// The template text.
    pub fn text(&self) -> &str {
        match self {
            BodyTemplate::Json(s) | BodyTemplate::Raw(s) => s,
        }
    }
}

/// The accepted HTTP statuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusExpectation {
    /// Any of these (more than one means the contract says EITHER).
    AnyOf(Vec<u16>),
    /// Any 4xx client error.
    ClientError,
}

impl StatusExpectation {
    /// The same expectation that also accepts HTTP 400 (where the contract says EITHER a 400).
    pub fn or_400(self) -> StatusExpectation {
        match self {
            StatusExpectation::AnyOf(mut list) => {
                if !list.contains(&400) {
                    list.push(400);
                }
                StatusExpectation::AnyOf(list)
            }
            any_4xx @ StatusExpectation::ClientError => any_4xx,
        }
    }

    /// Whether `status` is accepted.
    pub fn accepts(&self, status: u16) -> bool {
        match self {
            StatusExpectation::AnyOf(list) => list.contains(&status),
            StatusExpectation::ClientError => (400..500).contains(&status),
        }
    }
}

impl fmt::Display for StatusExpectation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StatusExpectation::AnyOf(list) => {
                let names: Vec<String> = list.iter().map(u16::to_string).collect();
                f.write_str(&names.join(" or "))
            }
            StatusExpectation::ClientError => f.write_str("a 4xx client error"),
        }
    }
}

/// The accepted error types, checked when the response is an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorExpectation {
    /// Any of these resolved `__type` values (more than one means EITHER).
    AnyOf(Vec<String>),
    /// Any `__type`, as long as there is one.
    Any,
}

impl ErrorExpectation {
    /// Whether the resolved type `ty` is accepted.
    pub fn accepts(&self, ty: &str) -> bool {
        match self {
            ErrorExpectation::AnyOf(list) => list.iter().any(|t| t == ty),
            ErrorExpectation::Any => true,
        }
    }
}

impl fmt::Display for ErrorExpectation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorExpectation::AnyOf(list) => f.write_str(&list.join(" or ")),
            ErrorExpectation::Any => f.write_str("any error type"),
        }
    }
}

/// A violated constraint the validation message must name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViolationSpec {
    /// The member path, e.g. `filters.1.member.key`.
    pub path: String,
    /// The constraint, with the bound the contract gives for that path.
    pub constraint: Constraint,
}

/// What the answer must be.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Expectation {
    /// Accepted statuses; `None` means any status below 500.
    pub status: Option<StatusExpectation>,
    /// Accepted error types for an error response; `None` means not checked.
    pub error: Option<ErrorExpectation>,
    /// Constraints the validation message must name (paths: MUST; wording: STRICT).
    pub violations: Vec<ViolationSpec>,
    /// Substrings the error message must contain.
    pub message_contains: Vec<String>,
    /// On success: the fewest items the page may hold.
    pub items_min: Option<usize>,
    /// On success: the most items the page may hold.
    pub items_max: Option<usize>,
    /// On success: every item's `Status` is one of these.
    pub item_status_in: Option<Vec<String>>,
    /// The contract's EITHER rule whose alternatives the accepted statuses or error types are:
    /// the one the endpoint chose is reported under it (the JSON report's `choices`).
    pub either: Option<crate::contract::EitherRule>,
}
