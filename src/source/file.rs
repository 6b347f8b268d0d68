//! Case files (`cases/*.toml`) → [`Case`]s, with errors that name the file, line, column, case
//! and field. Knows nothing of HTTP.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::case::{
    BodyTemplate, Case, ErrorExpectation, Expectation, Origin, RequestSpec, StatusExpectation, ViolationSpec,
};
use super::placeholder::{self, Placeholder};
use crate::check::CheckId;
use crate::contract;

/// A mistake in a case file, located as precisely as the parser allows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct CaseFileError {
    /// The file.
    pub path: PathBuf,
    /// 1-based line, 0 when the error concerns the whole file.
    pub line: usize,
    /// 1-based column, 0 when unknown.
    pub col: usize,
    /// The case the error is in, when known.
    pub case: Option<String>,
    /// The field the error is in (`expect.status`), when known.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for CaseFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
            if self.col > 0 {
                write!(f, ":{}", self.col)?;
            }
        }
        f.write_str(": ")?;
        if let Some(case) = &self.case {
            write!(f, "case {case:?}: ")?;
        }
        if let Some(field) = &self.field {
            write!(f, "{field}: ")?;
        }
        f.write_str(&self.message)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    /// The default check id of the file's cases.
    check: Option<Spanned<String>>,
    #[serde(default)]
    case: Vec<Spanned<RawCase>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    name: Spanned<String>,
    check: Option<Spanned<String>>,
    description: Option<String>,
    json: Option<Spanned<String>>,
    body: Option<Spanned<String>>,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    expect: Option<Spanned<RawExpect>>,
    snapshot: Option<Spanned<toml::Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExpect {
    status: Option<Spanned<toml::Value>>,
    error: Option<Spanned<toml::Value>>,
    #[serde(default)]
    violations: Vec<Spanned<RawViolation>>,
    #[serde(default)]
    message_contains: Vec<String>,
    items_min: Option<usize>,
    items_max: Option<usize>,
    item_status_in: Option<Spanned<Vec<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawViolation {
    path: String,
    constraint: String,
}

/// Only the case names and spans, to say which case a serde error is in.
#[derive(Deserialize)]
struct NamesOnly {
    #[serde(default)]
    case: Vec<Spanned<NameOnly>>,
}

#[derive(Deserialize)]
struct NameOnly {
    name: Option<String>,
}

/// Turns byte offsets into 1-based line and column.
struct LineIndex<'a> {
    text: &'a str,
}

impl LineIndex<'_> {
    fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before[line_start..].chars().count() + 1;
        (line, col)
    }

    /// The `table.key` a value at `offset` is assigned to, read from the source text.
    fn field_at(&self, offset: usize, case_start: usize) -> Option<String> {
        let offset = offset.min(self.text.len());
        let line_start = self.text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let prefix = self.text[line_start..offset].trim_end();
        let key = prefix
            .strip_suffix('=')
            .map(str::trim_end)
            .and_then(|p| p.rsplit(|c: char| c.is_whitespace() || c == '{' || c == ',').next())
            .filter(|k| !k.is_empty())
            .map(str::to_owned);
        // The nearest table header between the case's start and here.
        let header = self.text[case_start.min(line_start)..line_start]
            .lines()
            .rev()
            .map(str::trim)
            .find(|l| l.starts_with('[') && !l.starts_with("[["))
            .map(|l| l.trim_matches(|c| c == '[' || c == ']').trim_start_matches("case.").to_owned())
            .filter(|h| h != "case");
        match (header, key) {
            (Some(h), Some(k)) => Some(format!("{h}.{k}")),
            (None, Some(k)) => Some(k),
            (Some(h), None) => Some(h),
            (None, None) => None,
        }
    }
}

struct FileContext<'a> {
    path: &'a Path,
    index: LineIndex<'a>,
}

impl FileContext<'_> {
    fn error(
        &self,
        offset: Option<usize>,
        case: Option<&str>,
        field: Option<&str>,
        message: impl Into<String>,
    ) -> CaseFileError {
        let (line, col) = offset.map_or((0, 0), |o| self.index.position(o));
        CaseFileError {
            path: self.path.to_owned(),
            line,
            col,
            case: case.map(str::to_owned),
            field: field.map(str::to_owned),
            message: message.into(),
        }
    }
}

