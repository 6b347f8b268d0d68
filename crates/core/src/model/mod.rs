//! The maintenance-window family of AWS's SSM service model, as tables.
//!
//! `crates/core/model/ssm/` holds the part of botocore's `service-2.json` and `paginators-1.json`
//! the family needs, from a pinned botocore release (its version and SHA-256s in `SOURCE.toml`,
//! refreshed only by `scripts/refresh-model.py`); the build script (`build/model.rs`) turns it into
//! [`SHAPES`], [`OPERATIONS`] and one module per shape ([`shape`](mod@shape)) and per operation
//! ([`operation`](mod@operation)) whose constants — `MIN`, `MAX`, `PATTERN`, `ENUM`, member names,
//! `ALL_MEMBERS`, `REQUIRED_MEMBERS`, `NAME`, `TARGET`, `ERRORS` — the contract reads. What the model cannot say
//! (filter semantics, unknown ids, EITHER rules, messages) is the contract's, written by hand per
//! operation.
//!
//! Patterns: the model's are Java regular expressions. Those without look-around are matched by
//! the `regex` crate; the one family pattern with look-around (`AlarmName`: `^(?!\s*$).+`, "not
//! blank") is matched by `fancy-regex`, which has it ([`Pattern::lookaround`] says which). A
//! pattern is searched for (`find`), not matched whole: every pattern of the family is anchored
//! where it matters, and where one is not (`DocumentVersion`), the search is the lenient reading —
//! a harness that is unsure must not fail an endpoint.

use std::sync::{LazyLock, OnceLock};

include!(concat!(env!("OUT_DIR"), "/model.rs"));

/// The service's metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Service {
    /// The `X-Amz-Target` prefix (`AmazonSSM`).
    pub target_prefix: &'static str,
    /// The awsJson version (`1.1`).
    pub json_version: &'static str,
    /// The protocol (`json`).
    pub protocol: &'static str,
    /// The SigV4 signing name (`signingName`, else `endpointPrefix`: `ssm`).
    pub signing_name: &'static str,
    /// The API version (`2014-11-06`).
    pub api_version: &'static str,
}

/// A `min`/`max` pair: lengths of strings, lists, maps and blobs, values of integers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    /// The smallest allowed, when the model says.
    pub min: Option<i64>,
    /// The largest allowed, when the model says.
    pub max: Option<i64>,
}

impl Bounds {
    /// Whether `n` lies within the bounds.
    pub fn contains(&self, n: i64) -> bool {
        self.min.is_none_or(|m| n >= m) && self.max.is_none_or(|m| n <= m)
    }
}

/// A string shape's pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pattern {
    /// The pattern, verbatim from the model (AWS quotes it so in validation messages).
    pub source: &'static str,
    /// Whether it needs look-around, which only `fancy-regex` has.
    pub lookaround: bool,
}

/// Whether a structure is an error, and whose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// A client error (`exception`).
    Client,
    /// A server fault (`exception` and `fault`).
    Server,
}

/// A member of a structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Member {
    /// Its wire name.
    pub name: &'static str,
    /// The name of its shape.
    pub shape: &'static str,
    /// Whether the structure requires it.
    pub required: bool,
}

/// What a shape is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A string, with its length bounds, pattern and enum values (empty: not an enum).
    String {
        /// Length bounds.
        length: Bounds,
        /// The pattern, if any.
        pattern: Option<Pattern>,
        /// The enum's values, in model order.
        values: &'static [&'static str],
    },
    /// A 32- or 64-bit integer with its value bounds.
    Integer {
        /// Value bounds.
        range: Bounds,
    },
    /// A boolean.
    Boolean,
    /// A timestamp (epoch seconds on awsJson).
    Timestamp,
    /// A floating-point number.
    Double,
    /// Bytes (base64 on awsJson).
    Blob {
        /// Length bounds.
        length: Bounds,
    },
    /// A list of one shape.
    List {
        /// The member shape's name.
        member: &'static str,
        /// Length bounds.
        length: Bounds,
    },
    /// A map.
    Map {
        /// The key shape's name.
        key: &'static str,
        /// The value shape's name.
        value: &'static str,
        /// Length bounds.
        length: Bounds,
    },
    /// A structure: its members in model order, and whether it is an error.
    Structure {
        /// Members, in model order.
        members: &'static [Member],
        /// `Some` for an error structure.
        error: Option<ErrorKind>,
    },
}

/// A named shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// Its name in the model.
    pub name: &'static str,
    /// What it is.
    pub kind: Kind,
}

/// An operation's paginator (`paginators-1.json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paginator {
    /// The request member that carries the token.
    pub input_token: &'static str,
    /// The response member that carries the next token.
    pub output_token: &'static str,
    /// The request member that sets the page size.
    pub limit_key: Option<&'static str>,
    /// The response member that holds the items.
    pub result_key: &'static str,
}

/// An operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// Its name (the part of `X-Amz-Target` after the prefix).
    pub name: &'static str,
    /// Its input structure's name.
    pub input: Option<&'static str>,
    /// Its output structure's name.
    pub output: Option<&'static str>,
    /// Its modelled errors' shape names.
    pub errors: &'static [&'static str],
    /// Its paginator, if it pages.
    pub paginator: Option<Paginator>,
}

/// The shape called `name`.
pub fn shape_named(name: &str) -> Option<&'static Shape> {
    SHAPES.binary_search_by(|s| s.name.cmp(name)).ok().map(|i| &SHAPES[i])
}

/// The operation called `name`.
pub fn operation_named(name: &str) -> Option<&'static Operation> {
    OPERATIONS.binary_search_by(|o| o.name.cmp(name)).ok().map(|i| &OPERATIONS[i])
}

/// A compiled pattern, in the engine it needs.
enum Matcher {
    Plain(regex::Regex),
    Lookaround(fancy_regex::Regex),
}

/// Each pattern of the model, compiled the first time it is used (in [`SHAPES`] order): some of
/// the family's patterns (`TagKey`'s Unicode classes) are megabytes compiled, and a run uses few.
static MATCHERS: LazyLock<Vec<OnceLock<Option<Matcher>>>> =
    LazyLock::new(|| SHAPES.iter().map(|_| OnceLock::new()).collect());

fn compile(shape: &Shape) -> Option<Matcher> {
    match shape.kind {
        Kind::String { pattern: Some(p), .. } if p.lookaround => {
            Some(Matcher::Lookaround(fancy_regex::Regex::new(p.source).expect("the model's patterns compile")))
        }
        Kind::String { pattern: Some(p), .. } => {
            Some(Matcher::Plain(regex::Regex::new(p.source).expect("the model's patterns compile")))
        }
        _ => None,
    }
}

impl Shape {
    /// Whether `s` satisfies this string shape's pattern (searched for, see the module's doc);
    /// `None` when the shape has no pattern.
    pub fn pattern_matches(&self, s: &str) -> Option<bool> {
        let index = SHAPES.binary_search_by(|x| x.name.cmp(self.name)).ok()?;
        match MATCHERS[index].get_or_init(|| compile(&SHAPES[index])).as_ref()? {
            Matcher::Plain(re) => Some(re.is_match(s)),
            // A search that runs out of its backtracking budget has not shown a mismatch.
            Matcher::Lookaround(re) => Some(re.is_match(s).unwrap_or(true)),
        }
    }

    /// The structure's members (empty for any other kind).
    pub fn members(&self) -> &'static [Member] {
        match self.kind {
            Kind::Structure { members, .. } => members,
            _ => &[],
        }
    }
}

#[cfg(test)]
mod tests;
