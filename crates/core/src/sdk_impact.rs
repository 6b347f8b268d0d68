//! What real SDK clients do with a deviation, as measured — never as guessed. The data is
//! `clients/sdk-impact.json`, written by `clients/impact.py` (the boto3, AWS CLI, JS v3 and Rust probes
//! against every fault and variant of the reference) and embedded here at build time; CI
//! re-measures it and fails when it drifts. A finding that recognises its deviation names it
//! (by the fault that reproduces it, e.g. `timestamps-iso`) and this module renders the sentence:
//! this is the only code in `src/` that speaks of what an SDK does.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde_json::Value;

use crate::contract::ThrottleForm;

/// Every deviation some check recognises in what an endpoint sent (by the name of the reference
/// fault that reproduces it), so that its findings carry the measured impact. A test runs each
/// fault and demands a finding that names it; another demands that `src/` names no other.
pub const RECOGNISED: [&str; 33] = [
    "content-type-json",
    "end-before-start",
    "error-content-type-json",
    "error-message-missing",
    "error-message-unread-key",
    "error-status-200",
    "error-status-500",
    "error-type-code-member",
    "error-type-header-only",
    "filter-ignored",
    "filter-values-anded",
    "garbage-token-accepted",
    "last-page-token-loops",
    "max-results-max-unchecked",
    "max-results-min-off-by-one",
    "max-results-min-unchecked",
    "not-implemented-501",
    "not-implemented-html-500",
    "pagination-drops-item",
    "pagination-duplicates-item",
    "request-id-missing",
    "status-null",
    "status-outside-enum",
    "task-arn-number",
    "task-execution-id-missing",
    "task-type-misspelt",
    "timestamps-iso",
    "timestamps-milliseconds",
    "unknown-execution-404",
    "unknown-execution-empty-200",
    "unstable-order",
    "validation-as-does-not-exist",
    "validation-first-only",
];

/// The measured data, as committed.
const DATA: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../clients/sdk-impact.json"));

/// The probed SDKs in the order reports list them.
const SDKS: [&str; 4] = ["boto3", "aws-cli", "js-v3", "rust-sdk"];

/// The data, parsed once; `Null` if it could not be read (then no finding claims anything).
static PARSED: LazyLock<Value> = LazyLock::new(|| serde_json::from_str(DATA).unwrap_or(Value::Null));

/// What one probed SDK did with a deviation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdkOutcome {
    /// The SDK and its exact version (`boto3 1.44.8`).
    pub sdk: String,
    /// What its caller saw, measured, in brief (`no difference` when nothing).
    pub summary: String,
    /// Whether the probe met the deviation at all: some answer it got differed from the faithful
    /// reference's. When not, `summary` says nothing about the SDK.
    pub met: bool,
}

/// The date the data was measured, if there is data.
pub fn measured_on() -> Option<&'static str> {
    PARSED.get("measured").and_then(Value::as_str)
}

/// The prefix of a deviation key that names a throttle form rather than a fault.
const THROTTLE_FORM_KEY: &str = "throttle-form:";

/// The keys of the throttle forms, made once so that a finding can hold one as `&'static str`.
static THROTTLE_FORM_KEYS: LazyLock<HashMap<ThrottleForm, String>> =
    LazyLock::new(|| ThrottleForm::ALL.iter().map(|f| (*f, format!("{THROTTLE_FORM_KEY}{}", f.name()))).collect());

/// The deviation key of a throttle spelt as `form`: its measured data says whether each SDK
/// retries that form (`clients/impact.py` serves every form with `serve --throttle-once`).
pub fn throttle_form(form: ThrottleForm) -> &'static str {
    THROTTLE_FORM_KEYS.get(&form).map_or(THROTTLE_FORM_KEY, String::as_str)
}