/// Parses one case file's text. `path` is only used in errors and origins.
pub fn parse_case_file(path: &Path, text: &str) -> Result<Vec<Case>, CaseFileError> {
    let ctx = FileContext { path, index: LineIndex { text } };
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let offset = e.span().map(|s| s.start);
        let names: Option<NamesOnly> = toml::from_str(text).ok();
        let enclosing = offset.and_then(|o| {
            names
                .as_ref()?
                .case
                .iter()
                // A case's span may cover only its header; the case runs until the next one.
                .rfind(|c| c.span().start <= o)
                .map(|c| (c.span().start, c.get_ref().name.clone()))
        });
        let field = match (offset, &enclosing) {
            (Some(o), Some((start, _))) => ctx.index.field_at(o, *start),
            (Some(o), None) => ctx.index.field_at(o, 0),
            _ => None,
        };
        let case = enclosing.and_then(|(_, n)| n);
        // serde names our private structs; say what a person wrote instead.
        let message = e
            .message()
            .trim()
            .replace('\n', " ")
            .replace("struct RawExpect", "a table ([case.expect])")
            .replace("struct RawCase", "a table ([[case]])")
            .replace("struct RawViolation", "a table ({ path = ..., constraint = ... })")
            .replace("struct RawFile", "a case file");
        ctx.error(offset, case.as_deref(), field.as_deref(), message)
    })?;

    let default_check = raw.check.as_ref().map(|c| parse_check(&ctx, c, None, "check")).transpose()?;

    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut cases = Vec::with_capacity(raw.case.len());
    for spanned in &raw.case {
        let start = spanned.span().start;
        let rc = spanned.get_ref();
        let name = rc.name.get_ref().trim().to_owned();
        if name.is_empty() {
            return Err(ctx.error(Some(rc.name.span().start), None, Some("name"), "a case needs a non-empty name"));
        }
        if let Some(prev) = seen.insert(name.clone(), start) {
            let (line, _) = ctx.index.position(prev);
            return Err(ctx.error(
                Some(rc.name.span().start),
                Some(&name),
                Some("name"),
                format!("duplicate case name (first used on line {line})"),
            ));
        }
        cases.push(convert_case(&ctx, start, rc, &name, default_check)?);
    }
    Ok(cases)
}

fn parse_check(
    ctx: &FileContext<'_>,
    c: &Spanned<String>,
    case: Option<&str>,
    field: &str,
) -> Result<CheckId, CaseFileError> {
    c.get_ref().parse::<CheckId>().map_err(|e| {
        let known: Vec<&str> = CheckId::ALL.iter().map(|c| c.name()).collect();
        ctx.error(Some(c.span().start), case, Some(field), format!("{e}; known: {}", known.join(", ")))
    })
}

fn convert_case(
    ctx: &FileContext<'_>,
    start: usize,
    rc: &RawCase,
    name: &str,
    default_check: Option<CheckId>,
) -> Result<Case, CaseFileError> {
    let case = Some(name);
    let check = match (&rc.check, default_check) {
        (Some(c), _) => parse_check(ctx, c, case, "check")?,
        (None, Some(c)) => c,
        (None, None) => {
            return Err(ctx.error(
                Some(start),
                case,
                Some("check"),
                "no check id: give `check = \"...\"` in the case or at the top of the file",
            ));
        }
    };

    let body = match (&rc.json, &rc.body) {
        (Some(j), None) => {
            check_placeholders(ctx, j, case, "json")?;
            let probe = placeholder::substitute::<String>(j.get_ref(), |p| Ok(sample_value(p)))
                .map_err(|e| ctx.error(Some(j.span().start), case, Some("json"), e))?;
            if let Err(e) = serde_json::from_str::<serde_json::Value>(&probe) {
                return Err(ctx.error(
                    Some(j.span().start),
                    case,
                    Some("json"),
                    format!("not valid JSON ({e}); use `body` for a deliberately malformed body"),
                ));
            }
            BodyTemplate::Json(j.get_ref().clone())
        }
        (None, Some(b)) => {
            check_placeholders(ctx, b, case, "body")?;
            BodyTemplate::Raw(b.get_ref().clone())
        }
        (Some(_), Some(b)) => {
            return Err(ctx.error(Some(b.span().start), case, Some("body"), "give `json` or `body`, not both"));
        }
        (None, None) => {
            return Err(ctx.error(
                Some(start),
                case,
                Some("json"),
                "a case needs a request: `json = '{...}'` or `body = '...'`",
            ));
        }
    };

    let Some(expect) = &rc.expect else {
        return Err(ctx.error(Some(start), case, Some("expect"), "a case needs an `[case.expect]` table"));
    };
    let expect = convert_expect(ctx, expect, case)?;
    let snapshot = match &rc.snapshot {
        None => None,
        Some(s) => {
            let valid = |n: &str| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            match s.get_ref() {
                toml::Value::Boolean(true) => Some(name.to_owned()),
                toml::Value::Boolean(false) => None,
                toml::Value::String(n) if valid(n) => Some(n.clone()),
                v => {
                    return Err(ctx.error(
                        Some(s.span().start),
                        case,
                        Some("snapshot"),
                        format!("expected true or a file name of letters, digits, - and _, found {v}"),
                    ));
                }
            }
        }
    };
    Ok(Case {
        snapshot,
        name: name.to_owned(),
        check,
        description: rc.description.clone(),
        origin: Origin::File { path: ctx.path.to_owned(), line: ctx.index.position(start).0 },
        request: RequestSpec { body, headers: rc.headers.iter().map(|(k, v)| (k.clone(), v.clone())).collect() },
        expect,
    })
}

