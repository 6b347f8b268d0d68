//! [`Case`] → case file text, so that a generated failure becomes a permanent regression case.
//! The text parses back to the same case.

use std::fmt::Write as _;

use super::case::{BodyTemplate, Case, ErrorExpectation, StatusExpectation};

fn quote(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

/// One `[[case]]` block for `case`, preceded by `comment` lines.
pub fn case_to_toml(case: &Case, comment: &str) -> String {
    let mut out = String::new();
    for line in comment.lines() {
        let _ = writeln!(out, "# {line}");
    }
    let _ = writeln!(out, "[[case]]");
    let _ = writeln!(out, "name = {}", quote(&case.name));
    let _ = writeln!(out, "check = {}", quote(case.check.name()));
    if let Some(d) = &case.description {
        let _ = writeln!(out, "description = {}", quote(d));
    }
    match &case.request.body {
        BodyTemplate::Json(j) => {
            let _ = writeln!(out, "json = {}", quote(j));
        }
        BodyTemplate::Raw(b) => {
            let _ = writeln!(out, "body = {}", quote(b));
        }
    }
    if !case.request.headers.is_empty() {
        let pairs: Vec<String> =
            case.request.headers.iter().map(|(k, v)| format!("{} = {}", quote(k), quote(v))).collect();
        let _ = writeln!(out, "headers = {{ {} }}", pairs.join(", "));
    }
    if let Some(name) = &case.snapshot {
        let _ = writeln!(out, "snapshot = {}", quote(name));
    }
    let e = &case.expect;
    let _ = writeln!(out, "[case.expect]");
    match &e.status {
        Some(StatusExpectation::AnyOf(list)) if list.len() == 1 => {
            let _ = writeln!(out, "status = {}", list[0]);
        }
        Some(StatusExpectation::AnyOf(list)) => {
            let l: Vec<String> = list.iter().map(u16::to_string).collect();
            let _ = writeln!(out, "status = [{}]", l.join(", "));
        }
        Some(StatusExpectation::ClientError) => {
            let _ = writeln!(out, "status = \"4xx\"");
        }
        None => {}
    }
    match &e.error {
        Some(ErrorExpectation::Any) => {
            let _ = writeln!(out, "error = \"*\"");
        }
        Some(ErrorExpectation::AnyOf(list)) if list.len() == 1 => {
            let _ = writeln!(out, "error = {}", quote(&list[0]));
        }
        Some(ErrorExpectation::AnyOf(list)) => {
            let l: Vec<String> = list.iter().map(|t| quote(t)).collect();
            let _ = writeln!(out, "error = [{}]", l.join(", "));
        }
        None => {}
    }
    if !e.violations.is_empty() {
        let _ = writeln!(out, "violations = [");
        for v in &e.violations {
            let _ = writeln!(out, "  {{ path = {}, constraint = {} }},", quote(&v.path), quote(v.constraint.kind()));
        }
        let _ = writeln!(out, "]");
    }
    if !e.message_contains.is_empty() {
        let l: Vec<String> = e.message_contains.iter().map(|m| quote(m)).collect();
        let _ = writeln!(out, "message_contains = [{}]", l.join(", "));
    }
    if let Some(n) = e.items_min {
        let _ = writeln!(out, "items_min = {n}");
    }
    if let Some(n) = e.items_max {
        let _ = writeln!(out, "items_max = {n}");
    }
    if let Some(list) = &e.item_status_in {
        let l: Vec<String> = list.iter().map(|s| quote(s)).collect();
        let _ = writeln!(out, "item_status_in = [{}]", l.join(", "));
    }
    out
}
