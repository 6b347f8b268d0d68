//! The JSON report: every unit with its findings, request, response and repro.

use serde_json::{json, Value};

use super::RunContext;
use crate::finding::{CaseResult, Deviation, Exchange, Finding, Outcome, RunSummary, Severity};

fn finding(f: &Finding) -> Value {
    json!({
        "check": f.check.name(),
        "family": f.check.family().name(),
        "severity": match f.severity { Severity::Error => "error", Severity::Warning => "warning" },
        "expected": f.expected,
        "actual": f.actual,
        "detail": f.detail,
        "sdk_impact": f.deviation.and_then(|d| {
            let outcomes = crate::sdk_impact::of(d)?;
            Some(json!({
                "deviation": d,
                "measured": crate::sdk_impact::measured_on(),
                "outcomes": outcomes.iter().map(|o| json!({"sdk": o.sdk, "met": o.met, "outcome": o.summary})).collect::<Vec<_>>(),
            }))
        }),
    })
}

fn deviation(d: &Deviation) -> Value {
    json!({
        "id": d.id(),
        "title": d.title(),
        // Where the contract (docs/contract.md) states the rule.
        "rule": d.rule(),
        "severity": match d.severity { Severity::Error => "error", Severity::Warning => "warning" },
        "accepted": d.accepted,
        "checks": d.checks.iter().map(|(c, n)| (c.name().to_owned(), json!(n))).collect::<serde_json::Map<_, _>>(),
        "units": d.units,
        "findings": d.findings,
        "example": finding(&d.example),
        "kinds": d.kinds,
        "sdk_impact": d.sdk_impact(),
        "repro": d.repro,
    })
}

fn exchange(e: &Exchange) -> Value {
    let headers = |h: &[(String, String)]| -> Value { h.iter().map(|(k, v)| json!([k, v])).collect() };
    let response = match &e.response {
        Ok(r) => json!({
            "status": r.status,
            "headers": headers(&r.headers),
            "body": String::from_utf8_lossy(&r.body),
        }),
        Err(why) => json!({ "error": why }),
    };
    json!({
        "request": {
            "method": e.request.method,
            "path": e.request.path,
            "headers": headers(&e.request.headers),
            "body": String::from_utf8_lossy(&e.request.body),
        },
        "response": response,
    })
}

fn unit(r: &CaseResult) -> Value {
    let (verdict, findings, note) = match &r.outcome {
        Outcome::Passed { note, chose } => {
            ("passed", Vec::new(), note.clone().or_else(|| chose.as_ref().map(|c| format!("chose {c}"))))
        }
        Outcome::Failed(f) => ("failed", f.iter().map(finding).collect(), None),
        Outcome::Blocked(f) => (
            "blocked",
            f.iter().map(finding).collect(),
            Some(format!("{} could not be evaluated: the answer broke the findings' rules first", r.check)),
        ),
        Outcome::Accepted(f) => ("accepted", f.iter().map(finding).collect(), None),
        Outcome::Skipped(why) => ("skipped", Vec::new(), Some(why.clone())),
    };
    json!({
        "name": r.name,
        "check": r.check.name(),
        "family": r.check.family().name(),
        "origin": r.origin.to_string(),
        "verdict": verdict,
        "note": note,
        "findings": findings,
        "repro": r.repro,
        "exchange": r.exchange.as_ref().map(exchange),
    })
}

/// The JSON report text.
pub fn write_json(ctx: &RunContext<'_>) -> String {
    let s = RunSummary::of(&ctx.report.results);
    let doc = json!({
        "tool": "ssm-conform",
        "version": env!("CARGO_PKG_VERSION"),
        "operation": ctx.operations(),
        "target": ctx.target,
        "notes": ctx.notes,
        "seed": ctx.seed,
        "interrupted": ctx.report.interrupted.is_some(),
        "stopped_by": ctx.report.interrupted.map(|s| s.describe()),
        "seconds": ctx.seconds,
        "generated": {
            "requests": ctx.report.generated_requests,
            "seconds": ctx.report.generated_elapsed.as_secs_f64(),
        },
        "traffic": ctx.report.traffic.map(|t| json!({
            "attempts": t.attempts,
            "throttled": t.throttled,
            "transient_retried": t.transient_retried,
            "transient_repeated": t.transient_repeated,
            "given_up": t.given_up,
            "not_evaluated_units": ctx.report.not_evaluated(),
            "settled_rate": t.settled_rate,
            "backoff_seconds": t.backoff_seconds,
            "paced_seconds": t.paced_seconds,
        })),
        "summary": { "passed": s.passed, "failed": s.failed, "blocked": s.blocked, "skipped": s.skipped, "accepted": s.accepted },
        "executions_known": ctx.report.executions_known,
        "windows_known": ctx.report.windows_known,
        "data_required": ctx.report.data_required,
        "data_gap": ctx.report.data_gap(),
        // One entry per rule the endpoint breaks, most damaging first: what to fix.
        "deviations": ctx.report.deviations().iter().map(deviation).collect::<Vec<_>>(),
        "results": ctx.report.results.iter().map(unit).collect::<Vec<_>>(),
        "walks": ctx.report.walks.iter().map(|w| json!({
            "execution_id": w.execution_id, "walk": w.label(), "pages": w.pages, "items": w.items,
        })).collect::<Vec<_>>(),
        "coverage": ctx.report.coverage.as_ref().map(|c| json!({
            "checks": c.checks.iter().map(|(k, n)| (k.name().to_owned(), json!(n))).collect::<serde_json::Map<_, _>>(),
            "either": c.either.iter().map(|(k, n)| (k.name().to_owned(), json!(n))).collect::<serde_json::Map<_, _>>(),
        })),
        // Every EITHER rule of the contract, by name, with the alternatives this endpoint was seen
        // to choose (none: the run did not observe it): what a survey of AWS sends back.
        "choices": crate::contract::EitherRule::ALL.iter().map(|rule| (rule.name().to_owned(), json!({
            "rule": rule.description(),
            "chose": ctx.report.choices.get(rule).map(|alts| alts.iter().collect::<Vec<_>>()).unwrap_or_default(),
        }))).collect::<serde_json::Map<_, _>>(),
        "either_choices": ctx.report.choices.iter().map(|(rule, alts)| (rule.description().to_owned(), json!(alts))).collect::<serde_json::Map<_, _>>(),
        "stale_baseline_entries": ctx.stale.iter().map(|e| json!({"unit": e.unit, "check": e.check.name()})).collect::<Vec<_>>(),
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}