/// A stand-in value for each placeholder, to check at load time that a JSON template is JSON.
fn sample_value(p: &Placeholder) -> String {
    match p {
        Placeholder::ExecutionId | Placeholder::OtherExecutionId | Placeholder::RandomId => {
            "00000000-0000-4000-8000-000000000000".to_owned()
        }
        Placeholder::RandomIdUpper => "ABCDEF00-0000-4000-8000-000000000000".to_owned(),
        Placeholder::Repeat { text, count } => text.repeat(*count),
        Placeholder::NextToken | Placeholder::NextTokenTampered | Placeholder::NextTokenTruncated => "token".to_owned(),
    }
}

fn check_placeholders(
    ctx: &FileContext<'_>,
    s: &Spanned<String>,
    case: Option<&str>,
    field: &str,
) -> Result<(), CaseFileError> {
    placeholder::scan(s.get_ref())
        .map(drop)
        .map_err(|(off, msg)| ctx.error(Some(s.span().start + 1 + off), case, Some(field), msg))
}

fn convert_expect(
    ctx: &FileContext<'_>,
    e: &Spanned<RawExpect>,
    case: Option<&str>,
) -> Result<Expectation, CaseFileError> {
    let raw = e.get_ref();
    let status_err = |span: usize, msg: String| ctx.error(Some(span), case, Some("expect.status"), msg);
    let status = match &raw.status {
        None => {
            return Err(ctx.error(
                Some(e.span().start),
                case,
                Some("expect.status"),
                "missing: give a status (200), a list ([400, 404]) or \"4xx\"",
            ));
        }
        Some(s) => {
            let at = s.span().start;
            let one = |v: &toml::Value| -> Result<u16, CaseFileError> {
                match v.as_integer() {
                    Some(n) if (100..=599).contains(&n) => Ok(n as u16),
                    _ => Err(status_err(at, format!("expected an integer 100..=599, found {v}"))),
                }
            };
            match s.get_ref() {
                toml::Value::String(c) if c == "4xx" => StatusExpectation::ClientError,
                toml::Value::Array(list) if !list.is_empty() => {
                    StatusExpectation::AnyOf(list.iter().map(one).collect::<Result<_, _>>()?)
                }
                v @ toml::Value::Integer(_) => StatusExpectation::AnyOf(vec![one(v)?]),
                v => return Err(status_err(at, format!("expected 200, [400, 404] or \"4xx\", found {v}"))),
            }
        }
    };
    let error = match &raw.error {
        None => None,
        Some(s) => {
            let at = s.span().start;
            let bad = |v: &toml::Value| {
                ctx.error(
                    Some(at),
                    case,
                    Some("expect.error"),
                    format!("expected an error type, a list of them, or \"*\", found {v}"),
                )
            };
            Some(match s.get_ref() {
                toml::Value::String(t) if t == "*" => ErrorExpectation::Any,
                toml::Value::String(t) if !t.is_empty() => ErrorExpectation::AnyOf(vec![t.clone()]),
                toml::Value::Array(list) if !list.is_empty() => ErrorExpectation::AnyOf(
                    list.iter()
                        .map(|v| v.as_str().filter(|t| !t.is_empty()).map(str::to_owned).ok_or_else(|| bad(v)))
                        .collect::<Result<_, _>>()?,
                ),
                v => return Err(bad(v)),
            })
        }
    };
    let mut violations = Vec::with_capacity(raw.violations.len());
    for v in &raw.violations {
        let rv = v.get_ref();
        let constraint = contract::constraint_for(&rv.path, &rv.constraint).ok_or_else(|| {
            ctx.error(
                Some(v.span().start),
                case,
                Some("expect.violations"),
                format!(
                    "path {:?} has no constraint {:?} in the contract (kinds: {})",
                    rv.path,
                    rv.constraint,
                    contract::CONSTRAINT_KINDS
                ),
            )
        })?;
        violations.push(ViolationSpec { path: rv.path.clone(), constraint });
    }
    if let Some(list) = &raw.item_status_in {
        if let Some(bad) = list.get_ref().iter().find(|s| !contract::STATUSES.contains(&s.as_str())) {
            return Err(ctx.error(
                Some(list.span().start),
                case,
                Some("expect.item_status_in"),
                format!("{bad:?} is not a status (known: {})", contract::STATUSES.join(", ")),
            ));
        }
    }
    if let (Some(lo), Some(hi)) = (raw.items_min, raw.items_max) {
        if lo > hi {
            return Err(ctx.error(
                Some(e.span().start),
                case,
                Some("expect.items_min"),
                format!("items_min {lo} is above items_max {hi}"),
            ));
        }
    }
    Ok(Expectation {
        status: Some(status),
        error,
        violations,
        message_contains: raw.message_contains.clone(),
        items_min: raw.items_min,
        items_max: raw.items_max,
        item_status_in: raw.item_status_in.as_ref().map(|l| l.get_ref().clone()),
    })
}

