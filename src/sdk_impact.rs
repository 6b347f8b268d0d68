//! What real SDK clients do with a deviation, as measured — never as guessed. The data is
//! `clients/sdk-impact.json`, written by `clients/impact.py` (the boto3, AWS CLI, JS v3 and Rust probes
//! against every fault and variant of the reference) and embedded here at build time; CI
//! re-measures it and fails when it drifts. A finding that recognises its deviation names it
//! (by the fault that reproduces it, e.g. `timestamps-iso`) and this module renders the sentence:
//! this is the only code in `src/` that speaks of what an SDK does.

use std::sync::LazyLock;

use serde_json::Value;

/// The measured data, as committed.
const DATA: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/clients/sdk-impact.json"));

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
}

/// The date the data was measured, if there is data.
pub fn measured_on() -> Option<&'static str> {
    PARSED.get("measured").and_then(Value::as_str)
}

/// The outcome of each probed SDK for `deviation` (a fault name), or `None` when it was not
/// measured.
pub fn of(deviation: &str) -> Option<Vec<SdkOutcome>> {
    let row = PARSED.get("targets")?.get(format!("fault:{deviation}"))?;
    let versions = PARSED.get("sdks")?;
    let outcomes = SDKS
        .iter()
        .filter_map(|sdk| {
            let summary = row.get(sdk)?.get("brief")?.as_str()?.to_owned();
            let version = versions.get(sdk).and_then(Value::as_str).unwrap_or("?");
            Some(SdkOutcome { sdk: format!("{sdk} {version}"), summary })
        })
        .collect::<Vec<_>>();
    (!outcomes.is_empty()).then_some(outcomes)
}

/// The sentence a finding carries for `deviation`: each SDK's measured outcome, or that no probed
/// SDK notices it; empty when the deviation was not measured.
pub fn sentence(deviation: &str) -> String {
    let Some(outcomes) = of(deviation) else { return String::new() };
    let noticed: Vec<&SdkOutcome> = outcomes.iter().filter(|o| o.summary != "no difference").collect();
    let sdks = outcomes.iter().map(|o| o.sdk.as_str()).collect::<Vec<_>>().join(", ");
    if noticed.is_empty() {
        return format!("measured: no SDK probed notices this ({sdks}); raw HTTP clients do");
    }
    let each = outcomes.iter().map(|o| format!("{}: {}", o.sdk, o.summary)).collect::<Vec<_>>().join("; ");
    format!("measured: {each}")
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
}
