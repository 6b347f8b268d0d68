//! The HTML report (`--report html:PATH`): one self-contained file for a person, as a CI artifact
//! viewer shows it — the summary by family, the conformance matrix, what the endpoint chose under
//! the EITHER rules, and every finding with its request, response, expectation, measured SDK
//! impact and a `curl` line to copy; a switch shows only what fails.
//!
//! It fetches nothing and runs no script: the style is inline, the failure filter is two radio
//! buttons and a CSS sibling selector, and a Content-Security-Policy (`default-src 'none'`)
//! forbids scripts, so markup an endpoint smuggled past the escaping still could not run. Every
//! byte the endpoint sent goes through `escape::html` or `escape::html_block`.

use std::fmt::Write as _;

use super::matrix::{self, ChoiceOf, Impact, Verdict};
use super::{escape, RunContext};
use crate::finding::{CaseResult, Exchange, Finding, Outcome, RunSummary};

/// The most bytes of a body shown; the JSON report keeps what the run kept.
const BODY_SHOWN: usize = 16 * 1024;

/// The page's style: no external font, image or sheet.
const STYLE: &str = r#"
:root { color-scheme: light dark; --fail: #c62828; --pass: #2e7d32; --known: #6a1b9a; --warn: #ef6c00; --muted: #757575; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; max-width: 1200px; padding: 1rem 2rem 4rem; }
h1 { font-size: 1.5rem; margin-bottom: .25rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #8884; }
code, pre { font: 12.5px/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
pre { background: #8881; padding: .6rem .8rem; overflow-x: auto; white-space: pre-wrap; word-break: break-all; margin: .3rem 0; }
pre.curl { user-select: all; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid #8883; vertical-align: top; }
td code { white-space: nowrap; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.verdict { font-weight: 600; white-space: nowrap; }
.fail .verdict, .badge.fail { color: var(--fail); } .pass .verdict, .badge.pass { color: var(--pass); }
.known .verdict, .badge.known { color: var(--known); } .blocked .verdict, .badge.blocked { color: var(--warn); }
.skip .verdict, .badge.skip { color: var(--muted); }
.badges { display: flex; gap: 1rem; font-size: 1.1rem; margin: .5rem 0; } .badge { font-weight: 600; }
.meta, .note { color: var(--muted); } .interrupted { color: var(--warn); font-weight: 600; }
.filter { margin: 1rem 0; padding: .5rem .8rem; background: #8881; display: inline-block; }
.filter label { margin-right: 1rem; cursor: pointer; }
article.unit { border-left: 4px solid var(--fail); padding: .2rem 0 .2rem 1rem; margin: 1rem 0 1.5rem; }
article.unit.known { border-left-color: var(--known); }
article.unit h3 { margin: .2rem 0; font-size: 1rem; } dl { margin: .3rem 0; } dt { font-weight: 600; margin-top: .4rem; } dd { margin-left: 1rem; }
ul.sdk { margin: .2rem 0; padding-left: 1.2rem; }
details summary { cursor: pointer; color: var(--muted); }
#show-all:checked ~ header label[for=show-all], #show-failing:checked ~ header label[for=show-failing] { font-weight: 700; text-decoration: underline; }
#show-failing:checked ~ main .hideable:not(.fail):not(.blocked) { display: none; }
"#;

/// The HTML report text.
pub fn write_html(ctx: &RunContext<'_>) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let title = format!("ssm-conform: {} conformance of {}", ctx.operations(), ctx.target);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <input type=\"radio\" name=\"show\" id=\"show-all\" checked hidden>\
         <input type=\"radio\" name=\"show\" id=\"show-failing\" hidden>\n",
        escape::html(&title)
    );
    header(&mut out, ctx);
    out.push_str("<main>\n");
    deviations(&mut out, ctx);
    families(&mut out, &ctx.report.results);
    checks(&mut out, &ctx.report.results);
    choices(&mut out, ctx);
    findings(&mut out, ctx);
    units(&mut out, &ctx.report.results);
    stale(&mut out, ctx);
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

/// The title, the run's facts, the counts, the notes and the filter.
fn header(out: &mut String, ctx: &RunContext<'_>) {
    let s = RunSummary::of(&ctx.report.results);
    let _ = write!(
        out,
        "<header>\n<h1>ssm-conform: <code>{}</code> conformance</h1>\n\
         <p class=\"meta\">Target <code>{}</code> · ssm-conform {} · seed {} · {:.1} s · {} generated requests</p>\n\
         <p class=\"badges\" id=\"summary\"><span class=\"badge {}\">{}</span>\
         <span class=\"badge pass\">{} passed</span><span class=\"badge fail\">{} failed</span>\
         <span class=\"badge blocked\">{} blocked</span><span class=\"badge skip\">{} skipped</span>\
         <span class=\"badge known\">{} accepted</span></p>\n",
        escape::html(&ctx.operations()),
        escape::html(ctx.target),
        env!("CARGO_PKG_VERSION"),
        ctx.seed,
        ctx.seconds,
        ctx.report.generated_requests,
        if s.fails() { "fail" } else { "pass" },
        if s.fails() { "Does not conform" } else { "Conforms" },
        s.passed,
        s.failed,
        s.blocked,
        s.skipped,
        s.accepted,
    );
    if let Some(signal) = ctx.report.interrupted {
        let _ = writeln!(
            out,
            "<p class=\"interrupted\">Interrupted: the run was stopped by {}; the results cover what ran before it.</p>",
            signal.describe()
        );
    }
    for note in ctx.notes {
        let _ = writeln!(out, "<p class=\"note\">{}</p>", escape::html(note));
    }
    out.push_str(
        "<p class=\"filter\">Show: <label for=\"show-all\">☰ everything</label>\
         <label for=\"show-failing\">✗ only what fails</label></p>\n</header>\n",
    );
}

/// A verdict cell.
fn verdict_cell(v: Verdict) -> String {
    format!("<td class=\"verdict\">{}</td>", v.words())
}

/// One row per family.
fn families(out: &mut String, results: &[CaseResult]) {
    out.push_str(
        "<section id=\"families\">\n<h2>Summary by family</h2>\n<table>\n<tr><th>family</th><th>verdict</th>\
         <th>passed</th><th>failed</th><th>blocked</th><th>skipped</th><th>accepted</th></tr>\n",
    );
    for row in matrix::families(results) {
        let (v, s) = (Verdict::of(&row.counts), row.counts);
        let _ = writeln!(
            out,
            "<tr class=\"hideable {}\"><td>{}</td>{}<td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            v.key(),
            row.family.name(),
            verdict_cell(v),
            s.passed,
            s.failed,
            s.blocked,
            s.skipped,
            s.accepted
        );
    }
    out.push_str("</table>\n</section>\n");
}

/// The deviations, most damaging first: one row per rule the endpoint breaks, with its repro.
fn deviations(out: &mut String, ctx: &RunContext<'_>) {
    let all = ctx.report.deviations();
    if all.is_empty() {
        return;
    }
    out.push_str(
        "<section id=\"deviations\">\n<h2>Deviations: what to fix, most damaging first</h2>\n<table>\n\
         <tr><th>#</th><th>deviation</th><th>rule</th><th>shows up in</th><th>example</th>\
         <th>SDK impact (measured)</th></tr>\n",
    );
    for (i, d) in all.iter().enumerate() {
        let class = if d.accepted { "known" } else { "fail" };
        let example = format!("expected {}; got {}", d.example.expected, d.example.actual);
        let repro = d.repro.as_deref().map(|r| format!("<pre>{}</pre>", escape::html_block(r))).unwrap_or_default();
        let _ = writeln!(
            out,
            "<tr class=\"{class}\" id=\"deviation-{}\"><td class=\"n\">{}</td><td><code>{}</code> {}</td><td>{}</td>\
             <td>{}: {}</td><td>{}{repro}</td><td>{}</td></tr>",
            d.id(),
            i + 1,
            d.id(),
            escape::html(d.title()),
            escape::html(d.rule()),
            d.units_label(),
            escape::html(&d.checks_label()),
            escape::html(&crate::response::excerpt(&example, 300)),
            escape::html(&d.sdk_impact().unwrap_or_default()),
        );
    }
    out.push_str("</table>\n</section>\n");
}

/// The conformance matrix: one row per check.
fn checks(out: &mut String, results: &[CaseResult]) {
    out.push_str(
        "<section id=\"matrix\">\n<h2>Conformance matrix</h2>\n<table>\n<tr><th>check</th><th>family</th>\
         <th>verdict</th><th>units</th><th>first finding</th><th>SDK impact (measured)</th></tr>\n",
    );
    for row in matrix::checks(results) {
        let v = Verdict::of(&row.counts);
        let first = row.first_finding.map(|f| escape::html(&crate::response::excerpt(&f, 200))).unwrap_or_default();
        let impact = match row.impact {
            Impact::Measured(i) => escape::html(&i),
            Impact::NoFinding => String::new(),
            Impact::NotMeasured => "not measured for this deviation".to_owned(),
        };
        let _ = writeln!(
            out,
            "<tr class=\"hideable {}\" id=\"check-{}\"><td><code title=\"{}\">{}</code></td><td>{}</td>{}\
             <td class=\"n\">{}</td><td>{first}</td><td>{impact}</td></tr>",
            v.key(),
            row.check,
            escape::html(row.check.description()),
            row.check,
            row.check.family().name(),
            verdict_cell(v),
            row.units,
        );
    }
    out.push_str("</table>\n</section>\n");
}

/// What the endpoint chose where the contract says EITHER.
fn choices(out: &mut String, ctx: &RunContext<'_>) {
    out.push_str(
        "<section id=\"choices\" class=\"hideable\">\n<h2>EITHER rules: what this endpoint chose</h2>\n\
         <p class=\"note\">The contract accepts every alternative listed for these rules; they are information, \
         never findings.</p>\n<table>\n<tr><th>rule</th><th>chosen</th></tr>\n",
    );
    for choice in matrix::either_choices(ctx) {
        let rule = match choice.of {
            ChoiceOf::Rule(rule) => escape::html(rule),
            ChoiceOf::Cases(check) => format!("cases of <code>{check}</code>"),
        };
        let _ = writeln!(out, "<tr><td>{rule}</td><td>{}</td></tr>", escape::html(&choice.chosen));
    }
    out.push_str("</table>\n</section>\n");
}

/// Every unit with findings: failing ones first, then those the baseline accepts.
fn findings(out: &mut String, ctx: &RunContext<'_>) {
    let results = &ctx.report.results;
    let failing: Vec<&CaseResult> = results.iter().filter(|r| r.outcome.fails()).collect();
    let accepted: Vec<&CaseResult> = results.iter().filter(|r| matches!(r.outcome, Outcome::Accepted(_))).collect();
    if failing.is_empty() && accepted.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<section id=\"findings\">\n<h2>Findings</h2>\n<p class=\"note\">{} failing units, {} accepted by the \
         baseline.</p>",
        failing.len(),
        accepted.len()
    );
    for r in failing.into_iter().chain(accepted) {
        unit_article(out, r);
    }
    out.push_str("</section>\n");
}

/// One unit's findings, its exchange and its repro.
fn unit_article(out: &mut String, r: &CaseResult) {
    let (class, word) = match &r.outcome {
        Outcome::Blocked(_) => ("blocked", "BLOCKED"),
        Outcome::Accepted(_) => ("known", "KNOWN"),
        _ => ("fail", "FAIL"),
    };
    let _ = writeln!(
        out,
        "<article class=\"unit hideable {class}\">\n<h3><span class=\"verdict\">{word}</span> \
         <code>{}</code> — {} <span class=\"meta\">({})</span></h3>",
        r.check,
        escape::html(&r.name),
        escape::html(&r.origin.to_string())
    );
    if matches!(r.outcome, Outcome::Blocked(_)) {
        let _ = writeln!(
            out,
            "<p class=\"note\"><code>{}</code> could not be evaluated: the answer broke these rules first.</p>",
            r.check
        );
    }
    for f in r.outcome.findings() {
        finding(out, f);
    }
    let send_again = match &r.exchange {
        Some(e) => {
            exchange(out, e);
            "Send it again (one click selects the line):"
        }
        None => "This unit compares many exchanges (the walks over an execution's pages, listed in the JSON report). The request its first walk starts with:",
    };
    if let Some(repro) = &r.repro {
        let _ = writeln!(
            out,
            "<p class=\"note\">{send_again}</p>\n<pre class=\"curl\">{}</pre>",
            escape::html_block(repro)
        );
    }
    out.push_str("</article>\n");
}

/// One finding: the check, what the contract requires, what came back, the measured SDK impact.
fn finding(out: &mut String, f: &Finding) {
    let _ = writeln!(
        out,
        "<dl>\n<dt>check</dt><dd><code>{}</code> ({})</dd>\n<dt>expected</dt><dd>{}</dd>\n<dt>got</dt><dd>{}</dd>",
        f.check,
        f.check.family().name(),
        escape::html(&f.expected),
        escape::html(&f.actual)
    );
    if let Some(detail) = &f.detail {
        let _ = writeln!(out, "<dt>detail</dt><dd><pre>{}</pre></dd>", escape::html_block(detail));
    }
    sdk_impact(out, f);
    out.push_str("</dl>\n");
}

/// What each measured SDK does with the finding's deviation.
fn sdk_impact(out: &mut String, f: &Finding) {
    let Some(deviation) = f.deviation else { return };
    let Some(outcomes) = crate::sdk_impact::of(deviation) else {
        out.push_str("<dt>SDK impact</dt><dd>not measured for this deviation</dd>\n");
        return;
    };
    let measured = crate::sdk_impact::measured_on().map(|d| format!(" (measured {d})")).unwrap_or_default();
    let _ = writeln!(out, "<dt>SDK impact{}</dt><dd><ul class=\"sdk\">", escape::html(&measured));
    for o in outcomes {
        let what = if o.met {
            escape::html(&o.summary)
        } else {
            "<span class=\"note\">not known: its probe's scenario never met this deviation</span>".to_owned()
        };
        let _ = writeln!(out, "<li><strong>{}</strong>: {what}</li>", escape::html(&o.sdk));
    }
    out.push_str("</ul></dd>\n");
}

/// A body as shown: pretty JSON when it parses, else the bytes as text; at most [`BODY_SHOWN`].
fn body_text(body: &[u8]) -> String {
    let text = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(v) if body.len() <= BODY_SHOWN => serde_json::to_string_pretty(&v).unwrap_or_default(),
        _ => String::from_utf8_lossy(&body[..body.len().min(BODY_SHOWN)]).into_owned(),
    };
    if body.len() > BODY_SHOWN {
        format!("{text}\n… ({} more bytes in the JSON report)", body.len() - BODY_SHOWN)
    } else {
        text
    }
}

/// The request and the response, folded.
fn exchange(out: &mut String, e: &Exchange) {
    let headers = |h: &[(String, String)]| h.iter().map(|(k, v)| format!("{k}: {v}\n")).collect::<String>();
    let req = &e.request;
    let request = format!("{} {}\n{}\n{}", req.method, req.path, headers(&req.headers), body_text(&req.body));
    let response = match &e.response {
        Ok(r) => format!("HTTP {}\n{}\n{}", r.status, headers(&r.headers), body_text(&r.body)),
        Err(why) => format!("no response: {why}"),
    };
    let _ = writeln!(
        out,
        "<details><summary>request</summary><pre>{}</pre></details>\n\
         <details open><summary>response</summary><pre>{}</pre></details>",
        escape::html_block(&request),
        escape::html_block(&response)
    );
}

/// Every unit, one row each.
fn units(out: &mut String, results: &[CaseResult]) {
    out.push_str(
        "<section id=\"units\">\n<h2>Every unit</h2>\n<table>\n<tr><th>verdict</th><th>check</th><th>unit</th>\
         <th>note</th></tr>\n",
    );
    for r in results {
        let (key, word, note) = match &r.outcome {
            Outcome::Passed { note, chose } => {
                ("pass", "pass", note.clone().or_else(|| chose.as_ref().map(|c| format!("chose {c}"))))
            }
            Outcome::Failed(f) => ("fail", "FAIL", f.first().map(|f| f.actual.clone())),
            Outcome::Blocked(f) => ("blocked", "BLOCKED", f.first().map(|f| f.actual.clone())),
            Outcome::Accepted(_) => ("known", "KNOWN", None),
            Outcome::Skipped(why) => ("skip", "skip", Some(why.clone())),
        };
        let note = note.map(|n| escape::html(&crate::response::excerpt(&n, 200))).unwrap_or_default();
        let _ = writeln!(
            out,
            "<tr class=\"hideable {key}\"><td class=\"verdict\">{word}</td><td><code>{}</code></td><td>{}</td>\
             <td>{note}</td></tr>",
            r.check,
            escape::html(&r.name)
        );
    }
    out.push_str("</table>\n</section>\n");
}

/// Baseline entries that matched nothing.
fn stale(out: &mut String, ctx: &RunContext<'_>) {
    if ctx.stale.is_empty() {
        return;
    }
    out.push_str(
        "<section id=\"stale\" class=\"hideable\">\n<h2>Stale baseline entries (fixed since: remove them)</h2>\n<ul>\n",
    );
    for e in ctx.stale {
        let _ = writeln!(out, "<li><code>{}</code> in {}</li>", e.check, escape::html(&e.unit));
    }
    out.push_str("</ul>\n</section>\n");
}