/// Reads every `*.toml` file in `dir` (sorted by name), or `dir` itself when it is a file.
/// Case names must be unique across the files.
pub fn load_cases(dir: &Path) -> Result<Vec<Case>, CaseFileError> {
    let io_err = |path: &Path, e: std::io::Error| CaseFileError {
        path: path.to_owned(),
        line: 0,
        col: 0,
        case: None,
        field: None,
        message: format!("cannot read: {e}"),
    };
    let files: Vec<PathBuf> = if dir.is_file() {
        vec![dir.to_owned()]
    } else {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| io_err(dir, e))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        files
    };
    let mut all: Vec<Case> = Vec::new();
    let mut names: HashMap<String, Origin> = HashMap::new();
    for file in files {
        let text = std::fs::read_to_string(&file).map_err(|e| io_err(&file, e))?;
        for case in parse_case_file(&file, &text)? {
            if let Some(first) = names.insert(case.name.clone(), case.origin.clone()) {
                let Origin::File { line, .. } = &case.origin else { unreachable!("file cases have file origins") };
                return Err(CaseFileError {
                    path: file.clone(),
                    line: *line,
                    col: 1,
                    case: Some(case.name.clone()),
                    field: Some("name".into()),
                    message: format!("duplicate case name (first defined at {first})"),
                });
            }
            all.push(case);
        }
    }
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<Case>, CaseFileError> {
        parse_case_file(Path::new("cases/t.toml"), text)
    }

    #[test]
    fn parses_a_case() {
        let cases = parse(
            r#"
check = "max-results-min"

[[case]]
name = "max-results-9"
json = '{"WindowExecutionId": "{{execution_id}}", "MaxResults": 9}'
[case.expect]
status = 400
error = "ValidationException"
violations = [{ path = "maxResults", constraint = "value-min" }]
"#,
        )
        .unwrap();
        assert_eq!(cases.len(), 1);
        assert_eq!(cases[0].check, CheckId::MaxResultsMin);
        assert_eq!(cases[0].origin, Origin::File { path: "cases/t.toml".into(), line: 4 });
        assert_eq!(cases[0].expect.violations[0].constraint, contract::Constraint::ValueMin(10));
    }

    #[test]
    fn errors_name_line_case_and_field() {
        let err = parse(
            r#"check = "max-results-min"

[[case]]
name = "a"
json = '{}'
[case.expect]
status = "400"
"#,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "cases/t.toml:7:10: case \"a\": expect.status: expected 200, [400, 404] or \"4xx\", found \"400\""
        );

        let err =
            parse("[[case]]\nname = \"b\"\ncheck = \"max-results-min\"\njson = '{}'\n[case.expect]\nstauts = 200\n")
                .unwrap_err();
        assert!(err.to_string().starts_with("cases/t.toml:6:1: case \"b\": "), "{err}");
        assert!(err.to_string().contains("unknown field `stauts`"), "{err}");

        let err =
            parse("[[case]]\nname = \"c\"\ncheck = \"nope\"\njson = '{}'\n[case.expect]\nstatus = 200\n").unwrap_err();
        assert!(err.to_string().starts_with("cases/t.toml:3:9: case \"c\": check: unknown check id \"nope\""), "{err}");

        let err =
            parse("[[case]]\nname = \"d\"\ncheck = \"id-length\"\njson = '{\"a\": }'\n[case.expect]\nstatus = 200\n")
                .unwrap_err();
        assert!(err.to_string().contains("case \"d\": json: not valid JSON"), "{err}");

        let err = parse("[[case]]\nname = \"e\"\ncheck = \"id-length\"\njson = '{\"a\": \"{{nope}}\"}'\n[case.expect]\nstatus = 200\n").unwrap_err();
        assert!(err.to_string().contains("unknown placeholder `{{nope}}`"), "{err}");

        let err = parse("[[case]]\nname = \"f\"\ncheck = \"id-length\"\njson = '{}'\n[case.expect]\nstatus = 400\nviolations = [{ path = \"maxResults\", constraint = \"pattern\" }]\n").unwrap_err();
        assert!(
            err.to_string().contains("expect.violations: path \"maxResults\" has no constraint \"pattern\""),
            "{err}"
        );

        let err = parse("[[case]\nname = 1\n").unwrap_err();
        assert!(err.to_string().starts_with("cases/t.toml:1:"), "{err}");
    }
}
