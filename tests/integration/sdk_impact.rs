//! The SDK impact data (`clients/sdk-impact.json`, measured by `clients/impact.py`) covers every
//! fault and variant of the reference, and no sentence about what an SDK does is written by hand
//! anywhere in either crate's source but the module that renders the data.

use ssm_conform::sdk_impact::RECOGNISED;
use ssm_conform::server::{Fault, Variant};

const DATA: &str = include_str!("../../clients/sdk-impact.json");

#[test]
fn every_fault_and_variant_has_a_measured_row() {
    let data: serde_json::Value = serde_json::from_str(DATA).expect("clients/sdk-impact.json is JSON");
    let targets = data["targets"].as_object().expect("a targets object");
    let wanted: Vec<String> = Fault::ALL
        .iter()
        .map(|f| format!("fault:{f}"))
        .chain(Variant::ALL.iter().map(|v| format!("variant:{v}")))
        .collect();
    let missing: Vec<&String> = wanted.iter().filter(|t| !targets.contains_key(*t)).collect();
    assert!(missing.is_empty(), "not measured (run clients/impact.py --write, see clients/README.md): {missing:?}");
    let stale: Vec<&String> = targets.keys().filter(|t| !wanted.contains(t)).collect();
    assert!(stale.is_empty(), "rows for faults or variants that no longer exist: {stale:?}");
    for (target, row) in targets {
        for sdk in ["boto3", "aws-cli", "js-v3", "rust-sdk"] {
            assert!(row[sdk]["brief"].is_string(), "{target} has no {sdk} outcome");
        }
    }
}

#[test]
fn no_sdk_claim_is_written_by_hand_in_src() {
    // A claim in a user-facing string ("boto3 raises …", "SDKs would …", "a paginator would …")
    // must come from the measured data, rendered by sdk_impact.rs (in the core crate) alone.
    let claim =
        regex::Regex::new(r#""[^"\n]*\b(SDKs?|boto3?|botocore|paginators? would|Rust SDK|JS SDK)\b[^"\n]*""#).unwrap();
    let mut found = Vec::new();
    let mut dirs = crate::util::source_roots().to_vec();
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") || path.ends_with("sdk_impact.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            for (n, line) in code.lines().enumerate() {
                let trimmed = line.trim_start();
                if trimmed.starts_with("//") {
                    continue;
                }
                // The label of the rendered data's column is not a claim.
                if claim.is_match(&line.replace("SDK impact", "")) {
                    found.push(format!("{}:{}: {}", path.display(), n + 1, trimmed));
                }
            }
        }
    }
    assert!(found.is_empty(), "hand-written SDK claims:\n{}", found.join("\n"));
}

#[test]
fn src_names_only_recognised_deviations_and_each_is_a_fault() {
    let faults: Vec<String> = Fault::ALL.iter().map(|f| f.to_string()).collect();
    let unknown: Vec<&&str> = RECOGNISED.iter().filter(|d| !faults.iter().any(|f| f == *d)).collect();
    assert!(unknown.is_empty(), "recognised deviations that are no fault of the reference: {unknown:?}");
    // A fault's name in the checks, the runner or the findings is a finding's deviation; it must
    // be listed, so that a test proves a run against that fault yields it.
    let literal = regex::Regex::new(r#""([a-z0-9]+(?:-[a-z0-9]+)+)""#).unwrap();
    let mut unlisted = Vec::new();
    let files: Vec<_> = ["check", "runner", "finding"].into_iter().flat_map(crate::util::module_files).collect();
    {
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            for name in literal.captures_iter(code).map(|c| c[1].to_owned()) {
                if faults.contains(&name) && !RECOGNISED.contains(&name.as_str()) {
                    unlisted.push(format!("{}: {name}", path.display()));
                }
            }
        }
    }
    assert!(unlisted.is_empty(), "deviations named in src/ but not in sdk_impact::RECOGNISED: {unlisted:?}");
}
