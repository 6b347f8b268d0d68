//! The oracle's checks: each a small pure function over requests and responses, named by a
//! stable [`CheckId`]. No I/O here; the runner gathers the responses and the snapshot files.
//!
//! Every exchange, whatever its source (a case file, a relation's walk, a generated request, a
//! fuzz input, proxied traffic), goes through [`always_on`]; a case's own expectation goes
//! through [`expectation::check_case`]; relations over many exchanges go through
//! [`pagination`] and [`filters`].
//!
//! ## Adding a check
//! 1. The rule is in `docs/contract.md` (MUST or STRICT; an EITHER rule is never a check, see
//!    below), and any number or name it needs is a constant in `contract.rs`.
//! 2. A line in the catalogue of `check_id.rs`: its stable name, description and family.
//! 3. A small pure function here that returns `Finding`s carrying that id: in the module of its
//!    kind (`error_shape`, `response_shape`, `protocol`), and called from [`always_on`] if it
//!    runs on every exchange (add it to `ALWAYS_ON` in `check/observe.rs` with what it needs to
//!    have seen), or from a case expectation or relation if it needs a particular request.
//! 4. A fault in `reference/fault.rs` that makes exactly that deviation (for output-only faults, a
//!    small function in `reference/deform.rs`), and a case in `cases/` that observes it if no
//!    relation or always-on check does.
//! 5. `cargo test`: the fault table proves the fault trips the check and the reference passes.
//!
//! ## Adding an EITHER rule
//! 1. A line in `contract::EitherRule`; the checks and the oracle accept every alternative.
//! 2. A field of `reference::Choices` with the reference's default, and a variant in
//!    `reference/variant.rs` that sets each other alternative; the variants test proves that each
//!    passes the whole suite strictly and answers differently somewhere.
//! 3. Where the choice is visible on the wire, `observe` (or a relation) records it for the reports.

pub mod attribution;
pub mod equivalence;
pub mod error_shape;
pub mod executions;
pub mod expectation;
pub mod filters;
pub mod implemented;
pub mod model_output;
mod observe;
pub mod pagination;
pub mod precondition;
pub mod protocol;
pub mod response_shape;
pub mod snapshot;
pub mod throttle;

pub use crate::check_id::{CheckFamily, CheckId};
pub use observe::{observe, Observation, Observations};

use serde_json::Value;

use crate::finding::{Chosen, Finding};
use crate::oracle::Verdict;
use crate::request::WireRequest;
use crate::response::{Received, WireResponse};
use crate::source::Case;

/// Options that change what the checks demand.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CheckOptions {
    /// Compare validation messages to AWS's wording exactly (STRICT rules).
    pub strict_messages: bool,
}

/// The checks every exchange goes through, whatever its source: the protocol (request id,
/// content type), the error shape of errors, and the shape of successes. `request_body` is the
/// request's body as JSON (`None`: not JSON).
pub fn always_on(request_body: Option<&Value>, resp: &Received) -> Vec<Finding> {
    let page_req = response_shape::PageRequest::of(request_body);
    let mut findings = protocol::check_protocol(resp);
    findings.extend(error_shape::check_error_response(resp));
    let success = response_shape::check_success(&page_req, resp);
    // A page answered to an invalid request (`MaxResults` 101) is the input rule's deviation,
    // found by the request's own case; its size says nothing more.
    let invalid = request_body.is_some_and(crate::oracle::breaks_input_rules);
    findings.extend(success.into_iter().filter(|f| !(invalid && f.check == CheckId::PageSize)));
    findings
}

/// Every finding on one exchange judged against `case`'s expectation: the expectation's own
/// (under the check whose rule broke first, see [`judge_case`]) and the always-on checks'.
/// Generated and fuzzed exchanges are judged this way.
/// Each body is parsed once, whatever number of checks read it.
pub fn judge_exchange(case: &Case, req: &WireRequest, resp: &WireResponse, opts: CheckOptions) -> Vec<Finding> {
    let (request_body, resp) = (req.json_body(), Received::new(resp));
    let mut findings = judge_case(case, request_body.as_ref(), &resp, None, opts).findings;
    findings.extend(always_on(request_body.as_ref(), &resp));
    findings
}

/// A case judged by its own expectation on one answer (see [`judge_case`]).
#[derive(Debug, Clone, Default)]
pub struct CaseJudgement {
    /// The expectation's findings, under the check whose rule broke first.
    pub findings: Vec<Finding>,
    /// The check whose rule the answer broke first when it is not the case's own: the case
    /// could not be evaluated, and is reported as blocked by it.
    pub blocked_by: Option<CheckId>,
    /// The alternative the answer chose, for a case that is an EITHER rule.
    pub chose: Option<Chosen>,
}

/// The one case judge of every driver (the runner's cases, the proxy's and the replay's
/// exchanges, generated and fuzzed requests), without the always-on checks (each driver runs
/// those once per exchange): the case's own expectation, its findings moved to the rule the
/// answer broke first when that is not the case's own. `oracle` is what the oracle expects of
/// the request (it says what rule the request tests); it is not read for a case that changes
/// its headers, since the oracle reads bodies only.
pub fn judge_case(
    case: &Case,
    request_body: Option<&Value>,
    resp: &Received,
    oracle: Option<&Verdict>,
    opts: CheckOptions,
) -> CaseJudgement {
    let (findings, chose) = expectation::check_case(case, request_body, resp, opts);
    let oracle = oracle.filter(|_| case.request.headers.is_empty());
    match precondition::blocked_by(case, resp, oracle).filter(|_| !findings.is_empty()) {
        Some(root) => CaseJudgement { findings: attribute(case, findings, root), blocked_by: Some(root), chose },
        None => CaseJudgement { findings, blocked_by: None, chose },
    }
}

/// A case's findings when its own check could not be evaluated: those it made under its own
/// check move to `root`, the check whose rule the answer broke first, and say so.
pub fn attribute(case: &Case, findings: Vec<Finding>, root: CheckId) -> Vec<Finding> {
    findings
        .into_iter()
        .map(|mut f| {
            if f.check == case.check {
                f.check = root;
                f.actual = format!("{} (so {} could not be evaluated)", f.actual, case.check);
            }
            f
        })
        .collect()
}