/// The outcome of each probed SDK for `deviation` (a fault name, or a [`throttle_form`] key),
/// or `None` when it was not measured.
pub fn of(deviation: &str) -> Option<Vec<SdkOutcome>> {
    let row = match deviation.strip_prefix(THROTTLE_FORM_KEY) {
        Some(form) => PARSED.get("throttle_forms")?.get(form)?,
        None => PARSED.get("targets")?.get(format!("fault:{deviation}"))?,
    };
    let versions = PARSED.get("sdks")?;
    let outcomes = SDKS
        .iter()
        .filter_map(|sdk| {
            let cell = row.get(sdk)?;
            let summary = cell.get("brief")?.as_str()?.to_owned();
            let met = cell.get("met")?.as_bool()?;
            let version = versions.get(sdk).and_then(Value::as_str).unwrap_or("?");
            Some(SdkOutcome { sdk: format!("{sdk} {version}"), summary, met })
        })
        .collect::<Vec<_>>();
    (!outcomes.is_empty()).then_some(outcomes)
}

/// The sentence a finding carries for `deviation`: each SDK's measured outcome, or that no probed
/// SDK notices it, or that no probe met it (then nothing is known, and the sentence says so);
/// empty when the deviation was not measured.
pub fn sentence(deviation: &str) -> String {
    let Some(outcomes) = of(deviation) else { return String::new() };
    let met: Vec<&SdkOutcome> = outcomes.iter().filter(|o| o.met).collect();
    let unmet = outcomes.iter().filter(|o| !o.met).map(|o| o.sdk.as_str()).collect::<Vec<_>>().join(", ");
    if met.is_empty() {
        return format!("SDK impact not measured: no probe's scenario meets this deviation ({unmet})");
    }
    let unmet = if unmet.is_empty() { String::new() } else { format!("; not met by the probes of {unmet}") };
    if met.iter().all(|o| o.summary == "no difference") {
        let sdks = met.iter().map(|o| o.sdk.as_str()).collect::<Vec<_>>().join(", ");
        return format!("measured: no SDK probed notices this ({sdks}); raw HTTP clients do{unmet}");
    }
    let each = met.iter().map(|o| format!("{}: {}", o.sdk, o.summary)).collect::<Vec<_>>().join("; ");
    format!("measured: {each}{unmet}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_data_reads_and_renders() {
        assert!(measured_on().is_some(), "clients/sdk-impact.json did not parse");
        let loops = sentence("last-page-token-loops");
        assert!(loops.starts_with("measured: boto3 "), "{loops}");
        assert!(loops.contains("js-v3 ") && loops.contains("loops"), "{loops}");
        assert_eq!(sentence("no-such-fault"), "");
    }

    #[test]
    fn a_throttle_form_quotes_which_sdks_retry_it() {
        for form in ThrottleForm::ALL {
            let outcomes = of(throttle_form(*form)).unwrap_or_else(|| panic!("{form} not measured"));
            assert_eq!(outcomes.len(), SDKS.len(), "{form}");
            assert!(outcomes.iter().all(|o| o.summary.contains("retr")), "{form}: {outcomes:?}");
        }
        let ssm = sentence(throttle_form(ThrottleForm::Ssm));
        assert!(ssm.starts_with("measured: boto3 ") && !ssm.contains("does not retry"), "{ssm}");
        let header_only = sentence(throttle_form(ThrottleForm::HeaderOnly));
        assert!(header_only.contains("does not retry it"), "{header_only}");
    }

    #[test]
    fn a_deviation_no_probe_met_claims_nothing_about_any_sdk() {
        // The probes' scenario never sends more than ten filters: the answers they got from this
        // fault were the faithful ones, byte for byte.
        let unmet = sentence("filters-max-unchecked");
        assert!(unmet.starts_with("SDK impact not measured"), "{unmet}");
        assert!(!unmet.contains("notices"), "{unmet}");
        let quiet = sentence("request-id-missing");
        assert!(quiet.starts_with("measured: no SDK probed notices this (boto3 "), "{quiet}");
        // boto3 and the CLI stop an invalid id before sending it; JS v3 and Rust send it.
        let partly = sentence("id-pattern-unchecked");
        assert!(partly.contains("js-v3 ") && partly.contains("not met by the probes of boto3 "), "{partly}");
    }
}
