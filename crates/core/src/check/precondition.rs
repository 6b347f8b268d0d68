//! One deviation reads as one problem, under the check it breaks. A case is written to look at
//! one thing (its check), and it needs the answer to be of a certain kind to look at it: an
//! error with a readable type, at the right status, with a message. When the answer breaks one of
//! those preconditions, the case's own check cannot be evaluated, and the failure belongs to the
//! check whose rule was broken: `error-type` when `__type` is missing, `error-status` when the
//! type is right but the status is not, `error-message` when a validation message is missing,
//! or the oracle's rule for the request (a well-formed unknown id answered 200 breaks
//! `unknown-execution`, not the `error-type` case that wanted an error to inspect).

use crate::check_id::CheckId;
use crate::contract::error_type;
use crate::oracle::Verdict;
use crate::response::Received;
use crate::source::{Case, ErrorExpectation};

/// The check whose rule the answer broke before `case`'s own check could be evaluated, if any.
/// `oracle` is what the contract expects of the case's request, where the oracle can say it
/// (requests without header overrides).
pub fn blocked_by(case: &Case, resp: &Received, oracle: Option<&Verdict>) -> Option<CheckId> {
    let exp = &case.expect;
    let shape = resp.error_shape();
    let own = |check: CheckId| (check != case.check).then_some(check);
    let status_ok = exp.status.as_ref().is_none_or(|s| s.accepts(resp.status));
    if exp.error.is_some() && shape.resolved_type.is_none() && (resp.status >= 400 || shape.code_member.is_some()) {
        return own(CheckId::ErrorType);
    }
    if !status_ok {
        // The very client error the case wanted, at another status: the status rule broke.
        let wanted_client_error = match (&exp.error, &shape.resolved_type) {
            (Some(ErrorExpectation::AnyOf(types)), Some(t)) => {
                types.contains(t) && error_type::CLIENT.contains(&t.as_str())
            }
            _ => false,
        };
        if wanted_client_error {
            return own(CheckId::ErrorStatus);
        }
        // An error was wanted to look at and a success came: the rule that makes this request an
        // error is broken, and the oracle names it. (A success wanted and an error come is the
        // case's own finding: the error is what its check looks at.)
        let verdict = oracle?;
        let wanted_error = exp.status.as_ref().is_some_and(|s| !s.accepts(200));
        let oracle_wants_error = verdict.expect.status.as_ref().is_some_and(|s| !s.accepts(200));
        let success = (200..300).contains(&resp.status);
        return (wanted_error && oracle_wants_error && success).then_some(verdict.check).and_then(own);
    }
    // The error the case wanted, without the message whose items it reads.
    let type_ok = match (&exp.error, &shape.resolved_type) {
        (Some(e), Some(t)) => e.accepts(t),
        (None, _) => true,
        (Some(_), None) => false,
    };
    if !exp.violations.is_empty() && resp.status >= 300 && type_ok && shape.message.is_none() {
        return own(CheckId::ErrorMessage);
    }
    None
}
