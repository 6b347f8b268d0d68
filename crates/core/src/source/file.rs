//! Case files (`cases/*.toml`) → [`Case`]s, with errors that name the file, line, column, case
//! and field. Knows nothing of HTTP.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::case::{
    BodyTemplate, Case, ErrorExpectation, Expectation, Origin, RequestSpec, StatusExpectation, ViolationSpec,
};
use super::file_error::{CaseFileError, CaseFileErrorKind as Kind};
use super::placeholder::{self, Placeholder};
use crate::check_id::CheckId;
use crate::contract;

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
    either: Option<Spanned<String>>,
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
    /// `offset` within the text, moved back to the start of the character it falls in: the TOML
    /// parser's spans are byte offsets, and one may point inside a multi-byte character.
    fn boundary(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }

    fn position(&self, offset: usize) -> (usize, usize) {
        let offset = self.boundary(offset);
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before[line_start..].chars().count() + 1;
        (line, col)
    }

    /// The `table.key` a value at `offset` is assigned to, read from the source text.
    fn field_at(&self, offset: usize, case_start: usize) -> Option<String> {
        let offset = self.boundary(offset);
        let line_start = self.text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let prefix = self.text[line_start..offset].trim_end();
        let key = prefix
            .strip_suffix('=')
            .map(str::trim_end)
            .and_then(|p| p.rsplit(|c: char| c.is_whitespace() || c == '{' || c == ',').next())
            .filter(|k| !k.is_empty())
            .map(str::to_owned);
        // The nearest table header between the case's start and here.
        let header = self.text[self.boundary(case_start).min(line_start)..line_start]
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
    fn error(&self, offset: Option<usize>, case: Option<&str>, field: Option<&str>, kind: Kind) -> CaseFileError {
        let (line, col) = offset.map_or((0, 0), |o| self.index.position(o));
        CaseFileError {
            path: self.path.to_owned(),
            line,
            col,
            case: case.map(str::to_owned),
            field: field.map(str::to_owned),
            kind: Box::new(kind),
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
        let at_single_case_table = offset.is_some_and(|o| text[o.min(text.len())..].trim_start().starts_with("[case]"));
        let kind = if at_single_case_table { Kind::SingleCaseTable } else { Kind::from_parser(e.message()) };
        ctx.error(offset, case.as_deref(), field.as_deref(), kind)
    })?;

    let default_check = raw.check.as_ref().map(|c| parse_check(&ctx, c, None, "check")).transpose()?;

    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut cases = Vec::with_capacity(raw.case.len());
    for spanned in &raw.case {
        let start = spanned.span().start;
        let rc = spanned.get_ref();
        let name = rc.name.get_ref().trim().to_owned();
        if name.is_empty() {
            return Err(ctx.error(Some(rc.name.span().start), None, Some("name"), Kind::EmptyName));
        }
        if let Some(prev) = seen.insert(name.clone(), start) {
            let (line, _) = ctx.index.position(prev);
            return Err(ctx.error(
                Some(rc.name.span().start),
                Some(&name),
                Some("name"),
                Kind::DuplicateName { first: format!("used on line {line}") },
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
    c.get_ref()
        .parse::<CheckId>()
        .map_err(|e| ctx.error(Some(c.span().start), case, Some(field), Kind::UnknownCheck(e)))
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
        (None, None) => return Err(ctx.error(Some(start), case, Some("check"), Kind::NoCheck)),
    };
    let body = convert_body(ctx, start, rc, case)?;
    let Some(expect) = &rc.expect else {
        return Err(ctx.error(Some(start), case, Some("expect"), Kind::NoExpect));
    };
    let expect = convert_expect(ctx, expect, case)?;
    let snapshot = rc.snapshot.as_ref().map(|s| convert_snapshot(ctx, s, name)).transpose()?.flatten();
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

/// The request body: `json` (valid JSON once placeholders are filled in) or `body` (as written).
fn convert_body(
    ctx: &FileContext<'_>,
    start: usize,
    rc: &RawCase,
    case: Option<&str>,
) -> Result<BodyTemplate, CaseFileError> {
    match (&rc.json, &rc.body) {
        (Some(j), None) => {
            check_placeholders(ctx, j, case, "json")?;
            let at = Some(j.span().start);
            let probe = placeholder::substitute::<String>(j.get_ref(), |p| Ok(sample_value(p)))
                .map_err(|e| ctx.error(at, case, Some("json"), Kind::Placeholder(e)))?;
            if let Err(e) = serde_json::from_str::<serde_json::Value>(&probe) {
                return Err(ctx.error(at, case, Some("json"), Kind::InvalidJson(e.to_string())));
            }
            Ok(BodyTemplate::Json(j.get_ref().clone()))
        }
        (None, Some(b)) => {
            check_placeholders(ctx, b, case, "body")?;
            Ok(BodyTemplate::Raw(b.get_ref().clone()))
        }
        (Some(_), Some(b)) => Err(ctx.error(Some(b.span().start), case, Some("body"), Kind::BothBodies)),
        (None, None) => Err(ctx.error(Some(start), case, Some("json"), Kind::NoRequest)),
    }
}

/// `snapshot = true` (named after the case), `false`, or a file name.
fn convert_snapshot(
    ctx: &FileContext<'_>,
    s: &Spanned<toml::Value>,
    name: &str,
) -> Result<Option<String>, CaseFileError> {
    let valid = |n: &str| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    match s.get_ref() {
        toml::Value::Boolean(true) => Ok(Some(name.to_owned())),
        toml::Value::Boolean(false) => Ok(None),
        toml::Value::String(n) if valid(n) => Ok(Some(n.clone())),
        v => Err(ctx.error(Some(s.span().start), Some(name), Some("snapshot"), Kind::BadSnapshot(v.to_string()))),
    }
}

/// A stand-in value for each placeholder, to check at load time that a JSON template is JSON.
fn sample_value(p: &Placeholder) -> String {
    match p {
        Placeholder::ExecutionId
        | Placeholder::ExecutionIdAdjacent
        | Placeholder::OtherExecutionId
        | Placeholder::RandomId => "00000000-0000-4000-8000-000000000000".to_owned(),
        Placeholder::RandomIdUpper | Placeholder::ExecutionIdUpper => "ABCDEF00-0000-4000-8000-000000000000".to_owned(),
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
    let found = placeholder::scan(s.get_ref())
        .map_err(|(off, msg)| ctx.error(Some(s.span().start + 1 + off), case, Some(field), Kind::Placeholder(msg)))?;
    // What the body can expand to, with ids and ordinary tokens: a case accepted here builds.
    let expansion = found.iter().fold(s.get_ref().len(), |total, (_, p)| {
        total.saturating_add(match p {
            Placeholder::Repeat { text, count } => text.len().saturating_mul(*count),
            _ => 1 << 10,
        })
    });
    if expansion > placeholder::BODY_MAX {
        let message = format!("the placeholders expand to more than {} bytes", placeholder::BODY_MAX);
        return Err(ctx.error(Some(s.span().start), case, Some(field), Kind::Placeholder(message)));
    }
    Ok(())
}

/// `expect.status`: a status, a list of them (EITHER), or `"4xx"`.
fn convert_status(
    ctx: &FileContext<'_>,
    e: &Spanned<RawExpect>,
    case: Option<&str>,
) -> Result<StatusExpectation, CaseFileError> {
    let Some(s) = &e.get_ref().status else {
        return Err(ctx.error(Some(e.span().start), case, Some("expect.status"), Kind::MissingStatus));
    };
    let err = |kind| ctx.error(Some(s.span().start), case, Some("expect.status"), kind);
    let one = |v: &toml::Value| -> Result<u16, CaseFileError> {
        match v.as_integer() {
            Some(n) if (100..=599).contains(&n) => Ok(n as u16),
            _ => Err(err(Kind::BadStatusCode(v.to_string()))),
        }
    };
    match s.get_ref() {
        toml::Value::String(c) if c == "4xx" => Ok(StatusExpectation::ClientError),
        toml::Value::Array(list) if !list.is_empty() => {
            Ok(StatusExpectation::AnyOf(list.iter().map(one).collect::<Result<_, _>>()?))
        }
        v @ toml::Value::Integer(_) => Ok(StatusExpectation::AnyOf(vec![one(v)?])),
        v => Err(err(Kind::BadStatus(v.to_string()))),
    }
}

/// `expect.error`: an error type, a list of them (EITHER), or `"*"`.
fn convert_error(
    ctx: &FileContext<'_>,
    s: &Spanned<toml::Value>,
    case: Option<&str>,
) -> Result<ErrorExpectation, CaseFileError> {
    let bad = |v: &toml::Value| {
        ctx.error(Some(s.span().start), case, Some("expect.error"), Kind::BadErrorType(v.to_string()))
    };
    Ok(match s.get_ref() {
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

/// `expect.violations`: each path with a constraint the contract gives it.
fn convert_violations(
    ctx: &FileContext<'_>,
    raw: &[Spanned<RawViolation>],
    case: Option<&str>,
) -> Result<Vec<ViolationSpec>, CaseFileError> {
    raw.iter()
        .map(|v| {
            let rv = v.get_ref();
            let constraint = contract::constraint_for(&rv.path, &rv.constraint).ok_or_else(|| {
                let kind = Kind::NoConstraint { path: rv.path.clone(), constraint: rv.constraint.clone() };
                ctx.error(Some(v.span().start), case, Some("expect.violations"), kind)
            })?;
            Ok(ViolationSpec { path: rv.path.clone(), constraint })
        })
        .collect()
}

fn convert_expect(
    ctx: &FileContext<'_>,
    e: &Spanned<RawExpect>,
    case: Option<&str>,
) -> Result<Expectation, CaseFileError> {
    let raw = e.get_ref();
    let status = convert_status(ctx, e, case)?;
    let error = raw.error.as_ref().map(|s| convert_error(ctx, s, case)).transpose()?;
    let violations = convert_violations(ctx, &raw.violations, case)?;
    if let Some(list) = &raw.item_status_in {
        if let Some(bad) = list.get_ref().iter().find(|s| !contract::STATUSES.contains(&s.as_str())) {
            let kind = Kind::UnknownStatus(bad.clone());
            return Err(ctx.error(Some(list.span().start), case, Some("expect.item_status_in"), kind));
        }
    }
    if let (Some(min), Some(max)) = (raw.items_min, raw.items_max) {
        if min > max {
            return Err(ctx.error(Some(e.span().start), case, Some("expect.items_min"), Kind::ItemsRange { min, max }));
        }
    }
    let either = raw
        .either
        .as_ref()
        .map(|r| {
            r.get_ref()
                .parse()
                .map_err(|e| ctx.error(Some(r.span().start), case, Some("expect.either"), Kind::UnknownEitherRule(e)))
        })
        .transpose()?;
    Ok(Expectation {
        either,
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
        kind: Box::new(Kind::Read(e.to_string())),
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
    let texts = files
        .into_iter()
        .map(|file| std::fs::read_to_string(&file).map(|text| (file.clone(), text)).map_err(|e| io_err(&file, e)))
        .collect::<Result<Vec<_>, _>>()?;
    parse_case_files(texts)
}

/// The built-in cases, embedded at build time, cited as `cases/<file>:<line>`.
pub fn builtin_cases() -> Result<Vec<Case>, CaseFileError> {
    let texts = crate::builtin::CASE_FILES
        .iter()
        .map(|(name, text)| (Path::new(crate::builtin::CASES_DIR).join(name), (*text).to_owned()))
        .collect();
    parse_case_files(texts)
}

/// Parses case files given as (path, text); case names must be unique across them.
fn parse_case_files(files: Vec<(PathBuf, String)>) -> Result<Vec<Case>, CaseFileError> {
    let mut all: Vec<Case> = Vec::new();
    let mut names: HashMap<String, Origin> = HashMap::new();
    for (file, text) in files {
        for case in parse_case_file(&file, &text)? {
            if let Some(first) = names.insert(case.name.clone(), case.origin.clone()) {
                let Origin::File { line, .. } = &case.origin else { unreachable!("file cases have file origins") };
                return Err(CaseFileError {
                    path: file.clone(),
                    line: *line,
                    col: 1,
                    case: Some(case.name.clone()),
                    field: Some("name".into()),
                    kind: Box::new(Kind::DuplicateName { first: format!("defined at {first}") }),
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

    /// Found by the `case_file` fuzz target (ASan, 2026-12-06): a mutated file read lossily, with
    /// U+FFFD (three bytes) where the TOML parser's error span ends, made the line index slice
    /// inside the character and panic. The input is kept as it was found.
    /// Found by the `case_file` fuzz target (ASan, 2026-12-06): an unknown key holding a
    /// carriage return and backticks came back in the error line raw (two lines on a terminal),
    /// and its backticks were taken for the list of expected fields. The input is kept as found.
    #[test]
    fn a_key_with_control_characters_and_backticks_is_one_line_naming_the_real_fields() {
        let bytes = include_bytes!("../../tests/data/fuzz/case_file-carriage-return-in-a-key");
        let line = parse(&String::from_utf8_lossy(bytes)).expect_err("the file is broken").to_string();
        assert!(line.starts_with("cases/t.toml:") && !line.contains(['\n', '\r']), "{line:?}");
        let line = parse("\"st`a\\rtus`, expected `x\" = 1\n").expect_err("unknown key").to_string();
        assert!(!line.contains('\r') && line.contains("st`a\\rtus`, expected `x"), "{line}");
        assert!(line.contains("(expected one of `check`, `case`)"), "{line}");
    }

    #[test]
    fn an_error_span_inside_a_multibyte_character_is_one_line_not_a_panic() {
        let bytes = include_bytes!("../../tests/data/fuzz/case_file-span-inside-a-character");
        let text = String::from_utf8_lossy(bytes);
        let line = parse(&text).expect_err("the file is broken").to_string();
        assert!(line.starts_with("cases/t.toml:"), "{line}");
        assert!(!line.contains('\n'), "{line}");
        // The smallest such file: a span that ends inside `é`.
        let index = LineIndex { text: "a = 'é'" };
        assert_eq!(index.position(6), (1, 6));
        assert_eq!(index.position(6), index.position(5));
        assert_eq!(index.field_at(6, 6), index.field_at(5, 5));
    }

    #[test]
    fn every_built_in_case_that_accepts_alternatives_names_its_either_rule() {
        use crate::source::{ErrorExpectation, StatusExpectation};
        let several = |c: &Case| {
            matches!(&c.expect.status, Some(StatusExpectation::AnyOf(l)) if l.len() > 1)
                || matches!(&c.expect.error, Some(ErrorExpectation::AnyOf(l)) if l.len() > 1)
        };
        let cases = builtin_cases().unwrap();
        let unnamed: Vec<&str> =
            cases.iter().filter(|c| several(c) && c.expect.either.is_none()).map(|c| c.name.as_str()).collect();
        assert!(unnamed.is_empty(), "cases that accept several answers but name no EITHER rule: {unnamed:?}");
        assert!(cases.iter().filter(|c| c.expect.either.is_some()).count() >= 70);
        let text = "[[case]]\nname = \"e\"\ncheck = \"id-length\"\njson = '{}'\n[case.expect]\nstatus = [200, 400]\neither = \"unknown-member\"\n";
        let err = parse(text).unwrap_err().to_string();
        assert!(err.contains("expect.either") && err.contains("did you mean \"unknown-members\"?"), "{err}");
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
